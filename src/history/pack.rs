//! Objects read straight from pack files, by any number of threads at once.
//!
//! The cold walk reads every tree of the history once. libgit2 serialises
//! pack reads between threads (two threads cost twice the CPU of one and
//! finish no sooner), and gitoxide re-inflates a delta chain's full base on
//! every read that ends on it; so the walk reads packs itself, as git does:
//! an entry is found through the pack's `.idx` (version 2), inflated with
//! zlib, and its delta chain applied over the nearest base in a per-thread
//! cache that keeps every object a chain resolved (git's delta base cache).
//! Files are read with positioned reads, so threads share nothing mutable;
//! each thread keeps the blocks it read ([`Blocks`]), as git maps windows of
//! a pack rather than reading entry by entry.
//!
//! Anything else (loose objects, an unknown pack format, a pack that
//! changed under us) is read through libgit2 instead: this module is a
//! fast path, never the only path.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use git2::Oid;

use super::objects::IdMap;

const IDX_MAGIC: [u8; 4] = [0xff, b't', b'O', b'c'];
const OID_LEN: usize = 20;
const FANOUT_END: usize = 8 + 256 * 4;
/// Pack entry types (git's `object_type`).
const OBJ_COMMIT: u8 = 1;
const OBJ_TREE: u8 = 2;
const OBJ_OFS_DELTA: u8 = 6;
const OBJ_REF_DELTA: u8 = 7;
/// Longest delta chain followed; git's own packs stay under 50 by default
/// and 4095 is git's hard limit.
const MAX_CHAIN: usize = 10_000;

/// What a pack read yields: an object's type (git's numbering) and content.
pub(super) type Object = (u8, Rc<Vec<u8>>);

/// The packs of one repository (and its alternates), shared by threads.
pub(super) struct Packs {
    packs: Vec<Pack>,
}

struct Pack {
    file: File,
    /// The whole `.idx` file.
    idx: Vec<u8>,
    count: usize,
    /// Every entry's offset, sorted: where an entry's data ends.
    ends: Vec<u64>,
    /// Where the trailing checksum starts.
    data_end: u64,
}

impl Packs {
    /// The packs under `objects` (a repository's object folder) and under
    /// the folders its `info/alternates` names. Packs that cannot be read
    /// are left out (their objects are read through libgit2).
    pub(super) fn open(objects: &Path) -> Packs {
        let mut dirs = vec![objects.to_path_buf()];
        if let Ok(text) = std::fs::read_to_string(objects.join("info/alternates")) {
            for line in text.lines().map(str::trim) {
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                dirs.push(objects.join(line));
            }
        }
        let mut packs = Vec::new();
        for dir in dirs {
            let Ok(entries) = std::fs::read_dir(dir.join("pack")) else {
                continue;
            };
            let mut idx_files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "idx"))
                .collect();
            idx_files.sort();
            packs.extend(idx_files.iter().filter_map(|p| Pack::open(p)));
        }
        Packs { packs }
    }

    /// A reader for one thread.
    pub(super) fn reader(&self) -> PackReader<'_> {
        PackReader {
            packs: self,
            cache: BaseCache::default(),
            blocks: Blocks::default(),
            inflater: flate2::Decompress::new(true),
            buf: Vec::new(),
        }
    }

    fn find(&self, id: Oid) -> Option<(usize, u64)> {
        self.packs
            .iter()
            .enumerate()
            .find_map(|(i, p)| p.find(id.as_bytes()).map(|off| (i, off)))
    }
}

impl Pack {
    fn open(idx_path: &Path) -> Option<Pack> {
        let idx = std::fs::read(idx_path).ok()?;
        if idx.len() < FANOUT_END || idx[..4] != IDX_MAGIC || be32(&idx, 4)? != 2 {
            return None;
        }
        let count = be32(&idx, FANOUT_END - 4)? as usize;
        // Names, CRCs and 4-byte offsets, then the large offsets and the two
        // trailing checksums.
        let small = FANOUT_END + count * (OID_LEN + 8);
        if idx.len() < small + 2 * OID_LEN {
            return None;
        }
        let file = File::open(idx_path.with_extension("pack")).ok()?;
        let pack_len = file.metadata().ok()?.len();
        let data_end = pack_len.checked_sub(OID_LEN as u64)?;
        let mut pack = Pack {
            file,
            idx,
            count,
            ends: Vec::new(),
            data_end,
        };
        let mut ends = Vec::with_capacity(count);
        for i in 0..count {
            ends.push(pack.offset_at(i)?);
        }
        ends.sort_unstable();
        pack.ends = ends;
        Some(pack)
    }

    /// The offset of the entry `id`, by binary search within its fan-out
    /// bucket.
    fn find(&self, id: &[u8]) -> Option<u64> {
        let first = usize::from(*id.first()?);
        let lo = if first == 0 {
            0
        } else {
            be32(&self.idx, 8 + (first - 1) * 4)? as usize
        };
        let hi = be32(&self.idx, 8 + first * 4)? as usize;
        let names = self
            .idx
            .get(FANOUT_END..FANOUT_END + self.count * OID_LEN)?;
        let (mut lo, mut hi) = (lo, hi.min(self.count));
        while lo < hi {
            let mid = (lo + hi) / 2;
            match names[mid * OID_LEN..(mid + 1) * OID_LEN].cmp(id) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return self.offset_at(mid),
            }
        }
        None
    }

    fn offset_at(&self, i: usize) -> Option<u64> {
        let offsets = FANOUT_END + self.count * (OID_LEN + 4);
        let small = be32(&self.idx, offsets + i * 4)?;
        if small & 0x8000_0000 == 0 {
            return Some(u64::from(small));
        }
        let large = offsets + self.count * 4 + (small & 0x7fff_ffff) as usize * 8;
        let bytes = self.idx.get(large..large + 8)?;
        Some(u64::from_be_bytes(bytes.try_into().ok()?))
    }

    /// Where the entry at `offset` ends (the next entry or the checksum).
    fn end_of(&self, offset: u64) -> u64 {
        let next = self.ends.partition_point(|&o| o <= offset);
        self.ends.get(next).copied().unwrap_or(self.data_end)
    }

    fn read_at(&self, buf: &mut [u8], offset: u64) -> bool {
        read_exact_at(&self.file, buf, offset).is_ok()
    }

    /// The file's length: the data and the trailing checksum.
    fn len(&self) -> u64 {
        self.data_end + OID_LEN as u64
    }
}

/// Pack bytes one thread has read, in aligned blocks of [`BLOCK`] bytes,
/// bounded as [`BaseCache`] is (two generations).
///
/// A cold walk reads about five entries per commit, each a header and then
/// its data; one positioned read for each was two million system calls on
/// a 100,000-commit history, more time than inflating the entries. Entries
/// near each other in the pack are read near each other in time (a commit's
/// trees, a delta and its base), so a block serves many of them.
#[derive(Default)]
struct Blocks {
    young: IdMap<(usize, u64), Box<[u8]>>,
    old: IdMap<(usize, u64), Box<[u8]>>,
    /// Whole blocks dropped from the cache, to read into again: fresh
    /// memory for each block was a tenth of the walk's page faults.
    spare: Vec<Box<[u8]>>,
}

/// Bytes per block: the pack window is read in pieces this size.
const BLOCK: u64 = 64 << 10;
/// Blocks one thread keeps (8 MiB in all; git maps up to 1 GiB per pack). Half
/// as many read the 100,000-commit bench pack 18 times as often.
const BLOCKS_KEPT: usize = 128;
/// Reads larger than this bypass the blocks: a big entry would push out
/// what many small ones share.
const DIRECT_READ: usize = 4 * BLOCK as usize;

impl Blocks {
    /// Fills `buf` with the bytes of `pack` from `offset`; `false` when the
    /// file is shorter or cannot be read.
    fn read(&mut self, pack: &Pack, index: usize, buf: &mut [u8], offset: u64) -> bool {
        if buf.len() > DIRECT_READ {
            return pack.read_at(buf, offset);
        }
        let mut done = 0;
        while done < buf.len() {
            let at = offset + done as u64;
            let Some(block) = self.block(pack, index, at / BLOCK) else {
                return false;
            };
            let start = (at % BLOCK) as usize;
            let Some(bytes) = block.get(start..) else {
                return false;
            };
            if bytes.is_empty() {
                return false;
            }
            let n = bytes.len().min(buf.len() - done);
            buf[done..done + n].copy_from_slice(&bytes[..n]);
            done += n;
        }
        true
    }

    /// Block `number` of `pack` (shorter at the end of the file).
    fn block(&mut self, pack: &Pack, index: usize, number: u64) -> Option<&[u8]> {
        let key = (index, number);
        if !self.young.contains_key(&key) {
            let block = match self.old.remove(&key) {
                Some(block) => block,
                None => {
                    let start = number.checked_mul(BLOCK)?;
                    let len = pack.len().checked_sub(start)?.min(BLOCK) as usize;
                    let mut block = match self.spare.pop() {
                        Some(spare) if len == BLOCK as usize => spare,
                        _ => vec![0; len].into_boxed_slice(),
                    };
                    if !pack.read_at(&mut block, start) {
                        return None;
                    }
                    block
                }
            };
            if self.young.len() >= BLOCKS_KEPT / 2 {
                let dropped = std::mem::replace(&mut self.old, std::mem::take(&mut self.young));
                self.spare.extend(
                    dropped
                        .into_values()
                        .filter(|block| block.len() == BLOCK as usize),
                );
            }
            self.young.insert(key, block);
        }
        self.young.get(&key).map(|block| &block[..])
    }
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, offset)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

fn be32(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

/// One thread's reads: its own inflater, buffer and delta base cache.
pub(super) struct PackReader<'p> {
    packs: &'p Packs,
    cache: BaseCache,
    blocks: Blocks,
    inflater: flate2::Decompress,
    buf: Vec<u8>,
}

/// A pack entry's header.
struct Header {
    kind: u8,
    size: usize,
    /// Where the compressed data starts.
    data: u64,
    base: Base,
}

enum Base {
    None,
    Offset(u64),
    Id(Oid),
}

impl PackReader<'_> {
    /// Tree `id` from the packs; `None` when no pack holds it as a
    /// readable tree (the caller then asks libgit2).
    pub(super) fn tree(&mut self, id: Oid) -> Option<Rc<Vec<u8>>> {
        let (pack, offset) = self.packs.find(id)?;
        match self.object(pack, offset, 0, true)? {
            (OBJ_TREE, data) => Some(data),
            _ => None,
        }
    }

    /// Commit `id` from the packs, as [`tree`](Self::tree) reads trees.
    /// The commit itself is not kept in the cache: each is read once, and
    /// it would push out the trees' delta bases.
    pub(super) fn commit(&mut self, id: Oid) -> Option<Rc<Vec<u8>>> {
        let (pack, offset) = self.packs.find(id)?;
        match self.object(pack, offset, 0, false)? {
            (OBJ_COMMIT, data) => Some(data),
            _ => None,
        }
    }

    /// The object at `offset` in pack `pack`, its delta chain applied;
    /// kept in the cache (as every base on its chain is) when `keep`.
    fn object(&mut self, pack: usize, offset: u64, depth: usize, keep: bool) -> Option<Object> {
        let mut chain: Vec<(u64, Header)> = Vec::new();
        let mut at = offset;
        let (kind, mut data) = loop {
            let hit = if chain.is_empty() {
                self.cache.take(pack, at)
            } else {
                self.cache.get(pack, at)
            };
            if let Some(hit) = hit {
                break hit;
            }
            let header = self.header(pack, at)?;
            match header.base {
                Base::None => {
                    let data = Rc::new(self.inflate(pack, &header)?);
                    if chain.is_empty() && !keep {
                        return Some((header.kind, data));
                    }
                    self.cache.put(pack, at, (header.kind, Rc::clone(&data)));
                    break (header.kind, data);
                }
                Base::Offset(base) => {
                    chain.push((at, header));
                    at = base;
                }
                Base::Id(base) => {
                    // A thin pack's base, possibly in another pack.
                    let (base_pack, base_at) = self.packs.find(base)?;
                    if depth > 8 {
                        return None;
                    }
                    let found = self.object(base_pack, base_at, depth + 1, true)?;
                    chain.push((at, header));
                    break found;
                }
            }
            if chain.len() > MAX_CHAIN {
                return None;
            }
        };
        let steps = chain.len();
        while let Some((at, header)) = chain.pop() {
            let delta = self.inflate(pack, &header)?;
            data = Rc::new(apply_delta(&data, &delta)?);
            // `step` counts from the base (1) to the object asked for.
            let step = steps - chain.len();
            if keeps(step, steps, keep) {
                self.cache.put(pack, at, (kind, Rc::clone(&data)));
            }
        }
        Some((kind, data))
    }

    fn header(&mut self, pack: usize, at: u64) -> Option<Header> {
        let p = &self.packs.packs[pack];
        let mut raw = [0u8; 32];
        let len = (p.end_of(at).saturating_sub(at)).min(raw.len() as u64) as usize;
        if !self.blocks.read(p, pack, &mut raw[..len], at) {
            return None;
        }
        let mut bytes = raw[..len].iter().copied();
        let mut c = bytes.next()?;
        let kind = (c >> 4) & 7;
        let mut size = usize::from(c & 15);
        let mut shift = 4;
        while c & 0x80 != 0 {
            c = bytes.next()?;
            if shift > 56 {
                return None;
            }
            size |= usize::from(c & 0x7f) << shift;
            shift += 7;
        }
        let base = match kind {
            OBJ_OFS_DELTA => {
                let mut c = bytes.next()?;
                let mut back = u64::from(c & 0x7f);
                while c & 0x80 != 0 {
                    c = bytes.next()?;
                    back = back.checked_add(1)?.checked_mul(128)? | u64::from(c & 0x7f);
                }
                Base::Offset(at.checked_sub(back).filter(|_| back > 0)?)
            }
            OBJ_REF_DELTA => {
                let id: Vec<u8> = bytes.by_ref().take(OID_LEN).collect();
                Base::Id(Oid::from_bytes(&id).ok()?)
            }
            1..=4 => Base::None,
            _ => return None,
        };
        let consumed = len - bytes.len();
        Some(Header {
            kind,
            size,
            data: at + consumed as u64,
            base,
        })
    }

    /// Inflates the entry's data: exactly `header.size` bytes.
    fn inflate(&mut self, pack: usize, header: &Header) -> Option<Vec<u8>> {
        let p = &self.packs.packs[pack];
        let end = p.end_of(header.data.saturating_sub(1));
        let len = usize::try_from(end.checked_sub(header.data)?).ok()?;
        self.buf.resize(len, 0);
        if !self.blocks.read(p, pack, &mut self.buf, header.data) {
            return None;
        }
        let mut out = Vec::with_capacity(header.size);
        self.inflater.reset(true);
        let status = self
            .inflater
            .decompress_vec(&self.buf, &mut out, flate2::FlushDecompress::Finish)
            .ok()?;
        (status == flate2::Status::StreamEnd && out.len() == header.size).then_some(out)
    }
}

/// Which results of a delta chain of `steps` applications the cache keeps
/// (`step` 1 is applied on the base, `steps` gives the object asked for;
/// `keep`: whether that one is kept).
///
/// A walk from the newest commit reads the versions of one tree newest
/// first, and git often stores them as one long chain whose base is the
/// oldest: the first read applies the whole chain, and each later read
/// asks for the next object down. Keeping every result costs the chain's
/// length times the tree's size (50 versions of a 200 KB tree: 10 MB, for
/// each such folder), more than the cache holds, and then every read
/// re-applies the chain from its base. So a long chain keeps the results
/// next in line (the top [`CHECKPOINT`] steps) and one in every
/// [`CHECKPOINT`] below (from which a later read re-applies at most that
/// many deltas): about `steps / CHECKPOINT + CHECKPOINT` objects, and each
/// object is built at most twice.
fn keeps(step: usize, steps: usize, keep: bool) -> bool {
    if step == steps {
        return keep;
    }
    steps - step < CHECKPOINT || step % CHECKPOINT == 0
}

/// See [`keeps`]: git's chains are at most 50 long by default.
const CHECKPOINT: usize = 10;

/// git's delta format: the base's size, the result's size, then copy
/// (from the base) and insert (literal) instructions.
fn apply_delta(base: &[u8], delta: &[u8]) -> Option<Vec<u8>> {
    let mut rest = delta;
    let base_size = varint(&mut rest)?;
    let size = varint(&mut rest)?;
    if base_size != base.len() {
        return None;
    }
    let mut out = Vec::with_capacity(size);
    while let Some((&op, tail)) = rest.split_first() {
        rest = tail;
        if op & 0x80 != 0 {
            let mut field = |bits: u8, bytes: usize| -> Option<usize> {
                let mut value = 0usize;
                for i in 0..bytes {
                    if op & (bits << i) != 0 {
                        let (&b, tail) = rest.split_first()?;
                        rest = tail;
                        value |= usize::from(b) << (8 * i);
                    }
                }
                Some(value)
            };
            let offset = field(0x01, 4)?;
            let len = match field(0x10, 3)? {
                0 => 0x10000,
                n => n,
            };
            out.extend_from_slice(base.get(offset..offset.checked_add(len)?)?);
        } else if op != 0 {
            let len = usize::from(op);
            out.extend_from_slice(rest.get(..len)?);
            rest = &rest[len..];
        } else {
            return None;
        }
    }
    (out.len() == size).then_some(out)
}

fn varint(data: &mut &[u8]) -> Option<usize> {
    let mut value = 0usize;
    let mut shift = 0;
    loop {
        let (&b, tail) = data.split_first()?;
        *data = tail;
        if shift > 56 {
            return None;
        }
        value |= usize::from(b & 0x7f) << shift;
        shift += 7;
        if b & 0x80 == 0 {
            return Some(value);
        }
    }
}

/// Resolved objects by (pack, offset), bounded: two generations, the older
/// dropped when the newer fills half the budget (or both the whole), so
/// what a chain needs again soon is still there (a cheap
/// least-recently-used). An object read for itself, not as a base, moves
/// to the older generation: it goes first.
#[derive(Default)]
struct BaseCache {
    young: IdMap<(usize, u64), Object>,
    old: IdMap<(usize, u64), Object>,
    young_bytes: usize,
    old_bytes: usize,
}

/// Bytes of resolved objects one thread keeps (git: 96 MiB for the process).
const CACHE_BYTES: usize = 32 << 20;

impl BaseCache {
    /// A base for a delta chain.
    fn get(&mut self, pack: usize, at: u64) -> Option<Object> {
        if let Some((kind, data)) = self.young.get(&(pack, at)) {
            return Some((*kind, Rc::clone(data)));
        }
        let hit = self.old.remove(&(pack, at))?;
        self.old_bytes -= hit.1.len();
        self.put(pack, at, (hit.0, Rc::clone(&hit.1)));
        Some(hit)
    }

    /// The object asked for itself: a newest-first walk seldom needs it
    /// again (the tree differ keeps what it reads), and in a chain stored
    /// oldest-first it is the base of nothing still to come.
    fn take(&mut self, pack: usize, at: u64) -> Option<Object> {
        if let Some((kind, data)) = self.old.get(&(pack, at)) {
            return Some((*kind, Rc::clone(data)));
        }
        let hit = self.young.remove(&(pack, at))?;
        self.young_bytes -= hit.1.len();
        self.old_bytes += hit.1.len();
        self.old.insert((pack, at), (hit.0, Rc::clone(&hit.1)));
        Some(hit)
    }

    fn put(&mut self, pack: usize, at: u64, object: Object) {
        self.young_bytes += object.1.len();
        self.young.insert((pack, at), object);
        if self.young_bytes > CACHE_BYTES / 2 || self.young_bytes + self.old_bytes > CACHE_BYTES {
            self.old = std::mem::take(&mut self.young);
            self.old_bytes = self.young_bytes;
            self.young_bytes = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::testing::TestRepo;

    /// A pack of `bytes`, as [`Blocks`] reads it (no index: nothing is
    /// looked up by id).
    fn pack_of(dir: &Path, bytes: &[u8]) -> Pack {
        let path = dir.join("p.pack");
        std::fs::write(&path, bytes).unwrap();
        Pack {
            file: File::open(&path).unwrap(),
            idx: Vec::new(),
            count: 0,
            ends: Vec::new(),
            data_end: bytes.len() as u64 - OID_LEN as u64,
        }
    }

    #[test]
    fn block_reads_give_the_file_bytes_across_blocks_and_evictions() {
        let dir = tempfile::tempdir().unwrap();
        // Just over BLOCKS_KEPT blocks, so early blocks are evicted and
        // read again; a byte pattern that differs from block to block.
        let len = (BLOCKS_KEPT as u64 + 3) * BLOCK + 1234;
        let bytes: Vec<u8> = (0..len).map(|i| ((i % 251) ^ (i / BLOCK)) as u8).collect();
        let pack = pack_of(dir.path(), &bytes);
        let mut blocks = Blocks::default();
        let block = BLOCK as usize;
        let mut reads = vec![
            (0, 32),
            (block - 5, 10),
            (3 * block - 1, 2 * block + 2),
            (bytes.len() - 7, 7),
            (block + 17, DIRECT_READ + 1),
        ];
        // Every block once, then the first ones again after their eviction.
        reads.extend((0..bytes.len() / block).map(|n| (n * block + 3, 40)));
        reads.extend([(5, 100), (block, block)]);
        for (at, n) in reads {
            let mut buf = vec![0; n];
            assert!(
                blocks.read(&pack, 0, &mut buf, at as u64),
                "read {n} at {at}"
            );
            assert_eq!(buf, bytes[at..at + n], "read {n} at {at}");
        }
        for (at, n) in [
            (bytes.len() - 7, 8),
            (bytes.len(), 1),
            (bytes.len() + BLOCK as usize, 1),
        ] {
            let mut buf = vec![0; n];
            assert!(
                !blocks.read(&pack, 0, &mut buf, at as u64),
                "read {n} at {at}"
            );
        }
        assert!(blocks.young.len() + blocks.old.len() <= BLOCKS_KEPT);
    }

    #[test]
    fn deltas_copy_and_insert() {
        let base = b"hello world";
        // Base size 11, result size 15: copy "hello", insert " big", copy " world".
        let mut delta = vec![11, 15];
        delta.extend([0x80 | 0x01 | 0x10, 0, 5]);
        delta.extend([4]);
        delta.extend(b" big");
        delta.extend([0x80 | 0x01 | 0x10, 5, 6]);
        assert_eq!(
            apply_delta(base, &delta).as_deref(),
            Some(&b"hello big world"[..])
        );
    }

    #[test]
    fn malformed_deltas_are_refused() {
        let base = b"abc";
        for delta in [
            &[4u8, 1, 1, b'x'][..],        // wrong base size
            &[3, 5, 0x91, 0, 9][..],       // copy past the base
            &[3, 1, 0][..],                // reserved op 0
            &[3, 2, 5, b'x'][..],          // insert past the end
            &[3, 9, 0x91, 0, 3][..],       // result size mismatch
            &[0x80, 0x80, 0x80, 0x80][..], // unterminated varint
        ] {
            assert_eq!(apply_delta(base, delta), None, "{delta:?}");
        }
    }

    /// A history whose trees git stores as long delta chains: one folder
    /// of many files, each commit changing one of them.
    fn deltified_repo() -> TestRepo {
        let repo = TestRepo::new();
        for round in 0..12 {
            for i in 0..40 {
                if round == 0 || i % 12 == round {
                    repo.write(
                        &format!("records/r{i:03}.yaml"),
                        format!("id: R{i}\nround: {round}\n"),
                    );
                }
            }
            if round % 3 == 2 {
                repo.write(&format!("nested/a/b/f{round}.md"), "x\n");
            }
            repo.commit(&format!("round {round}")).allow_empty().run();
        }
        repo
    }

    /// Every tree in the packs reads as libgit2 reads it.
    fn assert_trees_match(repo: &TestRepo) {
        let git = git2::Repository::open(repo.path()).unwrap();
        let odb = git.odb().unwrap();
        let packs = Packs::open(&git.commondir().join("objects"));
        assert!(!packs.packs.is_empty(), "the repository is packed");
        let mut reader = packs.reader();
        let listing = repo.git(&["cat-file", "--batch-all-objects", "--batch-check"]);
        let mut trees = 0;
        for line in listing.lines() {
            let mut fields = line.split(' ');
            let (id, kind) = (fields.next().unwrap(), fields.next().unwrap());
            let id = Oid::from_str(id).unwrap();
            let read = reader.tree(id);
            if kind == "tree" {
                trees += 1;
                let expected = odb.read(id).unwrap();
                assert_eq!(
                    read.as_deref().map(Vec::as_slice),
                    Some(expected.data()),
                    "tree {id}"
                );
            } else {
                assert_eq!(read, None, "{kind} {id} is not a tree");
            }
        }
        assert!(trees > 20, "{trees} trees");
        // A tree that no pack holds is not found (libgit2 reads loose ones).
        assert_eq!(reader.tree(Oid::from_str(&"ab".repeat(20)).unwrap()), None);
    }

    #[test]
    fn trees_read_from_offset_deltas_as_libgit2_reads_them() {
        let repo = deltified_repo();
        repo.git(&["repack", "-a", "-d", "-f", "--depth=50", "--window=50"]);
        let stats = repo.git(&["verify-pack", "-v", &pack_idx(&repo)]);
        assert!(stats.contains("chain length = 2"), "{stats}");
        assert_trees_match(&repo);
    }

    #[test]
    fn trees_read_from_reference_deltas_as_libgit2_reads_them() {
        let repo = deltified_repo();
        repo.git(&[
            "-c",
            "repack.useDeltaBaseOffset=false",
            "repack",
            "-a",
            "-d",
            "-f",
        ]);
        assert_trees_match(&repo);
    }

    #[test]
    fn a_tiny_cache_still_reads_every_tree() {
        let repo = deltified_repo();
        repo.git(&["repack", "-a", "-d", "-f"]);
        let git = git2::Repository::open(repo.path()).unwrap();
        let packs = Packs::open(&git.commondir().join("objects"));
        let mut reader = packs.reader();
        let head_tree = repo.git(&["rev-parse", "HEAD^{tree}"]);
        let id = Oid::from_str(head_tree.trim()).unwrap();
        for _ in 0..3 {
            reader.cache = BaseCache::default();
            let tree = reader.tree(id).unwrap();
            assert_eq!(&tree[..], git.odb().unwrap().read(id).unwrap().data());
        }
    }

    #[test]
    fn long_chains_keep_their_top_and_checkpoints() {
        let kept: Vec<usize> = (1..=35).filter(|&s| keeps(s, 35, true)).collect();
        assert_eq!(kept, [10, 20, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35]);
        assert!(!keeps(35, 35, false), "a commit is not kept");
        assert!((1..=CHECKPOINT).all(|s| keeps(s, CHECKPOINT, true)));
    }

    /// A folder's tree stored as long chains, read newest first as the
    /// walk reads it (each read re-applying from a checkpoint), reads as
    /// libgit2 reads it.
    #[test]
    fn long_chains_read_newest_first_as_libgit2_reads_them() {
        let repo = TestRepo::new();
        for round in 0..45 {
            repo.write(
                &format!("people/p{:03}.yaml", round % 30),
                format!("round: {round}\n"),
            );
            repo.commit(&format!("round {round}")).run();
        }
        repo.git(&["repack", "-a", "-d", "-f", "--depth=50", "--window=50"]);
        let stats = repo.git(&["verify-pack", "-v", &pack_idx(&repo)]);
        assert!(stats.contains("chain length = 15"), "{stats}");
        let git = git2::Repository::open(repo.path()).unwrap();
        let odb = git.odb().unwrap();
        let packs = Packs::open(&git.commondir().join("objects"));
        let mut reader = packs.reader();
        let trees = repo.git(&["log", "--format=%T"]);
        for tree in trees.lines() {
            let folder = repo.git(&["rev-parse", &format!("{tree}:people")]);
            let id = Oid::from_str(&folder).unwrap();
            let read = reader.tree(id).unwrap();
            assert_eq!(&read[..], odb.read(id).unwrap().data(), "{id}");
        }
    }

    fn pack_idx(repo: &TestRepo) -> String {
        let dir = repo.path().join(".git/objects/pack");
        let idx = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|x| x == "idx"))
            .unwrap();
        idx.to_string_lossy().into_owned()
    }
}
