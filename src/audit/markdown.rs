//! The evidence pack as GitHub-flavoured Markdown: headings and tables an
//! auditor can read raw or rendered. Every piece of text from the
//! repository passes through [`esc`], so a title cannot break a table or
//! smuggle HTML into a renderer. What is shown is decided in `render.rs`.

use std::fmt::Write as _;

use super::render::{Markup, Paragraph, Tone};
use super::{Audit, ClauseStatus};

/// GitHub-flavoured Markdown.
pub(super) struct Markdown;

impl Markup for Markdown {
    const TIMELINE: bool = false;
    const WIDE_TABLES: bool = true;
    const SPLIT_COUNTS: bool = false;

    fn text(&self, text: &str) -> String {
        esc(text)
    }

    fn commit(&self, id: &str) -> String {
        format!("`{id}`")
    }

    fn ident(&self, text: &str) -> String {
        esc(text)
    }

    fn record_id(&self, id: &str) -> String {
        esc(id)
    }

    fn kind(&self, kind: &str) -> String {
        esc(kind)
    }

    fn with_note(&self, markup: &str, note: &str) -> String {
        format!("{markup} ({note})")
    }

    fn link(&self, _id: &str, markup: &str) -> String {
        markup.to_owned()
    }

    fn target(&self, _id: &str, markup: &str) -> String {
        markup.to_owned()
    }

    fn tone(&self, tone: Tone, markup: &str) -> String {
        match tone {
            Tone::Strong | Tone::Alarm => format!("**{markup}**"),
            Tone::Warn | Tone::Muted => markup.to_owned(),
        }
    }

    fn status(&self, status: ClauseStatus) -> String {
        self.tone(Tone::Strong, status.as_str())
    }

    fn result(&self, result: &str) -> String {
        result.to_owned()
    }

    fn timeline(&self, _out: &mut String, _audit: &Audit) {}

    fn begin(&self, _out: &mut String, _audit: &Audit) {}

    fn header_end(&self, _out: &mut String, _contents: &[(&str, &str)]) {}

    fn end(&self, _out: &mut String) {}

    fn section(&self, _out: &mut String, _id: &str) {}

    fn section_end(&self, _out: &mut String) {}

    fn heading(&self, out: &mut String, level: usize, markup: &str) {
        let _ = writeln!(out, "{} {markup}\n", "#".repeat(level));
    }

    fn paragraph(&self, out: &mut String, kind: Paragraph, markup: &str) {
        let quote = match kind {
            Paragraph::Note => "> ",
            Paragraph::Plain | Paragraph::Meta | Paragraph::Muted => "",
        };
        let _ = writeln!(out, "{quote}{markup}\n");
    }

    fn none(&self, out: &mut String) {
        out.push_str("_None._\n\n");
    }

    fn table_start(&self, out: &mut String, _class: &str, headers: &[&str]) {
        let _ = writeln!(out, "| {} |", headers.join(" | "));
        let _ = writeln!(out, "|{}", "---|".repeat(headers.len()));
    }

    fn table_row(&self, out: &mut String, cells: &[String], _numeric: &[usize]) {
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }

    fn table_end(&self, out: &mut String) {
        out.push('\n');
    }
}

/// Text from the repository, made inert for Markdown: `|` cannot end a
/// table cell, a newline cannot end a row, `<`/`>`/`&` become entities (no
/// raw HTML reaches a renderer), and emphasis and link characters are
/// escaped.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '|' | '*' | '_' | '[' | ']' | '`' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("<br>");
            }
            '\n' => out.push_str("<br>"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::render::table;
    use super::*;

    #[test]
    fn cells_cannot_break_tables_or_inject_html() {
        assert_eq!(
            esc("<script>alert(1)</script> | R&D"),
            "&lt;script&gt;alert(1)&lt;/script&gt; \\| R&amp;D"
        );
        assert_eq!(esc("a\nb\r\nc"), "a<br>b<br>c");
        assert_eq!(esc("*x* [y](z) `c` \\"), "\\*x\\* \\[y\\](z) \\`c\\` \\\\");
        assert_eq!(esc("tab\there"), "tab here");
    }

    #[test]
    fn empty_tables_say_none() {
        let mut out = String::new();
        table(&mut out, &Markdown, "t", &["A"], &[], &[]);
        assert_eq!(out, "_None._\n\n");
        let rows = [vec!["1".to_owned(), "2".to_owned()]];
        table(&mut out, &Markdown, "t", &["A", "B"], &[1], &rows);
        assert!(
            out.ends_with("| A | B |\n|---|---|\n| 1 | 2 |\n\n"),
            "{out}"
        );
    }
}
