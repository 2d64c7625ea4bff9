//! Logins, sessions and bearer tokens, roles, and the org-tree scope that decides which
//! records a user may see. Passwords are argon2 hashes; tokens are stored as SHA-256.
//!
//! Password guessing is slowed per account and per client address: after a few failures
//! each further failure blocks the next attempt for a growing delay ([`ACCOUNT_LIMIT`],
//! [`ADDRESS_LIMIT`]). The account counter is keyed by the user name as typed, so an
//! unknown name is limited exactly like a real one and the answer never tells them apart.
//! Every login, failed login, logout, token issue and revoke is an audit entry (without
//! the password or the token). Creating and listing accounts is here; editing, disabling,
//! resets and password changes are in `account.rs`.

use super::audit::{Actor, AuditEvent, append};
use super::permissions::Action;
use super::{AppState, ServiceError, ServiceResult, new_id};
use crate::infra::clock::to_db_time;
use crate::infra::secret::{Secret, hash_password, random_token, token_hash, verify_password};
use crate::repo::{org_unit_repo, user_repo};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::net::IpAddr;

/// The roles of design.md; what each may do is the permission table (`permissions.rs`).
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
    pub const ALL: [Role; 8] = [
        Role::Admin,
        Role::Leader,
        Role::Legal,
        Role::Officer,
        Role::Dispatcher,
        Role::Clerk,
        Role::Mediator,
        Role::Partner,
    ];

    /// The post's Chinese name, as users know it ("需由法制审核员办理").
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::Leader => "局领导",
            Role::Legal => "法制审核员",
            Role::Officer => "执法队员",
            Role::Dispatcher => "指挥中心受理员",
            Role::Clerk => "窗口审批",
            Role::Mediator => "调解员",
            Role::Partner => "协作部门",
        }
    }

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
    /// The password was set by an administrator (reset, new account): until the user
    /// chooses their own, pages lead to the change form and the API answers
    /// `password_change_required` to everything but `/me`, `/me/password` and logout.
    pub must_change_password: bool,
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
    /// Refuses unless the permission table grants `action` to this user's post; a refused
    /// step of a procedure names the post(s) that must act instead ("法制审核需由法制审核员办理").
    pub fn require(&self, action: Action) -> ServiceResult<()> {
        if self.may(action) {
            Ok(())
        } else {
            Err(action.refusal())
        }
    }
    /// Whether the permission table grants `action` to this user's post (what a page offers).
    pub fn may(&self, action: Action) -> bool {
        action.allows(self.role)
    }
    /// Whether a record of org unit `unit` is visible to this user.
    pub fn sees(&self, unit: &str) -> bool {
        self.scope.iter().any(|u| u == unit)
    }
}

pub use super::permissions::posts;

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

/// The bureau (局) a unit belongs to: the unit itself or its nearest ancestor of kind
/// `bureau`; a unit under no bureau (a partner department) stands for itself.
pub fn bureau_of<'a>(units: &'a [org_unit_repo::OrgUnit], unit: &'a str) -> &'a str {
    let by_id: HashMap<&str, &org_unit_repo::OrgUnit> =
        units.iter().map(|u| (u.id.as_str(), u)).collect();
    let mut current = unit;
    // At most one step per unit: a damaged tree with a cycle cannot loop forever.
    for _ in 0..=units.len() {
        let Some(u) = by_id.get(current) else { break };
        if u.kind == "bureau" {
            return &u.id;
        }
        match &u.parent_id {
            Some(p) => current = p,
            None => break,
        }
    }
    unit
}

/// The org units a user of `role` in `unit` may see.
///
/// - Most roles: their unit and everything below it (a squad sees its squad, the bureau
///   sees its squads).
/// - The legal office (法制审核员): the whole bureau its unit belongs to. 法制审核 of every
///   squad's cases is its job, and it sits in an office (法制股) beside the squads, not above
///   them (issue 9 §4).
/// - Administrators: their subtree plus every partner department that has no parent
///   (partner departments stand outside the bureau's tree, but their accounts are
///   administered by the bureau's administrators).
pub fn scope_for(units: &[org_unit_repo::OrgUnit], role: Role, unit: &str) -> Vec<String> {
    match role {
        Role::Legal => subtree(units, bureau_of(units, unit)),
        Role::Admin => {
            let mut scope = subtree(units, unit);
            for partner in units
                .iter()
                .filter(|u| u.kind == "partner" && u.parent_id.is_none())
            {
                if !scope.contains(&partner.id) {
                    scope.extend(subtree(units, &partner.id));
                }
            }
            scope
        }
        _ => subtree(units, unit),
    }
}

/// How failed logins of one kind (per account, per client address) are slowed down.
#[derive(Debug, Clone, Copy)]
pub struct LoginLimit {
    /// Failures allowed before any delay.
    pub free_failures: i64,
    /// Failures older than this (counted from the last one) are forgotten.
    pub window: Duration,
    /// Longest block.
    pub max_delay: Duration,
}

/// Per account (the user name as typed): 5 failures, then 1, 2, 4 … minutes, at most one
/// hour, forgotten a day after the last failure or at a successful login.
pub const ACCOUNT_LIMIT: LoginLimit = LoginLimit {
    free_failures: 5,
    window: Duration::hours(24),
    max_delay: Duration::hours(1),
};

/// Per client address: 20 failures (an office behind one address shares them), then the
/// same growing delay; forgotten an hour after the last failure, not at a success (so one
/// valid account does not reset an attacker's count).
pub const ADDRESS_LIMIT: LoginLimit = LoginLimit {
    free_failures: 20,
    window: Duration::hours(1),
    max_delay: Duration::hours(1),
};

impl LoginLimit {
    /// The block after the `failures`-th failure in a row, if any: 1 minute at the first
    /// failure past the free ones, doubling with each further failure.
    pub fn delay_after(&self, failures: i64) -> Option<Duration> {
        let over = failures - self.free_failures;
        if over < 0 {
            return None;
        }
        let minutes = 1_i64.checked_shl(over.min(30) as u32).unwrap_or(i64::MAX);
        Some(Duration::minutes(minutes).min(self.max_delay))
    }

    /// The counter after one more failure at `now`.
    pub(crate) fn after_failure(
        &self,
        previous: Option<&user_repo::ThrottleRow>,
        now: DateTime<Utc>,
    ) -> user_repo::ThrottleRow {
        let forgotten = to_db_time(now - self.window);
        let failures = match previous {
            Some(p) if p.last_failure_at >= forgotten => p.failures + 1,
            _ => 1,
        };
        user_repo::ThrottleRow {
            failures,
            last_failure_at: to_db_time(now),
            blocked_until: self.delay_after(failures).map(|d| to_db_time(now + d)),
        }
    }
}

pub(crate) fn account_key(username: &str) -> String {
    format!("account:{}", username.trim().to_lowercase())
}

fn address_key(address: IpAddr) -> String {
    format!("address:{address}")
}

/// A browser session (cookie, with a CSRF token) or a bearer token for a machine client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Cookie,
    Bearer,
}

impl SessionKind {
    fn as_str(self) -> &'static str {
        match self {
            SessionKind::Cookie => "cookie",
            SessionKind::Bearer => "bearer",
        }
    }
}

/// One login attempt.
#[derive(Debug, Clone, Copy)]
pub struct LoginRequest<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub kind: SessionKind,
    /// What a bearer token is for (省平台对接); shown to administrators.
    pub token_name: Option<&'a str>,
    /// The client's address, for the per-address limit and the audit entry.
    pub address: Option<IpAddr>,
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

/// Refuses a login while the account or the address is blocked, saying how long to wait.
pub(crate) async fn check_not_blocked(
    conn: &mut sqlx::AnyConnection,
    keys: &[String],
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let now_s = to_db_time(now);
    let mut until: Option<String> = None;
    for key in keys {
        if let Some(row) = user_repo::throttle(conn, key).await?
            && let Some(b) = row.blocked_until
            && b > now_s
            && until.as_ref().is_none_or(|u| &b > u)
        {
            until = Some(b);
        }
    }
    let Some(until) = until else {
        return Ok(());
    };
    let seconds = DateTime::parse_from_rfc3339(&until)
        .map(|t| (t.with_timezone(&Utc) - now).num_seconds().max(1))
        .unwrap_or(60);
    let minutes = (seconds + 59) / 60;
    Err(ServiceError::Throttled {
        message: format!("登录失败次数过多，请{minutes}分钟后再试"),
        retry_after_seconds: seconds,
    })
}

/// Checks a username and password and opens a session or issues a bearer token.
///
/// Wrong password, unknown user and disabled account all answer `invalid_credentials`
/// ("用户名或密码错误"); an unknown user costs the same argon2 verification as a known one.
pub async fn login(state: &AppState, req: LoginRequest<'_>) -> ServiceResult<LoginResult> {
    let now = state.clock.now();
    let mut keys = vec![account_key(req.username)];
    if let Some(a) = req.address {
        keys.push(address_key(a));
    }
    let mut conn = state.db.pool.acquire().await?;
    check_not_blocked(&mut conn, &keys, now).await?;
    let user = user_repo::by_username(&mut conn, req.username).await?;
    drop(conn);
    // Verify against a dummy hash when the user is unknown, so timing does not reveal it.
    let ok = match &user {
        Some(u) => verify_password(req.password, &u.password_hash) && u.active == 1,
        None => {
            let _ = verify_password(req.password, dummy_hash());
            false
        }
    };
    let address = req.address.map(|a| a.to_string());
    let known_id = user.as_ref().map(|u| u.id.clone()).unwrap_or_default();
    let mut tx = state.db.begin_write().await?;
    let (Some(user), true) = (user, ok) else {
        for (key, limit) in keys.iter().zip([ACCOUNT_LIMIT, ADDRESS_LIMIT]) {
            let previous = user_repo::throttle(&mut tx, key).await?;
            let next = limit.after_failure(previous.as_ref(), now);
            user_repo::put_throttle(&mut tx, key, &next).await?;
        }
        append(
            &mut tx,
            &Actor("anonymous".into()),
            now,
            AuditEvent {
                action: "auth.login_failed",
                entity: "user",
                entity_id: &known_id,
                content: serde_json::json!({"kind": req.kind.as_str(), "address": address}),
            },
        )
        .await?;
        tx.commit().await?;
        return Err(ServiceError::invalid(
            "invalid_credentials",
            "用户名或密码错误",
        ));
    };
    user_repo::clear_throttle(&mut tx, &keys[0]).await?;
    let token = random_token()?;
    let csrf = random_token()?;
    let expires = match req.kind {
        SessionKind::Bearer => now + Duration::days(365),
        SessionKind::Cookie => now + Duration::minutes(state.settings.session_minutes),
    };
    let token_name = req
        .token_name
        .map(|n| n.trim().chars().take(100).collect::<String>())
        .filter(|n| !n.is_empty());
    user_repo::insert_session(
        &mut tx,
        &token_hash(token.expose()),
        &user.id,
        req.kind.as_str(),
        token_name.as_deref(),
        csrf.expose(),
        &to_db_time(now),
        &to_db_time(expires),
    )
    .await?;
    append(
        &mut tx,
        &Actor(user.id.clone()),
        now,
        AuditEvent {
            action: match req.kind {
                SessionKind::Cookie => "auth.login",
                SessionKind::Bearer => "auth.token_issue",
            },
            entity: "user",
            entity_id: &user.id,
            content: serde_json::json!({
                "kind": req.kind.as_str(),
                "token_name": token_name,
                "expires_at": to_db_time(expires),
                "address": address,
            }),
        },
    )
    .await?;
    tx.commit().await?;
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
        scope: scope_for(&units, role, &row.org_unit_id),
        id: row.id,
        username: row.username,
        display_name: row.display_name,
        role,
        org_unit_id: row.org_unit_id,
        officer_id: row.officer_id,
        must_change_password: row.must_change_password == 1,
        via_cookie: row.kind == "cookie",
        csrf_token: row.csrf_token,
    }))
}

/// The identity of a stored user without a session (seeding, command-line tools).
pub async fn as_user(state: &AppState, username: &str) -> ServiceResult<CurrentUser> {
    let mut conn = state.db.pool.acquire().await?;
    let row = user_repo::by_username(&mut conn, username)
        .await?
        .ok_or(ServiceError::NotFound { what: "用户" })?;
    let role = Role::parse(&row.role).ok_or_else(|| anyhow::anyhow!("unknown role in database"))?;
    let units = org_unit_repo::all(&mut conn).await?;
    Ok(CurrentUser {
        scope: scope_for(&units, role, &row.org_unit_id),
        role,
        id: row.id,
        username: row.username,
        display_name: row.display_name,
        org_unit_id: row.org_unit_id,
        officer_id: row.officer_id,
        must_change_password: row.must_change_password == 1,
        via_cookie: false,
        csrf_token: String::new(),
    })
}

/// Ends the session (logout) or revokes the bearer token with this hash.
pub async fn logout(state: &AppState, hash: &str) -> ServiceResult<()> {
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    if let Some((user_id, kind)) = user_repo::delete_session(&mut tx, hash).await? {
        append(
            &mut tx,
            &Actor(user_id.clone()),
            now,
            AuditEvent {
                action: if kind == "bearer" {
                    "auth.token_revoke"
                } else {
                    "auth.logout"
                },
                entity: "user",
                entity_id: &user_id,
                content: serde_json::json!({"kind": kind}),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Removes expired sessions and tokens (they are refused anyway; this keeps the table
/// small) and failed-login counters that no longer block anything; returns the sessions.
pub async fn purge_expired_sessions(state: &AppState) -> ServiceResult<u64> {
    let now = state.clock.now();
    let mut conn = state.db.pool.acquire().await?;
    let forgotten = now - ACCOUNT_LIMIT.window.max(ADDRESS_LIMIT.window);
    user_repo::purge_throttle(&mut conn, &to_db_time(forgotten), &to_db_time(now)).await?;
    Ok(user_repo::delete_expired_sessions(&mut conn, &to_db_time(now)).await?)
}

/// A new user account (admin only; also used by `fazhi init`, `fazhi user create` and the
/// demo seeder with `actor = None`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub username: String,
    /// The initial password. Set by an administrator, it must be changed at the first login.
    pub password: String,
    pub display_name: String,
    pub role: Role,
    pub org_unit_id: String,
    #[serde(default)]
    pub officer_id: Option<String>,
}

/// Creates an account. One created by an administrator (`actor` given) gets a password the
/// administrator knows, so its user must choose their own at the first login; `None` is the
/// system (tests, demo), whose accounts are ready to use.
pub async fn create_user(
    state: &AppState,
    actor: Option<&CurrentUser>,
    input: NewUser,
) -> ServiceResult<CurrentUserSummary> {
    let must_change = actor.is_some();
    create_user_as(state, actor, input, must_change).await
}

/// [`create_user`] with the must-change flag chosen by the caller (the command line sets
/// it: the operator typed the password for someone else).
pub async fn create_user_as(
    state: &AppState,
    actor: Option<&CurrentUser>,
    input: NewUser,
    must_change_password: bool,
) -> ServiceResult<CurrentUserSummary> {
    if let Some(a) = actor {
        a.require(Action::ManageUsers)?;
    }
    let username = input.username.trim().to_string();
    check_username(&username)?;
    let display_name = check_display_name(&input.display_name)?;
    super::password::check(&input.password, &username, &[&display_name], "password")?;
    let mut tx = state.db.begin_write().await?;
    let units = org_unit_repo::all(&mut tx).await?;
    if !units.iter().any(|u| u.id == input.org_unit_id)
        || actor.is_some_and(|a| !a.sees(&input.org_unit_id))
    {
        return Err(ServiceError::invalid_field(
            "unknown_org_unit",
            "org_unit_id",
            "所属单位不存在",
        ));
    }
    let officer_id = check_officer_link(&mut tx, actor, input.officer_id.as_deref()).await?;
    let now = state.clock.now();
    let row = user_repo::UserRow {
        id: new_id(),
        username,
        password_hash: hash_password(&input.password)?,
        display_name,
        role: input.role.as_str().to_string(),
        org_unit_id: input.org_unit_id,
        officer_id,
        active: 1,
        must_change_password: i64::from(must_change_password),
        version: 1,
    };
    user_repo::insert(&mut tx, &row, &to_db_time(now)).await?;
    append(
        &mut tx,
        &Actor(actor.map_or("system".into(), |a| a.id.clone())),
        now,
        AuditEvent {
            action: "user.create",
            entity: "user",
            entity_id: &row.id,
            content: serde_json::json!({
                "username": row.username,
                "role": row.role,
                "org_unit_id": row.org_unit_id,
                "officer_id": row.officer_id,
                "must_change_password": must_change_password,
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(summary(row, &units))
}

/// A user name: 1–64 characters, no spaces or control characters (it is typed at login).
pub(crate) fn check_username(username: &str) -> ServiceResult<()> {
    if username.is_empty()
        || username.chars().count() > 64
        || username
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(ServiceError::invalid_field(
            "invalid_username",
            "username",
            "用户名不能为空，不超过64个字符，且不能含空格",
        ));
    }
    Ok(())
}

/// A person's name as shown everywhere: 1–50 characters after trimming.
pub(crate) fn check_display_name(name: &str) -> ServiceResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 50 || name.chars().any(char::is_control) {
        return Err(ServiceError::invalid_field(
            "invalid_display_name",
            "display_name",
            "姓名不能为空，且不超过50个字",
        ));
    }
    Ok(name.to_string())
}

/// The officer (执法人员) an account acts as: it must exist and be visible to the
/// administrator.
pub(crate) async fn check_officer_link(
    conn: &mut sqlx::AnyConnection,
    actor: Option<&CurrentUser>,
    officer_id: Option<&str>,
) -> ServiceResult<Option<String>> {
    let Some(id) = officer_id.map(str::trim).filter(|i| !i.is_empty()) else {
        return Ok(None);
    };
    match crate::repo::officer_repo::get(conn, id).await? {
        Some(o) if actor.is_none_or(|a| a.sees(&o.org_unit_id)) => Ok(Some(o.id)),
        _ => Err(ServiceError::invalid_field(
            "unknown_officer",
            "officer_id",
            "关联的执法人员不存在",
        )),
    }
}

/// A user as listed to administrators.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CurrentUserSummary {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_unit_id: String,
    /// The unit's name, as the pages show it.
    pub org_unit_name: String,
    pub officer_id: Option<String>,
    /// False when the account is disabled (停用): it cannot log in.
    pub active: bool,
    /// The user must choose a new password at the next login.
    pub must_change_password: bool,
    /// Send it back as `expected_version` when editing the account.
    pub version: i64,
}

pub(crate) fn summary(
    r: user_repo::UserRow,
    units: &[org_unit_repo::OrgUnit],
) -> CurrentUserSummary {
    CurrentUserSummary {
        role: Role::parse(&r.role).unwrap_or(Role::Clerk),
        org_unit_name: units
            .iter()
            .find(|u| u.id == r.org_unit_id)
            .map(|u| u.name.clone())
            .unwrap_or_default(),
        id: r.id,
        username: r.username,
        display_name: r.display_name,
        org_unit_id: r.org_unit_id,
        officer_id: r.officer_id,
        active: r.active == 1,
        must_change_password: r.must_change_password == 1,
        version: r.version,
    }
}

/// The accounts of the units the administrator administers, by user name.
pub async fn list_users(
    state: &AppState,
    actor: &CurrentUser,
) -> ServiceResult<Vec<CurrentUserSummary>> {
    actor.require(Action::ManageUsers)?;
    let mut conn = state.db.pool.acquire().await?;
    let units = org_unit_repo::all(&mut conn).await?;
    let rows = user_repo::all(&mut conn).await?;
    Ok(rows
        .into_iter()
        .filter(|r| actor.sees(&r.org_unit_id) && Role::parse(&r.role).is_some())
        .map(|r| summary(r, &units))
        .collect())
}

/// Everyone's name by user id, to show who recorded what (names, never ids).
pub async fn user_names(state: &AppState) -> ServiceResult<HashMap<String, String>> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(user_repo::all(&mut conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}
