//! Online mediation as plain form posts (Post/Redirect/Get; every step works without script
//! but drawing a signature):
//!
//! - `POST /mediations` (`court`, `cause`, `respondent_name`, `respondent_phone`, `summary`,
//!   `address`, `warned`, `mediator`): asks for pre-filing mediation, with a mediator chosen
//!   from the roster or none (the court designates); on to the new matter.
//! - `POST /mediations/{id}/answer` (`answer` = `yes`|`no`, `address`, `warned`, `note`): the
//!   invited side consents or refuses.
//! - `POST /mediations/{id}/sign-code`: texts the signing code to the caller's own phone.
//! - `POST /mediations/{id}/sign` (`version`, `sha256`, `request_id`, `code`, `confirmed`,
//!   `pad`, `signature` = a PNG data URL): signs the current version.
//! - `POST /mediations/{id}/decline` (`version`, `reason`): refuses to sign (OMR art. 25(7)).
//! - `POST /staff/mediations/{id}/accept`: a mediator takes a waiting matter.
//! - `POST /staff/mediations/{id}/decline-choice` (`reasons`): the mediator the applicant chose
//!   cannot take it (OMR art. 12); the court designates another.
//! - `POST /staff/mediations/{id}/session` (`date`, `time`, `link`): the mediator sets a video
//!   session on the court's meeting service (OMR art. 16); the parties are texted.
//! - `POST /staff/mediator-profile` (`background`, `specialities`, `dispute_range`, `fee`,
//!   `listed`): a mediator's own public profile on the roster (OMR art. 5).
//! - `POST /staff/mediations/{id}/agreement` (`based_on`, `text`): a new version.
//! - `POST /staff/mediations/{id}/end` (`ground`, `note`): ends it (OMR arts. 21, 25).
//! - `GET /mediations/{id}/signatures/{sig}`: a drawn signature (PNG).
//! - `GET /mediations/{id}/receipts/{index}`: the receipt (JSON) of a signature or 签收 of the
//!   mediation from the service log, for `pocket-court verify-receipt`.
//! - `POST /mediations/{id}/confirmation`: a party applies for judicial confirmation, or joins
//!   the other's application (CPL art. 205: joint).
//! - `POST /mediations/{id}/confirmation/withdraw`: a party withdraws it (JI22 art. 357).
//! - `POST /staff/mediations/{id}/ruling` (`outcome` = `valid`|`rejected`|`dismissed`,
//!   `ground` (repeated), `reasons`, `checked`): the judge rules.
//! - `GET /mediations/{id}/confirmation/ruling.pdf`: the ruling (民事裁定书).
//! - `GET /mediations/{id}/agreement.pdf`: the agreement in force with its signatures.
//! - `POST /cases/{id}/mediation` (`phone_<party id>` for parties without an account): the
//!   case's judge opens mediation in the case (诉中调解).
//! - `POST /staff/mediations/{id}/statement`: the judge issues the 调解书.
//! - `POST /mediations/{id}/receive` (`request_id`, `code`, `confirmed`): a party signs for the
//!   调解书 (签收) after the identity check; the last one closes the case by mediation.
//! - `POST /mediations/{id}/back-out` (`reason`): a party backs out before its 签收.
//! - `GET /mediations/{id}/statement.pdf`: the 调解书 with each 签收.
//! - `POST /staff/mediations/{id}/extension` (`days`, `reason`): the mediator proposes a longer
//!   period; `POST /mediations/{id}/extension` (`answer` = `yes`|`no`): a party answers.
//!
//! Refusals come back as fixed codes (`?error=...`). What a person typed goes back with
//! them into the form (as the fields' values, never as a message), so nothing is lost.

use crate::http::caller::{back_with, check, ApiCaller, ApiError, Checked};
use crate::http::documents::pdf;
use crate::http::state::AppState;
use crate::services::case_mediation::ReceiveRequest;
use crate::services::confirmation::RulingRequest;
use crate::services::mediation::{MediationRequest, SignRequest};
use crate::store::confirmation::Applied;
use crate::store::mediation::{ExtensionAnswer, Received, Signed};
use app::api::AppError;
use app::i18n::url_encode;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, USER_AGENT, X_CONTENT_TYPE_OPTIONS};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use base64::Engine;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/mediations", post(request))
        .route("/mediations/{id}/answer", post(answer))
        .route("/mediations/{id}/sign-code", post(sign_code))
        .route("/mediations/{id}/sign", post(sign))
        .route("/mediations/{id}/decline", post(decline))
        .route("/mediations/{id}/signatures/{sig}", get(signature_image))
        .route("/mediations/{id}/receipts/{index}", get(act_receipt))
        .route("/staff/mediations/{id}/accept", post(accept))
        .route("/staff/mediations/{id}/decline-choice", post(decline_choice))
        .route("/staff/mediator-profile", post(save_profile))
        .route("/staff/mediations/{id}/session", post(schedule_session))
        .route("/staff/mediations/{id}/agreement", post(agreement))
        .route("/staff/mediations/{id}/end", post(end))
        .route("/mediations/{id}/confirmation", post(apply_confirmation))
        .route("/mediations/{id}/confirmation/withdraw", post(withdraw_confirmation))
        .route("/mediations/{id}/confirmation/ruling.pdf", get(ruling_pdf))
        .route("/mediations/{id}/agreement.pdf", get(agreement_pdf))
        .route("/staff/mediations/{id}/ruling", post(rule))
        .route("/cases/{id}/mediation", post(start_in_case))
        .route("/staff/mediations/{id}/statement", post(issue_statement))
        .route("/mediations/{id}/receive", post(receive))
        .route("/mediations/{id}/back-out", post(back_out))
        .route("/mediations/{id}/statement.pdf", get(statement_pdf))
        .route("/staff/mediations/{id}/extension", post(propose_extension))
        .route("/mediations/{id}/extension", post(answer_extension))
}

fn page(id: i64) -> String {
    format!("/mediations/{id}")
}

type FormResult<T> = Result<Form<T>, axum::extract::rejection::FormRejection>;

/// Post/Redirect/Get after a use case: on to `ok(value)` when it went through, else back to
/// `again` with the refusal's code (what was typed rides in `again`'s query).
fn after<T>(
    result: Result<T, AppError>,
    ok: impl FnOnce(T) -> String,
    again: impl FnOnce() -> String,
) -> Result<Response, ApiError> {
    Ok(match result {
        Ok(v) => Redirect::to(&ok(v)).into_response(),
        Err(e) => back_with(&again(), &e),
    })
}

/// A download's door: a number in the path (else "not found") and a signed-in caller (else
/// the sign-in page, then back to the mediation).
fn download_id(c: &app::api::port::Caller, id: &str) -> Result<Result<i64, Response>, ApiError> {
    let id = id.parse::<i64>().map_err(|_| ApiError(AppError::NotFound(String::new())))?;
    if c.me.is_none() {
        return Ok(Err(Redirect::to(&format!("/sign-in?next={}", url_encode(&page(id)))).into_response()));
    }
    Ok(Ok(id))
}

#[derive(Deserialize, Default)]
struct RequestForm {
    #[serde(default)]
    court: String,
    #[serde(default)]
    cause: String,
    #[serde(default)]
    respondent_name: String,
    #[serde(default)]
    respondent_phone: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    warned: Option<String>,
    #[serde(default)]
    mediator: String,
}

async fn request(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    headers: HeaderMap,
    form: FormResult<RequestForm>,
) -> Result<Response, ApiError> {
    // Not an id in the path: `check` is given a stand-in and its own page back.
    let back = "/mediations/new";
    match check(&c, "0", &headers, |_| back.to_string(), "/sign-in")? {
        Checked::Go(..) => {}
        Checked::SignIn(to) => return Ok(to),
    }
    let f = form.map(|f| f.0).unwrap_or_default();
    let r = MediationRequest {
        court_code: f.court.clone(),
        cause: f.cause.clone(),
        respondent_name: f.respondent_name.clone(),
        respondent_phone: f.respondent_phone.clone(),
        summary: f.summary.clone(),
        address: f.address.clone(),
        warned: f.warned.is_some(),
        mediator: f.mediator.clone(),
    };
    match s.services.request_mediation(&c, &r).await {
        Ok((id, _)) => Ok(Redirect::to(&format!("{}?requested=1", page(id))).into_response()),
        Err(e) => {
            // Back to the form with everything typed (values only; the message is the code's).
            let kept = [
                ("court", &f.court),
                ("cause", &f.cause),
                ("respondent_name", &f.respondent_name),
                ("respondent_phone", &f.respondent_phone),
                ("summary", &f.summary),
                ("address", &f.address),
                ("mediator", &f.mediator),
            ]
            .iter()
            .map(|(k, v)| format!("{k}={}", url_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
            Ok(back_with(&format!("{back}?{kept}"), &e))
        }
    }
}

#[derive(Deserialize, Default)]
struct AnswerForm {
    #[serde(default)]
    answer: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    warned: Option<String>,
    #[serde(default)]
    note: String,
}

async fn answer(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: FormResult<AnswerForm>,
) -> Result<Response, ApiError> {
    let (id, back) = match check(&c, &id, &headers, page, "/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    let f = form.map(|f| f.0).unwrap_or_default();
    let consent = match f.answer.as_str() {
        "yes" => true,
        "no" => false,
        _ => return Ok(back_with(&back, &app::api::Refusal::Stale.in_lang(c.lang))),
    };
    after(
        s.services.answer_invitation(&c, id, consent, &f.address, f.warned.is_some(), &f.note).await,
        |()| format!("{back}?answered=1"),
        || format!("{back}?address={}#answer", url_encode(&f.address)),
    )
}

#[derive(Deserialize, Default)]
struct SignCodeForm {
    /// `receive` when the code is for signing for the 调解书 (the page scrolls there).
    #[serde(default, rename = "for")]
    purpose: String,
}

async fn sign_code(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: FormResult<SignCodeForm>,
) -> Result<Response, ApiError> {
    let (id, back) = match check(&c, &id, &headers, page, "/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    let anchor = match form.map(|f| f.0).unwrap_or_default().purpose.as_str() {
        "receive" => "#receive",
        _ => "#sign",
    };
    after(
        s.services.send_sign_code(&c, id).await,
        |sent| format!("{back}?req={}{anchor}", url_encode(&sent.request_id)),
        || format!("{back}{anchor}"),
    )
}

#[derive(Deserialize, Default)]
struct SignForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    sha256: String,
    #[serde(default)]
    request_id: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    confirmed: Option<String>,
    #[serde(default)]
    pad: Option<String>,
    #[serde(default)]
    signature: String,
}

async fn sign(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: FormResult<SignForm>,
) -> Result<Response, ApiError> {
    let (id, back) = match check(&c, &id, &headers, page, "/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    let f = form.map(|f| f.0).unwrap_or_default();
    let again = format!("{back}?req={}#sign", url_encode(&f.request_id));
    let image = match f.signature.trim() {
        "" => None,
        data => match data
            .strip_prefix("data:image/png;base64,")
            .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
        {
            Some(png) => Some(png),
            None => return Ok(back_with(&again, &app::api::Refusal::SignatureImage.in_lang(c.lang))),
        },
    };
    let req = SignRequest {
        version: f.version.parse().unwrap_or(-1),
        sha256: f.sha256,
        request_id: f.request_id.clone(),
        code: f.code,
        image,
        pad: f.pad.is_some(),
        confirmed: f.confirmed.is_some(),
        device: headers.get(USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("").to_string(),
    };
    match s.services.sign_agreement(&c, id, &req).await {
        Ok(Signed::Effective(_)) => Ok(Redirect::to(&format!("{back}?effective=1")).into_response()),
        Ok(_) => Ok(Redirect::to(&format!("{back}?signed=1")).into_response()),
        // A changed agreement is shown afresh (with what changed), never signed blind.
        Err(e) if e.code() == "agreement_changed" => Ok(back_with(&back, &e)),
        Err(e) => Ok(back_with(&again, &e)),
    }
}

#[derive(Deserialize, Default)]
struct DeclineForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    reason: String,
}

async fn decline(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: FormResult<DeclineForm>,
) -> Result<Response, ApiError> {
    let (id, back) = match check(&c, &id, &headers, page, "/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    let f = form.map(|f| f.0).unwrap_or_default();
    after(
        s.services.decline_agreement(&c, id, f.version.parse().unwrap_or(-1), &f.reason).await,
        |()| format!("{back}?declined=1"),
        || format!("{back}#decline"),
    )
}

async fn accept(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (id, back) = match check(&c, &id, &headers, page, "/staff/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    after(s.services.accept_mediation(&c, id).await, |()| format!("{back}?accepted=1"), || back.clone())
}

#[derive(Deserialize, Default)]
struct DeclineChoiceForm {
    #[serde(default)]
    reasons: String,
}

async fn decline_choice(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: FormResult<DeclineChoiceForm>,
) -> Result<Response, ApiError> {
    let (id, back) = match check(&c, &id, &headers, page, "/staff/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    let f = form.map(|f| f.0).unwrap_or_default();
    after(
        s.services.decline_choice(&c, id, &f.reasons).await,
        |()| format!("{back}?choice_declined=1"),
        || format!("{back}?reasons={}#decline-choice", url_encode(&f.reasons)),
    )
}

#[derive(Deserialize, Default)]
struct SessionForm {
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    link: String,
}

async fn schedule_session(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: FormResult<SessionForm>,
) -> Result<Response, ApiError> {
    let (id, back) = match check(&c, &id, &headers, page, "/staff/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    let f = form.map(|f| f.0).unwrap_or_default();
    after(
        s.services.schedule_session(&c, id, &f.date, &f.time, &f.link).await,
        |()| format!("{back}?scheduled=1#sessions"),
        || {
            format!(
                "{back}?date={}&time={}&link={}#sessions",
                url_encode(&f.date),
                url_encode(&f.time),
                url_encode(&f.link)
            )
        },
    )
}

#[derive(Deserialize, Default)]
struct ProfileFormData {
    #[serde(default)]
    background: String,
    #[serde(default)]
    specialities: String,
    #[serde(default)]
    dispute_range: String,
    #[serde(default)]
    fee: String,
    #[serde(default)]
    listed: Option<String>,
}

async fn save_profile(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    headers: HeaderMap,
    form: FormResult<ProfileFormData>,
) -> Result<Response, ApiError> {
    // Not an id in the path: `check` is given a stand-in and its own page back.
    let back = "/staff/mediator-profile";
    match check(&c, "0", &headers, |_| back.to_string(), "/staff/sign-in")? {
        Checked::Go(..) => {}
        Checked::SignIn(to) => return Ok(to),
    }
    let f = form.map(|f| f.0).unwrap_or_default();
    let profile = crate::services::mediators::ProfileForm {
        background: f.background.clone(),
        specialities: f.specialities.clone(),
        dispute_range: f.dispute_range.clone(),
        fee: f.fee.clone(),
        listed: f.listed.is_some(),
    };
    after(
        s.services.save_mediator_profile(&c, &profile).await,
        |()| format!("{back}?saved=1"),
        || {
            let kept = [
                ("background", &f.background),
                ("specialities", &f.specialities),
                ("dispute_range", &f.dispute_range),
                ("fee", &f.fee),
            ]
            .iter()
            .map(|(k, v)| format!("{k}={}", url_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
            format!("{back}?{kept}")
        },
    )
}

#[derive(Deserialize, Default)]
struct AgreementForm {
    #[serde(default)]
    based_on: String,
    #[serde(default)]
    text: String,
}

async fn agreement(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: FormResult<AgreementForm>,
) -> Result<Response, ApiError> {
    let (id, back) = match check(&c, &id, &headers, page, "/staff/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    let f = form.map(|f| f.0).unwrap_or_default();
    after(
        s.services.draft_agreement(&c, id, f.based_on.parse().unwrap_or(-1), &f.text).await,
        |v| format!("{back}?version={v}#agreement"),
        // The text typed goes back into the editor.
        || format!("{back}?draft={}#editor", url_encode(&f.text)),
    )
}

#[derive(Deserialize, Default)]
struct EndForm {
    #[serde(default)]
    ground: String,
    #[serde(default)]
    note: String,
}

async fn end(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: FormResult<EndForm>,
) -> Result<Response, ApiError> {
    let (id, back) = match check(&c, &id, &headers, page, "/staff/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    let f = form.map(|f| f.0).unwrap_or_default();
    after(
        s.services.end_mediation(&c, id, &f.ground, &f.note).await,
        |()| format!("{back}?ended=1"),
        || format!("{back}?note={}#end", url_encode(&f.note)),
    )
}

async fn signature_image(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((id, sig)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let not_found = || ApiError(AppError::NotFound(String::new()));
    let (Ok(id), Ok(sig)) = (id.parse::<i64>(), sig.parse::<i64>()) else {
        return Err(not_found());
    };
    let png = s.services.signature_image(&c, id, sig).await?;
    Ok((
        [
            (CONTENT_TYPE, "image/png"),
            (CACHE_CONTROL, "private, no-store"),
            (X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        png,
    )
        .into_response())
}

async fn act_receipt(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path((id, index)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let id = match download_id(&c, &id)? {
        Ok(id) => id,
        Err(to) => return Ok(to),
    };
    let index = index.parse::<i64>().map_err(|_| ApiError(AppError::NotFound(String::new())))?;
    let receipt = s.services.mediation_receipt(&c, id, index).await?;
    let mut res = axum::Json(receipt).into_response();
    let h = res.headers_mut();
    h.insert(CACHE_CONTROL, axum::http::HeaderValue::from_static("private, no-store"));
    h.insert(X_CONTENT_TYPE_OPTIONS, axum::http::HeaderValue::from_static("nosniff"));
    if let Ok(v) = axum::http::HeaderValue::from_str(&format!(
        "attachment; filename=\"mediation-{id}-receipt-{}.json\"",
        index + 1
    )) {
        h.insert(axum::http::header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

async fn apply_confirmation(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (id, back) = match check(&c, &id, &headers, page, "/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    after(
        s.services.apply_for_confirmation(&c, id).await,
        |applied| {
            let jc = match applied {
                Applied::Docketed(_) => "docketed",
                Applied::Already => "already",
                _ => "applied",
            };
            format!("{back}?jc={jc}#confirmation")
        },
        || format!("{back}#confirmation"),
    )
}

async fn withdraw_confirmation(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (id, back) = match check(&c, &id, &headers, page, "/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    after(
        s.services.withdraw_confirmation(&c, id).await,
        |()| format!("{back}?jc=withdrawn#confirmation"),
        || format!("{back}#confirmation"),
    )
}

async fn rule(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: FormResult<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let (id, back) = match check(&c, &id, &headers, page, "/staff/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    // `ground` repeats (one per ticked box): read the pairs in order, not into a struct.
    let mut r = RulingRequest::default();
    for (k, v) in form.map(|f| f.0).unwrap_or_default() {
        match k.as_str() {
            "outcome" => r.outcome = v,
            "ground" => r.grounds.push(v),
            "reasons" => r.reasons = v,
            "checked" => r.checked = true,
            _ => {}
        }
    }
    after(
        s.services.rule_on_confirmation(&c, id, &r).await,
        |()| format!("{back}?jc=ruled#confirmation"),
        || format!("{back}?reasons={}#ruling", url_encode(&r.reasons)),
    )
}

async fn ruling_pdf(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = match download_id(&c, &id)? {
        Ok(id) => id,
        Err(to) => return Ok(to),
    };
    let blob = s.services.confirmation_ruling_pdf(&c, id).await?;
    Ok(pdf(crate::http::documents::blob_body(blob), &format!("ruling-{id}.pdf")))
}

async fn agreement_pdf(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = match download_id(&c, &id)? {
        Ok(id) => id,
        Err(to) => return Ok(to),
    };
    let file = s.services.agreement_pdf(&c, id).await?;
    Ok(pdf(file, &format!("agreement-{id}.pdf")))
}

async fn start_in_case(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: FormResult<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let case_page = |id: i64| format!("/cases/{id}");
    let (id, back) = match check(&c, &id, &headers, case_page, "/staff/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    // `phone_<party id>`: a number typed for a party without an account.
    let phones: Vec<(i64, String)> = form
        .map(|f| f.0)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("phone_")?.parse().ok()?, v)))
        .collect();
    after(
        s.services.start_case_mediation(&c, id, &phones).await,
        |m| format!("{}?started=1", page(m)),
        || {
            let kept = phones.iter().map(|(p, v)| format!("phone_{p}={}", url_encode(v))).collect::<Vec<_>>();
            format!("{back}?{}#mediation", kept.join("&"))
        },
    )
}

async fn issue_statement(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (id, back) = match check(&c, &id, &headers, page, "/staff/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    after(
        s.services.issue_statement(&c, id).await,
        |()| format!("{back}?issued=1#statement"),
        || format!("{back}#statement"),
    )
}

#[derive(Deserialize, Default)]
struct ReceiveForm {
    #[serde(default)]
    request_id: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    confirmed: Option<String>,
}

async fn receive(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: FormResult<ReceiveForm>,
) -> Result<Response, ApiError> {
    let (id, back) = match check(&c, &id, &headers, page, "/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    let f = form.map(|f| f.0).unwrap_or_default();
    let req = ReceiveRequest {
        request_id: f.request_id.clone(),
        code: f.code,
        confirmed: f.confirmed.is_some(),
        device: headers.get(USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("").to_string(),
    };
    after(
        s.services.receive_statement(&c, id, &req).await,
        |r| match r {
            Received::Concluded(_) => format!("{back}?concluded=1#statement"),
            _ => format!("{back}?received=1#statement"),
        },
        || format!("{back}?req={}#receive", url_encode(&f.request_id)),
    )
}

#[derive(Deserialize, Default)]
struct BackOutForm {
    #[serde(default)]
    reason: String,
}

async fn back_out(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: FormResult<BackOutForm>,
) -> Result<Response, ApiError> {
    let (id, back) = match check(&c, &id, &headers, page, "/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    let f = form.map(|f| f.0).unwrap_or_default();
    after(
        s.services.back_out(&c, id, &f.reason).await,
        |()| format!("{back}?backed_out=1"),
        || format!("{back}?note={}#back-out", url_encode(&f.reason)),
    )
}

async fn statement_pdf(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = match download_id(&c, &id)? {
        Ok(id) => id,
        Err(to) => return Ok(to),
    };
    let file = s.services.statement_pdf(&c, id).await?;
    Ok(pdf(file, &format!("mediation-statement-{id}.pdf")))
}

#[derive(Deserialize, Default)]
struct ExtensionForm {
    #[serde(default)]
    days: String,
    #[serde(default)]
    reason: String,
}

async fn propose_extension(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: FormResult<ExtensionForm>,
) -> Result<Response, ApiError> {
    let (id, back) = match check(&c, &id, &headers, page, "/staff/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    let f = form.map(|f| f.0).unwrap_or_default();
    after(
        s.services.propose_extension(&c, id, &f.days, &f.reason).await,
        |()| format!("{back}?proposed=1#extension"),
        || format!("{back}?days={}&reason={}#extension", url_encode(&f.days), url_encode(&f.reason)),
    )
}

async fn answer_extension(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: FormResult<AnswerForm>,
) -> Result<Response, ApiError> {
    let (id, back) = match check(&c, &id, &headers, page, "/sign-in")? {
        Checked::Go(id, back) => (id, back),
        Checked::SignIn(to) => return Ok(to),
    };
    let agree = match form.map(|f| f.0).unwrap_or_default().answer.as_str() {
        "yes" => true,
        "no" => false,
        _ => return Ok(back_with(&back, &app::api::Refusal::Stale.in_lang(c.lang))),
    };
    after(
        s.services.answer_extension(&c, id, agree).await,
        |answer| match answer {
            ExtensionAnswer::Granted(_) => format!("{back}?extended=1"),
            ExtensionAnswer::Refused => format!("{back}?not_extended=1"),
            _ => format!("{back}?answered=1"),
        },
        || format!("{back}#extension"),
    )
}
