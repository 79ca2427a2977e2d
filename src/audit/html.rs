//! The evidence pack as one self-contained HTML file: inline CSS with a
//! print style, no scripts, no external resources (a Content-Security-Policy
//! of `default-src 'none'` makes a browser refuse any that slipped in), so
//! it renders offline and can be archived as is. Every piece of text from
//! the repository passes through [`esc`]. What is shown is decided in
//! `render.rs`.

use std::fmt::Write as _;

use super::render::{Markup, Paragraph, Tone};
use super::{Audit, ClauseStatus};

const STYLE: &str = "
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1b1f24; margin: 2rem auto; max-width: 1400px; padding: 0 1.5rem; }
h1 { font-size: 1.8rem; margin-bottom: .2rem; }
h2 { font-size: 1.35rem; border-bottom: 2px solid #d0d7de; padding-bottom: .2rem; margin-top: 2.2rem; }
h3 { font-size: 1.1rem; margin-top: 1.6rem; }
.meta { color: #57606a; }
.note { background: #fff8c5; border-left: 4px solid #d4a72c; padding: .5rem .8rem; }
nav ul { list-style: none; padding: 0; display: flex; gap: 1.2rem; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1.2rem; font-size: .85rem; }
th, td { border: 1px solid #d0d7de; padding: .3rem .45rem; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f6f8fa; }
td.num { text-align: right; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
.status { font-weight: 600; padding: .05rem .4rem; border-radius: .6rem; white-space: nowrap; }
.evidenced, .pass { background: #dafbe1; color: #116329; }
.findings, .fail { background: #ffebe9; color: #a40e26; }
.no-evidence { background: #eaeef2; color: #57606a; }
.warn { color: #a40e26; font-weight: 600; }
.muted { color: #57606a; }
@media print {
  body { margin: 0; max-width: none; font-size: 9pt; }
  nav { display: none; }
  a { color: inherit; text-decoration: none; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  .status { border: 1px solid currentColor; }
}
";

/// One self-contained HTML file.
pub(super) struct Html;

impl Markup for Html {
    const WHOLE_REVISION: bool = true;
    const SPLIT_COUNTS: bool = true;

    fn text(&self, text: &str) -> String {
        esc(text)
    }

    fn commit(&self, id: &str) -> String {
        self.ident(id)
    }

    fn ident(&self, text: &str) -> String {
        format!("<code>{}</code>", esc(text))
    }

    fn link(&self, id: &str, markup: &str) -> String {
        format!("<a href=\"#{}\">{markup}</a>", esc(id))
    }

    fn target(&self, id: &str, markup: &str) -> String {
        format!("<span id=\"{}\">{markup}</span>", esc(id))
    }

    fn tone(&self, tone: Tone, markup: &str) -> String {
        match tone {
            Tone::Strong => format!("<strong>{markup}</strong>"),
            Tone::Alarm | Tone::Warn => format!("<span class=\"warn\">{markup}</span>"),
            Tone::Muted => format!("<span class=\"muted\">{markup}</span>"),
        }
    }

    fn status(&self, status: ClauseStatus) -> String {
        let class = match status {
            ClauseStatus::Evidenced => "evidenced",
            ClauseStatus::Findings => "findings",
            ClauseStatus::NoEvidence => "no-evidence",
        };
        format!("<span class=\"status {class}\">{}</span>", status.as_str())
    }

    fn result(&self, result: &str) -> String {
        format!("<span class=\"status {0}\">{0}</span>", esc(result))
    }

    fn begin(&self, out: &mut String, audit: &Audit) {
        out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
        out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        let _ = writeln!(
            out,
            "<meta name=\"generator\" content=\"{}\">\n<title>ISMS evidence pack — {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header>",
            esc(&audit.generator),
            esc(&audit.generated_for)
        );
    }

    fn header_end(&self, out: &mut String, contents: &[(&str, &str)]) {
        out.push_str("</header>\n<nav><ul>");
        for (id, name) in contents {
            let _ = write!(out, "<li>{}</li>", self.link(id, &esc(name)));
        }
        out.push_str("</ul></nav>\n");
    }

    fn end(&self, out: &mut String) {
        out.push_str("</body>\n</html>\n");
    }

    fn section(&self, out: &mut String, id: &str) {
        let _ = writeln!(out, "<section id=\"{}\">", esc(id));
    }

    fn section_end(&self, out: &mut String) {
        out.push_str("</section>\n");
    }

    fn heading(&self, out: &mut String, level: usize, markup: &str) {
        let _ = writeln!(out, "<h{level}>{markup}</h{level}>");
    }

    fn paragraph(&self, out: &mut String, kind: Paragraph, markup: &str) {
        let class = match kind {
            Paragraph::Plain => "",
            Paragraph::Meta => " class=\"meta\"",
            Paragraph::Note => " class=\"note\"",
            Paragraph::Muted => " class=\"muted\"",
        };
        let _ = writeln!(out, "<p{class}>{markup}</p>");
    }

    fn none(&self, out: &mut String) {
        self.paragraph(out, Paragraph::Muted, "None.");
    }

    fn table_start(&self, out: &mut String, headers: &[&str]) {
        out.push_str("<table>\n<thead><tr>");
        for h in headers {
            let _ = write!(out, "<th>{}</th>", esc(h));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
    }

    fn table_row(&self, out: &mut String, cells: &[String], numeric: &[usize]) {
        out.push_str("<tr>");
        for (i, cell) in cells.iter().enumerate() {
            if numeric.contains(&i) {
                let _ = write!(out, "<td class=\"num\">{cell}</td>");
            } else {
                let _ = write!(out, "<td>{cell}</td>");
            }
        }
        out.push_str("</tr>\n");
    }

    fn table_end(&self, out: &mut String) {
        out.push_str("</tbody>\n</table>\n");
    }
}

/// Text for HTML content and quoted attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped() {
        assert_eq!(
            esc("<script>alert('x')</script> | R&D \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; | R&amp;D &quot;q&quot;"
        );
    }
}
