//! Builds the app (router, storage, services) and serves it on the address it is given.
//! `main` and the integration tests start the very same app; tests pass port 0.

use crate::config::ServeArgs;
use crate::services::Services;
use crate::store::{Db, StoreError};
use std::net::SocketAddr;
use std::sync::Arc;

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
    #[error("{0}")]
    Config(String),
    #[error(transparent)]
    LogKey(#[from] crate::services::service_log::KeyError),
}

/// Opens storage (migrating it), loads demo data if asked and the database is empty, binds
/// the port and serves in the background.
pub async fn spawn(args: &ServeArgs) -> Result<Running, StartError> {
    spawn_with_clock(args, Arc::new(crate::adapters::clock::SystemClock)).await
}

/// `spawn` with the clock every use case reads (tests move time with a `ShiftedClock`).
pub async fn spawn_with_clock(
    args: &ServeArgs,
    clock: Arc<dyn crate::adapters::clock::Clock>,
) -> Result<Running, StartError> {
    args.fees.settings().map_err(StartError::Fees)?;
    args.trusted_proxies().map_err(StartError::Config)?;
    args.payment.wechat_pay().map_err(StartError::Config)?;
    // The demo shows every sign-in code at /dev/inbox: never on a network address unless asked
    // for in so many words.
    if args.demo && !args.addr.ip().is_loopback() && !args.demo_on_network {
        return Err(StartError::Config(format!(
            "--demo shows every sign-in code to anyone who opens /dev/inbox; it listens on loopback only. \
             To demonstrate on a closed network at {}, add --demo-on-network.",
            args.addr
        )));
    }
    let db = Db::connect(&args.storage.database_url()).await?;
    db.migrate().await?;
    if args.demo {
        crate::demo::load_if_empty(&db, crate::demo::DEFAULT_CASES).await?;
    }
    let log = crate::services::service_log::ServiceLog::open(
        args.service.log_key_file.as_deref(),
        &args.storage.data_dir,
    )?;
    tracing::info!(key = %log.key_id(), "service log signing key (SHA-256 of the public key)");
    let services = Arc::new(Services::new(args, db, log, clock));
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
    let router = crate::http::router::router(services.clone(), args, addr);
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
            job.bring_judgments_into_force(job.now()).await;
            job.chase_refunds().await;
            job.reconcile_open_orders().await;
            // Mediations whose period ran out end (在线调解规则 art. 25(6)).
            job.end_expired_mediations().await;
            // A 调解书 in force closes its case even if the server stopped in between.
            job.close_concluded_cases().await;
        }
    });
    // Partial uploads not continued for 24 hours go, with their bytes (tus expiration).
    let job = services.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            every.tick().await;
            crate::services::uploads::remove_expired(&job.db, &job.uploads, job.now()).await;
        }
    });
    let trusted = services.trusted_proxies.clone();
    let handle = tokio::spawn(async move {
        // Bounded connections (`http::listener`); `tap_io` only to keep axum's `ConnectInfo`.
        use axum::serve::ListenerExt;
        let listener = crate::http::listener::GuardedListener::new(listener, trusted).tap_io(|_| {});
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await
    });
    Ok(Running { addr, services, handle })
}
