//! Cases, their parties and agents, and their lifecycle events.

use super::sqlite_read::to_sqlx;
use super::{Db, Kind};
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
    /// Stored as its code (`rules::filing::Cause::code`); `None` for an unrecognised one.
    pub cause: Option<app::rules::filing::Cause>,
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
    pub judge_id: Option<i64>,
    /// `judgment`, `mediated` or `withdrawn`, once closed.
    pub outcome: Option<String>,
    /// Fee relief granted: `defer`, `reduce` or `waive` (诉讼费用交纳办法 arts. 45–47).
    pub fee_relief: Option<String>,
    /// The earliest deadline of the refunds still owed (诉讼费用交纳办法 art. 53), if any.
    pub refund_due_at: Option<i64>,
}

const CASE_COLUMNS: &str =
    "k.id, k.court_id, k.receiving_court_id, c.name_zh AS court_name_zh, c.name_en AS court_name_en, \
     rc.name_zh AS rc_name_zh, rc.name_en AS rc_name_en, k.type_code, k.case_number, k.cause, \
     k.procedure, k.claim_fen, k.stage, k.channel, k.query_code, j.name AS judge_name, \
     j.phone AS judge_phone, cl.name AS clerk_name, cl.phone AS clerk_phone, k.defendant_abroad, \
     k.created_at, k.judge_id, k.outcome, k.fee_relief, \
     (SELECT MIN(r.due_at) FROM fee_refunds r WHERE r.case_id = k.id AND r.status <> 'refunded') \
       AS refund_due_at";

const CASE_FROM: &str = "FROM cases k JOIN courts c ON c.id = k.court_id \
     LEFT JOIN courts rc ON rc.id = k.receiving_court_id \
     LEFT JOIN users j ON j.id = k.judge_id LEFT JOIN users cl ON cl.id = k.clerk_id";

/// The side user `$2` takes in case `k`: as a party, or as agent for one.
const MY_SIDE: &str = "(SELECT p.side FROM case_parties p WHERE p.case_id = k.id AND p.user_id = $2 \
       UNION ALL \
       SELECT p.side FROM case_agents a JOIN case_parties p ON p.id = a.party_id \
       WHERE p.case_id = k.id AND a.agent_user_id = $2 \
       LIMIT 1)";

/// Reading a column by name, from an sqlx row or (on the SQLite read path) a rusqlite row.
trait Cols {
    fn int(&self, name: &str) -> Result<i64, sqlx::Error>;
    fn opt_int(&self, name: &str) -> Result<Option<i64>, sqlx::Error>;
    fn text(&self, name: &str) -> Result<String, sqlx::Error>;
    fn opt_text(&self, name: &str) -> Result<Option<String>, sqlx::Error>;
}

impl Cols for sqlx::any::AnyRow {
    fn int(&self, name: &str) -> Result<i64, sqlx::Error> {
        self.try_get(name)
    }
    fn opt_int(&self, name: &str) -> Result<Option<i64>, sqlx::Error> {
        self.try_get(name)
    }
    fn text(&self, name: &str) -> Result<String, sqlx::Error> {
        self.try_get(name)
    }
    fn opt_text(&self, name: &str) -> Result<Option<String>, sqlx::Error> {
        self.try_get(name)
    }
}

/// A rusqlite row, its columns found by name in `names` (the statement's column names,
/// taken once): rusqlite's own lookup by name asks SQLite for every column's name on every
/// read, which a profile of the case page showed at ~6 % of the server's CPU.
struct Named<'a, 'r> {
    row: &'a rusqlite::Row<'r>,
    names: &'a [String],
}

impl Named<'_, '_> {
    fn get<T: rusqlite::types::FromSql>(&self, name: &str) -> Result<T, sqlx::Error> {
        let i = self
            .names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| sqlx::Error::ColumnNotFound(name.into()))?;
        self.row.get(i).map_err(to_sqlx)
    }
}

impl Cols for Named<'_, '_> {
    fn int(&self, name: &str) -> Result<i64, sqlx::Error> {
        self.get(name)
    }
    fn opt_int(&self, name: &str) -> Result<Option<i64>, sqlx::Error> {
        self.get(name)
    }
    fn text(&self, name: &str) -> Result<String, sqlx::Error> {
        self.get(name)
    }
    fn opt_text(&self, name: &str) -> Result<Option<String>, sqlx::Error> {
        self.get(name)
    }
}

fn case_row(r: &impl Cols) -> Result<CaseRow, sqlx::Error> {
    Ok(CaseRow {
        id: r.int("id")?,
        court_id: r.int("court_id")?,
        receiving_court_id: r.opt_int("receiving_court_id")?,
        court_name_zh: r.text("court_name_zh")?,
        court_name_en: r.text("court_name_en")?,
        receiving_court_name_zh: r.opt_text("rc_name_zh")?,
        receiving_court_name_en: r.opt_text("rc_name_en")?,
        type_code: r.text("type_code")?,
        case_number: r.opt_text("case_number")?,
        cause: app::rules::filing::stored_cause(&r.text("cause")?),
        procedure: r.text("procedure")?,
        claim_fen: r.opt_int("claim_fen")?,
        stage: r.text("stage")?,
        channel: r.text("channel")?,
        query_code: r.text("query_code")?,
        judge_name: r.opt_text("judge_name")?,
        judge_phone: r.opt_text("judge_phone")?,
        clerk_name: r.opt_text("clerk_name")?,
        clerk_phone: r.opt_text("clerk_phone")?,
        defendant_abroad: r.int("defendant_abroad")? != 0,
        created_at: r.int("created_at")?,
        judge_id: r.opt_int("judge_id")?,
        outcome: r.opt_text("outcome")?,
        fee_relief: r.opt_text("fee_relief")?,
        refund_due_at: r.opt_int("refund_due_at")?,
    })
}

/// A case and the side `user_id` takes in it (as a party or as agent for one), if any.
pub async fn case_with_side(
    db: &Db,
    id: i64,
    user_id: i64,
) -> Result<Option<(CaseRow, Option<String>)>, sqlx::Error> {
    let sql = format!("SELECT {CASE_COLUMNS}, {MY_SIDE} AS my_side {CASE_FROM} WHERE k.id = $1");
    let Some(r) = sqlx::query(AssertSqlSafe(sql)).bind(id).bind(user_id).fetch_optional(&db.pool).await?
    else {
        return Ok(None);
    };
    Ok(Some((case_row(&r)?, r.try_get("my_side")?)))
}

/// Everything the case page shows, in one round trip: the case, the caller's side in it, its
/// parties and its events (the last two aggregated to JSON by the database).
pub struct CaseSheet {
    pub case: CaseRow,
    pub my_side: Option<String>,
    pub parties: Vec<PartyRow>,
    pub events: Vec<EventRow>,
    /// The representations in force.
    pub agents: Vec<AgentRow>,
    /// Charged, less reductions and payments, plus refunds paid out (negative when overpaid).
    pub fee_balance_fen: i64,
    /// Refunds owed and not yet back with the payer (诉讼费用交纳办法 art. 53); their
    /// earliest deadline is `case.refund_due_at`.
    pub refund_open_fen: i64,
}

pub async fn case_sheet(db: &Db, id: i64, user_id: i64) -> Result<Option<CaseSheet>, sqlx::Error> {
    // Both back ends aggregate with an ORDER BY inside the aggregate (SQLite ≥ 3.44).
    let (parties, events, agents) = match db.kind {
        Kind::Sqlite => (
            "(SELECT json_group_array(json_array(p.id, p.side, p.name) ORDER BY p.id) \
               FROM case_parties p WHERE p.case_id = k.id)",
            "(SELECT json_group_array(json_array(e.stage, e.at) ORDER BY e.at, e.id) \
               FROM case_events e WHERE e.case_id = k.id)",
            "(SELECT json_group_array(json_array(a.id, a.party_id, p.name, p.user_id, a.agent_user_id, u.name) \
                 ORDER BY a.id) \
               FROM case_agents a JOIN case_parties p ON p.id = a.party_id JOIN users u ON u.id = a.agent_user_id \
               WHERE p.case_id = k.id)",
        ),
        Kind::Postgres => (
            "(SELECT COALESCE(json_agg(json_build_array(p.id, p.side, p.name) ORDER BY p.id), '[]')::text \
               FROM case_parties p WHERE p.case_id = k.id)",
            "(SELECT COALESCE(json_agg(json_build_array(e.stage, e.at) ORDER BY e.at, e.id), '[]')::text \
               FROM case_events e WHERE e.case_id = k.id)",
            "(SELECT COALESCE(json_agg(json_build_array(a.id, a.party_id, p.name, p.user_id, a.agent_user_id, u.name) \
                 ORDER BY a.id), '[]')::text \
               FROM case_agents a JOIN case_parties p ON p.id = a.party_id JOIN users u ON u.id = a.agent_user_id \
               WHERE p.case_id = k.id)",
        ),
    };
    let sql = format!(
        "SELECT {CASE_COLUMNS}, {MY_SIDE} AS my_side, {parties} AS parties_json, {events} AS events_json, \
           {agents} AS agents_json, \
           {balance} AS fee_balance, \
           (SELECT CAST(COALESCE(SUM(r.amount_fen), 0) AS BIGINT) FROM fee_refunds r \
            WHERE r.case_id = k.id AND r.status <> 'refunded') AS refund_open \
         {CASE_FROM} WHERE k.id = $1",
        balance = super::fees::balance_sql("k.id"),
    );
    // SQLite: in place on a read connection (no thread hop); the same statement either way.
    if let Some(read) = &db.read {
        return read.read(|conn| {
            let mut stmt = conn.prepare_cached(&sql).map_err(to_sqlx)?;
            // The statement is always the same one: its column names are taken once.
            static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
            let names = NAMES.get_or_init(|| stmt.column_names().into_iter().map(String::from).collect());
            let mut rows =
                stmt.query(rusqlite::named_params! { "$1": id, "$2": user_id }).map_err(to_sqlx)?;
            rows.next().map_err(to_sqlx)?.map(|row| sheet(&Named { row, names }, id)).transpose()
        });
    }
    let r = sqlx::query(AssertSqlSafe(sql)).bind(id).bind(user_id).fetch_optional(&db.pool).await?;
    r.map(|r| sheet(&r, id)).transpose()
}

fn sheet(r: &impl Cols, id: i64) -> Result<CaseSheet, sqlx::Error> {
    let decode = |e: serde_json::Error| sqlx::Error::Decode(Box::new(e));
    let parties: Vec<(i64, String, String)> =
        serde_json::from_str(&r.text("parties_json")?).map_err(decode)?;
    let events: Vec<(String, i64)> = serde_json::from_str(&r.text("events_json")?).map_err(decode)?;
    type AgentTuple = (i64, i64, String, Option<i64>, i64, Option<String>);
    let agents: Vec<AgentTuple> = serde_json::from_str(&r.text("agents_json")?).map_err(decode)?;
    Ok(CaseSheet {
        case: case_row(r)?,
        my_side: r.opt_text("my_side")?,
        parties: parties.into_iter().map(|(id, side, name)| PartyRow { id, side, name }).collect(),
        events: events.into_iter().map(|(stage, at)| EventRow { case_id: id, stage, at }).collect(),
        agents: agents
            .into_iter()
            .map(|(id, party_id, party_name, party_user_id, agent_user_id, agent_name)| AgentRow {
                id,
                party_id,
                party_name,
                party_user_id,
                agent_user_id,
                agent_name,
            })
            .collect(),
        fee_balance_fen: r.int("fee_balance")?,
        refund_open_fen: r.int("refund_open")?,
    })
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
    pub cause: Option<app::rules::filing::Cause>,
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
    .bind(c.cause.map(app::rules::filing::Cause::code).unwrap_or(""))
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

/// How a demo case from before outcomes were recorded ended.
pub async fn set_outcome(db: &Db, case_id: i64, outcome: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE cases SET outcome = $1 WHERE id = $2")
        .bind(outcome)
        .bind(case_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Records that a case reached `stage` at `at`, unless it already has.
pub async fn insert_event_once(db: &Db, case_id: i64, stage: &str, at: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO case_events (case_id, stage, at) SELECT $1, $2, $3 \
         WHERE NOT EXISTS (SELECT 1 FROM case_events WHERE case_id = $1 AND stage = $2)",
    )
    .bind(case_id)
    .bind(stage)
    .bind(at)
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

/// One representation in force on a case: the agent, and the party (and its user) they act for.
#[derive(Clone, Debug)]
pub struct AgentRow {
    /// The `case_agents` row.
    pub id: i64,
    pub party_id: i64,
    pub party_name: String,
    pub party_user_id: Option<i64>,
    pub agent_user_id: i64,
    pub agent_name: Option<String>,
}

pub async fn agents_of_case(db: &Db, case_id: i64) -> Result<Vec<AgentRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT a.id, a.party_id, p.name AS party_name, p.user_id AS party_user_id, a.agent_user_id, \
           u.name AS agent_name \
         FROM case_agents a JOIN case_parties p ON p.id = a.party_id JOIN users u ON u.id = a.agent_user_id \
         WHERE p.case_id = $1 ORDER BY a.id",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AgentRow {
                id: r.try_get("id")?,
                party_id: r.try_get("party_id")?,
                party_name: r.try_get("party_name")?,
                party_user_id: r.try_get("party_user_id")?,
                agent_user_id: r.try_get("agent_user_id")?,
                agent_name: r.try_get("agent_name")?,
            })
        })
        .collect()
}

/// Ends a representation: the `case_agents` row goes and the end is recorded, in one
/// transaction (every case read joins `case_agents`, so the agent's access stops with the
/// commit). False if it had ended already (a double tap, a colleague).
pub async fn end_representation(
    db: &Db,
    case_id: i64,
    agent: &AgentRow,
    ended_by: i64,
    by_court: bool,
    reason: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let gone = sqlx::query("DELETE FROM case_agents WHERE id = $1").bind(agent.id).execute(&mut *tx).await?;
    if gone.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO representation_ends (case_id, party_id, agent_user_id, ended_by, by_court, reason, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(case_id)
    .bind(agent.party_id)
    .bind(agent.agent_user_id)
    .bind(ended_by)
    .bind(i64::from(by_court))
    .bind(reason)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}
