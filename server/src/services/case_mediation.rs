//! Mediation in a docketed case (诉中调解, DOMAIN-2 §1.1 rules 14, 18–21; §1.3 "in-litigation"):
//! the case's judge opens it, every party consents, the period runs (15 days ordinary, 7
//! simplified: OMR art. 24), the agreement is drafted and signed as before the filing
//! (`services::mediation`), then the judge issues the 调解书. Each party signs for it (签收) in
//! the app after a fresh identity check — arrival or reading does not count — and it takes
//! effect at the last 签收 (CPL 2023 art. 100; 民诉解释 art. 149). The case then closes by
//! mediation: the acceptance fee halves and the refund starts by itself (诉讼费用交纳办法
//! arts. 15, 53). A party who backs out before its own 签收 ends the mediation and the trial
//! resumes (CPL 2023 art. 102).
//!
//! Access: the case's parties see it (as parties of the mediation), the judge mediates, the
//! court's staff read it; anyone else is told "not found".

use super::{internal, Services};
use crate::services::fees::{closing_of, is_closed, may_close};
use crate::store;
use crate::store::mediation::Received;
use app::api::port::Caller;
use app::api::types::*;
use app::api::{AppError, Refusal};
use app::log::mediation::{ActKind, MediationAct, ACT_VERSION};
use app::rules::case_number::{CaseNumber, CaseType};
use app::rules::dates::{format_shanghai, CivilDate};
use app::rules::filing::{cause_label, Cause};
use app::rules::lifecycle::CaseOutcome;
use app::rules::mediation::{self as rules, MediationKind};
use app::rules::Lang;

/// A 签收 as the form sends it.
#[derive(Clone, Debug, Default)]
pub struct ReceiveRequest {
    pub request_id: String,
    pub code: String,
    pub confirmed: bool,
    pub device: String,
}

const REASON_MAX_CHARS: usize = 2000;

impl Services {
    /// The case's judge opens mediation in a docketed, open case. Parties without an account
    /// need a mobile number (`phones`: case party id → number) for the invitation. Every party
    /// is texted and asked to consent; the period starts when the last one has (OMR art. 24).
    pub async fn start_case_mediation(
        &self,
        caller: &Caller,
        case_id: i64,
        phones: &[(i64, String)],
    ) -> Result<i64, AppError> {
        let lang = caller.lang;
        let (case, _) = self.visible_case(caller, case_id).await?;
        let me = self.require_me(caller)?;
        if !may_close(me, &case) {
            return Err(Refusal::CaseMediationJudgeOnly.in_lang(lang));
        }
        let events = store::cases::events(&self.db, case_id).await.map_err(internal(lang))?;
        let number = case.case_number.clone().ok_or_else(|| Refusal::CaseNotMediable.in_lang(lang))?;
        let mediable = CaseType::from_code(&case.type_code).is_some_and(rules::mediable);
        if is_closed(&case, &events) || !mediable {
            return Err(Refusal::CaseNotMediable.in_lang(lang));
        }
        let parties = store::mediation::case_parties(&self.db, case_id).await.map_err(internal(lang))?;
        let mut invited = Vec::with_capacity(parties.len());
        for p in &parties {
            let phone = match (&p.phone, phones.iter().find(|(id, _)| *id == p.id)) {
                (Some(own), _) => own.clone(),
                (None, Some((_, typed))) if !typed.trim().is_empty() => {
                    self.mobile(typed, lang)?.as_str().to_string()
                }
                (None, _) => return Err(Refusal::PartyPhoneMissing.in_lang(lang)),
            };
            let side = if p.side == "plaintiff" { "applicant" } else { "respondent" };
            invited.push((side, p, phone));
        }
        let sides = |s: &str| invited.iter().any(|(side, _, _)| *side == s);
        if !sides("applicant") || !sides("respondent") {
            return Err(Refusal::CaseNotMediable.in_lang(lang));
        }
        let parsed = CaseNumber::parse(&number).map_err(|_| crate::services::unavailable(lang))?;
        let kind = MediationKind::in_case(&case.procedure);
        let cause = case.cause.map(|c| c.code()).unwrap_or_default();
        let judge = me.name.clone().unwrap_or_default();
        let summary = format!("本案（{number}）在审理中，由承办法官{judge}主持调解。");
        let id = store::mediation::create_in_case(
            &self.db,
            store::mediation::NewCaseMediation {
                court_id: case.court_id,
                case_id,
                year: i64::from(parsed.year()),
                seq: i64::from(parsed.seq()),
                number: &number,
                cause,
                summary: &summary,
                mediator_id: me.id,
                period_days: i64::from(kind.period_days()),
                parties: invited
                    .iter()
                    .map(|(side, p, phone)| {
                        (
                            *side,
                            store::mediation::NewParty {
                                name: &p.name,
                                phone,
                                user_id: p.user_id,
                                address: None,
                                warned_at: None,
                            },
                        )
                    })
                    .collect(),
                now: self.now(),
            },
        )
        .await
        .map_err(internal(lang))?
        .ok_or_else(|| Refusal::CaseMediationOpen.in_lang(lang))?;
        for (_, _, phone) in &invited {
            let text = format!(
                "【{}】您的案件（{number}）由法官{judge}组织调解，调解期限{}日。请登录掌上法庭，在“调解”里答复是否同意调解。",
                case.court_name_zh,
                kind.period_days()
            );
            self.mediation_sms(phone, case.court_id, &text).await;
        }
        tracing::info!(mediation = id, case = case_id, "in-litigation mediation started");
        Ok(id)
    }

    /// The judge issues the 调解书 from the agreement in force; each party is texted to sign
    /// for it in the app (CPL 2023 art. 100).
    pub async fn issue_statement(&self, caller: &Caller, id: i64) -> Result<(), AppError> {
        let lang = caller.lang;
        let (matter, role, _) = self.visible_mediation(caller, id).await?;
        if role != MediationRole::Mediator || matter.m.case_id.is_none() {
            return Err(Refusal::CaseMediationJudgeOnly.in_lang(lang));
        }
        let me = self.require_me(caller)?;
        if !store::mediation::issue_statement(&self.db, id, me.id, self.now())
            .await
            .map_err(internal(lang))?
        {
            return Err(Refusal::StatementNotReady.in_lang(lang));
        }
        let text = format!(
            "【{}】案件（{}）的民事调解书已出具。请登录掌上法庭，在“调解”里再验证一次身份后签收。双方都签收后调解书生效。",
            matter.m.court_name_zh, matter.m.number
        );
        self.text_parties(&matter, &text).await;
        Ok(())
    }

    /// A party signs for the 调解书 (签收) after a fresh identity check (the signing code) and
    /// an explicit confirmation. The last 签收 puts it in force and closes the case by
    /// mediation, with the fee halved and the refund started.
    pub async fn receive_statement(
        &self,
        caller: &Caller,
        id: i64,
        r: &ReceiveRequest,
    ) -> Result<Received, AppError> {
        let lang = caller.lang;
        let (matter, role, _) = self.visible_mediation(caller, id).await?;
        let me = self.require_me(caller)?;
        let party = matter
            .parties
            .iter()
            .find(|p| p.user_id == Some(me.id))
            .filter(|_| matches!(role, MediationRole::Applicant | MediationRole::Respondent))
            .ok_or_else(|| Refusal::StatementPartiesOnly.in_lang(lang))?;
        if MediationState::parse(&matter.m.state) != MediationState::Issued {
            return Err(Refusal::StatementNotOut.in_lang(lang));
        }
        if party.received_at.is_some() {
            return Err(Refusal::AlreadyReceived.in_lang(lang));
        }
        if !r.confirmed {
            return Err(Refusal::ReceiveConfirm.in_lang(lang));
        }
        let check = self.check_identity(caller, &party.phone, &r.request_id, &r.code).await?;
        let required: Vec<i64> = matter.parties.iter().map(|p| p.id).collect();
        let device: String = r.device.chars().take(300).collect();
        let ip = caller.ip.to_string();
        let now = self.now();
        // The 调解书 states the agreement in force: its text's hash is what was signed for.
        let act = MediationAct {
            v: ACT_VERSION,
            act: ActKind::SignedFor,
            mediation: id,
            court: matter.m.court_name_zh.clone(),
            number: matter.m.number.clone(),
            document: "民事调解书".into(),
            document_sha256: matter.versions.last().map(|v| v.sha256.clone()).unwrap_or_default(),
            signer: party.name.clone(),
            side: if party.side == "applicant" { "原告" } else { "被告" }.into(),
            identity_check: check.clone(),
            image_sha256: None,
            at: now,
        };
        let outcome = store::mediation::receive_statement(
            &self.db,
            store::mediation::Receipt {
                mediation_id: id,
                party_id: party.id,
                user_id: me.id,
                identity_check: &check,
                device: &device,
                ip: &ip,
                now,
                log_entry: act.entry(),
            },
            |received| rules::statement_in_force_at(&required, received),
        )
        .await
        .map_err(internal(lang))?;
        match outcome {
            Received::NotOpen => Err(Refusal::StatementNotOut.in_lang(lang)),
            Received::Already => Err(Refusal::AlreadyReceived.in_lang(lang)),
            Received::Recorded => Ok(outcome),
            Received::Concluded(at) => {
                if let Some(case_id) = matter.m.case_id {
                    self.close_by_mediation(case_id, at).await;
                }
                let text = format!(
                    "【{}】案件（{}）的民事调解书各方已签收，于{}生效，案件以调解结案。多交的受理费会退回。",
                    matter.m.court_name_zh,
                    matter.m.number,
                    format_shanghai(at, Lang::Zh)
                );
                self.text_parties(&matter, &text).await;
                Ok(outcome)
            }
        }
    }

    /// Closes the case by mediation as of `at` (the 调解书 in force): the fee settled through
    /// the same closing as the judge's 结案 (halved: 诉讼费用交纳办法 art. 15; refund due in 15
    /// days: art. 53). Nothing when it is closed already; a failure is logged and tried again
    /// by `close_concluded_cases`.
    async fn close_by_mediation(&self, case_id: i64, at: i64) {
        let result = async {
            let Some(case) = store::cases::case_by_id(&self.db, case_id).await? else {
                return Ok(false);
            };
            let events = store::cases::events(&self.db, case_id).await?;
            if is_closed(&case, &events) {
                return Ok(false);
            }
            let closing = closing_of(&self.db, &case, CaseOutcome::Mediated, &self.fee_settings, at).await?;
            store::fees::close_case(&self.db, closing).await
        }
        .await;
        match result {
            Ok(true) => {
                self.chase_refunds().await;
            }
            Ok(false) => {}
            Err(e) => tracing::error!(error = %e, case = case_id, "closing a case by mediation"),
        }
    }

    /// Closes the cases whose 调解书 is in force but which are still open (the server stopped
    /// between the last 签收 and the closing). Runs with the mediation jobs; returns how many.
    pub async fn close_concluded_cases(&self) -> usize {
        let open = match store::mediation::concluded_open_cases(&self.db).await {
            Ok(open) => open,
            Err(e) => {
                tracing::error!(error = %e, "listing concluded mediations");
                return 0;
            }
        };
        for (case_id, at) in &open {
            self.close_by_mediation(*case_id, *at).await;
        }
        open.len()
    }

    /// A party backs out before its own 签收 (CPL 2023 art. 102): the mediation ends and the
    /// trial resumes; the judge and the other parties are texted.
    pub async fn back_out(&self, caller: &Caller, id: i64, reason: &str) -> Result<(), AppError> {
        let lang = caller.lang;
        let (matter, role, phone) = self.visible_mediation(caller, id).await?;
        let me = self.require_me(caller)?;
        let party = matter
            .parties
            .iter()
            .find(|p| p.user_id == Some(me.id) || (p.user_id.is_none() && p.phone == phone))
            .filter(|_| matches!(role, MediationRole::Applicant | MediationRole::Respondent))
            .ok_or_else(|| Refusal::StatementPartiesOnly.in_lang(lang))?;
        if matter.m.case_id.is_none() {
            // Before filing, a party declines (OMR art. 25(7)) instead.
            return Err(Refusal::MediationClosed.in_lang(lang));
        }
        let reason: String = reason.trim().chars().take(REASON_MAX_CHARS).collect();
        if reason.chars().count() < 2 {
            return Err(Refusal::BackOutReason.in_lang(lang));
        }
        let note = format!("{}：{reason}", party.name);
        if !store::mediation::back_out(&self.db, id, party.id, &note, me.id, self.now())
            .await
            .map_err(internal(lang))?
        {
            return Err(Refusal::BackOutTooLate.in_lang(lang));
        }
        let text = format!(
            "【{}】{}不同意调解，案件（{}）的调解结束，案件继续审理（民事诉讼法第102条）。",
            matter.m.court_name_zh, party.name, matter.m.number
        );
        for p in matter.parties.iter().filter(|p| p.id != party.id) {
            self.mediation_sms(&p.phone, matter.m.court_id, &text).await;
        }
        if let Some(judge) = &matter.m.mediator_phone {
            self.mediation_sms(judge, matter.m.court_id, &text).await;
        }
        Ok(())
    }

    /// The 调解书 as a PDF: the parties, the agreement's clauses and fingerprint, the judge,
    /// and each party's 签收 (who, when, how identity was checked).
    pub async fn statement_pdf(&self, caller: &Caller, id: i64) -> Result<Vec<u8>, AppError> {
        let lang = caller.lang;
        let (matter, _, _) = self.visible_mediation(caller, id).await?;
        let state = MediationState::parse(&matter.m.state);
        let (Some(issued), true) =
            (matter.m.statement_at, matches!(state, MediationState::Issued | MediationState::Concluded))
        else {
            return Err(Refusal::StatementNotOut.in_lang(lang));
        };
        let v = matter.versions.last().ok_or_else(|| crate::services::unavailable(lang))?;
        let names = |side: &str| {
            matter.parties.iter().filter(|p| p.side == side).map(|p| p.name.clone()).collect::<Vec<_>>()
        };
        let facts = crate::services::notices::StatementFacts {
            court_name: matter.m.court_name_zh.clone(),
            case_number: matter.m.number.clone(),
            cause: cause_label(Cause::from_code(&matter.m.cause), Lang::Zh).to_string(),
            plaintiffs: names("applicant"),
            defendants: names("respondent"),
            clauses: v.clauses.clone(),
            agreement_sha256: v.sha256.clone(),
            judge: matter.m.mediator_name.clone().unwrap_or_default(),
            issued_on: CivilDate::from_unix_shanghai(issued),
            receipts: matter
                .parties
                .iter()
                .map(|p| {
                    (
                        p.name.clone(),
                        p.received_at.map(|at| {
                            let mut check = p.receive_check.clone().unwrap_or_default();
                            if let Some(n) = p.receive_log_index {
                                check = format!(
                                    "{check}，送达日志{}",
                                    crate::services::notices::log_entry_words(n)
                                );
                            }
                            (format_shanghai(at, Lang::Zh), check)
                        }),
                    )
                })
                .collect(),
            in_force_at: matter.m.concluded_at.map(|at| format_shanghai(at, Lang::Zh)),
        };
        let font = self.pdf_font(lang)?;
        tokio::task::spawn_blocking(move || {
            crate::adapters::pdf::render(&font, &crate::services::notices::mediation_statement(&facts))
        })
        .await
        .map_err(|_| crate::services::unavailable(lang))
    }

    /// For the case page: the case's newest mediation (id, state) and, for its judge while
    /// none is open, the parties who need a phone number typed to be invited.
    pub(super) async fn case_mediation_part(
        &self,
        me: &Me,
        case: &store::cases::CaseRow,
        may_start: bool,
        lang: Lang,
    ) -> Result<(Option<CaseMediationLink>, Option<Vec<(i64, String)>>), AppError> {
        let latest = store::mediation::latest_of_case(&self.db, case.id).await.map_err(internal(lang))?;
        let open = latest.as_ref().is_some_and(|m| !matches!(m.state.as_str(), "ended" | "concluded"));
        let link = latest.map(|m| {
            let state = MediationState::parse(&m.state);
            CaseMediationLink { id: m.id, state, state_label: state.label(lang).to_string() }
        });
        let mediable = CaseType::from_code(&case.type_code).is_some_and(rules::mediable);
        let start = if may_start && !open && mediable && may_close(me, case) {
            let parties = store::mediation::case_parties(&self.db, case.id).await.map_err(internal(lang))?;
            Some(parties.into_iter().filter(|p| p.phone.is_none()).map(|p| (p.id, p.name)).collect())
        } else {
            None
        };
        Ok((link, start))
    }
}
