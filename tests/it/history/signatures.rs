//! 4–5: signatures on commits and tags.

use std::path::Path;

use super::support::*;
use crate::support::Repo;

/// Jane's approval of policy 1.1, committed by Jane and signed with `key`.
fn signed_approval(repo: &Repo, key: &Path, day: &str) -> String {
    repo.write(POLICY, &policy("1.1", ""));
    commit(repo, "Approve policy 1.1", JANE, day)
        .trailer(JANE.approved_by())
        .signed(key)
        .run()
}

fn listed(email: &str, options: &str, public: &str) -> String {
    format!("# approvers' signing keys\n{email} {options}{public} laptop\n")
}

#[test]
fn a_signature_by_a_listed_key_is_signed_strength() {
    let repo = isms(&strength_rules());
    let (key, public) = keygen(&repo, "jane");
    commit_signers(&repo, &listed(JANE.email, "", &public), "2026-09-01");
    signed_approval(&repo, &key, "2026-10-01");
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["diagnostics"], serde_json::json!([]), "{json:#}");

    let trail = log_json(&repo);
    let event = &events(&trail)[0];
    assert_eq!(event["strength"], "signed", "{trail:#}");
    assert_eq!(
        event["note"], "signature verified against the allowed-signers file",
        "{trail:#}"
    );
}

/// The reason the signed approval at HEAD was not accepted, from the log.
fn signature_note(repo: &Repo) -> String {
    let trail = log_json(repo);
    let event = events(&trail)
        .iter()
        .find(|e| e["strength"] != "signed")
        .unwrap_or_else(|| panic!("an approval that is not signed: {trail:#}"))
        .clone();
    event["note"].as_str().expect("note").to_owned()
}

/// The signed-strength rule fails (the approval is only `self`: Jane
/// committed it herself) and the log says why the signature did not count.
fn signed_fails(repo: &Repo, why: &str) {
    let (code, json) = check(repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    passes(&json, "acme/approved-self");
    fails_with(
        &json,
        "acme/approved-signed",
        "counts only as `self`, and at least `signed` is required",
    );
    let note = signature_note(repo);
    assert!(note.contains(why), "`{why}` expected in the note: {note}");
}

#[test]
fn a_signature_by_an_unlisted_key_is_not_signed_strength() {
    let repo = isms(&strength_rules());
    let (_, public) = keygen(&repo, "jane");
    let (other, _) = keygen(&repo, "mallory");
    commit_signers(&repo, &listed(JANE.email, "", &public), "2026-09-01");
    signed_approval(&repo, &other, "2026-10-01");
    signed_fails(&repo, "the signing key is not listed");
}

#[test]
fn a_key_listed_for_another_email_is_not_signed_strength() {
    let repo = isms(&strength_rules());
    let (key, public) = keygen(&repo, "jane");
    commit_signers(&repo, &listed(BOB.email, "", &public), "2026-09-01");
    signed_approval(&repo, &key, "2026-10-01");
    signed_fails(&repo, "the key is not listed for the approver's email");
}

#[test]
fn a_key_expired_before_the_commit_is_not_signed_strength() {
    let repo = isms(&strength_rules());
    let (key, public) = keygen(&repo, "jane");
    commit_signers(
        &repo,
        &listed(JANE.email, "valid-before=\"20260901\" ", &public),
        "2026-08-01",
    );
    signed_approval(&repo, &key, "2026-10-01");
    signed_fails(&repo, "valid-before");
}

#[test]
fn a_key_added_in_the_commit_it_signs_is_not_signed_strength() {
    let repo = isms(&strength_rules());
    let (key, public) = keygen(&repo, "jane");
    let (_, other) = keygen(&repo, "carol");
    commit_signers(&repo, &listed(CAROL.email, "", &other), "2026-09-01");
    repo.write(
        SIGNERS,
        &format!("{} {other}\n{} {public}\n", CAROL.email, JANE.email),
    );
    signed_approval(&repo, &key, "2026-10-01");
    signed_fails(&repo, "the signing key is not listed");

    // The next signed approval by that key counts: the file lists it now.
    commit(&repo, "Approve POL-IS-001 again", JANE, "2026-10-02")
        .empty()
        .trailer("Approves: POL-IS-001")
        .trailer(JANE.approved_by())
        .signed(&key)
        .run();
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 0, "{json:#}");
}

#[test]
fn a_signature_transplanted_from_another_commit_is_not_signed_strength() {
    let repo = isms(&strength_rules());
    let (key, public) = keygen(&repo, "jane");
    let base = commit_signers(&repo, &listed(JANE.email, "", &public), "2026-09-01");
    // A genuinely signed approval of another version, then thrown away.
    repo.write(POLICY, &policy("1.1-draft", ""));
    let genuine = commit(&repo, "Approve the draft", JANE, "2026-09-15")
        .trailer(JANE.approved_by())
        .signed(&key)
        .run();
    let stolen = gpgsig_header(&raw_commit(&repo, &genuine));
    repo.git(&["reset", "-q", "--hard", &base]);
    // Jane's unsigned approval, given the stolen signature.
    repo.write(POLICY, &policy("1.1", ""));
    let unsigned = commit(&repo, "Approve policy 1.1", JANE, "2026-10-01")
        .trailer(JANE.approved_by())
        .run();
    let crafted = replace_head_with(&repo, &raw_commit(&repo, &unsigned), &stolen);
    assert_ne!(crafted, unsigned);
    assert_eq!(head(&repo), crafted);
    signed_fails(&repo, "does not match the signed content");
}

#[test]
fn a_signature_in_the_wrong_namespace_is_not_signed_strength() {
    let repo = isms(&strength_rules());
    let (key, public) = keygen(&repo, "jane");
    commit_signers(&repo, &listed(JANE.email, "", &public), "2026-09-01");
    repo.write(POLICY, &policy("1.1", ""));
    let unsigned = commit(&repo, "Approve policy 1.1", JANE, "2026-10-01")
        .trailer(JANE.approved_by())
        .run();
    let raw = raw_commit(&repo, &unsigned);

    // The same crafting in namespace `git` is a valid signature: the
    // control that shows the crafting itself is sound.
    replace_head_with(
        &repo,
        &raw,
        &as_gpgsig(&ssh_sign(&key, "git", raw.as_bytes())),
    );
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 0, "{json:#}");

    repo.git(&["update-ref", "HEAD", &unsigned]);
    replace_head_with(
        &repo,
        &raw,
        &as_gpgsig(&ssh_sign(&key, "file", raw.as_bytes())),
    );
    signed_fails(&repo, "namespace \"file\", not \"git\"");
}

#[test]
fn a_signed_annotated_tag_approves_the_tagged_commits_record() {
    let repo = isms(&strength_rules());
    let (key, public) = keygen(&repo, "jane");
    commit_signers(&repo, &listed(JANE.email, "", &public), "2026-09-01");
    repo.write(POLICY, &policy("1.1", ""));
    let release = commit(&repo, "Policy 1.1", CLERK, "2026-10-01").run();
    let (_, json) = check(&repo, &[]);
    fails_with(
        &json,
        "acme/approved-claimed",
        "git holds no approval of it",
    );

    git_as(
        &repo,
        JANE,
        "2026-10-03",
        &[
            "-c",
            "gpg.format=ssh",
            "-c",
            &format!("user.signingkey={}", key.display()),
            "tag",
            "-s",
            "-m",
            &format!("Policy 1.1\n\n{}", JANE.approved_by()),
            "policy-1.1",
        ],
    );
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["diagnostics"], serde_json::json!([]), "{json:#}");

    let trail = log_json(&repo);
    let event = &events(&trail)[0];
    assert_eq!(event["via"], "tag", "{trail:#}");
    assert_eq!(event["tag"], "policy-1.1", "{trail:#}");
    assert_eq!(event["commit"], release.as_str(), "{trail:#}");
    assert_eq!(
        event["date"], "2026-10-03",
        "timed by the tagger: {trail:#}"
    );
    assert_eq!(event["strength"], "signed", "{trail:#}");
}
