//! `govlint explain ID`: a rule's documentation (ruff-style headings from its
//! `description`, or a summary generated from the compiled rule when it has
//! none), its examples, and the docs of built-in diagnostic codes. Plain text
//! with light Markdown; the caller prints it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{builtin, Rule, RuleSet};
use crate::finding::Code;

/// The documentation of a rule (of `set`, else of a built-in pack, enabled or
/// not) or of a built-in code; `None` for an unknown id.
#[must_use]
pub fn explain(set: &RuleSet, id: &str) -> Option<String> {
    if let Some(rule) = set.get(id) {
        let enabled = set.rules().iter().any(|r| r.id == id);
        return Some(render_rule(
            rule,
            if enabled {
                None
            } else {
                Some("off in this repository's govlint.yaml")
            },
        ));
    }
    if let Some(rule) = find_rule(id) {
        return Some(render_rule(
            &rule,
            Some("its pack is not enabled in this repository's govlint.yaml (`packs:`)"),
        ));
    }
    Code::from_id(id).map(|c| {
        format!(
            "# {}\n\nBuilt-in diagnostic.\n\n{}\n\n{}\n",
            c.id(),
            c.summary(),
            c.description()
        )
    })
}

/// What an Annex A control is (`govlint explain A.8.24`): its reference,
/// title and theme, how a Statement of Applicability records it, and the
/// enabled rules of `set` that concern Control records (and the
/// StatementOfApplicability that lists them). `None` when `reference` is not
/// a control of ISO/IEC 27001:2022 Annex A ([`crate::annex_a::find`]).
#[must_use]
pub fn explain_control(set: &RuleSet, reference: &str) -> Option<String> {
    let control = crate::annex_a::find(reference)?;
    let mut out = format!("# {} {}\n\n", control.reference, control.title);
    let _ = writeln!(
        out,
        "ISO/IEC 27001:2022 Annex A control.\nTheme:    {} (A.{})",
        control.theme.name(),
        control.theme.clause()
    );
    let _ = writeln!(
        out,
        "\nIn a Statement of Applicability it is one Control record with id `{}`\n\
         (a row of the table the StatementOfApplicability names): applicable,\n\
         justification, status, and optionally owner, risks and evidence.\n\
         `govlint controls` lists all {} controls.",
        control.reference,
        crate::annex_a::CONTROLS.len()
    );
    for kind in ["Control", "StatementOfApplicability"] {
        let _ = writeln!(out, "\n## Enabled rules on {kind} records\n");
        let rules: Vec<&Rule> = set
            .rules()
            .iter()
            .filter(|r| r.kinds().is_some_and(|k| k.iter().any(|k| k == kind)))
            .collect();
        if rules.is_empty() {
            out.push_str("(none)\n");
        }
        for r in rules {
            let _ = writeln!(
                out,
                "- {} ({}{}): {}",
                r.id,
                r.severity.as_str(),
                r.clause
                    .as_deref()
                    .map(|c| format!(", {c}"))
                    .unwrap_or_default(),
                r.message
            );
        }
    }
    Some(out)
}

/// A built-in rule by id, whether or not its pack is enabled (`explain`).
fn find_rule(id: &str) -> Option<Rule> {
    builtin::PACKS.iter().find_map(|(name, _)| {
        let mut set = super::load::load(
            &[(*name).to_owned()],
            &[],
            &BTreeMap::new(),
            super::REGEX_SIZE_LIMIT,
        )
        .ok()?;
        let i = set.rules.iter().position(|r| r.id == id)?;
        Some(set.rules.swap_remove(i))
    })
}

fn render_rule(rule: &Rule, not_enabled: Option<&str>) -> String {
    let mut out = format!("# {}\n\n", rule.id);
    if let Some(clause) = &rule.clause {
        let _ = writeln!(out, "Clause:   {clause}");
    }
    let _ = writeln!(out, "Severity: {}", rule.severity.as_str());
    let _ = writeln!(out, "Source:   {}", rule.source);
    if let Some(why) = not_enabled {
        let _ = writeln!(out, "Status:   not evaluated: {why}");
    }
    let _ = writeln!(out, "\nMessage:  {}", rule.message);
    if let Some(help) = &rule.help {
        let _ = writeln!(out, "Help:     {help}");
    }
    out.push('\n');
    match &rule.description {
        Some(d) => {
            out.push_str(d.trim_end());
            out.push_str("\n\n");
        }
        None => out.push_str(
            "## What it checks\n\n(This rule has no description; here is what it checks.)\n\n",
        ),
    }
    out.push_str("## Rule logic\n\n");
    for line in rule.summary() {
        let _ = writeln!(out, "- {line}");
    }
    if let Some(ex) = &rule.examples {
        let _ = write!(
            out,
            "\n## Example\n\nRecords that pass:\n\n```yaml\n{}\n```\n\nRecords that fail:\n\n```yaml\n{}\n```\n",
            ex.pass.trim_end(),
            ex.fail.trim_end()
        );
        if ex.pass.contains("# git:") || ex.fail.contains("# git:") {
            out.push_str(
                "\n`# git:` lines describe the approvals git holds for the example \
                 (commits with `Approved-by:` / `Reviewed-by:` trailers).\n",
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn explains_rules_codes_and_disabled_pack_rules() {
        let set = RuleSet::load(&["iso27001-2022".to_owned()], &[], &BTreeMap::new()).unwrap();
        let text = explain(&set, "iso27001/policy-approval").unwrap();
        assert!(text.starts_with("# iso27001/policy-approval\n"), "{text}");
        for part in [
            "## What it checks",
            "## Why it matters",
            "## How to fix",
            "## Example",
            "```yaml",
        ] {
            assert!(text.contains(part), "{part} missing in\n{text}");
        }
        let empty = RuleSet::default();
        let text = explain(&empty, "iso27001/policy-approval").unwrap();
        assert!(text.contains("pack is not enabled"), "{text}");
        let text = explain(&empty, Code::WaiverExpired.id()).unwrap();
        assert!(text.contains("Built-in diagnostic"), "{text}");
        assert!(explain(&empty, "nope/nothing").is_none());
    }
}
