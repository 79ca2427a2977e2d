//! Tests of `init`: every template, example record and fixture validates
//! against the built-in schemas (and broken variants do not), the records
//! refer to each other consistently, `init` never overwrites, and the
//! example's history is deterministic.
//!
//! Records are read here with a small test-only YAML-to-JSON reader, so these
//! tests depend on the schemas alone, not on the record loader.

mod example;
mod kinds;
mod scaffold;
mod schemas;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jsonschema::Validator;
use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map, Value};

use crate::schema::{self, Violation};

/// The built-in schemas, compiled once per test.
pub(super) struct Schemas {
    validators: HashMap<String, Validator>,
}

impl Schemas {
    pub(super) fn new() -> Self {
        let (set, findings) = schema::SchemaSet::build(Vec::new());
        assert!(findings.is_empty(), "{findings:?}");
        let mut docs = HashMap::new();
        for (kind, text) in schema::BUILTIN_KINDS {
            assert!(set.has_kind(kind), "{kind}");
            docs.insert(format!("{kind}.schema.json"), parse_json(text));
        }
        for (name, text) in schema::BUILTIN_SUPPORT {
            docs.insert((*name).to_owned(), parse_json(text));
        }
        let docs = Arc::new(docs);
        // Only what these tests validate: record kinds and govlint.yaml (the
        // rule-file schema belongs to the rule module's tests).
        let validators = docs
            .iter()
            .filter(|(name, _)| *name != "common.schema.json" && *name != "rules.schema.json")
            .map(|(name, json)| {
                let v = schema::compile(json, name, &docs).expect("builtin schema compiles");
                (name.clone(), v)
            })
            .collect();
        Schemas { validators }
    }

    /// Violations of a record (by its `kind`) or of a `govlint.yaml`.
    pub(super) fn check(&self, path: &str, value: &Value) -> Vec<Violation> {
        let name = if path.ends_with("govlint.yaml") {
            "govlint.schema.json".to_owned()
        } else {
            let kind = value["kind"].as_str().unwrap_or("?");
            format!("{kind}.schema.json")
        };
        self.check_as(&name, value)
    }

    /// Violations of `value` against the schema file `name`.
    pub(super) fn check_as(&self, name: &str, value: &Value) -> Vec<Violation> {
        let validator = self
            .validators
            .get(name)
            .unwrap_or_else(|| panic!("no schema {name}"));
        schema::violations(validator, value)
    }

    /// Asserts that every record and config in `files` validates.
    pub(super) fn assert_valid<'a>(&self, files: impl IntoIterator<Item = (&'a str, &'a str)>) {
        for (path, text) in files {
            for value in documents(path, text) {
                let v = self.check(path, &value);
                assert!(v.is_empty(), "{path}: {v:#?}");
            }
        }
    }
}

fn parse_json(text: &str) -> Value {
    serde_json::from_str(text).expect("builtin schema is JSON")
}

/// The records (YAML documents with a `kind`, Markdown front matter with
/// `body` added) and configs a file holds; nothing for other files.
pub(super) fn documents(path: &str, text: &str) -> Vec<Value> {
    let is_config = path.rsplit('/').next() == Some("govlint.yaml");
    if Path::new(path).extension().is_some_and(|e| e == "md") {
        let Some((front, body)) = front_matter(text) else {
            return Vec::new();
        };
        let mut docs = yaml_documents(front);
        for doc in &mut docs {
            if let Value::Object(map) = doc {
                map.insert("body".to_owned(), Value::String(body.to_owned()));
            }
        }
        return docs;
    }
    if !Path::new(path)
        .extension()
        .is_some_and(|e| e == "yaml" || e == "yml")
    {
        return Vec::new();
    }
    yaml_documents(text)
        .into_iter()
        .filter(|d| is_config || d.get("kind").is_some())
        .collect()
}

fn front_matter(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix("---\n")?;
    let end = rest.find("\n---\n")?;
    Some((&rest[..=end], &rest[end + 5..]))
}

enum Frame {
    Seq(Vec<Value>),
    Map(Map<String, Value>, Option<String>),
}

/// Test-only YAML 1.2 (core schema) to JSON: enough for templates and
/// fixtures (no aliases, no tags); panics on anything else.
pub(super) fn yaml_documents(text: &str) -> Vec<Value> {
    let mut docs = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    for event in Parser::new_from_str(text) {
        let (event, _) = event.expect("valid YAML");
        let value = match event {
            Event::Scalar(s, style, _, _) => scalar(&s, style),
            Event::SequenceStart(..) => {
                stack.push(Frame::Seq(Vec::new()));
                continue;
            }
            Event::MappingStart(..) => {
                stack.push(Frame::Map(Map::new(), None));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq(items)) => Value::Array(items),
                Some(Frame::Map(map, _)) => Value::Object(map),
                None => panic!("unbalanced YAML events"),
            },
            Event::Alias(_) => panic!("aliases are not expected here"),
            _ => continue,
        };
        match stack.last_mut() {
            None => docs.push(value),
            Some(Frame::Seq(items)) => items.push(value),
            Some(Frame::Map(map, key)) => match key.take() {
                None => {
                    *key = Some(
                        value
                            .as_str()
                            .map_or_else(|| value.to_string(), str::to_owned),
                    );
                }
                Some(k) => assert!(map.insert(k.clone(), value).is_none(), "duplicate key {k}"),
            },
        }
    }
    docs.retain(Value::is_object);
    docs
}

fn scalar(s: &str, style: ScalarStyle) -> Value {
    if style != ScalarStyle::Plain {
        return Value::String(s.to_owned());
    }
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let numeric = s
        .trim_start_matches(['-', '+'])
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+'))
        && s.chars().any(|c| c.is_ascii_digit());
    if numeric {
        if let Ok(i) = s.parse::<i64>() {
            return Value::from(i);
        }
        if let Ok(f) = s.parse::<f64>() {
            return Value::from(f);
        }
    }
    Value::String(s.to_owned())
}

/// Every file under `dir` (relative, `/`-separated) with its text.
/// Sets the value at a JSON Pointer (its parent must exist): a key of an
/// object (`~1`/`~0` unescaped) or an index of an array.
#[track_caller]
pub(super) fn set(value: &mut Value, pointer: &str, new: Value) {
    let (parent, key) = pointer.rsplit_once('/').expect("pointer");
    match value.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.insert(key.replace("~1", "/").replace("~0", "~"), new);
        }
        Some(Value::Array(items)) => items[key.parse::<usize>().expect("index")] = new,
        _ => panic!("{pointer}"),
    }
}

/// Removes the key at a JSON Pointer.
#[track_caller]
pub(super) fn remove(value: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').expect("pointer");
    value
        .pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .and_then(|m| m.remove(key))
        .unwrap_or_else(|| panic!("{pointer}"));
}

pub(super) fn read_tree(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).expect("readable dir") {
            let path = entry.expect("dir entry").path();
            if path.file_name().is_some_and(|n| n == ".git") {
                continue;
            }
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).expect("under root");
                let rel = rel.to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read_to_string(&path).expect("UTF-8 file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The project's own folder (templates, fixtures).
pub(super) fn project(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Checks that the records refer to each other consistently, so that a
/// template or example never yields a finding by accident: every reference
/// names a record of the right kind, ids are unique, every role has a
/// person and every management role is accountable for an activity.
/// Returns the problems found.
pub(super) fn reference_problems(records: &[Value]) -> Vec<String> {
    const PERSON: &[&str] = &["Person"];
    const ROLE: &[&str] = &["Role"];
    let mut kinds: HashMap<&str, &str> = HashMap::new();
    let mut problems = Vec::new();
    for r in records {
        let (id, kind) = (
            r["id"].as_str().unwrap_or(""),
            r["kind"].as_str().unwrap_or(""),
        );
        if kinds.insert(id, kind).is_some() {
            problems.push(format!("duplicate id {id}"));
        }
    }
    let mut check = |from: &str, value: &Value, allowed: &[&str]| {
        let ids: Vec<&str> = match value {
            Value::String(s) => vec![s.as_str()],
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        for id in ids {
            if !kinds.get(id).is_some_and(|k| allowed.contains(k)) {
                problems.push(format!("{from}: {id} is not a {allowed:?}"));
            }
        }
    };
    for r in records {
        let id = r["id"].as_str().unwrap_or("");
        let refs: &[(&str, &[&str])] = match r["kind"].as_str().unwrap_or("") {
            "Person" => &[("/roles", ROLE)],
            "Policy" => &[
                ("/owner", &["Role", "Person"]),
                ("/approver", ROLE),
                ("/objectives", &["Objective"]),
            ],
            "Objective" => &[("/owner", PERSON), ("/policy", &["Policy"])],
            "ResourceAllocation" => &[("/supports", &["Objective"]), ("/approver", ROLE)],
            "ManagementReview" => &[("/chair", PERSON), ("/attendees", PERSON)],
            "Communication" => &[("/from", PERSON), ("/audience", ROLE)],
            "Improvement" => &[("/owner", PERSON)],
            "Waiver" => &[("/approver", ROLE)],
            "Scope" => &[
                ("/approver", ROLE),
                ("/interested_parties", &["InterestedParty"]),
            ],
            "RiskMethod" | "StatementOfApplicability" => &[("/approver", ROLE)],
            "InternalAudit" => &[("/auditor", PERSON)],
            "Nonconformity" => &[("/owner", PERSON)],
            "Competence" => &[("/person", PERSON), ("/role", ROLE)],
            "Measurement" => &[("/subject", &["Objective", "Control"])],
            _ => &[],
        };
        for (ptr, allowed) in refs {
            if let Some(v) = r.pointer(ptr) {
                check(&format!("{id}{ptr}"), v, allowed);
            }
        }
        for action in r["actions"].as_array().into_iter().flatten() {
            check(&format!("{id}/actions"), &action["owner"], PERSON);
        }
        for activity in r["activities"].as_array().into_iter().flatten() {
            for field in ["responsible", "accountable", "consulted", "informed"] {
                check(&format!("{id}/activities/{field}"), &activity[field], ROLE);
            }
        }
    }
    let accountable: Vec<&Value> = records
        .iter()
        .flat_map(|r| r["activities"].as_array().into_iter().flatten())
        .map(|a| &a["accountable"])
        .collect();
    for role in records.iter().filter(|r| r["kind"] == "Role") {
        if role["management"] == true && !accountable.contains(&&role["id"]) {
            problems.push(format!(
                "management role {} is accountable for nothing",
                role["id"]
            ));
        }
        let held = records.iter().any(|p| {
            p["kind"] == "Person"
                && p["roles"]
                    .as_array()
                    .is_some_and(|roles| roles.contains(&role["id"]))
        });
        if !held {
            problems.push(format!("role {} has no person", role["id"]));
        }
    }
    problems
}

/// All records of a set of files.
pub(super) fn records<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<Value> {
    files
        .into_iter()
        .filter(|(path, _)| !path.ends_with("govlint.yaml"))
        .flat_map(|(path, text)| documents(path, text))
        .collect()
}
