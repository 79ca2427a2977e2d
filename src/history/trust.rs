//! The facts behind the governed trust root (SPEC 2.3): every commit that
//! changed one of the trust files (the allowed-signers file, the revoked
//! keys, the OpenPGP keys, `govlint.yaml`), with its signature checked
//! against the allowed-signers file as it stood in the commit's first
//! parent, the file's version before and after, and the keys it added to
//! the allowed-signers file.
//!
//! No policy: whether the signer is a key admin is for `evidence`, which
//! knows who holds which role. Built while assembling the index, from the
//! per-path change lists the one pass already made: only the changed trust
//! files are read (their two versions), no other tree is walked.

use std::collections::HashSet;
use std::path::Path;

use git2::{Oid, Repository};
use ssh_key::{HashAlg, PublicKey};

use super::facts::SignersFrom;
use super::signature::Verifier;
use super::{BlobId, ChangeKind, CommitInfo, History, SignatureStatus};

/// One commit's change to one trust file.
#[derive(Debug, Clone)]
pub struct TrustChange {
    /// The commit that made it.
    pub commit: CommitInfo,
    /// The trust file (a path of the repository).
    pub path: String,
    pub kind: ChangeKind,
    /// The file after the change (`None`: deleted).
    pub blob: Option<BlobId>,
    /// The file in the commit's first parent (`None`: it did not exist, or
    /// there is no parent).
    pub before: Option<BlobId>,
    /// The commit's signature, against the allowed-signers file as it stood
    /// in the first parent: the previous version vouches for the change.
    pub signature: SignatureStatus,
    /// For the allowed-signers file: the fingerprints (`SHA256:…`) of the
    /// keys listed after the change and not before, in file order.
    pub added_keys: Vec<String>,
}

/// Facts of one walked commit that the trust changes need.
#[derive(Debug, Clone, Copy)]
pub(super) struct Parentage {
    pub(super) first_parent: Option<Oid>,
    pub(super) boundary: bool,
}

/// The trust changes of `history`, oldest first. `files` are the trust
/// files' paths; `allowed_signers` (one of them) is the file whose added
/// keys are listed and that signatures are checked against.
pub(super) fn changes(
    repo: &Repository,
    history: &History,
    files: &[String],
    allowed_signers: Option<&str>,
    parentage: &[Parentage],
) -> Vec<TrustChange> {
    let mut verifier = Verifier::new(repo, allowed_signers.map(str::to_owned));
    let mut seen = HashSet::new();
    let mut out: Vec<(u32, TrustChange)> = Vec::new();
    for file in files {
        if !seen.insert(file.as_str()) {
            continue;
        }
        let Some(list) = history.paths.get(file) else {
            continue;
        };
        for change in list {
            let commit = history.commits[change.pos as usize].clone();
            let facts = parentage[change.pos as usize];
            let signers = match facts.first_parent {
                _ if facts.boundary => SignersFrom::Missing,
                Some(parent) => SignersFrom::Commit(parent),
                None => SignersFrom::Nothing,
            };
            let signature = verifier.commit(commit.id.0, signers, commit.time);
            let before = facts
                .first_parent
                .and_then(|p| blob_in(repo, p, previous_path(file, &change.kind)));
            let added_keys = if Some(file.as_str()) == allowed_signers {
                added_keys(repo, before, change.blob)
            } else {
                Vec::new()
            };
            out.push((
                change.pos,
                TrustChange {
                    commit,
                    path: file.clone(),
                    kind: change.kind.clone(),
                    blob: change.blob.map(BlobId),
                    before: before.map(BlobId),
                    signature,
                    added_keys,
                },
            ));
        }
    }
    // Walk order is newest first; a larger position is older.
    out.sort_by_key(|c| std::cmp::Reverse(c.0));
    out.into_iter().map(|(_, c)| c).collect()
}

/// The path the file had in the parent.
fn previous_path<'a>(path: &'a str, kind: &'a ChangeKind) -> &'a str {
    match kind {
        ChangeKind::Renamed { from } => from,
        _ => path,
    }
}

/// The blob at `path` in commit `commit`'s tree.
fn blob_in(repo: &Repository, commit: Oid, path: &str) -> Option<Oid> {
    let tree = repo.find_commit(commit).and_then(|c| c.tree()).ok()?;
    let entry = tree.get_path(Path::new(path)).ok()?;
    (entry.kind() == Some(git2::ObjectType::Blob)).then(|| entry.id())
}

/// Fingerprints of the keys that `after` lists and `before` does not.
fn added_keys(repo: &Repository, before: Option<Oid>, after: Option<Oid>) -> Vec<String> {
    let read = |id: Option<Oid>| {
        id.and_then(|id| repo.find_blob(id).ok())
            .map(|b| String::from_utf8_lossy(b.content()).into_owned())
            .unwrap_or_default()
    };
    let old: HashSet<String> = key_fingerprints(&read(before)).into_iter().collect();
    let mut out = Vec::new();
    for key in key_fingerprints(&read(after)) {
        if !old.contains(&key) && !out.contains(&key) {
            out.push(key);
        }
    }
    out
}

/// The fingerprints of the public keys an allowed-signers file lists, in
/// order: any `keytype base64` pair of words that is a valid OpenSSH public
/// key, wherever it stands on a line that is not a comment (so options with
/// or without quotes never hide a key; `cert-authority` lines give the CA's
/// key).
pub(super) fn key_fingerprints(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let words: Vec<&str> = line.split_ascii_whitespace().collect();
        for pair in words.windows(2) {
            let candidate = format!("{} {}", pair[0], pair[1]);
            if let Ok(key) = PublicKey::from_openssh(&candidate) {
                out.push(key.fingerprint(HashAlg::Sha256).to_string());
                break;
            }
        }
    }
    out
}

impl History {
    /// Every commit on the evaluated history that changed a trust file,
    /// oldest first (empty unless `HistoryOptions::trust_files` named them).
    #[must_use]
    pub fn trust_changes(&self) -> &[TrustChange] {
        &self.trust_changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED25519: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

    #[test]
    fn keys_are_found_whatever_the_options() {
        let text = format!(
            "# comment {ED25519}\n\
             jane@acme.example {ED25519} laptop\n\
             bob@acme.example namespaces=\"git, file\",valid-after=\"20260101\" {ED25519}\n\
             not a key line\n"
        );
        let keys = key_fingerprints(&text);
        assert_eq!(keys.len(), 2, "{keys:?}");
        assert!(keys[0].starts_with("SHA256:"), "{keys:?}");
        assert_eq!(keys[0], keys[1]);
    }
}
