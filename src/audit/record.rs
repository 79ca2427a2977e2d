//! The per-record part of the pack: a record's last approval and review,
//! its next review date, and its findings; and the trail events.

use serde::ser::{Error as _, SerializeMap, Serializer};
use serde::Serialize;

use crate::evidence::EventEntry;
use crate::finding::Finding;
use crate::history::Event;
use crate::record::Record;
use crate::rule::Approval;

/// One record and what git says about it.
#[derive(Debug, Clone, Serialize)]
pub struct RecordEntry {
    pub id: String,
    pub kind: String,
    pub file: String,
    /// `title`, else `name`, else `topic`.
    pub title: Option<String>,
    /// The `status` field, where the kind has one.
    pub status: Option<String>,
    pub last_approval: Option<EventEntry>,
    /// An enabled rule with an `approved` or `reviewed` assertion selects
    /// this kind (a Waiver always needs one). When false, a missing
    /// approval is no fault and the pack says "approval not required".
    pub approval_required: bool,
    pub last_review: Option<EventEntry>,
    pub approvals: usize,
    pub reviews: usize,
    pub next_review: Option<NextReview>,
    /// The newest approval is not of the current content.
    pub changed_since_approval: bool,
    /// Rule ids of the record's active findings, sorted, each once.
    pub findings: Vec<String>,
    pub finding_count: usize,
}

/// When the record is next to be reviewed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NextReview {
    /// `None` when no review cycle has started (never approved, no history).
    pub due: Option<String>,
    /// How `due` was computed, in words.
    pub basis: String,
    /// `due` is before today (and no later record fulfilled it).
    pub overdue: bool,
    /// The record that fulfilled it: for a management review, the next one.
    pub done_by: Option<String>,
}

/// One event of the chronological trail: `govlint log`'s entry of it, with
/// the record it is about.
#[derive(Debug)]
pub struct TrailEntry {
    pub record: String,
    /// The record's kind.
    pub kind: String,
    pub entry: EventEntry,
    /// Committer (tagger) time: orders events of one day.
    pub(super) time: i64,
}

impl Serialize for TrailEntry {
    /// `{event, record, kind, ...the entry}`: the entry's own `kind`
    /// (approval or review) is called `event` here, since `kind` is the
    /// record's, as everywhere else in the pack.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let serde_json::Value::Object(mut fields) =
            serde_json::to_value(&self.entry).map_err(S::Error::custom)?
        else {
            return Err(S::Error::custom("an event entry is a JSON object"));
        };
        let event = fields.remove("kind");
        let mut map = serializer.serialize_map(Some(fields.len() + 3))?;
        map.serialize_entry("event", &event)?;
        map.serialize_entry("record", &self.record)?;
        map.serialize_entry("kind", &self.kind)?;
        for (k, v) in &fields {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// The entry of record `r`; `judged` holds its approvals and reviews,
/// oldest first, each with its `govlint log` entry.
pub(super) fn record_entry(
    r: &Record,
    judged: &[(Event, Approval, EventEntry)],
    // The findings that name the record's id (the caller gathers them).
    findings: &[&Finding],
    today: jiff::civil::Date,
    history: bool,
) -> RecordEntry {
    let last = |review: bool| {
        judged
            .iter()
            .rev()
            .find(|(_, a, _)| a.review == review)
            .map(|(_, a, entry)| (entry.clone(), a.date))
    };
    let last_approval = last(false);
    let mut rules: Vec<String> = findings
        .iter()
        .filter(|f| f.is_active() && is_about(f, r))
        .map(|f| f.rule.clone())
        .collect();
    let finding_count = rules.len();
    rules.sort();
    rules.dedup();
    RecordEntry {
        id: r.id.clone(),
        kind: r.kind.clone(),
        file: r.file.path.clone(),
        title: ["title", "name", "topic"]
            .iter()
            .find_map(|k| r.str_field(k))
            .map(str::to_owned),
        status: r.str_field("status").map(str::to_owned),
        next_review: next_review(r, last_approval.as_ref().map(|(_, d)| *d), today, history),
        changed_since_approval: last_approval.as_ref().is_some_and(|(e, _)| !e.unchanged),
        last_approval: last_approval.map(|(e, _)| e),
        // Set by the caller, who knows the rule set.
        approval_required: true,
        last_review: last(true).map(|(e, _)| e),
        approvals: judged.iter().filter(|(_, a, _)| !a.review).count(),
        reviews: judged.iter().filter(|(_, a, _)| a.review).count(),
        findings: rules,
        finding_count,
    }
}

/// A finding is about `r` when it names its id, in its file (two records
/// may share an id; the loader reports that separately).
fn is_about(f: &Finding, r: &Record) -> bool {
    f.record.as_deref() == Some(r.id.as_str())
        && f.location.as_ref().is_none_or(|l| l.file == r.file.path)
}

/// The next review of a record with `review_interval`: one interval after
/// its last approval. Retired records are not reviewed.
pub(super) fn next_review(
    r: &Record,
    last_approval: Option<jiff::civil::Date>,
    today: jiff::civil::Date,
    history: bool,
) -> Option<NextReview> {
    let interval = r.str_field("review_interval")?;
    if r.str_field("status") == Some("retired") {
        return None;
    }
    let duration = crate::time::Duration::parse(interval)?;
    Some(match last_approval {
        Some(approved) => {
            let due = duration.after(approved);
            NextReview {
                due: Some(due.to_string()),
                basis: format!("last approval {approved} + review_interval {interval}"),
                overdue: due < today,
                done_by: None,
            }
        }
        None if history => NextReview {
            due: None,
            basis: "never approved in git: the first approval starts the review cycle".to_owned(),
            overdue: false,
            done_by: None,
        },
        None => NextReview {
            due: None,
            basis: "no git history was read".to_owned(),
            overdue: false,
            done_by: None,
        },
    })
}

/// Management reviews: the next is expected twelve months after each one's
/// `date`, and is overdue only if no later review took place.
/// `order` and `entries` are parallel: the records and their entries.
pub(super) fn management_review_cycle(
    order: &[&Record],
    entries: &mut [RecordEntry],
    today: jiff::civil::Date,
) {
    let cycle = crate::time::Duration {
        months: 12,
        ..crate::time::Duration::default()
    };
    let mut reviews: Vec<(jiff::civil::Date, usize)> = order
        .iter()
        .enumerate()
        .filter(|(_, r)| r.kind == "ManagementReview")
        .filter_map(|(i, r)| {
            let date = r.str_field("date").and_then(crate::time::parse_date)?;
            Some((date, i))
        })
        .collect();
    reviews.sort_unstable();
    for (n, &(date, i)) in reviews.iter().enumerate() {
        let due = cycle.after(date);
        let next = reviews[n + 1..].iter().find(|(d, _)| *d > date);
        let done_by = next.map(|&(_, j)| entries[j].id.clone());
        let basis = match next {
            Some(&(then, _)) => {
                format!("meeting date {date} + P12M; the next review met on {then}")
            }
            None => format!("meeting date {date} + P12M"),
        };
        entries[i].next_review = Some(NextReview {
            due: Some(due.to_string()),
            basis,
            overdue: done_by.is_none() && due < today,
            done_by,
        });
    }
}
