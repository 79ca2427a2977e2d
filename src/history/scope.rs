//! Which paths a history pass reads the changes of.
//!
//! A governance folder inside a larger repository (`isms/` in a product's
//! monorepo) needs the changes of its own files and of the trust files, and
//! nothing else: every other subtree is skipped without being read, so a
//! commit that touches only code costs one comparison of the root trees.
//! A file renamed into the scope from outside it (a governance folder
//! moved or renamed, a draft moved in) is found by [`renamed_in`], and the
//! walk widens the scope to the old paths and compares the trees again, so
//! history follows it as it would with no scope at all.

use git2::Oid;

use super::facts::CommitFacts;
use super::objects::{IdMap, SharedObjects};
use super::rename;
use super::treediff::TreeDiffer;
use super::{ChangeKind, HistoryError};

/// Folders (ending in `/`) and files, repository-relative; none: every path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Scope {
    folders: Vec<Vec<u8>>,
    files: Vec<Vec<u8>>,
}

/// How much of a subtree a scope takes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reach {
    /// Every path below it.
    All,
    /// Some paths below it: look at each entry.
    Part,
    /// Nothing below it: skip it unread.
    None,
}

impl Scope {
    /// The scope of `paths` (a path ending in `/` is a folder, any other a
    /// file); an empty list, or one holding the whole repository (`""` or
    /// `/`), is everything.
    pub(super) fn new<S: AsRef<str>>(paths: &[S]) -> Scope {
        let mut scope = Scope::default();
        for p in paths {
            let p = p.as_ref().trim_start_matches("./");
            if p.is_empty() || p == "/" {
                return Scope::default();
            }
            if p.ends_with('/') {
                scope.folders.push(p.as_bytes().to_vec());
            } else {
                scope.files.push(p.as_bytes().to_vec());
            }
        }
        scope.folders.sort();
        scope.folders.dedup();
        scope.files.sort();
        scope.files.dedup();
        scope
    }

    /// Whether the scope is every path.
    pub(super) fn is_everything(&self) -> bool {
        self.folders.is_empty() && self.files.is_empty()
    }

    /// What of the subtree at `folder` (ending in `/`) the scope takes in.
    pub(super) fn folder(&self, folder: &[u8]) -> Reach {
        if self.is_everything() || self.folders.iter().any(|f| folder.starts_with(f)) {
            Reach::All
        } else if self
            .folders
            .iter()
            .chain(&self.files)
            .any(|f| f.starts_with(folder))
        {
            Reach::Part
        } else {
            Reach::None
        }
    }

    /// Whether the file at `path` is in the scope.
    pub(super) fn file(&self, path: &[u8]) -> bool {
        self.is_everything()
            || self.folders.iter().any(|f| path.starts_with(f))
            || self.files.iter().any(|f| f == path)
    }

    /// This scope and the files `more`.
    pub(super) fn with_files(&self, more: impl IntoIterator<Item = String>) -> Scope {
        let mut scope = self.clone();
        scope.files.extend(more.into_iter().map(String::into_bytes));
        scope.files.sort();
        scope.files.dedup();
        scope
    }

    /// Whether `change` brought a file into the scope from a path outside it.
    pub(super) fn renames_in(&self, change: &rename::FileChange) -> bool {
        matches!(&change.kind, ChangeKind::Renamed { from } if !self.file(from.as_bytes()))
    }

    /// A stable text of the scope, for cache keys.
    pub(super) fn describe(&self) -> String {
        let all: Vec<String> = self
            .folders
            .iter()
            .chain(&self.files)
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect();
        all.join("\n")
    }
}

/// The paths outside `scope` that files inside it were renamed from, in
/// the commits of `facts` (diffed within `scope`) that added files to it:
/// those commits' whole trees are compared again, with rename detection.
/// Merges get no rename detection, as in the walk.
pub(super) fn renamed_in(
    objects: &SharedObjects,
    facts: &[CommitFacts],
    trees: &IdMap<Oid, Oid>,
    scope: &Scope,
) -> Result<Vec<String>, HistoryError> {
    let mut differ = TreeDiffer::new(objects.reader());
    let mut sources = Vec::new();
    for fact in facts {
        let [parent] = fact.parents.as_slice() else {
            continue;
        };
        if fact.boundary || !fact.changes.iter().any(|c| c.kind == ChangeKind::Added) {
            continue;
        }
        let Some(&parent_tree) = trees.get(parent) else {
            continue;
        };
        let mut deltas = Vec::new();
        differ.diff(Some(parent_tree), Some(fact.tree), &mut deltas)?;
        for change in rename::resolve(deltas, differ.objects()) {
            if scope.file(change.path.as_bytes()) && scope.renames_in(&change) {
                if let ChangeKind::Renamed { from } = change.kind {
                    sources.push(from);
                }
            }
        }
    }
    sources.sort();
    sources.dedup();
    Ok(sources)
}

#[cfg(test)]
mod tests {
    use super::{Reach, Scope};

    #[test]
    fn folders_files_and_everything() {
        let s = Scope::new(&["isms/", ".gitsigners", "keys/pgp/", "keys/pgp"]);
        assert_eq!(s.folder(b"isms/"), Reach::All);
        assert_eq!(s.folder(b"isms/policies/"), Reach::All);
        assert_eq!(s.folder(b"keys/"), Reach::Part);
        assert_eq!(s.folder(b"keys/pgp/"), Reach::All);
        assert_eq!(s.folder(b"src/"), Reach::None);
        // `ism/` is not a prefix of `isms/`'s folder entry as a folder.
        assert_eq!(s.folder(b"ism/"), Reach::None);
        assert_eq!(s.folder(b"isms-old/"), Reach::None);
        assert!(s.file(b"isms/a.yaml"));
        assert!(s.file(b".gitsigners"));
        assert!(s.file(b"keys/pgp"));
        assert!(!s.file(b".gitsigners.bak"));
        assert!(!s.file(b"README"));
        assert!(!s.file(b"isms"));

        for everything in [Scope::new::<&str>(&[]), Scope::new(&["", "isms/"])] {
            assert!(everything.is_everything());
            assert_eq!(everything.folder(b"src/"), Reach::All);
            assert!(everything.file(b"README"));
        }
    }
}
