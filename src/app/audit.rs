//! `govlint audit`: the evidence pack an auditor reads (SPEC 4.2), in
//! Markdown, JSON or self-contained HTML. It reads the history even when no
//! rule needs it.

use crate::cli::{AuditArgs, AuditFormat, Cli};
use crate::evidence::GitEvidence;
use crate::record::snapshot::ContentSource;

use super::{emit, evaluate, today, Fatal, Options, Workspace, CLEAN};

/// `govlint audit`: the evidence pack an auditor reads (SPEC 4.2). It is a
/// report, not a gate: it exits 0 once written, whatever it shows (`check`
/// is the gate), and 2 when it cannot be made.
pub(super) fn audit(cli: &Cli, args: &AuditArgs) -> Result<u8, Fatal> {
    let ws = Workspace::open(cli)?;
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
        .map(|h| GitEvidence::new(h, &eval.records, eval.prefix.clone(), false));
    let pack = crate::audit::build(&eval, evidence.as_ref(), today, args.clause.as_deref());
    if let (Some(clause), true) = (&args.clause, pack.clauses.is_empty()) {
        return Err(Fatal::Other(format!(
            "no clause item matches `--clause {clause}`: try 5.1, 5.1(c), 5.2, 5.3, 6.2, 7.1, 7.3, 7.4, 7.5, 9.3 or 10.1 (`govlint rules` lists the clauses rules cite)"
        )));
    }
    let text = match args.format {
        AuditFormat::Markdown => pack.to_markdown(),
        AuditFormat::Json => pack.to_json(),
        AuditFormat::Html => pack.to_html(),
    };
    emit(args.output.as_deref(), &text)?;
    Ok(CLEAN)
}
