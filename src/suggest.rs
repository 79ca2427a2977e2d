//! "Did you mean …?": the closest known name to a misspelt one (a key, a
//! record id, a rule id, a kind, an assertion), for messages. A case-only
//! difference always wins; otherwise the candidate with the smallest edit
//! distance is offered when it is close enough to be a typo rather than a
//! different name.

/// The candidate `word` most likely misspells, if any is close enough.
#[must_use]
pub fn closest<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let lower = word.to_lowercase();
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        if c == word {
            return None;
        }
        if c.to_lowercase() == lower {
            return Some(c);
        }
        let d = strsim::damerau_levenshtein(&lower, &c.to_lowercase());
        if d <= allowed(word.chars().count().max(c.chars().count()))
            && best.is_none_or(|(bd, _)| d < bd)
        {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// ` (did you mean `X`?)`, or nothing: to append to a message.
#[must_use]
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    closest(word, candidates)
        .map(|c| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

/// How many edits still read as a typo of a name this long: one for short
/// names, up to a third of a long one.
fn allowed(len: usize) -> usize {
    match len {
        0..=3 => 1,
        4..=8 => 2,
        n => n / 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_only_differences_win() {
        assert_eq!(
            closest("pol-is-001", ["POL-IS-002", "POL-IS-001"]),
            Some("POL-IS-001")
        );
    }

    #[test]
    fn typos_are_found_and_strangers_are_not() {
        let keys = ["owner", "title", "metric", "target", "due"];
        assert_eq!(closest("ownr", keys), Some("owner"));
        assert_eq!(closest("tilte", keys), Some("title"));
        assert_eq!(closest("budget", keys), None);
        assert_eq!(
            closest(
                "iso27001/policy-approved",
                ["iso27001/policy-approval", "iso27001/objective-owner"]
            ),
            Some("iso27001/policy-approval")
        );
        assert_eq!(
            closest("Objectiv", ["Objective", "Policy"]),
            Some("Objective")
        );
    }

    #[test]
    fn an_exact_name_needs_no_suggestion() {
        assert_eq!(closest("owner", ["owner", "owners"]), None);
        assert_eq!(did_you_mean("x", []), "");
        assert_eq!(did_you_mean("ownr", ["owner"]), " (did you mean `owner`?)");
    }
}
