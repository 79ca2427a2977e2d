//! A record's trail, `govlint log`'s data model: every commit that changed
//! its file (following renames, like `git log --follow`) and every approval
//! and review, with date, person, role, strength and why.
//!
//! An event's entry is built here once, by [`EventEntry::new`]: `govlint
//! audit` shows the same entries, so the log and the evidence pack cannot
//! tell an event differently.

use serde::Serialize;

use crate::history::{Change, ChangeKind, Event, EventKind, Via};
use crate::record::Record;
use crate::rule::{short_commit, Approval, Landing};

use super::GitEvidence;

/// A record's trail, newest first.
#[derive(Debug, Serialize)]
pub struct Trail {
    pub version: u32,
    pub record: String,
    pub kind: String,
    pub file: String,
    pub changes: Vec<ChangeEntry>,
    pub events: Vec<EventEntry>,
}

#[derive(Debug, Serialize)]
pub struct ChangeEntry {
    pub commit: String,
    pub date: String,
    pub author: String,
    pub summary: String,
    pub path: String,
    /// added | modified | deleted | renamed
    pub change: &'static str,
    pub from: Option<String>,
}

/// One approval or review.
#[derive(Debug, Clone, Serialize)]
pub struct EventEntry {
    /// approval | review
    pub kind: &'static str,
    pub commit: String,
    #[serde(flatten)]
    pub signoff: Signoff,
    /// The approved content is the content checked now.
    pub unchanged: bool,
    /// changed | named | tag
    pub via: &'static str,
    /// The annotated tag that carried the trailer, if any.
    pub tag: Option<String>,
    /// For an attested approval (SPEC 2.5): the pull request
    /// (`github:OWNER/REPO#N`) whose review the witness records.
    pub pull_request: Option<String>,
    /// For an attested approval: the review's id at the forge.
    pub review: Option<u64>,
}

/// Who approved or reviewed, when, and how far git proves it: the fields
/// `govlint log` and the evidence pack show alike, in this order.
#[derive(Debug, Clone, Serialize)]
pub struct Signoff {
    /// The committer's (tagger's) date.
    pub date: String,
    /// The Person record whose email matches the trailer.
    pub person: Option<String>,
    pub name: String,
    pub email: String,
    /// The person's roles as of the approving commit.
    pub roles: Vec<String>,
    /// claimed | self | attested | signed
    pub strength: &'static str,
    /// Why the strength is what it is.
    pub note: String,
    /// The claimed time (committer's or tagger's; for an attested
    /// approval the review's `submitted_at`), RFC 3339 in UTC.
    pub time: String,
    /// When the commit arrived by the witnesses (SPEC 2.4); `null` when no
    /// witness contains it.
    pub landing: Option<LandingEntry>,
}

/// A landing window as `log` and `audit` show it (SPEC 2.4).
#[derive(Debug, Clone, Serialize)]
pub struct LandingEntry {
    /// The latest earlier witness's time, RFC 3339 in UTC; `null` when the
    /// commit is older than the first witness.
    pub after: Option<String>,
    /// The time of the earliest witness that contains it.
    pub before: String,
    /// That witness's tag name.
    pub witness: String,
}

impl LandingEntry {
    fn of(l: &Landing) -> Self {
        LandingEntry {
            after: l.after.map(rfc3339),
            before: rfc3339(l.before),
            witness: l.witness.clone(),
        }
    }

    /// `landed 2026-10-01 12:00:00Z … 2026-10-02 09:00:00Z (witness W)`.
    pub fn text(&self) -> String {
        format!(
            "landed {} … {} (witness {})",
            self.after.as_deref().unwrap_or("before the first witness"),
            self.before,
            self.witness
        )
    }
}

/// `2026-10-01T12:00:00Z`.
fn rfc3339(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The trail of `record`.
pub fn trail(record: &Record, evidence: &GitEvidence<'_>) -> Trail {
    let changes = evidence
        .changes(record)
        .into_iter()
        .map(ChangeEntry::new)
        .collect();
    let mut events: Vec<EventEntry> = evidence
        .judged(record)
        .iter()
        .map(|(e, a)| EventEntry::new(e, a))
        .collect();
    events.reverse();
    Trail {
        version: 1,
        record: record.id.clone(),
        kind: record.kind.clone(),
        file: record.file.path.clone(),
        changes,
        events,
    }
}

impl ChangeEntry {
    /// The entry of one commit that changed the record's file.
    pub fn new(c: Change) -> Self {
        let (change, from) = match c.kind {
            ChangeKind::Added => ("added", None),
            ChangeKind::Modified => ("modified", None),
            ChangeKind::Deleted => ("deleted", None),
            ChangeKind::Renamed { from } => ("renamed", Some(from)),
        };
        ChangeEntry {
            commit: c.commit.id.to_string(),
            date: crate::time::date_of_commit(c.commit.time, c.commit.offset_minutes).to_string(),
            author: format!("{} <{}>", c.commit.author.name, c.commit.author.email),
            summary: c.commit.summary,
            path: c.path,
            change,
            from,
        }
    }

    /// Its line of the text timeline.
    fn line(&self) -> String {
        let what = match &self.from {
            Some(from) => format!("renamed from {from}"),
            None => self.change.to_owned(),
        };
        format!(
            "{}  {}  {what:<9} {}  by {}",
            self.date,
            short_commit(&self.commit),
            self.summary,
            self.author
        )
    }
}

impl EventEntry {
    /// The entry of one judged approval or review (`GitEvidence::judged`),
    /// with the note that explains its strength.
    pub fn new(e: &Event, a: &Approval) -> Self {
        EventEntry {
            kind: match e.kind {
                EventKind::Approval => "approval",
                EventKind::Review => "review",
            },
            commit: e.commit.id.to_string(),
            signoff: Signoff {
                date: a.date.to_string(),
                person: a.person.clone(),
                name: e.who.name.clone(),
                email: e.who.email.clone(),
                roles: a.roles.clone(),
                strength: a.strength.as_str(),
                note: a.why.clone(),
                time: jiff::Timestamp::from_second(e.commit.time)
                    .map(rfc3339)
                    .unwrap_or_default(),
                landing: a.landing.as_ref().map(LandingEntry::of),
            },
            unchanged: a.unchanged,
            via: match e.via {
                Via::Changed { .. } => "changed",
                Via::Named => "named",
                Via::Tag { .. } => "tag",
                Via::PullRequest { .. } => "pull-request",
            },
            tag: match &e.via {
                Via::Tag { name } | Via::PullRequest { witness: name, .. } => Some(name.clone()),
                Via::Changed { .. } | Via::Named => None,
            },
            pull_request: match &e.via {
                Via::PullRequest { pull_request, .. } => pull_request.clone(),
                _ => None,
            },
            review: match &e.via {
                Via::PullRequest { review_id, .. } => Some(*review_id),
                _ => None,
            },
        }
    }

    /// Its line of the text timeline.
    fn line(&self) -> String {
        let s = &self.signoff;
        let who = s.person.as_deref().unwrap_or("(no Person record)");
        let roles = if s.roles.is_empty() {
            "no role".to_owned()
        } else {
            s.roles.join(", ")
        };
        // An attested approval's note already names its witness tag and review.
        let attested = self.pull_request.is_some();
        let tag = match &self.tag {
            Some(t) if !attested => format!(" [tag {t}]"),
            _ => String::new(),
        };
        let state = if self.unchanged {
            "covers the current content"
        } else {
            "content changed since"
        };
        let source = match (&self.pull_request, self.review) {
            (None, Some(id)) => format!(" [review {id}]"),
            _ => String::new(),
        };
        let when = match &s.landing {
            Some(l) => format!("claimed {}, {}", s.time, l.text()),
            None => format!("claimed {}, not witnessed", s.time),
        };
        let who_text = if attested {
            format!("GitHub user {}", s.name)
        } else if s.email.is_empty() {
            s.name.clone()
        } else {
            format!("{} <{}>", s.name, s.email)
        };
        format!(
            "{}  {}  {:<9} {who_text} = {who} ({roles}); {}: {}; {state}; {when}{tag}{source}",
            s.date,
            short_commit(&self.commit),
            self.kind,
            s.strength,
            s.note,
        )
    }
}

impl Trail {
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// A timeline, newest first: changes and approvals interleaved by date.
    pub fn to_text(&self) -> String {
        let mut lines: Vec<(&str, String)> = self
            .changes
            .iter()
            .map(|c| (c.date.as_str(), c.line()))
            .chain(
                self.events
                    .iter()
                    .map(|e| (e.signoff.date.as_str(), e.line())),
            )
            .collect();
        // Stable: by date, newest first; changes before events of one day.
        lines.sort_by(|a, b| b.0.cmp(a.0));
        let mut out = format!("{} {} ({})\n", self.kind, self.record, self.file);
        for (_, l) in lines {
            out.push_str("  ");
            out.push_str(&l);
            out.push('\n');
        }
        if self.events.is_empty() {
            out.push_str("  never approved or reviewed in git\n");
        }
        out
    }
}
