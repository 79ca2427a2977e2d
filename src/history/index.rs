//! Assembling per-commit facts (from a walk or the cache) and annotated
//! tags into the in-memory [`History`] that queries read.
//!
//! This is also where `.mailmap` applies: it is read from the evaluated
//! revision's tree (so the result does not depend on the working tree), and
//! maps display names and emails only; raw emails are always kept.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use git2::{Oid, Repository};

use super::facts::CommitFacts;
use super::signature::Verifier;
use super::trailer::ApprovalTrailers;
use super::{
    ChangeKind, CommitId, CommitInfo, EventKind, History, HistoryError, HistoryOptions, Identity,
    NonMonotonic, SignatureStatus,
};

mod tags;

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

/// The approval trailers of one commit or tag, mailmapped.
#[derive(Debug, Clone)]
pub(super) struct Attestation {
    /// Position of the commit (for tags: the tagged commit) in walk order.
    pub(super) pos: u32,
    /// Set for annotated tags.
    pub(super) tag: Option<TagFacts>,
    /// The `Approved-by:` / `Reviewed-by:` identities, without duplicates.
    pub(super) who: Vec<(EventKind, Identity)>,
    /// Record ids from `Approves:` trailers.
    pub(super) approves: Vec<String>,
    /// Record ids from `Reviews:` trailers.
    pub(super) reviews: Vec<String>,
    pub(super) signature: SignatureStatus,
}

impl Attestation {
    /// Whether this attestation names `record_id` for events of `kind`.
    pub(super) fn names(&self, record_id: &str, kind: EventKind) -> bool {
        let ids = match kind {
            EventKind::Approval => &self.approves,
            EventKind::Review => &self.reviews,
        };
        ids.iter().any(|id| id == record_id)
    }
}

/// What an annotated tag adds to its commit.
#[derive(Debug, Clone)]
pub(super) struct TagFacts {
    pub(super) name: String,
    pub(super) tagger: Identity,
    pub(super) time: i64,
    pub(super) offset_minutes: i32,
}

/// Builds the [`History`] of `head` from its commits' facts in walk order.
pub(super) fn assemble(
    repo: &Repository,
    opts: &HistoryOptions,
    shallow: bool,
    head: Option<Oid>,
    facts: Vec<CommitFacts>,
) -> Result<History, HistoryError> {
    let own = Repository::open(repo.path())?;
    let mut history = History {
        repo: Some(Mutex::new(own)),
        shallow,
        head: head.map(CommitId),
        commits: Vec::with_capacity(facts.len()),
        by_id: HashMap::with_capacity(facts.len()),
        paths: HashMap::new(),
        merged: HashMap::new(),
        attestations: Vec::new(),
        commit_attestation: HashMap::new(),
        tag_attestations: HashMap::new(),
        named: HashMap::new(),
        all_events: Vec::new(),
        non_monotonic: Vec::new(),
        parent_start: Vec::with_capacity(facts.len()),
        parent_list: Vec::with_capacity(facts.len()),
        linear: true,
    };
    let Some(head) = head else {
        return Ok(history);
    };
    let mut mailmap = Mailmapper::new(repo, head);
    for (pos, fact) in (0u32..).zip(&facts) {
        history.by_id.insert(fact.id, pos);
        history.commits.push(CommitInfo {
            id: CommitId(fact.id),
            summary: fact.summary.clone(),
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
    for (pos, fact) in (0u32..).zip(facts) {
        if let Some(trailers) = fact.approval {
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
    let mut verifier = Verifier::new(repo, opts.allowed_signers.clone());
    for att in tags::read(repo, &history.by_id, &mut mailmap, &mut verifier)? {
        history.add_attestation(att, None);
    }
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

/// Mailmaps the identities of a message's approval trailers.
pub(super) fn attestation(
    pos: u32,
    trailers: ApprovalTrailers,
    mailmap: &mut Mailmapper,
) -> Attestation {
    Attestation {
        pos,
        tag: None,
        who: trailers
            .who
            .iter()
            .map(|(kind, name, email)| (*kind, mailmap.resolve(name, email)))
            .collect(),
        approves: trailers.approves,
        reviews: trailers.reviews,
        signature: trailers.signature,
    }
}

/// `.mailmap` from the evaluated revision's tree, with a cache: a history
/// has far fewer people than commits.
pub(super) struct Mailmapper {
    map: Option<git2::Mailmap>,
    cache: HashMap<(String, String), Identity>,
}

impl Mailmapper {
    fn new(repo: &Repository, head: Oid) -> Self {
        let map = repo
            .find_commit(head)
            .and_then(|c| c.tree())
            .and_then(|t| t.get_path(Path::new(".mailmap")))
            .and_then(|e| repo.find_blob(e.id()))
            .ok()
            .and_then(|blob| {
                git2::Mailmap::from_buffer(&String::from_utf8_lossy(blob.content())).ok()
            });
        Mailmapper {
            map,
            cache: HashMap::new(),
        }
    }

    /// The identity git shows for `name <email>`.
    pub(super) fn resolve(&mut self, name: &str, email: &str) -> Identity {
        let key = (name.to_owned(), email.to_owned());
        if let Some(found) = self.cache.get(&key) {
            return found.clone();
        }
        let (mapped_name, mapped_email) = self.lookup(name, email).unwrap_or_else(|| key.clone());
        let identity = Identity {
            name: mapped_name,
            email: mapped_email,
            raw_email: email.to_owned(),
        };
        self.cache.insert(key, identity.clone());
        identity
    }

    fn lookup(&self, name: &str, email: &str) -> Option<(String, String)> {
        // libgit2 refuses empty names and emails; a placeholder keeps the
        // lookup going (mailmap entries match on email first).
        const PLACEHOLDER: &str = "\u{1}";
        let map = self.map.as_ref()?;
        let probe_name = if name.trim().is_empty() {
            PLACEHOLDER
        } else {
            name
        };
        let probe_email = if email.trim().is_empty() {
            PLACEHOLDER
        } else {
            email
        };
        let signature =
            git2::Signature::new(probe_name, probe_email, &git2::Time::new(0, 0)).ok()?;
        let mapped = map.resolve_signature(&signature).ok()?;
        let text = |bytes: &[u8], original: &str| {
            let s = String::from_utf8_lossy(bytes).into_owned();
            if s == PLACEHOLDER {
                original.to_owned()
            } else {
                s
            }
        };
        Some((
            text(mapped.name_bytes(), name),
            text(mapped.email_bytes(), email),
        ))
    }
}
