//! Server functions: the browser's only door to the server.
//!
//! Each one is a public endpoint. It resolves the caller from the request itself (session
//! cookie, language cookie, peer address) and hands the work to the [`Backend`], which checks
//! whether this caller may do it. Errors set the HTTP status as well as the message.
//!
//! [`Backend`]: super::port::Backend

use super::error::AppError;
use super::types::*;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::super::port::{Caller, NewSession, SharedBackend};
    use super::AppError;
    use http::header::SET_COOKIE;
    use http::HeaderValue;
    use leptos::prelude::*;
    use leptos_axum::ResponseOptions;

    pub use super::super::port::SESSION_COOKIE;

    /// The back end, for public calls that need no caller.
    pub fn backend() -> Result<SharedBackend, AppError> {
        use_context::<SharedBackend>()
            .ok_or_else(|| AppError::Internal("backend missing from context".into()))
    }

    /// The back end and the caller of the current request (`port::resolve_caller`, the same
    /// check as every other door's).
    pub async fn caller() -> Result<(SharedBackend, Caller), AppError> {
        let backend = backend()?;
        // Outside a request (none should be), an empty one: no session, Chinese, loopback.
        let parts =
            use_context::<http::request::Parts>().unwrap_or_else(|| http::Request::new(()).into_parts().0);
        let caller = super::super::port::resolve_caller(backend.as_ref(), &parts).await.map_err(fail)?;
        Ok((backend, caller))
    }

    /// Sets the response status from the error and passes it on.
    pub fn fail(e: AppError) -> AppError {
        if let Some(res) = use_context::<ResponseOptions>() {
            res.set_status(
                http::StatusCode::from_u16(e.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
        e
    }

    /// `Set-Cookie` for a new session (`port::session_cookie`).
    pub fn set_session_cookie(backend: &SharedBackend, s: &NewSession) {
        let cookie = super::super::port::session_cookie(&s.token, s.max_age_secs, backend.secure_cookies());
        if let (Some(res), Ok(v)) = (use_context::<ResponseOptions>(), HeaderValue::from_str(&cookie)) {
            res.append_header(SET_COOKIE, v);
        }
    }

    pub fn clear_session_cookie() {
        let cookie = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
        if let (Some(res), Ok(v)) = (use_context::<ResponseOptions>(), HeaderValue::from_str(&cookie)) {
            res.append_header(SET_COOKIE, v);
        }
    }
}

/// The signed-in person, or None.
#[server(prefix = "/sf", endpoint = "whoami")]
pub async fn whoami() -> Result<Option<Me>, AppError> {
    let (_, caller) = ssr::caller().await?;
    Ok(caller.me)
}

/// Sends a sign-in code to a mobile number (litigants and agents).
#[server(prefix = "/sf", endpoint = "send_code")]
pub async fn send_code(phone: String) -> Result<CodeSent, AppError> {
    let (backend, caller) = ssr::caller().await?;
    backend.send_code(&caller, &phone).await.map_err(ssr::fail)
}

/// Checks a sign-in code and opens a session (new token at every sign-in).
#[server(prefix = "/sf", endpoint = "verify_code")]
pub async fn verify_code(phone: String, request_id: String, code: String) -> Result<Me, AppError> {
    let (backend, caller) = ssr::caller().await?;
    let session = backend.verify_code(&caller, &phone, &request_id, &code).await.map_err(ssr::fail)?;
    ssr::set_session_cookie(&backend, &session);
    Ok(session.me)
}

/// Staff, step one: phone and password. A code then goes to the staff member's phone.
#[server(prefix = "/sf", endpoint = "staff_password")]
pub async fn staff_password(phone: String, password: String) -> Result<CodeSent, AppError> {
    let (backend, caller) = ssr::caller().await?;
    backend.staff_password(&caller, &phone, &password).await.map_err(ssr::fail)
}

/// Signs out this device, or every device of the person.
#[server(prefix = "/sf", endpoint = "sign_out")]
pub async fn sign_out(everywhere: Option<String>) -> Result<(), AppError> {
    let (backend, caller) = ssr::caller().await?;
    backend.sign_out(&caller, everywhere.is_some()).await.map_err(ssr::fail)?;
    ssr::clear_session_cookie();
    leptos_axum::redirect("/");
    Ok(())
}

/// Completes the real-name profile: name and resident ID (GB 11643, checked again here).
#[server(prefix = "/sf", endpoint = "save_profile")]
pub async fn save_profile(name: String, resident_id: String) -> Result<Me, AppError> {
    let (backend, caller) = ssr::caller().await?;
    backend.save_profile(&caller, &name, &resident_id).await.map_err(ssr::fail)
}

/// "My cases".
#[server(prefix = "/sf", endpoint = "my_cases")]
pub async fn my_cases() -> Result<Vec<CaseSummary>, AppError> {
    let (backend, caller) = ssr::caller().await?;
    backend.my_cases(&caller).await.map_err(ssr::fail)
}

/// One case's progress; "not found" for a case the caller may not see.
#[server(prefix = "/sf", endpoint = "case_progress")]
pub async fn load_case_progress(id: i64) -> Result<CaseProgress, AppError> {
    let (backend, caller) = ssr::caller().await?;
    backend.case_progress(&caller, id).await.map_err(ssr::fail)
}

/// A case's fee account; `order` is the order a payer returns with from the checkout page.
#[server(prefix = "/sf", endpoint = "case_fees")]
pub async fn load_case_fees(id: i64, order: Option<String>) -> Result<CaseFees, AppError> {
    let (backend, caller) = ssr::caller().await?;
    backend.case_fees(&caller, id, order.as_deref()).await.map_err(ssr::fail)
}

/// 缴费凭证 of a paid order.
#[server(prefix = "/sf", endpoint = "fee_receipt")]
pub async fn load_fee_receipt(id: i64, order: String) -> Result<FeeReceipt, AppError> {
    let (backend, caller) = ssr::caller().await?;
    backend.fee_receipt(&caller, id, &order).await.map_err(ssr::fail)
}

/// Finds one of the caller's cases by 案号, typed any common way.
#[server(prefix = "/sf", endpoint = "find_case")]
pub async fn find_case(q: String) -> Result<i64, AppError> {
    use crate::rules::case_number::CaseNumber;
    let (backend, caller) = ssr::caller().await?;
    let number = CaseNumber::parse(&q).map_err(|e| ssr::fail(AppError::Invalid(e.message(caller.lang))))?;
    backend.find_case(&caller, &number).await.map_err(ssr::fail)
}

/// Anonymous progress query by 案号 and 查询码.
#[server(prefix = "/sf", endpoint = "public_query")]
pub async fn public_query(case_number: String, code: String) -> Result<PublicProgress, AppError> {
    use crate::rules::case_number::CaseNumber;
    let (backend, caller) = ssr::caller().await?;
    let number =
        CaseNumber::parse(&case_number).map_err(|e| ssr::fail(AppError::Invalid(e.message(caller.lang))))?;
    backend.public_query(&caller, &number, &code).await.map_err(ssr::fail)
}

/// This court's per-case fee amounts (the ranges the statute leaves to the court), for the
/// calculator to quote exactly what the server will charge. Public.
#[server(prefix = "/sf", endpoint = "fee_settings")]
pub async fn fee_settings() -> Result<crate::rules::fees::CourtFeeSettings, AppError> {
    let backend = ssr::backend()?;
    Ok(backend.fee_settings())
}

/// The development SMS inbox (only with `--demo`).
#[server(prefix = "/sf", endpoint = "dev_inbox")]
pub async fn dev_inbox() -> Result<Vec<SmsView>, AppError> {
    let (backend, caller) = ssr::caller().await?;
    backend.dev_inbox(&caller).await.map_err(ssr::fail)
}

/// The caller's open filing drafts.
#[server(prefix = "/sf", endpoint = "my_filings")]
pub async fn my_filings() -> Result<Vec<FilingSummary>, AppError> {
    let (backend, caller) = ssr::caller().await?;
    backend.my_filings(&caller).await.map_err(ssr::fail)
}

/// One filing of the caller, for the guided filing.
#[server(prefix = "/sf", endpoint = "filing")]
pub async fn load_filing(id: i64) -> Result<FilingPage, AppError> {
    let (backend, caller) = ssr::caller().await?;
    backend.filing_page(&caller, id).await.map_err(ssr::fail)
}

/// The caller's court's review queue (staff).
#[server(prefix = "/sf", endpoint = "review_queue")]
pub async fn review_queue() -> Result<Vec<ReviewItem>, AppError> {
    let (backend, caller) = ssr::caller().await?;
    backend.review_queue(&caller).await.map_err(ssr::fail)
}

/// A filing opened for review (staff).
#[server(prefix = "/sf", endpoint = "filing_review")]
pub async fn load_filing_review(case_id: i64) -> Result<FilingReview, AppError> {
    let (backend, caller) = ssr::caller().await?;
    backend.filing_review(&caller, case_id).await.map_err(ssr::fail)
}

// ---- electronic service (电子送达) ------------------------------------------------------

/// The caller's consent to electronic service.
#[server(prefix = "/sf", endpoint = "my_consent")]
pub async fn my_consent() -> Result<ConsentView, AppError> {
    let (backend, caller) = ssr::caller().await?;
    backend.my_consent(&caller).await.map_err(ssr::fail)
}

/// A case's service, for its court's staff.
#[server(prefix = "/sf", endpoint = "case_service")]
pub async fn load_case_service(case_id: i64) -> Result<CaseServiceView, AppError> {
    let (backend, caller) = ssr::caller().await?;
    backend.case_service(&caller, case_id).await.map_err(ssr::fail)
}

/// The caller's inbox of served documents.
#[server(prefix = "/sf", endpoint = "my_inbox")]
pub async fn my_inbox() -> Result<Vec<ServiceRecordView>, AppError> {
    let (backend, caller) = ssr::caller().await?;
    backend.my_inbox(&caller).await.map_err(ssr::fail)
}

/// A service record with its receipt.
#[server(prefix = "/sf", endpoint = "receipt_page")]
pub async fn load_receipt_page(id: i64) -> Result<ReceiptPageView, AppError> {
    let (backend, caller) = ssr::caller().await?;
    backend.receipt_page(&caller, id).await.map_err(ssr::fail)
}

/// The public check of an SMS check code.
#[server(prefix = "/sf", endpoint = "check_message")]
pub async fn check_message(code: String) -> Result<CheckedMessage, AppError> {
    let (backend, caller) = ssr::caller().await?;
    backend.check_message(&caller, &code).await.map_err(ssr::fail)
}

/// The court's service figures.
#[server(prefix = "/sf", endpoint = "service_figures")]
pub async fn load_service_figures(
    from: Option<String>,
    to: Option<String>,
) -> Result<ServiceFiguresView, AppError> {
    let (backend, caller) = ssr::caller().await?;
    backend.service_figures(&caller, from, to).await.map_err(ssr::fail)
}

/// The caller's mediations (as a party).
#[server(prefix = "/sf", endpoint = "my_mediations")]
pub async fn my_mediations() -> Result<Vec<MediationSummary>, AppError> {
    let (backend, caller) = ssr::caller().await?;
    backend.my_mediations(&caller).await.map_err(ssr::fail)
}

/// A mediator's workbench: the court's waiting matters and their own.
#[server(prefix = "/sf", endpoint = "mediation_queue")]
pub async fn mediation_queue() -> Result<Vec<MediationSummary>, AppError> {
    let (backend, caller) = ssr::caller().await?;
    backend.mediation_queue(&caller).await.map_err(ssr::fail)
}

/// A judge's list of applications for judicial confirmation.
#[server(prefix = "/sf", endpoint = "confirmation_queue")]
pub async fn confirmation_queue() -> Result<Vec<MediationSummary>, AppError> {
    let (backend, caller) = ssr::caller().await?;
    backend.confirmation_queue(&caller).await.map_err(ssr::fail)
}

/// One mediation; "not found" for one the caller may not see.
#[server(prefix = "/sf", endpoint = "mediation_page")]
pub async fn load_mediation(id: i64) -> Result<MediationView, AppError> {
    let (backend, caller) = ssr::caller().await?;
    backend.mediation_page(&caller, id).await.map_err(ssr::fail)
}

/// The courts one may ask for mediation (code, name).
#[server(prefix = "/sf", endpoint = "mediation_courts")]
pub async fn mediation_courts() -> Result<Vec<(String, String)>, AppError> {
    let (backend, caller) = ssr::caller().await?;
    backend.mediation_courts(&caller).await.map_err(ssr::fail)
}

/// The courts' mediators with their public profiles (在线调解规则 art. 5); public.
#[server(prefix = "/sf", endpoint = "mediator_roster")]
pub async fn load_mediator_roster() -> Result<Vec<MediatorProfileView>, AppError> {
    let (backend, caller) = ssr::caller().await?;
    backend.mediator_roster(&caller).await.map_err(ssr::fail)
}

/// The signed-in mediator's own profile, to edit.
#[server(prefix = "/sf", endpoint = "my_mediator_profile")]
pub async fn load_my_mediator_profile() -> Result<MyMediatorProfile, AppError> {
    let (backend, caller) = ssr::caller().await?;
    backend.my_mediator_profile(&caller).await.map_err(ssr::fail)
}

/// The court's mediation figures (staff).
#[server(prefix = "/sf", endpoint = "mediation_figures")]
pub async fn load_mediation_figures() -> Result<MediationFigures, AppError> {
    let (backend, caller) = ssr::caller().await?;
    backend.mediation_figures(&caller).await.map_err(ssr::fail)
}
