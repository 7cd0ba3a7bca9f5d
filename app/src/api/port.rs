//! The port through which server functions reach the back end (server-only).
//!
//! The `server` crate implements [`Backend`] with its storage and gateways and hands it to
//! every request through Leptos context (`leptos_routes_with_context` and
//! `handle_server_fns_with_context`). Every method takes the caller and checks, itself,
//! whether the caller may do this: server functions are public endpoints.

use super::error::AppError;
use super::types::*;
use crate::rules::case_number::CaseNumber;
use crate::rules::Lang;
use std::net::IpAddr;
use std::sync::Arc;

/// Who is calling: the request's session (if any), language and address.
#[derive(Clone, Debug)]
pub struct Caller {
    pub me: Option<Me>,
    pub lang: Lang,
    pub ip: IpAddr,
    /// SHA-256 of the session token, hex; present when `me` is.
    pub session: Option<String>,
}

impl Caller {
    /// What rate limits count by: the address, or for IPv6 its /64 — one household or phone
    /// is given a whole /64, so counting single IPv6 addresses would limit nothing.
    pub fn rate_key(&self) -> String {
        match self.ip {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => {
                    let s = v6.segments();
                    format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
                }
            },
        }
    }
}

/// A new session for a person who just signed in.
#[derive(Clone, Debug)]
pub struct NewSession {
    pub me: Me,
    /// The raw token for the cookie. Only its hash is stored.
    pub token: String,
    pub max_age_secs: i64,
}

#[async_trait::async_trait]
pub trait Backend: Send + Sync + 'static {
    /// Resolves a session token (raw, from the cookie) to the person, applying idle and
    /// absolute timeouts.
    async fn caller(&self, token: Option<&str>, lang: Lang, ip: IpAddr) -> Result<Caller, AppError>;

    /// Litigants: sends a sign-in code by SMS.
    async fn send_code(&self, caller: &Caller, phone: &str) -> Result<CodeSent, AppError>;
    /// Litigants: checks the code and opens a session.
    async fn verify_code(
        &self,
        caller: &Caller,
        phone: &str,
        request_id: &str,
        code: &str,
    ) -> Result<NewSession, AppError>;
    /// Staff, step one: password; on success a code is sent to the staff member's phone.
    async fn staff_password(
        &self,
        caller: &Caller,
        phone: &str,
        password: &str,
    ) -> Result<CodeSent, AppError>;
    async fn sign_out(&self, caller: &Caller, everywhere: bool) -> Result<(), AppError>;

    async fn save_profile(&self, caller: &Caller, name: &str, resident_id: &str) -> Result<Me, AppError>;

    async fn my_cases(&self, caller: &Caller) -> Result<Vec<CaseSummary>, AppError>;
    async fn case_progress(&self, caller: &Caller, case_id: i64) -> Result<CaseProgress, AppError>;
    /// Finds one of the caller's cases by its 案号.
    async fn find_case(&self, caller: &Caller, number: &CaseNumber) -> Result<i64, AppError>;
    /// Anonymous: 案号 + 查询码.
    async fn public_query(
        &self,
        caller: &Caller,
        number: &CaseNumber,
        query_code: &str,
    ) -> Result<PublicProgress, AppError>;

    /// A case's fees. `returning` is the order a payer comes back with from the checkout
    /// page: if nothing has been heard of it yet, the provider is asked first.
    async fn case_fees(
        &self,
        caller: &Caller,
        case_id: i64,
        returning: Option<&str>,
    ) -> Result<CaseFees, AppError>;
    /// 缴费凭证 of one paid order of the case.
    async fn fee_receipt(
        &self,
        caller: &Caller,
        case_id: i64,
        out_trade_no: &str,
    ) -> Result<FeeReceipt, AppError>;

    /// The development SMS sink, newest first; `NotFound` unless the server runs with `--demo`.
    /// The caller's open drafts (litigants and agents).
    async fn my_filings(&self, caller: &Caller) -> Result<Vec<FilingSummary>, AppError>;
    /// One of the caller's filings, with what is left to fix and the estimate.
    async fn filing_page(&self, caller: &Caller, id: i64) -> Result<FilingPage, AppError>;
    /// The review queue of the caller's court (clerks and judges).
    async fn review_queue(&self, caller: &Caller) -> Result<Vec<ReviewItem>, AppError>;
    /// A filing opened for review (staff of the target or receiving court).
    async fn filing_review(&self, caller: &Caller, case_id: i64) -> Result<FilingReview, AppError>;
    async fn dev_inbox(&self, caller: &Caller) -> Result<Vec<SmsView>, AppError>;

    /// Anyone signed in: their consent to electronic service and its history.
    async fn my_consent(&self, caller: &Caller) -> Result<ConsentView, AppError>;
    /// Staff of the case's court: who can be served how, and every service record.
    async fn case_service(&self, caller: &Caller, case_id: i64) -> Result<CaseServiceView, AppError>;
    /// Litigants: documents served on them, newest first.
    async fn my_inbox(&self, caller: &Caller) -> Result<Vec<ServiceRecordView>, AppError>;
    /// The recipient and the court's staff: a service record with its receipt.
    async fn receipt_page(&self, caller: &Caller, id: i64) -> Result<ReceiptPageView, AppError>;
    /// Anyone: whether a check code belongs to a message from this court.
    async fn check_message(&self, caller: &Caller, code: &str) -> Result<CheckedMessage, AppError>;
    /// Staff: the court's service figures between two dates (YYYY-MM-DD; default the last 30 days).
    async fn service_figures(
        &self,
        caller: &Caller,
        from: Option<String>,
        to: Option<String>,
    ) -> Result<ServiceFiguresView, AppError>;

    /// Online mediation (DOMAIN-2 §1): the caller's matters as a party.
    async fn my_mediations(&self, caller: &Caller) -> Result<Vec<MediationSummary>, AppError>;
    /// A mediator's workbench.
    async fn mediation_queue(&self, caller: &Caller) -> Result<Vec<MediationSummary>, AppError>;
    /// A judge's list: applications for judicial confirmation waiting for a ruling, then the
    /// latest ruled.
    async fn confirmation_queue(&self, caller: &Caller) -> Result<Vec<MediationSummary>, AppError>;
    /// One matter, as the caller may see it.
    async fn mediation_page(&self, caller: &Caller, id: i64) -> Result<MediationView, AppError>;
    /// Staff: the court's mediation figures over the last 30 days.
    async fn mediation_figures(&self, caller: &Caller) -> Result<MediationFigures, AppError>;
    /// The courts (code, name in the caller's language) one may ask for mediation.
    async fn mediation_courts(&self, caller: &Caller) -> Result<Vec<(String, String)>, AppError>;
    /// The public roster of mediators (anyone, signed in or not).
    async fn mediator_roster(&self, caller: &Caller) -> Result<Vec<MediatorProfileView>, AppError>;
    /// The signed-in mediator's own profile.
    async fn my_mediator_profile(&self, caller: &Caller) -> Result<MyMediatorProfile, AppError>;

    /// The court's per-case fee amounts (诉讼费用交纳办法 art. 13, 14 ranges).
    fn fee_settings(&self) -> crate::rules::fees::CourtFeeSettings;

    /// Whether session cookies carry `Secure` (the public URL is https).
    fn secure_cookies(&self) -> bool;

    /// The caller's address: the peer's, or — when the peer is a reverse proxy this court
    /// trusts — the one it names in `X-Forwarded-For`.
    fn client_ip(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        let _ = forwarded_for;
        peer
    }
}

pub type SharedBackend = Arc<dyn Backend>;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "pc_session";

/// `Set-Cookie` for a new session: HttpOnly (no script reads it), SameSite=Lax (not sent on
/// another site's posts), Secure behind https. Every door that signs someone in uses this.
pub fn session_cookie(token: &str, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}")
}

/// The one caller check of every door — server functions, the REST API, form posts, uploads:
/// the session from `Authorization: Bearer <token>` or the session cookie; the language from
/// the `pc_lang` cookie, else `Accept-Language` (Chinese unless English is asked for first);
/// the peer's address. The back end then applies the session's timeouts.
pub async fn resolve_caller(backend: &dyn Backend, parts: &http::request::Parts) -> Result<Caller, AppError> {
    use crate::i18n::{cookie_value, Prefs, LANG_COOKIE};
    use http::header::{ACCEPT_LANGUAGE, AUTHORIZATION, COOKIE};
    let header = |name| parts.headers.get(name).and_then(|v: &http::HeaderValue| v.to_str().ok());
    let cookies = header(COOKIE).unwrap_or("");
    let lang = if cookie_value(cookies, LANG_COOKIE).is_some() {
        Prefs::from_cookie_header(cookies).lang
    } else {
        match header(ACCEPT_LANGUAGE) {
            Some(al) if al.trim_start().starts_with("en") => Lang::En,
            _ => Lang::Zh,
        }
    };
    let bearer = header(AUTHORIZATION).and_then(|v| v.strip_prefix("Bearer "));
    let token = bearer.or_else(|| cookie_value(cookies, SESSION_COOKIE));
    let peer = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    let ip = backend.client_ip(peer, header(http::HeaderName::from_static("x-forwarded-for")));
    backend.caller(token, lang, ip).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(ip: &str) -> Caller {
        Caller { me: None, lang: Lang::Zh, ip: ip.parse().unwrap(), session: None }
    }

    #[test]
    fn limits_count_ipv4_addresses_and_ipv6_networks() {
        assert_eq!(caller("203.0.113.9").rate_key(), "203.0.113.9");
        assert_eq!(caller("2001:db8:1:2:aaaa::1").rate_key(), "2001:db8:1:2::/64");
        assert_eq!(caller("2001:db8:1:2:bbbb::9").rate_key(), caller("2001:db8:1:2::7").rate_key());
        assert_ne!(caller("2001:db8:1:3::1").rate_key(), caller("2001:db8:1:2::1").rate_key());
        assert_eq!(caller("::ffff:203.0.113.9").rate_key(), "203.0.113.9");
    }
}
