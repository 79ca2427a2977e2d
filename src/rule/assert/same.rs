//! `same: {field: P, as: Q}` — two fields of one record hold the same value
//! ("the residual risk is accepted by the risk's owner":
//! `same: {field: /accepted_by, as: /owner}`).
//!
//! An absent value at P holds (add `required` to demand one); a value at P
//! that differs from Q's, or with no value at Q, fails. The finding is
//! placed at P.

use super::super::compile::Compiler;
use super::super::path::{json_eq, show_pointer, show_value, Path};
use super::super::spec::SameSpec;
use super::{Failure, Subject};

#[derive(Debug)]
pub(crate) struct Same {
    field: Path,
    other: Path,
}

impl Same {
    pub(crate) fn compile(spec: &SameSpec, c: &mut Compiler<'_>, ptr: &str) -> Option<Same> {
        let field = c.path(&format!("{ptr}/field"), &spec.field);
        let other = c.path(&format!("{ptr}/as"), &spec.as_);
        Some(Same {
            field: field?,
            other: other?,
        })
    }

    /// Failures of one subject (see the module docs).
    pub(crate) fn check(&self, s: &Subject<'_>) -> Vec<Failure> {
        let Some(value) = self.field.get(s.value).filter(|v| !v.is_null()) else {
            return Vec::new();
        };
        let name = show_pointer(self.field.as_str());
        let other = show_pointer(self.other.as_str());
        let detail = match self.other.get(s.value).filter(|v| !v.is_null()) {
            Some(o) if json_eq(o, value) => return Vec::new(),
            Some(o) => format!(
                "`{name}` is `{}`, but `{other}` is `{}`",
                show_value(value),
                show_value(o)
            ),
            None => format!(
                "`{name}` is `{}`, but `{other}` is missing",
                show_value(value)
            ),
        };
        vec![Failure::new(s.abs(self.field.as_str()), detail)]
    }

    pub(crate) fn describe(&self) -> String {
        format!(
            "`{}`, when given, equals `{}`",
            show_pointer(self.field.as_str()),
            show_pointer(self.other.as_str())
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::testing::{check_one, records};
    use serde_json::json;

    #[test]
    fn equal_different_and_absent() {
        let set = records(
            "r.yaml",
            "kind: Risk\nid: R-1\nowner: P-A\naccepted_by: P-A\n---\nkind: Risk\nid: R-2\nowner: P-A\naccepted_by: P-B\n---\nkind: Risk\nid: R-3\nowner: P-A\n---\nkind: Risk\nid: R-4\naccepted_by: P-B\n",
        );
        let spec = json!({"same": {"field": "/accepted_by", "as": "/owner"}});
        assert!(check_one(&set, "R-1", spec.clone()).is_empty());
        assert!(check_one(&set, "R-3", spec.clone()).is_empty());
        let f = check_one(&set, "R-2", spec.clone());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].pointer, "/accepted_by");
        assert_eq!(f[0].detail, "`accepted_by` is `P-B`, but `owner` is `P-A`");
        let f = check_one(&set, "R-4", spec);
        assert_eq!(
            f[0].detail,
            "`accepted_by` is `P-B`, but `owner` is missing"
        );
    }
}
