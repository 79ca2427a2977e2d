//! The evidence pack as one self-contained HTML file: inline CSS with a
//! print style, no scripts, no external resources (a Content-Security-Policy
//! of `default-src 'none'` makes a browser refuse any that slipped in), so
//! it renders offline and can be archived as is. Every piece of text from
//! the repository passes through [`esc`].

use std::collections::HashSet;
use std::fmt::Write as _;

use super::{Audit, ClauseItem, ClauseStatus, EventEntry, NextReview, RecordEntry};

const STYLE: &str = "
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1b1f24; margin: 2rem auto; max-width: 1400px; padding: 0 1.5rem; }
h1 { font-size: 1.8rem; margin-bottom: .2rem; }
h2 { font-size: 1.35rem; border-bottom: 2px solid #d0d7de; padding-bottom: .2rem; margin-top: 2.2rem; }
h3 { font-size: 1.1rem; margin-top: 1.6rem; }
.meta { color: #57606a; }
.note { background: #fff8c5; border-left: 4px solid #d4a72c; padding: .5rem .8rem; }
nav ul { list-style: none; padding: 0; display: flex; gap: 1.2rem; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1.2rem; font-size: .85rem; }
th, td { border: 1px solid #d0d7de; padding: .3rem .45rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f6f8fa; }
td.num { text-align: right; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
.status { font-weight: 600; padding: .05rem .4rem; border-radius: .6rem; white-space: nowrap; }
.evidenced, .pass { background: #dafbe1; color: #116329; }
.findings, .fail { background: #ffebe9; color: #a40e26; }
.no-evidence { background: #eaeef2; color: #57606a; }
.warn { color: #a40e26; font-weight: 600; }
.muted { color: #57606a; }
@media print {
  body { margin: 0; max-width: none; font-size: 9pt; }
  nav { display: none; }
  a { color: inherit; text-decoration: none; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  .status { border: 1px solid currentColor; }
}
";

pub(super) fn render(audit: &Audit) -> String {
    let mut out =
        String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        out,
        "<meta name=\"generator\" content=\"{}\">\n<title>ISMS evidence pack — {}</title>\n<style>{STYLE}</style>\n</head>\n<body>",
        esc(&audit.generator),
        esc(&audit.generated_for)
    );
    let revision = audit.revision.as_deref().map_or_else(
        || "no commit".to_owned(),
        |c| format!("commit <code>{}</code>", esc(c)),
    );
    let _ = write!(
        out,
        "<header>\n<h1>ISMS evidence pack</h1>\n<p class=\"meta\">Generated for <strong>{}</strong> from {revision} by {}.",
        esc(&audit.generated_for),
        esc(&audit.generator)
    );
    if let Some(c) = &audit.clause {
        let _ = write!(out, " Filtered to clause {}.", esc(c));
    }
    out.push_str("</p>\n");
    for note in &audit.notes {
        let _ = writeln!(
            out,
            "<p class=\"note\"><strong>Note:</strong> {}</p>",
            esc(note)
        );
    }
    out.push_str("</header>\n<nav><ul><li><a href=\"#summary\">Summary</a></li><li><a href=\"#clauses\">Clause items</a></li><li><a href=\"#records\">Records</a></li><li><a href=\"#trail\">Trail</a></li></ul></nav>\n");
    summary(&mut out, audit);
    clauses(&mut out, audit);
    records(&mut out, &audit.records);
    trail(&mut out, audit);
    if !audit.other_findings.is_empty() {
        out.push_str("<section id=\"other\">\n<h2>Other findings</h2>\n");
        let rows = audit
            .other_findings
            .iter()
            .map(|f| vec![code(&f.rule), esc(f.severity.as_str()), esc(&f.message)])
            .collect();
        table(&mut out, &["Rule", "Severity", "Message"], &[], rows);
        out.push_str("</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn summary(out: &mut String, audit: &Audit) {
    let s = &audit.summary;
    out.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n");
    let rows = [
        ("Records", s.records.to_string()),
        ("Approved records", s.approved_records.to_string()),
        (
            "Records changed since approval",
            s.changed_since_approval.to_string(),
        ),
        ("Overdue reviews", s.overdue_reviews.to_string()),
        ("Findings: errors", s.findings.error.to_string()),
        ("Findings: warnings", s.findings.warning.to_string()),
        ("Findings: infos", s.findings.info.to_string()),
        ("Findings waived", s.findings.waived.to_string()),
        (
            "Clause items evidenced",
            s.clause_items.evidenced.to_string(),
        ),
        (
            "Clause items with findings",
            s.clause_items.findings.to_string(),
        ),
        (
            "Clause items without evidence",
            s.clause_items.no_evidence.to_string(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| vec![k.to_owned(), v])
    .collect();
    table(out, &["Measure", "Count"], &[1], rows);
    out.push_str("</section>\n");
}

fn clauses(out: &mut String, audit: &Audit) {
    out.push_str("<section id=\"clauses\">\n<h2>Clause items</h2>\n");
    let rows = audit
        .clauses
        .iter()
        .map(|c| {
            vec![
                format!(
                    "<a href=\"#{}\">{}</a>",
                    clause_anchor(&c.clause),
                    esc(&c.clause)
                ),
                esc(&c.title),
                status(c.status),
                c.rules_passed.to_string(),
                c.rules_failed.to_string(),
                c.records.len().to_string(),
            ]
        })
        .collect();
    table(
        out,
        &[
            "Clause",
            "Requirement",
            "Status",
            "Rules passed",
            "Rules failed",
            "Records",
        ],
        &[3, 4, 5],
        rows,
    );
    for c in &audit.clauses {
        clause(out, c);
    }
    out.push_str("</section>\n");
}

fn clause(out: &mut String, c: &ClauseItem) {
    let _ = writeln!(
        out,
        "<section id=\"{}\">\n<h3>{} — {}</h3>",
        clause_anchor(&c.clause),
        esc(&c.clause),
        esc(&c.title)
    );
    let kinds = if c.kinds.is_empty() {
        "no record kind".to_owned()
    } else {
        esc(&c.kinds.join(", "))
    };
    let _ = writeln!(
        out,
        "<p>Status: {}. Evidenced by: {kinds}.</p>",
        status(c.status)
    );
    let mut rows = Vec::new();
    for r in &c.rules {
        let result = format!("<span class=\"status {0}\">{0}</span>", r.result);
        let first = vec![
            code(&r.id),
            esc(&r.clause),
            esc(r.severity.as_str()),
            result,
        ];
        if r.findings.is_empty() {
            rows.push([first.clone(), vec![String::new()]].concat());
        }
        for f in &r.findings {
            let mut text = match &f.record {
                Some(rec) => format!("{}: {}", record_link(rec), esc(&f.message)),
                None => esc(&f.message),
            };
            if let Some(w) = &f.waived_by {
                let _ = write!(text, " <span class=\"muted\">(waived by {})</span>", esc(w));
            }
            rows.push([first.clone(), vec![text]].concat());
        }
    }
    if rows.is_empty() {
        out.push_str("<p class=\"muted\">No rule cites this clause.</p>\n");
    } else {
        table(
            out,
            &["Rule", "Cites", "Severity", "Result", "Finding"],
            &[],
            rows,
        );
    }
    let rows = c
        .records
        .iter()
        .map(|r| {
            vec![
                record_link(&r.id),
                esc(&r.kind),
                opt(r.status.as_deref()),
                r.last_approval.as_ref().map_or_else(never, signoff),
                yes_no(r.changed_since_approval),
                r.finding_count.to_string(),
            ]
        })
        .collect();
    table(
        out,
        &[
            "Record",
            "Kind",
            "Status",
            "Last approval",
            "Changed since approval",
            "Findings",
        ],
        &[5],
        rows,
    );
    out.push_str("</section>\n");
}

fn records(out: &mut String, records: &[RecordEntry]) {
    out.push_str("<section id=\"records\">\n<h2>Records</h2>\n");
    if records.is_empty() {
        out.push_str("<p class=\"muted\">None.</p>\n");
    }
    // Two records may share an id (reported elsewhere); an anchor must not.
    let mut anchored = HashSet::new();
    let mut start = 0;
    while start < records.len() {
        let kind = &records[start].kind;
        let end = start
            + records[start..]
                .iter()
                .take_while(|r| &r.kind == kind)
                .count();
        let _ = writeln!(out, "<h3>{} ({})</h3>", esc(kind), end - start);
        let rows = records[start..end]
            .iter()
            .map(|r| {
                let id = if anchored.insert(r.id.as_str()) {
                    format!(
                        "<span id=\"{}\">{}</span>",
                        record_anchor(&r.id),
                        code(&r.id)
                    )
                } else {
                    code(&r.id)
                };
                vec![
                    id,
                    opt(r.title.as_deref()),
                    code(&r.file),
                    opt(r.status.as_deref()),
                    r.last_approval.as_ref().map_or_else(never, signoff),
                    r.last_review
                        .as_ref()
                        .map_or_else(|| "—".to_owned(), signoff),
                    next_review(r.next_review.as_ref()),
                    yes_no(r.changed_since_approval),
                    esc(&r.findings.join(", ")),
                ]
            })
            .collect();
        table(
            out,
            &[
                "ID",
                "Title",
                "File",
                "Status",
                "Last approval",
                "Last review",
                "Next review due",
                "Changed since approval",
                "Findings",
            ],
            &[],
            rows,
        );
        start = end;
    }
    out.push_str("</section>\n");
}

fn trail(out: &mut String, audit: &Audit) {
    out.push_str("<section id=\"trail\">\n<h2>Trail of approvals and reviews</h2>\n");
    let rows = audit
        .trail
        .iter()
        .map(|t| {
            let e = &t.entry;
            vec![
                esc(&e.date),
                esc(t.event),
                record_link(&t.record),
                esc(&t.kind),
                person(e),
                esc(&e.roles.join(", ")),
                format!(
                    "{} <span class=\"muted\">({})</span>",
                    esc(e.strength),
                    esc(&e.note)
                ),
                code(abbrev(&e.commit)),
                opt(e.tag.as_deref()),
            ]
        })
        .collect();
    table(
        out,
        &[
            "Date", "Event", "Record", "Kind", "Person", "Roles", "Strength", "Commit", "Tag",
        ],
        &[],
        rows,
    );
    out.push_str("</section>\n");
}

fn signoff(e: &EventEntry) -> String {
    let mut s = format!(
        "{} · {} · {} · {}",
        esc(&e.date),
        who(e),
        esc(e.strength),
        code(abbrev(&e.commit))
    );
    if let Some(tag) = &e.tag {
        let _ = write!(s, " · tag {}", esc(tag));
    }
    if !e.unchanged {
        s.push_str(" · <span class=\"warn\">content changed since</span>");
    }
    s
}

fn who(e: &EventEntry) -> String {
    let person = e.person.as_deref().unwrap_or("no Person record");
    if e.roles.is_empty() {
        format!("{} ({})", esc(&e.name), esc(person))
    } else {
        format!(
            "{} ({}; {})",
            esc(&e.name),
            esc(person),
            esc(&e.roles.join(", "))
        )
    }
}

/// `Mia Hoffmann (mia-hoffmann)`.
fn person(e: &EventEntry) -> String {
    format!(
        "{} ({})",
        esc(&e.name),
        esc(e.person.as_deref().unwrap_or("no Person record"))
    )
}

fn next_review(n: Option<&NextReview>) -> String {
    match n {
        None => "—".to_owned(),
        Some(NextReview {
            due: Some(due),
            overdue: true,
            ..
        }) => format!("<span class=\"warn\">{} (overdue)</span>", esc(due)),
        Some(NextReview {
            due: Some(due),
            done_by: Some(by),
            ..
        }) => format!(
            "{} <span class=\"muted\">(held: {})</span>",
            esc(due),
            record_link(by)
        ),
        Some(NextReview { due: Some(due), .. }) => esc(due),
        Some(NextReview {
            due: None, basis, ..
        }) => format!("<span class=\"muted\">{}</span>", esc(basis)),
    }
}

fn status(s: ClauseStatus) -> String {
    let class = match s {
        ClauseStatus::Evidenced => "evidenced",
        ClauseStatus::Findings => "findings",
        ClauseStatus::NoEvidence => "no-evidence",
    };
    format!("<span class=\"status {class}\">{}</span>", s.as_str())
}

fn never() -> String {
    "<span class=\"warn\">never approved</span>".to_owned()
}

fn yes_no(b: bool) -> String {
    if b {
        "<span class=\"warn\">yes</span>".to_owned()
    } else {
        "no".to_owned()
    }
}

fn opt(s: Option<&str>) -> String {
    s.map_or_else(|| "—".to_owned(), esc)
}

fn code(s: &str) -> String {
    format!("<code>{}</code>", esc(s))
}

fn record_link(id: &str) -> String {
    format!("<a href=\"#{}\">{}</a>", record_anchor(id), esc(id))
}

/// Fragment ids from clause keys and record ids: characters other than
/// letters, digits, `-`, `_` and `.` become `-` (and the result is escaped
/// anyway where it is written).
fn anchor(prefix: &str, s: &str) -> String {
    let body: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("{prefix}{body}")
}

fn clause_anchor(key: &str) -> String {
    anchor("clause-", key)
}

fn record_anchor(id: &str) -> String {
    anchor("record-", id)
}

fn abbrev(commit: &str) -> &str {
    commit.get(..10).unwrap_or(commit)
}

/// A table; `rows` hold cells already escaped; columns in `numeric` are
/// right-aligned.
fn table(out: &mut String, headers: &[&str], numeric: &[usize], rows: Vec<Vec<String>>) {
    if rows.is_empty() {
        out.push_str("<p class=\"muted\">None.</p>\n");
        return;
    }
    out.push_str("<table>\n<thead><tr>");
    for h in headers {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            if numeric.contains(&i) {
                let _ = write!(out, "<td class=\"num\">{cell}</td>");
            } else {
                let _ = write!(out, "<td>{cell}</td>");
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// Text for HTML content and quoted attribute values.
pub(super) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped() {
        assert_eq!(
            esc("<script>alert('x')</script> | R&D \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; | R&amp;D &quot;q&quot;"
        );
    }

    #[test]
    fn anchors_are_plain() {
        assert_eq!(clause_anchor("5.1(c)"), "clause-5.1-c-");
        assert_eq!(record_anchor("POL-IS-001"), "record-POL-IS-001");
        assert_eq!(record_anchor("a\"><x"), "record-a---x");
    }
}
