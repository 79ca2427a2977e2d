//! The pipeline behind `check`, `log` and `audit`: take a snapshot, load the
//! rules, load and validate records while the git history is read, evaluate,
//! apply severity overrides. Returns an [`Evaluation`]; it prints nothing but
//! `-v` stage timings.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use crate::config::Config;
pub use crate::evaluation::Evaluation;
use crate::evidence::GitEvidence;
use crate::finding::{Code, Finding, Level};
use crate::history::{History, HistoryOptions, Repo};
use crate::record::cache::{self as record_cache, Checked};
use crate::record::load::Selection;
use crate::record::snapshot::{Content, ContentSource, Snapshot};
use crate::record::{Record, RecordSet};
use crate::report;
use crate::rule::{Context, NoHistory, RuleSet};
use crate::schema::{SchemaSet, SchemaSource};
use crate::source::SourceFile;

use super::{print_err, Fatal, Workspace};

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

/// Loads, validates and evaluates one content source.
pub fn evaluate(ws: &Workspace, opts: &Options) -> Result<Evaluation, Fatal> {
    let job = HistoryJob::new(ws, opts);
    std::thread::scope(|scope| evaluate_in(ws, opts, &job, scope))
}

/// The rules of the built-in packs alone, and whether to read the history
/// ahead (see [`evaluate_in`]).
type Ahead = (Result<RuleSet, Vec<Finding>>, bool);
/// A history read on a thread of its own, and how long it took.
type Reading = (Result<Option<History>, Fatal>, std::time::Duration);

fn evaluate_in<'scope, 'env: 'scope>(
    ws: &'env Workspace,
    opts: &'env Options,
    job: &'env HistoryJob,
    scope: &'scope std::thread::Scope<'scope, 'env>,
) -> Result<Evaluation, Fatal> {
    let config = &ws.config;
    let source = &opts.source;
    let mut clock = Stopwatch::new(opts.verbose);
    // While this thread lists the files, another loads the built-in packs
    // and, when they read git history (or the command always does), goes
    // on to read it: a warm run's history then overlaps listing and rule
    // loading too, not only the records. It says first whether it reads
    // the history, handing over the packs' rules (which are the whole rule
    // set when govlint.yaml names no rule files of the repository's own).
    let (told, hear) = std::sync::mpsc::channel::<Ahead>();
    let in_git = ws.repo.is_some();
    let ahead = scope.spawn(move || {
        let packs =
            RuleSet::load_within(&config.packs, &[], &config.severity, config.max_regex_bytes);
        let wanted =
            in_git && (opts.force_history || packs.as_ref().is_ok_and(RuleSet::needs_history));
        let _ = told.send((packs, wanted));
        wanted.then(|| {
            let started = std::time::Instant::now();
            (job.run(), started.elapsed())
        })
    });
    let snapshot = Snapshot::take(&config.root, source, ws.repo.as_ref())?;
    clock.lap("list files");
    let rule_files = rule_files(ws, &snapshot);
    let (packs, ahead_reads) = hear
        .recv()
        .map_err(|_| Fatal::Other("loading the built-in rules failed".to_owned()))?;
    let ruleset = if config.rules.is_empty() {
        // No rule files of the repository's own: the same call.
        packs
    } else {
        RuleSet::load_within(
            &config.packs,
            &rule_files,
            &config.severity,
            config.max_regex_bytes,
        )
    }
    .map_err(|errors| invalid_rules(config, errors, &rule_files))?;
    clock.lap("load rules");
    // History is read on a thread of its own while records load and validate
    // on the others: a cold run costs about the longer of the two, not both.
    let early = opts.force_history || ruleset.needs_history();
    let reading: Option<std::thread::ScopedJoinHandle<'scope, Option<Reading>>> = if ahead_reads {
        Some(ahead)
    } else if early {
        Some(scope.spawn(|| {
            let started = std::time::Instant::now();
            Some((job.run(), started.elapsed()))
        }))
    } else {
        None
    };
    let (stage, history) = {
        let started = std::time::Instant::now();
        let stage = load_and_validate(ws, &snapshot);
        clock.note(&match &stage {
            Ok(s) => format!(
                "load and validate records: {:.1} ms ({} files parsed, {} from the cache)",
                ms(started.elapsed()),
                s.parsed,
                s.reused
            ),
            Err(_) => "load and validate records: failed".to_owned(),
        });
        let history = reading.map(|r| match r.join() {
            Ok(Some((history, took))) => {
                clock.note(&format!("read git history: {:.1} ms", ms(took)));
                history
            }
            Ok(None) | Err(_) => Err(Fatal::Other("reading the git history failed".to_owned())),
        });
        (stage, history)
    };
    clock.lap("read git history, and (in parallel) load and validate records");
    let Stage {
        records,
        mut findings,
        mut files,
        rejected,
        ..
    } = stage?;
    // Waivers are approved in git: a repository with waivers needs history
    // even when no rule asks for it.
    let history = match history {
        Some(h) => h?,
        None if ruleset.needs_history_for(&records) => job.run()?,
        // A governed trust root is checked on every run.
        None if config.key_admins.is_some() => job.run()?,
        None => None,
    };
    let prefix = ws
        .repo
        .as_ref()
        .map(|r| r.prefix_of(&config.root))
        .unwrap_or_default();
    let evidence = history
        .as_ref()
        .map(|h| git_evidence(ws, h, &records, &prefix, *source == ContentSource::Index));
    if let (Some(h), Some(e)) = (&history, &evidence) {
        findings.extend(crate::evidence::history_findings(h, &records, e));
    }
    let evidence: &dyn crate::rule::Evidence = match &evidence {
        Some(e) => e,
        None => &NoHistory,
    };
    let ctx = Context::new(&records, opts.today, evidence)
        .with_minimum_strength(config.minimum_strength)
        .with_witnessing(!config.witnesses.is_empty());
    let mut findings = ruleset.evaluate_with(&ctx, findings);
    drop_rejected(&mut findings, &rejected);
    clock.lap("evaluate rules");
    apply_code_levels(&mut findings, &config.severity);
    for f in rule_files.iter().chain(&config.file) {
        files.insert(f.path.clone(), Arc::clone(f));
    }
    let rules = rule_meta(&ruleset);
    let mut listed: Vec<String> = snapshot.files.iter().map(|f| f.path.clone()).collect();
    listed.sort_unstable();
    Ok(Evaluation {
        records,
        findings,
        files,
        rules,
        ruleset,
        history,
        prefix,
        listed,
    })
}

/// The git evidence of one evaluation, as every command judges it (the
/// trust settings included); `staged`: content not yet committed is pending.
pub(super) fn git_evidence<'a>(
    ws: &Workspace,
    history: &'a History,
    records: &'a RecordSet,
    prefix: &str,
    staged: bool,
) -> GitEvidence<'a> {
    GitEvidence::new(history, records, prefix.to_owned(), staged)
        .with_trust(&ws.config.allowed_signers, ws.config.key_admins.as_deref())
        .with_push_lag(ws.config.max_push_lag)
}

/// Records with their `parse`, `record/*` and `schema` findings, and the
/// files findings point into.
struct Stage {
    records: RecordSet,
    findings: Vec<Finding>,
    files: HashMap<String, Arc<SourceFile>>,
    /// (record id, pointer) of every value a schema rejected.
    rejected: HashSet<(String, String)>,
    /// Files parsed and validated afresh, and taken from the record cache.
    parsed: usize,
    reused: usize,
}

/// Loads the snapshot's records and validates them against their schemas,
/// both in parallel, through the record cache (`record::cache`): only
/// files whose content changed since a cached run are parsed and checked.
fn load_and_validate(ws: &Workspace, snapshot: &Snapshot) -> Result<Stage, Fatal> {
    let config = &ws.config;
    let selection = Selection::new(&config.include, &config.record_excludes())?
        .with_tables(&config.tables, config.max_table_rows)?
        .with_limits(config.load_limits);
    // Schemas first: they type the cells of tables.
    let repo_schemas = repo_schemas(ws, snapshot);
    let settings = cache_settings(config, &repo_schemas);
    let (schemas, schema_findings) = SchemaSet::build(repo_schemas);
    let cache_file =
        record_cache::CacheFile::default_for(ws.repo.as_ref().map(Repo::git_dir), &config.root);
    let check = |r: &Record| check_record(&schemas, &selection, r);
    let warm = record_cache::load(
        snapshot,
        &selection,
        ws.repo.as_ref(),
        config.max_file_bytes,
        &schemas,
        &check,
        cache_file.as_ref(),
        &settings,
    );
    let loaded = warm.loaded;
    let mut findings = loaded.findings;
    let files = loaded
        .sources
        .into_iter()
        .map(|f| (f.path.clone(), f))
        .collect();
    findings.extend(schema_findings);
    findings.extend(unknown_table_kinds(config, &schemas));
    let records = RecordSet::new(loaded.records).with_unreadable(loaded.unreadable_ids);
    let mut rejected = HashSet::new();
    for (r, c) in records.iter().zip(warm.checked) {
        findings.extend(c.findings);
        rejected.extend(c.rejected.into_iter().map(|p| (r.id.clone(), p)));
    }
    Ok(Stage {
        records,
        findings,
        files,
        rejected,
        parsed: warm.parsed,
        reused: warm.reused,
    })
}

/// What loading and validating read besides the files themselves: the
/// configuration (as written, and as read) and the repository's schemas.
/// The record cache is valid only for these (and this govlint build).
fn cache_settings(config: &Config, schemas: &[SchemaSource]) -> record_cache::Settings {
    let text = config.file.as_ref().map_or("", |f| &f.text).to_owned();
    let read = format!(
        "{:?}",
        (
            &config.include,
            config.record_excludes(),
            &config.tables,
            config.max_file_bytes,
            config.max_table_rows,
            &config.schemas,
        )
    );
    let mut parts: Vec<Vec<u8>> = vec![text.into_bytes(), read.into_bytes()];
    for s in schemas {
        parts.push(s.name.clone().into_bytes());
        parts.push(
            s.file
                .as_ref()
                .map_or(String::new(), |f| f.text.to_string())
                .into_bytes(),
        );
    }
    record_cache::Settings::new(parts.iter().map(Vec::as_slice))
}

/// One record's `schema` findings, or `record/unknown-kind` when no schema
/// defines its kind (said once, at the table's entry, for table rows).
fn check_record(schemas: &SchemaSet, selection: &Selection, r: &Record) -> Checked {
    if schemas.has_kind(&r.kind) {
        let v = schemas.check(r);
        return Checked {
            findings: v.findings,
            rejected: v.rejected,
        };
    }
    if selection.table_kind(&r.file.path).is_some() {
        // Said once, at the table's entry in govlint.yaml.
        return Checked::default();
    }
    let code = Code::RecordUnknownKind;
    let findings = vec![r.finding(
        code.id(),
        code.default_severity(),
        match crate::suggest::closest(&r.kind, schemas.kinds()) {
            Some(near) => format!(
                "unknown kind `{}`: did you mean `{near}`? (a kind of your own needs schemas/{}.schema.json)",
                r.kind, r.kind
            ),
            None => format!(
                "unknown kind `{}`: add schemas/{}.schema.json to define it, or use a built-in kind",
                r.kind, r.kind
            ),
        },
        "/kind",
    )];
    Checked {
        findings,
        rejected: Vec::new(),
    }
}

/// `record/unknown-kind` once for each `records.tables` entry whose kind
/// has no schema, at the entry's `kind` in govlint.yaml (not once per row).
fn unknown_table_kinds(config: &Config, schemas: &SchemaSet) -> Vec<Finding> {
    let code = Code::RecordUnknownKind;
    config
        .tables
        .iter()
        .enumerate()
        .filter(|(_, t)| !schemas.has_kind(&t.kind))
        .map(|(i, t)| {
            let pointer = format!("/records/tables/{i}/kind");
            let hint = match crate::suggest::closest(&t.kind, schemas.kinds()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("add schemas/{}.schema.json to define it", t.kind),
            };
            let mut f = Finding::code(
                code,
                format!(
                    "unknown kind `{}` for the rows of `{}` (records.tables): {hint}",
                    t.kind, t.files
                ),
            );
            if let (Some(file), Some(tree)) = (&config.file, &config.tree) {
                f.location = Some(file.location(tree.nearest_span(&pointer)));
            }
            f.pointer = Some(pointer);
            f
        })
        .collect()
}

/// What reading the history needs, owned, so it can run on its own thread
/// (a repository handle cannot be shared between threads; the job opens
/// its own).
struct HistoryJob {
    git_dir: Option<PathBuf>,
    cwd: PathBuf,
    options: HistoryOptions,
    allow_shallow: bool,
}

impl HistoryJob {
    fn new(ws: &Workspace, opts: &Options) -> Self {
        HistoryJob {
            git_dir: ws.repo.as_ref().map(|r| r.git_dir().to_path_buf()),
            cwd: ws.cwd.clone(),
            options: HistoryOptions {
                rev: match &opts.source {
                    ContentSource::Rev(r) => Some(r.clone()),
                    _ => None,
                },
                allowed_signers: Some(ws.config.allowed_signers.clone()),
                trust_files: trust_files(ws),
                openpgp_keys: ws.config.openpgp_keys.clone(),
                revoked_keys: ws.config.revoked_keys.clone(),
                witnesses: ws.config.witnesses.clone(),
                witness_tags: ws.config.witness_tags.clone(),
                scope: history_scope(ws),
            },
            allow_shallow: opts.allow_shallow || ws.config.allow_shallow,
        }
    }

    /// The history index for the evaluated revision. Outside git, or in a
    /// shallow clone (unless allowed, SPEC 2.1), the run stops.
    fn run(&self) -> Result<Option<History>, Fatal> {
        let Some(git_dir) = &self.git_dir else {
            return Err(Fatal::NotARepository {
                what: "the approval and review rules, which read git history as evidence; to lint a folder outside git, turn them off with `packs: []`",
                dir: self.cwd.clone(),
            });
        };
        let repo = Repo::open_git_dir(git_dir)?;
        let history = History::build(&repo, &self.options)?;
        if history.is_shallow() && !self.allow_shallow {
            return Err(Fatal::Shallow);
        }
        Ok(Some(history))
    }
}

/// The trust files' paths in the repository (SPEC 2.3): the allowed-signers
/// file, the revoked keys and OpenPGP keys when configured, and
/// `govlint.yaml` (its `trust` section).
fn trust_files(ws: &Workspace) -> Vec<String> {
    let config = &ws.config;
    let prefix = ws
        .repo
        .as_ref()
        .map(|r| r.prefix_of(&config.root))
        .unwrap_or_default();
    let mut files = vec![config.allowed_signers.clone()];
    files.extend(config.revoked_keys.clone());
    files.extend(config.openpgp_keys.clone());
    files.push(format!("{prefix}{}", crate::config::FILE_NAME));
    files
}

/// The paths whose history matters: the governance folder and the trust
/// files; everything when the folder is the whole repository. A product
/// repository with an `isms/` folder then never reads its code's trees.
fn history_scope(ws: &Workspace) -> Vec<String> {
    let prefix = ws
        .repo
        .as_ref()
        .map(|r| r.prefix_of(&ws.config.root))
        .unwrap_or_default();
    if prefix.is_empty() {
        return Vec::new();
    }
    let mut scope = vec![prefix];
    for file in trust_files(ws) {
        // A key folder (`trust.openpgp_keys`) may be a file or a folder.
        scope.push(format!("{}/", file.trim_end_matches('/')));
        scope.push(file);
    }
    scope
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

    /// A line within the current stage (`-v`).
    fn note(&self, what: &str) {
        if self.last.is_some() {
            print_err(&format!("govlint:   {what}\n"));
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

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Drops rule findings about a value that the record's schema rejected
/// (or under it): an impossible date is a `schema` finding, not also an
/// "overdue" one with advice that no longer applies. Built-in codes stay.
fn drop_rejected(findings: &mut Vec<Finding>, rejected: &HashSet<(String, String)>) {
    if rejected.is_empty() {
        return;
    }
    findings.retain(|f| {
        let (Some(id), Some(pointer)) = (&f.record, &f.pointer) else {
            return true;
        };
        if Code::from_id(&f.rule).is_some() {
            return true;
        }
        let mut p = pointer.as_str();
        loop {
            if rejected.contains(&(id.clone(), p.to_owned())) {
                return false;
            }
            match p.rfind('/') {
                Some(i) if i > 0 => p = &p[..i],
                _ => return true,
            }
        }
    });
}

/// Severity overrides of built-in codes (`schema`, `history/*`, ...); the
/// rule set applies those of rules and `waiver/*` itself.
fn apply_code_levels(
    findings: &mut Vec<Finding>,
    levels: &std::collections::BTreeMap<String, Level>,
) {
    findings.retain_mut(|f| {
        let Some(code) = Code::from_id(&f.rule) else {
            return true;
        };
        if !code.overridable() || code.emitted_by_rules() {
            return true;
        }
        match levels.get(&f.rule) {
            Some(level) => match level.severity() {
                Some(s) => {
                    f.severity = s;
                    true
                }
                None => false,
            },
            None => true,
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
        .chain(Code::ALL.iter().copied().map(report::RuleMeta::of_code))
        .collect()
}

/// The repository's rule files: `rules:` entries of govlint.yaml, each a
/// YAML file or a folder of them.
pub(super) fn rule_files(ws: &Workspace, snapshot: &Snapshot) -> Vec<Arc<SourceFile>> {
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
pub(super) fn invalid_rules(
    config: &Config,
    mut errors: Vec<Finding>,
    rule_files: &[Arc<SourceFile>],
) -> Fatal {
    let mut files: HashMap<String, Arc<SourceFile>> = rule_files
        .iter()
        .map(|f| (f.path.clone(), Arc::clone(f)))
        .collect();
    if let Some(cfg) = &config.file {
        for f in errors.iter_mut().filter(|f| f.location.is_none()) {
            if let (Some(ptr), Some(tree)) = (&f.pointer, &config.tree) {
                f.location = Some(cfg.location(tree.nearest_span(ptr)));
            }
        }
        files.insert(cfg.path.clone(), Arc::clone(cfg));
    }
    Fatal::InvalidConfig(errors, files)
}

/// The repository's own schemas (`schemas/<Kind>.schema.json|yaml`).
pub(super) fn repo_schemas(ws: &Workspace, snapshot: &Snapshot) -> Vec<SchemaSource> {
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
