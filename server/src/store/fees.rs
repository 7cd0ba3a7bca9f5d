//! Fee ledger, payment orders, payment notifications, and the sandbox provider's own book.

use super::{violated_constraint, Db};
use sqlx::Row;

/// What a case still owes (positive) or is owed back (negative), from its ledger: charges and
/// refunds paid out add, payments and reductions subtract. `{case}` is the case id column or
/// parameter. The one formula every balance in SQL uses (Rust: `fee_service::account`).
pub(crate) fn balance_sql(case: &str) -> String {
    format!(
        "(SELECT CAST(COALESCE(SUM(CASE f.kind WHEN 'charge' THEN f.amount_fen \
         WHEN 'refund' THEN f.amount_fen ELSE -f.amount_fen END), 0) AS BIGINT) \
         FROM fee_ledger f WHERE f.case_id = {case})"
    )
}

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

async fn order_by_key(db: &Db, payer: i64, key: &str) -> Result<Option<sqlx::any::AnyRow>, sqlx::Error> {
    let sql =
        format!("SELECT {ORDER_COLUMNS} FROM fee_orders WHERE payer_user_id = $1 AND idempotency_key = $2");
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(payer).bind(key).fetch_optional(&db.pool).await
}

/// Why an order was not made.
#[derive(Debug, thiserror::Error)]
pub enum OrderError {
    /// The case has an open order already (another tab, another tap with a new key): close
    /// that one first (`fee_orders_one_pending_per_case`).
    #[error("the case has an open order")]
    AnotherOpen,
    #[error(transparent)]
    Store(#[from] sqlx::Error),
}

/// Creates the order, or — when this payer already sent this idempotency key (a double tap,
/// a retried request) — returns the order made the first time. `true` when it is new.
pub async fn create_order(db: &Db, o: NewOrder<'_>) -> Result<(OrderRow, bool), OrderError> {
    if let Some(r) = order_by_key(db, o.payer_user_id, o.idempotency_key).await? {
        return Ok((order_row(&r)?, false));
    }
    let sql = format!(
        "INSERT INTO fee_orders (case_id, payer_user_id, out_trade_no, amount_fen, provider, \
         idempotency_key, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7) \
         RETURNING {ORDER_COLUMNS}"
    );
    // In a transaction, so the commit is checked (a write a person is told succeeded must be
    // on disk: sqlx drops a lone statement's commit error, e.g. a full disk).
    let mut tx = db.pool.begin().await?;
    let inserted = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(o.case_id)
        .bind(o.payer_user_id)
        .bind(o.out_trade_no)
        .bind(o.amount_fen)
        .bind(o.provider)
        .bind(o.idempotency_key)
        .bind(o.now)
        .fetch_one(&mut *tx)
        .await;
    match inserted {
        Ok(r) => {
            let row = order_row(&r)?;
            tx.commit().await?;
            Ok((row, true))
        }
        // The same tap racing itself: the first one's order.
        Err(e)
            if violated_constraint(&e)
                .is_some_and(|c| c.contains("idempotency") || c.contains("idempotency_key")) =>
        {
            tx.rollback().await?;
            let r =
                order_by_key(db, o.payer_user_id, o.idempotency_key).await?.ok_or(OrderError::AnotherOpen)?;
            Ok((order_row(&r)?, false))
        }
        Err(e) if violated_constraint(&e).is_some() => {
            tx.rollback().await?;
            Err(OrderError::AnotherOpen)
        }
        Err(e) => Err(e.into()),
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
    /// Money arrived for an order already closed (cancelled, failed, or replaced by a newer
    /// one): credited all the same — it is the payer's money and it did arrive — and flagged
    /// for staff (`payment_flags`); what it overpays goes back by itself.
    CreditedAfterClose,
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
    /// If this payment makes the case overpaid: the refund of the excess to write with it
    /// (our refund number, its art. 53 deadline, the reason shown to the payer).
    pub overpayment_refund: OverpaymentRefund,
}

pub struct OverpaymentRefund {
    pub out_refund_no: String,
    pub due_at: i64,
    pub reason: String,
}

pub async fn apply_notification(db: &Db, order: &OrderRow, n: Received<'_>) -> Result<Applied, sqlx::Error> {
    let Received { provider, notify_id, paid, status, provider_trade_no, now, overpayment_refund } = n;
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
        // Failed or closed at the provider: the order closes with the record of why, in the
        // same transaction (a new tap makes a new order).
        sqlx::query("UPDATE fee_orders SET status = 'closed' WHERE id = $1 AND status = 'pending'")
            .bind(order.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        return Ok(Applied::Noted);
    }
    let before: String = sqlx::query("SELECT status FROM fee_orders WHERE id = $1")
        .bind(order.id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("status")?;
    // A paid order stays paid; a pending one is paid now; a closed one too (money arrived
    // after it was closed or had failed — it did arrive, so it counts, and a person looks).
    let changed = sqlx::query(
        "UPDATE fee_orders SET status = 'paid', paid_at = $1, provider_trade_no = $2 \
         WHERE id = $3 AND status <> 'paid'",
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
    let late = before == "closed";
    if late {
        sqlx::query(
            "INSERT INTO payment_flags (case_id, order_id, kind, note, at) VALUES ($1, $2, 'paid_after_close', $3, $4)",
        )
        .bind(order.case_id)
        .bind(order.id)
        .bind(format!("{provider} {provider_trade_no}: {} fen for an order already closed", order.amount_fen))
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    // Overpaid now (two tabs, a payment after closing, a late one): the excess over what is
    // owed and not already on its way back goes back to this payment by itself.
    let excess_sql = format!(
        "SELECT -({}) - (SELECT CAST(COALESCE(SUM(r.amount_fen), 0) AS BIGINT) FROM fee_refunds r \
           WHERE r.case_id = $1 AND r.status IN ('due', 'processing')) AS excess",
        balance_sql("$1")
    );
    let excess: i64 = sqlx::query(sqlx::AssertSqlSafe(excess_sql))
        .bind(order.case_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("excess")?;
    let back = excess.min(order.amount_fen);
    if back > 0 {
        sqlx::query(
            "INSERT INTO fee_refunds (case_id, order_id, out_refund_no, amount_fen, reason, status, due_at, \
             created_at) VALUES ($1, $2, $3, $4, $5, 'due', $6, $7)",
        )
        .bind(order.case_id)
        .bind(order.id)
        .bind(&overpayment_refund.out_refund_no)
        .bind(back)
        .bind(&overpayment_refund.reason)
        .bind(overpayment_refund.due_at)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    // Fully paid now: the case reaches 预交诉讼费 on its timeline (once per fee notice: a
    // supplementary notice after a change of procedure, `fee_notice`, asks for it again).
    let sql = format!(
        "INSERT INTO case_events (case_id, stage, at) SELECT $1, 'fee_prepay', $2 \
         WHERE NOT EXISTS (SELECT 1 FROM case_events WHERE case_id = $1 AND stage = 'fee_prepay' \
           AND at >= (SELECT COALESCE(MAX(n.at), 0) FROM case_events n \
                      WHERE n.case_id = $1 AND n.stage = 'fee_notice')) \
         AND {} <= 0",
        balance_sql("$1")
    );
    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(order.case_id).bind(now).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(if late { Applied::CreditedAfterClose } else { Applied::Credited })
}

/// The open (pending) order of a case, if any: at most one (`fee_orders_one_pending_per_case`).
pub async fn pending_order_of_case(db: &Db, case_id: i64) -> Result<Option<OrderRow>, sqlx::Error> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM fee_orders WHERE case_id = $1 AND status = 'pending'");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(case_id)
        .fetch_optional(&db.pool)
        .await?
        .map(|r| order_row(&r))
        .transpose()
}

/// Pending orders nobody has heard of since `before`: the reconciling job asks the provider.
pub async fn stale_pending_orders(db: &Db, before: i64, limit: i64) -> Result<Vec<OrderRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {ORDER_COLUMNS} FROM fee_orders WHERE status = 'pending' AND created_at < $1 ORDER BY id LIMIT $2"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(before).bind(limit).fetch_all(&db.pool).await?;
    rows.iter().map(order_row).collect()
}

/// Money that needs a person (`payment_flags`), open ones first: for the court's staff.
#[derive(Clone, Debug)]
pub struct FlagRow {
    pub id: i64,
    pub case_id: i64,
    pub order_id: i64,
    pub kind: String,
    pub note: String,
    pub at: i64,
    pub resolved_at: Option<i64>,
}

pub async fn flags_of_case(db: &Db, case_id: i64) -> Result<Vec<FlagRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, case_id, order_id, kind, note, at, resolved_at FROM payment_flags WHERE case_id = $1 ORDER BY id",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(FlagRow {
                id: r.try_get("id")?,
                case_id: r.try_get("case_id")?,
                order_id: r.try_get("order_id")?,
                kind: r.try_get("kind")?,
                note: r.try_get("note")?,
                at: r.try_get("at")?,
                resolved_at: r.try_get("resolved_at")?,
            })
        })
        .collect()
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

// --- Closing a case: reductions and refunds ----------------------------------------------------

#[derive(Clone, Debug)]
pub struct RefundRow {
    pub id: i64,
    pub case_id: i64,
    pub order_id: Option<i64>,
    pub out_refund_no: String,
    pub amount_fen: i64,
    pub reason: String,
    pub status: String,
    pub due_at: i64,
    pub provider_refund_no: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub refunded_at: Option<i64>,
}

const REFUND_COLUMNS: &str =
    "r.id, r.case_id, r.order_id, r.out_refund_no, r.amount_fen, r.reason, r.status, \
     r.due_at, r.provider_refund_no, r.created_at, r.sent_at, r.refunded_at";

fn refund_row(r: &sqlx::any::AnyRow) -> Result<RefundRow, sqlx::Error> {
    Ok(RefundRow {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        order_id: r.try_get("order_id")?,
        out_refund_no: r.try_get("out_refund_no")?,
        amount_fen: r.try_get("amount_fen")?,
        reason: r.try_get("reason")?,
        status: r.try_get("status")?,
        due_at: r.try_get("due_at")?,
        provider_refund_no: r.try_get("provider_refund_no")?,
        created_at: r.try_get("created_at")?,
        sent_at: r.try_get("sent_at")?,
        refunded_at: r.try_get("refunded_at")?,
    })
}

pub async fn refunds_of_case(db: &Db, case_id: i64) -> Result<Vec<RefundRow>, sqlx::Error> {
    let sql = format!("SELECT {REFUND_COLUMNS} FROM fee_refunds r WHERE r.case_id = $1 ORDER BY r.id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(case_id).fetch_all(&db.pool).await?;
    rows.iter().map(refund_row).collect()
}

pub async fn refund_by_out_refund_no(db: &Db, out_refund_no: &str) -> Result<Option<RefundRow>, sqlx::Error> {
    let sql = format!("SELECT {REFUND_COLUMNS} FROM fee_refunds r WHERE r.out_refund_no = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(out_refund_no)
        .fetch_optional(&db.pool)
        .await?
        .map(|r| refund_row(&r))
        .transpose()
}

/// Refunds owed to an online payment and not yet accepted by its provider (`due`), or
/// accepted before `processing_before` and still unconfirmed (to ask the provider about),
/// with the payment's order number and provider.
/// A refund to send or ask about, with the order it goes back to.
pub struct RefundToChase {
    pub refund: RefundRow,
    pub out_trade_no: String,
    pub provider: String,
    /// What that order was paid in full.
    pub order_total_fen: i64,
}

pub async fn refunds_to_chase(
    db: &Db,
    processing_before: i64,
    limit: i64,
) -> Result<Vec<RefundToChase>, sqlx::Error> {
    let sql = format!(
        "SELECT {REFUND_COLUMNS}, o.out_trade_no, o.provider, o.amount_fen AS order_total FROM fee_refunds r \
         JOIN fee_orders o ON o.id = r.order_id \
         WHERE r.status = 'due' OR (r.status = 'processing' AND r.sent_at < $1) ORDER BY r.id LIMIT $2"
    );
    let rows =
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(processing_before).bind(limit).fetch_all(&db.pool).await?;
    rows.iter()
        .map(|r| {
            Ok(RefundToChase {
                refund: refund_row(r)?,
                out_trade_no: r.try_get("out_trade_no")?,
                provider: r.try_get("provider")?,
                order_total_fen: r.try_get("order_total")?,
            })
        })
        .collect()
}

/// The provider accepted the refund: it is on its way.
pub async fn mark_refund_sent(
    db: &Db,
    id: i64,
    provider_refund_no: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE fee_refunds SET status = 'processing', provider_refund_no = $1, sent_at = $2 \
         WHERE id = $3 AND status = 'due'",
    )
    .bind(provider_refund_no)
    .bind(now)
    .bind(id)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// A refund the case owes, written when its decision takes effect.
pub struct NewRefund {
    pub order_id: Option<i64>,
    pub out_refund_no: String,
    pub amount_fen: i64,
}

/// A case's closing, written in one transaction: the outcome, the timeline events, the fee
/// reduction and the refunds. Conditional on the case not being closed yet, so a double tap
/// or two judges at once close it once; `false` if it was already closed.
pub struct Closing<'a> {
    pub case_id: i64,
    pub outcome: &'a str,
    /// Stages reached now, in order (结案, and 生效 for a decision in force at once).
    pub stages: &'a [&'a str],
    pub reduction: Option<(i64, String)>,
    pub refunds: Vec<NewRefund>,
    pub refund_reason: String,
    pub refund_due_at: i64,
    pub now: i64,
}

pub async fn close_case(db: &Db, c: Closing<'_>) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let last = c.stages.last().copied().unwrap_or("closed");
    let changed = sqlx::query("UPDATE cases SET outcome = $1, stage = $2 WHERE id = $3 AND outcome IS NULL")
        .bind(c.outcome)
        .bind(last)
        .bind(c.case_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if changed == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    for stage in c.stages {
        sqlx::query("INSERT INTO case_events (case_id, stage, at) VALUES ($1, $2, $3)")
            .bind(c.case_id)
            .bind(*stage)
            .bind(c.now)
            .execute(&mut *tx)
            .await?;
    }
    write_settlement(&mut tx, &c).await?;
    tx.commit().await?;
    Ok(true)
}

/// The fee settlement of a closing or of a judgment taking effect: the reduction and the
/// refunds, inside the caller's transaction.
async fn write_settlement(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    c: &Closing<'_>,
) -> Result<(), sqlx::Error> {
    if let Some((amount, source)) = &c.reduction {
        sqlx::query(
            "INSERT INTO fee_ledger (case_id, kind, amount_fen, source, created_at) \
             VALUES ($1, 'reduction', $2, $3, $4)",
        )
        .bind(c.case_id)
        .bind(*amount)
        .bind(source)
        .bind(c.now)
        .execute(&mut **tx)
        .await?;
    }
    for r in &c.refunds {
        sqlx::query(
            "INSERT INTO fee_refunds (case_id, order_id, out_refund_no, amount_fen, reason, status, due_at, \
             created_at) VALUES ($1, $2, $3, $4, $5, 'due', $6, $7)",
        )
        .bind(c.case_id)
        .bind(r.order_id)
        .bind(&r.out_refund_no)
        .bind(r.amount_fen)
        .bind(&c.refund_reason)
        .bind(c.refund_due_at)
        .bind(c.now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A first-instance judgment takes effect (生效) at `c.now`: the `effective` event and the
/// fee settlement, once — only while the case is closed by judgment, not yet in force and no
/// appeal is recorded (an appeal recorded at the same moment wins: one of the two writes).
pub async fn take_effect(db: &Db, c: Closing<'_>) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let changed = sqlx::query(
        "UPDATE cases SET stage = 'effective' WHERE id = $1 AND outcome = 'judgment' \
         AND NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = $1 AND e.stage = 'effective') \
         AND NOT EXISTS (SELECT 1 FROM case_appeals a WHERE a.case_id = $1)",
    )
    .bind(c.case_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    sqlx::query("INSERT INTO case_events (case_id, stage, at) VALUES ($1, 'effective', $2)")
        .bind(c.case_id)
        .bind(c.now)
        .execute(&mut *tx)
        .await?;
    write_settlement(&mut tx, &c).await?;
    tx.commit().await?;
    Ok(true)
}

/// What a refund notification (or a status query) reports.
pub struct RefundReceived<'a> {
    pub provider: &'a str,
    pub notify_id: &'a str,
    /// `SUCCESS` (the money is back with the payer) or `FAILED`.
    pub status: &'a str,
    pub provider_refund_no: &'a str,
    pub now: i64,
}

/// Records a refund notification and applies it exactly once: a success marks the refund
/// done and writes its ledger entry in the same transaction (the second guard is the unique
/// ledger index per refund); a failure marks it failed for staff to act on.
pub async fn apply_refund_notification(
    db: &Db,
    refund: &RefundRow,
    n: RefundReceived<'_>,
) -> Result<Applied, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let recorded = sqlx::query(
        "INSERT INTO payment_notifications (provider, notify_id, out_trade_no, status, received_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(n.provider)
    .bind(n.notify_id)
    .bind(&refund.out_refund_no)
    .bind(n.status)
    .bind(n.now)
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
    if n.status != "SUCCESS" {
        sqlx::query(
            "UPDATE fee_refunds SET status = 'failed' WHERE id = $1 AND status IN ('due','processing')",
        )
        .bind(refund.id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        return Ok(Applied::Noted);
    }
    let changed = sqlx::query(
        "UPDATE fee_refunds SET status = 'refunded', refunded_at = $1, provider_refund_no = $2 \
         WHERE id = $3 AND status IN ('due','processing','failed')",
    )
    .bind(n.now)
    .bind(n.provider_refund_no)
    .bind(refund.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        tx.commit().await?;
        return Ok(Applied::AlreadyPaid);
    }
    sqlx::query(
        "INSERT INTO fee_ledger (case_id, kind, amount_fen, order_id, refund_id, source, created_at) \
         VALUES ($1, 'refund', $2, $3, $4, $5, $6)",
    )
    .bind(refund.case_id)
    .bind(refund.amount_fen)
    .bind(refund.order_id)
    .bind(refund.id)
    .bind(format!("{} {}", n.provider, n.provider_refund_no))
    .bind(n.now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Applied::Credited)
}

/// A payment already made online (demo history): the order, paid, and its ledger entry.
pub async fn insert_paid_order(
    db: &Db,
    o: NewOrder<'_>,
    provider_trade_no: &str,
) -> Result<OrderRow, sqlx::Error> {
    let (order, _) = create_order(db, NewOrder { ..o }).await.map_err(|e| match e {
        OrderError::Store(e) => e,
        OrderError::AnotherOpen => sqlx::Error::Protocol("demo history: the case has an open order".into()),
    })?;
    let received = Received {
        provider: o.provider,
        notify_id: &format!("history:{}", o.out_trade_no),
        paid: true,
        status: "SUCCESS",
        provider_trade_no,
        now: o.now,
        // The history pays exactly what was charged: nothing to send back.
        overpayment_refund: OverpaymentRefund {
            out_refund_no: format!("history-refund:{}", o.out_trade_no),
            due_at: o.now,
            reason: String::new(),
        },
    };
    apply_notification(db, &order, received).await?;
    Ok(OrderRow { status: "paid".into(), paid_at: Some(o.now), ..order })
}

// --- The sandbox provider's refunds ------------------------------------------------------------

#[derive(Clone, Debug)]
pub struct SandboxRefundRow {
    pub refund_no: String,
    pub out_refund_no: String,
    pub trade_no: String,
    pub out_trade_no: String,
    pub amount_fen: i64,
    pub notify_url: String,
    pub status: String,
    pub created_at: i64,
}

const SANDBOX_REFUND_COLUMNS: &str =
    "s.refund_no, s.out_refund_no, s.trade_no, o.out_trade_no, s.amount_fen, \
     s.notify_url, s.status, s.created_at";

fn sandbox_refund_row(r: &sqlx::any::AnyRow) -> Result<SandboxRefundRow, sqlx::Error> {
    Ok(SandboxRefundRow {
        refund_no: r.try_get("refund_no")?,
        out_refund_no: r.try_get("out_refund_no")?,
        trade_no: r.try_get("trade_no")?,
        out_trade_no: r.try_get("out_trade_no")?,
        amount_fen: r.try_get("amount_fen")?,
        notify_url: r.try_get("notify_url")?,
        status: r.try_get("status")?,
        created_at: r.try_get("created_at")?,
    })
}

async fn sandbox_refund_where(
    db: &Db,
    cond: &str,
    value: &str,
) -> Result<Vec<SandboxRefundRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {SANDBOX_REFUND_COLUMNS} FROM sandbox_refunds s \
         JOIN sandbox_pay_orders o ON o.trade_no = s.trade_no WHERE {cond} ORDER BY s.created_at DESC LIMIT 50"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(value).fetch_all(&db.pool).await?;
    rows.iter().map(sandbox_refund_row).collect()
}

pub async fn sandbox_refund_by_no(db: &Db, refund_no: &str) -> Result<Option<SandboxRefundRow>, sqlx::Error> {
    Ok(sandbox_refund_where(db, "s.refund_no = $1", refund_no).await?.pop())
}

pub async fn sandbox_refund_by_out_no(
    db: &Db,
    out_refund_no: &str,
) -> Result<Option<SandboxRefundRow>, sqlx::Error> {
    Ok(sandbox_refund_where(db, "s.out_refund_no = $1", out_refund_no).await?.pop())
}

/// The refunds the sandbox is still working on (its console lists them).
pub async fn sandbox_refunds_processing(db: &Db) -> Result<Vec<SandboxRefundRow>, sqlx::Error> {
    sandbox_refund_where(db, "s.status = $1", "processing").await
}

/// Why the sandbox refuses a refund, as a real provider would.
#[derive(Debug, PartialEq, Eq)]
pub enum SandboxRefundRefusal {
    NoSuchPayment,
    NotPaid,
    MoreThanPaid,
}

/// Accepts a refund of a paid order, up to what was paid less what was already refunded;
/// the same `out_refund_no` gives back the first one.
pub async fn sandbox_refund_create(
    db: &Db,
    r: &SandboxRefundRow,
    now: i64,
) -> Result<Result<SandboxRefundRow, SandboxRefundRefusal>, sqlx::Error> {
    if let Some(existing) = sandbox_refund_by_out_no(db, &r.out_refund_no).await? {
        return Ok(Ok(existing));
    }
    let Some(order) = sandbox_by_out_trade_no(db, &r.out_trade_no).await? else {
        return Ok(Err(SandboxRefundRefusal::NoSuchPayment));
    };
    if order.status != "paid" {
        return Ok(Err(SandboxRefundRefusal::NotPaid));
    }
    let mut tx = db.pool.begin().await?;
    // The write first: on SQLite the transaction takes the write lock before it reads.
    sqlx::query(
        "INSERT INTO sandbox_refunds (refund_no, out_refund_no, trade_no, amount_fen, notify_url, status, \
         created_at) VALUES ($1, $2, $3, $4, $5, 'processing', $6)",
    )
    .bind(&r.refund_no)
    .bind(&r.out_refund_no)
    .bind(&order.trade_no)
    .bind(r.amount_fen)
    .bind(&r.notify_url)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let refunded: i64 = sqlx::query(
        "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS s FROM sandbox_refunds \
         WHERE trade_no = $1 AND status <> 'failed'",
    )
    .bind(&order.trade_no)
    .fetch_one(&mut *tx)
    .await?
    .try_get("s")?;
    if refunded > order.amount_fen {
        tx.rollback().await?;
        return Ok(Err(SandboxRefundRefusal::MoreThanPaid));
    }
    tx.commit().await?;
    Ok(Ok(SandboxRefundRow {
        trade_no: order.trade_no,
        status: "processing".into(),
        created_at: now,
        ..r.clone()
    }))
}

/// Finishes a refund the sandbox was working on; false if it was already finished.
pub async fn sandbox_refund_finish(
    db: &Db,
    refund_no: &str,
    status: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let n = sqlx::query(
        "UPDATE sandbox_refunds SET status = $1, finished_at = $2 WHERE refund_no = $3 AND status = 'processing'",
    )
    .bind(status)
    .bind(now)
    .bind(refund_no)
    .execute(&db.pool)
    .await?
    .rows_affected();
    Ok(n == 1)
}
