//! Seeing what happens: every answer gets a request id (sent back as `X-Request-Id`), one
//! log line (target `fazhi::request`, JSON under `fazhi serve`, see `infra::logging`) and
//! its place in the per-route metrics (`infra::metrics`).
//!
//! The line holds the request id, the id of the logged-in account (set by the
//! authentication extractors through [`RequestUser`]), the method, the **route template**
//! (`/api/v1/cases/{id}`, never the path as sent, so no id, query string, tracking code or
//! token reaches the log), the status and the latency. No header, body or client address is
//! logged. Everything else logged while the request is handled is inside a span carrying
//! the same `request_id`.

use crate::infra::logging::REQUEST_TARGET;
use crate::infra::metrics;
use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use std::sync::{Arc, OnceLock};
use std::time::Instant;
use tracing::Instrument;

/// The header carrying the request id back to the client.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The route label of a request that matched no route (a 404 of the fallback).
pub const UNMATCHED: &str = "unmatched";

/// Where the authentication extractors leave the id of the account behind the request.
#[derive(Debug, Clone, Default)]
pub struct RequestUser(Arc<OnceLock<String>>);

impl RequestUser {
    /// Records the account of the request being handled (first call wins).
    pub fn set(parts: &Parts, user_id: &str) {
        if let Some(slot) = parts.extensions.get::<RequestUser>() {
            let _ = slot.0.set(user_id.to_string());
        }
    }

    fn get(&self) -> Option<&str> {
        self.0.get().map(String::as_str)
    }
}

/// The id of the request being handled.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The method as a label: the standard ones by name, anything else `OTHER` (a client must not
/// be able to create metric series at will).
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// The middleware (see the module doc). It must wrap the routes (`Router::layer`), so that
/// the matched route is known.
pub async fn observe(mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = uuid::Uuid::now_v7().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| UNMATCHED.to_string(), |m| m.as_str().to_string());
    let method = method_label(request.method()).to_string();
    let user = RequestUser::default();
    request.extensions_mut().insert(user.clone());
    request.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!("request", request_id = %id);
    let mut response = next.run(request).instrument(span).await;
    let elapsed = started.elapsed().as_secs_f64();
    if let Ok(v) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, v);
    }
    let status = response.status().as_u16();
    tracing::info!(
        target: REQUEST_TARGET,
        request_id = %id,
        user_id = user.get(),
        method = %method,
        route = %route,
        status,
        latency_ms = (elapsed * 1_000_000.0).round() / 1000.0,
        "request"
    );
    metrics::record_request(&method, &route, status, elapsed);
    response
}
