//! `govlint audit`: the evidence pack an auditor reads (SPEC 4.2), in
//! Markdown, JSON or self-contained HTML. It reads the history even when no
//! rule needs it.

use crate::cli::{AuditArgs, AuditFormat, Cli};
use crate::record::snapshot::ContentSource;

use super::evaluate::git_evidence;
use super::{emit, evaluate, print_err, today, Fatal, Options, Workspace, CLEAN};

/// `govlint audit`: the evidence pack an auditor reads (SPEC 4.2). It is a
/// report, not a gate: it exits 0 once written, whatever it shows (`check`
/// is the gate), and 2 when it cannot be made.
pub(super) fn audit(cli: &Cli, args: &AuditArgs) -> Result<u8, Fatal> {
    let ws = Workspace::open(cli)?;
    let since = match &args.since {
        None => None,
        Some(s) => Some(crate::time::parse_date(s).ok_or_else(|| {
            Fatal::Other(format!(
                "`--since {s}` is not a date: write it as YYYY-MM-DD, e.g. `--since 2026-01-01`"
            ))
        })?),
    };
    let source = args
        .rev
        .as_ref()
        .map_or(ContentSource::WorkTree, |r| ContentSource::Rev(r.clone()));
    let today = today(cli)?;
    let eval = evaluate(
        &ws,
        &Options {
            source,
            today,
            allow_shallow: args.allow_shallow,
            force_history: true,
            verbose: cli.verbose,
        },
    )?;
    let evidence = eval
        .history
        .as_ref()
        .map(|h| git_evidence(&ws, h, &eval.records, &eval.prefix, false));
    let mut pack = crate::audit::build(&eval, evidence.as_ref(), today, args.clause.as_deref());
    pack.repository = ws
        .repo
        .as_ref()
        .and_then(|r| r.work_dir())
        .and_then(|d| d.file_name())
        .map(|n| n.to_string_lossy().into_owned());
    if let Some(since) = since {
        pack.limit_trail(since);
    }
    if let (Some(clause), true) = (&args.clause, pack.clauses.is_empty()) {
        return Err(Fatal::Other(format!(
            "no clause item matches `--clause {clause}`: try a clause from 4.1 to 10.2, e.g. 4.3, 5.1(c), 6.1.2, 6.1.3(d), 9.2 or 10.2 (`govlint rules` lists the clauses rules cite)"
        )));
    }
    let (text, format) = match args.format {
        AuditFormat::Markdown => (pack.to_markdown(), "markdown"),
        AuditFormat::Json => (pack.to_json(), "json"),
        AuditFormat::Html => (pack.to_html(), "html"),
    };
    emit(args.output.as_deref(), &text)?;
    if let (Some(path), false) = (&args.output, cli.quiet) {
        print_err(&format!(
            "wrote the audit pack to {} ({format}, {})\n",
            path.display(),
            size(text.len())
        ));
    }
    Ok(CLEAN)
}

/// `812 B`, `61 KiB`, `1.4 MiB`: rounded as people read sizes.
fn size(bytes: usize) -> String {
    #[expect(clippy::cast_precision_loss, reason = "an approximate size")]
    let b = bytes as f64;
    match bytes {
        0..1024 => format!("{bytes} B"),
        1024..1_048_576 => format!("{:.0} KiB", b / 1024.0),
        _ => format!("{:.1} MiB", b / 1_048_576.0),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_as_people_read_them() {
        assert_eq!(super::size(812), "812 B");
        assert_eq!(super::size(62_000), "61 KiB");
        assert_eq!(super::size(1_468_006), "1.4 MiB");
    }
}
