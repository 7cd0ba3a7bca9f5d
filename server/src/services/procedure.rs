//! 程序转换 and 生效: the judge changes the procedure of an open case (with the fee
//! consequence the fee engine computes), staff record an appeal, and a first-instance
//! judgment takes effect when the last party's appeal period has run out — which is when its
//! fee is settled and any overpayment refunded (诉讼费用交纳办法 art. 53).
//!
//! The rules are in `app::rules::procedure`; every write is in `store::procedure` and
//! `store::fees::take_effect`.

use crate::services::fees::{charge_for, settlement, CaseOutcome};
use crate::services::progress;
use crate::services::{internal, Services};
use crate::store;
use app::api::port::Caller;
use app::api::types::Role;
use app::api::{AppError, Refusal};
use app::i18n::t;
use app::rules::dates::CivilDate;
use app::rules::holidays;
use app::rules::lifecycle::{Procedure, Stage};
use app::rules::procedure::{conversion, fee_change, judgment_in_force_at, FeeChange};
use app::rules::Lang;

/// The reason a judge gives for a change of procedure: required (the change is made by a
/// ruling, 裁定, CPL art. 170), between these many characters.
const REASON_CHARS: std::ops::RangeInclusive<usize> = 4..=200;

impl Services {
    /// 程序转换, by the case's judge: `to` is a procedure code, `reason` the ruling's reason,
    /// `agreed` that both parties agreed (needed for ordinary → simplified). The fee owed
    /// follows the new procedure at once: a supplementary charge with a new 7-day notice, or
    /// a reduction (诉讼费用交纳办法 arts. 16, 22). Returns the new procedure's name.
    pub async fn change_procedure(
        &self,
        caller: &Caller,
        case_id: i64,
        to: &str,
        reason: &str,
        agreed: bool,
    ) -> Result<String, AppError> {
        let lang = caller.lang;
        let (case, _) = self.visible_case(caller, case_id).await?;
        let me = self.require_me(caller)?;
        if !crate::services::fees::may_close(me, &case) {
            return Err(Refusal::JudgeOnly.in_lang(lang));
        }
        let Some(to) = Procedure::from_code(to) else {
            return Err(Refusal::ProcedureMissing.in_lang(lang));
        };
        let reason = reason.trim();
        if !REASON_CHARS.contains(&reason.chars().count()) {
            return Err(Refusal::ProcedureReason.in_lang(lang));
        }
        if case.case_number.is_none() {
            return Err(Refusal::NotDocketed.in_lang(lang));
        }
        let events = store::cases::events(&self.db, case_id).await.map_err(internal(lang))?;
        let from = progress::procedure(&case.procedure);
        let closed = crate::services::fees::is_closed(&case, &events);
        let hearing_held = events.iter().any(|e| e.stage == Stage::Hearing.code());
        let rule = conversion(from, to, closed, hearing_held, agreed)
            .map_err(|e| Refusal::Conversion(e).in_lang(lang))?;

        // The fee: the engine's charge under each procedure (诉讼费用交纳办法 arts. 13, 16).
        // Nothing changes where nothing was charged (special procedure, unpaid wages: art.
        // 20) or the fee was waived (art. 45).
        let ledger = store::fees::ledger(&self.db, case_id).await.map_err(internal(lang))?;
        let charged: i64 = ledger.iter().filter(|e| e.kind == "charge").map(|e| e.amount_fen).sum();
        let waived = case.fee_relief.as_deref() == Some("waive");
        let change = if charged == 0 || waived {
            FeeChange::None
        } else {
            let before = charge_for(case.cause, case.claim_fen, from.code(), None, &self.fee_settings);
            let after = charge_for(case.cause, case.claim_fen, to.code(), None, &self.fee_settings);
            match (before, after) {
                (Ok(b), Ok(a)) => fee_change(b.total.0, a.total.0),
                _ => FeeChange::None,
            }
        };
        let (fee_change_fen, fee_source) = match change {
            FeeChange::None => (0, String::new()),
            FeeChange::Supplement(f) => {
                (f, format!("转为{}，补交案件受理费（诉讼费用交纳办法 第16条、第22条）", to.label(Lang::Zh)))
            }
            FeeChange::Reduction(f) => {
                (-f, format!("转为{}，案件受理费减半（诉讼费用交纳办法 第16条）", to.label(Lang::Zh)))
            }
        };
        let written = store::procedure::change(
            &self.db,
            store::procedure::NewChange {
                case_id,
                from: from.code(),
                to: to.code(),
                reason,
                source: rule.source,
                judge_id: me.id,
                fee_change_fen,
                fee_source: &fee_source,
                now: self.now(),
            },
        )
        .await
        .map_err(internal(lang))?;
        if !written {
            // Someone changed it (or closed the case) since it was read: say what is true now.
            return Err(Refusal::ProcedureChanged.in_lang(lang));
        }
        if fee_change_fen > 0 {
            // The plaintiff is told what to pay now and by when (the same texting as docketing).
            let text = format!(
                "案件已转为{}，请在7日内补交诉讼费{}元（诉讼费用交纳办法第22条）。",
                to.label(Lang::Zh),
                app::rules::fees::Fen(fee_change_fen).format_yuan()
            );
            match store::procedure::plaintiff_phones(&self.db, case_id).await {
                Ok(phones) => {
                    for phone in phones {
                        self.notify(&phone, case.court_id, case_id, &text).await;
                    }
                }
                Err(e) => tracing::warn!(error = %e, "supplementary fee SMS not sent"),
            }
        }
        Ok(to.label(lang).to_string())
    }

    /// An appeal against the case's judgment, recorded by the court's clerk or judge (the
    /// appeal itself is lodged with this court, CPL art. 173): the judgment does not take
    /// effect at first instance.
    pub async fn record_appeal(&self, caller: &Caller, case_id: i64, note: &str) -> Result<(), AppError> {
        let lang = caller.lang;
        let (case, _) = self.visible_case(caller, case_id).await?;
        let me = self.require_me(caller)?;
        if !matches!(me.role, Role::Clerk | Role::Judge) {
            return Err(Refusal::JudgeOnly.in_lang(lang));
        }
        if me.court_id != Some(case.court_id) {
            // A receiving court (跨域立案) sees the case but the appeal is lodged here.
            return Err(Refusal::JudgeOnly.in_lang(lang));
        }
        if case.outcome.as_deref() != Some(CaseOutcome::Judgment.code()) {
            return Err(Refusal::NotJudgment.in_lang(lang));
        }
        let note = note.trim();
        if !(2..=200).contains(&note.chars().count()) {
            return Err(Refusal::AppealNote.in_lang(lang));
        }
        if !store::procedure::record_appeal(&self.db, case_id, me.id, note, self.now())
            .await
            .map_err(internal(lang))?
        {
            return Err(Refusal::AppealDone.in_lang(lang));
        }
        Ok(())
    }

    /// After a judgment's service took effect on someone: once it has reached every party,
    /// the case reaches 裁判文书送达 at the last of those moments, and the appeal period of
    /// the timeline runs from it.
    pub(crate) async fn judgment_service_changed(&self, case_id: i64) {
        match store::procedure::judgment_service(&self.db, case_id).await {
            Ok((parties, served, Some(last))) if parties > 0 && served >= parties => {
                if let Err(e) =
                    store::cases::insert_event_once(&self.db, case_id, Stage::JudgmentServed.code(), last)
                        .await
                {
                    tracing::error!(error = %e, case_id, "recording the judgment served");
                }
                // A small-claims judgment is final on service: in force now.
                self.bring_judgments_into_force(self.now()).await;
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, case_id, "reading the judgment's service"),
        }
    }

    /// Judgments served on every party whose appeal period has run out with no appeal take
    /// effect (生效) at that moment, and their fee is settled: the final fee from the engine
    /// under the procedure the case was tried by (art. 16), what was paid beyond it refunded
    /// to where it came from within 15 days of that moment (art. 53). Runs every minute
    /// (`startup`) and after each judgment service. Returns how many took effect.
    pub async fn bring_judgments_into_force(&self, now: i64) -> usize {
        let pending = match store::procedure::judgments_pending_effect(&self.db, 200).await {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, "listing judgments awaiting effect");
                return 0;
            }
        };
        let mut done = 0;
        for case_id in pending {
            match self.bring_into_force(case_id, now).await {
                Ok(true) => done += 1,
                Ok(false) => {}
                Err(e) => tracing::error!(error = %e, case_id, "bringing a judgment into force"),
            }
        }
        if done > 0 {
            self.chase_refunds().await;
        }
        done
    }

    async fn bring_into_force(&self, case_id: i64, now: i64) -> Result<bool, sqlx::Error> {
        let Some(case) = store::cases::case_by_id(&self.db, case_id).await? else {
            return Ok(false);
        };
        let events = store::cases::events(&self.db, case_id).await?;
        let Some(served_at) =
            events.iter().filter(|e| e.stage == Stage::JudgmentServed.code()).map(|e| e.at).max()
        else {
            return Ok(false);
        };
        let at = judgment_in_force_at(
            CivilDate::from_unix_shanghai(served_at),
            served_at,
            progress::procedure(&case.procedure),
            !case.defendant_abroad,
            &holidays::state_council(),
        );
        if now < at {
            return Ok(false);
        }
        let mut effect = settlement(&self.db, &case, CaseOutcome::Judgment, &self.fee_settings, at).await?;
        effect.stages = &["effective"];
        store::fees::take_effect(&self.db, effect).await
    }
}

impl Services {
    /// The case page's part of this: what the judge may change the procedure to, the changes
    /// so far, the appeal. Reads the database only when the events say there is something
    /// (a change, an appeal), so the usual case page stays one query.
    pub(crate) async fn procedure_view(
        &self,
        me: &app::api::types::Me,
        case: &store::cases::CaseRow,
        events: &[store::cases::EventRow],
        lang: Lang,
        view: &mut app::api::types::CaseProgress,
    ) -> Result<(), AppError> {
        let closed = crate::services::fees::is_closed(case, events);
        if crate::services::fees::may_close(me, case) && case.case_number.is_some() && !closed {
            let from = progress::procedure(&case.procedure);
            let hearing_held = events.iter().any(|e| e.stage == Stage::Hearing.code());
            view.procedure_targets = app::rules::procedure::targets(from)
                .iter()
                .filter(|to| conversion(from, **to, closed, hearing_held, true).is_ok())
                .map(|to| (to.code().to_string(), to.label(lang).to_string()))
                .collect();
        }
        let has = |stage: &str| events.iter().any(|e| e.stage == stage);
        if has("procedure_changed") {
            let rows = store::procedure::changes_of(&self.db, case.id).await.map_err(internal(lang))?;
            view.procedure_changes = rows
                .into_iter()
                .map(|r| app::api::types::ProcedureChangeView {
                    at: app::rules::dates::format_shanghai(r.at, lang),
                    from: progress::procedure(&r.from_procedure).label(lang).to_string(),
                    to: progress::procedure(&r.to_procedure).label(lang).to_string(),
                    reason: r.reason,
                    source: r.source,
                    fee: match r.fee_change_fen {
                        0 => None,
                        f if f > 0 => Some(format!(
                            "{}{}{}",
                            t(lang, ("补交受理费 ", "Fee to add: ")),
                            app::rules::fees::Fen(f).format_yuan(),
                            t(lang, (" 元（7日内交）", " yuan (within 7 days)"))
                        )),
                        f => Some(format!(
                            "{}{}{}",
                            t(lang, ("受理费减半，少交 ", "Fee halved: ")),
                            app::rules::fees::Fen(-f).format_yuan(),
                            t(lang, (" 元", " yuan less"))
                        )),
                    },
                })
                .collect();
        }
        let judged = case.outcome.as_deref() == Some(CaseOutcome::Judgment.code());
        if has("appealed") {
            if let Some((note, at)) =
                store::procedure::appeal_of(&self.db, case.id).await.map_err(internal(lang))?
            {
                view.appeal = Some(format!(
                    "{}{}：{note}",
                    t(lang, ("已登记上诉，判决未生效。", "Appeal recorded; the judgment is not in force. ")),
                    app::rules::dates::format_shanghai(at, lang)
                ));
            }
        } else if judged && !has("effective") {
            view.can_record_appeal =
                matches!(me.role, Role::Clerk | Role::Judge) && me.court_id == Some(case.court_id);
        }
        Ok(())
    }
}
