//! The example's CI witness (SPEC 2.4, 2.5), after the fixed plan: Lena
//! appoints the witness (its public key in `.govlint/allowed_signers`, its
//! principal in `trust.witnesses`), CI witnesses that commit, Mia approves
//! the information security policy again (its March approval landed before
//! any witness), and a pull request (#12) by Alex that Tom approves on
//! GitHub is squash-merged by GitHub and witnessed with Tom's review as an
//! attested approval.
//!
//! The witness key is a throwaway ed25519 key made anew on every run and
//! never stored, so these commits (three on `main`, one in the pull request) and the two tags differ between
//! runs; the plan's 30 commits before them do not. The witness tags are made
//! by the same code as `govlint witness` (`crate::witness`), with the times
//! a CI run would have given them.

use git2::{Oid, Repository};

use super::people::{ALEX, FORGE, LENA, MIA};
use super::{berlin, repo, Ident, When};
use crate::history::witness_note::{self, AttestedApproval, WitnessNote};
use crate::init::InitError;
use crate::witness::{self as writer, SigningKey, Tagger};

/// The witness principal (an allowed-signers principal, not a person).
pub(in crate::init) const PRINCIPAL: &str = "ci-witness@acme.example";

const IMPROVEMENT: &str = "improvements/imp-004.yaml";
/// The pull request and Tom's approving review of it.
const PULL_REQUEST: &str = "github:acme/isms#12";
const REVIEW_ID: u64 = 2_417_583_901;
const REVIEW_LOGIN: &str = "tom-nguyen";
const REVIEW_SUBMITTED: &str = "2026-10-28T08:40:00Z";

/// Commits the witness part on top of `HEAD` (the plan's last commit) and
/// makes its two witness tags; returns how many commits it added to `main`.
pub(super) fn add(repo: &Repository) -> Result<usize, InitError> {
    let key = SigningKey::generate_ed25519("ci-witness (example only)")?;

    // 1. Lena appoints the witness.
    let base = repo.head()?.peel_to_commit()?;
    let config = text_at(repo, &base, "govlint.yaml")?;
    let signers = text_at(repo, &base, ".govlint/allowed_signers")?;
    let config = with_witness(&config);
    let signers = format!(
        "{signers}# The CI witness (SPEC 2.4), whose signed tags govlint/witness/* bound\n\
         # every commit's time. In this example its key was made when the example\n\
         # was built and thrown away; in a real repository it is a CI secret.\n\
         {PRINCIPAL} namespaces=\"git\" {} ci-witness\n",
        key.public_line()
    );
    let appoint = commit(
        repo,
        Some("HEAD"),
        &base,
        &[
            ("govlint.yaml", config.as_str()),
            (".govlint/allowed_signers", signers.as_str()),
        ],
        (LENA, LENA, berlin(2026, 10, 26, 9, 0)),
        "Appoint the CI witness\n\
         \n\
         Its signed tags govlint/witness/* bound the time of every commit\n\
         from now on; the key lives in the CI's secrets.\n",
    )?;
    witness(
        repo,
        &key,
        appoint,
        berlin(2026, 10, 26, 9, 3),
        None,
        Vec::new(),
    )?;

    // 2. Approvals from before the first witness cannot prove their time
    // (`time: auto` is `witnessed` once trust.witnesses is set): Mia
    // approves the information security policy again, and CI's next
    // witness will bound that approval's landing.
    let appointed = repo.find_commit(appoint)?;
    let reapprove = commit(
        repo,
        Some("HEAD"),
        &appointed,
        &[],
        (MIA, MIA, berlin(2026, 10, 27, 9, 30)),
        "Approve the security policy and the SoA again, now that CI witnesses\n\
         \n\
         Their approvals landed before the first witness, so nothing bounds\n\
         their time.\n\
         \n\
         Approves: POL-IS-001\n\
         Approves: SOA-2026\n\
         Approved-by: Mia Hoffmann <mia.hoffmann@acme.example>\n",
    )?;

    // 3. Alex's pull request #12, approved by Tom on GitHub, squash-merged.
    let appointed = repo.find_commit(reapprove)?;
    let improvement = text_at(repo, &appointed, IMPROVEMENT)?;
    let improvement = rotation_plan(&improvement);
    let files = [(IMPROVEMENT, improvement.as_str())];
    let pushed = commit(
        repo,
        None,
        &appointed,
        &files,
        (ALEX, ALEX, berlin(2026, 10, 27, 14, 20)),
        "IMP-004: rotate the release pipeline's keys first\n",
    )?;
    repo.reference("refs/pull/12/head", pushed, false, "pull request #12")?;
    let merged = commit(
        repo,
        Some("HEAD"),
        &appointed,
        &files,
        (ALEX, FORGE, berlin(2026, 10, 28, 10, 15)),
        "IMP-004: rotate the release pipeline's keys first (#12)\n",
    )?;
    let blob = repo
        .find_commit(merged)?
        .tree()?
        .get_path(std::path::Path::new(IMPROVEMENT))?
        .id();
    let approval = AttestedApproval {
        record: "IMP-004".to_owned(),
        path: IMPROVEMENT.to_owned(),
        blob: blob.to_string(),
        login: REVIEW_LOGIN.to_owned(),
        review_id: REVIEW_ID,
        submitted_at: REVIEW_SUBMITTED.to_owned(),
        reviewed_commit: pushed.to_string(),
    };
    witness(
        repo,
        &key,
        merged,
        berlin(2026, 10, 28, 10, 16),
        Some(PULL_REQUEST),
        vec![approval],
    )?;
    Ok(3)
}

/// `govlint.yaml` with the witness principal in its `trust` section.
fn with_witness(config: &str) -> String {
    let line =
        format!("  witnesses: [{PRINCIPAL}]   # the CI witness (.govlint/allowed_signers)\n");
    match config.find("\ntrust:\n") {
        Some(at) => {
            let insert = at + "\ntrust:\n".len();
            format!("{}{line}{}", &config[..insert], &config[insert..])
        }
        None => format!("{config}trust:\n{line}"),
    }
}

/// IMP-004 with the order of the rotation agreed in the pull request.
fn rotation_plan(text: &str) -> String {
    let anchor = "short-lived OIDC credentials\n";
    if text.contains(anchor) {
        text.replacen(
            anchor,
            "short-lived OIDC credentials, the release pipeline first\n",
            1,
        )
    } else {
        format!("{text}# Rotation order (pull request #12): the release pipeline first.\n")
    }
}

/// The text of `path` in `commit`.
fn text_at(repo: &Repository, commit: &git2::Commit<'_>, path: &str) -> Result<String, InitError> {
    let entry = commit.tree()?.get_path(std::path::Path::new(path))?;
    let blob = repo.find_blob(entry.id())?;
    Ok(String::from_utf8_lossy(blob.content()).into_owned())
}

/// A commit of `parent`'s tree with `files` replaced, moving `update_ref`.
fn commit(
    repo: &Repository,
    update_ref: Option<&str>,
    parent: &git2::Commit<'_>,
    files: &[(&str, &str)],
    (author, committer, when): (Ident, Ident, When),
    message: &str,
) -> Result<Oid, InitError> {
    let tree = repo.find_tree(repo::tree_with(repo, Some(&parent.tree()?), files)?)?;
    let author = author.signature(when)?;
    let committer = committer.signature(when)?;
    Ok(repo.commit(update_ref, &author, &committer, message, &tree, &[parent])?)
}

/// The signed witness tag of `target` at `when`, as `govlint witness`
/// would have made it then.
fn witness(
    repo: &Repository,
    key: &SigningKey,
    target: Oid,
    when: When,
    pull_request: Option<&str>,
    approvals: Vec<AttestedApproval>,
) -> Result<(), InitError> {
    let time = when.unix();
    let name = writer::tag_name(writer::DEFAULT_TAGS, time)?;
    let note = WitnessNote {
        commit: target.to_string(),
        pull_request: pull_request.map(str::to_owned),
        approvals,
    };
    let tagger = Tagger {
        name: "govlint witness".to_owned(),
        email: PRINCIPAL.to_owned(),
        time,
    };
    writer::create_tag(
        repo,
        &target.to_string(),
        &name,
        &tagger,
        &witness_note::render(&note),
        key,
    )?;
    Ok(())
}
