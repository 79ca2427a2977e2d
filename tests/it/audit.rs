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

fn example() -> Repo {
    let repo = Repo::new();
    let out = repo.govlint(&["init", "--example", "."]);
    assert_eq!(out.code, 0, "{out:?}");
    repo
}

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
    let evidence = GitEvidence::new(history, &eval.records, eval.prefix.clone(), false);
    govlint::audit::build(&eval, Some(&evidence), today, clause)
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
    let repo = example();
    let audit = pack(repo.path(), None);
    let j = json(&audit);
    assert_eq!(j["version"], 1);
    assert_eq!(j["generated_for"], TODAY);
    assert_eq!(
        j["revision"].as_str(),
        Some(repo.git(&["rev-parse", "HEAD"]).trim())
    );
    assert_eq!(j["records"].as_array().map(Vec::len), Some(37));
    assert_eq!(j["summary"]["records"], 37);
    assert_eq!(j["summary"]["findings"]["error"], 4);
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
    assert_eq!(is["last_approval"]["date"], "2026-03-19");
    // Approvals and reviews are kept apart: Dana's October review.
    assert_eq!(is["last_review"]["person"], "dana-okafor");
    assert_eq!(is["last_review"]["date"], "2026-10-19");
    assert_eq!(is["next_review"]["due"], "2027-03-19");

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
    let repo = example();
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
    let repo = example();
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
    let repo = example();
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
    let repo = example();
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
    let repo = example();
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
    let repo = example();
    let out = repo.govlint(&["audit", "--format", "json", "--today", TODAY]);
    // A report, not a gate: written means exit 0, findings or not.
    assert_eq!(out.code, 0, "{out:?}");
    let j: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(j["records"].as_array().map(Vec::len), Some(37));
    assert_eq!(j, json(&pack(repo.path(), None)));

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
