//! CSV tables: see `govlint::fuzzing::csv_table` for what it asserts.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| govlint::fuzzing::csv_table(data));
