//! Issue #4, "Git history as proof", end to end through the real CLI.
//!
//! Every test builds a governance repository in a temporary folder with the
//! real `git` (fixed identities and dates, no user or system configuration)
//! and real `ssh-keygen -t ed25519` keys, then runs the built `govlint`
//! (`check --format json --today 2026-11-15`, `log --format json`) with the
//! history cache off (`GOVLINT_NO_CACHE=1`). The rules are written from
//! SPEC section 3 alone, the repository layout from section 1 and the
//! approval semantics checked are those of section 2.
//!
//! One module per part of the issue, in the order; the builders
//! they share are in `support`.

mod approvals;
mod branches;
mod content;
mod duties;
mod edges;
mod openpgp;
mod signatures;
mod ssh_differential;
mod support;
mod trail;
mod trust_root;
mod witnesses;
