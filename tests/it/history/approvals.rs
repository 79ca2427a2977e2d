//! 1–3: who approved, how strongly, and how.

use super::support::*;

#[test]
fn approval_by_a_member_of_the_approver_role_counts() {
    let repo = isms(&standard_rules());
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    fails_with(&json, RULE, "git holds no approval of it");

    repo.write(POLICY, &policy("1.1", ""));
    commit(&repo, "Approve policy 1.1", JANE, "2026-10-01")
        .trailer(JANE.approved_by())
        .run();
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["diagnostics"], serde_json::json!([]), "{json:#}");
}

#[test]
fn approval_by_a_person_outside_the_approver_role_does_not_count() {
    let repo = isms(&standard_rules());
    repo.write(POLICY, &policy("1.1", ""));
    let approval = commit(&repo, "Approve policy 1.1", BOB, "2026-10-01")
        .trailer(BOB.approved_by())
        .run();
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    fails_with(
        &json,
        RULE,
        &format!(
            "the approval by bob in commit {} on 2026-10-01 does not count: bob (bob@acme.example) was not in role `top-management` then",
            short(&approval)
        ),
    );
}

#[test]
fn a_trailer_typed_by_someone_else_is_only_claimed() {
    let repo = isms(&strength_rules());
    repo.write(POLICY, &policy("1.1", ""));
    commit(
        &repo,
        "Policy 1.1, approved by Jane in the meeting",
        CLERK,
        "2026-10-01",
    )
    .trailer(JANE.approved_by())
    .run();
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    passes(&json, "acme/approved-claimed");
    fails_with(
        &json,
        "acme/approved-self",
        "counts only as `claimed`, and at least `self` is required: the trailer was committed by",
    );
    fails_with(
        &json,
        "acme/approved-signed",
        "counts only as `claimed`, and at least `signed` is required",
    );

    let trail = log_json(&repo);
    let event = &events(&trail)[0];
    assert_eq!(event["strength"], "claimed", "{trail:#}");
    assert_eq!(event["person"], "jane", "{trail:#}");
    assert!(
        event["note"]
            .as_str()
            .is_some_and(|n| n.contains("committed by Test Author <author@acme.example>")),
        "{trail:#}"
    );
}

#[test]
fn an_empty_approval_commit_counts() {
    let repo = isms(&standard_rules());
    let approval = commit(&repo, "Approve POL-IS-001", JANE, "2026-10-01")
        .empty()
        .trailer("Approves: POL-IS-001")
        .trailer(JANE.approved_by())
        .run();
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 0, "{json:#}");
    passes(&json, RULE);

    let trail = log_json(&repo);
    let event = &events(&trail)[0];
    assert_eq!(event["commit"], approval.as_str());
    assert_eq!(event["via"], "named");
    assert_eq!(event["unchanged"], true);
}

#[test]
fn a_review_counts_for_reviewed_but_not_for_approved() {
    let repo = isms(&rules(&[
        (
            "acme/policy-approved",
            assertion("approved", "unchanged: true, strength: self"),
        ),
        (
            "acme/policy-reviewed",
            assertion("reviewed", "unchanged: true, strength: self"),
        ),
    ]));
    commit(&repo, "Review POL-IS-001", JANE, "2026-10-01")
        .empty()
        .trailer("Reviews: POL-IS-001")
        .trailer(JANE.reviewed_by())
        .run();
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    passes(&json, "acme/policy-reviewed");
    fails_with(&json, "acme/policy-approved", "git holds no approval of it");

    // `Reviewed-by` without `Reviews:` on a commit that changes nothing
    // reaches no record.
    let repo = isms(&rules(&[(
        "acme/policy-reviewed",
        assertion("reviewed", "unchanged: true, strength: self"),
    )]));
    commit(&repo, "Looked at things", JANE, "2026-10-01")
        .empty()
        .trailer(JANE.reviewed_by())
        .run();
    let (_, json) = check(&repo, &[]);
    fails_with(
        &json,
        "acme/policy-reviewed",
        "git holds no review or approval of it",
    );
}
