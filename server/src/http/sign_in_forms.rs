//! Signing in as a plain form: the sign-in pages post here when their island has not woken
//! (a weak network, an old phone) or JavaScript is off — a person never waits for the wasm to
//! sign in. Number → code by SMS → signed in, each step a post answered with a redirect.
//!
//! - `POST /sign-in` (`step` = `send`: `phone`; `step` = `verify`: `rid`, `code`; and `next`)
//! - `POST /staff/sign-in` (the same, with `password` at `send`)
//!
//! The address bar never carries the number or the code: after `send` the page comes back
//! with the request id (`?rid=`), a random token bound server-side to the number it was sent
//! to; a refusal comes back as its code (`?error=`) from the one table.

use crate::http::caller::ApiCaller;
use crate::http::state::AppState;
use app::api::port::{session_cookie, Backend};
use app::api::Refusal;
use app::i18n::{safe_next, url_encode};
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/sign-in", post(litigant)).route("/staff/sign-in", post(staff))
}

#[derive(Deserialize, Default)]
struct SignInForm {
    #[serde(default)]
    step: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    rid: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
}

async fn litigant(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    form: Result<Form<SignInForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    sign_in(s, c, form.map(|f| f.0).unwrap_or_default(), false).await
}

async fn staff(
    State(s): State<AppState>,
    ApiCaller(c): ApiCaller,
    form: Result<Form<SignInForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    sign_in(s, c, form.map(|f| f.0).unwrap_or_default(), true).await
}

/// A request id as we make them (hex): anything else is not put into an address.
fn request_id(rid: &str) -> Option<&str> {
    (!rid.is_empty() && rid.len() <= 128 && rid.bytes().all(|b| b.is_ascii_alphanumeric())).then_some(rid)
}

async fn sign_in(s: AppState, c: app::api::port::Caller, f: SignInForm, staff: bool) -> Response {
    let page = if staff { "/staff/sign-in" } else { "/sign-in" };
    let next = safe_next(&f.next).to_string();
    let back =
        |extra: String| Redirect::to(&format!("{page}?next={}{extra}", url_encode(&next))).into_response();
    let verifying = f.step == "verify" || (!f.code.is_empty() && !f.rid.is_empty());
    if !verifying {
        let sent = if staff {
            s.services.staff_password(&c, &f.phone, &f.password).await
        } else {
            s.services.send_code(&c, &f.phone).await
        };
        return match sent {
            Ok(sent) => back(format!("&rid={}", sent.request_id)),
            Err(e) => back(format!("&error={}", e.code())),
        };
    }
    let Some(rid) = request_id(&f.rid) else {
        return back(format!("&error={}", Refusal::CodeInvalid.code()));
    };
    let code: String = f.code.chars().filter(|ch| ch.is_ascii_digit()).collect();
    if code.len() != 6 {
        return back(format!("&rid={rid}&error={}", Refusal::CodeDigits.code()));
    }
    match s.services.verify_code(&c, "", rid, &code).await {
        Ok(session) => {
            let cookie = session_cookie(&session.token, session.max_age_secs, s.services.secure_cookies());
            let mut res = Redirect::to(&next).into_response();
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                res.headers_mut().insert(SET_COOKIE, v);
            }
            res
        }
        // A wrong code may be typed again with the same request; anything else asks anew.
        Err(e) if e.code() == Refusal::WrongCode.code() => back(format!("&rid={rid}&error={}", e.code())),
        Err(e) => back(format!("&error={}", e.code())),
    }
}
