//! The use cases: the services behind the server functions, the REST API and the form
//! posts — the server's implementation of `app::api::port::Backend`. Every method checks the
//! caller itself. Split by area (fees, filing, relief, procedure, electronic service, …);
//! this module holds what they share: the `Services` struct, sign-in and sessions, the
//! access policy for cases, the clock. No axum or http type and no SQL here or below.

pub mod backend;
pub mod case_mediation;
pub mod codes;
pub mod confirmation;
pub mod e_service;
pub mod fees;
pub mod filing;
pub mod mediation;
pub mod mediation_sessions;
pub mod mediators;
pub mod notices;
pub mod procedure;
pub mod progress;
pub mod relief;
pub mod representation;
pub mod service_log;
pub mod uploads;

use crate::adapters::sms::{self, SmsGateway};
use crate::adapters::wechat_pay::WechatPay;
use crate::config::ServeArgs;
use crate::store::{self, Db};
use app::api::port::Caller;
use app::api::types::*;
use app::api::AppError;
use app::i18n::t;
use app::rules::Lang;
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
    /// Wrong codes for one number in a day, from anywhere: one number cannot be guessed at
    /// from many addresses (a code is 6 digits; 20 tries a day make a hit about 1 in 50,000).
    pub const FAILED_CODES_PER_NUMBER_PER_DAY: i64 = 20;
    /// Wrong staff passwords for one number from one address (not from everywhere: that
    /// would let anyone lock a judge out).
    pub const FAILED_PASSWORDS_PER_NUMBER_PER_HOUR: i64 = 10;
    /// Wrong staff passwords from one address, whatever the number.
    pub const FAILED_PASSWORDS_PER_IP_PER_HOUR: i64 = 30;
    /// Multipart bodies (served PDFs, relief documents) read at once: 4 × 20 MB at most.
    pub const BIG_BODIES_AT_ONCE: usize = 4;
    /// Password checks (argon2, 19 MiB each) running at once.
    pub const PASSWORD_CHECKS_AT_ONCE: usize = 2;
    pub const FAILED_QUERIES_PER_IP_PER_HOUR: i64 = 20;
}

/// How many cases a staff list shows at most.
pub(crate) const STAFF_LIST_LIMIT: i64 = 200;

pub struct Services {
    pub db: Db,
    /// What time it is for every use case (`Services::now`): the system's clock, or one a
    /// test moves.
    pub clock: Arc<dyn crate::adapters::clock::Clock>,
    /// Reverse proxies whose `X-Forwarded-For` is believed (`config::client_ip`).
    pub trusted_proxies: Vec<crate::config::Cidr>,
    /// Room for `limits::BIG_BODIES_AT_ONCE` multipart bodies read into memory at a time (a
    /// served PDF up to 20 MB, relief documents up to 12 MB): memory bounded by concurrency.
    pub big_bodies: tokio::sync::Semaphore,
    /// Room for `limits::PASSWORD_CHECKS_AT_ONCE` password checks at a time.
    pub password_checks: tokio::sync::Semaphore,
    pub sms: Arc<dyn SmsGateway>,
    pub demo: bool,
    pub secure_cookies: bool,
    pub idle_secs: i64,
    pub absolute_secs: i64,
    /// The per-case amounts the statute leaves to the court (诉讼费用交纳办法 art. 13, 14);
    /// statutory minimums unless configured.
    pub fee_settings: app::rules::fees::CourtFeeSettings,
    /// The payment provider, if this court takes payments online. Never a fake outside demo
    /// mode: without a configured provider there is none, and the fee pages say where to pay
    /// at the court instead.
    pub payments: Option<Arc<dyn crate::adapters::payments::PaymentProvider>>,
    /// The sandbox provider and its pages: only with `--demo`.
    pub sandbox: Option<Arc<crate::adapters::payments::Sandbox>>,
    /// Where this server is reached from outside (links in notifications and SMS).
    public_base: std::sync::RwLock<String>,
    /// The court's meeting service for video mediation (`--meeting-url`), https only.
    pub meeting_base: Option<String>,
    /// Uploaded documents live under here (`relief/...`); paths in the database are relative.
    pub data_dir: std::path::PathBuf,
    /// Evidence uploads: limits, the blob store, transfers running (`uploads.rs`).
    pub uploads: crate::services::uploads::Uploads,
    /// The service log and the key that signs it (`service_log.rs`).
    pub log: Arc<crate::services::service_log::ServiceLog>,
    /// The font of generated notices and receipts: loaded at the first notice (it is large).
    pdf_font:
        (Option<std::path::PathBuf>, std::sync::OnceLock<Result<Arc<crate::adapters::pdf::PdfFont>, String>>),
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

pub(crate) fn not_found(lang: Lang) -> AppError {
    AppError::NotFound(
        t(lang, ("没有找到这个案件，或者您无权查看。", "No such case among those you may see.")).into(),
    )
}

pub(crate) fn not_signed_in(lang: Lang) -> AppError {
    AppError::NotSignedIn(t(lang, ("请先登录。", "Please sign in first.")).into())
}

impl Services {
    pub fn new(
        args: &ServeArgs,
        db: Db,
        log: crate::services::service_log::ServiceLog,
        clock: Arc<dyn crate::adapters::clock::Clock>,
    ) -> Services {
        let sms: Arc<dyn SmsGateway> = match (args.sms_provider.as_str(), &args.sms_url) {
            ("http", Some(url)) => {
                Arc::new(sms::HttpGateway::new(url.clone(), args.sms_key.clone().unwrap_or_default()))
            }
            _ => Arc::new(sms::DevSink),
        };
        // The sandbox moves no money: it exists only in demo mode (never a fake in production).
        let sandbox = args.demo.then(|| {
            use rand::Rng;
            crate::adapters::payments::Sandbox::new(db.clone(), rand::rng().random::<[u8; 32]>().to_vec())
        });
        // Demo: the sandbox, whatever else is set. Otherwise the provider configured, if any
        // (WeChat Pay API v3). Its settings were checked at start (`startup`): an error here
        // would mean no online payment — never a fake one.
        let payments: Option<Arc<dyn crate::adapters::payments::PaymentProvider>> = match &sandbox {
            Some(s) => Some(Arc::new(s.clone())),
            None => match args.payment.wechat_pay().and_then(|c| c.map(WechatPay::new).transpose()) {
                Ok(Some(wechat)) => Some(Arc::new(wechat)),
                Ok(None) => None,
                Err(e) => {
                    tracing::error!(error = %e, "WeChat Pay settings refused: no online payment");
                    None
                }
            },
        };
        Services {
            db,
            sms,
            demo: args.demo,
            secure_cookies: args.public_url.starts_with("https://"),
            idle_secs: args.session_idle_minutes * 60,
            absolute_secs: args.session_absolute_hours * 3600,
            // Checked at start (`startup::spawn`): an unlawful amount stops the server.
            fee_settings: args.fees.settings().unwrap_or_default(),
            payments,
            sandbox,
            public_base: std::sync::RwLock::new(args.public_url.trim_end_matches('/').to_string()),
            meeting_base: args.meeting_url.clone().filter(|u| u.starts_with("https://")),
            data_dir: args.storage.data_dir.clone(),
            uploads: crate::services::uploads::Uploads::new(args),
            log: Arc::new(log),
            pdf_font: (args.service.pdf_font.clone(), std::sync::OnceLock::new()),
            clock,
            password_checks: tokio::sync::Semaphore::new(limits::PASSWORD_CHECKS_AT_ONCE),
            big_bodies: tokio::sync::Semaphore::new(limits::BIG_BODIES_AT_ONCE),
            // Checked at start (`startup::spawn`): an unreadable entry stops the server.
            trusted_proxies: args.trusted_proxies().unwrap_or_default(),
        }
    }

    /// The font for notices and receipts; a missing font is logged once and reported as "try
    /// again later" (the administrator installs it: fonts-noto-cjk, or POCKET_COURT_PDF_FONT).
    pub fn pdf_font(&self, lang: Lang) -> Result<Arc<crate::adapters::pdf::PdfFont>, AppError> {
        let (path, cell) = &self.pdf_font;
        let font = cell.get_or_init(|| {
            crate::adapters::pdf::PdfFont::load(path.as_deref()).map(Arc::new).map_err(|e| {
                tracing::error!(error = %e, "no font for notices");
                e.to_string()
            })
        });
        font.clone().map_err(|_| unavailable(lang))
    }

    /// Now (unix seconds, UTC), by the injected clock.
    pub fn now(&self) -> i64 {
        self.clock.now()
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
pub(crate) fn may_see(me: &Me, case: &store::cases::CaseRow, side: Option<String>) -> Option<Option<String>> {
    if me.role.is_staff() {
        // Staff see cases of their own court, and cross-region filings handed in there.
        let court = me.court_id?;
        return (case.court_id == court || case.receiving_court_id == Some(court)).then_some(None);
    }
    // Litigants and agents see the cases where they (or the party they act for) are a party.
    side.map(Some)
}

/// Staff of the case's own court: the ones who decide on it (relief, refunds, closing). The
/// receiving court of a cross-region filing sees the case — to check and forward it, or ask
/// for corrections (跨域立案) — and decides nothing else on it.
pub(crate) fn own_court_staff(me: &Me, case: &store::cases::CaseRow) -> bool {
    me.role.is_staff() && me.court_id == Some(case.court_id)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resident_ids_are_masked_in_the_middle() {
        assert_eq!(mask_resident_id("430181199001011234"), "4301**********1234");
        assert_eq!(mask_resident_id("123"), "***");
    }
}
