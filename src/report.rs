//! Reporting: the only place that turns findings into text. Each format is a
//! function from a [`Report`] to a `String`; the caller writes it out.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod yaml;

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

use crate::finding::{Code, Finding, Severity};
use crate::source::SourceFile;

/// What a rule looks like in reports (SARIF's rule table, JUnit suites).
#[derive(Debug, Clone, Serialize)]
pub struct RuleMeta {
    pub id: String,
    pub severity: Severity,
    pub clause: Option<String>,
    /// One line: what the rule demands.
    pub summary: String,
    pub help: Option<String>,
    /// Repo-relative file the rule comes from, or `None` for built-ins.
    pub source: Option<String>,
}

impl RuleMeta {
    /// A built-in code as reports describe it, at its default severity.
    pub fn of_code(code: Code) -> Self {
        RuleMeta {
            id: code.id().to_owned(),
            severity: code.default_severity(),
            clause: None,
            summary: code.summary().to_owned(),
            help: Some(code.description().to_owned()),
            source: None,
        }
    }
}

/// Everything a format needs.
pub struct Report<'a> {
    /// Sorted, filtered findings (waived ones included).
    pub findings: &'a [Finding],
    /// How many records were checked.
    pub records: usize,
    /// The files findings point into, by repo-relative path.
    pub files: &'a HashMap<String, Arc<SourceFile>>,
    pub rules: &'a [RuleMeta],
}

/// Counts of active findings by severity (waived ones counted apart).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub records: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub waived: usize,
}

impl Report<'_> {
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            records: self.records,
            ..Summary::default()
        };
        for f in self.findings {
            if !f.is_active() {
                s.waived += 1;
                continue;
            }
            match f.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
    }
}

/// The one-line summary that closes human output.
pub fn summary_line(s: &Summary) -> String {
    let plural = |n: usize, one: &str| {
        if n == 1 {
            format!("{n} {one}")
        } else {
            format!("{n} {one}s")
        }
    };
    let mut line = format!(
        "{} checked: {}, {}, {}",
        plural(s.records, "record"),
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
        plural(s.infos, "info"),
    );
    if s.waived > 0 {
        line.push_str(&format!(" ({} waived)", s.waived));
    }
    line
}
