//! Org units: the bureau (局), its squads (中队), offices (股室) and partner departments.

use super::audit::{Actor, AuditEvent, append};
use super::auth::CurrentUser;
use super::permissions::Action;
use super::{AppState, ServiceError, ServiceResult, new_id};
use crate::infra::clock::to_db_time;
use crate::repo::org_unit_repo;
/// The stored unit, as the pages and the API show it.
pub use crate::repo::org_unit_repo::OrgUnit;
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrgUnit {
    pub name: String,
    /// `bureau`, `squad`, `office` or `partner`
    pub kind: String,
    pub parent_id: Option<String>,
}

pub async fn list(state: &AppState, actor: &CurrentUser) -> ServiceResult<Vec<OrgUnit>> {
    let mut conn = state.db.pool.acquire().await?;
    let units = org_unit_repo::all(&mut conn).await?;
    Ok(units.into_iter().filter(|u| actor.sees(&u.id)).collect())
}

/// Every unit, unfiltered: names to show beside ids and the choice of units a complaint may
/// be dispatched to. Who may see which record is decided by the use case that returns the
/// record, not here.
pub async fn all(state: &AppState) -> ServiceResult<Vec<OrgUnit>> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(org_unit_repo::all(&mut conn).await?)
}

/// Creates a unit; `actor = None` is the system (first start, demo).
pub async fn create(
    state: &AppState,
    actor: Option<&CurrentUser>,
    input: NewOrgUnit,
) -> ServiceResult<OrgUnit> {
    if let Some(a) = actor {
        a.require(Action::ManageOrgUnits)?;
    }
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ServiceError::invalid_field(
            "invalid_name",
            "name",
            "单位名称不能为空，且不超过100个字",
        ));
    }
    if !["bureau", "squad", "office", "partner"].contains(&input.kind.as_str()) {
        return Err(ServiceError::invalid_field(
            "invalid_kind",
            "kind",
            "单位类型只能是 bureau（局）、squad（中队）、office（股室）或 partner（协作部门）",
        ));
    }
    let mut tx = state.db.begin_write().await?;
    if let Some(parent) = &input.parent_id {
        let units = org_unit_repo::all(&mut tx).await?;
        if !units.iter().any(|u| &u.id == parent) {
            return Err(ServiceError::invalid_field(
                "unknown_parent",
                "parent_id",
                "上级单位不存在",
            ));
        }
        if let Some(a) = actor
            && !a.sees(parent)
        {
            return Err(ServiceError::Forbidden);
        }
    } else if input.kind != "bureau" && input.kind != "partner" {
        return Err(ServiceError::invalid_field(
            "parent_required",
            "parent_id",
            "只有“局”和协作部门可以没有上级单位",
        ));
    }
    let now = state.clock.now();
    let unit = OrgUnit {
        id: new_id(),
        parent_id: input.parent_id,
        name: name.to_string(),
        kind: input.kind,
        created_at: to_db_time(now),
    };
    org_unit_repo::insert(&mut tx, &unit).await?;
    append(
        &mut tx,
        &Actor(actor.map_or("system".into(), |a| a.id.clone())),
        now,
        AuditEvent {
            action: "org_unit.create",
            entity: "org_unit",
            entity_id: &unit.id,
            content: serde_json::json!({"name": unit.name, "kind": unit.kind, "parent_id": unit.parent_id}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(unit)
}

/// The unit an operator names at the command line: by id, or by its exact name when that
/// name is unique.
pub async fn resolve(state: &AppState, id_or_name: &str) -> ServiceResult<OrgUnit> {
    let wanted = id_or_name.trim();
    let mut conn = state.db.pool.acquire().await?;
    let units = org_unit_repo::all(&mut conn).await?;
    if let Some(u) = units.iter().find(|u| u.id == wanted) {
        return Ok(u.clone());
    }
    let named: Vec<&OrgUnit> = units.iter().filter(|u| u.name == wanted).collect();
    match named.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(ServiceError::invalid_field(
            "unknown_org_unit",
            "org_unit",
            format!("没有名为“{wanted}”的单位"),
        )),
        several => Err(ServiceError::invalid_field(
            "ambiguous_org_unit",
            "org_unit",
            format!(
                "有{}个单位名为“{wanted}”，请改用单位编号：{}",
                several.len(),
                several
                    .iter()
                    .map(|u| u.id.as_str())
                    .collect::<Vec<_>>()
                    .join("、")
            ),
        )),
    }
}
