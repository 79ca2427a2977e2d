//! Where record content comes from (SPEC 2.2): the working tree, the index
//! (what the next commit will hold) or the tree of a revision. A snapshot is
//! the list of files under the governance root and a way to read each.
//! The index and revisions are read through [`crate::history::Repo`].

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::history::{BlobContent, BlobId, Entry, HistoryError, Repo, Side};

/// Which content is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentSource {
    WorkTree,
    Index,
    Rev(String),
}

/// One file of a snapshot, path relative to the governance root with `/`.
#[derive(Debug, Clone)]
pub struct FileRef {
    pub path: String,
    pub symlink: bool,
    where_: Where,
}

impl FileRef {
    /// The file's blob when it comes from the index or a revision; `None`
    /// on disk (its bytes must be read to know it).
    #[must_use]
    pub fn blob(&self) -> Option<BlobId> {
        match &self.where_ {
            Where::Blob(id) => Some(*id),
            Where::Disk(_) | Where::Special => None,
        }
    }

    /// The file's place on disk, for a working-tree file.
    #[must_use]
    pub fn disk_path(&self) -> Option<&Path> {
        match &self.where_ {
            Where::Disk(p) => Some(p),
            Where::Special | Where::Blob(_) => None,
        }
    }
}

#[derive(Debug, Clone)]
enum Where {
    Disk(PathBuf),
    /// A FIFO, socket or device: never opened (a FIFO would block the run).
    Special,
    Blob(BlobId),
}

/// A file's bytes, or why there are none.
#[derive(Debug)]
pub enum Content {
    Bytes(Vec<u8>),
    TooLarge(u64),
    Unreadable(String),
}

/// Why a snapshot could not be taken (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("not a git repository: {} (needed by {what})", .root.display())]
    NotARepository { what: &'static str, root: PathBuf },
    #[error(transparent)]
    History(#[from] HistoryError),
}

/// The files of one content source.
pub struct Snapshot {
    pub source: ContentSource,
    pub files: Vec<FileRef>,
}

impl Snapshot {
    /// Lists every file under `root` in `source`. `repo` is needed for the
    /// index and revisions; `prefix` is `root` relative to the repository's
    /// work tree (`""` when govlint.yaml sits at the top).
    pub fn take(
        root: &Path,
        source: &ContentSource,
        repo: Option<&Repo>,
    ) -> Result<Snapshot, SnapshotError> {
        let files = match source {
            ContentSource::WorkTree => walk(root),
            ContentSource::Index => {
                let repo = need_repo(repo, "--staged", root)?;
                under_root(repo.index_entries()?, &repo.prefix_of(root))
            }
            ContentSource::Rev(rev) => {
                let repo = need_repo(repo, "--rev", root)?;
                under_root(repo.tree_entries(rev)?, &repo.prefix_of(root))
            }
        };
        let mut files = files;
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(Snapshot {
            source: source.clone(),
            files,
        })
    }

    /// Reads the given files (in parallel from disk; blobs from the object
    /// database), refusing any larger than `max_bytes`.
    pub fn read_all<'a>(
        &self,
        files: &[&'a FileRef],
        repo: Option<&Repo>,
        max_bytes: u64,
    ) -> Vec<(&'a FileRef, Content)> {
        self.read_all_with_metadata(files, repo, max_bytes)
            .into_iter()
            .map(|(f, content, _)| (f, content))
            .collect()
    }

    /// [`Snapshot::read_all`], with what `fstat` said of each working-tree
    /// file it opened (the file a symbolic link points to, for a link).
    pub fn read_all_with_metadata<'a>(
        &self,
        files: &[&'a FileRef],
        repo: Option<&Repo>,
        max_bytes: u64,
    ) -> Vec<(&'a FileRef, Content, Option<std::fs::Metadata>)> {
        let disk: Vec<(&FileRef, Content, Option<std::fs::Metadata>)> = files
            .par_iter()
            .filter_map(|f| match &f.where_ {
                Where::Disk(p) => {
                    let (content, metadata) = read_disk(p, max_bytes);
                    Some((*f, content, metadata))
                }
                Where::Special => Some((
                    *f,
                    Content::Unreadable("not a regular file (a FIFO, socket or device)".to_owned()),
                    None,
                )),
                Where::Blob(_) => None,
            })
            .collect();
        let odb = repo.map(Repo::blobs);
        let blobs = files.iter().filter_map(|f| match &f.where_ {
            Where::Blob(id) => Some((*f, read_blob(odb.as_ref(), *id, max_bytes), None)),
            Where::Disk(_) | Where::Special => None,
        });
        let mut all: Vec<_> = disk.into_iter().chain(blobs).collect();
        all.sort_by(|a, b| a.0.path.cmp(&b.0.path));
        all
    }

    /// Reads one file by path, if the snapshot has it.
    pub fn read(&self, path: &str, repo: Option<&Repo>, max_bytes: u64) -> Option<Content> {
        let f = self.files.iter().find(|f| f.path == path)?;
        self.read_all(&[f], repo, max_bytes).pop().map(|(_, c)| c)
    }
}

fn need_repo<'r>(
    repo: Option<&'r Repo>,
    what: &'static str,
    root: &Path,
) -> Result<&'r Repo, SnapshotError> {
    repo.ok_or_else(|| SnapshotError::NotARepository {
        what,
        root: root.to_owned(),
    })
}

/// The entries below `prefix` (the governance root relative to the work
/// tree), their paths relative to it.
fn under_root(entries: Vec<Entry>, prefix: &str) -> Vec<FileRef> {
    entries
        .into_iter()
        .filter_map(|e| {
            Some(FileRef {
                path: strip_prefix(&e.path, prefix)?,
                symlink: e.symlink,
                where_: Where::Blob(e.blob),
            })
        })
        .collect()
}

fn strip_prefix(path: &str, prefix: &str) -> Option<String> {
    path.strip_prefix(prefix).map(str::to_owned)
}

/// The working tree below `root`: `.gitignore`d files and `.git` skipped,
/// symbolic links listed but never followed. A folder holding a `.git` of
/// its own (a submodule, a nested clone) is another repository: skipped, as
/// the index and revisions hold only its commit id.
fn walk(root: &Path) -> Vec<FileRef> {
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .ignore(false)
        .parents(false)
        .git_global(false)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|e| {
            e.file_name() != ".git"
                && !(e.depth() > 0
                    && e.file_type().is_some_and(|t| t.is_dir())
                    && e.path().join(".git").symlink_metadata().is_ok())
        })
        .build_parallel();
    // Folders are read on every core (a governance folder of 10,000 files
    // took a tenth of a warm run to list on one); `take` sorts the list.
    let files = std::sync::Mutex::new(Vec::new());
    walker.run(|| {
        Box::new(|entry| {
            if let Some(file) = entry.ok().and_then(|e| file_ref(root, &e)) {
                files
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(file);
            }
            ignore::WalkState::Continue
        })
    });
    files
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The listing's entry for a walked file (`None` for a folder).
fn file_ref(root: &Path, entry: &ignore::DirEntry) -> Option<FileRef> {
    let ft = entry.file_type()?;
    if ft.is_dir() {
        return None;
    }
    let rel = entry.path().strip_prefix(root).ok()?;
    // On Unix the separator already is `/`.
    let path = if cfg!(unix) {
        rel.to_string_lossy().into_owned()
    } else {
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    };
    Some(FileRef {
        path,
        symlink: ft.is_symlink(),
        where_: if ft.is_file() || ft.is_symlink() {
            Where::Disk(entry.path().to_owned())
        } else {
            Where::Special
        },
    })
}

/// One open, one `fstat` and the reads: a path is looked up once (a
/// second lookup by `metadata` cost a tenth of a cold load of 10,000 files).
/// The `fstat`'s answer goes with the content, taken before the read.
fn read_disk(path: &Path, max_bytes: u64) -> (Content, Option<std::fs::Metadata>) {
    use std::io::Read;
    let mut seen = None;
    let mut read = || -> std::io::Result<Content> {
        let file = std::fs::File::open(path)?;
        let metadata = file.metadata()?;
        let len = metadata.len();
        seen = Some(metadata);
        if len > max_bytes {
            return Ok(Content::TooLarge(len));
        }
        // The file may grow between the fstat and the read: never past the bound.
        let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0).saturating_add(1));
        file.take(max_bytes.saturating_add(1))
            .read_to_end(&mut bytes)?;
        if bytes.len() as u64 > max_bytes {
            return Ok(Content::TooLarge(bytes.len() as u64));
        }
        Ok(Content::Bytes(bytes))
    };
    let content = read().unwrap_or_else(|e| Content::Unreadable(e.to_string()));
    (content, seen)
}

fn read_blob(blobs: Option<&crate::history::Blobs<'_>>, id: BlobId, max_bytes: u64) -> Content {
    let Some(blobs) = blobs else {
        return Content::Unreadable("no object database".to_owned());
    };
    match blobs.read(id, max_bytes) {
        BlobContent::Bytes(bytes) => Content::Bytes(bytes),
        BlobContent::TooLarge(size) => Content::TooLarge(size),
        BlobContent::Unreadable(why) => Content::Unreadable(why),
    }
}

/// Paths (relative to `root`) whose content in `source` differs from the
/// merge base of `base` and the evaluated commit: what `--changed-since`
/// reports on. Untracked files count as changed in the working tree.
pub fn changed_since(
    repo: &Repo,
    root: &Path,
    source: &ContentSource,
    base: &str,
) -> Result<HashSet<String>, SnapshotError> {
    let side = match source {
        ContentSource::Rev(rev) => Side::Rev(rev),
        ContentSource::Index => Side::Index,
        ContentSource::WorkTree => Side::WorkTree,
    };
    let prefix = repo.prefix_of(root);
    Ok(repo
        .changed_since(base, side)?
        .iter()
        .filter_map(|path| strip_prefix(path, &prefix))
        .collect())
}
