//! The scaffold `govlint init` writes: clause 5.1 templates embedded from
//! `templates/scaffold/`, with their dates filled in from "today".
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
];

/// The scaffold's files (path relative to the repository, contents), dated
/// from `today`, in the order of [`TEMPLATES`].
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
    TEMPLATES
        .iter()
        .map(|t| (fill(t.path), fill(t.text)))
        .collect()
}

/// Every template's source, unrendered (for tests that the table and the
/// `templates/scaffold/` folder agree).
#[cfg(test)]
pub(super) fn sources() -> impl Iterator<Item = (&'static str, &'static str)> {
    TEMPLATES.iter().map(|t| (t.path, t.text))
}
