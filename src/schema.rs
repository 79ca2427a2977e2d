//! JSON Schemas: the built-in schema of every record kind (embedded from the
//! project's `schemas/` folder), a repository's own `schemas/<Kind>.schema.json`
//! that add or override kinds, and validation of records against them.
//!
//! Schemas are compiled offline: a `$ref` may only point at another schema in
//! the same set; a URL or a path leaving the schema folder is refused with a
//! diagnostic at the `$ref`, never fetched.

use std::collections::HashMap;
use std::sync::Arc;

use jsonschema::{Retrieve, Uri, Validator};
use serde_json::Value;

use crate::finding::{Finding, Severity};
use crate::record::Record;
use crate::source::SourceFile;

/// Base URI under which every schema of a set is registered, so relative
/// `$ref`s between them resolve without touching the file system.
const BASE: &str = "file:///govlint-schemas/";

/// Where the built-in schemas say they live (their `$id`s), so editors and
/// `# yaml-language-server: $schema=` lines name them by one stable URL.
/// References under it are served from the binary, never fetched.
pub const ID_BASE: &str = "https://govlint.dev/schemas/";

/// A built-in schema by file name (`Objective.schema.json`).
pub fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN_KINDS
        .iter()
        .find(|(kind, _)| name.strip_suffix(".schema.json") == Some(kind))
        .or_else(|| BUILTIN_SUPPORT.iter().find(|(n, _)| *n == name))
        .map(|(_, text)| *text)
}

/// The record schemas compiled into the binary, by kind.
pub const BUILTIN_KINDS: &[(&str, &str)] = &[
    ("Person", include_str!("../schemas/Person.schema.json")),
    ("Role", include_str!("../schemas/Role.schema.json")),
    (
        "ResponsibilityMatrix",
        include_str!("../schemas/ResponsibilityMatrix.schema.json"),
    ),
    ("Policy", include_str!("../schemas/Policy.schema.json")),
    (
        "Objective",
        include_str!("../schemas/Objective.schema.json"),
    ),
    (
        "ResourceAllocation",
        include_str!("../schemas/ResourceAllocation.schema.json"),
    ),
    (
        "ManagementReview",
        include_str!("../schemas/ManagementReview.schema.json"),
    ),
    (
        "Communication",
        include_str!("../schemas/Communication.schema.json"),
    ),
    (
        "Improvement",
        include_str!("../schemas/Improvement.schema.json"),
    ),
    ("Waiver", include_str!("../schemas/Waiver.schema.json")),
];

/// Schemas that are not record kinds: shared definitions and the schemas of
/// govlint's own files.
pub const BUILTIN_SUPPORT: &[(&str, &str)] = &[
    (
        "common.schema.json",
        include_str!("../schemas/common.schema.json"),
    ),
    (
        "govlint.schema.json",
        include_str!("../schemas/govlint.schema.json"),
    ),
    (
        "rules.schema.json",
        include_str!("../schemas/rules.schema.json"),
    ),
];

/// One schema violation, before it is placed in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON Pointer of the offending instance node.
    pub pointer: String,
    pub message: String,
    /// For `additionalProperties` / `unevaluatedProperties`: the unknown key,
    /// so the finding can point at the key itself.
    pub unknown_key: Option<String>,
}

/// A schema source: a file name within the schema folder and its JSON text,
/// with the file it came from when it belongs to the repository.
pub struct SchemaSource {
    pub name: String,
    pub json: Value,
    pub file: Option<Arc<SourceFile>>,
    /// The spanned YAML/JSON tree of a repository schema, for placing errors.
    pub tree: Option<crate::yaml::Node>,
}

/// Compiled record schemas by kind.
pub struct SchemaSet {
    kinds: HashMap<String, Validator>,
}

impl SchemaSet {
    /// Compiles the built-in schemas, then the repository's (which override
    /// built-ins of the same file name). Problems with repository schemas are
    /// returned as `config` findings placed in the schema file.
    pub fn build(repo: Vec<SchemaSource>) -> (SchemaSet, Vec<Finding>) {
        let mut findings = Vec::new();
        let mut sources: HashMap<String, SchemaSource> = HashMap::new();
        for (kind, text) in BUILTIN_KINDS {
            let name = format!("{kind}.schema.json");
            sources.insert(name.clone(), builtin_source(&name, text));
        }
        for (name, text) in BUILTIN_SUPPORT {
            sources.insert((*name).to_owned(), builtin_source(name, text));
        }
        for src in repo {
            let refused = refused_refs(&src.json, "");
            if refused.is_empty() {
                sources.insert(src.name.clone(), src);
            } else {
                findings.extend(refused.into_iter().map(|(ptr, target)| {
                    config_finding(
                        &src,
                        &ptr,
                        format!(
                            "schema `{}` refers to `{target}`: only schemas in the repository's schema folder may be referenced; URLs and paths outside it are refused, never fetched",
                            src.name
                        ),
                    )
                }));
            }
        }
        let documents: Arc<HashMap<String, Value>> = Arc::new(
            sources
                .iter()
                .map(|(name, s)| (name.clone(), s.json.clone()))
                .collect(),
        );
        let mut kinds = HashMap::new();
        let mut names: Vec<&String> = sources.keys().collect();
        names.sort();
        for name in names {
            let Some(kind) = name.strip_suffix(".schema.json") else {
                continue;
            };
            if !is_kind_name(kind) {
                continue;
            }
            let src = &sources[name];
            match compile(&src.json, name, &documents) {
                Ok(v) => {
                    kinds.insert(kind.to_owned(), v);
                }
                Err(message) => findings.push(config_finding(
                    src,
                    "",
                    format!("schema `{name}` is not a valid JSON Schema: {message}"),
                )),
            }
        }
        (SchemaSet { kinds }, findings)
    }

    pub fn has_kind(&self, kind: &str) -> bool {
        self.kinds.contains_key(kind)
    }

    pub fn kinds(&self) -> impl Iterator<Item = &str> {
        self.kinds.keys().map(String::as_str)
    }

    /// `schema` findings for one record (empty when it validates, or when its
    /// kind has no schema: that is `record/unknown-kind`, reported elsewhere).
    pub fn validate(&self, record: &Record) -> Vec<Finding> {
        let Some(validator) = self.kinds.get(&record.kind) else {
            return Vec::new();
        };
        violations(validator, &record.value)
            .into_iter()
            .map(|v| {
                let mut f = record.finding("schema", Severity::Error, v.message, &v.pointer);
                if let Some(key) = &v.unknown_key {
                    let ptr = format!("{}/{}", v.pointer, escape_pointer(key));
                    if let Some(loc) = record.key_location(&ptr) {
                        f.location = Some(loc);
                        f.pointer = Some(ptr);
                    }
                }
                f
            })
            .collect()
    }
}

/// Compiles one schema (draft 2020-12 unless it says otherwise) with format
/// assertion on (`date`, `duration`, ...) and an offline retriever that serves
/// only the schemas of this set.
pub fn compile(
    schema: &Value,
    name: &str,
    documents: &Arc<HashMap<String, Value>>,
) -> Result<Validator, String> {
    jsonschema::options()
        .with_base_uri(format!("{BASE}{name}"))
        .with_retriever(LocalSchemas(Arc::clone(documents)))
        .should_validate_formats(true)
        .with_format("duration", is_iso_duration)
        .with_format("date", is_calendar_date)
        .build(schema)
        .map_err(|e| e.to_string())
}

/// Every violation of `value` against `validator`, deepest first within a
/// pointer, in document order of the pointers.
pub fn violations(validator: &Validator, value: &Value) -> Vec<Violation> {
    let mut out: Vec<Violation> = validator
        .iter_errors(value)
        .map(|e| {
            let pointer = e.instance_path().as_str().to_owned();
            let unknown_key = unknown_key(&e);
            Violation {
                pointer,
                message: message(&e),
                unknown_key,
            }
        })
        .collect();
    out.dedup();
    out
}

/// A message that names the property or value at fault, in words a
/// governance team reads; jsonschema's own text for the rare keywords.
fn message(e: &jsonschema::ValidationError<'_>) -> String {
    use jsonschema::error::ValidationErrorKind as K;
    let value = e.instance();
    let shown = match value.as_ref() {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    };
    match e.kind() {
        K::Required { property } => match property.as_str() {
            Some(p) => format!("missing required property `{p}`"),
            None => e.to_string(),
        },
        K::AdditionalProperties { unexpected } | K::UnevaluatedProperties { unexpected } => {
            format!(
                "unknown property `{}`: check its spelling against the kind's schema",
                unexpected.join("`, `")
            )
        }
        K::Format { format } if format == "date" => {
            format!("{shown} is not a calendar date: write YYYY-MM-DD, e.g. 2026-09-15")
        }
        K::Format { format } if format == "duration" => {
            format!("{shown} is not an ISO 8601 duration: write e.g. P12M, P90D or P1Y")
        }
        K::Enum { options } => {
            let list = options
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|o| o.as_str().map_or_else(|| o.to_string(), str::to_owned))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            format!("{shown} is not one of: {list}")
        }
        _ => e.to_string(),
    }
}

fn unknown_key(e: &jsonschema::ValidationError<'_>) -> Option<String> {
    use jsonschema::error::ValidationErrorKind as K;
    match e.kind() {
        K::AdditionalProperties { unexpected } | K::UnevaluatedProperties { unexpected } => {
            unexpected.first().cloned()
        }
        _ => None,
    }
}

/// RFC 6901 escaping of one reference token.
pub fn escape_pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// A PascalCase kind name, as SPEC 1.2 requires of `kind`.
pub fn is_kind_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_alphanumeric())
}

/// ISO 8601 calendar date `YYYY-MM-DD` that exists (no 2026-02-30).
pub fn is_calendar_date(s: &str) -> bool {
    s.len() == 10 && crate::time::parse_date(s).is_some()
}

/// ISO 8601 duration as govlint accepts it (`P12M`, `P90D`, `P1Y6M`, `P2W`, `PT12H`).
pub fn is_iso_duration(s: &str) -> bool {
    crate::time::Duration::parse(s).is_some()
}

fn builtin_source(name: &str, text: &str) -> SchemaSource {
    // Built-in schemas are tested to parse (see tests below); an empty object
    // keeps the binary usable should one ever not.
    let json = serde_json::from_str(text).unwrap_or(Value::Object(serde_json::Map::new()));
    SchemaSource {
        name: name.to_owned(),
        json,
        file: None,
        tree: None,
    }
}

fn config_finding(src: &SchemaSource, pointer: &str, message: String) -> Finding {
    let location = match (&src.file, &src.tree) {
        (Some(file), Some(tree)) => Some(file.location(tree.nearest_span(pointer))),
        (Some(file), None) => Some(file.location(crate::source::Span::new(0, 0))),
        _ => None,
    };
    let mut f = Finding::new("config", Severity::Error, message).at(location);
    f.pointer = Some(pointer.to_owned());
    f
}

/// `$ref`s (pointer of the `$ref` node, target) that leave the schema set.
fn refused_refs(schema: &Value, pointer: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    match schema {
        Value::Object(map) => {
            for (k, v) in map {
                let here = format!("{pointer}/{}", escape_pointer(k));
                if k == "$ref" || k == "$dynamicRef" {
                    if let Some(target) = v.as_str() {
                        if !is_local_ref(target) {
                            out.push((here.clone(), target.to_owned()));
                        }
                    }
                }
                out.extend(refused_refs(v, &here));
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                out.extend(refused_refs(v, &format!("{pointer}/{i}")));
            }
        }
        _ => {}
    }
    out
}

/// A reference to this schema (`#...`) or to a sibling file in the schema
/// folder (`common.schema.json#/$defs/date`), with no scheme and no `..`.
fn is_local_ref(target: &str) -> bool {
    let path = target.split('#').next().unwrap_or("");
    if path.is_empty() || path.starts_with(BASE) || path.starts_with(ID_BASE) {
        return true;
    }
    !(path.contains(':')
        || path.starts_with('/')
        || path.starts_with('\\')
        || path.split(['/', '\\']).any(|seg| seg == ".."))
}

/// Serves `$ref` targets from the in-memory schema set; anything else is an
/// error, so no reference is ever fetched.
struct LocalSchemas(Arc<HashMap<String, Value>>);

impl Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let text = uri.as_str();
        text.strip_prefix(BASE)
            .or_else(|| text.strip_prefix(ID_BASE))
            .and_then(|name| self.0.get(name))
            .cloned()
            .ok_or_else(|| format!("refused to resolve `{text}`: not a schema of this set").into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_schemas_parse_and_compile() {
        for (kind, text) in BUILTIN_KINDS.iter().chain(BUILTIN_SUPPORT) {
            let v: Result<Value, _> = serde_json::from_str(text);
            assert!(v.is_ok(), "{kind}: {v:?}");
        }
        let (set, findings) = SchemaSet::build(Vec::new());
        assert!(findings.is_empty(), "{findings:?}");
        for (kind, _) in BUILTIN_KINDS {
            assert!(set.has_kind(kind), "{kind}");
        }
    }

    #[test]
    fn remote_and_escaping_refs_are_refused() {
        assert!(is_local_ref("#/$defs/x"));
        assert!(is_local_ref("common.schema.json#/$defs/date"));
        assert!(!is_local_ref("https://example.com/s.json"));
        assert!(!is_local_ref("../../etc/passwd"));
        assert!(!is_local_ref("/etc/passwd"));
        assert!(!is_local_ref("file:///etc/passwd"));
        let schema = serde_json::json!({"properties": {"a": {"$ref": "http://evil.example/x"}}});
        let refused = refused_refs(&schema, "");
        assert_eq!(
            refused,
            vec![(
                "/properties/a/$ref".to_owned(),
                "http://evil.example/x".to_owned()
            )]
        );
    }
}
