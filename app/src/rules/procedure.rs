//! 程序转换 (changing the procedure a first-instance case is tried under) and when a
//! first-instance judgment takes effect (生效). No I/O: the server applies these, the page
//! only shows what they allow.
//!
//! Sources: Civil Procedure Law (2023 text) arts. 160, 169, 170, 171; SPC Interpretation of
//! the Civil Procedure Law (民诉解释, 2022) arts. 258, 260; 诉讼费用交纳办法 arts. 16, 22.

use super::dates::CivilDate;
use super::deadlines::{appeal_deadline, Calendar};
use super::lifecycle::Procedure;
use super::Lang;

/// A change of procedure the law allows, with the article it rests on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conversion {
    pub from: Procedure,
    pub to: Procedure,
    /// The statute and article, shown with the change.
    pub source: &'static str,
    /// Both parties must have agreed (ordinary → simplified, art. 160(2)).
    pub needs_agreement: bool,
}

/// Why a change of procedure is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConversionError {
    /// The case is already tried under that procedure.
    Same,
    /// No rule allows this direction (e.g. into small claims once the case is under way).
    NotAllowed,
    /// Ordinary procedure cannot become simplified after a hearing (民诉解释 art. 260).
    AfterHearing,
    /// Ordinary → simplified needs both parties' agreement (CPL art. 160(2)).
    NeedsAgreement,
    /// The case is closed: the procedure it was tried under is history.
    Closed,
}

impl ConversionError {
    pub const ALL: [ConversionError; 5] = [
        ConversionError::Same,
        ConversionError::NotAllowed,
        ConversionError::AfterHearing,
        ConversionError::NeedsAgreement,
        ConversionError::Closed,
    ];

    /// A short code for a form's redirect (`?error=...`); the page turns it back into words.
    pub fn code(self) -> &'static str {
        match self {
            ConversionError::Same => "conv_same",
            ConversionError::NotAllowed => "conv_not_allowed",
            ConversionError::AfterHearing => "conv_after_hearing",
            ConversionError::NeedsAgreement => "conv_needs_agreement",
            ConversionError::Closed => "conv_closed",
        }
    }

    pub fn from_code(code: &str) -> Option<ConversionError> {
        ConversionError::ALL.into_iter().find(|e| e.code() == code)
    }

    /// What the judge is told, in plain words.
    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            ConversionError::Same => lang.pick("本案已经适用这个程序。", "The case is already under that procedure."),
            ConversionError::NotAllowed => lang.pick(
                "法律不允许这样转换程序。可以：小额诉讼转简易或普通程序，简易程序转普通程序，普通程序经双方同意在开庭前转简易程序。",
                "The law does not allow this change. Allowed: small claims to simplified or ordinary, simplified to ordinary, and ordinary to simplified before the hearing if both parties agree.",
            ),
            ConversionError::AfterHearing => lang.pick(
                "已经按普通程序开过庭，不能再转为简易程序（民诉解释第260条）。",
                "A hearing under ordinary procedure was held, so it cannot become simplified (SPC Interpretation art. 260).",
            ),
            ConversionError::NeedsAgreement => lang.pick(
                "普通程序转简易程序需要双方当事人同意（民事诉讼法第160条）。请确认双方已同意。",
                "Ordinary to simplified needs both parties' agreement (CPL art. 160). Confirm that both agreed.",
            ),
            ConversionError::Closed => lang.pick("案件已经结案，不能再转换程序。", "The case is closed; its procedure can no longer change."),
        }
    }
}

/// Whether a case tried under `from` may be changed to `to`.
///
/// - Small claims → simplified or ordinary: the case is not fit for small claims (CPL art. 169).
/// - Simplified → ordinary: the case is not fit for simplified procedure (CPL art. 170).
/// - Ordinary → simplified: only by both parties' agreement (CPL art. 160(2)) and not after a
///   hearing under ordinary procedure (民诉解释 art. 260).
/// - Anything → small claims: no rule allows it once the case is under way.
pub fn conversion(
    from: Procedure,
    to: Procedure,
    closed: bool,
    hearing_held: bool,
    parties_agree: bool,
) -> Result<Conversion, ConversionError> {
    use Procedure::*;
    if closed {
        return Err(ConversionError::Closed);
    }
    if from == to {
        return Err(ConversionError::Same);
    }
    let (source, needs_agreement) = match (from, to) {
        (SmallClaims, Simplified | Ordinary) => ("民事诉讼法 第169条", false),
        (Simplified, Ordinary) => ("民事诉讼法 第170条", false),
        (Ordinary, Simplified) => {
            if hearing_held {
                return Err(ConversionError::AfterHearing);
            }
            ("民事诉讼法 第160条第2款；民诉解释 第260条", true)
        }
        _ => return Err(ConversionError::NotAllowed),
    };
    if needs_agreement && !parties_agree {
        return Err(ConversionError::NeedsAgreement);
    }
    Ok(Conversion { from, to, source, needs_agreement })
}

/// The procedures a case under `from` may be changed to (what the judge's form offers; the
/// server still checks [`conversion`]).
pub fn targets(from: Procedure) -> &'static [Procedure] {
    match from {
        Procedure::SmallClaims => &[Procedure::Simplified, Procedure::Ordinary],
        Procedure::Simplified => &[Procedure::Ordinary],
        Procedure::Ordinary => &[Procedure::Simplified],
    }
}

/// What a change of procedure does to the acceptance fee the case owes, from the fee engine's
/// charge under the old and the new procedure (诉讼费用交纳办法 art. 16: half under simplified
/// procedure, which includes small claims).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeeChange {
    /// Nothing changes (e.g. small claims → simplified, or no fee is prepaid).
    None,
    /// The other half is now owed: a supplementary fee notice, prepaid within 7 days of it
    /// (art. 22).
    Supplement(i64),
    /// Half is no longer owed. What was paid beyond it is refunded within 15 days of the
    /// decision taking effect (art. 53), when the case is settled.
    Reduction(i64),
}

pub fn fee_change(charge_before_fen: i64, charge_after_fen: i64) -> FeeChange {
    match charge_after_fen - charge_before_fen {
        0 => FeeChange::None,
        d if d > 0 => FeeChange::Supplement(d),
        d => FeeChange::Reduction(-d),
    }
}

/// When a first-instance judgment takes effect (生效), given when its service took effect on
/// the last of the parties: a small-claims judgment is final at once (CPL art. 165); any
/// other when the last party's appeal period (15 days, 30 without a domicile in China; CPL
/// arts. 171, 286) has run out with no appeal — at 24:00 of its last day. Unix seconds.
pub fn judgment_in_force_at(
    last_served: CivilDate,
    last_served_at: i64,
    procedure: Procedure,
    domiciled_in_china: bool,
    calendar: &Calendar,
) -> i64 {
    if procedure == Procedure::SmallClaims {
        return last_served_at;
    }
    appeal_deadline(last_served, false, domiciled_in_china, calendar).due_at
}

#[cfg(test)]
mod tests {
    use super::super::dates::start_of_day_shanghai;
    use super::*;
    use Procedure::*;

    #[test]
    fn small_claims_may_become_simplified_or_ordinary() {
        let c = conversion(SmallClaims, Simplified, false, true, false).expect("art. 169");
        assert_eq!(c.source, "民事诉讼法 第169条");
        assert!(conversion(SmallClaims, Ordinary, false, true, false).is_ok());
    }

    #[test]
    fn simplified_may_become_ordinary_even_after_a_hearing() {
        let c = conversion(Simplified, Ordinary, false, true, false).expect("art. 170");
        assert_eq!(c.source, "民事诉讼法 第170条");
        assert!(!c.needs_agreement);
    }

    #[test]
    fn ordinary_becomes_simplified_only_by_agreement_before_the_hearing() {
        assert_eq!(
            conversion(Ordinary, Simplified, false, false, false),
            Err(ConversionError::NeedsAgreement)
        );
        assert_eq!(conversion(Ordinary, Simplified, false, true, true), Err(ConversionError::AfterHearing));
        let c = conversion(Ordinary, Simplified, false, false, true).expect("art. 160(2)");
        assert!(c.needs_agreement);
    }

    #[test]
    fn nothing_becomes_small_claims_and_nothing_changes_into_itself() {
        assert_eq!(conversion(Ordinary, SmallClaims, false, false, true), Err(ConversionError::NotAllowed));
        assert_eq!(conversion(Simplified, SmallClaims, false, false, true), Err(ConversionError::NotAllowed));
        for p in [SmallClaims, Simplified, Ordinary] {
            assert_eq!(conversion(p, p, false, false, true), Err(ConversionError::Same));
        }
    }

    #[test]
    fn every_refusal_code_reads_back() {
        for e in ConversionError::ALL {
            assert_eq!(ConversionError::from_code(e.code()), Some(e));
            assert!(!e.message(Lang::Zh).is_empty() && !e.message(Lang::En).is_empty());
        }
        assert_eq!(ConversionError::from_code("nonsense"), None);
    }

    #[test]
    fn a_closed_case_keeps_its_procedure() {
        assert_eq!(conversion(Simplified, Ordinary, true, false, false), Err(ConversionError::Closed));
    }

    #[test]
    fn the_form_offers_exactly_what_the_rule_allows() {
        for from in [SmallClaims, Simplified, Ordinary] {
            for to in [SmallClaims, Simplified, Ordinary] {
                let offered = targets(from).contains(&to);
                let allowed = conversion(from, to, false, false, true).is_ok();
                assert_eq!(offered, allowed, "{from:?} -> {to:?}");
            }
        }
    }

    #[test]
    fn fee_change_is_the_difference_of_the_engine_charges() {
        // 150,000 yuan: 3,300 yuan ordinary, 1,650 simplified (art. 16).
        assert_eq!(fee_change(165_000, 330_000), FeeChange::Supplement(165_000));
        assert_eq!(fee_change(330_000, 165_000), FeeChange::Reduction(165_000));
        assert_eq!(fee_change(165_000, 165_000), FeeChange::None);
    }

    fn day(y: i32, m: u8, d: u8) -> CivilDate {
        CivilDate::new(y, m, d).expect("valid")
    }

    #[test]
    fn a_judgment_takes_effect_when_the_last_partys_appeal_period_runs_out() {
        let cal = Calendar::weekends_only();
        // Served Monday 2026-11-02: 15 days end Tuesday 2026-11-17, in force from 24:00 then.
        let served = day(2026, 11, 2);
        let at = start_of_day_shanghai(served) + 10 * 3600;
        let effective = judgment_in_force_at(served, at, Ordinary, true, &cal);
        assert_eq!(effective, start_of_day_shanghai(day(2026, 11, 18)));
        // Without a domicile in China: 30 days, to Wednesday 2026-12-02.
        let abroad = judgment_in_force_at(served, at, Simplified, false, &cal);
        assert_eq!(abroad, start_of_day_shanghai(day(2026, 12, 3)));
        // A period ending on a Saturday runs to Monday: served 2026-11-06 (Fri) -> 11-21 Sat -> 11-23.
        let friday = day(2026, 11, 6);
        let e = judgment_in_force_at(friday, start_of_day_shanghai(friday), Ordinary, true, &cal);
        assert_eq!(e, start_of_day_shanghai(day(2026, 11, 24)));
    }

    #[test]
    fn a_small_claims_judgment_is_final_on_service() {
        let cal = Calendar::weekends_only();
        let served = day(2026, 11, 2);
        let at = start_of_day_shanghai(served) + 10 * 3600;
        assert_eq!(judgment_in_force_at(served, at, SmallClaims, true, &cal), at);
    }
}
