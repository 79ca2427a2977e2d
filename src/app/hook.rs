//! `govlint hook install`: finds the repository and hands it to
//! [`crate::hook`], which owns what the pre-commit hook is.

use crate::cli::Cli;
use crate::history::Repo;

use super::{print_err, working_dir, Fatal, CLEAN};

/// `govlint hook install [--uninstall]`.
pub(super) fn hook_install(cli: &Cli, uninstall: bool) -> Result<u8, Fatal> {
    let cwd = working_dir(cli)?;
    let repo = Repo::open(&cwd).map_err(|_| Fatal::NotARepository {
        what: "govlint hook install",
        dir: cwd.clone(),
    })?;
    let outcome = crate::hook::install(repo.raw(), uninstall)?;
    if !cli.quiet {
        print_err(&format!("{outcome}\n"));
    }
    Ok(CLEAN)
}
