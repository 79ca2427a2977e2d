//! Issue 12: what installing govlint and wiring it into shells, editors and
//! CI relies on: `--version` with the commit, `completions`, `schema`, the
//! schema lines `init` writes, `check --report`, the colour policy, "today"
//! in the local time zone, and commit messages in windows-1252.
//! See: issue 12.

use std::process::Command;

use assert_cmd::cargo::cargo_bin;

use crate::support::{govlint_in, Repo};

/// govlint with only the environment a test names (no NO_COLOR, TZ, …).
fn bare_govlint(dir: &std::path::Path, env: &[(&str, &str)], args: &[&str]) -> (i32, String) {
    let mut cmd = Command::new(cargo_bin("govlint"));
    cmd.current_dir(dir).env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    cmd.env("GOVLINT_NO_CACHE", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .envs(env.iter().copied())
        .args(args);
    let out = cmd.output().expect("run govlint");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

fn clean_repo() -> Repo {
    let repo = Repo::fixture("clean");
    repo.init();
    repo.commit_all("Records", "2026-06-01T10:00:00Z");
    repo
}

#[test]
fn issue_12_version_names_the_package_version() {
    let out = govlint_in(std::env::temp_dir().as_path(), &["--version"]);
    assert_eq!(out.code, 0, "{out:?}");
    let prefix = format!("govlint {}", env!("CARGO_PKG_VERSION"));
    assert!(out.stdout.starts_with(&prefix), "{}", out.stdout);
}

#[test]
fn issue_12_bash_completions_load() {
    let out = govlint_in(std::env::temp_dir().as_path(), &["completions", "bash"]);
    assert_eq!(out.code, 0, "{out:?}");
    let script =
        std::env::temp_dir().join(format!("govlint-completion-{}.bash", std::process::id()));
    std::fs::write(&script, &out.stdout).expect("write");
    let status = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source '{}' && complete -p govlint",
            script.display()
        ))
        .output()
        .expect("bash");
    let _ = std::fs::remove_file(&script);
    assert!(status.status.success(), "{status:?}");
    assert!(String::from_utf8_lossy(&status.stdout).contains("govlint"));
}

#[test]
fn issue_12_man_page_is_roff() {
    let out = govlint_in(std::env::temp_dir().as_path(), &["manpage"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains(".TH govlint 1"),
        "{}",
        &out.stdout[..200]
    );
}

#[test]
fn issue_12_schemas_have_absolute_ids() {
    let dir = std::env::temp_dir();
    let list = govlint_in(&dir, &["schema"]);
    assert_eq!(list.code, 0, "{list:?}");
    for name in ["Objective", "config", "rules", "Risk", "Control"] {
        assert!(
            list.stdout.lines().any(|l| l.starts_with(name)),
            "{}",
            list.stdout
        );
        let out = govlint_in(&dir, &["schema", name]);
        assert_eq!(out.code, 0, "{out:?}");
        let schema: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
        let id = schema["$id"].as_str().unwrap_or_default();
        assert!(
            id.starts_with("https://govlint.dev/schemas/"),
            "{name}: {id}"
        );
    }
    let out = govlint_in(&dir, &["schema", "NoSuchKind"]);
    assert_eq!(out.code, 2, "{out:?}");
}

#[test]
fn issue_12_init_writes_schema_lines() {
    let repo = Repo::new();
    let out = repo.govlint(&["init", "--today", "2026-06-01"]);
    assert_eq!(out.code, 0, "{out:?}");
    let line = |rel: &str| {
        std::fs::read_to_string(repo.path().join(rel))
            .expect("read")
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(
        line("govlint.yaml"),
        "# yaml-language-server: $schema=https://govlint.dev/schemas/govlint.schema.json"
    );
    assert_eq!(
        line("objectives/obj-001.yaml"),
        "# yaml-language-server: $schema=https://govlint.dev/schemas/Objective.schema.json"
    );
    // The scaffold still checks cleanly with the line in place.
    let out = repo.govlint(&["check", "--today", "2026-06-01"]);
    assert_ne!(out.code, 2, "{out:?}");
}

#[test]
fn issue_12_several_reports_from_one_run() {
    let repo = Repo::fixture("broken-schema");
    repo.init();
    repo.commit_all("Records", "2026-06-01T10:00:00Z");
    let sarif = repo.path().join("out.sarif");
    let junit = repo.path().join("out.xml");
    let json = repo.path().join("out.json");
    let out = repo.govlint(&[
        "check",
        "--today",
        "2026-06-15",
        "--format",
        "github",
        "--report",
        &format!("sarif={}", sarif.display()),
        "--report",
        &format!("junit={}", junit.display()),
        "--report",
        &format!("json={}", json.display()),
    ]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("::error "), "{}", out.stdout);
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).expect("sarif")).expect("JSON");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json")).expect("JSON");
    let results = sarif["runs"][0]["results"].as_array().map_or(0, Vec::len);
    let diagnostics = json["diagnostics"].as_array().map_or(0, Vec::len);
    assert!(
        results > 0 && results == diagnostics,
        "{results} vs {diagnostics}"
    );
    let annotations = out.stdout.lines().filter(|l| l.starts_with("::")).count();
    assert_eq!(annotations, diagnostics);
    assert!(std::fs::read_to_string(&junit)
        .expect("junit")
        .contains("<testsuites"));
    let bad = repo.govlint(&["check", "--report", "yaml=x.yaml"]);
    assert_eq!(bad.code, 2, "{bad:?}");
}

#[test]
fn issue_12_one_colour_policy() {
    let repo = Repo::fixture("broken-schema");
    repo.init();
    repo.commit_all("Records", "2026-06-01T10:00:00Z");
    let check = ["check", "--today", "2026-06-15"];
    let esc = |env: &[(&str, &str)], args: &[&str]| {
        bare_govlint(repo.path(), env, args).1.contains('\u{1b}')
    };
    assert!(esc(&[("FORCE_COLOR", "1")], &check));
    assert!(esc(&[("CLICOLOR_FORCE", "1")], &check));
    assert!(!esc(&[("NO_COLOR", "1")], &check));
    assert!(!esc(&[], &check), "a pipe is not a terminal");
    assert!(!esc(
        &[("FORCE_COLOR", "1")],
        &["--color", "never", "check"]
    ));
    assert!(esc(&[("NO_COLOR", "1")], &["--color=always", "check"]));
    // Fatal errors (miette) and clap's usage errors follow it too.
    assert!(esc(&[("FORCE_COLOR", "1")], &["explain", "no-such-rule"]));
    assert!(!esc(&[("NO_COLOR", "1")], &["explain", "no-such-rule"]));
    assert!(esc(&[("FORCE_COLOR", "1")], &["check", "--no-such-flag"]));
    assert!(!esc(&[("NO_COLOR", "1")], &["check", "--no-such-flag"]));
}

#[test]
fn issue_12_today_is_the_local_date() {
    let repo = clean_repo();
    let today = |tz: &str| {
        let (code, text) = bare_govlint(repo.path(), &[("TZ", tz)], &["audit", "--format", "json"]);
        assert!(code == 0 || code == 1, "{text}");
        let start = text.find('{').unwrap_or(0);
        let v: serde_json::Value = serde_json::from_str(&text[start..]).expect("JSON");
        v["generated_for"].as_str().unwrap_or_default().to_owned()
    };
    // UTC+14 and UTC-12 are 26 hours apart: never the same calendar day.
    let east = today("Etc/GMT-14");
    let west = today("Etc/GMT+12");
    assert!(!east.is_empty() && east > west, "{east} vs {west}");
}

#[test]
fn issue_12_windows_1252_commit_messages() {
    let repo = clean_repo();
    // "révisé – budget 5 € “ok”": 0x96, 0x80, 0x93 and 0x94 are C1 controls
    // in Latin-1, and characters of their own in windows-1252.
    let message: &[u8] = b"Objectif r\xe9vis\xe9 \x96 budget 5 \x80 \x93ok\x94\n";
    repo.write_bytes("message.txt", message);
    let record = repo.path().join("objectives/obj-1.yaml");
    for label in ["cp1252", "windows-1252"] {
        let mut text = std::fs::read_to_string(&record).expect("read");
        text.push_str(&format!("# {label}\n"));
        std::fs::write(&record, text).expect("write");
        repo.git(&["add", "objectives/obj-1.yaml"]);
        repo.git_as(
            ("Test Author", "author@acme.example"),
            "2026-06-02T10:00:00Z",
            &[
                "-c",
                &format!("i18n.commitEncoding={label}"),
                "commit",
                "-q",
                "-F",
                "message.txt",
            ],
        );
        let raw = repo.git(&["cat-file", "commit", "HEAD"]);
        assert!(raw.contains(&format!("\nencoding {label}\n")), "{raw}");
    }
    let out = repo.govlint(&["log", "OBJ-1", "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let log: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let summaries: Vec<&str> = log["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["summary"].as_str())
        .collect();
    let want = "Objectif révisé – budget 5 € “ok”";
    assert_eq!(
        summaries.iter().filter(|s| **s == want).count(),
        2,
        "{summaries:?}"
    );
}

#[test]
fn issue_12_pre_commit_mirror_pins_this_version() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    // Not part of the crates.io package (scripts/check-integrations.sh
    // checks it too).
    let Ok(text) = std::fs::read_to_string(root.join("packaging/pre-commit/pyproject.toml")) else {
        return;
    };
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        text.contains(&format!("version = \"{version}\"")) && text.contains(&format!("\"govlint=={version}\"")),
        "packaging/pre-commit/pyproject.toml must install govlint {version}: set its version and pin"
    );
}
