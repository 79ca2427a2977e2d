//! `govlint log RECORD-ID`: one record's trail — every commit that changed
//! its file (following renames, like `git log --follow`) and every approval
//! and review, with date, person, role, strength and why.

use serde::Serialize;

use crate::evidence::GitEvidence;
use crate::history::{ChangeKind, EventKind, Via};
use crate::record::Record;

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

#[derive(Debug, Serialize)]
pub struct EventEntry {
    /// approval | review
    pub kind: &'static str,
    pub commit: String,
    pub date: String,
    /// The Person record, when the trailer's email matches one.
    pub person: Option<String>,
    pub name: String,
    pub email: String,
    /// The person's roles as of the approving commit.
    pub roles: Vec<String>,
    pub strength: &'static str,
    /// Why the strength is what it is.
    pub note: String,
    /// The approved content is the content checked now.
    pub unchanged: bool,
    /// changed | named | tag
    pub via: &'static str,
    pub tag: Option<String>,
}

/// The trail of `record`.
pub fn trail(record: &Record, evidence: &GitEvidence<'_>) -> Trail {
    let changes = evidence
        .changes(record)
        .into_iter()
        .map(|c| {
            let (change, from) = match c.kind {
                ChangeKind::Added => ("added", None),
                ChangeKind::Modified => ("modified", None),
                ChangeKind::Deleted => ("deleted", None),
                ChangeKind::Renamed { from } => ("renamed", Some(from)),
            };
            ChangeEntry {
                commit: c.commit.id.to_string(),
                date: crate::time::date_of_unix(c.commit.time).to_string(),
                author: format!("{} <{}>", c.commit.author.name, c.commit.author.email),
                summary: c.commit.summary.clone(),
                path: c.path,
                change,
                from,
            }
        })
        .collect();
    let mut events: Vec<EventEntry> = evidence
        .judged(record)
        .into_iter()
        .map(|(e, a)| EventEntry {
            kind: if e.kind == EventKind::Approval {
                "approval"
            } else {
                "review"
            },
            commit: e.commit.id.to_string(),
            date: a.date.to_string(),
            person: a.person.clone(),
            name: e.who.name.clone(),
            email: e.who.email.clone(),
            roles: a.roles.clone(),
            strength: a.strength.as_str(),
            note: evidence.strength_note(&e, &a),
            unchanged: a.unchanged,
            via: match e.via {
                Via::Changed { .. } => "changed",
                Via::Named => "named",
                Via::Tag { .. } => "tag",
            },
            tag: match &e.via {
                Via::Tag { name } => Some(name.clone()),
                _ => None,
            },
        })
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

impl Trail {
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// A timeline, newest first: changes and approvals interleaved by date.
    pub fn to_text(&self) -> String {
        let mut lines: Vec<(String, String)> = Vec::new();
        for c in &self.changes {
            let what = match &c.from {
                Some(from) => format!("renamed from {from}"),
                None => c.change.to_owned(),
            };
            lines.push((
                c.date.clone(),
                format!(
                    "{}  {}  {what:<9} {}  by {}",
                    c.date,
                    abbrev(&c.commit),
                    c.summary,
                    c.author
                ),
            ));
        }
        for e in &self.events {
            let who = e.person.as_deref().unwrap_or("(no Person record)");
            let roles = if e.roles.is_empty() {
                "no role".to_owned()
            } else {
                e.roles.join(", ")
            };
            let tag = e
                .tag
                .as_ref()
                .map(|t| format!(" [tag {t}]"))
                .unwrap_or_default();
            let state = if e.unchanged {
                "covers the current content"
            } else {
                "content changed since"
            };
            lines.push((
                e.date.clone(),
                format!(
                    "{}  {}  {:<9} {} <{}> = {who} ({roles}); {}: {}; {state}{tag}",
                    e.date,
                    abbrev(&e.commit),
                    e.kind,
                    e.name,
                    e.email,
                    e.strength,
                    e.note,
                ),
            ));
        }
        // Stable: by date, newest first; changes before events of one day.
        lines.sort_by(|a, b| b.0.cmp(&a.0));
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

/// The 10-digit abbreviation `evidence::short` also uses.
fn abbrev(commit: &str) -> String {
    commit.get(..10).unwrap_or(commit).to_owned()
}
