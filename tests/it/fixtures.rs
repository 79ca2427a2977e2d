//! The sample repositories of `fixtures/repos/`, copied into temporary
//! folders (and given a real git history where rules need one): exit codes
//! and snapshots of the JSON and human reports.

use crate::support::Repo;

const TODAY: &str = "2026-11-15";

/// A report with the machine-dependent parts (none today) left as they are:
/// paths are repository-relative, so snapshots hold across machines.
fn check(repo: &Repo, format: &str) -> (i32, String) {
    let out = repo.govlint(&["check", "--format", format, "--today", TODAY]);
    (out.code, out.stdout)
}

/// The clean fixture with a history in which top management (Jane Doe, the
/// committer) approves everything that needs approving.
fn clean_with_history() -> Repo {
    let repo = Repo::fixture("clean");
    repo.init();
    repo.commit(
        "ISMS records\n\nApproved-by: Jane Doe <jane.doe@example.com>",
        ("Jane Doe", "jane.doe@example.com"),
        "2026-10-02T10:00:00Z",
    )
    .allow_empty()
    .run();
    repo
}

#[test]
fn clean_fixture_with_approvals_is_clean() {
    let repo = clean_with_history();
    let (code, json) = check(&repo, "json");
    assert_eq!(code, 0, "{json}");
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(
        (
            v["summary"]["errors"].as_u64(),
            v["summary"]["warnings"].as_u64()
        ),
        (Some(0), Some(0)),
        "{json}"
    );
    assert_eq!(v["summary"]["waived"], 1, "{json}");
    insta::assert_snapshot!(json);
    let (code, human) = check(&repo, "human");
    assert_eq!(code, 0);
    insta::assert_snapshot!(human);
}

#[test]
fn clean_fixture_without_history_needs_approvals() {
    let repo = Repo::fixture("clean");
    repo.init();
    let (code, json) = check(&repo, "json");
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    let rules: std::collections::BTreeSet<&str> = v["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["rule"].as_str())
        .collect();
    // Only the approval rules, the unapproved waiver and the finding it would
    // silence: loading, schemas and the other rules find nothing.
    assert_eq!(
        rules.into_iter().collect::<Vec<_>>(),
        [
            "iso27001/management-review-approval",
            "iso27001/policy-approval",
            "iso27001/resource-allocation-approval",
            "iso27001/risk-acceptance-approved",
            "iso27001/risk-method-approval",
            "iso27001/role-responsibilities",
            "iso27001/scope-approval",
            "iso27001/soa-approval",
            "waiver/unapproved",
        ]
    );
}

/// A broken fixture (no rule packs) in a fresh git repository: exit 1, and
/// snapshots of both reports.
fn broken(name: &str) -> (String, String) {
    let repo = Repo::fixture(name);
    repo.init();
    let (code, json) = check(&repo, "json");
    assert_eq!(code, 1, "{json}");
    let (_, human) = check(&repo, "human");
    (json, human)
}

#[test]
fn broken_schema_fixture() {
    let (json, human) = broken("broken-schema");
    insta::assert_snapshot!(json);
    insta::assert_snapshot!(human);
}

#[test]
fn broken_yaml_fixture() {
    let (json, human) = broken("broken-yaml");
    insta::assert_snapshot!(json);
    insta::assert_snapshot!(human);
}

#[test]
fn bad_config_fixture_exits_two() {
    let repo = Repo::fixture("bad-config");
    let out = repo.govlint(&["check", "--today", TODAY]);
    assert_eq!(out.code, 2, "{out:?}");
    insta::assert_snapshot!(out.stderr);
}
