//! Answers to the rule engine's questions, from the built index.
//!
//! Renames are followed backwards along the walk order: the changes of the
//! current path, newest first, until the commit that renamed it from
//! another path; then that path's changes older than that commit. On a
//! history where a file was renamed on one branch and edited under its old
//! name on another, edits on the other branch that the walk orders before
//! the rename are not followed, exactly as `git log --follow` misses them.

use std::collections::{HashMap, HashSet};

use super::attestation::Attestation;
use super::index::PathChange;
use super::{
    BlobId, Change, ChangeKind, CommitInfo, Event, EventKind, History, Identity, SignatureStatus,
    Via,
};

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
    pub(super) fn add_attestation(&mut self, att: Attestation, first_path: Option<&str>) {
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
                Some(tag) => Via::Tag {
                    name: tag.name.clone(),
                },
                None if !names_for(&att, *kind).is_empty() => Via::Named,
                None => Via::Changed {
                    path: first_path.unwrap_or_default().to_owned(),
                },
            };
            self.all_events.push(Event {
                kind: *kind,
                record_id: names_for(&att, *kind).first().cloned(),
                commit: commit.clone(),
                via,
                who: who.clone(),
                blob: None,
                path_then: None,
                change_author: None,
                signature: att.signature.clone(),
                landing: self.att_landing(&att),
            });
        }
        if att.tag.is_some() {
            self.tag_attestations
                .entry(att.pos)
                .or_default()
                .push(index);
        } else {
            self.commit_attestation.insert(att.pos, index);
        }
        self.attestations.push(att);
    }

    /// The event of an approval that witness `w` attests (SPEC 2.5), with
    /// the witnessed commit's position. With `steps` (the record's followed
    /// path), the event binds to the record as it was in the witnessed
    /// commit, and only when that is the content the note names; without,
    /// it is the place-less event of [`History::all_events`]. `None` when
    /// the note's time or content does not hold.
    pub(super) fn attested_event(
        &self,
        w: u32,
        a: &super::witness_note::AttestedApproval,
        steps: Option<&[Step<'_>]>,
    ) -> Option<(u32, Event)> {
        let witness = self.witnesses.valid.get(w as usize)?;
        let pos = *self.by_id.get(&witness.commit.0)?;
        let time = a.submitted_at.parse::<jiff::Timestamp>().ok()?.as_second();
        let (blob, path_then, change_author) = match steps {
            Some(steps) => {
                let state = steps
                    .iter()
                    .find(|s| self.is_ancestor_or_self(s.change.pos, pos))?;
                let blob = state.change.blob?;
                if git2::Oid::from_str(&a.blob).ok() != Some(blob) {
                    return None;
                }
                (
                    Some(BlobId(blob)),
                    Some(state.path.to_owned()),
                    Some(self.commits[state.change.pos as usize].author.clone()),
                )
            }
            None => (None, None, None),
        };
        let mut commit = self.commits[pos as usize].clone();
        commit.committer = witness.tagger.clone();
        commit.time = time;
        commit.offset_minutes = 0;
        commit.forge = false;
        let landing = super::Landing {
            after: self.witnesses.landing(pos).and_then(|l| l.after),
            before: witness.time,
            witness: witness.name.clone(),
        };
        let note_pr = super::witness_note::parse(&witness.message).pull_request;
        Some((
            pos,
            Event {
                kind: EventKind::Approval,
                record_id: Some(a.record.clone()),
                commit,
                via: Via::PullRequest {
                    witness: witness.name.clone(),
                    pull_request: note_pr,
                    review_id: a.review_id,
                    login: a.login.clone(),
                    reviewed_commit: a.reviewed_commit.clone(),
                },
                who: Identity {
                    name: a.login.clone(),
                    email: String::new(),
                    raw_email: String::new(),
                },
                blob,
                path_then,
                change_author,
                signature: SignatureStatus::Unsigned,
                landing: Some(landing),
            },
        ))
    }

    /// Adds the attested approvals to [`History::all_events`].
    pub(super) fn add_attested_events(&mut self) {
        let events: Vec<Event> = self
            .witnesses
            .attested
            .iter()
            .filter_map(|(w, a)| self.attested_event(*w, a, None).map(|(_, e)| e))
            .collect();
        self.all_events.extend(events);
    }

    /// The landing window of an attestation's events: its commit's, none
    /// for a tag.
    fn att_landing(&self, att: &Attestation) -> Option<super::Landing> {
        match att.tag {
            Some(_) => None,
            None => self.witnesses.landing(att.pos),
        }
    }

    /// The commit info an attestation's events carry: for tags, the tagged
    /// commit timed and committed by the tagger.
    fn attestation_commit(&self, att: &Attestation) -> CommitInfo {
        let mut info = self.commits[att.pos as usize].clone();
        if let Some(tag) = &att.tag {
            info.committer = tag.tagger.clone();
            info.time = tag.time;
            info.offset_minutes = tag.offset_minutes;
            info.forge = super::index::is_forge(&tag.tagger.raw_email);
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

    for touch in touches(history, path, &steps) {
        let own = history.commit_attestation.get(&touch.pos).copied();
        let tags = history
            .tag_attestations
            .get(&touch.pos)
            .into_iter()
            .flatten()
            .copied();
        for att_index in own.into_iter().chain(tags) {
            let att = &history.attestations[att_index as usize];
            for (kind, who) in &att.who {
                let via = match &att.tag {
                    Some(tag) => Via::Tag {
                        name: tag.name.clone(),
                    },
                    None => Via::Changed {
                        path: touch.path.to_owned(),
                    },
                };
                let event = Event {
                    kind: *kind,
                    record_id: att.names(record_id, *kind).then(|| record_id.to_owned()),
                    commit: history.attestation_commit(att),
                    via,
                    who: who.clone(),
                    blob: touch.blob.map(BlobId),
                    path_then: Some(touch.path.to_owned()),
                    change_author: touch
                        .author
                        .map(|pos| history.commits[pos as usize].author.clone()),
                    signature: att.signature.clone(),
                    landing: history.att_landing(att),
                };
                push(&mut out, att_index, *kind, event);
            }
        }
    }

    for &att_index in history.named.get(record_id).into_iter().flatten() {
        let att = &history.attestations[att_index as usize];
        // The record as the approving commit saw it: the newest change on
        // the followed path that is in that commit's own history.
        let state = steps
            .iter()
            .find(|s| history.is_ancestor_or_self(s.change.pos, att.pos));
        let blob = state.and_then(|s| s.change.blob);
        for (kind, who) in &att.who {
            if !att.names(record_id, *kind) {
                continue;
            }
            let via = match &att.tag {
                Some(tag) => Via::Tag {
                    name: tag.name.clone(),
                },
                None => Via::Named,
            };
            let event = Event {
                kind: *kind,
                record_id: Some(record_id.to_owned()),
                commit: history.attestation_commit(att),
                via,
                who: who.clone(),
                blob: blob.map(BlobId),
                path_then: blob.and(state).map(|s| s.path.to_owned()),
                change_author: blob
                    .and(state)
                    .map(|s| history.commits[s.change.pos as usize].author.clone()),
                signature: att.signature.clone(),
                landing: history.att_landing(att),
            };
            push(&mut out, att_index, *kind, event);
        }
    }

    for &i in history
        .witnesses
        .attested_by_record
        .get(record_id)
        .into_iter()
        .flatten()
    {
        let (w, a) = &history.witnesses.attested[i as usize];
        if let Some((pos, event)) = history.attested_event(*w, a, Some(&steps)) {
            out.push((pos, event));
        }
    }

    // Oldest first by event time; ties in walk order (older first).
    out.sort_by(|(pa, a), (pb, b)| a.commit.time.cmp(&b.commit.time).then(pb.cmp(pa)));
    out.into_iter().map(|(_, e)| e).collect()
}

/// A commit that changed the followed file, or an approving merge that
/// brought a change to it in from a merged branch.
struct Touch<'h> {
    pos: u32,
    path: &'h str,
    blob: Option<git2::Oid>,
    /// Position of the commit that wrote the content: the commit itself, or
    /// for a merge the branch commit it took the file from.
    author: Option<u32>,
}

fn touches<'h>(history: &'h History, path: &'h str, steps: &[Step<'h>]) -> Vec<Touch<'h>> {
    let mut out: Vec<Touch<'h>> = steps
        .iter()
        .map(|s| Touch {
            pos: s.change.pos,
            path: s.path,
            blob: s.change.blob,
            author: Some(s.change.pos),
        })
        .collect();
    if history.merged.is_empty() {
        return out;
    }
    // Each path of the rename chain holds for a window of positions: from
    // the rename away from it (exclusive) to the rename to it (inclusive).
    let mut windows = Vec::new();
    let (mut current, mut newest) = (path, 0);
    for step in steps {
        if let ChangeKind::Renamed { from } = &step.change.kind {
            windows.push((current, newest, step.change.pos));
            (current, newest) = (from.as_str(), step.change.pos + 1);
        }
    }
    windows.push((current, newest, u32::MAX));
    for (path, from, to) in windows {
        let Some((key, merges)) = history.merged.get_key_value(path) else {
            continue;
        };
        for m in merges.iter().filter(|m| (from..=to).contains(&m.pos)) {
            let author = steps
                .iter()
                .find(|s| history.is_ancestor_or_self(s.change.pos, m.pos))
                .map(|s| s.change.pos);
            out.push(Touch {
                pos: m.pos,
                path: key.as_str(),
                blob: m.blob,
                author,
            });
        }
    }
    out
}

impl History {
    /// The path and blob that the file now at `path` had in `commit`: the
    /// newest change to it (through renames) in that commit's own history.
    /// `None` when the file did not exist then, or the commit is not indexed.
    /// Answered from the index, without reading any tree.
    pub fn blob_as_of(&self, commit: super::CommitId, path: &str) -> Option<(String, BlobId)> {
        let pos = *self.by_id.get(&commit.0)?;
        let step = self
            .follow(path)
            .into_iter()
            .find(|s| self.is_ancestor_or_self(s.change.pos, pos))?;
        Some((step.path.to_owned(), BlobId(step.change.blob?)))
    }

    /// Whether the commit at `ancestor` is the commit at `pos` or one of its
    /// ancestors. Walk order is topological, so only commits between the
    /// two positions can be on a path from one to the other.
    fn is_ancestor_or_self(&self, ancestor: u32, pos: u32) -> bool {
        if ancestor == pos {
            return true;
        }
        if ancestor < pos {
            return false;
        }
        if self.linear {
            return true;
        }
        let mut seen = HashSet::new();
        let mut stack = vec![pos];
        while let Some(at) = stack.pop() {
            for &parent in self.parents_of(at) {
                if parent == ancestor {
                    return true;
                }
                if parent < ancestor && seen.insert(parent) {
                    stack.push(parent);
                }
            }
        }
        false
    }

    pub(super) fn parents_of(&self, pos: u32) -> &[u32] {
        let start = self.parent_start[pos as usize] as usize;
        let end = self
            .parent_start
            .get(pos as usize + 1)
            .map_or(self.parent_list.len(), |&e| e as usize);
        &self.parent_list[start..end]
    }
}
