//! The clause items of the pack: for each item of the table in
//! `clause.rs` (and each clause only repository rules cite), the rules that
//! cite it with their findings, the records that evidence it, and a status.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use super::{clause, finding_entry, EventEntry, FindingEntry, RecordEntry};
use crate::evaluation::Evaluation;
use crate::finding::{Finding, Severity};

/// One clause item and its evidence.
#[derive(Debug, Serialize)]
pub struct ClauseItem {
    /// `5.1(c)`, `9.3`, or a clause cited only by repository rules.
    pub clause: String,
    pub title: String,
    pub status: ClauseStatus,
    /// The record kinds that evidence the item.
    pub kinds: Vec<String>,
    pub rules_passed: usize,
    pub rules_failed: usize,
    pub rules: Vec<ClauseRule>,
    pub records: Vec<ClauseRecord>,
}

/// A clause item's verdict. Only [`ClauseStatus::Evidenced`] says the item
/// is met, and only when a rule checked it: records alone prove nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ClauseStatus {
    /// At least one enabled rule cites the item, every such rule passes
    /// (no active finding, waived ones aside), and records of its kinds
    /// exist.
    #[serde(rename = "evidenced")]
    Evidenced,
    /// A rule citing the item has an active finding (any severity).
    #[serde(rename = "findings")]
    Findings,
    /// Rules cite the item and pass, but no record of the kinds that
    /// evidence it exists.
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
    let mut items: Vec<(String, String, Vec<String>)> = clause::ITEMS
        .iter()
        .map(|i| {
            (
                i.key.to_owned(),
                i.title.to_owned(),
                i.kinds.iter().map(|k| (*k).to_owned()).collect(),
            )
        })
        .collect();
    for key in cited.keys() {
        if !items.iter().any(|(k, _, _)| k == key) {
            items.push((
                key.clone(),
                "cited by repository rules".to_owned(),
                Vec::new(),
            ));
        }
    }
    let mut by_rule: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for f in &eval.findings {
        by_rule.entry(f.rule.as_str()).or_default().push(f);
    }
    items
        .into_iter()
        .filter_map(|(key, title, static_kinds)| {
            let selected = clause::select(&key, filter);
            if selected == clause::Selected::No {
                return None;
            }
            let rules: Vec<&(&crate::rule::Rule, String)> = cited
                .get(&key)
                .into_iter()
                .flatten()
                .filter(|(_, k)| match (selected, filter) {
                    (clause::Selected::Narrowed, Some(f)) => clause::within(k, f),
                    _ => true,
                })
                .collect();
            Some(clause_item(
                key,
                title,
                static_kinds,
                &rules,
                &by_rule,
                records,
                eval,
            ))
        })
        .collect()
}

fn clause_item(
    key: String,
    title: String,
    static_kinds: Vec<String>,
    rules: &[&(&crate::rule::Rule, String)],
    by_rule: &HashMap<&str, Vec<&Finding>>,
    records: &[RecordEntry],
    eval: &Evaluation,
) -> ClauseItem {
    let mut kinds: BTreeSet<String> = static_kinds.into_iter().collect();
    let mut entries = Vec::new();
    let mut failed = false;
    for (rule, rule_clause) in rules {
        kinds.extend(clause::rule_kinds(rule));
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
    // A verdict needs a judge: without a rule, records prove nothing.
    let status = if failed {
        ClauseStatus::Findings
    } else if entries.is_empty() {
        ClauseStatus::NotChecked
    } else if evidence.is_empty() {
        ClauseStatus::NoEvidence
    } else {
        ClauseStatus::Evidenced
    };
    ClauseItem {
        clause: key,
        title,
        status,
        kinds: kinds.into_iter().collect(),
        rules_passed: entries.iter().filter(|r| r.result == "pass").count(),
        rules_failed: entries.iter().filter(|r| r.result == "fail").count(),
        rules: entries,
        records: evidence,
    }
}
