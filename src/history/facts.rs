//! What one walk learns about one commit: the facts that `index.rs`
//! assembles into a [`History`](super::History) and that `cache.rs` stores
//! between runs. Below both, and below `walk.rs`, which produces them.

use git2::Oid;

use super::rename::FileChange;
use super::trailer::ApprovalTrailers;

/// What the index needs of one commit; also what the cache stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct CommitFacts {
    pub(super) id: Oid,
    pub(super) tree: Oid,
    pub(super) parents: Vec<Oid>,
    /// A shallow boundary: its parents and its changes are unknown.
    pub(super) boundary: bool,
    /// Name and email as recorded (not mailmapped).
    pub(super) author: (String, String),
    pub(super) committer: (String, String),
    pub(super) time: i64,
    pub(super) offset_minutes: i32,
    pub(super) summary: String,
    pub(super) changes: Vec<FileChange>,
    /// For a merge with approval trailers: the files it brings in, changed
    /// relative to its first parent but not to every parent (its approval
    /// covers them; `changes` does not list them).
    pub(super) merged: Vec<FileChange>,
    /// Set when the message has `Approved-by:` / `Reviewed-by:` trailers.
    pub(super) approval: Option<ApprovalTrailers>,
}

/// Where the allowed-signers file is taken from for one signed object.
#[derive(Debug, Clone, Copy)]
pub(super) enum SignersFrom {
    /// The tree of this commit (first parent, or tagged commit).
    Commit(Oid),
    /// A root commit: there is nothing before it.
    Nothing,
    /// A shallow boundary commit: its parent is not in the clone.
    Missing,
}
