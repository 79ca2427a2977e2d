//! `.mailmap` resolved exactly as `git check-mailmap` resolves it: every
//! form gitmailmap(5) documents, comments, repeated entries, and lookups in
//! mixed case, each compared with what git prints. Any disagreement fails
//! and prints the whole table.

use super::super::mailmap::Mailmap;
use super::super::testing::TestRepo;

/// Every form, with the case of commit emails and names varied on purpose.
const MAILMAP: &str = "\
# Comment lines start with a hash.
Jane Doe <jane@acme.example> <Old.Jane@Acme.Example>
Proper One <One@Acme.Example>
<proper2@acme.example> <Two@ACME.example>
Proper Three <proper3@acme.example> <three@acme.example>
Proper Four <proper4@acme.example> Commit Four <four@acme.example>
Other Four <other4@acme.example> commit four the second <four@acme.example>
<simple4@acme.example> <four@acme.example>
Repeated <rep@acme.example>
<rep-new@acme.example> <REP@acme.example>
Later Wins <rep@acme.example>
  Spaced   Name  \t<spaced@acme.example>   <spaced-old@acme.example>  # trailing comment
Tom <tom@acme.example> Tom Laptop <tom@laptop.example>
Tom <tom@acme.example> TOM LAPTOP <tom@laptop.example>
Name Only Line
<> <empty-proper@acme.example>
Empty Commit Email <ece@acme.example> <>
Crlf Person <crlf@acme.example> <crlf-old@acme.example>\r
Carol <carol@acme.example> Carol C <carol@old.example>
 # not at column one, so not a comment <hash@acme.example>
";

/// (name, email) lookups: matching and not, in mixed case.
const LOOKUPS: &[(&str, &str)] = &[
    ("Jane", "old.jane@acme.example"),
    ("Jane", "OLD.JANE@ACME.EXAMPLE"),
    ("Jane", "Old.Jane@Acme.Example"),
    ("Jane", "jane@acme.example"),
    ("x", "one@acme.example"),
    ("x", "ONE@acme.example"),
    ("x", "two@acme.example"),
    ("x", "tWo@Acme.Example"),
    ("x", "three@acme.example"),
    ("x", "Three@Acme.Example"),
    ("Commit Four", "four@acme.example"),
    ("commit four", "FOUR@acme.example"),
    ("COMMIT FOUR THE SECOND", "four@acme.example"),
    ("Someone Else", "four@acme.example"),
    ("x", "rep@acme.example"),
    ("x", "Rep@Acme.Example"),
    ("x", "spaced-old@acme.example"),
    ("Tom Laptop", "tom@laptop.example"),
    ("tom laptop", "Tom@Laptop.Example"),
    ("Tom Desktop", "tom@laptop.example"),
    ("x", "empty-proper@acme.example"),
    ("x", "crlf-old@acme.example"),
    ("Carol C", "carol@old.example"),
    ("carol c", "CAROL@OLD.EXAMPLE"),
    ("Carol", "carol@old.example"),
    ("x", "hash@acme.example"),
    ("x", "nobody@acme.example"),
    ("Jane Doe", "jane@acme.example"),
    ("Ünïcode Näme", "Old.Jane@acme.example"),
];

fn contact(name: &str, email: &str) -> String {
    if name.is_empty() {
        format!("<{email}>")
    } else {
        format!("{name} <{email}>")
    }
}

#[test]
fn mailmap_agrees_with_git_check_mailmap() {
    let lookups: Vec<(String, String)> = LOOKUPS
        .iter()
        .map(|(n, e)| ((*n).to_owned(), (*e).to_owned()))
        .collect();
    compare(MAILMAP, &lookups);
}

/// A real-world `.mailmap` (git's own, say) given by path in
/// `GOVLINT_MAILMAP_FILE`: every line's commit identity is looked up as
/// written, upper-cased, lower-cased and under another name. Without the
/// variable there is nothing to do.
#[test]
fn a_given_mailmap_agrees_with_git_check_mailmap() {
    let Some(path) = std::env::var_os("GOVLINT_MAILMAP_FILE") else {
        return;
    };
    let text =
        String::from_utf8_lossy(&std::fs::read(path).expect("GOVLINT_MAILMAP_FILE")).into_owned();
    let mut lookups = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        // The commit identity is the last `Name <email>` of the line.
        let Some(right) = line.rfind('>') else {
            continue;
        };
        let Some(left) = line[..right].rfind('<') else {
            continue;
        };
        let email = &line[left + 1..right];
        if email.is_empty() {
            continue;
        }
        let before = line[..left].trim_end();
        let name = before
            .rfind('>')
            .map_or(before, |i| before[i + 1..].trim_start())
            .trim();
        let name = if name.is_empty() { "Someone" } else { name };
        for (n, e) in [
            (name.to_owned(), email.to_owned()),
            (name.to_uppercase(), email.to_uppercase()),
            (name.to_lowercase(), email.to_lowercase()),
            ("Someone Else".to_owned(), email.to_owned()),
        ] {
            lookups.push((n, e));
        }
    }
    compare(&text, &lookups);
}

/// Looks every `(name, email)` up with govlint and with `git
/// check-mailmap --stdin` in a repository holding `mailmap`; fails on any
/// disagreement, with the table.
fn compare(mailmap: &str, lookups: &[(String, String)]) {
    let repo = TestRepo::new();
    repo.write(".mailmap", mailmap);
    let contacts: String = lookups.iter().map(|(n, e)| contact(n, e) + "\n").collect();
    let git_says = repo.git_stdin(&["check-mailmap", "--stdin"], contacts.as_bytes());
    let git_lines: Vec<&str> = git_says.lines().collect();
    assert_eq!(git_lines.len(), lookups.len(), "git printed: {git_says}");
    let map = Mailmap::parse(mailmap);
    let mut table = String::from("| lookup | git check-mailmap | govlint | |\n|---|---|---|---|\n");
    let mut disagree = 0;
    for ((name, email), git) in lookups.iter().zip(&git_lines) {
        let (n, e) = map
            .map(name, email)
            .unwrap_or_else(|| (name.clone(), email.clone()));
        let ours = contact(&n, &e);
        let same = ours == *git;
        disagree += usize::from(!same);
        table.push_str(&format!(
            "| `{}` | `{git}` | `{ours}` | {} |\n",
            contact(name, email),
            if same { "same" } else { "DIFFERENT" }
        ));
    }
    #[allow(
        clippy::print_stderr,
        reason = "the comparison table is this test's report (`-- --nocapture`)"
    )]
    {
        eprintln!("{table}{} lookups, {disagree} different", lookups.len());
    }
    assert_eq!(
        disagree, 0,
        "govlint disagrees with git check-mailmap:\n{table}"
    );
}
