//! `.mailmap` read and applied as git itself does (`gitmailmap(5)`,
//! `mailmap.c`), so that an identity resolves to what `git check-mailmap`
//! prints for it.
//!
//! A line is at most two `Name <email>` parts: the proper identity, then
//! the commit identity it replaces. The forms gitmailmap(5) documents:
//!
//! ```text
//! Proper Name <commit@email>
//! <proper@email> <commit@email>
//! Proper Name <proper@email> <commit@email>
//! Proper Name <proper@email> Commit Name <commit@email>
//! ```
//!
//! As in git: a line whose first character is `#` is a comment, and so is
//! anything after the last `>` that has no `<` in it; names are trimmed of
//! spaces, tabs and line ends, emails are taken exactly as written between
//! `<` and `>`; emails and names are matched ignoring ASCII case (git's
//! `strcasecmp`), so `<Old.Jane@Acme.Example>` maps `old.jane@acme.example`
//! (libgit2's mailmap does not). For one commit email, the entry that also
//! names the commit name wins; otherwise the simple entry (without a commit
//! name) applies; of two lines for the same pair, the later wins, and simple
//! lines for the same email add up (a later name or email replaces an earlier
//! one). govlint never raises a strength because of `.mailmap` (SPEC 2.1):
//! this only decides which Person an identity names.

/// The proper name and email that one entry gives (either may be absent:
/// then the commit's own is kept).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Proper {
    name: Option<String>,
    email: Option<String>,
}

/// Everything the file says about one commit email.
#[derive(Debug, Clone)]
struct Entry {
    /// The commit email as first written (matched ignoring ASCII case).
    email: String,
    /// From lines without a commit name.
    simple: Proper,
    /// From lines with a commit name: (commit name, proper identity).
    by_name: Vec<(String, Proper)>,
}

/// A parsed `.mailmap`.
#[derive(Debug, Clone, Default)]
pub(super) struct Mailmap {
    entries: Vec<Entry>,
}

impl Mailmap {
    /// Parses the file's text line by line, as git's `read_mailmap_line`.
    pub(super) fn parse(text: &str) -> Mailmap {
        let mut map = Mailmap::default();
        for line in text.split('\n') {
            if line.starts_with('#') {
                continue;
            }
            let Some((name1, email1, rest)) = name_and_email(line, false) else {
                continue;
            };
            let second = rest.and_then(|rest| name_and_email(rest, true));
            match second {
                Some((name2, email2, _)) => map.add(name1, Some(email1), name2, email2),
                None => map.add(name1, None, None, email1),
            }
        }
        map
    }

    /// Records one line: `new_*` is the proper identity, `old_*` the commit
    /// identity (git's `add_mapping`).
    fn add(
        &mut self,
        new_name: Option<&str>,
        new_email: Option<&str>,
        old_name: Option<&str>,
        old_email: &str,
    ) {
        let index = match self
            .entries
            .iter()
            .position(|e| e.email.eq_ignore_ascii_case(old_email))
        {
            Some(i) => i,
            None => {
                self.entries.push(Entry {
                    email: old_email.to_owned(),
                    simple: Proper::default(),
                    by_name: Vec::new(),
                });
                self.entries.len() - 1
            }
        };
        let entry = &mut self.entries[index];
        match old_name {
            None => {
                if let Some(name) = new_name {
                    entry.simple.name = Some(name.to_owned());
                }
                if let Some(email) = new_email {
                    entry.simple.email = Some(email.to_owned());
                }
            }
            Some(old_name) => {
                let proper = Proper {
                    name: new_name.map(str::to_owned),
                    email: new_email.map(str::to_owned),
                };
                match entry
                    .by_name
                    .iter_mut()
                    .find(|(n, _)| n.eq_ignore_ascii_case(old_name))
                {
                    Some(found) => found.1 = proper,
                    None => entry.by_name.push((old_name.to_owned(), proper)),
                }
            }
        }
    }

    /// The (name, email) git shows for `name <email>`, or `None` when no
    /// line maps it (git's `map_user`). An empty `name` matches no commit
    /// name.
    pub(super) fn map(&self, name: &str, email: &str) -> Option<(String, String)> {
        let entry = self
            .entries
            .iter()
            .find(|e| e.email.eq_ignore_ascii_case(email))?;
        let proper = entry
            .by_name
            .iter()
            .find(|(n, _)| !name.is_empty() && n.eq_ignore_ascii_case(name))
            .map_or(&entry.simple, |(_, p)| p);
        if proper.name.is_none() && proper.email.is_none() {
            return None;
        }
        Some((
            proper.name.clone().unwrap_or_else(|| name.to_owned()),
            proper.email.clone().unwrap_or_else(|| email.to_owned()),
        ))
    }
}

/// git's whitespace (`sane_ctype`): no vertical tab or form feed.
fn is_git_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// One `Name <email>` part at the start of `text` (git's
/// `parse_name_and_email`): the trimmed name before the first `<` (`None`
/// when empty), the email up to the next `>`, and what follows it (`None`
/// when nothing does). `None` when there is no `<…>`, or (unless
/// `allow_empty_email`) the email is empty.
fn name_and_email(
    text: &str,
    allow_empty_email: bool,
) -> Option<(Option<&str>, &str, Option<&str>)> {
    let left = text.find('<')?;
    let right = left + 1 + text[left + 1..].find('>')?;
    let email = &text[left + 1..right];
    if email.is_empty() && !allow_empty_email {
        return None;
    }
    let name = text[..left].trim_matches(is_git_space);
    let rest = &text[right + 1..];
    Some((
        (!name.is_empty()).then_some(name),
        email,
        (!rest.is_empty()).then_some(rest),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(text: &str, name: &str, email: &str) -> Option<(String, String)> {
        Mailmap::parse(text).map(name, email)
    }

    fn pair(name: &str, email: &str) -> Option<(String, String)> {
        Some((name.to_owned(), email.to_owned()))
    }

    #[test]
    fn emails_match_ignoring_case() {
        let text = "Jane Doe <jane@acme.example> <Old.Jane@Acme.Example>\n";
        assert_eq!(
            map(text, "x", "old.jane@acme.example"),
            pair("Jane Doe", "jane@acme.example")
        );
    }

    #[test]
    fn every_documented_form() {
        let text = "\
# a comment
Proper One <one@x.example>
<proper2@x.example> <two@x.example>
Proper Three <proper3@x.example> <three@x.example>
Proper Four <proper4@x.example> Commit Four <four@x.example>  # trailing comment
";
        assert_eq!(
            map(text, "c", "ONE@x.example"),
            pair("Proper One", "ONE@x.example")
        );
        assert_eq!(
            map(text, "c", "two@x.example"),
            pair("c", "proper2@x.example")
        );
        assert_eq!(
            map(text, "c", "three@X.example"),
            pair("Proper Three", "proper3@x.example")
        );
        assert_eq!(
            map(text, "commit FOUR", "four@x.example"),
            pair("Proper Four", "proper4@x.example")
        );
        // The commit name does not match, and there is no simple entry.
        assert_eq!(map(text, "Other", "four@x.example"), None);
        assert_eq!(map(text, "c", "nobody@x.example"), None);
    }

    #[test]
    fn later_simple_lines_add_up() {
        let text = "<new@x.example> <a@x.example>\nNew Name <a@x.example>\n";
        assert_eq!(
            map(text, "c", "a@x.example"),
            pair("New Name", "new@x.example")
        );
    }
}
