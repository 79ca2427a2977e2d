//! Where governance work happens (SPEC 5): the pre-commit hook driven by the
//! real `git commit`, and the CI formats (`sarif`, `github`, `junit`) as a
//! CI server receives them from the built binary.
//!
//! Hook tests put the built `govlint` on the `PATH` that `git` passes to
//! the hook, exactly as a user's installation would.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin;

use crate::support::{git_command, govlint_in, Repo};

const CONFIG: &str = "version: 1\npacks: []\n";
const ROLE: &str = "kind: Role\nid: ceo\nname: Chief executive officer\n";
const GOOD: &str = "kind: Person\nid: jane\nname: Jane\nemail: jane@acme.example\nroles: [ceo]\n";
/// A Person without the required `email`.
const BAD: &str = "kind: Person\nid: jane\nname: Jane\nroles: [ceo]\n";
const FOREIGN_HOOK: &[u8] = b"#!/bin/sh\n# the team's own checks\nnpm test\n";

/// A repository with one commit (config and a role), ready for a hook.
fn governance_repo() -> Repo {
    let repo = Repo::new();
    repo.init()
        .write("govlint.yaml", CONFIG)
        .write("roles/ceo.yaml", ROLE);
    repo.commit_all("Add the CEO role", "2026-10-01T10:00:00Z");
    repo
}

/// `PATH` with the built binary's folder first.
fn path_with_govlint() -> OsString {
    let bin = cargo_bin("govlint");
    let dir = bin.parent().expect("binary folder").to_owned();
    let rest = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(dir).chain(std::env::split_paths(&rest))).expect("PATH")
}

/// `PATH` without the built binary's folder (for the "not found" case).
fn path_without_govlint() -> OsString {
    let bin = cargo_bin("govlint");
    let rest = std::env::var_os("PATH").unwrap_or_default();
    let kept: Vec<PathBuf> = std::env::split_paths(&rest)
        .filter(|p| !p.join("govlint").exists() && Some(p.as_path()) != bin.parent())
        .collect();
    std::env::join_paths(kept).expect("PATH")
}

/// A finished `git commit` (the hook's output is in `output`).
struct Commit {
    ok: bool,
    output: String,
}

/// Stages `rel` with `text` and runs `git commit` in `dir`, hooks enabled.
fn commit_file(
    dir: &Path,
    rel: &str,
    text: &str,
    path_var: &OsString,
    extra_env: &[(&str, &Path)],
) -> Commit {
    let file = dir.join(rel);
    std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
    std::fs::write(&file, text).expect("write");
    let add = git_command(dir)
        .args(["add", rel])
        .output()
        .expect("git add");
    assert!(
        add.status.success(),
        "{}",
        String::from_utf8_lossy(&add.stderr)
    );
    let mut cmd = git_command(dir);
    cmd.env("PATH", path_var)
        .env("NO_COLOR", "1")
        .env_remove("GOVLINT")
        .args([
            "-c",
            "user.name=Test Author",
            "-c",
            "user.email=author@acme.example",
        ])
        .args(["commit", "-q", "-m", &format!("Change {rel}")]);
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("git commit");
    Commit {
        ok: out.status.success(),
        output: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

/// Diagnostic text without miette's line wrapping and gutter.
fn flat(text: &str) -> String {
    text.replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn head(repo: &Repo) -> String {
    repo.git(&["rev-parse", "HEAD"]).trim().to_owned()
}

#[test]
fn hook_blocks_a_bad_record_and_lets_a_good_one_through() {
    let repo = governance_repo();
    let out = repo.govlint(&["hook", "install"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stderr.contains("installed the pre-commit hook"),
        "{out:?}"
    );
    let before = head(&repo);

    let blocked = commit_file(
        repo.path(),
        "people/jane.yaml",
        BAD,
        &path_with_govlint(),
        &[],
    );
    assert!(
        !blocked.ok,
        "a bad record was committed: {}",
        blocked.output
    );
    assert!(
        blocked.output.contains("people/jane.yaml"),
        "{}",
        blocked.output
    );
    assert!(blocked.output.contains("email"), "{}", blocked.output);
    assert_eq!(head(&repo), before, "no commit was made");

    let passed = commit_file(
        repo.path(),
        "people/jane.yaml",
        GOOD,
        &path_with_govlint(),
        &[],
    );
    assert!(passed.ok, "a good record was refused: {}", passed.output);
    assert_ne!(head(&repo), before);
}

#[test]
fn reinstalling_is_idempotent() {
    let repo = governance_repo();
    assert_eq!(repo.govlint(&["hook", "install"]).code, 0);
    let hook = repo.path().join(".git/hooks/pre-commit");
    let first = std::fs::read(&hook).expect("hook");
    let again = repo.govlint(&["hook", "install"]);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(again.stderr.contains("already installed"), "{again:?}");
    assert_eq!(std::fs::read(&hook).expect("hook"), first);
}

#[test]
fn a_foreign_hook_is_left_byte_identical() {
    let repo = governance_repo();
    let hook = repo.path().join(".git/hooks/pre-commit");
    std::fs::create_dir_all(hook.parent().expect("hooks")).expect("mkdir");
    std::fs::write(&hook, FOREIGN_HOOK).expect("write");
    for args in [
        &["hook", "install"][..],
        &["hook", "install", "--uninstall"][..],
    ] {
        let out = repo.govlint(args);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(
            flat(&out.stderr).contains("not written by govlint"),
            "{out:?}"
        );
        assert_eq!(std::fs::read(&hook).expect("hook"), FOREIGN_HOOK);
    }
    let out = repo.govlint(&["hook", "install"]);
    assert!(
        flat(&out.stderr).contains("govlint check --staged || exit 1"),
        "chaining help: {out:?}"
    );
}

#[test]
fn core_hooks_path_is_honoured() {
    let repo = governance_repo();
    repo.git(&["config", "core.hooksPath", ".githooks"]);
    let sub = repo.path().join("people");
    std::fs::create_dir_all(&sub).expect("mkdir");
    // Run from a subfolder: the relative hooksPath is still the work tree's.
    let out = govlint_in(&sub, &["hook", "install"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(repo.path().join(".githooks/pre-commit").is_file());
    assert!(!repo.path().join(".git/hooks/pre-commit").exists());
    assert!(!sub.join(".githooks").exists());
    let blocked = commit_file(
        repo.path(),
        "people/jane.yaml",
        BAD,
        &path_with_govlint(),
        &[],
    );
    assert!(
        !blocked.ok,
        "git did not run the hook from core.hooksPath: {}",
        blocked.output
    );
}

#[test]
fn uninstall_removes_only_govlints_hook() {
    let repo = governance_repo();
    assert_eq!(repo.govlint(&["hook", "install"]).code, 0);
    let out = repo.govlint(&["hook", "install", "--uninstall"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("removed"), "{out:?}");
    assert!(!repo.path().join(".git/hooks/pre-commit").exists());
    let again = repo.govlint(&["hook", "install", "--uninstall"]);
    assert_eq!(again.code, 0, "{again:?}");
    assert!(again.stderr.contains("nothing to remove"), "{again:?}");
    let unchecked = commit_file(
        repo.path(),
        "people/jane.yaml",
        BAD,
        &path_with_govlint(),
        &[],
    );
    assert!(unchecked.ok, "no hook, no check: {}", unchecked.output);
}

#[test]
fn linked_worktrees_share_the_common_hooks_folder() {
    let repo = governance_repo();
    let wt_parent = tempfile::tempdir().expect("tempdir");
    let wt = wt_parent.path().join("wt");
    repo.git(&[
        "worktree",
        "add",
        "-q",
        "-b",
        "feature",
        wt.to_str().expect("utf-8 path"),
    ]);
    let out = govlint_in(&wt, &["hook", "install"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        repo.path().join(".git/hooks/pre-commit").is_file(),
        "{out:?}"
    );
    let blocked = commit_file(&wt, "people/jane.yaml", BAD, &path_with_govlint(), &[]);
    assert!(!blocked.ok, "{}", blocked.output);
}

#[test]
fn hook_finds_govlint_through_the_environment_or_says_how() {
    let repo = governance_repo();
    assert_eq!(repo.govlint(&["hook", "install"]).code, 0);
    let missing = commit_file(
        repo.path(),
        "people/jane.yaml",
        GOOD,
        &path_without_govlint(),
        &[],
    );
    assert!(!missing.ok);
    assert!(
        missing.output.contains("cannot find 'govlint'"),
        "{}",
        missing.output
    );
    assert!(missing.output.contains("GOVLINT="), "{}", missing.output);
    let bin = cargo_bin("govlint");
    let named = commit_file(
        repo.path(),
        "people/jane.yaml",
        GOOD,
        &path_without_govlint(),
        &[("GOVLINT", bin.as_path())],
    );
    assert!(named.ok, "GOVLINT was not used: {}", named.output);
}

/// A repository with one bad record (and a good one), not committed.
fn broken_repo() -> Repo {
    let repo = Repo::new();
    repo.init()
        .write("govlint.yaml", CONFIG)
        .write("roles/ceo.yaml", ROLE)
        .write("people/jane.yaml", BAD)
        .write("people/john doe.yaml", &GOOD.replace("jane", "john"));
    repo
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let repo = broken_repo();
    let out = repo.govlint(&["check", "--format", "sarif"]);
    assert_eq!(out.code, 1, "{out:?}");
    let log: serde_json::Value = serde_json::from_str(&out.stdout).expect("SARIF is JSON");
    let Some(schema_path) =
        crate::support::shared_data("GOVLINT_SARIF_SCHEMA", "sarif/sarif-schema-2.1.0.json")
    else {
        return;
    };
    let schema_text = std::fs::read_to_string(&schema_path).unwrap_or_else(|e| {
        panic!(
            "SARIF 2.1.0 schema not found at {} ({e}); set GOVLINT_SARIF_SCHEMA to the file",
            schema_path.display()
        )
    });
    let schema: serde_json::Value = serde_json::from_str(&schema_text).expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{}", out.stdout);
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for r in results {
        let phys = &r["locations"][0]["physicalLocation"];
        assert!(phys["artifactLocation"]["uri"].is_string(), "{r:#}");
        assert!(
            phys["region"]["startLine"].as_u64().is_some_and(|l| l >= 1),
            "{r:#}"
        );
        assert!(r["partialFingerprints"]["govlint/v1"].is_string(), "{r:#}");
    }
    assert!(results.iter().any(|r| r["ruleId"] == "schema"
        && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "people/jane.yaml"));
}

#[test]
fn github_format_annotates_and_writes_the_step_summary() {
    let repo = broken_repo();
    let summary_dir = tempfile::tempdir().expect("tempdir");
    let summary = summary_dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").expect("write");
    let out = std::process::Command::new(cargo_bin("govlint"))
        .current_dir(repo.path())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args(["check", "--format", "github"])
        .output()
        .expect("run govlint");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("::error file=people/jane.yaml,line=1,col=1,title=schema::")),
        "{stdout}"
    );
    let md = std::fs::read_to_string(&summary).expect("summary");
    assert!(
        md.starts_with("earlier step\n## ❌ govlint"),
        "appended, not replaced: {md}"
    );
    assert!(
        md.contains("| ❌ error | schema | people/jane.yaml:1 | jane |"),
        "{md}"
    );
}

#[test]
fn junit_output_has_a_failing_case_per_record() {
    let repo = broken_repo();
    let out = repo.govlint(&["check", "--format", "junit"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout
            .starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("<testsuite name=\"schema\""),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("<testcase classname=\"people/jane.yaml\" name=\"jane\">\n      <failure "),
        "{}",
        out.stdout
    );
    assert!(out.stdout.trim_end().ends_with("</testsuites>"));
}
