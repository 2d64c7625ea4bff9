//! Logins, sessions and bearer tokens, roles, and the org-tree scope that decides which
//! records a user may see. Passwords are argon2 hashes; tokens are stored as SHA-256.

use super::{AppState, ServiceError, ServiceResult, new_id};
use crate::infra::clock::to_db_time;
use crate::infra::secret::{Secret, hash_password, random_token, token_hash, verify_password};
use crate::repo::{org_unit_repo, user_repo};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The roles of design.md; permissions are granted per role on the route table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员
    Admin,
    /// 局长 / 分管领导
    Leader,
    /// 法制审核员
    Legal,
    /// 执法队员
    Officer,
    /// 指挥中心受理员
    Dispatcher,
    /// 窗口 / 审批
    Clerk,
    /// 调解员
    Mediator,
    /// 协作部门
    Partner,
}

impl Role {
    pub fn parse(s: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Leader => "leader",
            Role::Legal => "legal",
            Role::Officer => "officer",
            Role::Dispatcher => "dispatcher",
            Role::Clerk => "clerk",
            Role::Mediator => "mediator",
            Role::Partner => "partner",
        }
    }
}

/// The authenticated caller.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CurrentUser {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_unit_id: String,
    pub officer_id: Option<String>,
    /// Org units this user may see: their own unit and everything below it.
    #[serde(skip)]
    pub scope: Vec<String>,
    /// How the request was authenticated; cookie sessions need the CSRF token on writes.
    #[serde(skip)]
    pub via_cookie: bool,
    #[serde(skip)]
    pub csrf_token: String,
}

impl CurrentUser {
    pub fn require(&self, roles: &[Role]) -> ServiceResult<()> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ServiceError::Forbidden)
        }
    }
    /// Whether a record of org unit `unit` is visible to this user.
    pub fn sees(&self, unit: &str) -> bool {
        self.scope.iter().any(|u| u == unit)
    }
}

/// The unit itself and every unit below it in the org tree.
pub fn subtree(units: &[org_unit_repo::OrgUnit], root: &str) -> Vec<String> {
    let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
    for u in units {
        if let Some(p) = &u.parent_id {
            children.entry(p.as_str()).or_default().push(u.id.as_str());
        }
    }
    let mut out = vec![root.to_string()];
    let mut i = 0;
    while i < out.len() {
        if let Some(kids) = children.get(out[i].as_str()) {
            out.extend(kids.iter().map(|k| k.to_string()));
        }
        i += 1;
    }
    out
}

/// What a successful login hands back.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LoginResult {
    #[serde(skip)]
    pub token: Option<Secret>,
    /// Send this in `X-CSRF-Token` with every write made with the session cookie.
    pub csrf_token: String,
    pub user: CurrentUser,
    pub expires_at: String,
}

/// Checks a username and password and opens a session (`cookie`) or issues a bearer token.
pub async fn login(
    state: &AppState,
    username: &str,
    password: &str,
    kind: &str,
    token_name: Option<&str>,
) -> ServiceResult<LoginResult> {
    let mut conn = state.db.pool.acquire().await?;
    let user = user_repo::by_username(&mut conn, username).await?;
    // Verify against a dummy hash when the user is unknown, so timing does not reveal it.
    let (ok, user) = match user {
        Some(u) => (
            verify_password(password, &u.password_hash) && u.active == 1,
            Some(u),
        ),
        None => {
            let _ = verify_password(password, dummy_hash());
            (false, None)
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        return Err(ServiceError::invalid(
            "invalid_credentials",
            "用户名或密码错误",
        ));
    };
    let token = random_token()?;
    let csrf = random_token()?;
    let now = state.clock.now();
    let expires = if kind == "bearer" {
        now + chrono::Duration::days(365)
    } else {
        now + chrono::Duration::minutes(state.settings.session_minutes)
    };
    user_repo::insert_session(
        &mut conn,
        &token_hash(token.expose()),
        &user.id,
        kind,
        token_name,
        csrf.expose(),
        &to_db_time(now),
        &to_db_time(expires),
    )
    .await?;
    let current = load_current(state, &token_hash(token.expose()))
        .await?
        .ok_or(ServiceError::Unauthenticated)?;
    Ok(LoginResult {
        token: Some(token),
        csrf_token: csrf.expose().to_string(),
        user: current,
        expires_at: to_db_time(expires),
    })
}

/// A real argon2 hash of a throw-away password, computed once.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("fazhi-dummy-password").unwrap_or_default())
}

/// Resolves a session or bearer token (by hash) to the user, if valid and not expired.
pub async fn load_current(state: &AppState, hash: &str) -> ServiceResult<Option<CurrentUser>> {
    let mut conn = state.db.pool.acquire().await?;
    let Some(row) = user_repo::session_user(&mut conn, hash).await? else {
        return Ok(None);
    };
    if row.active != 1 || row.expires_at < to_db_time(state.clock.now()) {
        return Ok(None);
    }
    let role = Role::parse(&row.role).ok_or_else(|| anyhow::anyhow!("unknown role in database"))?;
    let units = org_unit_repo::all(&mut conn).await?;
    Ok(Some(CurrentUser {
        scope: subtree(&units, &row.org_unit_id),
        id: row.id,
        username: row.username,
        display_name: row.display_name,
        role,
        org_unit_id: row.org_unit_id,
        officer_id: row.officer_id,
        via_cookie: row.kind == "cookie",
        csrf_token: row.csrf_token,
    }))
}

pub async fn logout(state: &AppState, hash: &str) -> ServiceResult<()> {
    let mut conn = state.db.pool.acquire().await?;
    user_repo::delete_session(&mut conn, hash).await?;
    Ok(())
}

/// Removes expired sessions and tokens (they are refused anyway; this keeps the table small).
pub async fn purge_expired_sessions(state: &AppState) -> ServiceResult<u64> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(user_repo::delete_expired_sessions(&mut conn, &to_db_time(state.clock.now())).await?)
}

/// A new user account (admin only; also used by the demo seeder with `actor = None`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub username: String,
    pub password: String,
    pub display_name: String,
    pub role: Role,
    pub org_unit_id: String,
    #[serde(default)]
    pub officer_id: Option<String>,
}

pub async fn create_user(
    state: &AppState,
    actor: Option<&CurrentUser>,
    input: NewUser,
) -> ServiceResult<CurrentUserSummary> {
    if let Some(a) = actor {
        a.require(&[Role::Admin])?;
    }
    if input.username.trim().is_empty() || input.username.len() > 64 {
        return Err(ServiceError::invalid_field(
            "invalid_username",
            "username",
            "用户名不能为空，且不超过64个字符",
        ));
    }
    if input.password.chars().count() < 8 {
        return Err(ServiceError::invalid_field(
            "weak_password",
            "password",
            "密码至少8位",
        ));
    }
    let mut tx = state.db.begin_write().await?;
    let units = org_unit_repo::all(&mut tx).await?;
    if !units.iter().any(|u| u.id == input.org_unit_id) {
        return Err(ServiceError::invalid_field(
            "unknown_org_unit",
            "org_unit_id",
            "所属单位不存在",
        ));
    }
    let row = user_repo::UserRow {
        id: new_id(),
        username: input.username.trim().to_string(),
        password_hash: hash_password(&input.password)?,
        display_name: input.display_name,
        role: input.role.as_str().to_string(),
        org_unit_id: input.org_unit_id,
        officer_id: input.officer_id,
        active: 1,
    };
    let now = state.clock.now();
    user_repo::insert(&mut tx, &row, &to_db_time(now)).await?;
    super::audit::append(
        &mut tx,
        &super::audit::Actor(actor.map_or("system".into(), |a| a.id.clone())),
        now,
        super::audit::AuditEvent {
            action: "user.create",
            entity: "user",
            entity_id: &row.id,
            content: serde_json::json!({"username": row.username, "role": row.role, "org_unit_id": row.org_unit_id}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(CurrentUserSummary {
        id: row.id,
        username: row.username,
        display_name: row.display_name,
        role: input.role,
        org_unit_id: row.org_unit_id,
    })
}

/// A user as listed to administrators.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CurrentUserSummary {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_unit_id: String,
}

pub async fn list_users(
    state: &AppState,
    actor: &CurrentUser,
) -> ServiceResult<Vec<CurrentUserSummary>> {
    actor.require(&[Role::Admin])?;
    let mut conn = state.db.pool.acquire().await?;
    let rows = user_repo::all(&mut conn).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(CurrentUserSummary {
                role: Role::parse(&r.role)?,
                id: r.id,
                username: r.username,
                display_name: r.display_name,
                org_unit_id: r.org_unit_id,
            })
        })
        .collect())
}
