//! Shared builders for the history tests: people, records, rules, commits,
//! keys and running govlint.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::support::{diagnostics, git_command, Output, Repo};

// ---------------------------------------------------------------------------
// People, records and rules
// ---------------------------------------------------------------------------

/// Someone as git records them.
#[derive(Debug, Clone, Copy)]
pub(super) struct Who {
    pub(super) name: &'static str,
    pub(super) email: &'static str,
}

impl Who {
    pub(super) fn approved_by(self) -> String {
        format!("Approved-by: {} <{}>", self.name, self.email)
    }

    pub(super) fn reviewed_by(self) -> String {
        format!("Reviewed-by: {} <{}>", self.name, self.email)
    }
}

/// Top management.
pub(super) const JANE: Who = Who {
    name: "Jane Doe",
    email: "jane@acme.example",
};
/// Top management too.
pub(super) const CAROL: Who = Who {
    name: "Carol Chief",
    email: "carol@acme.example",
};
/// Operations, not top management.
pub(super) const BOB: Who = Who {
    name: "Bob Builder",
    email: "bob@acme.example",
};
/// Makes the routine commits; no Person record lists this email.
pub(super) const CLERK: Who = Who {
    name: "Test Author",
    email: "author@acme.example",
};
/// GitHub's merge bot.
pub(super) const FORGE: Who = Who {
    name: "GitHub",
    email: "noreply@github.com",
};

pub(super) const POLICY: &str = "policies/information-security.md";
pub(super) const POLICY_ID: &str = "POL-IS-001";
pub(super) const SIGNERS: &str = ".govlint/allowed_signers";
pub(super) const CONFIG: &str = "version: 1\npacks: []\n";
/// The rule of the brief: approved by top management within the review
/// interval, unchanged since, at least `self`.
pub(super) const RULE: &str = "acme/policy-approved";

/// `govlint.yaml`, roles, people and the policy (not yet committed).
pub(super) fn write_isms(repo: &Repo, rules: &str) {
    repo.write("govlint.yaml", CONFIG)
        .write("rules/acme.yaml", rules)
        .write(
            "roles/top-management.yaml",
            "kind: Role\nid: top-management\nname: Top management\ntop_management: true\n",
        )
        .write(
            "roles/operations.yaml",
            "kind: Role\nid: operations\nname: Operations\n",
        )
        .write(
            "people/jane.yaml",
            &person("jane", JANE, "[top-management]"),
        )
        .write(
            "people/carol.yaml",
            &person("carol", CAROL, "[top-management]"),
        )
        .write("people/bob.yaml", &person("bob", BOB, "[operations]"))
        .write(POLICY, &policy("1.0", ""));
}

pub(super) fn person(id: &str, who: Who, roles: &str) -> String {
    format!(
        "kind: Person\nid: {id}\nname: {}\nemail: {}\nroles: {roles}\n",
        who.name, who.email
    )
}

/// The information security policy at `version`, with `extra` appended to
/// its body. The body is long enough for git's rename detection to see a
/// small edit as a rename.
pub(super) fn policy(version: &str, extra: &str) -> String {
    let mut text = format!(
        "---\nkind: Policy\nid: {POLICY_ID}\ntitle: Information security policy\n\
         version: \"{version}\"\nowner: top-management\napprover: top-management\n\
         review_interval: P12M\nstatus: approved\n---\n# Information security policy\n\n"
    );
    for clause in [
        "Acme protects the confidentiality, integrity and availability of information.",
        "Top management sets information security objectives every year.",
        "Every employee completes security awareness training when hired.",
        "Risks are assessed at least once a year and after major changes.",
        "Suppliers handling customer data are assessed before contracting.",
        "Incidents are reported to the security team without delay.",
        "Access is granted on a need-to-know basis and reviewed quarterly.",
        "Backups are taken daily and restored in a test every quarter.",
        "This policy is reviewed by top management every twelve months.",
        "Nonconformities are corrected and their causes removed.",
    ] {
        text.push_str("- ");
        text.push_str(clause);
        text.push('\n');
    }
    text.push_str(extra);
    text
}

/// A rule file with one rule per `(id, assertion)`, all about the policy.
pub(super) fn rules(entries: &[(&str, String)]) -> String {
    let mut text = String::from("rules:\n");
    for (id, assertion) in entries {
        text.push_str(&format!(
            "  - id: {id}\n    severity: error\n    message: \"Policy {{{{id}}}} is not approved\"\n    \
             for: {{ kind: Policy }}\n    check:\n      - {assertion}\n"
        ));
    }
    text
}

/// `approved: {…}` (or `reviewed:`) by the policy's `/approver` role within
/// its `/review_interval`, plus `extra` conditions.
pub(super) fn assertion(kind: &str, extra: &str) -> String {
    format!(
        "{kind}: {{ by: {{ field: /approver }}, within: {{ field: /review_interval }}, {extra} }}"
    )
}

/// The rule of the brief, alone.
pub(super) fn standard_rules() -> String {
    rules(&[(
        RULE,
        assertion("approved", "unchanged: true, strength: self"),
    )])
}

/// One rule per strength, otherwise the standard rule.
pub(super) fn strength_rules() -> String {
    rules(&[
        (
            "acme/approved-claimed",
            assertion("approved", "unchanged: true, strength: claimed"),
        ),
        (
            "acme/approved-self",
            assertion("approved", "unchanged: true, strength: self"),
        ),
        (
            "acme/approved-signed",
            assertion("approved", "unchanged: true, strength: signed"),
        ),
    ])
}

/// A repository holding the ISMS, committed on 2025-06-02 by [`CLERK`]
/// without any approval.
pub(super) fn isms(rules: &str) -> Repo {
    let repo = Repo::new();
    repo.init();
    write_isms(&repo, rules);
    commit(&repo, "Set up the ISMS", CLERK, "2025-06-02").run();
    repo
}

// ---------------------------------------------------------------------------
// Commits, tags, keys
// ---------------------------------------------------------------------------

/// A commit of everything in the work tree, being described.
pub(super) struct Commit<'r> {
    pub(super) repo: &'r Repo,
    pub(super) message: String,
    pub(super) author: Who,
    pub(super) committer: Who,
    pub(super) date: String,
    pub(super) trailers: Vec<String>,
    pub(super) key: Option<PathBuf>,
    pub(super) empty: bool,
}

/// Starts a commit authored and committed by `by` at 10:00 UTC on `day`.
pub(super) fn commit<'r>(repo: &'r Repo, message: &str, by: Who, day: &str) -> Commit<'r> {
    Commit {
        repo,
        message: message.to_owned(),
        author: by,
        committer: by,
        date: at(day),
        trailers: Vec::new(),
        key: None,
        empty: false,
    }
}

pub(super) fn at(day: &str) -> String {
    format!("{day}T10:00:00Z")
}

impl Commit<'_> {
    pub(super) fn committer(mut self, who: Who) -> Self {
        self.committer = who;
        self
    }

    pub(super) fn trailer(mut self, trailer: impl Into<String>) -> Self {
        self.trailers.push(trailer.into());
        self
    }

    /// `git commit -S` with `gpg.format=ssh` and this private key.
    pub(super) fn signed(mut self, key: &Path) -> Self {
        self.key = Some(key.to_owned());
        self
    }

    /// `--allow-empty`: an approval that changes nothing.
    pub(super) fn empty(mut self) -> Self {
        self.empty = true;
        self
    }

    /// Makes the commit; returns its id.
    pub(super) fn run(self) -> String {
        let repo = self.repo;
        repo.git(&["add", "-A"]);
        let mut args: Vec<String> = Vec::new();
        if let Some(key) = &self.key {
            args.extend([
                "-c".into(),
                "gpg.format=ssh".into(),
                "-c".into(),
                format!("user.signingkey={}", key.display()),
            ]);
        }
        args.extend(["commit", "-q", "-m", &self.message].map(String::from));
        for t in &self.trailers {
            args.extend(["--trailer".to_owned(), t.clone()]);
        }
        if self.key.is_some() {
            args.push("-S".into());
        }
        if self.empty {
            args.push("--allow-empty".into());
        }
        let out = git_command(repo.path())
            .args(&args)
            .env("GIT_AUTHOR_NAME", self.author.name)
            .env("GIT_AUTHOR_EMAIL", self.author.email)
            .env("GIT_COMMITTER_NAME", self.committer.name)
            .env("GIT_COMMITTER_EMAIL", self.committer.email)
            .env("GIT_AUTHOR_DATE", &self.date)
            .env("GIT_COMMITTER_DATE", &self.date)
            .output()
            .expect("run git commit");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        head(repo)
    }
}

pub(super) fn head(repo: &Repo) -> String {
    repo.git(&["rev-parse", "HEAD"]).trim().to_owned()
}

/// Runs git as `who` at 10:00 UTC on `day` (merges, tags); returns stdout.
pub(super) fn git_as(repo: &Repo, who: Who, day: &str, args: &[&str]) -> String {
    repo.git_as((who.name, who.email), &at(day), args)
}

/// Runs `cmd` with `stdin` as its input; asserts success, returns stdout.
pub(super) fn run_with_stdin(mut cmd: Command, stdin: &[u8]) -> String {
    use std::io::Write as _;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// An ed25519 key pair made by `ssh-keygen -t ed25519 -N ''`, kept inside
/// `.git` so that `git add -A` never commits it. Returns the private key's
/// path and the public key (`ssh-ed25519 AAAA…`).
pub(super) fn keygen(repo: &Repo, name: &str) -> (PathBuf, String) {
    let dir = repo.path().join(".git").join("test-keys");
    std::fs::create_dir_all(&dir).expect("key folder");
    let private = dir.join(name);
    let out = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
        .arg(&private)
        .output()
        .expect("run ssh-keygen");
    assert!(out.status.success(), "{out:?}");
    let public = std::fs::read_to_string(private.with_extension("pub")).expect("public key");
    let public = public.split_whitespace().take(2).collect::<Vec<_>>();
    (private, public.join(" "))
}

/// `ssh-keygen -Y sign -n NAMESPACE` over `data`: an armored signature.
pub(super) fn ssh_sign(key: &Path, namespace: &str, data: &[u8]) -> String {
    let mut cmd = Command::new("ssh-keygen");
    cmd.args(["-q", "-Y", "sign", "-n", namespace, "-f"])
        .arg(key);
    run_with_stdin(cmd, data)
}

/// The raw commit object, as `git cat-file commit` prints it.
pub(super) fn raw_commit(repo: &Repo, rev: &str) -> String {
    repo.git(&["cat-file", "commit", rev])
}

/// The `gpgsig` header of a raw commit (with its continuation lines).
pub(super) fn gpgsig_header(raw: &str) -> String {
    let header = &raw[..raw.find("\n\n").expect("header end") + 1];
    let mut out = String::new();
    let mut inside = false;
    for line in header.split_inclusive('\n') {
        if line.starts_with("gpgsig ") {
            inside = true;
        } else if !line.starts_with(' ') {
            inside = false;
        }
        if inside {
            out.push_str(line);
        }
    }
    assert!(!out.is_empty(), "no gpgsig header in {raw}");
    out
}

/// An armored signature as a `gpgsig` header.
pub(super) fn as_gpgsig(signature: &str) -> String {
    let mut lines = signature.trim_end().lines();
    let mut out = format!("gpgsig {}\n", lines.next().expect("armor"));
    for line in lines {
        out.push(' ');
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Writes `raw` with `header` added to its header as a new commit object,
/// moves the current branch to it and returns its id.
pub(super) fn replace_head_with(repo: &Repo, raw: &str, header: &str) -> String {
    let end = raw.find("\n\n").expect("header end") + 1;
    let crafted = format!("{}{header}{}", &raw[..end], &raw[end..]);
    let mut cmd = git_command(repo.path());
    cmd.args(["hash-object", "-w", "-t", "commit", "--stdin"]);
    let id = run_with_stdin(cmd, crafted.as_bytes()).trim().to_owned();
    repo.git(&["update-ref", "HEAD", &id]);
    id
}

/// Commits `.govlint/allowed_signers` with `content` (by the clerk).
pub(super) fn commit_signers(repo: &Repo, content: &str, day: &str) -> String {
    repo.write(SIGNERS, content);
    commit(repo, "Trust approvers' keys", CLERK, day).run()
}

/// Jane edits the policy to 1.1 and approves it in the same commit
/// (`self`) on 2026-10-01; returns the commit.
pub(super) fn approve_policy_1_1(repo: &Repo) -> String {
    repo.write(POLICY, &policy("1.1", ""));
    commit(repo, "Approve policy 1.1", JANE, "2026-10-01")
        .trailer(JANE.approved_by())
        .run()
}

// ---------------------------------------------------------------------------
// Running govlint
// ---------------------------------------------------------------------------

/// `govlint ARGS` in `dir`, with the history cache off.
pub(super) fn govlint(dir: &Path, args: &[&str]) -> Output {
    crate::support::govlint_in(dir, args)
}

/// `govlint check --format json --today 2026-11-15 EXTRA`: exit code and
/// report.
pub(super) fn check(repo: &Repo, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["check", "--format", "json", "--today", "2026-11-15"];
    args.extend_from_slice(extra);
    let out = govlint(repo.path(), &args);
    let json = serde_json::from_str(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): code={} stdout={} stderr={}",
            out.code, out.stdout, out.stderr
        )
    });
    (out.code, json)
}

/// `govlint log POL-IS-001 --format json`.
pub(super) fn log_json(repo: &Repo) -> Value {
    let out = govlint(repo.path(), &["log", POLICY_ID, "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {out:?}"))
}

/// The one finding of `rule` about the policy; checks its place.
pub(super) fn policy_finding<'a>(json: &'a Value, rule: &str) -> &'a Value {
    let found = diagnostics(json, rule);
    assert_eq!(found.len(), 1, "one `{rule}` finding expected: {json:#}");
    let f = found[0];
    assert_eq!(f["record"], POLICY_ID, "{f:#}");
    assert_eq!(f["kind"], "Policy", "{f:#}");
    assert_eq!(f["file"], POLICY, "{f:#}");
    assert_eq!(f["line"], 2, "the front matter's mapping: {f:#}");
    f
}

pub(super) fn message(f: &Value) -> &str {
    f["message"].as_str().expect("message")
}

/// Asserts that the policy's finding of `rule` says `reason`.
pub(super) fn fails_with(json: &Value, rule: &str, reason: &str) {
    let f = policy_finding(json, rule);
    assert_eq!(f["severity"], "error", "{f:#}");
    assert!(
        message(f).starts_with(&format!("Policy {POLICY_ID} is not approved: ")),
        "{f:#}"
    );
    assert!(message(f).contains(reason), "`{reason}` expected in {f:#}");
}

pub(super) fn passes(json: &Value, rule: &str) {
    assert!(
        diagnostics(json, rule).is_empty(),
        "no `{rule}` finding expected: {json:#}"
    );
}

/// The first 7 digits of a commit id, as approval messages show it.
pub(super) fn short(id: &str) -> &str {
    &id[..7]
}

/// The events of a `govlint log` trail.
pub(super) fn events(trail: &Value) -> &Vec<Value> {
    trail["events"].as_array().expect("events")
}
