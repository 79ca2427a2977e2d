//! Tree-to-tree diff by merge-join over raw tree objects.
//!
//! libgit2's `diff_tree_to_tree` is about 35× slower than `git log
//! --name-only` on the bench repository, because it builds a full diff
//! object per commit. Here two trees are compared entry by entry in git's
//! tree order, descending only into subtrees whose ids differ, as git's own
//! `tree-diff.c` does. Raw tree objects are read straight from the object
//! database and parsed in place; a small cache keeps the trees of the last
//! few commits, since a walk compares each commit's trees twice (as the
//! child, then as the parent).
//!
//! Only files (regular, executable, symlink) are reported; submodule entries
//! are ignored. A mode-only change (chmod) counts as a modification, as in
//! `git log --name-only`.

use std::cmp::Ordering;
use std::rc::Rc;

use git2::Oid;

use super::objects::{IdMap, ObjectReader};
use super::scope::{Reach, Scope};
use super::HistoryError;

/// Length of a SHA-1 object id in a raw tree entry. SHA-256 repositories are
/// not supported by libgit2's default build either.
const OID_LEN: usize = 20;
/// Drop every cached tree once the cache holds this many bytes.
const CACHE_LIMIT_BYTES: usize = 16 << 20;

const MODE_TREE: u32 = 0o040_000;
const MODE_GITLINK: u32 = 0o160_000;

/// One file that differs between two trees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Delta {
    /// Full path with `/` separators (lossily decoded when not UTF-8).
    pub(super) path: String,
    /// The blob before; `None` when the file was added.
    pub(super) old: Option<Oid>,
    /// The blob after; `None` when the file was deleted.
    pub(super) new: Option<Oid>,
}

/// Reads and compares trees of one repository; not shared between threads.
pub(super) struct TreeDiffer<R> {
    objects: R,
    cache: IdMap<Oid, Rc<Vec<u8>>>,
    cache_bytes: usize,
    /// The paths reported; subtrees outside it are never read.
    scope: Scope,
}

impl<R: ObjectReader> TreeDiffer<R> {
    /// A differ reading through `objects`.
    pub(super) fn new(objects: R) -> Self {
        TreeDiffer {
            objects,
            cache: IdMap::default(),
            cache_bytes: 0,
            scope: Scope::default(),
        }
    }

    /// The same differ, reporting only the paths of `scope`.
    pub(super) fn with_scope(mut self, scope: Scope) -> Self {
        self.scope = scope;
        self
    }

    /// The object reader, for callers that also read blobs.
    pub(super) fn objects(&mut self) -> &mut R {
        &mut self.objects
    }

    /// Appends to `out` the files that differ between tree `old` and tree
    /// `new` (`None` is the empty tree), in git's path order.
    pub(super) fn diff(
        &mut self,
        old: Option<Oid>,
        new: Option<Oid>,
        out: &mut Vec<Delta>,
    ) -> Result<(), HistoryError> {
        let mut prefix = Vec::new();
        let reach = if self.scope.is_everything() {
            Reach::All
        } else {
            Reach::Part
        };
        self.diff_into(old, new, &mut prefix, out, reach)
    }

    /// Compares two trees at `prefix`; with `reach` [`Reach::Part`], each
    /// entry is checked against the scope.
    fn diff_into(
        &mut self,
        old: Option<Oid>,
        new: Option<Oid>,
        prefix: &mut Vec<u8>,
        out: &mut Vec<Delta>,
        reach: Reach,
    ) -> Result<(), HistoryError> {
        if old == new {
            return Ok(());
        }
        let old_data = old.map(|id| self.read(id).map(|d| (id, d))).transpose()?;
        let new_data = new.map(|id| self.read(id).map(|d| (id, d))).transpose()?;
        let mut a = Entries::new(old_data.as_ref().map(|(id, d)| (*id, &d[..])));
        let mut b = Entries::new(new_data.as_ref().map(|(id, d)| (*id, &d[..])));
        loop {
            skip_identical(&mut a, &mut b);
            let (ea, eb) = (a.peek()?, b.peek()?);
            let order = match (&ea, &eb) {
                (None, None) => break,
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (Some(x), Some(y)) => git_order(x, y),
            };
            match (order, ea, eb) {
                (Ordering::Less, Some(x), _) => {
                    a.advance(&x);
                    self.one_side(&x, prefix, out, Side::Old, reach)?;
                }
                (Ordering::Greater, _, Some(y)) => {
                    b.advance(&y);
                    self.one_side(&y, prefix, out, Side::New, reach)?;
                }
                (_, Some(x), Some(y)) => {
                    a.advance(&x);
                    b.advance(&y);
                    self.both_sides(&x, &y, prefix, out, reach)?;
                }
                // Unreachable: `order` is only Less/Greater when that side
                // has an entry.
                _ => break,
            }
        }
        Ok(())
    }

    fn one_side(
        &mut self,
        entry: &Entry<'_>,
        prefix: &mut Vec<u8>,
        out: &mut Vec<Delta>,
        side: Side,
        reach: Reach,
    ) -> Result<(), HistoryError> {
        if entry.is_tree() {
            let len = push_dir(prefix, entry.name);
            let inner = self.reach_of_folder(prefix, reach);
            if inner != Reach::None {
                match side {
                    Side::Old => self.diff_into(Some(entry.id), None, prefix, out, inner)?,
                    Side::New => self.diff_into(None, Some(entry.id), prefix, out, inner)?,
                }
            }
            prefix.truncate(len);
        } else if entry.is_file() && self.file_in_scope(prefix, entry.name, reach) {
            let path = join(prefix, entry.name);
            out.push(match side {
                Side::Old => Delta {
                    path,
                    old: Some(entry.id),
                    new: None,
                },
                Side::New => Delta {
                    path,
                    old: None,
                    new: Some(entry.id),
                },
            });
        }
        Ok(())
    }

    fn both_sides(
        &mut self,
        x: &Entry<'_>,
        y: &Entry<'_>,
        prefix: &mut Vec<u8>,
        out: &mut Vec<Delta>,
        reach: Reach,
    ) -> Result<(), HistoryError> {
        if x.id == y.id && x.mode == y.mode {
            return Ok(());
        }
        // Equal in git order means same name and both trees or both
        // non-trees; a file/submodule swap is a deletion plus an addition.
        if x.is_tree() {
            let len = push_dir(prefix, x.name);
            let inner = self.reach_of_folder(prefix, reach);
            if inner != Reach::None {
                self.diff_into(Some(x.id), Some(y.id), prefix, out, inner)?;
            }
            prefix.truncate(len);
        } else if self.file_in_scope(prefix, x.name, reach) {
            let path = join(prefix, x.name);
            let old = x.is_file().then_some(x.id);
            let new = y.is_file().then_some(y.id);
            if old.is_some() || new.is_some() {
                out.push(Delta { path, old, new });
            }
        }
        Ok(())
    }

    /// The reach below `folder` (ending in `/`) of a tree whose own reach is `reach`.
    fn reach_of_folder(&self, folder: &[u8], reach: Reach) -> Reach {
        match reach {
            Reach::Part => self.scope.folder(folder),
            other => other,
        }
    }

    /// Whether file `name` in the tree at `prefix` (of reach `reach`) is reported.
    fn file_in_scope(&self, prefix: &mut Vec<u8>, name: &[u8], reach: Reach) -> bool {
        match reach {
            Reach::All => true,
            Reach::None => false,
            Reach::Part => {
                let len = prefix.len();
                prefix.extend_from_slice(name);
                let inside = self.scope.file(prefix);
                prefix.truncate(len);
                inside
            }
        }
    }

    fn read(&mut self, id: Oid) -> Result<Rc<Vec<u8>>, HistoryError> {
        if let Some(data) = self.cache.get(&id) {
            return Ok(Rc::clone(data));
        }
        let object = self.objects.tree(id)?;
        let len = object.len();
        if self.cache_bytes + len > CACHE_LIMIT_BYTES {
            self.cache.clear();
            self.cache_bytes = 0;
        }
        self.cache_bytes += len;
        self.cache.insert(id, Rc::clone(&object));
        Ok(object)
    }
}

#[derive(Clone, Copy)]
enum Side {
    Old,
    New,
}

/// One parsed tree entry, borrowing its name from the raw tree.
struct Entry<'a> {
    mode: u32,
    name: &'a [u8],
    id: Oid,
    /// Length of the raw entry, to step over it.
    len: usize,
}

impl Entry<'_> {
    fn is_tree(&self) -> bool {
        self.mode & 0o170_000 == MODE_TREE
    }

    fn is_file(&self) -> bool {
        !self.is_tree() && self.mode & 0o170_000 != MODE_GITLINK
    }
}

/// Iterates the entries of a raw tree object: `mode SP name NUL id`.
struct Entries<'a> {
    tree: Oid,
    rest: &'a [u8],
}

impl<'a> Entries<'a> {
    fn new(tree: Option<(Oid, &'a [u8])>) -> Self {
        match tree {
            Some((tree, rest)) => Entries { tree, rest },
            None => Entries {
                tree: Oid::ZERO_SHA1,
                rest: &[],
            },
        }
    }

    /// The next entry, without consuming it.
    fn peek(&self) -> Result<Option<Entry<'a>>, HistoryError> {
        if self.rest.is_empty() {
            return Ok(None);
        }
        let corrupt = || HistoryError::CorruptTree { id: self.tree };
        let len = entry_len(self.rest).ok_or_else(corrupt)?;
        let raw = &self.rest[..len];
        let nul = len - OID_LEN - 1;
        let space = raw[..nul]
            .iter()
            .position(|&b| b == b' ')
            .ok_or_else(corrupt)?;
        let mut mode = 0u32;
        for &digit in &raw[..space] {
            if !(b'0'..=b'7').contains(&digit) {
                return Err(corrupt());
            }
            mode = (mode << 3) | u32::from(digit - b'0');
        }
        let id = Oid::from_bytes(&raw[nul + 1..]).map_err(|_| corrupt())?;
        Ok(Some(Entry {
            mode,
            name: &raw[space + 1..nul],
            id,
            len,
        }))
    }

    fn advance(&mut self, entry: &Entry<'_>) {
        self.rest = &self.rest[entry.len..];
    }
}

/// The length of the first raw entry: up to the NUL that ends the name,
/// then the id. Modes and names hold no NUL.
fn entry_len(raw: &[u8]) -> Option<usize> {
    let nul = memchr::memchr(0, raw)?;
    let len = nul + 1 + OID_LEN;
    (len <= raw.len()).then_some(len)
}

/// Steps both trees over their common run of byte-identical entries (most of
/// a tree, between two neighbouring commits) without parsing them.
fn skip_identical(a: &mut Entries<'_>, b: &mut Entries<'_>) {
    let common = common_prefix(a.rest, b.rest);
    if common == a.rest.len() && common == b.rest.len() {
        // The rest of both trees is the same bytes: usually all that is
        // left after the one changed entry.
        a.rest = &[];
        b.rest = &[];
        return;
    }
    let mut skipped = 0;
    while let Some(len) = entry_len(&a.rest[skipped..]) {
        if skipped + len > common {
            break;
        }
        skipped += len;
    }
    a.rest = &a.rest[skipped..];
    b.rest = &b.rest[skipped..];
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    for block in [256, 32, 1] {
        while i + block <= n && a[i..i + block] == b[i..i + block] {
            i += block;
        }
    }
    i
}

/// git's tree order (`base_name_compare`): names compare bytewise, a tree
/// sorting as if its name ended with `/`.
fn git_order(x: &Entry<'_>, y: &Entry<'_>) -> Ordering {
    let n = x.name.len().min(y.name.len());
    match x.name[..n].cmp(&y.name[..n]) {
        Ordering::Equal => {}
        other => return other,
    }
    let end = |e: &Entry<'_>| if e.is_tree() { b'/' } else { 0 };
    let cx = x.name.get(n).copied().unwrap_or_else(|| end(x));
    let cy = y.name.get(n).copied().unwrap_or_else(|| end(y));
    cx.cmp(&cy)
}

/// Appends `name/` to `prefix`, returning the length to truncate back to.
fn push_dir(prefix: &mut Vec<u8>, name: &[u8]) -> usize {
    let len = prefix.len();
    prefix.extend_from_slice(name);
    prefix.push(b'/');
    len
}

fn join(prefix: &[u8], name: &[u8]) -> String {
    let mut path = Vec::with_capacity(prefix.len() + name.len());
    path.extend_from_slice(prefix);
    path.extend_from_slice(name);
    match String::from_utf8(path) {
        Ok(path) => path,
        Err(err) => String::from_utf8_lossy(err.as_bytes()).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::objects::SharedObjects;
    use crate::history::testing::TestRepo;

    /// The differ's changes between two commits, as `git diff-tree
    /// --name-status` prints them.
    fn name_status(repo: &TestRepo, old: &str, new: &str) -> String {
        let git = git2::Repository::open(repo.path()).unwrap();
        let tree = |rev: &str| {
            git.revparse_single(rev)
                .unwrap()
                .peel_to_tree()
                .unwrap()
                .id()
        };
        let objects = SharedObjects::open(&git);
        let mut differ = TreeDiffer::new(objects.reader());
        let mut out = Vec::new();
        differ
            .diff(Some(tree(old)), Some(tree(new)), &mut out)
            .unwrap();
        out.iter()
            .map(|d| {
                let status = match (d.old, d.new) {
                    (None, _) => 'A',
                    (_, None) => 'D',
                    _ => 'M',
                };
                format!("{status}\t{}\n", d.path)
            })
            .collect()
    }

    #[test]
    fn big_folders_diff_as_git_diff_tree_at_their_start_middle_and_end() {
        let repo = TestRepo::new();
        for i in 0..400 {
            repo.write(&format!("people/p{i:04}.yaml"), format!("id: p{i}\n"));
        }
        repo.write("people/sub/x.yaml", "x\n");
        repo.commit("many").run();
        // Each step: (files written, files removed), one commit.
        let steps: &[(&[&str], &[&str])] = &[
            (&["people/p0000.yaml"], &[]),
            (&["people/p0200.yaml"], &[]),
            (&["people/p0399.yaml"], &[]),
            (&["people/p0000.yaml", "people/p0399.yaml"], &[]),
            (
                &["people/a.yaml", "people/p0199x.yaml", "people/zz.yaml"],
                &[],
            ),
            (&[], &["people/p0100.yaml", "people/zz.yaml"]),
            (
                &["people/sub/x.yaml", "people/p0300.yaml"],
                &["people/p0301.yaml"],
            ),
            (&["people/p0100.yaml"], &["people/p0101.yaml"]),
        ];
        for (round, (written, removed)) in steps.iter().enumerate() {
            for path in *written {
                repo.write(path, format!("round {round}\n"));
            }
            for path in *removed {
                repo.git(&["rm", "-q", path]);
            }
            repo.commit(&format!("step {round}")).run();
            let expected = repo.git(&[
                "diff-tree",
                "-r",
                "--no-renames",
                "--name-status",
                "HEAD~",
                "HEAD",
            ]);
            assert_eq!(
                name_status(&repo, "HEAD~", "HEAD").trim_end(),
                expected,
                "step {round}"
            );
        }
        let expected = repo.git(&[
            "diff-tree",
            "-r",
            "--no-renames",
            "--name-status",
            "HEAD~8",
            "HEAD",
        ]);
        assert_eq!(name_status(&repo, "HEAD~8", "HEAD").trim_end(), expected);
        // Packed (trees as deltas of each other), the same answers.
        repo.git(&["gc", "-q", "--aggressive"]);
        let expected = repo.git(&[
            "diff-tree",
            "-r",
            "--no-renames",
            "--name-status",
            "HEAD~3",
            "HEAD",
        ]);
        assert_eq!(name_status(&repo, "HEAD~3", "HEAD").trim_end(), expected);
    }

    fn entry(name: &'static str, mode: u32) -> Entry<'static> {
        Entry {
            mode,
            name: name.as_bytes(),
            id: Oid::ZERO_SHA1,
            len: 0,
        }
    }

    #[test]
    fn trees_sort_as_if_they_ended_with_a_slash() {
        let file = |n| entry(n, 0o100_644);
        let dir = |n| entry(n, MODE_TREE);
        // "a.b" < "a/" because '.' < '/', and "a/" < "a0".
        assert_eq!(git_order(&file("a.b"), &dir("a")), Ordering::Less);
        assert_eq!(git_order(&dir("a"), &file("a0")), Ordering::Less);
        assert_eq!(git_order(&file("a"), &dir("a")), Ordering::Less);
        assert_eq!(git_order(&dir("a"), &dir("a")), Ordering::Equal);
    }

    #[test]
    fn malformed_trees_are_errors_not_panics() {
        for raw in [
            &b"100644 x"[..],
            b"100644 x\0short",
            b"1x0644 x\0aaaaaaaaaaaaaaaaaaaa",
        ] {
            let entries = Entries::new(Some((Oid::ZERO_SHA1, raw)));
            assert!(entries.peek().is_err());
        }
    }
}
