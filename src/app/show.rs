//! `govlint show`: one file's YAML documents as schemas and rules see them,
//! without a configuration or a repository; a table's rows (SPEC 1.4) as
//! the records they are, which takes the configuration (`records.tables`)
//! and the schemas that type the cells.

use std::collections::HashMap;
use std::sync::Arc;

use crate::cli::{Cli, ShowArgs, ShowFormat};
use crate::record::load;
use crate::report::{self, Report};
use crate::source::SourceFile;

use crate::record::load::Selection;
use crate::record::snapshot::{Content, ContentSource, Snapshot};
use crate::schema::SchemaSet;

use super::evaluate::repo_schemas;
use super::{emit, print_err, use_color, working_dir, Fatal, Workspace, CLEAN, FINDINGS};

/// `govlint show`: every YAML document of a file (front matter for Markdown),
/// as schemas and rules see it.
pub(super) fn show(cli: &Cli, args: &ShowArgs) -> Result<u8, Fatal> {
    let cwd = working_dir(cli)?;
    let path = cwd.join(&args.path);
    let bytes = std::fs::read(&path)
        .map_err(|e| Fatal::Other(format!("cannot read {}: {e}", path.display())))?;
    let display = args.path.to_string_lossy().replace('\\', "/");
    let (display, values, findings, sources, no_record) = match table(cli, args, &bytes)? {
        Some(t) => t,
        None => {
            let (values, findings) = load::documents(&display, &bytes);
            let no_record = no_record_reason(&display, &values);
            // The file as read, so that findings show their place.
            let source = Arc::new(SourceFile::new(
                display.clone(),
                String::from_utf8_lossy(&bytes).into_owned(),
            ));
            (display, values, findings, vec![source], no_record)
        }
    };
    let text = match args.format {
        ShowFormat::Json => {
            let mut t = serde_json::to_string_pretty(&values).unwrap_or_default();
            t.push('\n');
            t
        }
        ShowFormat::Yaml => report::yaml::to_yaml(&serde_json::Value::Array(values)),
    };
    emit(None, &text)?;
    if findings.is_empty() && !cli.quiet {
        if let Some(why) = no_record {
            print_err(&format!("note: {display} yields no record: {why}\n"));
        }
    }
    if findings.is_empty() {
        Ok(CLEAN)
    } else {
        let files: HashMap<String, Arc<SourceFile>> =
            sources.into_iter().map(|f| (f.path.clone(), f)).collect();
        let rep = Report {
            findings: &findings,
            records: 0,
            files: &files,
            rules: &[],
        };
        print_err(&report::human::render(&rep, use_color(cli.color), true));
        Ok(FINDINGS)
    }
}

/// What `show` prints of a table: its path (from the governance root), the
/// records of its rows as schemas see them, its `parse` findings, the file,
/// and why it yields no record if it yields none.
type Shown = (
    String,
    Vec<serde_json::Value>,
    Vec<crate::finding::Finding>,
    Vec<Arc<SourceFile>>,
    Option<&'static str>,
);

/// The file as a table, if `records.tables` declares it one. A `.csv` file
/// that no entry names is an error: it has no kind to read its rows as.
fn table(cli: &Cli, args: &ShowArgs, bytes: &[u8]) -> Result<Option<Shown>, Fatal> {
    let csv = args
        .path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let ws = match Workspace::open(cli) {
        Ok(ws) => ws,
        Err(e) if csv => return Err(e),
        Err(_) => return Ok(None),
    };
    let config = &ws.config;
    let rel = ws.root_relative(&args.path);
    let selection = Selection::new(&config.include, &config.record_excludes())?
        .with_tables(&config.tables, config.max_table_rows)?
        .with_limits(config.load_limits);
    let Some(kind) = rel.as_deref().and_then(|r| selection.table_kind(r)) else {
        if csv {
            let shown = rel.unwrap_or_else(|| args.path.to_string_lossy().into_owned());
            return Err(Fatal::Other(format!(
                "{shown} is not a table: declare it under `records.tables` in govlint.yaml (e.g. `- {{ files: \"{shown}\", kind: Risk }}`) so its rows are records of a kind"
            )));
        }
        return Ok(None);
    };
    let path = rel.unwrap_or_default();
    let snapshot = Snapshot::take(&config.root, &ContentSource::WorkTree, ws.repo.as_ref())?;
    let (schemas, _) = SchemaSet::build(repo_schemas(&ws, &snapshot));
    let loaded = load::load_table(
        &path,
        Content::Bytes(bytes.to_vec()),
        config.max_file_bytes,
        kind,
        &schemas,
        selection.table_limits(),
    );
    let values = loaded
        .records
        .into_iter()
        .map(|r| r.value)
        .collect::<Vec<_>>();
    let no_record = values
        .is_empty()
        .then_some("the table has no rows (only a header, or nothing)");
    Ok(Some((
        path,
        values,
        loaded.findings,
        loaded.source.into_iter().collect(),
        no_record,
    )))
}

/// Why a file that parsed yields no record, if it yields none: `check`
/// would skip it or report it, and `show` should not leave the user guessing.
fn no_record_reason(path: &str, values: &[serde_json::Value]) -> Option<&'static str> {
    let is_record = |v: &serde_json::Value| v.get("kind").is_some_and(|k| k.is_string());
    if values.iter().any(is_record) {
        return None;
    }
    let markdown = path.ends_with(".md") || path.ends_with(".markdown");
    Some(if markdown && values.is_empty() {
        "a Markdown file is a record only when it starts with a `---` front-matter block holding `kind` and `id`"
    } else if markdown {
        "its front matter has no `kind`, so it is not a record"
    } else if values.iter().all(serde_json::Value::is_null) {
        "the file holds no YAML document (it is empty or only comments)"
    } else {
        "no document in it has a `kind`; `govlint check` reports such a file as record/missing-kind unless govlint.yaml excludes it"
    })
}
