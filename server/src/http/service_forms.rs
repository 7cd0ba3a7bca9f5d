//! Electronic service as plain form posts and downloads (Post/Redirect/Get; every page works
//! without script):
//!
//! - `POST /profile/consent` (`consent` = `yes`|`no`, `inbox`, `sms_phone`, `email`): records
//!   consent to electronic service with the designated addresses, or its withdrawal.
//! - `POST /staff/cases/{id}/serve` (multipart: `key`, `kind`, `party`..., `hearing_date`,
//!   `hearing_time`, `hearing_place`, `title`, `file`): serves a document.
//! - `POST /staff/service/{id}/outcome` (`outcome` = `signed`|`signed_in_person`|`failed`,
//!   `date`, `note`): how post / in-person service went.
//! - `POST /service/{id}/open`: the recipient opens the document from the receipt page — the
//!   first time it is recorded as read — and is sent on to it. `GET /service/{id}/document`:
//!   the document itself (recording nothing: a link from anywhere is not the recipient's
//!   act). `GET /service/{id}/receipt.pdf` and `/service/{id}/receipt.json`: the receipt
//!   (送达回证) with its proofs.
//!
//! Errors come back as fixed codes (`?error=...`), never as text from the address bar.

use crate::http::caller::{back_with, back_with_param, check, same_origin, ApiCaller, ApiError, Checked};
use crate::http::state::AppState;
use crate::services::e_service::{OfflineOutcome, ServeOutcome, ServeRequest};
use app::api::{AppError, Refusal};
use app::i18n::t;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/profile/consent", post(consent))
        .route(
            "/staff/cases/{id}/serve",
            post(serve).layer(axum::extract::DefaultBodyLimit::max(
                crate::services::e_service::MAX_UPLOAD_BYTES + 64 * 1024,
            )),
        )
        .route("/staff/service/{id}/outcome", post(outcome))
        .route("/service/{id}/open", post(open))
        .route("/service/{id}/document", get(document))
        .route("/service/{id}/receipt.pdf", get(receipt_pdf))
        .route("/service/{id}/receipt.json", get(receipt_json))
}

fn parse_id(c: &app::api::port::Caller, id: &str) -> Result<i64, ApiError> {
    id.parse::<i64>().map_err(|_| {
        ApiError(AppError::NotFound(
            t(
                c.lang,
                ("没有找到这份送达记录，或者您无权查看。", "No such service record among those you may see."),
            )
            .into(),
        ))
    })
}

fn foreign(c: &app::api::port::Caller) -> ApiError {
    ApiError(AppError::Forbidden(
        t(c.lang, ("请从本站页面操作。", "Please use this site's own page.")).into(),
    ))
}

fn sign_in(to: &str, back: &str) -> Response {
    Redirect::to(&format!("{to}?next={}", app::i18n::url_encode(back))).into_response()
}

#[derive(Deserialize, Default)]
struct ConsentForm {
    #[serde(default)]
    consent: String,
    #[serde(default)]
    inbox: Option<String>,
    #[serde(default)]
    sms_phone: String,
    #[serde(default)]
    email: String,
}

async fn consent(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    headers: HeaderMap,
    form: Result<Form<ConsentForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, ApiError> {
    let back = "/profile";
    if c.me.is_none() {
        return Ok(sign_in("/sign-in", back));
    }
    if !same_origin(&headers) {
        return Err(foreign(&c));
    }
    let f = form.map(|f| f.0).unwrap_or_default();
    let given = match f.consent.as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            return Ok(back_with_param(
                "/profile#consent",
                "consent_error",
                &Refusal::ConsentChoice.in_lang(c.lang),
            ))
        }
    };
    match s.services.set_consent(&c, given, f.inbox.is_some(), &f.sms_phone, &f.email, "profile").await {
        Ok(()) => Ok(Redirect::to(&format!("{back}?consent=saved#consent")).into_response()),
        Err(e) => Ok(back_with_param("/profile#consent", "consent_error", &e)),
    }
}

fn service_page(id: i64) -> String {
    format!("/staff/cases/{id}/service")
}

async fn serve(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, ApiError> {
    let (id, back) = match check(&c, &id, &headers, service_page, "/staff/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    let fail = |r: Refusal| Ok(back_with(&back, &r.in_lang(c.lang)));
    // Only staff serve: refused before a byte of the body is read; then a few at a time.
    if !c.me.as_ref().is_some_and(|m| m.role.is_staff()) {
        return fail(Refusal::StaffOnly);
    }
    let Ok(_slot) = s.services.big_bodies.acquire().await else {
        return fail(Refusal::Unavailable);
    };
    let Ok(mut multipart) = multipart else {
        return fail(Refusal::Stale);
    };
    let mut req = ServeRequest {
        kind: String::new(),
        party_ids: Vec::new(),
        hearing_date: String::new(),
        hearing_time: String::new(),
        hearing_place: String::new(),
        upload: None,
        upload_title: String::new(),
        request_key: String::new(),
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return fail(Refusal::TooLarge),
            Err(_) => return fail(Refusal::Upload),
        };
        let name = field.name().unwrap_or("").to_string();
        let has_file = field.file_name().is_some_and(|n| !n.is_empty());
        let Ok(bytes) = field.bytes().await else {
            return fail(Refusal::TooLarge);
        };
        let text = || String::from_utf8_lossy(&bytes).into_owned();
        match name.as_str() {
            "file" if has_file && !bytes.is_empty() => req.upload = Some(bytes.to_vec()),
            "kind" => req.kind = text(),
            "party" => {
                if let Ok(p) = text().parse() {
                    req.party_ids.push(p)
                }
            }
            "hearing_date" => req.hearing_date = text(),
            "hearing_time" => req.hearing_time = text(),
            "hearing_place" => req.hearing_place = text(),
            "title" => req.upload_title = text(),
            "key" => req.request_key = text(),
            _ => {}
        }
    }
    match s.services.serve(&c, id, req).await {
        Ok(ServeOutcome::Served { electronic, offline }) => {
            Ok(Redirect::to(&format!("{back}?served={electronic}-{offline}")).into_response())
        }
        Ok(ServeOutcome::Already) => Ok(Redirect::to(&format!("{back}?served=again")).into_response()),
        Err(e) => Ok(back_with(&back, &e)),
    }
}

#[derive(Deserialize, Default)]
struct OutcomeForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    note: String,
}

async fn outcome(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<OutcomeForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, ApiError> {
    let id = parse_id(&c, &id)?;
    if c.me.is_none() {
        return Ok(sign_in("/staff/sign-in", "/staff/service"));
    }
    if !same_origin(&headers) {
        return Err(foreign(&c));
    }
    // The record must be one the caller may see before anything else is said about it.
    let (row, _) = s.services.service_record(&c, id).await?;
    let back = service_page(row.case_id);
    let f = form.map(|f| f.0).unwrap_or_default();
    match s
        .services
        .record_offline(&c, id, OfflineOutcome { outcome: f.outcome, date: f.date, note: f.note })
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("{back}?recorded={id}#record-{id}")).into_response()),
        Err(e) => Ok(back_with(&format!("{back}?record={id}#record-{id}"), &e)),
    }
}

/// The recipient's "open the document" on the receipt page: recorded as read (the first
/// time), then on to the document.
async fn open(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = parse_id(&c, &id)?;
    if c.me.is_none() {
        return Ok(sign_in("/sign-in", &format!("/service/{id}")));
    }
    if !same_origin(&headers) {
        return Err(foreign(&c));
    }
    s.services.mark_read(&c, id).await?;
    Ok(Redirect::to(&format!("/service/{id}/document")).into_response())
}

async fn document(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = parse_id(&c, &id)?;
    if c.me.is_none() {
        return Ok(sign_in("/sign-in", &format!("/service/{id}")));
    }
    let blob = s.services.open_served(&c, id).await?;
    Ok(crate::http::documents::pdf(crate::http::documents::blob_body(blob), &format!("service-{id}.pdf")))
}

async fn receipt_pdf(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = parse_id(&c, &id)?;
    if c.me.is_none() {
        return Ok(sign_in("/sign-in", &format!("/service/{id}")));
    }
    let pdf = s.services.receipt_pdf_of(&c, id).await?;
    Ok((
        StatusCode::OK,
        [
            (CONTENT_TYPE, "application/pdf".to_string()),
            (CONTENT_DISPOSITION, format!("attachment; filename=\"receipt-{id}.pdf\"")),
        ],
        pdf,
    )
        .into_response())
}

async fn receipt_json(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = parse_id(&c, &id)?;
    let (_, receipt) = s.services.receipt_of(&c, id).await?;
    let mut res = Json(receipt).into_response();
    if let Ok(v) = format!("attachment; filename=\"receipt-{id}.json\"").parse() {
        res.headers_mut().insert(CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
