//! The built-in `iso27001-2022` pack on the example ISMS (`init --example`,
//! with its real git history): the sample's planted findings are the only
//! ones, and breaking one thing produces exactly the finding for it.

use std::collections::BTreeSet;

use crate::support::Repo;

type Key = (String, String, String);

/// Every active (not waived) finding as (rule, record, severity).
fn findings(repo: &Repo, today: &str) -> BTreeSet<Key> {
    let out = repo.govlint(&["check", "--format", "json", "--today", today]);
    assert!(out.code == 0 || out.code == 1, "{out:?}");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    json["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["waived"].is_null())
        .map(|d| {
            (
                d["rule"].as_str().unwrap_or("").to_owned(),
                d["record"].as_str().unwrap_or("").to_owned(),
                d["severity"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

/// The first finding of `rule` in the JSON report as of `today`.
fn first_finding(repo: &Repo, today: &str, rule: &str) -> serde_json::Value {
    let out = repo.govlint(&["check", "--format", "json", "--today", today]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    json["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|d| d["rule"] == rule)
        .cloned()
        .unwrap_or_default()
}

fn key(rule: &str, record: &str) -> Key {
    (rule.to_owned(), record.to_owned(), "error".to_owned())
}

const TODAY: &str = "2026-11-15";

fn planted() -> BTreeSet<Key> {
    [
        key("iso27001/objective-has-resources", "OBJ-004"),
        key("iso27001/improvement-overdue", "IMP-003"),
        key("iso27001/policy-approval", "POL-AC-001"),
        key("iso27001/management-review-approval", "MR-2026-09"),
        // The rest of the ISMS (EXAMPLE.md, 5 to 7).
        key("iso27001/risk-level-matrix", "R-010"),
        key("schema", "A.8.30"),
        key("iso27001/nonconformity-effectiveness", "NC-2026-002"),
    ]
    .into_iter()
    .collect()
}

/// What breaking one thing added to, and removed from, the sample's findings.
fn delta(before: &BTreeSet<Key>, after: &BTreeSet<Key>) -> (Vec<Key>, Vec<Key>) {
    (
        after.difference(before).cloned().collect(),
        before.difference(after).cloned().collect(),
    )
}

#[test]
fn the_example_has_exactly_its_planted_findings() {
    let repo = Repo::example();
    assert_eq!(findings(&repo, TODAY), planted());
    // The waived objective is still reported, marked as waived.
    let out = repo.govlint(&["check", "--format", "json", "--today", TODAY]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let waived: Vec<&serde_json::Value> = json["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| !d["waived"].is_null())
        .collect();
    assert_eq!(waived.len(), 1, "{json:#}");
    assert_eq!(waived[0]["record"], "OBJ-006");
    assert_eq!(waived[0]["waived"]["waiver"], "WVR-001");
}

#[test]
fn removing_the_only_allocation_of_objectives_flags_each_of_them() {
    let repo = Repo::example();
    std::fs::remove_file(repo.path().join("resources/2026-h2.yaml")).expect("rm");
    let (added, removed) = delta(&planted(), &findings(&repo, TODAY));
    assert!(removed.is_empty(), "{removed:?}");
    assert_eq!(
        added,
        ["OBJ-001", "OBJ-002", "OBJ-003", "OBJ-005"]
            .map(|o| key("iso27001/objective-has-resources", o))
    );
}

#[test]
fn a_management_review_lapsing_past_twelve_months_is_flagged() {
    let repo = Repo::example();
    // The last review was on 2026-09-24: on 2027-09-24 it is twelve months old.
    let before = findings(&repo, "2027-09-24");
    let after = findings(&repo, "2027-09-25");
    let (added, removed) = delta(&before, &after);
    assert!(removed.is_empty(), "{removed:?}");
    assert_eq!(added, vec![key("iso27001/management-review-cadence", "")]);
    let d = first_finding(&repo, "2027-09-25", "iso27001/management-review-cadence");
    assert_eq!(d["clause"], "ISO/IEC 27001:2022 5.1(e)");
    assert!(
        d["file"].is_null(),
        "a repository-level finding has no place: {d:#}"
    );
}

#[test]
fn dropping_the_accountable_role_of_a_raci_activity_is_flagged() {
    let repo = Repo::example();
    let path = repo.path().join("raci/isms-raci.yaml");
    let text = std::fs::read_to_string(&path).expect("read");
    let first = text.find("    accountable: ").expect("an accountable line");
    let end = first + text[first..].find('\n').expect("line end") + 1;
    std::fs::write(&path, format!("{}{}", &text[..first], &text[end..])).expect("write");
    let (added, removed) = delta(&planted(), &findings(&repo, TODAY));
    assert!(removed.is_empty(), "{removed:?}");
    // The schema demands exactly one accountable role, and so does 5.3's rule.
    assert_eq!(
        added,
        vec![
            key("iso27001/raci-accountable", "RACI-ISMS"),
            key("schema", "RACI-ISMS")
        ]
    );
    let d = first_finding(&repo, TODAY, "iso27001/raci-accountable");
    assert_eq!(d["clause"], "ISO/IEC 27001:2022 5.3");
    assert_eq!(d["pointer"], "/activities/0");
    assert_eq!(d["file"], "raci/isms-raci.yaml");
}

#[test]
fn an_owner_pointing_at_an_unknown_person_is_flagged_at_the_owner() {
    let repo = Repo::example();
    let path = repo.path().join("objectives/obj-001.yaml");
    let text = std::fs::read_to_string(&path).expect("read");
    let owner_line = text
        .lines()
        .position(|l| l.starts_with("owner: "))
        .expect("owner")
        + 1;
    let edited: String = text
        .lines()
        .map(|l| {
            if l.starts_with("owner: ") {
                "owner: nobody".to_owned()
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&path, edited + "\n").expect("write");
    let (added, removed) = delta(&planted(), &findings(&repo, TODAY));
    assert!(removed.is_empty(), "{removed:?}");
    assert_eq!(added, vec![key("iso27001/objective-owner", "OBJ-001")]);
    let d = first_finding(&repo, TODAY, "iso27001/objective-owner");
    assert_eq!(d["clause"], "ISO/IEC 27001:2022 6.2");
    assert_eq!(
        (d["file"].as_str(), d["line"].as_u64(), d["column"].as_u64()),
        (
            Some("objectives/obj-001.yaml"),
            Some(owner_line as u64),
            Some(8)
        )
    );
}

#[test]
fn every_rule_of_the_pack_cites_a_clause_and_explains_itself() {
    let repo = Repo::new();
    let out = repo.govlint(&["rules", "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let rules = json["rules"].as_array().cloned().unwrap_or_default();
    assert!(rules.len() >= 30, "{json:#}");
    for r in rules {
        let id = r["id"].as_str().unwrap_or("");
        assert!(id.starts_with("iso27001/"), "{id}");
        assert!(
            r["clause"]
                .as_str()
                .is_some_and(|c| c.starts_with("ISO/IEC 27001:2022 ")),
            "{r}"
        );
        let out = repo.govlint(&["explain", id]);
        assert_eq!(out.code, 0, "{id}: {out:?}");
        assert!(out.stdout.contains("## How to fix"), "{id}: {}", out.stdout);
    }
    for code in [
        "parse",
        "schema",
        "record/duplicate-id",
        "history/shallow",
        "waiver/expired",
    ] {
        assert_eq!(repo.govlint(&["explain", code]).code, 0, "{code}");
    }
    assert_eq!(repo.govlint(&["explain", "no/such-rule"]).code, 2);
}
