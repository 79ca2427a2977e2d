//! Calendar dates and ISO 8601 durations as governance records use them
//! (`2026-09-15`, `P12M`, `P90D`), and "today", which tests always pin.

use jiff::civil::Date;

/// Parses `YYYY-MM-DD`; `None` for anything else, including impossible dates.
pub fn parse_date(s: &str) -> Option<Date> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i32> {
        let part = s.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

/// An ISO 8601 duration in calendar units. Time parts (`PT12H`) are accepted
/// and rounded up to whole days: records are dated by day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Duration {
    pub years: i32,
    pub months: i32,
    pub weeks: i32,
    pub days: i32,
}

impl Duration {
    /// Parses `PnYnMnWnDTnHnMnS` (each part optional, at least one present).
    pub fn parse(s: &str) -> Option<Duration> {
        let rest = s.strip_prefix('P')?;
        if rest.is_empty() {
            return None;
        }
        let (date_part, time_part) = match rest.split_once('T') {
            Some((d, t)) if !t.is_empty() => (d, Some(t)),
            Some(_) => return None,
            None => (rest, None),
        };
        let mut dur = Duration::default();
        let mut seen_any = false;
        for (n, unit) in parts(date_part)? {
            seen_any = true;
            match unit {
                'Y' => dur.years = n,
                'M' => dur.months = n,
                'W' => dur.weeks = n,
                'D' => dur.days = n,
                _ => return None,
            }
        }
        if let Some(t) = time_part {
            let mut seconds: i64 = 0;
            for (n, unit) in parts(t)? {
                seen_any = true;
                seconds += i64::from(n)
                    * match unit {
                        'H' => 3600,
                        'M' => 60,
                        'S' => 1,
                        _ => return None,
                    };
            }
            let extra_days = i32::try_from((seconds + 86_399) / 86_400).ok()?;
            dur.days = dur.days.checked_add(extra_days)?;
        }
        seen_any.then_some(dur)
    }

    /// `date + self`, clamped to the calendar's range.
    pub fn after(&self, date: Date) -> Date {
        date.checked_add(self.span()).unwrap_or(Date::MAX)
    }

    /// `date - self`, clamped to the calendar's range.
    pub fn before(&self, date: Date) -> Date {
        date.checked_sub(self.span()).unwrap_or(Date::MIN)
    }

    fn span(&self) -> jiff::Span {
        jiff::Span::new()
            .try_years(self.years)
            .and_then(|s| s.try_months(self.months))
            .and_then(|s| s.try_weeks(self.weeks))
            .and_then(|s| s.try_days(self.days))
            .unwrap_or_else(|_| jiff::Span::new().years(9999))
    }
}

/// Splits `12M3D` into `[(12,'M'), (3,'D')]`; units must not repeat.
fn parts(s: &str) -> Option<Vec<(i32, char)>> {
    let mut out: Vec<(i32, char)> = Vec::new();
    let mut digits = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            if digits.is_empty() || out.iter().any(|&(_, u)| u == c) {
                return None;
            }
            out.push((digits.parse().ok()?, c));
            digits.clear();
        }
    }
    digits.is_empty().then_some(out)
}

/// Today's date: `--today` / `GOVLINT_TODAY` when given, else the system's
/// local calendar date.
pub fn today(pinned: Option<Date>) -> Date {
    pinned.unwrap_or_else(|| jiff::Zoned::now().date())
}

/// The calendar date (UTC) of a unix timestamp. Commit and tag dates use
/// [`date_of_commit`] instead.
pub fn date_of_unix(seconds: i64) -> Date {
    date_of_commit(seconds, 0)
}

/// A commit's (tag's) calendar date in its own time zone: `seconds` since
/// the epoch, shown at the committer's (tagger's) UTC offset, as
/// `git log --format=%cs` shows it. An offset git could not have written
/// (beyond ±25:59) counts as UTC.
pub fn date_of_commit(seconds: i64, offset_minutes: i32) -> Date {
    let zone = jiff::tz::Offset::from_seconds(offset_minutes.saturating_mul(60))
        .map_or(jiff::tz::TimeZone::UTC, jiff::tz::TimeZone::fixed);
    jiff::Timestamp::from_second(seconds)
        .map(|t| t.to_zoned(zone).date())
        .unwrap_or(Date::MIN)
}

/// Days since 1970-01-01 of a proleptic Gregorian date, in integer
/// arithmetic only (Howard Hinnant's `days_from_civil`): it cannot fail, and
/// a day past a month's end rolls into the next month.
#[must_use]
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_dates_are_calendar_dates_in_the_commits_zone() {
        // 2026-03-02T07:30:00Z: 23:30 the day before at -08:00, 21:30 the
        // day itself at +14:00.
        let t = 1_772_436_600;
        assert_eq!(
            date_of_commit(t, -8 * 60),
            parse_date("2026-03-01").unwrap_or(Date::MIN)
        );
        assert_eq!(
            date_of_commit(t, 0),
            parse_date("2026-03-02").unwrap_or(Date::MAX)
        );
        assert_eq!(
            date_of_commit(t + 3 * 3600, 14 * 60),
            parse_date("2026-03-03").unwrap_or(Date::MIN)
        );
        assert_eq!(date_of_commit(t, 99_999), date_of_unix(t));
    }

    #[test]
    fn dates() {
        assert!(parse_date("2026-09-15").is_some());
        assert!(parse_date("2026-02-30").is_none());
        assert!(parse_date("2026-9-15").is_none());
        assert!(parse_date("２026-09-15").is_none());
    }

    #[test]
    fn durations() {
        let d = Duration::parse("P12M").unwrap_or_default();
        assert_eq!(d.months, 12);
        assert_eq!(
            Duration::parse("P1Y6M").map(|d| (d.years, d.months)),
            Some((1, 6))
        );
        assert_eq!(Duration::parse("P90D").map(|d| d.days), Some(90));
        assert_eq!(Duration::parse("PT25H").map(|d| d.days), Some(2));
        for bad in ["P", "12M", "PT", "P1M1M", "P-1D", "P1.5Y", "PXD"] {
            assert!(Duration::parse(bad).is_none(), "{bad}");
        }
        let from = parse_date("2026-01-31").unwrap_or(Date::MIN);
        assert_eq!(
            Duration::parse("P1M").map(|d| d.after(from)),
            parse_date("2026-02-28")
        );
        let from = parse_date("2026-11-29").unwrap_or(Date::MIN);
        assert_eq!(
            Duration::parse("P12M").map(|d| d.before(from)),
            parse_date("2025-11-29")
        );
    }
}
