//! JUnit XML (SPEC 4.1), the test-report format CI servers (Jenkins, GitLab,
//! Azure Pipelines, test-reporter actions) read.
//!
//! The mapping:
//! - one `<testsuite>` per rule (its `name` is the rule id): every rule in the
//!   report's rule table, plus any other rule id that has findings;
//! - one `<testcase>` per (rule, subject) with findings, where the subject is
//!   the record (`name` = record id, `classname` = its file, else its kind),
//!   else the file (`name` = the path), else the repository
//!   (`name="repository"`);
//! - a case with an active **error** has one `<failure type="error">` whose
//!   body lists every finding of the case;
//! - a case with only **warnings or infos** passes, and lists them in
//!   `<system-out>`: CI servers would otherwise fail the build on warnings,
//!   which govlint's exit code does not do (unless `--deny-warnings`);
//! - a case whose findings are all **waived** is `<skipped message="waived: …">`;
//! - a rule with no finding gets one passing `<testcase name="all records">`,
//!   so no suite is empty and a clean run still reports its tests.
//!
//! Text is escaped for XML 1.0, and characters XML 1.0 cannot hold (most
//! control characters) are dropped.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::Report;
use crate::finding::{Finding, Severity};

/// Renders the whole report as one JUnit XML document.
pub fn render(report: &Report<'_>) -> String {
    let suites = suites(report);
    let total = |pick: fn(&Case<'_>) -> bool| {
        suites
            .iter()
            .flat_map(|s| &s.cases)
            .filter(|c| pick(c))
            .count()
    };
    let tests = total(|_| true);
    let failures = total(|c| c.outcome() == Outcome::Failed);
    let skipped = total(|c| c.outcome() == Outcome::Skipped);

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"govlint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">"
    );
    for suite in &suites {
        suite.write(&mut out);
    }
    out.push_str("</testsuites>\n");
    out
}

/// One `<testsuite>`: a rule and its cases.
struct Suite<'a> {
    name: String,
    cases: Vec<Case<'a>>,
}

/// One `<testcase>`: a rule's findings about one subject (none for the
/// passing "all records" case).
struct Case<'a> {
    classname: String,
    name: String,
    findings: Vec<&'a Finding>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Passed,
    Failed,
    Skipped,
}

impl Case<'_> {
    fn outcome(&self) -> Outcome {
        let active = || self.findings.iter().filter(|f| f.is_active());
        if active().any(|f| f.severity == Severity::Error) {
            Outcome::Failed
        } else if !self.findings.is_empty() && active().next().is_none() {
            Outcome::Skipped
        } else {
            Outcome::Passed
        }
    }

    fn write(&self, out: &mut String) {
        let _ = write!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\"",
            escape_attr(&self.classname),
            escape_attr(&self.name)
        );
        if self.findings.is_empty() {
            out.push_str("/>\n");
            return;
        }
        out.push_str(">\n");
        let body: String = self
            .findings
            .iter()
            .map(|f| describe(f))
            .collect::<Vec<_>>()
            .join("\n");
        match self.outcome() {
            Outcome::Failed => {
                let first = self
                    .findings
                    .iter()
                    .find(|f| f.is_active() && f.severity == Severity::Error)
                    .map_or("", |f| f.message.as_str());
                let _ = writeln!(
                    out,
                    "      <failure message=\"{}\" type=\"error\">{}</failure>",
                    escape_attr(first),
                    escape_text(&body)
                );
            }
            Outcome::Skipped => {
                let reasons: Vec<String> = self
                    .findings
                    .iter()
                    .filter_map(|f| {
                        f.waived
                            .as_ref()
                            .map(|w| format!("{} ({})", w.reason, w.waiver))
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "      <skipped message=\"waived: {}\"/>",
                    escape_attr(&reasons.join("; "))
                );
            }
            Outcome::Passed => {}
        }
        if self.outcome() != Outcome::Failed {
            let _ = writeln!(out, "      <system-out>{}</system-out>", escape_text(&body));
        }
        out.push_str("    </testcase>\n");
    }
}

impl Suite<'_> {
    fn write(&self, out: &mut String) {
        let count = |o: Outcome| self.cases.iter().filter(|c| c.outcome() == o).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">",
            escape_attr(&self.name),
            self.cases.len(),
            count(Outcome::Failed),
            count(Outcome::Skipped)
        );
        for case in &self.cases {
            case.write(out);
        }
        out.push_str("  </testsuite>\n");
    }
}

/// Groups findings into suites and cases: known rules first, in the rule
/// table's order, then other rule ids in sorted order.
fn suites<'a>(report: &Report<'a>) -> Vec<Suite<'a>> {
    // rule id → subject key → case, all in a stable order.
    let mut grouped: BTreeMap<&str, BTreeMap<String, Case<'a>>> = BTreeMap::new();
    for f in report.findings {
        let (key, case) = subject(f);
        grouped
            .entry(f.rule.as_str())
            .or_default()
            .entry(key)
            .or_insert(case)
            .findings
            .push(f);
    }
    let mut suites: Vec<Suite<'a>> = Vec::new();
    for meta in report.rules {
        let cases = grouped.remove(meta.id.as_str()).map_or_else(
            || {
                vec![Case {
                    classname: "govlint".into(),
                    name: "all records".into(),
                    findings: Vec::new(),
                }]
            },
            |cases| cases.into_values().collect(),
        );
        suites.push(Suite {
            name: meta.id.clone(),
            cases,
        });
    }
    for (rule, cases) in grouped {
        suites.push(Suite {
            name: rule.to_owned(),
            cases: cases.into_values().collect(),
        });
    }
    if suites.is_empty() {
        // No rule table and no finding: still report that the check ran.
        suites.push(Suite {
            name: "govlint".into(),
            cases: vec![Case {
                classname: "govlint".into(),
                name: format!("{} records checked", report.records),
                findings: Vec::new(),
            }],
        });
    }
    suites
}

/// The case a finding belongs to: its sort key and an empty case.
fn subject<'a>(f: &Finding) -> (String, Case<'a>) {
    let file = f.location.as_ref().map(|l| l.file.clone());
    let (key, classname, name) = match (&f.record, file) {
        (Some(record), file) => (
            format!("1 {record}"),
            file.or_else(|| f.kind.clone())
                .unwrap_or_else(|| "govlint".into()),
            record.clone(),
        ),
        (None, Some(file)) => (format!("2 {file}"), file.clone(), file),
        (None, None) => ("3".into(), "govlint".into(), "repository".into()),
    };
    (
        key,
        Case {
            classname,
            name,
            findings: Vec::new(),
        },
    )
}

/// One finding as plain text lines: severity, place, message, help, waiver.
fn describe(f: &Finding) -> String {
    let mut s = format!("{}: {}", f.severity.as_str(), f.message);
    if let Some(l) = &f.location {
        let _ = write!(s, "\n  at {}:{}:{}", l.file, l.line, l.column);
    }
    if let Some(p) = f.pointer.as_deref().filter(|p| !p.is_empty()) {
        let _ = write!(s, "\n  pointer: {p}");
    }
    if let Some(c) = &f.clause {
        let _ = write!(s, "\n  clause: {c}");
    }
    if let Some(h) = &f.help {
        let _ = write!(s, "\n  help: {h}");
    }
    if let Some(w) = &f.waived {
        let _ = write!(s, "\n  waived by {}: {}", w.waiver, w.reason);
    }
    if f.pending {
        s.push_str("\n  pending approval (staged content)");
    }
    s
}

/// Whether XML 1.0 can hold the character at all (its `Char` production).
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escapes element text; characters XML cannot hold are dropped.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|&c| xml_char(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // A bare CR would be read back as LF.
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes an attribute value (in double quotes). Tabs and line breaks are
/// written as character references, because a parser would otherwise turn
/// them into spaces (attribute-value normalisation).
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|&c| xml_char(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::finding::Waived;
    use crate::report::RuleMeta;
    use crate::source::Location;
    use crate::source::Span;

    fn f(
        rule: &str,
        severity: Severity,
        record: Option<&str>,
        file: Option<&str>,
        message: &str,
    ) -> Finding {
        let mut f = Finding::new(rule, severity, message).at(file.map(|file| Location {
            file: file.into(),
            span: Span::default(),
            line: 4,
            column: 2,
        }));
        f.record = record.map(Into::into);
        f
    }

    fn junit(findings: &[Finding], rules: &[RuleMeta]) -> String {
        let files = HashMap::new();
        render(&Report {
            findings,
            records: 5,
            files: &files,
            rules,
        })
    }

    fn meta(id: &str) -> RuleMeta {
        RuleMeta {
            id: id.into(),
            severity: Severity::Error,
            clause: None,
            summary: String::new(),
            help: None,
            source: None,
        }
    }

    #[test]
    fn escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(
            escape_text("a<b>&c\u{1}\u{1b}[0m\u{FFFE}ok"),
            "a&lt;b&gt;&amp;c[0mok"
        );
        assert_eq!(
            escape_attr("\"x\" 'y'\n\tz\r"),
            "&quot;x&quot; &apos;y&apos;&#10;&#9;z&#13;"
        );
        assert_eq!(
            escape_text("tab\tand\nnewline ✓ 😀"),
            "tab\tand\nnewline ✓ 😀"
        );
    }

    #[test]
    fn suites_cases_and_counts() {
        let mut waived = f(
            "acme/w",
            Severity::Error,
            Some("OBJ-2"),
            Some("o2.yaml"),
            "silenced",
        );
        waived.waived = Some(Waived {
            waiver: "W-1".into(),
            reason: "until Q3".into(),
        });
        let findings = [
            f(
                "schema",
                Severity::Error,
                Some("OBJ-1"),
                Some("o1.yaml"),
                "missing <owner> & \"target\"",
            ),
            f(
                "schema",
                Severity::Warning,
                Some("OBJ-1"),
                Some("o1.yaml"),
                "odd",
            ),
            f(
                "schema",
                Severity::Warning,
                Some("P-1"),
                Some("p.md"),
                "style",
            ),
            f("parse", Severity::Error, None, Some("bad.yaml"), "bad YAML"),
            f("acme/agg", Severity::Error, None, None, "no review"),
            waived,
        ];
        let xml = junit(
            &findings,
            &[meta("acme/agg"), meta("acme/clean"), meta("acme/w")],
        );
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"govlint\" tests=\"6\" failures=\"3\" errors=\"0\" skipped=\"1\">"), "{xml}");
        assert!(xml.contains("<testsuite name=\"acme/clean\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n    <testcase classname=\"govlint\" name=\"all records\"/>"));
        assert!(xml.contains("<testcase classname=\"govlint\" name=\"repository\">\n      <failure message=\"no review\" type=\"error\">"));
        assert!(xml.contains("<testcase classname=\"o1.yaml\" name=\"OBJ-1\">\n      <failure message=\"missing &lt;owner&gt; &amp; &quot;target&quot;\" type=\"error\">error: missing &lt;owner&gt;"));
        assert!(xml.contains(
            "<testcase classname=\"p.md\" name=\"P-1\">\n      <system-out>warning: style"
        ));
        assert!(xml.contains("<testcase classname=\"bad.yaml\" name=\"bad.yaml\">"));
        assert!(xml.contains("<skipped message=\"waived: until Q3 (W-1)\"/>"));
        assert!(xml.contains(
            "<testsuite name=\"schema\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\">"
        ));
        // Known rules keep the table's order; the others follow, sorted.
        let order: Vec<&str> = xml
            .lines()
            .filter_map(|l| l.trim().strip_prefix("<testsuite name=\""))
            .collect();
        let names: Vec<&str> = order.iter().filter_map(|l| l.split('"').next()).collect();
        assert_eq!(
            names,
            ["acme/agg", "acme/clean", "acme/w", "parse", "schema"]
        );
    }

    #[test]
    fn never_empty() {
        let xml = junit(&[], &[]);
        assert!(xml.contains("tests=\"1\" failures=\"0\""), "{xml}");
        assert!(xml.contains("<testcase classname=\"govlint\" name=\"5 records checked\"/>"));
    }
}
