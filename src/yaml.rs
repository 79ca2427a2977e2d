//! The span-aware YAML 1.2 loader: text → documents of [`Node`]s, each node
//! knowing the byte range of the text it came from.
//!
//! This module owns YAML syntax and its meaning (core schema, tags, anchors,
//! duplicate keys, resource limits). It does not know about records, schemas
//! or line/column numbers: spans are byte offsets into the `text` given to
//! [`load`] (BOM and `\r\n` included), and callers turn them into places.
//!
//! Semantics, in short:
//! - **Core schema** (YAML 1.2) for plain scalars: `~`/`null`/empty are null;
//!   only `true`/`false` (three spellings each) are booleans, so `yes`/`on`
//!   stay strings; `012` is 12, `0o17` is 15, `0x1F` is 31; dates such as
//!   `2026-09-15` stay strings. Quoted and block scalars are strings.
//!   Integers outside `i64` become [`Value::Float`].
//! - **Tags**: `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!map`,
//!   `!!seq` are honoured (a value that does not fit its tag is an error); the
//!   non-specific `!` makes a scalar a string; any other tag (`!local`,
//!   `!!binary`, `!!set`, …) is ignored and the node keeps its untagged value.
//! - **Aliases** expand to copies of the anchored node. The copy's root takes
//!   the alias's span (a finding about the value points where it is used);
//!   its descendants keep their spans inside the anchored node, the only place
//!   their text exists. Copies count against [`Limits::max_alias_nodes`]
//!   before they are made.
//! - **Merge keys**: YAML 1.2 has none; `<<` is an ordinary key.
//! - **Duplicate keys** are an error at the second key, compared by their JSON
//!   key text (see [`Node::json_key`]), so a key that `to_json` would silently
//!   merge is always reported.

mod build;
mod offsets;
mod plain;
mod resolve;

use std::borrow::Cow;

use crate::source::Span;

/// The value of a node, resolved by the YAML 1.2 core schema.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    /// Also holds integers too large for `i64` (nearest `f64`), `.inf` and `.nan`.
    Float(f64),
    String(String),
    Seq(Vec<Node>),
    /// Entries in document order; keys are unique by [`Node::json_key`].
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// The kind's name for messages: `null`, `boolean`, `integer`, `number`,
    /// `string`, `sequence` or `mapping`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::String(_) => "string",
            Value::Seq(_) => "sequence",
            Value::Map(_) => "mapping",
        }
    }
}

/// A YAML node and the byte range of the text it was read from.
///
/// A scalar's span covers its properties and quotes (`&a !!str "x"`); a block
/// scalar's span covers its content without the trailing line breaks; a flow
/// collection's runs from `[`/`{` to `]`/`}`; a block collection's from its
/// first entry to the end of its last one.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

impl Node {
    /// The node as JSON: mappings become objects in document order, keys
    /// named by [`Node::json_key`]. `.inf`, `-.inf` and `.nan` have no JSON
    /// number, so they become the strings `".inf"`, `"-.inf"` and `".nan"`.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as Json;
        match &self.value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Int(n) => Json::from(*n),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map_or_else(|| Json::String(non_finite(*f).to_owned()), Json::Number),
            Value::String(s) => Json::String(s.clone()),
            Value::Seq(items) => Json::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => Json::Object(
                entries
                    .iter()
                    .map(|(key, value)| (key.json_key().into_owned(), value.to_json()))
                    .collect(),
            ),
        }
    }

    /// The text naming this node as a JSON object key: a string is itself;
    /// any other node is its compact JSON text (`1`, `true`, `null`, `1.5`,
    /// `[1,2]`, `{"a":1}`), with `.inf`/`-.inf`/`.nan` spelled so.
    ///
    /// A collection inside a collection key is written in place, not as the
    /// JSON string of its text (`{[1]: x}` gives `{[1]:"x"}`): quoting each
    /// level's text again would double its backslashes per level, and a
    /// hundred bytes of nested `? ` keys would take minutes and gigabytes.
    #[must_use]
    pub fn json_key(&self) -> Cow<'_, str> {
        match &self.value {
            Value::String(s) => Cow::Borrowed(s),
            Value::Null => Cow::Borrowed("null"),
            Value::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            Value::Int(n) => Cow::Owned(n.to_string()),
            Value::Float(f) if !f.is_finite() => Cow::Borrowed(non_finite(*f)),
            Value::Float(_) => Cow::Owned(self.to_json().to_string()),
            Value::Seq(_) | Value::Map(_) => {
                let mut text = String::new();
                self.write_key_text(&mut text);
                Cow::Owned(text)
            }
        }
    }

    /// Appends this node's compact JSON text to `out`, but for collection
    /// keys, which are written in place (see [`Node::json_key`]).
    fn write_key_text(&self, out: &mut String) {
        match &self.value {
            Value::Seq(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_key_text(out);
                }
                out.push(']');
            }
            Value::Map(entries) => {
                out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    match key.value {
                        Value::Seq(_) | Value::Map(_) => key.write_key_text(out),
                        _ => out.push_str(&serde_json::Value::from(key.json_key()).to_string()),
                    }
                    out.push(':');
                    value.write_key_text(out);
                }
                out.push('}');
            }
            // Scalars: their JSON, whose text is short and never nested.
            _ => out.push_str(&self.to_json().to_string()),
        }
    }

    /// The string, if this node is one.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value of the mapping entry whose key is `key` (by [`Node::json_key`]),
    /// if this node is a mapping that has one.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, value)| value)
    }

    /// The node at an RFC 6901 JSON Pointer (`""` is this node; `/a/0/b`;
    /// `~1` is `/` and `~0` is `~` in a segment), as in [`Node::to_json`].
    #[must_use]
    pub fn pointer(&self, json_pointer: &str) -> Option<&Node> {
        let mut node = self;
        for segment in segments(json_pointer)? {
            node = node.child(&segment)?.1;
        }
        Some(node)
    }

    /// Span of the deepest node on the way to `json_pointer`: the node itself
    /// if it exists (for a mapping entry, its value), else its nearest
    /// existing ancestor (e.g. the mapping that lacks a required key). A
    /// malformed pointer gives this node's span.
    #[must_use]
    pub fn nearest_span(&self, json_pointer: &str) -> Span {
        let mut node = self;
        for segment in segments(json_pointer).into_iter().flatten() {
            match node.child(&segment) {
                Some((_, child)) => node = child,
                None => break,
            }
        }
        node.span
    }

    /// Span of the *key* of the mapping entry at `json_pointer` (for "unknown
    /// key" diagnostics); `None` unless the entry exists and its parent is a
    /// mapping.
    #[must_use]
    pub fn key_span(&self, json_pointer: &str) -> Option<Span> {
        let mut node = self;
        let mut key = None;
        for segment in segments(json_pointer)? {
            let (k, child) = node.child(&segment)?;
            key = k;
            node = child;
        }
        key.map(|k| k.span)
    }

    fn entry(&self, key: &str) -> Option<&(Node, Node)> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k.json_key() == key),
            _ => None,
        }
    }

    /// One pointer step: the child and, in a mapping, its key.
    fn child(&self, segment: &str) -> Option<(Option<&Node>, &Node)> {
        match &self.value {
            Value::Map(_) => self.entry(segment).map(|(k, v)| (Some(k), v)),
            Value::Seq(items) => array_index(segment)
                .and_then(|i| items.get(i))
                .map(|item| (None, item)),
            _ => None,
        }
    }
}

fn non_finite(f: f64) -> &'static str {
    if f.is_nan() {
        ".nan"
    } else if f < 0.0 {
        "-.inf"
    } else {
        ".inf"
    }
}

/// The unescaped segments of a JSON Pointer; `None` if it is malformed.
fn segments(json_pointer: &str) -> Option<impl Iterator<Item = Cow<'_, str>>> {
    let rest = match json_pointer {
        "" => None,
        p => Some(p.strip_prefix('/')?),
    };
    Some(rest.into_iter().flat_map(|rest| rest.split('/')).map(|s| {
        if s.contains('~') {
            // Order matters: `~01` is `~1`, not `/`.
            Cow::Owned(s.replace("~1", "/").replace("~0", "~"))
        } else {
            Cow::Borrowed(s)
        }
    }))
}

/// RFC 6901 array index: `0` or digits without a leading zero.
fn array_index(segment: &str) -> Option<usize> {
    let canonical = segment == "0"
        || (!segment.starts_with('0') && segment.bytes().all(|b| b.is_ascii_digit()));
    if canonical {
        segment.parse().ok()
    } else {
        None
    }
}

/// One document of a YAML stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The document's node; an empty document (`---` alone) has a Null root.
    pub root: Node,
}

/// Why a YAML text could not be loaded, and where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct YamlError {
    /// What is wrong, without a location (the span says where).
    pub message: String,
    /// Byte range in the loaded text.
    pub span: Span,
    /// A second place that explains the first, with its label (the first
    /// definition of a duplicate key).
    pub related: Option<(String, Span)>,
    /// How to fix it, when the message alone does not say.
    pub help: Option<&'static str>,
}

/// Resource limits that bound the loader's time and memory on hostile input.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Deepest nesting of collections; the root collection is level 1.
    /// Keep it modest: the tree is later walked recursively.
    pub max_depth: usize,
    /// Most nodes that alias expansion may copy in one [`load`], the guard
    /// against "billion laughs" alias bombs.
    pub max_alias_nodes: usize,
    /// Most documents (`---`) one text may hold; the rest are not read.
    pub max_documents: usize,
    /// Most nodes (scalars and collections, aliases not expanded) one text
    /// may hold: memory is a few hundred bytes a node, and a 1 MiB file of
    /// `[1,1,1,…]` holds half a million.
    pub max_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 256,
            max_alias_nodes: 100_000,
            max_documents: 10_000,
            max_nodes: 200_000,
        }
    }
}

/// The outcome of [`load`]: the documents read, and the error that stopped
/// reading, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// Every complete document before the error (all of them without one), in order.
    pub documents: Vec<Document>,
    pub error: Option<YamlError>,
}

/// Loads every document of the YAML stream `text`, in order.
///
/// Documents before a syntax error are kept and the error is returned
/// alongside; the document it occurs in is dropped. Never panics, and time
/// and memory stay bounded by the text's size and `limits`. A leading BOM is
/// accepted; a stream with no documents gives none.
#[must_use]
pub fn load(text: &str, limits: &Limits) -> Loaded {
    build::load(text, limits, build::Reader::Fastest)
}

/// [`load`] through saphyr's slower character-iterator input, which must
/// agree with it on every text: the YAML fuzz target's oracle.
#[doc(hidden)]
#[must_use]
pub fn load_by_chars(text: &str, limits: &Limits) -> Loaded {
    build::load(text, limits, build::Reader::Chars)
}

#[cfg(test)]
mod tests;
