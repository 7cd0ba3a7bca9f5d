//! The State Council's public holidays and make-up working days (调休上班日), as data, and the
//! working-day arithmetic that needs them.
//!
//! Periods counted in 工作日 (working days) — the court designating a mediator within 3
//! working days, the mediator answering within 3 (在线调解规定 arts. 10, 12, 15) — cannot be
//! computed without the year's holiday notice: a 调休 Saturday is a working day, a weekday in
//! the Spring Festival week is not (DOMAIN-2 §0). So the table says which years it covers,
//! and a working-day count that runs past them is refused rather than guessed.
//!
//! Sources: 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号) and
//! 关于2026年部分节假日安排的通知 (国办发明电〔2025〕7号). Entered from the notices as
//! published; a court adds the next year's when the State Council publishes it (usually in
//! November) by adding one `Year` below — nothing else changes.

use super::dates::CivilDate;
use super::deadlines::Calendar;

/// One year's notice: the days off (including weekdays taken off in a swap) and the weekend
/// days that are working days.
struct Year {
    year: i32,
    /// Inclusive ranges (month, first day, last day) of days off.
    off: &'static [(u8, u8, u8)],
    /// Make-up working days (month, day).
    work: &'static [(u8, u8)],
}

const YEARS: &[Year] = &[
    Year {
        year: 2025,
        off: &[
            (1, 1, 1),   // 元旦
            (1, 28, 31), // 春节 (1月28日至2月4日)
            (2, 1, 4),
            (4, 4, 6),   // 清明节
            (5, 1, 5),   // 劳动节
            (5, 31, 31), // 端午节 (5月31日至6月2日)
            (6, 1, 2),
            (10, 1, 8), // 国庆节、中秋节
        ],
        work: &[(1, 26), (2, 8), (4, 27), (9, 28), (10, 11)],
    },
    Year {
        year: 2026,
        off: &[
            (1, 1, 3),   // 元旦
            (2, 15, 23), // 春节
            (4, 4, 6),   // 清明节
            (5, 1, 5),   // 劳动节
            (6, 19, 21), // 端午节
            (9, 25, 27), // 中秋节
            (10, 1, 7),  // 国庆节
        ],
        work: &[(1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10)],
    },
];

/// The years the table covers, first and last.
pub fn covered_years() -> (i32, i32) {
    let first = YEARS.first().map_or(0, |y| y.year);
    let last = YEARS.last().map_or(0, |y| y.year);
    (first, last)
}

/// Whether the table holds the notice of `year`.
pub fn covers(year: i32) -> bool {
    YEARS.iter().any(|y| y.year == year)
}

/// The State Council calendar of every covered year (for `deadlines::period_end`).
pub fn state_council() -> Calendar {
    let mut holidays = Vec::new();
    let mut workdays = Vec::new();
    for y in YEARS {
        for &(month, first, last) in y.off {
            holidays.extend((first..=last).filter_map(|day| CivilDate::new(y.year, month, day)));
        }
        workdays.extend(y.work.iter().filter_map(|&(month, day)| CivilDate::new(y.year, month, day)));
    }
    Calendar { holidays, workdays }
}

/// A working-day count that needs a year the table does not hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotCovered {
    pub year: i32,
}

impl NotCovered {
    pub fn message(self, lang: super::Lang) -> String {
        let (first, last) = covered_years();
        match lang {
            super::Lang::Zh => format!(
                "{}年的放假安排还没有录入（已录入{first}—{last}年），无法按工作日计算。",
                self.year
            ),
            super::Lang::En => format!(
                "The {} holiday notice is not entered yet (entered: {first}–{last}); working days cannot be counted.",
                self.year
            ),
        }
    }
}

/// The `n`th working day after `start` (the starting day is not counted, CPL 2023 art. 85).
/// Refused when a day to be judged lies in a year the table does not cover.
pub fn working_days_after(start: CivilDate, n: u32, calendar: &Calendar) -> Result<CivilDate, NotCovered> {
    let mut day = start;
    let mut left = n;
    while left > 0 {
        day = day.add_days(1);
        if !covers(day.year()) {
            return Err(NotCovered { year: day.year() });
        }
        if !calendar.is_holiday(day) {
            left -= 1;
        }
    }
    Ok(day)
}

/// The last day of a party's period of `days` calendar days from `start`, moved past a
/// holiday (CPL 2023 art. 85). When the nominal last day falls in a year the table does not
/// cover, only weekends can be known: the day is given with `provisional = true`, and pages
/// say it may move if it is a holiday.
pub fn party_period_end(start: CivilDate, days: u32, calendar: &Calendar) -> (CivilDate, bool) {
    let nominal = start.add_days(i64::from(days));
    let end = calendar.first_working_day_from(nominal);
    (end, !covers(end.year()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u8, day: u8) -> CivilDate {
        CivilDate::new(y, m, day).unwrap()
    }

    #[test]
    fn the_2026_spring_festival_and_its_make_up_saturdays() {
        let c = state_council();
        assert!(c.is_holiday(d(2026, 2, 16)), "Monday of the Spring Festival week is off");
        assert!(c.is_holiday(d(2026, 2, 23)));
        assert!(!c.is_holiday(d(2026, 2, 14)), "Saturday 14 February is a working day");
        assert!(!c.is_holiday(d(2026, 2, 28)), "Saturday 28 February is a working day");
        assert!(!c.is_holiday(d(2026, 1, 4)), "Sunday 4 January is a working day");
        assert!(c.is_holiday(d(2025, 10, 8)));
        assert!(!c.is_holiday(d(2025, 9, 28)));
    }

    #[test]
    fn three_working_days_skip_the_holiday_and_count_the_make_up_day() {
        let c = state_council();
        // Asked on Friday 13 Feb 2026: Sat 14 (make-up) is day 1, then 15–23 are off, Tue 24
        // is day 2, Wed 25 is day 3.
        assert_eq!(working_days_after(d(2026, 2, 13), 3, &c), Ok(d(2026, 2, 25)));
        // An ordinary week: Monday + 3 = Thursday.
        assert_eq!(working_days_after(d(2026, 3, 2), 3, &c), Ok(d(2026, 3, 5)));
        // Asked Thursday 30 April: 1–5 May off, Wed 6, Thu 7, Fri 8.
        assert_eq!(working_days_after(d(2026, 4, 30), 3, &c), Ok(d(2026, 5, 8)));
    }

    #[test]
    fn a_count_past_the_table_is_refused_not_guessed() {
        let c = state_council();
        assert_eq!(working_days_after(d(2026, 12, 30), 3, &c), Err(NotCovered { year: 2027 }));
        assert_eq!(working_days_after(d(2024, 12, 31), 1, &c), Ok(d(2025, 1, 2)));
        assert!(NotCovered { year: 2027 }.message(crate::rules::Lang::Zh).contains("2027年"));
    }

    #[test]
    fn a_party_period_moves_past_a_holiday_and_says_when_it_cannot_know() {
        let c = state_council();
        // DOMAIN-2 §1.5: effective 2025-01-10 -> nominal 2025-02-09 (a Sunday) -> Monday 10th.
        assert_eq!(party_period_end(d(2025, 1, 10), 30, &c), (d(2025, 2, 10), false));
        // Ending in 2026's National Day week -> Thursday 8 October.
        assert_eq!(party_period_end(d(2026, 9, 1), 30, &c), (d(2026, 10, 8), false));
        // Ending in 2027: weekends known, holidays not yet entered.
        assert_eq!(party_period_end(d(2026, 12, 10), 30, &c), (d(2027, 1, 11), true));
    }
}
