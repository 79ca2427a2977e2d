//! The cache's byte encoding: little-endian integers, `u32`-length-prefixed
//! strings and lists, raw 20-byte object ids. Reading never panics: any
//! truncation or bad value is `None`.

use git2::Oid;

/// The length of a raw (SHA-1) object id.
pub(super) const OID_LEN: usize = 20;

/// Appends encoded values to a buffer.
#[derive(Default)]
pub(super) struct Writer(Vec<u8>);

impl Writer {
    pub(super) fn into_bytes(self) -> Vec<u8> {
        self.0
    }

    pub(super) fn raw(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    pub(super) fn u8(&mut self, v: u8) {
        self.0.push(v);
    }

    pub(super) fn u32(&mut self, v: u32) {
        self.raw(&v.to_le_bytes());
    }

    pub(super) fn i64(&mut self, v: i64) {
        self.raw(&v.to_le_bytes());
    }

    /// A count; saturates (a history of 4 billion items is not cached
    /// correctly, and then fails its own checks on reading).
    pub(super) fn len(&mut self, n: usize) {
        self.u32(u32::try_from(n).unwrap_or(u32::MAX));
    }

    pub(super) fn str(&mut self, s: &str) {
        self.len(s.len());
        self.raw(s.as_bytes());
    }

    pub(super) fn strs(&mut self, list: &[String]) {
        self.len(list.len());
        for s in list {
            self.str(s);
        }
    }

    pub(super) fn oid(&mut self, id: Oid) {
        self.raw(id.as_bytes());
    }

    pub(super) fn opt_oid(&mut self, id: Option<Oid>) {
        match id {
            Some(id) => {
                self.u8(1);
                self.oid(id);
            }
            None => self.u8(0),
        }
    }
}

/// Reads encoded values from a buffer.
pub(super) struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        Reader(bytes)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(super) fn raw(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    pub(super) fn u8(&mut self) -> Option<u8> {
        Some(self.raw(1)?[0])
    }

    pub(super) fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.raw(4)?.try_into().ok()?))
    }

    pub(super) fn i64(&mut self) -> Option<i64> {
        Some(i64::from_le_bytes(self.raw(8)?.try_into().ok()?))
    }

    pub(super) fn len(&mut self) -> Option<usize> {
        usize::try_from(self.u32()?).ok()
    }

    pub(super) fn str(&mut self) -> Option<&'a str> {
        let n = self.len()?;
        std::str::from_utf8(self.raw(n)?).ok()
    }

    pub(super) fn strs(&mut self) -> Option<Vec<String>> {
        let n = self.len()?;
        (0..n).map(|_| self.str().map(str::to_owned)).collect()
    }

    pub(super) fn oid(&mut self) -> Option<Oid> {
        Oid::from_bytes(self.raw(OID_LEN)?).ok()
    }

    #[expect(
        clippy::option_option,
        reason = "outer: the bytes do not decode; inner: no id was stored"
    )]
    pub(super) fn opt_oid(&mut self) -> Option<Option<Oid>> {
        match self.u8()? {
            0 => Some(None),
            1 => self.oid().map(Some),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_truncation() {
        let mut w = Writer::default();
        w.str("héllo");
        w.i64(-5);
        w.opt_oid(Some(Oid::ZERO_SHA1));
        w.strs(&["a".to_owned(), String::new()]);
        let bytes = w.into_bytes();
        let mut r = Reader::new(&bytes);
        assert_eq!(r.str(), Some("héllo"));
        assert_eq!(r.i64(), Some(-5));
        assert_eq!(r.opt_oid(), Some(Some(Oid::ZERO_SHA1)));
        assert_eq!(r.strs(), Some(vec!["a".to_owned(), String::new()]));
        assert!(r.is_empty());
        for cut in 0..bytes.len() {
            let mut r = Reader::new(&bytes[..cut]);
            let all = r.str().is_some()
                && r.i64().is_some()
                && r.opt_oid().is_some()
                && r.strs().is_some();
            assert!(!all, "truncated at {cut} still decodes");
        }
    }
}
