//! `for:` — which records (or parts of records) a rule looks at.
//!
//! ```yaml
//! for:
//!   kind: Objective                      # or a list of kinds; omitted: every record
//!   where: { status: [planned, on-track, at-risk] }
//!   each: { field: /actions, where: { status: open } }   # or just `each: /actions`
//!   if: [ { ref: { field: /from, kind: Person } } ]
//! ```
//!
//! - `where`: every entry must match. A key is a top-level field name taken
//!   verbatim (dots are *not* paths: `a.b` is the field named `a.b`), or a
//!   JSON Pointer when it starts with `/` (`/period/from`). A scalar value
//!   must equal the field; a list means "one of". When the field holds a
//!   list, one matching element is enough (`roles: top-management`). A
//!   missing field matches only `null`.
//! - `each: P`: the rule checks every element of the list (or mapping) at P
//!   instead of the record; its `where` filters those elements, and the
//!   rule's paths are relative to the element. Findings still name the record.
//! - `if`: assertions (as in `check`) that a subject must pass to be
//!   selected; e.g. only communications sent by top management.

use serde_json::{Map, Value};
use std::fmt::Write as _;

use super::assert::{Checks, Prep, Subject};
use super::compile::Compiler;
use super::path::{json_eq, show_pointer, show_value, Path};
use super::spec::{EachSpec, SelectorSpec};
use super::Context;

#[derive(Debug, Default)]
pub(crate) struct Selector {
    kinds: Option<Vec<String>>,
    filter: Where,
    each: Option<(Path, Where)>,
    when: Option<Checks>,
}

#[derive(Debug, Default)]
struct Where(Vec<(Path, Vec<Value>)>);

impl Selector {
    pub(crate) fn compile(
        spec: Option<&SelectorSpec>,
        c: &mut Compiler<'_>,
        ptr: &str,
    ) -> Option<Selector> {
        let Some(spec) = spec else {
            return Some(Selector::default());
        };
        let filter = Where::compile(&spec.where_, c, &format!("{ptr}/where"));
        let each = match &spec.each {
            None => None,
            Some(EachSpec::Path(p)) => Some((c.path(&format!("{ptr}/each"), p)?, Where::default())),
            Some(EachSpec::Full { field, where_ }) => {
                let path = c.path(&format!("{ptr}/each/field"), field);
                let w = Where::compile(where_, c, &format!("{ptr}/each/where"));
                Some((path?, w?))
            }
        };
        let when = match &spec.if_ {
            Some(specs) => Some(Checks::compile(specs, c, &format!("{ptr}/if"))?),
            None => None,
        };
        Some(Selector {
            kinds: spec.kind.as_ref().map(super::spec::OneOrMany::to_vec),
            filter: filter?,
            each,
            when,
        })
    }

    /// The kinds selected; `None` when the rule selects every record.
    pub(crate) fn kinds(&self) -> Option<&[String]> {
        self.kinds.as_deref()
    }

    pub(crate) fn prepare<'a>(&self, ctx: &Context<'a>) -> Vec<Prep<'a>> {
        self.when
            .as_ref()
            .map(|w| w.prepare(ctx))
            .unwrap_or_default()
    }

    pub(crate) fn uses_history(&self) -> bool {
        self.when.as_ref().is_some_and(Checks::uses_history)
    }

    /// The selected subjects, in record order (by kind, in the order of `kind`).
    pub(crate) fn subjects<'a>(&self, ctx: &Context<'a>, preps: &[Prep<'a>]) -> Vec<Subject<'a>> {
        let records: Vec<&'a crate::record::Record> = match &self.kinds {
            Some(kinds) => kinds.iter().flat_map(|k| ctx.records.of_kind(k)).collect(),
            None => ctx.records.iter().collect(),
        };
        let mut out = Vec::new();
        for record in records {
            if !self.filter.matches(&record.value) {
                continue;
            }
            let whole = Subject::whole(record);
            match &self.each {
                None => out.push(whole),
                Some((path, filter)) => {
                    for hit in path.resolve(&record.value) {
                        let elements: Vec<(String, &'a Value)> = match hit.value {
                            Some(Value::Array(items)) => items
                                .iter()
                                .enumerate()
                                .map(|(i, v)| (format!("{}/{i}", hit.pointer), v))
                                .collect(),
                            Some(Value::Object(map)) => map
                                .iter()
                                .map(|(k, v)| {
                                    (
                                        format!(
                                            "{}/{}",
                                            hit.pointer,
                                            crate::schema::escape_pointer(k)
                                        ),
                                        v,
                                    )
                                })
                                .collect(),
                            _ => Vec::new(),
                        };
                        for (base, value) in elements {
                            if filter.matches(value) {
                                out.push(Subject {
                                    record,
                                    base,
                                    value,
                                });
                            }
                        }
                    }
                }
            }
        }
        if let Some(when) = &self.when {
            out.retain(|s| when.holds(s, ctx, preps));
        }
        out
    }

    /// "Policy records where status is approved", for messages and `explain`.
    pub(crate) fn describe(&self) -> String {
        let mut s = match &self.kinds {
            Some(k) => format!("{} records", k.join(" and ")),
            None => "all records".to_owned(),
        };
        if !self.filter.0.is_empty() {
            let _ = write!(s, " where {}", self.filter.describe());
        }
        if let Some((p, w)) = &self.each {
            let _ = write!(s, ", each element of `{}`", show_pointer(p.as_str()));
            if !w.0.is_empty() {
                let _ = write!(s, " where {}", w.describe());
            }
        }
        if let Some(when) = &self.when {
            let _ = write!(s, ", if {}", when.describe().join(" and "));
        }
        s
    }

    /// Short noun for aggregate messages: "Policy records".
    pub(crate) fn noun(&self) -> String {
        let base = match &self.kinds {
            Some(k) => format!("{} record(s)", k.join("/")),
            None => "record(s)".to_owned(),
        };
        if self.filter.0.is_empty() && self.when.is_none() {
            base
        } else {
            format!("matching {base}")
        }
    }
}

impl Where {
    fn compile(spec: &Map<String, Value>, c: &mut Compiler<'_>, ptr: &str) -> Option<Where> {
        let mut out = Vec::new();
        let mut ok = true;
        for (key, value) in spec {
            let path = if key.starts_with('/') {
                c.path(
                    &format!("{ptr}/{}", crate::schema::escape_pointer(key)),
                    key,
                )
            } else {
                Some(Path::field(key))
            };
            let values = match value {
                Value::Array(items) => items.clone(),
                v => vec![v.clone()],
            };
            match path {
                Some(p) => out.push((p, values)),
                None => ok = false,
            }
        }
        ok.then_some(Where(out))
    }

    fn matches(&self, value: &Value) -> bool {
        self.0.iter().all(|(path, wanted)| match path.get(value) {
            None | Some(Value::Null) => wanted.iter().any(Value::is_null),
            Some(Value::Array(items)) => items.iter().any(|i| wanted.iter().any(|w| json_eq(i, w))),
            Some(v) => wanted.iter().any(|w| json_eq(v, w)),
        })
    }

    fn describe(&self) -> String {
        self.0
            .iter()
            .map(|(p, vs)| {
                let vs: Vec<String> = vs.iter().map(show_value).collect();
                let name = show_pointer(p.as_str());
                if vs.len() == 1 {
                    format!("{name} is {}", vs[0])
                } else {
                    format!("{name} is one of {}", vs.join(", "))
                }
            })
            .collect::<Vec<_>>()
            .join(" and ")
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{compile_selector, records, today};
    use super::super::{evidence::NoHistory, Context};
    use serde_json::json;

    fn ids(spec: serde_json::Value, text: &str) -> Vec<String> {
        let set = records("s.yaml", text);
        let sel = compile_selector(spec);
        let ctx = Context::new(&set, today(), &NoHistory);
        let preps = sel.prepare(&ctx);
        sel.subjects(&ctx, &preps)
            .iter()
            .map(|s| format!("{}{}", s.record.id, s.base))
            .collect()
    }

    const TEXT: &str = "\
kind: Objective
id: O-1
status: on-track
period: {from: 2026-01-01}
---
kind: Objective
id: O-2
status: achieved
---
kind: Person
id: P-1
roles: [R-A, R-TOP]
---
kind: Person
id: P-2
roles: [R-A]
---
kind: ManagementReview
id: MR-1
actions: [{id: A1, status: open}, {id: A2, status: done}, {id: A3, status: open}]
";

    #[test]
    fn where_scalars_lists_and_pointers() {
        assert_eq!(
            ids(
                json!({"kind": "Objective", "where": {"status": ["on-track", "at-risk"]}}),
                TEXT
            ),
            ["O-1"]
        );
        assert_eq!(
            ids(
                json!({"kind": "Objective", "where": {"status": "achieved"}}),
                TEXT
            ),
            ["O-2"]
        );
        assert_eq!(
            ids(json!({"where": {"/period/from": "2026-01-01"}}), TEXT),
            ["O-1"]
        );
        // A list field matches when one element does.
        assert_eq!(
            ids(json!({"kind": "Person", "where": {"roles": "R-TOP"}}), TEXT),
            ["P-1"]
        );
        // A missing field matches only null.
        assert_eq!(
            ids(json!({"kind": "Objective", "where": {"owner": null}}), TEXT),
            ["O-1", "O-2"]
        );
        assert!(ids(json!({"kind": "Objective", "where": {"owner": "x"}}), TEXT).is_empty());
        assert_eq!(ids(json!({"kind": ["Objective", "Person"]}), TEXT).len(), 4);
    }

    #[test]
    fn each_with_where_and_if() {
        assert_eq!(
            ids(
                json!({"kind": "ManagementReview", "each": {"field": "/actions", "where": {"status": "open"}}}),
                TEXT
            ),
            ["MR-1/actions/0", "MR-1/actions/2"]
        );
        assert_eq!(
            ids(
                json!({"kind": "ManagementReview", "each": "/actions"}),
                TEXT
            )
            .len(),
            3
        );
        assert_eq!(
            ids(
                json!({"kind": "Person", "if": [{"field": "/roles", "in": ["R-A"]}]}),
                TEXT
            ),
            ["P-2"]
        );
    }
}
