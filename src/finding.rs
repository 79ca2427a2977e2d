//! Findings: what govlint reports about records. Findings are values; only
//! `report` turns them into text. Built-in diagnostic codes are the closed
//! [`Code`] enum (`finding/code.rs`); rule ids are open-ended strings.

mod code;

use serde::{Deserialize, Serialize};

use crate::source::Location;

pub use code::Code;

/// How much a finding matters. Ordered so that `Error > Warning > Info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// Per-rule severity override from `govlint.yaml` (`severity:` map); `off`
/// disables the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Info,
    Off,
}

impl Level {
    #[must_use]
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "error" => Some(Level::Error),
            "warning" => Some(Level::Warning),
            "info" => Some(Level::Info),
            "off" => Some(Level::Off),
            _ => None,
        }
    }

    /// The severity findings get at this level; `None` for `off`.
    #[must_use]
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Error => Some(Severity::Error),
            Level::Warning => Some(Severity::Warning),
            Level::Info => Some(Severity::Info),
            Level::Off => None,
        }
    }
}

/// A second place a finding refers to (e.g. the other half of a duplicate id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    pub message: String,
    #[serde(flatten)]
    pub location: Location,
}

/// A finding silenced by a Waiver record: still reported, marked as waived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Waived {
    pub waiver: String,
    pub reason: String,
}

/// One diagnostic about the governance repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Rule id (`iso27001/...`, a repo rule id) or built-in code (`schema`, `parse`, ...).
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    /// Where in a file, when the finding has a place.
    pub location: Option<Location>,
    /// The record the finding is about.
    pub record: Option<String>,
    pub kind: Option<String>,
    /// JSON Pointer of the offending node inside the record.
    pub pointer: Option<String>,
    /// ISO/IEC 27001 clause the rule cites.
    pub clause: Option<String>,
    /// How to fix it.
    pub help: Option<String>,
    pub related: Vec<Related>,
    pub waived: Option<Waived>,
    /// About staged content whose approval can only come with or after the commit.
    pub pending: bool,
}

impl Finding {
    pub fn new(rule: impl Into<String>, severity: Severity, message: impl Into<String>) -> Self {
        Finding {
            rule: rule.into(),
            severity,
            message: message.into(),
            location: None,
            record: None,
            kind: None,
            pointer: None,
            clause: None,
            help: None,
            related: Vec::new(),
            waived: None,
            pending: false,
        }
    }

    /// A finding of a built-in code, at the code's default severity.
    pub fn code(code: Code, message: impl Into<String>) -> Self {
        Finding::new(code.id(), code.default_severity(), message)
    }

    pub fn at(mut self, location: Option<Location>) -> Self {
        self.location = location;
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Counts towards the exit code and the summary (waived findings do not).
    pub fn is_active(&self) -> bool {
        self.waived.is_none()
    }

    /// Sort key: file, line, column, rule, message — stable output order.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            self.location
                .as_ref()
                .map(|l| (l.file.as_str(), l.line, l.column)),
            self.rule.as_str(),
            self.record.as_deref(),
            self.message.as_str(),
        )
    }
}
