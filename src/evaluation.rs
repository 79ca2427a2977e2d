//! The result of evaluating a repository: its records, the findings about
//! them, the files those findings point into, the rules in force and the git
//! history that served as evidence. `app` produces it; `check`'s reports,
//! `log` and `audit` read it. It sits below both so that neither the audit
//! pack nor the reports need to know how a command ran.

use std::collections::HashMap;
use std::sync::Arc;

use crate::finding::Finding;
use crate::history::History;
use crate::record::RecordSet;
use crate::report;
use crate::rule::RuleSet;
use crate::source::SourceFile;

/// Records, findings and the files they came from: the result of evaluation.
pub struct Evaluation {
    pub records: RecordSet,
    pub findings: Vec<Finding>,
    pub files: HashMap<String, Arc<SourceFile>>,
    pub rules: Vec<report::RuleMeta>,
    pub ruleset: RuleSet,
    /// The history index, when rules needed one (or `force_history`).
    pub history: Option<History>,
    /// The governance root relative to the repository's work tree.
    pub prefix: String,
    /// Every file of the evaluated content (work tree, index or revision)
    /// under the root, sorted: what paths given to `check` must name.
    pub listed: Vec<String>,
}
