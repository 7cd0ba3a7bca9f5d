//! Electronic service (电子送达): consent records, documents served, service records, and the
//! court's figures. Every change to a record appends its events to the service log in the
//! same transaction (`store::log::append`).

use super::log::{self, NewEntry, Tx};
use super::{violated_constraint, Db};
use sqlx::Row;

// ---------------------------------------------------------------------------------------------
// Consent (在线诉讼规则 art. 29)
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentRow {
    pub given: bool,
    pub inbox: bool,
    pub sms_phone: Option<String>,
    pub email: Option<String>,
    pub source: String,
    pub recorded_at: i64,
}

fn consent_row(r: &sqlx::any::AnyRow) -> Result<ConsentRow, sqlx::Error> {
    Ok(ConsentRow {
        given: r.try_get::<i64, _>("given")? == 1,
        inbox: r.try_get::<i64, _>("inbox")? == 1,
        sms_phone: r.try_get("sms_phone")?,
        email: r.try_get("email")?,
        source: r.try_get("source")?,
        recorded_at: r.try_get("recorded_at")?,
    })
}

/// A person's consent records, newest first (the first is in force).
pub async fn consents(db: &Db, user_id: i64) -> Result<Vec<ConsentRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT given, inbox, sms_phone, email, source, recorded_at FROM service_consents \
         WHERE user_id = $1 ORDER BY id DESC",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(consent_row).collect()
}

pub struct NewConsent<'a> {
    pub user_id: i64,
    pub given: bool,
    pub inbox: bool,
    pub sms_phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub source: &'a str,
    pub now: i64,
}

/// Records a consent or a withdrawal (never changes an earlier record).
pub async fn record_consent(db: &Db, c: NewConsent<'_>) -> Result<(), sqlx::Error> {
    // In a transaction, so the commit is checked (sqlx drops a lone statement's commit error).
    let mut tx = db.pool.begin().await?;
    insert_consent(&mut tx, c).await?;
    tx.commit().await
}

/// The consent's row, inside a caller's transaction (a filing records the consent given on its
/// last screen with the submission itself: both or neither).
pub async fn insert_consent(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    c: NewConsent<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO service_consents (user_id, given, inbox, sms_phone, email, source, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(c.user_id)
    .bind(i64::from(c.given))
    .bind(i64::from(c.inbox))
    .bind(c.sms_phone)
    .bind(c.email)
    .bind(c.source)
    .bind(c.now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A party of a case as a possible recipient: the person's account, if they have one.
#[derive(Clone, Debug)]
pub struct RecipientRow {
    pub party_id: i64,
    pub side: String,
    pub name: String,
    pub user_id: Option<i64>,
    pub phone: Option<String>,
}

pub async fn recipients(db: &Db, case_id: i64) -> Result<Vec<RecipientRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT p.id, p.side, p.name, p.user_id, u.phone FROM case_parties p \
         LEFT JOIN users u ON u.id = p.user_id WHERE p.case_id = $1 ORDER BY p.id",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(RecipientRow {
                party_id: r.try_get("id")?,
                side: r.try_get("side")?,
                name: r.try_get("name")?,
                user_id: r.try_get("user_id")?,
                phone: r.try_get("phone")?,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Serving
// ---------------------------------------------------------------------------------------------

/// One recipient's record as the court creates it.
#[derive(Clone, Debug)]
pub struct NewRecord {
    pub party_id: i64,
    pub recipient_user_id: Option<i64>,
    pub recipient_name: String,
    pub method: &'static str,
    pub inbox: bool,
    pub inbox_designated: bool,
    pub sms_phone: Option<String>,
    pub sms_designated: bool,
    pub address: String,
    pub status: &'static str,
    pub fallback_reason: Option<String>,
    pub arrived_at: Option<i64>,
    pub effective_at: Option<i64>,
    pub effective_rule: Option<&'static str>,
    pub effective_channel: Option<&'static str>,
}

pub struct NewDocument<'a> {
    pub case_id: i64,
    pub court_id: i64,
    pub kind: &'a str,
    pub title: &'a str,
    pub sha256: &'a str,
    pub size_bytes: i64,
    pub served_by: i64,
    pub request_key: &'a str,
    pub now: i64,
}

pub enum Served {
    /// The document and its records, in the order given.
    New { document_id: i64, record_ids: Vec<i64> },
    /// This request was carried out before (a double tap, a replay): its document.
    Already { document_id: i64 },
}

/// Serves a document: the document, one record per recipient and each record's log entries
/// (made by `entries` from the record's id and its position), in one transaction.
pub async fn serve(
    db: &Db,
    d: NewDocument<'_>,
    records: &[NewRecord],
    entries: impl Fn(i64, usize) -> Vec<String>,
) -> Result<Served, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO served_documents (case_id, kind, title, sha256, size_bytes, served_by, request_key, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(d.case_id)
    .bind(d.kind)
    .bind(d.title)
    .bind(d.sha256)
    .bind(d.size_bytes)
    .bind(d.served_by)
    .bind(d.request_key)
    .bind(d.now)
    .fetch_one(&mut *tx)
    .await;
    let document_id: i64 = match inserted {
        Ok(row) => row.try_get("id")?,
        Err(e) if violated_constraint(&e).is_some_and(|c| c.contains("request_key")) => {
            tx.rollback().await?;
            let row = sqlx::query("SELECT id FROM served_documents WHERE request_key = $1")
                .bind(d.request_key)
                .fetch_one(&db.pool)
                .await?;
            return Ok(Served::Already { document_id: row.try_get("id")? });
        }
        Err(e) => return Err(e),
    };
    let mut record_ids = Vec::with_capacity(records.len());
    let mut new_entries = Vec::new();
    for (i, r) in records.iter().enumerate() {
        let id: i64 = sqlx::query(
            "INSERT INTO service_records (document_id, case_id, court_id, party_id, recipient_user_id, \
             recipient_name, method, inbox, inbox_designated, sms_phone, sms_designated, address, status, \
             fallback_reason, sent_at, arrived_at, effective_at, effective_rule, effective_channel) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) \
             RETURNING id",
        )
        .bind(document_id)
        .bind(d.case_id)
        .bind(d.court_id)
        .bind(r.party_id)
        .bind(r.recipient_user_id)
        .bind(&r.recipient_name)
        .bind(r.method)
        .bind(i64::from(r.inbox))
        .bind(i64::from(r.inbox_designated))
        .bind(r.sms_phone.as_deref())
        .bind(i64::from(r.sms_designated))
        .bind(&r.address)
        .bind(r.status)
        .bind(r.fallback_reason.as_deref())
        .bind(d.now)
        .bind(r.arrived_at)
        .bind(r.effective_at)
        .bind(r.effective_rule)
        .bind(r.effective_channel)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        record_ids.push(id);
        new_entries.extend(entries(id, i).into_iter().map(|entry| NewEntry { entry, record_id: Some(id) }));
    }
    log::append(&mut tx, &new_entries, d.now).await?;
    tx.commit().await?;
    Ok(Served::New { document_id, record_ids })
}

/// A change to one record, made only if `condition` (SQL on the record's columns) holds.
pub struct Change<'a> {
    pub record_id: i64,
    /// `SET` list, e.g. `read_at = $2, status = 'read'` (`$1` is the record id; then `binds`,
    /// then `texts`, numbered in that order).
    pub set: String,
    /// Extra `WHERE` condition, e.g. `read_at IS NULL`.
    pub condition: &'a str,
    pub binds: Vec<Option<i64>>,
    pub texts: Vec<Option<String>>,
    pub entries: Vec<String>,
    pub now: i64,
}

/// Applies a change and appends its log entries in one transaction; `false` when the condition
/// did not hold (already read, already recorded): nothing is written.
pub async fn change(db: &Db, c: Change<'_>) -> Result<bool, sqlx::Error> {
    let mut tx: Tx<'_> = db.pool.begin().await?;
    let sql = format!("UPDATE service_records SET {} WHERE id = $1 AND ({})", c.set, c.condition);
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(c.record_id);
    for b in &c.binds {
        q = q.bind(*b);
    }
    for t in &c.texts {
        q = q.bind(t.as_deref());
    }
    if q.execute(&mut *tx).await?.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    let entries: Vec<NewEntry> =
        c.entries.into_iter().map(|entry| NewEntry { entry, record_id: Some(c.record_id) }).collect();
    log::append(&mut tx, &entries, c.now).await?;
    tx.commit().await?;
    Ok(true)
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/// A service record with its document and case.
#[derive(Clone, Debug)]
pub struct RecordRow {
    pub id: i64,
    pub document_id: i64,
    pub case_id: i64,
    pub court_id: i64,
    pub party_id: i64,
    pub recipient_user_id: Option<i64>,
    pub recipient_name: String,
    pub method: String,
    pub inbox: bool,
    pub inbox_designated: bool,
    pub sms_phone: Option<String>,
    pub sms_designated: bool,
    pub address: String,
    pub status: String,
    pub fallback_reason: Option<String>,
    pub sent_at: i64,
    pub arrived_at: Option<i64>,
    pub sms_arrived_at: Option<i64>,
    pub read_at: Option<i64>,
    pub signed_at: Option<i64>,
    pub effective_at: Option<i64>,
    pub effective_rule: Option<String>,
    pub effective_channel: Option<String>,
    pub outcome_note: Option<String>,
    pub kind: String,
    pub title: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub case_number: Option<String>,
    pub court_zh: String,
    pub court_en: String,
}

const RECORD_SELECT: &str =
    "SELECT r.id, r.document_id, r.case_id, r.court_id, r.party_id, r.recipient_user_id, \
     r.recipient_name, r.method, r.inbox, r.inbox_designated, r.sms_phone, r.sms_designated, r.address, \
     r.status, r.fallback_reason, r.sent_at, r.arrived_at, r.sms_arrived_at, r.read_at, r.signed_at, \
     r.effective_at, r.effective_rule, r.effective_channel, r.outcome_note, d.kind, d.title, d.sha256, \
     d.size_bytes, k.case_number, c.name_zh, c.name_en \
     FROM service_records r JOIN served_documents d ON d.id = r.document_id \
     JOIN cases k ON k.id = r.case_id JOIN courts c ON c.id = r.court_id";

fn record_row(r: &sqlx::any::AnyRow) -> Result<RecordRow, sqlx::Error> {
    Ok(RecordRow {
        id: r.try_get("id")?,
        document_id: r.try_get("document_id")?,
        case_id: r.try_get("case_id")?,
        court_id: r.try_get("court_id")?,
        party_id: r.try_get("party_id")?,
        recipient_user_id: r.try_get("recipient_user_id")?,
        recipient_name: r.try_get("recipient_name")?,
        method: r.try_get("method")?,
        inbox: r.try_get::<i64, _>("inbox")? == 1,
        inbox_designated: r.try_get::<i64, _>("inbox_designated")? == 1,
        sms_phone: r.try_get("sms_phone")?,
        sms_designated: r.try_get::<i64, _>("sms_designated")? == 1,
        address: r.try_get("address")?,
        status: r.try_get("status")?,
        fallback_reason: r.try_get("fallback_reason")?,
        sent_at: r.try_get("sent_at")?,
        arrived_at: r.try_get("arrived_at")?,
        sms_arrived_at: r.try_get("sms_arrived_at")?,
        read_at: r.try_get("read_at")?,
        signed_at: r.try_get("signed_at")?,
        effective_at: r.try_get("effective_at")?,
        effective_rule: r.try_get("effective_rule")?,
        effective_channel: r.try_get("effective_channel")?,
        outcome_note: r.try_get("outcome_note")?,
        kind: r.try_get("kind")?,
        title: r.try_get("title")?,
        sha256: r.try_get("sha256")?,
        size_bytes: r.try_get("size_bytes")?,
        case_number: r.try_get("case_number")?,
        court_zh: r.try_get("name_zh")?,
        court_en: r.try_get("name_en")?,
    })
}

pub async fn record(db: &Db, id: i64) -> Result<Option<RecordRow>, sqlx::Error> {
    let sql = format!("{RECORD_SELECT} WHERE r.id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .map(|r| record_row(&r))
        .transpose()
}

/// Every record of a case, newest document first.
pub async fn records_of_case(db: &Db, case_id: i64) -> Result<Vec<RecordRow>, sqlx::Error> {
    let sql = format!("{RECORD_SELECT} WHERE r.case_id = $1 ORDER BY r.document_id DESC, r.id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(case_id).fetch_all(&db.pool).await?;
    rows.iter().map(record_row).collect()
}

/// A person's inbox: documents served on them electronically, newest first.
pub async fn inbox(db: &Db, user_id: i64) -> Result<Vec<RecordRow>, sqlx::Error> {
    let sql = format!("{RECORD_SELECT} WHERE r.recipient_user_id = $1 AND r.inbox = 1 ORDER BY r.id DESC");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(user_id).fetch_all(&db.pool).await?;
    rows.iter().map(record_row).collect()
}

/// The court's service figures over `[from, to)` (unix seconds, by time sent).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    pub documents: i64,
    pub electronic: i64,
    pub delivered: i64,
    pub read: i64,
    pub effective_electronic: i64,
    pub offline: i64,
    pub offline_served: i64,
    pub failed: i64,
}

pub async fn figures(db: &Db, court_id: i64, from: i64, to: i64) -> Result<Figures, sqlx::Error> {
    let r = sqlx::query(
        "SELECT COUNT(DISTINCT document_id) AS documents, \
           SUM(CASE WHEN method = 'electronic' THEN 1 ELSE 0 END) AS electronic, \
           SUM(CASE WHEN method = 'electronic' AND (arrived_at IS NOT NULL OR sms_arrived_at IS NOT NULL) THEN 1 ELSE 0 END) AS delivered, \
           SUM(CASE WHEN method = 'electronic' AND read_at IS NOT NULL THEN 1 ELSE 0 END) AS read_count, \
           SUM(CASE WHEN method = 'electronic' AND effective_at IS NOT NULL THEN 1 ELSE 0 END) AS effective_electronic, \
           SUM(CASE WHEN method <> 'electronic' THEN 1 ELSE 0 END) AS offline, \
           SUM(CASE WHEN method <> 'electronic' AND status = 'served' THEN 1 ELSE 0 END) AS offline_served, \
           SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed \
         FROM service_records WHERE court_id = $1 AND sent_at >= $2 AND sent_at < $3",
    )
    .bind(court_id)
    .bind(from)
    .bind(to)
    .fetch_one(&db.pool)
    .await?;
    let n = |name: &str| -> Result<i64, sqlx::Error> { Ok(r.try_get::<Option<i64>, _>(name)?.unwrap_or(0)) };
    Ok(Figures {
        documents: n("documents")?,
        electronic: n("electronic")?,
        delivered: n("delivered")?,
        read: n("read_count")?,
        effective_electronic: n("effective_electronic")?,
        offline: n("offline")?,
        offline_served: n("offline_served")?,
        failed: n("failed")?,
    })
}
