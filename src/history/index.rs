//! Assembling per-commit facts (from a walk or the cache) and annotated
//! tags into the in-memory [`History`] that queries read.
//!
//! This is also where `.mailmap` applies (the mapper is in
//! `attestation.rs`): it is read from the evaluated revision's tree (so the
//! result does not depend on the working tree), and maps display names and
//! emails only; raw emails are always kept.

use std::sync::Mutex;

use git2::{Oid, Repository};

use super::attestation::{attestation, Mailmapper};
use super::facts::{CommitFacts, SignersFrom};
use super::objects::IdMap;
use super::signature::Verifier;
use super::trust::{self, Parentage};
use super::witness::{self, Witnesses};
use super::{
    ChangeKind, CommitId, CommitInfo, History, HistoryError, HistoryOptions, NonMonotonic,
};

pub(super) mod tags;

/// The forge merge bot's committer email: such commits prove nothing about
/// who approved.
const FORGE_EMAILS: [&str; 1] = ["noreply@github.com"];

/// One commit's change to one path, in a per-path list.
#[derive(Debug, Clone)]
pub(super) struct PathChange {
    /// Position of the commit in walk order.
    pub(super) pos: u32,
    pub(super) blob: Option<Oid>,
    pub(super) kind: ChangeKind,
}

/// Builds the [`History`] of `head` from its commits' facts in walk order.
pub(super) fn assemble(
    repo: &Repository,
    opts: &HistoryOptions,
    shallow: bool,
    head: Option<Oid>,
    facts: Vec<CommitFacts>,
    cached_witnesses: Option<Witnesses>,
) -> Result<History, HistoryError> {
    let own = Repository::open(repo.path())?;
    let mut history = History {
        repo: Some(Mutex::new(own)),
        shallow,
        head: head.map(CommitId),
        commits: Vec::with_capacity(facts.len()),
        by_id: IdMap::with_capacity_and_hasher(facts.len(), Default::default()),
        paths: Default::default(),
        merged: Default::default(),
        attestations: Vec::new(),
        commit_attestation: IdMap::default(),
        tag_attestations: IdMap::default(),
        named: Default::default(),
        all_events: Vec::new(),
        non_monotonic: Vec::new(),
        parent_start: Vec::with_capacity(facts.len()),
        parent_list: Vec::with_capacity(facts.len()),
        linear: true,
        trust_changes: Vec::new(),
        witnesses: Witnesses::default(),
    };
    let Some(head) = head else {
        return Ok(history);
    };
    let mut mailmap = Mailmapper::new(repo, head);
    let mut facts = facts;
    for (pos, fact) in (0u32..).zip(&mut facts) {
        history.by_id.insert(fact.id, pos);
        history.commits.push(CommitInfo {
            id: CommitId(fact.id),
            // Nothing below reads a fact's summary again.
            summary: std::mem::take(&mut fact.summary),
            author: mailmap.resolve(&fact.author.0, &fact.author.1),
            committer: mailmap.resolve(&fact.committer.0, &fact.committer.1),
            time: fact.time,
            offset_minutes: fact.offset_minutes,
            forge: is_forge(&fact.committer.1),
        });
    }
    for fact in &facts {
        let start = u32::try_from(history.parent_list.len()).unwrap_or(u32::MAX);
        history.parent_start.push(start);
        history.linear &= fact.parents.len() <= 1;
        let known = fact.parents.iter().filter_map(|p| history.by_id.get(p));
        history.parent_list.extend(known);
    }
    history.non_monotonic = non_monotonic(&facts, &history);
    let mut verifier = Verifier::new(repo, opts.allowed_signers.clone())
        .with_openpgp_keys(opts.openpgp_keys.clone())
        .with_revoked_keys(opts.revoked_keys.clone());
    history.witnesses = match cached_witnesses {
        Some(w) => w,
        None => witness::read(
            repo,
            &witness::Setting {
                principals: &opts.witnesses,
                pattern: &opts.witness_tags,
            },
            &history.by_id,
            &|pos| history.parents_of(pos),
            &mut verifier,
        ),
    };
    let parentage: Vec<Parentage> = facts
        .iter()
        .map(|f| Parentage {
            first_parent: f.parents.first().copied(),
            boundary: f.boundary,
        })
        .collect();
    for (pos, fact) in (0u32..).zip(facts) {
        if let Some(mut trailers) = fact.approval {
            if let Some(landing) = history.witnesses.landing(pos) {
                let signers = match fact.parents.first() {
                    _ if fact.boundary => SignersFrom::Missing,
                    Some(&parent) => SignersFrom::Commit(parent),
                    None => SignersFrom::Nothing,
                };
                trailers.signature = witness::judge_at_landing(
                    &mut verifier,
                    trailers.signature,
                    fact.id,
                    signers,
                    fact.time,
                    &landing,
                );
            }
            let att = attestation(pos, trailers, &mut mailmap);
            history.add_attestation(att, fact.changes.first().map(|c| c.path.as_str()));
        }
        for change in fact.merged {
            history
                .merged
                .entry(change.path)
                .or_default()
                .push(PathChange {
                    pos,
                    blob: change.blob,
                    kind: change.kind,
                });
        }
        for change in fact.changes {
            history
                .paths
                .entry(change.path)
                .or_default()
                .push(PathChange {
                    pos,
                    blob: change.blob,
                    kind: change.kind,
                });
        }
    }
    history.trust_changes = trust::changes(
        repo,
        &history,
        &opts.trust_files,
        opts.allowed_signers.as_deref(),
        &parentage,
    );
    for att in tags::read(repo, &history.by_id, &mut mailmap, &mut verifier)? {
        history.add_attestation(att, None);
    }
    history.add_attested_events();
    Ok(history)
}

pub(super) fn is_forge(raw_email: &str) -> bool {
    FORGE_EMAILS
        .iter()
        .any(|f| f.eq_ignore_ascii_case(raw_email.trim()))
}

fn non_monotonic(facts: &[CommitFacts], history: &History) -> Vec<NonMonotonic> {
    let mut out = Vec::new();
    for (pos, fact) in facts.iter().enumerate() {
        for parent in &fact.parents {
            if let Some(&p) = history.by_id.get(parent) {
                if fact.time < facts[p as usize].time {
                    out.push(NonMonotonic {
                        commit: history.commits[pos].clone(),
                        parent: history.commits[p as usize].clone(),
                    });
                }
            }
        }
    }
    out
}
