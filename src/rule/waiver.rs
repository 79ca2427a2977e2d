//! Waivers (SPEC 1.2): a `Waiver` record `{rule, records, reason, expires,
//! approver}` silences the findings of `rule` about `records` while it is
//! unexpired *and* approved in git by a member of its `approver` role.
//!
//! - A waiver is valid through its `expires` date (inclusive); after it,
//!   `waiver/expired` (at `/expires`) and it silences nothing.
//! - Approval means an `Approved-by` approval (reviews do not count) by a
//!   Person holding the `approver` role at the approving commit, of the
//!   waiver's current content (editing `expires` or `records` needs a new
//!   approval), at the configured minimum strength. Without history
//!   ([`super::NoHistory`], a repository with no commits) no waiver is
//!   approved: unapproved waivers must not silence. A truncated history is
//!   no approval either. Otherwise: `waiver/unapproved`, saying why.
//! - A valid waiver that silences nothing is `waiver/unused`.
//!
//! Silenced findings are kept, marked `waived`; they no longer count towards
//! the exit code. `config`, `parse` and `waiver/*` findings cannot be
//! waived. Repo-level findings (no record) cannot be waived: change their
//! severity in `govlint.yaml` instead. Waivers whose fields are missing or
//! malformed are left to the Waiver schema and silence nothing.

use std::collections::HashMap;

use jiff::civil::Date;
use serde_json::Value;

use crate::finding::{Finding, Severity, Waived};
use crate::record::Record;
use crate::time::parse_date;

use super::assert::history::Approved;
use super::assert::{join_details, Subject};
use super::{Context, RuleSet};

pub(crate) const KIND: &str = "Waiver";
const EXPIRED: &str = "waiver/expired";
const UNAPPROVED: &str = "waiver/unapproved";
const UNUSED: &str = "waiver/unused";

struct Waiver<'a> {
    record: &'a Record,
    rule: &'a str,
    records: Vec<&'a str>,
    reason: &'a str,
    expires: Date,
}

impl<'a> Waiver<'a> {
    fn parse(record: &'a Record) -> Option<Waiver<'a>> {
        let v = &record.value;
        let records = match v.get("records")? {
            Value::String(s) => vec![s.as_str()],
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            _ => return None,
        };
        Some(Waiver {
            record,
            rule: v.get("rule")?.as_str()?,
            records,
            reason: v.get("reason").and_then(Value::as_str).unwrap_or_default(),
            expires: parse_date(v.get("expires")?.as_str()?)?,
        })
    }

    fn targets(&self) -> String {
        self.records.join(", ")
    }
}

/// Marks waived findings and appends the waivers' own findings.
pub(super) fn apply(ctx: &Context<'_>, findings: &mut Vec<Finding>, set: &RuleSet) {
    let mut own = Vec::new();
    let mut valid: Vec<Waiver<'_>> = Vec::new();
    let approval = Approved::waiver();
    for record in ctx.records.of_kind(KIND) {
        let Some(w) = Waiver::parse(record) else {
            continue;
        };
        if w.expires < ctx.today {
            let msg = format!(
                "Waiver {} expired on {}: it no longer silences `{}` for {}",
                record.id,
                w.expires,
                w.rule,
                w.targets()
            );
            let help = "Fix the findings and delete the waiver, or renew it (a new `expires`, approved again in git).";
            own.extend(finding(set, EXPIRED, record, msg, "/expires", help));
            continue;
        }
        let failures = approval.check(&Subject::whole(record), ctx);
        if failures.is_empty() {
            valid.push(w);
            continue;
        }
        let approver = record.str_field("approver").unwrap_or_default();
        let msg = format!(
            "Waiver {} is not approved by a member of its approver role `{approver}` ({}), so it silences nothing",
            record.id,
            join_details(&failures)
        );
        let help = format!(
            "Have a member of `{approver}` approve it in git, e.g. `git commit --allow-empty -m \"Approve {id}\" --trailer \"Approves: {id}\" --trailer \"Approved-by: Name <email>\"`.",
            id = record.id
        );
        if let Some(mut f) = finding(set, UNAPPROVED, record, msg, "", &help) {
            f.pending = failures.iter().any(|f| f.pending);
            own.push(f);
        }
    }

    let mut by_target: HashMap<(&str, &str), usize> = HashMap::new();
    for (i, w) in valid.iter().enumerate() {
        for r in &w.records {
            by_target.entry((w.rule, r)).or_insert(i);
        }
    }
    let mut used = vec![false; valid.len()];
    for f in findings.iter_mut() {
        if f.waived.is_some() || !waivable(&f.rule) {
            continue;
        }
        let Some(record) = f.record.as_deref() else {
            continue;
        };
        if let Some(&i) = by_target.get(&(f.rule.as_str(), record)) {
            used[i] = true;
            f.waived = Some(Waived {
                waiver: valid[i].record.id.clone(),
                reason: valid[i].reason.to_owned(),
            });
        }
    }
    for (w, used) in valid.iter().zip(used) {
        if used {
            continue;
        }
        let known = set.rules().iter().any(|r| r.id == w.rule) || super::codes::find(w.rule).is_some();
        let (msg, pointer) = if known {
            let msg = format!(
                "Waiver {} silences nothing: there is no `{}` finding about {}",
                w.record.id,
                w.rule,
                w.targets()
            );
            (msg, "/records")
        } else {
            let msg = format!(
                "Waiver {} names rule `{}`, which is not enabled, so it silences nothing",
                w.record.id, w.rule
            );
            (msg, "/rule")
        };
        let help = "Delete the waiver, or correct its `rule` and `records`.";
        own.extend(finding(set, UNUSED, w.record, msg, pointer, help));
    }
    findings.extend(own);
}

/// Whether a finding of this rule or code may be silenced by a waiver.
fn waivable(rule: &str) -> bool {
    !(rule == "config" || rule == "parse" || rule.starts_with("waiver/"))
}

fn finding(set: &RuleSet, code: &str, record: &Record, message: String, pointer: &str, help: &str) -> Option<Finding> {
    let severity = set.code_severity(code, Severity::Warning)?;
    Some(record.finding(code, severity, message, pointer).with_help(help))
}
