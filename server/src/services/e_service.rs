//! Electronic service (电子送达, DOMAIN.md §5; CPL art. 90; 在线诉讼规则 arts. 29–32): consent
//! and designated addresses, serving a document (a generated notice or an uploaded PDF) on the
//! parties of a case, the inbox, reading, post / in-person fallback and its outcome, the public
//! check of SMS codes, receipts (送达回证) with their proofs, and the court's figures.
//!
//! Every event of a service record is appended to the service log (`service_log.rs`) in the
//! transaction that records it; when a document took effect, and by which rule, comes from
//! `app::rules::service`.

use crate::services::notices::{NoticeFacts, NoticeKind};
use crate::services::{internal, unavailable, Services};
use crate::store::{self, service::RecordRow};
use app::api::port::Caller;
use app::api::types::{
    CaseServiceView, CheckedMessage, ConsentView, Me, ReceiptPageView, RecipientView, Role,
    ServiceFiguresView, ServiceRecordView,
};
use app::api::{AppError, Refusal};
use app::i18n::t;
use app::log::service::{
    verify_service_receipt, EventKind, LoggedEffect, ServiceEvent, ServiceReceipt, ENTRY_VERSION,
};
use app::rules::dates::{end_of_day_shanghai, format_shanghai, start_of_day_shanghai, CivilDate};
use app::rules::ids::Mobile;
use app::rules::service::{self as rules, Channel, Consent, Delivery, Effective, EffectiveRule};
use app::rules::Lang;

/// Failed check-code lookups allowed per IP address per hour (codes are 31^8: guessing is
/// hopeless, and this keeps it so).
const CHECK_FAILURES_PER_HOUR: i64 = 20;

/// The most an uploaded document to serve may weigh.
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

/// The kind of an uploaded first-instance judgment (判决书): its service on every party starts
/// the appeal period, at whose end the judgment takes effect (`procedure_service`).
pub const JUDGMENT: &str = "judgment";

/// What the clerk asked to serve.
pub struct ServeRequest {
    /// A notice code (`NoticeKind::code`) or `upload`.
    pub kind: String,
    pub party_ids: Vec<i64>,
    /// 传票: the hearing's date (YYYY-MM-DD), time (HH:MM) and place.
    pub hearing_date: String,
    pub hearing_time: String,
    pub hearing_place: String,
    /// An uploaded PDF and its title.
    pub upload: Option<Vec<u8>>,
    pub upload_title: String,
    pub request_key: String,
}

/// How a serve request ended.
#[derive(Debug, PartialEq, Eq)]
pub enum ServeOutcome {
    /// Served now: how many recipients electronically, how many left for post / in person.
    Served { electronic: usize, offline: usize },
    /// This request was carried out before (double tap, replay): nothing more was done.
    Already,
}

/// What the clerk records for post / in-person service.
pub struct OfflineOutcome {
    /// `signed` or `failed`.
    pub outcome: String,
    /// The day it was signed for, or the day it failed (YYYY-MM-DD).
    pub date: String,
    pub note: String,
}

fn invalid(lang: Lang, pair: (&'static str, &'static str)) -> AppError {
    AppError::Invalid(t(lang, pair).into())
}

/// The outcome of a post / in-person service was recorded already (perhaps by a colleague).
fn already_recorded(lang: Lang) -> AppError {
    Refusal::OutcomeRecorded.in_lang(lang)
}

fn record_not_found(lang: Lang) -> AppError {
    AppError::NotFound(
        t(
            lang,
            ("没有找到这份送达记录，或者您无权查看。", "No such service record among those you may see."),
        )
        .into(),
    )
}

fn case_not_found(lang: Lang) -> AppError {
    AppError::NotFound(
        t(lang, ("没有找到这个案件，或者您无权查看。", "No such case among those you may see.")).into(),
    )
}

/// Who is looking at a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Viewer {
    Recipient,
    Staff,
}

fn side_label(side: &str, lang: Lang) -> String {
    match side {
        "plaintiff" => t(lang, ("原告", "Plaintiff")),
        "defendant" => t(lang, ("被告", "Defendant")),
        _ => t(lang, ("第三人", "Third party")),
    }
    .to_string()
}

fn status_label(status: &str, lang: Lang) -> String {
    match status {
        "sent" => t(lang, ("已发送，尚未生效", "Sent, not yet effective")),
        "delivered" => t(lang, ("已送达", "Delivered")),
        "read" => t(lang, ("已阅读", "Read")),
        "offline" => t(lang, ("待邮寄或直接送达", "To serve by post or in person")),
        "served" => t(lang, ("已签收", "Signed for")),
        _ => t(lang, ("送达未成功", "Service failed")),
    }
    .to_string()
}

fn channel_of(code: Option<&str>) -> Option<Channel> {
    code.and_then(Channel::from_code)
}

/// The consent in force from a person's records (the newest), as the rule sees it.
fn consent_from(rows: &[store::service::ConsentRow]) -> Consent {
    rows.first()
        .map(|r| Consent {
            given: r.given,
            inbox: r.inbox,
            sms_phone: r.sms_phone.clone().unwrap_or_default(),
            email: r.email.clone().unwrap_or_default(),
        })
        .unwrap_or_default()
}

fn consent_line(r: &store::service::ConsentRow, lang: Lang) -> String {
    let when = format_shanghai(r.recorded_at, lang);
    if !r.given {
        return format!("{when} {}", t(lang, ("撤回电子送达同意", "withdrew consent to electronic service")));
    }
    let mut places = Vec::new();
    if r.inbox {
        places.push(Channel::Inbox.label(lang).to_string());
    }
    if let Some(p) = r.sms_phone.as_deref().filter(|p| !p.is_empty()) {
        places.push(format!("{} {}", Channel::Sms.label(lang), rules::mask_phone(p)));
    }
    if let Some(e) = r.email.as_deref().filter(|e| !e.is_empty()) {
        places.push(format!("{} {e}", t(lang, ("电子邮箱", "E-mail"))));
    }
    let source = if r.source == "filing" { t(lang, ("（立案时）", " (when filing)")) } else { "" };
    format!(
        "{when} {}{source}：{}",
        t(lang, ("同意电子送达", "consented to electronic service")),
        places.join("、")
    )
}

/// The deliveries of a record, as the rule of art. 31 reads them.
fn deliveries(r: &RecordRow) -> Vec<Delivery> {
    let mut out = Vec::new();
    if r.method == "electronic" {
        if r.inbox {
            out.push(Delivery {
                channel: Channel::Inbox,
                designated: r.inbox_designated,
                arrived_at: r.arrived_at,
                read_at: r.read_at,
                confirmed_at: None,
                signed_at: None,
            });
        }
        if r.sms_phone.is_some() {
            out.push(Delivery {
                channel: Channel::Sms,
                designated: r.sms_designated,
                arrived_at: r.sms_arrived_at,
                read_at: None,
                confirmed_at: None,
                signed_at: None,
            });
        }
    } else {
        out.push(Delivery {
            channel: channel_of(Some(r.method.as_str())).unwrap_or(Channel::Post),
            designated: false,
            arrived_at: None,
            read_at: None,
            confirmed_at: None,
            signed_at: r.signed_at,
        });
    }
    out
}

fn record_view(r: &RecordRow, lang: Lang) -> ServiceRecordView {
    let method = match r.method.as_str() {
        "electronic" => t(lang, ("电子送达", "Electronic")).to_string(),
        "in_person" => Channel::InPerson.label(lang).to_string(),
        _ => t(lang, ("邮寄或直接送达", "Post or in person")).to_string(),
    };
    let effective = match (r.effective_at, r.effective_rule.as_deref().and_then(EffectiveRule::from_code)) {
        (Some(at), Some(rule)) => Some(format!("{} — {}", format_shanghai(at, lang), rule.explain(lang))),
        _ => None,
    };
    ServiceRecordView {
        id: r.id,
        case_id: r.case_id,
        case_number: r.case_number.clone().unwrap_or_default(),
        court: lang.pick(&r.court_zh, &r.court_en).to_string(),
        title: r.title.clone(),
        recipient: r.recipient_name.clone(),
        method,
        address: r.address.clone(),
        status: r.status.clone(),
        status_label: status_label(&r.status, lang),
        sent_at: format_shanghai(r.sent_at, lang),
        arrived_at: r.arrived_at.or(r.sms_arrived_at).map(|at| format_shanghai(at, lang)),
        read_at: r.read_at.map(|at| format_shanghai(at, lang)),
        signed_at: r.signed_at.map(|at| CivilDate::from_unix_shanghai(at).format(lang)),
        effective,
        fallback_reason: r.fallback_reason.clone(),
        outcome_note: r.outcome_note.clone(),
        sha256: r.sha256.clone(),
        offline_pending: r.status == "offline",
    }
}

/// The log entry of one event of a record (canonical JSON: the struct's field order).
fn entry(
    r: &EntryFacts<'_>,
    event: EventKind,
    channel: Channel,
    at: i64,
    effective: Option<Effective>,
    note: Option<&str>,
) -> String {
    let e = ServiceEvent {
        v: ENTRY_VERSION,
        event,
        record: r.record_id,
        court: r.court.to_string(),
        case_number: r.case_number.to_string(),
        document: r.document.to_string(),
        document_sha256: r.sha256.to_string(),
        recipient: r.recipient.to_string(),
        address: r.address.to_string(),
        channel,
        at,
        effective: effective.map(|e| LoggedEffect { at: e.at, rule: e.rule, channel: e.channel }),
        note: note.map(str::to_string),
    };
    serde_json::to_string(&e).expect("a service event always serialises")
}

/// What every entry of a record repeats.
struct EntryFacts<'a> {
    record_id: i64,
    court: &'a str,
    case_number: &'a str,
    document: &'a str,
    sha256: &'a str,
    recipient: &'a str,
    address: &'a str,
}

fn facts_of(r: &RecordRow) -> EntryFacts<'_> {
    EntryFacts {
        record_id: r.id,
        court: &r.court_zh,
        case_number: r.case_number.as_deref().unwrap_or(""),
        document: &r.title,
        sha256: &r.sha256,
        recipient: &r.recipient_name,
        address: &r.address,
    }
}

/// One document made and about to be served: its kind (a notice's code, or `upload`), title,
/// bytes, recipients, and the request key that makes serving it happen once.
struct ToServe<'a> {
    kind_code: &'static str,
    title: String,
    bytes: Vec<u8>,
    recipients: Vec<&'a store::service::RecipientRow>,
    request_key: String,
}

/// The plan for one recipient, before the records exist.
struct Plan {
    record: store::service::NewRecord,
    channel: Channel,
    effective: Option<Effective>,
    /// The number the SMS alert goes to.
    alert_to: Option<String>,
}

impl Services {
    /// Staff of a court who serve documents: clerks, judges, the admin.
    fn server_staff<'a>(&self, caller: &'a Caller) -> Result<(&'a Me, i64), AppError> {
        let me = self.require_me(caller)?;
        match (me.role, me.court_id) {
            (Role::Clerk | Role::Judge | Role::Admin, Some(court)) => Ok((me, court)),
            _ => Err(Refusal::StaffOnly.in_lang(caller.lang)),
        }
    }

    /// A case of the caller's court (staff), or "not found".
    async fn staff_case(
        &self,
        caller: &Caller,
        case_id: i64,
    ) -> Result<(i64, store::cases::CaseRow), AppError> {
        let lang = caller.lang;
        let (me, court) = self.server_staff(caller)?;
        let case = store::cases::case_by_id(&self.db, case_id).await.map_err(internal(lang))?;
        match case {
            Some(c) if c.court_id == court => Ok((me.id, c)),
            _ => Err(case_not_found(lang)),
        }
    }

    /// A record the caller may see: its recipient, or staff of its court. Anyone else: "not
    /// found", the same answer as a record that does not exist.
    pub async fn service_record(&self, caller: &Caller, id: i64) -> Result<(RecordRow, Viewer), AppError> {
        let lang = caller.lang;
        let me = self.require_me(caller)?;
        let row = store::service::record(&self.db, id)
            .await
            .map_err(internal(lang))?
            .ok_or_else(|| record_not_found(lang))?;
        if row.recipient_user_id == Some(me.id) && row.method == "electronic" {
            return Ok((row, Viewer::Recipient));
        }
        if me.role.is_staff() && me.court_id == Some(row.court_id) {
            return Ok((row, Viewer::Staff));
        }
        Err(record_not_found(lang))
    }

    // ---- consent ------------------------------------------------------------------------

    pub async fn consent_of(&self, caller: &Caller) -> Result<ConsentView, AppError> {
        let lang = caller.lang;
        let me = self.require_me(caller)?;
        let rows = store::service::consents(&self.db, me.id).await.map_err(internal(lang))?;
        let user = store::people::user_by_id(&self.db, me.id).await.map_err(internal(lang))?;
        let c = consent_from(&rows);
        Ok(ConsentView {
            given: c.given,
            inbox: c.inbox || rows.is_empty(),
            sms_phone: c.sms_phone,
            email: c.email,
            own_phone: user.map(|u| u.phone).unwrap_or_default(),
            history: rows.iter().map(|r| consent_line(r, lang)).collect(),
        })
    }

    /// Records consent (with the designated addresses) or its withdrawal, dated.
    pub async fn set_consent(
        &self,
        caller: &Caller,
        given: bool,
        inbox: bool,
        sms_phone: &str,
        email: &str,
        source: &str,
    ) -> Result<(), AppError> {
        let lang = caller.lang;
        let me = self.require_me(caller)?;
        let c = checked_consent(given, inbox, sms_phone, email, lang)?;
        store::service::record_consent(&self.db, c.record(me.id, source, self.now()))
            .await
            .map_err(internal(lang))
    }

    // ---- the clerk's side ---------------------------------------------------------------

    pub async fn case_service_of(&self, caller: &Caller, case_id: i64) -> Result<CaseServiceView, AppError> {
        let lang = caller.lang;
        let (_, case) = self.staff_case(caller, case_id).await?;
        let mut recipients = Vec::new();
        for p in store::service::recipients(&self.db, case_id).await.map_err(internal(lang))? {
            let (electronic, consent) = match p.user_id {
                None => (
                    false,
                    t(
                        lang,
                        ("没有掌上法庭账号：需邮寄或直接送达", "No Pocket Court account: post or in person"),
                    )
                    .to_string(),
                ),
                Some(uid) => {
                    let rows = store::service::consents(&self.db, uid).await.map_err(internal(lang))?;
                    let c = consent_from(&rows);
                    match rows.first() {
                        Some(r) if c.allows_electronic() => (true, consent_line(r, lang)),
                        Some(r) => (false, consent_line(r, lang)),
                        None => (
                            false,
                            t(
                                lang,
                                (
                                    "未同意电子送达：需邮寄或直接送达",
                                    "No consent to electronic service: post or in person",
                                ),
                            )
                            .to_string(),
                        ),
                    }
                }
            };
            recipients.push(RecipientView {
                party_id: p.party_id,
                side: side_label(&p.side, lang),
                name: p.name,
                electronic,
                consent,
            });
        }
        let records = store::service::records_of_case(&self.db, case_id).await.map_err(internal(lang))?;
        let kinds = NoticeKind::ALL.iter().map(|k| (k.code().to_string(), k.title().to_string())).collect();
        Ok(CaseServiceView {
            case_id,
            case_number: case.case_number.clone().unwrap_or_default(),
            cause: app::rules::filing::cause_label(case.cause, lang).to_string(),
            recipients,
            records: records.iter().map(|r| record_view(r, lang)).collect(),
            kinds,
            request_key: crate::adapters::crypto::random_token(),
        })
    }

    /// Serves a document on the chosen parties of a case: each with consent electronically (to
    /// the inbox, with an SMS alert carrying a check code), each without by post or in person
    /// (marked, with the reason). One request key serves once.
    pub async fn serve(
        &self,
        caller: &Caller,
        case_id: i64,
        req: ServeRequest,
    ) -> Result<ServeOutcome, AppError> {
        let lang = caller.lang;
        let (me_id, case) = self.staff_case(caller, case_id).await?;
        let Some(case_number) = case.case_number.clone() else {
            return Err(Refusal::NoNumber.in_lang(lang));
        };
        if req.request_key.len() < 16 || req.request_key.len() > 128 {
            return Err(Refusal::Stale.in_lang(lang));
        }
        if req.party_ids.is_empty() {
            return Err(Refusal::Recipients.in_lang(lang));
        }
        let parties = store::service::recipients(&self.db, case_id).await.map_err(internal(lang))?;
        let mut chosen = Vec::new();
        for id in &req.party_ids {
            match parties.iter().find(|p| p.party_id == *id) {
                Some(p) if !chosen.iter().any(|c: &&store::service::RecipientRow| c.party_id == *id) => {
                    chosen.push(p)
                }
                Some(_) => {}
                None => return Err(Refusal::NotParty.in_lang(lang)),
            }
        }
        // The documents: the uploaded PDF once for everyone, or a notice made from the case
        // for each recipient (addressed to them, as their side of the case needs: an 应诉通知书
        // goes to a defendant, a 受理通知书 to a plaintiff). All are made before any is served.
        let mut documents: Vec<ToServe<'_>> = Vec::new();
        if req.kind == "upload" || req.kind == JUDGMENT {
            let judgment = req.kind == JUDGMENT;
            if judgment
                && case.outcome.as_deref() != Some(crate::services::fees::CaseOutcome::Judgment.code())
            {
                return Err(Refusal::NotJudged.in_lang(lang));
            }
            let bytes = req.upload.clone().ok_or_else(|| Refusal::PdfMissing.in_lang(lang))?;
            if bytes.is_empty() || !bytes.starts_with(b"%PDF-") {
                return Err(Refusal::NotPdf.in_lang(lang));
            }
            if bytes.len() > MAX_UPLOAD_BYTES {
                return Err(Refusal::TooLarge.in_lang(lang));
            }
            let title = match req.upload_title.trim() {
                "" if judgment => "民事判决书",
                title => title,
            };
            if title.chars().count() < 2 || title.chars().count() > 60 {
                return Err(Refusal::Title.in_lang(lang));
            }
            documents.push(ToServe {
                kind_code: if judgment { JUDGMENT } else { "upload" },
                title: title.to_string(),
                bytes,
                recipients: chosen.clone(),
                request_key: req.request_key.clone(),
            });
        } else {
            let kind = NoticeKind::parse(&req.kind).ok_or_else(|| Refusal::DocumentKind.in_lang(lang))?;
            let font = self.pdf_font(lang)?;
            let due_fen = self.account_of(case_id, lang).await?.due_fen;
            for p in &chosen {
                let facts = notice_facts(&case, &parties, p, due_fen, &req, lang, self.now())?;
                let doc = crate::services::notices::notice(kind, &facts).map_err(|e| {
                    tracing::info!(error = %e, "a notice could not be made");
                    match e {
                        crate::services::notices::NoticeError::WrongRecipient { .. } => {
                            Refusal::WrongRecipient.in_lang(lang)
                        }
                        _ => Refusal::Notice.in_lang(lang),
                    }
                })?;
                let pdf = crate::adapters::pdf::render(&font, &doc);
                let key = format!("{}:{}", req.request_key, p.party_id);
                documents.push(ToServe {
                    kind_code: kind.code(),
                    title: kind.title().into(),
                    bytes: pdf,
                    recipients: vec![*p],
                    request_key: key,
                });
            }
        }

        let (mut electronic, mut offline, mut again) = (0, 0, 0);
        for doc in &documents {
            match self.serve_one(me_id, &case, &case_number, doc, lang).await? {
                None => again += 1,
                Some((e, o)) => {
                    electronic += e;
                    offline += o;
                }
            }
        }
        if again == documents.len() {
            return Ok(ServeOutcome::Already);
        }
        Ok(ServeOutcome::Served { electronic, offline })
    }

    /// Serves one document on its recipients: stores its bytes, writes the document, the
    /// records and their log entries in one transaction, then sends the SMS alerts. `None`
    /// when this request key was served before.
    async fn serve_one(
        &self,
        me_id: i64,
        case: &store::cases::CaseRow,
        case_number: &str,
        doc: &ToServe<'_>,
        lang: Lang,
    ) -> Result<Option<(usize, usize)>, AppError> {
        let ToServe { kind_code, title, bytes, recipients, request_key } = doc;
        let (kind_code, title, request_key) = (*kind_code, title.as_str(), request_key.as_str());
        let sha256 = crate::adapters::crypto::sha256_hex(bytes);
        self.store_document(&sha256, bytes, lang).await?;
        let at = self.now();
        let mut plans = Vec::new();
        for p in recipients {
            plans.push(self.plan(p, at, lang).await?);
        }
        let court = case.court_name_zh.clone();
        let served = store::service::serve(
            &self.db,
            store::service::NewDocument {
                case_id: case.id,
                court_id: case.court_id,
                kind: kind_code,
                title,
                sha256: &sha256,
                size_bytes: bytes.len() as i64,
                served_by: me_id,
                request_key,
                now: at,
            },
            &plans.iter().map(|p| p.record.clone()).collect::<Vec<_>>(),
            |record_id, i| {
                let plan = &plans[i];
                let f = EntryFacts {
                    record_id,
                    court: &court,
                    case_number,
                    document: title,
                    sha256: &sha256,
                    recipient: &plan.record.recipient_name,
                    address: &plan.record.address,
                };
                if plan.record.method == "electronic" {
                    vec![
                        entry(&f, EventKind::Sent, plan.channel, at, None, None),
                        entry(&f, EventKind::Arrived, Channel::Inbox, at, plan.effective, None),
                    ]
                } else {
                    vec![entry(
                        &f,
                        EventKind::Fallback,
                        plan.channel,
                        at,
                        None,
                        plan.record.fallback_reason.as_deref(),
                    )]
                }
            },
        )
        .await
        .map_err(internal(lang))?;
        let record_ids = match served {
            store::service::Served::Already { .. } => return Ok(None),
            store::service::Served::New { record_ids, .. } => record_ids,
        };
        let mut electronic = 0;
        for (plan, record_id) in plans.iter().zip(&record_ids) {
            if plan.record.method != "electronic" {
                continue;
            }
            electronic += 1;
            if let Some(e) = plan.effective {
                self.after_effect(case.id, kind_code, e.at).await;
            }
            if let Some(phone) = &plan.alert_to {
                self.alert(*record_id, phone, case, case_number, title).await;
            }
        }
        Ok(Some((electronic, record_ids.len() - electronic)))
    }

    /// What a service taking effect moves on the case: an 应诉通知书 starts the answer
    /// period, a judgment served on every party starts the appeal period.
    async fn after_effect(&self, case_id: i64, kind: &str, at: i64) {
        if kind == NoticeKind::Answer.code() {
            self.mark_served(case_id, at).await;
        } else if kind == JUDGMENT {
            self.judgment_service_changed(case_id).await;
        }
    }

    /// The case reaches 送达被告 when the 应诉通知书 takes effect on a defendant: the answer
    /// period (CPL art. 128) runs from then (the timeline's deadline comes from the rules).
    async fn mark_served(&self, case_id: i64, at: i64) {
        if let Err(e) = store::cases::insert_event_once(
            &self.db,
            case_id,
            app::rules::lifecycle::Stage::Served.code(),
            at,
        )
        .await
        {
            tracing::error!(error = %e, "recording the served event");
        }
    }

    /// The SMS alert (在线诉讼规则 art. 32) with the link and the check code; when the number is
    /// a designated address and the gateway confirms delivery, the arrival is logged (and may
    /// make the service effective, art. 31).
    async fn alert(
        &self,
        record_id: i64,
        phone: &str,
        case: &store::cases::CaseRow,
        case_number: &str,
        title: &str,
    ) {
        let text = format!(
            "【{}】您有一份法院文书《{title}》（{case_number}）已送达掌上法庭，请登录查看：{}/service/{record_id} 。",
            case.court_name_zh,
            self.public_base()
        );
        let sms = crate::adapters::sms::Outgoing {
            phone,
            text: &text,
            secret: None,
            purpose: "service",
            case_id: Some(case.id),
            court_id: Some(case.court_id),
            now: self.now(),
        };
        match crate::adapters::sms::send(&self.db, self.sms.as_ref(), sms).await {
            Ok(sent) if sent.delivered => {
                if let Err(e) = self.sms_arrived(record_id).await {
                    tracing::error!(error = %e, "recording SMS arrival");
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "service SMS alert not sent"),
        }
    }

    async fn sms_arrived(&self, record_id: i64) -> Result<(), sqlx::Error> {
        let Some(r) = store::service::record(&self.db, record_id).await? else { return Ok(()) };
        let at = self.now();
        let mut after = r.clone();
        after.sms_arrived_at = Some(at);
        let newly = new_effect(&r, &after);
        let f = facts_of(&r);
        let entries = vec![entry(&f, EventKind::SmsArrived, Channel::Sms, at, newly, None)];
        let changed = store::service::change(
            &self.db,
            effect_change(
                record_id,
                "sms_arrived_at = $2",
                "sms_arrived_at IS NULL",
                vec![Some(at)],
                newly,
                entries,
                at,
            ),
        )
        .await?;
        if let (true, Some(e)) = (changed, newly) {
            self.after_effect(r.case_id, &r.kind, e.at).await;
        }
        Ok(())
    }

    /// How one recipient is served: electronically with consent (to the inbox; the SMS alert to
    /// the designated number, else to the account's own), else by post with the reason.
    async fn plan(&self, p: &store::service::RecipientRow, at: i64, lang: Lang) -> Result<Plan, AppError> {
        let offline = |reason: String| Plan {
            record: store::service::NewRecord {
                party_id: p.party_id,
                recipient_user_id: p.user_id,
                recipient_name: p.name.clone(),
                method: "post",
                inbox: false,
                inbox_designated: false,
                sms_phone: None,
                sms_designated: false,
                // The receipt names the address on file (卷宗), which the clerk posts to.
                address: "邮寄或直接送达（地址以卷宗为准）".to_string(),
                status: "offline",
                fallback_reason: Some(reason),
                arrived_at: None,
                effective_at: None,
                effective_rule: None,
                effective_channel: None,
            },
            channel: Channel::Post,
            effective: None,
            alert_to: None,
        };
        let Some(uid) = p.user_id else {
            return Ok(offline("受送达人没有掌上法庭账号，不能电子送达".into()));
        };
        let rows = store::service::consents(&self.db, uid).await.map_err(internal(lang))?;
        let consent = consent_from(&rows);
        if !consent.allows_electronic() {
            let reason = if rows.first().is_some_and(|r| !r.given) {
                "受送达人已撤回电子送达同意（《人民法院在线诉讼规则》第二十九条）"
            } else {
                "受送达人未同意电子送达（《人民法院在线诉讼规则》第二十九条）"
            };
            return Ok(offline(reason.into()));
        }
        let sms_designated = !consent.sms_phone.is_empty();
        let alert_to = if sms_designated { Some(consent.sms_phone.clone()) } else { p.phone.clone() };
        let mut places = vec![Channel::Inbox.label(Lang::Zh).to_string()];
        if let Some(n) = &alert_to {
            places.push(format!(
                "短信 {}{}",
                rules::mask_phone(n),
                if sms_designated { "（指定地址）" } else { "（提醒）" }
            ));
        }
        let inbox = Delivery {
            channel: Channel::Inbox,
            designated: consent.inbox,
            arrived_at: Some(at),
            read_at: None,
            confirmed_at: None,
            signed_at: None,
        };
        let effective = rules::effective(&[inbox]);
        Ok(Plan {
            record: store::service::NewRecord {
                party_id: p.party_id,
                recipient_user_id: Some(uid),
                recipient_name: p.name.clone(),
                method: "electronic",
                inbox: true,
                inbox_designated: consent.inbox,
                sms_phone: alert_to.clone(),
                sms_designated,
                address: places.join("；"),
                status: "delivered",
                fallback_reason: None,
                arrived_at: Some(at),
                effective_at: effective.map(|e| e.at),
                effective_rule: effective.map(|e| e.rule.code()),
                effective_channel: effective.map(|e| e.channel.code()),
            },
            channel: Channel::Inbox,
            effective,
            alert_to,
        })
    }

    /// Keeps a document's bytes (once per content, like evidence).
    pub(super) async fn store_document(
        &self,
        sha256: &str,
        bytes: &[u8],
        lang: Lang,
    ) -> Result<(), AppError> {
        let fail = |e: std::io::Error| {
            tracing::error!(error = %e, "storing a served document");
            unavailable(lang)
        };
        let tmp = self
            .data_dir
            .join("uploads")
            .join(format!("served-{}.pdf", crate::adapters::crypto::random_token()));
        let path = tmp.clone();
        let data = bytes.to_vec();
        crate::adapters::blob_store::blocking(move || {
            if let Some(dir) = path.parent() {
                crate::adapters::blob_store::create_dir_durably(dir)?;
            }
            crate::adapters::blob_store::write_durably(&path, &data)
        })
        .await
        .map_err(fail)?;
        let stored = self.uploads.blobs.put(sha256, &tmp).await.map_err(fail);
        let _ = tokio::fs::remove_file(&tmp).await;
        let stored = stored?;
        store::uploads::insert_blob(
            &self.db,
            &store::uploads::NewBlob {
                sha256,
                size: bytes.len() as i64,
                content_type: "application/pdf",
                stored_path: &stored.stored_path,
                now: self.now(),
            },
        )
        .await
        .map_err(internal(lang))
    }

    // ---- the recipient's side -----------------------------------------------------------

    pub async fn inbox_of(&self, caller: &Caller) -> Result<Vec<ServiceRecordView>, AppError> {
        let lang = caller.lang;
        let me = self.require_me(caller)?;
        let rows = store::service::inbox(&self.db, me.id).await.map_err(internal(lang))?;
        Ok(rows.iter().map(|r| record_view(r, lang)).collect())
    }

    /// The document's bytes. The recipient's first opening is recorded as read (art. 31), and
    /// may be what makes the service effective.
    pub async fn open_served(
        &self,
        caller: &Caller,
        id: i64,
    ) -> Result<crate::adapters::blob_store::Blob, AppError> {
        let lang = caller.lang;
        let (row, _) = self.service_record(caller, id).await?;
        let blob = self.uploads.blobs.open(&row.sha256).await.map_err(|e| {
            tracing::error!(error = %e, "opening a served document");
            unavailable(lang)
        })?;
        blob.ok_or_else(|| unavailable(lang))
    }

    /// The recipient opens a served document on our own page (a same-origin POST: the doors'
    /// origin check refuses one from another site, and a mere link — a GET, which anyone can
    /// make a browser follow — records nothing). The first time, it is recorded as read, once;
    /// reading can make a service effective (在线诉讼规则 art. 31), so it must be the
    /// recipient's own act. Staff opening it record nothing.
    pub async fn mark_read(&self, caller: &Caller, id: i64) -> Result<(), AppError> {
        let lang = caller.lang;
        let (row, viewer) = self.service_record(caller, id).await?;
        if viewer == Viewer::Recipient && row.read_at.is_none() {
            let at = self.now();
            let mut after = row.clone();
            after.read_at = Some(at);
            let newly = new_effect(&row, &after);
            let entries = vec![entry(&facts_of(&row), EventKind::Read, Channel::Inbox, at, newly, None)];
            let change = effect_change(
                id,
                "read_at = $2, status = 'read'",
                "read_at IS NULL",
                vec![Some(at)],
                newly,
                entries,
                at,
            );
            if store::service::change(&self.db, change).await.map_err(internal(lang))? {
                if let Some(e) = newly {
                    self.after_effect(row.case_id, &row.kind, e.at).await;
                }
            }
        }
        Ok(())
    }

    /// The receipt with its proofs, for the recipient and the court's staff.
    pub async fn receipt_of(
        &self,
        caller: &Caller,
        id: i64,
    ) -> Result<(RecordRow, ServiceReceipt), AppError> {
        let lang = caller.lang;
        let (row, _) = self.service_record(caller, id).await?;
        let receipt = self.log.receipt(&self.db, id).await.map_err(|e| {
            tracing::error!(error = %e, "making a receipt");
            unavailable(lang)
        })?;
        Ok((row, receipt))
    }

    pub async fn receipt_page_of(&self, caller: &Caller, id: i64) -> Result<ReceiptPageView, AppError> {
        let lang = caller.lang;
        let (row, receipt) = self.receipt_of(caller, id).await?;
        let server_check =
            verify_service_receipt(&receipt, self.log.public_key()).err().map(|e| e.message(lang));
        let viewer_is_recipient = caller.me.as_ref().map(|m| m.id) == row.recipient_user_id;
        Ok(ReceiptPageView {
            record: record_view(&row, lang),
            receipt,
            court_key: app::log::hex::encode(self.log.public_key()),
            key_id: self.log.key_id().to_string(),
            server_check,
            viewer_is_recipient,
        })
    }

    /// The receipt as a PDF (送达回证), for printing and filing.
    pub async fn receipt_pdf_of(&self, caller: &Caller, id: i64) -> Result<Vec<u8>, AppError> {
        let lang = caller.lang;
        let (row, receipt) = self.receipt_of(caller, id).await?;
        let view = record_view(&row, Lang::Zh);
        let head = receipt.events.first().map(|e| e.head.clone());
        let effective =
            row.effective_at.map(|at| CivilDate::from_unix_shanghai(at).format(Lang::Zh)).unwrap_or_default();
        let rule = row
            .effective_rule
            .as_deref()
            .and_then(EffectiveRule::from_code)
            .map(|r| r.explain(Lang::Zh).to_string());
        let facts = crate::services::notices::ReceiptFacts {
            court_name: row.court_zh.clone(),
            document_title: view.title.clone(),
            case_number: view.case_number.clone(),
            recipient: view.recipient.clone(),
            address: view.address.clone(),
            method: view.method.clone(),
            sent_at: view.sent_at.clone(),
            arrived_at: view.arrived_at.clone().unwrap_or_default(),
            read_at: view.read_at.clone().or(view.signed_at.clone()).unwrap_or_default(),
            sha256_hex: row.sha256.clone(),
            effective_on: if effective.is_empty() { "尚未生效".into() } else { effective },
            effective_rule: rule.unwrap_or_default(),
            log_index: receipt.events.first().map(|e| e.leaf_index).unwrap_or(0),
            tree_size: head.as_ref().map(|h| h.head.size).unwrap_or(0),
            root_hash_hex: head.as_ref().map(|h| app::log::hex::encode(&h.head.root)).unwrap_or_default(),
            signature_hex: head.as_ref().map(|h| app::log::hex::encode(&h.signature)).unwrap_or_default(),
            key_fingerprint: self.log.key_id().to_string(),
        };
        let font = self.pdf_font(lang)?;
        Ok(crate::adapters::pdf::render(&font, &crate::services::notices::receipt_document(&facts)))
    }

    // ---- post / in person ---------------------------------------------------------------

    pub async fn record_offline(&self, caller: &Caller, id: i64, o: OfflineOutcome) -> Result<(), AppError> {
        let lang = caller.lang;
        let (row, viewer) = self.service_record(caller, id).await?;
        if viewer != Viewer::Staff {
            return Err(record_not_found(lang));
        }
        self.server_staff(caller)?;
        if row.status != "offline" {
            return Err(already_recorded(lang));
        }
        let date = CivilDate::parse(o.date.trim()).ok_or_else(|| Refusal::Date.in_lang(lang))?;
        let at = start_of_day_shanghai(date);
        if end_of_day_shanghai(date) < row.sent_at || at > self.now() {
            return Err(Refusal::DateRange.in_lang(lang));
        }
        let note = o.note.trim();
        let f = facts_of(&row);
        match o.outcome.as_str() {
            "signed" | "signed_in_person" => {
                let channel = if o.outcome == "signed" { Channel::Post } else { Channel::InPerson };
                let effective = Some(Effective { at, rule: EffectiveRule::SignedFor, channel });
                let entries = vec![entry(
                    &f,
                    EventKind::SignedFor,
                    channel,
                    at,
                    effective,
                    Some(note).filter(|n| !n.is_empty()),
                )];
                let change = store::service::Change {
                    record_id: id,
                    set: "signed_at = $2, effective_at = $3, status = 'served', effective_rule = $4, \
                          effective_channel = $5, method = $6, outcome_note = $7"
                        .into(),
                    condition: "status = 'offline'",
                    binds: vec![Some(at), Some(at)],
                    texts: vec![
                        Some(EffectiveRule::SignedFor.code().into()),
                        Some(channel.code().into()),
                        Some(if channel == Channel::Post { "post" } else { "in_person" }.into()),
                        Some(note.to_string()).filter(|n| !n.is_empty()),
                    ],
                    entries,
                    now: self.now(),
                };
                if !store::service::change(&self.db, change).await.map_err(internal(lang))? {
                    return Err(already_recorded(lang));
                }
                self.after_effect(row.case_id, &row.kind, at).await;
            }
            "failed" => {
                if note.chars().count() < 2 {
                    return Err(Refusal::FailureReason.in_lang(lang));
                }
                let entries = vec![entry(&f, EventKind::OfflineFailed, Channel::Post, at, None, Some(note))];
                let change = store::service::Change {
                    record_id: id,
                    set: "status = 'failed', outcome_note = $2".into(),
                    condition: "status = 'offline'",
                    binds: vec![],
                    texts: vec![Some(note.to_string())],
                    entries,
                    now: self.now(),
                };
                if !store::service::change(&self.db, change).await.map_err(internal(lang))? {
                    return Err(already_recorded(lang));
                }
            }
            _ => return Err(Refusal::ServiceOutcome.in_lang(lang)),
        }
        Ok(())
    }

    // ---- public -------------------------------------------------------------------------

    /// The public check of an SMS code: whether this court sent a message with it, when, and
    /// about which case. Wrong codes count against the caller's address.
    pub async fn check_code_of(&self, caller: &Caller, input: &str) -> Result<CheckedMessage, AppError> {
        let lang = caller.lang;
        let ip = caller.rate_key();
        let at = self.now();
        if store::people::failures_from(&self.db, &ip, "check_code", at - 3600)
            .await
            .map_err(internal(lang))?
            >= CHECK_FAILURES_PER_HOUR
        {
            return Err(AppError::RateLimited(
                t(lang, ("查验次数太多，请一小时后再试。", "Too many checks; try again in an hour.")).into(),
            ));
        }
        let not_ours = || {
            AppError::NotFound(
                t(lang, (
                    "查无此码：这不是本院掌上法庭发出的短信。请不要点击短信里的链接，不要转账；如有疑问，请拨打法院公开的电话核实。",
                    "No such code: this is not a message from this court's Pocket Court. Do not open its links or send money; if in doubt, call the court's published number.",
                ))
                .into(),
            )
        };
        let Some(code) = rules::normalise_check_code(input) else {
            store::people::record_failure(&self.db, &ip, None, "check_code", at)
                .await
                .map_err(internal(lang))?;
            return Err(invalid(
                lang,
                (
                    "查验码是8位字母和数字，在短信的末尾。",
                    "A check code is 8 letters and digits, at the end of the message.",
                ),
            ));
        };
        let Some(m) = store::sms::by_check_code(&self.db, &code).await.map_err(internal(lang))? else {
            store::people::record_failure(&self.db, &ip, None, "check_code", at)
                .await
                .map_err(internal(lang))?;
            return Err(not_ours());
        };
        let what = match m.purpose.as_str() {
            "sign_in" => t(lang, ("掌上法庭登录验证码", "A Pocket Court sign-in code")),
            "service" => t(lang, ("法院文书送达提醒", "Notice that a court document was served")),
            "filing" => t(lang, ("立案进度通知", "News of a filing")),
            _ => t(lang, ("法院通知", "A court notice")),
        };
        Ok(CheckedMessage {
            court: match lang {
                Lang::Zh => m.court_zh,
                Lang::En => m.court_en,
            }
            .unwrap_or_else(|| t(lang, ("掌上法庭", "Pocket Court")).into()),
            case_number: m.case_number,
            sent_at: format_shanghai(m.created_at, lang),
            what: what.into(),
            to_masked: rules::mask_phone(&m.phone),
        })
    }

    // ---- figures ------------------------------------------------------------------------

    pub async fn service_figures_of(
        &self,
        caller: &Caller,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<ServiceFiguresView, AppError> {
        let lang = caller.lang;
        let me = self.require_me(caller)?;
        let Some(court) = me.court_id.filter(|_| me.role.is_staff()) else {
            return Err(AppError::Forbidden(
                t(lang, ("只有法院工作人员可以查看送达统计。", "Only court staff see service figures."))
                    .into(),
            ));
        };
        let today = CivilDate::from_unix_shanghai(self.now());
        let parse = |s: Option<&str>, default: CivilDate| match s.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(default),
            Some(s) => CivilDate::parse(s)
                .ok_or_else(|| invalid(lang, ("日期格式应为 2026-11-25。", "Dates look like 2026-11-25."))),
        };
        let from = parse(from, today.add_days(-29))?;
        let to = parse(to, today)?;
        if to < from {
            return Err(invalid(
                lang,
                ("结束日期不能早于开始日期。", "The end date cannot be before the start date."),
            ));
        }
        let f = store::service::figures(
            &self.db,
            court,
            start_of_day_shanghai(from),
            end_of_day_shanghai(to) + 1,
        )
        .await
        .map_err(internal(lang))?;
        Ok(ServiceFiguresView {
            from: from.to_string(),
            to: to.to_string(),
            documents: f.documents,
            electronic: f.electronic,
            delivered: f.delivered,
            read: f.read,
            effective: f.effective_electronic,
            success_permille: (f.electronic > 0).then(|| f.effective_electronic * 1000 / f.electronic),
            offline: f.offline,
            offline_served: f.offline_served,
            failed: f.failed,
        })
    }
}

/// The facts a notice to `recipient` is made from: the case, its parties, the fee due and
/// (传票) the hearing the clerk typed.
fn notice_facts(
    case: &store::cases::CaseRow,
    parties: &[store::service::RecipientRow],
    recipient: &store::service::RecipientRow,
    due_fen: i64,
    req: &ServeRequest,
    lang: Lang,
    now: i64,
) -> Result<NoticeFacts, AppError> {
    let recipient_role = match recipient.side.as_str() {
        "plaintiff" => crate::services::notices::PartyRole::Plaintiff,
        "defendant" => crate::services::notices::PartyRole::Defendant,
        _ => return Err(Refusal::WrongRecipient.in_lang(lang)),
    };
    let names =
        |side: &str| parties.iter().filter(|p| p.side == side).map(|p| p.name.clone()).collect::<Vec<_>>();
    let hearing = if req.kind == NoticeKind::Summons.code() {
        let date =
            CivilDate::parse(req.hearing_date.trim()).ok_or_else(|| Refusal::HearingDate.in_lang(lang))?;
        let (h, m) = req
            .hearing_time
            .trim()
            .split_once(':')
            .and_then(|(h, m)| Some((h.parse::<i64>().ok()?, m.parse::<i64>().ok()?)))
            .filter(|(h, m)| (0..24).contains(h) && (0..60).contains(m))
            .ok_or_else(|| Refusal::HearingTime.in_lang(lang))?;
        let starts = start_of_day_shanghai(date) + h * 3600 + m * 60;
        if starts <= now {
            return Err(Refusal::HearingPast.in_lang(lang));
        }
        let place = req.hearing_place.trim();
        if place.chars().count() < 2 {
            return Err(Refusal::HearingPlace.in_lang(lang));
        }
        Some(crate::services::notices::Hearing {
            starts_at_utc_secs: starts,
            place: place.to_string(),
            online: false,
        })
    } else {
        None
    };
    Ok(NoticeFacts {
        court_name: case.court_name_zh.clone(),
        court_address: String::new(),
        court_phone: case.clerk_phone.clone().unwrap_or_default(),
        case_number: case.case_number.clone().unwrap_or_default(),
        // A court document names the cause in Chinese, whatever the reader's language.
        cause: app::rules::filing::cause_label(case.cause, Lang::Zh).to_string(),
        plaintiffs: names("plaintiff"),
        defendants: names("defendant"),
        recipient_name: recipient.name.clone(),
        recipient_role,
        recipient_domiciled_in_china: !(recipient_role == crate::services::notices::PartyRole::Defendant
            && case.defendant_abroad),
        issued_on: CivilDate::from_unix_shanghai(now),
        judge: case.judge_name.clone(),
        clerk: case.clerk_name.clone().map(|name| crate::services::notices::Clerk {
            name,
            phone: case.clerk_phone.clone().unwrap_or_default(),
        }),
        fee_due_fen: Some(due_fen).filter(|d| *d > 0),
        fee_basis: None,
        query_code: Some(case.query_code.clone()),
        hearing,
    })
}

/// The effect a change makes, if the record was not yet effective and now is.
fn new_effect(before: &RecordRow, after: &RecordRow) -> Option<Effective> {
    if before.effective_at.is_some() {
        return None;
    }
    rules::effective(&deliveries(after))
}

/// A change that sets one time column and, if it made the service effective, the effect.
fn effect_change(
    record_id: i64,
    set: &'static str,
    condition: &'static str,
    mut binds: Vec<Option<i64>>,
    effect: Option<Effective>,
    entries: Vec<String>,
    now: i64,
) -> store::service::Change<'static> {
    let mut texts = Vec::new();
    let set = match effect {
        None => set.to_string(),
        Some(e) => {
            let n = binds.len() + 2;
            binds.push(Some(e.at));
            texts.push(Some(e.rule.code().to_string()));
            texts.push(Some(e.channel.code().to_string()));
            format!("{set}, effective_at = ${n}, effective_rule = ${}, effective_channel = ${}", n + 1, n + 2)
        }
    };
    store::service::Change { record_id, set, condition, binds, texts, entries, now }
}

/// A consent to electronic service as given, checked (在线诉讼规则 art. 29: an address to serve
/// at when consenting): the mobile number parsed, the e-mail checked, at least one address.
pub struct CheckedConsent {
    pub given: bool,
    pub inbox: bool,
    pub sms_phone: Option<String>,
    pub email: Option<String>,
}

impl CheckedConsent {
    pub fn record<'a>(&'a self, user_id: i64, source: &'a str, now: i64) -> store::service::NewConsent<'a> {
        store::service::NewConsent {
            user_id,
            given: self.given,
            inbox: self.given && self.inbox,
            sms_phone: self.sms_phone.as_deref().filter(|_| self.given),
            email: self.email.as_deref().filter(|_| self.given),
            source,
            now,
        }
    }
}

pub fn checked_consent(
    given: bool,
    inbox: bool,
    sms_phone: &str,
    email: &str,
    lang: Lang,
) -> Result<CheckedConsent, AppError> {
    let (sms_phone, email) = (sms_phone.trim(), email.trim());
    let sms = if sms_phone.is_empty() {
        None
    } else {
        Some(Mobile::parse(sms_phone).map_err(|_| Refusal::ConsentPhone.in_lang(lang))?.as_str().to_string())
    };
    if !email.is_empty() && app::rules::filing::check_email(email, lang).is_some() {
        return Err(Refusal::ConsentEmail.in_lang(lang));
    }
    if given && !inbox && sms.is_none() {
        return Err(Refusal::ConsentAddress.in_lang(lang));
    }
    Ok(CheckedConsent { given, inbox, sms_phone: sms, email: (!email.is_empty()).then(|| email.to_string()) })
}
