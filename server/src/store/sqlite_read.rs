//! Reads on SQLite without a thread hop: read-only connections used in place, on the
//! request's own thread.
//!
//! sqlx runs every SQLite connection on a worker thread of its own and passes each query and
//! its rows over a channel. Under load that hand-off, not SQLite, was most of the cost of the
//! case page (a `perf` profile: ~45 % futex wait/wake, ~2 % `sqlite3VdbeExec`; see README
//! "Measured"). Hot reads therefore run here, on connections opened read-only on the same
//! file (WAL: they see every committed write and never block the writer). A read takes tens
//! of microseconds, less than the hand-off it replaces. Writes, migrations and PostgreSQL
//! stay on sqlx.

use rusqlite::{Connection, OpenFlags};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

/// Idle read connections kept for reuse (more are opened when needed, then closed).
const KEEP: usize = 8;

pub struct ReadPool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl std::fmt::Debug for ReadPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadPool").field("path", &self.path).finish()
    }
}

impl ReadPool {
    pub fn new(path: PathBuf) -> ReadPool {
        ReadPool { path, idle: Mutex::new(Vec::new()) }
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(2))?;
        Ok(conn)
    }

    /// Runs `f` on an idle connection (or a new one) and puts the connection back.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T, sqlx::Error>) -> Result<T, sqlx::Error> {
        let taken = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let conn = match taken {
            Some(c) => c,
            None => self.open().map_err(to_sqlx)?,
        };
        let out = f(&conn);
        let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < KEEP {
            idle.push(conn);
        }
        out
    }
}

/// A rusqlite error as the sqlx error the rest of the store speaks.
pub fn to_sqlx(e: rusqlite::Error) -> sqlx::Error {
    sqlx::Error::Protocol(format!("sqlite read: {e}"))
}
