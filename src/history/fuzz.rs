//! The fuzz targets' view of this module's private parsers (`crate::fuzzing`
//! calls these): each runs one parser on arbitrary input and asserts what
//! must hold of its result, panicking when it does not. Not an API.

use std::path::Path;

use pgp::composed::{Deserializable, DetachedSignature};
use ssh_key::{Certificate, PublicKey};

use super::allowed_signers::{match_pattern_list, AllowedSigners};
use super::krl::Signer;
use super::openpgp::{self, Keyring, FINGERPRINT_PREFIX};
use super::{cache, trailer, EventKind};

/// Commit trailers: keys are git's (letters, digits, `-`), values are
/// unfolded, and the block they make, written out again under a title,
/// parses to the same trailers. Approval trailers hold at least one
/// identity, no duplicate, and ids without separators.
pub(crate) fn trailers(message: &str) {
    let found = trailer::parse(message);
    for t in &found {
        assert!(!t.key.is_empty(), "empty trailer key in {found:?}");
        assert!(
            t.key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
            "trailer key {:?}",
            t.key
        );
        assert!(!t.value.contains('\n'), "folded value {:?}", t.value);
        assert_eq!(t.value, t.value.trim(), "untrimmed value");
    }
    if !found.is_empty() {
        let block: String = found
            .iter()
            .map(|t| format!("{}: {}\n", t.key, t.value))
            .collect();
        let again = trailer::parse(&format!("Title\n\n{block}"));
        assert_eq!(again, found, "the trailers written out read differently");
    }
    if let Some(a) = trailer::approval_trailers(message) {
        assert!(!a.who.is_empty());
        for (i, (kind, name, email)) in a.who.iter().enumerate() {
            let dup = a.who[..i].iter().any(|(k, n, e)| {
                k == kind && e.eq_ignore_ascii_case(email) && (!email.is_empty() || n == name)
            });
            assert!(!dup, "duplicate approver {name} <{email}>");
            assert!(matches!(kind, EventKind::Approval | EventKind::Review));
        }
        for ids in [&a.approves, &a.reviews] {
            for (i, id) in ids.iter().enumerate() {
                assert!(!id.is_empty() && !id.contains(|c: char| c == ',' || c.is_whitespace()));
                assert!(!ids[..i].contains(id), "duplicate id {id}");
            }
        }
    }
}

/// An allowed-signers file: for every key or certificate written in it
/// (at most a few), `git verify-commit`'s verdict is total, and an accepted
/// one names the pattern lists that accept; and a well-formed line appended
/// to the file accepts its key whatever the lines before it hold (lines
/// never affect each other).
pub(crate) fn allowed_signers(text: &str) {
    let file = AllowedSigners::parse(text);
    for signer in signers_in(text) {
        for time in [0, 1_750_000_000, u64::MAX] {
            if let Ok(lists) = file.verdict(&signer, time) {
                assert!(!lists.is_empty(), "accepted by no pattern list");
            }
        }
        let Signer::Key(key) = &signer else { continue };
        let Ok(line) = PublicKey::from(key.clone()).to_openssh() else {
            continue;
        };
        let more = AllowedSigners::parse(&format!("{text}\nfuzz@example.org {line}\n"));
        assert!(
            more.accepts(&signer, "fuzz@example.org", 1_750_000_000),
            "an appended line does not accept its key"
        );
    }
    let subject = text.lines().next().unwrap_or_default();
    let plain =
        !subject.is_empty() && subject.len() < 1023 && !subject.contains(['*', '?', ',', '!']);
    if plain {
        assert_eq!(match_pattern_list(subject, subject), 1, "{subject:?}");
    }
}

/// The keys and certificates written in `text` (a type word, then base64).
fn signers_in(text: &str) -> Vec<Signer> {
    let mut out = Vec::new();
    for line in text.lines() {
        let words: Vec<&str> = line.split([' ', '\t']).filter(|w| !w.is_empty()).collect();
        for pair in words.windows(2) {
            let openssh = format!("{} {}", pair[0], pair[1]);
            if let Ok(key) = PublicKey::from_openssh(&openssh) {
                out.push(Signer::Key(key.key_data().clone()));
            } else if let Ok(cert) = Certificate::from_openssh(&openssh) {
                out.push(Signer::Cert(Box::new(cert)));
            }
            if out.len() == 4 {
                return out;
            }
        }
    }
    out
}

/// OpenPGP: a keyring (armoured or binary) and an armoured detached
/// signature over `payload`, judged at the signature's own time and later.
/// A verified signature names an OpenPGP fingerprint and plain lower-case
/// emails, and no longer verifies once the payload changes.
pub(crate) fn openpgp(keyring: &[u8], signature: &[u8], payload: &[u8]) {
    let ring = Keyring::parse([keyring]);
    let Ok((sig, _)) = DetachedSignature::from_armor_single(signature) else {
        return;
    };
    let sig = &sig.signature;
    let made = sig.created().map_or(0, |c| c.timestamp());
    for time in [made, made.saturating_add(86_400 * 365 * 30), i64::MAX] {
        let Ok((principals, fingerprint)) = openpgp::check(&ring, sig, payload, time) else {
            continue;
        };
        assert!(fingerprint.starts_with(FINGERPRINT_PREFIX), "{fingerprint}");
        for p in &principals {
            assert!(p.contains('@') && !p.contains(char::is_whitespace), "{p:?}");
            assert_eq!(*p, p.to_lowercase());
        }
        let mut altered = payload.to_vec();
        altered.push(b'\n');
        assert!(
            openpgp::check(&ring, sig, &altered, time).is_err(),
            "a signature verifies over a payload it does not sign"
        );
    }
}

/// The history cache: `body` as the facts file (or, with `witnesses`, the
/// witness file) framed by a valid header and checksum, and `body` as a
/// whole file. Whatever `load` accepts re-encodes to exactly the bytes it
/// read: no damaged file is taken for a valid one.
pub(crate) fn cache(dir: &Path, body: &[u8], witnesses: Option<usize>) {
    for raw in [false, true] {
        let (file, again) = cache::fuzz_round_trip(dir, body, raw, witnesses).unwrap_or_else(|e| {
            panic!("cannot write the cache files under {}: {e}", dir.display())
        });
        if let Some(again) = again {
            assert!(
                again == file,
                "a cache file that load accepts re-encodes differently"
            );
        }
    }
}

/// A commit object as the cold walk reads it: when the fast header parser
/// (`rawcommit`) takes it, the commit's facts and signed flag are exactly
/// those its reading through libgit2 gives (`walk::read_commit` takes
/// either), and libgit2 reads it at all.
pub(crate) fn raw_commit(data: &[u8]) {
    let Some(raw) = super::rawcommit::parse(data) else {
        return;
    };
    SCRATCH.with(
        |Scratch {
             repo, odb, mempack, ..
         }| {
            let id = odb
                .write(git2::ObjectType::Commit, data)
                .unwrap_or_else(|e| panic!("cannot write to the in-memory object database: {e}"));
            let commit = repo
                .find_commit(id)
                .unwrap_or_else(|e| panic!("the fast parser takes a commit libgit2 refuses: {e}"));
            let ours = super::walk::raw_facts(&raw, id, false);
            let theirs = super::walk::git2_facts(&commit, id, false);
            assert_eq!(ours, theirs, "the fast parser reads the commit otherwise");
            drop(commit);
            mempack
                .reset()
                .unwrap_or_else(|e| panic!("cannot empty the in-memory object database: {e}"));
        },
    );
}

/// The raw commit target's libgit2: a bare repository whose object
/// database writes to memory. Leaked (libgit2's handles borrow each other)
/// but for its folder, which goes with the thread.
struct Scratch {
    repo: &'static git2::Repository,
    odb: &'static git2::Odb<'static>,
    mempack: git2::Mempack<'static>,
    _folder: Folder,
}

/// A folder removed when dropped.
struct Folder(std::path::PathBuf);

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Scratch {
    fn new() -> Scratch {
        // Every input is another object: libgit2 must not keep them all.
        git2::opts::enable_caching(false);
        let folder = Folder(std::env::temp_dir().join(format!(
            "govlint-fuzz-odb-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        )));
        let repo = git2::Repository::init_bare(&folder.0)
            .unwrap_or_else(|e| panic!("cannot make {}: {e}", folder.0.display()));
        let repo: &'static git2::Repository = Box::leak(Box::new(repo));
        let odb = repo
            .odb()
            .unwrap_or_else(|e| panic!("no object database: {e}"));
        let odb: &'static git2::Odb<'static> = Box::leak(Box::new(odb));
        let mempack = odb
            .add_new_mempack_backend(1000)
            .unwrap_or_else(|e| panic!("no in-memory object database: {e}"));
        Scratch {
            repo,
            odb,
            mempack,
            _folder: folder,
        }
    }
}

thread_local! {
    static SCRATCH: Scratch = Scratch::new();
}
