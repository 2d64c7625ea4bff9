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
use crate::web::extract::{ClientAddr, SESSION_COOKIE, strict_cookie};
use crate::web::page::{OfficeUser, PageError, PageResult, check_csrf};
use crate::web::page::{PageForm, PageQuery};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get, post};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::Cookie;
use serde::Deserialize;

/// The back-office routes. `login` wraps the login POST (rate limit).
pub fn router(
    login: impl FnOnce(MethodRouter<AppState>) -> MethodRouter<AppState>,
) -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/workbench") }))
        .route("/login", get(login_page).merge(login(post(login_submit))))
        .route("/logout", post(logout))
        .merge(workbench::routes())
        .merge(password::routes())
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
    csrf: String,
}

/// The cookie holding the login form's CSRF token (double submit: the form carries the same
/// random value; a page of another site can neither read the cookie nor send it, SameSite).
pub const LOGIN_CSRF_COOKIE: &str = "fazhi_login_csrf";

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// Where to go after login: a path of this site, percent-encoded where needed, or the work
/// bench. Anything that a browser could read as another site (`//host`, `/\host`,
/// `https://…`, `javascript:`…) falls back to the work bench; a control character (a tab a
/// browser would drop, CR/LF that would split the `Location` header) refuses the request.
pub(crate) fn safe_next(next: Option<&str>) -> Result<String, PageError> {
    const FALLBACK: &str = "/workbench";
    let Some(next) = next.filter(|n| !n.is_empty()) else {
        return Ok(FALLBACK.to_string());
    };
    if next.chars().any(char::is_control) {
        return Err(PageError::new(
            StatusCode::BAD_REQUEST,
            "链接参数有误",
            "登录后跳转地址（next 参数）含有换行或控制字符，请从页面上的链接重新进入。",
        ));
    }
    let mut chars = next.chars();
    let same_site = chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && !next.contains('\\');
    if !same_site {
        return Ok(FALLBACK.to_string());
    }
    let mut out = String::with_capacity(next.len());
    for c in next.chars() {
        if c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/?%#".contains(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    Ok(out)
}

/// The login page with a fresh CSRF token, and the cookie that holds it.
fn login_form(
    state: &AppState,
    jar: CookieJar,
    status: StatusCode,
    next: String,
    username: String,
    error: Option<String>,
) -> Response {
    let token = match crate::infra::secret::random_token() {
        Ok(t) => t,
        Err(e) => {
            return PageError::from(crate::service::ServiceError::Internal(e)).into_response();
        }
    };
    let cookie = strict_cookie(
        state,
        LOGIN_CSRF_COOKIE,
        token.expose().to_string(),
        "/login",
    );
    let page = crate::web::page::render_with(
        status,
        &LoginPage {
            next,
            username,
            error,
            csrf: token.expose().to_string(),
        },
    );
    (jar.add(cookie), page).into_response()
}

async fn login_page(
    State(state): State<AppState>,
    jar: CookieJar,
    PageQuery(q): PageQuery<NextQuery>,
) -> PageResult {
    let next = safe_next(q.next.as_deref())?;
    Ok(login_form(
        &state,
        jar,
        StatusCode::OK,
        next,
        String::new(),
        None,
    ))
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

/// Whether the form's token is the one in the login cookie (compared by digest, in constant
/// time with respect to the token).
fn login_csrf_ok(jar: &CookieJar, sent: &str) -> bool {
    use crate::infra::secret::sha256_hex;
    jar.get(LOGIN_CSRF_COOKIE).is_some_and(|c| {
        !sent.is_empty() && sha256_hex(c.value().as_bytes()) == sha256_hex(sent.as_bytes())
    })
}

async fn login_submit(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    jar: CookieJar,
    PageForm(f): PageForm<LoginForm>,
) -> PageResult {
    let next = safe_next(f.next.as_deref())?;
    let username = f.username.clone();
    let failed = |jar: CookieJar, status: StatusCode, message: String| {
        login_form(
            &state,
            jar,
            status,
            next.clone(),
            username.clone(),
            Some(message),
        )
    };
    if !login_csrf_ok(&jar, &f.csrf) {
        return Ok(failed(
            jar,
            StatusCode::FORBIDDEN,
            "登录表单已失效（CSRF 防护），请重新输入用户名和密码后登录。".into(),
        ));
    }
    if f.username.trim().is_empty() || f.password.is_empty() {
        return Ok(failed(
            jar,
            StatusCode::UNPROCESSABLE_ENTITY,
            "请输入用户名和密码".into(),
        ));
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
                return Ok(failed(
                    jar,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "登录失败，请重试".into(),
                ));
            };
            let cookie = strict_cookie(&state, SESSION_COOKIE, token.expose().to_string(), "/");
            let used = Cookie::build(LOGIN_CSRF_COOKIE).path("/login").build();
            // A password set by an administrator is changed first, then on to `next`.
            let target = if result.user.must_change_password {
                format!("/password?next={}", crate::web::page::urlencode(&next))
            } else {
                next.clone()
            };
            Ok((jar.remove(used).add(cookie), Redirect::to(&target)).into_response())
        }
        Err(crate::service::ServiceError::Invalid { message, .. }) => {
            Ok(failed(jar, StatusCode::UNPROCESSABLE_ENTITY, message))
        }
        Err(crate::service::ServiceError::Throttled { message, .. }) => {
            Ok(failed(jar, StatusCode::TOO_MANY_REQUESTS, message))
        }
        Err(e) => Err(PageError::from(e)),
    }
}

async fn logout(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    parts: Parts,
    PageForm(f): PageForm<crate::web::page::CsrfForm>,
) -> PageResult {
    check_csrf(&user, &f.csrf)?;
    let jar = crate::web::extract::end_session(&state, &parts).await?;
    Ok((jar, Redirect::to("/login")).into_response())
}
