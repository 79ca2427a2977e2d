//! Declarative rules (SPEC 3): loading rule files and built-in packs,
//! compiling them into a closed set of assertions, evaluating them over the
//! records, and applying Waiver records to the findings.
//!
//! This module owns the rule language, the `iso27001-2022` pack
//! (`rules/iso27001-2022.yaml`, embedded), the rule-file schema
//! (`schemas/rules.schema.json`), the seam to git evidence
//! ([`Evidence`]) and the docs behind `govlint explain`. It does not read
//! files, git, or the configuration: the caller passes rule files already
//! read, an [`Evidence`] implementation, and the severity overrides.
//!
//! Layout: `spec.rs` (rule files as written) → `compile.rs`, `assert/*.rs`
//! and `selector.rs` (compiled rules) → evaluation here. Also: `waiver.rs`,
//! `template.rs`, `path.rs` (pointers with `*`), `explain.rs` (also of the
//! built-in codes, `finding::Code`), `builtin.rs` (packs), `load.rs` (rule
//! files into rules, with every problem as a placed `config` finding).

mod assert;
mod builtin;
mod compile;
pub mod evidence;
mod explain;
mod load;
mod path;
mod selector;
mod spec;
mod template;
#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod tests;
mod waiver;

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::finding::{Code, Finding, Related, Severity};
use crate::record::RecordSet;
use crate::source::{Location, SourceFile};

use assert::aggregate::Aggregate;
use assert::{Checks, Failure, Subject};
use selector::Selector;

pub use crate::finding::Level;
pub use builtin::PACKS;
pub use compile::{RuleError, REGEX_SIZE_LIMIT};
pub use evidence::{
    short_commit, Approval, Evidence, EvidenceStatus, Landing, NoHistory, Strength,
};
pub use explain::{explain, explain_control};
pub use path::PathError;

/// Example records of a rule, for `explain` and the pack's tests: YAML text
/// (one or more documents) that passes the rule, and text that fails it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Examples {
    pub pass: String,
    pub fail: String,
}

/// One compiled rule.
#[derive(Debug)]
pub struct Rule {
    pub id: String,
    /// After overrides (a disabled rule is not in [`RuleSet::rules`]).
    pub severity: Severity,
    pub clause: Option<String>,
    /// `built-in: iso27001-2022`, or the rule file's path.
    pub source: String,
    /// Where the rule's `id` is written (repository rule files only).
    pub location: Option<Location>,
    /// Message template (`{{field}}` placeholders).
    pub message: String,
    /// Help template.
    pub help: Option<String>,
    /// Markdown with `## What it checks`, `## Why it matters`, `## How to fix`.
    pub description: Option<String>,
    pub examples: Option<Examples>,
    selector: Selector,
    body: Body,
}

#[derive(Debug)]
enum Body {
    Check(Checks),
    Aggregate(Aggregate),
}

impl Rule {
    /// Whether evaluating this rule reads git history.
    #[must_use]
    pub fn uses_history(&self) -> bool {
        self.selector.uses_history()
            || match &self.body {
                Body::Check(c) => c.uses_history(),
                Body::Aggregate(_) => false,
            }
    }

    /// The record kinds the rule selects; `None` when it selects every record.
    #[must_use]
    pub fn kinds(&self) -> Option<&[String]> {
        self.selector.kinds()
    }

    /// Plain-language lines of what the rule demands (`explain`).
    #[must_use]
    pub fn summary(&self) -> Vec<String> {
        let demands = match &self.body {
            Body::Check(c) => c.describe(),
            Body::Aggregate(a) => a.describe(),
        };
        let mut out = vec![format!("Applies to: {}.", self.selector.describe())];
        out.extend(demands.into_iter().map(|d| format!("Requires: {d}.")));
        out
    }

    /// The records the rule looks at (each once, in selection order). A
    /// rule that selects none passes without having judged anything: the
    /// audit pack does not count such a pass as evidence.
    #[must_use]
    pub fn selected_records<'a>(&self, ctx: &Context<'a>) -> Vec<&'a crate::record::Record> {
        let preps = self.selector.prepare(ctx);
        let mut seen = std::collections::HashSet::new();
        self.selector
            .subjects(ctx, &preps)
            .into_iter()
            .map(|s| s.record)
            .filter(|r| seen.insert(std::ptr::from_ref(*r)))
            .collect()
    }

    /// The rule's findings, waivers not yet applied.
    fn evaluate(&self, ctx: &Context<'_>) -> Vec<Finding> {
        let preps = self.selector.prepare(ctx);
        let subjects = self.selector.subjects(ctx, &preps);
        match &self.body {
            Body::Check(checks) => {
                let preps = checks.prepare(ctx);
                // Chunks, not single records: most checks take microseconds.
                subjects
                    .par_iter()
                    .with_min_len(256)
                    .flat_map_iter(|s| {
                        checks
                            .check(s, ctx, &preps)
                            .into_iter()
                            .map(move |f| self.finding(s, &f))
                    })
                    .collect()
            }
            Body::Aggregate(agg) => agg
                .check(&subjects, ctx.today, &self.selector.noun())
                .into_iter()
                .map(|a| {
                    let mut f = if let Some((s, pointer)) = &a.at {
                        self.finding(s, &Failure::new(pointer.clone(), a.detail))
                    } else {
                        // Repo-level: no record to fill templates from.
                        let msg = template::fill(&self.message, None, None);
                        let mut f = Finding::new(&self.id, self.severity, join(&msg, &a.detail));
                        f.clause.clone_from(&self.clause);
                        f.help = self.help.as_ref().map(|h| template::fill(h, None, None));
                        f
                    };
                    f.related = a
                        .related
                        .iter()
                        .map(|(s, pointer, message)| Related {
                            message: format!("{message}: {} {}", s.record.kind, s.record.id),
                            location: s.record.location(pointer),
                        })
                        .collect();
                    f
                })
                .collect(),
        }
    }

    /// A finding about one subject.
    fn finding(&self, s: &Subject<'_>, failure: &Failure) -> Finding {
        let record = s.record;
        let msg = template::fill(&self.message, Some(s.value), Some(&record.value));
        // Truncated history cannot tell; a staged edit cannot be approved
        // before it is committed (`--staged` never blocks for that, SPEC 2.2
        // and issue #5): both are warnings at most.
        let severity = if failure.unknown || failure.pending {
            self.severity.min(Severity::Warning)
        } else {
            self.severity
        };
        let mut f = record.finding(
            &self.id,
            severity,
            join(&msg, &failure.detail),
            &failure.pointer,
        );
        if let Some(span) = failure.span {
            f.location = Some(record.file.location(span));
        } else if failure.at_key {
            if let Some(loc) = record.key_location(&failure.pointer) {
                f.location = Some(loc);
            }
        }
        f.clause.clone_from(&self.clause);
        f.help = self
            .help
            .as_ref()
            .map(|h| template::fill(h, Some(s.value), Some(&record.value)));
        f.pending = failure.pending;
        f
    }
}

/// `message: detail`, without a doubled full stop.
fn join(message: &str, detail: &str) -> String {
    let message = message.trim_end().trim_end_matches('.');
    if detail.is_empty() {
        message.to_owned()
    } else {
        format!("{message}: {detail}")
    }
}

/// Everything evaluation may consult.
pub struct Context<'a> {
    pub records: &'a RecordSet,
    /// "Today": pinned by `--today` / `GOVLINT_TODAY` in tests.
    pub today: jiff::civil::Date,
    pub evidence: &'a dyn Evidence,
    /// Default `strength` of approval checks and waivers
    /// (`trust.minimum_strength`, `self` when unset).
    pub minimum_strength: Strength,
    /// The configuration lists witnesses (`trust.witnesses`): approval
    /// checks with `time: auto` (the default) judge witnessed time.
    pub witnessing: bool,
}

impl<'a> Context<'a> {
    /// A context with the default minimum strength (`self`).
    pub fn new(
        records: &'a RecordSet,
        today: jiff::civil::Date,
        evidence: &'a dyn Evidence,
    ) -> Self {
        Context {
            records,
            today,
            evidence,
            minimum_strength: Strength::default(),
            witnessing: false,
        }
    }

    /// Approval checks with `time: auto` judge witnessed time (SPEC 2.4):
    /// set when `trust.witnesses` lists witnesses.
    #[must_use]
    pub fn with_witnessing(mut self, on: bool) -> Self {
        self.witnessing = on;
        self
    }

    #[must_use]
    pub fn with_minimum_strength(mut self, strength: Strength) -> Self {
        self.minimum_strength = strength;
        self
    }
}

/// The compiled rules of a run, in order: built-in packs first (in the order
/// given), then repository rule files (in the order given).
#[derive(Debug, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
    /// Rules switched `off`: not evaluated, still explained.
    disabled: Vec<Rule>,
    /// Overrides of built-in codes this module emits (`waiver/*`).
    code_levels: BTreeMap<Code, Level>,
}

impl RuleSet {
    /// Built-in packs by name (only `iso27001-2022` exists; an unknown name
    /// is a config error) plus the repository's rule files (already read).
    ///
    /// Every problem — YAML error, schema violation, duplicate rule id,
    /// unknown assertion, bad regex, an override naming an unknown rule — is
    /// returned as a `config` finding. Findings in a rule file carry its
    /// location; those about `packs` / `severity` entries carry no location
    /// but their `pointer` into `govlint.yaml` (`/packs/0`, `/severity/<id>`),
    /// for the caller to place. The caller exits 2.
    ///
    /// # Errors
    ///
    /// The `config` findings, when any rule file, pack name or override is
    /// invalid (all of them, not only the first).
    ///
    /// Overrides may also name built-in codes (`schema`, `waiver/expired`,
    /// ...) without error; this module applies those of the `waiver/*` codes
    /// it emits, the caller applies the others.
    pub fn load(
        packs: &[String],
        files: &[Arc<SourceFile>],
        overrides: &BTreeMap<String, Level>,
    ) -> Result<RuleSet, Vec<Finding>> {
        load::load(packs, files, overrides, REGEX_SIZE_LIMIT)
    }

    /// [`RuleSet::load`] with rule regexes bounded by `regex_limit` bytes
    /// once compiled (`limits.max_regex_bytes`) instead of
    /// [`REGEX_SIZE_LIMIT`].
    ///
    /// # Errors
    ///
    /// As [`RuleSet::load`].
    pub fn load_within(
        packs: &[String],
        files: &[Arc<SourceFile>],
        overrides: &BTreeMap<String, Level>,
        regex_limit: usize,
    ) -> Result<RuleSet, Vec<Finding>> {
        load::load(packs, files, overrides, regex_limit)
    }

    /// Evaluates every enabled rule (in parallel) and applies waivers to the
    /// rule findings. See [`RuleSet::evaluate_with`].
    #[must_use]
    pub fn evaluate(&self, ctx: &Context<'_>) -> Vec<Finding> {
        self.evaluate_with(ctx, Vec::new())
    }

    /// Like [`RuleSet::evaluate`], but waivers also apply to `others` (e.g.
    /// `schema` findings), which are returned first. Waivers never silence
    /// `config`, `parse` or `waiver/*` findings; silenced findings stay in
    /// the output, marked `waived`. Adds `waiver/expired`,
    /// `waiver/unapproved` and `waiver/unused` findings.
    #[must_use]
    pub fn evaluate_with(&self, ctx: &Context<'_>, others: Vec<Finding>) -> Vec<Finding> {
        let mut findings = others;
        let per_rule: Vec<Vec<Finding>> = self.rules.par_iter().map(|r| r.evaluate(ctx)).collect();
        findings.extend(per_rule.into_iter().flatten());
        waiver::apply(ctx, &mut findings, self);
        findings
    }

    /// The enabled rules, in order, with severities after overrides.
    #[must_use]
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// A rule by id, enabled or off.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().chain(&self.disabled).find(|r| r.id == id)
    }

    /// Whether any enabled rule reads git history (`approved` / `reviewed`).
    #[must_use]
    pub fn needs_history(&self) -> bool {
        self.rules.iter().any(Rule::uses_history)
    }

    /// [`RuleSet::needs_history`], or the records hold Waivers (whose
    /// approval is read from git).
    #[must_use]
    pub fn needs_history_for(&self, records: &RecordSet) -> bool {
        self.needs_history() || records.of_kind(waiver::KIND).next().is_some()
    }

    /// The severity of a built-in code this module emits; `None` when off.
    fn code_severity(&self, code: Code) -> Option<Severity> {
        match self.code_levels.get(&code) {
            Some(level) => level.severity(),
            None => Some(code.default_severity()),
        }
    }
}
