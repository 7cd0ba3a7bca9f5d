//! Online mediation before filing (诉前调解, DOMAIN-2 §1): the request, the mediator's
//! acceptance, the other side's answer, the agreement's versions, signing with an identity
//! check and a drawn signature, declining, ending, and the window for judicial confirmation.
//!
//! Access: a matter is seen by its parties (by account, or by the phone number the applicant
//! gave until the invited person answers), its mediator, and the staff of its court; anyone
//! else is told "not found" — the same as for a matter that does not exist.

use super::{internal, Services};
use crate::adapters::blob_store;
use crate::adapters::crypto;
use crate::store;
use crate::store::mediation::{Matter, Signed};
use app::api::port::Caller;
use app::api::types::*;
use app::api::{AppError, Refusal};
use app::i18n::t;
use app::log::mediation::{ActKind, MediationAct, ACT_VERSION};
use app::rules::case_number::{CaseNumber, CaseType};
use app::rules::dates::{end_of_day_shanghai, format_shanghai, CivilDate};
use app::rules::filing::{check_name, Cause};
use app::rules::holidays;
use app::rules::ids::Mobile;
use app::rules::mediation::{self as rules, EndGround, MediationKind};
use app::rules::Lang;

/// What a person asks for when they ask for mediation before filing (OMR art. 8).
#[derive(Clone, Debug, Default)]
pub struct MediationRequest {
    pub court_code: String,
    pub cause: String,
    pub respondent_name: String,
    pub respondent_phone: String,
    pub summary: String,
    /// 送达地址确认书: where the applicant receives papers.
    pub address: String,
    /// The 虚假调解 warning read and acknowledged (OMR art. 17).
    pub warned: bool,
    /// A mediator chosen from the court's roster (the user id as typed), or empty: the court
    /// designates one (OMR art. 10).
    pub mediator: String,
}

/// A signature as the signing form sends it.
#[derive(Clone, Debug, Default)]
pub struct SignRequest {
    pub version: i64,
    pub sha256: String,
    pub request_id: String,
    pub code: String,
    /// The drawn signature, a PNG; `None` when the page had no drawing pad (no JavaScript):
    /// then the identity check and the explicit confirmation are the signature (OLR art. 33).
    pub image: Option<Vec<u8>>,
    /// The pad was there (the page woke up): a drawing is then required.
    pub pad: bool,
    pub confirmed: bool,
    pub device: String,
}

const SUMMARY_MIN_CHARS: usize = 10;
const SUMMARY_MAX_CHARS: usize = 2000;
const NOTE_MAX_CHARS: usize = 2000;
/// A drawn signature's PNG, at most (the pad's canvas at phone resolution is far below).
pub const SIGNATURE_MAX_BYTES: usize = 150 * 1024;

impl Services {
    /// Who the caller is in `matter`, or "not found" for anyone who may not see it.
    fn mediation_role(
        &self,
        caller: &Caller,
        me_phone: &str,
        matter: &Matter,
    ) -> Result<MediationRole, AppError> {
        let lang = caller.lang;
        let me = self.require_me(caller)?;
        if me.role.is_staff() {
            if me.court_id != Some(matter.m.court_id) {
                return Err(mediation_not_found(lang));
            }
            return Ok(if matter.m.mediator_id == Some(me.id) {
                MediationRole::Mediator
            } else {
                MediationRole::CourtStaff
            });
        }
        let mine = matter
            .parties
            .iter()
            .find(|p| p.user_id == Some(me.id) || (p.user_id.is_none() && p.phone == me_phone));
        match mine.map(|p| p.side.as_str()) {
            Some("applicant") => Ok(MediationRole::Applicant),
            Some(_) => Ok(MediationRole::Respondent),
            None => Err(mediation_not_found(lang)),
        }
    }

    async fn my_phone(&self, caller: &Caller) -> Result<String, AppError> {
        let lang = caller.lang;
        let me = self.require_me(caller)?;
        Ok(store::people::user_by_id(&self.db, me.id)
            .await
            .map_err(internal(lang))?
            .map(|u| u.phone)
            .unwrap_or_default())
    }

    /// Loads a matter the caller may see, with the caller's role in it.
    pub(super) async fn visible_mediation(
        &self,
        caller: &Caller,
        id: i64,
    ) -> Result<(Matter, MediationRole, String), AppError> {
        let lang = caller.lang;
        let phone = self.my_phone(caller).await?;
        let matter = store::mediation::matter(&self.db, id)
            .await
            .map_err(internal(lang))?
            .ok_or_else(|| mediation_not_found(lang))?;
        let role = self.mediation_role(caller, &phone, &matter)?;
        Ok((matter, role, phone))
    }

    /// A litigant asks for mediation before filing: a 民诉前调 matter with its number.
    pub async fn request_mediation(
        &self,
        caller: &Caller,
        r: &MediationRequest,
    ) -> Result<(i64, String), AppError> {
        let lang = caller.lang;
        let me = self.require_me(caller)?;
        if me.role.is_staff() {
            return Err(Refusal::MediationLitigantsOnly.in_lang(lang));
        }
        let Some(my_name) = me.name.clone().filter(|n| !n.trim().is_empty()) else {
            return Err(Refusal::MediationNameFirst.in_lang(lang));
        };
        let courts = store::filings::courts(&self.db).await.map_err(internal(lang))?;
        let Some((court_code, court_name, _)) = courts.into_iter().find(|c| c.0 == r.court_code) else {
            return Err(Refusal::MediationCourt.in_lang(lang));
        };
        let Some(cause) = Cause::from_code(&r.cause) else {
            return Err(Refusal::MediationCause.in_lang(lang));
        };
        let name = r.respondent_name.trim();
        if name.is_empty() {
            return Err(Refusal::MediationRespondent.in_lang(lang));
        }
        if let Some(problem) = check_name(name, lang) {
            return Err(Refusal::MediationRespondent.with_message(problem));
        }
        let phone = Mobile::parse(&r.respondent_phone)
            .map_err(|e| Refusal::BadNumber.with_message(e.message(lang)))?;
        let my_phone = self.my_phone(caller).await?;
        if phone.as_str() == my_phone {
            return Err(Refusal::MediationSelf.in_lang(lang));
        }
        let summary = r.summary.trim();
        if summary.chars().count() < SUMMARY_MIN_CHARS || summary.chars().count() > SUMMARY_MAX_CHARS {
            return Err(Refusal::MediationSummary.in_lang(lang));
        }
        let address = r.address.trim();
        if address.chars().count() < 5 {
            return Err(Refusal::MediationAddress.in_lang(lang));
        }
        if !r.warned {
            return Err(Refusal::MediationWarning.in_lang(lang));
        }
        let court_id = store::people::court_id_by_code(&self.db, &court_code)
            .await
            .map_err(internal(lang))?
            .ok_or_else(|| Refusal::MediationCourt.in_lang(lang))?;
        let chosen = match r.mediator.trim() {
            "" => None,
            typed => {
                let roster = store::mediation::roster(&self.db).await.map_err(internal(lang))?;
                let found = typed
                    .parse::<i64>()
                    .ok()
                    .and_then(|id| roster.into_iter().find(|p| p.user_id == id && p.court_id == court_id));
                Some(found.ok_or_else(|| Refusal::MediationMediator.in_lang(lang))?)
            }
        };
        let now = self.now();
        let year = CivilDate::from_unix_shanghai(now).year();
        let (id, number) = store::mediation::create(
            &self.db,
            store::mediation::NewMediation {
                court_id,
                year,
                cause: cause.code(),
                summary,
                applicant: store::mediation::NewParty {
                    name: &my_name,
                    phone: &my_phone,
                    user_id: Some(me.id),
                    address: Some(address),
                    warned_at: Some(now),
                },
                respondent: store::mediation::NewParty {
                    name,
                    phone: phone.as_str(),
                    user_id: None,
                    address: None,
                    warned_at: None,
                },
                chosen_mediator_id: chosen.as_ref().map(|p| p.user_id),
                now,
            },
            |seq| {
                CaseNumber::new(year as u16, &court_code, CaseType::PreLitigationMediation, seq as u32)
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            },
        )
        .await
        .map_err(internal(lang))?;
        tracing::info!(mediation = id, court = %court_name, "pre-filing mediation requested");
        if let Some(p) = &chosen {
            let text = format!(
                "【{court_name}】{my_name}申请诉前调解（{number}），选择由您主持。请在3个工作日内登录调解工作台接受，或写明理由不接受。"
            );
            self.mediation_sms(&p.phone, court_id, &text).await;
        }
        Ok((id, number))
    }

    /// The matters the caller is a party to, newest first.
    pub async fn my_mediations(&self, caller: &Caller) -> Result<Vec<MediationSummary>, AppError> {
        let lang = caller.lang;
        let me = self.require_me(caller)?;
        let phone = self.my_phone(caller).await?;
        let rows = store::mediation::of_person(&self.db, me.id, &phone).await.map_err(internal(lang))?;
        let mut out = Vec::with_capacity(rows.len());
        for m in rows {
            let Some(matter) = store::mediation::matter(&self.db, m.id).await.map_err(internal(lang))? else {
                continue;
            };
            let role = self.mediation_role(caller, &phone, &matter)?;
            out.push(self.summary(caller, &matter, role, &phone));
        }
        Ok(out)
    }

    /// A mediator's workbench: the court's waiting matters and the mediator's own.
    pub async fn mediation_queue(&self, caller: &Caller) -> Result<Vec<MediationSummary>, AppError> {
        let lang = caller.lang;
        let me = self.require_me(caller)?;
        let Some(court) = me.court_id.filter(|_| me.role.is_staff()) else {
            return Err(Refusal::MediatorOnly.in_lang(lang));
        };
        let rows = store::mediation::queue(&self.db, court, me.id).await.map_err(internal(lang))?;
        let mut out = Vec::with_capacity(rows.len());
        for m in rows {
            let Some(matter) = store::mediation::matter(&self.db, m.id).await.map_err(internal(lang))? else {
                continue;
            };
            let role = self.mediation_role(caller, "", &matter)?;
            out.push(self.summary(caller, &matter, role, ""));
        }
        Ok(out)
    }

    fn summary(
        &self,
        caller: &Caller,
        matter: &Matter,
        role: MediationRole,
        my_phone: &str,
    ) -> MediationSummary {
        let lang = caller.lang;
        let m = &matter.m;
        let state = MediationState::parse(&m.state);
        let me = caller.me.as_ref().map_or(0, |me| me.id);
        let for_me = match (state, role) {
            (MediationState::Requested, MediationRole::CourtStaff) if is_mediator(caller) => {
                match m.chosen_mediator_id {
                    Some(c) if c == me => Some(t(
                        lang,
                        ("申请人选择了您：请接受或说明理由", "You were chosen: accept or give reasons"),
                    )),
                    Some(_) if !self.choice_lapsed(m) => None,
                    _ => Some(t(lang, ("等待接受", "To accept"))),
                }
            }
            (MediationState::Inviting, MediationRole::Applicant | MediationRole::Respondent)
                if matter.parties.iter().any(|p| p.answer == "pending" && mine(p, me, my_phone)) =>
            {
                Some(t(lang, ("请答复是否同意调解", "Please answer the invitation")))
            }
            (MediationState::Mediating, _)
                if m.version > 0 && must_sign(matter, role, me) && !signed(matter, me) =>
            {
                Some(t(lang, ("协议等您签名", "The agreement waits for your signature")))
            }
            (MediationState::Issued, _)
                if matter.parties.iter().any(|p| p.user_id == Some(me) && p.received_at.is_none()) =>
            {
                Some(t(lang, ("调解书等您签收", "The statement waits for you to sign for it")))
            }
            (MediationState::Effective, MediationRole::Mediator) if m.case_id.is_some() => {
                Some(t(lang, ("请出具调解书", "Issue the mediation statement")))
            }
            _ => None,
        };
        MediationSummary {
            id: m.id,
            number: m.number.clone(),
            cause: cause_label(&m.cause, lang),
            state,
            state_label: state.label(lang).to_string(),
            parties: matter.parties.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(" · "),
            requested: format_shanghai(m.requested_at, lang),
            for_me: for_me.map(str::to_string),
            due: self.clock_of(matter, lang).0.map(|d| format!("{} {}", d.label, d.due_date)),
        }
    }

    /// The 3 working days a chosen mediator has to answer (OMR art. 12) are over.
    fn choice_lapsed(&self, m: &store::mediation::MediationRow) -> bool {
        rules::step_due(CivilDate::from_unix_shanghai(m.requested_at), &holidays::state_council())
            .is_ok_and(|day| self.now() >= end_of_day_shanghai(day))
    }

    /// The clock that runs now: a 3-working-day step (OMR arts. 10, 12, 15) or the mediation
    /// period (art. 24); with a note when the year's holidays are not entered.
    fn clock_of(&self, matter: &Matter, lang: Lang) -> (Option<DeadlineView>, Option<String>) {
        let m = &matter.m;
        let now = self.now();
        let calendar = holidays::state_council();
        let step = |from: i64, label: (&'static str, &'static str), source: &str| match rules::step_due(
            CivilDate::from_unix_shanghai(from),
            &calendar,
        ) {
            Ok(day) => (Some(DeadlineView::new(t(lang, label), day, source, lang, now)), None),
            Err(e) => (None, Some(e.message(lang))),
        };
        match MediationState::parse(&m.state) {
            MediationState::Requested => step(
                m.requested_at,
                ("法院安排调解员并由调解员接受", "A mediator to be assigned and accept"),
                "在线调解规则 第10条、第12条（3个工作日）",
            ),
            // In a case, every party is asked by the judge; the period starts once all consent.
            MediationState::Inviting if m.case_id.is_some() => (None, None),
            MediationState::Inviting => step(
                m.accepted_at.unwrap_or(m.requested_at),
                ("征询对方是否同意调解", "The other side to be asked"),
                "在线调解规则 第15条（3个工作日）",
            ),
            MediationState::Mediating => {
                let accepted = CivilDate::from_unix_shanghai(m.accepted_at.unwrap_or(m.requested_at));
                let kind = kind_of(m);
                let end = rules::period_end(kind, accepted, extension_of(m));
                let source = match m.extension_days {
                    0 => kind.period_source().to_string(),
                    n => format!("{}；各方同意延长{n}日", kind.period_source()),
                };
                (
                    Some(DeadlineView::new(
                        t(lang, ("调解期限", "Mediation period")),
                        end,
                        &source,
                        lang,
                        now,
                    )),
                    None,
                )
            }
            _ => (None, None),
        }
    }

    /// One matter, as the caller may see it.
    pub async fn mediation_page(&self, caller: &Caller, id: i64) -> Result<MediationView, AppError> {
        let lang = caller.lang;
        let (matter, role, phone) = self.visible_mediation(caller, id).await?;
        let me = caller.me.as_ref().map_or(0, |me| me.id);
        let m = &matter.m;
        let state = MediationState::parse(&m.state);
        let staff = matches!(role, MediationRole::Mediator | MediationRole::CourtStaff);
        let (deadline_now, calendar_note) = self.clock_of(&matter, lang);
        let agreement = matter.versions.last().map(|v| {
            let current: Vec<_> = matter
                .signatures
                .iter()
                .filter(|s| s.version == v.version && s.voided_at.is_none())
                .collect();
            let my_voided = matter
                .signatures
                .iter()
                .rev()
                .find(|s| s.user_id == me && s.voided_at.is_some())
                .map(|s| s.version);
            let since = my_voided.or_else(|| (v.version > 1).then_some(v.version - 1));
            let changes = since
                .and_then(|n| matter.versions.iter().find(|x| x.version == n))
                .map(|old| rules::diff_clauses(&old.clauses, &v.clauses))
                .unwrap_or_default();
            let signers = signers(&matter)
                .into_iter()
                .map(|(user, name, role_label)| SignerView {
                    signed_at: current
                        .iter()
                        .find(|s| s.user_id == user)
                        .map(|s| format_shanghai(s.signed_at, lang)),
                    is_me: user == me,
                    name,
                    role: t(lang, role_label).to_string(),
                })
                .collect();
            let i_signed = current.iter().any(|s| s.user_id == me);
            AgreementView {
                version: v.version,
                sha256: v.sha256.clone(),
                clauses: v.clauses.clone(),
                drafted: format_shanghai(v.created_at, lang),
                since_version: since.filter(|_| !changes.is_empty()),
                changes,
                signers,
                my_signature_voided: my_voided.is_some() && !i_signed,
                i_signed,
                may_sign: state == MediationState::Mediating && must_sign(&matter, role, me) && !i_signed,
            }
        });
        let ledger = matter
            .signatures
            .iter()
            .map(|s| SignatureLine {
                id: s.id,
                version: s.version,
                name: s.user_name.clone().unwrap_or_default(),
                role: role_label(m.case_id.is_some(), &s.role, lang).to_string(),
                sha256: s.sha256.clone(),
                signed_at: format_shanghai(s.signed_at, lang),
                identity_check: s.identity_check.clone(),
                device: if staff { s.device.clone() } else { String::new() },
                drawn: s.image_sha256.is_some(),
                voided: s.voided_at.is_some(),
                receipt: s.log_index.map(|n| receipt_href(m.id, n)),
            })
            .collect();
        let calendar = holidays::state_council();
        let window = m.effective_at.filter(|_| m.case_id.is_none()).map(|at| {
            let (day, _) = rules::confirmation_window_end(CivilDate::from_unix_shanghai(at), &calendar);
            DeadlineView::new(
                t(lang, ("双方共同申请司法确认", "Joint application for judicial confirmation")),
                day,
                "民事诉讼法 第205条；人民调解法 第33条（30日）",
                lang,
                self.now(),
            )
            .moved_past_holidays(true)
        });
        let ended = (state == MediationState::Ended).then(|| {
            let ground = m.end_ground.as_deref().and_then(EndGround::from_code).unwrap_or(EndGround::Other);
            let label = match lang {
                Lang::Zh => format!("{}（在线调解规则第25条第{}项）", ground.label(lang), ground.item()),
                Lang::En => format!("{} (OMR art. 25({}))", ground.label(lang), ground.item()),
            };
            (label, m.end_note.clone().unwrap_or_default())
        });
        let events = matter
            .events
            .iter()
            .map(|e| {
                (format_shanghai(e.at, lang), event_text(&e.kind, e.user_name.as_deref(), &e.note, lang))
            })
            .collect();
        let may_edit = role == MediationRole::Mediator && state == MediationState::Mediating;
        let (confirmation, may_apply, window_lapsed) = self.confirmation_part(caller, &matter, role).await?;
        let sessions = self.session_views(m.id, lang).await?;
        let open_for_sessions = matches!(state, MediationState::Inviting | MediationState::Mediating);
        Ok(MediationView {
            id: m.id,
            number: m.number.clone(),
            court: match lang {
                Lang::Zh => m.court_name_zh.clone(),
                Lang::En => m.court_name_en.clone(),
            },
            cause: cause_label(&m.cause, lang),
            summary: m.summary.clone(),
            state,
            state_label: state.label(lang).to_string(),
            my_role: role,
            mediator: m.mediator_name.clone().map(|n| (n, m.mediator_phone.clone().unwrap_or_default())),
            parties: matter
                .parties
                .iter()
                .map(|p| MediationPartyView {
                    name: p.name.clone(),
                    side: side_label(m.case_id.is_some(), &p.side, lang).to_string(),
                    answer: answer_label(&p.answer, lang).to_string(),
                    is_me: mine(p, me, &phone),
                })
                .collect(),
            deadline: deadline_now,
            calendar_note,
            invited: state == MediationState::Inviting
                && matches!(role, MediationRole::Applicant | MediationRole::Respondent)
                && matter.parties.iter().any(|p| p.answer == "pending" && mine(p, me, &phone)),
            agreement,
            ledger,
            effective_at: m.effective_at.map(|at| format_shanghai(at, lang)),
            agreement_pdf: in_force(state).then(|| format!("/mediations/{}/agreement.pdf", m.id)),
            window,
            ended,
            events,
            end_grounds: if may_edit || (role == MediationRole::Mediator && state == MediationState::Inviting)
            {
                EndGround::ALL
                    .into_iter()
                    .filter(|g| g.chosen_by_mediator())
                    .map(|g| (g.code().to_string(), g.label(lang).to_string()))
                    .collect()
            } else {
                Vec::new()
            },
            may_accept: state == MediationState::Requested
                && role == MediationRole::CourtStaff
                && is_mediator(caller)
                && m.chosen_mediator_id.is_none_or(|c| c == me || self.choice_lapsed(m)),
            may_edit,
            confirmation,
            may_apply,
            window_lapsed,
            case_id: m.case_id,
            may_issue: role == MediationRole::Mediator
                && m.case_id.is_some()
                && state == MediationState::Effective,
            statement: m.statement_at.map(|at| StatementView {
                issued_at: format_shanghai(at, lang),
                pdf: format!("/mediations/{}/statement.pdf", m.id),
                receipts: matter
                    .parties
                    .iter()
                    .map(|p| StatementReceipt {
                        name: p.name.clone(),
                        at: p.received_at.map(|r| format_shanghai(r, lang)),
                        receipt: p.receive_log_index.map(|n| receipt_href(m.id, n)),
                    })
                    .collect(),
                may_receive: state == MediationState::Issued
                    && matter.parties.iter().any(|p| p.user_id == Some(me) && p.received_at.is_none()),
                in_force_at: m.concluded_at.map(|c| format_shanghai(c, lang)),
            }),
            may_back_out: m.case_id.is_some()
                && matches!(
                    state,
                    MediationState::Inviting
                        | MediationState::Mediating
                        | MediationState::Effective
                        | MediationState::Issued
                )
                && matter.parties.iter().any(|p| mine(p, me, &phone) && p.received_at.is_none()),
            extension: m.proposed_days.filter(|_| state == MediationState::Mediating).map(|days| {
                ExtensionView {
                    days,
                    reason: m.proposed_reason.clone().unwrap_or_default(),
                    answers: matter
                        .parties
                        .iter()
                        .map(|p| {
                            let answer = match p.extension_answer.as_deref() {
                                Some("agreed") => t(lang, ("同意", "Agreed")),
                                _ => t(lang, ("尚未答复", "Not answered yet")),
                            };
                            (p.name.clone(), answer.to_string())
                        })
                        .collect(),
                    may_answer: matches!(role, MediationRole::Applicant | MediationRole::Respondent)
                        && matter.parties.iter().any(|p| mine(p, me, &phone) && p.extension_answer.is_none()),
                }
            }),
            may_propose_extension: may_edit && m.proposed_days.is_none() && !self.period_over(m),
            chosen_mediator: m.chosen_mediator_name.clone().filter(|_| state == MediationState::Requested),
            may_decline_choice: state == MediationState::Requested
                && is_mediator(caller)
                && m.chosen_mediator_id == Some(me),
            sessions,
            meeting_service: self
                .meeting_base
                .clone()
                .filter(|_| role == MediationRole::Mediator && open_for_sessions),
        })
    }

    /// A mediator of the matter's court accepts it; the invited side is told by SMS.
    pub async fn accept_mediation(&self, caller: &Caller, id: i64) -> Result<(), AppError> {
        let lang = caller.lang;
        let (matter, _, _) = self.visible_mediation(caller, id).await?;
        if !is_mediator(caller) {
            return Err(Refusal::MediatorOnly.in_lang(lang));
        }
        let me = self.require_me(caller)?;
        let now = self.now();
        // Chosen by the applicant for another mediator: theirs until they answer or the 3
        // working days of OMR art. 12 pass (not counted past the holiday table: then only
        // the chosen one's decline frees it).
        let choice_lapsed = match matter.m.chosen_mediator_id {
            Some(chosen) if chosen != me.id => {
                if !self.choice_lapsed(&matter.m) {
                    return Err(Refusal::MediationChosenOther.in_lang(lang));
                }
                true
            }
            _ => false,
        };
        if !store::mediation::accept(&self.db, id, matter.m.court_id, me.id, choice_lapsed, now)
            .await
            .map_err(internal(lang))?
        {
            return Err(Refusal::MediationTaken.in_lang(lang));
        }
        let applicant =
            matter.parties.iter().find(|p| p.side == "applicant").map(|p| p.name.clone()).unwrap_or_default();
        for p in matter.parties.iter().filter(|p| p.answer == "pending") {
            let text = format!(
                "【{}】{}申请与您诉前调解（{}），调解员{}。请登录掌上法庭，在“调解”里查看并答复是否同意。",
                matter.m.court_name_zh,
                applicant,
                matter.m.number,
                me.name.clone().unwrap_or_default()
            );
            self.mediation_sms(&p.phone, matter.m.court_id, &text).await;
        }
        Ok(())
    }

    /// The invited side answers: consent (with its address for service and the warning
    /// acknowledged) or refusal, which ends the matter (OMR art. 15).
    pub async fn answer_invitation(
        &self,
        caller: &Caller,
        id: i64,
        consent: bool,
        address: &str,
        warned: bool,
        note: &str,
    ) -> Result<(), AppError> {
        let lang = caller.lang;
        let (matter, role, phone) = self.visible_mediation(caller, id).await?;
        let me = self.require_me(caller)?;
        let party = matter
            .parties
            .iter()
            .find(|p| {
                matches!(role, MediationRole::Applicant | MediationRole::Respondent)
                    && p.answer == "pending"
                    && mine(p, me.id, &phone)
            })
            .ok_or_else(|| Refusal::InvitationAnswered.in_lang(lang))?;
        let address = address.trim();
        // The 送达地址确认书 belongs to pre-filing mediation (OMR art. 17); a docketed case has
        // its addresses for service already.
        let in_case = matter.m.case_id.is_some();
        if consent {
            if !in_case && address.chars().count() < 5 {
                return Err(Refusal::MediationAddress.in_lang(lang));
            }
            if !warned {
                return Err(Refusal::MediationWarning.in_lang(lang));
            }
        }
        let note: String = note.trim().chars().take(NOTE_MAX_CHARS).collect();
        let answered = store::mediation::answer(
            &self.db,
            store::mediation::Answer {
                mediation_id: id,
                party_id: party.id,
                user_id: me.id,
                consent,
                address: (consent && !address.is_empty()).then_some(address),
                note: &note,
                now: self.now(),
            },
        )
        .await
        .map_err(internal(lang))?;
        if !answered {
            return Err(Refusal::InvitationAnswered.in_lang(lang));
        }
        Ok(())
    }

    /// The mediator saves the agreement's text as a new version. Signatures on the version it
    /// replaces are void, and their signers are told by SMS (DOMAIN-2 §1.5).
    pub async fn draft_agreement(
        &self,
        caller: &Caller,
        id: i64,
        based_on: i64,
        text: &str,
    ) -> Result<i64, AppError> {
        let lang = caller.lang;
        let (matter, role, _) = self.visible_mediation(caller, id).await?;
        if role != MediationRole::Mediator {
            return Err(Refusal::MediatorOnly.in_lang(lang));
        }
        if MediationState::parse(&matter.m.state) != MediationState::Mediating {
            return Err(Refusal::MediationClosed.in_lang(lang));
        }
        if self.period_over(&matter.m) {
            return Err(Refusal::MediationExpired.in_lang(lang));
        }
        let clauses = rules::clauses_from_text(text);
        rules::check_agreement(&clauses).map_err(|p| Refusal::AgreementText.with_message(p.message(lang)))?;
        if let Some(current) = matter.versions.last() {
            if current.version == based_on && current.clauses == clauses {
                // Nothing changed: no new version, no signature voided.
                return Ok(based_on);
            }
        }
        let me = self.require_me(caller)?;
        let version = based_on + 1;
        let sha = rules::agreement_sha256(&matter.m.number, version, &clauses);
        let json = serde_json::to_string(&clauses).unwrap_or_else(|_| "[]".into());
        let voided = store::mediation::new_version(
            &self.db,
            store::mediation::NewVersion {
                mediation_id: id,
                based_on,
                clauses_json: &json,
                sha256: &sha,
                author_id: me.id,
                now: self.now(),
            },
        )
        .await
        .map_err(internal(lang))?
        .ok_or_else(|| Refusal::AgreementEdited.in_lang(lang))?;
        for user in voided.into_iter().filter(|u| *u != me.id) {
            if let Ok(Some(u)) = store::people::user_by_id(&self.db, user).await {
                let text = format!(
                    "【{}】调解协议（{}）已修改为第{version}版，您在旧版本上的签名已作废。请登录掌上法庭查看改了什么，再决定是否签名。",
                    matter.m.court_name_zh, matter.m.number
                );
                self.mediation_sms(&u.phone, matter.m.court_id, &text).await;
            }
        }
        Ok(version)
    }

    /// Sends the signing code to the caller's own phone: the identity check before signing.
    pub async fn send_sign_code(&self, caller: &Caller, id: i64) -> Result<CodeSent, AppError> {
        let lang = caller.lang;
        let (matter, role, phone) = self.visible_mediation(caller, id).await?;
        let me = self.require_me(caller)?;
        // The same identity check comes before a party's 签收 of the 调解书 (rule 19).
        if MediationState::parse(&matter.m.state) == MediationState::Issued {
            if !matter.parties.iter().any(|p| p.user_id == Some(me.id) && p.received_at.is_none()) {
                return Err(Refusal::StatementPartiesOnly.in_lang(lang));
            }
            let phone = self.mobile(&phone, lang)?;
            return self.issue_code(caller, &phone, "sign").await;
        }
        if MediationState::parse(&matter.m.state) != MediationState::Mediating || matter.m.version == 0 {
            return Err(Refusal::MediationClosed.in_lang(lang));
        }
        if !must_sign(&matter, role, me.id) {
            return Err(Refusal::NotASigner.in_lang(lang));
        }
        if self.period_over(&matter.m) {
            return Err(Refusal::MediationExpired.in_lang(lang));
        }
        let phone = self.mobile(&phone, lang)?;
        self.issue_code(caller, &phone, "sign").await
    }

    /// Signs the current version: the version and hash the signer saw must be the current
    /// ones, the signing code must be right, the confirmation ticked and — when the page had
    /// its drawing pad — a signature drawn. The last required signature makes it effective.
    pub async fn sign_agreement(
        &self,
        caller: &Caller,
        id: i64,
        s: &SignRequest,
    ) -> Result<Signed, AppError> {
        let lang = caller.lang;
        let (matter, role, phone) = self.visible_mediation(caller, id).await?;
        let me = self.require_me(caller)?;
        if !must_sign(&matter, role, me.id) {
            return Err(Refusal::NotASigner.in_lang(lang));
        }
        match MediationState::parse(&matter.m.state) {
            MediationState::Mediating => {}
            _ => return Err(Refusal::MediationClosed.in_lang(lang)),
        }
        if self.period_over(&matter.m) {
            return Err(Refusal::MediationExpired.in_lang(lang));
        }
        let current = matter.versions.last().ok_or_else(|| Refusal::MediationClosed.in_lang(lang))?;
        if s.version != current.version || s.sha256 != current.sha256 {
            return Err(Refusal::AgreementStale.in_lang(lang));
        }
        if signed(&matter, me.id) {
            return Err(Refusal::AlreadySigned.in_lang(lang));
        }
        if !s.confirmed {
            return Err(Refusal::SignatureConfirm.in_lang(lang));
        }
        let image = match (&s.image, s.pad) {
            (Some(png), _) if !png.is_empty() => {
                if png.len() > SIGNATURE_MAX_BYTES || !png.starts_with(b"\x89PNG\r\n\x1a\n") {
                    return Err(Refusal::SignatureImage.in_lang(lang));
                }
                Some(png.clone())
            }
            (_, true) => return Err(Refusal::SignatureBlank.in_lang(lang)),
            _ => None,
        };
        let check = self.check_identity(caller, &phone, &s.request_id, &s.code).await?;
        let image_sha = match &image {
            Some(png) => Some(self.keep_signature_image(png, lang).await?),
            None => None,
        };
        let signer_role = match role {
            MediationRole::Applicant => "applicant",
            MediationRole::Respondent => "respondent",
            _ => "mediator",
        };
        let who = signers(&matter);
        let required: Vec<i64> = who.iter().map(|(u, _, _)| *u).collect();
        let (signer, side) = who
            .into_iter()
            .find(|(u, _, _)| *u == me.id)
            .map(|(_, name, side)| (name, side.0))
            .unwrap_or_default();
        let device: String = s.device.chars().take(300).collect();
        let ip = caller.ip.to_string();
        let now = self.now();
        let act = MediationAct {
            v: ACT_VERSION,
            act: ActKind::Signed,
            mediation: id,
            court: matter.m.court_name_zh.clone(),
            number: matter.m.number.clone(),
            document: format!("调解协议（第{}版）", current.version),
            document_sha256: current.sha256.clone(),
            signer,
            side: side.into(),
            identity_check: check.clone(),
            image_sha256: image_sha.clone(),
            at: now,
        };
        let outcome = store::mediation::sign(
            &self.db,
            store::mediation::NewSignature {
                mediation_id: id,
                version: current.version,
                user_id: me.id,
                role: signer_role,
                sha256: &current.sha256,
                image_sha256: image_sha.as_deref(),
                device: &device,
                ip: &ip,
                identity_check: &check,
                now,
                log_entry: act.entry(),
            },
            |signed| rules::effective_at(&required, signed),
        )
        .await
        .map_err(internal(lang))?;
        match outcome {
            Signed::Stale => Err(Refusal::AgreementStale.in_lang(lang)),
            Signed::Already => Err(Refusal::AlreadySigned.in_lang(lang)),
            Signed::Effective(at) => {
                let next = if matter.m.case_id.is_some() {
                    "法官将据此出具调解书，出具后请在掌上法庭签收"
                } else {
                    "请在30日内双方共同申请司法确认；请登录掌上法庭查看"
                };
                let text = format!(
                    "【{}】调解协议（{}）各方已全部签名，于{}生效。{next}。",
                    matter.m.court_name_zh,
                    matter.m.number,
                    format_shanghai(at, Lang::Zh)
                );
                self.text_parties(&matter, &text).await;
                Ok(outcome)
            }
            Signed::Recorded => Ok(outcome),
        }
    }

    /// A party declines to sign: the mediation ends under OMR art. 25(7).
    pub async fn decline_agreement(
        &self,
        caller: &Caller,
        id: i64,
        version: i64,
        reason: &str,
    ) -> Result<(), AppError> {
        let lang = caller.lang;
        let (matter, role, _) = self.visible_mediation(caller, id).await?;
        let me = self.require_me(caller)?;
        if !matches!(role, MediationRole::Applicant | MediationRole::Respondent)
            || !must_sign(&matter, role, me.id)
        {
            return Err(Refusal::NotASigner.in_lang(lang));
        }
        if version != matter.m.version {
            return Err(Refusal::AgreementStale.in_lang(lang));
        }
        let reason: String = reason.trim().chars().take(NOTE_MAX_CHARS).collect();
        if reason.chars().count() < 2 {
            return Err(Refusal::DeclineReason.in_lang(lang));
        }
        if MediationState::parse(&matter.m.state) != MediationState::Mediating {
            return Err(Refusal::MediationClosed.in_lang(lang));
        }
        let note = format!("{}：{reason}", me.name.clone().unwrap_or_default());
        let ended = store::mediation::end(
            &self.db,
            id,
            EndGround::RefusedToSign.code(),
            &note,
            Some(me.id),
            self.now(),
        )
        .await
        .map_err(internal(lang))?;
        if !ended {
            return Err(Refusal::MediationClosed.in_lang(lang));
        }
        Ok(())
    }

    /// The mediator ends the matter with a ground of OMR art. 25 and the failure record of
    /// art. 21.
    pub async fn end_mediation(
        &self,
        caller: &Caller,
        id: i64,
        ground: &str,
        note: &str,
    ) -> Result<(), AppError> {
        let lang = caller.lang;
        let (_, role, _) = self.visible_mediation(caller, id).await?;
        if role != MediationRole::Mediator {
            return Err(Refusal::MediatorOnly.in_lang(lang));
        }
        let ground = EndGround::from_code(ground)
            .filter(|g| g.chosen_by_mediator())
            .ok_or_else(|| Refusal::EndGround.in_lang(lang))?;
        let note: String = note.trim().chars().take(NOTE_MAX_CHARS).collect();
        if note.chars().count() < 5 {
            return Err(Refusal::FailureRecord.in_lang(lang));
        }
        let me = self.require_me(caller)?;
        if !store::mediation::end(&self.db, id, ground.code(), &note, Some(me.id), self.now())
            .await
            .map_err(internal(lang))?
        {
            return Err(Refusal::MediationClosed.in_lang(lang));
        }
        Ok(())
    }

    /// The mediator proposes a longer period (OMR art. 24: mediation may run longer when all
    /// parties agree); every party is texted to agree or not on the mediation page.
    pub async fn propose_extension(
        &self,
        caller: &Caller,
        id: i64,
        days: &str,
        reason: &str,
    ) -> Result<(), AppError> {
        let lang = caller.lang;
        let (matter, role, _) = self.visible_mediation(caller, id).await?;
        if role != MediationRole::Mediator {
            return Err(Refusal::MediatorOnly.in_lang(lang));
        }
        if MediationState::parse(&matter.m.state) != MediationState::Mediating {
            return Err(Refusal::MediationClosed.in_lang(lang));
        }
        if self.period_over(&matter.m) {
            return Err(Refusal::MediationExpired.in_lang(lang));
        }
        let days = days
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|d| (1..=rules::EXTENSION_MAX_DAYS).contains(d))
            .ok_or_else(|| Refusal::ExtensionDays.in_lang(lang))?;
        let reason: String = reason.trim().chars().take(NOTE_MAX_CHARS).collect();
        if reason.chars().count() < 2 {
            return Err(Refusal::ExtensionReason.in_lang(lang));
        }
        let me = self.require_me(caller)?;
        if !store::mediation::propose_extension(&self.db, id, i64::from(days), &reason, me.id, self.now())
            .await
            .map_err(internal(lang))?
        {
            return Err(Refusal::ExtensionPending.in_lang(lang));
        }
        let text = format!(
            "【{}】调解（{}）的调解员提议把调解期限延长{days}日，要各方都同意才延长。请登录掌上法庭答复。",
            matter.m.court_name_zh, matter.m.number
        );
        self.text_parties(&matter, &text).await;
        Ok(())
    }

    /// A party agrees to the proposed extension or not; the last agreement lengthens the
    /// period, a refusal drops the proposal (the period ends when it would have).
    pub async fn answer_extension(
        &self,
        caller: &Caller,
        id: i64,
        agree: bool,
    ) -> Result<store::mediation::ExtensionAnswer, AppError> {
        let lang = caller.lang;
        let (matter, role, phone) = self.visible_mediation(caller, id).await?;
        let me = self.require_me(caller)?;
        let party = matter
            .parties
            .iter()
            .find(|p| mine(p, me.id, &phone))
            .filter(|_| matches!(role, MediationRole::Applicant | MediationRole::Respondent))
            .ok_or_else(|| Refusal::NotASigner.in_lang(lang))?;
        let outcome = store::mediation::answer_extension(&self.db, id, party.id, agree, me.id, self.now())
            .await
            .map_err(internal(lang))?;
        if outcome == store::mediation::ExtensionAnswer::NotOpen {
            return Err(Refusal::ExtensionNotOpen.in_lang(lang));
        }
        Ok(outcome)
    }

    /// Whether the mediation period of an accepted matter has run out (OMR art. 24), with the
    /// extensions every party agreed to.
    fn period_over(&self, m: &store::mediation::MediationRow) -> bool {
        let Some(accepted) = m.accepted_at else { return false };
        let end = rules::period_end(kind_of(m), CivilDate::from_unix_shanghai(accepted), extension_of(m));
        self.now() > end_of_day_shanghai(end)
    }

    /// Ends every matter whose period ran out without an agreement (OMR art. 25(6)) and texts
    /// its parties. Runs every minute (`startup`); returns how many ended.
    pub async fn end_expired_mediations(&self) -> usize {
        let now = self.now();
        // Only matters accepted at least the shortest period ago can have run out.
        let shortest = MediationKind::InLitigation { simplified: true };
        let period = i64::from(shortest.period_days()) * 86_400;
        let candidates = match store::mediation::accepted_before(&self.db, now - period).await {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "listing mediations to expire");
                return 0;
            }
        };
        let mut ended = 0;
        for c in candidates {
            let (id, phones) = (c.id, c.phones);
            let kind = MediationKind::from_stored(&c.kind, c.period_days);
            let extension = u32::try_from(c.extension_days).unwrap_or(0);
            let end = rules::period_end(kind, CivilDate::from_unix_shanghai(c.accepted_at), extension);
            if now <= end_of_day_shanghai(end) {
                continue;
            }
            let note = "调解期限届满，双方没有同意延长，也没有签署调解协议。";
            match store::mediation::end(&self.db, id, EndGround::Expired.code(), note, None, now).await {
                Ok(true) => {
                    ended += 1;
                    if let Ok(Some(m)) = store::mediation::get(&self.db, id).await {
                        for phone in phones {
                            let next = if m.case_id.is_some() {
                                "案件继续审理"
                            } else {
                                "您可以登录掌上法庭去立案起诉"
                            };
                            let text = format!(
                                "【{}】调解（{}）的期限已到，没有达成协议，调解结束。{next}。",
                                m.court_name_zh, m.number
                            );
                            self.mediation_sms(&phone, m.court_id, &text).await;
                        }
                    }
                }
                Ok(false) => {}
                Err(e) => tracing::error!(error = %e, mediation = id, "ending an expired mediation"),
            }
        }
        ended
    }

    /// The court's figures over the last 30 days: requests, agreements, failures, the
    /// success rate of those finished and the average days to agreement.
    pub async fn mediation_figures(&self, caller: &Caller) -> Result<MediationFigures, AppError> {
        let lang = caller.lang;
        let me = self.require_me(caller)?;
        let Some(court) = me.court_id.filter(|_| me.role.is_staff()) else {
            return Err(Refusal::MediatorOnly.in_lang(lang));
        };
        let today = CivilDate::from_unix_shanghai(self.now());
        let from = today.add_days(-29);
        let (start, end) = (app::rules::dates::start_of_day_shanghai(from), end_of_day_shanghai(today) + 1);
        let (requested, agreed, failed, avg_days) =
            store::mediation::figures(&self.db, court, start, end).await.map_err(internal(lang))?;
        let confirmed = store::confirmation::confirmed_between(&self.db, court, start, end)
            .await
            .map_err(internal(lang))?;
        let finished = agreed + failed;
        Ok(MediationFigures {
            from: from.format(lang),
            to: today.format(lang),
            requested,
            agreed,
            failed,
            success_rate: (finished > 0).then(|| format!("{:.1}%", agreed as f64 * 100.0 / finished as f64)),
            average_days: avg_days.map(|d| format!("{d:.1}")),
            confirmed,
        })
    }

    /// The agreement in force as a PDF (调解协议书): the parties, the clauses, the text's
    /// SHA-256, and every signature on it — who, in what role, when, how identity was checked
    /// and the drawn name. Made afresh on each request, byte for byte the same each time.
    pub async fn agreement_pdf(&self, caller: &Caller, id: i64) -> Result<Vec<u8>, AppError> {
        let lang = caller.lang;
        let (matter, _, _) = self.visible_mediation(caller, id).await?;
        if !in_force(MediationState::parse(&matter.m.state)) {
            return Err(Refusal::AgreementNotInForce.in_lang(lang));
        }
        let v = matter.versions.last().ok_or_else(|| crate::services::unavailable(lang))?;
        let mut signatures = Vec::new();
        for s in matter.signatures.iter().filter(|s| s.version == v.version && s.voided_at.is_none()) {
            let image = match s.image_sha256.as_deref().and_then(|sha| self.signature_path(sha)) {
                Some(path) => Some(tokio::fs::read(path).await.map_err(|e| {
                    tracing::error!(error = %e, "signature image unreadable");
                    crate::services::unavailable(lang)
                })?),
                None => None,
            };
            signatures.push(crate::services::notices::AgreementSignature {
                name: s.user_name.clone().unwrap_or_default(),
                role: role_label(matter.m.case_id.is_some(), &s.role, Lang::Zh).to_string(),
                signed_at: format_shanghai(s.signed_at, Lang::Zh),
                identity_check: s.identity_check.clone(),
                image,
                log_index: s.log_index,
            });
        }
        let facts = crate::services::notices::AgreementFacts {
            court_name: matter.m.court_name_zh.clone(),
            number: matter.m.number.clone(),
            cause: cause_label(&matter.m.cause, Lang::Zh),
            parties: matter
                .parties
                .iter()
                .map(|p| {
                    (
                        side_label(matter.m.case_id.is_some(), &p.side, Lang::Zh).to_string(),
                        p.name.clone(),
                        p.address.clone().unwrap_or_default(),
                    )
                })
                .collect(),
            mediator: matter.m.mediator_name.clone().unwrap_or_default(),
            version: v.version,
            clauses: v.clauses.clone(),
            sha256: v.sha256.clone(),
            effective_at: matter.m.effective_at.map(|at| format_shanghai(at, Lang::Zh)).unwrap_or_default(),
            signatures,
            in_litigation: matter.m.case_id.is_some(),
        };
        let font = self.pdf_font(lang)?;
        tokio::task::spawn_blocking(move || {
            crate::adapters::pdf::render(&font, &crate::services::notices::agreement_document(&facts))
        })
        .await
        .map_err(|_| crate::services::unavailable(lang))
    }

    /// A drawn signature's image, for those who may see the matter.
    pub async fn signature_image(
        &self,
        caller: &Caller,
        id: i64,
        signature: i64,
    ) -> Result<Vec<u8>, AppError> {
        let lang = caller.lang;
        let (matter, _, _) = self.visible_mediation(caller, id).await?;
        let sha = matter
            .signatures
            .iter()
            .find(|s| s.id == signature)
            .and_then(|s| s.image_sha256.clone())
            .ok_or_else(|| mediation_not_found(lang))?;
        let path = self.signature_path(&sha).ok_or_else(|| mediation_not_found(lang))?;
        tokio::fs::read(path).await.map_err(|e| {
            tracing::error!(error = %e, "signature image unreadable");
            crate::services::unavailable(lang)
        })
    }

    /// The receipt of one act of this mediation in the service log — a signature or a 签收,
    /// by its entry's index — for those who may see the matter; checked on the phone or with
    /// `pocket-court verify-receipt` like a delivery receipt.
    pub async fn mediation_receipt(
        &self,
        caller: &Caller,
        id: i64,
        index: i64,
    ) -> Result<app::log::mediation::MediationReceipt, AppError> {
        let lang = caller.lang;
        let (matter, _, _) = self.visible_mediation(caller, id).await?;
        let ours = matter.signatures.iter().any(|s| s.log_index == Some(index))
            || matter.parties.iter().any(|p| p.receive_log_index == Some(index));
        let index = u64::try_from(index).ok().filter(|_| ours).ok_or_else(|| mediation_not_found(lang))?;
        self.log
            .act_receipt(&self.db, index)
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "making a mediation receipt");
                crate::services::unavailable(lang)
            })?
            .ok_or_else(|| mediation_not_found(lang))
    }

    fn signature_path(&self, sha: &str) -> Option<std::path::PathBuf> {
        let hex = sha.len() == 64 && sha.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        hex.then(|| self.data_dir.join("signatures").join(&sha[..2]).join(format!("{sha}.png")))
    }

    /// Keeps a drawn signature on disk (durably, before the signature row that names it).
    async fn keep_signature_image(&self, png: &[u8], lang: Lang) -> Result<String, AppError> {
        let sha = crypto::sha256_hex(png);
        let path = self.signature_path(&sha).ok_or_else(|| crate::services::unavailable(lang))?;
        let bytes = png.to_vec();
        blob_store::blocking(move || {
            if let Some(dir) = path.parent() {
                blob_store::create_dir_durably(dir)?;
            }
            blob_store::write_durably(&path, &bytes)
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "signature image not stored");
            crate::services::unavailable(lang)
        })?;
        Ok(sha)
    }

    /// The same text to every party of a matter.
    pub(super) async fn text_parties(&self, matter: &Matter, text: &str) {
        for p in &matter.parties {
            self.mediation_sms(&p.phone, matter.m.court_id, text).await;
        }
    }

    pub(super) async fn mediation_sms(&self, phone: &str, court_id: i64, text: &str) {
        let sms = crate::adapters::sms::Outgoing {
            phone,
            text,
            secret: None,
            purpose: "mediation",
            case_id: None,
            court_id: Some(court_id),
            now: self.now(),
        };
        if let Err(e) = crate::adapters::sms::send(&self.db, self.sms.as_ref(), sms).await {
            tracing::warn!(error = %e, "mediation SMS not sent");
        }
    }
}

fn mediation_not_found(lang: Lang) -> AppError {
    AppError::NotFound(
        t(lang, ("没有找到这件调解，或者您无权查看。", "No such mediation among those you may see.")).into(),
    )
}

fn is_mediator(caller: &Caller) -> bool {
    caller.me.as_ref().is_some_and(|m| m.role == Role::Mediator)
}

fn mine(p: &store::mediation::PartyRow, me: i64, my_phone: &str) -> bool {
    p.user_id == Some(me) || (p.user_id.is_none() && !my_phone.is_empty() && p.phone == my_phone)
}

/// Who must sign (OMR art. 19): every party that has answered with an account, and the mediator.
/// Where the receipt of an act of mediation `id` at log entry `index` is downloaded.
fn receipt_href(id: i64, index: i64) -> String {
    format!("/mediations/{id}/receipts/{index}")
}

pub(super) fn signers(matter: &Matter) -> Vec<(i64, String, (&'static str, &'static str))> {
    let mut out: Vec<_> = matter
        .parties
        .iter()
        .filter_map(|p| {
            let label = match (matter.m.case_id.is_some(), p.side == "applicant") {
                (false, true) => ("申请人", "Applicant"),
                (false, false) => ("被申请人", "Respondent"),
                (true, true) => ("原告", "Plaintiff"),
                (true, false) => ("被告", "Defendant"),
            };
            p.user_id.map(|u| (u, p.name.clone(), label))
        })
        .collect();
    if let (Some(id), Some(name)) = (matter.m.mediator_id, matter.m.mediator_name.clone()) {
        let label = if matter.m.case_id.is_some() {
            ("主持调解的法官", "Judge mediating")
        } else {
            ("调解员", "Mediator")
        };
        out.push((id, name, label));
    }
    out
}

fn must_sign(matter: &Matter, role: MediationRole, me: i64) -> bool {
    role != MediationRole::CourtStaff && signers(matter).iter().any(|(u, _, _)| *u == me)
}

fn signed(matter: &Matter, me: i64) -> bool {
    matter
        .signatures
        .iter()
        .any(|s| s.version == matter.m.version && s.user_id == me && s.voided_at.is_none())
}

fn cause_label(code: &str, lang: Lang) -> String {
    app::rules::filing::cause_label(Cause::from_code(code), lang).to_string()
}

/// A party's side: 申请人/被申请人 before filing, 原告/被告 in a case.
fn side_label(in_case: bool, side: &str, lang: Lang) -> &'static str {
    match (in_case, side == "applicant") {
        (false, true) => lang.pick("申请人", "Applicant"),
        (false, false) => lang.pick("被申请人", "Respondent"),
        (true, true) => lang.pick("原告", "Plaintiff"),
        (true, false) => lang.pick("被告", "Defendant"),
    }
}

/// The agreement is in force: signed by all, and in a case also once the 调解书 is out.
fn in_force(state: MediationState) -> bool {
    matches!(state, MediationState::Effective | MediationState::Issued | MediationState::Concluded)
}

/// The matter's kind with the period fixed when it began (OMR art. 24).
fn kind_of(m: &store::mediation::MediationRow) -> MediationKind {
    MediationKind::from_stored(&m.kind, m.period_days)
}

/// The days every party agreed to add (OMR art. 24).
pub(super) fn extension_of(m: &store::mediation::MediationRow) -> u32 {
    u32::try_from(m.extension_days).unwrap_or(0)
}

fn role_label(in_case: bool, role: &str, lang: Lang) -> &'static str {
    match role {
        "applicant" | "respondent" => side_label(in_case, role, lang),
        _ if in_case => lang.pick("主持调解的法官", "Judge mediating"),
        _ => lang.pick("调解员", "Mediator"),
    }
}

fn answer_label(answer: &str, lang: Lang) -> &'static str {
    match answer {
        "consented" => lang.pick("同意调解", "Agreed to mediate"),
        "refused" => lang.pick("拒绝调解", "Refused"),
        _ => lang.pick("尚未答复", "Not answered yet"),
    }
}

fn event_text(kind: &str, who: Option<&str>, note: &str, lang: Lang) -> String {
    let who = who.unwrap_or("");
    match (kind, lang) {
        ("requested", Lang::Zh) => format!("{who}申请诉前调解"),
        ("requested", Lang::En) => format!("{who} asked for mediation"),
        ("accepted", Lang::Zh) => format!("调解员{who}接受调解，开始计算调解期限"),
        ("accepted", Lang::En) => format!("Mediator {who} accepted; the period started"),
        ("session", _) => {
            let at = note.parse::<i64>().map(|at| format_shanghai(at, lang)).unwrap_or_default();
            match lang {
                Lang::Zh => format!("{who}安排视频调解：{at}"),
                Lang::En => format!("{who} set a video session: {at}"),
            }
        }
        ("choice_declined", Lang::Zh) => {
            format!("申请人选择的调解员{who}不能接受，理由：{note}；由法院另行指定")
        }
        ("choice_declined", Lang::En) => {
            format!("The chosen mediator {who} declined: {note}; the court designates another")
        }
        ("consented", Lang::Zh) => format!("{who}同意调解"),
        ("consented", Lang::En) => format!("{who} agreed to mediate"),
        ("refused", Lang::Zh) => format!("{who}拒绝调解"),
        ("refused", Lang::En) => format!("{who} refused to mediate"),
        ("version", Lang::Zh) => format!("{who}拟定调解协议第{note}版"),
        ("version", Lang::En) => format!("{who} drafted version {note}"),
        ("signed", Lang::Zh) => format!("{who}在第{note}版上签名"),
        ("signed", Lang::En) => format!("{who} signed version {note}"),
        ("jc_applied", Lang::Zh) => format!("{who}申请司法确认"),
        ("jc_applied", Lang::En) => format!("{who} applied for judicial confirmation"),
        ("jc_docketed", Lang::Zh) => format!("双方共同申请，司法确认立案（{note}）"),
        ("jc_docketed", Lang::En) => format!("Applied jointly: docketed as {note}"),
        ("jc_withdrawn", Lang::Zh) => format!("{who}撤回司法确认申请"),
        ("jc_withdrawn", Lang::En) => format!("{who} withdrew the application"),
        ("jc_ruled", Lang::Zh) => format!("法官{who}作出裁定"),
        ("jc_ruled", Lang::En) => format!("Judge {who} ruled"),
        ("started", Lang::Zh) => format!("法官{who}在案件审理中组织调解，请各方答复是否同意"),
        ("started", Lang::En) => format!("Judge {who} opened mediation in the case; each party is asked"),
        ("issued", Lang::Zh) => format!("法官{who}出具民事调解书，等待各方签收"),
        ("issued", Lang::En) => format!("Judge {who} issued the mediation statement"),
        ("received", Lang::Zh) => format!("{who}核验身份后签收调解书"),
        ("received", Lang::En) => format!("{who} signed for the statement after an identity check"),
        ("concluded", Lang::Zh) => "各方签收完毕，调解书生效，案件以调解结案".into(),
        ("concluded", Lang::En) => {
            "All signed for it: the statement is in force; case closed by mediation".into()
        }
        ("backed_out", Lang::Zh) => format!("{who}不同意调解（{note}），调解结束，案件继续审理"),
        ("backed_out", Lang::En) => format!("{who} backed out ({note}); the trial resumes"),
        ("extension_proposed", Lang::Zh) => format!("{who}提议调解期限延长{note}日"),
        ("extension_proposed", Lang::En) => format!("{who} proposed {note} more days"),
        ("extension_agreed", Lang::Zh) => format!("{who}同意延长"),
        ("extension_agreed", Lang::En) => format!("{who} agreed to the extension"),
        ("extension_refused", Lang::Zh) => format!("{who}不同意延长，期限不变"),
        ("extension_refused", Lang::En) => format!("{who} refused the extension; the period stays"),
        ("extension_granted", Lang::Zh) => format!("各方都同意，调解期限延长{note}日"),
        ("extension_granted", Lang::En) => format!("All agreed: the period is {note} days longer"),
        ("effective", Lang::Zh) => "各方签名完毕，调解协议生效".into(),
        ("effective", Lang::En) => "All signed: the agreement took effect".into(),
        ("ended", _) => {
            let g = EndGround::from_code(note).unwrap_or(EndGround::Other);
            match lang {
                Lang::Zh => format!("调解结束：{}", g.label(lang)),
                Lang::En => format!("Ended: {}", g.label(lang)),
            }
        }
        (other, _) => other.to_string(),
    }
}
