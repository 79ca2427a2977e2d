//! `rank: {field: P, ref: R, kind: K, order: O, above: B}` (or `at_most: B`,
//! or neither) — this record's value at P, placed in an ordered list
//! (low to high) held by the record of kind K that this record names at R.
//!
//! ```yaml
//! - rank: { field: /likelihood, ref: /method, kind: RiskMethod, order: /likelihood }
//! - rank: { field: /level, ref: /method, kind: RiskMethod, order: /levels, above: /acceptance }
//! ```
//!
//! - Neither `above` nor `at_most`: the value is one of the list (a
//!   membership check; a finding at P names the list, with a did-you-mean).
//!   An absent value or a missing target holds (`required` and `ref`
//!   report those).
//! - `above: B`: the value ranks strictly above the target's value at B
//!   (also looked up in the list); `at_most: B`: at or below it. A value
//!   that cannot be ranked (absent, not in the list, no target, a bound not
//!   in the list) fails, so `for.if: [{rank: {…, above: …}}]` selects only
//!   the records that provably rank above.
//!
//! Findings are placed at P.

use serde_json::Value;

use super::super::compile::Compiler;
use super::super::path::{json_eq, show_pointer, show_value, Path};
use super::super::spec::RankSpec;
use super::super::Context;
use super::target::Target;
use super::{Failure, Subject};

#[derive(Debug)]
pub(crate) struct Rank {
    field: Path,
    target: Target,
    order: Path,
    bound: Option<(Bound, Path)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bound {
    Above,
    AtMost,
}

impl Rank {
    pub(crate) fn compile(spec: &RankSpec, c: &mut Compiler<'_>, ptr: &str) -> Option<Rank> {
        let field = c.path(&format!("{ptr}/field"), &spec.field);
        let target = Target::compile(&spec.ref_, &spec.kind, c, ptr);
        let order = c.path(&format!("{ptr}/order"), &spec.order);
        let bound = match (&spec.above, &spec.at_most) {
            (Some(b), _) => Some((Bound::Above, c.path(&format!("{ptr}/above"), b)?)),
            (None, Some(b)) => Some((Bound::AtMost, c.path(&format!("{ptr}/at_most"), b)?)),
            (None, None) => None,
        };
        Some(Rank {
            field: field?,
            target: target?,
            order: order?,
            bound,
        })
    }

    /// Failures of one subject (see the module docs).
    pub(crate) fn check(&self, s: &Subject<'_>, ctx: &Context<'_>) -> Vec<Failure> {
        let pointer = s.abs(self.field.as_str());
        let name = show_pointer(self.field.as_str());
        let strict = self.bound.is_some();
        let fail = |detail: String| vec![Failure::new(pointer.clone(), detail)];
        let Some(value) = self.field.get(s.value).filter(|v| !v.is_null()) else {
            return if strict {
                fail(format!("`{name}` is missing, so it cannot be ranked"))
            } else {
                Vec::new()
            };
        };
        let Some(target) = self.target.resolve(s, ctx) else {
            return if strict {
                fail(format!(
                    "`{name}` cannot be ranked: there is no {}",
                    self.target.describe()
                ))
            } else {
                Vec::new()
            };
        };
        let owner = format!("{} {}", target.kind, target.id);
        let order_name = show_pointer(self.order.as_str());
        let Some(list) = self.order.get(&target.value).and_then(Value::as_array) else {
            return fail(format!(
                "{owner} has no list `{order_name}` to rank `{name}` in"
            ));
        };
        let position = |v: &Value| list.iter().position(|x| json_eq(x, v));
        let Some(at) = position(value) else {
            let names: Vec<String> = list.iter().map(show_value).collect();
            let text = show_value(value);
            let hint = crate::suggest::did_you_mean(&text, names.iter().map(String::as_str));
            return fail(format!(
                "`{name}` `{text}` is not one of {owner}'s `{order_name}` ({}){hint}",
                names.join(", ")
            ));
        };
        let Some((bound, bound_path)) = &self.bound else {
            return Vec::new();
        };
        let bound_name = show_pointer(bound_path.as_str());
        let bound_value = bound_path.get(&target.value).filter(|v| !v.is_null());
        let Some(limit) = bound_value.and_then(position) else {
            return fail(format!(
                "{owner}'s `{bound_name}` `{}` is not one of its `{order_name}`, so `{name}` cannot be ranked against it",
                bound_value.map(show_value).unwrap_or_default()
            ));
        };
        let bound_text = bound_value.map(show_value).unwrap_or_default();
        let text = show_value(value);
        match bound {
            Bound::Above if at <= limit => fail(format!(
                "`{name}` `{text}` does not rank above {owner}'s `{bound_name}` `{bound_text}`"
            )),
            Bound::AtMost if at > limit => fail(format!(
                "`{name}` `{text}` ranks above {owner}'s `{bound_name}` `{bound_text}`"
            )),
            Bound::Above | Bound::AtMost => Vec::new(),
        }
    }

    pub(crate) fn describe(&self) -> String {
        let base = format!(
            "`{}` is one of `{}` of {}",
            show_pointer(self.field.as_str()),
            show_pointer(self.order.as_str()),
            self.target.describe()
        );
        match &self.bound {
            None => base,
            Some((Bound::Above, b)) => format!(
                "{base} and ranks above its `{}` (in that order, low to high)",
                show_pointer(b.as_str())
            ),
            Some((Bound::AtMost, b)) => format!(
                "{base} and ranks at or below its `{}` (in that order, low to high)",
                show_pointer(b.as_str())
            ),
        }
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
levels: [low, medium, high]
acceptance: medium
---
kind: Risk
id: R-HIGH
method: RM-1
likelihood: likly
level: high
---
kind: Risk
id: R-MED
method: RM-1
likelihood: rare
level: medium
---
kind: Risk
id: R-ODD
method: RM-GONE
level: extreme
";

    #[test]
    fn membership_with_did_you_mean() {
        let set = records("r.yaml", REPO);
        let member = json!({"rank": {"field": "/likelihood", "ref": "/method",
            "kind": "RiskMethod", "order": "/likelihood"}});
        assert!(check_one(&set, "R-MED", member.clone()).is_empty());
        let f = check_one(&set, "R-HIGH", member.clone());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].pointer, "/likelihood");
        assert_eq!(
            f[0].detail,
            "`likelihood` `likly` is not one of RiskMethod RM-1's `likelihood` (rare, likely) (did you mean `likely`?)"
        );
        // Absent value, dangling target: not this assertion's business.
        assert!(check_one(&set, "R-ODD", member).is_empty());
    }

    #[test]
    fn above_and_at_most() {
        let set = records("r.yaml", REPO);
        let above = json!({"rank": {"field": "/level", "ref": "/method",
            "kind": "RiskMethod", "order": "/levels", "above": "/acceptance"}});
        let at_most = json!({"rank": {"field": "/level", "ref": "/method",
            "kind": "RiskMethod", "order": "/levels", "at_most": "/acceptance"}});
        assert!(check_one(&set, "R-HIGH", above.clone()).is_empty());
        let f = check_one(&set, "R-MED", above.clone());
        assert_eq!(
            f[0].detail,
            "`level` `medium` does not rank above RiskMethod RM-1's `acceptance` `medium`"
        );
        assert!(check_one(&set, "R-MED", at_most.clone()).is_empty());
        let f = check_one(&set, "R-HIGH", at_most);
        assert_eq!(f[0].pointer, "/level");
        assert!(f[0].detail.contains("ranks above"), "{}", f[0].detail);
        // Cannot be ranked: fails, so an `if` does not select it.
        let f = check_one(&set, "R-ODD", above);
        assert!(f[0].detail.contains("cannot be ranked"), "{}", f[0].detail);
    }
}

#[cfg(test)]
mod schema_tests {
    use super::super::super::testing::{load_files, load_ok};

    fn rule(check: &str) -> String {
        format!("rules:\n  - id: acme/r\n    severity: error\n    message: m\n    for: {{ kind: Risk }}\n    check:\n      - {check}\n")
    }

    #[test]
    fn the_rule_file_schema_knows_the_new_assertions() {
        load_ok(&rule(
            "rank: { field: /level, ref: /method, kind: RiskMethod, order: /levels, above: /acceptance }",
        ));
        load_ok(&rule(
            "lookup: { ref: /method, kind: RiskMethod, table: /matrix, keys: [/likelihood], equals: /level }",
        ));
        load_ok(&rule("same: { field: /accepted_by, as: /owner }"));
        load_ok(&rule(
            "disjoint: { field: /scope, ref: /auditor, kind: Person, with: /roles }",
        ));
        load_ok(&rule(
            "newest: { field: /results/*/date, within: { field: /frequency }, default: P12M }",
        ));
        for bad in [
            "rank: { field: /level, ref: /method, kind: RiskMethod, order: /levels, above: /a, at_most: /a }",
            "lookup: { ref: /method, kind: RiskMethod, table: /matrix, equals: /level }",
            "same: { field: /accepted_by, to: /owner }",
            "disjoint: { field: /scope, ref: auditor, kind: Person, with: /roles }",
            "newest: { field: /results/*/date, within: twelve months }",
        ] {
            let text = rule(bad);
            let err = load_files(&[("rules/acme.yaml", &text)]);
            assert!(err.is_err(), "{bad} loaded");
        }
    }
}
