//! The example ISMS of "Acme", a fictitious software company: its records
//! embedded from `templates/example/` (earlier versions of some files from
//! `templates/example-history/`), committed by a fixed plan (`plan.rs`, 30
//! commits and one annotated tag, and `isms.rs`, the commits of the rest of
//! the ISMS, merged by time) from March to October 2026; then `witness.rs`
//! appoints a CI witness and merges a pull request, with two signed witness
//! tags.
//!
//! Every name, address, date and message is fixed, so the plan's history is
//! byte-identical on every run and its commit ids never change; the witness
//! part signs with a throwaway key made on each run, so its two commits on
//! `main` (and the pull request's) differ between runs. The plan
//! plants findings on purpose; `templates/example/EXAMPLE.md` lists them, and
//! must be kept in step with this table.

use std::path::Path;

use super::{repo, InitError, InitReport};

/// The example's own date: the day its planted findings, as `EXAMPLE.md`
/// lists them, are seen on. `demo` checks the example as of this date
/// unless the user pins another.
pub const EXAMPLE_TODAY: jiff::civil::Date = jiff::civil::date(2026, 11, 15);

/// Builds the example ISMS in `dir` (created when missing): a new repository
/// whose branch `main` holds the whole history, with the work tree checked
/// out. Refuses a directory that already is a git repository or that holds
/// any of the example's files.
///
/// # Errors
///
/// [`InitError::ExistingRepository`] or [`InitError::Exists`] (and nothing is
/// written), else an I/O or git failure while writing.
pub fn build_example(dir: &Path) -> Result<InitReport, InitError> {
    // Any `.git` (even a broken one) means there is history we must not mix
    // ours into.
    if dir.join(".git").symlink_metadata().is_ok() {
        return Err(InitError::ExistingRepository {
            dir: dir.to_path_buf(),
        });
    }
    let files = final_files();
    let paths: Vec<&str> = files.iter().map(|(p, _)| *p).collect();
    super::refuse_existing(dir, &paths, None)?;
    super::create_dir(dir)?;
    let mut opts = git2::RepositoryInitOptions::new();
    // A fixed branch name, whatever init.defaultBranch says, so the example's
    // instructions hold everywhere.
    opts.initial_head("main");
    let repo = git2::Repository::init_opts(dir, &opts)?;
    let mut head: Option<git2::Oid> = None;
    let mut tagged: Option<git2::Oid> = None;
    // Steps are told apart by their minute (no two share one).
    let tag_after = PLAN[TAG.after_step - 1].when.unix();
    let steps = steps();
    for step in &steps {
        let parent = head.map(|id| repo.find_commit(id)).transpose()?;
        let base = parent.as_ref().map(git2::Commit::tree).transpose()?;
        let tree = repo.find_tree(repo::tree_with(&repo, base.as_ref(), step.files)?)?;
        let author = step.author.signature(step.when)?;
        let committer = step.committer.signature(step.when)?;
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        let id = repo.commit(
            Some("HEAD"),
            &author,
            &committer,
            step.message,
            &tree,
            &parents,
        )?;
        head = Some(id);
        if step.when.unix() == tag_after {
            tagged = Some(id);
        }
    }
    if let Some(id) = tagged {
        let target = repo.find_object(id, Some(git2::ObjectType::Commit))?;
        let signature = TAG.tagger.signature(TAG.when)?;
        repo.tag(TAG.name, &target, &signature, TAG.message, false)?;
    }
    let witnessed = witness::add(&repo)?;
    repo::checkout_head(&repo)?;
    Ok(InitReport {
        dir: dir.to_path_buf(),
        files: super::sorted(paths.iter().map(|p| (*p).to_owned()).collect()),
        commits: steps.len() + witnessed,
    })
}

/// Every step of the history: the plan's and the rest of the ISMS's
/// (`isms.rs`), in time order (no two share a minute).
pub(super) fn steps() -> Vec<&'static Step> {
    let mut steps: Vec<&'static Step> = PLAN.iter().chain(isms::STEPS).collect();
    steps.sort_by_key(|s| s.when.unix());
    steps
}

/// Every file of the example as it stands after the last commit.
pub(super) fn final_files() -> Vec<(&'static str, &'static str)> {
    let mut state = std::collections::BTreeMap::new();
    for step in steps() {
        for (path, text) in step.files {
            state.insert(*path, *text);
        }
    }
    state.into_iter().collect()
}

/// A person of the example as git sees them.
#[derive(Debug, Clone, Copy)]
pub(super) struct Ident {
    pub(super) name: &'static str,
    pub(super) email: &'static str,
}

impl Ident {
    fn signature(self, when: When) -> Result<git2::Signature<'static>, git2::Error> {
        repo::signature(self.name, self.email, when.unix(), when.offset_minutes)
    }
}

/// A wall-clock minute in a fixed UTC offset (Acme is in Berlin: CET, or
/// CEST from 29 March to 24 October 2026).
#[derive(Debug, Clone, Copy)]
pub(super) struct When {
    pub(super) year: i64,
    pub(super) month: i64,
    pub(super) day: i64,
    pub(super) hour: i64,
    pub(super) minute: i64,
    pub(super) offset_minutes: i32,
}

impl When {
    /// Seconds since the Unix epoch. Integer arithmetic only, so a fixed
    /// plan cannot fail at run time.
    pub(super) fn unix(self) -> i64 {
        let days = crate::time::days_from_civil(self.year, self.month, self.day);
        days * 86_400 + self.hour * 3_600 + self.minute * 60 - i64::from(self.offset_minutes) * 60
    }
}

/// `YYYY, M, D, h, m` in Berlin time; the offset follows the 2026 DST dates.
const fn berlin(year: i64, month: i64, day: i64, hour: i64, minute: i64) -> When {
    let summer =
        (month > 3 || (month == 3 && day >= 29)) && (month < 10 || (month == 10 && day < 25));
    When {
        year,
        month,
        day,
        hour,
        minute,
        offset_minutes: if summer { 120 } else { 60 },
    }
}

/// One commit of the plan. `files` are added or replaced; an empty list is
/// an empty commit (an approval or review that changes no content).
#[derive(Debug)]
pub(super) struct Step {
    pub(super) when: When,
    pub(super) author: Ident,
    pub(super) committer: Ident,
    /// The full message, trailers included, ending with a newline.
    pub(super) message: &'static str,
    pub(super) files: &'static [(&'static str, &'static str)],
}

/// The annotated tag of the plan.
pub(super) struct TagPlan {
    pub(super) name: &'static str,
    /// The tag points at the commit made by this step (1-based).
    pub(super) after_step: usize,
    pub(super) when: When,
    pub(super) tagger: Ident,
    pub(super) message: &'static str,
}

/// A file of the example as it stands at the end (`templates/example/`).
macro_rules! file {
    ($path:literal) => {
        (
            $path,
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/templates/example/",
                $path
            )),
        )
    };
}

/// An earlier version of a file (`templates/example-history/`).
macro_rules! version {
    ($path:literal, $source:literal) => {
        (
            $path,
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/templates/example-history/",
                $source
            )),
        )
    };
}

/// Nothing changes: an approval or review by trailers alone.
const EMPTY: &[(&str, &str)] = &[];

mod isms;
mod people;
mod plan;
mod witness;
pub(super) use plan::{PLAN, TAG};
#[cfg(test)]
pub(super) use witness::PRINCIPAL as WITNESS;
