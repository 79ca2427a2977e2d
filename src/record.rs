//! Records: the governance documents of the repository (SPEC 1.2), each with
//! its kind, id, JSON value (as schemas and rules see it) and the spanned YAML
//! tree it came from, so any JSON Pointer can be placed in the original file.

pub mod cache;
pub mod load;
pub mod markdown;
pub mod snapshot;
pub mod table;

use std::sync::Arc;

use crate::source::{Location, SourceFile, Span};
use crate::yaml::Node;

/// One governance record.
#[derive(Debug)]
pub struct Record {
    pub id: String,
    pub kind: String,
    /// The file the record came from.
    pub file: Arc<SourceFile>,
    /// Index of the YAML document within the file (0 for Markdown front
    /// matter; the data row, from 0, of a table).
    pub document: usize,
    /// The record as schemas and rules see it (Markdown records carry `body`).
    pub value: serde_json::Value,
    /// The spanned YAML tree; spans are relative to `offset`. For a table
    /// row (see [`table`]) it is built from the cells: an empty cell is a
    /// `Null` entry at its place (absent from `value`), so a finding about
    /// the absent field lands on that cell.
    pub tree: Tree,
    /// Byte offset of the YAML text inside the file (front matter start, else 0).
    pub offset: usize,
}

impl Record {
    /// Span in the file of the node at `pointer`, or of its nearest existing
    /// ancestor (a missing property is placed at the mapping that lacks it).
    pub fn span(&self, pointer: &str) -> Span {
        self.tree.nearest_span(pointer).shifted(self.offset)
    }

    pub fn location(&self, pointer: &str) -> Location {
        self.file.location(self.span(pointer))
    }

    /// Span of the mapping key at `pointer` (for unknown-key findings).
    pub fn key_location(&self, pointer: &str) -> Option<Location> {
        self.tree
            .key_span(pointer)
            .map(|s| self.file.location(s.shifted(self.offset)))
    }

    /// A top-level string field.
    pub fn str_field(&self, name: &str) -> Option<&str> {
        self.value.get(name).and_then(serde_json::Value::as_str)
    }

    /// A finding about this record, placed at `pointer`.
    pub fn finding(
        &self,
        rule: impl Into<String>,
        severity: crate::finding::Severity,
        message: impl Into<String>,
        pointer: &str,
    ) -> crate::finding::Finding {
        let mut f =
            crate::finding::Finding::new(rule, severity, message).at(Some(self.location(pointer)));
        f.record = Some(self.id.clone());
        f.kind = Some(self.kind.clone());
        f.pointer = Some(pointer.to_owned());
        f
    }
}

/// A record's spanned YAML tree. One taken from the record cache is
/// decoded from the cache's bytes when first read: a warm run reads the
/// trees only to place findings, so most records never need theirs, and
/// decoding all of them was a tenth of a warm check. The cache checked the
/// bytes when it took the entry (`cache::skip_node`), so decoding cannot
/// fail.
pub struct Tree(TreeState);

enum TreeState {
    Built(Node),
    Cached {
        body: Arc<Vec<u8>>,
        range: std::ops::Range<usize>,
        node: std::sync::OnceLock<Node>,
    },
}

impl Tree {
    /// The tree encoded at `range` of a record cache's `body`, already
    /// checked to decode.
    pub(crate) fn cached(body: Arc<Vec<u8>>, range: std::ops::Range<usize>) -> Tree {
        Tree(TreeState::Cached {
            body,
            range,
            node: std::sync::OnceLock::new(),
        })
    }
}

impl From<Node> for Tree {
    fn from(node: Node) -> Tree {
        Tree(TreeState::Built(node))
    }
}

impl std::ops::Deref for Tree {
    type Target = Node;

    fn deref(&self) -> &Node {
        match &self.0 {
            TreeState::Built(node) => node,
            TreeState::Cached { body, range, node } => {
                node.get_or_init(|| cache::decode_tree(&body[range.clone()]))
            }
        }
    }
}

impl std::fmt::Debug for Tree {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

/// All records of the repository, indexed by id and by kind so that rule
/// evaluation over cross-references stays linear.
#[derive(Debug, Default)]
pub struct RecordSet {
    records: Vec<Record>,
    // foldhash, not SipHash: every rule looks records up by id. Ids are
    // written by the repository's contributors, but foldhash is seeded
    // afresh by each process and a run reveals nothing of the seed, so
    // ids cannot be chosen to collide (and a lookup is a few percent of a
    // warm run with SipHash).
    by_id: foldhash::HashMap<String, usize>,
    by_kind: foldhash::HashMap<String, Vec<usize>>,
    /// Ids of records in files that could not be parsed (see
    /// [`load::Loaded::unreadable_ids`]).
    unreadable: foldhash::HashSet<String>,
}

impl RecordSet {
    /// Builds the set; the first record with a given id wins the index (the
    /// loader reports duplicates before this).
    pub fn new(records: Vec<Record>) -> Self {
        let mut by_id =
            foldhash::HashMap::with_capacity_and_hasher(records.len(), Default::default());
        let mut by_kind: foldhash::HashMap<String, Vec<usize>> = foldhash::HashMap::default();
        for (i, r) in records.iter().enumerate() {
            by_id.entry(r.id.clone()).or_insert(i);
            by_kind.entry(r.kind.clone()).or_default().push(i);
        }
        RecordSet {
            records,
            by_id,
            by_kind,
            unreadable: foldhash::HashSet::default(),
        }
    }

    /// The set, knowing that records with these ids exist in files that
    /// could not be parsed.
    #[must_use]
    pub fn with_unreadable(mut self, ids: impl IntoIterator<Item = String>) -> Self {
        self.unreadable.extend(ids);
        self
    }

    /// Whether `id` names a record whose file could not be parsed: a
    /// reference to it is neither dangling nor checkable.
    pub fn is_unreadable(&self, id: &str) -> bool {
        self.unreadable.contains(id)
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Record> {
        self.records.iter()
    }

    pub fn get(&self, id: &str) -> Option<&Record> {
        self.by_id.get(id).map(|&i| &self.records[i])
    }

    pub fn of_kind<'a>(&'a self, kind: &str) -> impl Iterator<Item = &'a Record> + 'a {
        self.by_kind
            .get(kind)
            .into_iter()
            .flatten()
            .map(move |&i| &self.records[i])
    }
}

/// A PascalCase kind name, as SPEC 1.2 requires of `kind`.
pub fn is_kind_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_alphanumeric())
}
