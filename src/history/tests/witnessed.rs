//! Witnesses (SPEC 2.4): the window algorithm on hand-made parent graphs,
//! and real witness tags made with `git tag -s` (gpg.format=ssh) and
//! ssh-keygen keys.

use super::super::objects::IdMap;
use std::path::PathBuf;

use git2::Oid;

use super::super::testing::{TestRepo, DAY, START};
use super::super::witness::{windows, Witness};
use super::super::{CommitId, History, HistoryOptions, Landing, SignatureStatus};
use super::{build_with, open, JANE};

const SIGNERS: &str = ".govlint/allowed_signers";
const CI: &str = "ci-witness@acme.example";

// --- the window algorithm -------------------------------------------------

/// A fake commit id for position `pos`.
fn oid(pos: u32) -> Oid {
    let mut bytes = [0u8; 20];
    bytes[..4].copy_from_slice(&(pos + 1).to_be_bytes());
    Oid::from_bytes(&bytes).expect("oid")
}

fn witness(name: &str, pos: u32, time: i64) -> Witness {
    Witness {
        name: name.to_owned(),
        commit: CommitId(oid(pos)),
        time,
        offset_minutes: 0,
        message: String::new(),
        fingerprint: String::new(),
        tagger: super::super::Identity {
            name: String::new(),
            email: String::new(),
            raw_email: String::new(),
        },
    }
}

/// Runs the marking over `parents` (walk order: position 0 is the newest)
/// with witnesses given in tagger-time order; returns per position
/// `(witness name, after)` or `None`.
fn marks(parents: &[Vec<u32>], valid: &[Witness]) -> Vec<Option<(String, Option<i64>)>> {
    let by_id: IdMap<Oid, u32> = (0..parents.len() as u32).map(|p| (oid(p), p)).collect();
    let lookup = |pos: u32| parents[pos as usize].as_slice();
    let (marked_by, after) = windows(parents.len(), valid, &by_id, &lookup);
    marked_by
        .iter()
        .map(|&w| (w != u32::MAX).then(|| (valid[w as usize].name.clone(), after[w as usize])))
        .collect()
}

fn m(name: &str, after: Option<i64>) -> Option<(String, Option<i64>)> {
    Some((name.to_owned(), after))
}

#[test]
fn linear_history_gets_windows_between_consecutive_witnesses() {
    // 0 ← 1 ← 2 ← 3 ← 4 (4 is the root).
    let parents = vec![vec![1], vec![2], vec![3], vec![4], vec![]];
    let got = marks(&parents, &[witness("w1", 3, 10), witness("w2", 1, 20)]);
    assert_eq!(
        got,
        vec![
            None,
            m("w2", Some(10)),
            m("w2", Some(10)),
            m("w1", None),
            m("w1", None),
        ]
    );
}

#[test]
fn a_merged_side_branch_witness_bounds_the_merge_from_below() {
    // 0 = merge(1, 2); 1 and 2 both on 3.
    let parents = vec![vec![1, 2], vec![3], vec![3], vec![]];
    let got = marks(&parents, &[witness("side", 2, 10), witness("main", 0, 20)]);
    assert_eq!(
        got,
        vec![
            m("main", Some(10)),
            m("main", Some(10)),
            m("side", None),
            m("side", None),
        ]
    );
}

#[test]
fn a_side_branch_witness_says_nothing_about_the_main_line_before_the_merge() {
    // 0 = merge(1, 2); the side witness is on 2, the main one on 1 (not a
    // descendant of 2), so 1's window has no after bound.
    let parents = vec![vec![1, 2], vec![3], vec![3], vec![]];
    let got = marks(&parents, &[witness("side", 2, 10), witness("main", 1, 20)]);
    assert_eq!(
        got,
        vec![None, m("main", None), m("side", None), m("side", None)]
    );
}

#[test]
fn two_witnesses_of_one_commit_the_later_bounds_what_follows() {
    let parents = vec![vec![1], vec![2], vec![3], vec![]];
    let got = marks(
        &parents,
        &[
            witness("a", 2, 10),
            witness("b", 2, 15),
            witness("c", 0, 20),
        ],
    );
    assert_eq!(
        got,
        vec![
            m("c", Some(15)),
            m("c", Some(15)),
            m("a", None),
            m("a", None),
        ]
    );
}

#[test]
fn a_witness_below_a_merge_reaches_through_both_parents() {
    // 0 = merge(1, 2), 1 on 3, 2 on 4, 3 and 4 on 5; witness at 5, then 3,
    // then the merge.
    let parents = vec![vec![1, 2], vec![3], vec![4], vec![5], vec![5], vec![]];
    let got = marks(
        &parents,
        &[
            witness("root", 5, 10),
            witness("left", 3, 20),
            witness("top", 0, 30),
        ],
    );
    assert_eq!(
        got,
        vec![
            m("top", Some(20)),
            m("top", Some(20)),
            m("top", Some(20)),
            m("left", Some(10)),
            m("top", Some(20)),
            m("root", None),
        ]
    );
}

// --- real witness tags ----------------------------------------------------

fn opts() -> HistoryOptions {
    HistoryOptions {
        allowed_signers: Some(SIGNERS.to_owned()),
        witnesses: vec![CI.to_owned()],
        witness_tags: "govlint/witness/*".to_owned(),
        ..HistoryOptions::default()
    }
}

/// A repository whose first commit lists the CI key for the witness
/// principal and Jane's key (with `jane_options`) for Jane.
struct Fixture {
    repo: TestRepo,
    ci: PathBuf,
    jane: PathBuf,
}

fn fixture(jane_options: &str) -> Fixture {
    let repo = TestRepo::new();
    let (ci, ci_public) = repo.keygen("ci");
    let (jane, jane_public) = repo.keygen("jane");
    repo.write(
        SIGNERS,
        format!("{CI} {ci_public}\njane@acme.example {jane_options}{jane_public}\n"),
    );
    repo.commit("Add allowed signers").at(START).run();
    Fixture { repo, ci, jane }
}

fn build(repo: &TestRepo, opts: &HistoryOptions) -> History {
    build_with(&open(repo), opts).expect("history builds")
}

fn landing(history: &History, commit: &str) -> Option<Landing> {
    history.landing(CommitId(Oid::from_str(commit).expect("oid")))
}

#[test]
fn a_signed_witness_tag_gives_windows() {
    let f = fixture("");
    let repo = &f.repo;
    repo.write("a.yaml", "id: A\n");
    let first = repo.commit("Add A").at(START + DAY).run();
    repo.tag("govlint/witness/1", "witness\n")
        .at(START + 2 * DAY)
        .sign(&f.ci)
        .run();
    repo.write("a.yaml", "id: A\nv: 2\n");
    let second = repo.commit("Edit A").at(START + 3 * DAY).run();
    repo.tag("govlint/witness/2", "witness\n")
        .at(START + 4 * DAY)
        .sign(&f.ci)
        .run();
    repo.write("a.yaml", "id: A\nv: 3\n");
    let third = repo.commit("Edit A again").at(START + 5 * DAY).run();

    let history = build(repo, &opts());
    assert!(
        history.invalid_witnesses().is_empty(),
        "{:?}",
        history.invalid_witnesses()
    );
    let names: Vec<&str> = history
        .witnesses()
        .iter()
        .map(|w| w.name.as_str())
        .collect();
    assert_eq!(names, ["govlint/witness/1", "govlint/witness/2"]);
    assert_eq!(
        landing(&history, &first),
        Some(Landing {
            after: None,
            before: START + 2 * DAY,
            witness: "govlint/witness/1".to_owned()
        })
    );
    assert_eq!(
        landing(&history, &second),
        Some(Landing {
            after: Some(START + 2 * DAY),
            before: START + 4 * DAY,
            witness: "govlint/witness/2".to_owned()
        })
    );
    assert_eq!(landing(&history, &third), None);
    // Without trust.witnesses nothing is witnessed.
    let off = build(
        repo,
        &HistoryOptions {
            witnesses: Vec::new(),
            ..opts()
        },
    );
    assert!(off.witnesses().is_empty() && landing(&off, &first).is_none());
}

#[test]
fn tags_that_are_no_witnesses_witness_nothing_and_say_why() {
    let f = fixture("");
    let repo = &f.repo;
    repo.write("a.yaml", "id: A\n");
    let commit = repo.commit("Add A").at(START + DAY).run();
    // Signed, but by a key listed for Jane, not for a witness principal.
    repo.tag("govlint/witness/jane", "witness\n")
        .at(START + 2 * DAY)
        .sign(&f.jane)
        .run();
    // Annotated, not signed.
    repo.tag("govlint/witness/plain", "witness\n")
        .at(START + 2 * DAY)
        .run();
    // Lightweight.
    repo.git(&["tag", "govlint/witness/light"]);
    // Not named like a witness: not looked at.
    repo.tag("release-1", "release\n").at(START + 2 * DAY).run();

    let history = build(repo, &opts());
    assert!(history.witnesses().is_empty());
    assert_eq!(landing(&history, &commit), None);
    let got: Vec<(&str, &str)> = history
        .invalid_witnesses()
        .iter()
        .map(|w| (w.name.as_str(), w.reason.as_str()))
        .collect();
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[0].0, "govlint/witness/jane");
    assert!(
        got[0].1.contains("jane@acme.example")
            && got[0].1.contains("not for a principal in trust.witnesses"),
        "{}",
        got[0].1
    );
    assert_eq!(got[1].0, "govlint/witness/light");
    assert!(got[1].1.contains("lightweight"), "{}", got[1].1);
    assert_eq!(got[2].0, "govlint/witness/plain");
    assert!(got[2].1.contains("not signed"), "{}", got[2].1);
    assert!(history
        .invalid_witnesses()
        .iter()
        .all(|w| w.commit.map(|c| c.to_string()) == Some(commit.clone())));
}

#[test]
fn a_signature_first_witnessed_after_its_key_expired_does_not_sign() {
    // Jane's key is valid before 2023-12-01 (START is 2023-11-14).
    let f = fixture("valid-before=\"20231201Z\" ");
    let repo = &f.repo;
    repo.write("a.yaml", "id: A\n");
    // The commit claims 2023-11-16, before the key expired...
    repo.commit("Approve A")
        .author("Jane Doe", "jane@acme.example")
        .trailer(JANE)
        .at(START + 2 * DAY)
        .sign(&f.jane)
        .run();
    let claimed = build(repo, &opts());
    let status = |h: &History| h.events("A", "a.yaml")[0].signature.clone();
    assert!(
        matches!(status(&claimed), SignatureStatus::Verified { .. }),
        "{:?}",
        status(&claimed)
    );
    // ...but the first witness to contain it is from 2024-01-13.
    repo.tag("govlint/witness/1", "witness\n")
        .at(START + 60 * DAY)
        .sign(&f.ci)
        .run();
    let witnessed = build(repo, &opts());
    match status(&witnessed) {
        SignatureStatus::Rejected { reason } => {
            assert!(
                reason.contains("first witnessed by govlint/witness/1"),
                "{reason}"
            );
            assert!(reason.contains("valid-before"), "{reason}");
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
    // A witness before expiry keeps the signature.
    let g = fixture("valid-before=\"20231201Z\" ");
    g.repo.write("a.yaml", "id: A\n");
    g.repo
        .commit("Approve A")
        .author("Jane Doe", "jane@acme.example")
        .trailer(JANE)
        .at(START + 2 * DAY)
        .sign(&g.jane)
        .run();
    g.repo
        .tag("govlint/witness/1", "witness\n")
        .at(START + 3 * DAY)
        .sign(&g.ci)
        .run();
    let history = build(&g.repo, &opts());
    assert!(
        matches!(status(&history), SignatureStatus::Verified { .. }),
        "{:?}",
        status(&history)
    );
    assert!(history.events("A", "a.yaml")[0].landing.is_some());
}

#[test]
fn the_cache_round_trips_witnesses_and_a_new_witness_tag_renews_them() {
    use super::super::build::build_counted;
    use super::super::{cache, witness};

    let f = fixture("");
    let repo = &f.repo;
    repo.write("a.yaml", "id: A\n");
    let commit = repo.commit("Add A").at(START + DAY).run();
    repo.tag("govlint/witness/1", "witness\n")
        .at(START + 2 * DAY)
        .sign(&f.ci)
        .run();
    repo.tag("govlint/witness/bad", "witness\n")
        .at(START + 2 * DAY)
        .run();
    let dir = tempfile::tempdir().expect("tempdir");
    let git = open(repo);
    let opts = opts();
    let setting = witness::Setting {
        principals: &opts.witnesses,
        pattern: &opts.witness_tags,
    };
    let key = cache::Key::new(&git, &opts, "");
    let head = git
        .head()
        .and_then(|h| h.peel_to_commit())
        .expect("head")
        .id();

    let (cold, walked) = build_counted(&git, &opts, Some(dir.path())).expect("builds");
    assert_eq!(walked, 2);
    let wk = witness::key(&git, &setting).expect("a witness key");
    let stored = cache::load_witnesses(dir.path(), &key, head, wk, 2).expect("cached");
    assert_eq!(stored, cold.witnesses);
    assert_eq!(stored.invalid.len(), 1);
    let (warm, walked) = build_counted(&git, &opts, Some(dir.path())).expect("builds");
    assert_eq!(walked, 0);
    assert_eq!(warm.witnesses, cold.witnesses);
    assert_eq!(landing(&warm, &commit), landing(&cold, &commit));
    // Another matching tag changes the key: the cached witnesses are not
    // used, and the new ones are stored.
    repo.tag("govlint/witness/0", "witness\n")
        .at(START + DAY + 3600)
        .sign(&f.ci)
        .run();
    let wk2 = witness::key(&git, &setting).expect("a witness key");
    assert_ne!(wk, wk2);
    assert!(cache::load_witnesses(dir.path(), &key, head, wk2, 2).is_none());
    let (renewed, walked) = build_counted(&git, &opts, Some(dir.path())).expect("builds");
    assert_eq!(walked, 0, "the facts stay cached");
    assert_eq!(
        landing(&renewed, &commit).map(|l| l.witness),
        Some("govlint/witness/0".to_owned())
    );
    assert_eq!(
        cache::load_witnesses(dir.path(), &key, head, wk2, 2).as_ref(),
        Some(&renewed.witnesses)
    );
}
