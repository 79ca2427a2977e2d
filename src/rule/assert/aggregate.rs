//! `aggregate: {…}` — repo-level rules over all selected subjects at once:
//!
//! - `min_count: N`: at least N are selected ("an approved policy exists");
//! - `newest: {field: P, within: DUR}`: the newest date at P among them is no
//!   older than DUR before today ("a management review in the last 12 months");
//! - `unique: P`: no two of them hold the same value at P;
//! - `covers: {catalogue, field, …}`: together they name every entry of a
//!   built-in catalogue (Annex A, the ISMS clauses): see `covers.rs`.
//!
//! `min_count` and `newest` are facts about the repository, so their findings
//! have no place in a file (no record, null file and line); `newest` names
//! the newest record as related information. `unique` places a finding at
//! each duplicate, with the first occurrence as related information.

use std::collections::HashMap;

use jiff::civil::Date;

use crate::time::Duration;

use super::super::compile::Compiler;
use super::super::path::{show_pointer, Path};
use super::super::spec::AggregateSpec;
use super::date::date_of;
use super::Subject;

#[derive(Debug)]
pub(crate) struct Aggregate {
    min_count: Option<u64>,
    newest: Option<(Path, Duration, String)>,
    unique: Option<Path>,
    covers: Option<super::covers::Covers>,
}

/// One aggregate finding before it is dressed as a `Finding`.
pub(crate) struct AggFailure<'r> {
    /// The subject and record pointer it is placed at; `None` = repo-level.
    pub at: Option<(Subject<'r>, String)>,
    pub detail: String,
    /// Other places worth showing: (subject, record pointer, what it is).
    pub related: Vec<(Subject<'r>, String, String)>,
}

impl Aggregate {
    pub(crate) fn compile(
        spec: &AggregateSpec,
        c: &mut Compiler<'_>,
        ptr: &str,
    ) -> Option<Aggregate> {
        let newest = match &spec.newest {
            Some(n) => {
                let path = c.path(&format!("{ptr}/newest/field"), &n.field);
                let dur = c.duration(&format!("{ptr}/newest/within"), &n.within);
                Some((path?, dur?, n.within.clone()))
            }
            None => None,
        };
        let unique = match &spec.unique {
            Some(p) => Some(c.path(&format!("{ptr}/unique"), p)?),
            None => None,
        };
        let covers = match &spec.covers {
            Some(cv) => Some(super::covers::Covers::compile(
                cv,
                c,
                &format!("{ptr}/covers"),
            )?),
            None => None,
        };
        Some(Aggregate {
            min_count: spec.min_count,
            newest,
            unique,
            covers,
        })
    }

    /// `what` names the selection for messages (e.g. "Policy records").
    pub(crate) fn check<'r>(
        &self,
        subjects: &[Subject<'r>],
        today: Date,
        what: &str,
    ) -> Vec<AggFailure<'r>> {
        let mut out = Vec::new();
        if let Some(min) = self.min_count {
            let n = subjects.len() as u64;
            if n < min {
                out.push(AggFailure {
                    at: None,
                    detail: format!("found {n} {what}, at least {min} required"),
                    related: Vec::new(),
                });
            }
        }
        if let Some((path, dur, text)) = &self.newest {
            let newest = subjects
                .iter()
                .flat_map(|s| {
                    path.resolve(s.value).into_iter().filter_map(move |h| {
                        let date = date_of(h.value?)?;
                        Some((date, s, s.abs(&h.pointer)))
                    })
                })
                .max_by_key(|(date, _, _)| *date);
            let oldest_ok = dur.before(today);
            match newest {
                None => out.push(AggFailure {
                    at: None,
                    detail: format!("no {what} with a date in `{}`", show_pointer(path.as_str())),
                    related: Vec::new(),
                }),
                Some((date, s, pointer)) if date < oldest_ok => out.push(AggFailure {
                    at: None,
                    detail: format!(
                        "the newest is {} of {date}, older than {text} (before {oldest_ok})",
                        s.id().unwrap_or(&s.record.id)
                    ),
                    related: vec![(s.clone(), pointer, "the newest one".to_owned())],
                }),
                Some(_) => {}
            }
        }
        if let Some(path) = &self.unique {
            let mut first: HashMap<String, (&Subject<'r>, String)> = HashMap::new();
            for s in subjects {
                for hit in path.resolve(s.value) {
                    let Some(value) = hit.value.filter(|v| !v.is_null()) else {
                        continue;
                    };
                    let key = value.to_string();
                    let pointer = s.abs(&hit.pointer);
                    match first.get(&key) {
                        Some((other, other_ptr)) => out.push(AggFailure {
                            detail: format!(
                                "`{}` {} is also used by {}",
                                show_pointer(&hit.pointer),
                                super::super::path::show_value(value),
                                other.id().unwrap_or(&other.record.id)
                            ),
                            related: vec![(
                                (*other).clone(),
                                other_ptr.clone(),
                                "first used here".to_owned(),
                            )],
                            at: Some((s.clone(), pointer)),
                        }),
                        None => {
                            first.insert(key, (s, pointer));
                        }
                    }
                }
            }
        }
        if let Some(covers) = &self.covers {
            out.extend(covers.check(subjects, what));
        }
        out
    }

    pub(crate) fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(n) = self.min_count {
            out.push(format!("at least {n} matching record(s) exist"));
        }
        if let Some((p, _, t)) = &self.newest {
            out.push(format!(
                "the newest `{}` among them is within {t} of today",
                show_pointer(p.as_str())
            ));
        }
        if let Some(p) = &self.unique {
            out.push(format!(
                "no two of them share the same `{}`",
                show_pointer(p.as_str())
            ));
        }
        if let Some(c) = &self.covers {
            out.push(c.describe());
        }
        out
    }
}
