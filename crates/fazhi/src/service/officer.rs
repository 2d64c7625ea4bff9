//! Officers (执法人员) and certificates (执法证): who may act in a case on a given day.
//! Certificate validity and suspension are dated, so the rule engine can judge each act
//! on its own day (legal-rules.md B2, C2, J5).

use super::audit::{Actor, AuditEvent, append};
use super::auth::CurrentUser;
use super::permissions::Action;
use super::{AppState, ServiceError, ServiceResult, new_id};
use crate::infra::clock::to_db_time;
use crate::repo::officer_repo;
/// Storage rows the officer pages and API still show (issue 12: own API types are to come).
pub use crate::repo::officer_repo::{CertificateRow, OfficerRow};
use crate::repo::org_unit_repo;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOfficer {
    pub name: String,
    pub org_unit_id: String,
    /// `staff` (在编在职) or `auxiliary` (协管员, never counts as an enforcement officer)
    #[serde(default = "default_employment")]
    pub employment: String,
}

fn default_employment() -> String {
    "staff".into()
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCertificate {
    /// 执法证号, e.g. 豫41000001
    pub cert_no: String,
    /// 发证机关, e.g. 河南省人民政府
    pub issuer: String,
    /// 执法区域/类别
    pub scope: String,
    #[schema(value_type = String, format = Date)]
    pub valid_from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub valid_until: NaiveDate,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Suspension {
    /// First day of the suspension (暂扣); `null` lifts it.
    #[schema(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    #[schema(value_type = Option<String>, format = Date)]
    pub until: Option<NaiveDate>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OfficerView {
    #[serde(flatten)]
    pub officer: OfficerRow,
    pub certificates: Vec<CertificateRow>,
}

fn actor_of(actor: Option<&CurrentUser>) -> Actor {
    Actor(actor.map_or("system".into(), |a| a.id.clone()))
}

pub async fn list(state: &AppState, actor: &CurrentUser) -> ServiceResult<Vec<OfficerView>> {
    actor.require(Action::ViewOfficers)?;
    let mut conn = state.db.pool.acquire().await?;
    let officers = officer_repo::all(&mut conn).await?;
    let certs = officer_repo::all_certificates(&mut conn).await?;
    Ok(officers
        .into_iter()
        .filter(|o| actor.sees(&o.org_unit_id))
        .map(|o| OfficerView {
            certificates: certs
                .iter()
                .filter(|c| c.officer_id == o.id)
                .cloned()
                .collect(),
            officer: o,
        })
        .collect())
}

pub async fn get(state: &AppState, actor: &CurrentUser, id: &str) -> ServiceResult<OfficerView> {
    actor.require(Action::ViewOfficers)?;
    let mut conn = state.db.pool.acquire().await?;
    let officer = officer_repo::get(&mut conn, id)
        .await?
        .filter(|o| actor.sees(&o.org_unit_id))
        .ok_or(ServiceError::NotFound {
            what: "执法人员"
        })?;
    let certificates = officer_repo::certificates_of(&mut conn, id).await?;
    Ok(OfficerView {
        officer,
        certificates,
    })
}

pub async fn create(
    state: &AppState,
    actor: Option<&CurrentUser>,
    input: NewOfficer,
) -> ServiceResult<OfficerRow> {
    if let Some(a) = actor {
        a.require(Action::ManageOfficers)?;
        if !a.sees(&input.org_unit_id) {
            return Err(ServiceError::Forbidden);
        }
    }
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 50 {
        return Err(ServiceError::invalid_field(
            "invalid_name",
            "name",
            "姓名不能为空，且不超过50个字",
        ));
    }
    if !["staff", "auxiliary"].contains(&input.employment.as_str()) {
        return Err(ServiceError::invalid_field(
            "invalid_employment",
            "employment",
            "人员类别只能是 staff（在编在职）或 auxiliary（协管/辅助人员）",
        ));
    }
    let mut tx = state.db.begin_write().await?;
    if !org_unit_repo::all(&mut tx)
        .await?
        .iter()
        .any(|u| u.id == input.org_unit_id)
    {
        return Err(ServiceError::invalid_field(
            "unknown_org_unit",
            "org_unit_id",
            "所属单位不存在",
        ));
    }
    let now = state.clock.now();
    let row = OfficerRow {
        id: new_id(),
        name: name.to_string(),
        org_unit_id: input.org_unit_id,
        employment: input.employment,
        active: 1,
        version: 1,
        created_at: to_db_time(now),
    };
    officer_repo::insert(&mut tx, &row).await?;
    append(&mut tx, &actor_of(actor), now, AuditEvent {
        action: "officer.create",
        entity: "officer",
        entity_id: &row.id,
        content: serde_json::json!({"name": row.name, "org_unit_id": row.org_unit_id, "employment": row.employment}),
    })
    .await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn add_certificate(
    state: &AppState,
    actor: Option<&CurrentUser>,
    officer_id: &str,
    input: NewCertificate,
) -> ServiceResult<CertificateRow> {
    if let Some(a) = actor {
        a.require(Action::ManageOfficers)?;
    }
    let no = input.cert_no.trim();
    if no.is_empty() || no.chars().count() > 40 {
        return Err(ServiceError::invalid_field(
            "invalid_cert_no",
            "cert_no",
            "执法证号不能为空，且不超过40个字符",
        ));
    }
    if input.valid_from > input.valid_until {
        return Err(ServiceError::invalid_field(
            "invalid_validity",
            "valid_until",
            "有效期截止日期不能早于起始日期",
        ));
    }
    let mut tx = state.db.begin_write().await?;
    let officer = officer_repo::get(&mut tx, officer_id)
        .await?
        .filter(|o| actor.is_none_or(|a| a.sees(&o.org_unit_id)))
        .ok_or(ServiceError::NotFound {
            what: "执法人员"
        })?;
    if officer.employment != "staff" {
        return Err(ServiceError::Invalid {
            code: "certificate_required",
            message: "协管/辅助人员不得取得行政执法证（河南省行政执法条例第二十条）".into(),
            field: Some("employment".into()),
            rule: None,
        });
    }
    let now = state.clock.now();
    let row = CertificateRow {
        id: new_id(),
        officer_id: officer.id.clone(),
        cert_no: no.to_string(),
        issuer: input.issuer,
        scope: input.scope,
        valid_from: input.valid_from.to_string(),
        valid_until: input.valid_until.to_string(),
        suspended_from: None,
        suspended_until: None,
        created_at: to_db_time(now),
    };
    officer_repo::insert_certificate(&mut tx, &row)
        .await
        .map_err(|e| match ServiceError::from(e) {
            ServiceError::Duplicate { .. } => ServiceError::Duplicate {
                field: "cert_no".into(),
                message: format!("执法证号 {no} 已登记"),
            },
            other => other,
        })?;
    append(
        &mut tx,
        &actor_of(actor),
        now,
        AuditEvent {
            action: "certificate.create",
            entity: "certificate",
            entity_id: &row.id,
            content: serde_json::to_value(&row).map_err(anyhow::Error::from)?,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

pub async fn suspend_certificate(
    state: &AppState,
    actor: &CurrentUser,
    certificate_id: &str,
    input: Suspension,
) -> ServiceResult<CertificateRow> {
    actor.require(Action::ManageOfficers)?;
    if let (Some(f), Some(u)) = (input.from, input.until)
        && f > u
    {
        return Err(ServiceError::invalid_field(
            "invalid_suspension",
            "until",
            "暂扣截止日期不能早于起始日期",
        ));
    }
    let mut tx = state.db.begin_write().await?;
    let cert = officer_repo::get_certificate(&mut tx, certificate_id)
        .await?
        .ok_or(ServiceError::NotFound { what: "执法证" })?;
    let officer =
        officer_repo::get(&mut tx, &cert.officer_id)
            .await?
            .ok_or(ServiceError::NotFound {
                what: "执法人员"
            })?;
    if !actor.sees(&officer.org_unit_id) {
        return Err(ServiceError::NotFound { what: "执法证" });
    }
    let from = input.from.map(|d| d.to_string());
    let until = input.until.map(|d| d.to_string());
    officer_repo::set_suspension(&mut tx, certificate_id, from.as_deref(), until.as_deref())
        .await?;
    append(&mut tx, &Actor(actor.id.clone()), state.clock.now(), AuditEvent {
        action: "certificate.suspend",
        entity: "certificate",
        entity_id: certificate_id,
        content: serde_json::json!({"before": {"from": cert.suspended_from, "until": cert.suspended_until}, "after": {"from": from, "until": until}}),
    })
    .await?;
    let updated = officer_repo::get_certificate(&mut tx, certificate_id)
        .await?
        .ok_or(ServiceError::NotFound { what: "执法证" })?;
    tx.commit().await?;
    Ok(updated)
}
