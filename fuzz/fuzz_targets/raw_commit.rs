//! The cold walk's commit header parser against libgit2: see
//! `govlint::fuzzing::raw_commit` for what it asserts.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| govlint::fuzzing::raw_commit(data));
