//! Markdown front matter and YAML record files: see `govlint::fuzzing::front_matter` for what it asserts.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| govlint::fuzzing::front_matter(data));
