//! Test support for the rule module: records from YAML text, one-assertion
//! evaluation, and a fake [`Evidence`] built from `# git:` lines (the
//! notation the built-in pack's examples use).

use std::collections::HashMap;
use std::sync::Arc;

use jiff::civil::Date;
use serde_json::Value;

use crate::record::{Record, RecordSet};
use crate::source::SourceFile;
use crate::time::parse_date;

use super::assert::{Assertion, Checks, Failure, Subject};
use super::compile::{builtin_schema_docs, Compiler};
use super::evidence::{Approval, Evidence, EvidenceStatus, NoHistory, Strength};
use super::selector::Selector;
use super::spec::{AssertionSpec, SelectorSpec};
use super::Context;

/// The pinned "today" of the rule tests and the pack's examples.
pub(crate) fn today() -> Date {
    parse_date("2026-11-15").expect("valid date")
}

/// Records of every YAML document in `text` (each needs `kind` and `id`).
pub(crate) fn records(path: &str, text: &str) -> RecordSet {
    let file = Arc::new(SourceFile::new(path, text));
    let loaded = crate::yaml::load(text, &crate::yaml::Limits::default());
    assert!(loaded.error.is_none(), "{path}: {:?}", loaded.error);
    let records = loaded
        .documents
        .into_iter()
        .enumerate()
        .map(|(document, doc)| {
            let value = doc.root.to_json();
            let field = |k: &str| {
                value
                    .get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            Record {
                id: field("id"),
                kind: field("kind"),
                file: Arc::clone(&file),
                document,
                tree: doc.root.into(),
                value,
                offset: 0,
            }
        })
        .collect();
    RecordSet::new(records)
}

fn compiler_run<T>(f: impl FnOnce(&mut Compiler<'_>) -> Option<T>) -> T {
    let docs = builtin_schema_docs();
    let mut c = Compiler {
        rule: "test/rule",
        errors: Vec::new(),
        schema_docs: &docs,
        regex_limit: super::compile::REGEX_SIZE_LIMIT,
    };
    let out = f(&mut c);
    assert!(c.errors.is_empty(), "{:?}", c.errors);
    out.expect("compiles")
}

pub(crate) fn compile_assertion(spec: Value) -> Assertion {
    let spec: AssertionSpec = serde_json::from_value(spec).expect("assertion spec");
    compiler_run(|c| Assertion::compile(&spec, c, ""))
}

pub(crate) fn compile_selector(spec: Value) -> Selector {
    let spec: SelectorSpec = serde_json::from_value(spec).expect("selector spec");
    compiler_run(|c| Selector::compile(Some(&spec), c, ""))
}

/// Failures of one assertion on the record `id`, today = [`today`], no history.
pub(crate) fn check_one(set: &RecordSet, id: &str, spec: Value) -> Vec<Failure> {
    check_with(set, id, spec, &NoHistory)
}

pub(crate) fn check_with(
    set: &RecordSet,
    id: &str,
    spec: Value,
    evidence: &dyn Evidence,
) -> Vec<Failure> {
    let checks = Checks::from_one(compile_assertion(spec));
    let ctx = Context::new(set, today(), evidence);
    let preps = checks.prepare(&ctx);
    let record = set.get(id).expect("record exists");
    checks.check(&Subject::whole(record), &ctx, &preps)
}

/// Approvals by record id.
#[derive(Debug, Default)]
pub(crate) struct FakeEvidence {
    pub approvals: HashMap<String, Vec<Approval>>,
    pub unknown: bool,
}

impl Evidence for FakeEvidence {
    fn approvals(&self, record: &Record) -> EvidenceStatus {
        if self.unknown {
            return EvidenceStatus::Unknown {
                reason: "shallow clone".to_owned(),
            };
        }
        EvidenceStatus::Known(self.approvals.get(&record.id).cloned().unwrap_or_default())
    }
}

impl FakeEvidence {
    /// Parses `# git: approved|reviewed RECORD by PERSON on DATE
    /// [claimed|self|signed] [changed]` lines; the approver's email and
    /// roles come from the Person record in `set`.
    pub(crate) fn from_comments(text: &str, set: &RecordSet) -> FakeEvidence {
        let mut ev = FakeEvidence::default();
        for line in text.lines() {
            let Some(rest) = line.trim().strip_prefix("# git:") else {
                continue;
            };
            let words: Vec<&str> = rest.split_whitespace().collect();
            let [verb, record, "by", person, "on", date, flags @ ..] = words.as_slice() else {
                panic!("bad `# git:` line: {line}");
            };
            let mut a = approval(set, person, date);
            a.review = *verb == "reviewed";
            for flag in flags {
                match *flag {
                    "changed" => a.unchanged = false,
                    s => a.strength = Strength::parse(s).unwrap_or_else(|| panic!("bad flag {s}")),
                }
            }
            ev.approvals
                .entry((*record).to_owned())
                .or_default()
                .push(a);
        }
        ev
    }
}

/// A self-made, unchanged approval by `person` (roles and email from `set`).
pub(crate) fn approval(set: &RecordSet, person: &str, date: &str) -> Approval {
    let p = set.get(person);
    let email = p
        .and_then(|p| p.str_field("email"))
        .unwrap_or("unknown@example.org")
        .to_owned();
    let roles = p
        .and_then(|p| p.value.get("roles"))
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    Approval {
        review: false,
        person: p.map(|p| p.id.clone()),
        email: email.clone(),
        date: parse_date(date).expect("date"),
        strength: Strength::SelfMade,
        unchanged: true,
        roles,
        change_author_email: Some("author@acme.example".to_owned()),
        approver_emails: vec![email],
        commit: "0123456789abcdef0123456789abcdef01234567".to_owned(),
        why: "committed by the approver".to_owned(),
        pending: false,
        landing: None,
    }
}

/// Loads repository rule files (no packs, no overrides).
pub(crate) fn load_files(
    files: &[(&str, &str)],
) -> Result<super::RuleSet, Vec<crate::finding::Finding>> {
    let files: Vec<Arc<SourceFile>> = files
        .iter()
        .map(|(path, text)| Arc::new(SourceFile::new(*path, *text)))
        .collect();
    super::RuleSet::load(&[], &files, &std::collections::BTreeMap::new())
}

/// Loads one rule file that must be valid.
pub(crate) fn load_ok(text: &str) -> super::RuleSet {
    match load_files(&[("rules/acme.yaml", text)]) {
        Ok(set) => set,
        Err(findings) => panic!("rule file does not load: {findings:#?}"),
    }
}
