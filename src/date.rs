//! Calendar dates of dated party blocks (`party us as of 2025-02-26 { … }`,
//! LANGUAGE.md §11): `YYYY-MM-DD`, a real date of the proleptic Gregorian
//! calendar, years 0001 to 9999. Ordered as time runs.

use std::fmt;

/// A calendar date. Field order makes the derived ordering chronological.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

/// Why a text is not a date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateError {
    /// Not of the form `YYYY-MM-DD` (four, two and two digits).
    Shape,
    /// Year 0000.
    Year,
    /// A month outside 01–12.
    Month(u8),
    /// A day the month does not have (`2025-02-30`): the month's length.
    Day {
        /// The day written.
        day: u8,
        /// How many days the month has.
        days_in_month: u8,
    },
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateError::Shape => write!(f, "a date is written YYYY-MM-DD"),
            DateError::Year => write!(f, "there is no year 0000"),
            DateError::Month(m) => write!(f, "there is no month {m:02}"),
            DateError::Day { day, days_in_month } => {
                write!(f, "that month has {days_in_month} days, not {day}")
            }
        }
    }
}

/// Whether `year` is a leap year (Gregorian rules).
fn leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// The number of days of `month` (1–12) in `year`.
fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Date {
    /// The date `year-month-day`, when it exists.
    pub fn new(year: u16, month: u8, day: u8) -> Result<Date, DateError> {
        if year == 0 || year > 9999 {
            return Err(DateError::Year);
        }
        if !(1..=12).contains(&month) {
            return Err(DateError::Month(month));
        }
        let n = days_in_month(year, month);
        if day == 0 || day > n {
            return Err(DateError::Day {
                day,
                days_in_month: n,
            });
        }
        Ok(Date { year, month, day })
    }

    /// Reads `YYYY-MM-DD` exactly.
    pub fn parse(s: &str) -> Result<Date, DateError> {
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| -> Option<u16> {
            let part = b.get(r)?;
            part.iter().try_fold(0u16, |n, &c| {
                c.is_ascii_digit().then(|| n * 10 + u16::from(c - b'0'))
            })
        };
        if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return Err(DateError::Shape);
        }
        match (digits(0..4), digits(5..7), digits(8..10)) {
            (Some(y), Some(m), Some(d)) => Date::new(y, m as u8, d as u8),
            _ => Err(DateError::Shape),
        }
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month.
    pub fn day(self) -> u8 {
        self.day
    }

    /// The number of days since 0001-01-01 (that date: 0).
    pub fn days(self) -> u32 {
        let before_year = Date::start_of(self.year);
        let before_month: u32 = (1..self.month)
            .map(|m| u32::from(days_in_month(self.year, m)))
            .sum();
        before_year + before_month + u32::from(self.day) - 1
    }

    /// The date `n` days after this one, when it is at most 9999-12-31.
    pub fn plus_days(self, n: u32) -> Option<Date> {
        let mut left = self.days().checked_add(n)?;
        // the year: at most one step back from the estimate
        let mut year = u16::try_from(left / 366 + 1).ok()?;
        while year < 9999 && Date::start_of(year + 1) <= left {
            year += 1;
        }
        left -= Date::start_of(year);
        let mut month = 1;
        while month < 12 && left >= u32::from(days_in_month(year, month)) {
            left -= u32::from(days_in_month(year, month));
            month += 1;
        }
        let day = u8::try_from(left + 1).ok()?;
        Date::new(year, month, day).ok()
    }

    /// [`Date::days`] of `year`-01-01.
    fn start_of(year: u16) -> u32 {
        let y = u32::from(year) - 1;
        y * 365 + y / 4 - y / 100 + y / 400
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl std::str::FromStr for Date {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Date, DateError> {
        Date::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_count_days() {
        let d = |s: &str| Date::parse(s).ok();
        let first = d("0001-01-01").map(Date::days);
        assert_eq!(first, Some(0));
        // every day of 1899–2101 is the previous one plus one, both ways
        let mut day = d("1899-01-01");
        let mut n = day.map(Date::days);
        for _ in 0..(203 * 365 + 50) {
            let next = day.and_then(|x| x.plus_days(1));
            assert!(next > day, "{day:?} -> {next:?}");
            assert_eq!(next.map(Date::days), n.map(|n| n + 1));
            day = next;
            n = day.map(Date::days);
        }
        assert_eq!(
            d("2024-02-28").and_then(|x| x.plus_days(1)),
            d("2024-02-29")
        );
        assert_eq!(
            d("2100-02-28").and_then(|x| x.plus_days(1)),
            d("2100-03-01")
        );
        assert_eq!(
            d("2025-02-12").and_then(|x| x.plus_days(365)),
            d("2026-02-12")
        );
        assert_eq!(
            d("0001-01-01").and_then(|x| x.plus_days(3_652_058)),
            d("9999-12-31")
        );
        assert_eq!(d("9999-12-31").and_then(|x| x.plus_days(1)), None);
        assert_eq!(d("9999-12-31").and_then(|x| x.plus_days(u32::MAX)), None);
    }

    #[test]
    fn real_dates_only() {
        assert_eq!(
            Date::parse("2025-02-28").map(|d| d.to_string()).as_deref(),
            Ok("2025-02-28")
        );
        assert_eq!(
            Date::parse("2025-02-29"),
            Err(DateError::Day {
                day: 29,
                days_in_month: 28
            })
        );
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("2000-02-29").is_ok());
        assert!(Date::parse("1900-02-29").is_err());
        assert!(Date::parse("2025-02-30").is_err());
        assert!(Date::parse("2025-04-31").is_err());
        assert!(Date::parse("2025-12-31").is_ok());
        assert_eq!(Date::parse("2025-13-01"), Err(DateError::Month(13)));
        assert_eq!(Date::parse("2025-00-01"), Err(DateError::Month(0)));
        assert!(Date::parse("2025-01-00").is_err());
        assert_eq!(Date::parse("0000-01-01"), Err(DateError::Year));
        for bad in [
            "2025-2-3",
            "25-02-03",
            "2025/02/03",
            "2025-02-031",
            "",
            "2025-0a-01",
            "+025-01-01",
        ] {
            assert_eq!(Date::parse(bad), Err(DateError::Shape), "{bad}");
        }
    }

    #[test]
    fn dates_order_as_time_runs() {
        let d = |s: &str| Date::parse(s).unwrap();
        let mut v = [
            d("2025-02-26"),
            d("2024-12-31"),
            d("2025-02-12"),
            d("2025-01-31"),
        ];
        v.sort();
        let s: Vec<String> = v.iter().map(Date::to_string).collect();
        assert_eq!(s, ["2024-12-31", "2025-01-31", "2025-02-12", "2025-02-26"]);
        assert!(d("2025-02-12") < d("2025-02-26"));
    }

    #[test]
    fn every_day_of_a_year_round_trips() {
        let mut n = 0;
        for m in 1..=12u8 {
            for day in 1..=31u8 {
                if let Ok(x) = Date::new(2024, m, day) {
                    n += 1;
                    assert_eq!(Date::parse(&x.to_string()), Ok(x));
                }
            }
        }
        assert_eq!(n, 366);
    }
}
