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
}

macro_rules! user_cols {
    () => {
        "id, username, password_hash, display_name, role, org_unit_id, officer_id, active"
    };
}

pub async fn by_username(
    conn: &mut AnyConnection,
    username: &str,
) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as(concat!(
        "SELECT ",
        user_cols!(),
        " FROM users WHERE username = $1"
    ))
    .bind(username)
    .fetch_optional(conn)
    .await
}

pub async fn all(conn: &mut AnyConnection) -> Result<Vec<UserRow>, sqlx::Error> {
    sqlx::query_as(concat!(
        "SELECT ",
        user_cols!(),
        " FROM users ORDER BY username"
    ))
    .fetch_all(conn)
    .await
}

pub async fn insert(
    conn: &mut AnyConnection,
    u: &UserRow,
    created_at: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO users (id, username, password_hash, display_name, role, org_unit_id, officer_id, active, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&u.id)
    .bind(&u.username)
    .bind(&u.password_hash)
    .bind(&u.display_name)
    .bind(&u.role)
    .bind(&u.org_unit_id)
    .bind(&u.officer_id)
    .bind(u.active)
    .bind(created_at)
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
}

pub async fn session_user(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<SessionUserRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.kind, s.csrf_token, s.expires_at, u.id, u.username, u.display_name, u.role, u.org_unit_id, u.officer_id, u.active \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await
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

pub async fn delete_session(conn: &mut AnyConnection, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
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
