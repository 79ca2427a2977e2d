//! The repository's configuration, `govlint.yaml` (SPEC 1.1): found by walking
//! up from the working directory, validated whole against its JSON Schema
//! before anything runs (an unknown key is an error at its line and column),
//! then turned into a [`Config`] with every default filled in.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::finding::{Code, Finding};
use crate::rule::Strength;
use crate::source::SourceFile;

/// The configuration file's name.
pub const FILE_NAME: &str = "govlint.yaml";

/// Paths never treated as records, whatever `records.exclude` says: the
/// configuration, and the CI and tool configuration files that real code
/// repositories hold beside an ISMS folder, at any depth (a vendored
/// project's `.github/workflows/ci.yml` is no record either). The README's
/// configuration section lists them; keep the two in step.
pub const ALWAYS_EXCLUDED: &[&str] = &[
    "govlint.yaml",
    "rules/**",
    "schemas/**",
    // CI services.
    "**/.github/**",
    "**/.gitlab/**",
    "**/.gitlab-ci.yml",
    "**/.gitea/**",
    "**/.forgejo/**",
    "**/.cirrus.yml",
    "**/.circleci/**",
    "**/.travis.yml",
    "**/azure-pipelines.yml",
    "**/.azure-pipelines/**",
    "**/appveyor.yml",
    "**/.appveyor.yml",
    "**/bitbucket-pipelines.yml",
    "**/.drone.yml",
    "**/.woodpecker.yml",
    "**/.woodpecker/**",
    "**/.buildkite/**",
    "**/cloudbuild.yaml",
    "**/.semaphore/**",
    // Tool configuration.
    "**/.pre-commit-config.yaml",
    "**/.pre-commit-hooks.yaml",
    "**/.golangci.yml",
    "**/.golangci.yaml",
    "**/.goreleaser.yml",
    "**/.goreleaser.yaml",
    "**/.readthedocs.yml",
    "**/.readthedocs.yaml",
    "**/.clang-format",
    "**/.clang-tidy",
    "**/.yamllint*",
    "**/.markdownlint*",
    "**/.editorconfig",
    "**/.codecov.yml",
    "**/codecov.yml",
    "**/dependabot.yml",
    "**/.mergify.yml",
    "**/.gitpod.yml",
    "**/.rubocop*.yml",
    "**/.eslintrc.yml",
    "**/.eslintrc.yaml",
    "**/.prettierrc.yaml",
    "**/.prettierrc.yml",
    "**/.swiftlint.yml",
    "**/.hadolint.yaml",
    "**/.yarnrc.yml",
    "**/pnpm-lock.yaml",
    "**/pnpm-workspace.yaml",
    "**/docker-compose*.yml",
    "**/docker-compose*.yaml",
    "**/compose.yml",
    "**/compose.yaml",
    "**/mkdocs.yml",
    "**/mkdocs.yaml",
    "**/.devcontainer/**",
    "**/.vscode/**",
    "**/.idea/**",
    "**/.husky/**",
    "**/.changeset/**",
];

pub use crate::finding::Level;

/// The effective configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The governance repository's root: the folder holding `govlint.yaml`.
    pub root: PathBuf,
    /// The configuration file as read, when there is one.
    pub file: Option<Arc<SourceFile>>,
    /// Its YAML tree, parsed once: findings about its entries (an unknown
    /// pack, an override of an unknown rule) are placed with it.
    pub tree: Option<crate::yaml::Node>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    /// `records.tables` (SPEC 1.4): CSV files whose rows are records.
    pub tables: Vec<crate::record::table::TableSpec>,
    /// Folder (repo-relative) of the repository's own schemas.
    pub schemas: String,
    /// Files or folders (repo-relative) of the repository's own rules.
    pub rules: Vec<String>,
    pub packs: Vec<String>,
    pub severity: BTreeMap<String, Level>,
    /// Repo-relative path of the OpenSSH allowed-signers file.
    pub allowed_signers: String,
    /// Repo-relative path of the revoked SSH keys (a KRL or a list of
    /// public keys), if any.
    pub revoked_keys: Option<String>,
    /// Default strength demanded by approval checks (`self` when unset).
    pub minimum_strength: Strength,
    /// Repo-relative folder or file of ASCII-armoured (or binary) OpenPGP
    /// public keys (`trust.openpgp_keys`), if any.
    pub openpgp_keys: Option<String>,
    /// The role whose members must sign every change to the trust files
    /// (`trust.key_admins`, SPEC 2.3); `None`: changes are not governed.
    pub key_admins: Option<String>,
    /// Allowed-signers principals whose signed tags are witnesses
    /// (`trust.witnesses`, SPEC 2.4); empty: nothing is witnessed.
    pub witnesses: Vec<String>,
    /// The tag names that are witnesses (`trust.witness_tags`, a glob,
    /// default `govlint/witness/*`).
    pub witness_tags: String,
    /// How much older than its landing an approval may claim to be
    /// (`trust.max_push_lag`, default `P7D`).
    pub max_push_lag: crate::time::Duration,
    pub allow_shallow: bool,
    /// Files larger than this are reported, not parsed.
    pub max_file_bytes: u64,
    /// Rows of a table beyond this many are reported, not read
    /// (`limits.max_table_rows`).
    pub max_table_rows: usize,
    /// The other input limits of record loading: YAML nesting, alias
    /// expansion, documents and nodes per file, and a table cell's size
    /// (`limits.max_depth`, `max_alias_nodes`, `max_documents`,
    /// `max_nodes`, `max_cell_bytes`).
    pub load_limits: crate::record::load::Limits,
    /// The compiled size a rule regex may reach (`limits.max_regex_bytes`).
    pub max_regex_bytes: usize,
}

/// The deepest nesting `limits.max_depth` may allow: the tree is walked
/// recursively afterwards (JSON, schemas, rules), on threads with modest
/// stacks.
pub const MAX_DEPTH_CEILING: usize = 1000;

impl Config {
    /// What is never a record: [`ALWAYS_EXCLUDED`], `records.exclude`, and
    /// the folders of the repository's own schemas and rules.
    pub fn record_excludes(&self) -> Vec<String> {
        let mut excluded: Vec<String> = ALWAYS_EXCLUDED.iter().map(|s| (*s).to_owned()).collect();
        excluded.extend(self.exclude.iter().cloned());
        excluded.push(format!("{}/**", self.schemas.trim_end_matches('/')));
        for r in &self.rules {
            let r = r.trim_end_matches('/');
            excluded.push(r.to_owned());
            excluded.push(format!("{r}/**"));
        }
        excluded
    }

    /// The configuration of a repository without `govlint.yaml`.
    pub fn defaults(root: PathBuf) -> Self {
        Config::from_raw(root, None, None, RawConfig::default())
    }

    fn from_raw(
        root: PathBuf,
        file: Option<Arc<SourceFile>>,
        tree: Option<crate::yaml::Node>,
        raw: RawConfig,
    ) -> Self {
        let records = raw.records.unwrap_or_default();
        let trust = raw.trust.unwrap_or_default();
        Config {
            root,
            file,
            tree,
            include: records.include.unwrap_or_else(|| {
                ["**/*.yaml", "**/*.yml", "**/*.md"]
                    .map(String::from)
                    .to_vec()
            }),
            exclude: records.exclude.unwrap_or_default(),
            tables: records
                .tables
                .unwrap_or_default()
                .into_iter()
                .map(|t| crate::record::table::TableSpec {
                    files: t.files,
                    kind: t.kind,
                })
                .collect(),
            schemas: raw.schemas.unwrap_or_else(|| "schemas".to_owned()),
            rules: raw.rules.unwrap_or_else(|| vec!["rules".to_owned()]),
            packs: raw
                .packs
                .unwrap_or_else(|| vec!["iso27001-2022".to_owned()]),
            severity: raw.severity.unwrap_or_default(),
            allowed_signers: trust
                .allowed_signers
                .unwrap_or_else(|| ".govlint/allowed_signers".to_owned()),
            revoked_keys: trust.revoked_keys,
            minimum_strength: trust.minimum_strength.unwrap_or_default(),
            openpgp_keys: trust.openpgp_keys,
            key_admins: trust.key_admins,
            witnesses: trust.witnesses.unwrap_or_default(),
            witness_tags: trust
                .witness_tags
                .unwrap_or_else(|| DEFAULT_WITNESS_TAGS.to_owned()),
            max_push_lag: trust
                .max_push_lag
                .as_deref()
                .and_then(crate::time::Duration::parse)
                .unwrap_or_else(default_push_lag),
            allow_shallow: raw.history.and_then(|h| h.allow_shallow).unwrap_or(false),
            max_file_bytes: raw
                .limits
                .as_ref()
                .and_then(|l| l.max_file_bytes)
                .unwrap_or(1024 * 1024),
            max_table_rows: raw
                .limits
                .as_ref()
                .and_then(|l| l.max_table_rows)
                .unwrap_or(crate::record::table::DEFAULT_MAX_ROWS),
            load_limits: load_limits(raw.limits.as_ref()),
            max_regex_bytes: raw
                .limits
                .as_ref()
                .and_then(|l| l.max_regex_bytes)
                .unwrap_or(crate::rule::REGEX_SIZE_LIMIT),
        }
    }
}

/// Why the configuration could not be used (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not valid", .file.path)]
    Invalid {
        /// The file as read, for the findings' snippets.
        file: Arc<SourceFile>,
        findings: Vec<Finding>,
    },
}

/// Finds `govlint.yaml` in `start` or the nearest folder above it.
pub fn discover(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|p| p.is_file())
}

/// Reads and validates a configuration file. The governance root is `root`
/// when given (`--config` names a file elsewhere), else the file's folder.
pub fn load(path: &Path, root: Option<PathBuf>) -> Result<Config, ConfigError> {
    let bytes = std::fs::read(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    let root = root.unwrap_or_else(|| {
        path.parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    });
    let name = path.file_name().map_or_else(
        || FILE_NAME.to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    let text = String::from_utf8_lossy(&bytes).into_owned();
    parse(root, &name, &text)
}

/// Parses configuration text; `name` is how findings name the file.
pub fn parse(root: PathBuf, name: &str, text: &str) -> Result<Config, ConfigError> {
    let file = Arc::new(SourceFile::new(name, text));
    let invalid = |findings: Vec<Finding>| ConfigError::Invalid {
        file: Arc::clone(&file),
        findings,
    };
    let loaded = crate::yaml::load(text, &crate::yaml::Limits::default());
    if let Some(err) = loaded.error {
        let mut f =
            Finding::code(Code::Config, err.message.clone()).at(Some(file.location(err.span)));
        f.help = err.help.map(str::to_owned);
        return Err(invalid(vec![f]));
    }
    let Some(doc) = loaded.documents.into_iter().next() else {
        return Ok(Config::from_raw(
            root,
            Some(file),
            None,
            RawConfig::default(),
        ));
    };
    let value = doc.root.to_json();
    if value.is_null() {
        return Ok(Config::from_raw(
            root,
            Some(file),
            Some(doc.root),
            RawConfig::default(),
        ));
    }
    let findings = schema_findings(&file, &doc.root, &value);
    if !findings.is_empty() {
        return Err(invalid(findings));
    }
    match serde_json::from_value::<RawConfig>(value) {
        Ok(raw) => Ok(Config::from_raw(root, Some(file), Some(doc.root), raw)),
        // The schema accepted it, so this is a schema/struct mismatch: still
        // say what serde said, at the top of the file.
        Err(e) => Err(invalid(vec![
            Finding::code(Code::Config, e.to_string()).at(Some(file.location(doc.root.span)))
        ])),
    }
}

/// Validates against `schemas/govlint.schema.json`, each violation placed at
/// its node (the key itself for an unknown key).
fn schema_findings(
    file: &SourceFile,
    tree: &crate::yaml::Node,
    value: &serde_json::Value,
) -> Vec<Finding> {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../schemas/govlint.schema.json"))
            .unwrap_or(serde_json::Value::Bool(true));
    let docs = Arc::new(std::collections::HashMap::new());
    let validator = match crate::schema::compile(&schema, "govlint.schema.json", &docs) {
        Ok(v) => v,
        Err(message) => {
            return vec![Finding::code(
                Code::Config,
                format!("govlint's own configuration schema does not compile: {message}"),
            )]
        }
    };
    crate::schema::violations(&validator, value)
        .into_iter()
        .map(|v| {
            let (pointer, message) = match &v.unknown_key {
                Some(key) => (
                    format!("{}/{}", v.pointer, crate::schema::escape_pointer(key)),
                    format!("unknown key `{key}`"),
                ),
                None => (v.pointer.clone(), v.message.clone()),
            };
            let span = tree
                .key_span(&pointer)
                .filter(|_| v.unknown_key.is_some())
                .unwrap_or_else(|| tree.nearest_span(&pointer));
            let mut f = Finding::code(Code::Config, message).at(Some(file.location(span)));
            f.pointer = Some(pointer);
            f
        })
        .collect()
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(rename = "version")]
    _version: Option<u32>,
    records: Option<RawRecords>,
    schemas: Option<String>,
    rules: Option<Vec<String>>,
    packs: Option<Vec<String>>,
    severity: Option<BTreeMap<String, Level>>,
    trust: Option<RawTrust>,
    history: Option<RawHistory>,
    limits: Option<RawLimits>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecords {
    include: Option<Vec<String>>,
    exclude: Option<Vec<String>>,
    tables: Option<Vec<RawTable>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    files: String,
    kind: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTrust {
    allowed_signers: Option<String>,
    revoked_keys: Option<String>,
    minimum_strength: Option<Strength>,
    openpgp_keys: Option<String>,
    key_admins: Option<String>,
    witnesses: Option<Vec<String>>,
    witness_tags: Option<String>,
    max_push_lag: Option<String>,
}

/// `trust.witness_tags` when unset.
pub const DEFAULT_WITNESS_TAGS: &str = "govlint/witness/*";

/// `trust.max_push_lag` when unset: seven days.
fn default_push_lag() -> crate::time::Duration {
    crate::time::Duration::parse("P7D").unwrap_or_default()
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHistory {
    allow_shallow: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    max_file_bytes: Option<u64>,
    max_table_rows: Option<usize>,
    max_depth: Option<usize>,
    max_alias_nodes: Option<usize>,
    max_documents: Option<usize>,
    max_nodes: Option<usize>,
    max_cell_bytes: Option<usize>,
    max_regex_bytes: Option<usize>,
}

/// `limits.*` for the record loader, defaults filled in.
fn load_limits(raw: Option<&RawLimits>) -> crate::record::load::Limits {
    let d = crate::record::load::Limits::default();
    let Some(raw) = raw else { return d };
    crate::record::load::Limits {
        yaml: crate::yaml::Limits {
            max_depth: raw
                .max_depth
                .map_or(d.yaml.max_depth, |n| n.min(MAX_DEPTH_CEILING)),
            max_alias_nodes: raw.max_alias_nodes.unwrap_or(d.yaml.max_alias_nodes),
            max_documents: raw.max_documents.unwrap_or(d.yaml.max_documents),
            max_nodes: raw.max_nodes.unwrap_or(d.yaml.max_nodes),
        },
        max_cell_bytes: raw.max_cell_bytes.unwrap_or(d.max_cell_bytes),
    }
}
