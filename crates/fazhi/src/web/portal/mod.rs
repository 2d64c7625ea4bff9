//! The citizens' phone portal (小程序 channel): public server-rendered pages under `/portal`
//! in Simplified Chinese, built for a 375 px phone screen and usable without JavaScript.
//!
//! - `GET /portal`: home (我要投诉 / 查询进度).
//! - `GET /portal/new`: the categories; `GET /portal/new?category=CODE`: the form;
//!   `POST /portal/new` (multipart): files the complaint and redirects (303) to its progress
//!   page — `form.rs`.
//! - `GET /portal/track?code=`: look-up form; `GET /portal/track/{code}`: progress;
//!   `POST /portal/track/{code}/rating` and `/reopen` — `track.rs`.
//!
//! Every rule is the complaint services' (`service::complaint`, `service::complaint_workflow`);
//! `service::portal` adds the one-time submission ids, the signed form stamp and the photo
//! resizing. POSTs are rate limited per client IP (`portal_rate_per_minute`, answered with a
//! Chinese 429 page), the form has a honeypot field and a minimum fill time. Pages are sent
//! `no-store`, without referrer and with a strict Content-Security-Policy (no outside request
//! unless a map tile server is configured) by `web::security`.

mod form;
mod track;

use crate::service::AppState;
use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The portal's routes (mounted at the root).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/portal", get(form::home))
        .route("/portal/", get(form::home))
        .route("/portal/new", get(form::new_page).post(form::submit))
        .route("/portal/track", get(track::lookup))
        .route("/portal/track/{code}", get(track::progress_page))
        .route("/portal/track/{code}/rating", post(track::rate))
        .route("/portal/track/{code}/reopen", post(track::reopen))
        .route("/portal/{*rest}", get(unknown_page))
        .layer(Extension(Arc::new(Shared::default())))
}

/// What the portal keeps between requests of one running application.
#[derive(Default)]
pub struct Shared {
    limiter: Limiter,
    key: tokio::sync::OnceCell<Vec<u8>>,
}

impl Shared {
    /// The key signing form stamps (read or made once, then cached).
    async fn key(&self, state: &AppState) -> Result<&[u8], Response> {
        self.key
            .get_or_try_init(|| crate::service::portal::form_key(state))
            .await
            .map(Vec::as_slice)
            .map_err(|e| {
                tracing::error!(error = %e, "portal form key unavailable");
                busy()
            })
    }

    /// The 429 page when the client has used up its POSTs for now.
    fn over_limit(&self, state: &AppState, ip: ClientIp) -> Option<Response> {
        if self
            .limiter
            .allow(ip.0, state.settings.portal_rate_per_minute)
        {
            None
        } else {
            Some(message(
                state,
                StatusCode::TOO_MANY_REQUESTS,
                "提交过于频繁",
                "您的操作过于频繁，请一分钟后再试。",
            ))
        }
    }
}

/// Per-IP token buckets: `per_minute` tokens, refilled evenly over a minute.
#[derive(Default)]
struct Limiter {
    buckets: Mutex<HashMap<Option<IpAddr>, (f64, Instant)>>,
}

impl Limiter {
    fn allow(&self, ip: Option<IpAddr>, per_minute: u32) -> bool {
        let capacity = f64::from(per_minute.max(1));
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() > 10_000 {
            buckets.retain(|_, (_, at)| now.duration_since(*at).as_secs() < 60);
        }
        let (tokens, at) = buckets.entry(ip).or_insert((capacity, now));
        let refill = now.duration_since(*at).as_secs_f64() * capacity / 60.0;
        *tokens = (*tokens + refill).min(capacity);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The client address (`None` when unknown), as `web::client_ip` resolved it: behind a
/// trusted reverse proxy, the client it names.
#[derive(Clone, Copy)]
pub struct ClientIp(Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<crate::web::client_ip::ClientAddr>()
                .map(|c| c.0),
        ))
    }
}

/// Renders a portal page (its security headers, with the portal's policy, come from
/// `web::security`).
fn page(_state: &AppState, status: StatusCode, t: &impl Template) -> Response {
    crate::web::page::render_with(status, t)
}

/// A short message page (refusals, errors, not found).
#[derive(Template)]
#[template(path = "portal/message.html")]
struct MessagePage<'a> {
    title: &'a str,
    message: &'a str,
    status: u16,
}

fn message(state: &AppState, status: StatusCode, title: &str, text: &str) -> Response {
    page(
        state,
        status,
        &MessagePage {
            title,
            message: text,
            status: status.as_u16(),
        },
    )
}

/// Any other path under `/portal`.
async fn unknown_page(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    message(
        &state,
        StatusCode::NOT_FOUND,
        "页面不存在",
        "您访问的页面不存在，请从首页重新进入。",
    )
}

fn busy() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Html("<!doctype html><meta charset=utf-8><title>系统繁忙</title><p>系统繁忙，请稍后重试。</p>".to_string()),
    )
        .into_response()
}

/// The page for a failed service call that the form cannot show next to a field.
fn service_failure(state: &AppState, e: crate::service::ServiceError) -> Response {
    use crate::service::ServiceError as E;
    match e {
        E::NotFound { .. } => not_found(state),
        E::Invalid { message: m, .. } | E::Duplicate { message: m, .. } => {
            message(state, StatusCode::UNPROCESSABLE_ENTITY, "无法办理", &m)
        }
        other => {
            tracing::error!(error = ?other, "portal service call failed");
            message(
                state,
                StatusCode::SERVICE_UNAVAILABLE,
                "系统繁忙",
                "系统繁忙，请稍后重试。您填写的内容未能提交。",
            )
        }
    }
}

/// The friendly 404 of an unknown tracking code.
fn not_found(state: &AppState) -> Response {
    track::unknown_code(state)
}

/// China time as 2026年4月1日 12:00.
fn cn_datetime(t: chrono::DateTime<chrono::Utc>) -> String {
    use chrono::{Datelike, Timelike};
    let local = t.with_timezone(&crate::service::complaint::china());
    format!(
        "{}年{}月{}日 {:02}:{:02}",
        local.year(),
        local.month(),
        local.day(),
        local.hour(),
        local.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limiter_refuses_past_the_rate() {
        let l = Limiter::default();
        let ip = Some(IpAddr::from([10, 0, 0, 1]));
        assert!((0..3).all(|_| l.allow(ip, 3)));
        assert!(!l.allow(ip, 3));
        assert!(l.allow(Some(IpAddr::from([10, 0, 0, 2])), 3));
    }
}
