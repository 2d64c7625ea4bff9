//! `GET /metrics`: the Prometheus text exposition of `infra::metrics` (requests and latency
//! per route, the complaint intake's queue and batches, the database pool, the age of the
//! newest audit checkpoint).
//!
//! Restricted by the settings: a client whose address (after `--trusted-proxies`) is in
//! `--metrics-allow` (default: the machine itself), or any client sending
//! `Authorization: Bearer <token>` with the token of `--metrics-token-file`. Everyone else
//! gets 403.

use super::client_ip::ClientAddr;
use super::error::ApiError;
use crate::infra::metrics;
use crate::infra::secret::sha256_hex;
use crate::service::AppState;
use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Whether the request may read the metrics.
fn allowed(state: &AppState, client: Option<ClientAddr>, headers: &HeaderMap) -> bool {
    if client.is_some_and(|c| state.settings.metrics_networks.contains(c.0)) {
        return true;
    }
    let Some(token) = &state.settings.metrics_token else {
        return false;
    };
    let sent = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    // Digests of equal length: the comparison's time says nothing about the token.
    sent.is_some_and(|s| sha256_hex(s.as_bytes()) == sha256_hex(token.expose().as_bytes()))
}

pub async fn metrics(
    State(state): State<AppState>,
    client: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
) -> Response {
    if !allowed(&state, client.map(|Extension(c)| c), &headers) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "metrics_forbidden",
            "无权读取监控指标：请从允许的地址访问（--metrics-allow），或携带监控令牌（--metrics-token-file）",
        )
        .into_response();
    }
    let body = metrics::render(state.clock.now(), &state.db.pool);
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}
