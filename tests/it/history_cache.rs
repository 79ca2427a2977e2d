//! A damaged history cache is rebuilt, never used (SPEC 6): the warm-run
//! cache of the example ISMS (its facts file and its witness file) is
//! truncated, cut to nothing, bit-flipped, padded and replaced by another
//! repository's; each time `govlint check` says exactly what the cold run
//! said and leaves behind the very files the cold run wrote.

use std::path::{Path, PathBuf};

use super::support::{govlint_env, Repo};

/// `govlint check --format json` with the cache in `cache`.
fn check(repo: &Repo, cache: &Path) -> (i32, String) {
    let out = govlint_env(
        repo.path(),
        &["check", "--format", "json", "--today", "2026-11-15"],
        &[
            ("GOVLINT_NO_CACHE", "0"),
            ("XDG_CACHE_HOME", cache.to_str().expect("UTF-8 path")),
        ],
    );
    assert!(out.code == 0 || out.code == 1, "{out:?}");
    (out.code, out.stdout)
}

/// The cache files, sorted: the facts file and the witness file.
fn files(cache: &Path) -> Vec<PathBuf> {
    let dir = cache.join("govlint").join("history");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    files
}

#[test]
fn a_damaged_history_cache_is_rebuilt_never_used() {
    let repo = Repo::example();
    let cache = tempfile::tempdir().expect("tempdir");
    let cold = check(&repo, cache.path());
    let written = files(cache.path());
    assert_eq!(
        written.len(),
        2,
        "the facts and the witness file: {written:?}"
    );
    let good: Vec<Vec<u8>> = written
        .iter()
        .map(|f| std::fs::read(f).expect("read"))
        .collect();
    // A warm run reads them and changes nothing.
    assert_eq!(check(&repo, cache.path()), cold);

    // Another repository's cache file, put in this one's place.
    let other = Repo::example();
    other.write("policies/extra.md", "---\nkind: Policy\nid: POL-X\n---\n");
    other.commit_all("Add a policy", "2026-11-01T10:00:00Z");
    let other_cache = tempfile::tempdir().expect("tempdir");
    check(&other, other_cache.path());
    let foreign: Vec<Vec<u8>> = files(other_cache.path())
        .iter()
        .map(|f| std::fs::read(f).expect("read"))
        .collect();

    type Damage = fn(&mut Vec<u8>, &[u8]);
    let damages: [(&str, Damage); 6] = [
        ("truncated", |b, _| b.truncate(b.len() * 2 / 3)),
        ("emptied", |b, _| b.clear()),
        ("a bit flipped", |b, _| {
            let middle = b.len() / 2;
            b[middle] ^= 0x10;
        }),
        ("the checksum flipped", |b, _| {
            let last = b.len() - 1;
            b[last] ^= 1;
        }),
        ("padded", |b, _| b.extend_from_slice(b"\0\0\0\0")),
        ("another repository's", |b, other| *b = other.to_vec()),
    ];
    for (which, file) in written.iter().enumerate() {
        for (what, damage) in damages {
            let mut bytes = good[which].clone();
            damage(&mut bytes, &foreign[which]);
            std::fs::write(file, &bytes).expect("write");
            let name = file.file_name().unwrap_or_default().to_string_lossy();
            assert_eq!(
                check(&repo, cache.path()),
                cold,
                "{name} {what}: the run differs from the cold run"
            );
            for (f, expected) in written.iter().zip(&good) {
                assert!(
                    std::fs::read(f).expect("read") == *expected,
                    "{name} {what}: {} was not rebuilt as the cold run wrote it",
                    f.display()
                );
            }
        }
    }
}
