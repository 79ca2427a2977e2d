//! `govlint check` on repositories built here (not the project's fixtures):
//! locations of schema findings, fixed diagnostics, exit codes, bad input.

use crate::support::{diagnostics, Repo};

const CONFIG: &str = "version: 1\npacks: []\n";

fn person(id: &str) -> String {
    format!("kind: Person\nid: {id}\nname: Jane Doe\nemail: {id}@acme.example\nroles: [ceo]\n")
}

const ROLE: &str = "kind: Role\nid: ceo\nname: Chief executive officer\ntop_management: true\n";

fn clean_repo() -> Repo {
    let repo = Repo::new();
    repo.write("govlint.yaml", CONFIG)
        .write("roles/ceo.yaml", ROLE)
        .write("people/jane.yaml", &person("jane"));
    repo
}

#[test]
fn clean_repo_exits_zero() {
    let repo = clean_repo();
    let (code, json) = repo.check_json(&[]);
    assert_eq!(json["summary"]["records"], 2, "{json:#}");
    assert_eq!(
        json["diagnostics"].as_array().map(Vec::len),
        Some(0),
        "{json:#}"
    );
    assert_eq!(code, 0);
}

#[test]
fn missing_required_property_is_placed_at_the_mapping() {
    let repo = clean_repo();
    repo.write(
        "people/team.yaml",
        "# two people\nkind: Person\nid: a\nname: A\nemail: a@acme.example\nroles: [ceo]\n---\n\nkind: Person\nid: b\nname: B\nroles: [ceo]\n",
    );
    let (code, json) = repo.check_json(&[]);
    assert_eq!(code, 1);
    let d = diagnostics(&json, "schema");
    assert_eq!(d.len(), 1, "{json:#}");
    assert_eq!(d[0]["file"], "people/team.yaml");
    assert_eq!(d[0]["record"], "b");
    assert_eq!(d[0]["kind"], "Person");
    assert_eq!(d[0]["pointer"], "");
    assert_eq!(
        (d[0]["line"].as_u64(), d[0]["column"].as_u64()),
        (Some(9), Some(1))
    );
    assert!(d[0]["message"].as_str().unwrap_or("").contains("email"));
}

#[test]
fn wrong_value_is_placed_at_the_node() {
    let repo = clean_repo();
    repo.write(
        "people/x.yaml",
        "kind: Person\nid: x\nname: X\nemail: x@acme.example\nroles:\n  - ceo\n  - 42\n",
    );
    let (_, json) = repo.check_json(&[]);
    let d = diagnostics(&json, "schema");
    assert_eq!(d.len(), 1, "{json:#}");
    assert_eq!(d[0]["pointer"], "/roles/1");
    assert_eq!(
        (d[0]["line"].as_u64(), d[0]["column"].as_u64()),
        (Some(7), Some(5))
    );
}

#[test]
fn unknown_key_points_at_the_key() {
    let repo = clean_repo();
    repo.write(
        "roles/cfo.yaml",
        "kind: Role\nid: cfo\nname: CFO\n  \nnmae: typo\n",
    );
    let (_, json) = repo.check_json(&[]);
    let d = diagnostics(&json, "schema");
    assert_eq!(d.len(), 1, "{json:#}");
    assert_eq!(d[0]["pointer"], "/nmae");
    assert_eq!(
        (d[0]["line"].as_u64(), d[0]["column"].as_u64()),
        (Some(5), Some(1))
    );
}

#[test]
fn front_matter_record_is_placed_in_the_markdown_file() {
    let repo = clean_repo();
    repo.write(
        "policies/is.md",
        "---\nkind: Policy\nid: POL-IS-001\ntitle: Information security policy\nversion: \"1.0\"\nowner: ceo\napprover: ceo\nreview_interval: twelve months\nstatus: approved\n---\n# Policy\n\nText.\n",
    );
    let (_, json) = repo.check_json(&[]);
    let d = diagnostics(&json, "schema");
    assert_eq!(d.len(), 1, "{json:#}");
    assert_eq!(d[0]["file"], "policies/is.md");
    assert_eq!(d[0]["record"], "POL-IS-001");
    assert_eq!(d[0]["pointer"], "/review_interval");
    assert_eq!(
        (d[0]["line"].as_u64(), d[0]["column"].as_u64()),
        (Some(8), Some(18))
    );
}

#[test]
fn crlf_and_bom_do_not_shift_places() {
    let repo = clean_repo();
    repo.write_bytes(
        "roles/r.yaml",
        b"\xef\xbb\xbfkind: Role\r\nid: r\r\nname: R\r\ntop_management: maybe\r\n",
    );
    let (_, json) = repo.check_json(&[]);
    let d = diagnostics(&json, "schema");
    assert_eq!(d.len(), 1, "{json:#}");
    assert_eq!(d[0]["pointer"], "/top_management");
    assert_eq!(
        (d[0]["line"].as_u64(), d[0]["column"].as_u64()),
        (Some(4), Some(17))
    );
}

#[test]
fn duplicate_ids_show_both_places() {
    let repo = clean_repo();
    repo.write("people/other.yaml", &person("jane"));
    let (code, json) = repo.check_json(&[]);
    assert_eq!(code, 1);
    let d = diagnostics(&json, "record/duplicate-id");
    assert_eq!(d.len(), 1, "{json:#}");
    assert_eq!(d[0]["file"], "people/other.yaml");
    assert_eq!(d[0]["line"], 2);
    assert_eq!(d[0]["related"][0]["file"], "people/jane.yaml");
    assert_eq!(d[0]["related"][0]["line"], 2);
}

#[test]
fn missing_and_unknown_kind() {
    let repo = clean_repo();
    repo.write("misc/notes.yaml", "title: not a record\n")
        .write("misc/asset.yaml", "kind: Asset\nid: A-1\n");
    let (_, json) = repo.check_json(&[]);
    let missing = diagnostics(&json, "record/missing-kind");
    assert_eq!(missing.len(), 1, "{json:#}");
    assert_eq!(missing[0]["file"], "misc/notes.yaml");
    let unknown = diagnostics(&json, "record/unknown-kind");
    assert_eq!(unknown.len(), 1, "{json:#}");
    assert_eq!(
        (unknown[0]["line"].as_u64(), unknown[0]["column"].as_u64()),
        (Some(1), Some(7))
    );
}

#[test]
fn repo_schema_adds_a_kind_and_remote_refs_are_refused() {
    let repo = clean_repo();
    repo.write(
        "schemas/Asset.schema.json",
        r#"{"type": "object", "required": ["kind", "id", "owner"], "properties": {"owner": {"type": "string"}}}"#,
    )
    .write("assets/a.yaml", "kind: Asset\nid: A-1\n")
    .write(
        "schemas/Vendor.schema.json",
        "{\n  \"type\": \"object\",\n  \"properties\": {\"x\": {\"$ref\": \"https://example.com/x.json\"}}\n}\n",
    );
    let (_, json) = repo.check_json(&[]);
    let schema = diagnostics(&json, "schema");
    assert_eq!(schema.len(), 1, "{json:#}");
    assert_eq!(schema[0]["record"], "A-1");
    let config = diagnostics(&json, "config");
    assert_eq!(config.len(), 1, "{json:#}");
    assert_eq!(config[0]["file"], "schemas/Vendor.schema.json");
    assert_eq!(config[0]["line"], 3);
}

#[test]
fn bad_config_exits_two_with_the_place() {
    let repo = clean_repo();
    repo.write(
        "govlint.yaml",
        "version: 1\npacks: []\nrecrods:\n  include: []\n",
    );
    let out = repo.govlint(&["check"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("unknown key `recrods`"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("govlint.yaml:3:1"), "{}", out.stderr);
}

#[test]
fn missing_directory_exits_two() {
    let repo = clean_repo();
    let out = repo.govlint(&["-C", "does/not/exist", "check"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("no such directory"), "{}", out.stderr);
}

#[test]
fn bad_today_exits_two() {
    let repo = clean_repo();
    let out = repo.govlint(&["check", "--today", "2026-02-30"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--today"), "{}", out.stderr);
}

#[test]
fn hostile_input_is_reported_not_crashed_on() {
    let repo = clean_repo();
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
    repo.write("bad/bomb.yaml", bomb)
        .write("bad/deep.yaml", &"[".repeat(100_000))
        .write_bytes("bad/latin1.yaml", b"kind: Person\nid: caf\xe9\n")
        .write("bad/dupkey.yaml", "kind: Role\nid: dk\nname: A\nname: B\n")
        .write("bad/tab.yaml", "kind: Role\nid: t\n\tname: x\n")
        .write("bad/numid.yaml", "kind: Role\nid: 12\nname: x\n")
        .write("bad/unclosed.md", "---\nkind: Policy\nid: P\n");
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/passwd", repo.path().join("bad/link.yaml")).expect("symlink");
    let (code, json) = repo.check_json(&[]);
    assert_eq!(code, 1);
    let parse: Vec<&str> = diagnostics(&json, "parse")
        .iter()
        .filter_map(|d| d["file"].as_str())
        .collect();
    for file in [
        "bad/bomb.yaml",
        "bad/deep.yaml",
        "bad/latin1.yaml",
        "bad/dupkey.yaml",
        "bad/tab.yaml",
        "bad/unclosed.md",
    ] {
        assert!(
            parse.contains(&file),
            "no parse finding for {file}: {json:#}"
        );
    }
    #[cfg(unix)]
    assert!(parse.contains(&"bad/link.yaml"), "{json:#}");
    let latin = diagnostics(&json, "parse")
        .into_iter()
        .find(|d| d["file"] == "bad/latin1.yaml");
    assert_eq!(
        latin.map(|d| (d["line"].clone(), d["column"].clone())),
        Some((2.into(), 8.into()))
    );
    assert_eq!(diagnostics(&json, "record/invalid-id").len(), 1, "{json:#}");
    // The good records were still checked.
    assert_eq!(json["summary"]["records"], 2, "{json:#}");
}

#[test]
fn too_large_files_are_refused_by_the_configured_limit() {
    let repo = clean_repo();
    repo.write(
        "govlint.yaml",
        "version: 1\npacks: []\nlimits:\n  max_file_bytes: 100\n",
    )
    .write(
        "people/big.yaml",
        &format!("{}# {}\n", person("big"), "x".repeat(200)),
    );
    let (_, json) = repo.check_json(&[]);
    let d = diagnostics(&json, "parse");
    assert_eq!(d.len(), 1, "{json:#}");
    assert!(d[0]["message"]
        .as_str()
        .unwrap_or("")
        .contains("over the limit"));
}

#[test]
fn paths_limit_the_report() {
    let repo = clean_repo();
    repo.write("people/a.yaml", "kind: Person\nid: a\n")
        .write("roles/b.yaml", "kind: Role\nid: b\n");
    let (_, json) = repo.check_json(&["people"]);
    let files: Vec<&str> = json["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["file"].as_str())
        .collect();
    assert!(
        !files.is_empty() && files.iter().all(|f| f.starts_with("people/")),
        "{json:#}"
    );
}

#[test]
fn human_output_names_file_line_and_rule() {
    let repo = clean_repo();
    repo.write(
        "people/a.yaml",
        "kind: Person\nid: a\nname: A\nemail: a@acme.example\nroles: ceo\n",
    );
    let out = repo.govlint(&["check", "--today", "2026-11-15"]);
    assert_eq!(out.code, 1);
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn show_uses_the_yaml_1_2_core_schema() {
    let repo = Repo::new();
    repo.write(
        "v.yaml",
        "date: 2026-09-15\nyes: yes\non: on\noctal_like: 012\noctal: 0o17\nhex: 0x1F\nnull: ~\nflag: true\nfloat: 1.5\n---\nsecond: doc\n",
    );
    let out = repo.govlint(&["show", "v.yaml"]);
    assert_eq!(out.code, 0, "{out:?}");
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(
        v,
        serde_json::json!([
            {"date": "2026-09-15", "yes": "yes", "on": "on", "octal_like": 12, "octal": 15,
             "hex": 31, "null": null, "flag": true, "float": 1.5},
            {"second": "doc"}
        ])
    );
}

#[test]
fn show_markdown_gives_front_matter_and_body() {
    let repo = Repo::new();
    repo.write("p.md", "---\nkind: Policy\nid: P\n---\n# Title\n");
    let out = repo.govlint(&["show", "p.md", "--format", "yaml"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stdout,
        "---\n- kind: Policy\n  id: P\n  body: \"# Title\\n\"\n"
    );
}
