//! Tests of rule loading: every problem is a placed `config` finding.

use super::super::testing::{load_files, load_ok};
use super::super::{Level, RuleSet};
use crate::finding::{Code, Finding};
use crate::source::SourceFile;
use std::collections::BTreeMap;
use std::sync::Arc;

const GOOD: &str = "\
rules:
  - id: acme/objective-owner
    severity: warning
    message: Objective {{id}} has no owner
    for: { kind: Objective }
    check:
      - { field: /owner, required: true }
";

fn errors(text: &str) -> Vec<Finding> {
    match load_files(&[("rules/acme.yaml", text)]) {
        Ok(_) => panic!("expected config errors"),
        Err(f) => f,
    }
}

fn line_of(f: &Finding) -> usize {
    f.location.as_ref().map_or(0, |l| l.line)
}

#[test]
fn a_valid_file_loads_with_its_source_and_place() {
    let set = load_ok(GOOD);
    let rule = &set.rules()[0];
    assert_eq!(rule.id, "acme/objective-owner");
    assert_eq!(rule.source, "rules/acme.yaml");
    assert_eq!(
        rule.location.as_ref().map(|l| (l.line, l.column)),
        Some((2, 9))
    );
    assert!(!set.needs_history());
}

#[test]
fn yaml_errors_are_placed() {
    let f = errors("rules:\n  - id: [unclosed\n");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule, Code::Config.id());
    assert!(
        f[0].message.starts_with("the rule file is not valid YAML"),
        "{}",
        f[0].message
    );
    assert!(f[0].location.is_some());
}

#[test]
fn unknown_assertions_and_keys_are_placed_at_their_line() {
    let text = GOOD.replace(
        "- { field: /owner, required: true }",
        "- { fiel: /owner, required: true }",
    );
    let f = errors(&text);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(line_of(&f[0]), 7);
    assert_eq!(f[0].location.as_ref().map(|l| l.column), Some(11));
    assert_eq!(
        f[0].message,
        "rule `acme/objective-owner`: unknown assertion `fiel` (did you mean `field`?) (expected one of: field, schema, ref, referenced_by, date, approved, reviewed, lookup, rank, same, disjoint, newest)"
    );

    let text = GOOD.replace("severity: warning", "severity: warning\n    severty: error");
    let f = errors(&text);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(line_of(&f[0]), 4);
    assert_eq!(f[0].pointer.as_deref(), Some("/rules/0/severty"));
    assert!(f[0].message.contains("severty"), "{}", f[0].message);
}

#[test]
fn compile_errors_name_the_rule_and_are_placed() {
    let text = GOOD.replace(
        "{ field: /owner, required: true }",
        "{ field: /owner, pattern: \"(unclosed\" }\n      - { field: /x, not_pattern: \"[z-a]\" }",
    );
    let f = errors(&text);
    assert_eq!(f.len(), 2, "{f:#?}");
    assert_eq!(f[0].pointer.as_deref(), Some("/rules/0/check/0/pattern"));
    assert_eq!((line_of(&f[0]), line_of(&f[1])), (7, 8));
    assert!(f[0].message.contains("acme/objective-owner") && f[0].message.contains("(unclosed"));

    // Durations fail the schema's `duration` format, placed at the value.
    let text = GOOD.replace(
        "{ field: /owner, required: true }",
        "date: { field: /due, within: twelve months }",
    );
    let f = errors(&text);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(line_of(&f[0]), 7);
    assert!(f[0].message.contains("twelve months"), "{}", f[0].message);

    let text = GOOD.replace(
        "{ field: /owner, required: true }",
        "{ field: /owner, pattern: '\\w{1000}\\w{1000}\\w{1000}' }",
    );
    let f = errors(&text);
    assert!(f[0].message.contains("too large"), "{}", f[0].message);

    let text = GOOD.replace("{ field: /owner, required: true }", "schema: { type: 12 }");
    let f = errors(&text);
    assert!(f[0].message.contains("inline schema"), "{}", f[0].message);
    assert_eq!(line_of(&f[0]), 7);
}

#[test]
fn duplicate_and_reserved_ids() {
    let other = GOOD.replace("severity: warning", "severity: error");
    let Err(f) = load_files(&[("rules/a.yaml", GOOD), ("rules/b.yaml", &other)]) else {
        panic!("expected a duplicate");
    };
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].location.as_ref().map(|l| l.file.as_str()),
        Some("rules/b.yaml")
    );
    assert!(
        f[0].message.contains("already defined in rules/a.yaml:2"),
        "{}",
        f[0].message
    );
    assert_eq!(f[0].related.len(), 1);

    let f = errors(&GOOD.replace("acme/objective-owner", "iso27001/objective-owner"));
    assert!(f[0].message.contains("reserved"), "{}", f[0].message);
    let f = errors(&GOOD.replace("acme/objective-owner", "waiver/expired"));
    assert!(
        f[0].message.contains("built-in diagnostic"),
        "{}",
        f[0].message
    );
}

#[test]
fn packs_and_overrides() {
    let Err(f) = RuleSet::load(&["iso27001-2013".to_owned()], &[], &BTreeMap::new()) else {
        panic!("unknown pack accepted");
    };
    assert_eq!(f[0].pointer.as_deref(), Some("/packs/0"));
    assert!(
        f[0].message.contains("available: iso27001-2022"),
        "{}",
        f[0].message
    );

    let file = Arc::new(SourceFile::new("rules/acme.yaml", GOOD));
    let mut o = BTreeMap::new();
    o.insert("acme/nope".to_owned(), Level::Off);
    let Err(f) = RuleSet::load(&[], &[Arc::clone(&file)], &o) else {
        panic!("unknown override accepted");
    };
    assert_eq!(f[0].pointer.as_deref(), Some("/severity/acme~1nope"));

    let mut o = BTreeMap::new();
    o.insert("iso27001/communication-cadence".to_owned(), Level::Warning);
    o.insert("acme/objective-owner".to_owned(), Level::Off);
    o.insert("schema".to_owned(), Level::Warning);
    let set = RuleSet::load(&["iso27001-2022".to_owned()], &[file], &o).unwrap();
    let cadence = set
        .rules()
        .iter()
        .find(|r| r.id == "iso27001/communication-cadence")
        .unwrap();
    assert_eq!(cadence.severity, crate::finding::Severity::Warning);
    assert!(set.rules().iter().all(|r| r.id != "acme/objective-owner"));
    assert!(set.get("acme/objective-owner").is_some());
    assert!(set.needs_history());
}

#[test]
fn the_rules_schema_documents_every_property() {
    fn walk(v: &serde_json::Value, at: &str, missing: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::Object(props)) = map.get("properties") {
                    for (name, p) in props {
                        if p.get("description").is_none() {
                            missing.push(format!("{at}/properties/{name}"));
                        }
                    }
                }
                for (k, child) in map {
                    walk(child, &format!("{at}/{k}"), missing);
                }
            }
            serde_json::Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    walk(child, &format!("{at}/{i}"), missing);
                }
            }
            _ => {}
        }
    }
    assert!(super::rules_validator().is_ok());
    let text = include_str!("../../../schemas/rules.schema.json");
    let schema: serde_json::Value = serde_json::from_str(text).unwrap();
    let mut missing = Vec::new();
    walk(&schema, "", &mut missing);
    assert!(
        missing.is_empty(),
        "properties without description: {missing:#?}"
    );
}

/// Every key of the rule language at once: the schema and the serde specs
/// must agree (they are maintained by hand, side by side).
#[test]
fn every_key_of_the_language_loads() {
    let set = load_ok(
        r###"
rules:
  - id: acme/everything
    clause: "ISO/IEC 27001:2022 9.3.3"
    severity: info
    message: "Action {{id}}"
    help: "Fix {{id}}"
    description: "## What it checks\n..."
    examples: { pass: "kind: Role\nid: r\n", fail: "kind: Role\nid: s\n" }
    for:
      kind: [ManagementReview]
      where: { status: [a, b], /period/from: "2026-01-01", flag: true, n: 1, x: null }
      each: { field: /actions, where: { status: open } }
      if: [ { field: /id, required: true } ]
    check:
      - { field: /owner, required: true, nonempty: true, pattern: "^P-", not_pattern: TBD, equals: P-1, in: [P-1, P-2] }
      - schema: { type: object, properties: { due: { $ref: "common.schema.json#/$defs/date" } } }
      - ref: { field: /owner, kind: [Person, Role], any: true, check: [ { reviewed: { by: r, within: P1Y } } ] }
      - referenced_by: { kind: ResourceAllocation, field: /supports/*, covering_today: /period }
      - date: { field: /due, within: P90D, not_overdue: true }
      - approved: { by: { field: /owner }, within: { field: /interval }, unchanged: true, strength: signed, four_eyes: true, count: 2 }
  - id: acme/aggregate
    severity: warning
    message: m
    aggregate: { min_count: 1, newest: { field: /date, within: P12M }, unique: /email }
  - id: acme/each-short
    severity: error
    message: m
    for: { kind: Objective, each: /actions }
    check: [ { reviewed: {} } ]
"###,
    );
    assert_eq!(set.rules().len(), 3);
    assert!(set.needs_history());
    let summary = set.rules()[0].summary().join("\n");
    assert!(
        summary.contains("each element of `actions` where status is open"),
        "{summary}"
    );
}

#[test]
fn bad_pointers_in_where_keys_are_placed() {
    let text = GOOD.replace(
        "for: { kind: Objective }",
        "for: { kind: Objective, where: { /a~2: 1 } }",
    );
    let f = errors(&text);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].pointer.as_deref(), Some("/rules/0/for/where/~1a~02"));
    assert_eq!(line_of(&f[0]), 5);
    assert!(f[0].message.contains("`/a~2`"), "{}", f[0].message);
}
