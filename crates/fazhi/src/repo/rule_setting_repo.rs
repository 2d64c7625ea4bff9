//! The bureau's stored rule settings (`rule_settings`, migration 0013): one row per
//! `RulesConfig` key the bureau changed, its value as JSON text, and the sum of the rows'
//! versions that tells servers when to rebuild the rules they hold.

use sqlx::{AnyConnection, Row};

/// One stored setting.
#[derive(Debug, Clone)]
pub struct SettingRow {
    pub key: String,
    /// The value as JSON text (`7`, `"5000"`, `true`, `"working_days"`).
    pub value: String,
    pub reason: String,
    pub changed_by: String,
    pub changed_at: String,
    pub version: i64,
}

/// The sum of every row's version (0 when nothing is stored): it grows with every change,
/// since rows are never deleted and each change raises one row's version.
pub async fn generation(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    // SUM over BIGINT is NUMERIC on PostgreSQL: cast back so both backends answer an integer.
    let row =
        sqlx::query("SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) AS g FROM rule_settings")
            .fetch_one(conn)
            .await?;
    row.try_get("g")
}

/// Every stored setting, by key.
pub async fn all(conn: &mut AnyConnection) -> Result<Vec<SettingRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT key, value, reason, changed_by, changed_at, version \
         FROM rule_settings ORDER BY key",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(SettingRow {
                key: r.try_get("key")?,
                value: r.try_get("value")?,
                reason: r.try_get("reason")?,
                changed_by: r.try_get("changed_by")?,
                changed_at: r.try_get("changed_at")?,
                version: r.try_get("version")?,
            })
        })
        .collect()
}

/// Stores `value` for `key` if its version is still `expected` (0: never stored); returns
/// the new version, or `None` when another change came first.
pub async fn put(
    conn: &mut AnyConnection,
    key: &str,
    value: &str,
    reason: &str,
    changed_by: &str,
    now: &str,
    expected: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let done = if expected == 0 {
        sqlx::query(
            "INSERT INTO rule_settings (key, value, reason, changed_by, changed_at, version) \
             VALUES ($1, $2, $3, $4, $5, 1) ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(value)
        .bind(reason)
        .bind(changed_by)
        .bind(now)
        .execute(conn)
        .await?
    } else {
        sqlx::query(
            "UPDATE rule_settings SET value = $1, reason = $2, changed_by = $3, changed_at = $4, \
             version = version + 1 WHERE key = $5 AND version = $6",
        )
        .bind(value)
        .bind(reason)
        .bind(changed_by)
        .bind(now)
        .bind(key)
        .bind(expected)
        .execute(conn)
        .await?
    };
    Ok((done.rows_affected() == 1).then_some(expected + 1))
}
