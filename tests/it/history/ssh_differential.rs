//! Issue 10: govlint's verdict on an SSH-signed commit or tag is the one git
//! gives, on a corpus of real signatures.
//!
//! Every case is a governance repository in a temporary folder: an
//! allowed-signers file (and perhaps revoked keys, as a list of keys or a
//! KRL made by `ssh-keygen -k`) committed on 2026-09-01, then an approval of
//! the policy signed by real `git commit -S` / `git tag -s` / `git merge -S`
//! with `gpg.format=ssh` and keys, certificates (`ssh-keygen -s`) and KRLs
//! made by `ssh-keygen`. Each is judged three ways:
//!
//! - **git**: `git verify-commit` / `git verify-tag` with
//!   `gpg.ssh.allowedSignersFile` and `gpg.ssh.revocationFile` set to the
//!   files as govlint reads them (before the approving commit);
//! - **ssh-keygen -I**: git never compares the signer with anyone, so whom
//!   the signature speaks for is what the command git runs says with the
//!   approver's email as the principal: `ssh-keygen -Y verify -n git -I
//!   EMAIL -f … [-r …] -Overify-time=…` (the commit time, as git passes it);
//! - **govlint**: the approval's strength and note in `govlint log --format
//!   json`.
//!
//! govlint must find the signature good exactly when git does (`signed`, or
//! "signed, but the key is not listed for the approver's email"), and call
//! the approval `signed` exactly when git and `ssh-keygen -I` both accept
//! it; a refusal's note must name the reason. Any disagreement fails the
//! test, which prints the whole table. Everything runs with `TZ=UTC`.
//!
//! Not in the corpus: `sk-` keys need a FIDO authenticator to sign.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::support::*;
use crate::support::{git_command, Repo};

/// The keys, certificates and KRLs of the corpus, made once.
struct Keys {
    dir: tempfile::TempDir,
}

impl Keys {
    fn new() -> Keys {
        let keys = Keys {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        for (name, args) in [
            ("ed25519", &["-t", "ed25519"][..]),
            ("p256", &["-t", "ecdsa", "-b", "256"]),
            ("p384", &["-t", "ecdsa", "-b", "384"]),
            ("p521", &["-t", "ecdsa", "-b", "521"]),
            ("rsa", &["-t", "rsa", "-b", "3072"]),
            ("dsa", &["-t", "dsa"]),
            ("mallory", &["-t", "ed25519"]),
            ("ca", &["-t", "ed25519"]),
            ("cert-jane", &["-t", "ed25519"]),
            ("cert-old", &["-t", "ed25519"]),
            ("cert-bob", &["-t", "ed25519"]),
            ("cert-future", &["-t", "ed25519"]),
            ("cert-7", &["-t", "ecdsa", "-b", "521"]),
        ] {
            let mut cmd = Command::new("ssh-keygen");
            cmd.args(["-q", "-N", "", "-C", name, "-f"])
                .arg(keys.path(name))
                .args(args);
            succeed(cmd);
        }
        // Certificates signed by the CA: id, principals, validity, serial.
        for (name, id, principals, validity, serial) in [
            (
                "cert-jane",
                "jane-2026",
                "jane@acme.example",
                "20260101:20270101",
                "1",
            ),
            (
                "cert-old",
                "jane-2025",
                "jane@acme.example",
                "20250101:20260101",
                "2",
            ),
            (
                "cert-bob",
                "bob-2026",
                "bob@acme.example",
                "20260101:20270101",
                "3",
            ),
            (
                "cert-future",
                "jane-2027",
                "jane@acme.example",
                "20270101:20280101",
                "4",
            ),
            (
                "cert-7",
                "jane-laptop",
                "jane@acme.example",
                "20260101:20270101",
                "7",
            ),
        ] {
            let mut cmd = Command::new("ssh-keygen");
            cmd.args(["-q", "-s"])
                .arg(keys.path("ca"))
                .args(["-I", id, "-n", principals, "-V", validity, "-z", serial])
                .arg(keys.path(name).with_extension("pub"))
                .env("TZ", "UTC");
            succeed(cmd);
        }
        keys
    }

    /// The private key's path.
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// What git signs with: the certificate, for `cert-*` keys.
    fn signing_key(&self, name: &str) -> PathBuf {
        if name.starts_with("cert-") {
            self.dir.path().join(format!("{name}-cert.pub"))
        } else {
            self.path(name)
        }
    }

    /// `keytype base64` of the public key.
    fn public(&self, name: &str) -> String {
        let line = std::fs::read_to_string(self.path(name).with_extension("pub")).expect("pub");
        line.split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// A KRL made by `ssh-keygen -k` from a specification (`-s` the CA).
    fn krl(&self, spec: &str, with_ca: bool) -> Vec<u8> {
        let spec_file = self.dir.path().join("krl.spec");
        let out = self.dir.path().join("krl.bin");
        std::fs::write(&spec_file, spec).expect("spec");
        let _ = std::fs::remove_file(&out);
        let mut cmd = Command::new("ssh-keygen");
        cmd.args(["-q", "-k", "-f"]).arg(&out);
        if with_ca {
            cmd.arg("-s").arg(self.path("ca").with_extension("pub"));
        }
        cmd.arg(&spec_file);
        succeed(cmd);
        std::fs::read(&out).expect("krl")
    }
}

/// How the approval is made.
#[derive(Debug, Clone, Copy, PartialEq)]
enum How {
    Commit,
    Tag,
    Merge,
    /// A signed commit whose message is then changed, signature kept.
    Tampered,
    /// A signed tag whose message is then changed, signature kept.
    TamperedTag,
}

struct Case {
    name: &'static str,
    key: &'static str,
    signers: String,
    revoked: Option<Vec<u8>>,
    approver: Who,
    how: How,
    /// A word the note must hold when the approval is not `signed`.
    reason: &'static str,
    /// The approval's day (10:00 UTC).
    day: &'static str,
}

const MALLORY: Who = Who {
    name: "Mallory Mole",
    email: "mallory@acme.example",
};

fn case(name: &'static str, key: &'static str, signers: String) -> Case {
    Case {
        name,
        key,
        signers,
        revoked: None,
        approver: JANE,
        how: How::Commit,
        reason: "",
        day: "2026-10-01",
    }
}

impl Case {
    fn by(mut self, who: Who) -> Case {
        self.approver = who;
        self
    }
    fn how(mut self, how: How) -> Case {
        self.how = how;
        self
    }
    fn revoked(mut self, bytes: Vec<u8>) -> Case {
        self.revoked = Some(bytes);
        self
    }
    fn reason(mut self, why: &'static str) -> Case {
        self.reason = why;
        self
    }
}

fn corpus(k: &Keys) -> Vec<Case> {
    let jane = |key: &str| format!("jane@acme.example {}\n", k.public(key));
    let line = |principals: &str, options: &str, key: &str| {
        format!("{principals} {options}{} comment\n", k.public(key))
    };
    let ca = |principals: &str| format!("{principals} cert-authority {}\n", k.public("ca"));
    let ed = k.public("ed25519");
    vec![
        case("ed25519", "ed25519", jane("ed25519")),
        case("ecdsa p256", "p256", jane("p256")),
        case("ecdsa p384", "p384", jane("p384")),
        case("ecdsa p521", "p521", jane("p521")),
        case("rsa (rsa-sha2-512)", "rsa", jane("rsa")),
        case("dsa (ssh-dss)", "dsa", jane("dsa")),
        case("unlisted key", "mallory", jane("ed25519")).reason("not listed"),
        case(
            "listed for bob only",
            "ed25519",
            line("bob@acme.example", "", "ed25519"),
        )
        .reason("not listed"),
        case(
            "wildcard *@",
            "ed25519",
            line("*@acme.example", "", "ed25519"),
        ),
        case(
            "wildcard ?",
            "ed25519",
            line("jan?@acme.example", "", "ed25519"),
        ),
        case(
            "negation, mallory signs",
            "ed25519",
            line("*@acme.example,!mallory@acme.example", "", "ed25519"),
        )
        .by(MALLORY)
        .reason("not listed"),
        case(
            "negation, jane signs",
            "ed25519",
            line("*@acme.example,!mallory@acme.example", "", "ed25519"),
        ),
        case(
            "space in principals, jane",
            "ed25519",
            line("\"carol@acme.example, jane@acme.example\"", "", "ed25519"),
        )
        .reason("not listed"),
        case(
            "space in principals, carol",
            "ed25519",
            line("\"carol@acme.example, jane@acme.example\"", "", "ed25519"),
        )
        .by(CAROL),
        case(
            "upper-case principal",
            "ed25519",
            line("Jane@Acme.example", "", "ed25519"),
        )
        .reason("not listed"),
        case(
            "namespaces=\"git\"",
            "ed25519",
            line("jane@acme.example", "namespaces=\"git\" ", "ed25519"),
        ),
        case(
            "namespaces=\"file\"",
            "ed25519",
            line("jane@acme.example", "namespaces=\"file\" ", "ed25519"),
        )
        .reason("namespaces"),
        case(
            "namespaces=\"file, git\"",
            "ed25519",
            line("jane@acme.example", "namespaces=\"file, git\" ", "ed25519"),
        )
        .reason("namespaces"),
        case(
            "namespaces=\"file,gi?\"",
            "ed25519",
            line("jane@acme.example", "namespaces=\"file,gi?\" ", "ed25519"),
        ),
        case(
            "namespaces=git (unquoted)",
            "ed25519",
            line("jane@acme.example", "namespaces=git ", "ed25519"),
        )
        .reason("not listed"),
        case(
            "options in upper case",
            "ed25519",
            line(
                "jane@acme.example",
                "NAMESPACES=\"git\",Valid-Before=\"20300101Z\" ",
                "ed25519",
            ),
        ),
        case(
            "valid-after in the future",
            "ed25519",
            line("jane@acme.example", "valid-after=\"20300101\" ", "ed25519"),
        )
        .reason(
            "valid-after 2030-01-01 00:00:00 UTC, and the commit time is 2026-10-01 10:00:00 UTC",
        ),
        case(
            "valid-before in the past",
            "ed25519",
            line(
                "jane@acme.example",
                "valid-before=\"20200101Z\" ",
                "ed25519",
            ),
        )
        .reason("valid-before 2020-01-01"),
        case(
            "inside the validity window",
            "ed25519",
            line(
                "jane@acme.example",
                "valid-after=\"202601010000Z\",valid-before=\"20270101000000\" ",
                "ed25519",
            ),
        ),
        case(
            "first line for namespace file, then one for git",
            "ed25519",
            format!(
                "{}{}",
                line("bob@acme.example", "namespaces=\"file\" ", "ed25519"),
                jane("ed25519")
            ),
        )
        .reason("namespaces"),
        case(
            "comments, blank lines, a broken line, then the key",
            "ed25519",
            format!(
                "# approvers\n\n   \t\njane@acme.example not-a-key\n{}",
                jane("ed25519")
            ),
        ),
        case(
            "expired line, then a valid one",
            "ed25519",
            format!(
                "{}{}",
                line("jane@acme.example", "valid-before=\"20200101\" ", "ed25519"),
                jane("ed25519")
            ),
        ),
        case("revoked: key list", "ed25519", jane("ed25519"))
            .revoked(format!("# revoked\n{ed} old laptop\n").into_bytes())
            .reason("revoked"),
        case("revoked: KRL of the key", "p521", jane("p521"))
            .revoked(k.krl(&format!("key: {}\n", k.public("p521")), false))
            .reason("revoked"),
        case("revoked: KRL by SHA256", "ed25519", jane("ed25519"))
            .revoked(k.krl(&format!("sha256: {ed}\n"), false))
            .reason("revoked"),
        case("revoked: KRL by SHA1", "rsa", jane("rsa"))
            .revoked(k.krl(&format!("sha1: {}\n", k.public("rsa")), false))
            .reason("revoked"),
        case(
            "certificate revoked by serial bitmap (KRL)",
            "cert-7",
            ca("*@acme.example"),
        )
        .revoked(k.krl(
            "serial: 1\nserial: 4\nserial: 7\nserial: 12\nserial: 13\n",
            true,
        ))
        .reason("revoked"),
        case(
            "certificate, serial not revoked (KRL)",
            "cert-jane",
            ca("*@acme.example"),
        )
        .revoked(k.krl("serial: 2-9\n", true)),
        case(
            "signed tag, certificate",
            "cert-jane",
            ca("jane@acme.example"),
        )
        .how(How::Tag),
        case("revoked: KRL of another key", "ed25519", jane("ed25519"))
            .revoked(k.krl(&format!("key: {}\n", k.public("mallory")), false)),
        case("certificate", "cert-jane", ca("*@acme.example")),
        case("certificate, ecdsa p521", "cert-7", ca("jane@acme.example")),
        case("certificate expired", "cert-old", ca("*@acme.example")).reason("certificate expired"),
        case(
            "certificate for bob, jane approves",
            "cert-bob",
            ca("*@acme.example"),
        )
        .reason("not listed"),
        case(
            "certificate, CA line without cert-authority",
            "cert-jane",
            line("*@acme.example", "", "ca"),
        )
        .reason("cert-authority"),
        case(
            "certificate revoked by serial (KRL)",
            "cert-7",
            ca("*@acme.example"),
        )
        .revoked(k.krl("serial: 5-9\n", true))
        .reason("revoked"),
        case(
            "certificate revoked by key id (KRL)",
            "cert-jane",
            ca("*@acme.example"),
        )
        .revoked(k.krl("id: jane-2026\n", true))
        .reason("revoked"),
        case(
            "certificate, CA revoked (key list)",
            "cert-jane",
            ca("*@acme.example"),
        )
        .revoked(format!("{}\n", k.public("ca")).into_bytes())
        .reason("revoked"),
        case("signed tag", "ed25519", jane("ed25519")).how(How::Tag),
        case("signed tag, unlisted key", "mallory", jane("ed25519"))
            .how(How::Tag)
            .reason("not listed"),
        case("signed tag, rsa", "rsa", jane("rsa")).how(How::Tag),
        case("signed merge", "p384", jane("p384")).how(How::Merge),
        case(
            "valid-after without Z (read as UTC)",
            "ed25519",
            line(
                "jane@acme.example",
                "valid-after=\"202610011001\" ",
                "ed25519",
            ),
        )
        .reason("valid-after 2026-10-01 10:01:00 UTC"),
        case(
            "certificate not yet valid",
            "cert-future",
            ca("*@acme.example"),
        )
        .reason("not yet valid"),
        case("tampered tag", "ed25519", jane("ed25519"))
            .how(How::TamperedTag)
            .reason("does not match the signed content"),
        case("tampered commit", "ed25519", jane("ed25519"))
            .how(How::Tampered)
            .reason("does not match the signed content"),
    ]
}

/// One row of the table.
struct Row {
    name: &'static str,
    git: bool,
    keygen: bool,
    strength: String,
    note: String,
    agrees: bool,
}

#[test]
#[expect(clippy::print_stderr, reason = "the table is what the test reports")]
fn issue_10_ssh_verdicts_equal_gits() {
    let keys = Keys::new();
    let cases = corpus(&keys);
    assert!(cases.len() >= 24);
    // Two at a time: the machine has two cores.
    let rows: Vec<Row> = std::thread::scope(|s| {
        let (a, b) = cases.split_at(cases.len() / 2);
        let keys = &keys;
        let first = s.spawn(move || a.iter().map(|c| judge(keys, c)).collect::<Vec<_>>());
        let second = s.spawn(move || b.iter().map(|c| judge(keys, c)).collect::<Vec<_>>());
        let mut rows = first.join().expect("first half");
        rows.extend(second.join().expect("second half"));
        rows
    });
    let mut table = String::from(
        "| case | git verify | ssh-keygen -I approver | govlint | note | agrees |\n|---|---|---|---|---|---|\n",
    );
    for r in &rows {
        let verdict = |ok: bool| if ok { "good" } else { "bad" };
        let _ = writeln!(
            table,
            "| {} | {} | {} | {} | {} | {} |",
            r.name,
            verdict(r.git),
            verdict(r.keygen),
            r.strength,
            r.note,
            if r.agrees { "yes" } else { "NO" }
        );
    }
    eprintln!("{table}");
    assert!(
        rows.iter().all(|r| r.agrees),
        "govlint and git disagree:\n{table}"
    );
}

fn judge(keys: &Keys, case: &Case) -> Row {
    let repo = isms(&standard_rules());
    repo.write(
        "people/mallory.yaml",
        &person("mallory", MALLORY, "[operations]"),
    );
    let mut config = String::from(CONFIG);
    if case.revoked.is_some() {
        config.push_str("trust:\n  revoked_keys: .govlint/revoked_keys\n");
        repo.write_bytes(
            ".govlint/revoked_keys",
            case.revoked.as_deref().unwrap_or_default(),
        );
    }
    repo.write("govlint.yaml", &config);
    commit_signers(&repo, &case.signers, "2026-09-01");

    let key = keys.signing_key(case.key);
    let sign = [
        "-c".to_owned(),
        "gpg.format=ssh".to_owned(),
        "-c".to_owned(),
        format!("user.signingkey={}", key.display()),
    ];
    let who = case.approver;
    let message = format!(
        "Approve policy 1.1\n\nApproves: {POLICY_ID}\n{}\n",
        who.approved_by()
    );
    let object = match case.how {
        How::Commit | How::Tampered => {
            repo.write(POLICY, &policy("1.1", ""));
            let id = commit(&repo, "Approve policy 1.1", who, case.day)
                .trailer(who.approved_by())
                .signed(&key)
                .run();
            if case.how == How::Tampered {
                let raw =
                    raw_commit(&repo, &id).replace("Approve policy 1.1", "Approve policy 9.9");
                let forged = crate::support::git::write_commit_object(repo.path(), raw.as_bytes());
                repo.git(&["update-ref", "HEAD", &forged]);
                forged
            } else {
                id
            }
        }
        How::Tag | How::TamperedTag => {
            repo.write(POLICY, &policy("1.1", ""));
            commit(&repo, "Policy 1.1", CLERK, "2026-09-15").run();
            let mut args: Vec<&str> = sign.iter().map(String::as_str).collect();
            args.extend(["tag", "-s", "--cleanup=verbatim", "-m", &message, "v1.1"]);
            git_as(&repo, who, case.day, &args);
            if case.how == How::TamperedTag {
                let raw = repo
                    .git(&["cat-file", "tag", "v1.1"])
                    .replace("Approve policy 1.1", "Approve policy 9.9");
                let forged = crate::support::git::output(
                    {
                        let mut cmd = git_command(repo.path());
                        cmd.args(["hash-object", "-w", "-t", "tag", "--stdin"]);
                        cmd
                    },
                    raw.as_bytes(),
                );
                repo.git(&["update-ref", "refs/tags/v1.1", forged.trim()]);
            }
            "v1.1".to_owned()
        }
        How::Merge => {
            repo.git(&["checkout", "-q", "-b", "edit"]);
            repo.write(POLICY, &policy("1.1", ""));
            commit(&repo, "Policy 1.1", CLERK, "2026-09-15").run();
            repo.git(&["checkout", "-q", "main"]);
            let mut args: Vec<&str> = sign.iter().map(String::as_str).collect();
            args.extend(["merge", "-q", "--no-ff", "-S", "-m", &message, "edit"]);
            git_as(&repo, who, case.day, &args);
            head(&repo)
        }
    };

    // The files as govlint reads them, for git.
    let files = tempfile::tempdir().expect("temp dir");
    let signers = files.path().join("allowed_signers");
    std::fs::write(&signers, &case.signers).expect("write");
    let revoked = case.revoked.as_ref().map(|bytes| {
        let path = files.path().join("revoked_keys");
        std::fs::write(&path, bytes).expect("write");
        path
    });
    let git = git_verifies(&repo, case.how, &object, &signers, revoked.as_deref());
    let keygen = keygen_verifies(
        &repo,
        case.how,
        &object,
        who.email,
        &signers,
        revoked.as_deref(),
        files.path(),
    );

    let trail = log_json(&repo);
    let event = events(&trail)
        .iter()
        .find(|e| match case.how {
            How::Tag | How::TamperedTag => e["tag"] == "v1.1",
            _ => e["commit"] == object.as_str(),
        })
        .unwrap_or_else(|| panic!("{}: no event for {object}: {trail:#}", case.name))
        .clone();
    let strength = event["strength"].as_str().unwrap_or_default().to_owned();
    let note = event["note"].as_str().unwrap_or_default().to_owned();
    let signed = strength == "signed";
    let good = signed || note.starts_with("signed, but");
    let agrees = good == git && signed == (git && keygen) && (signed || note.contains(case.reason));
    Row {
        name: case.name,
        git,
        keygen,
        strength,
        note,
        agrees,
    }
}

/// `git verify-commit` / `git verify-tag` with the same files.
fn git_verifies(
    repo: &Repo,
    how: How,
    object: &str,
    signers: &Path,
    revoked: Option<&Path>,
) -> bool {
    let mut cmd = git_command(repo.path());
    cmd.arg("-c")
        .arg(format!("gpg.ssh.allowedSignersFile={}", signers.display()));
    if let Some(revoked) = revoked {
        cmd.arg("-c")
            .arg(format!("gpg.ssh.revocationFile={}", revoked.display()));
    }
    cmd.arg(if how == How::Tag {
        "verify-tag"
    } else {
        "verify-commit"
    })
    .arg(object)
    .env("TZ", "UTC")
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    cmd.status().expect("git runs").success()
}

/// `ssh-keygen -Y verify -I EMAIL`, as git runs it for a principal.
fn keygen_verifies(
    repo: &Repo,
    how: How,
    object: &str,
    email: &str,
    signers: &Path,
    revoked: Option<&Path>,
    scratch: &Path,
) -> bool {
    let (payload, signature, time) = if is_tag(how) {
        let raw = repo.git(&["cat-file", "tag", object]);
        let at = raw
            .find("-----BEGIN SSH SIGNATURE-----")
            .expect("tag signature");
        let time = git_utc(
            repo,
            &[
                "for-each-ref",
                "--format=%(taggerdate:format-local:%Y%m%d%H%M%S)",
                &format!("refs/tags/{object}"),
            ],
        );
        (raw[..at].to_owned(), raw[at..].to_owned(), time)
    } else {
        let raw = raw_commit(repo, object);
        let header = gpgsig_header(&raw);
        let payload = raw.replacen(&header, "", 1);
        let signature: String = header
            .trim_start_matches("gpgsig ")
            .lines()
            .map(|l| format!("{}\n", l.strip_prefix(' ').unwrap_or(l)))
            .collect();
        let time = git_utc(
            repo,
            &[
                "log",
                "-1",
                "--format=%cd",
                "--date=format-local:%Y%m%d%H%M%S",
                object,
            ],
        );
        (payload, signature, time)
    };
    let sig_file = scratch.join("signature");
    std::fs::write(&sig_file, signature).expect("write");
    let mut cmd = Command::new("ssh-keygen");
    cmd.args(["-Y", "verify", "-n", "git", "-I", email, "-f"])
        .arg(signers)
        .arg("-s")
        .arg(&sig_file)
        .arg(format!("-Overify-time={}", time.trim()));
    if let Some(revoked) = revoked {
        cmd.arg("-r").arg(revoked);
    }
    cmd.env("TZ", "UTC")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().expect("ssh-keygen runs");
    {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(payload.as_bytes()).expect("payload");
    }
    child.wait().expect("ssh-keygen ends").success()
}

fn is_tag(how: How) -> bool {
    matches!(how, How::Tag | How::TamperedTag)
}

/// `git ARGS` with `TZ=UTC`; stdout.
fn git_utc(repo: &Repo, args: &[&str]) -> String {
    let out = git_command(repo.path())
        .args(args)
        .env("TZ", "UTC")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn succeed(mut cmd: Command) {
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
