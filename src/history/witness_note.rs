//! The message of a witness tag (SPEC 2.4, 2.5): what `govlint witness`
//! writes and what verification reads back. Pure text, no git.
//!
//! ```text
//! govlint witness of 3f2c…e91a
//!
//! This tag states that commit 3f2c…e91a and all its ancestors existed no
//! later than the tagger time. Each Attested-approval names an approving
//! pull-request review that github:acme/isms#42 held, of a record whose
//! content in the reviewed commit equals its content in the witnessed one.
//!
//! Witnessed-commit: 3f2c…e91a
//! Pull-request: github:acme/isms#42
//! Attested-approval: POL-IS-001 path=policies/is.md blob=9ae1… login=jane review=1234 submitted=2026-11-30T10:00:00Z commit=77b0…
//! ```
//!
//! The subject and the sentence are for people reading `git show TAG`; the
//! facts are the trailers of the last paragraph, found as `git
//! interpret-trailers --parse` finds them (`trailer.rs`). The note carries
//! no `Approved-by:` trailer on purpose: those would make the tag a
//! `claimed` approval of the tagged commit (2.1), and attested approvals are
//! worth more only because the witness vouches for them.
//!
//! An `Attested-approval:` value is the record id followed by blank-separated
//! `name=value` fields in any order (unknown names are ignored, so fields can
//! be added later). In values, `%`, whitespace and control characters are
//! written as `%XX` (UTF-8 bytes), so a path with spaces stays one field.
//! A line that lacks a field, repeats one, or has a `review` that is not a
//! number is skipped. A trailing signature block (`-----BEGIN …`, as `git
//! tag -s` appends it) is ignored.

/// What a witness tag states.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WitnessNote {
    /// The witnessed commit (full hexadecimal id), from `Witnessed-commit:`;
    /// empty when the message has none. A verifier must check that it is the
    /// tag's target.
    pub commit: String,
    /// The pull request whose reviews were read, `github:OWNER/REPO#N`
    /// (`Pull-request:`).
    pub pull_request: Option<String>,
    /// The attested approvals, in message order.
    pub approvals: Vec<AttestedApproval>,
}

/// One approving pull-request review of one record's exact content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttestedApproval {
    /// The record's id.
    pub record: String,
    /// The record's file, relative to the repository root, in the
    /// witnessed commit.
    pub path: String,
    /// The file's blob id in the witnessed commit (equal to its blob in the
    /// reviewed commit).
    pub blob: String,
    /// The reviewer's forge login.
    pub login: String,
    /// The review's id at the forge.
    pub review_id: u64,
    /// When the review was submitted, RFC 3339 as the forge gives it.
    pub submitted_at: String,
    /// The commit the review was made on (the pull request's head then).
    pub reviewed_commit: String,
}

/// Trailer keys, as written (read case-insensitively).
const WITNESSED_COMMIT: &str = "Witnessed-commit";
const PULL_REQUEST: &str = "Pull-request";
const ATTESTED_APPROVAL: &str = "Attested-approval";

/// The tag message for `note`, ending with a newline, ready to be signed.
#[must_use]
pub fn render(note: &WitnessNote) -> String {
    let commit = encode(&note.commit);
    let mut out = format!("govlint witness of {commit}\n\n");
    out.push_str(&format!(
        "This tag states that commit {commit} and all its ancestors existed\n\
         no later than the tagger time."
    ));
    match &note.pull_request {
        Some(pr) => out.push_str(&format!(
            " Each Attested-approval names an approving\n\
             review that pull request {} held, of a record whose content in the\n\
             reviewed commit equals its content in the witnessed one.\n",
            encode(pr)
        )),
        None => out.push('\n'),
    }
    out.push('\n');
    out.push_str(&format!("{WITNESSED_COMMIT}: {commit}\n"));
    if let Some(pr) = &note.pull_request {
        out.push_str(&format!("{PULL_REQUEST}: {}\n", encode(pr)));
    }
    for a in &note.approvals {
        out.push_str(&format!(
            "{ATTESTED_APPROVAL}: {} path={} blob={} login={} review={} submitted={} commit={}\n",
            encode(&a.record),
            encode(&a.path),
            encode(&a.blob),
            encode(&a.login),
            a.review_id,
            encode(&a.submitted_at),
            encode(&a.reviewed_commit),
        ));
    }
    out
}

/// What `message` (a tag's message, with or without its signature block)
/// states. Never fails: what cannot be read is left out.
#[must_use]
pub fn parse(message: &str) -> WitnessNote {
    let mut note = WitnessNote::default();
    for t in super::trailer::parse(without_signature(message)) {
        if t.key.eq_ignore_ascii_case(WITNESSED_COMMIT) {
            if note.commit.is_empty() {
                if let Some(commit) = single(&t.value) {
                    note.commit = commit;
                }
            }
        } else if t.key.eq_ignore_ascii_case(PULL_REQUEST) {
            if note.pull_request.is_none() {
                note.pull_request = single(&t.value);
            }
        } else if t.key.eq_ignore_ascii_case(ATTESTED_APPROVAL) {
            if let Some(a) = approval(&t.value) {
                note.approvals.push(a);
            }
        }
    }
    note
}

/// The message before a signature block that `git tag -s` appended.
fn without_signature(message: &str) -> &str {
    let mut at = 0;
    for line in message.split_inclusive('\n') {
        if line.starts_with("-----BEGIN ") {
            return &message[..at];
        }
        at += line.len();
    }
    message
}

/// A value that is one word, decoded.
fn single(value: &str) -> Option<String> {
    let mut words = value.split_whitespace();
    let word = words.next()?;
    if words.next().is_some() {
        return None;
    }
    decode(word).filter(|w| !w.is_empty())
}

fn approval(value: &str) -> Option<AttestedApproval> {
    let mut words = value.split_whitespace();
    let record = decode(words.next()?)?;
    let mut fields: [Option<String>; 6] = Default::default();
    const NAMES: [&str; 6] = ["path", "blob", "login", "review", "submitted", "commit"];
    for word in words {
        let (name, raw) = word.split_once('=')?;
        let Some(slot) = NAMES.iter().position(|n| *n == name) else {
            continue;
        };
        if fields[slot].is_some() {
            return None;
        }
        fields[slot] = Some(decode(raw)?);
    }
    let [path, blob, login, review, submitted_at, reviewed_commit] = fields;
    let review_id = review?.parse::<u64>().ok()?;
    let a = AttestedApproval {
        record,
        path: path?,
        blob: blob?,
        login: login?,
        review_id,
        submitted_at: submitted_at?,
        reviewed_commit: reviewed_commit?,
    };
    let filled = [
        &a.record,
        &a.path,
        &a.blob,
        &a.login,
        &a.submitted_at,
        &a.reviewed_commit,
    ]
    .iter()
    .all(|s| !s.is_empty());
    filled.then_some(a)
}

/// `%XX` for `%`, whitespace and control characters.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if c == '%' || c.is_whitespace() || c.is_control() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The inverse of [`encode`]; `None` for a bad escape or bytes that are not
/// UTF-8.
fn decode(value: &str) -> Option<String> {
    if !value.contains('%') {
        return Some(value.to_owned());
    }
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = value.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn approval_of(record: &str, path: &str, review_id: u64) -> AttestedApproval {
        AttestedApproval {
            record: record.to_owned(),
            path: path.to_owned(),
            blob: "9ae1b3d4c5f60718293a4b5c6d7e8f9012345678".to_owned(),
            login: "jane-doe".to_owned(),
            review_id,
            submitted_at: "2026-11-30T10:00:00Z".to_owned(),
            reviewed_commit: "77b0aa11bb22cc33dd44ee55ff6677889900aabb".to_owned(),
        }
    }

    fn full_note() -> WitnessNote {
        WitnessNote {
            commit: "3f2c000000000000000000000000000000000e91a".to_owned(),
            pull_request: Some("github:acme/isms#42".to_owned()),
            approvals: vec![
                approval_of("POL-IS-001", "policies/is.md", 1234),
                approval_of("OBJ-001", "objectives/année 2026/obj 1%.yaml", u64::MAX),
            ],
        }
    }

    #[test]
    fn round_trips() {
        for note in [
            full_note(),
            WitnessNote {
                commit: "abc".to_owned(),
                pull_request: None,
                approvals: Vec::new(),
            },
            WitnessNote {
                commit: "abc".to_owned(),
                pull_request: Some("github:o/r#1".to_owned()),
                approvals: Vec::new(),
            },
        ] {
            assert_eq!(parse(&render(&note)), note);
        }
    }

    #[test]
    fn renders_for_people_and_for_git() {
        let text = render(&full_note());
        assert!(
            text.starts_with("govlint witness of 3f2c000000000000000000000000000000000e91a\n\n")
        );
        assert!(text.ends_with('\n'));
        assert!(text.contains(
            "\nAttested-approval: POL-IS-001 path=policies/is.md \
             blob=9ae1b3d4c5f60718293a4b5c6d7e8f9012345678 login=jane-doe review=1234 \
             submitted=2026-11-30T10:00:00Z commit=77b0aa11bb22cc33dd44ee55ff6677889900aabb\n"
        ));
        assert!(text.contains("path=objectives/année%202026/obj%201%25.yaml"));
        // git's trailer parser sees exactly the four trailers.
        let keys: Vec<String> = crate::history::trailer::parse(&text)
            .into_iter()
            .map(|t| t.key)
            .collect();
        assert_eq!(
            keys,
            [
                "Witnessed-commit",
                "Pull-request",
                "Attested-approval",
                "Attested-approval"
            ]
        );
    }

    #[test]
    fn git_sees_the_same_trailers() {
        use std::io::Write;
        let text = render(&full_note());
        let mut child = std::process::Command::new("git")
            .args(["interpret-trailers", "--parse"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("git runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("write");
        let out = child.wait_with_output().expect("git exits");
        let git = String::from_utf8(out.stdout).expect("utf-8");
        let ours: String = crate::history::trailer::parse(&text)
            .into_iter()
            .map(|t| format!("{}: {}\n", t.key, t.value))
            .collect();
        assert_eq!(git, ours);
        assert_eq!(git.lines().count(), 4);
    }

    #[test]
    fn ignores_the_signature_block() {
        let note = full_note();
        let signed = format!(
            "{}-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\nAttested-approval: X path=a blob=b login=c review=1 submitted=d commit=e\n-----END SSH SIGNATURE-----\n",
            render(&note)
        );
        assert_eq!(parse(&signed), note);
    }

    #[test]
    fn skips_malformed_lines() {
        let message = "govlint witness of abc\n\n\
            Witnessed-commit: abc\n\
            Attested-approval: A path=p blob=b login=l review=x submitted=s commit=c\n\
            Attested-approval: B path=p blob=b login=l submitted=s commit=c\n\
            Attested-approval: C path=p path=q blob=b login=l review=1 submitted=s commit=c\n\
            Attested-approval: D path=%G0 blob=b login=l review=1 submitted=s commit=c\n\
            Attested-approval: E path=%FF blob=b login=l review=1 submitted=s commit=c\n\
            Attested-approval: F path= blob=b login=l review=1 submitted=s commit=c\n\
            Attested-approval: G stray path=p blob=b login=l review=1 submitted=s commit=c\n\
            Attested-approval: H path=p blob=b login=l review=2 submitted=s commit=c future=yes\n";
        let note = parse(message);
        assert_eq!(note.commit, "abc");
        let records: Vec<&str> = note.approvals.iter().map(|a| a.record.as_str()).collect();
        assert_eq!(records, ["H"]);
    }

    #[test]
    fn hostile_input_never_panics() {
        let seeds = [
            "",
            "\n",
            "Witnessed-commit: abc",
            "x\n\nWitnessed-commit:\n",
            "x\n\nWitnessed-commit: a b\nPull-request:\n",
            "x\n\nAttested-approval:\n",
            "x\n\nAttested-approval: %\n",
            "x\n\nAttested-approval: %%% path=%e2%8 =\n",
            "x\n\nAttested-approval: é path=é%C3 blob==\n",
            "-----BEGIN SSH SIGNATURE-----",
            "x\n\n-----BEGIN \nWitnessed-commit: a\n",
        ];
        for seed in seeds {
            let _ = parse(seed);
            // Every prefix, cut at every char boundary.
            for (i, _) in seed.char_indices() {
                let _ = parse(&seed[..i]);
            }
        }
        let full = render(&full_note());
        for (i, _) in full.char_indices() {
            let _ = parse(&full[..i]);
            let _ = parse(&full[i..]);
        }
        // No Witnessed-commit: nothing is made up.
        assert_eq!(parse("x\n\nWitnessed-commit: a b\n").commit, "");
    }
}
