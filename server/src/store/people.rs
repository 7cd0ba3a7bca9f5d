//! Courts, users, sessions, sign-in codes and failed attempts.

use super::Db;
// Queries built with format! only join constant fragments (column lists); values are
// always bound, never interpolated.
use sqlx::{AssertSqlSafe, Row};

#[derive(Clone, Debug)]
pub struct UserRow {
    pub id: i64,
    pub phone: String,
    pub role: String,
    pub name: Option<String>,
    pub resident_id: Option<String>,
    pub court_id: Option<i64>,
    pub court_name_zh: Option<String>,
    pub court_name_en: Option<String>,
    pub password_hash: Option<String>,
}

const USER_COLUMNS: &str = "u.id, u.phone, u.role, u.name, u.resident_id, u.court_id, \
     c.name_zh AS court_name_zh, c.name_en AS court_name_en, u.password_hash";

fn user_row(r: &sqlx::any::AnyRow) -> Result<UserRow, sqlx::Error> {
    Ok(UserRow {
        id: r.try_get("id")?,
        phone: r.try_get("phone")?,
        role: r.try_get("role")?,
        name: r.try_get("name")?,
        resident_id: r.try_get("resident_id")?,
        court_id: r.try_get("court_id")?,
        court_name_zh: r.try_get("court_name_zh")?,
        court_name_en: r.try_get("court_name_en")?,
        password_hash: r.try_get("password_hash")?,
    })
}

pub async fn user_by_phone(db: &Db, phone: &str) -> Result<Option<UserRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM users u LEFT JOIN courts c ON c.id = u.court_id WHERE u.phone = $1"
    );
    sqlx::query(AssertSqlSafe(sql))
        .bind(phone)
        .fetch_optional(&db.pool)
        .await?
        .map(|r| user_row(&r))
        .transpose()
}

pub async fn user_by_id(db: &Db, id: i64) -> Result<Option<UserRow>, sqlx::Error> {
    let sql =
        format!("SELECT {USER_COLUMNS} FROM users u LEFT JOIN courts c ON c.id = u.court_id WHERE u.id = $1");
    sqlx::query(AssertSqlSafe(sql)).bind(id).fetch_optional(&db.pool).await?.map(|r| user_row(&r)).transpose()
}

/// Creates a litigant on first sign-in (or returns the existing person).
pub async fn ensure_litigant(db: &Db, phone: &str, now: i64) -> Result<UserRow, sqlx::Error> {
    sqlx::query(
        "INSERT INTO users (phone, role, created_at) VALUES ($1, 'litigant', $2) \
         ON CONFLICT (phone) DO NOTHING",
    )
    .bind(phone)
    .bind(now)
    .execute(&db.pool)
    .await?;
    user_by_phone(db, phone).await?.ok_or(sqlx::Error::RowNotFound)
}

pub struct NewUser<'a> {
    pub phone: &'a str,
    pub role: &'a str,
    pub name: Option<&'a str>,
    pub resident_id: Option<&'a str>,
    pub court_id: Option<i64>,
    pub password_hash: Option<&'a str>,
}

pub async fn insert_user(db: &Db, u: NewUser<'_>, now: i64) -> Result<i64, sqlx::Error> {
    // In a transaction, so a failed commit (a full disk) is an error, never a silent success:
    // sqlx drops the commit error of a lone statement with RETURNING.
    let mut tx = db.pool.begin().await?;
    let out = sqlx::query(
        "INSERT INTO users (phone, role, name, resident_id, court_id, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(u.phone)
    .bind(u.role)
    .bind(u.name)
    .bind(u.resident_id)
    .bind(u.court_id)
    .bind(u.password_hash)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    tx.commit().await?;
    Ok(out)
}

pub async fn set_profile(db: &Db, user_id: i64, name: &str, resident_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET name = $1, resident_id = $2 WHERE id = $3")
        .bind(name)
        .bind(resident_id)
        .bind(user_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn insert_court(db: &Db, code: &str, name_zh: &str, name_en: &str) -> Result<i64, sqlx::Error> {
    sqlx::query("INSERT INTO courts (code, name_zh, name_en) VALUES ($1, $2, $3) RETURNING id")
        .bind(code)
        .bind(name_zh)
        .bind(name_en)
        .fetch_one(&db.pool)
        .await?
        .try_get("id")
}

pub async fn court_id_by_code(db: &Db, code: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query("SELECT id FROM courts WHERE code = $1")
        .bind(code)
        .fetch_optional(&db.pool)
        .await?
        .map(|r| r.try_get("id"))
        .transpose()
}

// ---- sessions ---------------------------------------------------------------------------

pub async fn insert_session(
    db: &Db,
    token_hash: &str,
    user_id: i64,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $3, $4)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(now)
    .bind(expires_at)
    .execute(&db.pool)
    .await?;
    Ok(())
}

#[derive(Clone, Debug)]
pub struct SessionRow {
    pub user: UserRow,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

/// The session of a token hash, with its person. Read on every request (no cache: a sign-out
/// must end a session at once, in every server process); on SQLite in place on a read
/// connection, without sqlx's thread hop (`sqlite_read`).
pub async fn session(db: &Db, token_hash: &str) -> Result<Option<SessionRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {USER_COLUMNS}, s.last_seen_at, s.expires_at FROM sessions s \
         JOIN users u ON u.id = s.user_id LEFT JOIN courts c ON c.id = u.court_id \
         WHERE s.token_hash = $1"
    );
    if let Some(read) = &db.read {
        return read.read(|conn| {
            use super::sqlite_read::to_sqlx;
            let mut stmt = conn.prepare_cached(&sql).map_err(to_sqlx)?;
            let mut rows = stmt.query(rusqlite::named_params! { "$1": token_hash }).map_err(to_sqlx)?;
            let Some(r) = rows.next().map_err(to_sqlx)? else {
                return Ok(None);
            };
            let user = UserRow {
                id: r.get("id").map_err(to_sqlx)?,
                phone: r.get("phone").map_err(to_sqlx)?,
                role: r.get("role").map_err(to_sqlx)?,
                name: r.get("name").map_err(to_sqlx)?,
                resident_id: r.get("resident_id").map_err(to_sqlx)?,
                court_id: r.get("court_id").map_err(to_sqlx)?,
                court_name_zh: r.get("court_name_zh").map_err(to_sqlx)?,
                court_name_en: r.get("court_name_en").map_err(to_sqlx)?,
                password_hash: r.get("password_hash").map_err(to_sqlx)?,
            };
            Ok(Some(SessionRow {
                user,
                last_seen_at: r.get("last_seen_at").map_err(to_sqlx)?,
                expires_at: r.get("expires_at").map_err(to_sqlx)?,
            }))
        });
    }
    let Some(r) = sqlx::query(AssertSqlSafe(sql)).bind(token_hash).fetch_optional(&db.pool).await? else {
        return Ok(None);
    };
    Ok(Some(SessionRow {
        user: user_row(&r)?,
        last_seen_at: r.try_get("last_seen_at")?,
        expires_at: r.try_get("expires_at")?,
    }))
}

pub async fn touch_session(db: &Db, token_hash: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(now)
        .bind(token_hash)
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn delete_session(db: &Db, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&db.pool).await?;
    Ok(())
}

pub async fn delete_sessions_of(db: &Db, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&db.pool).await?;
    Ok(())
}

// ---- one-time codes ---------------------------------------------------------------------

pub struct NewCode<'a> {
    pub request_id: &'a str,
    pub phone: &'a str,
    pub purpose: &'a str,
    pub code_hash: &'a str,
    pub ip: &'a str,
    pub now: i64,
    pub expires_at: i64,
}

pub async fn insert_code(db: &Db, c: NewCode<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO otp_codes (request_id, phone, purpose, code_hash, ip, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(c.request_id)
    .bind(c.phone)
    .bind(c.purpose)
    .bind(c.code_hash)
    .bind(c.ip)
    .bind(c.now)
    .bind(c.expires_at)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Signing codes (`signing`), or sign-in codes, sent to a number since `since`, and the time
/// of the newest. Each kind has its own budget: signing an agreement and signing for a 调解书
/// must not be blocked by the day's sign-ins (nor the other way round).
pub async fn codes_sent_to(
    db: &Db,
    phone: &str,
    since: i64,
    signing: bool,
) -> Result<(i64, Option<i64>), sqlx::Error> {
    let sql = if signing {
        "SELECT COUNT(*) AS n, MAX(created_at) AS last FROM otp_codes \
         WHERE phone = $1 AND created_at >= $2 AND purpose = 'sign'"
    } else {
        "SELECT COUNT(*) AS n, MAX(created_at) AS last FROM otp_codes \
         WHERE phone = $1 AND created_at >= $2 AND purpose <> 'sign'"
    };
    let r = sqlx::query(sql).bind(phone).bind(since).fetch_one(&db.pool).await?;
    Ok((r.try_get("n")?, r.try_get("last")?))
}

/// When the newest signing code (`signing`), or the newest sign-in code, went to a number:
/// the two do not hold each other up (a person who just signed in may sign at once).
pub async fn last_code_sent(db: &Db, phone: &str, signing: bool) -> Result<Option<i64>, sqlx::Error> {
    let sql = if signing {
        "SELECT MAX(created_at) AS last FROM otp_codes WHERE phone = $1 AND purpose = 'sign'"
    } else {
        "SELECT MAX(created_at) AS last FROM otp_codes WHERE phone = $1 AND purpose <> 'sign'"
    };
    sqlx::query(sql).bind(phone).fetch_one(&db.pool).await?.try_get("last")
}

/// Sign-in codes asked for from an address since `since` (signing codes are not: only a
/// signed-in person asks for one, for their own phone).
pub async fn codes_sent_from(db: &Db, ip: &str, since: i64) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "SELECT COUNT(*) AS n FROM otp_codes WHERE ip = $1 AND created_at >= $2 AND purpose <> 'sign'",
    )
    .bind(ip)
    .bind(since)
    .fetch_one(&db.pool)
    .await?
    .try_get("n")
}

pub struct CodeRow {
    pub phone: String,
    pub purpose: String,
    pub code_hash: String,
    pub expires_at: i64,
    pub attempts: i64,
    pub consumed_at: Option<i64>,
}

pub async fn code(db: &Db, request_id: &str) -> Result<Option<CodeRow>, sqlx::Error> {
    let Some(r) = sqlx::query(
        "SELECT phone, purpose, code_hash, expires_at, attempts, consumed_at FROM otp_codes WHERE request_id = $1",
    )
    .bind(request_id)
    .fetch_optional(&db.pool)
    .await?
    else {
        return Ok(None);
    };
    Ok(Some(CodeRow {
        phone: r.try_get("phone")?,
        purpose: r.try_get("purpose")?,
        code_hash: r.try_get("code_hash")?,
        expires_at: r.try_get("expires_at")?,
        attempts: r.try_get("attempts")?,
        consumed_at: r.try_get("consumed_at")?,
    }))
}

/// Counts one wrong try; returns the tries so far.
/// Counts one try at a code *before* it is compared, in one conditional statement: only a
/// code that is unused, unexpired and below `max` tries is counted, so however many guesses
/// arrive at once, at most `max` are ever compared. Returns the try's number, or None when the
/// code may not be tried (used, expired, void, or not this number's).
pub async fn claim_code_attempt(
    db: &Db,
    request_id: &str,
    phone: &str,
    max: i64,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    // In a transaction, so a failed commit (a full disk) is an error, never a silent success:
    // sqlx drops the commit error of a lone statement with RETURNING.
    let mut tx = db.pool.begin().await?;
    let row = sqlx::query(
        "UPDATE otp_codes SET attempts = attempts + 1 \
         WHERE request_id = $1 AND phone = $2 AND consumed_at IS NULL AND expires_at > $3 AND attempts < $4 \
         RETURNING attempts",
    )
    .bind(request_id)
    .bind(phone)
    .bind(now)
    .bind(max)
    .fetch_optional(&mut *tx)
    .await?;
    let out = row.map(|r| r.try_get("attempts")).transpose()?;
    tx.commit().await?;
    Ok(out)
}

/// Marks the code used. Returns false if it was already used (a replay or a double tap
/// racing this one): exactly one caller wins.
pub async fn consume_code(db: &Db, request_id: &str, now: i64) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE otp_codes SET consumed_at = $1 WHERE request_id = $2 AND consumed_at IS NULL")
            .bind(now)
            .bind(request_id)
            .execute(&db.pool)
            .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn record_failure(
    db: &Db,
    ip: &str,
    phone: Option<&str>,
    kind: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    // In a transaction, so a failed commit (a full disk) is an error, never a silent success:
    // sqlx drops the commit error of a lone statement with RETURNING.
    let mut tx = db.pool.begin().await?;
    let out =
        sqlx::query("INSERT INTO auth_failures (ip, phone, kind, at) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(ip)
            .bind(phone)
            .bind(kind)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?
            .try_get("id")?;
    tx.commit().await?;
    Ok(out)
}

/// Takes back a try recorded before it was judged (`record_failure` first, then count): it
/// turned out right.
pub async fn forget_failure(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM auth_failures WHERE id = $1").bind(id).execute(&db.pool).await?;
    Ok(())
}

pub async fn failures_from(db: &Db, ip: &str, kind: &str, since: i64) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM auth_failures WHERE ip = $1 AND kind = $2 AND at >= $3")
        .bind(ip)
        .bind(kind)
        .bind(since)
        .fetch_one(&db.pool)
        .await?
        .try_get("n")
}

/// Failures for one number from one address: a lock that only the guesser's own address
/// meets (anyone else's wrong passwords cannot lock a judge out).
pub async fn failures_for_phone_from(
    db: &Db,
    phone: &str,
    ip: &str,
    kind: &str,
    since: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "SELECT COUNT(*) AS n FROM auth_failures WHERE phone = $1 AND ip = $2 AND kind = $3 AND at >= $4",
    )
    .bind(phone)
    .bind(ip)
    .bind(kind)
    .bind(since)
    .fetch_one(&db.pool)
    .await?
    .try_get("n")
}

pub async fn failures_for_phone(db: &Db, phone: &str, kind: &str, since: i64) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM auth_failures WHERE phone = $1 AND kind = $2 AND at >= $3")
        .bind(phone)
        .bind(kind)
        .bind(since)
        .fetch_one(&db.pool)
        .await?
        .try_get("n")
}
