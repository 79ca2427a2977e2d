//! Commit trailers: see `govlint::fuzzing::trailers` for what it asserts.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| govlint::fuzzing::trailers(data));
