//! Revoked keys (`trust.revoked_keys`), read as `ssh-keygen -Y verify -r`
//! reads `gpg.ssh.revocationFile` (`authfile.c` `sshkey_check_revoked`,
//! `krl.c`, `PROTOCOL.krl`).
//!
//! The file is either an OpenSSH key revocation list (binary, starting with
//! `SSHKRL\n\0`; made by `ssh-keygen -k`) or a plain list of public keys, one
//! a line (`#` comments). A KRL revokes keys explicitly, by SHA-1 or SHA-256
//! fingerprint, and certificates by serial number (lists, ranges, bitmaps)
//! or key id, for one CA or for any; a certificate is also revoked when its
//! key or its CA key is. In a plain list, a key revokes itself and the
//! certificates it holds or signed. A file that cannot be read makes every
//! signature fail, as it makes `ssh-keygen` fail.

use ssh_key::public::KeyData;
use ssh_key::sha2::{Digest, Sha256};
use ssh_key::{Certificate, PublicKey};

/// The key behind a signature: a plain key, or an OpenSSH certificate.
#[derive(Debug, Clone)]
pub(super) enum Signer {
    Key(KeyData),
    Cert(Box<Certificate>),
}

impl Signer {
    /// The signing key itself (a certificate's certified key).
    pub(super) fn key(&self) -> &KeyData {
        match self {
            Signer::Key(key) => key,
            Signer::Cert(cert) => cert.public_key(),
        }
    }
}

/// A parsed revoked-keys file.
#[derive(Debug)]
pub(super) enum Revoked {
    Keys(Vec<KeyData>),
    Krl(Box<Krl>),
    /// Neither a KRL nor a list of keys: nothing verifies.
    Unreadable(String),
}

/// The parts of a KRL that revoke something.
#[derive(Debug, Default)]
pub(super) struct Krl {
    keys: Vec<Vec<u8>>,
    sha1: Vec<Vec<u8>>,
    sha256: Vec<Vec<u8>>,
    /// Per CA (its key blob; empty for "any CA").
    certs: Vec<(Vec<u8>, CertRevocations)>,
}

#[derive(Debug, Default)]
struct CertRevocations {
    /// Inclusive serial ranges (lists and bitmaps become one-serial ranges).
    serials: Vec<(u64, u64)>,
    key_ids: Vec<String>,
}

const MAGIC: &[u8] = b"SSHKRL\n\0";

impl Revoked {
    /// Parses the file's bytes.
    pub(super) fn parse(bytes: &[u8]) -> Revoked {
        if bytes.starts_with(MAGIC) {
            return match parse_krl(&bytes[MAGIC.len()..]) {
                Some(krl) => Revoked::Krl(Box::new(krl)),
                None => Revoked::Unreadable("it is not a valid key revocation list".to_owned()),
            };
        }
        let mut keys = Vec::new();
        for line in String::from_utf8_lossy(bytes).lines() {
            let line = line.trim_start_matches([' ', '\t']);
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut words = line.split([' ', '\t']).filter(|w| !w.is_empty());
            let key = match (words.next(), words.next()) {
                (Some(kind), Some(blob)) => PublicKey::from_openssh(&format!("{kind} {blob}")).ok(),
                _ => None,
            };
            match key {
                Some(key) => keys.push(key.key_data().clone()),
                None => {
                    return Revoked::Unreadable(
                        "a line is neither a comment nor a public key".to_owned(),
                    )
                }
            }
        }
        Revoked::Keys(keys)
    }

    /// Why `signer` may not sign, if it is revoked (or the file unreadable).
    pub(super) fn refusal(&self, signer: &Signer) -> Option<String> {
        match self {
            Revoked::Unreadable(why) => Some(format!(
                "the revoked-keys file cannot be read ({why}), so no signature is accepted"
            )),
            Revoked::Keys(keys) => {
                let revoked = keys.iter().any(|k| k == signer.key())
                    || matches!(signer, Signer::Cert(c) if keys.iter().any(|k| k == c.signature_key()));
                revoked.then(|| revoked_note(signer))
            }
            Revoked::Krl(krl) => {
                let revoked = krl.revokes(signer.key(), Some(signer))
                    || matches!(signer, Signer::Cert(c) if krl.revokes(c.signature_key(), None));
                revoked.then(|| revoked_note(signer))
            }
        }
    }
}

fn revoked_note(signer: &Signer) -> String {
    match signer {
        Signer::Key(_) => "the signing key is revoked (trust.revoked_keys)".to_owned(),
        Signer::Cert(cert) => format!(
            "the signing certificate \"{}\" (serial {}) is revoked, by its serial, key id, key or CA key (trust.revoked_keys)",
            cert.key_id(),
            cert.serial()
        ),
    }
}

impl Krl {
    /// `is_key_revoked`: `key` by blob or fingerprint; with a certificate,
    /// also its serial and key id.
    fn revokes(&self, key: &KeyData, signer: Option<&Signer>) -> bool {
        let Some(key_blob) = blob(key) else {
            return false;
        };
        let sha1 = sha1::Sha1::digest(&key_blob).to_vec();
        let sha256 = Sha256::digest(&key_blob).to_vec();
        if self.sha1.contains(&sha1)
            || self.sha256.contains(&sha256)
            || self.keys.contains(&key_blob)
        {
            return true;
        }
        let Some(Signer::Cert(cert)) = signer else {
            return false;
        };
        let Some(ca) = blob(cert.signature_key()) else {
            return false;
        };
        self.certs
            .iter()
            .filter(|(for_ca, _)| for_ca.is_empty() || *for_ca == ca)
            .any(|(_, r)| {
                r.key_ids.iter().any(|id| id == cert.key_id())
                    || (cert.serial() != 0
                        && r.serials
                            .iter()
                            .any(|&(lo, hi)| (lo..=hi).contains(&cert.serial())))
            })
    }
}

/// A plain key's wire blob.
fn blob(key: &KeyData) -> Option<Vec<u8>> {
    PublicKey::from(key.clone()).to_bytes().ok()
}

/// The KRL after its magic (PROTOCOL.krl section 1).
fn parse_krl(bytes: &[u8]) -> Option<Krl> {
    let mut r = Reader(bytes);
    if r.u32()? != 1 {
        return None;
    }
    let (_version, _date, _flags) = (r.u64()?, r.u64()?, r.u64()?);
    let (_reserved, _comment) = (r.string()?, r.string()?);
    let mut krl = Krl::default();
    while !r.0.is_empty() {
        let kind = r.byte()?;
        let mut data = Reader(r.string()?);
        match kind {
            1 => krl.certs.push(parse_cert_section(&mut data)?),
            2 | 3 | 5 => {
                let list = match kind {
                    2 => &mut krl.keys,
                    3 => &mut krl.sha1,
                    _ => &mut krl.sha256,
                };
                while !data.0.is_empty() {
                    list.push(data.string()?.to_vec());
                }
            }
            255 => {
                let (_name, critical) = (data.string()?, data.byte()?);
                if critical != 0 {
                    return None;
                }
            }
            // Signature sections (refused since OpenSSH 9.4) and unknown ones.
            _ => return None,
        }
    }
    Some(krl)
}

fn parse_cert_section(data: &mut Reader<'_>) -> Option<(Vec<u8>, CertRevocations)> {
    let ca = data.string()?.to_vec();
    let _reserved = data.string()?;
    let mut revoked = CertRevocations::default();
    while !data.0.is_empty() {
        let kind = data.byte()?;
        let mut sub = Reader(data.string()?);
        match kind {
            0x20 => {
                while !sub.0.is_empty() {
                    let serial = sub.u64()?;
                    revoked.serials.push((serial, serial));
                }
            }
            0x21 => {
                let (lo, hi) = (sub.u64()?, sub.u64()?);
                revoked.serials.push((lo, hi));
            }
            0x22 => {
                let offset = sub.u64()?;
                let bitmap = sub.string()?;
                for (i, byte) in bitmap.iter().rev().enumerate() {
                    for bit in 0..8 {
                        if byte & (1 << bit) != 0 {
                            let n = u64::try_from(i * 8 + bit).ok()?;
                            let serial = offset.checked_add(n)?;
                            revoked.serials.push((serial, serial));
                        }
                    }
                }
            }
            0x23 => {
                while !sub.0.is_empty() {
                    let id = sub.string()?;
                    revoked
                        .key_ids
                        .push(String::from_utf8_lossy(id).into_owned());
                }
            }
            0x39 => {
                let (_name, critical) = (sub.string()?, sub.byte()?);
                if critical != 0 {
                    return None;
                }
            }
            _ => return None,
        }
    }
    Some((ca, revoked))
}

/// SSH wire-format reading (RFC 4251 section 5).
pub(super) struct Reader<'b>(pub(super) &'b [u8]);

impl<'b> Reader<'b> {
    pub(super) fn take(&mut self, n: usize) -> Option<&'b [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    pub(super) fn byte(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    pub(super) fn u32(&mut self) -> Option<u32> {
        Some(u32::from_be_bytes(self.take(4)?.try_into().ok()?))
    }

    pub(super) fn u64(&mut self) -> Option<u64> {
        Some(u64::from_be_bytes(self.take(8)?.try_into().ok()?))
    }

    pub(super) fn string(&mut self) -> Option<&'b [u8]> {
        let n = usize::try_from(self.u32()?).ok()?;
        self.take(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEhQiHNRgNlkgygHpDQbC+MvtI7N30AWD6uTDWvFZ3/v";

    fn key() -> Signer {
        Signer::Key(
            PublicKey::from_openssh(KEY)
                .expect("key")
                .key_data()
                .clone(),
        )
    }

    fn string(bytes: &[u8]) -> Vec<u8> {
        let mut out = u32::try_from(bytes.len())
            .expect("short")
            .to_be_bytes()
            .to_vec();
        out.extend_from_slice(bytes);
        out
    }

    /// A KRL with these `(type, data)` sections.
    fn krl(sections: &[(u8, Vec<u8>)]) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend(1u32.to_be_bytes());
        out.extend([0u8; 24]);
        out.extend(string(b""));
        out.extend(string(b"comment"));
        for (kind, data) in sections {
            out.push(*kind);
            out.extend(string(data));
        }
        out
    }

    #[test]
    fn plain_lists_revoke_their_keys() {
        let listed = Revoked::parse(format!("# old keys\n\n  {KEY} laptop\n").as_bytes());
        assert!(listed.refusal(&key()).expect("revoked").contains("revoked"));
        assert!(Revoked::parse(b"# nothing\n").refusal(&key()).is_none());
        let junk = Revoked::parse(b"not a key\n");
        assert!(junk
            .refusal(&key())
            .expect("unreadable")
            .contains("cannot be read"));
    }

    #[test]
    fn krl_sections() {
        let blob = blob(key().key()).expect("blob");
        let explicit = krl(&[(2, string(&blob))]);
        assert!(Revoked::parse(&explicit).refusal(&key()).is_some());
        let by_hash = krl(&[(5, string(&Sha256::digest(&blob)))]);
        assert!(Revoked::parse(&by_hash).refusal(&key()).is_some());
        let other = krl(&[(3, string(&[0u8; 20]))]);
        assert!(Revoked::parse(&other).refusal(&key()).is_none());
        let mut critical = string(b"x@example.org");
        critical.push(1);
        critical.extend(string(b""));
        assert!(matches!(
            Revoked::parse(&krl(&[(255, critical)])),
            Revoked::Unreadable(_)
        ));
        assert!(matches!(
            Revoked::parse(&krl(&[(4, string(b"sig"))])),
            Revoked::Unreadable(_)
        ));
    }

    #[test]
    fn serial_bitmaps_count_from_the_last_byte() {
        // Serials 100 + {1, 9, 16}: bits 1 and 9 and 16 of a big-endian mpint.
        let mut bitmap = 100u64.to_be_bytes().to_vec();
        bitmap.extend(string(&[0b0000_0001, 0b0000_0010, 0b0000_0010]));
        let mut section = string(b"");
        section.extend(string(b""));
        section.push(0x22);
        section.extend(string(&bitmap));
        let (ca, revoked) = parse_cert_section(&mut Reader(&section)).expect("parses");
        assert!(ca.is_empty());
        assert_eq!(revoked.serials, [(101, 101), (109, 109), (116, 116)]);
    }
}
