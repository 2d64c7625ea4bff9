//! Accounts after their creation (issue 9 §3): an administrator edits a user (name, role,
//! unit, linked officer), disables and re-enables the account, resets its password (the
//! user must choose a new one at the next login) and ends every session and token of the
//! user; every user changes their own password. Disabling and a reset end the user's
//! sessions and tokens at once. Each step is one write transaction with its audit entry
//! (never a password, hash or token in it). `actor = None` is the operator at the command
//! line (`fazhi user …`).

use super::audit::{Actor, AuditEvent, append};
use super::auth::{
    ACCOUNT_LIMIT, CurrentUser, CurrentUserSummary, Role, account_key, check_display_name,
    check_not_blocked, check_officer_link, summary,
};
use super::permissions::Action;
use super::{AppState, ServiceError, ServiceResult};
use crate::infra::clock::to_db_time;
use crate::infra::db::Tx;
use crate::infra::secret::{hash_password, verify_password};
use crate::repo::{org_unit_repo, user_repo};
use serde::{Deserialize, Serialize};

/// One open session or token of a user (never the token itself).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionInfo {
    /// `cookie` (a browser) or `bearer` (a machine client's token).
    pub kind: String,
    /// What a token is for, as given when it was issued.
    pub name: Option<String>,
    pub created_at: String,
    pub expires_at: String,
}

/// An account as its administrator sees it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserDetail {
    pub user: CurrentUserSummary,
    /// Sessions and tokens that have not expired.
    pub sessions: Vec<SessionInfo>,
}

/// An administrator's edit of an account.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    /// The account's `version` the administrator last saw.
    pub expected_version: i64,
    pub display_name: String,
    pub role: Role,
    pub org_unit_id: String,
    #[serde(default)]
    pub officer_id: Option<String>,
}

/// A new password set by an administrator (the user must replace it at the next login).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    pub new_password: String,
}

/// A user's change of their own password.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

fn actor_of(actor: Option<&CurrentUser>) -> Actor {
    Actor(actor.map_or("system".into(), |a| a.id.clone()))
}

/// The account `id` if the administrator may manage it (404 otherwise, so accounts of
/// other bureaus are not revealed); the command line (`None`) may manage every account.
async fn managed(
    conn: &mut sqlx::AnyConnection,
    actor: Option<&CurrentUser>,
    id: &str,
) -> ServiceResult<user_repo::UserRow> {
    if let Some(a) = actor {
        a.require(Action::ManageUsers)?;
    }
    user_repo::by_id(conn, id)
        .await?
        .filter(|u| actor.is_none_or(|a| a.sees(&u.org_unit_id)))
        .ok_or(ServiceError::NotFound { what: "用户" })
}

/// The account with this user name, for the command line.
pub async fn id_of(state: &AppState, username: &str) -> ServiceResult<String> {
    let mut conn = state.db.pool.acquire().await?;
    user_repo::by_username(&mut conn, username.trim())
        .await?
        .map(|u| u.id)
        .ok_or(ServiceError::NotFound { what: "用户" })
}

/// Refuses to leave the platform without an active administrator.
async fn keep_one_admin(
    conn: &mut sqlx::AnyConnection,
    user: &user_repo::UserRow,
) -> ServiceResult<()> {
    if user.role == Role::Admin.as_str()
        && user.active == 1
        && user_repo::count_other_active_admins(conn, &user.id).await? == 0
    {
        return Err(ServiceError::invalid(
            "last_admin",
            format!(
                "“{}”是唯一启用的系统管理员，不能停用或改为其他角色；请先为另一人开设系统管理员账号",
                user.display_name
            ),
        ));
    }
    Ok(())
}

async fn units(conn: &mut sqlx::AnyConnection) -> ServiceResult<Vec<org_unit_repo::OrgUnit>> {
    Ok(org_unit_repo::all(conn).await?)
}

/// One account with its open sessions and tokens (administrators).
pub async fn get(state: &AppState, actor: &CurrentUser, id: &str) -> ServiceResult<UserDetail> {
    let mut conn = state.db.pool.acquire().await?;
    let row = managed(&mut conn, Some(actor), id).await?;
    let sessions = user_repo::sessions_of(&mut conn, &row.id, &to_db_time(state.clock.now()))
        .await?
        .into_iter()
        .map(|s| SessionInfo {
            kind: s.kind,
            name: s.name,
            created_at: s.created_at,
            expires_at: s.expires_at,
        })
        .collect();
    let units = units(&mut conn).await?;
    Ok(UserDetail {
        user: summary(row, &units),
        sessions,
    })
}

/// Edits name, role, unit and linked officer. A change of role is audited as
/// `user.role_change` (with the role before and after), anything else as `user.update`.
pub async fn update(
    state: &AppState,
    actor: &CurrentUser,
    id: &str,
    input: UserUpdate,
) -> ServiceResult<CurrentUserSummary> {
    let display_name = check_display_name(&input.display_name)?;
    let mut tx = state.db.begin_write().await?;
    let before = managed(&mut tx, Some(actor), id).await?;
    if before.version != input.expected_version {
        return Err(ServiceError::VersionConflict {
            current: before.version,
        });
    }
    let all_units = units(&mut tx).await?;
    if !all_units.iter().any(|u| u.id == input.org_unit_id) || !actor.sees(&input.org_unit_id) {
        return Err(ServiceError::invalid_field(
            "unknown_org_unit",
            "org_unit_id",
            "所属单位不存在",
        ));
    }
    let officer_id = check_officer_link(&mut tx, Some(actor), input.officer_id.as_deref()).await?;
    let role = input.role.as_str();
    if role != before.role {
        keep_one_admin(&mut tx, &before).await?;
    }
    let now = state.clock.now();
    let edit = user_repo::UserEdit {
        display_name: &display_name,
        role,
        org_unit_id: &input.org_unit_id,
        officer_id: officer_id.as_deref(),
    };
    if !user_repo::update(&mut tx, id, before.version, &edit, &to_db_time(now)).await? {
        return Err(ServiceError::VersionConflict {
            current: before.version + 1,
        });
    }
    append(
        &mut tx,
        &actor_of(Some(actor)),
        now,
        AuditEvent {
            action: if role != before.role {
                "user.role_change"
            } else {
                "user.update"
            },
            entity: "user",
            entity_id: id,
            content: serde_json::json!({
                "before": {"display_name": before.display_name, "role": before.role,
                           "org_unit_id": before.org_unit_id, "officer_id": before.officer_id},
                "after": {"display_name": display_name, "role": role,
                          "org_unit_id": input.org_unit_id, "officer_id": officer_id},
            }),
        },
    )
    .await?;
    let after = user_repo::by_id(&mut tx, id)
        .await?
        .ok_or(ServiceError::NotFound { what: "用户" })?;
    tx.commit().await?;
    Ok(summary(after, &all_units))
}

/// Disables (`active = false`) or re-enables an account. Disabling ends every session and
/// token of the user in the same transaction; nobody disables their own account, and the
/// last active administrator stays.
pub async fn set_active(
    state: &AppState,
    actor: Option<&CurrentUser>,
    id: &str,
    active: bool,
) -> ServiceResult<CurrentUserSummary> {
    let mut tx = state.db.begin_write().await?;
    let user = managed(&mut tx, actor, id).await?;
    let mut ended = 0;
    if !active {
        if actor.is_some_and(|a| a.id == user.id) {
            return Err(ServiceError::invalid(
                "own_account",
                "不能停用自己的账号；请由另一名系统管理员办理",
            ));
        }
        keep_one_admin(&mut tx, &user).await?;
        ended = user_repo::delete_sessions_of(&mut tx, &user.id, None).await?;
    }
    let now = state.clock.now();
    user_repo::set_active(&mut tx, &user.id, active, &to_db_time(now)).await?;
    append(
        &mut tx,
        &actor_of(actor),
        now,
        AuditEvent {
            action: if active {
                "user.enable"
            } else {
                "user.disable"
            },
            entity: "user",
            entity_id: &user.id,
            content: serde_json::json!({"username": user.username, "sessions_ended": ended}),
        },
    )
    .await?;
    finish(tx, &user.id).await
}

/// Sets a password chosen by an administrator (or the operator): it must meet the policy,
/// the user must replace it at the next login, and every session and token of the user
/// ends now.
pub async fn reset_password(
    state: &AppState,
    actor: Option<&CurrentUser>,
    id: &str,
    new_password: &str,
) -> ServiceResult<CurrentUserSummary> {
    let hash;
    let mut tx = {
        let mut conn = state.db.pool.acquire().await?;
        let user = managed(&mut conn, actor, id).await?;
        if actor.is_some_and(|a| a.id == user.id) {
            return Err(ServiceError::invalid(
                "own_account",
                "请通过“修改密码”修改自己的密码",
            ));
        }
        super::password::check(
            new_password,
            &user.username,
            &[&user.display_name],
            "new_password",
        )?;
        // Hash before taking the write lock: argon2 takes a while.
        hash = hash_password(new_password)?;
        drop(conn);
        state.db.begin_write().await?
    };
    let user = managed(&mut tx, actor, id).await?;
    let now = state.clock.now();
    user_repo::set_password(&mut tx, &user.id, &hash, true, &to_db_time(now)).await?;
    let ended = user_repo::delete_sessions_of(&mut tx, &user.id, None).await?;
    append(
        &mut tx,
        &actor_of(actor),
        now,
        AuditEvent {
            action: "user.password_reset",
            entity: "user",
            entity_id: &user.id,
            content: serde_json::json!({"username": user.username, "must_change_password": true, "sessions_ended": ended}),
        },
    )
    .await?;
    finish(tx, &user.id).await
}

/// Ends every session and token of a user (a lost phone, a leaked token); the account
/// stays usable with its password.
pub async fn end_sessions(state: &AppState, actor: &CurrentUser, id: &str) -> ServiceResult<u64> {
    let mut tx = state.db.begin_write().await?;
    let user = managed(&mut tx, Some(actor), id).await?;
    let ended = user_repo::delete_sessions_of(&mut tx, &user.id, None).await?;
    let now = state.clock.now();
    append(
        &mut tx,
        &actor_of(Some(actor)),
        now,
        AuditEvent {
            action: "user.sessions_end",
            entity: "user",
            entity_id: &user.id,
            content: serde_json::json!({"username": user.username, "sessions_ended": ended}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(ended)
}

/// A user changes their own password: the current one must be given (a wrong one counts
/// as a failed login of the account), the new one must meet the policy and differ from it.
/// Every other session and token of the user ends; `keep` (the session making the change)
/// stays.
pub async fn change_own_password(
    state: &AppState,
    actor: &CurrentUser,
    keep: Option<&str>,
    input: &PasswordChange,
) -> ServiceResult<()> {
    let now = state.clock.now();
    let key = account_key(&actor.username);
    let mut conn = state.db.pool.acquire().await?;
    check_not_blocked(&mut conn, std::slice::from_ref(&key), now).await?;
    let user = user_repo::by_id(&mut conn, &actor.id)
        .await?
        .ok_or(ServiceError::Unauthenticated)?;
    drop(conn);
    if !verify_password(&input.current_password, &user.password_hash) {
        let mut tx = state.db.begin_write().await?;
        let previous = user_repo::throttle(&mut tx, &key).await?;
        let next = ACCOUNT_LIMIT.after_failure(previous.as_ref(), now);
        user_repo::put_throttle(&mut tx, &key, &next).await?;
        append(
            &mut tx,
            &actor_of(Some(actor)),
            now,
            AuditEvent {
                action: "user.password_change_failed",
                entity: "user",
                entity_id: &user.id,
                content: serde_json::json!({"reason": "wrong_current_password"}),
            },
        )
        .await?;
        tx.commit().await?;
        return Err(ServiceError::invalid_field(
            "wrong_password",
            "current_password",
            "当前密码不正确",
        ));
    }
    if input.new_password == input.current_password {
        return Err(ServiceError::invalid_field(
            "same_password",
            "new_password",
            "新密码不能与当前密码相同",
        ));
    }
    super::password::check(
        &input.new_password,
        &user.username,
        &[&user.display_name],
        "new_password",
    )?;
    let hash = hash_password(&input.new_password)?;
    let mut tx = state.db.begin_write().await?;
    user_repo::set_password(&mut tx, &user.id, &hash, false, &to_db_time(now)).await?;
    let ended = user_repo::delete_sessions_of(&mut tx, &user.id, keep).await?;
    append(
        &mut tx,
        &actor_of(Some(actor)),
        now,
        AuditEvent {
            action: "user.password_change",
            entity: "user",
            entity_id: &user.id,
            content: serde_json::json!({"other_sessions_ended": ended}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Commits and returns the account as it now is.
async fn finish(mut tx: Tx<'_>, id: &str) -> ServiceResult<CurrentUserSummary> {
    let row = user_repo::by_id(&mut tx, id)
        .await?
        .ok_or(ServiceError::NotFound { what: "用户" })?;
    let units = units(&mut tx).await?;
    tx.commit().await?;
    Ok(summary(row, &units))
}
