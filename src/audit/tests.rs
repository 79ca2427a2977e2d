//! Tests of the pack's content without git: records from YAML text, the
//! built-in rule pack, hand-made findings. The example ISMS with its real
//! history is tested in `tests/it/audit.rs`.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;

use super::*;
use crate::evaluation::Evaluation;
use crate::record::RecordSet;
use crate::rule::testing::{records, today};
use crate::rule::RuleSet;

const RECORDS: &str = "\
kind: Policy
id: POL-1
title: \"Access <script>alert(1)</script> | R&D\"
status: approved
review_interval: P12M
---
kind: Objective
id: OBJ-1
title: Phishing
status: on-track
---
kind: ManagementReview
id: MR-1
date: 2025-04-10
---
kind: ManagementReview
id: MR-2
date: 2025-10-01
---
kind: Role
id: top
name: Top management
top_management: true
";

fn day(s: &str) -> Date {
    crate::time::parse_date(s).expect("valid date")
}

/// An evaluation of `RECORDS` with one failing 5.1(c) rule.
fn evaluation() -> Evaluation {
    let records = records("isms.yaml", RECORDS);
    let ruleset = RuleSet::load(&["iso27001-2022".to_owned()], &[], &BTreeMap::new())
        .expect("the built-in pack loads");
    let obj = records.get("OBJ-1").expect("OBJ-1");
    let mut f = obj.finding(
        "iso27001/objective-has-resources",
        Severity::Error,
        "Objective OBJ-1 has no resource allocation covering today",
        "",
    );
    f.clause = Some("ISO/IEC 27001:2022 5.1(c)".to_owned());
    evaluation_of(records, ruleset, vec![f])
}

/// An evaluation without history or files: what the pack is built from.
fn evaluation_of(records: RecordSet, ruleset: RuleSet, findings: Vec<Finding>) -> Evaluation {
    Evaluation {
        findings,
        records,
        files: HashMap::new(),
        rules: Vec::new(),
        ruleset,
        history: None,
        prefix: String::new(),
        listed: Vec::new(),
    }
}

fn item<'a>(audit: &'a Audit, key: &str) -> &'a ClauseItem {
    audit
        .clauses
        .iter()
        .find(|c| c.clause == key)
        .unwrap_or_else(|| panic!("no clause item {key}"))
}

#[test]
fn without_history_approvals_are_empty_and_a_note_says_why() {
    let audit = build(&evaluation(), None, today(), None);
    assert!(!audit.history);
    assert!(audit.notes.iter().any(|n| n.contains("no git history")));
    assert!(audit.trail.is_empty());
    assert!(audit.records.iter().all(|r| r.last_approval.is_none()));
    let pol = audit
        .records
        .iter()
        .find(|r| r.id == "POL-1")
        .expect("POL-1");
    let next = pol
        .next_review
        .as_ref()
        .expect("a policy has a review cycle");
    assert_eq!(next.due, None);
    assert!(!next.overdue);
    assert_eq!(audit.summary.records, 5);
    assert_eq!(audit.summary.approved_records, 0);
    assert_eq!(audit.summary.findings.error, 1);
}

#[test]
fn clause_items_group_rules_and_records() {
    let audit = build(&evaluation(), None, today(), None);
    let c = item(&audit, "5.1(c)");
    assert_eq!(c.status, ClauseStatus::Findings);
    assert_eq!(c.rules_failed, 1);
    let failing = c
        .rules
        .iter()
        .find(|r| r.result == "fail")
        .expect("a failing rule");
    assert_eq!(failing.id, "iso27001/objective-has-resources");
    assert_eq!(failing.findings[0].record.as_deref(), Some("OBJ-1"));
    assert!(c.records.iter().any(|r| r.id == "OBJ-1"));
    // 9.3 gathers the 9.3.1–9.3.3 rules and is evidenced by the minutes.
    let mr = item(&audit, "9.3");
    assert!(mr.rules.iter().any(|r| r.clause == "9.3.2"));
    assert!(mr.rules.iter().any(|r| r.clause == "9.3.3"));
    assert_eq!(mr.status, ClauseStatus::Evidenced);
    // No Improvement record: nothing evidences 10.1.
    assert_eq!(item(&audit, "10.1").status, ClauseStatus::NoEvidence);
    let fixed: Vec<&str> = clause::ITEMS.iter().map(|i| i.key).collect();
    let keys: Vec<&str> = audit.clauses.iter().map(|c| c.clause.as_str()).collect();
    assert_eq!(keys, fixed, "the pack cites no clause outside the table");
    let s = &audit.summary.clause_items;
    assert_eq!(
        s.evidenced + s.findings + s.no_evidence + s.not_checked,
        fixed.len()
    );
}

#[test]
fn clause_filter_keeps_the_clause_and_its_items() {
    let eval = evaluation();
    let audit = build(&eval, None, today(), Some("5.1"));
    let keys: Vec<&str> = audit.clauses.iter().map(|c| c.clause.as_str()).collect();
    assert_eq!(
        keys,
        ["5.1", "5.1(a)", "5.1(b)", "5.1(c)", "5.1(d)", "5.1(e)", "5.1(f)", "5.1(g)", "5.1(h)"]
    );
    // Records shown are those that evidence the items; no Waiver etc.
    assert!(audit.records.iter().any(|r| r.id == "POL-1"));
    assert!(audit.other_findings.is_empty());

    let narrowed = build(&eval, None, today(), Some("ISO/IEC 27001:2022 9.3.2"));
    assert_eq!(narrowed.clauses.len(), 1);
    assert!(narrowed.clauses[0]
        .rules
        .iter()
        .all(|r| r.clause == "9.3.2"));
    assert!(!narrowed.clauses[0].rules.is_empty());
    let ids: Vec<&str> = narrowed.records.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["MR-1", "MR-2"]);

    let none = build(&eval, None, today(), Some("99.9"));
    assert!(none.clauses.is_empty() && none.records.is_empty());
    assert!(none.notes.iter().any(|n| n.contains("--clause 99.9")));
}

#[test]
fn next_review_is_one_interval_after_the_last_approval() {
    let set = records("p.yaml", RECORDS);
    let pol = set.get("POL-1").expect("POL-1");
    let due = next_review(pol, Some(day("2025-10-01")), today(), true).expect("cycle");
    assert_eq!(due.due.as_deref(), Some("2026-10-01"));
    assert!(due.overdue);
    assert!(due.basis.contains("2025-10-01") && due.basis.contains("P12M"));
    let due = next_review(pol, Some(day("2026-03-19")), today(), true).expect("cycle");
    assert_eq!(due.due.as_deref(), Some("2027-03-19"));
    assert!(!due.overdue);
    // Due today is not yet overdue.
    let due = next_review(pol, Some(day("2025-11-15")), today(), true).expect("cycle");
    assert!(!due.overdue);
    let never = next_review(pol, None, today(), true).expect("cycle");
    assert!(never.due.is_none() && never.basis.contains("never approved"));
    let retired = records(
        "r.yaml",
        "kind: Policy\nid: P\nstatus: retired\nreview_interval: P1Y\n",
    );
    assert!(next_review(retired.get("P").expect("P"), None, today(), true).is_none());
    let objective = set.get("OBJ-1").expect("OBJ-1");
    assert!(next_review(objective, None, today(), true).is_none());
}

#[test]
fn management_reviews_expect_the_next_within_twelve_months() {
    let audit = build(&evaluation(), None, today(), None);
    let next = |id: &str| {
        audit
            .records
            .iter()
            .find(|r| r.id == id)
            .and_then(|r| r.next_review.clone())
            .expect("a management review has a next review")
    };
    let first = next("MR-1");
    assert_eq!(first.due.as_deref(), Some("2026-04-10"));
    assert!(!first.overdue, "MR-2 followed it");
    assert_eq!(first.done_by.as_deref(), Some("MR-2"));
    assert_eq!(next("MR-2").done_by, None);
    let last = next("MR-2");
    assert_eq!(last.due.as_deref(), Some("2026-10-01"));
    assert!(last.overdue);
    assert_eq!(audit.summary.overdue_reviews, 1);
}

#[test]
fn hostile_titles_are_escaped_in_markdown_and_html() {
    let audit = build(&evaluation(), None, today(), None);
    let md = audit.to_markdown();
    assert!(!md.contains("<script>"), "raw HTML in Markdown");
    assert!(md.contains("Access &lt;script&gt;alert(1)&lt;/script&gt; \\| R&amp;D"));
    // Every table row of the records section has as many cells as its header.
    let rows: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("| POL-1 ") && l.contains("isms.yaml"))
        .collect();
    assert_eq!(rows.len(), 1, "{md}");
    for line in rows {
        let cells = line.replace("\\|", "").matches('|').count();
        assert_eq!(cells, 10, "{line}");
    }
    let html = audit.to_html();
    assert!(!html.contains("<script"), "a script in the HTML");
    assert!(html.contains("Access &lt;script&gt;alert(1)&lt;/<wbr>script&gt; | R&amp;D"));
    assert_eq!(
        html.matches("<table ").count(),
        html.matches("</table>").count()
    );
    assert_eq!(html.matches("<tr>").count(), html.matches("</tr>").count());
    // JSON keeps the text as written.
    let json: serde_json::Value = serde_json::from_str(&audit.to_json()).expect("JSON");
    assert_eq!(
        json["records"]
            .as_array()
            .and_then(|r| r.iter().find(|r| r["id"] == "POL-1"))
            .map(|r| r["title"].clone()),
        Some(serde_json::json!("Access <script>alert(1)</script> | R&D"))
    );
}

#[test]
fn json_is_deterministic_and_versioned() {
    let eval = evaluation();
    let a = build(&eval, None, today(), None).to_json();
    let b = build(&eval, None, today(), None).to_json();
    assert_eq!(a, b);
    let json: serde_json::Value = serde_json::from_str(&a).expect("JSON");
    assert_eq!(json["version"], 1);
    assert_eq!(json["generated_for"], "2026-11-15");
    assert_eq!(json["revision"], serde_json::Value::Null);
    let kinds: Vec<&str> = json["records"]
        .as_array()
        .map(|r| r.iter().filter_map(|r| r["kind"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        kinds,
        [
            "Role",
            "Policy",
            "Objective",
            "ManagementReview",
            "ManagementReview"
        ]
    );
    let first = json["clauses"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["clause"] == "5.1"))
        .expect("5.1");
    assert_eq!(first["status"], "evidenced");
    assert_eq!(json["clauses"][0]["clause"], "4.1");
    assert!(json["clauses"]
        .as_array()
        .is_some_and(|c| c.iter().any(|c| c["status"] == "no evidence")));
}

/// An evaluation of `text` under the whole built-in pack, with no finding:
/// every rule passes.
fn passing_evaluation(text: &str) -> Evaluation {
    let records = records("isms.yaml", text);
    let ruleset = RuleSet::load(&["iso27001-2022".to_owned()], &[], &BTreeMap::new())
        .expect("the built-in pack loads");
    evaluation_of(records, ruleset, Vec::new())
}

#[test]
fn an_item_no_rule_checks_is_not_checked_and_never_evidenced() {
    let text = format!("{RECORDS}---\nkind: Communication\nid: COM-1\ntopic: Kick-off\n");
    let audit = build(&passing_evaluation(&text), None, today(), None);
    // 7.3 (awareness) has records but no rule of the pack cites it.
    let awareness = item(&audit, "7.3");
    assert!(awareness.rules.is_empty());
    assert!(awareness.records.iter().any(|r| r.id == "COM-1"));
    assert_eq!(awareness.status, ClauseStatus::NotChecked);
    let json: serde_json::Value = serde_json::from_str(&audit.to_json()).expect("JSON");
    let item_json = json["clauses"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["clause"] == "7.3"))
        .expect("7.3");
    assert_eq!(item_json["status"], "not_checked");
    assert!(audit.summary.clause_items.not_checked >= 1);
    assert!(audit
        .to_markdown()
        .contains("No enabled rule checks this item"));
    // An evidenced item always has a rule, and all its rules pass.
    for c in &audit.clauses {
        if c.status == ClauseStatus::Evidenced {
            assert!(!c.rules.is_empty(), "{} evidenced without a rule", c.clause);
            assert!(c.rules.iter().all(|r| r.result == "pass"), "{}", c.clause);
        }
        if c.rules.is_empty() {
            assert_eq!(c.status, ClauseStatus::NotChecked, "{}", c.clause);
        }
    }
}

#[test]
fn a_failing_warning_rule_keeps_an_item_from_being_evidenced() {
    let mut eval = passing_evaluation(RECORDS);
    let pol = eval.records.get("POL-1").expect("POL-1");
    let mut f = pol.finding(
        "iso27001/policy-strategy-alignment",
        Severity::Warning,
        "Policy POL-1 names no strategy",
        "",
    );
    f.clause = Some("ISO/IEC 27001:2022 5.1(a)".to_owned());
    eval.findings.push(f);
    let audit = build(&eval, None, today(), None);
    assert_eq!(item(&audit, "5.1(a)").status, ClauseStatus::Findings);
}

#[test]
fn kinds_no_rule_asks_to_approve_show_no_never_approved() {
    let audit = build(&passing_evaluation(RECORDS), None, today(), None);
    let required = |id: &str| {
        audit
            .records
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.approval_required)
            .unwrap_or_else(|| panic!("no record {id}"))
    };
    // The pack's approval rules select Policy, ResourceAllocation and
    // ManagementReview; no rule asks for an approval of an Objective or a
    // Role.
    assert!(required("POL-1"));
    assert!(required("MR-1"));
    assert!(!required("OBJ-1"));
    assert!(!required("top"));
    let md = audit.to_markdown();
    let row = |id: &str| {
        md.lines()
            .find(|l| l.starts_with(&format!("| {id} ")) && l.contains("isms.yaml"))
            .unwrap_or_else(|| panic!("no row of {id}"))
            .to_owned()
    };
    assert!(row("POL-1").contains("never approved"));
    assert!(row("OBJ-1").contains("approval not required"));
    assert!(!row("OBJ-1").contains("never approved"));
    let html = audit.to_html();
    assert!(html.contains("(approval not required)"));
    assert!(clause::approved_kinds(&[]).contains("Waiver"));
    assert!(!clause::approved_kinds(&[]).contains("Objective"));
}

#[test]
fn the_pack_states_what_makes_it_again() {
    let mut audit = build(&evaluation(), None, today(), None);
    audit.repository = Some("acme-isms".to_owned());
    let json: serde_json::Value = serde_json::from_str(&audit.to_json()).expect("JSON");
    let fingerprint = json["rules"]["fingerprint"].as_str().expect("fingerprint");
    assert!(fingerprint.starts_with("fnv1a64:"), "{fingerprint}");
    assert_eq!(json["rules"]["count"], audit.rules.count);
    for text in [audit.to_markdown(), audit.to_html()] {
        assert!(text.contains(fingerprint));
        assert!(text.contains(&audit.generator));
        assert!(text.contains("2026-11-15"));
        assert!(text.contains("acme-isms"));
    }
    let html = audit.to_html();
    assert!(html.contains("<svg class=\"timeline\""));
    assert!(html.contains("class=\"running\""));
}

/// Every clause of the standard from 4.1 to 10.2 has an item, in order.
#[test]
fn the_clause_table_covers_4_1_to_10_2() {
    let keys: Vec<&str> = clause::ITEMS.iter().map(|i| i.key).collect();
    let mut expected = vec!["4.1", "4.2", "4.3", "4.4", "5.1"];
    let letters = [
        "5.1(a)", "5.1(b)", "5.1(c)", "5.1(d)", "5.1(e)", "5.1(f)", "5.1(g)", "5.1(h)",
    ];
    expected.extend(letters);
    expected.extend([
        "5.2", "5.3", "6.1", "6.1.2", "6.1.3", "6.1.3(d)", "6.2", "6.3", "7.1", "7.2", "7.3",
        "7.4", "7.5", "8.1", "8.2", "8.3", "9.1", "9.2", "9.3", "10.1", "10.2",
    ]);
    assert_eq!(keys, expected);
    // Every item has a title, and one with no kind of its own says what to
    // look at instead.
    for i in clause::ITEMS {
        assert!(!i.title.is_empty(), "{}", i.key);
        if i.kinds.is_empty() {
            assert!(i.note.is_some(), "{} has no kind and no note", i.key);
        }
    }
    let audit = build(&evaluation(), None, today(), None);
    let shown: Vec<&str> = audit.clauses.iter().map(|c| c.clause.as_str()).collect();
    assert_eq!(shown, expected);
    // Items no rule or record can evidence are never evidenced.
    for key in ["4.1", "4.4", "6.3", "8.1"] {
        let c = item(&audit, key);
        assert_eq!(c.status, ClauseStatus::NotChecked, "{key}");
        assert!(c.note.is_some(), "{key}");
    }
    let md = audit.to_markdown();
    assert!(
        md.contains("### 4.1 — Understanding the organization"),
        "{md}"
    );
    assert!(md.contains("What to look at:"));
}

#[test]
fn sub_items_are_selected_by_their_own_number() {
    let eval = evaluation();
    let keys = |filter: &str| -> Vec<String> {
        build(&eval, None, today(), Some(filter))
            .clauses
            .iter()
            .map(|c| c.clause.clone())
            .collect()
    };
    assert_eq!(keys("6.1.3"), ["6.1.3", "6.1.3(d)"]);
    assert_eq!(keys("6.1.3(d)"), ["6.1.3(d)"]);
    assert_eq!(keys("ISO/IEC 27001:2022 6.1.3 d)"), ["6.1.3(d)"]);
    assert_eq!(keys("6.1"), ["6.1", "6.1.2", "6.1.3", "6.1.3(d)"]);
    assert_eq!(keys("5.1(c)"), ["5.1(c)"]);
    assert_eq!(keys("10.2"), ["10.2"]);
    assert_eq!(clause::key_of("ISO/IEC 27001:2022 6.1.3d"), "6.1.3(d)");
    assert_eq!(clause::key_of("ISO/IEC 27001:2022 6.1.3 (d)"), "6.1.3(d)");
    assert_eq!(clause::key_of("6.1.3 d)"), "6.1.3(d)");
    // The SoA comes with the items that hold 6.1.3(d), and only those.
    assert!(build(&eval, None, today(), Some("6.1.3"))
        .statement_of_applicability
        .is_some());
    assert!(build(&eval, None, today(), Some("5.1"))
        .statement_of_applicability
        .is_none());
}

/// The known gap: a rule that passes because it selected nothing is no
/// evidence, even when records of the item's other kinds exist.
#[test]
fn a_rule_that_selects_no_record_evidences_nothing() {
    let text = format!(
        "{RECORDS}---\nkind: RiskMethod\nid: RM-1\n---\nkind: Improvement\nid: IMP-1\nstatus: done\n"
    );
    let ruleset = crate::rule::testing::load_ok(
        "rules:
  - id: acme/risk-owner
    clause: \"ISO/IEC 27001:2022 6.1.2\"
    severity: error
    message: no owner
    for: { kind: Risk }
    check:
      - { field: /owner, required: true }
  - id: acme/open-improvement-owner
    clause: \"ISO/IEC 27001:2022 10.1\"
    severity: error
    message: no owner
    for: { kind: Improvement, where: { status: open } }
    check:
      - { field: /owner, required: true }
  - id: acme/method-named
    clause: \"ISO/IEC 27001:2022 6.1\"
    severity: error
    message: no id
    for: { kind: RiskMethod }
    check:
      - { field: /id, required: true }
",
    );
    let eval = evaluation_of(records("isms.yaml", &text), ruleset, Vec::new());
    let audit = build(&eval, None, today(), None);
    // RM-1 exists, but there is no Risk for the 6.1.2 rule to judge.
    let assessment = item(&audit, "6.1.2");
    assert!(assessment.records.iter().any(|r| r.id == "RM-1"));
    assert_eq!(assessment.rules[0].result, "pass");
    assert_eq!(assessment.rules[0].judged, 0);
    assert_eq!(assessment.status, ClauseStatus::NoEvidence);
    assert!(
        assessment.reason.contains("no Risk record"),
        "{}",
        assessment.reason
    );
    // IMP-1 exists but is done: the rule over open ones selected nothing.
    let improvement = item(&audit, "10.1");
    assert_eq!(improvement.status, ClauseStatus::NoEvidence);
    assert!(improvement.reason.contains("selected no record"));
    // A rule that judged RM-1 and passed evidences 6.1.
    let general = item(&audit, "6.1");
    assert_eq!(general.rules[0].judged, 1);
    assert_eq!(general.status, ClauseStatus::Evidenced);
    assert!(audit.to_markdown().contains("pass (nothing to check)"));
}

const SOA: &str = "\
kind: StatementOfApplicability
id: SOA-1
version: \"1.0\"
controls: soa/controls.csv
approver: top
---
kind: Control
id: A.5.1
applicable: true
justification: Required by the policy
status: implemented
owner: mia
risks: [R-2]
evidence: [POL-1]
---
kind: Control
id: A.5.2
applicable: false
justification: \"\"
status: not-implemented
---
kind: Control
id: A.9.9
applicable: true
justification: From the 2013 edition
status: planned
---
kind: Risk
id: R-1
title: Phishing
controls: [A.5.1, A.8.7]
";

#[test]
fn the_soa_has_a_row_for_every_annex_a_control() {
    let mut eval = passing_evaluation(&format!("{RECORDS}---\n{SOA}"));
    let control = eval.records.get("A.5.2").expect("A.5.2");
    let f = control.finding(
        "iso27001/soa-justification",
        Severity::Error,
        "Control A.5.2 is excluded without a justification",
        "/justification",
    );
    eval.findings.push(f);
    let audit = build(&eval, None, today(), None);
    let soa = audit
        .statement_of_applicability
        .as_ref()
        .expect("an SoA section");
    let catalogue: Vec<&SoaRow> = soa.controls.iter().filter(|r| r.title.is_some()).collect();
    assert_eq!(catalogue.len(), 93);
    assert_eq!(catalogue[0].reference, "A.5.1");
    assert_eq!(catalogue[92].reference, "A.8.34");
    let row = |r: &str| {
        soa.controls
            .iter()
            .find(|c| c.reference == r)
            .unwrap_or_else(|| panic!("no row {r}"))
    };
    let a51 = row("A.5.1");
    assert_eq!(a51.state, "listed");
    assert_eq!(a51.applicable, Some(true));
    assert_eq!(
        a51.title.as_deref(),
        Some("Policies for information security")
    );
    assert_eq!(a51.theme, Some("organizational"));
    assert_eq!(a51.risks, ["R-1", "R-2"]);
    assert_eq!(a51.evidence, ["POL-1"]);
    assert_eq!(a51.file.as_deref(), Some("isms.yaml"));
    let a52 = row("A.5.2");
    assert_eq!(a52.applicable, Some(false));
    assert_eq!(a52.justification, None, "an empty justification is none");
    assert_eq!(a52.findings[0].rule, "iso27001/soa-justification");
    // A control the SoA leaves out is a row saying so, with the risks that
    // rely on it all the same.
    let a87 = row("A.8.7");
    assert_eq!(a87.state, "missing");
    assert_eq!(a87.record, None);
    assert_eq!(a87.risks, ["R-1"]);
    // A Control record that is no Annex A control comes last.
    let last = soa.controls.last().expect("rows");
    assert_eq!((last.reference.as_str(), last.state), ("A.9.9", "unknown"));
    assert_eq!(soa.controls.len(), 94);
    let c = &soa.counts;
    assert_eq!(
        (c.catalogue, c.listed, c.missing, c.unknown),
        (93, 2, 91, 1)
    );
    assert_eq!((c.applicable, c.excluded, c.with_findings), (2, 1, 1));
    assert_eq!(c.by_status.get("implemented"), Some(&1));
    assert_eq!(soa.statements[0].id, "SOA-1");
    assert_eq!(soa.statements[0].version.as_deref(), Some("1.0"));

    // JSON: stable keys, 93 + 1 rows.
    let json: serde_json::Value = serde_json::from_str(&audit.to_json()).expect("JSON");
    let rows = json["statement_of_applicability"]["controls"]
        .as_array()
        .expect("rows");
    assert_eq!(rows.len(), 94);
    let keys: Vec<&str> = rows[0]
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "reference",
            "title",
            "theme",
            "state",
            "record",
            "file",
            "line",
            "applicable",
            "justification",
            "status",
            "owner",
            "risks",
            "evidence",
            "findings"
        ]
    );
    assert_eq!(json["statement_of_applicability"]["counts"]["missing"], 91);

    // Markdown and HTML: one table row per control, the missing one marked.
    let md = audit.to_markdown();
    assert!(md.contains("## Statement of Applicability"));
    let section = md
        .split("## Statement of Applicability")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("the SoA section");
    let md_rows = section.lines().filter(|l| l.starts_with("| A.")).count();
    assert_eq!(md_rows, 94, "{md}");
    assert!(section
        .lines()
        .any(|l| l.starts_with("| A.8.7 |") && l.contains("**missing**")));
    let html = audit.to_html();
    assert!(html.contains("<section id=\"soa\">"));
    assert_eq!(html.matches("<table class=\"grid t-soa\">").count(), 5);
    assert!(html.contains("href=\"#soa\""));
}

#[test]
fn without_an_soa_every_control_is_missing() {
    let audit = build(&evaluation(), None, today(), None);
    let soa = audit.statement_of_applicability.expect("an SoA section");
    assert_eq!(soa.controls.len(), 93);
    assert!(soa.controls.iter().all(|r| r.state == "missing"));
    assert!(soa.statements.is_empty());
    assert!(audit_md_mentions_no_statement());
}

fn audit_md_mentions_no_statement() -> bool {
    build(&evaluation(), None, today(), None)
        .to_markdown()
        .contains("No StatementOfApplicability record.")
}

/// The pack of a small ISMS under a fixed rule file (not the built-in
/// pack, whose growth must not churn these snapshots), evaluated for real.
fn snapshot_audit() -> Audit {
    let text = format!("{RECORDS}---\n{SOA}");
    let records = records("isms.yaml", &text);
    let ruleset = crate::rule::testing::load_ok(
        "rules:
  - id: acme/policy-approved
    clause: \"ISO/IEC 27001:2022 5.2\"
    severity: error
    message: \"Policy {{id}} is not approved\"
    for: { kind: Policy }
    check:
      - { field: /status, equals: approved }
  - id: acme/soa-justified
    clause: \"ISO/IEC 27001:2022 6.1.3 d)\"
    severity: error
    message: \"Control {{id}} has no justification\"
    for: { kind: Control }
    check:
      - { field: /justification, nonempty: true }
  - id: acme/risk-owner
    clause: \"ISO/IEC 27001:2022 6.1.2\"
    severity: warning
    message: \"Risk {{id}} has no owner\"
    for: { kind: Risk }
    check:
      - { field: /owner, required: true }
  - id: acme/audit-auditor
    clause: \"ISO/IEC 27001:2022 9.2.2\"
    severity: error
    message: \"Internal audit {{id}} names no auditor\"
    for: { kind: InternalAudit }
    check:
      - { field: /auditor, required: true }
",
    );
    let ctx = crate::rule::Context::new(&records, today(), &crate::rule::NoHistory);
    let findings = ruleset.evaluate(&ctx);
    build(
        &evaluation_of(records, ruleset, findings),
        None,
        today(),
        None,
    )
}

#[test]
fn markdown_pack_snapshot() {
    let audit = snapshot_audit();
    insta::assert_snapshot!("audit_markdown", audit.to_markdown());
}

#[test]
fn json_pack_snapshot() {
    let audit = snapshot_audit();
    insta::assert_snapshot!("audit_json", audit.to_json());
}

#[test]
fn records_are_listed_in_natural_order() {
    let mut ids = vec!["A.8.10", "A.8.2", "A.10.1", "R-10", "R-9", "A.8.3"];
    ids.sort_by_key(|id| natural(id));
    assert_eq!(ids, ["A.8.2", "A.8.3", "A.8.10", "A.10.1", "R-9", "R-10"]);
}
