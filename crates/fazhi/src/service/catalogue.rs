//! The violation catalogue and discretion benchmarks (裁量基准) as stored by the bureau.
//! Seeded from the shipped sample on first start; edited entry by entry through the API;
//! every edit is validated by the domain's `Catalogue` before it is stored.

use super::audit::{Actor, AuditEvent, append};
use super::auth::CurrentUser;
use super::permissions::Action;
use super::{AppState, ServiceError, ServiceResult};
use crate::infra::clock::to_db_time;
use crate::repo::violation_repo;
use fazhi_domain::catalogue::{Catalogue, Facts, Suggestion, ViolationEntry};
use fazhi_domain::timeline::PartyKind;
use sqlx::AnyConnection;

/// The bureau's current catalogue.
pub async fn load(conn: &mut AnyConnection) -> ServiceResult<Catalogue> {
    let rows = violation_repo::all(conn).await?;
    let entries: Vec<String> = rows.into_iter().map(|(_, e)| e).collect();
    let json = format!("{{\"entries\":[{}]}}", entries.join(","));
    Catalogue::from_json_str(&json)
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("stored catalogue invalid: {e}")))
}

/// Stores the configured sample catalogue if the table is empty (first start).
pub async fn seed_if_empty(state: &AppState) -> ServiceResult<usize> {
    let mut tx = state.db.begin_write().await?;
    if !violation_repo::all(&mut tx).await?.is_empty() {
        return Ok(0);
    }
    let now = state.clock.now();
    for entry in &state.settings.catalogue.entries {
        let json = serde_json::to_string(entry).map_err(anyhow::Error::from)?;
        violation_repo::upsert(&mut tx, &entry.code, &json, &to_db_time(now)).await?;
    }
    append(
        &mut tx,
        &Actor("system".into()),
        now,
        AuditEvent {
            action: "catalogue.seed",
            entity: "catalogue",
            entity_id: "violations",
            content: serde_json::json!({"entries": state.settings.catalogue.entries.len()}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(state.settings.catalogue.entries.len())
}

pub async fn list(state: &AppState) -> ServiceResult<Catalogue> {
    let mut conn = state.db.pool.acquire().await?;
    load(&mut conn).await
}

/// The benchmark's suggested tier and fine range for the facts of a case (any signed-in
/// user); an unknown code is `NotFound`.
pub async fn suggest(
    state: &AppState,
    code: &str,
    party: PartyKind,
    facts: &Facts,
) -> ServiceResult<Suggestion> {
    let cat = list(state).await?;
    let entry = cat.get(code).ok_or(ServiceError::NotFound {
        what: "违法行为"
    })?;
    Ok(entry.suggest(party, facts))
}

/// Adds or replaces one entry (admin or legal office). The code in the path wins.
pub async fn put(
    state: &AppState,
    actor: &CurrentUser,
    code: &str,
    mut entry: serde_json::Value,
) -> ServiceResult<ViolationEntry> {
    actor.require(Action::EditCatalogue)?;
    if let Some(obj) = entry.as_object_mut() {
        obj.insert("code".into(), serde_json::Value::String(code.to_string()));
    } else {
        return Err(ServiceError::invalid(
            "invalid_entry",
            "违法行为条目必须是 JSON 对象",
        ));
    }
    let mut tx = state.db.begin_write().await?;
    let current = load(&mut tx).await?;
    let mut all: Vec<serde_json::Value> = current
        .entries
        .iter()
        .filter(|e| e.code != code)
        .map(serde_json::to_value)
        .collect::<Result<_, _>>()
        .map_err(anyhow::Error::from)?;
    all.push(entry);
    let candidate = serde_json::json!({ "entries": all }).to_string();
    let validated = Catalogue::from_json_str(&candidate)
        .map_err(|e| ServiceError::invalid("invalid_catalogue", e.to_string()))?;
    let stored = validated
        .get(code)
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("validated entry vanished"))?;
    let json = serde_json::to_string(&stored).map_err(anyhow::Error::from)?;
    let now = state.clock.now();
    violation_repo::upsert(&mut tx, code, &json, &to_db_time(now)).await?;
    let before = current
        .get(code)
        .map(serde_json::to_value)
        .transpose()
        .map_err(anyhow::Error::from)?;
    append(
        &mut tx,
        &Actor(actor.id.clone()),
        now,
        AuditEvent {
            action: "catalogue.put",
            entity: "violation",
            entity_id: code,
            content: serde_json::json!({"before": before, "after": stored}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(stored)
}
