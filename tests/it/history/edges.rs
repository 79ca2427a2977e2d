//! 16–18: empty repositories, detached HEAD, waivers, staged edits.

use serde_json::Value;

use super::support::*;
use crate::support::{diagnostics, Repo};

#[test]
fn an_empty_repository_is_never_approved() {
    let repo = Repo::new();
    repo.init();
    write_isms(&repo, &standard_rules());
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    fails_with(&json, RULE, "git holds no approval of it");

    let out = govlint(repo.path(), &["log", POLICY_ID, "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let trail: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(trail["changes"], serde_json::json!([]));
    assert_eq!(trail["events"], serde_json::json!([]));
}

#[test]
fn a_detached_head_is_checked_from_its_own_history() {
    let repo = isms(&standard_rules());
    repo.git(&["checkout", "-q", "--detach"]);
    approve_policy_1_1(&repo);
    assert!(repo.git(&["branch", "--show-current"]).trim().is_empty());
    let (code, json) = check(&repo, &[]);
    assert_eq!(
        code, 0,
        "the approval exists only on the detached HEAD: {json:#}"
    );
    // `main` lacks it.
    let (code, json) = check(&repo, &["--rev", "main"]);
    assert_eq!(code, 1, "{json:#}");
}

const WAIVER: &str = "waivers/policy-approval.yaml";

fn waiver() -> String {
    format!(
        "kind: Waiver\nid: WAIVER-1\nrule: {RULE}\nrecords: [{POLICY_ID}]\n\
         reason: The board meets in December\nexpires: 2026-12-31\napprover: top-management\n"
    )
}

#[test]
fn a_waiver_approved_by_its_approver_role_silences_the_rule() {
    let repo = isms(&standard_rules());
    repo.write(WAIVER, &waiver());
    commit(
        &repo,
        "Waive the policy approval until December",
        JANE,
        "2026-10-01",
    )
    .trailer(JANE.approved_by())
    .run();
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 0, "{json:#}");
    let f = policy_finding(&json, RULE);
    assert_eq!(f["waived"]["waiver"], "WAIVER-1", "{f:#}");
    assert_eq!(
        f["waived"]["reason"], "The board meets in December",
        "{f:#}"
    );
    assert!(
        diagnostics(&json, "waiver/unapproved").is_empty(),
        "{json:#}"
    );
    assert_eq!(json["summary"]["errors"], 0, "{json:#}");
}

#[test]
fn a_waiver_edited_after_its_approval_silences_nothing() {
    let repo = isms(&standard_rules());
    repo.write(WAIVER, &waiver());
    let approval = commit(&repo, "Waive the policy approval", JANE, "2026-10-01")
        .trailer(JANE.approved_by())
        .run();
    repo.write(WAIVER, &waiver().replace("2026-12-31", "2027-06-30"));
    commit(&repo, "Extend the waiver", CLERK, "2026-10-02").run();
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    assert!(policy_finding(&json, RULE)["waived"].is_null(), "{json:#}");
    let unapproved = diagnostics(&json, "waiver/unapproved");
    assert_eq!(unapproved.len(), 1, "{json:#}");
    assert!(
        message(unapproved[0]).contains(&format!(
            "the record has changed since its last approval (by jane in commit {}",
            short(&approval)
        )),
        "{json:#}"
    );
}

#[test]
fn a_waiver_approved_by_someone_outside_its_role_silences_nothing() {
    let repo = isms(&standard_rules());
    repo.write(WAIVER, &waiver());
    commit(
        &repo,
        "Waive the policy approval until December",
        BOB,
        "2026-10-01",
    )
    .trailer(BOB.approved_by())
    .run();
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    let f = policy_finding(&json, RULE);
    assert!(f["waived"].is_null(), "{f:#}");
    let unapproved = diagnostics(&json, "waiver/unapproved");
    assert_eq!(unapproved.len(), 1, "{json:#}");
    assert_eq!(unapproved[0]["record"], "WAIVER-1");
    assert_eq!(unapproved[0]["file"], WAIVER);
    assert_eq!(unapproved[0]["line"], 1);
    assert!(
        message(unapproved[0]).contains("was not in role `top-management` then"),
        "{json:#}"
    );
}

#[test]
fn a_staged_edit_to_an_approved_policy_is_pending_not_failing() {
    let repo = isms(&standard_rules());
    approve_policy_1_1(&repo);
    let (code, json) = check(&repo, &["--staged"]);
    assert_eq!(code, 0, "{json:#}");
    passes(&json, RULE);

    repo.write(POLICY, &policy("1.2", ""));
    repo.git(&["add", POLICY]);
    let (code, json) = check(&repo, &["--staged"]);
    assert_eq!(
        code, 0,
        "a staged edit is never blocked for lack of approval: {json:#}"
    );
    let f = policy_finding(&json, RULE);
    assert_eq!(f["pending"], true, "{f:#}");
    assert_eq!(f["severity"], "warning", "{f:#}");
    assert!(
        message(f).contains("the record has changed since its last approval"),
        "{f:#}"
    );

    // Committed without an approval, the same edit fails.
    commit(&repo, "Policy 1.2", CLERK, "2026-10-05").run();
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    assert_eq!(policy_finding(&json, RULE)["pending"], false);
}
