//! `govlint init`: what it writes and commits, and that it never overwrites.

use std::path::Path;

use git2::{Repository, Signature, Status};

use super::{project, read_tree};
use crate::init::{init, scaffold, InitError};
use crate::time::parse_date;

fn today() -> jiff::civil::Date {
    parse_date("2026-11-29").expect("valid date")
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

#[test]
fn every_scaffold_template_file_is_in_the_table() {
    let on_disk = read_tree(&project("templates/scaffold"));
    let table: Vec<&str> = scaffold::sources().map(|(_, text)| text).collect();
    assert_eq!(on_disk.len(), table.len(), "{:?}", on_disk.keys());
    for (path, text) in &on_disk {
        assert!(
            table.contains(&text.as_str()),
            "{path} is not in scaffold::TEMPLATES"
        );
    }
}

#[test]
fn placeholders_are_filled_in_paths_and_contents() {
    let files = scaffold::render(today());
    assert!(
        files.iter().any(|(p, _)| p == "resources/2026.yaml"),
        "{files:?}"
    );
    for (path, text) in &files {
        assert!(!path.contains("{{") && !text.contains("{{"), "{path}");
    }
    let (_, ra) = files
        .iter()
        .find(|(p, _)| p.starts_with("resources/"))
        .expect("resource allocation");
    assert!(ra.contains("from: 2026-11-29\n  to: 2027-11-28\n"), "{ra}");
    assert!(ra.contains("id: RA-2026\n"), "{ra}");
    // A period starting on 29 February still lasts a full year.
    let leap = scaffold::render(parse_date("2028-02-29").expect("date"));
    let (_, ra) = leap
        .iter()
        .find(|(p, _)| p.starts_with("resources/"))
        .expect("ra");
    assert!(ra.contains("from: 2028-02-29\n  to: 2029-02-28\n"), "{ra}");
}

#[test]
fn init_writes_the_scaffold_and_commits_it() {
    let tmp = tempdir();
    let dir = tmp.path().join("isms");
    let report = init(&dir, false, today(), false).expect("init");
    let expected: Vec<String> = {
        let mut v: Vec<String> = scaffold::render(today())
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        v.sort();
        v
    };
    assert_eq!(report.files, expected);
    assert_eq!(report.commits, 1);
    assert_eq!(report.dir, dir);

    let on_disk = read_tree(&dir);
    assert_eq!(on_disk.keys().cloned().collect::<Vec<_>>(), expected);
    let repo = Repository::open(&dir).expect("repo");
    let head = repo.head().expect("head").peel_to_commit().expect("commit");
    assert_eq!(head.parent_count(), 0);
    assert!(head
        .message()
        .unwrap_or_default()
        .starts_with("Create the ISMS governance repository"));
    let tree = head.tree().expect("tree");
    for (path, text) in &on_disk {
        let blob = tree
            .get_path(Path::new(path))
            .and_then(|e| e.to_object(&repo))
            .expect("committed");
        assert_eq!(
            blob.as_blob().map(git2::Blob::content),
            Some(text.as_bytes()),
            "{path}"
        );
    }
    assert!(
        repo.statuses(None).expect("status").is_empty(),
        "work tree is clean"
    );
}

#[test]
fn init_refuses_existing_files_and_writes_nothing() {
    let tmp = tempdir();
    let dir = tmp.path();
    std::fs::write(dir.join("README.md"), "mine\n").expect("write");
    std::fs::create_dir(dir.join("policies")).expect("mkdir");
    std::fs::write(
        dir.join("policies/information-security-policy.md"),
        "mine\n",
    )
    .expect("write");
    let before = read_tree(dir);

    let err = init(dir, false, today(), false).expect_err("must refuse");
    let InitError::Exists { paths } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        paths,
        &["README.md", "policies/information-security-policy.md"]
    );
    assert_eq!(read_tree(dir), before, "nothing written");
    assert!(!dir.join(".git").exists(), "no repository created");
    let text = err.to_string();
    assert!(
        text.contains("README.md") && text.contains("refusing to overwrite"),
        "{text}"
    );
}

#[test]
fn init_refuses_a_path_tracked_but_deleted_in_the_work_tree() {
    let tmp = tempdir();
    let repo = Repository::init(tmp.path()).expect("init");
    std::fs::write(tmp.path().join("README.md"), "ours\n").expect("write");
    commit_all(&repo, "Add readme");
    std::fs::remove_file(tmp.path().join("README.md")).expect("rm");
    let err = init(tmp.path(), false, today(), false).expect_err("must refuse");
    assert!(
        matches!(&err, InitError::Exists { paths } if paths == &["README.md"]),
        "{err:?}"
    );
}

#[test]
fn init_in_an_existing_history_writes_but_never_commits_unasked() {
    let tmp = tempdir();
    let repo = Repository::init(tmp.path()).expect("init");
    std::fs::write(tmp.path().join("notes.txt"), "notes\n").expect("write");
    let first = commit_all(&repo, "Start");

    let report = init(tmp.path(), false, today(), false).expect("init");
    assert_eq!(report.commits, 0);
    let head = repo.head().expect("head").peel_to_commit().expect("commit");
    assert_eq!(head.id(), first, "no commit on top of the user's history");
    assert!(tmp.path().join("govlint.yaml").is_file());
    let status = repo.status_file(Path::new("govlint.yaml")).expect("status");
    assert_eq!(status, Status::WT_NEW, "written, not staged");
}

#[test]
fn init_commit_in_an_existing_repository_commits_on_top_and_leaves_staged_work_alone() {
    let tmp = tempdir();
    let repo = Repository::init(tmp.path()).expect("init");
    std::fs::write(tmp.path().join("notes.txt"), "notes\n").expect("write");
    let first = commit_all(&repo, "Start");
    std::fs::write(tmp.path().join("staged.txt"), "work in progress\n").expect("write");
    let mut index = repo.index().expect("index");
    index.add_path(Path::new("staged.txt")).expect("stage");
    index.write().expect("write index");

    let report = init(tmp.path(), false, today(), true).expect("init");
    assert_eq!(report.commits, 1);
    let head = repo.head().expect("head").peel_to_commit().expect("commit");
    assert_eq!(head.parent_ids().collect::<Vec<_>>(), vec![first]);
    let tree = head.tree().expect("tree");
    assert!(tree.get_path(Path::new("notes.txt")).is_ok());
    assert!(tree.get_path(Path::new("govlint.yaml")).is_ok());
    assert!(
        tree.get_path(Path::new("staged.txt")).is_err(),
        "staged work is not committed"
    );
    let status = repo.status_file(Path::new("staged.txt")).expect("status");
    assert_eq!(status, Status::INDEX_NEW, "and stays staged");
    assert!(repo
        .status_file(Path::new("govlint.yaml"))
        .expect("status")
        .is_empty());
}

/// Commits the whole work tree (test helper with a fixed identity).
fn commit_all(repo: &Repository, message: &str) -> git2::Oid {
    let mut index = repo.index().expect("index");
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .expect("add");
    index.write().expect("write");
    let tree = repo
        .find_tree(index.write_tree().expect("tree"))
        .expect("tree");
    let sig = Signature::new(
        "Test",
        "test@example.com",
        &git2::Time::new(1_700_000_000, 0),
    )
    .expect("sig");
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
        .expect("commit")
}

#[test]
fn init_refuses_a_file_where_a_folder_should_be() {
    let tmp = tempdir();
    std::fs::write(tmp.path().join("policies"), "a file, not a folder\n").expect("write");
    let err = init(tmp.path(), false, today(), false).expect_err("must refuse");
    assert!(
        matches!(&err, InitError::Exists { paths } if paths == &["policies/information-security-policy.md"]),
        "{err:?}"
    );
    assert_eq!(read_tree(tmp.path()).len(), 1, "nothing written");

    let file = tmp.path().join("policies");
    let err = init(&file, false, today(), false).expect_err("not a directory");
    assert!(matches!(err, InitError::Io { .. }), "{err:?}");
}
