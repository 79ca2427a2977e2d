//! The evidence port: what git says about a record's approvals and reviews
//! (SPEC 2.1), in the shapes the `approved` / `reviewed` assertions and
//! waivers consume. This module owns the data shapes only: reading git is
//! `history`'s job, and `crate::evidence::GitEvidence` implements
//! [`Evidence`] over it. Tests use small fakes.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::record::Record;

/// How strongly an approval is proven. Ordered:
/// `Claimed < SelfMade < Attested < Signed`,
/// so "at least strength S" is `approval.strength >= s`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub enum Strength {
    /// Only the trailer says so: someone else made the commit.
    #[serde(rename = "claimed")]
    Claimed,
    /// The approver's email is the commit's committer (or the tag's tagger).
    #[default]
    #[serde(rename = "self")]
    SelfMade,
    /// A verified witness records that the forge holds an approving
    /// pull-request review by the approver of exactly this content (SPEC 2.5).
    #[serde(rename = "attested")]
    Attested,
    /// An SSH signature by a key the allowed-signers file lists for the approver.
    #[serde(rename = "signed")]
    Signed,
}

impl Strength {
    /// The spelling used in rule files, config and reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Strength::Claimed => "claimed",
            Strength::SelfMade => "self",
            Strength::Attested => "attested",
            Strength::Signed => "signed",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "claimed" => Some(Strength::Claimed),
            "self" => Some(Strength::SelfMade),
            "attested" => Some(Strength::Attested),
            "signed" => Some(Strength::Signed),
            _ => None,
        }
    }
}

impl fmt::Display for Strength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One approval (or review) of a record, as found in git.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    /// A review (`Reviewed-by:`), not an approval (`Approved-by:`).
    pub review: bool,
    /// The Person record whose email matches the trailer; `None` = unknown approver.
    pub person: Option<String>,
    /// The trailer's email (after `.mailmap`).
    pub email: String,
    /// The committer's (tagger's) date.
    pub date: jiff::civil::Date,
    pub strength: Strength,
    /// The approved bytes equal the bytes being checked.
    pub unchanged: bool,
    /// The approver's roles as of the approving commit.
    pub roles: Vec<String>,
    /// Email of the author of the approved change (four-eyes); `None` when unknown.
    pub change_author_email: Option<String>,
    /// Every email of the approving Person (`email` and `emails`), for four-eyes.
    pub approver_emails: Vec<String>,
    /// The approving commit (full or abbreviated hash).
    pub commit: String,
    /// Why the strength is what it is, in words: who committed the trailer,
    /// a forge merge, a backdated commit, a signature's verdict.
    pub why: String,
    /// Not yet part of the evaluated history (e.g. comes with the commit being
    /// made): never counts, but marks the finding as pending.
    pub pending: bool,
    /// When the approval arrived on the witnessed branch (SPEC 2.4); `None`
    /// when no witness contains it.
    pub landing: Option<Landing>,
}

/// An approval's landing window: the witnesses between which its commit
/// (for an attested approval: the witnessed commit) arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Landing {
    /// The latest witness before the one that first contains it; `None`
    /// when it is older than the first witness (then it cannot prove
    /// recency).
    pub after: Option<jiff::Timestamp>,
    /// The earliest witness that contains it: it existed no later.
    pub before: jiff::Timestamp,
    /// That witness's tag name.
    pub witness: String,
}

/// What the history knows about one record's approvals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvidenceStatus {
    /// Every approval and review found, oldest first or in any order.
    Known(Vec<Approval>),
    /// The history is truncated (shallow clone with `--allow-shallow`), so
    /// the answer is unknown: rules report a warning, never a pass.
    Unknown { reason: String },
}

/// Git evidence about records. Implementations should memoise: several rules
/// (and waivers) ask about the same record.
pub trait Evidence: Sync {
    fn approvals(&self, record: &Record) -> EvidenceStatus;

    /// The record's content is staged or otherwise not yet committed, so its
    /// approval can only come with or after the commit: history findings
    /// about it are marked `pending`.
    fn pending(&self, _record: &Record) -> bool {
        false
    }
}

/// No history at all (a repository without commits, or a run that needs
/// none): every record is "never approved".
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHistory;

impl Evidence for NoHistory {
    fn approvals(&self, _record: &Record) -> EvidenceStatus {
        EvidenceStatus::Known(Vec::new())
    }
}

/// The abbreviated commit id that messages, `log` and `audit` show: the
/// first 10 hex digits, enough to stay unique in large histories.
#[must_use]
pub fn short_commit(id: &str) -> &str {
    id.get(..10).unwrap_or(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strength_order_and_spelling() {
        assert!(Strength::Claimed < Strength::SelfMade);
        assert!(Strength::SelfMade < Strength::Attested && Strength::Attested < Strength::Signed);
        for s in [
            Strength::Claimed,
            Strength::SelfMade,
            Strength::Attested,
            Strength::Signed,
        ] {
            assert_eq!(Strength::parse(s.as_str()), Some(s));
            assert_eq!(s.to_string(), s.as_str());
            let json = serde_json::to_value(s).unwrap();
            assert_eq!(json, serde_json::Value::String(s.as_str().to_owned()));
        }
        assert_eq!(Strength::default(), Strength::SelfMade);
        assert_eq!(Strength::parse("attested"), Some(Strength::Attested));
    }
}
