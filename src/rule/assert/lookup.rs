//! `lookup: {ref: P, kind: K, table: T, keys: [P1, P2, …], equals: E}` — the
//! value found in the referenced record's table agrees with this record.
//!
//! ```yaml
//! - lookup: { ref: /method, kind: RiskMethod, table: /matrix,
//!             keys: [/likelihood, /impact], equals: /level }
//! ```
//!
//! Starting at `T` in the record of kind K that this record names at P, it
//! descends one mapping level per key, by the (string) value of this
//! record's field at that key (`matrix[likelihood][impact]`), and demands
//! that what it reaches equals this record's value at `E`.
//!
//! - No value at `E`: nothing to compare, it holds (add `required` to
//!   demand one) — so `residual/level` is checked only when given.
//! - No target (the reference is missing or dangling): it holds; `ref`
//!   reports that.
//! - A key missing while `E` is given: reported at the missing key.
//! - A key value the table has no entry for: reported at that key, naming
//!   the entries there are.
//! - A disagreement: reported at `E`, naming what the table gives.

use std::fmt::Write as _;

use super::super::compile::Compiler;
use super::super::path::{json_eq, show_pointer, show_value, Path};
use super::super::spec::LookupSpec;
use super::super::Context;
use super::target::Target;
use super::{Failure, Subject};

#[derive(Debug)]
pub(crate) struct Lookup {
    target: Target,
    table: Path,
    keys: Vec<Path>,
    equals: Path,
}

impl Lookup {
    pub(crate) fn compile(spec: &LookupSpec, c: &mut Compiler<'_>, ptr: &str) -> Option<Lookup> {
        let target = Target::compile(&spec.ref_, &spec.kind, c, ptr);
        let table = c.path(&format!("{ptr}/table"), &spec.table);
        let keys: Vec<Option<Path>> = spec
            .keys
            .iter()
            .enumerate()
            .map(|(i, k)| c.path(&format!("{ptr}/keys/{i}"), k))
            .collect();
        let equals = c.path(&format!("{ptr}/equals"), &spec.equals);
        Some(Lookup {
            target: target?,
            table: table?,
            keys: keys.into_iter().collect::<Option<_>>()?,
            equals: equals?,
        })
    }

    /// Failures of one subject (see the module docs).
    pub(crate) fn check(&self, s: &Subject<'_>, ctx: &Context<'_>) -> Vec<Failure> {
        let Some(want) = self.equals.get(s.value).filter(|v| !v.is_null()) else {
            return Vec::new();
        };
        let Some(target) = self.target.resolve(s, ctx) else {
            return Vec::new();
        };
        let equals_ptr = s.abs(self.equals.as_str());
        let equals_name = show_pointer(self.equals.as_str());
        let table_name = show_pointer(self.table.as_str());
        let owner = format!("{} {}", target.kind, target.id);
        let Some(mut node) = self.table.get(&target.value) else {
            let detail = format!("{owner} has no `{table_name}` to look `{equals_name}` up in");
            return vec![Failure::new(equals_ptr, detail)];
        };
        let mut path_text = String::new();
        for key in &self.keys {
            let key_ptr = s.abs(key.as_str());
            let key_name = show_pointer(key.as_str());
            let Some(value) = key.get(s.value).filter(|v| !v.is_null()) else {
                let detail = format!(
                    "`{key_name}` is missing, so `{equals_name}` cannot be looked up in {owner}'s `{table_name}`"
                );
                return vec![Failure::new(key_ptr, detail)];
            };
            let label = show_value(value);
            let next = node.as_object().and_then(|m| m.get(&label));
            let Some(next) = next else {
                let known = node
                    .as_object()
                    .map(|m| m.keys().cloned().collect::<Vec<_>>().join(", "))
                    .unwrap_or_default();
                let mut detail = format!(
                    "`{key_name}` `{label}` has no entry in {owner}'s `{table_name}`{path_text}"
                );
                if !known.is_empty() {
                    let _ = write!(detail, " (it has: {known})");
                }
                return vec![Failure::new(key_ptr, detail)];
            };
            let _ = write!(path_text, "[{label}]");
            node = next;
        }
        if json_eq(node, want) {
            return Vec::new();
        }
        let keys: Vec<String> = self
            .keys
            .iter()
            .map(|k| {
                format!(
                    "{} `{}`",
                    show_pointer(k.as_str()),
                    k.get(s.value).map(show_value).unwrap_or_default()
                )
            })
            .collect();
        let detail = format!(
            "`{equals_name}` is `{}`, but {owner}'s `{table_name}` gives `{}` for {}",
            show_value(want),
            show_value(node),
            keys.join(", ")
        );
        vec![Failure::new(equals_ptr, detail)]
    }

    pub(crate) fn describe(&self) -> String {
        let keys: Vec<String> = self
            .keys
            .iter()
            .map(|k| format!("[{}]", show_pointer(k.as_str())))
            .collect();
        format!(
            "`{}`, when given, equals `{}{}` of {}",
            show_pointer(self.equals.as_str()),
            show_pointer(self.table.as_str()),
            keys.join(""),
            self.target.describe()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::testing::{check_one, records};
    use serde_json::json;

    const REPO: &str = "\
kind: RiskMethod
id: RM-1
likelihood: [rare, likely]
impact: [minor, major]
levels: [low, medium, high]
acceptance: medium
matrix:
  rare: {minor: low, major: medium}
  likely: {minor: medium, major: high}
---
kind: Risk
id: R-OK
method: RM-1
likelihood: likely
impact: major
level: high
residual: {likelihood: rare, impact: major, level: medium}
---
kind: Risk
id: R-BAD
method: RM-1
likelihood: likely
impact: major
level: low
residual: {likelihood: often, level: low}
---
kind: Risk
id: R-NOMETHOD
method: RM-GONE
likelihood: likely
impact: major
level: low
";

    fn spec(prefix: &str) -> serde_json::Value {
        json!({"lookup": {"ref": "/method", "kind": "RiskMethod", "table": "/matrix",
            "keys": [format!("{prefix}/likelihood"), format!("{prefix}/impact")],
            "equals": format!("{prefix}/level")}})
    }

    #[test]
    fn agreement_disagreement_and_placement() {
        let set = records("risks.yaml", REPO);
        assert!(check_one(&set, "R-OK", spec("")).is_empty());
        assert!(check_one(&set, "R-OK", spec("/residual")).is_empty());
        let f = check_one(&set, "R-BAD", spec(""));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].pointer, "/level");
        assert_eq!(
            f[0].detail,
            "`level` is `low`, but RiskMethod RM-1's `matrix` gives `high` for likelihood `likely`, impact `major`"
        );
        let f = check_one(&set, "R-BAD", spec("/residual"));
        assert_eq!(f[0].pointer, "/residual/likelihood");
        assert!(
            f[0].detail
                .starts_with("`residual.likelihood` `often` has no entry in RiskMethod RM-1's `matrix` (it has: "),
            "{}",
            f[0].detail
        );
        // A dangling method is `ref`'s to report.
        assert!(check_one(&set, "R-NOMETHOD", spec("")).is_empty());
        // No residual at all: nothing to compare.
        assert!(check_one(&set, "RM-1", spec("/residual")).is_empty());
    }

    #[test]
    fn a_missing_key_is_reported_at_the_key() {
        let set = records(
            "r.yaml",
            &REPO.replace(
                "residual: {likelihood: often, level: low}",
                "residual: {level: low}",
            ),
        );
        let f = check_one(&set, "R-BAD", spec("/residual"));
        assert_eq!(f[0].pointer, "/residual/likelihood");
        assert!(f[0].detail.contains("is missing"), "{}", f[0].detail);
    }
}
