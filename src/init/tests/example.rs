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
    let used: BTreeSet<&str> = PLAN
        .iter()
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
    for (n, step) in PLAN.iter().enumerate() {
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
    let ids: BTreeSet<&str> = recs.iter().filter_map(|r| r["id"].as_str()).collect();
    let mailmap = example::final_files()
        .into_iter()
        .find(|(p, _)| *p == ".mailmap")
        .map(|(_, t)| t)
        .expect(".mailmap");
    let messages = PLAN.iter().map(|s| s.message).chain([TAG.message]);
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
    assert_eq!(head(&ra), head(&rb), "commit ids are stable");
    assert_eq!(
        ra.refname_to_id("refs/tags/isms-v1").expect("tag"),
        rb.refname_to_id("refs/tags/isms-v1").expect("tag")
    );
    assert_eq!(ra.head().expect("head").shorthand().ok(), Some("main"));

    assert_eq!(report.commits, PLAN.len());
    assert!((15..=40).contains(&report.commits));
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
    assert_eq!(commits.len(), PLAN.len());
    let empty = commits
        .iter()
        .filter(|c| c.parent(0).is_ok_and(|p| p.tree_id() == c.tree_id()))
        .count();
    assert_eq!(empty, PLAN.iter().filter(|s| s.files.is_empty()).count());
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
    assert_eq!(tag.target_id(), commits[PLAN.len() - TAG.after_step].id());
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
