//! Conformance of `govlint::yaml` against the YAML test suite
//! (`shared/yaml-test-suite`, one folder per case; see its README).
//!
//! - A case with `in.json` must load, and each document's `to_json` must equal
//!   the JSON texts of `in.json`, in order. Mappings compare without regard
//!   to key order; numbers compare by value (`1` equals `1.0`), since JSON
//!   does not tell integers from floats.
//! - A case with `error` must give an error.
//! - A case with neither (valid YAML with no JSON form) must load without
//!   error, except [`DUPLICATE_KEY_CASES`].
//!
//! Every case runs in its own thread under a timeout, so a hang or a panic
//! is reported with the case name and fails the test. The pass rate is
//! printed (run with `--nocapture`); any case failing that is not listed in
//! [`KNOWN_FAILURES`] fails the test, and so does a listed case that passes,
//! so the list stays tight.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use govlint::yaml;
use serde_json::Value as Json;

/// Cases govlint does not pass, with the reason. Empty: saphyr-parser 0.3
/// plus this loader pass all 279 `in.json` cases and detect all 94 errors.
const KNOWN_FAILURES: &[&str] = &[];
/// Valid YAML (syntax-wise) that govlint rejects on purpose: two equal keys
/// in one mapping. The suite only checks syntax; govlint's loader refuses
/// duplicate keys, which JSON could not hold anyway.
/// `2JQS`: two empty (null) keys. `X38W`: the key `[a, b]` and an alias to it.
const DUPLICATE_KEY_CASES: &[&str] = &["2JQS", "X38W"];
/// Floor for the share of `in.json` cases that pass, in percent (the
/// product's requirement; [`KNOWN_FAILURES`] is the tighter, exact check).
const MIN_PASS_RATE: f64 = 98.0;
/// Longest a single case may take.
const CASE_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug)]
enum Outcome {
    Pass,
    Fail(String),
}

#[test]
fn yaml_test_suite() {
    let Some(suite) = suite_dir() else {
        return;
    };
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&suite)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", suite.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.join("in.yaml").is_file())
        .collect();
    cases.sort();
    assert!(
        cases.len() > 300,
        "only {} cases in {}",
        cases.len(),
        suite.display()
    );

    let (mut json_total, mut json_failures) = (0, Vec::new());
    let (mut error_total, mut error_misses) = (0, Vec::new());
    let (mut other_total, mut other_failures) = (0, Vec::new());
    for case in &cases {
        let name = case
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let outcome = run_case(case);
        let (total, failures) = if case.join("in.json").is_file() {
            (&mut json_total, &mut json_failures)
        } else if case.join("error").is_file() {
            (&mut error_total, &mut error_misses)
        } else {
            (&mut other_total, &mut other_failures)
        };
        *total += 1;
        if let Outcome::Fail(why) = outcome {
            failures.push(format!("{name}: {why}"));
        }
    }

    let passed = json_total - json_failures.len();
    #[allow(clippy::cast_precision_loss, reason = "a few hundred cases")]
    let rate = 100.0 * passed as f64 / json_total.max(1) as f64;
    #[allow(
        clippy::print_stderr,
        reason = "the conformance figures are this test's report"
    )]
    {
        eprintln!(
            "yaml-test-suite: in.json {passed}/{json_total} pass ({rate:.1}%); error {}/{error_total} detected; \
             no-JSON {}/{other_total} as expected",
            error_total - error_misses.len(),
            other_total - other_failures.len(),
        );
        for failure in json_failures
            .iter()
            .chain(&error_misses)
            .chain(&other_failures)
        {
            eprintln!("  {failure}");
        }
    }

    let failed: Vec<&String> = json_failures
        .iter()
        .chain(&error_misses)
        .chain(&other_failures)
        .collect();
    let crashed: Vec<&&String> = failed
        .iter()
        .filter(|f| f.contains(": panicked") || f.contains(": timed out"))
        .collect();
    assert!(crashed.is_empty(), "cases panicked or hung: {crashed:#?}");
    assert!(
        rate >= MIN_PASS_RATE,
        "only {rate:.1}% of in.json cases pass: {json_failures:#?}"
    );
    let unexpected: Vec<&&String> = failed
        .iter()
        .filter(|f| {
            !KNOWN_FAILURES
                .iter()
                .any(|n| f.starts_with(&format!("{n}:")))
        })
        .collect();
    assert!(
        unexpected.is_empty(),
        "{} cases fail that are not in KNOWN_FAILURES: {unexpected:#?}",
        unexpected.len()
    );
    assert_eq!(
        failed.len(),
        KNOWN_FAILURES.len(),
        "cases in KNOWN_FAILURES now pass: remove them"
    );
}

/// The suite's folder; `None` (the test skips) when it is not there.
fn suite_dir() -> Option<PathBuf> {
    crate::support::shared_data("GOVLINT_YAML_SUITE", "yaml-test-suite")
}

/// Runs one case in a thread, so a panic or a hang is a failure of that case.
fn run_case(case: &Path) -> Outcome {
    let case = case.to_path_buf();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let outcome = std::panic::catch_unwind(|| check_case(&case)).unwrap_or_else(|panic| {
            let why = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            Outcome::Fail(format!("panicked: {why}"))
        });
        // The receiver may have given up after a timeout.
        let _ = tx.send(outcome);
    });
    rx.recv_timeout(CASE_TIMEOUT)
        .unwrap_or_else(|_| Outcome::Fail(format!("timed out after {CASE_TIMEOUT:?}")))
}

fn check_case(case: &Path) -> Outcome {
    let text = match std::fs::read_to_string(case.join("in.yaml")) {
        Ok(text) => text,
        Err(e) => return Outcome::Fail(format!("unreadable in.yaml: {e}")),
    };
    let loaded = yaml::load(&text, &yaml::Limits::default());
    let name = case.file_name().unwrap_or_default().to_string_lossy();
    if DUPLICATE_KEY_CASES.contains(&&*name) {
        return match loaded.error {
            Some(e) if e.message.starts_with("duplicate key") => Outcome::Pass,
            other => Outcome::Fail(format!("expected a duplicate key error, got {other:?}")),
        };
    }
    if case.join("error").is_file() {
        return match loaded.error {
            Some(_) => Outcome::Pass,
            None => Outcome::Fail("loaded without error".to_owned()),
        };
    }
    if let Some(error) = loaded.error {
        return Outcome::Fail(format!("error {:?} at {:?}", error.message, error.span));
    }
    let Ok(expected_text) = std::fs::read_to_string(case.join("in.json")) else {
        return Outcome::Pass;
    };
    let expected: Result<Vec<Json>, _> = serde_json::Deserializer::from_str(&expected_text)
        .into_iter::<Json>()
        .collect();
    let expected = match expected {
        Ok(values) => values,
        Err(e) => return Outcome::Fail(format!("unreadable in.json: {e}")),
    };
    let actual: Vec<Json> = loaded.documents.iter().map(|d| d.root.to_json()).collect();
    let same =
        actual.len() == expected.len() && actual.iter().zip(&expected).all(|(a, e)| json_eq(a, e));
    if same {
        Outcome::Pass
    } else {
        Outcome::Fail(format!(
            "got {}, expected {}",
            Json::Array(actual),
            Json::Array(expected)
        ))
    }
}

/// JSON equality with unordered objects and numbers compared by value.
fn json_eq(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            #[allow(clippy::float_cmp, reason = "equal by value is the rule")]
            _ => x.as_f64() == y.as_f64(),
        },
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}
