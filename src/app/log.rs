//! `govlint log RECORD-ID`: one record's change, approval and review trail
//! (text or JSON); without an id, the list of records. It reads the history even when no rule needs it, and it is
//! not a gate: it exits 0 once written.

use crate::cli::{Cli, LogArgs, TextOrJson};
use crate::record::snapshot::ContentSource;
use crate::record::{Record, RecordSet};

use super::evaluate::git_evidence;
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
    let Some(id) = &args.record else {
        emit(None, &listing(&eval.records, args.format))?;
        return Ok(CLEAN);
    };
    let Some(record) = eval.records.get(id) else {
        return Err(Fatal::UnknownRecord {
            id: id.clone(),
            suggestion: crate::suggest::did_you_mean(
                id,
                eval.records.iter().map(|r| r.id.as_str()),
            ),
        });
    };
    let Some(history) = &eval.history else {
        return Err(Fatal::NotARepository {
            what: "govlint log",
            dir: ws.cwd.clone(),
        });
    };
    let evidence = git_evidence(&ws, history, &eval.records, &eval.prefix, false);
    let trail = crate::evidence::trail(record, &evidence);
    let mut text = match args.format {
        TextOrJson::Json => trail.to_json(),
        TextOrJson::Text => trail.to_text(),
    };
    if let (Some(root), TextOrJson::Text) = (evidence.trust_root(), args.format) {
        text.push_str(&format!("trust root: {}\n", root.sentence()));
    }
    if history.is_shallow() && args.format == TextOrJson::Text {
        text.push_str("note: the repository is a shallow clone; older history is missing\n");
    }
    emit(None, &text)?;
    Ok(CLEAN)
}

/// `govlint log` without an id: every record's id, kind and file, by id.
fn listing(records: &RecordSet, format: TextOrJson) -> String {
    let mut all: Vec<&Record> = records.iter().collect();
    all.sort_by(|a, b| (&a.id, &a.file.path).cmp(&(&b.id, &b.file.path)));
    match format {
        TextOrJson::Json => {
            let list: Vec<serde_json::Value> = all
                .iter()
                .map(|r| serde_json::json!({"id": r.id, "kind": r.kind, "file": r.file.path}))
                .collect();
            let mut t =
                serde_json::to_string_pretty(&serde_json::json!({"version": 1, "records": list}))
                    .unwrap_or_default();
            t.push('\n');
            t
        }
        TextOrJson::Text => {
            let id_w = all.iter().map(|r| r.id.len()).max().unwrap_or(0);
            let kind_w = all.iter().map(|r| r.kind.len()).max().unwrap_or(0);
            let mut t: String = all
                .iter()
                .map(|r| format!("{:<id_w$}  {:<kind_w$}  {}\n", r.id, r.kind, r.file.path))
                .collect();
            t.push_str(&format!(
                "{} records; `govlint log ID` shows one record's trail\n",
                all.len()
            ));
            t
        }
    }
}
