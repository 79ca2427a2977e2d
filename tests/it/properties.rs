//! Property tests over generated governance repositories, run through the
//! real binary (so case counts are small: each case is a few runs).
//!
//! - Every reported place maps into its file: the line and column of a
//!   finding with a JSON Pointer are those of the node at that pointer (or
//!   of its key, or of its nearest existing ancestor for a missing one), as
//!   an independent parse of the file finds it.
//! - Formatting-only edits (CRLF line endings, a BOM, another indentation,
//!   another key order) move no finding to another node.
//! - A record's verdict is the same read from the working tree, the index
//!   and a revision.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value as Json;

use crate::support::{git, Repo};

const TODAY: &str = "2026-11-15";

/// A YAML value as generated: scalars, sequences of scalars, and mappings.
#[derive(Debug, Clone)]
enum V {
    Str(String),
    Int(i64),
    Bool(bool),
    Null,
    List(Vec<V>),
    Map(Vec<(String, V)>),
}

/// How one rendering lays the same values out.
#[derive(Debug, Clone, Copy)]
struct Layout {
    indent: usize,
    /// 0: keys as generated; otherwise a seed that reorders every mapping.
    order: u64,
    crlf: bool,
    bom: bool,
}

const PLAIN: Layout = Layout {
    indent: 2,
    order: 0,
    crlf: false,
    bom: false,
};

fn scalar() -> impl Strategy<Value = V> {
    prop_oneof![
        "[a-zA-Z0-9 éü日-]{0,12}".prop_map(V::Str),
        (-1000i64..1000).prop_map(V::Int),
        any::<bool>().prop_map(V::Bool),
        Just(V::Null),
    ]
}

fn value() -> impl Strategy<Value = V> {
    prop_oneof![
        4 => scalar(),
        1 => prop::collection::vec(scalar(), 0..4).prop_map(V::List),
        1 => prop::collection::vec(("[a-z]{1,6}", scalar()), 0..3).prop_map(V::Map),
    ]
}

/// One record: a Role or Person whose fields are sometimes right, sometimes
/// of the wrong type, sometimes missing, with an unknown key now and then.
fn record(id: String) -> impl Strategy<Value = Vec<(String, V)>> {
    (
        any::<bool>(),
        prop::option::of(value()),
        prop::option::of(value()),
        prop::option::of(value()),
        prop::option::of(("x[a-z]{1,5}|zz[a-z]{0,3}", value())),
        any::<bool>(),
    )
        .prop_map(move |(person, name, second, third, extra, nested)| {
            let mut entries = vec![
                (
                    "kind".to_owned(),
                    V::Str(if person { "Person" } else { "Role" }.to_owned()),
                ),
                ("id".to_owned(), V::Str(id.clone())),
            ];
            let fields: [&str; 2] = if person {
                ["email", "roles"]
            } else {
                ["top_management", "responsibilities"]
            };
            if let Some(v) = name {
                entries.push(("name".to_owned(), v));
            }
            if let Some(v) = second {
                entries.push((fields[0].to_owned(), v));
            }
            if let Some(v) = third {
                let v = if nested {
                    V::Map(vec![("inner".to_owned(), v)])
                } else {
                    v
                };
                entries.push((fields[1].to_owned(), v));
            }
            if let Some((k, v)) = extra {
                entries.push((k, v));
            }
            entries
        })
}

/// Files of records: `files` files of one to three documents each; ids are
/// unique but for an occasional deliberate duplicate.
fn corpus() -> impl Strategy<Value = Vec<Vec<Vec<(String, V)>>>> {
    (
        1usize..5,
        prop::collection::vec(1usize..4, 4),
        any::<bool>(),
    )
        .prop_flat_map(|(files, docs, duplicate)| {
            let mut n = 0;
            let mut per_file = Vec::new();
            for &count in docs.iter().take(files) {
                let mut records = Vec::new();
                for _ in 0..count {
                    let id = if duplicate && n == 1 {
                        "R-0".to_owned()
                    } else {
                        format!("R-{n}")
                    };
                    records.push(record(id));
                    n += 1;
                }
                per_file.push(records);
            }
            per_file
        })
}

fn order_key(seed: u64, key: &str) -> u64 {
    // FNV-1a of the key, mixed with the seed: a stable shuffle.
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn flow(v: &V) -> String {
    match v {
        V::Str(s) => Json::String(s.clone()).to_string(),
        V::Int(n) => n.to_string(),
        V::Bool(b) => b.to_string(),
        V::Null => "null".to_owned(),
        V::List(items) => format!(
            "[{}]",
            items.iter().map(flow).collect::<Vec<_>>().join(", ")
        ),
        V::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, v)| format!("{k}: {}", flow(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn block_map(entries: &[(String, V)], level: usize, layout: Layout, out: &mut String) {
    let mut ordered: Vec<&(String, V)> = entries.iter().collect();
    if layout.order != 0 {
        ordered.sort_by_key(|(k, _)| order_key(layout.order, k));
    }
    let pad = " ".repeat(level * layout.indent);
    for (k, v) in ordered {
        match v {
            V::Map(inner) if !inner.is_empty() => {
                let _ = writeln!(out, "{pad}{k}:");
                block_map(inner, level + 1, layout, out);
            }
            V::List(items) if !items.is_empty() => {
                let _ = writeln!(out, "{pad}{k}:");
                let item_pad = " ".repeat((level + 1) * layout.indent);
                for item in items {
                    let _ = writeln!(out, "{item_pad}- {}", flow(item));
                }
            }
            _ => {
                let _ = writeln!(out, "{pad}{k}: {}", flow(v));
            }
        }
    }
}

fn render(records: &[Vec<(String, V)>], layout: Layout) -> String {
    let mut text = String::new();
    for r in records {
        text.push_str("---\n");
        block_map(r, 0, layout, &mut text);
    }
    if layout.crlf {
        text = text.replace('\n', "\r\n");
    }
    if layout.bom {
        text.insert(0, '\u{feff}');
    }
    text
}

/// Writes the generated files as `records/fN.yaml` into `dir`.
fn write_corpus(dir: &Path, files: &[Vec<Vec<(String, V)>>], layout: Layout) {
    for (i, records) in files.iter().enumerate() {
        git::write(dir, &format!("records/f{i}.yaml"), render(records, layout));
    }
}

fn check(dir: &Path, extra: &[&str]) -> Vec<Json> {
    let mut args = vec!["check", "--format", "json", "--today", TODAY];
    args.extend_from_slice(extra);
    let out = crate::support::govlint_in(dir, &args);
    assert!(matches!(out.code, 0 | 1), "{out:?}");
    assert!(!out.stderr.contains("panicked"), "{out:?}");
    let json: Json = serde_json::from_str(&out.stdout).expect("JSON report");
    json["diagnostics"].as_array().cloned().unwrap_or_default()
}

/// The (line, column) of a byte offset, counted as SPEC 4.1 says: 1-based,
/// columns in characters, a leading BOM not counted.
fn line_col(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let mut col = before[line_start..].chars().count();
    if line_start == 0 && text.starts_with('\u{feff}') {
        col -= 1;
    }
    (before.matches('\n').count() as u64 + 1, col as u64 + 1)
}

/// Findings whose place [`places_are_nodes`] checked against a node, over
/// all cases (so a generator that stops producing them fails the test).
static PLACED: AtomicUsize = AtomicUsize::new(0);

/// Asserts that every placed finding with a pointer sits on the node of
/// its record at that pointer (the node, its key, or its nearest existing
/// ancestor), parsing the file independently of the report.
fn places_are_nodes(dir: &Path, diagnostics: &[Json]) {
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    for d in diagnostics {
        let (Some(file), Some(line), Some(column)) =
            (d["file"].as_str(), d["line"].as_u64(), d["column"].as_u64())
        else {
            continue;
        };
        let text = texts
            .entry(file.to_owned())
            .or_insert_with(|| std::fs::read_to_string(dir.join(file)).expect("read"));
        let last_line = text.split('\n').count() as u64;
        assert!(line >= 1 && line <= last_line, "{d:#} outside {file}");
        let (Some(pointer), Some(record)) = (d["pointer"].as_str(), d["record"].as_str()) else {
            continue;
        };
        let loaded = govlint::yaml::load(text, &govlint::yaml::Limits::default());
        // Every document with that id (a duplicate id has two).
        let mut candidates = Vec::new();
        for doc in loaded
            .documents
            .iter()
            .filter(|doc| doc.root.get("id").and_then(|n| n.as_str()) == Some(record))
        {
            candidates.push(line_col(text, doc.root.nearest_span(pointer).start));
            if let Some(span) = doc.root.key_span(pointer) {
                candidates.push(line_col(text, span.start));
            }
        }
        assert!(
            !candidates.is_empty(),
            "no document of {record} in {file}: {d:#}"
        );
        PLACED.fetch_add(1, Ordering::Relaxed);
        assert!(
            candidates.contains(&(line, column)),
            "{d:#} is not at the node of {pointer} in {record} ({candidates:?}):\n{text}"
        );
    }
}

/// What a finding is about, independent of layout.
fn about(diagnostics: &[Json]) -> Vec<(String, String, String, String, String)> {
    let mut out: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap_or("").to_owned();
            (
                s("rule"),
                s("severity"),
                s("file"),
                s("record"),
                s("pointer"),
            )
        })
        .collect();
    out.sort();
    out
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 16,
        ..Config::default()
    })
}

fn base_repo() -> Repo {
    let repo = Repo::new();
    repo.write("govlint.yaml", "version: 1\npacks: []\n");
    repo
}

#[test]
fn formatting_moves_no_finding_and_every_place_is_its_node() {
    let layouts = (
        prop_oneof![Just(1usize), Just(2), Just(3), Just(4), Just(8)],
        any::<u64>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(indent, order, crlf, bom)| Layout {
            indent,
            order,
            crlf,
            bom,
        });
    runner(10)
        .run(&(corpus(), layouts), |(files, layout)| {
            let repo = base_repo();
            write_corpus(repo.path(), &files, PLAIN);
            let plain = check(repo.path(), &[]);
            places_are_nodes(repo.path(), &plain);
            write_corpus(repo.path(), &files, layout);
            let other = check(repo.path(), &[]);
            places_are_nodes(repo.path(), &other);
            prop_assert_eq!(about(&plain), about(&other), "{:?}", layout);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        PLACED.load(Ordering::Relaxed) > 20,
        "the corpus yields placed findings"
    );
}

const POLICY: &str = "---\nkind: Policy\nid: POL-1\ntitle: Security policy\nversion: \"1\"\nowner: top-management\napprover: top-management\nreview_interval: P12M\nstatus: approved\n---\nAcme protects its information.\n";

const RULES: &str = "rules:\n  - id: acme/policy-approved\n    severity: error\n    message: \"Policy {{id}} is not approved\"\n    for: { kind: Policy }\n    check:\n      - approved: { by: { field: /approver }, within: P12M, unchanged: true, strength: self }\n";

#[test]
fn a_verdict_is_the_same_from_the_work_tree_the_index_and_a_revision() {
    let layouts = (1usize..5, any::<u64>(), any::<bool>(), any::<bool>()).prop_map(
        |(indent, order, crlf, bom)| Layout {
            indent,
            order,
            crlf,
            bom,
        },
    );
    // History too: the policy approved or not, edited after it or not.
    let history = (any::<bool>(), any::<bool>());
    runner(5)
        .run(&(corpus(), layouts, history), |(files, layout, (approve, edit))| {
            let repo = base_repo();
            repo.init();
            repo.write("rules/acme.yaml", RULES)
                .write(
                    "roles/top.yaml",
                    "kind: Role\nid: top-management\nname: Top\ntop_management: true\n",
                )
                .write(
                    "people/jane.yaml",
                    "kind: Person\nid: jane\nname: Jane Doe\nemail: jane@acme.example\nroles: [top-management]\n",
                )
                .write("policies/security.md", POLICY);
            write_corpus(repo.path(), &files, layout);
            repo.commit_all("Records", "2026-01-05T10:00:00Z");
            if approve {
                repo.commit("Approve", ("Jane Doe", "jane@acme.example"), "2026-02-01T10:00:00Z")
                    .trailer("Approves: POL-1")
                    .trailer("Approved-by: Jane Doe <jane@acme.example>")
                    .allow_empty()
                    .run();
            }
            if edit {
                repo.write("policies/security.md", &format!("{POLICY}Edited.\n"));
                repo.commit_all("Edit", "2026-03-01T10:00:00Z");
            }
            let tree = check(repo.path(), &[]);
            let index = check(repo.path(), &["--staged"]);
            let rev = check(repo.path(), &["--rev", "HEAD"]);
            let verdict = tree.iter().any(|d| d["rule"] == "acme/policy-approved");
            prop_assert_eq!(verdict, !approve || edit, "{:#?}", tree);
            prop_assert_eq!(&tree, &index);
            prop_assert_eq!(&tree, &rev);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}
