//! 用户: the accounts with their role, unit and state, the form to create one, and one
//! account's page (`/users/{id}`): edit name, role, unit and linked officer, disable or
//! re-enable, reset the password (the user must change it at the next login) and end every
//! session and token. Administrators only; every write goes through `service::auth` /
//! `service::account`, which check the role and scope and write the audit entry.

use super::{FormErrors, Opt};
use crate::service::account::{self, UserUpdate};
use crate::service::auth::{self, CurrentUser, NewUser, Role};
use crate::service::{AppState, ServiceError, officer, org_unit};
use crate::web::page::{CsrfForm, Layout, OfficeUser, PageResult, check_csrf, role_label};
use crate::web::page::{OkQuery, PageForm, PageQuery, redirect, render_form};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use serde::Deserialize;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/users", get(list).post(create))
        .route("/users/{id}", get(show).post(edit))
        .route("/users/{id}/disable", post(disable))
        .route("/users/{id}/enable", post(enable))
        .route("/users/{id}/password-reset", post(reset_password))
        .route("/users/{id}/sessions/end", post(end_sessions))
}

const ROLES: [Role; 8] = Role::ALL;

pub struct UserLine {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: &'static str,
    pub unit: String,
    /// 启用 / 停用, and whether a password change is pending.
    pub state: &'static str,
    pub active: bool,
}

#[derive(Deserialize, Default)]
struct UserForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    org_unit_id: String,
    #[serde(default)]
    officer_id: String,
}

#[derive(Template)]
#[template(path = "office/admin/users.html")]
struct Page {
    layout: Layout,
    users: Vec<UserLine>,
    notice: bool,
    username: String,
    display_name: String,
    roles: Vec<Opt>,
    units: Vec<Opt>,
    officers: Vec<Opt>,
    errors: FormErrors,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    f: &UserForm,
    errors: FormErrors,
    notice: bool,
) -> PageResult {
    let users = auth::list_users(state, user).await?;
    let units = org_unit::list(state, user).await?;
    let names: HashMap<&str, &str> = units
        .iter()
        .map(|u| (u.id.as_str(), u.name.as_str()))
        .collect();
    let mut officers = vec![Opt::new("", "（不关联）", &f.officer_id)];
    officers.extend(
        officer::list(state, user)
            .await?
            .into_iter()
            .map(|o| Opt::new(o.officer.id, o.officer.name, &f.officer_id)),
    );
    let role = if f.role.is_empty() {
        "officer"
    } else {
        &f.role
    };
    render_form(
        !errors.is_empty(),
        &Page {
            layout: Layout::new(state, user, "用户", "/users"),
            users: users
                .iter()
                .map(|u| UserLine {
                    id: u.id.clone(),
                    username: u.username.clone(),
                    display_name: u.display_name.clone(),
                    role: role_label(u.role),
                    unit: names
                        .get(u.org_unit_id.as_str())
                        .map_or_else(|| u.org_unit_name.clone(), |n| n.to_string()),
                    state: state_label(u.active, u.must_change_password),
                    active: u.active,
                })
                .collect(),
            notice,
            username: f.username.clone(),
            display_name: f.display_name.clone(),
            roles: ROLES
                .iter()
                .map(|r| Opt::new(r.as_str(), role_label(*r), role))
                .collect(),
            units: units
                .iter()
                .map(|u| Opt::new(u.id.clone(), u.name.clone(), &f.org_unit_id))
                .collect(),
            officers,
            errors,
        },
    )
}

async fn list(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    PageQuery(q): PageQuery<OkQuery>,
) -> PageResult {
    page(
        &state,
        &user,
        &UserForm::default(),
        FormErrors::default(),
        q.ok.as_deref() == Some("created"),
    )
    .await
}

async fn create(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    PageForm(mut f): PageForm<UserForm>,
) -> PageResult {
    check_csrf(&user, &f.csrf)?;
    // The password is never sent back to the browser.
    let password = std::mem::take(&mut f.password);
    let mut errors = FormErrors::default();
    let role = Role::parse(&f.role);
    if role.is_none() {
        errors.add("role", "请选择角色");
    }
    if f.display_name.trim().is_empty() || f.display_name.chars().count() > 50 {
        errors.add("display_name", "姓名不能为空，且不超过50个字");
    }
    let officer_id = f.officer_id.trim();
    let officer_id = if officer_id.is_empty() {
        None
    } else {
        // Only an officer the administrator can see may be linked (and it must exist).
        match officer::get(&state, &user, officer_id).await {
            Ok(o) => Some(o.officer.id),
            Err(crate::service::ServiceError::NotFound { .. }) => {
                errors.add("officer_id", "关联的执法人员不存在");
                None
            }
            Err(e) => return Err(e.into()),
        }
    };
    let Some(role) = role.filter(|_| errors.is_empty()) else {
        // Still let the service refuse a non-administrator first.
        user.require(crate::service::permissions::Action::ManageUsers)?;
        return page(&state, &user, &f, errors, false).await;
    };
    let input = NewUser {
        username: f.username.clone(),
        password,
        display_name: f.display_name.trim().to_string(),
        role,
        org_unit_id: f.org_unit_id.clone(),
        officer_id,
    };
    match auth::create_user(&state, Some(&user), input).await {
        Ok(_) => redirect("/users?ok=created"),
        Err(crate::service::ServiceError::Duplicate { .. }) => {
            let mut errors = FormErrors::default();
            errors.add("username", format!("用户名“{}”已被使用", f.username.trim()));
            page(&state, &user, &f, errors, false).await
        }
        Err(e) => {
            let errors = FormErrors::from_service(
                e,
                &[
                    "username",
                    "password",
                    "display_name",
                    "org_unit_id",
                    "officer_id",
                ],
            )?;
            page(&state, &user, &f, errors, false).await
        }
    }
}

fn state_label(active: bool, must_change: bool) -> &'static str {
    match (active, must_change) {
        (false, _) => "已停用",
        (true, true) => "待本人修改密码",
        (true, false) => "正常",
    }
}

#[derive(Template)]
#[template(path = "office/admin/user.html")]
struct UserPage {
    layout: Layout,
    id: String,
    username: String,
    display_name: String,
    state: &'static str,
    active: bool,
    version: i64,
    sessions: usize,
    tokens: Vec<String>,
    roles: Vec<Opt>,
    units: Vec<Opt>,
    officers: Vec<Opt>,
    notice: Option<&'static str>,
    errors: FormErrors,
    reset_errors: FormErrors,
}

/// What an edit form carries back when refused.
#[derive(Deserialize, Default)]
struct EditForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    expected_version: i64,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    org_unit_id: String,
    #[serde(default)]
    officer_id: String,
}

#[derive(Deserialize, Default)]
struct ResetForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    new_password: String,
}

/// What one account's page shows besides the account: the edit form as typed (after a
/// refusal), the refusals of the edit and the reset form, a notice.
#[derive(Default)]
struct Shown<'a> {
    edit: Option<&'a EditForm>,
    errors: FormErrors,
    reset_errors: FormErrors,
    notice: Option<&'static str>,
}

async fn user_page(state: &AppState, user: &CurrentUser, id: &str, shown: Shown<'_>) -> PageResult {
    let Shown {
        edit,
        errors,
        reset_errors,
        notice,
    } = shown;
    let detail = account::get(state, user, id).await?;
    let u = &detail.user;
    let units = org_unit::list(state, user).await?;
    let role = edit.map_or(u.role.as_str(), |f| f.role.as_str());
    let unit = edit.map_or(u.org_unit_id.as_str(), |f| f.org_unit_id.as_str());
    let officer_id = edit.map_or(u.officer_id.as_deref().unwrap_or(""), |f| {
        f.officer_id.as_str()
    });
    let mut officers = vec![Opt::new("", "（不关联）", officer_id)];
    officers.extend(
        officer::list(state, user)
            .await?
            .into_iter()
            .map(|o| Opt::new(o.officer.id, o.officer.name, officer_id)),
    );
    render_form(
        !(errors.is_empty() && reset_errors.is_empty()),
        &UserPage {
            layout: Layout::new(state, user, &format!("用户 {}", u.display_name), "/users"),
            id: u.id.clone(),
            username: u.username.clone(),
            display_name: edit.map_or_else(|| u.display_name.clone(), |f| f.display_name.clone()),
            state: state_label(u.active, u.must_change_password),
            active: u.active,
            version: u.version,
            sessions: detail.sessions.len(),
            tokens: detail
                .sessions
                .iter()
                .filter(|s| s.kind == "bearer")
                .map(|s| s.name.clone().unwrap_or_else(|| "未命名令牌".into()))
                .collect(),
            roles: ROLES
                .iter()
                .map(|r| Opt::new(r.as_str(), role_label(*r), role))
                .collect(),
            units: units
                .iter()
                .map(|x| Opt::new(x.id.clone(), x.name.clone(), unit))
                .collect(),
            officers,
            notice,
            errors,
            reset_errors,
        },
    )
}

async fn show(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path(id): Path<String>,
    PageQuery(q): PageQuery<OkQuery>,
) -> PageResult {
    let notice = match q.ok.as_deref() {
        Some("saved") => Some("已保存"),
        Some("disabled") => Some("已停用该账号，其会话和令牌已全部结束"),
        Some("enabled") => Some("已启用该账号"),
        Some("reset") => {
            Some("已重置密码：请将新密码告知本人，其下次登录须修改密码；原有会话和令牌已全部结束")
        }
        Some("ended") => Some("已结束该用户的全部会话和令牌"),
        _ => None,
    };
    user_page(
        &state,
        &user,
        &id,
        Shown {
            notice,
            ..Shown::default()
        },
    )
    .await
}

async fn edit(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path(id): Path<String>,
    PageForm(f): PageForm<EditForm>,
) -> PageResult {
    check_csrf(&user, &f.csrf)?;
    let Some(role) = Role::parse(&f.role) else {
        user.require(crate::service::permissions::Action::ManageUsers)?;
        let mut errors = FormErrors::default();
        errors.add("role", "请选择角色");
        let edit = Some(&f);
        return user_page(
            &state,
            &user,
            &id,
            Shown {
                edit,
                errors,
                ..Shown::default()
            },
        )
        .await;
    };
    let input = UserUpdate {
        expected_version: f.expected_version,
        display_name: f.display_name.clone(),
        role,
        org_unit_id: f.org_unit_id.clone(),
        officer_id: Some(f.officer_id.clone()).filter(|o| !o.trim().is_empty()),
    };
    match account::update(&state, &user, &id, input).await {
        Ok(_) => redirect(&format!("/users/{id}?ok=saved")),
        Err(ServiceError::VersionConflict { .. }) => {
            let errors = FormErrors::for_form(
                "该账号已被他人修改，下面显示的是修改后的内容，请核对后重新保存",
            );
            user_page(
                &state,
                &user,
                &id,
                Shown {
                    errors,
                    ..Shown::default()
                },
            )
            .await
        }
        Err(e) => {
            let fields = ["display_name", "role", "org_unit_id", "officer_id"];
            let errors = FormErrors::from_service(e, &fields)?;
            let edit = Some(&f);
            user_page(
                &state,
                &user,
                &id,
                Shown {
                    edit,
                    errors,
                    ..Shown::default()
                },
            )
            .await
        }
    }
}

/// A one-button action: the result as a notice, a refusal above the page's form.
async fn act(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    result: Result<&'static str, ServiceError>,
) -> PageResult {
    match result {
        Ok(ok) => redirect(&format!("/users/{id}?ok={ok}")),
        Err(e) => {
            let errors = FormErrors::from_service(e, &[])?;
            user_page(
                state,
                user,
                id,
                Shown {
                    errors,
                    ..Shown::default()
                },
            )
            .await
        }
    }
}

async fn disable(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path(id): Path<String>,
    PageForm(f): PageForm<CsrfForm>,
) -> PageResult {
    check_csrf(&user, &f.csrf)?;
    let r = account::set_active(&state, Some(&user), &id, false).await;
    act(&state, &user, &id, r.map(|_| "disabled")).await
}

async fn enable(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path(id): Path<String>,
    PageForm(f): PageForm<CsrfForm>,
) -> PageResult {
    check_csrf(&user, &f.csrf)?;
    let r = account::set_active(&state, Some(&user), &id, true).await;
    act(&state, &user, &id, r.map(|_| "enabled")).await
}

async fn end_sessions(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path(id): Path<String>,
    PageForm(f): PageForm<CsrfForm>,
) -> PageResult {
    check_csrf(&user, &f.csrf)?;
    let r = account::end_sessions(&state, &user, &id).await;
    act(&state, &user, &id, r.map(|_| "ended")).await
}

async fn reset_password(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path(id): Path<String>,
    PageForm(f): PageForm<ResetForm>,
) -> PageResult {
    check_csrf(&user, &f.csrf)?;
    match account::reset_password(&state, Some(&user), &id, &f.new_password).await {
        Ok(_) => redirect(&format!("/users/{id}?ok=reset")),
        Err(e) => {
            let reset_errors = FormErrors::from_service(e, &["new_password"])?;
            user_page(
                &state,
                &user,
                &id,
                Shown {
                    reset_errors,
                    ..Shown::default()
                },
            )
            .await
        }
    }
}
