//! `govlint init` and `govlint demo`: the commands that create a repository
//! (an empty governance repository, or the example ISMS) rather than check
//! one. What goes into it is [`crate::init`]'s job.

use std::path::{Path, PathBuf};

use crate::cli::{CheckArgs, CheckFormat, Cli, Command, DemoArgs, InitArgs};

use super::{dispatch, print_err, today, working_dir, Fatal, CLEAN, FAILED};

/// `govlint init [DIR] [--example]`.
pub(super) fn init(cli: &Cli, args: &InitArgs) -> Result<u8, Fatal> {
    let cwd = working_dir(cli)?;
    let dir = args
        .dir
        .as_ref()
        .map_or_else(|| cwd.clone(), |d| cwd.join(d));
    let report = crate::init::init(&dir, args.example, today(cli)?)?;
    if !cli.quiet {
        let what = if args.example {
            "example ISMS"
        } else {
            "governance repository"
        };
        print_err(&format!(
            "created the {what} in {} ({} files, {} commit{})\nnext: cd {} && govlint check\n",
            report.dir.display(),
            report.files.len(),
            report.commits,
            if report.commits == 1 { "" } else { "s" },
            report.dir.display(),
        ));
    }
    Ok(CLEAN)
}

/// `govlint demo [DIR]`: builds the example ISMS (in a new temporary folder
/// unless DIR is given), checks it, and says what to try next.
pub(super) fn demo(cli: &Cli, args: &DemoArgs) -> Result<u8, Fatal> {
    let cwd = working_dir(cli)?;
    let dir = match &args.dir {
        Some(d) => under(&cwd, d),
        None => new_temp_dir()?,
    };
    let built = crate::init::build_example(&dir)?;
    let demo_cli = Cli {
        chdir: Some(built.dir.clone()),
        color: cli.color,
        quiet: false,
        verbose: cli.verbose,
        config: None,
        today: cli.today.clone(),
        command: Command::Check(CheckArgs {
            paths: Vec::new(),
            staged: false,
            rev: None,
            changed_since: None,
            format: CheckFormat::Human,
            output: None,
            reports: Vec::new(),
            allow_shallow: false,
            deny_warnings: false,
        }),
    };
    let dir_text = built.dir.display().to_string();
    print_err(&format!(
        "Built the example ISMS of \"Acme\" in {dir_text}\n({} files, {} commits of history). Checking it:\n\n",
        built.files.len(),
        built.commits
    ));
    let code = dispatch(&demo_cli)?;
    print_err(&format!(
        "\nThe findings above are planted: EXAMPLE.md in the repository explains each.\n\
         Try next:\n\
         \x20 cd {dir_text}\n\
         \x20 govlint check --today 2026-11-15          # the example as of its own date\n\
         \x20 govlint log POL-IS-001                    # who approved the policy, when, how strongly\n\
         \x20 govlint show policies/information-security-policy.md\n\
         \x20 govlint rules                             # the ISO 27001:2022 pack\n\
         \x20 govlint explain iso27001/policy-approval\n\
         \x20 govlint check --format sarif -o govlint.sarif\n"
    ));
    // After `cargo run -- demo`, `govlint` is not on PATH yet: say where it is.
    if let Ok(exe) = std::env::current_exe() {
        print_err(&format!(
            "(`govlint` above is {}; `cargo install --path .` in the govlint source puts it on your PATH)\n",
            exe.display()
        ));
    }
    // The demo did its job whether or not the example has findings.
    Ok(if code == FAILED { FAILED } else { CLEAN })
}

/// A new, empty folder under the system's temporary directory.
fn new_temp_dir() -> Result<PathBuf, Fatal> {
    let base = std::env::temp_dir();
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    for attempt in 0..100u32 {
        let dir = base.join(format!(
            "govlint-demo-{}-{stamp}-{attempt}",
            std::process::id()
        ));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(source) => return Err(Fatal::Write { path: dir, source }),
        }
    }
    Err(Fatal::Other(
        "cannot create a temporary folder for the demo".to_owned(),
    ))
}

/// `path` resolved against `cwd`, without `.` components (for messages).
fn under(cwd: &Path, path: &Path) -> PathBuf {
    cwd.join(path)
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect()
}
