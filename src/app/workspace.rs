//! The workspace a command runs in: the folder (`-C`), the configuration
//! (discovered or named with `--config`) and the git repository around it.
//! It does not read records or rules; that is the `evaluate` pipeline.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::cli::Cli;
use crate::config::{self, Config, ConfigError};
use crate::history::Repo;

use super::{working_dir, Fatal};

/// The configuration (discovered or named) and the repository around it.
pub struct Workspace {
    pub cwd: PathBuf,
    pub config: Config,
    pub repo: Option<Repo>,
}

impl Workspace {
    pub fn open(cli: &Cli) -> Result<Workspace, Fatal> {
        Workspace::open_in(working_dir(cli)?, cli.config.as_deref())
    }

    /// The workspace of folder `cwd`, with `config` as `--config` names it.
    pub fn open_in(cwd: PathBuf, config: Option<&Path>) -> Result<Workspace, Fatal> {
        let repo = Repo::open(&cwd).ok();
        let default_root = || {
            repo.as_ref()
                .and_then(|r| r.work_dir().map(Path::to_path_buf))
                .unwrap_or_else(|| cwd.clone())
        };
        let discovered = config::discover(&cwd);
        // `--config` swaps the file, not the repository: the root stays where
        // govlint.yaml (or the work tree) is.
        let (path, root) = match config {
            Some(p) => {
                // `join` keeps an absolute path as it is.
                let p = cwd.join(p);
                let root = discovered
                    .as_ref()
                    .and_then(|d| d.parent().map(Path::to_path_buf))
                    .unwrap_or_else(default_root);
                (Some(p), Some(root))
            }
            None => (discovered, None),
        };
        let config = match path {
            Some(p) => {
                let mut config = config::load(&p, root).map_err(invalid_config)?;
                if let Some(rel) = root_relative(&config.root, &p) {
                    config.exclude.push(rel);
                }
                config
            }
            None => Config::defaults(default_root()),
        };
        Ok(Workspace { cwd, config, repo })
    }

    /// A path given on the command line, relative to the governance root.
    pub(super) fn root_relative(&self, path: &Path) -> Option<String> {
        root_relative(&self.config.root, &self.cwd.join(path))
    }
}

/// `path` relative to `root`, `/`-separated, if it lies inside it.
fn root_relative(root: &Path, path: &Path) -> Option<String> {
    let abs = path.canonicalize().unwrap_or_else(|_| path.to_owned());
    let root = root.canonicalize().unwrap_or_else(|_| root.to_owned());
    let rel = abs.strip_prefix(&root).ok()?;
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// A configuration error as the fatal error that prints it with its places.
fn invalid_config(e: ConfigError) -> Fatal {
    match e {
        ConfigError::Invalid { file, findings } => {
            let files = HashMap::from([(file.path.clone(), file)]);
            Fatal::InvalidConfig(findings, files)
        }
        other => Fatal::Config(other.to_string()),
    }
}
