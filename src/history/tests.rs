//! End-to-end tests of the history index on repositories made by the real
//! `git` CLI (see `testing.rs`). Signature tests are in `tests/signed.rs`.

use super::testing::{git_command, TestRepo, DAY, START};
use super::*;

mod cached;
mod follow;
mod mailmap;
mod scoped;
mod signed;
mod witnessed;

const JANE: &str = "Approved-by: Jane Doe <jane@acme.example>";

fn build(repo: &TestRepo) -> History {
    build_rev(repo, None)
}

fn build_rev(repo: &TestRepo, rev: Option<&str>) -> History {
    let opts = HistoryOptions {
        rev: rev.map(str::to_owned),
        allowed_signers: Some(".govlint/allowed_signers".to_owned()),
        trust_files: Vec::new(),
        openpgp_keys: Some(".govlint/openpgp".to_owned()),
        revoked_keys: Some(".govlint/revoked_keys".to_owned()),
        ..HistoryOptions::default()
    };
    build_with(&open(repo), &opts).expect("history builds")
}

/// `History::build` without the user's cache folder.
fn build_with(repo: &git2::Repository, opts: &HistoryOptions) -> Result<History, HistoryError> {
    History::build_uncached(repo, opts)
}

/// The repository with libgit2, as [`History::build`] reads it.
fn open(repo: &TestRepo) -> git2::Repository {
    git2::Repository::open(repo.path()).expect("open repository")
}

fn ids(changes: &[Change]) -> Vec<String> {
    changes.iter().map(|c| c.commit.id.to_string()).collect()
}

#[test]
fn trailers_of_commits_become_events_one_per_identity() {
    let repo = TestRepo::new();
    repo.write("policies/pol.md", "v1\n");
    let first = repo.commit("Add policy").run();
    repo.write("policies/pol.md", "v2\n");
    let second = repo
        .commit("Update policy\n\nBody.\n\napproved-by: Jane Doe <jane@acme.example>\nReviewed-by: Rob <rob@acme.example>")
        .trailer("Approved-by: Kim Lee <kim@acme.example>")
        .trailer("Approved-by: Jane Doe <JANE@acme.example>")
        .run();
    let history = build(&repo);
    assert_eq!(
        ids(&history.changes("policies/pol.md")),
        vec![second.clone(), first]
    );
    let events = history.events("POL-1", "policies/pol.md");
    let got: Vec<(EventKind, &str)> = events
        .iter()
        .map(|e| (e.kind, e.who.email.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (EventKind::Approval, "jane@acme.example"),
            (EventKind::Review, "rob@acme.example"),
            (EventKind::Approval, "kim@acme.example"),
        ]
    );
    let jane = &events[0];
    assert_eq!(jane.commit.id.to_string(), second);
    assert_eq!(
        jane.via,
        Via::Changed {
            path: "policies/pol.md".into()
        }
    );
    assert_eq!(jane.blob, Some(History::blob_id(b"v2\n")));
    assert_eq!(jane.path_then.as_deref(), Some("policies/pol.md"));
    assert_eq!(
        jane.change_author.as_ref().map(|a| a.email.as_str()),
        Some("alice@example.com")
    );
    assert_eq!(jane.record_id, None);
    assert_eq!(jane.signature, SignatureStatus::Unsigned);
    assert_eq!(history.all_events().count(), 3);
}

#[test]
fn empty_commit_approves_a_named_record_at_its_content_then() {
    let repo = TestRepo::new();
    repo.write("obj.yaml", "id: OBJ-1\nv: 1\n");
    repo.commit("Add objective")
        .author("Bob Writer", "bob@acme.example")
        .run();
    let approval = repo
        .commit("Approve OBJ-1")
        .author("Jane Doe", "jane@acme.example")
        .trailer("Approves: OBJ-1, OBJ-2")
        .trailer(JANE)
        .allow_empty()
        .run();
    repo.write("obj.yaml", "id: OBJ-1\nv: 2\n");
    repo.commit("Change it after approval").run();
    let history = build(&repo);
    let events = history.events("OBJ-1", "obj.yaml");
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(e.commit.id.to_string(), approval);
    assert_eq!(e.via, Via::Named);
    assert_eq!(e.record_id.as_deref(), Some("OBJ-1"));
    assert_eq!(e.blob, Some(History::blob_id(b"id: OBJ-1\nv: 1\n")));
    assert_eq!(e.path_then.as_deref(), Some("obj.yaml"));
    assert_eq!(
        e.change_author.as_ref().map(|a| a.email.as_str()),
        Some("bob@acme.example")
    );
    // A record named but absent at the approving commit has no blob.
    let other = history.events("OBJ-2", "objectives/obj-2.yaml");
    assert_eq!(other.len(), 1);
    assert_eq!(other[0].blob, None);
    assert!(history.events("OBJ-3", "x.yaml").is_empty());
    // Reviews pair with Reviewed-by only, Approves with Approved-by.
    repo.commit("Review OBJ-1")
        .trailer("Reviews: OBJ-1")
        .trailer("Reviewed-by: Rob <rob@acme.example>")
        .trailer("Approved-by: Kim <kim@acme.example>")
        .allow_empty()
        .run();
    let events = build(&repo).events("OBJ-1", "obj.yaml");
    let kinds: Vec<(EventKind, &str)> = events
        .iter()
        .map(|e| (e.kind, e.who.email.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (EventKind::Approval, "jane@acme.example"),
            (EventKind::Review, "rob@acme.example")
        ]
    );
    assert_eq!(events[1].blob, Some(History::blob_id(b"id: OBJ-1\nv: 2\n")));
}

#[test]
fn a_commit_that_changes_and_names_a_record_gives_one_event() {
    let repo = TestRepo::new();
    repo.write("a.yaml", "id: A\n");
    repo.commit("Add A")
        .trailer("Approves: A")
        .trailer(JANE)
        .run();
    let events = build(&repo).events("A", "a.yaml");
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0].via,
        Via::Changed {
            path: "a.yaml".into()
        }
    );
    assert_eq!(events[0].record_id.as_deref(), Some("A"));
}

#[test]
fn approvals_on_a_merged_branch_count() {
    let repo = TestRepo::new();
    repo.write("a.yaml", "id: A\n");
    repo.write("b.yaml", "id: B\n");
    repo.commit("Base").run();
    repo.git(&["checkout", "-q", "-b", "review"]);
    repo.write("a.yaml", "id: A\nv: 2\n");
    let on_branch = repo.commit("Edit A on a branch").trailer(JANE).run();
    repo.git(&["checkout", "-q", "main"]);
    repo.write("b.yaml", "id: B\nv: 2\n");
    let on_main = repo.commit("Edit B on main").run();
    repo.git(&["merge", "-q", "--no-ff", "-m", "Merge review", "review"]);
    let history = build(&repo);
    let events = history.events("A", "a.yaml");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].commit.id.to_string(), on_branch);
    // The merge took each file from one side: it changed neither.
    assert_eq!(ids(&history.changes("a.yaml"))[0], on_branch);
    assert_eq!(ids(&history.changes("b.yaml"))[0], on_main);
}

#[test]
fn an_approving_merge_approves_what_it_brings_in() {
    let repo = TestRepo::new();
    repo.write("a.yaml", "id: A\n");
    repo.commit("Base").run();
    repo.git(&["checkout", "-q", "-b", "review"]);
    repo.write("a.yaml", "id: A\nv: 2\n");
    let branch = repo
        .commit("Edit A")
        .author("Bob Writer", "bob@acme.example")
        .run();
    repo.git(&["checkout", "-q", "main"]);
    repo.write("other", "x");
    repo.commit("Unrelated").run();
    let jane = [
        ("GIT_COMMITTER_NAME", "Jane Doe"),
        ("GIT_COMMITTER_EMAIL", "jane@acme.example"),
    ];
    repo.git_env(
        &[
            "merge",
            "-q",
            "--no-ff",
            "-m",
            "Merge review",
            "-m",
            JANE,
            "review",
        ],
        &jane,
    );
    let merge = repo.git(&["rev-parse", "HEAD"]);
    let history = build(&repo);
    assert_eq!(ids(&history.changes("a.yaml"))[0], branch);
    let events = history.events("A", "a.yaml");
    assert_eq!(events.len(), 1, "{events:?}");
    let e = &events[0];
    assert_eq!(e.commit.id.to_string(), merge);
    assert_eq!(e.commit.committer.email, "jane@acme.example");
    assert_eq!(
        e.via,
        Via::Changed {
            path: "a.yaml".into()
        }
    );
    assert_eq!(e.blob, Some(History::blob_id(b"id: A\nv: 2\n")));
    assert_eq!(
        e.change_author.as_ref().map(|a| a.email.as_str()),
        Some("bob@acme.example")
    );
    // Not approved: what the merge did not bring in.
    assert!(history.events("O", "other").is_empty());
}

#[test]
fn a_merge_that_differs_from_every_parent_changes_the_file() {
    let repo = TestRepo::new();
    repo.write("a.yaml", "one\ntwo\nthree\n");
    repo.commit("Base").run();
    repo.git(&["checkout", "-q", "-b", "side"]);
    repo.write("a.yaml", "ONE\ntwo\nthree\n");
    repo.commit("Side edit").run();
    repo.git(&["checkout", "-q", "main"]);
    repo.write("a.yaml", "one\ntwo\nTHREE\n");
    repo.commit("Main edit").run();
    repo.git(&["merge", "-q", "--no-ff", "-m", "Merge side", "side"]);
    let merge = repo.git(&["rev-parse", "HEAD"]);
    let history = build(&repo);
    let changes = history.changes("a.yaml");
    assert_eq!(changes[0].commit.id.to_string(), merge);
    assert_eq!(changes[0].kind, ChangeKind::Modified);
    assert_eq!(changes.len(), 4);
}

#[test]
fn renames_are_followed_like_git_log_follow() {
    let repo = TestRepo::new();
    let body = (0..20)
        .map(|i| format!("line {i} of the policy text\n"))
        .collect::<Vec<_>>()
        .concat();
    repo.write("old/pol.md", &body);
    repo.write("other.md", "unrelated\n");
    repo.commit("Add").run();
    repo.write("old/pol.md", format!("{body}extra\n"));
    repo.commit("Edit").trailer(JANE).run();
    repo.mv("old/pol.md", "mid/pol.md");
    repo.commit("Move (exact rename)").run();
    repo.write("mid/pol.md", format!("{body}extra\nmore\n"));
    repo.commit("Edit after move").run();
    repo.mv("mid/pol.md", "new/policy.md");
    repo.write(
        "new/policy.md",
        format!("{body}extra\nmore\nand a changed line\n"),
    );
    repo.commit("Move and edit (similar rename)").run();
    repo.write("other.md", "still unrelated\n");
    repo.commit("Unrelated").run();

    let history = build(&repo);
    let changes = history.changes("new/policy.md");
    let git = repo.git(&["log", "--follow", "--format=%H", "--", "new/policy.md"]);
    assert_eq!(ids(&changes), git.lines().collect::<Vec<_>>());
    let kinds: Vec<&ChangeKind> = changes.iter().map(|c| &c.kind).collect();
    assert_eq!(
        kinds,
        vec![
            &ChangeKind::Renamed {
                from: "mid/pol.md".into()
            },
            &ChangeKind::Modified,
            &ChangeKind::Renamed {
                from: "old/pol.md".into()
            },
            &ChangeKind::Modified,
            &ChangeKind::Added,
        ]
    );
    let paths: Vec<&str> = changes.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "new/policy.md",
            "mid/pol.md",
            "mid/pol.md",
            "old/pol.md",
            "old/pol.md"
        ]
    );
    // The approval of the old path is found from the new one.
    let events = history.events("POL", "new/policy.md");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].path_then.as_deref(), Some("old/pol.md"));
}

#[test]
fn mailmap_maps_display_identities_but_keeps_raw_emails() {
    let repo = TestRepo::new();
    repo.write(
        ".mailmap",
        "Jane Doe <jane@acme.example> <jd@old.example>\n",
    );
    repo.write("a.yaml", "id: A\n");
    repo.commit("Add A")
        .author("J. D.", "jd@old.example")
        .trailer("Approved-by: jd <jd@old.example>")
        .run();
    let history = build(&repo);
    let change = &history.changes("a.yaml")[0];
    assert_eq!(change.commit.author.name, "Jane Doe");
    assert_eq!(change.commit.author.email, "jane@acme.example");
    assert_eq!(change.commit.author.raw_email, "jd@old.example");
    let who = &history.events("A", "a.yaml")[0].who;
    assert_eq!(
        (who.email.as_str(), who.raw_email.as_str()),
        ("jane@acme.example", "jd@old.example")
    );
}

#[test]
fn backdated_commits_are_non_monotonic() {
    let repo = TestRepo::new();
    repo.write("a", "1");
    repo.commit("First").at(START + 10 * DAY).run();
    repo.write("a", "2");
    let backdated = repo.commit("Backdated").at(START + 5 * DAY).run();
    repo.write("a", "3");
    repo.commit("Normal").at(START + 11 * DAY).run();
    let history = build(&repo);
    let flagged: Vec<String> = history
        .non_monotonic()
        .iter()
        .map(|n| n.commit.id.to_string())
        .collect();
    assert_eq!(flagged, vec![backdated]);
    assert_eq!(history.non_monotonic()[0].parent.time, START + 10 * DAY);
}

#[test]
fn shallow_boundaries_are_not_read_as_adding_everything() {
    let origin = TestRepo::new();
    origin.write("a.yaml", "1");
    origin.write("b.yaml", "1");
    origin.commit("One").run();
    origin.write("a.yaml", "2");
    origin.commit("Two").trailer(JANE).run();
    origin.write("b.yaml", "2");
    let three = origin.commit("Three").run();
    let clone = TestRepo::new();
    let url = format!("file://{}", origin.path().display());
    clone.git(&["fetch", "-q", "--depth", "2", &url, "main"]);
    clone.git(&["checkout", "-q", "FETCH_HEAD"]);
    let history = build(&clone);
    assert!(history.is_shallow());
    assert_eq!(history.head().map(|h| h.to_string()), Some(three.clone()));
    // "Two" is the boundary: its change to a.yaml is unknown, not an addition.
    assert!(history.changes("a.yaml").is_empty());
    assert_eq!(ids(&history.changes("b.yaml")), vec![three]);
    // Its trailers are still read.
    assert_eq!(history.all_events().count(), 1);
}

#[test]
fn a_depth_one_clone_is_shallow() {
    let origin = TestRepo::new();
    origin.write("a.yaml", "1");
    origin.commit("One").run();
    origin.write("a.yaml", "2");
    origin.commit("Two").run();
    let parent = tempfile::tempdir().expect("tempdir");
    let url = format!("file://{}", origin.path().display());
    let dest = parent.path().join("clone");
    let status = git_command(
        parent.path(),
        &["clone", "-q", "--depth", "1", &url, "clone"],
    )
    .status()
    .expect("git clone");
    assert!(status.success());
    let repo = git2::Repository::open(&dest).expect("open clone");
    let history = build_with(&repo, &HistoryOptions::default()).expect("builds");
    assert!(history.is_shallow());
    assert!(history.changes("a.yaml").is_empty());
}

#[test]
fn empty_repository_is_valid_input() {
    let repo = TestRepo::new();
    let history = build(&repo);
    assert!(history.is_empty());
    assert_eq!(history.head(), None);
    assert!(history.changes("a").is_empty());
    assert!(history.events("A", "a").is_empty());
    assert!(!history.is_shallow());
}

#[test]
fn detached_head_and_revisions() {
    let repo = TestRepo::new();
    repo.write("a", "1");
    let first = repo.commit("One").run();
    repo.write("a", "2");
    let second = repo.commit("Two").trailer(JANE).run();
    repo.git(&["tag", "light"]);
    repo.git(&["checkout", "-q", "--detach", &first]);
    let detached = build(&repo);
    assert_eq!(detached.head().map(|h| h.to_string()), Some(first.clone()));
    assert_eq!(detached.all_events().count(), 0);
    let at_tag = build_rev(&repo, Some("light"));
    assert_eq!(at_tag.head().map(|h| h.to_string()), Some(second.clone()));
    let parent = build_rev(&repo, Some("light~1"));
    assert_eq!(ids(&parent.changes("a")), vec![first]);
    let err = build_with(
        &open(&repo),
        &HistoryOptions {
            rev: Some("no-such-branch".into()),
            allowed_signers: None,
            trust_files: Vec::new(),
            openpgp_keys: None,
            revoked_keys: None,
            ..HistoryOptions::default()
        },
    )
    .err();
    assert!(matches!(err, Some(HistoryError::BadRevision { rev, .. }) if rev == "no-such-branch"));
}

#[test]
fn latin1_messages_are_decoded() {
    let repo = TestRepo::new();
    repo.write("a", "1");
    repo.commit_latin1(b"Approve caf\xe9\n\nApproved-by: Jos\xe9 <jose@acme.example>\n");
    let history = build(&repo);
    let change = &history.changes("a")[0];
    assert_eq!(change.commit.summary, "Approve café");
    assert_eq!(history.events("X", "a")[0].who.name, "José");
}

#[test]
fn forge_commits_are_marked() {
    let repo = TestRepo::new();
    repo.write("a", "1");
    repo.commit("Merge pull request #1")
        .committer("GitHub", "noreply@github.com")
        .trailer(JANE)
        .run();
    let history = build(&repo);
    assert!(history.changes("a")[0].commit.forge);
    assert!(history.events("A", "a")[0].commit.forge);
}

#[test]
fn annotated_tags_approve_at_the_tagged_commit_with_tagger_time() {
    let repo = TestRepo::new();
    repo.write("a.yaml", "id: A\n");
    let commit = repo.commit("Add A").run();
    repo.tag(
        "release-1",
        "Release 1\n\nApproves: A\nApproved-by: Jane Doe <jane@acme.example>\n",
    )
    .tagger("Jane Doe", "jane@acme.example")
    .at(START + 100 * DAY)
    .run();
    let history = build(&repo);
    let events = history.events("A", "a.yaml");
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(
        e.via,
        Via::Tag {
            name: "release-1".into()
        }
    );
    assert_eq!(e.commit.id.to_string(), commit);
    assert_eq!(e.commit.time, START + 100 * DAY);
    assert_eq!(e.commit.committer.email, "jane@acme.example");
    assert_eq!(e.record_id.as_deref(), Some("A"));
    assert_eq!(e.blob, Some(History::blob_id(b"id: A\n")));
}

#[test]
fn blobs_as_of_commits_and_blob_ids() {
    let repo = TestRepo::new();
    repo.write("dir/a.yaml", "kind: Person\n");
    let first = repo.commit("Add").run();
    repo.write("dir/a.yaml", "kind: Person\nid: x\n");
    repo.commit("Edit").run();
    repo.mv("dir/a.yaml", "dir/b.yaml");
    repo.commit("Rename").run();
    let history = build(&repo);
    let id = CommitId(git2::Oid::from_str(&first).expect("oid"));
    // The file now at dir/b.yaml, as it was in the first commit (under its
    // old name), answered from the index.
    let (path, blob) = history.blob_as_of(id, "dir/b.yaml").expect("existed then");
    assert_eq!(path, "dir/a.yaml");
    assert_eq!(history.blob(blob), Some(b"kind: Person\n".to_vec()));
    assert_eq!(history.blob_as_of(id, "dir/missing"), None);
    let expected = repo.git_stdin(&["hash-object", "--stdin"], b"kind: Person\n");
    assert_eq!(History::blob_id(b"kind: Person\n").to_string(), expected);
}

#[test]
fn history_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<History>();
}
