//! Calendar dates and China Standard Time, without a date crate.
//!
//! Instants are `i64` Unix seconds (UTC). Mainland China has used a single time zone,
//! UTC+8, with no daylight-saving time since 1991, so converting an instant to the court's
//! calendar day needs only a fixed offset and no time-zone table.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::Lang;

/// China Standard Time (Asia/Shanghai) is UTC+8 all year; there has been no daylight-saving
/// time since 1991.
pub const SHANGHAI_OFFSET_SECS: i64 = 8 * 3600;

const SECS_PER_DAY: i64 = 86_400;

/// Earliest and latest supported years: four-digit years keep `Display` and `parse`
/// symmetrical, and far exceed any date a court deals with.
pub const MIN_YEAR: i32 = 1;
/// See [`MIN_YEAR`].
pub const MAX_YEAR: i32 = 9999;

/// A day in the proleptic Gregorian calendar, as the court counts days (no time, no zone).
///
/// Always valid: build one with [`CivilDate::new`], [`CivilDate::parse`] or
/// [`CivilDate::from_days`]. Ordered chronologically. On the wire it is the ISO 8601 string
/// `"2024-02-29"`, checked again when deserialised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CivilDate {
    // Field order matters: the derived `Ord` compares year, then month, then day.
    year: i32,
    month: u8,
    day: u8,
}

/// Whether `year` is a Gregorian leap year: every fourth year, except centuries not
/// divisible by 400 (2000 was a leap year, 2100 will not be).
pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Number of days in `month` (1-12) of `year`; 0 for a month out of range.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

const MONTHS_EN: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

impl CivilDate {
    /// The date `year-month-day`, or `None` if no such day exists (e.g. 2023-02-29) or the
    /// year is outside `MIN_YEAR..=MAX_YEAR`.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Self> {
        let valid = (MIN_YEAR..=MAX_YEAR).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        valid.then_some(CivilDate { year, month, day })
    }

    /// The year, e.g. 2024.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1-12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1-31.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before it).
    ///
    /// Howard Hinnant's `days_from_civil` (<https://howardhinnant.github.io/date_algorithms.html>):
    /// shift the year to start on 1 March so the leap day is the last day of the year, then
    /// count whole 400-year eras (146,097 days each).
    pub fn to_days(self) -> i64 {
        let month = i64::from(self.month);
        let day = i64::from(self.day);
        let year = i64::from(self.year) - i64::from(month <= 2);
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400; // [0, 399]
        let shifted_month = (month + 9) % 12; // March = 0 .. February = 11
        let day_of_year = (153 * shifted_month + 2) / 5 + day - 1; // [0, 365]
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The date `days` days after 1970-01-01 (Hinnant's `civil_from_days`, the inverse of
    /// [`CivilDate::to_days`]). Saturates at 0001-01-01 and 9999-12-31.
    pub fn from_days(days: i64) -> Self {
        const MIN_DAYS: i64 = -719_162; // 0001-01-01
        const MAX_DAYS: i64 = 2_932_896; // 9999-12-31
        let z = days.clamp(MIN_DAYS, MAX_DAYS) + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z - era * 146_097; // [0, 146096]
        let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let shifted_month = (5 * day_of_year + 2) / 153; // March = 0
        let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
        let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        // The clamp above keeps every value in range, so these conversions cannot fail;
        // fall back to the bounds rather than panic.
        CivilDate {
            year: i32::try_from(year).unwrap_or(MAX_YEAR),
            month: u8::try_from(month).unwrap_or(1),
            day: u8::try_from(day).unwrap_or(1),
        }
    }

    /// The date `n` days later (earlier if `n` is negative). Saturates at the supported range.
    pub fn add_days(self, n: i64) -> Self {
        Self::from_days(self.to_days().saturating_add(n))
    }

    /// The same day of the month `n` months later (earlier if negative). When that month is
    /// shorter, the result is its last day: 31 August + 6 months = 28 (or 29) February.
    /// Saturates at the supported range.
    pub fn add_months(self, n: i32) -> Self {
        let index = i64::from(self.year) * 12 + i64::from(self.month) - 1 + i64::from(n);
        let min = i64::from(MIN_YEAR) * 12;
        let max = i64::from(MAX_YEAR) * 12 + 11;
        let index = index.clamp(min, max);
        let year = i32::try_from(index.div_euclid(12)).unwrap_or(MAX_YEAR);
        let month = u8::try_from(index.rem_euclid(12) + 1).unwrap_or(12);
        let day = self.day.min(days_in_month(year, month));
        CivilDate { year, month, day }
    }

    /// The same date `n` years later; 29 February becomes 28 February in a common year.
    pub fn add_years(self, n: i32) -> Self {
        self.add_months(n.saturating_mul(12))
    }

    /// Day of the week: 0 = Monday .. 6 = Sunday.
    pub fn weekday(self) -> u8 {
        // 1970-01-01 was a Thursday (3).
        u8::try_from((self.to_days() + 3).rem_euclid(7)).unwrap_or(0)
    }

    /// Saturday or Sunday.
    pub fn is_weekend(self) -> bool {
        self.weekday() >= 5
    }

    /// Parses `YYYY-MM-DD` (month and day may have one digit; surrounding spaces ignored).
    pub fn parse(s: &str) -> Option<Self> {
        let mut parts = s.trim().split('-');
        let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some()
            || year.len() != 4
            || !(1..=2).contains(&month.len())
            || !(1..=2).contains(&day.len())
        {
            return None;
        }
        let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if !(all_digits(year) && all_digits(month) && all_digits(day)) {
            return None;
        }
        Self::new(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
    }

    /// The calendar day in China (UTC+8) at the Unix instant `secs`.
    pub fn from_unix_shanghai(secs: i64) -> Self {
        Self::from_days(secs.saturating_add(SHANGHAI_OFFSET_SECS).div_euclid(SECS_PER_DAY))
    }

    /// The date written for people: "2024年3月5日" or "5 Mar 2024".
    pub fn format(self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!("{}年{}月{}日", self.year, self.month, self.day),
            Lang::En => format!("{} {} {}", self.day, MONTHS_EN[usize::from(self.month - 1)], self.year),
        }
    }
}

/// Unix seconds of 00:00 China time on `date`.
pub fn start_of_day_shanghai(date: CivilDate) -> i64 {
    date.to_days() * SECS_PER_DAY - SHANGHAI_OFFSET_SECS
}

/// Unix seconds of 24:00 China time on `date` (= 00:00 the next day): a period that ends on
/// `date` runs through the whole of that day (Civil Procedure Law art. 85).
pub fn end_of_day_shanghai(date: CivilDate) -> i64 {
    start_of_day_shanghai(date) + SECS_PER_DAY
}

/// The instant `secs` in China time, to the minute: "2024年3月5日 14:05" or
/// "5 Mar 2024 14:05".
pub fn format_shanghai(secs: i64, lang: Lang) -> String {
    let date = CivilDate::from_unix_shanghai(secs);
    let second_of_day = secs.saturating_add(SHANGHAI_OFFSET_SECS).rem_euclid(SECS_PER_DAY);
    let (hour, minute) = (second_of_day / 3600, second_of_day % 3600 / 60);
    format!("{} {hour:02}:{minute:02}", date.format(lang))
}

impl fmt::Display for CivilDate {
    /// ISO 8601: `2024-02-29`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The text was not a real date written as `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseDateError;

impl fmt::Display for ParseDateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a real date in the form YYYY-MM-DD")
    }
}

impl std::error::Error for ParseDateError {}

impl FromStr for CivilDate {
    type Err = ParseDateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or(ParseDateError)
    }
}

impl TryFrom<String> for CivilDate {
    type Error = ParseDateError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<CivilDate> for String {
    fn from(date: CivilDate) -> String {
        date.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::super::wire;
    use super::*;

    fn d(y: i32, m: u8, day: u8) -> CivilDate {
        CivilDate::new(y, m, day).expect("valid test date")
    }

    #[test]
    fn leap_years_follow_the_gregorian_rule() {
        assert!(is_leap_year(2024));
        assert!(is_leap_year(2000));
        assert!(!is_leap_year(2100));
        assert!(!is_leap_year(1900));
        assert!(!is_leap_year(2023));
    }

    #[test]
    fn new_accepts_real_days_and_rejects_impossible_ones() {
        assert!(CivilDate::new(2024, 2, 29).is_some());
        assert!(CivilDate::new(2000, 2, 29).is_some());
        assert!(CivilDate::new(2023, 2, 29).is_none());
        assert!(CivilDate::new(2100, 2, 29).is_none());
        assert!(CivilDate::new(2024, 4, 31).is_none());
        assert!(CivilDate::new(2024, 13, 1).is_none());
        assert!(CivilDate::new(2024, 0, 1).is_none());
        assert!(CivilDate::new(2024, 1, 0).is_none());
        assert!(CivilDate::new(0, 1, 1).is_none());
        assert!(CivilDate::new(10_000, 1, 1).is_none());
    }

    #[test]
    fn day_numbers_match_the_unix_epoch() {
        assert_eq!(d(1970, 1, 1).to_days(), 0);
        assert_eq!(d(1969, 12, 31).to_days(), -1);
        assert_eq!(d(2000, 2, 29).to_days(), 11_016);
        assert_eq!(d(2024, 3, 9).to_days(), 19_791);
        assert_eq!(CivilDate::from_days(19_791), d(2024, 3, 9));
        assert_eq!(CivilDate::from_days(-1), d(1969, 12, 31));
    }

    #[test]
    fn day_numbers_round_trip_across_centuries() {
        for days in (-800_000..3_000_000).step_by(997) {
            let date = CivilDate::from_days(days);
            if (-719_162..=2_932_896).contains(&days) {
                assert_eq!(date.to_days(), days, "{date}");
            }
        }
    }

    #[test]
    fn from_days_saturates_at_the_supported_range() {
        assert_eq!(CivilDate::from_days(i64::MIN), d(1, 1, 1));
        assert_eq!(CivilDate::from_days(i64::MAX), d(9999, 12, 31));
    }

    #[test]
    fn adding_days_crosses_months_years_and_leap_days() {
        assert_eq!(d(2024, 2, 28).add_days(1), d(2024, 2, 29));
        assert_eq!(d(2024, 2, 29).add_days(1), d(2024, 3, 1));
        assert_eq!(d(2100, 2, 28).add_days(1), d(2100, 3, 1));
        assert_eq!(d(2023, 12, 31).add_days(1), d(2024, 1, 1));
        assert_eq!(d(2024, 1, 1).add_days(-1), d(2023, 12, 31));
        assert_eq!(d(2024, 1, 1).add_days(366), d(2025, 1, 1));
    }

    #[test]
    fn adding_months_clamps_to_the_end_of_a_shorter_month() {
        assert_eq!(d(2023, 8, 31).add_months(6), d(2024, 2, 29));
        assert_eq!(d(2022, 8, 31).add_months(6), d(2023, 2, 28));
        assert_eq!(d(2099, 8, 31).add_months(6), d(2100, 2, 28));
        assert_eq!(d(1999, 8, 31).add_months(6), d(2000, 2, 29));
        assert_eq!(d(2024, 1, 31).add_months(1), d(2024, 2, 29));
        assert_eq!(d(2024, 3, 31).add_months(1), d(2024, 4, 30));
        assert_eq!(d(2024, 1, 15).add_months(12), d(2025, 1, 15));
        assert_eq!(d(2024, 11, 30).add_months(2), d(2025, 1, 30));
        assert_eq!(d(2024, 3, 31).add_months(-1), d(2024, 2, 29));
    }

    #[test]
    fn adding_years_turns_a_leap_day_into_the_end_of_february() {
        assert_eq!(d(2024, 2, 29).add_years(1), d(2025, 2, 28));
        assert_eq!(d(2024, 2, 29).add_years(4), d(2028, 2, 29));
        assert_eq!(d(2096, 2, 29).add_years(4), d(2100, 2, 28));
        assert_eq!(d(2023, 6, 1).add_years(2), d(2025, 6, 1));
    }

    #[test]
    fn adding_beyond_the_supported_range_saturates() {
        assert_eq!(d(9999, 12, 1).add_months(5), d(9999, 12, 1));
        assert_eq!(d(2024, 1, 1).add_years(i32::MAX), d(9999, 12, 1));
        assert_eq!(d(2024, 1, 1).add_days(i64::MIN), d(1, 1, 1));
    }

    #[test]
    fn weekdays_count_from_monday() {
        assert_eq!(d(1970, 1, 1).weekday(), 3); // Thursday
        assert_eq!(d(2024, 3, 9).weekday(), 5); // Saturday
        assert_eq!(d(2024, 3, 10).weekday(), 6); // Sunday
        assert_eq!(d(2024, 10, 1).weekday(), 1); // Tuesday
        assert_eq!(d(1969, 12, 29).weekday(), 0); // Monday before the epoch
        assert!(d(2024, 3, 9).is_weekend());
        assert!(!d(2024, 3, 11).is_weekend());
    }

    #[test]
    fn dates_display_and_parse_as_iso_8601() {
        assert_eq!(d(2024, 2, 29).to_string(), "2024-02-29");
        assert_eq!(d(5, 1, 2).to_string(), "0005-01-02");
        assert_eq!(CivilDate::parse("2024-02-29"), Some(d(2024, 2, 29)));
        assert_eq!(CivilDate::parse(" 2024-3-5 "), Some(d(2024, 3, 5)));
        assert_eq!("2024-03-05".parse(), Ok(d(2024, 3, 5)));
    }

    #[test]
    fn parse_rejects_malformed_or_impossible_dates() {
        for bad in [
            "",
            "2024",
            "2024-02",
            "2023-02-29",
            "24-02-01",
            "2024-002-01",
            "2024-02-01-01",
            "2024/02/01",
            "2024-+2-01",
            "二〇二四-02-01",
        ] {
            assert_eq!(CivilDate::parse(bad), None, "{bad}");
        }
        assert_eq!("2024-13-01".parse::<CivilDate>(), Err(ParseDateError));
    }

    #[test]
    fn dates_order_chronologically() {
        assert!(d(2023, 12, 31) < d(2024, 1, 1));
        assert!(d(2024, 1, 31) < d(2024, 2, 1));
        assert!(d(2024, 2, 1) < d(2024, 2, 2));
    }

    #[test]
    fn shanghai_days_start_at_1600_utc() {
        // 2024-03-04T15:59:59Z is 23:59:59 in Shanghai; one second later is 5 March.
        let last_second = 1_709_567_999;
        assert_eq!(CivilDate::from_unix_shanghai(last_second), d(2024, 3, 4));
        assert_eq!(CivilDate::from_unix_shanghai(last_second + 1), d(2024, 3, 5));
        assert_eq!(start_of_day_shanghai(d(2024, 3, 5)), last_second + 1);
        assert_eq!(end_of_day_shanghai(d(2024, 3, 4)), last_second + 1);
        assert_eq!(CivilDate::from_unix_shanghai(-8 * 3600), d(1970, 1, 1));
        assert_eq!(CivilDate::from_unix_shanghai(-8 * 3600 - 1), d(1969, 12, 31));
    }

    #[test]
    fn instants_are_formatted_in_china_time_for_people() {
        // 2024-03-05 06:05:00Z = 14:05 in Shanghai.
        let secs = 1_709_618_700;
        assert_eq!(format_shanghai(secs, Lang::Zh), "2024年3月5日 14:05");
        assert_eq!(format_shanghai(secs, Lang::En), "5 Mar 2024 14:05");
        assert_eq!(format_shanghai(-8 * 3600, Lang::En), "1 Jan 1970 00:00");
        assert_eq!(d(2024, 12, 25).format(Lang::En), "25 Dec 2024");
    }

    #[test]
    fn dates_travel_as_iso_strings_and_are_checked_on_arrival() {
        assert_eq!(String::from(d(2024, 2, 29)), "2024-02-29");
        assert_eq!(wire::from_str::<CivilDate>("2024-02-29").ok(), Some(d(2024, 2, 29)));
        assert!(wire::from_str::<CivilDate>("2023-02-29").is_err());
    }
}
