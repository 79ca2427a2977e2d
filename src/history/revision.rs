//! The reads that `govlint witness` needs about single commits: which
//! commit a revision names, what it changed against its first parent, a
//! file's blob in a given commit, whether a commit is present, and the
//! `origin` remote's URL.

use git2::ObjectType;

use super::{BlobId, CommitId, HistoryError, Repo};

impl Repo {
    /// The commit `rev` names (tags peeled).
    ///
    /// # Errors
    /// [`HistoryError::BadRevision`] when it names no commit.
    pub fn resolve_commit(&self, rev: &str) -> Result<CommitId, HistoryError> {
        self.raw()
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map(|c| CommitId(c.id()))
            .map_err(|source| HistoryError::BadRevision {
                rev: rev.to_owned(),
                source,
            })
    }

    /// The paths (relative to the work tree) whose content or mode differs
    /// between `commit`'s first parent and `commit`: what a squash or merge
    /// commit brought in. For a root commit, every file. Both sides of a
    /// rename are listed.
    ///
    /// # Errors
    /// [`HistoryError::Read`] when the commits or trees cannot be read.
    pub fn first_parent_changes(&self, commit: CommitId) -> Result<Vec<String>, HistoryError> {
        let repo = self.raw();
        let c = repo.find_commit(commit.0).map_err(HistoryError::Read)?;
        let tree = c.tree().map_err(HistoryError::Read)?;
        let parent_tree = match c.parent(0) {
            Ok(p) => Some(p.tree().map_err(HistoryError::Read)?),
            Err(_) => None,
        };
        let diff = repo
            .diff_tree_to_tree(parent_tree.as_ref(), Some(&tree), None)
            .map_err(HistoryError::Read)?;
        let mut out = Vec::new();
        for delta in diff.deltas() {
            for file in [delta.old_file(), delta.new_file()] {
                if let Some(path) = file.path_bytes() {
                    let path = String::from_utf8_lossy(path).into_owned();
                    if !out.contains(&path) {
                        out.push(path);
                    }
                }
            }
        }
        Ok(out)
    }

    /// Whether the object database holds the commit with this full or
    /// abbreviated hexadecimal id.
    #[must_use]
    pub fn has_commit(&self, hex: &str) -> bool {
        self.find_commit_hex(hex).is_some()
    }

    /// The full id of the commit with this hexadecimal id, if present.
    #[must_use]
    pub fn find_commit_hex(&self, hex: &str) -> Option<CommitId> {
        if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let object = self
            .raw()
            .revparse_single(&format!("{hex}^{{commit}}"))
            .ok()?;
        (object.kind() == Some(ObjectType::Commit)).then(|| CommitId(object.id()))
    }

    /// The blob of the file at `path` (relative to the work tree) in
    /// `commit`; `None` when the commit has no such file.
    ///
    /// # Errors
    /// [`HistoryError::Read`] when the commit or its tree cannot be read.
    pub fn blob_in(&self, commit: CommitId, path: &str) -> Result<Option<BlobId>, HistoryError> {
        let c = self
            .raw()
            .find_commit(commit.0)
            .map_err(HistoryError::Read)?;
        let tree = c.tree().map_err(HistoryError::Read)?;
        Ok(match tree.get_path(std::path::Path::new(path)) {
            Ok(entry) if entry.kind() == Some(ObjectType::Blob) => Some(BlobId(entry.id())),
            _ => None,
        })
    }

    /// The URL of the remote `name`, if it is configured.
    #[must_use]
    pub fn remote_url(&self, name: &str) -> Option<String> {
        let remote = self.raw().find_remote(name).ok()?;
        remote.url().ok().map(str::to_owned)
    }
}
