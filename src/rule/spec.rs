//! Rule files as written (SPEC 3): the serde shapes of `rules/*.yaml`, before
//! compilation. `schemas/rules.schema.json` describes the same shapes for
//! editors and is checked first, so these structs mostly see valid input;
//! `deny_unknown_fields` keeps the two honest. Field docs are in the schema
//! (`description`), which is what users read.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::finding::Severity;

use super::evidence::Strength;

/// One YAML document of a rule file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileSpec {
    pub rules: Vec<RuleSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleSpec {
    pub id: String,
    #[serde(default)]
    pub clause: Option<String>,
    pub severity: SeveritySpec,
    pub message: String,
    #[serde(default)]
    pub help: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub examples: Option<ExamplesSpec>,
    #[serde(rename = "for", default)]
    pub selector: Option<SelectorSpec>,
    #[serde(default)]
    pub check: Option<Vec<AssertionSpec>>,
    #[serde(default)]
    pub aggregate: Option<AggregateSpec>,
}

/// `crate::finding::Severity` as rule files spell it.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum SeveritySpec {
    Error,
    Warning,
    Info,
}

impl From<SeveritySpec> for Severity {
    fn from(s: SeveritySpec) -> Severity {
        match s {
            SeveritySpec::Error => Severity::Error,
            SeveritySpec::Warning => Severity::Warning,
            SeveritySpec::Info => Severity::Info,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExamplesSpec {
    pub pass: String,
    pub fail: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SelectorSpec {
    #[serde(default)]
    pub kind: Option<OneOrMany>,
    #[serde(rename = "where", default)]
    pub where_: Map<String, Value>,
    #[serde(default)]
    pub each: Option<EachSpec>,
    #[serde(rename = "if", default)]
    pub if_: Option<Vec<AssertionSpec>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub(crate) fn to_vec(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum EachSpec {
    Path(String),
    Full {
        field: String,
        #[serde(rename = "where", default)]
        where_: Map<String, Value>,
    },
}

/// One entry of `check` (or `for.if`, or `ref.check`): exactly one head key.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum AssertionSpec {
    Field(FieldSpec),
    Schema(SchemaWrap),
    Ref(RefWrap),
    ReferencedBy(ReferencedByWrap),
    Date(DateWrap),
    Approved(ApprovedWrap),
    Reviewed(ReviewedWrap),
    Lookup(LookupWrap),
    Rank(RankWrap),
    Same(SameWrap),
    Disjoint(DisjointWrap),
    Newest(NewestCheckWrap),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FieldSpec {
    pub field: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub nonempty: bool,
    #[serde(default)]
    pub pattern: Option<String>,
    #[serde(default)]
    pub not_pattern: Option<String>,
    #[serde(default)]
    pub equals: Option<Value>,
    #[serde(rename = "in", default)]
    pub in_: Option<Vec<Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SchemaWrap {
    pub schema: Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RefWrap {
    #[serde(rename = "ref")]
    pub ref_: RefSpec,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RefSpec {
    pub field: String,
    pub kind: OneOrMany,
    #[serde(default)]
    pub any: bool,
    #[serde(default)]
    pub check: Option<Vec<AssertionSpec>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReferencedByWrap {
    pub referenced_by: ReferencedBySpec,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReferencedBySpec {
    pub kind: OneOrMany,
    pub field: String,
    #[serde(default)]
    pub covering_today: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DateWrap {
    pub date: DateSpec,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DateSpec {
    pub field: String,
    #[serde(default)]
    pub within: Option<String>,
    #[serde(default)]
    pub not_overdue: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ApprovedWrap {
    pub approved: ApprovalSpec,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReviewedWrap {
    pub reviewed: ApprovalSpec,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ApprovalSpec {
    #[serde(default)]
    pub by: Option<FixedOrField>,
    #[serde(default)]
    pub within: Option<FixedOrField>,
    #[serde(default)]
    pub unchanged: bool,
    #[serde(default)]
    pub strength: Option<Strength>,
    #[serde(default)]
    pub four_eyes: bool,
    #[serde(default)]
    pub count: Option<u32>,
    /// `time:`: which time of an approval counts (default `auto`).
    #[serde(default)]
    pub time: ApprovalTime,
}

/// `time:` of `approved` / `reviewed` (SPEC 2.4).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ApprovalTime {
    /// `witnessed` when the configuration lists `trust.witnesses`, else
    /// `claimed`.
    #[default]
    Auto,
    /// The committer's (tagger's) date.
    Claimed,
    /// Only witnessed approvals count, timed by their landing window.
    Witnessed,
}

/// A literal (`top-management`, `P12M`) or `{field: P}` read from the record.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum FixedOrField {
    Fixed(String),
    Field { field: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AggregateSpec {
    #[serde(default)]
    pub min_count: Option<u64>,
    #[serde(default)]
    pub newest: Option<NewestSpec>,
    #[serde(default)]
    pub unique: Option<String>,
    #[serde(default)]
    pub covers: Option<CoversSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewestSpec {
    pub field: String,
    pub within: String,
}

/// `covers: {catalogue, field, exactly_once, ignore_unknown}` (aggregate).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CoversSpec {
    pub catalogue: String,
    pub field: String,
    #[serde(default)]
    pub exactly_once: bool,
    #[serde(default)]
    pub ignore_unknown: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LookupWrap {
    pub lookup: LookupSpec,
}

/// `lookup: {ref, kind, table, keys, equals}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LookupSpec {
    #[serde(rename = "ref")]
    pub ref_: String,
    pub kind: OneOrMany,
    pub table: String,
    pub keys: Vec<String>,
    pub equals: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RankWrap {
    pub rank: RankSpec,
}

/// `rank: {field, ref, kind, order, above | at_most}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RankSpec {
    pub field: String,
    #[serde(rename = "ref")]
    pub ref_: String,
    pub kind: OneOrMany,
    pub order: String,
    #[serde(default)]
    pub above: Option<String>,
    #[serde(default)]
    pub at_most: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SameWrap {
    pub same: SameSpec,
}

/// `same: {field, as}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SameSpec {
    pub field: String,
    #[serde(rename = "as")]
    pub as_: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DisjointWrap {
    pub disjoint: DisjointSpec,
}

/// `disjoint: {field, ref, kind, with}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DisjointSpec {
    pub field: String,
    #[serde(rename = "ref")]
    pub ref_: String,
    pub kind: OneOrMany,
    pub with: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewestCheckWrap {
    pub newest: NewestCheckSpec,
}

/// `newest: {field, within, default}` (on one record).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewestCheckSpec {
    pub field: String,
    pub within: FixedOrField,
    #[serde(default)]
    pub default: Option<String>,
}
