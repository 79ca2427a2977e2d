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
    let repo = TestRepo::new();
    repo.write(".mailmap", MAILMAP);
    let contacts: Vec<String> = LOOKUPS.iter().map(|(n, e)| contact(n, e)).collect();
    let mut args = vec!["check-mailmap"];
    args.extend(contacts.iter().map(String::as_str));
    let git_says = repo.git(&args);
    let git_lines: Vec<&str> = git_says.lines().collect();
    assert_eq!(git_lines.len(), LOOKUPS.len(), "git printed: {git_says}");
    let map = Mailmap::parse(MAILMAP);
    let mut table = String::from("| lookup | git check-mailmap | govlint | |\n|---|---|---|---|\n");
    let mut disagree = 0;
    for ((name, email), git) in LOOKUPS.iter().zip(&git_lines) {
        let (n, e) = map
            .map(name, email)
            .unwrap_or_else(|| ((*name).to_owned(), (*email).to_owned()));
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
        eprintln!("{table}");
    }
    assert_eq!(
        disagree, 0,
        "govlint disagrees with git check-mailmap:\n{table}"
    );
}
