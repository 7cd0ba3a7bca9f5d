//! The clock, behind an interface: the services ask `Services::now` (unix seconds, UTC), never
//! the system directly, so tests can move time by setting a clock instead of editing rows.

use std::sync::atomic::{AtomicI64, Ordering};

pub trait Clock: Send + Sync {
    /// Now, in whole seconds since the Unix epoch (UTC).
    fn now(&self) -> i64;
}

/// The system's clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        now()
    }
}

/// A clock that runs with the system's, shifted by an offset a test sets: `advance(86_400)`
/// makes it tomorrow for the whole server at once (the background jobs included).
#[derive(Default)]
pub struct ShiftedClock {
    offset_secs: AtomicI64,
}

impl ShiftedClock {
    pub fn advance(&self, secs: i64) {
        self.offset_secs.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> i64 {
        now() + self.offset_secs.load(Ordering::SeqCst)
    }
}

/// The system's time, for code outside the services (the command line, the demo's history,
/// adapters stamping their own records).
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
