//! Assertions: the closed set of things a rule's `check` can demand of a
//! record (SPEC 3), compiled from [`AssertionSpec`] and evaluated by one
//! exhaustive `match`. Each family lives in its own file under `assert/`,
//! documented where it is defined:
//!
//! | spec | compiled | file |
//! |---|---|---|
//! | `field: P` + `required` / `nonempty` / `pattern` / `not_pattern` / `equals` / `in` | [`field::Field`] | `field.rs` |
//! | `schema: {…}` | [`schema::InlineSchema`] | `schema.rs` |
//! | `ref: {field, kind, any, check}` | [`reference::Ref`] | `reference.rs` |
//! | `referenced_by: {kind, field, covering_today}` | [`reference::ReferencedBy`] | `reference.rs` |
//! | `date: {field, within | not_overdue}` | [`date::DateCheck`] | `date.rs` |
//! | `approved` / `reviewed: {by, within, unchanged, strength, four_eyes, count}` | [`approval::Approved`] | `approval.rs` |
//! | `lookup: {ref, kind, table, keys, equals}` | [`lookup::Lookup`] | `lookup.rs` |
//! | `rank: {field, ref, kind, order, above | at_most}` | [`rank::Rank`] | `rank.rs` |
//! | `same: {field, as}` | [`same::Same`] | `same.rs` |
//! | `disjoint: {field, ref, kind, with}` | [`disjoint::Disjoint`] | `disjoint.rs` |
//! | `newest: {field, within, default}` | [`newest::Newest`] | `newest.rs` |
//!
//! `target.rs` is the referenced record that `lookup`, `rank` and
//! `disjoint` read from; `covers.rs` is the aggregate `covers`.
//!
//! Repo-level `aggregate` rules are not assertions on one record; they live
//! in `aggregate.rs`.
//!
//! An assertion looks at a [`Subject`] (a record, or one element of a list
//! in it when the rule uses `for.each`) and returns one [`Failure`] per place
//! that breaks it, so a rule reports every dangling reference or missing input
//! at its own line.

pub(crate) mod aggregate;
pub(crate) mod approval;
pub(crate) mod covers;
pub(crate) mod date;
pub(crate) mod disjoint;
pub(crate) mod field;
pub(crate) mod lookup;
pub(crate) mod newest;
pub(crate) mod rank;
pub(crate) mod reference;
pub(crate) mod same;
pub(crate) mod schema;
pub(crate) mod target;

use serde_json::Value;

use crate::record::Record;
use crate::source::Span;

use super::compile::Compiler;
use super::spec::AssertionSpec;
use super::Context;

/// What an assertion looks at: a record, or an element inside it.
#[derive(Debug, Clone)]
pub(crate) struct Subject<'r> {
    pub record: &'r Record,
    /// Pointer of `value` inside the record (`""` for the record itself).
    pub base: String,
    pub value: &'r Value,
}

impl<'r> Subject<'r> {
    pub(crate) fn whole(record: &'r Record) -> Self {
        Subject {
            record,
            base: String::new(),
            value: &record.value,
        }
    }

    /// The record pointer of a pointer relative to the subject.
    pub(crate) fn abs(&self, rel: &str) -> String {
        format!("{}{rel}", self.base)
    }

    /// The subject's `id`, when it has a string one.
    pub(crate) fn id(&self) -> Option<&'r str> {
        self.value.get("id").and_then(Value::as_str)
    }
}

/// One way a subject breaks an assertion.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Failure {
    /// Pointer (inside the record) of the node the assertion looked at.
    pub pointer: String,
    /// Why, precisely, for the finding message.
    pub detail: String,
    /// Place the finding at the mapping key of `pointer` (unknown keys).
    pub at_key: bool,
    /// An exact place inside a string (a forbidden word in a Markdown body).
    pub span: Option<Span>,
    /// The history cannot tell (shallow clone): report as a warning.
    pub unknown: bool,
    /// Approval can only come with or after the commit being made.
    pub pending: bool,
}

impl Failure {
    pub(crate) fn new(pointer: impl Into<String>, detail: impl Into<String>) -> Self {
        Failure {
            pointer: pointer.into(),
            detail: detail.into(),
            at_key: false,
            span: None,
            unknown: false,
            pending: false,
        }
    }
}

/// A compiled assertion.
#[derive(Debug)]
pub(crate) enum Assertion {
    Field(field::Field),
    Schema(schema::InlineSchema),
    Ref(reference::Ref),
    ReferencedBy(reference::ReferencedBy),
    Date(date::DateCheck),
    Approval(approval::Approved),
    Lookup(lookup::Lookup),
    Rank(rank::Rank),
    Same(same::Same),
    Disjoint(disjoint::Disjoint),
    Newest(newest::Newest),
}

/// Per-evaluation data an assertion needs over the whole record set, built
/// once per run so that evaluation stays linear (e.g. who references whom).
pub(crate) enum Prep<'a> {
    Nothing,
    Referrers(reference::Referrers<'a>),
    Nested(Vec<Prep<'a>>),
}

impl Assertion {
    pub(crate) fn compile(
        spec: &AssertionSpec,
        c: &mut Compiler<'_>,
        ptr: &str,
    ) -> Option<Assertion> {
        Some(match spec {
            AssertionSpec::Field(s) => Assertion::Field(field::Field::compile(s, c, ptr)?),
            AssertionSpec::Schema(s) => Assertion::Schema(schema::InlineSchema::compile(
                &s.schema,
                c,
                &format!("{ptr}/schema"),
            )?),
            AssertionSpec::Ref(s) => {
                Assertion::Ref(reference::Ref::compile(&s.ref_, c, &format!("{ptr}/ref"))?)
            }
            AssertionSpec::ReferencedBy(s) => {
                Assertion::ReferencedBy(reference::ReferencedBy::compile(
                    &s.referenced_by,
                    c,
                    &format!("{ptr}/referenced_by"),
                )?)
            }
            AssertionSpec::Date(s) => Assertion::Date(date::DateCheck::compile(
                &s.date,
                c,
                &format!("{ptr}/date"),
            )?),
            AssertionSpec::Approved(s) => Assertion::Approval(approval::Approved::compile(
                &s.approved,
                false,
                c,
                &format!("{ptr}/approved"),
            )?),
            AssertionSpec::Reviewed(s) => Assertion::Approval(approval::Approved::compile(
                &s.reviewed,
                true,
                c,
                &format!("{ptr}/reviewed"),
            )?),
            AssertionSpec::Lookup(s) => Assertion::Lookup(lookup::Lookup::compile(
                &s.lookup,
                c,
                &format!("{ptr}/lookup"),
            )?),
            AssertionSpec::Rank(s) => {
                Assertion::Rank(rank::Rank::compile(&s.rank, c, &format!("{ptr}/rank"))?)
            }
            AssertionSpec::Same(s) => {
                Assertion::Same(same::Same::compile(&s.same, c, &format!("{ptr}/same"))?)
            }
            AssertionSpec::Disjoint(s) => Assertion::Disjoint(disjoint::Disjoint::compile(
                &s.disjoint,
                c,
                &format!("{ptr}/disjoint"),
            )?),
            AssertionSpec::Newest(s) => Assertion::Newest(newest::Newest::compile(
                &s.newest,
                c,
                &format!("{ptr}/newest"),
            )?),
        })
    }

    fn prepare<'a>(&self, ctx: &Context<'a>) -> Prep<'a> {
        match self {
            Assertion::ReferencedBy(a) => Prep::Referrers(a.referrers(ctx)),
            Assertion::Ref(a) => a.prepare(ctx),
            Assertion::Field(_)
            | Assertion::Schema(_)
            | Assertion::Date(_)
            | Assertion::Approval(_)
            | Assertion::Lookup(_)
            | Assertion::Rank(_)
            | Assertion::Same(_)
            | Assertion::Disjoint(_)
            | Assertion::Newest(_) => Prep::Nothing,
        }
    }

    fn check(&self, s: &Subject<'_>, ctx: &Context<'_>, prep: &Prep<'_>) -> Vec<Failure> {
        match self {
            Assertion::Field(a) => a.check(s),
            Assertion::Schema(a) => a.check(s),
            Assertion::Ref(a) => a.check(s, ctx, prep),
            Assertion::ReferencedBy(a) => match prep {
                Prep::Referrers(r) => a.check(s, r, ctx.today),
                Prep::Nothing | Prep::Nested(_) => a.check(s, &a.referrers(ctx), ctx.today),
            },
            Assertion::Date(a) => a.check(s, ctx.today),
            Assertion::Approval(a) => a.check(s, ctx),
            Assertion::Lookup(a) => a.check(s, ctx),
            Assertion::Rank(a) => a.check(s, ctx),
            Assertion::Same(a) => a.check(s),
            Assertion::Disjoint(a) => a.check(s, ctx),
            Assertion::Newest(a) => a.check(s, ctx.today),
        }
    }

    fn uses_history(&self) -> bool {
        match self {
            Assertion::Approval(_) => true,
            Assertion::Ref(a) => a.uses_history(),
            Assertion::Field(_)
            | Assertion::Schema(_)
            | Assertion::ReferencedBy(_)
            | Assertion::Date(_)
            | Assertion::Lookup(_)
            | Assertion::Rank(_)
            | Assertion::Same(_)
            | Assertion::Disjoint(_)
            | Assertion::Newest(_) => false,
        }
    }

    /// One line saying what the assertion demands (`explain`).
    fn describe(&self) -> String {
        match self {
            Assertion::Field(a) => a.describe(),
            Assertion::Schema(_) => "the record validates against an inline JSON Schema".to_owned(),
            Assertion::Ref(a) => a.describe(),
            Assertion::ReferencedBy(a) => a.describe(),
            Assertion::Date(a) => a.describe(),
            Assertion::Approval(a) => a.describe(),
            Assertion::Lookup(a) => a.describe(),
            Assertion::Rank(a) => a.describe(),
            Assertion::Same(a) => a.describe(),
            Assertion::Disjoint(a) => a.describe(),
            Assertion::Newest(a) => a.describe(),
        }
    }
}

/// A list of assertions that must all hold (a rule's `check`, a selector's
/// `if`, a reference's nested `check`).
#[derive(Debug, Default)]
pub(crate) struct Checks(Vec<Assertion>);

impl Checks {
    /// Compiles every entry; `None` when any failed (errors are in `c`).
    pub(crate) fn compile(
        specs: &[AssertionSpec],
        c: &mut Compiler<'_>,
        ptr: &str,
    ) -> Option<Checks> {
        let compiled: Vec<Option<Assertion>> = specs
            .iter()
            .enumerate()
            .map(|(i, s)| Assertion::compile(s, c, &format!("{ptr}/{i}")))
            .collect();
        compiled.into_iter().collect::<Option<Vec<_>>>().map(Checks)
    }

    #[cfg(test)]
    pub(crate) fn from_one(a: Assertion) -> Checks {
        Checks(vec![a])
    }

    pub(crate) fn prepare<'a>(&self, ctx: &Context<'a>) -> Vec<Prep<'a>> {
        self.0.iter().map(|a| a.prepare(ctx)).collect()
    }

    /// Every failure of every assertion, in order.
    pub(crate) fn check(
        &self,
        s: &Subject<'_>,
        ctx: &Context<'_>,
        preps: &[Prep<'_>],
    ) -> Vec<Failure> {
        self.0
            .iter()
            .enumerate()
            .flat_map(|(i, a)| a.check(s, ctx, preps.get(i).unwrap_or(&Prep::Nothing)))
            .collect()
    }

    pub(crate) fn holds(&self, s: &Subject<'_>, ctx: &Context<'_>, preps: &[Prep<'_>]) -> bool {
        self.0.iter().enumerate().all(|(i, a)| {
            a.check(s, ctx, preps.get(i).unwrap_or(&Prep::Nothing))
                .is_empty()
        })
    }

    pub(crate) fn uses_history(&self) -> bool {
        self.0.iter().any(Assertion::uses_history)
    }

    pub(crate) fn describe(&self) -> Vec<String> {
        self.0.iter().map(Assertion::describe).collect()
    }
}

/// Joins nested failures into one detail (`a; b`).
pub(crate) fn join_details(failures: &[Failure]) -> String {
    failures
        .iter()
        .map(|f| f.detail.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}
