//! Witnesses (SPEC 2.4) and pull-request approvals (2.5), end to end:
//! witness tags made with `git tag -s` (gpg.format=ssh) and ssh-keygen
//! keys, checked with the real `govlint check` and `govlint log`.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::support::*;
use crate::support::{diagnostics, govlint_env, Repo};

const CI_PRINCIPAL: &str = "ci-witness@acme.example";
const CI: Who = Who {
    name: "CI",
    email: "ci@acme.example",
};

/// The ISMS with `trust.witnesses` set, and the allowed-signers file
/// (committed 2025-06-03) listing the CI key for the witness principal and
/// Jane's key for Jane. Returns the repo and the CI and Jane keys.
fn witnessed_isms(rules: &str) -> (Repo, PathBuf, PathBuf) {
    let repo = isms(rules);
    repo.write(
        "govlint.yaml",
        &format!("version: 1\npacks: []\ntrust:\n  witnesses: [{CI_PRINCIPAL}]\n"),
    );
    let (ci, ci_public) = keygen(&repo, "ci");
    let (jane, jane_public) = keygen(&repo, "jane");
    commit_signers(
        &repo,
        &format!("{CI_PRINCIPAL} {ci_public}\n{} {jane_public}\n", JANE.email),
        "2025-06-03",
    );
    (repo, ci, jane)
}

/// `git tag -s NAME` at HEAD, by CI at 10:00 UTC on `day`, with `message`.
fn tag_signed(repo: &Repo, key: &Path, name: &str, day: &str, message: &str) {
    let signing = format!("user.signingkey={}", key.display());
    git_as(
        repo,
        CI,
        day,
        &[
            "-c",
            "gpg.format=ssh",
            "-c",
            &signing,
            "tag",
            "-s",
            "-m",
            message,
            name,
        ],
    );
}

fn witness(repo: &Repo, key: &Path, n: u32, day: &str) {
    tag_signed(
        repo,
        key,
        &format!("govlint/witness/{n}"),
        day,
        "govlint witness",
    );
}

/// The policy's approval rules: with claimed time, with witnessed time,
/// and with the default (`auto`).
fn timed_rules() -> String {
    rules(&[
        (
            "acme/claimed",
            assertion("approved", "unchanged: true, time: claimed"),
        ),
        (
            "acme/witnessed",
            assertion("approved", "unchanged: true, time: witnessed"),
        ),
        (RULE, assertion("approved", "unchanged: true")),
    ])
}

fn policy_event(repo: &Repo) -> Value {
    let trail = log_json(repo);
    trail["events"][0].clone()
}

#[test]
fn a_witness_gives_the_approval_its_window_and_the_log_shows_it() {
    let (repo, ci, _) = witnessed_isms(&timed_rules());
    witness(&repo, &ci, 1, "2026-09-01");
    approve_policy_1_1(&repo);
    witness(&repo, &ci, 2, "2026-10-02");
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["diagnostics"], json!([]), "{json:#}");
    let event = policy_event(&repo);
    assert_eq!(event["time"], "2026-10-01T10:00:00Z", "{event:#}");
    assert_eq!(
        event["landing"],
        json!({"after": "2026-09-01T10:00:00Z", "before": "2026-10-02T10:00:00Z", "witness": "govlint/witness/2"}),
        "{event:#}"
    );
    let text = govlint(repo.path(), &["log", POLICY_ID]);
    assert!(
        text.stdout.contains(
            "claimed 2026-10-01T10:00:00Z, landed 2026-09-01T10:00:00Z … 2026-10-02T10:00:00Z (witness govlint/witness/2)"
        ),
        "{}",
        text.stdout
    );
}

#[test]
fn an_unwitnessed_approval_counts_only_for_claimed_time() {
    let (repo, ci, _) = witnessed_isms(&timed_rules());
    witness(&repo, &ci, 1, "2026-09-01");
    approve_policy_1_1(&repo);
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    passes(&json, "acme/claimed");
    fails_with(&json, "acme/witnessed", "is not witnessed");
    // `auto` is witnessed time, since govlint.yaml lists witnesses.
    fails_with(&json, RULE, "is not witnessed");
    assert_eq!(policy_event(&repo)["landing"], Value::Null);
}

#[test]
fn an_annual_review_fails_when_its_window_lies_outside_the_interval() {
    let (repo, ci, _) = witnessed_isms(&timed_rules());
    // The last witness before the approval is from 2025-09-01: the approval
    // claims 2026-10-01 (inside P12M of 2026-11-15), but nothing shows it
    // was not made before 2025-11-15.
    witness(&repo, &ci, 1, "2025-09-01");
    approve_policy_1_1(&repo);
    witness(&repo, &ci, 2, "2026-10-05");
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    passes(&json, "acme/claimed");
    fails_with(
        &json,
        "acme/witnessed",
        "claims 2026-10-01 but landed between 2025-09-01 and 2026-10-05 (witness govlint/witness/2), longer ago than its interval P12M",
    );
    fails_with(&json, RULE, "landed between 2025-09-01 and 2026-10-05");
}

#[test]
fn a_first_witness_after_the_approval_leaves_it_without_an_after_bound() {
    let (repo, ci, _) = witnessed_isms(&timed_rules());
    approve_policy_1_1(&repo);
    witness(&repo, &ci, 1, "2026-10-02");
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    passes(&json, "acme/claimed");
    fails_with(
        &json,
        "acme/witnessed",
        "landed before the first witness (govlint/witness/1, 2026-10-02), so nothing shows it was given within P12M: approve it again now that witnessing runs",
    );
    assert_eq!(
        policy_event(&repo)["landing"],
        json!({"after": null, "before": "2026-10-02T10:00:00Z", "witness": "govlint/witness/1"})
    );
}

#[test]
fn a_commit_dated_after_its_witness_is_a_witness_conflict() {
    let (repo, ci, _) = witnessed_isms(&timed_rules());
    witness(&repo, &ci, 1, "2026-06-01");
    approve_policy_1_1(&repo); // claims 2026-10-01 ...
    witness(&repo, &ci, 2, "2026-09-15"); // ... but was witnessed by 2026-09-15
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    let f = policy_finding(&json, "history/witness-conflict");
    assert_eq!(f["severity"], "error", "{f:#}");
    let m = message(f);
    assert!(
        m.contains("claims committer time 2026-10-01 10:00:00 UTC")
            && m.contains("witness govlint/witness/2 shows it existed by 2026-09-15 10:00:00 UTC"),
        "{m}"
    );
}

#[test]
fn a_commit_dated_months_before_the_previous_witness_is_a_late_landing() {
    let (repo, ci, _) = witnessed_isms(&timed_rules());
    witness(&repo, &ci, 1, "2026-06-01");
    // Claims January, lands after the June witness.
    repo.write(POLICY, &policy("1.1", ""));
    commit(&repo, "Approve policy 1.1", JANE, "2026-01-10")
        .trailer(JANE.approved_by())
        .run();
    witness(&repo, &ci, 2, "2026-10-02");
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 0, "warnings only: {json:#}");
    let f = policy_finding(&json, "history/late-landing");
    assert_eq!(f["severity"], "warning", "{f:#}");
    let m = message(f);
    assert!(
        m.contains("claims committer time 2026-01-10 10:00:00 UTC")
            && m.contains("landed between 2026-06-01 10:00:00 UTC and 2026-10-02 10:00:00 UTC (witness govlint/witness/2)"),
        "{m}"
    );
    // Witnessed time: the window's after bound (June) is within P12M.
    passes(&json, "acme/witnessed");
}

#[test]
fn a_tag_signed_by_a_key_not_listed_for_a_witness_witnesses_nothing() {
    let (repo, _, jane) = witnessed_isms(&timed_rules());
    approve_policy_1_1(&repo);
    witness(&repo, &jane, 1, "2026-10-02");
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    let found = diagnostics(&json, "history/invalid-witness");
    assert_eq!(found.len(), 1, "{json:#}");
    assert_eq!(found[0]["severity"], "warning");
    let m = message(found[0]);
    assert!(
        m.contains("tag govlint/witness/1")
            && m.contains("lists for jane@acme.example, not for a principal in trust.witnesses (ci-witness@acme.example)"),
        "{m}"
    );
    fails_with(&json, RULE, "is not witnessed");
    assert_eq!(policy_event(&repo)["landing"], Value::Null);
}

/// The witness note of a merged pull request: Jane's approving review 1234
/// of the policy as it is at HEAD.
fn attesting_note(repo: &Repo, login: &str) -> String {
    let head = head(repo);
    let blob = repo.git(&["rev-parse", &format!("HEAD:{POLICY}")]);
    format!(
        "govlint witness of {head}\n\nThis tag states that commit {head} and all its ancestors existed\nno later than the tagger time.\n\n\
         Witnessed-commit: {head}\nPull-request: github:acme/isms#42\n\
         Attested-approval: {POLICY_ID} path={POLICY} blob={} login={login} review=1234 submitted=2026-10-01T09:00:00Z commit={head}\n",
        blob.trim()
    )
}

fn attested_rules() -> String {
    rules(&[(
        "acme/attested",
        assertion("approved", "unchanged: true, strength: attested"),
    )])
}

/// The ISMS where Jane's Person record names her GitHub login.
fn attested_isms() -> (Repo, PathBuf) {
    let (repo, ci, _) = witnessed_isms(&attested_rules());
    repo.write(
        "people/jane.yaml",
        &format!(
            "{}github: [Jane-Doe-GH, jdoe-old]\n",
            person("jane", JANE, "[top-management]")
        ),
    );
    commit(&repo, "Jane's GitHub login", CLERK, "2025-06-04").run();
    witness(&repo, &ci, 1, "2026-09-01");
    // The pull request's change, merged by the clerk: no trailer at all.
    repo.write(POLICY, &policy("1.1", ""));
    commit(&repo, "Policy 1.1 (#42)", CLERK, "2026-10-01").run();
    (repo, ci)
}

#[test]
fn a_pull_request_review_in_a_witness_is_an_attested_approval() {
    let (repo, ci) = attested_isms();
    let note = attesting_note(&repo, "jane-doe-gh");
    tag_signed(&repo, &ci, "govlint/witness/2", "2026-10-02", &note);
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["diagnostics"], json!([]), "{json:#}");
    let event = policy_event(&repo);
    assert_eq!(event["strength"], "attested", "{event:#}");
    assert_eq!(event["person"], "jane", "{event:#}");
    assert_eq!(event["via"], "pull-request", "{event:#}");
    assert_eq!(event["pull_request"], "github:acme/isms#42", "{event:#}");
    assert_eq!(event["review"], 1234, "{event:#}");
    assert_eq!(event["time"], "2026-10-01T09:00:00Z", "{event:#}");
    assert_eq!(
        event["landing"],
        json!({"after": "2026-09-01T10:00:00Z", "before": "2026-10-02T10:00:00Z", "witness": "govlint/witness/2"}),
        "{event:#}"
    );
    assert!(
        event["note"]
            .as_str()
            .is_some_and(|n| n.contains("github:acme/isms#42 review 1234")),
        "{event:#}"
    );

    // Editing the policy afterwards makes the approval stale.
    repo.write(POLICY, &policy("1.2", ""));
    commit(&repo, "Policy 1.2", CLERK, "2026-10-10").run();
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    fails_with(
        &json,
        "acme/attested",
        "the record has changed since its last approval",
    );
}

#[test]
fn a_review_by_an_unknown_login_counts_for_nobody() {
    let (repo, ci) = attested_isms();
    let note = attesting_note(&repo, "mallory");
    tag_signed(&repo, &ci, "govlint/witness/2", "2026-10-02", &note);
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    let f = policy_finding(&json, "history/unknown-approver");
    assert!(
        message(f).contains("GitHub login `mallory`, which no Person's `github` lists"),
        "{f:#}"
    );
    fails_with(&json, "acme/attested", "matches no Person record");
}

#[test]
fn the_cache_keeps_windows_and_a_new_witness_renews_them() {
    let (repo, ci, _) = witnessed_isms(&timed_rules());
    witness(&repo, &ci, 1, "2026-09-01");
    approve_policy_1_1(&repo);
    let cache = tempfile::tempdir().expect("cache dir");
    let cache_home = cache.path().to_str().expect("utf-8 path");
    let env = [("GOVLINT_NO_CACHE", "0"), ("XDG_CACHE_HOME", cache_home)];
    let run = |args: &[&str]| govlint_env(repo.path(), args, &env);
    let log = |r: &dyn Fn(&[&str]) -> crate::support::Output| -> Value {
        let out = r(&["log", POLICY_ID, "--format", "json"]);
        assert_eq!(out.code, 0, "{out:?}");
        serde_json::from_str(&out.stdout).expect("JSON")
    };
    // Cold, then warm: the same answer.
    let cold = log(&run);
    assert_eq!(cold["events"][0]["landing"], Value::Null);
    let files = std::fs::read_dir(cache.path().join("govlint/history"))
        .expect("cache written")
        .count();
    assert!(files >= 1);
    assert_eq!(log(&run), cold);
    // A new witness tag, no new commit: the cached windows are renewed.
    witness(&repo, &ci, 2, "2026-10-02");
    let warm = log(&run);
    assert_eq!(
        warm["events"][0]["landing"],
        json!({"after": "2026-09-01T10:00:00Z", "before": "2026-10-02T10:00:00Z", "witness": "govlint/witness/2"}),
        "{warm:#}"
    );
    assert_eq!(log(&run), warm);
    let out = run(&["check", "--format", "json", "--today", "2026-11-15"]);
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn the_audit_shows_windows_and_counts_unwitnessed_approvals() {
    let (repo, ci, _) = witnessed_isms(&timed_rules());
    witness(&repo, &ci, 1, "2026-09-01");
    approve_policy_1_1(&repo);
    witness(&repo, &ci, 2, "2026-10-02");
    // A review after the last witness: not witnessed yet.
    commit(&repo, "Review policy", JANE, "2026-10-20")
        .trailer(format!("Reviews: {POLICY_ID}"))
        .trailer(JANE.reviewed_by())
        .empty()
        .run();
    let audit = |format: &str| {
        let out = govlint(
            repo.path(),
            &["audit", "--format", format, "--today", "2026-11-15"],
        );
        assert!(out.code == 0 || out.code == 1, "{out:?}");
        out.stdout
    };
    let json: Value = serde_json::from_str(&audit("json")).expect("JSON");
    assert_eq!(
        json["summary"]["unwitnessed_approvals"], 1,
        "{:#}",
        json["summary"]
    );
    let landings: Vec<&Value> = json["trail"]
        .as_array()
        .expect("trail")
        .iter()
        .map(|t| &t["landing"])
        .collect();
    assert_eq!(
        landings,
        [
            &json!({"after": "2026-09-01T10:00:00Z", "before": "2026-10-02T10:00:00Z", "witness": "govlint/witness/2"}),
            &Value::Null
        ],
        "{:#}",
        json["trail"]
    );
    let md = audit("markdown");
    assert!(
        md.contains("Approvals and reviews no witness contains | 1"),
        "{md}"
    );
    assert!(
        md.contains("claimed 2026-10-01T10:00:00Z · landed 2026-09-01T10:00:00Z … 2026-10-02T10:00:00Z (witness govlint/witness/2)"),
        "{md}"
    );
    assert!(
        md.contains("claimed 2026-10-20T10:00:00Z · not witnessed"),
        "{md}"
    );
    let html = audit("html");
    assert!(
        html.contains("fill=\"#c8e1ff\""),
        "the timeline draws the window"
    );
}
