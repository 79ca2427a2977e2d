//! Scalar resolution: YAML 1.2 core schema and the tags govlint honours.
//!
//! Owns the mapping from a scalar's text, style and tag to a [`Value`]; it
//! knows nothing about spans or the tree being built.

use saphyr_parser::{ScalarStyle, Tag};

use super::Value;

/// Handle of the YAML core tags (`!!str` resolves to this prefix + `str`).
const CORE_PREFIX: &str = "tag:yaml.org,2002:";

/// What a node's tag asks of the loader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TagKind<'a> {
    /// No tag: scalars resolve by the core schema.
    Untagged,
    /// `!`: the node is a string (scalars) or kept as is (collections).
    NonSpecific,
    /// `!!name` or `!<tag:yaml.org,2002:name>`; holds `name`.
    Core(&'a str),
    /// Any other local or global tag: the node keeps its untagged value.
    Other,
}

impl<'a> TagKind<'a> {
    pub(super) fn of(tag: Option<&'a Tag>) -> Self {
        let Some(tag) = tag else {
            return TagKind::Untagged;
        };
        if tag.handle == CORE_PREFIX {
            return TagKind::Core(&tag.suffix);
        }
        if tag.handle.is_empty() {
            // Verbatim tags (`!<…>`) and the non-specific `!` arrive with an empty handle.
            if tag.suffix == "!" {
                return TagKind::NonSpecific;
            }
            if let Some(name) = tag.suffix.strip_prefix(CORE_PREFIX) {
                return TagKind::Core(name);
            }
        }
        TagKind::Other
    }
}

/// The tag as a person wrote it, for messages.
pub(super) fn display_tag(tag: Option<&Tag>) -> String {
    match (TagKind::of(tag), tag) {
        (TagKind::Core(name), _) => format!("!!{name}"),
        (_, Some(tag)) => tag.to_string(),
        (_, None) => String::new(),
    }
}

/// Resolves one scalar. The error is a message for a tag the text does not fit
/// (`!!int abc`) or a collection tag on a scalar.
pub(super) fn scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Value, String> {
    let untagged = || {
        if style == ScalarStyle::Plain {
            plain(text)
        } else {
            Value::String(text.to_owned())
        }
    };
    let kind = TagKind::of(tag);
    let name = match kind {
        TagKind::Untagged | TagKind::Other => return Ok(untagged()),
        TagKind::NonSpecific => return Ok(Value::String(text.to_owned())),
        TagKind::Core(name) => name,
    };
    let resolved = match name {
        "str" => Some(Value::String(text.to_owned())),
        "null" => is_null(text).then_some(Value::Null),
        "bool" => bool(text).map(Value::Bool),
        "int" => int(text),
        "float" => float(text).or_else(|| int(text).map(|v| Value::Float(as_f64(&v)))),
        "map" | "seq" => {
            return Err(format!(
                "tag `{}` cannot apply to a scalar",
                display_tag(tag)
            ))
        }
        // Other yaml.org tags (`!!binary`, `!!timestamp`, …) are not part of the
        // core schema: keep the value untagged, as the YAML test suite expects.
        _ => Some(untagged()),
    };
    resolved.ok_or_else(|| format!("`{text}` is not a valid `{}`", display_tag(tag)))
}

/// Core-schema resolution of a plain (unquoted) scalar.
pub(super) fn plain(text: &str) -> Value {
    if is_null(text) {
        Value::Null
    } else if let Some(b) = bool(text) {
        Value::Bool(b)
    } else if let Some(v) = int(text) {
        v
    } else if let Some(v) = float(text) {
        v
    } else {
        Value::String(text.to_owned())
    }
}

fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

fn bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`. Integers beyond `i64` become
/// [`Value::Float`] (the nearest `f64`) rather than an error.
fn int(text: &str) -> Option<Value> {
    let (digits, radix) = if let Some(octal) = text.strip_prefix("0o") {
        (octal, 8)
    } else if let Some(hex) = text.strip_prefix("0x") {
        (hex, 16)
    } else {
        let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
        if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        return Some(match text.parse::<i64>() {
            Ok(n) => Value::Int(n),
            // Overflow only: the syntax was checked above, and Rust's float
            // parser accepts every decimal integer.
            Err(_) => Value::Float(text.parse::<f64>().ok()?),
        });
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    Some(match i64::from_str_radix(digits, radix) {
        Ok(n) => Value::Int(n),
        Err(_) => Value::Float(
            digits
                .chars()
                .filter_map(|c| c.to_digit(radix))
                .fold(0.0, |acc, d| acc * f64::from(radix) + f64::from(d)),
        ),
    })
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?.inf`, `.nan`
/// (each in its three spellings).
fn float(text: &str) -> Option<Value> {
    // Most plain scalars are words: no float starts with a letter.
    if !text
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+'))
    {
        return None;
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        let inf = if text.starts_with('-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
        return Some(Value::Float(inf));
    }
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return Some(Value::Float(f64::NAN));
    }
    // Check the grammar by hand: Rust's parser also accepts `inf`, `NaN`, `1e`…
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (mantissa, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match fraction {
        None => !whole.is_empty() && digits(whole),
        Some(fraction) if whole.is_empty() => !fraction.is_empty() && digits(fraction),
        Some(fraction) => digits(whole) && digits(fraction),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    if !(mantissa_ok && exponent_ok) {
        return None;
    }
    text.parse::<f64>().ok().map(Value::Float)
}

#[allow(
    clippy::cast_precision_loss,
    reason = "`!!float 12345678901234567890` asks for the nearest float"
)]
fn as_f64(value: &Value) -> f64 {
    match value {
        Value::Int(n) => *n as f64,
        Value::Float(f) => *f,
        _ => f64::NAN,
    }
}

#[cfg(test)]
mod tests {
    use super::{plain, scalar, Value};
    use saphyr_parser::{ScalarStyle, Tag};

    fn core(name: &str) -> Tag {
        Tag {
            handle: "tag:yaml.org,2002:".into(),
            suffix: name.into(),
        }
    }

    #[test]
    fn core_schema_plain_scalars() {
        for null in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(plain(null), Value::Null, "{null:?}");
        }
        for (text, b) in [
            ("true", true),
            ("True", true),
            ("TRUE", true),
            ("FALSE", false),
        ] {
            assert_eq!(plain(text), Value::Bool(b));
        }
        for string in [
            "yes",
            "no",
            "on",
            "off",
            "tRUE",
            "nULL",
            "2026-09-15",
            "1_000",
            "0b1",
        ] {
            assert_eq!(plain(string), Value::String(string.into()), "{string:?}");
        }
        assert_eq!(plain("012"), Value::Int(12));
        assert_eq!(plain("-7"), Value::Int(-7));
        assert_eq!(plain("+7"), Value::Int(7));
        assert_eq!(plain("0o17"), Value::Int(15));
        assert_eq!(plain("0x1F"), Value::Int(31));
        assert_eq!(plain("0x"), Value::String("0x".into()));
        assert_eq!(plain("-0x1"), Value::String("-0x1".into()));
        assert_eq!(plain("1.5"), Value::Float(1.5));
        assert_eq!(plain("1."), Value::Float(1.0));
        assert_eq!(plain(".5"), Value::Float(0.5));
        assert_eq!(plain("-1e3"), Value::Float(-1000.0));
        assert_eq!(plain("1E+2"), Value::Float(100.0));
        assert_eq!(plain("."), Value::String(".".into()));
        assert_eq!(plain("1e"), Value::String("1e".into()));
        assert_eq!(plain("inf"), Value::String("inf".into()));
        assert_eq!(plain("-.Inf"), Value::Float(f64::NEG_INFINITY));
        assert_eq!(plain("+.INF"), Value::Float(f64::INFINITY));
        assert!(matches!(plain(".NaN"), Value::Float(f) if f.is_nan()));
        assert_eq!(plain("-.nan"), Value::String("-.nan".into()));
    }

    #[test]
    fn integers_beyond_i64_become_floats() {
        assert_eq!(plain("9223372036854775807"), Value::Int(i64::MAX));
        assert_eq!(plain("-9223372036854775808"), Value::Int(i64::MIN));
        assert_eq!(
            plain("9223372036854775808"),
            Value::Float(9.223_372_036_854_776e18)
        );
        assert_eq!(
            plain("0xFFFFFFFFFFFFFFFF"),
            Value::Float(1.844_674_407_370_955_2e19)
        );
    }

    #[test]
    fn tags() {
        let str_tag = core("str");
        assert_eq!(
            scalar("12", ScalarStyle::Plain, Some(&str_tag)),
            Ok(Value::String("12".into()))
        );
        assert_eq!(
            scalar("12", ScalarStyle::DoubleQuoted, Some(&core("int"))),
            Ok(Value::Int(12))
        );
        assert_eq!(
            scalar("12", ScalarStyle::Plain, Some(&core("float"))),
            Ok(Value::Float(12.0))
        );
        assert_eq!(
            scalar("", ScalarStyle::Plain, Some(&core("null"))),
            Ok(Value::Null)
        );
        assert!(scalar("abc", ScalarStyle::Plain, Some(&core("int"))).is_err());
        assert!(scalar("yes", ScalarStyle::Plain, Some(&core("bool"))).is_err());
        assert!(scalar("a", ScalarStyle::Plain, Some(&core("map"))).is_err());
        let non_specific = Tag {
            handle: String::new(),
            suffix: "!".into(),
        };
        assert_eq!(
            scalar("12", ScalarStyle::Plain, Some(&non_specific)),
            Ok(Value::String("12".into()))
        );
        let local = Tag {
            handle: "!".into(),
            suffix: "foo".into(),
        };
        assert_eq!(
            scalar("12", ScalarStyle::Plain, Some(&local)),
            Ok(Value::Int(12))
        );
        assert_eq!(
            scalar("12", ScalarStyle::SingleQuoted, Some(&local)),
            Ok(Value::String("12".into()))
        );
        assert_eq!(
            scalar("12", ScalarStyle::Plain, Some(&core("timestamp"))),
            Ok(Value::Int(12))
        );
        let verbatim = Tag {
            handle: String::new(),
            suffix: "tag:yaml.org,2002:str".into(),
        };
        assert_eq!(
            scalar("true", ScalarStyle::Plain, Some(&verbatim)),
            Ok(Value::String("true".into()))
        );
    }
}
