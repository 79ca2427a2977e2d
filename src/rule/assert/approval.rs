//! `approved: {…}` / `reviewed: {…}` — git evidence (SPEC 2.1) that the
//! record was approved (or, for `reviewed`, reviewed or approved):
//!
//! - `by`: a Role id (any member, by the approver's roles as of the approving
//!   commit) or a Person id; `{field: P}` reads the id from the record (a
//!   Policy's `/approver`, a review's `/chair`). Omitted: any known Person.
//! - `within`: a duration (`P12M`), or `{field: P}` read from the record
//!   (`/review_interval`): the approval is no older than that before today.
//! - `unchanged: true`: the approved bytes are the bytes being checked.
//! - `strength`: at least `claimed` | `self` | `signed`; default: the
//!   configuration's `trust.minimum_strength` (`self` when unset).
//! - `four_eyes: true`: the approver is not the author of the approved change.
//! - `count: N`: N distinct approving Persons qualify (N-of-M).
//! - `time`: which time of an approval counts (SPEC 2.4). `claimed`: the
//!   committer's (tagger's) date. `witnessed`: only approvals that a
//!   witness contains count, and `within` holds only when the landing
//!   window's *after* bound lies within the interval of today (an approval
//!   older than the first witness has no *after* bound and cannot prove
//!   recency: the finding says to approve again now that witnessing runs).
//!   `auto` (the default): `witnessed` exactly when the configuration lists
//!   `trust.witnesses`, else `claimed`; so the built-in pack judges
//!   witnessed time wherever witnessing runs. Waivers judge claimed time
//!   (they carry no interval, and are approved in the pull request that
//!   adds them, before any witness).
//!
//! It holds when enough approvals meet every condition. Otherwise the finding
//! says precisely why, judged on the approval that came closest (never
//! approved; approved by someone outside the role; only claimed, self
//! required; too old; changed since approval in commit …; approved by the
//! change's author). Approvals marked `pending` never count but mark the
//! finding pending. When the history is truncated the finding is a warning
//! saying the approval is unknown: a shallow clone never passes silently.
//! The finding is placed at the record (or at the `by` field when that names
//! no Role or Person).

use jiff::civil::Date;
use serde_json::Value;
use std::fmt::Write as _;

use crate::time::Duration;

use super::super::compile::Compiler;
use super::super::evidence::{Approval, EvidenceStatus, Strength};
use super::super::path::{show_pointer, show_value, Path};
use super::super::spec::{ApprovalSpec, ApprovalTime, FixedOrField};
use super::super::Context;
use super::{Failure, Subject};

#[derive(Debug)]
pub(crate) struct Approved {
    /// `reviewed`: reviews count as well as approvals.
    reviews_count: bool,
    by: Option<By>,
    within: Option<Within>,
    unchanged: bool,
    strength: Option<Strength>,
    four_eyes: bool,
    count: usize,
    time: ApprovalTime,
}

#[derive(Debug)]
enum By {
    Id(String),
    Field(Path),
}

#[derive(Debug)]
enum Within {
    Fixed(Duration, String),
    Field(Path),
}

/// Who may approve, once `by` is resolved against the records.
enum Who<'a> {
    AnyPerson,
    Role(&'a str),
    Person(&'a str),
}

impl Approved {
    pub(crate) fn compile(
        spec: &ApprovalSpec,
        reviews_count: bool,
        c: &mut Compiler<'_>,
        ptr: &str,
    ) -> Option<Approved> {
        let by = match &spec.by {
            None => None,
            Some(FixedOrField::Fixed(id)) => Some(By::Id(id.clone())),
            Some(FixedOrField::Field { field }) => {
                Some(By::Field(c.path(&format!("{ptr}/by/field"), field)?))
            }
        };
        let within = match &spec.within {
            None => None,
            Some(FixedOrField::Fixed(text)) => Some(Within::Fixed(
                c.duration(&format!("{ptr}/within"), text)?,
                text.clone(),
            )),
            Some(FixedOrField::Field { field }) => Some(Within::Field(
                c.path(&format!("{ptr}/within/field"), field)?,
            )),
        };
        Some(Approved {
            reviews_count,
            by,
            within,
            unchanged: spec.unchanged,
            strength: spec.strength,
            four_eyes: spec.four_eyes,
            count: spec
                .count
                .map_or(1, |n| usize::try_from(n.max(1)).unwrap_or(usize::MAX)),
            time: spec.time,
        })
    }

    /// A waiver's approval: by a member of the role at `/approver`, of the
    /// waiver as it is now, at the configured minimum strength.
    pub(crate) fn waiver() -> Approved {
        Approved {
            reviews_count: false,
            by: Some(By::Field(Path::field("approver"))),
            within: None,
            unchanged: true,
            strength: None,
            four_eyes: false,
            count: 1,
            time: ApprovalTime::Claimed,
        }
    }

    pub(crate) fn check(&self, s: &Subject<'_>, ctx: &Context<'_>) -> Vec<Failure> {
        let who = match self.who(s, ctx) {
            Ok(w) => w,
            Err(f) => return vec![f],
        };
        let interval = match self.interval(s) {
            Ok(i) => i,
            Err(f) => return vec![f],
        };
        let pointer = s.abs("");
        let pending = ctx.evidence.pending(s.record);
        let approvals = match ctx.evidence.approvals(s.record) {
            EvidenceStatus::Known(list) => list,
            EvidenceStatus::Unknown { reason } => {
                let detail =
                    format!("approval is unknown because the git history is truncated ({reason})");
                return vec![Failure {
                    unknown: true,
                    pending,
                    ..Failure::new(pointer, detail)
                }];
            }
        };
        let relevant: Vec<&Approval> = approvals
            .iter()
            .filter(|a| self.reviews_count || !a.review)
            .collect();
        let pending = pending || relevant.iter().any(|a| a.pending);
        let candidates: Vec<&Approval> = relevant.into_iter().filter(|a| !a.pending).collect();
        let test = Test {
            who: &who,
            interval: interval
                .as_ref()
                .map(|(d, t)| (d.before(ctx.today), t.as_str())),
            strength: self.strength.unwrap_or(ctx.minimum_strength),
            unchanged: self.unchanged,
            four_eyes: self.four_eyes,
            witnessed: match self.time {
                ApprovalTime::Auto => ctx.witnessing,
                ApprovalTime::Claimed => false,
                ApprovalTime::Witnessed => true,
            },
        };
        let judged: Vec<(&Approval, Verdict)> =
            candidates.iter().map(|a| (*a, test.judge(a))).collect();
        let mut persons: Vec<&str> = judged
            .iter()
            .filter(|(_, r)| r.is_ok())
            .filter_map(|(a, _)| a.person.as_deref())
            .collect();
        persons.sort_unstable();
        persons.dedup();
        if persons.len() >= self.count {
            return Vec::new();
        }
        let noun = if self.reviews_count {
            "review or approval"
        } else {
            "approval"
        };
        let detail = if candidates.is_empty() {
            format!("git holds no {noun} of it")
        } else if !persons.is_empty() {
            format!(
                "only {} of the {} distinct people required{} qualify: {}",
                persons.len(),
                self.count,
                who.text(),
                persons.join(", ")
            )
        } else {
            // The approval that got furthest through the conditions, newest first.
            judged
                .iter()
                .filter_map(|(a, r)| r.as_ref().err().map(|(rank, why)| (*rank, a.date, why)))
                .max_by_key(|(rank, date, _)| (*rank, *date))
                .map_or_else(
                    || format!("git holds no {noun} of it"),
                    |(_, _, why)| why.clone(),
                )
        };
        vec![Failure {
            pending,
            ..Failure::new(pointer, detail)
        }]
    }

    fn who<'a>(&self, s: &Subject<'a>, ctx: &Context<'a>) -> Result<Who<'a>, Failure> {
        let (id, pointer) = match &self.by {
            None => return Ok(Who::AnyPerson),
            Some(By::Id(id)) => (id.as_str(), s.abs("")),
            Some(By::Field(p)) => {
                let pointer = s.abs(p.as_str());
                match p.get(s.value) {
                    Some(Value::String(id)) => (id.as_str(), pointer),
                    Some(v) if !v.is_null() => {
                        let detail = format!(
                            "`{}` is `{}`, not a Role or Person id",
                            show_pointer(&pointer),
                            show_value(v)
                        );
                        return Err(Failure::new(pointer, detail));
                    }
                    _ => {
                        let detail = format!(
                            "`{}` is missing, so nobody can approve it",
                            show_pointer(&pointer)
                        );
                        return Err(Failure::new(pointer, detail));
                    }
                }
            }
        };
        match ctx.records.get(id) {
            Some(r) if r.kind == "Role" => Ok(Who::Role(&r.id)),
            Some(r) if r.kind == "Person" => Ok(Who::Person(&r.id)),
            Some(r) => Err(Failure::new(
                pointer,
                format!("approver `{id}` is a {}, not a Role or Person", r.kind),
            )),
            None => Err(Failure::new(
                pointer,
                format!("approver `{id}` names no Role or Person record"),
            )),
        }
    }

    fn interval(&self, s: &Subject<'_>) -> Result<Option<(Duration, String)>, Failure> {
        match &self.within {
            None => Ok(None),
            Some(Within::Fixed(d, text)) => Ok(Some((*d, text.clone()))),
            Some(Within::Field(p)) => {
                let pointer = s.abs(p.as_str());
                let name = show_pointer(&pointer);
                match p.get(s.value) {
                    Some(Value::String(text)) => match Duration::parse(text) {
                        Some(d) => Ok(Some((d, text.clone()))),
                        None => Err(Failure::new(
                            pointer,
                            format!("`{name}` is `{text}`, not an ISO 8601 duration such as P12M"),
                        )),
                    },
                    _ => Err(Failure::new(
                        pointer,
                        format!("`{name}` is missing, so the approval interval is unknown"),
                    )),
                }
            }
        }
    }

    pub(crate) fn describe(&self) -> String {
        let mut s = format!(
            "git shows the record {}",
            if self.reviews_count {
                "reviewed or approved"
            } else {
                "approved"
            }
        );
        match &self.by {
            Some(By::Id(id)) => {
                let _ = write!(s, " by `{id}` (a member of that role, or that person)");
            }
            Some(By::Field(p)) => {
                let _ = write!(
                    s,
                    " by the role or person named in `{}`",
                    show_pointer(p.as_str())
                );
            }
            None => {}
        }
        if self.count > 1 {
            let _ = write!(s, ", by {} distinct people", self.count);
        }
        match &self.within {
            Some(Within::Fixed(_, t)) => {
                let _ = write!(s, ", within {t}");
            }
            Some(Within::Field(p)) => {
                let _ = write!(s, ", within the interval in `{}`", show_pointer(p.as_str()));
            }
            None => {}
        }
        if self.unchanged {
            s.push_str(", unchanged since");
        }
        match self.strength {
            Some(st) => {
                let _ = write!(s, ", with strength at least `{st}`");
            }
            None => s.push_str(", with at least the configured minimum strength"),
        }
        if self.four_eyes {
            s.push_str(", by someone other than the change's author");
        }
        match self.time {
            ApprovalTime::Auto => s.push_str(
                ", timed by its witnesses when trust.witnesses is set (else by its claimed date)",
            ),
            ApprovalTime::Claimed => s.push_str(", timed by its claimed date"),
            ApprovalTime::Witnessed => s.push_str(", witnessed and timed by its witnesses"),
        }
        s
    }
}

impl Who<'_> {
    fn text(&self) -> String {
        match self {
            Who::AnyPerson => String::new(),
            Who::Role(r) => format!(" from role `{r}`"),
            Who::Person(p) => format!(" (`{p}`)"),
        }
    }
}

/// `Err((conditions met, why not))`: the rank lets the caller report the
/// approval that came closest.
type Verdict = Result<(), (usize, String)>;

/// The conditions one approval must meet.
struct Test<'w> {
    who: &'w Who<'w>,
    /// Oldest acceptable date, and the interval as written.
    interval: Option<(Date, &'w str)>,
    strength: Strength,
    unchanged: bool,
    four_eyes: bool,
    /// Only witnessed approvals count, timed by their landing window.
    witnessed: bool,
}

impl Test<'_> {
    fn judge(&self, a: &Approval) -> Verdict {
        let noun = if a.review { "review" } else { "approval" };
        let commit = message_commit(&a.commit);
        let Some(person) = a.person.as_deref() else {
            return Err((
                0,
                format!(
                    "the {noun} in commit {commit} on {} is by {}, and that email matches no Person record",
                    a.date, a.email
                ),
            ));
        };
        let by = format!("by {person} in commit {commit} on {}", a.date);
        let member = match self.who {
            Who::AnyPerson => true,
            Who::Role(r) => a.roles.iter().any(|x| x == r),
            Who::Person(p) => person == *p,
        };
        if !member {
            let why = match self.who {
                Who::Role(r) => format!("{person} ({}) was not in role `{r}` then", a.email),
                Who::Person(p) => format!("it had to be `{p}`"),
                Who::AnyPerson => String::new(),
            };
            return Err((1, format!("the {noun} {by} does not count: {why}")));
        }
        if a.strength < self.strength {
            return Err((
                2,
                format!(
                    "the {noun} {by} counts only as `{}`, and at least `{}` is required: {}",
                    a.strength, self.strength, a.why
                ),
            ));
        }
        // A stale approval needs renewing whatever its time: say that first.
        if self.unchanged && !a.unchanged {
            return Err((
                3,
                format!("the record has changed since its last {noun} ({by})"),
            ));
        }
        if self.witnessed {
            let Some(landing) = &a.landing else {
                return Err((
                    4,
                    format!(
                        "the {noun} {by} is not witnessed: no witness tag (trust.witnesses) contains its commit yet, and only witnessed {noun}s count"
                    ),
                ));
            };
            if let Some((oldest, text)) = self.interval {
                let Some(after) = landing.after else {
                    return Err((
                        4,
                        format!(
                            "the {noun} {by} landed before the first witness ({}, {}), so nothing shows it was given within {text}: approve it again now that witnessing runs",
                            landing.witness,
                            day(landing.before)
                        ),
                    ));
                };
                if day(after) < oldest {
                    return Err((
                        4,
                        format!(
                            "the last {noun} ({person}, commit {commit}) claims {} but landed between {} and {} (witness {}), longer ago than its interval {text}",
                            a.date,
                            day(after),
                            day(landing.before),
                            landing.witness
                        ),
                    ));
                }
            }
        } else if let Some((oldest, text)) = self.interval {
            if a.date < oldest {
                return Err((
                    4,
                    format!(
                        "the last {noun} was on {} ({person}, commit {commit}), longer ago than its interval {text}",
                        a.date
                    ),
                ));
            }
        }
        if self.four_eyes {
            match &a.change_author_email {
                None => {
                    return Err((
                        5,
                        format!("four-eyes cannot be shown: the author of the change of the {noun} {by} is unknown"),
                    ))
                }
                Some(author)
                    if a.approver_emails
                        .iter()
                        .chain([&a.email])
                        .any(|e| e.eq_ignore_ascii_case(author)) =>
                {
                    return Err((
                        5,
                        format!("the {noun} {by} is by the change's own author ({author}); four-eyes needs someone else"),
                    ));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }
}

/// The calendar date (UTC) of a witness's time.
fn day(t: jiff::Timestamp) -> Date {
    crate::time::date_of_unix(t.as_second())
}

/// A commit as approval findings name it: git's default 7-digit
/// abbreviation, short enough for a one-line message (`log` and `audit`,
/// which list many commits, show 10: [`super::super::short_commit`]).
fn message_commit(commit: &str) -> &str {
    commit.get(..7).unwrap_or(commit)
}

#[cfg(test)]
mod tests;
