//! `aggregate: {covers: {catalogue: C, field: P, exactly_once, ignore_unknown}}`
//! — the selected records, together, name every entry of a built-in
//! catalogue at P (a string or a list of strings in each record).
//!
//! ```yaml
//! # The Statement of Applicability lists every Annex A control once.
//! aggregate: { covers: { catalogue: annex-a, field: /id, exactly_once: true } }
//! # The year's internal audits cover clauses 4 to 10.
//! aggregate: { covers: { catalogue: isms-clauses, field: /scope, ignore_unknown: true } }
//! ```
//!
//! Catalogues:
//!
//! - `annex-a`: the 93 controls of ISO/IEC 27001:2022 Annex A
//!   ([`crate::annex_a`]), named exactly (`A.8.24`).
//! - `isms-clauses`: the clauses 4 to 10 of the ISMS; a sub-clause covers
//!   its clause (`6.1.2` covers clause 6).
//!
//! Findings:
//!
//! - each entry nobody names: one repository-level finding naming it and
//!   its title (`A.8.24 Use of cryptography`); when the selected records
//!   name no entry at all, one finding says so instead of one per entry;
//! - `exactly_once: true`: each further mention of an entry, placed at the
//!   duplicate, with the first mention as related information;
//! - unless `ignore_unknown: true`: each value that is no entry, placed at
//!   it, with a did-you-mean when close (and a word on the 2013 numbering
//!   for `A.9` … `A.18`). Audit scopes mix clauses with Role ids, hence
//!   `ignore_unknown`.

use std::collections::HashMap;

use serde_json::Value;

use super::super::compile::{Compiler, RuleError};
use super::super::path::{show_pointer, Path};
use super::super::spec::CoversSpec;
use super::aggregate::AggFailure;
use super::Subject;

/// The clauses of ISO/IEC 27001:2022 that make up the ISMS requirements.
const ISMS_CLAUSES: &[(&str, &str)] = &[
    ("4", "Context of the organization"),
    ("5", "Leadership"),
    ("6", "Planning"),
    ("7", "Support"),
    ("8", "Operation"),
    ("9", "Performance evaluation"),
    ("10", "Improvement"),
];

/// The catalogue names `covers` accepts.
pub(crate) const CATALOGUES: &[&str] = &["annex-a", "isms-clauses"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Catalogue {
    AnnexA,
    IsmsClauses,
}

impl Catalogue {
    fn entries(self) -> Vec<(&'static str, &'static str)> {
        match self {
            Catalogue::AnnexA => crate::annex_a::CONTROLS
                .iter()
                .map(|c| (c.reference, c.title))
                .collect(),
            Catalogue::IsmsClauses => ISMS_CLAUSES.to_vec(),
        }
    }

    /// The entry a value names, if any.
    fn entry(self, value: &str) -> Option<&'static str> {
        match self {
            Catalogue::AnnexA => crate::annex_a::find(value).map(|c| c.reference),
            Catalogue::IsmsClauses => ISMS_CLAUSES
                .iter()
                .find(|(n, _)| {
                    value == *n
                        || value
                            .strip_prefix(n)
                            .is_some_and(|rest| rest.starts_with('.'))
                })
                .map(|(n, _)| *n),
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Catalogue::AnnexA => "Annex A control",
            Catalogue::IsmsClauses => "ISMS clause",
        }
    }

    fn show(self, entry: &str, title: &str) -> String {
        match self {
            Catalogue::AnnexA => format!("{entry} {title}"),
            Catalogue::IsmsClauses => format!("clause {entry} ({title})"),
        }
    }
}

#[derive(Debug)]
pub(crate) struct Covers {
    catalogue: Catalogue,
    field: Path,
    exactly_once: bool,
    ignore_unknown: bool,
}

impl Covers {
    pub(crate) fn compile(spec: &CoversSpec, c: &mut Compiler<'_>, ptr: &str) -> Option<Covers> {
        let catalogue = match spec.catalogue.as_str() {
            "annex-a" => Some(Catalogue::AnnexA),
            "isms-clauses" => Some(Catalogue::IsmsClauses),
            other => {
                let e = RuleError::Invalid {
                    message: format!(
                        "rule `{}`: unknown catalogue `{other}`{} (expected one of: {})",
                        c.rule,
                        crate::suggest::did_you_mean(other, CATALOGUES.iter().copied()),
                        CATALOGUES.join(", ")
                    ),
                };
                c.error(format!("{ptr}/catalogue"), e);
                None
            }
        };
        let field = c.path(&format!("{ptr}/field"), &spec.field);
        Some(Covers {
            catalogue: catalogue?,
            field: field?,
            exactly_once: spec.exactly_once,
            ignore_unknown: spec.ignore_unknown,
        })
    }

    /// Failures over the selected subjects (see the module docs).
    pub(crate) fn check<'r>(&self, subjects: &[Subject<'r>], what: &str) -> Vec<AggFailure<'r>> {
        let mut out = Vec::new();
        let mut first: HashMap<&'static str, (Subject<'r>, String)> = HashMap::new();
        let noun = self.catalogue.noun();
        for s in subjects {
            for hit in self.field.resolve(s.value) {
                let pointer = s.abs(&hit.pointer);
                let values: Vec<(String, &str)> = match hit.value {
                    Some(Value::String(v)) => vec![(pointer, v.as_str())],
                    Some(Value::Array(items)) => items
                        .iter()
                        .enumerate()
                        .filter_map(|(i, v)| Some((format!("{pointer}/{i}"), v.as_str()?)))
                        .collect(),
                    _ => Vec::new(),
                };
                for (p, v) in values {
                    let name = show_pointer(&p);
                    match self.catalogue.entry(v) {
                        Some(entry) => match first.get(entry) {
                            Some((other, other_ptr)) if self.exactly_once => {
                                out.push(AggFailure {
                                    detail: format!(
                                        "`{name}` names {entry} again: {} {} lists it already",
                                        other.record.kind,
                                        other.id().unwrap_or(&other.record.id)
                                    ),
                                    related: vec![(
                                        other.clone(),
                                        other_ptr.clone(),
                                        "first listed here".to_owned(),
                                    )],
                                    at: Some((s.clone(), p)),
                                });
                            }
                            Some(_) => {}
                            None => {
                                first.insert(entry, (s.clone(), p));
                            }
                        },
                        None if self.ignore_unknown => {}
                        None => out.push(AggFailure {
                            detail: self.unknown(&name, v),
                            related: Vec::new(),
                            at: Some((s.clone(), p)),
                        }),
                    }
                }
            }
        }
        let entries = self.catalogue.entries();
        if first.is_empty() {
            out.insert(
                0,
                AggFailure {
                    at: None,
                    detail: format!(
                        "none of the {} {noun}s is named at `{}` of the {what}",
                        entries.len(),
                        show_pointer(self.field.as_str())
                    ),
                    related: Vec::new(),
                },
            );
            return out;
        }
        let missing: Vec<AggFailure<'r>> = entries
            .iter()
            .filter(|(e, _)| !first.contains_key(e))
            .map(|(e, title)| AggFailure {
                at: None,
                detail: format!("{} is missing", self.catalogue.show(e, title)),
                related: Vec::new(),
            })
            .collect();
        let mut all = missing;
        all.extend(out);
        all
    }

    fn unknown(&self, name: &str, value: &str) -> String {
        let noun = self.catalogue.noun();
        let mut detail = format!("`{name}` `{value}` is not an {noun} of ISO/IEC 27001:2022");
        if self.catalogue == Catalogue::AnnexA {
            detail.push_str(&crate::suggest::did_you_mean(
                value,
                crate::annex_a::references(),
            ));
            let old = value
                .strip_prefix("A.")
                .and_then(|r| r.split('.').next())
                .and_then(|n| n.parse::<u32>().ok())
                .is_some_and(|n| (9..=18).contains(&n));
            if old {
                detail.push_str(
                    "; it looks like the 2013 numbering (A.5 to A.18): the 2022 controls run A.5.1 to A.8.34",
                );
            }
        }
        detail
    }

    pub(crate) fn describe(&self) -> String {
        let what = match self.catalogue {
            Catalogue::AnnexA => "every Annex A control of ISO/IEC 27001:2022",
            Catalogue::IsmsClauses => "every ISMS clause 4 to 10 (a sub-clause covers its clause)",
        };
        let mut s = format!(
            "together they name {what} at `{}`",
            show_pointer(self.field.as_str())
        );
        if self.exactly_once {
            s.push_str(", each exactly once");
        }
        if !self.ignore_unknown {
            s.push_str(", and nothing else");
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::testing::{load_ok, records, today};
    use super::super::super::{Context, NoHistory};

    const SOA_RULE: &str = "rules:\n  - id: acme/soa\n    severity: error\n    message: The SoA is incomplete\n    for: { kind: Control }\n    aggregate: { covers: { catalogue: annex-a, field: /id, exactly_once: true } }\n";

    /// Every control but `skip`, as Control records, plus `extra` YAML.
    fn soa(skip: &str, extra: &str) -> String {
        let mut text = String::new();
        for c in crate::annex_a::CONTROLS
            .iter()
            .filter(|c| c.reference != skip)
        {
            text.push_str(&format!(
                "kind: Control\nid: {}\napplicable: true\n---\n",
                c.reference
            ));
        }
        text.push_str(extra);
        text
    }

    fn run(rule: &str, text: &str) -> Vec<crate::finding::Finding> {
        let set = load_ok(rule);
        let recs = records("soa.yaml", text);
        set.evaluate(&Context::new(&recs, today(), &NoHistory))
    }

    #[test]
    fn complete_missing_duplicate_and_unknown() {
        let f = run(SOA_RULE, &soa("", "kind: Role\nid: R-1\n"));
        assert!(f.is_empty(), "{f:#?}");
        let f = run(
            SOA_RULE,
            &soa(
                "A.8.24",
                "kind: Control\nid: A.5.1\n---\nkind: Control\nid: A.9.1\n",
            ),
        );
        let messages: Vec<&str> = f.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(f.len(), 3, "{messages:#?}");
        assert_eq!(
            messages[0],
            "The SoA is incomplete: A.8.24 Use of cryptography is missing"
        );
        assert!(f[0].location.is_none());
        assert!(
            messages[1].contains("`id` names A.5.1 again: Control A.5.1 lists it already"),
            "{}",
            messages[1]
        );
        assert_eq!(f[1].related.len(), 1);
        let loc = f[1].location.as_ref().expect("placed");
        assert_eq!(loc.line, 92 * 4 + 2, "{loc:?}");
        assert!(
            messages[2].contains("`id` `A.9.1` is not an Annex A control")
                && messages[2].contains("2013 numbering"),
            "{}",
            messages[2]
        );
    }

    #[test]
    fn no_controls_at_all_is_one_finding() {
        let f = run(SOA_RULE, "kind: Role\nid: R-1\n");
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("none of the 93 Annex A controls"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn clauses_are_covered_by_their_sub_clauses_and_roles_are_ignored() {
        let rule = "rules:\n  - id: acme/audits\n    severity: error\n    message: Audits miss clauses\n    for: { kind: InternalAudit }\n    aggregate: { covers: { catalogue: isms-clauses, field: /scope, ignore_unknown: true } }\n";
        let f = run(
            rule,
            "kind: InternalAudit\nid: IA-1\nscope: ['4', '5.1', R-OPS]\n---\nkind: InternalAudit\nid: IA-2\nscope: ['6.1.2', '7', '8', '9.2']\n",
        );
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(
            f[0].message,
            "Audits miss clauses: clause 10 (Improvement) is missing"
        );
    }

    #[test]
    fn unknown_catalogue_is_a_rule_error() {
        let text = SOA_RULE.replace("annex-a", "annex-b");
        let err = super::super::super::testing::load_files(&[("rules/acme.yaml", &text)])
            .expect_err("invalid");
        assert!(
            err.iter().any(|f| f.message.contains("annex-a")),
            "{err:#?}"
        );
    }
}
