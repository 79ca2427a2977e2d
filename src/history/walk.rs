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
//!
//!    Only the paths of the options' scope are compared (`scope.rs`): the
//!    governance folder and the trust files of a larger repository, and the
//!    old paths of files renamed into it.
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
use super::objects::{IdMap, ObjectReader, SharedObjects, ThreadObjects};
use super::rawcommit::{self, RawCommit};
use super::rename::{self, FileChange};
use super::scope::Scope;
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
    if order.is_empty() {
        // Nothing new since the cached base (a warm run): no object
        // database to open, no pack index to read.
        return Ok(Vec::new());
    }
    let objects = SharedObjects::open(repo);
    // Grafts (`info/grafts`) rewrite parents inside libgit2's commit
    // parser: such a repository is read through libgit2 alone.
    let raw = !repo.commondir().join("info/grafts").exists();
    let mut read = read_all(&objects, &order, boundaries, raw)?;
    let mut verifier = Verifier::new(repo, opts.allowed_signers.clone())
        .with_openpgp_keys(opts.openpgp_keys.clone())
        .with_revoked_keys(opts.revoked_keys.clone());
    let mut facts = Vec::with_capacity(read.len());
    for (mut fact, signed) in read.drain(..) {
        if let (Some(approval), true) = (&mut fact.approval, signed) {
            let signers = match fact.parents.first() {
                _ if fact.boundary => SignersFrom::Missing,
                Some(&parent) => SignersFrom::Commit(parent),
                None => SignersFrom::Nothing,
            };
            approval.signature = verifier.commit(fact.id, signers, fact.time);
        }
        facts.push(fact);
    }
    let trees: IdMap<Oid, Oid> = facts.iter().chain(old).map(|f| (f.id, f.tree)).collect();
    // Within the scope; widened to the old paths of files renamed into it
    // (each round may find older renames), at worst to everything.
    let mut scope = Scope::new(&opts.scope);
    for round in 0.. {
        diff_all(&objects, &mut facts, &trees, &scope)?;
        if scope.is_everything() {
            break;
        }
        let sources = super::scope::renamed_in(&objects, &facts, &trees, &scope)?;
        if sources.is_empty() {
            break;
        }
        scope = if round < MAX_SCOPE_ROUNDS {
            scope.with_files(sources)
        } else {
            Scope::default()
        };
    }
    Ok(facts)
}

/// Reads every commit of `order` (in that order), on as many threads as
/// [`diff_all`] uses, each a contiguous run; with whether the commit is
/// signed (its signature is checked afterwards, on one thread, only when
/// the message carries approval trailers).
fn read_all(
    objects: &SharedObjects,
    order: &[Oid],
    boundaries: &HashSet<Oid>,
    raw: bool,
) -> Result<Vec<(CommitFacts, bool)>, HistoryError> {
    if order.is_empty() {
        return Ok(Vec::new()); // (and no run length of zero below)
    }
    let run = order.len().div_ceil(threads_for(order.len()));
    std::thread::scope(|scope| {
        let workers: Vec<_> = order
            .chunks(run)
            .map(|part| {
                scope.spawn(move || {
                    let mut reader = objects.reader();
                    part.iter()
                        .map(|&id| read_commit(&mut reader, id, boundaries, raw))
                        .collect::<Result<Vec<_>, _>>()
                })
            })
            .collect();
        let mut all = Vec::with_capacity(order.len());
        for worker in workers {
            all.extend(joined(worker, "reading commits")?);
        }
        Ok(all)
    })
}

/// One commit's facts (without its signature's verdict) and whether it is
/// signed: parsed from the raw object (`rawcommit.rs`) when it has the
/// common form, else read through libgit2.
fn read_commit(
    objects: &mut ThreadObjects<'_>,
    id: Oid,
    boundaries: &HashSet<Oid>,
    raw: bool,
) -> Result<(CommitFacts, bool), HistoryError> {
    let boundary = boundaries.contains(&id);
    if raw {
        if let Some(data) = objects.commit(id) {
            if let Some(commit) = rawcommit::parse(&data) {
                return Ok(raw_facts(&commit, id, boundary));
            }
        }
    }
    let repo = objects.repo()?;
    let commit = repo
        .find_commit(id)
        .map_err(|source| HistoryError::Object { id, source })?;
    Ok(git2_facts(&commit, id, boundary))
}

pub(super) fn raw_facts(commit: &RawCommit<'_>, id: Oid, boundary: bool) -> (CommitFacts, bool) {
    let encoding = commit.encoding.and_then(|e| std::str::from_utf8(e).ok());
    let person = |p: &rawcommit::Person<'_>| (decode(p.name, encoding), decode(p.email, encoding));
    let message = decode(commit.message, encoding);
    // libgit2 gives a shallow boundary no parents (its shallow grafts).
    let parents = if boundary {
        Vec::new()
    } else {
        commit.parents.clone()
    };
    let facts = CommitFacts {
        id,
        tree: commit.tree,
        parents,
        boundary,
        author: person(&commit.author),
        committer: person(&commit.committer),
        time: commit.committer.seconds,
        offset_minutes: commit.committer.offset_minutes,
        summary: summary(&message),
        changes: Vec::new(),
        merged: Vec::new(),
        approval: trailer::approval_trailers(&message),
    };
    (facts, commit.signed)
}

pub(super) fn git2_facts(
    commit: &git2::Commit<'_>,
    id: Oid,
    boundary: bool,
) -> (CommitFacts, bool) {
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
    let signed = commit.header_field_bytes("gpgsig").is_ok()
        || commit.header_field_bytes("gpgsig-sha256").is_ok();
    let facts = CommitFacts {
        id,
        tree: commit.tree_id(),
        parents: commit.parent_ids().collect(),
        boundary,
        author: person(&author),
        committer: person(&committer),
        time: committer.when().seconds(),
        offset_minutes: committer.when().offset_minutes(),
        summary: summary(&message),
        changes: Vec::new(),
        merged: Vec::new(),
        approval: trailer::approval_trailers(&message),
    };
    (facts, signed)
}

fn threads_for(commits: usize) -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_THREADS)
        .min(commits.div_ceil(MIN_COMMITS_PER_THREAD))
}

/// Fills in every commit's changes, on as many threads as there are cores
/// (at most [`MAX_THREADS`]). Each thread takes a contiguous run of the walk
/// with its own reader and tree cache: within a run a commit's trees, read
/// when its child was diffed, are still cached when the commit itself is.
fn diff_all(
    objects: &SharedObjects,
    facts: &mut [CommitFacts],
    trees: &IdMap<Oid, Oid>,
    paths: &Scope,
) -> Result<(), HistoryError> {
    if facts.is_empty() {
        return Ok(());
    }
    let run = facts.len().div_ceil(threads_for(facts.len()));
    std::thread::scope(|scope| {
        let workers: Vec<_> = facts
            .chunks_mut(run)
            .map(|part| {
                scope.spawn(move || {
                    let mut differ = TreeDiffer::new(objects.reader()).with_scope(paths.clone());
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
        workers
            .into_iter()
            .try_for_each(|w| joined(w, "comparing trees"))
    })
}

/// A worker's result; a worker that panicked (`doing` what) is an error.
fn joined<T>(
    worker: std::thread::ScopedJoinHandle<'_, Result<T, HistoryError>>,
    doing: &str,
) -> Result<T, HistoryError> {
    worker.join().unwrap_or_else(|_| {
        Err(HistoryError::Read(git2::Error::from_str(&format!(
            "a thread {doing} failed"
        ))))
    })
}

/// Times the scope is widened to older paths before it becomes everything.
const MAX_SCOPE_ROUNDS: usize = 8;
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
