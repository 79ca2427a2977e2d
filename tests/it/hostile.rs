//! The hostile corpus of SPEC 6 as tests: each bad input gets its exact
//! diagnostic (id, file, line, column) and the other records are still
//! checked. Every repository is built here, in a temporary folder, with the
//! real `git`; the 100 MiB file is sparse, written at test time.
//!
//! Each repository holds the same good ISMS ([`isms`]): a role, a person, a
//! policy that an approval rule asks about, and one record with a schema
//! error (`people/no-email.yaml`), whose finding proves that checking went
//! on past the hostile file.

use std::path::Path;

use serde_json::Value;

use crate::support::{diagnostics, git, Repo};

const TODAY: &str = "2026-11-15";
const POLICY: &str = "policies/security.md";
const POLICY_ID: &str = "POL-1";
const RULE: &str = "acme/policy-approved";
/// Good records of [`isms`]: the role, two people, the policy (and the
/// person without an email makes one more).
const GOOD_RECORDS: u64 = 4;

const JANE: (&str, &str) = ("Jane Doe", "jane@acme.example");
const JOSE: (&str, &str) = ("José Muñoz", "jose@acme.example");

const RULES: &str = "rules:\n  - id: acme/policy-approved\n    severity: error\n    message: \"Policy {{id}} is not approved\"\n    for: { kind: Policy }\n    check:\n      - approved: { by: { field: /approver }, within: P12M, strength: claimed }\n";

fn person(id: &str, who: (&str, &str)) -> String {
    format!(
        "kind: Person\nid: {id}\nname: {}\nemail: {}\nroles: [top-management]\n",
        who.0, who.1
    )
}

fn policy(version: &str) -> String {
    format!(
        "---\nkind: Policy\nid: {POLICY_ID}\ntitle: Information security policy\nversion: \"{version}\"\n\
         owner: top-management\napprover: top-management\nreview_interval: P12M\nstatus: approved\n---\n\
         # Information security policy\n\nAcme protects its information.\n"
    )
}

/// Writes the good ISMS (not committed) with `config` as govlint.yaml.
fn write_isms(repo: &Repo, config: &str) {
    repo.write("govlint.yaml", config)
        .write("rules/acme.yaml", RULES)
        .write(
            "roles/top-management.yaml",
            "kind: Role\nid: top-management\nname: Top management\ntop_management: true\n",
        )
        .write("people/jane.yaml", &person("jane", JANE))
        .write("people/jose.yaml", &person("jose", JOSE))
        .write(POLICY, &policy("1.0"))
        .write(
            "people/no-email.yaml",
            "kind: Person\nid: nobody\nname: No Email\nroles: [top-management]\n",
        );
}

/// A git repository holding the good ISMS, committed on 2025-06-02, plus
/// `config` under `limits:` when not empty.
fn isms(limits: &str) -> Repo {
    let repo = Repo::new();
    repo.init();
    write_isms(&repo, &config(limits));
    repo.commit_all("Set up the ISMS", "2025-06-02T10:00:00Z");
    repo
}

fn config(limits: &str) -> String {
    if limits.is_empty() {
        "version: 1\npacks: []\n".to_owned()
    } else {
        format!("version: 1\npacks: []\nlimits:\n{limits}")
    }
}

/// `check --format json --today TODAY EXTRA`.
fn check(repo: &Repo, extra: &[&str]) -> (i32, Value) {
    check_in(repo.path(), extra)
}

fn check_in(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["check", "--format", "json", "--today", TODAY];
    args.extend_from_slice(extra);
    let out = crate::support::govlint_in(dir, &args);
    assert!(!out.stderr.contains("panicked"), "{out:?}");
    let json =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {out:?}"));
    (out.code, json)
}

/// The one diagnostic about `file`, asserted to be `rule` at `line`:`column`
/// (`column` 0: any); returns it.
fn the_finding<'j>(json: &'j Value, file: &str, rule: &str, line: u64, column: u64) -> &'j Value {
    let about: Vec<&Value> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["file"] == file)
        .collect();
    assert_eq!(
        about.len(),
        1,
        "one finding about {file} expected: {json:#}"
    );
    let d = about[0];
    assert_eq!(d["rule"], rule, "{d:#}");
    assert_eq!(d["line"], line, "{d:#}");
    if column > 0 {
        assert_eq!(d["column"], column, "{d:#}");
    }
    d
}

fn message(d: &Value) -> &str {
    d["message"].as_str().unwrap_or("")
}

fn help(d: &Value) -> &str {
    d["help"].as_str().unwrap_or("")
}

/// The good records were read and checked: `extra` more records than
/// [`GOOD_RECORDS`], the schema finding of `people/no-email.yaml`, and the
/// approval rule's verdict on the policy (`approved` or not).
fn others_checked(json: &Value, extra: u64, approved: bool) {
    assert_eq!(
        json["summary"]["records"],
        GOOD_RECORDS + 1 + extra,
        "{json:#}"
    );
    let schema = diagnostics(json, "schema");
    assert!(
        schema
            .iter()
            .any(|d| d["file"] == "people/no-email.yaml" && d["record"] == "nobody"),
        "the schema error of people/no-email.yaml is still found: {json:#}"
    );
    let rule = diagnostics(json, RULE);
    assert_eq!(rule.is_empty(), approved, "{json:#}");
    if !approved {
        assert_eq!(rule[0]["file"], POLICY, "{json:#}");
    }
}

// ---------------------------------------------------------------------------
// Bad files
// ---------------------------------------------------------------------------

#[test]
fn an_alias_bomb_stops_at_the_alias_that_crosses_the_budget() {
    let repo = isms("");
    let mut bomb = String::from("kind: Role\nid: bomb\na: &a [x, x, x, x, x, x, x, x, x]\n");
    let mut prev = 'a';
    for name in ['b', 'c', 'd', 'e', 'f', 'g'] {
        let refs = vec![format!("*{prev}"); 9].join(", ");
        bomb.push_str(&format!("{name}: &{name} [{refs}]\n"));
        prev = name;
    }
    repo.write("bad/bomb.yaml", &bomb);
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1);
    // a..e copy 74,718 nodes; the first `*e` of `f` (line 8) crosses 100,000.
    let d = the_finding(&json, "bad/bomb.yaml", "parse", 8, 8);
    assert_eq!(
        message(d),
        "alias expansion exceeds 100000 nodes (billion laughs?)"
    );
    assert!(help(d).contains("limits.max_alias_nodes"), "{d:#}");
    others_checked(&json, 0, false);

    // The budget is the user's: a small one stops an early alias.
    repo.write("govlint.yaml", &config("  max_alias_nodes: 50\n"));
    let (_, json) = check(&repo, &[]);
    // `b` copies 10 nodes per alias: its sixth `*a` crosses 50.
    let d = the_finding(&json, "bad/bomb.yaml", "parse", 4, 28);
    assert!(message(d).contains("exceeds 50 nodes"), "{d:#}");
}

#[test]
fn ten_thousand_levels_of_nesting_are_refused_at_the_level_that_is_too_deep() {
    let repo = isms("");
    repo.write(
        "bad/deep-block.yaml",
        &format!("{}x\n", "- ".repeat(10_000)),
    )
    .write("bad/deep-flow.yaml", &"[".repeat(10_000))
    .write("bad/deep-map.yaml", &{
        let mut t = String::new();
        for level in 0..300 {
            t.push_str(&format!("{}k{level}:\n", "  ".repeat(level)));
        }
        t
    });
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1);
    // Level 257 opens at the 257th `- `.
    let d = the_finding(&json, "bad/deep-block.yaml", "parse", 1, 513);
    assert_eq!(message(d), "nesting deeper than 256 levels");
    assert!(help(d).contains("limits.max_depth"), "{d:#}");
    let d = the_finding(&json, "bad/deep-flow.yaml", "parse", 1, 0);
    assert!(message(d).contains("nesting too deep"), "{d:#}");
    // The mapping of level 257 starts with the key on line 257.
    let d = the_finding(&json, "bad/deep-map.yaml", "parse", 257, 513);
    assert_eq!(message(d), "nesting deeper than 256 levels");
    others_checked(&json, 0, false);
}

#[test]
fn a_raised_depth_limit_is_honoured_without_exhausting_the_stack() {
    let repo = isms("  max_depth: 1000\n");
    // 990 levels under a record: YAML → JSON → schema → rules all walk it.
    let mut deep = String::from("kind: Role\nid: deep\nname: Deep\nresponsibilities:\n");
    deep.push_str(&"  - ".repeat(990));
    deep.push_str("x\n");
    repo.write("bad/deep.yaml", &deep);
    let (_, json) = check(&repo, &[]);
    let found: Vec<&Value> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["file"] == "bad/deep.yaml")
        .collect();
    assert!(
        found.iter().all(|d| d["rule"] == "schema"),
        "read as a record: {json:#}"
    );
    others_checked(&json, 1, false);
    // The schema refuses a ceiling above 1000.
    repo.write("govlint.yaml", &config("  max_depth: 100000\n"));
    let out = repo.govlint(&["check", "--today", TODAY]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("govlint.yaml:4:"), "{}", out.stderr);
}

#[test]
fn invalid_utf8_nul_bytes_and_control_characters_are_placed() {
    let repo = isms("");
    repo.write_bytes("bad/latin1.yaml", b"kind: Person\nid: p\nname: Jos\xe9\n")
        .write_bytes("bad/nul.yaml", b"kind: Role\nid: n\nname: \"a\0b\"\n")
        .write_bytes("bad/binary.yaml", b"\x7fELF\x02\x01\x01\0\0\0")
        .write_bytes(
            "bad/bell.md",
            b"---\nkind: Role\nid: b\nname: ding\x07\n---\n",
        );
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1);
    let d = the_finding(&json, "bad/latin1.yaml", "parse", 3, 10);
    assert!(message(d).contains("not valid UTF-8"), "{d:#}");
    let d = the_finding(&json, "bad/nul.yaml", "parse", 3, 9);
    assert!(message(d).contains("U+0000 (a NUL byte)"), "{d:#}");
    let d = the_finding(&json, "bad/binary.yaml", "parse", 1, 1);
    assert!(message(d).contains("U+007F"), "{d:#}");
    let d = the_finding(&json, "bad/bell.md", "parse", 4, 11);
    assert!(message(d).contains("U+0007"), "{d:#}");
    others_checked(&json, 0, false);
}

#[test]
fn duplicate_keys_tabs_and_non_string_ids_are_placed() {
    let repo = isms("");
    repo.write("bad/dupkey.yaml", "kind: Role\nid: dk\nname: A\nname: B\n")
        .write("bad/tab.yaml", "kind: Role\nid: t\n\tname: x\n")
        .write("bad/int-id.yaml", "kind: Role\nid: 12\nname: x\n")
        .write("bad/bool-id.yaml", "kind: Role\nid: true\nname: x\n")
        .write("bad/list-id.yaml", "kind: Role\nid: [a, b]\nname: x\n")
        .write("bad/null-id.yaml", "kind: Role\nid:\nname: x\n")
        .write("bad/int-kind.yaml", "kind: 7\nid: k\n");
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1);
    let d = the_finding(&json, "bad/dupkey.yaml", "parse", 4, 1);
    assert_eq!(
        message(d),
        "duplicate key `name` (first defined 1 line above)"
    );
    the_finding(&json, "bad/tab.yaml", "parse", 3, 1);
    let d = the_finding(&json, "bad/int-id.yaml", "record/invalid-id", 2, 5);
    assert!(message(d).contains("`id: \"12\"`"), "{d:#}");
    the_finding(&json, "bad/bool-id.yaml", "record/invalid-id", 2, 5);
    the_finding(&json, "bad/list-id.yaml", "record/invalid-id", 2, 5);
    the_finding(&json, "bad/null-id.yaml", "record/invalid-id", 2, 0);
    the_finding(&json, "bad/int-kind.yaml", "record/missing-kind", 1, 7);
    others_checked(&json, 0, false);
}

#[test]
fn yaml_tags_that_name_code_are_inert_values() {
    let repo = isms("");
    let marker = repo.path().join("pwned");
    repo.write(
        "bad/python.yaml",
        &format!(
            "kind: Role\nid: py\nname: !!python/object/apply:os.system [\"touch {}\"]\n",
            marker.display()
        ),
    )
    .write(
        "bad/ruby.yaml",
        "kind: Role\nid: rb\nname: !ruby/object:Gem::Installer\n  i: x\n",
    )
    .write(
        "bad/java.yaml",
        "kind: Role\nid: jv\nname: !!javax.script.ScriptEngineManager [x]\n",
    );
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1);
    for (file, found) in [
        ("bad/python.yaml", "is not of type \"string\""),
        ("bad/ruby.yaml", "{\"i\":\"x\"} is not of type \"string\""),
        ("bad/java.yaml", "[\"x\"] is not of type \"string\""),
    ] {
        let d = the_finding(&json, file, "schema", 3, 7);
        assert!(message(d).contains(found), "{d:#}");
        assert_eq!(d["pointer"], "/name");
    }
    assert!(!marker.exists(), "a tag ran code");
    others_checked(&json, 3, false);
}

#[test]
fn symbolic_links_out_of_the_repository_are_not_followed() {
    let repo = isms("");
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        outside.path().join("secret.yaml"),
        "kind: Role\nid: outside\nname: Outside\n",
    )
    .expect("write");
    std::os::unix::fs::symlink(
        outside.path().join("secret.yaml"),
        repo.path().join("bad-link.yaml"),
    )
    .expect("symlink");
    std::os::unix::fs::symlink("/etc/passwd", repo.path().join("passwd.yaml")).expect("symlink");
    std::os::unix::fs::symlink(outside.path(), repo.path().join("linked")).expect("symlink");
    repo.commit_all("Links", "2025-06-03T10:00:00Z");
    for mode in [&[][..], &["--staged"], &["--rev", "HEAD"]] {
        let (code, json) = check(&repo, mode);
        assert_eq!(code, 1, "{mode:?}");
        for link in ["bad-link.yaml", "passwd.yaml"] {
            let d = the_finding(&json, link, "parse", 1, 1);
            assert_eq!(d["severity"], "warning");
            assert!(message(d).contains("is a symbolic link"), "{d:#}");
        }
        let text = json.to_string();
        assert!(
            !text.contains("outside") && !text.contains("root:"),
            "{json:#}"
        );
        others_checked(&json, 0, false);
    }
}

#[test]
fn a_fifo_in_the_working_tree_is_named_and_never_opened() {
    // Opening a FIFO for reading blocks until a writer comes: a check that
    // opened one would hang the pre-commit hook.
    let repo = isms("");
    let fifo = repo.path().join("policies/pipe.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1);
    let d = the_finding(&json, "policies/pipe.yaml", "parse", 1, 1);
    assert!(message(d).contains("not a regular file"), "{d:#}");
    others_checked(&json, 0, false);
}

#[test]
fn schema_refs_to_urls_and_files_outside_are_refused_never_fetched() {
    let repo = isms("");
    let outside = tempfile::tempdir().expect("temp dir");
    let stolen = outside.path().join("stolen.json");
    std::fs::write(&stolen, r#"{"type": "string"}"#).expect("write");
    for (kind, target) in [
        ("Remote", "https://example.com/x.json".to_owned()),
        ("Local", format!("file://{}", stolen.display())),
        ("Relative", "../../../../../../etc/passwd".to_owned()),
    ] {
        repo.write(
            &format!("schemas/{kind}.schema.json"),
            &format!(
                "{{\n  \"type\": \"object\",\n  \"properties\": {{\"x\": {{\"$ref\": \"{target}\"}}}}\n}}\n"
            ),
        )
        .write(
            &format!("things/{kind}.yaml"),
            &format!("kind: {kind}\nid: {kind}-1\nx: 1\n"),
        );
    }
    let (_, json) = check(&repo, &[]);
    for kind in ["Remote", "Local", "Relative"] {
        let d = the_finding(
            &json,
            &format!("schemas/{kind}.schema.json"),
            "config",
            3,
            0,
        );
        assert!(!message(d).is_empty(), "{d:#}");
    }
    others_checked(&json, 3, false);
}

#[test]
fn catastrophic_regexes_run_in_linear_time_and_oversized_ones_are_refused() {
    let repo = isms("");
    repo.write(
        "rules/regex.yaml",
        "rules:\n  - id: acme/name-shape\n    severity: error\n    message: \"bad name\"\n    for: { kind: Role }\n    check:\n      - field: /name\n        pattern: \"^(a+)+$\"\n",
    )
    .write(
        "roles/long.yaml",
        &format!("kind: Role\nid: long\nname: {}b\n", "a".repeat(100_000)),
    );
    let started = std::time::Instant::now();
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1);
    assert!(started.elapsed().as_secs() < 60, "no hang");
    let shapes = diagnostics(&json, "acme/name-shape");
    assert!(
        shapes
            .iter()
            .any(|d| d["record"] == "long" && d["line"] == 3),
        "{json:#}"
    );

    repo.write(
        "rules/regex.yaml",
        "rules:\n  - id: acme/huge\n    severity: error\n    message: \"huge\"\n    for: { kind: Role }\n    check:\n      - field: /name\n        pattern: \"\\\\w{1000}\\\\w{1000}\\\\w{1000}\"\n",
    );
    let out = repo.govlint(&["check", "--today", TODAY]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("too large once compiled"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("rules/regex.yaml:8:"), "{}", out.stderr);
    assert!(
        out.stderr.contains("limits.max_regex_bytes"),
        "{}",
        out.stderr
    );

    // The limit is the user's: a pattern that fits 1 MiB does not fit 4 KiB.
    repo.write(
        "rules/regex.yaml",
        "rules:\n  - id: acme/medium\n    severity: error\n    message: \"medium\"\n    for: { kind: Role }\n    check:\n      - field: /name\n        not_pattern: \"[a-z]{300}x\"\n",
    );
    let (code, _) = check(&repo, &[]);
    assert_eq!(code, 1);
    repo.write("govlint.yaml", &config("  max_regex_bytes: 4096\n"));
    let out = repo.govlint(&["check", "--today", TODAY]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("limit 4096 bytes"), "{}", out.stderr);
}

#[test]
fn a_100_mib_file_is_refused_by_the_size_limit_in_every_mode() {
    let repo = isms("");
    let big = repo.path().join("bad/huge.yaml");
    std::fs::create_dir_all(big.parent().expect("parent")).expect("mkdir");
    // Sparse: 100 MiB that take no disk and no time to write.
    let file = std::fs::File::create(&big).expect("create");
    file.set_len(100 * 1024 * 1024).expect("set_len");
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1);
    let d = the_finding(&json, "bad/huge.yaml", "parse", 1, 1);
    assert_eq!(
        message(d),
        "file is 104857600 bytes, over the limit of 1048576 bytes; not parsed (raise `limits.max_file_bytes` in govlint.yaml, or exclude the file)"
    );
    others_checked(&json, 0, false);
    // From the index and a revision: the blob's size is read, not the blob.
    repo.commit_all("A huge file", "2025-06-03T10:00:00Z");
    for mode in [&["--staged"][..], &["--rev", "HEAD"]] {
        let (code, json) = check(&repo, mode);
        assert_eq!(code, 1, "{mode:?}");
        let d = the_finding(&json, "bad/huge.yaml", "parse", 1, 1);
        assert!(message(d).starts_with("file is 104857600 bytes"), "{d:#}");
        others_checked(&json, 0, false);
    }
}

#[test]
fn documents_per_file_and_table_cells_have_limits() {
    let repo = isms("  max_documents: 3\n  max_cell_bytes: 1000\n");
    let mut docs = String::new();
    for i in 0..5 {
        docs.push_str(&format!("---\nkind: Role\nid: r{i}\nname: R{i}\n"));
    }
    let mut config = config("  max_documents: 3\n  max_cell_bytes: 1000\n");
    config.push_str("records:\n  tables:\n    - { files: \"registers/*.csv\", kind: Role }\n");
    repo.write("govlint.yaml", &config)
        .write("bad/many.yaml", &docs)
        .write(
            "registers/roles.csv",
            &format!("id,name\nR-1,One\nR-2,{}\nR-3,Three\n", "x".repeat(1001)),
        );
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1);
    // The fourth `---` (line 13) crosses the limit; three roles are read.
    let d = the_finding(&json, "bad/many.yaml", "parse", 13, 1);
    assert_eq!(
        message(d),
        "more than 3 documents in one file; the rest are not read"
    );
    assert!(help(d).contains("limits.max_documents"), "{d:#}");
    let d = the_finding(&json, "registers/roles.csv", "parse", 3, 5);
    assert_eq!(
        message(d),
        "cell is 1001 bytes, over the limit of 1000 bytes; the row is not read (shorten the cell, or raise `limits.max_cell_bytes` in govlint.yaml)"
    );
    others_checked(&json, 3 + 2, false);
}

// ---------------------------------------------------------------------------
// Odd history and odd repositories
// ---------------------------------------------------------------------------

/// `git commit -F -` of everything, message bytes as given, by `who` at
/// 10:00 UTC on `day`, with extra `-c` settings; returns the commit id.
fn commit_bytes(
    repo: &Repo,
    config: &[&str],
    message: &[u8],
    who: (&str, &str),
    day: &str,
) -> String {
    repo.git(&["add", "-A"]);
    let mut args: Vec<&str> = Vec::new();
    for c in config {
        args.extend(["-c", c]);
    }
    args.extend([
        "commit",
        "-q",
        "--allow-empty",
        "--cleanup=verbatim",
        "-F",
        "-",
    ]);
    let mut cmd = crate::support::git_command(repo.path());
    cmd.args(&args);
    git::people(&mut cmd, who, who, &format!("{day}T10:00:00Z"));
    git::output(cmd, message);
    repo.git(&["rev-parse", "HEAD"]).trim().to_owned()
}

fn log_json(dir: &Path, id: &str) -> Value {
    let out = crate::support::govlint_in(dir, &["log", id, "--format", "json", "--today", TODAY]);
    assert_eq!(out.code, 0, "{out:?}");
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {out:?}"))
}

fn events(trail: &Value) -> Vec<&Value> {
    trail["events"].as_array().expect("events").iter().collect()
}

#[test]
fn latin1_commits_with_an_encoding_header_are_decoded_and_their_trailers_count() {
    let repo = isms("");
    repo.write(POLICY, &policy("1.1"));
    let message =
        b"Approve the policy (r\xe9vision)\n\nApproved-by: Jos\xe9 Mu\xf1oz <jose@acme.example>\n"
            .to_vec();
    let id = commit_bytes(
        &repo,
        &["i18n.commitEncoding=ISO-8859-1"],
        &message,
        JOSE,
        "2026-10-01",
    );
    let raw = repo.git(&["cat-file", "commit", &id]);
    assert!(raw.contains("\nencoding ISO-8859-1\n"), "{raw}");
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1, "only the schema error is left: {json:#}");
    others_checked(&json, 0, true);
    let trail = log_json(repo.path(), POLICY_ID);
    let approvals: Vec<&Value> = events(&trail)
        .into_iter()
        .filter(|e| {
            e["commit"]
                .as_str()
                .is_some_and(|c| id.starts_with(c) || c.starts_with(&id))
        })
        .collect();
    assert_eq!(approvals.len(), 1, "{trail:#}");
    let text = approvals[0].to_string();
    assert!(text.contains("José Muñoz"), "decoded from Latin-1: {text}");
    assert!(!text.contains('\u{fffd}'), "{text}");

    // Invalid bytes and no encoding header (`git commit` would re-encode
    // them as Latin-1, so the object is written by hand): the trailer still
    // parses; the name is shown with U+FFFD, the approval counts by email.
    repo.write(POLICY, &policy("1.2"));
    repo.git(&["add", "-A"]);
    let tree = repo.git(&["write-tree"]).trim().to_owned();
    let parent = repo.git(&["rev-parse", "HEAD"]).trim().to_owned();
    let when = "1790935200 +0000"; // 2026-10-02T10:00:00Z
    let mut raw = format!(
        "tree {tree}\nparent {parent}\nauthor Jose <jose@acme.example> {when}\ncommitter Jose <jose@acme.example> {when}\n\n"
    )
    .into_bytes();
    raw.extend_from_slice(
        b"Approve again \xff\xfe\n\nApproved-by: Jos\xe9 \xc3 <jose@acme.example>\n",
    );
    let id = git::write_commit_object(repo.path(), &raw);
    repo.git(&["update-ref", "HEAD", &id]);
    let raw = repo.git(&["cat-file", "-p", &id]);
    assert!(!raw.contains("\nencoding "), "{raw}");
    let (_, json) = check(&repo, &[]);
    others_checked(&json, 0, true);
    let trail = log_json(repo.path(), POLICY_ID);
    let last = events(&trail)
        .into_iter()
        .find(|e| {
            e["commit"]
                .as_str()
                .is_some_and(|c| id.starts_with(c) || c.starts_with(&id))
        })
        .unwrap_or_else(|| panic!("the approval of {id}: {trail:#}"))
        .to_string();
    assert!(last.contains("Jos\u{fffd} \u{fffd}"), "{last}");
    let out = crate::support::govlint_in(repo.path(), &["log", POLICY_ID, "--today", TODAY]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("José Muñoz"), "{}", out.stdout);
}

#[test]
fn malformed_approver_emails_are_named_and_count_for_nobody() {
    let repo = isms("");
    let cases = [
        "Approved-by: Jane Doe <jane@@acme.example>",
        "Approved-by: Jane Doe jane@acme.example",
        "Approved-by: Jane Doe <>",
        "Approved-by: Jane Doe <jane acme.example>",
    ];
    for (i, trailer) in cases.iter().enumerate() {
        repo.write(POLICY, &policy(&format!("1.{}", i + 1)));
        repo.commit(
            "Approve the policy",
            JANE,
            &format!("2026-10-0{}T10:00:00Z", i + 1),
        )
        .trailer(*trailer)
        .run();
    }
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1);
    others_checked(&json, 0, false);
    let unknown = diagnostics(&json, "history/unknown-approver");
    assert_eq!(unknown.len(), cases.len(), "{json:#}");
    for d in &unknown {
        assert_eq!(d["file"], POLICY, "{d:#}");
        assert_eq!(d["line"], 2, "{d:#}");
    }
    for typed in [
        "Jane Doe <jane@@acme.example>",
        "Jane Doe jane@acme.example",
        "Jane Doe",
        "Jane Doe <jane acme.example>",
    ] {
        assert!(
            unknown.iter().any(|d| message(d)
                .contains(&format!("`Approved-by: {typed}` in commit"))
                && message(d).contains("has no valid email address")),
            "{typed}: {json:#}"
        );
    }
}

#[test]
fn a_submodule_is_not_read_in_any_mode() {
    let sub = Repo::new();
    sub.init();
    sub.write(
        "roles/sub.yaml",
        "kind: Role\nid: from-submodule\nname: x\n",
    )
    .write("broken.yaml", "a: [\n");
    sub.commit_all("A vendored repository", "2025-06-01T10:00:00Z");
    let repo = isms("");
    repo.git(&[
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        &sub.path().display().to_string(),
        "vendor/sub",
    ]);
    repo.commit_all("Add a submodule", "2025-06-03T10:00:00Z");
    assert!(repo.path().join("vendor/sub/roles/sub.yaml").is_file());
    for mode in [&[][..], &["--staged"], &["--rev", "HEAD"]] {
        let (code, json) = check(&repo, mode);
        assert_eq!(code, 1, "{mode:?}");
        let text = json.to_string();
        assert!(
            !text.contains("vendor/sub") && !text.contains("from-submodule"),
            "{mode:?}: {json:#}"
        );
        others_checked(&json, 0, false);
    }
}

#[test]
fn a_linked_worktree_reads_its_own_head_and_index() {
    let repo = isms("");
    let parent = tempfile::tempdir().expect("temp dir");
    let wt = parent.path().join("wt");
    repo.git(&[
        "worktree",
        "add",
        "-q",
        "-b",
        "approval",
        &wt.display().to_string(),
    ]);
    git::write(&wt, POLICY, policy("1.1"));
    let mut cmd = crate::support::git_command(&wt);
    cmd.args([
        "commit",
        "-qam",
        "Approve the policy",
        "--trailer",
        "Approved-by: Jane Doe <jane@acme.example>",
    ]);
    git::people(&mut cmd, JANE, JANE, "2026-10-01T10:00:00Z");
    git::output(cmd, b"");
    // The worktree's HEAD holds the approval; the main one does not.
    let (_, json) = check_in(&wt, &[]);
    others_checked(&json, 0, true);
    let (_, json) = check(&repo, &[]);
    others_checked(&json, 0, false);
    // Each reads its own index.
    git::write(
        &wt,
        "roles/staged.yaml",
        "kind: Role\nid: staged\nname: [x]\n",
    );
    let mut cmd = crate::support::git_command(&wt);
    cmd.args(["add", "roles/staged.yaml"]);
    git::output(cmd, b"");
    let (_, json) = check_in(&wt, &["--staged"]);
    the_finding(&json, "roles/staged.yaml", "schema", 3, 7);
    others_checked(&json, 1, true);
    let (_, json) = check(&repo, &["--staged"]);
    assert!(!json.to_string().contains("staged.yaml"), "{json:#}");
    others_checked(&json, 0, false);
    let trail = log_json(&wt, POLICY_ID);
    assert_eq!(events(&trail).len(), 1, "{trail:#}");
}

#[test]
fn a_detached_head_at_an_old_commit_is_checked_from_there() {
    let repo = isms("");
    let first = repo.git(&["rev-parse", "HEAD"]).trim().to_owned();
    repo.write(POLICY, &policy("1.1"));
    repo.commit("Approve the policy", JANE, "2026-10-01T10:00:00Z")
        .trailer("Approved-by: Jane Doe <jane@acme.example>")
        .run();
    let (_, json) = check(&repo, &[]);
    others_checked(&json, 0, true);
    repo.git(&["checkout", "-q", "--detach", &first]);
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1);
    others_checked(&json, 0, false);
    let trail = log_json(repo.path(), POLICY_ID);
    assert!(events(&trail).is_empty(), "{trail:#}");
}

#[test]
fn an_empty_repository_is_checked_and_log_and_audit_say_so() {
    let repo = Repo::new();
    repo.init();
    write_isms(&repo, &config(""));
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1, "never approved is an error: {json:#}");
    others_checked(&json, 0, false);
    let rule = diagnostics(&json, RULE);
    assert!(message(rule[0]).contains("no approval"), "{json:#}");
    // The index holds nothing yet, and no revision exists.
    let (code, json) = check(&repo, &["--staged"]);
    assert_eq!(
        (code, &json["summary"]["records"]),
        (0, &Value::from(0)),
        "{json:#}"
    );
    let out = repo.govlint(&["check", "--rev", "HEAD", "--today", TODAY]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        !out.stderr.contains("panicked") && !out.stderr.is_empty(),
        "{out:?}"
    );
    let out = repo.govlint(&["log", POLICY_ID, "--today", TODAY]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("never approved"), "{}", out.stdout);
    let out = repo.govlint(&["audit", "--today", TODAY, "--format", "markdown"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("the repository has no commits yet"),
        "{}",
        out.stdout
    );
}

#[test]
fn dense_files_and_records_with_endless_errors_stay_bounded() {
    let repo = isms("");
    // 300,001 nodes in 600 KB: over `limits.max_nodes`.
    repo.write(
        "bad/dense.yaml",
        &format!("kind: Role\nid: dense\nname: [{}1]\n", "1,".repeat(300_000)),
    )
    // 150,000 wrong items: 100 findings and one that says there are more.
    .write(
        "bad/wrong-items.yaml",
        &format!(
            "kind: Role\nid: wrong\nname: W\nresponsibilities: [{}1]\n",
            "1,".repeat(150_000)
        ),
    )
    // A value of 200,000 characters in a rule message is cut.
    .write(
        "rules/names.yaml",
        "rules:\n  - id: acme/short-names\n    severity: warning\n    message: \"Role name {{name}} is long\"\n    for: { kind: Role }\n    check:\n      - field: /name\n        pattern: \"^.{0,50}$\"\n",
    )
    .write(
        "roles/long.yaml",
        &format!("kind: Role\nid: long\nname: {}\n", "n".repeat(200_000)),
    );
    let (code, json) = check(&repo, &[]);
    assert_eq!(code, 1);
    let d = the_finding(&json, "bad/dense.yaml", "parse", 3, 0);
    assert_eq!(
        message(d),
        "more than 200000 YAML nodes in one file; the rest of the file is not read"
    );
    assert!(help(d).contains("limits.max_nodes"), "{d:#}");
    let wrong: Vec<&Value> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["file"] == "bad/wrong-items.yaml")
        .collect();
    assert_eq!(wrong.len(), 101, "{json:#}");
    assert_eq!(
        wrong
            .iter()
            .filter(|d| message(d).starts_with("more than 100 schema violations in this record"))
            .count(),
        1,
        "{json:#}"
    );
    let long = diagnostics(&json, "acme/short-names");
    let long = long
        .iter()
        .find(|d| d["record"] == "long")
        .expect("long name");
    assert!(message(long).len() < 1000, "{long:#}");
    assert!(message(long).contains(" … "), "{long:#}");
    others_checked(&json, 2, false);
}

#[test]
fn the_human_report_names_every_place_and_writes_no_control_character() {
    let repo = isms("");
    repo.write_bytes("bad/escape.yaml", b"kind: Role\nid: esc\nname: \"\x1b[31mred\"\n")
        .write(
            "bad/escaped.yaml",
            "kind: Role\nid: esc2\nname: \"\\e]0;pwned\\a\"\n",
        )
        .write(
            "rules/names.yaml",
            "rules:\n  - id: acme/plain-names\n    severity: warning\n    message: \"Role name {{name}} is odd\"\n    for: { kind: Role }\n    check:\n      - field: /name\n        pattern: \"^[A-Za-z ]+$\"\n",
        )
        .write("bad/deep.yaml", &"[".repeat(10_000));
    let big = std::fs::File::create(repo.path().join("bad/huge.yaml")).expect("create");
    big.set_len(2 * 1024 * 1024).expect("set_len");
    let out = repo.govlint(&["check", "--today", TODAY]);
    assert_eq!(out.code, 1, "{out:?}");
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(!all.contains("panicked"), "{all}");
    assert!(
        !all.chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r')),
        "a control character reached the terminal: {all:?}"
    );
    for place in [
        "bad/escape.yaml:3:",
        "bad/escaped.yaml:3:",
        "bad/deep.yaml:1:256",
        "bad/huge.yaml:1:1",
        "people/no-email.yaml",
    ] {
        assert!(all.contains(place), "{place} not named: {all}");
    }
    assert!(
        all.contains("\\u{1b}"),
        "the escape is shown escaped: {all}"
    );
}
