//! `govlint rules` and `govlint explain`: what the enabled rules and
//! built-in codes (and, for `explain`, the Annex A controls) are, from the
//! working tree's configuration, without loading records.

use std::collections::BTreeMap;

use crate::cli::{Cli, ExplainArgs, RulesArgs, TextOrJson};
use crate::record::snapshot::{ContentSource, Snapshot};
use crate::rule::RuleSet;

use super::evaluate::{invalid_rules, rule_files};
use super::{emit, print_err, Fatal, Workspace, CLEAN};

/// `govlint rules`: the enabled rules with severity, clause and source.
pub(super) fn rules(cli: &Cli, args: &RulesArgs) -> Result<u8, Fatal> {
    let ws = Workspace::open(cli)?;
    let set = working_ruleset(&ws)?;
    let text = match args.format {
        TextOrJson::Json => {
            let list: Vec<serde_json::Value> = set
                .rules()
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id,
                        "severity": r.severity.as_str(),
                        "clause": r.clause,
                        "source": r.source,
                        "history": r.uses_history(),
                        "message": r.message,
                    })
                })
                .collect();
            let mut t =
                serde_json::to_string_pretty(&serde_json::json!({ "version": 1, "rules": list }))
                    .unwrap_or_default();
            t.push('\n');
            t
        }
        TextOrJson::Text => {
            let width = set.rules().iter().map(|r| r.id.len()).max().unwrap_or(0);
            let mut t = String::new();
            for r in set.rules() {
                t.push_str(&format!(
                    "{:<width$}  {:<7}  {:<28}  {}\n",
                    r.id,
                    r.severity.as_str(),
                    r.clause.as_deref().unwrap_or("-"),
                    r.source,
                ));
            }
            if !cli.quiet {
                t.push_str(&format!(
                    "{} rules enabled; `govlint explain RULE-ID` tells more\n",
                    set.rules().len()
                ));
            }
            t
        }
    };
    emit(None, &text)?;
    Ok(CLEAN)
}

/// `govlint explain RULE-ID`: a rule's or built-in code's documentation.
pub(super) fn explain(cli: &Cli, args: &ExplainArgs) -> Result<u8, Fatal> {
    // Explaining must work while the configuration or a rule file is broken:
    // that is when people ask what `config` means.
    let set = match Workspace::open(cli).and_then(|ws| working_ruleset(&ws)) {
        Ok(set) => set,
        Err(Fatal::InvalidConfig(..) | Fatal::Config(_)) => {
            if !cli.quiet {
                print_err("note: this repository's govlint.yaml or a rule file is invalid (`govlint check` shows where); explaining the built-in rules and codes\n");
            }
            RuleSet::load(
                &crate::config::Config::defaults(".".into()).packs,
                &[],
                &BTreeMap::new(),
            )
            .map_err(|_| Fatal::Other("the built-in rule pack does not load".to_owned()))?
        }
        Err(e) => return Err(e),
    };
    // A rule or code first, then an Annex A control (`A.8.24`).
    let text = crate::rule::explain(&set, &args.rule)
        .or_else(|| crate::rule::explain_control(&set, &args.rule));
    match text {
        Some(text) => {
            emit(None, &text)?;
            Ok(CLEAN)
        }
        None if crate::annex_a::looks_like_reference(&args.rule) => Err(Fatal::UnknownControl {
            reference: args.rule.clone(),
            suggestion: control_suggestion(&args.rule),
        }),
        None => {
            let known: Vec<String> = set
                .rules()
                .iter()
                .map(|r| r.id.clone())
                .chain(crate::finding::Code::ALL.iter().map(|c| c.id().to_owned()))
                .collect();
            // A bare `8.24` is a clause number, but most likely meant A.8.24.
            let control = crate::annex_a::find(&format!("A.{}", args.rule))
                .map(|c| format!(" (did you mean the Annex A control `{}`?)", c.reference));
            Err(Fatal::UnknownRule {
                id: args.rule.clone(),
                suggestion: control.unwrap_or_else(|| {
                    crate::suggest::did_you_mean(&args.rule, known.iter().map(String::as_str))
                }),
            })
        }
    }
}

/// "Did you mean …?" for a reference that is not a control: only among the
/// controls of the same theme (`A.8.35` may be a typo of `A.8.34`), never
/// across the 2013 numbering (`A.9.1` has no 2022 counterpart by number).
fn control_suggestion(reference: &str) -> String {
    let theme = reference.get(..4).unwrap_or_default().to_uppercase();
    crate::suggest::did_you_mean(
        &reference.to_uppercase(),
        crate::annex_a::references().filter(|r| r.starts_with(theme.as_str()) && theme.len() == 4),
    )
}

/// The rule set of the working tree's configuration, without loading records.
fn working_ruleset(ws: &Workspace) -> Result<RuleSet, Fatal> {
    let snapshot = Snapshot::take(&ws.config.root, &ContentSource::WorkTree, ws.repo.as_ref())?;
    let files = rule_files(ws, &snapshot);
    RuleSet::load_within(
        &ws.config.packs,
        &files,
        &ws.config.severity,
        ws.config.max_regex_bytes,
    )
    .map_err(|errors| invalid_rules(&ws.config, errors, &files))
}
