//! `govlint audit`: the evidence pack an ISO/IEC 27001 auditor reads
//! (SPEC 4.2). [`build`] turns an [`Evaluation`] and the git evidence into an
//! [`Audit`] value, which *is* the JSON format; `render.rs` renders the same
//! value for people, as Markdown (`markdown.rs`) or HTML (`html.rs`). This
//! module reads nothing itself and prints nothing: the caller evaluates,
//! builds, and writes. Approvals and reviews are `govlint log`'s entries
//! ([`crate::evidence::EventEntry`]), so the pack and the log agree.
//!
//! Choices an auditor may ask about (each documented where it is made):
//! - approvals and reviews are kept apart: a record's `last_approval` counts
//!   `Approved-by:` only, `last_review` `Reviewed-by:` only;
//! - the next review of a record with `review_interval` is due one interval
//!   after its last approval (of any strength; the rules judge strength), as
//!   the pack's `policy-approval` rule measures it; a retired record has
//!   none. A `ManagementReview`'s next review is expected twelve months after
//!   its `date` (9.3 "at planned intervals"; the pack's cadence rule asks for
//!   one within twelve months), and counts as overdue only when no later
//!   review exists;
//! - a record has `changed_since_approval` when its newest approval is not
//!   of its current content;
//! - which records evidence a clause item is decided by kind (`clause.rs`).

mod clause;
mod escape;
mod fingerprint;
mod html;
mod item;
mod markdown;
mod record;
mod render;
mod soa;
#[cfg(test)]
mod tests;
mod timeline;

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use crate::evaluation::Evaluation;
use crate::evidence::GitEvidence;
use crate::finding::{Finding, Severity};
use crate::record::Record;

pub use crate::evidence::EventEntry;
pub use fingerprint::RulesInForce;
pub use item::{ClauseItem, ClauseRecord, ClauseRule, ClauseStatus};
#[cfg(test)]
use record::next_review;
use record::{management_review_cycle, record_entry};
pub use record::{NextReview, RecordEntry, TrailEntry};
pub use soa::{Soa, SoaCounts, SoaRow, SoaStatement};

/// The evidence pack; serialised as is, this is `audit --format json`.
#[derive(Debug, Serialize)]
pub struct Audit {
    /// Format version: 1.
    pub version: u32,
    /// `govlint <version>`.
    pub generator: String,
    /// "Today" (`--today`): the date reviews are judged overdue against.
    pub generated_for: String,
    /// The evaluated commit (its full id), when there is one.
    pub revision: Option<String>,
    /// The repository's name (its work tree's folder), set by the caller;
    /// shown in the HTML's running header.
    pub repository: Option<String>,
    /// The rules the records were judged by.
    pub rules: RulesInForce,
    /// `--since`: the trail (and the timeline) hold only events on or after
    /// this date ([`Audit::limit_trail`]).
    pub since: Option<String>,
    /// The `--clause` filter, as given.
    pub clause: Option<String>,
    /// Whether approvals and reviews were read from git.
    pub history: bool,
    /// What the reader must know to read the pack right (no history, a
    /// shallow clone, a filter that matched nothing).
    pub notes: Vec<String>,
    /// The root of trust (SPEC 2.3): the commit that introduced the
    /// allowed-signers file, for the auditor to confirm out of band.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trust_root: Option<crate::evidence::TrustRoot>,
    pub summary: Summary,
    /// Every record (with `--clause`: those that evidence the selected
    /// items), by kind in SPEC 1.2's order, then id.
    pub records: Vec<RecordEntry>,
    pub clauses: Vec<ClauseItem>,
    /// The Statement of Applicability (6.1.3 d): one row per Annex A
    /// control, 93 always; `null` when `--clause` leaves out 6.1.3(d).
    pub statement_of_applicability: Option<Soa>,
    /// Every approval and review of the records listed, oldest first.
    pub trail: Vec<TrailEntry>,
    /// Active findings tied to no record and no clause item (e.g. a
    /// backdated commit); empty with `--clause`.
    pub other_findings: Vec<FindingEntry>,
}

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub records: usize,
    /// Records with at least one approval (reviews do not count).
    pub approved_records: usize,
    pub changed_since_approval: usize,
    pub overdue_reviews: usize,
    /// Approvals and reviews in the trail that no witness contains (SPEC
    /// 2.4): their times are only claimed.
    pub unwitnessed_approvals: usize,
    pub findings: FindingCounts,
    pub clause_items: ClauseCounts,
}

/// Active findings by severity, and how many more a Waiver silenced.
#[derive(Debug, Default, Serialize)]
pub struct FindingCounts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
    pub waived: usize,
}

#[derive(Debug, Default, Serialize)]
pub struct ClauseCounts {
    pub evidenced: usize,
    pub findings: usize,
    pub no_evidence: usize,
    /// Items no enabled rule cites.
    pub not_checked: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingEntry {
    pub rule: String,
    pub severity: Severity,
    pub record: Option<String>,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub message: String,
    /// The Waiver that silences it.
    pub waived_by: Option<String>,
}

/// Builds the evidence pack. `evidence` is `None` when no git history was
/// read; `clause` is `--clause` (`5.1` selects 5.1 and 5.1(a)–(h); `9.3.2`
/// selects item 9.3 with its 9.3.2 rules only). A filter that matches no
/// item gives an empty pack with a note: check `clauses.is_empty()`.
#[must_use]
pub fn build(
    eval: &Evaluation,
    evidence: Option<&GitEvidence<'_>>,
    today: jiff::civil::Date,
    clause: Option<&str>,
) -> Audit {
    let filter: Option<String> = clause.map(|c| {
        clause::key_of(c)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    });
    let mut order: Vec<&Record> = eval.records.iter().collect();
    order.sort_by(|a, b| {
        (kind_rank(&a.kind), &a.kind, natural(&a.id), &a.file.path).cmp(&(
            kind_rank(&b.kind),
            &b.kind,
            natural(&b.id),
            &b.file.path,
        ))
    });
    // Each record's findings, gathered once: a scan of every finding for
    // every record was quadratic (50,000 records: 8 s).
    let mut findings_of: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for f in &eval.findings {
        if let Some(id) = f.record.as_deref() {
            findings_of.entry(id).or_default().push(f);
        }
    }
    let mut trail = Vec::new();
    let mut records: Vec<RecordEntry> = order
        .iter()
        .map(|r| {
            let judged: Vec<_> = evidence
                .map(|ev| {
                    ev.judged(r)
                        .into_iter()
                        .map(|(e, a)| {
                            let entry = EventEntry::new(&e, &a);
                            (e, a, entry)
                        })
                        .collect()
                })
                .unwrap_or_default();
            let findings = findings_of
                .get(r.id.as_str())
                .map_or(&[][..], Vec::as_slice);
            let entry = record_entry(r, &judged, findings, today, evidence.is_some());
            trail.extend(judged.into_iter().map(|(e, _, entry)| TrailEntry {
                record: r.id.clone(),
                kind: r.kind.clone(),
                entry,
                time: e.commit.time,
            }));
            entry
        })
        .collect();
    management_review_cycle(&order, &mut records, today);
    let approved_kinds = clause::approved_kinds(eval.ruleset.rules());
    for r in &mut records {
        r.approval_required = approved_kinds.contains(&r.kind);
    }

    // Which records each rule selects, as evaluation selected them.
    let no_history = crate::rule::NoHistory;
    let judge: &dyn crate::rule::Evidence = match evidence {
        Some(e) => e,
        None => &no_history,
    };
    let ctx = crate::rule::Context::new(&eval.records, today, judge);
    let clauses = item::clause_items(eval, &ctx, &records, filter.as_deref());
    let statement_of_applicability = (clause::select("6.1.3(d)", filter.as_deref())
        != clause::Selected::No)
        .then(|| soa::soa(&eval.records, &eval.findings, &records));
    let mut notes = notes(eval, evidence.is_some());
    if let (Some(c), true) = (clause, clauses.is_empty()) {
        notes.push(format!(
            "no clause item matches `--clause {c}`; items are every clause from 4.1 to 10.2 (with 5.1(a)–(h), 6.1.2, 6.1.3 and 6.1.3(d)) and clauses that repository rules cite"
        ));
    }
    let trust_root = evidence.and_then(|e| e.trust_root().cloned());
    if let Some(root) = &trust_root {
        notes.push(format!(
            "trust root: {}; every signature is only as good as that first version of the allowed-signers file, so confirm its keys with their owners",
            root.sentence()
        ));
    }
    let mut other_findings = Vec::new();
    if filter.is_some() {
        let shown: BTreeSet<&str> = clauses
            .iter()
            .flat_map(|c| c.records.iter().map(|r| r.id.as_str()))
            .collect();
        records.retain(|r| shown.contains(r.id.as_str()));
        trail.retain(|t| shown.contains(t.record.as_str()));
    } else {
        let cited: BTreeSet<&str> = clauses
            .iter()
            .flat_map(|c| c.rules.iter().map(|r| r.id.as_str()))
            .collect();
        other_findings = eval
            .findings
            .iter()
            .filter(|f| f.is_active() && f.record.is_none() && !cited.contains(f.rule.as_str()))
            .map(finding_entry)
            .collect();
        other_findings.sort_by(|a, b| (&a.rule, &a.message).cmp(&(&b.rule, &b.message)));
    }
    // Stable: events of one record keep git's order when times tie.
    trail.sort_by(|a, b| (a.time, &a.record).cmp(&(b.time, &b.record)));

    let mut summary = summary(eval, &records, &clauses, filter.is_some());
    summary.unwitnessed_approvals = trail
        .iter()
        .filter(|t| t.entry.signoff.landing.is_none())
        .count();
    Audit {
        version: 1,
        generator: format!("govlint {}", env!("CARGO_PKG_VERSION")),
        generated_for: today.to_string(),
        revision: eval
            .history
            .as_ref()
            .and_then(crate::history::History::head)
            .map(|c| c.to_string()),
        repository: None,
        rules: fingerprint::rules_in_force(eval.ruleset.rules()),
        since: None,
        clause: clause.map(str::to_owned),
        history: evidence.is_some(),
        notes,
        trust_root,
        summary,
        records,
        clauses,
        statement_of_applicability,
        trail,
        other_findings,
    }
}

impl Audit {
    /// `--since DATE`: keeps only the trail's events on or after `since`
    /// (by their date as shown). Records' last approvals and reviews, their
    /// counts and the summary are not limited: they describe the state as
    /// of the commit, whatever the window.
    pub fn limit_trail(&mut self, since: jiff::civil::Date) {
        self.trail
            .retain(|t| crate::time::parse_date(&t.entry.signoff.date).is_none_or(|d| d >= since));
        self.since = Some(since.to_string());
    }

    /// The JSON format: the pack as one pretty-printed object.
    #[must_use]
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// The pack as Markdown (GitHub-flavoured tables).
    #[must_use]
    pub fn to_markdown(&self) -> String {
        render::render(self, &markdown::Markdown)
    }

    /// The pack as one self-contained HTML file: inline CSS, no scripts, no
    /// external resources.
    #[must_use]
    pub fn to_html(&self) -> String {
        render::render(self, &html::Html)
    }
}

/// SPEC 1.2's order of the built-in kinds, then SPEC 1.3's; other kinds
/// follow, by name.
fn kind_rank(kind: &str) -> usize {
    const KINDS: [&str; 20] = [
        "Person",
        "Role",
        "ResponsibilityMatrix",
        "Policy",
        "Objective",
        "ResourceAllocation",
        "ManagementReview",
        "Communication",
        "Improvement",
        "Waiver",
        // SPEC 1.3, clause by clause.
        "Scope",
        "InterestedParty",
        "RiskMethod",
        "Risk",
        "StatementOfApplicability",
        "Control",
        "Competence",
        "Measurement",
        "InternalAudit",
        "Nonconformity",
    ];
    KINDS.iter().position(|k| *k == kind).unwrap_or(KINDS.len())
}

fn notes(eval: &Evaluation, history: bool) -> Vec<String> {
    let mut notes = Vec::new();
    match &eval.history {
        _ if !history => notes.push(
            "no git history was read: approvals, reviews, the trail and next review dates are missing"
                .to_owned(),
        ),
        Some(h) if h.is_shallow() => notes.push(
            "the repository is a shallow clone: approvals and reviews older than its boundary are missing (fetch the full history with `git fetch --unshallow`)"
                .to_owned(),
        ),
        Some(h) if h.is_empty() => {
            notes.push("the repository has no commits yet: nothing is approved".to_owned());
        }
        _ => {}
    }
    notes
}

fn finding_entry(f: &Finding) -> FindingEntry {
    FindingEntry {
        rule: f.rule.clone(),
        severity: f.severity,
        record: f.record.clone(),
        file: f.location.as_ref().map(|l| l.file.clone()),
        line: f.location.as_ref().map(|l| l.line),
        message: f.message.clone(),
        waived_by: f.waived.as_ref().map(|w| w.waiver.clone()),
    }
}

/// Counts over what the pack shows: everything, or with `--clause` the
/// selected items' records and their rules' findings.
fn summary(
    eval: &Evaluation,
    records: &[RecordEntry],
    clauses: &[ClauseItem],
    filtered: bool,
) -> Summary {
    let rules: BTreeSet<&str> = clauses
        .iter()
        .flat_map(|c| c.rules.iter().map(|r| r.id.as_str()))
        .collect();
    let shown: BTreeSet<&str> = records.iter().map(|r| r.id.as_str()).collect();
    let mut findings = FindingCounts::default();
    for f in &eval.findings {
        let in_scope = !filtered
            || rules.contains(f.rule.as_str())
            || f.record.as_deref().is_some_and(|r| shown.contains(r));
        if !in_scope {
            continue;
        }
        match (f.is_active(), f.severity) {
            (false, _) => findings.waived += 1,
            (true, Severity::Error) => findings.error += 1,
            (true, Severity::Warning) => findings.warning += 1,
            (true, Severity::Info) => findings.info += 1,
        }
    }
    let mut clause_items = ClauseCounts::default();
    for c in clauses {
        match c.status {
            ClauseStatus::Evidenced => clause_items.evidenced += 1,
            ClauseStatus::Findings => clause_items.findings += 1,
            ClauseStatus::NoEvidence => clause_items.no_evidence += 1,
            ClauseStatus::NotChecked => clause_items.not_checked += 1,
        }
    }
    Summary {
        unwitnessed_approvals: 0,
        records: records.len(),
        approved_records: records.iter().filter(|r| r.approvals > 0).count(),
        changed_since_approval: records.iter().filter(|r| r.changed_since_approval).count(),
        overdue_reviews: records
            .iter()
            .filter(|r| r.next_review.as_ref().is_some_and(|n| n.overdue))
            .count(),
        findings,
        clause_items,
    }
}

/// A sort key that orders numbers by value: `A.8.2` < `A.8.10`, `R-9` < `R-10`.
fn natural(id: &str) -> Vec<Result<u64, &str>> {
    let mut key = Vec::new();
    let mut rest = id;
    while let Some(c) = rest.chars().next() {
        let digits = c.is_ascii_digit();
        let end = rest
            .find(|x: char| x.is_ascii_digit() != digits)
            .unwrap_or(rest.len());
        let (run, tail) = rest.split_at(end);
        key.push(match run.parse::<u64>() {
            Ok(n) if digits => Ok(n),
            _ => Err(run),
        });
        rest = tail;
    }
    key
}
