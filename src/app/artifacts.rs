//! What govlint prints about itself for shells, editors and `man`:
//! `govlint completions SHELL`, `govlint schema [NAME]` and the hidden
//! `govlint manpage` the release workflow runs to ship `govlint.1`.

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs, SchemaArgs};
use crate::schema::{self, ID_BASE};

use super::{emit, Fatal, CLEAN};

/// `govlint schema [NAME]`: one built-in schema, or the list of them.
pub(super) fn schema(args: &SchemaArgs) -> Result<u8, Fatal> {
    let Some(name) = &args.name else {
        let mut out = String::new();
        for (name, file) in names() {
            out.push_str(&format!("{name:<22} {ID_BASE}{file}\n"));
        }
        emit(None, &out)?;
        return Ok(CLEAN);
    };
    let file = names()
        .into_iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, file)| file)
        .ok_or_else(|| {
            Fatal::Other(format!(
                "no schema is called `{name}`; `govlint schema` lists them (record kinds, config, rules)"
            ))
        })?;
    let text = schema::builtin(&file)
        .ok_or_else(|| Fatal::Other(format!("schema {file} is not embedded")))?;
    let mut text = text.to_owned();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    emit(None, &text)?;
    Ok(CLEAN)
}

/// (name as `govlint schema` takes it, file name): record kinds, then
/// `config` and `rules`.
fn names() -> Vec<(String, String)> {
    schema::BUILTIN_KINDS
        .iter()
        .map(|(kind, _)| ((*kind).to_owned(), format!("{kind}.schema.json")))
        .chain([
            ("config".to_owned(), "govlint.schema.json".to_owned()),
            ("rules".to_owned(), "rules.schema.json".to_owned()),
        ])
        .collect()
}

/// `govlint completions SHELL`.
pub(super) fn completions(args: &CompletionsArgs) -> Result<u8, Fatal> {
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "govlint", &mut out);
    emit(None, &String::from_utf8_lossy(&out))?;
    Ok(CLEAN)
}

/// `govlint manpage`: govlint(1) in roff.
pub(super) fn manpage(_cli: &Cli) -> Result<u8, Fatal> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .map_err(|e| Fatal::Other(format!("cannot render the man page: {e}")))?;
    emit(None, &String::from_utf8_lossy(&out))?;
    Ok(CLEAN)
}
