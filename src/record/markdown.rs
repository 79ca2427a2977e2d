//! Markdown records: a YAML front-matter block at the very top of the file
//! (`---` … `---`), with the rest of the file kept as the record's `body`.

use crate::source::Span;

/// The parts of a Markdown file with front matter. Offsets are bytes into the
/// whole file, so spans in the front matter map straight back to the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrontMatter<'a> {
    /// The YAML between the fences.
    pub yaml: &'a str,
    /// Where `yaml` starts in the file.
    pub offset: usize,
    /// Everything after the closing fence's line.
    pub body: &'a str,
}

/// Why a file that opens a front-matter block has none we can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unterminated {
    /// The opening fence.
    pub span: Span,
}

/// Splits front matter from the body. `None` when the file does not start
/// with a `---` line (after an optional UTF-8 BOM): it is then not a record.
pub fn split(text: &str) -> Option<Result<FrontMatter<'_>, Unterminated>> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let first_end = line_end(text, start);
    if trim_line(&text[start..first_end]) != "---" {
        return None;
    }
    let yaml_start = next_line(text, first_end);
    let mut pos = yaml_start;
    while pos < text.len() {
        let end = line_end(text, pos);
        let line = trim_line(&text[pos..end]);
        if line == "---" || line == "..." {
            return Some(Ok(FrontMatter {
                yaml: &text[yaml_start..pos],
                offset: yaml_start,
                body: &text[next_line(text, end)..],
            }));
        }
        pos = next_line(text, end);
    }
    Some(Err(Unterminated {
        span: Span::new(start, first_end),
    }))
}

/// Byte index of the `\n` ending the line that starts at `from` (or the end).
fn line_end(text: &str, from: usize) -> usize {
    text[from..].find('\n').map_or(text.len(), |i| from + i)
}

fn next_line(text: &str, line_end: usize) -> usize {
    (line_end + 1).min(text.len())
}

/// A fence line may end in `\r` (CRLF files) or trailing blanks.
fn trim_line(line: &str) -> &str {
    line.trim_end_matches(['\r', ' ', '\t'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let text = "---\nkind: Policy\nid: P\n---\n# Title\n";
        let fm = split(text).and_then(Result::ok);
        assert_eq!(
            fm,
            Some(FrontMatter {
                yaml: "kind: Policy\nid: P\n",
                offset: 4,
                body: "# Title\n"
            })
        );
    }

    #[test]
    fn crlf_and_bom() {
        let text = "\u{feff}---\r\nkind: Policy\r\n---\r\nbody\r\n";
        let fm = split(text).and_then(Result::ok);
        assert_eq!(
            fm.map(|f| (f.yaml, f.offset, f.body)),
            Some(("kind: Policy\r\n", 8, "body\r\n"))
        );
    }

    #[test]
    fn no_front_matter_is_not_a_record() {
        assert_eq!(split("# Just markdown\n---\n"), None);
        assert_eq!(split(""), None);
    }

    #[test]
    fn unterminated() {
        assert!(matches!(split("---\nkind: Policy\n"), Some(Err(_))));
    }
}
