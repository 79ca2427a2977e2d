//! 15: the trail.

use super::support::*;

#[test]
fn log_lists_the_same_changes_as_git_log_follow() {
    let repo = isms(&standard_rules());
    repo.write(POLICY, &policy("1.1", ""));
    let first = commit(&repo, "Approve policy 1.1", JANE, "2026-02-01")
        .trailer(JANE.approved_by())
        .run();
    repo.write("roles/legal.yaml", "kind: Role\nid: legal\nname: Legal\n");
    commit(&repo, "Add the legal role", CLERK, "2026-02-15").run();
    let second_path = "policies/is-policy.md";
    repo.git(&["mv", POLICY, second_path]);
    commit(&repo, "Rename the policy", CLERK, "2026-03-01").run();
    repo.write(second_path, &policy("1.2", "- Clean desks at night.\n"));
    let claimed = commit(
        &repo,
        "Policy 1.2, approved in the meeting",
        CLERK,
        "2026-04-01",
    )
    .trailer(JANE.approved_by())
    .run();
    let final_path = "governance/policy.md";
    std::fs::create_dir_all(repo.path().join("governance")).expect("mkdir");
    repo.git(&["mv", second_path, final_path]);
    repo.write(
        final_path,
        &policy("1.2", "- Clean desks and screens at night.\n"),
    );
    commit(
        &repo,
        "Move the policy and tidy a clause",
        CLERK,
        "2026-05-01",
    )
    .run();
    repo.write(
        final_path,
        &policy("1.3", "- Clean desks and screens at night.\n"),
    );
    commit(&repo, "Policy 1.3", CLERK, "2026-06-01").run();
    let named = commit(&repo, "Approve POL-IS-001", CAROL, "2026-07-01")
        .empty()
        .trailer("Approves: POL-IS-001")
        .trailer(CAROL.approved_by())
        .run();

    let expected: Vec<String> = repo
        .git(&["log", "--follow", "--format=%H", "--", final_path])
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(expected.len(), 6, "{expected:?}");
    let trail = log_json(&repo);
    assert_eq!(trail["record"], POLICY_ID);
    assert_eq!(trail["file"], final_path);
    let changes: Vec<&str> = trail["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| c["commit"].as_str().expect("commit"))
        .collect();
    assert_eq!(changes, expected, "{trail:#}");
    assert_eq!(trail["changes"][1]["change"], "renamed", "{trail:#}");
    assert_eq!(trail["changes"][1]["from"], second_path, "{trail:#}");

    let summary: Vec<(&str, &str, &str, &str)> = events(&trail)
        .iter()
        .map(|e| {
            (
                e["commit"].as_str().expect("commit"),
                e["kind"].as_str().expect("kind"),
                e["person"].as_str().expect("person"),
                e["strength"].as_str().expect("strength"),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (named.as_str(), "approval", "carol", "self"),
            (claimed.as_str(), "approval", "jane", "claimed"),
            (first.as_str(), "approval", "jane", "self"),
        ],
        "{trail:#}"
    );
    assert_eq!(events(&trail)[0]["unchanged"], true);
    assert_eq!(events(&trail)[1]["unchanged"], false);
}
