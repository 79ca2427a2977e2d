//! The fingerprint of the rules in force, stated in every pack so that an
//! auditor can tell whether two packs were judged by the same rules.
//!
//! It is FNV-1a (64-bit) over the canonical JSON of the enabled rules,
//! sorted by id: for each rule its id, severity after overrides, clause,
//! source, message and help templates, and the plain-language lines of
//! what it selects and demands (`govlint explain`'s "Applies to" and
//! "Requires" lines, which spell out every kind, field, pattern and
//! duration). FNV-1a identifies a rule set; it is not a cryptographic hash
//! and does not protect one against a deliberate collision.

use serde::Serialize;

use crate::rule::Rule;

/// How the fingerprint is made, in the words the pack prints.
pub(super) const BASIS: &str =
    "FNV-1a 64-bit over the canonical JSON of the enabled rules' ids and definitions";

/// The rules in force: how many, and their fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RulesInForce {
    pub count: usize,
    /// `fnv1a64:` and 16 lowercase hex digits.
    pub fingerprint: String,
    /// How the fingerprint is made.
    pub basis: &'static str,
}

/// One rule as it enters the fingerprint; field order is part of the format.
#[derive(Serialize)]
struct Canonical<'a> {
    id: &'a str,
    severity: &'static str,
    clause: Option<&'a str>,
    source: &'a str,
    message: &'a str,
    help: Option<&'a str>,
    definition: Vec<String>,
}

pub(super) fn rules_in_force(rules: &[Rule]) -> RulesInForce {
    let mut canonical: Vec<Canonical<'_>> = rules
        .iter()
        .map(|r| Canonical {
            id: &r.id,
            severity: r.severity.as_str(),
            clause: r.clause.as_deref(),
            source: &r.source,
            message: &r.message,
            help: r.help.as_deref(),
            definition: r.summary(),
        })
        .collect();
    canonical.sort_by(|a, b| a.id.cmp(b.id));
    // Compact JSON of plain structs and strings: no map, no float, so the
    // bytes depend on the rules alone.
    let json = serde_json::to_vec(&canonical).unwrap_or_default();
    RulesInForce {
        count: rules.len(),
        fingerprint: format!("fnv1a64:{:016x}", fnv1a64(&json)),
        basis: BASIS,
    }
}

/// FNV-1a, 64-bit (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_matches_the_reference_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn the_fingerprint_follows_the_rules() {
        let load = |overrides: &[(&str, crate::rule::Level)]| {
            let overrides = overrides
                .iter()
                .map(|(k, v)| ((*k).to_owned(), *v))
                .collect();
            crate::rule::RuleSet::load(&["iso27001-2022".to_owned()], &[], &overrides)
                .expect("the built-in pack loads")
        };
        let a = rules_in_force(load(&[]).rules());
        assert_eq!(a, rules_in_force(load(&[]).rules()));
        assert!(a.fingerprint.starts_with("fnv1a64:") && a.fingerprint.len() == 24);
        let warn = load(&[("iso27001/policy-owner", crate::rule::Level::Warning)]);
        assert_ne!(a.fingerprint, rules_in_force(warn.rules()).fingerprint);
        let off = load(&[("iso27001/policy-owner", crate::rule::Level::Off)]);
        let off = rules_in_force(off.rules());
        assert_eq!(off.count, a.count - 1);
        assert_ne!(a.fingerprint, off.fingerprint);
    }
}
