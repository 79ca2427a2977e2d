//! `govlint init` and `govlint demo`: the commands that create a repository
//! (an empty governance repository, or the example ISMS) rather than check
//! one. What goes into it is [`crate::init`]'s job.

use std::path::{Path, PathBuf};

use crate::cli::{CheckArgs, Cli, DemoArgs, InitArgs};

use super::{print_err, today, use_color, working_dir, Fatal, Workspace, CLEAN, FAILED};

/// `govlint init [DIR] [--example]`.
pub(super) fn init(cli: &Cli, args: &InitArgs) -> Result<u8, Fatal> {
    let cwd = working_dir(cli)?;
    let dir = args
        .dir
        .as_ref()
        .map_or_else(|| cwd.clone(), |d| cwd.join(d));
    let report = crate::init::init(&dir, args.example, today(cli)?, args.commit)?;
    if !cli.quiet {
        let what = if args.example {
            "example ISMS"
        } else {
            "governance repository"
        };
        let dir_text = report.dir.display();
        if report.commits == 0 {
            print_err(&format!(
                "wrote the {what}'s {} files into {dir_text} and left them uncommitted: \
                 govlint never adds a commit on top of your history unasked \
                 (`govlint init --commit` does)\n\
                 next: review them, then commit them and check:\n\
                 \x20 cd {dir_text}\n\
                 \x20 git add {}\n\
                 \x20 git commit -m \"Create the ISMS governance repository\"\n\
                 \x20 govlint check\n",
                report.files.len(),
                top_level(&report.files).join(" "),
            ));
        } else {
            print_err(&format!(
                "created the {what} in {dir_text} ({} files, {} commit{})\nnext: cd {dir_text} && govlint check\n",
                report.files.len(),
                report.commits,
                if report.commits == 1 { "" } else { "s" },
            ));
        }
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
    let dir_text = built.dir.display().to_string();
    // The example's findings are planted for its own date; a date the user
    // pinned (`--today`, `GOVLINT_TODAY`) wins.
    let pinned = cli.today.is_some();
    let as_of = if pinned {
        today(cli)?
    } else {
        crate::init::EXAMPLE_TODAY
    };
    let why = if pinned {
        "the date you pinned"
    } else {
        "the example's own date"
    };
    print_err(&format!(
        "Built the example ISMS of \"Acme\" in {dir_text}\n({} files, {} commits of history). \
         Checking it as of {as_of}, {why}:\n\n",
        built.files.len(),
        built.commits
    ));
    let ws = Workspace::open_in(built.dir.clone(), None)?;
    let global = super::check::Global {
        today: as_of,
        color: use_color(cli.color),
        // Never quiet: showing the findings is the demo's point.
        quiet: false,
        verbose: cli.verbose,
    };
    let code = super::check::run(&ws, &global, &CheckArgs::default())?;
    let planted = if pinned {
        format!(
            "\nThat was the example as of {as_of}. EXAMPLE.md in the repository explains the \
             findings planted for {}.\n",
            crate::init::EXAMPLE_TODAY
        )
    } else {
        "\nThe findings above are planted: EXAMPLE.md in the repository explains each.\n".to_owned()
    };
    print_err(&format!(
        "{planted}\
         To see the example as of today (its approvals age and its reviews fall due):\n\
         \x20 cd {dir_text}\n\
         \x20 govlint check                             # as of today\n\
         Try next:\n\
         \x20 govlint check --today {}          # the example as of its own date\n\
         \x20 govlint log POL-IS-001                    # who approved the policy, when, how strongly\n\
         \x20 govlint show policies/information-security-policy.md\n\
         \x20 govlint rules                             # the ISO 27001:2022 pack\n\
         \x20 govlint explain iso27001/policy-approval\n\
         \x20 govlint check --format sarif -o govlint.sarif\n",
        crate::init::EXAMPLE_TODAY
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

/// The distinct first path components of `files` (`policies/`, `govlint.yaml`),
/// for a `git add` line.
fn top_level(files: &[String]) -> Vec<String> {
    let mut out: Vec<String> = files
        .iter()
        .map(|f| match f.split_once('/') {
            Some((dir, _)) => format!("{dir}/"),
            None => f.clone(),
        })
        .collect();
    out.sort();
    out.dedup();
    out
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
