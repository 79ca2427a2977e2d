//! Object reads for the cold walk, one reader per thread.
//!
//! The walk compares trees and, for rename detection, reads blobs. Trees
//! come straight from the pack files (`pack.rs`), which threads read
//! without sharing anything mutable; whatever the packs do not hold (loose
//! objects, blobs for rename scores) is read through a libgit2 handle of the
//! thread's own. Commits are read the same way (`walk.rs` parses them).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use git2::{Odb, Oid, Repository};

use super::pack::{PackReader, Packs};
use super::HistoryError;

/// Raw objects by id.
pub(super) trait ObjectReader {
    /// The raw content of tree `id`.
    fn tree(&mut self, id: Oid) -> Result<Rc<Vec<u8>>, HistoryError>;
    /// The content of blob `id` if it is at most `max` bytes long; `None`
    /// when it is larger or unreadable.
    fn blob(&mut self, id: Oid, max: usize) -> Option<Vec<u8>>;
}

/// A repository's objects, shared by the walk's threads.
pub(super) struct SharedObjects {
    packs: Packs,
    git_dir: PathBuf,
}

impl SharedObjects {
    /// The objects of `repo`.
    pub(super) fn open(repo: &Repository) -> Self {
        SharedObjects {
            packs: Packs::open(&repo.commondir().join("objects")),
            git_dir: repo.path().to_path_buf(),
        }
    }

    /// A reader for the calling thread.
    pub(super) fn reader(&self) -> ThreadObjects<'_> {
        ThreadObjects {
            packs: self.packs.reader(),
            git_dir: &self.git_dir,
            fallback: None,
        }
    }
}

/// One thread's reader: packs first, then its own libgit2 handle.
pub(super) struct ThreadObjects<'s> {
    packs: PackReader<'s>,
    git_dir: &'s Path,
    fallback: Option<Repository>,
}

impl ThreadObjects<'_> {
    /// The thread's own libgit2 handle, opened on first use.
    pub(super) fn repo(&mut self) -> Result<&Repository, HistoryError> {
        if self.fallback.is_none() {
            self.fallback = Some(Repository::open(self.git_dir)?);
        }
        Ok(self.fallback.as_ref().expect("opened above"))
    }

    fn odb(&mut self) -> Result<Odb<'_>, HistoryError> {
        Ok(self.repo()?.odb()?)
    }

    /// The raw content of commit `id`, from the packs or else a loose
    /// object; `None` when neither holds it as a commit (the caller then
    /// asks libgit2 for the commit, and its error).
    pub(super) fn commit(&mut self, id: Oid) -> Option<Rc<Vec<u8>>> {
        if let Some(commit) = self.packs.commit(id) {
            return Some(commit);
        }
        let odb = self.odb().ok()?;
        let object = odb.read(id).ok()?;
        (object.kind() == git2::ObjectType::Commit).then(|| Rc::new(object.data().to_vec()))
    }
}

impl ObjectReader for ThreadObjects<'_> {
    fn tree(&mut self, id: Oid) -> Result<Rc<Vec<u8>>, HistoryError> {
        if let Some(tree) = self.packs.tree(id) {
            return Ok(tree);
        }
        let odb = self.odb()?;
        read_tree(&odb, id)
    }

    fn blob(&mut self, id: Oid, max: usize) -> Option<Vec<u8>> {
        let odb = self.odb().ok()?;
        read_blob(&odb, id, max)
    }
}

fn read_tree(odb: &Odb<'_>, id: Oid) -> Result<Rc<Vec<u8>>, HistoryError> {
    let object = odb
        .read(id)
        .map_err(|source| HistoryError::Object { id, source })?;
    if object.kind() != git2::ObjectType::Tree {
        return Err(HistoryError::CorruptTree { id });
    }
    Ok(Rc::new(object.data().to_vec()))
}

fn read_blob(odb: &Odb<'_>, id: Oid, max: usize) -> Option<Vec<u8>> {
    let (size, kind) = odb.read_header(id).ok()?;
    if kind != git2::ObjectType::Blob || size > max {
        return None;
    }
    Some(odb.read(id).ok()?.data().to_vec())
}

/// A map keyed by object ids or pack offsets: keys that are already
/// uniformly spread need no DoS-resistant hash, and SipHash was a few
/// percent of the cold walk.
pub(super) type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// FxHash's mixing (rustc's), over whole words of the key.
#[derive(Default)]
pub(super) struct IdHasher(u64);

impl IdHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        let mut tail = [0u8; 8];
        let rest = chunks.remainder();
        if !rest.is_empty() {
            tail[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(tail));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
