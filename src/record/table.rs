//! Tables (SPEC 1.4): a CSV file declared under `records.tables` yields one
//! record of the declared kind per row.
//!
//! - RFC 4180, UTF-8 (a BOM is skipped), `\n`, `\r\n` or `\r` line endings;
//!   quoted cells may hold commas, line breaks and doubled quotes. Reading is
//!   done by `csv-core` (the `csv` crate's own reader), which says how many
//!   bytes each field took; the cell's place is then found in the raw text,
//!   so every cell keeps its exact span.
//! - A line break inside a quoted cell reads as `\n` (as in YAML), whatever
//!   the file's line endings.
//! - The header row names the fields; `residual/level` is the field `level`
//!   of the nested mapping `residual`. A cell that is empty (or only blanks)
//!   is an absent field, and a row whose cells are all empty is skipped.
//! - Cells are typed by the kind's schema, asked through [`Typing`] (the
//!   record layer does not know schemas): integers, numbers, booleans
//!   (`true`/`false`, any case), and lists whose items a `;` separates (each
//!   item trimmed, empty items dropped). A cell that does not convert stays
//!   the string it is, so the schema reports it at the cell.
//! - Spans: every value node has its cell's span (a list item its own part of
//!   the cell); a mapping entry's key node has the cell's span too, so an
//!   unknown column is reported on the row. An *empty* cell stays in the
//!   record's `tree` as a `Null` node at its place (but not in `value`), so
//!   a finding about the absent field lands on that cell; the row's mapping
//!   (and each nested mapping) has the span of its first cell, where a
//!   finding about a field the table has no column for lands.
//! - `parse` findings at their place: a duplicate, empty-named or clashing
//!   header, a `kind` column, no `id` column, a row without an id, a ragged
//!   row, an unterminated quote or text after a closing quote, rows beyond
//!   the limit. A bad row is skipped; the other rows are still read.

use std::collections::HashMap;
use std::sync::Arc;

use globset::{GlobSet, GlobSetBuilder};

use super::Record;
use crate::finding::{Code, Finding, Related};
use crate::source::{SourceFile, Span};
use crate::yaml::{Node, Value};

/// One `records.tables` entry: the files (a glob) and the kind of their rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSpec {
    pub files: String,
    pub kind: String,
}

/// The scalar a cell (or a list item) converts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    String,
    Integer,
    Number,
    Boolean,
}

/// How the kind's schema types the field a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellType {
    /// One value.
    Scalar(Scalar),
    /// A list: the cell's `;`-separated items.
    List(Scalar),
    /// Either (e.g. "an e-mail or a list of them"): a cell holding a `;` is
    /// a list of the second, any other cell one value of the first.
    ScalarOrList(Scalar, Scalar),
}

/// The typing of cells, by kind and JSON Pointer of the field
/// (`/residual/level`). The application implements it from the schemas
/// (`impl Typing for SchemaSet` in `schema.rs`).
pub trait Typing: Sync {
    fn cell_type(&self, kind: &str, pointer: &str) -> CellType;
}

/// Every cell a string (no schema known).
pub struct Untyped;

impl Typing for Untyped {
    fn cell_type(&self, _kind: &str, _pointer: &str) -> CellType {
        CellType::Scalar(Scalar::String)
    }
}

impl<F: Fn(&str, &str) -> CellType + Sync> Typing for F {
    fn cell_type(&self, kind: &str, pointer: &str) -> CellType {
        self(kind, pointer)
    }
}

/// The `records.tables` entries, compiled: which files are tables, of
/// which kind, and how many rows a table may have.
#[derive(Debug, Clone)]
pub struct Tables {
    globs: GlobSet,
    kinds: Vec<String>,
    /// Rows beyond this many are not read (one finding says so).
    pub max_rows: usize,
}

impl Default for Tables {
    fn default() -> Self {
        Tables {
            globs: GlobSet::empty(),
            kinds: Vec::new(),
            max_rows: DEFAULT_MAX_ROWS,
        }
    }
}

/// `limits.max_table_rows` when govlint.yaml does not say: as many as
/// `limits.max_documents` lets a YAML file hold, so that no one file of the
/// default size limit makes more than 10,000 records (a 1 MiB CSV of short
/// rows would make 100,000, and hundreds of MiB of records and findings).
pub const DEFAULT_MAX_ROWS: usize = 10_000;

/// `limits.max_cell_bytes` when govlint.yaml does not say: 64 KiB.
pub const DEFAULT_MAX_CELL_BYTES: usize = 64 * 1024;

/// What one table may hold (`limits.max_table_rows`, `limits.max_cell_bytes`).
#[derive(Debug, Clone, Copy)]
pub struct TableLimits {
    /// Rows beyond this many are not read (one finding says so).
    pub max_rows: usize,
    /// A row with a cell longer than this (in bytes, unescaped) is not read.
    pub max_cell_bytes: usize,
}

impl Default for TableLimits {
    fn default() -> Self {
        TableLimits {
            max_rows: DEFAULT_MAX_ROWS,
            max_cell_bytes: DEFAULT_MAX_CELL_BYTES,
        }
    }
}

impl Tables {
    /// Compiles the entries (globs as `records.include` spells them).
    pub fn new(specs: &[TableSpec], max_rows: usize) -> Result<Tables, globset::Error> {
        let mut b = GlobSetBuilder::new();
        for s in specs {
            b.add(
                globset::GlobBuilder::new(&s.files)
                    .literal_separator(true)
                    .build()?,
            );
        }
        Ok(Tables {
            globs: b.build()?,
            kinds: specs.iter().map(|s| s.kind.clone()).collect(),
            max_rows,
        })
    }

    /// The kind of the rows of `path`, if a table entry matches it (the
    /// first entry that does).
    pub fn kind_of(&self, path: &str) -> Option<&str> {
        let first = self.globs.matches(path).into_iter().min()?;
        self.kinds.get(first).map(String::as_str)
    }
}

/// What one table yields.
#[derive(Debug, Default)]
pub struct TableResult {
    pub records: Vec<Record>,
    pub findings: Vec<Finding>,
    /// Ids of rows that could not be read (ragged, a bad quote): the records
    /// exist, so references to them are not dangling.
    pub unreadable_ids: Vec<String>,
}

/// One cell as read: its span in the file (from its first byte, the opening
/// quote of a quoted cell, to its last), and its unescaped text.
#[derive(Debug, Clone)]
struct Cell {
    span: Span,
    text: String,
    quoted: bool,
}

/// One CSV record (row) as read, or the syntax error that spoils it.
#[derive(Debug)]
struct Row {
    cells: Vec<Cell>,
    /// An unterminated quote, or text after a closing quote: (message, span).
    error: Option<(String, Span)>,
}

/// Reads every CSV record of `text` (blank lines are skipped).
fn rows(text: &str) -> Vec<Row> {
    let bytes = text.as_bytes();
    let mut reader = csv_core::Reader::new();
    let mut out = vec![0u8; 1024];
    let mut rows = Vec::new();
    let mut cells = Vec::new();
    let mut error: Option<(String, Span)> = None;
    let mut pos = 0;
    let mut field_start: Option<usize> = None;
    let mut nout_total = 0;
    loop {
        let input = &bytes[pos..];
        let start = *field_start.get_or_insert(pos);
        let (res, nin, nout) = reader.read_field(input, &mut out[nout_total..]);
        pos += nin;
        nout_total += nout;
        match res {
            csv_core::ReadFieldResult::InputEmpty => {
                if input.is_empty() {
                    break;
                }
            }
            csv_core::ReadFieldResult::OutputFull => {
                let len = out.len();
                out.resize(len * 2, 0);
            }
            csv_core::ReadFieldResult::Field { record_end } => {
                let (cell, problem) = cell_at(text, start, cells.is_empty(), &out[..nout_total]);
                if error.is_none() {
                    error = problem;
                }
                cells.push(cell);
                field_start = None;
                nout_total = 0;
                if record_end {
                    rows.push(Row {
                        cells: std::mem::take(&mut cells),
                        error: error.take(),
                    });
                }
            }
            csv_core::ReadFieldResult::End => break,
        }
    }
    if !cells.is_empty() {
        rows.push(Row { cells, error });
    }
    rows
}

/// The cell whose field the reader began at byte `from`: skips a BOM and,
/// for a record's first field, the line breaks the reader consumed before it
/// (the end of the previous record, blank lines), then finds the cell's end
/// in the raw text.
fn cell_at(
    text: &str,
    from: usize,
    first_in_record: bool,
    unescaped: &[u8],
) -> (Cell, Option<(String, Span)>) {
    let bytes = text.as_bytes();
    let mut start = from;
    if start == 0 && text.starts_with('\u{feff}') {
        start = 3;
    }
    while first_in_record && start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
        start += 1;
    }
    let mut problem = None;
    let quoted = bytes.get(start) == Some(&b'"');
    let end = if quoted {
        let mut i = start + 1;
        loop {
            match bytes[i.min(bytes.len())..].iter().position(|&b| b == b'"') {
                None => {
                    problem = Some((
                        "quote is never closed: close it with `\"` (a `\"` inside a quoted cell is written `\"\"`)".to_owned(),
                        Span::new(start, start + 1),
                    ));
                    break bytes.len();
                }
                Some(q) if bytes.get(i + q + 1) == Some(&b'"') => i += q + 2,
                Some(q) => {
                    let close = i + q + 1;
                    if !matches!(bytes.get(close), None | Some(b',' | b'\r' | b'\n')) {
                        let stray_end = bytes[close..]
                            .iter()
                            .position(|&b| matches!(b, b',' | b'\r' | b'\n'))
                            .map_or(bytes.len(), |p| close + p);
                        problem = Some((
                            "text after the closing quote of a cell: quote the whole cell (`\"…\"`), writing a `\"` inside it as `\"\"`".to_owned(),
                            Span::new(close, stray_end),
                        ));
                        break stray_end;
                    }
                    break close;
                }
            }
        }
    } else {
        bytes[start.min(bytes.len())..]
            .iter()
            .position(|&b| matches!(b, b',' | b'\r' | b'\n'))
            .map_or(bytes.len(), |p| start + p)
    };
    let mut text = String::from_utf8_lossy(unescaped).into_owned();
    if quoted && text.contains("\r\n") {
        // A line break in a cell reads as `\n`, as in YAML.
        text = text.replace("\r\n", "\n");
    }
    let cell = Cell {
        span: Span::new(start.min(bytes.len()), end),
        text,
        quoted,
    };
    (cell, problem)
}

impl Cell {
    fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// The file offset of byte `at` of the cell's text: past the opening
    /// quote, a doubled quote counting once and a `\r\n` as its `\n`.
    fn file_offset(&self, raw: &str, at: usize) -> usize {
        if !self.quoted {
            return self.span.start + at;
        }
        let body = raw.as_bytes();
        let (mut i, mut n) = (1, 0);
        while n < at && i < body.len() {
            if body[i] == b'\r' && body.get(i + 1) == Some(&b'\n') {
                i += 1;
                continue;
            }
            i += if body[i] == b'"' { 2 } else { 1 };
            n += 1;
        }
        self.span.start + i
    }
}

/// One column of the header: the field it fills, or none (reported).
struct Column {
    /// Path segments (`residual/level` → `["residual", "level"]`).
    path: Vec<String>,
    pointer: String,
}

fn pointer_of(path: &[String]) -> String {
    path.iter()
        .map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1")))
        .collect()
}

/// Reads the table `file`, whose rows are records of `kind`.
pub fn parse(
    file: &Arc<SourceFile>,
    kind: &str,
    typing: &dyn Typing,
    limits: TableLimits,
) -> TableResult {
    let TableLimits {
        max_rows,
        max_cell_bytes,
    } = limits;
    let mut out = TableResult::default();
    let at = |span: Span| Some(file.location(span));
    let parse_at = |span: Span, message: String| Finding::code(Code::Parse, message).at(at(span));
    let mut all = rows(&file.text).into_iter();
    let Some(header) = all.next() else {
        return out;
    };
    let data: Vec<Row> = all.collect();
    if let Some((message, span)) = &header.error {
        out.findings.push(parse_at(*span, message.clone()));
        return out;
    }
    let columns = columns(file, &header, &data, kind, &mut out.findings);
    let Some(id_col) = columns
        .iter()
        .position(|c| c.as_ref().is_some_and(|c| c.pointer == "/id"))
    else {
        out.findings.push(parse_at(
            header.cells[0].span,
            format!(
                "table has no `id` column: every row of a table is a {kind} record and needs a unique id; add an `id` column to the header"
            ),
        ));
        return out;
    };
    let mut read = 0usize;
    for (index, row) in data.into_iter().enumerate() {
        if row.cells.iter().all(Cell::is_empty) && row.error.is_none() {
            continue;
        }
        if read == max_rows {
            out.findings.push(parse_at(
                row.cells[0].span,
                format!(
                    "table has more than {max_rows} rows; rows from here on are not read (raise `limits.max_table_rows` in govlint.yaml, or split the table)"
                ),
            ));
            break;
        }
        read += 1;
        let id_cell = row.cells.get(id_col).filter(|c| !c.is_empty());
        if let Some((message, span)) = &row.error {
            out.findings.push(parse_at(*span, message.clone()));
            out.unreadable_ids.extend(
                id_cell
                    .filter(|c| super::load::is_valid_id(&c.text))
                    .map(|c| c.text.clone()),
            );
            continue;
        }
        if let Some(big) = row.cells.iter().find(|c| c.text.len() > max_cell_bytes) {
            out.findings.push(parse_at(
                big.span,
                format!(
                    "cell is {} bytes, over the limit of {max_cell_bytes} bytes; the row is not read (shorten the cell, or raise `limits.max_cell_bytes` in govlint.yaml)",
                    big.text.len()
                ),
            ));
            out.unreadable_ids.extend(
                id_cell
                    .filter(|c| c.text.len() <= max_cell_bytes && super::load::is_valid_id(&c.text))
                    .map(|c| c.text.clone()),
            );
            continue;
        }
        if row.cells.len() != header.cells.len() {
            let (have, want) = (row.cells.len(), header.cells.len());
            let span = match row.cells.get(want) {
                Some(extra) => extra.span,
                None => {
                    let end = row.cells[have - 1].span.end;
                    Span::new(end, end)
                }
            };
            out.findings.push(parse_at(
                span,
                format!(
                    "row has {have} cell{}, the header {want}: every row needs one cell per column (an empty cell is an absent field); the row is skipped",
                    if have == 1 { "" } else { "s" }
                ),
            ));
            out.unreadable_ids.extend(
                id_cell
                    .filter(|c| super::load::is_valid_id(&c.text))
                    .map(|c| c.text.clone()),
            );
            continue;
        }
        let Some(id_cell) = id_cell else {
            out.findings.push(parse_at(
                row.cells[id_col].span,
                format!("row has no id: fill in its `id` cell (every row of a table is a {kind} record with a unique id)"),
            ));
            continue;
        };
        if !super::load::is_valid_id(&id_cell.text) {
            out.findings.push(
                Finding::code(
                    Code::RecordInvalidId,
                    format!(
                        "id `{}` must start with a letter or digit and hold only letters, digits, `.`, `_` and `-`",
                        id_cell.text
                    ),
                )
                .at(at(id_cell.span)),
            );
            continue;
        }
        out.records
            .push(record(file, kind, index, &row, &columns, typing));
    }
    out
}

/// The header's columns (`None` for one that is reported and ignored).
fn columns(
    file: &SourceFile,
    header: &Row,
    data: &[Row],
    kind: &str,
    findings: &mut Vec<Finding>,
) -> Vec<Option<Column>> {
    let parse_at = |span: Span, message: String| {
        Finding::code(Code::Parse, message).at(Some(file.location(span)))
    };
    let mut columns: Vec<Option<Column>> = Vec::new();
    let mut seen: HashMap<Vec<String>, Span> = HashMap::new();
    for (i, cell) in header.cells.iter().enumerate() {
        let name = cell.text.trim();
        let path: Vec<String> = name.split('/').map(|s| s.trim().to_owned()).collect();
        let problem = if name.is_empty() {
            let used = data
                .iter()
                .any(|r| r.cells.get(i).is_some_and(|c| !c.is_empty()));
            used.then(|| format!("column {} has no name in the header, but some rows fill it: name it (the header names each row's fields)", i + 1))
        } else if path.iter().any(String::is_empty) {
            Some(format!("column name `{name}` has an empty part: nested fields are written `residual/level`"))
        } else if path[0] == "kind" {
            // `kind/level` too: the row's `kind` is the table's, never a mapping.
            Some(format!("a table has no `{name}` column: its rows are {kind} records, as `records.tables` in govlint.yaml says; remove the column"))
        } else if let Some(first) = seen.get(&path) {
            let mut f = parse_at(
                cell.span,
                format!("duplicate column `{name}` in the header: each field has one column; the second is ignored"),
            );
            f.related.push(Related {
                message: format!("`{name}` first named here"),
                location: file.location(*first),
            });
            findings.push(f);
            columns.push(None);
            continue;
        } else if let Some((other, _)) = seen
            .iter()
            .find(|(p, _)| p.starts_with(&path) || path.starts_with(p))
        {
            Some(format!(
                "column `{name}` clashes with column `{}`: a field cannot be both a value and a mapping of nested fields",
                other.join("/")
            ))
        } else {
            None
        };
        match problem {
            Some(message) => {
                findings.push(parse_at(cell.span, message));
                columns.push(None);
            }
            None if name.is_empty() => columns.push(None),
            None => {
                seen.insert(path.clone(), cell.span);
                columns.push(Some(Column {
                    pointer: pointer_of(&path),
                    path,
                }));
            }
        }
    }
    columns
}

/// One row as a record: `value` holds `kind` and the non-empty cells, typed;
/// `tree` holds every cell at its span (empty ones as `Null`).
fn record(
    file: &Arc<SourceFile>,
    kind: &str,
    index: usize,
    row: &Row,
    columns: &[Option<Column>],
    typing: &dyn Typing,
) -> Record {
    let first = row.cells[0].span;
    let mut tree = Node {
        value: Value::Map(Vec::new()),
        span: first,
    };
    let mut value = serde_json::Map::new();
    value.insert(
        "kind".to_owned(),
        serde_json::Value::String(kind.to_owned()),
    );
    let mut id = String::new();
    for (cell, column) in row.cells.iter().zip(columns) {
        let Some(column) = column else { continue };
        let node = if cell.is_empty() {
            Node {
                value: Value::Null,
                span: Span::new(cell.span.start, cell.span.start),
            }
        } else {
            let raw = &file.text[cell.span.start..cell.span.end];
            typed(cell, raw, typing.cell_type(kind, &column.pointer))
        };
        if column.pointer == "/id" {
            id = cell.text.clone();
        }
        if !cell.is_empty() {
            insert_json(&mut value, &column.path, node.to_json());
        }
        insert_node(&mut tree, &column.path, cell.span, node);
    }
    Record {
        id,
        kind: kind.to_owned(),
        file: Arc::clone(file),
        document: index,
        value: serde_json::Value::Object(value),
        tree: tree.into(),
        offset: 0,
    }
}

fn insert_json(
    map: &mut serde_json::Map<String, serde_json::Value>,
    path: &[String],
    v: serde_json::Value,
) {
    match path {
        [] => {}
        [last] => {
            map.insert(last.clone(), v);
        }
        [head, rest @ ..] => {
            let child = map
                .entry(head.clone())
                .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
            if let serde_json::Value::Object(m) = child {
                insert_json(m, rest, v);
            }
        }
    }
}

/// Puts `node` at `path` in the row's tree, making nested mappings (with
/// the span of their first cell) on the way.
fn insert_node(tree: &mut Node, path: &[String], cell: Span, node: Node) {
    let Value::Map(entries) = &mut tree.value else {
        return;
    };
    let key = |name: &str| Node {
        value: Value::String(name.to_owned()),
        span: cell,
    };
    match path {
        [] => {}
        [last] => entries.push((key(last), node)),
        [head, rest @ ..] => {
            let i = match entries.iter().position(|(k, _)| k.as_str() == Some(head)) {
                Some(i) => i,
                None => {
                    entries.push((
                        key(head),
                        Node {
                            value: Value::Map(Vec::new()),
                            span: cell,
                        },
                    ));
                    entries.len() - 1
                }
            };
            insert_node(&mut entries[i].1, rest, cell, node);
        }
    }
}

/// A non-empty cell as the node its type asks for.
fn typed(cell: &Cell, raw: &str, ty: CellType) -> Node {
    let list = match ty {
        CellType::Scalar(s) => return scalar(&cell.text, cell.span, s),
        CellType::List(item) => item,
        CellType::ScalarOrList(one, item) => {
            if !cell.text.contains(';') {
                return scalar(&cell.text, cell.span, one);
            }
            item
        }
    };
    let mut items = Vec::new();
    let mut from = 0;
    for part in cell.text.split(';') {
        let lead = part.len() - part.trim_start().len();
        let item = part.trim();
        if !item.is_empty() {
            let start = cell.file_offset(raw, from + lead);
            let end = cell.file_offset(raw, from + lead + item.len());
            items.push(scalar(item, Span::new(start, end), list));
        }
        from += part.len() + 1;
    }
    Node {
        value: Value::Seq(items),
        span: cell.span,
    }
}

/// `text` as `ty`, or the string itself when it is not one.
fn scalar(text: &str, span: Span, ty: Scalar) -> Node {
    let t = text.trim();
    let value = match ty {
        Scalar::String => None,
        Scalar::Integer => t.parse::<i64>().ok().map(Value::Int),
        Scalar::Number => t.parse::<i64>().ok().map(Value::Int).or_else(|| {
            t.parse::<f64>()
                .ok()
                .filter(|f| f.is_finite() && !t.contains(['i', 'I', 'n', 'N']))
                .map(Value::Float)
        }),
        Scalar::Boolean => match t.to_ascii_lowercase().as_str() {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
    };
    Node {
        value: value.unwrap_or_else(|| Value::String(text.to_owned())),
        span,
    }
}

#[cfg(test)]
mod tests;
