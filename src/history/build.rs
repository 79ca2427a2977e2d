//! The one pass that builds a [`History`]: read the shallow boundary,
//! resolve the revision, take what the warm-run cache holds for an ancestor
//! (`cache.rs`), walk only the commits that are new since (`walk.rs`), store
//! the facts back and assemble them (`index.rs`).
//!
//! The only file of `history` that calls the cache, the walk and the index
//! together; each of them knows only the facts (`facts.rs`).

use std::collections::HashSet;
use std::path::Path;

use git2::{Oid, Repository};

use super::scope::Scope;
use super::walk::{read_shallow, resolve, walk};
use super::{cache, index, witness, History, HistoryError, HistoryOptions};

/// [`History::build`], with the cache folder given (`None`: no cache).
pub(super) fn build(
    repo: &Repository,
    opts: &HistoryOptions,
    cache_dir: Option<&Path>,
) -> Result<History, HistoryError> {
    build_counted(repo, opts, cache_dir).map(|(history, _)| history)
}

/// [`build`], also telling how many commits were walked (not cached).
pub(super) fn build_counted(
    repo: &Repository,
    opts: &HistoryOptions,
    cache_dir: Option<&Path>,
) -> Result<(History, usize), HistoryError> {
    // Objects are read by id from the user's own repository; re-hashing
    // every object costs a third of the walk and guards against nothing
    // that `git fsck` would not. (A process-wide libgit2 setting.)
    git2::opts::strict_hash_verification(false);
    // Each commit is parsed once (and the few signed ones again): libgit2's
    // object cache would only hold them all until the end of the walk.
    git2::opts::enable_caching(false);
    let shallow_file = read_shallow(repo)?;
    let boundaries: HashSet<Oid> = shallow_file
        .lines()
        .filter_map(|l| Oid::from_str(l.trim()).ok())
        .collect();
    let shallow = repo.is_shallow() || !boundaries.is_empty();
    let Some(head) = resolve(repo, opts.rev.as_deref())? else {
        return Ok((
            index::assemble(repo, opts, shallow, None, Vec::new(), None)?,
            0,
        ));
    };

    let key = cache::Key::new(repo, opts, &shallow_file);
    let cached = cache_dir.and_then(|dir| cache::load(dir, &key));
    let (base, old) = match cached {
        Some((base, facts)) if base == head => (Some(base), facts),
        Some((base, facts)) if repo.graph_descendant_of(head, base).unwrap_or(false) => {
            (Some(base), facts)
        }
        _ => (None, Vec::new()),
    };
    let mut facts = walk(repo, opts, head, base, &boundaries, &old)?;
    let (mut base, mut old) = (base, old);
    // A file renamed into the scope by a new commit needs its old path's
    // history, which the cached facts do not hold: walk everything again.
    let scope = Scope::new(&opts.scope);
    if base.is_some()
        && !scope.is_everything()
        && facts
            .iter()
            .any(|f| f.changes.iter().any(|c| scope.renames_in(c)))
    {
        (base, old) = (None, Vec::new());
        facts = walk(repo, opts, head, None, &boundaries, &old)?;
    }
    let walked = facts.len();
    if facts.is_empty() {
        facts = old; // a warm run: no copy of every cached commit
    } else {
        facts.extend(old);
    }
    if let Some(dir) = cache_dir {
        if walked > 0 || base.is_none() {
            // A cache that cannot be written only costs the next run time.
            let _ = cache::store(dir, &key, head, &facts);
        }
    }
    // The witnesses: cached for this very revision and witness key, else
    // verified and marked anew over the facts (no walk).
    let witness_key = witness::key(
        repo,
        &witness::Setting {
            principals: &opts.witnesses,
            pattern: &opts.witness_tags,
        },
    );
    let cached_witnesses = match (cache_dir, witness_key) {
        (Some(dir), Some(wk)) => cache::load_witnesses(dir, &key, head, wk, facts.len()),
        _ => None,
    };
    let reuse = cached_witnesses.is_some();
    let history = index::assemble(repo, opts, shallow, Some(head), facts, cached_witnesses)?;
    if let (Some(dir), Some(wk), false) = (cache_dir, witness_key, reuse) {
        // As for the facts: a cache that cannot be written only costs time.
        let _ = cache::store_witnesses(dir, &key, head, wk, &history.witnesses);
    }
    Ok((history, walked))
}
