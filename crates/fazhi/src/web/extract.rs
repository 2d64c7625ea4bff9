//! Extractors that turn bad requests into specific JSON errors, and the authentication
//! extractor: a bearer token (machine clients) or the session cookie (browsers, with the
//! CSRF token required on every write).

use super::error::ApiError;
use crate::infra::secret::token_hash;
use crate::service::auth::{self, CurrentUser};
use crate::service::complaint::MediaUpload;
use crate::service::{AppState, ServiceError};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::StatusCode;
use axum::http::request::Parts;

/// `Json<T>` whose rejection is an [`ApiError`].
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

// issue 10 part B
/// [`ApiJson`] for bodies that carry case events: after the JSON is read, its text is checked
/// as the timeline format checks a timeline's text ([`fazhi_domain::timeline::check_json_text`]),
/// so that an amount written in exponent form (`1e3`), which JSON reads as a number, is refused
/// with the format's Chinese error (422 `invalid_field`) instead of being taken as 1000.
pub struct ApiEventJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiEventJson<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        let headers = request.headers().clone();
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|e| ApiError::from(axum::extract::rejection::JsonRejection::from(e)))?;
        let mut again = axum::extract::Request::new(axum::body::Body::from(bytes.clone()));
        *again.headers_mut() = headers;
        let axum::Json(value) = axum::Json::<T>::from_request(again, state).await?;
        if let Ok(text) = std::str::from_utf8(&bytes)
            && let Err(e) = fazhi_domain::timeline::check_json_text(text)
        {
            let (field, message) = match e {
                fazhi_domain::timeline::TimelineError::Syntax { path, message, .. } => {
                    (Some(path), message)
                }
                other => (None, other.to_string()),
            };
            let mut err = ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_field",
                format!("字段内容不正确：{message}"),
            );
            err.detail.field = field;
            return Err(err);
        }
        Ok(ApiEventJson(value))
    }
}

/// `Multipart` whose rejection (not multipart, no boundary) is an [`ApiError`].
pub struct ApiMultipart(pub axum::extract::Multipart);

impl<S: Send + Sync> FromRequest<S> for ApiMultipart {
    type Rejection = ApiError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        axum::extract::Multipart::from_request(request, state)
            .await
            .map(ApiMultipart)
            .map_err(ApiError::from)
    }
}

/// Reads one file part of a multipart body (every upload handler, JSON and page alike): the
/// file's name as sent (`default_name` when the client sent none), its content type
/// (`application/octet-stream` when absent) and its bytes. Each caller turns the error into
/// its own refusal.
pub async fn read_upload(
    field: axum::extract::multipart::Field<'_>,
    default_name: &str,
) -> Result<MediaUpload, axum::extract::multipart::MultipartError> {
    let file_name = field.file_name().unwrap_or(default_name).to_string();
    let content_type = field
        .content_type()
        .unwrap_or("application/octet-stream")
        .to_string();
    let bytes = field.bytes().await?;
    Ok(MediaUpload {
        file_name,
        content_type,
        bytes: bytes.to_vec(),
    })
}

/// `Path<T>` whose rejection is an [`ApiError`].
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// `Query<T>` whose rejection is an [`ApiError`].
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

pub const SESSION_COOKIE: &str = "fazhi_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// What a user whose password was set by an administrator may still call: who am I, change
/// my password, log out. Everything else answers `password_change_required`.
const OPEN_UNTIL_PASSWORD_CHANGED: &[&str] = &["/me", "/me/password", "/sessions"];

/// The client's address (for the per-address login limit and the audit entry): the address
/// `web::client_ip` resolved (behind a trusted reverse proxy, the client it names), else the
/// peer of the TCP connection.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<super::client_ip::ClientAddr>()
                .map(|c| c.0)
                .or_else(|| {
                    parts
                        .extensions
                        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                        .map(|c| c.0.ip())
                }),
        ))
    }
}

/// A cookie only this site's pages send and no script reads: HTTP only, SameSite=Strict,
/// Secure when the configuration says the site is served over HTTPS.
pub fn strict_cookie(
    state: &AppState,
    name: &'static str,
    value: String,
    path: &'static str,
) -> axum_extra::extract::cookie::Cookie<'static> {
    axum_extra::extract::cookie::Cookie::build((name, value))
        .http_only(true)
        .same_site(axum_extra::extract::cookie::SameSite::Strict)
        .secure(state.settings.cookies_secure())
        .path(path)
        .build()
}

/// Logging out, for the JSON API and the pages alike: ends the session (or revokes the bearer
/// token) used for the request; the answer removes the session cookie.
pub async fn end_session(
    state: &AppState,
    parts: &Parts,
) -> Result<axum_extra::extract::CookieJar, ServiceError> {
    if let Some((hash, _)) = request_token_hash(parts) {
        auth::logout(state, &hash).await?;
    }
    let jar = axum_extra::extract::CookieJar::from_headers(&parts.headers);
    Ok(jar.remove(axum_extra::extract::cookie::Cookie::from(SESSION_COOKIE)))
}

/// The raw session or bearer token of the request, if any, hashed.
pub fn request_token_hash(parts: &Parts) -> Option<(String, bool)> {
    if let Some(value) = parts.headers.get(axum::http::header::AUTHORIZATION)
        && let Ok(text) = value.to_str()
        && let Some(token) = text.strip_prefix("Bearer ")
    {
        return Some((token_hash(token.trim()), false));
    }
    let jar = axum_extra::extract::CookieJar::from_headers(&parts.headers);
    jar.get(SESSION_COOKIE)
        .map(|c| (token_hash(c.value()), true))
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some((hash, from_cookie)) = request_token_hash(parts) else {
            return Err(ServiceError::Unauthenticated.into());
        };
        // The permission guard may have read the session already.
        let loaded = match parts.extensions.get::<super::guard::LoadedUser>() {
            Some(loaded) => loaded.0.clone(),
            None => auth::load_current(state, &hash).await?,
        };
        let user = loaded.ok_or(ServiceError::Unauthenticated)?;
        super::observe::RequestUser::set(parts, &user.id);
        if from_cookie && !parts.method.is_safe() {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if sent.is_empty() || sent != user.csrf_token {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "csrf_failed",
                    "缺少或错误的 CSRF 令牌（请求头 X-CSRF-Token）",
                ));
            }
        }
        let path = parts.uri.path();
        let path = path.strip_prefix("/api/v1").unwrap_or(path);
        if user.must_change_password && !OPEN_UNTIL_PASSWORD_CHANGED.contains(&path) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "password_change_required",
                "当前密码由管理员设置，须先修改密码才能继续使用（PUT /api/v1/me/password）",
            ));
        }
        Ok(user)
    }
}
