//! `govlint show`: one file's YAML documents as schemas and rules see them,
//! without a configuration or a repository.

use std::collections::HashMap;
use std::sync::Arc;

use crate::cli::{Cli, ShowArgs, ShowFormat};
use crate::record::load;
use crate::report::{self, Report};
use crate::source::SourceFile;

use super::{emit, print_err, use_color, working_dir, Fatal, CLEAN, FINDINGS};

/// `govlint show`: every YAML document of a file (front matter for Markdown),
/// as schemas and rules see it.
pub(super) fn show(cli: &Cli, args: &ShowArgs) -> Result<u8, Fatal> {
    let cwd = working_dir(cli)?;
    let path = cwd.join(&args.path);
    let bytes = std::fs::read(&path)
        .map_err(|e| Fatal::Other(format!("cannot read {}: {e}", path.display())))?;
    let display = args.path.to_string_lossy().replace('\\', "/");
    let (values, findings) = load::documents(&display, &bytes);
    let no_record = no_record_reason(&display, &values);
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
        let files: HashMap<String, Arc<SourceFile>> = HashMap::new();
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
