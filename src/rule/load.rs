//! Loading rules: built-in packs and repository rule files become compiled
//! [`Rule`]s, and every problem becomes a `config` finding placed in the rule
//! file (line and column of the offending node).
//!
//! Order of checks, so that each problem is reported once and precisely:
//! YAML syntax → `schemas/rules.schema.json` (shape, unknown keys, unknown
//! assertions, formats) → compilation (regexes, pointers, durations, inline
//! schemas) → across files (duplicate ids, reserved ids) → overrides.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use jsonschema::Validator;

use crate::finding::{Code, Finding, Related};
use crate::schema::{escape_pointer, violations};
use crate::source::{Location, SourceFile};
use crate::yaml::{self, Node};

use super::assert::aggregate::Aggregate;
use super::assert::Checks;
use super::compile::{builtin_schema_docs, Compiler, RuleError};
use super::path::show_pointer;
use super::selector::Selector;
use super::spec::{FileSpec, RuleSpec};
use super::{builtin, Body, Examples, Level, Rule, RuleSet};

/// The prefix of built-in rule ids; repository rules may not use it.
pub(crate) const BUILTIN_PREFIX: &str = "iso27001/";

pub(super) fn load(
    packs: &[String],
    files: &[Arc<SourceFile>],
    overrides: &BTreeMap<String, Level>,
    regex_limit: usize,
) -> Result<RuleSet, Vec<Finding>> {
    let mut errors = Vec::new();
    let validator = match rules_validator() {
        Ok(v) => v,
        Err(message) => {
            let e = RuleError::Invalid {
                message: format!("the built-in rule-file schema does not compile: {message}"),
            };
            return Err(vec![config(&e, None, "")]);
        }
    };
    let mut loader = Loader {
        validator: &validator,
        docs: builtin_schema_docs(),
        rules: Vec::new(),
        errors: &mut errors,
        regex_limit,
    };
    for (i, name) in packs.iter().enumerate() {
        if let Some(text) = builtin::pack(name) {
            let file = SourceFile::new(format!("<built-in>/{name}.yaml"), text);
            loader.file(&file, Some(name));
        } else {
            let available: Vec<&str> = builtin::PACKS.iter().map(|(n, _)| *n).collect();
            let e = RuleError::UnknownPack {
                name: name.clone(),
                available: available.join(", "),
            };
            loader.errors.push(config(&e, None, &format!("/packs/{i}")));
        }
    }
    for file in files {
        loader.file(file, None);
    }
    let rules = loader.rules;
    check_ids(&rules, &mut errors);
    let mut set = RuleSet::default();
    let mut levels: HashMap<&str, Level> = HashMap::new();
    for (id, level) in overrides {
        if rules.iter().any(|r| r.id == *id) {
            levels.insert(id, *level);
        } else if let Some(code) = Code::from_id(id) {
            set.code_levels.insert(code, *level);
        } else {
            let e = RuleError::UnknownOverride { id: id.clone() };
            errors.push(config(
                &e,
                None,
                &format!("/severity/{}", escape_pointer(id)),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    for mut rule in rules {
        match levels.get(rule.id.as_str()).map(|l| l.severity()) {
            Some(None) => set.disabled.push(rule),
            Some(Some(severity)) => {
                rule.severity = severity;
                set.rules.push(rule);
            }
            None => set.rules.push(rule),
        }
    }
    Ok(set)
}

/// The compiled `schemas/rules.schema.json` (embedded via `crate::schema`).
pub(crate) fn rules_validator() -> Result<Validator, String> {
    let text = crate::schema::BUILTIN_SUPPORT
        .iter()
        .find(|(name, _)| *name == "rules.schema.json")
        .map(|(_, text)| *text)
        .ok_or_else(|| "rules.schema.json is not embedded".to_owned())?;
    let schema: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    crate::schema::compile(&schema, "rules.schema.json", &builtin_schema_docs())
}

struct Loader<'a> {
    validator: &'a Validator,
    docs: Arc<HashMap<String, serde_json::Value>>,
    rules: Vec<Rule>,
    errors: &'a mut Vec<Finding>,
    /// Compiled size limit of a repository rule's regex; built-in packs
    /// always get at least [`super::REGEX_SIZE_LIMIT`].
    regex_limit: usize,
}

impl Loader<'_> {
    /// Loads one rule file; `pack` names a built-in pack.
    fn file(&mut self, file: &SourceFile, pack: Option<&str>) {
        let loaded = yaml::load(&file.text, &yaml::Limits::default());
        if let Some(e) = loaded.error {
            let err = RuleError::Yaml { message: e.message };
            self.errors
                .push(config(&err, Some(file.location(e.span)), ""));
            return;
        }
        let source = match pack {
            Some(name) => format!("built-in: {name}"),
            None => file.path.clone(),
        };
        for doc in &loaded.documents {
            let json = doc.root.to_json();
            let unknown = unknown_assertions(&json);
            for (pointer, rule, key) in &unknown {
                let err = RuleError::UnknownAssertion {
                    rule: rule.clone(),
                    key: key.clone(),
                    suggestion: crate::suggest::did_you_mean(key, ASSERTIONS.iter().copied()),
                    expected: ASSERTIONS.join(", "),
                };
                let key_ptr = format!("{pointer}/{}", escape_pointer(key));
                let span = doc
                    .root
                    .key_span(&key_ptr)
                    .unwrap_or_else(|| doc.root.nearest_span(pointer));
                self.errors
                    .push(config(&err, Some(file.location(span)), &key_ptr));
            }
            // The schema's view of those entries is less clear than the above.
            let found: Vec<_> = violations(self.validator, &json)
                .into_iter()
                .filter(|v| !unknown.iter().any(|(p, _, _)| is_within(&v.pointer, p)))
                .collect();
            for v in &found {
                let (pointer, span) = match &v.unknown_key {
                    Some(key) => {
                        let p = format!("{}/{}", v.pointer, escape_pointer(key));
                        let span = doc
                            .root
                            .key_span(&p)
                            .unwrap_or_else(|| doc.root.nearest_span(&v.pointer));
                        (p, span)
                    }
                    None => (v.pointer.clone(), doc.root.nearest_span(&v.pointer)),
                };
                let hint = v.unknown_key.as_ref().map_or_else(String::new, |key| {
                    let known = self
                        .docs
                        .get("rules.schema.json")
                        .map(|s| crate::schema::known_keys(s, &v.pointer))
                        .unwrap_or_default();
                    crate::suggest::did_you_mean(key, known.iter().map(String::as_str))
                });
                let message = if pointer.is_empty() {
                    format!("{}{hint}", v.message)
                } else {
                    format!("at `{}`: {}{hint}", show_pointer(&pointer), v.message)
                };
                let err = RuleError::Invalid { message };
                self.errors
                    .push(config(&err, Some(file.location(span)), &pointer));
            }
            if !found.is_empty() || !unknown.is_empty() {
                continue;
            }
            let spec: FileSpec = match serde_json::from_value(json) {
                Ok(s) => s,
                Err(e) => {
                    let err = RuleError::Invalid {
                        message: e.to_string(),
                    };
                    self.errors
                        .push(config(&err, Some(file.location(doc.root.span)), ""));
                    continue;
                }
            };
            for (i, rule) in spec.rules.iter().enumerate() {
                let ptr = format!("/rules/{i}");
                let mut c = Compiler {
                    rule: &rule.id,
                    errors: Vec::new(),
                    schema_docs: &self.docs,
                    regex_limit: if pack.is_some() {
                        self.regex_limit.max(super::REGEX_SIZE_LIMIT)
                    } else {
                        self.regex_limit
                    },
                };
                let compiled = compile_rule(rule, &mut c, &ptr);
                for (pointer, err) in c.errors {
                    let at = at(file, &doc.root, &pointer);
                    self.errors.push(config(&err, Some(at), &pointer));
                }
                if let Some(mut r) = compiled {
                    r.source.clone_from(&source);
                    r.location = pack
                        .is_none()
                        .then(|| at(file, &doc.root, &format!("{ptr}/id")));
                    self.rules.push(r);
                }
            }
        }
    }
}

/// The head keys of assertions.
const ASSERTIONS: &[&str] = &[
    "field",
    "schema",
    "ref",
    "referenced_by",
    "date",
    "approved",
    "reviewed",
    "lookup",
    "rank",
    "same",
    "disjoint",
    "newest",
];

/// Assertion mappings with no known head key: (pointer, rule id, first key),
/// in `check`, `for.if` and nested `ref.check` lists.
fn unknown_assertions(doc: &serde_json::Value) -> Vec<(String, String, String)> {
    fn list(
        v: Option<&serde_json::Value>,
        ptr: &str,
        rule: &str,
        out: &mut Vec<(String, String, String)>,
    ) {
        let Some(items) = v.and_then(serde_json::Value::as_array) else {
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let here = format!("{ptr}/{i}");
            let Some(map) = item.as_object() else {
                continue;
            };
            if !map.keys().any(|k| ASSERTIONS.contains(&k.as_str())) {
                if let Some(key) = map.keys().next() {
                    out.push((here.clone(), rule.to_owned(), key.clone()));
                }
            }
            list(
                item.pointer("/ref/check"),
                &format!("{here}/ref/check"),
                rule,
                out,
            );
        }
    }
    let mut out = Vec::new();
    let rules = doc.get("rules").and_then(serde_json::Value::as_array);
    for (i, rule) in rules.into_iter().flatten().enumerate() {
        let id = rule
            .get("id")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("?");
        list(
            rule.get("check"),
            &format!("/rules/{i}/check"),
            id,
            &mut out,
        );
        list(
            rule.pointer("/for/if"),
            &format!("/rules/{i}/for/if"),
            id,
            &mut out,
        );
    }
    out
}

/// `pointer` is `base` or inside it.
fn is_within(pointer: &str, base: &str) -> bool {
    pointer == base
        || pointer
            .strip_prefix(base)
            .is_some_and(|rest| rest.starts_with('/'))
}

fn at(file: &SourceFile, root: &Node, pointer: &str) -> Location {
    file.location(root.nearest_span(pointer))
}

/// Compiles one rule; `None` when any part failed (errors are in `c`).
fn compile_rule(spec: &RuleSpec, c: &mut Compiler<'_>, ptr: &str) -> Option<Rule> {
    let selector = Selector::compile(spec.selector.as_ref(), c, &format!("{ptr}/for"));
    let body = match (&spec.check, &spec.aggregate) {
        (Some(check), None) => Checks::compile(check, c, &format!("{ptr}/check")).map(Body::Check),
        (None, Some(agg)) => {
            Aggregate::compile(agg, c, &format!("{ptr}/aggregate")).map(Body::Aggregate)
        }
        // The schema demands exactly one; this only guards against drift.
        _ => {
            let message = format!(
                "rule `{}` needs exactly one of `check` and `aggregate`",
                spec.id
            );
            c.error(ptr, RuleError::Invalid { message });
            None
        }
    };
    Some(Rule {
        id: spec.id.clone(),
        severity: spec.severity.into(),
        clause: spec.clause.clone(),
        source: String::new(),
        location: None,
        message: spec.message.clone(),
        help: spec.help.clone(),
        description: spec.description.clone(),
        examples: spec.examples.as_ref().map(|e| Examples {
            pass: e.pass.clone(),
            fail: e.fail.clone(),
        }),
        selector: selector?,
        body: body?,
    })
}

/// Duplicate ids, repository rules using the built-in prefix, and ids that
/// are built-in diagnostic codes.
fn check_ids(rules: &[Rule], errors: &mut Vec<Finding>) {
    let mut first: HashMap<&str, &Rule> = HashMap::new();
    for rule in rules {
        let pointer = "/id";
        if rule.location.is_some() && rule.id.starts_with(BUILTIN_PREFIX) {
            let e = RuleError::Reserved {
                id: rule.id.clone(),
            };
            errors.push(config(&e, rule.location.clone(), pointer));
        }
        if Code::from_id(&rule.id).is_some() {
            let e = RuleError::BuiltinCode {
                id: rule.id.clone(),
            };
            errors.push(config(&e, rule.location.clone(), pointer));
        }
        match first.get(rule.id.as_str()) {
            Some(prev) => {
                let where_first = match &prev.location {
                    Some(l) => format!("{}:{}", l.file, l.line),
                    None => prev.source.clone(),
                };
                let e = RuleError::Duplicate {
                    id: rule.id.clone(),
                    first: where_first,
                };
                let mut f = config(&e, rule.location.clone(), pointer);
                if let Some(l) = &prev.location {
                    f.related.push(Related {
                        message: "first defined here".to_owned(),
                        location: l.clone(),
                    });
                }
                errors.push(f);
            }
            None => {
                first.insert(&rule.id, rule);
            }
        }
    }
}

/// A `config` finding (exit code 2).
fn config(err: &RuleError, location: Option<Location>, pointer: &str) -> Finding {
    let mut f = Finding::code(Code::Config, err.to_string()).at(location);
    f.pointer = Some(pointer.to_owned());
    f.help = help(err).map(str::to_owned);
    f
}

fn help(err: &RuleError) -> Option<&'static str> {
    match err {
        RuleError::Invalid { .. } | RuleError::Yaml { .. } | RuleError::UnknownAssertion { .. } => {
            Some("`govlint explain config` summarises the rule language (every assertion, selector and aggregate); govlint's docs/rules.md has an example of each")
        }
        RuleError::UnknownPack { .. } => Some("fix `packs:` in govlint.yaml"),
        RuleError::UnknownOverride { .. } => Some("fix or remove the entry under `severity:` in govlint.yaml"),
        RuleError::Duplicate { .. } | RuleError::Reserved { .. } | RuleError::BuiltinCode { .. } => {
            Some("rename one of the rules; ids must be unique across packs and rule files")
        }
        RuleError::Path { .. }
        | RuleError::Regex { .. }
        | RuleError::RegexTooBig { .. }
        | RuleError::Duration { .. }
        | RuleError::Schema { .. } => None,
    }
}

#[cfg(test)]
mod tests;
