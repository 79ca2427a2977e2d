//! Text from git objects: decoding, summaries and `Name <email>` values.
//!
//! Commit messages and names are bytes in the encoding the `encoding`
//! header names (UTF-8 when absent). Latin-1 is decoded exactly; any other
//! encoding, and invalid UTF-8, is decoded lossily: odd encodings never stop
//! the walk.

/// Decodes `bytes` written in `encoding` (the commit's `encoding` header).
pub(super) fn decode(bytes: &[u8], encoding: Option<&str>) -> String {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_owned();
    }
    let latin1 = encoding.is_some_and(|e| {
        let e = e.trim().to_ascii_lowercase().replace(['-', '_'], "");
        matches!(
            e.as_str(),
            "iso88591" | "latin1" | "l1" | "cp1252" | "windows1252"
        )
    });
    if latin1 {
        // Every Latin-1 byte is the Unicode code point of the same value.
        bytes.iter().map(|&b| char::from(b)).collect()
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

/// The message's first paragraph on one line, as git's `%s` shows it.
pub(super) fn summary(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .skip_while(|l| l.is_empty())
        .take_while(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Splits a trailer value `Name <email>` into name and email. A bare
/// address (`jane@acme.example`) has an empty name; a value without an
/// address has an empty email.
pub(super) fn split_identity(value: &str) -> (String, String) {
    let value = value.trim();
    if let (Some(open), Some(close)) = (value.find('<'), value.rfind('>')) {
        if open < close {
            let name = value[..open].trim().trim_matches('"').trim();
            return (name.to_owned(), value[open + 1..close].trim().to_owned());
        }
    }
    if value.contains('@') && !value.contains(char::is_whitespace) {
        return (String::new(), value.to_owned());
    }
    (value.to_owned(), String::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_is_decoded_exactly_and_garbage_lossily() {
        assert_eq!(decode(b"Jos\xe9", Some("ISO-8859-1")), "José");
        assert_eq!(decode(b"Jos\xe9", None), "Jos\u{fffd}");
        assert_eq!(decode("José".as_bytes(), Some("ISO-8859-1")), "José");
    }

    #[test]
    fn summary_joins_the_first_paragraph() {
        assert_eq!(summary("\nFirst\nline two\n\nbody"), "First line two");
    }

    #[test]
    fn identities() {
        let s = |v| split_identity(v);
        assert_eq!(
            s("Jane Doe <jane@x.example>"),
            ("Jane Doe".into(), "jane@x.example".into())
        );
        assert_eq!(s("\"Doe, Jane\" <j@x>"), ("Doe, Jane".into(), "j@x".into()));
        assert_eq!(s("<j@x>"), (String::new(), "j@x".into()));
        assert_eq!(s("j@x"), (String::new(), "j@x".into()));
        assert_eq!(s("Jane Doe"), ("Jane Doe".into(), String::new()));
    }
}
