//! Built-in diagnostic codes (SPEC 3): the findings govlint makes itself,
//! not from a rule file. Their docs live here as data, so `govlint explain`
//! and the reports can show them; each code is tested to be unique and
//! documented. The code's owner module emits it; this table only describes.

/// One built-in code and its documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code {
    /// Stable id, as in the `rule` field of findings.
    pub id: &'static str,
    /// One line: what the finding means.
    pub summary: &'static str,
    /// One paragraph: what is checked, why it matters and how to fix it.
    pub description: &'static str,
}

/// Every built-in code, in the order SPEC 3 lists them.
pub const CODES: &[Code] = &[
    Code {
        id: "parse",
        summary: "A file is not valid YAML, or a Markdown file's front matter is malformed.",
        description: "govlint reads every file under `records.include` as YAML documents, or as Markdown with a `---` front-matter block. This finding points at the first syntax error (unclosed quotes, bad indentation, a duplicate key, an alias bomb, invalid UTF-8, a file over the size limit). The rest of the file cannot be trusted, so its records are skipped; other files are still checked. Fix the syntax at the reported line and column, or exclude the file in `govlint.yaml` (`records.exclude`).",
    },
    Code {
        id: "schema",
        summary: "A record does not match the JSON Schema of its kind.",
        description: "Each record kind has a JSON Schema (draft 2020-12): the built-in ones, or the repository's `schemas/<Kind>.schema.json`. A schema finding names the property that is missing, has the wrong type or value, or is not allowed, and points at it (a missing property at the mapping that lacks it). Schemas keep records complete enough for the rules and for auditors. Fix the record as the message says; `govlint show FILE` prints the record as schemas see it.",
    },
    Code {
        id: "record/duplicate-id",
        summary: "Two records have the same id.",
        description: "Record ids must be unique across the whole repository, because rules, approvals (`Approves: ID`) and waivers refer to records by id. The finding points at the second record and names the first. Rename one of them (and update references to it).",
    },
    Code {
        id: "record/missing-kind",
        summary: "A YAML file under `records.include` has no `kind` (or no `id`).",
        description: "Every YAML document that govlint reads as a record needs a PascalCase `kind` and an `id`. A file that is not a governance record should be excluded (`records.exclude` in `govlint.yaml`); otherwise add `kind:` and `id:` at the top of the document. Markdown files without front matter are not records and are skipped silently.",
    },
    Code {
        id: "record/missing-id",
        summary: "A record has a `kind` but no `id`.",
        description: "Rules, approvals (`Approves: ID`) and waivers refer to records by id, so every record needs one, unique across the repository, matching `^[A-Za-z0-9][A-Za-z0-9._-]*$`. Add `id:` to the document, or exclude the file in `govlint.yaml` (`records.exclude`) if it is not a governance record.",
    },
    Code {
        id: "record/invalid-id",
        summary: "A record's `id` is not a string of letters, digits, `.`, `_` and `-`.",
        description: "An id must be a string matching `^[A-Za-z0-9][A-Za-z0-9._-]*$`. YAML reads an unquoted `12` or `true` as a number or boolean, so quote such ids (`id: \"12\"`). The record is not checked further until its id is valid.",
    },
    Code {
        id: "record/unknown-kind",
        summary: "A record's `kind` has no schema.",
        description: "A record's `kind` must be one of the built-in kinds (Person, Role, ResponsibilityMatrix, Policy, Objective, ResourceAllocation, ManagementReview, Communication, Improvement, Waiver) or have a schema in the repository's `schemas/` folder. Usually this is a typo in `kind`; fix it, or add `schemas/<Kind>.schema.json` for a kind of your own.",
    },
    Code {
        id: "config",
        summary: "govlint's configuration, a schema or a rule file is invalid.",
        description: "`govlint.yaml`, the repository's schemas and rule files are checked before anything else: unknown keys, wrong types, unknown rule packs, duplicate rule ids, invalid regexes (or regexes too large once compiled), invalid JSON Pointers or durations, severity overrides naming unknown rules, and schemas that refer outside the repository. govlint stops with exit code 2 because its results would not be trustworthy. Fix the entry at the reported place; `schemas/govlint.schema.json` and `schemas/rules.schema.json` describe the files, and editors can use them.",
    },
    Code {
        id: "history/shallow",
        summary: "The git history is truncated, so approvals cannot be checked.",
        description: "Approval and review rules read git history as evidence. In a shallow clone the older commits are missing, so govlint stops (exit code 2) rather than report an approval as missing or present. In CI, fetch the full history (`actions/checkout` with `fetch-depth: 0`, or `git fetch --unshallow`). With `history.allow_shallow: true` or `--allow-shallow`, history rules report \"unknown\" as warnings instead.",
    },
    Code {
        id: "history/non-monotonic-time",
        summary: "A commit is dated earlier than its parent.",
        description: "An approval's time is its commit's committer time. A commit dated before one of its parents suggests a wrong clock or a backdated approval, so govlint flags it instead of trusting it silently. Check the commit; if the date is wrong, re-create the approval with a correct date (a new empty commit with the same trailers).",
    },
    Code {
        id: "history/unknown-approver",
        summary: "An `Approved-by` / `Reviewed-by` trailer names an email that matches no Person.",
        description: "An approval or review counts only when its email (after `.mailmap`) matches the `email` or `emails` of a Person record, because roles are read from that record. Only trailers of commits (and tags) that change a record's file or name a record (`Approves:` / `Reviews:`) are checked: the `Reviewed-by:` lines of a code project's other commits are not govlint's business. Add the email to the right Person record, or correct the trailer in future approvals (old commits cannot be changed; approve again).",
    },
    Code {
        id: "waiver/expired",
        summary: "A Waiver is past its `expires` date and silences nothing any more.",
        description: "Waivers are temporary, accepted exceptions. After `expires` (the date itself still counts), the waiver stops silencing its rule and this warning points at `expires`. Fix the underlying findings and delete the waiver, or renew it with a new `expires` date and a fresh approval by its approver role.",
    },
    Code {
        id: "waiver/unapproved",
        summary: "A Waiver is not approved in git by a member of its approver role.",
        description: "A waiver only silences findings once a Person holding its `approver` role has approved its current content in git (an `Approved-by:` trailer on a commit that changes the waiver or names it with `Approves:`), at the configured minimum strength. Without that, anyone could silence any rule. The message says why the approval is missing (never approved, approved by someone outside the role, changed since approval, too weak). In a repository without commits no waiver is approved yet. Have a member of the role approve it, e.g. `git commit --allow-empty -m \"Approve W-1\" --trailer \"Approves: W-1\" --trailer \"Approved-by: Name <email>\"`.",
    },
    Code {
        id: "waiver/unused",
        summary: "A valid Waiver silences no finding.",
        description: "The waiver is approved and unexpired, but no finding of its `rule` about any of its `records` remains, or its rule is not enabled. Unused waivers hide nothing today but would silently hide a future problem, and auditors ask why they exist. Delete the waiver, or correct its `rule` and `records`.",
    },
];

/// The code with this id.
pub(crate) fn find(id: &str) -> Option<&'static Code> {
    CODES.iter().find(|c| c.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_documented() {
        let mut ids: Vec<&str> = CODES.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate code ids");
        for c in CODES {
            assert!(
                !c.summary.is_empty() && c.description.len() > 80,
                "{}",
                c.id
            );
            assert!(
                c.id.chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch == '-' || ch == '/'),
                "{} is not kebab-case",
                c.id
            );
            assert!(!c.id.starts_with("iso27001/"), "{}", c.id);
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
            "waiver/expired",
            "waiver/unapproved",
            "waiver/unused",
        ] {
            assert!(find(spec_code).is_some(), "{spec_code}");
        }
    }
}
