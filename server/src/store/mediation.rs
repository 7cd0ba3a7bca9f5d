//! Online mediation (DOMAIN-2 §1): pre-filing matters, their parties, the agreement's
//! versions, signatures and events. Every change of state is one conditional UPDATE that
//! names the state it expects, so a double tap, a replay or two people at once change it
//! once; the loser is told what happened instead.

use super::Db;
use sqlx::Row;

#[derive(Clone, Debug)]
pub struct MediationRow {
    pub id: i64,
    pub court_id: i64,
    /// `pre_filing` or `in_litigation` (`rules::mediation::MediationKind::code`).
    pub kind: String,
    /// In-litigation: the docketed case mediated.
    pub case_id: Option<i64>,
    pub court_name_zh: String,
    pub court_name_en: String,
    pub number: String,
    pub cause: String,
    pub summary: String,
    pub state: String,
    pub mediator_id: Option<i64>,
    pub mediator_name: Option<String>,
    pub mediator_phone: Option<String>,
    pub requested_at: i64,
    pub accepted_at: Option<i64>,
    /// The period in days (OMR art. 24), fixed when the mediation began.
    pub period_days: i64,
    /// Days added with every party's agreement (art. 24), and a proposal still waiting.
    pub extension_days: i64,
    pub proposed_days: Option<i64>,
    pub proposed_reason: Option<String>,
    pub effective_at: Option<i64>,
    /// In-litigation: the 调解书 issued and sent to the parties to sign for.
    pub statement_at: Option<i64>,
    /// In-litigation: the last party's 签收 — the 调解书 in force (JI22 art. 149).
    pub concluded_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub end_ground: Option<String>,
    pub end_note: Option<String>,
    pub version: i64,
    /// The mediator the applicant chose from the roster, until that one accepts or declines.
    pub chosen_mediator_id: Option<i64>,
    pub chosen_mediator_name: Option<String>,
}

const COLUMNS: &str = "m.id, m.court_id, m.kind, m.case_id, c.name_zh AS court_name_zh, c.name_en AS court_name_en, m.number, \
    m.cause, m.summary, m.state, m.mediator_id, u.name AS mediator_name, u.phone AS mediator_phone, \
    m.requested_at, m.accepted_at, m.period_days, m.extension_days, m.proposed_days, m.proposed_reason, m.effective_at, m.statement_at, m.concluded_at, m.ended_at, m.end_ground, m.end_note, m.version, \
    m.chosen_mediator_id, uc.name AS chosen_mediator_name \
    FROM mediations m JOIN courts c ON c.id = m.court_id LEFT JOIN users u ON u.id = m.mediator_id \
    LEFT JOIN users uc ON uc.id = m.chosen_mediator_id";

fn row(r: &sqlx::any::AnyRow) -> Result<MediationRow, sqlx::Error> {
    Ok(MediationRow {
        id: r.try_get("id")?,
        court_id: r.try_get("court_id")?,
        kind: r.try_get("kind")?,
        case_id: r.try_get("case_id")?,
        court_name_zh: r.try_get("court_name_zh")?,
        court_name_en: r.try_get("court_name_en")?,
        number: r.try_get("number")?,
        cause: r.try_get("cause")?,
        summary: r.try_get("summary")?,
        state: r.try_get("state")?,
        mediator_id: r.try_get("mediator_id")?,
        mediator_name: r.try_get("mediator_name")?,
        mediator_phone: r.try_get("mediator_phone")?,
        requested_at: r.try_get("requested_at")?,
        accepted_at: r.try_get("accepted_at")?,
        period_days: r.try_get("period_days")?,
        extension_days: r.try_get("extension_days")?,
        proposed_days: r.try_get("proposed_days")?,
        proposed_reason: r.try_get("proposed_reason")?,
        effective_at: r.try_get("effective_at")?,
        statement_at: r.try_get("statement_at")?,
        concluded_at: r.try_get("concluded_at")?,
        ended_at: r.try_get("ended_at")?,
        end_ground: r.try_get("end_ground")?,
        end_note: r.try_get("end_note")?,
        version: r.try_get("version")?,
        chosen_mediator_id: r.try_get("chosen_mediator_id")?,
        chosen_mediator_name: r.try_get("chosen_mediator_name")?,
    })
}

#[derive(Clone, Debug)]
pub struct PartyRow {
    pub id: i64,
    pub side: String,
    pub name: String,
    pub phone: String,
    pub user_id: Option<i64>,
    pub address: Option<String>,
    pub warned_at: Option<i64>,
    pub answer: String,
    pub answered_at: Option<i64>,
    /// In-litigation: when this party signed for the 调解书 (签收), and how identity was checked.
    pub received_at: Option<i64>,
    pub receive_check: Option<String>,
    /// The 签收's entry in the service log.
    pub receive_log_index: Option<i64>,
    /// The answer to the extension proposed now (`agreed`), none while not answered.
    pub extension_answer: Option<String>,
}

#[derive(Clone, Debug)]
pub struct VersionRow {
    pub version: i64,
    pub clauses: Vec<String>,
    pub sha256: String,
    pub author_name: Option<String>,
    pub created_at: i64,
}

#[derive(Clone, Debug)]
pub struct SignatureRow {
    pub id: i64,
    pub version: i64,
    pub user_id: i64,
    pub user_name: Option<String>,
    pub role: String,
    pub sha256: String,
    pub image_sha256: Option<String>,
    pub signed_at: i64,
    pub device: String,
    pub ip: String,
    pub identity_check: String,
    pub voided_at: Option<i64>,
    /// The signature's entry in the service log (none for signatures made before it was kept).
    pub log_index: Option<i64>,
}

#[derive(Clone, Debug)]
pub struct EventRow {
    pub at: i64,
    pub kind: String,
    pub user_name: Option<String>,
    pub note: String,
}

/// Everything one page of a matter shows, read together.
#[derive(Clone, Debug)]
pub struct Matter {
    pub m: MediationRow,
    pub parties: Vec<PartyRow>,
    pub versions: Vec<VersionRow>,
    pub signatures: Vec<SignatureRow>,
    pub events: Vec<EventRow>,
}

pub struct NewParty<'a> {
    pub name: &'a str,
    pub phone: &'a str,
    pub user_id: Option<i64>,
    pub address: Option<&'a str>,
    pub warned_at: Option<i64>,
}

pub struct NewMediation<'a> {
    pub court_id: i64,
    pub year: i32,
    pub cause: &'a str,
    pub summary: &'a str,
    pub applicant: NewParty<'a>,
    pub respondent: NewParty<'a>,
    /// A mediator chosen from the court's roster (OMR art. 10), or none: the court designates.
    pub chosen_mediator_id: Option<i64>,
    pub now: i64,
}

/// A new pre-filing matter with its 民诉前调 number (the next of its court and year, taken
/// in the same transaction: a rollback gives it back), its two parties and its first event.
pub async fn create(
    db: &Db,
    n: NewMediation<'_>,
    number: impl Fn(i64) -> String,
) -> Result<(i64, String), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let seq: i64 = sqlx::query(
        "INSERT INTO case_number_counters (court_id, year, type_code, last_seq) VALUES ($1, $2, '民诉前调', 1) \
         ON CONFLICT (court_id, year, type_code) \
         DO UPDATE SET last_seq = case_number_counters.last_seq + 1 RETURNING last_seq",
    )
    .bind(n.court_id)
    .bind(i64::from(n.year))
    .fetch_one(&mut *tx)
    .await?
    .try_get("last_seq")?;
    let number = number(seq);
    let id: i64 = sqlx::query(
        "INSERT INTO mediations (court_id, kind, year, seq, number, cause, summary, state, requested_at, chosen_mediator_id) \
         VALUES ($1, 'pre_filing', $2, $3, $4, $5, $6, 'requested', $7, $8) RETURNING id",
    )
    .bind(n.court_id)
    .bind(i64::from(n.year))
    .bind(seq)
    .bind(&number)
    .bind(n.cause)
    .bind(n.summary)
    .bind(n.now)
    .bind(n.chosen_mediator_id)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    for (side, p, answer) in
        [("applicant", &n.applicant, "consented"), ("respondent", &n.respondent, "pending")]
    {
        sqlx::query(
            "INSERT INTO mediation_parties (mediation_id, side, name, phone, user_id, address, warned_at, answer, answered_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(id)
        .bind(side)
        .bind(p.name)
        .bind(p.phone)
        .bind(p.user_id)
        .bind(p.address)
        .bind(p.warned_at)
        .bind(answer)
        .bind((answer == "consented").then_some(n.now))
        .execute(&mut *tx)
        .await?;
    }
    event(&mut tx, id, n.now, "requested", n.applicant.user_id, "").await?;
    tx.commit().await?;
    Ok((id, number))
}

pub(super) async fn event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: i64,
    at: i64,
    kind: &str,
    user_id: Option<i64>,
    note: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO mediation_events (mediation_id, at, kind, user_id, note) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(at)
    .bind(kind)
    .bind(user_id)
    .bind(note)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One change of state: `update` — a conditional UPDATE that names the state it expects — and,
/// when it changed a row, the event that records it, in one transaction. False when nothing
/// matched (a double tap, a replay, or someone else first).
async fn step(
    db: &Db,
    update: sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments>,
    id: i64,
    at: i64,
    kind: &str,
    by: Option<i64>,
    note: &str,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    if update.execute(&mut *tx).await?.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    event(&mut tx, id, at, kind, by, note).await?;
    tx.commit().await?;
    Ok(true)
}

pub async fn get(db: &Db, id: i64) -> Result<Option<MediationRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} WHERE m.id = $1");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&db.pool).await?;
    r.as_ref().map(row).transpose()
}

/// One matter with its parties, versions, signatures and events.
pub async fn matter(db: &Db, id: i64) -> Result<Option<Matter>, sqlx::Error> {
    let Some(m) = get(db, id).await? else {
        return Ok(None);
    };
    let parties = sqlx::query(
        "SELECT id, side, name, phone, user_id, address, warned_at, answer, answered_at, received_at, receive_check, extension_answer, \
           receive_log_index \
         FROM mediation_parties WHERE mediation_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok(PartyRow {
            id: r.try_get("id")?,
            side: r.try_get("side")?,
            name: r.try_get("name")?,
            phone: r.try_get("phone")?,
            user_id: r.try_get("user_id")?,
            address: r.try_get("address")?,
            warned_at: r.try_get("warned_at")?,
            answer: r.try_get("answer")?,
            answered_at: r.try_get("answered_at")?,
            received_at: r.try_get("received_at")?,
            receive_check: r.try_get("receive_check")?,
            extension_answer: r.try_get("extension_answer")?,
            receive_log_index: r.try_get("receive_log_index")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let versions = sqlx::query(
        "SELECT v.version, v.clauses_json, v.sha256, u.name AS author_name, v.created_at \
         FROM mediation_versions v LEFT JOIN users u ON u.id = v.author_id \
         WHERE v.mediation_id = $1 ORDER BY v.version",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        let json: String = r.try_get("clauses_json")?;
        Ok(VersionRow {
            version: r.try_get("version")?,
            clauses: serde_json::from_str(&json).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
            sha256: r.try_get("sha256")?,
            author_name: r.try_get("author_name")?,
            created_at: r.try_get("created_at")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let signatures = sqlx::query(
        "SELECT s.id, s.version, s.user_id, u.name AS user_name, s.role, s.sha256, s.image_sha256, \
           s.signed_at, s.device, s.ip, s.identity_check, s.voided_at, s.log_index \
         FROM mediation_signatures s LEFT JOIN users u ON u.id = s.user_id \
         WHERE s.mediation_id = $1 ORDER BY s.version, s.signed_at, s.id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok(SignatureRow {
            id: r.try_get("id")?,
            version: r.try_get("version")?,
            user_id: r.try_get("user_id")?,
            user_name: r.try_get("user_name")?,
            role: r.try_get("role")?,
            sha256: r.try_get("sha256")?,
            image_sha256: r.try_get("image_sha256")?,
            signed_at: r.try_get("signed_at")?,
            device: r.try_get("device")?,
            ip: r.try_get("ip")?,
            identity_check: r.try_get("identity_check")?,
            voided_at: r.try_get("voided_at")?,
            log_index: r.try_get("log_index")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let events = sqlx::query(
        "SELECT e.at, e.kind, u.name AS user_name, e.note FROM mediation_events e \
         LEFT JOIN users u ON u.id = e.user_id WHERE e.mediation_id = $1 ORDER BY e.at, e.id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok(EventRow {
            at: r.try_get("at")?,
            kind: r.try_get("kind")?,
            user_name: r.try_get("user_name")?,
            note: r.try_get("note")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Some(Matter { m, parties, versions, signatures, events }))
}

/// The matters a person is a party to: by their account, or — before they have answered an
/// invitation — by the phone number the applicant gave.
pub async fn of_person(db: &Db, user_id: i64, phone: &str) -> Result<Vec<MediationRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} WHERE m.id IN (SELECT p.mediation_id FROM mediation_parties p \
           WHERE p.user_id = $1 OR (p.user_id IS NULL AND p.phone = $2)) \
         ORDER BY m.requested_at DESC, m.id DESC"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(user_id).bind(phone).fetch_all(&db.pool).await?;
    rows.iter().map(row).collect()
}

/// A court's matters waiting for a mediator, and those a mediator has taken, oldest first.
pub async fn queue(db: &Db, court_id: i64, mediator_id: i64) -> Result<Vec<MediationRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} WHERE m.court_id = $1 AND (m.state = 'requested' OR m.mediator_id = $2) \
         ORDER BY CASE WHEN m.state IN ('effective','concluded','ended') THEN 1 ELSE 0 END, m.requested_at, m.id"
    );
    let rows =
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(court_id).bind(mediator_id).fetch_all(&db.pool).await?;
    rows.iter().map(row).collect()
}

/// The mediator accepts a waiting matter: the period starts (OMR art. 24). False when it was
/// no longer waiting (another mediator took it first, or a replay).
/// A mediator of the court takes a waiting matter. One the applicant chose a mediator for is
/// that mediator's alone unless `choice_lapsed` (OMR art. 12: 3 working days without an answer).
pub async fn accept(
    db: &Db,
    id: i64,
    court_id: i64,
    mediator_id: i64,
    choice_lapsed: bool,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let update = sqlx::query(
        "UPDATE mediations SET state = 'inviting', mediator_id = $1, accepted_at = $2, chosen_mediator_id = NULL \
         WHERE id = $3 AND court_id = $4 AND state = 'requested' \
           AND (chosen_mediator_id IS NULL OR chosen_mediator_id = $1 OR $5 = 1)",
    )
    .bind(mediator_id)
    .bind(now)
    .bind(id)
    .bind(court_id)
    .bind(i64::from(choice_lapsed));
    step(db, update, id, now, "accepted", Some(mediator_id), "").await
}

/// The chosen mediator declines, with written reasons (OMR art. 12): the matter goes back to
/// the court to designate. False when it was not theirs to decline (taken, or not chosen).
pub async fn decline_choice(
    db: &Db,
    id: i64,
    mediator_id: i64,
    reasons: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let update = sqlx::query(
        "UPDATE mediations SET chosen_mediator_id = NULL \
         WHERE id = $1 AND state = 'requested' AND chosen_mediator_id = $2",
    )
    .bind(id)
    .bind(mediator_id);
    step(db, update, id, now, "choice_declined", Some(mediator_id), reasons).await
}

/// A mediator's public profile (在线调解规则 art. 5), with what the records say they took.
#[derive(Clone, Debug)]
pub struct ProfileRow {
    pub user_id: i64,
    pub name: String,
    /// For texting the mediator; never on the public roster.
    pub phone: String,
    pub court_id: i64,
    pub court_code: String,
    pub court_name_zh: String,
    pub court_name_en: String,
    pub background: String,
    pub specialities: String,
    pub dispute_range: String,
    /// Empty: free of charge.
    pub fee: String,
    pub listed: bool,
    /// Matters accepted, and of those the ones that reached an agreement in force.
    pub taken: i64,
    pub agreed: i64,
}

const PROFILE_COLUMNS: &str =
    "u.id, u.name, u.phone, u.court_id, c.code, c.name_zh, c.name_en, p.background, p.specialities, \
    p.dispute_range, p.fee, p.listed, \
    (SELECT COUNT(*) FROM mediations m WHERE m.mediator_id = u.id) AS taken, \
    (SELECT COUNT(*) FROM mediations m WHERE m.mediator_id = u.id AND m.effective_at IS NOT NULL) AS agreed \
    FROM mediator_profiles p JOIN users u ON u.id = p.user_id JOIN courts c ON c.id = u.court_id";

fn profile_row(r: &sqlx::any::AnyRow) -> Result<ProfileRow, sqlx::Error> {
    Ok(ProfileRow {
        user_id: r.try_get("id")?,
        name: r.try_get::<Option<String>, _>("name")?.unwrap_or_default(),
        phone: r.try_get("phone")?,
        court_id: r.try_get("court_id")?,
        court_code: r.try_get("code")?,
        court_name_zh: r.try_get("name_zh")?,
        court_name_en: r.try_get("name_en")?,
        background: r.try_get("background")?,
        specialities: r.try_get("specialities")?,
        dispute_range: r.try_get("dispute_range")?,
        fee: r.try_get("fee")?,
        listed: r.try_get::<i64, _>("listed")? != 0,
        taken: r.try_get("taken")?,
        agreed: r.try_get("agreed")?,
    })
}

/// The public roster: every listed mediator of every court, by court.
pub async fn roster(db: &Db) -> Result<Vec<ProfileRow>, sqlx::Error> {
    let sql =
        format!("SELECT {PROFILE_COLUMNS} WHERE p.listed = 1 AND u.role = 'mediator' ORDER BY c.code, u.id");
    sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&db.pool).await?.iter().map(profile_row).collect()
}

/// One mediator's profile, listed or not.
pub async fn profile(db: &Db, user_id: i64) -> Result<Option<ProfileRow>, sqlx::Error> {
    let sql = format!("SELECT {PROFILE_COLUMNS} WHERE u.id = $1");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(user_id).fetch_optional(&db.pool).await?;
    r.as_ref().map(profile_row).transpose()
}

pub struct NewProfile<'a> {
    pub user_id: i64,
    pub background: &'a str,
    pub specialities: &'a str,
    pub dispute_range: &'a str,
    pub fee: &'a str,
    pub listed: bool,
    pub now: i64,
}

/// Writes a mediator's profile (the first time, or again).
pub async fn save_profile(db: &Db, p: NewProfile<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO mediator_profiles (user_id, background, specialities, dispute_range, fee, listed, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (user_id) DO UPDATE SET background = $2, specialities = $3, dispute_range = $4, \
           fee = $5, listed = $6, updated_at = $7",
    )
    .bind(p.user_id)
    .bind(p.background)
    .bind(p.specialities)
    .bind(p.dispute_range)
    .bind(p.fee)
    .bind(i64::from(p.listed))
    .bind(p.now)
    .execute(&db.pool)
    .await?;
    Ok(())
}

pub struct Answer<'a> {
    pub mediation_id: i64,
    pub party_id: i64,
    pub user_id: i64,
    pub consent: bool,
    pub address: Option<&'a str>,
    pub note: &'a str,
    pub now: i64,
}

/// The invited side answers (OMR art. 15): consent moves the matter into mediation once every
/// party has consented; a refusal ends it under art. 25(4). False when the invitation was no
/// longer open (answered already, or the matter moved on).
pub async fn answer(db: &Db, a: Answer<'_>) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let done = sqlx::query(
        "UPDATE mediation_parties SET user_id = $1, answer = $2, answered_at = $3, address = COALESCE($4, address), \
           warned_at = CASE WHEN $2 = 'consented' THEN $3 ELSE warned_at END \
         WHERE id = $5 AND mediation_id = $6 AND answer = 'pending' \
           AND mediation_id IN (SELECT id FROM mediations WHERE state = 'inviting')",
    )
    .bind(a.user_id)
    .bind(if a.consent { "consented" } else { "refused" })
    .bind(a.now)
    .bind(a.address)
    .bind(a.party_id)
    .bind(a.mediation_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    if a.consent {
        sqlx::query(
            "UPDATE mediations SET state = 'mediating', accepted_at = COALESCE(accepted_at, $2) \
             WHERE id = $1 AND state = 'inviting' \
             AND NOT EXISTS (SELECT 1 FROM mediation_parties p WHERE p.mediation_id = $1 AND p.answer <> 'consented')",
        )
        .bind(a.mediation_id)
        .bind(a.now)
        .execute(&mut *tx)
        .await?;
        event(&mut tx, a.mediation_id, a.now, "consented", Some(a.user_id), "").await?;
    } else {
        sqlx::query(
            "UPDATE mediations SET state = 'ended', ended_at = $1, end_ground = 'refused', end_note = $2 \
             WHERE id = $3 AND state = 'inviting'",
        )
        .bind(a.now)
        .bind(a.note)
        .bind(a.mediation_id)
        .execute(&mut *tx)
        .await?;
        event(&mut tx, a.mediation_id, a.now, "refused", Some(a.user_id), a.note).await?;
    }
    tx.commit().await?;
    Ok(true)
}

pub struct NewVersion<'a> {
    pub mediation_id: i64,
    /// The version the editor started from: if another edit landed since, this one is refused.
    pub based_on: i64,
    pub clauses_json: &'a str,
    pub sha256: &'a str,
    pub author_id: i64,
    pub now: i64,
}

/// A new version of the agreement. Every signature on the version it replaces is voided in
/// the same transaction (DOMAIN-2 §1.5); returns the people whose signatures were voided, or
/// `None` when the matter was not at `based_on` any more or not in mediation.
pub async fn new_version(db: &Db, v: NewVersion<'_>) -> Result<Option<Vec<i64>>, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let moved = sqlx::query(
        "UPDATE mediations SET version = version + 1 WHERE id = $1 AND version = $2 AND state = 'mediating'",
    )
    .bind(v.mediation_id)
    .bind(v.based_on)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved == 0 {
        tx.rollback().await?;
        return Ok(None);
    }
    sqlx::query(
        "INSERT INTO mediation_versions (mediation_id, version, clauses_json, sha256, author_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(v.mediation_id)
    .bind(v.based_on + 1)
    .bind(v.clauses_json)
    .bind(v.sha256)
    .bind(v.author_id)
    .bind(v.now)
    .execute(&mut *tx)
    .await?;
    let voided: Vec<i64> = sqlx::query(
        "UPDATE mediation_signatures SET voided_at = $1 \
         WHERE mediation_id = $2 AND version = $3 AND voided_at IS NULL RETURNING user_id",
    )
    .bind(v.now)
    .bind(v.mediation_id)
    .bind(v.based_on)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| r.try_get("user_id"))
    .collect::<Result<_, _>>()?;
    let note = format!("{}", v.based_on + 1);
    event(&mut tx, v.mediation_id, v.now, "version", Some(v.author_id), &note).await?;
    tx.commit().await?;
    Ok(Some(voided))
}

pub struct NewSignature<'a> {
    pub mediation_id: i64,
    pub version: i64,
    pub user_id: i64,
    pub role: &'a str,
    pub sha256: &'a str,
    pub image_sha256: Option<&'a str>,
    pub device: &'a str,
    pub ip: &'a str,
    pub identity_check: &'a str,
    pub now: i64,
    /// The act as the service log keeps it (`app::log::mediation::MediationAct`), appended in
    /// the same transaction.
    pub log_entry: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signed {
    /// Recorded; others still have to sign.
    Recorded,
    /// Recorded, and it was the last one: the agreement took effect at this moment.
    Effective(i64),
    /// The version signed is not the current one, or the matter is not open for signing.
    Stale,
    /// This person has signed this version already (a double tap or a replay).
    Already,
}

/// Records a signature on the current version — in one transaction that first claims the
/// matter's row (so two last signatures at once are decided one after the other), and moves
/// the matter to `effective` when `takes_effect` (the rule of OMR art. 19) says the last
/// required signature is in.
pub async fn sign(
    db: &Db,
    s: NewSignature<'_>,
    takes_effect: impl Fn(&[(i64, i64)]) -> Option<i64>,
) -> Result<Signed, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let open = sqlx::query(
        "UPDATE mediations SET version = version WHERE id = $1 AND version = $2 AND state = 'mediating'",
    )
    .bind(s.mediation_id)
    .bind(s.version)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if open == 0 {
        tx.rollback().await?;
        return Ok(Signed::Stale);
    }
    let inserted = sqlx::query(
        "INSERT INTO mediation_signatures (mediation_id, version, user_id, role, sha256, image_sha256, signed_at, device, ip, identity_check) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (mediation_id, version, user_id) DO NOTHING",
    )
    .bind(s.mediation_id)
    .bind(s.version)
    .bind(s.user_id)
    .bind(s.role)
    .bind(s.sha256)
    .bind(s.image_sha256)
    .bind(s.now)
    .bind(s.device)
    .bind(s.ip)
    .bind(s.identity_check)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        tx.rollback().await?;
        return Ok(Signed::Already);
    }
    let index = log_act(&mut tx, s.log_entry, s.now).await?;
    sqlx::query(
        "UPDATE mediation_signatures SET log_index = $1 WHERE mediation_id = $2 AND version = $3 AND user_id = $4",
    )
    .bind(index)
    .bind(s.mediation_id)
    .bind(s.version)
    .bind(s.user_id)
    .execute(&mut *tx)
    .await?;
    event(&mut tx, s.mediation_id, s.now, "signed", Some(s.user_id), &s.version.to_string()).await?;
    let signed: Vec<(i64, i64)> = sqlx::query(
        "SELECT user_id, signed_at FROM mediation_signatures WHERE mediation_id = $1 AND version = $2 AND voided_at IS NULL",
    )
    .bind(s.mediation_id)
    .bind(s.version)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("user_id")?, r.try_get("signed_at")?)))
    .collect::<Result<_, sqlx::Error>>()?;
    let outcome = match takes_effect(&signed) {
        Some(at) => {
            sqlx::query(
                "UPDATE mediations SET state = 'effective', effective_at = $1, end_ground = 'agreed' WHERE id = $2",
            )
            .bind(at)
            .bind(s.mediation_id)
            .execute(&mut *tx)
            .await?;
            event(&mut tx, s.mediation_id, at, "effective", None, "").await?;
            Signed::Effective(at)
        }
        None => Signed::Recorded,
    };
    tx.commit().await?;
    Ok(outcome)
}

/// Appends one act to the service log inside `tx`; its index.
async fn log_act(tx: &mut super::log::Tx<'_>, entry: String, now: i64) -> Result<i64, sqlx::Error> {
    let (index, _) = super::log::append(tx, &[super::log::NewEntry { entry, record_id: None }], now).await?;
    i64::try_from(index).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// Ends a matter that is still open (waiting, inviting or in mediation) with a ground of
/// OMR art. 25 and the record of art. 21. False when it had ended or taken effect already.
pub async fn end(
    db: &Db,
    id: i64,
    ground: &str,
    note: &str,
    by: Option<i64>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let update = sqlx::query(
        "UPDATE mediations SET state = 'ended', ended_at = $1, end_ground = $2, end_note = $3 \
         WHERE id = $4 AND state IN ('requested','inviting','mediating')",
    )
    .bind(now)
    .bind(ground)
    .bind(note)
    .bind(id);
    step(db, update, id, now, "ended", by, ground).await
}

/// A party of a docketed case as an in-litigation mediation needs it: the account and the
/// phone the court texts (none when the party has no account).
#[derive(Clone, Debug)]
pub struct CaseParty {
    pub id: i64,
    pub side: String,
    pub name: String,
    pub user_id: Option<i64>,
    pub phone: Option<String>,
}

/// The plaintiffs and defendants of a case, with their accounts' phones.
pub async fn case_parties(db: &Db, case_id: i64) -> Result<Vec<CaseParty>, sqlx::Error> {
    sqlx::query(
        "SELECT p.id, p.side, p.name, p.user_id, u.phone FROM case_parties p \
         LEFT JOIN users u ON u.id = p.user_id \
         WHERE p.case_id = $1 AND p.side IN ('plaintiff','defendant') ORDER BY p.id",
    )
    .bind(case_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok(CaseParty {
            id: r.try_get("id")?,
            side: r.try_get("side")?,
            name: r.try_get("name")?,
            user_id: r.try_get("user_id")?,
            phone: r.try_get("phone")?,
        })
    })
    .collect()
}

/// The newest mediation of a case (open or not), for the case page.
pub async fn latest_of_case(db: &Db, case_id: i64) -> Result<Option<MediationRow>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} WHERE m.case_id = $1 ORDER BY m.id DESC LIMIT 1");
    let r = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(case_id).fetch_optional(&db.pool).await?;
    r.as_ref().map(row).transpose()
}

pub struct NewCaseMediation<'a> {
    pub court_id: i64,
    pub case_id: i64,
    pub year: i64,
    pub seq: i64,
    pub number: &'a str,
    pub cause: &'a str,
    pub summary: &'a str,
    /// The judge who mediates (OMR art. 24: "when a judge mediates").
    pub mediator_id: i64,
    pub period_days: i64,
    /// (side: `applicant` for a plaintiff, `respondent` for a defendant; the party).
    pub parties: Vec<(&'static str, NewParty<'a>)>,
    pub now: i64,
}

/// A mediation in a docketed case: every party is asked to consent; the period starts when
/// the last one has (OMR art. 24, `answer`). `None` when the case has an open mediation
/// already (the unique index `mediations_open_per_case`: a double tap makes one).
pub async fn create_in_case(db: &Db, n: NewCaseMediation<'_>) -> Result<Option<i64>, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO mediations (court_id, kind, case_id, year, seq, number, cause, summary, state, \
           mediator_id, requested_at, period_days) \
         VALUES ($1, 'in_litigation', $2, $3, $4, $5, $6, $7, 'inviting', $8, $9, $10) \
         ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(n.court_id)
    .bind(n.case_id)
    .bind(n.year)
    .bind(n.seq)
    .bind(n.number)
    .bind(n.cause)
    .bind(n.summary)
    .bind(n.mediator_id)
    .bind(n.now)
    .bind(n.period_days)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(r) = inserted else {
        tx.rollback().await?;
        return Ok(None);
    };
    let id: i64 = r.try_get("id")?;
    for (side, p) in &n.parties {
        sqlx::query(
            "INSERT INTO mediation_parties (mediation_id, side, name, phone, user_id, answer) \
             VALUES ($1, $2, $3, $4, $5, 'pending')",
        )
        .bind(id)
        .bind(*side)
        .bind(p.name)
        .bind(p.phone)
        .bind(p.user_id)
        .execute(&mut *tx)
        .await?;
    }
    event(&mut tx, id, n.now, "started", Some(n.mediator_id), "").await?;
    tx.commit().await?;
    Ok(Some(id))
}

/// The judge issues the 调解书 from the agreement in force; false when it was not waiting
/// for one (issued already, or the mediation ended).
pub async fn issue_statement(db: &Db, id: i64, by: i64, now: i64) -> Result<bool, sqlx::Error> {
    let update = sqlx::query(
        "UPDATE mediations SET state = 'issued', statement_at = $1 \
         WHERE id = $2 AND kind = 'in_litigation' AND state = 'effective'",
    )
    .bind(now)
    .bind(id);
    step(db, update, id, now, "issued", Some(by), "").await
}

pub struct Receipt<'a> {
    pub mediation_id: i64,
    pub party_id: i64,
    pub user_id: i64,
    pub identity_check: &'a str,
    pub device: &'a str,
    pub ip: &'a str,
    pub now: i64,
    /// The 签收 as the service log keeps it, appended in the same transaction.
    pub log_entry: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Received {
    /// Recorded; others still have to sign for it.
    Recorded,
    /// Recorded, and it was the last: the 调解书 is in force at this moment.
    Concluded(i64),
    /// This party signed for it already (a double tap or a replay).
    Already,
    /// The 调解书 is not out for 签收 (not issued, in force already, or the mediation ended).
    NotOpen,
}

/// A party's 签收 of the 调解书, in one transaction that first claims the matter's row (two
/// last 签收 at once are decided one after the other); the last one concludes it when
/// `in_force` (the rule of JI22 art. 149) says so.
pub async fn receive_statement(
    db: &Db,
    r: Receipt<'_>,
    in_force: impl Fn(&[(i64, i64)]) -> Option<i64>,
) -> Result<Received, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let open = sqlx::query("UPDATE mediations SET version = version WHERE id = $1 AND state = 'issued'")
        .bind(r.mediation_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if open == 0 {
        tx.rollback().await?;
        return Ok(Received::NotOpen);
    }
    let done = sqlx::query(
        "UPDATE mediation_parties SET received_at = $1, receive_check = $2, receive_device = $3, receive_ip = $4 \
         WHERE id = $5 AND mediation_id = $6 AND received_at IS NULL",
    )
    .bind(r.now)
    .bind(r.identity_check)
    .bind(r.device)
    .bind(r.ip)
    .bind(r.party_id)
    .bind(r.mediation_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done == 0 {
        tx.rollback().await?;
        return Ok(Received::Already);
    }
    let index = log_act(&mut tx, r.log_entry, r.now).await?;
    sqlx::query("UPDATE mediation_parties SET receive_log_index = $1 WHERE id = $2")
        .bind(index)
        .bind(r.party_id)
        .execute(&mut *tx)
        .await?;
    event(&mut tx, r.mediation_id, r.now, "received", Some(r.user_id), "").await?;
    let received: Vec<(i64, i64)> = sqlx::query(
        "SELECT id, received_at FROM mediation_parties WHERE mediation_id = $1 AND received_at IS NOT NULL",
    )
    .bind(r.mediation_id)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|x| Ok((x.try_get("id")?, x.try_get("received_at")?)))
    .collect::<Result<_, sqlx::Error>>()?;
    let outcome = match in_force(&received) {
        Some(at) => {
            sqlx::query("UPDATE mediations SET state = 'concluded', concluded_at = $1 WHERE id = $2")
                .bind(at)
                .bind(r.mediation_id)
                .execute(&mut *tx)
                .await?;
            event(&mut tx, r.mediation_id, at, "concluded", None, "").await?;
            Received::Concluded(at)
        }
        None => Received::Recorded,
    };
    tx.commit().await?;
    Ok(outcome)
}

/// A party backs out of an in-litigation mediation before it has signed for the 调解书 (CPL
/// 2023 art. 102): the mediation ends (OMR art. 25(4)) and the trial resumes. False when that
/// party had signed for it already, or the mediation was over.
pub async fn back_out(
    db: &Db,
    id: i64,
    party_id: i64,
    note: &str,
    by: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let update = sqlx::query(
        "UPDATE mediations SET state = 'ended', ended_at = $1, end_ground = 'refused', end_note = $2 \
         WHERE id = $3 AND kind = 'in_litigation' AND state IN ('inviting','mediating','effective','issued') \
           AND EXISTS (SELECT 1 FROM mediation_parties p WHERE p.id = $4 AND p.mediation_id = $3 \
                       AND p.received_at IS NULL)",
    )
    .bind(now)
    .bind(note)
    .bind(id)
    .bind(party_id);
    step(db, update, id, now, "backed_out", Some(by), note).await
}

/// The mediator proposes to extend the period by `days` (OMR art. 24: only if all parties
/// agree). False when the mediation is not in progress or a proposal is already waiting.
pub async fn propose_extension(
    db: &Db,
    id: i64,
    days: i64,
    reason: &str,
    by: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let moved = sqlx::query(
        "UPDATE mediations SET proposed_days = $1, proposed_reason = $2 \
         WHERE id = $3 AND state = 'mediating' AND proposed_days IS NULL",
    )
    .bind(days)
    .bind(reason)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    sqlx::query("UPDATE mediation_parties SET extension_answer = NULL WHERE mediation_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    event(&mut tx, id, now, "extension_proposed", Some(by), &days.to_string()).await?;
    tx.commit().await?;
    Ok(true)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtensionAnswer {
    /// Recorded; other parties have still to answer.
    Recorded,
    /// The last agreement: the period is longer by this many days.
    Granted(i64),
    /// Refused: the proposal is dropped.
    Refused,
    /// Nothing waits for this party's answer (answered already, or no proposal).
    NotOpen,
}

/// A party answers the waiting proposal. Every party must agree (OMR art. 24): the last
/// agreement adds the days, any refusal drops the proposal.
pub async fn answer_extension(
    db: &Db,
    id: i64,
    party_id: i64,
    agree: bool,
    by: i64,
    now: i64,
) -> Result<ExtensionAnswer, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let open = sqlx::query(
        "UPDATE mediations SET version = version WHERE id = $1 AND state = 'mediating' AND proposed_days IS NOT NULL",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let answered = if open == 0 {
        0
    } else {
        sqlx::query(
            "UPDATE mediation_parties SET extension_answer = $1 \
             WHERE id = $2 AND mediation_id = $3 AND extension_answer IS NULL",
        )
        .bind(if agree { "agreed" } else { "refused" })
        .bind(party_id)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
    };
    if answered == 0 {
        tx.rollback().await?;
        return Ok(ExtensionAnswer::NotOpen);
    }
    let days: i64 = sqlx::query("SELECT proposed_days FROM mediations WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("proposed_days")?;
    let outcome = if !agree {
        sqlx::query("UPDATE mediations SET proposed_days = NULL, proposed_reason = NULL WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        event(&mut tx, id, now, "extension_refused", Some(by), &days.to_string()).await?;
        ExtensionAnswer::Refused
    } else {
        let waiting: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM mediation_parties WHERE mediation_id = $1 \
             AND (extension_answer IS NULL OR extension_answer <> 'agreed')",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
        if waiting == 0 {
            sqlx::query(
                "UPDATE mediations SET extension_days = extension_days + proposed_days, \
                   proposed_days = NULL, proposed_reason = NULL WHERE id = $1",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?;
            event(&mut tx, id, now, "extension_granted", None, &days.to_string()).await?;
            ExtensionAnswer::Granted(days)
        } else {
            event(&mut tx, id, now, "extension_agreed", Some(by), &days.to_string()).await?;
            ExtensionAnswer::Recorded
        }
    };
    tx.commit().await?;
    Ok(outcome)
}

/// Cases whose 调解书 is in force (every party signed for it) but which have no outcome yet,
/// with the moment it took effect.
pub async fn concluded_open_cases(db: &Db) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query(
        "SELECT m.case_id, m.concluded_at FROM mediations m JOIN cases k ON k.id = m.case_id \
         WHERE m.state = 'concluded' AND m.concluded_at IS NOT NULL AND k.outcome IS NULL \
         ORDER BY m.id LIMIT 100",
    )
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("case_id")?, r.try_get("concluded_at")?)))
    .collect()
}

/// An open matter whose period may have run out.
#[derive(Clone, Debug)]
pub struct Expiring {
    pub id: i64,
    pub accepted_at: i64,
    pub kind: String,
    pub period_days: i64,
    pub extension_days: i64,
    pub phones: Vec<String>,
}

/// Matters still open whose period started before `accepted_before` (the candidates for the
/// end of the period; the caller applies the rule), with their parties' phones.
pub async fn accepted_before(db: &Db, accepted_before: i64) -> Result<Vec<Expiring>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, accepted_at, kind, period_days, extension_days FROM mediations \
         WHERE state IN ('inviting','mediating') AND accepted_at IS NOT NULL AND accepted_at < $1 \
         ORDER BY id LIMIT 500",
    )
    .bind(accepted_before)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id: i64 = r.try_get("id")?;
        let phones = sqlx::query("SELECT phone FROM mediation_parties WHERE mediation_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&db.pool)
            .await?
            .iter()
            .map(|p| p.try_get("phone"))
            .collect::<Result<_, _>>()?;
        out.push(Expiring {
            id,
            accepted_at: r.try_get("accepted_at")?,
            kind: r.try_get("kind")?,
            period_days: r.try_get("period_days")?,
            extension_days: r.try_get("extension_days")?,
            phones,
        });
    }
    Ok(out)
}

/// Staff figures (DOMAIN-2 §6): requests, agreements, ended without one, and the average
/// days from request to agreement, for matters requested in [from, to).
pub async fn figures(
    db: &Db,
    court_id: i64,
    from: i64,
    to: i64,
) -> Result<(i64, i64, i64, Option<f64>), sqlx::Error> {
    let r = sqlx::query(
        "SELECT COUNT(*) AS requested, \
           CAST(COALESCE(SUM(CASE WHEN state IN ('effective','issued','concluded') THEN 1 ELSE 0 END), 0) AS BIGINT) AS agreed, \
           CAST(COALESCE(SUM(CASE WHEN state = 'ended' THEN 1 ELSE 0 END), 0) AS BIGINT) AS failed, \
           CAST(AVG(CASE WHEN state IN ('effective','issued','concluded') THEN effective_at - requested_at END) AS DOUBLE PRECISION) AS avg_secs \
         FROM mediations WHERE court_id = $1 AND requested_at >= $2 AND requested_at < $3",
    )
    .bind(court_id)
    .bind(from)
    .bind(to)
    .fetch_one(&db.pool)
    .await?;
    let avg: Option<f64> = r.try_get("avg_secs")?;
    Ok((r.try_get("requested")?, r.try_get("agreed")?, r.try_get("failed")?, avg.map(|s| s / 86_400.0)))
}

/// A video session of a mediation (OMR art. 16).
#[derive(Clone, Debug)]
pub struct SessionRow {
    pub id: i64,
    pub starts_at: i64,
    pub link: String,
}

/// Schedules a session in a mediation still open, with its event. False when it is not open.
pub async fn schedule_session(
    db: &Db,
    id: i64,
    starts_at: i64,
    link: &str,
    by: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let open = sqlx::query(
        "UPDATE mediations SET version = version WHERE id = $1 AND state IN ('inviting','mediating')",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if open == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO mediation_sessions (mediation_id, starts_at, link, scheduled_by, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(starts_at)
    .bind(link)
    .bind(by)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    event(&mut tx, id, now, "session", Some(by), &starts_at.to_string()).await?;
    tx.commit().await?;
    Ok(true)
}

/// The sessions of a mediation that have not ended yet (started less than `late` seconds ago),
/// soonest first.
pub async fn sessions_from(db: &Db, id: i64, since: i64) -> Result<Vec<SessionRow>, sqlx::Error> {
    sqlx::query(
        "SELECT id, starts_at, link FROM mediation_sessions WHERE mediation_id = $1 AND starts_at >= $2 \
         ORDER BY starts_at, id",
    )
    .bind(id)
    .bind(since)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok(SessionRow { id: r.try_get("id")?, starts_at: r.try_get("starts_at")?, link: r.try_get("link")? })
    })
    .collect()
}
