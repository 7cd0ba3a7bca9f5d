//! Builds the app (router, storage, services) and serves it on the address it is given.
//! `main` and the integration tests start the very same app; tests pass port 0.

use crate::config::ServeArgs;
use crate::services::Services;
use crate::store::{Db, StoreError};
use app::api::port::SharedBackend;
use app::i18n::{safe_next, ELDER_COOKIE, LANG_COOKIE};
use axum::extract::{FromRef, Query};
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

#[derive(Clone)]
pub struct AppState {
    pub services: Arc<Services>,
    pub leptos_options: LeptosOptions,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> LeptosOptions {
        s.leptos_options.clone()
    }
}

/// A running server.
pub struct Running {
    pub addr: SocketAddr,
    pub services: Arc<Services>,
    pub handle: tokio::task::JoinHandle<std::io::Result<()>>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("demo data: {0}")]
    Demo(#[from] sqlx::Error),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("fee settings: {0}")]
    Fees(String),
    #[error(transparent)]
    LogKey(#[from] crate::service_log::KeyError),
}

/// Opens storage (migrating it), loads demo data if asked and the database is empty, binds
/// the port and serves in the background.
pub async fn spawn(args: &ServeArgs) -> Result<Running, StartError> {
    args.fees.settings().map_err(StartError::Fees)?;
    let db = Db::connect(&args.storage.database_url()).await?;
    db.migrate().await?;
    if args.demo {
        crate::demo::load_if_empty(&db, crate::demo::DEFAULT_CASES).await?;
    }
    let log =
        crate::service_log::ServiceLog::open(args.service.log_key_file.as_deref(), &args.storage.data_dir)?;
    tracing::info!(key = %log.key_id(), "service log signing key (SHA-256 of the public key)");
    let services = Arc::new(Services::new(args, db, log));
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|source| StartError::Bind { addr: args.addr, source })?;
    let addr = listener.local_addr().map_err(|source| StartError::Bind { addr: args.addr, source })?;
    // A loopback public URL (development, tests) gets the port actually bound.
    let public = args.public_url.trim_end_matches('/');
    if public.starts_with("http://127.0.0.1") || public.starts_with("http://localhost") {
        services.set_public_base(format!("http://{addr}"));
    } else {
        services.set_public_base(public.to_string());
    }
    let router = router(services.clone(), args, addr);
    // The notices' font is large: read it now, off the async threads, not at the first notice.
    let fonts = services.clone();
    tokio::task::spawn_blocking(move || fonts.pdf_font(app::rules::Lang::Zh).map(|_| ()));
    // Judgments whose appeal period ran out take effect and settle their fee; refunds owed
    // (诉讼费用交纳办法 art. 53) go out even if the provider was down when the case closed: a
    // minute after start, then every minute.
    let job = services.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            every.tick().await;
            job.bring_judgments_into_force(crate::services::now()).await;
            job.chase_refunds().await;
        }
    });
    // Partial uploads not continued for 24 hours go, with their bytes (tus expiration).
    let job = services.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            every.tick().await;
            crate::uploads::remove_expired(&job, crate::services::now()).await;
        }
    });
    let handle = tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await
    });
    Ok(Running { addr, services, handle })
}

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

    Router::new()
        .merge(crate::rest::routes())
        .merge(crate::forms::routes())
        .merge(crate::uploads::routes())
        .merge(crate::filing_forms::routes())
        .merge(crate::service_forms::routes())
        .merge(crate::payments::sandbox_pages::routes())
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
