//! OpenSSH allowed-signers files (`ssh-keygen(1)`, "ALLOWED SIGNERS").
//!
//! Each line is `principals [options] keytype base64 [comment]`; `#` starts
//! a comment line. Principals are a comma-separated pattern list (`*`, `?`,
//! `!` negation). Options: `namespaces="git,file"`, `valid-after=` and
//! `valid-before=` (`YYYYMMDD[HHMM[SS]][Z]`), `cert-authority`.
//!
//! Differences from OpenSSH, on purpose: timestamps without `Z` are read as
//! UTC (OpenSSH uses the verifier's local time zone, which would make a
//! verdict depend on the machine); `cert-authority` lines are refused, since
//! govlint does not verify certificates; principals match emails
//! case-insensitively, as govlint compares emails everywhere. Lines that
//! cannot be parsed are skipped, as OpenSSH does.

use ssh_key::public::KeyData;
use ssh_key::PublicKey;

/// A parsed allowed-signers file.
#[derive(Debug, Default)]
pub(super) struct AllowedSigners {
    entries: Vec<Entry>,
}

#[derive(Debug)]
struct Entry {
    line: usize,
    principals: String,
    key: KeyData,
    cert_authority: bool,
    namespaces: Option<String>,
    valid_after: Option<i64>,
    valid_before: Option<i64>,
}

impl AllowedSigners {
    /// Parses the file's text, skipping lines that are not valid entries.
    pub(super) fn parse(text: &str) -> AllowedSigners {
        let entries = text
            .lines()
            .enumerate()
            .filter_map(|(i, line)| Entry::parse(i + 1, line))
            .collect();
        AllowedSigners { entries }
    }

    /// The principals listed for `key` on the lines that accept a signature
    /// in namespace `git` made at `time` (Unix seconds), or why none does.
    pub(super) fn principals_for(&self, key: &KeyData, time: i64) -> Result<Vec<String>, String> {
        let mut reason = None;
        let mut principals = Vec::new();
        for entry in self.entries.iter().filter(|e| &e.key == key) {
            match entry.refusal(time) {
                Some(why) => {
                    reason.get_or_insert(why);
                }
                None => principals.extend(split_list(&entry.principals)),
            }
        }
        if principals.is_empty() {
            Err(reason.unwrap_or_else(|| {
                "the signing key is not listed in the allowed-signers file".to_owned()
            }))
        } else {
            Ok(principals)
        }
    }
}

impl Entry {
    fn parse(number: usize, line: &str) -> Option<Entry> {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return None;
        }
        let (principals, rest) = token(line);
        let (second, after_second) = token(rest);
        let (options, key_type, rest) = if is_key_type(second) {
            (None, second, after_second)
        } else {
            let (key_type, rest) = token(after_second);
            (Some(second), key_type, rest)
        };
        let (base64, _comment) = token(rest);
        let key = PublicKey::from_openssh(&format!("{key_type} {base64}")).ok()?;
        let mut entry = Entry {
            line: number,
            principals: unquote(principals).to_owned(),
            key: key.key_data().clone(),
            cert_authority: false,
            namespaces: None,
            valid_after: None,
            valid_before: None,
        };
        for option in options.map(split_options).unwrap_or_default() {
            let (name, value) = option.split_once('=').unwrap_or((option, ""));
            let value = unquote(value);
            match name.to_ascii_lowercase().as_str() {
                "cert-authority" => entry.cert_authority = true,
                "namespaces" => entry.namespaces = Some(value.to_owned()),
                "valid-after" => entry.valid_after = Some(parse_time(value)?),
                "valid-before" => entry.valid_before = Some(parse_time(value)?),
                // OpenSSH refuses lines with options it does not know.
                _ => return None,
            }
        }
        Some(entry)
    }

    /// Why this line does not accept a `git` signature made at `time`.
    fn refusal(&self, time: i64) -> Option<String> {
        let line = self.line;
        if self.cert_authority {
            return Some(format!(
                "line {line} of the allowed-signers file is a cert-authority, which govlint does not support"
            ));
        }
        if let Some(namespaces) = &self.namespaces {
            if !match_list(namespaces, "git", false) {
                return Some(format!(
                    "line {line} of the allowed-signers file allows the key only for namespaces \"{namespaces}\", not \"git\""
                ));
            }
        }
        if self.valid_after.is_some_and(|after| time < after) {
            return Some(format!(
                "the key was not yet valid at the signing time (line {line} of the allowed-signers file: valid-after)"
            ));
        }
        if self.valid_before.is_some_and(|before| time > before) {
            return Some(format!(
                "the key had expired at the signing time (line {line} of the allowed-signers file: valid-before)"
            ));
        }
        None
    }
}

/// Whether `email` matches the principal pattern list `patterns`
/// (comma-separated, `*` and `?` wildcards, `!` negation), ignoring case.
#[must_use]
pub fn principal_matches(patterns: &str, email: &str) -> bool {
    match_list(patterns, email, true)
}

/// OpenSSH's `match_pattern_list`: a negated match wins over any positive one.
fn match_list(patterns: &str, subject: &str, ignore_case: bool) -> bool {
    let fold = |s: &str| {
        if ignore_case {
            s.to_lowercase()
        } else {
            s.to_owned()
        }
    };
    let subject = fold(subject);
    let mut matched = false;
    for pattern in patterns.split(',') {
        let pattern = fold(pattern.trim());
        let (negated, pattern) = match pattern.strip_prefix('!') {
            Some(p) => (true, p.to_owned()),
            None => (false, pattern),
        };
        if wildcard(pattern.as_bytes(), subject.as_bytes()) {
            if negated {
                return false;
            }
            matched = true;
        }
    }
    matched
}

/// `*` matches any run, `?` any one byte.
fn wildcard(pattern: &[u8], subject: &[u8]) -> bool {
    let (mut p, mut s) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while s < subject.len() {
        if p < pattern.len() && (pattern[p] == b'?' || pattern[p] == subject[s]) {
            p += 1;
            s += 1;
        } else if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, s));
            p += 1;
        } else if let Some((sp, ss)) = star {
            p = sp + 1;
            s = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

fn is_key_type(token: &str) -> bool {
    ["ssh-", "ecdsa-", "sk-"]
        .iter()
        .any(|p| token.starts_with(p))
}

/// Splits off the first whitespace-separated token, honouring double quotes.
fn token(text: &str) -> (&str, &str) {
    let text = text.trim_start();
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => return (&text[..i], text[i..].trim_start()),
            _ => {}
        }
    }
    (text, "")
}

/// Splits `a,b="x,y",c` at the commas outside quotes.
fn split_options(options: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in options.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(&options[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&options[start..]);
    out
}

fn unquote(text: &str) -> &str {
    text.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text)
}

fn split_list(list: &str) -> impl Iterator<Item = String> + '_ {
    list.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
}

/// `YYYYMMDD[HHMM[SS]][Z]` as Unix seconds, read as UTC.
fn parse_time(text: &str) -> Option<i64> {
    let digits = text.strip_suffix(['Z', 'z']).unwrap_or(text);
    if !digits.bytes().all(|b| b.is_ascii_digit()) || ![8, 12, 14].contains(&digits.len()) {
        return None;
    }
    let num = |range: std::ops::Range<usize>| digits.get(range).and_then(|d| d.parse::<i64>().ok());
    let (year, month, day) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let hour = num(8..10).unwrap_or(0);
    let minute = num(10..12).unwrap_or(0);
    let second = num(12..14).unwrap_or(0);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEhQiHNRgNlkgygHpDQbC+MvtI7N30AWD6uTDWvFZ3/v";

    fn key() -> KeyData {
        PublicKey::from_openssh(KEY)
            .expect("test key")
            .key_data()
            .clone()
    }

    #[test]
    fn plain_lines_and_options() {
        let file = AllowedSigners::parse(&format!(
            "# comment\n\njane@acme.example {KEY} jane's laptop\n\"a@x,b@x\" namespaces=\"git,file\",valid-after=\"20200101\" {KEY}\n"
        ));
        assert_eq!(
            file.principals_for(&key(), 1_700_000_000),
            Ok(vec![
                "jane@acme.example".to_owned(),
                "a@x".to_owned(),
                "b@x".to_owned()
            ])
        );
    }

    #[test]
    fn refusals_say_why() {
        let expired = AllowedSigners::parse(&format!("j@x valid-before=\"20200101Z\" {KEY}"));
        let err = expired
            .principals_for(&key(), 1_700_000_000)
            .expect_err("expired");
        assert!(err.contains("expired"), "{err}");
        let ns = AllowedSigners::parse(&format!("j@x namespaces=\"file\" {KEY}"));
        assert!(ns
            .principals_for(&key(), 0)
            .expect_err("namespace")
            .contains("namespaces"));
        let ca = AllowedSigners::parse(&format!("*@x cert-authority {KEY}"));
        assert!(ca
            .principals_for(&key(), 0)
            .expect_err("ca")
            .contains("cert-authority"));
        let none = AllowedSigners::parse("");
        assert!(none
            .principals_for(&key(), 0)
            .expect_err("absent")
            .contains("not listed"));
    }

    #[test]
    fn patterns() {
        assert!(principal_matches("*@acme.example", "Jane@ACME.example"));
        assert!(principal_matches("a@x,j?@x", "jo@x"));
        assert!(!principal_matches("*@x,!mallory@x", "mallory@x"));
        assert!(!principal_matches("jane@x", "jane@x.evil"));
    }

    #[test]
    fn times() {
        assert_eq!(parse_time("19700101"), Some(0));
        assert_eq!(parse_time("20240229123000Z"), Some(1_709_209_800));
        assert_eq!(parse_time("2024022"), None);
        assert_eq!(parse_time("20241301"), None);
    }
}
