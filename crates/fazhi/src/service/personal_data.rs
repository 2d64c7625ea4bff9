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
use crate::repo::{complaint_repo, personal_data_repo};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

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
    let rows: Vec<(&str, &str)> = salts.iter().map(|(id, s)| (*id, s.0.as_str())).collect();
    personal_data_repo::insert_salts(conn, entity, &rows).await
}

/// The salt of a record; a record stored before salts existed, or whose personal data was
/// erased, gets a new one now.
pub async fn salt_of(
    conn: &mut AnyConnection,
    entity: &str,
    entity_id: &str,
) -> ServiceResult<Salt> {
    if let Some(s) = personal_data_repo::salt(conn, entity, entity_id).await? {
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
    Ok(complaint_repo::count_erasable(&mut conn, &to_db_time(cutoff(state))).await?)
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
        let ids = complaint_repo::erasable_ids(&mut tx, &before, ERASE_BATCH).await?;
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
    let row = complaint_repo::by_id(conn, id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("complaint {id} to erase is missing"))?;
    let masked = |t: Option<String>| t.map(|t| mask_personal_text(&t).into_owned());
    let (reply, final_reason) = (masked(row.reply), masked(row.final_reason));
    complaint_repo::erase_personal_fields(
        conn,
        id,
        (reply.as_deref(), final_reason.as_deref()),
        now,
    )
    .await?;
    // What the citizen wrote goes; what staff wrote stays, with numbers masked.
    complaint_repo::clear_citizen_note_texts(conn, id).await?;
    for n in complaint_repo::notes_of(conn, id).await? {
        let Some(text) = n.description else {
            continue;
        };
        let masked = mask_personal_text(&text);
        if masked != text {
            complaint_repo::set_note_description(conn, id, n.seq, &masked).await?;
        }
    }
    let files: Vec<String> = complaint_repo::media_of(conn, &[id])
        .await?
        .into_iter()
        .map(|m| m.sha256)
        .collect();
    complaint_repo::delete_media_of(conn, id).await?;
    personal_data_repo::delete_salt(conn, "complaint", id).await?;
    Ok(files)
}

/// Deletes stored files no record refers to any more; returns how many.
async fn delete_unreferenced_files(state: &AppState, shas: &[String]) -> ServiceResult<usize> {
    let mut deleted = 0;
    let mut conn = state.db.pool.acquire().await?;
    for sha in shas {
        let used = personal_data_repo::file_references(&mut conn, sha).await?;
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
