//! govlint: a git-native compliance-as-code linter for ISO/IEC 27001
//! governance records kept in git.
//!
//! Data flows one way: [`config`] and [`record`] load the repository,
//! [`schema`] validates records, [`rule`] evaluates declarative rules with
//! the git [`history`] read as [`evidence`], and the [`evaluation`] that
//! results is rendered by [`report`] (`check`), [`evidence::trail`] (`log`)
//! or [`audit`]. [`app`] runs that pipeline for each command of [`cli`].
//! [`history`] is the only module that reads git; [`init`], [`hook`] and
//! [`witness`] write repositories.
//! `docs/architecture.md` is the map: what each folder owns and what may
//! import what.

pub mod annex_a;
pub mod app;
pub mod audit;
pub mod cachefile;
pub mod cli;
pub mod color;
pub mod config;
pub mod evaluation;
pub mod evidence;
pub mod finding;
#[doc(hidden)]
pub mod fuzzing;
pub mod history;
pub mod hook;
pub mod init;
pub mod record;
pub mod report;
pub mod rule;
pub mod schema;
pub mod source;
pub mod suggest;
pub mod time;
pub mod witness;
pub mod yaml;
