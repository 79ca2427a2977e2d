//! govlint: a git-native compliance-as-code linter for ISO/IEC 27001
//! governance records kept in git.
//!
//! Data flows one way: [`config`] and [`record`] load the repository,
//! [`schema`] validates records, `rule` evaluates declarative rules with
//! `history` as evidence, [`report`] renders [`finding::Finding`]s. [`app`]
//! runs that pipeline for each command of [`cli`].

pub mod app;
pub mod audit;
pub mod cli;
pub mod color;
pub mod config;
pub mod evidence;
pub mod finding;
pub mod history;
pub mod hook;
pub mod init;
pub mod record;
pub mod report;
pub mod rule;
pub mod schema;
pub mod source;
pub mod time;
pub mod trail;
pub mod yaml;
