//! Content sources (SPEC 2.2) with real git: `--staged` reads the index,
//! `--rev` a revision's tree, `--changed-since` reports only what changed.

use crate::support::{diagnostics, Repo};

const CONFIG: &str = "version: 1\npacks: []\n";
const ROLE: &str = "kind: Role\nid: ceo\nname: Chief executive officer\n";
const GOOD: &str = "kind: Person\nid: jane\nname: Jane\nemail: jane@acme.example\nroles: [ceo]\n";
const BAD: &str = "kind: Person\nid: jane\nname: Jane\nroles: [ceo]\n";

fn committed_repo() -> Repo {
    let repo = Repo::new();
    repo.init()
        .write("govlint.yaml", CONFIG)
        .write("roles/ceo.yaml", ROLE)
        .write("people/jane.yaml", GOOD);
    repo.commit_all("Add Jane", "2026-10-01T10:00:00Z");
    repo
}

fn files(json: &serde_json::Value) -> Vec<String> {
    json["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["file"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn an_error_only_in_the_index_fails_staged() {
    let repo = committed_repo();
    repo.write("people/jane.yaml", BAD);
    repo.git(&["add", "people/jane.yaml"]);
    repo.write("people/jane.yaml", GOOD); // fixed on disk, not staged
    let (code, json) = repo.check_json(&["--staged"]);
    assert_eq!(code, 1, "{json:#}");
    assert_eq!(diagnostics(&json, "schema").len(), 1);
    let (code, _) = repo.check_json(&[]);
    assert_eq!(code, 0, "the working tree is fine");
}

#[test]
fn an_error_only_in_the_working_tree_does_not_fail_staged() {
    let repo = committed_repo();
    repo.write("people/jane.yaml", BAD);
    let (code, json) = repo.check_json(&["--staged"]);
    assert_eq!(code, 0, "{json:#}");
    let (code, _) = repo.check_json(&[]);
    assert_eq!(code, 1);
}

#[test]
fn a_staged_deletion_counts() {
    let repo = committed_repo();
    repo.write("people/bad.yaml", "kind: Person\nid: bad\n");
    repo.commit_all("Add a bad record", "2026-10-02T10:00:00Z");
    repo.git(&["rm", "-q", "--cached", "people/bad.yaml"]);
    let (code, json) = repo.check_json(&["--staged"]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["summary"]["records"], 2);
}

#[test]
fn staged_honours_git_index_file() {
    let repo = committed_repo();
    // Build a temporary index holding a bad record, as `git commit PATH` does.
    let tmp_index = repo.path().join(".git/tmp-index");
    let out = crate::support::git_command(repo.path())
        .env("GIT_INDEX_FILE", &tmp_index)
        .args(["read-tree", "HEAD"])
        .output()
        .expect("git");
    assert!(out.status.success());
    repo.write("people/jane.yaml", BAD);
    let out = crate::support::git_command(repo.path())
        .env("GIT_INDEX_FILE", &tmp_index)
        .args(["add", "people/jane.yaml"])
        .output()
        .expect("git");
    assert!(out.status.success());
    repo.write("people/jane.yaml", GOOD);
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("govlint"))
        .current_dir(repo.path())
        .env("GIT_INDEX_FILE", &tmp_index)
        .args([
            "check",
            "--staged",
            "--format",
            "json",
            "--today",
            "2026-11-15",
        ])
        .output()
        .expect("govlint");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let (code, _) = repo.check_json(&["--staged"]);
    assert_eq!(code, 0, "the real index is clean");
}

#[test]
fn rev_checks_the_revision_tree() {
    let repo = committed_repo();
    let good = repo.git(&["rev-parse", "HEAD"]).trim().to_owned();
    repo.write("people/jane.yaml", BAD);
    repo.commit_all("Break Jane", "2026-10-03T10:00:00Z");
    repo.write("people/jane.yaml", GOOD);
    assert_eq!(repo.check_json(&["--rev", "HEAD"]).0, 1);
    assert_eq!(repo.check_json(&["--rev", &good]).0, 0);
    let out = repo.govlint(&["check", "--rev", "no-such-rev"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("no-such-rev"), "{}", out.stderr);
}

#[test]
fn changed_since_reports_changed_records_only() {
    let repo = committed_repo();
    repo.write("people/old.yaml", "kind: Person\nid: old\nname: Old\n");
    repo.commit_all("An old bad record", "2026-10-02T10:00:00Z");
    repo.git(&["branch", "base"]);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("people/new.yaml", "kind: Person\nid: new\nname: New\n");
    repo.commit_all("A new bad record", "2026-10-03T10:00:00Z");
    repo.write("people/untracked.yaml", "kind: Person\nid: untracked\n");

    let (_, all) = repo.check_json(&[]);
    assert_eq!(
        {
            let mut f = files(&all);
            f.dedup();
            f
        },
        vec![
            "people/new.yaml",
            "people/old.yaml",
            "people/untracked.yaml"
        ]
    );
    let (code, json) = repo.check_json(&["--changed-since", "base"]);
    assert_eq!(code, 1);
    let mut f = files(&json);
    f.dedup();
    assert_eq!(
        f,
        vec!["people/new.yaml", "people/untracked.yaml"],
        "{json:#}"
    );
    let (_, json) = repo.check_json(&["--changed-since", "base", "--rev", "HEAD"]);
    let mut f = files(&json);
    f.dedup();
    assert_eq!(f, vec!["people/new.yaml"], "{json:#}");
}

#[test]
fn staged_outside_a_repository_exits_two() {
    let repo = Repo::new();
    repo.write("govlint.yaml", CONFIG);
    let out = repo.govlint(&["check", "--staged"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("git repository"), "{}", out.stderr);
}

#[test]
fn governance_root_below_the_repository_top() {
    let repo = Repo::new();
    repo.init()
        .write("isms/govlint.yaml", CONFIG)
        .write("isms/roles/ceo.yaml", ROLE)
        .write("isms/people/jane.yaml", BAD)
        .write("src/app.yaml", "not: a record\n");
    repo.commit_all("ISMS in a subfolder", "2026-10-01T10:00:00Z");
    let out = crate::support::govlint_in(
        &repo.path().join("isms"),
        &[
            "check",
            "--staged",
            "--format",
            "json",
            "--today",
            "2026-11-15",
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(files(&json), vec!["people/jane.yaml"], "{json:#}");
}

#[test]
fn an_index_libgit2_cannot_read_is_named_with_its_fix() {
    let repo = committed_repo();
    repo.git(&["update-index", "--split-index"]);
    repo.write("people/bob.yaml", BAD);
    repo.git(&["add", "people/bob.yaml"]);
    let out = repo.govlint(&["check", "--staged"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("split index"), "{}", out.stderr);
    assert!(
        out.stderr.contains("core.splitIndex false"),
        "{}",
        out.stderr
    );
}
