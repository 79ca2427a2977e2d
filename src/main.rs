//! The govlint binary: parse the command line, run, turn the outcome into an
//! exit code (0 clean, 1 findings, 2 could not run).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match govlint::cli::Cli::try_parse() {
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
