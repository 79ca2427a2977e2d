//! Source files and spans: the text govlint read, and how to turn a byte
//! offset into the line and column a person sees.

use std::sync::Arc;

use serde::Serialize;

/// A byte range `[start, end)` in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The same span moved by `offset` bytes (front matter inside a Markdown file).
    pub fn shifted(self, offset: usize) -> Span {
        Span::new(self.start + offset, self.end + offset)
    }
}

/// A place in a file of the governance repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// Relative to the repository root, `/`-separated.
    pub file: String,
    /// Byte range in the original file (BOM and CRLF included).
    #[serde(skip)]
    pub span: Span,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

/// A file of the governance repository as read (working tree, index or a revision).
#[derive(Debug)]
pub struct SourceFile {
    /// Relative to the repository root, `/`-separated.
    pub path: String,
    /// The file's text, exactly as read (BOM and CRLF kept, so spans match the file).
    pub text: Arc<str>,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            path: path.into(),
            text,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset. A UTF-8 BOM
    /// on the first line does not count as a column; a `\r` is never reached
    /// before the offset it ends, so CRLF does not shift columns either.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let mut start = self.line_starts[line];
        if line == 0 && self.text.starts_with('\u{feff}') {
            start = start.max('\u{feff}'.len_utf8()).min(offset.max(start));
        }
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line + 1, column + 1)
    }

    /// The 0-based line that holds a byte offset.
    pub fn line_index(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset.min(self.text.len())) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// The byte range of 0-based lines `first..=last` (clamped), newline of
    /// the last one included.
    pub fn lines_range(&self, first: usize, last: usize) -> std::ops::Range<usize> {
        let last = last.min(self.line_starts.len() - 1);
        let first = first.min(last);
        let end = self
            .line_starts
            .get(last + 1)
            .copied()
            .unwrap_or(self.text.len());
        self.line_starts[first]..end
    }

    pub fn location(&self, span: Span) -> Location {
        let (line, column) = self.line_col(span.start);
        Location {
            file: self.path.clone(),
            span,
            line,
            column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_found_through_the_index() {
        let f = SourceFile::new("t.csv", "a,b\r\n\"x\ny\",1\r\nlast");
        assert_eq!(f.line_index(0), 0);
        assert_eq!(f.line_index(5), 1);
        assert_eq!(f.line_index(8), 2);
        assert_eq!(f.line_index(999), 3);
        assert_eq!(&f.text[f.lines_range(1, 2)], "\"x\ny\",1\r\n");
        assert_eq!(&f.text[f.lines_range(3, 9)], "last");
        assert_eq!(&f.text[f.lines_range(0, 0)], "a,b\r\n");
    }

    #[test]
    fn line_col_counts_characters() {
        let f = SourceFile::new("a.yaml", "a: 1\nbé: 2\r\nc: 3\n");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(5), (2, 1));
        // "bé: " is 5 bytes but 4 characters
        assert_eq!(f.line_col(10), (2, 5));
        assert_eq!(f.line_col(13), (3, 1));
    }

    #[test]
    fn bom_does_not_shift_columns() {
        let f = SourceFile::new("a.yaml", "\u{feff}id: x\n");
        assert_eq!(f.line_col(3), (1, 1));
        assert_eq!(f.line_col(7), (1, 5));
    }
}
