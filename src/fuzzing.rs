//! The entry points of the fuzz targets (`fuzz/`, docs/fuzzing.md): one
//! function per target, taking the fuzzer's bytes. Each runs a parser the
//! way govlint runs it on a repository's files and asserts what must hold
//! of the result (not only that it returns): every span lies inside the
//! input on character boundaries, every JSON Pointer to a node finds that
//! node, every finding's line and column are its span's, a decoded history
//! cache re-encodes to the bytes it was read from. A broken property panics,
//! which the fuzzer reports as a crash. Not an API: hidden, and free to
//! change with the parsers.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::finding::Finding;
use crate::record::load::{is_valid_id, load_file};
use crate::record::markdown;
use crate::record::snapshot::Content;
use crate::record::table::{self, CellType, Scalar};
use crate::rule::RuleSet;
use crate::source::{Location, SourceFile, Span};
use crate::yaml::{self, Node, Value};

/// Trees with more nodes than this are checked for their first ones only
/// (the pointer checks are quadratic in the worst case).
const MAX_CHECKED_NODES: usize = 2_000;

/// The separator of the parts of a multi-part input (the OpenPGP target's
/// keyring, signature and payload).
pub const PART: &[u8] = b"\n--govlint-fuzz-part--\n";

/// The YAML loader: spans, pointers and the JSON view of every document,
/// and the same result through either of saphyr's inputs.
pub fn yaml(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let limits = yaml::Limits::default();
    let loaded = yaml::load(&text, &limits);
    // Debug text, not `==`: a `.nan` is never equal to itself.
    assert_eq!(
        format!("{loaded:?}"),
        format!("{:?}", yaml::load_by_chars(&text, &limits)),
        "saphyr's two inputs disagree"
    );
    let aliases = text.contains('*');
    for doc in &loaded.documents {
        check_tree(&text, &doc.root, 0..text.len(), !aliases);
        // Known gap: the copy an alias makes does not count against the
        // depth limit (docs/fuzzing.md), so only alias-free text is held to it.
        let depth = depth(&doc.root);
        assert!(
            aliases || depth <= limits.max_depth,
            "a tree {depth} collections deep passed the limit of {}",
            limits.max_depth
        );
    }
    if let Some(e) = &loaded.error {
        check_span(&text, e.span, 0..text.len(), "error");
        if let Some((_, related)) = &e.related {
            check_span(&text, *related, 0..text.len(), "related");
        }
    }
}

/// Markdown front matter, split and then loaded as a record file, and the
/// same bytes loaded as a YAML record file.
pub fn front_matter(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let base = text.as_ptr() as usize;
    let fm = match markdown::split(&text) {
        None => None,
        Some(Err(unterminated)) => {
            check_span(&text, unterminated.span, 0..text.len(), "fence");
            None
        }
        Some(Ok(fm)) => {
            assert_eq!(fm.yaml.as_ptr() as usize - base, fm.offset, "yaml offset");
            let body_at = fm.body.as_ptr() as usize - base;
            assert_eq!(body_at + fm.body.len(), text.len(), "body is not the rest");
            assert!(
                fm.offset + fm.yaml.len() <= body_at,
                "yaml runs into the body"
            );
            Some(fm)
        }
    };
    let loaded = load_file("records/fuzz.md", Content::Bytes(data.to_vec()), u64::MAX);
    let source = loaded.source.as_deref();
    for f in &loaded.findings {
        check_finding(source, f);
    }
    for record in &loaded.records {
        let fm = fm.expect("a Markdown record without front matter");
        assert_eq!(record.offset, fm.offset);
        assert_eq!(record.value["body"], fm.body, "body");
        let region = fm.offset..fm.offset + fm.yaml.len();
        check_tree(&text[fm.offset..], &record.tree, 0..fm.yaml.len(), false);
        check_span(&text, record.span(""), region, "record");
    }
    let loaded = load_file("records/fuzz.yaml", Content::Bytes(data.to_vec()), u64::MAX);
    let source = loaded.source.as_deref();
    for f in &loaded.findings {
        check_finding(source, f);
    }
    for record in &loaded.records {
        assert!(is_valid_id(&record.id), "id {:?}", record.id);
        assert_eq!(record.value["id"], record.id.as_str());
        check_tree(&text, &record.tree, 0..text.len(), false);
    }
}

/// The kind of every table row the CSV target reads.
const TABLE_KIND: &str = "Risk";

/// A CSV table: every cell at its span, holding the text there, and the
/// record's JSON value agreeing with its tree.
pub fn csv_table(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let file = Arc::new(SourceFile::new("registers/fuzz.csv", text.as_ref()));
    // Types by the field's pointer, so the header the fuzzer writes picks them.
    let typing = |_kind: &str, pointer: &str| match pointer.len() % 6 {
        _ if pointer == "/id" => CellType::Scalar(Scalar::String),
        1 => CellType::Scalar(Scalar::Integer),
        2 => CellType::Scalar(Scalar::Number),
        3 => CellType::Scalar(Scalar::Boolean),
        4 => CellType::List(Scalar::String),
        5 => CellType::ScalarOrList(Scalar::String, Scalar::Integer),
        _ => CellType::Scalar(Scalar::String),
    };
    let max_rows = 64;
    let limits = table::TableLimits {
        max_rows,
        ..Default::default()
    };
    let result = table::parse(&file, TABLE_KIND, &typing, limits);
    assert!(result.records.len() <= max_rows);
    for f in &result.findings {
        check_finding(Some(&file), f);
    }
    for record in &result.records {
        assert!(is_valid_id(&record.id), "id {:?}", record.id);
        assert_eq!(record.value["id"], record.id.as_str());
        assert_eq!(record.value["kind"], TABLE_KIND);
        check_tree(&text, &record.tree, 0..text.len(), false);
        for (pointer, node, in_list) in nodes(&record.tree) {
            if !matches!(node.value, Value::Seq(_) | Value::Map(_) | Value::Null) {
                assert_eq!(
                    record.value.pointer(&pointer),
                    Some(&node.to_json()),
                    "value and tree differ at {pointer}"
                );
            }
            if let Value::String(s) = &node.value {
                let raw = &text[node.span.start..node.span.end];
                assert!(
                    reads_as(raw, s, in_list),
                    "cell {raw:?} at {:?} reads as {s:?}",
                    node.span
                );
            }
        }
    }
}

/// Whether a cell's raw text (or, `in_list`, a list item's) reads as `s`:
/// a quoted cell without its quotes, `""` as `"` and CRLF as LF; an item
/// reads either way (it may lie in a quoted cell or a plain one).
fn reads_as(raw: &str, s: &str, in_list: bool) -> bool {
    let unescape = |t: &str| t.replace("\"\"", "\"").replace("\r\n", "\n");
    if in_list {
        return raw == s || unescape(raw) == s;
    }
    match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) => unescape(inner) == s,
        None => raw == s,
    }
}

/// Commit trailers (`Approved-by:`, `Approves:`, …).
pub fn trailers(data: &[u8]) {
    crate::history::fuzz::trailers(&String::from_utf8_lossy(data));
}

/// An allowed-signers file.
pub fn allowed_signers(data: &[u8]) {
    crate::history::fuzz::allowed_signers(&String::from_utf8_lossy(data));
}

/// OpenPGP keys and a signature: the input is the keyring, [`PART`], the
/// armoured detached signature, [`PART`], the signed payload (missing parts
/// are empty).
pub fn openpgp(data: &[u8]) {
    let (keyring, rest) = split_part(data);
    let (signature, payload) = split_part(rest);
    crate::history::fuzz::openpgp(keyring, signature, payload);
}

fn split_part(data: &[u8]) -> (&[u8], &[u8]) {
    match data.windows(PART.len()).position(|w| w == PART) {
        Some(at) => (&data[..at], &data[at + PART.len()..]),
        None => (data, &[]),
    }
}

/// A raw commit object: what the cold walk's fast parser makes of it is
/// what libgit2 makes of it.
pub fn raw_commit(data: &[u8]) {
    crate::history::fuzz::raw_commit(data);
}

/// The history cache codec. The first byte chooses the file: even, the
/// commit facts (the rest is the file after its header); odd, the witness
/// file of a history of as many commits as the second byte says.
pub fn history_cache(data: &[u8]) {
    let dir = cache_dir();
    match data {
        [mode, commits, body @ ..] if mode % 2 == 1 => {
            crate::history::fuzz::cache(dir, body, Some(usize::from(*commits)));
        }
        [_, body @ ..] => crate::history::fuzz::cache(dir, body, None),
        [] => {}
    }
}

/// Where the history cache target writes its files: one folder a process,
/// under the system's temporary folder.
fn cache_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        std::env::temp_dir().join(format!("govlint-fuzz-cache-{}", std::process::id()))
    })
}

/// A repository rule file: loaded (schema-checked and compiled) alone, every
/// problem a `config` finding at its place in the file.
pub fn rule_file(data: &[u8]) {
    let file = Arc::new(SourceFile::new(
        "rules/fuzz.yaml",
        String::from_utf8_lossy(data).into_owned(),
    ));
    match RuleSet::load(&[], &[Arc::clone(&file)], &BTreeMap::new()) {
        Ok(set) => {
            for rule in set.rules() {
                if let Some(location) = &rule.location {
                    check_location(&file, location);
                }
            }
        }
        Err(findings) => {
            assert!(!findings.is_empty(), "an error without findings");
            for f in &findings {
                assert_eq!(f.rule, "config", "{f:?}");
                check_finding(Some(&file), f);
            }
        }
    }
}

/// A finding's location (and its related ones) lie in `file` where its line
/// and column say.
fn check_finding(file: Option<&SourceFile>, f: &Finding) {
    let locations = f
        .location
        .iter()
        .chain(f.related.iter().map(|r| &r.location));
    for location in locations {
        let file = file.unwrap_or_else(|| panic!("a finding placed in no file: {f:?}"));
        check_location(file, location);
    }
}

fn check_location(file: &SourceFile, location: &Location) {
    assert_eq!(location.file, file.path);
    check_span(&file.text, location.span, 0..file.text.len(), "finding");
    assert_eq!(
        (location.line, location.column),
        file.line_col(location.span.start),
        "line and column of {:?}",
        location.span
    );
}

/// `span` is ordered, inside `within` and on character boundaries of `text`.
fn check_span(text: &str, span: Span, within: std::ops::Range<usize>, what: &str) {
    assert!(
        span.start <= span.end && within.start <= span.start && span.end <= within.end,
        "{what} span {span:?} outside {within:?}"
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what} span {span:?} splits a character"
    );
}

/// Every node of `root` (the first [`MAX_CHECKED_NODES`]) lies inside
/// `within`, inside its parent too when `nested` (no aliases, whose copies
/// keep the anchored node's spans), and the JSON Pointer that names it
/// finds it, in the tree and in the tree's JSON.
fn check_tree(text: &str, root: &Node, within: std::ops::Range<usize>, nested: bool) {
    let json = root.to_json();
    let mut stack = vec![(String::new(), root, within.clone())];
    let mut seen = 0;
    while let Some((pointer, node, parent)) = stack.pop() {
        seen += 1;
        if seen > MAX_CHECKED_NODES {
            break;
        }
        check_span(
            text,
            node.span,
            if nested { parent } else { within.clone() },
            "node",
        );
        let found = root.pointer(&pointer);
        assert!(
            found.is_some_and(|n| std::ptr::eq(n, node)),
            "pointer {pointer:?} does not find its node"
        );
        assert_eq!(
            root.nearest_span(&pointer),
            node.span,
            "nearest span of {pointer:?}"
        );
        if seen <= 200 {
            assert_eq!(
                json.pointer(&pointer),
                Some(&node.to_json()),
                "JSON at {pointer:?}"
            );
        }
        let here = node.span.start..node.span.end;
        match &node.value {
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    stack.push((format!("{pointer}/{i}"), item, here.clone()));
                }
            }
            Value::Map(entries) => {
                for (key, value) in entries {
                    let child = format!("{pointer}/{}", escape(&key.json_key()));
                    check_span(
                        text,
                        key.span,
                        if nested { here.clone() } else { within.clone() },
                        "key",
                    );
                    assert_eq!(
                        root.key_span(&child),
                        Some(key.span),
                        "key span of {child:?}"
                    );
                    stack.push((child, value, here.clone()));
                }
            }
            _ => {}
        }
    }
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Every node with its pointer, and whether it is a list's item.
fn nodes(root: &Node) -> Vec<(String, &Node, bool)> {
    let mut out = Vec::new();
    let mut stack = vec![(String::new(), root, false)];
    while let Some((pointer, node, in_list)) = stack.pop() {
        match &node.value {
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    stack.push((format!("{pointer}/{i}"), item, true));
                }
            }
            Value::Map(entries) => {
                for (key, value) in entries {
                    stack.push((
                        format!("{pointer}/{}", escape(&key.json_key())),
                        value,
                        false,
                    ));
                }
            }
            _ => {}
        }
        out.push((pointer, node, in_list));
    }
    out
}

/// Collections nested in `root`, counting it (a scalar is depth 0).
fn depth(root: &Node) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(root, 1)];
    while let Some((node, level)) = stack.pop() {
        let children: Vec<&Node> = match &node.value {
            Value::Seq(items) => items.iter().collect(),
            Value::Map(entries) => entries.iter().flat_map(|(k, v)| [k, v]).collect(),
            _ => continue,
        };
        deepest = deepest.max(level);
        stack.extend(children.into_iter().map(|c| (c, level + 1)));
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every seed and regression input of every target (`fuzz/corpus/`,
    /// `fuzz/regressions/`), replayed by `cargo test` as by the fuzzer.
    #[test]
    fn the_fuzz_corpora_hold() {
        type Target = fn(&[u8]);
        let targets: [(&str, Target); 9] = [
            ("yaml", yaml),
            ("front_matter", front_matter),
            ("csv_table", csv_table),
            ("trailers", trailers),
            ("allowed_signers", allowed_signers),
            ("openpgp", openpgp),
            ("history_cache", history_cache),
            ("raw_commit", raw_commit),
            ("rule_file", rule_file),
        ];
        let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
        for (target, run) in targets {
            let mut inputs = 0;
            for folder in ["corpus", "regressions"] {
                let Ok(entries) = std::fs::read_dir(fuzz.join(folder).join(target)) else {
                    continue;
                };
                for entry in entries {
                    let bytes = std::fs::read(entry.unwrap().path()).unwrap();
                    run(&bytes);
                    inputs += 1;
                }
            }
            assert!(inputs > 0, "no seed corpus for the fuzz target {target}");
        }
        let _ = std::fs::remove_dir_all(cache_dir());
    }
}
