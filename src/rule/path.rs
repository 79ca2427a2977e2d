//! Field paths in rules: RFC 6901 JSON Pointers into a record, extended with
//! one wildcard token, `*`, that stands for every element of a list (or every
//! value of a mapping): `/actions/*/owner` is the owner of each action. A
//! mapping key that is literally `*` cannot be addressed.
//!
//! Also the small value helpers every assertion shares: comparing JSON values
//! as YAML authors mean them, and printing paths and values for people.

use serde_json::Value;
use std::fmt::Write as _;

use crate::schema::escape_pointer;

/// A parsed path. `""` is the whole record (or the `each` element).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Path {
    text: String,
    tokens: Vec<Token>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Key(String),
    Any,
}

/// One place a path reached: the concrete pointer (no wildcards) and the
/// value there, `None` when the last keys are missing.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Hit<'v> {
    pub pointer: String,
    pub value: Option<&'v Value>,
}

/// Why a path is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    #[error("a JSON Pointer must be empty or start with `/`")]
    NoLeadingSlash,
    #[error("`~` must be followed by `0` or `1`")]
    BadEscape,
}

impl Path {
    pub(crate) fn parse(text: &str) -> Result<Path, PathError> {
        if text.is_empty() {
            return Ok(Path {
                text: String::new(),
                tokens: Vec::new(),
            });
        }
        let rest = text.strip_prefix('/').ok_or(PathError::NoLeadingSlash)?;
        let tokens = rest
            .split('/')
            .map(|t| {
                if t == "*" {
                    Ok(Token::Any)
                } else {
                    unescape(t).map(Token::Key)
                }
            })
            .collect::<Result<_, _>>()?;
        Ok(Path {
            text: text.to_owned(),
            tokens,
        })
    }

    /// A path of one mapping key (a selector's bare field name).
    pub(crate) fn field(name: &str) -> Path {
        Path {
            text: format!("/{}", escape_pointer(name)),
            tokens: vec![Token::Key(name.to_owned())],
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }

    /// Every place the path reaches in `root`. A missing key before a
    /// wildcard yields nothing (there is nothing to check for each of); a
    /// missing key after the last wildcard yields a hit with `value: None`,
    /// so `required` can report it at its concrete pointer.
    pub(crate) fn resolve<'v>(&self, root: &'v Value) -> Vec<Hit<'v>> {
        let mut out = Vec::new();
        walk(root, &self.tokens, String::new(), &mut out);
        out
    }

    /// The value at a wildcard-free path (the first hit otherwise). Walks
    /// without building pointers: selectors call this for every record.
    pub(crate) fn get<'v>(&self, root: &'v Value) -> Option<&'v Value> {
        let mut v = root;
        for token in &self.tokens {
            v = match (token, v) {
                (Token::Key(k), Value::Object(map)) => member(map, k)?,
                (Token::Key(k), Value::Array(items)) => items.get(canonical_index(k)?)?,
                (Token::Any, _) => return self.resolve(root).into_iter().find_map(|h| h.value),
                (Token::Key(_), _) => return None,
            };
        }
        Some(v)
    }
}

/// The member `key` of an object. A record's objects hold a handful of
/// members: comparing keys (lengths first) beats hashing the key with the
/// map's SipHash, which was most of a warm run's rule evaluation. Keys of a
/// map are unique, so the first equal one is the map's own answer.
pub(crate) fn member<'v>(map: &'v serde_json::Map<String, Value>, key: &str) -> Option<&'v Value> {
    const SCAN: usize = 16;
    if map.len() > SCAN {
        return map.get(key);
    }
    map.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v)
}

fn unescape(token: &str) -> Result<String, PathError> {
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        if c == '~' {
            match chars.next() {
                Some('0') => out.push('~'),
                Some('1') => out.push('/'),
                _ => return Err(PathError::BadEscape),
            }
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

fn walk<'v>(value: &'v Value, tokens: &[Token], prefix: String, out: &mut Vec<Hit<'v>>) {
    let Some((first, rest)) = tokens.split_first() else {
        out.push(Hit {
            pointer: prefix,
            value: Some(value),
        });
        return;
    };
    match first {
        Token::Any => match value {
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    let mut here = prefix.clone();
                    let _ = write!(here, "/{i}");
                    walk(v, rest, here, out);
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    let mut here = prefix.clone();
                    push_escaped(&mut here, k);
                    walk(v, rest, here, out);
                }
            }
            _ => {}
        },
        Token::Key(key) => {
            let child = match value {
                Value::Object(map) => member(map, key),
                Value::Array(items) => canonical_index(key).and_then(|i| items.get(i)),
                _ => None,
            };
            // The prefix is ours: extend it rather than format a new one
            // (this walk runs for every record and rule).
            let mut here = prefix;
            push_escaped(&mut here, key);
            match child {
                Some(c) => walk(c, rest, here, out),
                None if rest.contains(&Token::Any) => {}
                None => {
                    let mut pointer = here;
                    for t in rest {
                        if let Token::Key(k) = t {
                            push_escaped(&mut pointer, k);
                        }
                    }
                    out.push(Hit {
                        pointer,
                        value: None,
                    });
                }
            }
        }
    }
}

/// Appends `/` and `token` escaped as [`escape_pointer`] does (`~` → `~0`,
/// `/` → `~1`), without its two intermediate strings.
fn push_escaped(pointer: &mut String, token: &str) {
    pointer.push('/');
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

/// RFC 6901 array index: digits without leading zeros.
fn canonical_index(token: &str) -> Option<usize> {
    let ok = !token.is_empty()
        && token.bytes().all(|b| b.is_ascii_digit())
        && (token == "0" || !token.starts_with('0'));
    ok.then(|| token.parse().ok()).flatten()
}

/// Equality as a YAML author means it: `1` equals `1.0`; otherwise JSON equality.
pub(crate) fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        _ => a == b,
    }
}

/// True for null, a blank string, an empty list or an empty mapping.
pub(crate) fn is_empty_value(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        Value::Bool(_) | Value::Number(_) => false,
    }
}

/// A value as a person reads it in a message: strings unquoted, lists joined
/// by commas, mappings as compact JSON, null as nothing.
pub(crate) fn show_value(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(_) | Value::Number(_) | Value::Object(_) => v.to_string(),
        Value::Array(items) => items.iter().map(show_value).collect::<Vec<_>>().join(", "),
    }
}

/// A pointer as a person reads it: `/actions/2/owner` → `actions[2].owner`,
/// `""` → `the record`.
pub(crate) fn show_pointer(pointer: &str) -> String {
    if pointer.is_empty() {
        return "the record".to_owned();
    }
    let mut out = String::new();
    for token in pointer.split('/').skip(1) {
        let token = unescape(token).unwrap_or_else(|_| token.to_owned());
        if canonical_index(&token).is_some() {
            let _ = write!(out, "[{token}]");
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn push_escaped_matches_escape_pointer() {
        for token in ["", "a", "a/b", "~", "~1/~0", "/~/", "é~x/y"] {
            let mut pointer = String::from("/p");
            push_escaped(&mut pointer, token);
            assert_eq!(pointer, format!("/p/{}", escape_pointer(token)), "{token}");
        }
    }

    #[test]
    fn parse_and_reject() {
        assert!(Path::parse("").is_ok());
        assert!(Path::parse("/a/b~1c/*").is_ok());
        assert_eq!(Path::parse("a"), Err(PathError::NoLeadingSlash));
        assert_eq!(Path::parse("/a~2"), Err(PathError::BadEscape));
    }

    #[test]
    fn resolve_with_wildcards_and_missing_keys() {
        let v = json!({"actions": [{"owner": "a"}, {"due": "x"}], "a/b": 1});
        let p = Path::parse("/actions/*/owner").unwrap();
        let hits = p.resolve(&v);
        assert_eq!(hits.len(), 2);
        assert_eq!(hits[0].pointer, "/actions/0/owner");
        assert_eq!(hits[0].value, Some(&json!("a")));
        assert_eq!(hits[1].pointer, "/actions/1/owner");
        assert_eq!(hits[1].value, None);
        // Nothing to check for each of when the list is missing.
        assert!(Path::parse("/nope/*/x").unwrap().resolve(&v).is_empty());
        // A missing key without wildcard is reported at its full pointer.
        let hits = Path::parse("/inputs/risk").unwrap().resolve(&v);
        assert_eq!(hits[0].pointer, "/inputs/risk");
        assert_eq!(Path::parse("/a~1b").unwrap().get(&v), Some(&json!(1)));
        assert_eq!(Path::parse("/actions/01").unwrap().get(&v), None);
        assert_eq!(
            Path::parse("/actions/1/due").unwrap().get(&v),
            Some(&json!("x"))
        );
        assert_eq!(
            Path::parse("/actions/*/due").unwrap().get(&v),
            Some(&json!("x"))
        );
        assert_eq!(Path::parse("").unwrap().get(&v), Some(&v));
    }

    #[test]
    fn equality_and_display() {
        assert!(json_eq(&json!(1), &json!(1.0)));
        assert!(!json_eq(&json!("1"), &json!(1)));
        assert!(is_empty_value(&json!("  ")));
        assert!(!is_empty_value(&json!(0)));
        assert_eq!(show_value(&json!(["a", 1])), "a, 1");
        assert_eq!(show_pointer("/actions/2/owner"), "actions[2].owner");
        assert_eq!(show_pointer(""), "the record");
    }
}
