//! The repository as the rest of govlint sees it: opened from the
//! environment, with the few reads that the record layer and the commands
//! need (index and revision entries, blob bytes, what changed since a base)
//! and the handle that [`History::build`](super::History::build) reads.
//!
//! Nothing outside `history` (except `init` and `hook`, which write
//! repositories) names libgit2; they hold a [`Repo`] and plain ids
//! ([`BlobId`]).

use std::collections::HashSet;
use std::path::Path;

use git2::{ObjectType, Odb, Repository, RepositoryOpenFlags, TreeWalkMode, TreeWalkResult};

use super::{BlobId, HistoryError};

/// A git repository, opened once per command.
pub struct Repo {
    inner: Repository,
}

/// One file of the index or of a revision's tree, path relative to the
/// work tree with `/`.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The path, as git stores it (lossily decoded).
    pub path: String,
    /// Mode `120000`: a symbolic link.
    pub symlink: bool,
    /// The file's blob.
    pub blob: BlobId,
}

/// A blob's bytes, or why there are none.
#[derive(Debug)]
pub enum BlobContent {
    /// The bytes.
    Bytes(Vec<u8>),
    /// Larger than the limit: its size in bytes.
    TooLarge(u64),
    /// What libgit2 said.
    Unreadable(String),
}

/// Which side [`Repo::changed_since`] compares the merge base with.
#[derive(Debug, Clone, Copy)]
pub enum Side<'a> {
    /// The tree of this revision (also the head of the merge base).
    Rev(&'a str),
    /// The index (what the next commit will hold).
    Index,
    /// The working tree, untracked files included.
    WorkTree,
}

/// Reads blobs from the object database, opened once for many reads.
pub struct Blobs<'r> {
    odb: Option<Odb<'r>>,
}

impl Repo {
    /// The repository around `dir`. `FROM_ENV` honours `GIT_DIR` and
    /// `GIT_INDEX_FILE`, which git sets for hooks and for `git commit -a` /
    /// `git commit PATH` (a temporary index).
    ///
    /// # Errors
    /// [`HistoryError::NotARepository`] when no repository is found.
    pub fn open(dir: &Path) -> Result<Repo, HistoryError> {
        Repository::open_ext(
            dir,
            RepositoryOpenFlags::FROM_ENV,
            std::iter::empty::<&std::ffi::OsStr>(),
        )
        .map(|inner| Repo { inner })
        .map_err(|source| HistoryError::NotARepository {
            path: dir.to_path_buf(),
            source,
        })
    }

    /// The repository whose git folder is `git_dir` (a second handle to a
    /// repository already found with [`Repo::open`], for another thread:
    /// one handle must not be shared between threads).
    ///
    /// # Errors
    /// [`HistoryError::Git`] when it cannot be opened.
    pub fn open_git_dir(git_dir: &Path) -> Result<Repo, HistoryError> {
        Ok(Repo {
            inner: Repository::open(git_dir)?,
        })
    }

    /// The work tree; `None` for a bare repository.
    #[must_use]
    pub fn work_dir(&self) -> Option<&Path> {
        self.inner.workdir()
    }

    /// The git folder (`.git`, or `GIT_DIR`).
    #[must_use]
    pub fn git_dir(&self) -> &Path {
        self.inner.path()
    }

    /// The libgit2 handle, for the modules that write repositories (`init`,
    /// `hook`) and for the history walk.
    #[must_use]
    pub fn raw(&self) -> &Repository {
        &self.inner
    }

    /// `root` relative to the work tree, `/`-separated, with a trailing `/`
    /// unless empty (also empty for a bare repository or a `root` outside
    /// the work tree).
    #[must_use]
    pub fn prefix_of(&self, root: &Path) -> String {
        let Some(workdir) = self.inner.workdir() else {
            return String::new();
        };
        let (Ok(workdir), Ok(root)) = (workdir.canonicalize(), root.canonicalize()) else {
            return String::new();
        };
        match root.strip_prefix(&workdir) {
            Ok(rel) if !rel.as_os_str().is_empty() => {
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                format!("{}/", parts.join("/"))
            }
            _ => String::new(),
        }
    }

    /// Every entry of the index, in index order.
    ///
    /// # Errors
    /// [`HistoryError::Index`] when the index cannot be read (with a hint
    /// for split and sparse indexes, which libgit2 cannot read).
    pub fn index_entries(&self) -> Result<Vec<Entry>, HistoryError> {
        let index = self
            .inner
            .index()
            .map_err(|source| HistoryError::Index { source })?;
        Ok(index
            .iter()
            .map(|e| Entry {
                path: String::from_utf8_lossy(&e.path).into_owned(),
                symlink: e.mode == 0o120_000,
                blob: BlobId(e.id),
            })
            .collect())
    }

    /// The files (blobs) of `rev`'s tree, in tree order.
    ///
    /// # Errors
    /// [`HistoryError::UnresolvedRevision`] when `rev` names no tree;
    /// [`HistoryError::Read`] when the tree cannot be read.
    pub fn tree_entries(&self, rev: &str) -> Result<Vec<Entry>, HistoryError> {
        let tree = self
            .inner
            .revparse_single(rev)
            .and_then(|o| o.peel_to_tree())
            .map_err(|source| HistoryError::UnresolvedRevision {
                rev: rev.to_owned(),
                source,
            })?;
        let mut out = Vec::new();
        tree.walk(TreeWalkMode::PreOrder, |dir, entry| {
            if entry.kind() == Some(ObjectType::Blob) {
                out.push(Entry {
                    path: format!("{dir}{}", String::from_utf8_lossy(entry.name_bytes())),
                    symlink: entry.filemode() == 0o120_000,
                    blob: BlobId(entry.id()),
                });
            }
            TreeWalkResult::Ok
        })
        .map_err(HistoryError::Read)?;
        Ok(out)
    }

    /// A reader of blobs (reads fail when the object database cannot be
    /// opened).
    #[must_use]
    pub fn blobs(&self) -> Blobs<'_> {
        Blobs {
            odb: self.inner.odb().ok(),
        }
    }

    /// Paths (relative to the work tree) whose content on `side` differs
    /// from the merge base of `base` and the evaluated commit (`side`'s
    /// revision, else `HEAD`): what `--changed-since` reports on. Both
    /// sides of a rename count; untracked files count in the working tree.
    ///
    /// # Errors
    /// [`HistoryError::UnresolvedRevision`] when `base` or the evaluated
    /// revision names no commit, or they have no merge base;
    /// [`HistoryError::Index`] when the index cannot be read;
    /// [`HistoryError::Read`] for other failures.
    pub fn changed_since(
        &self,
        base: &str,
        side: Side<'_>,
    ) -> Result<HashSet<String>, HistoryError> {
        let repo = &self.inner;
        let bad = |rev: &str| {
            let rev = rev.to_owned();
            move |source| HistoryError::UnresolvedRevision { rev, source }
        };
        let base_commit = repo
            .revparse_single(base)
            .and_then(|o| o.peel_to_commit())
            .map_err(bad(base))?;
        let head_spec = match side {
            Side::Rev(rev) => rev,
            _ => "HEAD",
        };
        let head_commit = repo
            .revparse_single(head_spec)
            .and_then(|o| o.peel_to_commit())
            .map_err(bad(head_spec))?;
        let merge_base = repo
            .merge_base(base_commit.id(), head_commit.id())
            .map_err(bad(base))?;
        let read = HistoryError::Read;
        let base_tree = repo
            .find_commit(merge_base)
            .and_then(|c| c.tree())
            .map_err(read)?;
        let mut opts = git2::DiffOptions::new();
        opts.include_untracked(true).recurse_untracked_dirs(true);
        let diff = match side {
            Side::Rev(_) => {
                let head_tree = head_commit.tree().map_err(read)?;
                repo.diff_tree_to_tree(Some(&base_tree), Some(&head_tree), Some(&mut opts))
            }
            Side::Index => {
                let index = repo
                    .index()
                    .map_err(|source| HistoryError::Index { source })?;
                repo.diff_tree_to_index(Some(&base_tree), Some(&index), Some(&mut opts))
            }
            Side::WorkTree => {
                repo.diff_tree_to_workdir_with_index(Some(&base_tree), Some(&mut opts))
            }
        }
        .map_err(read)?;
        let mut out = HashSet::new();
        for delta in diff.deltas() {
            for file in [delta.old_file(), delta.new_file()] {
                if let Some(path) = file.path_bytes() {
                    out.insert(String::from_utf8_lossy(path).into_owned());
                }
            }
        }
        Ok(out)
    }
}

impl Blobs<'_> {
    /// The bytes of blob `id`, unless it is larger than `max_bytes`.
    #[must_use]
    pub fn read(&self, id: BlobId, max_bytes: u64) -> BlobContent {
        let Some(odb) = &self.odb else {
            return BlobContent::Unreadable("no object database".to_owned());
        };
        match odb.read_header(id.0) {
            Ok((size, _)) if size as u64 > max_bytes => BlobContent::TooLarge(size as u64),
            Ok(_) => match odb.read(id.0) {
                Ok(obj) => BlobContent::Bytes(obj.data().to_vec()),
                Err(e) => BlobContent::Unreadable(e.message().to_owned()),
            },
            Err(e) => BlobContent::Unreadable(e.message().to_owned()),
        }
    }
}

/// What to do about an index libgit2 cannot read: git's split and sparse
/// indexes use extensions it does not implement.
pub(super) fn index_hint(e: &git2::Error) -> &'static str {
    let m = e.message();
    if m.contains("'link'") {
        " (a split index, which libgit2 cannot read: run `git update-index --no-split-index`, or `git config core.splitIndex false`)"
    } else if m.contains("'sdir'") {
        " (a sparse index, which libgit2 cannot read: run `git sparse-checkout reapply` after `git config index.sparse false`)"
    } else {
        ""
    }
}
