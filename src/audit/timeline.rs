//! The timeline picture of the HTML pack: one lane per clause item, the
//! approvals (upper row) and reviews (lower row) of the records that
//! evidence it over the last eighteen months before "today", marked by
//! strength, and the records' review-due dates as hollow rings, six months
//! past "today" included so that what falls due next is in view. Plain
//! inline SVG: no script, no font but the page's, no external reference.
//!
//! Shapes carry the strength and colours only repeat it, so the picture
//! reads the same printed in greyscale. `--since` moves the left edge (never
//! before eighteen months back); the events were already limited with the
//! trail.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use jiff::civil::Date;

use super::escape::esc;
use super::Audit;

/// Eighteen months back, six ahead.
const BACK: crate::time::Duration = months(18);
const AHEAD: crate::time::Duration = months(6);

const fn months(months: i32) -> crate::time::Duration {
    crate::time::Duration {
        years: 0,
        months,
        weeks: 0,
        days: 0,
    }
}

/// Geometry, in SVG user units (the picture scales to the page width).
const WIDTH: f64 = 960.0;
const LABEL: f64 = 190.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 44.0;
const LANE: f64 = 22.0;
const MARK: f64 = 4.5;

/// One mark on a lane.
struct Mark {
    date: Date,
    review: bool,
    strength: &'static str,
    tip: String,
    /// The witnessed landing window (SPEC 2.4) of the event's commit:
    /// *after* and *before* bounds, as calendar days (UTC); [`draw_window`]
    /// draws the band behind the mark.
    window: Option<(Option<Date>, Date)>,
}

/// A review-due date on a lane.
struct Due {
    date: Date,
    overdue: bool,
    tip: String,
}

/// The picture, or `None` when "today" cannot be read.
pub(super) fn svg(audit: &Audit) -> Option<String> {
    let today = crate::time::parse_date(&audit.generated_for)?;
    let back = BACK.before(today);
    let start = audit
        .since
        .as_deref()
        .and_then(crate::time::parse_date)
        .map_or(back, |s| s.max(back).min(today));
    let end = AHEAD.after(today);
    let scale = Scale::new(start, end);

    let marks_of: BTreeMap<&str, Vec<Mark>> = marks(audit, start, today);
    let dues_of: BTreeMap<&str, Due> = dues(audit, start, end);
    let lanes = audit.clauses.len();
    let height = TOP + LANE * lanes as f64 + 74.0;

    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg class=\"timeline\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"timeline-title\" font-size=\"11\">"
    );
    let _ = writeln!(
        out,
        "<title id=\"timeline-title\">Approvals, reviews and review-due dates per clause item, {start} to {end}</title>"
    );
    // The time after "today": shaded, nothing but due dates can lie there.
    let (x_today, x_end) = (scale.x(today), scale.x(end));
    let _ = writeln!(
        out,
        "<rect x=\"{x_today:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#f3f4f6\"/>",
        TOP - 6.0,
        x_end - x_today,
        LANE * lanes as f64 + 6.0
    );
    axis(&mut out, &scale, (start, today, end), lanes);

    for (n, item) in audit.clauses.iter().enumerate() {
        let y = TOP + LANE * n as f64;
        let mid = y + LANE / 2.0;
        if n % 2 == 1 {
            let _ = writeln!(
                out,
                "<rect x=\"0\" y=\"{y:.1}\" width=\"{LABEL:.1}\" height=\"{LANE:.1}\" fill=\"#f6f8fa\"/>"
            );
        }
        let _ = writeln!(
            out,
            "<text x=\"4\" y=\"{:.1}\"><tspan font-weight=\"600\">{}</tspan> {}</text>",
            mid + 4.0,
            esc(&item.clause),
            esc(&shorten(&item.title, 24))
        );
        let _ = writeln!(
            out,
            "<line x1=\"{LABEL:.1}\" y1=\"{mid:.1}\" x2=\"{:.1}\" y2=\"{mid:.1}\" stroke=\"#d0d7de\"/>",
            WIDTH - RIGHT
        );
        let ids: BTreeSet<&str> = item.records.iter().map(|r| r.id.as_str()).collect();
        for id in &ids {
            if let Some(due) = dues_of.get(id) {
                draw_due(&mut out, scale.x(due.date), mid, due);
            }
        }
        for id in &ids {
            for mark in marks_of.get(id).into_iter().flatten() {
                // Witnessed windows draw first, behind the marks.
                draw_window(&mut out, &scale, mark, mid);
                let dy = if mark.review { 5.0 } else { -5.0 };
                draw_mark(&mut out, scale.x(mark.date), mid + dy, mark);
            }
        }
    }
    legend(&mut out, TOP + LANE * lanes as f64 + 26.0);
    out.push_str("</svg>\n");
    Some(out)
}

/// The events of the (already `--since`-limited) trail from `start` to
/// `today`, by record, oldest first.
fn marks(audit: &Audit, start: Date, today: Date) -> BTreeMap<&str, Vec<Mark>> {
    let mut marks: BTreeMap<&str, Vec<Mark>> = BTreeMap::new();
    for t in &audit.trail {
        let s = &t.entry.signoff;
        let Some(date) = crate::time::parse_date(&s.date) else {
            continue;
        };
        if date < start || date > today {
            continue;
        }
        let review = t.entry.kind == "review";
        let tip = format!(
            "{} {} of {} by {} ({})",
            s.date, t.entry.kind, t.record, s.name, s.strength
        );
        marks.entry(t.record.as_str()).or_default().push(Mark {
            date,
            review,
            strength: s.strength,
            tip,
            window: s.landing.as_ref().and_then(|l| {
                let day = |t: &str| crate::time::parse_date(t.get(..10)?);
                Some((l.after.as_deref().and_then(day), day(&l.before)?))
            }),
        });
    }
    marks
}

/// Each record's next review date, when it falls between `start` and `end`.
fn dues(audit: &Audit, start: Date, end: Date) -> BTreeMap<&str, Due> {
    let mut dues = BTreeMap::new();
    for r in &audit.records {
        // A review another record already held is not due any more.
        let Some(next) = r.next_review.as_ref().filter(|n| n.done_by.is_none()) else {
            continue;
        };
        let Some(date) = next.due.as_deref().and_then(crate::time::parse_date) else {
            continue;
        };
        if date < start || date > end {
            continue;
        }
        let state = if next.overdue { "overdue" } else { "due" };
        dues.entry(r.id.as_str()).or_insert(Due {
            date,
            overdue: next.overdue,
            tip: format!("{date} review of {} {state}", r.id),
        });
    }
    dues
}

/// Maps dates to x between the label column and the right edge.
struct Scale {
    start: i64,
    span: f64,
}

impl Scale {
    fn new(start: Date, end: Date) -> Scale {
        let start = day_number(start);
        #[expect(clippy::cast_precision_loss, reason = "day counts are small")]
        let span = (day_number(end) - start).max(1) as f64;
        Scale { start, span }
    }

    fn x(&self, date: Date) -> f64 {
        #[expect(clippy::cast_precision_loss, reason = "day counts are small")]
        let days = (day_number(date) - self.start) as f64;
        LABEL + days / self.span * (WIDTH - LABEL - RIGHT)
    }
}

/// Month ticks, a label every third month, and the "today" line.
fn axis(out: &mut String, scale: &Scale, (start, when, end): (Date, Date, Date), lanes: usize) {
    let bottom = TOP + LANE * lanes as f64;
    let mut month = Date::new(start.year(), start.month(), 1).unwrap_or(start);
    if month < start {
        month = months(1).after(month);
    }
    while month <= end {
        let x = scale.x(month);
        let label = month.month() % 3 == 1;
        let _ = writeln!(
            out,
            "<line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\" stroke=\"{}\"/>",
            TOP - 6.0,
            if label { "#afb8c1" } else { "#eaeef2" }
        );
        if label {
            let _ = writeln!(
                out,
                "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#57606a\">{}-{:02}</text>",
                TOP - 12.0,
                month.year(),
                month.month()
            );
        }
        month = months(1).after(month);
    }
    let today = scale.x(when);
    let _ = writeln!(
        out,
        "<line x1=\"{today:.1}\" y1=\"{:.1}\" x2=\"{today:.1}\" y2=\"{bottom:.1}\" stroke=\"#1b1f24\" stroke-dasharray=\"4 3\"/>",
        TOP - 36.0
    );
    let _ = writeln!(
        out,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#1b1f24\">today {when}</text>",
        today - 3.0,
        TOP - 30.0
    );
}

/// A witnessed landing window as a thin band on the event's row, from its
/// *after* bound (or the left edge) to its *before* bound (SPEC 2.4).
fn draw_window(out: &mut String, scale: &Scale, mark: &Mark, mid: f64) {
    let Some((after, before)) = mark.window else {
        return;
    };
    let x1 = after.map_or(LABEL, |a| scale.x(a).max(LABEL));
    let x2 = scale.x(before).min(WIDTH - RIGHT);
    let y = if mark.review { mid + 3.0 } else { mid - 7.0 };
    let _ = writeln!(
        out,
        "<rect x=\"{x1:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"4\" fill=\"#c8e1ff\"/>",
        (x2 - x1).max(1.0)
    );
}

/// One approval or review: the shape says the strength.
fn draw_mark(out: &mut String, x: f64, y: f64, mark: &Mark) {
    let _ = write!(out, "<g><title>{}</title>", esc(&mark.tip));
    shape(out, x, y, mark.strength);
    out.push_str("</g>\n");
}

fn shape(out: &mut String, x: f64, y: f64, strength: &str) {
    let r = MARK;
    let _ = match strength {
        "signed" => write!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#1a7f37\"/>",
            x - r,
            y - r,
            2.0 * r,
            2.0 * r
        ),
        "self" => write!(
            out,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r:.1}\" fill=\"#0969da\"/>"
        ),
        "attested" => write!(
            out,
            "<path d=\"M{x:.1} {:.1}L{:.1} {y:.1}L{x:.1} {:.1}L{:.1} {y:.1}Z\" fill=\"#8250df\"/>",
            y - r - 1.0,
            x + r + 1.0,
            y + r + 1.0,
            x - r - 1.0
        ),
        // claimed, and any strength a later version adds.
        _ => write!(
            out,
            "<path d=\"M{x:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}Z\" fill=\"#bc4c00\"/>",
            y - r - 0.5,
            x + r + 0.5,
            y + r,
            x - r - 0.5,
            y + r
        ),
    };
}

fn draw_due(out: &mut String, x: f64, mid: f64, due: &Due) {
    let (stroke, dash) = if due.overdue {
        ("#cf222e", " stroke-dasharray=\"2 1.5\"")
    } else {
        ("#57606a", "")
    };
    let _ = writeln!(
        out,
        "<g><title>{}</title><circle cx=\"{x:.1}\" cy=\"{mid:.1}\" r=\"{:.1}\" fill=\"#ffffff\" stroke=\"{stroke}\" stroke-width=\"1.6\"{dash}/></g>",
        esc(&due.tip),
        MARK + 1.0
    );
}

/// The key under the lanes: shapes by strength, rows by event, rings for
/// due dates.
fn legend(out: &mut String, y: f64) {
    let entries = [
        ("claimed", "claimed (trailer only)"),
        ("self", "self (approver committed)"),
        ("attested", "attested (forge review)"),
        ("signed", "signed (verified signature)"),
    ];
    let mut x = 8.0;
    for (strength, label) in entries {
        shape(out, x + MARK, y, strength);
        let _ = writeln!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\">{label}</text>",
            x + 2.0 * MARK + 5.0,
            y + 4.0
        );
        x += 200.0;
    }
    let y = y + 22.0;
    let due = Due {
        date: Date::constant(2000, 1, 1),
        overdue: false,
        tip: "review due".to_owned(),
    };
    draw_due(out, 8.0 + MARK, y, &due);
    let _ = writeln!(
        out,
        "<text x=\"{:.1}\" y=\"{:.1}\">review due (hollow ring)</text>",
        8.0 + 2.0 * MARK + 5.0,
        y + 4.0
    );
    let overdue = Due {
        overdue: true,
        tip: "review overdue".to_owned(),
        ..due
    };
    draw_due(out, 208.0 + MARK, y, &overdue);
    let _ = writeln!(
        out,
        "<text x=\"{:.1}\" y=\"{:.1}\">review overdue (dashed ring)</text>",
        208.0 + 2.0 * MARK + 5.0,
        y + 4.0
    );
    let _ = writeln!(
        out,
        "<text x=\"408\" y=\"{:.1}\">above a lane's line: approvals · below: reviews · shaded: after today</text>",
        y + 4.0
    );
}

/// `title` cut at a word to at most `max` characters, with an ellipsis.
fn shorten(title: &str, max: usize) -> String {
    if title.chars().count() <= max {
        return title.to_owned();
    }
    let mut out = String::new();
    for word in title.split_whitespace() {
        if out.chars().count() + word.chars().count() + 1 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.push('…');
    out
}

/// Days since 1970-01-01.
fn day_number(d: Date) -> i64 {
    crate::time::days_from_civil(
        i64::from(d.year()),
        i64::from(d.month()),
        i64::from(d.day()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_count_days() {
        assert_eq!(day_number(Date::constant(1970, 1, 1)), 0);
        assert_eq!(day_number(Date::constant(2000, 3, 1)), 11_017);
        assert_eq!(
            day_number(Date::constant(2026, 3, 1)) - day_number(Date::constant(2026, 2, 28)),
            1
        );
    }

    #[test]
    fn titles_shorten_at_words() {
        assert_eq!(shorten("Resources", 24), "Resources");
        assert_eq!(
            shorten("Organizational roles, responsibilities and authorities", 24),
            "Organizational roles,…"
        );
    }
}
