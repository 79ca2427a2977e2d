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
    let text = match args.format {
        ShowFormat::Json => {
            let mut t = serde_json::to_string_pretty(&values).unwrap_or_default();
            t.push('\n');
            t
        }
        ShowFormat::Yaml => report::yaml::to_yaml(&serde_json::Value::Array(values)),
    };
    emit(None, &text)?;
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
