//! Signatures of commits and tags, verified like `git verify-commit` does
//! for `gpg.format=ssh`.
//!
//! A commit's signature is its `gpgsig` header, over the commit object
//! without that header (`git_commit_extract_signature`). A tag's is the last
//! armored block of the tag object, over the bytes before it. An SSH
//! signature is `Verified` only when all of these hold: it parses, its
//! namespace is `git`, it verifies over exactly this object's payload (so a
//! signature copied from another commit fails), and the allowed-signers file
//! lists its key for namespace `git` at the commit's (tagger's) time.
//!
//! The allowed-signers file is read *as it stood before the signed object*:
//! from the commit's first parent (a key added in the same commit cannot
//! vouch for it; a root commit has none), and for a tag from the tagged
//! commit (the tag is made after it). Parsed files are cached by blob id.
//! `OpenPGP` signatures are verified against `trust.openpgp_keys`, read from
//! the same commit (`openpgp.rs`); X.509 signatures are reported as present
//! but unverified.

use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

use git2::{ErrorCode, Oid, Repository};
use ssh_key::{HashAlg, PublicKey, SshSig};

use super::allowed_signers::AllowedSigners;
use super::openpgp::Keyrings;
use super::SignatureStatus;

const SSH_BEGIN: &[u8] = b"-----BEGIN SSH SIGNATURE-----";
const PGP_BEGIN: [&[u8]; 2] = [
    b"-----BEGIN PGP SIGNATURE-----",
    b"-----BEGIN PGP MESSAGE-----",
];
const X509_BEGIN: &[u8] = b"-----BEGIN SIGNED MESSAGE-----";

/// Where the allowed-signers file is taken from for one signed object.
#[derive(Debug, Clone, Copy)]
pub(super) enum SignersFrom {
    /// The tree of this commit (first parent, or tagged commit).
    Commit(Oid),
    /// A root commit: there is nothing before it.
    Nothing,
    /// A shallow boundary commit: its parent is not in the clone.
    Missing,
}

/// Verifies signatures against one repository's allowed-signers files.
pub(super) struct Verifier<'r> {
    repo: &'r Repository,
    file: Option<String>,
    cache: HashMap<Oid, Rc<AllowedSigners>>,
    openpgp: Keyrings,
}

impl<'r> Verifier<'r> {
    /// `file` is the repository-relative path of the allowed-signers file,
    /// if one is configured.
    pub(super) fn new(repo: &'r Repository, file: Option<String>) -> Self {
        Verifier {
            repo,
            file,
            cache: HashMap::new(),
            openpgp: Keyrings::new(None),
        }
    }

    /// Verifies OpenPGP signatures against `keys`, the repository-relative
    /// file or folder of armoured public keys (`trust.openpgp_keys`).
    pub(super) fn with_openpgp_keys(mut self, keys: Option<String>) -> Self {
        self.openpgp = Keyrings::new(keys);
        self
    }

    /// The status of commit `id`'s signature, made at `time`.
    pub(super) fn commit(&mut self, id: Oid, signers: SignersFrom, time: i64) -> SignatureStatus {
        match self.repo.extract_signature(&id, None) {
            Ok((signature, payload)) => self.check(&signature, &payload, signers, time),
            Err(e) if e.code() == ErrorCode::NotFound => SignatureStatus::Unsigned,
            Err(e) => rejected(format!("the signature cannot be read: {}", e.message())),
        }
    }

    /// The status of a signature inside the raw tag object `raw`, made at
    /// `time`.
    pub(super) fn tag(&mut self, raw: &[u8], signers: SignersFrom, time: i64) -> SignatureStatus {
        match split_signed(raw) {
            Some((payload, signature)) => self.check(signature, payload, signers, time),
            None => SignatureStatus::Unsigned,
        }
    }

    fn check(
        &mut self,
        signature: &[u8],
        payload: &[u8],
        signers: SignersFrom,
        time: i64,
    ) -> SignatureStatus {
        let signature = trim_start(signature);
        if PGP_BEGIN.iter().any(|b| signature.starts_with(b)) {
            return self
                .openpgp
                .verify(self.repo, signature, payload, signers, time);
        }
        if signature.starts_with(X509_BEGIN) {
            return SignatureStatus::Unverified {
                format: "x509".to_owned(),
            };
        }
        if !signature.starts_with(SSH_BEGIN) {
            return rejected("the signature is in an unknown format".to_owned());
        }
        let Ok(sig) = SshSig::from_pem(signature) else {
            return rejected("the SSH signature is malformed".to_owned());
        };
        if sig.namespace() != "git" {
            return rejected(format!(
                "the SSH signature was made for namespace \"{}\", not \"git\"",
                sig.namespace()
            ));
        }
        let key = PublicKey::from(sig.public_key().clone());
        if key.verify("git", payload, &sig).is_err() {
            return rejected(
                "the signature does not match the signed content (it was altered, or copied from another object)"
                    .to_owned(),
            );
        }
        let fingerprint = key.fingerprint(HashAlg::Sha256).to_string();
        let allowed = match self.allowed_signers(signers) {
            Ok(allowed) => allowed,
            Err(reason) => return rejected(reason),
        };
        match allowed.principals_for(sig.public_key(), time) {
            Ok(principals) => SignatureStatus::Verified {
                principals,
                fingerprint,
            },
            Err(reason) => rejected(format!("{reason} (key {fingerprint})")),
        }
    }

    fn allowed_signers(&mut self, signers: SignersFrom) -> Result<Rc<AllowedSigners>, String> {
        let Some(file) = self.file.as_deref() else {
            return Err("no allowed-signers file is configured (trust.allowed_signers)".to_owned());
        };
        let commit = match signers {
            SignersFrom::Commit(commit) => commit,
            SignersFrom::Nothing => return Err("no allowed-signers file before this commit (it has no parent)".to_owned()),
            SignersFrom::Missing => {
                return Err("the parent commit is missing from this shallow clone, so its allowed-signers file cannot be read".to_owned())
            }
        };
        let not_there =
            || format!("the allowed-signers file {file} does not exist before this commit");
        let entry = self
            .repo
            .find_commit(commit)
            .and_then(|c| c.tree())
            .and_then(|t| t.get_path(Path::new(file)))
            .map_err(|_| not_there())?;
        let blob_id = entry.id();
        if let Some(parsed) = self.cache.get(&blob_id) {
            return Ok(Rc::clone(parsed));
        }
        let blob = self.repo.find_blob(blob_id).map_err(|_| not_there())?;
        let parsed = Rc::new(AllowedSigners::parse(&String::from_utf8_lossy(
            blob.content(),
        )));
        self.cache.insert(blob_id, Rc::clone(&parsed));
        Ok(parsed)
    }
}

fn rejected(reason: String) -> SignatureStatus {
    SignatureStatus::Rejected { reason }
}

/// Splits a signed tag object into (payload, signature) at the last line
/// that starts an armored signature (git's `parse_signed_buffer`).
pub(super) fn split_signed(raw: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut start = None;
    let mut pos = 0;
    while pos < raw.len() {
        let line = &raw[pos..];
        if line.starts_with(SSH_BEGIN)
            || line.starts_with(X509_BEGIN)
            || PGP_BEGIN.iter().any(|b| line.starts_with(b))
        {
            start = Some(pos);
        }
        pos += line
            .iter()
            .position(|&b| b == b'\n')
            .map_or(line.len(), |n| n + 1);
    }
    start.map(|s| raw.split_at(s))
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let n = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &bytes[n..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_armored_block_is_the_signature() {
        let raw = b"object x\n\nmsg\n-----BEGIN PGP SIGNATURE-----\nquoted\n-----BEGIN SSH SIGNATURE-----\nabc\n";
        let (payload, sig) = split_signed(raw).expect("signed");
        assert!(payload.ends_with(b"quoted\n"));
        assert!(sig.starts_with(SSH_BEGIN));
        assert_eq!(split_signed(b"object x\n\nplain message\n"), None);
    }
}
