//! Signed commits and tags made by real `git commit -S` / `git tag -s` with
//! `ssh-keygen` keys, and crafted objects that must not verify.

use std::path::PathBuf;

use super::super::testing::{as_gpgsig, ssh_sign, with_header, TestRepo};
use super::super::{History, HistoryOptions, SignatureStatus};
use super::{build, build_with, open, JANE};

const SIGNERS: &str = ".govlint/allowed_signers";

/// A repository whose first commit lists `line_for(jane's key)` in the
/// allowed-signers file; returns the repo and jane's private key.
fn repo_with_signers(line_for: impl Fn(&str) -> String) -> (TestRepo, PathBuf) {
    let repo = TestRepo::new();
    let (key, public) = repo.keygen("jane");
    repo.write(SIGNERS, line_for(&public));
    repo.commit("Add allowed signers").run();
    (repo, key)
}

fn listed(public: &str) -> String {
    format!("# who may sign approvals\njane@acme.example {public} jane's laptop\n")
}

/// Commits a change to a.yaml approved by Jane, signed with `key`.
fn signed_approval(repo: &TestRepo, key: &std::path::Path, content: &str) -> String {
    repo.write("a.yaml", content);
    repo.commit("Approve A")
        .author("Jane Doe", "jane@acme.example")
        .trailer(JANE)
        .sign(key)
        .run()
}

fn status_of_a(history: &History) -> SignatureStatus {
    let events = history.events("A", "a.yaml");
    assert_eq!(events.len(), 1, "{events:?}");
    events[0].signature.clone()
}

fn reason(status: &SignatureStatus) -> &str {
    match status {
        SignatureStatus::Rejected { reason } => reason,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[test]
fn a_listed_key_verifies() {
    let (repo, key) = repo_with_signers(listed);
    signed_approval(&repo, &key, "id: A\n");
    let status = status_of_a(&build(&repo));
    match &status {
        SignatureStatus::Verified {
            principals,
            fingerprint,
        } => {
            assert_eq!(principals, &["jane@acme.example"]);
            assert!(fingerprint.starts_with("SHA256:"), "{fingerprint}");
        }
        other => panic!("not verified: {other:?}"),
    }
    // OpenSSH matches principals case-sensitively (`match_pattern_list(.., 0)`).
    assert!(status.allows("jane@acme.example"));
    assert!(!status.allows("Jane@Acme.example"));
    assert!(!status.allows("mallory@acme.example"));
}

#[test]
fn ecdsa_and_rsa_keys_verify_too() {
    for key_type in ["ecdsa", "rsa"] {
        let repo = TestRepo::new();
        let (key, public) = repo.keygen_typed("jane", key_type);
        repo.write(SIGNERS, listed(&public));
        repo.commit("Add allowed signers").run();
        signed_approval(&repo, &key, "id: A\n");
        let status = status_of_a(&build(&repo));
        assert!(status.allows("jane@acme.example"), "{key_type}: {status:?}");
    }
}

#[test]
fn a_key_not_yet_valid_is_rejected() {
    let (repo, key) = repo_with_signers(|public| {
        format!("jane@acme.example valid-after=\"20300101\" {public}\n")
    });
    signed_approval(&repo, &key, "id: A\n");
    assert!(reason(&status_of_a(&build(&repo))).contains("not yet valid"));
}

#[test]
fn an_unlisted_key_is_rejected() {
    let (repo, _) = repo_with_signers(listed);
    let (other, _) = repo.keygen("mallory");
    signed_approval(&repo, &other, "id: A\n");
    assert!(reason(&status_of_a(&build(&repo))).contains("not listed"));
}

#[test]
fn an_expired_key_is_rejected() {
    let (repo, key) = repo_with_signers(|public| {
        format!("jane@acme.example valid-before=\"20200101\" {public}\n")
    });
    signed_approval(&repo, &key, "id: A\n");
    assert!(reason(&status_of_a(&build(&repo))).contains("expired"));
}

#[test]
fn a_key_listed_for_other_namespaces_is_rejected() {
    let (repo, key) =
        repo_with_signers(|public| format!("jane@acme.example namespaces=\"file\" {public}\n"));
    signed_approval(&repo, &key, "id: A\n");
    assert!(reason(&status_of_a(&build(&repo))).contains("namespaces"));
}

#[test]
fn a_key_added_in_the_signed_commit_itself_is_rejected() {
    let (repo, _) = repo_with_signers(listed);
    let (newcomer, public) = repo.keygen("newcomer");
    let signers = std::fs::read_to_string(repo.path().join(SIGNERS)).expect("read");
    repo.write(SIGNERS, format!("{signers}jane@acme.example {public}\n"));
    signed_approval(&repo, &newcomer, "id: A\n");
    assert!(reason(&status_of_a(&build(&repo))).contains("not listed"));
}

#[test]
fn a_signed_root_commit_has_no_allowed_signers_before_it() {
    let repo = TestRepo::new();
    let (key, public) = repo.keygen("jane");
    repo.write(SIGNERS, listed(&public));
    signed_approval(&repo, &key, "id: A\n");
    assert!(reason(&status_of_a(&build(&repo))).contains("before this commit"));
}

#[test]
fn without_a_configured_file_nothing_verifies() {
    let (repo, key) = repo_with_signers(listed);
    signed_approval(&repo, &key, "id: A\n");
    let history = build_with(&open(&repo), &HistoryOptions::default()).expect("builds");
    assert!(reason(&status_of_a(&history)).contains("configured"));
}

/// Commits an unsigned approval, then replaces `main` with a crafted copy
/// carrying `signature_for(raw unsigned commit)`.
fn crafted(signature_for: impl Fn(&TestRepo, &str) -> String) -> TestRepo {
    let (repo, _) = repo_with_signers(listed);
    repo.write("a.yaml", "id: A\n");
    let unsigned = repo.commit("Approve A").trailer(JANE).run();
    let raw = repo.git(&["cat-file", "commit", &unsigned]) + "\n";
    let signed = with_header(&raw, &as_gpgsig(&signature_for(&repo, &raw)));
    let id = repo.write_commit_object(signed.as_bytes());
    repo.git(&["update-ref", "refs/heads/main", &id]);
    repo
}

#[test]
fn crafted_signature_in_namespace_git_verifies() {
    // The control for the two tests below: the crafting itself is sound.
    let repo = crafted(|repo, raw| {
        let key = repo.path().join(".git/test-keys/jane");
        ssh_sign(&key, "git", raw.as_bytes())
    });
    assert!(matches!(
        status_of_a(&build(&repo)),
        SignatureStatus::Verified { .. }
    ));
}

#[test]
fn a_signature_in_another_namespace_is_rejected() {
    let repo = crafted(|repo, raw| {
        let key = repo.path().join(".git/test-keys/jane");
        ssh_sign(&key, "file", raw.as_bytes())
    });
    assert!(reason(&status_of_a(&build(&repo))).contains("namespace \"file\""));
}

#[test]
fn a_signature_transplanted_from_another_commit_is_rejected() {
    let (repo, key) = repo_with_signers(listed);
    let genuine = signed_approval(&repo, &key, "id: A\n");
    // Same signature header, other content: "Approve A" becomes "Approve B".
    let raw = repo.git(&["cat-file", "commit", &genuine]) + "\n";
    let forged = repo.write_commit_object(raw.replace("Approve A", "Approve B").as_bytes());
    repo.git(&["update-ref", "refs/heads/main", &forged]);
    let history = build(&repo);
    assert_eq!(history.head().map(|h| h.to_string()), Some(forged));
    assert!(reason(&status_of_a(&history)).contains("does not match"));
}

#[test]
fn a_malformed_openpgp_signature_is_rejected_as_such() {
    let repo = crafted(|_, _| {
        "-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\n".to_owned()
    });
    assert!(reason(&status_of_a(&build(&repo))).contains("OpenPGP signature is malformed"));
}

#[test]
fn signed_tags_verify_against_the_tagged_commit() {
    let (repo, key) = repo_with_signers(listed);
    repo.write("a.yaml", "id: A\n");
    repo.commit("Add A").run();
    repo.tag(
        "approved-a",
        "Approve A\n\nApproves: A\nApproved-by: Jane Doe <jane@acme.example>\n",
    )
    .tagger("Jane Doe", "jane@acme.example")
    .sign(&key)
    .run();
    let (other, _) = repo.keygen("mallory");
    repo.tag(
        "forged-a",
        "Approve A\n\nApproves: A\nApproved-by: Jane Doe <jane@acme.example>\n",
    )
    .sign(&other)
    .run();
    let history = build(&repo);
    let events = history.events("A", "a.yaml");
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(
        matches!(events[0].signature, SignatureStatus::Verified { .. }),
        "{:?}",
        events[0]
    );
    assert!(reason(&events[1].signature).contains("not listed"));
}
