//! The 93 controls of ISO/IEC 27001:2022 Annex A (Table A.1), by reference,
//! short title and theme, compiled into the binary so that a Statement of
//! Applicability can be checked for completeness without any file.
//!
//! References are written as the standard's Annex A writes them in an SoA:
//! `A.5.1` … `A.8.34`. [`find`] accepts that form only (the `A` in either
//! case): a bare `5.1` is a clause of the standard's body (5.1 Leadership
//! and commitment), not control A.5.1, so it is never taken for a control.
//! The 2013 numbering (`A.9.1`, `A.18.1.4`) is not known.

/// One Annex A control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Control {
    /// The Annex A reference, e.g. `"A.5.1"`.
    pub reference: &'static str,
    /// The standard's short title of the control, e.g.
    /// `"Policies for information security"`.
    pub title: &'static str,
    /// The theme (clause of Annex A) the control belongs to.
    pub theme: Theme,
}

/// The four themes of Annex A (its clauses 5 to 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Theme {
    /// A.5.1 – A.5.37.
    Organizational,
    /// A.6.1 – A.6.8.
    People,
    /// A.7.1 – A.7.14.
    Physical,
    /// A.8.1 – A.8.34.
    Technological,
}

impl Theme {
    /// Every theme, in Annex A order.
    pub const ALL: [Theme; 4] = [
        Theme::Organizational,
        Theme::People,
        Theme::Physical,
        Theme::Technological,
    ];

    /// The theme's name as Annex A heads it: `"Organizational controls"`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Theme::Organizational => "Organizational controls",
            Theme::People => "People controls",
            Theme::Physical => "Physical controls",
            Theme::Technological => "Technological controls",
        }
    }

    /// The theme's clause number in Annex A: 5, 6, 7 or 8.
    #[must_use]
    pub fn clause(self) -> u8 {
        match self {
            Theme::Organizational => 5,
            Theme::People => 6,
            Theme::Physical => 7,
            Theme::Technological => 8,
        }
    }

    /// The lower-case identifier used in machine output: `"organizational"`.
    #[must_use]
    pub fn id(self) -> &'static str {
        match self {
            Theme::Organizational => "organizational",
            Theme::People => "people",
            Theme::Physical => "physical",
            Theme::Technological => "technological",
        }
    }
}

impl Control {
    /// The controls of one theme, in order.
    pub fn of(theme: Theme) -> impl Iterator<Item = &'static Control> {
        CONTROLS.iter().filter(move |c| c.theme == theme)
    }
}

const fn c(reference: &'static str, title: &'static str, theme: Theme) -> Control {
    Control {
        reference,
        title,
        theme,
    }
}

use Theme::{Organizational as O, People as P, Physical as Ph, Technological as T};

/// All 93 controls, in Annex A order.
pub const CONTROLS: &[Control] = &[
    c("A.5.1", "Policies for information security", O),
    c("A.5.2", "Information security roles and responsibilities", O),
    c("A.5.3", "Segregation of duties", O),
    c("A.5.4", "Management responsibilities", O),
    c("A.5.5", "Contact with authorities", O),
    c("A.5.6", "Contact with special interest groups", O),
    c("A.5.7", "Threat intelligence", O),
    c("A.5.8", "Information security in project management", O),
    c("A.5.9", "Inventory of information and other associated assets", O),
    c("A.5.10", "Acceptable use of information and other associated assets", O),
    c("A.5.11", "Return of assets", O),
    c("A.5.12", "Classification of information", O),
    c("A.5.13", "Labelling of information", O),
    c("A.5.14", "Information transfer", O),
    c("A.5.15", "Access control", O),
    c("A.5.16", "Identity management", O),
    c("A.5.17", "Authentication information", O),
    c("A.5.18", "Access rights", O),
    c("A.5.19", "Information security in supplier relationships", O),
    c("A.5.20", "Addressing information security within supplier agreements", O),
    c(
        "A.5.21",
        "Managing information security in the information and communication technology (ICT) supply chain",
        O,
    ),
    c("A.5.22", "Monitoring, review and change management of supplier services", O),
    c("A.5.23", "Information security for use of cloud services", O),
    c("A.5.24", "Information security incident management planning and preparation", O),
    c("A.5.25", "Assessment and decision on information security events", O),
    c("A.5.26", "Response to information security incidents", O),
    c("A.5.27", "Learning from information security incidents", O),
    c("A.5.28", "Collection of evidence", O),
    c("A.5.29", "Information security during disruption", O),
    c("A.5.30", "ICT readiness for business continuity", O),
    c("A.5.31", "Legal, statutory, regulatory and contractual requirements", O),
    c("A.5.32", "Intellectual property rights", O),
    c("A.5.33", "Protection of records", O),
    c("A.5.34", "Privacy and protection of PII", O),
    c("A.5.35", "Independent review of information security", O),
    c("A.5.36", "Compliance with policies, rules and standards for information security", O),
    c("A.5.37", "Documented operating procedures", O),
    c("A.6.1", "Screening", P),
    c("A.6.2", "Terms and conditions of employment", P),
    c("A.6.3", "Information security awareness, education and training", P),
    c("A.6.4", "Disciplinary process", P),
    c("A.6.5", "Responsibilities after termination or change of employment", P),
    c("A.6.6", "Confidentiality or non-disclosure agreements", P),
    c("A.6.7", "Remote working", P),
    c("A.6.8", "Information security event reporting", P),
    c("A.7.1", "Physical security perimeters", Ph),
    c("A.7.2", "Physical entry", Ph),
    c("A.7.3", "Securing offices, rooms and facilities", Ph),
    c("A.7.4", "Physical security monitoring", Ph),
    c("A.7.5", "Protecting against physical and environmental threats", Ph),
    c("A.7.6", "Working in secure areas", Ph),
    c("A.7.7", "Clear desk and clear screen", Ph),
    c("A.7.8", "Equipment siting and protection", Ph),
    c("A.7.9", "Security of assets off-premises", Ph),
    c("A.7.10", "Storage media", Ph),
    c("A.7.11", "Supporting utilities", Ph),
    c("A.7.12", "Cabling security", Ph),
    c("A.7.13", "Equipment maintenance", Ph),
    c("A.7.14", "Secure disposal or re-use of equipment", Ph),
    c("A.8.1", "User endpoint devices", T),
    c("A.8.2", "Privileged access rights", T),
    c("A.8.3", "Information access restriction", T),
    c("A.8.4", "Access to source code", T),
    c("A.8.5", "Secure authentication", T),
    c("A.8.6", "Capacity management", T),
    c("A.8.7", "Protection against malware", T),
    c("A.8.8", "Management of technical vulnerabilities", T),
    c("A.8.9", "Configuration management", T),
    c("A.8.10", "Information deletion", T),
    c("A.8.11", "Data masking", T),
    c("A.8.12", "Data leakage prevention", T),
    c("A.8.13", "Information backup", T),
    c("A.8.14", "Redundancy of information processing facilities", T),
    c("A.8.15", "Logging", T),
    c("A.8.16", "Monitoring activities", T),
    c("A.8.17", "Clock synchronization", T),
    c("A.8.18", "Use of privileged utility programs", T),
    c("A.8.19", "Installation of software on operational systems", T),
    c("A.8.20", "Networks security", T),
    c("A.8.21", "Security of network services", T),
    c("A.8.22", "Segregation of networks", T),
    c("A.8.23", "Web filtering", T),
    c("A.8.24", "Use of cryptography", T),
    c("A.8.25", "Secure development life cycle", T),
    c("A.8.26", "Application security requirements", T),
    c("A.8.27", "Secure system architecture and engineering principles", T),
    c("A.8.28", "Secure coding", T),
    c("A.8.29", "Security testing in development and acceptance", T),
    c("A.8.30", "Outsourced development", T),
    c("A.8.31", "Separation of development, test and production environments", T),
    c("A.8.32", "Change management", T),
    c("A.8.33", "Test information", T),
    c("A.8.34", "Protection of information systems during audit testing", T),
];

/// The control with this reference: `A.8.24` (or `a.8.24`). Anything else,
/// including a bare `8.24`, a leading zero (`A.8.024`) and the 2013
/// numbering (`A.9.1`), is `None`.
#[must_use]
pub fn find(reference: &str) -> Option<&'static Control> {
    let rest = reference
        .strip_prefix("A.")
        .or_else(|| reference.strip_prefix("a."))?;
    CONTROLS.iter().find(|c| &c.reference[2..] == rest)
}

/// Every reference, in order: candidates for "did you mean …?".
pub fn references() -> impl Iterator<Item = &'static str> {
    CONTROLS.iter().map(|c| c.reference)
}

/// Whether `word` is shaped like an Annex A reference (`A.` then two
/// numbers), known or not: `A.9.1` and `A.8.99` are, `8.24` and `A.8` are
/// not. Lets a command say "not an Annex A control of the 2022 edition"
/// rather than "unknown rule".
#[must_use]
pub fn looks_like_reference(word: &str) -> bool {
    let Some(rest) = word.strip_prefix("A.").or_else(|| word.strip_prefix("a.")) else {
        return false;
    };
    let mut parts = rest.split('.');
    let num =
        |p: Option<&str>| p.is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()));
    num(parts.next())
        && num(parts.next())
        && parts.all(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theme_counts_sum_to_93() {
        let count = |t| Control::of(t).count();
        assert_eq!(count(Theme::Organizational), 37);
        assert_eq!(count(Theme::People), 8);
        assert_eq!(count(Theme::Physical), 14);
        assert_eq!(count(Theme::Technological), 34);
        assert_eq!(CONTROLS.len(), 93);
    }

    #[test]
    fn references_are_unique_ordered_and_match_their_theme() {
        let mut seen = std::collections::HashSet::new();
        let mut last = (0u8, 0u8);
        for c in CONTROLS {
            assert!(seen.insert(c.reference), "duplicate {}", c.reference);
            let mut parts = c.reference[2..].split('.');
            let theme: u8 = parts.next().unwrap().parse().unwrap();
            let n: u8 = parts.next().unwrap().parse().unwrap();
            assert_eq!(
                theme,
                c.theme.clause(),
                "{} in the wrong theme",
                c.reference
            );
            let expected = if theme == last.0 {
                (theme, last.1 + 1)
            } else {
                (theme, 1)
            };
            assert_eq!((theme, n), expected, "{} out of order", c.reference);
            assert!(theme >= last.0);
            last = (theme, n);
            assert!(!c.title.is_empty() && !c.title.ends_with('.'));
            assert!(c.title.chars().next().unwrap().is_uppercase());
        }
        assert_eq!(last, (8, 34));
    }

    #[test]
    fn every_control_matches_the_schema_pattern() {
        let re = regex::Regex::new(r"^A\.[5-8]\.[0-9]{1,2}$").unwrap();
        assert!(CONTROLS.iter().all(|c| re.is_match(c.reference)));
    }

    #[test]
    fn find_takes_the_annex_a_form_only() {
        let c = find("A.8.24").unwrap();
        assert_eq!(c.title, "Use of cryptography");
        assert_eq!(c.theme, Theme::Technological);
        assert_eq!(find("a.8.24"), Some(c));
        assert_eq!(find("A.5.7").unwrap().title, "Threat intelligence");
        assert_eq!(
            find("A.8.34").unwrap().title,
            "Protection of information systems during audit testing"
        );
        assert_eq!(
            find("A.5.1").unwrap().title,
            "Policies for information security"
        );
        for not in [
            "A.9.1", "A.18.1.4", "8.24", "A.8.024", "A.8.35", "A.4.1", "A.8", "", "A.",
        ] {
            assert_eq!(find(not), None, "{not}");
        }
    }

    #[test]
    fn reference_shape() {
        assert!(looks_like_reference("A.9.1"));
        assert!(looks_like_reference("A.18.1.4"));
        assert!(looks_like_reference("a.8.24"));
        for not in ["8.24", "A.8", "A.8.", "A..1", "iso27001/scope", "A.x.1"] {
            assert!(!looks_like_reference(not), "{not}");
        }
    }

    #[test]
    fn theme_names() {
        assert_eq!(
            Theme::ALL.map(Theme::name),
            [
                "Organizational controls",
                "People controls",
                "Physical controls",
                "Technological controls"
            ]
        );
        assert_eq!(Theme::People.id(), "people");
    }
}
