//! Event stream → spanned node tree.
//!
//! Owns the walk over saphyr's events: an explicit stack instead of recursion
//! (deep input cannot overflow the call stack), anchors and the alias budget,
//! duplicate keys, the depth limit, and spans in bytes. Scalar values come
//! from [`super::resolve`].

use std::collections::HashMap;

use saphyr_parser::{BufferedInput, Event, Input, Parser, ScalarStyle, Tag};

use super::offsets::CharOffsets;
use super::resolve::{self, TagKind};
use super::{Document, Limits, Loaded, Node, Value, YamlError};
use crate::source::Span;

/// How saphyr reads the text.
#[derive(Clone, Copy)]
pub(super) enum Reader {
    /// Its `&str` input, the fast one, unless the text has a
    /// [`non_ascii_directive`].
    Fastest,
    /// Its character-iterator input, always.
    Chars,
}

/// Builds every document of `text`; see [`super::load`].
pub(super) fn load(text: &str, limits: &Limits, reader: Reader) -> Loaded {
    let mut builder = Builder {
        text,
        offsets: CharOffsets::new(text),
        limits: *limits,
        stack: Vec::new(),
        anchors: HashMap::new(),
        expanded: 0,
        nodes: 0,
        root: None,
        documents: Vec::new(),
    };
    // The loader faces hostile input: should saphyr (or this module) ever
    // panic, report it as an error of this text and keep the run going.
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| builder.run(reader)));
    let error = match run {
        Ok(result) => result.err(),
        Err(_) => Some(YamlError {
            message: "internal error in the YAML parser (please report this file)".to_owned(),
            span: Span::new(0, 0),
            related: None,
            help: None,
        }),
    };
    let mut documents = builder.documents;
    // YAML allows no control characters but tab and line breaks (a NUL is
    // most often a binary file): saphyr reports them as whatever they
    // break (a quote opened before them, an indentation), so name them
    // instead. Documents that end before one are kept.
    let error = match control_character(text) {
        Some((at, c)) => {
            documents.retain(|d| d.root.span.end <= at);
            Some(YamlError {
                message: format!(
                    "control character U+{:04X}{} in the text: YAML allows none but tab and line breaks",
                    u32::from(c),
                    if c == '\0' { " (a NUL byte)" } else { "" }
                ),
                span: Span::new(at, at + c.len_utf8()),
                related: None,
                help: Some("remove it (is this a binary file? exclude it in govlint.yaml, `records.exclude`)"),
            })
        }
        None => error,
    };
    Loaded { documents, error }
}

/// The first character YAML 1.2 never allows in a stream (`c-printable`
/// lacks the C0 controls but tab, LF and CR, and DEL), with its byte offset.
fn control_character(text: &str) -> Option<(usize, char)> {
    let at = text
        .bytes()
        .position(|b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f)?;
    Some((at, char::from(text.as_bytes()[at])))
}

struct Builder<'t> {
    text: &'t str,
    offsets: CharOffsets<'t>,
    limits: Limits,
    /// Collections opened and not yet closed, outermost first.
    stack: Vec<Frame>,
    /// Completed anchored nodes of the current document, by saphyr anchor id.
    anchors: HashMap<usize, Anchored>,
    /// Nodes copied by alias expansion so far, over the whole stream.
    expanded: usize,
    /// Nodes read from the text so far (scalars and collections; alias
    /// copies count against `expanded`), over the whole stream.
    nodes: usize,
    /// The current document's root, once complete.
    root: Option<Node>,
    documents: Vec<Document>,
}

/// Mappings up to this many entries find duplicate keys by a scan of their
/// entries (records are small mappings: no hashing, no key copies).
const LINEAR_KEYS: usize = 16;

struct Anchored {
    node: Node,
    /// Nodes in `node`'s subtree (what one alias to it costs).
    size: usize,
}

struct Frame {
    start: usize,
    /// saphyr anchor id, 0 for none.
    anchor: usize,
    /// Nodes in this subtree so far, itself included, aliases expanded.
    size: usize,
    /// End of the last child: block collections end there (their end event is empty).
    end: usize,
    content: Content,
}

enum Content {
    Seq(Vec<Node>),
    Map {
        entries: Vec<(Node, Node)>,
        /// A key waiting for its value.
        key: Option<Node>,
        /// JSON key text → span of each key, built once the mapping has
        /// [`LINEAR_KEYS`] entries (smaller ones are searched in `entries`).
        seen: Option<HashMap<String, Span>>,
    },
}

/// Whether a line of `text` starting with `%` (a directive, to saphyr's
/// scanner) holds a non-ASCII character.
///
/// saphyr's `&str` input advances its character index by the *bytes* of a
/// directive's name and parameters, so every span after such a line would
/// be off by the difference. Its character-iterator input counts
/// characters; it is slower, so only these (rare) texts take it.
///
/// Linear in the text: only a `%` at a line's start (or after a BOM, which
/// leaves saphyr at column 0) has its line read, and a second one on the
/// same line follows a BOM, which makes the first one's line non-ASCII.
fn non_ascii_directive(text: &str) -> bool {
    text.match_indices('%').any(|(at, _)| {
        let line_start = matches!(
            text[..at].chars().next_back(),
            None | Some('\n' | '\r' | '\u{feff}')
        );
        let rest = &text[at..];
        line_start && !rest[..rest.find(['\n', '\r']).unwrap_or(rest.len())].is_ascii()
    })
}

impl Builder<'_> {
    fn run(&mut self, reader: Reader) -> Result<(), YamlError> {
        if matches!(reader, Reader::Chars) || non_ascii_directive(self.text) {
            self.drive(Parser::new(BufferedInput::new(self.text.chars())))
        } else {
            self.drive(Parser::new_from_str(self.text))
        }
    }

    fn drive<'i, I: Input>(&mut self, mut parser: Parser<'i, I>) -> Result<(), YamlError> {
        while let Some(next) = parser.next_event() {
            let (event, span) = next.map_err(|e| self.scan_error(e.marker().index(), e.info()))?;
            let span = Span::new(
                self.offsets.byte(span.start.index()),
                self.offsets.byte(span.end.index()),
            );
            if matches!(
                event,
                Event::Scalar(..) | Event::SequenceStart(..) | Event::MappingStart(..)
            ) {
                self.nodes += 1;
                if self.nodes > self.limits.max_nodes {
                    return Err(YamlError {
                        message: format!(
                            "more than {} YAML nodes in one file; the rest of the file is not read",
                            self.limits.max_nodes
                        ),
                        span: Span::new(span.start, span.start),
                        related: None,
                        help: Some("split the file, or raise `limits.max_nodes` in govlint.yaml"),
                    });
                }
            }
            match event {
                Event::StreamStart | Event::Nothing => {}
                Event::StreamEnd => break,
                Event::DocumentStart(_) => {
                    if self.documents.len() >= self.limits.max_documents {
                        return Err(YamlError {
                            message: format!(
                                "more than {} documents in one file; the rest are not read",
                                self.limits.max_documents
                            ),
                            span: Span::new(span.start, span.start),
                            related: None,
                            help: Some(
                                "split the file, or raise `limits.max_documents` in govlint.yaml",
                            ),
                        });
                    }
                    // Anchors never cross documents (saphyr's iterator keeps them).
                    self.anchors.clear();
                    self.root = None;
                }
                Event::DocumentEnd => {
                    let root = self.root.take().unwrap_or(Node {
                        value: Value::Null,
                        span: Span::new(span.start, span.start),
                    });
                    self.documents.push(Document { root });
                }
                Event::Scalar(text, style, anchor, tag) => {
                    let node = self.scalar(&text, style, span, anchor, tag.as_deref())?;
                    self.complete(node, 1, anchor)?;
                }
                Event::Alias(id) => self.alias(id, span)?,
                Event::SequenceStart(anchor, tag) => {
                    self.open(span, anchor, tag.as_deref(), Content::Seq(Vec::new()))?;
                }
                Event::MappingStart(anchor, tag) => {
                    let content = Content::Map {
                        entries: Vec::new(),
                        key: None,
                        seen: None,
                    };
                    self.open(span, anchor, tag.as_deref(), content)?;
                }
                Event::SequenceEnd | Event::MappingEnd => self.close(span)?,
            }
        }
        Ok(())
    }

    fn scalar(
        &self,
        text: &str,
        style: ScalarStyle,
        span: Span,
        anchor: usize,
        tag: Option<&Tag>,
    ) -> Result<Node, YamlError> {
        let value = resolve::scalar(text, style, tag).map_err(|message| YamlError {
            message,
            span,
            related: None,
            help: None,
        })?;
        let span = if text.is_empty() && style == ScalarStyle::Plain && anchor == 0 && tag.is_none()
        {
            // An empty value has no text; saphyr may give it the span of the
            // next token (`...`), so point at where it would start instead.
            Span::new(span.start, span.start)
        } else if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
            // Block scalar spans run to the next line; underline the content only.
            let content = self.text.get(span.start..span.end).unwrap_or("");
            Span::new(span.start, span.start + content.trim_end().len())
        } else {
            span
        };
        Ok(Node { value, span })
    }

    fn alias(&mut self, id: usize, span: Span) -> Result<(), YamlError> {
        let name = self.text.get(span.start..span.end).unwrap_or("*");
        let Some(anchored) = self.anchors.get(&id) else {
            let message = if self.stack.iter().any(|frame| frame.anchor == id) {
                format!("alias `{name}` refers to a node that contains it (recursive alias)")
            } else {
                format!("alias `{name}` refers to an anchor of another document")
            };
            return Err(YamlError {
                message,
                span,
                related: None,
                help: None,
            });
        };
        // Charge the whole copy before making it, so a bomb fails without
        // ever being allocated.
        self.expanded = self.expanded.saturating_add(anchored.size);
        if self.expanded > self.limits.max_alias_nodes {
            return Err(YamlError {
                message: format!(
                    "alias expansion exceeds {} nodes (billion laughs?)",
                    self.limits.max_alias_nodes
                ),
                span,
                related: None,
                help: Some("use fewer aliases, or raise `limits.max_alias_nodes` in govlint.yaml"),
            });
        }
        let size = anchored.size;
        let mut node = anchored.node.clone();
        node.span = span;
        self.complete(node, size, 0)
    }

    fn open(
        &mut self,
        span: Span,
        anchor: usize,
        tag: Option<&Tag>,
        content: Content,
    ) -> Result<(), YamlError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(YamlError {
                message: format!("nesting deeper than {} levels", self.limits.max_depth),
                span,
                related: None,
                help: Some("flatten the document, or raise `limits.max_depth` in govlint.yaml"),
            });
        }
        let is_map = matches!(content, Content::Map { .. });
        let fits = match TagKind::of(tag) {
            TagKind::Core("map" | "set") => is_map,
            // `!!omap`/`!!pairs` are sequences of one-entry mappings.
            TagKind::Core("seq" | "omap" | "pairs") => !is_map,
            TagKind::Core("str" | "int" | "float" | "bool" | "null") => false,
            _ => true,
        };
        if !fits {
            let kind = if is_map { "mapping" } else { "sequence" };
            return Err(YamlError {
                message: format!(
                    "tag `{}` cannot apply to a {kind}",
                    resolve::display_tag(tag)
                ),
                span,
                related: None,
                help: None,
            });
        }
        self.stack.push(Frame {
            start: span.start,
            anchor,
            size: 1,
            end: span.end,
            content,
        });
        Ok(())
    }

    fn close(&mut self, span: Span) -> Result<(), YamlError> {
        let Some(frame) = self.stack.pop() else {
            return Err(YamlError {
                message: "unbalanced end of collection".to_owned(),
                span,
                related: None,
                help: None,
            });
        };
        // Flow collections end at their `]`/`}` (saphyr's end span also takes
        // in trailing blanks and comments); block ones at their last child.
        let end = match self.text.as_bytes().get(span.start) {
            Some(b']' | b'}') if !span.is_empty() => span.start + 1,
            _ => frame.end,
        };
        let mut start = frame.start;
        let value = match frame.content {
            Content::Seq(items) => {
                if let Some(first) = items.first().filter(|first| first.span.start == start) {
                    // An indentless sequence (`key:\n- a`) starts at its first
                    // item; take in that item's `-` too.
                    let before = self.text[..first.span.start].trim_end_matches([' ', '\t']);
                    if before.ends_with('-') {
                        start = before.len() - 1;
                    }
                }
                Value::Seq(items)
            }
            Content::Map {
                mut entries, key, ..
            } => {
                if let Some(key) = key {
                    // saphyr always pairs keys with values; stay total anyway.
                    let span = Span::new(key.span.end, key.span.end);
                    entries.push((
                        key,
                        Node {
                            value: Value::Null,
                            span,
                        },
                    ));
                }
                Value::Map(entries)
            }
        };
        let node = Node {
            value,
            span: Span::new(start, end.max(start)),
        };
        self.complete(node, frame.size, frame.anchor)
    }

    /// Hands a finished node to its parent (or makes it the document root).
    fn complete(&mut self, node: Node, size: usize, anchor: usize) -> Result<(), YamlError> {
        if anchor != 0 {
            self.anchors.insert(
                anchor,
                Anchored {
                    node: node.clone(),
                    size,
                },
            );
        }
        let text = self.text;
        let Some(parent) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        parent.size = parent.size.saturating_add(size);
        parent.end = parent.end.max(node.span.end);
        match &mut parent.content {
            Content::Seq(items) => items.push(node),
            Content::Map { entries, key, seen } => {
                if let Some(key) = key.take() {
                    entries.push((key, node));
                } else {
                    let key_text = node.json_key();
                    let first = if entries.len() < LINEAR_KEYS {
                        entries
                            .iter()
                            .find(|(k, _)| k.json_key() == key_text)
                            .map(|(k, _)| k.span)
                    } else {
                        let seen = seen.get_or_insert_with(|| {
                            entries
                                .iter()
                                .map(|(k, _)| (k.json_key().into_owned(), k.span))
                                .collect()
                        });
                        let first = seen.get(&*key_text).copied();
                        if first.is_none() {
                            seen.insert(key_text.clone().into_owned(), node.span);
                        }
                        first
                    };
                    if let Some(first) = first {
                        return Err(duplicate_key(text, &key_text, node.span, first));
                    }
                    drop(key_text);
                    *key = Some(node);
                }
            }
        }
        Ok(())
    }

    fn scan_error(&mut self, char_index: usize, info: &str) -> YamlError {
        let mut start = self.offsets.byte(char_index);
        // The scanner reports a tab where the token before it began: point
        // at the tab itself when it is within the next two lines.
        if info.contains("tab") {
            if let Some(rest) = self.text.get(start..) {
                let window = rest
                    .split_inclusive('\n')
                    .take(3)
                    .map(str::len)
                    .sum::<usize>();
                if let Some(i) = rest[..window].find('\t') {
                    start += i;
                }
            }
        }
        // Underline the offending character, unless it is a line break or EOF.
        let end = match self.text.get(start..).and_then(|rest| rest.chars().next()) {
            Some(c) if c != '\n' && c != '\r' => start + c.len_utf8(),
            _ => start,
        };
        let (message, help) = if info == "recursion limit exceeded" {
            // saphyr's own cap on flow nesting (a `u8` level counter).
            (
                "nesting too deep (more than 255 levels of flow collections)".to_owned(),
                None,
            )
        } else if let Some((what, fix)) = super::plain::plain(info) {
            (what.to_owned(), Some(fix))
        } else {
            (format!("YAML syntax error: {info}"), None)
        };
        YamlError {
            message,
            span: Span::new(start, end),
            related: None,
            help,
        }
    }
}

/// Keys are compared by their JSON key text (what [`Node::to_json`] would
/// merge), so `1` and `"1"` collide too: the JSON view is what schemas see.
///
/// The message gives the first key's place relative to the second (lines
/// above), which stays true when `text` is a slice of a larger file such as
/// Markdown front matter.
fn duplicate_key(text: &str, key: &str, span: Span, first: Span) -> YamlError {
    let shown: String = if key.chars().count() > 60 {
        key.chars().take(57).chain("...".chars()).collect()
    } else {
        key.to_owned()
    };
    let lines_above = text
        .get(first.start..span.start)
        .map_or(0, |between| between.matches('\n').count());
    let place = match lines_above {
        0 => "on the same line".to_owned(),
        1 => "1 line above".to_owned(),
        n => format!("{n} lines above"),
    };
    YamlError {
        message: format!("duplicate key `{shown}` (first defined {place})"),
        span,
        related: Some((format!("`{shown}` first defined here"), first)),
        help: None,
    }
}

#[cfg(test)]
mod tests {
    use super::non_ascii_directive;

    #[test]
    fn only_a_directive_line_with_a_non_ascii_character_counts() {
        for (text, expected) in [
            ("%YAML 1.2\n---\nk: é\n", false),
            ("k: 100%é\n", false),
            ("k: |\n  %é\n", false),
            ("%é\n", true),
            ("a: 1\n...\r%TAG ! tag:é\n", true),
            ("\u{feff}%RÉSERVÉ\n", true),
            ("%%%%\n%x é", true),
            ("%%%%\nx %é", false),
        ] {
            assert_eq!(non_ascii_directive(text), expected, "{text:?}");
        }
    }
}
