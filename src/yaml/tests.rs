//! Unit tests of the loader through its public interface.

use std::fmt::Write;

use serde_json::json;

use super::{load, Limits, Loaded, Node, Value};
use crate::source::Span;

fn load_ok(text: &str) -> Vec<Node> {
    let Loaded { documents, error } = load(text, &Limits::default());
    assert_eq!(error, None, "{text:?}");
    documents.into_iter().map(|d| d.root).collect()
}

fn one(text: &str) -> Node {
    let mut docs = load_ok(text);
    assert_eq!(docs.len(), 1, "{text:?}");
    docs.remove(0)
}

fn error(text: &str) -> super::YamlError {
    load(text, &Limits::default())
        .error
        .unwrap_or_else(|| panic!("no error for {text:?}"))
}

#[test]
fn core_schema() {
    let text = "\
null: [~, null, Null, NULL, ]
bool: [true, True, TRUE, false, False, FALSE]
strings: [yes, no, on, off, y, n, 2026-09-15, 12:30, 1_000, 'true', \"12\", tRUE]
int: [012, 0o17, 0x1F, -5, +5]
float: [1.5, -.5, 1e3, 1., .inf, -.Inf, .NAN]
block: |
  12
";
    let json = one(text).to_json();
    assert_eq!(
        json,
        json!({
            "null": [null, null, null, null],
            "bool": [true, true, true, false, false, false],
            "strings": ["yes", "no", "on", "off", "y", "n", "2026-09-15", "12:30", "1_000", "true", "12", "tRUE"],
            "int": [12, 15, 31, -5, 5],
            "float": [1.5, -0.5, 1000.0, 1.0, ".inf", "-.inf", ".nan"],
            "block": "12\n",
        })
    );
}

#[test]
fn tags() {
    let json = one(
        "[!!str 12, !!int '7', !!float 1, !!bool 'true', !!null '', ! 5, !x 5, !x '5', !!binary 5]",
    )
    .to_json();
    assert_eq!(json, json!(["12", 7, 1.0, true, null, "5", 5, "5", 5]));
    assert_eq!(one("!!map {a: 1}").to_json(), json!({"a": 1}));
    assert_eq!(one("--- !!set\n? a\n").to_json(), json!({"a": null}));
    for bad in [
        "!!int abc",
        "!!bool yes",
        "!!null 0",
        "!!map a",
        "!!seq {}",
        "!!map []",
        "!!str [a]",
    ] {
        let e = error(bad);
        assert!(e.message.contains("!!"), "{bad:?}: {e:?}");
    }
}

#[test]
fn merge_key_is_an_ordinary_key() {
    let json = one("base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n").to_json();
    assert_eq!(json["derived"], json!({"<<": {"x": 1}, "y": 2}));
}

#[test]
fn non_string_keys_use_their_json_text() {
    let json = one("1: a\ntrue: b\n~: c\n1.5: d\n[x, 2]: e\n").to_json();
    assert_eq!(
        json,
        json!({"1": "a", "true": "b", "null": "c", "1.5": "d", "[\"x\",2]": "e"})
    );
}

#[test]
fn collection_keys_are_their_compact_json_with_nested_keys_in_place() {
    let doc = one("{a: [1, 'q\"t'], b: {c: 1.5, 2: ~}}: v\n");
    let Value::Map(entries) = &doc.value else {
        panic!("{doc:?}")
    };
    let key = &entries[0].0;
    assert_eq!(key.json_key(), key.to_json().to_string());
    assert_eq!(key.json_key(), r#"{"a":[1,"q\"t"],"b":{"c":1.5,"2":null}}"#);

    let doc = one("? [? {k: 1}: x, 'y']\n: v\n");
    assert_eq!(
        doc.to_json(),
        json!({r#"[{{"k":1}:"x"},"y"]"#: "v"}),
        "the inner key is written in place, not quoted"
    );
}

/// Each level of nested keys once quoted the text of the level inside it,
/// doubling its backslashes: 134 bytes of `? :` took seconds (fuzzing).
#[test]
fn nested_collection_keys_grow_linearly() {
    let text = "- ? - ? :  ? :  ? :  ? : :  ? :  ? :  ? :  ? : :  ? :  ? :  ? : :  ? :  ? ? :  ? : :  ? :  ? : :  ? :  :  ? : ? : :  ? :  ? : :  ? : x";
    let root = one(text);
    let Value::Seq(items) = &root.value else {
        panic!("{root:?}")
    };
    let Value::Map(entries) = &items[0].value else {
        panic!("{root:?}")
    };
    let key = entries[0].0.json_key();
    assert!(
        key.len() < 4 * text.len(),
        "{} bytes of key text",
        key.len()
    );
    assert!(root.to_json().to_string().len() < 8 * text.len());
}

#[test]
fn spans_are_byte_offsets_with_bom_crlf_and_multibyte_text() {
    let text = "\u{feff}name: Zoë\r\nlist:\r\n  - 'é'\r\n  - 2\r\n---\r\nk: |\r\n  x\r\n\r\n...\r\n--- \r\n";
    let docs = load_ok(text);
    assert_eq!(docs.len(), 3);
    let at = |span: Span| &text[span.start..span.end];

    let first = &docs[0];
    assert_eq!(first.span, Span::new(3, 37));
    assert_eq!(first.key_span("/name"), Some(Span::new(3, 7)));
    assert_eq!(first.nearest_span("/name"), Span::new(9, 13));
    assert_eq!(at(first.nearest_span("/name")), "Zoë");
    assert_eq!(at(first.nearest_span("/list/0")), "'é'");
    assert_eq!(first.nearest_span("/list/1"), Span::new(36, 37));
    assert_eq!(at(first.nearest_span("/list")), "- 'é'\r\n  - 2");

    let second = &docs[1];
    assert_eq!(second.get("k").map(Node::to_json), Some(json!("x\n")));
    assert_eq!(at(second.nearest_span("/k")), "x");

    assert_eq!(docs[2].value, Value::Null);
}

/// saphyr's `&str` input counts a directive's bytes as characters; a
/// non-ASCII directive line must not shift the spans after it.
#[test]
fn spans_after_a_non_ascii_directive() {
    fn span_of(node: &Node, wanted: &str) -> Option<Span> {
        match &node.value {
            Value::String(s) if s == wanted => Some(node.span),
            Value::Seq(items) => items.iter().find_map(|n| span_of(n, wanted)),
            Value::Map(entries) => entries
                .iter()
                .find_map(|(k, v)| span_of(k, wanted).or_else(|| span_of(v, wanted))),
            _ => None,
        }
    }
    let texts = [
        "%é\n---\nkey: Zoë\n",
        "%FOO ünïcode # ç\n--- \nkey: Zoë\n",
        "\u{feff}%\u{fffd}\u{fffd}-\n---\n? - Zoë\n",
        "%YAML 1.2\n%ÉTIQUETTE x\r\n---\r\nkey: Zoë\r\n",
        "a: 1\n...\n%RÉSERVÉ\n---\nkey: Zoë\n",
    ];
    for text in texts {
        let docs = load_ok(text);
        let zoe = text.find("Zoë").expect("the value");
        let found = docs.iter().find_map(|d| span_of(d, "Zoë"));
        assert_eq!(found, Some(Span::new(zoe, zoe + "Zoë".len())), "{text:?}");
    }
}

#[test]
fn collection_spans() {
    let text = "flow: {x: [1, 2]}   # comment\nlist:\n- a\n- b: c\n  d: e\n\n# end\n";
    let doc = one(text);
    let at = |pointer: &str| &text[doc.nearest_span(pointer).start..doc.nearest_span(pointer).end];
    assert_eq!(at("/flow"), "{x: [1, 2]}");
    assert_eq!(at("/flow/x"), "[1, 2]");
    assert_eq!(at("/list"), "- a\n- b: c\n  d: e");
    assert_eq!(at("/list/1"), "b: c\n  d: e");
    assert_eq!(at(""), &text[..text.find("\n\n").unwrap_or(0)]);
}

#[test]
fn streams_and_documents() {
    assert!(load_ok("").is_empty());
    assert!(load_ok("# only a comment\n").is_empty());
    assert_eq!(load_ok("---\n").len(), 1);
    assert_eq!(load_ok("---\n")[0].value, Value::Null);
    assert_eq!(load_ok("a\n---\nb\n...\n").len(), 2);

    let loaded = load("a: 1\n---\nb: 2\n---\n[c\n", &Limits::default());
    assert_eq!(loaded.documents.len(), 2);
    assert!(loaded.error.is_some());
}

#[test]
fn duplicate_keys() {
    let text = "x: 1\ny:\n  z: 2\nx: 3\n";
    let e = error(text);
    assert_eq!(e.message, "duplicate key `x` (first defined 3 lines above)");
    assert_eq!(e.span, Span::new(15, 16));
    assert_eq!(
        e.related,
        Some(("`x` first defined here".to_owned(), Span::new(0, 1)))
    );
    assert_eq!(
        error("{a: 1, a: 2}").message,
        "duplicate key `a` (first defined on the same line)"
    );
    // Equal after resolution, or equal in the JSON view.
    assert!(error("{0x10: a, 16: b}").message.contains("`16`"));
    assert!(error("{1: a, '1': b}").message.contains("`1`"));
    assert!(error("{[a]: 1, [a]: 2}").message.contains("duplicate key"));
    assert!(load("{a: 1, b: {a: 2}}", &Limits::default())
        .error
        .is_none());

    // Mappings past the linear scan find duplicates through their key table:
    // before it is built, when it is built, and after.
    for dup in [3, 15, 16, 30, 39] {
        let mut text: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
        text.push_str(&format!("k{dup}: again\n"));
        let e = error(&text);
        assert_eq!(
            e.message.split(" (").next(),
            Some(&*format!("duplicate key `k{dup}`"))
        );
        let at = text.find(&format!("k{dup}:")).expect("first key");
        assert_eq!(e.related.map(|r| r.1.start), Some(at), "k{dup}");
    }
    let unique: String = (0..100).map(|i| format!("k{i}: {i}\n")).collect();
    assert!(load(&unique, &Limits::default()).error.is_none());
}

#[test]
fn aliases_expand_and_bombs_are_refused() {
    let doc = one("a: &x {k: [1, 2]}\nb: *x\n");
    assert_eq!(doc.get("b").map(Node::to_json), Some(json!({"k": [1, 2]})));
    // The copy's root points at the alias, its insides at the anchored text.
    assert_eq!(doc.nearest_span("/b"), Span::new(21, 23));
    assert_eq!(doc.nearest_span("/b/k"), doc.nearest_span("/a/k"));

    let mut bomb = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..=9 {
        let p = i - 1;
        let aliases = vec![format!("*a{p}"); 9].join(", ");
        writeln!(bomb, "a{i}: &a{i} [{aliases}]").unwrap();
    }
    let e = error(&bomb);
    assert_eq!(
        e.message,
        "alias expansion exceeds 100000 nodes (billion laughs?)"
    );

    let small = Limits {
        max_alias_nodes: 5,
        ..Limits::default()
    };
    assert!(load("- &a [1, 2]\n- *a\n", &small).error.is_none());
    assert!(load("- &a [1, 2]\n- *a\n- *a\n", &small).error.is_some());

    assert!(error("&a [*a]").message.contains("recursive"));
    assert!(error("&a x\n--- *a\n").message.contains("another document"));
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for bomb in [
        "[".repeat(100_000),
        "{".repeat(100_000),
        "- ".repeat(100_000) + "x",
        "[".repeat(100_000) + &"]".repeat(100_000),
    ] {
        let loaded = load(&bomb, &Limits::default());
        assert!(loaded.error.is_some());
        assert!(loaded.documents.is_empty());
    }
    let limits = Limits {
        max_depth: 3,
        ..Limits::default()
    };
    assert!(load("a: {b: [c]}", &limits).error.is_none());
    let e = load("a: {b: [[c]]}", &limits).error;
    assert_eq!(
        e.map(|e| (e.message, e.span)),
        Some(("nesting deeper than 3 levels".to_owned(), Span::new(8, 9)))
    );
    let nested = "- ".repeat(256) + "x";
    assert!(load(&nested, &Limits::default()).error.is_none());
    let nested = "- ".repeat(257) + "x";
    assert!(load(&nested, &Limits::default()).error.is_some());
}

#[test]
fn syntax_errors_have_spans() {
    let text = "a: 1\nb: [x, y\n";
    let e = error(text);
    assert!(e.span.start >= 8 && e.span.end <= text.len(), "{e:?}");
}

#[test]
fn pointers() {
    let doc = one("a:\n  b~c: [x, {d/e: y}]\n  '': empty\n");
    assert_eq!(doc.pointer("").map(|n| n.span), Some(doc.span));
    assert_eq!(
        doc.pointer("/a/b~0c/1/d~1e").and_then(Node::as_str),
        Some("y")
    );
    assert_eq!(doc.pointer("/a/").and_then(Node::as_str), Some("empty"));
    assert_eq!(doc.pointer("/a/b~0c/01"), None);
    assert_eq!(doc.pointer("/a/b~0c/2"), None);
    assert_eq!(doc.pointer("/a/b~0c/-"), None);
    assert_eq!(doc.pointer("a"), None);

    let list = doc.pointer("/a/b~0c").map(|n| n.span);
    assert_eq!(list, Some(Span::new(10, 23)));
    assert_eq!(Some(doc.nearest_span("/a/b~0c/7/x")), list);
    assert_eq!(doc.nearest_span("/a/b~0c/1/d~1e"), Span::new(20, 21));
    assert_eq!(doc.nearest_span("no-slash"), doc.span);
    assert_eq!(doc.key_span("/a/b~0c"), Some(Span::new(5, 8)));
    assert_eq!(doc.key_span("/a/b~0c/1/d~1e"), Some(Span::new(15, 18)));
    assert_eq!(doc.key_span("/a/b~0c/0"), None);
    assert_eq!(doc.key_span("/a/missing"), None);
    assert_eq!(doc.key_span(""), None);
}

#[test]
fn documents_beyond_the_limit_are_not_read() {
    let limits = Limits {
        max_documents: 2,
        ..Limits::default()
    };
    let text = "a: 1\n---\nb: 2\n---\nc: 3\n---\nd: 4\n";
    let loaded = load(text, &limits);
    assert_eq!(loaded.documents.len(), 2);
    let e = loaded.error.expect("over the limit");
    assert_eq!(
        e.message,
        "more than 2 documents in one file; the rest are not read"
    );
    assert_eq!(e.span.start, text.find("---\nc").expect("third"));
    assert!(e.help.is_some_and(|h| h.contains("limits.max_documents")));
    assert!(load(text, &Limits::default()).error.is_none());
}

#[test]
fn control_characters_are_named() {
    for text in ["kind: Role\nname: \"a\0b\"\n", "kind: Role\nname: a\0b\n"] {
        let e = error(text);
        assert_eq!(
            e.message,
            "control character U+0000 (a NUL byte) in the text: YAML allows none but tab and line breaks"
        );
        let at = text.find('\0').expect("nul");
        assert_eq!(e.span, Span::new(at, at + 1));
    }
    let loaded = load("a: 1\n---\nb: \u{7}\n", &Limits::default());
    assert_eq!(loaded.documents.len(), 1);
    assert!(loaded.error.is_some_and(|e| e.message.contains("U+0007")));
    assert!(load("a: \"tab\there\"\r\n", &Limits::default())
        .error
        .is_none());
}

#[test]
fn nodes_beyond_the_limit_stop_the_file() {
    let limits = Limits {
        max_nodes: 10,
        ..Limits::default()
    };
    // The root mapping, 2 keys, the sequence and its first items: the 11th
    // node is the seventh `1`.
    let text = "a: 1\nb: [1, 1, 1, 1, 1, 1, 1, 1]\n";
    let loaded = load(text, &limits);
    assert!(loaded.documents.is_empty());
    let e = loaded.error.expect("over the limit");
    assert_eq!(
        e.message,
        "more than 10 YAML nodes in one file; the rest of the file is not read"
    );
    assert_eq!(e.span.start, 24);
    assert!(e.help.is_some_and(|h| h.contains("limits.max_nodes")));
    assert!(load(text, &Limits::default()).error.is_none());
}
