//! 6–8: content, time and truncated history.

use serde_json::Value;

use super::support::*;
use crate::support::{diagnostics, Repo};

#[test]
fn an_edit_after_approval_fails_unchanged() {
    let repo = isms(&rules(&[
        (
            "acme/approved-unchanged",
            assertion("approved", "unchanged: true, strength: self"),
        ),
        (
            "acme/approved-once",
            assertion("approved", "unchanged: false, strength: self"),
        ),
    ]));
    repo.write(POLICY, &policy("1.1", ""));
    let approval = commit(&repo, "Approve policy 1.1", JANE, "2026-10-01")
        .trailer(JANE.approved_by())
        .run();
    repo.write(
        POLICY,
        &policy("1.1", "- Printers are wiped before disposal.\n"),
    );
    commit(&repo, "Add a clause", CLERK, "2026-10-05").run();
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    passes(&json, "acme/approved-once");
    fails_with(
        &json,
        "acme/approved-unchanged",
        &format!(
            "the record has changed since its last approval (by jane in commit {} on 2026-10-01)",
            short(&approval)
        ),
    );

    // An uncommitted edit in the working tree is a change too.
    repo.git(&["reset", "-q", "--hard", &approval]);
    let (code, _) = check(&repo, &[]);
    assert_eq!(code, 0);
    repo.write(POLICY, &policy("1.1", "- An uncommitted clause.\n"));
    let (_, json) = check(&repo, &[]);
    fails_with(
        &json,
        "acme/approved-unchanged",
        "the record has changed since its last approval",
    );
}

#[test]
fn a_crlf_checkout_of_an_approved_policy_is_unchanged() {
    // What Git for Windows (`core.autocrlf`) does to every text file.
    let repo = isms(&standard_rules());
    repo.write(
        ".gitattributes",
        "*.md text eol=crlf\n*.yaml text eol=crlf\n",
    );
    commit(&repo, "Check text out with CRLF", CLERK, "2026-09-01").run();
    approve_policy_1_1(&repo);
    std::fs::remove_file(repo.path().join(POLICY)).expect("rm");
    repo.git(&["checkout", "--", POLICY]);
    let bytes = std::fs::read(repo.path().join(POLICY)).expect("read");
    assert!(
        bytes.windows(2).any(|w| w == b"\r\n"),
        "checked out with CRLF"
    );
    assert!(
        repo.git(&["status", "--porcelain"]).is_empty(),
        "git sees no change"
    );
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(events(&log_json(&repo))[0]["unchanged"], true);
}

#[test]
fn an_approval_older_than_the_review_interval_is_too_old() {
    let repo = isms(&standard_rules());
    repo.write(POLICY, &policy("1.1", ""));
    commit(&repo, "Approve policy 1.1", JANE, "2025-11-01")
        .trailer(JANE.approved_by())
        .run();
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    fails_with(&json, RULE, "longer ago than its interval P12M");
}

#[test]
fn a_backdated_commit_is_flagged_and_its_approval_is_only_claimed() {
    let repo = isms(&strength_rules());
    repo.write("roles/legal.yaml", "kind: Role\nid: legal\nname: Legal\n");
    let parent = commit(&repo, "Add the legal role", CLERK, "2026-10-10").run();
    repo.write(POLICY, &policy("1.1", ""));
    let backdated = commit(&repo, "Approve policy 1.1", JANE, "2026-10-01")
        .trailer(JANE.approved_by())
        .run();
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    let flagged = diagnostics(&json, "history/non-monotonic-time");
    assert_eq!(flagged.len(), 1, "{json:#}");
    assert_eq!(flagged[0]["severity"], "warning");
    let text = message(flagged[0]);
    assert!(text.contains(&backdated[..10]), "{text}");
    assert!(text.contains(&parent[..10]), "{text}");
    assert!(text.contains("backdated"), "{text}");
    passes(&json, "acme/approved-claimed");
    fails_with(
        &json,
        "acme/approved-self",
        "counts only as `claimed`, and at least `self` is required",
    );

    // SARIF's rule table gives the code its own severity, as its result does.
    let out = govlint(
        repo.path(),
        &["check", "--format", "sarif", "--today", "2026-11-15"],
    );
    let sarif: Value = serde_json::from_str(&out.stdout).expect("SARIF is JSON");
    let run = &sarif["runs"][0];
    let rule = run["tool"]["driver"]["rules"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["id"] == "history/non-monotonic-time"))
        .expect("rule entry");
    assert_eq!(rule["defaultConfiguration"]["level"], "warning", "{rule:#}");
    let result = run["results"]
        .as_array()
        .and_then(|r| {
            r.iter()
                .find(|r| r["ruleId"] == "history/non-monotonic-time")
        })
        .expect("result");
    assert_eq!(result["level"], "warning", "{result:#}");

    let note = events(&log_json(&repo))[0]["note"].clone();
    assert!(
        note.as_str().is_some_and(|n| n.contains("backdated")),
        "{note}"
    );
}

/// A complete repository with Jane's approval, and a `--depth 1` clone of it.
fn shallow_clone() -> (Repo, Repo) {
    let origin = isms(&standard_rules());
    approve_policy_1_1(&origin);
    let clone = Repo::new();
    let url = format!("file://{}", origin.path().display());
    clone.git(&["clone", "-q", "--depth", "1", &url, "."]);
    assert!(clone.path().join(".git/shallow").exists());
    (origin, clone)
}

/// With the history truncated, the approval check is a warning saying
/// "unknown": never an error, never a pass.
fn reports_unknown(code: i32, json: &Value) {
    assert_eq!(code, 0, "{json:#}");
    let f = policy_finding(json, RULE);
    assert_eq!(f["severity"], "warning", "{f:#}");
    assert!(message(f).contains("unknown"), "{f:#}");
    assert!(message(f).contains("truncated"), "{f:#}");
    let shallow = diagnostics(json, "history/shallow");
    assert_eq!(shallow.len(), 1, "{json:#}");
    assert_eq!(shallow[0]["severity"], "warning");
    let errors: Vec<_> = json["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{json:#}");
}

#[test]
fn a_shallow_clone_stops_the_check() {
    let (origin, clone) = shallow_clone();
    let (code, _) = check(&origin, &[]);
    assert_eq!(code, 0, "the full history passes");

    let out = govlint(
        clone.path(),
        &["check", "--format", "json", "--today", "2026-11-15"],
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("truncated"), "{}", out.stderr);
    assert!(out.stderr.contains("fetch-depth: 0"), "{}", out.stderr);
}

#[test]
fn a_shallow_clone_with_allow_shallow_reports_unknown_warnings() {
    let (_origin, clone) = shallow_clone();
    let (code, json) = check(&clone, &["--allow-shallow"]);
    reports_unknown(code, &json);
}

#[test]
fn a_shallow_clone_with_history_allow_shallow_in_config_reports_unknown_warnings() {
    let (_origin, clone) = shallow_clone();
    clone.write(
        "govlint.yaml",
        &format!("{CONFIG}history:\n  allow_shallow: true\n"),
    );
    let (code, json) = check(&clone, &[]);
    reports_unknown(code, &json);
}
