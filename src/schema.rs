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
use rayon::prelude::*;
use serde_json::Value;

use crate::finding::{Code, Finding};
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
    // The rest of the ISMS (clauses 4–10 and Annex A).
    ("Scope", include_str!("../schemas/Scope.schema.json")),
    (
        "InterestedParty",
        include_str!("../schemas/InterestedParty.schema.json"),
    ),
    (
        "RiskMethod",
        include_str!("../schemas/RiskMethod.schema.json"),
    ),
    ("Risk", include_str!("../schemas/Risk.schema.json")),
    ("Control", include_str!("../schemas/Control.schema.json")),
    (
        "StatementOfApplicability",
        include_str!("../schemas/StatementOfApplicability.schema.json"),
    ),
    (
        "InternalAudit",
        include_str!("../schemas/InternalAudit.schema.json"),
    ),
    (
        "Nonconformity",
        include_str!("../schemas/Nonconformity.schema.json"),
    ),
    (
        "Competence",
        include_str!("../schemas/Competence.schema.json"),
    ),
    (
        "Measurement",
        include_str!("../schemas/Measurement.schema.json"),
    ),
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
    /// For `required`: the missing property.
    pub missing: Option<String>,
    /// Said by another finding already (a misspelt key names it).
    pub folded: bool,
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
    /// Each kind's schema as written: the property names a misspelt key
    /// is compared with.
    texts: HashMap<String, Value>,
    /// Every schema of the set by file name, for following `$ref`s between
    /// them when typing the cells of tables.
    documents: Arc<HashMap<String, Value>>,
}

/// One record's validation: its `schema` findings, and the JSON Pointers
/// of the values the schema rejected (a missing required property counts
/// at its own pointer). Rules skip those values: the fault is reported once.
#[derive(Debug, Default)]
pub struct Validated {
    pub findings: Vec<Finding>,
    pub rejected: Vec<String>,
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
        let mut texts = HashMap::new();
        let mut names: Vec<&String> = sources
            .keys()
            .filter(|name| {
                name.strip_suffix(".schema.json")
                    .is_some_and(crate::record::is_kind_name)
            })
            .collect();
        names.sort();
        // Each kind compiles on its own (every run compiles two dozen).
        let compiled: Vec<_> = names
            .par_iter()
            .map(|name| compile(&sources[*name].json, name, &documents))
            .collect();
        for (name, result) in names.into_iter().zip(compiled) {
            let src = &sources[name];
            let kind = name.strip_suffix(".schema.json").unwrap_or(name);
            match result {
                Ok(v) => {
                    kinds.insert(kind.to_owned(), v);
                    texts.insert(kind.to_owned(), src.json.clone());
                }
                Err(message) => findings.push(config_finding(
                    src,
                    "",
                    format!("schema `{name}` is not a valid JSON Schema: {message}"),
                )),
            }
        }
        (
            SchemaSet {
                kinds,
                texts,
                documents,
            },
            findings,
        )
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
        self.check(record).findings
    }

    /// Validates one record. A misspelt key is one finding that names the
    /// property it misspells (`ownr` → did you mean `owner`?), and when that
    /// property is required its "missing" finding is folded into it.
    pub fn check(&self, record: &Record) -> Validated {
        let Some(validator) = self.kinds.get(&record.kind) else {
            return Validated::default();
        };
        let mut found = violations(validator, &record.value);
        // A hostile record (a list of a million wrong items) gets the first
        // MAX_VIOLATIONS findings and one that says how it was cut short.
        let cut = found.len() > MAX_VIOLATIONS;
        found.truncate(MAX_VIOLATIONS);
        let mut rejected = Vec::new();
        for i in 0..found.len() {
            let Some(key) = found[i].unknown_key.clone() else {
                continue;
            };
            let at = found[i].pointer.clone();
            let missing: Vec<(usize, String)> = found
                .iter()
                .enumerate()
                .filter(|(_, v)| v.pointer == at)
                .filter_map(|(j, v)| v.missing.clone().map(|p| (j, p)))
                .collect();
            let required = crate::suggest::closest(&key, missing.iter().map(|(_, p)| p.as_str()))
                .map(str::to_owned);
            let hint = match &required {
                Some(p) => format!(": did you mean `{p}`? (`{p}` is required and missing)"),
                None => match self.texts.get(&record.kind).map(|t| known_keys(t, &at)) {
                    Some(keys) => {
                        match crate::suggest::closest(&key, keys.iter().map(String::as_str)) {
                            Some(k) => {
                                // Rules that want `k` hear of it through this finding.
                                rejected.push(format!("{at}/{}", escape_pointer(k)));
                                format!(": did you mean `{k}`?")
                            }
                            None => ": check its spelling against the kind's schema".to_owned(),
                        }
                    }
                    None => ": check its spelling against the kind's schema".to_owned(),
                },
            };
            found[i].message = format!("unknown property `{key}`{hint}");
            if let Some(p) = required {
                for (j, name) in &missing {
                    if *name == p {
                        found[*j].folded = true;
                    }
                }
            }
        }
        let findings = found
            .into_iter()
            .filter_map(|v| {
                match &v.missing {
                    Some(p) => rejected.push(format!("{}/{}", v.pointer, escape_pointer(p))),
                    None if v.unknown_key.is_none() && !v.pointer.is_empty() => {
                        rejected.push(v.pointer.clone());
                    }
                    None => {}
                }
                if v.folded {
                    return None;
                }
                Some(v)
            })
            .map(|v| {
                let mut f = record.finding(
                    Code::Schema.id(),
                    Code::Schema.default_severity(),
                    v.message,
                    &v.pointer,
                );
                // A missing property is placed where it would be: for a
                // table row, its empty cell; for YAML, the mapping lacking it.
                if let Some(name) = &v.missing {
                    let ptr = format!("{}/{}", v.pointer, escape_pointer(name));
                    f.location = Some(record.location(&ptr));
                }
                if let Some(key) = &v.unknown_key {
                    let ptr = format!("{}/{}", v.pointer, escape_pointer(key));
                    if let Some(loc) = record.key_location(&ptr) {
                        f.location = Some(loc);
                        f.pointer = Some(ptr);
                    }
                }
                f
            })
            .collect();
        let mut findings: Vec<Finding> = findings;
        if cut {
            findings.push(record.finding(
                Code::Schema.id(),
                Code::Schema.default_severity(),
                format!("more than {MAX_VIOLATIONS} schema violations in this record; only the first {MAX_VIOLATIONS} are reported (fix them and run again)"),
                "",
            ));
        }
        Validated { findings, rejected }
    }
}

/// The most `schema` findings one record gets (one more says there are more).
pub const MAX_VIOLATIONS: usize = 100;

/// The property names a schema allows for the mapping at `pointer` of an
/// instance: its `properties`, following `properties`, `items` and
/// `additionalProperties` down the pointer, through local `$ref`s
/// (`#/$defs/…`) and the branches of `allOf` / `anyOf` / `oneOf`.
/// References to other documents are not followed: no suggestion is better
/// than a wrong one.
pub fn known_keys(schema: &Value, pointer: &str) -> Vec<String> {
    let mut nodes = expand(schema, schema);
    for token in pointer.split('/').skip(1) {
        let index = token.parse::<usize>().is_ok();
        nodes = nodes
            .into_iter()
            .filter_map(|n| {
                if index {
                    n.get("items")
                } else {
                    n.get("properties")
                        .and_then(|p| p.get(token))
                        .or_else(|| n.get("additionalProperties").filter(|a| a.is_object()))
                }
            })
            .flat_map(|n| expand(schema, n))
            .collect();
    }
    let mut keys: Vec<String> = nodes
        .iter()
        .filter_map(|n| n.get("properties").and_then(Value::as_object))
        .flat_map(|m| m.keys().cloned())
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// `node` and what it stands for: its local `$ref` target and the
/// branches of its combinators, recursively (bounded against cycles).
fn expand<'a>(root: &'a Value, node: &'a Value) -> Vec<&'a Value> {
    let mut out = Vec::new();
    let mut todo = vec![(node, 0u8)];
    while let Some((n, depth)) = todo.pop() {
        if depth > 16 {
            continue;
        }
        out.push(n);
        if let Some(target) = n
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|p| root.pointer(p))
        {
            todo.push((target, depth + 1));
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(list) = n.get(key).and_then(Value::as_array) {
                todo.extend(list.iter().map(|b| (b, depth + 1)));
            }
        }
    }
    out
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

/// Every violation of `value` against `validator` (the first
/// [`MAX_VIOLATIONS`] + 1: enough to say that there are more), deepest
/// first within a pointer, in document order of the pointers.
pub fn violations(validator: &Validator, value: &Value) -> Vec<Violation> {
    let mut out: Vec<Violation> = validator
        .iter_errors(value)
        // Lazily: a value with millions of errors is not walked to its end.
        .take(MAX_VIOLATIONS + 1)
        .map(|e| {
            let pointer = e.instance_path().as_str().to_owned();
            let unknown_key = unknown_key(&e);
            let missing = match e.kind() {
                jsonschema::error::ValidationErrorKind::Required { property } => {
                    property.as_str().map(str::to_owned)
                }
                _ => None,
            };
            Violation {
                pointer,
                message: message(&e),
                unknown_key,
                missing,
                folded: false,
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
    let shown = || match value.as_ref() {
        Value::String(s) => format!("`{}`", elide(s, SHOWN_CHARS)),
        other => format!("`{}`", elide(&other.to_string(), SHOWN_CHARS)),
    };
    match e.kind() {
        K::Required { property } => match property.as_str() {
            Some(p) => format!("missing required property `{p}`"),
            None => e.to_string(),
        },
        K::AdditionalProperties { unexpected } | K::UnevaluatedProperties { unexpected } => {
            format!("unknown property `{}`", unexpected.join("`, `"))
        }
        K::Format { format } if format == "date" => {
            format!(
                "{} is not a calendar date: write YYYY-MM-DD, e.g. 2026-09-15",
                shown()
            )
        }
        K::Format { format } if format == "duration" => {
            format!(
                "{} is not an ISO 8601 duration: write e.g. P12M, P90D or P1Y",
                shown()
            )
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
            format!("{} is not one of: {list}", shown())
        }
        // jsonschema's text starts with the whole value: a hostile record
        // must not make a message of megabytes.
        _ => elide(&e.to_string(), 2 * SHOWN_CHARS),
    }
}

/// How much of a value a message shows.
const SHOWN_CHARS: usize = 120;

/// `text` itself when at most `max` characters, else its start and end
/// around ` … `.
fn elide(text: &str, max: usize) -> String {
    let count = text.chars().count();
    if count <= max {
        return text.to_owned();
    }
    let head: String = text.chars().take(max * 2 / 3).collect();
    let tail: String = text.chars().skip(count - max / 3).collect();
    format!("{head} … {tail}")
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

impl crate::record::table::Typing for SchemaSet {
    /// How the kind's schema types the field at `pointer`; a string when
    /// the kind or the field is unknown to it.
    fn cell_type(&self, kind: &str, pointer: &str) -> crate::record::table::CellType {
        match self.texts.get(kind) {
            Some(schema) => cell_type(schema, &self.documents, pointer),
            None => crate::record::table::CellType::Scalar(crate::record::table::Scalar::String),
        }
    }
}

/// How `schema` types the instance value at `pointer` (a path of object
/// properties, as a table's column names it), for typing a table's cells:
/// the `type`s of the schema nodes for it, following `properties` and
/// `additionalProperties`, `$ref`s (local, and to the other schemas of the
/// set in `documents`) and `allOf`/`anyOf`/`oneOf` branches. An array's
/// items are typed by its `items`. Where strings are allowed a cell stays
/// one; with no type known, a string.
pub fn cell_type(
    schema: &Value,
    documents: &HashMap<String, Value>,
    pointer: &str,
) -> crate::record::table::CellType {
    use crate::record::table::{CellType, Scalar};
    let mut nodes = expand_across(documents, schema, schema);
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        nodes = nodes
            .into_iter()
            .filter_map(|(root, n)| {
                n.get("properties")
                    .and_then(|p| p.get(&token))
                    .or_else(|| n.get("additionalProperties").filter(|a| a.is_object()))
                    .map(|child| (root, child))
            })
            .flat_map(|(root, n)| expand_across(documents, root, n))
            .collect();
    }
    let types = |nodes: &[(&Value, &Value)]| -> Vec<String> {
        nodes
            .iter()
            .filter_map(|(_, n)| n.get("type"))
            .flat_map(|t| match t {
                Value::String(s) => vec![s.clone()],
                Value::Array(a) => a
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            })
            .collect()
    };
    let scalar = |types: &[String]| {
        let has = |t: &str| types.iter().any(|x| x == t);
        if has("string") {
            Scalar::String
        } else if has("integer") {
            Scalar::Integer
        } else if has("number") {
            Scalar::Number
        } else if has("boolean") {
            Scalar::Boolean
        } else {
            Scalar::String
        }
    };
    let here = types(&nodes);
    if !here.iter().any(|t| t == "array") {
        return CellType::Scalar(scalar(&here));
    }
    let items: Vec<(&Value, &Value)> = nodes
        .iter()
        .filter_map(|(root, n)| n.get("items").map(|i| (*root, i)))
        .flat_map(|(root, n)| expand_across(documents, root, n))
        .collect();
    let item = scalar(&types(&items));
    let others: Vec<String> = here
        .into_iter()
        .filter(|t| t != "array" && t != "null")
        .collect();
    if others.is_empty() {
        CellType::List(item)
    } else {
        CellType::ScalarOrList(scalar(&others), item)
    }
}

/// Like [`expand`], but a `$ref` to another schema of the set
/// (`common.schema.json#/$defs/id`, or under [`ID_BASE`]) is followed too;
/// each node comes with the document it belongs to.
fn expand_across<'a>(
    documents: &'a HashMap<String, Value>,
    root: &'a Value,
    node: &'a Value,
) -> Vec<(&'a Value, &'a Value)> {
    let mut out = Vec::new();
    let mut todo = vec![(root, node, 0u8)];
    while let Some((root, n, depth)) = todo.pop() {
        if depth > 16 {
            continue;
        }
        out.push((root, n));
        if let Some(r) = n.get("$ref").and_then(Value::as_str) {
            let (doc, fragment) = r.split_once('#').unwrap_or((r, ""));
            let doc = doc
                .strip_prefix(ID_BASE)
                .or_else(|| doc.strip_prefix(BASE))
                .unwrap_or(doc);
            let target_root = if doc.is_empty() {
                Some(root)
            } else {
                documents.get(doc)
            };
            if let Some(t_root) = target_root {
                if let Some(target) = t_root.pointer(fragment) {
                    todo.push((t_root, target, depth + 1));
                }
            }
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(list) = n.get(key).and_then(Value::as_array) {
                todo.extend(list.iter().map(|b| (root, b, depth + 1)));
            }
        }
    }
    out
}

/// RFC 6901 escaping of one reference token.
pub fn escape_pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
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
    let mut f = Finding::code(Code::Config, message).at(location);
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
    fn huge_values_are_elided_in_messages() {
        let schema = serde_json::json!({"properties": {"name": {"type": "string"}, "due": {"format": "date"}}});
        let docs = Arc::new(HashMap::new());
        let validator = compile(&schema, "t.schema.json", &docs).expect("compiles");
        let huge = serde_json::json!({"name": vec![1; 100_000]});
        let v = violations(&validator, &huge);
        assert_eq!(v.len(), 1);
        assert!(v[0].message.len() < 400, "{}", v[0].message);
        assert!(v[0].message.starts_with("[1,1,"), "{}", v[0].message);
        assert!(
            v[0].message.ends_with("is not of type \"string\""),
            "{}",
            v[0].message
        );
        assert_eq!(elide("short", 10), "short");
        let many = serde_json::json!({"name": "x", "due": "y"});
        assert!(violations(&validator, &many).len() <= MAX_VIOLATIONS + 1);
        let items = serde_json::json!({"properties": {"r": {"items": {"type": "string"}}}});
        let validator = compile(&items, "t.schema.json", &docs).expect("compiles");
        let wrong = serde_json::json!({"r": vec![1; 100_000]});
        assert_eq!(violations(&validator, &wrong).len(), MAX_VIOLATIONS + 1);
        assert_eq!(elide("abcdefghijkl", 6), "abcd … kl");
    }

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
    fn cell_types_follow_properties_refs_and_items() {
        use crate::record::table::{CellType, Scalar, Typing};
        let (set, _) = SchemaSet::build(Vec::new());
        let common = set.documents.get("common.schema.json").expect("common");
        let schema = serde_json::json!({
            "$defs": {"level": {"type": "integer"}},
            "properties": {
                "id": {"$ref": "common.schema.json#/$defs/id"},
                "score": {"type": ["integer", "null"]},
                "ratio": {"type": "number"},
                "applicable": {"type": "boolean"},
                "controls": {"$ref": "common.schema.json#/$defs/idList"},
                "counts": {"type": "array", "items": {"type": "integer"}},
                "email": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
                "residual": {"type": "object", "properties": {"level": {"$ref": "#/$defs/level"}}},
                "free": {}
            }
        });
        let docs: HashMap<String, Value> =
            [("common.schema.json".to_owned(), common.clone())].into();
        let ty = |p: &str| cell_type(&schema, &docs, p);
        assert_eq!(ty("/id"), CellType::Scalar(Scalar::String));
        assert_eq!(ty("/score"), CellType::Scalar(Scalar::Integer));
        assert_eq!(ty("/ratio"), CellType::Scalar(Scalar::Number));
        assert_eq!(ty("/applicable"), CellType::Scalar(Scalar::Boolean));
        assert_eq!(ty("/controls"), CellType::List(Scalar::String));
        assert_eq!(ty("/counts"), CellType::List(Scalar::Integer));
        assert_eq!(
            ty("/email"),
            CellType::ScalarOrList(Scalar::String, Scalar::String)
        );
        assert_eq!(ty("/residual/level"), CellType::Scalar(Scalar::Integer));
        assert_eq!(ty("/free"), CellType::Scalar(Scalar::String));
        assert_eq!(ty("/nowhere/at/all"), CellType::Scalar(Scalar::String));
        // Through the set: a built-in kind, and a kind it does not know.
        assert_eq!(
            set.cell_type("Role", "/top_management"),
            CellType::Scalar(Scalar::Boolean)
        );
        assert_eq!(
            set.cell_type("NoSuchKind", "/x"),
            CellType::Scalar(Scalar::String)
        );
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
