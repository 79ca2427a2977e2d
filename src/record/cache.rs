//! The record cache: what loading and validating each file gave, kept
//! between runs by the file's content, so a warm run parses and validates
//! only the files whose content changed and hands the rest to the rules as
//! they were (SPEC 7).
//!
//! - **What is cached, per file**: everything [`load_one`] and the
//!   caller's check make of it: the file's text, its records (id, kind,
//!   JSON value and spanned YAML tree), its `parse` / `record/*` findings,
//!   the ids a broken file appears to define, and per record the `schema`
//!   (or `record/unknown-kind`) findings and rejected pointers ([`Checked`]).
//!   Findings across files (`record/duplicate-id`) and everything the rules
//!   say are computed afresh on every run.
//! - **Keyed by**: the file's path, its content's id, git's blob id (the
//!   index or the revision's tree says it for `--staged` and `--rev`
//!   without reading anything; a working-tree file is read and hashed, so
//!   no timestamp is ever trusted and an edit within the same clock tick is
//!   seen), and a fingerprint of everything else that loading and
//!   validation read (the caller's [`Settings`]: the govlint build,
//!   `govlint.yaml` as written and as read, the repository's schemas), so
//!   the working tree and the index may differ in those and both stay
//!   cached. Rules are not part of it: they run over the records on every
//!   run.
//! - **Where and how**: outside the repository, one file per governance
//!   folder in `…/govlint/records/` ([`crate::cachefile`]: atomic writes,
//!   checksummed, bounded by [`MAX_BYTES`]). A damaged, truncated,
//!   oversized or foreign file is a miss for every entry, and one entry
//!   that does not decode is a miss for its file; both are rebuilt.
//! - **Read back**: the file is checked whole (checksum, every entry's
//!   table), each hit is decoded in full but for its records' spanned
//!   trees, which are only checked to decode and stay encoded in the file's
//!   bytes until first read ([`super::Tree`]): a warm run reads a tree
//!   only to place a finding.
//! - **Kept**: entries used by this run, and older ones (another branch,
//!   the index beside the working tree) until they went unused by
//!   [`MAX_AGE`] writes. The file is written only when something was
//!   loaded afresh.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use sha1::{Digest, Sha1};

use super::load::{self, FileResult, Loaded, Selection};
use super::snapshot::{Content, FileRef, Snapshot};
use super::table::Typing;
use super::Record;
use crate::cachefile::{Reader, Writer};
use crate::finding::{Finding, Related, Severity, Waived};
use crate::history::Repo;
use crate::source::{Location, SourceFile, Span};
use crate::yaml;

const MAGIC: &[u8] = b"govlint-record-cache\n";
/// Bump on any change to the encoding.
const VERSION: u32 = 1;
/// The largest record cache read back (about 100 times that of the
/// 10,000-record benchmark).
pub const MAX_BYTES: u64 = 1 << 30;
/// Writes an unused entry survives.
pub const MAX_AGE: u8 = 3;
/// Deepest nesting decoded (the YAML loader allows 256).
const MAX_DEPTH: usize = 300;

/// One record's validation, as the caller's check made it (the `schema`
/// findings and the pointers of rejected values).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Checked {
    pub findings: Vec<Finding>,
    pub rejected: Vec<String>,
}

/// Everything besides a file's path and content that loading and
/// validating it read; any change makes every entry a miss.
pub struct Settings {
    fingerprint: [u8; 20],
}

impl Settings {
    /// A fingerprint of `parts` (the caller names everything that loading
    /// and its check depend on) and of this govlint build.
    #[must_use]
    pub fn new<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> Settings {
        let mut h = Sha1::new();
        h.update(MAGIC);
        h.update(VERSION.to_le_bytes());
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        h.update(build_identity().as_bytes());
        for part in parts {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part);
        }
        Settings {
            fingerprint: h.finalize().into(),
        }
    }
}

/// The running executable's size and modification time: a rebuilt govlint
/// (same version, other code) never reads what another build cached.
fn build_identity() -> String {
    std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| {
            let modified = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{} {modified}", m.len())
        })
        .unwrap_or_default()
}

/// Where one governance folder's record cache lives.
pub struct CacheFile {
    path: PathBuf,
}

impl CacheFile {
    /// The cache of the governance folder `root` (of repository `git_dir`,
    /// if any) in the cache folder `dir`.
    #[must_use]
    pub fn new(dir: &Path, git_dir: Option<&Path>, root: &Path) -> CacheFile {
        let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        let mut h = Sha1::new();
        if let Some(g) = git_dir {
            h.update(canon(g).to_string_lossy().as_bytes());
        }
        h.update(b"\n");
        h.update(canon(root).to_string_lossy().as_bytes());
        let name: [u8; 20] = h.finalize().into();
        CacheFile {
            path: dir.join(format!("{}.bin", hex(&name))),
        }
    }

    /// The cache in the default folder (`None` when caching is off).
    #[must_use]
    pub fn default_for(git_dir: Option<&Path>, root: &Path) -> Option<CacheFile> {
        crate::cachefile::dir("records").map(|d| CacheFile::new(&d, git_dir, root))
    }

    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// What a load through the cache gave: the records (as [`load::load`]
/// gives them), each record's [`Checked`] (in the order of
/// `loaded.records`), and how many files were loaded afresh.
pub struct Warm {
    pub loaded: Loaded,
    pub checked: Vec<Checked>,
    /// Files parsed and checked this run (not taken from the cache).
    pub parsed: usize,
    /// Files taken from the cache.
    pub reused: usize,
    /// Working-tree files read to know their content id (the others were
    /// known by their unchanged status).
    pub hashed: usize,
}

/// What the file system says of a working-tree file, to know that it has
/// not changed since its content was hashed without reading it again:
/// size, inode, device, modification and status-change times (the last is
/// set by the kernel on every write or rename and cannot be set back by a
/// user). Recorded only for files whose times are two seconds or more
/// before the run began (the racy-git rule, with room for coarse file
/// system clocks): a later edit, even one within the same clock tick as
/// the hashing, then always gives another status. Elsewhere than on Unix
/// nothing is recorded and every file is hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stat {
    size: u64,
    ino: u64,
    dev: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

impl Stat {
    /// The status of the file at `path` itself (a symbolic link has none).
    fn of(path: &Path) -> Option<Stat> {
        Stat::from_metadata(&std::fs::symlink_metadata(path).ok()?)
    }

    #[cfg(unix)]
    fn from_metadata(m: &std::fs::Metadata) -> Option<Stat> {
        use std::os::unix::fs::MetadataExt;
        m.is_file().then(|| Stat {
            size: m.size(),
            ino: m.ino(),
            dev: m.dev(),
            mtime: (m.mtime(), m.mtime_nsec()),
            ctime: (m.ctime(), m.ctime_nsec()),
        })
    }

    #[cfg(not(unix))]
    fn from_metadata(_m: &std::fs::Metadata) -> Option<Stat> {
        None
    }

    /// Whether both times are at least two seconds before `start`.
    fn settled_before(&self, start: std::time::SystemTime) -> bool {
        let Ok(now) = start.duration_since(std::time::UNIX_EPOCH) else {
            return false;
        };
        let limit = i64::try_from(now.as_secs()).unwrap_or(i64::MAX) - 2;
        self.mtime.0 < limit && self.ctime.0 < limit
    }

    fn write(&self, w: &mut Writer) {
        w.u64(self.size);
        w.u64(self.ino);
        w.u64(self.dev);
        for t in [self.mtime, self.ctime] {
            w.i64(t.0);
            w.i64(t.1);
        }
    }

    fn read(r: &mut Reader<'_>) -> Option<Stat> {
        Some(Stat {
            size: r.u64()?,
            ino: r.u64()?,
            dev: r.u64()?,
            mtime: (r.i64()?, r.i64()?),
            ctime: (r.i64()?, r.i64()?),
        })
    }
}

/// A file's content id: git's blob id of its bytes.
fn content_id(bytes: &[u8]) -> Vec<u8> {
    let mut h = Sha1::new();
    h.update(format!("blob {}\0", bytes.len()).as_bytes());
    h.update(bytes);
    let id: [u8; 20] = h.finalize().into();
    id.to_vec()
}

/// A selected file, its content id if known, and its content if read.
type Pending<'f> = (&'f FileRef, Option<Vec<u8>>, Option<Content>);
/// A decoded entry: the file's result and its records' checks.
type Decoded = (FileResult, Vec<Checked>);

/// One selected file on its way through the load.
enum Step {
    /// Taken from the cache: its encoded entry.
    Hit(Vec<u8>, std::ops::Range<usize>),
    /// To load: its content (read already, or to read), and its id if known.
    Load(Option<Content>, Option<Vec<u8>>),
}

/// [`load::load`] and `check` on every record, through the cache `file`
/// (`None`: no cache). `check` must depend on nothing but the record and
/// what `settings` names.
#[expect(
    clippy::too_many_arguments,
    reason = "the load's inputs, and the cache's"
)]
pub fn load(
    snapshot: &Snapshot,
    selection: &Selection,
    repo: Option<&Repo>,
    max_file_bytes: u64,
    typing: &dyn Typing,
    check: &(dyn Fn(&Record) -> Checked + Sync),
    file: Option<&CacheFile>,
    settings: &Settings,
) -> Warm {
    let (findings, regular) = load::select(snapshot, selection);
    let old = file
        .and_then(|f| crate::cachefile::read(&f.path, MAX_BYTES))
        .and_then(Index::parse)
        .unwrap_or_default();

    // Index and revision files are known by their blob id, and read only
    // when not cached. Working-tree files are known by their content id if
    // their status is the one recorded when it was hashed (and that was
    // safely in the past, see `Stat`), else read and hashed.
    // With no status recorded (a cold run), none is taken before reading:
    // the files read get theirs from the `fstat` done on opening them.
    let started = std::time::SystemTime::now();
    let mut stats: Vec<Option<Stat>> = if old.stats.is_empty() {
        vec![None; regular.len()]
    } else {
        regular
            .par_iter()
            .map(|f| f.disk_path().and_then(Stat::of))
            .collect()
    };
    let known: Vec<Option<Vec<u8>>> = regular
        .iter()
        .zip(&stats)
        .map(|(f, stat)| match f.blob() {
            Some(id) => Some(id.as_bytes().to_vec()),
            None => {
                let stat = stat.as_ref()?;
                let (was, id) = old.stats.get(f.path.as_str())?;
                (was == stat).then(|| id.clone())
            }
        })
        .collect();
    let to_read: Vec<&FileRef> = regular
        .iter()
        .zip(&known)
        .filter(|(f, id)| id.is_none() && f.blob().is_none())
        .map(|(f, _)| *f)
        .collect();
    let hashed = to_read.len();
    let mut read: HashMap<&str, (Content, Option<Stat>)> = snapshot
        .read_all_with_metadata(&to_read, repo, max_file_bytes)
        .into_iter()
        .map(|(f, c, m)| {
            // A link's target has a status, the link not (as `Stat::of`).
            let stat = m
                .filter(|_| !f.symlink)
                .as_ref()
                .and_then(Stat::from_metadata);
            (f.path.as_str(), (c, stat))
        })
        .collect();
    let mut steps: Vec<Pending<'_>> = regular
        .iter()
        .zip(known)
        .zip(&mut stats)
        .map(|((f, id), stat)| match id {
            Some(id) => (*f, Some(id), None),
            None => {
                let (content, seen) = read.remove(f.path.as_str()).unzip();
                // The status taken on opening the file is the one of what was read.
                if let Some(seen) = seen {
                    *stat = seen;
                }
                (*f, None, content)
            }
        })
        .collect();
    steps.par_iter_mut().for_each(|(_, id, content)| {
        if let (None, Some(Content::Bytes(b))) = (&id, &content) {
            *id = Some(content_id(b));
        }
    });
    // The statuses to record: of working-tree files whose content id is
    // known, when their last change was long enough before this run began.
    let mut new_stats: foldhash::HashMap<String, (Stat, Vec<u8>)> = foldhash::HashMap::default();
    for ((f, id, _), stat) in steps.iter().zip(stats) {
        if let (Some(id), Some(stat), None) = (id, stat, f.blob()) {
            if stat.settled_before(started) {
                new_stats.insert(f.path.clone(), (stat, id.clone()));
            }
        }
    }
    let stats_changed = new_stats.len() != old.stats.len()
        || new_stats
            .iter()
            .any(|(p, v)| old.stats.get(p.as_str()) != Some(v));
    // An entry is for one content under one set of settings: the working
    // tree and the index may differ in govlint.yaml or a schema.
    for (_, id, _) in &mut steps {
        if let Some(id) = id {
            id.extend_from_slice(&settings.fingerprint);
        }
    }
    let steps: Vec<(&FileRef, Step)> = steps
        .into_iter()
        .map(|(f, id, content)| {
            let hit = id.as_ref().and_then(|id| old.get(&f.path, id));
            match hit {
                Some(range) => (f, Step::Hit(id.unwrap_or_default(), range)),
                None => (f, Step::Load(content, id)),
            }
        })
        .collect();
    // Decode the hits (in parallel); an entry that does not decode is
    // loaded afresh.
    let steps: Vec<(&FileRef, Step, Option<Decoded>)> = steps
        .into_par_iter()
        .map(|(f, step)| match step {
            Step::Hit(id, range) => match decode_entry(&f.path, &old.body, range.clone()) {
                Some(decoded) => (f, Step::Hit(id, range), Some(decoded)),
                None => (f, Step::Load(None, Some(id)), None),
            },
            load => (f, load, None),
        })
        .collect();
    // Content not read yet (blobs not cached): read it all at once (one
    // object database, on this thread).
    let wanted: Vec<&FileRef> = steps
        .iter()
        .filter(|(_, s, _)| matches!(s, Step::Load(None, _)))
        .map(|(f, _, _)| *f)
        .collect();
    let mut unread: HashMap<&str, Content> = snapshot
        .read_all(&wanted, repo, max_file_bytes)
        .into_iter()
        .map(|(f, c)| (f.path.as_str(), c))
        .collect();

    struct Done<'f> {
        path: &'f str,
        result: FileResult,
        checked: Vec<Checked>,
        /// The entry to keep: (id, encoded) when loaded afresh and cacheable.
        fresh: Option<(Vec<u8>, Vec<u8>)>,
        /// Reused: the id and the entry's place in the old file.
        reused: Option<(Vec<u8>, std::ops::Range<usize>)>,
    }
    let steps: Vec<_> = steps
        .into_iter()
        .map(|(f, step, decoded)| match step {
            Step::Load(None, id) => {
                let content = unread
                    .remove(f.path.as_str())
                    .unwrap_or_else(|| Content::Unreadable("not read".to_owned()));
                (f, Step::Load(Some(content), id), decoded)
            }
            other => (f, other, decoded),
        })
        .collect();
    let done: Vec<Done<'_>> = steps
        .into_par_iter()
        .map(|(f, step, decoded)| match (step, decoded) {
            (Step::Hit(id, range), Some((result, checked))) => Done {
                path: &f.path,
                result,
                checked,
                fresh: None,
                reused: Some((id, range)),
            },
            (step, _) => {
                let (content, id) = match step {
                    Step::Load(content, id) => (content, id),
                    Step::Hit(id, _) => (None, Some(id)),
                };
                let content = content.unwrap_or_else(|| Content::Unreadable("not read".to_owned()));
                // A read that failed may succeed next time: not kept.
                let id = id.filter(|_| !matches!(content, Content::Unreadable(_)));
                let result = load::load_one(f, content, selection, max_file_bytes, typing);
                let checked: Vec<Checked> = result.records.iter().map(check).collect();
                let fresh = id.map(|id| (id, encode_entry(&result, &checked)));
                Done {
                    path: &f.path,
                    result,
                    checked,
                    fresh,
                    reused: None,
                }
            }
        })
        .collect();

    let parsed = done.iter().filter(|d| d.reused.is_none()).count();
    let reused = done.len() - parsed;
    if let (Some(file), true) = (file, parsed > 0 || stats_changed) {
        let kept = done.iter().filter_map(|d| {
            let path = d.path;
            match (&d.fresh, &d.reused) {
                (Some((id, bytes)), _) => Some((path, id.as_slice(), 0, bytes.as_slice())),
                (None, Some((id, range))) => {
                    Some((path, id.as_slice(), 0, &old.body[range.clone()]))
                }
                (None, None) => None,
            }
        });
        let (head, entries) = old.rewrite(kept, &new_stats);
        let parts: Vec<&[u8]> = std::iter::once(head.as_slice()).chain(entries).collect();
        // A cache that cannot be written only costs the next run time.
        let _ = crate::cachefile::write_parts(&file.path, &parts);
    }

    let mut checked = Vec::with_capacity(done.iter().map(|d| d.checked.len()).sum());
    let mut per_file = Vec::with_capacity(done.len());
    for d in done {
        checked.extend(d.checked);
        per_file.push(d.result);
    }
    Warm {
        loaded: load::gather(findings, per_file),
        checked,
        parsed,
        reused,
        hashed,
    }
}

/// The entries of a cache file, by path and content id.
#[derive(Default)]
struct Index {
    /// Shared with the records' trees, decoded from it when first read.
    body: Arc<Vec<u8>>,
    /// path → its entries: (id, age, the entry's bytes in `body`); a path
    /// has one entry or a few (the working tree's, the index's, another
    /// branch's), so a lookup by borrowed path and id allocates nothing.
    /// (foldhash: seeded per process, and the paths are the repository's
    /// own files; see `RecordSet`.)
    entries: foldhash::HashMap<String, Vec<Slot>>,
    /// Working-tree path → its status when its content id was known.
    stats: foldhash::HashMap<String, (Stat, Vec<u8>)>,
}

/// One cached entry of a path: its content id, age and bytes in the body.
struct Slot {
    id: Vec<u8>,
    age: u8,
    range: std::ops::Range<usize>,
}

impl Index {
    /// The index of a cache file's body, if it is a record cache of this
    /// format and its table of entries is whole.
    fn parse(body: Vec<u8>) -> Option<Index> {
        let mut r = Reader::new(&body);
        if r.raw(MAGIC.len())? != MAGIC || r.u32()? != VERSION {
            return None;
        }
        let count = r.count(4 + 4 + 1 + 8 + 8)?;
        let mut table = Vec::with_capacity(count);
        for _ in 0..count {
            let path = r.string()?;
            let n = r.len()?;
            let id = r.raw(n)?.to_vec();
            let age = r.u8()?;
            let start = r.usize()?;
            let len = r.usize()?;
            table.push(((path, id), age, start, len));
        }
        let n = r.count(4 + 56 + 4)?;
        let mut stats = foldhash::HashMap::with_capacity_and_hasher(n, Default::default());
        for _ in 0..n {
            let path = r.string()?;
            let stat = Stat::read(&mut r)?;
            let len = r.len()?;
            let id = r.raw(len)?.to_vec();
            stats.insert(path, (stat, id));
        }
        let base = body.len() - r.remaining();
        let mut entries: foldhash::HashMap<String, Vec<Slot>> =
            foldhash::HashMap::with_capacity_and_hasher(count, Default::default());
        for ((path, id), age, start, len) in table {
            let start = base.checked_add(start)?;
            let end = start.checked_add(len)?;
            if end > body.len() {
                return None;
            }
            let slots = entries.entry(path).or_default();
            let slot = Slot {
                id,
                age,
                range: start..end,
            };
            // A file written by this code never repeats a (path, id); if
            // one did, the last entry wins, as a map insert would have it.
            match slots.iter_mut().find(|s| s.id == slot.id) {
                Some(s) => *s = slot,
                None => slots.push(slot),
            }
        }
        Some(Index {
            body: Arc::new(body),
            entries,
            stats,
        })
    }

    fn get(&self, path: &str, id: &[u8]) -> Option<std::ops::Range<usize>> {
        self.entries
            .get(path)?
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.range.clone())
    }

    /// A new body, as its head (magic, table, statuses) and the entries
    /// after it: the `kept` entries (age 0) and the old ones not among
    /// them, one write older, until they reach [`MAX_AGE`]. The entries are
    /// borrowed, never copied into one buffer (see [`crate::cachefile::write_parts`]).
    fn rewrite<'a>(
        &'a self,
        kept: impl Iterator<Item = (&'a str, &'a [u8], u8, &'a [u8])>,
        stats: &foldhash::HashMap<String, (Stat, Vec<u8>)>,
    ) -> (Vec<u8>, Vec<&'a [u8]>) {
        let mut all: Vec<(&str, &[u8], u8, &[u8])> = kept.collect();
        let used: foldhash::HashSet<(&str, &[u8])> =
            all.iter().map(|(p, id, _, _)| (*p, *id)).collect();
        for (path, slots) in &self.entries {
            for Slot { id, age, range } in slots {
                if *age + 1 < MAX_AGE && !used.contains(&(path.as_str(), id.as_slice())) {
                    all.push((path, id, age + 1, &self.body[range.clone()]));
                }
            }
        }
        // Sized up front: growing a buffer of many megabytes by doubling
        // copied it over and over.
        let table: usize = all
            .iter()
            .map(|(p, id, _, _)| 29 + p.len() + id.len())
            .sum();
        let stat_bytes: usize = stats
            .iter()
            .map(|(p, (_, id))| 64 + p.len() + id.len())
            .sum();
        let mut w = Writer::with_capacity(MAGIC.len() + 12 + table + stat_bytes);
        w.raw(MAGIC);
        w.u32(VERSION);
        w.len(all.len());
        let mut offset = 0u64;
        for (path, id, age, bytes) in &all {
            w.str(path);
            w.len(id.len());
            w.raw(id);
            w.u8(*age);
            w.u64(offset);
            w.u64(bytes.len() as u64);
            offset += bytes.len() as u64;
        }
        w.len(stats.len());
        for (path, (stat, id)) in stats {
            w.str(path);
            stat.write(&mut w);
            w.len(id.len());
            w.raw(id);
        }
        let entries = all.into_iter().map(|(_, _, _, bytes)| bytes).collect();
        (w.into_bytes(), entries)
    }
}

fn encode_entry(r: &FileResult, checked: &[Checked]) -> Vec<u8> {
    let mut w = Writer::default();
    w.bool(r.table);
    w.opt_str(r.source.as_ref().map(|s| &*s.text));
    w.strs(&r.unreadable_ids);
    write_findings(&mut w, &r.findings);
    w.len(r.records.len());
    for (rec, c) in r.records.iter().zip(checked) {
        w.str(&rec.id);
        w.str(&rec.kind);
        w.u64(rec.document as u64);
        w.u64(rec.offset as u64);
        write_json(&mut w, &rec.value);
        write_node(&mut w, &rec.tree);
        write_findings(&mut w, &c.findings);
        w.strs(&c.rejected);
    }
    w.into_bytes()
}

/// The entry at `range` of `body`; the records' trees stay encoded there
/// (checked to decode) until first read.
fn decode_entry(path: &str, body: &Arc<Vec<u8>>, range: std::ops::Range<usize>) -> Option<Decoded> {
    let bytes = body.get(range.clone())?;
    let mut r = Reader::new(bytes);
    let at = |r: &Reader<'_>| range.start + (bytes.len() - r.remaining());
    let table = r.bool()?;
    let source = r
        .opt_str()?
        .map(|text| Arc::new(SourceFile::new(path, text)));
    let unreadable_ids = r.strs()?;
    let findings = read_findings(&mut r)?;
    let count = r.count(4 + 4 + 8 + 8 + 1 + 1 + 4 + 4)?;
    let mut records = Vec::with_capacity(count);
    let mut checked = Vec::with_capacity(count);
    for _ in 0..count {
        let id = r.string()?;
        let kind = r.string()?;
        let document = r.usize()?;
        let offset = r.usize()?;
        let value = read_json(&mut r, 0)?;
        let start = at(&r);
        skip_node(&mut r, 0)?;
        let tree = super::Tree::cached(Arc::clone(body), start..at(&r));
        records.push(Record {
            id,
            kind,
            file: Arc::clone(source.as_ref()?),
            document,
            value,
            tree,
            offset,
        });
        checked.push(Checked {
            findings: read_findings(&mut r)?,
            rejected: r.strs()?,
        });
    }
    r.is_empty().then_some((
        FileResult {
            records,
            findings,
            source,
            unreadable_ids,
            table,
        },
        checked,
    ))
}

fn write_location(w: &mut Writer, l: &Location) {
    w.str(&l.file);
    w.u64(l.span.start as u64);
    w.u64(l.span.end as u64);
    w.u64(l.line as u64);
    w.u64(l.column as u64);
}

fn read_location(r: &mut Reader<'_>) -> Option<Location> {
    Some(Location {
        file: r.string()?,
        span: Span::new(r.usize()?, r.usize()?),
        line: r.usize()?,
        column: r.usize()?,
    })
}

fn write_findings(w: &mut Writer, findings: &[Finding]) {
    w.len(findings.len());
    for f in findings {
        w.str(&f.rule);
        w.u8(match f.severity {
            Severity::Info => 0,
            Severity::Warning => 1,
            Severity::Error => 2,
        });
        w.str(&f.message);
        match &f.location {
            Some(l) => {
                w.u8(1);
                write_location(w, l);
            }
            None => w.u8(0),
        }
        for s in [&f.record, &f.kind, &f.pointer, &f.clause, &f.help] {
            w.opt_str(s.as_deref());
        }
        w.len(f.related.len());
        for rel in &f.related {
            w.str(&rel.message);
            write_location(w, &rel.location);
        }
        match &f.waived {
            Some(wv) => {
                w.u8(1);
                w.str(&wv.waiver);
                w.str(&wv.reason);
            }
            None => w.u8(0),
        }
        w.bool(f.pending);
    }
}

fn read_findings(r: &mut Reader<'_>) -> Option<Vec<Finding>> {
    let count = r.count(4 + 1 + 4 + 1 + 5 + 4 + 1 + 1)?;
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let rule = r.string()?;
        let severity = match r.u8()? {
            0 => Severity::Info,
            1 => Severity::Warning,
            2 => Severity::Error,
            _ => return None,
        };
        let message = r.string()?;
        let location = match r.u8()? {
            0 => None,
            1 => Some(read_location(r)?),
            _ => return None,
        };
        let mut opt = || r.opt_str().map(|s| s.map(str::to_owned));
        let (record, kind, pointer, clause, help) = (opt()?, opt()?, opt()?, opt()?, opt()?);
        let mut related = Vec::new();
        for _ in 0..r.count(4 + 4 + 32)? {
            related.push(Related {
                message: r.string()?,
                location: read_location(r)?,
            });
        }
        let waived = match r.u8()? {
            0 => None,
            1 => Some(Waived {
                waiver: r.string()?,
                reason: r.string()?,
            }),
            _ => return None,
        };
        let pending = r.bool()?;
        out.push(Finding {
            rule,
            severity,
            message,
            location,
            record,
            kind,
            pointer,
            clause,
            help,
            related,
            waived,
            pending,
        });
    }
    Some(out)
}

fn write_json(w: &mut Writer, v: &serde_json::Value) {
    use serde_json::Value as J;
    match v {
        J::Null => w.u8(0),
        J::Bool(b) => {
            w.u8(1);
            w.bool(*b);
        }
        J::Number(n) => {
            if let Some(u) = n.as_u64() {
                w.u8(2);
                w.u64(u);
            } else if let Some(i) = n.as_i64() {
                w.u8(3);
                w.i64(i);
            } else {
                w.u8(4);
                w.f64(n.as_f64().unwrap_or(0.0));
            }
        }
        J::String(s) => {
            w.u8(5);
            w.str(s);
        }
        J::Array(items) => {
            w.u8(6);
            w.len(items.len());
            for i in items {
                write_json(w, i);
            }
        }
        J::Object(map) => {
            w.u8(7);
            w.len(map.len());
            for (k, v) in map {
                w.str(k);
                write_json(w, v);
            }
        }
    }
}

fn read_json(r: &mut Reader<'_>, depth: usize) -> Option<serde_json::Value> {
    use serde_json::Value as J;
    if depth > MAX_DEPTH {
        return None;
    }
    Some(match r.u8()? {
        0 => J::Null,
        1 => J::Bool(r.bool()?),
        2 => J::from(r.u64()?),
        3 => J::from(r.i64()?),
        4 => J::Number(serde_json::Number::from_f64(r.f64()?)?),
        5 => J::String(r.string()?),
        6 => {
            let n = r.count(1)?;
            let mut items = Vec::with_capacity(n);
            for _ in 0..n {
                items.push(read_json(r, depth + 1)?);
            }
            J::Array(items)
        }
        7 => {
            let n = r.count(5)?;
            let mut map = serde_json::Map::with_capacity(n);
            for _ in 0..n {
                let k = r.string()?;
                let v = read_json(r, depth + 1)?;
                map.insert(k, v);
            }
            J::Object(map)
        }
        _ => return None,
    })
}

fn write_node(w: &mut Writer, n: &yaml::Node) {
    use yaml::Value as Y;
    w.u64(n.span.start as u64);
    w.u64(n.span.end as u64);
    match &n.value {
        Y::Null => w.u8(0),
        Y::Bool(b) => {
            w.u8(1);
            w.bool(*b);
        }
        Y::Int(i) => {
            w.u8(2);
            w.i64(*i);
        }
        Y::Float(f) => {
            w.u8(3);
            w.f64(*f);
        }
        Y::String(s) => {
            w.u8(4);
            w.str(s);
        }
        Y::Seq(items) => {
            w.u8(5);
            w.len(items.len());
            for i in items {
                write_node(w, i);
            }
        }
        Y::Map(entries) => {
            w.u8(6);
            w.len(entries.len());
            for (k, v) in entries {
                write_node(w, k);
                write_node(w, v);
            }
        }
    }
}

/// The tree encoded in `bytes`, which [`skip_node`] accepted (else, which
/// cannot happen, an empty tree).
pub(super) fn decode_tree(bytes: &[u8]) -> yaml::Node {
    read_node(&mut Reader::new(bytes), 0).unwrap_or(yaml::Node {
        value: yaml::Value::Null,
        span: Span::new(0, 0),
    })
}

/// Steps over an encoded tree, checking all that [`read_node`] checks
/// (tags, counts, depth, UTF-8), without building it.
fn skip_node(r: &mut Reader<'_>, depth: usize) -> Option<()> {
    if depth > MAX_DEPTH {
        return None;
    }
    r.usize()?;
    r.usize()?;
    match r.u8()? {
        0 => {}
        1 => {
            r.bool()?;
        }
        2 => {
            r.i64()?;
        }
        3 => {
            r.f64()?;
        }
        4 => {
            r.str()?;
        }
        5 => {
            for _ in 0..r.count(17)? {
                skip_node(r, depth + 1)?;
            }
        }
        6 => {
            for _ in 0..r.count(34)? {
                skip_node(r, depth + 1)?;
                skip_node(r, depth + 1)?;
            }
        }
        _ => return None,
    }
    Some(())
}

fn read_node(r: &mut Reader<'_>, depth: usize) -> Option<yaml::Node> {
    use yaml::Value as Y;
    if depth > MAX_DEPTH {
        return None;
    }
    let span = Span::new(r.usize()?, r.usize()?);
    let value = match r.u8()? {
        0 => Y::Null,
        1 => Y::Bool(r.bool()?),
        2 => Y::Int(r.i64()?),
        3 => Y::Float(r.f64()?),
        4 => Y::String(r.string()?),
        5 => {
            let n = r.count(17)?;
            let mut items = Vec::with_capacity(n);
            for _ in 0..n {
                items.push(read_node(r, depth + 1)?);
            }
            Y::Seq(items)
        }
        6 => {
            let n = r.count(34)?;
            let mut entries = Vec::with_capacity(n);
            for _ in 0..n {
                let k = read_node(r, depth + 1)?;
                let v = read_node(r, depth + 1)?;
                entries.push((k, v));
            }
            Y::Map(entries)
        }
        _ => return None,
    };
    Some(yaml::Node { value, span })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::table::{TableSpec, Untyped};

    const FILES: [(&str, &str); 6] = [
        (
            "a.yaml",
            "kind: Policy\nid: P-1\ntitle: \"x\"\nn: [1, -2, 3.5, .inf, null, true]\n",
        ),
        (
            "b.yaml",
            "kind: Policy\nid: P-2\n---\nkind: Risk\nid: R-1\nnested: {a: {b: [c]}}\n",
        ),
        ("broken.yaml", "id: P-9\nkind: [\n"),
        (
            "doc.md",
            "---\nkind: Procedure\nid: PR-1\n---\n# Body\n\ntext\n",
        ),
        ("dup.yaml", "kind: Policy\nid: P-1\n"),
        ("t/risks.csv", "id,title\nR-2,a\nR-3,\n"),
    ];

    fn folder() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        for (path, text) in FILES {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, text).expect("writes");
        }
        dir
    }

    fn selection() -> Selection {
        Selection::new(&["**/*.yaml".to_owned(), "**/*.md".to_owned()], &[])
            .expect("globs")
            .with_tables(
                &[TableSpec {
                    files: "t/*.csv".to_owned(),
                    kind: "Risk".to_owned(),
                }],
                100,
            )
            .expect("tables")
    }

    /// A check that depends on the record only.
    /// `b.yaml` of [`folder`] in `dir`, loaded and checked, and its entry.
    fn encoded_b(dir: &Path) -> (FileResult, Vec<Checked>, Vec<u8>) {
        let snapshot = Snapshot::take(dir, &super::super::snapshot::ContentSource::WorkTree, None)
            .expect("lists");
        let f = snapshot
            .files
            .iter()
            .find(|f| f.path == "b.yaml")
            .expect("b");
        let result = load::load_one(
            f,
            Content::Bytes(FILES[1].1.as_bytes().to_vec()),
            &selection(),
            1 << 20,
            &Untyped,
        );
        let checked: Vec<Checked> = result.records.iter().map(check).collect();
        let bytes = encode_entry(&result, &checked);
        (result, checked, bytes)
    }

    fn check(r: &Record) -> Checked {
        Checked {
            findings: vec![r.finding("schema", Severity::Warning, format!("saw {}", r.id), "/id")],
            rejected: vec![format!("/{}", r.kind)],
        }
    }

    fn describe(w: &Warm) -> String {
        format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
            w.loaded.records,
            w.loaded.findings,
            w.loaded.unreadable_ids,
            w.loaded.sources,
            w.checked
        )
    }

    fn run(dir: &Path, cache: Option<&CacheFile>, settings: &Settings) -> Warm {
        let snapshot = Snapshot::take(dir, &super::super::snapshot::ContentSource::WorkTree, None)
            .expect("lists");
        load(
            &snapshot,
            &selection(),
            None,
            1 << 20,
            &Untyped,
            &check,
            cache,
            settings,
        )
    }

    #[test]
    fn cached_loads_equal_fresh_ones_and_parse_only_changes() {
        let dir = folder();
        let cache_dir = tempfile::tempdir().expect("tempdir");
        let file = CacheFile::new(cache_dir.path(), None, dir.path());
        let settings = Settings::new([&b"one"[..]]);
        let fresh = run(dir.path(), None, &settings);
        assert_eq!(fresh.parsed, FILES.len());
        // The same as the plain load.
        let snapshot = Snapshot::take(
            dir.path(),
            &super::super::snapshot::ContentSource::WorkTree,
            None,
        )
        .expect("lists");
        let plain = load::load(&snapshot, &selection(), None, 1 << 20, &Untyped);
        assert_eq!(
            format!("{:?}", plain.records),
            format!("{:?}", fresh.loaded.records)
        );
        assert_eq!(plain.findings, fresh.loaded.findings);
        assert!(fresh
            .loaded
            .findings
            .iter()
            .any(|f| f.rule == "record/duplicate-id"));

        let first = run(dir.path(), Some(&file), &settings);
        assert_eq!((first.parsed, first.reused), (FILES.len(), 0));
        let second = run(dir.path(), Some(&file), &settings);
        assert_eq!((second.parsed, second.reused), (0, FILES.len()));
        assert_eq!(describe(&fresh), describe(&second));

        // One edit: one file parsed, the rest reused, still equal to fresh.
        std::fs::write(dir.path().join("a.yaml"), "kind: Policy\nid: P-5\n").expect("writes");
        let third = run(dir.path(), Some(&file), &settings);
        assert_eq!((third.parsed, third.reused), (1, FILES.len() - 1));
        assert_eq!(
            describe(&third),
            describe(&run(dir.path(), None, &settings))
        );

        // Other settings: nothing reused; the first settings' entries stay.
        let other = Settings::new([&b"two"[..]]);
        assert_eq!(run(dir.path(), Some(&file), &other).reused, 0);
        assert_eq!(run(dir.path(), Some(&file), &settings).parsed, 0);
    }

    #[test]
    fn settled_files_are_known_by_status_and_any_change_is_seen() {
        let dir = folder();
        let cache_dir = tempfile::tempdir().expect("tempdir");
        let file = CacheFile::new(cache_dir.path(), None, dir.path());
        let settings = Settings::new([]);
        // Fresh files are hashed on every run: their status is too recent.
        assert_eq!(run(dir.path(), Some(&file), &settings).hashed, FILES.len());
        assert_eq!(run(dir.path(), Some(&file), &settings).hashed, FILES.len());
        std::thread::sleep(std::time::Duration::from_millis(3100));
        // Settled now: hashed once more, then known by status.
        assert_eq!(run(dir.path(), Some(&file), &settings).hashed, FILES.len());
        let known = run(dir.path(), Some(&file), &settings);
        assert_eq!((known.hashed, known.parsed), (0, 0));
        // An edit of the same size, in the same second: read and seen.
        std::fs::write(dir.path().join("dup.yaml"), "kind: Policy\nid: P-7\n").expect("writes");
        let edited = run(dir.path(), Some(&file), &settings);
        assert_eq!((edited.hashed, edited.parsed), (1, 1));
        assert_eq!(
            describe(&edited),
            describe(&run(dir.path(), None, &settings))
        );
        assert!(edited.loaded.records.iter().any(|r| r.id == "P-7"));
    }

    #[test]
    fn every_truncated_entry_fails_to_decode() {
        let dir = folder();
        let w = run(dir.path(), None, &Settings::new([]));
        let (result, checked, bytes) = encoded_b(dir.path());
        let body = Arc::new(bytes.clone());
        let (back, back_checked) = decode_entry("b.yaml", &body, 0..bytes.len()).expect("decodes");
        assert_eq!(
            format!("{:?}", back.records),
            format!("{:?}", result.records)
        );
        assert_eq!(back_checked, checked);
        for cut in 0..bytes.len() {
            assert!(
                decode_entry("b.yaml", &body, 0..cut).is_none(),
                "cut at {cut}"
            );
            let short = Arc::new(bytes[..cut].to_vec());
            assert!(
                decode_entry("b.yaml", &short, 0..cut).is_none(),
                "cut at {cut}"
            );
        }
        assert!(!w.loaded.records.is_empty());
    }

    #[test]
    fn a_damaged_tree_is_a_miss_never_a_tree_that_does_not_decode() {
        let (_, _, bytes) = encoded_b(folder().path());
        let mut lazy = 0;
        for i in 0..bytes.len() {
            for flip in [0x01, 0x80, 0xFF] {
                let mut bad = bytes.clone();
                bad[i] ^= flip;
                let body = Arc::new(bad);
                let Some((back, _)) = decode_entry("b.yaml", &body, 0..body.len()) else {
                    continue;
                };
                for rec in &back.records {
                    if let crate::record::TreeState::Cached { body, range, .. } = &rec.tree.0 {
                        lazy += 1;
                        let mut r = Reader::new(&body[range.clone()]);
                        assert!(read_node(&mut r, 0).is_some() && r.is_empty(), "byte {i}");
                    }
                }
            }
        }
        assert!(lazy > 0);
    }

    #[test]
    fn a_file_that_claims_more_entries_than_it_holds_is_refused() {
        let mut w = Writer::default();
        w.raw(MAGIC);
        w.u32(VERSION);
        w.len(50_000_000);
        w.str("a.yaml");
        assert!(Index::parse(w.into_bytes()).is_none());
        // An entry placed beyond the end of the file.
        let mut w = Writer::default();
        w.raw(MAGIC);
        w.u32(VERSION);
        w.len(1);
        w.str("a.yaml");
        w.len(1);
        w.raw(&[7]);
        w.u8(0);
        w.u64(0);
        w.u64(1 << 40);
        assert!(Index::parse(w.into_bytes()).is_none());
    }
}
