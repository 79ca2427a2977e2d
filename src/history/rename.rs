//! Rename detection within one commit, as `git log --follow` does it.
//!
//! First exact renames: a deleted path and an added path with the same blob.
//! Then similar renames among the rest, scored like git's `diffcore-delta`:
//! both blobs are cut into chunks (a line, or 64 bytes), chunks are hashed,
//! and the score is the number of bytes of the old file found again in the
//! new one over the larger size. A pair is a rename at ≥ 50 % (git's
//! default `-M50%`); the best pairs win, each path used once. As in git,
//! similarity is skipped when there are too many candidates
//! (`RENAME_LIMIT`, git's `diff.renameLimit` default) or when sizes differ so
//! much that the score cannot reach 50 %.
//!
//! Not done (documented gaps): git's basename-first heuristic and break
//! detection (`-B`), which only change which pair wins in rare ties.

use std::collections::HashMap;

use git2::Oid;

use super::objects::ObjectReader;
use super::treediff::Delta;
use super::ChangeKind;

/// git's `diff.renameLimit` default: at most this many sources × this many
/// destinations are scored.
const RENAME_LIMIT: usize = 1000;
/// Files above this size are never scored for similarity.
const MAX_SCORED_SIZE: usize = 16 << 20;
/// git's `MAX_SCORE` and default minimum score (50 %).
const MAX_SCORE: u64 = 60_000;
const MIN_SCORE: u64 = 30_000;
/// git's `HASHBASE` for chunk hashes.
const HASHBASE: u32 = 107_927;

/// One file changed by a commit, with renames resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FileChange {
    pub(super) path: String,
    pub(super) blob: Option<Oid>,
    pub(super) kind: ChangeKind,
}

/// Turns the deltas of one commit against its only parent into changes,
/// pairing deletions with additions that are renames. Deleted sources stay
/// in the result as deletions (as `git log -- old-path` shows them).
pub(super) fn resolve(deltas: Vec<Delta>, objects: &mut impl ObjectReader) -> Vec<FileChange> {
    let mut deleted: Vec<(usize, Oid)> = Vec::new();
    let mut added: Vec<(usize, Oid)> = Vec::new();
    for (i, d) in deltas.iter().enumerate() {
        match (d.old, d.new) {
            (Some(old), None) => deleted.push((i, old)),
            (None, Some(new)) => added.push((i, new)),
            _ => {}
        }
    }
    let mut renamed_from: HashMap<usize, usize> = HashMap::new();
    if !deleted.is_empty() && !added.is_empty() {
        exact(&deltas, &deleted, &added, &mut renamed_from);
        similar(&deleted, &added, objects, &mut renamed_from);
    }
    let paths: Vec<String> = deltas.iter().map(|d| d.path.clone()).collect();
    deltas
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let kind = match (d.old, d.new, renamed_from.get(&i)) {
                (_, Some(_), Some(&src)) => ChangeKind::Renamed {
                    from: paths[src].clone(),
                },
                (None, _, _) => ChangeKind::Added,
                (_, None, _) => ChangeKind::Deleted,
                _ => ChangeKind::Modified,
            };
            FileChange {
                path: d.path,
                blob: d.new,
                kind,
            }
        })
        .collect()
}

/// Pairs additions with deletions of the same blob, in path order,
/// preferring a source with the same file name (as git does).
fn exact(
    deltas: &[Delta],
    deleted: &[(usize, Oid)],
    added: &[(usize, Oid)],
    pairs: &mut HashMap<usize, usize>,
) {
    let mut by_blob: HashMap<Oid, Vec<usize>> = HashMap::new();
    for &(i, blob) in deleted {
        by_blob.entry(blob).or_default().push(i);
    }
    for &(j, blob) in added {
        let Some(sources) = by_blob.get_mut(&blob) else {
            continue;
        };
        if sources.is_empty() {
            continue;
        }
        let name = file_name(&deltas[j].path);
        let k = sources
            .iter()
            .position(|&i| file_name(&deltas[i].path) == name)
            .unwrap_or(0);
        pairs.insert(j, sources.remove(k));
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Pairs the remaining additions and deletions by content similarity.
fn similar(
    deleted: &[(usize, Oid)],
    added: &[(usize, Oid)],
    objects: &mut impl ObjectReader,
    pairs: &mut HashMap<usize, usize>,
) {
    let used: Vec<usize> = pairs.values().copied().collect();
    let sources: Vec<(usize, Fingerprint)> = deleted
        .iter()
        .filter(|(i, _)| !used.contains(i))
        .filter_map(|&(i, blob)| Fingerprint::of(objects, blob).map(|f| (i, f)))
        .collect();
    let targets: Vec<(usize, Fingerprint)> = added
        .iter()
        .filter(|(j, _)| !pairs.contains_key(j))
        .filter_map(|&(j, blob)| Fingerprint::of(objects, blob).map(|f| (j, f)))
        .collect();
    if sources.is_empty()
        || targets.is_empty()
        || sources.len().saturating_mul(targets.len()) > RENAME_LIMIT * RENAME_LIMIT
    {
        return;
    }
    let mut scored: Vec<(u64, usize, usize)> = Vec::new();
    for (j, dst) in &targets {
        for (i, src) in &sources {
            let score = score(src, dst);
            if score >= MIN_SCORE {
                scored.push((score, *j, *i));
            }
        }
    }
    // Best score first; ties in path order, as the deltas are path-sorted.
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut source_used: Vec<usize> = Vec::new();
    for (_, j, i) in scored {
        if pairs.contains_key(&j) || source_used.contains(&i) {
            continue;
        }
        pairs.insert(j, i);
        source_used.push(i);
    }
}

/// git's similarity score of `src` renamed to `dst` (0..=`MAX_SCORE`).
fn score(src: &Fingerprint, dst: &Fingerprint) -> u64 {
    let max = src.size.max(dst.size) as u64;
    let min = src.size.min(dst.size) as u64;
    if dst.size == 0 || max * (MAX_SCORE - MIN_SCORE) < (max - min) * MAX_SCORE {
        return 0;
    }
    // Both chunk lists are sorted by hash: count the bytes they share.
    let (mut a, mut b, mut copied) = (0, 0, 0u64);
    while a < src.chunks.len() && b < dst.chunks.len() {
        let (ha, ca) = src.chunks[a];
        let (hb, cb) = dst.chunks[b];
        match ha.cmp(&hb) {
            std::cmp::Ordering::Less => a += 1,
            std::cmp::Ordering::Greater => b += 1,
            std::cmp::Ordering::Equal => {
                copied += u64::from(ca.min(cb));
                a += 1;
                b += 1;
            }
        }
    }
    copied * MAX_SCORE / max
}

/// A blob cut into hashed chunks: (hash, bytes) sorted by hash.
struct Fingerprint {
    size: usize,
    chunks: Vec<(u32, u32)>,
}

impl Fingerprint {
    fn of(objects: &mut impl ObjectReader, blob: Oid) -> Option<Fingerprint> {
        let data = objects.blob(blob, MAX_SCORED_SIZE)?;
        Some(Fingerprint::from_bytes(&data))
    }

    /// git's `hash_chars`: chunks end at a newline or after 64 bytes; in
    /// text, the CR of a CRLF is skipped.
    fn from_bytes(data: &[u8]) -> Fingerprint {
        let is_text = !data[..data.len().min(8000)].contains(&0);
        let mut counts: HashMap<u32, u32> = HashMap::new();
        let (mut acc1, mut acc2, mut n) = (0u32, 0u32, 0u32);
        for (k, &c) in data.iter().enumerate() {
            if is_text && c == b'\r' && data.get(k + 1) == Some(&b'\n') {
                continue;
            }
            let old1 = acc1;
            acc1 = (acc1 << 7) ^ (acc2 >> 25);
            acc2 = (acc2 << 7) ^ (old1 >> 25);
            acc1 = acc1.wrapping_add(u32::from(c));
            n += 1;
            if n < 64 && c != b'\n' {
                continue;
            }
            *counts.entry(chunk_hash(acc1, acc2)).or_default() += n;
            (acc1, acc2, n) = (0, 0, 0);
        }
        if n > 0 {
            *counts.entry(chunk_hash(acc1, acc2)).or_default() += n;
        }
        let mut chunks: Vec<(u32, u32)> = counts.into_iter().collect();
        chunks.sort_unstable();
        Fingerprint {
            size: data.len(),
            chunks,
        }
    }
}

fn chunk_hash(acc1: u32, acc2: u32) -> u32 {
    acc1.wrapping_add(acc2.wrapping_mul(0x61)) % HASHBASE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_changed_line_in_ten_is_still_a_rename() {
        let old: String = (0..10)
            .map(|i| format!("line number {i}\n"))
            .collect::<Vec<_>>()
            .concat();
        let new = old.replace("line number 3", "a new third line");
        let s = score(
            &Fingerprint::from_bytes(old.as_bytes()),
            &Fingerprint::from_bytes(new.as_bytes()),
        );
        assert!(s >= MIN_SCORE, "score {s}");
    }

    #[test]
    fn unrelated_content_is_not_a_rename() {
        let a = Fingerprint::from_bytes(b"kind: Person\nid: a\nname: A\n");
        let b = Fingerprint::from_bytes(b"totally\ndifferent\ncontent here\n");
        assert!(score(&a, &b) < MIN_SCORE);
    }

    #[test]
    fn crlf_and_lf_versions_are_identical() {
        let a = Fingerprint::from_bytes(b"one\r\ntwo\r\n");
        let b = Fingerprint::from_bytes(b"one\ntwo\n");
        assert_eq!(a.chunks, b.chunks);
    }
}
