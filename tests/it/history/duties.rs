//! 13–14: segregation of duties, roles in time.

use super::support::*;

#[test]
fn four_eyes_rejects_an_approval_by_the_changes_author() {
    let four_eyes = rules(&[(
        RULE,
        assertion(
            "approved",
            "unchanged: true, strength: self, four_eyes: true",
        ),
    )]);
    let repo = isms(&four_eyes);
    repo.write(POLICY, &policy("1.1", ""));
    commit(&repo, "Approve my own policy", JANE, "2026-10-01")
        .trailer(JANE.approved_by())
        .run();
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    fails_with(
        &json,
        RULE,
        "is by the change's own author (jane@acme.example); four-eyes needs someone else",
    );

    // Written by the clerk, approved by Jane: four eyes.
    let repo = isms(&four_eyes);
    repo.write(POLICY, &policy("1.1", ""));
    commit(&repo, "Policy 1.1", CLERK, "2026-09-20").run();
    commit(&repo, "Approve POL-IS-001", JANE, "2026-10-01")
        .empty()
        .trailer("Approves: POL-IS-001")
        .trailer(JANE.approved_by())
        .run();
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 0, "{json:#}");
}

#[test]
fn count_two_needs_two_distinct_members_of_the_role() {
    let repo = isms(&rules(&[(
        RULE,
        assertion("approved", "unchanged: true, strength: self, count: 2"),
    )]));
    let approve = |who: Who, day: &str| {
        commit(&repo, "Approve POL-IS-001", who, day)
            .empty()
            .trailer("Approves: POL-IS-001")
            .trailer(who.approved_by())
            .run()
    };
    approve(JANE, "2026-10-01");
    approve(JANE, "2026-10-02");
    approve(BOB, "2026-10-03");
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    fails_with(
        &json,
        RULE,
        "only 1 of the 2 distinct people required from role `top-management` qualify: jane",
    );

    approve(CAROL, "2026-10-04");
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 0, "{json:#}");
}

#[test]
fn a_person_who_joined_the_role_after_approving_does_not_count() {
    let repo = isms(&standard_rules());
    repo.write("people/bob.yaml", &person("bob", BOB, "[operations]"));
    let approval = commit(&repo, "Approve POL-IS-001", BOB, "2026-10-01")
        .empty()
        .trailer("Approves: POL-IS-001")
        .trailer(BOB.approved_by())
        .run();
    repo.write(
        "people/bob.yaml",
        &person("bob", BOB, "[operations, top-management]"),
    );
    commit(&repo, "Bob joins top management", CLERK, "2026-10-05").run();
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
    let trail = log_json(&repo);
    assert_eq!(
        events(&trail)[0]["roles"],
        serde_json::json!(["operations"])
    );
}

#[test]
fn a_person_who_left_the_role_after_approving_still_counts() {
    let repo = isms(&standard_rules());
    commit(&repo, "Approve POL-IS-001", JANE, "2026-10-01")
        .empty()
        .trailer("Approves: POL-IS-001")
        .trailer(JANE.approved_by())
        .run();
    repo.write("people/jane.yaml", &person("jane", JANE, "[]"));
    commit(&repo, "Jane leaves top management", CLERK, "2026-10-05").run();
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 0, "{json:#}");
}

#[test]
fn a_person_whose_file_moved_after_approving_keeps_the_role_they_had() {
    let repo = isms(&standard_rules());
    commit(&repo, "Approve POL-IS-001", JANE, "2026-10-01")
        .empty()
        .trailer("Approves: POL-IS-001")
        .trailer(JANE.approved_by())
        .run();
    std::fs::create_dir_all(repo.path().join("people/board")).expect("mkdir");
    repo.git(&["mv", "people/jane.yaml", "people/board/jane.yaml"]);
    commit(&repo, "Sort people by team", CLERK, "2026-10-05").run();
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 0, "{json:#}");
    let trail = log_json(&repo);
    assert_eq!(
        events(&trail)[0]["roles"],
        serde_json::json!(["top-management"])
    );
}
