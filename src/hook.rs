//! `govlint hook install` (SPEC 5): writes the git pre-commit hook that runs
//! `govlint check --staged`, or removes it with `--uninstall`.
//!
//! The hook is a POSIX `sh` script marked with [`MARKER`]. govlint only ever
//! rewrites or removes a file that carries the marker: a hook it did not
//! write is left byte for byte as it was, and the user is told how to chain
//! govlint from it. The hooks folder is git's own choice: `core.hooksPath`
//! when set (a relative value is relative to the work tree's root, as git
//! runs hooks there), else `hooks/` in the *common* git dir, which every
//! linked worktree shares.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The line that marks a hook as govlint's. Its presence (any version) is
/// what makes a hook govlint's to rewrite or remove.
pub const MARKER: &str = "# govlint-managed-hook v1";
const MARKER_PREFIX: &str = "# govlint-managed-hook";

/// The hook script. `GOVLINT` overrides the binary (e.g. a release build
/// that is not on `PATH`); a missing binary blocks the commit with advice
/// instead of `sh`'s terse "not found".
const SCRIPT: &str = r#"#!/bin/sh
# govlint-managed-hook v1
# Written by `govlint hook install`; remove it with `govlint hook install --uninstall`.
# Checks what is staged for the next commit. Set GOVLINT to the govlint binary
# to run one that is not on PATH. Skip once with `git commit --no-verify`.
govlint="${GOVLINT:-govlint}"
if ! command -v "$govlint" >/dev/null 2>&1; then
    echo "govlint pre-commit hook: cannot find '$govlint'." >&2
    echo "Install govlint on PATH, or set GOVLINT=/path/to/govlint (or commit with --no-verify)." >&2
    exit 1
fi
exec "$govlint" check --staged "$@"
"#;

/// What `install` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookAction {
    /// Wrote the hook (new, or replacing an older govlint hook).
    Installed,
    /// The current govlint hook was already there.
    AlreadyInstalled,
    /// Removed govlint's hook (`--uninstall`).
    Removed,
    /// `--uninstall` found no hook to remove.
    NotInstalled,
}

/// The result of `install`: where the hook is (or would be) and what happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookOutcome {
    pub path: PathBuf,
    pub action: HookAction,
}

impl std::fmt::Display for HookOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = self.path.display();
        match self.action {
            HookAction::Installed => write!(
                f,
                "installed the pre-commit hook at {path}: each commit now runs `govlint check --staged`"
            ),
            HookAction::AlreadyInstalled => write!(f, "the govlint pre-commit hook is already installed at {path}"),
            HookAction::Removed => write!(f, "removed the govlint pre-commit hook from {path}"),
            HookAction::NotInstalled => write!(f, "no pre-commit hook at {path}; nothing to remove"),
        }
    }
}

/// Why the hook could not be installed or removed (exit code 2).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum HookError {
    #[error("{} exists and was not written by govlint; it was left unchanged", .path.display())]
    #[diagnostic(
        code(hook::foreign),
        help(
            "to run govlint from your existing hook, add this line to it:\n    govlint check --staged || exit 1\n\
             or manage all hooks with the pre-commit framework (the govlint hook id is `govlint`)"
        )
    )]
    Foreign { path: PathBuf },
    #[error("{} exists and was not written by govlint; it was left unchanged", .path.display())]
    #[diagnostic(
        code(hook::foreign),
        help("govlint only removes the hook it installed; delete or edit this one yourself if you no longer want it")
    )]
    ForeignUninstall { path: PathBuf },
    #[error("{} is a bare repository: commits are not made there, so a pre-commit hook would never run", .path.display())]
    #[diagnostic(
        code(hook::bare),
        help("run `govlint hook install` in a clone that has a work tree")
    )]
    Bare { path: PathBuf },
    #[error("cannot read core.hooksPath from the git configuration: {message}")]
    #[diagnostic(code(hook::config), help("check `git config core.hooksPath`"))]
    Config { message: String },
    #[error("cannot {action} {}: {source}", .path.display())]
    #[diagnostic(
        code(hook::io),
        help("check that the hooks folder exists and is writable")
    )]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Installs the pre-commit hook into `repo` (or removes it when `uninstall`).
/// Never touches a hook without [`MARKER`]; re-installing is idempotent.
pub fn install(repo: &git2::Repository, uninstall: bool) -> Result<HookOutcome, HookError> {
    let path = hooks_dir(repo)?.join("pre-commit");
    let existing = read_existing(&path)?;
    let action = match (existing, uninstall) {
        (Existing::Foreign, false) => return Err(HookError::Foreign { path }),
        (Existing::Foreign, true) => return Err(HookError::ForeignUninstall { path }),
        (Existing::None, true) => HookAction::NotInstalled,
        (Existing::Ours(_), true) => {
            fs::remove_file(&path).map_err(io("remove", &path))?;
            HookAction::Removed
        }
        (Existing::Ours(text), false) if text == SCRIPT => {
            // Same script; make sure it can still run (a checkout can drop the bit).
            set_executable(&path)?;
            HookAction::AlreadyInstalled
        }
        (Existing::Ours(_), false) => {
            replace(&path)?;
            HookAction::Installed
        }
        (Existing::None, false) => {
            create(&path)?;
            HookAction::Installed
        }
    };
    Ok(HookOutcome { path, action })
}

/// The folder git runs hooks from.
pub fn hooks_dir(repo: &git2::Repository) -> Result<PathBuf, HookError> {
    let Some(workdir) = repo.workdir() else {
        return Err(HookError::Bare {
            path: repo.path().to_owned(),
        });
    };
    let config = repo.config().map_err(|e| HookError::Config {
        message: e.message().to_owned(),
    })?;
    match config.get_path("core.hooksPath") {
        // `get_path` expands a leading `~/`, as git does.
        Ok(p) if p.is_absolute() => Ok(p),
        Ok(p) if !p.as_os_str().is_empty() => Ok(workdir.join(p)),
        Ok(_) => Ok(repo.commondir().join("hooks")),
        Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(repo.commondir().join("hooks")),
        Err(e) => Err(HookError::Config {
            message: e.message().to_owned(),
        }),
    }
}

/// What is at the hook's path now.
enum Existing {
    None,
    /// govlint's hook, with its current text.
    Ours(String),
    /// Anything else: another hook, a symlink, a folder, unreadable bytes.
    Foreign,
}

fn read_existing(path: &Path) -> Result<Existing, HookError> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Existing::None),
        Err(e) => return Err(io("read", path)(e)),
    };
    // A symlink is someone's deliberate setup: never write through it.
    if !meta.is_file() {
        return Ok(Existing::Foreign);
    }
    let bytes = fs::read(path).map_err(io("read", path))?;
    Ok(match String::from_utf8(bytes) {
        Ok(text)
            if text
                .lines()
                .any(|l| l.trim_end().starts_with(MARKER_PREFIX)) =>
        {
            Existing::Ours(text)
        }
        _ => Existing::Foreign,
    })
}

/// Writes a new hook; `create_new` so a hook that appeared meanwhile is not clobbered.
fn create(path: &Path) -> Result<(), HookError> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(io("create", dir))?;
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(io("create", path))?;
    file.write_all(SCRIPT.as_bytes())
        .map_err(io("write", path))?;
    drop(file);
    set_executable(path)
}

/// Replaces an older govlint hook atomically (write beside it, then rename).
fn replace(path: &Path) -> Result<(), HookError> {
    let tmp = path.with_file_name("pre-commit.govlint-tmp");
    fs::write(&tmp, SCRIPT).map_err(io("write", &tmp))?;
    set_executable(&tmp)?;
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        io("replace", path)(e)
    })
}

#[cfg(unix)]
fn set_executable(path: &Path) -> Result<(), HookError> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))
        .map_err(io("make executable", path))
}

/// Git for Windows runs hooks through its own `sh`; there is no bit to set.
#[cfg(not(unix))]
fn set_executable(_path: &Path) -> Result<(), HookError> {
    Ok(())
}

fn io<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> HookError + 'a {
    move |source| HookError::Io {
        action,
        path: path.to_owned(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> (tempfile::TempDir, git2::Repository) {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = git2::Repository::init(dir.path()).expect("init");
        (dir, repo)
    }

    #[test]
    fn script_carries_the_marker_and_runs_check_staged() {
        assert!(SCRIPT.starts_with("#!/bin/sh\n"));
        assert!(SCRIPT.lines().any(|l| l == MARKER));
        assert!(SCRIPT.contains("exec \"$govlint\" check --staged \"$@\""));
        assert!(!SCRIPT.contains('\r'));
    }

    #[test]
    fn install_is_idempotent_and_uninstall_removes() {
        let (_dir, repo) = repo();
        let first = install(&repo, false).expect("install");
        assert_eq!(first.action, HookAction::Installed);
        assert_eq!(first.path, repo.path().join("hooks").join("pre-commit"));
        assert_eq!(fs::read_to_string(&first.path).expect("read"), SCRIPT);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&first.path)
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o111, 0o111);
        }
        assert_eq!(
            install(&repo, false).expect("again").action,
            HookAction::AlreadyInstalled
        );
        assert_eq!(
            install(&repo, true).expect("remove").action,
            HookAction::Removed
        );
        assert!(!first.path.exists());
        assert_eq!(
            install(&repo, true).expect("none").action,
            HookAction::NotInstalled
        );
    }

    #[test]
    fn older_govlint_hook_is_upgraded() {
        let (_dir, repo) = repo();
        let path = hooks_dir(&repo).expect("dir").join("pre-commit");
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(
            &path,
            "#!/bin/sh\n# govlint-managed-hook v0\ngovlint check --staged\n",
        )
        .expect("write");
        assert_eq!(
            install(&repo, false).expect("install").action,
            HookAction::Installed
        );
        assert_eq!(fs::read_to_string(&path).expect("read"), SCRIPT);
    }

    #[test]
    fn foreign_hook_is_left_alone() {
        let (_dir, repo) = repo();
        let path = hooks_dir(&repo).expect("dir").join("pre-commit");
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        let original = b"#!/bin/sh\nnpm test\n\xff".to_vec();
        fs::write(&path, &original).expect("write");
        let err = install(&repo, false).expect_err("foreign");
        assert!(matches!(err, HookError::Foreign { .. }));
        let help = miette::Diagnostic::help(&err)
            .map(|h| h.to_string())
            .unwrap_or_default();
        assert!(help.contains("govlint check --staged || exit 1"), "{help}");
        assert!(matches!(
            install(&repo, true),
            Err(HookError::ForeignUninstall { .. })
        ));
        assert_eq!(fs::read(&path).expect("read"), original);
    }

    #[test]
    fn hooks_path_is_relative_to_the_work_tree() {
        let (dir, repo) = repo();
        repo.config()
            .expect("config")
            .set_str("core.hooksPath", ".githooks")
            .expect("set");
        let outcome = install(&repo, false).expect("install");
        // Canonical forms: a temp folder may sit behind a symlink (macOS).
        let expected = dir
            .path()
            .canonicalize()
            .expect("canonical")
            .join(".githooks/pre-commit");
        assert_eq!(outcome.path.canonicalize().expect("canonical"), expected);
        assert!(outcome.path.is_file());
    }

    #[test]
    fn bare_repository_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = git2::Repository::init_bare(dir.path()).expect("init");
        assert!(matches!(install(&repo, false), Err(HookError::Bare { .. })));
    }
}
