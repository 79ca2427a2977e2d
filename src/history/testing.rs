//! The one builder of real git repositories for tests, with the real `git`
//! CLI: init, write files, commit as someone at a date (with trailers,
//! `-c` settings, SSH signatures), annotated and signed tags, ssh-keygen
//! keys and signatures, crafted commit objects.
//!
//! Every git command runs with a fixed environment: no global or system
//! configuration, fixed identities and dates (`GIT_AUTHOR_DATE`,
//! `GIT_COMMITTER_DATE`) unless a caller sets others, and none of the
//! `GIT_DIR`-style variables of an enclosing hook. Keys for signed commits
//! come from the real `ssh-keygen`.
//!
//! It depends on nothing but `std` and `tempfile`, so that both test sides
//! compile the same file: the library's unit tests (`#[cfg(test)] mod
//! testing` in `history.rs`) and the integration-test binary
//! (`#[path = "../../src/history/testing.rs"] pub mod git;` in
//! `tests/it/support.rs`, whose `Repo` builds on it).

#![allow(
    dead_code,
    unreachable_pub,
    reason = "shared by the unit tests and the integration tests, each using a part"
)]

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Time of the first commit; each later commit is one day after the last.
pub const START: i64 = 1_700_000_000;
pub const DAY: i64 = 86_400;

/// A temporary git repository driven through the `git` CLI.
pub struct TestRepo {
    dir: tempfile::TempDir,
    clock: Cell<i64>,
}

impl TestRepo {
    /// `git init -b main` in a new temporary directory.
    pub fn new() -> TestRepo {
        let repo = TestRepo {
            dir: tempfile::tempdir().expect("temporary directory"),
            clock: Cell::new(START),
        };
        init(repo.path());
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
        write(self.path(), path, content);
    }

    /// Commits everything with the Latin-1 bytes `message` and an
    /// `encoding ISO-8859-1` header (`i18n.commitEncoding`).
    pub fn commit_latin1(&self, message: &[u8]) {
        std::fs::write(self.path().join(".git/MSG"), message).expect("write message");
        self.git(&["add", "-A"]);
        self.git(&[
            "-c",
            "i18n.commitEncoding=ISO-8859-1",
            "commit",
            "-q",
            "-F",
            ".git/MSG",
        ]);
    }

    /// `git mv from to`, creating `to`'s folder first.
    pub fn mv(&self, from: &str, to: &str) {
        if let Some(parent) = self.path().join(to).parent() {
            std::fs::create_dir_all(parent).expect("create folders");
        }
        self.git(&["mv", from, to]);
    }

    /// Starts a commit of everything in the work tree (`git add -A`).
    /// By default authored and committed by Alice Author the next day
    /// ([`TestRepo::tick`]), with the message kept verbatim.
    pub fn commit<'r>(&'r self, message: &str) -> CommitBuilder<'r> {
        CommitBuilder::new(self.path(), message, When::Next(&self.clock))
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
        tick(&self.clock)
    }

    /// Makes an ed25519 key pair with ssh-keygen; returns the private key's
    /// path and the public key line (`ssh-ed25519 AAAA…`).
    pub fn keygen(&self, name: &str) -> (PathBuf, String) {
        self.keygen_typed(name, "ed25519")
    }

    /// As [`TestRepo::keygen`], for another `ssh-keygen -t` key type.
    pub fn keygen_typed(&self, name: &str, key_type: &str) -> (PathBuf, String) {
        keygen(self.path(), name, key_type)
    }

    /// Writes a raw commit object (as `git cat-file commit` prints it) and
    /// returns its id.
    pub fn write_commit_object(&self, raw: &[u8]) -> String {
        write_commit_object(self.path(), raw)
    }
}

/// `git init -q -b main` in `dir`.
pub fn init(dir: &Path) {
    run(git_command(dir, &["init", "-q", "-b", "main"]));
}

/// Writes `content` to `path` below `dir` (creating folders).
pub fn write(dir: &Path, path: &str, content: impl AsRef<[u8]>) {
    let full = dir.join(path);
    if let Some(parent) = full.parent() {
        std::fs::create_dir_all(parent).expect("create folders");
    }
    std::fs::write(full, content).expect("write file");
}

/// Makes an `ssh-keygen -t KEY_TYPE -N ''` key pair, kept inside `dir`'s
/// `.git` so that `git add -A` never commits it. Returns the private key's
/// path and the public key line (`ssh-ed25519 AAAA…`).
pub fn keygen(dir: &Path, name: &str, key_type: &str) -> (PathBuf, String) {
    let keys = dir.join(".git").join("test-keys");
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

/// Signs `data` with `ssh-keygen -Y sign` in `namespace`; returns the
/// armored signature.
pub fn ssh_sign(key: &Path, namespace: &str, data: &[u8]) -> String {
    let mut cmd = Command::new("ssh-keygen");
    cmd.args(["-q", "-Y", "sign", "-n", namespace, "-f"])
        .arg(key);
    run_with_stdin(cmd, data)
}

/// An armored signature as a `gpgsig` header (continuation lines indented).
pub fn as_gpgsig(signature: &str) -> String {
    let mut lines = signature.trim_end().lines();
    let mut out = format!("gpgsig {}\n", lines.next().expect("armor"));
    for line in lines {
        out.push(' ');
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// A raw commit (as `git cat-file commit` prints it) with `header` (whole
/// lines) added at the end of its header.
pub fn with_header(raw: &str, header: &str) -> String {
    let end = raw.find("\n\n").expect("header end") + 1;
    format!("{}{header}{}", &raw[..end], &raw[end..])
}

/// Writes a raw commit object into `dir`'s repository, unchecked
/// (`--literally`), and returns its id.
pub fn write_commit_object(dir: &Path, raw: &[u8]) -> String {
    run_with_stdin(
        git_command(
            dir,
            &[
                "hash-object",
                "-w",
                "-t",
                "commit",
                "--literally",
                "--stdin",
            ],
        ),
        raw,
    )
}

/// Advances a commit clock by one day and returns the new time.
fn tick(clock: &Cell<i64>) -> i64 {
    let now = clock.get() + DAY;
    clock.set(now);
    now
}

/// When a commit is made.
enum When<'r> {
    /// One day after the clock's last time.
    Next(&'r Cell<i64>),
    /// A date as git reads it (`@1700000000 +0000`, `2025-06-02T10:00:00Z`).
    At(String),
}

/// A commit being described; `run` makes it and returns its id.
pub struct CommitBuilder<'r> {
    dir: &'r Path,
    message: String,
    author: (&'static str, &'static str),
    committer: Option<(&'static str, &'static str)>,
    when: When<'r>,
    trailers: Vec<String>,
    sign_with: Option<PathBuf>,
    allow_empty: bool,
    extra_config: Vec<String>,
    verbatim: bool,
}

impl<'r> CommitBuilder<'r> {
    /// A commit of everything in `dir`'s work tree at `date` (as git reads
    /// dates), authored and committed by Alice Author, message verbatim.
    pub fn at_date(dir: &'r Path, message: &str, date: String) -> Self {
        CommitBuilder::new(dir, message, When::At(date))
    }

    fn new(dir: &'r Path, message: &str, when: When<'r>) -> Self {
        CommitBuilder {
            dir,
            message: message.to_owned(),
            author: ("Alice Author", "alice@example.com"),
            committer: None,
            when,
            trailers: Vec::new(),
            sign_with: None,
            allow_empty: false,
            extra_config: Vec::new(),
            verbatim: true,
        }
    }

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
        self.when = When::At(format!("@{time} +0000"));
        self
    }

    /// Adds a `--trailer` option.
    pub fn trailer(mut self, trailer: impl Into<String>) -> Self {
        self.trailers.push(trailer.into());
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

    /// Lets git clean up the message as `git commit` does by default,
    /// instead of `--cleanup=verbatim`.
    pub fn default_cleanup(mut self) -> Self {
        self.verbatim = false;
        self
    }

    /// Commits and returns the new commit's id.
    pub fn run(self) -> String {
        let dir = self.dir;
        run(git_command(dir, &["add", "-A"]));
        let date = match self.when {
            When::Next(clock) => format!("@{} +0000", tick(clock)),
            When::At(date) => date,
        };
        let committer = self.committer.unwrap_or(self.author);
        let mut args: Vec<String> = Vec::new();
        for setting in &self.extra_config {
            args.extend(["-c".to_owned(), setting.clone()]);
        }
        if let Some(key) = &self.sign_with {
            args.extend(["-c".into(), "gpg.format=ssh".into(), "-c".into()]);
            args.push(format!("user.signingkey={}", key.display()));
        }
        args.extend(["commit".into(), "-q".into()]);
        if self.verbatim {
            args.push("--cleanup=verbatim".into());
        }
        args.extend(["-m".into(), self.message.clone()]);
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
        let mut cmd = git_command(dir, &arg_refs);
        people(&mut cmd, self.author, committer, &date);
        run(cmd);
        run(git_command(dir, &["rev-parse", "HEAD"]))
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

/// Sets the author and committer (name, email) and both dates of `cmd`.
pub fn people(cmd: &mut Command, author: (&str, &str), committer: (&str, &str), date: &str) {
    cmd.env("GIT_AUTHOR_NAME", author.0)
        .env("GIT_AUTHOR_EMAIL", author.1)
        .env("GIT_COMMITTER_NAME", committer.0)
        .env("GIT_COMMITTER_EMAIL", committer.1)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date);
}

/// `git` in `dir`, isolated from the user's and the machine's git
/// configuration and from any enclosing hook's environment; no identity.
pub fn isolated(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir);
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
        .env("GIT_CONFIG_NOSYSTEM", "1");
    cmd
}

/// `git args…` in `dir`, [`isolated`], as Alice Author at [`START`], in the
/// C locale.
pub fn git_command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = isolated(dir);
    cmd.args(args);
    let start = format!("@{START} +0000");
    people(
        &mut cmd,
        ("Alice Author", "alice@example.com"),
        ("Alice Author", "alice@example.com"),
        &start,
    );
    cmd.env("LC_ALL", "C");
    cmd
}

/// Runs `cmd`, asserts success, returns stdout without the final newlines.
pub fn run(cmd: Command) -> String {
    run_with_stdin(cmd, b"")
}

/// [`run`] with `stdin` as standard input.
pub fn run_with_stdin(cmd: Command, stdin: &[u8]) -> String {
    output(cmd, stdin).trim_end_matches('\n').to_owned()
}

/// Runs `cmd` with `stdin` as standard input, asserts success, returns all
/// of stdout.
pub fn output(mut cmd: Command, stdin: &[u8]) -> String {
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
    String::from_utf8_lossy(&stdout).into_owned()
}
