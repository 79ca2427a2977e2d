//! Issue #11: `init` never adds a commit on top of a user's history unasked.
//! Real `git` and the built `govlint`.

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
