//! Open311 接入密钥 in the back office: listing the client keys and revoking one, each
//! administrators only (`Action::ManageOpen311Keys`), the revocation with its audit entry in
//! the same transaction. Issuing a key (shown once, only its SHA-256 stored) is
//! `service::complaint::create_key`, shared with the command line and the demo.

use super::audit::{Actor, AuditEvent, append};
use super::auth::CurrentUser;
use super::permissions::Action;
use super::{AppState, ServiceError, ServiceResult};
use crate::infra::clock::to_db_time;
use crate::repo::open311_key_repo;
pub use crate::repo::open311_key_repo::KeyRow;

/// The keys, revoked ones included, oldest first (administrators only).
pub async fn list(state: &AppState, actor: &CurrentUser) -> ServiceResult<Vec<KeyRow>> {
    actor.require(Action::ManageOpen311Keys)?;
    let mut conn = state.db.pool.acquire().await?;
    Ok(open311_key_repo::all(&mut conn).await?)
}

/// Revokes a key from now on (administrators only); revoking a revoked key changes nothing.
/// Returns whether the key was active.
pub async fn revoke(state: &AppState, actor: &CurrentUser, id: &str) -> ServiceResult<bool> {
    actor.require(Action::ManageOpen311Keys)?;
    let mut tx = state.db.begin_write().await?;
    let key = open311_key_repo::by_id(&mut tx, id)
        .await?
        .ok_or(ServiceError::NotFound {
            what: "接入密钥"
        })?;
    if key.revoked_at.is_some() {
        return Ok(false);
    }
    let now = state.clock.now();
    open311_key_repo::revoke(&mut tx, id, &to_db_time(now)).await?;
    append(
        &mut tx,
        &Actor(actor.id.clone()),
        now,
        AuditEvent {
            action: "open311_key.revoke",
            entity: "open311_key",
            entity_id: id,
            content: serde_json::json!({"name": key.name}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}
