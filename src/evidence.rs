//! Git history as evidence: the one home of what the git history proves
//! about records.
//!
//! - `adapter`: [`GitEvidence`], which turns the facts of
//!   [`crate::history::History`] into the approvals the rule layer's
//!   [`crate::rule::Evidence`] port asks for (who, when, how strongly);
//! - `findings`: the history's own findings (`history/*`);
//! - `trust`: the governed trust root (SPEC 2.3): the root of trust, the
//!   trust changes no key admin signed (`trust/unapproved-change`) and the
//!   keys they added, which sign nothing;
//! - [`trail`]: a record's trail of changes, approvals and reviews, the data
//!   that `govlint log` prints and `govlint audit` reuses.
//!
//! `history` owns the facts and no policy; this module owns the policy and
//! reads no git itself.

mod adapter;
mod findings;
pub mod trail;
mod trust;

pub use adapter::GitEvidence;
pub use findings::history_findings;
pub use trail::{trail, ChangeEntry, EventEntry, LandingEntry, Signoff, Trail};
pub use trust::{TrustRoot, Unapproved};
