//! Built-in diagnostic codes (SPEC 3): the findings govlint makes itself,
//! not from a rule file, as one closed enum. Each [`Code`] has a stable id
//! (the `rule` field of its findings), its docs as data (for `govlint
//! explain` and the reports' rule tables), the severity its findings get
//! unless `severity:` in `govlint.yaml` overrides it, and whether a Waiver
//! may silence it. The module that emits a code decides when; this file
//! only describes it.
//!
//! To add a code: a variant in `codes!` below, then the arms the compiler
//! asks for; emit it with [`super::Finding::code`].

use super::Severity;

/// Declares [`Code`] with its ids, and [`Code::ALL`], from one list, so
/// that no code can be left out of `ALL`.
macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $id:literal,)*) => {
        /// A built-in diagnostic code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($(#[$doc])* $variant,)*
        }

        impl Code {
            /// Every built-in code, in the order SPEC 3 lists them.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable id, as in the `rule` field of findings.
            #[must_use]
            pub const fn id(self) -> &'static str {
                match self {
                    $(Code::$variant => $id,)*
                }
            }
        }
    };
}

codes! {
    /// YAML or front-matter syntax (`record::load`).
    Parse = "parse",
    /// A JSON Schema violation (`schema`).
    Schema = "schema",
    /// Two records with one id (`record::load`).
    RecordDuplicateId = "record/duplicate-id",
    /// A document without `kind` (`record::load`).
    RecordMissingKind = "record/missing-kind",
    /// A record without `id` (`record::load`).
    RecordMissingId = "record/missing-id",
    /// An `id` that is not a valid id (`record::load`).
    RecordInvalidId = "record/invalid-id",
    /// A `kind` with no schema (`app::evaluate`).
    RecordUnknownKind = "record/unknown-kind",
    /// govlint.yaml, a schema or a rule file is invalid (`config`, `schema`, `rule`).
    Config = "config",
    /// A truncated history, when allowed (`evidence`).
    HistoryShallow = "history/shallow",
    /// A commit dated before its parent (`evidence`).
    HistoryNonMonotonicTime = "history/non-monotonic-time",
    /// A trailer naming no Person (`evidence`).
    HistoryUnknownApprover = "history/unknown-approver",
    /// A trust file changed without a key admin's signature (`evidence`).
    TrustUnapprovedChange = "trust/unapproved-change",
    /// A tag named like a witness that is not a valid witness (`evidence`).
    HistoryInvalidWitness = "history/invalid-witness",
    /// A commit that claims a time after a witness that contains it (`evidence`).
    HistoryWitnessConflict = "history/witness-conflict",
    /// A commit that claims a time long before it landed (`evidence`).
    HistoryLateLanding = "history/late-landing",
    /// A Waiver past `expires` (`rule::waiver`).
    WaiverExpired = "waiver/expired",
    /// A Waiver not approved by its approver role (`rule::waiver`).
    WaiverUnapproved = "waiver/unapproved",
    /// A Waiver that silences nothing (`rule::waiver`).
    WaiverUnused = "waiver/unused",
}

/// A code's documentation.
struct Docs {
    /// One line: what the finding means.
    summary: &'static str,
    /// One paragraph: what is checked, why it matters and how to fix it.
    description: &'static str,
}

impl Code {
    /// The code with this id; `None` for rule ids and unknown ids.
    #[must_use]
    pub fn from_id(id: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.id() == id)
    }

    /// One line: what the finding means.
    #[must_use]
    pub fn summary(self) -> &'static str {
        self.docs().summary
    }

    /// One paragraph: what is checked, why it matters and how to fix it.
    #[must_use]
    pub fn description(self) -> &'static str {
        self.docs().description
    }

    /// The severity of its findings before `severity:` overrides. (A
    /// symbolic link among the records is a `parse` warning, not an error.)
    #[must_use]
    pub fn default_severity(self) -> Severity {
        match self {
            Code::Parse
            | Code::Schema
            | Code::RecordDuplicateId
            | Code::RecordMissingKind
            | Code::RecordMissingId
            | Code::RecordInvalidId
            | Code::RecordUnknownKind
            | Code::Config
            | Code::TrustUnapprovedChange
            | Code::HistoryWitnessConflict => Severity::Error,
            Code::HistoryShallow
            | Code::HistoryNonMonotonicTime
            | Code::HistoryUnknownApprover
            | Code::HistoryInvalidWitness
            | Code::HistoryLateLanding
            | Code::WaiverExpired
            | Code::WaiverUnapproved
            | Code::WaiverUnused => Severity::Warning,
        }
    }

    /// Whether a Waiver may silence its findings: not a file that could not
    /// be read, a broken configuration, or a waiver's own findings.
    #[must_use]
    pub fn waivable(self) -> bool {
        match self {
            Code::Parse
            | Code::Config
            | Code::TrustUnapprovedChange
            | Code::WaiverExpired
            | Code::WaiverUnapproved
            | Code::WaiverUnused => false,
            Code::Schema
            | Code::RecordDuplicateId
            | Code::RecordMissingKind
            | Code::RecordMissingId
            | Code::RecordInvalidId
            | Code::RecordUnknownKind
            | Code::HistoryShallow
            | Code::HistoryNonMonotonicTime
            | Code::HistoryUnknownApprover
            | Code::HistoryInvalidWitness
            | Code::HistoryWitnessConflict
            | Code::HistoryLateLanding => true,
        }
    }

    /// Whether a `severity:` override changes its findings: every code but
    /// `config`, which stops the run whatever its level.
    #[must_use]
    pub fn overridable(self) -> bool {
        self != Code::Config
    }

    /// Whether the rule set emits it (the `waiver/*` codes) and applies its
    /// `severity:` override itself; the caller applies the others'.
    #[must_use]
    pub fn emitted_by_rules(self) -> bool {
        matches!(
            self,
            Code::WaiverExpired | Code::WaiverUnapproved | Code::WaiverUnused
        )
    }

    fn docs(self) -> Docs {
        match self {
            Code::Parse => Docs {
                summary: "A file is not valid YAML, or a Markdown file's front matter is malformed.",
                description: "govlint reads every file under `records.include` as YAML documents, or as Markdown with a `---` front-matter block. This finding points at the first syntax error (unclosed quotes, bad indentation, a duplicate key, invalid UTF-8, or a limit of `limits.*` in govlint.yaml: an alias bomb over `max_alias_nodes`, nesting deeper than `max_depth`, more documents than `max_documents` or nodes than `max_nodes`, a file over `max_file_bytes`). The rest of the file cannot be trusted, so its records are skipped; other files are still checked. Fix the syntax at the reported line and column, or exclude the file in `govlint.yaml` (`records.exclude`). In a table (a CSV file under `records.tables`) it is a row without an id, a duplicate or clashing column, a ragged row, an unclosed quote, a cell over `limits.max_cell_bytes`, or rows beyond `limits.max_table_rows`, at its cell; the table's other rows are still read.",
            },
            Code::Schema => Docs {
                summary: "A record does not match the JSON Schema of its kind.",
                description: "Each record kind has a JSON Schema (draft 2020-12): the built-in ones, or the repository's `schemas/<Kind>.schema.json`. A schema finding names the property that is missing, has the wrong type or value, or is not allowed, and points at it (a missing property at the mapping that lacks it; in a table, at its empty cell, or at the row's first cell when the table has no such column). Schemas keep records complete enough for the rules and for auditors. Fix the record as the message says; `govlint show FILE` prints the record as schemas see it.",
            },
            Code::RecordDuplicateId => Docs {
                summary: "Two records have the same id.",
                description: "Record ids must be unique across the whole repository, because rules, approvals (`Approves: ID`) and waivers refer to records by id. The finding points at the second record and names the first. Rename one of them (and update references to it).",
            },
            Code::RecordMissingKind => Docs {
                summary: "A YAML file under `records.include` has no `kind` (or no `id`).",
                description: "Every YAML document that govlint reads as a record needs a PascalCase `kind` and an `id`. A file that is not a governance record should be excluded (`records.exclude` in `govlint.yaml`); otherwise add `kind:` and `id:` at the top of the document. Markdown files without front matter are not records and are skipped silently.",
            },
            Code::RecordMissingId => Docs {
                summary: "A record has a `kind` but no `id`.",
                description: "Rules, approvals (`Approves: ID`) and waivers refer to records by id, so every record needs one, unique across the repository, matching `^[A-Za-z0-9][A-Za-z0-9._-]*$`. Add `id:` to the document, or exclude the file in `govlint.yaml` (`records.exclude`) if it is not a governance record.",
            },
            Code::RecordInvalidId => Docs {
                summary: "A record's `id` is not a string of letters, digits, `.`, `_` and `-`.",
                description: "An id must be a string matching `^[A-Za-z0-9][A-Za-z0-9._-]*$`. YAML reads an unquoted `12` or `true` as a number or boolean, so quote such ids (`id: \"12\"`). The record is not checked further until its id is valid.",
            },
            Code::RecordUnknownKind => Docs {
                summary: "A record's `kind` has no schema.",
                description: "A record's `kind` must be one of the built-in kinds (Person, Role, ResponsibilityMatrix, Policy, Objective, ResourceAllocation, ManagementReview, Communication, Improvement, Waiver, Scope, InterestedParty, RiskMethod, Risk, Control, StatementOfApplicability, InternalAudit, Nonconformity, Competence, Measurement) or have a schema in the repository's `schemas/` folder. Usually this is a typo in `kind`; fix it, or add `schemas/<Kind>.schema.json` for a kind of your own.",
            },
            Code::Config => Docs {
                summary: "govlint's configuration, a schema or a rule file is invalid.",
                description: "`govlint.yaml`, the repository's schemas and rule files are checked before anything else: unknown keys, wrong types, unknown rule packs, duplicate rule ids, invalid regexes (or regexes too large once compiled), invalid JSON Pointers or durations, severity overrides naming unknown rules, and schemas that refer outside the repository. govlint stops with exit code 2 because its results would not be trustworthy. Fix the entry at the reported place. `govlint schema config` and `govlint schema rules` print the JSON Schemas of these files, for editors.\n\nThe rule language, in short (govlint's docs/rules.md has an example of each): a rule file holds `rules:`, a list of rules with `id`, `severity` (error, warning, info), `message` and optional `clause`, `help`, `description`. `for:` selects records: `kind` (one or a list), `where` (field values, a list meaning one of), `each` (elements of a list field) and `if` (a check that must hold for the rule to apply). `check:` lists assertions that must all hold: `field` (with `required`, `nonempty`, `pattern`, `not_pattern`, `equals`, `in`), `schema` (an inline JSON Schema), `ref` (ids at a field name records of a kind), `referenced_by` (some record of a kind names this one, optionally `covering_today`), `date` (`within` a duration, or `not_overdue`), `approved` and `reviewed` (git evidence: `by`, `within`, `unchanged`, `strength`, `four_eyes`, `count`). `aggregate:` instead of `check:` judges the selected records together: `min_count`, `newest`, `unique`. Fields are JSON Pointers (`/owner`, `/actions/*/due`); durations are ISO 8601 (`P12M`); `{{field}}` in messages is replaced with the record's field.",
            },
            Code::HistoryShallow => Docs {
                summary: "The git history is truncated, so approvals cannot be checked.",
                description: "Approval and review rules read git history as evidence. In a shallow clone the older commits are missing, so govlint stops (exit code 2) rather than report an approval as missing or present. In CI, fetch the full history (`actions/checkout` with `fetch-depth: 0`, or `git fetch --unshallow`). With `history.allow_shallow: true` or `--allow-shallow`, history rules report \"unknown\" as warnings instead.",
            },
            Code::HistoryNonMonotonicTime => Docs {
                summary: "A commit is dated earlier than its parent.",
                description: "An approval's time is its commit's committer time. A commit dated before one of its parents suggests a wrong clock or a backdated approval, so govlint flags it instead of trusting it silently. Check the commit; if the date is wrong, re-create the approval with a correct date (a new empty commit with the same trailers).",
            },
            Code::HistoryUnknownApprover => Docs {
                summary: "An `Approved-by` / `Reviewed-by` trailer names an email that matches no Person.",
                description: "An approval or review counts only when its email (after `.mailmap`) matches the `email` or `emails` of a Person record, because roles are read from that record. Only trailers of commits (and tags) that change a record's file or name a record (`Approves:` / `Reviews:`) are checked: the `Reviewed-by:` lines of a code project's other commits are not govlint's business. Add the email to the right Person record, or correct the trailer in future approvals (old commits cannot be changed; approve again).",
            },
            Code::TrustUnapprovedChange => Docs {
                summary: "A trust file was changed by a commit that no key admin signed.",
                description: "With `trust.key_admins: ROLE` in `govlint.yaml`, the files that decide who can sign (`trust.allowed_signers`, `trust.revoked_keys`, `trust.openpgp_keys`, and the `trust` section of `govlint.yaml`) are governed (SPEC 2.3): every commit that changes one of them must be signed with a key that the allowed-signers file *before* that commit lists for a Person whose roles, as of that commit, include ROLE. Otherwise anyone with push access could add their own key and then sign approvals. The commit that introduced the allowed-signers file is the root of trust (`govlint log` and `govlint audit` name it) and needs no such signature. The finding names the commit and why its signature does not count; a key that an unapproved change added makes no approval `signed` (such approvals count as `self` or `claimed`). A Waiver cannot silence it. Fix it with a key admin's signed commit that makes the file what it should be (a commit that re-adds a key, signed by a key admin, makes that key trusted again); commits already made cannot be changed.",
            },
            Code::HistoryInvalidWitness => Docs {
                summary: "A tag named like a witness (`trust.witness_tags`) is not a valid witness.",
                description: "A witness (SPEC 2.4) is an annotated tag whose name matches `trust.witness_tags` (default `govlint/witness/*`), SSH-signed (namespace `git`) by a key that the allowed-signers file, as it stands in the tagged commit, lists for a principal in `trust.witnesses`: the verdict `git verify-tag` gives with `gpg.ssh.allowedSignersFile` set to that file. CI makes one on every push to the protected branch with `govlint witness`. This tag is not one (the message says why: unsigned, lightweight, signed by a key not listed for a witness principal, a signature that does not verify, OpenPGP), so it witnesses nothing: no commit's landing window comes from it. Delete the tag (`git tag -d NAME` and `git push --delete origin NAME`), or sign witnesses with a key listed for a witness principal.",
            },
            Code::HistoryWitnessConflict => Docs {
                summary: "A commit claims a time later than a witness that already contains it.",
                description: "A witness tag states that its commit and all its ancestors existed no later than the tag's tagger time. A commit that claims a committer time after the earliest witness that contains it is forward-dated, or was made on a machine with a wrong clock: its claimed time cannot be true. The finding names the commit, its claimed time, the witness and the window. Approvals in it are still timed by their witnesses where rules judge witnessed time (`time: witnessed`, or `auto` with `trust.witnesses`). Find out whose clock was wrong; commits already witnessed cannot be changed.",
            },
            Code::HistoryLateLanding => Docs {
                summary: "A commit claims a time long before it landed on the witnessed branch.",
                description: "Each commit's landing window (SPEC 2.4) says when it arrived on the witnessed branch: after the latest earlier witness, before the earliest witness that contains it. A commit that claims a time earlier than the window's after bound by more than `trust.max_push_lag` (default P7D) is backdated, or waited long on a branch before it was merged. Rules that judge witnessed time (`time: witnessed`, or `auto` with `trust.witnesses`) time its approvals by the window, never by the claimed date; this warning tells the auditor that the claimed date is not to be believed. Check why the commit waited; approvals meant to be recent should be given again.",
            },
            Code::WaiverExpired => Docs {
                summary: "A Waiver is past its `expires` date and silences nothing any more.",
                description: "Waivers are temporary, accepted exceptions. After `expires` (the date itself still counts), the waiver stops silencing its rule and this warning points at `expires`. Fix the underlying findings and delete the waiver, or renew it with a new `expires` date and a fresh approval by its approver role.",
            },
            Code::WaiverUnapproved => Docs {
                summary: "A Waiver is not approved in git by a member of its approver role.",
                description: "A waiver only silences findings once a Person holding its `approver` role has approved its current content in git (an `Approved-by:` trailer on a commit that changes the waiver or names it with `Approves:`), at the configured minimum strength. Without that, anyone could silence any rule. The message says why the approval is missing (never approved, approved by someone outside the role, changed since approval, too weak). In a repository without commits no waiver is approved yet. Have a member of the role approve it, e.g. `git commit --allow-empty -m \"Approve W-1\" --trailer \"Approves: W-1\" --trailer \"Approved-by: Name <email>\"`.",
            },
            Code::WaiverUnused => Docs {
                summary: "A valid Waiver silences no finding.",
                description: "The waiver is approved and unexpired, but no finding of its `rule` about any of its `records` remains, or its rule is not enabled. Unused waivers hide nothing today but would silently hide a future problem, and auditors ask why they exist. Delete the waiver, or correct its `rule` and `records`.",
            },
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_documented() {
        let mut ids: Vec<&str> = Code::ALL.iter().map(|c| c.id()).collect();
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate code ids");
        for &c in Code::ALL {
            assert!(!c.summary().is_empty() && c.description().len() > 80, "{c}");
            assert!(
                c.id()
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch == '-' || ch == '/'),
                "{c} is not kebab-case"
            );
            assert!(!c.id().starts_with("iso27001/"), "{c}");
            assert_eq!(Code::from_id(c.id()), Some(c));
        }
        for spec_code in [
            "parse",
            "schema",
            "record/duplicate-id",
            "record/missing-kind",
            "record/unknown-kind",
            "config",
            "history/shallow",
            "history/non-monotonic-time",
            "history/unknown-approver",
            "trust/unapproved-change",
            "history/invalid-witness",
            "history/witness-conflict",
            "history/late-landing",
            "waiver/expired",
            "waiver/unapproved",
            "waiver/unused",
        ] {
            assert!(Code::from_id(spec_code).is_some(), "{spec_code}");
        }
        assert_eq!(Code::from_id("iso27001/policy-exists"), None);
    }

    #[test]
    fn history_and_waiver_codes_are_warnings_and_waivers_cannot_silence_config() {
        for &c in Code::ALL {
            let family = c.id().split('/').next().unwrap_or_default();
            // A witness conflict is a claimed time that cannot be true: an error.
            let warning =
                matches!(family, "history" | "waiver") && c != Code::HistoryWitnessConflict;
            assert_eq!(c.default_severity() == Severity::Warning, warning, "{c}");
            assert_eq!(c.emitted_by_rules(), family == "waiver", "{c}");
        }
        assert!(!Code::Config.waivable() && !Code::Config.overridable());
        assert!(!Code::Parse.waivable() && Code::Parse.overridable());
        assert!(Code::Schema.waivable() && Code::HistoryUnknownApprover.waivable());
        assert!(!Code::WaiverUnused.waivable());
        assert!(!Code::TrustUnapprovedChange.waivable());
        assert_eq!(
            Code::TrustUnapprovedChange.default_severity(),
            Severity::Error
        );
    }
}
