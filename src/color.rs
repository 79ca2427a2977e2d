//! The one colour policy, for stdout, stderr, miette reports and clap's own
//! help and errors.
//!
//! In order, the first that applies decides:
//! 1. `--color always` / `--color never`;
//! 2. `FORCE_COLOR` or `CLICOLOR_FORCE` set to anything but empty or `0`
//!    (and `FORCE_COLOR=false`): colour, even into a pipe;
//! 3. `NO_COLOR` set and not empty: no colour (<https://no-color.org>);
//! 4. `CLICOLOR=0`: no colour;
//! 5. otherwise colour when the stream is a terminal and `TERM` is not `dumb`.
//!
//! Forcing wins over `NO_COLOR` as in anstream and supports-color: it is
//! the more specific request (a CI log viewer that renders escapes).

use std::io::IsTerminal;

use crate::cli::Color;

/// The stream a piece of output goes to (only `Auto` looks at it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// Whether output to `stream` is coloured under `choice` and the environment.
pub fn enabled(choice: Color, stream: Stream) -> bool {
    let terminal = match stream {
        Stream::Stdout => std::io::stdout().is_terminal(),
        Stream::Stderr => std::io::stderr().is_terminal(),
    };
    decide(choice, &|name| std::env::var(name).ok(), terminal)
}

/// [`enabled`] with the environment and the terminal test passed in.
pub fn decide(choice: Color, env: &dyn Fn(&str) -> Option<String>, terminal: bool) -> bool {
    match choice {
        Color::Always => return true,
        Color::Never => return false,
        Color::Auto => {}
    }
    let set = |name: &str| env(name).filter(|v| !v.is_empty());
    let forced = |name: &str| set(name).is_some_and(|v| v != "0" && v != "false");
    if forced("FORCE_COLOR") || forced("CLICOLOR_FORCE") {
        return true;
    }
    if set("NO_COLOR").is_some() || set("CLICOLOR").is_some_and(|v| v == "0") {
        return false;
    }
    terminal && set("TERM").is_none_or(|t| t != "dumb")
}

/// The `--color` choice as written on a command line, read before clap
/// parses it, so that clap's own help and errors follow the same policy.
/// The last occurrence wins, as clap does; unknown values count as `auto`
/// (clap reports them).
pub fn choice_from_args<I, S>(args: I) -> Color
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut choice = Color::Auto;
    let mut expect_value = false;
    for arg in args {
        let Some(arg) = arg.as_ref().to_str() else {
            expect_value = false;
            continue;
        };
        if arg == "--" {
            break;
        }
        let value = if expect_value {
            Some(arg)
        } else {
            arg.strip_prefix("--color=")
        };
        expect_value = arg == "--color";
        if let Some(v) = value {
            choice = match v {
                "always" => Color::Always,
                "never" => Color::Never,
                _ => Color::Auto,
            };
        }
    }
    choice
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)], choice: Color, terminal: bool) -> bool {
        let env = |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        };
        decide(choice, &env, terminal)
    }

    #[test]
    fn flag_then_force_then_no_color_then_terminal() {
        assert!(with(&[("NO_COLOR", "1")], Color::Always, false));
        assert!(!with(&[("FORCE_COLOR", "1")], Color::Never, true));
        assert!(with(&[("FORCE_COLOR", "1")], Color::Auto, false));
        assert!(with(&[("CLICOLOR_FORCE", "1")], Color::Auto, false));
        assert!(with(
            &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")],
            Color::Auto,
            false
        ));
        assert!(!with(&[("FORCE_COLOR", "0")], Color::Auto, false));
        assert!(!with(&[("FORCE_COLOR", "")], Color::Auto, false));
        assert!(!with(&[("NO_COLOR", "1")], Color::Auto, true));
        assert!(with(&[("NO_COLOR", "")], Color::Auto, true));
        assert!(!with(&[("CLICOLOR", "0")], Color::Auto, true));
        assert!(!with(&[("TERM", "dumb")], Color::Auto, true));
        assert!(with(&[], Color::Auto, true));
        assert!(!with(&[], Color::Auto, false));
    }

    #[test]
    fn color_flag_is_read_before_parsing() {
        let c = |args: &[&str]| choice_from_args(args.iter().copied());
        assert_eq!(c(&["govlint", "check"]), Color::Auto);
        assert_eq!(c(&["govlint", "--color", "always", "check"]), Color::Always);
        assert_eq!(c(&["govlint", "check", "--color=never"]), Color::Never);
        assert_eq!(
            c(&["govlint", "--color=never", "--color", "always"]),
            Color::Always
        );
        assert_eq!(c(&["govlint", "check", "--", "--color=never"]), Color::Auto);
    }
}
