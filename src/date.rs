//! Calendar dates (`YYYY-MM-DD`) for dated bloc membership and scenario dates.
//!
//! The roster and scenarios only ever compare and print dates, so a small
//! validated value type serves better than a date-time dependency.

use std::fmt;
use std::str::FromStr;

/// A proleptic Gregorian calendar date, ordered chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// Builds a date, or explains why the triple is not a calendar date.
    pub fn new(year: i32, month: u8, day: u8) -> Result<Date, String> {
        if !(1..=12).contains(&month) {
            return Err(format!("month {month} is not in 1..=12"));
        }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        if day == 0 || day > days {
            return Err(format!("day {day} is not in 1..={days} for month {month}"));
        }
        Ok(Date { year, month, day })
    }
}

impl FromStr for Date {
    type Err = String;

    /// Parses `YYYY-MM-DD` exactly (four-digit year, two-digit month and day).
    fn from_str(text: &str) -> Result<Date, String> {
        let bad = || format!("`{text}` is not a date of the form YYYY-MM-DD");
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(bad());
        }
        let number = |range: std::ops::Range<usize>| -> Result<u32, String> {
            let part = &text[range];
            if part.bytes().all(|b| b.is_ascii_digit()) { part.parse().map_err(|_| bad()) } else { Err(bad()) }
        };
        let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
        Date::new(year as i32, month as u8, day as u8).map_err(|why| format!("{}: {why}", bad()))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_orders_and_prints() {
        let a: Date = "2018-12-05".parse().unwrap();
        let b: Date = "2020-01-31".parse().unwrap();
        assert!(a < b);
        assert_eq!(a.to_string(), "2018-12-05");
        assert_eq!("2024-02-29".parse::<Date>().unwrap().to_string(), "2024-02-29");
    }

    #[test]
    fn rejects_non_dates() {
        for text in ["2023-02-29", "2018-13-01", "2018-12-00", "18-12-05", "2018/12/05", "2018-1-5x"] {
            assert!(text.parse::<Date>().is_err(), "{text} should be rejected");
        }
    }
}
