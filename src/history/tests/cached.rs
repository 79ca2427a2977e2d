//! The warm-run cache gives the same answers as a fresh walk, walks only
//! new commits, and is dropped when it does not fit.

use std::fmt::Write as _;

use super::super::build::build_counted;
use super::super::testing::TestRepo;
use super::super::{History, HistoryOptions};
use super::{open, JANE};

const PATHS: [&str; 4] = ["a.yaml", "b.yaml", "moved/a.yaml", "gone.yaml"];

fn opts() -> HistoryOptions {
    HistoryOptions {
        rev: None,
        allowed_signers: Some(".govlint/allowed_signers".to_owned()),
        trust_files: Vec::new(),
        openpgp_keys: None,
        revoked_keys: None,
        ..HistoryOptions::default()
    }
}

/// Everything the queries say, as text.
fn snapshot(history: &History) -> String {
    let mut out = format!(
        "head {:?} shallow {}\n",
        history.head(),
        history.is_shallow()
    );
    for path in PATHS {
        let _ = writeln!(out, "changes {path}: {:?}", history.changes(path));
        let _ = writeln!(out, "events {path}: {:?}", history.events("A", path));
    }
    let _ = writeln!(out, "all: {:?}", history.all_events().collect::<Vec<_>>());
    let _ = writeln!(out, "non-monotonic: {:?}", history.non_monotonic());
    out
}

fn fresh(repo: &TestRepo) -> String {
    let (history, _) = build_counted(&open(repo), &opts(), None).expect("builds");
    snapshot(&history)
}

fn warm(repo: &TestRepo, dir: &std::path::Path) -> (String, usize) {
    let (history, walked) = build_counted(&open(repo), &opts(), Some(dir)).expect("builds");
    (snapshot(&history), walked)
}

#[test]
fn warm_runs_match_fresh_walks_and_walk_only_new_commits() {
    let cache = tempfile::tempdir().expect("tempdir");
    let repo = TestRepo::new();
    repo.write("a.yaml", "id: A\n");
    repo.write("gone.yaml", "x\n");
    repo.commit("Add").run();
    repo.write("a.yaml", "id: A\nv: 2\n");
    repo.commit("Edit").trailer(JANE).run();

    let (first, walked) = warm(&repo, cache.path());
    assert_eq!((first.as_str(), walked), (fresh(&repo).as_str(), 2));
    let (again, walked) = warm(&repo, cache.path());
    assert_eq!((again.as_str(), walked), (first.as_str(), 0));

    // New commits, a branch, a merge and a rename: only they are walked.
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.write("b.yaml", "id: B\n");
    repo.commit("Side").run();
    repo.git(&["checkout", "-q", "main"]);
    repo.mv("a.yaml", "moved/a.yaml");
    std::fs::remove_file(repo.path().join("gone.yaml")).expect("remove");
    repo.commit("Move A")
        .trailer("Approves: A")
        .trailer(JANE)
        .run();
    repo.git(&[
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge side",
        "-m",
        JANE,
        "side",
    ]);
    let (after, walked) = warm(&repo, cache.path());
    assert_eq!(walked, 3);
    assert_eq!(after, fresh(&repo));
    let b_events = after
        .lines()
        .find(|l| l.starts_with("events b.yaml"))
        .unwrap_or_default();
    assert!(
        b_events.contains("Merge side"),
        "the approving merge's event is kept"
    );

    // History rewritten: the cached revision is no ancestor, so start over.
    repo.git(&["reset", "-q", "--hard", "HEAD~2"]);
    repo.write("b.yaml", "id: B\nrewritten: true\n");
    repo.commit("Rewrite").run();
    let (rewritten, walked) = warm(&repo, cache.path());
    assert_eq!(walked, 3);
    assert_eq!(rewritten, fresh(&repo));
}

#[test]
fn a_warm_run_keeps_each_commits_utc_offset() {
    let cache = tempfile::tempdir().expect("tempdir");
    let repo = TestRepo::new();
    repo.write("a.yaml", "id: A\n");
    super::super::testing::CommitBuilder::at_date(
        repo.path(),
        "Add",
        "2026-03-01T23:30:00-08:00".to_owned(),
    )
    .run();
    repo.write("a.yaml", "id: A\nv: 2\n");
    super::super::testing::CommitBuilder::at_date(
        repo.path(),
        "Edit",
        "2026-03-03T00:30:00+14:00".to_owned(),
    )
    .trailer(JANE)
    .run();
    let (history, _) = build_counted(&open(&repo), &opts(), Some(cache.path())).expect("builds");
    let (cached, walked) =
        build_counted(&open(&repo), &opts(), Some(cache.path())).expect("builds");
    assert_eq!(walked, 0, "the second run reads the cache");
    let offsets = |h: &History| -> Vec<i32> {
        h.changes("a.yaml")
            .iter()
            .map(|c| c.commit.offset_minutes)
            .collect()
    };
    assert_eq!(offsets(&history), [14 * 60, -8 * 60]);
    assert_eq!(offsets(&cached), offsets(&history));
}

#[test]
fn a_damaged_cache_file_is_ignored() {
    let cache = tempfile::tempdir().expect("tempdir");
    let repo = TestRepo::new();
    repo.write("a.yaml", "id: A\n");
    repo.commit("Add").trailer(JANE).run();
    warm(&repo, cache.path());
    let files: Vec<_> = std::fs::read_dir(cache.path())
        .expect("cache folder")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let mut bytes = std::fs::read(&files[0]).expect("read");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&files[0], &bytes).expect("write");
    let (snap, walked) = warm(&repo, cache.path());
    assert_eq!((snap, walked), (fresh(&repo), 1));
    std::fs::write(&files[0], b"short").expect("write");
    assert_eq!(warm(&repo, cache.path()).1, 1);
}

/// A facts file whose checksum is right but whose boundary flag is neither
/// 0 nor 1 was taken as "boundary" and re-encoded differently: a damaged
/// file used as a valid one (the history_cache fuzz target's property).
#[test]
fn a_cache_file_is_used_only_if_it_is_exactly_what_store_writes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fact = |boundary: u8| {
        let mut body = vec![7u8; 20]; // head
        body.extend(1u32.to_le_bytes()); // one commit
        body.extend([1u8; 20]); // id
        body.extend([2u8; 20]); // tree
        body.extend(0u32.to_le_bytes()); // no parents
        body.push(boundary);
        for _ in 0..4 {
            body.extend(0u32.to_le_bytes()); // author and committer
        }
        body.extend(0i64.to_le_bytes()); // time
        body.extend(0i64.to_le_bytes()); // offset
        body.extend(0u32.to_le_bytes()); // summary
        body.extend(0u32.to_le_bytes()); // changes
        body.extend(0u32.to_le_bytes()); // merged
        body.push(0); // no approval
        body
    };
    for boundary in [0, 1] {
        let (file, again) =
            super::super::cache::fuzz_round_trip(dir.path(), &fact(boundary), false, None)
                .expect("files");
        assert_eq!(again, Some(file), "boundary {boundary}");
    }
    for boundary in [2, 0xff] {
        let (_, again) =
            super::super::cache::fuzz_round_trip(dir.path(), &fact(boundary), false, None)
                .expect("files");
        assert_eq!(again, None, "boundary {boundary} is accepted");
    }
}
