//! Issue #10, the governed trust root (SPEC 2.3): with `trust.key_admins`,
//! a change to a trust file that no key admin signed is
//! `trust/unapproved-change`, and the keys it added sign nothing; `log` and
//! `audit` name the root of trust.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::support::*;
use crate::support::{diagnostics, Repo};

const GOVERNED: &str = "version: 1\npacks: []\ntrust:\n  key_admins: top-management\n";

/// The ISMS, then the root of trust on 2026-09-01 (by the clerk): Jane's
/// key in the allowed-signers file and `govlint.yaml` as `config`. Returns
/// Jane's and Carol's private keys and Carol's public key.
fn rooted(config: &str) -> (Repo, PathBuf, PathBuf, String) {
    let repo = isms(&strength_rules());
    let (jane, jane_public) = keygen(&repo, "jane");
    let (carol, carol_public) = keygen(&repo, "carol");
    repo.write("govlint.yaml", config);
    commit_signers(
        &repo,
        &format!("{} {jane_public}\n", JANE.email),
        "2026-09-01",
    );
    (repo, jane, carol, carol_public)
}

/// Adds Carol's key on 2026-09-10, committed by the clerk; signed with
/// `key` when given.
fn add_carols_key(repo: &Repo, carol_public: &str, key: Option<&Path>) -> String {
    let current = std::fs::read_to_string(repo.path().join(SIGNERS)).expect("signers");
    repo.write(
        SIGNERS,
        &format!("{current}{} {carol_public}\n", CAROL.email),
    );
    let c = commit(repo, "Trust Carol's key", CLERK, "2026-09-10");
    match key {
        Some(key) => c.signed(key).run(),
        None => c.run(),
    }
}

/// Carol edits the policy to 1.1 and approves it, signed with her key.
fn carol_approves(repo: &Repo, carol: &Path) {
    repo.write(POLICY, &policy("1.1", ""));
    commit(repo, "Approve policy 1.1", CAROL, "2026-10-01")
        .trailer(CAROL.approved_by())
        .signed(carol)
        .run();
}

fn strength_and_note(repo: &Repo) -> (String, String) {
    let trail = log_json(repo);
    let e = events(&trail).last().expect("an approval").clone();
    (
        e["strength"].as_str().unwrap_or_default().to_owned(),
        e["note"].as_str().unwrap_or_default().to_owned(),
    )
}

#[test]
fn a_key_added_without_a_key_admins_signature_is_an_error_and_signs_nothing() {
    let (repo, _jane, carol, carol_public) = rooted(GOVERNED);
    let added = add_carols_key(&repo, &carol_public, None);
    carol_approves(&repo, &carol);

    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    let found = diagnostics(&json, "trust/unapproved-change");
    assert_eq!(found.len(), 1, "{json:#}");
    let f = found[0];
    assert_eq!(f["severity"], "error", "{f:#}");
    assert_eq!(f["file"], SIGNERS, "{f:#}");
    let message = message(f);
    assert!(message.contains(short(&added)), "{message}");
    assert!(message.contains("the commit is not signed"), "{message}");
    // Carol's approval is hers (`self`), but her key does not make it signed.
    passes(&json, "acme/approved-self");
    fails_with(
        &json,
        "acme/approved-signed",
        "counts only as `self`, and at least `signed` is required",
    );
    let (strength, note) = strength_and_note(&repo);
    assert_eq!(strength, "self");
    assert!(
        note.contains(short(&added)) && note.contains("without a key admin's signature"),
        "{note}"
    );
}

#[test]
fn a_key_added_by_a_key_admin_signs() {
    let (repo, jane, carol, carol_public) = rooted(GOVERNED);
    add_carols_key(&repo, &carol_public, Some(&jane));
    carol_approves(&repo, &carol);

    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 0, "{json:#}");
    assert!(
        diagnostics(&json, "trust/unapproved-change").is_empty(),
        "{json:#}"
    );
    assert_eq!(strength_and_note(&repo).0, "signed");
}

#[test]
fn a_change_signed_by_someone_outside_the_role_is_unapproved() {
    let (repo, jane, carol, carol_public) = rooted(GOVERNED);
    // Bob (operations) is listed, and signs the change that adds Carol.
    let (bob, bob_public) = keygen(&repo, "bob");
    let current = std::fs::read_to_string(repo.path().join(SIGNERS)).expect("signers");
    repo.write(SIGNERS, &format!("{current}{} {bob_public}\n", BOB.email));
    commit(&repo, "Trust Bob's key", JANE, "2026-09-05")
        .signed(&jane)
        .run();
    add_carols_key(&repo, &carol_public, Some(&bob));
    carol_approves(&repo, &carol);

    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    let found = diagnostics(&json, "trust/unapproved-change");
    assert_eq!(found.len(), 1, "{json:#}");
    assert!(
        message(found[0]).contains("does not list for a key admin"),
        "{json:#}"
    );
    assert_eq!(strength_and_note(&repo).0, "self");
}

#[test]
fn the_trust_section_of_govlint_yaml_is_governed_and_the_rest_is_not() {
    let (repo, _jane, _carol, _) = rooted(GOVERNED);
    // Not the trust section: no finding.
    repo.write(
        "govlint.yaml",
        &format!("{GOVERNED}history:\n  allow_shallow: false\n"),
    );
    commit(&repo, "Say history is read in full", CLERK, "2026-09-03").run();
    let (_, json) = check(&repo, &[]);
    assert!(
        diagnostics(&json, "trust/unapproved-change").is_empty(),
        "{json:#}"
    );
    // The trust section: dropping the key admins is itself governed.
    repo.write(
        "govlint.yaml",
        "version: 1\npacks: []\ntrust:\n  key_admins: operations\n",
    );
    commit(&repo, "Let operations manage keys", CLERK, "2026-09-04").run();
    let (_, json) = check(&repo, &[]);
    let found = diagnostics(&json, "trust/unapproved-change");
    assert_eq!(found.len(), 1, "{json:#}");
    assert_eq!(found[0]["file"], "govlint.yaml", "{json:#}");
}

#[test]
fn without_key_admins_trust_changes_are_not_governed() {
    let (repo, _jane, carol, carol_public) = rooted(CONFIG);
    add_carols_key(&repo, &carol_public, None);
    carol_approves(&repo, &carol);
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 0, "{json:#}");
    assert!(
        diagnostics(&json, "trust/unapproved-change").is_empty(),
        "{json:#}"
    );
    assert_eq!(strength_and_note(&repo).0, "signed");
}

#[test]
fn log_and_audit_name_the_root_of_trust() {
    let (repo, _jane, _carol, _) = rooted(CONFIG);
    let root = repo.git(&["log", "--format=%H", "-1", "--", SIGNERS]);
    let root = root.trim();
    let out = govlint(repo.path(), &["log", POLICY_ID]);
    assert_eq!(out.code, 0, "{out:?}");
    let line = format!("trust root: commit {root} (2026-09-01) introduced {SIGNERS}");
    assert!(
        out.stdout.contains(&line),
        "{line} expected: {}",
        out.stdout
    );

    let out = govlint(
        repo.path(),
        &["audit", "--format", "json", "--today", "2026-11-15"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let pack: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(
        pack["trust_root"],
        serde_json::json!({"commit": root, "date": "2026-09-01", "file": SIGNERS}),
        "{pack:#}"
    );
    let notes = pack["notes"].to_string();
    assert!(notes.contains("trust root: commit"), "{notes}");
}

#[test]
fn a_key_that_an_unapproved_change_added_cannot_approve_the_next_change() {
    // Carol is top management, so a key admin; but her key came in
    // through an unapproved change, so her signature on the next one does
    // not count either.
    let (repo, _jane, carol, carol_public) = rooted(GOVERNED);
    add_carols_key(&repo, &carol_public, None);
    let (_, bob_public) = keygen(&repo, "bob");
    let current = std::fs::read_to_string(repo.path().join(SIGNERS)).expect("signers");
    repo.write(SIGNERS, &format!("{current}{} {bob_public}\n", BOB.email));
    let second = commit(&repo, "Trust Bob's key", CAROL, "2026-09-20")
        .signed(&carol)
        .run();
    let (_, json) = check(&repo, &[]);
    let found = diagnostics(&json, "trust/unapproved-change");
    assert_eq!(found.len(), 2, "{json:#}");
    let about_second = found
        .iter()
        .map(|f| message(f))
        .find(|m| m.contains(short(&second)))
        .unwrap_or_else(|| panic!("a finding about {second}: {json:#}"));
    assert!(
        about_second.contains("added without a key admin's signature"),
        "{about_second}"
    );
}

#[test]
fn a_key_added_on_a_merged_branch_is_judged_at_its_own_commit() {
    let (repo, _jane, carol, carol_public) = rooted(GOVERNED);
    repo.git(&["checkout", "-q", "-b", "add-carol"]);
    let added = add_carols_key(&repo, &carol_public, None);
    repo.git(&["checkout", "-q", "main"]);
    repo.write("roles/legal.yaml", "kind: Role\nid: legal\nname: Legal\n");
    commit(&repo, "Add the legal role", CLERK, "2026-09-11").run();
    git_as(
        &repo,
        CLERK,
        "2026-09-12",
        &[
            "merge",
            "-q",
            "--no-ff",
            "-m",
            "Merge add-carol",
            "add-carol",
        ],
    );
    carol_approves(&repo, &carol);

    let (_, json) = check(&repo, &[]);
    // The branch's commit is the change; the clean merge only brings it in.
    let found = diagnostics(&json, "trust/unapproved-change");
    assert_eq!(found.len(), 1, "{json:#}");
    assert!(message(found[0]).contains(short(&added)), "{json:#}");
    assert_eq!(strength_and_note(&repo).0, "self");
}
