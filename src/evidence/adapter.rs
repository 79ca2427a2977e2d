//! The adapter from git facts to evidence: turns what
//! [`crate::history::History`] records about commits, trailers and
//! signatures into the [`Approval`]s that the `approved` / `reviewed`
//! assertions and waivers judge (SPEC 2.1), implementing the rule layer's
//! [`Evidence`] port.
//!
//! Policy lives here, facts in `history`:
//! - the approver is the Person whose `email`/`emails` match the trailer's
//!   email, case-insensitively (mailmapped or as typed);
//! - strength: `signed` when the signature verifies for a key the
//!   allowed-signers file lists for one of the approver's emails; `self` when
//!   the committer's own email (as typed: `.mailmap` never raises a strength)
//!   is one the Person lists; `claimed` otherwise. A forge's merge commit and
//!   a commit older than its parent (backdated) are only ever `claimed`;
//! - roles are read from the Person record *as of the approving commit*;
//! - four-eyes compares the approved change's author email as typed.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, OnceLock};

use crate::history::{BlobId, CommitId, Event, EventKind, History, Identity, SignatureStatus, Via};
use crate::record::{Record, RecordSet};
use crate::rule::{Approval, Evidence, EvidenceStatus, Landing, Strength};

use super::trust::{KeyAdmins, TrustReview, TrustRoot, Unapproved};

/// A Person's roles in one version of their file (`None`: not in it).
type Roles = Option<Vec<String>>;

/// [`Evidence`] read from a git history.
pub struct GitEvidence<'a> {
    history: &'a History,
    /// The governance root relative to the repository's work tree (`""` or `dir/`).
    prefix: String,
    people: HashMap<String, &'a Record>,
    /// Person records by forge login (`github`), lower-cased.
    logins: HashMap<String, &'a Record>,
    /// Set when the history is truncated and `--allow-shallow` was given.
    unknown: Option<String>,
    /// `--staged`: content that differs from HEAD cannot be approved yet.
    staged: bool,
    backdated: HashSet<CommitId>,
    memo: Mutex<HashMap<String, EvidenceStatus>>,
    roles_at: Mutex<HashMap<(CommitId, String, String), Vec<String>>>,
    /// Roles parsed from one version of a Person file: many approvals share
    /// a version, so each is parsed once.
    roles_in_blob: Mutex<HashMap<(BlobId, String), Roles>>,
    /// The allowed-signers file and `trust.key_admins` ([`GitEvidence::with_trust`]).
    trust_config: Option<(String, Option<String>)>,
    /// The trust changes reviewed, on first use.
    trust: OnceLock<TrustReview>,
    /// `trust.max_push_lag`: how much older than its landing a commit may
    /// claim to be before it is `history/late-landing`.
    push_lag: crate::time::Duration,
}

impl<'a> GitEvidence<'a> {
    pub fn new(history: &'a History, records: &'a RecordSet, prefix: String, staged: bool) -> Self {
        let mut people = HashMap::new();
        let mut logins = HashMap::new();
        for p in records.of_kind("Person") {
            for email in emails_of(&p.value) {
                people.entry(email).or_insert(p);
            }
            for login in logins_of(&p.value) {
                logins.entry(login).or_insert(p);
            }
        }
        let unknown = history.is_shallow().then(|| {
            "the repository is a shallow clone; fetch the full history (actions/checkout with fetch-depth: 0)".to_owned()
        });
        GitEvidence {
            history,
            prefix,
            people,
            logins,
            unknown,
            staged,
            backdated: history
                .non_monotonic()
                .iter()
                .map(|n| n.commit.id)
                .collect(),
            memo: Mutex::new(HashMap::new()),
            roles_at: Mutex::new(HashMap::new()),
            roles_in_blob: Mutex::new(HashMap::new()),
            trust_config: None,
            trust: OnceLock::new(),
            push_lag: crate::time::Duration {
                days: 7,
                ..crate::time::Duration::default()
            },
        }
    }

    /// `trust.max_push_lag` (default seven days), for `history/late-landing`.
    #[must_use]
    pub fn with_push_lag(mut self, lag: crate::time::Duration) -> Self {
        self.push_lag = lag;
        self
    }

    /// `trust.max_push_lag`.
    pub(super) fn push_lag(&self) -> crate::time::Duration {
        self.push_lag
    }

    /// Governs the trust root (SPEC 2.3): `allowed_signers` is the
    /// allowed-signers file's path in the repository (its first version is
    /// the root of trust), `key_admins` the role that must sign every change
    /// to a trust file (`None`: changes are not governed).
    #[must_use]
    pub fn with_trust(mut self, allowed_signers: &str, key_admins: Option<&str>) -> Self {
        self.trust_config = Some((allowed_signers.to_owned(), key_admins.map(str::to_owned)));
        self
    }

    fn trust(&self) -> &TrustReview {
        self.trust.get_or_init(|| match &self.trust_config {
            Some((file, admins)) => {
                let admins = admins.as_ref().map(|role| RoleMembers {
                    evidence: self,
                    role,
                });
                TrustReview::new(
                    self.history,
                    Some(file),
                    admins.as_ref().map(|a| a as &dyn KeyAdmins),
                )
            }
            None => TrustReview::default(),
        })
    }

    /// The commit that introduced the allowed-signers file: the root of
    /// trust an auditor confirms.
    pub fn trust_root(&self) -> Option<&TrustRoot> {
        self.trust().root.as_ref()
    }

    /// The trust changes that no key admin signed (empty without
    /// `trust.key_admins`), oldest first.
    pub fn unapproved_trust_changes(&self) -> &[Unapproved] {
        &self.trust().unapproved
    }

    /// The governance root's prefix in the repository (`""` or `dir/`).
    pub(super) fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Every approval and review event of `record`, oldest first, with what
    /// it proves (for `govlint log` and `audit`).
    pub fn judged(&self, record: &Record) -> Vec<(Event, Approval)> {
        let current = Content::of(&record.file.text);
        self.history
            .events(&record.id, &self.repo_path(record))
            .into_iter()
            .map(|e| {
                let a = self.approval(&e, current);
                (e, a)
            })
            .collect()
    }

    /// Whether `commit` is dated before one of its parents: its trailers
    /// are never trusted beyond `claimed`.
    pub(super) fn is_backdated(&self, commit: CommitId) -> bool {
        self.backdated.contains(&commit)
    }

    /// The commits that changed `record`'s file, newest first.
    pub(super) fn changes(&self, record: &Record) -> Vec<crate::history::Change> {
        self.history.changes(&self.repo_path(record))
    }

    /// The Person record an event is by: for an attested approval the one
    /// whose `github` names the reviewer's login (case-insensitive), else
    /// [`GitEvidence::person`].
    pub(super) fn person_of(&self, event: &Event) -> Option<&'a Record> {
        match &event.via {
            Via::PullRequest { login, .. } => self.logins.get(&login.to_lowercase()).copied(),
            _ => self.person(&event.who),
        }
    }

    /// The Person record whose emails include `who`'s (mailmapped, then as typed).
    pub(super) fn person(&self, who: &Identity) -> Option<&'a Record> {
        [&who.email, &who.raw_email]
            .into_iter()
            .find_map(|e| self.people.get(&e.to_lowercase()).copied())
    }

    /// The record's file as a path of the repository (history's paths).
    pub(super) fn repo_path(&self, record: &Record) -> String {
        format!("{}{}", self.prefix, record.file.path)
    }

    fn approval(&self, event: &Event, current: Content) -> Approval {
        if let Via::PullRequest {
            witness,
            pull_request,
            review_id,
            login,
            ..
        } = &event.via
        {
            let source = match pull_request {
                Some(pr) => format!("{pr} review {review_id}"),
                None => format!("review {review_id}"),
            };
            return self.attested(event, current, witness, login, &source);
        }
        let person = self.person(&event.who);
        let approver_emails: Vec<String> = match person {
            Some(p) => emails_of(&p.value),
            None => vec![event.who.raw_email.to_lowercase()],
        };
        let committer = event.commit.committer.raw_email.to_lowercase();
        let trusted = !event.commit.forge && !self.backdated.contains(&event.commit.id);
        let strength = if !trusted {
            Strength::Claimed
        } else if approver_emails.iter().any(|e| event.signature.allows(e)) {
            Strength::Signed
        } else if approver_emails.contains(&committer) {
            Strength::SelfMade
        } else {
            Strength::Claimed
        };
        // A key that an unapproved trust change added signs nothing (SPEC 2.3).
        let tainted = match (&event.signature, strength) {
            (SignatureStatus::Verified { fingerprint, .. }, Strength::Signed) => self
                .trust()
                .tainted_by(self.history, event.commit.id, fingerprint)
                .map(|by| (fingerprint.clone(), by)),
            _ => None,
        };
        let strength = match (&tainted, approver_emails.contains(&committer)) {
            (None, _) => strength,
            (Some(_), true) => Strength::SelfMade,
            (Some(_), false) => Strength::Claimed,
        };
        let roles = person
            .map(|p| self.roles_then(event.commit.id, p))
            .unwrap_or_default();
        Approval {
            review: event.kind == EventKind::Review,
            person: person.map(|p| p.id.clone()),
            email: event.who.email.to_lowercase(),
            date: crate::time::date_of_commit(event.commit.time, event.commit.offset_minutes),
            strength,
            unchanged: current.is(event.blob),
            roles,
            change_author_email: event
                .change_author
                .as_ref()
                .map(|a| a.raw_email.to_lowercase()),
            approver_emails,
            commit: event.commit.id.to_string(),
            why: match &tainted {
                Some((key, by)) => format!(
                    "signed with key {key}, but commit {} added that key to the allowed-signers file without a key admin's signature (trust/unapproved-change), so it counts as `{}`",
                    crate::rule::short_commit(&by.to_string()),
                    strength.as_str()
                ),
                None => self.why(event, strength),
            },
            pending: false,
            landing: event.landing.as_ref().and_then(landing_of),
        }
    }

    /// An approval that a witness records from a pull-request review
    /// (SPEC 2.5): `attested` when the login names a Person, timed by the
    /// review, bound to the record's content in the witnessed commit.
    fn attested(
        &self,
        event: &Event,
        current: Content,
        witness: &str,
        login: &str,
        source: &str,
    ) -> Approval {
        let person = self.person_of(event);
        let (strength, why) = match person {
            Some(_) => (
                Strength::Attested,
                format!("witness {witness} records an approving pull-request review by {login} ({source})"),
            ),
            None => (
                Strength::Claimed,
                format!("witness {witness} records an approving review by {login} ({source}), but no Person's github names that login"),
            ),
        };
        Approval {
            review: false,
            person: person.map(|p| p.id.clone()),
            email: format!("github:{login}"),
            date: crate::time::date_of_unix(event.commit.time),
            strength,
            unchanged: current.is(event.blob),
            roles: person
                .map(|p| self.roles_then(event.commit.id, p))
                .unwrap_or_default(),
            change_author_email: event
                .change_author
                .as_ref()
                .map(|a| a.raw_email.to_lowercase()),
            approver_emails: person.map(|p| emails_of(&p.value)).unwrap_or_default(),
            commit: event.commit.id.to_string(),
            why,
            pending: false,
            landing: event.landing.as_ref().and_then(landing_of),
        }
    }

    /// Why an event's strength is what it is, in words. A review is
    /// called a review: "the reviewer", "who reviewed".
    fn why(&self, event: &Event, strength: Strength) -> String {
        let (who, did) = if event.kind == EventKind::Review {
            ("reviewer", "reviewed")
        } else {
            ("approver", "approved")
        };
        if event.commit.forge {
            return format!("made by a forge on merge: its trailers prove nothing about who {did}");
        }
        if self.is_backdated(event.commit.id) {
            return "the commit is dated before its parent (backdated): not trusted".to_owned();
        }
        match (&event.signature, strength) {
            (status, Strength::Signed) if status.is_openpgp() => {
                "OpenPGP signature verified against trust.openpgp_keys".to_owned()
            }
            (_, Strength::Signed) => {
                "signature verified against the allowed-signers file".to_owned()
            }
            (SignatureStatus::Rejected { reason }, _) => {
                format!("signature not accepted ({reason})")
            }
            (SignatureStatus::Unverified { format }, _) if format == "x509" => {
                "X.509 signature present, not verified (govlint verifies SSH and OpenPGP signatures only)".to_owned()
            }
            (SignatureStatus::Unverified { format }, _) => {
                format!("{format} signature present but not verified")
            }
            (status, _) if status.is_openpgp() => format!(
                "OpenPGP signature verified, but no key for the {who}'s email: the key has no valid user ID with it"
            ),
            (SignatureStatus::Verified { .. }, _) => {
                format!("signed, but the key is not listed for the {who}'s email")
            }
            (SignatureStatus::Unsigned, Strength::SelfMade) => format!("committed by the {who}"),
            (SignatureStatus::Unsigned, _) => format!(
                "the trailer was committed by {} <{}>",
                event.commit.committer.name, event.commit.committer.raw_email
            ),
        }
    }

    /// The Person's `roles` in the tree of `commit`: someone who joined a role
    /// later cannot have approved as its member earlier. The Person's file
    /// is looked up under each name it had (following renames, newest
    /// first), so moving `people/` around keeps earlier approvals.
    fn roles_then(&self, commit: CommitId, person: &Record) -> Vec<String> {
        let key = (commit, self.repo_path(person), person.id.clone());
        if let Some(r) = self.roles_at.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return r;
        }
        // The version of the Person's file in that commit, from the index
        // (renames followed): no tree is read, and each version is parsed once.
        let roles = self
            .history
            .blob_as_of(commit, &key.1)
            .and_then(|(_, blob)| self.roles_of_blob(blob, &person.id))
            .unwrap_or_default();
        if let Ok(mut m) = self.roles_at.lock() {
            m.insert(key, roles.clone());
        }
        roles
    }
}

/// The members of the key-admin role, for the trust review.
struct RoleMembers<'e, 'a> {
    evidence: &'e GitEvidence<'a>,
    role: &'e str,
}

impl KeyAdmins for RoleMembers<'_, '_> {
    fn admins_at(&self, commit: CommitId) -> Vec<(&Record, Vec<String>)> {
        let mut seen = HashSet::new();
        let mut people: Vec<&Record> = self
            .evidence
            .people
            .values()
            .copied()
            .filter(|p| seen.insert(p.id.as_str()))
            .collect();
        people.sort_by(|a, b| a.id.cmp(&b.id));
        people
            .into_iter()
            .filter(|p| {
                self.evidence
                    .roles_then(commit, p)
                    .iter()
                    .any(|r| r == self.role)
            })
            .map(|p| (p, emails_of(&p.value)))
            .collect()
    }
}

impl GitEvidence<'_> {
    /// The roles of record `id` in one version of its file.
    fn roles_of_blob(&self, blob: BlobId, id: &str) -> Option<Vec<String>> {
        let key = (blob, id.to_owned());
        if let Some(r) = self
            .roles_in_blob
            .lock()
            .ok()
            .and_then(|m| m.get(&key).cloned())
        {
            return r;
        }
        let roles = self
            .history
            .blob(blob)
            .and_then(|bytes| roles_in(&String::from_utf8_lossy(&bytes), id));
        if let Ok(mut m) = self.roles_in_blob.lock() {
            m.insert(key, roles.clone());
        }
        roles
    }
}

impl Evidence for GitEvidence<'_> {
    fn approvals(&self, record: &Record) -> EvidenceStatus {
        if let Some(reason) = &self.unknown {
            return EvidenceStatus::Unknown {
                reason: reason.clone(),
            };
        }
        if let Some(known) = self
            .memo
            .lock()
            .ok()
            .and_then(|m| m.get(&record.id).cloned())
        {
            return known;
        }
        let approvals = self.judged(record).into_iter().map(|(_, a)| a).collect();
        let status = EvidenceStatus::Known(approvals);
        if let Ok(mut m) = self.memo.lock() {
            m.insert(record.id.clone(), status.clone());
        }
        status
    }

    fn pending(&self, record: &Record) -> bool {
        if !self.staged {
            return false;
        }
        let committed = self.history.newest_blob(&self.repo_path(record));
        !Content::of(&record.file.text).is(committed)
    }
}

/// The rule layer's landing window of a history one.
pub(super) fn landing_of(l: &crate::history::Landing) -> Option<Landing> {
    Some(Landing {
        after: match l.after {
            Some(t) => Some(jiff::Timestamp::from_second(t).ok()?),
            None => None,
        },
        before: jiff::Timestamp::from_second(l.before).ok()?,
        witness: l.witness.clone(),
    })
}

/// `github` of a Person record (a login or a list), lower-cased.
fn logins_of(value: &serde_json::Value) -> Vec<String> {
    match value.get("github") {
        Some(serde_json::Value::String(l)) => vec![l.to_lowercase()],
        Some(serde_json::Value::Array(list)) => list
            .iter()
            .filter_map(|v| v.as_str())
            .map(str::to_lowercase)
            .collect(),
        _ => Vec::new(),
    }
}

/// `email` and `emails` of a Person record, lower-cased.
fn emails_of(value: &serde_json::Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some(e) = value.get("email").and_then(|v| v.as_str()) {
        out.push(e.to_lowercase());
    }
    if let Some(list) = value.get("emails").and_then(|v| v.as_array()) {
        out.extend(
            list.iter()
                .filter_map(|v| v.as_str())
                .map(str::to_lowercase),
        );
    }
    out
}

/// The `roles` of the record with `id` in a YAML file's text; `None` when
/// no document of the file has that id.
fn roles_in(text: &str, id: &str) -> Option<Vec<String>> {
    let loaded = crate::yaml::load(text, &crate::yaml::Limits::default());
    let record = loaded
        .documents
        .iter()
        .map(|d| d.root.to_json())
        .find(|v| v.get("id").and_then(|i| i.as_str()) == Some(id))?;
    Some(
        record
            .get("roles")
            .and_then(|r| r.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
    )
}

/// The blob ids the record's current bytes may have been committed as: the
/// bytes themselves and, when they hold CRLF line ends, the bytes with LF
/// ends — what git stores for a text file checked out with `eol=crlf` or
/// `core.autocrlf` (most Windows work trees), so that a clean checkout is
/// never "changed since approval".
#[derive(Debug, Clone, Copy)]
struct Content {
    raw: BlobId,
    lf: Option<BlobId>,
}

impl Content {
    fn of(text: &str) -> Content {
        Content {
            raw: History::blob_id(text.as_bytes()),
            lf: text
                .contains("\r\n")
                .then(|| History::blob_id(text.replace("\r\n", "\n").as_bytes())),
        }
    }

    /// Whether `blob` holds this content.
    fn is(&self, blob: Option<BlobId>) -> bool {
        blob.is_some_and(|b| b == self.raw || Some(b) == self.lf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_read_from_the_matching_document() {
        let text = "kind: Person\nid: a\nroles: [x]\n---\nkind: Person\nid: b\nroles: [top-management, ceo]\n";
        assert_eq!(
            roles_in(text, "b"),
            Some(vec!["top-management".to_owned(), "ceo".to_owned()])
        );
        assert_eq!(roles_in("kind: Person\nid: a\n", "a"), Some(vec![]));
        assert_eq!(roles_in(text, "c"), None);
        assert_eq!(roles_in("[unclosed", "a"), None);
    }

    #[test]
    fn crlf_content_matches_its_lf_blob() {
        let lf = History::blob_id(b"a: 1\nb: 2\n");
        assert!(Content::of("a: 1\r\nb: 2\r\n").is(Some(lf)));
        assert!(Content::of("a: 1\nb: 2\n").is(Some(lf)));
        assert!(!Content::of("a: 1\r\nb: 3\r\n").is(Some(lf)));
        assert!(!Content::of("a: 1\n").is(None));
    }

    #[test]
    fn emails_are_lower_cased() {
        let v = serde_json::json!({"email": "Jane@Acme.example", "emails": ["j@x.example"]});
        assert_eq!(emails_of(&v), vec!["jane@acme.example", "j@x.example"]);
    }
}
