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

use crate::finding::{Code, Finding, Waived};
use crate::record::Record;
use crate::time::parse_date;

use super::assert::approval::Approved;
use super::assert::{join_details, Subject};
use super::{Context, RuleSet};

pub(crate) const KIND: &str = "Waiver";

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
            own.extend(finding(
                set,
                Code::WaiverExpired,
                record,
                msg,
                "/expires",
                help,
            ));
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
        if let Some(mut f) = finding(set, Code::WaiverUnapproved, record, msg, "", &help) {
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
        let known = set.rules().iter().any(|r| r.id == w.rule) || Code::from_id(w.rule).is_some();
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
        own.extend(finding(
            set,
            Code::WaiverUnused,
            w.record,
            msg,
            pointer,
            help,
        ));
    }
    findings.extend(own);
}

/// Whether a finding of this rule or code may be silenced by a waiver.
fn waivable(rule: &str) -> bool {
    Code::from_id(rule).is_none_or(Code::waivable)
}

fn finding(
    set: &RuleSet,
    code: Code,
    record: &Record,
    message: String,
    pointer: &str,
    help: &str,
) -> Option<Finding> {
    let severity = set.code_severity(code)?;
    Some(
        record
            .finding(code.id(), severity, message, pointer)
            .with_help(help),
    )
}

#[cfg(test)]
mod tests {
    use super::super::testing::{approval, load_ok, records, today, FakeEvidence};
    use super::super::{Context, Level, NoHistory, RuleSet};
    use crate::finding::{Code, Finding, Severity};
    use crate::record::RecordSet;

    const RULES: &str = "\
rules:
  - id: acme/objective-owner
    severity: error
    message: Objective {{id}} has no owner
    for: { kind: Objective }
    check:
      - { field: /owner, required: true }
";

    fn repo(expires: &str, rule: &str, records_: &str) -> RecordSet {
        records(
            "repo.yaml",
            &format!(
                "kind: Objective\nid: O-1\n---\nkind: Objective\nid: O-2\nowner: P-JANE\n---\n\
                 kind: Role\nid: R-TOP\n---\nkind: Person\nid: P-JANE\nemail: jane@acme.example\nroles: [R-TOP]\n---\n\
                 kind: Waiver\nid: W-1\nrule: {rule}\nrecords: {records_}\nreason: Owner being hired\nexpires: {expires}\napprover: R-TOP\n"
            ),
        )
    }

    fn approved(set: &RecordSet) -> FakeEvidence {
        let mut ev = FakeEvidence::default();
        ev.approvals.insert(
            "W-1".to_owned(),
            vec![approval(set, "P-JANE", "2026-10-01")],
        );
        ev
    }

    fn run(rules: &RuleSet, set: &RecordSet, ev: &dyn super::super::Evidence) -> Vec<Finding> {
        rules.evaluate(&Context::new(set, today(), ev))
    }

    fn codes(findings: &[Finding]) -> Vec<(&str, Option<&str>, bool)> {
        findings
            .iter()
            .map(|f| (f.rule.as_str(), f.record.as_deref(), f.waived.is_some()))
            .collect()
    }

    #[test]
    fn an_approved_unexpired_waiver_silences_but_keeps_the_finding() {
        let rules = load_ok(RULES);
        // The expiry date itself still counts.
        let set = repo("2026-11-15", "acme/objective-owner", "[O-1]");
        let f = run(&rules, &set, &approved(&set));
        assert_eq!(codes(&f), [("acme/objective-owner", Some("O-1"), true)]);
        let waived = f[0].waived.as_ref().unwrap();
        assert_eq!(
            (waived.waiver.as_str(), waived.reason.as_str()),
            ("W-1", "Owner being hired")
        );
        assert!(!f[0].is_active());
    }

    #[test]
    fn without_history_a_waiver_is_unapproved_and_silences_nothing() {
        let rules = load_ok(RULES);
        let set = repo("2026-12-31", "acme/objective-owner", "[O-1]");
        let f = run(&rules, &set, &NoHistory);
        assert_eq!(
            codes(&f),
            [
                ("acme/objective-owner", Some("O-1"), false),
                (Code::WaiverUnapproved.id(), Some("W-1"), false)
            ]
        );
        assert_eq!(f[1].severity, Severity::Warning);
        assert!(
            f[1].message.contains("git holds no approval of it"),
            "{}",
            f[1].message
        );

        // Approved by someone outside the role: still unapproved.
        let mut ev = FakeEvidence::default();
        let mut a = approval(&set, "P-JANE", "2026-10-01");
        a.roles = vec!["R-OPS".to_owned()];
        ev.approvals.insert("W-1".to_owned(), vec![a]);
        let f = run(&rules, &set, &ev);
        assert!(
            f[1].message.contains("was not in role `R-TOP` then"),
            "{}",
            f[1].message
        );

        // Changed since approval (e.g. `expires` extended): unapproved.
        let mut ev = approved(&set);
        ev.approvals.get_mut("W-1").unwrap()[0].unchanged = false;
        assert_eq!(run(&rules, &set, &ev)[1].rule, Code::WaiverUnapproved.id());
    }

    #[test]
    fn an_expired_waiver_is_reported_at_expires() {
        let rules = load_ok(RULES);
        let set = repo("2026-11-14", "acme/objective-owner", "[O-1]");
        let f = run(&rules, &set, &approved(&set));
        assert_eq!(
            codes(&f),
            [
                ("acme/objective-owner", Some("O-1"), false),
                (Code::WaiverExpired.id(), Some("W-1"), false)
            ]
        );
        assert_eq!(f[1].pointer.as_deref(), Some("/expires"));
        assert_eq!(f[1].location.as_ref().map(|l| l.line), Some(21));
    }

    #[test]
    fn unused_waivers_and_overrides() {
        let rules = load_ok(RULES);
        let set = repo("2026-12-31", "acme/objective-owner", "[O-2]");
        let f = run(&rules, &set, &approved(&set));
        assert_eq!(
            codes(&f),
            [
                ("acme/objective-owner", Some("O-1"), false),
                (Code::WaiverUnused.id(), Some("W-1"), false)
            ]
        );
        assert_eq!(f[1].pointer.as_deref(), Some("/records"));

        let set = repo("2026-12-31", "acme/no-such-rule", "[O-1]");
        let f = run(&rules, &set, &approved(&set));
        assert_eq!(f[1].pointer.as_deref(), Some("/rule"));
        assert!(f[1].message.contains("not enabled"), "{}", f[1].message);

        let file = std::sync::Arc::new(crate::source::SourceFile::new("rules/acme.yaml", RULES));
        let mut o = std::collections::BTreeMap::new();
        o.insert(Code::WaiverUnused.id().to_owned(), Level::Off);
        let quiet = RuleSet::load(&[], &[file], &o).unwrap();
        assert_eq!(run(&quiet, &set, &approved(&set)).len(), 1);
    }

    #[test]
    fn waivers_apply_to_other_findings_but_not_to_config() {
        let rules = load_ok(RULES);
        let set = repo("2026-12-31", "schema", "O-1");
        let o1 = set.get("O-1").unwrap();
        let schema = o1.finding(Code::Schema.id(), Severity::Error, "bad", "/id");
        let config = o1.finding(Code::Config.id(), Severity::Error, "bad", "/id");
        let ev = approved(&set);
        let f = rules.evaluate_with(&Context::new(&set, today(), &ev), vec![schema, config]);
        assert_eq!(
            codes(&f),
            [
                (Code::Schema.id(), Some("O-1"), true),
                (Code::Config.id(), Some("O-1"), false),
                ("acme/objective-owner", Some("O-1"), false)
            ]
        );
    }
}
