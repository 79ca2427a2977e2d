//! Loading: the files of a snapshot → parsed YAML documents → records, with
//! `parse` and `record/*` findings for everything that is not a usable record.
//! Files are parsed in parallel; one bad file never stops the others.

use std::collections::HashMap;
use std::sync::Arc;

use globset::{GlobSet, GlobSetBuilder};
use rayon::prelude::*;

use super::markdown;
use super::snapshot::{Content, FileRef, Snapshot};
use super::table::{self, TableSpec, Tables, Typing};
use super::Record;
use crate::finding::{Code, Finding, Related, Severity};
use crate::history::Repo;
use crate::source::{SourceFile, Span};
use crate::yaml;

/// What loading produced.
#[derive(Debug, Default)]
pub struct Loaded {
    pub records: Vec<Record>,
    pub findings: Vec<Finding>,
    /// Ids that files which failed to parse appear to define (their `id:`
    /// lines): the records exist but cannot be read, so references to them
    /// are not reported as dangling on top of the `parse` finding.
    pub unreadable_ids: Vec<String>,
    /// Every file read as a record candidate (findings point into them).
    pub sources: Vec<Arc<SourceFile>>,
}

/// A bad `records.include` / `records.exclude` / `records.tables` glob.
#[derive(Debug, thiserror::Error)]
#[error("invalid glob `{glob}` in records.{field}: {source}")]
pub struct GlobError {
    pub glob: String,
    pub field: &'static str,
    pub source: globset::Error,
}

/// Which files of the snapshot are record candidates, and which of them
/// are tables.
pub struct Selection {
    include: GlobSet,
    exclude: GlobSet,
    tables: Tables,
    limits: Limits,
}

/// The input limits of loading (`limits.*` in govlint.yaml) beyond the file
/// size: the YAML loader's, and a table cell's size.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub yaml: yaml::Limits,
    /// `limits.max_cell_bytes`: a table row with a longer cell is not read.
    pub max_cell_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            yaml: yaml::Limits::default(),
            max_cell_bytes: table::DEFAULT_MAX_CELL_BYTES,
        }
    }
}

impl Selection {
    /// Files matching an `include` glob and no `exclude` glob (globs as
    /// `records.include` / `records.exclude` spell them).
    pub fn new(include: &[String], exclude: &[String]) -> Result<Selection, GlobError> {
        Ok(Selection {
            include: globs(include, "include")?,
            exclude: globs(exclude, "exclude")?,
            tables: Tables::default(),
            limits: Limits::default(),
        })
    }

    /// The selection with the given loading limits (default: [`Limits::default`]).
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Selection {
        self.limits = limits;
        self
    }

    /// What one table of this selection may hold.
    pub fn table_limits(&self) -> table::TableLimits {
        table::TableLimits {
            max_rows: self.tables.max_rows,
            max_cell_bytes: self.limits.max_cell_bytes,
        }
    }

    /// The selection with `records.tables` (SPEC 1.4): a file a table entry
    /// matches is a record source even outside `include` (unless excluded),
    /// and is read as a table, never as YAML or Markdown.
    pub fn with_tables(
        mut self,
        specs: &[TableSpec],
        max_rows: usize,
    ) -> Result<Selection, GlobError> {
        self.tables = Tables::new(specs, max_rows).map_err(|source| GlobError {
            glob: specs
                .iter()
                .map(|s| s.files.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            field: "tables",
            source,
        })?;
        Ok(self)
    }

    pub fn selects(&self, path: &str) -> bool {
        !self.exclude.is_match(path)
            && (self.include.is_match(path) || self.tables.kind_of(path).is_some())
    }

    /// The kind of the rows of `path` if it is a selected table.
    pub fn table_kind(&self, path: &str) -> Option<&str> {
        self.tables
            .kind_of(path)
            .filter(|_| !self.exclude.is_match(path))
    }

    /// The most rows a table may have (`limits.max_table_rows`).
    pub fn max_table_rows(&self) -> usize {
        self.tables.max_rows
    }
}

fn globs(patterns: &[String], field: &'static str) -> Result<GlobSet, GlobError> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        let glob = globset::GlobBuilder::new(p)
            .literal_separator(true)
            .build()
            .map_err(|source| GlobError {
                glob: p.clone(),
                field,
                source,
            })?;
        b.add(glob);
    }
    b.build().map_err(|source| GlobError {
        glob: patterns.join(", "),
        field,
        source,
    })
}

/// Loads every record the snapshot's selected files hold; `typing` types
/// the cells of tables (the schemas, or [`table::Untyped`]).
pub fn load(
    snapshot: &Snapshot,
    selection: &Selection,
    repo: Option<&Repo>,
    max_file_bytes: u64,
    typing: &dyn Typing,
) -> Loaded {
    let (findings, regular) = select(snapshot, selection);
    let contents = snapshot.read_all(&regular, repo, max_file_bytes);
    let per_file: Vec<FileResult> = contents
        .into_par_iter()
        .map(|(f, content)| load_one(f, content, selection, max_file_bytes, typing))
        .collect();
    gather(findings, per_file)
}

/// The snapshot's selected regular files, and a `parse` warning for each
/// selected symbolic link (never followed).
pub(super) fn select<'s>(
    snapshot: &'s Snapshot,
    selection: &Selection,
) -> (Vec<Finding>, Vec<&'s FileRef>) {
    let (links, regular): (Vec<&FileRef>, Vec<&FileRef>) = snapshot
        .files
        .iter()
        .filter(|f| selection.selects(&f.path))
        .partition(|f| f.symlink);
    (links.into_iter().map(symlink_finding).collect(), regular)
}

/// The `parse` warning for a symbolic link, which is never followed.
fn symlink_finding(link: &FileRef) -> Finding {
    Finding::new(
        Code::Parse.id(),
        Severity::Warning,
        format!(
            "`{}` is a symbolic link: govlint does not follow links (a link may leave the repository); the file it points to is checked at its own path if it is inside the repository",
            link.path
        ),
    ).at(Some(crate::source::Location { file: link.path.clone(), span: Span::default(), line: 1, column: 1 }))
}

/// One selected file's records: as a table or as YAML / Markdown.
pub(super) fn load_one(
    f: &FileRef,
    content: Content,
    selection: &Selection,
    max_file_bytes: u64,
    typing: &dyn Typing,
) -> FileResult {
    let mut r = match selection.table_kind(&f.path) {
        Some(kind) => load_table(
            &f.path,
            content,
            max_file_bytes,
            kind,
            typing,
            selection.table_limits(),
        ),
        None => load_file_within(&f.path, content, max_file_bytes, &selection.limits.yaml),
    };
    let broken = r.findings.iter().any(|f| f.rule == Code::Parse.id());
    if let (true, false, Some(file)) = (broken, r.table, &r.source) {
        let written: Vec<String> = ids_written_in(&file.text)
            .filter(|id| !r.records.iter().any(|rec| rec.id == *id))
            .collect();
        r.unreadable_ids.extend(written);
    }
    r
}

/// The files' results in order, after `findings`, with the duplicate ids
/// across all of them.
pub(super) fn gather(mut findings: Vec<Finding>, per_file: Vec<FileResult>) -> Loaded {
    // Sized once: ten thousand records grown by doubling were copied
    // (and their pages first touched) several times over.
    let mut records = Vec::with_capacity(per_file.iter().map(|r| r.records.len()).sum());
    let mut sources = Vec::with_capacity(per_file.len());
    let mut unreadable_ids = Vec::new();
    for r in per_file {
        unreadable_ids.extend(r.unreadable_ids);
        records.extend(r.records);
        findings.extend(r.findings);
        sources.extend(r.source);
    }
    findings.extend(duplicate_ids(&records));
    Loaded {
        records,
        findings,
        unreadable_ids,
        sources,
    }
}

/// The ids a file's text appears to define: its unindented `id:` lines
/// (a best effort for files that do not parse, so a syntax error in one
/// file does not also read as a missing record in every file that refers
/// to it).
fn ids_written_in(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines().filter_map(|line| {
        let value = line.strip_prefix("id:")?;
        let value = value.split(" #").next()?.trim();
        let value = value.trim_matches(|c| c == '"' || c == '\'');
        is_valid_id(value).then(|| value.to_owned())
    })
}

/// The records and findings of one file, and the file as read.
#[derive(Default)]
pub struct FileResult {
    pub records: Vec<Record>,
    pub findings: Vec<Finding>,
    pub source: Option<Arc<SourceFile>>,
    /// Ids of a table's rows that could not be read.
    pub unreadable_ids: Vec<String>,
    /// Whether the file was read as a table.
    pub table: bool,
}

/// Parses one file into records and findings.
pub fn load_file(path: &str, content: Content, max_bytes: u64) -> FileResult {
    load_file_within(path, content, max_bytes, &yaml::Limits::default())
}

/// [`load_file`] within the YAML loader's `limits` (`limits.max_depth`, ...).
pub fn load_file_within(
    path: &str,
    content: Content,
    max_bytes: u64,
    limits: &yaml::Limits,
) -> FileResult {
    let file = match source_of(path, content, max_bytes) {
        Ok(file) => file,
        Err(result) => return result,
    };
    let (records, findings) = records_of(&file, limits);
    FileResult {
        records,
        findings,
        source: Some(file),
        ..FileResult::default()
    }
}

/// Reads one table file (SPEC 1.4): one record of `kind` per row.
pub fn load_table(
    path: &str,
    content: Content,
    max_bytes: u64,
    kind: &str,
    typing: &dyn Typing,
    limits: table::TableLimits,
) -> FileResult {
    let file = match source_of(path, content, max_bytes) {
        Ok(file) => file,
        Err(result) => {
            return FileResult {
                table: true,
                ..result
            }
        }
    };
    let t = table::parse(&file, kind, typing, limits);
    FileResult {
        records: t.records,
        findings: t.findings,
        source: Some(file),
        unreadable_ids: t.unreadable_ids,
        table: true,
    }
}

/// The file's text, or the result that says why it has none usable (too
/// large, unreadable, not UTF-8).
fn source_of(path: &str, content: Content, max_bytes: u64) -> Result<Arc<SourceFile>, FileResult> {
    let only = |finding: Finding| FileResult {
        findings: vec![finding],
        ..FileResult::default()
    };
    let at_start = |message: String| {
        Finding::code(Code::Parse, message).at(Some(crate::source::Location {
            file: path.to_owned(),
            span: Span::default(),
            line: 1,
            column: 1,
        }))
    };
    let bytes = match content {
        Content::Bytes(b) => b,
        Content::TooLarge(size) => {
            return Err(only(at_start(format!(
                "file is {size} bytes, over the limit of {max_bytes} bytes; not parsed (raise `limits.max_file_bytes` in govlint.yaml, or exclude the file)"
            ))))
        }
        Content::Unreadable(why) => {
            return Err(only(at_start(format!("cannot read file: {why}"))))
        }
    };
    let (text, utf8_error) = match String::from_utf8(bytes) {
        Ok(t) => (t, None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some(at))
        }
    };
    let file = Arc::new(SourceFile::new(path, text));
    if let Some(at) = utf8_error {
        let f = Finding::code(Code::Parse, "file is not valid UTF-8; save it as UTF-8")
            // The whole U+FFFD that stands for the bad byte in `text`.
            .at(Some(file.location(Span::new(
                at,
                at + char::REPLACEMENT_CHARACTER.len_utf8(),
            ))));
        return Err(FileResult {
            findings: vec![f],
            source: Some(file),
            ..FileResult::default()
        });
    }
    Ok(file)
}

/// Every YAML document a file yields (the front matter for Markdown, with its
/// `body`), records or not, as JSON: what `govlint show` prints. Parse
/// problems come back as findings.
pub fn documents(path: &str, bytes: &[u8]) -> (Vec<serde_json::Value>, Vec<Finding>) {
    documents_within(path, bytes, &yaml::Limits::default())
}

/// [`documents`] within the YAML loader's `limits`.
pub fn documents_within(
    path: &str,
    bytes: &[u8],
    limits: &yaml::Limits,
) -> (Vec<serde_json::Value>, Vec<Finding>) {
    let file = SourceFile::new(path, String::from_utf8_lossy(bytes).into_owned());
    let parsed = parse(&file, limits);
    let values = parsed
        .documents
        .iter()
        .map(|d| {
            let mut v = d.root.to_json();
            if let (Some(body), Some(map)) = (parsed.body, v.as_object_mut()) {
                map.insert(
                    "body".to_owned(),
                    serde_json::Value::String(body.to_owned()),
                );
            }
            v
        })
        .collect();
    (values, parsed.error.into_iter().collect())
}

/// The YAML a file holds: every document of a YAML file, or the front matter
/// of a Markdown file (none when it has no front matter).
struct Parsed<'f> {
    documents: Vec<yaml::Document>,
    /// Where the YAML starts in the file.
    offset: usize,
    /// A Markdown file's text after its front matter.
    body: Option<&'f str>,
    /// The syntax error that ended parsing; documents before it are kept.
    error: Option<Finding>,
}

fn parse<'f>(file: &'f SourceFile, limits: &yaml::Limits) -> Parsed<'f> {
    let (text, offset, body) = if is_markdown(&file.path) {
        match markdown::split(&file.text) {
            None => (None, 0, None),
            Some(Err(u)) => {
                let f = Finding::code(
                    Code::Parse,
                    "front matter is not closed: add a `---` line after it",
                )
                .at(Some(file.location(u.span)));
                return Parsed {
                    documents: Vec::new(),
                    offset: 0,
                    body: None,
                    error: Some(f),
                };
            }
            Some(Ok(fm)) => (Some(fm.yaml), fm.offset, Some(fm.body)),
        }
    } else {
        (Some(&*file.text), 0, None)
    };
    let loaded = text.map(|t| yaml::load(t, limits));
    let (documents, error) = loaded.map_or((Vec::new(), None), |l| (l.documents, l.error));
    Parsed {
        documents,
        offset,
        body,
        error: error.map(|e| parse_finding(file, &e, offset)),
    }
}

fn is_markdown(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".md") || lower.ends_with(".markdown")
}

/// The records of a parsed file. Empty documents (a trailing `---`) are
/// skipped; so is Markdown whose front matter has no `kind` (a README).
fn records_of(file: &Arc<SourceFile>, limits: &yaml::Limits) -> (Vec<Record>, Vec<Finding>) {
    let parsed = parse(file, limits);
    let mut records = Vec::new();
    let mut findings: Vec<Finding> = parsed.error.into_iter().collect();
    for (index, doc) in parsed.documents.into_iter().enumerate() {
        let skip = match parsed.body {
            Some(_) => doc.root.get("kind").is_none(),
            None => matches!(doc.root.value, yaml::Value::Null),
        };
        if skip {
            continue;
        }
        match to_record(file, index, doc.root, parsed.offset, parsed.body) {
            Ok(r) => records.push(r),
            Err(f) => findings.push(*f),
        }
    }
    (records, findings)
}

fn parse_finding(file: &SourceFile, err: &yaml::YamlError, offset: usize) -> Finding {
    let mut f = Finding::code(Code::Parse, err.message.clone())
        .at(Some(file.location(err.span.shifted(offset))));
    f.help = err.help.map(str::to_owned);
    if let Some((message, span)) = &err.related {
        f.related.push(Related {
            message: message.clone(),
            location: file.location(span.shifted(offset)),
        });
    }
    f
}

/// Turns one YAML document into a record, or the finding that says why not.
fn to_record(
    file: &Arc<SourceFile>,
    document: usize,
    tree: yaml::Node,
    offset: usize,
    body: Option<&str>,
) -> Result<Record, Box<Finding>> {
    let here = |span: Span, code: Code, message: String| {
        Box::new(Finding::code(code, message).at(Some(file.location(span.shifted(offset)))))
    };
    if !matches!(tree.value, yaml::Value::Map(_)) {
        return Err(here(
            tree.span,
            Code::RecordMissingKind,
            "a record must be a mapping with `kind` and `id`; add them, or exclude this file in govlint.yaml (records.exclude)".to_owned(),
        ));
    }
    let kind = match tree.get("kind") {
        None => {
            return Err(here(
                tree.span,
                Code::RecordMissingKind,
                "record has no `kind`: add one (e.g. `kind: Policy`), or exclude this file in govlint.yaml (records.exclude)".to_owned(),
            ))
        }
        Some(yaml::Node { value: yaml::Value::String(k), span }) => {
            if !super::is_kind_name(k) {
                return Err(here(
                    *span,
                    Code::RecordMissingKind,
                    format!("`kind` must be a PascalCase name such as `Policy`, not `{k}`"),
                ));
            }
            k.clone()
        }
        Some(other) => {
            return Err(here(
                other.span,
                Code::RecordMissingKind,
                "`kind` must be a string such as `Policy`".to_owned(),
            ))
        }
    };
    let id = match tree.get("id") {
        None => {
            return Err(here(
                tree.span,
                Code::RecordMissingId,
                format!("{kind} record has no `id`: add a unique id (letters, digits, `.`, `_`, `-`)"),
            ))
        }
        Some(yaml::Node { value: yaml::Value::String(id), span }) => {
            if !is_valid_id(id) {
                return Err(here(
                    *span,
                    Code::RecordInvalidId,
                    format!("id `{id}` must start with a letter or digit and hold only letters, digits, `.`, `_` and `-`"),
                ));
            }
            id.clone()
        }
        Some(other) => {
            return Err(here(
                other.span,
                Code::RecordInvalidId,
                format!(
                    "`id` must be a string; quote it (`id: \"{}\"`) so YAML does not read it as a number or boolean",
                    scalar_text(file, other.span.shifted(offset))
                ),
            ))
        }
    };
    let mut value = tree.to_json();
    if let (Some(body), Some(map)) = (body, value.as_object_mut()) {
        map.insert(
            "body".to_owned(),
            serde_json::Value::String(body.to_owned()),
        );
    }
    Ok(Record {
        id,
        kind,
        file: Arc::clone(file),
        document,
        value,
        tree: tree.into(),
        offset,
    })
}

fn scalar_text(file: &SourceFile, span: Span) -> &str {
    file.text.get(span.start..span.end).unwrap_or("").trim()
}

/// SPEC 1.2: `^[A-Za-z0-9][A-Za-z0-9._-]*$`.
pub fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// `record/duplicate-id` for every record whose id an earlier one already has.
fn duplicate_ids(records: &[Record]) -> Vec<Finding> {
    let mut first: HashMap<&str, &Record> = HashMap::new();
    let mut out = Vec::new();
    for r in records {
        match first.get(r.id.as_str()) {
            None => {
                first.insert(&r.id, r);
            }
            Some(orig) => {
                let code = Code::RecordDuplicateId;
                let mut f = r.finding(
                    code.id(),
                    code.default_severity(),
                    format!(
                        "id `{}` is already used by a {} record in {}; ids must be unique across the repository",
                        r.id, orig.kind, orig.file.path
                    ),
                    "/id",
                );
                f.related.push(Related {
                    message: format!("`{}` first defined here", r.id),
                    location: orig.location("/id"),
                });
                out.push(f);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_report_invalid_utf8_and_size_at_their_place() {
        let kind = "Risk";
        let r = load_table(
            "registers/risks.csv",
            Content::Bytes(b"id,title\nR-1,caf\xe9\n".to_vec()),
            1024,
            kind,
            &table::Untyped,
            table::TableLimits::default(),
        );
        assert!(r.table && r.records.is_empty());
        let l = r.findings[0].location.as_ref().expect("placed");
        assert_eq!((l.line, l.column), (2, 8));
        assert!(r.findings[0].message.contains("not valid UTF-8"));
        let r = load_table(
            "registers/risks.csv",
            Content::TooLarge(4096),
            1024,
            kind,
            &table::Untyped,
            table::TableLimits::default(),
        );
        assert!(r.findings[0].message.contains("limits.max_file_bytes"));
        let r = load_table(
            "registers/risks.csv",
            Content::Bytes(b"id,title\nR-1,a\n".to_vec()),
            1024,
            kind,
            &table::Untyped,
            table::TableLimits::default(),
        );
        assert_eq!(r.records.len(), 1);
        assert_eq!(r.records[0].file.path, "registers/risks.csv");
    }

    #[test]
    fn an_invalid_byte_is_underlined_whole() {
        // Found by the front_matter fuzz target: the span ended inside the
        // U+FFFD that replaces the byte in the text the report shows.
        let r = load_file(
            "policies/p.md",
            Content::Bytes(b"---\r\nkind: Policy\r\n\xa7P\r\n---\r\n".to_vec()),
            1024,
        );
        let (file, l) = (r.source.expect("read"), r.findings[0].location.clone());
        let span = l.expect("placed").span;
        assert_eq!(&file.text[span.start..span.end], "\u{fffd}");
    }

    #[test]
    fn ids() {
        assert!(is_valid_id("POL-IS-001"));
        assert!(is_valid_id("a.b_c"));
        assert!(!is_valid_id("-x"));
        assert!(!is_valid_id("a b"));
        assert!(!is_valid_id(""));
    }
}
