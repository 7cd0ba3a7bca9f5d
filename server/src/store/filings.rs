//! Filings (网上立案 / 跨域立案): drafts, submission into a case, the court's review decisions
//! and docketing with its case number.

use super::Db;
use sqlx::Row;

#[derive(Clone, Debug)]
pub struct FilingRow {
    pub id: i64,
    pub owner_user_id: i64,
    /// The draft, JSON (`app::rules::filing::Draft`).
    pub body: String,
    pub version: i64,
    /// `draft`, `submitted` or `correcting`.
    pub status: String,
    pub case_id: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub submitted_at: Option<i64>,
}

const COLUMNS: &str =
    "id, owner_user_id, body, version, status, case_id, created_at, updated_at, submitted_at";

fn row(r: &sqlx::any::AnyRow) -> Result<FilingRow, sqlx::Error> {
    Ok(FilingRow {
        id: r.try_get("id")?,
        owner_user_id: r.try_get("owner_user_id")?,
        body: r.try_get("body")?,
        version: r.try_get("version")?,
        status: r.try_get("status")?,
        case_id: r.try_get("case_id")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        submitted_at: r.try_get("submitted_at")?,
    })
}

pub async fn create(db: &Db, owner: i64, body: &str, now: i64) -> Result<i64, sqlx::Error> {
    // In a transaction, so a failed commit (a full disk) is an error, never a silent success:
    // sqlx drops the commit error of a lone statement with RETURNING.
    let mut tx = db.pool.begin().await?;
    let out = sqlx::query(
        "INSERT INTO filings (owner_user_id, body, version, status, created_at, updated_at) \
         VALUES ($1, $2, 1, 'draft', $3, $3) RETURNING id",
    )
    .bind(owner)
    .bind(body)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    tx.commit().await?;
    Ok(out)
}

pub async fn by_id(db: &Db, id: i64) -> Result<Option<FilingRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM filings WHERE id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .map(|r| row(&r))
        .transpose()
}

pub async fn by_case(db: &Db, case_id: i64) -> Result<Option<FilingRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM filings WHERE case_id = $1");
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(case_id)
        .fetch_optional(&db.pool)
        .await?
        .map(|r| row(&r))
        .transpose()
}

/// The owner's drafts not yet filed (and filings sent back for correction), newest first.
pub async fn open_of_owner(db: &Db, owner: i64) -> Result<Vec<FilingRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM filings WHERE owner_user_id = $1 AND status IN ('draft','correcting') \
         ORDER BY updated_at DESC, id DESC"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(owner).fetch_all(&db.pool).await?;
    rows.iter().map(row).collect()
}

/// Saves the draft if nobody saved it since `version` was read, and only while it may be
/// edited. Returns the new version, or `None` when the condition failed.
pub async fn save(
    db: &Db,
    id: i64,
    owner: i64,
    version: i64,
    body: &str,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    // In a transaction, so a failed commit (a full disk) is an error, never a silent success:
    // sqlx drops the commit error of a lone statement with RETURNING.
    let mut tx = db.pool.begin().await?;
    let out = sqlx::query(
        "UPDATE filings SET body = $1, version = version + 1, updated_at = $2 \
         WHERE id = $3 AND owner_user_id = $4 AND version = $5 AND status IN ('draft','correcting') \
         RETURNING version",
    )
    .bind(body)
    .bind(now)
    .bind(id)
    .bind(owner)
    .bind(version)
    .fetch_optional(&mut *tx)
    .await?
    .map(|r| r.try_get("version"))
    .transpose()?;
    tx.commit().await?;
    Ok(out)
}

/// Deletes a draft never filed.
pub async fn delete_draft(db: &Db, id: i64, owner: i64) -> Result<bool, sqlx::Error> {
    let n = sqlx::query("DELETE FROM filings WHERE id = $1 AND owner_user_id = $2 AND status = 'draft'")
        .bind(id)
        .bind(owner)
        .execute(&db.pool)
        .await?
        .rows_affected();
    Ok(n == 1)
}

/// One party of the case, as it goes into `case_parties`.
pub struct NewParty {
    pub side: &'static str,
    pub name: String,
    /// The account of this party, when it is the person filing.
    pub user_id: Option<i64>,
    /// The person filing acts as agent for this party.
    pub agent_user_id: Option<i64>,
}

/// A submission: the case row to create (first time) or update (after a correction).
pub struct Submission<'a> {
    pub filing_id: i64,
    pub owner: i64,
    /// The version the litigant reviewed: a draft changed since is not filed unseen.
    pub version: i64,
    pub court_id: i64,
    pub receiving_court_id: Option<i64>,
    pub cause: Option<app::rules::filing::Cause>,
    pub procedure: &'a str,
    pub claim_fen: Option<i64>,
    /// The consent to electronic service given on the filing's last screen, recorded in the
    /// same transaction as the submission (a crash cannot keep one without the other).
    pub consent: Option<super::service::NewConsent<'a>>,
    pub channel: &'a str,
    pub query_code: &'a str,
    pub parties: Vec<NewParty>,
    /// Stages reached now: `submitted`, and `under_review` when the target court has it.
    pub stages: &'a [&'a str],
    pub now: i64,
}

/// What a submission did.
#[derive(Debug, PartialEq, Eq)]
pub enum Submitted {
    /// Filed now, as this case.
    Filed(i64),
    /// Already filed (a double tap, a replay): this case.
    Already(i64),
    /// The draft changed since it was reviewed, or is not the caller's to file.
    Stale,
}

/// Files the draft in one transaction: the filing's status flips (conditional, so a double
/// tap files once), the case is created (first time) or updated (after a correction request:
/// its parties replaced, the review clock restarted by a new `submitted` event).
pub async fn submit(db: &Db, s: Submission<'_>) -> Result<Submitted, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let flipped = sqlx::query(
        "UPDATE filings SET status = 'submitted', submitted_at = $1, updated_at = $1 \
         WHERE id = $2 AND owner_user_id = $3 AND version = $4 AND status IN ('draft','correcting') \
         RETURNING case_id",
    )
    .bind(s.now)
    .bind(s.filing_id)
    .bind(s.owner)
    .bind(s.version)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(flipped) = flipped else {
        tx.rollback().await?;
        let existing = by_id(db, s.filing_id).await?;
        return Ok(match existing {
            Some(f) if f.owner_user_id == s.owner && f.status == "submitted" => {
                f.case_id.map_or(Submitted::Stale, Submitted::Already)
            }
            _ => Submitted::Stale,
        });
    };
    let last_stage = s.stages.last().copied().unwrap_or("submitted");
    let case_id = match flipped.try_get::<Option<i64>, _>("case_id")? {
        Some(case_id) => {
            sqlx::query(
                "UPDATE cases SET cause = $1, procedure = $2, claim_fen = $3, stage = $4 WHERE id = $5",
            )
            .bind(s.cause.map(app::rules::filing::Cause::code).unwrap_or(""))
            .bind(s.procedure)
            .bind(s.claim_fen)
            .bind(last_stage)
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM case_parties WHERE case_id = $1")
                .bind(case_id)
                .execute(&mut *tx)
                .await?;
            case_id
        }
        None => {
            let case_id: i64 = sqlx::query(
                "INSERT INTO cases (court_id, receiving_court_id, type_code, cause, procedure, claim_fen, \
                 stage, channel, query_code, defendant_abroad, created_at) \
                 VALUES ($1, $2, '民初', $3, $4, $5, $6, $7, $8, 0, $9) RETURNING id",
            )
            .bind(s.court_id)
            .bind(s.receiving_court_id)
            .bind(s.cause.map(app::rules::filing::Cause::code).unwrap_or(""))
            .bind(s.procedure)
            .bind(s.claim_fen)
            .bind(last_stage)
            .bind(s.channel)
            .bind(s.query_code)
            .bind(s.now)
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
            sqlx::query("UPDATE filings SET case_id = $1 WHERE id = $2")
                .bind(case_id)
                .bind(s.filing_id)
                .execute(&mut *tx)
                .await?;
            case_id
        }
    };
    for p in &s.parties {
        let party_id: i64 = sqlx::query(
            "INSERT INTO case_parties (case_id, side, name, user_id) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(case_id)
        .bind(p.side)
        .bind(&p.name)
        .bind(p.user_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        if let Some(agent) = p.agent_user_id {
            sqlx::query("INSERT INTO case_agents (party_id, agent_user_id) VALUES ($1, $2)")
                .bind(party_id)
                .bind(agent)
                .execute(&mut *tx)
                .await?;
        }
    }
    insert_events(&mut tx, case_id, s.stages, s.now).await?;
    if let Some(consent) = s.consent {
        super::service::insert_consent(&mut tx, consent).await?;
    }
    tx.commit().await?;
    Ok(Submitted::Filed(case_id))
}

/// A review decision, as recorded.
#[derive(Clone, Debug)]
pub struct DecisionRow {
    pub id: i64,
    pub kind: String,
    /// JSON list of missing items (a correction request).
    pub items: String,
    pub note: String,
    pub court_id: i64,
    pub court_name_zh: String,
    pub court_name_en: String,
    pub decided_at: i64,
}

pub async fn decisions(db: &Db, case_id: i64) -> Result<Vec<DecisionRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT d.id, d.kind, d.items, d.note, d.court_id, c.name_zh, c.name_en, d.decided_at \
         FROM filing_decisions d JOIN courts c ON c.id = d.court_id WHERE d.case_id = $1 ORDER BY d.id",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(DecisionRow {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                items: r.try_get("items")?,
                note: r.try_get("note")?,
                court_id: r.try_get("court_id")?,
                court_name_zh: r.try_get("name_zh")?,
                court_name_en: r.try_get("name_en")?,
                decided_at: r.try_get("decided_at")?,
            })
        })
        .collect()
}

/// A decision that moves the case from `from_stage` to `to_stage` (conditional: two clerks
/// deciding at once, or a double tap, decide once). Returns false when the case was not in
/// `from_stage` any more.
pub struct Decision<'a> {
    pub case_id: i64,
    pub kind: &'a str,
    pub from_stage: &'a str,
    pub to_stage: &'a str,
    /// Events to add (their stages), in order.
    pub stages: &'a [&'a str],
    pub items: &'a str,
    pub note: &'a str,
    pub decided_by: i64,
    pub court_id: i64,
    /// The filing goes back to its owner for editing (a correction request).
    pub reopen_filing: bool,
    pub now: i64,
}

pub async fn decide(db: &Db, d: Decision<'_>) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let moved =
        sqlx::query("UPDATE cases SET stage = $1 WHERE id = $2 AND stage = $3 AND case_number IS NULL")
            .bind(d.to_stage)
            .bind(d.case_id)
            .bind(d.from_stage)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if moved == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    record(&mut tx, &d).await?;
    if d.reopen_filing {
        sqlx::query("UPDATE filings SET status = 'correcting', updated_at = $1 WHERE case_id = $2")
            .bind(d.now)
            .bind(d.case_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(true)
}

async fn record(tx: &mut sqlx::Transaction<'_, sqlx::Any>, d: &Decision<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO filing_decisions (case_id, kind, items, note, decided_by, court_id, decided_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(d.case_id)
    .bind(d.kind)
    .bind(d.items)
    .bind(d.note)
    .bind(d.decided_by)
    .bind(d.court_id)
    .bind(d.now)
    .execute(&mut **tx)
    .await?;
    insert_events(tx, d.case_id, d.stages, d.now).await
}

/// The lifecycle stages a case reached at `at`, inside the caller's transaction.
async fn insert_events(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    case_id: i64,
    stages: &[&str],
    at: i64,
) -> Result<(), sqlx::Error> {
    for stage in stages {
        sqlx::query("INSERT INTO case_events (case_id, stage, at) VALUES ($1, $2, $3)")
            .bind(case_id)
            .bind(*stage)
            .bind(at)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Docketing (登记立案): what to write besides the decision.
pub struct Docketing<'a> {
    pub decision: Decision<'a>,
    pub year: i64,
    pub type_code: &'a str,
    pub procedure: &'a str,
    /// The fee notice (交费通知书): the acceptance fee and the article it comes from, when
    /// there is one to prepay.
    pub charge: Option<(i64, String)>,
}

/// Dockets a case under review: takes the next sequence number of its court, year and type
/// (one upsert on `case_number_counters`; its row lock serialises concurrent clerks and a
/// rollback gives the number back — no gaps, no duplicates), writes the number made by
/// `number(seq)`, the events, the decision and the fee notice's charge, in one transaction.
/// Returns the sequence number, or `None` when the case was no longer under review.
pub async fn docket(
    db: &Db,
    d: Docketing<'_>,
    number: impl Fn(i64) -> String,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    let dec = &d.decision;
    let mut tx = db.pool.begin().await?;
    // Claim the case first: on SQLite this takes the write lock before anything is read, on
    // PostgreSQL it locks the case's row.
    let moved = sqlx::query(
        "UPDATE cases SET stage = $1, procedure = $2, clerk_id = $3 \
         WHERE id = $4 AND stage = $5 AND case_number IS NULL AND court_id = $6",
    )
    .bind(dec.to_stage)
    .bind(d.procedure)
    .bind(dec.decided_by)
    .bind(dec.case_id)
    .bind(dec.from_stage)
    .bind(dec.court_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved == 0 {
        tx.rollback().await?;
        return Ok(None);
    }
    let seq: i64 = sqlx::query(
        "INSERT INTO case_number_counters (court_id, year, type_code, last_seq) VALUES ($1, $2, $3, 1) \
         ON CONFLICT (court_id, year, type_code) \
         DO UPDATE SET last_seq = case_number_counters.last_seq + 1 RETURNING last_seq",
    )
    .bind(dec.court_id)
    .bind(d.year)
    .bind(d.type_code)
    .fetch_one(&mut *tx)
    .await?
    .try_get("last_seq")?;
    let case_number = number(seq);
    sqlx::query("UPDATE cases SET year = $1, seq = $2, case_number = $3, type_code = $4 WHERE id = $5")
        .bind(d.year)
        .bind(seq)
        .bind(&case_number)
        .bind(d.type_code)
        .bind(dec.case_id)
        .execute(&mut *tx)
        .await?;
    record(&mut tx, dec).await?;
    if let Some((amount, source)) = &d.charge {
        sqlx::query(
            "INSERT INTO fee_ledger (case_id, kind, amount_fen, source, created_at) \
             VALUES ($1, 'charge', $2, $3, $4)",
        )
        .bind(dec.case_id)
        .bind(*amount)
        .bind(source)
        .bind(dec.now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Some((seq, case_number)))
}

/// Brings the counters up to the numbers already given (after loading demo data, which
/// writes numbered cases directly).
pub async fn sync_number_counters(db: &Db) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO case_number_counters (court_id, year, type_code, last_seq) \
         SELECT court_id, year, type_code, MAX(seq) FROM cases WHERE seq IS NOT NULL \
         GROUP BY court_id, year, type_code \
         ON CONFLICT (court_id, year, type_code) DO UPDATE SET last_seq = \
           CASE WHEN excluded.last_seq > case_number_counters.last_seq \
                THEN excluded.last_seq ELSE case_number_counters.last_seq END",
    )
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// One filing waiting for this court: under review here, or (跨域立案) handed in here and
/// waiting to be checked and forwarded.
#[derive(Clone, Debug)]
pub struct QueueRow {
    pub case_id: i64,
    pub filing_id: Option<i64>,
}

/// The review queue of a court: the cases it must decide on (stage `under_review`, its own)
/// and the cross-region filings handed in here (stage `submitted`, receiving court).
pub async fn queue(db: &Db, court_id: i64) -> Result<Vec<QueueRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT k.id AS case_id, f.id AS filing_id FROM cases k LEFT JOIN filings f ON f.case_id = k.id \
         WHERE (k.court_id = $1 AND k.stage = 'under_review') \
            OR (k.receiving_court_id = $1 AND k.stage = 'submitted' AND k.channel = 'cross_region') \
         ORDER BY k.id",
    )
    .bind(court_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| Ok(QueueRow { case_id: r.try_get("case_id")?, filing_id: r.try_get("filing_id")? }))
        .collect()
}

/// Courts, for choosing where to file: (code, name zh, name en).
pub async fn courts(db: &Db) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    let rows =
        sqlx::query("SELECT code, name_zh, name_en FROM courts ORDER BY id").fetch_all(&db.pool).await?;
    rows.iter().map(|r| Ok((r.try_get("code")?, r.try_get("name_zh")?, r.try_get("name_en")?))).collect()
}

/// A court's code and Chinese name.
pub async fn court_of(db: &Db, court_id: i64) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query("SELECT code, name_zh FROM courts WHERE id = $1")
        .bind(court_id)
        .fetch_optional(&db.pool)
        .await?
        .map(|r| Ok((r.try_get("code")?, r.try_get("name_zh")?)))
        .transpose()
}
