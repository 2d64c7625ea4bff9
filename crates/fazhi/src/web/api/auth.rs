//! `/api/v1/sessions`, `/api/v1/tokens`, `/api/v1/me`, `/api/v1/me/password`: logging in
//! and out, and changing one's own password.

use crate::service::auth::{self, CurrentUser, LoginRequest, LoginResult, SessionKind};
use crate::service::{AppState, account};
use crate::web::error::{ApiError, ApiResult, ErrorBody, created};
use crate::web::extract::strict_cookie;
use crate::web::extract::{ApiJson, ClientAddr, SESSION_COOKIE, end_session, request_token_hash};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    pub username: String,
    pub password: String,
    /// What the token is for, e.g. 省平台对接.
    pub name: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenResponse {
    /// Send as `Authorization: Bearer <token>`. Shown once; only its hash is stored.
    pub token: String,
    pub expires_at: String,
}

/// Log in with a browser session: sets the `fazhi_session` cookie (HttpOnly, SameSite=Strict)
/// and returns the CSRF token to send as `X-CSRF-Token` on every write. After several
/// failures for the same user name or from the same address, attempts are refused for a
/// growing delay (429 `login_throttled`, with `Retry-After`), whether or not the user exists.
/// When `user.must_change_password` is true, only `/me`, `/me/password` and logout answer
/// until the password is changed.
#[utoipa::path(post, path = "/sessions", tag = "auth", request_body = Credentials,
    responses((status = 200, body = LoginResult), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody, description = "登录过于频繁")))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    jar: CookieJar,
    ApiJson(c): ApiJson<Credentials>,
) -> ApiResult<(CookieJar, Json<LoginResult>)> {
    let mut result = auth::login(
        &state,
        LoginRequest {
            username: &c.username,
            password: &c.password,
            kind: SessionKind::Cookie,
            token_name: None,
            address,
        },
    )
    .await?;
    let token = result.token.take().ok_or_else(no_token)?;
    let cookie = strict_cookie(&state, SESSION_COOKIE, token.expose().to_string(), "/");
    Ok((jar.add(cookie), Json(result)))
}

/// A successful login that issued no token (cannot happen; answered as an internal error).
fn no_token() -> ApiError {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal_error",
        "服务器内部错误",
    )
}

/// Log out: ends the session (or revokes the bearer token) used for this request.
#[utoipa::path(delete, path = "/sessions", tag = "auth", responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn logout(
    State(state): State<AppState>,
    parts: Parts,
    _user: CurrentUser,
) -> ApiResult<(CookieJar, StatusCode)> {
    Ok((end_session(&state, &parts).await?, StatusCode::NO_CONTENT))
}

/// Issue a bearer token for a machine client (valid one year). Limited like logins.
#[utoipa::path(post, path = "/tokens", tag = "auth", request_body = TokenRequest,
    responses((status = 201, body = TokenResponse), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn issue_token(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    ApiJson(r): ApiJson<TokenRequest>,
) -> ApiResult<(StatusCode, Json<TokenResponse>)> {
    let mut result = auth::login(
        &state,
        LoginRequest {
            username: &r.username,
            password: &r.password,
            kind: SessionKind::Bearer,
            token_name: r.name.as_deref(),
            address,
        },
    )
    .await?;
    let token = result.token.take().ok_or_else(no_token)?;
    Ok(created(TokenResponse {
        token: token.expose().to_string(),
        expires_at: result.expires_at,
    }))
}

/// The logged-in user.
#[utoipa::path(get, path = "/me", tag = "auth", responses((status = 200, body = CurrentUser), (status = 401, body = ErrorBody)))]
pub async fn me(user: CurrentUser) -> Json<CurrentUser> {
    Json(user)
}

/// Change your own password: the current one, and a new one of at least 10 characters
/// that is not the user name nor a common password. Every other session and token of the
/// user ends; the one making the request stays.
#[utoipa::path(put, path = "/me/password", tag = "auth", request_body = account::PasswordChange,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn change_password(
    State(state): State<AppState>,
    parts: Parts,
    user: CurrentUser,
    ApiJson(input): ApiJson<account::PasswordChange>,
) -> ApiResult<StatusCode> {
    let keep = request_token_hash(&parts).map(|(hash, _)| hash);
    account::change_own_password(&state, &user, keep.as_deref(), &input).await?;
    Ok(StatusCode::NO_CONTENT)
}
