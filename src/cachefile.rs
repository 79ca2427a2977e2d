//! Warm-run cache files, shared by the history cache (`history/cache.rs`)
//! and the record cache (`record/cache.rs`): where they live (outside the
//! governance repository), how they are written (atomically) and read back
//! (bounded, checksummed, never trusted when damaged), and their byte
//! encoding ([`Writer`], [`Reader`]).
//!
//! - **Where**: `$XDG_CACHE_HOME/govlint/<kind>/` (else
//!   `~/.cache/govlint/<kind>/`). Nothing is ever written into the
//!   repository.
//! - **Off switch**: `GOVLINT_NO_CACHE=1` (any value but `0` or empty).
//! - **Writing**: the bytes and their checksum go to a temporary file of
//!   this process in the same folder, which is then renamed over the old
//!   file: a reader sees the old file or the new one, never a mix, and two
//!   processes writing at once each rename a complete file (the last one
//!   wins).
//! - **Reading**: a file larger than the caller's bound, shorter than its
//!   checksum, or whose checksum does not match is a miss (`None`), never an
//!   error. Callers then check their own magic, version and key.
//!
//! The encoding is little-endian integers, `u32`-length-prefixed strings
//! and lists; reading never panics and never allocates more than the bytes
//! could hold (see [`Reader::count`]).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// The cache folder for `kind` (`history`, `records`), unless disabled by
/// `GOVLINT_NO_CACHE` or no home is known.
#[must_use]
pub fn dir(kind: &str) -> Option<PathBuf> {
    if std::env::var_os("GOVLINT_NO_CACHE").is_some_and(|v| !v.is_empty() && v != "0") {
        return None;
    }
    let base = match std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from) {
        Some(xdg) if xdg.is_absolute() => xdg,
        _ => PathBuf::from(std::env::var_os("HOME")?).join(".cache"),
    };
    Some(base.join("govlint").join(kind))
}

/// The body of the cache file at `path` if it exists, is at most
/// `max_bytes` long and its checksum is right.
#[must_use]
pub fn read(path: &Path, max_bytes: u64) -> Option<Vec<u8>> {
    let mut file = std::fs::File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    if len > max_bytes {
        return None;
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).ok()? + 1);
    std::io::Read::read_to_end(
        &mut std::io::Read::take(&mut file, max_bytes + 1),
        &mut bytes,
    )
    .ok()?;
    unseal(bytes, max_bytes)
}

/// The body of sealed `bytes` (see [`seal`]), if intact and at most
/// `max_bytes` long.
#[must_use]
pub fn unseal(mut bytes: Vec<u8>, max_bytes: u64) -> Option<Vec<u8>> {
    if bytes.len() as u64 > max_bytes {
        return None;
    }
    let body_len = bytes.len().checked_sub(8)?;
    let sum: [u8; 8] = bytes[body_len..].try_into().ok()?;
    if checksum(&bytes[..body_len]).to_le_bytes() != sum {
        return None;
    }
    bytes.truncate(body_len);
    Some(bytes)
}

/// `body` followed by its checksum.
#[must_use]
pub fn seal(mut body: Vec<u8>) -> Vec<u8> {
    let sum = checksum(&body);
    body.extend_from_slice(&sum.to_le_bytes());
    body
}

/// Writes `body` (sealed) to `path` atomically: a temporary file of this
/// process and call in the same folder, then a rename. The folder is
/// created if needed.
///
/// # Errors
/// When the folder or the file cannot be written; a cache that cannot be
/// written only costs the next run time, so callers usually ignore this.
pub fn write(path: &Path, body: Vec<u8>) -> std::io::Result<()> {
    write_parts(path, &[&body])
}

/// [`write`] of the body made of `parts` one after another, without
/// joining them into one buffer first (a record cache of 10,000 files is
/// 13 MB of entries, each already encoded on its own).
///
/// # Errors
/// As [`write`].
pub fn write_parts(path: &Path, parts: &[&[u8]]) -> std::io::Result<()> {
    use std::io::Write as _;
    static SEQ: AtomicU32 = AtomicU32::new(0);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut sum = Checksum::new(parts.iter().map(|p| p.len()).sum());
    let tmp = path.with_extension(format!(
        "tmp{}-{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    let written = std::fs::File::create(&tmp).and_then(|file| {
        let mut out = std::io::BufWriter::with_capacity(1 << 18, file);
        for part in parts {
            sum.update(part);
            out.write_all(part)?;
        }
        out.write_all(&sum.finish().to_le_bytes())?;
        out.flush()
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// A fast 64-bit checksum against truncated or damaged files (libgit2's
/// collision-detecting SHA-1 took a third of a warm load). Not a security
/// boundary: the cache lives in the user's own folder.
#[must_use]
pub fn checksum(bytes: &[u8]) -> u64 {
    let mut sum = Checksum::new(bytes.len());
    sum.update(bytes);
    sum.finish()
}

/// [`checksum`] of bytes given in pieces: the same value as over the
/// pieces joined (little-endian 8-byte words, the last few bytes one by
/// one).
struct Checksum {
    h: u64,
    /// Bytes of a word not complete yet.
    pending: [u8; 8],
    filled: usize,
}

impl Checksum {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;

    /// For `len` bytes in all.
    fn new(len: usize) -> Checksum {
        Checksum {
            h: len as u64,
            pending: [0; 8],
            filled: 0,
        }
    }

    fn word(&mut self, word: [u8; 8]) {
        self.h = (self.h ^ u64::from_le_bytes(word))
            .wrapping_mul(Self::K)
            .rotate_left(29);
    }

    fn update(&mut self, mut bytes: &[u8]) {
        if self.filled > 0 {
            let take = (8 - self.filled).min(bytes.len());
            self.pending[self.filled..self.filled + take].copy_from_slice(&bytes[..take]);
            self.filled += take;
            bytes = &bytes[take..];
            if self.filled < 8 {
                return;
            }
            self.word(self.pending);
            self.filled = 0;
        }
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut v = [0u8; 8];
            v.copy_from_slice(word);
            self.word(v);
        }
        let rest = words.remainder();
        self.pending[..rest.len()].copy_from_slice(rest);
        self.filled = rest.len();
    }

    fn finish(self) -> u64 {
        let mut h = self.h;
        for &b in &self.pending[..self.filled] {
            h = (h ^ u64::from(b)).wrapping_mul(Self::K).rotate_left(29);
        }
        h ^ (h >> 32)
    }
}

/// Appends encoded values to a buffer.
#[derive(Default)]
pub struct Writer(Vec<u8>);

impl Writer {
    /// A writer whose buffer holds `bytes` before it grows.
    #[must_use]
    pub fn with_capacity(bytes: usize) -> Writer {
        Writer(Vec::with_capacity(bytes))
    }

    #[must_use]
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }

    /// The bytes written so far.
    #[must_use]
    pub fn position(&self) -> usize {
        self.0.len()
    }

    pub fn raw(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    pub fn u8(&mut self, v: u8) {
        self.0.push(v);
    }

    pub fn u32(&mut self, v: u32) {
        self.raw(&v.to_le_bytes());
    }

    pub fn u64(&mut self, v: u64) {
        self.raw(&v.to_le_bytes());
    }

    pub fn i64(&mut self, v: i64) {
        self.raw(&v.to_le_bytes());
    }

    pub fn f64(&mut self, v: f64) {
        self.u64(v.to_bits());
    }

    pub fn bool(&mut self, v: bool) {
        self.u8(u8::from(v));
    }

    /// A count; saturates (a cache of 4 billion items is not stored
    /// correctly, and then fails its own checks on reading).
    pub fn len(&mut self, n: usize) {
        self.u32(u32::try_from(n).unwrap_or(u32::MAX));
    }

    pub fn str(&mut self, s: &str) {
        self.len(s.len());
        self.raw(s.as_bytes());
    }

    pub fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
            None => self.u8(0),
        }
    }

    pub fn strs(&mut self, list: &[String]) {
        self.len(list.len());
        for s in list {
            self.str(s);
        }
    }
}

/// Reads encoded values from a buffer; `None` on any truncation or bad
/// value.
pub struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    #[must_use]
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader(bytes)
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The bytes not read yet.
    #[must_use]
    pub fn remaining(&self) -> usize {
        self.0.len()
    }

    pub fn raw(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    pub fn u8(&mut self) -> Option<u8> {
        Some(self.raw(1)?[0])
    }

    pub fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.raw(4)?.try_into().ok()?))
    }

    pub fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.raw(8)?.try_into().ok()?))
    }

    pub fn i64(&mut self) -> Option<i64> {
        Some(i64::from_le_bytes(self.raw(8)?.try_into().ok()?))
    }

    pub fn f64(&mut self) -> Option<f64> {
        self.u64().map(f64::from_bits)
    }

    pub fn bool(&mut self) -> Option<bool> {
        match self.u8()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    pub fn len(&mut self) -> Option<usize> {
        usize::try_from(self.u32()?).ok()
    }

    /// A count of items that each take at least `min_bytes` encoded: a
    /// count the remaining bytes cannot hold is a damaged file (`None`),
    /// so no caller allocates for entries that are not there.
    pub fn count(&mut self, min_bytes: usize) -> Option<usize> {
        let n = self.len()?;
        (n.checked_mul(min_bytes.max(1))? <= self.0.len()).then_some(n)
    }

    /// A `usize` stored as `u64`.
    pub fn usize(&mut self) -> Option<usize> {
        usize::try_from(self.u64()?).ok()
    }

    pub fn str(&mut self) -> Option<&'a str> {
        let n = self.len()?;
        std::str::from_utf8(self.raw(n)?).ok()
    }

    pub fn string(&mut self) -> Option<String> {
        self.str().map(str::to_owned)
    }

    /// Outer `None`: the bytes do not decode; inner: no string was stored.
    pub fn opt_str(&mut self) -> Option<Option<&'a str>> {
        match self.u8()? {
            0 => Some(None),
            1 => self.str().map(Some),
            _ => None,
        }
    }

    pub fn strs(&mut self) -> Option<Vec<String>> {
        let n = self.count(4)?;
        (0..n).map(|_| self.string()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The checksum of pieces is the checksum of the pieces joined, cut
    /// anywhere; its values are those of the files already on disk.
    #[test]
    fn checksum_in_pieces_is_the_checksum_of_the_whole() {
        let data: Vec<u8> = (0..3).flat_map(|_| 0u8..251).collect();
        assert_eq!(checksum(&data), 0x6b96_fa82_4b58_1abe);
        assert_eq!(checksum(b""), 0);
        assert_eq!(checksum(b"govlint"), 0xfe51_4801_4659_db88);
        for cuts in [
            vec![0],
            vec![1],
            vec![7, 8, 9],
            vec![3, 5, 100, 101, 700],
            vec![753],
        ] {
            let mut sum = Checksum::new(data.len());
            let mut at = 0;
            for cut in cuts.into_iter().chain([data.len()]) {
                sum.update(&data[at..cut]);
                at = cut;
            }
            assert_eq!(sum.finish(), checksum(&data));
        }
    }

    /// A file written in parts reads back as their concatenation, and a
    /// damaged one does not read at all.
    #[test]
    fn parts_written_read_back_joined() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub/x.bin");
        let big = vec![7u8; 300_000];
        write_parts(&path, &[b"head", &big, b"", b"tail!"]).expect("written");
        let body = read(&path, 1 << 20).expect("reads");
        assert_eq!(body.len(), 4 + big.len() + 5);
        assert!(body.starts_with(b"head") && body.ends_with(b"tail!"));
        let mut bytes = std::fs::read(&path).expect("raw");
        bytes[10] ^= 1;
        std::fs::write(&path, &bytes).expect("damaged");
        assert!(read(&path, 1 << 20).is_none());
        assert_eq!(
            std::fs::read_dir(path.parent().expect("dir"))
                .expect("ls")
                .count(),
            1
        );
    }

    #[test]
    fn round_trip_truncation_and_false_counts() {
        let mut w = Writer::default();
        w.str("héllo");
        w.i64(-5);
        w.opt_str(Some("x"));
        w.strs(&["a".to_owned(), String::new()]);
        w.f64(1.5);
        let bytes = w.into_bytes();
        let mut r = Reader::new(&bytes);
        assert_eq!(r.str(), Some("héllo"));
        assert_eq!(r.i64(), Some(-5));
        assert_eq!(r.opt_str(), Some(Some("x")));
        assert_eq!(r.strs(), Some(vec!["a".to_owned(), String::new()]));
        assert_eq!(r.f64(), Some(1.5));
        assert!(r.is_empty());
        for cut in 0..bytes.len() {
            let mut r = Reader::new(&bytes[..cut]);
            let all = r.str().is_some()
                && r.i64().is_some()
                && r.opt_str().is_some()
                && r.strs().is_some()
                && r.f64().is_some();
            assert!(!all, "truncated at {cut} still decodes");
        }
        // A list that claims more entries than the bytes can hold.
        let mut w = Writer::default();
        w.len(1_000_000);
        w.str("only one");
        let bytes = w.into_bytes();
        assert_eq!(Reader::new(&bytes).strs(), None);
    }

    #[test]
    fn sealed_files_reject_damage_and_excess() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub").join("c.bin");
        write(&path, b"some cached body".to_vec()).expect("writes");
        assert_eq!(
            read(&path, 1 << 20).as_deref(),
            Some(&b"some cached body"[..])
        );
        // Larger than the bound: never read.
        assert_eq!(read(&path, 10), None);
        let good = std::fs::read(&path).expect("reads");
        for cut in 0..good.len() {
            std::fs::write(&path, &good[..cut]).expect("writes");
            assert_eq!(read(&path, 1 << 20), None, "truncated at {cut}");
        }
        for bit in 0..good.len() * 8 {
            let mut bad = good.clone();
            bad[bit / 8] ^= 1 << (bit % 8);
            assert_eq!(unseal(bad, 1 << 20), None, "bit {bit} flipped");
        }
        // No temporary file is left behind.
        let left: Vec<_> = std::fs::read_dir(path.parent().expect("parent"))
            .expect("lists")
            .collect();
        assert_eq!(left.len(), 1);
    }
}
