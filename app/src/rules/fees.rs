//! Litigation fees (诉讼费用) under 诉讼费用交纳办法 (State Council Order No. 481, 2007).
//!
//! Pure rules, no I/O: the browser runs them for instant feedback, the server for authority.
//!
//! Money is integer fen (分) and there is no floating point anywhere. Every rate in the
//! statute is a whole number of tenths of a percent, so a bracket is
//! `part_in_fen × permille / 1000`, computed exactly in integers.
//!
//! Rounding (our choice; the statute is silent): where a line's exact value has a fraction of
//! a fen, that line is rounded half up (0.5 fen -> 1 fen) on its own. This applies to each
//! bracket line, to the halving line (art. 15/16) and to the one-third line of a payment order
//! (art. 14(3)). `FeeQuote::total` is always exactly the sum of the lines shown.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The largest amount accepted anywhere: 10^12 yuan. Anything above is a typing slip, and
/// the bound keeps every product below far inside `i64`.
const MAX_YUAN: i64 = 1_000_000_000_000;

// Sources, as shown to the user next to each line.
const ART_8_1: &str = "诉讼费用交纳办法 第8条第1项";
const ART_13_1: &str = "诉讼费用交纳办法 第13条第1项";
const ART_13_2_1: &str = "诉讼费用交纳办法 第13条第2项第1目";
const ART_13_2_2: &str = "诉讼费用交纳办法 第13条第2项第2目";
const ART_13_2_3: &str = "诉讼费用交纳办法 第13条第2项第3目";
const ART_13_3: &str = "诉讼费用交纳办法 第13条第3项";
const ART_13_3_PROPERTY: &str = "诉讼费用交纳办法 第13条第3项（按第13条第1项）";
const ART_13_4: &str = "诉讼费用交纳办法 第13条第4项";
const ART_13_5_1: &str = "诉讼费用交纳办法 第13条第5项第1目";
const ART_13_5_2: &str = "诉讼费用交纳办法 第13条第5项第2目";
const ART_13_6: &str = "诉讼费用交纳办法 第13条第6项";
const ART_14_1_1: &str = "诉讼费用交纳办法 第14条第1项第1目";
const ART_14_1_2: &str = "诉讼费用交纳办法 第14条第1项第2目";
const ART_14_2: &str = "诉讼费用交纳办法 第14条第2项";
const ART_14_3: &str = "诉讼费用交纳办法 第14条第3项";
const ART_14_3_PROPERTY: &str = "诉讼费用交纳办法 第14条第3项（按第13条第1项）";
const ART_14_4: &str = "诉讼费用交纳办法 第14条第4项";
const ART_15: &str = "诉讼费用交纳办法 第15条";
const ART_16: &str = "诉讼费用交纳办法 第16条";

// ---------------------------------------------------------------------------------------------
// Money
// ---------------------------------------------------------------------------------------------

/// An amount of money in integer fen (1 yuan = 100 fen). Serialised as a plain integer.
///
/// It may be negative: a quote's halving and cap lines are deductions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fen(pub i64);

impl Fen {
    pub const ZERO: Fen = Fen(0);
    /// The largest amount accepted: 10^12 yuan.
    pub const MAX: Fen = Fen(MAX_YUAN * 100);

    /// Whole yuan to fen (saturating, so a silly constant cannot overflow).
    pub const fn from_yuan(yuan: i64) -> Fen {
        Fen(yuan.saturating_mul(100))
    }

    pub const fn as_fen(self) -> i64 {
        self.0
    }

    /// Parses what a litigant types: `150000`, `150000.5`, `1,500.00`, `１５００`,
    /// ` 1500 元 `, `¥1500`. Rejects negatives, more than two decimals, empty input,
    /// anything that is not a number, and amounts above 10^12 yuan.
    pub fn parse_yuan(input: &str) -> Result<Fen, FeeError> {
        let normalised: String = input.chars().map(to_half_width).collect();
        let s = normalised.trim();
        let s = s.strip_suffix('元').unwrap_or(s).trim_end();
        let s = s.strip_prefix('¥').unwrap_or(s).trim_start();
        if s.is_empty() {
            return Err(FeeError::Empty);
        }
        if let Some(rest) = s.strip_prefix('-') {
            return Err(match rest.trim_start().bytes().next() {
                Some(b) if b.is_ascii_digit() => FeeError::Negative,
                _ => FeeError::NotANumber,
            });
        }

        let (int_part, frac_part) = match s.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (s, None),
        };
        let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        // Thousands separators are accepted only where they belong: 1,500 or 1,234,567.
        let grouped_ok = {
            let mut groups = int_part.split(',');
            let first_ok =
                groups.next().is_some_and(|g| all_digits(g) && (g.len() <= 3 || !int_part.contains(',')));
            first_ok && groups.all(|g| g.len() == 3 && all_digits(g))
        };
        if !grouped_ok {
            return Err(FeeError::NotANumber);
        }
        let cents = match frac_part {
            None => 0,
            Some(f) if !all_digits(f) => return Err(FeeError::NotANumber),
            Some(f) if f.len() > 2 => return Err(FeeError::TooManyDecimals),
            Some(f) => f
                .bytes()
                .chain(std::iter::repeat(b'0'))
                .take(2)
                .fold(0, |acc, b| acc * 10 + i64::from(b - b'0')),
        };
        let mut yuan: i64 = 0;
        for b in int_part.bytes().filter(u8::is_ascii_digit) {
            yuan = yuan * 10 + i64::from(b - b'0');
            if yuan > MAX_YUAN {
                return Err(FeeError::TooLarge);
            }
        }
        let fen = Fen(yuan * 100 + cents);
        if fen > Fen::MAX {
            return Err(FeeError::TooLarge);
        }
        Ok(fen)
    }

    /// `3,300.00`: thousands separators, always two decimals, no unit.
    pub fn format_yuan(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", group_thousands(abs / 100), abs % 100)
    }
}

impl Fen {
    /// The amount in Chinese capitals (大写金额), as a receipt states it: 叁仟叁佰元整,
    /// 壹万零伍元伍角整, 叁佰贰拾伍元零肆分. Rules of 会计基础工作规范 (财会字〔1996〕19号)
    /// art. 52: 整 after 元 or 角, none after 分; one 零 for a run of zeros inside the number;
    /// 零 before 分 when 角 is zero. Negative amounts are not receipts and get a leading 负.
    pub fn in_capitals(self) -> String {
        const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
        let mut out = String::new();
        if self.0 < 0 {
            out.push('负');
        }
        let abs = self.0.unsigned_abs();
        let (yuan, jiao, fen) = (abs / 100, (abs / 10 % 10) as usize, (abs % 10) as usize);
        if yuan > 0 {
            out.push_str(&integer_in_capitals(yuan));
            out.push('元');
        }
        match (jiao, fen) {
            (0, 0) if yuan == 0 => out.push_str("零元整"),
            (0, 0) => out.push('整'),
            (j, 0) => {
                out.push(DIGITS[j]);
                out.push_str("角整");
            }
            (0, f) => {
                if yuan > 0 {
                    out.push('零');
                }
                out.push(DIGITS[f]);
                out.push('分');
            }
            (j, f) => {
                out.push(DIGITS[j]);
                out.push('角');
                out.push(DIGITS[f]);
                out.push('分');
            }
        }
        out
    }
}

/// A whole number in capitals, by groups of four digits (万, 亿): 壹拾万零伍.
fn integer_in_capitals(n: u64) -> String {
    const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
    const PLACES: [&str; 4] = ["", "拾", "佰", "仟"];
    const GROUPS: [&str; 4] = ["", "万", "亿", "万亿"];
    let mut groups = Vec::new();
    let mut rest = n;
    while rest > 0 {
        groups.push((rest % 10_000) as usize);
        rest /= 10_000;
    }
    let mut out = String::new();
    // A zero is owed when zeros were skipped and a non-zero digit follows.
    let mut zero_owed = false;
    for (g, &group) in groups.iter().enumerate().rev() {
        if group == 0 {
            zero_owed = !out.is_empty();
            continue;
        }
        for place in (0..4).rev() {
            let d = group / 10_usize.pow(place as u32) % 10;
            if d == 0 {
                zero_owed = zero_owed || !out.is_empty();
                continue;
            }
            if zero_owed {
                out.push('零');
                zero_owed = false;
            }
            out.push(DIGITS[d]);
            out.push_str(PLACES[place]);
        }
        out.push_str(GROUPS[g]);
        // Zeros ending a group are not read (壹拾万柒仟); a group below 1,000 after it
        // owes its 零 through its own leading zero (壹万零伍).
        zero_owed = false;
    }
    out
}

impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format_yuan())
    }
}

/// Full-width forms (０-９, ．, ，, －, ￥) and the Unicode minus sign to their ASCII twins.
fn to_half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{FFE5}' => '¥',
        '\u{2212}' => '-',
        _ => c,
    }
}

fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Short form for labels: `50` for whole yuan, `150.50` otherwise.
fn short_yuan(fen: i64) -> String {
    if fen % 100 == 0 {
        group_thousands(fen.unsigned_abs() / 100)
    } else {
        Fen(fen).format_yuan()
    }
}

/// Bracket bounds the way the statute writes them: `1万元`, `1000元`.
fn wan(yuan: i64) -> String {
    if yuan >= 10_000 && yuan % 10_000 == 0 {
        format!("{}万元", yuan / 10_000)
    } else {
        format!("{yuan}元")
    }
}

/// A rate in ‰ as a percentage: 25 -> `2.5%`, 20 -> `2%`.
fn percent(permille: i64) -> String {
    if permille % 10 == 0 {
        format!("{}%", permille / 10)
    } else {
        format!("{}.{}%", permille / 10, permille % 10)
    }
}

/// `n / d` rounded half up, for `n >= 0`, `d > 0`.
fn div_half_up(n: i128, d: i128) -> i64 {
    ((2 * n + d) / (2 * d)) as i64
}

// ---------------------------------------------------------------------------------------------
// Requests and settings
// ---------------------------------------------------------------------------------------------

/// What the fee is for. The first nine are acceptance fees (案件受理费, art. 7, 13); the next
/// four are application fees (申请费, art. 10, 14); special procedure pays nothing (art. 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeKind {
    /// 财产案件 (art. 13(1)).
    Property,
    /// 离婚案件 (art. 13(2)1).
    Divorce,
    /// 人格权案件 (art. 13(2)2).
    Personality,
    /// 其他非财产案件 (art. 13(2)3).
    OtherNonProperty,
    /// 知识产权民事案件 (art. 13(3)).
    Ip,
    /// 劳动争议案件 (art. 13(4)).
    Labor,
    /// 行政案件 (art. 13(5)); needs an [`AdministrativeKind`].
    Administrative,
    /// 管辖权异议不成立 (art. 13(6)).
    JurisdictionObjection,
    /// 申请执行 (art. 14(1)).
    Enforcement,
    /// 申请保全 (art. 14(2)).
    Preservation,
    /// 申请支付令 (art. 14(3)).
    PaymentOrder,
    /// 申请公示催告 (art. 14(4)).
    PublicSummons,
    /// 特别程序案件, including judicial confirmation (民特) (art. 8(1)).
    SpecialProcedure,
}

impl FeeKind {
    pub const ALL: [FeeKind; 13] = [
        FeeKind::Property,
        FeeKind::Divorce,
        FeeKind::Personality,
        FeeKind::OtherNonProperty,
        FeeKind::Ip,
        FeeKind::Labor,
        FeeKind::Administrative,
        FeeKind::JurisdictionObjection,
        FeeKind::Enforcement,
        FeeKind::Preservation,
        FeeKind::PaymentOrder,
        FeeKind::PublicSummons,
        FeeKind::SpecialProcedure,
    ];

    /// Application fees (申请费, art. 10, 14). Halving (art. 15, 16) covers only acceptance
    /// fees, so it never applies to these.
    pub fn is_application_fee(self) -> bool {
        matches!(
            self,
            FeeKind::Enforcement | FeeKind::Preservation | FeeKind::PaymentOrder | FeeKind::PublicSummons
        )
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            FeeKind::Property => "财产案件",
            FeeKind::Divorce => "离婚案件",
            FeeKind::Personality => "人格权案件",
            FeeKind::OtherNonProperty => "其他非财产案件",
            FeeKind::Ip => "知识产权民事案件",
            FeeKind::Labor => "劳动争议案件",
            FeeKind::Administrative => "行政案件",
            FeeKind::JurisdictionObjection => "管辖权异议",
            FeeKind::Enforcement => "申请执行",
            FeeKind::Preservation => "申请保全",
            FeeKind::PaymentOrder => "申请支付令",
            FeeKind::PublicSummons => "申请公示催告",
            FeeKind::SpecialProcedure => "特别程序案件",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            FeeKind::Property => "property case",
            FeeKind::Divorce => "divorce case",
            FeeKind::Personality => "personality-rights case",
            FeeKind::OtherNonProperty => "other non-property case",
            FeeKind::Ip => "intellectual-property case",
            FeeKind::Labor => "labour dispute",
            FeeKind::Administrative => "administrative case",
            FeeKind::JurisdictionObjection => "jurisdiction objection",
            FeeKind::Enforcement => "enforcement application",
            FeeKind::Preservation => "preservation application",
            FeeKind::PaymentOrder => "payment-order application",
            FeeKind::PublicSummons => "public-summons application",
            FeeKind::SpecialProcedure => "special-procedure case",
        }
    }
}

/// Small claims (小额诉讼) are a form of simplified procedure, so they halve too (art. 16).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Procedure {
    #[default]
    Ordinary,
    Simplified,
    SmallClaims,
}

impl From<super::lifecycle::Procedure> for Procedure {
    fn from(p: super::lifecycle::Procedure) -> Procedure {
        match p {
            super::lifecycle::Procedure::SmallClaims => Procedure::SmallClaims,
            super::lifecycle::Procedure::Simplified => Procedure::Simplified,
            super::lifecycle::Procedure::Ordinary => Procedure::Ordinary,
        }
    }
}

/// How the case closed, where it changes the fee (art. 15). A judgment changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Mediated,
    Withdrawn,
}

/// Art. 13(5): trademark, patent and maritime administrative cases pay more than the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdministrativeKind {
    TrademarkPatentMaritime,
    Other,
}

/// What to quote. Build with [`FeeRequest::new`] and struct update syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeeRequest {
    pub kind: FeeKind,
    /// Property, payment order: the amount claimed (required). IP: the amount in dispute, if
    /// any. Divorce: the total property to split, if any. Enforcement: the amount to enforce,
    /// if any. Preservation: the property actually preserved, if any. Others: must be `None`.
    #[serde(default)]
    pub amount: Option<Fen>,
    /// Personality-rights cases only: the damages claimed, if any.
    #[serde(default)]
    pub damages: Option<Fen>,
    #[serde(default)]
    pub procedure: Procedure,
    #[serde(default)]
    pub outcome: Option<Outcome>,
    /// Administrative cases only, and required for them.
    #[serde(default)]
    pub administrative: Option<AdministrativeKind>,
    /// The claim is for unpaid labour pay (追索劳动报酬): no prepayment (art. 20).
    #[serde(default)]
    pub claims_unpaid_wages: bool,
}

impl FeeRequest {
    pub const fn new(kind: FeeKind) -> FeeRequest {
        FeeRequest {
            kind,
            amount: None,
            damages: None,
            procedure: Procedure::Ordinary,
            outcome: None,
            administrative: None,
            claims_unpaid_wages: false,
        }
    }
}

/// A per-case amount the statute gives as a range, for the court (or the province, art. 13
/// last paragraph) to fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeSetting {
    /// 50–300 yuan (art. 13(2)1).
    Divorce,
    /// 100–500 yuan (art. 13(2)2).
    Personality,
    /// 50–100 yuan (art. 13(2)3).
    OtherNonProperty,
    /// 500–1,000 yuan (art. 13(3)).
    IpWithoutAmount,
    /// 50–100 yuan (art. 13(6)).
    JurisdictionObjection,
    /// 50–500 yuan (art. 14(1)1).
    EnforcementWithoutAmount,
}

impl FeeSetting {
    pub const ALL: [FeeSetting; 6] = [
        FeeSetting::Divorce,
        FeeSetting::Personality,
        FeeSetting::OtherNonProperty,
        FeeSetting::IpWithoutAmount,
        FeeSetting::JurisdictionObjection,
        FeeSetting::EnforcementWithoutAmount,
    ];

    /// The statutory range, both ends allowed.
    pub const fn range(self) -> (Fen, Fen) {
        let (min, max) = match self {
            FeeSetting::Divorce => (50, 300),
            FeeSetting::Personality => (100, 500),
            FeeSetting::OtherNonProperty => (50, 100),
            FeeSetting::IpWithoutAmount => (500, 1_000),
            FeeSetting::JurisdictionObjection => (50, 100),
            FeeSetting::EnforcementWithoutAmount => (50, 500),
        };
        (Fen::from_yuan(min), Fen::from_yuan(max))
    }

    pub fn source(self) -> &'static str {
        match self {
            FeeSetting::Divorce => ART_13_2_1,
            FeeSetting::Personality => ART_13_2_2,
            FeeSetting::OtherNonProperty => ART_13_2_3,
            FeeSetting::IpWithoutAmount => ART_13_3,
            FeeSetting::JurisdictionObjection => ART_13_6,
            FeeSetting::EnforcementWithoutAmount => ART_14_1_1,
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            FeeSetting::Divorce => "离婚案件",
            FeeSetting::Personality => "人格权案件",
            FeeSetting::OtherNonProperty => "其他非财产案件",
            FeeSetting::IpWithoutAmount => "没有争议金额的知识产权民事案件",
            FeeSetting::JurisdictionObjection => "管辖权异议不成立的",
            FeeSetting::EnforcementWithoutAmount => "没有执行金额的申请执行",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            FeeSetting::Divorce => "Divorce case",
            FeeSetting::Personality => "Personality-rights case",
            FeeSetting::OtherNonProperty => "Other non-property case",
            FeeSetting::IpWithoutAmount => "IP case with no amount in dispute",
            FeeSetting::JurisdictionObjection => "Rejected jurisdiction objection",
            FeeSetting::EnforcementWithoutAmount => "Enforcement with no amount",
        }
    }
}

/// Unchecked per-case amounts, as an admin form or a config file holds them.
/// Turn into [`CourtFeeSettings`] with [`CourtFeeSettings::new`].
///
/// Defaults: the statutory minimum of each range (divorce 50, personality 100, other
/// non-property 50, IP without amount 500, jurisdiction objection 50, enforcement without
/// amount 50 yuan), so an unconfigured court never quotes more than the law allows anywhere.
/// Each court should set its province's published standard (art. 13 last paragraph).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourtFeeSettingsInput {
    pub divorce: Fen,
    pub personality: Fen,
    pub other_non_property: Fen,
    pub ip_without_amount: Fen,
    pub jurisdiction_objection: Fen,
    pub enforcement_without_amount: Fen,
}

impl CourtFeeSettingsInput {
    pub fn get(&self, setting: FeeSetting) -> Fen {
        match setting {
            FeeSetting::Divorce => self.divorce,
            FeeSetting::Personality => self.personality,
            FeeSetting::OtherNonProperty => self.other_non_property,
            FeeSetting::IpWithoutAmount => self.ip_without_amount,
            FeeSetting::JurisdictionObjection => self.jurisdiction_objection,
            FeeSetting::EnforcementWithoutAmount => self.enforcement_without_amount,
        }
    }
}

impl Default for CourtFeeSettingsInput {
    fn default() -> Self {
        let min = |s: FeeSetting| s.range().0;
        CourtFeeSettingsInput {
            divorce: min(FeeSetting::Divorce),
            personality: min(FeeSetting::Personality),
            other_non_property: min(FeeSetting::OtherNonProperty),
            ip_without_amount: min(FeeSetting::IpWithoutAmount),
            jurisdiction_objection: min(FeeSetting::JurisdictionObjection),
            enforcement_without_amount: min(FeeSetting::EnforcementWithoutAmount),
        }
    }
}

/// Per-case amounts, each inside its statutory range. Only [`CourtFeeSettings::new`] (also
/// used when deserialising) makes one, so a value that exists is lawful.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CourtFeeSettingsInput", into = "CourtFeeSettingsInput")]
pub struct CourtFeeSettings(CourtFeeSettingsInput);

impl CourtFeeSettings {
    /// Refuses any amount outside its statutory range (art. 13(2), (3), (6), 14(1)1).
    pub fn new(input: CourtFeeSettingsInput) -> Result<CourtFeeSettings, FeeError> {
        for setting in FeeSetting::ALL {
            let (min, max) = setting.range();
            let value = input.get(setting);
            if value < min || value > max {
                return Err(FeeError::SettingOutOfRange { setting, min, max });
            }
        }
        Ok(CourtFeeSettings(input))
    }

    pub fn get(&self, setting: FeeSetting) -> Fen {
        self.0.get(setting)
    }

    pub fn input(&self) -> CourtFeeSettingsInput {
        self.0
    }
}

impl TryFrom<CourtFeeSettingsInput> for CourtFeeSettings {
    type Error = FeeError;
    fn try_from(input: CourtFeeSettingsInput) -> Result<Self, FeeError> {
        CourtFeeSettings::new(input)
    }
}

impl From<CourtFeeSettings> for CourtFeeSettingsInput {
    fn from(settings: CourtFeeSettings) -> Self {
        settings.0
    }
}

// ---------------------------------------------------------------------------------------------
// Quotes
// ---------------------------------------------------------------------------------------------

/// One line of a quote. Deductions (halving, caps) are negative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeLine {
    pub label_zh: String,
    pub label_en: String,
    pub fen: Fen,
    /// The article that sets this line, e.g. `诉讼费用交纳办法 第13条第1项`.
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeQuote {
    /// Sum of `lines`.
    pub total: Fen,
    pub lines: Vec<FeeLine>,
    /// Whether it is paid in advance (art. 20); see [`needs_prepayment`].
    pub prepaid: bool,
}

/// Cumulative brackets: a flat fee up to the first bound, then each part at its rate.
struct Schedule {
    what_zh: &'static str,
    what_en: &'static str,
    /// Flat fee in fen for the part up to `tiers[0].0` yuan; 0 means that part is free.
    flat_fen: i64,
    /// (lower bound in yuan, rate in ‰); each runs up to the next one's lower bound.
    tiers: &'static [(i64, i64)],
}

/// Art. 13(1): up to 10,000 yuan 50 yuan; then 2.5 %, 2 %, 1.5 %, 1 %, 0.9 %, 0.8 %, 0.7 %,
/// 0.6 %, and 0.5 % above 20,000,000.
const PROPERTY: Schedule = Schedule {
    what_zh: "",
    what_en: "Amount",
    flat_fen: 5_000,
    tiers: &[
        (10_000, 25),
        (100_000, 20),
        (200_000, 15),
        (500_000, 10),
        (1_000_000, 9),
        (2_000_000, 8),
        (5_000_000, 7),
        (10_000_000, 6),
        (20_000_000, 5),
    ],
};

/// Art. 13(2)1: property up to 200,000 yuan adds nothing; the excess 0.5 %.
const DIVORCE_PROPERTY: Schedule =
    Schedule { what_zh: "财产总额", what_en: "Property to split", flat_fen: 0, tiers: &[(200_000, 5)] };

/// Art. 13(2)2: damages up to 50,000 add nothing; 50,000–100,000 at 1 %; above at 0.5 %.
const PERSONALITY_DAMAGES: Schedule =
    Schedule {
        what_zh: "赔偿金额", what_en: "Damages", flat_fen: 0, tiers: &[(50_000, 10), (100_000, 5)]
    };

/// Art. 14(1)2: up to 10,000 yuan 50 yuan; then 1.5 %, 1 %, 0.5 %, and 0.1 % above
/// 10,000,000.
const ENFORCEMENT: Schedule = Schedule {
    what_zh: "执行金额",
    what_en: "Amount to enforce",
    flat_fen: 5_000,
    tiers: &[(10_000, 15), (500_000, 10), (5_000_000, 5), (10_000_000, 1)],
};

/// Art. 14(2): up to 1,000 yuan 30 yuan; then 1 %; above 100,000 0.5 %.
const PRESERVATION: Schedule = Schedule {
    what_zh: "财产数额",
    what_en: "Property preserved",
    flat_fen: 3_000,
    tiers: &[(1_000, 10), (100_000, 5)],
};

/// Art. 14(2): "最多不超过5000元".
const PRESERVATION_CAP_FEN: i64 = 500_000;

fn line(label_zh: String, label_en: String, fen: i64, source: &str) -> FeeLine {
    FeeLine { label_zh, label_en, fen: Fen(fen), source: source.to_owned() }
}

/// One line per bracket the amount reaches (a bracket the amount enters by a single fen gets
/// its line, even when that line rounds to 0.00).
fn add_schedule(amount: Fen, s: &Schedule, source: &str, lines: &mut Vec<FeeLine>) {
    if s.flat_fen > 0 {
        let upto = s.tiers.first().map_or(0, |t| t.0);
        lines.push(line(
            format!("{}不超过{}部分，每件交纳{}元", s.what_zh, wan(upto), short_yuan(s.flat_fen)),
            format!(
                "{} up to {} yuan: {} yuan per case",
                s.what_en,
                group_thousands(upto.unsigned_abs()),
                short_yuan(s.flat_fen)
            ),
            s.flat_fen,
            source,
        ));
    }
    for (i, &(lower, permille)) in s.tiers.iter().enumerate() {
        let lower_fen = lower * 100;
        if amount.0 <= lower_fen {
            break;
        }
        let upper = s.tiers.get(i + 1).map(|t| t.0);
        let top = upper.map_or(amount.0, |u| amount.0.min(u * 100));
        let part = Fen(top - lower_fen);
        let (range_zh, range_en) = match upper {
            Some(u) => (
                format!("超过{}至{}", wan(lower), wan(u)),
                format!(
                    "above {} up to {} yuan",
                    group_thousands(lower.unsigned_abs()),
                    group_thousands(u.unsigned_abs())
                ),
            ),
            None => (
                format!("超过{}", wan(lower)),
                format!("above {} yuan", group_thousands(lower.unsigned_abs())),
            ),
        };
        lines.push(line(
            format!("{}{range_zh}部分 {part}元 × {}", s.what_zh, percent(permille)),
            format!("{} {range_en}: {part} yuan × {}", s.what_en, percent(permille)),
            // Exact in fen × ‰, rounded half up once for this line.
            div_half_up(i128::from(part.0) * i128::from(permille), 1000),
            source,
        ));
    }
}

fn add_per_case(setting: FeeSetting, settings: &CourtFeeSettings, lines: &mut Vec<FeeLine>) {
    let value = settings.get(setting).0;
    let (min, max) = setting.range();
    lines.push(line(
        format!(
            "{}每件交纳{}元（本院标准，法定幅度{}至{}元）",
            setting.name_zh(),
            short_yuan(value),
            short_yuan(min.0),
            short_yuan(max.0)
        ),
        format!(
            "{}: {} yuan per case (this court's standard; statutory range {}–{} yuan)",
            setting.name_en(),
            short_yuan(value),
            short_yuan(min.0),
            short_yuan(max.0)
        ),
        value,
        setting.source(),
    ));
}

fn add_fixed(zh: &str, en: &str, fen: i64, source: &str, lines: &mut Vec<FeeLine>) {
    lines.push(line(zh.to_owned(), en.to_owned(), fen, source));
}

fn sum(lines: &[FeeLine]) -> i64 {
    lines.iter().map(|l| l.fen.0).sum()
}

/// Art. 15 (mediated or withdrawn) and art. 16 (simplified procedure, small claims included)
/// halve the acceptance fee, once: a simplified case that is then mediated or withdrawn keeps
/// the half already paid and is not halved again. Art. 16 is cited when both apply, because
/// the half was taken at filing.
fn add_halving(req: &FeeRequest, lines: &mut Vec<FeeLine>) {
    let full = sum(lines);
    if full == 0 {
        return;
    }
    let (zh, en, source) = match (req.procedure, req.outcome) {
        (Procedure::Ordinary, None) => return,
        (Procedure::Ordinary, Some(Outcome::Mediated)) => (
            "调解结案，案件受理费减半交纳".to_owned(),
            "Closed by mediation: acceptance fee halved".to_owned(),
            ART_15,
        ),
        (Procedure::Ordinary, Some(Outcome::Withdrawn)) => {
            ("申请撤诉，案件受理费减半交纳".to_owned(), "Withdrawn: acceptance fee halved".to_owned(), ART_15)
        }
        (procedure, outcome) => {
            let (mut zh, mut en) = if procedure == Procedure::SmallClaims {
                (
                    "适用小额诉讼程序（属简易程序），案件受理费减半交纳".to_owned(),
                    "Small-claims (simplified) procedure: acceptance fee halved".to_owned(),
                )
            } else {
                (
                    "适用简易程序，案件受理费减半交纳".to_owned(),
                    "Simplified procedure: acceptance fee halved".to_owned(),
                )
            };
            match outcome {
                Some(Outcome::Mediated) => {
                    zh.push_str("；调解结案不再重复减半");
                    en.push_str("; mediation does not halve it again");
                }
                Some(Outcome::Withdrawn) => {
                    zh.push_str("；撤诉不再重复减半");
                    en.push_str("; withdrawal does not halve it again");
                }
                None => {}
            }
            (zh, en, ART_16)
        }
    };
    // Half, rounded half up: an odd fen total of 5,001 becomes 2,501.
    let half = div_half_up(i128::from(full), 2);
    lines.push(line(zh, en, half - full, source));
}

fn check_money(value: Fen) -> Result<Fen, FeeError> {
    if value.0 < 0 {
        Err(FeeError::Negative)
    } else if value > Fen::MAX {
        Err(FeeError::TooLarge)
    } else {
        Ok(value)
    }
}

/// Whether a kind of fee depends on an amount (see [`FeeRequest::amount`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountUse {
    Required,
    Optional,
    NotApplicable,
}

impl FeeKind {
    /// Property and payment-order fees are a share of the amount (art. 13(1), 14(3)); divorce,
    /// IP, enforcement and preservation add one when there is an amount (art. 13(2)1, 13(3),
    /// 14(1), 14(2)); the rest are fixed per case.
    pub fn amount_use(self) -> AmountUse {
        match self {
            FeeKind::Property | FeeKind::PaymentOrder => AmountUse::Required,
            FeeKind::Divorce | FeeKind::Ip | FeeKind::Enforcement | FeeKind::Preservation => {
                AmountUse::Optional
            }
            _ => AmountUse::NotApplicable,
        }
    }
}

/// A quote request as a person types it — amounts as text in yuan, an empty box meaning "no
/// amount" — from the calculator form or the API. The browser and the server both turn it
/// into a [`FeeRequest`] with [`FeeInput::request`], so they can never disagree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeInput {
    pub kind: FeeKind,
    pub amount_yuan: String,
    pub damages_yuan: String,
    pub procedure: Procedure,
    pub outcome: Option<Outcome>,
    pub administrative: Option<AdministrativeKind>,
}

impl FeeInput {
    pub fn new(kind: FeeKind) -> FeeInput {
        FeeInput {
            kind,
            amount_yuan: String::new(),
            damages_yuan: String::new(),
            procedure: Procedure::Ordinary,
            outcome: None,
            administrative: None,
        }
    }

    /// Parses the amounts (see [`Fen::parse_yuan`]). An administrative case with no type
    /// chosen is the ordinary kind, 50 yuan (art. 13(5)2); the quote line says which applied.
    pub fn request(&self) -> Result<FeeRequest, FeeError> {
        let money = |text: &str| {
            let text = text.trim();
            if text.is_empty() {
                Ok(None)
            } else {
                Fen::parse_yuan(text).map(Some)
            }
        };
        let administrative = match (self.kind, self.administrative) {
            (FeeKind::Administrative, None) => Some(AdministrativeKind::Other),
            (_, chosen) => chosen,
        };
        Ok(FeeRequest {
            kind: self.kind,
            amount: money(&self.amount_yuan)?,
            damages: money(&self.damages_yuan)?,
            procedure: self.procedure,
            outcome: self.outcome,
            administrative,
            claims_unpaid_wages: false,
        })
    }
}

fn validate(req: &FeeRequest) -> Result<(), FeeError> {
    let kind = req.kind;
    match (kind.amount_use(), req.amount) {
        (AmountUse::Required, None) => return Err(FeeError::AmountRequired { kind }),
        (AmountUse::NotApplicable, Some(_)) => return Err(FeeError::AmountNotApplicable { kind }),
        _ => {}
    }
    if let Some(amount) = req.amount {
        check_money(amount)?;
    }
    match (kind, req.damages) {
        (FeeKind::Personality, Some(damages)) => {
            check_money(damages)?;
        }
        (_, None) => {}
        (_, Some(_)) => return Err(FeeError::DamagesNotApplicable { kind }),
    }
    match (kind, req.administrative) {
        (FeeKind::Administrative, None) => Err(FeeError::AdministrativeKindRequired),
        (FeeKind::Administrative, Some(_)) | (_, None) => Ok(()),
        (_, Some(_)) => Err(FeeError::AdministrativeKindNotApplicable { kind }),
    }
}

/// Works out the fee, one line per bracket or rule applied, each citing its article.
pub fn quote(req: &FeeRequest, settings: &CourtFeeSettings) -> Result<FeeQuote, FeeError> {
    validate(req)?;
    let mut lines = Vec::new();
    match (req.kind, req.amount) {
        (FeeKind::Property, Some(amount)) => add_schedule(amount, &PROPERTY, ART_13_1, &mut lines),
        // Art. 13(1) needs an amount; `validate` has refused its absence.
        (FeeKind::Property, None) => return Err(FeeError::AmountRequired { kind: req.kind }),
        (FeeKind::Divorce, amount) => {
            add_per_case(FeeSetting::Divorce, settings, &mut lines);
            if let Some(amount) = amount {
                add_schedule(amount, &DIVORCE_PROPERTY, ART_13_2_1, &mut lines);
            }
        }
        (FeeKind::Personality, _) => {
            add_per_case(FeeSetting::Personality, settings, &mut lines);
            if let Some(damages) = req.damages {
                add_schedule(damages, &PERSONALITY_DAMAGES, ART_13_2_2, &mut lines);
            }
        }
        (FeeKind::OtherNonProperty, _) => {
            add_per_case(FeeSetting::OtherNonProperty, settings, &mut lines);
        }
        // Art. 13(3): with an amount in dispute, the property schedule; without, per case.
        (FeeKind::Ip, Some(amount)) => {
            add_schedule(amount, &PROPERTY, ART_13_3_PROPERTY, &mut lines);
        }
        (FeeKind::Ip, None) => add_per_case(FeeSetting::IpWithoutAmount, settings, &mut lines),
        // Art. 13(4).
        (FeeKind::Labor, _) => add_fixed(
            "劳动争议案件每件交纳10元",
            "Labour dispute: 10 yuan per case",
            1_000,
            ART_13_4,
            &mut lines,
        ),
        // Art. 13(5).
        (FeeKind::Administrative, _) => match req.administrative {
            Some(AdministrativeKind::TrademarkPatentMaritime) => add_fixed(
                "商标、专利、海事行政案件每件交纳100元",
                "Trademark, patent or maritime administrative case: 100 yuan per case",
                10_000,
                ART_13_5_1,
                &mut lines,
            ),
            Some(AdministrativeKind::Other) => add_fixed(
                "其他行政案件每件交纳50元",
                "Other administrative case: 50 yuan per case",
                5_000,
                ART_13_5_2,
                &mut lines,
            ),
            None => return Err(FeeError::AdministrativeKindRequired),
        },
        (FeeKind::JurisdictionObjection, _) => {
            add_per_case(FeeSetting::JurisdictionObjection, settings, &mut lines);
        }
        // Art. 14(1): 1 without an amount, 2 with one.
        (FeeKind::Enforcement, Some(amount)) => {
            add_schedule(amount, &ENFORCEMENT, ART_14_1_2, &mut lines);
        }
        (FeeKind::Enforcement, None) => {
            add_per_case(FeeSetting::EnforcementWithoutAmount, settings, &mut lines);
        }
        // Art. 14(2), capped at 5,000 yuan; the cap is its own line when it bites.
        (FeeKind::Preservation, amount) => {
            match amount {
                Some(amount) => add_schedule(amount, &PRESERVATION, ART_14_2, &mut lines),
                None => add_fixed(
                    "不涉及财产数额，每件交纳30元",
                    "No property amount: 30 yuan per case",
                    3_000,
                    ART_14_2,
                    &mut lines,
                ),
            }
            let uncapped = sum(&lines);
            if uncapped > PRESERVATION_CAP_FEN {
                add_fixed(
                    "保全申请费最多不超过5000元",
                    "Preservation fee capped at 5,000 yuan",
                    PRESERVATION_CAP_FEN - uncapped,
                    ART_14_2,
                    &mut lines,
                );
            }
        }
        // Art. 14(3): one third of the art. 13(1) fee, rounded half up.
        (FeeKind::PaymentOrder, Some(amount)) => {
            add_schedule(amount, &PROPERTY, ART_14_3_PROPERTY, &mut lines);
            let full = sum(&lines);
            let third = div_half_up(i128::from(full), 3);
            add_fixed(
                "支付令按财产案件受理费标准的1/3交纳",
                "Payment order: one third of the property-case fee",
                third - full,
                ART_14_3,
                &mut lines,
            );
        }
        (FeeKind::PaymentOrder, None) => return Err(FeeError::AmountRequired { kind: req.kind }),
        // Art. 14(4).
        (FeeKind::PublicSummons, _) => add_fixed(
            "申请公示催告每件交纳100元",
            "Public summons: 100 yuan per case",
            10_000,
            ART_14_4,
            &mut lines,
        ),
        // Art. 8(1).
        (FeeKind::SpecialProcedure, _) => add_fixed(
            "特别程序案件（含司法确认）不交纳案件受理费",
            "Special-procedure case (incl. judicial confirmation): no acceptance fee",
            0,
            ART_8_1,
            &mut lines,
        ),
    }
    // Art. 15 and 16 halve acceptance fees (案件受理费) only, never application fees (申请费).
    if !req.kind.is_application_fee() {
        add_halving(req, &mut lines);
    }
    Ok(FeeQuote {
        total: Fen(sum(&lines)),
        lines,
        prepaid: needs_prepayment(req.kind, req.claims_unpaid_wages),
    })
}

/// Whether the fee is paid in advance (art. 20): acceptance fees are prepaid except in claims
/// for unpaid labour pay (追索劳动报酬, "可以不预交"); application fees are prepaid except
/// enforcement fees, which are paid after enforcement. Special procedure owes nothing (art. 8).
pub fn needs_prepayment(kind: FeeKind, claims_unpaid_wages: bool) -> bool {
    match kind {
        FeeKind::SpecialProcedure | FeeKind::Enforcement => false,
        kind if kind.is_application_fee() => true,
        _ => !claims_unpaid_wages,
    }
}

/// What to give back when more was paid than is finally due (art. 53: within 15 days of the
/// judgment or ruling taking effect). Never negative; underpayment is not a refund.
pub fn refund_due(paid: Fen, final_due: Fen) -> Fen {
    Fen(paid.0.saturating_sub(final_due.0).max(0))
}

/// What changes in a case's fee account when its decision takes effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settlement {
    /// What is finally owed: the fee for how the case ended, never more than was owed before.
    pub owed: Fen,
    /// What is no longer owed (a ledger reduction): halving for mediation or withdrawal
    /// (art. 15), or for a case paid at the ordinary rate and then tried under simplified
    /// procedure (art. 16).
    pub reduction: Fen,
    /// What was paid beyond `owed` and goes back to the payer within 15 days (art. 53).
    pub refund: Fen,
}

/// Settles the account: `owed_before` is what was charged less earlier reductions (relief),
/// `final_fee` the engine's quote for how the case ended (with its outcome and the procedure
/// it was tried under), `net_paid` what was paid less what was already refunded.
pub fn settle(owed_before: Fen, final_fee: Fen, net_paid: Fen) -> Settlement {
    let owed = Fen(owed_before.0.min(final_fee.0).max(0));
    Settlement { owed, reduction: Fen((owed_before.0 - owed.0).max(0)), refund: refund_due(net_paid, owed) }
}

/// Splits a refund over the payments it goes back to, in the order given (art. 53: to the
/// payer's original channel), each up to what it can still take back. Returns the share of
/// each and what is left over (paid some other way, e.g. at the counter).
pub fn allocate_refund(refund: Fen, refundable: &[Fen]) -> (Vec<Fen>, Fen) {
    let mut left = refund.0.max(0);
    let shares = refundable
        .iter()
        .map(|cap| {
            let share = left.min(cap.0.max(0));
            left -= share;
            Fen(share)
        })
        .collect();
    (shares, Fen(left))
}

// ---------------------------------------------------------------------------------------------
// Fee relief (司法救助): deferral, reduction, waiver — arts. 44–49
// ---------------------------------------------------------------------------------------------

/// What a litigant who cannot afford the fee may ask for (art. 44).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReliefKind {
    /// 缓交: pay later (art. 47).
    Defer,
    /// 减交: pay less — at least 30 % off when granted (art. 46).
    Reduce,
    /// 免交: pay nothing; natural persons only (arts. 44, 45).
    Waive,
}

impl ReliefKind {
    pub const ALL: [ReliefKind; 3] = [ReliefKind::Defer, ReliefKind::Reduce, ReliefKind::Waive];

    pub fn code(self) -> &'static str {
        match self {
            ReliefKind::Defer => "defer",
            ReliefKind::Reduce => "reduce",
            ReliefKind::Waive => "waive",
        }
    }

    pub fn from_code(code: &str) -> Option<ReliefKind> {
        ReliefKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (ReliefKind::Defer, true) => "缓交（晚一点交）",
            (ReliefKind::Reduce, true) => "减交（少交一部分）",
            (ReliefKind::Waive, true) => "免交（不用交）",
            (ReliefKind::Defer, false) => "Defer (pay later)",
            (ReliefKind::Reduce, false) => "Reduce (pay less)",
            (ReliefKind::Waive, false) => "Waive (pay nothing)",
        }
    }

    /// The article listing its grounds.
    pub fn source(self) -> &'static str {
        match self {
            ReliefKind::Defer => "诉讼费用交纳办法 第47条",
            ReliefKind::Reduce => "诉讼费用交纳办法 第46条",
            ReliefKind::Waive => "诉讼费用交纳办法 第45条",
        }
    }
}

/// A statutory ground for relief: the item of art. 45, 46 or 47 the applicant relies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReliefGround {
    pub kind: ReliefKind,
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

/// Every ground, by kind, in the order of the articles' items.
pub const RELIEF_GROUNDS: &[ReliefGround] = &[
    // Art. 45: waiver.
    ReliefGround { kind: ReliefKind::Waive, code: "disabled", zh: "残疾人，没有固定生活来源", en: "Disabled, with no fixed means of living" },
    ReliefGround { kind: ReliefKind::Waive, code: "support", zh: "追索赡养费、扶养费、抚育费、抚恤金", en: "Claiming support, maintenance, child support or a survivor's pension" },
    ReliefGround { kind: ReliefKind::Waive, code: "subsistence", zh: "低保、特困救济、五保供养或领失业保险金，没有其他收入", en: "On minimum living allowance, rural hardship relief or unemployment benefit, with no other income" },
    ReliefGround { kind: ReliefKind::Waive, code: "samaritan", zh: "见义勇为或保护公共利益时自己受了损害", en: "Harmed while acting bravely or protecting the public interest" },
    ReliefGround { kind: ReliefKind::Waive, code: "other", zh: "其他确实需要免交的情形", en: "Other real need for a waiver" },
    // Art. 46: reduction.
    ReliefGround { kind: ReliefKind::Reduce, code: "disaster", zh: "因自然灾害等生活困难、正在接受社会救济，或家里的生产经营难以为继", en: "Hardship from a natural disaster or similar, receiving public relief, or a failing family business" },
    ReliefGround { kind: ReliefKind::Reduce, code: "special_care", zh: "国家规定的优抚、安置对象", en: "Entitled to state special care or resettlement" },
    ReliefGround { kind: ReliefKind::Reduce, code: "welfare_body", zh: "社会福利机构或救助管理站", en: "A social welfare institution or relief station" },
    ReliefGround { kind: ReliefKind::Reduce, code: "other", zh: "其他确实需要减交的情形", en: "Other real need for a reduction" },
    // Art. 47: deferral.
    ReliefGround { kind: ReliefKind::Defer, code: "social_insurance", zh: "追索社会保险金、经济补偿金", en: "Claiming social insurance benefits or severance pay" },
    ReliefGround { kind: ReliefKind::Defer, code: "accident_victim", zh: "交通、医疗、工伤、产品质量等事故的受害人要求赔偿", en: "A victim of a traffic, medical, work, product or other accident claiming damages" },
    ReliefGround { kind: ReliefKind::Defer, code: "legal_aid", zh: "正在接受法律援助", en: "Receiving legal aid" },
    ReliefGround { kind: ReliefKind::Defer, code: "other", zh: "其他确实需要缓交的情形", en: "Other real need for a deferral" },
];

/// The ground `code` of `kind`, if the statute lists it.
pub fn relief_ground(kind: ReliefKind, code: &str) -> Option<&'static ReliefGround> {
    RELIEF_GROUNDS.iter().find(|g| g.kind == kind && g.code == code)
}

/// Why a grant cannot be made as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReliefError {
    /// A reduction must take at least 30 % off (art. 46).
    BelowMinimum { min: Fen },
    /// A reduction of everything is a waiver; more than is owed is not possible.
    NotBelowOwed { owed: Fen },
}

impl ReliefError {
    pub fn message(self, zh: bool) -> String {
        match (self, zh) {
            (ReliefError::BelowMinimum { min }, true) => {
                format!("减交至少要减 {} 元（应交金额的30%，诉讼费用交纳办法第46条）。", min.format_yuan())
            }
            (ReliefError::BelowMinimum { min }, false) => format!(
                "A reduction must take at least {} yuan off (30 % of the fee, art. 46).",
                min.format_yuan()
            ),
            (ReliefError::NotBelowOwed { owed }, true) => {
                format!("减交的金额要少于应交的 {} 元；全部不交请选“免交”。", owed.format_yuan())
            }
            (ReliefError::NotBelowOwed { owed }, false) => {
                format!(
                    "A reduction must be less than the {} yuan owed; to waive it all, choose a waiver.",
                    owed.format_yuan()
                )
            }
        }
    }
}

/// What a grant takes off what is owed: all of it for a waiver, nothing for a deferral (the
/// fee is paid later), and for a reduction the amount the court decides — at least 30 % of
/// what is owed, rounded up to the fen, and less than all of it (art. 46).
pub fn relief_reduction(kind: ReliefKind, owed: Fen, reduce_by: Fen) -> Result<Fen, ReliefError> {
    match kind {
        ReliefKind::Waive => Ok(Fen(owed.0.max(0))),
        ReliefKind::Defer => Ok(Fen(0)),
        ReliefKind::Reduce => {
            let min = Fen((owed.0 * 3 + 9) / 10);
            if reduce_by.0 >= owed.0 {
                Err(ReliefError::NotBelowOwed { owed })
            } else if reduce_by.0 < min.0 {
                Err(ReliefError::BelowMinimum { min })
            } else {
                Ok(reduce_by)
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum FeeError {
    /// Nothing was typed.
    Empty,
    /// Not a number (letters, stray separators, exponents, Chinese numerals).
    NotANumber,
    Negative,
    /// More than two decimals: a fen is the smallest unit.
    TooManyDecimals,
    /// Above 10^12 yuan.
    TooLarge,
    AmountRequired {
        kind: FeeKind,
    },
    AmountNotApplicable {
        kind: FeeKind,
    },
    DamagesNotApplicable {
        kind: FeeKind,
    },
    AdministrativeKindRequired,
    AdministrativeKindNotApplicable {
        kind: FeeKind,
    },
    SettingOutOfRange {
        setting: FeeSetting,
        min: Fen,
        max: Fen,
    },
}

impl FeeError {
    /// A plain sentence for a litigant, in Chinese (`zh`) or English.
    pub fn message(&self, zh: bool) -> String {
        match (self, zh) {
            (FeeError::Empty, true) => "请输入金额。".to_owned(),
            (FeeError::Empty, false) => "Please enter an amount.".to_owned(),
            (FeeError::NotANumber, true) => "金额只能包含数字和小数点，例如 1500 或 1,500.00。".to_owned(),
            (FeeError::NotANumber, false) => {
                "Enter the amount in digits, for example 1500 or 1,500.00.".to_owned()
            }
            (FeeError::Negative, true) => "金额不能是负数。".to_owned(),
            (FeeError::Negative, false) => "The amount cannot be negative.".to_owned(),
            (FeeError::TooManyDecimals, true) => "金额最多两位小数，例如 1500.50。".to_owned(),
            (FeeError::TooManyDecimals, false) => "Use at most two decimals, for example 1500.50.".to_owned(),
            (FeeError::TooLarge, true) => "金额超过1万亿元，请检查是否多输入了数字。".to_owned(),
            (FeeError::TooLarge, false) => {
                "The amount is over 1 trillion yuan; please check for extra digits.".to_owned()
            }
            (FeeError::AmountRequired { kind }, true) => {
                format!("{}需要填写金额才能计算费用。", kind.name_zh())
            }
            (FeeError::AmountRequired { kind }, false) => {
                format!("A {} needs an amount to work out the fee.", kind.name_en())
            }
            (FeeError::AmountNotApplicable { kind }, true) => {
                format!("{}的费用不按金额计算，请不要填写金额。", kind.name_zh())
            }
            (FeeError::AmountNotApplicable { kind }, false) => format!(
                "The fee for a {} does not depend on an amount; leave the amount empty.",
                kind.name_en()
            ),
            (FeeError::DamagesNotApplicable { kind }, true) => {
                format!("只有人格权案件需要填写赔偿金额，{}请不要填写。", kind.name_zh())
            }
            (FeeError::DamagesNotApplicable { kind }, false) => {
                format!("Only personality-rights cases take a damages amount, not a {}.", kind.name_en())
            }
            (FeeError::AdministrativeKindRequired, true) => {
                "请选择行政案件类型：商标、专利、海事案件，或其他行政案件。".to_owned()
            }
            (FeeError::AdministrativeKindRequired, false) => {
                "Choose the administrative case type: trademark, patent or maritime, or other.".to_owned()
            }
            (FeeError::AdministrativeKindNotApplicable { kind }, true) => {
                format!("只有行政案件需要选择行政案件类型，{}请不要选择。", kind.name_zh())
            }
            (FeeError::AdministrativeKindNotApplicable { kind }, false) => format!(
                "Only administrative cases take an administrative case type, not a {}.",
                kind.name_en()
            ),
            (FeeError::SettingOutOfRange { setting, min, max }, true) => format!(
                "{}的收费标准须在{}元至{}元之间（{}）。",
                setting.name_zh(),
                short_yuan(min.0),
                short_yuan(max.0),
                setting.source()
            ),
            (FeeError::SettingOutOfRange { setting, min, max }, false) => format!(
                "{}: the fee must be between {} and {} yuan ({}).",
                setting.name_en(),
                short_yuan(min.0),
                short_yuan(max.0),
                setting.source()
            ),
        }
    }
}

impl fmt::Display for FeeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(false))
    }
}

impl std::error::Error for FeeError {}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {

    #[test]
    fn relief_takes_off_all_nothing_or_at_least_thirty_percent() {
        let owed = Fen(1_800 * 100);
        assert_eq!(relief_reduction(ReliefKind::Waive, owed, Fen(0)), Ok(owed));
        assert_eq!(relief_reduction(ReliefKind::Defer, owed, Fen(500 * 100)), Ok(Fen(0)));
        assert_eq!(relief_reduction(ReliefKind::Reduce, owed, Fen(540 * 100)), Ok(Fen(540 * 100)));
        assert_eq!(
            relief_reduction(ReliefKind::Reduce, owed, Fen(53_999)),
            Err(ReliefError::BelowMinimum { min: Fen(540 * 100) })
        );
        assert_eq!(relief_reduction(ReliefKind::Reduce, owed, owed), Err(ReliefError::NotBelowOwed { owed }));
        // 30 % of 1.01 yuan is 0.303 yuan: the minimum rounds up to 0.31.
        assert_eq!(
            relief_reduction(ReliefKind::Reduce, Fen(101), Fen(30)),
            Err(ReliefError::BelowMinimum { min: Fen(31) })
        );
        assert!(ReliefError::BelowMinimum { min: Fen(540 * 100) }.message(true).contains("540.00"));
    }

    #[test]
    fn every_relief_ground_belongs_to_its_article_and_codes_are_unique_per_kind() {
        for kind in ReliefKind::ALL {
            let grounds: Vec<_> = RELIEF_GROUNDS.iter().filter(|g| g.kind == kind).collect();
            assert!(grounds.len() >= 4, "{kind:?}");
            assert_eq!(grounds.last().unwrap().code, "other", "each article ends with 'other real need'");
            for g in &grounds {
                assert_eq!(relief_ground(kind, g.code), Some(*g));
            }
            assert_eq!(ReliefKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(relief_ground(ReliefKind::Defer, "disabled"), None, "a waiver ground is not a deferral's");
    }

    #[test]
    fn settling_halves_once_and_refunds_the_overpayment() {
        let ordinary = FeeRequest { amount: Some(Fen(80_000 * 100)), ..FeeRequest::new(FeeKind::Property) };
        let settings = CourtFeeSettings::default();
        let charged = quote(&ordinary, &settings).unwrap().total;
        assert_eq!(charged, Fen(1_800 * 100));
        let mediated = FeeRequest { outcome: Some(Outcome::Mediated), ..ordinary };
        let final_fee = quote(&mediated, &settings).unwrap().total;
        // Paid in full, then mediated: half is kept, half goes back (arts. 15, 53).
        let s = settle(charged, final_fee, charged);
        assert_eq!(s, Settlement { owed: Fen(900 * 100), reduction: Fen(900 * 100), refund: Fen(900 * 100) });
        // Simplified from the start: half charged, half paid; mediation halves nothing more.
        let simplified = FeeRequest { procedure: Procedure::Simplified, ..ordinary };
        let half = quote(&simplified, &settings).unwrap().total;
        let both = quote(&FeeRequest { outcome: Some(Outcome::Mediated), ..simplified }, &settings).unwrap();
        assert_eq!(
            settle(half, both.total, half),
            Settlement { owed: half, reduction: Fen(0), refund: Fen(0) }
        );
        // Charged at the ordinary rate, paid in full, then tried under simplified procedure.
        assert_eq!(settle(charged, half, charged).refund, Fen(900 * 100));
        // Not yet paid: nothing to refund, the reduction still applies.
        assert_eq!(
            settle(charged, final_fee, Fen(0)),
            Settlement { owed: Fen(900 * 100), reduction: Fen(900 * 100), refund: Fen(0) }
        );
        // Relief already brought the charge below the final fee: nothing more comes off.
        assert_eq!(
            settle(Fen(500 * 100), final_fee, Fen(500 * 100)),
            Settlement { owed: Fen(500 * 100), reduction: Fen(0), refund: Fen(0) }
        );
        // A judgment changes nothing.
        assert_eq!(
            settle(charged, charged, charged),
            Settlement { owed: charged, reduction: Fen(0), refund: Fen(0) }
        );
    }

    #[test]
    fn a_refund_goes_back_to_the_payments_in_order_and_the_rest_is_left_over() {
        assert_eq!(allocate_refund(Fen(900), &[Fen(1_800)]), (vec![Fen(900)], Fen(0)));
        assert_eq!(allocate_refund(Fen(900), &[Fen(500), Fen(1_000)]), (vec![Fen(500), Fen(400)], Fen(0)));
        assert_eq!(allocate_refund(Fen(900), &[Fen(300)]), (vec![Fen(300)], Fen(600)));
        assert_eq!(allocate_refund(Fen(900), &[]), (vec![], Fen(900)));
        assert_eq!(allocate_refund(Fen(0), &[Fen(300)]), (vec![Fen(0)], Fen(0)));
    }

    use super::*;
    use serde::de::value::{Error as DeError, I64Deserializer, StrDeserializer};
    use serde::de::IntoDeserializer;

    #[test]
    fn amounts_in_capitals_follow_the_accounting_rules() {
        let cases = [
            (0, "零元整"),
            (50, "伍角整"),
            (4, "肆分"),
            (1_000, "壹拾元整"),
            (5_000, "伍拾元整"),
            (330_000, "叁仟叁佰元整"),
            (32_504, "叁佰贰拾伍元零肆分"),
            (168_032, "壹仟陆佰捌拾元叁角贰分"),
            // Art. 52(4): after a 0 in the 元 place, 零 before 角 may be written or left out; we leave it.
            (10_700_053, "壹拾万柒仟元伍角叁分"),
            (1_000_550, "壹万零伍元伍角整"),
            (100_000_000, "壹佰万元整"),
            (1_000_000_000, "壹仟万元整"),
            (10_000_000_000, "壹亿元整"),
            (1_000_100_000, "壹仟万壹仟元整"),
            (1_000_010_000, "壹仟万零壹佰元整"),
            (10_010_000_000, "壹亿零壹拾万元整"),
            (10_000_100_000, "壹亿零壹仟元整"),
            (200_500, "贰仟零伍元整"),
            (2_000_500, "贰万零伍元整"),
            (2_050_000, "贰万零伍佰元整"),
            (101_000_000, "壹佰零壹万元整"),
        ];
        for (fen, text) in cases {
            assert_eq!(Fen(fen).in_capitals(), text, "{fen} fen");
        }
    }

    fn yuan(y: i64) -> Fen {
        Fen::from_yuan(y)
    }

    fn request(kind: FeeKind, amount: Option<Fen>) -> FeeRequest {
        FeeRequest { amount, ..FeeRequest::new(kind) }
    }

    fn total(req: &FeeRequest) -> i64 {
        quote(req, &CourtFeeSettings::default()).unwrap().total.0
    }

    fn total_of(kind: FeeKind, amount: Fen) -> i64 {
        total(&request(kind, Some(amount)))
    }

    /// xorshift64: deterministic, no external crates.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x
        }

        /// Amounts spread over every order of magnitude up to the maximum.
        fn amount(&mut self) -> Fen {
            let digits = (self.next() % 15) as u32;
            let bound = 10u64.pow(digits).min(Fen::MAX.0 as u64);
            Fen((self.next() % (bound + 1)) as i64)
        }
    }

    /// Kinds whose fee depends on `amount` (or `damages`), as requests for a given amount.
    fn amount_requests(amount: Fen) -> Vec<FeeRequest> {
        let mut v: Vec<FeeRequest> = [
            FeeKind::Property,
            FeeKind::Divorce,
            FeeKind::Ip,
            FeeKind::Enforcement,
            FeeKind::Preservation,
            FeeKind::PaymentOrder,
        ]
        .iter()
        .map(|&k| request(k, Some(amount)))
        .collect();
        v.push(FeeRequest { damages: Some(amount), ..FeeRequest::new(FeeKind::Personality) });
        v
    }

    fn with_amount(req: &FeeRequest, amount: Fen) -> FeeRequest {
        if req.kind == FeeKind::Personality {
            FeeRequest { damages: Some(amount), ..*req }
        } else {
            FeeRequest { amount: Some(amount), ..*req }
        }
    }

    const EDGES_YUAN: [i64; 12] = [
        1_000, 10_000, 50_000, 100_000, 200_000, 500_000, 896_000, 1_000_000, 2_000_000, 5_000_000,
        10_000_000, 20_000_000,
    ];

    // ---- parsing and formatting --------------------------------------------------------------

    #[test]
    fn plain_and_decimal_amounts_parse_to_exact_fen() {
        let cases = [
            ("150000", 15_000_000),
            ("150000.5", 15_000_050),
            ("150000.50", 15_000_050),
            ("150000.05", 15_000_005),
            ("0", 0),
            ("0.00", 0),
            ("0.01", 1),
            ("007.10", 710),
        ];
        for (input, fen) in cases {
            assert_eq!(Fen::parse_yuan(input), Ok(Fen(fen)), "{input}");
        }
    }

    #[test]
    fn thousands_separators_are_accepted_where_they_belong() {
        assert_eq!(Fen::parse_yuan("1,500.00"), Ok(Fen(150_000)));
        assert_eq!(Fen::parse_yuan("150,000"), Ok(Fen(15_000_000)));
        assert_eq!(Fen::parse_yuan("1,234,567.89"), Ok(Fen(123_456_789)));
    }

    #[test]
    fn full_width_digits_spaces_yuan_sign_and_unit_are_accepted() {
        let cases = [
            ("１５００００", 15_000_000),
            ("１，５００．５０", 150_050),
            ("  1500  ", 150_000),
            ("\u{3000}1500\u{3000}", 150_000),
            ("1500元", 150_000),
            (" 1,500.00 元 ", 150_000),
            ("１５００元", 150_000),
            ("¥1500", 150_000),
            ("￥1,500.00", 150_000),
        ];
        for (input, fen) in cases {
            assert_eq!(Fen::parse_yuan(input), Ok(Fen(fen)), "{input}");
        }
    }

    #[test]
    fn one_trillion_yuan_is_the_largest_accepted_amount() {
        assert_eq!(Fen::parse_yuan("1000000000000"), Ok(Fen::MAX));
        assert_eq!(Fen::parse_yuan("1,000,000,000,000.00"), Ok(Fen::MAX));
        assert_eq!(Fen::parse_yuan("1000000000000.01"), Err(FeeError::TooLarge));
        assert_eq!(Fen::parse_yuan("99999999999999999999999999"), Err(FeeError::TooLarge));
    }

    #[test]
    fn empty_input_is_rejected_as_empty() {
        for input in ["", "   ", "元", " 元 ", "¥"] {
            assert_eq!(Fen::parse_yuan(input), Err(FeeError::Empty), "{input:?}");
        }
    }

    #[test]
    fn negative_amounts_are_rejected_as_negative() {
        for input in ["-1", "-0.01", "－100", "\u{2212}5", "- 5", "-1,500.00元"] {
            assert_eq!(Fen::parse_yuan(input), Err(FeeError::Negative), "{input:?}");
        }
    }

    #[test]
    fn more_than_two_decimals_are_rejected() {
        for input in ["1.234", "1.500", "0.001"] {
            assert_eq!(Fen::parse_yuan(input), Err(FeeError::TooManyDecimals), "{input:?}");
        }
    }

    #[test]
    fn things_that_are_not_numbers_are_rejected() {
        let inputs = [
            "abc",
            "1e5",
            "一万",
            "1 500",
            "1.2.3",
            "1.",
            ".5",
            "15,00",
            "1,5000",
            ",100",
            "100,",
            "+100",
            "1.5,0",
            "NaN",
            "0x10",
            "1500元元",
            "-",
            "-abc",
            "1_000",
            "١٢٣",
        ];
        for input in inputs {
            assert_eq!(Fen::parse_yuan(input), Err(FeeError::NotANumber), "{input:?}");
        }
    }

    #[test]
    fn amounts_format_with_thousands_separators_and_two_decimals() {
        assert_eq!(Fen(330_000).format_yuan(), "3,300.00");
        assert_eq!(Fen(0).to_string(), "0.00");
        assert_eq!(Fen(5).to_string(), "0.05");
        assert_eq!(Fen(99_999).to_string(), "999.99");
        assert_eq!(Fen(-165_000).to_string(), "-1,650.00");
        assert_eq!(Fen(123_456_789_012).to_string(), "1,234,567,890.12");
        assert_eq!(Fen(i64::MIN).to_string(), "-92,233,720,368,547,758.08");
    }

    #[test]
    fn formatting_then_parsing_gives_back_the_same_amount() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..20_000 {
            let fen = rng.amount();
            assert_eq!(Fen::parse_yuan(&fen.format_yuan()), Ok(fen));
        }
    }

    // ---- wire names -------------------------------------------------------------------------

    #[test]
    fn fee_kinds_use_the_agreed_snake_case_names() {
        let names = [
            "property",
            "divorce",
            "personality",
            "other_non_property",
            "ip",
            "labor",
            "administrative",
            "jurisdiction_objection",
            "enforcement",
            "preservation",
            "payment_order",
            "public_summons",
            "special_procedure",
        ];
        for (name, kind) in names.iter().zip(FeeKind::ALL) {
            let de: StrDeserializer<'_, DeError> = name.into_deserializer();
            assert_eq!(FeeKind::deserialize(de), Ok(kind));
        }
    }

    #[test]
    fn procedures_and_outcomes_use_snake_case_names() {
        let de: StrDeserializer<'_, DeError> = "small_claims".into_deserializer();
        assert_eq!(Procedure::deserialize(de), Ok(Procedure::SmallClaims));
        let de: StrDeserializer<'_, DeError> = "withdrawn".into_deserializer();
        assert_eq!(Outcome::deserialize(de), Ok(Outcome::Withdrawn));
        let de: StrDeserializer<'_, DeError> = "trademark_patent_maritime".into_deserializer();
        assert_eq!(AdministrativeKind::deserialize(de), Ok(AdministrativeKind::TrademarkPatentMaritime));
    }

    #[test]
    fn fen_travels_as_a_plain_integer() {
        let de: I64Deserializer<DeError> = 330_000i64.into_deserializer();
        assert_eq!(Fen::deserialize(de), Ok(Fen(330_000)));
    }

    // ---- property brackets ------------------------------------------------------------------

    #[test]
    fn a_150000_yuan_claim_costs_3300_yuan_in_three_lines() {
        let q =
            quote(&request(FeeKind::Property, Some(yuan(150_000))), &CourtFeeSettings::default()).unwrap();
        assert_eq!(q.total, Fen(330_000));
        let fens: Vec<i64> = q.lines.iter().map(|l| l.fen.0).collect();
        assert_eq!(fens, [5_000, 225_000, 100_000]);
        assert_eq!(q.lines[0].label_zh, "不超过1万元部分，每件交纳50元");
        assert_eq!(q.lines[1].label_zh, "超过1万元至10万元部分 90,000.00元 × 2.5%");
        assert_eq!(q.lines[2].label_zh, "超过10万元至20万元部分 50,000.00元 × 2%");
        assert_eq!(q.lines[2].label_en, "Amount above 100,000 up to 200,000 yuan: 50,000.00 yuan × 2%");
        assert!(q.lines.iter().all(|l| l.source == "诉讼费用交纳办法 第13条第1项"));
        assert!(q.prepaid);
    }

    #[test]
    fn property_fees_match_the_statute_at_every_bracket_edge_and_one_fen_either_side() {
        // (edge in yuan, fee at the edge in fen, lines at the edge). Below an edge the top
        // bracket loses 1 fen × rate (< 0.5 fen, rounds away); above, a new bracket line
        // starts at 0.00.
        let table = [
            (10_000, 5_000, 1),
            (100_000, 230_000, 2),
            (200_000, 430_000, 3),
            (500_000, 880_000, 4),
            (1_000_000, 1_380_000, 5),
            (2_000_000, 2_280_000, 6),
            (5_000_000, 4_680_000, 7),
            (10_000_000, 8_180_000, 8),
            (20_000_000, 14_180_000, 9),
        ];
        let settings = CourtFeeSettings::default();
        for (edge, fee, lines) in table {
            let at = Fen::from_yuan(edge);
            for (amount, expected_lines) in [(Fen(at.0 - 1), lines), (at, lines), (Fen(at.0 + 1), lines + 1)]
            {
                let q = quote(&request(FeeKind::Property, Some(amount)), &settings).unwrap();
                assert_eq!(q.total.0, fee, "{amount}");
                assert_eq!(q.lines.len(), expected_lines, "{amount}");
            }
        }
    }

    #[test]
    fn property_fees_inside_brackets_use_each_rate() {
        let table = [
            (0, 5_000),
            (1, 5_000),
            (50_000, 5_000 + 100_000),
            (300_000, 430_000 + 150_000),
            (30_000_000, 14_180_000 + 5_000_000),
        ];
        for (amount, fee) in table {
            assert_eq!(total_of(FeeKind::Property, yuan(amount)), fee, "{amount}");
        }
    }

    #[test]
    fn a_bracket_line_with_half_a_fen_rounds_up() {
        // 0.20 yuan above 10,000 at 2.5 % = 0.5 fen -> 1 fen; 0.19 yuan = 0.475 fen -> 0.
        assert_eq!(total_of(FeeKind::Property, Fen(1_000_020)), 5_001);
        assert_eq!(total_of(FeeKind::Property, Fen(1_000_019)), 5_000);
    }

    // ---- every kind -------------------------------------------------------------------------

    #[test]
    fn every_kind_is_quoted_as_the_statute_says() {
        let admin = |k| FeeRequest { administrative: Some(k), ..FeeRequest::new(FeeKind::Administrative) };
        let personality =
            |d: Option<i64>| FeeRequest { damages: d.map(yuan), ..FeeRequest::new(FeeKind::Personality) };
        let r = |k, a: Option<i64>| request(k, a.map(yuan));
        let table: Vec<(FeeRequest, i64, &str)> = vec![
            (r(FeeKind::Property, Some(150_000)), 330_000, ART_13_1),
            (r(FeeKind::Divorce, None), 5_000, ART_13_2_1),
            (r(FeeKind::Divorce, Some(200_000)), 5_000, ART_13_2_1),
            (r(FeeKind::Divorce, Some(300_000)), 5_000 + 50_000, ART_13_2_1),
            (personality(None), 10_000, ART_13_2_2),
            (personality(Some(50_000)), 10_000, ART_13_2_2),
            (personality(Some(100_000)), 10_000 + 50_000, ART_13_2_2),
            (personality(Some(150_000)), 10_000 + 50_000 + 25_000, ART_13_2_2),
            (r(FeeKind::OtherNonProperty, None), 5_000, ART_13_2_3),
            (r(FeeKind::Ip, None), 50_000, ART_13_3),
            (r(FeeKind::Ip, Some(150_000)), 330_000, ART_13_3_PROPERTY),
            (r(FeeKind::Labor, None), 1_000, ART_13_4),
            (admin(AdministrativeKind::TrademarkPatentMaritime), 10_000, ART_13_5_1),
            (admin(AdministrativeKind::Other), 5_000, ART_13_5_2),
            (r(FeeKind::JurisdictionObjection, None), 5_000, ART_13_6),
            (r(FeeKind::Enforcement, None), 5_000, ART_14_1_1),
            (r(FeeKind::Enforcement, Some(0)), 5_000, ART_14_1_2),
            (r(FeeKind::Enforcement, Some(10_000)), 5_000, ART_14_1_2),
            (r(FeeKind::Enforcement, Some(500_000)), 740_000, ART_14_1_2),
            (r(FeeKind::Enforcement, Some(5_000_000)), 5_240_000, ART_14_1_2),
            (r(FeeKind::Enforcement, Some(10_000_000)), 7_740_000, ART_14_1_2),
            (r(FeeKind::Enforcement, Some(20_000_000)), 8_740_000, ART_14_1_2),
            (r(FeeKind::Preservation, None), 3_000, ART_14_2),
            (r(FeeKind::Preservation, Some(1_000)), 3_000, ART_14_2),
            (r(FeeKind::Preservation, Some(100_000)), 102_000, ART_14_2),
            (r(FeeKind::Preservation, Some(896_000)), 500_000, ART_14_2),
            (r(FeeKind::Preservation, Some(1_000_000)), 500_000, ART_14_2),
            (r(FeeKind::PaymentOrder, Some(150_000)), 110_000, ART_14_3_PROPERTY),
            (r(FeeKind::PaymentOrder, Some(10_000)), 1_667, ART_14_3_PROPERTY),
            (r(FeeKind::PublicSummons, None), 10_000, ART_14_4),
            (r(FeeKind::SpecialProcedure, None), 0, ART_8_1),
        ];
        let settings = CourtFeeSettings::default();
        for (req, fee, first_source) in &table {
            let q = quote(req, &settings).unwrap();
            assert_eq!(q.total.0, *fee, "{req:?}");
            assert_eq!(q.total.0, sum(&q.lines), "{req:?}");
            assert_eq!(q.lines[0].source, *first_source, "{req:?}");
        }
        for kind in FeeKind::ALL {
            assert!(table.iter().any(|(r, _, _)| r.kind == kind), "{kind:?} untested");
        }
    }

    #[test]
    fn enforcement_fees_match_the_statute_one_fen_either_side_of_each_edge() {
        let table = [(10_000, 5_000), (500_000, 740_000), (5_000_000, 5_240_000), (10_000_000, 7_740_000)];
        for (edge, fee) in table {
            let at = yuan(edge).0;
            for amount in [at - 1, at, at + 1] {
                assert_eq!(total_of(FeeKind::Enforcement, Fen(amount)), fee, "{amount}");
            }
        }
    }

    #[test]
    fn preservation_fees_match_the_statute_one_fen_either_side_of_each_edge() {
        for (edge, fee) in [(1_000, 3_000), (100_000, 102_000), (896_000, 500_000)] {
            let at = yuan(edge).0;
            for amount in [at - 1, at, at + 1] {
                assert_eq!(total_of(FeeKind::Preservation, Fen(amount)), fee, "{amount}");
            }
        }
    }

    #[test]
    fn divorce_and_personality_extras_start_just_above_their_thresholds() {
        let divorce = |fen| total_of(FeeKind::Divorce, Fen(fen));
        let at = yuan(200_000).0;
        assert_eq!(divorce(at - 1), 5_000);
        assert_eq!(divorce(at), 5_000);
        assert_eq!(divorce(at + 100), 5_001); // 1 yuan × 0.5 % = 0.5 fen, rounds up
        let personality =
            |fen| total(&FeeRequest { damages: Some(Fen(fen)), ..FeeRequest::new(FeeKind::Personality) });
        for (edge, fee) in [(50_000, 10_000), (100_000, 60_000)] {
            let at = yuan(edge).0;
            for amount in [at - 1, at, at + 1] {
                assert_eq!(personality(amount), fee, "{amount}");
            }
        }
    }

    #[test]
    fn the_preservation_cap_is_its_own_line_only_when_it_bites() {
        let settings = CourtFeeSettings::default();
        let exactly = quote(&request(FeeKind::Preservation, Some(yuan(896_000))), &settings);
        let exactly = exactly.unwrap();
        assert_eq!(exactly.total, Fen(500_000));
        assert!(exactly.lines.iter().all(|l| l.fen.0 > 0));

        let above = quote(&request(FeeKind::Preservation, Some(yuan(1_000_000))), &settings);
        let above = above.unwrap();
        assert_eq!(above.total, Fen(500_000));
        let cap = above.lines.last().unwrap();
        assert_eq!(cap.fen, Fen(500_000 - 552_000));
        assert_eq!(cap.label_zh, "保全申请费最多不超过5000元");
        assert_eq!(cap.source, ART_14_2);
    }

    #[test]
    fn a_payment_order_costs_one_third_rounded_half_up() {
        let q =
            quote(&request(FeeKind::PaymentOrder, Some(yuan(10_000))), &CourtFeeSettings::default()).unwrap();
        let fens: Vec<i64> = q.lines.iter().map(|l| l.fen.0).collect();
        assert_eq!(fens, [5_000, 1_667 - 5_000]);
        assert_eq!(q.lines[1].source, ART_14_3);
    }

    #[test]
    fn configured_per_case_amounts_are_used_and_labelled() {
        let settings = CourtFeeSettings::new(CourtFeeSettingsInput {
            divorce: yuan(300),
            enforcement_without_amount: Fen(12_345),
            ..CourtFeeSettingsInput::default()
        })
        .unwrap();
        let q = quote(&request(FeeKind::Divorce, None), &settings).unwrap();
        assert_eq!(q.total, yuan(300));
        assert_eq!(q.lines[0].label_zh, "离婚案件每件交纳300元（本院标准，法定幅度50至300元）");
        let q = quote(&request(FeeKind::Enforcement, None), &settings).unwrap();
        assert_eq!(q.total, Fen(12_345));
        assert!(q.lines[0].label_zh.contains("123.45元"));
    }

    // ---- halving ----------------------------------------------------------------------------

    #[test]
    fn simplified_small_claims_mediated_and_withdrawn_cases_each_pay_half() {
        let base = request(FeeKind::Property, Some(yuan(150_000)));
        let variants = [
            (Procedure::Simplified, None, ART_16),
            (Procedure::SmallClaims, None, ART_16),
            (Procedure::Ordinary, Some(Outcome::Mediated), ART_15),
            (Procedure::Ordinary, Some(Outcome::Withdrawn), ART_15),
        ];
        for (procedure, outcome, source) in variants {
            let req = FeeRequest { procedure, outcome, ..base };
            let q = quote(&req, &CourtFeeSettings::default()).unwrap();
            assert_eq!(q.total, Fen(165_000), "{req:?}");
            let last = q.lines.last().unwrap();
            assert_eq!(last.fen, Fen(-165_000));
            assert_eq!(last.source, source);
        }
    }

    #[test]
    fn a_simplified_case_that_is_then_mediated_or_withdrawn_halves_once_not_twice() {
        for outcome in [Outcome::Mediated, Outcome::Withdrawn] {
            for procedure in [Procedure::Simplified, Procedure::SmallClaims] {
                let req = FeeRequest {
                    procedure,
                    outcome: Some(outcome),
                    ..request(FeeKind::Property, Some(yuan(150_000)))
                };
                let q = quote(&req, &CourtFeeSettings::default()).unwrap();
                assert_eq!(q.total, Fen(165_000));
                assert_eq!(q.lines.iter().filter(|l| l.fen.0 < 0).count(), 1);
                assert!(q.lines.last().unwrap().label_zh.contains("不再重复减半"));
            }
        }
    }

    #[test]
    fn halving_an_odd_number_of_fen_rounds_the_half_fen_up() {
        // 10,000.20 yuan -> 5,001 fen -> half is 2,500.5 -> 2,501 fen.
        let req = FeeRequest {
            procedure: Procedure::Simplified,
            ..request(FeeKind::Property, Some(Fen(1_000_020)))
        };
        let q = quote(&req, &CourtFeeSettings::default()).unwrap();
        assert_eq!(q.total, Fen(2_501));
        assert_eq!(q.lines.last().unwrap().fen, Fen(-2_500));
        // An even total halves exactly: 3,300 yuan -> 1,650 yuan above; 10 yuan -> 5 yuan.
        let labour = FeeRequest { outcome: Some(Outcome::Mediated), ..FeeRequest::new(FeeKind::Labor) };
        assert_eq!(total(&labour), 500);
    }

    #[test]
    fn halving_applies_to_every_acceptance_fee_and_to_no_application_fee() {
        for kind in FeeKind::ALL {
            let amount = match kind {
                FeeKind::Property | FeeKind::PaymentOrder | FeeKind::Enforcement | FeeKind::Preservation => {
                    Some(yuan(123_457))
                }
                _ => None,
            };
            let ordinary = FeeRequest {
                amount,
                administrative: (kind == FeeKind::Administrative).then_some(AdministrativeKind::Other),
                ..FeeRequest::new(kind)
            };
            let halved =
                FeeRequest { procedure: Procedure::Simplified, outcome: Some(Outcome::Mediated), ..ordinary };
            let (full, half) = (total(&ordinary), total(&halved));
            if kind.is_application_fee() {
                assert_eq!(half, full, "{kind:?}");
            } else {
                assert_eq!(half, (full + 1) / 2, "{kind:?}");
            }
        }
    }

    #[test]
    fn special_procedure_owes_nothing_and_shows_no_halving_line() {
        let req =
            FeeRequest { procedure: Procedure::Simplified, ..FeeRequest::new(FeeKind::SpecialProcedure) };
        let q = quote(&req, &CourtFeeSettings::default()).unwrap();
        assert_eq!(q.total, Fen::ZERO);
        assert_eq!(q.lines.len(), 1);
        assert!(!q.prepaid);
    }

    // ---- prepayment and refunds -------------------------------------------------------------

    #[test]
    fn enforcement_fees_and_unpaid_wage_claims_are_not_prepaid() {
        assert!(!needs_prepayment(FeeKind::Enforcement, false));
        assert!(!needs_prepayment(FeeKind::Labor, true));
        assert!(!needs_prepayment(FeeKind::Property, true));
        assert!(!needs_prepayment(FeeKind::SpecialProcedure, false));
        assert!(needs_prepayment(FeeKind::Labor, false));
        assert!(needs_prepayment(FeeKind::Property, false));
        // Art. 20's wage exception covers acceptance fees, not application fees.
        assert!(needs_prepayment(FeeKind::Preservation, true));
        assert!(needs_prepayment(FeeKind::PaymentOrder, false));
        assert!(needs_prepayment(FeeKind::PublicSummons, false));

        let q = quote(&request(FeeKind::Enforcement, Some(yuan(1))), &CourtFeeSettings::default()).unwrap();
        assert!(!q.prepaid);
        let wages = FeeRequest { claims_unpaid_wages: true, ..FeeRequest::new(FeeKind::Labor) };
        assert!(!quote(&wages, &CourtFeeSettings::default()).unwrap().prepaid);
    }

    #[test]
    fn a_refund_is_what_was_overpaid_and_never_negative() {
        assert_eq!(refund_due(Fen(330_000), Fen(165_000)), Fen(165_000));
        assert_eq!(refund_due(Fen(165_000), Fen(165_000)), Fen::ZERO);
        assert_eq!(refund_due(Fen(100), Fen(330_000)), Fen::ZERO);
        assert_eq!(refund_due(Fen(i64::MIN), Fen(i64::MAX)), Fen::ZERO);
    }

    // ---- request errors ---------------------------------------------------------------------

    #[test]
    fn each_bad_request_gets_its_own_error() {
        let s = CourtFeeSettings::default();
        let err = |req: FeeRequest| quote(&req, &s).unwrap_err();
        let kind = FeeKind::Property;
        assert_eq!(err(request(kind, None)), FeeError::AmountRequired { kind });
        let kind = FeeKind::PaymentOrder;
        assert_eq!(err(request(kind, None)), FeeError::AmountRequired { kind });
        for kind in [
            FeeKind::Personality,
            FeeKind::OtherNonProperty,
            FeeKind::Labor,
            FeeKind::Administrative,
            FeeKind::JurisdictionObjection,
            FeeKind::PublicSummons,
            FeeKind::SpecialProcedure,
        ] {
            assert_eq!(err(request(kind, Some(yuan(1)))), FeeError::AmountNotApplicable { kind });
        }
        assert_eq!(err(request(FeeKind::Property, Some(Fen(-1)))), FeeError::Negative);
        assert_eq!(err(request(FeeKind::Property, Some(Fen(Fen::MAX.0 + 1)))), FeeError::TooLarge);
        let kind = FeeKind::Divorce;
        assert_eq!(
            err(FeeRequest { damages: Some(yuan(1)), ..FeeRequest::new(kind) }),
            FeeError::DamagesNotApplicable { kind }
        );
        assert_eq!(
            err(FeeRequest { damages: Some(Fen(-5)), ..FeeRequest::new(FeeKind::Personality) }),
            FeeError::Negative
        );
        assert_eq!(err(FeeRequest::new(FeeKind::Administrative)), FeeError::AdministrativeKindRequired);
        let kind = FeeKind::Labor;
        assert_eq!(
            err(FeeRequest { administrative: Some(AdministrativeKind::Other), ..FeeRequest::new(kind) }),
            FeeError::AdministrativeKindNotApplicable { kind }
        );
    }

    // ---- settings ---------------------------------------------------------------------------

    #[test]
    fn default_settings_are_the_statutory_minimums() {
        let s = CourtFeeSettings::default();
        assert_eq!(CourtFeeSettings::new(s.input()), Ok(s));
        for setting in FeeSetting::ALL {
            assert_eq!(s.get(setting), setting.range().0, "{setting:?}");
        }
        assert_eq!(s.get(FeeSetting::IpWithoutAmount), yuan(500));
    }

    #[test]
    fn settings_accept_both_ends_of_each_range_and_refuse_anything_outside() {
        for setting in FeeSetting::ALL {
            let (min, max) = setting.range();
            let with = |value: Fen| {
                let mut input = CourtFeeSettingsInput::default();
                match setting {
                    FeeSetting::Divorce => input.divorce = value,
                    FeeSetting::Personality => input.personality = value,
                    FeeSetting::OtherNonProperty => input.other_non_property = value,
                    FeeSetting::IpWithoutAmount => input.ip_without_amount = value,
                    FeeSetting::JurisdictionObjection => input.jurisdiction_objection = value,
                    FeeSetting::EnforcementWithoutAmount => input.enforcement_without_amount = value,
                }
                CourtFeeSettings::new(input)
            };
            assert!(with(min).is_ok(), "{setting:?}");
            assert_eq!(with(max).map(|s| s.get(setting)), Ok(max), "{setting:?}");
            let refused = Err(FeeError::SettingOutOfRange { setting, min, max });
            assert_eq!(with(Fen(min.0 - 1)), refused, "{setting:?}");
            assert_eq!(with(Fen(max.0 + 1)), refused, "{setting:?}");
        }
    }

    #[test]
    fn settings_convert_back_and_forth_through_the_unchecked_input() {
        let input = CourtFeeSettingsInput { personality: yuan(500), ..CourtFeeSettingsInput::default() };
        let settings = CourtFeeSettings::try_from(input).unwrap();
        assert_eq!(CourtFeeSettingsInput::from(settings), input);
        let bad = CourtFeeSettingsInput { other_non_property: yuan(101), ..input };
        assert!(CourtFeeSettings::try_from(bad).is_err());
    }

    // ---- messages ---------------------------------------------------------------------------

    #[test]
    fn every_error_reads_as_a_sentence_in_both_languages() {
        let kind = FeeKind::Labor;
        let setting = FeeSetting::Divorce;
        let (min, max) = setting.range();
        let all = [
            FeeError::Empty,
            FeeError::NotANumber,
            FeeError::Negative,
            FeeError::TooManyDecimals,
            FeeError::TooLarge,
            FeeError::AmountRequired { kind },
            FeeError::AmountNotApplicable { kind },
            FeeError::DamagesNotApplicable { kind },
            FeeError::AdministrativeKindRequired,
            FeeError::AdministrativeKindNotApplicable { kind },
            FeeError::SettingOutOfRange { setting, min, max },
        ];
        for e in all {
            assert!(e.message(true).ends_with('。'), "{e:?}");
            assert!(e.message(false).ends_with('.'), "{e:?}");
            assert_eq!(e.to_string(), e.message(false));
        }
        assert_eq!(FeeError::TooManyDecimals.message(true), "金额最多两位小数，例如 1500.50。");
        assert_eq!(
            FeeError::SettingOutOfRange { setting, min, max }.message(true),
            "离婚案件的收费标准须在50元至300元之间（诉讼费用交纳办法 第13条第2项第1目）。"
        );
    }

    // ---- properties over many amounts -------------------------------------------------------

    #[test]
    fn the_total_never_decreases_as_the_amount_grows() {
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        for _ in 0..5_000 {
            let a = rng.amount();
            let b = Fen(a.0.saturating_add(rng.amount().0).min(Fen::MAX.0));
            for procedure in [Procedure::Ordinary, Procedure::Simplified] {
                for req in amount_requests(a) {
                    let req = FeeRequest { procedure, ..req };
                    assert!(total(&with_amount(&req, b)) >= total(&req), "{req:?} {b}");
                }
            }
        }
    }

    #[test]
    fn one_more_fen_raises_the_total_by_at_most_one_fen() {
        // No rate exceeds 2.5 %, so one fen more adds at most 0.025 fen to a single line;
        // rounded half up per line, that is 0 or 1 fen, never a jump (also at bracket edges).
        let mut rng = Rng(0xDEAD_BEEF_CAFE_F00D);
        let mut amounts: Vec<Fen> = (0..3_000).map(|_| rng.amount()).collect();
        for edge in EDGES_YUAN {
            for d in -3..=3 {
                amounts.push(Fen(yuan(edge).0 + d));
            }
        }
        for a in amounts {
            if a >= Fen::MAX {
                continue;
            }
            for procedure in [Procedure::Ordinary, Procedure::SmallClaims] {
                for req in amount_requests(a) {
                    let req = FeeRequest { procedure, ..req };
                    let step = total(&with_amount(&req, Fen(a.0 + 1))) - total(&req);
                    assert!((0..=1).contains(&step), "{req:?}: {step}");
                }
            }
        }
    }

    #[test]
    fn preservation_never_costs_more_than_5000_yuan() {
        let mut rng = Rng(0x0123_4567_89AB_CDEF);
        for _ in 0..20_000 {
            let fee = total_of(FeeKind::Preservation, rng.amount());
            assert!((3_000..=500_000).contains(&fee), "{fee}");
        }
        assert_eq!(total_of(FeeKind::Preservation, Fen::MAX), 500_000);
    }

    #[test]
    fn halving_is_always_the_full_fee_over_two_rounded_half_up() {
        let mut rng = Rng(0xA5A5_5A5A_1234_8765);
        for _ in 0..3_000 {
            let a = rng.amount();
            for req in amount_requests(a) {
                if req.kind.is_application_fee() {
                    continue;
                }
                let full = total(&req);
                for (procedure, outcome) in [
                    (Procedure::Simplified, None),
                    (Procedure::Ordinary, Some(Outcome::Withdrawn)),
                    (Procedure::SmallClaims, Some(Outcome::Mediated)),
                ] {
                    let halved = FeeRequest { procedure, outcome, ..req };
                    assert_eq!(total(&halved), (full + 1) / 2, "{halved:?}");
                }
            }
        }
    }

    #[test]
    fn every_quote_totals_its_lines_and_cites_the_law_on_each() {
        let mut rng = Rng(0x1357_9BDF_2468_ACE0);
        for _ in 0..3_000 {
            for req in amount_requests(rng.amount()) {
                let q = quote(&req, &CourtFeeSettings::default()).unwrap();
                assert_eq!(q.total.0, sum(&q.lines));
                assert!(q.total.0 >= 0);
                for l in &q.lines {
                    assert!(l.source.starts_with("诉讼费用交纳办法 第"), "{l:?}");
                    assert!(!l.label_zh.is_empty() && !l.label_en.is_empty());
                }
            }
        }
    }

    #[test]
    fn typed_input_becomes_the_same_request_the_engine_quotes() {
        let mut input = FeeInput::new(FeeKind::Property);
        input.amount_yuan = " 150,000.00 元".into();
        input.procedure = Procedure::Simplified;
        let req = input.request().unwrap();
        assert_eq!(req.amount, Some(Fen::from_yuan(150_000)));
        let q = quote(&req, &CourtFeeSettings::default()).unwrap();
        assert_eq!(q.total, Fen::from_yuan(1_650));
    }

    #[test]
    fn an_empty_amount_box_means_no_amount() {
        let mut input = FeeInput::new(FeeKind::Divorce);
        input.amount_yuan = "  ".into();
        assert_eq!(input.request().unwrap().amount, None);
        let input = FeeInput::new(FeeKind::Property);
        let req = input.request().unwrap();
        assert_eq!(
            quote(&req, &CourtFeeSettings::default()),
            Err(FeeError::AmountRequired { kind: FeeKind::Property })
        );
    }

    #[test]
    fn bad_typed_amounts_are_refused_with_their_reason() {
        let mut input = FeeInput::new(FeeKind::Property);
        input.amount_yuan = "12.345".into();
        assert_eq!(input.request(), Err(FeeError::TooManyDecimals));
        input.amount_yuan = "abc".into();
        assert_eq!(input.request(), Err(FeeError::NotANumber));
        let mut input = FeeInput::new(FeeKind::Personality);
        input.damages_yuan = "-5".into();
        assert_eq!(input.request(), Err(FeeError::Negative));
    }

    #[test]
    fn an_administrative_case_with_no_type_chosen_is_the_ordinary_kind() {
        let req = FeeInput::new(FeeKind::Administrative).request().unwrap();
        assert_eq!(req.administrative, Some(AdministrativeKind::Other));
        let q = quote(&req, &CourtFeeSettings::default()).unwrap();
        assert_eq!(q.total, Fen::from_yuan(50));
    }

    #[test]
    fn which_kinds_take_an_amount() {
        assert_eq!(FeeKind::Property.amount_use(), AmountUse::Required);
        assert_eq!(FeeKind::Preservation.amount_use(), AmountUse::Optional);
        assert_eq!(FeeKind::Labor.amount_use(), AmountUse::NotApplicable);
    }
}
