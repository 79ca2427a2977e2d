//! Witnesses (SPEC 2.4): signed tags that bound when commits arrived.
//!
//! A witness is an annotated tag whose name matches `trust.witness_tags`,
//! SSH-signed (namespace `git`) by a key that the allowed-signers file, as
//! of the tagged commit, lists for a principal in `trust.witnesses` — the
//! verdict `git verify-tag` gives with `gpg.ssh.allowedSignersFile` set to
//! that file (`signature.rs`). Any other tag matching the pattern is an
//! [`InvalidWitness`] and witnesses nothing. Tags on commits outside the
//! evaluated history are not read: they say nothing about it.
//!
//! Landing windows are computed in one pass over the parent graph the index
//! already holds, not one walk per witness: valid witnesses are taken in
//! tagger-time order (ties by name), and each marks the ancestors of its
//! commit that no earlier witness marked, so every commit is visited once.
//! A commit's *before* bound is the time of the witness that marked it (the
//! earliest that contains it). Its *after* bound is the latest time among
//! the earlier witnesses whose commits are ancestors of that witness's
//! commit (none of them contains the commit, or they would have marked it
//! first); it is the same for every commit one witness marks, and is
//! found at the edge of that witness's marking: the latest witness time
//! reaching each already-marked commit the marking stops at, which is kept
//! per commit as it is marked. A witness tagged later than one that already
//! contains its commit marks nothing and adds no *after* bound for
//! commits beyond its own: a witness made afterwards on an old commit says
//! nothing about when newer commits arrived.

use std::collections::HashMap;

use git2::{ObjectType, Oid, Repository};

use super::allowed_signers::match_glob;
use super::facts::SignersFrom;
use super::index::tags::{parse, peel};
use super::objects::IdMap;
use super::signature::Verifier;
use super::witness_note::{self, AttestedApproval};
use super::{CommitId, Identity, SignatureStatus};

/// No witness marked this commit.
const NONE: u32 = u32::MAX;

/// A valid witness tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Witness {
    /// The tag's name (without `refs/tags/`).
    pub name: String,
    /// The tagged commit.
    pub commit: CommitId,
    /// The tagger's time, Unix seconds.
    pub time: i64,
    /// The tagger's UTC offset in minutes.
    pub offset_minutes: i32,
    /// The tag's message, without its signature.
    pub message: String,
    /// The signing key's fingerprint, `SHA256:…`.
    pub fingerprint: String,
    /// The tagger, as recorded (not mailmapped).
    pub tagger: Identity,
}

/// A tag that matches `trust.witness_tags` but is no witness.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidWitness {
    /// The tag's name (without `refs/tags/`).
    pub name: String,
    /// The tagged commit, when the tag names one in the evaluated history.
    pub commit: Option<CommitId>,
    /// Why it is no witness, in words.
    pub reason: String,
}

/// When a commit arrived on the witnessed branch (SPEC 2.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Landing {
    /// The tagger time of the latest witness before the one that first
    /// contains the commit (and is an ancestor of it); `None` for commits
    /// older than the first witness.
    pub after: Option<i64>,
    /// The tagger time of the earliest witness that contains the commit.
    pub before: i64,
    /// That earliest witness's tag name.
    pub witness: String,
}

/// The witnesses of one history and the windows they give.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Witnesses {
    /// Valid witnesses in tagger-time order (ties by name).
    pub(super) valid: Vec<Witness>,
    /// Tags matching the pattern that are no witnesses, by name.
    pub(super) invalid: Vec<InvalidWitness>,
    /// Per commit position: the index in `valid` of the earliest witness
    /// that contains it, or [`NONE`].
    pub(super) marked_by: Vec<u32>,
    /// Per witness: the *after* bound of the commits it marked.
    pub(super) after: Vec<Option<i64>>,
    /// The attested approvals of the valid witnesses' notes (SPEC 2.5):
    /// (index in `valid`, approval), in witness order.
    pub(super) attested: Vec<(u32, AttestedApproval)>,
    /// Record id → indexes into `attested`.
    pub(super) attested_by_record: HashMap<String, Vec<u32>>,
}

impl Witnesses {
    /// The landing window of the commit at `pos`.
    pub(super) fn landing(&self, pos: u32) -> Option<Landing> {
        let w = *self.marked_by.get(pos as usize)?;
        let witness = self.valid.get(w as usize)?;
        Some(Landing {
            after: self.after[w as usize],
            before: witness.time,
            witness: witness.name.clone(),
        })
    }
}

/// What deciding the witnesses needs.
pub(super) struct Setting<'s> {
    /// `trust.witnesses`: the principals whose signed tags witness.
    pub(super) principals: &'s [String],
    /// `trust.witness_tags`: the tag-name pattern.
    pub(super) pattern: &'s str,
}

/// Reads and verifies the tags matching the pattern on commits of the
/// history (`by_id`: commit → position), then computes the windows over
/// `parents` (positions → parent positions).
pub(super) fn read<'p>(
    repo: &Repository,
    setting: &Setting<'_>,
    by_id: &IdMap<Oid, u32>,
    parents: &dyn Fn(u32) -> &'p [u32],
    verifier: &mut Verifier<'_>,
) -> Witnesses {
    let count = by_id.len();
    if setting.principals.is_empty() || count == 0 {
        return Witnesses {
            marked_by: vec![NONE; count],
            ..Witnesses::default()
        };
    }
    let (mut valid, invalid) = verify_tags(repo, setting, by_id, verifier);
    valid.sort_by(|a, b| a.time.cmp(&b.time).then_with(|| a.name.cmp(&b.name)));
    let (marked_by, after) = windows(count, &valid, by_id, parents);
    Witnesses::from_parts(valid, invalid, marked_by, after)
}

impl Witnesses {
    /// The witnesses with their windows (from [`read`] or the cache), and
    /// the attested approvals their notes carry.
    pub(super) fn from_parts(
        valid: Vec<Witness>,
        invalid: Vec<InvalidWitness>,
        marked_by: Vec<u32>,
        after: Vec<Option<i64>>,
    ) -> Witnesses {
        let mut attested = Vec::new();
        let mut attested_by_record: HashMap<String, Vec<u32>> = HashMap::new();
        for (k, w) in (0u32..).zip(&valid) {
            for a in witness_note::parse(&w.message).approvals {
                let index = u32::try_from(attested.len()).unwrap_or(u32::MAX);
                attested_by_record
                    .entry(a.record.clone())
                    .or_default()
                    .push(index);
                attested.push((k, a));
            }
        }
        Witnesses {
            valid,
            invalid,
            marked_by,
            after,
            attested,
            attested_by_record,
        }
    }
}

/// What the witnesses of a history depend on besides its commits: the
/// setting and every tag (name and object id) that matches the pattern.
/// The warm-run cache keeps the witnesses only while this stays the same
/// (a new, moved or deleted witness tag renews them). `None` when nothing
/// is witnessed.
pub(super) fn key(repo: &Repository, setting: &Setting<'_>) -> Option<Oid> {
    if setting.principals.is_empty() {
        return None;
    }
    let mut tags: Vec<(String, Oid)> = repo
        .references_glob("refs/tags/*")
        .ok()?
        .flatten()
        .filter_map(|r| Some((r.name().ok()?.to_owned(), r.target()?)))
        .filter(|(name, _)| {
            name.strip_prefix("refs/tags/")
                .is_some_and(|n| match_glob(n, setting.pattern))
        })
        .collect();
    tags.sort();
    let mut text = format!("{}\n{}\n", setting.principals.join("\n"), setting.pattern);
    for (name, id) in tags {
        text.push_str(&format!("{name} {id}\n"));
    }
    Oid::hash_object(ObjectType::Blob, text.as_bytes()).ok()
}

/// The tags matching the pattern, as valid witnesses and invalid ones.
fn verify_tags(
    repo: &Repository,
    setting: &Setting<'_>,
    by_id: &IdMap<Oid, u32>,
    verifier: &mut Verifier<'_>,
) -> (Vec<Witness>, Vec<InvalidWitness>) {
    let mut valid = Vec::new();
    let mut invalid = Vec::new();
    let Ok(odb) = repo.odb() else {
        return (valid, invalid);
    };
    let Ok(refs) = repo.references_glob("refs/tags/*") else {
        return (valid, invalid);
    };
    let mut tags: Vec<(String, Oid)> = refs
        .flatten()
        .filter_map(|r| {
            let name = r.name().ok()?.strip_prefix("refs/tags/")?.to_owned();
            Some((name, r.target()?))
        })
        .filter(|(name, _)| match_glob(name, setting.pattern))
        .collect();
    tags.sort();
    for (name, id) in tags {
        let bad = |commit: Option<Oid>, reason: String| InvalidWitness {
            name: name.clone(),
            commit: commit.map(CommitId),
            reason,
        };
        let Ok(object) = odb.read(id) else { continue };
        if object.kind() != ObjectType::Tag {
            // A lightweight tag on a commit of the history.
            if object.kind() == ObjectType::Commit && by_id.contains_key(&id) {
                invalid.push(bad(
                    Some(id),
                    "it is a lightweight tag: a witness is an annotated tag signed with `git tag -s`".to_owned(),
                ));
            }
            continue;
        }
        let raw = object.data();
        let Some(tag) = parse(raw) else {
            invalid.push(bad(None, "the tag object cannot be read".to_owned()));
            continue;
        };
        let Some(commit) = peel(&odb, tag.object, tag.kind.clone()) else {
            invalid.push(bad(None, "it does not point at a commit".to_owned()));
            continue;
        };
        if !by_id.contains_key(&commit) {
            continue;
        }
        let Some((tagger_name, tagger_email, time, offset_minutes)) = tag.tagger.clone() else {
            invalid.push(bad(
                Some(commit),
                "the tag has no tagger, so no time".to_owned(),
            ));
            continue;
        };
        let status = verifier.tag(raw, SignersFrom::Commit(commit), time);
        match status {
            SignatureStatus::Verified {
                ref fingerprint, ..
            } if !status.is_openpgp() => {
                let note = witness_note::parse(&tag.message);
                if !note.commit.is_empty() && note.commit != commit.to_string() {
                    invalid.push(bad(
                        Some(commit),
                        format!(
                            "its message names commit {}, but it tags commit {commit}",
                            note.commit
                        ),
                    ));
                } else if setting.principals.iter().any(|p| status.allows(p)) {
                    valid.push(Witness {
                        name,
                        commit: CommitId(commit),
                        time,
                        offset_minutes,
                        message: tag.message,
                        fingerprint: fingerprint.clone(),
                        tagger: Identity {
                            name: tagger_name,
                            email: tagger_email.clone(),
                            raw_email: tagger_email,
                        },
                    });
                } else {
                    let listed = match &status {
                        SignatureStatus::Verified { principals, .. } => principals.join(", "),
                        _ => String::new(),
                    };
                    invalid.push(bad(
                        Some(commit),
                        format!(
                            "it is signed with key {fingerprint}, which the allowed-signers file lists for {listed}, not for a principal in trust.witnesses ({})",
                            setting.principals.join(", ")
                        ),
                    ));
                }
            }
            SignatureStatus::Verified { .. } => invalid.push(bad(
                Some(commit),
                "it is signed with OpenPGP: a witness must be SSH-signed (gpg.format=ssh)"
                    .to_owned(),
            )),
            SignatureStatus::Unsigned => invalid.push(bad(
                Some(commit),
                "it is not signed: a witness is made with `git tag -s` (gpg.format=ssh)".to_owned(),
            )),
            SignatureStatus::Rejected { reason } => invalid.push(bad(
                Some(commit),
                format!("its signature is not accepted: {reason}"),
            )),
            SignatureStatus::Unverified { format } => invalid.push(bad(
                Some(commit),
                format!("it carries an {format} signature: a witness must be SSH-signed"),
            )),
        }
    }
    (valid, invalid)
}

/// The marking of module docs: per position the witness that first
/// contains it, and per witness its *after* bound. `valid` is in
/// processing (tagger-time) order.
pub(super) fn windows<'p>(
    count: usize,
    valid: &[Witness],
    by_id: &IdMap<Oid, u32>,
    parents: &dyn Fn(u32) -> &'p [u32],
) -> (Vec<u32>, Vec<Option<i64>>) {
    let mut marked_by = vec![NONE; count];
    // Per position: the latest time of a witness processed so far whose
    // commit is the commit itself or one of its ancestors.
    let mut reach: Vec<Option<i64>> = vec![None; count];
    let mut after = Vec::with_capacity(valid.len());
    let mut stack = Vec::new();
    let mut newly = Vec::new();
    for (k, w) in (0u32..).zip(valid) {
        let Some(&start) = by_id.get(&w.commit.0) else {
            after.push(None);
            continue;
        };
        if marked_by[start as usize] != NONE {
            // Its commit is already contained: it marks nothing, but it is
            // a later witness of that very commit.
            let r = &mut reach[start as usize];
            *r = (*r).max(Some(w.time));
            after.push(None);
            continue;
        }
        let mut edge: Option<i64> = None;
        stack.push(start);
        marked_by[start as usize] = k;
        while let Some(pos) = stack.pop() {
            newly.push(pos);
            for &p in parents(pos) {
                if marked_by[p as usize] == NONE {
                    marked_by[p as usize] = k;
                    stack.push(p);
                } else if marked_by[p as usize] != k {
                    edge = edge.max(reach[p as usize]);
                }
            }
        }
        after.push(edge);
        // Parents before children: walk order is children first.
        newly.sort_unstable_by(|a, b| b.cmp(a));
        for &pos in &newly {
            let r = parents(pos)
                .iter()
                .map(|&p| reach[p as usize])
                .max()
                .flatten();
            reach[pos as usize] = r;
        }
        reach[start as usize] = reach[start as usize].max(Some(w.time));
        newly.clear();
    }
    (marked_by, after)
}

/// A commit's signature as judged once its landing is known (SPEC 2.4): a
/// key's validity window (`valid-before`, a certificate's or OpenPGP key's
/// expiry) must hold at the *before* bound too, since the signature may
/// first have existed then. A signature that verified at the claimed time
/// is checked again at that bound, exactly as at any other time; one that
/// fails there signs nothing, even on a backdated commit.
pub(super) fn judge_at_landing(
    verifier: &mut Verifier<'_>,
    status: SignatureStatus,
    commit: Oid,
    signers: SignersFrom,
    claimed: i64,
    landing: &Landing,
) -> SignatureStatus {
    if !matches!(status, SignatureStatus::Verified { .. }) || landing.before <= claimed {
        return status;
    }
    match verifier.commit(commit, signers, landing.before) {
        SignatureStatus::Rejected { reason } => SignatureStatus::Rejected {
            reason: format!(
                "the signature is first witnessed by {} at {}, when the key was no longer valid: {reason}",
                landing.witness,
                super::allowed_signers::utc(u64::try_from(landing.before).unwrap_or(0)),
            ),
        },
        _ => status,
    }
}
