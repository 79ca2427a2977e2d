//! `govlint audit` on the example ISMS (`init --example`, with its real git
//! history), as of the example's own date 2026-11-15.
//!
//! Most tests build the pack through the library, the way `app.rs` does
//! (`Workspace::open` → `evaluate` → `GitEvidence` → `audit::build`); the
//! `cli_*` tests run `govlint audit` itself.

use std::path::Path;

use clap::Parser;
use govlint::app::{evaluate, Options, Workspace};
use govlint::audit::Audit;
use govlint::cli::Cli;
use govlint::evidence::GitEvidence;
use govlint::record::snapshot::ContentSource;

use crate::support::Repo;

const TODAY: &str = "2026-11-15";

/// The pack of the repository at `dir`, built as `govlint audit` builds it.
fn pack(dir: &Path, clause: Option<&str>) -> Audit {
    let dir = dir.to_string_lossy();
    let cli = Cli::parse_from(["govlint", "-C", &dir, "--today", TODAY, "audit"]);
    let ws = Workspace::open(&cli).expect("workspace");
    let today = govlint::time::parse_date(TODAY).expect("date");
    let eval = evaluate(
        &ws,
        &Options {
            source: ContentSource::WorkTree,
            today,
            allow_shallow: false,
            force_history: true,
            verbose: false,
        },
    )
    .expect("evaluation");
    let history = eval
        .history
        .as_ref()
        .expect("the example is a git repository");
    let evidence = GitEvidence::new(history, &eval.records, eval.prefix.clone(), false)
        .with_trust(&ws.config.allowed_signers, ws.config.key_admins.as_deref());
    let mut audit = govlint::audit::build(&eval, Some(&evidence), today, clause);
    // As `govlint audit` names it: the work tree's folder.
    audit.repository = ws
        .repo
        .as_ref()
        .and_then(|r| r.work_dir())
        .and_then(|d| d.file_name())
        .map(|n| n.to_string_lossy().into_owned());
    audit
}

fn json(audit: &Audit) -> serde_json::Value {
    serde_json::from_str(&audit.to_json()).expect("the JSON format is JSON")
}

fn record<'a>(json: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    json["records"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["id"] == id))
        .unwrap_or_else(|| panic!("no record {id}"))
}

fn clause<'a>(json: &'a serde_json::Value, key: &str) -> &'a serde_json::Value {
    json["clauses"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["clause"] == key))
        .unwrap_or_else(|| panic!("no clause item {key}"))
}

#[test]
fn json_pack_of_the_example() {
    let repo = Repo::example();
    let audit = pack(repo.path(), None);
    let j = json(&audit);
    assert_eq!(j["version"], 1);
    assert_eq!(j["generated_for"], TODAY);
    assert_eq!(
        j["revision"].as_str(),
        Some(repo.git(&["rev-parse", "HEAD"]).trim())
    );
    // 57 YAML and Markdown records, 10 risks and 93 controls from tables.
    assert_eq!(j["records"].as_array().map(Vec::len), Some(160));
    assert_eq!(j["summary"]["records"], 160);
    assert_eq!(j["summary"]["findings"]["error"], 8);
    assert_eq!(j["summary"]["findings"]["waived"], 1);
    assert_eq!(j["summary"]["changed_since_approval"], 1);

    // Tom edited the access control policy after Mia approved it.
    let pol = record(&j, "POL-AC-001");
    assert_eq!(pol["changed_since_approval"], true);
    assert_eq!(pol["last_approval"]["person"], "mia-hoffmann");
    assert_eq!(pol["last_approval"]["unchanged"], false);
    assert_eq!(pol["next_review"]["due"], "2027-05-07");
    assert_eq!(pol["findings"][0], "iso27001/policy-approval");
    let is = record(&j, "POL-IS-001");
    assert_eq!(is["changed_since_approval"], false);
    assert_eq!(is["last_approval"]["strength"], "self");
    // Mia approved it again once the CI witness ran (EXAMPLE.md, Witnesses).
    assert_eq!(is["last_approval"]["date"], "2026-10-27");
    // Approvals and reviews are kept apart: Dana's October review.
    assert_eq!(is["last_review"]["person"], "dana-okafor");
    assert_eq!(is["last_review"]["date"], "2026-10-19");
    assert_eq!(is["next_review"]["due"], "2027-10-27");

    // The September minutes carry only Lena's commit of Mia's trailer.
    let mr = record(&j, "MR-2026-09");
    assert_eq!(mr["last_approval"]["strength"], "claimed");
    assert_eq!(mr["next_review"]["due"], "2027-09-24");
    assert_eq!(
        record(&j, "MR-2026-04")["next_review"]["done_by"],
        "MR-2026-09"
    );

    // The RACI matrix is approved by the annotated tag.
    assert_eq!(record(&j, "RACI-ISMS")["last_approval"]["tag"], "isms-v1");
}

#[test]
fn clause_items_carry_their_rules_and_records() {
    let repo = Repo::example();
    let j = json(&pack(repo.path(), None));
    let c = clause(&j, "5.1(c)");
    assert_eq!(c["status"], "findings");
    let failing: Vec<&serde_json::Value> = c["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["result"] == "fail")
        .flat_map(|r| r["findings"].as_array().into_iter().flatten())
        .collect();
    assert!(
        failing
            .iter()
            .any(|f| f["record"] == "OBJ-004" && f["waived_by"].is_null()),
        "{failing:?}"
    );
    // OBJ-006's finding is shown as waived, not hidden.
    assert!(failing
        .iter()
        .any(|f| f["record"] == "OBJ-006" && f["waived_by"] == "WVR-001"));
    let evidence: Vec<&str> = c["records"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert!(evidence.contains(&"RA-2026-H2") && evidence.contains(&"OBJ-004"));
    assert_eq!(clause(&j, "9.3")["status"], "findings");
    assert_eq!(clause(&j, "10.1")["status"], "findings");
    assert_eq!(clause(&j, "5.1(d)")["status"], "evidenced");
}

#[test]
fn trail_is_chronological_and_matches_log() {
    let repo = Repo::example();
    let j = json(&pack(repo.path(), None));
    let trail = j["trail"].as_array().expect("trail");
    let dates: Vec<&str> = trail.iter().filter_map(|t| t["date"].as_str()).collect();
    assert_eq!(dates.len(), trail.len());
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");

    for id in ["POL-IS-001", "MR-2026-04", "RACI-ISMS"] {
        let out = repo.govlint(&["log", id, "--format", "json", "--today", TODAY]);
        assert_eq!(out.code, 0, "{out:?}");
        let log: serde_json::Value = serde_json::from_str(&out.stdout).expect("log json");
        // `log` lists newest first, the trail oldest first.
        let mut expected: Vec<serde_json::Value> = log["events"]
            .as_array()
            .expect("events")
            .iter()
            .map(|e| {
                serde_json::json!([
                    e["kind"],
                    e["date"],
                    e["commit"],
                    e["person"],
                    e["strength"],
                    e["tag"]
                ])
            })
            .collect();
        expected.reverse();
        let got: Vec<serde_json::Value> = trail
            .iter()
            .filter(|t| t["record"] == id)
            .map(|t| {
                serde_json::json!([
                    t["event"],
                    t["date"],
                    t["commit"],
                    t["person"],
                    t["strength"],
                    t["tag"]
                ])
            })
            .collect();
        assert!(!got.is_empty(), "{id} has events");
        assert_eq!(got, expected, "{id}");
    }
}

#[test]
fn clause_filter_keeps_5_1_and_its_items() {
    let repo = Repo::example();
    let j = json(&pack(repo.path(), Some("5.1")));
    let keys: Vec<&str> = j["clauses"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["clause"].as_str())
        .collect();
    assert_eq!(keys.first(), Some(&"5.1"));
    assert_eq!(keys.len(), 9, "{keys:?}");
    assert!(keys.iter().all(|k| k.starts_with("5.1")));
    assert_eq!(j["clause"], "5.1");
    // Every record shown evidences one of the items, and so does the trail.
    let shown: Vec<&str> = j["records"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert!(!shown.is_empty());
    assert!(j["trail"]
        .as_array()
        .into_iter()
        .flatten()
        .all(|t| shown.contains(&t["record"].as_str().unwrap_or(""))));

    let j = json(&pack(repo.path(), Some("9.3")));
    assert_eq!(j["clauses"].as_array().map(Vec::len), Some(1));
    assert_eq!(j["records"].as_array().map(Vec::len), Some(2));
}

#[test]
fn html_is_self_contained_and_balanced() {
    let repo = Repo::example();
    let html = pack(repo.path(), None).to_html();
    assert!(html.starts_with("<!DOCTYPE html>"));
    let lower = html.to_lowercase();
    for banned in [
        "<link", "<script", "src=", "url(", "@import", "http://", "https://",
    ] {
        assert!(!lower.contains(banned), "the HTML contains `{banned}`");
    }
    for tag in ["table", "thead", "tbody", "tr", "section", "td", "th"] {
        assert_eq!(
            html.matches(&format!("<{tag}>")).count() + html.matches(&format!("<{tag} ")).count(),
            html.matches(&format!("</{tag}>")).count(),
            "<{tag}> is not balanced"
        );
    }
    assert!(html.contains("POL-AC-001"));
    assert!(html.trim_end().ends_with("</html>"));
}

#[test]
fn markdown_tables_keep_their_shape() {
    let repo = Repo::example();
    let md = pack(repo.path(), None).to_markdown();
    assert!(md.starts_with("# ISMS evidence pack\n"));
    for heading in ["## Summary", "## Clause items", "## Records", "## Trail"] {
        assert!(md.contains(heading), "{heading}");
    }
    // Within a table, every row has as many cells as its header.
    let mut width = None;
    for line in md.lines() {
        if !line.starts_with('|') {
            width = None;
            continue;
        }
        let cells = line.replace("\\|", "").matches('|').count();
        match width {
            None => width = Some(cells),
            Some(w) => assert_eq!(cells, w, "{line}"),
        }
    }
    assert!(md.contains("| POL-AC-001 |"));
}

#[test]
fn cli_audit_writes_each_format() {
    let repo = Repo::example();
    let out = repo.govlint(&["audit", "--format", "json", "--today", TODAY]);
    // A report, not a gate: written means exit 0, findings or not.
    assert_eq!(out.code, 0, "{out:?}");
    let j: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(j["records"].as_array().map(Vec::len), Some(160));
    assert_eq!(j, json(&pack(repo.path(), None)));
    // The root of trust is named for the auditor to confirm (SPEC 2.3).
    assert_eq!(j["trust_root"]["file"], ".govlint/allowed_signers", "{j:#}");

    let file = repo.path().join("pack.html");
    let out = repo.govlint(&[
        "audit",
        "--format",
        "html",
        "--today",
        TODAY,
        "--output",
        &file.to_string_lossy(),
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    let html = std::fs::read_to_string(&file).expect("pack.html");
    assert!(html.starts_with("<!DOCTYPE html>"));

    let out = repo.govlint(&["audit", "--clause", "5.1", "--today", TODAY]);
    assert!(out.stdout.starts_with("# ISMS evidence pack"), "{out:?}");
    assert!(out.stdout.contains("### 5.1(c)"));
    assert!(!out.stdout.contains("### 9.3"));

    let out = repo.govlint(&["audit", "--clause", "42", "--today", TODAY]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("42"), "{out:?}");
}

/// Issue 11: a clause item no rule checks is "not checked", never
/// "evidenced"; kinds no rule asks to be approved show no "never approved".
#[test]
fn issue_11_verdicts_do_not_claim_what_no_rule_checked() {
    let repo = Repo::example();
    let j = json(&pack(repo.path(), None));
    // No rule of the pack cites 7.3 (awareness): it used to say "evidenced".
    let awareness = clause(&j, "7.3");
    assert_eq!(awareness["status"], "not_checked");
    assert_eq!(awareness["rules"].as_array().map(Vec::len), Some(0));
    assert!(j["summary"]["clause_items"]["not_checked"].as_u64() >= Some(1));
    for c in j["clauses"].as_array().expect("clauses") {
        let rules = c["rules"].as_array().expect("rules");
        if c["status"] == "evidenced" {
            assert!(
                !rules.is_empty(),
                "{} evidenced without a rule",
                c["clause"]
            );
            assert!(rules.iter().all(|r| r["result"] == "pass"), "{c}");
        }
    }
    // Roles, Persons and Objectives are never asked to be approved.
    for id in ["ceo", "mia-hoffmann", "OBJ-001", "COM-2026-001"] {
        assert_eq!(record(&j, id)["approval_required"], false, "{id}");
    }
    assert_eq!(record(&j, "POL-IS-001")["approval_required"], true);
    let html = pack(repo.path(), None).to_html();
    for id in ["ceo", "OBJ-001"] {
        let row = html
            .lines()
            .find(|l| l.contains(&format!("id=\"record-{id}\"")))
            .unwrap_or_else(|| panic!("no row of {id}"));
        assert!(!row.contains("never approved"), "{row}");
        assert!(row.contains("approval not required"), "{row}");
    }
}

/// Issue 11: the same commit and `--today` make a byte-identical pack.
#[test]
fn issue_11_packs_are_byte_identical_for_the_same_commit_and_today() {
    let repo = Repo::example();
    for format in ["html", "markdown", "json"] {
        let run = |n: u32| {
            let file = repo.path().join(format!("pack-{n}.{format}"));
            let out = repo.govlint(&[
                "audit",
                "--format",
                format,
                "--today",
                TODAY,
                "-q",
                "--output",
                &file.to_string_lossy(),
            ]);
            assert_eq!(out.code, 0, "{out:?}");
            std::fs::read(&file).expect("the pack")
        };
        let (a, b) = (run(1), run(2));
        assert!(!a.is_empty());
        assert!(a == b, "two {format} packs of one commit differ");
        let text = String::from_utf8(a).expect("UTF-8");
        let head = repo.git(&["rev-parse", "HEAD"]);
        assert!(text.contains(head.trim()), "{format}: no full commit id");
        assert!(text.contains("fnv1a64:"), "{format}: no rules fingerprint");
        assert!(text.contains(TODAY), "{format}: no today");
    }
    // Another day is another pack.
    let out = repo.govlint(&["audit", "--format", "json", "--today", "2026-11-16"]);
    let other: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(other["generated_for"], "2026-11-16");
}

#[test]
fn issue_11_since_limits_the_trail_and_the_timeline() {
    let repo = Repo::example();
    let out = repo.govlint(&["audit", "--format", "json", "--today", TODAY]);
    let all: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let out = repo.govlint(&[
        "audit",
        "--format",
        "json",
        "--today",
        TODAY,
        "--since",
        "2026-06-01",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    let since: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(since["since"], "2026-06-01");
    let dates = |j: &serde_json::Value| -> Vec<String> {
        j["trail"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t["date"].as_str().map(str::to_owned))
            .collect()
    };
    let (before, after) = (dates(&all), dates(&since));
    assert!(!after.is_empty() && after.len() < before.len());
    assert!(
        after.iter().all(|d| d.as_str() >= "2026-06-01"),
        "{after:?}"
    );
    let expected: Vec<&String> = before
        .iter()
        .filter(|d| d.as_str() >= "2026-06-01")
        .collect();
    assert_eq!(after.iter().collect::<Vec<_>>(), expected);
    // The records still show their last approval, whenever it was.
    assert_eq!(
        record(&since, "POL-AC-001")["last_approval"]["date"],
        "2026-05-07"
    );

    let out = repo.govlint(&[
        "audit",
        "--format",
        "html",
        "--today",
        TODAY,
        "--since",
        "2026-06-01",
    ]);
    assert!(out.stdout.contains("limited to events on or after"));
    assert!(!out
        .stdout
        .contains("<title>2026-03-19 approval of POL-IS-001"));
    let out = repo.govlint(&["audit", "--format", "html", "--today", TODAY]);
    assert!(out
        .stdout
        .contains("<title>2026-03-19 approval of POL-IS-001"));

    let out = repo.govlint(&["audit", "--today", TODAY, "--since", "June"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("--since June"), "{out:?}");
}

#[test]
fn issue_11_audit_output_says_where_it_wrote() {
    let repo = Repo::example();
    let file = repo.path().join("pack.html");
    let path = file.to_string_lossy();
    let out = repo.govlint(&[
        "audit", "--format", "html", "--today", TODAY, "--output", &path,
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
    let size = std::fs::metadata(&file).expect("pack.html").len();
    let kib = (size as f64 / 1024.0).round();
    assert_eq!(
        out.stderr,
        format!("wrote the audit pack to {path} (html, {kib} KiB)\n")
    );
    let out = repo.govlint(&[
        "-q", "audit", "--format", "json", "--today", TODAY, "--output", &path,
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stderr, "", "-q writes nothing on stderr");
    // To stdout, nothing is said.
    let out = repo.govlint(&["audit", "--today", TODAY]);
    assert_eq!(out.stderr, "");
}

#[test]
fn issue_11_html_has_a_timeline_and_a_print_style() {
    let repo = Repo::example();
    let html = pack(repo.path(), None).to_html();
    assert!(html.contains("<svg class=\"timeline\""));
    assert!(html.contains("@page { size: A4;"));
    assert!(!html.contains("overflow-wrap: anywhere") && !html.contains("word-break"));
    // One mark per trail event and clause item it evidences: spot-check one.
    assert!(
        html.contains("<title>2026-09-24 approval of MR-2026-09 by Mia Hoffmann (claimed)</title>")
    );
    // Every clause item of 5.1 has a verdict.
    for item in ["a", "b", "c", "d", "e", "f", "g", "h"] {
        assert!(
            html.contains(&format!("<h3>5.1({item}) — ")),
            "no section for 5.1({item})"
        );
    }
}

/// Every clause of ISO/IEC 27001:2022 from 4.1 to 10.2.
const CLAUSES: [&str; 34] = [
    "4.1", "4.2", "4.3", "4.4", "5.1", "5.1(a)", "5.1(b)", "5.1(c)", "5.1(d)", "5.1(e)", "5.1(f)",
    "5.1(g)", "5.1(h)", "5.2", "5.3", "6.1", "6.1.2", "6.1.3", "6.1.3(d)", "6.2", "6.3", "7.1",
    "7.2", "7.3", "7.4", "7.5", "8.1", "8.2", "8.3", "9.1", "9.2", "9.3", "10.1", "10.2",
];

/// `govlint audit` on the extended example: a verdict for every clause from
/// 4.1 to 10.2, and a Statement of Applicability of 93 rows.
#[test]
fn the_pack_judges_every_clause_and_lists_all_of_annex_a() {
    let repo = Repo::example();
    let out = repo.govlint(&["audit", "--format", "json", "--today", TODAY]);
    assert_eq!(out.code, 0, "{out:?}");
    let j: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let keys: Vec<&str> = j["clauses"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["clause"].as_str())
        .collect();
    assert_eq!(keys, CLAUSES);
    let verdicts = ["evidenced", "findings", "no evidence", "not_checked"];
    for key in CLAUSES {
        let c = clause(&j, key);
        assert!(
            c["status"].as_str().is_some_and(|s| verdicts.contains(&s)),
            "{key}: {c}"
        );
        assert!(c["reason"].as_str().is_some_and(|r| !r.is_empty()), "{key}");
    }
    // What no record can show is said, never passed.
    for key in ["4.1", "4.4", "6.3", "8.1"] {
        assert_eq!(clause(&j, key)["status"], "not_checked", "{key}");
        assert!(clause(&j, key)["note"].is_string(), "{key}");
    }
    // The new kinds evidence their clauses.
    for (key, status) in [
        ("4.2", "evidenced"),
        ("4.3", "evidenced"),
        ("7.2", "evidenced"),
        ("9.1", "evidenced"),
        ("9.2", "evidenced"),
        // Planted: R-010's level is not the matrix's.
        ("6.1.2", "findings"),
        // Planted: A.8.30 has no justification (a schema finding).
        ("6.1.3(d)", "findings"),
        // Planted: NC-2026-002 is closed without an effectiveness review.
        ("10.2", "findings"),
    ] {
        assert_eq!(clause(&j, key)["status"], status, "{key}");
    }
    let failing = |key: &str| -> Vec<String> {
        clause(&j, key)["rules"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["result"] == "fail")
            .filter_map(|r| r["id"].as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(failing("6.1.2"), ["iso27001/risk-level-matrix"]);
    assert_eq!(failing("10.2"), ["iso27001/nonconformity-effectiveness"]);
    assert_eq!(
        clause(&j, "6.1.3(d)")["record_findings"][0]["record"],
        "A.8.30"
    );

    let soa = &j["statement_of_applicability"];
    let rows = soa["controls"].as_array().expect("SoA rows");
    assert_eq!(rows.len(), 93);
    let refs: std::collections::BTreeSet<&str> = rows
        .iter()
        .filter_map(|r| r["reference"].as_str())
        .collect();
    assert_eq!(refs.len(), 93);
    assert!(rows.iter().all(|r| r["state"] == "listed"));
    assert_eq!(soa["counts"]["applicable"], 91);
    assert_eq!(soa["counts"]["excluded"], 2);
    let row = |r: &str| {
        rows.iter()
            .find(|c| c["reference"] == r)
            .unwrap_or_else(|| panic!("no row {r}"))
    };
    let a830 = row("A.8.30");
    assert_eq!(a830["applicable"], false);
    assert_eq!(a830["justification"], serde_json::Value::Null);
    assert_eq!(a830["file"], "soa/controls.csv");
    assert_eq!(a830["findings"][0]["rule"], "schema");
    let a813 = row("A.8.13");
    assert_eq!(a813["status"], "partial");
    assert_eq!(a813["risks"], serde_json::json!(["R-003"]));
    assert_eq!(a813["evidence"], serde_json::json!(["IMP-003", "OBJ-006"]));
    // R-001 relies on A.6.3 in the register.
    assert!(row("A.6.3")["risks"]
        .as_array()
        .is_some_and(|r| r.contains(&serde_json::json!("R-001"))));
    let statement = &soa["statements"][0];
    assert_eq!(statement["id"], "SOA-2026");
    assert_eq!(statement["version"], "1.1");
    assert_eq!(statement["last_approval"]["person"], "mia-hoffmann");
    // Mia approved it again once witnessing ran (the example's witness part).
    assert_eq!(statement["last_approval"]["date"], "2026-10-27");

    // Approvals of the scope, the register (by each owner) and the SoA.
    assert_eq!(
        record(&j, "SCOPE-ISMS")["last_approval"]["person"],
        "mia-hoffmann"
    );
    assert_eq!(record(&j, "RM-5X5")["last_approval"]["date"], "2026-03-27");
    assert_eq!(
        record(&j, "R-010")["last_approval"]["person"],
        "dana-okafor"
    );

    // `--clause 6.1.3` keeps the SoA; `--clause 5.1` leaves it out.
    let j = json(&pack(repo.path(), Some("6.1.3")));
    assert_eq!(
        j["clauses"].as_array().map(Vec::len),
        Some(2),
        "6.1.3 and 6.1.3(d)"
    );
    assert_eq!(
        j["statement_of_applicability"]["controls"]
            .as_array()
            .map(Vec::len),
        Some(93)
    );
    let j = json(&pack(repo.path(), Some("5.1")));
    assert!(j["statement_of_applicability"].is_null());

    // Markdown: the SoA section holds one row per control.
    let md = pack(repo.path(), None).to_markdown();
    let section = md
        .split("## Statement of Applicability")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("the SoA section");
    assert_eq!(
        section.lines().filter(|l| l.starts_with("| A.")).count(),
        93
    );
}
