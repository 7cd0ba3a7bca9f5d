//! Fee ledger, payment orders, payment notifications, and the sandbox provider's own book.

use super::{violated_constraint, Db};
use sqlx::Row;

#[derive(Clone, Debug)]
pub struct LedgerRow {
    pub id: i64,
    pub kind: String,
    pub amount_fen: i64,
    pub order_id: Option<i64>,
    pub source: String,
    pub created_at: i64,
}

pub async fn ledger(db: &Db, case_id: i64) -> Result<Vec<LedgerRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, kind, amount_fen, order_id, source, created_at FROM fee_ledger \
         WHERE case_id = $1 ORDER BY id",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(LedgerRow {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                amount_fen: r.try_get("amount_fen")?,
                order_id: r.try_get("order_id")?,
                source: r.try_get("source")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// A charge (the fee notice) or a refund; payments go through [`apply_payment`].
pub async fn insert_entry(
    db: &Db,
    case_id: i64,
    kind: &str,
    amount_fen: i64,
    source: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO fee_ledger (case_id, kind, amount_fen, source, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(case_id)
    .bind(kind)
    .bind(amount_fen)
    .bind(source)
    .bind(now)
    .fetch_one(&db.pool)
    .await?
    .try_get("id")
}

#[derive(Clone, Debug)]
pub struct OrderRow {
    pub id: i64,
    pub case_id: i64,
    pub payer_user_id: i64,
    pub out_trade_no: String,
    pub amount_fen: i64,
    pub provider: String,
    pub provider_trade_no: Option<String>,
    pub status: String,
    pub created_at: i64,
    pub paid_at: Option<i64>,
}

const ORDER_COLUMNS: &str = "id, case_id, payer_user_id, out_trade_no, amount_fen, provider, \
     provider_trade_no, status, created_at, paid_at";

fn order_row(r: &sqlx::any::AnyRow) -> Result<OrderRow, sqlx::Error> {
    Ok(OrderRow {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        payer_user_id: r.try_get("payer_user_id")?,
        out_trade_no: r.try_get("out_trade_no")?,
        amount_fen: r.try_get("amount_fen")?,
        provider: r.try_get("provider")?,
        provider_trade_no: r.try_get("provider_trade_no")?,
        status: r.try_get("status")?,
        created_at: r.try_get("created_at")?,
        paid_at: r.try_get("paid_at")?,
    })
}

pub struct NewOrder<'a> {
    pub case_id: i64,
    pub payer_user_id: i64,
    pub out_trade_no: &'a str,
    pub amount_fen: i64,
    pub provider: &'a str,
    pub idempotency_key: &'a str,
    pub now: i64,
}

/// Creates the order, or — when this payer already sent this idempotency key (a double tap,
/// a retried request) — returns the order made the first time. `true` when it is new.
pub async fn create_order(db: &Db, o: NewOrder<'_>) -> Result<(OrderRow, bool), sqlx::Error> {
    let sql = format!(
        "INSERT INTO fee_orders (case_id, payer_user_id, out_trade_no, amount_fen, provider, \
         idempotency_key, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7) \
         RETURNING {ORDER_COLUMNS}"
    );
    let inserted = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(o.case_id)
        .bind(o.payer_user_id)
        .bind(o.out_trade_no)
        .bind(o.amount_fen)
        .bind(o.provider)
        .bind(o.idempotency_key)
        .bind(o.now)
        .fetch_one(&db.pool)
        .await;
    match inserted {
        Ok(r) => Ok((order_row(&r)?, true)),
        Err(e) if violated_constraint(&e).is_some_and(|c| c.contains("idempotency")) => {
            let sql = format!(
                "SELECT {ORDER_COLUMNS} FROM fee_orders WHERE payer_user_id = $1 AND idempotency_key = $2"
            );
            let r = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(o.payer_user_id)
                .bind(o.idempotency_key)
                .fetch_one(&db.pool)
                .await?;
            Ok((order_row(&r)?, false))
        }
        Err(e) => Err(e),
    }
}

pub async fn order_by_out_trade_no(db: &Db, out_trade_no: &str) -> Result<Option<OrderRow>, sqlx::Error> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM fee_orders WHERE out_trade_no = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(out_trade_no)
        .fetch_optional(&db.pool)
        .await?
        .map(|r| order_row(&r))
        .transpose()
}

pub async fn orders_of_case(db: &Db, case_id: i64) -> Result<Vec<OrderRow>, sqlx::Error> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM fee_orders WHERE case_id = $1 ORDER BY id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(case_id).fetch_all(&db.pool).await?;
    rows.iter().map(order_row).collect()
}

/// What applying a notification did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The payment was credited now.
    Credited,
    /// This notification (by its id) was seen before: nothing done.
    Replayed,
    /// The order was already paid (another notification, or a status query, got there first).
    AlreadyPaid,
    /// Recorded; the status changes nothing (failed, closed, or a late one after payment).
    Noted,
}

/// Records the notification and, if it reports a payment of a pending order, marks the order
/// paid and writes the ledger entry — all in one transaction, so each payment is applied
/// exactly once however many notifications, replays and status queries race.
pub struct Received<'a> {
    pub provider: &'a str,
    pub notify_id: &'a str,
    /// The provider reports the order paid.
    pub paid: bool,
    pub status: &'a str,
    pub provider_trade_no: &'a str,
    pub now: i64,
}

pub async fn apply_notification(db: &Db, order: &OrderRow, n: Received<'_>) -> Result<Applied, sqlx::Error> {
    let Received { provider, notify_id, paid, status, provider_trade_no, now } = n;
    let mut tx = db.pool.begin().await?;
    // The first statement writes, so on SQLite the transaction holds the write lock from here
    // on (no read-then-upgrade race); concurrent ones wait on the busy timeout.
    let recorded = sqlx::query(
        "INSERT INTO payment_notifications (provider, notify_id, out_trade_no, status, received_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(provider)
    .bind(notify_id)
    .bind(&order.out_trade_no)
    .bind(status)
    .bind(now)
    .execute(&mut *tx)
    .await;
    match recorded {
        Ok(_) => {}
        Err(e) if violated_constraint(&e).is_some() => {
            tx.rollback().await?;
            return Ok(Applied::Replayed);
        }
        Err(e) => return Err(e),
    }
    if !paid {
        tx.commit().await?;
        return Ok(Applied::Noted);
    }
    let changed = sqlx::query(
        "UPDATE fee_orders SET status = 'paid', paid_at = $1, provider_trade_no = $2 \
         WHERE id = $3 AND status = 'pending'",
    )
    .bind(now)
    .bind(provider_trade_no)
    .bind(order.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        tx.commit().await?;
        return Ok(Applied::AlreadyPaid);
    }
    sqlx::query(
        "INSERT INTO fee_ledger (case_id, kind, amount_fen, order_id, source, created_at) \
         VALUES ($1, 'payment', $2, $3, $4, $5)",
    )
    .bind(order.case_id)
    .bind(order.amount_fen)
    .bind(order.id)
    .bind(format!("{provider} {provider_trade_no}"))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    // Fully paid now: the case reaches 预交诉讼费 on its timeline (once).
    sqlx::query(
        "INSERT INTO case_events (case_id, stage, at) SELECT $1, 'fee_prepay', $2 \
         WHERE NOT EXISTS (SELECT 1 FROM case_events WHERE case_id = $1 AND stage = 'fee_prepay') \
         AND (SELECT COALESCE(SUM(CASE kind WHEN 'payment' THEN -amount_fen ELSE amount_fen END), 0) \
              FROM fee_ledger WHERE case_id = $1) <= 0",
    )
    .bind(order.case_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Applied::Credited)
}

/// Closes a pending order (cancelled or failed at the provider): a new tap makes a new one.
pub async fn close_order(db: &Db, order_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE fee_orders SET status = 'closed' WHERE id = $1 AND status = 'pending'")
        .bind(order_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

// --- The sandbox provider's book ---------------------------------------------------------------

#[derive(Clone, Debug)]
pub struct SandboxOrderRow {
    pub trade_no: String,
    pub out_trade_no: String,
    pub amount_fen: i64,
    pub notify_url: String,
    pub return_url: String,
    pub description: String,
    pub status: String,
}

const SANDBOX_COLUMNS: &str =
    "trade_no, out_trade_no, amount_fen, notify_url, return_url, description, status";

fn sandbox_row(r: &sqlx::any::AnyRow) -> Result<SandboxOrderRow, sqlx::Error> {
    Ok(SandboxOrderRow {
        trade_no: r.try_get("trade_no")?,
        out_trade_no: r.try_get("out_trade_no")?,
        amount_fen: r.try_get("amount_fen")?,
        notify_url: r.try_get("notify_url")?,
        return_url: r.try_get("return_url")?,
        description: r.try_get("description")?,
        status: r.try_get("status")?,
    })
}

/// Registers an order at the sandbox; the same `out_trade_no` gives back the first one.
pub async fn sandbox_create(db: &Db, o: &SandboxOrderRow, now: i64) -> Result<SandboxOrderRow, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO sandbox_pay_orders (trade_no, out_trade_no, amount_fen, notify_url, return_url, \
         description, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'created', $7)",
    )
    .bind(&o.trade_no)
    .bind(&o.out_trade_no)
    .bind(o.amount_fen)
    .bind(&o.notify_url)
    .bind(&o.return_url)
    .bind(&o.description)
    .bind(now)
    .execute(&db.pool)
    .await;
    match inserted {
        Ok(_) => Ok(o.clone()),
        Err(e) if violated_constraint(&e).is_some() => {
            sandbox_by_out_trade_no(db, &o.out_trade_no).await?.ok_or(sqlx::Error::RowNotFound)
        }
        Err(e) => Err(e),
    }
}

pub async fn sandbox_by_trade_no(db: &Db, trade_no: &str) -> Result<Option<SandboxOrderRow>, sqlx::Error> {
    let sql = format!("SELECT {SANDBOX_COLUMNS} FROM sandbox_pay_orders WHERE trade_no = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(trade_no)
        .fetch_optional(&db.pool)
        .await?
        .map(|r| sandbox_row(&r))
        .transpose()
}

pub async fn sandbox_by_out_trade_no(
    db: &Db,
    out_trade_no: &str,
) -> Result<Option<SandboxOrderRow>, sqlx::Error> {
    let sql = format!("SELECT {SANDBOX_COLUMNS} FROM sandbox_pay_orders WHERE out_trade_no = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(out_trade_no)
        .fetch_optional(&db.pool)
        .await?
        .map(|r| sandbox_row(&r))
        .transpose()
}

/// Finishes a created order (paid, cancelled or failed); false if it was already finished.
pub async fn sandbox_finish(db: &Db, trade_no: &str, status: &str, now: i64) -> Result<bool, sqlx::Error> {
    let n = sqlx::query(
        "UPDATE sandbox_pay_orders SET status = $1, finished_at = $2 WHERE trade_no = $3 AND status = 'created'",
    )
    .bind(status)
    .bind(now)
    .bind(trade_no)
    .execute(&db.pool)
    .await?
    .rows_affected();
    Ok(n == 1)
}
