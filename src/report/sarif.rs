//! SARIF 2.1.0 (SPEC 4.1), the format GitHub code scanning and other SAST
//! dashboards import: one run whose `tool.driver.rules` describe every rule
//! that has a result, and one result per finding.
//!
//! Choices that matter to consumers:
//! - **Every result has a location.** Code scanning rejects results without
//!   one, so a repository-level finding (an aggregate rule, a missing record)
//!   points at line 1 of the file its rule comes from, or of `govlint.yaml`.
//! - **Fingerprints are stable.** `partialFingerprints["govlint/v1"]` is the
//!   FNV-1a 64-bit hash (hex) of rule id, record id (or file when there is no
//!   record) and JSON Pointer. It ignores line numbers and output order, so an
//!   alert survives edits above it; equal keys are told apart by an
//!   occurrence number ordered by message.
//! - **Waived findings are suppressed, not dropped**: `suppressions` with
//!   `kind: external` (silenced by a Waiver record, not by the source) and
//!   the waiver's reason as justification.
//! - Columns count Unicode code points (`columnKind: unicodeCodePoints`), as
//!   every govlint column does.

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Map, Value};

use super::{Report, RuleMeta};
use crate::finding::{Code, Finding, Severity};
use crate::source::Location;

/// The schema URI GitHub's documentation and most producers use.
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Where a repository-level finding points when its rule has no source file.
const CONFIG_FILE: &str = "govlint.yaml";
/// The fingerprint's name; bump the version if its recipe ever changes.
const FINGERPRINT: &str = "govlint/v1";

/// Renders the whole report as one pretty-printed SARIF log.
pub fn render(report: &Report<'_>) -> String {
    let rules = rule_table(report);
    let index: HashMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let fingerprints = fingerprints(report.findings);
    let results: Vec<Value> = report
        .findings
        .iter()
        .zip(&fingerprints)
        .map(|(f, fp)| result(report, f, index.get(f.rule.as_str()).copied(), &rules, fp))
        .collect();

    let mut driver = Map::new();
    driver.insert("name".into(), json!("govlint"));
    if let Some(uri) = information_uri() {
        driver.insert("informationUri".into(), json!(uri));
    }
    driver.insert("version".into(), json!(env!("CARGO_PKG_VERSION")));
    driver.insert("semanticVersion".into(), json!(env!("CARGO_PKG_VERSION")));
    driver.insert(
        "rules".into(),
        Value::Array(rules.iter().map(RuleEntry::to_json).collect()),
    );

    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "invocations": [{ "executionSuccessful": true }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut text =
        serde_json::to_string_pretty(&log).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

/// The project's home page, when Cargo.toml names one.
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .find(|u| !u.is_empty())
}

/// One entry of `tool.driver.rules`.
struct RuleEntry {
    id: String,
    summary: String,
    description: String,
    help: Option<String>,
    clause: Option<String>,
    severity: Severity,
    /// Repo-relative file the rule comes from (repository-level findings point here).
    source: Option<String>,
}

impl RuleEntry {
    fn to_json(&self) -> Value {
        // Rule help and code descriptions are written as light Markdown
        // (backticks), so the same text serves both fields.
        let mut text = self
            .help
            .clone()
            .unwrap_or_else(|| self.description.clone());
        let mut markdown = text.clone();
        if let Some(c) = &self.clause {
            text.push_str(&format!("\n\nClause: {c}"));
            markdown.push_str(&format!("\n\n**Clause:** {c}"));
        }
        let explain = format!("\n\nRun `govlint explain {}` for details.", self.id);
        text.push_str(&explain);
        markdown.push_str(&explain);
        let full = match &self.clause {
            Some(c) => format!("{} ({c})", self.description),
            None => self.description.clone(),
        };
        let mut tags = vec![json!("governance")];
        if let Some(c) = &self.clause {
            tags.push(json!(c));
        }
        json!({
            "id": self.id,
            "shortDescription": { "text": self.summary },
            "fullDescription": { "text": full },
            "help": { "text": text, "markdown": markdown },
            "defaultConfiguration": { "level": level(self.severity) },
            "properties": { "tags": tags },
        })
    }
}

/// A rule entry for every rule id with a result, sorted by id: from
/// `report.rules` where known, else from the built-in code table, else made
/// from the findings themselves.
fn rule_table(report: &Report<'_>) -> Vec<RuleEntry> {
    let mut first: BTreeMap<&str, &Finding> = BTreeMap::new();
    for f in report.findings {
        first.entry(f.rule.as_str()).or_insert(f);
    }
    first
        .into_iter()
        .map(|(id, f)| match report.rules.iter().find(|r| r.id == id) {
            Some(meta) => from_meta(meta, f),
            None => synthesized(id, f),
        })
        .collect()
}

fn from_meta(meta: &RuleMeta, f: &Finding) -> RuleEntry {
    RuleEntry {
        id: meta.id.clone(),
        summary: meta.summary.clone(),
        description: meta.summary.clone(),
        help: meta.help.clone().or_else(|| f.help.clone()),
        clause: meta.clause.clone().or_else(|| f.clause.clone()),
        severity: meta.severity,
        source: meta.source.clone(),
    }
}

fn synthesized(id: &str, f: &Finding) -> RuleEntry {
    let code = Code::from_id(id);
    let summary = code.map_or_else(
        || format!("govlint diagnostic `{id}`"),
        |c| c.summary().to_owned(),
    );
    RuleEntry {
        id: id.to_owned(),
        description: code.map_or_else(|| summary.clone(), |c| c.description().to_owned()),
        summary,
        help: f.help.clone(),
        clause: f.clause.clone(),
        severity: f.severity,
        source: None,
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn result(
    report: &Report<'_>,
    f: &Finding,
    rule_index: Option<usize>,
    rules: &[RuleEntry],
    fingerprint: &str,
) -> Value {
    let mut r = Map::new();
    r.insert("ruleId".into(), json!(f.rule));
    if let Some(i) = rule_index {
        r.insert("ruleIndex".into(), json!(i));
    }
    r.insert("level".into(), json!(level(f.severity)));
    let mut text = f.message.clone();
    if let Some(help) = &f.help {
        text.push_str(&format!("\nhelp: {help}"));
    }
    r.insert("message".into(), json!({ "text": text }));

    let mut location = match &f.location {
        Some(loc) => physical(report, loc),
        None => {
            // Code scanning needs a place: the rule's file, else the config file.
            let file = rule_index
                .and_then(|i| rules[i].source.as_deref())
                .unwrap_or(CONFIG_FILE);
            json!({ "physicalLocation": {
                "artifactLocation": { "uri": uri(file), "uriBaseId": "%SRCROOT%" },
                "region": { "startLine": 1, "startColumn": 1 },
            }})
        }
    };
    if let (Some(record), Value::Object(map)) = (&f.record, &mut location) {
        let mut logical = Map::new();
        logical.insert("name".into(), json!(record));
        if let Some(p) = f.pointer.as_deref().filter(|p| !p.is_empty()) {
            logical.insert("fullyQualifiedName".into(), json!(format!("{record}#{p}")));
        }
        if let Some(kind) = &f.kind {
            logical.insert("kind".into(), json!(kind));
        }
        map.insert("logicalLocations".into(), json!([logical]));
    }
    r.insert("locations".into(), json!([location]));

    if !f.related.is_empty() {
        let related: Vec<Value> = f
            .related
            .iter()
            .enumerate()
            .map(|(i, rel)| {
                let mut loc = physical(report, &rel.location);
                if let Value::Object(map) = &mut loc {
                    map.insert("id".into(), json!(i));
                    map.insert("message".into(), json!({ "text": rel.message }));
                }
                loc
            })
            .collect();
        r.insert("relatedLocations".into(), Value::Array(related));
    }
    r.insert(
        "partialFingerprints".into(),
        json!({ FINGERPRINT: fingerprint }),
    );
    if let Some(w) = &f.waived {
        r.insert(
            "suppressions".into(),
            json!([{
                "kind": "external",
                "status": "accepted",
                "justification": w.reason,
                "properties": { "waiver": w.waiver },
            }]),
        );
    }
    let mut props = Map::new();
    for (key, value) in [
        ("record", &f.record),
        ("kind", &f.kind),
        ("pointer", &f.pointer),
        ("clause", &f.clause),
    ] {
        if let Some(v) = value {
            props.insert(key.into(), json!(v));
        }
    }
    if f.location.is_none() {
        props.insert("repositoryLevel".into(), json!(true));
    }
    if f.pending {
        props.insert("pending".into(), json!(true));
    }
    if !props.is_empty() {
        r.insert("properties".into(), Value::Object(props));
    }
    Value::Object(r)
}

/// A `location` with a physical location: the start, and the end where the
/// file is at hand to compute it.
fn physical(report: &Report<'_>, loc: &Location) -> Value {
    let mut region = Map::new();
    region.insert("startLine".into(), json!(loc.line.max(1)));
    region.insert("startColumn".into(), json!(loc.column.max(1)));
    if let Some(src) = report.files.get(&loc.file).filter(|_| !loc.span.is_empty()) {
        let (line, column) = src.line_col(loc.span.end);
        if (line, column) > (loc.line, loc.column) {
            region.insert("endLine".into(), json!(line));
            region.insert("endColumn".into(), json!(column));
        }
    }
    json!({ "physicalLocation": {
        "artifactLocation": { "uri": uri(&loc.file), "uriBaseId": "%SRCROOT%" },
        "region": region,
    }})
}

/// A repo-relative path as a relative URI reference: everything but
/// unreserved characters and `/` is percent-encoded (UTF-8), so spaces,
/// `#`, `?` and a `:` in the first segment cannot change its meaning.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One fingerprint per finding, in order: see the module docs.
fn fingerprints(findings: &[Finding]) -> Vec<String> {
    let keys: Vec<String> = findings.iter().map(fingerprint_key).collect();
    let mut groups: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, k) in keys.iter().enumerate() {
        groups.entry(k.as_str()).or_default().push(i);
    }
    let mut occurrence = vec![0usize; findings.len()];
    for members in groups.values_mut().filter(|m| m.len() > 1) {
        members.sort_by(|&a, &b| findings[a].message.cmp(&findings[b].message));
        for (n, &i) in members.iter().enumerate() {
            occurrence[i] = n;
        }
    }
    keys.iter()
        .zip(occurrence)
        .map(|(k, n)| {
            let hash = if n == 0 {
                fnv1a64(k.as_bytes())
            } else {
                fnv1a64(format!("{k}\0{n}").as_bytes())
            };
            format!("{hash:016x}")
        })
        .collect()
}

/// Rule, subject (record id, else file, else nothing) and pointer; NUL
/// separates the parts because none of them can contain it.
fn fingerprint_key(f: &Finding) -> String {
    let subject = match (&f.record, &f.location) {
        (Some(r), _) => format!("record:{r}"),
        (None, Some(l)) => format!("file:{}", l.file),
        (None, None) => String::new(),
    };
    format!(
        "{}\0{subject}\0{}",
        f.rule,
        f.pointer.as_deref().unwrap_or("")
    )
}

/// FNV-1a, 64 bits: tiny, dependency-free and stable across platforms and
/// releases (unlike `std`'s `DefaultHasher`). Not for security: a
/// fingerprint only has to tell alerts apart.
fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Arc;

    use super::*;
    use crate::finding::Waived;
    use crate::source::{SourceFile, Span};

    fn finding(
        rule: &str,
        record: Option<&str>,
        file: Option<(&str, usize)>,
        message: &str,
    ) -> Finding {
        let mut f =
            Finding::new(rule, Severity::Error, message).at(file.map(|(file, line)| Location {
                file: file.to_owned(),
                span: Span::default(),
                line,
                column: 3,
            }));
        f.record = record.map(str::to_owned);
        f.pointer = Some("/due".to_owned());
        f
    }

    fn sarif(findings: &[Finding], rules: &[RuleMeta]) -> Value {
        let files = HashMap::new();
        let report = Report {
            findings,
            records: 3,
            files: &files,
            rules,
        };
        serde_json::from_str(&render(&report)).expect("valid JSON")
    }

    fn results(log: &Value) -> &Vec<Value> {
        log["runs"][0]["results"].as_array().expect("results")
    }

    #[test]
    fn shape_has_driver_rules_and_results() {
        let meta = RuleMeta {
            id: "acme/objective-due".into(),
            severity: Severity::Warning,
            clause: Some("ISO/IEC 27001:2022 6.2".into()),
            summary: "Objectives have a future due date".into(),
            help: Some("Set `due` to a future date.".into()),
            source: Some("rules/acme.yaml".into()),
        };
        let log = sarif(
            &[
                finding(
                    "acme/objective-due",
                    Some("OBJ-1"),
                    Some(("objectives/o1.yaml", 7)),
                    "due date passed",
                ),
                finding(
                    "schema",
                    Some("OBJ-2"),
                    Some(("objectives/o2.yaml", 2)),
                    "missing owner",
                ),
            ],
            &[meta],
        );
        assert_eq!(log["version"], "2.1.0");
        assert!(log["$schema"]
            .as_str()
            .is_some_and(|s| s.contains("sarif-2.1.0")));
        let driver = &log["runs"][0]["tool"]["driver"];
        assert_eq!(driver["name"], "govlint");
        assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
        let rules = driver["rules"].as_array().expect("rules");
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0]["id"], "acme/objective-due");
        assert_eq!(rules[0]["defaultConfiguration"]["level"], "warning");
        assert!(rules[0]["help"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("6.2")));
        assert!(rules[0]["properties"]["tags"]
            .as_array()
            .is_some_and(|t| t.contains(&json!("ISO/IEC 27001:2022 6.2"))));
        // A built-in code gets its documented summary.
        assert_eq!(rules[1]["id"], "schema");
        assert!(rules[1]["shortDescription"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("JSON Schema")));
        let r = &results(&log)[1];
        assert_eq!(r["ruleId"], "schema");
        assert_eq!(r["ruleIndex"], 1);
        assert_eq!(r["level"], "error");
        let phys = &r["locations"][0]["physicalLocation"];
        assert_eq!(phys["artifactLocation"]["uri"], "objectives/o2.yaml");
        assert_eq!(phys["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(phys["region"]["startLine"], 2);
        assert_eq!(phys["region"]["startColumn"], 3);
    }

    #[test]
    fn built_in_codes_have_their_own_severity_in_the_rule_table() {
        let metas: Vec<RuleMeta> = Code::ALL.iter().copied().map(RuleMeta::of_code).collect();
        let mut backdated = Finding::code(Code::HistoryNonMonotonicTime, "backdated commit");
        backdated.location = Some(Location {
            file: "policies/p.yaml".to_owned(),
            span: Span::default(),
            line: 1,
            column: 1,
        });
        let broken = finding(Code::Schema.id(), Some("P-1"), Some(("p.yaml", 2)), "m");
        let log = sarif(&[backdated, broken], &metas);
        let rules = log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .expect("rules");
        let level = |id: &str| {
            rules
                .iter()
                .find(|r| r["id"] == id)
                .map(|r| r["defaultConfiguration"]["level"].clone())
        };
        assert_eq!(
            level(Code::HistoryNonMonotonicTime.id()),
            Some(json!("warning"))
        );
        assert_eq!(level(Code::Schema.id()), Some(json!("error")));
        let result = results(&log)
            .iter()
            .find(|r| r["ruleId"] == Code::HistoryNonMonotonicTime.id())
            .expect("result");
        assert_eq!(result["level"], "warning");
    }

    #[test]
    fn every_result_has_a_location() {
        let meta = RuleMeta {
            id: "acme/min-reviews".into(),
            severity: Severity::Error,
            clause: None,
            summary: "At least one management review".into(),
            help: None,
            source: Some("rules/acme reviews.yaml".into()),
        };
        let log = sarif(
            &[
                finding("acme/min-reviews", None, None, "no management review"),
                finding("iso27001/policy-exists", None, None, "no approved policy"),
            ],
            &[meta],
        );
        let uris: Vec<&str> = results(&log)
            .iter()
            .map(|r| {
                assert_eq!(
                    r["locations"][0]["physicalLocation"]["region"]["startLine"],
                    1
                );
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .expect("uri")
            })
            .collect();
        assert_eq!(uris, ["rules/acme%20reviews.yaml", "govlint.yaml"]);
    }

    #[test]
    fn fingerprints_survive_reordering_and_line_moves() {
        let a = finding(
            "schema",
            Some("OBJ-1"),
            Some(("o.yaml", 3)),
            "missing owner",
        );
        let b = finding(
            "schema",
            Some("OBJ-1"),
            Some(("o.yaml", 3)),
            "missing target",
        );
        let c = finding("iso27001/x", None, None, "repo-wide");
        let prints = |log: &Value| -> HashMap<String, String> {
            results(log)
                .iter()
                .map(|r| {
                    (
                        r["message"]["text"].as_str().expect("text").to_owned(),
                        r["partialFingerprints"][FINGERPRINT]
                            .as_str()
                            .expect("fp")
                            .to_owned(),
                    )
                })
                .collect()
        };
        let first = prints(&sarif(&[a.clone(), b.clone(), c.clone()], &[]));
        let mut moved = b.clone();
        if let Some(l) = moved.location.as_mut() {
            l.line = 40;
        }
        let second = prints(&sarif(&[c, moved, a], &[]));
        assert_eq!(first, second);
        assert_eq!(first.len(), 3);
        let distinct: std::collections::HashSet<_> = first.values().collect();
        assert_eq!(distinct.len(), 3, "equal keys get distinct fingerprints");
        assert!(first
            .values()
            .all(|fp| fp.len() == 16 && fp.chars().all(|c| c.is_ascii_hexdigit())));
    }

    #[test]
    fn waived_findings_are_external_suppressions() {
        let mut f = finding("schema", Some("OBJ-1"), Some(("o.yaml", 1)), "m");
        f.waived = Some(Waived {
            waiver: "W-1".into(),
            reason: "migrating".into(),
        });
        let log = sarif(&[f], &[]);
        let s = &results(&log)[0]["suppressions"][0];
        assert_eq!(s["kind"], "external");
        assert_eq!(s["justification"], "migrating");
        assert_eq!(s["properties"]["waiver"], "W-1");
    }

    #[test]
    fn region_end_comes_from_the_span() {
        let src = Arc::new(SourceFile::new("p.yaml", "id: P-1\ndue: 2020-01-01\n"));
        let mut f = finding("schema", Some("P-1"), None, "m");
        f.location = Some(src.location(Span::new(13, 23)));
        let files = HashMap::from([("p.yaml".to_owned(), src)]);
        let report = Report {
            findings: &[f],
            records: 1,
            files: &files,
            rules: &[],
        };
        let log: Value = serde_json::from_str(&render(&report)).expect("json");
        let region = &results(&log)[0]["locations"][0]["physicalLocation"]["region"];
        assert_eq!(
            (region["startLine"].as_u64(), region["startColumn"].as_u64()),
            (Some(2), Some(6))
        );
        assert_eq!(
            (region["endLine"].as_u64(), region["endColumn"].as_u64()),
            (Some(2), Some(16))
        );
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri("a b/ç#?.yaml"), "a%20b/%C3%A7%23%3F.yaml");
        assert_eq!(uri("c:x.yaml"), "c%3Ax.yaml");
    }

    #[test]
    fn fnv_matches_reference_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
