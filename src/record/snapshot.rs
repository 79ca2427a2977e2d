//! Where record content comes from (SPEC 2.2): the working tree, the index
//! (what the next commit will hold) or the tree of a revision. A snapshot is
//! the list of files under the governance root and a way to read each.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

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

#[derive(Debug, Clone)]
enum Where {
    Disk(PathBuf),
    Blob(git2::Oid),
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
    #[error("{what} needs a git repository, and {} is not in one", .root.display())]
    NotARepository { what: &'static str, root: PathBuf },
    #[error("cannot resolve revision `{rev}`: {source}")]
    BadRevision { rev: String, source: git2::Error },
    #[error("cannot read the git index: {}{}", .source.message(), index_hint(.source))]
    Index { source: git2::Error },
    #[error("git: {0}")]
    Git(#[from] git2::Error),
}

/// What to do about an index libgit2 cannot read: git's split and sparse
/// indexes use extensions it does not implement.
fn index_hint(e: &git2::Error) -> &'static str {
    let m = e.message();
    if m.contains("'link'") {
        " (a split index, which libgit2 cannot read: run `git update-index --no-split-index`, or `git config core.splitIndex false`)"
    } else if m.contains("'sdir'") {
        " (a sparse index, which libgit2 cannot read: run `git sparse-checkout reapply` after `git config index.sparse false`)"
    } else {
        ""
    }
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
        repo: Option<&git2::Repository>,
    ) -> Result<Snapshot, SnapshotError> {
        let files = match source {
            ContentSource::WorkTree => walk(root),
            ContentSource::Index => {
                let repo = need_repo(repo, "--staged", root)?;
                let prefix = prefix_of(repo, root);
                let index = repo
                    .index()
                    .map_err(|source| SnapshotError::Index { source })?;
                index
                    .iter()
                    .filter_map(|e| {
                        let path = String::from_utf8_lossy(&e.path).into_owned();
                        let rel = strip_prefix(&path, &prefix)?;
                        Some(FileRef {
                            path: rel,
                            symlink: e.mode == 0o120_000,
                            where_: Where::Blob(e.id),
                        })
                    })
                    .collect()
            }
            ContentSource::Rev(rev) => {
                let repo = need_repo(repo, "--rev", root)?;
                let prefix = prefix_of(repo, root);
                let tree = repo
                    .revparse_single(rev)
                    .and_then(|o| o.peel_to_tree())
                    .map_err(|source| SnapshotError::BadRevision {
                        rev: rev.clone(),
                        source,
                    })?;
                let mut out = Vec::new();
                tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
                    if entry.kind() == Some(git2::ObjectType::Blob) {
                        let path = format!("{dir}{}", String::from_utf8_lossy(entry.name_bytes()));
                        if let Some(rel) = strip_prefix(&path, &prefix) {
                            out.push(FileRef {
                                path: rel,
                                symlink: entry.filemode() == 0o120_000,
                                where_: Where::Blob(entry.id()),
                            });
                        }
                    }
                    git2::TreeWalkResult::Ok
                })?;
                out
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
        repo: Option<&git2::Repository>,
        max_bytes: u64,
    ) -> Vec<(&'a FileRef, Content)> {
        let disk: Vec<(&FileRef, Content)> = files
            .par_iter()
            .filter_map(|f| match &f.where_ {
                Where::Disk(p) => Some((*f, read_disk(p, max_bytes))),
                Where::Blob(_) => None,
            })
            .collect();
        let odb = repo.and_then(|r| r.odb().ok());
        let blobs = files.iter().filter_map(|f| match &f.where_ {
            Where::Blob(oid) => Some((*f, read_blob(odb.as_ref(), *oid, max_bytes))),
            Where::Disk(_) => None,
        });
        let mut all: Vec<_> = disk.into_iter().chain(blobs).collect();
        all.sort_by(|a, b| a.0.path.cmp(&b.0.path));
        all
    }

    /// Reads one file by path, if the snapshot has it.
    pub fn read(
        &self,
        path: &str,
        repo: Option<&git2::Repository>,
        max_bytes: u64,
    ) -> Option<Content> {
        let f = self.files.iter().find(|f| f.path == path)?;
        self.read_all(&[f], repo, max_bytes).pop().map(|(_, c)| c)
    }
}

fn need_repo<'r>(
    repo: Option<&'r git2::Repository>,
    what: &'static str,
    root: &Path,
) -> Result<&'r git2::Repository, SnapshotError> {
    repo.ok_or_else(|| SnapshotError::NotARepository {
        what,
        root: root.to_owned(),
    })
}

/// `root` relative to the repository's work tree, `/`-separated, with a
/// trailing `/` unless empty.
pub fn prefix_of(repo: &git2::Repository, root: &Path) -> String {
    let Some(workdir) = repo.workdir() else {
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

fn strip_prefix(path: &str, prefix: &str) -> Option<String> {
    path.strip_prefix(prefix).map(str::to_owned)
}

/// The working tree below `root`: `.gitignore`d files and `.git` skipped,
/// symbolic links listed but never followed.
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
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    walker
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let ft = entry.file_type()?;
            if ft.is_dir() {
                return None;
            }
            let rel = entry.path().strip_prefix(root).ok()?;
            let path = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            Some(FileRef {
                path,
                symlink: ft.is_symlink(),
                where_: Where::Disk(entry.path().to_owned()),
            })
        })
        .collect()
}

fn read_disk(path: &Path, max_bytes: u64) -> Content {
    match std::fs::metadata(path) {
        Ok(m) if m.len() > max_bytes => Content::TooLarge(m.len()),
        Ok(_) => match std::fs::read(path) {
            Ok(bytes) => Content::Bytes(bytes),
            Err(e) => Content::Unreadable(e.to_string()),
        },
        Err(e) => Content::Unreadable(e.to_string()),
    }
}

fn read_blob(odb: Option<&git2::Odb<'_>>, oid: git2::Oid, max_bytes: u64) -> Content {
    let Some(odb) = odb else {
        return Content::Unreadable("no object database".to_owned());
    };
    match odb.read_header(oid) {
        Ok((size, _)) if size as u64 > max_bytes => Content::TooLarge(size as u64),
        Ok(_) => match odb.read(oid) {
            Ok(obj) => Content::Bytes(obj.data().to_vec()),
            Err(e) => Content::Unreadable(e.message().to_owned()),
        },
        Err(e) => Content::Unreadable(e.message().to_owned()),
    }
}

/// Paths (relative to `root`) whose content in `source` differs from the
/// merge base of `base` and the evaluated commit: what `--changed-since`
/// reports on. Untracked files count as changed in the working tree.
pub fn changed_since(
    repo: &git2::Repository,
    root: &Path,
    source: &ContentSource,
    base: &str,
) -> Result<std::collections::HashSet<String>, SnapshotError> {
    let bad = |rev: &str| {
        let rev = rev.to_owned();
        move |source| SnapshotError::BadRevision { rev, source }
    };
    let base_commit = repo
        .revparse_single(base)
        .and_then(|o| o.peel_to_commit())
        .map_err(bad(base))?;
    let head_spec = match source {
        ContentSource::Rev(rev) => rev.as_str(),
        _ => "HEAD",
    };
    let head_commit = repo
        .revparse_single(head_spec)
        .and_then(|o| o.peel_to_commit())
        .map_err(bad(head_spec))?;
    let merge_base = repo
        .merge_base(base_commit.id(), head_commit.id())
        .map_err(bad(base))?;
    let base_tree = repo.find_commit(merge_base)?.tree()?;
    let mut opts = git2::DiffOptions::new();
    opts.include_untracked(true).recurse_untracked_dirs(true);
    let diff = match source {
        ContentSource::Rev(_) => repo.diff_tree_to_tree(
            Some(&base_tree),
            Some(&head_commit.tree()?),
            Some(&mut opts),
        )?,
        ContentSource::Index => {
            let index = repo
                .index()
                .map_err(|source| SnapshotError::Index { source })?;
            repo.diff_tree_to_index(Some(&base_tree), Some(&index), Some(&mut opts))?
        }
        ContentSource::WorkTree => {
            repo.diff_tree_to_workdir_with_index(Some(&base_tree), Some(&mut opts))?
        }
    };
    let prefix = prefix_of(repo, root);
    let mut out = std::collections::HashSet::new();
    for delta in diff.deltas() {
        for file in [delta.old_file(), delta.new_file()] {
            if let Some(rel) = file
                .path_bytes()
                .and_then(|p| strip_prefix(&String::from_utf8_lossy(p), &prefix))
            {
                out.insert(rel);
            }
        }
    }
    Ok(out)
}
