//! The history cache codec: see `govlint::fuzzing::history_cache` for what it asserts.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| govlint::fuzzing::history_cache(data));
