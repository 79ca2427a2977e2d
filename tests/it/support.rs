//! Test support: temporary governance repositories, the real `git` with a
//! fixed identity and dates, and running the built `govlint`.
//!
//! The git builders are the library's own test builders (`git`, the same
//! file as the unit tests use); this module adds the governance-repository
//! defaults (the routine committer `Test Author <author@acme.example>`,
//! fixtures) and the govlint runner.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use assert_cmd::cargo::cargo_bin;

#[path = "../../src/history/testing.rs"]
pub mod git;

/// Who makes the routine commits and runs plain `git` commands.
pub const TEST_AUTHOR: (&str, &str) = ("Test Author", "author@acme.example");

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

    /// The example ISMS of `govlint init --example`, with its git history.
    pub fn example() -> Repo {
        let repo = Repo::new();
        let out = repo.govlint(&["init", "--example", "."]);
        assert_eq!(out.code, 0, "{out:?}");
        repo
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
        git::write(self.path(), rel, text);
        self
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) -> &Repo {
        git::write(self.path(), rel, bytes);
        self
    }

    /// Runs git as [`TEST_AUTHOR`] with no user or system configuration;
    /// asserts success and returns stdout.
    pub fn git(&self, args: &[&str]) -> String {
        let mut cmd = git_command(self.path());
        cmd.args(args);
        git::output(cmd, b"")
    }

    /// `git init` with `main` as the first branch.
    pub fn init(&self) -> &Repo {
        git::init(self.path());
        self
    }

    /// Starts a commit of everything in the work tree as `who` = (name,
    /// email), author and committer, at `date` (as git reads dates), with
    /// git's default message cleanup.
    pub fn commit(
        &self,
        message: &str,
        who: (&'static str, &'static str),
        date: &str,
    ) -> git::CommitBuilder<'_> {
        git::CommitBuilder::at_date(self.path(), message, date.to_owned())
            .author(who.0, who.1)
            .default_cleanup()
    }

    /// Stages everything and commits (`--allow-empty`) as [`TEST_AUTHOR`]
    /// at `date`; returns the id.
    pub fn commit_all(&self, message: &str, date: &str) -> String {
        self.commit(message, TEST_AUTHOR, date).allow_empty().run()
    }

    /// Runs git as `who` = (name, email), author and committer, at `date`;
    /// asserts success and returns stdout.
    pub fn git_as(&self, who: (&str, &str), date: &str, args: &[&str]) -> String {
        let mut cmd = git_command(self.path());
        cmd.args(args);
        git::people(&mut cmd, who, who, date);
        git::output(cmd, b"")
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
                "not JSON ({e}): code={} stdout={} stderr={}",
                out.code, out.stdout, out.stderr
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
    govlint_env(dir, args, &[])
}

/// [`govlint_in`] with extra environment variables (set after the defaults).
pub fn govlint_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(cargo_bin("govlint"));
    cmd.current_dir(dir)
        .env_remove("GOVLINT_TODAY")
        .env("GOVLINT_NO_CACHE", "1")
        .env("NO_COLOR", "1")
        .env_remove("FORCE_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run govlint");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `git` in `dir` as [`TEST_AUTHOR`] (dates: now), isolated from the user's
/// and the machine's configuration and from a hook's environment.
pub fn git_command(dir: &Path) -> Command {
    let mut c = git::isolated(dir);
    c.env("GIT_AUTHOR_NAME", TEST_AUTHOR.0)
        .env("GIT_AUTHOR_EMAIL", TEST_AUTHOR.1)
        .env("GIT_COMMITTER_NAME", TEST_AUTHOR.0)
        .env("GIT_COMMITTER_EMAIL", TEST_AUTHOR.1);
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
