//! The schemas of the rest of the ISMS (SPEC 1.3: Scope … Measurement):
//! each accepts a good record and rejects a broken one at the right pointer.
//! The good records are written here as the loader hands them over (Risk
//! and Control rows as a CSV table yields them: strings, booleans, lists).

use serde_json::{json, Value};

use super::{remove, set, Schemas};

/// One good record of every kind of SPEC 1.3.
fn good() -> Vec<Value> {
    vec![
        json!({
            "kind": "Scope", "id": "isms-scope", "title": "Scope of the ISMS",
            "boundaries": ["The Acme SaaS platform", "The Berlin office"],
            "interfaces": "Cloud hosting provided by Example Cloud",
            "exclusions": [{"item": "Payroll", "justification": "Outsourced to a certified provider"}],
            "interested_parties": ["customers"], "approver": "top-management",
            "body": "# Scope\n"
        }),
        json!({
            "kind": "InterestedParty", "id": "customers", "name": "Customers",
            "needs": ["Confidentiality of their data", "Availability of the service"],
            "addressed_by": ["POL-IS-001", "A.8.13"]
        }),
        json!({
            "kind": "RiskMethod", "id": "risk-method",
            "likelihood": ["unlikely", "likely"], "impact": ["minor", "major"],
            "matrix": {"unlikely": {"minor": "low", "major": "medium"},
                       "likely": {"minor": "medium", "major": "high"}},
            "levels": ["low", "medium", "high"], "acceptance": "medium",
            "approver": "top-management"
        }),
        json!({
            "kind": "Risk", "id": "R-001", "title": "Stolen laptop exposes customer data",
            "owner": "jane-doe", "method": "risk-method",
            "likelihood": "likely", "impact": "major", "level": "high",
            "treatment": "modify", "controls": ["A.8.1", "A.8.24"],
            "residual": {"likelihood": "unlikely", "impact": "major", "level": "medium"},
            "accepted_by": "jane-doe", "status": "accepted"
        }),
        json!({
            "kind": "Control", "id": "A.8.24", "title": "Use of cryptography",
            "applicable": true, "justification": "Customer data is encrypted at rest and in transit",
            "status": "implemented", "owner": "jane-doe", "risks": ["R-001"],
            "evidence": ["policies/cryptography.md", "POL-IS-001"]
        }),
        json!({
            "kind": "StatementOfApplicability", "id": "soa", "version": "1.0",
            "controls": "soa/controls.csv", "approver": "top-management",
            "review_interval": "P12M"
        }),
        json!({
            "kind": "InternalAudit", "id": "IA-2026", "date": "2026-10-01",
            "auditor": "max-mustermann", "scope": ["4.3", "9.2", "A.8.24", "it-operations"],
            "criteria": "ISO/IEC 27001:2022 and the ISMS policies",
            "findings": [{"id": "IA-2026-F1", "type": "nonconformity",
                          "description": "No risk owner for R-007", "nonconformity": "NC-001"}]
        }),
        json!({
            "kind": "Nonconformity", "id": "NC-001", "opened": "2026-10-01", "source": "audit",
            "description": "Risk R-007 has no owner", "owner": "jane-doe",
            "root_cause": "No owner column in the register", "correction": "Owner assigned",
            "corrective_action": "The register has an owner column, checked by govlint",
            "due": "2026-11-01", "status": "closed",
            "effectiveness": {"date": "2026-11-15", "effective": true, "note": "No risk without owner since"}
        }),
        json!({
            "kind": "Competence", "id": "COMP-001", "person": "max-mustermann",
            "role": "internal-auditor", "requirement": "ISO/IEC 27001 internal auditor training",
            "evidence": "Certificate 2026-123", "date": "2026-03-01", "expires": "2029-03-01"
        }),
        json!({
            "kind": "Measurement", "id": "M-001", "subject": "A.8.13",
            "metric": "Share of restore tests that succeed", "method": "Monthly restore test",
            "frequency": "P1M",
            "results": [{"date": "2026-10-31", "value": 100}, {"date": "2026-11-30", "value": "95%"}]
        }),
    ]
}

fn sample(kind: &str) -> Value {
    good()
        .into_iter()
        .find(|r| r["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind}"))
}

/// (pointer, message) of each violation of the sample of `kind` after `edit`.
fn violations_after(kind: &str, edit: impl FnOnce(&mut Value)) -> Vec<(String, String)> {
    let mut value = sample(kind);
    edit(&mut value);
    Schemas::new()
        .check(kind, &value)
        .into_iter()
        .map(|v| (v.pointer, v.message))
        .collect()
}

/// Sets (adds or replaces) the member or item at `pointer`.
#[track_caller]
fn assert_one(v: &[(String, String)], pointer: &str, word: &str) {
    assert_eq!(v.len(), 1, "{v:#?}");
    assert_eq!(v[0].0, pointer, "{v:#?}");
    assert!(v[0].1.contains(word), "{v:#?}");
}

#[test]
fn every_new_kind_is_built_in_and_accepts_its_good_record() {
    let schemas = Schemas::new();
    let good = good();
    assert_eq!(good.len(), 10);
    for record in &good {
        let kind = record["kind"].as_str().expect("kind");
        assert!(crate::schema::builtin(&format!("{kind}.schema.json")).is_some());
        let v = schemas.check(kind, record);
        assert!(v.is_empty(), "{kind}: {v:#?}");
    }
}

#[test]
fn required_fields_are_required() {
    let cases = [
        ("Scope", "/boundaries", ""),
        ("Scope", "/exclusions/0/justification", "/exclusions/0"),
        ("InterestedParty", "/needs", ""),
        ("RiskMethod", "/acceptance", ""),
        ("RiskMethod", "/matrix", ""),
        ("Risk", "/treatment", ""),
        ("Risk", "/owner", ""),
        ("Control", "/justification", ""),
        ("Control", "/applicable", ""),
        ("StatementOfApplicability", "/controls", ""),
        ("InternalAudit", "/criteria", ""),
        ("InternalAudit", "/findings/0/type", "/findings/0"),
        ("Nonconformity", "/source", ""),
        ("Competence", "/requirement", ""),
        ("Measurement", "/frequency", ""),
        ("Measurement", "/results/1/value", "/results/1"),
    ];
    for (kind, field, at) in cases {
        let name = field.rsplit('/').next().expect("name");
        assert_one(&violations_after(kind, |v| remove(v, field)), at, name);
    }
}

#[test]
fn bad_values_are_reported_at_the_value() {
    // The schema checks a reference's shape; that `A.9.1` (2013 numbering)
    // is no 2022 control is the pack's soa-complete rule's finding.
    assert!(violations_after("Control", |v| set(v, "/id", json!("A.9.1"))).is_empty());
    assert_one(
        &violations_after("Control", |v| set(v, "/id", json!("9.1"))),
        "/id",
        "9.1",
    );
    assert_one(
        &violations_after("Control", |v| set(v, "/id", json!("8.24"))),
        "/id",
        "8.24",
    );
    assert_one(
        &violations_after("Control", |v| set(v, "/applicable", json!("yes"))),
        "/applicable",
        "yes",
    );
    assert_one(
        &violations_after("Control", |v| set(v, "/status", json!("done"))),
        "/status",
        "done",
    );
    assert_one(
        &violations_after("Control", |v| set(v, "/justification", json!(""))),
        "/justification",
        "",
    );
    assert_one(
        &violations_after("Risk", |v| set(v, "/controls/1", json!("A.10.1.1"))),
        "/controls/1",
        "A.10.1.1",
    );
    assert_one(
        &violations_after("Risk", |v| set(v, "/treatment", json!("mitigate"))),
        "/treatment",
        "mitigate",
    );
    assert_one(
        &violations_after("Risk", |v| set(v, "/status", json!("done"))),
        "/status",
        "done",
    );
    assert_one(
        &violations_after("Risk", |v| set(v, "/level", json!(3))),
        "/level",
        "3",
    );
    let v = violations_after("Risk", |v| set(v, "/residual/levl", json!("low")));
    assert_eq!(v.len(), 1, "{v:#?}");
    assert_eq!(v[0].0, "/residual");
    assert_one(
        &violations_after("RiskMethod", |v| set(v, "/matrix/likely/major", json!(4))),
        "/matrix/likely/major",
        "4",
    );
    assert_one(
        &violations_after("RiskMethod", |v| set(v, "/levels", json!(["low", "low"]))),
        "/levels",
        "low",
    );
    assert_one(
        &violations_after("StatementOfApplicability", |v| {
            set(v, "/review_interval", json!("yearly"));
        }),
        "/review_interval",
        "duration",
    );
    assert_one(
        &violations_after("StatementOfApplicability", |v| {
            set(v, "/version", json!(1.1))
        }),
        "/version",
        "1.1",
    );
    assert_one(
        &violations_after("InternalAudit", |v| set(v, "/date", json!("2026-02-30"))),
        "/date",
        "date",
    );
    assert_one(
        &violations_after("InternalAudit", |v| {
            set(v, "/findings/0/type", json!("major"));
        }),
        "/findings/0/type",
        "major",
    );
    assert_one(
        &violations_after("InternalAudit", |v| set(v, "/scope", json!([]))),
        "/scope",
        "[]",
    );
    assert_one(
        &violations_after("Nonconformity", |v| {
            set(v, "/effectiveness/effective", json!("yes"));
        }),
        "/effectiveness/effective",
        "yes",
    );
    assert_one(
        &violations_after("Nonconformity", |v| set(v, "/source", json!("customer"))),
        "/source",
        "customer",
    );
    assert_one(
        &violations_after("Competence", |v| set(v, "/expires", json!("soon"))),
        "/expires",
        "date",
    );
    assert_one(
        &violations_after("Measurement", |v| set(v, "/frequency", json!("monthly"))),
        "/frequency",
        "duration",
    );
    assert_one(
        &violations_after("InterestedParty", |v| set(v, "/needs", json!([]))),
        "/needs",
        "[]",
    );
    assert_one(
        &violations_after("Scope", |v| set(v, "/approver", json!("Top Management"))),
        "/approver",
        "Top Management",
    );
}

#[test]
fn unknown_keys_are_errors_but_x_fields_are_not() {
    for kind in ["Scope", "Risk", "Control", "Measurement"] {
        let v = violations_after(kind, |v| set(v, "/approvr", json!("ceo")));
        assert_eq!(v.len(), 1, "{kind}: {v:#?}");
        assert_eq!(v[0].0, "", "{kind}");
        assert!(violations_after(kind, |v| set(v, "/x-jira", json!("SEC-12"))).is_empty());
    }
}

/// The schema's Control id pattern and the compiled-in catalogue agree.
#[test]
fn every_annex_a_control_is_a_valid_control_id() {
    let schemas = Schemas::new();
    for c in crate::annex_a::CONTROLS {
        let mut v = sample("Control");
        set(&mut v, "/id", json!(c.reference));
        set(&mut v, "/title", json!(c.title));
        assert!(schemas.check("Control", &v).is_empty(), "{}", c.reference);
    }
}

/// The rows of a CSV table (RFC 4180: quoted fields, `""` for a quote) as
/// (header, rows of cells). Test-only: the templates' tables are small.
fn csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut rows = Vec::new();
    for line in text.lines() {
        let mut cells = Vec::new();
        let mut cell = String::new();
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(ch) = chars.next() {
            match (ch, quoted) {
                ('"', false) if cell.is_empty() => quoted = true,
                ('"', true) if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                ('"', true) => quoted = false,
                (',', false) => cells.push(std::mem::take(&mut cell)),
                (c, _) => cell.push(c),
            }
        }
        assert!(!quoted, "unterminated quote: {line}");
        cells.push(cell);
        rows.push(cells);
    }
    let header = rows.remove(0);
    for row in &rows {
        assert_eq!(row.len(), header.len(), "ragged row {row:?}");
    }
    (header, rows)
}

/// A table row as the loader types it for `kind` (SPEC 1.4): an empty cell
/// is absent, `a/b` is nested, `;` separates list items, booleans are
/// booleans.
fn row_record(kind: &str, header: &[String], row: &[String]) -> Value {
    const LISTS: &[&str] = &["controls", "risks", "evidence"];
    let mut record = json!({ "kind": kind });
    for (name, cell) in header.iter().zip(row) {
        if cell.is_empty() {
            continue;
        }
        let value = match name.as_str() {
            n if LISTS.contains(&n) => json!(cell.split(';').collect::<Vec<_>>()),
            "applicable" => json!(cell == "true"),
            _ => json!(cell),
        };
        match name.split_once('/') {
            Some((outer, inner)) => {
                record[outer][inner] = value;
            }
            None => record[name.as_str()] = value,
        }
    }
    record
}

fn scaffold_files() -> Vec<(String, String)> {
    crate::init::scaffold::render(crate::time::parse_date("2026-11-29").expect("date"))
}

fn scaffold_file(path: &str) -> String {
    scaffold_files()
        .into_iter()
        .find(|(p, _)| p == path)
        .unwrap_or_else(|| panic!("no {path} in the scaffold"))
        .1
}

#[test]
fn scaffold_risk_register_is_consistent_with_its_method() {
    let schemas = Schemas::new();
    let files = scaffold_files();
    let recs = super::records(files.iter().map(|(p, t)| (p.as_str(), t.as_str())));
    let method = recs
        .iter()
        .find(|r| r["kind"] == "RiskMethod")
        .expect("a RiskMethod");
    let levels: Vec<&str> = method["levels"]
        .as_array()
        .expect("levels")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(levels, ["low", "medium", "high", "critical"]);
    let rank = |l: &Value| levels.iter().position(|x| l == x).expect("a level");
    // A full 5×5 matrix whose levels never fall as likelihood or impact rise.
    let (likelihood, impact) = (&method["likelihood"], &method["impact"]);
    for (i, l) in likelihood
        .as_array()
        .expect("likelihood")
        .iter()
        .enumerate()
    {
        for (j, m) in impact.as_array().expect("impact").iter().enumerate() {
            let cell = &method["matrix"][l.as_str().expect("l")][m.as_str().expect("m")];
            let r = rank(cell);
            if i > 0 {
                let below = &method["matrix"][likelihood[i - 1].as_str().expect("l")]
                    [m.as_str().expect("m")];
                assert!(rank(below) <= r, "{l} {m}");
            }
            if j > 0 {
                let left =
                    &method["matrix"][l.as_str().expect("l")][impact[j - 1].as_str().expect("m")];
                assert!(rank(left) <= r, "{l} {m}");
            }
        }
    }
    let acceptance = rank(&method["acceptance"]);
    let people: Vec<&Value> = recs
        .iter()
        .filter(|r| r["kind"] == "Person")
        .map(|r| &r["id"])
        .collect();

    let (header, rows) = csv(&scaffold_file("registers/risks.csv"));
    assert!(rows.len() >= 3);
    for row in &rows {
        let risk = row_record("Risk", &header, row);
        let v = schemas.check("Risk", &risk);
        assert!(v.is_empty(), "{risk}: {v:#?}");
        assert_eq!(risk["method"], method["id"]);
        assert!(people.contains(&&risk["owner"]), "{risk}");
        let level_of = |r: &Value| {
            &method["matrix"][r["likelihood"].as_str().expect("l")]
                [r["impact"].as_str().expect("i")]
        };
        assert_eq!(level_of(&risk), &risk["level"], "{risk}");
        assert_eq!(
            level_of(&risk["residual"]),
            &risk["residual"]["level"],
            "{risk}"
        );
        if rank(&risk["level"]) > acceptance {
            assert_eq!(risk["treatment"], "modify", "{risk}");
            assert!(rank(&risk["residual"]["level"]) <= acceptance, "{risk}");
        }
        if risk.get("accepted_by").is_some() {
            assert_eq!(risk["accepted_by"], risk["owner"], "{risk}");
        }
        for c in risk["controls"].as_array().into_iter().flatten() {
            assert!(
                crate::annex_a::find(c.as_str().expect("ref")).is_some(),
                "{c}"
            );
        }
    }
}

#[test]
fn scaffold_soa_table_is_the_catalogue_with_empty_justifications() {
    let schemas = Schemas::new();
    let soa = super::documents(
        "soa/statement-of-applicability.md",
        &scaffold_file("soa/statement-of-applicability.md"),
    );
    assert_eq!(soa[0]["controls"], crate::init::scaffold::SOA_CONTROLS);

    let (header, rows) = csv(&scaffold_file(crate::init::scaffold::SOA_CONTROLS));
    assert_eq!(
        header,
        [
            "id",
            "title",
            "applicable",
            "justification",
            "status",
            "owner",
            "risks",
            "evidence"
        ]
    );
    let listed: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    let catalogue: Vec<(&str, &str)> = crate::annex_a::CONTROLS
        .iter()
        .map(|c| (c.reference, c.title))
        .collect();
    assert_eq!(listed, catalogue);
    for row in &rows {
        // Only the justification is missing: the pack reports it until filled.
        let mut control = row_record("Control", &header, row);
        let v = schemas.check("Control", &control);
        assert_eq!(v.len(), 1, "{control}: {v:#?}");
        assert_eq!(v[0].pointer, "");
        assert!(v[0].message.contains("justification"), "{v:#?}");
        control["justification"] = json!("Needed for the risks of the scaffold");
        assert!(schemas.check("Control", &control).is_empty(), "{control}");
        assert_eq!(control["applicable"], true);
    }
}
