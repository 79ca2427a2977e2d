//! Tests of whole rules: selection, message and help templates, placement,
//! aggregates, severities, history detection.

use super::testing::{load_ok, records, today, FakeEvidence};
use super::{Context, Level, NoHistory, RuleSet};
use crate::finding::{Finding, Severity};
use crate::record::RecordSet;

const REPO: &str = "\
kind: ManagementReview
id: MR-1
date: 2025-03-01
chair: P-1
actions:
  - {id: A1, owner: P-1, due: 2026-01-31, status: open}
  - {id: A2, owner: P-1, due: 2026-01-31, status: done}
---
kind: ManagementReview
id: MR-2
date: 2025-06-01
chair: P-1
---
kind: Person
id: P-1
name: Jane
email: jane@acme.example
roles: []
---
kind: Person
id: P-2
name: John
email: jane@acme.example
roles: []
";

fn run(rules: &str, text: &str) -> Vec<Finding> {
    let set = load_ok(rules);
    let recs = records("repo.yaml", text);
    set.evaluate(&Context::new(&recs, today(), &NoHistory))
}

fn line(f: &Finding) -> Option<usize> {
    f.location.as_ref().map(|l| l.line)
}

#[test]
fn each_rules_fill_templates_from_the_element_and_name_the_record() {
    let f = run(
        "rules:
  - id: acme/action-overdue
    clause: ISO/IEC 27001:2022 9.3.3
    severity: error
    message: Action {{id}} of review {{chair}} is overdue.
    help: Ask {{owner}} to close {{ id }} ({{nope}}).
    for: { kind: ManagementReview, each: { field: /actions, where: { status: open } } }
    check:
      - date: { field: /due, not_overdue: true }
",
        REPO,
    );
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].rule, "acme/action-overdue");
    assert_eq!(f[0].record.as_deref(), Some("MR-1"));
    assert_eq!(f[0].kind.as_deref(), Some("ManagementReview"));
    assert_eq!(f[0].pointer.as_deref(), Some("/actions/0/due"));
    assert_eq!(line(&f[0]), Some(6));
    assert_eq!(
        f[0].message,
        "Action A1 of review P-1 is overdue: `actions[0].due` 2026-01-31 is overdue (today is 2026-11-15)"
    );
    assert_eq!(f[0].help.as_deref(), Some("Ask P-1 to close A1 ()."));
    assert_eq!(f[0].clause.as_deref(), Some("ISO/IEC 27001:2022 9.3.3"));
}

#[test]
fn aggregates_min_count_and_newest_have_no_place() {
    let f = run(
        "rules:
  - id: acme/review-cadence
    severity: warning
    message: No management review in the last 12 months
    for: { kind: ManagementReview }
    aggregate: { newest: { field: /date, within: P12M } }
  - id: acme/two-policies
    severity: info
    message: Fewer than two policies
    for: { kind: Policy }
    aggregate: { min_count: 2 }
",
        REPO,
    );
    assert_eq!(f.len(), 2, "{f:#?}");
    assert_eq!(
        f[0].message,
        "No management review in the last 12 months: the newest is MR-2 of 2025-06-01, older than P12M (before 2025-11-15)"
    );
    assert!(f[0].location.is_none() && f[0].record.is_none());
    assert_eq!(f[0].severity, Severity::Warning);
    assert_eq!(f[0].related.len(), 1);
    assert_eq!(f[0].related[0].location.line, 11);
    assert_eq!(
        f[1].message,
        "Fewer than two policies: found 0 Policy record(s), at least 2 required"
    );
}

#[test]
fn aggregate_unique_places_each_duplicate() {
    let f = run(
        "rules:
  - id: acme/unique-email
    severity: error
    message: Person {{id}} shares an email
    for: { kind: Person }
    aggregate: { unique: /email }
",
        REPO,
    );
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].record.as_deref(), Some("P-2"));
    assert_eq!(f[0].pointer.as_deref(), Some("/email"));
    assert_eq!(line(&f[0]), Some(23));
    assert_eq!(
        f[0].message,
        "Person P-2 shares an email: `email` jane@acme.example is also used by P-1"
    );
    assert_eq!(f[0].related[0].location.line, 17);
}

#[test]
fn unknown_history_is_a_warning_never_an_error() {
    let rules = load_ok(
        "rules:
  - id: acme/minutes-approved
    severity: error
    message: Minutes {{id}} are not approved by the chair
    for: { kind: ManagementReview }
    check:
      - approved: { by: { field: /chair } }
",
    );
    assert!(rules.needs_history());
    let recs = records("repo.yaml", REPO);
    let ev = FakeEvidence {
        unknown: true,
        ..FakeEvidence::default()
    };
    let f = rules.evaluate(&Context::new(&recs, today(), &ev));
    assert_eq!(f.len(), 2);
    assert!(f.iter().all(|f| f.severity == Severity::Warning), "{f:#?}");
    // Placed at the record.
    assert_eq!(line(&f[0]), Some(1));
}

#[test]
fn history_need_is_detected_in_nested_and_selector_assertions() {
    let nested = load_ok(
        "rules:
  - id: acme/x
    severity: error
    message: x
    for: { kind: Policy, if: [ { reviewed: {} } ] }
    aggregate: { min_count: 1 }
",
    );
    assert!(nested.needs_history());
    let plain = load_ok(
        "rules:
  - id: acme/y
    severity: error
    message: y
    check: [ { field: /id, required: true } ]
",
    );
    assert!(!plain.needs_history());
    let with_waiver = records("w.yaml", "kind: Waiver\nid: W-1\n");
    assert!(plain.needs_history_for(&with_waiver));
    assert!(!plain.needs_history_for(&RecordSet::default()));
}

#[test]
fn evaluation_order_is_stable() {
    let pack = RuleSet::load(
        &["iso27001-2022".to_owned()],
        &[],
        &std::collections::BTreeMap::new(),
    )
    .unwrap();
    let recs = records("repo.yaml", REPO);
    let ctx = Context::new(&recs, today(), &NoHistory);
    let a = pack.evaluate(&ctx);
    let b = pack.evaluate(&ctx);
    assert!(!a.is_empty());
    assert_eq!(a, b);
}

#[test]
fn levels() {
    for (s, l) in [
        ("error", Level::Error),
        ("warning", Level::Warning),
        ("info", Level::Info),
        ("off", Level::Off),
    ] {
        assert_eq!(Level::parse(s), Some(l));
    }
    assert_eq!(Level::Off.severity(), None);
    assert_eq!(Level::Info.severity(), Some(Severity::Info));
    assert_eq!(Level::parse("fatal"), None);
}
