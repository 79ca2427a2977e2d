//! The stable machine format (SPEC 4.1): one object with `version`, `summary`
//! and `diagnostics`. Fields beyond the SPEC's (`help`, `waived`, `pending`,
//! `related`) are additive; consumers may ignore them.

use serde::Serialize;

use super::{Report, Summary};
use crate::finding::{Finding, Related, Waived};

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    summary: Summary,
    diagnostics: Vec<Diagnostic<'a>>,
}

#[derive(Serialize)]
struct Diagnostic<'a> {
    rule: &'a str,
    severity: &'static str,
    message: &'a str,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    record: Option<&'a str>,
    kind: Option<&'a str>,
    pointer: Option<&'a str>,
    clause: Option<&'a str>,
    help: Option<&'a str>,
    waived: Option<&'a Waived>,
    pending: bool,
    related: &'a [Related],
}

impl<'a> From<&'a Finding> for Diagnostic<'a> {
    fn from(f: &'a Finding) -> Self {
        Diagnostic {
            rule: &f.rule,
            severity: f.severity.as_str(),
            message: &f.message,
            file: f.location.as_ref().map(|l| l.file.as_str()),
            line: f.location.as_ref().map(|l| l.line),
            column: f.location.as_ref().map(|l| l.column),
            record: f.record.as_deref(),
            kind: f.kind.as_deref(),
            pointer: f.pointer.as_deref(),
            clause: f.clause.as_deref(),
            help: f.help.as_deref(),
            waived: f.waived.as_ref(),
            pending: f.pending,
            related: &f.related,
        }
    }
}

pub fn render(report: &Report<'_>) -> String {
    let out = Output {
        version: 1,
        summary: report.summary(),
        diagnostics: report.findings.iter().map(Diagnostic::from).collect(),
    };
    // Written into a buffer sized for the report (a finding takes about
    // 600 bytes): grown by doubling, a report of thousands of findings was
    // copied several times over.
    let mut buf = Vec::with_capacity(1024 + report.findings.len() * 640);
    let mut text = match serde_json::to_writer_pretty(&mut buf, &out) {
        // serde_json writes UTF-8 only.
        Ok(()) => String::from_utf8(buf)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        Err(e) => format!("{{\"error\": \"{e}\"}}"),
    };
    text.push('\n');
    text
}
