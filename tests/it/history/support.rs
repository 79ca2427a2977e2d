//! Shared builders for the history tests: people, records, rules, and
//! commits, keys and crafted signatures in their terms (made by the shared
//! git builder, `crate::support::git`), and running govlint.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde_json::Value;

pub(super) use crate::support::git::{as_gpgsig, ssh_sign};
use crate::support::{diagnostics, git, Output, Repo};

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

/// A commit of everything in the work tree, being described: the shared
/// builder, with the people of these tests.
pub(super) struct Commit<'r>(git::CommitBuilder<'r>);

/// Starts a commit authored and committed by `by` at 10:00 UTC on `day`.
pub(super) fn commit<'r>(repo: &'r Repo, message: &str, by: Who, day: &str) -> Commit<'r> {
    Commit(repo.commit(message, (by.name, by.email), &at(day)))
}

pub(super) fn at(day: &str) -> String {
    format!("{day}T10:00:00Z")
}

impl Commit<'_> {
    pub(super) fn committer(self, who: Who) -> Self {
        Commit(self.0.committer(who.name, who.email))
    }

    pub(super) fn trailer(self, trailer: impl Into<String>) -> Self {
        Commit(self.0.trailer(trailer))
    }

    /// `git commit -S` with `gpg.format=ssh` and this private key.
    pub(super) fn signed(self, key: &Path) -> Self {
        Commit(self.0.sign(key))
    }

    /// `--allow-empty`: an approval that changes nothing.
    pub(super) fn empty(self) -> Self {
        Commit(self.0.allow_empty())
    }

    /// Makes the commit; returns its id.
    pub(super) fn run(self) -> String {
        self.0.run()
    }
}

pub(super) fn head(repo: &Repo) -> String {
    repo.git(&["rev-parse", "HEAD"]).trim().to_owned()
}

/// Runs git as `who` at 10:00 UTC on `day` (merges, tags); returns stdout.
pub(super) fn git_as(repo: &Repo, who: Who, day: &str, args: &[&str]) -> String {
    repo.git_as((who.name, who.email), &at(day), args)
}

/// An ed25519 key pair made by `ssh-keygen -t ed25519 -N ''`, kept inside
/// `.git` so that `git add -A` never commits it. Returns the private key's
/// path and the public key (`ssh-ed25519 AAAA…`).
pub(super) fn keygen(repo: &Repo, name: &str) -> (PathBuf, String) {
    git::keygen(repo.path(), name, "ed25519")
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

/// Writes `raw` with `header` added to its header as a new commit object,
/// moves the current branch to it and returns its id.
pub(super) fn replace_head_with(repo: &Repo, raw: &str, header: &str) -> String {
    let crafted = git::with_header(raw, header);
    let id = git::write_commit_object(repo.path(), crafted.as_bytes());
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
    repo.check_json(extra)
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
