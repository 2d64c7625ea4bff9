//! Users and their sessions / bearer tokens (stored by SHA-256 hash only).

use sqlx::{AnyConnection, FromRow};

#[derive(Debug, Clone, FromRow)]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub password_hash: String,
    pub display_name: String,
    pub role: String,
    pub org_unit_id: String,
    pub officer_id: Option<String>,
    pub active: i64,
    /// 1 when the user must choose a new password before doing anything else (migration 0008).
    pub must_change_password: i64,
    /// Optimistic-locking version of the account (migration 0008).
    pub version: i64,
}

macro_rules! user_cols {
    () => {
        "id, username, password_hash, display_name, role, org_unit_id, officer_id, active, must_change_password, version"
    };
}

pub async fn by_username(
    conn: &mut AnyConnection,
    username: &str,
) -> Result<Option<UserRow>, sqlx::Error> {
    super::fetch::one(
        conn,
        concat!("SELECT ", user_cols!(), " FROM users WHERE username = $1"),
        &[username],
    )
    .await
}

pub async fn by_id(conn: &mut AnyConnection, id: &str) -> Result<Option<UserRow>, sqlx::Error> {
    super::fetch::one(
        conn,
        concat!("SELECT ", user_cols!(), " FROM users WHERE id = $1"),
        &[id],
    )
    .await
}

pub async fn all(conn: &mut AnyConnection) -> Result<Vec<UserRow>, sqlx::Error> {
    super::fetch::all(
        conn,
        concat!("SELECT ", user_cols!(), " FROM users ORDER BY username"),
        &[],
    )
    .await
}

/// How many accounts exist at all (`fazhi init` runs only on a database without any).
pub async fn count(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(conn)
        .await
}

/// Active administrators other than `except` (the last one may not be disabled or demoted).
pub async fn count_other_active_admins(
    conn: &mut AnyConnection,
    except: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1 AND id <> $1",
    )
    .bind(except)
    .fetch_one(conn)
    .await
}

pub async fn insert(
    conn: &mut AnyConnection,
    u: &UserRow,
    created_at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO users (id, username, password_hash, display_name, role, org_unit_id, officer_id, active, must_change_password, version, created_at, updated_at, password_changed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $11)",
    )
    .bind(&u.id)
    .bind(&u.username)
    .bind(&u.password_hash)
    .bind(&u.display_name)
    .bind(&u.role)
    .bind(&u.org_unit_id)
    .bind(&u.officer_id)
    .bind(u.active)
    .bind(u.must_change_password)
    .bind(u.version)
    .bind(created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The fields an administrator edits.
pub struct UserEdit<'a> {
    pub display_name: &'a str,
    pub role: &'a str,
    pub org_unit_id: &'a str,
    pub officer_id: Option<&'a str>,
}

/// Edits the account if (and only if) it is still at `expected_version`; false otherwise.
pub async fn update(
    conn: &mut AnyConnection,
    id: &str,
    expected_version: i64,
    e: &UserEdit<'_>,
    now: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET display_name = $1, role = $2, org_unit_id = $3, officer_id = $4, version = version + 1, updated_at = $5 \
         WHERE id = $6 AND version = $7",
    )
    .bind(e.display_name)
    .bind(e.role)
    .bind(e.org_unit_id)
    .bind(e.officer_id)
    .bind(now)
    .bind(id)
    .bind(expected_version)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Sets a new password hash; `must_change` says whether the user must replace it at the
/// next login (an administrator's reset) or chose it (their own change).
pub async fn set_password(
    conn: &mut AnyConnection,
    id: &str,
    hash: &str,
    must_change: bool,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET password_hash = $1, must_change_password = $2, password_changed_at = $3, version = version + 1, updated_at = $3 WHERE id = $4",
    )
    .bind(hash)
    .bind(i64::from(must_change))
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_active(
    conn: &mut AnyConnection,
    id: &str,
    active: bool,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET active = $1, version = version + 1, updated_at = $2 WHERE id = $3",
    )
    .bind(i64::from(active))
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct SessionUserRow {
    pub kind: String,
    pub csrf_token: String,
    pub expires_at: String,
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub org_unit_id: String,
    pub officer_id: Option<String>,
    pub active: i64,
    pub must_change_password: i64,
}

pub async fn session_user(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<SessionUserRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.kind, s.csrf_token, s.expires_at, u.id, u.username, u.display_name, u.role, u.org_unit_id, u.officer_id, u.active, u.must_change_password \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await
}

/// One open session or bearer token, as listed to an administrator (never the token).
#[derive(Debug, Clone, FromRow)]
pub struct SessionRow {
    pub kind: String,
    pub name: Option<String>,
    pub created_at: String,
    pub expires_at: String,
}

/// The sessions and tokens of a user that have not expired at `now`, newest first.
pub async fn sessions_of(
    conn: &mut AnyConnection,
    user_id: &str,
    now: &str,
) -> Result<Vec<SessionRow>, sqlx::Error> {
    super::fetch::all(conn, "SELECT kind, name, created_at, expires_at FROM sessions WHERE user_id = $1 AND expires_at >= $2 ORDER BY created_at DESC", &[user_id, now]).await
}

#[expect(clippy::too_many_arguments, reason = "one column each")]
pub async fn insert_session(
    conn: &mut AnyConnection,
    token_hash: &str,
    user_id: &str,
    kind: &str,
    name: Option<&str>,
    csrf: &str,
    created_at: &str,
    expires_at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, kind, name, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(kind)
    .bind(name)
    .bind(csrf)
    .bind(created_at)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Ends one session or token; returns the owner and kind of what was deleted, if any.
pub async fn delete_session(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<(String, String)>, sqlx::Error> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT user_id, kind FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&mut *conn)
            .await?;
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(row)
}

/// Ends every session and token of a user except `keep` (a token hash); returns how many.
pub async fn delete_sessions_of(
    conn: &mut AnyConnection,
    user_id: &str,
    keep: Option<&str>,
) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(keep.unwrap_or(""))
            .execute(conn)
            .await?
            .rows_affected(),
    )
}

/// Deletes sessions and tokens that expired before `now`; returns how many.
pub async fn delete_expired_sessions(
    conn: &mut AnyConnection,
    now: &str,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected())
}

/// Failed-login counter of one key (`account:<name>` or `address:<ip>`).
#[derive(Debug, Clone, FromRow)]
pub struct ThrottleRow {
    pub failures: i64,
    pub last_failure_at: String,
    pub blocked_until: Option<String>,
}

pub async fn throttle(
    conn: &mut AnyConnection,
    key: &str,
) -> Result<Option<ThrottleRow>, sqlx::Error> {
    super::fetch::one(conn, "SELECT failures, last_failure_at, blocked_until FROM login_throttle WHERE throttle_key = $1", &[key]).await
}

pub async fn put_throttle(
    conn: &mut AnyConnection,
    key: &str,
    row: &ThrottleRow,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO login_throttle (throttle_key, failures, last_failure_at, blocked_until) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (throttle_key) DO UPDATE SET failures = $2, last_failure_at = $3, blocked_until = $4",
    )
    .bind(key)
    .bind(row.failures)
    .bind(&row.last_failure_at)
    .bind(&row.blocked_until)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn clear_throttle(conn: &mut AnyConnection, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_throttle WHERE throttle_key = $1")
        .bind(key)
        .execute(conn)
        .await?;
    Ok(())
}

/// Forgets counters whose last failure was before `before` and that block nothing now.
pub async fn purge_throttle(
    conn: &mut AnyConnection,
    before: &str,
    now: &str,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "DELETE FROM login_throttle WHERE last_failure_at < $1 AND (blocked_until IS NULL OR blocked_until < $2)",
    )
    .bind(before)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected())
}
