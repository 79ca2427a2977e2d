//! OpenPGP signatures of commits and tags, verified against the keys in
//! `trust.openpgp_keys` (the verdict `git verify-commit` gives with a
//! keyring of exactly those keys, SPEC 2.1).
//!
//! The keys are read *as they stood before the signed object*, from the same
//! commit as the allowed-signers file (`SignersFrom`): a key added in the
//! approving commit cannot vouch for it. The setting names a file, or a
//! folder whose files (at any depth) are read; every ASCII-armoured public
//! key block in them counts, and so do binary keyrings (`gpg --export`);
//! anything else is ignored. Parsed keyrings are
//! cached by the id of that blob or tree.
//!
//! A signature is `Verified` when all of these hold: it parses as one
//! detached OpenPGP signature; a key of the keyring has the issuer's
//! fingerprint (or key id) as its primary key or a subkey; the signature
//! verifies over exactly the payload git signs; that key or subkey was
//! valid at the commit's (tagger's) time: a valid self-signature
//! (subkeys: a binding signature, with the primary-key back-signature a
//! signing subkey needs), signing-capable by its key flags, not expired by
//! the expiry its newest self-signature (binding) gives, not revoked, the
//! signature not made before the key existed. `principals` are then the
//! emails of the key's valid user IDs: the newest self-signature of each is a
//! certification, not a revocation, and has not expired.
//!
//! Revocations: a revocation whose reason says the key was superseded or
//! retired (a "soft" one) counts from its own date on, so signatures made
//! before it stand, as RFC 9580 says; any other revocation (compromised, or
//! no reason) counts for all time. gpg refuses every signature of a revoked
//! key; the README lists this and the expiry time as the deliberate
//! differences.
//!
//! User ID emails that hold OpenSSH pattern characters (`*`, `?`, `!`, `,`)
//! or spaces are not used: the approver's email is compared with the
//! principals as a pattern list, and a user ID must name one address.

use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

use git2::{ObjectType, Oid, Repository, TreeWalkMode, TreeWalkResult};
use pgp::composed::{Deserializable, DetachedSignature, SignedPublicKey, SignedPublicSubKey};
use pgp::packet::{RevocationCode, Signature, SignatureType, SubpacketData};
use pgp::types::{KeyDetails, PublicKeyTrait, SignedUser, Tag};

use super::facts::SignersFrom;
use super::SignatureStatus;

/// The prefix of a verified OpenPGP key's fingerprint in
/// [`SignatureStatus::Verified`] (SSH fingerprints start `SHA256:`).
pub(super) const FINGERPRINT_PREFIX: &str = "OpenPGP:";

const KEY_BEGIN: &str = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
const KEY_END: &str = "-----END PGP PUBLIC KEY BLOCK-----";

/// The public keys of one version of `trust.openpgp_keys`.
pub(super) struct Keyring {
    keys: Vec<SignedPublicKey>,
}

impl Keyring {
    /// Every armoured public key block in `files`, and the keys of files
    /// that are binary keyrings (`gpg --export` without `--armor`); blocks
    /// that do not parse are skipped (gpg's import skips them too).
    pub(super) fn parse<'f>(files: impl IntoIterator<Item = &'f [u8]>) -> Keyring {
        let mut keys = Vec::new();
        for bytes in files {
            if starts_with_public_key_packet(bytes) {
                if let Ok(parsed) = SignedPublicKey::from_bytes_many(bytes) {
                    keys.extend(parsed.flatten());
                }
                continue;
            }
            let text = String::from_utf8_lossy(bytes);
            let mut rest: &str = &text;
            while let Some(start) = rest.find(KEY_BEGIN) {
                let block = &rest[start..];
                let end = block
                    .find(KEY_END)
                    .map_or(block.len(), |e| e + KEY_END.len());
                if let Ok((parsed, _)) = SignedPublicKey::from_armor_many(&block.as_bytes()[..end])
                {
                    keys.extend(parsed.flatten());
                }
                rest = &block[end..];
            }
        }
        Keyring { keys }
    }
}

/// The `trust.openpgp_keys` setting and the keyrings read for it.
pub(super) struct Keyrings {
    path: Option<String>,
    cache: HashMap<Oid, Rc<Keyring>>,
}

impl Keyrings {
    /// `path` is the repository-relative file or folder, if configured.
    pub(super) fn new(path: Option<String>) -> Keyrings {
        Keyrings {
            path,
            cache: HashMap::new(),
        }
    }

    /// The status of the armoured OpenPGP `signature` over `payload`, made
    /// at `time`, with the keys taken from `from`.
    pub(super) fn verify(
        &mut self,
        repo: &Repository,
        signature: &[u8],
        payload: &[u8],
        from: SignersFrom,
        time: i64,
    ) -> SignatureStatus {
        let Ok((sig, _)) = DetachedSignature::from_armor_single(signature) else {
            return rejected("the OpenPGP signature is malformed".to_owned());
        };
        let keyring = match self.keyring(repo, from) {
            Ok(keyring) => keyring,
            Err(reason) => return rejected(reason),
        };
        match check(&keyring, &sig.signature, payload, time) {
            Ok((principals, fingerprint)) => SignatureStatus::Verified {
                principals,
                fingerprint,
            },
            Err(reason) => rejected(reason),
        }
    }

    fn keyring(&mut self, repo: &Repository, from: SignersFrom) -> Result<Rc<Keyring>, String> {
        let Some(path) = self.path.as_deref() else {
            return Err(
                "OpenPGP signatures are not verified: trust.openpgp_keys is not configured"
                    .to_owned(),
            );
        };
        let commit = match from {
            SignersFrom::Commit(commit) => commit,
            SignersFrom::Nothing => {
                return Err("no OpenPGP keys before this commit (it has no parent)".to_owned())
            }
            SignersFrom::Missing => {
                return Err("the parent commit is missing from this shallow clone, so its OpenPGP keys cannot be read".to_owned())
            }
        };
        let not_there = || format!("the OpenPGP keys {path} do not exist before this commit");
        let entry = repo
            .find_commit(commit)
            .and_then(|c| c.tree())
            .and_then(|t| t.get_path(Path::new(path)))
            .map_err(|_| not_there())?;
        if let Some(parsed) = self.cache.get(&entry.id()) {
            return Ok(Rc::clone(parsed));
        }
        let mut blobs = Vec::new();
        match entry.kind() {
            Some(ObjectType::Blob) => blobs.push(entry.id()),
            Some(ObjectType::Tree) => {
                let tree = repo.find_tree(entry.id()).map_err(|_| not_there())?;
                tree.walk(TreeWalkMode::PreOrder, |_, e| {
                    if e.kind() == Some(ObjectType::Blob) {
                        blobs.push(e.id());
                    }
                    TreeWalkResult::Ok
                })
                .map_err(|_| not_there())?;
            }
            _ => return Err(not_there()),
        }
        let mut files = Vec::with_capacity(blobs.len());
        for id in blobs {
            files.push(repo.find_blob(id).map_err(|_| not_there())?);
        }
        let parsed = Rc::new(Keyring::parse(files.iter().map(git2::Blob::content)));
        self.cache.insert(entry.id(), Rc::clone(&parsed));
        Ok(parsed)
    }
}

/// Whether `bytes` start with an OpenPGP public-key packet header (old or
/// new format, tag 6): a binary keyring.
fn starts_with_public_key_packet(bytes: &[u8]) -> bool {
    match bytes.first() {
        Some(&b) if b & 0x80 != 0 => {
            let tag = if b & 0x40 != 0 {
                b & 0x3f
            } else {
                (b >> 2) & 0x0f
            };
            tag == 6
        }
        _ => false,
    }
}

fn rejected(reason: String) -> SignatureStatus {
    SignatureStatus::Rejected { reason }
}

/// A key of the keyring that may have made a signature: its primary key or
/// one of its subkeys.
#[derive(Clone, Copy)]
enum Signer<'k> {
    Primary(&'k SignedPublicKey),
    Subkey(&'k SignedPublicKey, &'k SignedPublicSubKey),
}

impl Signer<'_> {
    fn key(&self) -> &SignedPublicKey {
        match self {
            Signer::Primary(k) | Signer::Subkey(k, _) => k,
        }
    }

    fn fingerprint(&self) -> pgp::types::Fingerprint {
        match self {
            Signer::Primary(k) => k.primary_key.fingerprint(),
            Signer::Subkey(_, s) => s.key.fingerprint(),
        }
    }

    fn key_id(&self) -> pgp::types::KeyId {
        match self {
            Signer::Primary(k) => k.primary_key.key_id(),
            Signer::Subkey(_, s) => s.key.key_id(),
        }
    }

    fn created(&self) -> i64 {
        match self {
            Signer::Primary(k) => k.primary_key.created_at().timestamp(),
            Signer::Subkey(_, s) => s.key.created_at().timestamp(),
        }
    }

    fn verifies(&self, sig: &Signature, payload: &[u8]) -> bool {
        match self {
            Signer::Primary(k) => sig.verify(&k.primary_key, payload).is_ok(),
            Signer::Subkey(_, s) => sig.verify(&s.key, payload).is_ok(),
        }
    }
}

/// The principals and fingerprint of the key that made `sig` over
/// `payload`, valid at `time`; else why not.
pub(super) fn check(
    keyring: &Keyring,
    sig: &Signature,
    payload: &[u8],
    time: i64,
) -> Result<(Vec<String>, String), String> {
    let fingerprints = sig.issuer_fingerprint();
    let ids = sig.issuer();
    let candidates: Vec<Signer<'_>> = keyring
        .keys
        .iter()
        .flat_map(|k| {
            std::iter::once(Signer::Primary(k))
                .chain(k.public_subkeys.iter().map(move |s| Signer::Subkey(k, s)))
        })
        .filter(|s| {
            let fp = s.fingerprint();
            let id = s.key_id();
            fingerprints.iter().any(|f| **f == fp) || ids.iter().any(|i| **i == id)
        })
        .collect();
    if candidates.is_empty() {
        let issuer = fingerprints
            .first()
            .map(|f| format!("fingerprint {f:X}"))
            .or_else(|| ids.first().map(|i| format!("key ID {}", hex(i.as_ref()))))
            .unwrap_or_else(|| "key, which the signature does not name".to_owned());
        return Err(format!(
            "unknown key: trust.openpgp_keys, as it stood before this commit, has no key with the signing {issuer}"
        ));
    }
    let mut reason = String::new();
    for signer in candidates {
        if !signer.verifies(sig, payload) {
            reason = "the signature does not match the signed content (it was altered, or copied from another object)".to_owned();
            continue;
        }
        match valid_at(signer, sig, time) {
            Ok(()) => {
                let key = signer.key();
                let fingerprint =
                    format!("{FINGERPRINT_PREFIX}{:X}", key.primary_key.fingerprint());
                return Ok((emails(key, time), fingerprint));
            }
            Err(why) => reason = why,
        }
    }
    Err(reason)
}

/// Whether `signer` could make `sig` at `time`.
fn valid_at(signer: Signer<'_>, sig: &Signature, time: i64) -> Result<(), String> {
    let key = signer.key();
    let primary = &key.primary_key;
    let name = format!("the OpenPGP key {:X}", primary.fingerprint());
    let made = sig.created().map_or(time, |c| c.timestamp());
    if made < signer.created() {
        return Err(format!(
            "the signature is dated {} but its key was created {}",
            day(made),
            day(signer.created())
        ));
    }
    if let Some(expires) = sig.signature_expiration_time() {
        let until = made + expires.num_seconds();
        if expires.num_seconds() > 0 && until <= time {
            return Err(format!(
                "the signature itself expired on {}, before the commit's time {}",
                day(until),
                day(time)
            ));
        }
    }
    let revocations = key
        .details
        .revocation_signatures
        .iter()
        .filter(|r| r.verify_key(primary).is_ok());
    revoked(revocations, time).map_or(Ok(()), |why| Err(format!("{name} is revoked{why}")))?;
    let Some(selfsig) = newest(self_signatures(key)) else {
        return Err(format!("{name} has no valid self-signature"));
    };
    if let Some(until) = expiry(primary.created_at().timestamp(), selfsig) {
        if until <= time {
            return Err(format!(
                "{name} expired on {}, before the commit's time {}",
                day(until),
                day(time)
            ));
        }
    }
    let Signer::Subkey(_, sub) = signer else {
        return if can_sign(selfsig) {
            Ok(())
        } else {
            Err(format!("{name} is not marked for signing (key flags)"))
        };
    };
    let sub_name = format!("the signing subkey {:X} of {name}", sub.key.fingerprint());
    let revocations = sub.signatures.iter().filter(|s| {
        s.typ() == Some(SignatureType::SubkeyRevocation)
            && s.verify_subkey_binding(primary, &sub.key).is_ok()
    });
    revoked(revocations, time).map_or(Ok(()), |why| Err(format!("{sub_name} is revoked{why}")))?;
    let bindings = sub.signatures.iter().filter(|s| {
        s.typ() == Some(SignatureType::SubkeyBinding)
            && s.verify_subkey_binding(primary, &sub.key).is_ok()
    });
    let Some(binding) = newest(bindings) else {
        return Err(format!("{sub_name} has no valid binding signature"));
    };
    if !can_sign(binding) {
        return Err(format!("{sub_name} is not marked for signing (key flags)"));
    }
    let backed = binding
        .embedded_signature()
        .is_some_and(|b| b.verify_primary_key_binding(&sub.key, primary).is_ok());
    if !backed {
        return Err(format!(
            "{sub_name} has no valid back-signature to its primary key"
        ));
    }
    if let Some(until) = expiry(sub.key.created_at().timestamp(), binding) {
        if until <= time {
            return Err(format!(
                "{sub_name} expired on {}, before the commit's time {}",
                day(until),
                day(time)
            ));
        }
    }
    Ok(())
}

/// The primary key's verified self-signatures that are not revocations:
/// user ID certifications and direct-key signatures.
fn self_signatures(key: &SignedPublicKey) -> impl Iterator<Item = &Signature> {
    let primary = &key.primary_key;
    let certifications = key.details.users.iter().flat_map(move |u| {
        u.signatures.iter().filter(move |s| {
            s.typ() != Some(SignatureType::CertRevocation)
                && s.verify_certification(primary, Tag::UserId, &u.id).is_ok()
        })
    });
    let direct = key
        .details
        .direct_signatures
        .iter()
        .filter(move |s| s.typ() == Some(SignatureType::Key) && s.verify_key(primary).is_ok());
    certifications.chain(direct)
}

/// The emails of `key`'s user IDs that are valid at `time`.
fn emails(key: &SignedPublicKey, time: i64) -> Vec<String> {
    key.details
        .users
        .iter()
        .filter(|u| user_valid(key, u, time))
        .filter_map(|u| email_of(&String::from_utf8_lossy(u.id.id())))
        .collect()
}

/// A user ID is valid when its newest verified self-signature is a
/// certification (not a revocation) that has not expired by `time`.
fn user_valid(key: &SignedPublicKey, user: &SignedUser, time: i64) -> bool {
    let primary = &key.primary_key;
    let verified = user.signatures.iter().filter(|s| {
        s.verify_certification(primary, Tag::UserId, &user.id)
            .is_ok()
    });
    let Some(newest) = newest(verified) else {
        return false;
    };
    if newest.typ() == Some(SignatureType::CertRevocation) {
        return false;
    }
    match (newest.created(), newest.signature_expiration_time()) {
        (Some(made), Some(expires)) if expires.num_seconds() > 0 => {
            made.timestamp() + expires.num_seconds() > time
        }
        _ => true,
    }
}

/// The address in a user ID: inside the last `<…>`, or the whole user ID
/// when it is a bare address (gpg's `--quick-gen-key jane@acme.example`),
/// lower-cased as approvers' emails are (principal matching is
/// case-sensitive, as OpenSSH's is).
fn email_of(uid: &str) -> Option<String> {
    let addr = match (uid.rfind('<'), uid.rfind('>')) {
        (Some(open), Some(close)) if open < close => &uid[open + 1..close],
        _ => uid.trim(),
    };
    let usable = addr.contains('@')
        && !addr
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '*' | '?' | '!' | ',' | '<' | '>'));
    usable.then(|| addr.to_lowercase())
}

/// The revocation among `sigs` that applies at `time`, as text for the note
/// (the reason the key holder gave, if any); `None` when not revoked.
fn revoked<'s>(sigs: impl Iterator<Item = &'s Signature>, time: i64) -> Option<String> {
    for sig in sigs {
        let soft = matches!(
            sig.revocation_reason_code(),
            Some(RevocationCode::KeySuperseded | RevocationCode::KeyRetired)
        );
        let since = sig.created().map_or(i64::MIN, |c| c.timestamp());
        if soft && since > time {
            continue;
        }
        let text = sig
            .revocation_reason_string()
            .map(|s| String::from_utf8_lossy(s).trim().to_owned())
            .filter(|s| !s.is_empty());
        return Some(match text {
            Some(text) if soft => format!(" since {} (\"{text}\")", day(since)),
            Some(text) => format!(" (\"{text}\")"),
            None if soft => format!(" since {}", day(since)),
            None => String::new(),
        });
    }
    None
}

/// The newest of `sigs` by creation time.
fn newest<'s>(sigs: impl Iterator<Item = &'s Signature>) -> Option<&'s Signature> {
    sigs.max_by_key(|s| s.created().map_or(i64::MIN, |c| c.timestamp()))
}

/// When a key created at `created` expires by `sig` (its Key Expiration
/// Time subpacket); `None`: never.
fn expiry(created: i64, sig: &Signature) -> Option<i64> {
    sig.key_expiration_time()
        .map(|d| d.num_seconds())
        .filter(|&s| s > 0)
        .map(|s| created + s)
}

/// Whether a self-signature (binding) allows signing: its key flags say so,
/// or it carries none (then the algorithm decides, and every algorithm a
/// signature verified with can sign).
fn can_sign(sig: &Signature) -> bool {
    let has_flags = sig.config().is_some_and(|c| {
        c.hashed_subpackets()
            .any(|p| matches!(p.data, SubpacketData::KeyFlags(_)))
    });
    !has_flags || sig.key_flags().sign()
}

/// A Unix time as its UTC calendar date.
fn day(time: i64) -> String {
    jiff::Timestamp::from_second(time)
        .map_or_else(|_| time.to_string(), |t| t.strftime("%Y-%m-%d").to_string())
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02X}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_id_emails_are_single_plain_addresses() {
        assert_eq!(
            email_of("Jane Doe <jane@acme.example>").as_deref(),
            Some("jane@acme.example")
        );
        assert_eq!(
            email_of("jane@acme.example").as_deref(),
            Some("jane@acme.example")
        );
        assert_eq!(
            email_of("Jane Doe <Jane.Doe@Acme.Example>").as_deref(),
            Some("jane.doe@acme.example")
        );
        assert_eq!(email_of("Jane Doe"), None);
        assert_eq!(email_of("Any <*@acme.example>"), None);
        assert_eq!(email_of("Two <a@x.example,b@x.example>"), None);
    }

    #[test]
    fn text_without_key_blocks_is_an_empty_keyring() {
        assert!(Keyring::parse([&b"# keys\nnot a key\n"[..]])
            .keys
            .is_empty());
        assert!(starts_with_public_key_packet(&[0x99, 0x01, 0x0d]));
        assert!(starts_with_public_key_packet(&[0xc6, 0x33]));
        assert!(!starts_with_public_key_packet(b"-----BEGIN"));
    }
}
