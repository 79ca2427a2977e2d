//! Cross-record assertions, evaluated over the indexed record set so a run
//! stays linear in the number of records.
//!
//! `ref: {field: P, kind: K}` — every id at P (a string, or each string of a
//! list) names an existing record of kind K (`kind` may be a list: "a Role
//! or a Person"). A finding is placed at the dangling id itself
//! (`/supports/1`). Two extensions make leadership checks expressible:
//!
//! - `check: [...]`: assertions that must also hold for each referenced
//!   record (e.g. the referenced Role has `top_management: true`);
//! - `any: true`: for a list, one id that resolves (and passes `check`) is
//!   enough, instead of every id ("some role of the chair is a top
//!   management role").
//!
//! `referenced_by: {kind: K, field: P}` — some record of kind K names this
//! record's id at P (a string or a list; `*` allowed, e.g.
//! `/activities/*/accountable`). With `covering_today: P2`, that record's
//! period at P2 (`{from, to}`, inclusive dates; no `to` means open-ended)
//! must include today. The finding is placed at the subject's `/id`.

use std::collections::HashMap;
use std::fmt::Write as _;

use jiff::civil::Date;
use serde_json::Value;

use crate::record::Record;
use crate::time::parse_date;

use super::super::compile::Compiler;
use super::super::path::{show_pointer, show_value, Path};
use super::super::spec::{RefSpec, ReferencedBySpec};
use super::super::Context;
use super::{join_details, Checks, Failure, Prep, Subject};

#[derive(Debug)]
pub(crate) struct Ref {
    path: Path,
    kinds: Vec<String>,
    any: bool,
    nested: Option<Checks>,
}

/// Why one id does not resolve.
struct Miss {
    detail: String,
    unknown: bool,
    pending: bool,
}

impl Ref {
    pub(crate) fn compile(spec: &RefSpec, c: &mut Compiler<'_>, ptr: &str) -> Option<Ref> {
        let path = c.path(&format!("{ptr}/field"), &spec.field);
        let nested = match &spec.check {
            Some(specs) => Some(Checks::compile(specs, c, &format!("{ptr}/check"))?),
            None => None,
        };
        Some(Ref {
            path: path?,
            kinds: spec.kind.to_vec(),
            any: spec.any,
            nested,
        })
    }

    pub(crate) fn prepare<'a>(&self, ctx: &Context<'a>) -> Prep<'a> {
        match &self.nested {
            Some(n) => Prep::Nested(n.prepare(ctx)),
            None => Prep::Nothing,
        }
    }

    pub(crate) fn uses_history(&self) -> bool {
        self.nested.as_ref().is_some_and(Checks::uses_history)
    }

    pub(crate) fn check(
        &self,
        s: &Subject<'_>,
        ctx: &Context<'_>,
        prep: &Prep<'_>,
    ) -> Vec<Failure> {
        let preps: &[Prep<'_>] = match prep {
            Prep::Nested(p) => p,
            Prep::Nothing | Prep::Referrers(_) => &[],
        };
        let mut out = Vec::new();
        for hit in self.path.resolve(s.value) {
            let Some(value) = hit.value.filter(|v| !v.is_null()) else {
                continue;
            };
            let pointer = s.abs(&hit.pointer);
            let ids: Vec<(String, &Value)> = match value {
                Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (format!("{pointer}/{i}"), v))
                    .collect(),
                v => vec![(pointer.clone(), v)],
            };
            if self.any {
                let mut misses = Vec::new();
                let found = ids.iter().any(|(_, v)| match self.resolve(v, ctx, preps) {
                    Ok(()) => true,
                    Err(m) => {
                        misses.push(m);
                        false
                    }
                });
                if !found {
                    let detail = if misses.is_empty() {
                        format!(
                            "`{}` names no {}",
                            show_pointer(&pointer),
                            self.kinds_text()
                        )
                    } else {
                        let why: Vec<&str> = misses.iter().map(|m| m.detail.as_str()).collect();
                        format!(
                            "none of `{}` qualifies ({})",
                            show_pointer(&pointer),
                            why.join("; ")
                        )
                    };
                    out.push(Failure {
                        unknown: !misses.is_empty() && misses.iter().all(|m| m.unknown),
                        pending: misses.iter().any(|m| m.pending),
                        ..Failure::new(pointer, detail)
                    });
                }
            } else {
                for (p, v) in ids {
                    if let Err(m) = self.resolve(v, ctx, preps) {
                        out.push(Failure {
                            unknown: m.unknown,
                            pending: m.pending,
                            ..Failure::new(p, m.detail)
                        });
                    }
                }
            }
        }
        out
    }

    fn resolve(&self, v: &Value, ctx: &Context<'_>, preps: &[Prep<'_>]) -> Result<(), Miss> {
        let miss = |detail: String| Miss {
            detail,
            unknown: false,
            pending: false,
        };
        let Some(id) = v.as_str() else {
            return Err(miss(format!("`{}` is not a record id", show_value(v))));
        };
        if ctx.records.get(id).is_none() && ctx.records.is_unreadable(id) {
            // Its file has a `parse` finding already; no second one here.
            return Ok(());
        }
        let Some(target) = ctx.records.get(id) else {
            return Err(miss(format!(
                "`{id}` names no {} record",
                self.kinds_text()
            )));
        };
        if !self.kinds.contains(&target.kind) {
            return Err(miss(format!(
                "`{id}` is a {}, not a {}",
                target.kind,
                self.kinds_text()
            )));
        }
        if let Some(nested) = &self.nested {
            let failures = nested.check(&Subject::whole(target), ctx, preps);
            if !failures.is_empty() {
                return Err(Miss {
                    detail: format!("{} {id}: {}", target.kind, join_details(&failures)),
                    unknown: failures.iter().all(|f| f.unknown),
                    pending: failures.iter().any(|f| f.pending),
                });
            }
        }
        Ok(())
    }

    fn kinds_text(&self) -> String {
        self.kinds.join(" or ")
    }

    pub(crate) fn describe(&self) -> String {
        let mut s = format!(
            "{} `{}` names an existing {}",
            if self.any {
                "at least one id in"
            } else {
                "every id in"
            },
            show_pointer(self.path.as_str()),
            self.kinds_text()
        );
        if let Some(n) = &self.nested {
            let _ = write!(s, " for which: {}", n.describe().join("; "));
        }
        s
    }
}

#[derive(Debug)]
pub(crate) struct ReferencedBy {
    kinds: Vec<String>,
    path: Path,
    covering: Option<Path>,
}

/// Who references which id: built once per run.
pub(crate) struct Referrers<'a> {
    by_id: HashMap<&'a str, Vec<Referrer<'a>>>,
}

struct Referrer<'a> {
    record: &'a Record,
    /// `(from, to)` at `covering_today`, when asked for.
    period: Option<(Option<Date>, Option<Date>, bool)>,
}

impl ReferencedBy {
    pub(crate) fn compile(
        spec: &ReferencedBySpec,
        c: &mut Compiler<'_>,
        ptr: &str,
    ) -> Option<ReferencedBy> {
        let path = c.path(&format!("{ptr}/field"), &spec.field);
        let covering = match &spec.covering_today {
            Some(p) => Some(c.path(&format!("{ptr}/covering_today"), p)?),
            None => None,
        };
        Some(ReferencedBy {
            kinds: spec.kind.to_vec(),
            path: path?,
            covering,
        })
    }

    pub(crate) fn referrers<'a>(&self, ctx: &Context<'a>) -> Referrers<'a> {
        let mut by_id: HashMap<&'a str, Vec<Referrer<'a>>> = HashMap::new();
        for kind in &self.kinds {
            for record in ctx.records.of_kind(kind) {
                let period = self.covering.as_ref().map(|p| period(p.get(&record.value)));
                for hit in self.path.resolve(&record.value) {
                    let ids: Vec<&'a str> = match hit.value {
                        Some(Value::String(s)) => vec![s.as_str()],
                        Some(Value::Array(items)) => {
                            items.iter().filter_map(Value::as_str).collect()
                        }
                        _ => Vec::new(),
                    };
                    for id in ids {
                        by_id
                            .entry(id)
                            .or_default()
                            .push(Referrer { record, period });
                    }
                }
            }
        }
        Referrers { by_id }
    }

    pub(crate) fn check(
        &self,
        s: &Subject<'_>,
        referrers: &Referrers<'_>,
        today: Date,
    ) -> Vec<Failure> {
        let Some(id) = s.id() else {
            return vec![Failure::new(
                s.abs(""),
                "it has no `id` that others could name",
            )];
        };
        let pointer = s.abs("/id");
        let named_by = referrers.by_id.get(id).map_or(&[][..], Vec::as_slice);
        let field = show_pointer(self.path.as_str());
        let kinds = self.kinds.join(" or ");
        if named_by.is_empty() {
            return vec![Failure::new(
                pointer,
                format!("no {kinds} names `{id}` in `{field}`"),
            )];
        }
        if self.covering.is_none() || named_by.iter().any(|r| covers(r.period, today)) {
            return Vec::new();
        }
        let mut others: Vec<String> = named_by
            .iter()
            .take(3)
            .map(|r| match r.period {
                Some((Some(from), Some(to), true)) => {
                    format!("{} runs {from} to {to}", r.record.id)
                }
                Some((Some(from), None, true)) => format!("{} runs from {from}", r.record.id),
                _ => format!("{} has no valid period", r.record.id),
            })
            .collect();
        if named_by.len() > 3 {
            others.push(format!("and {} more", named_by.len() - 3));
        }
        vec![Failure::new(
            pointer,
            format!(
                "no {kinds} naming `{id}` covers {today} ({})",
                others.join("; ")
            ),
        )]
    }

    pub(crate) fn describe(&self) -> String {
        let mut s = format!(
            "some {} names this record's id in `{}`",
            self.kinds.join(" or "),
            show_pointer(self.path.as_str())
        );
        if let Some(p) = &self.covering {
            let _ = write!(
                s,
                " with a period `{}` that includes today",
                show_pointer(p.as_str())
            );
        }
        s
    }
}

/// `(from, to, valid)` of a `{from, to}` mapping: `from` must be a date, `to`
/// a date or absent (open-ended).
fn period(v: Option<&Value>) -> (Option<Date>, Option<Date>, bool) {
    let date = |k: &str| {
        v.and_then(|v| v.get(k))
            .and_then(Value::as_str)
            .and_then(parse_date)
    };
    let from = date("from");
    let to_given = v.and_then(|v| v.get("to")).is_some_and(|t| !t.is_null());
    let to = date("to");
    (from, to, from.is_some() && (!to_given || to.is_some()))
}

fn covers(period: Option<(Option<Date>, Option<Date>, bool)>, today: Date) -> bool {
    match period {
        Some((Some(from), to, true)) => from <= today && to.is_none_or(|to| today <= to),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::testing::{check_one, records};
    use serde_json::json;

    const REPO: &str = "\
kind: Person
id: P-1
roles: [R-TOP, R-GONE]
---
kind: Role
id: R-TOP
top_management: true
---
kind: Role
id: R-OPS
---
kind: Objective
id: O-1
owner: P-1
supports: [O-1]
---
kind: Objective
id: O-2
owner: R-TOP
---
kind: ResourceAllocation
id: RA-OLD
period: {from: 2025-01-01, to: 2025-12-31}
supports: [O-1, O-2]
---
kind: ResourceAllocation
id: RA-NOW
period: {from: 2026-01-01, to: 2026-12-31}
supports: O-1
";

    #[test]
    fn ref_reports_each_dangling_id_at_its_place() {
        let set = records("repo.yaml", REPO);
        let f = check_one(
            &set,
            "P-1",
            json!({"ref": {"field": "/roles", "kind": "Role"}}),
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].pointer, "/roles/1");
        assert_eq!(f[0].detail, "`R-GONE` names no Role record");
        let f = check_one(
            &set,
            "O-2",
            json!({"ref": {"field": "/owner", "kind": "Person"}}),
        );
        assert_eq!(f[0].detail, "`R-TOP` is a Role, not a Person");
        assert!(check_one(
            &set,
            "O-2",
            json!({"ref": {"field": "/owner", "kind": ["Person", "Role"]}})
        )
        .is_empty());
        assert!(check_one(
            &set,
            "O-1",
            json!({"ref": {"field": "/owner", "kind": "Person"}})
        )
        .is_empty());
        // Absent field: nothing to check.
        assert!(check_one(
            &set,
            "O-2",
            json!({"ref": {"field": "/policy", "kind": "Policy"}})
        )
        .is_empty());
    }

    #[test]
    fn ref_any_with_nested_check() {
        let set = records("repo.yaml", REPO);
        let top = json!({"ref": {"field": "/roles", "kind": "Role", "any": true,
            "check": [{"field": "/top_management", "equals": true}]}});
        assert!(check_one(&set, "P-1", top.clone()).is_empty());
        let chair = json!({"ref": {"field": "/owner", "kind": "Person", "check": [top]}});
        assert!(check_one(&set, "O-1", chair.clone()).is_empty());
        let set = records(
            "repo.yaml",
            &REPO.replace("top_management: true", "top_management: false"),
        );
        let f = check_one(&set, "O-1", chair);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].pointer, "/owner");
        assert!(
            f[0].detail
                .starts_with("Person P-1: none of `roles` qualifies"),
            "{}",
            f[0].detail
        );
    }

    #[test]
    fn referenced_by_with_and_without_covering_today() {
        let set = records("repo.yaml", REPO);
        let plain = json!({"referenced_by": {"kind": "ResourceAllocation", "field": "/supports"}});
        assert!(check_one(&set, "O-2", plain.clone()).is_empty());
        let f = check_one(
            &set,
            "R-OPS",
            json!({"referenced_by": {"kind": "Person", "field": "/roles"}}),
        );
        assert_eq!(f[0].pointer, "/id");
        assert_eq!(f[0].detail, "no Person names `R-OPS` in `roles`");
        let covering = json!({"referenced_by": {"kind": "ResourceAllocation", "field": "/supports", "covering_today": "/period"}});
        // today is 2026-11-15 in `check_one`
        assert!(check_one(&set, "O-1", covering.clone()).is_empty());
        let f = check_one(&set, "O-2", covering);
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].detail,
            "no ResourceAllocation naming `O-2` covers 2026-11-15 (RA-OLD runs 2025-01-01 to 2025-12-31)"
        );
    }
}
