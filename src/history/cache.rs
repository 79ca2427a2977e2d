//! The warm-run cache: the per-commit facts of the last indexed revision,
//! so that the next run walks only the commits made since.
//!
//! - **Where**: outside the governance repository, in
//!   `$XDG_CACHE_HOME/govlint/history/` (else `~/.cache/govlint/history/`),
//!   one file per repository and allowed-signers setting. Nothing is ever
//!   written into the repository.
//! - **Off switch**: `GOVLINT_NO_CACHE=1` (any value but `0` or empty).
//! - **Trust**: a file is used only if its magic, format version, repository
//!   path, allowed-signers setting and shallow boundary list all match, its
//!   checksum is right and it decodes completely; and only if the cached
//!   revision is the evaluated one or one of its ancestors (a rebased or
//!   reset branch starts over). Anything else is a miss, never an error.
//!   Signature verdicts are cached with the commit: they depend only on the
//!   commit and its first parent, which cannot change under the same id.
//! - **Witnesses** (SPEC 2.4) are kept in a second file beside the facts:
//!   the verified witness tags and every commit's landing window, used only
//!   for the very revision they were made for and while the witness key
//!   (`witness::key`: `trust.witnesses`, `trust.witness_tags` and the name
//!   and object id of every matching tag) is unchanged. A new witness tag
//!   renews them (the windows are recomputed from the cached facts, no
//!   walk); the facts stay valid.
//! - **What is not cached**: other tags (re-read every run: they move
//!   without the revision changing) and `.mailmap` (applied when
//!   assembling).
//!
//! The format is a plain length-prefixed binary encoding, little-endian,
//! ending with a 64-bit checksum of everything before it; the folder, the
//! atomic write, the checksum and the size bound are shared with the record
//! cache (`crate::cachefile`). A file over [`MAX_BYTES`], or one whose
//! counts claim more entries than its bytes can hold, is a miss.

use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid, Repository};

use super::facts::CommitFacts;
use super::rename::FileChange;
use super::scope::Scope;
use super::trailer::ApprovalTrailers;
use super::witness::{InvalidWitness, Witness, Witnesses};
use super::{ChangeKind, CommitId, EventKind, HistoryOptions, Identity, SignatureStatus};

mod codec;

use codec::{ReadOid, Reader, WriteOid, Writer};

const MAGIC: &[u8] = b"govlint-history-cache\n";
/// Bump on any change to the encoding or to what a walk records.
/// 2: OpenPGP signatures are verified (`trust.openpgp_keys`), SSH ones as
/// git does with the revoked keys (`trust.revoked_keys`).
/// 3: the witnesses and their landing windows are kept beside the facts.
const VERSION: u32 = 4;
const WITNESS_MAGIC: &[u8] = b"govlint-witness-cache\n";
/// The largest cache file read back: about 40 times the facts of a
/// 100,000-commit history. A larger file is damaged or not ours.
pub(super) const MAX_BYTES: u64 = 1 << 30;
/// The fewest bytes one commit's facts take (two ids, counts, times).
const MIN_FACTS_BYTES: usize = 2 * codec::OID_LEN + 4 + 1 + 4 * 4 + 8 + 8 + 4 + 4 + 4 + 1;

/// The cache folder, unless disabled by `GOVLINT_NO_CACHE` or no home is
/// known.
pub(super) fn dir() -> Option<PathBuf> {
    crate::cachefile::dir("history")
}

/// What a cache file must match to be used.
pub(super) struct Key {
    repo: String,
    signers: String,
    openpgp: String,
    /// The paths whose changes the facts hold.
    scope: String,
    shallow: Oid,
}

impl Key {
    pub(super) fn new(repo: &Repository, opts: &HistoryOptions, shallow_file: &str) -> Key {
        let path = repo.path();
        let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        Key {
            repo: path.to_string_lossy().into_owned(),
            signers: format!(
                "{}\n{}",
                opts.allowed_signers.as_deref().unwrap_or_default(),
                opts.revoked_keys.as_deref().unwrap_or_default()
            ),
            openpgp: opts.openpgp_keys.clone().unwrap_or_default(),
            scope: Scope::new(&opts.scope).describe(),
            shallow: hash(shallow_file.as_bytes()),
        }
    }

    fn file(&self, dir: &Path) -> PathBuf {
        let name = hash(
            format!(
                "{}\n{}\n{}\n{}",
                self.repo, self.signers, self.openpgp, self.scope
            )
            .as_bytes(),
        );
        dir.join(format!("{name}.bin"))
    }
}

/// The cached revision and its facts, if a valid cache file exists.
pub(super) fn load(dir: &Path, key: &Key) -> Option<(Oid, Vec<CommitFacts>)> {
    let body = crate::cachefile::read(&key.file(dir), MAX_BYTES)?;
    let mut r = Reader::new(&body);
    if r.raw(MAGIC.len())? != MAGIC || r.u32()? != VERSION {
        return None;
    }
    if r.str()? != key.repo
        || r.str()? != key.signers
        || r.str()? != key.openpgp
        || r.str()? != key.scope
        || r.oid()? != key.shallow
    {
        return None;
    }
    let head = r.oid()?;
    let count = r.count(MIN_FACTS_BYTES)?;
    let mut facts = Vec::with_capacity(count);
    for _ in 0..count {
        facts.push(read_facts(&mut r)?);
    }
    r.is_empty().then_some((head, facts))
}

/// Writes the facts of `head` (atomically: a temporary file, then a
/// rename).
pub(super) fn store(
    dir: &Path,
    key: &Key,
    head: Oid,
    facts: &[CommitFacts],
) -> std::io::Result<()> {
    let mut w = Writer::default();
    w.raw(MAGIC);
    w.u32(VERSION);
    w.str(&key.repo);
    w.str(&key.signers);
    w.str(&key.openpgp);
    w.str(&key.scope);
    w.oid(key.shallow);
    w.oid(head);
    w.len(facts.len());
    for fact in facts {
        write_facts(&mut w, fact);
    }
    crate::cachefile::write(&key.file(dir), w.into_bytes())
}

/// The witnesses cached for `head` under `witness_key`, if their file is
/// valid and was made for exactly these; `commits` is the number of commits
/// of the history (the windows are by position).
pub(super) fn load_witnesses(
    dir: &Path,
    key: &Key,
    head: Oid,
    witness_key: Oid,
    commits: usize,
) -> Option<Witnesses> {
    let body = crate::cachefile::read(&key.file(dir).with_extension("witness.bin"), MAX_BYTES)?;
    let mut r = Reader::new(&body);
    if r.raw(WITNESS_MAGIC.len())? != WITNESS_MAGIC || r.u32()? != VERSION {
        return None;
    }
    if r.str()? != key.repo
        || r.str()? != key.signers
        || r.oid()? != head
        || r.oid()? != witness_key
    {
        return None;
    }
    let mut valid = Vec::new();
    for _ in 0..r.count(codec::OID_LEN)? {
        valid.push(Witness {
            name: r.str()?.to_owned(),
            commit: CommitId(r.oid()?),
            time: r.i64()?,
            offset_minutes: i32::try_from(r.i64()?).ok()?,
            message: r.str()?.to_owned(),
            fingerprint: r.str()?.to_owned(),
            tagger: {
                let name = r.str()?.to_owned();
                let email = r.str()?.to_owned();
                Identity {
                    name,
                    raw_email: email.clone(),
                    email,
                }
            },
        });
    }
    let mut invalid = Vec::new();
    for _ in 0..r.count(9)? {
        invalid.push(InvalidWitness {
            name: r.str()?.to_owned(),
            commit: r.opt_oid()?.map(CommitId),
            reason: r.str()?.to_owned(),
        });
    }
    let count = r.count(4)?;
    if count != commits {
        return None;
    }
    let mut marked_by = Vec::with_capacity(count);
    for _ in 0..count {
        let w = r.u32()?;
        if w != u32::MAX && w as usize >= valid.len() {
            return None;
        }
        marked_by.push(w);
    }
    let mut after = Vec::with_capacity(valid.len());
    for _ in 0..valid.len() {
        after.push(match r.u8()? {
            0 => None,
            1 => Some(r.i64()?),
            _ => return None,
        });
    }
    r.is_empty()
        .then(|| Witnesses::from_parts(valid, invalid, marked_by, after))
}

/// Writes the witnesses of `head` (atomically).
pub(super) fn store_witnesses(
    dir: &Path,
    key: &Key,
    head: Oid,
    witness_key: Oid,
    witnesses: &Witnesses,
) -> std::io::Result<()> {
    let mut w = Writer::default();
    w.raw(WITNESS_MAGIC);
    w.u32(VERSION);
    w.str(&key.repo);
    w.str(&key.signers);
    w.oid(head);
    w.oid(witness_key);
    w.len(witnesses.valid.len());
    for v in &witnesses.valid {
        w.str(&v.name);
        w.oid(v.commit.0);
        w.i64(v.time);
        w.i64(i64::from(v.offset_minutes));
        w.str(&v.message);
        w.str(&v.fingerprint);
        w.str(&v.tagger.name);
        w.str(&v.tagger.raw_email);
    }
    w.len(witnesses.invalid.len());
    for i in &witnesses.invalid {
        w.str(&i.name);
        w.opt_oid(i.commit.map(|c| c.0));
        w.str(&i.reason);
    }
    w.len(witnesses.marked_by.len());
    for &m in &witnesses.marked_by {
        w.u32(m);
    }
    for a in &witnesses.after {
        match a {
            None => w.u8(0),
            Some(t) => {
                w.u8(1);
                w.i64(*t);
            }
        }
    }
    crate::cachefile::write(&key.file(dir).with_extension("witness.bin"), w.into_bytes())
}

/// SHA-1 as git computes it for a blob, to name files and compare keys.
fn hash(bytes: &[u8]) -> Oid {
    Oid::hash_object(ObjectType::Blob, bytes).unwrap_or(Oid::ZERO_SHA1)
}

fn write_facts(w: &mut Writer, f: &CommitFacts) {
    w.oid(f.id);
    w.oid(f.tree);
    w.len(f.parents.len());
    for &p in &f.parents {
        w.oid(p);
    }
    w.u8(u8::from(f.boundary));
    for s in [&f.author.0, &f.author.1, &f.committer.0, &f.committer.1] {
        w.str(s);
    }
    w.i64(f.time);
    w.i64(i64::from(f.offset_minutes));
    w.str(&f.summary);
    write_changes(w, &f.changes);
    write_changes(w, &f.merged);
    let Some(a) = &f.approval else {
        w.u8(0);
        return;
    };
    w.u8(1);
    w.len(a.who.len());
    for (kind, name, email) in &a.who {
        w.u8(match kind {
            EventKind::Approval => 0,
            EventKind::Review => 1,
        });
        w.str(name);
        w.str(email);
    }
    w.strs(&a.approves);
    w.strs(&a.reviews);
    match &a.signature {
        SignatureStatus::Unsigned => w.u8(0),
        SignatureStatus::Verified {
            principals,
            fingerprint,
        } => {
            w.u8(1);
            w.strs(principals);
            w.str(fingerprint);
        }
        SignatureStatus::Rejected { reason } => {
            w.u8(2);
            w.str(reason);
        }
        SignatureStatus::Unverified { format } => {
            w.u8(3);
            w.str(format);
        }
    }
}

fn read_facts(r: &mut Reader<'_>) -> Option<CommitFacts> {
    let id = r.oid()?;
    let tree = r.oid()?;
    let parents = (0..r.count(codec::OID_LEN)?)
        .map(|_| r.oid())
        .collect::<Option<Vec<_>>>()?;
    let boundary = match r.u8()? {
        0 => false,
        1 => true,
        _ => return None,
    };
    let author = (r.str()?.to_owned(), r.str()?.to_owned());
    let committer = (r.str()?.to_owned(), r.str()?.to_owned());
    let time = r.i64()?;
    let offset_minutes = i32::try_from(r.i64()?).ok()?;
    let summary = r.str()?.to_owned();
    let changes = read_changes(r)?;
    let merged = read_changes(r)?;
    let approval = match r.u8()? {
        0 => None,
        1 => Some(read_approval(r)?),
        _ => return None,
    };
    Some(CommitFacts {
        id,
        tree,
        parents,
        boundary,
        author,
        committer,
        time,
        offset_minutes,
        summary,
        changes,
        merged,
        approval,
    })
}

fn write_changes(w: &mut Writer, changes: &[FileChange]) {
    w.len(changes.len());
    for c in changes {
        w.str(&c.path);
        w.opt_oid(c.blob);
        match &c.kind {
            ChangeKind::Added => w.u8(0),
            ChangeKind::Modified => w.u8(1),
            ChangeKind::Deleted => w.u8(2),
            ChangeKind::Renamed { from } => {
                w.u8(3);
                w.str(from);
            }
        }
    }
}

fn read_changes(r: &mut Reader<'_>) -> Option<Vec<FileChange>> {
    let count = r.count(6)?;
    let mut changes = Vec::with_capacity(count);
    for _ in 0..count {
        let path = r.str()?.to_owned();
        let blob = r.opt_oid()?;
        let kind = match r.u8()? {
            0 => ChangeKind::Added,
            1 => ChangeKind::Modified,
            2 => ChangeKind::Deleted,
            3 => ChangeKind::Renamed {
                from: r.str()?.to_owned(),
            },
            _ => return None,
        };
        changes.push(FileChange { path, blob, kind });
    }
    Some(changes)
}

fn read_approval(r: &mut Reader<'_>) -> Option<ApprovalTrailers> {
    let mut who = Vec::new();
    for _ in 0..r.count(9)? {
        let kind = match r.u8()? {
            0 => EventKind::Approval,
            1 => EventKind::Review,
            _ => return None,
        };
        who.push((kind, r.str()?.to_owned(), r.str()?.to_owned()));
    }
    let approves = r.strs()?;
    let reviews = r.strs()?;
    let signature = match r.u8()? {
        0 => SignatureStatus::Unsigned,
        1 => SignatureStatus::Verified {
            principals: r.strs()?,
            fingerprint: r.str()?.to_owned(),
        },
        2 => SignatureStatus::Rejected {
            reason: r.str()?.to_owned(),
        },
        3 => SignatureStatus::Unverified {
            format: r.str()?.to_owned(),
        },
        _ => return None,
    };
    Some(ApprovalTrailers {
        who,
        approves,
        reviews,
        signature,
    })
}

/// The fuzz targets' hook into the codec (`history::fuzz`), through the real
/// `store`/`load` and files in `dir`: `body` is written as the facts file
/// (`witnesses`: the witness file, for a history of `commits` commits) of a
/// fixed key, after that key's header and before a valid checksum unless
/// `raw` (then `body` is the whole file). Returns the file as written and,
/// when `load` accepted it, the file `store` writes for what it decoded.
pub(crate) fn fuzz_round_trip(
    dir: &Path,
    body: &[u8],
    raw: bool,
    witnesses: Option<usize>,
) -> std::io::Result<(Vec<u8>, Option<Vec<u8>>)> {
    let key = Key {
        repo: "/fuzz/repo.git".to_owned(),
        signers: "\n".to_owned(),
        openpgp: String::new(),
        scope: String::new(),
        shallow: hash(b""),
    };
    let (head, witness_key) = (hash(b"head"), hash(b"witnesses"));
    let (empty, again) = (dir.join("empty"), dir.join("again"));
    let path = |dir: &Path| match witnesses {
        Some(_) => key.file(dir).with_extension("witness.bin"),
        None => key.file(dir),
    };
    // An empty file's header is everything before its counts and checksum.
    let tail = match witnesses {
        Some(_) => {
            let none = Witnesses::from_parts(Vec::new(), Vec::new(), Vec::new(), Vec::new());
            store_witnesses(&empty, &key, head, witness_key, &none)?;
            3 * 4 + 8
        }
        None => {
            store(&empty, &key, head, &[])?;
            codec::OID_LEN + 4 + 8
        }
    };
    let mut file = std::fs::read(path(&empty))?;
    if raw {
        file = body.to_vec();
    } else {
        file.truncate(file.len() - tail);
        file.extend_from_slice(body);
        file = crate::cachefile::seal(file);
    }
    std::fs::write(path(dir), &file)?;
    let stored = match witnesses {
        Some(commits) => load_witnesses(dir, &key, head, witness_key, commits)
            .map(|w| store_witnesses(&again, &key, head, witness_key, &w)),
        None => load(dir, &key).map(|(head, facts)| store(&again, &key, head, &facts)),
    };
    match stored {
        Some(done) => Ok((file, Some(done.and_then(|()| std::fs::read(path(&again)))?))),
        None => Ok((file, None)),
    }
}
