//! The Statement of Applicability section of the pack (ISO/IEC 27001:2022
//! 6.1.3 d): one row per Annex A control of the catalogue
//! ([`crate::annex_a::CONTROLS`], always 93 rows, in Annex A order), then a
//! row for each Control record whose id is no Annex A control.
//!
//! A row shows what the SoA says of the control (its `Control` record:
//! applicable, justification, status, owner), the risks that rely on it
//! (Risk records naming it in `controls`, and the control's own `risks`),
//! its `evidence` list, and the findings on its record. A catalogue control
//! with no Control record is a row too, marked `missing`: an auditor must
//! see the gap, not an absent line.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use super::{finding_entry, EventEntry, FindingEntry, RecordEntry};
use crate::annex_a::{self, Theme};
use crate::finding::Finding;
use crate::record::{Record, RecordSet};

/// The record kind of one SoA row.
pub const CONTROL: &str = "Control";
/// The record kind of the SoA document itself.
pub const STATEMENT: &str = "StatementOfApplicability";

/// The Statement of Applicability, as the pack shows it.
#[derive(Debug, Serialize)]
pub struct Soa {
    /// The StatementOfApplicability records (usually one).
    pub statements: Vec<SoaStatement>,
    pub counts: SoaCounts,
    /// One row per Annex A control (93), in Annex A order, then the Control
    /// records that name no Annex A control (`state: unknown`), by id.
    pub controls: Vec<SoaRow>,
}

/// A StatementOfApplicability record: its version, table and approval.
#[derive(Debug, Serialize)]
pub struct SoaStatement {
    pub id: String,
    pub file: String,
    pub version: Option<String>,
    /// Its `controls`: the table file or folder of its Control rows.
    pub controls: Option<String>,
    pub approver: Option<String>,
    pub last_approval: Option<EventEntry>,
    /// An enabled rule asks for its approval (see
    /// [`RecordEntry::approval_required`]).
    pub approval_required: bool,
    pub changed_since_approval: bool,
    /// Rule ids of the record's active findings.
    pub findings: Vec<String>,
}

/// How many rows say what.
#[derive(Debug, Default, Serialize)]
pub struct SoaCounts {
    /// Controls in the catalogue: 93.
    pub catalogue: usize,
    /// Catalogue controls with a Control record.
    pub listed: usize,
    /// Catalogue controls without one.
    pub missing: usize,
    /// Control records that name no Annex A control.
    pub unknown: usize,
    pub applicable: usize,
    /// Listed as not applicable.
    pub excluded: usize,
    /// Listed controls by `status`: implemented, partial, planned,
    /// not-implemented (and any other value as written).
    pub by_status: BTreeMap<String, usize>,
    /// Rows with at least one active finding.
    pub with_findings: usize,
}

/// One control of the SoA.
#[derive(Debug, Serialize)]
pub struct SoaRow {
    /// `A.5.1`: the catalogue's reference, or the record's id for an
    /// unknown one.
    pub reference: String,
    /// The catalogue's short title; `None` for an unknown reference.
    pub title: Option<String>,
    /// `organizational`, `people`, `physical`, `technological`.
    pub theme: Option<&'static str>,
    /// `listed` (a Control record says what applies), `missing` (no Control
    /// record for this catalogue control) or `unknown` (a Control record
    /// whose id is no Annex A control).
    pub state: &'static str,
    /// The Control record's id as written, its file and line.
    pub record: Option<String>,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub applicable: Option<bool>,
    pub justification: Option<String>,
    /// The implementation status: implemented, partial, planned,
    /// not-implemented.
    pub status: Option<String>,
    pub owner: Option<String>,
    /// Risk ids: Risks naming the control in `controls`, and the control's
    /// own `risks`; sorted, each once.
    pub risks: Vec<String>,
    /// The control's `evidence` (record ids or paths), as written.
    pub evidence: Vec<String>,
    /// Findings on the Control record, waived ones included (marked).
    pub findings: Vec<FindingEntry>,
}

impl SoaRow {
    /// Active findings (not waived).
    #[must_use]
    pub fn active_findings(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.waived_by.is_none())
            .count()
    }
}

/// The SoA section of the pack; `entries` are the pack's record entries
/// (for the statements' approvals).
pub(super) fn soa(records: &RecordSet, findings: &[Finding], entries: &[RecordEntry]) -> Soa {
    // Control records by catalogue reference; the rest by id.
    let mut listed: BTreeMap<&'static str, Vec<&Record>> = BTreeMap::new();
    let mut unknown: BTreeMap<&str, Vec<&Record>> = BTreeMap::new();
    for r in records.of_kind(CONTROL) {
        match annex_a::find(&r.id) {
            Some(c) => listed.entry(c.reference).or_default().push(r),
            None => unknown.entry(r.id.as_str()).or_default().push(r),
        }
    }
    // Risks that rely on each control (by its reference as written, and by
    // the catalogue's reference when it is one).
    let mut relied: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for risk in records.of_kind("Risk") {
        for control in strings(risk.value.get("controls")) {
            let key = annex_a::find(&control).map_or(control, |c| c.reference.to_owned());
            relied.entry(key).or_default().insert(risk.id.clone());
        }
    }
    let mut rows: Vec<SoaRow> = annex_a::CONTROLS
        .iter()
        .map(|c| {
            let recs = listed.get(c.reference).map_or(&[][..], Vec::as_slice);
            row(
                c.reference,
                Some(c.title),
                Some(c.theme),
                recs,
                &relied,
                findings,
            )
        })
        .collect();
    rows.extend(
        unknown
            .iter()
            .map(|(id, recs)| row(id, None, None, recs, &relied, findings)),
    );
    let mut counts = SoaCounts {
        catalogue: annex_a::CONTROLS.len(),
        ..SoaCounts::default()
    };
    for r in &rows {
        match r.state {
            "listed" => counts.listed += 1,
            "missing" => counts.missing += 1,
            _ => counts.unknown += 1,
        }
        if r.state != "missing" {
            match r.applicable {
                Some(true) => counts.applicable += 1,
                Some(false) => counts.excluded += 1,
                None => {}
            }
            if let Some(s) = &r.status {
                *counts.by_status.entry(s.clone()).or_default() += 1;
            }
        }
        if r.active_findings() > 0 {
            counts.with_findings += 1;
        }
    }
    let statements = records
        .of_kind(STATEMENT)
        .map(|r| {
            let entry = entries
                .iter()
                .find(|e| e.id == r.id && e.file == r.file.path);
            SoaStatement {
                id: r.id.clone(),
                file: r.file.path.clone(),
                version: scalar(r.value.get("version")),
                controls: scalar(r.value.get("controls")),
                approver: scalar(r.value.get("approver")),
                last_approval: entry.and_then(|e| e.last_approval.clone()),
                approval_required: entry.is_some_and(|e| e.approval_required),
                changed_since_approval: entry.is_some_and(|e| e.changed_since_approval),
                findings: entry.map(|e| e.findings.clone()).unwrap_or_default(),
            }
        })
        .collect();
    Soa {
        statements,
        counts,
        controls: rows,
    }
}

fn row(
    reference: &str,
    title: Option<&str>,
    theme: Option<Theme>,
    recs: &[&Record],
    relied: &BTreeMap<String, BTreeSet<String>>,
    findings: &[Finding],
) -> SoaRow {
    let state = match (recs.is_empty(), title.is_some()) {
        (true, _) => "missing",
        (false, true) => "listed",
        (false, false) => "unknown",
    };
    // Two records for one control are reported as such (a duplicate id);
    // the row shows the first and the findings of all.
    let first = recs.first();
    let field = |name: &str| first.and_then(|r| scalar(r.value.get(name)));
    let mut risks: BTreeSet<String> = relied.get(reference).cloned().unwrap_or_default();
    if let Some(r) = first {
        risks.extend(strings(r.value.get("risks")));
    }
    let mut on_row: Vec<FindingEntry> = findings
        .iter()
        .filter(|f| {
            recs.iter().any(|r| {
                f.record.as_deref() == Some(r.id.as_str())
                    && f.location.as_ref().is_none_or(|l| l.file == r.file.path)
            })
        })
        .map(finding_entry)
        .collect();
    on_row.sort_by(|a, b| (&a.rule, &a.message).cmp(&(&b.rule, &b.message)));
    SoaRow {
        reference: reference.to_owned(),
        title: title.map(str::to_owned),
        theme: theme.map(Theme::id),
        state,
        record: first.map(|r| r.id.clone()),
        file: first.map(|r| r.file.path.clone()),
        line: first.map(|r| r.location("").line),
        applicable: first.and_then(|r| boolean(r.value.get("applicable"))),
        justification: field("justification").filter(|j| !j.trim().is_empty()),
        status: field("status"),
        owner: field("owner"),
        risks: risks.into_iter().collect(),
        evidence: first
            .map(|r| strings(r.value.get("evidence")))
            .unwrap_or_default(),
        findings: on_row,
    }
}

/// A scalar field as text (numbers and booleans as written in JSON).
fn scalar(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `applicable` as a boolean: a YAML or typed CSV boolean, or the words a
/// spreadsheet may hold when the schema did not type the cell.
fn boolean(v: Option<&Value>) -> Option<bool> {
    match v? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" => Some(true),
            "false" | "no" | "n" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A list of strings (or one string) as a list; other values are skipped.
fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) if !s.trim().is_empty() => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}
