//! The history cache's byte encoding: the shared one of
//! [`crate::cachefile`] plus raw 20-byte object ids. Reading never panics:
//! any truncation or bad value is `None`.

use git2::Oid;

pub(super) use crate::cachefile::{Reader, Writer};

/// The length of a raw (SHA-1) object id.
pub(super) const OID_LEN: usize = 20;

/// Writing object ids.
pub(super) trait WriteOid {
    fn oid(&mut self, id: Oid);
    fn opt_oid(&mut self, id: Option<Oid>);
}

impl WriteOid for Writer {
    fn oid(&mut self, id: Oid) {
        self.raw(id.as_bytes());
    }

    fn opt_oid(&mut self, id: Option<Oid>) {
        match id {
            Some(id) => {
                self.u8(1);
                self.oid(id);
            }
            None => self.u8(0),
        }
    }
}

/// Reading object ids.
pub(super) trait ReadOid {
    fn oid(&mut self) -> Option<Oid>;
    #[expect(
        clippy::option_option,
        reason = "outer: the bytes do not decode; inner: no id was stored"
    )]
    fn opt_oid(&mut self) -> Option<Option<Oid>>;
}

impl ReadOid for Reader<'_> {
    fn oid(&mut self) -> Option<Oid> {
        Oid::from_bytes(self.raw(OID_LEN)?).ok()
    }

    fn opt_oid(&mut self) -> Option<Option<Oid>> {
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
