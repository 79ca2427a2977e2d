//! `govlint witness` (SPEC 2.4, 2.5): signed witness tags that the real
//! `git verify-tag` accepts, for every key type ssh-keygen makes and
//! govlint can sign with; the errors that stop it (exit 2); and the
//! attested approvals of pull requests merged by squash or merge commit.

use std::path::PathBuf;
use std::process::Command;

use govlint::history::witness_note::{self, AttestedApproval, WitnessNote};

use crate::support::{git, govlint_env, Output, Repo};

const WITNESS: &str = "ci-witness@acme.example";
const FORGE: (&str, &str) = ("GitHub", "noreply@github.com");
const JANE: (&str, &str) = ("Jane Doe", "jane@acme.example");
const POLICY: &str = "policies/security.md";
const OBJECTIVE: &str = "objectives/obj-1.yaml";

/// An `ssh-keygen -t TYPE [-b BITS] -N PASS` key, inside `.git`.
fn keygen(
    repo: &Repo,
    name: &str,
    key_type: &str,
    bits: Option<&str>,
    pass: &str,
) -> (PathBuf, String) {
    let keys = repo.path().join(".git").join("test-keys");
    std::fs::create_dir_all(&keys).expect("key folder");
    let private = keys.join(name);
    let mut cmd = Command::new("ssh-keygen");
    cmd.args(["-q", "-t", key_type, "-N", pass, "-C", name]);
    if let Some(bits) = bits {
        cmd.args(["-b", bits]);
    }
    cmd.arg("-f").arg(&private);
    git::run(cmd);
    let public = std::fs::read_to_string(private.with_extension("pub")).expect("public key");
    let public = public
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    (private, public)
}

fn person(id: &str, name: &str, email: &str, github: &str) -> String {
    format!("kind: Person\nid: {id}\nname: {name}\nemail: {email}\nroles: [top-management]\ngithub: {github}\n")
}

fn policy(version: &str) -> String {
    format!("---\nkind: Policy\nid: POL-1\ntitle: Security\nversion: \"{version}\"\n---\nBody {version}\n")
}

fn objective(target: &str) -> String {
    format!("kind: Objective\nid: OBJ-1\ntitle: One\ntarget: \"{target}\"\n")
}

/// A governance repository on `main` whose allowed-signers file lists a new
/// `key_type` key for the witness principal, with one commit. Returns the
/// repository and the private key's path.
fn setup(key_type: &str, bits: Option<&str>) -> (Repo, PathBuf) {
    let repo = Repo::new();
    repo.init();
    let (key, public) = keygen(&repo, "witness", key_type, bits, "");
    repo.write(
        "govlint.yaml",
        &format!("version: 1\ntrust:\n  witnesses: [{WITNESS}]\n"),
    );
    repo.write(
        ".govlint/allowed_signers",
        &format!("{WITNESS} namespaces=\"git\" {public}\n"),
    );
    repo.write(
        "people/jane.yaml",
        &person("jane", "Jane Doe", "jane@acme.example", "jane-gh"),
    );
    repo.write(
        "people/bob.yaml",
        &person(
            "bob",
            "Bob Builder",
            "bob@acme.example",
            "[Bob-GH, bob-old]",
        ),
    );
    repo.write(POLICY, &policy("1.0"));
    repo.write(OBJECTIVE, &objective("90%"));
    repo.commit_all("Start the ISMS", "2026-11-01T10:00:00Z");
    (repo, key)
}

/// `govlint witness ARGS` with `env` set.
fn witness(repo: &Repo, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut all = vec!["witness"];
    all.extend_from_slice(args);
    // Neither a CI's repository nor a key leak in from the test's environment.
    let mut env_all: Vec<(&str, &str)> =
        vec![("GITHUB_REPOSITORY", ""), ("GOVLINT_WITNESS_KEY", "")];
    env_all.extend_from_slice(env);
    govlint_env(repo.path(), &all, &env_all)
}

/// `git verify-tag` with the repository's allowed-signers file: success,
/// and what git said.
fn verify_tag(repo: &Repo, tag: &str) -> (bool, String) {
    let mut cmd = git::isolated(repo.path());
    cmd.args([
        "-c",
        "gpg.ssh.allowedSignersFile=.govlint/allowed_signers",
        "verify-tag",
        tag,
    ]);
    let out = cmd.output().expect("git verify-tag runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A miette report on one line: the wrapping and the frame removed.
fn flat(report: &str) -> String {
    report
        .split_whitespace()
        .filter(|w| !matches!(*w, "│" | "×" | "╰─▶" | "├─▶"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn tag_message(repo: &Repo, tag: &str) -> String {
    let raw = repo.git(&["cat-file", "tag", tag]);
    raw.split_once("\n\n").expect("headers").1.to_owned()
}

fn tags(repo: &Repo) -> Vec<String> {
    repo.git(&["tag", "--list"])
        .lines()
        .map(str::to_owned)
        .collect()
}

fn head(repo: &Repo) -> String {
    repo.git(&["rev-parse", "HEAD"]).trim().to_owned()
}

/// Whether this ssh-keygen still makes DSA keys (OpenSSH 10 dropped them).
fn ssh_keygen_makes_dsa() -> bool {
    let dir = tempfile::tempdir().expect("tmp");
    Command::new("ssh-keygen")
        .args(["-q", "-t", "dsa", "-N", "", "-f"])
        .arg(dir.path().join("k"))
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn every_key_type_makes_a_tag_that_git_verifies() {
    let mut types = vec![
        ("ed25519", None),
        ("ecdsa", Some("256")),
        ("ecdsa", Some("384")),
        ("ecdsa", Some("521")),
        ("rsa", Some("3072")),
    ];
    if ssh_keygen_makes_dsa() {
        types.push(("dsa", None));
    }
    for (key_type, bits) in types {
        let (repo, key) = setup(key_type, bits);
        let head = head(&repo);
        let out = witness(&repo, &["--key", key.to_str().unwrap()], &[]);
        assert_eq!(out.code, 0, "{key_type} {bits:?}: {out:?}");
        let tag = out.stdout.trim();
        assert!(tag.starts_with("govlint/witness/20"), "{tag}");
        assert_eq!(tag.len(), "govlint/witness/20261201T101500Z".len(), "{tag}");
        assert_eq!(tags(&repo), [tag]);
        let (ok, said) = verify_tag(&repo, tag);
        assert!(ok, "{key_type} {bits:?}: git verify-tag: {said}");
        assert!(
            said.contains(&format!("Good \"git\" signature for {WITNESS}")),
            "{said}"
        );
        // The tag points at HEAD, names the witness as tagger, and says so.
        assert_eq!(
            repo.git(&["rev-parse", &format!("{tag}^{{commit}}")])
                .trim(),
            head
        );
        let raw = repo.git(&["cat-file", "tag", tag]);
        assert!(
            raw.contains(&format!("\ntagger govlint witness <{WITNESS}> ")),
            "{raw}"
        );
        assert!(
            raw.contains(&format!("\n\ngovlint witness of {head}\n")),
            "{raw}"
        );
        let note = witness_note::parse(&tag_message(&repo, tag));
        assert_eq!(
            note,
            WitnessNote {
                commit: head.clone(),
                pull_request: None,
                approvals: Vec::new()
            }
        );
        // A tampered tag does not verify.
        let mut cmd = git::isolated(repo.path());
        cmd.args(["hash-object", "-t", "tag", "-w", "--stdin"]);
        let forged = git::run_with_stdin(cmd, raw.replace("witness of", "witnesz of").as_bytes());
        repo.git(&["tag", "forged", forged.trim()]);
        assert!(
            !verify_tag(&repo, "forged").0,
            "{key_type}: a tampered tag verified"
        );
    }
}

#[test]
fn the_key_can_come_from_the_environment_and_the_principal_from_the_flag() {
    let (repo, key) = setup("ed25519", None);
    let text = std::fs::read_to_string(&key).unwrap();
    let env = [("GOVLINT_WITNESS_KEY", text.as_str())];
    let out = witness(&repo, &["--principal", WITNESS], &env);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(verify_tag(&repo, out.stdout.trim()).0);

    // The principal names the tagger; what makes a witness is the key,
    // which the allowed-signers file lists for a principal in
    // trust.witnesses (as `git verify-tag` finds the principal by the key).
    // (Each run a second later: a name taken this second is an error.)
    let next_second = || std::thread::sleep(std::time::Duration::from_millis(1100));
    next_second();
    let out = witness(&repo, &["--principal", "ops@acme.example"], &env);
    assert_eq!(out.code, 0, "{out:?}");
    let raw = repo.git(&["cat-file", "tag", out.stdout.trim()]);
    assert!(
        raw.contains("\ntagger govlint witness <ops@acme.example> "),
        "{raw}"
    );
    assert_eq!(tags(&repo).len(), 2);

    // A key the allowed-signers file does not list makes no witness: the
    // tag is not kept, and CI fails instead of pushing it.
    let (other, _) = keygen(&repo, "stranger", "ed25519", None, "");
    next_second();
    let out = witness(&repo, &["--key", other.to_str().unwrap()], &[]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        flat(&out.stderr).contains("would not be a valid witness"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
    assert_eq!(tags(&repo).len(), 2, "{:?}", tags(&repo));
}

#[test]
fn dry_run_prints_the_message_and_creates_nothing() {
    let (repo, _) = setup("ed25519", None);
    let out = witness(&repo, &["--dry-run"], &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        witness_note::parse(&out.stdout).commit,
        head(&repo),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.starts_with("govlint witness of "),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("BEGIN SSH SIGNATURE"));
    assert!(tags(&repo).is_empty());
}

#[test]
fn unusable_keys_and_settings_exit_2() {
    let (repo, _) = setup("ed25519", None);
    let (encrypted, _) = keygen(&repo, "locked", "ed25519", None, "secret passphrase");
    type Case<'a> = (Vec<String>, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case<'_>> = vec![
        (vec![], vec![], "no witness key"),
        (
            vec!["--key".into(), "no/such/key".into()],
            vec![],
            "cannot read the witness key",
        ),
        (
            vec!["--key".into(), encrypted.to_str().unwrap().into()],
            vec![],
            "encrypted",
        ),
        (
            vec![],
            vec![(
                "GOVLINT_WITNESS_KEY",
                "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n",
            )],
            "not in OpenSSH format",
        ),
        (
            vec!["--rev".into(), "no-such-rev".into()],
            vec![],
            "no-such-rev",
        ),
    ];
    for (args, env, says) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = witness(&repo, &args, &env);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(flat(&out.stderr).contains(says), "{args:?}: {}", out.stderr);
        assert!(out.stdout.is_empty());
    }
    assert!(tags(&repo).is_empty());

    // No principal.
    repo.write("govlint.yaml", "version: 1\n");
    let out = witness(&repo, &["--dry-run"], &[]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        flat(&out.stderr).contains("no witness principal"),
        "{}",
        out.stderr
    );

    // A tag pattern with no place for the time.
    repo.write(
        "govlint.yaml",
        &format!("version: 1\ntrust:\n  witnesses: [{WITNESS}]\n  witness_tags: witness\n"),
    );
    let out = witness(&repo, &["--dry-run"], &[]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        flat(&out.stderr).contains("cannot derive a witness tag name"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_custom_tag_pattern_names_the_tag() {
    let (repo, key) = setup("ed25519", None);
    repo.write(
        "govlint.yaml",
        &format!(
            "version: 1\ntrust:\n  witnesses: [{WITNESS}]\n  witness_tags: \"ci/witness-*\"\n"
        ),
    );
    let out = witness(&repo, &["--key", key.to_str().unwrap()], &[]);
    assert_eq!(out.code, 0, "{out:?}");
    let tag = out.stdout.trim();
    assert!(
        tag.starts_with("ci/witness-20") && tag.ends_with('Z'),
        "{tag}"
    );
    assert!(verify_tag(&repo, tag).0);
}

#[test]
fn an_existing_tag_is_never_moved() {
    let (repo, key) = setup("ed25519", None);
    let first = head(&repo);
    repo.write(POLICY, &policy("1.1"));
    repo.commit_all("Policy 1.1", "2026-11-02T10:00:00Z");
    // Take every name the next seconds could give.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    for t in now..now + 30 {
        let name = format!("govlint/witness/{}", stamp(t));
        repo.git(&["tag", &name, &first]);
    }
    let out = witness(&repo, &["--key", key.to_str().unwrap()], &[]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        flat(&out.stderr).contains("already exists"),
        "{}",
        out.stderr
    );
    for t in now..now + 30 {
        let name = format!("govlint/witness/{}", stamp(t));
        assert_eq!(repo.git(&["rev-parse", &name]).trim(), first);
    }
}

/// `20261201T101500Z` for Unix time `t`, by `date`.
fn stamp(t: i64) -> String {
    let mut cmd = Command::new("date");
    cmd.args(["-u", "-d", &format!("@{t}"), "+%Y%m%dT%H%M%SZ"]);
    git::run(cmd)
}

// ---------------------------------------------------------------------------
// Pull requests
// ---------------------------------------------------------------------------

/// One review as GitHub lists it.
fn review(id: u64, login: &str, state: &str, at: &str, commit: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "node_id": "PRR_x",
        "user": { "login": login, "id": 1, "type": "User" },
        "body": "",
        "state": state,
        "html_url": "https://github.com/acme/isms/pull/7#pullrequestreview-1",
        "pull_request_url": "https://api.github.com/repos/acme/isms/pulls/7",
        "author_association": "MEMBER",
        "submitted_at": at,
        "commit_id": commit,
    })
}

struct PullRequest {
    repo: Repo,
    key: PathBuf,
    /// Changed the policy and the objective.
    first: String,
    /// Changed the objective again.
    second: String,
}

/// Branch `feature` off `main`: commit `first` changes the policy and the
/// objective, commit `second` the objective again; `main` moves on with an
/// unrelated file meanwhile.
fn pull_request() -> PullRequest {
    let (repo, key) = setup("ed25519", None);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(POLICY, &policy("2.0"));
    repo.write(OBJECTIVE, &objective("95%"));
    let first = repo
        .commit("Policy 2.0, objective 95%", JANE, "2026-11-03T10:00:00Z")
        .run();
    repo.write(OBJECTIVE, &objective("99%"));
    let second = repo
        .commit("Objective 99%", JANE, "2026-11-04T10:00:00Z")
        .run();
    repo.git(&["checkout", "-q", "main"]);
    repo.write("README.md", "The ISMS\n");
    repo.commit_all("Readme", "2026-11-04T12:00:00Z");
    PullRequest {
        repo,
        key,
        first,
        second,
    }
}

fn squash(pr: &PullRequest) {
    pr.repo.git(&["merge", "-q", "--squash", "feature"]);
    pr.repo
        .commit("Policy 2.0 (#7)", FORGE, "2026-11-05T10:00:00Z")
        .run();
}

fn merge(pr: &PullRequest) {
    pr.repo.git_as(
        FORGE,
        "2026-11-05T10:00:00Z",
        &[
            "merge",
            "-q",
            "--no-ff",
            "-m",
            "Merge pull request #7",
            "feature",
        ],
    );
}

/// `govlint witness --dry-run --pull-request 7 --reviews FILE` with
/// `reviews`, parsed; and the run.
fn attest(
    pr: &PullRequest,
    reviews: &[serde_json::Value],
    extra: &[&str],
) -> (WitnessNote, Output) {
    pr.repo.write(
        ".git/reviews.json",
        &serde_json::to_string_pretty(reviews).unwrap(),
    );
    let mut args = vec![
        "--dry-run",
        "--pull-request",
        "7",
        "--reviews",
        ".git/reviews.json",
        "--repository",
        "acme/isms",
    ];
    args.extend_from_slice(extra);
    let out = witness(&pr.repo, &args, &[]);
    (witness_note::parse(&out.stdout), out)
}

/// (record, login, review id, reviewed commit) of each attested approval.
fn summary(note: &WitnessNote) -> Vec<(String, String, u64, String)> {
    note.approvals
        .iter()
        .map(|a| {
            (
                a.record.clone(),
                a.login.clone(),
                a.review_id,
                a.reviewed_commit.clone(),
            )
        })
        .collect()
}

fn row(record: &str, login: &str, id: u64, commit: &str) -> (String, String, u64, String) {
    (record.to_owned(), login.to_owned(), id, commit.to_owned())
}

#[test]
fn a_squash_merge_attests_what_each_reviewer_saw_unchanged() {
    let pr = pull_request();
    squash(&pr);
    let reviews = [
        // Jane approved the first push; the objective changed after it.
        review(11, "jane-gh", "APPROVED", "2026-11-03T12:00:00Z", &pr.first),
        // Bob approved the last push: both records as merged.
        review(12, "Bob-GH", "APPROVED", "2026-11-04T12:00:00Z", &pr.second),
    ];
    let (note, out) = attest(&pr, &reviews, &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(note.commit, head(&pr.repo));
    assert_eq!(note.pull_request.as_deref(), Some("github:acme/isms#7"));
    assert_eq!(
        summary(&note),
        [
            row("OBJ-1", "Bob-GH", 12, &pr.second),
            row("POL-1", "Bob-GH", 12, &pr.second),
            row("POL-1", "jane-gh", 11, &pr.first),
        ]
    );
    let policy = &note.approvals[1];
    assert_eq!(policy.path, POLICY);
    assert_eq!(policy.submitted_at, "2026-11-04T12:00:00Z");
    assert_eq!(
        policy.blob,
        pr.repo
            .git(&["rev-parse", &format!("HEAD:{POLICY}")])
            .trim()
    );
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
}

#[test]
fn a_merge_commit_attests_what_the_branch_brought_in() {
    let pr = pull_request();
    merge(&pr);
    let reviews = [
        review(11, "jane-gh", "APPROVED", "2026-11-03T12:00:00Z", &pr.first),
        review(12, "bob-gh", "APPROVED", "2026-11-04T12:00:00Z", &pr.second),
    ];
    let (note, out) = attest(&pr, &reviews, &[]);
    assert_eq!(out.code, 0, "{out:?}");
    // README.md changed on main, not in the pull request: never attested.
    assert_eq!(
        summary(&note),
        [
            row("OBJ-1", "bob-gh", 12, &pr.second),
            row("POL-1", "bob-gh", 12, &pr.second),
            row("POL-1", "jane-gh", 11, &pr.first),
        ]
    );
}

#[test]
fn dismissed_and_withdrawn_approvals_attest_nothing() {
    let pr = pull_request();
    squash(&pr);
    let reviews = [
        // GitHub turns a dismissed approval's state into DISMISSED.
        review(
            21,
            "jane-gh",
            "DISMISSED",
            "2026-11-04T12:00:00Z",
            &pr.second,
        ),
        // Bob approved, then asked for changes: withdrawn.
        review(22, "bob-gh", "APPROVED", "2026-11-04T12:00:00Z", &pr.second),
        review(
            23,
            "bob-gh",
            "CHANGES_REQUESTED",
            "2026-11-04T13:00:00Z",
            &pr.second,
        ),
    ];
    let (note, out) = attest(&pr, &reviews, &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(summary(&note), []);
    // A comment after an approval changes nothing; a new approval after
    // changes were requested counts again.
    let reviews = [
        review(22, "bob-gh", "APPROVED", "2026-11-04T12:00:00Z", &pr.second),
        review(
            23,
            "bob-gh",
            "CHANGES_REQUESTED",
            "2026-11-04T13:00:00Z",
            &pr.second,
        ),
        review(24, "bob-gh", "APPROVED", "2026-11-04T14:00:00Z", &pr.second),
        review(
            25,
            "bob-gh",
            "COMMENTED",
            "2026-11-04T15:00:00Z",
            &pr.second,
        ),
    ];
    let (note, _) = attest(&pr, &reviews, &[]);
    assert_eq!(
        summary(&note),
        [
            row("OBJ-1", "bob-gh", 24, &pr.second),
            row("POL-1", "bob-gh", 24, &pr.second)
        ]
    );
}

#[test]
fn an_unknown_login_is_written_with_a_warning() {
    let pr = pull_request();
    squash(&pr);
    let reviews = [review(
        31,
        "zed-contractor",
        "APPROVED",
        "2026-11-04T12:00:00Z",
        &pr.second,
    )];
    let (note, out) = attest(&pr, &reviews, &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(note.approvals.len(), 2);
    assert!(
        flat(&out.stderr)
            .contains("warning: no Person record has the github login `zed-contractor`"),
        "{}",
        out.stderr
    );
}

#[test]
fn missing_reviewed_commits_exit_2_with_the_fetch_command() {
    let pr = pull_request();
    squash(&pr);
    let absent = "0123456789abcdef0123456789abcdef01234567";
    let reviews = [review(
        41,
        "jane-gh",
        "APPROVED",
        "2026-11-04T12:00:00Z",
        absent,
    )];
    let (_, out) = attest(&pr, &reviews, &[]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains(absent), "{}", out.stderr);
    assert!(
        flat(&out.stderr).contains("git fetch origin pull/7/head"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn the_repository_comes_from_the_environment_or_the_origin_remote() {
    let pr = pull_request();
    squash(&pr);
    pr.repo.write(".git/reviews.json", "[]");
    let args = [
        "--dry-run",
        "--pull-request",
        "7",
        "--reviews",
        ".git/reviews.json",
    ];
    let out = witness(&pr.repo, &args, &[]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        flat(&out.stderr).contains("--repository OWNER/REPO"),
        "{}",
        out.stderr
    );

    let out = witness(&pr.repo, &args, &[("GITHUB_REPOSITORY", "acme/from-env")]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        witness_note::parse(&out.stdout).pull_request.as_deref(),
        Some("github:acme/from-env#7")
    );

    pr.repo.git(&[
        "remote",
        "add",
        "origin",
        "git@github.com:acme/from-origin.git",
    ]);
    let out = witness(&pr.repo, &args, &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        witness_note::parse(&out.stdout).pull_request.as_deref(),
        Some("github:acme/from-origin#7")
    );

    // --pull-request needs --reviews.
    let out = witness(&pr.repo, &["--dry-run", "--pull-request", "7"], &[]);
    assert_eq!(out.code, 2, "{out:?}");
}

#[test]
fn a_signed_pull_request_witness_carries_its_approvals() {
    let pr = pull_request();
    merge(&pr);
    let reviews = [review(
        12,
        "bob-gh",
        "APPROVED",
        "2026-11-04T12:00:00Z",
        &pr.second,
    )];
    pr.repo.write(
        ".git/reviews.json",
        &serde_json::to_string(&reviews).unwrap(),
    );
    let out = witness(
        &pr.repo,
        &[
            "--key",
            pr.key.to_str().unwrap(),
            "--pull-request",
            "7",
            "--reviews",
            ".git/reviews.json",
            "--repository",
            "acme/isms",
        ],
        &[],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let tag = out.stdout.trim();
    assert!(verify_tag(&pr.repo, tag).0);
    let note = witness_note::parse(&tag_message(&pr.repo, tag));
    let objective_blob = pr
        .repo
        .git(&["rev-parse", &format!("HEAD:{OBJECTIVE}")])
        .trim()
        .to_owned();
    assert_eq!(
        note.approvals[0],
        AttestedApproval {
            record: "OBJ-1".into(),
            path: OBJECTIVE.into(),
            blob: objective_blob,
            login: "bob-gh".into(),
            review_id: 12,
            submitted_at: "2026-11-04T12:00:00Z".into(),
            reviewed_commit: pr.second.clone(),
        }
    );
    assert!(
        out.stderr.contains("2 attested approvals"),
        "{}",
        out.stderr
    );

    // What the reading side makes of it: Bob's review is an `attested`
    // approval of the objective, bounded by the witness.
    let log = govlint_env(pr.repo.path(), &["log", "OBJ-1", "--format", "json"], &[]);
    let trail: serde_json::Value = serde_json::from_str(&log.stdout).expect("JSON");
    let attested: Vec<&serde_json::Value> = trail["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["strength"] == "attested")
        .collect();
    assert_eq!(attested.len(), 1, "{trail:#}");
    assert_eq!(attested[0]["person"], "bob", "{trail:#}");
    assert_eq!(attested[0]["review"], 12, "{trail:#}");
    assert_eq!(attested[0]["landing"]["witness"], tag, "{trail:#}");
}

/// The example's pull-request witness says exactly what `govlint witness`
/// computes from Tom's review: the simulated CI run is the real one.
#[test]
fn the_examples_attested_approval_is_what_the_command_computes() {
    let repo = Repo::example();
    let reviewed = repo
        .git(&["rev-parse", "refs/pull/12/head"])
        .trim()
        .to_owned();
    let reviews = [
        review(
            2_417_583_877,
            "priya-sharma",
            "COMMENTED",
            "2026-10-27T16:00:00Z",
            &reviewed,
        ),
        review(
            2_417_583_901,
            "tom-nguyen",
            "APPROVED",
            "2026-10-28T08:40:00Z",
            &reviewed,
        ),
    ];
    repo.write(
        ".git/reviews.json",
        &serde_json::to_string(&reviews).unwrap(),
    );
    let out = witness(
        &repo,
        &[
            "--dry-run",
            "--pull-request",
            "12",
            "--reviews",
            ".git/reviews.json",
            "--repository",
            "acme/isms",
        ],
        &[],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
    let computed = witness_note::parse(&out.stdout);
    let stored = witness_note::parse(&tag_message(&repo, "govlint/witness/20261028T091600Z"));
    assert_eq!(computed, stored);
    assert_eq!(stored.approvals.len(), 1);
}
