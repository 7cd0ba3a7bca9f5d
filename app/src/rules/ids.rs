//! Identifiers people type into forms: resident ID numbers, unified social credit codes and
//! mobile numbers (DOMAIN.md §2). Parse, don't validate: once one of these values exists it
//! is valid, in the browser and on the server alike.
//!
//! Input is forgiving where that cannot change the meaning: surrounding spaces are trimmed,
//! full-width digits and letters from a Chinese input method become ASCII, and lowercase
//! letters are accepted and upper-cased.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::dates::CivilDate;
use super::{to_halfwidth, Lang};

/// Which identifier a message is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum IdKind {
    /// 居民身份证号码.
    ResidentId,
    /// 统一社会信用代码.
    CreditCode,
    /// 手机号码.
    Mobile,
}

impl IdKind {
    /// How many characters this identifier has.
    pub fn expected_len(self) -> usize {
        match self {
            IdKind::ResidentId | IdKind::CreditCode => 18,
            IdKind::Mobile => 11,
        }
    }

    /// Name of the identifier, e.g. "身份证号码" / "ID number".
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            IdKind::ResidentId => lang.pick("身份证号码", "ID number"),
            IdKind::CreditCode => lang.pick("统一社会信用代码", "credit code"),
            IdKind::Mobile => lang.pick("手机号码", "mobile number"),
        }
    }
}

/// Why a typed identifier was not accepted. [`IdError::message`] explains it in plain words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum IdError {
    /// Nothing was typed.
    Empty { kind: IdKind },
    /// Too many or too few characters (`len` counts what was typed, after trimming).
    WrongLength { kind: IdKind, len: usize },
    /// The character at `pos` (1-based, counting what was typed) may not appear there.
    BadCharacter { kind: IdKind, pos: usize, found: char },
    /// Characters 7-14 of a resident ID are not a real date.
    BadBirthDate,
    /// The birth date in a resident ID is after today.
    FutureBirthDate,
    /// The check character does not match: at least one character was mistyped.
    BadChecksum { kind: IdKind },
    /// Eleven digits, but not a mainland mobile number (`1[3-9]` + 9 digits).
    NotMobile,
}

impl IdError {
    /// A short, plain sentence that says what is wrong and what to do.
    pub fn message(&self, lang: Lang) -> String {
        match *self {
            IdError::Empty { kind } => match lang {
                Lang::Zh => format!("请填写{}。", kind.label(lang)),
                Lang::En => format!("Please enter the {}.", kind.label(lang)),
            },
            IdError::WrongLength { kind, len } => {
                let n = kind.expected_len();
                match lang {
                    Lang::Zh => format!("{}应为{n}位，您输入了{len}位。", kind.label(lang)),
                    Lang::En => {
                        let unit = if kind == IdKind::Mobile {
                            "digits"
                        } else {
                            "characters"
                        };
                        let article = if kind == IdKind::ResidentId { "An" } else { "A" };
                        format!(
                            "{article} {} has {n} {unit}; you typed {len}.",
                            kind.label(lang)
                        )
                    }
                }
            }
            IdError::BadCharacter { kind, pos, found } => match (kind, lang) {
                (IdKind::ResidentId, Lang::Zh) => format!(
                    "身份证号码第{pos}位的“{found}”不对：前17位都是数字，最后一位是数字或X。"
                ),
                (IdKind::ResidentId, Lang::En) => format!(
                    "Character {pos} (“{found}”) is wrong: an ID number is 17 digits, then a digit or X."
                ),
                (IdKind::CreditCode, Lang::Zh) => format!(
                    "统一社会信用代码第{pos}位的“{found}”不对：只能是数字或大写字母，没有I、O、S、V、Z。"
                ),
                (IdKind::CreditCode, Lang::En) => format!(
                    "Character {pos} (“{found}”) is wrong: a credit code has only digits and capital letters, never I, O, S, V or Z."
                ),
                (IdKind::Mobile, Lang::Zh) => {
                    format!("手机号码第{pos}位的“{found}”不是数字。")
                }
                (IdKind::Mobile, Lang::En) => {
                    format!("Character {pos} (“{found}”) is not a digit.")
                }
            },
            IdError::BadBirthDate => lang
                .pick(
                    "身份证号码第7到14位是出生日期，这个日期不存在，请核对。",
                    "Characters 7 to 14 of an ID number are the date of birth, and this date does not exist. Please check.",
                )
                .to_owned(),
            IdError::FutureBirthDate => lang
                .pick(
                    "身份证号码里的出生日期在今天之后，请核对。",
                    "The date of birth in this ID number is after today. Please check.",
                )
                .to_owned(),
            IdError::BadChecksum { kind } => match kind {
                IdKind::ResidentId => lang.pick(
                    "身份证号码有一位不对，请对照身份证逐位核对。",
                    "One character of this ID number is wrong. Please compare it with your ID card, one character at a time.",
                ),
                IdKind::CreditCode => lang.pick(
                    "统一社会信用代码有一位不对，请对照营业执照逐位核对。",
                    "One character of this credit code is wrong. Please compare it with the business licence, one character at a time.",
                ),
                IdKind::Mobile => lang.pick(
                    "手机号码有一位不对，请核对。",
                    "One digit of this mobile number is wrong. Please check.",
                ),
            }
            .to_owned(),
            IdError::NotMobile => lang
                .pick(
                    "这不是手机号码：手机号码以1开头，第二位是3到9。",
                    "This is not a mobile number: mobile numbers start with 1, then a digit from 3 to 9.",
                )
                .to_owned(),
        }
    }
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for IdError {}

/// The characters of `s` after trimming, each paired with its full-width-normalised form.
fn typed_chars(s: &str) -> Vec<(char, char)> {
    s.trim().chars().map(|c| (c, to_halfwidth(c))).collect()
}

// ---------------------------------------------------------------------------------------------
// Resident ID number
// ---------------------------------------------------------------------------------------------

/// GB 11643-1999 §8.2: weights of the first 17 digits (2^(18-i) mod 11).
const RESIDENT_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// GB 11643-1999 §8.2: check character for (weighted sum mod 11); `X` stands for 10.
const RESIDENT_CHECK: &[u8; 11] = b"10X98765432";

/// A mainland resident ID number (居民身份证号码, GB 11643-1999), always valid.
///
/// `Debug` shows only the masked form, so the number does not leak into logs. On the wire it
/// is the 18-character string.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ResidentId {
    value: String,
    birth: CivilDate,
}

impl ResidentId {
    /// Parses what a person typed. `today` (China time) bounds the birth date.
    ///
    /// Checks, in this order, so the message points at the likeliest mistake: not empty,
    /// 18 characters, digits (and `X` last), a real birth date not after `today`, then the
    /// check character.
    pub fn parse(s: &str, today: CivilDate) -> Result<ResidentId, IdError> {
        Self::parse_inner(s, Some(today))
    }

    fn parse_inner(s: &str, today: Option<CivilDate>) -> Result<ResidentId, IdError> {
        const KIND: IdKind = IdKind::ResidentId;
        let typed = typed_chars(s);
        if typed.is_empty() {
            return Err(IdError::Empty { kind: KIND });
        }
        if typed.len() != 18 {
            return Err(IdError::WrongLength { kind: KIND, len: typed.len() });
        }
        // GB 11643-1999 §5: 6-digit region code, 8-digit birth date, 3-digit sequence, all
        // digits; the check character may be X (a lowercase x is normalised).
        let mut digits = [0u32; 17];
        let mut value = String::with_capacity(18);
        for (i, &(found, c)) in typed.iter().enumerate() {
            let c = c.to_ascii_uppercase();
            match c.to_digit(10) {
                Some(d) if i < 17 => digits[i] = d,
                Some(_) => {}
                None if i == 17 && c == 'X' => {}
                None => return Err(IdError::BadCharacter { kind: KIND, pos: i + 1, found }),
            }
            value.push(c);
        }
        // GB 11643-1999 §5.2: positions 7-14 are the birth date YYYYMMDD; DOMAIN.md §2: it
        // must be a real date and not in the future.
        let number = |range: std::ops::Range<usize>| digits[range].iter().fold(0u32, |acc, &d| acc * 10 + d);
        let birth = i32::try_from(number(6..10))
            .ok()
            .zip(u8::try_from(number(10..12)).ok())
            .zip(u8::try_from(number(12..14)).ok())
            .and_then(|((y, m), d)| CivilDate::new(y, m, d))
            .ok_or(IdError::BadBirthDate)?;
        if today.is_some_and(|today| birth > today) {
            return Err(IdError::FutureBirthDate);
        }
        // GB 11643-1999 §8.2 (ISO 7064 MOD 11-2).
        let sum: u32 = digits.iter().zip(RESIDENT_WEIGHTS).map(|(d, w)| d * w).sum();
        let expected = char::from(RESIDENT_CHECK[(sum % 11) as usize]);
        if value.ends_with(expected) {
            Ok(ResidentId { value, birth })
        } else {
            Err(IdError::BadChecksum { kind: KIND })
        }
    }

    /// The normalised 18 characters (uppercase `X`).
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The date of birth in positions 7-14.
    pub fn birth_date(&self) -> CivilDate {
        self.birth
    }

    /// GB 11643-1999 §5.3: the sequence code (position 17) is odd for men, even for women.
    pub fn is_male(&self) -> bool {
        self.value.as_bytes().get(16).is_some_and(|b| (b - b'0') % 2 == 1)
    }

    /// The first 4 and last 4 characters, the rest hidden: `4301**********1239`.
    pub fn masked(&self) -> String {
        mask(&self.value, 4, 4)
    }
}

impl fmt::Debug for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ResidentId").field(&self.masked()).finish()
    }
}

/// Deserialising cannot know "today", so it checks everything except that the birth date is
/// not in the future (a stored ID was checked against its own day when first parsed).
impl TryFrom<String> for ResidentId {
    type Error = IdError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse_inner(&s, None)
    }
}

impl From<ResidentId> for String {
    fn from(id: ResidentId) -> String {
        id.value
    }
}

/// Keeps `head` leading and `tail` trailing ASCII characters and stars the rest.
fn mask(s: &str, head: usize, tail: usize) -> String {
    let len = s.len();
    let hidden = len.saturating_sub(head + tail);
    let mut out = String::with_capacity(len);
    out.push_str(s.get(..head).unwrap_or(""));
    out.extend(std::iter::repeat_n('*', hidden));
    out.push_str(s.get(len - tail.min(len)..).unwrap_or(""));
    out
}

// ---------------------------------------------------------------------------------------------
// Unified social credit code
// ---------------------------------------------------------------------------------------------

/// GB 32100-2015 §4: the 31 characters of the code, in value order (no I, O, S, V, Z).
const CREDIT_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// GB 32100-2015 §5: weights of positions 1-17 (3^(i-1) mod 31).
const CREDIT_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// A unified social credit code (统一社会信用代码, GB 32100-2015) of a company or other
/// organisation, always valid. Public information, so `Debug` and `Display` show it whole.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

impl CreditCode {
    /// Parses what a person typed; lowercase letters are accepted and upper-cased.
    pub fn parse(s: &str) -> Result<CreditCode, IdError> {
        const KIND: IdKind = IdKind::CreditCode;
        let typed = typed_chars(s);
        if typed.is_empty() {
            return Err(IdError::Empty { kind: KIND });
        }
        if typed.len() != 18 {
            return Err(IdError::WrongLength { kind: KIND, len: typed.len() });
        }
        let mut values = [0u32; 18];
        let mut code = String::with_capacity(18);
        for (i, &(found, c)) in typed.iter().enumerate() {
            let c = c.to_ascii_uppercase();
            let value = u8::try_from(c)
                .ok()
                .and_then(|b| CREDIT_ALPHABET.iter().position(|&a| a == b))
                .ok_or(IdError::BadCharacter { kind: KIND, pos: i + 1, found })?;
            values[i] = value as u32;
            code.push(c);
        }
        // GB 32100-2015 §5: c18 = 31 - (Σ ci·wi mod 31), where 31 means 0.
        let sum: u32 = values[..17].iter().zip(CREDIT_WEIGHTS).map(|(v, w)| v * w).sum();
        if values[17] == (31 - sum % 31) % 31 {
            Ok(CreditCode(code))
        } else {
            Err(IdError::BadChecksum { kind: KIND })
        }
    }

    /// The normalised 18 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for CreditCode {
    type Error = IdError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<CreditCode> for String {
    fn from(code: CreditCode) -> String {
        code.0
    }
}

// ---------------------------------------------------------------------------------------------
// Mobile number
// ---------------------------------------------------------------------------------------------

/// A mainland mobile number, 11 digits matching `1[3-9]\d{9}` (DOMAIN.md §2), always valid.
///
/// `Debug` shows only the masked form. On the wire it is the 11-digit string.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Mobile(String);

impl Mobile {
    /// Parses what a person typed: spaces and dashes between digits are ignored, and a
    /// country prefix `+86`, `0086` or `86` is removed.
    pub fn parse(s: &str) -> Result<Mobile, IdError> {
        const KIND: IdKind = IdKind::Mobile;
        // (position typed, 1-based; normalised char), separators dropped.
        let mut kept: Vec<(usize, char, char)> = typed_chars(s)
            .into_iter()
            .enumerate()
            .filter(|&(_, (_, c))| c != '-' && !c.is_whitespace())
            .map(|(i, (found, c))| (i + 1, found, c))
            .collect();
        if kept.is_empty() {
            return Err(IdError::Empty { kind: KIND });
        }
        let text: String = kept.iter().map(|&(_, _, c)| c).collect();
        let prefix = if text.starts_with("+86") {
            3
        } else if text.starts_with("0086") && text.len() == 15 {
            4
        } else if text.starts_with("86") && text.len() == 13 {
            2
        } else {
            0
        };
        kept.drain(..prefix);
        if let Some(&(pos, found, _)) = kept.iter().find(|&&(_, _, c)| !c.is_ascii_digit()) {
            return Err(IdError::BadCharacter { kind: KIND, pos, found });
        }
        let digits: String = kept.iter().map(|&(_, _, c)| c).collect();
        if digits.len() != 11 {
            return Err(IdError::WrongLength { kind: KIND, len: digits.len() });
        }
        let bytes = digits.as_bytes();
        if bytes[0] != b'1' || !(b'3'..=b'9').contains(&bytes[1]) {
            return Err(IdError::NotMobile);
        }
        Ok(Mobile(digits))
    }

    /// The 11 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first 3 and last 4 digits, the rest hidden: `138****1234`.
    pub fn masked(&self) -> String {
        mask(&self.0, 3, 4)
    }
}

impl fmt::Debug for Mobile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Mobile").field(&self.masked()).finish()
    }
}

impl TryFrom<String> for Mobile {
    type Error = IdError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Mobile> for String {
    fn from(mobile: Mobile) -> String {
        mobile.0
    }
}

#[cfg(test)]
mod tests {
    use super::super::wire;
    use super::*;

    fn today() -> CivilDate {
        CivilDate::new(2024, 6, 1).expect("valid date")
    }

    fn date(y: i32, m: u8, d: u8) -> CivilDate {
        CivilDate::new(y, m, d).expect("valid date")
    }

    // Check characters below were computed with the GB 11643-1999 algorithm.
    const LIUYANG_MAN: &str = "430181198001011239";
    const LEAP_DAY_WOMAN: &str = "430181200002294568";
    const ENDS_IN_X: &str = "11010519491231002X";

    #[test]
    fn a_valid_resident_id_is_accepted_with_its_birth_date_and_sex() {
        let id = ResidentId::parse(LIUYANG_MAN, today()).expect("valid");
        assert_eq!(id.as_str(), LIUYANG_MAN);
        assert_eq!(id.birth_date(), date(1980, 1, 1));
        assert!(id.is_male());

        let id = ResidentId::parse(LEAP_DAY_WOMAN, today()).expect("valid");
        assert_eq!(id.birth_date(), date(2000, 2, 29));
        assert!(!id.is_male());

        let id = ResidentId::parse("430181199003070018", today()).expect("valid");
        assert!(id.is_male());
    }

    #[test]
    fn a_lowercase_x_is_accepted_and_normalised_to_uppercase() {
        let id = ResidentId::parse("11010519491231002x", today()).expect("valid");
        assert_eq!(id.as_str(), ENDS_IN_X);
        assert_eq!(id.birth_date(), date(1949, 12, 31));
        assert!(!id.is_male());
    }

    #[test]
    fn surrounding_spaces_and_full_width_digits_are_tolerated() {
        let id = ResidentId::parse("  430181198001011239\n", today()).expect("valid");
        assert_eq!(id.as_str(), LIUYANG_MAN);
        let id = ResidentId::parse("\u{3000}４３０１８１１９８００１０１１２３９", today()).expect("valid");
        assert_eq!(id.as_str(), LIUYANG_MAN);
        let id = ResidentId::parse("11010519491231002ｘ", today()).expect("valid");
        assert_eq!(id.as_str(), ENDS_IN_X);
    }

    #[test]
    fn an_empty_resident_id_is_reported_as_empty() {
        for s in ["", "   ", "\u{3000}"] {
            assert_eq!(ResidentId::parse(s, today()), Err(IdError::Empty { kind: IdKind::ResidentId }));
        }
    }

    #[test]
    fn a_resident_id_of_the_wrong_length_says_how_many_were_typed() {
        let err = ResidentId::parse("43018119800101123", today()).unwrap_err();
        assert_eq!(err, IdError::WrongLength { kind: IdKind::ResidentId, len: 17 });
        assert_eq!(err.message(Lang::Zh), "身份证号码应为18位，您输入了17位。");
        assert_eq!(err.message(Lang::En), "An ID number has 18 characters; you typed 17.");
        // The old 15-digit IDs (before 1999) are no longer valid for filing.
        assert!(matches!(
            ResidentId::parse("430181800101123", today()),
            Err(IdError::WrongLength { len: 15, .. })
        ));
    }

    #[test]
    fn a_letter_inside_a_resident_id_is_reported_at_its_position() {
        assert_eq!(
            ResidentId::parse("4301811980O1011239", today()),
            Err(IdError::BadCharacter { kind: IdKind::ResidentId, pos: 11, found: 'O' })
        );
        // X is allowed only in the last place.
        assert!(matches!(
            ResidentId::parse("X30181198001011239", today()),
            Err(IdError::BadCharacter { pos: 1, .. })
        ));
        assert!(matches!(
            ResidentId::parse("43018119800101123Y", today()),
            Err(IdError::BadCharacter { pos: 18, found: 'Y', .. })
        ));
    }

    #[test]
    fn a_resident_id_with_an_impossible_birth_date_is_rejected() {
        // 2023-02-29 does not exist; 1900-02-29 neither (1900 was not a leap year).
        assert_eq!(ResidentId::parse("430181202302291234", today()), Err(IdError::BadBirthDate));
        assert_eq!(ResidentId::parse("430181190002291234", today()), Err(IdError::BadBirthDate));
        assert_eq!(ResidentId::parse("430181198013011234", today()), Err(IdError::BadBirthDate));
    }

    #[test]
    fn a_resident_id_born_after_today_is_rejected() {
        // Born 2024-01-01 (checksum valid): fine on 2024-06-01, in the future on 2023-12-31.
        let id = "430181202401010023";
        assert!(ResidentId::parse(id, today()).is_ok());
        assert!(ResidentId::parse(id, date(2024, 1, 1)).is_ok());
        assert_eq!(ResidentId::parse(id, date(2023, 12, 31)), Err(IdError::FutureBirthDate));
    }

    #[test]
    fn a_mistyped_resident_id_fails_the_checksum() {
        assert_eq!(
            ResidentId::parse("430181198001011238", today()),
            Err(IdError::BadChecksum { kind: IdKind::ResidentId })
        );
        // Two swapped digits.
        assert!(matches!(ResidentId::parse("430181198001011329", today()), Err(IdError::BadChecksum { .. })));
    }

    #[test]
    fn a_resident_id_is_masked_and_never_debug_printed_whole() {
        let id = ResidentId::parse(LIUYANG_MAN, today()).expect("valid");
        assert_eq!(id.masked(), "4301**********1239");
        assert_eq!(format!("{id:?}"), "ResidentId(\"4301**********1239\")");
    }

    #[test]
    fn a_resident_id_travels_as_a_string_and_is_checked_on_arrival() {
        let id = ResidentId::parse(LIUYANG_MAN, today()).expect("valid");
        assert_eq!(String::from(id.clone()), LIUYANG_MAN);
        assert_eq!(wire::from_str::<ResidentId>(LIUYANG_MAN).ok(), Some(id));
        assert!(wire::from_str::<ResidentId>("11010519491231002x").is_ok());
        assert!(wire::from_str::<ResidentId>("430181198001011238").is_err());
    }

    #[test]
    fn every_resident_id_error_has_a_chinese_and_an_english_message() {
        let errors = [
            IdError::Empty { kind: IdKind::ResidentId },
            IdError::WrongLength { kind: IdKind::ResidentId, len: 3 },
            IdError::BadCharacter { kind: IdKind::ResidentId, pos: 3, found: 'a' },
            IdError::BadBirthDate,
            IdError::FutureBirthDate,
            IdError::BadChecksum { kind: IdKind::ResidentId },
        ];
        for err in errors {
            let zh = err.message(Lang::Zh);
            let en = err.message(Lang::En);
            assert!(zh.ends_with('。'), "{zh}");
            assert!(en.ends_with('.'), "{en}");
            assert_eq!(err.to_string(), en);
        }
        assert_eq!(
            IdError::BadCharacter { kind: IdKind::ResidentId, pos: 11, found: 'O' }.message(Lang::Zh),
            "身份证号码第11位的“O”不对：前17位都是数字，最后一位是数字或X。"
        );
    }

    #[test]
    fn valid_credit_codes_are_accepted_and_upper_cased() {
        // A commonly cited valid code, and codes whose check characters were computed with
        // the GB 32100-2015 algorithm (one checks to a letter, one to 'B').
        for code in ["91350100M000100Y43", "91430181MA4L01111T", "12430000006941008B", "91110000600037341L"] {
            let parsed = CreditCode::parse(code).expect(code);
            assert_eq!(parsed.as_str(), code);
            assert_eq!(parsed.to_string(), code);
        }
        let parsed = CreditCode::parse(" 91350100m000100y43 ").expect("lowercase");
        assert_eq!(parsed.as_str(), "91350100M000100Y43");
    }

    #[test]
    fn credit_code_errors_point_at_the_problem() {
        assert_eq!(CreditCode::parse(""), Err(IdError::Empty { kind: IdKind::CreditCode }));
        assert_eq!(
            CreditCode::parse("91350100M000100Y4"),
            Err(IdError::WrongLength { kind: IdKind::CreditCode, len: 17 })
        );
        // 'O' (letter) is not in the alphabet: people mean the digit 0.
        assert_eq!(
            CreditCode::parse("91350100MO00100Y43"),
            Err(IdError::BadCharacter { kind: IdKind::CreditCode, pos: 10, found: 'O' })
        );
        for forbidden in ['I', 'S', 'V', 'Z', '-'] {
            let code = format!("9135010{forbidden}M000100Y43");
            assert!(matches!(CreditCode::parse(&code), Err(IdError::BadCharacter { pos: 8, .. })), "{code}");
        }
        assert_eq!(
            CreditCode::parse("91350100M000100Y44"),
            Err(IdError::BadChecksum { kind: IdKind::CreditCode })
        );
        assert_eq!(
            IdError::WrongLength { kind: IdKind::CreditCode, len: 17 }.message(Lang::Zh),
            "统一社会信用代码应为18位，您输入了17位。"
        );
    }

    #[test]
    fn a_credit_code_travels_as_a_string_and_is_checked_on_arrival() {
        let code = CreditCode::parse("91350100M000100Y43").expect("valid");
        assert_eq!(String::from(code.clone()), "91350100M000100Y43");
        assert_eq!(wire::from_str::<CreditCode>("91350100M000100Y43").ok(), Some(code));
        assert!(wire::from_str::<CreditCode>("91350100M000100Y44").is_err());
    }

    #[test]
    fn mobile_numbers_are_normalised_to_eleven_digits() {
        for typed in [
            "13812341234",
            " 138 1234 1234 ",
            "138-1234-1234",
            "+86 138 1234 1234",
            "+8613812341234",
            "8613812341234",
            "0086 138 1234 1234",
            "１３８１２３４１２３４",
        ] {
            let mobile = Mobile::parse(typed).expect(typed);
            assert_eq!(mobile.as_str(), "13812341234", "{typed}");
        }
        assert!(Mobile::parse("19900000000").is_ok());
    }

    #[test]
    fn a_mobile_number_is_masked_in_the_middle() {
        let mobile = Mobile::parse("13812341234").expect("valid");
        assert_eq!(mobile.masked(), "138****1234");
        assert_eq!(format!("{mobile:?}"), "Mobile(\"138****1234\")");
    }

    #[test]
    fn mobile_number_errors_point_at_the_problem() {
        assert_eq!(Mobile::parse(" - "), Err(IdError::Empty { kind: IdKind::Mobile }));
        assert_eq!(Mobile::parse("1381234123"), Err(IdError::WrongLength { kind: IdKind::Mobile, len: 10 }));
        assert_eq!(
            Mobile::parse("138 1234 12a4"),
            Err(IdError::BadCharacter { kind: IdKind::Mobile, pos: 12, found: 'a' })
        );
        // A '+' that is not the start of +86.
        assert!(matches!(
            Mobile::parse("+44 7911 123456"),
            Err(IdError::BadCharacter { pos: 1, found: '+', .. })
        ));
        // Landline-like and 12x numbers are not mobiles.
        assert_eq!(Mobile::parse("12812341234"), Err(IdError::NotMobile));
        assert_eq!(Mobile::parse("07318888888"), Err(IdError::NotMobile));
        assert_eq!(
            Mobile::parse("1381234123").unwrap_err().message(Lang::En),
            "A mobile number has 11 digits; you typed 10."
        );
        assert_eq!(IdError::NotMobile.message(Lang::Zh), "这不是手机号码：手机号码以1开头，第二位是3到9。");
    }

    #[test]
    fn a_mobile_number_travels_as_eleven_digits_and_is_checked_on_arrival() {
        let mobile = Mobile::parse("138-1234-1234").expect("valid");
        assert_eq!(String::from(mobile.clone()), "13812341234");
        assert_eq!(wire::from_str::<Mobile>("13812341234").ok(), Some(mobile));
        assert!(wire::from_str::<Mobile>("12812341234").is_err());
    }
}
