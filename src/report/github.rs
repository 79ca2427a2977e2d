//! GitHub Actions output (SPEC 4.1): one workflow command per active finding
//! (`::error file=…,line=…,col=…,title=…::message`), which GitHub turns into
//! annotations on the pull request's diff, and a Markdown job summary.
//!
//! GitHub shows only the first few annotations of each kind per step, so
//! [`step_summary`] lists every finding (up to [`SUMMARY_ROWS`]); the caller
//! appends it to the file named by `$GITHUB_STEP_SUMMARY`. Waived findings
//! are not annotated (they are accepted exceptions, not work to do); both
//! outputs state how many there were.

use super::{summary_line, Report};
use crate::finding::{Finding, Severity};

/// Most findings the job summary lists; the rest are counted in one line.
pub const SUMMARY_ROWS: usize = 500;

/// Workflow commands, one per active finding, then the summary line (plain
/// log text, not a command).
pub fn render(report: &Report<'_>) -> String {
    let mut out = String::new();
    for f in report.findings.iter().filter(|f| f.is_active()) {
        out.push_str(&command(f));
        out.push('\n');
    }
    out.push_str("govlint: ");
    out.push_str(&summary_line(&report.summary()));
    out.push('\n');
    out
}

/// One `::error …::message` line.
fn command(f: &Finding) -> String {
    let name = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let mut props: Vec<(&str, String)> = Vec::new();
    if let Some(loc) = &f.location {
        props.push(("file", loc.file.clone()));
        props.push(("line", loc.line.to_string()));
        props.push(("col", loc.column.to_string()));
    }
    props.push(("title", title(f)));
    let props = props
        .iter()
        .map(|(k, v)| format!("{k}={}", escape_property(v)))
        .collect::<Vec<_>>()
        .join(",");
    let mut message = f.message.clone();
    if f.pending {
        message.insert_str(0, "[pending approval] ");
    }
    if let Some(record) = &f.record {
        message.push_str(&format!("\nrecord: {record}"));
        if let Some(p) = f.pointer.as_deref().filter(|p| !p.is_empty()) {
            message.push_str(&format!(" {p}"));
        }
    }
    if let Some(help) = &f.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    format!("::{name} {props}::{}", escape_data(&message))
}

/// The annotation's title: rule id, and the clause it cites.
fn title(f: &Finding) -> String {
    match &f.clause {
        Some(c) => format!("{} ({c})", f.rule),
        None => f.rule.clone(),
    }
}

/// Escapes a command's message, as `@actions/core`'s `escapeData` does.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property value, as `@actions/core`'s `escapeProperty`
/// does: `:` and `,` would end the value otherwise.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The Markdown job summary: counts, then a table of active findings (errors
/// first), then waived ones in a collapsed section.
pub fn step_summary(report: &Report<'_>) -> String {
    let s = report.summary();
    let verdict = if s.errors > 0 {
        "❌"
    } else if s.warnings > 0 {
        "⚠️"
    } else {
        "✅"
    };
    let mut out = format!("## {verdict} govlint\n\n{}\n", md_cell(&summary_line(&s)));
    let mut active: Vec<&Finding> = report.findings.iter().filter(|f| f.is_active()).collect();
    // Stable sort: errors first, the report's order (file, line) within each.
    active.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let waived: Vec<&Finding> = report.findings.iter().filter(|f| !f.is_active()).collect();

    let mut budget = SUMMARY_ROWS;
    if !active.is_empty() {
        out.push_str(
            "\n| Severity | Rule | Location | Record | Message |\n|---|---|---|---|---|\n",
        );
        budget = table_rows(&active, budget, &mut out, |f| f.message.clone());
    }
    if !waived.is_empty() {
        out.push_str(&format!(
            "\n<details><summary>{} waived finding{} (silenced by Waiver records)</summary>\n\n",
            waived.len(),
            if waived.len() == 1 { "" } else { "s" }
        ));
        out.push_str(
            "| Severity | Rule | Location | Record | Waived by |\n|---|---|---|---|---|\n",
        );
        table_rows(&waived, budget, &mut out, |f| {
            f.waived
                .as_ref()
                .map_or_else(String::new, |w| format!("{}: {}", w.waiver, w.reason))
        });
        out.push_str("\n</details>\n");
    }
    out
}

/// Appends up to `budget` rows and a "… and N more" line; returns the budget left.
fn table_rows(
    findings: &[&Finding],
    budget: usize,
    out: &mut String,
    last: impl Fn(&Finding) -> String,
) -> usize {
    let shown = findings.len().min(budget);
    for f in &findings[..shown] {
        let severity = match f.severity {
            Severity::Error => "❌ error",
            Severity::Warning => "⚠️ warning",
            Severity::Info => "ℹ️ info",
        };
        let place = f.location.as_ref().map_or_else(
            || "(repository)".to_owned(),
            |l| format!("{}:{}", l.file, l.line),
        );
        out.push_str(&format!(
            "| {severity} | {} | {} | {} | {} |\n",
            md_cell(&title(f)),
            md_cell(&place),
            md_cell(f.record.as_deref().unwrap_or("")),
            md_cell(&last(f)),
        ));
    }
    if findings.len() > shown {
        out.push_str(&format!(
            "\n… and {} more (see the full report, e.g. `govlint check --format json`)\n",
            findings.len() - shown
        ));
    }
    budget - shown
}

/// Makes text safe inside a Markdown table cell: Markdown punctuation and
/// `|` are backslash-escaped (GFM allows `\|` in cells), line breaks become
/// `<br>`, so no message can end the cell, the row, or inject HTML. Code
/// spans (`` `x` ``) are kept when the backticks pair up: inside them only
/// `|` needs escaping, as GFM splits cells before reading code spans.
pub fn md_cell(text: &str) -> String {
    let paired = text.matches('`').count() % 2 == 0;
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '`' if paired => {
                in_code = !in_code;
                out.push(ch);
            }
            '|' => out.push_str("\\|"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' | '\n' if in_code => out.push(' '),
            '\r' | '\n' => out.push_str("<br>"),
            c if c.is_control() => out.push(' '),
            c if in_code => out.push(c),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '&' | '~' | '!' => {
                out.push('\\');
                out.push(ch);
            }
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
    use crate::source::Location;
    use crate::source::Span;

    fn at(file: &str, line: usize, column: usize) -> Option<Location> {
        Some(Location {
            file: file.into(),
            span: Span::default(),
            line,
            column,
        })
    }

    fn render_findings(findings: &[Finding]) -> (String, String) {
        let files = HashMap::new();
        let report = Report {
            findings,
            records: 2,
            files: &files,
            rules: &[],
        };
        (render(&report), step_summary(&report))
    }

    #[test]
    fn escaping_matches_actions_toolkit() {
        assert_eq!(
            escape_data("100% done\r\nnext: a,b"),
            "100%25 done%0D%0Anext: a,b"
        );
        assert_eq!(escape_property("a:b,c%d\ne"), "a%3Ab%2Cc%25d%0Ae");
        // `%` first, so an escape is never escaped twice.
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn one_command_per_active_finding() {
        let mut err = Finding::new("schema", Severity::Error, "missing `owner`\nsecond line")
            .at(at("dir,x/o:1.yaml", 7, 3));
        err.record = Some("OBJ-1".into());
        err.clause = Some("ISO/IEC 27001:2022 6.2".into());
        let warn = Finding::new("acme/w", Severity::Warning, "50% done");
        let info = Finding::new("acme/i", Severity::Info, "fyi").at(at("a.yaml", 1, 1));
        let mut waived = Finding::new("acme/x", Severity::Error, "silenced").at(at("b.yaml", 2, 1));
        waived.waived = Some(Waived {
            waiver: "W-1".into(),
            reason: "accepted".into(),
        });
        let (out, _) = render_findings(&[err, warn, info, waived]);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[0],
            "::error file=dir%2Cx/o%3A1.yaml,line=7,col=3,title=schema (ISO/IEC 27001%3A2022 6.2)::missing `owner`%0Asecond line%0Arecord: OBJ-1"
        );
        assert_eq!(lines[1], "::warning title=acme/w::50%25 done");
        assert_eq!(
            lines[2],
            "::notice file=a.yaml,line=1,col=1,title=acme/i::fyi"
        );
        assert_eq!(lines.len(), 4, "waived finding not annotated: {out}");
        assert!(
            lines[3].starts_with("govlint: 2 records checked") && lines[3].contains("(1 waived)")
        );
    }

    #[test]
    fn summary_table_is_escaped_and_lists_errors_first() {
        let warn =
            Finding::new("acme/w", Severity::Warning, "a | b <script>").at(at("a.yaml", 1, 1));
        let err =
            Finding::new("schema", Severity::Error, "line1\nline2 *x*").at(at("b.yaml", 9, 1));
        let (_, md) = render_findings(&[warn, err]);
        assert!(md.starts_with("## ❌ govlint\n"), "{md}");
        let rows: Vec<&str> = md
            .lines()
            .filter(|l| l.starts_with("| ❌") || l.starts_with("| ⚠️"))
            .collect();
        assert_eq!(
            rows[0],
            "| ❌ error | schema | b.yaml:9 |  | line1<br>line2 \\*x\\* |"
        );
        assert_eq!(
            rows[1],
            "| ⚠️ warning | acme/w | a.yaml:1 |  | a \\| b \\<script\\> |"
        );
    }

    #[test]
    fn code_spans_survive_in_cells() {
        assert_eq!(md_cell("`a_b|c` is *bad*"), "`a_b\\|c` is \\*bad\\*");
        assert_eq!(md_cell("it`s <b>"), "it\\`s \\<b\\>");
        assert_eq!(md_cell("`x\r\ny`\r\nz"), "`x y`<br>z");
    }

    #[test]
    fn summary_is_capped() {
        let many: Vec<Finding> = (0..SUMMARY_ROWS + 7)
            .map(|i| Finding::new("schema", Severity::Error, format!("m{i}")))
            .collect();
        let (_, md) = render_findings(&many);
        assert_eq!(
            md.lines().filter(|l| l.starts_with("| ❌")).count(),
            SUMMARY_ROWS
        );
        assert!(md.contains("… and 7 more"), "{md}");
    }

    #[test]
    fn waived_findings_are_listed_apart() {
        let mut waived = Finding::new("acme/x", Severity::Error, "silenced");
        waived.waived = Some(Waived {
            waiver: "W-1".into(),
            reason: "until Q3".into(),
        });
        let (_, md) = render_findings(&[waived]);
        assert!(md.starts_with("## ✅ govlint"), "{md}");
        assert!(md.contains("1 waived finding (silenced by Waiver records)"));
        assert!(md.contains("| W-1: until Q3 |"));
    }
}
