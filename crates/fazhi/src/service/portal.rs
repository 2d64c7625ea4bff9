//! The citizens' phone portal (小程序 channel, pages in `web/portal/`): what it needs beyond
//! the complaint services, which it calls for every rule (filing, rating, reopening).
//!
//! - **One-time submission ids.** The complaint form carries a submission id; the first POST
//!   claims it in `portal_submissions` (migration 0006, primary key — a concurrent double tap
//!   cannot claim it twice) and records the complaint it filed, so a repeated POST answers the
//!   same tracking page instead of filing a second complaint.
//! - **The form stamp.** The submission id and the time the form was shown, signed with
//!   HMAC-SHA-256 under a key kept in `portal_secrets`: the anti-spam minimum fill time cannot
//!   be forged and a script cannot invent submission ids.
//! - **Photos.** `service::upload::public_photo`: decoded (size- and pixel-limited), turned
//!   upright, shrunk and re-encoded as JPEG, which also drops every metadata block (EXIF,
//!   GPS position, camera serial) before the file reaches the evidence store.
//! - **Progress by tracking code.** The public view of the complaint, the stage, and the
//!   reporter's contact masked; never anything else of the reporter.

use super::complaint::{self, PublicRequest};
use super::complaint_workflow::Stage;
use super::{AppState, ServiceError, ServiceResult};
use crate::infra::clock::to_db_time;
use crate::infra::secret::random_token;
use crate::repo::{complaint_repo, portal_repo};
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

/// Most photos one complaint may carry through the portal.
pub const MAX_PHOTOS: usize = 3;
/// Largest photo accepted, before resizing.
pub const MAX_PHOTO_BYTES: usize = super::upload::MAX_FILE_BYTES;
/// A form older than this must be reloaded.
pub const FORM_MAX_AGE_HOURS: i64 = 72;

// ---- the form stamp -----------------------------------------------------------------------

/// HMAC-SHA-256 (RFC 2104) of `message` under `key`, hex.
pub fn hmac_hex(key: &[u8], message: &[u8]) -> String {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(block.map(|b| b ^ 0x36));
    inner.update(message);
    let mut outer = Sha256::new();
    outer.update(block.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    hex::encode(outer.finalize())
}

fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A checked form stamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub submission_id: String,
    pub issued: DateTime<Utc>,
    /// The stamp as sent (kept in a re-shown form).
    pub raw: String,
}

/// Why a stamp is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StampProblem {
    /// Missing, altered or not ours.
    Invalid,
    /// Sent sooner than the minimum fill time after the form was shown.
    TooFast,
    /// Older than [`FORM_MAX_AGE_HOURS`].
    Expired,
}

/// A new stamp for a form shown at `now`: `submission-id.unix-seconds.signature`.
pub fn issue_stamp(key: &[u8], now: DateTime<Utc>) -> String {
    let payload = format!("{}.{}", uuid::Uuid::now_v7(), now.timestamp());
    let sig = hmac_hex(key, payload.as_bytes());
    format!("{payload}.{sig}")
}

/// Checks a stamp sent back at `now`.
pub fn check_stamp(
    key: &[u8],
    raw: &str,
    now: DateTime<Utc>,
    min_fill_seconds: i64,
) -> Result<Stamp, StampProblem> {
    let raw = raw.trim();
    let mut parts = raw.splitn(3, '.');
    let (Some(id), Some(secs), Some(sig)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(StampProblem::Invalid);
    };
    if uuid::Uuid::parse_str(id).is_err()
        || !same(&hmac_hex(key, format!("{id}.{secs}").as_bytes()), sig)
    {
        return Err(StampProblem::Invalid);
    }
    let issued = secs
        .parse::<i64>()
        .ok()
        .and_then(|s| DateTime::from_timestamp(s, 0))
        .ok_or(StampProblem::Invalid)?;
    let age = now - issued;
    if age < Duration::seconds(min_fill_seconds.max(0)) {
        return Err(StampProblem::TooFast);
    }
    if age > Duration::hours(FORM_MAX_AGE_HOURS) {
        return Err(StampProblem::Expired);
    }
    Ok(Stamp {
        submission_id: id.to_string(),
        issued,
        raw: raw.to_string(),
    })
}

/// The key that signs form stamps: made on first use, shared by every server on the database.
pub async fn form_key(state: &AppState) -> ServiceResult<Vec<u8>> {
    const NAME: &str = "form_key";
    let mut conn = state.db.pool.acquire().await?;
    let mut found = portal_repo::secret(&mut conn, NAME).await?;
    drop(conn);
    if found.is_none() {
        let fresh = random_token()?;
        let mut tx = state.db.begin_write().await?;
        portal_repo::insert_secret_if_absent(
            &mut tx,
            NAME,
            fresh.expose(),
            &to_db_time(state.clock.now()),
        )
        .await?;
        found = portal_repo::secret(&mut tx, NAME).await?;
        tx.commit().await?;
    }
    let value = found.ok_or_else(|| anyhow::anyhow!("portal form key missing"))?;
    Ok(hex::decode(value).map_err(anyhow::Error::from)?)
}

// ---- one-time submission ids ----------------------------------------------------------------

/// What a submission id stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// Claimed now: this request files the complaint.
    New,
    /// Already filed: the complaint's tracking token.
    Filed { token: String },
    /// Another request holding the same id is still filing.
    Pending,
}

/// Claims a submission id, or says what became of it.
pub async fn claim(state: &AppState, submission_id: &str) -> ServiceResult<Claim> {
    let mut tx = state.db.begin_write().await?;
    if portal_repo::claim_submission(&mut tx, submission_id, &to_db_time(state.clock.now())).await?
    {
        tx.commit().await?;
        return Ok(Claim::New);
    }
    let filed = portal_repo::submission(&mut tx, submission_id).await?;
    tx.commit().await?;
    let Some(Some(srid)) = filed else {
        return Ok(Claim::Pending);
    };
    let mut conn = state.db.pool.acquire().await?;
    match complaint_repo::by_request_id(&mut conn, &srid).await? {
        Some(row) => Ok(Claim::Filed { token: row.token }),
        None => Err(ServiceError::Internal(anyhow::anyhow!(
            "portal submission {submission_id} names a missing complaint {srid}"
        ))),
    }
}

/// Records the complaint a claimed submission filed.
pub async fn complete(
    state: &AppState,
    submission_id: &str,
    service_request_id: &str,
) -> ServiceResult<()> {
    let mut tx = state.db.begin_write().await?;
    portal_repo::complete_submission(&mut tx, submission_id, service_request_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Gives a claimed submission id back after the filing failed (the citizen corrects the form
/// and sends it again with the same id).
pub async fn release(state: &AppState, submission_id: &str) -> ServiceResult<()> {
    let mut tx = state.db.begin_write().await?;
    portal_repo::release_submission(&mut tx, submission_id).await?;
    tx.commit().await?;
    Ok(())
}

// ---- progress by tracking code --------------------------------------------------------------

/// A tracking code as typed (spaces, dashes and capitals allowed) in its stored form, or
/// `None` when it cannot be one.
pub fn normalise_code(code: &str) -> Option<String> {
    let c: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_ascii_lowercase();
    (c.len() == 32 && c.chars().all(|ch| ch.is_ascii_hexdigit())).then_some(c)
}

/// What the citizen sees with the tracking code.
#[derive(Debug)]
pub struct Progress {
    pub public: PublicRequest,
    pub stage: Option<Stage>,
    /// `张** · 138****5678`, or `None` for an anonymous report.
    pub reporter: Option<String>,
    pub photo_count: usize,
    /// The answer may be rated now.
    pub can_rate: bool,
    /// The complaint may be reopened now, until this time.
    pub reopen_until: Option<DateTime<Utc>>,
    /// The rating given: 满意 / 基本满意 / 不满意.
    pub rating: Option<&'static str>,
}

/// The progress of the complaint behind a tracking code (`NotFound` for an unknown code).
pub async fn progress(state: &AppState, code: &str) -> ServiceResult<Progress> {
    let token = normalise_code(code).ok_or(ServiceError::NotFound { what: "查询码" })?;
    let mut conn = state.db.pool.acquire().await?;
    let row = complaint_repo::by_token(&mut conn, &token)
        .await?
        .ok_or(ServiceError::NotFound { what: "查询码" })?;
    drop(conn);
    let public = complaint::get_public(state, &row.service_request_id, true).await?;
    let stage = Stage::parse(&row.stage);
    let name = complaint::mask_name(&[
        row.reporter_last_name.as_deref(),
        row.reporter_first_name.as_deref(),
    ]);
    let contact: Vec<String> = [
        name,
        row.reporter_phone.as_deref().map(complaint::mask_phone),
        row.reporter_email.as_deref().map(complaint::mask_email),
    ]
    .into_iter()
    .flatten()
    .collect();
    let reopen_until = match (stage, row.final_state.as_deref(), row.closed_at.as_deref()) {
        (Some(s), Some("resolved" | "not_resolved"), Some(closed)) if s.reopen().is_ok() => {
            DateTime::parse_from_rfc3339(closed)
                .ok()
                .map(|c| {
                    c.with_timezone(&Utc)
                        + Duration::days(state.settings.complaint_reopen_window_days)
                })
                .filter(|until| *until >= state.clock.now())
        }
        _ => None,
    };
    Ok(Progress {
        photo_count: public.media.len(),
        can_rate: stage.is_some_and(|s| s.rate().is_ok()),
        reopen_until,
        rating: match row.rating.as_deref() {
            Some("satisfied") => Some("满意"),
            Some("basically_satisfied") => Some("基本满意"),
            Some("dissatisfied") => Some("不满意"),
            _ => None,
        },
        reporter: (!contact.is_empty()).then(|| contact.join(" · ")),
        stage,
        public,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // RFC 4231 test case 2.
        assert_eq!(
            hmac_hex(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn stamps_are_signed_and_timed() {
        let key = b"0123456789abcdef";
        let t0 = DateTime::from_timestamp(1_780_000_000, 0).unwrap_or_default();
        let raw = issue_stamp(key, t0);
        assert_eq!(check_stamp(key, &raw, t0, 3), Err(StampProblem::TooFast));
        let ok = check_stamp(key, &raw, t0 + Duration::seconds(5), 3).expect("valid stamp");
        assert_eq!(ok.issued, t0);
        assert_eq!(
            check_stamp(b"another key", &raw, t0 + Duration::seconds(5), 3),
            Err(StampProblem::Invalid)
        );
        let forged = raw.replacen(&t0.timestamp().to_string(), "1779999000", 1);
        assert_eq!(
            check_stamp(key, &forged, t0 + Duration::seconds(5), 3),
            Err(StampProblem::Invalid)
        );
        assert_eq!(
            check_stamp(key, &raw, t0 + Duration::days(4), 3),
            Err(StampProblem::Expired)
        );
        assert_eq!(check_stamp(key, "", t0, 0), Err(StampProblem::Invalid));
    }

    #[test]
    fn tracking_codes_are_normalised() {
        let code = "0123456789abcdef0123456789ABCDEF";
        assert_eq!(
            normalise_code("0123 4567-89ab cdef 0123 4567 89AB CDEF").as_deref(),
            Some(code.to_ascii_lowercase().as_str())
        );
        assert_eq!(normalise_code("12345"), None);
        assert_eq!(normalise_code("../../etc/passwd"), None);
    }
}
