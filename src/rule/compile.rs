//! Compiling rule specs: every check of a rule file that JSON Schema cannot
//! make (regexes compile within a size limit, pointers parse, durations are
//! ISO 8601, inline schemas are valid JSON Schemas) runs here, at load time.
//! Problems are collected, each with the pointer of the rule-file node it is
//! about, so one run reports them all with line and column.

use std::collections::HashMap;
use std::sync::Arc;

use jsonschema::Validator;
use regex::{Regex, RegexBuilder};
use serde_json::Value;

use crate::time::Duration;

use super::path::{Path, PathError};

/// Compiled size limit of one rule regex (the `regex` crate's `size_limit`):
/// enough for any sensible pattern, small enough that a hostile rule file
/// cannot make govlint allocate without bound.
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// A problem with the rules: a rule file, a pack name or a severity override.
/// Each becomes a `config` finding (exit code 2).
#[derive(Debug, Clone, thiserror::Error)]
pub enum RuleError {
    #[error("the rule file is not valid YAML: {message}")]
    Yaml { message: String },
    #[error("invalid rule file: {message}")]
    Invalid { message: String },
    #[error("rule `{rule}`: unknown assertion `{key}`{suggestion} (expected one of: {expected})")]
    UnknownAssertion {
        rule: String,
        key: String,
        /// ` (did you mean `field`?)`, or empty.
        suggestion: String,
        expected: String,
    },
    #[error("rule `{rule}`: `{path}` is not a field path (a JSON Pointer such as `/owner` or `/actions/*/due`): {source}")]
    Path {
        rule: String,
        path: String,
        source: PathError,
    },
    #[error("rule `{rule}`: invalid regex `{regex}`: {source}")]
    Regex {
        rule: String,
        regex: String,
        source: regex::Error,
    },
    #[error("rule `{rule}`: regex `{regex}` is too large once compiled (limit {limit} bytes); simplify it, split it into several assertions, or raise `limits.max_regex_bytes` in govlint.yaml")]
    RegexTooBig {
        rule: String,
        regex: String,
        limit: usize,
    },
    #[error("rule `{rule}`: `{text}` is not an ISO 8601 duration (write e.g. P12M, P90D, P1Y)")]
    Duration { rule: String, text: String },
    #[error("rule `{rule}`: the inline schema is not a valid JSON Schema: {message}")]
    Schema { rule: String, message: String },
    #[error("duplicate rule id `{id}`: it is already defined in {first}")]
    Duplicate { id: String, first: String },
    #[error("rule id `{id}` is reserved: ids starting with `iso27001/` belong to the built-in pack; give your rule your own prefix (e.g. `acme/...`)")]
    Reserved { id: String },
    #[error("rule id `{id}` is the code of a built-in diagnostic; choose another id")]
    BuiltinCode { id: String },
    #[error("unknown rule pack `{name}` (available: {available})")]
    UnknownPack { name: String, available: String },
    #[error("`severity` names `{id}`, which is neither a loaded rule nor a built-in code (see `govlint rules`)")]
    UnknownOverride { id: String },
}

/// Compiles the parts of one rule, collecting errors with rule-file pointers.
pub(crate) struct Compiler<'a> {
    pub rule: &'a str,
    pub errors: Vec<(String, RuleError)>,
    /// Schemas an inline `schema:` may `$ref` (the built-in set).
    pub schema_docs: &'a Arc<HashMap<String, Value>>,
    /// Compiled size limit of a regex (`limits.max_regex_bytes`).
    pub regex_limit: usize,
}

impl Compiler<'_> {
    pub(crate) fn error(&mut self, pointer: impl Into<String>, error: RuleError) {
        self.errors.push((pointer.into(), error));
    }

    pub(crate) fn path(&mut self, pointer: &str, text: &str) -> Option<Path> {
        Path::parse(text)
            .map_err(|source| {
                let e = RuleError::Path {
                    rule: self.rule.to_owned(),
                    path: text.to_owned(),
                    source,
                };
                self.error(pointer, e);
            })
            .ok()
    }

    pub(crate) fn regex(&mut self, pointer: &str, text: &str) -> Option<Regex> {
        compile_regex(text, self.regex_limit)
            .map_err(|source| {
                let rule = self.rule.to_owned();
                let regex = text.to_owned();
                let e = match source {
                    regex::Error::CompiledTooBig(limit) => {
                        RuleError::RegexTooBig { rule, regex, limit }
                    }
                    source => RuleError::Regex {
                        rule,
                        regex,
                        source,
                    },
                };
                self.error(pointer, e);
            })
            .ok()
    }

    pub(crate) fn duration(&mut self, pointer: &str, text: &str) -> Option<Duration> {
        let d = Duration::parse(text);
        if d.is_none() {
            let e = RuleError::Duration {
                rule: self.rule.to_owned(),
                text: text.to_owned(),
            };
            self.error(pointer, e);
        }
        d
    }

    pub(crate) fn schema(&mut self, pointer: &str, schema: &Value) -> Option<Validator> {
        crate::schema::compile(schema, "inline.schema.json", self.schema_docs)
            .map_err(|message| {
                let e = RuleError::Schema {
                    rule: self.rule.to_owned(),
                    message,
                };
                self.error(pointer, e);
            })
            .ok()
    }
}

/// A rule regex: Rust syntax, compiled size bounded by `limit` bytes
/// ([`REGEX_SIZE_LIMIT`] unless `limits.max_regex_bytes` says otherwise).
pub(crate) fn compile_regex(text: &str, limit: usize) -> Result<Regex, regex::Error> {
    RegexBuilder::new(text)
        .size_limit(limit)
        .dfa_size_limit(limit)
        .build()
}

/// The built-in schemas by file name, so inline schemas can `$ref` e.g.
/// `common.schema.json#/$defs/date` (and nothing outside the binary).
pub(crate) fn builtin_schema_docs() -> Arc<HashMap<String, Value>> {
    let kinds = crate::schema::BUILTIN_KINDS
        .iter()
        .map(|(kind, text)| (format!("{kind}.schema.json"), *text));
    let support = crate::schema::BUILTIN_SUPPORT
        .iter()
        .map(|(name, text)| ((*name).to_owned(), *text));
    Arc::new(
        kinds
            .chain(support)
            .filter_map(|(name, text)| Some((name, serde_json::from_str(text).ok()?)))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regex_size_limit_is_enforced_with_a_clear_error() {
        let docs = builtin_schema_docs();
        let mut c = Compiler {
            rule: "acme/huge",
            errors: Vec::new(),
            schema_docs: &docs,
            regex_limit: REGEX_SIZE_LIMIT,
        };
        // Counted repetition of a Unicode class compiles far beyond 1 MiB.
        assert!(c
            .regex("/rules/0/check/0/pattern", r"\w{1000}\w{1000}\w{1000}")
            .is_none());
        assert!(c.regex("/rules/0/check/1/pattern", "(unclosed").is_none());
        assert!(c.regex("/rules/0/check/2/pattern", r"\bTBD\b").is_some());
        assert_eq!(c.errors.len(), 2);
        let (ptr, err) = &c.errors[0];
        assert_eq!(ptr, "/rules/0/check/0/pattern");
        assert!(matches!(err, RuleError::RegexTooBig { .. }), "{err:?}");
        let text = err.to_string();
        assert!(
            text.contains("acme/huge") && text.contains(r"\w{1000}") && text.contains("too large"),
            "{text}"
        );
        let text = c.errors[1].1.to_string();
        assert!(text.contains("invalid regex `(unclosed`"), "{text}");
    }

    #[test]
    fn durations_paths_and_schemas() {
        let docs = builtin_schema_docs();
        let mut c = Compiler {
            rule: "acme/x",
            errors: Vec::new(),
            schema_docs: &docs,
            regex_limit: REGEX_SIZE_LIMIT,
        };
        assert!(c.duration("/d", "P12M").is_some());
        assert!(c.duration("/d", "12 months").is_none());
        assert!(c.path("/p", "owner").is_none());
        assert!(c
            .schema("/s", &serde_json::json!({"type": "object"}))
            .is_some());
        assert!(c.schema("/s", &serde_json::json!({"type": 12})).is_none());
        assert_eq!(c.errors.len(), 3);
    }
}
