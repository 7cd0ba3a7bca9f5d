//! Judicial confirmation (司法确认, DOMAIN-2 §1.2) of a pre-filing agreement in force: each
//! party applies from its own phone (the application is joint: CPL art. 205), within 30 days
//! of the agreement taking effect; the act that makes it joint dockets it as a 民特 case (no
//! fee: FEE art. 8(1)); a judge of the court reviews it on the checklist of JI22 arts. 354–358
//! and rules — valid, rejected or dismissed — in a 民事裁定书 (PDF, kept by its SHA-256) the
//! parties open on the matter's page and are texted about. A party may withdraw before the
//! ruling (art. 357).
//!
//! Access: the same as the matter's (`visible_mediation`): its parties, its mediator and the
//! staff of its court; anyone else is told "not found".

use super::mediation::signers;
use super::{internal, unavailable, Services};
use crate::store;
use crate::store::confirmation::{Applied, ConfirmationRow};
use crate::store::mediation::Matter;
use app::api::port::Caller;
use app::api::types::*;
use app::api::{AppError, Refusal};
use app::i18n::t;
use app::rules::case_number::{CaseNumber, CaseType};
use app::rules::confirmation::{self as rules, NotAccepted, Rejection, Ruling};
use app::rules::dates::{format_shanghai, CivilDate};
use app::rules::holidays;
use app::rules::mediation::confirmation_window_end;
use app::rules::Lang;

const REASONS_MAX_CHARS: usize = 4000;

/// What the judge sends from the review form.
#[derive(Clone, Debug, Default)]
pub struct RulingRequest {
    pub outcome: String,
    pub grounds: Vec<String>,
    pub reasons: String,
    /// Every point of the checklist was ticked.
    pub checked: bool,
}

impl Services {
    /// The last day of the matter's confirmation window, if its agreement is in force.
    /// None for an agreement reached in a case: it leads to a 调解书, not to confirmation
    /// (DOMAIN-2 §1.1 rule 18).
    fn window_end(&self, matter: &Matter) -> Option<CivilDate> {
        if matter.m.case_id.is_some() {
            return None;
        }
        let at = matter.m.effective_at?;
        Some(confirmation_window_end(CivilDate::from_unix_shanghai(at), &holidays::state_council()).0)
    }

    /// A party applies for judicial confirmation, or joins the other's application.
    pub async fn apply_for_confirmation(&self, caller: &Caller, id: i64) -> Result<Applied, AppError> {
        let lang = caller.lang;
        let (matter, role, _) = self.visible_mediation(caller, id).await?;
        if !matches!(role, MediationRole::Applicant | MediationRole::Respondent) {
            return Err(Refusal::ConfirmationPartiesOnly.in_lang(lang));
        }
        let me = self.require_me(caller)?;
        if matter.m.case_id.is_some() {
            return Err(Refusal::ConfirmationInLitigation.in_lang(lang));
        }
        if MediationState::parse(&matter.m.state) != MediationState::Effective {
            return Err(Refusal::ConfirmationNotInForce.in_lang(lang));
        }
        let today = CivilDate::from_unix_shanghai(self.now());
        let window_end =
            self.window_end(&matter).ok_or_else(|| Refusal::ConfirmationNotInForce.in_lang(lang))?;
        if !rules::may_apply(window_end, today) {
            return Err(Refusal::ConfirmationLate.in_lang(lang));
        }
        // The parties who must apply: those who signed the agreement as parties.
        let required: Vec<i64> = matter.parties.iter().filter_map(|p| p.user_id).collect();
        let (court_code, _) = store::filings::court_of(&self.db, matter.m.court_id)
            .await
            .map_err(internal(lang))?
            .ok_or_else(|| unavailable(lang))?;
        let year = today.year();
        let applied = store::confirmation::apply(
            &self.db,
            store::confirmation::Apply {
                mediation_id: id,
                court_id: matter.m.court_id,
                user_id: me.id,
                required: &required,
                year,
                now: self.now(),
            },
            |seq| {
                CaseNumber::new(year as u16, &court_code, CaseType::CivilSpecial, seq as u32)
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            },
        )
        .await
        .map_err(internal(lang))?;
        let court = &matter.m.court_name_zh;
        match &applied {
            Applied::Waiting => {
                let name = me.name.clone().unwrap_or_default();
                for p in matter.parties.iter().filter(|p| p.user_id != Some(me.id)) {
                    let text = format!(
                        "【{court}】{name}已申请法院确认调解协议（{}）。要双方一起申请，法院才审查。请在{}前登录掌上法庭，在这件调解里点“一起申请司法确认”。",
                        matter.m.number,
                        window_end.format(Lang::Zh)
                    );
                    self.mediation_sms(&p.phone, matter.m.court_id, &text).await;
                }
            }
            Applied::Docketed(number) => {
                let text = format!(
                    "【{court}】双方已共同申请司法确认，本院已立案（{number}），不收费。法官会在30日内审查并作出裁定。"
                );
                self.text_parties(&matter, &text).await;
            }
            Applied::Already => {}
            Applied::Closed => return Err(Refusal::ConfirmationClosed.in_lang(lang)),
        }
        Ok(applied)
    }

    /// A party withdraws the application before the ruling (JI22 art. 357); the other party
    /// is told.
    pub async fn withdraw_confirmation(&self, caller: &Caller, id: i64) -> Result<(), AppError> {
        let lang = caller.lang;
        let (matter, role, _) = self.visible_mediation(caller, id).await?;
        if !matches!(role, MediationRole::Applicant | MediationRole::Respondent) {
            return Err(Refusal::ConfirmationPartiesOnly.in_lang(lang));
        }
        let me = self.require_me(caller)?;
        if !store::confirmation::withdraw(&self.db, id, me.id, self.now()).await.map_err(internal(lang))? {
            return Err(Refusal::ConfirmationClosed.in_lang(lang));
        }
        let name = me.name.clone().unwrap_or_default();
        for p in matter.parties.iter().filter(|p| p.user_id != Some(me.id)) {
            let text = format!(
                "【{}】{name}撤回了调解协议（{}）的司法确认申请。协议仍然有效。",
                matter.m.court_name_zh, matter.m.number
            );
            self.mediation_sms(&p.phone, matter.m.court_id, &text).await;
        }
        Ok(())
    }

    /// A judge of the court rules on a docketed application: the 民事裁定书 is made and kept
    /// (its bytes by SHA-256), the ruling recorded once, and both parties texted.
    pub async fn rule_on_confirmation(
        &self,
        caller: &Caller,
        id: i64,
        r: &RulingRequest,
    ) -> Result<(), AppError> {
        let lang = caller.lang;
        let (matter, _, _) = self.visible_mediation(caller, id).await?;
        let me = self.require_me(caller)?;
        if me.role != Role::Judge || me.court_id != Some(matter.m.court_id) {
            return Err(Refusal::RulingJudgeOnly.in_lang(lang));
        }
        let c = store::confirmation::of_mediation(&self.db, id)
            .await
            .map_err(internal(lang))?
            .ok_or_else(|| Refusal::ConfirmationNotJoint.in_lang(lang))?;
        match c.state.as_str() {
            "docketed" => {}
            "applied" => return Err(Refusal::ConfirmationNotJoint.in_lang(lang)),
            _ => return Err(Refusal::ConfirmationClosed.in_lang(lang)),
        }
        // No outcome, or a rejection or dismissal without its ground(s).
        let ruling =
            Ruling::from_form(&r.outcome, &r.grounds).map_err(|_| Refusal::RulingGrounds.in_lang(lang))?;
        let reasons: String = r.reasons.trim().chars().take(REASONS_MAX_CHARS).collect();
        if ruling != Ruling::Valid && reasons.chars().count() < 5 {
            return Err(Refusal::RulingReasons.in_lang(lang));
        }
        if ruling == Ruling::Valid && !r.checked {
            return Err(Refusal::RulingChecklist.in_lang(lang));
        }
        let agreement = matter.versions.last().ok_or_else(|| unavailable(lang))?;
        let now = self.now();
        let day = |at: i64| CivilDate::from_unix_shanghai(at);
        let facts = crate::services::notices::RulingFacts {
            court_name: matter.m.court_name_zh.clone(),
            case_number: c.number.clone().unwrap_or_default(),
            applicants: matter
                .parties
                .iter()
                .map(|p| (p.name.clone(), p.address.clone().unwrap_or_default()))
                .collect(),
            mediation_number: matter.m.number.clone(),
            effective_on: day(matter.m.effective_at.unwrap_or(now)),
            applied_on: day(c.docketed_at.unwrap_or(now)),
            clauses: agreement.clauses.clone(),
            agreement_sha256: agreement.sha256.clone(),
            ruling: ruling.clone(),
            reasons: reasons.clone(),
            judge: me.name.clone().unwrap_or_default(),
            ruled_on: day(now),
        };
        let font = self.pdf_font(lang)?;
        let pdf = tokio::task::spawn_blocking(move || {
            crate::adapters::pdf::render(&font, &crate::services::notices::confirmation_ruling(&facts))
        })
        .await
        .map_err(|_| unavailable(lang))?;
        let sha = crate::adapters::crypto::sha256_hex(&pdf);
        self.store_document(&sha, &pdf, lang).await?;
        let ruled = store::confirmation::rule(
            &self.db,
            store::confirmation::NewRuling {
                mediation_id: id,
                judge_id: me.id,
                outcome: ruling.code(),
                grounds: &ruling.grounds_code(),
                reasons: &reasons,
                ruling_sha256: &sha,
                now,
            },
        )
        .await
        .map_err(internal(lang))?;
        if !ruled {
            return Err(Refusal::ConfirmationClosed.in_lang(lang));
        }
        let number = c.number.clone().unwrap_or_default();
        let text = format!(
            "【{}】司法确认（{number}）已作出裁定：{}请登录掌上法庭查看裁定书。",
            matter.m.court_name_zh,
            ruling.meaning(Lang::Zh)
        );
        self.text_parties(&matter, &text).await;
        Ok(())
    }

    /// The ruling's PDF, for those who may see the matter.
    pub async fn confirmation_ruling_pdf(
        &self,
        caller: &Caller,
        id: i64,
    ) -> Result<crate::adapters::blob_store::Blob, AppError> {
        let lang = caller.lang;
        self.visible_mediation(caller, id).await?;
        let sha = store::confirmation::of_mediation(&self.db, id)
            .await
            .map_err(internal(lang))?
            .and_then(|c| c.ruling_sha256)
            .ok_or_else(|| AppError::NotFound(String::new()))?;
        let blob = self.uploads.blobs.open(&sha).await.map_err(|e| {
            tracing::error!(error = %e, "opening a ruling");
            unavailable(lang)
        })?;
        blob.ok_or_else(|| unavailable(lang))
    }

    /// A judge's list: the court's applications waiting for a ruling (the earliest docketed
    /// first, with the 30-day limit), then the latest ruled.
    pub async fn confirmation_queue(&self, caller: &Caller) -> Result<Vec<MediationSummary>, AppError> {
        let lang = caller.lang;
        let me = self.require_me(caller)?;
        let Some(court) = me.court_id.filter(|_| me.role.is_staff()) else {
            return Err(Refusal::RulingJudgeOnly.in_lang(lang));
        };
        let rows = store::confirmation::queue(&self.db, court).await.map_err(internal(lang))?;
        let mut out = Vec::with_capacity(rows.len());
        for c in rows {
            let Some(matter) =
                store::mediation::matter(&self.db, c.mediation_id).await.map_err(internal(lang))?
            else {
                continue;
            };
            let waiting = c.state == "docketed";
            out.push(MediationSummary {
                id: matter.m.id,
                number: c.number.clone().unwrap_or_default(),
                cause: app::rules::filing::cause_label(
                    app::rules::filing::Cause::from_code(&matter.m.cause),
                    lang,
                )
                .to_string(),
                state: MediationState::Effective,
                state_label: confirmation_state_label(&c, lang).to_string(),
                parties: matter.parties.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(" · "),
                requested: c.docketed_at.map(|at| format_shanghai(at, lang)).unwrap_or_default(),
                for_me: (waiting && me.role == Role::Judge)
                    .then(|| t(lang, ("请审查并裁定", "To review and rule")).to_string()),
                due: c.docketed_at.filter(|_| waiting).map(|at| {
                    let due = rules::review_due(CivilDate::from_unix_shanghai(at));
                    format!("{} {}", t(lang, ("审查期限", "Review limit")), due.format(lang))
                }),
            });
        }
        Ok(out)
    }

    /// The confirmation part of a matter's page: where it stands, and what the caller may do.
    pub(super) async fn confirmation_part(
        &self,
        caller: &Caller,
        matter: &Matter,
        role: MediationRole,
    ) -> Result<(Option<ConfirmationView>, bool, bool), AppError> {
        let lang = caller.lang;
        let me = caller.me.as_ref();
        let me_id = me.map_or(0, |m| m.id);
        let Some(window_end) = self.window_end(matter) else {
            return Ok((None, false, false));
        };
        let today = CivilDate::from_unix_shanghai(self.now());
        let in_window = rules::may_apply(window_end, today);
        let party = matches!(role, MediationRole::Applicant | MediationRole::Respondent);
        let c = store::confirmation::of_mediation(&self.db, matter.m.id).await.map_err(internal(lang))?;
        let Some(c) = c else {
            return Ok((None, party && in_window, !in_window));
        };
        let i_applied = c.applicants.iter().any(|(u, _)| *u == me_id);
        let names = signers(matter);
        let name_of = |user: i64| names.iter().find(|(u, _, _)| *u == user).map(|(_, n, _)| n.clone());
        let applied = c
            .applicants
            .iter()
            .map(|(u, at)| (name_of(*u).unwrap_or_default(), format_shanghai(*at, lang)))
            .collect();
        let waiting_for = matter
            .parties
            .iter()
            .filter(|p| p.user_id.is_some_and(|u| !c.applicants.iter().any(|(a, _)| *a == u)))
            .map(|p| p.name.clone())
            .collect();
        let docketed = c.state == "docketed";
        let review = c.docketed_at.filter(|_| docketed).map(CivilDate::from_unix_shanghai);
        let may_rule =
            docketed && me.is_some_and(|m| m.role == Role::Judge && m.court_id == Some(matter.m.court_id));
        let ruling = match (c.outcome.as_deref(), c.ruled_at) {
            (Some(outcome), Some(at)) => {
                let r = Ruling::from_codes(outcome, c.grounds.as_deref().unwrap_or(""));
                r.map(|r| {
                    let received = CivilDate::from_unix_shanghai(at).add_days(rules::OBJECTION_DAYS);
                    RulingView {
                        outcome: r.code().to_string(),
                        outcome_label: ruling_label(&r, lang).to_string(),
                        meaning: r.meaning(lang).to_string(),
                        grounds: r.grounds(lang).into_iter().map(str::to_string).collect(),
                        reasons: c.reasons.clone().unwrap_or_default(),
                        ruled_at: format_shanghai(at, lang),
                        judge: c.judge_name.clone().unwrap_or_default(),
                        pdf_href: format!("/mediations/{}/confirmation/ruling.pdf", matter.m.id),
                        sha256: c.ruling_sha256.clone().unwrap_or_default(),
                        objection_note: match lang {
                            Lang::Zh => format!(
                                "裁定即时生效，不能上诉。认为裁定有错误的，可以在收到裁定之日起15日内（如今天收到，到{}）向本院提出异议（民诉解释第372条）。",
                                received.format(lang)
                            ),
                            Lang::En => format!(
                                "The ruling is final: no appeal. If you think it wrong, object to this court within 15 days of receiving it (received today: by {}) (JI22 art. 372).",
                                received.format(lang)
                            ),
                        },
                    }
                })
            }
            _ => None,
        };
        let view = ConfirmationView {
            state_label: confirmation_state_label(&c, lang).to_string(),
            number: c.number.clone(),
            applied,
            waiting_for,
            i_applied,
            review_due: review.map(|d| {
                DeadlineView::new(
                    t(lang, ("法院审查期限", "The court's review limit")),
                    rules::review_due(d),
                    "民事诉讼法 第187条（30日）",
                    lang,
                    self.now(),
                )
            }),
            review_target: review.map(|d| rules::review_target(d).format(lang)),
            ruling,
            withdrawn: c.withdrawn_at.map(|at| format_shanghai(at, lang)),
            may_withdraw: party && matches!(c.state.as_str(), "applied" | "docketed"),
            may_rule,
            checklist: if may_rule {
                rules::checklist(lang).into_iter().map(str::to_string).collect()
            } else {
                Vec::new()
            },
            rejection_grounds: if may_rule {
                Rejection::ALL.iter().map(|g| (g.code().to_string(), g.label(lang).to_string())).collect()
            } else {
                Vec::new()
            },
            dismissal_grounds: if may_rule {
                NotAccepted::ALL.iter().map(|g| (g.code().to_string(), g.label(lang).to_string())).collect()
            } else {
                Vec::new()
            },
        };
        let may_apply = party && in_window && c.state == "applied" && !i_applied;
        // The window lapsed without a joint application: only a lone, unjoined one remains.
        let lapsed = !in_window && c.state == "applied";
        Ok((Some(view), may_apply, lapsed))
    }
}

fn confirmation_state_label(c: &ConfirmationRow, lang: Lang) -> &'static str {
    match c.state.as_str() {
        "applied" => lang.pick("等待对方一起申请", "Waiting for the other side to apply too"),
        "docketed" => lang.pick("法院审查中", "Under review by the court"),
        "ruled" => match c.outcome.as_deref() {
            Some("valid") => lang.pick("已裁定：协议有效", "Ruled: the agreement is valid"),
            Some("rejected") => lang.pick("已裁定：驳回申请", "Ruled: rejected"),
            _ => lang.pick("已裁定：不予确认", "Ruled: dismissed"),
        },
        _ => lang.pick("申请已撤回", "Withdrawn"),
    }
}

fn ruling_label(r: &Ruling, lang: Lang) -> &'static str {
    match r {
        Ruling::Valid => lang.pick("确认调解协议有效", "The agreement is confirmed valid"),
        Ruling::Rejected(_) => lang.pick("驳回司法确认申请", "The application is rejected"),
        Ruling::Dismissed(_) => {
            lang.pick("驳回申请（不属于可以确认的情形）", "Dismissed (not for confirmation)")
        }
    }
}
