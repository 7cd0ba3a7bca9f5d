//! Sessions read recently, kept in memory for a few seconds.
//!
//! Every request of a signed-in person resolves their session; without this, that is a
//! database round trip per request, the largest single cost of reading a case. Entries live
//! [`TTL`]: sign-out, sign-out everywhere and profile changes made through this process
//! drop them at once; in a deployment of several processes on one PostgreSQL database,
//! another process's sign-out reaches this one within the TTL.

use crate::store::people::SessionRow;
use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

pub const TTL: Duration = Duration::from_secs(5);
/// Beyond this many entries the cache is emptied (a crude but safe bound on memory).
const MAX_ENTRIES: usize = 100_000;

#[derive(Default)]
pub struct SessionCache {
    entries: RwLock<HashMap<String, (SessionRow, Instant)>>,
}

impl SessionCache {
    /// The session for this token hash, if read from the database less than [`TTL`] ago.
    pub fn get(&self, token_hash: &str) -> Option<SessionRow> {
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        entries.get(token_hash).filter(|(_, at)| at.elapsed() < TTL).map(|(row, _)| row.clone())
    }

    pub fn put(&self, token_hash: &str, row: SessionRow) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(token_hash.to_string(), (row, Instant::now()));
    }

    /// After recording activity: keep the entry, with the new time.
    pub fn touched(&self, token_hash: &str, now: i64) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if let Some((row, _)) = entries.get_mut(token_hash) {
            row.last_seen_at = now;
        }
    }

    pub fn forget(&self, token_hash: &str) {
        self.entries.write().unwrap_or_else(|e| e.into_inner()).remove(token_hash);
    }

    /// Every session of one person (sign-out everywhere, a changed profile).
    pub fn forget_user(&self, user_id: i64) {
        self.entries.write().unwrap_or_else(|e| e.into_inner()).retain(|_, (row, _)| row.user.id != user_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::people::UserRow;

    fn row(user_id: i64) -> SessionRow {
        SessionRow {
            user: UserRow {
                id: user_id,
                phone: "13800000001".into(),
                role: "litigant".into(),
                name: None,
                resident_id: None,
                court_id: None,
                court_name_zh: None,
                court_name_en: None,
                password_hash: None,
            },
            last_seen_at: 0,
            expires_at: 100,
        }
    }

    #[test]
    fn a_forgotten_session_or_person_is_read_again() {
        let cache = SessionCache::default();
        cache.put("a", row(1));
        cache.put("b", row(1));
        cache.put("c", row(2));
        assert!(cache.get("a").is_some());
        cache.forget("a");
        assert!(cache.get("a").is_none());
        cache.forget_user(1);
        assert!(cache.get("b").is_none());
        assert!(cache.get("c").is_some());
        cache.touched("c", 42);
        assert_eq!(cache.get("c").unwrap().last_seen_at, 42);
    }
}
