//! Judicial confirmation (司法确认) of a pre-filing mediation agreement: a 民特 case (DOMAIN-2
//! §1.2). Who may apply and until when, what the judge checks, the three rulings and their
//! wording, the review limit, the objection period.
//!
//! Sources (DOMAIN-2 §1.2, verified): 民事诉讼法 2023 (CPL) arts. 185, 187, 205, 206; 民诉解释
//! 2022 (JI22) arts. 354, 355, 357, 358, 372; 关于人民调解协议司法确认程序的若干规定 (JC11)
//! art. 5; 诉讼费用交纳办法 (FEE) art. 8(1); 人民调解法 (PML) art. 32.

use super::dates::CivilDate;
use super::Lang;
use serde::{Deserialize, Serialize};

/// Whether the parties may still apply: on or before the last day of the 30-day window
/// (CPL art. 205; the window's end from [`super::mediation::confirmation_window_end`]). A late
/// application is not accepted as 司法确认 (DOMAIN-2 §1.2 item 12): the agreement still binds
/// as a contract and can be sued on (PML art. 32).
pub fn may_apply(window_end: CivilDate, today: CivilDate) -> bool {
    today <= window_end
}

/// A special-procedure case is decided within 30 days of docketing (CPL art. 187); the court
/// aims at 15 (JC11 art. 5). Calendar days: the court's own limit is not moved past holidays.
pub const REVIEW_LIMIT_DAYS: i64 = 30;
pub const REVIEW_TARGET_DAYS: i64 = 15;

/// The last day of the judge's review of an application docketed on `docketed`.
pub fn review_due(docketed: CivilDate) -> CivilDate {
    docketed.add_days(REVIEW_LIMIT_DAYS)
}

/// The court's own target day (JC11 art. 5).
pub fn review_target(docketed: CivilDate) -> CivilDate {
    docketed.add_days(REVIEW_TARGET_DAYS)
}

/// A party may object within 15 days of receiving the ruling (JI22 art. 372). The ruling is
/// final (一审终审, CPL art. 185): no appeal.
pub const OBJECTION_DAYS: i64 = 15;

/// Why an application is not accepted (JI22 art. 355); accepted by mistake, it is dismissed
/// by ruling (驳回申请).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NotAccepted {
    /// (1) not for the people's courts.
    OutsideCourts,
    /// (2) not this court.
    NotThisCourt,
    /// (3) marriage, parentage, adoption or other personal status.
    PersonalStatus,
    /// (4) another special procedure, 公示催告 or bankruptcy.
    OtherProcedure,
    /// (5) deciding real rights or the ownership of IP.
    Ownership,
}

impl NotAccepted {
    pub const ALL: [NotAccepted; 5] = [
        NotAccepted::OutsideCourts,
        NotAccepted::NotThisCourt,
        NotAccepted::PersonalStatus,
        NotAccepted::OtherProcedure,
        NotAccepted::Ownership,
    ];

    pub fn code(self) -> &'static str {
        match self {
            NotAccepted::OutsideCourts => "na_outside_courts",
            NotAccepted::NotThisCourt => "na_not_this_court",
            NotAccepted::PersonalStatus => "na_personal_status",
            NotAccepted::OtherProcedure => "na_other_procedure",
            NotAccepted::Ownership => "na_ownership",
        }
    }

    pub fn from_code(code: &str) -> Option<NotAccepted> {
        NotAccepted::ALL.into_iter().find(|g| g.code() == code)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            NotAccepted::OutsideCourts => lang.pick("不属于人民法院受理范围", "Not for the people's courts"),
            NotAccepted::NotThisCourt => lang.pick("不属于本院管辖", "Not this court's case"),
            NotAccepted::PersonalStatus => lang.pick(
                "涉及婚姻、亲子关系、收养关系等身份关系",
                "Concerns marriage, parentage, adoption or other personal status",
            ),
            NotAccepted::OtherProcedure => lang.pick(
                "涉及适用其他特别程序、公示催告程序或破产程序",
                "Belongs to another special procedure, public summons or bankruptcy",
            ),
            NotAccepted::Ownership => lang.pick(
                "调解协议内容涉及物权、知识产权确权",
                "Would decide real rights or the ownership of intellectual property",
            ),
        }
    }
}

/// Why the judge rejects the application (JI22 art. 358).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rejection {
    /// (1) breaks a mandatory provision of law.
    MandatoryLaw,
    /// (2) harms the state, the public, or a third party's lawful rights.
    HarmsOthers,
    /// (3) against public order and good morals.
    PublicOrder,
    /// (4) not truly voluntary.
    NotVoluntary,
    /// (5) the content is unclear.
    Unclear,
}

impl Rejection {
    pub const ALL: [Rejection; 5] = [
        Rejection::MandatoryLaw,
        Rejection::HarmsOthers,
        Rejection::PublicOrder,
        Rejection::NotVoluntary,
        Rejection::Unclear,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Rejection::MandatoryLaw => "mandatory_law",
            Rejection::HarmsOthers => "harms_others",
            Rejection::PublicOrder => "public_order",
            Rejection::NotVoluntary => "not_voluntary",
            Rejection::Unclear => "unclear",
        }
    }

    pub fn from_code(code: &str) -> Option<Rejection> {
        Rejection::ALL.into_iter().find(|g| g.code() == code)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Rejection::MandatoryLaw => lang.pick("违反法律强制性规定", "Breaks a mandatory provision of law"),
            Rejection::HarmsOthers => lang.pick(
                "损害国家利益、社会公共利益、他人合法权益",
                "Harms the state, the public or others' lawful rights",
            ),
            Rejection::PublicOrder => lang.pick("违背公序良俗", "Against public order and good morals"),
            Rejection::NotVoluntary => lang.pick("违反自愿原则", "Not voluntary"),
            Rejection::Unclear => lang.pick("内容不明确", "The content is unclear"),
        }
    }
}

/// What the judge checks before ruling (JI22 arts. 354–358), in order; the review form shows
/// each item and the ruling it leads to when it fails.
pub fn checklist(lang: Lang) -> Vec<&'static str> {
    vec![
        lang.pick(
            "材料齐全：调解协议、调解组织主持调解的证明、双方身份和联系方式（民诉解释第354条）",
            "Materials complete: the agreement, proof of who mediated, both sides' identity and contacts (JI22 art. 354)",
        ),
        lang.pick(
            "可以受理：不属于第355条列出的情形（否则裁定驳回申请）",
            "Acceptable: none of the cases of art. 355 (else the application is dismissed)",
        ),
        lang.pick(
            "双方到场（可以在线）接受询问，没有无正当理由拒不到场（第356条、第357条）",
            "Both sides appeared together (online is fine) and answered (arts. 356, 357)",
        ),
        lang.pick(
            "协议出于自愿、内容明确，不违法、不损害他人、不违背公序良俗（第358条）",
            "Voluntary, clear, lawful, harming no one, not against public order (art. 358)",
        ),
        lang.pick(
            "没有虚假调解的嫌疑；有嫌疑的，要求提供证据（在线调解规则第23条）",
            "No sign of sham mediation; if there is, evidence was asked for (OMR art. 23)",
        ),
    ]
}

/// The judge's ruling on an accepted application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Ruling {
    /// The agreement is valid: it can be enforced (CPL art. 206).
    Valid,
    /// Rejected on one or more grounds of JI22 art. 358.
    Rejected(Vec<Rejection>),
    /// Dismissed: accepted by mistake, one of JI22 art. 355.
    Dismissed(NotAccepted),
}

impl Ruling {
    /// The stored code of the outcome.
    pub fn code(&self) -> &'static str {
        match self {
            Ruling::Valid => "valid",
            Ruling::Rejected(_) => "rejected",
            Ruling::Dismissed(_) => "dismissed",
        }
    }

    /// The grounds as stored: codes separated by commas (empty for a valid agreement).
    pub fn grounds_code(&self) -> String {
        match self {
            Ruling::Valid => String::new(),
            Ruling::Rejected(g) => g.iter().map(|g| g.code()).collect::<Vec<_>>().join(","),
            Ruling::Dismissed(g) => g.code().to_string(),
        }
    }

    /// Back from the stored codes; `None` for anything not written by [`Ruling::code`].
    pub fn from_codes(outcome: &str, grounds: &str) -> Option<Ruling> {
        match outcome {
            "valid" => Some(Ruling::Valid),
            "rejected" => {
                let g: Option<Vec<_>> = grounds.split(',').map(Rejection::from_code).collect();
                g.filter(|g| !g.is_empty()).map(Ruling::Rejected)
            }
            "dismissed" => NotAccepted::from_code(grounds).map(Ruling::Dismissed),
            _ => None,
        }
    }

    /// The ruling as the judge picks it on the form: `outcome` and the ticked grounds. A
    /// rejection needs at least one ground of art. 358; a dismissal exactly one of art. 355.
    pub fn from_form(outcome: &str, grounds: &[String]) -> Result<Ruling, RulingProblem> {
        match outcome {
            "valid" => Ok(Ruling::Valid),
            "rejected" => {
                let mut picked: Vec<Rejection> = Vec::new();
                for g in grounds {
                    if let Some(r) = Rejection::from_code(g) {
                        if !picked.contains(&r) {
                            picked.push(r);
                        }
                    }
                }
                picked.sort_by_key(|r| Rejection::ALL.iter().position(|x| x == r));
                if picked.is_empty() {
                    Err(RulingProblem::NoGround)
                } else {
                    Ok(Ruling::Rejected(picked))
                }
            }
            "dismissed" => {
                let picked: Vec<NotAccepted> =
                    grounds.iter().filter_map(|g| NotAccepted::from_code(g)).collect();
                match picked.as_slice() {
                    [one] => Ok(Ruling::Dismissed(*one)),
                    _ => Err(RulingProblem::NoGround),
                }
            }
            _ => Err(RulingProblem::NoOutcome),
        }
    }

    /// A plain sentence for the parties: what the ruling means for them.
    pub fn meaning(&self, lang: Lang) -> &'static str {
        match self {
            Ruling::Valid => lang.pick(
                "法院确认调解协议有效。对方不履行的，您可以向法院申请强制执行。",
                "The court confirmed the agreement. If the other side does not keep it, you can ask the court to enforce it.",
            ),
            Ruling::Rejected(_) => lang.pick(
                "法院没有确认这份协议。您可以再调解、变更协议或达成新协议，也可以起诉。",
                "The court did not confirm the agreement. You may mediate again, change it or make a new one, or sue.",
            ),
            Ruling::Dismissed(_) => lang.pick(
                "这件申请不能由本院作司法确认。协议仍像合同一样有效，您可以起诉。",
                "This court cannot confirm this agreement. It still binds like a contract; you may sue.",
            ),
        }
    }

    /// The decision's own words in the ruling (裁定如下), after CPL art. 206.
    pub fn operative_text(&self, applicants: &str) -> String {
        match self {
            Ruling::Valid => format!(
                "申请人{applicants}达成的调解协议有效。当事人应当按照调解协议的约定自觉履行义务。一方当事人拒绝履行或者未全部履行的，对方当事人可以向人民法院申请强制执行。"
            ),
            Ruling::Rejected(_) => format!(
                "驳回申请人{applicants}的司法确认申请。当事人可以通过调解方式变更原调解协议或者达成新的调解协议，也可以向人民法院提起诉讼。"
            ),
            Ruling::Dismissed(_) => format!("驳回申请人{applicants}的司法确认申请。"),
        }
    }

    /// The articles the ruling rests on (依照…).
    pub fn basis(&self) -> &'static str {
        match self {
            Ruling::Valid => "《中华人民共和国民事诉讼法》第二百零五条、第二百零六条",
            Ruling::Rejected(_) => {
                "《中华人民共和国民事诉讼法》第二百零六条，《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第三百五十八条"
            }
            Ruling::Dismissed(_) => {
                "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第三百五十五条"
            }
        }
    }

    /// The grounds in words, for the ruling and the page.
    pub fn grounds(&self, lang: Lang) -> Vec<&'static str> {
        match self {
            Ruling::Valid => Vec::new(),
            Ruling::Rejected(g) => g.iter().map(|g| g.label(lang)).collect(),
            Ruling::Dismissed(g) => vec![g.label(lang)],
        }
    }
}

/// Why a ruling form cannot be taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RulingProblem {
    /// Neither valid, rejected nor dismissed.
    NoOutcome,
    /// A rejection without a ground of art. 358, or a dismissal without exactly one of art. 355.
    NoGround,
}

/// Judicial confirmation costs nothing (FEE art. 8(1); JC11 art. 11).
pub const FEE_FEN: i64 = 0;

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u8, day: u8) -> CivilDate {
        CivilDate::new(y, m, day).unwrap()
    }

    #[test]
    fn the_window_includes_its_last_day_and_nothing_after() {
        let end = d(2026, 2, 9);
        assert!(may_apply(end, d(2026, 1, 10)));
        assert!(may_apply(end, end));
        assert!(!may_apply(end, d(2026, 2, 10)));
    }

    #[test]
    fn review_limit_is_thirty_days_with_a_target_of_fifteen() {
        assert_eq!(review_due(d(2026, 3, 1)), d(2026, 3, 31));
        assert_eq!(review_target(d(2026, 3, 1)), d(2026, 3, 16));
    }

    #[test]
    fn a_rejection_needs_a_ground_and_a_dismissal_exactly_one() {
        assert_eq!(Ruling::from_form("valid", &[]), Ok(Ruling::Valid));
        assert_eq!(Ruling::from_form("rejected", &[]), Err(RulingProblem::NoGround));
        assert_eq!(Ruling::from_form("rejected", &["nonsense".into()]), Err(RulingProblem::NoGround));
        assert_eq!(
            Ruling::from_form("rejected", &["unclear".into(), "not_voluntary".into(), "unclear".into()]),
            Ok(Ruling::Rejected(vec![Rejection::NotVoluntary, Rejection::Unclear]))
        );
        assert_eq!(Ruling::from_form("dismissed", &[]), Err(RulingProblem::NoGround));
        assert_eq!(
            Ruling::from_form("dismissed", &["na_personal_status".into(), "na_ownership".into()]),
            Err(RulingProblem::NoGround)
        );
        assert_eq!(
            Ruling::from_form("dismissed", &["na_personal_status".into()]),
            Ok(Ruling::Dismissed(NotAccepted::PersonalStatus))
        );
        assert_eq!(Ruling::from_form("", &[]), Err(RulingProblem::NoOutcome));
    }

    #[test]
    fn stored_codes_come_back_as_the_same_ruling() {
        for r in [
            Ruling::Valid,
            Ruling::Rejected(vec![Rejection::MandatoryLaw, Rejection::PublicOrder]),
            Ruling::Dismissed(NotAccepted::NotThisCourt),
        ] {
            assert_eq!(Ruling::from_codes(r.code(), &r.grounds_code()), Some(r));
        }
        assert_eq!(Ruling::from_codes("rejected", ""), None);
        assert_eq!(Ruling::from_codes("maybe", ""), None);
    }

    #[test]
    fn the_operative_words_follow_art_206() {
        assert!(Ruling::Valid.operative_text("张三、李四").contains("申请强制执行"));
        let no = Ruling::Rejected(vec![Rejection::Unclear]).operative_text("张三、李四");
        assert!(no.starts_with("驳回申请人张三、李四"));
        assert!(no.contains("提起诉讼"));
    }

    #[test]
    fn every_ground_has_a_distinct_code() {
        let mut codes: Vec<&str> = NotAccepted::ALL.iter().map(|g| g.code()).collect();
        codes.extend(Rejection::ALL.iter().map(|g| g.code()));
        let n = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), n);
    }
}
