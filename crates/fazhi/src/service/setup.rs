//! The first start of a bureau's own server (issue 9 §2): `fazhi init` creates the root org
//! unit (the bureau, 局) and the first administrator on a database that has no account
//! yet, in one transaction with its audit entries. Everything else (squads, offices,
//! people) is then created by that administrator in the back office. `fazhi serve` asks
//! [`needs_init`] at start and prints the command when nobody could log in.

use super::audit::{Actor, AuditEvent, append};
use super::auth::{CurrentUserSummary, Role, check_display_name, check_username, summary};
use super::{AppState, ServiceError, ServiceResult, new_id};
use crate::infra::clock::to_db_time;
use crate::infra::secret::{Secret, hash_password};
use crate::repo::org_unit_repo::{self, OrgUnit};
use crate::repo::user_repo;

/// What `fazhi init` is asked to create.
#[derive(Debug)]
pub struct InitRequest<'a> {
    /// The bureau's full name, e.g. 南阳市卧龙区城市管理局.
    pub bureau: &'a str,
    pub admin_username: &'a str,
    /// The administrator's name as shown in the back office.
    pub admin_display_name: &'a str,
    pub password: &'a Secret,
}

/// What `fazhi init` created.
#[derive(Debug)]
pub struct InitReport {
    pub bureau: OrgUnit,
    pub admin: CurrentUserSummary,
}

/// Whether the database has no account at all (nobody can log in yet).
pub async fn needs_init(state: &AppState) -> ServiceResult<bool> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(user_repo::count(&mut conn).await? == 0)
}

/// Creates the bureau and its first administrator; refused when any account exists.
pub async fn init(state: &AppState, req: InitRequest<'_>) -> ServiceResult<InitReport> {
    let bureau_name = req.bureau.trim();
    if bureau_name.is_empty() || bureau_name.chars().count() > 100 {
        return Err(ServiceError::invalid_field(
            "invalid_name",
            "bureau",
            "局的名称不能为空，且不超过100个字",
        ));
    }
    let username = req.admin_username.trim();
    check_username(username)?;
    let display_name = check_display_name(req.admin_display_name)?;
    super::password::check(
        req.password.expose(),
        username,
        &[&display_name, bureau_name],
        "password",
    )?;
    let password_hash = hash_password(req.password.expose())?;

    let mut tx = state.db.begin_write().await?;
    if user_repo::count(&mut tx).await? > 0 {
        return Err(ServiceError::invalid(
            "already_initialised",
            "数据库中已有用户账号，不能再次初始化。请用已有的系统管理员账号登录，或用 fazhi user create 增加账号。",
        ));
    }
    let now = state.clock.now();
    let system = Actor("system".into());
    let bureau = OrgUnit {
        id: new_id(),
        parent_id: None,
        name: bureau_name.to_string(),
        kind: "bureau".into(),
        created_at: to_db_time(now),
    };
    org_unit_repo::insert(&mut tx, &bureau).await?;
    append(
        &mut tx,
        &system,
        now,
        AuditEvent {
            action: "org_unit.create",
            entity: "org_unit",
            entity_id: &bureau.id,
            content: serde_json::json!({"name": bureau.name, "kind": bureau.kind, "parent_id": null, "by": "fazhi init"}),
        },
    )
    .await?;
    let admin = user_repo::UserRow {
        id: new_id(),
        username: username.to_string(),
        password_hash,
        display_name,
        role: Role::Admin.as_str().into(),
        org_unit_id: bureau.id.clone(),
        officer_id: None,
        active: 1,
        must_change_password: 0,
        version: 1,
    };
    user_repo::insert(&mut tx, &admin, &to_db_time(now)).await?;
    append(
        &mut tx,
        &system,
        now,
        AuditEvent {
            action: "user.create",
            entity: "user",
            entity_id: &admin.id,
            content: serde_json::json!({"username": admin.username, "role": admin.role, "org_unit_id": admin.org_unit_id, "by": "fazhi init"}),
        },
    )
    .await?;
    tx.commit().await?;
    let admin = summary(admin, std::slice::from_ref(&bureau));
    Ok(InitReport { bureau, admin })
}
