//! `schema: {…}` — the subject validates against an inline JSON Schema
//! (draft 2020-12 unless it says otherwise; `format` is asserted, with
//! govlint's `date` and `duration`). The schema is compiled when the rule
//! file loads; a `$ref` may only name a built-in schema
//! (`common.schema.json#/$defs/date`), never a URL or a file. Each violation
//! is one failure at the offending node (at the key itself for an unknown
//! key), so this is the tool for shape rules such as "exactly one
//! accountable role per activity".

use jsonschema::Validator;
use serde_json::Value;

use crate::schema::{escape_pointer, violations};

use super::super::compile::Compiler;
use super::{Failure, Subject};

pub(crate) struct InlineSchema {
    validator: Validator,
}

impl std::fmt::Debug for InlineSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InlineSchema")
    }
}

impl InlineSchema {
    pub(crate) fn compile(schema: &Value, c: &mut Compiler<'_>, ptr: &str) -> Option<InlineSchema> {
        c.schema(ptr, schema)
            .map(|validator| InlineSchema { validator })
    }

    pub(crate) fn check(&self, s: &Subject<'_>) -> Vec<Failure> {
        violations(&self.validator, s.value)
            .into_iter()
            .map(|v| match &v.unknown_key {
                Some(key) => Failure {
                    at_key: true,
                    ..Failure::new(
                        s.abs(&format!("{}/{}", v.pointer, escape_pointer(key))),
                        v.message,
                    )
                },
                None => Failure::new(s.abs(&v.pointer), v.message),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::testing::{check_one, records};
    use serde_json::json;

    #[test]
    fn violations_are_placed_at_their_node() {
        let set = records(
            "raci.yaml",
            "kind: ResponsibilityMatrix\nid: RACI\nactivities:\n  - {id: a, accountable: [r1, r2]}\n  - {id: b, accountable: r1, extra: 1}\n",
        );
        let schema = json!({"schema": {
            "properties": {"activities": {"items": {
                "properties": {"accountable": {"type": "string"}, "id": {}},
                "additionalProperties": false
            }}}
        }});
        let f = check_one(&set, "RACI", schema);
        assert_eq!(f.len(), 2, "{f:?}");
        assert_eq!(f[0].pointer, "/activities/0/accountable");
        assert!(f[0].detail.contains("not of type"), "{}", f[0].detail);
        assert_eq!(f[1].pointer, "/activities/1/extra");
        assert!(f[1].at_key);
        let ok = json!({"schema": {"required": ["activities"]}});
        assert!(check_one(&set, "RACI", ok).is_empty());
    }
}
