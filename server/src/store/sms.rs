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
    pub now: i64,
}

pub async fn insert(db: &Db, m: NewSms<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO sms_outbox (phone, body, purpose, provider, status, provider_ref, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(m.phone)
    .bind(m.body)
    .bind(m.purpose)
    .bind(m.provider)
    .bind(m.status)
    .bind(m.provider_ref)
    .bind(m.now)
    .fetch_one(&db.pool)
    .await?
    .try_get("id")
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
