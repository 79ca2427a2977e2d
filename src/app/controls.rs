//! `govlint controls`: the 93 controls of ISO/IEC 27001:2022 Annex A by
//! theme, from the catalogue compiled into the binary (no repository needed).

use crate::annex_a::{Control, Theme, CONTROLS};
use crate::cli::{Cli, ControlsArgs, TextOrJson};

use super::{emit, Fatal, CLEAN};

/// `govlint controls [--format text|json]`.
pub(super) fn controls(cli: &Cli, args: &ControlsArgs) -> Result<u8, Fatal> {
    let text = match args.format {
        TextOrJson::Json => json(),
        TextOrJson::Text => text(cli.quiet),
    };
    emit(None, &text)?;
    Ok(CLEAN)
}

/// `{version, edition, themes: [{id, clause, name, controls: [{reference,
/// title}]}]}`, stable for scripts.
fn json() -> String {
    let themes: Vec<serde_json::Value> = Theme::ALL
        .iter()
        .map(|&t| {
            let controls: Vec<serde_json::Value> = Control::of(t)
                .map(|c| serde_json::json!({ "reference": c.reference, "title": c.title }))
                .collect();
            serde_json::json!({
                "id": t.id(),
                "clause": format!("A.{}", t.clause()),
                "name": t.name(),
                "controls": controls,
            })
        })
        .collect();
    let mut t = serde_json::to_string_pretty(&serde_json::json!({
        "version": 1,
        "edition": "ISO/IEC 27001:2022",
        "count": CONTROLS.len(),
        "themes": themes,
    }))
    .unwrap_or_default();
    t.push('\n');
    t
}

fn text(quiet: bool) -> String {
    let width = CONTROLS
        .iter()
        .map(|c| c.reference.len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (i, &theme) in Theme::ALL.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let n = Control::of(theme).count();
        out.push_str(&format!("A.{} {} ({n})\n", theme.clause(), theme.name()));
        for c in Control::of(theme) {
            out.push_str(&format!("  {:<width$}  {}\n", c.reference, c.title));
        }
    }
    if !quiet {
        out.push_str(&format!(
            "\n{} controls of ISO/IEC 27001:2022 Annex A; `govlint explain A.8.24` tells more\n",
            CONTROLS.len()
        ));
    }
    out
}
