//! The record another record names: `ref: P` with `kind: K`, shared by the
//! assertions that read a value from a referenced record (`lookup`, `rank`,
//! `disjoint`). A missing, dangling or wrongly-kinded reference is not their
//! business (`field … required` and `ref` report it), so they learn only
//! whether there is a target to read.

use serde_json::Value;

use crate::record::Record;

use super::super::compile::Compiler;
use super::super::path::{show_pointer, Path};
use super::super::spec::OneOrMany;
use super::super::Context;
use super::Subject;

#[derive(Debug)]
pub(crate) struct Target {
    path: Path,
    kinds: Vec<String>,
}

impl Target {
    pub(crate) fn compile(
        field: &str,
        kind: &OneOrMany,
        c: &mut Compiler<'_>,
        ptr: &str,
    ) -> Option<Target> {
        Some(Target {
            path: c.path(&format!("{ptr}/ref"), field)?,
            kinds: kind.to_vec(),
        })
    }

    /// The referenced record, when the subject names one of the right kind.
    pub(crate) fn resolve<'a>(&self, s: &Subject<'_>, ctx: &Context<'a>) -> Option<&'a Record> {
        let id = self.path.get(s.value).and_then(Value::as_str)?;
        ctx.records.get(id).filter(|r| self.kinds.contains(&r.kind))
    }

    /// The pointer, as written, of the reference.
    pub(crate) fn path_text(&self) -> &str {
        self.path.as_str()
    }

    /// `RiskMethod named by `method``, for messages.
    pub(crate) fn describe(&self) -> String {
        format!(
            "the {} named by `{}`",
            self.kinds.join(" or "),
            show_pointer(self.path.as_str())
        )
    }
}
