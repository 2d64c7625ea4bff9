//! Personal data and the audit trail (issue 11 §1): audit entries hold salted digests of
//! personal fields, never the text, and a complaint's personal data is erased after its
//! retention period without touching the chain.
//!
//! - Every record that holds personal data (a complaint, a case) gets a random salt in
//!   `personal_data_salts`, written in the same transaction as the record. An audit entry
//!   carries `"personal": {"field": digest, …}` where a digest is the first 128 bits of
//!   SHA-256 over the salt, the field name and the value: it proves what was written
//!   (recompute it from the record) without saying it.
//! - [`erase_expired`] empties the personal fields of complaints closed longer ago than
//!   `complaint_retention_days`, masks numbers left in staff texts, deletes the citizen's
//!   uploaded files and the salt. The audit entries are not touched (the database refuses
//!   that anyway), so the chain and its checkpoints still verify; the digests left in them
//!   can no longer be tested against guesses because the salt is gone.

use super::audit::{Actor, AuditEvent, append_many};
use super::auth::CurrentUser;
use super::masking::mask_personal_text;
use super::permissions::Action;
use super::{AppState, ServiceResult};
use crate::infra::clock::to_db_time;
use crate::repo::multi_row::{chunk_sizes, values_rows};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};

/// A record's salt (16 random bytes, hex).
#[derive(Clone, PartialEq, Eq)]
pub struct Salt(String);

impl std::fmt::Debug for Salt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Salt([REDACTED])")
    }
}

impl Salt {
    /// A fresh random salt.
    pub fn new() -> anyhow::Result<Self> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("random source failed: {e}"))?;
        Ok(Self(hex::encode(bytes)))
    }

    /// The digest of one personal field: 32 hex digits.
    pub fn digest(&self, field: &str, value: &str) -> String {
        let mut h = Sha256::new();
        h.update(self.0.as_bytes());
        h.update([0]);
        h.update(field.as_bytes());
        h.update([0]);
        h.update(value.as_bytes());
        hex::encode(&h.finalize()[..16])
    }

    /// The `personal` object of an audit entry: a digest for every field present.
    pub fn digests(&self, fields: &[(&str, Option<&str>)]) -> serde_json::Value {
        let mut map = serde_json::Map::new();
        for (name, value) in fields {
            if let Some(v) = value.filter(|v| !v.is_empty()) {
                map.insert(
                    (*name).to_string(),
                    serde_json::Value::String(self.digest(name, v)),
                );
            }
        }
        serde_json::Value::Object(map)
    }
}

/// Moves the free-text fields `keys` of an audit entry's detail object into its `personal`
/// object as digests (other values stay as they are).
pub fn digest_texts(salt: &Salt, detail: serde_json::Value, keys: &[&str]) -> serde_json::Value {
    let serde_json::Value::Object(mut map) = detail else {
        return detail;
    };
    let mut personal = serde_json::Map::new();
    for key in keys {
        if let Some(value) = map.remove(*key) {
            if let Some(text) = value.as_str().filter(|t| !t.is_empty()) {
                personal.insert(
                    (*key).to_string(),
                    serde_json::Value::String(salt.digest(key, text)),
                );
            } else if !value.is_null() {
                map.insert((*key).to_string(), value);
            }
        }
    }
    if !personal.is_empty() {
        map.insert("personal".into(), serde_json::Value::Object(personal));
    }
    serde_json::Value::Object(map)
}

/// Stores the salts of new records (`entity` is `complaint` or `case`).
pub async fn insert_salts(
    conn: &mut AnyConnection,
    entity: &str,
    salts: &[(&str, &Salt)],
) -> Result<(), sqlx::Error> {
    let mut rest = salts;
    for size in chunk_sizes(salts.len(), 3) {
        let (chunk, tail) = rest.split_at(size);
        rest = tail;
        let sql = format!(
            "INSERT INTO personal_data_salts (entity, entity_id, salt) VALUES {}",
            values_rows(conn, size, 3)
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (id, salt) in chunk {
            q = q.bind(entity).bind(*id).bind(&salt.0);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The salt of a record; a record stored before salts existed, or whose personal data was
/// erased, gets a new one now.
pub async fn salt_of(
    conn: &mut AnyConnection,
    entity: &str,
    entity_id: &str,
) -> ServiceResult<Salt> {
    let found: Option<String> = sqlx::query_scalar(
        "SELECT salt FROM personal_data_salts WHERE entity = $1 AND entity_id = $2",
    )
    .bind(entity)
    .bind(entity_id)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(s) = found {
        return Ok(Salt(s));
    }
    let salt = Salt::new()?;
    insert_salts(conn, entity, &[(entity_id, &salt)]).await?;
    Ok(salt)
}

// ---- erasure after the retention period ---------------------------------------------------

/// Complaints erased per transaction.
const ERASE_BATCH: i64 = 200;

/// The result of an erasure run.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Erasure {
    /// Complaints whose personal data was erased now.
    pub complaints: usize,
    /// Uploaded files deleted from disk.
    pub files: usize,
    /// Closed before this time (UTC) and therefore past the retention period.
    pub closed_before: String,
}

/// The closing time before which a complaint's personal data is past retention.
fn cutoff(state: &AppState) -> DateTime<Utc> {
    state.clock.now() - Duration::days(state.settings.complaint_retention_days)
}

/// How many closed complaints are past their retention period and not yet erased.
pub async fn expired_count(state: &AppState, actor: &CurrentUser) -> ServiceResult<i64> {
    actor.require(Action::ErasePersonalData)?;
    let mut conn = state.db.pool.acquire().await?;
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM complaints WHERE state = 'closed' AND closed_at < $1 \
         AND personal_data_erased_at IS NULL",
    )
    .bind(to_db_time(cutoff(state)))
    .fetch_one(&mut *conn)
    .await?)
}

/// Erases the personal data of every closed complaint past its retention period (the admin's
/// page; `actor` `None`: the command line, audited as `system`). Per complaint: the reporter's
/// name, phone, e-mail, device and account ids, the description, the free-text answers, the
/// media URL, the citizen's uploaded files and texts (rating comment, reopening reasons) are
/// removed; numbers left in staff texts (reply, notes) are masked; the salt of its audit
/// digests is deleted. Times, states, category, place and rating stay for statistics.
pub async fn erase_expired(
    state: &AppState,
    actor: Option<&CurrentUser>,
) -> ServiceResult<Erasure> {
    if let Some(a) = actor {
        a.require(Action::ErasePersonalData)?;
    }
    let who = Actor(actor.map_or_else(|| "system".to_string(), |a| a.id.clone()));
    let before = to_db_time(cutoff(state));
    let mut result = Erasure {
        closed_before: before.clone(),
        ..Erasure::default()
    };
    let mut files: Vec<String> = Vec::new();
    loop {
        let now = state.clock.now();
        let mut tx = state.db.begin_write().await?;
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM complaints WHERE state = 'closed' AND closed_at < $1 \
             AND personal_data_erased_at IS NULL ORDER BY closed_at, id LIMIT $2",
        )
        .bind(&before)
        .bind(ERASE_BATCH)
        .fetch_all(&mut *tx)
        .await?;
        if ids.is_empty() {
            break;
        }
        for id in &ids {
            files.extend(erase_one(&mut tx, id, &to_db_time(now)).await?);
        }
        let entries: Vec<_> = ids
            .iter()
            .map(|id| {
                (
                    &who,
                    now,
                    AuditEvent {
                        action: "complaint.erase_personal_data",
                        entity: "complaint",
                        entity_id: id,
                        content: serde_json::json!({
                            "retention_days": state.settings.complaint_retention_days,
                            "closed_before": before,
                        }),
                    },
                )
            })
            .collect();
        append_many(&mut tx, &entries).await?;
        tx.commit().await?;
        result.complaints += ids.len();
    }
    files.sort();
    files.dedup();
    result.files = delete_unreferenced_files(state, &files).await?;
    Ok(result)
}

/// Erases one complaint inside the transaction; returns the SHA-256 names of its uploads.
async fn erase_one(conn: &mut AnyConnection, id: &str, now: &str) -> ServiceResult<Vec<String>> {
    let row = sqlx::query("SELECT reply, final_reason FROM complaints WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    let reply: Option<String> = row.try_get("reply")?;
    let final_reason: Option<String> = row.try_get("final_reason")?;
    sqlx::query(
        "UPDATE complaints SET description = NULL, reporter_first_name = NULL, \
         reporter_last_name = NULL, reporter_phone = NULL, reporter_email = NULL, \
         reporter_device_id = NULL, reporter_account_id = NULL, media_url = NULL, \
         attributes = '{}', reply = $1, final_reason = $2, personal_data_erased_at = $3, \
         version = version + 1 WHERE id = $4",
    )
    .bind(reply.as_deref().map(|t| mask_personal_text(t).into_owned()))
    .bind(
        final_reason
            .as_deref()
            .map(|t| mask_personal_text(t).into_owned()),
    )
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    // What the citizen wrote goes; what staff wrote stays, with numbers masked.
    sqlx::query(
        "UPDATE complaint_notes SET description = NULL WHERE complaint_id = $1 \
         AND note_type IN ('submitted', 'rated', 'reopened')",
    )
    .bind(id)
    .execute(&mut *conn)
    .await?;
    let notes = sqlx::query(
        "SELECT seq, description FROM complaint_notes WHERE complaint_id = $1 AND description IS NOT NULL",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    for n in notes {
        let text: String = n.try_get("description")?;
        let masked = mask_personal_text(&text);
        if masked != text {
            sqlx::query(
                "UPDATE complaint_notes SET description = $1 WHERE complaint_id = $2 AND seq = $3",
            )
            .bind(masked.as_ref())
            .bind(id)
            .bind(n.try_get::<i64, _>("seq")?)
            .execute(&mut *conn)
            .await?;
        }
    }
    let files: Vec<String> =
        sqlx::query_scalar("SELECT sha256 FROM complaint_media WHERE complaint_id = $1")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    sqlx::query("DELETE FROM complaint_media WHERE complaint_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM personal_data_salts WHERE entity = 'complaint' AND entity_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(files)
}

/// Deletes stored files no record refers to any more; returns how many.
async fn delete_unreferenced_files(state: &AppState, shas: &[String]) -> ServiceResult<usize> {
    let mut deleted = 0;
    let mut conn = state.db.pool.acquire().await?;
    for sha in shas {
        let used: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM complaint_media WHERE sha256 = $1) \
             + (SELECT COUNT(*) FROM complaint_photos WHERE sha256 = $1) \
             + (SELECT COUNT(*) FROM evidence_files WHERE sha256 = $1) \
             + (SELECT COUNT(*) FROM documents WHERE sha256 = $1)",
        )
        .bind(sha)
        .fetch_one(&mut *conn)
        .await?;
        if used == 0
            && crate::infra::blob_store::is_key(sha)
            && state
                .blobs()
                .delete(crate::infra::blob_store::BlobKey::evidence(sha))
                .await
                .map_err(anyhow::Error::from)?
        {
            deleted += 1;
        }
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_depend_on_salt_field_and_value_and_hide_the_value() {
        let a = Salt("00".repeat(16));
        let b = Salt("11".repeat(16));
        let d = a.digest("phone", "13812345678");
        assert_eq!(d.len(), 32);
        assert_ne!(d, b.digest("phone", "13812345678"));
        assert_ne!(d, a.digest("email", "13812345678"));
        assert_ne!(d, a.digest("phone", "13812345679"));
        assert!(!d.contains("13812345678"));
        let obj = a.digests(&[
            ("phone", Some("13812345678")),
            ("email", None),
            ("name", Some("")),
        ]);
        assert_eq!(obj.as_object().map(|o| o.len()), Some(1));
        assert_eq!(format!("{a:?}"), "Salt([REDACTED])");
    }
}
