//! Built-in rule packs, compiled into the binary from the project's
//! `rules/` folder. Only `iso27001-2022` exists. The tests here are the
//! pack's registry checks: ids, clauses, docs, and that each rule's
//! `examples` behave as documented.

/// Built-in packs: (name, YAML text).
pub const PACKS: &[(&str, &str)] = &[(
    "iso27001-2022",
    include_str!("../../rules/iso27001-2022.yaml"),
)];

/// The YAML text of a built-in pack.
pub(crate) fn pack(name: &str) -> Option<&'static str> {
    PACKS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{records, today, FakeEvidence};
    use super::super::{Context, RuleSet};
    use std::collections::BTreeMap;
    use std::collections::HashSet;

    fn pack_rules() -> RuleSet {
        match RuleSet::load(&["iso27001-2022".to_owned()], &[], &BTreeMap::new()) {
            Ok(set) => set,
            Err(findings) => panic!("the built-in pack does not load: {findings:#?}"),
        }
    }

    #[test]
    fn registry_invariants() {
        let set = pack_rules();
        assert!(set.rules().len() >= 30, "{}", set.rules().len());
        let mut seen = HashSet::new();
        for rule in set.rules() {
            let id = &rule.id;
            assert!(seen.insert(id.clone()), "duplicate id {id}");
            let name = id
                .strip_prefix("iso27001/")
                .unwrap_or_else(|| panic!("{id}: not iso27001/"));
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{id}: not kebab-case"
            );
            let clause = rule
                .clause
                .as_deref()
                .unwrap_or_else(|| panic!("{id}: no clause"));
            assert!(
                clause.starts_with("ISO/IEC 27001:2022 "),
                "{id}: clause {clause}"
            );
            assert_eq!(rule.source, "built-in: iso27001-2022");
            assert!(rule.help.is_some(), "{id}: no help");
            let desc = rule
                .description
                .as_deref()
                .unwrap_or_else(|| panic!("{id}: no description"));
            let mut at = 0;
            for heading in ["## What it checks", "## Why it matters", "## How to fix"] {
                let i = desc[at..]
                    .find(heading)
                    .unwrap_or_else(|| panic!("{id}: `{heading}` missing or out of order"));
                at += i + heading.len();
            }
            assert!(rule.examples.is_some(), "{id}: no examples");
        }
    }

    #[test]
    fn every_clause_5_1_item_and_supporting_clause_is_covered() {
        let set = pack_rules();
        let clauses: Vec<&str> = set
            .rules()
            .iter()
            .filter_map(|r| r.clause.as_deref())
            .collect();
        for item in [
            "5.1(a)", "5.1(b)", "5.1(c)", "5.1(d)", "5.1(e)", "5.1(f)", "5.1(g)", "5.1(h)", "5.2",
            "5.3", "6.2", "7.1", "7.4", "9.3", "10.1",
        ] {
            assert!(
                clauses.iter().any(|c| c.contains(&format!(" {item}"))),
                "no rule cites {item}"
            );
        }
        // SPEC 3.1's second paragraph: the clauses of the rest of the ISMS.
        for item in [
            "4.2", "4.3", "6.1.2", "6.1.3", "6.1.3(d)", "7.2", "8.2", "8.3", "9.1", "9.2", "10.2",
        ] {
            assert!(
                clauses.iter().any(|c| c.contains(&format!(" {item}"))),
                "no rule cites {item}"
            );
        }
        // The SPEC's config example overrides this id.
        assert!(set.get("iso27001/communication-cadence").is_some());
    }

    /// Each rule's `examples.fail` yields its finding; `examples.pass` none.
    #[test]
    fn examples_pass_and_fail_as_documented() {
        let mut set = pack_rules();
        let rules = std::mem::take(&mut set.rules);
        let mut problems = Vec::new();
        for rule in rules {
            let examples = rule
                .examples
                .clone()
                .unwrap_or_else(|| panic!("{}: no examples", rule.id));
            let id = rule.id.clone();
            let single = RuleSet {
                rules: vec![rule],
                ..RuleSet::default()
            };
            for (which, text, want) in [
                ("pass", &examples.pass, false),
                ("fail", &examples.fail, true),
            ] {
                let recs = records(&format!("{id}/{which}.yaml"), text);
                let evidence = FakeEvidence::from_comments(text, &recs);
                let ctx = Context::new(&recs, today(), &evidence);
                let found: Vec<_> = single
                    .evaluate(&ctx)
                    .into_iter()
                    .filter(|f| f.rule == id)
                    .collect();
                if found.is_empty() == want {
                    problems.push(format!("{id}: examples.{which} gave {found:#?}"));
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
