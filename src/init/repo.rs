//! The git plumbing of `init`: trees built in memory from file contents
//! (never from the user's index, so that nothing they staged is committed by
//! accident), commits with explicit signatures, and the checkout that makes
//! the work tree match.

use std::path::Path;

use git2::{Index, IndexEntry, IndexTime, Oid, Repository, Signature, Tree};

/// The repository whose work tree `dir` is the top of, if any.
pub(super) fn open_existing(dir: &Path) -> Result<Option<Repository>, git2::Error> {
    if dir.join(".git").symlink_metadata().is_ok() {
        Repository::open(dir).map(Some)
    } else {
        Ok(None)
    }
}

/// Commits the scaffold's files on top of `HEAD` (or as the first commit),
/// by the user's configured identity, and adds them to the index so the work
/// tree shows clean for them. Entries the user had staged stay staged.
pub(super) fn commit_scaffold(
    repo: &Repository,
    files: &[(&str, &str)],
) -> Result<Oid, git2::Error> {
    let parent = head_commit(repo)?;
    let base = parent.as_ref().map(git2::Commit::tree).transpose()?;
    let tree_id = tree_with(repo, base.as_ref(), files)?;
    let tree = repo.find_tree(tree_id)?;
    // The user's own identity, as `git commit` would use; a machine without
    // one still gets a commit, by an identity that says where it came from.
    let sig = repo
        .signature()
        .or_else(|_| Signature::now("govlint init", "govlint@localhost"))?;
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    let id = repo.commit(Some("HEAD"), &sig, &sig, SCAFFOLD_MESSAGE, &tree, &parents)?;
    let mut index = repo.index()?;
    for (path, _) in files {
        index.add_path(Path::new(path))?;
    }
    index.write()?;
    Ok(id)
}

const SCAFFOLD_MESSAGE: &str = "\
Create the ISMS governance repository

Scaffolded by `govlint init` from the ISO/IEC 27001:2022 clause 5.1
templates: information security policy, roles and RACI matrix, people,
an objective, a resource allocation, and templates for management
reviews, communications and improvements.
";

/// The commit `HEAD` points at; `None` in a repository without commits.
pub(super) fn head_commit(repo: &Repository) -> Result<Option<git2::Commit<'_>>, git2::Error> {
    match repo.head() {
        Ok(head) => head.peel_to_commit().map(Some),
        Err(e)
            if e.code() == git2::ErrorCode::UnbornBranch
                || e.code() == git2::ErrorCode::NotFound =>
        {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// Writes the tree of `base` with `files` (path, content) added or replaced,
/// through an in-memory index so that the repository's own index is left
/// alone. Every file is a regular, non-executable file.
pub(super) fn tree_with(
    repo: &Repository,
    base: Option<&Tree<'_>>,
    files: &[(&str, &str)],
) -> Result<Oid, git2::Error> {
    let mut index = Index::new()?;
    if let Some(tree) = base {
        index.read_tree(tree)?;
    }
    for (path, text) in files {
        let id = repo.blob(text.as_bytes())?;
        index.add(&entry(path, id, text.len()))?;
    }
    index.write_tree_to(repo)
}

fn entry(path: &str, id: Oid, len: usize) -> IndexEntry {
    IndexEntry {
        ctime: IndexTime::new(0, 0),
        mtime: IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode: 0o100_644,
        uid: 0,
        gid: 0,
        file_size: u32::try_from(len).unwrap_or(u32::MAX),
        id,
        // The low 12 bits hold the path length (0xfff when longer).
        flags: u16::try_from(path.len().min(0xfff)).unwrap_or(0xfff),
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    }
}

/// A fixed identity at a fixed time, for histories that must be the same on
/// every run.
pub(super) fn signature(
    name: &str,
    email: &str,
    unix: i64,
    offset_minutes: i32,
) -> Result<Signature<'static>, git2::Error> {
    Signature::new(name, email, &git2::Time::new(unix, offset_minutes))
}

/// Makes the work tree and index match `HEAD`. Only used on a repository
/// whose target files were checked not to exist.
pub(super) fn checkout_head(repo: &Repository) -> Result<(), git2::Error> {
    let mut opts = git2::build::CheckoutBuilder::new();
    opts.force();
    repo.checkout_head(Some(&mut opts))
}
