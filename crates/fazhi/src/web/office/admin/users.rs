//! 用户: the accounts with their role and unit, and the form to create one (administrators;
//! the service hashes the password with argon2 and writes the audit entry).

use super::{FormErrors, Opt};
use crate::service::auth::{self, CurrentUser, NewUser, Role};
use crate::service::{AppState, officer, org_unit};
use crate::web::page::{Layout, OfficeUser, PageResult, check_csrf, render_with, role_label};
use crate::web::page::{PageForm, PageQuery};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use serde::Deserialize;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new().route("/users", get(list).post(create))
}

const ROLES: [Role; 8] = [
    Role::Admin,
    Role::Leader,
    Role::Legal,
    Role::Officer,
    Role::Dispatcher,
    Role::Clerk,
    Role::Mediator,
    Role::Partner,
];

pub struct UserLine {
    pub username: String,
    pub display_name: String,
    pub role: &'static str,
    pub unit: String,
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

#[derive(Deserialize)]
struct OkQuery {
    ok: Option<String>,
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
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render_with(
        status,
        &Page {
            layout: Layout::new(state, user, "用户", "/users"),
            users: users
                .iter()
                .map(|u| UserLine {
                    username: u.username.clone(),
                    display_name: u.display_name.clone(),
                    role: role_label(u.role),
                    unit: names
                        .get(u.org_unit_id.as_str())
                        .map_or_else(|| "—".to_string(), |n| n.to_string()),
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
    ))
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
        user.require(&[Role::Admin])?;
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
        Ok(_) => Ok(Redirect::to("/users?ok=created").into_response()),
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
