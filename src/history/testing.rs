//! Test support: real repositories built with the real `git` CLI.
//!
//! Every git command runs with a fixed environment: no global or system
//! configuration, fixed identities and dates (`GIT_AUTHOR_DATE`,
//! `GIT_COMMITTER_DATE`), and none of the `GIT_DIR`-style variables of an
//! enclosing hook. Keys for signed commits come from the real `ssh-keygen`.
//!
//! This file uses nothing crate-private, so the CLI tests can take it over
//! as `tests/it/support.rs` unchanged.

#![allow(
    dead_code,
    unreachable_pub,
    reason = "shared helpers, written to move unchanged into tests/it/support.rs"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Time of the first commit; each later commit is one day after the last.
pub const START: i64 = 1_700_000_000;
pub const DAY: i64 = 86_400;

/// A temporary git repository driven through the `git` CLI.
pub struct TestRepo {
    dir: tempfile::TempDir,
    clock: std::cell::Cell<i64>,
}

impl TestRepo {
    /// `git init -b main` in a new temporary directory.
    pub fn new() -> TestRepo {
        let repo = TestRepo {
            dir: tempfile::tempdir().expect("temporary directory"),
            clock: std::cell::Cell::new(START),
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    /// The work tree.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A `git` command in the work tree with the fixed environment.
    pub fn command(&self, args: &[&str]) -> Command {
        git_command(self.path(), args)
    }

    /// Runs git, asserts success, returns stdout without the final newline.
    pub fn git(&self, args: &[&str]) -> String {
        run(self.command(args))
    }

    /// Runs git with extra environment variables (e.g. another committer).
    pub fn git_env(&self, args: &[&str], env: &[(&str, &str)]) -> String {
        let mut cmd = self.command(args);
        cmd.envs(env.iter().copied());
        run(cmd)
    }

    /// Runs git with `stdin` as standard input.
    pub fn git_stdin(&self, args: &[&str], stdin: &[u8]) -> String {
        run_with_stdin(self.command(args), stdin)
    }

    /// Writes `content` to `path` (creating folders).
    pub fn write(&self, path: &str, content: impl AsRef<[u8]>) {
        let full = self.path().join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).expect("create folders");
        }
        std::fs::write(full, content).expect("write file");
    }

    /// `git mv from to`, creating `to`'s folder first.
    pub fn mv(&self, from: &str, to: &str) {
        if let Some(parent) = self.path().join(to).parent() {
            std::fs::create_dir_all(parent).expect("create folders");
        }
        self.git(&["mv", from, to]);
    }

    /// Starts a commit of everything in the work tree (`git add -A`).
    pub fn commit<'r>(&'r self, message: &str) -> CommitBuilder<'r> {
        CommitBuilder {
            repo: self,
            message: message.to_owned(),
            author: ("Alice Author", "alice@example.com"),
            committer: None,
            time: None,
            trailers: Vec::new(),
            sign_with: None,
            allow_empty: false,
            extra_config: Vec::new(),
        }
    }

    /// Starts an annotated tag on `HEAD`.
    pub fn tag<'r>(&'r self, name: &str, message: &str) -> TagBuilder<'r> {
        TagBuilder {
            repo: self,
            name: name.to_owned(),
            message: message.to_owned(),
            tagger: ("Tina Tagger", "tina@example.com"),
            time: None,
            sign_with: None,
        }
    }

    /// The next commit time (one day after the last one).
    pub fn tick(&self) -> i64 {
        let now = self.clock.get() + DAY;
        self.clock.set(now);
        now
    }

    /// Opens the repository with git2.
    pub fn open(&self) -> git2::Repository {
        git2::Repository::open(self.path()).expect("open repository")
    }

    /// Makes an ed25519 key pair with ssh-keygen; returns the private key's
    /// path and the public key line (`ssh-ed25519 AAAA…`).
    pub fn keygen(&self, name: &str) -> (PathBuf, String) {
        self.keygen_typed(name, "ed25519")
    }

    /// As [`TestRepo::keygen`], for another `ssh-keygen -t` key type.
    pub fn keygen_typed(&self, name: &str, key_type: &str) -> (PathBuf, String) {
        let keys = self.path().join(".git").join("test-keys");
        std::fs::create_dir_all(&keys).expect("key folder");
        let private = keys.join(name);
        let mut cmd = Command::new("ssh-keygen");
        cmd.args(["-q", "-t", key_type, "-N", "", "-C", name, "-f"])
            .arg(&private);
        run(cmd);
        let public = std::fs::read_to_string(private.with_extension("pub")).expect("public key");
        let public = public
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ");
        (private, public)
    }

    /// Signs `data` with ssh-keygen in `namespace`; returns the armored
    /// signature.
    pub fn ssh_sign(key: &Path, namespace: &str, data: &[u8]) -> String {
        let mut cmd = Command::new("ssh-keygen");
        cmd.args(["-q", "-Y", "sign", "-n", namespace, "-f"])
            .arg(key);
        run_with_stdin(cmd, data)
    }

    /// Writes a raw commit object (as `git cat-file commit` prints it) and
    /// returns its id.
    pub fn write_commit_object(&self, raw: &[u8]) -> String {
        self.git_stdin(
            &[
                "hash-object",
                "-w",
                "-t",
                "commit",
                "--literally",
                "--stdin",
            ],
            raw,
        )
    }
}

/// A commit being described; `run` makes it and returns its id.
pub struct CommitBuilder<'r> {
    repo: &'r TestRepo,
    message: String,
    author: (&'static str, &'static str),
    committer: Option<(&'static str, &'static str)>,
    time: Option<i64>,
    trailers: Vec<String>,
    sign_with: Option<PathBuf>,
    allow_empty: bool,
    extra_config: Vec<String>,
}

impl CommitBuilder<'_> {
    /// Author (and committer, unless set apart).
    pub fn author(mut self, name: &'static str, email: &'static str) -> Self {
        self.author = (name, email);
        self
    }

    pub fn committer(mut self, name: &'static str, email: &'static str) -> Self {
        self.committer = Some((name, email));
        self
    }

    /// Author and committer time (Unix seconds); default: the next day.
    pub fn at(mut self, time: i64) -> Self {
        self.time = Some(time);
        self
    }

    /// Adds a `--trailer` option.
    pub fn trailer(mut self, trailer: &str) -> Self {
        self.trailers.push(trailer.to_owned());
        self
    }

    /// Signs with this ssh private key (`gpg.format=ssh`, `-S`).
    pub fn sign(mut self, key: &Path) -> Self {
        self.sign_with = Some(key.to_path_buf());
        self
    }

    pub fn allow_empty(mut self) -> Self {
        self.allow_empty = true;
        self
    }

    /// A `-c key=value` option for this commit.
    pub fn config(mut self, setting: &str) -> Self {
        self.extra_config.push(setting.to_owned());
        self
    }

    /// Commits and returns the new commit's id.
    pub fn run(self) -> String {
        let repo = self.repo;
        repo.git(&["add", "-A"]);
        let time = self.time.unwrap_or_else(|| repo.tick());
        let (cname, cemail) = self.committer.unwrap_or(self.author);
        let mut args: Vec<String> = Vec::new();
        for setting in &self.extra_config {
            args.extend(["-c".to_owned(), setting.clone()]);
        }
        if let Some(key) = &self.sign_with {
            args.extend(["-c".into(), "gpg.format=ssh".into(), "-c".into()]);
            args.push(format!("user.signingkey={}", key.display()));
        }
        args.extend([
            "commit".into(),
            "-q".into(),
            "--cleanup=verbatim".into(),
            "-m".into(),
            self.message.clone(),
        ]);
        for t in &self.trailers {
            args.extend(["--trailer".to_owned(), t.clone()]);
        }
        if self.sign_with.is_some() {
            args.push("-S".into());
        }
        if self.allow_empty {
            args.push("--allow-empty".into());
        }
        let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut cmd = repo.command(&arg_refs);
        let date = format!("@{time} +0000");
        cmd.env("GIT_AUTHOR_NAME", self.author.0)
            .env("GIT_AUTHOR_EMAIL", self.author.1)
            .env("GIT_COMMITTER_NAME", cname)
            .env("GIT_COMMITTER_EMAIL", cemail)
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date);
        run(cmd);
        repo.git(&["rev-parse", "HEAD"])
    }
}

/// An annotated tag being described; `run` makes it.
pub struct TagBuilder<'r> {
    repo: &'r TestRepo,
    name: String,
    message: String,
    tagger: (&'static str, &'static str),
    time: Option<i64>,
    sign_with: Option<PathBuf>,
}

impl TagBuilder<'_> {
    pub fn tagger(mut self, name: &'static str, email: &'static str) -> Self {
        self.tagger = (name, email);
        self
    }

    pub fn at(mut self, time: i64) -> Self {
        self.time = Some(time);
        self
    }

    pub fn sign(mut self, key: &Path) -> Self {
        self.sign_with = Some(key.to_path_buf());
        self
    }

    /// Tags `HEAD`.
    pub fn run(self) {
        let repo = self.repo;
        let time = self.time.unwrap_or_else(|| repo.tick());
        let mut args: Vec<String> = Vec::new();
        match &self.sign_with {
            Some(key) => {
                args.extend(["-c".into(), "gpg.format=ssh".into(), "-c".into()]);
                args.push(format!("user.signingkey={}", key.display()));
                args.extend(["tag".into(), "-s".into()]);
            }
            None => args.extend(["tag".into(), "-a".into()]),
        }
        args.extend([
            "--cleanup=verbatim".into(),
            "-m".into(),
            self.message.clone(),
            self.name.clone(),
        ]);
        let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut cmd = repo.command(&arg_refs);
        cmd.env("GIT_COMMITTER_NAME", self.tagger.0)
            .env("GIT_COMMITTER_EMAIL", self.tagger.1)
            .env("GIT_COMMITTER_DATE", format!("@{time} +0000"));
        run(cmd);
    }
}

/// `git args…` in `dir`, isolated from the user's and the machine's git
/// configuration and from any enclosing hook's environment.
pub fn git_command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir).args(args);
    for var in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_CEILING_DIRECTORIES",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Alice Author")
        .env("GIT_AUTHOR_EMAIL", "alice@example.com")
        .env("GIT_COMMITTER_NAME", "Alice Author")
        .env("GIT_COMMITTER_EMAIL", "alice@example.com")
        .env("GIT_AUTHOR_DATE", format!("@{START} +0000"))
        .env("GIT_COMMITTER_DATE", format!("@{START} +0000"))
        .env("LC_ALL", "C");
    cmd
}

fn run(cmd: Command) -> String {
    run_with_stdin(cmd, b"")
}

fn run_with_stdin(mut cmd: Command, stdin: &[u8]) -> String {
    use std::io::Write;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin).expect("write stdin");
    }
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().expect("wait");
    assert!(
        status.success(),
        "{cmd:?} failed: {}\n{}",
        status,
        String::from_utf8_lossy(&stderr)
    );
    String::from_utf8_lossy(&stdout)
        .trim_end_matches('\n')
        .to_owned()
}
