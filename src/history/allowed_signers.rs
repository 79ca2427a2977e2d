//! OpenSSH allowed-signers files (`ssh-keygen(1)`, "ALLOWED SIGNERS"), read
//! and matched as OpenSSH 9 does it (`sshsig.c`, `match.c`, `misc.c`).
//!
//! Each line is `principals [options] keytype base64 [comment]`; blank
//! lines and lines starting with `#` are skipped, and so is every line that
//! OpenSSH cannot parse (an unknown option, an unquoted option value, an
//! invalid time, a missing key). The principals are the first word, or a
//! double-quoted string (kept exactly, spaces included). Options are
//! case-insensitive names: `cert-authority`, `namespaces="…"`,
//! `valid-after="…"`, `valid-before="…"` (values must be quoted; `\"`
//! escapes a quote; each at most once; `valid-before` after `valid-after`).
//!
//! Principals and namespaces are OpenSSH pattern lists
//! ([`match_pattern_list`]): comma-separated, `*` and `?` wildcards, a `!`
//! pattern that matches makes the whole list fail, nothing is trimmed, case
//! counts.
//!
//! [`AllowedSigners::verdict`] gives `git verify-commit`'s answer: git asks
//! `ssh-keygen -Y find-principals` for the first line that lists the key
//! (or, with `cert-authority`, the certificate's CA) and is valid at the
//! commit time, and then `ssh-keygen -Y verify -n git -I P` for each of that
//! line's comma-separated principals P until one succeeds. Whom the
//! signature then speaks for is [`AllowedSigners::accepts`]: what
//! `ssh-keygen -Y verify -I EMAIL` says.
//!
//! One difference, on purpose: a time without `Z` (or `UTC`) is read as UTC,
//! where OpenSSH reads it in the verifier's local time zone (and git hands
//! it the commit time in local time too). The verdict must not depend on the
//! auditor's machine; the two agree wherever `TZ` is UTC, as on CI runners.

use ssh_key::public::KeyData;
use ssh_key::{Certificate, PublicKey};

use super::krl::Signer;

/// A parsed allowed-signers file.
#[derive(Debug, Default)]
pub(super) struct AllowedSigners {
    lines: Vec<Line>,
}

#[derive(Debug)]
struct Line {
    number: usize,
    /// The principals exactly as written (unquoted), a pattern list.
    principals: String,
    key: KeyData,
    cert_authority: bool,
    namespaces: Option<String>,
    valid_after: Option<u64>,
    valid_before: Option<u64>,
}

impl AllowedSigners {
    /// Parses the file's text, skipping lines that OpenSSH would skip.
    pub(super) fn parse(text: &str) -> AllowedSigners {
        let lines = text
            .split('\n')
            .enumerate()
            .filter_map(|(i, line)| Line::parse(i + 1, line))
            .collect();
        AllowedSigners { lines }
    }

    /// `git verify-commit`'s verdict on a signature by `signer` made at
    /// `time` (Unix seconds), once the signature itself has verified and the
    /// signer is not revoked. `Ok` holds the pattern lists that say whom it
    /// speaks for (see [`AllowedSigners::accepts`]); `Err` why git refuses it.
    pub(super) fn verdict(&self, signer: &Signer, time: u64) -> Result<Vec<String>, String> {
        let found = self.find_principals(signer, time)?;
        let good = found
            .split(',')
            .take_while(|p| !p.is_empty())
            .any(|principal| self.accepts(signer, principal, time));
        if good {
            Ok(self.accepting_lists(signer, time))
        } else {
            Err(self.why_not_git(signer, &found))
        }
    }

    /// Whether `ssh-keygen -Y verify -n git -I principal` accepts a
    /// signature by `signer` at `time` (revocation aside).
    pub(super) fn accepts(&self, signer: &Signer, principal: &str, time: u64) -> bool {
        self.lines.iter().any(|line| {
            match_pattern_list(principal, &line.principals) == 1
                && line.namespace_allows("git")
                && line.time_refusal(time).is_none()
                && match signer {
                    Signer::Key(key) => !line.cert_authority && &line.key == key,
                    Signer::Cert(cert) => {
                        line.cert_authority
                            && cert.signature_key() == &line.key
                            && cert_refusal(cert, time, Some(principal)).is_none()
                    }
                }
        })
    }

    /// `sshsig_find_principals`: the principals of the first line that
    /// lists the signer and is valid at `time` (namespaces are not looked
    /// at). For a certificate, those of its principals that the line's
    /// patterns match.
    fn find_principals(&self, signer: &Signer, time: u64) -> Result<String, String> {
        let mut reasons = Vec::new();
        for line in &self.lines {
            let principals = match signer {
                Signer::Key(key) if !line.cert_authority && &line.key == key => {
                    line.principals.clone()
                }
                Signer::Cert(cert) if line.cert_authority && cert.signature_key() == &line.key => {
                    match cert_filter_principals(&line.principals, cert, time) {
                        Ok(p) => p,
                        Err(why) => {
                            reasons.push(format!("line {}: {why}", line.number));
                            continue;
                        }
                    }
                }
                _ => continue,
            };
            if let Some(why) = line.time_refusal(time) {
                reasons.push(why);
                continue;
            }
            return Ok(principals);
        }
        Err(if reasons.is_empty() {
            match signer {
                Signer::Key(_) => {
                    "the signing key is not listed in the allowed-signers file".to_owned()
                }
                Signer::Cert(_) => "the certificate's CA key is not listed as a cert-authority in the allowed-signers file".to_owned(),
            }
        } else {
            reasons.join("; ")
        })
    }

    /// The pattern lists of the lines that accept the signer for namespace
    /// `git` at `time`. For a certificate, its principals that the line
    /// accepts (a principal with pattern characters is left out: it could
    /// not be written as a pattern that matches only itself).
    fn accepting_lists(&self, signer: &Signer, time: u64) -> Vec<String> {
        let mut out = Vec::new();
        for line in &self.lines {
            if !line.namespace_allows("git") || line.time_refusal(time).is_some() {
                continue;
            }
            match signer {
                Signer::Key(key) if !line.cert_authority && &line.key == key => {
                    out.push(line.principals.clone());
                }
                Signer::Cert(cert) if line.cert_authority && cert.signature_key() == &line.key => {
                    if cert_refusal(cert, time, None).is_some() {
                        continue;
                    }
                    out.extend(
                        cert.valid_principals()
                            .iter()
                            .filter(|p| !p.contains(['*', '?', ',', '!']))
                            .filter(|p| match_pattern_list(p, &line.principals) == 1)
                            .cloned(),
                    );
                }
                _ => {}
            }
        }
        out
    }

    /// Why no principal that `find-principals` gave was accepted.
    fn why_not_git(&self, signer: &Signer, found: &str) -> String {
        let namespaces: Vec<String> = self
            .lines
            .iter()
            .filter(|line| match signer {
                Signer::Key(key) => !line.cert_authority && &line.key == key,
                Signer::Cert(cert) => line.cert_authority && cert.signature_key() == &line.key,
            })
            .filter(|line| !line.namespace_allows("git"))
            .map(|line| {
                format!(
                    "line {} of the allowed-signers file allows the key only for namespaces \"{}\", not \"git\"",
                    line.number,
                    line.namespaces.as_deref().unwrap_or_default()
                )
            })
            .collect();
        if namespaces.is_empty() {
            format!(
                "no principal listed for the key (\"{found}\") is accepted by its own pattern list"
            )
        } else {
            namespaces.join("; ")
        }
    }
}

impl Line {
    /// `parse_principals_key_and_options`: `None` for lines OpenSSH skips.
    fn parse(number: usize, raw: &str) -> Option<Line> {
        let cp = raw.trim_start_matches([' ', '\t', '\n', '\r']);
        if cp.is_empty() || cp.starts_with('#') {
            return None;
        }
        let (principals, rest) = strdelimw(cp)?;
        let (key, options) = match read_key(rest) {
            Some(key) => (key, ""),
            None => {
                let end = options_end(rest)?;
                let (options, after) = rest.split_at(end);
                // OpenSSH drops the delimiter, then skips spaces and tabs.
                let after = after.get(1..)?.trim_start_matches([' ', '\t']);
                (read_key(after)?, options)
            }
        };
        let mut line = Line {
            number,
            principals,
            key,
            cert_authority: false,
            namespaces: None,
            valid_after: None,
            valid_before: None,
        };
        line.parse_options(options)?;
        Some(line)
    }

    /// `sshsigopt_parse`.
    fn parse_options(&mut self, mut opts: &str) -> Option<()> {
        let at_end = |s: &str| s.is_empty() || s.starts_with([' ', '\t']);
        while !at_end(opts) {
            if let Some(rest) = strip_prefix_ci(opts, "cert-authority") {
                self.cert_authority = true;
                opts = rest;
            } else if let Some(rest) = option_value(opts, "namespaces") {
                let (value, rest) = dequote(rest)?;
                if self.namespaces.replace(value).is_some() {
                    return None;
                }
                opts = rest;
            } else if let Some(rest) = option_value(opts, "valid-after") {
                let (value, rest) = dequote(rest)?;
                let time = parse_time(&value).filter(|&t| t != 0)?;
                if self.valid_after.replace(time).is_some() {
                    return None;
                }
                opts = rest;
            } else if let Some(rest) = option_value(opts, "valid-before") {
                let (value, rest) = dequote(rest)?;
                let time = parse_time(&value).filter(|&t| t != 0)?;
                if self.valid_before.replace(time).is_some() {
                    return None;
                }
                opts = rest;
            }
            if at_end(opts) {
                break;
            }
            // Anything but a comma here is an unknown option.
            opts = opts.strip_prefix(',')?;
            if opts.is_empty() {
                return None;
            }
        }
        if let (Some(after), Some(before)) = (self.valid_after, self.valid_before) {
            if before <= after {
                return None;
            }
        }
        Some(())
    }

    fn namespace_allows(&self, namespace: &str) -> bool {
        self.namespaces
            .as_deref()
            .is_none_or(|list| match_pattern_list(namespace, list) == 1)
    }

    /// Why the line's validity window excludes `time`, naming the bound and
    /// the time compared.
    fn time_refusal(&self, time: u64) -> Option<String> {
        let n = self.number;
        if let Some(after) = self.valid_after.filter(|&a| time < a) {
            return Some(format!(
                "the key was not yet valid: line {n} of the allowed-signers file has valid-after {}, and the commit time is {}",
                utc(after),
                utc(time)
            ));
        }
        if let Some(before) = self.valid_before.filter(|&b| time > b) {
            return Some(format!(
                "the key had expired: line {n} of the allowed-signers file has valid-before {}, and the commit time is {}",
                utc(before),
                utc(time)
            ));
        }
        None
    }
}

/// `sshkey_cert_check_authority` for a user certificate at `time`, with an
/// optional principal that must be listed exactly.
fn cert_refusal(cert: &Certificate, time: u64, principal: Option<&str>) -> Option<String> {
    if cert.cert_type() != ssh_key::certificate::CertType::User {
        return Some("the certificate is not a user certificate".to_owned());
    }
    if time < cert.valid_after() {
        return Some(format!(
            "the certificate was not yet valid: valid after {}, and the commit time is {}",
            utc(cert.valid_after()),
            utc(time)
        ));
    }
    if time >= cert.valid_before() {
        return Some(format!(
            "certificate expired: valid before {}, and the commit time is {}",
            utc(cert.valid_before()),
            utc(time)
        ));
    }
    if cert.valid_principals().is_empty() {
        return Some("the certificate lists no principals".to_owned());
    }
    match principal {
        Some(p) if !cert.valid_principals().iter().any(|c| c == p) => {
            Some(format!("the certificate is not issued for \"{p}\""))
        }
        _ => None,
    }
}

/// `cert_filter_principals`: the certificate's principals that match one
/// of the line's patterns (each pattern alone, `!` taken literally), joined
/// with commas.
fn cert_filter_principals(line: &str, cert: &Certificate, time: u64) -> Result<String, String> {
    if let Some(why) = cert_refusal(cert, time, None) {
        return Err(why);
    }
    let mut out: Vec<&str> = Vec::new();
    for pattern in line.split(',').take_while(|p| !p.is_empty()) {
        for principal in cert.valid_principals() {
            if match_pattern(principal.as_bytes(), pattern.as_bytes()) {
                out.push(principal);
            }
        }
    }
    if out.is_empty() {
        Err(format!(
            "none of the certificate's principals ({}) is listed on the cert-authority line",
            cert.valid_principals().join(", ")
        ))
    } else {
        Ok(out.join(","))
    }
}

/// OpenSSH's `match_pattern_list` (case-sensitive): 1 when a pattern of the
/// comma-separated list matches `subject` and no `!` pattern does, -1 when a
/// `!` pattern matches, 0 otherwise. Nothing is trimmed.
#[must_use]
pub fn match_pattern_list(subject: &str, list: &str) -> i8 {
    let mut positive = 0;
    // OpenSSH reads a pattern after each comma but the last one.
    let list = list.strip_suffix(',').unwrap_or(list);
    if list.is_empty() {
        return 0;
    }
    for pattern in list.split(',') {
        if pattern.len() >= 1023 {
            return 0;
        }
        let (negated, pattern) = match pattern.strip_prefix('!') {
            Some(p) => (true, p),
            None => (false, pattern),
        };
        if match_pattern(subject.as_bytes(), pattern.as_bytes()) {
            if negated {
                return -1;
            }
            positive = 1;
        }
    }
    positive
}

/// Whether `email` is one that the pattern list `principals` accepts, as
/// `ssh-keygen -Y verify -I EMAIL` decides it.
#[must_use]
pub fn principal_matches(principals: &str, email: &str) -> bool {
    match_pattern_list(email, principals) == 1
}

/// Whether a tag name matches a `trust.witness_tags` glob: `*` matches
/// any run of characters (`/` included), `?` any one byte.
pub(super) fn match_glob(subject: &str, pattern: &str) -> bool {
    match_pattern(subject.as_bytes(), pattern.as_bytes())
}

/// OpenSSH's `match_pattern`: `*` matches any run of bytes, `?` any one.
fn match_pattern(subject: &[u8], pattern: &[u8]) -> bool {
    let (mut p, mut s) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while s < subject.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, s));
            p += 1;
        } else if p < pattern.len() && (pattern[p] == b'?' || pattern[p] == subject[s]) {
            p += 1;
            s += 1;
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

/// `strdelimw`: the first word, where a double quote starts a quoted part
/// that runs to the next quote (the quotes dropped), and the rest after the
/// whitespace that follows. `None` when nothing follows the word, or a
/// quote is not closed.
fn strdelimw(text: &str) -> Option<(String, &str)> {
    const SPACE: [char; 4] = [' ', '\t', '\r', '\n'];
    let at = text.find([' ', '\t', '\r', '\n', '"'])?;
    let (head, rest) = text.split_at(at);
    match rest.strip_prefix('"') {
        Some(quoted) => {
            let close = quoted.find('"')?;
            let word = format!("{head}{}", &quoted[..close]);
            Some((word, quoted[close + 1..].trim_start_matches(SPACE)))
        }
        None => Some((head.to_owned(), rest.trim_start_matches(SPACE))),
    }
}

/// `sshkey_read`: a key type and its base64 blob, as a plain key.
fn read_key(text: &str) -> Option<KeyData> {
    let (key_type, rest) = text.split_once([' ', '\t'])?;
    let blob = rest
        .trim_start_matches([' ', '\t'])
        .split([' ', '\t'])
        .next()?
        .trim_end_matches(['\r', '\n']);
    PublicKey::from_openssh(&format!("{key_type} {blob}"))
        .ok()
        .map(|k| k.key_data().clone())
}

/// `sshkey_advance_past_options`: the byte offset of the first space or tab
/// outside double quotes; `None` for an unclosed quote.
fn options_end(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let (mut i, mut quoted) = (0, false);
    while i < bytes.len() && (quoted || (bytes[i] != b' ' && bytes[i] != b'\t')) {
        if bytes[i] == b'\\' && bytes.get(i + 1) == Some(&b'"') {
            i += 1;
        } else if bytes[i] == b'"' {
            quoted = !quoted;
        }
        i += 1;
    }
    if i >= bytes.len() && quoted {
        None
    } else {
        Some(i.min(bytes.len()))
    }
}

fn strip_prefix_ci<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// `opt_match`: `name=` (case-insensitive); returns what follows the `=`.
fn option_value<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    strip_prefix_ci(text, name)?.strip_prefix('=')
}

/// `opt_dequote`: a `"…"` value (`\"` is a quote) and what follows it.
fn dequote(text: &str) -> Option<(String, &str)> {
    let mut chars = text.strip_prefix('"')?.char_indices().peekable();
    let body = &text[1..];
    let mut value = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((value, &body[i + 1..])),
            '\\' if chars.peek().is_some_and(|&(_, n)| n == '"') => {
                value.push('"');
                chars.next();
            }
            c => value.push(c),
        }
    }
    None
}

/// `parse_absolute_time`: `YYYYMMDD[HHMM[SS]]` with an optional `Z` or
/// `UTC` suffix, as Unix seconds. Read as UTC either way (see the module
/// documentation). Out-of-range days roll over as `timegm` does.
fn parse_time(text: &str) -> Option<u64> {
    // By bytes: the last character may be any (found by the fuzz target).
    let digits = if text.len() > 1 && text.as_bytes()[text.len() - 1].eq_ignore_ascii_case(&b'z') {
        &text[..text.len() - 1]
    } else if text.len() > 3 && text.get(text.len() - 3..)?.eq_ignore_ascii_case("utc") {
        &text[..text.len() - 3]
    } else {
        text
    };
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
        || second > 61
    {
        return None;
    }
    let seconds = crate::time::days_from_civil(year, month, day) * 86_400
        + hour * 3600
        + minute * 60
        + second;
    u64::try_from(seconds).ok()
}

/// `2026-10-01 12:00:00 UTC`.
pub(super) fn utc(time: u64) -> String {
    let Ok(time) = i64::try_from(time) else {
        return "forever".to_owned();
    };
    let (days, secs) = (time.div_euclid(86_400), time.rem_euclid(86_400));
    // Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEhQiHNRgNlkgygHpDQbC+MvtI7N30AWD6uTDWvFZ3/v";

    fn signer() -> Signer {
        Signer::Key(
            PublicKey::from_openssh(KEY)
                .expect("test key")
                .key_data()
                .clone(),
        )
    }

    fn one_line(text: &str) -> Option<Line> {
        Line::parse(1, text)
    }

    #[test]
    fn pattern_lists_are_openssh_s() {
        assert_eq!(match_pattern_list("jane@x", "*@x,!mallory@x"), 1);
        assert_eq!(match_pattern_list("mallory@x", "*@x,!mallory@x"), -1);
        assert_eq!(match_pattern_list("mallory@x", "!mallory@x,*@x"), -1);
        assert_eq!(match_pattern_list("jo@x", "a@x,j?@x"), 1);
        assert_eq!(
            match_pattern_list("jane@x", "a@x, jane@x"),
            0,
            "no trimming"
        );
        assert_eq!(match_pattern_list("Jane@x", "jane@x"), 0, "case counts");
        assert_eq!(match_pattern_list("jane@x.evil", "jane@x"), 0);
        assert_eq!(match_pattern_list("git", "file,gi*"), 1);
        assert_eq!(match_pattern_list("", ""), 0);
        assert!(match_pattern(b"abc", b"a**c"));
        assert!(!match_pattern(b"ab", b"a?c"));
    }

    #[test]
    fn lines_parse_as_ssh_keygen_reads_them() {
        let plain = one_line(&format!("  jane@x {KEY} jane's laptop")).expect("plain");
        assert_eq!(plain.principals, "jane@x");
        let quoted = one_line(&format!("\"a@x, b@x\" {KEY}")).expect("quoted");
        assert_eq!(quoted.principals, "a@x, b@x");
        let options = one_line(&format!(
            "j@x Cert-Authority,NAMESPACES=\"git,fi\\\"le\",valid-after=\"20240229123000Z\" {KEY}"
        ))
        .expect("options");
        assert!(options.cert_authority);
        assert_eq!(options.namespaces.as_deref(), Some("git,fi\"le"));
        assert_eq!(options.valid_after, Some(1_709_209_800));
        for skipped in [
            "# comment".to_owned(),
            String::new(),
            "jane@x".to_owned(),
            format!("j@x namespaces=git {KEY}"),
            format!("j@x unknown-option {KEY}"),
            format!("j@x namespaces=\"a\",namespaces=\"b\" {KEY}"),
            format!("j@x valid-after=\"20250101\",valid-before=\"20240101\" {KEY}"),
            format!("j@x valid-after=\"2025010\" {KEY}"),
            format!("j@x cert-authority, {KEY}"),
            format!("\"j@x {KEY}"),
        ] {
            assert!(one_line(&skipped).is_none(), "{skipped}");
        }
    }

    #[test]
    fn verdicts_follow_git_and_name_the_reason() {
        let file = AllowedSigners::parse(&format!(
            "*@x,!mallory@x {KEY}\nbob@y namespaces=\"file\" {KEY}\n"
        ));
        let lists = file.verdict(&signer(), 1_700_000_000).expect("good");
        assert_eq!(lists, ["*@x,!mallory@x"]);
        assert!(file.accepts(&signer(), "jane@x", 0));
        assert!(!file.accepts(&signer(), "mallory@x", 0));
        assert!(
            !file.accepts(&signer(), "bob@y", 0),
            "not for namespace git"
        );
        // git takes the principals of the first line only (whatever its
        // namespaces), so the same lines the other way round fail.
        let reversed = AllowedSigners::parse(&format!(
            "bob@y namespaces=\"file\" {KEY}\n*@x,!mallory@x {KEY}\n"
        ));
        let err = reversed.verdict(&signer(), 0).expect_err("git refuses");
        assert!(err.contains("namespaces \"file\""), "{err}");

        let ns = AllowedSigners::parse(&format!("j@x namespaces=\"file, git\" {KEY}"));
        let err = ns.verdict(&signer(), 0).expect_err("namespace");
        assert!(err.contains("namespaces \"file, git\""), "{err}");

        let expired = AllowedSigners::parse(&format!("j@x valid-before=\"20200101Z\" {KEY}"));
        let err = expired
            .verdict(&signer(), 1_700_000_000)
            .expect_err("expired");
        assert!(
            err.contains("valid-before 2020-01-01 00:00:00 UTC, and the commit time is 2023-11-14 22:13:20 UTC"),
            "{err}"
        );
        let none = AllowedSigners::parse("");
        assert!(none
            .verdict(&signer(), 0)
            .expect_err("absent")
            .contains("not listed"));
    }

    #[test]
    fn a_time_ending_in_a_wide_character_is_invalid() {
        assert_eq!(parse_time("2025010\u{3a5}"), None);
        assert_eq!(parse_time("\u{3a5}"), None);
        assert_eq!(parse_time("2025\u{3a5}utc"), None);
        let line = format!("a@x valid-after=\"2\u{3a5}\" {KEY}");
        assert!(one_line(&line).is_none(), "OpenSSH skips the line");
    }

    #[test]
    fn times() {
        assert_eq!(parse_time("19700102"), Some(86_400));
        assert_eq!(parse_time("20240229123000Z"), Some(1_709_209_800));
        assert_eq!(parse_time("202402291230utc"), Some(1_709_209_800));
        assert_eq!(
            parse_time("20240231"),
            parse_time("20240302"),
            "rolls over as timegm"
        );
        assert_eq!(parse_time("2024022"), None);
        assert_eq!(parse_time("20241301"), None);
        assert_eq!(utc(1_709_209_800), "2024-02-29 12:30:00 UTC");
    }
}
