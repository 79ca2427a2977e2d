//! Answers to the rule engine's questions, from the built index.
//!
//! Renames are followed backwards along the walk order: the changes of the
//! current path, newest first, until the commit that renamed it from
//! another path; then that path's changes older than that commit. On a
//! history where a file was renamed on one branch and edited under its old
//! name on another, edits on the other branch that the walk orders before
//! the rename are not followed, exactly as `git log --follow` misses them.

use std::collections::HashMap;
use std::path::Path;

use super::walk::{Attestation, PathChange};
use super::{BlobId, Change, ChangeKind, CommitInfo, Event, EventKind, History, Identity, Via};

/// One change on the followed path.
pub(super) struct Step<'h> {
    pub(super) path: &'h str,
    pub(super) change: &'h PathChange,
}

impl History {
    /// The changes of the file now at `path`, newest first, through renames.
    pub(super) fn follow<'h>(&'h self, path: &'h str) -> Vec<Step<'h>> {
        let mut steps = Vec::new();
        let mut current = path;
        let mut older_than: Option<u32> = None;
        while let Some((key, list)) = self.paths.get_key_value(current) {
            let start = older_than.map_or(0, |pos| list.partition_point(|c| c.pos <= pos));
            let mut next = None;
            for change in &list[start..] {
                steps.push(Step {
                    path: key.as_str(),
                    change,
                });
                if let ChangeKind::Renamed { from } = &change.kind {
                    next = Some((from.as_str(), change.pos));
                    break;
                }
            }
            // Positions only grow, so a chain of renames always ends.
            let Some((from, pos)) = next else { break };
            current = from;
            older_than = Some(pos);
        }
        steps
    }

    pub(super) fn change_of(&self, step: &Step<'_>) -> Change {
        Change {
            commit: self.commits[step.change.pos as usize].clone(),
            path: step.path.to_owned(),
            blob: step.change.blob.map(BlobId),
            kind: step.change.kind.clone(),
        }
    }

    /// Files an attestation; commits and tags keep separate maps.
    pub(super) fn add_attestation(&mut self, att: Attestation, first_path: Option<String>) {
        let index = u32::try_from(self.attestations.len()).unwrap_or(u32::MAX);
        for id in att.approves.iter().chain(&att.reviews) {
            let list = self.named.entry(id.clone()).or_default();
            if list.last() != Some(&index) {
                list.push(index);
            }
        }
        let commit = self.attestation_commit(&att);
        for (kind, who) in &att.who {
            let via = match &att.tag {
                Some(tag) => Via::Tag { name: tag.name.clone() },
                None if !names_for(&att, *kind).is_empty() => Via::Named,
                None => Via::Changed {
                    path: first_path.clone().unwrap_or_default(),
                },
            };
            self.all_events.push(Event {
                kind: *kind,
                record_id: None,
                commit: commit.clone(),
                via,
                who: who.clone(),
                blob: None,
                path_then: None,
                change_author: None,
                signature: att.signature.clone(),
            });
        }
        if att.tag.is_some() {
            self.tag_attestations.entry(att.pos).or_default().push(index);
        } else {
            self.commit_attestation.insert(att.pos, index);
        }
        self.attestations.push(att);
    }

    /// The commit info an attestation's events carry: for tags, the tagged
    /// commit timed and committed by the tagger.
    fn attestation_commit(&self, att: &Attestation) -> CommitInfo {
        let mut info = self.commits[att.pos as usize].clone();
        if let Some(tag) = &att.tag {
            info.committer = tag.tagger.clone();
            info.time = tag.time;
            info.offset_minutes = tag.offset_minutes;
            info.forge = super::walk::is_forge(&tag.tagger.raw_email);
        }
        info
    }
}

fn names_for(att: &Attestation, kind: EventKind) -> &[String] {
    match kind {
        EventKind::Approval => &att.approves,
        EventKind::Review => &att.reviews,
    }
}

/// `History::events`.
pub(super) fn events(history: &History, record_id: &str, path: &str) -> Vec<Event> {
    let steps = history.follow(path);
    let mut out: Vec<(u32, Event)> = Vec::new();
    // (attestation, kind, identity) → index in `out`, for one event each.
    let mut seen: HashMap<(u32, EventKind, Identity), usize> = HashMap::new();
    let mut push = |out: &mut Vec<(u32, Event)>, att_index: u32, kind: EventKind, event: Event| {
        let key = (att_index, kind, event.who.clone());
        if let Some(&i) = seen.get(&key) {
            if event.record_id.is_some() {
                out[i].1.record_id = event.record_id;
            }
            return;
        }
        seen.insert(key, out.len());
        out.push((history.attestations[att_index as usize].pos, event));
    };

    for step in &steps {
        let pos = step.change.pos;
        let own = history.commit_attestation.get(&pos).copied();
        let tags = history.tag_attestations.get(&pos).into_iter().flatten().copied();
        for att_index in own.into_iter().chain(tags) {
            let att = &history.attestations[att_index as usize];
            for (kind, who) in &att.who {
                let via = match &att.tag {
                    Some(tag) => Via::Tag { name: tag.name.clone() },
                    None => Via::Changed {
                        path: step.path.to_owned(),
                    },
                };
                let event = Event {
                    kind: *kind,
                    record_id: att.names(record_id, *kind).then(|| record_id.to_owned()),
                    commit: history.attestation_commit(att),
                    via,
                    who: who.clone(),
                    blob: step.change.blob.map(BlobId),
                    path_then: Some(step.path.to_owned()),
                    change_author: Some(history.commits[pos as usize].author.clone()),
                    signature: att.signature.clone(),
                };
                push(&mut out, att_index, *kind, event);
            }
        }
    }

    for &att_index in history.named.get(record_id).into_iter().flatten() {
        let att = &history.attestations[att_index as usize];
        let (path_then, blob) = history.record_at(&steps, path, att.pos);
        let change_author = blob.and_then(|b| {
            steps
                .iter()
                .find(|s| s.change.pos >= att.pos && s.change.blob == Some(b))
                .map(|s| history.commits[s.change.pos as usize].author.clone())
        });
        for (kind, who) in &att.who {
            if !att.names(record_id, *kind) {
                continue;
            }
            let via = match &att.tag {
                Some(tag) => Via::Tag { name: tag.name.clone() },
                None => Via::Named,
            };
            let event = Event {
                kind: *kind,
                record_id: Some(record_id.to_owned()),
                commit: history.attestation_commit(att),
                via,
                who: who.clone(),
                blob: blob.map(BlobId),
                path_then: blob.and(path_then.clone()),
                change_author: change_author.clone(),
                signature: att.signature.clone(),
            };
            push(&mut out, att_index, *kind, event);
        }
    }

    // Oldest first by event time; ties in walk order (older first).
    out.sort_by(|(pa, a), (pb, b)| a.commit.time.cmp(&b.commit.time).then(pb.cmp(pa)));
    out.into_iter().map(|(_, e)| e).collect()
}

impl History {
    /// The record's path and blob in the tree of the commit at `pos`: the
    /// path the rename chain gives for that point of the walk.
    fn record_at(&self, steps: &[Step<'_>], path: &str, pos: u32) -> (Option<String>, Option<git2::Oid>) {
        // The path changes at each rename step: positions after a rename
        // (older commits) use the path it was renamed from.
        let mut path_then = path;
        for step in steps {
            if step.change.pos >= pos {
                break;
            }
            if let ChangeKind::Renamed { from } = &step.change.kind {
                path_then = from;
            }
        }
        let blob = self.tree_entry(pos, path_then);
        (Some(path_then.to_owned()), blob)
    }

    fn tree_entry(&self, pos: u32, path: &str) -> Option<git2::Oid> {
        let id = self.commits.get(pos as usize)?.id.0;
        let repo = self.repo.as_ref()?.lock().ok()?;
        let commit = repo.find_commit(id).ok()?;
        let entry = commit.tree().ok()?.get_path(Path::new(path)).ok()?;
        (entry.kind() == Some(git2::ObjectType::Blob)).then(|| entry.id())
    }
}
