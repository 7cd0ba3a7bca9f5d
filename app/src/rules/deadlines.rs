//! Statutory periods (期间) and the named deadlines of a civil case.
//!
//! Civil Procedure Law (2023 text) art. 85: periods are counted in hours, days, months and
//! years; the day on which a period begins is not counted; if the last day of a period is a
//! statutory holiday (法定休假日), the period ends on the first day after the holiday.
//! (The same article excludes time in transit: a document posted before the period ends is
//! in time. That is a question of evidence for the clerk, not of date arithmetic.)
//!
//! Article numbers of the Civil Procedure Law (民事诉讼法) are those of the 2023 text, in
//! force since 1 January 2024.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::dates::{end_of_day_shanghai, CivilDate};
use super::lifecycle::Procedure;
use super::Lang;

/// A length of time the law or the court sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Period {
    Days(u32),
    Months(u32),
    Years(u32),
}

/// Which days are statutory holidays (法定休假日).
///
/// Saturdays and Sundays are rest days unless listed in `workdays`. The State Council
/// publishes each year's public holidays and the weekend days swapped into working days
/// (调休上班日); `holidays::state_council()` builds this from the table of the years entered,
/// and services use it for every period. Past those years only weekends are known.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendar {
    /// Public holidays (including weekdays taken off in a swap).
    pub holidays: Vec<CivilDate>,
    /// Weekend days that are working days (调休上班日); these are never holidays.
    pub workdays: Vec<CivilDate>,
}

impl Default for Calendar {
    fn default() -> Self {
        Self::weekends_only()
    }
}

impl Calendar {
    /// A calendar whose only holidays are Saturdays and Sundays.
    pub fn weekends_only() -> Self {
        Calendar { holidays: Vec::new(), workdays: Vec::new() }
    }

    /// Whether `date` is a statutory holiday: a listed holiday, or a weekend day not listed
    /// as a make-up working day.
    pub fn is_holiday(&self, date: CivilDate) -> bool {
        if self.workdays.contains(&date) {
            return false;
        }
        self.holidays.contains(&date) || date.is_weekend()
    }

    /// `date` itself if it is a working day, otherwise the first working day after it
    /// (Civil Procedure Law art. 85).
    pub fn first_working_day_from(&self, date: CivilDate) -> CivilDate {
        let mut day = date;
        // Every run of holidays is finite (a weekend plus the listed days), so this bound is
        // never reached; it only guards against looping at the end of the supported range.
        for _ in 0..self.holidays.len() + 8 {
            if !self.is_holiday(day) {
                break;
            }
            day = day.add_days(1);
        }
        day
    }
}

/// The nominal last day of `period` counted from `start`, before any holiday adjustment.
///
/// Civil Procedure Law art. 85: the starting day is not counted, so a period of N days ends
/// N days after `start`; a period in months or years ends on the same day of the month, or
/// on the last day of a shorter month (31 August + 6 months = the end of February).
pub fn nominal_end(start: CivilDate, period: Period) -> CivilDate {
    match period {
        Period::Days(n) => start.add_days(i64::from(n)),
        Period::Months(n) => start.add_months(i32::try_from(n).unwrap_or(i32::MAX)),
        Period::Years(n) => start.add_years(i32::try_from(n).unwrap_or(i32::MAX)),
    }
}

/// The last day of a statutory period: the nominal end, moved to the first working day after
/// it if it falls on a holiday (Civil Procedure Law art. 85).
pub fn period_end(start: CivilDate, period: Period, calendar: &Calendar) -> CivilDate {
    calendar.first_working_day_from(nominal_end(start, period))
}

/// What a deadline is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DeadlineKind {
    /// The court decides whether to docket a filing.
    Review,
    /// The plaintiff prepays the acceptance fee.
    Fee,
    /// The defendant may file an answer (答辩状).
    Answer,
    /// A party may appeal.
    Appeal,
    /// The court must close the case (审限).
    TrialLimit,
    /// A party may apply for enforcement.
    Enforcement,
    /// The parties may apply for judicial confirmation of a mediation agreement.
    JudicialConfirmation,
    /// The court refunds overpaid fees.
    Refund,
}

impl DeadlineKind {
    /// Whether the last day moves past a holiday (CPL 2023 art. 85): every party's period
    /// does; the trial limit, the court's own, does not (see `trial_limit`).
    pub fn moves_past_holidays(self) -> bool {
        self != DeadlineKind::TrialLimit
    }

    /// Short name, e.g. "审限" / "Trial time limit".
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            DeadlineKind::Review => lang.pick("立案审查期限", "Review period"),
            DeadlineKind::Fee => lang.pick("交费期限", "Fee payment deadline"),
            DeadlineKind::Answer => lang.pick("答辩期", "Answer period"),
            DeadlineKind::Appeal => lang.pick("上诉期", "Appeal period"),
            DeadlineKind::TrialLimit => lang.pick("审限", "Trial time limit"),
            DeadlineKind::Enforcement => lang.pick("申请执行期限", "Period to apply for enforcement"),
            DeadlineKind::JudicialConfirmation => {
                lang.pick("申请司法确认期限", "Period to apply for judicial confirmation")
            }
            DeadlineKind::Refund => lang.pick("退费期限", "Refund deadline"),
        }
    }

    /// A duty the court or the plaintiff must meet for the case to move on; a node whose duty
    /// is missed is overdue. The other kinds are rights a party may use or let lapse
    /// (answering, appealing, applying for enforcement or confirmation): missing them is
    /// nobody's fault and marks nothing overdue.
    pub fn is_duty(self) -> bool {
        matches!(
            self,
            DeadlineKind::Review | DeadlineKind::Fee | DeadlineKind::TrialLimit | DeadlineKind::Refund
        )
    }
}

/// A dated deadline with the rule it comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub kind: DeadlineKind,
    /// The last day of the period (China time).
    pub due_date: CivilDate,
    /// 24:00 China time on `due_date`, as Unix seconds: the period runs through that day.
    pub due_at: i64,
    /// The statute and article, shown to the user, e.g. "诉讼费用交纳办法 第22条".
    /// A `Cow` so that it is a static string when built here and still deserialisable.
    pub source: Cow<'static, str>,
}

impl Deadline {
    fn new(kind: DeadlineKind, due_date: CivilDate, source: &'static str) -> Self {
        Deadline { kind, due_date, due_at: end_of_day_shanghai(due_date), source: Cow::Borrowed(source) }
    }

    /// Whether the period is over at the instant `now` (Unix seconds).
    pub fn is_past(&self, now: i64) -> bool {
        now >= self.due_at
    }
}

/// A period of days the law sets, with its source: what a notice states ("within 7 days of
/// receiving this notice") before the day it starts is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DaysPeriod {
    pub days: u32,
    /// The statute and article, e.g. "诉讼费用交纳办法 第22条".
    pub source: &'static str,
}

/// The acceptance fee is prepaid within 7 days counted from the day after the fee notice is
/// received (诉讼费用交纳办法 art. 22).
pub const FEE_PREPAY_PERIOD: DaysPeriod = DaysPeriod { days: 7, source: "诉讼费用交纳办法 第22条" };

/// The court decides whether to docket within 7 days of receiving the complaint, or of
/// receiving the corrected materials after a request to correct (登记立案规定 art. 7); if it
/// cannot decide in time it must docket first (登记立案规定 art. 8).
pub fn review_deadline(submitted_or_corrected: CivilDate, calendar: &Calendar) -> Deadline {
    // Civil Procedure Law art. 126: 7 days to docket or to rule not to accept.
    let due = period_end(submitted_or_corrected, Period::Days(7), calendar);
    Deadline::new(DeadlineKind::Review, due, "民事诉讼法 第126条；登记立案规定 第7、8条")
}

/// The plaintiff prepays the acceptance fee within 7 days counted from the day after the fee
/// notice is received (诉讼费用交纳办法 art. 22); otherwise the case is treated as withdrawn
/// (民诉解释 art. 213).
pub fn fee_deadline(notice_received: CivilDate, calendar: &Calendar) -> Deadline {
    let due = period_end(notice_received, Period::Days(FEE_PREPAY_PERIOD.days), calendar);
    Deadline::new(DeadlineKind::Fee, due, FEE_PREPAY_PERIOD.source)
}

/// The defendant's answer period: 15 days from service of the complaint (Civil Procedure Law
/// art. 128), 30 days for a defendant with no domicile in China (art. 285).
pub fn answer_deadline(served: CivilDate, domiciled_in_china: bool, calendar: &Calendar) -> Deadline {
    let period = answer_period(domiciled_in_china);
    let due = period_end(served, Period::Days(period.days), calendar);
    Deadline::new(DeadlineKind::Answer, due, period.source)
}

/// The answer period in days, as a notice states it before anyone knows the day of service:
/// 15 days (Civil Procedure Law art. 128), 30 without a domicile in China (art. 285).
pub fn answer_period(domiciled_in_china: bool) -> DaysPeriod {
    if domiciled_in_china {
        DaysPeriod { days: 15, source: "民事诉讼法 第128条" }
    } else {
        DaysPeriod { days: 30, source: "民事诉讼法 第285条" }
    }
}

/// The appeal period from service of a first-instance decision: 15 days for a judgment,
/// 10 days for a ruling (Civil Procedure Law art. 171); 30 days for either when the party
/// has no domicile in China (art. 286). Small-claims decisions cannot be appealed (art. 165).
pub fn appeal_deadline(
    served: CivilDate,
    is_ruling: bool,
    domiciled_in_china: bool,
    calendar: &Calendar,
) -> Deadline {
    let (days, source) = match (domiciled_in_china, is_ruling) {
        (true, false) => (15, "民事诉讼法 第171条"),
        (true, true) => (10, "民事诉讼法 第171条"),
        (false, _) => (30, "民事诉讼法 第286条"),
    };
    let due = period_end(served, Period::Days(days), calendar);
    Deadline::new(DeadlineKind::Appeal, due, source)
}

/// The trial time limit (审限) from docketing: ordinary procedure 6 months (Civil Procedure
/// Law art. 152), simplified procedure 3 months (art. 164), small claims 2 months (art. 168).
///
/// Not moved to a working day. The holiday rule of art. 85 protects a *party* who cannot act
/// while the court is closed; the trial limit is the court's own internal limit, monitored by
/// trial management and extendable only by a recorded, approved extension. Moving it past a
/// holiday would silently lengthen it and hide an overdue case from the staff monitor.
/// Extensions are not applied here.
pub fn trial_limit(docketed: CivilDate, procedure: Procedure) -> Deadline {
    let (months, source) = match procedure {
        Procedure::Ordinary => (6, "民事诉讼法 第152条"),
        Procedure::Simplified => (3, "民事诉讼法 第164条"),
        Procedure::SmallClaims => (2, "民事诉讼法 第168条"),
    };
    let due = nominal_end(docketed, Period::Months(months));
    Deadline::new(DeadlineKind::TrialLimit, due, source)
}

/// The 2-year period to apply for enforcement (Civil Procedure Law art. 250).
///
/// `period_start` is the last day of the performance period the decision sets (for
/// instalments, the last instalment's), or the day it took effect if it sets none (art. 250
/// para. 2). The period can be suspended or interrupted like a limitation period; this is the
/// plain statutory date.
pub fn enforcement_deadline(period_start: CivilDate, calendar: &Calendar) -> Deadline {
    let due = period_end(period_start, Period::Years(2), calendar);
    Deadline::new(DeadlineKind::Enforcement, due, "民事诉讼法 第250条")
}

/// The parties may jointly apply for judicial confirmation of a mediation agreement within
/// 30 days of it taking effect (Civil Procedure Law art. 205).
pub fn judicial_confirmation_deadline(agreement_effective: CivilDate, calendar: &Calendar) -> Deadline {
    let due = period_end(agreement_effective, Period::Days(30), calendar);
    Deadline::new(DeadlineKind::JudicialConfirmation, due, "民事诉讼法 第205条")
}

/// The court refunds overpaid fees within 15 days of the judgment or ruling taking effect
/// (诉讼费用交纳办法 art. 53).
pub fn refund_deadline(judgment_effective: CivilDate, calendar: &Calendar) -> Deadline {
    let due = period_end(judgment_effective, Period::Days(15), calendar);
    Deadline::new(DeadlineKind::Refund, due, "诉讼费用交纳办法 第53条")
}

#[cfg(test)]
mod tests {
    use super::super::wire;
    use super::*;

    fn d(y: i32, m: u8, day: u8) -> CivilDate {
        CivilDate::new(y, m, day).expect("valid test date")
    }

    fn weekends() -> Calendar {
        Calendar::weekends_only()
    }

    /// The 2024 National Day holiday: 1-7 October off, Sunday 29 September and Saturday
    /// 12 October worked.
    fn national_day_2024() -> Calendar {
        Calendar {
            holidays: (1..=7).map(|day| d(2024, 10, day)).collect(),
            workdays: vec![d(2024, 9, 29), d(2024, 10, 12)],
        }
    }

    #[test]
    fn a_period_in_days_does_not_count_the_starting_day() {
        // Monday 4 March + 7 days = Monday 11 March.
        assert_eq!(period_end(d(2024, 3, 4), Period::Days(7), &weekends()), d(2024, 3, 11));
        assert_eq!(nominal_end(d(2024, 2, 28), Period::Days(1)), d(2024, 2, 29));
    }

    #[test]
    fn a_period_ending_on_a_weekend_ends_on_the_next_monday() {
        // Saturday 2 March + 7 = Saturday 9 March -> Monday 11 March.
        assert_eq!(period_end(d(2024, 3, 2), Period::Days(7), &weekends()), d(2024, 3, 11));
        // Sunday end -> Monday.
        assert_eq!(period_end(d(2024, 3, 3), Period::Days(7), &weekends()), d(2024, 3, 11));
    }

    #[test]
    fn a_period_ending_in_a_public_holiday_ends_on_the_first_working_day_after_it() {
        // 26 September + 7 = Thursday 3 October, inside the holiday -> Tuesday 8 October.
        assert_eq!(period_end(d(2024, 9, 26), Period::Days(7), &national_day_2024()), d(2024, 10, 8));
        // Without the holiday list, 3 October is an ordinary Thursday.
        assert_eq!(period_end(d(2024, 9, 26), Period::Days(7), &weekends()), d(2024, 10, 3));
    }

    #[test]
    fn a_make_up_working_day_on_a_weekend_is_not_a_holiday() {
        let calendar = national_day_2024();
        assert!(!calendar.is_holiday(d(2024, 9, 29))); // Sunday, worked
        assert!(!calendar.is_holiday(d(2024, 10, 12))); // Saturday, worked
        assert!(calendar.is_holiday(d(2024, 10, 13))); // ordinary Sunday
        assert!(calendar.is_holiday(d(2024, 10, 2))); // Wednesday, public holiday
                                                      // 22 September + 7 = Sunday 29 September, a working day: no roll.
        assert_eq!(period_end(d(2024, 9, 22), Period::Days(7), &calendar), d(2024, 9, 29));
    }

    #[test]
    fn a_period_in_months_ends_on_the_same_day_or_the_end_of_a_shorter_month() {
        assert_eq!(nominal_end(d(2024, 1, 15), Period::Months(3)), d(2024, 4, 15));
        assert_eq!(nominal_end(d(2023, 8, 31), Period::Months(6)), d(2024, 2, 29));
        assert_eq!(nominal_end(d(2099, 8, 31), Period::Months(6)), d(2100, 2, 28));
        assert_eq!(nominal_end(d(2024, 2, 29), Period::Years(1)), d(2025, 2, 28));
        // 31 August 2024 + 6 months = Friday 28 February 2025: no roll.
        assert_eq!(period_end(d(2024, 8, 31), Period::Months(6), &weekends()), d(2025, 2, 28));
        // 30 September + 2 months = Saturday 30 November -> Monday 2 December.
        assert_eq!(period_end(d(2024, 9, 30), Period::Months(2), &weekends()), d(2024, 12, 2));
    }

    #[test]
    fn rolling_stops_at_the_end_of_the_supported_range() {
        let calendar = Calendar { holidays: vec![d(9999, 12, 31)], workdays: Vec::new() };
        assert_eq!(calendar.first_working_day_from(d(9999, 12, 31)), d(9999, 12, 31));
    }

    #[test]
    fn deadlines_fall_due_at_midnight_at_the_end_of_the_last_day_in_china() {
        let deadline = fee_deadline(d(2024, 3, 4), &weekends());
        assert_eq!(deadline.due_date, d(2024, 3, 11));
        // 2024-03-12 00:00 +08:00 = 2024-03-11 16:00 UTC.
        assert_eq!(deadline.due_at, 1_710_172_800);
        assert!(!deadline.is_past(1_710_172_799));
        assert!(deadline.is_past(1_710_172_800));
    }

    #[test]
    fn the_review_deadline_is_seven_days_from_receipt_or_correction() {
        let deadline = review_deadline(d(2024, 3, 4), &weekends());
        assert_eq!(deadline.kind, DeadlineKind::Review);
        assert_eq!(deadline.due_date, d(2024, 3, 11));
        assert!(deadline.source.contains("第126条"));
        // Filed on a Friday: 7 days later is a Friday, no roll.
        assert_eq!(review_deadline(d(2024, 3, 8), &weekends()).due_date, d(2024, 3, 15));
    }

    #[test]
    fn the_fee_deadline_is_seven_days_after_the_notice_and_cites_article_22() {
        let deadline = fee_deadline(d(2024, 3, 2), &weekends());
        assert_eq!(deadline.kind, DeadlineKind::Fee);
        assert_eq!(deadline.due_date, d(2024, 3, 11)); // Saturday 9th rolls to Monday
        assert_eq!(deadline.source, "诉讼费用交纳办法 第22条");
    }

    #[test]
    fn the_answer_period_is_fifteen_days_or_thirty_for_a_defendant_abroad() {
        let home = answer_deadline(d(2024, 3, 1), true, &weekends());
        assert_eq!(home.kind, DeadlineKind::Answer);
        assert_eq!(home.due_date, d(2024, 3, 18)); // Saturday 16th -> Monday 18th
        assert_eq!(home.source, "民事诉讼法 第128条");
        let abroad = answer_deadline(d(2024, 3, 1), false, &weekends());
        assert_eq!(abroad.due_date, d(2024, 4, 1)); // Sunday 31st -> Monday 1 April
        assert_eq!(abroad.source, "民事诉讼法 第285条");
    }

    #[test]
    fn the_appeal_period_is_fifteen_days_for_a_judgment_and_ten_for_a_ruling() {
        let judgment = appeal_deadline(d(2024, 3, 4), false, true, &weekends());
        assert_eq!(judgment.kind, DeadlineKind::Appeal);
        assert_eq!(judgment.due_date, d(2024, 3, 19));
        assert_eq!(judgment.source, "民事诉讼法 第171条");
        let ruling = appeal_deadline(d(2024, 3, 4), true, true, &weekends());
        assert_eq!(ruling.due_date, d(2024, 3, 14));
        let abroad = appeal_deadline(d(2024, 3, 4), true, false, &weekends());
        assert_eq!(abroad.due_date, d(2024, 4, 3));
        assert_eq!(abroad.source, "民事诉讼法 第286条");
    }

    #[test]
    fn trial_limits_are_six_three_and_two_months_and_never_roll() {
        let docketed = d(2024, 1, 13);
        let ordinary = trial_limit(docketed, Procedure::Ordinary);
        assert_eq!(ordinary.kind, DeadlineKind::TrialLimit);
        assert_eq!(ordinary.due_date, d(2024, 7, 13)); // a Saturday, kept
        assert_eq!(ordinary.source, "民事诉讼法 第152条");
        let simplified = trial_limit(docketed, Procedure::Simplified);
        assert_eq!(simplified.due_date, d(2024, 4, 13)); // a Saturday, kept
        assert_eq!(simplified.source, "民事诉讼法 第164条");
        let small = trial_limit(docketed, Procedure::SmallClaims);
        assert_eq!(small.due_date, d(2024, 3, 13));
        assert_eq!(small.source, "民事诉讼法 第168条");
        // Month ends clamp.
        assert_eq!(trial_limit(d(2023, 12, 31), Procedure::SmallClaims).due_date, d(2024, 2, 29));
    }

    #[test]
    fn the_enforcement_period_is_two_years() {
        let deadline = enforcement_deadline(d(2024, 2, 29), &weekends());
        assert_eq!(deadline.kind, DeadlineKind::Enforcement);
        // 28 February 2026 is a Saturday -> Monday 2 March 2026.
        assert_eq!(deadline.due_date, d(2026, 3, 2));
        assert_eq!(deadline.source, "民事诉讼法 第250条");
        assert_eq!(enforcement_deadline(d(2024, 5, 15), &weekends()).due_date, d(2026, 5, 15));
    }

    #[test]
    fn judicial_confirmation_must_be_sought_within_thirty_days() {
        let deadline = judicial_confirmation_deadline(d(2024, 3, 1), &weekends());
        assert_eq!(deadline.kind, DeadlineKind::JudicialConfirmation);
        assert_eq!(deadline.due_date, d(2024, 4, 1)); // Sunday 31 March -> Monday
        assert_eq!(deadline.source, "民事诉讼法 第205条");
    }

    #[test]
    fn overpaid_fees_are_refunded_within_fifteen_days() {
        let deadline = refund_deadline(d(2024, 3, 4), &weekends());
        assert_eq!(deadline.kind, DeadlineKind::Refund);
        assert_eq!(deadline.due_date, d(2024, 3, 19));
        assert_eq!(deadline.source, "诉讼费用交纳办法 第53条");
    }

    #[test]
    fn duties_and_rights_are_told_apart() {
        for kind in [DeadlineKind::Review, DeadlineKind::Fee, DeadlineKind::TrialLimit, DeadlineKind::Refund]
        {
            assert!(kind.is_duty(), "{kind:?}");
        }
        for kind in [
            DeadlineKind::Answer,
            DeadlineKind::Appeal,
            DeadlineKind::Enforcement,
            DeadlineKind::JudicialConfirmation,
        ] {
            assert!(!kind.is_duty(), "{kind:?}");
        }
        assert_eq!(DeadlineKind::TrialLimit.label(Lang::Zh), "审限");
    }

    #[test]
    fn deadlines_and_calendars_can_cross_the_wire() {
        // `source` is a `Cow` precisely so that this holds (a `&'static str` field could not
        // be deserialised from a response body).
        wire::assert_wire::<Deadline>();
        wire::assert_wire::<Calendar>();
        wire::assert_wire::<Period>();
        assert_eq!(wire::from_str::<DeadlineKind>("TrialLimit").ok(), Some(DeadlineKind::TrialLimit));
    }
}
