//! Fee relief applications (缓交 / 减交 / 免交), their documents, and the court's decision.

use super::{violated_constraint, Db};
use sqlx::Row;

#[derive(Clone, Debug)]
pub struct ReliefRow {
    pub id: i64,
    pub case_id: i64,
    pub applicant_user_id: i64,
    pub kind: String,
    pub ground: String,
    pub reason: String,
    pub status: String,
    pub reduced_fen: Option<i64>,
    pub decision_note: Option<String>,
    pub decided_at: Option<i64>,
    pub created_at: i64,
}

const COLUMNS: &str = "id, case_id, applicant_user_id, kind, ground, reason, status, reduced_fen, \
     decision_note, decided_at, created_at";

fn row(r: &sqlx::any::AnyRow) -> Result<ReliefRow, sqlx::Error> {
    Ok(ReliefRow {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        applicant_user_id: r.try_get("applicant_user_id")?,
        kind: r.try_get("kind")?,
        ground: r.try_get("ground")?,
        reason: r.try_get("reason")?,
        status: r.try_get("status")?,
        reduced_fen: r.try_get("reduced_fen")?,
        decision_note: r.try_get("decision_note")?,
        decided_at: r.try_get("decided_at")?,
        created_at: r.try_get("created_at")?,
    })
}

#[derive(Clone, Debug)]
pub struct FileRow {
    pub id: i64,
    pub relief_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub stored_path: String,
}

fn file_row(r: &sqlx::any::AnyRow) -> Result<FileRow, sqlx::Error> {
    Ok(FileRow {
        id: r.try_get("id")?,
        relief_id: r.try_get("relief_id")?,
        file_name: r.try_get("file_name")?,
        content_type: r.try_get("content_type")?,
        size_bytes: r.try_get("size_bytes")?,
        sha256: r.try_get("sha256")?,
        stored_path: r.try_get("stored_path")?,
    })
}

pub async fn of_case(db: &Db, case_id: i64) -> Result<Vec<ReliefRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM fee_relief WHERE case_id = $1 ORDER BY id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(case_id).fetch_all(&db.pool).await?;
    rows.iter().map(row).collect()
}

pub async fn by_id(db: &Db, id: i64) -> Result<Option<ReliefRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM fee_relief WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .map(|r| row(&r))
        .transpose()
}

pub async fn files_of_case(db: &Db, case_id: i64) -> Result<Vec<FileRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT f.id, f.relief_id, f.file_name, f.content_type, f.size_bytes, f.sha256, f.stored_path \
         FROM fee_relief_files f JOIN fee_relief r ON r.id = f.relief_id WHERE r.case_id = $1 ORDER BY f.id",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(file_row).collect()
}

/// A document already saved on disk, to record with the application.
pub struct NewFile {
    pub file_name: String,
    pub content_type: &'static str,
    pub size_bytes: i64,
    pub sha256: String,
    pub stored_path: String,
}

pub struct NewApplication<'a> {
    pub case_id: i64,
    pub applicant_user_id: i64,
    pub kind: &'a str,
    pub ground: &'a str,
    pub reason: &'a str,
    pub request_key: &'a str,
    pub files: Vec<NewFile>,
    pub now: i64,
}

/// What filing an application did.
#[derive(Debug, PartialEq, Eq)]
pub enum Filed {
    New(i64),
    /// The same request again (a double tap): the application made the first time.
    Again(i64),
    /// Another application of this case is still pending.
    AlreadyPending,
}

/// Files the application and its documents in one transaction.
pub async fn apply(db: &Db, a: NewApplication<'_>) -> Result<Filed, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO fee_relief (case_id, applicant_user_id, kind, ground, reason, request_key, status, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7) RETURNING id",
    )
    .bind(a.case_id)
    .bind(a.applicant_user_id)
    .bind(a.kind)
    .bind(a.ground)
    .bind(a.reason)
    .bind(a.request_key)
    .bind(a.now)
    .fetch_one(&mut *tx)
    .await;
    let id: i64 = match inserted {
        Ok(r) => r.try_get("id")?,
        Err(e) => {
            let violated = violated_constraint(&e).is_some();
            tx.rollback().await?;
            if !violated {
                return Err(e);
            }
            // Which unique rule fired first differs between back ends: the same request again
            // is recognised by its key, anything else is the pending one of this case.
            let again =
                sqlx::query("SELECT id FROM fee_relief WHERE applicant_user_id = $1 AND request_key = $2")
                    .bind(a.applicant_user_id)
                    .bind(a.request_key)
                    .fetch_optional(&db.pool)
                    .await?;
            return match again {
                Some(r) => Ok(Filed::Again(r.try_get("id")?)),
                None => Ok(Filed::AlreadyPending),
            };
        }
    };
    for f in &a.files {
        sqlx::query(
            "INSERT INTO fee_relief_files (relief_id, file_name, content_type, size_bytes, sha256, stored_path) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(&f.file_name)
        .bind(f.content_type)
        .bind(f.size_bytes)
        .bind(&f.sha256)
        .bind(&f.stored_path)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Filed::New(id))
}

pub struct Decision<'a> {
    pub relief: &'a ReliefRow,
    pub granted: bool,
    /// Taken off what is owed (a ledger reduction), when granted.
    pub reduced_fen: i64,
    pub ledger_source: String,
    pub note: &'a str,
    pub decided_by: i64,
    pub now: i64,
}

/// Records the decision, conditional on the application still pending (two clerks at once
/// decide it once); a grant also writes the reduction and marks the case's relief. `false`
/// if it was already decided.
pub async fn decide(db: &Db, d: Decision<'_>) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let status = if d.granted { "granted" } else { "refused" };
    let changed = sqlx::query(
        "UPDATE fee_relief SET status = $1, reduced_fen = $2, decision_note = $3, decided_by = $4, \
         decided_at = $5 WHERE id = $6 AND status = 'pending'",
    )
    .bind(status)
    .bind(d.granted.then_some(d.reduced_fen))
    .bind(d.note)
    .bind(d.decided_by)
    .bind(d.now)
    .bind(d.relief.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    if d.granted {
        sqlx::query("UPDATE cases SET fee_relief = $1 WHERE id = $2")
            .bind(&d.relief.kind)
            .bind(d.relief.case_id)
            .execute(&mut *tx)
            .await?;
        if d.reduced_fen > 0 {
            sqlx::query(
                "INSERT INTO fee_ledger (case_id, kind, amount_fen, source, created_at) \
                 VALUES ($1, 'reduction', $2, $3, $4)",
            )
            .bind(d.relief.case_id)
            .bind(d.reduced_fen)
            .bind(&d.ledger_source)
            .bind(d.now)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(true)
}
