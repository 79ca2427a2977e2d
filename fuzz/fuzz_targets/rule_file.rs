//! Rule files: see `govlint::fuzzing::rule_file` for what it asserts.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| govlint::fuzzing::rule_file(data));
