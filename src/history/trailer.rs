//! Trailer parsing, as `git interpret-trailers --parse` does it.
//!
//! The trailer block is the last paragraph of the message, never the first
//! (the title). It counts when all its lines are trailers (`Key: value`,
//! with continuation lines that start with whitespace), or when it holds a
//! git-generated trailer (`Signed-off-by: `, `(cherry picked from commit `)
//! and at least 25 % trailer lines. Lines starting with `#` are comments.
//! Keys keep their spelling here; callers compare them case-insensitively.
//! Folded values are unfolded (newline plus indentation becomes one space).
//!
//! Commit messages are read without git's `---` patch divider (as
//! `git log --format=%(trailers)` does); tag messages are read after their
//! signature has been cut off by the caller.

use super::encoding::split_identity;
use super::{EventKind, SignatureStatus};

/// The approval trailers of one commit or tag message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ApprovalTrailers {
    /// `Approved-by:` / `Reviewed-by:` identities as typed (name, email),
    /// without duplicates (same kind and email, ignoring case).
    pub(super) who: Vec<(EventKind, String, String)>,
    /// Record ids from `Approves:` trailers (comma- or blank-separated).
    pub(super) approves: Vec<String>,
    /// Record ids from `Reviews:` trailers.
    pub(super) reviews: Vec<String>,
    /// Filled in by the caller; `Unsigned` here.
    pub(super) signature: SignatureStatus,
}

/// The approval trailers of `message`, if it has at least one
/// `Approved-by:` or `Reviewed-by:` trailer (keys ignore case).
pub(super) fn approval_trailers(message: &str) -> Option<ApprovalTrailers> {
    let mut found = ApprovalTrailers {
        who: Vec::new(),
        approves: Vec::new(),
        reviews: Vec::new(),
        signature: SignatureStatus::Unsigned,
    };
    for t in parse(message) {
        let kind = match t.key.to_ascii_lowercase().as_str() {
            "approved-by" => EventKind::Approval,
            "reviewed-by" => EventKind::Review,
            "approves" => {
                add_ids(&mut found.approves, &t.value);
                continue;
            }
            "reviews" => {
                add_ids(&mut found.reviews, &t.value);
                continue;
            }
            _ => continue,
        };
        let (name, email) = split_identity(&t.value);
        let duplicate = found.who.iter().any(|(k, n, e)| {
            *k == kind && e.eq_ignore_ascii_case(&email) && (!email.is_empty() || *n == name)
        });
        if !duplicate {
            found.who.push((kind, name, email));
        }
    }
    (!found.who.is_empty()).then_some(found)
}

fn add_ids(ids: &mut Vec<String>, value: &str) {
    for id in value.split(|c: char| c == ',' || c.is_whitespace()) {
        if !id.is_empty() && !ids.iter().any(|known| known == id) {
            ids.push(id.to_owned());
        }
    }
}

/// One `Key: value` trailer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Trailer {
    pub(super) key: String,
    pub(super) value: String,
}

const COMMENT: &str = "#";
const GIT_GENERATED: [&str; 2] = ["Signed-off-by: ", "(cherry picked from commit "];

/// The trailers of `message`, in order.
pub(super) fn parse(message: &str) -> Vec<Trailer> {
    let lines: Vec<&str> = message.split_inclusive('\n').collect();
    let Some(start) = block_start(&lines) else {
        return Vec::new();
    };
    let mut joined: Vec<String> = Vec::new();
    let mut last_is_trailer = false;
    for line in &lines[start..] {
        if line.starts_with(COMMENT) {
            continue;
        }
        if last_is_trailer && starts_with_space(line) {
            if let Some(last) = joined.last_mut() {
                last.push_str(line);
            }
            continue;
        }
        joined.push((*line).to_owned());
        last_is_trailer = separator(line).is_some();
    }
    joined
        .iter()
        .filter_map(|t| {
            let pos = separator(t)?;
            Some(Trailer {
                key: t[..pos].trim().to_owned(),
                value: unfold(&t[pos + 1..]),
            })
        })
        .collect()
}

/// Index of the first line of the trailer block, if there is one
/// (`find_trailer_block_start` in git's `trailer.c`).
fn block_start(lines: &[&str]) -> Option<usize> {
    // The first paragraph is the title and cannot hold trailers.
    let end_of_title = lines
        .iter()
        .position(|l| !l.starts_with(COMMENT) && is_blank(l))?;
    let mut only_spaces = true;
    let mut recognized_prefix = false;
    let (mut trailer_lines, mut non_trailer_lines, mut continuation) = (0usize, 0usize, 0usize);
    for l in (end_of_title..lines.len()).rev() {
        let line = lines[l];
        if line.starts_with(COMMENT) {
            non_trailer_lines += continuation;
            continuation = 0;
            continue;
        }
        if is_blank(line) {
            if only_spaces {
                continue;
            }
            non_trailer_lines += continuation;
            let enough = recognized_prefix && trailer_lines * 3 >= non_trailer_lines;
            let all = trailer_lines > 0 && non_trailer_lines == 0;
            return (enough || all).then_some(l + 1);
        }
        only_spaces = false;
        if GIT_GENERATED.iter().any(|p| line.starts_with(p)) {
            trailer_lines += 1;
            continuation = 0;
            recognized_prefix = true;
        } else if separator(line).is_some() && !starts_with_space(line) {
            trailer_lines += 1;
            continuation = 0;
        } else if starts_with_space(line) {
            continuation += 1;
        } else {
            non_trailer_lines += 1 + continuation;
            continuation = 0;
        }
    }
    None
}

/// Position of the `:` that ends a trailer key (`find_separator`): the key
/// is letters, digits and `-`, optionally followed by blanks.
fn separator(line: &str) -> Option<usize> {
    let mut whitespace_found = false;
    for (i, c) in line.char_indices() {
        if c == ':' {
            return (i >= 1).then_some(i);
        }
        if !whitespace_found && (c.is_ascii_alphanumeric() || c == '-') {
            continue;
        }
        if i != 0 && (c == ' ' || c == '\t') {
            whitespace_found = true;
            continue;
        }
        return None;
    }
    None
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

fn starts_with_space(line: &str) -> bool {
    line.starts_with(|c: char| c.is_ascii_whitespace())
}

/// git's `unfold_value`: each newline with the blanks around it becomes one
/// space; the ends are trimmed.
fn unfold(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for (i, part) in value.split('\n').enumerate() {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        if i > 0 && !out.is_empty() {
            out.push(' ');
        }
        out.push_str(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(message: &str) -> Vec<(String, String)> {
        parse(message)
            .into_iter()
            .map(|t| (t.key, t.value))
            .collect()
    }

    fn kv(k: &str, v: &str) -> (String, String) {
        (k.to_owned(), v.to_owned())
    }

    #[test]
    fn last_paragraph_of_trailers() {
        let msg = "Approve policy\n\nBody text.\n\nApproves: POL-1\napproved-by: Jane Doe <jane@acme.example>\n";
        assert_eq!(
            pairs(msg),
            vec![
                kv("Approves", "POL-1"),
                kv("approved-by", "Jane Doe <jane@acme.example>")
            ]
        );
    }

    #[test]
    fn the_title_is_never_a_trailer() {
        assert!(pairs("Approved-by: Jane <j@x>\n").is_empty());
        assert!(pairs("Approved-by: Jane <j@x>\nApproves: X\n").is_empty());
    }

    #[test]
    fn a_paragraph_with_prose_is_not_a_trailer_block() {
        assert!(pairs("Title\n\nSee: this is prose\nand more prose\n").is_empty());
    }

    #[test]
    fn git_generated_trailers_allow_some_prose() {
        let msg = "Title\n\nSigned-off-by: A <a@x>\nnot a trailer\nApproved-by: B <b@x>\n";
        assert_eq!(
            pairs(msg),
            vec![kv("Signed-off-by", "A <a@x>"), kv("Approved-by", "B <b@x>")]
        );
    }

    #[test]
    fn folded_values_are_unfolded() {
        let msg = "Title\n\nApproved-by: Jane\n  Doe <jane@acme.example>\nReviews: A\n";
        assert_eq!(
            pairs(msg),
            vec![
                kv("Approved-by", "Jane Doe <jane@acme.example>"),
                kv("Reviews", "A")
            ]
        );
    }

    #[test]
    fn comments_and_trailing_blank_lines_are_ignored() {
        let msg = "Title\n\nApproves: A\n# a comment\nApproved-by: J <j@x>\n\n\n";
        assert_eq!(
            pairs(msg),
            vec![kv("Approves", "A"), kv("Approved-by", "J <j@x>")]
        );
    }

    #[test]
    fn keys_may_have_blanks_before_the_colon_but_not_inside() {
        assert_eq!(separator("Approved-by : x"), Some(12));
        assert_eq!(separator("Approved by: x"), None);
        assert_eq!(separator(": x"), None);
        assert_eq!(separator("http://example"), Some(4));
    }

    #[test]
    fn approval_trailers_pair_ids_and_identities() {
        let msg = "Approve\n\nApproves: A, B\nApproves: B C\nReviews: D\nApproved-by: J <j@x>\nAPPROVED-BY: Jay <J@X>\nReviewed-by: K <k@x>\nSigned-off-by: Z <z@x>\n";
        let found = approval_trailers(msg).expect("has approvals");
        assert_eq!(found.approves, ["A", "B", "C"]);
        assert_eq!(found.reviews, ["D"]);
        let who: Vec<_> = found.who.iter().map(|(k, _, e)| (*k, e.as_str())).collect();
        assert_eq!(
            who,
            [(EventKind::Approval, "j@x"), (EventKind::Review, "k@x")]
        );
        assert_eq!(approval_trailers("Title\n\nApproves: A\n"), None);
    }

    #[test]
    fn crlf_messages() {
        let msg = "Title\r\n\r\nApproved-by: J <j@x>\r\n";
        assert_eq!(pairs(msg), vec![kv("Approved-by", "J <j@x>")]);
    }
}
