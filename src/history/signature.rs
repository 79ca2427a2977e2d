//! Signatures of commits and tags, verified like `git verify-commit` does
//! for `gpg.format=ssh`.
//!
//! A commit's signature is its `gpgsig` header, over the commit object
//! without that header (`git_commit_extract_signature`). A tag's is the last
//! armored block of the tag object, over the bytes before it. An SSH
//! signature is `Verified` only when all of these hold: it parses (its key
//! a plain key of any type ssh-keygen makes, or an OpenSSH certificate whose
//! CA signature holds), its namespace is `git`, it verifies over exactly
//! this object's payload (so a signature copied from another commit fails),
//! the revoked-keys file (`krl.rs`) does not revoke it, and the
//! allowed-signers file accepts it at the commit's (tagger's) time as
//! `git verify-commit` does (`allowed_signers.rs`).
//!
//! The allowed-signers and revoked-keys files are read *as they stood
//! before the signed object*: from the commit's first parent (a key added in
//! the same commit cannot vouch for it; a root commit has none), and for a
//! tag from the tagged commit (the tag is made after it). Parsed files are
//! cached by blob id. `OpenPGP` signatures are verified against
//! `trust.openpgp_keys`, read from the same commit (`openpgp.rs`); X.509
//! signatures are reported as present but unverified.

use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

use git2::{ErrorCode, Oid, Repository};
use ssh_key::{Algorithm, HashAlg, PublicKey, Signature, SshSig};

use super::allowed_signers::AllowedSigners;
use super::facts::SignersFrom;
use super::krl::{Reader, Revoked, Signer};
use super::openpgp::Keyrings;
use super::SignatureStatus;

const SSH_BEGIN: &[u8] = b"-----BEGIN SSH SIGNATURE-----";
const PGP_BEGIN: [&[u8]; 2] = [
    b"-----BEGIN PGP SIGNATURE-----",
    b"-----BEGIN PGP MESSAGE-----",
];
const X509_BEGIN: &[u8] = b"-----BEGIN SIGNED MESSAGE-----";

/// Verifies signatures against one repository's allowed-signers files.
pub(super) struct Verifier<'r> {
    repo: &'r Repository,
    file: Option<String>,
    cache: HashMap<Oid, Rc<AllowedSigners>>,
    openpgp: Keyrings,
    revoked_file: Option<String>,
    revoked_cache: HashMap<Oid, Rc<Revoked>>,
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
            revoked_file: None,
            revoked_cache: HashMap::new(),
        }
    }

    /// `file` is the repository-relative path of the revoked-keys file
    /// (`trust.revoked_keys`, git's `gpg.ssh.revocationFile`), if any.
    #[must_use]
    pub(super) fn with_revoked_keys(mut self, file: Option<String>) -> Self {
        self.revoked_file = file;
        self
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
        self.check_ssh(signature, payload, signers, time)
    }

    /// An SSH signature, as `git verify-commit` with `gpg.format=ssh` (and
    /// `ssh-keygen -Y verify`) judges it.
    fn check_ssh(
        &mut self,
        signature: &[u8],
        payload: &[u8],
        signers: SignersFrom,
        time: i64,
    ) -> SignatureStatus {
        let Some(sig) = SshSignature::read(signature) else {
            return rejected("the SSH signature is malformed".to_owned());
        };
        if sig.namespace != "git" {
            return rejected(format!(
                "the SSH signature was made for namespace \"{}\", not \"git\"",
                sig.namespace
            ));
        }
        let fingerprint = PublicKey::from(sig.signer.key().clone())
            .fingerprint(HashAlg::Sha256)
            .to_string();
        if let Err(why) = sig.verify(payload) {
            return rejected(why);
        }
        let allowed = match self.allowed_signers(signers) {
            Ok(allowed) => allowed,
            Err(reason) => return rejected(reason),
        };
        if let Some(revoked) = self.revoked(signers) {
            if let Some(why) = revoked.refusal(&sig.signer) {
                return rejected(format!("{why} (key {fingerprint})"));
            }
        }
        // Commit times before 1970 are not signing times OpenSSH can check.
        let time = u64::try_from(time).unwrap_or(0);
        match allowed.verdict(&sig.signer, time) {
            Ok(principals) => SignatureStatus::Verified {
                principals,
                fingerprint,
            },
            Err(reason) => rejected(format!("{reason} (key {fingerprint})")),
        }
    }

    /// The revoked-keys file as it stood where the allowed-signers file is
    /// read; `None` when none is configured or it does not exist there
    /// (git then passes no `-r`, and warns).
    fn revoked(&mut self, signers: SignersFrom) -> Option<Rc<Revoked>> {
        let file = self.revoked_file.as_deref()?;
        let SignersFrom::Commit(commit) = signers else {
            return None;
        };
        let entry = self
            .repo
            .find_commit(commit)
            .and_then(|c| c.tree())
            .and_then(|t| t.get_path(Path::new(file)))
            .ok()?;
        let blob_id = entry.id();
        if let Some(parsed) = self.revoked_cache.get(&blob_id) {
            return Some(Rc::clone(parsed));
        }
        let parsed = match self.repo.find_blob(blob_id) {
            Ok(blob) => Revoked::parse(blob.content()),
            Err(_) => Revoked::Unreadable("it is not a file".to_owned()),
        };
        let parsed = Rc::new(parsed);
        self.revoked_cache.insert(blob_id, Rc::clone(&parsed));
        Some(parsed)
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

/// An SSH signature's parts (PROTOCOL.sshsig), its signer a key or an
/// OpenSSH certificate (which `ssh_key::SshSig` cannot hold).
struct SshSignature {
    signer: Signer,
    namespace: String,
    hash: String,
    signature: Vec<u8>,
}

impl SshSignature {
    /// Reads an armored signature; `None` when it is malformed.
    /// Certificates are decoded and their CA signature checked, as OpenSSH
    /// does when it parses them.
    fn read(armored: &[u8]) -> Option<SshSignature> {
        let text = std::str::from_utf8(armored).ok()?;
        let mut lines = text.lines().map(str::trim);
        if lines.next()? != "-----BEGIN SSH SIGNATURE-----" {
            return None;
        }
        let body: String = lines
            .take_while(|l| *l != "-----END SSH SIGNATURE-----")
            .collect();
        let blob = base64(&body)?;
        let mut r = Reader(blob.strip_prefix(b"SSHSIG")?);
        if r.u32()? != 1 {
            return None;
        }
        let key = r.string()?;
        let namespace = String::from_utf8(r.string()?.to_vec()).ok()?;
        let _reserved = r.string()?;
        let hash = String::from_utf8(r.string()?.to_vec()).ok()?;
        let signature = r.string()?.to_vec();
        let kind = Reader(key).string()?;
        let signer = if kind.ends_with(b"-cert-v01@openssh.com") {
            let cert = ssh_key::Certificate::from_bytes(key).ok()?;
            cert.verify_signature().ok()?;
            Signer::Cert(Box::new(cert))
        } else {
            Signer::Key(PublicKey::from_bytes(key).ok()?.key_data().clone())
        };
        Some(SshSignature {
            signer,
            namespace,
            hash,
            signature,
        })
    }

    /// Whether the signature verifies over `payload` with the signer's key.
    fn verify(&self, payload: &[u8]) -> Result<(), String> {
        let unsupported = |what: &str| {
            Err(format!(
                "the SSH signature uses {what}, which cannot be verified"
            ))
        };
        let Ok(hash) = HashAlg::new(&self.hash) else {
            return unsupported(&format!("hash algorithm \"{}\"", self.hash));
        };
        let Ok(signature) = Signature::try_from(self.signature.as_slice()) else {
            return Err("the SSH signature is malformed".to_owned());
        };
        // OpenSSH refuses SHA-1 RSA signatures (`ssh-rsa`) in SSHSIG.
        if signature.algorithm() == (Algorithm::Rsa { hash: None }) {
            return unsupported("the SHA-1 RSA algorithm ssh-rsa");
        }
        let key = self.signer.key().clone();
        let Ok(sig) = SshSig::new(key.clone(), self.namespace.clone(), hash, signature) else {
            return Err("the SSH signature is malformed".to_owned());
        };
        match PublicKey::from(key).verify(&self.namespace, payload, &sig) {
            Ok(()) => Ok(()),
            Err(ssh_key::Error::AlgorithmUnknown | ssh_key::Error::AlgorithmUnsupported { .. }) => {
                unsupported(&format!("algorithm {}", sig.algorithm()))
            }
            Err(_) => Err(
                "the signature does not match the signed content (it was altered, or copied from another object)"
                    .to_owned(),
            ),
        }
    }
}

/// Standard base64 (with or without padding); `None` on anything else.
fn base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|&c| c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).ok()?);
        }
    }
    Some(out)
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
