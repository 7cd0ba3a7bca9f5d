//! Evidence uploads (tus 1.0, `crate::http::uploads`) and the finished files (`blobs`), kept once
//! by their SHA-256. Sizes are bytes; times unix seconds.

use super::Db;
// Queries built with format! only join constant fragments (column lists); values are
// always bound, never interpolated.
use sqlx::{AssertSqlSafe, Row};

/// Filing statuses in which the owner may still add or remove evidence.
const OPEN_FILING: &str = "('draft','correcting')";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadRow {
    pub id: String,
    pub owner_user_id: i64,
    pub filing_id: i64,
    /// As the phone named it: for showing only.
    pub file_name: String,
    pub length: i64,
    pub offset: i64,
    /// Hex SHA-256 of the whole file, as the phone computed it.
    pub sha256_expected: String,
    /// From the bytes; set on completion.
    pub content_type: Option<String>,
    /// The stored file; set on completion.
    pub blob_sha256: Option<String>,
    /// `partial` or `complete`.
    pub status: String,
    pub created_at: i64,
    /// Partial uploads only.
    pub expires_at: Option<i64>,
    pub updated_at: i64,
}

impl UploadRow {
    pub fn is_complete(&self) -> bool {
        self.status == "complete"
    }
}

const COLUMNS: &str = "id, owner_user_id, filing_id, file_name, length, \"offset\", sha256_expected, \
     content_type, blob_sha256, status, created_at, expires_at, updated_at";

fn row(r: &sqlx::any::AnyRow) -> Result<UploadRow, sqlx::Error> {
    Ok(UploadRow {
        id: r.try_get("id")?,
        owner_user_id: r.try_get("owner_user_id")?,
        filing_id: r.try_get("filing_id")?,
        file_name: r.try_get("file_name")?,
        length: r.try_get("length")?,
        offset: r.try_get("offset")?,
        sha256_expected: r.try_get("sha256_expected")?,
        content_type: r.try_get("content_type")?,
        blob_sha256: r.try_get("blob_sha256")?,
        status: r.try_get("status")?,
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

pub struct NewUpload<'a> {
    pub id: &'a str,
    pub owner_user_id: i64,
    pub filing_id: i64,
    pub file_name: &'a str,
    pub length: i64,
    pub sha256_expected: &'a str,
    pub now: i64,
    pub expires_at: i64,
}

/// What creating an upload did.
#[derive(Debug, PartialEq, Eq)]
pub enum Created {
    Created,
    /// No such filing among the owner's (another person's looks the same).
    NoFiling,
    /// The owner's filing, but handed in: no more evidence now.
    FilingClosed,
    /// The filing's files (complete, and partial ones not yet expired) would pass the limit;
    /// `used`: bytes they take already.
    OverFilingLimit {
        used: i64,
    },
}

/// Creates an upload in the owner's open filing, if the filing's files stay within
/// `max_filing_bytes`. The filing's row is locked first (a no-op update), so two uploads
/// started at once cannot both squeeze under the limit, and a submission waits for it.
pub async fn create(db: &Db, u: &NewUpload<'_>, max_filing_bytes: i64) -> Result<Created, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let status: Option<String> = sqlx::query(
        "UPDATE filings SET updated_at = updated_at WHERE id = $1 AND owner_user_id = $2 RETURNING status",
    )
    .bind(u.filing_id)
    .bind(u.owner_user_id)
    .fetch_optional(&mut *tx)
    .await?
    .map(|r| r.try_get("status"))
    .transpose()?;
    let Some(status) = status else {
        tx.rollback().await?;
        return Ok(Created::NoFiling);
    };
    if !matches!(status.as_str(), "draft" | "correcting") {
        tx.rollback().await?;
        return Ok(Created::FilingClosed);
    }
    let used: i64 = sqlx::query(BYTES_OF_FILING)
        .bind(u.filing_id)
        .bind(u.now)
        .fetch_one(&mut *tx)
        .await?
        .try_get("bytes")?;
    if used.saturating_add(u.length) > max_filing_bytes {
        tx.rollback().await?;
        return Ok(Created::OverFilingLimit { used });
    }
    sqlx::query(
        "INSERT INTO uploads (id, owner_user_id, filing_id, file_name, length, \"offset\", \
         sha256_expected, status, created_at, expires_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 0, $6, 'partial', $7, $8, $7)",
    )
    .bind(u.id)
    .bind(u.owner_user_id)
    .bind(u.filing_id)
    .bind(u.file_name)
    .bind(u.length)
    .bind(u.sha256_expected)
    .bind(u.now)
    .bind(u.expires_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Created::Created)
}

pub async fn get(db: &Db, id: &str) -> Result<Option<UploadRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM uploads WHERE id = $1");
    sqlx::query(AssertSqlSafe(sql)).bind(id).fetch_optional(&db.pool).await?.map(|r| row(&r)).transpose()
}

/// Whether the filing still takes evidence (a draft, or sent back for correction).
pub async fn filing_open(db: &Db, filing_id: i64) -> Result<bool, sqlx::Error> {
    let sql = format!("SELECT id FROM filings WHERE id = $1 AND status IN {OPEN_FILING}");
    Ok(sqlx::query(AssertSqlSafe(sql)).bind(filing_id).fetch_optional(&db.pool).await?.is_some())
}

/// Records that a partial upload has `to` bytes, if it still has `from` (two transfers
/// racing cannot both append), and moves its expiry on. False: it had not.
pub async fn advance(
    db: &Db,
    id: &str,
    from: i64,
    to: i64,
    expires_at: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE uploads SET \"offset\" = $3, expires_at = $4, updated_at = $5 \
         WHERE id = $1 AND \"offset\" = $2 AND status = 'partial' AND $3 <= length",
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(expires_at)
    .bind(now)
    .execute(&db.pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A finished file, already in the blob store.
pub struct NewBlob<'a> {
    pub sha256: &'a str,
    pub size: i64,
    pub content_type: &'a str,
    pub stored_path: &'a str,
    pub now: i64,
}

/// What completing an upload did.
#[derive(Debug, PartialEq, Eq)]
pub enum Completed {
    Completed,
    /// The filing was handed in while the file was arriving: not added.
    FilingClosed,
    /// No partial upload with all its bytes (deleted, expired and removed, or done already).
    Gone,
}

fn blob_row<'q>(blob: &'q NewBlob<'q>) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    sqlx::query(
        "INSERT INTO blobs (sha256, size, content_type, stored_path, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(blob.sha256)
    .bind(blob.size)
    .bind(blob.content_type)
    .bind(blob.stored_path)
    .bind(blob.now)
}

/// Records a blob already in the blob store (once per content).
pub async fn insert_blob(db: &Db, blob: &NewBlob<'_>) -> Result<(), sqlx::Error> {
    blob_row(blob).execute(&db.pool).await?;
    Ok(())
}

/// Records the blob (once per content) and marks the upload complete, in one transaction,
/// only while its filing is open.
pub async fn complete(db: &Db, id: &str, blob: &NewBlob<'_>) -> Result<Completed, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    blob_row(blob).execute(&mut *tx).await?;
    let sql = format!(
        "UPDATE uploads SET status = 'complete', content_type = $2, blob_sha256 = $3, \
         expires_at = NULL, updated_at = $4 \
         WHERE id = $1 AND status = 'partial' AND \"offset\" = length \
         AND filing_id IN (SELECT id FROM filings WHERE status IN {OPEN_FILING})"
    );
    let done = sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .bind(blob.content_type)
        .bind(blob.sha256)
        .bind(blob.now)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 1 {
        tx.commit().await?;
        return Ok(Completed::Completed);
    }
    tx.rollback().await?;
    let still = get(db, id).await?.filter(|u| !u.is_complete() && u.offset == u.length);
    Ok(if still.is_some() { Completed::FilingClosed } else { Completed::Gone })
}

/// What deleting an upload did.
#[derive(Debug, PartialEq, Eq)]
pub enum Deleted {
    Deleted,
    /// A complete file of a filing already handed in: it stays with the filing.
    FilingClosed,
    Gone,
}

/// Deletes an upload: a partial one always, a complete one only while its filing is open
/// (the file itself stays in the blob store: others may share it).
pub async fn delete(db: &Db, id: &str) -> Result<Deleted, sqlx::Error> {
    let sql = format!(
        "DELETE FROM uploads WHERE id = $1 AND (status = 'partial' \
         OR filing_id IN (SELECT id FROM filings WHERE status IN {OPEN_FILING}))"
    );
    let done = sqlx::query(AssertSqlSafe(sql)).bind(id).execute(&db.pool).await?;
    if done.rows_affected() == 1 {
        return Ok(Deleted::Deleted);
    }
    Ok(if get(db, id).await?.is_some() { Deleted::FilingClosed } else { Deleted::Gone })
}

/// Partial uploads whose expiry has passed, oldest first, at most `limit`.
pub async fn expired(db: &Db, now: i64, limit: i64) -> Result<Vec<UploadRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM uploads WHERE status = 'partial' AND expires_at <= $1 \
         ORDER BY expires_at LIMIT $2"
    );
    let rows = sqlx::query(AssertSqlSafe(sql)).bind(now).bind(limit).fetch_all(&db.pool).await?;
    rows.iter().map(row).collect()
}

/// Deletes a partial upload if it is still expired at `now` (bytes may have arrived since
/// it was listed). True: deleted.
pub async fn delete_expired(db: &Db, id: &str, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM uploads WHERE id = $1 AND status = 'partial' AND expires_at <= $2")
        .bind(id)
        .bind(now)
        .execute(&db.pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The filing's finished evidence files, in the order they were started: for its evidence
/// list and the check at submission.
pub async fn complete_of_filing(db: &Db, filing_id: i64) -> Result<Vec<UploadRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM uploads WHERE filing_id = $1 AND status = 'complete' \
         ORDER BY created_at, id"
    );
    let rows = sqlx::query(AssertSqlSafe(sql)).bind(filing_id).fetch_all(&db.pool).await?;
    rows.iter().map(row).collect()
}

/// Complete files, and partial ones not expired at $2 (they hold their whole length).
const BYTES_OF_FILING: &str = "SELECT CAST(COALESCE(SUM(length), 0) AS BIGINT) AS bytes FROM uploads \
     WHERE filing_id = $1 AND (status = 'complete' OR expires_at > $2)";

/// Bytes the filing's files take against its limit at `now`: complete files, and partial
/// uploads not yet expired, at their full length.
pub async fn bytes_of_filing(db: &Db, filing_id: i64, now: i64) -> Result<i64, sqlx::Error> {
    sqlx::query(BYTES_OF_FILING).bind(filing_id).bind(now).fetch_one(&db.pool).await?.try_get("bytes")
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlobRow {
    pub sha256: String,
    pub size: i64,
    pub content_type: String,
    pub stored_path: String,
    pub created_at: i64,
}

pub async fn blob(db: &Db, sha256: &str) -> Result<Option<BlobRow>, sqlx::Error> {
    sqlx::query("SELECT sha256, size, content_type, stored_path, created_at FROM blobs WHERE sha256 = $1")
        .bind(sha256)
        .fetch_optional(&db.pool)
        .await?
        .map(|r| {
            Ok(BlobRow {
                sha256: r.try_get("sha256")?,
                size: r.try_get("size")?,
                content_type: r.try_get("content_type")?,
                stored_path: r.try_get("stored_path")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .transpose()
}
