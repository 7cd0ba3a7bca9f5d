//! The texts of the court's notices (受理通知书, 应诉通知书, 举证通知书, 传票, 交费通知书) and
//! of the delivery receipt (送达回证), laid out as [`pdf::Document`]s from plain facts. No
//! database, no clock: the caller gathers the facts, [`pdf::render`] makes the bytes.
//!
//! Every rule a notice states cites its article next to the sentence, in the short form the
//! pages use ("民事诉讼法 第128条"; article numbers of the 2023 text of the Civil Procedure
//! Law; "民诉解释" is the Supreme People's Court's interpretation of it, 2022 text). Periods
//! that `app::rules::deadlines` knows are taken from there with their source.

use app::rules::case_number::CaseNumber;
use app::rules::dates::{format_shanghai, CivilDate};
use app::rules::deadlines::{answer_period, DaysPeriod, FEE_PREPAY_PERIOD};
use app::rules::fees::Fen;
use app::rules::Lang;

use crate::adapters::pdf::{Block, Document};

/// The evidence period (举证期限) the notice states. The court sets it, and in first-instance
/// ordinary procedure it may not be shorter than 15 days (民诉解释 art. 99); DOMAIN.md sets no
/// other period, so the notice states that minimum.
pub const EVIDENCE_PERIOD: DaysPeriod = DaysPeriod { days: 15, source: "民诉解释 第99条" };

/// The name litigants know the app by, in instructions ("在“掌上法庭”中打开本案").
const APP_NAME: &str = "掌上法庭";

/// Which notice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NoticeKind {
    /// 受理通知书: to the plaintiff, the case is accepted.
    Acceptance,
    /// 应诉通知书: to the defendant, with the complaint.
    Answer,
    /// 举证通知书: to each party, burden of proof and evidence period.
    Evidence,
    /// 传票: summons to a hearing.
    Summons,
    /// 交费通知书: the acceptance fee to prepay.
    FeePayment,
}

impl NoticeKind {
    /// Every kind, in the order a case meets them.
    pub const ALL: [NoticeKind; 5] = [
        NoticeKind::Acceptance,
        NoticeKind::FeePayment,
        NoticeKind::Answer,
        NoticeKind::Evidence,
        NoticeKind::Summons,
    ];

    /// The document's name, e.g. "受理通知书".
    pub fn title(self) -> &'static str {
        match self {
            NoticeKind::Acceptance => "受理通知书",
            NoticeKind::Answer => "应诉通知书",
            NoticeKind::Evidence => "举证通知书",
            NoticeKind::Summons => "传票",
            NoticeKind::FeePayment => "交费通知书",
        }
    }

    fn title_en(self) -> &'static str {
        match self {
            NoticeKind::Acceptance => "notice of acceptance",
            NoticeKind::Answer => "notice to answer",
            NoticeKind::Evidence => "notice on evidence",
            NoticeKind::Summons => "summons",
            NoticeKind::FeePayment => "fee notice",
        }
    }

    /// A stable code for storage and URLs: "acceptance", "answer", "evidence", "summons", "fee".
    pub fn code(self) -> &'static str {
        match self {
            NoticeKind::Acceptance => "acceptance",
            NoticeKind::Answer => "answer",
            NoticeKind::Evidence => "evidence",
            NoticeKind::Summons => "summons",
            NoticeKind::FeePayment => "fee",
        }
    }

    /// The kind whose [`NoticeKind::code`] is `code`.
    pub fn parse(code: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// The recipient's side in the case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PartyRole {
    /// 原告.
    Plaintiff,
    /// 被告.
    Defendant,
}

impl PartyRole {
    /// "原告" or "被告".
    pub fn label(self) -> &'static str {
        match self {
            PartyRole::Plaintiff => "原告",
            PartyRole::Defendant => "被告",
        }
    }

    fn label_en(self) -> &'static str {
        match self {
            PartyRole::Plaintiff => "plaintiff",
            PartyRole::Defendant => "defendant",
        }
    }
}

/// A hearing, for the summons.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hearing {
    /// When it starts, Unix seconds (UTC); the notice shows China time.
    pub starts_at_utc_secs: i64,
    /// Where: a courtroom ("本院第三法庭"), or the online courtroom.
    pub place: String,
    /// Held online (云上法庭): the parties join from the app.
    pub online: bool,
}

/// The clerk (书记员) to contact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clerk {
    pub name: String,
    pub phone: String,
}

/// What a notice says, as plain data the caller gathers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoticeFacts {
    /// 浏阳市人民法院.
    pub court_name: String,
    pub court_address: String,
    /// The court's litigation-service number.
    pub court_phone: String,
    /// The case number (案号), as typed or canonical; the notice prints the canonical form.
    pub case_number: String,
    /// 案由, e.g. "民间借贷纠纷".
    pub cause: String,
    pub plaintiffs: Vec<String>,
    pub defendants: Vec<String>,
    /// Who the notice is addressed to.
    pub recipient_name: String,
    pub recipient_role: PartyRole,
    /// A defendant with no domicile in China has 30 days to answer, not 15.
    pub recipient_domiciled_in_china: bool,
    /// The date the court issues the notice (the date under the court's name).
    pub issued_on: CivilDate,
    /// The judge in charge (承办法官), once assigned.
    pub judge: Option<String>,
    pub clerk: Option<Clerk>,
    /// The acceptance fee to prepay, in fen. Needed by the fee notice; the notice of
    /// acceptance repeats it when it is more than zero.
    pub fee_due_fen: Option<i64>,
    /// How the fee was computed, e.g. "诉讼费用交纳办法 第13条第1项", shown on the fee notice.
    pub fee_basis: Option<String>,
    /// The 查询码 for looking the case up without signing in (notice of acceptance).
    pub query_code: Option<String>,
    /// The hearing (summons).
    pub hearing: Option<Hearing>,
}

/// A fact a notice needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fact {
    CourtName,
    Cause,
    Parties,
    Recipient,
    Hearing,
    FeeAmount,
    QueryCode,
}

impl Fact {
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Fact::CourtName => ("法院名称", "the court's name"),
            Fact::Cause => ("案由", "the cause of action"),
            Fact::Parties => ("原告和被告", "the plaintiffs and defendants"),
            Fact::Recipient => ("受送达人", "the recipient"),
            Fact::Hearing => ("开庭时间和地点", "the hearing's time and place"),
            Fact::FeeAmount => ("应交金额", "the amount to pay"),
            Fact::QueryCode => ("查询码", "the query code"),
        }
    }
}

/// Why a notice cannot be made. Messages are Chinese first, English after.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NoticeError {
    #[error("{}缺少{}（the {} needs {}）", .notice.title(), .fact.names().0, .notice.title_en(), .fact.names().1)]
    Missing { notice: NoticeKind, fact: Fact },
    #[error("{}只发给{}（a {} goes to the {} only）", .notice.title(), .role.label(), .notice.title_en(), .role.label_en())]
    WrongRecipient { notice: NoticeKind, role: PartyRole },
    #[error("案号不对：{}（bad case number: {}）", .0.message(Lang::Zh), .0.message(Lang::En))]
    CaseNumber(app::rules::case_number::CaseNumberError),
}

/// The notice `kind` with `facts`, ready for [`crate::adapters::pdf::render`].
pub fn notice(kind: NoticeKind, facts: &NoticeFacts) -> Result<Document, NoticeError> {
    let missing = |fact| NoticeError::Missing { notice: kind, fact };
    let case_number = CaseNumber::parse(&facts.case_number).map_err(NoticeError::CaseNumber)?.to_string();
    let required = [
        (Fact::CourtName, facts.court_name.as_str()),
        (Fact::Cause, facts.cause.as_str()),
        (Fact::Recipient, facts.recipient_name.as_str()),
    ];
    if let Some(&(fact, _)) = required.iter().find(|(_, v)| v.trim().is_empty()) {
        return Err(missing(fact));
    }
    let named = |names: &[String]| names.iter().any(|n| !n.trim().is_empty());
    if !named(&facts.plaintiffs) || !named(&facts.defendants) {
        return Err(missing(Fact::Parties));
    }
    let only_to = |role: PartyRole| {
        if facts.recipient_role == role {
            Ok(())
        } else {
            Err(NoticeError::WrongRecipient { notice: kind, role })
        }
    };
    let n = Notice { facts, case_number: &case_number };
    let body = match kind {
        NoticeKind::Acceptance => {
            only_to(PartyRole::Plaintiff)?;
            let code = facts
                .query_code
                .as_deref()
                .filter(|c| !c.trim().is_empty())
                .ok_or_else(|| missing(Fact::QueryCode))?;
            n.acceptance(code)
        }
        NoticeKind::Answer => {
            only_to(PartyRole::Defendant)?;
            n.answer()
        }
        NoticeKind::Evidence => n.evidence(),
        NoticeKind::Summons => n.summons(facts.hearing.as_ref().ok_or_else(|| missing(Fact::Hearing))?),
        NoticeKind::FeePayment => {
            let fee = facts.fee_due_fen.filter(|&f| f > 0).ok_or_else(|| missing(Fact::FeeAmount))?;
            n.fee_payment(Fen(fee))
        }
    };
    let mut blocks = vec![
        Block::CourtHeader(facts.court_name.clone()),
        Block::Title(kind.title().to_owned()),
        Block::CaseNumber(case_number.clone()),
    ];
    blocks.extend(body);
    blocks.extend(n.contacts());
    blocks
        .push(Block::Signature { court: facts.court_name.clone(), date: date_in_numerals(facts.issued_on) });
    blocks.push(Block::Note(format!(
        "本文书通过“{APP_NAME}”电子送达，本文件的文书指纹（SHA-256）记载于送达回证。"
    )));
    Ok(Document {
        title: format!("{} {}", kind.title(), case_number),
        blocks,
        footer: Some(format!("{}　{}　{}", facts.court_name, case_number, kind.title())),
    })
}

/// The facts, with the case number in canonical form, and the sentences notices share.
struct Notice<'a> {
    facts: &'a NoticeFacts,
    case_number: &'a str,
}

fn paragraph(text: impl Into<String>) -> Block {
    Block::Paragraph(text.into())
}

fn field(label: &str, value: impl Into<String>) -> Block {
    Block::Field { label: label.to_owned(), value: value.into() }
}

fn names(list: &[String]) -> String {
    list.iter().map(|n| n.trim()).filter(|n| !n.is_empty()).collect::<Vec<_>>().join("、")
}

impl Notice<'_> {
    /// "原告张三与被告李四民间借贷纠纷一案".
    fn the_case(&self) -> String {
        let f = self.facts;
        format!("原告{}与被告{}{}一案", names(&f.plaintiffs), names(&f.defendants), f.cause.trim())
    }

    fn addressee(&self) -> Block {
        Block::Plain(format!("{}：", self.facts.recipient_name.trim()))
    }

    /// Whom to ask, and where the court is.
    fn contacts(&self) -> Vec<Block> {
        let f = self.facts;
        let mut rows = Vec::new();
        if let Some(judge) = f.judge.as_deref().filter(|j| !j.trim().is_empty()) {
            rows.push(field("承办法官：", judge));
        }
        if let Some(clerk) = f.clerk.as_ref().filter(|c| !c.name.trim().is_empty()) {
            let phone = if clerk.phone.trim().is_empty() {
                String::new()
            } else {
                format!("，电话 {}", clerk.phone.trim())
            };
            rows.push(field("书记员：", format!("{}{phone}", clerk.name.trim())));
        }
        if !f.court_address.trim().is_empty() {
            rows.push(field("法院地址：", f.court_address.trim()));
        }
        if !f.court_phone.trim().is_empty() {
            rows.push(field("法院电话：", f.court_phone.trim()));
        }
        rows
    }

    /// 受理通知书, to the plaintiff.
    fn acceptance(&self, query_code: &str) -> Vec<Block> {
        let mut blocks = vec![
            self.addressee(),
            // CPL art. 126: a complaint meeting art. 122 is docketed within 7 days and the
            // parties are told.
            paragraph(format!(
                "{}，本院已收到起诉状。经审查，起诉符合法定条件，本院决定立案受理（民事诉讼法 第122条、第126条）。本案案号为{}，查询案件、提交材料时请写明案号。现将有关事项通知如下：",
                self.the_case(),
                self.case_number,
            )),
        ];
        let mut items = Vec::new();
        match self.facts.fee_due_fen.filter(|&f| f > 0) {
            Some(fee) => items.push(format!(
                "你应当在收到本通知书次日起{}日内（{}）预交案件受理费 {}。可以在“{APP_NAME}”中打开本案，点“交诉讼费”在线交纳。期满仍未预交，又没有申请缓交、减交、免交或者申请未获批准的，本院将裁定按撤诉处理（民诉解释 第213条）。交纳确有困难的，可以申请缓交、减交或者免交（诉讼费用交纳办法 第44条）。",
                FEE_PREPAY_PERIOD.days,
                FEE_PREPAY_PERIOD.source,
                amount(Fen(fee)),
            )),
            None => items.push("本案现无须预交案件受理费。".to_owned()),
        }
        items.push(format!(
            "凭案号和查询码，不用登录即可在“{APP_NAME}”的“案件查询”中查看案件进度。查询码：{}。请妥善保管，不要告诉与本案无关的人。",
            query_code.trim()
        ));
        // CPL art. 128: the complaint goes to the defendant within 5 days of docketing.
        items.push("本院将在立案之日起5日内将起诉状副本发送被告（民事诉讼法 第128条）。".to_owned());
        items.push(
            "当事人有权委托代理人，提出回避申请，收集、提供证据，进行辩论，请求调解，提起上诉，申请执行；必须依法行使诉讼权利，遵守诉讼秩序（民事诉讼法 第52条）。"
                .to_owned(),
        );
        blocks.extend(numbered(items));
        blocks
    }

    /// 应诉通知书, to a defendant, served with the complaint and the notice on evidence.
    fn answer(&self) -> Vec<Block> {
        let period = answer_period(self.facts.recipient_domiciled_in_china);
        let mut blocks = vec![
            self.addressee(),
            paragraph(format!(
                "{}，本院已立案受理。现向你送达起诉状副本和举证通知书，并将有关事项通知如下：",
                self.the_case()
            )),
        ];
        blocks.extend(numbered(vec![
            format!(
                "你应当在收到起诉状副本之日起{}日内向本院提交答辩状（{}）。可以在“{APP_NAME}”中打开本案在线提交，也可以交到本院。不提交答辩状的，不影响本院审理。",
                period.days, period.source
            ),
            "你对本院管辖有异议的，应当在提交答辩状期间提出（民事诉讼法 第130条）。".to_owned(),
            "你可以委托一至二人作为诉讼代理人（民事诉讼法 第61条）。委托他人代为诉讼的，应当向本院提交由你签名或者盖章的授权委托书（民事诉讼法 第62条）。".to_owned(),
            "被告可以承认或者反驳诉讼请求，有权提起反诉（民事诉讼法 第54条）。当事人有权提出回避申请，收集、提供证据，进行辩论，请求调解，提起上诉，申请执行；必须依法行使诉讼权利，遵守诉讼秩序（民事诉讼法 第52条）。".to_owned(),
            "请按同时送达的举证通知书，在举证期限内向本院提交证据。".to_owned(),
        ]));
        blocks
    }

    /// 举证通知书, to either party.
    fn evidence(&self) -> Vec<Block> {
        let mut blocks = vec![
            self.addressee(),
            paragraph(format!("{}，本院已立案受理。现将举证的有关事项通知如下：", self.the_case())),
        ];
        blocks.extend(numbered(vec![
            "当事人对自己提出的主张，有责任提供证据（民事诉讼法 第67条）。对自己提出的诉讼请求所依据的事实，或者反驳对方诉讼请求所依据的事实，应当提供证据加以证明；没有证据或者证据不足以证明的，由负有举证证明责任的当事人承担不利的后果（民诉解释 第90条）。".to_owned(),
            format!(
                "本案举证期限为{}日，自你收到本通知书次日起计算（{}）。请在期限届满前提交证据，可以在“{APP_NAME}”中打开本案上传，也可以交到本院。",
                EVIDENCE_PERIOD.days, EVIDENCE_PERIOD.source
            ),
            "在举证期限内提供证据确有困难的，可以在期限届满前向本院书面申请延长（民诉解释 第100条）。申请证人出庭作证的，应当在举证期限届满前提出（民诉解释 第117条）。".to_owned(),
            "逾期提供证据的，本院将责令你说明理由；拒不说明理由或者理由不成立的，本院可以不予采纳该证据，或者采纳该证据但予以训诫、罚款（民事诉讼法 第68条；民诉解释 第102条）。".to_owned(),
            "书证应当提交原件，物证应当提交原物；提交原件或者原物确有困难的，可以提交复制品、照片、副本、节录本（民事诉讼法 第73条）。在网上提交的照片、扫描件经本院审核后可以直接使用，对方对其与原件是否一致有异议等情形下，本院会要求你提供原件（人民法院在线诉讼规则 第12条）。".to_owned(),
        ]));
        blocks
    }

    /// 传票: who is summoned, as what, when (China time) and where, and what happens if they
    /// do not come.
    fn summons(&self, hearing: &Hearing) -> Vec<Block> {
        let f = self.facts;
        let starts = hearing.starts_at_utc_secs;
        let weekday = ["一", "二", "三", "四", "五", "六", "日"]
            [usize::from(CivilDate::from_unix_shanghai(starts).weekday()) % 7];
        let place = if hearing.online {
            format!("{}（线上开庭）", hearing.place.trim())
        } else {
            hearing.place.trim().to_owned()
        };
        let mut blocks = vec![
            field("案由：", f.cause.trim()),
            field("被传唤人：", f.recipient_name.trim()),
            field("诉讼地位：", f.recipient_role.label()),
            field("传唤事由：", "开庭审理"),
            field("应到时间：", format!("{}（星期{weekday}，北京时间）", format_shanghai(starts, Lang::Zh))),
            field("应到处所：", place),
            Block::Heading("注意事项".to_owned()),
        ];
        let arrive = if hearing.online {
            // 在线诉讼规则 art. 7: identity is verified before an online hearing.
            format!("被传唤人必须准时参加庭审。请在开庭前登录“{APP_NAME}”，打开本案进入在线庭审，并先完成身份核验（人民法院在线诉讼规则 第7条）。")
        } else {
            "被传唤人必须准时到达应到处所，并携带本人身份证件。".to_owned()
        };
        let absence = match f.recipient_role {
            PartyRole::Plaintiff => "原告经传票传唤，无正当理由拒不到庭的，或者未经法庭许可中途退庭的，可以按撤诉处理（民事诉讼法 第146条）。",
            PartyRole::Defendant => "被告经传票传唤，无正当理由拒不到庭的，或者未经法庭许可中途退庭的，可以缺席判决（民事诉讼法 第147条）。",
        };
        blocks.extend(numbered(vec![
            arrive,
            absence.to_owned(),
            "确有正当理由不能按时到庭的，请尽早联系本院说明理由并提供证明；有正当理由没有到庭的，可以延期开庭审理（民事诉讼法 第149条）。".to_owned(),
        ]));
        blocks
    }

    /// 交费通知书: the amount, the deadline, how to pay.
    fn fee_payment(&self, fee: Fen) -> Vec<Block> {
        let mut blocks = vec![
            self.addressee(),
            paragraph(format!("{}，本院已立案受理。你应当预交案件受理费，具体如下：", self.the_case())),
            field("应交金额：", amount(fee)),
        ];
        if let Some(basis) = self.facts.fee_basis.as_deref().filter(|b| !b.trim().is_empty()) {
            blocks.push(field("计算依据：", basis.trim()));
        }
        blocks.push(field(
            "交费期限：",
            format!("收到本通知书次日起{}日内（{}）", FEE_PREPAY_PERIOD.days, FEE_PREPAY_PERIOD.source),
        ));
        blocks.push(Block::Heading("交费方式".to_owned()));
        blocks.extend(numbered(vec![
            format!("在“{APP_NAME}”中打开本案，点“交诉讼费”，按提示在线支付。支付成功后，可以在同一页面下载交费凭证。"),
            "也可以到本院诉讼服务中心交纳。".to_owned(),
        ]));
        blocks.push(Block::Heading("注意".to_owned()));
        blocks.extend(numbered(vec![
            "期满仍未交纳，又没有申请缓交、减交、免交或者申请未获批准的，本院将裁定按撤诉处理（民诉解释 第213条）。".to_owned(),
            format!("交纳确有困难的，可以在“{APP_NAME}”的交费页面申请缓交、减交或者免交（诉讼费用交纳办法 第44条）。"),
            "案件审结后多交的诉讼费用，本院自法律文书生效之日起15日内退还（诉讼费用交纳办法 第53条）。".to_owned(),
        ]));
        blocks
    }
}

/// "1,050.00 元（大写：壹仟零伍拾元整）".
fn amount(fee: Fen) -> String {
    format!("{} 元（大写：{}）", fee.format_yuan(), fee.in_capitals())
}

/// Items numbered 一、二、三、… as paragraphs.
fn numbered(items: Vec<String>) -> Vec<Block> {
    items.into_iter().enumerate().map(|(i, item)| paragraph(format!("{}、{item}", numeral(i + 1)))).collect()
}

/// 1..=99 in Chinese numerals: 一, 十, 十一, 二十, 二十一.
fn numeral(n: usize) -> String {
    const DIGITS: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n].to_owned(),
        10 => "十".to_owned(),
        11..=19 => format!("十{}", DIGITS[n % 10]),
        20..=99 if n.is_multiple_of(10) => format!("{}十", DIGITS[n / 10]),
        20..=99 => format!("{}十{}", DIGITS[n / 10], DIGITS[n % 10]),
        _ => n.to_string(),
    }
}

/// A date as a court signs it: 二〇二六年三月五日 (the year digit by digit, with 〇).
pub fn date_in_numerals(date: CivilDate) -> String {
    const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    let year: String =
        date.year().to_string().chars().map(|c| c.to_digit(10).map_or(c, |d| DIGITS[d as usize])).collect();
    format!("{year}年{}月{}日", numeral(usize::from(date.month())), numeral(usize::from(date.day())))
}

// ---------------------------------------------------------------------------------------------
// The delivery receipt
// ---------------------------------------------------------------------------------------------

/// What a delivery receipt (送达回证) states (DOMAIN.md §5), already formatted by the caller.
/// An empty string prints as "—".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReceiptFacts {
    pub court_name: String,
    /// The document served, e.g. "受理通知书".
    pub document_title: String,
    pub case_number: String,
    pub recipient: String,
    /// The electronic address served to (the app's inbox, a phone number, an e-mail).
    pub address: String,
    /// How it was served, e.g. "电子送达（掌上法庭）".
    pub method: String,
    pub sent_at: String,
    pub arrived_at: String,
    /// When the recipient read or confirmed it.
    pub read_at: String,
    /// SHA-256 of exactly the bytes served, 64 hex digits.
    pub sha256_hex: String,
    /// The date service took effect.
    pub effective_on: String,
    /// The rule that made it effective, e.g. "到达受送达人确认的地址即生效（在线诉讼规则 第31条）".
    pub effective_rule: String,
    /// The service event's position in the court's log.
    pub log_index: u64,
    /// Entries in the log at the signed head.
    pub tree_size: u64,
    pub root_hash_hex: String,
    /// The court's signature of the tree head.
    pub signature_hex: String,
    /// Fingerprint of the court's public key that checks the signature.
    pub key_fingerprint: String,
}

/// The delivery receipt (送达回证) as a document.
pub fn receipt_document(facts: &ReceiptFacts) -> Document {
    let or_dash = |s: &str| if s.trim().is_empty() { "—".to_owned() } else { s.trim().to_owned() };
    let code = |label: &str, text: &str| Block::Code { label: label.to_owned(), text: or_dash(text) };
    let blocks = vec![
        Block::CourtHeader(facts.court_name.clone()),
        Block::Title("送达回证".to_owned()),
        Block::CaseNumber(facts.case_number.clone()),
        field("文书名称：", or_dash(&facts.document_title)),
        field("受送达人：", or_dash(&facts.recipient)),
        field("送达地址：", or_dash(&facts.address)),
        field("送达方式：", or_dash(&facts.method)),
        field("送达人：", or_dash(&facts.court_name)),
        field("发送时间：", or_dash(&facts.sent_at)),
        field("到达时间：", or_dash(&facts.arrived_at)),
        field("阅读时间：", or_dash(&facts.read_at)),
        field("送达生效日：", or_dash(&facts.effective_on)),
        field("生效依据：", or_dash(&facts.effective_rule)),
        code("文书指纹（SHA-256，送达文件全部字节的哈希值）：", &facts.sha256_hex),
        Block::Heading("送达日志记录".to_owned()),
        field("日志序号：", facts.log_index.to_string()),
        field("日志记录总数：", facts.tree_size.to_string()),
        code("日志根哈希：", &facts.root_hash_hex),
        code("法院签名：", &facts.signature_hex),
        code("签名公钥指纹：", &facts.key_fingerprint),
        Block::Rule,
        Block::Note(
            "本院把每一次送达记入送达日志（RFC 9162 默克尔树），并对日志的记录总数和根哈希签名。用本院公布的公钥核验签名，再核验本记录包含在该日志中，即可确认本回证记载的内容没有被改动；用 SHA-256 计算所收到文件的哈希值，与上面的文书指纹一致，即为本院送达的原文件。"
                .to_owned(),
        ),
    ];
    Document {
        title: format!("送达回证 {}", facts.case_number.trim()),
        blocks,
        footer: Some(format!("{}　{}　送达回证", facts.court_name, facts.case_number)),
    }
}

/// What a ruling on judicial confirmation (民事裁定书, 民特) states.
pub struct RulingFacts {
    pub court_name: String,
    /// The 民特 number.
    pub case_number: String,
    /// Each applicant with the address for service they gave (送达地址确认书).
    pub applicants: Vec<(String, String)>,
    /// The pre-filing matter's 民诉前调 number and the day its agreement took effect.
    pub mediation_number: String,
    pub effective_on: CivilDate,
    pub applied_on: CivilDate,
    pub clauses: Vec<String>,
    pub agreement_sha256: String,
    pub ruling: app::rules::confirmation::Ruling,
    pub reasons: String,
    pub judge: String,
    pub ruled_on: CivilDate,
}

/// The ruling on a joint application for judicial confirmation (CPL arts. 205, 206; JI22 arts.
/// 355, 358, 372), as a document.
pub fn confirmation_ruling(f: &RulingFacts) -> Document {
    use app::rules::confirmation::Ruling;
    let names = f.applicants.iter().map(|(n, _)| n.trim()).collect::<Vec<_>>().join("、");
    let mut blocks = vec![
        Block::CourtHeader(f.court_name.clone()),
        Block::Title("民事裁定书".to_owned()),
        Block::CaseNumber(f.case_number.clone()),
    ];
    for (name, address) in &f.applicants {
        blocks.push(field("申请人：", format!("{}，送达地址：{}", name.trim(), address.trim())));
    }
    blocks.push(paragraph(format!(
        "申请人{names}于{}经{}诉前调解（{}）达成调解协议，于{}共同向本院申请司法确认。本院受理后，依法进行了审查。",
        date_in_numerals(f.effective_on),
        f.court_name,
        f.mediation_number,
        date_in_numerals(f.applied_on)
    )));
    blocks.push(Block::Heading("调解协议的内容".to_owned()));
    for (i, clause) in f.clauses.iter().enumerate() {
        blocks.push(Block::Plain(format!("{}. {}", i + 1, clause.trim())));
    }
    blocks.push(Block::Code {
        label: "协议指纹（SHA-256）：".to_owned(), text: f.agreement_sha256.clone()
    });
    let finding = match &f.ruling {
        Ruling::Valid => {
            "本院经审查认为，申请人达成的调解协议出于自愿，内容明确，不违反法律强制性规定，不损害国家利益、社会公共利益和他人合法权益，不违背公序良俗，符合司法确认调解协议的法定条件。".to_owned()
        }
        Ruling::Rejected(_) | Ruling::Dismissed(_) => format!(
            "本院经审查认为，该调解协议{}。",
            f.ruling.grounds(Lang::Zh).join("，")
        ),
    };
    blocks.push(paragraph(finding));
    if !f.reasons.trim().is_empty() {
        blocks.push(paragraph(f.reasons.trim().to_owned()));
    }
    blocks.push(paragraph(format!("依照{}规定，裁定如下：", f.ruling.basis())));
    blocks.push(paragraph(f.ruling.operative_text(&names)));
    blocks.push(paragraph(
        "本裁定书自即日起发生法律效力。当事人认为本裁定有错误的，可以自收到本裁定之日起十五日内向本院提出异议（民诉解释 第372条）。",
    ));
    blocks.push(field("审判员：", f.judge.clone()));
    blocks.push(Block::Signature { court: f.court_name.clone(), date: date_in_numerals(f.ruled_on) });
    blocks.push(Block::Note(format!(
        "本文书通过“{APP_NAME}”电子送达。司法确认不收取费用（诉讼费用交纳办法 第8条）。"
    )));
    Document {
        title: format!("民事裁定书 {}", f.case_number),
        blocks,
        footer: Some(format!("{}　{}　民事裁定书", f.court_name, f.case_number)),
    }
}

/// Where an act sits in the service log, as a PDF states it: the entry's number (the log
/// counts from 0; people count from 1) and how to check it.
pub fn log_entry_words(index: i64) -> String {
    format!("第{}条记录（凭证可在掌上法庭下载，用 pocket-court verify-receipt 核验）", index + 1)
}

/// One signature on an agreement, as its PDF shows it.
pub struct AgreementSignature {
    pub name: String,
    /// 申请人 / 被申请人 / 调解员.
    pub role: String,
    pub signed_at: String,
    pub identity_check: String,
    /// The drawn name (PNG); none when signed by code and confirmation alone.
    pub image: Option<Vec<u8>>,
    /// The signature's entry in the service log, whose receipt proves it was logged.
    pub log_index: Option<i64>,
}

/// What a mediation agreement's PDF (调解协议书) states.
pub struct AgreementFacts {
    pub court_name: String,
    /// The 民诉前调 number.
    pub number: String,
    pub cause: String,
    /// (side, name, address for service).
    pub parties: Vec<(String, String, String)>,
    pub mediator: String,
    pub version: i64,
    pub clauses: Vec<String>,
    /// `rules::mediation::agreement_sha256` of this version: what every signature bound.
    pub sha256: String,
    pub effective_at: String,
    pub signatures: Vec<AgreementSignature>,
    /// Reached in a docketed case: it leads to a 调解书, not to judicial confirmation.
    pub in_litigation: bool,
}

/// The agreement in force with its signatures (在线调解规则 art. 19; 电子签名法 art. 13).
pub fn agreement_document(f: &AgreementFacts) -> Document {
    let mut blocks = vec![
        Block::CourtHeader(f.court_name.clone()),
        Block::Title("调解协议书".to_owned()),
        Block::CaseNumber(f.number.clone()),
    ];
    for (side, name, address) in &f.parties {
        let value = if address.trim().is_empty() {
            name.trim().to_owned()
        } else {
            format!("{}，送达地址：{}", name.trim(), address.trim())
        };
        blocks.push(field(&format!("{side}："), value));
    }
    blocks.push(field("调解员：", f.mediator.clone()));
    blocks.push(field("案由：", f.cause.clone()));
    let kind =
        if f.in_litigation { "在诉讼中经法官主持调解" } else { "经法院主持诉前调解" };
    blocks.push(paragraph(format!(
        "上列当事人{kind}（{}），在平等自愿的基础上达成如下协议（第{}版）：",
        f.court_name, f.version
    )));
    for (i, clause) in f.clauses.iter().enumerate() {
        blocks.push(Block::Plain(format!("{}. {}", i + 1, clause.trim())));
    }
    blocks.push(Block::Code {
        label: "协议指纹（SHA-256，各方签名所确认的正是这段文字）：".to_owned(),
        text: f.sha256.clone(),
    });
    blocks.push(Block::Heading("签名".to_owned()));
    for s in &f.signatures {
        blocks.push(field("签名人：", format!("{}（{}）", s.name.trim(), s.role)));
        blocks.push(field("签名时间：", s.signed_at.clone()));
        blocks.push(field("身份核验：", s.identity_check.clone()));
        if let Some(n) = s.log_index {
            blocks.push(field("送达日志：", log_entry_words(n)));
        }
        match &s.image {
            Some(png) => blocks.push(Block::Image { png: png.clone(), height_mm: 18 }),
            None => blocks.push(Block::Note("（以短信验证码核验身份并明确确认签名，未手写）".to_owned())),
        }
    }
    blocks.push(field("生效时间：", f.effective_at.clone()));
    blocks.push(Block::Rule);
    let next = if f.in_litigation {
        "法院据此出具民事调解书，各方签收后生效（民事诉讼法 第100条）。"
    } else {
        "双方可以在生效之日起30日内共同申请司法确认（民事诉讼法 第205条）。"
    };
    blocks.push(Block::Note(format!(
        "本协议自最后一方完成电子签名时生效（在线调解规则 第19条）。每个签名都针对上面的协议指纹；协议内容有任何改动，指纹就对不上（电子签名法 第13条）。{next}"
    )));
    Document {
        title: format!("调解协议书 {}", f.number),
        blocks,
        footer: Some(format!("{}　{}　调解协议书", f.court_name, f.number)),
    }
}

/// What a 民事调解书 states (CPL 2023 arts. 100, 101).
pub struct StatementFacts {
    pub court_name: String,
    /// The case's 民初 number.
    pub case_number: String,
    pub cause: String,
    pub plaintiffs: Vec<String>,
    pub defendants: Vec<String>,
    pub clauses: Vec<String>,
    /// The fingerprint of the agreement version every party signed.
    pub agreement_sha256: String,
    pub judge: String,
    pub issued_on: CivilDate,
    /// Each party and, once it has signed for it, (when, how identity was checked).
    pub receipts: Vec<(String, Option<(String, String)>)>,
    /// The last 签收: the moment it took effect (JI22 art. 149).
    pub in_force_at: Option<String>,
}

/// The mediation statement issued from an in-litigation agreement: the claims, the agreement,
/// the court's confirmation; in force when every party has signed for it (CPL 2023 art. 100).
pub fn mediation_statement(f: &StatementFacts) -> Document {
    let mut blocks = vec![
        Block::CourtHeader(f.court_name.clone()),
        Block::Title("民事调解书".to_owned()),
        Block::CaseNumber(f.case_number.clone()),
    ];
    for p in &f.plaintiffs {
        blocks.push(field("原告：", p.trim().to_owned()));
    }
    for d in &f.defendants {
        blocks.push(field("被告：", d.trim().to_owned()));
    }
    blocks.push(paragraph(format!(
        "原告{}与被告{}{}一案，本院依法受理。本案在审理过程中，经本院主持调解，当事人自愿达成如下协议：",
        f.plaintiffs.join("、"),
        f.defendants.join("、"),
        f.cause
    )));
    for (i, clause) in f.clauses.iter().enumerate() {
        blocks.push(Block::Plain(format!("{}. {}", i + 1, clause.trim())));
    }
    blocks.push(Block::Code {
        label: "协议指纹（SHA-256，各方电子签名所确认的协议）：".to_owned(),
        text: f.agreement_sha256.clone(),
    });
    blocks.push(paragraph(
        "上述协议，不违反法律规定，本院予以确认。案件受理费减半收取（诉讼费用交纳办法 第15条）。",
    ));
    blocks.push(paragraph("本调解书经各方当事人签收后，即具有法律效力（民事诉讼法 第100条）。"));
    blocks.push(field("审判员：", f.judge.clone()));
    blocks.push(Block::Signature { court: f.court_name.clone(), date: date_in_numerals(f.issued_on) });
    blocks.push(Block::Heading("签收".to_owned()));
    for (name, receipt) in &f.receipts {
        match receipt {
            Some((at, check)) => blocks.push(field("签收人：", format!("{}，{at}，{check}", name.trim()))),
            None => blocks.push(field("签收人：", format!("{}，尚未签收", name.trim()))),
        }
    }
    if let Some(at) = &f.in_force_at {
        blocks.push(field("生效时间：", at.clone()));
    }
    blocks.push(Block::Rule);
    blocks.push(Block::Note(format!(
        "本调解书通过“{APP_NAME}”电子送达，每位当事人在应用内再次核验身份后签收；送达到达或已读不算签收，也不适用留置送达（民诉解释 第133条、第149条）。需要纸质文书的，可以向法院申请（民事诉讼法 第90条）。"
    )));
    Document {
        title: format!("民事调解书 {}", f.case_number),
        blocks,
        footer: Some(format!("{}　{}　民事调解书", f.court_name, f.case_number)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::pdf::render;
    use crate::adapters::pdf::testing::{font, pdftotext, poppler, squash};

    fn day(y: i32, m: u8, d: u8) -> CivilDate {
        CivilDate::new(y, m, d).expect("valid test date")
    }

    fn facts() -> NoticeFacts {
        NoticeFacts {
            court_name: "浏阳市人民法院".into(),
            court_address: "湖南省浏阳市集里街道金沙北路1号".into(),
            court_phone: "0731-83612345".into(),
            // As a user types it: ASCII parentheses; the notice prints the canonical form.
            case_number: "(2026)湘0181民初1024号".into(),
            cause: "民间借贷纠纷".into(),
            plaintiffs: vec!["张三".into()],
            defendants: vec!["李四".into(), "湖南某某贸易有限公司".into()],
            recipient_name: "张三".into(),
            recipient_role: PartyRole::Plaintiff,
            recipient_domiciled_in_china: true,
            issued_on: day(2026, 3, 5),
            judge: Some("王法官".into()),
            clerk: Some(Clerk { name: "刘书记员".into(), phone: "0731-83610000".into() }),
            fee_due_fen: Some(105_000),
            fee_basis: Some("诉讼费用交纳办法 第13条第1项".into()),
            query_code: Some("K7M2-9QXA".into()),
            // 2026-04-08 01:30 UTC = 09:30 in Liuyang, a Wednesday.
            hearing: Some(Hearing {
                starts_at_utc_secs: 1_775_611_800,
                place: "本院第三法庭".into(),
                online: false,
            }),
        }
    }

    fn as_defendant() -> NoticeFacts {
        NoticeFacts { recipient_name: "李四".into(), recipient_role: PartyRole::Defendant, ..facts() }
    }

    /// Renders the notice and returns its bytes and its text without white space.
    fn rendered(kind: NoticeKind, f: &NoticeFacts) -> (Vec<u8>, String) {
        let pdf = render(font(), &notice(kind, f).expect("the notice can be made"));
        let text = squash(&pdftotext(&pdf));
        (pdf, text)
    }

    fn assert_says(text: &str, phrases: &[&str]) {
        for phrase in phrases {
            assert!(text.contains(&squash(phrase)), "missing 「{phrase}」 in:\n{text}");
        }
    }

    const COMMON: [&str; 4] = [
        "浏阳市人民法院",
        "（2026）湘0181民初1024号",
        "原告张三与被告李四、湖南某某贸易有限公司民间借贷纠纷一案",
        "二〇二六年三月五日",
    ];

    #[test]
    fn the_notice_of_acceptance_tells_the_plaintiff_the_number_the_fee_and_the_query_code() {
        let (pdf, text) = rendered(NoticeKind::Acceptance, &facts());
        assert_says(&text, &COMMON);
        assert_says(
            &text,
            &[
                "受理通知书",
                "本院决定立案受理（民事诉讼法 第122条、第126条）",
                "你应当在收到本通知书次日起7日内（诉讼费用交纳办法 第22条）预交案件受理费 1,050.00 元（大写：壹仟零伍拾元整）",
                "本院将裁定按撤诉处理（民诉解释 第213条）",
                "查询码：K7M2-9QXA",
                "承办法官：王法官",
                "书记员：刘书记员，电话 0731-83610000",
                "第 1 页 共 1 页",
            ],
        );
        assert!(pdf.len() < 200 * 1024, "a one-page notice is small: {} bytes", pdf.len());
    }

    #[test]
    fn the_notice_to_answer_gives_the_defendant_15_days_or_30_from_abroad() {
        let (_, text) = rendered(NoticeKind::Answer, &as_defendant());
        assert_says(&text, &COMMON);
        assert_says(
            &text,
            &[
                "李四：",
                "应诉通知书",
                "你应当在收到起诉状副本之日起15日内向本院提交答辩状（民事诉讼法 第128条）",
                "应当在提交答辩状期间提出（民事诉讼法 第130条）",
                "举证通知书",
            ],
        );
        let abroad = NoticeFacts { recipient_domiciled_in_china: false, ..as_defendant() };
        let (_, text) = rendered(NoticeKind::Answer, &abroad);
        assert_says(&text, &["之日起30日内向本院提交答辩状（民事诉讼法 第285条）"]);
    }

    #[test]
    fn the_notice_on_evidence_states_the_burden_and_a_period_of_15_days() {
        let (_, text) = rendered(NoticeKind::Evidence, &as_defendant());
        assert_says(&text, &COMMON);
        assert_says(
            &text,
            &[
                "举证通知书",
                "当事人对自己提出的主张，有责任提供证据（民事诉讼法 第67条）",
                "本案举证期限为15日，自你收到本通知书次日起计算（民诉解释 第99条）",
                "采纳该证据但予以训诫、罚款（民事诉讼法 第68条；民诉解释 第102条）",
            ],
        );
    }

    #[test]
    fn the_summons_shows_china_time_and_what_absence_costs_each_side() {
        let (_, text) = rendered(NoticeKind::Summons, &facts());
        assert_says(&text, &COMMON[..2]);
        assert_says(
            &text,
            &[
                "传票",
                "被传唤人：张三",
                "诉讼地位：原告",
                "应到时间：2026年4月8日 09:30（星期三，北京时间）",
                "应到处所：本院第三法庭",
                "可以按撤诉处理（民事诉讼法 第146条）",
            ],
        );
        let online = NoticeFacts {
            hearing: Some(Hearing {
                starts_at_utc_secs: 1_775_611_800,
                place: "云上法庭".into(),
                online: true,
            }),
            ..as_defendant()
        };
        let (_, text) = rendered(NoticeKind::Summons, &online);
        assert_says(
            &text,
            &[
                "诉讼地位：被告",
                "云上法庭（线上开庭）",
                "可以缺席判决（民事诉讼法 第147条）",
                "身份核验（人民法院在线诉讼规则 第7条）",
            ],
        );
    }

    #[test]
    fn the_fee_notice_states_the_amount_in_yuan_and_capitals_and_the_7_day_deadline() {
        let (_, text) = rendered(NoticeKind::FeePayment, &facts());
        assert_says(&text, &COMMON);
        assert_says(
            &text,
            &[
                "交费通知书",
                "应交金额：1,050.00 元（大写：壹仟零伍拾元整）",
                "计算依据：诉讼费用交纳办法 第13条第1项",
                "交费期限：收到本通知书次日起7日内（诉讼费用交纳办法 第22条）",
                "点“交诉讼费”，按提示在线支付",
            ],
        );
        assert_eq!(amount(Fen(123_456_789)), "1,234,567.89 元（大写：壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分）");
    }

    #[test]
    fn a_notice_without_a_fact_it_needs_says_which_in_chinese_first() {
        let no_hearing = NoticeFacts { hearing: None, ..facts() };
        let err = notice(NoticeKind::Summons, &no_hearing).expect_err("no hearing");
        assert_eq!(err, NoticeError::Missing { notice: NoticeKind::Summons, fact: Fact::Hearing });
        assert!(err.to_string().starts_with("传票缺少开庭时间和地点（the summons needs"), "{err}");

        for fee in [None, Some(0), Some(-5)] {
            let f = NoticeFacts { fee_due_fen: fee, ..facts() };
            let err = notice(NoticeKind::FeePayment, &f).expect_err("no amount");
            assert_eq!(err, NoticeError::Missing { notice: NoticeKind::FeePayment, fact: Fact::FeeAmount });
            assert!(err.to_string().starts_with("交费通知书缺少应交金额"), "{err}");
        }
        let no_code = NoticeFacts { query_code: None, ..facts() };
        assert!(notice(NoticeKind::Acceptance, &no_code).is_err());
        let no_defendant = NoticeFacts { defendants: vec![" ".into()], ..facts() };
        assert_eq!(
            notice(NoticeKind::Evidence, &no_defendant),
            Err(NoticeError::Missing { notice: NoticeKind::Evidence, fact: Fact::Parties })
        );
        let wrong = notice(NoticeKind::Acceptance, &as_defendant()).expect_err("to the plaintiff only");
        assert!(wrong.to_string().starts_with("受理通知书只发给原告"), "{wrong}");
        assert!(notice(NoticeKind::Answer, &facts()).is_err());
        let bad_number = NoticeFacts { case_number: "湘0181民初1024".into(), ..facts() };
        let err = notice(NoticeKind::Evidence, &bad_number).expect_err("bad case number");
        assert!(err.to_string().starts_with("案号不对："), "{err}");
    }

    #[test]
    fn without_a_fee_to_prepay_the_notice_of_acceptance_says_so() {
        let f = NoticeFacts { fee_due_fen: Some(0), ..facts() };
        let (_, text) = rendered(NoticeKind::Acceptance, &f);
        assert_says(&text, &["本案现无须预交案件受理费。"]);
        assert!(!text.contains("预交案件受理费1"));
    }

    #[test]
    fn kinds_round_trip_through_their_codes() {
        for kind in NoticeKind::ALL {
            assert_eq!(NoticeKind::parse(kind.code()), Some(kind));
        }
        assert_eq!(NoticeKind::parse("fee"), Some(NoticeKind::FeePayment));
        assert_eq!(NoticeKind::parse("Fee"), None);
    }

    #[test]
    fn dates_are_signed_in_chinese_numerals() {
        assert_eq!(date_in_numerals(day(2026, 3, 5)), "二〇二六年三月五日");
        assert_eq!(date_in_numerals(day(2020, 10, 20)), "二〇二〇年十月二十日");
        assert_eq!(date_in_numerals(day(2031, 12, 31)), "二〇三一年十二月三十一日");
        assert_eq!(date_in_numerals(day(2024, 11, 14)), "二〇二四年十一月十四日");
    }

    #[test]
    fn every_notice_is_deterministic_and_small_and_the_short_ones_fit_one_page() {
        for kind in NoticeKind::ALL {
            let f = if matches!(kind, NoticeKind::Answer) { as_defendant() } else { facts() };
            let d = notice(kind, &f).expect("notice");
            let pdf = render(font(), &d);
            assert_eq!(pdf, render(font(), &d), "{kind:?}");
            assert!(pdf.len() < 200 * 1024, "{kind:?}: {} bytes", pdf.len());
            let info = poppler("pdfinfo", &["PDF"], &pdf);
            let pages = info.lines().find_map(|l| l.strip_prefix("Pages:")?.trim().parse::<u32>().ok());
            // The notice on evidence has the most to say and may take a second page.
            let most = if kind == NoticeKind::Evidence { 2 } else { 1 };
            assert!(pages.is_some_and(|p| p <= most), "{kind:?}: {info}");
        }
    }

    fn receipt() -> ReceiptFacts {
        ReceiptFacts {
            court_name: "浏阳市人民法院".into(),
            document_title: "受理通知书".into(),
            case_number: "（2026）湘0181民初1024号".into(),
            recipient: "张三".into(),
            address: "掌上法庭收件箱（138****8000）".into(),
            method: "电子送达（掌上法庭）".into(),
            sent_at: "2026年3月5日 10:02".into(),
            arrived_at: "2026年3月5日 10:02".into(),
            read_at: String::new(),
            sha256_hex: "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b".into(),
            effective_on: "2026年3月5日".into(),
            effective_rule: "到达受送达人确认的电子地址即为送达（人民法院在线诉讼规则 第31条）".into(),
            log_index: 41,
            tree_size: 42,
            root_hash_hex: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".into(),
            signature_hex: "ab".repeat(64),
            key_fingerprint: "SHA256:4f2c9e0b7d1a8c3e5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a".into(),
        }
    }

    #[test]
    fn the_delivery_receipt_lists_every_fact_and_the_hashes_whole() {
        let r = receipt();
        let pdf = render(font(), &receipt_document(&r));
        let text = squash(&pdftotext(&pdf));
        assert_says(
            &text,
            &[
                "送达回证",
                "（2026）湘0181民初1024号",
                "文书名称：受理通知书",
                "受送达人：张三",
                "送达方式：电子送达（掌上法庭）",
                "到达时间：2026年3月5日 10:02",
                "阅读时间：—",
                "生效依据：到达受送达人确认的电子地址即为送达（人民法院在线诉讼规则 第31条）",
                "日志序号：41",
                "日志记录总数：42",
                &r.sha256_hex,
                &r.root_hash_hex,
                &r.signature_hex,
                &r.key_fingerprint,
            ],
        );
        assert!(pdf.len() < 200 * 1024, "{} bytes", pdf.len());
    }

    /// Not a check: writes each notice and a receipt to the temp folder for a person to look
    /// at (`cargo test -p pocket-court --lib notices::tests::samples -- --ignored`).
    #[test]
    #[ignore]
    fn samples() {
        let dir = std::env::temp_dir();
        for kind in NoticeKind::ALL {
            let f = if kind == NoticeKind::Answer { as_defendant() } else { facts() };
            let pdf = render(font(), &notice(kind, &f).expect("notice"));
            std::fs::write(dir.join(format!("notice-{}.pdf", kind.code())), &pdf).expect("write");
        }
        let pdf = render(font(), &receipt_document(&receipt()));
        std::fs::write(dir.join("notice-receipt.pdf"), &pdf).expect("write");
    }
}
