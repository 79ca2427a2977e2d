//! The pack's rules for the rest of the ISMS (SPEC 1.3, 3.1's second
//! paragraph) on a real repository: a clean set of Scope, InterestedParty,
//! RiskMethod, Risk, Control (the whole Annex A), StatementOfApplicability,
//! InternalAudit, Nonconformity, Competence and Measurement records, approved
//! in git, gives no finding from those rules; breaking them gives exactly the
//! findings for what was broken, at their place.

use std::fmt::Write as _;

use crate::support::Repo;

/// The pack's rules for clauses 4.2 to 10.2.
const RULES: &[&str] = &[
    "iso27001/scope-exists",
    "iso27001/scope-approval",
    "iso27001/scope-exclusion-justified",
    "iso27001/interested-parties-recorded",
    "iso27001/interested-party-needs",
    "iso27001/risk-method-approval",
    "iso27001/risk-owner",
    "iso27001/risk-method",
    "iso27001/risk-levels-known",
    "iso27001/risk-level-matrix",
    "iso27001/risk-treatment",
    "iso27001/risk-controls",
    "iso27001/risk-controls-applicable",
    "iso27001/risk-residual-accepted",
    "iso27001/risk-acceptance-approved",
    "iso27001/soa-complete",
    "iso27001/soa-justification",
    "iso27001/soa-approval",
    "iso27001/internal-audit-coverage",
    "iso27001/internal-audit-auditor",
    "iso27001/internal-audit-independence",
    "iso27001/nonconformity-corrective-action",
    "iso27001/nonconformity-effectiveness",
    "iso27001/competence-evidenced",
    "iso27001/competence-current",
    "iso27001/objective-measured",
    "iso27001/measurement-current",
];

const PEOPLE: &str = "\
kind: Person
id: P-JANE
name: Jane Doe
email: jane@acme.example
roles: [R-BOARD]
---
kind: Person
id: P-ALEX
name: Alex Kim
email: alex@acme.example
roles: [R-CISO]
---
kind: Person
id: P-SAM
name: Sam Lee
email: sam@acme.example
roles: [R-AUDIT]
---
kind: Role
id: R-BOARD
name: Executive board
top_management: true
---
kind: Role
id: R-CISO
name: Chief information security officer
---
kind: Role
id: R-AUDIT
name: Internal auditor
";

const CONTEXT: &str = "\
kind: Scope
id: SCOPE-ISMS
title: ISMS scope
boundaries: [The SaaS platform and the teams that build and run it]
exclusions:
  - item: The retail shop
    justification: Run by a franchisee under its own ISMS; no shared systems
interested_parties: [IP-CUSTOMERS]
approver: R-BOARD
---
kind: InterestedParty
id: IP-CUSTOMERS
name: Customers
needs: [Their data is kept confidential, The service is available]
";

const METHOD: &str = "\
kind: RiskMethod
id: RM-1
likelihood: [rare, possible, likely]
impact: [minor, moderate, major]
matrix:
  rare: {minor: low, moderate: low, major: medium}
  possible: {minor: low, moderate: medium, major: high}
  likely: {minor: medium, moderate: high, major: high}
levels: [low, medium, high]
acceptance: low
approver: R-BOARD
";

const RISKS: &str = "\
kind: Risk
id: RSK-001
title: Laptop theft exposes customer data
owner: P-ALEX
method: RM-1
likelihood: likely
impact: major
level: high
treatment: modify
controls: [A.8.1, A.8.24]
residual: {likelihood: rare, impact: major, level: medium}
accepted_by: P-ALEX
status: treated
---
kind: Risk
id: RSK-002
title: A supplier leaks test data
owner: P-ALEX
method: RM-1
likelihood: possible
impact: moderate
level: medium
treatment: share
controls: [A.5.20]
status: open
---
kind: Risk
id: RSK-003
title: Office flood damages paper records
owner: P-ALEX
method: RM-1
likelihood: rare
impact: minor
level: low
treatment: retain
accepted_by: P-ALEX
status: accepted
";

const AUDITS: &str = "\
kind: InternalAudit
id: IA-2026-1
date: 2026-03-10
auditor: P-SAM
scope: ['4', '5', '6.1', '7', R-CISO]
criteria: ISO/IEC 27001:2022 and the ISMS manual
---
kind: InternalAudit
id: IA-2026-2
date: 2026-09-22
auditor: P-SAM
scope: ['8', '9', '10']
criteria: ISO/IEC 27001:2022 and the ISMS manual
---
kind: Nonconformity
id: NC-2026-01
opened: 2026-03-12
source: audit
description: Two leavers kept VPN access
owner: P-ALEX
root_cause: The leaver checklist has no VPN step
corrective_action: Add VPN revocation to the HR leaver workflow
status: closed
effectiveness: {date: 2026-09-01, effective: true, note: No leaver kept access since}
---
kind: Competence
id: CMP-ALEX-LI
person: P-ALEX
role: R-CISO
requirement: ISO/IEC 27001 lead implementer
evidence: [evidence/alex-lead-implementer.pdf]
date: 2025-05-10
expires: 2028-05-10
---
kind: Objective
id: OBJ-001
title: Patch critical vulnerabilities within 14 days
owner: P-ALEX
metric: Share of critical patches applied within 14 days
target: \">= 95%\"
due: 2027-06-30
status: on-track
---
kind: Measurement
id: MEAS-001
subject: OBJ-001
metric: Share of critical patches applied within 14 days
method: Monthly report from the vulnerability scanner
frequency: P1M
results: [{date: 2026-10-01, value: 0.91}, {date: 2026-11-01, value: 0.96}]
";

const SOA: &str = "\
kind: StatementOfApplicability
id: SOA-2026
version: \"3\"
controls: soa/controls.yaml
approver: R-BOARD
review_interval: P12M
";

/// Every Annex A control as an SoA row (A.7.4 excluded, with its reason).
fn controls() -> String {
    let mut text = String::new();
    for (i, c) in govlint::annex_a::CONTROLS.iter().enumerate() {
        if i > 0 {
            text.push_str("---\n");
        }
        let (applicable, justification) = if c.reference == "A.7.4" {
            (
                "false",
                "No premises of our own; the hosting provider monitors its sites",
            )
        } else {
            ("true", "Treats risks of the register")
        };
        let _ = write!(
            text,
            "kind: Control\nid: {}\ntitle: {}\napplicable: {applicable}\njustification: {justification}\nstatus: implemented\n",
            c.reference, c.title
        );
    }
    text
}

/// The clean ISMS, committed, with the approvals git must hold.
fn clean() -> Repo {
    let repo = Repo::new();
    repo.write("govlint.yaml", "version: 1\n")
        .write("people.yaml", PEOPLE)
        .write("context.yaml", CONTEXT)
        .write("risk/method.yaml", METHOD)
        .write("risk/register.yaml", RISKS)
        .write("audits.yaml", AUDITS)
        .write("soa/soa.yaml", SOA)
        .write("soa/controls.yaml", &controls());
    repo.init();
    repo.commit_all("Add the ISMS records", "2026-10-01T10:00:00Z");
    let approve = |who: (&'static str, &'static str), ids: &[&str], date: &str| {
        let mut c = repo.commit("Approve", who, date).allow_empty();
        for id in ids {
            c = c.trailer(format!("Approves: {id}"));
        }
        c.trailer(format!("Approved-by: {} <{}>", who.0, who.1))
            .run();
    };
    approve(
        ("Jane Doe", "jane@acme.example"),
        &["SCOPE-ISMS", "RM-1", "SOA-2026"],
        "2026-10-02T10:00:00Z",
    );
    approve(
        ("Alex Kim", "alex@acme.example"),
        &["RSK-001", "RSK-003"],
        "2026-10-03T10:00:00Z",
    );
    repo
}

/// The report's diagnostics of the rules above and of `schema`.
fn new_findings(repo: &Repo) -> Vec<serde_json::Value> {
    let (code, json) = repo.check_json(&[]);
    assert!(code == 0 || code == 1, "{json:#}");
    json["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| {
            let rule = d["rule"].as_str().unwrap_or("");
            RULES.contains(&rule) || rule == "schema" || rule.starts_with("record/")
        })
        .cloned()
        .collect()
}

/// (rule, record, file, line, column) of a diagnostic, for comparisons.
fn place(d: &serde_json::Value) -> (String, String, String, u64, u64) {
    (
        d["rule"].as_str().unwrap_or("").to_owned(),
        d["record"].as_str().unwrap_or("").to_owned(),
        d["file"].as_str().unwrap_or("").to_owned(),
        d["line"].as_u64().unwrap_or(0),
        d["column"].as_u64().unwrap_or(0),
    )
}

/// 1-based line of the first line of `text` equal to `line` after `after`.
fn line_of(text: &str, after: &str, line: &str) -> u64 {
    let start = text.find(after).expect("anchor");
    let before = text[..start].lines().count();
    let offset = text[start..].lines().position(|l| l == line).expect("line");
    (before + offset + 1) as u64
}

#[test]
fn a_clean_isms_gives_no_finding_from_the_rules_of_clauses_4_to_10() {
    let repo = clean();
    let found = new_findings(&repo);
    assert!(found.is_empty(), "{found:#?}");
    // Every rule exists in the pack (a misspelt id above would pass vacuously).
    let out = repo.govlint(&["rules", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let ids: Vec<&str> = json["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["id"].as_str())
        .collect();
    for rule in RULES {
        assert!(ids.contains(rule), "{rule} is not in the pack");
    }
}

#[test]
fn breaking_the_isms_is_reported_rule_by_rule_at_its_place() {
    let repo = clean();
    // The SoA: A.8.24 dropped, A.5.1 listed twice, a 2013 reference, and
    // A.7.4 excluded without a justification.
    let mut soa = controls();
    let a824 = soa.find("id: A.8.24\n").expect("A.8.24");
    let start = soa[..a824].rfind("kind: Control").expect("start");
    let end = start + soa[start..].find("---\n").expect("end") + 4;
    soa.replace_range(start..end, "");
    soa = soa.replace(
        "justification: No premises of our own; the hosting provider monitors its sites",
        "justification: \"\"",
    );
    soa.push_str("---\nkind: Control\nid: A.5.1\napplicable: true\njustification: Again\nstatus: implemented\n");
    soa.push_str("---\nkind: Control\nid: A.9.1\napplicable: true\njustification: Access control\nstatus: implemented\n");
    repo.write("soa/controls.yaml", &soa);
    // A risk level the matrix does not give; a risk above acceptance retained.
    let risks = RISKS
        .replace(
            "level: medium\ntreatment: share",
            "level: low\ntreatment: share",
        )
        .replace(
            "likelihood: rare\nimpact: minor\nlevel: low\ntreatment: retain",
            "likelihood: likely\nimpact: major\nlevel: high\ntreatment: retain",
        );
    repo.write("risk/register.yaml", &risks);
    // An auditor auditing their own area; a nonconformity closed unreviewed.
    let audits = format!(
        "{AUDITS}---\nkind: InternalAudit\nid: IA-2026-3\ndate: 2026-10-20\nauditor: P-SAM\nscope: ['9.2', R-AUDIT]\ncriteria: The audit programme\n---\nkind: Nonconformity\nid: NC-2026-02\nopened: 2026-04-02\nsource: incident\ndescription: A backup restore failed\nowner: P-ALEX\nroot_cause: The restore was never tested\ncorrective_action: Quarterly restore tests\nstatus: closed\n"
    );
    repo.write("audits.yaml", &audits);

    let found = new_findings(&repo);
    let of = |rule: &str| -> Vec<&serde_json::Value> {
        found.iter().filter(|d| d["rule"] == rule).collect()
    };

    // Where a built-in schema rejects a value, its `schema` finding is the
    // one reported at that place (a rule's finding there is dropped): the
    // Control schema also knows the reference pattern and that a
    // justification is not empty. So each of these places has exactly one
    // finding, from the rule or from the schema.
    let at = |record: &str, pointer: &str| -> Vec<&serde_json::Value> {
        found
            .iter()
            .filter(|d| d["record"] == record && d["pointer"] == pointer)
            .filter(|d| d["rule"] != "record/duplicate-id")
            .collect()
    };

    // soa-complete: the missing control (repo-level, with its title) and
    // the duplicate at the second row.
    let soa_findings = of("iso27001/soa-complete");
    let messages: Vec<&str> = soa_findings
        .iter()
        .map(|d| d["message"].as_str().unwrap_or(""))
        .collect();
    assert!(
        messages[0].ends_with("A.8.24 Use of cryptography is missing"),
        "{messages:#?}"
    );
    assert!(soa_findings[0]["file"].is_null(), "{:#}", soa_findings[0]);
    let dup_line = line_of(
        &soa,
        "id: A.5.1\napplicable: true\njustification: Again",
        "id: A.5.1",
    );
    assert_eq!(
        place(soa_findings[1]),
        (
            "iso27001/soa-complete".to_owned(),
            "A.5.1".to_owned(),
            "soa/controls.yaml".to_owned(),
            dup_line,
            5
        )
    );
    assert!(messages[1].contains("names A.5.1 again"), "{}", messages[1]);
    assert_eq!(soa_findings[1]["related"].as_array().map(Vec::len), Some(1));
    // The duplicate id is also a duplicate record id.
    assert_eq!(
        found
            .iter()
            .filter(|d| d["rule"] == "record/duplicate-id" && d["line"].as_u64() == Some(dup_line))
            .count(),
        1,
        "{found:#?}"
    );

    // The 2013 reference A.9.1: reported at its id.
    let unknown = at("A.9.1", "/id");
    assert_eq!(unknown.len(), 1, "{found:#?}");
    assert!(
        unknown[0]["rule"] == "schema" || unknown[0]["rule"] == "iso27001/soa-complete",
        "{:#}",
        unknown[0]
    );
    assert_eq!(
        (
            unknown[0]["file"].as_str(),
            unknown[0]["line"].as_u64(),
            unknown[0]["column"].as_u64()
        ),
        (
            Some("soa/controls.yaml"),
            Some(line_of(&soa, "id: A.9.1", "id: A.9.1")),
            Some(5)
        )
    );
    assert!(
        unknown[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("A.9.1")),
        "{:#}",
        unknown[0]
    );

    // The excluded control's empty justification, at that field's value.
    let just = at("A.7.4", "/justification");
    assert_eq!(just.len(), 1, "{found:#?}");
    assert!(
        just[0]["rule"] == "schema" || just[0]["rule"] == "iso27001/soa-justification",
        "{:#}",
        just[0]
    );
    assert_eq!(
        (
            just[0]["file"].as_str(),
            just[0]["line"].as_u64(),
            just[0]["column"].as_u64()
        ),
        (
            Some("soa/controls.yaml"),
            Some(line_of(&soa, "id: A.7.4", "justification: \"\"")),
            Some(16)
        )
    );

    // The risk whose level disagrees with the matrix, at its level.
    let matrix = of("iso27001/risk-level-matrix");
    assert_eq!(matrix.len(), 1, "{matrix:#?}");
    assert_eq!(
        place(matrix[0]),
        (
            "iso27001/risk-level-matrix".to_owned(),
            "RSK-002".to_owned(),
            "risk/register.yaml".to_owned(),
            line_of(&risks, "id: RSK-002", "level: low"),
            8
        )
    );
    assert!(
        matrix[0]["message"].as_str().is_some_and(
            |m| m.contains("gives `medium` for likelihood `possible`, impact `moderate`")
        ),
        "{:#}",
        matrix[0]
    );

    // The risk above acceptance that is retained, at its treatment.
    let treatment = of("iso27001/risk-treatment");
    assert_eq!(treatment.len(), 1, "{treatment:#?}");
    assert_eq!(
        place(treatment[0]),
        (
            "iso27001/risk-treatment".to_owned(),
            "RSK-003".to_owned(),
            "risk/register.yaml".to_owned(),
            line_of(&risks, "id: RSK-003", "treatment: retain"),
            12
        )
    );

    // The auditor auditing their own role, at that scope entry.
    let own = of("iso27001/internal-audit-independence");
    assert_eq!(own.len(), 1, "{own:#?}");
    assert_eq!(own[0]["record"], "IA-2026-3");
    assert_eq!(own[0]["pointer"], "/scope/1");
    assert_eq!(
        own[0]["line"].as_u64(),
        Some(line_of(&audits, "id: IA-2026-3", "scope: ['9.2', R-AUDIT]"))
    );

    // The closed nonconformity without an effectiveness review.
    let eff = of("iso27001/nonconformity-effectiveness");
    assert_eq!(eff.len(), 2, "date and verdict both missing: {eff:#?}");
    assert!(eff.iter().all(|d| d["record"] == "NC-2026-02"), "{eff:#?}");

    // RSK-001 relies on A.8.24, which the SoA no longer lists.
    let relies = of("iso27001/risk-controls-applicable");
    assert_eq!(relies.len(), 1, "{relies:#?}");
    assert_eq!(
        (relies[0]["record"].as_str(), relies[0]["pointer"].as_str()),
        (Some("RSK-001"), Some("/controls/1"))
    );

    // Nothing else from these rules.
    let mut rules: Vec<&str> = found
        .iter()
        .filter_map(|d| d["rule"].as_str())
        .filter(|r| r.starts_with("iso27001/"))
        .collect();
    rules.sort_unstable();
    rules.dedup();
    assert_eq!(
        rules,
        [
            "iso27001/internal-audit-independence",
            "iso27001/nonconformity-effectiveness",
            "iso27001/risk-controls-applicable",
            "iso27001/risk-level-matrix",
            "iso27001/risk-treatment",
            "iso27001/soa-complete",
        ],
        "{found:#?}"
    );
}
