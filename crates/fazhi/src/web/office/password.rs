//! 修改密码: every user changes their own password here. A user whose password was set by
//! an administrator (a reset, a new account) is sent here after login and cannot open any
//! other page until the change is made (see `OfficeUser`).

use super::admin::FormErrors;
use crate::service::AppState;
use crate::service::account::{self, PasswordChange};
use crate::web::extract::request_token_hash;
use crate::web::page::{Layout, OfficeUser, PageForm, PageQuery, PageResult};
use crate::web::page::{check_csrf, redirect, render_form};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::request::Parts;
use axum::routing::get;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/password", get(form).post(change))
}

#[derive(Template)]
#[template(path = "office/password.html")]
struct Page {
    layout: Layout,
    must_change: bool,
    next: String,
    errors: FormErrors,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

#[derive(Deserialize, Default)]
struct ChangeForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password_again: String,
    next: Option<String>,
}

fn page(
    state: &AppState,
    user: &crate::service::auth::CurrentUser,
    next: String,
    errors: FormErrors,
) -> PageResult {
    render_form(
        !errors.is_empty(),
        &Page {
            layout: Layout::new(state, user, "修改密码", "/password"),
            must_change: user.must_change_password,
            next,
            errors,
        },
    )
}

async fn form(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    PageQuery(q): PageQuery<NextQuery>,
) -> PageResult {
    let next = super::safe_next(q.next.as_deref())?;
    page(&state, &user, next, FormErrors::default())
}

async fn change(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    parts: Parts,
    PageForm(f): PageForm<ChangeForm>,
) -> PageResult {
    check_csrf(&user, &f.csrf)?;
    let next = super::safe_next(f.next.as_deref())?;
    let mut errors = FormErrors::default();
    if f.current_password.is_empty() {
        errors.add("current_password", "请输入当前密码");
    }
    if f.new_password != f.new_password_again {
        errors.add("new_password_again", "两次输入的新密码不一致");
    }
    if !errors.is_empty() {
        return page(&state, &user, next, errors);
    }
    let keep = request_token_hash(&parts).map(|(hash, _)| hash);
    let input = PasswordChange {
        current_password: f.current_password,
        new_password: f.new_password,
    };
    match account::change_own_password(&state, &user, keep.as_deref(), &input).await {
        Ok(()) => {
            let sep = if next.contains('?') { '&' } else { '?' };
            redirect(&format!("{next}{sep}password=changed"))
        }
        Err(crate::service::ServiceError::Throttled { message, .. }) => {
            let errors = FormErrors::for_form(message);
            page(&state, &user, next, errors)
        }
        Err(e) => {
            let errors = FormErrors::from_service(e, &["current_password", "new_password"])?;
            page(&state, &user, next, errors)
        }
    }
}
