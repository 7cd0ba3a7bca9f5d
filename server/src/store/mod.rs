//! Storage: every SQL statement of the server lives in this folder (and its `migrations/`).
//!
//! One code path serves both back ends through sqlx's `Any` driver: SQLite (the embedded
//! default) and PostgreSQL (selected by a `postgres://` URL). Queries use `$n` placeholders,
//! which both accept, and only types both share (BIGINT/INTEGER as i64, TEXT as String).
//! Each back end has its own migrations, embedded in the binary and applied at start.

pub mod cases;
pub mod confirmation;
pub mod fees;
pub mod filings;
pub mod log;
pub mod mediation;
pub mod people;
pub mod procedure;
pub mod relief;
pub mod service;
pub mod sms;
pub mod sqlite_read;
pub mod uploads;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};
use std::str::FromStr;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub kind: Kind,
    /// SQLite files only: read-only connections for hot reads, used in place.
    pub read: Option<std::sync::Arc<sqlite_read::ReadPool>>,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://...")]
    UnsupportedUrl(String),
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("creating the database folder: {0}")]
    Io(#[from] std::io::Error),
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("src/store/migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("src/store/migrations/postgres");

impl Db {
    /// Opens the database named by `url` (creating a SQLite file and its folder if needed).
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        Db::open(url, false).await
    }

    /// For loading generated data in bulk (`pocket-court demo-data`): one connection, and on
    /// SQLite no fsync per commit. Never for data a person entered.
    pub async fn connect_bulk(url: &str) -> Result<Db, StoreError> {
        Db::open(url, true).await
    }

    async fn open(url: &str, bulk: bool) -> Result<Db, StoreError> {
        sqlx::any::install_default_drivers();
        let kind = if url.starts_with("sqlite:") {
            Kind::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Kind::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_string()));
        };
        let mut read = None;
        let url = match kind {
            Kind::Sqlite => {
                let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
                let path = path.split('?').next().unwrap_or(path);
                if path != ":memory:" && !bulk {
                    read = Some(std::sync::Arc::new(sqlite_read::ReadPool::new(path.into())));
                }
                if path != ":memory:" {
                    if let Some(dir) = std::path::Path::new(path).parent() {
                        if !dir.as_os_str().is_empty() {
                            std::fs::create_dir_all(dir)?;
                        }
                    }
                }
                if url.contains('?') {
                    url.to_string()
                } else {
                    format!("{url}?mode=rwc")
                }
            }
            Kind::Postgres => url.to_string(),
        };
        let opts = AnyConnectOptions::from_str(&url)?.disable_statement_logging();
        let pool = AnyPoolOptions::new()
            .max_connections(match (kind, bulk) {
                (_, true) => 1,
                (Kind::Sqlite, false) => 8,
                (Kind::Postgres, false) => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if kind == Kind::Sqlite {
                        // WAL: readers never wait for the writer. synchronous=FULL: a commit the
                        // user was told about survives a power cut. busy_timeout: writers queue
                        // instead of failing at once.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                        )
                        .await?;
                        if bulk {
                            conn.execute("PRAGMA synchronous = OFF;").await?;
                        }
                    }
                    Ok(())
                })
            })
            .connect_with(opts)
            .await?;
        Ok(Db { pool, kind, read })
    }

    /// Applies the embedded migrations of this back end.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self.kind {
            Kind::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Kind::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }
}

/// The constraint a failed insert or update broke, if that was the failure (mapped by name,
/// so callers can tell a duplicate phone from a duplicate case number).
pub fn violated_constraint(e: &sqlx::Error) -> Option<String> {
    let db = e.as_database_error()?;
    if let Some(c) = db.constraint() {
        return Some(c.to_string());
    }
    // SQLite reports "UNIQUE constraint failed: users.phone" without a constraint name.
    let msg = db.message();
    msg.strip_prefix("UNIQUE constraint failed: ").map(|cols| cols.replace(", ", ",").to_string())
}
