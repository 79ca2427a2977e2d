//! `date: {field: P, within: DUR}` / `date: {field: P, not_overdue: true}` —
//! the date at P (`YYYY-MM-DD`) is no older than DUR before today, and/or is
//! today or later. Both may be given. An absent date is not judged (pair with
//! `field: P, required: true`); a value that is not a calendar date fails.
//! `*` paths check each element (`/actions/*/due`).

use jiff::civil::Date;
use serde_json::Value;

use crate::time::{parse_date, Duration};

use super::super::compile::Compiler;
use super::super::path::{show_pointer, show_value, Path};
use super::super::spec::DateSpec;
use super::{Failure, Subject};

#[derive(Debug)]
pub(crate) struct DateCheck {
    path: Path,
    /// The duration and how the rule spelled it (for messages).
    within: Option<(Duration, String)>,
    not_overdue: bool,
}

impl DateCheck {
    pub(crate) fn compile(spec: &DateSpec, c: &mut Compiler<'_>, ptr: &str) -> Option<DateCheck> {
        let path = c.path(&format!("{ptr}/field"), &spec.field);
        let within = match &spec.within {
            Some(text) => Some((c.duration(&format!("{ptr}/within"), text)?, text.clone())),
            None => None,
        };
        Some(DateCheck {
            path: path?,
            within,
            not_overdue: spec.not_overdue,
        })
    }

    pub(crate) fn check(&self, s: &Subject<'_>, today: Date) -> Vec<Failure> {
        let mut out = Vec::new();
        for hit in self.path.resolve(s.value) {
            let Some(value) = hit.value.filter(|v| !v.is_null()) else {
                continue;
            };
            let pointer = s.abs(&hit.pointer);
            // Only failures need the readable name; most values pass.
            let name = || show_pointer(&pointer);
            let Some(date) = value.as_str().and_then(parse_date) else {
                let detail = format!(
                    "`{}` is `{}`, not a date (YYYY-MM-DD)",
                    name(),
                    show_value(value)
                );
                out.push(Failure::new(pointer, detail));
                continue;
            };
            if let Some((dur, text)) = &self.within {
                let oldest = dur.before(today);
                if date < oldest {
                    let detail =
                        format!("`{}` {date} is older than {text} (before {oldest})", name());
                    out.push(Failure::new(pointer.clone(), detail));
                }
            }
            if self.not_overdue && date < today {
                let detail = format!("`{}` {date} is overdue (today is {today})", name());
                out.push(Failure::new(pointer, detail));
            }
        }
        out
    }

    pub(crate) fn describe(&self) -> String {
        let name = show_pointer(self.path.as_str());
        match (&self.within, self.not_overdue) {
            (Some((_, d)), true) => {
                format!("the date `{name}` is within {d} of today and not past")
            }
            (Some((_, d)), false) => format!("the date `{name}` is no older than {d}"),
            (None, _) => format!("the date `{name}` is today or later"),
        }
    }
}

/// A date value, for aggregate `newest`.
pub(crate) fn date_of(v: &Value) -> Option<Date> {
    v.as_str().and_then(parse_date)
}

#[cfg(test)]
mod tests {
    use super::super::super::testing::{check_one, records};
    use serde_json::json;

    #[test]
    fn within_and_not_overdue() {
        let set = records(
            "c.yaml",
            "kind: Communication\nid: C-1\ndate: 2025-11-14\ndue: 2026-11-15\nlate: 2026-11-14\nbad: soon\n",
        );
        // today is 2026-11-15
        let f = check_one(
            &set,
            "C-1",
            json!({"date": {"field": "/date", "within": "P12M"}}),
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].pointer, "/date");
        assert_eq!(
            f[0].detail,
            "`date` 2025-11-14 is older than P12M (before 2025-11-15)"
        );
        assert!(check_one(
            &set,
            "C-1",
            json!({"date": {"field": "/date", "within": "P13M"}})
        )
        .is_empty());
        assert!(check_one(
            &set,
            "C-1",
            json!({"date": {"field": "/due", "not_overdue": true}})
        )
        .is_empty());
        let f = check_one(
            &set,
            "C-1",
            json!({"date": {"field": "/late", "not_overdue": true}}),
        );
        assert_eq!(
            f[0].detail,
            "`late` 2026-11-14 is overdue (today is 2026-11-15)"
        );
        let f = check_one(
            &set,
            "C-1",
            json!({"date": {"field": "/bad", "not_overdue": true}}),
        );
        assert_eq!(f[0].detail, "`bad` is `soon`, not a date (YYYY-MM-DD)");
        assert!(check_one(
            &set,
            "C-1",
            json!({"date": {"field": "/none", "not_overdue": true}})
        )
        .is_empty());
    }
}
