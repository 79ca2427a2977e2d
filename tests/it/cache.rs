//! The warm-run caches (history and records, SPEC 7) never change a
//! verdict: over a sequence of edits, staged changes, commits, amends,
//! rebases and a force-push-like reset, every warm `check` (both caches
//! in use) prints byte for byte what a cold run (`GOVLINT_NO_CACHE=1`)
//! prints; a truncated or bit-flipped cache file is rebuilt, never
//! trusted; two processes at once both give the right answer.

use std::path::Path;

use crate::support::{govlint_env, Output, Repo};

const TODAY: &str = "2026-11-15";

/// `govlint -v check ARGS --format json` with the caches in `cache`.
fn warm(repo: &Repo, cache: &Path, args: &[&str]) -> Output {
    let mut all = vec!["-v", "check", "--format", "json", "--today", TODAY];
    all.extend_from_slice(args);
    govlint_env(
        repo.path(),
        &all,
        &[
            ("GOVLINT_NO_CACHE", "0"),
            ("XDG_CACHE_HOME", cache.to_str().expect("utf-8 path")),
        ],
    )
}

/// The same run with no cache at all.
fn cold(repo: &Repo, args: &[&str]) -> Output {
    let mut all = vec!["check", "--format", "json", "--today", TODAY];
    all.extend_from_slice(args);
    govlint_env(repo.path(), &all, &[])
}

/// How many files the warm run parsed afresh (from `-v`).
fn parsed(out: &Output) -> usize {
    let line = out
        .stderr
        .lines()
        .find(|l| l.contains("load and validate records"))
        .unwrap_or_else(|| panic!("no timing line: {}", out.stderr));
    let n = line
        .split('(')
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .unwrap_or_else(|| panic!("no count: {line}"));
    n.parse().expect("a count")
}

/// Warm and cold agree byte for byte on the working tree and on the index;
/// returns how many files the warm working-tree run parsed.
#[track_caller]
fn same(repo: &Repo, cache: &Path, step: &str) -> usize {
    let mut first = None;
    for args in [&[][..], &["--staged"][..]] {
        let w = warm(repo, cache, args);
        let c = cold(repo, args);
        assert!(w.code == 1 || w.code == 0, "{step} {args:?}: {}", w.stderr);
        assert_eq!(w.code, c.code, "{step} {args:?}: exit codes differ");
        assert!(!c.stdout.is_empty(), "{step}: no output: {}", c.stderr);
        assert_eq!(w.stdout, c.stdout, "{step} {args:?}: warm and cold differ");
        first.get_or_insert(parsed(&w));
    }
    first.unwrap_or_default()
}

fn records_cache(cache: &Path) -> std::path::PathBuf {
    let dir = cache.join("govlint").join("records");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .expect("a record cache folder")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(
        files.len(),
        1,
        "one record cache file, no temporary left: {files:?}"
    );
    files[0].clone()
}

fn history_cache(cache: &Path) -> std::path::PathBuf {
    let dir = cache.join("govlint").join("history");
    std::fs::read_dir(&dir)
        .expect("a history cache folder")
        .map(|e| e.expect("entry").path())
        .find(|p| {
            p.extension().is_some_and(|e| e == "bin") && !p.to_string_lossy().contains("witness")
        })
        .expect("a history cache file")
}

/// A record of the example with one line changed (same length when
/// `same_size`, to defeat any size-and-time shortcut).
fn edit(repo: &Repo, rel: &str, from: &str, to: &str) {
    let path = repo.path().join(rel);
    let text = std::fs::read_to_string(&path).expect("reads");
    assert!(text.contains(from), "{rel} has no `{from}`");
    repo.write(rel, &text.replacen(from, to, 1));
}

#[test]
fn warm_runs_match_cold_runs_through_edits_amends_and_rebases() {
    let repo = Repo::example();
    let cache = tempfile::tempdir().expect("tempdir");
    let c = cache.path();
    let policy = "policies/information-security-policy.md";
    assert!(
        repo.path().join(policy).exists(),
        "the example has {policy}"
    );

    assert!(same(&repo, c, "first run") > 0);
    assert_eq!(
        same(&repo, c, "nothing changed"),
        0,
        "a warm run parses nothing"
    );

    // An edit in the working tree, then one of the same size at once (the
    // same clock tick: content is hashed, never trusted by its time).
    edit(&repo, policy, "version:", "versio:");
    assert_eq!(same(&repo, c, "edit"), 1);
    edit(&repo, policy, "versio:", "versiX:");
    assert_eq!(same(&repo, c, "same-size edit"), 1);

    // Staged, then committed.
    repo.git(&["add", policy]);
    same(&repo, c, "staged");
    repo.commit_all("Edit the policy", "2026-11-10T10:00:00+01:00");
    same(&repo, c, "committed");

    // Amended with other content and another message.
    edit(&repo, policy, "versiX:", "version:");
    repo.write(
        "objectives/obj-amend.yaml",
        "kind: Objective\nid: OBJ-AMEND\n",
    );
    repo.git(&["add", "-A"]);
    repo.git_as(
        crate::support::TEST_AUTHOR,
        "2026-11-10T11:00:00+01:00",
        &["commit", "--amend", "-m", "Edit the policy again"],
    );
    same(&repo, c, "amended");

    // A branch rebased onto a main that moved on.
    let base = repo.git(&["rev-parse", "HEAD"]).trim().to_owned();
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo.write(
        "objectives/obj-cache.yaml",
        "kind: Objective\nid: OBJ-CACHE\ntitle: Cached\n",
    );
    repo.commit_all("Add an objective", "2026-11-11T10:00:00+01:00");
    same(&repo, c, "topic");
    repo.git(&["checkout", "-q", "main"]);
    edit(&repo, policy, "version:", "Version:");
    repo.commit_all("Break the policy", "2026-11-12T10:00:00+01:00");
    same(&repo, c, "main moved");
    repo.git(&["checkout", "-q", "topic"]);
    repo.git_as(
        crate::support::TEST_AUTHOR,
        "2026-11-13T10:00:00+01:00",
        &["rebase", "-q", "main"],
    );
    same(&repo, c, "rebased");

    // History rewritten as by a force-push: back to the base, another commit.
    repo.git(&["reset", "-q", "--hard", &base]);
    same(&repo, c, "reset");
    repo.write(
        "objectives/obj-cache.yaml",
        "kind: Objective\nid: OBJ-CACHE\nowner: 7\n",
    );
    repo.commit_all("Add another objective", "2026-11-14T10:00:00+01:00");
    same(&repo, c, "force-pushed");

    // A schema of the repository and govlint.yaml are part of the key.
    repo.write(
        "schemas/Objective.schema.json",
        r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","required":["kind","id","title"]}"#,
    );
    assert!(
        same(&repo, c, "own schema") > 1,
        "a new schema checks every file again"
    );
    let config = std::fs::read_to_string(repo.path().join("govlint.yaml")).expect("reads");
    repo.write("govlint.yaml", &format!("{config}\n# a comment\n"));
    assert!(same(&repo, c, "config edited") > 1);
    assert_eq!(same(&repo, c, "settled"), 0);
}

#[test]
fn damaged_cache_files_are_rebuilt_never_trusted() {
    let repo = Repo::example();
    let cache = tempfile::tempdir().expect("tempdir");
    let c = cache.path();
    same(&repo, c, "first run");
    let records = records_cache(c);
    let history = history_cache(c);
    let good_records = std::fs::read(&records).expect("reads");
    let good_history = std::fs::read(&history).expect("reads");

    type Damage = fn(&mut Vec<u8>);
    let damages: [(&str, Damage); 3] = [
        ("truncated", |b| b.truncate(b.len() / 2)),
        ("bit flipped", |b| {
            let i = b.len() / 3;
            b[i] ^= 0x10;
        }),
        ("emptied", Vec::clear),
    ];
    for (what, damage) in damages {
        for (file, good) in [(&records, &good_records), (&history, &good_history)] {
            let mut bad = good.clone();
            damage(&mut bad);
            std::fs::write(file, &bad).expect("writes");
            let parsed = same(&repo, c, what);
            if file == &records {
                assert!(parsed > 0, "{what} record cache was trusted");
            }
            // Rebuilt: the next run reads it again.
            assert_eq!(same(&repo, c, "after repair"), 0, "{what}: not rebuilt");
        }
    }
}

#[test]
fn two_runs_at_once_give_the_right_answer() {
    let repo = Repo::example();
    let cache = tempfile::tempdir().expect("tempdir");
    let c = cache.path();
    let mut expected = cold(&repo, &[]);
    let policy = "policies/information-security-policy.md";
    for round in 0..3 {
        let runs: Vec<Output> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..2).map(|_| s.spawn(|| warm(&repo, c, &[]))).collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("joins"))
                .collect()
        });
        for out in runs {
            assert_eq!(
                out.stdout, expected.stdout,
                "round {round}: a concurrent run differs"
            );
            assert_eq!(out.code, expected.code);
        }
        records_cache(c);
        // Then an edit, so the next round both write again.
        edit(&repo, policy, "version:", &format!("version{round}:"));
        edit(&repo, policy, &format!("version{round}:"), "version:");
        repo.write(
            "objectives/round.yaml",
            &format!("kind: Objective\nid: OBJ-R{round}\n"),
        );
        expected = cold(&repo, &[]);
    }
}
