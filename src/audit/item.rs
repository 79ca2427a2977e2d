//! The clause items of the pack: for each item of the table in
//! `clause.rs` (and each clause only repository rules cite), the rules that
//! cite it with their findings, the records that evidence it, and a status.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use super::{clause, finding_entry, EventEntry, FindingEntry, RecordEntry};
use crate::evaluation::Evaluation;
use crate::finding::{Finding, Severity};
use crate::rule::Context;

/// One clause item and its evidence.
#[derive(Debug, Serialize)]
pub struct ClauseItem {
    /// `5.1(c)`, `9.3`, or a clause cited only by repository rules.
    pub clause: String,
    pub title: String,
    pub status: ClauseStatus,
    /// Why the status is what it is, in one sentence.
    pub reason: String,
    /// For a clause no record kind shows of itself: what the auditor looks
    /// at instead (see `clause.rs`).
    pub note: Option<String>,
    /// The record kinds that evidence the item.
    pub kinds: Vec<String>,
    pub rules_passed: usize,
    pub rules_failed: usize,
    pub rules: Vec<ClauseRule>,
    pub records: Vec<ClauseRecord>,
    /// Active findings that no rule of the item makes but that make one of
    /// its records invalid (`parse`, `schema`, `record/*`): a rule may pass
    /// on a record that does not validate, the item must not.
    pub record_findings: Vec<FindingEntry>,
}

/// A clause item's verdict. Only [`ClauseStatus::Evidenced`] says the item
/// is met, and only when a rule checked it: records alone prove nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ClauseStatus {
    /// At least one enabled rule cites the item and judged a record, every
    /// such rule passes (no active finding, waived ones aside), and records
    /// of the kinds each rule looks at exist.
    #[serde(rename = "evidenced")]
    Evidenced,
    /// A rule citing the item has an active finding (any severity).
    #[serde(rename = "findings")]
    Findings,
    /// Rules cite the item and pass, but only because there was nothing to
    /// judge: no record of the kinds a rule looks at exists, or no rule
    /// selected any record, or no record evidences the item.
    #[serde(rename = "no evidence")]
    NoEvidence,
    /// No enabled rule cites the item: its records are listed, not judged.
    #[serde(rename = "not_checked")]
    NotChecked,
}

impl ClauseStatus {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ClauseStatus::Evidenced => "evidenced",
            ClauseStatus::Findings => "findings",
            ClauseStatus::NoEvidence => "no evidence",
            ClauseStatus::NotChecked => "not checked",
        }
    }
}

/// A rule citing a clause item; it fails when it has an active finding.
#[derive(Debug, Serialize)]
pub struct ClauseRule {
    pub id: String,
    /// The clause the rule cites (`9.3.2` under item `9.3`).
    pub clause: String,
    pub severity: Severity,
    /// pass | fail
    pub result: &'static str,
    /// How many records the rule looked at; a rule that passes having
    /// judged none is no evidence.
    pub judged: usize,
    /// Its findings, waived ones included (marked).
    pub findings: Vec<FindingEntry>,
}

/// A record that evidences a clause item, with its last approval.
#[derive(Debug, Serialize)]
pub struct ClauseRecord {
    pub id: String,
    pub kind: String,
    pub status: Option<String>,
    pub last_approval: Option<EventEntry>,
    /// An enabled rule asks records of this kind to be approved (see
    /// [`RecordEntry::approval_required`]).
    pub approval_required: bool,
    pub changed_since_approval: bool,
    pub finding_count: usize,
}

/// The clause items, in table order, then items only repository rules cite.
pub(super) fn clause_items(
    eval: &Evaluation,
    ctx: &Context<'_>,
    records: &[RecordEntry],
    filter: Option<&str>,
) -> Vec<ClauseItem> {
    // item key → rules citing it (with their own clause key).
    let mut cited: BTreeMap<String, Vec<(&crate::rule::Rule, String)>> = BTreeMap::new();
    for rule in eval.ruleset.rules() {
        if let Some(c) = &rule.clause {
            let key = clause::key_of(c);
            cited
                .entry(clause::group_of(&key))
                .or_default()
                .push((rule, key));
        }
    }
    let mut items: Vec<Heading> = clause::ITEMS
        .iter()
        .map(|i| Heading {
            key: i.key.to_owned(),
            title: i.title.to_owned(),
            kinds: i.kinds.iter().map(|k| (*k).to_owned()).collect(),
            note: i.note.map(str::to_owned),
        })
        .collect();
    for key in cited.keys() {
        if !items.iter().any(|i| &i.key == key) {
            items.push(Heading {
                key: key.clone(),
                title: "cited by repository rules".to_owned(),
                kinds: Vec::new(),
                note: None,
            });
        }
    }
    let mut by_rule: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for f in &eval.findings {
        by_rule.entry(f.rule.as_str()).or_default().push(f);
    }
    items
        .into_iter()
        .filter_map(|heading| {
            let selected = clause::select(&heading.key, filter);
            if selected == clause::Selected::No {
                return None;
            }
            let rules: Vec<&(&crate::rule::Rule, String)> = cited
                .get(&heading.key)
                .into_iter()
                .flatten()
                .filter(|(_, k)| match (selected, filter) {
                    (clause::Selected::Narrowed, Some(f)) => clause::within(k, f),
                    _ => true,
                })
                .collect();
            Some(clause_item(heading, &rules, &by_rule, records, eval, ctx))
        })
        .collect()
}

/// What an item is before its rules are judged.
struct Heading {
    key: String,
    title: String,
    kinds: Vec<String>,
    note: Option<String>,
}

fn clause_item(
    heading: Heading,
    rules: &[&(&crate::rule::Rule, String)],
    by_rule: &HashMap<&str, Vec<&Finding>>,
    records: &[RecordEntry],
    eval: &Evaluation,
    ctx: &Context<'_>,
) -> ClauseItem {
    let mut kinds: BTreeSet<String> = heading.kinds.into_iter().collect();
    let mut entries = Vec::new();
    let mut failed = false;
    // Kinds a passing rule looks at of which no record exists.
    let mut lacking: BTreeSet<String> = BTreeSet::new();
    for (rule, rule_clause) in rules {
        let rule_kinds = clause::rule_kinds(rule);
        if !rule_kinds.is_empty()
            && rule_kinds
                .iter()
                .all(|k| eval.records.of_kind(k).next().is_none())
        {
            lacking.extend(rule_kinds.iter().cloned());
        }
        kinds.extend(rule_kinds);
        let judged = rule.selected_records(ctx).len();
        let findings = by_rule.get(rule.id.as_str()).map_or(&[][..], Vec::as_slice);
        for f in findings {
            if let Some(r) = f.record.as_deref().and_then(|id| eval.records.get(id)) {
                kinds.insert(r.kind.clone());
            }
        }
        let active: Vec<&&Finding> = findings.iter().filter(|f| f.is_active()).collect();
        failed |= !active.is_empty();
        let mut listed: Vec<FindingEntry> = findings.iter().map(|f| finding_entry(f)).collect();
        listed.sort_by(|a, b| (&a.record, &a.message).cmp(&(&b.record, &b.message)));
        entries.push(ClauseRule {
            id: rule.id.clone(),
            clause: rule_clause.clone(),
            severity: rule.severity,
            result: if active.is_empty() { "pass" } else { "fail" },
            judged,
            findings: listed,
        });
    }
    let evidence: Vec<ClauseRecord> = records
        .iter()
        .filter(|r| kinds.contains(&r.kind))
        .map(|r| ClauseRecord {
            id: r.id.clone(),
            kind: r.kind.clone(),
            status: r.status.clone(),
            last_approval: r.last_approval.clone(),
            approval_required: r.approval_required,
            changed_since_approval: r.changed_since_approval,
            finding_count: r.finding_count,
        })
        .collect();
    let shown: BTreeSet<&str> = evidence.iter().map(|r| r.id.as_str()).collect();
    let mut record_findings: Vec<FindingEntry> = eval
        .findings
        .iter()
        .filter(|f| f.is_active() && invalidates(&f.rule))
        .filter(|f| f.record.as_deref().is_some_and(|r| shown.contains(r)))
        .map(finding_entry)
        .collect();
    record_findings
        .sort_by(|a, b| (&a.record, &a.rule, &a.message).cmp(&(&b.record, &b.rule, &b.message)));
    // A verdict needs a judge: without a rule, records prove nothing; and a
    // rule that had nothing to look at judged nothing.
    let (status, reason) = if failed {
        (
            ClauseStatus::Findings,
            "a rule citing this item has findings".to_owned(),
        )
    } else if !record_findings.is_empty() {
        (
            ClauseStatus::Findings,
            "a record that evidences this item is invalid".to_owned(),
        )
    } else if entries.is_empty() {
        (
            ClauseStatus::NotChecked,
            "no enabled rule cites this item".to_owned(),
        )
    } else if !lacking.is_empty() {
        let lacking: Vec<String> = lacking.into_iter().collect();
        (
            ClauseStatus::NoEvidence,
            format!(
                "its rules pass only because there is no {} record to check",
                lacking.join(" or ")
            ),
        )
    } else if entries.iter().all(|r| r.judged == 0) {
        (
            ClauseStatus::NoEvidence,
            "its rules pass only because they selected no record to check".to_owned(),
        )
    } else if evidence.is_empty() {
        (
            ClauseStatus::NoEvidence,
            "no record evidences this item".to_owned(),
        )
    } else {
        (
            ClauseStatus::Evidenced,
            "every rule citing this item judged its records and passes".to_owned(),
        )
    };
    ClauseItem {
        clause: heading.key,
        title: heading.title,
        status,
        reason,
        note: heading.note,
        kinds: kinds.into_iter().collect(),
        rules_passed: entries.iter().filter(|r| r.result == "pass").count(),
        rules_failed: entries.iter().filter(|r| r.result == "fail").count(),
        rules: entries,
        records: evidence,
        record_findings,
    }
}

/// Built-in diagnostics that say a record is not what its kind demands.
fn invalidates(rule: &str) -> bool {
    matches!(rule, "parse" | "schema") || rule.starts_with("record/")
}
