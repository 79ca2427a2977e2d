//! `{{field}}` templates in rule messages and help (SPEC 3).
//!
//! A placeholder names a top-level field of the subject: the record, or the
//! list element when the rule uses `for.each` (falling back to the record's
//! own field when the element lacks it, so `{{id}}` in an `each` rule is the
//! element's id when it has one). Whitespace inside the braces is allowed
//! (`{{ id }}`). Strings print as they are, lists joined by `, `, mappings as
//! JSON. A missing or null field prints as nothing, so a message stays
//! readable for a manager; a placeholder that is not a field name (e.g.
//! `{{ a b }}`) is left as written. A value longer than
//! [`MAX_SHOWN`] characters shows its start and end only, so a hostile
//! record cannot make a message of megabytes.

use serde_json::Value;

use super::path::show_value;

/// Fills `template` from `subject`, then from `record` for fields the subject
/// lacks. Both may be `None` (repo-level findings: every field is empty).
pub(crate) fn fill(template: &str, subject: Option<&Value>, record: Option<&Value>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        let name = rest[start + 2..start + 2 + len].trim();
        out.push_str(&rest[..start]);
        if is_field_name(name) {
            let value = subject
                .and_then(|s| s.get(name))
                .filter(|v| !v.is_null())
                .or_else(|| record.and_then(|r| r.get(name)));
            if let Some(v) = value {
                out.push_str(&elide(show_value(v)));
            }
        } else {
            out.push_str(&rest[start..start + 4 + len]);
        }
        rest = &rest[start + 4 + len..];
    }
    out.push_str(rest);
    out
}

/// The most characters of one value a filled template shows.
pub(crate) const MAX_SHOWN: usize = 200;

fn elide(text: String) -> String {
    let count = text.chars().count();
    if count <= MAX_SHOWN {
        return text;
    }
    let head: String = text.chars().take(MAX_SHOWN * 2 / 3).collect();
    let tail: String = text.chars().skip(count - MAX_SHOWN / 3).collect();
    format!("{head} … {tail}")
}

fn is_field_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn long_values_are_elided() {
        let long = "a".repeat(10_000);
        let text = fill("Role {{name}} is bad", Some(&json!({"name": long})), None);
        let shown = text.chars().count() - "Role  is bad".len();
        assert!((MAX_SHOWN..MAX_SHOWN + 4).contains(&shown), "{shown}");
        assert!(
            text.starts_with("Role aaa") && text.contains(" … "),
            "{text}"
        );
    }

    #[test]
    fn fills_fields_and_falls_back() {
        let rec = json!({"id": "MR-1", "title": "Review", "tags": ["a", "b"], "n": 3});
        let el = json!({"id": "A-1", "owner": null});
        assert_eq!(
            fill("{{id}} of {{ title }}", Some(&el), Some(&rec)),
            "A-1 of Review"
        );
        assert_eq!(fill("{{tags}}/{{n}}", None, Some(&rec)), "a, b/3");
        // Missing and null fields print as nothing; a null in the element
        // falls back to the record.
        assert_eq!(fill("[{{nope}}][{{owner}}]", Some(&el), Some(&rec)), "[][]");
        // Not a field name: left as written; unterminated: left as written.
        assert_eq!(fill("{{ a b }} {{x", None, Some(&rec)), "{{ a b }} {{x");
        assert_eq!(fill("no placeholders", None, None), "no placeholders");
        assert_eq!(fill("é{{id}}é", None, Some(&rec)), "éMR-1é");
    }
}
