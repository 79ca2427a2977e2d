//! A history read for a scope (the governance folder and the trust files
//! of a larger repository) gives the same changes for every path in the
//! scope as a history of everything, and none for the rest.

use super::*;

fn scoped(paths: &[&str]) -> HistoryOptions {
    HistoryOptions {
        allowed_signers: Some(".gitsigners".to_owned()),
        trust_files: vec![".gitsigners".to_owned(), "isms/govlint.yaml".to_owned()],
        scope: paths.iter().map(|p| (*p).to_owned()).collect(),
        ..HistoryOptions::default()
    }
}

#[test]
fn a_scope_keeps_its_paths_changes_and_reads_nothing_else() {
    let repo = TestRepo::new();
    repo.write("src/main.c", "int main;\n");
    repo.write("src/lib/util.c", "util\n");
    repo.write("isms/govlint.yaml", "version: 1\n");
    repo.write("isms/policies/pol.md", "v1\n");
    repo.write(".gitsigners", "jane@acme.example ssh-ed25519 AAAA\n");
    repo.commit("Start").run();
    repo.write("src/main.c", "int main(void);\n");
    repo.commit("Code only").run();
    repo.write("isms/policies/pol.md", "v2\n");
    repo.write("src/lib/util.c", "util 2\n");
    repo.commit("Both\n\nApproved-by: Jane Doe <jane@acme.example>")
        .run();
    repo.mv("isms/policies/pol.md", "isms/policies/security.md");
    repo.commit("Rename within the scope").run();
    repo.write(
        "docs/old.md",
        "a long enough document to be found as the same file\n",
    );
    repo.commit("A document outside").run();
    repo.mv("docs/old.md", "isms/policies/moved.md");
    repo.commit("Moved in from outside").run();
    repo.write(".gitsigners", "jane@acme.example ssh-ed25519 BBBB\n");
    repo.write("isms-old/notes.md", "not the governance folder\n");
    repo.commit("Trust file and a look-alike folder").run();
    repo.git(&["checkout", "-q", "-b", "side", "HEAD~1"]);
    repo.write("isms/side.md", "side\n");
    repo.commit("Side branch").run();
    repo.git(&["checkout", "-q", "-"]);
    repo.git(&["merge", "-q", "--no-ff", "-m", "Merge side", "side"]);

    let raw = open(&repo);
    let all = build_with(&raw, &scoped(&[])).expect("history of everything");
    let opts = scoped(&["isms/", ".gitsigners", "isms/govlint.yaml"]);
    let some = build_with(&raw, &opts).expect("history of the scope");

    let in_scope = [
        "isms/govlint.yaml",
        "isms/policies/security.md",
        "isms/policies/pol.md",
        "isms/side.md",
        ".gitsigners",
    ];
    for path in in_scope {
        let (a, s) = (all.changes(path), some.changes(path));
        assert!(!a.is_empty(), "{path} has history");
        assert_eq!(a, s, "{path}");
    }
    for path in ["src/main.c", "src/lib/util.c", "isms-old/notes.md"] {
        assert!(!all.changes(path).is_empty(), "{path}");
        assert!(some.changes(path).is_empty(), "{path} is outside the scope");
    }
    // Renamed in from outside: followed to `docs/` as with no scope.
    let moved = some.changes("isms/policies/moved.md");
    assert_eq!(moved.len(), 2, "{moved:?}");
    assert_eq!(all.changes("isms/policies/moved.md"), moved);
    assert_eq!(all.changes("docs/old.md"), some.changes("docs/old.md"));
    // Trust files changed the same way; the rename within the scope too.
    let trust = |h: &History| format!("{:?}", h.trust_changes());
    assert!(!all.trust_changes().is_empty());
    assert_eq!(trust(&all), trust(&some));
    assert_eq!(
        all.events("POL-1", "isms/policies/security.md"),
        some.events("POL-1", "isms/policies/security.md")
    );
}

#[test]
fn a_governance_folder_renamed_keeps_its_approvals_cached_or_not() {
    let repo = TestRepo::new();
    repo.write("src/main.c", "int main;\n");
    repo.write(
        "governance/policies/pol.md",
        "the information security policy\n",
    );
    repo.commit("Policy\n\nApproved-by: Jane Doe <jane@acme.example>")
        .run();
    repo.write("src/main.c", "int main(void);\n");
    repo.commit("Code").run();
    let raw = open(&repo);
    let opts = scoped(&["isms/", ".gitsigners", "isms/govlint.yaml"]);
    let cache = tempfile::tempdir().expect("cache folder");
    // Warm the cache before the move: nothing in the scope yet.
    let before = build::build(&raw, &opts, Some(cache.path())).expect("builds");
    assert!(before.changes("isms/policies/pol.md").is_empty());

    repo.mv("governance", "isms");
    repo.commit("Move the ISMS").run();
    let all = build_with(&raw, &scoped(&[])).expect("history of everything");
    let path = "isms/policies/pol.md";
    let want = all.changes(path);
    assert_eq!(want.len(), 2, "{want:?}");
    for history in [
        build_with(&raw, &opts).expect("cold"),
        build::build(&raw, &opts, Some(cache.path())).expect("after the cached run"),
        build::build(&raw, &opts, Some(cache.path())).expect("warm"),
    ] {
        assert_eq!(history.changes(path), want);
        assert_eq!(history.events("POL-1", path), all.events("POL-1", path));
        assert_eq!(history.events("POL-1", path).len(), 1);
    }
}
