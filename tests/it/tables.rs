//! Tables (SPEC 1.4): CSV registers declared under `records.tables`, with a
//! kind whose schema is the repository's own `schemas/Risk.schema.json`.
//! Findings land on the cell; `show`, `--staged`, `--rev`,
//! `--changed-since` and approvals treat the table file like any record file.

use crate::support::{diagnostics, Repo};

const CONFIG: &str = "version: 1\npacks: []\nrecords:\n  tables:\n    - { files: \"registers/*.csv\", kind: Risk }\n";

const RISK_SCHEMA: &str = r##"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["kind", "id", "title", "owner", "likelihood"],
  "properties": {
    "kind": { "const": "Risk" },
    "id": { "$ref": "common.schema.json#/$defs/id" },
    "title": { "type": "string" },
    "owner": { "$ref": "common.schema.json#/$defs/id" },
    "likelihood": { "type": "integer", "minimum": 1, "maximum": 5 },
    "accepted": { "type": "boolean" },
    "controls": { "$ref": "common.schema.json#/$defs/idList" },
    "residual": {
      "type": "object",
      "properties": { "level": { "enum": ["low", "medium", "high"] } },
      "additionalProperties": false
    }
  },
  "additionalProperties": false
}
"##;

const ROLE: &str = "kind: Role\nid: ceo\nname: Chief executive officer\ntop_management: true\n";
const JANE: &str =
    "kind: Person\nid: jane\nname: Jane Doe\nemail: jane@acme.example\nroles: [ceo]\n";

/// A quoted title over two lines in R-1 (CRLF endings), a wrong likelihood
/// and residual level in R-2 on line 4.
const RISKS: &str = "id,title,owner,likelihood,accepted,controls,residual/level\r\n\
R-1,\"Laptop theft,\r\nwith \"\"data\"\"\",jane,3,false,A.5.1;A.8.1,low\r\n\
R-2,Phishing,jane,often,TRUE,A.6.3,extreme\r\n";

const GOOD_RISKS: &str =
    "id,title,owner,likelihood\nR-1,Laptop theft,jane,3\nR-2,Phishing,jane,4\n";

fn repo_with(risks: &str) -> Repo {
    let repo = Repo::new();
    repo.write("govlint.yaml", CONFIG)
        .write("schemas/Risk.schema.json", RISK_SCHEMA)
        .write("roles/ceo.yaml", ROLE)
        .write("people/jane.yaml", JANE)
        .write("registers/risks.csv", risks);
    repo
}

fn committed(risks: &str) -> Repo {
    let repo = repo_with(risks);
    repo.init();
    repo.commit_all("Add the risk register", "2026-10-01T10:00:00Z");
    repo
}

fn place(d: &serde_json::Value) -> (String, u64, u64) {
    (
        d["file"].as_str().unwrap_or_default().to_owned(),
        d["line"].as_u64().unwrap_or_default(),
        d["column"].as_u64().unwrap_or_default(),
    )
}

fn place_of(json: &serde_json::Value, rule: &str) -> Vec<(String, u64, u64)> {
    diagnostics(json, rule).into_iter().map(place).collect()
}

#[test]
fn schema_findings_land_on_the_cell_after_a_multiline_quoted_cell() {
    let repo = repo_with(RISKS);
    let (code, json) = repo.check_json(&[]);
    assert_eq!(code, 1, "{json:#}");
    assert_eq!(json["summary"]["records"], 4, "{json:#}");
    let d = diagnostics(&json, "schema");
    assert_eq!(d.len(), 2, "{json:#}");
    assert_eq!(d[0]["record"], "R-2");
    assert_eq!(d[0]["kind"], "Risk");
    assert_eq!(d[0]["pointer"], "/likelihood");
    assert_eq!(place(d[0]), ("registers/risks.csv".to_owned(), 4, 19));
    assert_eq!(d[1]["pointer"], "/residual/level");
    assert_eq!(place(d[1]), ("registers/risks.csv".to_owned(), 4, 36));

    let out = repo.govlint(&["check", "--today", "2026-11-15", "--color", "never"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("registers/risks.csv:4:19"), "{out:?}");
    assert!(out.stdout.contains("registers/risks.csv:4:36"), "{out:?}");
}

#[test]
fn a_missing_field_is_placed_at_its_empty_cell_or_the_row() {
    // R-2 has an `owner` column with an empty cell; the second table has
    // no `likelihood` column at all.
    let repo = repo_with("id,title,owner,likelihood\nR-1,Theft,jane,2\nR-2,Phishing,,4\n");
    repo.write("registers/other.csv", "title,id,owner\nFlood,R-9,jane\n");
    let (code, json) = repo.check_json(&[]);
    assert_eq!(code, 1, "{json:#}");
    let d = diagnostics(&json, "schema");
    assert_eq!(d.len(), 2, "{json:#}");
    let by_record = |id: &str| {
        d.iter()
            .find(|f| f["record"] == id)
            .unwrap_or_else(|| panic!("{id}: {json:#}"))
    };
    let owner = by_record("R-2");
    assert!(owner["message"].as_str().unwrap_or("").contains("owner"));
    assert_eq!(place(owner), ("registers/risks.csv".to_owned(), 3, 14));
    let likelihood = by_record("R-9");
    assert!(likelihood["message"]
        .as_str()
        .unwrap_or("")
        .contains("likelihood"));
    assert_eq!(place(likelihood), ("registers/other.csv".to_owned(), 2, 1));
}

#[test]
fn parse_findings_at_their_place_and_the_other_rows_still_checked() {
    let repo = repo_with(
        "id,title,owner,likelihood,title\nR-1,Theft,jane,2,x\n,No id,jane,2,x\nR-3,Ragged,jane\nR-4,Bad,jane,9,x\n",
    );
    // A YAML record with the id of a row.
    repo.write(
        "people/r-1.yaml",
        "kind: Person\nid: R-1\nname: Dup\nemail: dup@acme.example\nroles: [ceo]\n",
    );
    let (code, json) = repo.check_json(&[]);
    assert_eq!(code, 1, "{json:#}");
    let file = |l, c| ("registers/risks.csv".to_owned(), l, c);
    assert_eq!(
        place_of(&json, "parse"),
        vec![file(1, 27), file(3, 1), file(4, 16)],
        "{json:#}"
    );
    let messages: Vec<&str> = diagnostics(&json, "parse")
        .iter()
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert!(
        messages[0].contains("duplicate column `title`"),
        "{messages:?}"
    );
    assert!(messages[1].contains("row has no id"), "{messages:?}");
    assert!(
        messages[2].contains("row has 3 cells, the header 5"),
        "{messages:?}"
    );
    // R-4 is still checked, at its cell.
    assert_eq!(place_of(&json, "schema"), vec![file(5, 14)], "{json:#}");
    let dup = diagnostics(&json, "record/duplicate-id");
    assert_eq!(dup.len(), 1, "{json:#}");
    // Files load in path order: the row is the second `R-1`, at its id cell.
    assert_eq!(place(dup[0]), file(2, 1));
    assert_eq!(dup[0]["related"][0]["file"], "people/r-1.yaml");
    assert_eq!(
        (
            dup[0]["related"][0]["line"].as_u64(),
            dup[0]["related"][0]["column"].as_u64()
        ),
        (Some(2), Some(5))
    );
}

#[test]
fn a_table_is_read_outside_include_and_never_as_yaml() {
    let repo = repo_with(GOOD_RISKS);
    // A table entry for a `.yaml` name: its rows are records, it is not
    // parsed as YAML (the YAML parser would report it).
    repo.write(
        "govlint.yaml",
        "version: 1\npacks: []\nrecords:\n  include: [\"people/*.yaml\", \"roles/*.yaml\"]\n  tables:\n    - { files: \"registers/*.csv\", kind: Risk }\n    - { files: \"registers/odd.yaml\", kind: Risk }\n",
    )
    .write("registers/odd.yaml", "id,title,owner,likelihood\nR-7,Odd: [,jane,1\n");
    let (code, json) = repo.check_json(&[]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["summary"]["records"], 5, "{json:#}");
}

#[test]
fn a_bad_table_entry_is_a_config_error_at_its_key() {
    let repo = repo_with(GOOD_RISKS);
    repo.write(
        "govlint.yaml",
        "version: 1\npacks: []\nrecords:\n  tables:\n    - files: registers/*.csv\n      kind: Risk\n      sheet: 1\n",
    );
    let out = repo.govlint(&["check", "--color", "never"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("unknown key `sheet`"), "{out:?}");
    assert!(out.stderr.contains("govlint.yaml:7:7"), "{out:?}");
}

#[test]
fn show_prints_the_records_of_a_table() {
    let repo = repo_with(RISKS);
    let out = repo.govlint(&["show", "registers/risks.csv"]);
    assert_eq!(out.code, 0, "{out:?}");
    let values: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(
        values,
        serde_json::json!([
            {"kind": "Risk", "id": "R-1", "title": "Laptop theft,\nwith \"data\"", "owner": "jane",
             "likelihood": 3, "accepted": false, "controls": ["A.5.1", "A.8.1"], "residual": {"level": "low"}},
            {"kind": "Risk", "id": "R-2", "title": "Phishing", "owner": "jane",
             "likelihood": "often", "accepted": true, "controls": ["A.6.3"], "residual": {"level": "extreme"}}
        ])
    );
    let out = repo.govlint(&["show", "--format", "yaml", "registers/risks.csv"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains(
            "- kind: Risk\n  id: R-2\n  title: Phishing\n  owner: jane\n  likelihood: often\n"
        ),
        "{out:?}"
    );
    // A parse problem is printed at its place; a CSV no entry declares is
    // an error that says how to declare it.
    repo.write("registers/bad.csv", "id,title\nR-5,a,b\n");
    let out = repo.govlint(&["show", "registers/bad.csv", "--color", "never"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("registers/bad.csv:2:7"), "{out:?}");
    repo.write("elsewhere.csv", "id\nX\n");
    let out = repo.govlint(&["show", "elsewhere.csv"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("records.tables"), "{out:?}");
}

#[test]
fn staged_rev_and_changed_since_read_the_table_like_any_record_file() {
    let repo = committed(GOOD_RISKS);
    let base = repo.git(&["rev-parse", "HEAD"]).trim().to_owned();
    // A bad row staged, the work tree fixed again.
    repo.write(
        "registers/risks.csv",
        "id,title,owner,likelihood\nR-1,Laptop theft,jane,3\nR-2,Phishing,jane,7\n",
    );
    repo.git(&["add", "registers/risks.csv"]);
    repo.write("registers/risks.csv", GOOD_RISKS);
    let (code, json) = repo.check_json(&["--staged"]);
    assert_eq!(code, 1, "{json:#}");
    assert_eq!(
        place_of(&json, "schema"),
        vec![("registers/risks.csv".to_owned(), 3, 19)],
        "{json:#}"
    );
    let (code, json) = repo.check_json(&[]);
    assert_eq!(code, 0, "{json:#}");

    // Commit the bad row: `--rev` of the good commit passes, and
    // `--changed-since` the good commit reports the table.
    repo.git(&["commit", "-q", "-m", "Raise R-2"]);
    let (code, json) = repo.check_json(&["--rev", &base]);
    assert_eq!(code, 0, "{json:#}");
    let (code, json) = repo.check_json(&["--rev", "HEAD", "--changed-since", &base]);
    assert_eq!(code, 1, "{json:#}");
    assert_eq!(diagnostics(&json, "schema").len(), 1, "{json:#}");
    // Nothing changed since HEAD: nothing reported.
    let (code, json) = repo.check_json(&["--rev", "HEAD", "--changed-since", "HEAD"]);
    assert_eq!(code, 0, "{json:#}");
}

#[test]
fn approvals_bind_to_the_table_file() {
    let repo = committed(GOOD_RISKS);
    let approval = repo
        .commit(
            "Approve R-1",
            ("Jane Doe", "jane@acme.example"),
            "2026-10-02T10:00:00Z",
        )
        .allow_empty()
        .trailer("Approves: R-1")
        .trailer("Approved-by: Jane Doe <jane@acme.example>")
        .run();
    let log = |id: &str| {
        let out = repo.govlint(&["log", id, "--format", "json"]);
        assert_eq!(out.code, 0, "{out:?}");
        serde_json::from_str::<serde_json::Value>(&out.stdout).expect("JSON")
    };
    let trail = log("R-1");
    let events = trail["events"].as_array().expect("events");
    assert_eq!(events.len(), 1, "{trail:#}");
    assert_eq!(events[0]["commit"], approval.as_str(), "{trail:#}");
    assert_eq!(events[0]["person"], "jane", "{trail:#}");
    assert_eq!(events[0]["unchanged"], true, "{trail:#}");

    // Editing another row changes the file the approval binds to.
    repo.write(
        "registers/risks.csv",
        "id,title,owner,likelihood\nR-1,Laptop theft,jane,3\nR-2,Phishing,jane,5\n",
    );
    repo.commit_all("Raise R-2", "2026-10-03T10:00:00Z");
    let trail = log("R-1");
    let events = trail["events"].as_array().expect("events");
    assert_eq!(events[0]["unchanged"], false, "{trail:#}");
}

#[test]
fn an_unknown_table_kind_is_reported_once_at_its_entry() {
    let repo = repo_with(GOOD_RISKS);
    repo.write(
        "govlint.yaml",
        "version: 1\npacks: []\nrecords:\n  tables:\n    - { files: \"registers/*.csv\", kind: Rsk }\n",
    );
    let (code, json) = repo.check_json(&[]);
    assert_eq!(code, 1, "{json:#}");
    let d = diagnostics(&json, "record/unknown-kind");
    assert_eq!(d.len(), 1, "{json:#}");
    assert_eq!(place(d[0]), ("govlint.yaml".to_owned(), 5, 41));
    assert!(d[0]["message"]
        .as_str()
        .unwrap_or("")
        .contains("did you mean `Risk`?"));
}

#[test]
fn rows_beyond_the_configured_limit_are_one_finding() {
    let repo = repo_with(GOOD_RISKS);
    repo.write(
        "govlint.yaml",
        &format!("{CONFIG}limits:\n  max_table_rows: 1\n"),
    );
    let (code, json) = repo.check_json(&[]);
    assert_eq!(code, 1, "{json:#}");
    assert_eq!(json["summary"]["records"], 3, "{json:#}");
    assert_eq!(
        place_of(&json, "parse"),
        vec![("registers/risks.csv".to_owned(), 3, 1)],
        "{json:#}"
    );
    assert!(diagnostics(&json, "parse")[0]["message"]
        .as_str()
        .unwrap_or("")
        .contains("limits.max_table_rows"));
}
