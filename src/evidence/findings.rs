//! The git history's own findings (`history/*`): a truncated history,
//! backdated commits, and trailers that name nobody. They are about the
//! history, not about one rule, so they are made here, beside the adapter
//! that knows who is who.

use std::collections::{HashMap, HashSet};

use crate::finding::{Code, Finding};
use crate::history::{CommitId, EventKind, History, Via};
use crate::record::{Record, RecordSet};
use crate::rule::short_commit;
use crate::source::{Location, Span};

use super::GitEvidence;

/// The history's own findings: backdated commits and trailers naming
/// nobody (both only where they concern a record), and a note when the
/// history is truncated.
pub fn history_findings(
    history: &History,
    records: &RecordSet,
    evidence: &GitEvidence<'_>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if history.is_shallow() {
        out.push(Finding::code(
            Code::HistoryShallow,
            "the repository is a shallow clone: its history is truncated, so every approval and review check reports \"unknown\"",
        ).with_help("fetch the full history: `git fetch --unshallow`, or `fetch-depth: 0` for actions/checkout"));
    }
    // A backdated commit matters when it changes a record's file or carries
    // a trailer that counts for a record; a code commit's clock is not
    // govlint's business.
    // Which commits (and tags) carry trailers that count for a record: read
    // once, and only when a finding below needs it.
    let mut concerned: Option<HashMap<(CommitId, Option<String>), &Record>> = None;
    let touching: HashSet<CommitId> = if history.non_monotonic().is_empty() {
        HashSet::new()
    } else {
        let mut ids: HashSet<CommitId> = concerned
            .get_or_insert_with(|| record_commits(history, records, evidence))
            .keys()
            .map(|(id, _)| *id)
            .collect();
        for r in records.iter() {
            ids.extend(evidence.changes(r).into_iter().map(|c| c.commit.id));
        }
        ids
    };
    for n in history
        .non_monotonic()
        .iter()
        .filter(|n| touching.contains(&n.commit.id))
    {
        out.push(Finding::code(
            Code::HistoryNonMonotonicTime,
            format!(
                "commit {} ({}) claims a committer time earlier than its parent {}: a backdated commit, so its approvals and reviews count only as `claimed`",
                short_commit(&n.commit.id.to_string()), n.commit.summary, short_commit(&n.parent.id.to_string())
            ),
        ).with_help("find out why the clock ran backwards; approvals and reviews made in that commit should be given again in a new commit"));
    }
    // A trailer concerns govlint only when its commit (or tag) changes a
    // record's file or names a record: the `Reviewed-by:` lines on a code
    // project's other commits are none of its business.
    let mut seen = HashSet::new();
    for e in history.all_events() {
        if evidence.person_of(e).is_some()
            || !seen.insert((
                e.who.raw_email.to_lowercase(),
                // An attested approval has a login, no email.
                e.who
                    .raw_email
                    .is_empty()
                    .then(|| e.who.name.to_lowercase()),
                e.commit.id,
            ))
        {
            continue;
        }
        if let Via::PullRequest {
            witness,
            pull_request,
            review_id,
            login,
            ..
        } = &e.via
        {
            let mut f = Finding::code(
                Code::HistoryUnknownApprover,
                format!(
                    "witness {witness} records an approving review {review_id}{} by GitHub login `{login}`, which no Person's `github` lists; the approval counts for nobody",
                    pull_request.as_deref().map(|p| format!(" of {p}")).unwrap_or_default()
                ),
            )
            .with_help("add the login to the Person's `github` (a login or a list of logins)");
            if let Some(r) = e.record_id.as_deref().and_then(|id| records.get(id)) {
                f.location = Some(r.location(""));
                f.record = Some(r.id.clone());
                f.kind = Some(r.kind.clone());
                f.pointer = Some(String::new());
            }
            out.push(f);
            continue;
        }
        let named = e.record_id.as_deref().and_then(|id| records.get(id));
        let changed = if e.record_id.is_some() {
            None
        } else {
            let map = concerned.get_or_insert_with(|| record_commits(history, records, evidence));
            match map.get(&(e.commit.id, tag_name(&e.via))) {
                Some(r) => Some(*r),
                None => continue,
            }
        };
        let (trailer, what) = if e.kind == EventKind::Approval {
            ("Approved-by", "approval")
        } else {
            ("Reviewed-by", "review")
        };
        let mut f = if plausible_email(&e.who.raw_email) {
            Finding::code(
                Code::HistoryUnknownApprover,
                format!(
                    "`{trailer}: {} <{}>` in commit {} names an email that no Person record lists; the {what} counts for nobody",
                    e.who.name, e.who.raw_email, short_commit(&e.commit.id.to_string())
                ),
            )
            .with_help(format!("add the email to the Person's `email`/`emails`, or correct the trailer in a new {what} commit"))
        } else {
            let typed = if e.who.raw_email.is_empty() {
                e.who.name.clone()
            } else {
                format!("{} <{}>", e.who.name, e.who.raw_email)
            };
            Finding::code(
                Code::HistoryUnknownApprover,
                format!(
                    "`{trailer}: {}` in commit {} has no valid email address (a trailer reads `{trailer}: Name <name@example.org>`); the {what} counts for nobody",
                    typed.trim(), short_commit(&e.commit.id.to_string())
                ),
            )
            .with_help(format!("give the {what} again in a new commit with the approver's email in angle brackets, as their Person record lists it"))
        };
        // The record the trailer names, else the record whose file the
        // commit changed.
        if let Some(r) = named.or(changed) {
            f.location = Some(r.location(""));
            f.record = Some(r.id.clone());
            f.kind = Some(r.kind.clone());
            f.pointer = Some(String::new());
        }
        out.push(f);
    }
    out.extend(trust_findings(evidence));
    out.extend(witness_findings(history, records, evidence));
    out
}

/// Whether a trailer's email looks like an address: one `@` with text on
/// both sides, no spaces, angle brackets or commas.
fn plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && !email.contains(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | ','))
}

/// The witnesses' findings (SPEC 2.4): tags named like witnesses that are
/// none (at the tag: placed at the record the tagged commit concerns, if
/// any), and commits of records whose claimed time contradicts their
/// landing window (`history/witness-conflict`, `history/late-landing`),
/// placed like `history/unknown-approver`: at the first record the commit
/// changed or whose approval it carries. Commits that concern no record are
/// not govlint's business, as for `history/non-monotonic-time`.
fn witness_findings(
    history: &History,
    records: &RecordSet,
    evidence: &GitEvidence<'_>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for w in history.invalid_witnesses() {
        let at = w
            .commit
            .map(|c| format!(" (on commit {})", short_commit(&c.to_string())))
            .unwrap_or_default();
        out.push(
            Finding::code(
                Code::HistoryInvalidWitness,
                format!(
                    "tag {}{at} is named like a witness (trust.witness_tags) but is not one, so it witnesses nothing: {}",
                    w.name, w.reason
                ),
            )
            .with_help("witnesses are made by `govlint witness` in CI with a key the allowed-signers file lists for a principal in trust.witnesses; delete this tag or sign it properly"),
        );
    }
    let lag = evidence.push_lag();
    let mut suspicious: Vec<(&crate::history::CommitInfo, crate::history::Landing)> = Vec::new();
    for (commit, landing) in history.landings() {
        let late = landing
            .after
            .is_some_and(|after| commit.time < after - lag_seconds(lag, after));
        if commit.time > landing.before || late {
            suspicious.push((commit, landing));
        }
    }
    if suspicious.is_empty() {
        return out;
    }
    let touched = commit_records(history, records, evidence);
    for (commit, landing) in suspicious {
        let Some(record) = touched.get(&commit.id) else {
            continue;
        };
        let full = commit.id.to_string();
        let id = short_commit(&full);
        let claimed = stamp(commit.time);
        let window = window_text(&landing);
        let mut f = if commit.time > landing.before {
            Finding::code(
                Code::HistoryWitnessConflict,
                format!(
                    "commit {id} ({}) claims committer time {claimed}, but witness {} shows it existed by {}: the commit is forward-dated or made with a wrong clock (landing window {window})",
                    commit.summary, landing.witness, stamp(landing.before)
                ),
            )
            .with_help("find out whose clock was wrong; its approvals are timed by their witnesses where rules judge witnessed time")
        } else {
            Finding::code(
                Code::HistoryLateLanding,
                format!(
                    "commit {id} ({}) claims committer time {claimed}, but it landed between {window}: more than trust.max_push_lag before it arrived, so it is backdated or waited long on a branch",
                    commit.summary
                ),
            )
            .with_help("check why the commit waited; approvals in it that are meant to be recent should be given again")
        };
        f.location = Some(record.location(""));
        f.record = Some(record.id.clone());
        f.kind = Some(record.kind.clone());
        f.pointer = Some(String::new());
        out.push(f);
    }
    out
}

/// `trust.max_push_lag` in seconds, counted back in calendar terms from
/// `at` (so `P1M` is the month before it).
fn lag_seconds(lag: crate::time::Duration, at: i64) -> i64 {
    let day = crate::time::date_of_unix(at);
    let back = lag.before(day);
    day.since(back).map_or(0, |span| i64::from(span.get_days())) * 86_400
}

/// A witness or commit time as reports show it: `2026-10-01 12:00:00 UTC`.
fn stamp(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds).map_or_else(
        |_| seconds.to_string(),
        |t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string(),
    )
}

/// `AFTER and BEFORE (witness W)`, or `... and BEFORE (W, the first
/// witness)` when nothing bounds it from below.
fn window_text(l: &crate::history::Landing) -> String {
    match l.after {
        Some(after) => format!(
            "{} and {} (witness {})",
            stamp(after),
            stamp(l.before),
            l.witness
        ),
        None => format!(
            "the start of the history and {} ({}, the first witness to contain it)",
            stamp(l.before),
            l.witness
        ),
    }
}

/// For each commit that changed a record's file or carries a trailer that
/// counts for a record, the first such record.
fn commit_records<'r>(
    history: &History,
    records: &'r RecordSet,
    evidence: &GitEvidence<'_>,
) -> HashMap<CommitId, &'r Record> {
    let mut out: HashMap<CommitId, &'r Record> = HashMap::new();
    for ((id, _), r) in record_commits(history, records, evidence) {
        out.entry(id).or_insert(r);
    }
    for r in records.iter() {
        for c in evidence.changes(r) {
            out.entry(c.commit.id).or_insert(r);
        }
    }
    out
}

/// `trust/unapproved-change`: a trust file changed by a commit that no key
/// admin signed (SPEC 2.3), placed at the file.
fn trust_findings(evidence: &GitEvidence<'_>) -> Vec<Finding> {
    evidence
        .unapproved_trust_changes()
        .iter()
        .map(|u| {
            let c = &u.change;
            let file = c.path.strip_prefix(evidence.prefix()).unwrap_or(&c.path);
            let added = if c.added_keys.is_empty() {
                String::new()
            } else {
                format!(
                    "; the keys it added ({}) make no approval `signed`",
                    c.added_keys.join(", ")
                )
            };
            Finding::code(
                Code::TrustUnapprovedChange,
                format!(
                    "commit {} ({}, {}) changed the trust file {file}, but no key admin signed it: {}{added}",
                    short_commit(&c.commit.id.to_string()),
                    c.commit.summary,
                    crate::time::date_of_commit(c.commit.time, c.commit.offset_minutes),
                    u.why,
                ),
            )
            .at(Some(Location {
                file: file.to_owned(),
                span: Span::default(),
                line: 1,
                column: 1,
            }))
            .with_help("a member of the `trust.key_admins` role must sign changes to the trust files (`git commit -S` with a key the allowed-signers file already lists for them); make the file right in a new commit they sign")
        })
        .collect()
}

/// The commits (and tags, by name) whose trailers count for some record
/// because they changed its file, each with the first such record.
fn record_commits<'r>(
    history: &History,
    records: &'r RecordSet,
    evidence: &GitEvidence<'_>,
) -> HashMap<(CommitId, Option<String>), &'r Record> {
    let mut out = HashMap::new();
    for r in records.iter() {
        for e in history.events(&r.id, &evidence.repo_path(r)) {
            out.entry((e.commit.id, tag_name(&e.via))).or_insert(r);
        }
    }
    out
}

/// The tag's name for tag events, `None` for commits.
fn tag_name(via: &Via) -> Option<String> {
    match via {
        Via::Tag { name } => Some(name.clone()),
        _ => None,
    }
}
