//! The evidence pack for people: one walk over the [`Audit`] that decides
//! what is shown and in which order, written through a [`Markup`] —
//! [`Markdown`](super::markdown::Markdown) or [`Html`](super::html::Html),
//! which decide only how it looks and how text is escaped. Every piece of
//! text from the repository reaches the output through [`Markup::text`] (or
//! a method that calls it).

use std::collections::HashSet;
use std::fmt::Write as _;

use super::{
    Audit, ClauseItem, ClauseStatus, EventEntry, NextReview, RecordEntry, Soa, SoaRow, Summary,
};
use crate::evidence::LandingEntry;

/// How one output format writes the pieces of the pack. Methods taking
/// `text` escape it; methods taking `markup` wrap what other methods have
/// already rendered. Block methods append to `out`, ending with a newline.
pub(super) trait Markup {
    /// The format draws the timeline picture ([`Markup::timeline`]).
    const TIMELINE: bool;
    /// Tables may be as wide as their content (Markdown); otherwise (HTML,
    /// which must fit an A4 page) a record's file is shown under its id
    /// rather than in a column of its own.
    const WIDE_TABLES: bool;
    /// Each summary count on a row of its own (HTML), or the counts of one
    /// measure together on one row (`2 / 0 / 1`, Markdown).
    const SPLIT_COUNTS: bool;

    /// Text from the repository, made inert.
    fn text(&self, text: &str) -> String;
    /// A commit id (hex digits) as code.
    fn commit(&self, id: &str) -> String;
    /// A rule id, record id or path: code in HTML; escaped text in Markdown,
    /// whose code spans cannot hold any text safely.
    fn ident(&self, text: &str) -> String;
    /// A record id: like [`Markup::ident`], kept on one line (HTML).
    fn record_id(&self, id: &str) -> String;
    /// A record kind (`ResponsibilityMatrix` may wrap between its words).
    fn kind(&self, kind: &str) -> String;
    /// `markup` with `note` under it, smaller (HTML only).
    fn with_note(&self, markup: &str, note: &str) -> String;
    /// `markup` linking to the fragment `id` (HTML only).
    fn link(&self, id: &str, markup: &str) -> String;
    /// `markup` as the target of the fragment `id` (HTML only).
    fn target(&self, id: &str, markup: &str) -> String;
    fn tone(&self, tone: Tone, markup: &str) -> String;
    /// A clause item's status.
    fn status(&self, status: ClauseStatus) -> String;
    /// A rule's result: `pass` or `fail`.
    fn result(&self, result: &str) -> String;
    /// The timeline picture of approvals, reviews and review-due dates
    /// (HTML only), as a section with its heading.
    fn timeline(&self, out: &mut String, audit: &Audit);

    /// What precedes the title.
    fn begin(&self, out: &mut String, audit: &Audit);
    /// After the title and notes: the end of the header, with the sections
    /// as (fragment id, name) for a table of contents.
    fn header_end(&self, out: &mut String, contents: &[(&str, &str)]);
    fn end(&self, out: &mut String);
    /// A section with fragment id `id` begins (its heading follows).
    fn section(&self, out: &mut String, id: &str);
    fn section_end(&self, out: &mut String);
    fn heading(&self, out: &mut String, level: usize, markup: &str);
    fn paragraph(&self, out: &mut String, kind: Paragraph, markup: &str);
    /// In place of an empty table or list.
    fn none(&self, out: &mut String);
    /// A table of kind `class` (which sets its column widths in HTML).
    fn table_start(&self, out: &mut String, class: &str, headers: &[&str]);
    /// Columns whose index is in `numeric` hold numbers.
    fn table_row(&self, out: &mut String, cells: &[String], numeric: &[usize]);
    fn table_end(&self, out: &mut String);
}

/// How a piece of text stands out.
#[derive(Debug, Clone, Copy)]
pub(super) enum Tone {
    /// Bold.
    Strong,
    /// A problem to catch the eye: red in HTML, bold in Markdown.
    Alarm,
    /// A problem: red in HTML, plain in Markdown.
    Warn,
    /// Secondary: grey in HTML, plain in Markdown.
    Muted,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Paragraph {
    Plain,
    /// The line under the title saying what the pack was made from.
    Meta,
    /// What the reader must know to read the pack right.
    Note,
    Muted,
}

/// The top-level sections: fragment id and name.
const CONTENTS: [(&str, &str); 6] = [
    ("summary", "Summary"),
    ("timeline", "Timeline"),
    ("clauses", "Clause items"),
    ("soa", "Statement of Applicability"),
    ("records", "Records"),
    ("trail", "Trail"),
];

pub(super) fn render<M: Markup>(audit: &Audit, m: &M) -> String {
    let mut out = String::new();
    m.begin(&mut out, audit);
    m.heading(&mut out, 1, "ISMS evidence pack");
    // Everything needed to make the same pack again (SPEC 4.2).
    let revision = audit.revision.as_deref().map_or_else(
        || "no commit".to_owned(),
        |c| format!("commit {}", m.commit(c)),
    );
    let of = audit
        .repository
        .as_deref()
        .map(|r| format!(" of {}", m.ident(r)))
        .unwrap_or_default();
    let mut meta = format!(
        "Generated for {} (\"today\") from {revision}{of} by {}. Rules in force: {}, fingerprint {} ({}).",
        m.tone(Tone::Strong, &m.text(&audit.generated_for)),
        m.text(&audit.generator),
        audit.rules.count,
        m.commit(&audit.rules.fingerprint),
        m.text(super::fingerprint::BASIS),
    );
    if let Some(c) = &audit.clause {
        let _ = write!(meta, " Filtered to clause {}.", m.text(c));
    }
    if let Some(since) = &audit.since {
        let _ = write!(
            meta,
            " Trail and timeline limited to events on or after {}.",
            m.text(since)
        );
    }
    m.paragraph(&mut out, Paragraph::Meta, &meta);
    for note in &audit.notes {
        let note = format!("{} {}", m.tone(Tone::Strong, "Note:"), m.text(note));
        m.paragraph(&mut out, Paragraph::Note, &note);
    }
    let contents: Vec<(&str, &str)> = CONTENTS
        .into_iter()
        .filter(|(id, _)| M::TIMELINE || *id != "timeline")
        .filter(|(id, _)| audit.statement_of_applicability.is_some() || *id != "soa")
        .collect();
    m.header_end(&mut out, &contents);
    summary(&mut out, m, &audit.summary);
    m.timeline(&mut out, audit);
    clauses(&mut out, m, &audit.clauses);
    if let Some(soa) = &audit.statement_of_applicability {
        statement_of_applicability(&mut out, m, soa);
    }
    records(&mut out, m, &audit.records);
    trail(&mut out, m, audit);
    if !audit.other_findings.is_empty() {
        m.section(&mut out, "other");
        m.heading(&mut out, 2, "Other findings");
        let rows: Vec<Vec<String>> = audit
            .other_findings
            .iter()
            .map(|f| {
                vec![
                    m.ident(&f.rule),
                    m.text(f.severity.as_str()),
                    m.text(&f.message),
                ]
            })
            .collect();
        let headers = ["Rule", "Severity", "Message"];
        table(&mut out, m, "t-other", &headers, &[], &rows);
        m.section_end(&mut out);
    }
    m.end(&mut out);
    out
}

fn summary<M: Markup>(out: &mut String, m: &M, s: &Summary) {
    m.section(out, "summary");
    m.heading(out, 2, "Summary");
    let (f, c) = (&s.findings, &s.clause_items);
    let mut rows = vec![
        ("Records", s.records.to_string()),
        ("Approved records", s.approved_records.to_string()),
        (
            "Records changed since approval",
            s.changed_since_approval.to_string(),
        ),
        ("Overdue reviews", s.overdue_reviews.to_string()),
        (
            "Approvals and reviews no witness contains",
            s.unwitnessed_approvals.to_string(),
        ),
    ];
    if M::SPLIT_COUNTS {
        rows.extend([
            ("Findings: errors", f.error.to_string()),
            ("Findings: warnings", f.warning.to_string()),
            ("Findings: infos", f.info.to_string()),
            ("Findings waived", f.waived.to_string()),
            ("Clause items evidenced", c.evidenced.to_string()),
            ("Clause items with findings", c.findings.to_string()),
            ("Clause items without evidence", c.no_evidence.to_string()),
            ("Clause items no rule checks", c.not_checked.to_string()),
        ]);
    } else {
        rows.extend([
            (
                "Findings: errors / warnings / infos",
                format!("{} / {} / {}", f.error, f.warning, f.info),
            ),
            ("Findings waived", f.waived.to_string()),
            (
                "Clause items: evidenced / with findings / no evidence / not checked",
                format!(
                    "{} / {} / {} / {}",
                    c.evidenced, c.findings, c.no_evidence, c.not_checked
                ),
            ),
        ]);
    }
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|(k, v)| vec![k.to_owned(), v])
        .collect();
    table(out, m, "t-summary", &["Measure", "Count"], &[1], &rows);
    m.section_end(out);
}

fn clauses<M: Markup>(out: &mut String, m: &M, clauses: &[ClauseItem]) {
    m.section(out, "clauses");
    m.heading(out, 2, "Clause items");
    let rows: Vec<Vec<String>> = clauses
        .iter()
        .map(|c| {
            vec![
                m.link(&clause_anchor(&c.clause), &m.text(&c.clause)),
                m.text(&c.title),
                m.status(c.status),
                c.rules_passed.to_string(),
                c.rules_failed.to_string(),
                c.records.len().to_string(),
            ]
        })
        .collect();
    let headers = [
        "Clause",
        "Requirement",
        "Status",
        "Rules passed",
        "Rules failed",
        "Records",
    ];
    table(out, m, "t-clauses", &headers, &[3, 4, 5], &rows);
    for c in clauses {
        clause(out, m, c);
    }
    m.section_end(out);
}

fn clause<M: Markup>(out: &mut String, m: &M, c: &ClauseItem) {
    m.section(out, &clause_anchor(&c.clause));
    let title = format!("{} — {}", m.text(&c.clause), m.text(&c.title));
    m.heading(out, 3, &title);
    let kinds = if c.kinds.is_empty() {
        "no record kind".to_owned()
    } else {
        m.text(&c.kinds.join(", "))
    };
    let status = if c.status == ClauseStatus::NotChecked {
        format!(
            "Status: {}. Evidenced by: {kinds}. No enabled rule checks this item: its records are listed, not judged.",
            m.status(c.status)
        )
    } else {
        format!(
            "Status: {} ({}). Evidenced by: {kinds}.",
            m.status(c.status),
            m.text(&c.reason)
        )
    };
    m.paragraph(out, Paragraph::Plain, &status);
    if let Some(note) = &c.note {
        let note = format!(
            "{} {}",
            m.tone(Tone::Strong, "What to look at:"),
            m.text(note)
        );
        m.paragraph(out, Paragraph::Muted, &note);
    }
    let mut rows = Vec::new();
    for r in &c.rules {
        let result = if r.result == "pass" && r.judged == 0 {
            format!(
                "{} {}",
                m.result(r.result),
                m.tone(Tone::Muted, "(nothing to check)")
            )
        } else {
            m.result(r.result)
        };
        let first = vec![
            m.ident(&r.id),
            m.text(&r.clause),
            m.text(r.severity.as_str()),
            result,
        ];
        if r.findings.is_empty() {
            rows.push([first.clone(), vec![String::new()]].concat());
        }
        for f in &r.findings {
            let mut text = match &f.record {
                Some(rec) => format!("{}: {}", record_link(m, rec), m.text(&f.message)),
                None => m.text(&f.message),
            };
            if let Some(w) = &f.waived_by {
                let waived = format!("(waived by {})", m.text(w));
                let _ = write!(text, " {}", m.tone(Tone::Muted, &waived));
            }
            rows.push([first.clone(), vec![text]].concat());
        }
    }
    for f in &c.record_findings {
        let text = match &f.record {
            Some(rec) => format!("{}: {}", record_link(m, rec), m.text(&f.message)),
            None => m.text(&f.message),
        };
        rows.push(vec![
            m.ident(&f.rule),
            "—".to_owned(),
            m.text(f.severity.as_str()),
            m.result("fail"),
            text,
        ]);
    }
    if rows.is_empty() {
        m.paragraph(out, Paragraph::Muted, "No rule cites this clause.");
    } else {
        let headers = ["Rule", "Cites", "Severity", "Result", "Finding"];
        table(out, m, "t-rules", &headers, &[], &rows);
    }
    let rows: Vec<Vec<String>> = c
        .records
        .iter()
        .map(|r| {
            vec![
                record_link(m, &r.id),
                m.kind(&r.kind),
                opt(m, r.status.as_deref()),
                last_approval(m, r.last_approval.as_ref(), r.approval_required),
                yes_no(m, r.changed_since_approval),
                r.finding_count.to_string(),
            ]
        })
        .collect();
    let headers = [
        "Record",
        "Kind",
        "Status",
        "Last approval",
        "Changed since approval",
        "Findings",
    ];
    table(out, m, "t-evidence", &headers, &[5], &rows);
    m.section_end(out);
}

/// The SoA: its statements, counts, then one table per Annex A theme (and
/// one of the Control records that name no Annex A control).
fn statement_of_applicability<M: Markup>(out: &mut String, m: &M, soa: &Soa) {
    m.section(out, "soa");
    m.heading(out, 2, "Statement of Applicability");
    if soa.statements.is_empty() {
        m.paragraph(
            out,
            Paragraph::Plain,
            &m.tone(Tone::Warn, "No StatementOfApplicability record."),
        );
    }
    for st in &soa.statements {
        let mut text = format!("{} ({})", record_link(m, &st.id), m.ident(&st.file));
        if let Some(v) = &st.version {
            let _ = write!(text, ", version {}", m.text(v));
        }
        if let Some(c) = &st.controls {
            let _ = write!(text, ", controls in {}", m.ident(c));
        }
        if let Some(a) = &st.approver {
            let _ = write!(text, ", approver {}", m.text(a));
        }
        let approval = last_approval(m, st.last_approval.as_ref(), st.approval_required);
        let _ = write!(text, ". Last approval: {approval}.");
        if !st.findings.is_empty() {
            let rules: Vec<String> = st.findings.iter().map(|f| m.ident(f)).collect();
            let _ = write!(text, " Findings: {}.", rules.join(", "));
        }
        m.paragraph(out, Paragraph::Plain, &text);
    }
    let c = &soa.counts;
    let statuses: Vec<String> = c
        .by_status
        .iter()
        .map(|(s, n)| format!("{n} {}", m.text(s)))
        .collect();
    let mut counts = format!(
        "{} Annex A controls: {} listed, {} missing; {} applicable, {} excluded",
        c.catalogue, c.listed, c.missing, c.applicable, c.excluded
    );
    if !statuses.is_empty() {
        let _ = write!(counts, "; {}", statuses.join(", "));
    }
    let _ = write!(counts, "; {} with findings.", c.with_findings);
    if c.unknown > 0 {
        let _ = write!(
            counts,
            " {} Control records name no Annex A control.",
            c.unknown
        );
    }
    m.paragraph(out, Paragraph::Plain, &counts);
    let headers = [
        "Control",
        "Title",
        "Applicable",
        "Justification",
        "Status",
        "Risks",
        "Evidence",
        "Findings",
    ];
    for theme in crate::annex_a::Theme::ALL {
        let rows: Vec<Vec<String>> = soa
            .controls
            .iter()
            .filter(|r| r.theme == Some(theme.id()))
            .map(|r| soa_row(m, r))
            .collect();
        let title = format!("A.{} {} ({})", theme.clause(), theme.name(), rows.len());
        m.heading(out, 3, &m.text(&title));
        table(out, m, "t-soa", &headers, &[], &rows);
    }
    let unknown: Vec<Vec<String>> = soa
        .controls
        .iter()
        .filter(|r| r.theme.is_none())
        .map(|r| soa_row(m, r))
        .collect();
    if !unknown.is_empty() {
        m.heading(out, 3, "Control records that name no Annex A control");
        table(out, m, "t-soa", &headers, &[], &unknown);
    }
    m.section_end(out);
}

/// One control: a missing one says so in its Applicable cell.
fn soa_row<M: Markup>(m: &M, r: &SoaRow) -> Vec<String> {
    let control = match &r.record {
        Some(id) if r.state != "missing" => m.link(&record_anchor(id), &m.record_id(&r.reference)),
        _ => m.record_id(&r.reference),
    };
    let title = r.title.as_deref().map_or_else(
        || m.tone(Tone::Muted, "not an Annex A control"),
        |t| m.text(t),
    );
    if r.state == "missing" {
        let dash = "—".to_owned();
        return vec![
            control,
            title,
            m.tone(Tone::Alarm, "missing"),
            m.tone(Tone::Warn, "not in the Statement of Applicability"),
            dash.clone(),
            list(m, &r.risks),
            dash,
            String::new(),
        ];
    }
    let applicable = match r.applicable {
        Some(true) => "yes".to_owned(),
        Some(false) => m.tone(Tone::Strong, "no"),
        None => m.tone(Tone::Warn, "not stated"),
    };
    let justification = r
        .justification
        .as_deref()
        .map_or_else(|| m.tone(Tone::Warn, "none"), |j| m.text(j));
    let status = match &r.owner {
        Some(owner) => m.with_note(&opt(m, r.status.as_deref()), &m.text(owner)),
        None => opt(m, r.status.as_deref()),
    };
    let findings: Vec<String> = r
        .findings
        .iter()
        .map(|f| {
            let rule = m.ident(&f.rule);
            match &f.waived_by {
                Some(w) => format!(
                    "{rule} {}",
                    m.tone(Tone::Muted, &format!("(waived by {})", m.text(w)))
                ),
                None => m.tone(Tone::Warn, &rule),
            }
        })
        .collect();
    vec![
        control,
        title,
        applicable,
        justification,
        status,
        list(m, &r.risks),
        list(m, &r.evidence),
        findings.join(", "),
    ]
}

/// Record ids or paths, comma-separated; `—` when there are none.
fn list<M: Markup>(m: &M, items: &[String]) -> String {
    if items.is_empty() {
        return "—".to_owned();
    }
    items
        .iter()
        .map(|i| m.ident(i))
        .collect::<Vec<_>>()
        .join(", ")
}

fn records<M: Markup>(out: &mut String, m: &M, records: &[RecordEntry]) {
    m.section(out, "records");
    m.heading(out, 2, "Records");
    if records.is_empty() {
        m.none(out);
    }
    // Two records may share an id (reported elsewhere); an anchor must not.
    let mut anchored = HashSet::new();
    for group in records.chunk_by(|a, b| a.kind == b.kind) {
        let title = format!("{} ({})", m.text(&group[0].kind), group.len());
        m.heading(out, 3, &title);
        let rows: Vec<Vec<String>> = group
            .iter()
            .map(|r| {
                let id = if anchored.insert(r.id.as_str()) {
                    m.target(&record_anchor(&r.id), &m.record_id(&r.id))
                } else {
                    m.record_id(&r.id)
                };
                let mut row = if M::WIDE_TABLES {
                    vec![id, opt(m, r.title.as_deref()), m.ident(&r.file)]
                } else {
                    vec![
                        m.with_note(&id, &m.ident(&r.file)),
                        opt(m, r.title.as_deref()),
                    ]
                };
                row.extend([
                    opt(m, r.status.as_deref()),
                    last_approval(m, r.last_approval.as_ref(), r.approval_required),
                    r.last_review
                        .as_ref()
                        .map_or_else(|| "—".to_owned(), |e| signoff(m, e)),
                    next_review(m, r.next_review.as_ref()),
                    yes_no(m, r.changed_since_approval),
                    r.findings
                        .iter()
                        .map(|f| m.ident(f))
                        .collect::<Vec<_>>()
                        .join(", "),
                ]);
                row
            })
            .collect();
        let first: &[&str] = if M::WIDE_TABLES {
            &["ID", "Title", "File"]
        } else {
            &["ID and file", "Title"]
        };
        let rest = [
            "Status",
            "Last approval",
            "Last review",
            "Next review due",
            "Changed since approval",
            "Findings",
        ];
        let headers = [first, &rest].concat();
        table(out, m, "t-records", &headers, &[], &rows);
    }
    m.section_end(out);
}

fn trail<M: Markup>(out: &mut String, m: &M, audit: &Audit) {
    m.section(out, "trail");
    m.heading(out, 2, "Trail of approvals and reviews");
    let rows: Vec<Vec<String>> = audit
        .trail
        .iter()
        .map(|t| {
            let e = &t.entry;
            let s = &e.signoff;
            let note = format!("({})", m.text(&s.note));
            vec![
                m.text(&s.date),
                m.text(t.entry.kind),
                m.with_note(&record_link(m, &t.record), &m.kind(&t.kind)),
                person(m, e),
                m.text(&s.roles.join(", ")),
                format!("{} {}", m.text(s.strength), m.tone(Tone::Muted, &note)),
                match e.tag.as_deref() {
                    Some(tag) => m.with_note(&m.commit(abbrev(&e.commit)), &m.ident(tag)),
                    None => m.commit(abbrev(&e.commit)),
                },
                when(m, e),
            ]
        })
        .collect();
    let headers = [
        "Date",
        "Event",
        "Record · kind",
        "Person",
        "Roles",
        "Strength",
        "Commit · tag",
        "Claimed time · landing",
    ];
    table(out, m, "t-trail", &headers, &[], &rows);
    m.section_end(out);
}

/// `claimed 2026-03-19T10:00:00Z · landed … 2026-03-19T11:00:00Z (witness W)`
/// and, for an attested approval, its pull request and review (SPEC 2.4, 2.5).
fn when<M: Markup>(m: &M, e: &EventEntry) -> String {
    let s = &e.signoff;
    let mut out = format!("claimed {}", m.text(&s.time));
    match &s.landing {
        Some(l) => {
            let _ = write!(out, " · {}", landing(m, l));
        }
        None => {
            let _ = write!(out, " · {}", m.tone(Tone::Muted, "not witnessed"));
        }
    }
    if let Some(review) = e.review {
        let pr = e.pull_request.as_deref().unwrap_or("pull request");
        let _ = write!(out, " · {} review {review}", m.text(pr));
    }
    out
}

/// `landed … 2026-03-19T11:00:00Z (witness govlint/witness/…)`, the tag as
/// an identifier so that a narrow cell may wrap it after a `/`.
fn landing<M: Markup>(m: &M, l: &LandingEntry) -> String {
    format!(
        "landed {} … {} (witness {})",
        m.text(l.after.as_deref().unwrap_or("before the first witness")),
        m.text(&l.before),
        m.ident(&l.witness)
    )
}

/// `2026-03-19 · Mia Hoffmann (mia-hoffmann; top-management, ceo) · self · 1e83ecc123`.
fn signoff<M: Markup>(m: &M, e: &EventEntry) -> String {
    let s = &e.signoff;
    let mut out = format!(
        "{} · {} · {} · {}",
        m.text(&s.date),
        who(m, e),
        m.text(s.strength),
        m.commit(abbrev(&e.commit))
    );
    if let Some(tag) = &e.tag {
        let _ = write!(out, " · tag {}", m.ident(tag));
    }
    if let Some(l) = &s.landing {
        let _ = write!(out, " · {}", landing(m, l));
    }
    if let Some(review) = e.review {
        let pr = e.pull_request.as_deref().unwrap_or("pull request");
        let _ = write!(out, " · {} review {review}", m.text(pr));
    }
    if !e.unchanged {
        let _ = write!(out, " · {}", m.tone(Tone::Warn, "content changed since"));
    }
    out
}

/// The last approval; its absence is a fault only where a rule asks for
/// one (`required`).
fn last_approval<M: Markup>(m: &M, e: Option<&EventEntry>, required: bool) -> String {
    match (e, required) {
        (Some(e), _) => signoff(m, e),
        (None, true) => m.tone(Tone::Warn, "never approved"),
        (None, false) => format!("— {}", m.tone(Tone::Muted, "(approval not required)")),
    }
}

/// `Mia Hoffmann (mia-hoffmann; top-management, ceo)`.
fn who<M: Markup>(m: &M, e: &EventEntry) -> String {
    let s = &e.signoff;
    if s.roles.is_empty() {
        person(m, e)
    } else {
        format!(
            "{} ({}; {})",
            m.text(&s.name),
            m.text(s.person.as_deref().unwrap_or("no Person record")),
            m.text(&s.roles.join(", "))
        )
    }
}

/// `Mia Hoffmann (mia-hoffmann)`.
fn person<M: Markup>(m: &M, e: &EventEntry) -> String {
    let s = &e.signoff;
    format!(
        "{} ({})",
        m.text(&s.name),
        m.text(s.person.as_deref().unwrap_or("no Person record"))
    )
}

fn next_review<M: Markup>(m: &M, n: Option<&NextReview>) -> String {
    match n {
        None => "—".to_owned(),
        Some(NextReview {
            due: Some(due),
            overdue: true,
            ..
        }) => m.tone(Tone::Alarm, &format!("{} (overdue)", m.text(due))),
        Some(NextReview {
            due: Some(due),
            done_by: Some(by),
            ..
        }) => {
            let held = format!("(held: {})", record_link(m, by));
            format!("{} {}", m.text(due), m.tone(Tone::Muted, &held))
        }
        Some(NextReview { due: Some(due), .. }) => m.text(due),
        Some(NextReview {
            due: None, basis, ..
        }) => m.tone(Tone::Muted, &m.text(basis)),
    }
}

fn yes_no<M: Markup>(m: &M, b: bool) -> String {
    if b {
        m.tone(Tone::Alarm, "yes")
    } else {
        "no".to_owned()
    }
}

fn opt<M: Markup>(m: &M, s: Option<&str>) -> String {
    s.map_or_else(|| "—".to_owned(), |s| m.text(s))
}

pub(super) fn record_link<M: Markup>(m: &M, id: &str) -> String {
    m.link(&record_anchor(id), &m.record_id(id))
}

pub(super) fn abbrev(commit: &str) -> &str {
    commit.get(..10).unwrap_or(commit)
}

/// A table; `rows` hold cells already rendered. No rows: [`Markup::none`].
pub(super) fn table<M: Markup>(
    out: &mut String,
    m: &M,
    class: &str,
    headers: &[&str],
    numeric: &[usize],
    rows: &[Vec<String>],
) {
    if rows.is_empty() {
        m.none(out);
        return;
    }
    m.table_start(out, class, headers);
    for row in rows {
        m.table_row(out, row, numeric);
    }
    m.table_end(out);
}

/// Fragment ids from clause keys and record ids: characters other than
/// letters, digits, `-`, `_` and `.` become `-`.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_plain() {
        assert_eq!(clause_anchor("5.1(c)"), "clause-5.1-c-");
        assert_eq!(record_anchor("POL-IS-001"), "record-POL-IS-001");
        assert_eq!(record_anchor("a\"><x"), "record-a---x");
    }
}
