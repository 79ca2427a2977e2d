//! Parser errors in plain language: saphyr's scanner texts ("simple key
//! expect ':'") mean little to an ISMS manager, so each known one becomes
//! what is wrong and how to fix it. Unknown texts pass through unchanged.

/// What a parser message means, and how to fix it; `None` when the
/// message is not one of the parser's known texts (govlint's own messages,
/// such as duplicate keys, already say both).
#[must_use]
pub fn plain(message: &str) -> Option<(&'static str, &'static str)> {
    let m = message;
    let has = |s: &str| m.contains(s);
    Some(
        if has("quoted scalar")
            && (has("indentation") || has("end of stream") || has("document indicator"))
        {
            (
            "a quoted value starts here but its closing quote is missing",
            "close the quote on the same line (or indent the continuation lines of a long quoted value)",
        )
        } else if has("unknown escape character") || has("escape code") || has("hexadecimal number")
        {
            (
            "a backslash inside double quotes is not a valid YAML escape (e.g. `\\d` in a pattern)",
            "use single quotes for text with backslashes ('^\\d+$'), or double every backslash",
        )
        } else if has("simple key")
            || has("did not find expected key")
            || m == "invalid indentation"
        {
            (
            "this line, or the one above it, is not a `key: value` entry that fits the lines around it",
            "check that each key ends with `:` and a space, and that each line is indented like the other keys of its mapping (spaces only)",
        )
        } else if has("mapping values are not allowed") || has("illegal placement of ':'") {
            (
                "a `: ` inside a value: YAML reads it as the start of another key",
                "put the whole value in quotes, e.g. `title: \"Scope: all sites\"`",
            )
        } else if has("tab") {
            (
                "a tab is used for indentation, and YAML allows only spaces",
                "replace the tab with spaces",
            )
        } else if has("block sequence entries are not allowed") || has("expected '-' indicator") {
            (
            "a `- ` list item is not where a list can start",
            "put the list on the lines below its key, each item indented and starting with `- `",
        )
        } else if has("flow sequence")
            || has("flow mapping")
            || has("misplaced bracket")
            || has("flow construct")
        {
            (
            "an inline list `[…]` or mapping `{…}` is not closed, or a comma is missing",
            "check the brackets and commas; an item that contains `,`, `[` or `{` must be quoted",
        )
        } else if has("unknown anchor") {
            (
                "an alias `*name` refers to an anchor `&name` that is not defined before it",
                "define the anchor first, or write the value out",
            )
        } else if has("duplicated anchor") {
            (
                "the same anchor `&name` is defined twice",
                "give each anchor its own name",
            )
        } else if has("unprintable character") {
            (
                "the file holds a control character (such as NUL) that YAML text may not contain",
                "remove the character; save the file as plain UTF-8 text",
            )
        } else if m == "unexpected eof" || has("unexpected end of plain scalar") {
            (
                "the file ends in the middle of a value",
                "look for an unclosed quote or bracket above this point",
            )
        } else if has("did not find expected node content")
            || has("did not find expected next token")
            || has("unexpected character")
        {
            (
            "a value is expected here, but the text cannot start one",
            "quote the value if it starts with a special character (`@`, `` ` ``, `%`, `&`, `*`, `!`, `|`, `>`)",
        )
        } else if has("block scalar") {
            (
                "a multi-line `|` or `>` value is not indented consistently",
                "indent every line of the value by the same number of spaces, more than its key",
            )
        } else if has("document end marker")
            || has("document start")
            || has("directive")
            || has("incompatible YAML document")
        {
            (
                "a `---` / `...` document marker or a `%` directive is misplaced",
                "put `---` on a line of its own between documents; remove stray `%` lines",
            )
        } else if has("tag") {
            (
                "a `!tag` is malformed or not declared",
                "remove the tag: govlint records need no YAML tags",
            )
        } else {
            return None;
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every text saphyr's scanner and parser report for a broken record
    /// file gets a meaning; govlint's own messages pass through.
    #[test]
    fn known_parser_texts_are_explained() {
        for text in [
            "simple key expect ':'",
            "simple key expected",
            "invalid indentation",
            "invalid indentation in quoted scalar",
            "while scanning a quoted scalar, found unexpected end of stream",
            "mapping values are not allowed in this context",
            "tab cannot be used as indentation",
            "block sequence entries are not allowed in this context",
            "while parsing a flow sequence, expected ',' or ']'",
            "misplaced bracket",
            "while parsing node, found unknown anchor",
            "found unprintable character",
            "unexpected eof",
            "while parsing a quoted scalar, found unknown escape character",
            "while parsing a block mapping, did not find expected key",
            "did not find expected next token",
        ] {
            assert!(plain(text).is_some(), "{text}");
        }
        assert_eq!(plain("duplicate key `owner`"), None);
    }
}
