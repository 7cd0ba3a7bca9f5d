//! The services behind the server functions and the REST API: the server's implementation
//! of `app::api::port::Backend`. Every method checks the caller itself.

use crate::config::ServeArgs;
use crate::crypto;
use crate::progress;
use crate::sms::{self, SmsGateway};
use crate::store::{self, Db};
use app::api::port::{Backend, Caller, NewSession};
use app::api::types::*;
use app::api::AppError;
use app::i18n::t;
use app::rules::case_number::CaseNumber;
use app::rules::dates::CivilDate;
use app::rules::ids::{Mobile, ResidentId};
use app::rules::Lang;
use std::net::IpAddr;
use std::sync::Arc;

/// Sign-in limits (OWASP ASVS 5.0 §6.3, §6.6; NIST SP 800-63B §5.2.2 rate limiting).
pub mod limits {
    /// A code is valid this long (ASVS: at most 10 minutes).
    pub const CODE_VALID_SECS: i64 = 5 * 60;
    /// Wrong tries before a code is void.
    pub const CODE_MAX_ATTEMPTS: i64 = 5;
    /// Wait between two codes to one number.
    pub const RESEND_AFTER_SECS: i64 = 60;
    pub const CODES_PER_NUMBER_PER_HOUR: i64 = 5;
    pub const CODES_PER_NUMBER_PER_DAY: i64 = 10;
    pub const CODES_PER_IP_PER_HOUR: i64 = 20;
    pub const FAILED_CODES_PER_IP_PER_HOUR: i64 = 30;
    pub const FAILED_PASSWORDS_PER_NUMBER_PER_HOUR: i64 = 10;
    pub const FAILED_QUERIES_PER_IP_PER_HOUR: i64 = 20;
}

/// How many cases a staff list shows at most.
const STAFF_LIST_LIMIT: i64 = 200;

pub struct Services {
    pub db: Db,
    pub sms: Arc<dyn SmsGateway>,
    pub demo: bool,
    pub secure_cookies: bool,
    pub idle_secs: i64,
    pub absolute_secs: i64,
    /// The per-case amounts the statute leaves to the court (诉讼费用交纳办法 art. 13, 14);
    /// statutory minimums unless configured.
    pub fee_settings: app::rules::fees::CourtFeeSettings,
    sessions: crate::session_cache::SessionCache,
    /// The payment provider (the built-in sandbox unless another is configured).
    pub payments: Arc<dyn crate::payments::PaymentProvider>,
    /// The sandbox, when it is the provider (its pages are served by this server).
    pub sandbox: Option<Arc<crate::payments::Sandbox>>,
    /// Where this server is reached from outside (links in notifications and SMS).
    public_base: std::sync::RwLock<String>,
    /// Uploaded documents live under here (`relief/...`); paths in the database are relative.
    pub data_dir: std::path::PathBuf,
    /// Evidence uploads: limits, the blob store, transfers running (`uploads.rs`).
    pub uploads: crate::uploads::Uploads,
    /// The service log and the key that signs it (`service_log.rs`).
    pub log: Arc<crate::service_log::ServiceLog>,
    /// The font of generated notices and receipts: loaded at the first notice (it is large).
    pdf_font: (Option<std::path::PathBuf>, std::sync::OnceLock<Result<Arc<crate::pdf::PdfFont>, String>>),
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Database and other unexpected failures: logged with their cause, shown as a plain
/// "try again later".
pub fn internal(lang: Lang) -> impl Fn(sqlx::Error) -> AppError {
    move |e| {
        tracing::error!(error = %e, "storage failure");
        unavailable(lang)
    }
}

/// The plain "try again later" for any failure that is not the caller's (log the cause first).
pub fn unavailable(lang: Lang) -> AppError {
    AppError::Internal(
        t(lang, ("系统出了点问题，请稍后再试。", "Something went wrong. Please try again later.")).into(),
    )
}

fn not_found(lang: Lang) -> AppError {
    AppError::NotFound(
        t(lang, ("没有找到这个案件，或者您无权查看。", "No such case among those you may see.")).into(),
    )
}

fn not_signed_in(lang: Lang) -> AppError {
    AppError::NotSignedIn(t(lang, ("请先登录。", "Please sign in first.")).into())
}

impl Services {
    pub fn new(args: &ServeArgs, db: Db, log: crate::service_log::ServiceLog) -> Services {
        let sms: Arc<dyn SmsGateway> = match (args.sms_provider.as_str(), &args.sms_url) {
            ("http", Some(url)) => {
                Arc::new(sms::HttpGateway::new(url.clone(), args.sms_key.clone().unwrap_or_default()))
            }
            _ => Arc::new(sms::DevSink),
        };
        let sandbox = crate::payments::Sandbox::new(db.clone(), {
            use rand::Rng;
            rand::rng().random::<[u8; 32]>().to_vec()
        });
        Services {
            db,
            sms,
            demo: args.demo,
            secure_cookies: args.public_url.starts_with("https://"),
            idle_secs: args.session_idle_minutes * 60,
            absolute_secs: args.session_absolute_hours * 3600,
            // Checked at start (`startup::spawn`): an unlawful amount stops the server.
            fee_settings: args.fees.settings().unwrap_or_default(),
            sessions: Default::default(),
            payments: Arc::new(sandbox.clone()),
            sandbox: Some(sandbox),
            public_base: std::sync::RwLock::new(args.public_url.trim_end_matches('/').to_string()),
            data_dir: args.storage.data_dir.clone(),
            uploads: crate::uploads::Uploads::new(args),
            log: Arc::new(log),
            pdf_font: (args.service.pdf_font.clone(), std::sync::OnceLock::new()),
        }
    }

    /// The font for notices and receipts; a missing font is logged once and reported as "try
    /// again later" (the administrator installs it: fonts-noto-cjk, or POCKET_COURT_PDF_FONT).
    pub fn pdf_font(&self, lang: Lang) -> Result<Arc<crate::pdf::PdfFont>, AppError> {
        let (path, cell) = &self.pdf_font;
        let font = cell.get_or_init(|| {
            crate::pdf::PdfFont::load(path.as_deref()).map(Arc::new).map_err(|e| {
                tracing::error!(error = %e, "no font for notices");
                e.to_string()
            })
        });
        font.clone().map_err(|_| unavailable(lang))
    }

    pub fn public_base(&self) -> String {
        self.public_base.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Once the port is known (it may be 0 in the configuration), links to this server use it.
    pub fn set_public_base(&self, base: String) {
        if let Some(sandbox) = &self.sandbox {
            *sandbox.base_url.write().unwrap_or_else(|e| e.into_inner()) = base.clone();
        }
        *self.public_base.write().unwrap_or_else(|e| e.into_inner()) = base;
    }

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
        let now = now();
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

    /// Checks the per-number and per-address limits, then creates and texts a code.
    async fn issue_code(&self, caller: &Caller, phone: &Mobile, purpose: &str) -> Result<CodeSent, AppError> {
        use limits::*;
        let lang = caller.lang;
        let now = now();
        let ip = caller.ip.to_string();
        let (last_hour, last) = store::people::codes_sent_to(&self.db, phone.as_str(), now - 3600)
            .await
            .map_err(internal(lang))?;
        if let Some(last) = last {
            let wait = last + RESEND_AFTER_SECS - now;
            if wait > 0 {
                return Err(AppError::RateLimited(match lang {
                    Lang::Zh => format!("刚发过验证码，请{wait}秒后再试。"),
                    Lang::En => format!("A code was just sent. Try again in {wait} seconds."),
                }));
            }
        }
        let (last_day, _) = store::people::codes_sent_to(&self.db, phone.as_str(), now - 86_400)
            .await
            .map_err(internal(lang))?;
        if last_hour >= CODES_PER_NUMBER_PER_HOUR || last_day >= CODES_PER_NUMBER_PER_DAY {
            return Err(AppError::RateLimited(
                t(
                    lang,
                    (
                        "这个号码今天收到的验证码太多了，请1小时后再试。",
                        "Too many codes for this number. Try again in an hour.",
                    ),
                )
                .into(),
            ));
        }
        if store::people::codes_sent_from(&self.db, &ip, now - 3600).await.map_err(internal(lang))?
            >= CODES_PER_IP_PER_HOUR
        {
            return Err(AppError::RateLimited(
                t(
                    lang,
                    (
                        "这台设备请求验证码太频繁，请1小时后再试。",
                        "Too many code requests from this device. Try again in an hour.",
                    ),
                )
                .into(),
            ));
        }
        let request_id = crypto::random_token();
        let code = crypto::otp_code();
        store::people::insert_code(
            &self.db,
            store::people::NewCode {
                request_id: &request_id,
                phone: phone.as_str(),
                purpose,
                code_hash: &crypto::code_hash(&request_id, &code),
                ip: &ip,
                now,
                expires_at: now + CODE_VALID_SECS,
            },
        )
        .await
        .map_err(internal(lang))?;
        // The SMS says who sends it and warns against sharing: court SMS is often taken for fraud.
        let text = format!(
            "【浏阳市人民法院】您的掌上法庭登录验证码是{code}，{}分钟内有效。请勿告诉任何人，法院工作人员不会向您索要。",
            CODE_VALID_SECS / 60
        );
        let sms = sms::Outgoing {
            phone: phone.as_str(),
            text: &text,
            purpose: "sign_in",
            case_id: None,
            court_id: None,
            now,
        };
        sms::send(&self.db, self.sms.as_ref(), sms).await.map_err(|e| {
            tracing::error!(error = %e, "SMS send failed");
            AppError::Internal(
                t(
                    lang,
                    ("短信没有发出去，请稍后再试。", "The SMS could not be sent. Please try again later."),
                )
                .into(),
            )
        })?;
        Ok(CodeSent {
            request_id,
            resend_after_secs: RESEND_AFTER_SECS as u32,
            valid_minutes: (CODE_VALID_SECS / 60) as u32,
        })
    }

    fn mobile(&self, phone: &str, lang: Lang) -> Result<Mobile, AppError> {
        Mobile::parse(phone).map_err(|e| AppError::Invalid(e.message(lang)))
    }

    pub(crate) fn require_me<'a>(&self, caller: &'a Caller) -> Result<&'a Me, AppError> {
        caller.me.as_ref().ok_or_else(|| not_signed_in(caller.lang))
    }

    /// Loads a case if the caller may see it; "not found" otherwise (never "forbidden", so
    /// case ids cannot be probed). Returns the case and the caller's side, if a party.
    pub async fn visible_case(
        &self,
        caller: &Caller,
        case_id: i64,
    ) -> Result<(store::cases::CaseRow, Option<String>), AppError> {
        let lang = caller.lang;
        let me = self.require_me(caller)?;
        // One round trip: the case, and the caller's side in it (for staff, none).
        let (case, side) = store::cases::case_with_side(&self.db, case_id, me.id)
            .await
            .map_err(internal(lang))?
            .ok_or_else(|| not_found(lang))?;
        let side = may_see(me, &case, side).ok_or_else(|| not_found(lang))?;
        Ok((case, side))
    }
}

/// Whether `me` may see `case`, given their side in it: `Some(side)` if they may (a staff
/// member's side is `None`), `None` if not — which callers answer as "not found", the same
/// answer as for a case that does not exist.
fn may_see(me: &Me, case: &store::cases::CaseRow, side: Option<String>) -> Option<Option<String>> {
    if me.role.is_staff() {
        // Staff see cases of their own court, and cross-region filings handed in there.
        let court = me.court_id?;
        return (case.court_id == court || case.receiving_court_id == Some(court)).then_some(None);
    }
    // Litigants and agents see the cases where they (or the party they act for) are a party.
    side.map(Some)
}

/// 4301**********1234: enough to recognise, not enough to misuse.
pub fn mask_resident_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 8))
}

#[async_trait::async_trait]
impl Backend for Services {
    async fn caller(&self, token: Option<&str>, lang: Lang, ip: IpAddr) -> Result<Caller, AppError> {
        let mut caller = Caller { me: None, lang, ip, session: None };
        let Some(token) = token.filter(|t| t.len() == 64) else {
            return Ok(caller);
        };
        let hash = crypto::sha256_hex(token.as_bytes());
        let s = match self.sessions.get(&hash) {
            Some(s) => s,
            None => {
                let Some(s) = store::people::session(&self.db, &hash).await.map_err(internal(lang))? else {
                    return Ok(caller);
                };
                self.sessions.put(&hash, s.clone());
                s
            }
        };
        let now = now();
        if now >= s.expires_at || now >= s.last_seen_at + self.idle_secs {
            self.sessions.forget(&hash);
            store::people::delete_session(&self.db, &hash).await.map_err(internal(lang))?;
            return Ok(caller);
        }
        // Record activity at most once a minute: reading pages should not write every time.
        if now - s.last_seen_at >= 60 {
            store::people::touch_session(&self.db, &hash, now).await.map_err(internal(lang))?;
            self.sessions.touched(&hash, now);
        }
        caller.me = Some(self.me_from(&s.user));
        caller.session = Some(hash);
        Ok(caller)
    }

    async fn send_code(&self, caller: &Caller, phone: &str) -> Result<CodeSent, AppError> {
        let lang = caller.lang;
        let phone = self.mobile(phone, lang)?;
        if let Some(u) =
            store::people::user_by_phone(&self.db, phone.as_str()).await.map_err(internal(lang))?
        {
            if Role::parse(&u.role).is_some_and(Role::is_staff) {
                return Err(AppError::Forbidden(
                    t(
                        lang,
                        (
                            "这是工作人员的号码，请从“工作人员登录”进入。",
                            "This is a staff number: use the staff sign-in.",
                        ),
                    )
                    .into(),
                ));
            }
        }
        self.issue_code(caller, &phone, "litigant").await
    }

    async fn verify_code(
        &self,
        caller: &Caller,
        phone: &str,
        request_id: &str,
        code: &str,
    ) -> Result<NewSession, AppError> {
        use limits::*;
        let lang = caller.lang;
        let phone = self.mobile(phone, lang)?;
        let now = now();
        let ip = caller.ip.to_string();
        if store::people::failures_from(&self.db, &ip, "code", now - 3600).await.map_err(internal(lang))?
            >= FAILED_CODES_PER_IP_PER_HOUR
        {
            return Err(AppError::RateLimited(
                t(lang, ("输错次数太多，请1小时后再试。", "Too many wrong codes. Try again in an hour."))
                    .into(),
            ));
        }
        let ask_again = |zh: &'static str, en: &'static str| AppError::Invalid(t(lang, (zh, en)).into());
        let row = store::people::code(&self.db, request_id).await.map_err(internal(lang))?;
        let Some(row) = row.filter(|r| r.phone == phone.as_str()) else {
            return Err(ask_again("验证码无效，请重新获取。", "That code is not valid. Ask for a new one."));
        };
        if row.consumed_at.is_some() {
            return Err(AppError::Conflict(
                t(
                    lang,
                    ("这个验证码已经用过了，请重新获取。", "This code was already used. Ask for a new one."),
                )
                .into(),
            ));
        }
        if now >= row.expires_at {
            return Err(ask_again("验证码已过期，请重新获取。", "The code has expired. Ask for a new one."));
        }
        if row.attempts >= CODE_MAX_ATTEMPTS {
            return Err(ask_again(
                "输错5次，这个验证码已作废，请重新获取。",
                "5 wrong tries: this code is void. Ask for a new one.",
            ));
        }
        let typed: String = code.chars().filter(|c| c.is_ascii_digit()).collect();
        if !crypto::constant_time_eq(&crypto::code_hash(request_id, &typed), &row.code_hash) {
            let tries =
                store::people::add_code_attempt(&self.db, request_id).await.map_err(internal(lang))?;
            store::people::record_failure(&self.db, &ip, Some(phone.as_str()), "code", now)
                .await
                .map_err(internal(lang))?;
            let left = CODE_MAX_ATTEMPTS - tries;
            return Err(AppError::Invalid(if left > 0 {
                match lang {
                    Lang::Zh => format!("验证码不对，还可以再试{left}次。"),
                    Lang::En => format!("Wrong code. {left} tries left."),
                }
            } else {
                t(
                    lang,
                    (
                        "输错5次，这个验证码已作废，请重新获取。",
                        "5 wrong tries: this code is void. Ask for a new one.",
                    ),
                )
                .into()
            }));
        }
        // Exactly one request may use the code: a double tap or a replay loses here.
        if !store::people::consume_code(&self.db, request_id, now).await.map_err(internal(lang))? {
            return Err(AppError::Conflict(
                t(
                    lang,
                    ("这个验证码已经用过了，请重新获取。", "This code was already used. Ask for a new one."),
                )
                .into(),
            ));
        }
        let user = match row.purpose.as_str() {
            "staff" => store::people::user_by_phone(&self.db, phone.as_str())
                .await
                .map_err(internal(lang))?
                .filter(|u| Role::parse(&u.role).is_some_and(Role::is_staff))
                .ok_or_else(|| {
                    ask_again("验证码无效，请重新获取。", "That code is not valid. Ask for a new one.")
                })?,
            _ => {
                let u = store::people::ensure_litigant(&self.db, phone.as_str(), now)
                    .await
                    .map_err(internal(lang))?;
                if Role::parse(&u.role).is_some_and(Role::is_staff) {
                    return Err(ask_again(
                        "这是工作人员的号码，请从“工作人员登录”进入。",
                        "This is a staff number: use the staff sign-in.",
                    ));
                }
                u
            }
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
        let now = now();
        if store::people::failures_for_phone(&self.db, phone.as_str(), "password", now - 3600)
            .await
            .map_err(internal(lang))?
            >= FAILED_PASSWORDS_PER_NUMBER_PER_HOUR
        {
            return Err(AppError::RateLimited(
                t(
                    lang,
                    ("密码输错太多次，账号暂时锁定1小时。", "Too many wrong passwords: locked for an hour."),
                )
                .into(),
            ));
        }
        let user = store::people::user_by_phone(&self.db, phone.as_str()).await.map_err(internal(lang))?;
        let hash = user
            .as_ref()
            .filter(|u| Role::parse(&u.role).is_some_and(Role::is_staff))
            .and_then(|u| u.password_hash.clone());
        let password = password.to_string();
        // Argon2 is deliberately slow: off the async runtime. An unknown number is checked
        // against a dummy hash so both answers take the same time.
        let ok = tokio::task::spawn_blocking(move || match hash {
            Some(h) => crypto::verify_password(&password, &h),
            None => {
                let _ = crypto::verify_password(&password, DUMMY_HASH);
                false
            }
        })
        .await
        .unwrap_or(false);
        if !ok {
            store::people::record_failure(
                &self.db,
                &caller.ip.to_string(),
                Some(phone.as_str()),
                "password",
                now,
            )
            .await
            .map_err(internal(lang))?;
            return Err(AppError::Invalid(
                t(lang, ("手机号或密码不对。", "Wrong phone number or password.")).into(),
            ));
        }
        self.issue_code(caller, &phone, "staff").await
    }

    async fn sign_out(&self, caller: &Caller, everywhere: bool) -> Result<(), AppError> {
        let lang = caller.lang;
        if let (Some(me), Some(hash)) = (&caller.me, &caller.session) {
            if everywhere {
                store::people::delete_sessions_of(&self.db, me.id).await.map_err(internal(lang))?;
                self.sessions.forget_user(me.id);
            } else {
                store::people::delete_session(&self.db, hash).await.map_err(internal(lang))?;
                self.sessions.forget(hash);
            }
        }
        Ok(())
    }

    async fn save_profile(&self, caller: &Caller, name: &str, resident_id: &str) -> Result<Me, AppError> {
        let lang = caller.lang;
        let me = self.require_me(caller)?;
        let name = app::ui::profile_form::check_name(name, lang).map_err(AppError::Invalid)?;
        let today = CivilDate::from_unix_shanghai(now());
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
        self.sessions.forget_user(me.id);
        let user = store::people::user_by_id(&self.db, me.id)
            .await
            .map_err(internal(lang))?
            .ok_or_else(|| not_signed_in(lang))?;
        Ok(self.me_from(&user))
    }

    async fn my_cases(&self, caller: &Caller) -> Result<Vec<CaseSummary>, AppError> {
        let lang = caller.lang;
        let me = self.require_me(caller)?;
        let now = now();
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
                let who = if crate::fee_service::prepays(Some(side)) {
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
        let payer = crate::fee_service::prepays(side.as_deref());
        let fee_due = if payer { sheet.fee_balance_fen } else { 0 };
        let now = now();
        let mut view = progress::full(&sheet.case, &sheet.parties, &sheet.events, fee_due, lang, now);
        // A refund goes back to the side that paid (art. 53); staff see it as a task.
        if payer || me.role.is_staff() {
            view.refund_open_fen = sheet.refund_open_fen;
            view.refund_deadline =
                sheet.case.refund_due_at.map(|at| crate::fee_service::refund_deadline_view(at, lang, now));
        }
        view.can_close = crate::fee_service::can_close_now(me, &sheet.case, &sheet.events);
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
        let now = now();
        let ip = caller.ip.to_string();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resident_ids_are_masked_in_the_middle() {
        assert_eq!(mask_resident_id("430181199001011234"), "4301**********1234");
        assert_eq!(mask_resident_id("123"), "***");
    }
}
