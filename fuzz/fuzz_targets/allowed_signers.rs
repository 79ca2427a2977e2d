//! The allowed-signers file: see `govlint::fuzzing::allowed_signers` for what it asserts.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| govlint::fuzzing::allowed_signers(data));
