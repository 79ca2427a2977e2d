//! The one integration-test binary (ripgrep's layout): every module runs the
//! real `govlint` binary against governance repositories built in temporary
//! folders with the real `git`.

mod audit;
mod cache;
mod check;
mod controls;
mod fixtures;
mod history;
mod history_cache;
mod hostile;
mod init;
mod install;
mod integrations;
mod isms;
mod messages;
mod modes;
mod pack;
mod properties;
mod real_repo;
mod rules;
mod support;
mod tables;
mod witness;
mod yaml_suite;
