//! `disjoint: {field: P, ref: R, kind: K, with: W}` — no item of this
//! record's value at P (a string or a list) is also in the list at W of the
//! record of kind K that this record names at R.
//!
//! ```yaml
//! # No auditor audits their own area (9.2): the audit's scope names none
//! # of the auditor's roles.
//! - disjoint: { field: /scope, ref: /auditor, kind: Person, with: /roles }
//! ```
//!
//! Each shared item is a finding placed at that item (`/scope/2`). An
//! absent value, or no target (a missing or dangling reference: `ref`
//! reports it), holds.

use serde_json::Value;

use super::super::compile::Compiler;
use super::super::path::{json_eq, show_pointer, show_value, Path};
use super::super::spec::DisjointSpec;
use super::super::Context;
use super::target::Target;
use super::{Failure, Subject};

#[derive(Debug)]
pub(crate) struct Disjoint {
    field: Path,
    target: Target,
    with: Path,
}

impl Disjoint {
    pub(crate) fn compile(
        spec: &DisjointSpec,
        c: &mut Compiler<'_>,
        ptr: &str,
    ) -> Option<Disjoint> {
        let field = c.path(&format!("{ptr}/field"), &spec.field);
        let target = Target::compile(&spec.ref_, &spec.kind, c, ptr);
        let with = c.path(&format!("{ptr}/with"), &spec.with);
        Some(Disjoint {
            field: field?,
            target: target?,
            with: with?,
        })
    }

    /// Failures of one subject (see the module docs).
    pub(crate) fn check(&self, s: &Subject<'_>, ctx: &Context<'_>) -> Vec<Failure> {
        let Some(value) = self.field.get(s.value).filter(|v| !v.is_null()) else {
            return Vec::new();
        };
        let Some(target) = self.target.resolve(s, ctx) else {
            return Vec::new();
        };
        let theirs: Vec<&Value> = match self.with.get(&target.value) {
            Some(Value::Array(items)) => items.iter().collect(),
            Some(v) if !v.is_null() => vec![v],
            _ => return Vec::new(),
        };
        let pointer = s.abs(self.field.as_str());
        let items: Vec<(String, &Value)> = match value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("{pointer}/{i}"), v))
                .collect(),
            v => vec![(pointer.clone(), v)],
        };
        let with = show_pointer(self.with.as_str());
        let via = show_pointer(self.target.path_text());
        items
            .into_iter()
            .filter(|(_, v)| theirs.iter().any(|t| json_eq(t, v)))
            .map(|(p, v)| {
                let detail = format!(
                    "`{}` `{}` is also in `{with}` of {} {} (named by `{via}`)",
                    show_pointer(&p),
                    show_value(v),
                    target.kind,
                    target.id
                );
                Failure::new(p, detail)
            })
            .collect()
    }

    pub(crate) fn describe(&self) -> String {
        format!(
            "no item of `{}` is also in `{}` of {}",
            show_pointer(self.field.as_str()),
            show_pointer(self.with.as_str()),
            self.target.describe()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::testing::{check_one, records};
    use serde_json::json;

    #[test]
    fn shared_items_are_reported_each_at_its_place() {
        let set = records(
            "a.yaml",
            "kind: Person\nid: P-A\nroles: [R-OPS, R-DEV]\n---\nkind: InternalAudit\nid: IA-1\nauditor: P-A\nscope: ['4', R-OPS, '9.2', R-DEV]\n---\nkind: InternalAudit\nid: IA-2\nauditor: P-A\nscope: ['5', R-HR]\n---\nkind: InternalAudit\nid: IA-3\nauditor: P-GONE\nscope: [R-OPS]\n",
        );
        let spec = json!({"disjoint": {"field": "/scope", "ref": "/auditor", "kind": "Person", "with": "/roles"}});
        let f = check_one(&set, "IA-1", spec.clone());
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].pointer, "/scope/1");
        assert_eq!(
            f[0].detail,
            "`scope[1]` `R-OPS` is also in `roles` of Person P-A (named by `auditor`)"
        );
        assert_eq!(f[1].pointer, "/scope/3");
        assert!(check_one(&set, "IA-2", spec.clone()).is_empty());
        assert!(check_one(&set, "IA-3", spec).is_empty());
    }
}
