//! Case numbers (案号), per the SPC provisions on case numbers (最高人民法院关于人民法院案件
//! 案号的若干规定, 2016): `（收案年度）法院代字 + 类型代字 + 案件编号 + 号`, for example
//! `（2021）湘0181民初1234号` (DOMAIN.md §2).
//!
//! The canonical form uses full-width parentheses. The parser accepts what people type —
//! ASCII parentheses, spaces, full-width digits, a missing 号 — and normalises it.
//! Allocating sequence numbers (per court, year and type, no gaps) is the server's job.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{to_halfwidth, Lang};

/// The case-type codes (类型代字) this product handles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CaseType {
    /// 民初: civil first instance, including small claims.
    CivilFirstInstance,
    /// 民终: civil second instance (appeal).
    CivilSecondInstance,
    /// 民特: special procedure, including judicial confirmation of a mediation agreement.
    CivilSpecial,
    /// 民诉前调: pre-litigation mediation.
    PreLitigationMediation,
    /// 执: first enforcement.
    Enforcement,
    /// 执保: enforcement of a preservation order.
    PreservationEnforcement,
    /// 财保: pre-litigation property preservation.
    PreLitigationPreservation,
}

impl CaseType {
    /// Every type, in the order of DOMAIN.md §2.
    pub const ALL: [CaseType; 7] = [
        CaseType::CivilFirstInstance,
        CaseType::CivilSecondInstance,
        CaseType::CivilSpecial,
        CaseType::PreLitigationMediation,
        CaseType::Enforcement,
        CaseType::PreservationEnforcement,
        CaseType::PreLitigationPreservation,
    ];

    /// The type code written in the case number, e.g. "民初".
    pub fn code(self) -> &'static str {
        match self {
            CaseType::CivilFirstInstance => "民初",
            CaseType::CivilSecondInstance => "民终",
            CaseType::CivilSpecial => "民特",
            CaseType::PreLitigationMediation => "民诉前调",
            CaseType::Enforcement => "执",
            CaseType::PreservationEnforcement => "执保",
            CaseType::PreLitigationPreservation => "财保",
        }
    }

    /// The type whose code is exactly `code` ("执" and "执保" are different types).
    pub fn from_code(code: &str) -> Option<CaseType> {
        Self::ALL.into_iter().find(|t| t.code() == code)
    }

    /// A plain name for the type.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            CaseType::CivilFirstInstance => lang.pick("民事一审", "Civil case, first instance"),
            CaseType::CivilSecondInstance => lang.pick("民事二审", "Civil appeal"),
            CaseType::CivilSpecial => {
                lang.pick("民事特别程序（含司法确认）", "Special procedure (incl. judicial confirmation)")
            }
            CaseType::PreLitigationMediation => lang.pick("诉前调解", "Mediation before a lawsuit"),
            CaseType::Enforcement => lang.pick("首次执行", "Enforcement"),
            CaseType::PreservationEnforcement => lang.pick("保全执行", "Enforcement of a preservation order"),
            CaseType::PreLitigationPreservation => {
                lang.pick("诉前财产保全", "Freezing property before a lawsuit")
            }
        }
    }
}

/// Earliest and latest accepted year: the People's Republic's courts, and a sane upper bound.
const YEARS: std::ops::RangeInclusive<u16> = 1949..=2100;

/// A case number, always valid.
///
/// On the wire it is the canonical string, e.g. `"（2021）湘0181民初1234号"`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CaseNumber {
    year: u16,
    court_code: String,
    case_type: CaseType,
    seq: u32,
}

/// Why a typed case number was not accepted. [`CaseNumberError::message`] explains it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaseNumberError {
    /// Nothing was typed.
    Empty,
    /// No year at the start.
    MissingYear,
    /// The year is not four digits between 1949 and 2100.
    BadYear { found: String },
    /// No court code after the year.
    MissingCourtCode,
    /// The court code is not one Chinese character followed by 0, 2 or 4 digits.
    BadCourtCode { found: String },
    /// No case-type code after the court code.
    MissingCaseType,
    /// A case-type code this product does not handle.
    UnknownCaseType { found: String },
    /// No sequence number after the case type.
    MissingNumber,
    /// The sequence number is 0 or too large.
    BadNumber,
    /// Something after the sequence number other than 号.
    UnexpectedText { found: String },
}

impl CaseNumberError {
    /// A short, plain sentence that says what is wrong.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (CaseNumberError::Empty, Lang::Zh) => "请填写案号，例如（2024）湘0181民初1号。".into(),
            (CaseNumberError::Empty, Lang::En) => {
                "Please enter the case number, for example （2024）湘0181民初1号.".into()
            }
            (CaseNumberError::MissingYear, Lang::Zh) => "案号缺少年份，例如（2024）。".into(),
            (CaseNumberError::MissingYear, Lang::En) => {
                "The case number has no year; it starts with one, for example （2024）.".into()
            }
            (CaseNumberError::BadYear { found }, Lang::Zh) => {
                format!("案号里的年份“{found}”不对，应是四位数的年份，例如（2024）。")
            }
            (CaseNumberError::BadYear { found }, Lang::En) => format!(
                "The year “{found}” in the case number is wrong; it should be a four-digit year, for example （2024）."
            ),
            (CaseNumberError::MissingCourtCode, Lang::Zh) => {
                "案号缺少法院代字，例如“湘0181”。".into()
            }
            (CaseNumberError::MissingCourtCode, Lang::En) => {
                "The case number has no court code after the year, for example 湘0181.".into()
            }
            (CaseNumberError::BadCourtCode { found }, Lang::Zh) => {
                format!("法院代字“{found}”不对，应是省份简称加数字，例如“湘0181”。")
            }
            (CaseNumberError::BadCourtCode { found }, Lang::En) => format!(
                "The court code “{found}” is wrong; it is a province character and digits, for example 湘0181."
            ),
            (CaseNumberError::MissingCaseType, Lang::Zh) => {
                "案号缺少案件类型，例如“民初”。".into()
            }
            (CaseNumberError::MissingCaseType, Lang::En) => {
                "The case number has no case type, for example 民初.".into()
            }
            (CaseNumberError::UnknownCaseType { found }, Lang::Zh) => format!(
                "“{found}”不是这里能办理的案件类型，可以是：{}。",
                type_list("、")
            ),
            (CaseNumberError::UnknownCaseType { found }, Lang::En) => format!(
                "“{found}” is not a case type handled here; it can be: {}.",
                type_list(", ")
            ),
            (CaseNumberError::MissingNumber, Lang::Zh) => {
                "案号缺少案件编号，例如“1234号”。".into()
            }
            (CaseNumberError::MissingNumber, Lang::En) => {
                "The case number has no number at the end, for example 1234号.".into()
            }
            (CaseNumberError::BadNumber, Lang::Zh) => "案件编号应是从1开始的数字。".into(),
            (CaseNumberError::BadNumber, Lang::En) => {
                "The number at the end of a case number starts from 1.".into()
            }
            (CaseNumberError::UnexpectedText { found }, Lang::Zh) => {
                format!("案号末尾的“{found}”看不懂，请核对。")
            }
            (CaseNumberError::UnexpectedText { found }, Lang::En) => format!(
                "“{found}” at the end of the case number was not understood. Please check."
            ),
        }
    }
}

fn type_list(separator: &str) -> String {
    CaseType::ALL.map(CaseType::code).join(separator)
}

impl fmt::Display for CaseNumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for CaseNumberError {}

/// A Chinese character, as used for a province abbreviation (CJK Unified Ideographs and
/// Extension A).
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// Court code (法院代字): a province abbreviation, then 2 digits for an intermediate court
/// or 4 (2 + 2) for a basic court; none for a high court. `湘0181` is the Liuyang court.
fn check_court_code(code: &str) -> Result<(), CaseNumberError> {
    let mut chars = code.chars();
    let bad = || CaseNumberError::BadCourtCode { found: code.to_owned() };
    let first = chars.next().ok_or(CaseNumberError::MissingCourtCode)?;
    if !is_cjk(first) {
        return Err(bad());
    }
    let digits = chars.as_str();
    if digits.bytes().all(|b| b.is_ascii_digit()) && matches!(digits.len(), 0 | 2 | 4) {
        Ok(())
    } else {
        Err(bad())
    }
}

/// Splits off the leading run of characters matching `pred`.
fn take_while(s: &str, pred: impl Fn(char) -> bool) -> (&str, &str) {
    let end = s.find(|c: char| !pred(c)).unwrap_or(s.len());
    s.split_at(end)
}

impl CaseNumber {
    /// A case number from its parts; the court code may use full-width digits.
    pub fn new(
        year: u16,
        court_code: &str,
        case_type: CaseType,
        seq: u32,
    ) -> Result<CaseNumber, CaseNumberError> {
        if !YEARS.contains(&year) {
            return Err(CaseNumberError::BadYear { found: year.to_string() });
        }
        let court_code: String =
            court_code.chars().map(to_halfwidth).filter(|c| !c.is_whitespace()).collect();
        check_court_code(&court_code)?;
        if seq == 0 {
            return Err(CaseNumberError::BadNumber);
        }
        Ok(CaseNumber { year, court_code, case_type, seq })
    }

    /// Parses what a person typed and normalises it.
    ///
    /// Accepted: full-width or ASCII parentheses (and 〔〕 [] 【】), spaces anywhere,
    /// full-width digits, no parentheses at all around the year, and a missing trailing 号.
    pub fn parse(s: &str) -> Result<CaseNumber, CaseNumberError> {
        let text: String = s
            .chars()
            .map(to_halfwidth)
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '〔' | '【' | '[' => '(',
                '〕' | '】' | ']' => ')',
                c => c,
            })
            .collect();
        if text.is_empty() {
            return Err(CaseNumberError::Empty);
        }

        // （收案年度）
        let rest = text.strip_prefix('(').unwrap_or(&text);
        let (year_text, rest) = take_while(rest, |c| c.is_ascii_digit());
        if year_text.is_empty() {
            return Err(CaseNumberError::MissingYear);
        }
        let year = year_text
            .parse::<u16>()
            .ok()
            .filter(|y| year_text.len() == 4 && YEARS.contains(y))
            .ok_or_else(|| CaseNumberError::BadYear { found: year_text.to_owned() })?;
        let rest = rest.strip_prefix(')').unwrap_or(rest);

        // A type code straight after the year means the court code was left out. (No
        // province abbreviation is 民, 执 or 财, so this cannot misread a real court.)
        if CaseType::ALL.into_iter().any(|t| {
            rest.strip_prefix(t.code())
                .is_some_and(|after| after.is_empty() || after.starts_with(|c: char| c.is_ascii_digit()))
        }) {
            return Err(CaseNumberError::MissingCourtCode);
        }

        // 法院代字: one character, then digits.
        let mut chars = rest.chars();
        let Some(province) = chars.next() else {
            return Err(CaseNumberError::MissingCourtCode);
        };
        let (court_digits, rest) = take_while(chars.as_str(), |c| c.is_ascii_digit());
        let court_code = format!("{province}{court_digits}");
        check_court_code(&court_code)?;

        // 类型代字: everything up to the sequence digits, matched whole, so that 执保 is not
        // read as 执 and 民诉前调 not as anything shorter.
        let (code, rest) = take_while(rest, |c| !c.is_ascii_digit());
        let code = code.strip_suffix('号').unwrap_or(code);
        if code.is_empty() {
            return Err(CaseNumberError::MissingCaseType);
        }
        let case_type = CaseType::from_code(code)
            .ok_or_else(|| CaseNumberError::UnknownCaseType { found: code.to_owned() })?;

        // 案件编号 + 号 (the 号 may be left out).
        let (seq_text, rest) = take_while(rest, |c| c.is_ascii_digit());
        if seq_text.is_empty() {
            return Err(CaseNumberError::MissingNumber);
        }
        let seq = seq_text.parse::<u32>().ok().filter(|&n| n >= 1).ok_or(CaseNumberError::BadNumber)?;
        let rest = rest.strip_prefix('号').unwrap_or(rest);
        if !rest.is_empty() {
            return Err(CaseNumberError::UnexpectedText { found: rest.to_owned() });
        }

        Ok(CaseNumber { year, court_code, case_type, seq })
    }

    /// The year the case was received (收案年度).
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The court code (法院代字), e.g. "湘0181".
    pub fn court_code(&self) -> &str {
        &self.court_code
    }

    /// The case type.
    pub fn case_type(&self) -> CaseType {
        self.case_type
    }

    /// The sequence number within court, year and type, from 1.
    pub fn seq(&self) -> u32 {
        self.seq
    }
}

impl fmt::Display for CaseNumber {
    /// Canonical form with full-width parentheses: `（2021）湘0181民初1234号`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "（{}）{}{}{}号", self.year, self.court_code, self.case_type.code(), self.seq)
    }
}

impl std::str::FromStr for CaseNumber {
    type Err = CaseNumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for CaseNumber {
    type Error = CaseNumberError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<CaseNumber> for String {
    fn from(number: CaseNumber) -> String {
        number.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::super::wire;
    use super::*;

    const CANONICAL: &str = "（2021）湘0181民初1234号";

    fn liuyang(case_type: CaseType, seq: u32) -> CaseNumber {
        CaseNumber::new(2021, "湘0181", case_type, seq).expect("valid")
    }

    #[test]
    fn the_canonical_form_round_trips() {
        let number = CaseNumber::parse(CANONICAL).expect("valid");
        assert_eq!(number.year(), 2021);
        assert_eq!(number.court_code(), "湘0181");
        assert_eq!(number.case_type(), CaseType::CivilFirstInstance);
        assert_eq!(number.seq(), 1234);
        assert_eq!(number.to_string(), CANONICAL);
        assert_eq!(number, liuyang(CaseType::CivilFirstInstance, 1234));
    }

    #[test]
    fn what_people_type_is_normalised_to_the_canonical_form() {
        for typed in [
            "(2021)湘0181民初1234号",
            "（2021）湘0181民初1234",
            "(2021)湘0181民初1234",
            " ( 2021 ) 湘 0181 民初 1234 号 ",
            "（２０２１）湘０１８１民初１２３４号",
            "〔2021〕湘0181民初1234号",
            "[2021]湘0181民初1234号",
            "2021湘0181民初1234号",
            "（2021湘0181民初1234号",
            "（2021）湘0181民初01234号",
            "\u{3000}（2021）湘0181民初1234号\u{3000}",
        ] {
            let number = CaseNumber::parse(typed).unwrap_or_else(|e| panic!("{typed}: {e}"));
            assert_eq!(number.to_string(), CANONICAL, "{typed}");
        }
    }

    #[test]
    fn every_type_code_parses_including_codes_that_share_a_prefix() {
        for case_type in CaseType::ALL {
            let number = liuyang(case_type, 7);
            let text = number.to_string();
            assert_eq!(CaseNumber::parse(&text), Ok(number), "{text}");
            assert_eq!(CaseType::from_code(case_type.code()), Some(case_type));
        }
        assert_eq!(
            CaseNumber::parse("（2024）湘0181执保12号").map(|n| n.case_type()),
            Ok(CaseType::PreservationEnforcement)
        );
        assert_eq!(
            CaseNumber::parse("（2024）湘0181执12号").map(|n| n.case_type()),
            Ok(CaseType::Enforcement)
        );
        assert_eq!(
            CaseNumber::parse("（2024）湘0181民诉前调3号").map(|n| n.case_type()),
            Ok(CaseType::PreLitigationMediation)
        );
        assert_eq!(CaseType::from_code("民"), None);
        assert_eq!(CaseType::from_code("执保全"), None);
    }

    #[test]
    fn intermediate_and_high_court_codes_are_accepted() {
        let intermediate = CaseNumber::parse("(2023)湘01民终88号").expect("valid");
        assert_eq!(intermediate.court_code(), "湘01");
        assert_eq!(intermediate.to_string(), "（2023）湘01民终88号");
        let high = CaseNumber::parse("(2023)湘民终5号").expect("valid");
        assert_eq!(high.court_code(), "湘");
        let beijing = CaseNumber::parse("（2022）京0105民初9号").expect("valid");
        assert_eq!(beijing.court_code(), "京0105");
    }

    #[test]
    fn case_type_labels_exist_in_both_languages() {
        for case_type in CaseType::ALL {
            assert!(!case_type.label(Lang::Zh).is_empty());
            assert!(!case_type.label(Lang::En).is_empty());
        }
        assert_eq!(CaseType::CivilFirstInstance.label(Lang::Zh), "民事一审");
    }

    #[test]
    fn an_empty_case_number_is_reported() {
        assert_eq!(CaseNumber::parse("  "), Err(CaseNumberError::Empty));
    }

    #[test]
    fn a_case_number_without_a_year_is_reported() {
        let err = CaseNumber::parse("湘0181民初1234号").unwrap_err();
        assert_eq!(err, CaseNumberError::MissingYear);
        assert_eq!(err.message(Lang::Zh), "案号缺少年份，例如（2024）。");
        assert_eq!(CaseNumber::parse("()湘0181民初1号"), Err(CaseNumberError::MissingYear));
    }

    #[test]
    fn a_year_that_is_not_four_digits_in_range_is_reported() {
        for (typed, found) in [
            ("(21)湘0181民初1号", "21"),
            ("(1948)湘0181民初1号", "1948"),
            ("(2101)湘0181民初1号", "2101"),
            ("(20210)湘0181民初1号", "20210"),
        ] {
            assert_eq!(
                CaseNumber::parse(typed),
                Err(CaseNumberError::BadYear { found: found.to_owned() }),
                "{typed}"
            );
        }
        assert!(CaseNumber::parse("(1949)湘0181民初1号").is_ok());
        assert!(CaseNumber::parse("(2100)湘0181民初1号").is_ok());
    }

    #[test]
    fn a_missing_or_malformed_court_code_is_reported() {
        assert_eq!(CaseNumber::parse("(2021)民初1234号"), Err(CaseNumberError::MissingCourtCode));
        assert_eq!(CaseNumber::parse("(2021)执保1号"), Err(CaseNumberError::MissingCourtCode));
        assert_eq!(CaseNumber::parse("(2021)"), Err(CaseNumberError::MissingCourtCode));
        assert_eq!(
            CaseNumber::parse("(2021)湘018民初1号"),
            Err(CaseNumberError::BadCourtCode { found: "湘018".to_owned() })
        );
        assert_eq!(
            CaseNumber::parse("(2021)X0181民初1号"),
            Err(CaseNumberError::BadCourtCode { found: "X0181".to_owned() })
        );
    }

    #[test]
    fn a_missing_or_unknown_case_type_is_reported() {
        assert_eq!(
            CaseNumber::parse("(2021)湘01811234号"),
            Err(CaseNumberError::BadCourtCode { found: "湘01811234".to_owned() })
        );
        assert_eq!(CaseNumber::parse("(2021)湘0181号"), Err(CaseNumberError::MissingCaseType));
        let err = CaseNumber::parse("(2021)湘0181刑初5号").unwrap_err();
        assert_eq!(err, CaseNumberError::UnknownCaseType { found: "刑初".to_owned() });
        assert_eq!(
            err.message(Lang::Zh),
            "“刑初”不是这里能办理的案件类型，可以是：民初、民终、民特、民诉前调、执、执保、财保。"
        );
        // The old pre-2016 style "民初字第" is not a current type code.
        assert!(matches!(
            CaseNumber::parse("(2015)湘0181民初字第5号"),
            Err(CaseNumberError::UnknownCaseType { .. })
        ));
    }

    #[test]
    fn a_missing_zero_or_oversized_number_is_reported() {
        assert_eq!(CaseNumber::parse("(2021)湘0181民初号"), Err(CaseNumberError::MissingNumber));
        assert_eq!(CaseNumber::parse("(2021)湘0181民初"), Err(CaseNumberError::MissingNumber));
        assert_eq!(CaseNumber::parse("(2021)湘0181民初0号"), Err(CaseNumberError::BadNumber));
        assert_eq!(CaseNumber::parse("(2021)湘0181民初99999999999号"), Err(CaseNumberError::BadNumber));
    }

    #[test]
    fn text_after_the_number_is_reported() {
        assert_eq!(
            CaseNumber::parse("(2021)湘0181民初12a34号"),
            Err(CaseNumberError::UnexpectedText { found: "a34号".to_owned() })
        );
        assert_eq!(
            CaseNumber::parse("(2021)湘0181民初1234号之一"),
            Err(CaseNumberError::UnexpectedText { found: "之一".to_owned() })
        );
    }

    #[test]
    fn new_checks_every_part() {
        assert_eq!(
            CaseNumber::new(1900, "湘0181", CaseType::Enforcement, 1),
            Err(CaseNumberError::BadYear { found: "1900".to_owned() })
        );
        assert_eq!(
            CaseNumber::new(2024, "", CaseType::Enforcement, 1),
            Err(CaseNumberError::MissingCourtCode)
        );
        assert!(matches!(
            CaseNumber::new(2024, "0181", CaseType::Enforcement, 1),
            Err(CaseNumberError::BadCourtCode { .. })
        ));
        assert_eq!(
            CaseNumber::new(2024, "湘0181", CaseType::Enforcement, 0),
            Err(CaseNumberError::BadNumber)
        );
        let number = CaseNumber::new(2024, "湘０１８１", CaseType::Enforcement, 3).expect("valid");
        assert_eq!(number.to_string(), "（2024）湘0181执3号");
    }

    #[test]
    fn every_error_has_a_message_in_both_languages() {
        let errors = [
            CaseNumberError::Empty,
            CaseNumberError::MissingYear,
            CaseNumberError::BadYear { found: "21".into() },
            CaseNumberError::MissingCourtCode,
            CaseNumberError::BadCourtCode { found: "湘1".into() },
            CaseNumberError::MissingCaseType,
            CaseNumberError::UnknownCaseType { found: "刑初".into() },
            CaseNumberError::MissingNumber,
            CaseNumberError::BadNumber,
            CaseNumberError::UnexpectedText { found: "x".into() },
        ];
        for err in errors {
            let zh = err.message(Lang::Zh);
            let en = err.message(Lang::En);
            assert!(zh.ends_with('。'), "{zh}");
            assert!(en.ends_with('.'), "{en}");
            assert_eq!(err.to_string(), en);
        }
    }

    #[test]
    fn a_case_number_travels_as_its_canonical_string() {
        let number = CaseNumber::parse("(2021)湘0181民初1234").expect("valid");
        assert_eq!(String::from(number.clone()), CANONICAL);
        assert_eq!(wire::from_str::<CaseNumber>(CANONICAL).ok(), Some(number));
        assert!(wire::from_str::<CaseNumber>("(2021)湘0181刑初1号").is_err());
    }
}
