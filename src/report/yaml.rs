//! A small YAML emitter for `govlint show --format yaml`: block style, strings
//! quoted whenever a plain scalar could be read back as anything else.

use serde_json::Value;

/// Renders a JSON value as a YAML document.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::from("---\n");
    match value {
        Value::Array(items) if !items.is_empty() => block_seq(items, 0, &mut out),
        Value::Object(map) if !map.is_empty() => block_map(map, 0, &mut out),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

fn block_seq(items: &[Value], indent: usize, out: &mut String) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        match item {
            // A mapping starts on the dash's line: `- key: value`.
            Value::Object(map) if !map.is_empty() => {
                let mut inner = String::new();
                block_map(map, indent + 2, &mut inner);
                out.push(' ');
                out.push_str(&inner[indent + 2..]);
            }
            other => nested(other, indent + 2, out),
        }
    }
}

fn block_map(map: &serde_json::Map<String, Value>, indent: usize, out: &mut String) {
    for (k, v) in map {
        out.push_str(&" ".repeat(indent));
        out.push_str(&string(k));
        out.push(':');
        nested(v, indent + 2, out);
    }
}

/// After `-` or `key:`: an inline scalar/empty collection, or a nested block.
fn nested(v: &Value, indent: usize, out: &mut String) {
    match v {
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            block_seq(items, indent, out);
        }
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            block_map(map, indent, out);
        }
        other => {
            out.push(' ');
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Array(_) => "[]".to_owned(),
        Value::Object(_) => "{}".to_owned(),
    }
}

/// Plain when unambiguous, else a JSON-escaped double-quoted scalar (valid YAML).
fn string(s: &str) -> String {
    let plain_safe = !s.is_empty()
        && s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '-' | '.' | '/'))
        && !s.ends_with(' ')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "~"
        )
        && !s.starts_with(".inf")
        && !s.starts_with(".nan");
    if plain_safe {
        s.to_owned()
    } else {
        Value::String(s.to_owned()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_what_would_change_type() {
        let v = serde_json::json!([{"a": "yes", "b": "2026-09-15", "c": 12, "d": ["x y", ""], "e": {}}]);
        assert_eq!(
            to_yaml(&v),
            "---\n- a: \"yes\"\n  b: \"2026-09-15\"\n  c: 12\n  d:\n    - x y\n    - \"\"\n  e: {}\n"
        );
    }
}
