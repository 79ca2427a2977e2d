//! The clause items of the evidence pack: a fixed table of ISO/IEC
//! 27001:2022 clause 5.1 (a)–(h) and the clauses it leans on, how a rule's
//! `clause` string is grouped under an item, which record kinds evidence an
//! item, and what `--clause` selects.
//!
//! Which records evidence an item is approximated by record *kind*: the kinds
//! of a small static map (below), plus the kinds the rules citing the item
//! select (read from [`Rule::summary`]), plus the kinds of records those
//! rules reported on. Rules' `where` filters are not applied: an auditor
//! sees every Policy under 5.2, drafts included, which is the documented
//! information they would ask for anyway.

use crate::rule::Rule;

/// One row of the fixed clause table.
pub(super) struct Item {
    /// The clause as the standard numbers it: `5.1(c)`, `9.3`.
    pub key: &'static str,
    /// One line: what the clause asks for (paraphrased).
    pub title: &'static str,
    /// Record kinds that evidence the clause even when no rule cites it.
    pub kinds: &'static [&'static str],
    /// For a clause no record kind shows (or shows only in part): what the
    /// auditor looks at instead. Such an item has no kinds of its own, so
    /// without a rule citing it, it is "not checked", never evidenced.
    pub note: Option<&'static str>,
}

const fn item(key: &'static str, title: &'static str, kinds: &'static [&'static str]) -> Item {
    Item {
        key,
        title,
        kinds,
        note: None,
    }
}

/// An item no record kind evidences of itself: `note` says what to look at.
const fn noted(key: &'static str, title: &'static str, note: &'static str) -> Item {
    Item {
        key,
        title,
        kinds: &[],
        note: Some(note),
    }
}

/// Every clause of ISO/IEC 27001:2022 from 4.1 to 10.2, in the standard's
/// order, with clause 5.1's items (a)–(h) and 6.1.3 d) (the Statement of
/// Applicability) as items of their own. An item gathers its sub-clauses:
/// `9.3` holds 9.3.1–9.3.3, `5.2` holds 5.2(a)–(d), `6.1` holds 6.1 and
/// 6.1.1 (the more specific 6.1.2 and 6.1.3 have items of their own).
pub(super) const ITEMS: &[Item] = &[
    noted(
        "4.1",
        "Understanding the organization and its context: the external and internal issues relevant to the ISMS",
        "govlint has no record kind for external and internal issues; read them in the context analysis or the scope document, and in the management reviews' `external_internal_changes`",
    ),
    item(
        "4.2",
        "Understanding the needs and expectations of interested parties",
        &["InterestedParty"],
    ),
    item("4.3", "Determining the scope of the ISMS", &["Scope"]),
    noted(
        "4.4",
        "Information security management system: established, implemented, maintained and continually improved",
        "the ISMS as a whole: judged from every other item of this pack, not from a record of its own",
    ),
    item(
        "5.1",
        "Top management demonstrates leadership and commitment with respect to the ISMS",
        &["Role"],
    ),
    item(
        "5.1(a)",
        "The information security policy and objectives are established and compatible with the strategic direction",
        &["Policy", "Objective"],
    ),
    item(
        "5.1(b)",
        "The ISMS requirements are integrated into the organization's processes",
        &["ResponsibilityMatrix"],
    ),
    item(
        "5.1(c)",
        "The resources needed for the ISMS are available",
        &["ResourceAllocation"],
    ),
    item(
        "5.1(d)",
        "The importance of effective information security management and of conforming to the ISMS requirements is communicated",
        &["Communication"],
    ),
    item(
        "5.1(e)",
        "The ISMS achieves its intended outcomes",
        &["ManagementReview", "Objective"],
    ),
    item(
        "5.1(f)",
        "Persons are directed and supported to contribute to the effectiveness of the ISMS",
        &["Person"],
    ),
    item("5.1(g)", "Continual improvement is promoted", &["Improvement"]),
    item(
        "5.1(h)",
        "Other relevant management roles are supported in demonstrating their leadership",
        &["Role"],
    ),
    item("5.2", "Information security policy", &["Policy"]),
    item(
        "5.3",
        "Organizational roles, responsibilities and authorities",
        &["Role", "ResponsibilityMatrix"],
    ),
    Item {
        key: "6.1",
        title: "Actions to address risks and opportunities (6.1.1 general: planned with the issues of 4.1 and the requirements of 4.2 in mind)",
        kinds: &["RiskMethod", "Risk"],
        note: Some("6.1.1 asks for planning rather than a record of its own: the risk assessment (6.1.2) and treatment (6.1.3) items below carry the rules; the opportunities are read in the management reviews' `improvement_opportunities`"),
    },
    item(
        "6.1.2",
        "Information security risk assessment: criteria for accepting and assessing risks, risks identified, owned, analysed and evaluated",
        &["RiskMethod", "Risk"],
    ),
    item(
        "6.1.3",
        "Information security risk treatment: options chosen, controls determined, a treatment plan, residual risks accepted by their owners",
        &["Risk", "Control"],
    ),
    item(
        "6.1.3(d)",
        "A Statement of Applicability: every Annex A control, whether it is applicable, justified, and whether it is implemented",
        &["StatementOfApplicability", "Control"],
    ),
    item(
        "6.2",
        "Information security objectives and planning to achieve them",
        &["Objective"],
    ),
    noted(
        "6.3",
        "Planning of changes: changes to the ISMS are carried out in a planned manner",
        "govlint has no record kind for a planned change; the git history of the records (the trail below) shows how each change was made and approved",
    ),
    item("7.1", "Resources", &["ResourceAllocation"]),
    item("7.2", "Competence", &["Competence"]),
    item("7.3", "Awareness", &["Communication"]),
    item("7.4", "Communication", &["Communication"]),
    noted(
        "7.5",
        "Documented information: created, updated and controlled",
        "every record of this pack is documented information: the Records section and the trail show how each is identified, approved and changed; the rules citing 7.5 judge their content",
    ),
    noted(
        "8.1",
        "Operational planning and control: processes planned, implemented and controlled",
        "operations are not records of the ISMS repository; read them in the operational evidence (tickets, change logs, runbooks) that the controls' `evidence` lists point to",
    ),
    item(
        "8.2",
        "Information security risk assessment performed at planned intervals and when significant changes occur",
        &["Risk"],
    ),
    item(
        "8.3",
        "Information security risk treatment plan implemented",
        &["Risk", "Control"],
    ),
    item(
        "9.1",
        "Monitoring, measurement, analysis and evaluation",
        &["Measurement"],
    ),
    item("9.2", "Internal audit (9.2.1 general, 9.2.2 the audit programme)", &["InternalAudit"]),
    item(
        "9.3",
        "Management review (9.3.1 general, 9.3.2 inputs, 9.3.3 results)",
        &["ManagementReview"],
    ),
    item("10.1", "Continual improvement", &["Improvement"]),
    item(
        "10.2",
        "Nonconformity and corrective action",
        &["Nonconformity", "Improvement"],
    ),
];

/// The clause number in a rule's `clause` string:
/// `ISO/IEC 27001:2022 5.1(c)` → `5.1(c)`. An item letter is written one
/// way, in brackets: `6.1.3 d)` and `6.1.3d` → `6.1.3(d)`. Strings that do
/// not cite ISO/IEC 27001 (a repository's own scheme) are kept whole,
/// trimmed.
pub(super) fn key_of(clause: &str) -> String {
    let clause = clause.trim();
    let Some(at) = clause.find("27001") else {
        return canonical(clause).unwrap_or_else(|| clause.to_owned());
    };
    match clause[at..].find(char::is_whitespace) {
        // Inner spaces (`5.1 (c)`) would split one item in two.
        Some(space) => {
            let key: String = clause[at + space..]
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            canonical(&key).unwrap_or(key)
        }
        None => clause.to_owned(),
    }
}

/// `6.1.3 d)`, `6.1.3d`, `6.1.3(d)` → `6.1.3(d)`; `9.3.2` as it is; `None`
/// for what is not a clause number with an optional item letter.
fn canonical(key: &str) -> Option<String> {
    let key: String = key.chars().filter(|c| !c.is_whitespace()).collect();
    let number_end = key
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(key.len());
    let (number, rest) = key.split_at(number_end);
    let number = number.trim_end_matches('.');
    if number.is_empty() || !number.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let letter = rest.trim_start_matches('(').trim_end_matches(')');
    match letter.len() {
        0 if rest.is_empty() => Some(number.to_owned()),
        1 if letter.chars().all(|c| c.is_ascii_lowercase()) => Some(format!("{number}({letter})")),
        _ => None,
    }
}

/// Whether clause `key` is `parent` or one of its sub-clauses: `5.1(c)` and
/// `5.1` are within `5.1`, `9.3.2` within `9.3`; `5.10` is not within `5.1`.
pub(super) fn within(key: &str, parent: &str) -> bool {
    match key.strip_prefix(parent) {
        Some("") => true,
        Some(rest) => rest.starts_with('(') || rest.starts_with('.'),
        None => false,
    }
}

/// The item a clause key is grouped under: the most specific fixed item it
/// is within, or the key itself (an item of its own) when none fits.
pub(super) fn group_of(key: &str) -> String {
    ITEMS
        .iter()
        .filter(|i| within(key, i.key))
        .max_by_key(|i| i.key.len())
        .map_or_else(|| key.to_owned(), |i| i.key.to_owned())
}

/// What `--clause` selects from one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Selected {
    /// The whole item (the filter is the item or a parent of it).
    All,
    /// Only the item's rules whose clause is within the filter (`--clause
    /// 9.3.2` keeps item 9.3 with its 9.3.2 rules).
    Narrowed,
    No,
}

/// Whether the item `key` is selected by the `--clause` filter `filter`
/// (already passed through [`key_of`]). A filter inside an item narrows
/// only the item that holds it (`9.3.2` → item 9.3), not the items around
/// that one (`6.1.3(d)` is an item of its own: 6.1.3 and 6.1 are not shown).
pub(super) fn select(key: &str, filter: Option<&str>) -> Selected {
    match filter {
        None => Selected::All,
        Some(f) if within(key, f) => Selected::All,
        Some(f) if within(f, key) && group_of(f) == key => Selected::Narrowed,
        Some(_) => Selected::No,
    }
}

/// The record kinds a rule selects, read from the first line of
/// [`Rule::summary`] (`Applies to: Policy and Objective records where …`);
/// empty when it applies to all records or the line cannot be read.
pub(super) fn rule_kinds(rule: &Rule) -> Vec<String> {
    rule.summary()
        .first()
        .map(|line| kinds_in_summary(line))
        .unwrap_or_default()
}

/// The kinds whose records some enabled rule asks to be approved or
/// reviewed: the kinds selected by rules that read history (an `approved`
/// or `reviewed` assertion, or a reference that demands one), plus Waiver,
/// whose approval is always checked. A rule applying to all records (or
/// whose kinds cannot be read) makes every kind count: when in doubt, a
/// missing approval is shown as a fault.
pub(super) fn approved_kinds(rules: &[Rule]) -> Kinds {
    let mut kinds = Kinds::Some(std::iter::once("Waiver".to_owned()).collect());
    for rule in rules.iter().filter(|r| r.uses_history()) {
        let selected = rule_kinds(rule);
        match (&mut kinds, selected.is_empty()) {
            (_, true) => kinds = Kinds::All,
            (Kinds::Some(set), false) => set.extend(selected),
            (Kinds::All, false) => {}
        }
    }
    kinds
}

/// A set of record kinds that may be "every kind".
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Kinds {
    All,
    Some(std::collections::BTreeSet<String>),
}

impl Kinds {
    pub(super) fn contains(&self, kind: &str) -> bool {
        match self {
            Kinds::All => true,
            Kinds::Some(set) => set.contains(kind),
        }
    }
}

fn kinds_in_summary(line: &str) -> Vec<String> {
    let Some(rest) = line.strip_prefix("Applies to: ") else {
        return Vec::new();
    };
    if rest.starts_with("all records") {
        return Vec::new();
    }
    let Some((kinds, _)) = rest.split_once(" records") else {
        return Vec::new();
    };
    let kinds: Vec<String> = kinds.split(" and ").map(str::to_owned).collect();
    // Kinds are PascalCase words; anything else means the wording changed.
    if kinds
        .iter()
        .all(|k| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    {
        kinds
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clause_strings_reduce_to_their_number() {
        assert_eq!(key_of("ISO/IEC 27001:2022 5.1(c)"), "5.1(c)");
        assert_eq!(key_of("  ISO/IEC 27001:2022   9.3.2 "), "9.3.2");
        assert_eq!(key_of("ISO/IEC 27001:2022 5.1 (a)"), "5.1(a)");
        assert_eq!(key_of("5.1"), "5.1");
        assert_eq!(key_of("Acme control 12"), "Acme control 12");
    }

    #[test]
    fn sub_clauses_are_within_their_parent_only() {
        assert!(within("5.1(c)", "5.1"));
        assert!(within("5.1", "5.1"));
        assert!(within("9.3.2", "9.3"));
        assert!(!within("5.10", "5.1"));
        assert!(!within("5.1", "5.1(c)"));
        assert!(!within("10.1", "0.1"));
    }

    #[test]
    fn the_packs_clauses_group_under_the_fixed_items() {
        let cases = [
            ("5.1", "5.1"),
            ("5.1(a)", "5.1(a)"),
            ("5.1(h)", "5.1(h)"),
            ("5.2(b)", "5.2"),
            ("6.2(a)", "6.2"),
            ("7.5.2", "7.5"),
            ("9.3.1", "9.3"),
            ("9.3.3", "9.3"),
            ("10.1", "10.1"),
            ("8.1", "8.1"),
            ("5.1(z)", "5.1"),
        ];
        for (key, item) in cases {
            assert_eq!(group_of(key), item, "{key}");
        }
        let pack = crate::rule::RuleSet::load(
            &["iso27001-2022".to_owned()],
            &[],
            &std::collections::BTreeMap::new(),
        )
        .expect("the built-in pack loads");
        for rule in pack.rules() {
            let clause = rule.clause.as_deref().expect("pack rules cite a clause");
            let item = group_of(&key_of(clause));
            assert!(
                ITEMS.iter().any(|i| i.key == item),
                "{} cites {clause}, which no fixed item holds",
                rule.id
            );
            // The audit relies on this wording; a change must show up here.
            assert!(
                !rule_kinds(rule).is_empty(),
                "{}: {:?}",
                rule.id,
                rule.summary()
            );
        }
    }

    #[test]
    fn clause_filter_selects_items_and_narrows_inside_one() {
        assert_eq!(select("5.1(c)", Some("5.1")), Selected::All);
        assert_eq!(select("5.1", Some("5.1")), Selected::All);
        assert_eq!(select("5.2", Some("5.1")), Selected::No);
        assert_eq!(select("9.3", Some("9.3.2")), Selected::Narrowed);
        assert_eq!(select("10.1", Some("0.1")), Selected::No);
        assert_eq!(select("7.4", None), Selected::All);
    }

    #[test]
    fn approval_is_required_of_the_kinds_approval_rules_select() {
        let rule = |selector: &str| {
            crate::rule::testing::load_ok(&format!(
                "rules:
  - id: acme/approved
    severity: error
    message: not approved
    for: {selector}
    check:
      - approved: {{ by: {{ field: /owner }} }}
"
            ))
        };
        let objectives = rule("{ kind: Objective }");
        let kinds = approved_kinds(objectives.rules());
        assert!(kinds.contains("Objective") && kinds.contains("Waiver"));
        assert!(!kinds.contains("Policy"));
        // A rule over every record leaves no kind out.
        let all = rule("{}");
        assert_eq!(approved_kinds(all.rules()), Kinds::All);
        // Rules that read no history ask for no approval.
        let none = crate::rule::testing::load_ok(
            "rules:
  - id: acme/owner
    severity: error
    message: no owner
    for: { kind: Objective }
    check:
      - { field: /owner, required: true }
",
        );
        assert!(!approved_kinds(none.rules()).contains("Objective"));
    }

    #[test]
    fn kinds_are_read_from_the_summary_line() {
        assert_eq!(
            kinds_in_summary("Applies to: Policy records where `status` is \"approved\"."),
            vec!["Policy"]
        );
        assert_eq!(
            kinds_in_summary("Applies to: Role and ResponsibilityMatrix records."),
            vec!["Role", "ResponsibilityMatrix"]
        );
        assert!(kinds_in_summary("Applies to: all records.").is_empty());
        assert!(kinds_in_summary("Something else").is_empty());
    }
}
