//! `govlint log RECORD-ID`: one record's change, approval and review trail
//! (text or JSON). It reads the history even when no rule needs it, and it is
//! not a gate: it exits 0 once written.

use crate::cli::{Cli, LogArgs, TextOrJson};
use crate::evidence::GitEvidence;
use crate::record::snapshot::ContentSource;

use super::{emit, evaluate, today, Fatal, Options, Workspace, CLEAN};

/// `govlint log RECORD-ID`: the record's change, approval and review trail.
pub(super) fn log(cli: &Cli, args: &LogArgs) -> Result<u8, Fatal> {
    let ws = Workspace::open(cli)?;
    let source = args
        .rev
        .as_ref()
        .map_or(ContentSource::WorkTree, |r| ContentSource::Rev(r.clone()));
    let eval = evaluate(
        &ws,
        &Options {
            source,
            today: today(cli)?,
            allow_shallow: true,
            force_history: true,
            verbose: cli.verbose,
        },
    )?;
    let Some(record) = eval.records.get(&args.record) else {
        return Err(Fatal::UnknownRecord(args.record.clone()));
    };
    let Some(history) = &eval.history else {
        return Err(Fatal::NotARepository {
            what: "govlint log",
            dir: ws.cwd.clone(),
        });
    };
    let evidence = GitEvidence::new(history, &eval.records, eval.prefix.clone(), false);
    let trail = crate::evidence::trail(record, &evidence);
    let mut text = match args.format {
        TextOrJson::Json => trail.to_json(),
        TextOrJson::Text => trail.to_text(),
    };
    if history.is_shallow() && args.format == TextOrJson::Text {
        text.push_str("note: the repository is a shallow clone; older history is missing\n");
    }
    emit(None, &text)?;
    Ok(CLEAN)
}
