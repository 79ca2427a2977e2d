//! OpenPGP keys and signatures: see `govlint::fuzzing::openpgp` for what it asserts.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| govlint::fuzzing::openpgp(data));
