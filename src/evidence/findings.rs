//! The git history's own findings (`history/*`): a truncated history,
//! backdated commits, and trailers that name nobody. They are about the
//! history, not about one rule, so they are made here, beside the adapter
//! that knows who is who.

use std::collections::HashSet;

use crate::finding::{Code, Finding};
use crate::history::{EventKind, History, Via};
use crate::record::RecordSet;
use crate::rule::short_commit;

use super::GitEvidence;

/// The history's own findings: backdated commits, trailers naming nobody,
/// and a note when the history is truncated.
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
    for n in history.non_monotonic() {
        out.push(Finding::code(
            Code::HistoryNonMonotonicTime,
            format!(
                "commit {} ({}) claims a committer time earlier than its parent {}: a backdated commit, so its approvals count only as `claimed`",
                short_commit(&n.commit.id.to_string()), n.commit.summary, short_commit(&n.parent.id.to_string())
            ),
        ).with_help("find out why the clock ran backwards; approvals made in that commit should be given again in a new commit"));
    }
    let mut seen = HashSet::new();
    for e in history.all_events() {
        if evidence.person(&e.who).is_some()
            || !seen.insert((e.who.raw_email.to_lowercase(), e.commit.id))
        {
            continue;
        }
        let trailer = if e.kind == EventKind::Approval {
            "Approved-by"
        } else {
            "Reviewed-by"
        };
        let mut f = Finding::code(
            Code::HistoryUnknownApprover,
            format!(
                "`{trailer}: {} <{}>` in commit {} names an email that no Person record lists; the approval counts for nobody",
                e.who.name, e.who.raw_email, short_commit(&e.commit.id.to_string())
            ),
        )
        .with_help("add the email to the Person's `email`/`emails`, or correct the trailer in a new approval commit");
        // The record the trailer names, else the file the commit changed.
        let place = e
            .record_id
            .as_deref()
            .and_then(|id| records.get(id))
            .or_else(|| match &e.via {
                Via::Changed { path } if !path.is_empty() => {
                    records.iter().find(|r| evidence.repo_path(r) == *path)
                }
                _ => None,
            });
        if let Some(r) = place {
            f.location = Some(r.location(""));
            f.record = Some(r.id.clone());
            f.kind = Some(r.kind.clone());
            f.pointer = Some(String::new());
        }
        out.push(f);
    }
    out
}
