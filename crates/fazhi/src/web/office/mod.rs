//! The back office (工作台): server-rendered pages for the bureau's staff. Each area owns
//! its routes in its own file; this module logs users in and out and mounts the areas.
//! Every handler takes an [`OfficeUser`] (no session → login page), checks the role through
//! the same service functions as the JSON API, and checks the form's CSRF token on POST.

mod admin;
mod case_new;
mod case_record;
mod case_steps;
mod cases;
mod complaints;
mod dashboard;
mod documents;
mod form;
mod password;
mod workbench;

use crate::service::AppState;
use crate::service::auth;
use crate::web::extract::{ClientAddr, SESSION_COOKIE};
use crate::web::page::{OfficeUser, PageResult, check_csrf, render};
use crate::web::page::{PageForm, PageQuery};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get, post};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::Deserialize;

/// The back-office routes. `login` wraps the login POST (rate limit).
pub fn router(
    login: impl FnOnce(MethodRouter<AppState>) -> MethodRouter<AppState>,
) -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/workbench") }))
        .route("/login", get(login_page).merge(login(post(login_submit))))
        .route("/logout", post(logout))
        .merge(password::routes())
        .merge(workbench::routes())
        .merge(cases::routes())
        .merge(complaints::routes())
        .merge(admin::routes())
        .merge(dashboard::routes())
}

#[derive(Template)]
#[template(path = "office/login.html")]
struct LoginPage {
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// Only local paths may be the target after login (no open redirect).
pub(crate) fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") => {
            n.to_string()
        }
        _ => "/workbench".to_string(),
    }
}

async fn login_page(PageQuery(q): PageQuery<NextQuery>) -> Response {
    render(&LoginPage {
        next: safe_next(q.next.as_deref()),
        username: String::new(),
        error: None,
    })
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

async fn login_submit(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    jar: CookieJar,
    PageForm(f): PageForm<LoginForm>,
) -> Response {
    let next = safe_next(f.next.as_deref());
    let failed = |message: String| {
        crate::web::page::render_with(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            &LoginPage {
                next: next.clone(),
                username: f.username.clone(),
                error: Some(message),
            },
        )
    };
    if f.username.trim().is_empty() || f.password.is_empty() {
        return failed("请输入用户名和密码".into());
    }
    let attempt = auth::LoginRequest {
        username: f.username.trim(),
        password: &f.password,
        kind: auth::SessionKind::Cookie,
        token_name: None,
        address,
    };
    match auth::login(&state, attempt).await {
        Ok(mut result) => {
            let Some(token) = result.token.take() else {
                return failed("登录失败，请重试".into());
            };
            let cookie = Cookie::build((SESSION_COOKIE, token.expose().to_string()))
                .http_only(true)
                .same_site(SameSite::Strict)
                .secure(state.settings.secure_cookies)
                .path("/")
                .build();
            // A password set by an administrator is changed first, then on to `next`.
            let target = if result.user.must_change_password {
                format!("/password?next={}", crate::web::page::urlencode(&next))
            } else {
                next.clone()
            };
            (jar.add(cookie), Redirect::to(&target)).into_response()
        }
        Err(
            crate::service::ServiceError::Invalid { message, .. }
            | crate::service::ServiceError::Throttled { message, .. },
        ) => failed(message),
        Err(e) => crate::web::page::PageError::from(e).into_response(),
    }
}

#[derive(Deserialize)]
struct CsrfOnly {
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    parts: Parts,
    PageForm(f): PageForm<CsrfOnly>,
) -> PageResult {
    check_csrf(&user, &f.csrf)?;
    if let Some((hash, _)) = crate::web::extract::request_token_hash(&parts) {
        auth::logout(&state, &hash).await?;
    }
    let jar = CookieJar::from_headers(&parts.headers).remove(Cookie::from(SESSION_COOKIE));
    Ok((jar, Redirect::to("/login")).into_response())
}
