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
