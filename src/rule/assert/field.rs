//! `field: P` — constraints on the value(s) at a path.
//!
//! ```yaml
//! - { field: /owner, required: true }
//! - { field: /target, nonempty: true }
//! - { field: /id, pattern: "^POL-" }
//! - { field: "", not_pattern: '\bTBD\b' }      # every string in the record
//! - { field: /status, in: [open, done] }
//! - { field: /top_management, equals: true }
//! ```
//!
//! - `required`: the value is present and not null.
//! - `nonempty`: present and not null, a blank string, `[]` or `{}`.
//! - `pattern` / `not_pattern`: every string at or under P matches / has no
//!   match of the Rust regex (lists and mappings are searched, so
//!   `field: ""` checks a whole record including a Markdown `body`); a
//!   finding names the first match and points at it when it can.
//! - `equals`: the value equals the given one (`1` equals `1.0`).
//! - `in`: the value is one of the list; for a list value, every element is.
//!
//! An absent (or null) value fails `required`, `nonempty`, `equals` and `in`
//! (a missing flag is not `true`, a missing status is not one of the
//! allowed ones), but not `pattern` / `not_pattern`, which judge the strings
//! that are there (add `required: true` to demand one).

use std::fmt::Write as _;

use regex::Regex;
use serde_json::Value;

use crate::record::Record;
use crate::source::Span;

use super::super::compile::Compiler;
use super::super::path::{is_empty_value, json_eq, show_pointer, show_value, Path};
use super::super::spec::FieldSpec;
use super::{Failure, Subject};

#[derive(Debug)]
pub(crate) struct Field {
    path: Path,
    required: bool,
    nonempty: bool,
    pattern: Option<Regex>,
    not_pattern: Option<Regex>,
    equals: Option<Value>,
    one_of: Option<Vec<Value>>,
}

impl Field {
    pub(crate) fn compile(spec: &FieldSpec, c: &mut Compiler<'_>, ptr: &str) -> Option<Field> {
        let path = c.path(&format!("{ptr}/field"), &spec.field);
        let pattern = spec
            .pattern
            .as_ref()
            .map(|p| c.regex(&format!("{ptr}/pattern"), p));
        let not_pattern = spec
            .not_pattern
            .as_ref()
            .map(|p| c.regex(&format!("{ptr}/not_pattern"), p));
        Some(Field {
            path: path?,
            required: spec.required,
            nonempty: spec.nonempty,
            pattern: pattern.map_or(Some(None), |r| r.map(Some))?,
            not_pattern: not_pattern.map_or(Some(None), |r| r.map(Some))?,
            equals: spec.equals.clone(),
            one_of: spec.in_.clone(),
        })
    }

    pub(crate) fn check(&self, s: &Subject<'_>) -> Vec<Failure> {
        let mut out = Vec::new();
        for hit in self.path.resolve(s.value) {
            let pointer = s.abs(&hit.pointer);
            let value = hit.value.filter(|v| !v.is_null());
            let Some(value) = value else {
                let expected = match (&self.equals, &self.one_of) {
                    _ if self.required || self.nonempty => Some(String::new()),
                    (Some(want), _) => Some(format!(", expected `{}`", show_value(want))),
                    (None, Some(allowed)) => {
                        Some(format!(", expected one of: {}", show_list(allowed)))
                    }
                    (None, None) => None,
                };
                if let Some(expected) = expected {
                    let detail = format!("`{}` is missing{expected}", show_pointer(&pointer));
                    out.push(Failure::new(pointer, detail));
                }
                continue;
            };
            if self.nonempty && is_empty_value(value) {
                let detail = format!("`{}` is empty", show_pointer(&pointer));
                out.push(Failure::new(pointer.clone(), detail));
            }
            if let Some(re) = &self.pattern {
                visit_strings(value, &mut pointer.clone(), &mut |p, text| {
                    if !re.is_match(text) {
                        let detail =
                            format!("`{}` does not match `{}`", show_pointer(p), re.as_str());
                        out.push(Failure::new(p, detail));
                    }
                });
            }
            if let Some(re) = &self.not_pattern {
                visit_strings(value, &mut pointer.clone(), &mut |p, text| {
                    if let Some(m) = re.find(text) {
                        let detail =
                            format!("`{}` contains \"{}\"", show_pointer(p), excerpt(m.as_str()));
                        let span = string_span(s.record, p, text, m.range());
                        out.push(Failure {
                            span,
                            ..Failure::new(p, detail)
                        });
                    }
                });
            }
            if let Some(want) = &self.equals {
                if !json_eq(value, want) {
                    let detail = format!(
                        "`{}` is `{}`, expected `{}`",
                        show_pointer(&pointer),
                        show_value(value),
                        show_value(want)
                    );
                    out.push(Failure::new(pointer.clone(), detail));
                }
            }
            if let Some(allowed) = &self.one_of {
                let items: Vec<(String, &Value)> = match value {
                    Value::Array(items) => items
                        .iter()
                        .enumerate()
                        .map(|(i, v)| (format!("{pointer}/{i}"), v))
                        .collect(),
                    v => vec![(pointer.clone(), v)],
                };
                for (p, v) in items {
                    if !allowed.iter().any(|a| json_eq(a, v)) {
                        let detail = format!(
                            "`{}` is `{}`, expected one of: {}",
                            show_pointer(&p),
                            show_value(v),
                            show_list(allowed)
                        );
                        out.push(Failure::new(p, detail));
                    }
                }
            }
        }
        out
    }

    pub(crate) fn describe(&self) -> String {
        let name = show_pointer(self.path.as_str());
        let mut parts = Vec::new();
        if self.nonempty {
            parts.push("is present and not empty".to_owned());
        } else if self.required {
            parts.push("is present".to_owned());
        }
        if let Some(re) = &self.pattern {
            parts.push(format!("matches `{}`", re.as_str()));
        }
        if let Some(re) = &self.not_pattern {
            parts.push(format!("contains nothing matching `{}`", re.as_str()));
        }
        if let Some(v) = &self.equals {
            parts.push(format!("equals `{}`", show_value(v)));
        }
        if let Some(vs) = &self.one_of {
            let vs: Vec<String> = vs.iter().map(show_value).collect();
            parts.push(format!("is one of: {}", vs.join(", ")));
        }
        format!("`{name}` {}", parts.join(" and "))
    }
}

fn show_list(values: &[Value]) -> String {
    values.iter().map(show_value).collect::<Vec<_>>().join(", ")
}

/// Calls `f(pointer, text)` for every string at or under `value`; `pointer`
/// is one buffer grown and shrunk along the walk, so passing values cost no
/// allocation (`field: ""` with `not_pattern` visits every string of every
/// selected record).
fn visit_strings(value: &Value, pointer: &mut String, f: &mut impl FnMut(&str, &str)) {
    match value {
        Value::String(s) => f(pointer, s),
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let len = pointer.len();
                let _ = write!(pointer, "/{i}");
                visit_strings(v, pointer, f);
                pointer.truncate(len);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                let len = pointer.len();
                pointer.push('/');
                for c in k.chars() {
                    match c {
                        '~' => pointer.push_str("~0"),
                        '/' => pointer.push_str("~1"),
                        c => pointer.push(c),
                    }
                }
                visit_strings(v, pointer, f);
                pointer.truncate(len);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// At most 40 characters of a match, on one line.
fn excerpt(s: &str) -> String {
    let one_line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.chars().count() > 40 {
        let cut: String = one_line.chars().take(39).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

/// The file span of `range` inside the string `text` at `pointer`, when the
/// file holds the string verbatim: a plain or quoted one-line scalar whose
/// source text is the string, or a Markdown body (not in the YAML tree) that
/// ends the file. Otherwise `None`, and the finding goes to the node.
pub(crate) fn string_span(
    record: &Record,
    pointer: &str,
    text: &str,
    range: std::ops::Range<usize>,
) -> Option<Span> {
    let file = &record.file.text;
    let start = match record.tree.pointer(pointer) {
        Some(node) => {
            let span = node.span.shifted(record.offset);
            let src = file.get(span.start..span.end)?;
            if src == text {
                span.start
            } else if src.len() == text.len() + 2
                && (src.starts_with('"') || src.starts_with('\''))
                && &src[1..src.len() - 1] == text
            {
                span.start + 1
            } else {
                return None;
            }
        }
        None if !text.is_empty() && file.ends_with(text) => file.len() - text.len(),
        None => return None,
    };
    Some(Span::new(start + range.start, start + range.end))
}

#[cfg(test)]
mod tests {
    use super::super::super::testing::{check_one, records};
    use serde_json::json;

    #[test]
    fn required_and_nonempty() {
        let set = records(
            "a.yaml",
            "kind: Objective\nid: O-1\ntarget: ''\nmetric: null\n",
        );
        let f = check_one(&set, "O-1", json!({"field": "/target", "nonempty": true}));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].pointer, "/target");
        assert_eq!(f[0].detail, "`target` is empty");
        let f = check_one(&set, "O-1", json!({"field": "/metric", "required": true}));
        assert_eq!(f[0].detail, "`metric` is missing");
        assert!(check_one(&set, "O-1", json!({"field": "/target", "required": true})).is_empty());
        assert!(check_one(&set, "O-1", json!({"field": "/id", "nonempty": true})).is_empty());
        // Absent values are not judged by the patterns, but are not equal to anything.
        assert!(check_one(
            &set,
            "O-1",
            json!({"field": "/nope", "pattern": "x", "not_pattern": "y"})
        )
        .is_empty());
        let f = check_one(&set, "O-1", json!({"field": "/nope", "equals": true}));
        assert_eq!(f[0].detail, "`nope` is missing, expected `true`");
        let f = check_one(&set, "O-1", json!({"field": "/nope", "in": ["a", "b"]}));
        assert_eq!(f[0].detail, "`nope` is missing, expected one of: a, b");
    }

    #[test]
    fn patterns_search_nested_strings_and_point_at_the_match() {
        let text = "kind: Policy\nid: P-1\ntitle: Policy TBD here\nlist: [ok, \"TODO later\"]\n";
        let set = records("p.yaml", text);
        let f = check_one(
            &set,
            "P-1",
            json!({"field": "", "not_pattern": r"\b(TBD|TODO)\b"}),
        );
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[0].pointer, "/title");
        assert_eq!(f[0].detail, "`title` contains \"TBD\"");
        let span = f[0].span.unwrap();
        assert_eq!(&text[span.start..span.end], "TBD");
        assert_eq!(f[1].pointer, "/list/1");
        let span = f[1].span.unwrap();
        assert_eq!(&text[span.start..span.end], "TODO");
        assert!(check_one(
            &set,
            "P-1",
            json!({"field": "/id", "pattern": "^P-[0-9]+$"})
        )
        .is_empty());
        let f = check_one(&set, "P-1", json!({"field": "/id", "pattern": "^POL-"}));
        assert_eq!(f[0].detail, "`id` does not match `^POL-`");
    }

    #[test]
    fn equals_and_in() {
        let set = records(
            "r.yaml",
            "kind: Role\nid: R-1\ntop_management: false\nstatus: [open, weird]\nn: 1\n",
        );
        let f = check_one(
            &set,
            "R-1",
            json!({"field": "/top_management", "equals": true}),
        );
        assert_eq!(f[0].detail, "`top_management` is `false`, expected `true`");
        assert!(check_one(&set, "R-1", json!({"field": "/n", "equals": 1.0})).is_empty());
        let f = check_one(
            &set,
            "R-1",
            json!({"field": "/status", "in": ["open", "done"]}),
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].pointer, "/status/1");
        assert_eq!(
            f[0].detail,
            "`status[1]` is `weird`, expected one of: open, done"
        );
    }

    #[test]
    fn wildcards_report_each_element() {
        let set = records(
            "m.yaml",
            "kind: ManagementReview\nid: MR-1\nactions:\n  - {id: A1, owner: P-1}\n  - {id: A2}\n",
        );
        let f = check_one(
            &set,
            "MR-1",
            json!({"field": "/actions/*/owner", "required": true}),
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].pointer, "/actions/1/owner");
        assert_eq!(f[0].detail, "`actions[1].owner` is missing");
    }
}
