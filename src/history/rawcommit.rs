//! A commit object's header, parsed from its raw bytes as libgit2 parses
//! it, so the cold walk can read commits on every core (libgit2 reads them
//! one at a time, under its own locks).
//!
//! Only the well-formed common case is parsed here: `tree`, `parent`s,
//! one `author`, `committer` with a `<seconds> <+|-hhmm>` time, then any
//! other headers (continuation lines included) and a blank line before the
//! message. Anything else (a NUL byte, a second `author` line, an odd time
//! or time zone, no blank line) yields `None` and the caller reads the
//! commit through libgit2, whose answer is then the same as before by
//! construction. Within the common case the fields are what libgit2's
//! `commit_parse` and `git_signature__parse` give: the name and email are
//! the text around the *last* `<` and `>` of the line, trimmed of the
//! bytes libgit2 calls crud; the time zone is kept only when its hours are
//! at most 14 and its minutes at most 59; the last `encoding` header wins;
//! a `gpgsig` or `gpgsig-sha256` header line marks the commit signed.

use git2::Oid;

const HEX_LEN: usize = 40;

/// A name and email as the commit records them, plus the time for the
/// committer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Person<'a> {
    pub(super) name: &'a [u8],
    pub(super) email: &'a [u8],
    pub(super) seconds: i64,
    pub(super) offset_minutes: i32,
}

/// The parts of a commit the walk uses, borrowing from the raw object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RawCommit<'a> {
    pub(super) tree: Oid,
    /// As recorded: a shallow boundary's grafts are the caller's business.
    pub(super) parents: Vec<Oid>,
    pub(super) author: Person<'a>,
    pub(super) committer: Person<'a>,
    /// The `encoding` header's value.
    pub(super) encoding: Option<&'a [u8]>,
    /// Has a `gpgsig` or `gpgsig-sha256` header.
    pub(super) signed: bool,
    /// Everything after the blank line that ends the header.
    pub(super) message: &'a [u8],
}

/// Parses `data`, a commit object's content; `None` when it is not in the
/// common form (the caller then asks libgit2).
pub(super) fn parse(data: &[u8]) -> Option<RawCommit<'_>> {
    if data.contains(&0) {
        // libgit2 hands out C strings: a NUL cuts a field short.
        return None;
    }
    let mut rest = data;
    let tree = oid_line(&mut rest, b"tree ")?;
    let mut parents = Vec::new();
    while rest.starts_with(b"parent ") {
        parents.push(oid_line(&mut rest, b"parent ")?);
    }
    let author = person_line(&mut rest, b"author ")?;
    if rest.starts_with(b"author ") {
        return None;
    }
    let committer = person_line(&mut rest, b"committer ")?;
    let mut encoding = None;
    let mut signed = false;
    loop {
        if let Some(message) = rest.strip_prefix(b"\n") {
            return Some(RawCommit {
                tree,
                parents,
                author,
                committer,
                encoding,
                signed,
                message,
            });
        }
        let end = rest.iter().position(|&b| b == b'\n')?;
        let line = &rest[..end];
        if let Some(value) = line.strip_prefix(b"encoding ") {
            encoding = Some(value);
        }
        if line.starts_with(b"gpgsig ") || line.starts_with(b"gpgsig-sha256 ") {
            signed = true;
        }
        rest = &rest[end + 1..];
    }
}

/// `<prefix><40 hex>\n`.
fn oid_line(rest: &mut &[u8], prefix: &[u8]) -> Option<Oid> {
    let line = rest.strip_prefix(prefix)?;
    if line.len() <= HEX_LEN || line[HEX_LEN] != b'\n' {
        return None;
    }
    let hex = &line[..HEX_LEN];
    if !hex.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let id = Oid::from_str(std::str::from_utf8(hex).ok()?).ok()?;
    *rest = &line[HEX_LEN + 1..];
    Some(id)
}

/// `<prefix><name> <<email>> <seconds> <+|-><hhmm>\n`.
fn person_line<'a>(rest: &mut &'a [u8], prefix: &[u8]) -> Option<Person<'a>> {
    let body = rest.strip_prefix(prefix)?;
    let end = body.iter().position(|&b| b == b'\n')?;
    let line = &body[..end];
    let open = line.iter().rposition(|&b| b == b'<')?;
    let close = line.iter().rposition(|&b| b == b'>')?;
    if close <= open {
        return None;
    }
    let name = trim_crud(&line[..open]);
    let email = trim_crud(&line[open + 1..close]);
    let (seconds, offset_minutes) = time(&line[close + 1..])?;
    *rest = &body[end + 1..];
    Some(Person {
        name,
        email,
        seconds,
        offset_minutes,
    })
}

/// ` <seconds> <+|-><hhmm>`, exactly: the form git writes.
fn time(text: &[u8]) -> Option<(i64, i32)> {
    let text = text.strip_prefix(b" ")?;
    let space = text.iter().position(|&b| b == b' ')?;
    let (digits, zone) = (&text[..space], &text[space + 1..]);
    // Up to 18 digits cannot overflow an i64.
    if digits.is_empty() || digits.len() > 18 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let seconds = digits
        .iter()
        .fold(0i64, |n, &d| n * 10 + i64::from(d - b'0'));
    let (&sign, zone) = zone.split_first()?;
    if !matches!(sign, b'+' | b'-') || zone.len() != 4 || !zone.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let zone = zone.iter().fold(0i32, |n, &d| n * 10 + i32::from(d - b'0'));
    let (hours, minutes) = (zone / 100, zone % 100);
    let offset = if hours <= 14 && minutes <= 59 {
        let offset = hours * 60 + minutes;
        if sign == b'-' {
            -offset
        } else {
            offset
        }
    } else {
        0
    };
    Some((seconds, offset))
}

/// libgit2's `extract_trimmed`: strips control bytes, spaces and
/// `,:;<>"\'` from both ends.
fn trim_crud(mut s: &[u8]) -> &[u8] {
    let crud =
        |c: u8| c <= 32 || matches!(c, b',' | b':' | b';' | b'<' | b'>' | b'"' | b'\\' | b'\'');
    while let Some((&c, rest)) = s.split_first() {
        if !crud(c) {
            break;
        }
        s = rest;
    }
    while let Some((&c, rest)) = s.split_last() {
        if !crud(c) {
            break;
        }
        s = rest;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::testing::{as_gpgsig, with_header, TestRepo};

    /// The fields libgit2 gives for commit `id` equal the parser's.
    fn assert_same_as_libgit2(git: &git2::Repository, id: Oid, raw: &RawCommit<'_>) {
        let commit = git.find_commit(id).unwrap();
        assert_eq!(raw.tree, commit.tree_id(), "{id}");
        assert_eq!(raw.parents, commit.parent_ids().collect::<Vec<_>>(), "{id}");
        for (ours, theirs) in [
            (&raw.author, commit.author()),
            (&raw.committer, commit.committer()),
        ] {
            assert_eq!(ours.name, theirs.name_bytes(), "{id}");
            assert_eq!(ours.email, theirs.email_bytes(), "{id}");
        }
        let when = commit.committer().when();
        assert_eq!(raw.committer.seconds, when.seconds(), "{id}");
        assert_eq!(raw.committer.offset_minutes, when.offset_minutes(), "{id}");
        assert_eq!(
            raw.encoding,
            commit.message_encoding().ok().flatten().map(str::as_bytes),
            "{id}"
        );
        assert_eq!(raw.message, commit.message_raw_bytes(), "{id}");
        let signed = commit.header_field_bytes("gpgsig").is_ok()
            || commit.header_field_bytes("gpgsig-sha256").is_ok();
        assert_eq!(raw.signed, signed, "{id}");
    }

    /// Parses every commit of the repository; returns how many parsed
    /// (each checked against libgit2) and how many were left to libgit2.
    fn check_all(repo: &TestRepo, extra: &[String]) -> (usize, usize) {
        let git = git2::Repository::open(repo.path()).unwrap();
        let odb = git.odb().unwrap();
        let listed = repo.git(&["rev-list", "--all"]);
        let ids = listed
            .lines()
            .map(str::to_owned)
            .chain(extra.iter().cloned());
        let (mut parsed, mut left) = (0, 0);
        for id in ids {
            let id = Oid::from_str(&id).unwrap();
            let object = odb.read(id).unwrap();
            match parse(object.data()) {
                Some(raw) => {
                    assert_same_as_libgit2(&git, id, &raw);
                    parsed += 1;
                }
                None => left += 1,
            }
        }
        (parsed, left)
    }

    #[test]
    fn commits_made_by_git_parse_as_libgit2_reads_them() {
        let repo = TestRepo::new();
        let (key, _) = repo.keygen("alice");
        repo.write("a.txt", "one\n");
        repo.commit("root\n\nbody line\n").run();
        repo.write("a.txt", "two\n");
        repo.commit("signed\n")
            .sign(&key)
            .trailer("Approved-by: Bob <bob@example.com>")
            .run();
        // A Latin-1 message: an `encoding` header.
        repo.write("b.txt", "x\n");
        repo.commit_latin1(b"caf\xe9\n");
        // A merge of a signed tag: a `mergetag` header with continuation
        // lines (and the tag's own `gpgsig`-less signature block).
        repo.git(&["checkout", "-q", "-b", "side", "HEAD~1"]);
        repo.write("c.txt", "side\n");
        repo.commit("side\n").run();
        repo.git(&[
            "-c",
            "gpg.format=ssh",
            "-c",
            &format!("user.signingkey={}", key.display()),
            "tag",
            "-s",
            "-m",
            "release",
            "v1",
        ]);
        repo.git(&["checkout", "-q", "main"]);
        repo.git(&["merge", "-q", "--no-ff", "--no-edit", "v1"]);
        let merge = repo.git(&["cat-file", "commit", "HEAD"]);
        assert!(merge.contains("\nmergetag object "), "{merge}");
        let (parsed, left) = check_all(&repo, &[]);
        assert_eq!((parsed, left), (5, 0));
        let head = parse(merge.as_bytes()).unwrap();
        assert_eq!(head.parents.len(), 2);
        assert!(!head.signed, "a mergetag's signature is not the commit's");
        let latin = repo.git(&["cat-file", "commit", "main~1"]);
        assert!(latin.contains("\nencoding ISO-8859-1\n"), "{latin}");
        let signed = repo.git(&["cat-file", "commit", "main~2"]);
        assert!(parse(signed.as_bytes()).unwrap().signed, "{signed}");
    }

    #[test]
    fn crafted_commits_parse_as_libgit2_reads_them_or_are_left_to_it() {
        let repo = TestRepo::new();
        repo.write("a.txt", "one\n");
        repo.commit("root\n").run();
        let base = repo.git(&["cat-file", "commit", "HEAD"]);
        let tree = repo.git(&["rev-parse", "HEAD^{tree}"]);
        let (key, _) = repo.keygen("k");
        let signature = crate::history::testing::ssh_sign(&key, "git", base.as_bytes());
        let person = "A U Thor <a@example.com> 1700000000 +0000";
        let commit = |author: &str, committer: &str, headers: &str, message: &str| {
            format!("tree {tree}\nauthor {author}\ncommitter {committer}\n{headers}\n{message}")
        };
        // Parsed here (and checked against libgit2).
        let parsed = [
            with_header(&base, &as_gpgsig(&signature)),
            with_header(&base, "gpgsig-sha256 abc\n def\n"),
            with_header(&base, "encoding UTF-8\nencoding ISO-8859-2\n"),
            with_header(&base, "x-custom one\n two\n  three\n"),
            with_header(&base, " encoding continuation-only\n"),
            with_header(&base, "gpgsigx no\n"),
            commit(
                person,
                "  \"Bob\" ,; <<bob@example.com>> 1700000000 -0130",
                "",
                "m\n",
            ),
            commit(
                person,
                "B <b@example.com> 1700000000 +1500",
                "",
                "zone over 14 hours\n",
            ),
            commit(
                person,
                "B <b@example.com> 1700000000 +0099",
                "",
                "zone minutes 99\n",
            ),
            commit(
                person,
                "B <b@example.com> 1700000000 -0000",
                "",
                "\n\nblank lines\n",
            ),
            commit("odd > name < e@x > 1 +0000", "a <b> <c> 5 +0100", "", ""),
            commit(person, person, "", "no final newline"),
        ];
        // Left to libgit2 (and still read by it).
        let left = [
            format!("{base}\0after a NUL"),
            base.replacen("author ", "author A <a@x> 1 +0000\nauthor ", 1),
            commit(person, "B <b@example.com> 1700000000", "", "no zone\n"),
            commit(person, "B <b@example.com>", "", "no time\n"),
            commit(person, "B <b@example.com> 17e8 +0000", "", "odd time\n"),
            commit(
                person,
                "B <b@example.com> 1700000000 +01",
                "",
                "short zone\n",
            ),
            commit(
                person,
                "B <b@example.com>  1700000000 +0000",
                "",
                "two spaces\n",
            ),
            format!("tree {tree}\nauthor {person}\ncommitter {person}\nno-blank-line"),
        ];
        let ids: Vec<String> = parsed
            .iter()
            .chain(&left)
            .map(|raw| repo.write_commit_object(raw.as_bytes()))
            .collect();
        let git = git2::Repository::open(repo.path()).unwrap();
        let odb = git.odb().unwrap();
        for (i, id) in ids.iter().enumerate() {
            let id = Oid::from_str(id).unwrap();
            let object = odb.read(id).unwrap();
            let result = parse(object.data());
            if i < parsed.len() {
                let raw = result.unwrap_or_else(|| panic!("{:?}", parsed[i]));
                assert_same_as_libgit2(&git, id, &raw);
            } else {
                assert_eq!(result, None, "{:?}", left[i - parsed.len()]);
                git.find_commit(id).unwrap();
            }
        }
        let raw = parse(parsed[0].as_bytes()).unwrap();
        assert!(raw.signed);
        let raw = parse(parsed[6].as_bytes()).unwrap();
        assert_eq!((raw.name_str(), raw.committer.offset_minutes), ("Bob", -90));
    }

    /// Every commit of a real repository (`GOVLINT_RAWCOMMIT_REPO`, e.g. a
    /// clone of git/git) parses as libgit2 reads it; run by hand.
    #[test]
    #[ignore = "needs a large repository named by GOVLINT_RAWCOMMIT_REPO"]
    fn a_real_history_parses_as_libgit2_reads_it() {
        let path = std::env::var("GOVLINT_RAWCOMMIT_REPO").unwrap();
        let git = git2::Repository::open(&path).unwrap();
        let odb = git.odb().unwrap();
        let mut walk = git.revwalk().unwrap();
        walk.push_head().unwrap();
        let (mut parsed, mut left) = (0, 0);
        for id in walk {
            let id = id.unwrap();
            match parse(odb.read(id).unwrap().data()) {
                Some(raw) => {
                    assert_same_as_libgit2(&git, id, &raw);
                    parsed += 1;
                }
                None => left += 1,
            }
        }
        // Every commit git itself writes has the common form.
        assert!(
            parsed > 0 && left == 0,
            "{parsed} parsed, {left} left to libgit2"
        );
    }

    impl RawCommit<'_> {
        fn name_str(&self) -> &str {
            std::str::from_utf8(self.committer.name).unwrap()
        }
    }
}
