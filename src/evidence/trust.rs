//! The governed trust root (SPEC 2.3): who may change the files that decide
//! who can sign.
//!
//! The first version of the allowed-signers file (the commit that
//! introduced it) is the **root of trust**; `log` and `audit` name it. With
//! `trust.key_admins: ROLE`, every later commit that changes a trust file
//! (`history::TrustChange`: the allowed-signers file, the revoked keys, the
//! OpenPGP keys, or the `trust` section of `govlint.yaml`) is **approved**
//! only when its signature verifies against the allowed-signers file as it
//! stood in its first parent, for a principal that matches an email of a
//! Person whose roles, as of that commit, include ROLE, and the signing key
//! was not itself added by an unapproved change. Otherwise the change is a
//! `trust/unapproved-change` error, and the keys it added to the
//! allowed-signers file are **tainted**: in the file's versions that follow
//! (until an approved change adds the key again) such a key makes no
//! approval `signed`.
//!
//! Taint is kept per version (blob) of the allowed-signers file, so a branch
//! sees only the changes in its own history; an approval is judged against
//! the version its signature was verified against (its commit's, and, when
//! the approving commit changes the file itself, the version before it).
//! Everything comes from the one pass's trust changes: no tree is read here.

use std::collections::{HashMap, HashSet};

use crate::history::{BlobId, ChangeKind, CommitId, History, SignatureStatus, TrustChange};
use crate::record::Record;
use crate::rule::short_commit;

/// The commit that introduced the allowed-signers file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TrustRoot {
    /// Full commit id.
    pub commit: String,
    /// The committer's calendar date (`YYYY-MM-DD`).
    pub date: String,
    /// The allowed-signers file (a path of the repository).
    pub file: String,
}

impl TrustRoot {
    /// `commit X (date) introduced FILE`, as `log` and `audit` say it: the
    /// full commit id, which an auditor compares with their own clone.
    #[must_use]
    pub fn sentence(&self) -> String {
        format!(
            "commit {} ({}) introduced {}",
            self.commit, self.date, self.file
        )
    }
}

/// A trust change that no key admin signed.
#[derive(Debug, Clone)]
pub struct Unapproved {
    pub change: TrustChange,
    /// Why its signature does not count, in words.
    pub why: String,
}

/// Keys tainted in one version: fingerprint → the unapproved commit that
/// added it.
type Taint = HashMap<String, CommitId>;

/// What the trust changes of a history come to.
#[derive(Debug, Default)]
pub(super) struct TrustReview {
    pub(super) root: Option<TrustRoot>,
    pub(super) unapproved: Vec<Unapproved>,
    /// Per version of the allowed-signers file, its tainted keys.
    taint: HashMap<BlobId, Taint>,
    /// Approving commits that change the allowed-signers file: the version
    /// before them (their signature was verified against it).
    before: HashMap<CommitId, Option<BlobId>>,
    allowed_signers: Option<String>,
}

/// Who is a key admin as of a commit: the adapter answers from the Person
/// records.
pub(super) trait KeyAdmins {
    /// The Person records whose roles include the key-admin role in
    /// `commit`'s tree, and their emails (lower-cased).
    fn admins_at(&self, commit: CommitId) -> Vec<(&Record, Vec<String>)>;
}

impl TrustReview {
    /// Reviews `history`'s trust changes, oldest first. `admins` is `None`
    /// without `trust.key_admins`: then only the root is found.
    pub(super) fn new(
        history: &History,
        allowed_signers: Option<&str>,
        admins: Option<&dyn KeyAdmins>,
    ) -> TrustReview {
        let changes = history.trust_changes();
        let mut review = TrustReview {
            allowed_signers: allowed_signers.map(str::to_owned),
            ..TrustReview::default()
        };
        let is_signers = |c: &TrustChange| Some(c.path.as_str()) == allowed_signers;
        let root_at = changes
            .iter()
            .position(|c| is_signers(c) && c.kind != ChangeKind::Deleted);
        if let Some(i) = root_at {
            let c = &changes[i].commit;
            review.root = Some(TrustRoot {
                commit: c.id.to_string(),
                date: crate::time::date_of_commit(c.time, c.offset_minutes).to_string(),
                file: changes[i].path.clone(),
            });
        }
        let root_commit = root_at.map(|i| changes[i].commit.id);
        // Changes up to the root's commit are the root of trust itself.
        let first_governed = root_at.map_or(changes.len(), |i| {
            i + changes[i..]
                .iter()
                .take_while(|c| Some(c.commit.id) == root_commit)
                .count()
        });
        for (i, change) in changes.iter().enumerate() {
            let before_taint = change
                .before
                .and_then(|b| review.taint.get(&b).cloned())
                .unwrap_or_default();
            let verdict = match admins {
                Some(admins) if i >= first_governed && !config_only_elsewhere(history, change) => {
                    approval_of(change, &before_taint, admins)
                }
                _ => Ok(()),
            };
            if is_signers(change) {
                let mut taint = before_taint.clone();
                for key in &change.added_keys {
                    match verdict {
                        Ok(()) => {
                            taint.remove(key);
                        }
                        Err(_) => {
                            taint.insert(key.clone(), change.commit.id);
                        }
                    }
                }
                if let Some(blob) = change.blob {
                    review.taint.insert(blob, taint);
                }
                review.before.insert(change.commit.id, change.before);
            }
            if let Err(why) = verdict {
                review.unapproved.push(Unapproved {
                    change: change.clone(),
                    why,
                });
            }
        }
        review
    }

    /// The unapproved commit that added the key with `fingerprint` to the
    /// allowed-signers file that `commit`'s signature was verified against,
    /// if it did.
    pub(super) fn tainted_by(
        &self,
        history: &History,
        commit: CommitId,
        fingerprint: &str,
    ) -> Option<CommitId> {
        if self.taint.is_empty() {
            return None;
        }
        let file = self.allowed_signers.as_deref()?;
        let own = history
            .blob_as_of(commit, file)
            .and_then(|(_, blob)| self.taint.get(&blob))
            .and_then(|t| t.get(fingerprint));
        let before = self
            .before
            .get(&commit)
            .copied()
            .flatten()
            .and_then(|blob| self.taint.get(&blob))
            .and_then(|t| t.get(fingerprint));
        own.or(before).copied()
    }
}

/// A change to `govlint.yaml` that leaves its `trust` section as it was is
/// no trust change.
fn config_only_elsewhere(history: &History, change: &TrustChange) -> bool {
    let is_config = change.path == crate::config::FILE_NAME
        || change
            .path
            .ends_with(&format!("/{}", crate::config::FILE_NAME));
    if !is_config {
        return false;
    }
    let section = |blob: Option<BlobId>| {
        let text = blob
            .and_then(|b| history.blob(b))
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default();
        let loaded = crate::yaml::load(&text, &crate::yaml::Limits::default());
        loaded
            .documents
            .first()
            .map(|d| d.root.to_json())
            .and_then(|v| v.get("trust").cloned())
    };
    section(change.before) == section(change.blob)
}

/// `Ok` when a key admin signed `change`, else why not.
fn approval_of(change: &TrustChange, taint: &Taint, admins: &dyn KeyAdmins) -> Result<(), String> {
    let SignatureStatus::Verified { fingerprint, .. } = &change.signature else {
        return Err(match &change.signature {
            SignatureStatus::Unsigned => "the commit is not signed".to_owned(),
            SignatureStatus::Rejected { reason } => {
                format!("its signature is not accepted ({reason})")
            }
            SignatureStatus::Unverified { format } => {
                format!("its {format} signature cannot be verified")
            }
            SignatureStatus::Verified { .. } => String::new(),
        });
    };
    if let Some(by) = taint.get(fingerprint) {
        return Err(format!(
            "it is signed with key {fingerprint}, which commit {} added without a key admin's signature",
            short_commit(&by.to_string())
        ));
    }
    let admins = admins.admins_at(change.commit.id);
    let signer = admins
        .iter()
        .find(|(_, emails)| emails.iter().any(|e| change.signature.allows(e)));
    match signer {
        Some(_) => Ok(()),
        None => {
            let names: HashSet<&str> = admins.iter().map(|(p, _)| p.id.as_str()).collect();
            let mut names: Vec<&str> = names.into_iter().collect();
            names.sort_unstable();
            Err(if names.is_empty() {
                format!("it is signed with key {fingerprint}, but no Person held the key-admin role then")
            } else {
                format!(
                    "it is signed with key {fingerprint}, which the allowed-signers file before it does not list for a key admin then ({})",
                    names.join(", ")
                )
            })
        }
    }
}
