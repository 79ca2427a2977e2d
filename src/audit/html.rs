//! The evidence pack as one self-contained HTML file: inline CSS with a
//! print style, no scripts, no external resources (a Content-Security-Policy
//! of `default-src 'none'` makes a browser refuse any that slipped in), so
//! it renders offline and can be archived as is. Every piece of text from
//! the repository passes through [`esc`]. What is shown is decided in
//! `render.rs`.

use std::fmt::Write as _;

use super::escape::esc;
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
.running { display: none; }
nav ul { list-style: none; padding: 0; display: flex; gap: 1.2rem; }
table.sheet, table.sheet > * > tr > td { border: 0; padding: 0; margin: 0; width: 100%; border-collapse: collapse; }
table.sheet { table-layout: fixed; }
.nw { white-space: nowrap; }
table.sheet > thead { display: none; }
.grid { border-collapse: collapse; width: 100%; table-layout: fixed; margin: .6rem 0 1.2rem; font-size: .85rem; }
.grid th, .grid td { box-sizing: border-box; border: 1px solid #d0d7de; padding: .3rem .45rem; text-align: left; vertical-align: top; }
.grid th { background: #f6f8fa; }
.grid td.num { text-align: right; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
code.id { white-space: nowrap; }
.status { font-weight: 600; padding: .05rem .4rem; border-radius: .6rem; white-space: nowrap; }
.evidenced, .pass { background: #dafbe1; color: #116329; }
.findings, .fail { background: #ffebe9; color: #a40e26; }
.no-evidence, .not-checked { background: #eaeef2; color: #57606a; }
.not-checked { border: 1px dashed #8c959f; }
.warn { color: #a40e26; font-weight: 600; }
.muted { color: #57606a; }
.small { font-size: .9em; }
svg.timeline { width: 100%; height: auto; display: block; margin: .6rem 0 1.2rem; font-family: inherit; }
.t-summary { width: auto; min-width: 40%; }
.t-summary th:nth-child(1) { width: 22em; } .t-summary th:nth-child(2) { width: 6em; }
.t-clauses th:nth-child(1) { width: 9%; } .t-clauses th:nth-child(2) { width: 50%; } .t-clauses th:nth-child(3) { width: 14%; }
.t-rules th:nth-child(1) { width: 32%; } .t-rules th:nth-child(2) { width: 7%; } .t-rules th:nth-child(3) { width: 8%; } .t-rules th:nth-child(4) { width: 7%; }
.t-evidence th:nth-child(1) { width: 15%; } .t-evidence th:nth-child(2) { width: 13%; } .t-evidence th:nth-child(3) { width: 10%; } .t-evidence th:nth-child(5) { width: 10%; } .t-evidence th:nth-child(6) { width: 8%; }
.t-records th:nth-child(1) { width: 16%; } .t-records th:nth-child(2) { width: 14%; } .t-records th:nth-child(3) { width: 10%; } .t-records th:nth-child(4) { width: 17%; } .t-records th:nth-child(5) { width: 14%; } .t-records th:nth-child(6) { width: 9%; } .t-records th:nth-child(7) { width: 8%; }
.t-trail th:nth-child(1) { width: 10%; } .t-trail th:nth-child(2) { width: 7%; } .t-trail th:nth-child(3) { width: 14%; } .t-trail th:nth-child(4) { width: 12%; } .t-trail th:nth-child(5) { width: 12%; } .t-trail th:nth-child(6) { width: 16%; } .t-trail th:nth-child(7) { width: 12%; } .t-trail th:nth-child(8) { width: 17%; }
.t-other th:nth-child(1) { width: 25%; } .t-other th:nth-child(2) { width: 10%; }
.t-soa th:nth-child(1) { width: 7%; } .t-soa th:nth-child(2) { width: 16%; } .t-soa th:nth-child(3) { width: 10%; } .t-soa th:nth-child(4) { width: 20%; } .t-soa th:nth-child(5) { width: 11%; } .t-soa th:nth-child(6) { width: 9%; } .t-soa th:nth-child(7) { width: 17%; }
@page { size: A4; margin: 10mm 12mm 12mm 12mm; }
@media print {
  html, body { margin: 0; padding: 0; max-width: none; font-size: 8.5pt; line-height: 1.3; }
  /* Chromium repeats a fixed element on every printed page (CSS running
     headers are not supported). The page's content sits in one table whose
     head, an empty band as tall as the running header, repeats on every
     page too, so the header never covers the text. */
  .running { display: block; position: fixed; top: 0; left: 0; right: 0; height: 5mm; font-size: 7pt; line-height: 5mm; color: #57606a; border-bottom: .5pt solid #afb8c1; white-space: nowrap; overflow: hidden; background: #ffffff; }
  table.sheet > thead { display: table-header-group; }
  .sheet-space { height: 8mm; }
  h1 { font-size: 15pt; margin: 0 0 2pt; }
  h2 { font-size: 12pt; margin-top: 0; }
  h3 { font-size: 10pt; margin: 9pt 0 3pt; }
  p { margin: 3pt 0; }
  nav { display: none; }
  a { color: inherit; text-decoration: none; }
  .grid { font-size: 7pt; margin: 3pt 0 6pt; }
  .grid th, .grid td { padding: 1.5pt 3pt; }
  .grid thead { display: table-header-group; }
  tr { break-inside: avoid; }
  h2, h3, h3 + p { break-after: avoid; }
  #clauses, #soa, #records, #trail, #other { break-before: page; }
  .status { border: 1px solid currentColor; padding: 0 2pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
";

/// One self-contained HTML file.
pub(super) struct Html;

impl Markup for Html {
    const TIMELINE: bool = true;
    const WIDE_TABLES: bool = false;
    const SPLIT_COUNTS: bool = true;

    /// Dates (`2026-10-31`) stay on one line; an email address may wrap
    /// before its `@`, a path or tag name (`govlint/witness/2026…`) after a
    /// `/` (browsers keep `/2` together otherwise).
    fn text(&self, text: &str) -> String {
        keep_dates_whole(&esc(text).replace('@', "<wbr>@").replace('/', "/<wbr>"))
    }

    fn commit(&self, id: &str) -> String {
        format!("<code>{}</code>", esc(id))
    }

    /// Paths and rule ids may wrap after a `/`, and after a `-` as
    /// browsers do; never inside a word.
    fn ident(&self, text: &str) -> String {
        format!("<code>{}</code>", esc(text).replace('/', "/<wbr>"))
    }

    fn record_id(&self, id: &str) -> String {
        format!("<code class=\"id\">{}</code>", esc(id))
    }

    fn with_note(&self, markup: &str, note: &str) -> String {
        format!("{markup}<br><span class=\"muted small\">{note}</span>")
    }

    /// `ResponsibilityMatrix` may wrap between its words.
    fn kind(&self, kind: &str) -> String {
        let mut out = String::new();
        let mut prev_lower = false;
        for c in kind.chars() {
            if prev_lower && c.is_ascii_uppercase() {
                out.push_str("<wbr>");
            }
            prev_lower = c.is_ascii_lowercase();
            out.push_str(&esc(c.encode_utf8(&mut [0; 4])));
        }
        out
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
            ClauseStatus::NotChecked => "not-checked",
        };
        format!("<span class=\"status {class}\">{}</span>", status.as_str())
    }

    fn result(&self, result: &str) -> String {
        format!("<span class=\"status {0}\">{0}</span>", esc(result))
    }

    fn timeline(&self, out: &mut String, audit: &Audit) {
        let Some(svg) = super::timeline::svg(audit) else {
            return;
        };
        self.section(out, "timeline");
        self.heading(out, 2, "Timeline");
        self.paragraph(
            out,
            Paragraph::Muted,
            "Approvals and reviews of each clause item's records over the eighteen months before today, by strength, and the records' next review dates (six months ahead included).",
        );
        out.push_str(&svg);
        self.section_end(out);
    }

    fn begin(&self, out: &mut String, audit: &Audit) {
        out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
        out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        let _ = writeln!(
            out,
            "<meta name=\"generator\" content=\"{}\">\n<title>ISMS evidence pack — {}</title>\n<style>{STYLE}</style>\n</head>\n<body>",
            esc(&audit.generator),
            esc(&audit.generated_for)
        );
        // The running header of every printed page (hidden on screen).
        let _ = write!(out, "<div class=\"running\">ISMS evidence pack");
        if let Some(repo) = &audit.repository {
            let _ = write!(out, " · {}", esc(repo));
        }
        if let Some(commit) = &audit.revision {
            let _ = write!(out, " · commit <code>{}</code>", esc(commit));
        }
        let _ = writeln!(out, " · today {}</div>", esc(&audit.generated_for));
        out.push_str("<table class=\"sheet\" role=\"presentation\"><thead><tr><td><div class=\"sheet-space\"></div></td></tr></thead><tbody><tr><td>\n<header>");
    }

    fn header_end(&self, out: &mut String, contents: &[(&str, &str)]) {
        out.push_str("</header>\n<nav><ul>");
        for (id, name) in contents {
            let _ = write!(out, "<li>{}</li>", self.link(id, &esc(name)));
        }
        out.push_str("</ul></nav>\n");
    }

    fn end(&self, out: &mut String) {
        out.push_str("</td></tr></tbody></table>\n</body>\n</html>\n");
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

    fn table_start(&self, out: &mut String, class: &str, headers: &[&str]) {
        let _ = write!(out, "<table class=\"grid {}\">\n<thead><tr>", esc(class));
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

/// Wraps every `YYYY-MM-DD` in escaped text in a no-wrap span, so that a
/// line never breaks inside a date.
fn keep_dates_whole(escaped: &str) -> String {
    let b = escaped.as_bytes();
    // `2026-10-31T08:30:00Z`: the date stays whole, and the line may break
    // before its time (a hyphen before a digit is no break opportunity).
    let time_follows =
        |i: usize| b.get(i) == Some(&b'T') && b.get(i + 1).is_some_and(u8::is_ascii_digit);
    let is_date = |i: usize| {
        b.get(i..i + 10).is_some_and(|d| {
            d.iter().enumerate().all(|(n, c)| match n {
                4 | 7 => *c == b'-',
                _ => c.is_ascii_digit(),
            })
        }) && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            && (b.get(i + 10).is_none_or(|c| !c.is_ascii_alphanumeric()) || time_follows(i + 10))
    };
    let mut out = String::with_capacity(escaped.len());
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        if is_date(i) {
            out.push_str(&escaped[copied..i]);
            let _ = write!(out, "<span class=\"nw\">{}</span>", &escaped[i..i + 10]);
            i += 10;
            if time_follows(i) {
                out.push_str("<wbr>");
            }
            copied = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&escaped[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_stay_whole_and_other_text_is_untouched() {
        assert_eq!(
            Html.text("due 2026-10-31: overdue"),
            "due <span class=\"nw\">2026-10-31</span>: overdue"
        );
        assert_eq!(
            Html.text("2026-10-31"),
            "<span class=\"nw\">2026-10-31</span>"
        );
        assert_eq!(
            Html.text("MR-2026-09 x12026-10-311"),
            "MR-2026-09 x12026-10-311"
        );
        assert_eq!(
            Html.text("é 2026-01-02."),
            "é <span class=\"nw\">2026-01-02</span>."
        );
        // A date-time may break before its time, never inside the date.
        assert_eq!(
            Html.text("claimed 2026-03-10T08:30:00Z"),
            "claimed <span class=\"nw\">2026-03-10</span><wbr>T08:30:00Z"
        );
        assert_eq!(Html.text("2026-03-10Tx"), "2026-03-10Tx");
        assert_eq!(
            Html.text("witness govlint/witness/20261028T091600Z"),
            "witness govlint/<wbr>witness/<wbr>20261028T091600Z"
        );
    }

    #[test]
    fn kinds_wrap_between_words_and_paths_after_slashes() {
        assert_eq!(
            Html.kind("ResponsibilityMatrix"),
            "Responsibility<wbr>Matrix"
        );
        assert_eq!(Html.kind("Role"), "Role");
        assert_eq!(Html.ident("a/b"), "<code>a/<wbr>b</code>");
    }

    #[test]
    fn text_and_attributes_are_escaped() {
        assert_eq!(
            esc("<script>alert('x')</script> | R&D \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; | R&amp;D &quot;q&quot;"
        );
    }
}
