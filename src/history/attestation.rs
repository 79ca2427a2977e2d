//! The approval trailers of a commit or an annotated tag as the index keeps
//! them ([`Attestation`]), with their identities mapped through `.mailmap`
//! ([`Mailmapper`]). Made by `index.rs` (commits) and `index/tags.rs`
//! (tags), read by `query.rs`.

use std::path::Path;

use git2::{Oid, Repository};

use super::mailmap::Mailmap;
use super::trailer::ApprovalTrailers;
use super::{EventKind, Identity, SignatureStatus};

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

/// `.mailmap` from the evaluated revision's tree (read as git reads it:
/// `mailmap.rs`), with a cache: a history
/// has far fewer people than commits. The cache is keyed by raw email, then
/// raw name, so that a hit (almost every commit) is looked up by `&str`
/// without building an owned key.
pub(super) struct Mailmapper {
    map: Option<Mailmap>,
    /// (foldhash: one lookup per commit author and committer; see the
    /// `paths` of [`super::History`] for why it is safe with pushed data.)
    cache: foldhash::HashMap<String, Vec<(String, Identity)>>,
}

impl Mailmapper {
    pub(super) fn new(repo: &Repository, head: Oid) -> Self {
        let map = repo
            .find_commit(head)
            .and_then(|c| c.tree())
            .and_then(|t| t.get_path(Path::new(".mailmap")))
            .and_then(|e| repo.find_blob(e.id()))
            .ok()
            .map(|blob| Mailmap::parse(&String::from_utf8_lossy(blob.content())));
        Mailmapper {
            map,
            cache: Default::default(),
        }
    }

    /// The identity git shows for `name <email>`.
    pub(super) fn resolve(&mut self, name: &str, email: &str) -> Identity {
        if let Some(names) = self.cache.get(email) {
            if let Some((_, found)) = names.iter().find(|(n, _)| n == name) {
                return found.clone();
            }
        }
        let (mapped_name, mapped_email) = self
            .lookup(name, email)
            .unwrap_or_else(|| (name.to_owned(), email.to_owned()));
        let identity = Identity {
            name: mapped_name,
            email: mapped_email,
            raw_email: email.to_owned(),
        };
        self.cache
            .entry(email.to_owned())
            .or_default()
            .push((name.to_owned(), identity.clone()));
        identity
    }

    fn lookup(&self, name: &str, email: &str) -> Option<(String, String)> {
        self.map.as_ref()?.map(name, email)
    }
}
