//! Evidence uploads, the service side: the limits, the blob store finished files go to, the
//! transfers running in this process, and the expiry of partial uploads. The tus protocol
//! itself is a door (`http::uploads`).

use crate::adapters::blob_store::{self, BlobStore};
use crate::config::ServeArgs;
use crate::store;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

/// A partial upload lives this long after its last bytes arrived.
pub const PARTIAL_TTL_SECS: i64 = 24 * 3600;
pub const MB: i64 = 1024 * 1024;

/// The upload settings and the transfers running in this process.
pub struct Uploads {
    pub max_file_bytes: i64,
    pub max_filing_bytes: i64,
    /// Where finished files go.
    pub blobs: Arc<dyn BlobStore>,
    pub(crate) partial_dir: PathBuf,
    /// Transfers in progress here, by upload id. A phone whose connection dropped comes back
    /// before the server notices the old connection is dead; its new request asks the old
    /// transfer to keep what it has and stop, instead of waiting for it.
    pub(crate) active: Mutex<HashMap<String, Arc<Notify>>>,
}

impl Uploads {
    pub fn new(args: &ServeArgs) -> Uploads {
        let mb = |n: u64| i64::try_from(n).unwrap_or(i64::MAX / MB).saturating_mul(MB);
        let data_dir = &args.storage.data_dir;
        Uploads {
            max_file_bytes: mb(args.uploads.max_file_mb),
            max_filing_bytes: mb(args.uploads.max_filing_mb),
            blobs: Arc::new(blob_store::LocalBlobStore::new(data_dir)),
            partial_dir: data_dir.join("uploads").join("partial"),
            active: Mutex::default(),
        }
    }

    /// Where a partial upload's bytes are (ids are our own base64url: no path in them).
    pub fn partial_path(&self, id: &str) -> PathBuf {
        self.partial_dir.join(id)
    }

    /// Asks a transfer of `id` running here to stop; true if there was one.
    pub fn kick(&self, id: &str) -> bool {
        let active = self.active.lock().unwrap_or_else(|e| e.into_inner());
        active.get(id).map(|n| n.notify_one()).is_some()
    }

    pub fn busy(&self, id: &str) -> bool {
        self.active.lock().unwrap_or_else(|e| e.into_inner()).contains_key(id)
    }
}

pub(crate) async fn remove_partial(uploads: &Uploads, id: &str) {
    let path = uploads.partial_path(id);
    if let Err(e) = tokio::fs::remove_file(&path).await {
        if e.kind() != std::io::ErrorKind::NotFound {
            tracing::warn!(error = %e, path = %path.display(), "could not remove a partial upload");
        }
    }
}

/// Deletes partial uploads whose expiry has passed at `at`, with their bytes. Returns how
/// many. Run every minute (`startup`); a failure is logged and tried again next time.
pub async fn remove_expired(db: &store::Db, uploads: &Uploads, at: i64) -> usize {
    let mut removed = 0;
    loop {
        let batch = match store::uploads::expired(db, at, 100).await {
            Ok(b) => b,
            Err(e) => {
                tracing::error!(error = %e, "upload cleanup: listing expired uploads");
                return removed;
            }
        };
        for row in &batch {
            match store::uploads::delete_expired(db, &row.id, at).await {
                Ok(true) => {
                    uploads.kick(&row.id);
                    remove_partial(uploads, &row.id).await;
                    removed += 1;
                }
                Ok(false) => {} // bytes arrived since: alive again
                Err(e) => {
                    tracing::error!(error = %e, "upload cleanup: deleting an expired upload");
                    return removed;
                }
            }
        }
        if batch.len() < 100 {
            return removed;
        }
    }
}
