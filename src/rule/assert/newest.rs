//! `newest: {field: P, within: DUR | {field: Q}, default: DUR}` — the newest
//! of the dates at P in this record (P usually has a `*`: every result's
//! date) is no older than the duration before today.
//!
//! ```yaml
//! # A measurement's newest result is within its frequency, or 12 months.
//! - newest: { field: /results/*/date, within: { field: /frequency }, default: P12M }
//! ```
//!
//! - `within: {field: Q}` reads the duration from the record (`frequency`);
//!   when Q is absent, `default` applies (without a default that is a
//!   finding at Q); a value at Q that is not an ISO 8601 duration is a
//!   finding at Q.
//! - No date at P at all is a finding placed at the list P walks (e.g.
//!   `/results`, or the record when that is absent too); a newest date too
//!   old is placed at that date. Values that are not dates are ignored here
//!   (the kind's schema reports them).

use jiff::civil::Date;
use serde_json::Value;

use crate::time::Duration;

use super::super::compile::Compiler;
use super::super::path::{show_pointer, Path};
use super::super::spec::{FixedOrField, NewestCheckSpec};
use super::date::date_of;
use super::{Failure, Subject};

#[derive(Debug)]
pub(crate) struct Newest {
    field: Path,
    within: Within,
    default: Option<(Duration, String)>,
}

#[derive(Debug)]
enum Within {
    Fixed(Duration, String),
    Field(Path),
}

impl Newest {
    pub(crate) fn compile(
        spec: &NewestCheckSpec,
        c: &mut Compiler<'_>,
        ptr: &str,
    ) -> Option<Newest> {
        let field = c.path(&format!("{ptr}/field"), &spec.field);
        let within = match &spec.within {
            FixedOrField::Fixed(text) => {
                Within::Fixed(c.duration(&format!("{ptr}/within"), text)?, text.clone())
            }
            FixedOrField::Field { field } => {
                Within::Field(c.path(&format!("{ptr}/within/field"), field)?)
            }
        };
        let default = match &spec.default {
            Some(text) => Some((c.duration(&format!("{ptr}/default"), text)?, text.clone())),
            None => None,
        };
        Some(Newest {
            field: field?,
            within,
            default,
        })
    }

    fn interval(&self, s: &Subject<'_>) -> Result<(Duration, String), Failure> {
        match &self.within {
            Within::Fixed(d, t) => Ok((*d, t.clone())),
            Within::Field(p) => {
                let pointer = s.abs(p.as_str());
                let name = show_pointer(p.as_str());
                match p.get(s.value).filter(|v| !v.is_null()) {
                    Some(Value::String(text)) => match Duration::parse(text) {
                        Some(d) => Ok((d, text.clone())),
                        None => Err(Failure::new(
                            pointer,
                            format!("`{name}` is `{text}`, not an ISO 8601 duration such as P3M"),
                        )),
                    },
                    Some(_) => Err(Failure::new(
                        pointer,
                        format!("`{name}` is not an ISO 8601 duration such as P3M"),
                    )),
                    None => self.default.clone().ok_or_else(|| {
                        Failure::new(
                            pointer,
                            format!("`{name}` is missing, so how recent a date must be is unknown"),
                        )
                    }),
                }
            }
        }
    }

    /// Failures of one subject (see the module docs).
    pub(crate) fn check(&self, s: &Subject<'_>, today: Date) -> Vec<Failure> {
        let (duration, text) = match self.interval(s) {
            Ok(i) => i,
            Err(f) => return vec![f],
        };
        let newest = self
            .field
            .resolve(s.value)
            .into_iter()
            .filter_map(|h| Some((date_of(h.value?)?, h.pointer)))
            .max_by_key(|(d, _)| *d);
        let oldest_ok = duration.before(today);
        match newest {
            None => {
                let (pointer, name) = self.list_place(s);
                vec![Failure::new(
                    pointer,
                    format!(
                        "{name} holds no date at `{}`",
                        show_pointer(self.field.as_str())
                    ),
                )]
            }
            Some((date, pointer)) if date < oldest_ok => {
                let detail = format!(
                    "the newest `{}` is {date}, older than {text} (before {oldest_ok})",
                    show_pointer(&pointer)
                );
                vec![Failure::new(s.abs(&pointer), detail)]
            }
            Some(_) => Vec::new(),
        }
    }

    /// Where "no date" is reported: the list the path walks when it exists.
    fn list_place(&self, s: &Subject<'_>) -> (String, String) {
        let text = self.field.as_str();
        if let Some(cut) = text.find("/*") {
            if let Ok(prefix) = Path::parse(&text[..cut]) {
                if prefix.get(s.value).is_some() {
                    return (
                        s.abs(prefix.as_str()),
                        format!("`{}`", show_pointer(prefix.as_str())),
                    );
                }
            }
        }
        (s.abs(""), "the record".to_owned())
    }

    pub(crate) fn describe(&self) -> String {
        let within = match &self.within {
            Within::Fixed(_, t) => t.clone(),
            Within::Field(p) => format!("the duration in `{}`", show_pointer(p.as_str())),
        };
        let default = self
            .default
            .as_ref()
            .map(|(_, t)| format!(" ({t} when that is absent)"))
            .unwrap_or_default();
        format!(
            "the newest date at `{}` is within {within}{default} of today",
            show_pointer(self.field.as_str())
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::testing::{check_one, records};
    use serde_json::json;

    const REPO: &str = "\
kind: Measurement
id: M-FRESH
frequency: P3M
results: [{date: 2026-03-01, value: 1}, {date: 2026-10-01, value: 2}]
---
kind: Measurement
id: M-STALE
frequency: P3M
results: [{date: 2026-03-01, value: 1}, {date: 2026-07-01, value: 2}]
---
kind: Measurement
id: M-YEARLY
results: [{date: 2026-01-10, value: 1}]
---
kind: Measurement
id: M-EMPTY
frequency: P1M
results: []
---
kind: Measurement
id: M-BAD
frequency: monthly
results: [{date: 2026-11-01, value: 1}]
";

    fn spec() -> serde_json::Value {
        json!({"newest": {"field": "/results/*/date", "within": {"field": "/frequency"}, "default": "P12M"}})
    }

    #[test]
    fn newest_within_the_records_own_interval() {
        let set = records("m.yaml", REPO);
        assert!(check_one(&set, "M-FRESH", spec()).is_empty());
        assert!(check_one(&set, "M-YEARLY", spec()).is_empty());
        let f = check_one(&set, "M-STALE", spec());
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].pointer, "/results/1/date");
        assert_eq!(
            f[0].detail,
            "the newest `results[1].date` is 2026-07-01, older than P3M (before 2026-08-15)"
        );
        let f = check_one(&set, "M-EMPTY", spec());
        assert_eq!(f[0].pointer, "/results");
        assert_eq!(f[0].detail, "`results` holds no date at `results.*.date`");
        let f = check_one(&set, "M-BAD", spec());
        assert_eq!(f[0].pointer, "/frequency");
        let fixed = json!({"newest": {"field": "/results/*/date", "within": "P6M"}});
        assert!(check_one(&set, "M-STALE", fixed.clone()).is_empty());
        assert_eq!(check_one(&set, "M-YEARLY", fixed).len(), 1);
    }
}
