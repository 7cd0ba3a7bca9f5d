//! Cases, their parties and agents, and their lifecycle events.

use super::Db;
// Queries built with format! only join constant fragments (column lists); values are
// always bound, never interpolated.
use sqlx::{AssertSqlSafe, Row};

#[derive(Clone, Debug)]
pub struct CaseRow {
    pub id: i64,
    pub court_id: i64,
    pub receiving_court_id: Option<i64>,
    pub court_name_zh: String,
    pub court_name_en: String,
    pub receiving_court_name_zh: Option<String>,
    pub receiving_court_name_en: Option<String>,
    pub type_code: String,
    pub case_number: Option<String>,
    pub cause: String,
    pub procedure: String,
    pub claim_fen: Option<i64>,
    pub stage: String,
    pub channel: String,
    pub query_code: String,
    pub judge_name: Option<String>,
    pub judge_phone: Option<String>,
    pub clerk_name: Option<String>,
    pub clerk_phone: Option<String>,
    pub defendant_abroad: bool,
    pub created_at: i64,
}

const CASE_COLUMNS: &str =
    "k.id, k.court_id, k.receiving_court_id, c.name_zh AS court_name_zh, c.name_en AS court_name_en, \
     rc.name_zh AS rc_name_zh, rc.name_en AS rc_name_en, k.type_code, k.case_number, k.cause, \
     k.procedure, k.claim_fen, k.stage, k.channel, k.query_code, j.name AS judge_name, \
     j.phone AS judge_phone, cl.name AS clerk_name, cl.phone AS clerk_phone, k.defendant_abroad, \
     k.created_at";

const CASE_FROM: &str = "FROM cases k JOIN courts c ON c.id = k.court_id \
     LEFT JOIN courts rc ON rc.id = k.receiving_court_id \
     LEFT JOIN users j ON j.id = k.judge_id LEFT JOIN users cl ON cl.id = k.clerk_id";

fn case_row(r: &sqlx::any::AnyRow) -> Result<CaseRow, sqlx::Error> {
    Ok(CaseRow {
        id: r.try_get("id")?,
        court_id: r.try_get("court_id")?,
        receiving_court_id: r.try_get("receiving_court_id")?,
        court_name_zh: r.try_get("court_name_zh")?,
        court_name_en: r.try_get("court_name_en")?,
        receiving_court_name_zh: r.try_get("rc_name_zh")?,
        receiving_court_name_en: r.try_get("rc_name_en")?,
        type_code: r.try_get("type_code")?,
        case_number: r.try_get("case_number")?,
        cause: r.try_get("cause")?,
        procedure: r.try_get("procedure")?,
        claim_fen: r.try_get("claim_fen")?,
        stage: r.try_get("stage")?,
        channel: r.try_get("channel")?,
        query_code: r.try_get("query_code")?,
        judge_name: r.try_get("judge_name")?,
        judge_phone: r.try_get("judge_phone")?,
        clerk_name: r.try_get("clerk_name")?,
        clerk_phone: r.try_get("clerk_phone")?,
        defendant_abroad: r.try_get::<i64, _>("defendant_abroad")? != 0,
        created_at: r.try_get("created_at")?,
    })
}

/// A case and the side `user_id` takes in it (as a party or as agent for one), if any.
pub async fn case_with_side(
    db: &Db,
    id: i64,
    user_id: i64,
) -> Result<Option<(CaseRow, Option<String>)>, sqlx::Error> {
    let sql = format!(
        "SELECT {CASE_COLUMNS}, ( \
           SELECT p.side FROM case_parties p WHERE p.case_id = k.id AND p.user_id = $2 \
           UNION ALL \
           SELECT p.side FROM case_agents a JOIN case_parties p ON p.id = a.party_id \
           WHERE p.case_id = k.id AND a.agent_user_id = $2 \
           LIMIT 1) AS my_side \
         {CASE_FROM} WHERE k.id = $1"
    );
    let Some(r) = sqlx::query(AssertSqlSafe(sql)).bind(id).bind(user_id).fetch_optional(&db.pool).await?
    else {
        return Ok(None);
    };
    Ok(Some((case_row(&r)?, r.try_get("my_side")?)))
}

pub async fn case_by_id(db: &Db, id: i64) -> Result<Option<CaseRow>, sqlx::Error> {
    let sql = format!("SELECT {CASE_COLUMNS} {CASE_FROM} WHERE k.id = $1");
    sqlx::query(AssertSqlSafe(sql)).bind(id).fetch_optional(&db.pool).await?.map(|r| case_row(&r)).transpose()
}

/// A litigant's or agent's cases with their side, newest first.
pub async fn cases_of_person(db: &Db, user_id: i64) -> Result<Vec<(CaseRow, String, bool)>, sqlx::Error> {
    let sql = format!(
        "SELECT {CASE_COLUMNS}, m.side AS my_side, m.as_agent FROM ( \
           SELECT p.case_id, p.side, 0 AS as_agent FROM case_parties p WHERE p.user_id = $1 \
           UNION ALL \
           SELECT p.case_id, p.side, 1 AS as_agent FROM case_agents a \
           JOIN case_parties p ON p.id = a.party_id WHERE a.agent_user_id = $1 \
         ) m JOIN cases k ON k.id = m.case_id \
         JOIN courts c ON c.id = k.court_id LEFT JOIN courts rc ON rc.id = k.receiving_court_id \
         LEFT JOIN users j ON j.id = k.judge_id LEFT JOIN users cl ON cl.id = k.clerk_id \
         ORDER BY k.created_at DESC, k.id DESC"
    );
    let rows = sqlx::query(AssertSqlSafe(sql)).bind(user_id).fetch_all(&db.pool).await?;
    rows.iter()
        .map(|r| Ok((case_row(r)?, r.try_get("my_side")?, r.try_get::<i64, _>("as_agent")? != 0)))
        .collect()
}

/// A court's cases (staff view), newest first, at most `limit`. Cross-region filings handed
/// in at this court count too (DOMAIN.md §1).
pub async fn cases_of_court(db: &Db, court_id: i64, limit: i64) -> Result<Vec<CaseRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {CASE_COLUMNS} {CASE_FROM} WHERE k.court_id = $1 OR k.receiving_court_id = $1 \
         ORDER BY k.created_at DESC, k.id DESC LIMIT $2"
    );
    let rows = sqlx::query(AssertSqlSafe(sql)).bind(court_id).bind(limit).fetch_all(&db.pool).await?;
    rows.iter().map(case_row).collect()
}

pub async fn case_id_by_number(db: &Db, number: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query("SELECT id FROM cases WHERE case_number = $1")
        .bind(number)
        .fetch_optional(&db.pool)
        .await?
        .map(|r| r.try_get("id"))
        .transpose()
}

#[derive(Clone, Debug)]
pub struct PartyRow {
    pub id: i64,
    pub side: String,
    pub name: String,
}

pub async fn parties(db: &Db, case_id: i64) -> Result<Vec<PartyRow>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, side, name FROM case_parties WHERE case_id = $1 ORDER BY id")
        .bind(case_id)
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| Ok(PartyRow { id: r.try_get("id")?, side: r.try_get("side")?, name: r.try_get("name")? }))
        .collect()
}

#[derive(Clone, Debug)]
pub struct EventRow {
    pub case_id: i64,
    pub stage: String,
    pub at: i64,
}

pub async fn events(db: &Db, case_id: i64) -> Result<Vec<EventRow>, sqlx::Error> {
    let rows = sqlx::query("SELECT case_id, stage, at FROM case_events WHERE case_id = $1 ORDER BY at, id")
        .bind(case_id)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(event_row).collect()
}

/// Events of many cases at once (one query for a whole list page).
pub async fn events_of_person(db: &Db, user_id: i64) -> Result<Vec<EventRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT e.case_id, e.stage, e.at FROM case_events e WHERE e.case_id IN ( \
           SELECT p.case_id FROM case_parties p WHERE p.user_id = $1 \
           UNION SELECT p.case_id FROM case_agents a JOIN case_parties p ON p.id = a.party_id \
           WHERE a.agent_user_id = $1) \
         ORDER BY e.case_id, e.at, e.id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(event_row).collect()
}

pub async fn events_of_court(db: &Db, court_id: i64, limit: i64) -> Result<Vec<EventRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT e.case_id, e.stage, e.at FROM case_events e WHERE e.case_id IN ( \
           SELECT k.id FROM cases k WHERE k.court_id = $1 OR k.receiving_court_id = $1 \
           ORDER BY k.created_at DESC, k.id DESC LIMIT $2) \
         ORDER BY e.case_id, e.at, e.id",
    )
    .bind(court_id)
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(event_row).collect()
}

fn event_row(r: &sqlx::any::AnyRow) -> Result<EventRow, sqlx::Error> {
    Ok(EventRow { case_id: r.try_get("case_id")?, stage: r.try_get("stage")?, at: r.try_get("at")? })
}

// ---- writing (demo data now; filing and docketing later) -------------------------------

pub struct NewCase<'a> {
    pub court_id: i64,
    pub receiving_court_id: Option<i64>,
    pub type_code: &'a str,
    pub year: Option<i64>,
    pub seq: Option<i64>,
    pub case_number: Option<&'a str>,
    pub cause: &'a str,
    pub procedure: &'a str,
    pub claim_fen: Option<i64>,
    pub stage: &'a str,
    pub channel: &'a str,
    pub query_code: &'a str,
    pub judge_id: Option<i64>,
    pub clerk_id: Option<i64>,
    pub defendant_abroad: bool,
    pub created_at: i64,
}

pub async fn insert_case(db: &Db, c: NewCase<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO cases (court_id, receiving_court_id, type_code, year, seq, case_number, cause, \
         procedure, claim_fen, stage, channel, query_code, judge_id, clerk_id, defendant_abroad, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
    )
    .bind(c.court_id)
    .bind(c.receiving_court_id)
    .bind(c.type_code)
    .bind(c.year)
    .bind(c.seq)
    .bind(c.case_number)
    .bind(c.cause)
    .bind(c.procedure)
    .bind(c.claim_fen)
    .bind(c.stage)
    .bind(c.channel)
    .bind(c.query_code)
    .bind(c.judge_id)
    .bind(c.clerk_id)
    .bind(i64::from(c.defendant_abroad))
    .bind(c.created_at)
    .fetch_one(&db.pool)
    .await?
    .try_get("id")
}

pub async fn insert_party(
    db: &Db,
    case_id: i64,
    side: &str,
    name: &str,
    user_id: Option<i64>,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO case_parties (case_id, side, name, user_id) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(case_id)
    .bind(side)
    .bind(name)
    .bind(user_id)
    .fetch_one(&db.pool)
    .await?
    .try_get("id")
}

pub async fn insert_agent(db: &Db, party_id: i64, agent_user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO case_agents (party_id, agent_user_id) VALUES ($1, $2)")
        .bind(party_id)
        .bind(agent_user_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn insert_event(db: &Db, case_id: i64, stage: &str, at: i64) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO case_events (case_id, stage, at) VALUES ($1, $2, $3)")
        .bind(case_id)
        .bind(stage)
        .bind(at)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn count_cases(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM cases").fetch_one(&db.pool).await?.try_get("n")
}
