//! Text from git objects: decoding, summaries and `Name <email>` values.
//!
//! Commit messages and names are bytes in the encoding the `encoding`
//! header names (UTF-8 when absent). Labels are those of the WHATWG Encoding
//! Standard (encoding_rs): `cp1252`, `windows-1252`, `ISO-8859-2`,
//! `Shift_JIS`, … Latin-1 is decoded exactly (bytes 0x80–0x9F are C1
//! controls there, not the windows-1252 characters the WHATWG label maps
//! it to); an unknown encoding, and invalid UTF-8, is decoded lossily: odd
//! encodings never stop the walk.

/// Decodes `bytes` written in `encoding` (the commit's `encoding` header).
pub(super) fn decode(bytes: &[u8], encoding: Option<&str>) -> String {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_owned();
    }
    let Some(label) = encoding.map(str::trim) else {
        return String::from_utf8_lossy(bytes).into_owned();
    };
    let key = label.to_ascii_lowercase().replace(['-', '_'], "");
    if matches!(key.as_str(), "iso88591" | "latin1" | "l1") {
        // Every Latin-1 byte is the Unicode code point of the same value.
        return bytes.iter().map(|&b| char::from(b)).collect();
    }
    // git writes what `i18n.commitEncoding` says, and people spell it
    // `cp1252` as often as `windows-1252`; encoding_rs knows the WHATWG
    // labels only.
    let label = match key.as_str() {
        "cp1252" | "windows1252" => "windows-1252",
        "cp1250" | "windows1250" => "windows-1250",
        "cp1251" | "windows1251" => "windows-1251",
        _ => label,
    };
    match encoding_rs::Encoding::for_label(label.as_bytes()) {
        Some(enc) => enc.decode_without_bom_handling(bytes).0.into_owned(),
        None => String::from_utf8_lossy(bytes).into_owned(),
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
        // 0x80 and 0x9C are C1 controls in Latin-1.
        assert_eq!(decode(b"\x80\x9c", Some("latin1")), "\u{80}\u{9c}");
    }

    #[test]
    fn cp1252_bytes_0x80_to_0x9f_are_its_own_characters() {
        // "€ 5 – “Café” ‰" in windows-1252: 0x80, 0x96, 0x93, 0x94, 0x89 are
        // not Latin-1 (C1 controls there).
        let bytes = b"\x80 5 \x96 \x93Caf\xe9\x94 \x89";
        for label in [
            "cp1252",
            "CP1252",
            "windows-1252",
            "Windows-1252",
            "windows1252",
        ] {
            assert_eq!(decode(bytes, Some(label)), "€ 5 – “Café” ‰", "{label}");
        }
        assert_eq!(decode(b"\x8a", Some("cp1250")), "Š");
        assert_eq!(decode(b"\xc1", Some("cp1251")), "Б");
        assert_eq!(decode(b"\x82\xa0", Some("Shift_JIS")), "あ");
        assert_eq!(decode(b"Jos\xe9", Some("no-such-encoding")), "Jos\u{fffd}");
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
