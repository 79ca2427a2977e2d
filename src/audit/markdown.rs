//! The evidence pack as GitHub-flavoured Markdown: headings and tables an
//! auditor can read raw or rendered. Every piece of text from the
//! repository passes through [`esc`], so a title cannot break a table or
//! smuggle HTML into a renderer.

use std::fmt::Write as _;

use super::{Audit, ClauseItem, EventEntry, NextReview, RecordEntry};

pub(super) fn render(audit: &Audit) -> String {
    let mut out = String::from("# ISMS evidence pack\n\n");
    let _ = write!(
        out,
        "Generated for **{}** from {} by {}.",
        audit.generated_for,
        audit.revision.as_deref().map_or_else(
            || "no commit".to_owned(),
            |c| format!("commit `{}`", abbrev(c))
        ),
        esc(&audit.generator),
    );
    if let Some(c) = &audit.clause {
        let _ = write!(out, " Filtered to clause {}.", esc(c));
    }
    out.push_str("\n\n");
    for note in &audit.notes {
        let _ = writeln!(out, "> **Note:** {}\n", esc(note));
    }
    summary(&mut out, audit);
    clauses(&mut out, audit);
    records(&mut out, &audit.records);
    trail(&mut out, audit);
    if !audit.other_findings.is_empty() {
        out.push_str("## Other findings\n\n");
        let rows = audit
            .other_findings
            .iter()
            .map(|f| {
                vec![
                    esc(&f.rule),
                    f.severity.as_str().to_owned(),
                    esc(&f.message),
                ]
            })
            .collect();
        table(&mut out, &["Rule", "Severity", "Message"], rows);
    }
    out
}

fn summary(out: &mut String, audit: &Audit) {
    let s = &audit.summary;
    out.push_str("## Summary\n\n");
    let rows = [
        ("Records", s.records.to_string()),
        ("Approved records", s.approved_records.to_string()),
        (
            "Records changed since approval",
            s.changed_since_approval.to_string(),
        ),
        ("Overdue reviews", s.overdue_reviews.to_string()),
        (
            "Findings: errors / warnings / infos",
            format!(
                "{} / {} / {}",
                s.findings.error, s.findings.warning, s.findings.info
            ),
        ),
        ("Findings waived", s.findings.waived.to_string()),
        (
            "Clause items: evidenced / with findings / no evidence",
            format!(
                "{} / {} / {}",
                s.clause_items.evidenced, s.clause_items.findings, s.clause_items.no_evidence
            ),
        ),
    ]
    .into_iter()
    .map(|(k, v)| vec![k.to_owned(), v])
    .collect();
    table(out, &["Measure", "Count"], rows);
}

fn clauses(out: &mut String, audit: &Audit) {
    out.push_str("## Clause items\n\n");
    let rows = audit
        .clauses
        .iter()
        .map(|c| {
            vec![
                esc(&c.clause),
                esc(&c.title),
                format!("**{}**", c.status.as_str()),
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
        rows,
    );
    for c in &audit.clauses {
        clause(out, c);
    }
}

fn clause(out: &mut String, c: &ClauseItem) {
    let _ = writeln!(out, "### {} — {}\n", esc(&c.clause), esc(&c.title));
    let kinds = if c.kinds.is_empty() {
        "no record kind".to_owned()
    } else {
        esc(&c.kinds.join(", "))
    };
    let _ = writeln!(
        out,
        "Status: **{}**. Evidenced by: {kinds}.\n",
        c.status.as_str()
    );
    let mut rows = Vec::new();
    for r in &c.rules {
        let first = vec![
            esc(&r.id),
            esc(&r.clause),
            r.severity.as_str().to_owned(),
            r.result.to_owned(),
        ];
        if r.findings.is_empty() {
            rows.push([first.clone(), vec![String::new()]].concat());
        }
        for f in &r.findings {
            let mut text = match &f.record {
                Some(rec) => format!("{}: {}", esc(rec), esc(&f.message)),
                None => esc(&f.message),
            };
            if let Some(w) = &f.waived_by {
                let _ = write!(text, " (waived by {})", esc(w));
            }
            rows.push([first.clone(), vec![text]].concat());
        }
    }
    if rows.is_empty() {
        out.push_str("No rule cites this clause.\n\n");
    } else {
        table(
            out,
            &["Rule", "Cites", "Severity", "Result", "Finding"],
            rows,
        );
    }
    let rows = c
        .records
        .iter()
        .map(|r| {
            vec![
                esc(&r.id),
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
        rows,
    );
}

fn records(out: &mut String, records: &[RecordEntry]) {
    out.push_str("## Records\n\n");
    if records.is_empty() {
        out.push_str("_None._\n\n");
    }
    let mut start = 0;
    while start < records.len() {
        let kind = &records[start].kind;
        let end = start
            + records[start..]
                .iter()
                .take_while(|r| &r.kind == kind)
                .count();
        let _ = writeln!(out, "### {} ({})\n", esc(kind), end - start);
        let rows = records[start..end]
            .iter()
            .map(|r| {
                vec![
                    esc(&r.id),
                    opt(r.title.as_deref()),
                    esc(&r.file),
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
            rows,
        );
        start = end;
    }
}

fn trail(out: &mut String, audit: &Audit) {
    out.push_str("## Trail of approvals and reviews\n\n");
    let rows = audit
        .trail
        .iter()
        .map(|t| {
            let e = &t.entry;
            vec![
                esc(&e.date),
                t.event.to_owned(),
                esc(&t.record),
                esc(&t.kind),
                person(e),
                esc(&e.roles.join(", ")),
                format!("{} ({})", e.strength, esc(&e.note)),
                format!("`{}`", abbrev(&e.commit)),
                opt(e.tag.as_deref()),
            ]
        })
        .collect();
    table(
        out,
        &[
            "Date", "Event", "Record", "Kind", "Person", "Roles", "Strength", "Commit", "Tag",
        ],
        rows,
    );
}

/// `2026-03-19 · Mia Hoffmann (mia-hoffmann; top-management, ceo) · self · 1e83ecc123`.
fn signoff(e: &EventEntry) -> String {
    let mut s = format!(
        "{} · {} · {} · `{}`",
        esc(&e.date),
        who(e),
        e.strength,
        abbrev(&e.commit)
    );
    if let Some(tag) = &e.tag {
        let _ = write!(s, " · tag {}", esc(tag));
    }
    if !e.unchanged {
        s.push_str(" · content changed since");
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
        }) => format!("**{} (overdue)**", esc(due)),
        Some(NextReview {
            due: Some(due),
            done_by: Some(by),
            ..
        }) => format!("{} (held: {})", esc(due), esc(by)),
        Some(NextReview { due: Some(due), .. }) => esc(due),
        Some(NextReview {
            due: None, basis, ..
        }) => esc(basis),
    }
}

fn never() -> String {
    "never approved".to_owned()
}

fn yes_no(b: bool) -> String {
    if b { "**yes**" } else { "no" }.to_owned()
}

fn opt(s: Option<&str>) -> String {
    s.map_or_else(|| "—".to_owned(), esc)
}

fn abbrev(commit: &str) -> &str {
    commit.get(..10).unwrap_or(commit)
}

/// A GFM table; `rows` hold cells already escaped. No rows: a line saying so.
fn table(out: &mut String, headers: &[&str], rows: Vec<Vec<String>>) {
    if rows.is_empty() {
        out.push_str("_None._\n\n");
        return;
    }
    let _ = writeln!(out, "| {} |", headers.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(headers.len()));
    for row in rows {
        let _ = writeln!(out, "| {} |", row.join(" | "));
    }
    out.push('\n');
}

/// Text from the repository, made inert for Markdown: `|` cannot end a
/// table cell, a newline cannot end a row, `<`/`>`/`&` become entities (no
/// raw HTML reaches a renderer), and emphasis and link characters are
/// escaped.
pub(super) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '|' | '*' | '_' | '[' | ']' | '`' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("<br>");
            }
            '\n' => out.push_str("<br>"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_tables_or_inject_html() {
        assert_eq!(
            esc("<script>alert(1)</script> | R&D"),
            "&lt;script&gt;alert(1)&lt;/script&gt; \\| R&amp;D"
        );
        assert_eq!(esc("a\nb\r\nc"), "a<br>b<br>c");
        assert_eq!(esc("*x* [y](z) `c` \\"), "\\*x\\* \\[y\\](z) \\`c\\` \\\\");
        assert_eq!(esc("tab\there"), "tab here");
    }

    #[test]
    fn empty_tables_say_none() {
        let mut out = String::new();
        table(&mut out, &["A"], Vec::new());
        assert_eq!(out, "_None._\n\n");
        table(&mut out, &["A", "B"], vec![vec!["1".into(), "2".into()]]);
        assert!(
            out.ends_with("| A | B |\n|---|---|\n| 1 | 2 |\n\n"),
            "{out}"
        );
    }
}
