//! The git history index: the only part of govlint that reads commit history,
//! and the only one that reads git at all. [`Repo`] (`repo.rs`) is the
//! repository as the other layers hold it: opened from the environment, with
//! the index and revision entries, blob bytes and the `--changed-since`
//! paths that snapshots need, in plain types ([`Entry`], [`BlobId`]); only
//! `init` and `hook`, which write repositories, use libgit2 themselves.
//!
//! [`History::build`] walks, in one pass, every commit reachable from the
//! evaluated revision (all parents, so merged branches count) and records the
//! raw, verified facts that history rules need: which commits changed which
//! path (following renames), the `Approved-by:` / `Reviewed-by:` trailers of
//! commits and annotated tags, their SSH signatures checked against the
//! allowed-signers file, and commits whose time runs backwards.
//!
//! It owns no policy: roles, strengths, four-eyes and pass/fail belong to the
//! rule engine. Reading records, schemas and the working tree does not belong
//! here either; only [`History::blob`], [`History::blob_as_of`] and [`History::blob_id`] touch
//! content, so callers can compare current bytes with approved ones.
//!
//! Building is one pass (`build.rs`): the walk (`walk.rs`) reads the commits
//! the warm-run cache (`cache.rs`) does not hold into per-commit facts
//! (`facts.rs`), which the index (`index.rs`) assembles; queries are in
//! `query.rs`.
//!
//! Choices worth knowing (each is documented where it is made):
//! - a merge commit changes a path only when the path differs from *every*
//!   parent (`walk.rs`); what the merged branch changed is seen on its
//!   commits; a merge that carries approval trailers approves what it brings
//!   in (the files changed relative to its first parent);
//! - a `Named` approval binds to the record as it was in the approving
//!   commit's own history (the newest change that is an ancestor);
//! - renames are exact (same blob) and similar (git's ≥ 50 % score, see
//!   `rename.rs`), detected in non-merge commits;
//! - shallow boundary commits have unknown changes, never "added everything";
//! - commit trailers are parsed like `git interpret-trailers --parse`
//!   (`trailer.rs`);
//! - a warm-run cache outside the repository makes repeated runs walk only
//!   new commits (`cache.rs`; `GOVLINT_NO_CACHE=1` turns it off);
//! - witness tags (`trust.witnesses`, SPEC 2.4) are verified like `git
//!   verify-tag` and give every commit a landing window, marked in one pass
//!   over the indexed parent graph, never one walk per witness
//!   (`witness.rs`); a signature is judged again at its commit's *before*
//!   bound, so a key that expired before the signature was first witnessed
//!   signs nothing; the attested pull-request approvals of witness notes
//!   (`witness_note.rs`) are events like trailers' ([`Via::PullRequest`]).

mod allowed_signers;
mod attestation;
mod build;
mod cache;
mod encoding;
mod facts;
#[doc(hidden)]
pub(crate) mod fuzz;
mod index;
mod krl;
mod mailmap;
mod objects;
mod openpgp;
mod pack;
mod query;
mod rawcommit;
mod rename;
mod repo;
mod revision;
mod scope;
mod signature;
#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;
mod trailer;
mod treediff;
mod trust;
mod walk;
mod witness;
pub mod witness_note;

/// A map keyed by paths or record ids (see [`History`]'s `paths`).
type PathMap<V> = foldhash::HashMap<String, V>;
use std::fmt;
use std::path::PathBuf;
use std::sync::Mutex;

use allowed_signers::principal_matches;
pub use repo::{BlobContent, Blobs, Entry, Repo, Side};
pub use trust::TrustChange;
pub use witness::{InvalidWitness, Landing, Witness};

/// What to index.
#[derive(Debug, Clone, Default)]
pub struct HistoryOptions {
    /// The evaluated revision: any revspec git understands (branch, tag, sha,
    /// `HEAD~2`). `None` means `HEAD`.
    pub rev: Option<String>,
    /// Repository-relative path of the OpenSSH allowed-signers file
    /// (`trust.allowed_signers` in `govlint.yaml`). `None`: signatures are
    /// never verified (they are reported as rejected, with that reason).
    pub allowed_signers: Option<String>,
    /// Repository-relative paths of the trust files (SPEC 2.3): the
    /// allowed-signers file, the revoked keys, the OpenPGP keys and
    /// `govlint.yaml`. Their changes are listed by
    /// [`History::trust_changes`]; empty: none are.
    pub trust_files: Vec<String>,
    /// Repository-relative folder or file of ASCII-armoured OpenPGP public
    /// keys (`trust.openpgp_keys`). `None`: OpenPGP signatures are never
    /// verified (rejected, with that reason).
    pub openpgp_keys: Option<String>,
    /// Repository-relative path of the revoked SSH keys, a KRL or a list of
    /// public keys (`trust.revoked_keys`, git's `gpg.ssh.revocationFile`),
    /// read where the allowed-signers file is read. `None`: none.
    pub revoked_keys: Option<String>,
    /// Allowed-signers principals whose signed tags are witnesses
    /// (`trust.witnesses`, SPEC 2.4). Empty: no tag is read as a witness
    /// and no commit has a landing window.
    pub witnesses: Vec<String>,
    /// Which tag names are witnesses (`trust.witness_tags`): a glob.
    pub witness_tags: String,
    /// The only paths whose changes are read, repository-relative: folders
    /// end in `/`, anything else is a file. Empty: every path. The files of
    /// `trust_files` must be in it for their changes to be listed.
    pub scope: Vec<String>,
}

/// A commit's id. Displays as the full hexadecimal id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommitId(pub(crate) git2::Oid);

/// A blob's id (git's hash of the file's bytes). Displays as the full
/// hexadecimal id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlobId(pub(crate) git2::Oid);

impl BlobId {
    /// The id's raw bytes (20 for SHA-1), e.g. to key a cache.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Display for CommitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Display for BlobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// A person as git shows them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Identity {
    /// Display name after `.mailmap`.
    pub name: String,
    /// Email after `.mailmap`, as `git log --format=%aE` shows it (may be
    /// empty when a trailer carries no `<email>`).
    pub email: String,
    /// Email exactly as typed in the commit, tag or trailer. Anyone can edit
    /// `.mailmap`, so trust decisions should use this one.
    pub raw_email: String,
}

/// One commit, as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// The commit.
    pub id: CommitId,
    /// The first paragraph of the message, on one line.
    pub summary: String,
    /// Who wrote the change.
    pub author: Identity,
    /// Who made the commit (for tag events: the tagger).
    pub committer: Identity,
    /// Committer time in Unix seconds (for tag events: the tagger's time).
    pub time: i64,
    /// The committer's (tagger's) UTC offset in minutes.
    pub offset_minutes: i32,
    /// The committer (tagger) is a forge's merge bot (GitHub's
    /// `noreply@github.com`): the commit proves nothing about who approved.
    pub forge: bool,
}

/// What a commit did to a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// The path appeared.
    Added,
    /// The path's content or mode changed.
    Modified,
    /// The path disappeared.
    Deleted,
    /// The path appeared as a rename of `from` (exact or similar content).
    Renamed {
        /// The path the file had in the parent.
        from: String,
    },
}

/// One commit that changed a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The commit.
    pub commit: CommitInfo,
    /// The path the file had in that commit.
    pub path: String,
    /// The file's blob in that commit; `None` when the commit deleted it.
    pub blob: Option<BlobId>,
    /// What happened.
    pub kind: ChangeKind,
}

/// Which trailer made an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// `Approved-by:`.
    Approval,
    /// `Reviewed-by:`.
    Review,
}

/// How an event reaches a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// The commit changed the record's file, which had this path then.
    Changed {
        /// The record's path in that commit.
        path: String,
    },
    /// The commit names the record in an `Approves:` / `Reviews:` trailer.
    Named,
    /// An annotated tag on a commit that changed or names the record.
    Tag {
        /// The tag's name (without `refs/tags/`).
        name: String,
    },
    /// A pull-request review that a witness records (SPEC 2.5): the event's
    /// commit is the witnessed commit, timed by the review's
    /// `submitted_at` and made by the witness's tagger; `who` carries the
    /// reviewer's login as its name (no email).
    PullRequest {
        /// The witness tag's name.
        witness: String,
        /// `github:OWNER/REPO#N`, when the witness names it.
        pull_request: Option<String>,
        /// The review's id at the forge.
        review_id: u64,
        /// The reviewer's forge login.
        login: String,
        /// The commit the review was made on.
        reviewed_commit: String,
    },
}

/// One approval or review: one per (commit or tag, trailer identity, kind).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Approval or review.
    pub kind: EventKind,
    /// The record id when the commit or tag named it (`Approves:` /
    /// `Reviews:`); `None` otherwise.
    pub record_id: Option<String>,
    /// The approving commit; for tags the tagged commit, with `time`,
    /// `offset_minutes`, `committer` and `forge` taken from the tagger.
    pub commit: CommitInfo,
    /// How the event reaches the record.
    pub via: Via,
    /// The trailer's `Name <email>`, mailmapped (`raw_email` as typed).
    pub who: Identity,
    /// The record's blob at the approving commit (path followed through
    /// renames); `None` if the record did not exist there.
    pub blob: Option<BlobId>,
    /// The record's path in the approving commit.
    pub path_then: Option<String>,
    /// Who wrote the approved content: the commit's author when it changed
    /// the file, else the author of the newest earlier change that produced
    /// the approved blob. `None` when unknown (e.g. beyond a shallow boundary).
    pub change_author: Option<Identity>,
    /// The commit's (tag's) signature, checked against the allowed-signers
    /// file.
    pub signature: SignatureStatus,
    /// When the approving commit arrived, by the witnesses (SPEC 2.4);
    /// `None` when no witness contains it, and for approvals carried by a
    /// tag (a witness bounds commits, not the tags made on them later).
    pub landing: Option<Landing>,
}

/// What govlint found out about a commit's or tag's signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureStatus {
    /// No signature.
    Unsigned,
    /// An SSH signature (namespace `git`) that verifies over this very
    /// commit (tag), made with a key that the allowed-signers file, as it
    /// stood in the commit's first parent (for tags: in the tagged commit),
    /// lists, valid at the commit's (tagger's) time. `principals` are the
    /// patterns that the file lists for that key: match the approver's
    /// email with [`SignatureStatus::allows`].
    Verified {
        /// The principals listed for the key, one OpenSSH pattern list per
        /// allowed-signers line that accepts it (for a certificate: its
        /// principals that the `cert-authority` line accepts).
        principals: Vec<String>,
        /// The key's fingerprint, `SHA256:…`.
        fingerprint: String,
    },
    /// A signature is present but not acceptable.
    Rejected {
        /// Why, in plain words.
        reason: String,
    },
    /// An X.509 (gpgsm) signature, which govlint does not verify.
    Unverified {
        /// `openpgp` or `x509`.
        format: String,
    },
}

impl SignatureStatus {
    /// Whether this is a verified OpenPGP signature (`trust.openpgp_keys`;
    /// its `principals` are the key's valid user-ID emails) rather than an
    /// SSH one.
    #[must_use]
    pub fn is_openpgp(&self) -> bool {
        matches!(self, SignatureStatus::Verified { fingerprint, .. }
            if fingerprint.starts_with(openpgp::FINGERPRINT_PREFIX))
    }

    /// Whether the signature is verified for a key listed for `email`, as
    /// `ssh-keygen -Y verify -I EMAIL` decides it: each principal entry is
    /// an OpenSSH pattern list (`*`, `?`, `!` negation over the whole list,
    /// case-sensitive, nothing trimmed).
    #[must_use]
    pub fn allows(&self, email: &str) -> bool {
        match self {
            SignatureStatus::Verified { principals, .. } => {
                principals.iter().any(|p| principal_matches(p, email))
            }
            _ => false,
        }
    }
}

/// A commit whose committer time is earlier than one of its parents'.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NonMonotonic {
    /// The backdated commit.
    pub commit: CommitInfo,
    /// The later parent.
    pub parent: CommitInfo,
}

/// Why the history could not be read.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// `path` is not inside a git repository.
    #[error("{path} is not in a git repository")]
    NotARepository {
        /// Where govlint looked.
        path: PathBuf,
        /// What libgit2 said.
        #[source]
        source: git2::Error,
    },
    /// The revision does not name a commit.
    #[error("revision `{rev}` does not name a commit")]
    BadRevision {
        /// The revspec as given.
        rev: String,
        /// What libgit2 said.
        #[source]
        source: git2::Error,
    },
    /// An object that the history needs is missing or unreadable.
    #[error("cannot read git object {id}")]
    Object {
        /// The object's id.
        id: git2::Oid,
        /// What libgit2 said.
        #[source]
        source: git2::Error,
    },
    /// A tree object is malformed.
    #[error("git tree {id} is malformed")]
    CorruptTree {
        /// The tree's id.
        id: git2::Oid,
    },
    /// The shallow-clone file could not be read.
    #[error("cannot read {path}")]
    ShallowFile {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A revision to read content from does not resolve.
    #[error("cannot resolve revision `{rev}`: {source}")]
    UnresolvedRevision {
        /// The revspec as given.
        rev: String,
        /// What libgit2 said.
        source: git2::Error,
    },
    /// The index (staging area) cannot be read.
    #[error("cannot read the git index: {}{}", .source.message(), repo::index_hint(.source))]
    Index {
        /// What libgit2 said.
        source: git2::Error,
    },
    /// Reading a tree or comparing trees for content failed.
    #[error("git: {0}")]
    Read(#[source] git2::Error),
    /// Any other libgit2 failure.
    #[error(transparent)]
    Git(#[from] git2::Error),
}

/// The indexed history of one revision. Build it once with
/// [`History::build`]; every query is then answered from memory, except
/// [`History::blob`], which reads objects through a private repository
/// handle. `History` is `Send + Sync`.
pub struct History {
    /// Private handle for later object reads; a mutex because libgit2
    /// repositories must not be shared between threads.
    repo: Option<Mutex<git2::Repository>>,
    shallow: bool,
    head: Option<CommitId>,
    /// Commits in walk order: topological, newest first.
    commits: Vec<CommitInfo>,
    /// Commit id → position in `commits`.
    /// (`IdMap`: object ids need no SipHash; the maps keyed by commit
    /// position use it too, being a large share of assembling the index.)
    by_id: objects::IdMap<git2::Oid, u32>,
    /// Per path, the changes newest first (walk order).
    /// (`PathMap`: foldhash, seeded per process; paths come from commits
    /// anyone may push, but a short run reveals nothing of the seed to
    /// collide them with. SipHash was a sixth of assembling the index.)
    paths: PathMap<Vec<index::PathChange>>,
    /// Per path, the approving merges that brought a change in from a
    /// merged branch (not listed in `paths`), newest first.
    merged: PathMap<Vec<index::PathChange>>,
    /// Trailer facts of commits and tags that carry approval trailers.
    attestations: Vec<attestation::Attestation>,
    /// Commit position → index into `attestations` (the commit's own).
    commit_attestation: objects::IdMap<u32, u32>,
    /// Commit position → indexes into `attestations` (tags on that commit).
    tag_attestations: objects::IdMap<u32, Vec<u32>>,
    /// Record id → indexes into `attestations` that name it.
    named: PathMap<Vec<u32>>,
    all_events: Vec<Event>,
    non_monotonic: Vec<NonMonotonic>,
    /// Parents by position, flattened: the parents of the commit at `pos`
    /// are `parent_list[parent_start[pos]..parent_start[pos + 1]]`.
    parent_start: Vec<u32>,
    parent_list: Vec<u32>,
    /// No merge in the walk: every older commit is an ancestor.
    linear: bool,
    /// Changes to the trust files, oldest first.
    trust_changes: Vec<TrustChange>,
    /// The witness tags and the landing windows they give.
    witnesses: witness::Witnesses,
}

impl History {
    /// Indexes the history of `opts.rev` (default `HEAD`) in `repo`, in one
    /// pass over the reachable commits.
    ///
    /// An unborn `HEAD` (no commits yet) gives an empty history, not an
    /// error. A warm-run cache may be used (see `cache.rs`; disable with
    /// `GOVLINT_NO_CACHE=1`).
    ///
    /// # Errors
    /// [`HistoryError::BadRevision`] when `opts.rev` names no commit; other
    /// variants when objects cannot be read.
    pub fn build(repo: &Repo, opts: &HistoryOptions) -> Result<History, HistoryError> {
        build::build(repo.raw(), opts, cache::dir().as_deref())
    }

    /// [`History::build`] without reading or writing the warm-run cache.
    #[cfg(test)]
    pub(crate) fn build_uncached(
        repo: &git2::Repository,
        opts: &HistoryOptions,
    ) -> Result<History, HistoryError> {
        build::build(repo, opts, None)
    }

    /// Whether the repository is a shallow clone: history before the
    /// boundary commits is missing, and their own changes are unknown.
    #[must_use]
    pub fn is_shallow(&self) -> bool {
        self.shallow
    }

    /// Whether there is no commit at all (unborn `HEAD`).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.commits.is_empty()
    }

    /// The evaluated commit.
    #[must_use]
    pub fn head(&self) -> Option<CommitId> {
        self.head
    }

    /// The commits that changed the file now at `path`, newest first,
    /// following renames backwards (like `git log --follow`).
    #[must_use]
    pub fn changes(&self, path: &str) -> Vec<Change> {
        self.follow(path)
            .into_iter()
            .map(|step| self.change_of(&step))
            .collect()
    }

    /// The blob of the newest change to the file now at `path`: the first
    /// of [`History::changes`], without listing the others (`None`: never
    /// changed, or deleted).
    #[must_use]
    pub fn newest_blob(&self, path: &str) -> Option<BlobId> {
        self.paths.get(path)?.first()?.blob.map(BlobId)
    }

    /// The approvals and reviews of the record `record_id` whose file is now
    /// at `path`, oldest first (by committer or tagger time).
    ///
    /// They come from commits (and annotated tags on commits) that carry
    /// `Approved-by:` / `Reviewed-by:` trailers and either changed the file
    /// (following renames; for a merge: brought a change to it in from a
    /// merged branch) or name the record in `Approves:` / `Reviews:`
    /// (`Approves:` pairs with `Approved-by:`, `Reviews:` with
    /// `Reviewed-by:`). One event per (commit or tag, identity, kind); an
    /// event both ways is `Via::Changed` (or `Via::Tag`) with `record_id`
    /// set.
    #[must_use]
    pub fn events(&self, record_id: &str, path: &str) -> Vec<Event> {
        query::events(self, record_id, path)
    }

    /// Every trailer identity seen, one event per (commit or tag, identity,
    /// kind), for `history/unknown-approver`.
    ///
    /// These events are not tied to one record: `record_id` is the first
    /// record the commit or tag names for that kind (`Approves:` /
    /// `Reviews:`), if any, so that reports have a place to point at;
    /// `blob`, `path_then` and `change_author` are `None`; `via` is `Tag`
    /// for tags, `Named` for commits that name records, else `Changed` with
    /// the first path the commit changed (empty when it changed nothing).
    pub fn all_events(&self) -> impl Iterator<Item = &Event> {
        self.all_events.iter()
    }

    /// Commits whose committer time is strictly earlier than a parent's, in
    /// walk order.
    #[must_use]
    pub fn non_monotonic(&self) -> &[NonMonotonic] {
        &self.non_monotonic
    }

    /// The valid witnesses (SPEC 2.4), in tagger-time order.
    #[must_use]
    pub fn witnesses(&self) -> &[Witness] {
        &self.witnesses.valid
    }

    /// The tags matching `trust.witness_tags` that are no witnesses, by
    /// name (`history/invalid-witness`).
    #[must_use]
    pub fn invalid_witnesses(&self) -> &[InvalidWitness] {
        &self.witnesses.invalid
    }

    /// The landing window of `commit` (SPEC 2.4): `None` when no witness
    /// contains it or it is not in the history.
    #[must_use]
    pub fn landing(&self, commit: CommitId) -> Option<Landing> {
        self.witnesses.landing(*self.by_id.get(&commit.0)?)
    }

    /// The commits that have a landing window, with it, in walk order
    /// (newest first).
    pub fn landings(&self) -> impl Iterator<Item = (&CommitInfo, Landing)> {
        (0u32..)
            .zip(&self.commits)
            .filter_map(|(pos, c)| self.witnesses.landing(pos).map(|l| (c, l)))
    }

    /// The bytes of a blob.
    #[must_use]
    pub fn blob(&self, id: BlobId) -> Option<Vec<u8>> {
        let repo = self.repo.as_ref()?.lock().ok()?;
        let blob = repo.find_blob(id.0).ok()?;
        Some(blob.content().to_vec())
    }

    /// Git's blob id of `bytes`, as `git hash-object` computes it.
    #[must_use]
    pub fn blob_id(bytes: &[u8]) -> BlobId {
        // Hashing needs no repository; it fails only for invalid object types.
        BlobId(
            git2::Oid::hash_object(git2::ObjectType::Blob, bytes).unwrap_or(git2::Oid::ZERO_SHA1),
        )
    }
}
