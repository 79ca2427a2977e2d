//! Issue 10: OpenPGP-signed approvals, differential against git.
//!
//! Real keys from `gpg --batch --quick-gen-key` (ed25519 with its cv25519
//! subkey, rsa3072, a certify-only key with a signing subkey, a key that
//! expired, a revoked key, keys outside the keyring or for another email),
//! real `git commit -S` / `git tag -s` with `gpg.program=gpg`. Every
//! approval's govlint strength is compared with what `git verify-commit` /
//! `git verify-tag` says with a `GNUPGHOME` whose keyring holds exactly the
//! keys committed under `trust.openpgp_keys`: git's verdict is `signed` when
//! it exits 0 having printed `GOODSIG` (git itself demands that; the
//! "not certified with a trusted signature" warning does not change its
//! exit code, and no `gpg.minTrustLevel` is set) and a valid user ID of the
//! key (`gpg --with-colons`: validity neither `r` nor `e`) has the
//! approver's email.
//!
//! One case differs on purpose (README, "Design notes"): a key that was
//! valid at the commit's time and has expired since. git asks gpg about
//! *now* and refuses it; govlint judges the approval at the commit's time.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::support::*;
use crate::support::{git_command, Repo};

const KEYS: &str = ".govlint/openpgp";
/// gpg's status keywords that give a signature's verdict.
const STATUS_WORDS: [&str; 7] = [
    "GOODSIG",
    "EXPSIG",
    "EXPKEYSIG",
    "REVKEYSIG",
    "BADSIG",
    "ERRSIG",
    "NO_PUBKEY",
];

/// A temporary `GNUPGHOME`; its agent is stopped when dropped.
struct GnupgHome {
    dir: tempfile::TempDir,
}

impl GnupgHome {
    fn new() -> GnupgHome {
        let dir = tempfile::Builder::new()
            .prefix("gpg")
            .tempdir_in("/tmp")
            .expect("GNUPGHOME");
        GnupgHome { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `gpg --batch …` in this home; asserts success; returns stdout.
    fn gpg(&self, args: &[&str]) -> String {
        self.gpg_stdin(args, b"")
    }

    fn gpg_stdin(&self, args: &[&str], stdin: &[u8]) -> String {
        use std::io::Write;
        let mut cmd = Command::new("gpg");
        cmd.env("GNUPGHOME", self.path())
            .args(["--batch", "--pinentry-mode", "loopback", "--passphrase", ""])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("gpg runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin)
            .expect("write");
        let out = child.wait_with_output().expect("gpg finishes");
        assert!(
            out.status.success(),
            "gpg {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `--quick-gen-key`; returns the primary key's fingerprint.
    fn gen(&self, extra: &[&str], uid: &str, algo: &str, usage: &str, expire: &str) -> String {
        let mut args = extra.to_vec();
        args.extend(["--quick-gen-key", uid, algo, usage, expire]);
        self.gpg(&args);
        self.fingerprint(uid)
    }

    fn fingerprint(&self, uid: &str) -> String {
        let listing = self.gpg(&["--with-colons", "--list-keys", &format!("={uid}")]);
        listing
            .lines()
            .find_map(|l| l.strip_prefix("fpr:"))
            .and_then(|l| l.split(':').find(|f| !f.is_empty()))
            .expect("fingerprint")
            .to_owned()
    }

    /// A revocation certificate for `fpr` with reason `reason` (gpg's menu:
    /// 1 compromised, 2 superseded, 3 no longer used). `--gen-revoke` will
    /// not run with `--batch`; `--no-tty` and `--command-fd` answer it.
    fn revocation(&self, fpr: &str, reason: &str) -> String {
        self.answer(
            &["--armor", "--gen-revoke", fpr],
            &format!("y\n{reason}\nlost\n\ny\n"),
        )
    }

    /// Revokes `fpr`'s first subkey (`--edit-key`, answered on stdin).
    fn revoke_first_subkey(&self, fpr: &str) {
        self.answer(&["--edit-key", fpr], "key 1\nrevkey\ny\n0\n\ny\nsave\n");
    }

    /// Runs an interactive gpg command with `answers` on `--command-fd`.
    fn answer(&self, args: &[&str], answers: &str) -> String {
        use std::io::Write;
        let mut child = Command::new("gpg")
            .env("GNUPGHOME", self.path())
            .args([
                "--no-tty",
                "--pinentry-mode",
                "loopback",
                "--passphrase",
                "",
            ])
            .args(["--command-fd", "0"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("gpg runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(answers.as_bytes())
            .expect("write");
        let out = child.wait_with_output().expect("gpg finishes");
        assert!(
            out.status.success(),
            "gpg {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `gpg --export` without `--armor`: a binary keyring.
    fn export_binary(&self, fpr: &str) -> Vec<u8> {
        let out = Command::new("gpg")
            .env("GNUPGHOME", self.path())
            .args(["--batch", "--export", fpr])
            .output()
            .expect("gpg runs");
        assert!(out.status.success() && !out.stdout.is_empty(), "{out:?}");
        out.stdout
    }

    fn export(&self, fpr: &str) -> String {
        self.gpg(&["--armor", "--export", fpr])
    }

    /// The emails of `fpr`'s valid user IDs.
    fn valid_emails(&self, fpr: &str) -> Vec<String> {
        self.gpg(&["--with-colons", "--list-keys", fpr])
            .lines()
            .filter(|l| l.starts_with("uid:"))
            .filter(|l| !matches!(l.split(':').nth(1), Some("r" | "e")))
            .filter_map(|l| {
                let uid = l.split(':').nth(9)?;
                let open = uid.rfind('<')?;
                Some(uid[open + 1..uid.rfind('>')?].to_lowercase())
            })
            .collect()
    }
}

impl Drop for GnupgHome {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf")
            .env("GNUPGHOME", self.path())
            .args(["--kill", "gpg-agent"])
            .status();
    }
}

/// One approval to compare.
struct Case {
    name: &'static str,
    /// The approving commit (for a tag, the tagged commit).
    commit: String,
    /// `Some(tag)` for a signed tag.
    tag: Option<String>,
    /// govlint and git differ here on purpose.
    deliberate: bool,
}

/// A gpg wrapper for `gpg.program` whose clock is `when` (gpg's
/// `--faked-system-time`), to sign with keys made in the past.
fn gpg_at(dir: &Path, name: &str, when: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!("#!/bin/sh\nexec gpg --faked-system-time {when} \"$@\"\n"),
    )
    .expect("wrapper");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path
}

/// `git commit -S` of an approval of the policy by Jane at `day`, signed
/// with `key` by `program`; returns the commit.
fn approve(repo: &Repo, home: &GnupgHome, program: &Path, key: &str, day: &str) -> String {
    let message = format!(
        "Approve the policy\n\nApproves: {POLICY_ID}\n{}",
        JANE.approved_by()
    );
    let mut cmd = git_command(repo.path());
    cmd.env("GNUPGHOME", home.path())
        .args(["-c", &format!("gpg.program={}", program.display())])
        .args(["-c", &format!("user.signingkey={key}")])
        .args(["commit", "-q", "--allow-empty", "-S", "-m", &message]);
    crate::support::git::people(
        &mut cmd,
        (JANE.name, JANE.email),
        (JANE.name, JANE.email),
        &at(day),
    );
    crate::support::git::output(cmd, b"");
    head(repo)
}

/// git's verdict on `case` with `home` as the only keyring.
fn git_verdict(repo: &Repo, home: &GnupgHome, case: &Case) -> (bool, String) {
    let mut cmd = git_command(repo.path());
    cmd.env("GNUPGHOME", home.path())
        .args(["-c", "gpg.program=gpg"]);
    match &case.tag {
        Some(tag) => cmd.args(["verify-tag", "--raw", tag]),
        None => cmd.args(["verify-commit", "--raw", &case.commit]),
    };
    let out = cmd.output().expect("git verify runs");
    let status = String::from_utf8_lossy(&out.stderr).into_owned();
    let good = out.status.success() && status.contains("[GNUPG:] GOODSIG ");
    let primary = status
        .lines()
        .find_map(|l| l.strip_prefix("[GNUPG:] VALIDSIG "))
        .and_then(|l| l.split_whitespace().last())
        .map(str::to_owned);
    let word = status
        .lines()
        .filter_map(|l| l.strip_prefix("[GNUPG:] "))
        .filter_map(|l| l.split_whitespace().next())
        .find(|w| STATUS_WORDS.contains(w))
        .unwrap_or("no status")
        .to_owned();
    let signed =
        good && primary.is_some_and(|p| home.valid_emails(&p).contains(&JANE.email.to_owned()));
    (signed, word)
}

#[test]
fn openpgp_verdicts_equal_git_verify_commit_and_verify_tag() {
    let signer = GnupgHome::new();
    let scratch = GnupgHome::new();
    let repo = isms(&strength_rules());
    repo.write(
        "govlint.yaml",
        &format!("{CONFIG}trust:\n  openpgp_keys: {KEYS}\n"),
    );
    let gpg = PathBuf::from("gpg");
    let tools = tempfile::tempdir().expect("tools");

    // Keys. `future-default` is ed25519 with a cv25519 encryption subkey.
    let ed = signer.gen(
        &[],
        "Jane Doe <jane@acme.example>",
        "future-default",
        "default",
        "never",
    );
    let rsa = signer.gen(
        &[],
        "Jane RSA <jane@acme.example>",
        "rsa3072",
        "sign",
        "never",
    );
    let sub = signer.gen(
        &[],
        "Jane Sub <jane@acme.example>",
        "ed25519",
        "cert",
        "never",
    );
    signer.gpg(&["--quick-add-key", &sub, "ed25519", "sign", "never"]);
    let bob = signer.gen(
        &[],
        "Bob Builder <bob@acme.example>",
        "ed25519",
        "sign",
        "never",
    );
    let outsider = signer.gen(
        &[],
        "Jane Laptop <jane@acme.example>",
        "ed25519",
        "sign",
        "never",
    );
    // Made on 2025-05-01, expired on 2025-05-31.
    let old = ["--faked-system-time", "20250501T120000"];
    let expired = signer.gen(
        &old,
        "Jane Old <jane@acme.example>",
        "ed25519",
        "sign",
        "30d",
    );
    // Made on 2025-06-01, valid until 2025-07-31: long enough to approve in June.
    let june = ["--faked-system-time", "20250601T120000"];
    let lapsed = signer.gen(
        &june,
        "Jane June <jane@acme.example>",
        "ed25519",
        "sign",
        "60d",
    );
    let revoked = signer.gen(
        &[],
        "Jane Lost <jane@acme.example>",
        "ed25519",
        "sign",
        "never",
    );
    let later = signer.gen(
        &[],
        "Jane Later <jane@acme.example>",
        "ed25519",
        "sign",
        "never",
    );
    let added = signer.gen(
        &[],
        "Jane New <jane@acme.example>",
        "ed25519",
        "sign",
        "never",
    );
    // Jane's address on this key is a revoked user ID; only the other one counts.
    let moved = signer.gen(
        &[],
        "Jane Two <jane@two.example>",
        "ed25519",
        "sign",
        "never",
    );
    signer.gpg(&["--quick-add-uid", &moved, "Jane Doe <jane@acme.example>"]);
    signer.gpg(&["--quick-revoke-uid", &moved, "Jane Doe <jane@acme.example>"]);

    // The revoked key's public half with gpg's own revocation certificate
    // (made at generation), revoked in a scratch home so that the signer can
    // still sign with it.
    scratch.gpg_stdin(&["--import"], signer.export(&revoked).as_bytes());
    let cert = std::fs::read_to_string(
        signer
            .path()
            .join("openpgp-revocs.d")
            .join(format!("{revoked}.rev")),
    )
    .expect("revocation certificate")
    .replace(":-----BEGIN", "-----BEGIN");
    scratch.gpg_stdin(&["--import"], cert.as_bytes());

    // A signing subkey that expired (made on 2025-05-01 for 30 days), and
    // one revoked in a copy of the signer's home (the signer can still sign).
    let subexp = signer.gen(
        &old,
        "Jane Sub Old <jane@acme.example>",
        "ed25519",
        "cert",
        "never",
    );
    signer.gpg(&[
        "--faked-system-time",
        "20250501T120000",
        "--quick-add-key",
        &subexp,
        "ed25519",
        "sign",
        "30d",
    ]);
    let subrev = signer.gen(
        &[],
        "Jane Sub Lost <jane@acme.example>",
        "ed25519",
        "cert",
        "never",
    );
    signer.gpg(&["--quick-add-key", &subrev, "ed25519", "sign", "never"]);
    let revoker = GnupgHome::new();
    revoker.gpg_stdin(
        &["--import"],
        signer
            .gpg(&["--armor", "--export-secret-keys", &subrev])
            .as_bytes(),
    );
    revoker.revoke_first_subkey(&subrev);

    let trusted = [&ed, &sub, &bob, &expired, &lapsed, &later, &moved, &subexp];
    for fpr in trusted {
        repo.write(&format!("{KEYS}/{fpr}.asc"), &signer.export(fpr));
    }
    // In a subfolder, as a binary keyring.
    repo.write_bytes(
        &format!("{KEYS}/rsa/{rsa}.gpg"),
        &signer.export_binary(&rsa),
    );
    repo.write(&format!("{KEYS}/{revoked}.asc"), &scratch.export(&revoked));
    repo.write(&format!("{KEYS}/{subrev}.asc"), &revoker.export(&subrev));
    let keys_commit = commit(&repo, "Trust approvers' OpenPGP keys", CLERK, "2025-06-10").run();

    let mut cases = Vec::new();
    let mut case = |name, commit: String, deliberate| {
        cases.push(Case {
            name,
            commit,
            tag: None,
            deliberate,
        });
    };
    let in_june = gpg_at(tools.path(), "gpg-june", "20250620T100000");
    case(
        "key valid then, expired since",
        approve(&repo, &signer, &in_june, &lapsed, "2025-06-20"),
        true,
    );
    case(
        "ed25519 (cv25519 subkey)",
        approve(&repo, &signer, &gpg, &ed, "2026-01-05"),
        false,
    );
    case(
        "rsa3072 (binary keyring in a subfolder)",
        approve(&repo, &signer, &gpg, &rsa, "2026-01-06"),
        false,
    );
    case(
        "signing subkey",
        approve(&repo, &signer, &gpg, &sub, "2026-01-07"),
        false,
    );
    case(
        "key not in openpgp_keys",
        approve(&repo, &signer, &gpg, &outsider, "2026-01-08"),
        false,
    );
    case(
        "key for another email",
        approve(&repo, &signer, &gpg, &bob, "2026-01-09"),
        false,
    );
    let in_may = gpg_at(tools.path(), "gpg-may", "20250515T100000");
    case(
        "expired key",
        approve(&repo, &signer, &in_may, &expired, "2026-01-10"),
        false,
    );
    case(
        "revoked key",
        approve(&repo, &signer, &gpg, &revoked, "2026-01-11"),
        false,
    );
    case(
        "approver's user ID revoked",
        approve(&repo, &signer, &gpg, &moved, "2026-01-12"),
        false,
    );
    // The approving commit adds its own key: it cannot vouch for itself.
    repo.write(&format!("{KEYS}/{added}.asc"), &signer.export(&added));
    repo.git(&["add", "-A"]);
    case(
        "key added by the approving commit",
        approve(&repo, &signer, &gpg, &added, "2026-01-14"),
        true,
    );
    // A key revoked (compromised) in a later commit: the approval was
    // judged with the keys as they stood before it.
    case(
        "key revoked after the approval",
        approve(&repo, &signer, &gpg, &later, "2026-01-15"),
        true,
    );
    scratch.gpg_stdin(&["--import"], signer.export(&later).as_bytes());
    scratch.gpg_stdin(&["--import"], signer.revocation(&later, "1").as_bytes());
    repo.write(&format!("{KEYS}/{later}.asc"), &scratch.export(&later));
    commit(&repo, "Revoke Jane's lost laptop key", CLERK, "2026-01-16").run();
    case(
        "expired signing subkey",
        approve(&repo, &signer, &in_may, &subexp, "2026-01-18"),
        false,
    );
    case(
        "revoked signing subkey",
        approve(&repo, &signer, &gpg, &subrev, "2026-01-19"),
        false,
    );

    // A signed tag on the commit that added the keys.
    let tag_message = format!(
        "Approve the policy\n\nApproves: {POLICY_ID}\n{}",
        JANE.approved_by()
    );
    let mut cmd = git_command(repo.path());
    cmd.env("GNUPGHOME", signer.path())
        .args([
            "-c",
            "gpg.program=gpg",
            "-c",
            &format!("user.signingkey={ed}"),
        ])
        .args([
            "tag",
            "-s",
            "-m",
            &tag_message,
            "policy-approved",
            &keys_commit,
        ]);
    crate::support::git::people(
        &mut cmd,
        (JANE.name, JANE.email),
        (JANE.name, JANE.email),
        &at("2026-01-13"),
    );
    crate::support::git::output(cmd, b"");
    cases.push(Case {
        name: "signed tag",
        commit: keys_commit.clone(),
        tag: Some("policy-approved".to_owned()),
        deliberate: false,
    });

    // A tampered commit: a good ed25519 approval whose message was changed
    // afterwards, its signature kept, in place of the original.
    let valid = approve(&repo, &signer, &gpg, &ed, "2026-01-20");
    let raw =
        raw_commit(&repo, &valid).replace("Approve the policy", "Approve the policy, version 2");
    let id = crate::support::git::write_commit_object(repo.path(), raw.as_bytes());
    repo.git(&["update-ref", "HEAD", &id]);
    cases.push(Case {
        name: "tampered commit",
        commit: id,
        tag: None,
        deliberate: false,
    });

    // The verifying keyring: exactly the files under trust.openpgp_keys.
    let verify = GnupgHome::new();
    for file in key_files(&repo.path().join(KEYS)) {
        verify.gpg_stdin(&["--import"], &std::fs::read(file).expect("key file"));
    }

    let trail = log_json(&repo);
    let mut table =
        String::from("| case | govlint | git (gpg status) | govlint note |\n|---|---|---|---|\n");
    let mut wrong = Vec::new();
    for case in &cases {
        let event = events(&trail)
            .iter()
            .find(|e| {
                e["commit"] == case.commit.as_str() && (e["tag"].is_string() == case.tag.is_some())
            })
            .unwrap_or_else(|| panic!("no event for {}: {trail:#}", case.name));
        let ours = event["strength"] == "signed";
        let (theirs, word) = git_verdict(&repo, &verify, case);
        let verdict = |signed: bool| if signed { "signed" } else { "not signed" };
        let _ = writeln!(
            table,
            "| {} | {} | {} ({word}) | {} |",
            case.name,
            verdict(ours),
            verdict(theirs),
            event["note"].as_str().unwrap_or("")
        );
        let agree = ours == theirs;
        if agree == case.deliberate {
            wrong.push(case.name);
        }
    }
    #[allow(
        clippy::print_stderr,
        reason = "the table is the test's report (shown with --nocapture)"
    )]
    {
        eprintln!("{table}");
    }
    assert!(
        wrong.is_empty(),
        "verdicts differ from git's for {wrong:?}:\n{table}"
    );
}

/// The note of the only approval event of the policy whose commit is `id`.
fn note_of(repo: &Repo, id: &str) -> (String, String) {
    let trail = log_json(repo);
    let event = events(&trail)
        .iter()
        .find(|e| e["commit"] == id)
        .unwrap_or_else(|| panic!("no event for {id}: {trail:#}"));
    (
        event["strength"].as_str().unwrap_or("").to_owned(),
        event["note"].as_str().unwrap_or("").to_owned(),
    )
}

#[test]
fn one_file_of_keys_x509_and_no_keys_configured() {
    let signer = GnupgHome::new();
    let gpg = PathBuf::from("gpg");
    let ed = signer.gen(
        &[],
        "Jane Doe <jane@acme.example>",
        "ed25519",
        "sign",
        "never",
    );
    let rsa = signer.gen(
        &[],
        "Jane RSA <jane@acme.example>",
        "rsa3072",
        "sign",
        "never",
    );

    // trust.openpgp_keys names one file holding two armoured blocks.
    let repo = isms(&strength_rules());
    repo.write(
        "govlint.yaml",
        &format!("{CONFIG}trust:\n  openpgp_keys: .govlint/approvers.asc\n"),
    );
    let both = format!(
        "# Jane's keys\n{}\n{}",
        signer.export(&ed),
        signer.export(&rsa)
    );
    repo.write(".govlint/approvers.asc", &both);
    commit(&repo, "Trust Jane's keys", CLERK, "2025-06-10").run();
    let second = approve(&repo, &signer, &gpg, &rsa, "2026-01-05");
    assert_eq!(
        note_of(&repo, &second),
        (
            "signed".to_owned(),
            "OpenPGP signature verified against trust.openpgp_keys".to_owned()
        )
    );

    // An X.509 (gpgsm) signature is said to be unverified, plainly.
    let approval = approve(&repo, &signer, &gpg, &ed, "2026-01-06");
    let raw = raw_commit(&repo, &approval);
    let unsigned: String = {
        let header = gpgsig_header(&raw);
        raw.replacen(&header, "", 1)
    };
    let x509 = "-----BEGIN SIGNED MESSAGE-----\nMIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhkiG9w0B\n-----END SIGNED MESSAGE-----\n";
    let forged = replace_head_with(&repo, &unsigned, &as_gpgsig(x509));
    let (strength, note) = note_of(&repo, &forged);
    assert_ne!(strength, "signed");
    assert!(
        note.starts_with("X.509 signature present, not verified"),
        "{note}"
    );

    // Without trust.openpgp_keys the note says what to configure.
    let bare = isms(&strength_rules());
    let id = approve(&bare, &signer, &gpg, &ed, "2026-01-05");
    let (strength, note) = note_of(&bare, &id);
    assert_eq!(strength, "self", "{note}");
    assert!(
        note.contains("trust.openpgp_keys is not configured"),
        "{note}"
    );
}

/// Every file under `dir`, at any depth.
fn key_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(key_files(&path));
        } else {
            out.push(path);
        }
    }
    out
}
