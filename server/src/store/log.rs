//! The service log's tables (RFC 9162 in the manner of Certificate Transparency): entries,
//! the roots of complete perfect subtrees, the right edge, and the signed tree heads.
//!
//! Appending runs inside the caller's transaction, so a service record and its log entry are
//! written together or not at all. The log never rebuilds its tree: each append stores the
//! subtrees it completes (`Frontier::append`, one row per entry on average), and a proof reads
//! the O(log n) stored roots it needs in one query.

use super::Db;
use app::log::merkle::{self, Frontier, Hash, NodeId};
use sqlx::Row;

/// A transaction on either back end.
pub type Tx<'c> = sqlx::Transaction<'c, sqlx::Any>;

/// Rows per multi-row INSERT (SQLite allows 32,766 bound values; 3 per row here).
const CHUNK: usize = 500;

fn decode<E: std::error::Error + Send + Sync + 'static>(e: E) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(e))
}

fn hash_of(text: &str) -> Result<Hash, sqlx::Error> {
    merkle::hash_from_hex(text).map_err(decode)
}

/// One entry to append, and the service record it belongs to.
pub struct NewEntry {
    pub entry: String,
    pub record_id: Option<i64>,
}

/// Appends `entries` in order inside `tx`; returns the index of the first and the log's
/// frontier after them.
///
/// The first statement writes the state row: on SQLite that takes the write lock before
/// anything is read (no lock upgrade between two appenders), on PostgreSQL it locks the row —
/// appenders queue there, and each reads the size the previous one left.
pub async fn append(tx: &mut Tx<'_>, entries: &[NewEntry], now: i64) -> Result<(u64, Frontier), sqlx::Error> {
    sqlx::query("UPDATE log_state SET size = size WHERE id = 1").execute(&mut **tx).await?;
    let row = sqlx::query("SELECT size, frontier FROM log_state WHERE id = 1").fetch_one(&mut **tx).await?;
    let mut frontier: Frontier =
        serde_json::from_str(row.try_get::<String, _>("frontier")?.as_str()).map_err(decode)?;
    let size: i64 = row.try_get("size")?;
    if frontier.size() != size as u64 {
        return Err(decode(std::io::Error::other("log_state: size and frontier disagree")));
    }
    let first = frontier.size();
    let mut nodes: Vec<(NodeId, Hash)> = Vec::with_capacity(entries.len() * 2);
    for e in entries {
        nodes.extend(frontier.append(merkle::leaf_hash(e.entry.as_bytes())));
    }
    for (i, chunk) in entries.chunks(CHUNK).enumerate() {
        let mut sql = String::from("INSERT INTO log_entries (idx, entry, record_id, created_at) VALUES ");
        for j in 0..chunk.len() {
            let b = j * 4;
            sql.push_str(&format!(
                "{}(${}, ${}, ${}, ${})",
                if j > 0 { ", " } else { "" },
                b + 1,
                b + 2,
                b + 3,
                b + 4
            ));
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (j, e) in chunk.iter().enumerate() {
            q = q.bind((first + (i * CHUNK + j) as u64) as i64).bind(&e.entry).bind(e.record_id).bind(now);
        }
        q.execute(&mut **tx).await?;
    }
    for chunk in nodes.chunks(CHUNK) {
        let mut sql = String::from("INSERT INTO log_nodes (level, idx, hash) VALUES ");
        for j in 0..chunk.len() {
            let b = j * 3;
            sql.push_str(&format!("{}(${}, ${}, ${})", if j > 0 { ", " } else { "" }, b + 1, b + 2, b + 3));
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (node, hash) in chunk {
            q = q.bind(i64::from(node.level)).bind(node.index as i64).bind(merkle::hash_to_hex(hash));
        }
        q.execute(&mut **tx).await?;
    }
    let text = serde_json::to_string(&frontier).map_err(decode)?;
    sqlx::query("UPDATE log_state SET size = $1, frontier = $2 WHERE id = 1")
        .bind(frontier.size() as i64)
        .bind(text)
        .execute(&mut **tx)
        .await?;
    Ok((first, frontier))
}

/// The log's right edge as stored.
pub async fn frontier(db: &Db) -> Result<Frontier, sqlx::Error> {
    let row = sqlx::query("SELECT frontier FROM log_state WHERE id = 1").fetch_one(&db.pool).await?;
    serde_json::from_str(row.try_get::<String, _>("frontier")?.as_str()).map_err(decode)
}

/// The stored roots of the given perfect subtrees (those present).
pub async fn nodes(db: &Db, ids: &[NodeId]) -> Result<Vec<(NodeId, Hash)>, sqlx::Error> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let mut sql = String::from("SELECT level, idx, hash FROM log_nodes WHERE ");
        for j in 0..chunk.len() {
            let b = j * 2;
            sql.push_str(&format!(
                "{}(level = ${} AND idx = ${})",
                if j > 0 { " OR " } else { "" },
                b + 1,
                b + 2
            ));
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            q = q.bind(i64::from(id.level)).bind(id.index as i64);
        }
        for r in q.fetch_all(&db.pool).await? {
            let level: i64 = r.try_get("level")?;
            let index: i64 = r.try_get("idx")?;
            let hash: String = r.try_get("hash")?;
            out.push((NodeId { level: level as u8, index: index as u64 }, hash_of(&hash)?));
        }
    }
    Ok(out)
}

/// One stored entry.
#[derive(Clone, Debug)]
pub struct EntryRow {
    pub index: u64,
    pub entry: String,
    pub record_id: Option<i64>,
}

fn entry_row(r: &sqlx::any::AnyRow) -> Result<EntryRow, sqlx::Error> {
    Ok(EntryRow {
        index: r.try_get::<i64, _>("idx")? as u64,
        entry: r.try_get("entry")?,
        record_id: r.try_get("record_id")?,
    })
}

/// The entries of one service record, in log order.
pub async fn entries_of_record(db: &Db, record_id: i64) -> Result<Vec<EntryRow>, sqlx::Error> {
    let rows = sqlx::query("SELECT idx, entry, record_id FROM log_entries WHERE record_id = $1 ORDER BY idx")
        .bind(record_id)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(entry_row).collect()
}

/// The entry at `index`, if the log has one there.
pub async fn entry_at(db: &Db, index: u64) -> Result<Option<EntryRow>, sqlx::Error> {
    let row = sqlx::query("SELECT idx, entry, record_id FROM log_entries WHERE idx = $1")
        .bind(index as i64)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(entry_row).transpose()
}

/// Up to `limit` entries from index `from` on, with their stored leaf hashes (for the audit).
pub async fn entries_from(
    db: &Db,
    from: u64,
    limit: i64,
) -> Result<Vec<(EntryRow, Option<Hash>)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT e.idx, e.entry, e.record_id, n.hash FROM log_entries e \
         LEFT JOIN log_nodes n ON n.level = 0 AND n.idx = e.idx \
         WHERE e.idx >= $1 ORDER BY e.idx LIMIT $2",
    )
    .bind(from as i64)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let leaf: Option<String> = r.try_get("hash")?;
            Ok((entry_row(r)?, leaf.map(|h| hash_of(&h)).transpose()?))
        })
        .collect()
}

/// A signed tree head as stored.
#[derive(Clone, Debug)]
pub struct HeadRow {
    pub size: u64,
    pub root: Hash,
    pub timestamp_ms: u64,
    pub signature: String,
    pub key_id: String,
}

fn head_row(r: &sqlx::any::AnyRow) -> Result<HeadRow, sqlx::Error> {
    Ok(HeadRow {
        size: r.try_get::<i64, _>("size")? as u64,
        root: hash_of(&r.try_get::<String, _>("root")?)?,
        timestamp_ms: r.try_get::<i64, _>("timestamp_ms")? as u64,
        signature: r.try_get("signature")?,
        key_id: r.try_get("key_id")?,
    })
}

const HEAD_COLUMNS: &str = "size, root, timestamp_ms, signature, key_id";

/// The largest signed head.
pub async fn latest_head(db: &Db) -> Result<Option<HeadRow>, sqlx::Error> {
    let sql = format!("SELECT {HEAD_COLUMNS} FROM log_heads ORDER BY size DESC LIMIT 1");
    sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_optional(&db.pool).await?.map(|r| head_row(&r)).transpose()
}

/// The head signed at exactly this size.
pub async fn head_at(db: &Db, size: u64) -> Result<Option<HeadRow>, sqlx::Error> {
    let sql = format!("SELECT {HEAD_COLUMNS} FROM log_heads WHERE size = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(size as i64)
        .fetch_optional(&db.pool)
        .await?
        .map(|r| head_row(&r))
        .transpose()
}

/// Keeps a signed head; a head for that size already kept wins (returned).
pub async fn insert_head(db: &Db, h: &HeadRow) -> Result<HeadRow, sqlx::Error> {
    sqlx::query(
        "INSERT INTO log_heads (size, root, timestamp_ms, signature, key_id) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (size) DO NOTHING",
    )
    .bind(h.size as i64)
    .bind(merkle::hash_to_hex(&h.root))
    .bind(h.timestamp_ms as i64)
    .bind(&h.signature)
    .bind(&h.key_id)
    .execute(&db.pool)
    .await?;
    Ok(head_at(db, h.size).await?.unwrap_or_else(|| h.clone()))
}

/// Every signed head, smallest first (for the audit).
pub async fn all_heads(db: &Db) -> Result<Vec<HeadRow>, sqlx::Error> {
    let sql = format!("SELECT {HEAD_COLUMNS} FROM log_heads ORDER BY size");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&db.pool).await?;
    rows.iter().map(head_row).collect()
}
