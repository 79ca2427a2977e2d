//! The Annex A catalogue on the command line: `govlint controls` lists the
//! 93 controls of ISO/IEC 27001:2022 by theme, and `govlint explain A.8.24`
//! describes one, with the enabled rules that concern Control records;
//! references that are not controls of the 2022 edition are refused (exit 2).

use crate::support::Repo;

#[test]
fn controls_lists_the_93_controls_by_theme() {
    let repo = Repo::new();
    let out = repo.govlint(&["controls"]);
    assert_eq!(out.code, 0, "{out:?}");
    insta::assert_snapshot!(out.stdout);

    let out = repo.govlint(&["controls", "--format", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(json["version"], 1);
    assert_eq!(json["count"], 93);
    let themes = json["themes"].as_array().expect("themes");
    let counts: Vec<(&str, usize)> = themes
        .iter()
        .map(|t| {
            (
                t["id"].as_str().unwrap_or_default(),
                t["controls"].as_array().map_or(0, Vec::len),
            )
        })
        .collect();
    assert_eq!(
        counts,
        [
            ("organizational", 37),
            ("people", 8),
            ("physical", 14),
            ("technological", 34)
        ]
    );
    assert_eq!(themes[3]["controls"][23]["reference"], "A.8.24");
    assert_eq!(themes[3]["controls"][23]["title"], "Use of cryptography");
}

#[test]
fn explain_describes_an_annex_a_control_and_the_rules_on_controls() {
    let repo = Repo::new();
    repo.write("govlint.yaml", "version: 1\npacks: []\nrules: [rules]\n")
        .write(
            "rules/soa.yaml",
            r#"rules:
  - id: acme/control-owned
    clause: "ISO/IEC 27001:2022 6.1.3(d)"
    severity: warning
    message: "Control {{id}} has no owner"
    for: { kind: Control, where: { applicable: true } }
    check:
      - field: /owner
        required: true
  - id: acme/objective-owned
    severity: error
    message: "Objective {{id}} has no owner"
    for: { kind: Objective }
    check:
      - field: /owner
        required: true
"#,
        );
    let out = repo.govlint(&["explain", "A.8.24"]);
    assert_eq!(out.code, 0, "{out:?}");
    let text = &out.stdout;
    assert!(text.starts_with("# A.8.24 Use of cryptography\n"), "{text}");
    assert!(
        text.contains("Theme:    Technological controls (A.8)"),
        "{text}"
    );
    assert!(
        text.contains(
            "- acme/control-owned (warning, ISO/IEC 27001:2022 6.1.3(d)): Control {{id}} has no owner"
        ),
        "{text}"
    );
    assert!(!text.contains("acme/objective-owned"), "{text}");
    // The lower-case form is the same control; a rule id still explains a rule.
    assert_eq!(repo.govlint(&["explain", "a.8.24"]).stdout, out.stdout);
    let out = repo.govlint(&["explain", "acme/control-owned"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.starts_with("# acme/control-owned"), "{out:?}");
}

#[test]
fn references_that_are_not_2022_controls_are_refused() {
    let repo = Repo::new();
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");

    // The 2013 numbering: no guess across editions.
    let out = repo.govlint(&["explain", "A.9.1"]);
    assert_eq!(out.code, 2, "{out:?}");
    let err = flat(&out.stderr).replace(" │", "");
    assert!(
        err.contains("`A.9.1` is not a control of ISO/IEC 27001:2022 Annex A"),
        "{err}"
    );
    assert!(!err.contains("did you mean"), "{err}");
    assert!(err.contains("govlint controls"), "{err}");

    // A typo within a theme is offered its neighbour.
    let out = repo.govlint(&["explain", "A.8.244"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        flat(&out.stderr)
            .replace(" │", "")
            .contains("(did you mean `A.8.24`?)"),
        "{out:?}"
    );

    // A bare clause-style number is not a control, but it is offered as one.
    let out = repo.govlint(&["explain", "8.24"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        flat(&out.stderr)
            .replace(" │", "")
            .contains("did you mean the Annex A control `A.8.24`?"),
        "{out:?}"
    );

    // Misspelt rule ids still get their did-you-mean.
    let out = repo.govlint(&["explain", "iso27001/policy-approved"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        flat(&out.stderr)
            .replace(" │", "")
            .contains("did you mean `iso27001/policy-approval`?"),
        "{out:?}"
    );
}
