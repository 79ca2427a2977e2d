//! Object reads for the cold walk, one reader per thread.
//!
//! The walk compares trees and, for rename detection, reads blobs. Trees
//! come straight from the pack files (`pack.rs`), which threads read
//! without sharing anything mutable; whatever the packs do not hold (loose
//! objects, blobs for rename scores) is read through a libgit2 handle of the
//! thread's own.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use git2::{Odb, Oid, Repository};

use super::pack::{PackReader, Packs};
use super::HistoryError;

/// Raw objects by id.
pub(super) trait ObjectReader {
    /// The raw content of tree `id`.
    fn tree(&mut self, id: Oid) -> Result<Rc<[u8]>, HistoryError>;
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
    fn odb(&mut self) -> Result<Odb<'_>, HistoryError> {
        if self.fallback.is_none() {
            self.fallback = Some(Repository::open(self.git_dir)?);
        }
        let repo = self.fallback.as_ref().expect("opened above");
        Ok(repo.odb()?)
    }
}

impl ObjectReader for ThreadObjects<'_> {
    fn tree(&mut self, id: Oid) -> Result<Rc<[u8]>, HistoryError> {
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

fn read_tree(odb: &Odb<'_>, id: Oid) -> Result<Rc<[u8]>, HistoryError> {
    let object = odb
        .read(id)
        .map_err(|source| HistoryError::Object { id, source })?;
    if object.kind() != git2::ObjectType::Tree {
        return Err(HistoryError::CorruptTree { id });
    }
    Ok(Rc::from(object.data()))
}

fn read_blob(odb: &Odb<'_>, id: Oid, max: usize) -> Option<Vec<u8>> {
    let (size, kind) = odb.read_header(id).ok()?;
    if kind != git2::ObjectType::Blob || size > max {
        return None;
    }
    Some(odb.read(id).ok()?.data().to_vec())
}

/// libgit2's object database as a reader, for a walk on one thread.
impl ObjectReader for &Odb<'_> {
    fn tree(&mut self, id: Oid) -> Result<Rc<[u8]>, HistoryError> {
        read_tree(self, id)
    }

    fn blob(&mut self, id: Oid, max: usize) -> Option<Vec<u8>> {
        read_blob(self, id, max)
    }
}
