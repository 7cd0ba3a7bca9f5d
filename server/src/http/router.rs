//! The router: every door's routes, the server functions, the pages, the built browser
//! files. The top of the http layer.

use crate::config::ServeArgs;
use crate::http::state::AppState;
use crate::services::Services;
use app::api::port::SharedBackend;
use app::i18n::{safe_next, ELDER_COOKIE, LANG_COOKIE};
use axum::extract::Query;
use axum::http::header::{CACHE_CONTROL, LOCATION, SET_COOKIE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use serde::Deserialize;
use std::net::SocketAddr;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// The app's page routes, generated once per process.
///
/// Generating them runs the app with resource loading switched off by a process-global flag
/// (leptos_server's `SuppressResourceLoad`); a page whose resource is first polled while that
/// flag is up waits forever (leptos issue #4773). One server generates before it serves, but
/// the integration tests start many servers in one process while others are rendering pages:
/// generating once, before any server can serve, keeps every render out of that window.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

pub fn router(services: Arc<Services>, args: &ServeArgs, addr: SocketAddr) -> Router {
    let leptos_options = LeptosOptions::builder()
        .output_name("pocket-court")
        .site_root(args.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .env(leptos::config::Env::PROD)
        .build();
    let backend: SharedBackend = services.clone();
    let context = move || provide_context(backend.clone());
    let routes = route_list();
    let state = AppState { services, leptos_options: leptos_options.clone() };

    // Built browser files: served precompressed (.br/.gz made at build time) and cached; a
    // rebuild changes their names only if hashing is on, so keep the cache a day.
    let pkg = Router::new()
        .fallback_service(ServeDir::new(args.site_root.join("pkg")).precompressed_br().precompressed_gzip())
        .layer(SetResponseHeaderLayer::overriding(
            CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=86400"),
        ));

    let hsts = args.public_url.starts_with("https://");
    // The sandbox's pages move no money: they exist only in demo mode.
    let sandbox = if args.demo { crate::http::sandbox_pay::routes() } else { Router::new() };
    Router::new()
        .merge(sandbox)
        .merge(crate::http::rest::routes())
        .merge(crate::http::forms::routes())
        .merge(crate::http::uploads::routes())
        .merge(crate::http::filing_forms::routes())
        .merge(crate::http::service_forms::routes())
        .merge(crate::http::mediation_forms::routes())
        .merge(crate::http::sign_in_forms::routes())
        .route("/prefs", get(prefs))
        .route(
            "/sf/{*fn_name}",
            get({
                let context = context.clone();
                move |req| handle_server_fns_with_context(context.clone(), req)
            })
            .post({
                let context = context.clone();
                move |req| handle_server_fns_with_context(context.clone(), req)
            }),
        )
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = leptos_options.clone();
            move || app::shell(options.clone())
        })
        .nest("/pkg", pkg)
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, app::shell))
        .layer(axum::middleware::from_fn(crate::http::caller::refuse_foreign_writes))
        .layer(axum::middleware::from_fn(move |req, next| security_headers(req, next, hsts)))
        .layer(CompressionLayer::new())
        .with_state(state)
}

#[derive(Deserialize)]
struct PrefsQuery {
    lang: Option<String>,
    elder: Option<String>,
    next: Option<String>,
}

/// Sets the reading preferences (cookies, a year) and goes back: a plain link, no script.
async fn prefs(Query(q): Query<PrefsQuery>) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    let year = 365 * 24 * 3600;
    let mut set = |name: &str, value: &str| {
        let c = format!("{name}={value}; Path=/; Max-Age={year}; SameSite=Lax");
        if let Ok(v) = HeaderValue::from_str(&c) {
            res.headers_mut().append(SET_COOKIE, v);
        }
    };
    match q.lang.as_deref() {
        Some("en") => set(LANG_COOKIE, "en"),
        Some("zh") => set(LANG_COOKIE, "zh"),
        _ => {}
    }
    match q.elder.as_deref() {
        Some("1") => set(ELDER_COOKIE, "1"),
        Some("0") => set(ELDER_COOKIE, "0"),
        _ => {}
    }
    let next = safe_next(q.next.as_deref().unwrap_or("/")).to_string();
    if let Ok(v) = HeaderValue::from_str(&next) {
        res.headers_mut().insert(LOCATION, v);
    }
    res
}

/// Headers every answer carries unless its door set its own: no framing by other sites
/// (clickjacking a "pay" or "sign" button), no type sniffing, no address leaking to other
/// sites, pages and API answers never kept in a shared or back-button cache (they are
/// personal), and HSTS once the site is served over https.
///
/// The Content-Security-Policy is the part that does not touch scripts: `frame-ancestors`,
/// `base-uri`. A `script-src` would need a nonce on Leptos's inline hydration script and
/// `'wasm-unsafe-eval'` for the islands; not done yet (SECURITY.md says so). Uploaded files
/// get their own, stricter headers (`documents::document_headers`).
async fn security_headers(req: axum::extract::Request, next: axum::middleware::Next, hsts: bool) -> Response {
    use axum::http::header::{
        CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
        X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
    };
    let mut res = next.run(req).await;
    let personal = res
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html") || t.starts_with("application/json"));
    let h = res.headers_mut();
    let mut set = |name, value: &'static str| {
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    };
    set(X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(X_FRAME_OPTIONS, "DENY");
    set(CONTENT_SECURITY_POLICY, "frame-ancestors 'none'; base-uri 'self'");
    set(REFERRER_POLICY, "same-origin");
    if personal {
        set(CACHE_CONTROL, "no-store");
    }
    if hsts {
        set(STRICT_TRANSPORT_SECURITY, "max-age=31536000");
    }
    res
}
