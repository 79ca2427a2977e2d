//! The command line (SPEC 4). Doc comments here are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// govlint — a git-native compliance-as-code linter for ISO/IEC 27001 governance records.
///
/// Exit codes: 0 no error-severity finding; 1 findings at error severity;
/// 2 govlint could not do its job (usage, config, repository, shallow history, unreadable input).
#[derive(Debug, Parser)]
#[command(name = "govlint", version = env!("GOVLINT_LONG_VERSION"), max_term_width = 100)]
pub struct Cli {
    /// Run as if govlint was started in DIR.
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub chdir: Option<PathBuf>,
    /// When to use colour; auto honours FORCE_COLOR, CLICOLOR_FORCE, NO_COLOR and CLICOLOR.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Print only findings (no summary line or notes).
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Say more about what govlint does.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Use this configuration file instead of the nearest govlint.yaml.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Pin "today" (YYYY-MM-DD) for date and history checks.
    #[arg(long, global = true, env = "GOVLINT_TODAY", value_name = "DATE")]
    pub today: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate records against schemas and rules, with git history as evidence.
    Check(CheckArgs),
    /// Write the evidence pack an auditor reads.
    Audit(AuditArgs),
    /// One record's change, approval and review trail.
    Log(LogArgs),
    /// The records a file yields, exactly as schemas and rules see them.
    Show(ShowArgs),
    /// Scaffold a governance repository from clause 5.1 templates.
    Init(InitArgs),
    /// Build the example ISMS with history, check it, and say what to try next.
    Demo(DemoArgs),
    /// Manage the git pre-commit hook.
    #[command(subcommand)]
    Hook(HookCommand),
    /// List the enabled rules with severity and clause.
    Rules(RulesArgs),
    /// Explain a rule or built-in diagnostic.
    Explain(ExplainArgs),
    /// List the 93 controls of ISO/IEC 27001:2022 Annex A by theme.
    Controls(ControlsArgs),
    /// Print a JSON Schema for editors (a record kind, `config` or `rules`); without an argument, list them.
    Schema(SchemaArgs),
    /// Print a shell completion script (e.g. `source <(govlint completions bash)`).
    Completions(CompletionsArgs),
    /// CI: sign a witness tag at a commit (with the pull request's approving reviews); prints its name.
    Witness(WitnessArgs),
    /// Print the man page (roff), as shipped in the release archives.
    #[command(hide = true)]
    Manpage,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum CheckFormat {
    #[default]
    Human,
    Json,
    Sarif,
    Github,
    Junit,
}

#[derive(Debug, Default, Args)]
pub struct CheckArgs {
    /// Report only findings in these files or folders (evaluation still sees the whole repository).
    pub paths: Vec<PathBuf>,
    /// Check the content staged in the index (what the next commit will hold).
    #[arg(long, conflicts_with = "rev")]
    pub staged: bool,
    /// Check the tree of a revision (with its history).
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// Report only findings about records changed since the merge base with BASE (plus repo-wide ones).
    #[arg(long, value_name = "BASE")]
    pub changed_since: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write a report in FORMAT to FILE, from the same evaluation (repeatable), e.g. `--report sarif=govlint.sarif`.
    #[arg(long = "report", value_name = "FORMAT=FILE", value_parser = parse_report)]
    pub reports: Vec<ReportTarget>,
    /// Run on a shallow clone: history results become "unknown" warnings.
    #[arg(long)]
    pub allow_shallow: bool,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    Markdown,
    Json,
    Html,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Output format (HTML is one self-contained file).
    #[arg(long, value_enum, default_value_t = AuditFormat::Markdown)]
    pub format: AuditFormat,
    /// Only this clause (e.g. 5.1, 5.1(c), 9.3).
    #[arg(long)]
    pub clause: Option<String>,
    /// Write the evidence pack to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Audit the tree and history of a revision instead of the working tree.
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// Run on a shallow clone: approvals are reported as unknown.
    #[arg(long)]
    pub allow_shallow: bool,
    /// Only events on or after DATE (YYYY-MM-DD) in the trail and timeline.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextOrJson {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// The record's id; without one, every record is listed with its kind and file.
    pub record: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
    /// Read the record and its history at a revision.
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    Json,
    Yaml,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A YAML or Markdown file, or a table (a CSV file under `records.tables`).
    pub path: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ShowFormat::Json)]
    pub format: ShowFormat,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to create the repository (default: the current folder).
    pub dir: Option<PathBuf>,
    /// Make the realistic "Acme" sample ISMS with a few months of git history.
    #[arg(long)]
    pub example: bool,
    /// In a repository that already has commits, commit the new files on top
    /// of HEAD (without it they are written and left for you to commit).
    #[arg(long, conflicts_with = "example")]
    pub commit: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to build the example (default: a new temporary folder).
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Install (or with --uninstall remove) the pre-commit hook that runs `govlint check --staged`.
    Install {
        #[arg(long)]
        uninstall: bool,
    },
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule id (`iso27001/policy-approved`), built-in code (`schema`) or Annex A control (`A.8.24`).
    pub rule: String,
}

#[derive(Debug, Args)]
pub struct ControlsArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

/// One `--report FORMAT=FILE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportTarget {
    pub format: CheckFormat,
    pub path: PathBuf,
}

fn parse_report(value: &str) -> Result<ReportTarget, String> {
    let (format, path) = value
        .split_once('=')
        .ok_or_else(|| format!("expected FORMAT=FILE (e.g. sarif=govlint.sarif), got `{value}`"))?;
    let format = CheckFormat::from_str(format.trim(), true).map_err(|_| {
        format!("unknown report format `{format}`: expected human, json, sarif, github or junit")
    })?;
    if path.is_empty() {
        return Err(format!("no file after `{value}`"));
    }
    Ok(ReportTarget {
        format,
        path: PathBuf::from(path),
    })
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// A record kind (`Objective`), `config` (govlint.yaml) or `rules` (rule files).
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `govlint witness` (SPEC 2.4, 2.5).
///
/// Exit codes: 0 the tag was made (or shown with --dry-run); 2 it could not
/// be (no key, unusable key, no witness principal, a tag name that cannot
/// be derived or is taken, a tag that would not verify as a witness,
/// unreadable reviews, reviewed commits missing).
#[derive(Debug, Args)]
pub struct WitnessArgs {
    /// The commit to witness (default: HEAD).
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// The witness's OpenSSH private key, unencrypted (default: the key text in GOVLINT_WITNESS_KEY).
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// The pull request that REV merged: attest its approving reviews (needs --reviews).
    #[arg(long, value_name = "N", requires = "reviews")]
    pub pull_request: Option<u64>,
    /// The pull request's reviews as GitHub's API lists them (`gh api repos/OWNER/REPO/pulls/N/reviews`).
    #[arg(long, value_name = "FILE", requires = "pull_request")]
    pub reviews: Option<PathBuf>,
    /// OWNER/REPO of the pull request (default: $GITHUB_REPOSITORY, else the origin remote's URL).
    #[arg(long, value_name = "OWNER/REPO")]
    pub repository: Option<String>,
    /// The witness principal, the tagger's email (default: the first of trust.witnesses).
    #[arg(long, value_name = "EMAIL")]
    pub principal: Option<String>,
    /// Print the tag message that would be signed; create nothing (no key needed).
    #[arg(long)]
    pub dry_run: bool,
}
