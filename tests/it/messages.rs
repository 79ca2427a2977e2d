//! What a newcomer reads (issue 11): one finding per fault, with the right
//! name suggested, and commands that say what went wrong instead of
//! passing. Each test breaks one thing in the example ISMS (built with the
//! real `git` by `govlint init --example`) and compares the findings with
//! the example's own.

use std::collections::BTreeSet;

use crate::support::Repo;

const OBJECTIVE: &str = "objectives/obj-004.yaml";

/// (rule, file, line, pointer, message) of every active finding.
type Seen = (String, String, u64, String, String);

fn findings(repo: &Repo) -> BTreeSet<Seen> {
    let (_, json) = repo.check_json(&[]);
    json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["waived"].is_null())
        .map(|d| {
            (
                d["rule"].as_str().unwrap_or_default().to_owned(),
                d["file"].as_str().unwrap_or_default().to_owned(),
                d["line"].as_u64().unwrap_or(0),
                d["pointer"].as_str().unwrap_or_default().to_owned(),
                d["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The findings that breaking something added to the example's.
fn added_by(repo: &Repo, break_it: impl FnOnce(&Repo)) -> Vec<Seen> {
    let before = findings(repo);
    break_it(repo);
    findings(repo).difference(&before).cloned().collect()
}

/// A report's text without miette's line wrapping, for matching phrases.
fn flat(text: &str) -> String {
    text.replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn edit(repo: &Repo, rel: &str, from: &str, to: &str) {
    let path = repo.path().join(rel);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{rel} holds {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

#[test]
fn a_path_that_matches_nothing_fails_with_the_nearest_one() {
    let repo = Repo::example();
    for path in ["objectivs/obj-004.yaml", "nothere/"] {
        let out = repo.govlint(&["check", path, "--today", "2026-11-15"]);
        assert_eq!(out.code, 2, "{out:?}");
        assert!(
            flat(&out.stderr).contains(&format!("no file or folder matches `{path}`")),
            "{out:?}"
        );
    }
    let out = repo.govlint(&["check", "objectivs/obj-004.yaml"]);
    assert!(
        flat(&out.stderr).contains("did you mean `objectives/obj-004.yaml`?"),
        "{out:?}"
    );
    // Real files and folders still narrow the report.
    let out = repo.govlint(&["check", "objectives", OBJECTIVE, "--today", "2026-11-15"]);
    assert_eq!(out.code, 1, "{out:?}");
}

#[test]
fn an_impossible_date_is_only_a_schema_finding_at_its_line() {
    let repo = Repo::example();
    let added = added_by(&repo, |r| {
        edit(r, OBJECTIVE, "due: 2027-02-28", "due: 2027-02-30")
    });
    assert_eq!(
        added,
        [(
            "schema".to_owned(),
            OBJECTIVE.to_owned(),
            7,
            "/due".to_owned(),
            "`2027-02-30` is not a calendar date: write YYYY-MM-DD, e.g. 2026-09-15".to_owned()
        )]
    );
}

#[test]
fn a_misspelt_key_is_one_finding_that_names_the_right_key() {
    let repo = Repo::example();
    let added = added_by(&repo, |r| edit(r, OBJECTIVE, "\nowner:", "\nownr:"));
    assert_eq!(added.len(), 1, "{added:#?}");
    let (rule, file, line, pointer, message) = &added[0];
    assert_eq!(
        (rule.as_str(), file.as_str(), *line),
        ("schema", OBJECTIVE, 4)
    );
    assert_eq!(pointer, "/ownr");
    assert!(message.contains("did you mean `owner`?"), "{message}");

    // An optional key a rule asks for: the misspelling is still the one finding.
    let repo = Repo::example();
    let added = added_by(&repo, |r| edit(r, OBJECTIVE, "\npolicy:", "\npolcy:"));
    assert_eq!(added.len(), 1, "{added:#?}");
    assert!(added[0].4.contains("did you mean `policy`?"), "{added:#?}");
}

#[test]
fn broken_yaml_is_one_plain_parse_finding_and_no_cascade() {
    let repo = Repo::example();
    let before = findings(&repo);
    edit(&repo, OBJECTIVE, "title: Critical", "title: \"Critical");
    let after = findings(&repo);
    let added: Vec<&Seen> = after.difference(&before).collect();
    assert_eq!(added.len(), 1, "{added:#?}");
    let (rule, file, line, _, message) = added[0];
    assert_eq!(
        (rule.as_str(), file.as_str(), *line),
        ("parse", OBJECTIVE, 3)
    );
    assert_eq!(
        message,
        "a quoted value starts here but its closing quote is missing"
    );
    // Policies and allocations that name OBJ-004 do not report it missing.
    assert!(
        after.iter().all(|f| !f.4.contains("names no Objective")),
        "{after:#?}"
    );
    let (_, json) = repo.check_json(&[]);
    let parse = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["rule"] == "parse")
        .expect("parse finding");
    assert!(
        parse["help"]
            .as_str()
            .is_some_and(|h| h.contains("close the quote")),
        "{parse:#}"
    );
}

#[test]
fn wrong_case_ids_and_rule_ids_get_a_suggestion() {
    let repo = Repo::example();
    let out = repo.govlint(&["log", "pol-is-001"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        flat(&out.stderr).contains("did you mean `POL-IS-001`?"),
        "{out:?}"
    );
    assert!(
        flat(&out.stderr).contains("`govlint log` without an id lists"),
        "{out:?}"
    );
    let out = repo.govlint(&["log"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .lines()
            .any(|l| l.starts_with("POL-IS-001 ") && l.contains("Policy")),
        "{out:?}"
    );
    let out = repo.govlint(&["explain", "iso27001/policy-approved"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        flat(&out.stderr).contains("did you mean `iso27001/policy-approval`?"),
        "{out:?}"
    );
}

#[test]
fn help_texts_say_what_is_true() {
    let repo = Repo::example();
    // `explain` works while the configuration is broken.
    edit(
        &repo,
        "govlint.yaml",
        "version: 1",
        "version: 1\nrecods: {}",
    );
    let out = repo.govlint(&["explain", "config"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.starts_with("# config"), "{out:?}");
    assert!(
        flat(&out.stderr).contains("govlint.yaml or a rule file is invalid"),
        "{out:?}"
    );

    edit(&repo, "govlint.yaml", "\nrecods: {}", "");
    let out = crate::support::govlint_env(repo.path(), &["check"], &[("GOVLINT_TODAY", "bogus")]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        flat(&out.stderr).contains("invalid GOVLINT_TODAY `bogus`"),
        "{out:?}"
    );

    let out = repo.govlint(&["show", "README.md"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        flat(&out.stderr).contains("README.md yields no record"),
        "{out:?}"
    );

    let bare = Repo::new();
    bare.init();
    bare.write(
        "people/a.yaml",
        "kind: Person\nid: a\nname: A\nemail: a@x.example\nroles: []\n",
    );
    let out = bare.govlint(&["check", "--today", "2026-11-15"]);
    assert!(
        flat(&out.stderr).contains("the defaults are in force"),
        "{out:?}"
    );
    assert!(flat(&out.stderr).contains("`govlint init`"), "{out:?}");
}

#[test]
fn misspelt_kinds_and_assertions_get_a_suggestion() {
    let repo = Repo::example();
    let added = added_by(&repo, |r| {
        r.write("objectives/obj-009.yaml", "kind: Objectiv\nid: OBJ-009\n");
    });
    assert_eq!(added.len(), 1, "{added:#?}");
    assert_eq!(added[0].0, "record/unknown-kind");
    assert!(
        added[0].4.contains("did you mean `Objective`?"),
        "{added:#?}"
    );

    repo.write(
        "rules/acme.yaml",
        "rules:\n  - id: acme/x\n    severity: error\n    message: m\n    for: { kind: Objective }\n    check:\n      - feild: { field: /owner, required: true }\n",
    );
    let out = repo.govlint(&["check", "--today", "2026-11-15"]);
    assert_eq!(out.code, 2, "{out:?}");
    let text = flat(&out.stderr);
    assert!(
        text.contains("unknown assertion `feild` (did you mean `field`?)"),
        "{text}"
    );
    assert!(
        text.contains("expected one of: field, schema, ref"),
        "{text}"
    );
}
