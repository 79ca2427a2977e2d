//! Tests of the `approved` / `reviewed` assertions with a fake evidence.

use super::super::super::evidence::{NoHistory, Strength};
use super::super::super::testing::{approval, check_with, records, FakeEvidence};
use crate::record::RecordSet;
use serde_json::{json, Value};

const REPO: &str = "\
kind: Policy
id: POL-1
approver: R-TOP
review_interval: P12M
---
kind: Role
id: R-TOP
top_management: true
---
kind: Person
id: P-JANE
email: jane@acme.example
roles: [R-TOP]
---
kind: Person
id: P-ANN
email: ann@acme.example
roles: [R-TOP]
---
kind: Person
id: P-BOB
email: bob@acme.example
roles: [R-OPS]
";

fn policy_rule() -> Value {
    json!({"approved": {"by": {"field": "/approver"}, "within": {"field": "/review_interval"}, "unchanged": true}})
}

fn evidence(list: Vec<super::Approval>) -> FakeEvidence {
    let mut ev = FakeEvidence::default();
    ev.approvals.insert("POL-1".to_owned(), list);
    ev
}

fn detail(set: &RecordSet, spec: Value, ev: &FakeEvidence) -> Option<String> {
    let f = check_with(set, "POL-1", spec, ev);
    assert!(f.len() <= 1, "{f:?}");
    f.first().map(|f| f.detail.clone())
}

#[test]
fn passes_with_a_qualifying_approval() {
    let set = records("r.yaml", REPO);
    let ev = evidence(vec![approval(&set, "P-JANE", "2026-03-01")]);
    assert_eq!(detail(&set, policy_rule(), &ev), None);
}

#[test]
fn says_precisely_why_it_fails() {
    let set = records("r.yaml", REPO);
    let f = check_with(&set, "POL-1", policy_rule(), &NoHistory);
    assert_eq!(f[0].detail, "git holds no approval of it");
    assert_eq!(f[0].pointer, "");

    let ev = evidence(vec![approval(&set, "P-BOB", "2026-03-01")]);
    assert_eq!(
        detail(&set, policy_rule(), &ev).as_deref(),
        Some("the approval by P-BOB in commit 0123456 on 2026-03-01 does not count: P-BOB (bob@acme.example) was not in role `R-TOP` then")
    );

    let ev = evidence(vec![approval(&set, "P-NOBODY", "2026-03-01")]);
    assert_eq!(
        detail(&set, policy_rule(), &ev).as_deref(),
        Some("the approval in commit 0123456 on 2026-03-01 is by unknown@example.org, and that email matches no Person record")
    );

    let ev = evidence(vec![approval(&set, "P-JANE", "2025-01-10")]);
    assert_eq!(
        detail(&set, policy_rule(), &ev).as_deref(),
        Some("the last approval was on 2025-01-10 (P-JANE, commit 0123456), longer ago than its interval P12M")
    );

    let mut a = approval(&set, "P-JANE", "2026-03-01");
    a.unchanged = false;
    assert_eq!(
        detail(&set, policy_rule(), &evidence(vec![a])).as_deref(),
        Some("the record has changed since its last approval (by P-JANE in commit 0123456 on 2026-03-01)")
    );

    let mut a = approval(&set, "P-JANE", "2026-03-01");
    a.strength = Strength::Claimed;
    assert_eq!(
        detail(&set, policy_rule(), &evidence(vec![a])).as_deref(),
        Some("the approval by P-JANE in commit 0123456 on 2026-03-01 counts only as `claimed`, and at least `self` is required: committed by the approver")
    );
}

#[test]
fn reports_the_approval_that_came_closest() {
    let set = records("r.yaml", REPO);
    // An old approval by the right person beats a recent one by the wrong one.
    let ev = evidence(vec![
        approval(&set, "P-JANE", "2024-05-01"),
        approval(&set, "P-BOB", "2026-10-01"),
    ]);
    assert_eq!(
        detail(&set, policy_rule(), &ev).as_deref(),
        Some("the last approval was on 2024-05-01 (P-JANE, commit 0123456), longer ago than its interval P12M")
    );
}

#[test]
fn strength_defaults_to_the_context_and_can_be_demanded() {
    let set = records("r.yaml", REPO);
    let mut a = approval(&set, "P-JANE", "2026-03-01");
    a.strength = Strength::Claimed;
    let ev = evidence(vec![a]);
    let ctx = super::super::super::Context::new(&set, super::super::super::testing::today(), &ev)
        .with_minimum_strength(Strength::Claimed);
    let rule = super::super::super::testing::compile_assertion(policy_rule());
    let checks = super::super::Checks::from_one(rule);
    let s = super::super::Subject::whole(set.get("POL-1").unwrap());
    assert!(checks.check(&s, &ctx, &checks.prepare(&ctx)).is_empty());

    let ev = evidence(vec![approval(&set, "P-JANE", "2026-03-01")]);
    let signed = json!({"approved": {"by": "R-TOP", "strength": "signed"}});
    assert_eq!(
        detail(&set, signed, &ev).as_deref(),
        Some("the approval by P-JANE in commit 0123456 on 2026-03-01 counts only as `self`, and at least `signed` is required: committed by the approver")
    );
}

#[test]
fn four_eyes_and_count() {
    let set = records("r.yaml", REPO);
    let four = json!({"approved": {"by": "R-TOP", "four_eyes": true}});
    let mut a = approval(&set, "P-JANE", "2026-03-01");
    assert_eq!(detail(&set, four.clone(), &evidence(vec![a.clone()])), None);
    a.change_author_email = Some("JANE@acme.example".to_owned());
    assert_eq!(
        detail(&set, four.clone(), &evidence(vec![a.clone()])).as_deref(),
        Some("the approval by P-JANE in commit 0123456 on 2026-03-01 is by the change's own author (JANE@acme.example); four-eyes needs someone else")
    );
    a.change_author_email = None;
    assert!(detail(&set, four, &evidence(vec![a]))
        .unwrap()
        .starts_with("four-eyes cannot be shown"));

    let two = json!({"approved": {"by": "R-TOP", "count": 2}});
    let jane = approval(&set, "P-JANE", "2026-03-01");
    let jane_again = approval(&set, "P-JANE", "2026-04-01");
    assert_eq!(
        detail(&set, two.clone(), &evidence(vec![jane.clone(), jane_again])).as_deref(),
        Some("only 1 of the 2 distinct people required from role `R-TOP` qualify: P-JANE")
    );
    let ann = approval(&set, "P-ANN", "2026-03-02");
    assert_eq!(detail(&set, two, &evidence(vec![jane, ann])), None);
}

#[test]
fn reviews_count_only_for_reviewed() {
    let set = records("r.yaml", REPO);
    let mut a = approval(&set, "P-JANE", "2026-03-01");
    a.review = true;
    let ev = evidence(vec![a]);
    assert_eq!(
        detail(&set, json!({"approved": {"by": "R-TOP"}}), &ev).as_deref(),
        Some("git holds no approval of it")
    );
    assert_eq!(
        detail(
            &set,
            json!({"reviewed": {"by": "R-TOP", "within": "P1Y"}}),
            &ev
        ),
        None
    );
    assert_eq!(
        detail(&set, json!({"reviewed": {"by": "P-JANE"}}), &ev),
        None
    );
    assert_eq!(
        detail(&set, json!({"reviewed": {"by": "P-ANN"}}), &ev).as_deref(),
        Some("the review by P-JANE in commit 0123456 on 2026-03-01 does not count: it had to be `P-ANN`")
    );
}

#[test]
fn unknown_history_and_pending_approvals() {
    let set = records("r.yaml", REPO);
    let ev = FakeEvidence {
        unknown: true,
        ..FakeEvidence::default()
    };
    let f = check_with(&set, "POL-1", policy_rule(), &ev);
    assert!(f[0].unknown);
    assert!(
        f[0].detail.contains("git history is truncated"),
        "{}",
        f[0].detail
    );

    let mut a = approval(&set, "P-JANE", "2026-03-01");
    a.pending = true;
    let f = check_with(&set, "POL-1", policy_rule(), &evidence(vec![a]));
    assert_eq!(f[0].detail, "git holds no approval of it");
    assert!(f[0].pending && !f[0].unknown);
}

#[test]
fn bad_approver_or_interval_fields_are_placed_at_the_field() {
    let set = records(
        "r.yaml",
        &REPO.replace("approver: R-TOP", "approver: P-GHOST"),
    );
    let f = check_with(&set, "POL-1", policy_rule(), &NoHistory);
    assert_eq!(f[0].pointer, "/approver");
    assert_eq!(
        f[0].detail,
        "approver `P-GHOST` names no Role or Person record"
    );
    let set = records(
        "r.yaml",
        &REPO.replace("review_interval: P12M", "review_interval: yearly"),
    );
    let f = check_with(&set, "POL-1", policy_rule(), &NoHistory);
    assert_eq!(f[0].pointer, "/review_interval");
    assert_eq!(
        f[0].detail,
        "`review_interval` is `yearly`, not an ISO 8601 duration such as P12M"
    );
    let set = records("r.yaml", &REPO.replace("approver: R-TOP\n", ""));
    let f = check_with(&set, "POL-1", policy_rule(), &NoHistory);
    assert_eq!(
        f[0].detail,
        "`approver` is missing, so nobody can approve it"
    );
}

/// `time: auto` is witnessed time exactly when the context says witnessing
/// runs; the window's *after* bound, not the claimed date, proves recency.
#[test]
fn auto_time_follows_the_configuration_and_witnessed_time_uses_the_window() {
    use super::super::super::evidence::Landing;
    let set = records("r.yaml", REPO);
    let ts = |s: &str| s.parse::<jiff::Timestamp>().expect("time");
    let mut a = approval(&set, "P-JANE", "2026-03-01");
    a.landing = Some(Landing {
        after: Some(ts("2025-01-01T00:00:00Z")),
        before: ts("2026-03-02T00:00:00Z"),
        witness: "govlint/witness/9".to_owned(),
    });
    let ev = evidence(vec![a]);
    let run = |witnessing: bool, spec: Value| {
        let ctx =
            super::super::super::Context::new(&set, super::super::super::testing::today(), &ev)
                .with_witnessing(witnessing);
        let rule = super::super::super::testing::compile_assertion(spec);
        let checks = super::super::Checks::from_one(rule);
        let s = super::super::Subject::whole(set.get("POL-1").unwrap());
        checks
            .check(&s, &ctx, &checks.prepare(&ctx))
            .into_iter()
            .map(|f| f.detail)
            .collect::<Vec<_>>()
    };
    assert!(
        run(false, policy_rule()).is_empty(),
        "claimed time: inside P12M"
    );
    let witnessed = run(true, policy_rule());
    assert_eq!(witnessed.len(), 1);
    assert!(
        witnessed[0].contains("claims 2026-03-01 but landed between 2025-01-01 and 2026-03-02 (witness govlint/witness/9)"),
        "{witnessed:?}"
    );
    let claimed =
        json!({"approved": {"by": {"field": "/approver"}, "within": "P12M", "time": "claimed"}});
    assert!(
        run(true, claimed).is_empty(),
        "time: claimed overrides auto"
    );
    // Without a window, witnessed time does not count the approval at all.
    let ev = evidence(vec![approval(&set, "P-JANE", "2026-03-01")]);
    let spec = json!({"approved": {"by": "R-TOP", "time": "witnessed"}});
    assert!(detail(&set, spec, &ev).is_some_and(|d| d.contains("is not witnessed")));
}
