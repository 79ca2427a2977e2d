//! 9–12: merges, renames, .mailmap, forges, unknown approvers.

use super::support::*;
use crate::support::diagnostics;

#[test]
fn an_approval_on_a_branch_merged_with_no_ff_counts() {
    let repo = isms(&standard_rules());
    repo.git(&["checkout", "-q", "-b", "approve-policy"]);
    repo.write(POLICY, &policy("1.1", ""));
    let approval = commit(&repo, "Approve policy 1.1", JANE, "2026-10-01")
        .trailer(JANE.approved_by())
        .run();
    repo.git(&["checkout", "-q", "main"]);
    repo.write("roles/legal.yaml", "kind: Role\nid: legal\nname: Legal\n");
    commit(&repo, "Add the legal role", CLERK, "2026-10-02").run();
    git_as(
        &repo,
        CLERK,
        "2026-10-03",
        &[
            "merge",
            "-q",
            "--no-ff",
            "-m",
            "Merge approve-policy",
            "approve-policy",
        ],
    );
    assert_eq!(
        repo.git(&["rev-list", "--count", "--merges", "HEAD"])
            .trim(),
        "1"
    );
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 0, "{json:#}");
    passes(&json, RULE);
    assert_eq!(events(&log_json(&repo))[0]["commit"], approval.as_str());
}

#[test]
fn a_merge_carrying_the_approval_approves_what_it_brings_in() {
    let four_eyes = rules(&[(
        RULE,
        assertion(
            "approved",
            "unchanged: true, strength: self, four_eyes: true",
        ),
    )]);
    let repo = isms(&four_eyes);
    repo.git(&["checkout", "-q", "-b", "policy-1.1"]);
    repo.write(POLICY, &policy("1.1", ""));
    commit(&repo, "Policy 1.1", CLERK, "2026-10-01").run();
    repo.git(&["checkout", "-q", "main"]);
    repo.write("roles/legal.yaml", "kind: Role\nid: legal\nname: Legal\n");
    commit(&repo, "Add the legal role", CLERK, "2026-10-02").run();
    let (_, json) = check(&repo, &[]);
    fails_with(&json, RULE, "git holds no approval of it");
    git_as(
        &repo,
        JANE,
        "2026-10-03",
        &[
            "merge",
            "-q",
            "--no-ff",
            "-m",
            &format!("Merge policy 1.1\n\n{}", JANE.approved_by()),
            "policy-1.1",
        ],
    );
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 0, "{json:#}");
    let trail = log_json(&repo);
    assert_eq!(events(&trail)[0]["strength"], "self", "{trail:#}");
    assert_eq!(
        events(&trail)[0]["commit"],
        head(&repo).as_str(),
        "{trail:#}"
    );
}

#[test]
fn history_follows_a_renamed_policy() {
    let repo = isms(&standard_rules());
    let created = head(&repo);
    let approval = approve_policy_1_1(&repo);
    let renamed = "policies/security-policy.md";
    repo.git(&["mv", POLICY, renamed]);
    let moved = commit(&repo, "Rename the policy", CLERK, "2026-10-05").run();
    // The approval before the rename binds to the same bytes.
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 0, "{json:#}");

    repo.write(
        renamed,
        &policy("1.1", "- Printers are wiped before disposal.\n"),
    );
    let edited = commit(&repo, "Add a clause", CLERK, "2026-10-06").run();
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    let f = diagnostics(&json, RULE);
    assert_eq!(f.len(), 1, "{json:#}");
    assert_eq!(f[0]["file"], renamed);
    assert!(
        message(f[0]).contains(&format!(
            "the record has changed since its last approval (by jane in commit {}",
            short(&approval)
        )),
        "{json:#}"
    );

    let trail = log_json(&repo);
    let changes: Vec<&str> = trail["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| c["commit"].as_str().expect("commit"))
        .collect();
    assert_eq!(changes, [&edited, &moved, &approval, &created], "{trail:#}");
    assert_eq!(trail["changes"][1]["change"], "renamed");
    assert_eq!(trail["changes"][1]["from"], POLICY);
    assert_eq!(trail["changes"][2]["path"], POLICY);
}

#[test]
fn mailmap_resolves_the_person_but_never_raises_strength() {
    let repo = isms(&strength_rules());
    let old = Who {
        name: "J. Doe",
        email: "jdoe@old.example",
    };
    repo.write(
        ".mailmap",
        &format!("{} <{}> <{}>\n", JANE.name, JANE.email, old.email),
    );
    commit(&repo, "Map Jane's old address", CLERK, "2026-09-01").run();
    repo.write(POLICY, &policy("1.1", ""));
    commit(&repo, "Approve policy 1.1", old, "2026-10-01")
        .trailer(old.approved_by())
        .run();
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    assert!(
        diagnostics(&json, "history/unknown-approver").is_empty(),
        "{json:#}"
    );
    passes(&json, "acme/approved-claimed");
    fails_with(
        &json,
        "acme/approved-self",
        "counts only as `claimed`, and at least `self` is required",
    );

    let trail = log_json(&repo);
    let event = &events(&trail)[0];
    assert_eq!(event["person"], "jane", "{trail:#}");
    assert_eq!(event["email"], JANE.email, "{trail:#}");
    assert_eq!(event["strength"], "claimed", "{trail:#}");
}

#[test]
fn a_forge_commit_is_only_claimed_and_the_log_says_so() {
    let repo = isms(&strength_rules());
    repo.write(POLICY, &policy("1.1", ""));
    let merged = commit(&repo, "Approve policy 1.1 (#12)", JANE, "2026-10-01")
        .committer(FORGE)
        .trailer(JANE.approved_by())
        .run();
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    passes(&json, "acme/approved-claimed");
    fails_with(
        &json,
        "acme/approved-self",
        "counts only as `claimed`, and at least `self` is required",
    );

    let trail = log_json(&repo);
    let event = &events(&trail)[0];
    assert_eq!(event["commit"], merged.as_str());
    assert_eq!(event["strength"], "claimed");
    assert!(
        event["note"]
            .as_str()
            .is_some_and(|n| n.contains("made by a forge")),
        "{trail:#}"
    );
}

#[test]
fn a_trailer_email_matching_no_person_is_an_unknown_approver() {
    let repo = isms(&standard_rules());
    let eve = Who {
        name: "Eve Outsider",
        email: "eve@elsewhere.example",
    };
    let approval = commit(&repo, "Approve POL-IS-001", eve, "2026-10-01")
        .empty()
        .trailer("Approves: POL-IS-001")
        .trailer(eve.approved_by())
        .run();
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    let found = diagnostics(&json, "history/unknown-approver");
    assert_eq!(found.len(), 1, "{json:#}");
    let f = found[0];
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["record"], POLICY_ID, "{f:#}");
    assert_eq!(f["file"], POLICY, "{f:#}");
    let text = message(f);
    assert!(text.contains("eve@elsewhere.example"), "{text}");
    assert!(text.contains(&approval[..10]), "{text}");
    fails_with(&json, RULE, "and that email matches no Person record");

    // A trailer on a commit that changes the policy is placed there too.
    let repo = isms(&standard_rules());
    repo.write(POLICY, &policy("1.1", ""));
    commit(&repo, "Approve policy 1.1", CLERK, "2026-10-01")
        .trailer(eve.approved_by())
        .run();
    let (_, json) = check(&repo, &[]);
    let found = diagnostics(&json, "history/unknown-approver");
    assert_eq!(found.len(), 1, "{json:#}");
    assert_eq!(found[0]["record"], POLICY_ID, "{json:#}");
    assert_eq!(found[0]["file"], POLICY, "{json:#}");
}
