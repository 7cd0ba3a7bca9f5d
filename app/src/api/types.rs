//! Wire types: what crosses between browser and server. They compile on both sides and hold
//! no database rows; the server converts its rows into these.

use crate::rules::dates::{end_of_day_shanghai, CivilDate};
use crate::rules::holidays;
use crate::rules::Lang;
use serde::{Deserialize, Serialize};

/// Roles of DOMAIN.md §1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Litigant,
    Agent,
    Clerk,
    Judge,
    Mediator,
    Admin,
}

impl Role {
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Clerk | Role::Judge | Role::Mediator | Role::Admin)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Litigant => "litigant",
            Role::Agent => "agent",
            Role::Clerk => "clerk",
            Role::Judge => "judge",
            Role::Mediator => "mediator",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "litigant" => Role::Litigant,
            "agent" => Role::Agent,
            "clerk" => Role::Clerk,
            "judge" => Role::Judge,
            "mediator" => Role::Mediator,
            "admin" => Role::Admin,
            _ => return None,
        })
    }

    pub fn label(self, lang: Lang) -> &'static str {
        crate::i18n::t(
            lang,
            match self {
                Role::Litigant => ("当事人", "Litigant"),
                Role::Agent => ("诉讼代理人", "Agent"),
                Role::Clerk => ("立案庭/书记员", "Clerk"),
                Role::Judge => ("法官", "Judge"),
                Role::Mediator => ("调解员", "Mediator"),
                Role::Admin => ("管理员", "Administrator"),
            },
        )
    }
}

/// The signed-in person, as the pages see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub id: i64,
    pub role: Role,
    /// Masked, e.g. 138****1234.
    pub phone_masked: String,
    /// Real name, once the profile is complete.
    pub name: Option<String>,
    /// Masked resident ID, once verified.
    pub resident_id_masked: Option<String>,
    pub court_id: Option<i64>,
    pub court_name: Option<String>,
}

impl Me {
    pub fn display_name(&self) -> String {
        self.name.clone().unwrap_or_else(|| self.phone_masked.clone())
    }
}

/// What `send_code` answers: the request the code is bound to (OWASP ASVS 5.0 §6.6).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeSent {
    pub request_id: String,
    /// Seconds before another code may be asked for this number.
    pub resend_after_secs: u32,
    /// Minutes the code stays valid.
    pub valid_minutes: u32,
}

/// One line of "My cases".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub id: i64,
    /// Canonical 案号, or None before docketing.
    pub case_number: Option<String>,
    pub cause: String,
    pub court_name: String,
    pub stage_label: String,
    /// The party's side, e.g. 原告.
    pub my_side: String,
    pub next_deadline: Option<DeadlineView>,
    /// Something that needs acting on now, in words for this viewer: e.g. the fee unpaid past
    /// its deadline, so the case is to be treated as withdrawn (民诉解释 art. 213).
    pub alert: Option<String>,
}

/// A deadline computed by `rules::deadlines`, ready to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineView {
    pub label: String,
    /// Last day, as shown (Asia/Shanghai), e.g. 2026年12月1日.
    pub due_date: String,
    /// End of that day, unix seconds UTC; the countdown counts down to it.
    pub due_at: i64,
    /// The article the deadline comes from.
    pub source: String,
    pub overdue: bool,
    /// The last day lies in a year whose State Council holiday notice is not entered yet, so
    /// it may still move past a holiday (CPL 2023 art. 85); pages say so under the date.
    #[serde(default)]
    pub provisional: bool,
}

impl DeadlineView {
    /// The view of a period whose last day is `day` (it runs to 24:00 China time that day).
    pub fn new(
        label: impl Into<String>,
        day: CivilDate,
        source: impl Into<String>,
        lang: Lang,
        now: i64,
    ) -> Self {
        let due_at = end_of_day_shanghai(day);
        DeadlineView {
            label: label.into(),
            due_date: day.format(lang),
            due_at,
            source: source.into(),
            overdue: now >= due_at,
            provisional: false,
        }
    }

    /// For a period whose last day moves past a holiday (a party's period, CPL 2023 art. 85;
    /// not the court's own limits): marks it provisional when that day lies in a year the
    /// holiday table does not cover yet.
    pub fn moved_past_holidays(mut self, moves: bool) -> Self {
        self.provisional =
            moves && CivilDate::from_unix_shanghai(self.due_at - 1).year() > holidays::covered_years().1;
        self
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeStatus {
    Done,
    Current,
    Upcoming,
    Overdue,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineNodeView {
    pub stage: String,
    pub label: String,
    pub explain: String,
    pub status: NodeStatus,
    /// When it was reached, shown in Asia/Shanghai.
    pub reached: Option<String>,
    pub deadline: Option<DeadlineView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub role: String,
    pub name: String,
    pub phone: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyView {
    pub side: String,
    pub name: String,
}

/// A representation in force (诉讼代理), listed only to those who may end it: the party it
/// acts for (revoking the authority, CPL art. 63) and the case's court.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentView {
    /// The representation's id (the end form posts it).
    pub id: i64,
    pub party_name: String,
    pub agent_name: String,
}

/// The case page (案件进度查询).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseProgress {
    pub id: i64,
    pub case_number: Option<String>,
    pub cause: String,
    pub court_name: String,
    /// Set for cross-region filing (跨域立案): the court where it was handed in.
    pub receiving_court_name: Option<String>,
    pub procedure: String,
    /// The stage's code (`rules::lifecycle::Stage::code`), e.g. `under_review`.
    pub stage: String,
    pub stage_label: String,
    pub parties: Vec<PartyView>,
    pub timeline: Vec<TimelineNodeView>,
    pub next_deadline: Option<DeadlineView>,
    pub contacts: Vec<Contact>,
    /// Representations in force, for the parties they act for and the case's court (empty
    /// for anyone else).
    #[serde(default)]
    pub agents: Vec<AgentView>,
    /// 查询码, shown to the parties only (it is printed on the acceptance notice).
    pub query_code: Option<String>,
    /// Litigation fee the caller still has to prepay, in fen: the plaintiff's side only
    /// (诉讼费用交纳办法 art. 20); 0 for others, or when nothing is due.
    pub fee_due_fen: i64,
    /// How the case ended (判决 / 调解 / 撤诉), once closed.
    pub outcome: Option<String>,
    /// Refund still owed to the payer's side (art. 53), in fen; 0 for others.
    pub refund_open_fen: i64,
    /// Its deadline, while it is owed.
    pub refund_deadline: Option<DeadlineView>,
    /// The caller is this case's judge and may close it (结案).
    pub can_close: bool,
    /// The case's newest mediation (诉中调解), for its parties and the court.
    #[serde(default)]
    pub mediation: Option<CaseMediationLink>,
    /// For the case's judge while no mediation is open: mediation may start; the parties
    /// listed (id, name) have no account and need a mobile number typed for the invitation.
    #[serde(default)]
    pub mediation_start: Option<Vec<(i64, String)>>,
    /// For the case's judge while it is open: the procedures it may be changed to (程序转换,
    /// `rules::procedure`), as (code, name).
    pub procedure_targets: Vec<(String, String)>,
    /// Every change of procedure so far, oldest first.
    pub procedure_changes: Vec<ProcedureChangeView>,
    /// Court staff may record an appeal against the judgment (closed by judgment, not in
    /// force, none recorded yet).
    pub can_record_appeal: bool,
    /// The appeal recorded against the judgment: what was noted, and when.
    pub appeal: Option<String>,
    /// Filed online, before docketing: the review's decisions and, for the person who filed
    /// it, the filing to correct.
    pub filing: Option<FilingStatus>,
}

/// A change of procedure (程序转换) on the case page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureChangeView {
    pub at: String,
    pub from: String,
    pub to: String,
    pub reason: String,
    /// The article it rests on.
    pub source: String,
    /// What it did to the fee, in words (补交 / 减半), if anything.
    pub fee: Option<String>,
}

/// The review of an online filing, on its case page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilingStatus {
    /// Set for the person who filed it (they may open and correct it).
    pub filing_id: Option<i64>,
    /// The court asked for a correction and is waiting for it.
    pub correcting: bool,
    pub decisions: Vec<DecisionView>,
}

/// The anonymous query answer: stage and dates, no personal data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicProgress {
    pub case_number: String,
    pub court_name: String,
    pub cause: String,
    pub stage_label: String,
    pub timeline: Vec<TimelineNodeView>,
}

/// A message in the development SMS sink (only with `--demo`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsView {
    pub to_masked: String,
    pub to: String,
    pub body: String,
    pub sent: String,
}

// ---- fees --------------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FeeEntryView {
    /// charge | payment | refund
    pub kind: String,
    pub label: String,
    pub fen: i64,
    pub source: String,
    pub at: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FeeOrderView {
    pub out_trade_no: String,
    pub amount_fen: i64,
    /// pending | paid | closed
    pub status: String,
    pub created_at: String,
    pub paid_at: Option<String>,
}

/// A case's fee account: every figure recomputed from the ledger rows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FeeAccount {
    pub case_id: i64,
    pub charged_fen: i64,
    /// Taken off the charge: halving at the end (诉讼费用交纳办法 arts. 15, 16), relief.
    pub reduced_fen: i64,
    pub paid_fen: i64,
    pub refunded_fen: i64,
    /// What is still to pay (never negative).
    pub due_fen: i64,
    /// Paid beyond what is owed and not yet refunded.
    pub overpaid_fen: i64,
    pub entries: Vec<FeeEntryView>,
    pub orders: Vec<FeeOrderView>,
    pub refunds: Vec<FeeRefundView>,
}

/// A refund the court owes (or paid back): 诉讼费用交纳办法 art. 53.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FeeRefundView {
    pub out_refund_no: String,
    pub amount_fen: i64,
    /// Why, with the article.
    pub reason: String,
    /// `due`, `processing`, `refunded` or `failed`.
    pub status: String,
    pub status_label: String,
    /// Where the money goes, in plain words.
    pub channel: String,
    /// The 15-day deadline (art. 53), until the money is back.
    pub deadline: Option<DeadlineView>,
    pub refunded_at: Option<String>,
    /// Goes back by bank transfer, recorded by staff: paid at the counter, or the online
    /// refund failed.
    pub by_transfer: bool,
}

/// The fee page of a case: its account, whether the caller may pay, and the key that makes
/// a double tap on "pay" one order.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CaseFees {
    pub case_id: i64,
    pub case_number: Option<String>,
    pub cause: String,
    pub account: FeeAccount,
    /// The prepayment deadline (诉讼费用交纳办法 art. 22) while the fee is unpaid.
    pub deadline: Option<DeadlineView>,
    /// A party or their agent (staff see the account but do not pay).
    pub can_pay: bool,
    /// Whether this court takes payments online (a provider is configured, or the demo's
    /// sandbox). When not, the page says where to pay at the court instead.
    pub online_payment: bool,
    /// A fresh idempotency key for the pay form.
    pub pay_key: String,
    /// The order the payer just came back with from the checkout page, as it stands now.
    pub returned: Option<FeeOrderView>,
    /// What is owed after reductions (the base of a 减交 decision, at least 30 % of it).
    pub owed_fen: i64,
    /// Fee relief applications (缓交 / 减交 / 免交) and their decisions.
    pub relief: Vec<ReliefView>,
    /// The payer may apply for relief (something is due, nothing pending or granted).
    pub can_apply_relief: bool,
    /// Court staff may decide the pending application.
    pub can_decide_relief: bool,
    /// A fresh key for the relief form (a double tap files once).
    pub relief_key: String,
    /// Court staff may record a refund paid back by bank transfer.
    pub can_record_refunds: bool,
    /// For the case's court: money that needs a person (a payment that arrived for an order
    /// already closed — credited, and what it overpays on its way back).
    pub payment_flags: Vec<PaymentFlagView>,
}

/// One payment that needs a person, for the case's court.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PaymentFlagView {
    /// When it was flagged, Asia/Shanghai.
    pub at: String,
    /// What happened, in plain words.
    pub text: String,
}

/// One fee relief application (诉讼费用交纳办法 arts. 44–49).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ReliefView {
    pub id: i64,
    /// `defer`, `reduce` or `waive`.
    pub kind: String,
    pub kind_label: String,
    pub ground_label: String,
    /// The article of the ground.
    pub source: String,
    pub reason: String,
    /// `pending`, `granted` or `refused`.
    pub status: String,
    pub status_label: String,
    pub reduced_fen: Option<i64>,
    pub decision_note: Option<String>,
    pub created_at: String,
    pub decided_at: Option<String>,
    pub files: Vec<ReliefFileView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ReliefFileView {
    pub id: i64,
    pub file_name: String,
    pub size_bytes: i64,
}

/// 缴费凭证: the receipt of one paid order.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FeeReceipt {
    pub case_id: i64,
    pub court_name: String,
    pub case_number: Option<String>,
    pub cause: String,
    pub payer: String,
    pub out_trade_no: String,
    pub provider_trade_no: String,
    pub channel: String,
    pub amount_fen: i64,
    /// 人民币大写.
    pub amount_in_capitals: String,
    pub paid_at: String,
    pub issued_at: String,
}

// ---- online filing (网上立案 / 跨域立案) ------------------------------------------------------

/// A court one can file with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CourtOption {
    pub code: String,
    pub name: String,
}

/// An evidence file uploaded for a filing (checked by its content, stored by its SHA-256).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadView {
    pub id: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

/// A filing as its owner sees it in the guided filing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilingPage {
    pub id: i64,
    pub version: i64,
    /// `draft`, `submitted` or `correcting`.
    pub status: String,
    pub case_id: Option<i64>,
    pub draft: crate::rules::filing::Draft,
    /// Everything still to fix, in screen order (empty: ready to file).
    pub problems: Vec<crate::rules::filing::Problem>,
    pub estimate: Option<crate::rules::filing::Estimate>,
    pub courts: Vec<CourtOption>,
    /// The completed uploads of this filing.
    pub uploads: Vec<UploadView>,
    /// The person filing is an agent (代理人): they must give the power of attorney.
    pub is_agent: bool,
    /// What the court asked to correct, when it did (补正).
    pub correction: Option<DecisionView>,
    pub max_file_mb: i64,
    pub max_filing_mb: i64,
}

/// A draft in "my filings".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilingSummary {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub updated: String,
}

/// A decision of the review, as shown to the litigant and to staff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionView {
    /// `forward`, `correction`, `docket` or `reject`.
    pub kind: String,
    pub label: String,
    pub items: Vec<String>,
    pub note: String,
    pub court: String,
    pub at: String,
}

/// One filing waiting in a court's review queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub case_id: i64,
    pub cause: String,
    pub parties: String,
    /// Here as the receiving court of a cross-region filing (check and forward).
    pub receiving: bool,
    pub channel: String,
    pub submitted: String,
    pub deadline: Option<DeadlineView>,
}

/// A filing opened for review by the court's staff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilingReview {
    pub case_id: i64,
    pub stage: String,
    pub stage_label: String,
    pub court: String,
    pub receiving_court: Option<String>,
    /// The caller's court is the receiving court (check and forward), not the target court.
    pub receiving: bool,
    pub draft: crate::rules::filing::Draft,
    pub evidence: Vec<(crate::rules::filing::EvidenceDraft, Option<UploadView>)>,
    pub poa: Option<UploadView>,
    pub decisions: Vec<DecisionView>,
    pub deadline: Option<DeadlineView>,
    pub estimate: Option<crate::rules::filing::Estimate>,
    /// The procedure code the docketing form proposes.
    pub suggested_procedure: String,
    pub case_number: Option<String>,
    /// The caller may decide now (a clerk or judge of the right court, at the right stage).
    pub can_decide: bool,
}

// ---- electronic service (电子送达) --------------------------------------------------------

/// A person's consent to electronic service as it stands, and its dated history.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentView {
    pub given: bool,
    pub inbox: bool,
    pub sms_phone: String,
    pub email: String,
    /// The account's own number (offered as the SMS address).
    pub own_phone: String,
    /// "2026年11月25日 10:02 同意（收件箱、短信）", newest first.
    pub history: Vec<String>,
}

/// A party of a case as a recipient, for the clerk serving a document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientView {
    pub party_id: i64,
    pub side: String,
    pub name: String,
    /// Consent recorded with at least one designated address.
    pub electronic: bool,
    /// Where and since when, or why not.
    pub consent: String,
}

/// One document served on one recipient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceRecordView {
    pub id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub court: String,
    pub title: String,
    pub recipient: String,
    pub method: String,
    pub address: String,
    /// `sent`, `delivered`, `read`, `offline`, `served`, `failed`.
    pub status: String,
    pub status_label: String,
    pub sent_at: String,
    pub arrived_at: Option<String>,
    pub read_at: Option<String>,
    pub signed_at: Option<String>,
    /// "2026年11月25日 10:02 — <the rule, with its article>".
    pub effective: Option<String>,
    pub fallback_reason: Option<String>,
    pub outcome_note: Option<String>,
    pub sha256: String,
    /// Waiting for the clerk to record how post / in-person service went.
    pub offline_pending: bool,
}

/// A case's service, for its staff: who can be served how, and every record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseServiceView {
    pub case_id: i64,
    pub case_number: String,
    pub cause: String,
    pub recipients: Vec<RecipientView>,
    pub records: Vec<ServiceRecordView>,
    /// The notices this case can generate now: (code, title).
    pub kinds: Vec<(String, String)>,
    /// A fresh key for the serve form: a double tap serves once.
    pub request_key: String,
}

/// The receipt page: the record, and the receipt the phone checks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReceiptPageView {
    pub record: ServiceRecordView,
    pub receipt: crate::log::service::ServiceReceipt,
    /// The court's published key, hex (what the phone checks against).
    pub court_key: String,
    pub key_id: String,
    /// The server's own check of the same receipt: `None` when it verified, else the failure.
    pub server_check: Option<String>,
    pub viewer_is_recipient: bool,
}

/// What the public check page says about a check code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckedMessage {
    pub court: String,
    pub case_number: Option<String>,
    pub sent_at: String,
    pub what: String,
    pub to_masked: String,
}

/// A court's service figures over a date range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceFiguresView {
    pub from: String,
    pub to: String,
    pub documents: i64,
    pub electronic: i64,
    pub delivered: i64,
    pub read: i64,
    pub effective: i64,
    /// Effective electronic services per electronic service sent, in tenths of a percent.
    pub success_permille: Option<i64>,
    pub offline: i64,
    pub offline_served: i64,
    pub failed: i64,
}

// ---- online mediation (DOMAIN-2 §1) ------------------------------------------------------

/// Where a mediation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediationState {
    /// Asked for; waiting for a mediator.
    Requested,
    /// A mediator accepted; the other side is asked whether it agrees to mediate.
    Inviting,
    /// Both sides agreed: mediation, the agreement and its signatures.
    Mediating,
    /// Everyone signed: the agreement is in force.
    Effective,
    /// In a case: the 调解书 is issued and waits for every party's 签收 (CPL art. 100).
    Issued,
    /// In a case: every party signed for the 调解书; it is in force and the case closed.
    Concluded,
    /// Ended without an agreement (a ground of OMR art. 25), or a party backed out (art. 102).
    Ended,
}

impl MediationState {
    pub fn parse(s: &str) -> MediationState {
        match s {
            "inviting" => MediationState::Inviting,
            "mediating" => MediationState::Mediating,
            "effective" => MediationState::Effective,
            "issued" => MediationState::Issued,
            "concluded" => MediationState::Concluded,
            "ended" => MediationState::Ended,
            _ => MediationState::Requested,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            MediationState::Requested => lang.pick("等待法院安排调解员", "Waiting for a mediator"),
            MediationState::Inviting => {
                lang.pick("等待对方答复是否同意调解", "Waiting for the other side to agree")
            }
            MediationState::Mediating => lang.pick("调解中", "In mediation"),
            MediationState::Effective => lang.pick("调解协议已生效", "Agreement in force"),
            MediationState::Issued => {
                lang.pick("调解书已出具，等待签收", "Statement issued, to be signed for")
            }
            MediationState::Concluded => {
                lang.pick("调解书已生效，调解结案", "Statement in force: closed by mediation")
            }
            MediationState::Ended => lang.pick("调解已结束，未达成协议", "Ended without agreement"),
        }
    }
}

/// Who the caller is in a mediation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediationRole {
    Applicant,
    Respondent,
    /// The mediator of this matter.
    Mediator,
    /// Other staff of the court (a mediator who may take a waiting matter, a clerk, a judge).
    CourtStaff,
}

/// One line of a list of mediations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MediationSummary {
    pub id: i64,
    pub number: String,
    pub cause: String,
    pub state: MediationState,
    pub state_label: String,
    pub parties: String,
    pub requested: String,
    /// Something waits for the caller (an invitation to answer, a version to sign, a matter to accept).
    pub for_me: Option<String>,
    /// The next clock, e.g. "调解员应在2026年12月10日前接受".
    pub due: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MediationPartyView {
    pub name: String,
    pub side: String,
    pub answer: String,
    pub is_me: bool,
}

/// Who must sign the current version, and whether they have.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SignerView {
    pub name: String,
    pub role: String,
    /// When they signed this version (Asia/Shanghai), if they have.
    pub signed_at: Option<String>,
    pub is_me: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgreementView {
    pub version: i64,
    pub sha256: String,
    pub clauses: Vec<String>,
    pub drafted: String,
    /// What changed since `since_version` (the one the caller signed, or the one before).
    pub since_version: Option<i64>,
    pub changes: Vec<crate::rules::mediation::ClauseChange>,
    pub signers: Vec<SignerView>,
    /// The caller signed an older version and that signature is void.
    pub my_signature_voided: bool,
    pub i_signed: bool,
    /// The caller must sign and may do so now.
    pub may_sign: bool,
}

/// A line of the signature ledger (OMR art. 19; ESL art. 13).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SignatureLine {
    pub id: i64,
    pub version: i64,
    pub name: String,
    pub role: String,
    pub sha256: String,
    pub signed_at: String,
    pub identity_check: String,
    /// The browser it was signed on (staff only; empty for parties).
    pub device: String,
    pub drawn: bool,
    pub voided: bool,
    /// The signature's receipt from the service log (JSON, checked like a delivery receipt);
    /// none for signatures made before they were logged.
    pub receipt: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MediationView {
    pub id: i64,
    pub number: String,
    pub court: String,
    pub cause: String,
    pub summary: String,
    pub state: MediationState,
    pub state_label: String,
    pub my_role: MediationRole,
    pub mediator: Option<(String, String)>,
    pub parties: Vec<MediationPartyView>,
    /// The clock that runs now (a 3-working-day step, or the mediation period).
    pub deadline: Option<DeadlineView>,
    /// A working-day clock that cannot be computed (the year's holidays are not entered).
    pub calendar_note: Option<String>,
    /// The caller is the invited side and has not answered.
    pub invited: bool,
    pub agreement: Option<AgreementView>,
    pub ledger: Vec<SignatureLine>,
    pub effective_at: Option<String>,
    /// The agreement in force as a PDF with every signature (调解协议书).
    pub agreement_pdf: Option<String>,
    /// After effect: the last day to apply jointly for judicial confirmation (CPL art. 205).
    pub window: Option<DeadlineView>,
    pub ended: Option<(String, String)>,
    pub events: Vec<(String, String)>,
    /// For the mediator's end form: (code, label) of the grounds they may pick.
    pub end_grounds: Vec<(String, String)>,
    /// The mediator may accept this waiting matter.
    pub may_accept: bool,
    /// The mediator may edit the agreement and end the matter.
    pub may_edit: bool,
    /// Judicial confirmation of the agreement in force (DOMAIN-2 §1.2), once anyone applied.
    pub confirmation: Option<ConfirmationView>,
    /// The caller is a party and may apply for (or join) judicial confirmation now.
    pub may_apply: bool,
    /// The 30-day window has passed with no application made jointly (CPL art. 205).
    pub window_lapsed: bool,
    /// In a docketed case (诉中调解): the case's id, to link back to it.
    #[serde(default)]
    pub case_id: Option<i64>,
    /// The judge may issue the 调解书 now (the agreement is in force, none issued yet).
    #[serde(default)]
    pub may_issue: bool,
    /// The 调解书 and each party's 签收, once issued.
    #[serde(default)]
    pub statement: Option<StatementView>,
    /// The caller is a party of a case's mediation who has not signed for the 调解书 and
    /// may still back out (CPL art. 102).
    #[serde(default)]
    pub may_back_out: bool,
    /// A proposal to lengthen the period, waiting for every party (OMR art. 24).
    #[serde(default)]
    pub extension: Option<ExtensionView>,
    /// The mediator may propose a longer period now.
    #[serde(default)]
    pub may_propose_extension: bool,
    /// The mediator the applicant chose from the roster, while that one has not answered.
    #[serde(default)]
    pub chosen_mediator: Option<String>,
    /// The caller is that mediator and may decline with reasons (OMR art. 12).
    #[serde(default)]
    pub may_decline_choice: bool,
    /// Video sessions not over yet (OMR art. 16).
    #[serde(default)]
    pub sessions: Vec<SessionView>,
    /// The mediator may schedule one: the court's meeting service, which links must begin with.
    #[serde(default)]
    pub meeting_service: Option<String>,
}

/// A video session of a mediation, as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    /// When it starts, China time.
    pub starts: String,
    /// The room's link, only while it may be joined (15 minutes before to 3 hours after).
    pub join: Option<String>,
    /// What to do now, in plain words.
    pub note: String,
}

/// A mediator on the court's public roster (在线调解规则 art. 5).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediatorProfileView {
    pub id: i64,
    pub name: String,
    /// The inviting court (the mediator's court), its code and name.
    pub court_code: String,
    pub court: String,
    pub background: String,
    pub specialities: String,
    pub dispute_range: String,
    /// "不收费", or what is charged.
    pub fee: String,
    /// Counted from the records: matters taken, and of those, agreements in force.
    pub taken: i64,
    pub agreed: i64,
}

/// A mediator's own profile, as the form edits it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyMediatorProfile {
    pub background: String,
    pub specialities: String,
    pub dispute_range: String,
    /// Empty: free of charge.
    pub fee: String,
    pub listed: bool,
    /// The profile as the roster shows it, once saved and listed.
    pub shown: Option<MediatorProfileView>,
}

/// A proposal to lengthen the mediation period: every party must agree (OMR art. 24).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionView {
    pub days: i64,
    pub reason: String,
    /// Each party and its answer so far ("同意" / "尚未答复").
    pub answers: Vec<(String, String)>,
    /// The caller is a party that has not answered yet.
    pub may_answer: bool,
}

/// The 调解书 of an in-litigation mediation, as its page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatementView {
    pub issued_at: String,
    pub pdf: String,
    /// Each party's 签收.
    pub receipts: Vec<StatementReceipt>,
    /// The caller is a party that has not signed for it yet.
    pub may_receive: bool,
    /// In force since the last 签收 (JI22 art. 149).
    pub in_force_at: Option<String>,
}

/// One party's 签收 of a 调解书.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementReceipt {
    pub name: String,
    /// When it signed for it, if it has.
    pub at: Option<String>,
    /// The 签收's receipt from the service log.
    pub receipt: Option<String>,
}

/// A case's newest mediation, as the case page links to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseMediationLink {
    pub id: i64,
    pub state: MediationState,
    pub state_label: String,
}

/// Where a judicial confirmation stands (司法确认, a 民特 case).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConfirmationView {
    /// e.g. "等待对方一起申请", "法院审查中", "已裁定", "已撤回".
    pub state_label: String,
    /// The 民特 number, once docketed.
    pub number: Option<String>,
    /// Who has applied, with when (Asia/Shanghai).
    pub applied: Vec<(String, String)>,
    /// Parties who have not applied yet (the application is joint: CPL art. 205).
    pub waiting_for: Vec<String>,
    pub i_applied: bool,
    /// The judge's review limit (CPL art. 187, 30 days), while under review.
    pub review_due: Option<DeadlineView>,
    /// The court's target day (JC11 art. 5, 15 days), while under review.
    pub review_target: Option<String>,
    pub ruling: Option<RulingView>,
    pub withdrawn: Option<String>,
    /// A party may withdraw before the ruling (JI22 art. 357).
    pub may_withdraw: bool,
    /// The caller is a judge of the court and the application waits for a ruling.
    pub may_rule: bool,
    /// For the judge's form: the review checklist (JI22 arts. 354–358) and the grounds.
    pub checklist: Vec<String>,
    pub rejection_grounds: Vec<(String, String)>,
    pub dismissal_grounds: Vec<(String, String)>,
}

/// The judge's ruling on a confirmation, as the parties read it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RulingView {
    /// "valid" | "rejected" | "dismissed".
    pub outcome: String,
    pub outcome_label: String,
    /// What it means for the parties, in one or two plain sentences.
    pub meaning: String,
    pub grounds: Vec<String>,
    pub reasons: String,
    pub ruled_at: String,
    pub judge: String,
    /// The ruling (民事裁定书) as a PDF, and its SHA-256.
    pub pdf_href: String,
    pub sha256: String,
    /// The last day to object (JI22 art. 372, 15 days from receipt).
    pub objection_note: String,
}

/// The court's mediation figures over a period (DOMAIN-2 §6), from the records.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MediationFigures {
    pub from: String,
    pub to: String,
    pub requested: i64,
    /// Ended with an agreement in force.
    pub agreed: i64,
    /// Ended without one.
    pub failed: i64,
    /// Agreed out of those finished (agreed + failed), e.g. "66.7%"; none before any finished.
    pub success_rate: Option<String>,
    /// Average days from the request to the last signature, e.g. "4.5".
    pub average_days: Option<String>,
    /// Agreements the court confirmed valid by a ruling in the period (司法确认).
    pub confirmed: i64,
}

#[cfg(test)]
mod deadline_view_tests {
    use super::*;

    fn day(y: i32, m: u8, d: u8) -> CivilDate {
        CivilDate::new(y, m, d).expect("valid")
    }

    #[test]
    fn a_partys_last_day_past_the_holiday_table_is_marked_provisional() {
        let (_, last) = holidays::covered_years();
        let next_year = day(last + 1, 1, 11);
        let covered = day(last, 12, 11);
        let view = |d| DeadlineView::new("上诉期", d, "民事诉讼法 第171条", Lang::Zh, 0);
        assert!(view(next_year).moved_past_holidays(true).provisional);
        assert!(!view(covered).moved_past_holidays(true).provisional);
        // The court's own limits never move, so there is nothing to warn about.
        assert!(!view(next_year).moved_past_holidays(false).provisional);
        assert!(!view(next_year).provisional);
        let v = view(covered);
        assert_eq!(v.due_at, end_of_day_shanghai(covered));
        assert!(!v.overdue);
        assert!(DeadlineView::new("x", covered, "y", Lang::Zh, v.due_at).overdue);
    }
}
