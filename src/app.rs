//! The pipeline behind every command: discover → load → validate → evaluate →
//! report. Returns the exit code; `main` only parses arguments.

use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::cli::{
    AuditArgs, AuditFormat, CheckArgs, CheckFormat, Cli, Color, Command, DemoArgs, ExplainArgs,
    InitArgs, LogArgs, RulesArgs, ShowArgs, ShowFormat, TextOrJson,
};
use crate::config::{self, Config, ConfigError};
use crate::evidence::GitEvidence;
use crate::finding::{Finding, Severity};
use crate::history::{History, HistoryOptions};
use crate::record::load::{self, Selection};
use crate::record::snapshot::{Content, ContentSource, Snapshot};
use crate::record::RecordSet;
use crate::report::{self, Report};
use crate::rule::{Context, NoHistory, RuleSet, Strength};
use crate::schema::{SchemaSet, SchemaSource};
use crate::source::SourceFile;

/// Exit codes (SPEC 4).
pub const CLEAN: u8 = 0;
pub const FINDINGS: u8 = 1;
pub const FAILED: u8 = 2;

/// Why govlint could not do its job (exit code 2).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Fatal {
    #[error("no such directory: {}", .0.display())]
    NoDir(PathBuf),
    #[error("invalid --today `{0}`: expected a date like 2026-09-15")]
    BadToday(String),
    #[error("{0}")]
    #[diagnostic(help("check the configuration file named above"))]
    Config(String),
    #[error("the configuration is invalid")]
    InvalidConfig(Vec<Finding>, HashMap<String, Arc<SourceFile>>),
    #[error(transparent)]
    Snapshot(#[from] crate::record::snapshot::SnapshotError),
    #[error(transparent)]
    Glob(#[from] load::GlobError),
    #[error("{what} needs a git repository; {} is not inside one", .dir.display())]
    #[diagnostic(help("run `git init` there, or pass -C with the repository's folder"))]
    NotARepository { what: &'static str, dir: PathBuf },
    #[error("cannot resolve `{rev}`: {message}")]
    BadRevision { rev: String, message: String },
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Init(#[from] crate::init::InitError),
    #[error("cannot read the git history: {0}")]
    History(String),
    #[error("the repository is a shallow clone: its git history is truncated, so approvals and reviews cannot be checked")]
    #[diagnostic(help(
        "fetch the full history: `git fetch --unshallow`, or in GitHub Actions use actions/checkout with `fetch-depth: 0`. To run anyway with history results reported as \"unknown\" warnings, pass --allow-shallow (or set history.allow_shallow: true)"
    ))]
    Shallow,
    #[error("no rule or built-in code is called `{0}`")]
    #[diagnostic(help("`govlint rules` lists the enabled rules; built-in codes are parse, schema, record/*, config, history/*, waiver/*"))]
    UnknownRule(String),
    #[error("no record has the id `{0}`")]
    #[diagnostic(help(
        "ids are case-sensitive; `govlint check --format json` lists every record's id and file"
    ))]
    UnknownRecord(String),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Hook(#[from] crate::hook::HookError),
    #[error("{0}")]
    Other(String),
}

/// Runs one command and returns its exit code.
pub fn run(cli: Cli) -> u8 {
    let color = use_color(cli.color);
    match dispatch(&cli) {
        Ok(code) => code,
        Err(Fatal::InvalidConfig(findings, files)) => {
            let rep = Report {
                findings: &findings,
                records: 0,
                files: &files,
                rules: &[],
            };
            let mut text = report::human::render(&rep, color, true);
            text.push_str("error: the configuration is invalid; govlint did not run\n");
            print_err(&text);
            FAILED
        }
        Err(e) => {
            print_err(&format!("{:?}\n", miette::Report::new(e)));
            FAILED
        }
    }
}

fn dispatch(cli: &Cli) -> Result<u8, Fatal> {
    match &cli.command {
        Command::Check(args) => check(cli, args),
        Command::Show(args) => show(cli, args),
        Command::Init(args) => init(cli, args),
        Command::Demo(args) => demo(cli, args),
        Command::Rules(args) => rules(cli, args),
        Command::Log(args) => log(cli, args),
        Command::Hook(crate::cli::HookCommand::Install { uninstall }) => {
            hook_install(cli, *uninstall)
        }
        Command::Explain(args) => explain(cli, args),
        Command::Audit(args) => audit(cli, args),
    }
}

/// The folder govlint runs in (`-C`), which must exist.
pub fn working_dir(cli: &Cli) -> Result<PathBuf, Fatal> {
    let dir = match &cli.chdir {
        Some(d) => d.clone(),
        None => std::env::current_dir()
            .map_err(|e| Fatal::Other(format!("cannot read the current directory: {e}")))?,
    };
    if !dir.is_dir() {
        return Err(Fatal::NoDir(dir));
    }
    Ok(dir)
}

/// "Today", pinned by `--today` / `GOVLINT_TODAY` or the real date.
pub fn today(cli: &Cli) -> Result<jiff::civil::Date, Fatal> {
    match &cli.today {
        Some(s) => crate::time::parse_date(s.trim())
            .map(Some)
            .ok_or_else(|| Fatal::BadToday(s.clone()))
            .map(crate::time::today),
        None => Ok(crate::time::today(None)),
    }
}

/// The configuration (discovered or named) and the repository around it.
pub struct Workspace {
    pub cwd: PathBuf,
    pub config: Config,
    pub repo: Option<git2::Repository>,
}

impl Workspace {
    pub fn open(cli: &Cli) -> Result<Workspace, Fatal> {
        let cwd = working_dir(cli)?;
        // FROM_ENV honours GIT_DIR and GIT_INDEX_FILE, which git sets for hooks
        // and `git commit -a` / `git commit PATH` (a temporary index).
        let repo = git2::Repository::open_ext(
            &cwd,
            git2::RepositoryOpenFlags::FROM_ENV,
            std::iter::empty::<&std::ffi::OsStr>(),
        )
        .ok();
        let default_root = || {
            repo.as_ref()
                .and_then(|r| r.workdir().map(Path::to_path_buf))
                .unwrap_or_else(|| cwd.clone())
        };
        let discovered = config::discover(&cwd);
        // `--config` swaps the file, not the repository: the root stays where
        // govlint.yaml (or the work tree) is.
        let (path, root) = match &cli.config {
            Some(p) => {
                let p = if p.is_absolute() {
                    p.clone()
                } else {
                    cwd.join(p)
                };
                let root = discovered
                    .as_ref()
                    .and_then(|d| d.parent().map(Path::to_path_buf))
                    .unwrap_or_else(default_root);
                (Some(p), Some(root))
            }
            None => (discovered, None),
        };
        let config = match path {
            Some(p) => {
                let mut config = config::load(&p, root).map_err(|e| invalid_config(e, &p))?;
                if let Some(rel) = root_relative(&config.root, &p) {
                    config.exclude.push(rel);
                }
                config
            }
            None => Config::defaults(default_root()),
        };
        Ok(Workspace { cwd, config, repo })
    }

    /// A path given on the command line, relative to the governance root.
    pub fn root_relative(&self, path: &Path) -> Option<String> {
        let abs = if path.is_absolute() {
            path.to_owned()
        } else {
            self.cwd.join(path)
        };
        root_relative(&self.config.root, &abs)
    }
}

/// `path` relative to `root`, `/`-separated, if it lies inside it.
fn root_relative(root: &Path, path: &Path) -> Option<String> {
    let abs = path.canonicalize().unwrap_or_else(|_| path.to_owned());
    let root = root.canonicalize().unwrap_or_else(|_| root.to_owned());
    let rel = abs.strip_prefix(&root).ok()?;
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// A configuration error as the fatal error that prints it with its places.
fn invalid_config(e: ConfigError, path: &Path) -> Fatal {
    match e {
        ConfigError::Invalid { findings, .. } => {
            let text = std::fs::read(path)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            let map = findings
                .iter()
                .filter_map(|f| f.location.as_ref())
                .map(|l| l.file.clone())
                .collect::<HashSet<_>>()
                .into_iter()
                .map(|f| (f.clone(), Arc::new(SourceFile::new(f, text.clone()))))
                .collect();
            Fatal::InvalidConfig(findings, map)
        }
        other => Fatal::Config(other.to_string()),
    }
}

/// Records, findings and the files they came from: the result of evaluation.
pub struct Evaluation {
    pub records: RecordSet,
    pub findings: Vec<Finding>,
    pub files: HashMap<String, Arc<SourceFile>>,
    pub rules: Vec<report::RuleMeta>,
    pub ruleset: RuleSet,
    /// The history index, when rules needed one (or `force_history`).
    pub history: Option<History>,
    /// The governance root relative to the repository's work tree.
    pub prefix: String,
}

/// What to evaluate and how.
pub struct Options {
    pub source: ContentSource,
    pub today: jiff::civil::Date,
    pub allow_shallow: bool,
    /// Read history even if no rule needs it (`audit`, `log`).
    pub force_history: bool,
    /// Print how long each stage took (`-v`).
    pub verbose: bool,
}

/// Stage timings for `-v`: where the time of a run goes.
struct Stopwatch {
    last: Option<std::time::Instant>,
}

impl Stopwatch {
    fn new(on: bool) -> Self {
        Stopwatch {
            last: on.then(std::time::Instant::now),
        }
    }

    fn lap(&mut self, what: &str) {
        if let Some(last) = self.last {
            let now = std::time::Instant::now();
            print_err(&format!(
                "govlint: {what}: {:.1} ms\n",
                (now - last).as_secs_f64() * 1000.0
            ));
            self.last = Some(now);
        }
    }
}

/// Loads, validates and evaluates one content source.
pub fn evaluate(ws: &Workspace, opts: &Options) -> Result<Evaluation, Fatal> {
    let config = &ws.config;
    let source = &opts.source;
    let mut clock = Stopwatch::new(opts.verbose);
    let snapshot = Snapshot::take(&config.root, source, ws.repo.as_ref())?;
    clock.lap("list files");
    let rule_files = rule_files(ws, &snapshot);
    let ruleset = RuleSet::load(&config.packs, &rule_files, &config.severity)
        .map_err(|errors| invalid_rules(config, errors, &rule_files))?;
    clock.lap("load rules");
    let job = HistoryJob::new(ws, opts);
    // History is read on a thread of its own while records load and validate
    // on the others: a cold run costs about the longer of the two, not both.
    let early = opts.force_history || ruleset.needs_history();
    let (stage, history) = std::thread::scope(|scope| {
        let reading = early.then(|| scope.spawn(|| job.run()));
        let stage = load_and_validate(ws, &snapshot);
        let history = reading.map(|r| {
            r.join()
                .unwrap_or_else(|_| Err(Fatal::Other("reading the git history failed".to_owned())))
        });
        (stage, history)
    });
    clock.lap("read git history, and (in parallel) load and validate records");
    let Stage {
        records,
        mut findings,
        mut files,
    } = stage?;
    // Waivers are approved in git: a repository with waivers needs history
    // even when no rule asks for it.
    let history = match history {
        Some(h) => h?,
        None if ruleset.needs_history_for(&records) => job.run()?,
        None => None,
    };
    let prefix = ws
        .repo
        .as_ref()
        .map(|r| crate::record::snapshot::prefix_of(r, &config.root))
        .unwrap_or_default();
    let strength = Strength::parse(&config.minimum_strength).unwrap_or_default();
    let mut findings = match &history {
        Some(h) => {
            let evidence =
                GitEvidence::new(h, &records, prefix.clone(), *source == ContentSource::Index);
            findings.extend(crate::evidence::history_findings(h, &records, &evidence));
            let ctx = Context::new(&records, opts.today, &evidence).with_minimum_strength(strength);
            ruleset.evaluate_with(&ctx, findings)
        }
        None => {
            let ctx =
                Context::new(&records, opts.today, &NoHistory).with_minimum_strength(strength);
            ruleset.evaluate_with(&ctx, findings)
        }
    };
    clock.lap("evaluate rules");
    apply_code_levels(&mut findings, &config.severity);
    for f in rule_files.iter().chain(&config.file) {
        files.insert(f.path.clone(), Arc::clone(f));
    }
    let rules = rule_meta(&ruleset);
    Ok(Evaluation {
        records,
        findings,
        files,
        rules,
        ruleset,
        history,
        prefix,
    })
}

/// Records with their `parse`, `record/*` and `schema` findings, and the
/// files findings point into.
struct Stage {
    records: RecordSet,
    findings: Vec<Finding>,
    files: HashMap<String, Arc<SourceFile>>,
}

/// Loads the snapshot's records and validates them against their schemas,
/// both in parallel.
fn load_and_validate(ws: &Workspace, snapshot: &Snapshot) -> Result<Stage, Fatal> {
    let config = &ws.config;
    let selection = Selection::new(config)?;
    let loaded = load::load(snapshot, &selection, ws.repo.as_ref(), config);
    let mut findings = loaded.findings;
    let files = loaded
        .sources
        .into_iter()
        .map(|f| (f.path.clone(), f))
        .collect();
    let (schemas, schema_findings) = SchemaSet::build(repo_schemas(ws, snapshot));
    findings.extend(schema_findings);
    let records = RecordSet::new(loaded.records);
    let validated: Vec<Vec<Finding>> = records
        .iter()
        .collect::<Vec<_>>()
        .par_iter()
        .map(|r| {
            if schemas.has_kind(&r.kind) {
                schemas.validate(r)
            } else {
                vec![r.finding(
                    "record/unknown-kind",
                    Severity::Error,
                    format!(
                        "unknown kind `{}`: add schemas/{}.schema.json to define it, or use a built-in kind",
                        r.kind, r.kind
                    ),
                    "/kind",
                )]
            }
        })
        .collect();
    findings.extend(validated.into_iter().flatten());
    Ok(Stage {
        records,
        findings,
        files,
    })
}

/// What reading the history needs, owned, so it can run on its own thread
/// (a `git2::Repository` cannot be shared between threads; the job opens
/// its own handle).
struct HistoryJob {
    git_dir: Option<PathBuf>,
    cwd: PathBuf,
    options: HistoryOptions,
    allow_shallow: bool,
}

impl HistoryJob {
    fn new(ws: &Workspace, opts: &Options) -> Self {
        HistoryJob {
            git_dir: ws.repo.as_ref().map(|r| r.path().to_path_buf()),
            cwd: ws.cwd.clone(),
            options: HistoryOptions {
                rev: match &opts.source {
                    ContentSource::Rev(r) => Some(r.clone()),
                    _ => None,
                },
                allowed_signers: Some(ws.config.allowed_signers.clone()),
            },
            allow_shallow: opts.allow_shallow || ws.config.allow_shallow,
        }
    }

    /// The history index for the evaluated revision. Outside git, or in a
    /// shallow clone (unless allowed, SPEC 2.1), the run stops.
    fn run(&self) -> Result<Option<History>, Fatal> {
        let Some(git_dir) = &self.git_dir else {
            return Err(Fatal::NotARepository {
                what: "approval and review rules (git history as evidence)",
                dir: self.cwd.clone(),
            });
        };
        let repo = git2::Repository::open(git_dir).map_err(|e| Fatal::History(e.to_string()))?;
        let history =
            History::build(&repo, &self.options).map_err(|e| Fatal::History(e.to_string()))?;
        if history.is_shallow() && !self.allow_shallow {
            return Err(Fatal::Shallow);
        }
        Ok(Some(history))
    }
}

/// Severity overrides of built-in codes (`schema`, `history/*`, ...); the
/// rule set applies those of rules and `waiver/*` itself.
fn apply_code_levels(
    findings: &mut Vec<Finding>,
    levels: &std::collections::BTreeMap<String, config::Level>,
) {
    findings.retain_mut(|f| {
        if f.rule == "config" || f.rule.starts_with("waiver/") {
            return true;
        }
        match (
            crate::rule::CODES.iter().any(|c| c.id == f.rule),
            levels.get(&f.rule),
        ) {
            (true, Some(level)) => match level.severity() {
                Some(s) => {
                    f.severity = s;
                    true
                }
                None => false,
            },
            _ => true,
        }
    });
}

/// The rules as reports describe them.
fn rule_meta(ruleset: &RuleSet) -> Vec<report::RuleMeta> {
    ruleset
        .rules()
        .iter()
        .map(|r| report::RuleMeta {
            id: r.id.clone(),
            severity: r.severity,
            clause: r.clause.clone(),
            summary: r.summary().join("; "),
            help: r.help.clone(),
            source: r.location.as_ref().map(|l| l.file.clone()),
        })
        .chain(crate::rule::CODES.iter().map(|c| report::RuleMeta {
            id: c.id.to_owned(),
            severity: Severity::Error,
            clause: None,
            summary: c.summary.to_owned(),
            help: Some(c.description.to_owned()),
            source: None,
        }))
        .collect()
}

/// The repository's rule files: `rules:` entries of govlint.yaml, each a
/// YAML file or a folder of them.
fn rule_files(ws: &Workspace, snapshot: &Snapshot) -> Vec<Arc<SourceFile>> {
    let wanted: Vec<_> = snapshot
        .files
        .iter()
        .filter(|f| {
            let yaml = f.path.ends_with(".yaml") || f.path.ends_with(".yml");
            yaml && ws.config.rules.iter().any(|entry| {
                let entry = entry.trim_end_matches('/');
                f.path == entry || f.path.starts_with(&format!("{entry}/"))
            })
        })
        .collect();
    snapshot
        .read_all(&wanted, ws.repo.as_ref(), ws.config.max_file_bytes)
        .into_iter()
        .map(|(f, content)| {
            let text = match content {
                Content::Bytes(b) => String::from_utf8_lossy(&b).into_owned(),
                // An unreadable rule file becomes an empty one; the rule
                // loader then has nothing to misread.
                Content::TooLarge(_) | Content::Unreadable(_) => String::new(),
            };
            Arc::new(SourceFile::new(f.path.clone(), text))
        })
        .collect()
}

/// Rule-file and override problems as the fatal error that prints them:
/// those about govlint.yaml entries (`/packs/0`, `/severity/ID`) are placed
/// in govlint.yaml here.
fn invalid_rules(
    config: &Config,
    mut errors: Vec<Finding>,
    rule_files: &[Arc<SourceFile>],
) -> Fatal {
    let mut files: HashMap<String, Arc<SourceFile>> = rule_files
        .iter()
        .map(|f| (f.path.clone(), Arc::clone(f)))
        .collect();
    if let Some(cfg) = &config.file {
        let tree = crate::yaml::load(&cfg.text, &crate::yaml::Limits::default())
            .documents
            .into_iter()
            .next();
        for f in errors.iter_mut().filter(|f| f.location.is_none()) {
            if let (Some(ptr), Some(doc)) = (&f.pointer, &tree) {
                f.location = Some(cfg.location(doc.root.nearest_span(ptr)));
            }
        }
        files.insert(cfg.path.clone(), Arc::clone(cfg));
    }
    Fatal::InvalidConfig(errors, files)
}

/// The repository's own schemas (`schemas/<Kind>.schema.json|yaml`).
fn repo_schemas(ws: &Workspace, snapshot: &Snapshot) -> Vec<SchemaSource> {
    let folder = format!("{}/", ws.config.schemas.trim_end_matches('/'));
    let wanted: Vec<_> = snapshot
        .files
        .iter()
        .filter(|f| {
            f.path.strip_prefix(&folder).is_some_and(|name| {
                !name.contains('/')
                    && (name.ends_with(".schema.json")
                        || name.ends_with(".schema.yaml")
                        || name.ends_with(".schema.yml"))
            })
        })
        .collect();
    snapshot
        .read_all(&wanted, ws.repo.as_ref(), ws.config.max_file_bytes)
        .into_iter()
        .filter_map(|(f, content)| {
            let Content::Bytes(bytes) = content else {
                return None;
            };
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let file = Arc::new(SourceFile::new(f.path.clone(), text));
            // JSON is YAML, so one span-aware parser serves both.
            let loaded = crate::yaml::load(&file.text, &crate::yaml::Limits::default());
            let tree = loaded.documents.into_iter().next()?.root;
            let name = f.path[folder.len()..]
                .replace(".schema.yaml", ".schema.json")
                .replace(".schema.yml", ".schema.json");
            Some(SchemaSource {
                name,
                json: tree.to_json(),
                file: Some(file),
                tree: Some(tree),
            })
        })
        .collect()
}

fn check(cli: &Cli, args: &CheckArgs) -> Result<u8, Fatal> {
    let ws = Workspace::open(cli)?;
    let source = if args.staged {
        ContentSource::Index
    } else if let Some(rev) = &args.rev {
        ContentSource::Rev(rev.clone())
    } else {
        ContentSource::WorkTree
    };
    let eval = evaluate(
        &ws,
        &Options {
            source: source.clone(),
            today: today(cli)?,
            allow_shallow: args.allow_shallow,
            force_history: false,
            verbose: cli.verbose,
        },
    )?;
    let mut findings = eval.findings;
    if !args.paths.is_empty() {
        let wanted: Vec<String> = args
            .paths
            .iter()
            .filter_map(|p| ws.root_relative(p))
            .collect();
        findings.retain(|f| {
            f.location.as_ref().is_none_or(|l| {
                wanted
                    .iter()
                    .any(|w| w.is_empty() || l.file == *w || l.file.starts_with(&format!("{w}/")))
            })
        });
    }
    if let Some(base) = &args.changed_since {
        let repo = ws.repo.as_ref().ok_or_else(|| Fatal::NotARepository {
            what: "--changed-since",
            dir: ws.cwd.clone(),
        })?;
        let changed = crate::record::snapshot::changed_since(repo, &ws.config.root, &source, base)?;
        // Repo-wide findings (no file) stay: a change can break them too.
        findings.retain(|f| {
            f.location
                .as_ref()
                .is_none_or(|l| changed.contains(&l.file))
        });
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let rep = Report {
        findings: &findings,
        records: eval.records.len(),
        files: &eval.files,
        rules: &eval.rules,
    };
    let color = args.output.is_none() && use_color(cli.color);
    let text = match args.format {
        CheckFormat::Human => report::human::render(&rep, color, cli.quiet),
        CheckFormat::Json => report::json::render(&rep),
        CheckFormat::Sarif => report::sarif::render(&rep),
        CheckFormat::Junit => report::junit::render(&rep),
        CheckFormat::Github => {
            // GitHub shows only the first annotations of a step: the job
            // summary holds them all.
            if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
                append(&PathBuf::from(path), &report::github::step_summary(&rep))?;
            }
            report::github::render(&rep)
        }
    };
    emit(args.output.as_deref(), &text)?;
    let s = rep.summary();
    // The process ends right after this: freeing every record tree and the
    // history index one by one would cost a pre-commit hook tens of
    // milliseconds for nothing.
    std::mem::forget(findings);
    std::mem::forget(eval.records);
    std::mem::forget(eval.history);
    Ok(if s.errors > 0 || (args.deny_warnings && s.warnings > 0) {
        FINDINGS
    } else {
        CLEAN
    })
}

/// `govlint show`: every YAML document of a file (front matter for Markdown),
/// as schemas and rules see it.
fn show(cli: &Cli, args: &ShowArgs) -> Result<u8, Fatal> {
    let cwd = working_dir(cli)?;
    let path = if args.path.is_absolute() {
        args.path.clone()
    } else {
        cwd.join(&args.path)
    };
    let bytes = std::fs::read(&path)
        .map_err(|e| Fatal::Other(format!("cannot read {}: {e}", path.display())))?;
    let display = args.path.to_string_lossy().replace('\\', "/");
    let (values, findings) = load::documents(&display, &bytes);
    let text = match args.format {
        ShowFormat::Json => {
            let mut t = serde_json::to_string_pretty(&values).unwrap_or_default();
            t.push('\n');
            t
        }
        ShowFormat::Yaml => report::yaml::to_yaml(&serde_json::Value::Array(values)),
    };
    emit(None, &text)?;
    if findings.is_empty() {
        Ok(CLEAN)
    } else {
        let files: HashMap<String, Arc<SourceFile>> = HashMap::new();
        let rep = Report {
            findings: &findings,
            records: 0,
            files: &files,
            rules: &[],
        };
        print_err(&report::human::render(&rep, use_color(cli.color), true));
        Ok(FINDINGS)
    }
}

/// Writes to `--output FILE` (never over a file inside .git) or stdout.
pub fn emit(output: Option<&Path>, text: &str) -> Result<(), Fatal> {
    match output {
        Some(path) => std::fs::write(path, text).map_err(|source| Fatal::Write {
            path: path.to_owned(),
            source,
        }),
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`govlint check | head`) is not an error worth a panic.
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
            Ok(())
        }
    }
}

pub fn print_err(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes());
}

/// Colour on a terminal unless `NO_COLOR` or `--color never`.
pub fn use_color(choice: Color) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// `govlint init [DIR] [--example]`.
fn init(cli: &Cli, args: &InitArgs) -> Result<u8, Fatal> {
    let cwd = working_dir(cli)?;
    let dir = args
        .dir
        .as_ref()
        .map_or_else(|| cwd.clone(), |d| cwd.join(d));
    let report = crate::init::init(&dir, args.example, today(cli)?)?;
    if !cli.quiet {
        let what = if args.example {
            "example ISMS"
        } else {
            "governance repository"
        };
        print_err(&format!(
            "created the {what} in {} ({} files, {} commit{})\nnext: cd {} && govlint check\n",
            report.dir.display(),
            report.files.len(),
            report.commits,
            if report.commits == 1 { "" } else { "s" },
            report.dir.display(),
        ));
    }
    Ok(CLEAN)
}

/// `govlint demo [DIR]`: builds the example ISMS (in a new temporary folder
/// unless DIR is given), checks it, and says what to try next.
fn demo(cli: &Cli, args: &DemoArgs) -> Result<u8, Fatal> {
    let cwd = working_dir(cli)?;
    let dir = match &args.dir {
        Some(d) => under(&cwd, d),
        None => new_temp_dir()?,
    };
    let built = crate::init::build_example(&dir)?;
    let demo_cli = Cli {
        chdir: Some(built.dir.clone()),
        color: cli.color,
        quiet: false,
        verbose: cli.verbose,
        config: None,
        today: cli.today.clone(),
        command: Command::Check(CheckArgs {
            paths: Vec::new(),
            staged: false,
            rev: None,
            changed_since: None,
            format: CheckFormat::Human,
            output: None,
            allow_shallow: false,
            deny_warnings: false,
        }),
    };
    let dir_text = built.dir.display().to_string();
    print_err(&format!(
        "Built the example ISMS of \"Acme\" in {dir_text}\n({} files, {} commits of history). Checking it:\n\n",
        built.files.len(),
        built.commits
    ));
    let code = dispatch(&demo_cli)?;
    print_err(&format!(
        "\nThe findings above are planted: EXAMPLE.md in the repository explains each.\n\
         Try next:\n\
         \x20 cd {dir_text}\n\
         \x20 govlint check --today 2026-11-15          # the example as of its own date\n\
         \x20 govlint log POL-IS-001                    # who approved the policy, when, how strongly\n\
         \x20 govlint show policies/information-security-policy.md\n\
         \x20 govlint rules                             # the ISO 27001:2022 pack\n\
         \x20 govlint explain iso27001/policy-approval\n\
         \x20 govlint check --format sarif -o govlint.sarif\n"
    ));
    // The demo did its job whether or not the example has findings.
    Ok(if code == FAILED { FAILED } else { CLEAN })
}

/// A new, empty folder under the system's temporary directory.
fn new_temp_dir() -> Result<PathBuf, Fatal> {
    let base = std::env::temp_dir();
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    for attempt in 0..100u32 {
        let dir = base.join(format!(
            "govlint-demo-{}-{stamp}-{attempt}",
            std::process::id()
        ));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(source) => return Err(Fatal::Write { path: dir, source }),
        }
    }
    Err(Fatal::Other(
        "cannot create a temporary folder for the demo".to_owned(),
    ))
}

/// The rule set of the working tree's configuration, without loading records.
fn working_ruleset(ws: &Workspace) -> Result<RuleSet, Fatal> {
    let snapshot = Snapshot::take(&ws.config.root, &ContentSource::WorkTree, ws.repo.as_ref())?;
    let files = rule_files(ws, &snapshot);
    RuleSet::load(&ws.config.packs, &files, &ws.config.severity)
        .map_err(|errors| invalid_rules(&ws.config, errors, &files))
}

/// `govlint rules`: the enabled rules with severity, clause and source.
fn rules(cli: &Cli, args: &RulesArgs) -> Result<u8, Fatal> {
    let ws = Workspace::open(cli)?;
    let set = working_ruleset(&ws)?;
    let text = match args.format {
        TextOrJson::Json => {
            let list: Vec<serde_json::Value> = set
                .rules()
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id,
                        "severity": r.severity.as_str(),
                        "clause": r.clause,
                        "source": r.source,
                        "history": r.uses_history(),
                        "message": r.message,
                    })
                })
                .collect();
            let mut t =
                serde_json::to_string_pretty(&serde_json::json!({ "version": 1, "rules": list }))
                    .unwrap_or_default();
            t.push('\n');
            t
        }
        TextOrJson::Text => {
            let width = set.rules().iter().map(|r| r.id.len()).max().unwrap_or(0);
            let mut t = String::new();
            for r in set.rules() {
                t.push_str(&format!(
                    "{:<width$}  {:<7}  {:<28}  {}\n",
                    r.id,
                    r.severity.as_str(),
                    r.clause.as_deref().unwrap_or("-"),
                    r.source,
                ));
            }
            if !cli.quiet {
                t.push_str(&format!(
                    "{} rules enabled; `govlint explain RULE-ID` tells more\n",
                    set.rules().len()
                ));
            }
            t
        }
    };
    emit(None, &text)?;
    Ok(CLEAN)
}

/// `govlint explain RULE-ID`: a rule's or built-in code's documentation.
fn explain(cli: &Cli, args: &ExplainArgs) -> Result<u8, Fatal> {
    let ws = Workspace::open(cli)?;
    let set = working_ruleset(&ws)?;
    match crate::rule::explain(&set, &args.rule) {
        Some(text) => {
            emit(None, &text)?;
            Ok(CLEAN)
        }
        None => Err(Fatal::UnknownRule(args.rule.clone())),
    }
}

/// `govlint log RECORD-ID`: the record's change, approval and review trail.
fn log(cli: &Cli, args: &LogArgs) -> Result<u8, Fatal> {
    let ws = Workspace::open(cli)?;
    let source = args
        .rev
        .as_ref()
        .map_or(ContentSource::WorkTree, |r| ContentSource::Rev(r.clone()));
    let eval = evaluate(
        &ws,
        &Options {
            source,
            today: today(cli)?,
            allow_shallow: true,
            force_history: true,
            verbose: cli.verbose,
        },
    )?;
    let Some(record) = eval.records.get(&args.record) else {
        return Err(Fatal::UnknownRecord(args.record.clone()));
    };
    let Some(history) = &eval.history else {
        return Err(Fatal::NotARepository {
            what: "govlint log",
            dir: ws.cwd.clone(),
        });
    };
    let evidence = GitEvidence::new(history, &eval.records, eval.prefix.clone(), false);
    let trail = crate::trail::trail(record, &evidence);
    let mut text = match args.format {
        TextOrJson::Json => trail.to_json(),
        TextOrJson::Text => trail.to_text(),
    };
    if history.is_shallow() && args.format == TextOrJson::Text {
        text.push_str("note: the repository is a shallow clone; older history is missing\n");
    }
    emit(None, &text)?;
    Ok(CLEAN)
}

/// Appends to a file (the job summary is shared by every step of a job).
fn append(path: &Path, text: &str) -> Result<(), Fatal> {
    let write = || -> std::io::Result<()> {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        file.write_all(text.as_bytes())
    };
    write().map_err(|source| Fatal::Write {
        path: path.to_owned(),
        source,
    })
}

/// `govlint hook install [--uninstall]`.
fn hook_install(cli: &Cli, uninstall: bool) -> Result<u8, Fatal> {
    let cwd = working_dir(cli)?;
    let repo = git2::Repository::open_ext(
        &cwd,
        git2::RepositoryOpenFlags::FROM_ENV,
        std::iter::empty::<&std::ffi::OsStr>(),
    )
    .map_err(|_| Fatal::NotARepository {
        what: "govlint hook install",
        dir: cwd.clone(),
    })?;
    let outcome = crate::hook::install(&repo, uninstall)?;
    if !cli.quiet {
        print_err(&format!("{outcome}\n"));
    }
    Ok(CLEAN)
}

/// `path` resolved against `cwd`, without `.` components (for messages).
fn under(cwd: &Path, path: &Path) -> PathBuf {
    cwd.join(path)
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect()
}

/// `govlint audit`: the evidence pack an auditor reads (SPEC 4.2). It is a
/// report, not a gate: it exits 0 once written, whatever it shows (`check`
/// is the gate), and 2 when it cannot be made.
fn audit(cli: &Cli, args: &AuditArgs) -> Result<u8, Fatal> {
    let ws = Workspace::open(cli)?;
    let source = args
        .rev
        .as_ref()
        .map_or(ContentSource::WorkTree, |r| ContentSource::Rev(r.clone()));
    let today = today(cli)?;
    let eval = evaluate(
        &ws,
        &Options {
            source,
            today,
            allow_shallow: args.allow_shallow,
            force_history: true,
            verbose: cli.verbose,
        },
    )?;
    let evidence = eval
        .history
        .as_ref()
        .map(|h| GitEvidence::new(h, &eval.records, eval.prefix.clone(), false));
    let pack = crate::audit::build(&eval, evidence.as_ref(), today, args.clause.as_deref());
    if let (Some(clause), true) = (&args.clause, pack.clauses.is_empty()) {
        return Err(Fatal::Other(format!(
            "no clause item matches `--clause {clause}`: try 5.1, 5.1(c), 5.2, 5.3, 6.2, 7.1, 7.3, 7.4, 7.5, 9.3 or 10.1 (`govlint rules` lists the clauses rules cite)"
        )));
    }
    let text = match args.format {
        AuditFormat::Markdown => pack.to_markdown(),
        AuditFormat::Json => pack.to_json(),
        AuditFormat::Html => pack.to_html(),
    };
    emit(args.output.as_deref(), &text)?;
    Ok(CLEAN)
}
