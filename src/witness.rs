//! Writing witness tags (SPEC 2.4): the signing key, the tag's name, and the
//! signed annotated tag object, made natively (no `git` or `ssh-keygen` on
//! the machine) and byte for byte what `git tag -s` makes with
//! `gpg.format=ssh`, so that `git verify-tag` accepts it.
//!
//! The tag object is git's: `object`, `type commit`, `tag`, `tagger`
//! headers, a blank line, the message, then the armoured
//! `-----BEGIN SSH SIGNATURE-----` block of an sshsig signature (namespace
//! `git`, SHA-512) over everything before it. Its reference is created
//! without force: an existing tag is never moved, and a name that is taken
//! (two runs in the same second) is an error.
//!
//! What the message says is `history::witness_note`'s; what the command
//! decides (the commit, the approvals, the principal) is `app/witness.rs`'s.

use std::fmt;

use ssh_key::{Algorithm, HashAlg, LineEnding, PrivateKey};

/// The namespace git signs commits and tags in (`ssh-keygen -Y sign -n git`).
pub const NAMESPACE: &str = "git";

/// The witness tag name pattern when `trust.witness_tags` is not set.
pub const DEFAULT_TAGS: &str = "govlint/witness/*";

/// Why a witness tag could not be made (exit code 2).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum WitnessError {
    #[error("cannot read the witness key {from}: {why}")]
    #[diagnostic(help(
        "give an OpenSSH private key: --key FILE, or its text in GOVLINT_WITNESS_KEY (a CI secret); make one with `ssh-keygen -t ed25519 -N '' -C ci-witness -f witness_key`"
    ))]
    KeyUnreadable { from: String, why: String },
    #[error("the witness key {from} is encrypted with a passphrase")]
    #[diagnostic(help(
        "a witness runs unattended: give it a key without a passphrase (`ssh-keygen -p -N '' -f FILE` removes it) and keep the key in a CI secret"
    ))]
    KeyEncrypted { from: String },
    #[error("the witness key {from} is a {algorithm} key, which govlint cannot sign with")]
    #[diagnostic(help(
        "use an ed25519, ecdsa (nistp256, nistp384, nistp521) or rsa key; security-key (sk-…) keys need the hardware token and cannot sign in CI"
    ))]
    KeyUnsupported { from: String, algorithm: String },
    #[error("no witness key: pass --key FILE or set GOVLINT_WITNESS_KEY to the key's text")]
    #[diagnostic(help(
        "the key is the private half of the key that .govlint/allowed_signers lists for the witness principal; `--dry-run` shows the tag message without a key"
    ))]
    NoKey,
    #[error("cannot sign the witness tag: {0}")]
    Sign(String),
    #[error("cannot derive a witness tag name from trust.witness_tags `{glob}`: {why}")]
    #[diagnostic(help(
        "use a pattern with exactly one `*` (and no other wildcard) where the time goes, such as the default `govlint/witness/*`"
    ))]
    TagName { glob: String, why: String },
    #[error("the tag `{name}` already exists; witness tags are never moved or replaced")]
    #[diagnostic(help(
        "a witness was already made at this second: run `govlint witness` again a second later"
    ))]
    TagExists { name: String },
    #[error("the witness tagger `{0}` cannot be written in a git tag (it contains `<`, `>` or a line break)")]
    BadIdentity(String),
    #[error("cannot write the witness tag: {0}")]
    Git(String),
}

/// A private key that can sign witness tags.
pub struct SigningKey {
    key: PrivateKey,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the private key.
        write!(f, "SigningKey({})", self.public_line())
    }
}

impl SigningKey {
    /// The OpenSSH private key in `text` (what `ssh-keygen` writes);
    /// `from` says where it came from, for messages.
    ///
    /// # Errors
    /// [`WitnessError::KeyUnreadable`] for text that is not an OpenSSH
    /// private key (old PEM keys included), [`WitnessError::KeyEncrypted`]
    /// for a key with a passphrase, [`WitnessError::KeyUnsupported`] for a
    /// key type that cannot sign here.
    pub fn from_openssh(text: &str, from: &str) -> Result<SigningKey, WitnessError> {
        // Line ends as a CI secret may hold them: CRLF, or `\n` written out
        // on one line.
        let mut text = text.trim().replace("\r\n", "\n");
        if !text.contains('\n') && text.contains("\\n") {
            text = text.replace("\\n", "\n");
        }
        let text = text.as_str();
        let parsed = PrivateKey::from_openssh(text)
            .or_else(|e| fixed_ecdsa_scalar(text).map_or(Err(e), PrivateKey::from_openssh));
        let key = parsed.map_err(|e| {
            let why = if text.starts_with("-----BEGIN ") && !text.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----") {
                format!(
                    "it is not in OpenSSH format ({e}); convert it with `ssh-keygen -p -N '' -f FILE`, which rewrites it in that format"
                )
            } else {
                format!("not an OpenSSH private key ({e})")
            };
            WitnessError::KeyUnreadable {
                from: from.to_owned(),
                why,
            }
        })?;
        if key.is_encrypted() {
            return Err(WitnessError::KeyEncrypted {
                from: from.to_owned(),
            });
        }
        let algorithm = key.algorithm();
        let supported = matches!(
            algorithm,
            Algorithm::Ed25519 | Algorithm::Ecdsa { .. } | Algorithm::Rsa { .. } | Algorithm::Dsa
        );
        if !supported {
            return Err(WitnessError::KeyUnsupported {
                from: from.to_owned(),
                algorithm: algorithm.as_str().to_owned(),
            });
        }
        Ok(SigningKey { key })
    }

    /// A new random ed25519 key (for the example ISMS's throwaway witness).
    ///
    /// # Errors
    /// [`WitnessError::Sign`] when the system has no randomness to give.
    pub fn generate_ed25519(comment: &str) -> Result<SigningKey, WitnessError> {
        let mut rng = ssh_key::rand_core::OsRng;
        let mut key = PrivateKey::random(&mut rng, Algorithm::Ed25519)
            .map_err(|e| WitnessError::Sign(e.to_string()))?;
        key.set_comment(comment);
        Ok(SigningKey { key })
    }

    /// The public key as an allowed-signers line takes it:
    /// `ssh-ed25519 AAAA…` (type and base64, no comment).
    #[must_use]
    pub fn public_line(&self) -> String {
        let public = self.key.public_key().to_openssh().unwrap_or_default();
        public
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The key as `ssh-keygen` writes a private key file.
    ///
    /// # Errors
    /// [`WitnessError::Sign`] when it cannot be encoded.
    pub fn to_openssh(&self) -> Result<String, WitnessError> {
        self.key
            .to_openssh(LineEnding::LF)
            .map(|s| s.to_string())
            .map_err(|e| WitnessError::Sign(e.to_string()))
    }

    /// The armoured sshsig signature of `payload` in namespace `git` with
    /// SHA-512, as `ssh-keygen -Y sign -n git` writes it (ending in a
    /// newline).
    ///
    /// # Errors
    /// [`WitnessError::Sign`] when the key cannot sign.
    pub fn sign(&self, payload: &[u8]) -> Result<String, WitnessError> {
        let sig = match self.key.key_data().rsa() {
            Some(rsa) => sign_rsa(&self.key, rsa, payload)?,
            None => self
                .key
                .sign(NAMESPACE, HashAlg::Sha512, payload)
                .map_err(|e| WitnessError::Sign(e.to_string()))?,
        };
        let mut pem = sig
            .to_pem(LineEnding::LF)
            .map_err(|e| WitnessError::Sign(e.to_string()))?;
        if !pem.ends_with('\n') {
            pem.push('\n');
        }
        Ok(pem)
    }
}

/// The OpenSSH private key `text` with its ECDSA private scalar written at
/// the curve's full width, or `None` when it is not an unencrypted ECDSA
/// key whose scalar is shorter.
///
/// OpenSSH writes the scalar as a minimal mpint: a nistp521 scalar is
/// 65 bytes about half the time, and any curve's is a byte short one time
/// in 256. ssh-key 0.6.7 reads only the full width and rejects the rest as
/// "length invalid"; this rewrites the key block (re-padding it) so that it
/// can. The key itself is unchanged.
fn fixed_ecdsa_scalar(text: &str) -> Option<String> {
    use base64ct::{Base64, Encoding};
    const BEGIN: &str = "-----BEGIN OPENSSH PRIVATE KEY-----";
    const END: &str = "-----END OPENSSH PRIVATE KEY-----";
    let body = text.strip_prefix(BEGIN)?.trim_end().strip_suffix(END)?;
    let b64: String = body.split_whitespace().collect();
    let raw = Base64::decode_vec(&b64).ok()?;
    let mut r = Reader { buf: &raw };
    if r.take(15)? != b"openssh-key-v1\0" {
        return None;
    }
    let cipher = r.string()?;
    let kdf = r.string()?;
    let kdf_options = r.string()?;
    if cipher != b"none" || r.u32()? != 1 {
        return None;
    }
    let public = r.string()?;
    let block = r.string()?;
    let mut k = Reader { buf: block };
    let checks = k.take(8)?;
    let key_type = k.string()?;
    let width = match key_type {
        b"ecdsa-sha2-nistp256" => 32,
        b"ecdsa-sha2-nistp384" => 48,
        b"ecdsa-sha2-nistp521" => 66,
        _ => return None,
    };
    let curve = k.string()?;
    let point = k.string()?;
    let scalar = k.string()?;
    let comment = k.string()?;
    let digits: &[u8] = {
        let start = scalar.iter().position(|b| *b != 0).unwrap_or(scalar.len());
        &scalar[start..]
    };
    if digits.len() >= width || scalar.len() >= width {
        return None;
    }
    let mut fixed = vec![0u8; width - digits.len()];
    fixed.extend_from_slice(digits);

    let mut new_block = checks.to_vec();
    for part in [key_type, curve, point, &fixed, comment] {
        put_string(&mut new_block, part);
    }
    let mut pad = 1u8;
    while new_block.len() % 8 != 0 {
        new_block.push(pad);
        pad += 1;
    }
    let mut out = b"openssh-key-v1\0".to_vec();
    for part in [cipher, kdf, kdf_options] {
        put_string(&mut out, part);
    }
    out.extend_from_slice(&1u32.to_be_bytes());
    put_string(&mut out, public);
    put_string(&mut out, &new_block);
    let encoded = Base64::encode_string(&out);
    let mut pem = format!("{BEGIN}\n");
    for line in encoded.as_bytes().chunks(70) {
        pem.push_str(std::str::from_utf8(line).ok()?);
        pem.push('\n');
    }
    pem.push_str(END);
    pem.push('\n');
    Some(pem)
}

/// Reads SSH wire-format fields.
struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.buf.len() < n {
            return None;
        }
        let (head, rest) = self.buf.split_at(n);
        self.buf = rest;
        Some(head)
    }

    fn u32(&mut self) -> Option<u32> {
        let b = self.take(4)?;
        Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn string(&mut self) -> Option<&'a [u8]> {
        let n = usize::try_from(self.u32()?).ok()?;
        self.take(n)
    }
}

fn put_string(out: &mut Vec<u8>, bytes: &[u8]) {
    // Key fields are far below 4 GiB.
    out.extend_from_slice(&u32::try_from(bytes.len()).unwrap_or(u32::MAX).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// An sshsig signature with an RSA key, `rsa-sha2-512` over the sshsig
/// signed data, as `ssh-keygen -Y sign` makes it. (ssh-key 0.6.7's own RSA
/// signer passes the first prime twice and always fails.)
fn sign_rsa(
    key: &PrivateKey,
    rsa: &ssh_key::private::RsaKeypair,
    payload: &[u8],
) -> Result<ssh_key::SshSig, WitnessError> {
    use rsa::signature::{SignatureEncoding, Signer};
    let fail = |what: &str| WitnessError::Sign(format!("the RSA key's {what} cannot be read"));
    let int = |m: &ssh_key::Mpint, what: &str| {
        m.as_positive_bytes()
            .map(rsa::BigUint::from_bytes_be)
            .ok_or_else(|| fail(what))
    };
    let private = rsa::RsaPrivateKey::from_components(
        int(&rsa.public.n, "modulus")?,
        int(&rsa.public.e, "exponent")?,
        int(&rsa.private.d, "private exponent")?,
        vec![
            int(&rsa.private.p, "prime p")?,
            int(&rsa.private.q, "prime q")?,
        ],
    )
    .map_err(|e| WitnessError::Sign(format!("the RSA key is not valid: {e}")))?;
    let data = ssh_key::SshSig::signed_data(NAMESPACE, HashAlg::Sha512, payload)
        .map_err(|e| WitnessError::Sign(e.to_string()))?;
    let signer = rsa::pkcs1v15::SigningKey::<ssh_key::sha2::Sha512>::new(private);
    let raw = signer
        .try_sign(&data)
        .map_err(|e| WitnessError::Sign(e.to_string()))?;
    let signature = ssh_key::Signature::new(
        Algorithm::Rsa {
            hash: Some(HashAlg::Sha512),
        },
        raw.to_vec(),
    )
    .map_err(|e| WitnessError::Sign(e.to_string()))?;
    ssh_key::SshSig::new(
        key.public_key().key_data().clone(),
        NAMESPACE,
        HashAlg::Sha512,
        signature,
    )
    .map_err(|e| WitnessError::Sign(e.to_string()))
}

/// Who makes the tag and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tagger {
    pub name: String,
    /// The witness principal (an entry of `trust.witnesses`).
    pub email: String,
    /// Unix seconds; written in UTC (`+0000`).
    pub time: i64,
}

/// The tag name for `time` under the pattern `glob` (`trust.witness_tags`):
/// the pattern's one `*` replaced by the UTC time as `20261201T101500Z`.
///
/// # Errors
/// [`WitnessError::TagName`] when the pattern has no `*`, several, another
/// wildcard, or yields no valid tag name.
pub fn tag_name(glob: &str, time: i64) -> Result<String, WitnessError> {
    let fail = |why: &str| WitnessError::TagName {
        glob: glob.to_owned(),
        why: why.to_owned(),
    };
    match glob.matches('*').count() {
        0 => {
            return Err(fail(
                "it has no `*` for the time, so every witness would need the same name",
            ))
        }
        1 => {}
        _ => {
            return Err(fail(
                "it has more than one `*`, so it is not clear where the time goes",
            ))
        }
    }
    if glob.contains(['?', '[', ']', '{', '}', '\\', '!']) {
        return Err(fail("only `*` can be filled in; it has other wildcards"));
    }
    let stamp = utc_stamp(time).ok_or_else(|| fail("the time cannot be written"))?;
    let name = glob.replacen('*', &stamp, 1);
    if !git2::Reference::is_valid_name(&format!("refs/tags/{name}")) {
        return Err(fail(&format!("`{name}` is not a valid git tag name")));
    }
    Ok(name)
}

/// `20261201T101500Z`.
fn utc_stamp(time: i64) -> Option<String> {
    let ts = jiff::Timestamp::from_second(time).ok()?;
    Some(ts.strftime("%Y%m%dT%H%M%SZ").to_string())
}

/// The unsigned tag object (headers and message) for `target`, as `git tag`
/// builds it before signing.
///
/// # Errors
/// [`WitnessError::BadIdentity`] when the tagger cannot be written.
pub fn tag_payload(
    target: &str,
    name: &str,
    tagger: &Tagger,
    message: &str,
) -> Result<String, WitnessError> {
    for part in [&tagger.name, &tagger.email] {
        if part.contains(['<', '>', '\n', '\r', '\0']) {
            return Err(WitnessError::BadIdentity(part.clone()));
        }
    }
    let mut message = message.to_owned();
    if !message.ends_with('\n') {
        message.push('\n');
    }
    Ok(format!(
        "object {target}\ntype commit\ntag {name}\ntagger {} <{}> {} +0000\n\n{message}",
        tagger.name.trim(),
        tagger.email.trim(),
        tagger.time
    ))
}

/// Signs and writes the annotated tag `name` on commit `target` (full hex
/// id) and creates `refs/tags/NAME`, never replacing an existing one.
/// Returns the tag object's id.
///
/// # Errors
/// [`WitnessError::TagExists`] when the name is taken; the other variants
/// when the tag cannot be built, signed or written.
pub fn create_tag(
    repo: &git2::Repository,
    target: &str,
    name: &str,
    tagger: &Tagger,
    message: &str,
    key: &SigningKey,
) -> Result<String, WitnessError> {
    let git = |e: git2::Error| WitnessError::Git(e.message().to_owned());
    let refname = format!("refs/tags/{name}");
    if repo.find_reference(&refname).is_ok() {
        return Err(WitnessError::TagExists {
            name: name.to_owned(),
        });
    }
    let target_id = git2::Oid::from_str(target).map_err(git)?;
    repo.find_commit(target_id).map_err(git)?;
    let payload = tag_payload(target, name, tagger, message)?;
    let signature = key.sign(payload.as_bytes())?;
    let object = format!("{payload}{signature}");
    let odb = repo.odb().map_err(git)?;
    let id = odb
        .write(git2::ObjectType::Tag, object.as_bytes())
        .map_err(git)?;
    // Without force: if another run took the name meanwhile, this fails
    // instead of moving its tag.
    repo.reference(&refname, id, false, "govlint witness")
        .map_err(|e| {
            if e.code() == git2::ErrorCode::Exists {
                WitnessError::TagExists {
                    name: name.to_owned(),
                }
            } else {
                git(e)
            }
        })?;
    Ok(id.to_string())
}

/// Removes the tag `name` that [`create_tag`] just made, if it still is
/// the tag object `id` (so that a tag someone else made is never touched):
/// for a witness that turned out not to verify, before anyone pushed it.
///
/// # Errors
/// [`WitnessError::Git`] when the reference cannot be read or deleted.
pub fn withdraw_tag(repo: &git2::Repository, name: &str, id: &str) -> Result<(), WitnessError> {
    let git = |e: git2::Error| WitnessError::Git(e.message().to_owned());
    let mut reference = repo
        .find_reference(&format!("refs/tags/{name}"))
        .map_err(git)?;
    if reference.target().map(|t| t.to_string()).as_deref() == Some(id) {
        reference.delete().map_err(git)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_names_fill_the_one_star_with_the_utc_time() {
        // 2026-12-01T10:15:00Z
        let t = 1_796_120_100;
        assert_eq!(
            tag_name(DEFAULT_TAGS, t).unwrap(),
            "govlint/witness/20261201T101500Z"
        );
        assert_eq!(tag_name("w-*-ci", t).unwrap(), "w-20261201T101500Z-ci");
        for bad in [
            "govlint/witness",
            "a/*/*",
            "w/?*",
            "w/[ab]*",
            "w/**",
            "w..x/*",
            "w/*.lock",
        ] {
            assert!(
                matches!(tag_name(bad, t), Err(WitnessError::TagName { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_payload_is_what_git_tag_builds() {
        let tagger = Tagger {
            name: "govlint witness".into(),
            email: "ci@acme.example".into(),
            time: 1_700_000_000,
        };
        let p = tag_payload("ab", "govlint/witness/x", &tagger, "hello").unwrap();
        assert_eq!(
            p,
            "object ab\ntype commit\ntag govlint/witness/x\ntagger govlint witness <ci@acme.example> 1700000000 +0000\n\nhello\n"
        );
        let bad = Tagger {
            email: "a>b".into(),
            ..tagger
        };
        assert!(matches!(
            tag_payload("ab", "n", &bad, "m"),
            Err(WitnessError::BadIdentity(_))
        ));
    }

    /// ssh-keygen's nistp521 keys have a 65-byte scalar about half the
    /// time: every one of these must load and sign.
    #[test]
    fn every_ecdsa_key_that_ssh_keygen_makes_loads() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..12 {
            let path = dir.path().join(format!("k{i}"));
            let status = std::process::Command::new("ssh-keygen")
                .args(["-q", "-t", "ecdsa", "-b", "521", "-N", "", "-C", "c", "-f"])
                .arg(&path)
                .status()
                .expect("ssh-keygen runs");
            assert!(status.success());
            let text = std::fs::read_to_string(&path).unwrap();
            let key =
                SigningKey::from_openssh(&text, "k").unwrap_or_else(|e| panic!("{e}\n{text}"));
            let public = std::fs::read_to_string(path.with_extension("pub")).unwrap();
            assert!(public.starts_with(&key.public_line()));
            let pem = key.sign(b"data").unwrap();
            let sig = ssh_key::SshSig::from_pem(&pem).unwrap();
            key.key
                .public_key()
                .verify(NAMESPACE, b"data", &sig)
                .expect("verifies");
        }
    }

    #[test]
    fn keys_that_cannot_sign_are_named() {
        assert!(matches!(
            SigningKey::from_openssh("not a key", "--key k"),
            Err(WitnessError::KeyUnreadable { .. })
        ));
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n";
        match SigningKey::from_openssh(pem, "--key k") {
            Err(WitnessError::KeyUnreadable { why, .. }) => assert!(why.contains("OpenSSH format")),
            other => panic!("{other:?}"),
        }
        let generated = SigningKey::generate_ed25519("example").unwrap();
        let text = generated.to_openssh().unwrap();
        let again = SigningKey::from_openssh(&text, "text").unwrap();
        assert_eq!(again.public_line(), generated.public_line());
        for mangled in [text.replace('\n', "\r\n"), text.trim().replace('\n', "\\n")] {
            let key = SigningKey::from_openssh(&mangled, "secret").unwrap();
            assert_eq!(key.public_line(), generated.public_line());
        }
        assert!(generated.public_line().starts_with("ssh-ed25519 AAAA"));
        let sig = again.sign(b"payload").unwrap();
        assert!(sig.starts_with("-----BEGIN SSH SIGNATURE-----\n"));
        assert!(sig.ends_with("-----END SSH SIGNATURE-----\n"));
    }
}
