//! The SMS outbox: every message the gateway was asked to send, and what became of it.

use super::Db;
use sqlx::Row;

pub struct NewSms<'a> {
    pub phone: &'a str,
    pub body: &'a str,
    pub purpose: &'a str,
    pub provider: &'a str,
    pub status: &'a str,
    pub provider_ref: Option<&'a str>,
    pub check_code: &'a str,
    pub case_id: Option<i64>,
    pub court_id: Option<i64>,
    pub now: i64,
}

pub async fn insert(db: &Db, m: NewSms<'_>) -> Result<i64, sqlx::Error> {
    // In a transaction, so a failed commit (a full disk) is an error, never a silent success:
    // sqlx drops the commit error of a lone statement with RETURNING.
    let mut tx = db.pool.begin().await?;
    let out = sqlx::query(
        "INSERT INTO sms_outbox (phone, body, purpose, provider, status, provider_ref, check_code, \
         case_id, court_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(m.phone)
    .bind(m.body)
    .bind(m.purpose)
    .bind(m.provider)
    .bind(m.status)
    .bind(m.provider_ref)
    .bind(m.check_code)
    .bind(m.case_id)
    .bind(m.court_id)
    .bind(m.now)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    tx.commit().await?;
    Ok(out)
}

pub struct SmsRow {
    pub phone: String,
    pub body: String,
    pub created_at: i64,
}

pub async fn latest(db: &Db, limit: i64) -> Result<Vec<SmsRow>, sqlx::Error> {
    let rows = sqlx::query("SELECT phone, body, created_at FROM sms_outbox ORDER BY id DESC LIMIT $1")
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(SmsRow {
                phone: r.try_get("phone")?,
                body: r.try_get("body")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// What the public check page may say about a message: never its text or full number.
pub struct CheckedSms {
    pub purpose: String,
    pub status: String,
    pub phone: String,
    pub created_at: i64,
    pub case_number: Option<String>,
    pub court_zh: Option<String>,
    pub court_en: Option<String>,
}

/// The message carrying this check code, with its case number and court.
pub async fn by_check_code(db: &Db, code: &str) -> Result<Option<CheckedSms>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT s.purpose, s.status, s.phone, s.created_at, c.case_number, ct.name_zh, ct.name_en \
         FROM sms_outbox s LEFT JOIN cases c ON c.id = s.case_id \
         LEFT JOIN courts ct ON ct.id = COALESCE(s.court_id, c.court_id) WHERE s.check_code = $1",
    )
    .bind(code)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| {
        Ok(CheckedSms {
            purpose: r.try_get("purpose")?,
            status: r.try_get("status")?,
            phone: r.try_get("phone")?,
            created_at: r.try_get("created_at")?,
            case_number: r.try_get("case_number")?,
            court_zh: r.try_get("name_zh")?,
            court_en: r.try_get("name_en")?,
        })
    })
    .transpose()
}
