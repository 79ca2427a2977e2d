//! The scaffold `govlint init` writes: clause 5.1 templates and those of the
//! rest of the ISMS embedded from `templates/scaffold/`, with their dates
//! filled in from "today", and the Statement of Applicability's table of the
//! 93 Annex A controls, generated from [`crate::annex_a`].
//!
//! Placeholders, in paths and contents: `{{today}}`, `{{year}}` (today's
//! year), `{{due}}` (twelve months from today) and `{{period_to}}` (the last
//! day of a year-long period starting today).

use jiff::civil::Date;

use crate::time::Duration;

/// One template: where it goes in the repository (may hold placeholders)
/// and its text.
struct Template {
    path: &'static str,
    text: &'static str,
}

macro_rules! template {
    ($path:literal) => {
        template!($path, $path)
    };
    ($path:literal, $source:literal) => {
        Template {
            path: $path,
            text: include_str!(concat!("../../templates/scaffold/", $source)),
        }
    };
}

/// Every file of the scaffold.
const TEMPLATES: &[Template] = &[
    template!("govlint.yaml"),
    template!("README.md"),
    template!(".govlint/allowed_signers"),
    template!("policies/information-security-policy.md"),
    template!("roles/top-management.yaml"),
    template!("roles/isms-manager.yaml"),
    template!("roles/all-staff.yaml"),
    template!("people/top-manager.yaml"),
    template!("people/isms-lead.yaml"),
    template!("raci/isms-raci.yaml"),
    template!("resources/{{year}}.yaml", "resources/allocation.yaml"),
    template!("objectives/obj-001.yaml"),
    template!("reviews/management-review-template.yaml"),
    template!("communications/communication-template.yaml"),
    template!("improvements/improvement-template.yaml"),
    template!("scope/isms-scope.md"),
    template!("context/interested-parties.yaml"),
    template!("risks/risk-method.yaml"),
    template!("registers/risks.csv"),
    template!("soa/statement-of-applicability.md"),
    template!("audits/internal-audit-template.yaml"),
    template!("nonconformities/nonconformity-template.yaml"),
    template!("competences/isms-lead.yaml"),
    template!("measurements/obj-001.yaml"),
];

/// Where [`soa_controls`] goes: the Statement of Applicability's table,
/// generated from the Annex A catalogue rather than kept as a template so
/// that it can never drift from [`crate::annex_a::CONTROLS`].
pub(super) const SOA_CONTROLS: &str = "soa/controls.csv";

/// The Statement of Applicability's table: one row per Annex A control, in
/// order, each applicable and planned, with an empty justification (and no
/// owner, risks or evidence) for the user to fill in. RFC 4180: a title
/// holding a comma is quoted.
pub(super) fn soa_controls() -> String {
    let mut out = String::from("id,title,applicable,justification,status,owner,risks,evidence\n");
    for c in crate::annex_a::CONTROLS {
        let title = if c.title.contains([',', '"']) {
            format!("\"{}\"", c.title.replace('"', "\"\""))
        } else {
            c.title.to_owned()
        };
        out.push_str(&format!("{},{title},true,,planned,,,\n", c.reference));
    }
    out
}

/// The scaffold's files (path relative to the repository, contents), dated
/// from `today`, in the order of [`TEMPLATES`], then [`SOA_CONTROLS`].
pub(super) fn render(today: Date) -> Vec<(String, String)> {
    let twelve_months = Duration {
        months: 12,
        ..Duration::default()
    };
    let one_day = Duration {
        days: 1,
        ..Duration::default()
    };
    let due = twelve_months.after(today);
    let values = [
        ("{{today}}", today.to_string()),
        ("{{year}}", today.year().to_string()),
        ("{{due}}", due.to_string()),
        // A year from yesterday, so that 29 February still gets a full year.
        (
            "{{period_to}}",
            twelve_months.after(one_day.before(today)).to_string(),
        ),
    ];
    let fill = |s: &str| {
        values
            .iter()
            .fold(s.to_owned(), |acc, (key, value)| acc.replace(key, value))
    };
    let mut files: Vec<(String, String)> = TEMPLATES
        .iter()
        .map(|t| (fill(t.path), fill(t.text)))
        .collect();
    files.push((SOA_CONTROLS.to_owned(), soa_controls()));
    files
}

/// Every template's source, unrendered (for tests that the table and the
/// `templates/scaffold/` folder agree).
#[cfg(test)]
pub(super) fn sources() -> impl Iterator<Item = (&'static str, &'static str)> {
    TEMPLATES.iter().map(|t| (t.path, t.text))
}
