//! Building the index: one walk over the commits reachable from the
//! evaluated revision.
//!
//! 1. A topological walk (children before parents, ties by time) lists every
//!    reachable commit, through all parents of merges.
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
//!      commits); merges get no rename detection.
//! 4. Annotated tags under `refs/tags/` on walked commits are read for
//!    trailers and signatures.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;

use git2::{ErrorCode, Oid, Repository, Sort};

use super::encoding::{decode, split_identity, summary};
use super::rename::{self, FileChange};
use super::signature::{SignersFrom, Verifier};
use super::treediff::{Delta, TreeDiffer};
use super::{
    trailer, ChangeKind, CommitId, CommitInfo, EventKind, History, HistoryError, HistoryOptions,
    Identity, NonMonotonic, SignatureStatus,
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

/// The approval trailers of one commit or tag.
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

/// A commit as read in step 2.
struct RawCommit {
    id: Oid,
    tree: Oid,
    parents: Vec<Oid>,
    boundary: bool,
    author: (String, String),
    committer: (String, String),
    time: i64,
    offset_minutes: i32,
    message: String,
    signed: bool,
}

pub(super) fn build(repo: &Repository, opts: &HistoryOptions) -> Result<History, HistoryError> {
    // Objects are read by id from the user's own repository; re-hashing
    // every object costs a third of the walk and guards against nothing
    // that `git fsck` would not.
    git2::opts::strict_hash_verification(false);
    let boundaries = read_shallow(repo)?;
    let shallow = repo.is_shallow() || !boundaries.is_empty();
    let own = Repository::open(repo.path())?;
    let mut history = History {
        repo: Some(Mutex::new(own)),
        shallow,
        head: None,
        commits: Vec::new(),
        by_id: HashMap::new(),
        paths: HashMap::new(),
        attestations: Vec::new(),
        commit_attestation: HashMap::new(),
        tag_attestations: HashMap::new(),
        named: HashMap::new(),
        all_events: Vec::new(),
        non_monotonic: Vec::new(),
    };
    let Some(head) = resolve(repo, opts.rev.as_deref())? else {
        return Ok(history);
    };
    history.head = Some(CommitId(head));

    let mut walk = repo.revwalk()?;
    walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)?;
    walk.push(head)?;
    let order = walk.collect::<Result<Vec<Oid>, _>>()?;
    let by_id: HashMap<Oid, u32> = order.iter().zip(0u32..).map(|(id, pos)| (*id, pos)).collect();
    let raws = order
        .iter()
        .map(|&id| read_commit(repo, id, &boundaries))
        .collect::<Result<Vec<_>, _>>()?;
    let changes = diff_all(repo, &raws, &by_id)?;

    let mut mailmap = Mailmapper::new(repo, head);
    history.commits = raws.iter().map(|raw| commit_info(raw, &mut mailmap)).collect();
    for (pos, file_changes) in (0u32..).zip(&changes) {
        for change in file_changes {
            history.paths.entry(change.path.clone()).or_default().push(PathChange {
                pos,
                blob: change.blob,
                kind: change.kind.clone(),
            });
        }
    }
    history.non_monotonic = non_monotonic(&raws, &by_id, &history.commits);
    history.by_id = by_id;

    let mut verifier = Verifier::new(repo, opts.allowed_signers.clone());
    for (pos, raw) in (0u32..).zip(&raws) {
        let Some(mut att) = attestation(pos, &raw.message, &mut mailmap) else {
            continue;
        };
        if raw.signed {
            let signers = match raw.parents.first() {
                _ if raw.boundary => SignersFrom::Missing,
                Some(&parent) => SignersFrom::Commit(parent),
                None => SignersFrom::Nothing,
            };
            att.signature = verifier.commit(raw.id, signers, raw.time);
        }
        let first_path = changes[pos as usize].first().map(|c| c.path.clone());
        history.add_attestation(att, first_path);
    }
    for att in tags::read(repo, &history.by_id, &mut mailmap, &mut verifier)? {
        history.add_attestation(att, None);
    }
    Ok(history)
}

/// The commit `rev` names (default: `HEAD`); `None` for an unborn `HEAD`.
fn resolve(repo: &Repository, rev: Option<&str>) -> Result<Option<Oid>, HistoryError> {
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

/// The boundary commits of a shallow clone (`.git/shallow`).
fn read_shallow(repo: &Repository) -> Result<HashSet<Oid>, HistoryError> {
    let path = repo.commondir().join("shallow");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashSet::new()),
        Err(source) => return Err(HistoryError::ShallowFile { path, source }),
    };
    Ok(text.lines().filter_map(|l| Oid::from_str(l.trim()).ok()).collect())
}

fn read_commit(repo: &Repository, id: Oid, boundaries: &HashSet<Oid>) -> Result<RawCommit, HistoryError> {
    let commit = repo
        .find_commit(id)
        .map_err(|source| HistoryError::Object { id, source })?;
    let encoding = commit.message_encoding().ok().flatten();
    let person = |sig: &git2::Signature<'_>| (decode(sig.name_bytes(), encoding), decode(sig.email_bytes(), encoding));
    let author = commit.author();
    let committer = commit.committer();
    let signed = commit.header_field_bytes("gpgsig").is_ok() || commit.header_field_bytes("gpgsig-sha256").is_ok();
    Ok(RawCommit {
        id,
        tree: commit.tree_id(),
        parents: commit.parent_ids().collect(),
        boundary: boundaries.contains(&id),
        author: person(&author),
        committer: person(&committer),
        time: committer.when().seconds(),
        offset_minutes: committer.when().offset_minutes(),
        message: decode(commit.message_raw_bytes(), encoding),
        signed,
    })
}

/// Step 3 for every commit, in walk order: a commit's trees, read when its
/// child is diffed, are still cached when the commit itself is diffed.
///
/// Not parallel on purpose: libgit2 serialises reads of one pack file
/// behind a per-pack lock (its delta-base cache), and two threads diffing
/// the bench repository were two to three times *slower* than one.
fn diff_all(repo: &Repository, raws: &[RawCommit], by_id: &HashMap<Oid, u32>) -> Result<Vec<Vec<FileChange>>, HistoryError> {
    let odb = repo.odb()?;
    let mut differ = TreeDiffer::new(&odb);
    raws.iter()
        .map(|raw| diff_commit(&mut differ, raw, raws, by_id))
        .collect()
}

fn diff_commit(
    differ: &mut TreeDiffer<'_, '_>,
    raw: &RawCommit,
    raws: &[RawCommit],
    by_id: &HashMap<Oid, u32>,
) -> Result<Vec<FileChange>, HistoryError> {
    if raw.boundary {
        return Ok(Vec::new());
    }
    let mut parent_trees = Vec::with_capacity(raw.parents.len());
    for parent in &raw.parents {
        match by_id.get(parent) {
            Some(&pos) => parent_trees.push(raws[pos as usize].tree),
            // A parent outside the walk would be a grafted or broken
            // history: its changes are unknown, as at a shallow boundary.
            None => return Ok(Vec::new()),
        }
    }
    let mut deltas = Vec::new();
    match parent_trees.as_slice() {
        [] => differ.diff(None, Some(raw.tree), &mut deltas)?,
        [parent] => differ.diff(Some(*parent), Some(raw.tree), &mut deltas)?,
        [first, others @ ..] => {
            differ.diff(Some(*first), Some(raw.tree), &mut deltas)?;
            for other in others {
                if deltas.is_empty() {
                    break;
                }
                let mut against = Vec::new();
                differ.diff(Some(*other), Some(raw.tree), &mut against)?;
                let changed: HashSet<&str> = against.iter().map(|d| d.path.as_str()).collect();
                deltas.retain(|d: &Delta| changed.contains(d.path.as_str()));
            }
            return Ok(deltas.into_iter().map(plain_change).collect());
        }
    }
    Ok(rename::resolve(deltas, differ.odb()))
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

fn commit_info(raw: &RawCommit, mailmap: &mut Mailmapper) -> CommitInfo {
    CommitInfo {
        id: CommitId(raw.id),
        summary: summary(&raw.message),
        author: mailmap.resolve(&raw.author.0, &raw.author.1),
        committer: mailmap.resolve(&raw.committer.0, &raw.committer.1),
        time: raw.time,
        offset_minutes: raw.offset_minutes,
        forge: is_forge(&raw.committer.1),
    }
}

pub(super) fn is_forge(raw_email: &str) -> bool {
    FORGE_EMAILS.iter().any(|f| f.eq_ignore_ascii_case(raw_email.trim()))
}

fn non_monotonic(raws: &[RawCommit], by_id: &HashMap<Oid, u32>, infos: &[CommitInfo]) -> Vec<NonMonotonic> {
    let mut out = Vec::new();
    for (pos, raw) in raws.iter().enumerate() {
        for parent in &raw.parents {
            if let Some(&p) = by_id.get(parent) {
                if raw.time < raws[p as usize].time {
                    out.push(NonMonotonic {
                        commit: infos[pos].clone(),
                        parent: infos[p as usize].clone(),
                    });
                }
            }
        }
    }
    out
}

/// The approval trailers of a message, if it has an `Approved-by:` or
/// `Reviewed-by:` trailer. The signature is left `Unsigned`.
pub(super) fn attestation(pos: u32, message: &str, mailmap: &mut Mailmapper) -> Option<Attestation> {
    let mut att = Attestation {
        pos,
        tag: None,
        who: Vec::new(),
        approves: Vec::new(),
        reviews: Vec::new(),
        signature: SignatureStatus::Unsigned,
    };
    for t in trailer::parse(message) {
        let key = t.key.to_ascii_lowercase();
        let kind = match key.as_str() {
            "approved-by" => EventKind::Approval,
            "reviewed-by" => EventKind::Review,
            "approves" | "reviews" => {
                let ids = if key == "approves" { &mut att.approves } else { &mut att.reviews };
                for id in t.value.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()) {
                    if !ids.iter().any(|known| known == id) {
                        ids.push(id.to_owned());
                    }
                }
                continue;
            }
            _ => continue,
        };
        let (name, email) = split_identity(&t.value);
        let who = mailmap.resolve(&name, &email);
        let duplicate = att.who.iter().any(|(k, w)| {
            *k == kind && w.raw_email.eq_ignore_ascii_case(&who.raw_email) && (!who.raw_email.is_empty() || w.name == who.name)
        });
        if !duplicate {
            att.who.push((kind, who));
        }
    }
    (!att.who.is_empty()).then_some(att)
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
            .and_then(|blob| git2::Mailmap::from_buffer(&String::from_utf8_lossy(blob.content())).ok());
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
        let probe_name = if name.trim().is_empty() { PLACEHOLDER } else { name };
        let probe_email = if email.trim().is_empty() { PLACEHOLDER } else { email };
        let signature = git2::Signature::new(probe_name, probe_email, &git2::Time::new(0, 0)).ok()?;
        let mapped = map.resolve_signature(&signature).ok()?;
        let text = |bytes: &[u8], original: &str| {
            let s = String::from_utf8_lossy(bytes).into_owned();
            if s == PLACEHOLDER {
                original.to_owned()
            } else {
                s
            }
        };
        Some((text(mapped.name_bytes(), name), text(mapped.email_bytes(), email)))
    }
}
