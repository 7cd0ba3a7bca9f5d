//! Online filing (网上立案): what a complaint must contain, checked the same way in the browser
//! (as the litigant types) and on the server (the authority).
//!
//! Sources: Civil Procedure Law (2023) art. 122 (conditions of a suit: a plaintiff with a
//! direct interest, a definite defendant, concrete claims, facts and reasons) and art. 124 (the
//! complaint names the parties, the claims with their facts and reasons, and the evidence);
//! 最高人民法院关于人民法院登记立案若干问题的规定 (2015) art. 6 (materials: complaint, the
//! plaintiff's identity, the evidence; an agent's power of attorney, art. 6(3)); 人民法院在线诉讼
//! 规则 (2021) art. 29 (consent to electronic service and the designated address).

use serde::{Deserialize, Serialize};

use super::dates::CivilDate;
use super::fees::{self, FeeKind, FeeQuote, Fen};
use super::ids::{CreditCode, Mobile, ResidentId};
use super::lifecycle::Procedure;
use super::Lang;

/// The causes of action (案由) that can be filed online here, with their fee kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    PrivateLending,
    SalesContract,
    Divorce,
    LabourDispute,
    TrafficAccident,
    PropertyService,
    UnpaidWages,
}

impl Cause {
    pub const ALL: [Cause; 7] = [
        Cause::PrivateLending,
        Cause::SalesContract,
        Cause::Divorce,
        Cause::LabourDispute,
        Cause::TrafficAccident,
        Cause::PropertyService,
        Cause::UnpaidWages,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Cause::PrivateLending => "private_lending",
            Cause::SalesContract => "sales_contract",
            Cause::Divorce => "divorce",
            Cause::LabourDispute => "labour_dispute",
            Cause::TrafficAccident => "traffic_accident",
            Cause::PropertyService => "property_service",
            Cause::UnpaidWages => "unpaid_wages",
        }
    }

    pub fn from_code(code: &str) -> Option<Cause> {
        Cause::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The name of the cause as the court writes it (民事案件案由规定), stored on the case.
    pub fn name_zh(self) -> &'static str {
        match self {
            Cause::PrivateLending => "民间借贷纠纷",
            Cause::SalesContract => "买卖合同纠纷",
            Cause::Divorce => "离婚纠纷",
            Cause::LabourDispute => "劳动争议",
            Cause::TrafficAccident => "机动车交通事故责任纠纷",
            Cause::PropertyService => "物业服务合同纠纷",
            Cause::UnpaidWages => "追索劳动报酬纠纷",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.name_zh(),
            Lang::En => match self {
                Cause::PrivateLending => "Private loan",
                Cause::SalesContract => "Sale of goods",
                Cause::Divorce => "Divorce",
                Cause::LabourDispute => "Labour dispute",
                Cause::TrafficAccident => "Traffic accident",
                Cause::PropertyService => "Property management fees",
                Cause::UnpaidWages => "Unpaid wages",
            },
        }
    }

    /// One plain sentence that helps a litigant pick the right cause.
    pub fn hint(self, lang: Lang) -> &'static str {
        match self {
            Cause::PrivateLending => {
                lang.pick("借钱给别人，对方不还。", "You lent money and it was not repaid.")
            }
            Cause::SalesContract => {
                lang.pick("买卖货物，钱或货没有给。", "Goods or payment were not delivered.")
            }
            Cause::Divorce => {
                lang.pick("要求离婚，分割财产、抚养子女。", "Ending a marriage, property and children.")
            }
            Cause::LabourDispute => lang
                .pick("已经过劳动仲裁的劳动纠纷。", "A dispute with an employer, after labour arbitration."),
            Cause::TrafficAccident => lang.pick("交通事故的赔偿。", "Compensation after a road accident."),
            Cause::PropertyService => {
                lang.pick("物业费、物业服务的纠纷。", "Property management fees or services.")
            }
            Cause::UnpaidWages => lang.pick("老板欠工资不给。", "Your employer owes you wages."),
        }
    }

    /// The fee schedule the cause falls under (诉讼费用交纳办法 art. 13): divorce and labour
    /// pay per case, the rest are property cases when money is claimed.
    pub fn fee_kind(self, claims_money: bool) -> FeeKind {
        match self {
            Cause::Divorce => FeeKind::Divorce,
            Cause::LabourDispute | Cause::UnpaidWages => FeeKind::Labor,
            _ if claims_money => FeeKind::Property,
            _ => FeeKind::OtherNonProperty,
        }
    }

    /// Whether a money amount is part of the claim (divorce may claim none).
    pub fn needs_amount(self) -> bool {
        !matches!(self, Cause::Divorce)
    }

    /// A claim for unpaid labour pay (追索劳动报酬): its fee is not prepaid (诉讼费用交纳办法
    /// art. 20), so the fee notice asks for nothing and the case has no prepayment deadline.
    pub fn claims_unpaid_wages(self) -> bool {
        self == Cause::UnpaidWages
    }
}

/// The cause a case is stored with, read back: `None` for a stored value that is not one of
/// [`Cause::ALL`]'s codes (a case made before causes were stored as codes and not recognised
/// by the migration); such a case is charged by its claim alone and named "民事纠纷".
pub fn stored_cause(code: &str) -> Option<Cause> {
    Cause::from_code(code)
}

/// The name of a case's cause, for a case whose stored cause is not recognised as well.
pub fn cause_label(cause: Option<Cause>, lang: Lang) -> &'static str {
    match cause {
        Some(c) => c.label(lang),
        None => lang.pick("民事纠纷", "Civil dispute"),
    }
}

/// The acceptance fee of a case: the one function behind the estimate a litigant sees while
/// filing, the charge of the fee notice at docketing, a change of procedure and the
/// settlement at closing, so the four cannot disagree.
///
/// 诉讼费用交纳办法 art. 13: the schedule follows the kind of case — divorce per case
/// (art. 13(2)), labour disputes 10 yuan per case (art. 13(4)), and 追索劳动报酬纠纷 *is* a
/// labour dispute (民事案件案由规定, part 6 劳动争议), so it is charged per case, never by the
/// wages claimed; every other cause is a property case when money is claimed (art. 13(1)).
/// Art. 16 halves under simplified procedure and small claims, art. 15 on mediation or
/// withdrawal; art. 20: labour pay is not prepaid.
pub fn case_fee(
    cause: Option<Cause>,
    claim: Fen,
    procedure: fees::Procedure,
    outcome: Option<fees::Outcome>,
    settings: &fees::CourtFeeSettings,
) -> Result<FeeQuote, fees::FeeError> {
    let money = claim.as_fen() > 0;
    let kind = match cause {
        Some(cause) => cause.fee_kind(money),
        None if money => FeeKind::Property,
        None => FeeKind::OtherNonProperty,
    };
    let mut req = fees::FeeRequest::new(kind);
    req.amount = (kind == FeeKind::Property).then_some(claim);
    req.procedure = procedure;
    req.outcome = outcome;
    req.claims_unpaid_wages = cause.is_some_and(Cause::claims_unpaid_wages);
    fees::quote(&req, settings)
}

/// A natural person (居民身份证) or an organisation (统一社会信用代码).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    #[default]
    Person,
    Organisation,
}

/// Which side a party is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Plaintiff,
    Defendant,
}

impl Side {
    pub fn code(self) -> &'static str {
        match self {
            Side::Plaintiff => "plaintiff",
            Side::Defendant => "defendant",
        }
    }

    pub fn from_code(code: &str) -> Option<Side> {
        match code {
            "plaintiff" => Some(Side::Plaintiff),
            "defendant" => Some(Side::Defendant),
            _ => None,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Side::Plaintiff => lang.pick("原告", "Plaintiff"),
            Side::Defendant => lang.pick("被告", "Defendant"),
        }
    }
}

/// A party as typed. An organisation's `id_number` is its credit code and `representative`
/// its legal representative (法定代表人).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PartyDraft {
    pub kind: PartyKind,
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub address: String,
    pub representative: String,
}

/// Who the agent is (民事诉讼法 art. 61: lawyers, close relatives, others recommended).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentKind {
    #[default]
    Lawyer,
    Relative,
    Other,
}

impl AgentKind {
    pub fn code(self) -> &'static str {
        match self {
            AgentKind::Lawyer => "lawyer",
            AgentKind::Relative => "relative",
            AgentKind::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<AgentKind> {
        [AgentKind::Lawyer, AgentKind::Relative, AgentKind::Other].into_iter().find(|k| k.code() == code)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            AgentKind::Lawyer => lang.pick("律师", "Lawyer"),
            AgentKind::Relative => lang.pick("近亲属", "Close relative"),
            AgentKind::Other => {
                lang.pick("其他（社区、单位推荐等）", "Other (recommended by community or employer)")
            }
        }
    }
}

/// The agent who files for the plaintiff, with the power of attorney (授权委托书) as a file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AgentDraft {
    pub kind: AgentKind,
    pub name: String,
    pub phone: String,
    /// A lawyer's practising certificate number (执业证号).
    pub licence: String,
    /// The upload holding the signed power of attorney.
    pub poa_upload: String,
}

/// One claim (诉讼请求), with the money it asks for, if any.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClaimDraft {
    pub text: String,
    pub amount_yuan: String,
}

/// One piece of evidence: an uploaded file, what it is and what it proves.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EvidenceDraft {
    pub upload_id: String,
    pub title: String,
    pub purpose: String,
}

/// Consent to electronic service (在线诉讼规则 art. 29) and the addresses designated. The app's
/// inbox is always one of them once consent is given.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceDraft {
    /// None until the litigant has answered.
    pub consent: Option<bool>,
    pub sms_phone: String,
    pub email: String,
}

/// A filing as the litigant writes it; saved on the server after every screen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    pub cause: Option<Cause>,
    /// The court the case is filed with (法院代字, e.g. 湘0181).
    pub court_code: String,
    /// 跨域立案: the court where it is handed in, when not the target court.
    pub receiving_court_code: String,
    pub plaintiffs: Vec<PartyDraft>,
    pub defendants: Vec<PartyDraft>,
    pub agent: Option<AgentDraft>,
    pub claims: Vec<ClaimDraft>,
    pub facts: String,
    pub evidence: Vec<EvidenceDraft>,
    pub service: ServiceDraft,
}

/// The screens of the guided filing, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Court,
    Parties,
    Claims,
    Evidence,
    Service,
    Review,
}

impl Step {
    pub const ALL: [Step; 6] =
        [Step::Court, Step::Parties, Step::Claims, Step::Evidence, Step::Service, Step::Review];

    pub fn code(self) -> &'static str {
        match self {
            Step::Court => "court",
            Step::Parties => "parties",
            Step::Claims => "claims",
            Step::Evidence => "evidence",
            Step::Service => "service",
            Step::Review => "review",
        }
    }

    pub fn from_code(code: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Step::Court => lang.pick("案由和法院", "Type and court"),
            Step::Parties => lang.pick("原告和被告", "Parties"),
            Step::Claims => lang.pick("诉讼请求", "Claims"),
            Step::Evidence => lang.pick("证据", "Evidence"),
            Step::Service => lang.pick("接收文书", "Receiving papers"),
            Step::Review => lang.pick("核对提交", "Check and file"),
        }
    }

    pub fn next(self) -> Step {
        let i = Step::ALL.iter().position(|s| *s == self).unwrap_or(0);
        Step::ALL[(i + 1).min(Step::ALL.len() - 1)]
    }

    pub fn number(self) -> usize {
        Step::ALL.iter().position(|s| *s == self).unwrap_or(0) + 1
    }
}

/// One thing to fix: where (the screen and the field, e.g. `plaintiffs.0.id_number`) and what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub step: Step,
    pub field: String,
    pub message: String,
}

/// Limits on free text, so one filing cannot carry a book.
pub const MAX_NAME_CHARS: usize = 60;
pub const MAX_ADDRESS_CHARS: usize = 200;
pub const MAX_CLAIM_CHARS: usize = 500;
pub const MAX_FACTS_CHARS: usize = 10_000;
pub const MAX_PARTIES_PER_SIDE: usize = 10;
pub const MAX_CLAIMS: usize = 10;
pub const MAX_EVIDENCE: usize = 50;

fn chars(s: &str) -> usize {
    s.trim().chars().count()
}

/// Checks a name: present, not too long, no angle brackets or control characters.
pub fn check_name(name: &str, lang: Lang) -> Option<String> {
    let n = chars(name);
    if n == 0 {
        return Some(lang.pick("请填写名称或姓名。", "Enter the name.").into());
    }
    if n > MAX_NAME_CHARS {
        return Some(match lang {
            Lang::Zh => format!("名称太长了，最多{MAX_NAME_CHARS}个字。"),
            Lang::En => format!("The name is too long ({MAX_NAME_CHARS} characters at most)."),
        });
    }
    if name.chars().any(|c| c == '<' || c == '>' || c.is_control()) {
        return Some(lang.pick("名称里不能有 < > 等符号。", "A name cannot contain < or >.").into());
    }
    None
}

fn check_text(text: &str, max: usize, empty: (&str, &str), lang: Lang) -> Option<String> {
    let n = chars(text);
    if n == 0 {
        return Some(lang.pick(empty.0, empty.1).into());
    }
    (n > max).then(|| match lang {
        Lang::Zh => format!("太长了：最多{max}个字，现在{n}个字。"),
        Lang::En => format!("Too long: {max} characters at most, this has {n}."),
    })
}

/// An e-mail address, loosely: something@host.tld, no spaces.
pub fn check_email(email: &str, lang: Lang) -> Option<String> {
    let e = email.trim();
    let ok = e.len() <= 254
        && !e.contains(char::is_whitespace)
        && e.split_once('@').is_some_and(|(user, host)| {
            !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
        });
    (!ok).then(|| {
        lang.pick("邮箱地址不对，例如 name@example.com。", "Not an e-mail address, e.g. name@example.com.")
            .into()
    })
}

/// Checks one party. The plaintiff's identity is required (登记立案规定 art. 6(2)); for the
/// defendant a name and address that tell them apart are enough (民事诉讼法 art. 124(2)), but
/// an ID or credit code typed must be valid.
pub fn check_party(
    party: &PartyDraft,
    side: Side,
    today: CivilDate,
    lang: Lang,
) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Some(m) = check_name(&party.name, lang) {
        out.push(("name", m));
    }
    let id = party.id_number.trim();
    let id_required = side == Side::Plaintiff;
    if !id.is_empty() || id_required {
        let err = match party.kind {
            PartyKind::Person => ResidentId::parse(id, today).err(),
            PartyKind::Organisation => CreditCode::parse(id).err(),
        };
        if let Some(e) = err {
            out.push(("id_number", e.message(lang)));
        }
    }
    let phone = party.phone.trim();
    if !phone.is_empty() || side == Side::Plaintiff {
        if let Err(e) = Mobile::parse(phone) {
            out.push(("phone", e.message(lang)));
        }
    }
    if let Some(m) = check_text(
        &party.address,
        MAX_ADDRESS_CHARS,
        ("请填写住址（法院寄送文书用）。", "Enter the address (where court papers can reach them)."),
        lang,
    ) {
        out.push(("address", m));
    }
    if party.kind == PartyKind::Organisation {
        if let Some(m) = check_name(&party.representative, lang) {
            let m = if chars(&party.representative) == 0 {
                lang.pick("请填写法定代表人姓名。", "Enter the legal representative's name.").to_string()
            } else {
                m
            };
            out.push(("representative", m));
        }
    }
    out
}

/// Checks the agent: who they are and the signed power of attorney (登记立案规定 art. 6(3)).
pub fn check_agent(agent: &AgentDraft, lang: Lang) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Some(m) = check_name(&agent.name, lang) {
        out.push(("name", m));
    }
    if let Err(e) = Mobile::parse(&agent.phone) {
        out.push(("phone", e.message(lang)));
    }
    if agent.kind == AgentKind::Lawyer && agent.licence.trim().is_empty() {
        out.push(("licence", lang.pick("请填写律师执业证号。", "Enter the lawyer's licence number.").into()));
    }
    if agent.poa_upload.trim().is_empty() {
        out.push((
            "poa_upload",
            lang.pick(
                "请在“证据”一步上传授权委托书（当事人签字的那一页拍照即可）。",
                "Upload the power of attorney in the Evidence step (a photo of the signed page will do).",
            )
            .into(),
        ));
    }
    out
}

/// Checks a claim amount as typed (empty is allowed: a claim need not be for money).
pub fn check_amount(text: &str, lang: Lang) -> Option<String> {
    if text.trim().is_empty() {
        return None;
    }
    Fen::parse_yuan(text).err().map(|e| e.message(lang == Lang::Zh))
}

/// The money claimed in total, in fen (the amounts that parse; 0 when none).
pub fn claim_total(draft: &Draft) -> Fen {
    Fen(draft
        .claims
        .iter()
        .filter_map(|c| Fen::parse_yuan(&c.amount_yuan).ok())
        .map(Fen::as_fen)
        .fold(0i64, i64::saturating_add))
}

/// Every problem in the draft, in screen order. `is_agent`: the person filing is an agent, who
/// must give their details and the power of attorney. An empty list means it may be filed.
pub fn check(draft: &Draft, is_agent: bool, today: CivilDate, lang: Lang) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut push = |step: Step, field: String, message: String| out.push(Problem { step, field, message });

    if draft.cause.is_none() {
        push(
            Step::Court,
            "cause".into(),
            lang.pick("请选择案由（纠纷的种类）。", "Choose what the case is about.").into(),
        );
    }
    if draft.court_code.trim().is_empty() {
        push(Step::Court, "court_code".into(), lang.pick("请选择受理法院。", "Choose the court.").into());
    }
    if !draft.receiving_court_code.is_empty() && draft.receiving_court_code == draft.court_code {
        push(
            Step::Court,
            "receiving_court_code".into(),
            lang.pick(
                "递交材料的法院和受理法院相同，不需要跨域立案。",
                "The court you hand in at is the same court: no cross-region filing is needed.",
            )
            .into(),
        );
    }

    for (side, parties) in [(Side::Plaintiff, &draft.plaintiffs), (Side::Defendant, &draft.defendants)] {
        let list = match side {
            Side::Plaintiff => "plaintiffs",
            Side::Defendant => "defendants",
        };
        if parties.is_empty() {
            push(
                Step::Parties,
                list.into(),
                match (side, lang) {
                    (Side::Plaintiff, Lang::Zh) => "请至少添加一位原告（起诉的人）。".into(),
                    (Side::Plaintiff, Lang::En) => "Add at least one plaintiff (who sues).".into(),
                    (Side::Defendant, Lang::Zh) => "请至少添加一位被告（被起诉的人）。".into(),
                    (Side::Defendant, Lang::En) => "Add at least one defendant (who is sued).".into(),
                },
            );
        }
        if parties.len() > MAX_PARTIES_PER_SIDE {
            push(
                Step::Parties,
                list.into(),
                match lang {
                    Lang::Zh => format!("每一方最多{MAX_PARTIES_PER_SIDE}人；人更多请到法院窗口立案。"),
                    Lang::En => {
                        format!("At most {MAX_PARTIES_PER_SIDE} per side; for more, file at the court.")
                    }
                },
            );
        }
        for (i, p) in parties.iter().enumerate() {
            for (field, m) in check_party(p, side, today, lang) {
                let who = match lang {
                    Lang::Zh => format!("{}{}：", side.label(lang), i + 1),
                    Lang::En => format!("{} {}: ", side.label(lang), i + 1),
                };
                push(Step::Parties, format!("{list}.{i}.{field}"), format!("{who}{m}"));
            }
        }
    }
    match (&draft.agent, is_agent) {
        (Some(agent), _) => {
            for (field, m) in check_agent(agent, lang) {
                // The power of attorney is uploaded with the evidence.
                let step = if field == "poa_upload" { Step::Evidence } else { Step::Parties };
                push(step, format!("agent.{field}"), m);
            }
        }
        (None, true) => push(
            Step::Parties,
            "agent".into(),
            lang.pick(
                "您是代理人：请填写代理人信息，并在“证据”一步上传授权委托书。",
                "You act as an agent: give your details and upload the power of attorney.",
            )
            .into(),
        ),
        (None, false) => {}
    }

    if draft.claims.is_empty() {
        push(
            Step::Claims,
            "claims".into(),
            lang.pick(
                "请至少写一条诉讼请求（您要法院判什么）。",
                "Write at least one claim (what you ask the court to order).",
            )
            .into(),
        );
    }
    if draft.claims.len() > MAX_CLAIMS {
        push(
            Step::Claims,
            "claims".into(),
            match lang {
                Lang::Zh => format!("诉讼请求最多{MAX_CLAIMS}条。"),
                Lang::En => format!("{MAX_CLAIMS} claims at most."),
            },
        );
    }
    for (i, c) in draft.claims.iter().enumerate() {
        if let Some(m) = check_text(
            &c.text,
            MAX_CLAIM_CHARS,
            ("请写明这条请求。", "Write what this claim asks for."),
            lang,
        ) {
            push(Step::Claims, format!("claims.{i}.text"), m);
        }
        if let Some(m) = check_amount(&c.amount_yuan, lang) {
            push(Step::Claims, format!("claims.{i}.amount_yuan"), m);
        }
    }
    if let Some(cause) = draft.cause {
        if cause.needs_amount() && !draft.claims.is_empty() && claim_total(draft).as_fen() == 0 {
            push(
                Step::Claims,
                "claims.0.amount_yuan".into(),
                lang.pick(
                    "这类案件要写明请求的金额（元）。",
                    "This kind of case needs the amount claimed (yuan).",
                )
                .into(),
            );
        }
    }
    if let Some(m) = check_text(
        &draft.facts,
        MAX_FACTS_CHARS,
        (
            "请写明事实和理由：发生了什么，为什么要起诉。",
            "Write the facts and reasons: what happened and why you sue.",
        ),
        lang,
    ) {
        push(Step::Claims, "facts".into(), m);
    }

    if draft.evidence.is_empty() {
        push(
            Step::Evidence,
            "evidence".into(),
            lang.pick(
                "请至少上传一份证据，例如借条、合同、转账记录的照片。",
                "Upload at least one piece of evidence, e.g. a photo of the IOU, contract or transfer record.",
            )
            .into(),
        );
    }
    if draft.evidence.len() > MAX_EVIDENCE {
        push(
            Step::Evidence,
            "evidence".into(),
            match lang {
                Lang::Zh => format!("证据最多{MAX_EVIDENCE}份，可以把同类照片合成一个PDF。"),
                Lang::En => format!("{MAX_EVIDENCE} items at most; put similar photos into one PDF."),
            },
        );
    }
    for (i, e) in draft.evidence.iter().enumerate() {
        if let Some(m) =
            check_text(&e.title, 100, ("请写明这是什么证据。", "Say what this piece of evidence is."), lang)
        {
            push(Step::Evidence, format!("evidence.{i}.title"), m);
        }
        if chars(&e.purpose) > 300 {
            push(
                Step::Evidence,
                format!("evidence.{i}.purpose"),
                lang.pick("证明目的最多300字。", "300 characters at most.").into(),
            );
        }
    }

    match draft.service.consent {
        None => push(
            Step::Service,
            "consent".into(),
            lang.pick(
                "请选择是否同意用手机接收法院文书。",
                "Choose whether you agree to receive court papers on your phone.",
            )
            .into(),
        ),
        Some(true) => {
            if let Err(e) = Mobile::parse(&draft.service.sms_phone) {
                push(Step::Service, "sms_phone".into(), e.message(lang));
            }
            if !draft.service.email.trim().is_empty() {
                if let Some(m) = check_email(&draft.service.email, lang) {
                    push(Step::Service, "email".into(), m);
                }
            }
        }
        Some(false) => {}
    }
    out
}

/// What a court may ask to be corrected (补正), as a checklist for the clerk: every missing
/// item is named at once (一次性告知, 登记立案规定 2015 art. 5). (code, 中文, English).
pub const CORRECTION_ITEMS: [(&str, &str, &str); 8] = [
    (
        "plaintiff_identity",
        "原告身份证明（身份证正反面照片，或营业执照）",
        "The plaintiff's identity (both sides of the ID card, or the business licence)",
    ),
    ("defendant_details", "被告的准确名称、住址或联系方式", "The defendant's exact name, address or phone"),
    (
        "claims_unclear",
        "诉讼请求不明确（写清要求对方做什么、付多少钱）",
        "The claims are unclear (say what the other side must do or pay)",
    ),
    ("facts_reasons", "事实和理由不完整", "The facts and reasons are incomplete"),
    (
        "evidence_unclear",
        "证据照片不清楚或不完整，请重新拍照上传",
        "Evidence photos are unclear or incomplete; photograph them again",
    ),
    (
        "evidence_missing",
        "缺少主要证据（如借条、合同、转账记录）",
        "Key evidence is missing (IOU, contract, transfer records)",
    ),
    (
        "power_of_attorney",
        "授权委托书（需当事人签字）或代理人身份证明",
        "The power of attorney (signed by the party) or the agent's identity",
    ),
    (
        "jurisdiction",
        "说明为什么由本院管辖（被告住所地或合同履行地等）",
        "Why this court has jurisdiction (defendant's home, place of performance ...)",
    ),
];

/// The text of a correction item, by its code (an unknown code is shown as is).
pub fn correction_item_label(code: &str, lang: Lang) -> String {
    CORRECTION_ITEMS
        .iter()
        .find(|i| i.0 == code)
        .map(|i| lang.pick(i.1, i.2).to_string())
        .unwrap_or_else(|| code.to_string())
}

/// What the review screen shows before filing: the fee and the likely procedure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Estimate {
    pub claim: Fen,
    pub procedure: Procedure,
    /// The fee notice will ask for this (lines with articles), when it can be worked out.
    pub fee: Option<FeeQuote>,
}

/// The likely procedure (民事诉讼法 art. 165: a money claim up to the small-claims limit is a
/// small claim; the judge decides between simplified and ordinary for the rest, so the
/// estimate says "simplified" only for small claims' neighbours and "ordinary" otherwise) and
/// the acceptance fee the fee notice will ask for, at the rate the procedure prepays
/// (诉讼费用交纳办法 art. 13, halved under simplified procedure and small claims, art. 16).
pub fn estimate(
    draft: &Draft,
    settings: &fees::CourtFeeSettings,
    small_claims_limit: Fen,
) -> Option<Estimate> {
    let cause = draft.cause?;
    let claim = claim_total(draft);
    let simple = !matches!(cause, Cause::Divorce);
    let procedure = if simple {
        super::lifecycle::procedure_for(claim.as_fen(), small_claims_limit.as_fen(), true, false)
    } else {
        Procedure::Ordinary
    };
    let procedure = match procedure {
        // A simplified procedure is the judge's choice; a litigant is told the full rate.
        Procedure::Simplified => Procedure::Ordinary,
        p => p,
    };
    let fee = case_fee(Some(cause), claim, procedure.into(), None, settings).ok();
    Some(Estimate { claim, procedure, fee })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> CivilDate {
        CivilDate::new(2026, 11, 25).expect("date")
    }

    fn person(name: &str, id: &str, phone: &str) -> PartyDraft {
        PartyDraft {
            kind: PartyKind::Person,
            name: name.into(),
            id_number: id.into(),
            phone: phone.into(),
            address: "湖南省浏阳市集里街道1号".into(),
            representative: String::new(),
        }
    }

    fn complete() -> Draft {
        Draft {
            cause: Some(Cause::PrivateLending),
            court_code: "湘0181".into(),
            receiving_court_code: String::new(),
            plaintiffs: vec![person("张三", "11010519491231002X", "13800000001")],
            defendants: vec![person("李四", "", "")],
            agent: None,
            claims: vec![ClaimDraft {
                text: "判令被告归还借款".into(), amount_yuan: "50,000".into()
            }],
            facts: "2024年借给被告5万元，到期未还。".into(),
            evidence: vec![EvidenceDraft {
                upload_id: "u1".into(),
                title: "借条".into(),
                purpose: "证明借款事实".into(),
            }],
            service: ServiceDraft {
                consent: Some(true),
                sms_phone: "13800000001".into(),
                email: String::new(),
            },
        }
    }

    fn fields(problems: &[Problem]) -> Vec<&str> {
        problems.iter().map(|p| p.field.as_str()).collect()
    }

    #[test]
    fn a_complete_filing_has_no_problems() {
        assert_eq!(check(&complete(), false, today(), Lang::Zh), vec![]);
    }

    #[test]
    fn an_empty_draft_lists_every_missing_part_at_once() {
        let problems = check(&Draft::default(), false, today(), Lang::Zh);
        assert_eq!(
            fields(&problems),
            vec!["cause", "court_code", "plaintiffs", "defendants", "claims", "facts", "evidence", "consent"]
        );
        // In screen order, so the review screen can send the litigant to the first one.
        let steps: Vec<Step> = problems.iter().map(|p| p.step).collect();
        let mut sorted = steps.clone();
        sorted.sort();
        assert_eq!(steps, sorted);
    }

    #[test]
    fn the_plaintiff_needs_a_valid_id_the_defendant_only_if_one_is_typed() {
        let mut d = complete();
        d.plaintiffs[0].id_number = "110105194912310021".into();
        d.defendants[0].id_number = "11010519491231002".into();
        let problems = check(&d, false, today(), Lang::Zh);
        assert_eq!(fields(&problems), vec!["plaintiffs.0.id_number", "defendants.0.id_number"]);
        assert!(problems[0].message.starts_with("原告1："), "{}", problems[0].message);
        assert!(problems[0].message.contains("身份证号码"), "{}", problems[0].message);
    }

    #[test]
    fn an_organisation_needs_a_credit_code_and_its_representative() {
        let mut d = complete();
        d.defendants[0] = PartyDraft {
            kind: PartyKind::Organisation,
            name: "浏阳某某贸易有限公司".into(),
            id_number: "91430181MA4L0000X0".into(),
            phone: String::new(),
            address: "浏阳市".into(),
            representative: String::new(),
        };
        let problems = check(&d, false, today(), Lang::En);
        assert_eq!(fields(&problems), vec!["defendants.0.id_number", "defendants.0.representative"]);
        d.defendants[0].id_number = "91350100M000100Y43".into();
        d.defendants[0].representative = "王五".into();
        assert_eq!(check(&d, false, today(), Lang::En), vec![]);
    }

    #[test]
    fn an_agent_must_give_details_and_the_power_of_attorney() {
        let mut d = complete();
        assert_eq!(fields(&check(&d, true, today(), Lang::Zh)), vec!["agent"]);
        d.agent = Some(AgentDraft {
            kind: AgentKind::Lawyer,
            name: "赵律师".into(),
            phone: "13800000009".into(),
            ..Default::default()
        });
        assert_eq!(fields(&check(&d, true, today(), Lang::Zh)), vec!["agent.licence", "agent.poa_upload"]);
        let agent = d.agent.as_mut().expect("agent");
        agent.licence = "14301201810000000".into();
        agent.poa_upload = "u2".into();
        assert_eq!(check(&d, true, today(), Lang::Zh), vec![]);
    }

    #[test]
    fn amounts_are_checked_as_typed_and_a_money_case_needs_one() {
        let mut d = complete();
        d.claims[0].amount_yuan = "5万".into();
        assert_eq!(
            fields(&check(&d, false, today(), Lang::Zh)),
            vec!["claims.0.amount_yuan", "claims.0.amount_yuan"]
        );
        d.claims[0].amount_yuan = "12.345".into();
        assert!(check(&d, false, today(), Lang::Zh)[0].message.contains("两位"));
        d.claims[0].amount_yuan = String::new();
        assert_eq!(fields(&check(&d, false, today(), Lang::Zh)), vec!["claims.0.amount_yuan"]);
        d.cause = Some(Cause::Divorce);
        assert_eq!(check(&d, false, today(), Lang::Zh), vec![]);
    }

    #[test]
    fn consent_needs_a_phone_and_a_valid_email_if_given() {
        let mut d = complete();
        d.service.sms_phone = "12345".into();
        d.service.email = "not-an-email".into();
        assert_eq!(fields(&check(&d, false, today(), Lang::Zh)), vec!["sms_phone", "email"]);
        d.service = ServiceDraft { consent: Some(false), ..Default::default() };
        assert_eq!(check(&d, false, today(), Lang::Zh), vec![]);
    }

    #[test]
    fn the_same_court_twice_is_not_a_cross_region_filing() {
        let mut d = complete();
        d.receiving_court_code = "湘0181".into();
        assert_eq!(fields(&check(&d, false, today(), Lang::Zh)), vec!["receiving_court_code"]);
    }

    #[test]
    fn too_long_texts_say_the_limit() {
        let mut d = complete();
        d.facts = "字".repeat(MAX_FACTS_CHARS + 1);
        let p = check(&d, false, today(), Lang::Zh);
        assert_eq!(fields(&p), vec!["facts"]);
        assert!(p[0].message.contains("10000"), "{}", p[0].message);
    }

    #[test]
    fn the_estimate_gives_the_small_claims_half_fee_or_the_full_rate() {
        let settings = fees::CourtFeeSettings::default();
        let limit = Fen(super::super::lifecycle::HUNAN_SMALL_CLAIMS_LIMIT_FEN);
        // 50,000 yuan > 22,853.50: not a small claim; the full art. 13 rate: 50 + 40,000 × 2.5 % = 1,050.
        let e = estimate(&complete(), &settings, limit).expect("estimate");
        assert_eq!(e.procedure, Procedure::Ordinary);
        assert_eq!(e.fee.expect("fee").total, Fen::from_yuan(1_050));
        // 20,000 yuan: small claims, half of 50 + 10,000 × 2.5 % = 300 → 150 (art. 16).
        let mut d = complete();
        d.claims[0].amount_yuan = "20000".into();
        let e = estimate(&d, &settings, limit).expect("estimate");
        assert_eq!(e.procedure, Procedure::SmallClaims);
        assert_eq!(e.fee.expect("fee").total, Fen::from_yuan(150));
        // Unpaid wages: a labour case, and nothing to prepay (art. 20) — the quote still says 10 yuan.
        d.cause = Some(Cause::UnpaidWages);
        let e = estimate(&d, &settings, limit).expect("estimate");
        assert_eq!(e.fee.expect("fee").total, Fen::from_yuan(5));
        assert!(estimate(&Draft::default(), &settings, limit).is_none());
    }

    #[test]
    fn causes_round_trip_and_name_the_court_s_cause() {
        for c in Cause::ALL {
            assert_eq!(Cause::from_code(c.code()), Some(c));
        }
        assert_eq!(Cause::TrafficAccident.name_zh(), "机动车交通事故责任纠纷");
        for s in Step::ALL {
            assert_eq!(Step::from_code(s.code()), Some(s));
        }
        assert_eq!(Step::Review.next(), Step::Review);
    }

    #[test]
    fn a_wage_claim_is_a_labour_case_charged_per_case_never_by_the_amount() {
        let settings = fees::CourtFeeSettings::default();
        // 60,000 yuan of wages: art. 13(4), 10 yuan a case; art. 20, not prepaid.
        let q = case_fee(
            Some(Cause::UnpaidWages),
            Fen::from_yuan(60_000),
            fees::Procedure::Ordinary,
            None,
            &settings,
        )
        .expect("fee");
        assert_eq!(q.total, Fen::from_yuan(10));
        assert!(!q.prepaid);
        // The same amount in a loan case is a property case (art. 13(1)): 50 + 50,000 × 2.5 %.
        let q = case_fee(
            Some(Cause::PrivateLending),
            Fen::from_yuan(60_000),
            fees::Procedure::Ordinary,
            None,
            &settings,
        )
        .expect("fee");
        assert_eq!(q.total, Fen::from_yuan(1_300));
        assert!(q.prepaid);
        // A stored cause not recognised: charged by its claim, named plainly.
        let q =
            case_fee(None, Fen::from_yuan(60_000), fees::Procedure::Ordinary, None, &settings).expect("fee");
        assert_eq!(q.total, Fen::from_yuan(1_300));
        assert_eq!(cause_label(None, Lang::Zh), "民事纠纷");
        assert_eq!(stored_cause("unpaid_wages"), Some(Cause::UnpaidWages));
        assert_eq!(stored_cause("追索劳动报酬纠纷"), None, "names are not codes");
    }

    #[test]
    fn every_cause_s_estimate_is_the_fee_rule_itself() {
        let settings = fees::CourtFeeSettings::default();
        let limit = Fen(super::super::lifecycle::HUNAN_SMALL_CLAIMS_LIMIT_FEN);
        for cause in Cause::ALL {
            for yuan in ["3000", "60000", "2000000"] {
                let mut d = complete();
                d.cause = Some(cause);
                d.claims[0].amount_yuan = yuan.into();
                let e = estimate(&d, &settings, limit).expect("estimate");
                let rule = case_fee(Some(cause), e.claim, e.procedure.into(), None, &settings).ok();
                assert_eq!(e.fee, rule, "{cause:?} {yuan}");
            }
        }
    }
}
