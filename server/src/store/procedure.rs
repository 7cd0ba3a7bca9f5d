//! 程序转换 (a change of procedure with its fee consequence), appeals recorded against a
//! first-instance judgment, and the facts that decide when a judgment takes effect.

use super::Db;
use sqlx::Row;

/// A change of procedure to write: the case moves from `from` to `to` (only if it is still
/// under `from` and open), with the fee consequence in the same transaction.
pub struct NewChange<'a> {
    pub case_id: i64,
    pub from: &'a str,
    pub to: &'a str,
    pub reason: &'a str,
    pub source: &'a str,
    pub judge_id: i64,
    /// + a supplementary charge, - a reduction, 0 none (诉讼费用交纳办法 art. 16).
    pub fee_change_fen: i64,
    /// The ledger line's text (the rule and its article).
    pub fee_source: &'a str,
    pub now: i64,
}

/// Writes the change, once: `false` when the case is no longer under `from` or is closed
/// (a double tap, or two judges at once, changes it once).
pub async fn change(db: &Db, c: NewChange<'_>) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let changed =
        sqlx::query("UPDATE cases SET procedure = $1 WHERE id = $2 AND procedure = $3 AND outcome IS NULL")
            .bind(c.to)
            .bind(c.case_id)
            .bind(c.from)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if changed == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO procedure_changes (case_id, from_procedure, to_procedure, reason, source, judge_id, \
         fee_change_fen, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(c.case_id)
    .bind(c.from)
    .bind(c.to)
    .bind(c.reason)
    .bind(c.source)
    .bind(c.judge_id)
    .bind(c.fee_change_fen)
    .bind(c.now)
    .execute(&mut *tx)
    .await?;
    if c.fee_change_fen != 0 {
        let kind = if c.fee_change_fen > 0 { "charge" } else { "reduction" };
        sqlx::query(
            "INSERT INTO fee_ledger (case_id, kind, amount_fen, source, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(c.case_id)
        .bind(kind)
        .bind(c.fee_change_fen.abs())
        .bind(c.fee_source)
        .bind(c.now)
        .execute(&mut *tx)
        .await?;
    }
    // On the case's events too, so the case page knows without another query.
    sqlx::query("INSERT INTO case_events (case_id, stage, at) VALUES ($1, 'procedure_changed', $2)")
        .bind(c.case_id)
        .bind(c.now)
        .execute(&mut *tx)
        .await?;
    if c.fee_change_fen > 0 {
        // The supplementary fee notice: the prepayment period runs again from it (art. 22).
        sqlx::query("INSERT INTO case_events (case_id, stage, at) VALUES ($1, 'fee_notice', $2)")
            .bind(c.case_id)
            .bind(c.now)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// A change of procedure, as the case page lists it.
#[derive(Clone, Debug)]
pub struct ChangeRow {
    pub from_procedure: String,
    pub to_procedure: String,
    pub reason: String,
    pub source: String,
    pub fee_change_fen: i64,
    pub at: i64,
}

pub async fn changes_of(db: &Db, case_id: i64) -> Result<Vec<ChangeRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT from_procedure, to_procedure, reason, source, fee_change_fen, at FROM procedure_changes \
         WHERE case_id = $1 ORDER BY at, id",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ChangeRow {
                from_procedure: r.try_get("from_procedure")?,
                to_procedure: r.try_get("to_procedure")?,
                reason: r.try_get("reason")?,
                source: r.try_get("source")?,
                fee_change_fen: r.try_get("fee_change_fen")?,
                at: r.try_get("at")?,
            })
        })
        .collect()
}

/// Records an appeal against the case's judgment, once: `false` if one is recorded already,
/// or the judgment is in force (too late: the appeal period is over).
pub async fn record_appeal(
    db: &Db,
    case_id: i64,
    user_id: i64,
    note: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let done = sqlx::query(
        "INSERT INTO case_appeals (case_id, recorded_by, note, at) SELECT $1, $2, $3, $4 \
         WHERE NOT EXISTS (SELECT 1 FROM case_appeals WHERE case_id = $1) \
         AND NOT EXISTS (SELECT 1 FROM case_events WHERE case_id = $1 AND stage = 'effective')",
    )
    .bind(case_id)
    .bind(user_id)
    .bind(note)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    // On the case's events too (the case page reads events in its one query).
    sqlx::query("INSERT INTO case_events (case_id, stage, at) VALUES ($1, 'appealed', $2)")
        .bind(case_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// The appeal recorded against the case's judgment, if any: (note, when).
pub async fn appeal_of(db: &Db, case_id: i64) -> Result<Option<(String, i64)>, sqlx::Error> {
    let row = sqlx::query("SELECT note, at FROM case_appeals WHERE case_id = $1")
        .bind(case_id)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| Ok((r.try_get("note")?, r.try_get("at")?))).transpose()
}

/// How far the judgment's service has got: the case's parties, how many of them a judgment
/// (`served_documents.kind = 'judgment'`) has been served on with effect, and the latest of
/// those effective moments (each party's own earliest one counts).
pub async fn judgment_service(db: &Db, case_id: i64) -> Result<(i64, i64, Option<i64>), sqlx::Error> {
    let r = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM case_parties p WHERE p.case_id = $1) AS parties, \
                COUNT(*) AS served, MAX(first_at) AS last_at \
         FROM (SELECT r.party_id, MIN(r.effective_at) AS first_at \
               FROM service_records r JOIN served_documents d ON d.id = r.document_id \
               WHERE r.case_id = $1 AND d.kind = 'judgment' AND r.effective_at IS NOT NULL \
               GROUP BY r.party_id) s",
    )
    .bind(case_id)
    .fetch_one(&db.pool)
    .await?;
    Ok((r.try_get("parties")?, r.try_get("served")?, r.try_get("last_at")?))
}

/// Cases closed by judgment, served on every party (`judgment_served`), not in force and not
/// appealed: the ones the minute job looks at.
pub async fn judgments_pending_effect(db: &Db, limit: i64) -> Result<Vec<i64>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT k.id FROM cases k WHERE k.outcome = 'judgment' \
         AND EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = k.id AND e.stage = 'judgment_served') \
         AND NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = k.id AND e.stage = 'effective') \
         AND NOT EXISTS (SELECT 1 FROM case_appeals a WHERE a.case_id = k.id) \
         ORDER BY k.id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(|r| r.try_get("id")).collect()
}

/// The mobile numbers of the case's plaintiffs and of their agents (who are told what to pay).
pub async fn plaintiff_phones(db: &Db, case_id: i64) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT u.phone FROM case_parties p JOIN users u ON u.id = p.user_id \
         WHERE p.case_id = $1 AND p.side = 'plaintiff' \
         UNION \
         SELECT u.phone FROM case_parties p JOIN case_agents a ON a.party_id = p.id \
         JOIN users u ON u.id = a.agent_user_id WHERE p.case_id = $1 AND p.side = 'plaintiff'",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(|r| r.try_get("phone")).collect()
}
