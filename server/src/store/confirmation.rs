//! Judicial confirmation (司法确认) of a pre-filing agreement: the joint application, its
//! docketing as a 民特 case, withdrawal and the judge's ruling. As in `mediation`, every change
//! of state is one conditional UPDATE naming the state it expects, so a double tap, a replay
//! or two people at once change it once.

use super::mediation::event;
use super::Db;
use sqlx::Row;

#[derive(Clone, Debug)]
pub struct ConfirmationRow {
    pub id: i64,
    pub mediation_id: i64,
    pub court_id: i64,
    pub state: String,
    pub applied_at: i64,
    pub number: Option<String>,
    pub docketed_at: Option<i64>,
    pub judge_name: Option<String>,
    pub outcome: Option<String>,
    pub grounds: Option<String>,
    pub reasons: Option<String>,
    pub ruled_at: Option<i64>,
    pub ruling_sha256: Option<String>,
    pub withdrawn_at: Option<i64>,
    /// Who has applied, and when: (user id, time).
    pub applicants: Vec<(i64, i64)>,
}

const COLUMNS: &str = "c.id, c.mediation_id, c.court_id, c.state, c.applied_at, c.number, c.docketed_at, \
    u.name AS judge_name, c.outcome, c.grounds, c.reasons, c.ruled_at, c.ruling_sha256, c.withdrawn_at \
    FROM mediation_confirmations c LEFT JOIN users u ON u.id = c.judge_id";

async fn with_applicants(db: &Db, r: &sqlx::any::AnyRow) -> Result<ConfirmationRow, sqlx::Error> {
    let id: i64 = r.try_get("id")?;
    let applicants = sqlx::query(
        "SELECT user_id, applied_at FROM confirmation_applicants WHERE confirmation_id = $1 ORDER BY applied_at, user_id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|a| Ok((a.try_get("user_id")?, a.try_get("applied_at")?)))
    .collect::<Result<_, sqlx::Error>>()?;
    Ok(ConfirmationRow {
        id,
        mediation_id: r.try_get("mediation_id")?,
        court_id: r.try_get("court_id")?,
        state: r.try_get("state")?,
        applied_at: r.try_get("applied_at")?,
        number: r.try_get("number")?,
        docketed_at: r.try_get("docketed_at")?,
        judge_name: r.try_get("judge_name")?,
        outcome: r.try_get("outcome")?,
        grounds: r.try_get("grounds")?,
        reasons: r.try_get("reasons")?,
        ruled_at: r.try_get("ruled_at")?,
        ruling_sha256: r.try_get("ruling_sha256")?,
        withdrawn_at: r.try_get("withdrawn_at")?,
        applicants,
    })
}

/// The application for a matter's agreement, if any.
pub async fn of_mediation(db: &Db, mediation_id: i64) -> Result<Option<ConfirmationRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} WHERE c.mediation_id = $1");
    match sqlx::query(sqlx::AssertSqlSafe(sql)).bind(mediation_id).fetch_optional(&db.pool).await? {
        Some(r) => Ok(Some(with_applicants(db, &r).await?)),
        None => Ok(None),
    }
}

/// A court's applications waiting for a ruling, the earliest docketed first, then the last
/// 50 ruled (for the judge's own record).
pub async fn queue(db: &Db, court_id: i64) -> Result<Vec<ConfirmationRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} WHERE c.court_id = $1 AND c.state = 'docketed' ORDER BY c.docketed_at, c.id"
    );
    let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(court_id).fetch_all(&db.pool).await?;
    let sql = format!(
        "SELECT {COLUMNS} WHERE c.court_id = $1 AND c.state = 'ruled' ORDER BY c.ruled_at DESC, c.id DESC LIMIT 50"
    );
    rows.extend(sqlx::query(sqlx::AssertSqlSafe(sql)).bind(court_id).fetch_all(&db.pool).await?);
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        out.push(with_applicants(db, r).await?);
    }
    Ok(out)
}

/// What one party's application did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    /// Recorded; the other party has still to apply.
    Waiting,
    /// Recorded, and it made the application joint: docketed with this 民特 number.
    Docketed(String),
    /// This person had applied already (a double tap or a replay).
    Already,
    /// The application was withdrawn or decided: nothing to join.
    Closed,
}

pub struct Apply<'a> {
    pub mediation_id: i64,
    pub court_id: i64,
    pub user_id: i64,
    /// Everyone whose act makes the application joint (CPL art. 205): the parties.
    pub required: &'a [i64],
    pub year: i32,
    pub now: i64,
}

/// One party applies. The first act creates the application; the act that completes the
/// joint application dockets it in the same transaction, with the next number of the court's
/// 民特 series (taken from the counter row: a rollback gives it back, no gaps, no twins).
pub async fn apply(db: &Db, a: Apply<'_>, number: impl Fn(i64) -> String) -> Result<Applied, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    sqlx::query(
        "INSERT INTO mediation_confirmations (mediation_id, court_id, state, applied_at) \
         VALUES ($1, $2, 'applied', $3) ON CONFLICT (mediation_id) DO NOTHING",
    )
    .bind(a.mediation_id)
    .bind(a.court_id)
    .bind(a.now)
    .execute(&mut *tx)
    .await?;
    // Claim the application's row: two last applicants at once are decided one after the other.
    let claimed = sqlx::query(
        "UPDATE mediation_confirmations SET state = state WHERE mediation_id = $1 AND state = 'applied' RETURNING id",
    )
    .bind(a.mediation_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(claimed) = claimed else {
        let mine = sqlx::query(
            "SELECT 1 AS one FROM confirmation_applicants p JOIN mediation_confirmations c ON c.id = p.confirmation_id \
             WHERE c.mediation_id = $1 AND p.user_id = $2",
        )
        .bind(a.mediation_id)
        .bind(a.user_id)
        .fetch_optional(&mut *tx)
        .await?
        .is_some();
        tx.rollback().await?;
        return Ok(if mine { Applied::Already } else { Applied::Closed });
    };
    let id: i64 = claimed.try_get("id")?;
    let inserted = sqlx::query(
        "INSERT INTO confirmation_applicants (confirmation_id, user_id, applied_at) VALUES ($1, $2, $3) \
         ON CONFLICT (confirmation_id, user_id) DO NOTHING",
    )
    .bind(id)
    .bind(a.user_id)
    .bind(a.now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        tx.rollback().await?;
        return Ok(Applied::Already);
    }
    event(&mut tx, a.mediation_id, a.now, "jc_applied", Some(a.user_id), "").await?;
    let applied: Vec<i64> =
        sqlx::query("SELECT user_id FROM confirmation_applicants WHERE confirmation_id = $1")
            .bind(id)
            .fetch_all(&mut *tx)
            .await?
            .iter()
            .map(|r| r.try_get("user_id"))
            .collect::<Result<_, _>>()?;
    if !a.required.iter().all(|u| applied.contains(u)) {
        tx.commit().await?;
        return Ok(Applied::Waiting);
    }
    let seq: i64 = sqlx::query(
        "INSERT INTO case_number_counters (court_id, year, type_code, last_seq) VALUES ($1, $2, '民特', 1) \
         ON CONFLICT (court_id, year, type_code) \
         DO UPDATE SET last_seq = case_number_counters.last_seq + 1 RETURNING last_seq",
    )
    .bind(a.court_id)
    .bind(i64::from(a.year))
    .fetch_one(&mut *tx)
    .await?
    .try_get("last_seq")?;
    let number = number(seq);
    sqlx::query(
        "UPDATE mediation_confirmations SET state = 'docketed', year = $1, seq = $2, number = $3, docketed_at = $4 \
         WHERE id = $5",
    )
    .bind(i64::from(a.year))
    .bind(seq)
    .bind(&number)
    .bind(a.now)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    event(&mut tx, a.mediation_id, a.now, "jc_docketed", None, &number).await?;
    tx.commit().await?;
    Ok(Applied::Docketed(number))
}

/// A party withdraws the application before the ruling (JI22 art. 357). False when it was
/// withdrawn or decided already.
pub async fn withdraw(db: &Db, mediation_id: i64, user_id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let moved = sqlx::query(
        "UPDATE mediation_confirmations SET state = 'withdrawn', withdrawn_at = $1 \
         WHERE mediation_id = $2 AND state IN ('applied','docketed')",
    )
    .bind(now)
    .bind(mediation_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    event(&mut tx, mediation_id, now, "jc_withdrawn", Some(user_id), "").await?;
    tx.commit().await?;
    Ok(true)
}

pub struct NewRuling<'a> {
    pub mediation_id: i64,
    pub judge_id: i64,
    pub outcome: &'a str,
    pub grounds: &'a str,
    pub reasons: &'a str,
    pub ruling_sha256: &'a str,
    pub now: i64,
}

/// The judge's ruling on a docketed application. False when it was not waiting for one
/// (withdrawn, ruled already by someone else, or a replay).
pub async fn rule(db: &Db, r: NewRuling<'_>) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let moved = sqlx::query(
        "UPDATE mediation_confirmations SET state = 'ruled', judge_id = $1, outcome = $2, grounds = $3, \
           reasons = $4, ruling_sha256 = $5, ruled_at = $6 \
         WHERE mediation_id = $7 AND state = 'docketed'",
    )
    .bind(r.judge_id)
    .bind(r.outcome)
    .bind(r.grounds)
    .bind(r.reasons)
    .bind(r.ruling_sha256)
    .bind(r.now)
    .bind(r.mediation_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    event(&mut tx, r.mediation_id, r.now, "jc_ruled", Some(r.judge_id), r.outcome).await?;
    tx.commit().await?;
    Ok(true)
}

/// Agreements confirmed valid by a ruling made in [from, to) at this court (DOMAIN-2 §6).
pub async fn confirmed_between(db: &Db, court_id: i64, from: i64, to: i64) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "SELECT COUNT(*) AS n FROM mediation_confirmations \
         WHERE court_id = $1 AND outcome = 'valid' AND ruled_at >= $2 AND ruled_at < $3",
    )
    .bind(court_id)
    .bind(from)
    .bind(to)
    .fetch_one(&db.pool)
    .await?
    .try_get("n")
}
