//! Test support: temporary governance repositories, the real `git` with a
//! fixed identity and dates, and running the built `govlint`.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::cargo_bin;

/// A temporary folder that becomes a governance repository.
pub struct Repo {
    pub dir: tempfile::TempDir,
}

impl Repo {
    /// An empty folder (not yet a git repository).
    pub fn new() -> Repo {
        Repo {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A copy of `fixtures/repos/<name>`.
    pub fn fixture(name: &str) -> Repo {
        let repo = Repo::new();
        copy_dir(&fixtures().join("repos").join(name), repo.path());
        repo
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: &str) -> &Repo {
        let p = self.path().join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, text).expect("write");
        self
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) -> &Repo {
        let p = self.path().join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, bytes).expect("write");
        self
    }

    /// Runs git with a fixed identity and no user or system configuration.
    pub fn git(&self, args: &[&str]) -> String {
        let out = git_command(self.path())
            .args(args)
            .output()
            .expect("run git");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `git init` with `main` as the first branch.
    pub fn init(&self) -> &Repo {
        self.git(&["init", "-q", "-b", "main"]);
        self
    }

    /// Stages everything and commits at a fixed date.
    pub fn commit_all(&self, message: &str, date: &str) -> String {
        self.commit_as(
            ("Test Author", "author@acme.example"),
            date,
            &["-m", message],
        )
    }

    /// Stages everything and commits (`--allow-empty`, plus `args`) as
    /// `who` = (name, email), author and committer, at `date`; returns the id.
    pub fn commit_as(&self, who: (&str, &str), date: &str, args: &[&str]) -> String {
        self.git(&["add", "-A"]);
        let mut commit = vec!["commit", "-q", "--allow-empty"];
        commit.extend_from_slice(args);
        self.git_as(who, date, &commit);
        self.git(&["rev-parse", "HEAD"]).trim().to_owned()
    }

    /// Runs git as `who` = (name, email), author and committer, at `date`;
    /// asserts success and returns stdout.
    pub fn git_as(&self, who: (&str, &str), date: &str, args: &[&str]) -> String {
        let out = git_command(self.path())
            .env("GIT_AUTHOR_NAME", who.0)
            .env("GIT_AUTHOR_EMAIL", who.1)
            .env("GIT_COMMITTER_NAME", who.0)
            .env("GIT_COMMITTER_EMAIL", who.1)
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .args(args)
            .output()
            .expect("run git");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `govlint ARGS` run in this repository.
    pub fn govlint(&self, args: &[&str]) -> Output {
        govlint_in(self.path(), args)
    }

    /// `govlint check --format json --today 2026-11-15 ARGS`, parsed.
    pub fn check_json(&self, extra: &[&str]) -> (i32, serde_json::Value) {
        let mut args = vec!["check", "--format", "json", "--today", "2026-11-15"];
        args.extend_from_slice(extra);
        let out = self.govlint(&args);
        let json = serde_json::from_str(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): stdout={} stderr={}",
                out.stdout, out.stderr
            )
        });
        (out.code, json)
    }
}

/// A finished govlint run.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// `govlint ARGS` in `dir`: no colour, no user or system git configuration,
/// no git environment leaking in from a hook, and the history cache off so
/// tests never write to the user's cache folder.
pub fn govlint_in(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new(cargo_bin("govlint"))
        .current_dir(dir)
        .env_remove("GOVLINT_TODAY")
        .env("GOVLINT_NO_CACHE", "1")
        .env("NO_COLOR", "1")
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .args(args)
        .output()
        .expect("run govlint");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn git_command(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test Author")
        .env("GIT_AUTHOR_EMAIL", "author@acme.example")
        .env("GIT_COMMITTER_NAME", "Test Author")
        .env("GIT_COMMITTER_EMAIL", "author@acme.example")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE");
    c
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())) {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// The diagnostics of a JSON report whose `rule` is `rule`.
pub fn diagnostics<'a>(json: &'a serde_json::Value, rule: &str) -> Vec<&'a serde_json::Value> {
    json["diagnostics"]
        .as_array()
        .map(|a| a.iter().filter(|d| d["rule"] == rule).collect())
        .unwrap_or_default()
}

/// Test data kept outside the repository, in the `shared` folder beside it
/// (`rel` inside it), or where the environment variable `var` says.
///
/// `None` when it is absent, after a notice on stderr (written past the test
/// harness's capture, so it shows on a passing run): a fresh clone with
/// nothing beside it passes `cargo test`. With `GOVLINT_REQUIRE_SHARED=1`
/// (set by `.ci/run`, which has the folder) absence is a failure instead, so
/// the gate cannot skip these tests silently.
pub fn shared_data(var: &str, rel: &str) -> Option<PathBuf> {
    let path = std::env::var_os(var).map_or_else(
        || {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../shared")
                .join(rel)
        },
        PathBuf::from,
    );
    if path.exists() {
        return Some(path);
    }
    let required = std::env::var_os("GOVLINT_REQUIRE_SHARED").is_some_and(|v| v == "1");
    assert!(
        !required,
        "{} not found and GOVLINT_REQUIRE_SHARED=1; set {var} to it",
        path.display()
    );
    let _ = writeln!(
        std::io::stderr(),
        "note: skipping a test: {} not found (set {var} to run it)",
        path.display()
    );
    None
}
