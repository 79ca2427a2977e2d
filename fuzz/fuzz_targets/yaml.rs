//! The span-aware YAML loader: see `govlint::fuzzing::yaml` for what it asserts.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| govlint::fuzzing::yaml(data));
