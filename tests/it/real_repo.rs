//! Issue #11, "No noise in a real repository" and "Dates as git shows
//! them": a governance folder kept beside a code project's history, built
//! with the real `git`.
//!
//! The code commits carry the trailers of a real project (`Reviewed-by:`,
//! `Signed-off-by:`, `Acked-by:`) by people no Person record lists, and the
//! tree holds CI and tool configuration at several depths: none of it is
//! govlint's business. The record commits are made in several time zones,
//! so that the UTC date and the committer's calendar date differ.

use crate::support::{diagnostics, Repo};

const POLICY: &str = "isms/policies/information-security.md";
const POLICY_TEXT: &str = "---\nkind: Policy\nid: POL-IS-001\ntitle: Information security policy\n\
    version: \"1.0\"\nowner: top-management\napprover: top-management\nreview_interval: P12M\n\
    status: approved\n---\n# Information security policy\n\nAcme protects its information.\n";
const JANE: (&str, &str) = ("Jane Doe", "jane@acme.example");
/// One rule that asks git for approvals, so that the history is read.
const RULES: &str = "rules:\n  - id: acme/policy-approved\n    severity: error\n    \
    message: \"Policy {{id}} is not approved\"\n    for: { kind: Policy }\n    check:\n      \
    - approved: { by: top-management, within: P12M }\n";
const EVE: &str = "Reviewed-by: Eve Outsider <eve@elsewhere.example>";

/// A code project with CI files, then the ISMS folder on top.
fn code_project_with_isms() -> Repo {
    let repo = Repo::new();
    repo.init()
        .write("src/main.c", "int main(void) { return 0; }\n")
        .write(".gitlab-ci.yml", "stages: [test]\n")
        .write(".cirrus.yml", "task:\n  script: make test\n")
        .write(
            "t/unit-tests/clar/.github/workflows/ci.yml",
            "on: push\njobs: {}\n",
        )
        .write("tools/docker-compose.dev.yml", "services: {}\n")
        .write("docs/mkdocs.yml", "site_name: Docs\n")
        .write(".pre-commit-config.yaml", "repos: []\n")
        .write("contrib/.golangci.yml", "linters: {}\n");
    repo.commit("Start the project", JANE, "2026-01-05T10:00:00+01:00")
        .trailer("Signed-off-by: Jane Doe <jane@acme.example>")
        .run();
    for (i, date) in ["2026-01-06T09:00:00-05:00", "2026-01-07T22:00:00+09:00"]
        .iter()
        .enumerate()
    {
        repo.write(
            "src/main.c",
            &format!("int main(void) {{ return {}; }}\n", i + 1),
        );
        repo.commit("Fix the exit code", JANE, date)
            .trailer(EVE)
            .trailer("Acked-by: Someone Else <else@elsewhere.example>")
            .trailer("Signed-off-by: Jane Doe <jane@acme.example>")
            .run();
    }
    // A code commit with a clock that ran backwards: no record's business.
    repo.write("src/main.c", "int main(void) { return 9; }\n");
    repo.commit("Backdated fix", JANE, "2025-12-01T10:00:00Z")
        .trailer(EVE)
        .run();
    repo.write("govlint.yaml", "version: 1\npacks: []\n")
        .write(
            "isms/roles/top-management.yaml",
            "kind: Role\nid: top-management\nname: Top management\ntop_management: true\n",
        )
        .write(
            "isms/people/jane.yaml",
            "kind: Person\nid: jane\nname: Jane Doe\nemail: jane@acme.example\nroles: [top-management]\n",
        )
        .write(POLICY, POLICY_TEXT)
        .write("rules/acme.yaml", RULES);
    repo.commit("Add the ISMS", JANE, "2026-03-01T23:30:00-08:00")
        .run();
    repo
}

#[test]
fn trailers_on_commits_that_touch_no_record_and_ci_files_make_no_findings() {
    let repo = code_project_with_isms();
    let (_, json) = repo.check_json(&[]);
    assert!(
        diagnostics(&json, "history/unknown-approver").is_empty(),
        "{json:#}"
    );
    assert!(
        diagnostics(&json, "history/non-monotonic-time").is_empty(),
        "{json:#}"
    );
    let record_findings: Vec<_> = json["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["rule"].as_str().is_some_and(|r| r.starts_with("record/")))
        .collect();
    assert!(record_findings.is_empty(), "{json:#}");
    assert_eq!(json["summary"]["records"], 3, "{json:#}");

    // The same trailer on a commit that changes a record is reported, at
    // the record, and a review is called a review.
    repo.write(POLICY, &format!("{POLICY_TEXT}Reviewed.\n"));
    let review = repo
        .commit("Review the policy", JANE, "2026-03-02T09:00:00+01:00")
        .trailer(EVE)
        .trailer("Reviewed-by: Jane Doe <jane@acme.example>")
        .run();
    let (_, json) = repo.check_json(&[]);
    let found = diagnostics(&json, "history/unknown-approver");
    assert_eq!(found.len(), 1, "{json:#}");
    assert_eq!(found[0]["file"], POLICY, "{json:#}");
    let message = found[0]["message"].as_str().unwrap_or_default();
    assert!(message.contains(&review[..10]), "{message}");
    assert!(
        message.contains("the review counts for nobody"),
        "{message}"
    );
    assert!(!message.contains("approval"), "{message}");
    let log = repo.govlint(&["log", "POL-IS-001", "--format", "json"]);
    let log: serde_json::Value = serde_json::from_str(&log.stdout).expect("JSON");
    let jane = log["events"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["email"] == JANE.1)
        .unwrap_or_else(|| panic!("Jane's review: {log:#}"));
    assert_eq!(jane["kind"], "review", "{jane:#}");
    assert_eq!(jane["note"], "committed by the reviewer", "{jane:#}");
}

/// `commit → %cs` for the commits that changed `file`, as git shows them.
fn git_dates(repo: &Repo, file: &str) -> Vec<(String, String)> {
    repo.git(&["log", "--format=%H %cs", "--follow", "--", file])
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(h, d)| (h.to_owned(), d.to_owned()))
        .collect()
}

#[test]
fn log_dates_are_the_committers_calendar_dates_as_git_log_shows_them() {
    let repo = code_project_with_isms();
    for (i, date) in [
        "2026-03-03T00:30:00+14:00",
        "2026-03-05T23:59:00-11:00",
        "2026-03-09T12:00:00Z",
        "2026-03-10T00:15:00+05:45",
    ]
    .iter()
    .enumerate()
    {
        repo.write(POLICY, &format!("{POLICY_TEXT}Edit {i}.\n"));
        repo.commit("Approve the policy", JANE, date)
            .trailer("Approves: POL-IS-001")
            .trailer("Approved-by: Jane Doe <jane@acme.example>")
            .run();
    }
    let out = repo.govlint(&["log", "POL-IS-001", "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let log: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let want = git_dates(&repo, POLICY);
    assert_eq!(want.len(), 5);
    // The UTC dates differ from these on every commit but one (12:00Z).
    assert_eq!(
        want.iter().map(|(_, d)| d.as_str()).collect::<Vec<_>>(),
        [
            "2026-03-10",
            "2026-03-09",
            "2026-03-05",
            "2026-03-03",
            "2026-03-01"
        ]
    );
    let changes: Vec<(String, String)> = log["changes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["commit"].as_str().unwrap_or_default().to_owned(),
                c["date"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(changes, want, "{log:#}");
    let events = log["events"].as_array().cloned().unwrap_or_default();
    assert_eq!(events.len(), 4, "{log:#}");
    for e in &events {
        let commit = e["commit"].as_str().unwrap_or_default();
        let date = want
            .iter()
            .find(|(h, _)| h == commit)
            .map(|(_, d)| d.as_str());
        assert_eq!(e["date"].as_str(), date, "{e:#}");
    }

    // The review interval is judged by the same calendar date: approved
    // on 2026-03-10 (+05:45; 2026-03-09 in UTC), a 12-month interval holds
    // through 2027-03-10 and not a day longer.
    for (today, holds) in [("2027-03-10", true), ("2027-03-11", false)] {
        let out = repo.govlint(&["check", "--format", "json", "--today", today]);
        let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
        assert_eq!(
            diagnostics(&json, "acme/policy-approved").is_empty(),
            holds,
            "{today}: {json:#}"
        );
    }
}
