//! `govlint witness` (SPEC 2.4, 2.5): in CI, after a push to the protected
//! branch, sign a witness tag at the pushed commit. With `--pull-request N
//! --reviews FILE` the tag also attests the pull request's approving
//! reviews, each of the records the merge changed whose content the
//! reviewer saw exactly as it was merged.
//!
//! This file decides what the tag says (the commit, the principal, the
//! approvals); `history::witness_note` is the message format and
//! `crate::witness` signs and writes the tag. Only the tag's name goes to
//! stdout, for the workflow to push; notes and warnings go to stderr.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::cli::{Cli, WitnessArgs};
use crate::history::witness_note::{self, AttestedApproval, WitnessNote};
use crate::history::{BlobId, CommitId, History, HistoryOptions, Repo};
use crate::record::load::{self, Selection};
use crate::record::snapshot::{ContentSource, Snapshot};
use crate::record::table;
use crate::witness::{self, SigningKey, Tagger};

use super::{emit, print_err, Fatal, Workspace, CLEAN};

/// The environment variable that may hold the witness key's text.
pub(super) const KEY_ENV: &str = "GOVLINT_WITNESS_KEY";

/// The tagger's name; the email is the witness principal.
const TAGGER_NAME: &str = "govlint witness";

/// Why `govlint witness` could not run (exit code 2), beyond the writer's
/// own errors.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum WitnessFailure {
    #[error("no witness principal: trust.witnesses in govlint.yaml is empty and --principal was not given")]
    #[diagnostic(help(
        "add the witness's principal to govlint.yaml (trust: {{ witnesses: [ci-witness@acme.example] }}) and its public key to the allowed-signers file for that principal"
    ))]
    NoPrincipal,
    #[error("cannot read the reviews file {}: {why}", .path.display())]
    #[diagnostic(help(
        "give the pull request's reviews as GitHub lists them: `gh api --paginate repos/OWNER/REPO/pulls/N/reviews > reviews.json`"
    ))]
    Reviews { path: PathBuf, why: String },
    #[error("the pull request's repository is unknown: no --repository, no GITHUB_REPOSITORY, and the origin remote {origin} is not a GitHub URL")]
    #[diagnostic(help("pass --repository OWNER/REPO"))]
    NoRepository { origin: String },
    #[error("`{0}` is not OWNER/REPO")]
    BadRepository(String),
    #[error("the reviewed commits {} are not in this repository", .commits.join(", "))]
    #[diagnostic(help(
        "fetch the pull request's commits first: `git fetch origin pull/{pr}/head` (in GitHub Actions, after actions/checkout with fetch-depth: 0)"
    ))]
    MissingCommits { commits: Vec<String>, pr: u64 },
    #[error("the tag `{name}` would not be a valid witness ({reason}), so it was not kept")]
    #[diagnostic(help(
        "the allowed-signers file at the witnessed commit must list the key's public half for the principal (`PRINCIPAL namespaces=\"git\" ssh-ed25519 AAAA…`), and the principal must be in trust.witnesses"
    ))]
    NotAWitness { name: String, reason: String },
    #[error("cannot read the witness key {}: {source}", .path.display())]
    #[diagnostic(help("the file named by --key must hold an OpenSSH private key"))]
    KeyFile {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// `govlint witness`.
pub(super) fn witness(cli: &Cli, args: &WitnessArgs) -> Result<u8, Fatal> {
    let ws = Workspace::open(cli)?;
    let repo = ws.repo.as_ref().ok_or_else(|| Fatal::NotARepository {
        what: "govlint witness",
        dir: ws.cwd.clone(),
    })?;
    let rev = args.rev.as_deref().unwrap_or("HEAD");
    let commit = repo.resolve_commit(rev)?;
    let principal = match (&args.principal, ws.config.witnesses.first()) {
        (Some(p), _) | (None, Some(p)) => p.clone(),
        (None, None) => return Err(WitnessFailure::NoPrincipal.into()),
    };
    let now = jiff::Timestamp::now().as_second();
    let name = witness::tag_name(&ws.config.witness_tags, now)?;
    let mut note = WitnessNote {
        commit: commit.to_string(),
        pull_request: None,
        approvals: Vec::new(),
    };
    if let (Some(pr), Some(reviews)) = (args.pull_request, &args.reviews) {
        let repository = repository(args.repository.as_deref(), repo)?;
        note.pull_request = Some(format!("github:{repository}#{pr}"));
        let reviews = read_reviews(&ws.cwd.join(reviews))?;
        let attested = attest(&ws, repo, commit, &reviews, pr)?;
        for login in &attested.unknown_logins {
            print_err(&format!(
                "warning: no Person record has the github login `{login}`: its approvals are written into the witness, but they approve as nobody (history/unknown-approver) until a Person lists it in `github`\n"
            ));
        }
        note.approvals = attested.approvals;
    }
    let message = witness_note::render(&note);
    if args.dry_run {
        emit(None, &message)?;
        if !cli.quiet {
            print_err(&format!(
                "dry run: would sign this as `{name}` at {commit} as {principal}; nothing was created\n"
            ));
        }
        return Ok(CLEAN);
    }
    let key = signing_key(args.key.as_deref(), &ws.cwd)?;
    let tagger = Tagger {
        name: TAGGER_NAME.to_owned(),
        email: principal,
        time: now,
    };
    let id = witness::create_tag(
        repo.raw(),
        &commit.to_string(),
        &name,
        &tagger,
        &message,
        &key,
    )?;
    // Read it back as `check` will: a tag that is no witness (a key the
    // allowed-signers file does not list for the principal, a principal
    // not in trust.witnesses) must fail CI now, not be pushed and ignored.
    if let Some(reason) = not_a_witness(&ws, repo, commit, &name)? {
        witness::withdraw_tag(repo.raw(), &name, &id)?;
        return Err(WitnessFailure::NotAWitness { name, reason }.into());
    }
    emit(None, &format!("{name}\n"))?;
    if !cli.quiet {
        print_err(&format!(
            "witnessed {commit} with {} attested approval{}; push the tag: git push origin refs/tags/{name}\n",
            note.approvals.len(),
            if note.approvals.len() == 1 { "" } else { "s" },
        ));
    }
    Ok(CLEAN)
}

/// Why the tag `name` on `commit` is not a valid witness, as the history
/// index judges it; `None` when it is one.
fn not_a_witness(
    ws: &Workspace,
    repo: &Repo,
    commit: CommitId,
    name: &str,
) -> Result<Option<String>, Fatal> {
    let config = &ws.config;
    let history = History::build(
        repo,
        &HistoryOptions {
            rev: Some(commit.to_string()),
            allowed_signers: Some(config.allowed_signers.clone()),
            trust_files: Vec::new(),
            openpgp_keys: None,
            revoked_keys: config.revoked_keys.clone(),
            witnesses: config.witnesses.clone(),
            witness_tags: config.witness_tags.clone(),
            scope: Vec::new(),
        },
    )?;
    if history.witnesses().iter().any(|w| w.name == name) {
        return Ok(None);
    }
    Ok(Some(
        history
            .invalid_witnesses()
            .iter()
            .find(|w| w.name == name)
            .map_or_else(
                || "govlint does not read it as a witness".to_owned(),
                |w| w.reason.clone(),
            ),
    ))
}

/// The key from `--key FILE`, else from `GOVLINT_WITNESS_KEY`.
fn signing_key(file: Option<&Path>, cwd: &Path) -> Result<SigningKey, Fatal> {
    if let Some(file) = file {
        let path = cwd.join(file);
        let text = std::fs::read_to_string(&path).map_err(|source| WitnessFailure::KeyFile {
            path: path.clone(),
            source,
        })?;
        return Ok(SigningKey::from_openssh(
            &text,
            &format!("--key {}", file.display()),
        )?);
    }
    match std::env::var(KEY_ENV) {
        Ok(text) if !text.trim().is_empty() => {
            Ok(SigningKey::from_openssh(&text, &format!("in {KEY_ENV}"))?)
        }
        _ => Err(witness::WitnessError::NoKey.into()),
    }
}

/// OWNER/REPO: `--repository`, else `GITHUB_REPOSITORY`, else the origin
/// remote's GitHub URL.
fn repository(flag: Option<&str>, repo: &Repo) -> Result<String, WitnessFailure> {
    let given = flag.map(str::to_owned).or_else(|| {
        std::env::var("GITHUB_REPOSITORY")
            .ok()
            .filter(|s| !s.is_empty())
    });
    if let Some(given) = given {
        return owner_repo(given.trim()).ok_or(WitnessFailure::BadRepository(given));
    }
    let origin = repo.remote_url("origin");
    origin
        .as_deref()
        .and_then(github_repository)
        .ok_or_else(|| WitnessFailure::NoRepository {
            origin: origin.map_or_else(|| "(none)".to_owned(), |u| format!("`{u}`")),
        })
}

/// `OWNER/REPO` when `s` is one (one slash, both parts non-empty, no
/// blanks).
fn owner_repo(s: &str) -> Option<String> {
    let (owner, name) = s.split_once('/')?;
    let ok = |p: &str| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    (ok(owner) && ok(name)).then(|| format!("{owner}/{name}"))
}

/// OWNER/REPO of a GitHub remote URL: `https://github.com/O/R(.git)`,
/// `git@github.com:O/R(.git)`, `ssh://git@github.com/O/R(.git)`.
fn github_repository(url: &str) -> Option<String> {
    let url = url.trim().trim_end_matches('/');
    let rest = ["https://", "http://", "ssh://", "git://"]
        .iter()
        .find_map(|scheme| url.strip_prefix(scheme))
        .map(|r| {
            let r = r.rsplit_once('@').map_or(r, |(_, host)| host);
            r.strip_prefix("github.com/")
        })
        .unwrap_or_else(|| url.strip_prefix("git@github.com:"))?;
    owner_repo(rest.strip_suffix(".git").unwrap_or(rest))
}

/// One review as GitHub's "list reviews for a pull request" gives it (the
/// fields govlint reads; the rest is ignored).
#[derive(Debug, Clone, Deserialize)]
struct Review {
    id: u64,
    /// `null` for a deleted account.
    user: Option<User>,
    state: String,
    /// Absent for a pending review.
    submitted_at: Option<String>,
    commit_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct User {
    login: String,
}

/// The reviews in `path`: one JSON array, or several in a row (what `gh api
/// --paginate` prints), or an array of arrays (`--slurp`).
fn read_reviews(path: &Path) -> Result<Vec<Review>, WitnessFailure> {
    let fail = |why: String| WitnessFailure::Reviews {
        path: path.to_owned(),
        why,
    };
    let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
    let mut reviews = Vec::new();
    for value in serde_json::Deserializer::from_str(&text).into_iter::<serde_json::Value>() {
        let value = value.map_err(|e| fail(format!("not JSON: {e}")))?;
        flatten(value, &mut reviews).map_err(fail)?;
    }
    Ok(reviews)
}

fn flatten(value: serde_json::Value, out: &mut Vec<Review>) -> Result<(), String> {
    match value {
        serde_json::Value::Array(items) => {
            for item in items {
                if item.is_array() {
                    flatten(item, out)?;
                } else {
                    let n = out.len() + 1;
                    out.push(
                        serde_json::from_value(item)
                            .map_err(|e| format!("review {n} is not a GitHub review: {e}"))?,
                    );
                }
            }
            Ok(())
        }
        serde_json::Value::Object(o) if o.contains_key("message") => Err(format!(
            "it holds an API error, not reviews: {}",
            o["message"]
        )),
        _ => Err("expected a JSON array of reviews".to_owned()),
    }
}

/// The reviews that approve when the merge lands: per reviewer, in
/// submitted order, `APPROVED` counts until a later `CHANGES_REQUESTED` or
/// `DISMISSED` review withdraws it (`COMMENTED` changes nothing); a review
/// in state `DISMISSED` (GitHub's state for a dismissed approval) never
/// counts. Reviews without a login, a submitted time or a commit are
/// skipped. Per login (lower-cased), oldest first.
fn counting_approvals(reviews: &[Review]) -> BTreeMap<String, Vec<&Review>> {
    let mut by_login: BTreeMap<String, Vec<&Review>> = BTreeMap::new();
    for r in reviews {
        if let (Some(user), Some(_)) = (&r.user, &r.submitted_at) {
            by_login
                .entry(user.login.to_ascii_lowercase())
                .or_default()
                .push(r);
        }
    }
    let mut out = BTreeMap::new();
    for (login, mut list) in by_login {
        list.sort_by_key(|r| (submitted(r), r.id));
        let mut counting: Vec<&Review> = Vec::new();
        for r in list {
            match r.state.to_ascii_uppercase().as_str() {
                "APPROVED" if r.commit_id.as_deref().is_some_and(|c| !c.is_empty()) => {
                    counting.push(r);
                }
                "CHANGES_REQUESTED" | "DISMISSED" => counting.clear(),
                _ => {}
            }
        }
        if !counting.is_empty() {
            out.insert(login, counting);
        }
    }
    out
}

/// A review's submitted time in Unix seconds (unparsable times sort first).
fn submitted(r: &Review) -> i64 {
    r.submitted_at
        .as_deref()
        .and_then(|s| s.parse::<jiff::Timestamp>().ok())
        .map_or(i64::MIN, jiff::Timestamp::as_second)
}

/// What the reviews attest.
struct Attested {
    approvals: Vec<AttestedApproval>,
    /// Reviewers with a counting approval whom no Person names in `github`.
    unknown_logins: Vec<String>,
}

/// A record file the merge changed.
struct Changed {
    records: Vec<String>,
    /// Relative to the work tree.
    path: String,
    blob: BlobId,
}

/// The attested approvals of pull request `pr` merged as `commit`: for each
/// record file that `commit` changed against its first parent, and each
/// reviewer whose approval counts, the newest counting review whose commit
/// held that file with the merged content.
fn attest(
    ws: &Workspace,
    repo: &Repo,
    commit: CommitId,
    reviews: &[Review],
    pr: u64,
) -> Result<Attested, Fatal> {
    let config = &ws.config;
    let snapshot = Snapshot::take(
        &config.root,
        &ContentSource::Rev(commit.to_string()),
        Some(repo),
    )?;
    let selection = Selection::new(&config.include, &config.record_excludes())?
        .with_tables(&config.tables, config.max_table_rows)?
        .with_limits(config.load_limits);
    // Only the records' ids matter here, so table cells need no typing.
    let loaded = load::load(
        &snapshot,
        &selection,
        Some(repo),
        config.max_file_bytes,
        &table::Untyped,
    );
    let prefix = repo.prefix_of(&config.root);
    let changed_paths: HashSet<String> = repo.first_parent_changes(commit)?.into_iter().collect();
    let mut changed: Vec<Changed> = Vec::new();
    for record in &loaded.records {
        let path = format!("{prefix}{}", record.file.path);
        if !changed_paths.contains(&path) {
            continue;
        }
        if let Some(c) = changed.iter_mut().find(|c| c.path == path) {
            c.records.push(record.id.clone());
            continue;
        }
        if let Some(blob) = repo.blob_in(commit, &path)? {
            changed.push(Changed {
                records: vec![record.id.clone()],
                path,
                blob,
            });
        }
    }
    changed.sort_by(|a, b| a.path.cmp(&b.path));

    let approvals = counting_approvals(reviews);
    let mut missing: Vec<String> = Vec::new();
    let mut commits: BTreeMap<String, CommitId> = BTreeMap::new();
    for r in approvals.values().flatten() {
        let hex = r.commit_id.clone().unwrap_or_default();
        match repo.find_commit_hex(&hex) {
            Some(id) => {
                commits.insert(hex, id);
            }
            None if !missing.contains(&hex) => missing.push(hex),
            None => {}
        }
    }
    if !missing.is_empty() {
        return Err(WitnessFailure::MissingCommits {
            commits: missing,
            pr,
        }
        .into());
    }

    let known = github_logins(&loaded.records);
    let mut out = Vec::new();
    let mut unknown = Vec::new();
    for c in &changed {
        for reviews in approvals.values() {
            let mut newest: Option<&Review> = None;
            for r in reviews {
                let reviewed = commits[r.commit_id.as_deref().unwrap_or_default()];
                if repo.blob_in(reviewed, &c.path)? == Some(c.blob) {
                    newest = Some(r);
                }
            }
            let Some(r) = newest else { continue };
            let login = r.user.as_ref().map(|u| u.login.clone()).unwrap_or_default();
            if !known.contains(&login.to_ascii_lowercase()) && !unknown.contains(&login) {
                unknown.push(login.clone());
            }
            for record in &c.records {
                out.push(AttestedApproval {
                    record: record.clone(),
                    path: c.path.clone(),
                    blob: c.blob.to_string(),
                    login: login.clone(),
                    review_id: r.id,
                    submitted_at: r.submitted_at.clone().unwrap_or_default(),
                    reviewed_commit: commits[r.commit_id.as_deref().unwrap_or_default()]
                        .to_string(),
                });
            }
        }
    }
    Ok(Attested {
        approvals: out,
        unknown_logins: unknown,
    })
}

/// The lower-cased logins that Person records list in `github` (a login or
/// a list of logins), read from the records as they are.
fn github_logins(records: &[crate::record::Record]) -> HashSet<String> {
    let mut out = HashSet::new();
    for r in records.iter().filter(|r| r.kind == "Person") {
        match r.value.get("github") {
            Some(serde_json::Value::String(s)) => {
                out.insert(s.trim().to_ascii_lowercase());
            }
            Some(serde_json::Value::Array(items)) => {
                out.extend(
                    items
                        .iter()
                        .filter_map(serde_json::Value::as_str)
                        .map(|s| s.trim().to_ascii_lowercase()),
                );
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review(id: u64, login: &str, state: &str, at: &str) -> Review {
        Review {
            id,
            user: Some(User {
                login: login.to_owned(),
            }),
            state: state.to_owned(),
            submitted_at: Some(at.to_owned()),
            commit_id: Some("abc".to_owned()),
        }
    }

    fn ids(m: &BTreeMap<String, Vec<&Review>>, login: &str) -> Vec<u64> {
        m.get(login)
            .map(|v| v.iter().map(|r| r.id).collect())
            .unwrap_or_default()
    }

    #[test]
    fn later_reviews_withdraw_approvals_in_submitted_order() {
        let reviews = vec![
            // Listed out of order: submitted order decides.
            review(3, "Jane", "CHANGES_REQUESTED", "2026-11-02T10:00:00Z"),
            review(1, "jane", "APPROVED", "2026-11-01T10:00:00Z"),
            review(4, "jane", "APPROVED", "2026-11-03T10:00:00Z"),
            review(5, "jane", "COMMENTED", "2026-11-04T10:00:00Z"),
            review(6, "bob", "DISMISSED", "2026-11-01T10:00:00Z"),
            review(7, "carol", "APPROVED", "2026-11-01T10:00:00Z"),
            review(8, "carol", "DISMISSED", "2026-11-02T10:00:00Z"),
            review(9, "dave", "APPROVED", "2026-11-01T10:00:00Z"),
            review(10, "dave", "APPROVED", "2026-11-02T10:00:00+01:00"),
            review(11, "erin", "PENDING", "2026-11-01T10:00:00Z"),
        ];
        let m = counting_approvals(&reviews);
        assert_eq!(ids(&m, "jane"), [4]);
        assert_eq!(ids(&m, "bob"), Vec::<u64>::new());
        assert_eq!(ids(&m, "carol"), Vec::<u64>::new());
        assert_eq!(ids(&m, "dave"), [9, 10]);
        assert_eq!(ids(&m, "erin"), Vec::<u64>::new());
    }

    #[test]
    fn reviews_without_login_time_or_commit_are_skipped() {
        let mut ghost = review(1, "x", "APPROVED", "2026-11-01T10:00:00Z");
        ghost.user = None;
        let mut pending = review(2, "y", "APPROVED", "2026-11-01T10:00:00Z");
        pending.submitted_at = None;
        let mut no_commit = review(3, "z", "APPROVED", "2026-11-01T10:00:00Z");
        no_commit.commit_id = None;
        assert!(counting_approvals(&[ghost, pending, no_commit]).is_empty());
    }

    #[test]
    fn github_urls_name_the_repository() {
        for url in [
            "https://github.com/acme/isms.git",
            "https://github.com/acme/isms",
            "https://token@github.com/acme/isms/",
            "git@github.com:acme/isms.git",
            "ssh://git@github.com/acme/isms.git",
        ] {
            assert_eq!(
                github_repository(url).as_deref(),
                Some("acme/isms"),
                "{url}"
            );
        }
        for url in [
            "https://gitlab.com/acme/isms",
            "/srv/git/isms",
            "git@github.com:acme",
        ] {
            assert_eq!(github_repository(url), None, "{url}");
        }
        assert_eq!(owner_repo("acme/isms").as_deref(), Some("acme/isms"));
        assert_eq!(owner_repo("acme/isms/x"), None);
        assert_eq!(owner_repo("acme isms/x"), None);
    }

    #[test]
    fn reviews_files_may_be_paginated() {
        let dir = tempfile::tempdir().unwrap();
        let one = r#"{"id":1,"user":{"login":"a"},"state":"APPROVED","submitted_at":"2026-11-01T10:00:00Z","commit_id":"abc","body":"ok"}"#;
        let cases = [
            (format!("[{one}]"), Ok(1)),
            (format!("[{one}]\n[{one},{one}]"), Ok(3)),
            (format!("[[{one}],[{one}]]"), Ok(2)),
            ("[]".to_owned(), Ok(0)),
            (r#"{"message":"Not Found"}"#.to_owned(), Err("API error")),
            ("[{\"id\":\"x\"}]".to_owned(), Err("review 1")),
            ("[1,".to_owned(), Err("not JSON")),
            ("42".to_owned(), Err("expected a JSON array")),
        ];
        for (text, expected) in cases {
            let path = dir.path().join("r.json");
            std::fs::write(&path, &text).unwrap();
            match (read_reviews(&path), expected) {
                (Ok(r), Ok(n)) => assert_eq!(r.len(), n, "{text}"),
                (Err(WitnessFailure::Reviews { why, .. }), Err(part)) => {
                    assert!(why.contains(part), "{text}: {why}");
                }
                (other, _) => panic!("{text}: {:?}", other.map(|r| r.len())),
            }
        }
    }
}
