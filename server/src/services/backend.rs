//! The port every server function reaches (`app::api::port::Backend`): sign-in and
//! sessions, the profile, and the case reads, with the other areas' reads handed on. The top
//! of the services layer: it may use every area; no area uses it.

use super::{internal, mask_resident_id, may_see, not_found, not_signed_in, Services};
use super::{limits, STAFF_LIST_LIMIT};
use crate::adapters::crypto;
use crate::services::progress;
use crate::store::{self};
use app::api::port::{Backend, Caller, NewSession};
use app::api::types::*;
use app::api::{AppError, Refusal};
use app::i18n::t;
use app::rules::case_number::CaseNumber;
use app::rules::dates::CivilDate;
use app::rules::ids::{Mobile, ResidentId};
use app::rules::Lang;
use std::net::IpAddr;

impl Services {
    fn me_from(&self, u: &store::people::UserRow) -> Me {
        let lang_name = |zh: &Option<String>, _en: &Option<String>| zh.clone();
        Me {
            id: u.id,
            role: Role::parse(&u.role).unwrap_or(Role::Litigant),
            phone_masked: Mobile::parse(&u.phone).map(|m| m.masked()).unwrap_or_else(|_| "***".into()),
            name: u.name.clone(),
            resident_id_masked: u.resident_id.as_deref().map(mask_resident_id),
            court_id: u.court_id,
            court_name: lang_name(&u.court_name_zh, &u.court_name_en),
        }
    }

    /// Opens a session for a person who has just proved who they are.
    async fn open_session(&self, user: &store::people::UserRow, lang: Lang) -> Result<NewSession, AppError> {
        let token = crypto::random_token();
        let now = self.now();
        store::people::insert_session(
            &self.db,
            &crypto::sha256_hex(token.as_bytes()),
            user.id,
            now,
            now + self.absolute_secs,
        )
        .await
        .map_err(internal(lang))?;
        Ok(NewSession { me: self.me_from(user), token, max_age_secs: self.absolute_secs })
    }
}

#[async_trait::async_trait]
impl Backend for Services {
    async fn caller(&self, token: Option<&str>, lang: Lang, ip: IpAddr) -> Result<Caller, AppError> {
        let mut caller = Caller { me: None, lang, ip, session: None };
        let Some(token) = token.filter(|t| t.len() == 64) else {
            return Ok(caller);
        };
        let hash = crypto::sha256_hex(token.as_bytes());
        // Read every time (no cache): a sign-out, here or in another server process, ends the
        // session for the very next request.
        let Some(s) = store::people::session(&self.db, &hash).await.map_err(internal(lang))? else {
            return Ok(caller);
        };
        let now = self.now();
        if now >= s.expires_at || now >= s.last_seen_at + self.idle_secs {
            store::people::delete_session(&self.db, &hash).await.map_err(internal(lang))?;
            return Ok(caller);
        }
        // Record activity at most once a minute: reading pages should not write every time.
        if now - s.last_seen_at >= 60 {
            store::people::touch_session(&self.db, &hash, now).await.map_err(internal(lang))?;
        }
        caller.me = Some(self.me_from(&s.user));
        caller.session = Some(hash);
        Ok(caller)
    }

    async fn send_code(&self, caller: &Caller, phone: &str) -> Result<CodeSent, AppError> {
        let lang = caller.lang;
        let phone = self.mobile(phone, lang)?;
        // A staff number gets the same answer as any other (saying "this is a staff number"
        // told anyone which numbers are the court's staff): a code is made and counted alike,
        // and the SMS — seen only by the number's owner — tells them to use the staff
        // sign-in. `verify_code` never opens a litigant session for a staff number.
        self.issue_code(caller, &phone, "litigant").await
    }

    async fn verify_code(
        &self,
        caller: &Caller,
        phone: &str,
        request_id: &str,
        code: &str,
    ) -> Result<NewSession, AppError> {
        let lang = caller.lang;
        // The plain form (no JavaScript) sends the code with its request id only: the number
        // is the one the code was sent to (the address bar never carries it).
        let phone = if phone.trim().is_empty() {
            let row = store::people::code(&self.db, request_id).await.map_err(internal(lang))?;
            let row = row.ok_or_else(|| Refusal::CodeInvalid.in_lang(lang))?;
            self.mobile(&row.phone, lang)?
        } else {
            self.mobile(phone, lang)?
        };
        let row = self.redeem_code(caller, &phone, request_id, code, &["litigant", "staff"]).await?;
        let ask_again = |r: Refusal| r.in_lang(lang);
        let now = self.now();
        let user = match row.purpose.as_str() {
            "staff" => store::people::user_by_phone(&self.db, phone.as_str())
                .await
                .map_err(internal(lang))?
                .filter(|u| Role::parse(&u.role).is_some_and(Role::is_staff))
                .ok_or_else(|| ask_again(Refusal::CodeInvalid))?,
            "litigant" => {
                let u = store::people::ensure_litigant(&self.db, phone.as_str(), now)
                    .await
                    .map_err(internal(lang))?;
                if Role::parse(&u.role).is_some_and(Role::is_staff) {
                    // The same answer as a wrong code: a staff number is not told apart here.
                    return Err(ask_again(Refusal::CodeInvalid));
                }
                u
            }
            _ => return Err(ask_again(Refusal::CodeInvalid)),
        };
        self.open_session(&user, lang).await
    }

    async fn staff_password(
        &self,
        caller: &Caller,
        phone: &str,
        password: &str,
    ) -> Result<CodeSent, AppError> {
        use limits::*;
        let lang = caller.lang;
        let phone = self.mobile(phone, lang)?;
        let now = self.now();
        let ip = caller.rate_key();
        // Each try is recorded before it is judged (a burst counts like tries one by one) and
        // taken back if the password was right. Limits: per address, and per number *from that
        // address* — a stranger's wrong passwords never lock a judge out, whose number is on
        // every case page (the code sent to the staff member's phone is the second factor).
        let pending = store::people::record_failure(&self.db, &ip, Some(phone.as_str()), "password", now)
            .await
            .map_err(internal(lang))?;
        let (from_ip, this_number) = tokio::try_join!(
            store::people::failures_from(&self.db, &ip, "password", now - 3600),
            store::people::failures_for_phone_from(&self.db, phone.as_str(), &ip, "password", now - 3600),
        )
        .map_err(internal(lang))?;
        if from_ip > FAILED_PASSWORDS_PER_IP_PER_HOUR || this_number > FAILED_PASSWORDS_PER_NUMBER_PER_HOUR {
            return Err(Refusal::TooManyPasswords.in_lang(lang));
        }
        let user = store::people::user_by_phone(&self.db, phone.as_str()).await.map_err(internal(lang))?;
        let hash = user
            .as_ref()
            .filter(|u| Role::parse(&u.role).is_some_and(Role::is_staff))
            .and_then(|u| u.password_hash.clone());
        let password = password.to_string();
        // Argon2 is deliberately slow and takes 19 MiB: off the async runtime, and no more at
        // once than the machine has cores — a flood of sign-ins waits its turn (a short while)
        // instead of exhausting CPU and memory. An unknown number is checked against a dummy
        // hash so both answers take the same time.
        let busy = || Refusal::SignInBusy.in_lang(lang);
        let permit = tokio::time::timeout(std::time::Duration::from_secs(5), self.password_checks.acquire())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        let ok = tokio::task::spawn_blocking(move || match hash {
            Some(h) => crypto::verify_password(&password, &h),
            None => {
                let _ = crypto::verify_password(&password, DUMMY_HASH);
                false
            }
        })
        .await
        .unwrap_or(false);
        drop(permit);
        if !ok {
            return Err(Refusal::WrongPassword.in_lang(lang));
        }
        store::people::forget_failure(&self.db, pending).await.map_err(internal(lang))?;
        self.issue_code(caller, &phone, "staff").await
    }

    async fn sign_out(&self, caller: &Caller, everywhere: bool) -> Result<(), AppError> {
        let lang = caller.lang;
        if let (Some(me), Some(hash)) = (&caller.me, &caller.session) {
            if everywhere {
                store::people::delete_sessions_of(&self.db, me.id).await.map_err(internal(lang))?;
            } else {
                store::people::delete_session(&self.db, hash).await.map_err(internal(lang))?;
            }
        }
        Ok(())
    }

    async fn save_profile(&self, caller: &Caller, name: &str, resident_id: &str) -> Result<Me, AppError> {
        let lang = caller.lang;
        let me = self.require_me(caller)?;
        let name = app::ui::profile_form::check_name(name, lang).map_err(AppError::Invalid)?;
        let today = CivilDate::from_unix_shanghai(self.now());
        let id = ResidentId::parse(resident_id, today).map_err(|e| AppError::Invalid(e.message(lang)))?;
        if let Err(e) = store::people::set_profile(&self.db, me.id, &name, id.as_str()).await {
            if store::violated_constraint(&e).is_some_and(|c| c.contains("resident_id")) {
                return Err(AppError::Conflict(
                    t(
                        lang,
                        (
                            "这个身份证号码已被另一个账号使用。如有疑问请联系法院。",
                            "This ID number is used by another account. Please contact the court.",
                        ),
                    )
                    .into(),
                ));
            }
            return Err(internal(lang)(e));
        }
        let user = store::people::user_by_id(&self.db, me.id)
            .await
            .map_err(internal(lang))?
            .ok_or_else(|| not_signed_in(lang))?;
        Ok(self.me_from(&user))
    }

    async fn my_cases(&self, caller: &Caller) -> Result<Vec<CaseSummary>, AppError> {
        let lang = caller.lang;
        let me = self.require_me(caller)?;
        let now = self.now();
        if me.role.is_staff() {
            let Some(court) = me.court_id else { return Ok(vec![]) };
            let cases = store::cases::cases_of_court(&self.db, court, STAFF_LIST_LIMIT)
                .await
                .map_err(internal(lang))?;
            let events = store::cases::events_of_court(&self.db, court, STAFF_LIST_LIMIT)
                .await
                .map_err(internal(lang))?;
            return Ok(cases
                .iter()
                .map(|c| {
                    progress::summary(
                        c,
                        &events_for(&events, c.id),
                        t(lang, ("本院案件", "This court")).to_string(),
                        progress::Audience::Staff,
                        lang,
                        now,
                    )
                })
                .collect());
        }
        let cases = store::cases::cases_of_person(&self.db, me.id).await.map_err(internal(lang))?;
        let events = store::cases::events_of_person(&self.db, me.id).await.map_err(internal(lang))?;
        Ok(cases
            .iter()
            .map(|(c, side, as_agent)| {
                let who = if crate::services::fees::prepays(Some(side)) {
                    progress::Audience::Payer
                } else {
                    progress::Audience::Other
                };
                let side = progress::side_label(side, *as_agent, lang);
                progress::summary(c, &events_for(&events, c.id), side, who, lang, now)
            })
            .collect())
    }

    async fn case_progress(&self, caller: &Caller, case_id: i64) -> Result<CaseProgress, AppError> {
        let lang = caller.lang;
        let me = self.require_me(caller)?;
        // One round trip: the case, the caller's side, its parties and events.
        let sheet = store::cases::case_sheet(&self.db, case_id, me.id)
            .await
            .map_err(internal(lang))?
            .ok_or_else(|| not_found(lang))?;
        let side = may_see(me, &sheet.case, sheet.my_side).ok_or_else(|| not_found(lang))?;
        // What the caller is asked to pay: the plaintiff's side prepays (诉讼费用交纳办法 art. 20).
        let payer = crate::services::fees::prepays(side.as_deref());
        let fee_due = if payer { sheet.fee_balance_fen } else { 0 };
        let now = self.now();
        let mut view = progress::full(&sheet.case, &sheet.parties, &sheet.events, fee_due, lang, now);
        // A refund goes back to the side that paid (art. 53); staff see it as a task.
        if payer || me.role.is_staff() {
            view.refund_open_fen = sheet.refund_open_fen;
            view.refund_deadline =
                sheet.case.refund_due_at.map(|at| crate::services::fees::refund_deadline_view(at, lang, now));
        }
        view.can_close = crate::services::fees::can_close_now(me, &sheet.case, &sheet.events);
        // 诉中调解: its parties and the court see the case's mediation; its judge may start one.
        if side.is_some() || crate::services::own_court_staff(me, &sheet.case) {
            let (link, start) = self.case_mediation_part(me, &sheet.case, view.can_close, lang).await?;
            view.mediation = link;
            view.mediation_start = start;
        }
        // The representations: the party each acts for may revoke its own; the case's court may
        // end any. The agent and the other side see none of these buttons.
        let court = crate::services::own_court_staff(me, &sheet.case);
        view.agents = sheet
            .agents
            .iter()
            .filter(|a| court || a.party_user_id == Some(me.id))
            .map(|a| AgentView {
                id: a.id,
                party_name: a.party_name.clone(),
                agent_name: a.agent_name.clone().unwrap_or_else(|| t(lang, ("代理人", "Agent")).into()),
            })
            .collect();
        self.procedure_view(me, &sheet.case, &sheet.events, lang, &mut view).await?;
        view.filing = self.filing_status(me, &sheet.case, lang).await?;
        Ok(view)
    }

    async fn find_case(&self, caller: &Caller, number: &CaseNumber) -> Result<i64, AppError> {
        let lang = caller.lang;
        self.require_me(caller)?;
        let id = store::cases::case_id_by_number(&self.db, &number.to_string())
            .await
            .map_err(internal(lang))?
            .ok_or_else(|| not_found(lang))?;
        // The same answer for a case that exists but is not theirs.
        self.visible_case(caller, id).await.map(|(c, _)| c.id)
    }

    async fn public_query(
        &self,
        caller: &Caller,
        number: &CaseNumber,
        query_code: &str,
    ) -> Result<PublicProgress, AppError> {
        use limits::*;
        let lang = caller.lang;
        let now = self.now();
        let ip = caller.rate_key();
        if store::people::failures_from(&self.db, &ip, "query", now - 3600).await.map_err(internal(lang))?
            >= FAILED_QUERIES_PER_IP_PER_HOUR
        {
            return Err(AppError::RateLimited(
                t(
                    lang,
                    ("查询失败次数太多，请1小时后再试。", "Too many failed look-ups. Try again in an hour."),
                )
                .into(),
            ));
        }
        let wrong = || {
            AppError::NotFound(
                t(
                    lang,
                    (
                        "案号或查询码不对。请核对受理通知书上的案号和查询码。",
                        "Wrong case number or query code. Check both on the acceptance notice.",
                    ),
                )
                .into(),
            )
        };
        let code: String =
            query_code.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
        let found = match store::cases::case_id_by_number(&self.db, &number.to_string())
            .await
            .map_err(internal(lang))?
        {
            Some(id) => store::cases::case_by_id(&self.db, id).await.map_err(internal(lang))?,
            None => None,
        };
        let Some(case) = found.filter(|c| crypto::constant_time_eq(&c.query_code, &code)) else {
            store::people::record_failure(&self.db, &ip, None, "query", now).await.map_err(internal(lang))?;
            return Err(wrong());
        };
        let events = store::cases::events(&self.db, case.id).await.map_err(internal(lang))?;
        Ok(progress::public(&case, &events, lang, now))
    }

    async fn case_fees(
        &self,
        caller: &Caller,
        case_id: i64,
        returning: Option<&str>,
    ) -> Result<CaseFees, AppError> {
        Services::case_fees(self, caller, case_id, returning).await
    }

    async fn fee_receipt(
        &self,
        caller: &Caller,
        case_id: i64,
        out_trade_no: &str,
    ) -> Result<FeeReceipt, AppError> {
        Services::fee_receipt(self, caller, case_id, out_trade_no).await
    }

    async fn my_filings(&self, caller: &Caller) -> Result<Vec<FilingSummary>, AppError> {
        self.my_filings_of(caller).await
    }

    async fn filing_page(&self, caller: &Caller, id: i64) -> Result<FilingPage, AppError> {
        self.filing_page_of(caller, id).await
    }

    async fn review_queue(&self, caller: &Caller) -> Result<Vec<ReviewItem>, AppError> {
        self.review_queue_of(caller).await
    }

    async fn filing_review(&self, caller: &Caller, case_id: i64) -> Result<FilingReview, AppError> {
        self.filing_review_of(caller, case_id).await
    }

    async fn my_consent(&self, caller: &Caller) -> Result<ConsentView, AppError> {
        self.consent_of(caller).await
    }

    async fn case_service(&self, caller: &Caller, case_id: i64) -> Result<CaseServiceView, AppError> {
        self.case_service_of(caller, case_id).await
    }

    async fn my_inbox(&self, caller: &Caller) -> Result<Vec<ServiceRecordView>, AppError> {
        self.inbox_of(caller).await
    }

    async fn receipt_page(&self, caller: &Caller, id: i64) -> Result<ReceiptPageView, AppError> {
        self.receipt_page_of(caller, id).await
    }

    async fn check_message(&self, caller: &Caller, code: &str) -> Result<CheckedMessage, AppError> {
        self.check_code_of(caller, code).await
    }

    async fn my_mediations(&self, caller: &Caller) -> Result<Vec<MediationSummary>, AppError> {
        Services::my_mediations(self, caller).await
    }

    async fn mediation_queue(&self, caller: &Caller) -> Result<Vec<MediationSummary>, AppError> {
        Services::mediation_queue(self, caller).await
    }

    async fn confirmation_queue(&self, caller: &Caller) -> Result<Vec<MediationSummary>, AppError> {
        Services::confirmation_queue(self, caller).await
    }

    async fn mediation_page(&self, caller: &Caller, id: i64) -> Result<MediationView, AppError> {
        Services::mediation_page(self, caller, id).await
    }

    async fn mediation_figures(&self, caller: &Caller) -> Result<MediationFigures, AppError> {
        Services::mediation_figures(self, caller).await
    }

    async fn mediator_roster(&self, caller: &Caller) -> Result<Vec<MediatorProfileView>, AppError> {
        Services::mediator_roster(self, caller).await
    }

    async fn my_mediator_profile(&self, caller: &Caller) -> Result<MyMediatorProfile, AppError> {
        Services::my_mediator_profile(self, caller).await
    }

    async fn mediation_courts(&self, caller: &Caller) -> Result<Vec<(String, String)>, AppError> {
        let lang = caller.lang;
        let courts = store::filings::courts(&self.db).await.map_err(internal(lang))?;
        Ok(courts
            .into_iter()
            .map(|(code, zh, en)| {
                let name = match lang {
                    Lang::Zh => zh,
                    Lang::En => en,
                };
                (code, name)
            })
            .collect())
    }

    async fn service_figures(
        &self,
        caller: &Caller,
        from: Option<String>,
        to: Option<String>,
    ) -> Result<ServiceFiguresView, AppError> {
        self.service_figures_of(caller, from.as_deref(), to.as_deref()).await
    }

    async fn dev_inbox(&self, caller: &Caller) -> Result<Vec<SmsView>, AppError> {
        let lang = caller.lang;
        if !self.demo {
            return Err(AppError::NotFound(t(lang, ("没有找到这个页面。", "Page not found.")).into()));
        }
        let rows = store::sms::latest(&self.db, 50).await.map_err(internal(lang))?;
        Ok(rows
            .into_iter()
            .map(|r| SmsView {
                to_masked: Mobile::parse(&r.phone).map(|m| m.masked()).unwrap_or_default(),
                to: r.phone,
                body: r.body,
                sent: app::rules::dates::format_shanghai(r.created_at, lang),
            })
            .collect())
    }

    fn secure_cookies(&self) -> bool {
        self.secure_cookies
    }

    fn client_ip(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        crate::config::client_ip(&self.trusted_proxies, peer, forwarded_for)
    }

    fn fee_settings(&self) -> app::rules::fees::CourtFeeSettings {
        self.fee_settings
    }
}

fn events_for(all: &[store::cases::EventRow], case_id: i64) -> Vec<store::cases::EventRow> {
    all.iter().filter(|e| e.case_id == case_id).cloned().collect()
}

/// A valid Argon2id hash of a random password, for timing-safe "no such user".
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0tWQ3Xb0p8dF6gd8j4a2cBZ2s0m9yJw2Yw3s8cHk7qU";
