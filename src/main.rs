//! The govlint binary: parse the command line, run, turn the outcome into an
//! exit code (0 clean, 1 findings, 2 could not run).

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // clap's help and errors follow the same colour policy as everything else.
    let choice = govlint::color::choice_from_args(std::env::args_os());
    let clap_color = if govlint::color::enabled(choice, govlint::color::Stream::Stderr) {
        clap::ColorChoice::Always
    } else {
        clap::ColorChoice::Never
    };
    let parsed = govlint::cli::Cli::command()
        .color(clap_color)
        .try_get_matches()
        .and_then(|m| govlint::cli::Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            // clap prints help/version to stdout and usage errors to stderr.
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    ExitCode::from(govlint::app::run(cli))
}
