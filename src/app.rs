//! What every command shares, and the table of contents of the commands.
//!
//! [`run`] turns one parsed command line into an exit code: `dispatch` hands
//! it to its command, and a [`Fatal`] error is printed here, once. Commands
//! print only through `emit` (stdout or `--output`) and `print_err`. `main`
//! only parses arguments.
//!
//! - `workspace`: the folder, configuration and repository a command runs in;
//! - `evaluate`: the pipeline (snapshot → rules → records and schemas, with
//!   the git history read alongside → findings);
//! - `check`, `show`, `rules` (`rules`, `explain`), `controls`, `log`, `audit`,
//!   `scaffold` (`init`, `demo`), `hook` (`hook install`), `artifacts`
//!   (`schema`, `completions`, `manpage`), `witness`: one module per
//!   command or command family.

mod artifacts;
mod audit;
mod check;
mod controls;
mod evaluate;
mod hook;
mod log;
mod rules;
mod scaffold;
mod show;
mod witness;
mod workspace;

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::cli::{Cli, Color, Command};
use crate::finding::Finding;
use crate::record::load;
use crate::report::{self, Report};
use crate::source::SourceFile;

pub use evaluate::{evaluate, Evaluation, Options};
pub use workspace::Workspace;

/// Exit codes (SPEC 4).
pub const CLEAN: u8 = 0;
pub const FINDINGS: u8 = 1;
pub const FAILED: u8 = 2;

/// Why govlint could not do its job (exit code 2).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Fatal {
    #[error("no such directory: {}", .0.display())]
    NoDir(PathBuf),
    #[error("invalid {from} `{value}`: expected a calendar date like 2026-09-15")]
    BadToday {
        value: String,
        /// `--today`, or `GOVLINT_TODAY` when the value came from the environment.
        from: &'static str,
    },
    #[error("{0}")]
    #[diagnostic(help("check the configuration file named above"))]
    Config(String),
    #[error("the configuration is invalid")]
    InvalidConfig(Vec<Finding>, HashMap<String, Arc<SourceFile>>),
    #[error(transparent)]
    Snapshot(#[from] crate::record::snapshot::SnapshotError),
    #[error(transparent)]
    Glob(#[from] load::GlobError),
    #[error("not a git repository: {} (needed by {what})", .dir.display())]
    #[diagnostic(help("run govlint inside the repository (or pass -C with its folder), or make one with `git init`"))]
    NotARepository { what: &'static str, dir: PathBuf },
    #[error("no file or folder matches `{path}`{suggestion}")]
    #[diagnostic(help("paths given to `govlint check` are relative to the current folder and must name files or folders of the repository; a typo must not pass a hook or CI"))]
    NoSuchPath { path: String, suggestion: String },
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Init(#[from] crate::init::InitError),
    #[error("cannot read the git history: {0}")]
    History(#[from] crate::history::HistoryError),
    #[error("the repository is a shallow clone: its git history is truncated, so approvals and reviews cannot be checked")]
    #[diagnostic(help(
        "fetch the full history: `git fetch --unshallow`, or in GitHub Actions use actions/checkout with `fetch-depth: 0`. To run anyway with history results reported as \"unknown\" warnings, pass --allow-shallow (or set history.allow_shallow: true)"
    ))]
    Shallow,
    #[error("no rule or built-in code is called `{id}`{suggestion}")]
    #[diagnostic(help("`govlint rules` lists the enabled rules; built-in codes are parse, schema, record/*, config, history/*, waiver/*"))]
    UnknownRule { id: String, suggestion: String },
    #[error("`{reference}` is not a control of ISO/IEC 27001:2022 Annex A{suggestion}")]
    #[diagnostic(help("the 2022 edition numbers its 93 controls A.5.1–A.5.37, A.6.1–A.6.8, A.7.1–A.7.14 and A.8.1–A.8.34 (not the 2013 numbering such as A.9.1); `govlint controls` lists them"))]
    UnknownControl {
        reference: String,
        suggestion: String,
    },
    #[error("no record has the id `{id}`{suggestion}")]
    #[diagnostic(help(
        "ids are case-sensitive; `govlint log` without an id lists every record's id, kind and file"
    ))]
    UnknownRecord { id: String, suggestion: String },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Hook(#[from] crate::hook::HookError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Witness(#[from] crate::witness::WitnessError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    WitnessRun(#[from] witness::WitnessFailure),
    #[error("{0}")]
    Other(String),
}

/// Runs one command and returns its exit code.
pub fn run(cli: Cli) -> u8 {
    let color = crate::color::enabled(cli.color, crate::color::Stream::Stderr);
    // miette's own terminal sniffing would disagree with `--color` and
    // FORCE_COLOR: fatal reports follow the one policy.
    let _ = miette::set_hook(Box::new(move |_| {
        // Wrap at spaces only: an id or a path is never split across lines.
        Box::new(
            miette::MietteHandlerOpts::new()
                .color(color)
                .break_words(false)
                .word_separator(textwrap::WordSeparator::AsciiSpace)
                .word_splitter(textwrap::WordSplitter::NoHyphenation)
                .build(),
        )
    }));
    match dispatch(&cli) {
        Ok(code) => code,
        Err(Fatal::InvalidConfig(findings, files)) => {
            let rep = Report {
                findings: &findings,
                records: 0,
                files: &files,
                rules: &[],
            };
            let mut text = report::human::render(&rep, color, true);
            text.push_str("error: the configuration is invalid; govlint did not run\n");
            print_err(&text);
            FAILED
        }
        Err(e) => {
            print_err(&format!("{:?}\n", miette::Report::new(e)));
            FAILED
        }
    }
}

fn dispatch(cli: &Cli) -> Result<u8, Fatal> {
    match &cli.command {
        Command::Check(args) => check::check(cli, args),
        Command::Show(args) => show::show(cli, args),
        Command::Init(args) => scaffold::init(cli, args),
        Command::Demo(args) => scaffold::demo(cli, args),
        Command::Rules(args) => rules::rules(cli, args),
        Command::Log(args) => log::log(cli, args),
        Command::Hook(crate::cli::HookCommand::Install { uninstall }) => {
            hook::hook_install(cli, *uninstall)
        }
        Command::Explain(args) => rules::explain(cli, args),
        Command::Controls(args) => controls::controls(cli, args),
        Command::Audit(args) => audit::audit(cli, args),
        Command::Schema(args) => artifacts::schema(args),
        Command::Completions(args) => artifacts::completions(args),
        Command::Manpage => artifacts::manpage(cli),
        Command::Witness(args) => witness::witness(cli, args),
    }
}

/// The folder govlint runs in (`-C`), which must exist.
fn working_dir(cli: &Cli) -> Result<PathBuf, Fatal> {
    let dir = match &cli.chdir {
        Some(d) => d.clone(),
        None => std::env::current_dir()
            .map_err(|e| Fatal::Other(format!("cannot read the current directory: {e}")))?,
    };
    if !dir.is_dir() {
        return Err(Fatal::NoDir(dir));
    }
    Ok(dir)
}

/// "Today", pinned by `--today` / `GOVLINT_TODAY` or the real date.
fn today(cli: &Cli) -> Result<jiff::civil::Date, Fatal> {
    match &cli.today {
        Some(s) => crate::time::parse_date(s.trim())
            .map(Some)
            .ok_or_else(|| Fatal::BadToday {
                value: s.clone(),
                from: if today_from_flag() {
                    "--today"
                } else {
                    "GOVLINT_TODAY"
                },
            })
            .map(crate::time::today),
        None => Ok(crate::time::today(None)),
    }
}

/// Whether `--today` was given on the command line (else a pinned "today"
/// came from `GOVLINT_TODAY`), so an error names what the user typed.
fn today_from_flag() -> bool {
    std::env::args_os()
        .filter_map(|a| a.into_string().ok())
        .any(|a| a == "--today" || a.starts_with("--today="))
}

/// Writes to `--output FILE` (which the user named) or stdout.
fn emit(output: Option<&Path>, text: &str) -> Result<(), Fatal> {
    match output {
        Some(path) => std::fs::write(path, text).map_err(|source| Fatal::Write {
            path: path.to_owned(),
            source,
        }),
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`govlint check | head`) is not an error worth a panic.
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
            Ok(())
        }
    }
}

/// Writes to stderr, where progress and errors go; like [`emit`], it
/// ignores a closed pipe.
fn print_err(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
}

/// Whether the report on stdout is coloured (the policy is in
/// [`crate::color`]).
fn use_color(choice: Color) -> bool {
    crate::color::enabled(choice, crate::color::Stream::Stdout)
}
