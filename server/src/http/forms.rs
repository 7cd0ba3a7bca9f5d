//! Plain HTML form posts and downloads that pages link to. They work the same with or
//! without JavaScript: a form posts here, and the answer is a redirect (Post/Redirect/Get).
//!
//! - `POST /cases/{id}/fees/pay` (form field `key`): one payment order per key, then on to
//!   the provider's checkout page. An error comes back to the fee page as a fixed code
//!   (`?error=...`), never as text from the address bar.
//! - `GET /cases/{id}/fees/receipt/{order}/download`: the 缴费凭证 as a standalone HTML file.
//! - `POST /cases/{id}/close` (form field `outcome`): the judge closes the case (结案); back
//!   to the case page with `?closed=1` or `?error=...`.
//! - `POST /cases/{id}/procedure` (`to`, `reason`, `agreed`): the judge changes the procedure
//!   (程序转换); back with `?procedure=changed` or `?error=...`.
//! - `POST /cases/{id}/appeal` (`note`): staff record an appeal against the judgment; back
//!   with `?appeal=recorded` or `?error=...`.
//! - `POST /cases/{id}/fees/relief` (multipart: `kind_ground`, `reason`, `key`, up to 3
//!   `proof` files): applies for 缓交 / 减交 / 免交; back with `?relief=sent` or `?error=...`.
//! - `POST /cases/{id}/fees/relief/{rid}/decide` (`decision`, `reduce_yuan`, `note`): staff
//!   grant or refuse; back with `?relief=decided` or `?error=...`.
//! - `GET /cases/{id}/fees/relief/files/{fid}`: a document, for the applicant and staff.
//! - `POST /cases/{id}/fees/refunds/{no}/transfer` (`reference`): staff record a refund paid
//!   back by bank transfer; back with `?refund=recorded` or `?error=...`.
//!
//! - `POST /cases/{id}/agents/{aid}/end` (`reason`): the represented party revokes its agent,
//!   or the court ends the representation; back with `?agent=ended` or `?error=...`.
//!
//! The session cookie is `SameSite=Lax`, so another site cannot post here in the user's
//! name; a request whose `Origin` names another host is refused as well.

use crate::http::caller::{back_with, case_id, check, ApiCaller, ApiError, Checked};
use crate::http::documents::document_headers;
use crate::http::state::AppState;
use app::api::types::FeeReceipt;
use app::api::{AppError, Refusal};
use app::i18n::t;
use app::rules::fees::Fen;
use app::rules::Lang;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases/{id}/fees/pay", post(pay))
        .route("/cases/{id}/fees/receipt/{order}/download", get(download_receipt))
        .route("/cases/{id}/close", post(close))
        .route("/cases/{id}/procedure", post(change_procedure))
        .route("/cases/{id}/appeal", post(record_appeal))
        .route(
            "/cases/{id}/fees/relief",
            // Three documents of at most 4 MB each, and the text fields.
            post(apply_relief).layer(axum::extract::DefaultBodyLimit::max(13 * 1024 * 1024)),
        )
        .route("/cases/{id}/fees/relief/{rid}/decide", post(decide_relief))
        .route("/cases/{id}/fees/relief/files/{fid}", get(relief_file))
        .route("/cases/{id}/fees/refunds/{no}/transfer", post(record_transfer))
        .route("/cases/{id}/agents/{aid}/end", post(end_representation))
}

#[derive(Deserialize, Default)]
struct EndForm {
    #[serde(default)]
    reason: String,
}

/// The party revokes its agent, or the court ends a representation; back to the case page.
async fn end_representation(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((id, aid)): Path<(String, String)>,
    headers: HeaderMap,
    form: Result<Form<EndForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, ApiError> {
    let (id, back) = match check(&c, &id, &headers, case_page, "/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    let Ok(aid) = aid.parse::<i64>() else {
        return Ok(back_with(&back, &Refusal::RepresentationEnded.in_lang(c.lang)));
    };
    let reason = form.map(|f| f.0.reason).unwrap_or_default();
    match s.services.end_representation(&c, id, aid, &reason).await {
        Ok(()) => Ok(Redirect::to(&format!("{back}?agent=ended")).into_response()),
        Err(e) => Ok(back_with(&back, &e)),
    }
}

#[derive(Deserialize)]
struct TransferForm {
    #[serde(default)]
    reference: String,
}

/// Staff record a refund paid back by bank transfer (`reference`: the transfer's number).
async fn record_transfer(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((id, no)): Path<(String, String)>,
    headers: HeaderMap,
    form: Result<Form<TransferForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, ApiError> {
    let (id, back) = match check(&c, &id, &headers, fee_page, "/staff/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    let reference = form.map(|f| f.0.reference).unwrap_or_default();
    match s.services.record_refund_transfer(&c, id, &no, &reference).await {
        Ok(()) => Ok(Redirect::to(&format!("{back}?refund=recorded")).into_response()),
        Err(e) => Ok(back_with(&back, &e)),
    }
}

async fn apply_relief(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, ApiError> {
    let (id, back) = match check(&c, &id, &headers, fee_page, "/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    // The caller is checked; the body is read next, a few at a time (memory bounded).
    let Ok(_slot) = s.services.big_bodies.acquire().await else {
        return Ok(back_with(&back, &Refusal::Unavailable.in_lang(c.lang)));
    };
    let mut form = crate::services::relief::ReliefForm {
        kind_ground: String::new(),
        reason: String::new(),
        key: String::new(),
    };
    let mut uploads = Vec::new();
    let refuse = |r: Refusal| back_with(&back, &r.in_lang(c.lang));
    let too_big = || refuse(Refusal::ReliefSize);
    let Ok(mut multipart) = multipart else {
        return Ok(refuse(Refusal::Stale));
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            // Over the body limit, or a broken upload (the connection dropped).
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Ok(too_big()),
            Err(_) => return Ok(refuse(Refusal::Upload)),
        };
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        let Ok(bytes) = field.bytes().await else {
            return Ok(too_big());
        };
        match (name.as_str(), file_name) {
            ("proof", Some(file_name)) => {
                uploads.push(crate::services::relief::Upload { file_name, bytes: bytes.to_vec() })
            }
            ("kind_ground", _) => form.kind_ground = String::from_utf8_lossy(&bytes).into_owned(),
            ("reason", _) => form.reason = String::from_utf8_lossy(&bytes).into_owned(),
            ("key", _) => form.key = String::from_utf8_lossy(&bytes).into_owned(),
            _ => {}
        }
    }
    match s.services.apply_relief(&c, id, form, uploads).await {
        Ok(_) => Ok(Redirect::to(&format!("{back}?relief=sent")).into_response()),
        Err(e) => Ok(back_with(&back, &e)),
    }
}

#[derive(Deserialize)]
struct DecideForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reduce_yuan: String,
    #[serde(default)]
    note: String,
}

async fn decide_relief(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((id, rid)): Path<(String, String)>,
    headers: HeaderMap,
    form: Result<Form<DecideForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, ApiError> {
    let (id, back) = match check(&c, &id, &headers, fee_page, "/staff/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    let Ok(rid) = rid.parse::<i64>() else {
        return Ok(Redirect::to(&back).into_response());
    };
    let f = form.map(|f| f.0).unwrap_or(DecideForm {
        decision: String::new(),
        reduce_yuan: String::new(),
        note: String::new(),
    });
    let grant = match f.decision.as_str() {
        "grant" => Some(true),
        "refuse" => Some(false),
        _ => None,
    };
    match s.services.decide_relief(&c, id, rid, grant, &f.reduce_yuan, &f.note).await {
        Ok(()) => Ok(Redirect::to(&format!("{back}?relief=decided")).into_response()),
        Err(e) => Ok(back_with(&back, &e)),
    }
}

async fn relief_file(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((id, fid)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let id = case_id(&c, &id)?;
    let fid = fid
        .parse::<i64>()
        .map_err(|_| ApiError(AppError::NotFound(t(c.lang, ("没有这个文件。", "No such file.")).into())))?;
    let (file, bytes) = s.services.relief_file(&c, id, fid).await?;
    let mut res = bytes.into_response();
    document_headers(res.headers_mut(), &file.content_type, &file.file_name);
    Ok(res)
}

#[derive(Deserialize)]
struct CloseForm {
    #[serde(default)]
    outcome: String,
}

async fn close(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<CloseForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, ApiError> {
    let (id, back) = match check(&c, &id, &headers, case_page, "/staff/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    let outcome = form.map(|f| f.0.outcome).unwrap_or_default();
    match s.services.close_case(&c, id, &outcome).await {
        Ok(_) => Ok(Redirect::to(&format!("{back}?closed=1")).into_response()),
        Err(e) => Ok(back_with(&back, &e)),
    }
}

#[derive(Deserialize, Default)]
struct ProcedureForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    reason: String,
    /// The checkbox "both parties agreed" (present only when ticked).
    #[serde(default)]
    agreed: Option<String>,
}

/// 程序转换, by the case's judge.
async fn change_procedure(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<ProcedureForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, ApiError> {
    let (id, back) = match check(&c, &id, &headers, case_page, "/staff/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    let f = form.map(|f| f.0).unwrap_or_default();
    match s.services.change_procedure(&c, id, &f.to, &f.reason, f.agreed.is_some()).await {
        Ok(_) => Ok(Redirect::to(&format!("{back}?procedure=changed")).into_response()),
        Err(e) => Ok(back_with(&back, &e)),
    }
}

#[derive(Deserialize, Default)]
struct AppealForm {
    #[serde(default)]
    note: String,
}

/// Staff record an appeal lodged against the case's judgment.
async fn record_appeal(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<AppealForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, ApiError> {
    let (id, back) = match check(&c, &id, &headers, case_page, "/staff/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    let note = form.map(|f| f.0.note).unwrap_or_default();
    match s.services.record_appeal(&c, id, &note).await {
        Ok(()) => Ok(Redirect::to(&format!("{back}?appeal=recorded")).into_response()),
        Err(e) => Ok(back_with(&back, &e)),
    }
}

#[derive(Deserialize)]
struct PayForm {
    #[serde(default)]
    key: String,
}

fn fee_page(id: i64) -> String {
    format!("/cases/{id}/fees")
}

fn case_page(id: i64) -> String {
    format!("/cases/{id}")
}

async fn pay(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: Result<Form<PayForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, ApiError> {
    let (id, back) = match check(&c, &id, &headers, fee_page, "/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    // No or a garbled form body: treated as a missing key ("reload and tap again").
    let key = form.map(|f| f.0.key).unwrap_or_default();
    match s.services.start_payment(&c, id, &key).await {
        Ok(checkout) => Ok(Redirect::to(&checkout).into_response()),
        // Someone else's case, or none: the fee page answers "not found" itself.
        Err(e) => Ok(back_with(&back, &e)),
    }
}

async fn download_receipt(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((id, order)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let id = case_id(&c, &id)?;
    let r = s.services.fee_receipt(&c, id, &order).await?;
    let file = format!("receipt-{}.html", r.out_trade_no);
    Ok((
        StatusCode::OK,
        [
            (CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
            (CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")),
        ],
        receipt_document(&r, c.lang),
    )
        .into_response())
}

/// The receipt as a file of its own: readable offline, printable, no scripts.
pub fn receipt_document(r: &FeeReceipt, lang: Lang) -> String {
    let esc =
        |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let rows = [
        (t(lang, ("法院", "Court")), r.court_name.clone()),
        (t(lang, ("案号", "Case number")), r.case_number.clone().unwrap_or_default()),
        (t(lang, ("案由", "Cause")), r.cause.clone()),
        (t(lang, ("交款人", "Paid by")), r.payer.clone()),
        (t(lang, ("金额", "Amount")), format!("¥{}", Fen(r.amount_fen).format_yuan())),
        (t(lang, ("金额（大写）", "Amount in words")), format!("人民币{}", r.amount_in_capitals)),
        (t(lang, ("交费时间", "Paid at")), r.paid_at.clone()),
        (t(lang, ("支付渠道", "Channel")), r.channel.clone()),
        (t(lang, ("本院订单号", "Court order no.")), r.out_trade_no.clone()),
        (t(lang, ("支付流水号", "Provider transaction no.")), r.provider_trade_no.clone()),
        (t(lang, ("凭证生成时间", "Issued at")), r.issued_at.clone()),
    ];
    let body: String =
        rows.iter().map(|(k, v)| format!("<tr><th>{}</th><td>{}</td></tr>\n", esc(k), esc(v))).collect();
    let title = t(lang, ("诉讼费缴费凭证", "Litigation fee receipt"));
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>body{{font-family:sans-serif;max-width:40em;margin:1em auto;\
         padding:0 1em}}table{{border-collapse:collapse;width:100%}}th,td{{border:1px solid #444;\
         padding:.5em;text-align:left;vertical-align:top}}th{{width:8em}}</style></head>\
         <body><h1>{title}</h1><table>\n{body}</table><p>{}</p></body></html>\n",
        match lang {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        },
        esc(t(
            lang,
            (
                "本凭证由掌上法庭根据支付渠道的到账通知生成。如需核对，请带上本院订单号联系法院。",
                "Made by Pocket Court from the payment channel's confirmation. To check it, contact the court with the court order number.",
            )
        )),
    )
}
