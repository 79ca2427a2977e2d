//! The example ISMS: its plan covers the template files, its history is the
//! same on every run, and the findings it plants are really there.

use std::collections::{BTreeSet, HashMap};

use git2::Repository;
use serde_json::Value;

use super::{project, read_tree, records};
use crate::init::example::{self, PLAN, TAG};
use crate::init::{build_example, InitError};

#[test]
fn plan_uses_every_template_file_and_ends_with_them() {
    let final_files: HashMap<&str, &str> = example::final_files().into_iter().collect();
    let on_disk = read_tree(&project("templates/example"));
    assert_eq!(
        on_disk.keys().map(String::as_str).collect::<BTreeSet<_>>(),
        final_files.keys().copied().collect::<BTreeSet<_>>()
    );
    for (path, text) in &on_disk {
        assert_eq!(final_files[path.as_str()], text, "{path}");
    }
    let used: BTreeSet<&str> = example::steps()
        .into_iter()
        .flat_map(|s| s.files.iter().map(|(_, t)| *t))
        .collect();
    for (name, text) in read_tree(&project("templates/example-history")) {
        assert!(
            used.contains(text.as_str()),
            "example-history/{name} is unused"
        );
    }
}

#[test]
fn plan_times_are_monotonic_and_match_the_calendar() {
    let mut last = i64::MIN;
    for (n, step) in example::steps().into_iter().enumerate() {
        let w = step.when;
        let text = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:00{:+03}:00",
            w.year,
            w.month,
            w.day,
            w.hour,
            w.minute,
            w.offset_minutes / 60
        );
        let ts: jiff::Timestamp = text.parse().expect("valid time");
        assert_eq!(w.unix(), ts.as_second(), "step {}", n + 1);
        assert!(w.unix() > last, "step {} goes back in time", n + 1);
        last = w.unix();
        assert!(step.message.ends_with('\n') && !step.message.ends_with("\n\n"));
    }
    let tagged = PLAN[TAG.after_step - 1].when.unix();
    assert!(TAG.when.unix() > tagged && TAG.when.unix() < PLAN[TAG.after_step].when.unix());
    // Berlin switches to summer time on 29 March and back on 25 October.
    assert_eq!(PLAN[0].when.offset_minutes, 60);
    assert_eq!(PLAN[11].when.offset_minutes, 120);
}

#[test]
fn every_trailer_names_a_person_of_the_example() {
    let recs = records(example::final_files());
    let mut emails: BTreeSet<String> = BTreeSet::new();
    for p in recs.iter().filter(|r| r["kind"] == "Person") {
        emails.extend(p["email"].as_str().map(str::to_owned));
        for e in p["emails"].as_array().into_iter().flatten() {
            emails.extend(e.as_str().map(str::to_owned));
        }
    }
    let mut ids: BTreeSet<&str> = recs.iter().filter_map(|r| r["id"].as_str()).collect();
    // A table's rows are records too: their id is the first column.
    let files = example::final_files();
    for (_, text) in files.iter().filter(|(p, _)| p.ends_with(".csv")) {
        ids.extend(text.lines().skip(1).filter_map(|l| l.split(',').next()));
    }
    let mailmap = example::final_files()
        .into_iter()
        .find(|(p, _)| *p == ".mailmap")
        .map(|(_, t)| t)
        .expect(".mailmap");
    let messages = example::steps()
        .into_iter()
        .map(|s| s.message)
        .chain([TAG.message]);
    let mut approvals = 0;
    for message in messages {
        for line in message.lines() {
            if let Some(who) = line
                .strip_prefix("Approved-by: ")
                .or(line.strip_prefix("Reviewed-by: "))
            {
                approvals += usize::from(line.starts_with("Approved-by"));
                let email = who
                    .split('<')
                    .nth(1)
                    .and_then(|e| e.strip_suffix('>'))
                    .expect("Name <email>");
                let known = emails.contains(email) || mailmap.contains(&format!("<{email}>"));
                assert!(known, "{line}: no Person has this address");
            }
            if let Some(id) = line
                .strip_prefix("Approves: ")
                .or(line.strip_prefix("Reviews: "))
            {
                assert!(ids.contains(id), "{line}: no such record");
            }
        }
    }
    assert!(approvals >= 8, "{approvals} approvals");
}

/// The findings EXAMPLE.md promises for `--today 2026-11-15`, checked on the
/// records themselves (the rules are tested elsewhere).
#[test]
fn planted_findings_are_in_the_records() {
    let recs = records(example::final_files());
    let get = |id: &str| -> &Value {
        recs.iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    let today = example::EXAMPLE_TODAY.to_string();
    let today = today.as_str();
    let covering: Vec<&Value> = recs
        .iter()
        .filter(|r| r["kind"] == "ResourceAllocation")
        .filter(|r| {
            r["period"]["from"].as_str() <= Some(today) && r["period"]["to"].as_str() >= Some(today)
        })
        .collect();
    let supported = |id: &str| {
        covering.iter().any(|r| {
            r["supports"]
                .as_array()
                .is_some_and(|s| s.contains(&Value::from(id)))
        })
    };
    assert!(!supported("OBJ-004") && !supported("OBJ-006"));
    for id in ["OBJ-001", "OBJ-002", "OBJ-003", "OBJ-005"] {
        assert!(supported(id), "{id}");
    }
    assert_eq!(get("WVR-001")["records"][0], "OBJ-006");
    assert_eq!(get("IMP-003")["status"], "open");
    assert!(get("IMP-003")["due"].as_str() < Some(today));
    for id in ["IMP-002", "IMP-004"] {
        assert!(get(id)["due"].as_str() > Some(today), "{id}");
    }
    assert_eq!(get("OBJ-005")["due"], "2026-11-20");
    assert_eq!(get("MR-2026-09")["chair"], "mia-hoffmann");
}

#[test]
fn example_history_is_deterministic_and_carries_the_evidence() {
    let (a, b) = (
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    );
    let report = build_example(a.path()).expect("example");
    build_example(b.path()).expect("example again");
    let (ra, rb) = (
        Repository::open(a.path()).expect("repo"),
        Repository::open(b.path()).expect("repo"),
    );
    let head = |r: &Repository| {
        r.head()
            .expect("head")
            .peel_to_commit()
            .expect("commit")
            .id()
    };
    // The plan's commits are the same on every run; the witness part after
    // them signs with a new throwaway key each time.
    let steps = example::steps();
    let witnessed = report.commits - steps.len();
    assert_eq!(witnessed, 3);
    let plan_end = |r: &Repository| {
        r.revparse_single(&format!("HEAD~{witnessed}"))
            .expect("plan's last commit")
            .id()
    };
    assert_eq!(plan_end(&ra), plan_end(&rb), "commit ids are stable");
    assert_ne!(head(&ra), head(&rb), "the witness key is new each run");
    assert_eq!(
        ra.refname_to_id("refs/tags/isms-v1").expect("tag"),
        rb.refname_to_id("refs/tags/isms-v1").expect("tag")
    );
    assert_eq!(ra.head().expect("head").shorthand().ok(), Some("main"));

    assert!((15..=60).contains(&steps.len()));
    let expected: Vec<String> = example::final_files()
        .iter()
        .map(|(p, _)| (*p).to_owned())
        .collect();
    assert_eq!(report.files, expected);
    let on_disk = read_tree(a.path());
    assert_eq!(on_disk.keys().cloned().collect::<Vec<_>>(), expected);
    assert!(
        ra.statuses(None).expect("status").is_empty(),
        "work tree is clean"
    );

    let mut walk = ra.revwalk().expect("walk");
    walk.push_head().expect("head");
    let commits: Vec<git2::Commit<'_>> = walk
        .map(|id| ra.find_commit(id.expect("id")).expect("commit"))
        .collect();
    assert_eq!(commits.len(), steps.len() + witnessed);
    let empty = commits
        .iter()
        .filter(|c| c.parent(0).is_ok_and(|p| p.tree_id() == c.tree_id()))
        .count();
    // Mia's approval again once witnessing runs is empty too.
    assert_eq!(
        empty,
        steps.iter().filter(|s| s.files.is_empty()).count() + 1
    );
    // The planted claimed approval: Lena commits Mia's trailer.
    let minutes = commits
        .iter()
        .find(|c| c.summary().ok().flatten() == Some("Minutes of the September management review"))
        .expect("minutes commit");
    assert_eq!(
        minutes.committer().email().ok(),
        Some("lena.brandt@acme.example")
    );
    assert!(minutes
        .message()
        .unwrap_or_default()
        .contains("Approved-by: Mia Hoffmann <mia.hoffmann@acme.example>"));

    let tag = ra
        .find_tag(ra.refname_to_id("refs/tags/isms-v1").expect("tag"))
        .expect("annotated tag");
    let tagged = steps
        .iter()
        .position(|s| s.when.unix() == PLAN[TAG.after_step - 1].when.unix())
        .expect("the tagged step");
    assert_eq!(
        tag.target_id(),
        commits[steps.len() + witnessed - 1 - tagged].id()
    );
    assert!(tag
        .message()
        .ok()
        .flatten()
        .unwrap_or_default()
        .contains("Approves: RACI-ISMS"));
    let tagger = tag.tagger().expect("tagger");
    assert_eq!(tagger.email().ok(), Some("mia.hoffmann@acme.example"));
}

#[test]
fn example_refuses_an_existing_repository_or_file() {
    let tmp = tempfile::tempdir().expect("tmp");
    Repository::init(tmp.path()).expect("init");
    let err = build_example(tmp.path()).expect_err("must refuse");
    assert!(
        matches!(err, InitError::ExistingRepository { .. }),
        "{err:?}"
    );

    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(tmp.path().join("EXAMPLE.md"), "mine\n").expect("write");
    let err = build_example(tmp.path()).expect_err("must refuse");
    assert!(
        matches!(&err, InitError::Exists { paths } if paths == &["EXAMPLE.md"]),
        "{err:?}"
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("EXAMPLE.md")).expect("read"),
        "mine\n"
    );
    assert!(!tmp.path().join(".git").exists());
}

/// `demo` checks the example as of `EXAMPLE_TODAY`, so EXAMPLE.md must list
/// the findings of that very date.
#[test]
fn example_md_lists_the_findings_of_the_examples_own_date() {
    let files = example::final_files();
    let text = files
        .iter()
        .find(|(p, _)| *p == "EXAMPLE.md")
        .map(|(_, t)| *t)
        .unwrap_or_default();
    let date = example::EXAMPLE_TODAY.to_string();
    assert!(
        text.contains(&format!("## Planted findings, seen on {date}")),
        "{text}"
    );
    assert!(
        text.contains(&format!("govlint check --today {date}")),
        "{text}"
    );
}

/// The example's witnesses are real: `git verify-tag` accepts them with the
/// example's own allowed-signers file, they name the witness principal, and
/// the second attests Tom's review of exactly the merged IMP-004.
#[test]
fn example_witnesses_verify_and_attest_the_pull_request() {
    use crate::history::witness_note;
    let tmp = tempfile::tempdir().expect("tmp");
    build_example(tmp.path()).expect("example");
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .current_dir(tmp.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .args(args)
            .output()
            .expect("git runs");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (_, tags, _) = git(&["tag", "--list", "govlint/witness/*"]);
    let tags: Vec<&str> = tags.lines().collect();
    assert_eq!(
        tags,
        [
            "govlint/witness/20261026T080300Z",
            "govlint/witness/20261028T091600Z"
        ]
    );
    for tag in &tags {
        let (ok, _, said) = git(&[
            "-c",
            "gpg.ssh.allowedSignersFile=.govlint/allowed_signers",
            "verify-tag",
            tag,
        ]);
        assert!(ok, "{tag}: {said}");
        assert!(
            said.contains(&format!("Good \"git\" signature for {}", example::WITNESS)),
            "{said}"
        );
    }
    let (_, config, _) = git(&["show", "HEAD:govlint.yaml"]);
    assert!(
        config.contains(&format!("witnesses: [{}]", example::WITNESS)),
        "{config}"
    );

    let (_, raw, _) = git(&["cat-file", "tag", tags[1]]);
    let note = witness_note::parse(raw.split_once("\n\n").expect("headers").1);
    let (_, head, _) = git(&["rev-parse", "HEAD"]);
    assert_eq!(note.commit, head.trim());
    assert_eq!(note.pull_request.as_deref(), Some("github:acme/isms#12"));
    assert_eq!(note.approvals.len(), 1);
    let a = &note.approvals[0];
    assert_eq!(
        (a.record.as_str(), a.login.as_str()),
        ("IMP-004", "tom-nguyen")
    );
    let (_, merged_blob, _) = git(&["rev-parse", &format!("HEAD:{}", a.path)]);
    let (_, reviewed_blob, _) = git(&["rev-parse", &format!("{}:{}", a.reviewed_commit, a.path)]);
    assert_eq!(a.blob, merged_blob.trim());
    assert_eq!(a.blob, reviewed_blob.trim());
    let (_, pull_head, _) = git(&["rev-parse", "refs/pull/12/head"]);
    assert_eq!(pull_head.trim(), a.reviewed_commit);
    // The people file names Tom's login, so the approval has an approver.
    let (_, tom, _) = git(&["show", "HEAD:people/tom-nguyen.yaml"]);
    assert!(tom.contains("github: tom-nguyen"), "{tom}");
}
