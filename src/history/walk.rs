//! Reading the history: one walk over the commits reachable from the
//! evaluated revision, turned into per-commit facts.
//!
//! 1. A topological walk (children before parents, ties by time) lists every
//!    reachable commit, through all parents of merges. With a warm cache
//!    for an ancestor of the revision, only the commits that are new since
//!    then are walked, and put before the cached ones (still a topological
//!    order: a new commit is never an ancestor of an old one).
//! 2. Each commit is read once: identities, time, message and trailers.
//! 3. Each commit's tree is compared with its parents' trees
//!    (`treediff.rs`):
//!    - a root commit adds its files;
//!    - a shallow boundary commit (listed in `.git/shallow`, parentless to
//!      libgit2) has *unknown* changes and is skipped, never read as adding
//!      every file;
//!    - a one-parent commit gets rename detection (`rename.rs`);
//!    - a merge changes a path only when the path differs from *every*
//!      parent (what the merged branch changed is seen on that branch's own
//!      commits); merges get no rename detection. A merge that carries
//!      approval trailers also keeps the files it brings in (changed
//!      relative to its first parent): its approval covers them, as
//!      reviewing a pull request and merging it approves its changes.
//! 4. Signed commits with approval trailers get their signature checked.
//!
//! `build.rs` runs the walk (after the cache, for only the new commits)
//! and hands the facts to `index.rs`, which assembles them (and the
//! annotated tags) into a [`History`](super::History).

use std::collections::HashSet;

use git2::{ErrorCode, Oid, Repository, Sort};

use super::encoding::{decode, summary};
use super::facts::CommitFacts;
use super::facts::SignersFrom;
use super::objects::{IdMap, ObjectReader, SharedObjects};
use super::rename::{self, FileChange};
use super::signature::Verifier;
use super::trailer;
use super::treediff::{Delta, TreeDiffer};
use super::{ChangeKind, HistoryError, HistoryOptions};

/// The commit `rev` names (default: `HEAD`); `None` for an unborn `HEAD`.
pub(super) fn resolve(repo: &Repository, rev: Option<&str>) -> Result<Option<Oid>, HistoryError> {
    let Some(rev) = rev else {
        return match repo.head() {
            Ok(head) => Ok(Some(head.peel_to_commit()?.id())),
            Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => Ok(None),
            Err(e) => Err(e.into()),
        };
    };
    repo.revparse_single(rev)
        .and_then(|object| object.peel_to_commit())
        .map(|commit| Some(commit.id()))
        .map_err(|source| HistoryError::BadRevision {
            rev: rev.to_owned(),
            source,
        })
}

/// The text of `.git/shallow` (the boundary commits of a shallow clone),
/// empty when the repository is complete.
pub(super) fn read_shallow(repo: &Repository) -> Result<String, HistoryError> {
    let path = repo.commondir().join("shallow");
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(source) => Err(HistoryError::ShallowFile { path, source }),
    }
}

/// The facts of the commits reachable from `head` but not from `base`, in
/// topological order, newest first. `old` holds the facts already known
/// (for the trees of parents outside the walk).
pub(super) fn walk(
    repo: &Repository,
    opts: &HistoryOptions,
    head: Oid,
    base: Option<Oid>,
    boundaries: &HashSet<Oid>,
    old: &[CommitFacts],
) -> Result<Vec<CommitFacts>, HistoryError> {
    let mut walk = repo.revwalk()?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)?;
    walk.push(head)?;
    if let Some(base) = base {
        walk.hide(base)?;
    }
    let order = walk.collect::<Result<Vec<Oid>, _>>()?;
    let mut verifier = Verifier::new(repo, opts.allowed_signers.clone())
        .with_openpgp_keys(opts.openpgp_keys.clone())
        .with_revoked_keys(opts.revoked_keys.clone());
    let mut facts = Vec::with_capacity(order.len());
    for id in order {
        facts.push(read_commit(repo, id, boundaries, &mut verifier)?);
    }
    let trees: IdMap<Oid, Oid> = facts.iter().chain(old).map(|f| (f.id, f.tree)).collect();
    diff_all(repo, &mut facts, &trees)?;
    Ok(facts)
}

fn read_commit(
    repo: &Repository,
    id: Oid,
    boundaries: &HashSet<Oid>,
    verifier: &mut Verifier<'_>,
) -> Result<CommitFacts, HistoryError> {
    let commit = repo
        .find_commit(id)
        .map_err(|source| HistoryError::Object { id, source })?;
    let encoding = commit.message_encoding().ok().flatten();
    let person = |sig: &git2::Signature<'_>| {
        (
            decode(sig.name_bytes(), encoding),
            decode(sig.email_bytes(), encoding),
        )
    };
    let author = commit.author();
    let committer = commit.committer();
    let message = decode(commit.message_raw_bytes(), encoding);
    let parents: Vec<Oid> = commit.parent_ids().collect();
    let boundary = boundaries.contains(&id);
    let time = committer.when().seconds();
    let mut approval = trailer::approval_trailers(&message);
    if let Some(approval) = &mut approval {
        let signed = commit.header_field_bytes("gpgsig").is_ok()
            || commit.header_field_bytes("gpgsig-sha256").is_ok();
        if signed {
            let signers = match parents.first() {
                _ if boundary => SignersFrom::Missing,
                Some(&parent) => SignersFrom::Commit(parent),
                None => SignersFrom::Nothing,
            };
            approval.signature = verifier.commit(id, signers, time);
        }
    }
    Ok(CommitFacts {
        id,
        tree: commit.tree_id(),
        parents,
        boundary,
        author: person(&author),
        committer: person(&committer),
        time,
        offset_minutes: committer.when().offset_minutes(),
        summary: summary(&message),
        changes: Vec::new(),
        merged: Vec::new(),
        approval,
    })
}

/// Fills in every commit's changes, on as many threads as there are cores
/// (at most [`MAX_THREADS`]). Each thread takes a contiguous run of the walk
/// with its own reader and tree cache: within a run a commit's trees, read
/// when its child was diffed, are still cached when the commit itself is.
fn diff_all(
    repo: &Repository,
    facts: &mut [CommitFacts],
    trees: &IdMap<Oid, Oid>,
) -> Result<(), HistoryError> {
    if facts.is_empty() {
        return Ok(());
    }
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_THREADS)
        .min(facts.len().div_ceil(MIN_COMMITS_PER_THREAD));
    let objects = SharedObjects::open(repo);
    let run = facts.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let workers: Vec<_> = facts
            .chunks_mut(run)
            .map(|part| {
                let objects = &objects;
                scope.spawn(move || {
                    let mut differ = TreeDiffer::new(objects.reader());
                    for fact in part {
                        let (changes, merged) = diff_commit(&mut differ, fact, trees)?;
                        fact.changes = changes;
                        if fact.approval.is_some() {
                            fact.merged = merged;
                        }
                    }
                    Ok(())
                })
            })
            .collect();
        workers.into_iter().try_for_each(|w| {
            w.join().unwrap_or_else(|_| {
                Err(HistoryError::Read(git2::Error::from_str(
                    "a thread comparing trees failed",
                )))
            })
        })
    })
}

/// Threads comparing trees at most: the walk is bound by object reads.
const MAX_THREADS: usize = 8;
/// Below this many commits per thread, another thread costs more than it saves.
const MIN_COMMITS_PER_THREAD: usize = 500;

/// The commit's changes, and for a merge the files changed relative to its
/// first parent only.
fn diff_commit(
    differ: &mut TreeDiffer<impl ObjectReader>,
    fact: &CommitFacts,
    trees: &IdMap<Oid, Oid>,
) -> Result<(Vec<FileChange>, Vec<FileChange>), HistoryError> {
    if fact.boundary {
        return Ok((Vec::new(), Vec::new()));
    }
    let mut parent_trees = Vec::with_capacity(fact.parents.len());
    for parent in &fact.parents {
        match trees.get(parent) {
            Some(&tree) => parent_trees.push(tree),
            // A parent outside the walk would be a grafted or broken
            // history: its changes are unknown, as at a shallow boundary.
            None => return Ok((Vec::new(), Vec::new())),
        }
    }
    let mut deltas = Vec::new();
    match parent_trees.as_slice() {
        [] => differ.diff(None, Some(fact.tree), &mut deltas)?,
        [parent] => differ.diff(Some(*parent), Some(fact.tree), &mut deltas)?,
        [first, others @ ..] => {
            differ.diff(Some(*first), Some(fact.tree), &mut deltas)?;
            let mut merged = Vec::new();
            for other in others {
                if deltas.is_empty() {
                    break;
                }
                let mut against = Vec::new();
                differ.diff(Some(*other), Some(fact.tree), &mut against)?;
                let changed: HashSet<&str> = against.iter().map(|d| d.path.as_str()).collect();
                let (keep, brought): (Vec<Delta>, Vec<Delta>) = deltas
                    .into_iter()
                    .partition(|d| changed.contains(d.path.as_str()));
                deltas = keep;
                merged.extend(brought.into_iter().map(plain_change));
            }
            let changes = deltas.into_iter().map(plain_change).collect();
            return Ok((changes, merged));
        }
    }
    Ok((rename::resolve(deltas, differ.objects()), Vec::new()))
}

fn plain_change(d: Delta) -> FileChange {
    let kind = match (d.old, d.new) {
        (None, _) => ChangeKind::Added,
        (_, None) => ChangeKind::Deleted,
        _ => ChangeKind::Modified,
    };
    FileChange {
        path: d.path,
        blob: d.new,
        kind,
    }
}
