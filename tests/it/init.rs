//! Issue #11: `init` never adds a commit on top of a user's history unasked,
//! and `demo` shows the example's planted findings whatever today is. Real
//! `git` and the built `govlint`.

use std::path::Path;

use crate::support::{govlint_in, Repo};

fn head(repo: &Repo) -> String {
    repo.git(&["rev-parse", "HEAD"]).trim().to_owned()
}

#[test]
fn init_in_a_repository_with_commits_writes_files_and_leaves_committing_to_the_user() {
    let repo = Repo::new();
    repo.init()
        .write("src/main.c", "int main(void) { return 0; }\n");
    let first = repo.commit_all("Start the project", "2026-10-01T10:00:00+02:00");
    repo.write("staged.txt", "work in progress\n");
    repo.git(&["add", "staged.txt"]);

    let out = repo.govlint(&["init"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(head(&repo), first, "no commit on top of the user's history");
    assert!(
        out.stderr.contains("left them uncommitted"),
        "{}",
        out.stderr
    );
    let add = out
        .stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("git add "))
        .unwrap_or_else(|| panic!("no `git add` line: {}", out.stderr));
    assert!(add.split(' ').any(|p| p == "govlint.yaml"), "{add}");
    assert!(add.split(' ').any(|p| p == "policies/"), "{add}");
    assert!(
        out.stderr.contains("govlint init --commit"),
        "{}",
        out.stderr
    );
    let status = repo.git(&["status", "--porcelain", "--untracked-files=all"]);
    assert!(status.contains("A  staged.txt"), "{status}");
    assert!(status.contains("?? govlint.yaml"), "{status}");
    assert!(
        !status
            .lines()
            .any(|l| l.starts_with("A ") && !l.ends_with("staged.txt")),
        "{status}"
    );

    // Run again: it never overwrites, and writes nothing at all.
    std::fs::write(repo.path().join("govlint.yaml"), "# mine\n").expect("write");
    let again = repo.govlint(&["init"]);
    assert_ne!(again.code, 0, "{again:?}");
    assert!(again.stderr.contains("govlint.yaml"), "{again:?}");
    let mine = std::fs::read_to_string(repo.path().join("govlint.yaml")).expect("read");
    assert_eq!(mine, "# mine\n");
    assert_eq!(head(&repo), first);
}

#[test]
fn init_commit_commits_on_top_and_leaves_staged_work_staged() {
    let repo = Repo::new();
    repo.init().write("notes.txt", "notes\n");
    let first = repo.commit_all("Start", "2026-10-01T10:00:00Z");
    repo.write("staged.txt", "work in progress\n");
    repo.git(&["add", "staged.txt"]);

    let out = repo.govlint(&["init", "--commit"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("1 commit)"), "{}", out.stderr);
    let parents = repo.git(&["log", "-1", "--format=%P"]);
    assert_eq!(parents.trim(), first);
    let committed = repo.git(&["show", "--name-only", "--format=", "HEAD"]);
    assert!(committed.contains("govlint.yaml"), "{committed}");
    assert!(!committed.contains("staged.txt"), "{committed}");
    let status = repo.git(&["status", "--porcelain"]);
    assert_eq!(status.trim(), "A  staged.txt", "{status}");
}

#[test]
fn init_in_a_new_folder_or_a_repository_without_commits_makes_the_first_commit() {
    let tmp = Repo::new();
    let out = govlint_in(tmp.path(), &["init", "isms"]);
    assert_eq!(out.code, 0, "{out:?}");
    let dir = tmp.path().join("isms");
    let count = |dir: &Path| {
        let mut cmd = crate::support::git_command(dir);
        cmd.args(["rev-list", "--count", "HEAD"]);
        crate::support::git::output(cmd, b"").trim().to_owned()
    };
    assert_eq!(count(&dir), "1");

    let unborn = Repo::new();
    unborn.init();
    let out = unborn.govlint(&["init"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(count(unborn.path()), "1");
}

/// `check --today DATE` in `dir`: (stdout, JSON report).
fn check_as_of(dir: &Path, date: &str) -> (String, serde_json::Value) {
    let human = govlint_in(dir, &["check", "--today", date]).stdout;
    let json = govlint_in(dir, &["check", "--format", "json", "--today", date]).stdout;
    (human, serde_json::from_str(&json).expect("JSON"))
}

#[test]
fn demo_checks_the_example_as_of_its_own_date_unless_today_is_pinned() {
    let tmp = Repo::new();
    // GOVLINT_TODAY is unset: the machine's date (any date) must not matter.
    let out = govlint_in(tmp.path(), &["demo", "acme"]);
    assert_eq!(out.code, 0, "{out:?}");
    let dir = tmp.path().join("acme");
    let (human, json) = check_as_of(&dir, "2026-11-15");
    assert_eq!(
        out.stdout, human,
        "the demo shows the example as of 2026-11-15"
    );
    let mut planted: Vec<(String, String)> = json["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["waived"].is_null())
        .map(|d| {
            (
                d["rule"].as_str().unwrap_or_default().to_owned(),
                d["record"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    planted.sort();
    let want = [
        ("iso27001/improvement-overdue", "IMP-003"),
        ("iso27001/management-review-approval", "MR-2026-09"),
        ("iso27001/objective-has-resources", "OBJ-004"),
        ("iso27001/policy-approval", "POL-AC-001"),
    ]
    .map(|(r, id)| (r.to_owned(), id.to_owned()));
    assert_eq!(
        planted, want,
        "exactly the findings EXAMPLE.md lists: {json:#}"
    );
    assert!(
        out.stderr
            .contains("as of 2026-11-15, the example's own date"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("To see the example as of today"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("govlint check                             # as of today"),
        "{}",
        out.stderr
    );

    // A date the user pins wins.
    let out = govlint_in(tmp.path(), &["demo", "later", "--today", "2030-01-01"]);
    assert_eq!(out.code, 0, "{out:?}");
    let (later, _) = check_as_of(&tmp.path().join("later"), "2030-01-01");
    assert_eq!(out.stdout, later);
    assert_ne!(out.stdout, human);
    assert!(
        out.stderr.contains("as of 2030-01-01, the date you pinned"),
        "{}",
        out.stderr
    );
}

/// The scaffold holds the rest of the ISMS (SPEC 1.3), its two tables load
/// through `records.tables`, and a fresh `check` reports each empty SoA
/// justification at its cell — and nothing about the new templates' shape.
#[test]
fn init_scaffolds_the_rest_of_the_isms_with_its_tables() {
    let tmp = Repo::new();
    let out = govlint_in(tmp.path(), &["init", "isms", "--today", "2026-06-01"]);
    assert_eq!(out.code, 0, "{out:?}");
    let dir = tmp.path().join("isms");
    for file in [
        "scope/isms-scope.md",
        "context/interested-parties.yaml",
        "risks/risk-method.yaml",
        "registers/risks.csv",
        "soa/statement-of-applicability.md",
        "soa/controls.csv",
        "audits/internal-audit-template.yaml",
        "nonconformities/nonconformity-template.yaml",
        "competences/isms-lead.yaml",
        "measurements/obj-001.yaml",
    ] {
        assert!(dir.join(file).is_file(), "{file}");
    }

    let kinds_of = |path: &str| -> Vec<String> {
        let out = govlint_in(&dir, &["show", path, "--format", "json"]);
        assert_eq!(out.code, 0, "{path}: {out:?}");
        let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
        json.as_array()
            .expect("records")
            .iter()
            .map(|r| r["kind"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert_eq!(kinds_of("registers/risks.csv"), vec!["Risk"; 5]);
    assert_eq!(kinds_of("soa/controls.csv"), vec!["Control"; 93]);
    assert_eq!(kinds_of("risks/risk-method.yaml"), ["RiskMethod"]);
    assert_eq!(
        kinds_of("context/interested-parties.yaml"),
        vec!["InterestedParty"; 3]
    );

    let out = govlint_in(
        &dir,
        &["check", "--format", "json", "--today", "2026-06-01"],
    );
    assert_eq!(out.code, 1, "{out:?}");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let diagnostics = json["diagnostics"].as_array().expect("diagnostics");
    let schema: Vec<&serde_json::Value> = diagnostics
        .iter()
        .filter(|d| matches!(d["rule"].as_str(), Some("schema" | "parse" | "config")))
        .collect();
    assert_eq!(schema.len(), 93, "{json:#}");
    for (d, row) in schema.iter().zip(2..) {
        assert_eq!(d["rule"], "schema");
        assert_eq!(d["file"], "soa/controls.csv");
        assert_eq!(d["kind"], "Control");
        assert_eq!(d["line"], row);
        assert!(
            d["message"]
                .as_str()
                .unwrap_or_default()
                .contains("justification"),
            "{d}"
        );
    }
    // Row 2 is A.5.1: its empty justification is the fourth cell.
    let first = schema[0];
    assert_eq!(first["record"], "A.5.1");
    let line = "A.5.1,Policies for information security,true,";
    assert_eq!(first["column"], line.len() + 1);
}
