//! `govlint check`: the gate. Evaluates the work tree, index or a revision,
//! narrows findings to the paths or changes asked about, renders them in the
//! chosen format and exits 1 on errors (or warnings with `--deny-warnings`).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::{CheckArgs, CheckFormat, Cli};
use crate::record::snapshot::ContentSource;
use crate::report::{self, Report};

use super::{emit, evaluate, today, use_color, Fatal, Options, Workspace, CLEAN, FINDINGS};

/// `govlint check [PATHS]`: the findings, exit 1 when the gate fails.
pub(super) fn check(cli: &Cli, args: &CheckArgs) -> Result<u8, Fatal> {
    let ws = Workspace::open(cli)?;
    let global = Global {
        today: today(cli)?,
        color: use_color(cli.color),
        quiet: cli.quiet,
        verbose: cli.verbose,
    };
    run(&ws, &global, args)
}

/// The global options a check runs with.
pub(super) struct Global {
    pub today: jiff::civil::Date,
    /// Colour for a terminal (`--color`, `NO_COLOR`); never into `--output`.
    pub color: bool,
    pub quiet: bool,
    pub verbose: bool,
}

/// Checks the opened workspace `ws` (`demo` opens the example's).
pub(super) fn run(ws: &Workspace, global: &Global, args: &CheckArgs) -> Result<u8, Fatal> {
    let source = if args.staged {
        ContentSource::Index
    } else if let Some(rev) = &args.rev {
        ContentSource::Rev(rev.clone())
    } else {
        ContentSource::WorkTree
    };
    let eval = evaluate(
        ws,
        &Options {
            source: source.clone(),
            today: global.today,
            allow_shallow: args.allow_shallow,
            force_history: false,
            verbose: global.verbose,
        },
    )?;
    if ws.config.file.is_none() && !global.quiet && args.format == CheckFormat::Human {
        super::print_err(
            "note: no govlint.yaml here or in a folder above, so the defaults are in force (every *.yaml, *.yml and *.md file is a record candidate; the iso27001-2022 pack is enabled); `govlint init` writes one\n",
        );
    }
    let mut findings = eval.findings;
    if !args.paths.is_empty() {
        let wanted = wanted_paths(ws, &args.paths, &eval.listed)?;
        findings.retain(|f| {
            f.location.as_ref().is_none_or(|l| {
                wanted
                    .iter()
                    .any(|w| w.is_empty() || l.file == *w || l.file.starts_with(&format!("{w}/")))
            })
        });
    }
    if let Some(base) = &args.changed_since {
        let repo = ws.repo.as_ref().ok_or_else(|| Fatal::NotARepository {
            what: "--changed-since",
            dir: ws.cwd.clone(),
        })?;
        let changed = crate::record::snapshot::changed_since(repo, &ws.config.root, &source, base)?;
        // Repo-wide findings (no file) stay: a change can break them too.
        findings.retain(|f| {
            f.location
                .as_ref()
                .is_none_or(|l| changed.contains(&l.file))
        });
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let rep = Report {
        findings: &findings,
        records: eval.records.len(),
        files: &eval.files,
        rules: &eval.rules,
    };
    let color = args.output.is_none() && global.color;
    let text = render(&rep, args.format, color, global.quiet, true)?;
    emit(args.output.as_deref(), &text)?;
    // `--report FORMAT=FILE`: more reports from the same evaluation. The
    // job summary is written once, by whichever github report comes first.
    let mut summary_written = args.format == CheckFormat::Github;
    for target in &args.reports {
        let summary = target.format == CheckFormat::Github && !summary_written;
        summary_written |= summary;
        let text = render(&rep, target.format, false, global.quiet, summary)?;
        emit(Some(&target.path), &text)?;
    }
    let s = rep.summary();
    // The process ends right after this: freeing every record tree and the
    // history index one by one would cost a pre-commit hook tens of
    // milliseconds for nothing.
    std::mem::forget(findings);
    std::mem::forget(eval.records);
    std::mem::forget(eval.history);
    Ok(if s.errors > 0 || (args.deny_warnings && s.warnings > 0) {
        FINDINGS
    } else {
        CLEAN
    })
}

/// One report of `rep` in `format`; for `github`, also the job summary
/// when `summary` is set.
fn render(
    rep: &Report<'_>,
    format: CheckFormat,
    color: bool,
    quiet: bool,
    summary: bool,
) -> Result<String, Fatal> {
    Ok(match format {
        CheckFormat::Human => report::human::render(rep, color, quiet),
        CheckFormat::Json => report::json::render(rep),
        CheckFormat::Sarif => report::sarif::render(rep),
        CheckFormat::Junit => report::junit::render(rep),
        CheckFormat::Github => {
            // GitHub shows only the first annotations of a step: the job
            // summary holds them all.
            if let Some(path) =
                std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty() && summary)
            {
                append(&PathBuf::from(path), &report::github::step_summary(rep))?;
            }
            report::github::render(rep)
        }
    })
}

/// Appends to a file (the job summary is shared by every step of a job).
fn append(path: &Path, text: &str) -> Result<(), Fatal> {
    let write = || -> std::io::Result<()> {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        file.write_all(text.as_bytes())
    };
    write().map_err(|source| Fatal::Write {
        path: path.to_owned(),
        source,
    })
}

/// The paths given to `check`, relative to the governance root. Each must
/// name a file or folder of the checked content: a typo that matched
/// nothing would otherwise pass a hook or CI with "0 errors".
fn wanted_paths(
    ws: &Workspace,
    paths: &[PathBuf],
    listed: &[String],
) -> Result<Vec<String>, Fatal> {
    let mut wanted = Vec::new();
    for p in paths {
        let given = p.to_string_lossy().replace('\\', "/");
        let rel = ws.root_relative(p);
        let found = rel.as_ref().is_some_and(|w| {
            let w = w.trim_end_matches('/');
            w.is_empty() || names_listed(listed, w)
        });
        if !found {
            let near = rel.as_deref().and_then(|w| {
                crate::suggest::closest(w.trim_end_matches('/'), listed.iter().map(String::as_str))
            });
            return Err(Fatal::NoSuchPath {
                path: given,
                suggestion: near
                    .map(|n| format!(" (did you mean `{n}`?)"))
                    .unwrap_or_default(),
            });
        }
        wanted.extend(rel);
    }
    Ok(wanted)
}

/// Whether `listed` (sorted) holds the file `w` or a file under folder `w`.
fn names_listed(listed: &[String], w: &str) -> bool {
    let folder = format!("{w}/");
    let i = listed.partition_point(|l| l.as_str() < w);
    listed[i..]
        .iter()
        .take_while(|l| l.starts_with(w))
        .any(|l| l == w || l.starts_with(&folder))
}
