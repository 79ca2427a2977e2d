//! The built-in schemas accept the templates, the example and the clean
//! fixture, and reject broken variants with a violation at the right place.

use serde_json::{json, Value};

use super::{documents, project, read_tree, records, reference_problems, remove, set, Schemas};
use crate::init::{example, scaffold};
use crate::time::parse_date;

fn today() -> jiff::civil::Date {
    parse_date("2026-11-29").expect("valid date")
}

#[test]
fn scaffold_templates_validate_and_refer_consistently() {
    let files = scaffold::render(today());
    let pairs = files.iter().map(|(p, t)| (p.as_str(), t.as_str()));
    Schemas::new().assert_valid(pairs.clone());
    let recs = records(pairs);
    assert_eq!(recs.len(), 22, "records in the scaffold");
    assert_eq!(reference_problems(&recs), Vec::<String>::new());
}

#[test]
fn example_records_validate_in_every_version() {
    let schemas = Schemas::new();
    for step in example::steps() {
        schemas.assert_valid(step.files.iter().copied());
    }
    let recs = records(example::final_files());
    // YAML and Markdown records; the CSV tables' rows come on top.
    assert_eq!(recs.len(), 57, "records in the example");
    assert_eq!(reference_problems(&recs), Vec::<String>::new());
}

#[test]
fn clean_fixture_validates_and_broken_schema_fixture_does_not() {
    let schemas = Schemas::new();
    let clean = read_tree(&project("fixtures/repos/clean"));
    schemas.assert_valid(clean.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    let recs = records(clean.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    let kinds: std::collections::BTreeSet<&str> =
        recs.iter().filter_map(|r| r["kind"].as_str()).collect();
    assert_eq!(
        kinds.len(),
        crate::schema::BUILTIN_KINDS.len(),
        "every built-in kind: {kinds:?}"
    );
    assert_eq!(reference_problems(&recs), Vec::<String>::new());

    // Every record of broken-schema is broken; the README says how.
    let broken = read_tree(&project("fixtures/repos/broken-schema"));
    let mut seen = 0;
    for (path, text) in &broken {
        if path.ends_with("govlint.yaml") {
            continue;
        }
        for value in documents(path, text) {
            seen += 1;
            assert!(
                !schemas.check(path, &value).is_empty(),
                "{path}: {} should not validate",
                value["id"]
            );
        }
    }
    assert!(seen >= 10, "{seen} broken records");
}

/// A valid record of each kind, from the example.
fn sample(kind: &str) -> Value {
    records(example::final_files())
        .into_iter()
        .find(|r| r["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in the example"))
}

/// Applies `edit` to a sample of `kind` and returns (pointer, message,
/// unknown key) of each violation.
fn violations_after(
    kind: &str,
    edit: impl FnOnce(&mut Value),
) -> Vec<(String, String, Option<String>)> {
    let mut value = sample(kind);
    edit(&mut value);
    Schemas::new()
        .check_as(&format!("{kind}.schema.json"), &value)
        .into_iter()
        .map(|v| (v.pointer, v.message, v.unknown_key))
        .collect()
}

/// Asserts exactly one violation, at `pointer`, whose message mentions `word`.
#[track_caller]
fn assert_one(v: &[(String, String, Option<String>)], pointer: &str, word: &str) {
    assert_eq!(v.len(), 1, "{v:#?}");
    assert_eq!(v[0].0, pointer, "{v:#?}");
    assert!(v[0].1.contains(word), "{v:#?}");
}

#[test]
fn missing_required_fields_are_reported_at_the_mapping() {
    assert_one(
        &violations_after("Objective", |v| remove(v, "/due")),
        "",
        "due",
    );
    assert_one(
        &violations_after("Policy", |v| remove(v, "/approver")),
        "",
        "approver",
    );
    assert_one(
        &violations_after("ResourceAllocation", |v| remove(v, "/period/to")),
        "/period",
        "to",
    );
    assert_one(
        &violations_after("ManagementReview", |v| remove(v, "/actions/0/owner")),
        "/actions/0",
        "owner",
    );
    // A review that did not cover a 9.3.2 input: placed at /inputs.
    assert_one(
        &violations_after("ManagementReview", |v| {
            remove(v, "/inputs/risk_assessment_results");
        }),
        "/inputs",
        "risk_assessment_results",
    );
    // Neither `email` nor `emails`: the message names `email`, not the record.
    assert_one(
        &violations_after("Person", |v| remove(v, "/email")),
        "",
        "`email`",
    );
    assert_one(
        &violations_after("Waiver", |v| remove(v, "/expires")),
        "",
        "expires",
    );
}

#[test]
fn bad_dates_durations_and_enums_are_reported_at_the_value() {
    assert_one(
        &violations_after("Objective", |v| set(v, "/due", json!("2026-02-30"))),
        "/due",
        "date",
    );
    assert_one(
        &violations_after("Objective", |v| set(v, "/due", json!("15.09.2026"))),
        "/due",
        "date",
    );
    assert_one(
        &violations_after("Policy", |v| set(v, "/review_interval", json!("12 months"))),
        "/review_interval",
        "duration",
    );
    assert_one(
        &violations_after("Policy", |v| set(v, "/status", json!("final"))),
        "/status",
        "final",
    );
    assert_one(
        &violations_after("Improvement", |v| set(v, "/status", json!("in-progress"))),
        "/status",
        "in-progress",
    );
    assert_one(
        &violations_after("Waiver", |v| set(v, "/expires", json!("2027-13-01"))),
        "/expires",
        "date",
    );
    assert_one(
        &violations_after("ManagementReview", |v| {
            set(v, "/actions/0/status", json!("closed"));
        }),
        "/actions/0/status",
        "closed",
    );
}

#[test]
fn wrong_types_and_shapes_are_reported() {
    assert_one(
        &violations_after("ResponsibilityMatrix", |v| {
            set(
                v,
                "/activities/0/accountable",
                json!(["top-management", "ceo"]),
            );
        }),
        "/activities/0/accountable",
        "top-management",
    );
    assert_one(
        &violations_after("Objective", |v| set(v, "/id", json!("OBJ 001"))),
        "/id",
        "OBJ 001",
    );
    assert_one(
        &violations_after("Objective", |v| set(v, "/id", json!(17))),
        "/id",
        "17",
    );
    // 1.10 unquoted is the number 1.1: versions must be text.
    assert_one(
        &violations_after("Policy", |v| set(v, "/version", json!(1.1))),
        "/version",
        "1.1",
    );
    assert_one(
        &violations_after("Person", |v| {
            set(v, "/email", json!("Mia <mia@acme.example>"));
        }),
        "/email",
        "Mia",
    );
    assert_one(
        &violations_after("Role", |v| set(v, "/top_management", json!("yes"))),
        "/top_management",
        "yes",
    );
    assert_one(
        &violations_after("Communication", |v| set(v, "/audience", json!("All staff"))),
        "/audience",
        "All staff",
    );
    assert_one(
        &violations_after("Waiver", |v| set(v, "/records", json!([]))),
        "/records",
        "[]",
    );
    assert_one(
        &violations_after("Person", |v| set(v, "/kind", json!("Persn"))),
        "/kind",
        "",
    );
}

#[test]
fn unknown_keys_are_errors_but_x_fields_and_body_are_not() {
    let v = violations_after("Policy", |v| set(v, "/approvr", json!("ceo")));
    assert_eq!(v.len(), 1, "{v:#?}");
    assert_eq!(v[0].2.as_deref(), Some("approvr"));
    let v = violations_after("ManagementReview", |v| set(v, "/inputs/risks", json!("x")));
    assert_eq!(v[0].0, "/inputs");
    assert_eq!(v[0].2.as_deref(), Some("risks"));
    assert!(violations_after("Objective", |v| {
        set(v, "/x-jira", json!("SEC-12"));
        set(v, "/body", json!("# Notes\n"));
    })
    .is_empty());
}

fn config_violations(config: &Value) -> Vec<(String, Option<String>)> {
    Schemas::new()
        .check("govlint.yaml", config)
        .into_iter()
        .map(|v| (v.pointer, v.unknown_key))
        .collect()
}

#[test]
fn config_schema_accepts_the_spec_example_and_rejects_mistakes() {
    let spec = json!({
        "version": 1,
        "records": {
            "include": ["**/*.yaml", "**/*.yml", "**/*.md"],
            "exclude": ["govlint.yaml", "rules/**", "schemas/**", ".github/**"]
        },
        "schemas": "schemas",
        "rules": ["rules"],
        "packs": ["iso27001-2022"],
        "severity": {"iso27001/communication-cadence": "warning", "schema": "off"},
        "trust": {"allowed_signers": ".govlint/allowed_signers", "minimum_strength": "self"},
        "history": {"allow_shallow": false},
        "limits": {"max_file_bytes": 1_048_576}
    });
    assert_eq!(config_violations(&spec), Vec::new());
    assert_eq!(config_violations(&json!({"version": 1})), Vec::new());

    let broken = |edit: &dyn Fn(&mut Value)| {
        let mut c = spec.clone();
        edit(&mut c);
        config_violations(&c)
    };
    assert_eq!(
        broken(&|c| set(c, "/packz", json!([]))),
        vec![(String::new(), Some("packz".into()))]
    );
    assert_eq!(
        broken(&|c| set(c, "/trust/min_strength", json!("self"))),
        vec![("/trust".into(), Some("min_strength".into()))]
    );
    assert_eq!(
        broken(&|c| set(
            c,
            "/severity/iso27001~1communication-cadence",
            json!("fatal")
        )),
        vec![("/severity/iso27001~1communication-cadence".into(), None)]
    );
    assert_eq!(
        broken(&|c| set(c, "/version", json!(2))),
        vec![("/version".into(), None)]
    );
    assert_eq!(
        broken(&|c| remove(c, "/version")),
        vec![(String::new(), None)]
    );
    assert_eq!(
        broken(&|c| set(c, "/trust/minimum_strength", json!("strong"))),
        vec![("/trust/minimum_strength".into(), None)]
    );
    assert_eq!(
        broken(&|c| set(c, "/limits/max_file_bytes", json!(0))),
        vec![("/limits/max_file_bytes".into(), None)]
    );
    assert_eq!(
        broken(&|c| set(c, "/records/include", json!("**/*.yaml"))),
        vec![("/records/include".into(), None)]
    );
}

/// Editors show `description`s: every property of every schema has one, and
/// every schema file says what it is.
#[test]
fn every_schema_and_property_is_described() {
    fn walk(name: &str, pointer: &str, node: &Value, missing: &mut Vec<String>) {
        let Value::Object(map) = node else { return };
        for key in ["properties", "patternProperties", "$defs"] {
            for (prop, schema) in map
                .get(key)
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if schema.get("description").is_none() {
                    missing.push(format!("{name}#{pointer}/{key}/{prop}"));
                }
            }
        }
        for (key, child) in map {
            match child {
                Value::Object(_) => walk(name, &format!("{pointer}/{key}"), child, missing),
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        walk(name, &format!("{pointer}/{key}/{i}"), item, missing);
                    }
                }
                _ => {}
            }
        }
    }
    let mut missing = Vec::new();
    let files = crate::schema::BUILTIN_KINDS
        .iter()
        .map(|(kind, text)| (format!("{kind}.schema.json"), *text))
        .chain(
            crate::schema::BUILTIN_SUPPORT
                .iter()
                .filter(|(name, _)| *name != "rules.schema.json")
                .map(|(name, text)| ((*name).to_owned(), *text)),
        );
    for (name, text) in files {
        let schema: Value = serde_json::from_str(text).expect("JSON");
        for key in ["$schema", "$id", "title", "description"] {
            assert!(schema.get(key).is_some(), "{name} has no {key}");
        }
        assert_eq!(schema["$id"], format!("{}{name}", crate::schema::ID_BASE));
        walk(&name, "", &schema, &mut missing);
    }
    assert!(
        missing.is_empty(),
        "properties without a description: {missing:#?}"
    );
}
