//! The human format: a miette report per finding (file, line and column, the
//! source snippet with the offending node underlined, rule id, clause, help),
//! then one summary line.

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use std::sync::Arc;

use rayon::prelude::*;

use super::{summary_line, Report};
use crate::finding::{Finding, Severity};
use crate::source::SourceFile;

/// Renders every finding; `color` picks the theme, `quiet` drops the summary.
pub fn render(report: &Report<'_>, color: bool, quiet: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_context_lines(1)
        .with_break_words(false)
        // Break lines at spaces only (an id, a path or `ISO/IEC` stays whole);
        // Unicode line breaking also costs a segmenter pass per line.
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation);
    // Each finding is rendered on its own (in parallel: thousands of
    // snippets, laid out and wrapped), then joined in order.
    let parts: Vec<String> = report
        .findings
        .par_iter()
        .map(|f| {
            let mut one = String::new();
            render_one(&handler, report, f, &mut one);
            one
        })
        .collect();
    let mut out = String::with_capacity(parts.iter().map(String::len).sum::<usize>() + 128);
    for part in parts {
        out.push_str(&part);
    }
    if !quiet {
        out.push_str(&summary_line(&report.summary()));
        out.push('\n');
    }
    out
}

fn render_one(
    handler: &GraphicalReportHandler,
    report: &Report<'_>,
    f: &Finding,
    out: &mut String,
) {
    let mut message = f.message.clone();
    if let Some(w) = &f.waived {
        message = format!("[waived by {}: {}] {message}", w.waiver, w.reason);
    }
    if f.pending {
        message = format!("[pending approval] {message}");
    }
    let mut diag = MietteDiagnostic::new(escape_controls(&message))
        .with_code(match &f.clause {
            Some(c) => format!("{} ({c})", f.rule),
            None => f.rule.clone(),
        })
        .with_severity(match (f.severity, f.is_active()) {
            (_, false) | (Severity::Info, _) => miette::Severity::Advice,
            (Severity::Warning, _) => miette::Severity::Warning,
            (Severity::Error, _) => miette::Severity::Error,
        });
    let mut help = f.help.clone().unwrap_or_default();
    let file = f
        .location
        .as_ref()
        .and_then(|l| report.files.get(&l.file).map(|src| (l, src)));
    // A snippet of a line of megabytes helps no one (and miette cannot pad
    // beyond 65,535 columns), and control characters from a hostile file
    // must not reach the terminal: name the place instead. So too for a
    // file that was not read (over the size limit, unreadable).
    let unshown = match (&f.location, file) {
        (Some(loc), Some((_, src))) => not_showable(src, loc.span).map(|why| (loc, why)),
        (Some(loc), None) => Some((loc, "")),
        (None, _) => None,
    };
    let file = if unshown.is_some() { None } else { file };
    if let Some((loc, why)) = unshown {
        help = format!(
            "at {}:{}:{}{why}{}{help}",
            loc.file,
            loc.line,
            loc.column,
            if help.is_empty() { "" } else { "\n" }
        );
    }
    if let Some((loc, src)) = file {
        let label = f.record.as_ref().map_or_else(
            || "here".to_owned(),
            |r| match &f.pointer {
                Some(p) if !p.is_empty() => format!("{r} {p}"),
                _ => r.clone(),
            },
        );
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            Some(label),
            first_line(&src.text, loc.span),
        )];
        for rel in &f.related {
            if rel.location.file == loc.file {
                labels.push(LabeledSpan::new_with_span(
                    Some(rel.message.clone()),
                    (rel.location.span.start, rel.location.span.len()),
                ));
            }
        }
        diag = diag.with_labels(labels);
    }
    for rel in &f.related {
        if file.is_none_or(|(loc, _)| rel.location.file != loc.file) {
            if !help.is_empty() {
                help.push('\n');
            }
            help.push_str(&format!(
                "{}: {}:{}:{}",
                rel.message, rel.location.file, rel.location.line, rel.location.column
            ));
        }
    }
    if !help.is_empty() {
        diag = diag.with_help(escape_controls(&help));
    }
    let rendered = match file {
        Some((loc, src)) => {
            let indexed = Indexed {
                name: loc.file.clone(),
                file: Arc::clone(src),
            };
            let with = WithSource {
                diag,
                source: indexed,
            };
            let mut s = String::new();
            handler.render_report(&mut s, &with).map(|()| s)
        }
        None => {
            let mut s = String::new();
            handler.render_report(&mut s, &diag).map(|()| s)
        }
    };
    match rendered {
        Ok(s) => out.push_str(&s),
        Err(_) => out.push_str(&plain(f)),
    }
    out.push('\n');
}

/// A diagnostic with the file it points into: what
/// `miette::Report::with_source_code` makes, without making a `Report`,
/// whose creation runs the global report hook (a terminal size query and
/// environment reads) for every finding.
struct WithSource {
    diag: MietteDiagnostic,
    source: Indexed,
}

impl std::fmt::Debug for WithSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.diag, f)
    }
}

impl std::fmt::Display for WithSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.diag, f)
    }
}

impl std::error::Error for WithSource {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.diag.source()
    }
}

impl Diagnostic for WithSource {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.diag.code()
    }

    fn severity(&self) -> Option<miette::Severity> {
        self.diag.severity()
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.diag.help()
    }

    fn url<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.diag.url()
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.diag.labels()
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.diag.source_code().or(Some(&self.source))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        self.diag.related()
    }

    fn diagnostic_source(&self) -> Option<&dyn Diagnostic> {
        self.diag.diagnostic_source()
    }
}

/// A file as miette reads it for a snippet, through the file's line index:
/// miette's own `str` source scans from the start of the file for every
/// snippet, which is quadratic for a table with many findings.
struct Indexed {
    name: String,
    file: Arc<SourceFile>,
}

impl SourceCode for Indexed {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let text = &self.file.text;
        let (start, end) = (span.offset(), span.offset() + span.len());
        if end > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first = self.file.line_index(start);
        // A span that ends right after a newline ends on that line.
        let last = self.file.line_index(end.saturating_sub(1).max(start));
        let from = first.saturating_sub(context_lines_before);
        let range = self.file.lines_range(from, last + context_lines_after);
        let lines = self
            .file
            .line_index(range.end.saturating_sub(1).max(range.start))
            - from
            + 1;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            &text.as_bytes()[range.clone()],
            SourceSpan::new(range.start.into(), range.len()),
            from,
            // miette's header reads the span's own column from here.
            self.file.line_col(start).1 - 1,
            lines,
        )))
    }
}

/// A one-line fallback, `file:line:col: severity[rule]: message`.
pub fn plain(f: &Finding) -> String {
    let place = f
        .location
        .as_ref()
        .map(|l| format!("{}:{}:{}: ", l.file, l.line, l.column))
        .unwrap_or_default();
    format!(
        "{place}{}[{}]: {}\n",
        f.severity.as_str(),
        f.rule,
        f.message
    )
}

/// The longest line a snippet shows, in bytes.
const MAX_SNIPPET_LINE: usize = 4096;

/// Why the snippet around `span` (its first line and the lines beside it)
/// is not shown, if it is not: a line longer than [`MAX_SNIPPET_LINE`], or
/// control characters.
fn not_showable(src: &SourceFile, span: crate::source::Span) -> Option<&'static str> {
    let line = src.line_index(span.start);
    let range = src.lines_range(line.saturating_sub(2), line + 2);
    let text = src.text.get(range)?;
    if text.split('\n').any(|l| l.len() > MAX_SNIPPET_LINE) {
        Some(" (the line is too long to show)")
    } else if text.chars().any(is_control) {
        Some(" (the lines hold control characters: not shown)")
    } else {
        None
    }
}

/// A character that must not reach a terminal raw: C0 and C1 controls and
/// DEL, but tab and line breaks.
fn is_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// `text` with every [`is_control`] character written as `\u{…}`.
fn escape_controls(text: &str) -> String {
    if !text.chars().any(is_control) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if is_control(c) {
                format!("\\u{{{:x}}}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The part of `span` on its first line: a whole mapping underlined over many
/// lines says less than its first line does.
fn first_line(text: &str, span: crate::source::Span) -> (usize, usize) {
    let end = text
        .get(span.start..span.end)
        .and_then(|s| s.find(['\n', '\r']))
        .map_or(span.end, |i| span.start + i);
    (span.start, end.saturating_sub(span.start))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// Lines break at spaces only: a hyphenated id or a path that reaches
    /// the right margin moves to the next line whole (Unicode line breaking
    /// would split `POL-00096` after its hyphen, or a path after a `/`).
    #[test]
    fn ids_and_paths_are_never_split_across_lines() {
        let ids: Vec<String> = (0..40).map(|i| format!("POL-{i:05}")).collect();
        let message = format!(
            "policies not reviewed: {} under policies/information-security/sub-folder/x.md",
            ids.join(" ")
        );
        let findings = [Finding::new("cadence", Severity::Error, message)];
        let files = HashMap::new();
        let report = Report {
            findings: &findings,
            records: 1,
            files: &files,
            rules: &[],
        };
        let text = render(&report, false, true);
        let words: Vec<&str> = text.split_whitespace().collect();
        for id in &ids {
            assert!(words.contains(&id.as_str()), "{id} split in:\n{text}");
        }
        assert!(
            words.contains(&"policies/information-security/sub-folder/x.md"),
            "{text}"
        );
        assert!(text.lines().count() > 3, "wrapped at all:\n{text}");
    }
}
