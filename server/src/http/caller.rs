//! The one caller check every door starts with: who is calling (the session from the cookie
//! or a bearer token, the language, the peer address), whether a state-changing request comes
//! from this site, and how a refusal is answered (a status and `{"error": …}`).

use crate::http::state::AppState;
use app::api::port::Caller;
use app::api::AppError;
use app::i18n::{cookie_value, t, Prefs};
use app::rules::Lang;
use axum::extract::FromRequestParts;
use axum::http::header::{ACCEPT_LANGUAGE, AUTHORIZATION, COOKIE, HOST, ORIGIN};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;

pub(crate) fn case_id(c: &Caller, id: &str) -> Result<i64, ApiError> {
    // A malformed id gets the same answer as another person's case.
    id.parse::<i64>().map_err(|_| {
        ApiError(AppError::NotFound(
            app::i18n::t(
                c.lang,
                ("没有找到这个案件，或者您无权查看。", "No such case among those you may see."),
            )
            .into(),
        ))
    })
}

/// The language asked for by `Accept-Language` (Chinese unless English comes first).
pub(crate) fn header_lang(headers: &axum::http::HeaderMap) -> Lang {
    match headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()) {
        Some(al) if al.trim_start().starts_with("en") => Lang::En,
        _ => Lang::Zh,
    }
}

/// An error as the API answers it: the status, and `{"error": "<reason a person can act on>",
/// "code": "<stable code>"}` (the codes of `app::api::Refusal`, or the kind of error).
pub struct ApiError(pub AppError);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(serde_json::json!({ "error": self.0.message(), "code": self.0.code() })))
            .into_response()
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

/// The caller of an API request: session from the cookie or a bearer token; language from
/// the `pc_lang` cookie, else `Accept-Language` (Chinese unless English is asked for first).
pub struct ApiCaller(pub Caller);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(ApiCaller(app::api::port::resolve_caller(state.services.as_ref(), parts).await?))
    }
}

/// Whether a request comes from this site's own pages. `Origin` decides when a browser sent
/// one (every current browser does on a POST, same-site or not): it must name this host. A
/// request without it is judged by `Sec-Fetch-Site` (refused when "cross-site" or
/// "same-site" — another site under the same registrable domain); with neither header it is
/// not a browser's cross-site request (an API client, a very old browser whose cookie is
/// `SameSite=Lax` and so not sent cross-site) and passes.
pub(crate) fn same_origin(headers: &HeaderMap) -> bool {
    let header = |name| headers.get(name).and_then(|v: &axum::http::HeaderValue| v.to_str().ok());
    if let Some(origin) = header(ORIGIN) {
        let host = header(HOST).unwrap_or("");
        // `Origin: null` (a sandboxed frame, a redirect from elsewhere) is never ours.
        return !host.is_empty() && origin.split_once("://").map(|(_, rest)| rest) == Some(host);
    }
    !matches!(header(SEC_FETCH_SITE), Some("cross-site" | "same-site"))
}

const SEC_FETCH_SITE: axum::http::HeaderName = axum::http::HeaderName::from_static("sec-fetch-site");

/// The one origin check, in front of every door: a request that can change something (any
/// method but GET, HEAD and OPTIONS) from another site's page is refused before it reaches
/// a door — form posts, server functions (sign-in included: no login CSRF), the REST API,
/// uploads. A request with `Authorization: Bearer` is an API client's and is exempt (a
/// browser never adds that header across sites); so are the payment provider's
/// notifications (server to server, no `Origin`).
pub async fn refuse_foreign_writes(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use axum::http::Method;
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let bearer = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer "));
    if safe || bearer || same_origin(req.headers()) {
        return next.run(req).await;
    }
    let cookies = req.headers().get(COOKIE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let lang = if cookie_value(cookies, app::i18n::LANG_COOKIE).is_some() {
        Prefs::from_cookie_header(cookies).lang
    } else {
        header_lang(req.headers())
    };
    tracing::info!(path = %req.uri().path(), "a write from another site refused");
    ApiError(AppError::Forbidden(
        t(
            lang,
            (
                "请从本站页面操作：别的网站不能替您提交。",
                "Please use this site's own pages: another site cannot act for you.",
            ),
        )
        .into(),
    ))
    .into_response()
}

/// Who a form post is for, after the checks every one of them starts with.
pub(crate) enum Checked {
    /// Go on: the case id and the page to send the browser back to.
    Go(i64, String),
    /// Not signed in: to the sign-in page, then back.
    SignIn(Response),
}

/// The checks every form post starts with: a case id (else "not found"), a signed-in caller
/// (else to `sign_in`, then back to `back`), and a post from this site (else 403).
pub(crate) fn check(
    c: &app::api::port::Caller,
    id: &str,
    headers: &HeaderMap,
    back: impl Fn(i64) -> String,
    sign_in: &str,
) -> Result<Checked, ApiError> {
    let id = case_id(c, id)?;
    let back = back(id);
    if c.me.is_none() {
        let next = app::i18n::url_encode(&back);
        return Ok(Checked::SignIn(Redirect::to(&format!("{sign_in}?next={next}")).into_response()));
    }
    if !same_origin(headers) {
        return Err(ApiError(AppError::Forbidden(
            t(c.lang, ("请从本站页面操作。", "Please use this site's own page.")).into(),
        )));
    }
    Ok(Checked::Go(id, back))
}

/// Where a refused form post sends the browser: back to its page with the refusal's code
/// (`?error=<code>`, shown by the page from `app::api::Refusal`'s one table). "Not found" goes
/// back to the page itself, which says "not found" on its own — the same answer as for a
/// case that does not exist.
pub(crate) fn back_with(back: &str, e: &AppError) -> Response {
    back_with_param(back, "error", e)
}

/// `back_with` for a page that shows two forms' refusals apart (`?consent_error=`).
pub(crate) fn back_with_param(back: &str, param: &str, e: &AppError) -> Response {
    let (path, anchor) = match back.split_once('#') {
        Some((path, anchor)) => (path, format!("#{anchor}")),
        None => (back, String::new()),
    };
    let to = match e.code() {
        "not_found" => back.to_string(),
        "not_signed_in" => format!("{path}?{param}={}{anchor}", app::api::Refusal::SignIn.code()),
        code => {
            let sep = if path.contains('?') { '&' } else { '?' };
            format!("{path}{sep}{param}={code}{anchor}")
        }
    };
    Redirect::to(&to).into_response()
}
