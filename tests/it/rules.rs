//! Declarative rules end to end (issue #3): the built binary runs
//! `check --format json --today 2026-11-15` on a copy of
//! `fixtures/rules/acme` — a governance repository whose `rules/acme.yaml`
//! is written from SPEC 3 alone, with no built-in pack — and on variations
//! of it; the tests assert each diagnostic's rule, record, file and line.
//! Also: rule-file errors (exit 2), severity overrides, waivers with and
//! without git approval, the built-in pack, and `explain`.

use crate::support::{copy_dir, diagnostics, fixtures, Repo};

fn acme() -> Repo {
    let repo = Repo::new();
    copy_dir(&fixtures().join("rules").join("acme"), repo.path());
    repo
}

/// (rule, record, file, line) of a diagnostic.
type Place = (String, Option<String>, Option<String>, Option<u64>);

/// The place of every diagnostic of `rule`, in report order.
fn places(json: &serde_json::Value, rule: &str) -> Vec<Place> {
    diagnostics(json, rule)
        .into_iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap_or_default().to_owned(),
                d["record"].as_str().map(str::to_owned),
                d["file"].as_str().map(str::to_owned),
                d["line"].as_u64(),
            )
        })
        .collect()
}

fn place(rule: &str, record: &str, file: &str, line: u64) -> Place {
    (
        rule.to_owned(),
        Some(record.to_owned()),
        Some(file.to_owned()),
        Some(line),
    )
}

#[test]
fn repository_rules_report_at_the_node_they_looked_at() {
    let repo = acme();
    let (code, json) = repo.check_json(&[]);
    assert_eq!(code, 1, "{json:#}");

    // `referenced_by` is placed at the record's id.
    assert_eq!(
        places(&json, "acme/objective-has-resources"),
        [place(
            "acme/objective-has-resources",
            "OBJ-002",
            "objectives/obj-002.yaml",
            2
        )],
        "{json:#}"
    );
    let d = diagnostics(&json, "acme/objective-has-resources")[0];
    assert_eq!(d["pointer"], "/id");
    assert_eq!(d["clause"], "ISO/IEC 27001:2022 5.1(c)");
    assert_eq!(d["severity"], "error");
    assert!(
        d["message"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Objective OBJ-002 has no resource allocation covering today"),
        "{d:#}"
    );
    assert_eq!(
        d["help"],
        "Add a ResourceAllocation whose supports list names OBJ-002."
    );

    // `ref` is placed at the dangling id.
    assert_eq!(
        places(&json, "acme/objective-owner-exists"),
        [place(
            "acme/objective-owner-exists",
            "OBJ-002",
            "objectives/obj-002.yaml",
            4
        )]
    );
    let d = diagnostics(&json, "acme/objective-owner-exists")[0];
    assert_eq!(
        (d["pointer"].as_str(), d["column"].as_u64()),
        (Some("/owner"), Some(8))
    );
    assert!(
        d["message"]
            .as_str()
            .unwrap_or_default()
            .contains("owned by bob"),
        "{d:#}"
    );

    assert_eq!(
        places(&json, "acme/objective-not-overdue"),
        [place(
            "acme/objective-not-overdue",
            "OBJ-002",
            "objectives/obj-002.yaml",
            7
        )]
    );
    assert_eq!(
        diagnostics(&json, "acme/objective-not-overdue")[0]["severity"],
        "warning"
    );

    // The second id of a list, in the first of two documents.
    assert_eq!(
        places(&json, "acme/allocation-supports-objectives"),
        [place(
            "acme/allocation-supports-objectives",
            "RA-2026",
            "resources/allocations.yaml",
            4
        )]
    );
    let d = diagnostics(&json, "acme/allocation-supports-objectives")[0];
    assert_eq!(
        (d["pointer"].as_str(), d["column"].as_u64()),
        (Some("/supports/1"), Some(21))
    );

    // A forbidden word in a Markdown body is placed at the word itself.
    assert_eq!(
        places(&json, "acme/no-tbd-in-approved-policies"),
        [place(
            "acme/no-tbd-in-approved-policies",
            "POL-IS-001",
            "policies/information-security-policy.md",
            15
        )]
    );
    let d = diagnostics(&json, "acme/no-tbd-in-approved-policies")[0];
    assert_eq!(
        (d["pointer"].as_str(), d["column"].as_u64()),
        (Some("/body"), Some(8))
    );

    // An aggregate finding has no place in a file.
    let d = diagnostics(&json, "acme/review-cadence");
    assert_eq!(d.len(), 1, "{json:#}");
    assert!(
        d[0]["file"].is_null() && d[0]["line"].is_null() && d[0]["record"].is_null(),
        "{:#}",
        d[0]
    );
    assert!(
        d[0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("the newest is MR-2025 of 2025-06-12"),
        "{:#}",
        d[0]
    );
}

#[test]
fn a_broken_rule_file_is_a_config_error_with_its_place() {
    let repo = acme();
    repo.write(
        "rules/broken.yaml",
        "rules:\n  - id: acme/broken\n    severity: error\n    message: x\n    check:\n      - { field: /title, pattern: \"(unclosed\" }\n      - { fiel: /title }\n",
    );
    let out = repo.govlint(&["check", "--format", "json", "--today", "2026-11-15"]);
    assert_eq!(out.code, 2, "{out:#?}");
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(all.contains("rules/broken.yaml"), "{all}");
    assert!(all.contains("unknown assertion `fiel`"), "{all}");
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(&out.stdout) {
        let d = diagnostics(&json, "config");
        assert!(
            d.iter()
                .any(|d| d["file"] == "rules/broken.yaml" && d["line"] == 7),
            "{json:#}"
        );
    }
}

#[test]
fn severity_overrides_apply_and_unknown_ones_fail() {
    let repo = acme();
    repo.write(
        "govlint.yaml",
        "version: 1\npacks: []\nrules: [rules]\nseverity:\n  acme/objective-not-overdue: off\n  acme/review-cadence: error\n",
    );
    let (_, json) = repo.check_json(&[]);
    assert!(
        diagnostics(&json, "acme/objective-not-overdue").is_empty(),
        "{json:#}"
    );
    assert_eq!(
        diagnostics(&json, "acme/review-cadence")[0]["severity"],
        "error"
    );

    repo.write(
        "govlint.yaml",
        "version: 1\npacks: []\nrules: [rules]\nseverity:\n  acme/no-such-rule: off\n",
    );
    let out = repo.govlint(&["check", "--format", "json", "--today", "2026-11-15"]);
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(format!("{}{}", out.stdout, out.stderr).contains("acme/no-such-rule"));
}

const WAIVER: &str = "\
kind: Waiver
id: W-1
rule: acme/objective-owner-exists
records: [OBJ-002]
reason: Bob joins on 2026-12-01 and takes the objective over.
expires: 2026-12-31
approver: ceo
";

#[test]
fn a_waiver_without_approval_silences_nothing() {
    let repo = acme();
    repo.write("waivers/w-1.yaml", WAIVER);
    repo.init();
    let (code, json) = repo.check_json(&[]);
    assert_eq!(code, 1);
    let d = diagnostics(&json, "acme/objective-owner-exists");
    assert_eq!(d.len(), 1, "{json:#}");
    assert!(d[0]["waived"].is_null(), "{:#}", d[0]);
    assert_eq!(
        places(&json, "waiver/unapproved"),
        [place("waiver/unapproved", "W-1", "waivers/w-1.yaml", 1)],
        "{json:#}"
    );
}

#[test]
fn an_approved_waiver_silences_its_rule_on_its_records() {
    let repo = acme();
    repo.write("waivers/w-1.yaml", WAIVER);
    repo.init();
    repo.commit_all("Add the ISMS records", "2026-11-01T10:00:00Z");
    // Jane (ceo) approves the waiver herself: strength `self`.
    repo.commit(
        "Approve W-1",
        ("Jane Doe", "jane@acme.example"),
        "2026-11-02T10:00:00Z",
    )
    .trailer("Approves: W-1")
    .trailer("Approved-by: Jane Doe <jane@acme.example>")
    .allow_empty()
    .run();

    let (_, json) = repo.check_json(&[]);
    let d = diagnostics(&json, "acme/objective-owner-exists");
    assert_eq!(d.len(), 1, "waived findings stay in the report: {json:#}");
    assert_eq!(d[0]["waived"]["waiver"], "W-1", "{:#}", d[0]);
    assert!(
        diagnostics(&json, "waiver/unapproved").is_empty(),
        "{json:#}"
    );
    assert!(diagnostics(&json, "waiver/unused").is_empty(), "{json:#}");
    // Other findings about OBJ-002 are not waived.
    assert!(diagnostics(&json, "acme/objective-has-resources")[0]["waived"].is_null());
}

#[test]
fn an_expired_waiver_is_reported_at_expires() {
    let repo = acme();
    repo.write(
        "waivers/w-1.yaml",
        &WAIVER.replace("2026-12-31", "2026-11-14"),
    );
    repo.init();
    let (_, json) = repo.check_json(&[]);
    assert_eq!(
        places(&json, "waiver/expired"),
        [place("waiver/expired", "W-1", "waivers/w-1.yaml", 6)],
        "{json:#}"
    );
    assert!(diagnostics(&json, "acme/objective-owner-exists")[0]["waived"].is_null());
}

#[test]
fn the_builtin_pack_reports_repo_level_gaps_without_a_place() {
    let repo = Repo::new();
    repo.write("govlint.yaml", "version: 1\npacks: [iso27001-2022]\n")
        .write(
            "people/jane.yaml",
            "kind: Person\nid: jane\nname: Jane Doe\nemail: jane@acme.example\nroles: [ceo]\n",
        );
    repo.init();
    let (code, json) = repo.check_json(&[]);
    assert_eq!(code, 1, "{json:#}");
    let d = diagnostics(&json, "iso27001/policy-exists");
    assert_eq!(d.len(), 1, "{json:#}");
    assert!(
        d[0]["file"].is_null() && d[0]["line"].is_null(),
        "{:#}",
        d[0]
    );
    assert_eq!(d[0]["clause"], "ISO/IEC 27001:2022 5.1(a)");
    // The dangling role of the only person.
    assert_eq!(
        places(&json, "iso27001/person-roles"),
        [place(
            "iso27001/person-roles",
            "jane",
            "people/jane.yaml",
            5
        )]
    );
}

#[test]
fn explain_prints_rule_and_code_docs() {
    let repo = acme();
    let out = repo.govlint(&["explain", "iso27001/objective-has-resources"]);
    assert_eq!(out.code, 0, "{out:#?}");
    for part in [
        "## What it checks",
        "## Why it matters",
        "## How to fix",
        "5.1(c)",
        "```yaml",
    ] {
        assert!(out.stdout.contains(part), "{part} missing: {}", out.stdout);
    }
    let out = repo.govlint(&["explain", "acme/objective-has-resources"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(out.stdout.contains("rules/acme.yaml"), "{}", out.stdout);
    let out = repo.govlint(&["explain", "waiver/unapproved"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(out.stdout.contains("approver"), "{}", out.stdout);
    let out = repo.govlint(&["explain", "acme/nothing-like-this"]);
    assert_ne!(out.code, 0, "{out:#?}");
}
