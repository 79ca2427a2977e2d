//! `govlint init` and `govlint init --example` (also what `govlint demo`
//! builds): writing a governance repository from the templates embedded from
//! the project's `templates/` folder, and making its first commit(s).
//!
//! It owns the scaffold of clause 5.1 templates (`init/scaffold.rs`), the
//! example ISMS for "Acme" with its fixed git history (`init/example.rs`) and
//! the little git plumbing both need (`init/repo.rs`). It does not check what
//! it wrote; `app` runs `check` on it for `demo`.
//!
//! Neither ever overwrites: every target path is checked before anything is
//! written, and when one exists nothing is written at all
//! ([`InitError::Exists`]). Files are then created with `create_new`, so a
//! file that appears in between is not overwritten either.
//!
//! `init` in a directory that already is the top of a git work tree with
//! commits writes the scaffold's files and leaves committing them to the
//! user: it never adds a commit on top of someone's history unasked. Asked to
//! (`--commit`), it adds them in a commit on top of `HEAD`, leaving whatever
//! the user had staged staged and uncommitted. A repository without commits
//! gets the scaffold as its first commit. Anywhere else it creates a new repository in the
//! directory, as `git init DIR` would, even inside another work tree (the
//! governance repository is then a repository of its own). `init --example`
//! builds a history of its own and so refuses a directory that already is a
//! git repository.

mod example;
mod repo;
mod scaffold;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use jiff::civil::Date;

pub use example::{build_example, EXAMPLE_TODAY};

/// What `init` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitReport {
    /// The directory of the governance repository.
    pub dir: PathBuf,
    /// The files written, relative to `dir`, `/`-separated, sorted.
    pub files: Vec<String>,
    /// How many commits were made: 0 when the files were written into an
    /// existing history without committing them.
    pub commits: usize,
}

/// Why `init` could not do its job. Nothing is written when the error is
/// [`InitError::Exists`] or [`InitError::ExistingRepository`].
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum InitError {
    /// Some target files already exist (or are tracked by the repository).
    #[error("refusing to overwrite {} existing file(s): {}", paths.len(), paths.join(", "))]
    #[diagnostic(
        code(govlint::init::exists),
        help(
            "govlint init never overwrites a file, so it wrote nothing. Run it in a new or empty \
             directory, or move these files away and run it again."
        )
    )]
    Exists {
        /// The paths that exist, relative to the target directory, sorted.
        paths: Vec<String>,
    },

    /// `--example` was asked for in a directory that already is a repository.
    #[error("{} is already a git repository", dir.display())]
    #[diagnostic(
        code(govlint::init::existing_repository),
        help(
            "the example ISMS comes with a git history of its own; build it in a new or empty \
             directory, e.g. `govlint init --example acme-isms`"
        )
    )]
    ExistingRepository {
        /// The directory given.
        dir: PathBuf,
    },

    /// Reading or writing the file system failed.
    #[error("cannot {action} {}", path.display())]
    #[diagnostic(
        code(govlint::init::io),
        help("check that the directory is writable and that the path is not a file")
    )]
    Io {
        /// What govlint was doing ("create directory", "write", ...).
        action: &'static str,
        /// The path it was doing it to.
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A git operation failed.
    #[error("git: {0}")]
    #[diagnostic(
        code(govlint::init::git),
        help("the files may have been written but not committed; check `git status` in the directory")
    )]
    Git(#[from] git2::Error),

    /// Signing the example's witness tags failed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Witness(#[from] crate::witness::WitnessError),
}

/// Scaffolds a governance repository in `dir` (created when missing): the
/// clause 5.1 templates, dated from `today`, committed as the first commit of
/// a new repository (or of one without commits). When `dir` already is the
/// top of a work tree with commits, the files are written and left
/// uncommitted (`commits: 0`) unless `commit_on_top`, which commits them on
/// top of `HEAD`. With `example`, builds the example ISMS instead
/// ([`build_example`]; `today` is then unused: the example is fixed in time).
///
/// # Errors
///
/// [`InitError::Exists`] when a target file exists (nothing is written), else
/// an I/O or git failure while writing.
pub fn init(
    dir: &Path,
    example: bool,
    today: Date,
    commit_on_top: bool,
) -> Result<InitReport, InitError> {
    if example {
        return build_example(dir);
    }
    let files = scaffold::render(today);
    let existing = repo::open_existing(dir)?;
    let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    refuse_existing(dir, &paths, existing.as_ref())?;
    let repo = if let Some(repo) = existing {
        repo
    } else {
        create_dir(dir)?;
        git2::Repository::init(dir)?
    };
    for (path, text) in &files {
        write_new(dir, path, text)?;
    }
    let has_history = repo::head_commit(&repo)?.is_some();
    let commits = if has_history && !commit_on_top {
        0
    } else {
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        repo::commit_scaffold(&repo, &refs)?;
        1
    };
    Ok(InitReport {
        dir: dir.to_path_buf(),
        files: sorted(paths.iter().map(|p| (*p).to_owned()).collect()),
        commits,
    })
}

/// Fails with [`InitError::Exists`] when any of `paths` (relative to `dir`)
/// is in the way: it exists as a file, folder or (even dangling) symbolic
/// link, a file stands where one of its folders should be, or it is tracked
/// by `repo`'s index. Fails with [`InitError::Io`] when `dir` is not a
/// directory.
fn refuse_existing(
    dir: &Path,
    paths: &[&str],
    repo: Option<&git2::Repository>,
) -> Result<(), InitError> {
    if dir.symlink_metadata().is_ok() && !dir.is_dir() {
        return Err(InitError::Io {
            action: "use as a directory",
            path: dir.to_path_buf(),
            source: std::io::ErrorKind::NotADirectory.into(),
        });
    }
    let index = repo.map(git2::Repository::index).transpose()?;
    let in_the_way = |p: &str| match dir.join(p).symlink_metadata() {
        Ok(_) => true,
        Err(e) => e.kind() != std::io::ErrorKind::NotFound,
    };
    let mut taken: Vec<String> = paths
        .iter()
        .filter(|p| {
            in_the_way(p)
                || index
                    .as_ref()
                    .is_some_and(|i| i.get_path(Path::new(p), 0).is_some())
        })
        .map(|p| (*p).to_owned())
        .collect();
    if taken.is_empty() {
        return Ok(());
    }
    taken.sort();
    Err(InitError::Exists { paths: taken })
}

fn create_dir(dir: &Path) -> Result<(), InitError> {
    std::fs::create_dir_all(dir).map_err(|source| InitError::Io {
        action: "create directory",
        path: dir.to_path_buf(),
        source,
    })
}

/// Writes `dir/path`, creating its folders; never replaces an existing file.
fn write_new(dir: &Path, path: &str, text: &str) -> Result<(), InitError> {
    use std::io::Write as _;
    let full = dir.join(path);
    if let Some(parent) = full.parent() {
        create_dir(parent)?;
    }
    let io_err = |source| InitError::Io {
        action: "write",
        path: full.clone(),
        source,
    };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&full)
        .map_err(io_err)?;
    file.write_all(text.as_bytes()).map_err(io_err)
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}
