//! HTTP surfaces: `api/` is the JSON API, `open311/` the GeoReport v2 server, `office/` the
//! back office's pages and `portal/` the citizens' phone portal (`page.rs` is what pages
//! share, `assets.rs` the embedded CSS/JS). [`Application`] binds the listener (port 0 in tests),
//! applies body limits and rate limits, and serves until shut down.
//!
//! Around every route, outermost first: `observe` (request id, the JSON request log line,
//! per-route metrics), `client_ip` (the real client behind trusted proxies, which the rate
//! limits key on), `security` (CSP and the other security headers, `no-store`), then the
//! body limits, and innermost `guard` (the permission table: a route's use case refused to the
//! caller's post answers 403 before the handler runs). `/metrics` (restricted, `metrics.rs`) and `/csp-report` sit beside
//! `/healthz`.

pub mod api;
pub mod assets;
pub mod client_ip;
pub mod error;
pub mod extract;
pub mod guard;
pub mod metrics;
pub mod observe;
pub mod office;
pub mod open311;
pub mod page;
pub mod portal;
pub mod security;

use crate::service::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use error::ApiError;
use std::net::SocketAddr;
use std::sync::Arc;
use tower_governor::GovernorLayer;
use tower_governor::governor::GovernorConfigBuilder;
use tower_http::limit::RequestBodyLimitLayer;
use utoipa_swagger_ui::SwaggerUi;

/// Largest request body (evidence photos and videos clips go through multipart).
pub const MAX_BODY_BYTES: usize = 20 * 1024 * 1024;

/// The whole router.
pub fn router(state: AppState) -> Router {
    crate::infra::metrics::handle();
    let per_minute = u64::from(state.settings.login_rate_per_minute.max(1));
    let governor = GovernorConfigBuilder::default()
        .key_extractor(client_ip::ClientKey)
        .period(std::time::Duration::from_millis(60_000 / per_minute))
        .burst_size(u32::try_from(per_minute).unwrap_or(30))
        .finish()
        .map(Arc::new);
    let page_governor = governor.clone();
    let (api, doc) = api::build(|login| match governor {
        Some(config) => login.layer(GovernorLayer::new(config).error_handler(|_| {
            ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "请求过于频繁，请稍后再试",
            )
            .into_response()
        })),
        None => login,
    });
    let office = office::router(|login| match page_governor {
        Some(config) => login.layer(GovernorLayer::new(config).error_handler(|_| {
            page::PageError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "登录过于频繁",
                "登录尝试过于频繁，请一分钟后再试。",
            )
            .into_response()
        })),
        None => login,
    });
    let mut doc_json = doc;
    if let Some(public) = &state.settings.public_url {
        doc_json.servers = Some(vec![utoipa::openapi::Server::new(public.join("/api/v1"))]);
    }
    let open311 = open311::router(&state);
    Router::new()
        .nest("/api/v1", api)
        .nest("/open311/v2", open311)
        .merge(SwaggerUi::new("/api/v1/docs").url("/api/v1/openapi.json", doc_json))
        .merge(office)
        .merge(portal::router())
        .merge(assets::router())
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(metrics::metrics))
        .route(
            security::CSP_REPORT_PATH,
            post(security::csp_report).layer(DefaultBodyLimit::max(security::CSP_REPORT_MAX_BYTES)),
        )
        .fallback(not_found)
        .layer(from_fn_with_state(state.clone(), guard::check))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(from_fn(too_large_in_words))
        .layer(from_fn_with_state(state.clone(), security::headers))
        .layer(from_fn_with_state(state.clone(), client_ip::resolve))
        .layer(from_fn(observe::observe))
        .with_state(state)
}

/// The body limit's bare 413 (a declared length over [`MAX_BODY_BYTES`] is refused before
/// any handler runs) in the words of the surface: a JSON error under `/api`, a GeoReport
/// error under `/open311`, the Chinese error page elsewhere.
async fn too_large_in_words(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    let bare = response.status() == StatusCode::PAYLOAD_TOO_LARGE
        && !response
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.contains("json") || t.contains("xml") || t.contains("html"));
    if !bare {
        return response;
    }
    let message = format!(
        "请求体超过{}MB上限，请减少或压缩上传的文件",
        MAX_BODY_BYTES / (1024 * 1024)
    );
    if path.starts_with("/api/") {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", message).into_response()
    } else if path.starts_with("/open311/") {
        open311::render::error(
            open311::render::Format::of_path(&path),
            StatusCode::PAYLOAD_TOO_LARGE,
            message,
        )
    } else {
        page::PageError::new(StatusCode::PAYLOAD_TOO_LARGE, "上传内容过大", message).into_response()
    }
}

/// Unknown paths: JSON under the machine interfaces, the Chinese error page elsewhere.
async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    let path = uri.path();
    if path.starts_with("/api/") || path.starts_with("/open311/") {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "页面或接口不存在").into_response()
    } else {
        page::PageError::not_found().into_response()
    }
}

/// A bound, not yet serving application.
pub struct Application {
    listener: tokio::net::TcpListener,
    router: Router,
}

impl Application {
    pub async fn bind(state: AppState, addr: SocketAddr) -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        crate::infra::metrics::start_upkeep();
        Ok(Self {
            listener,
            router: router(state),
        })
    }

    pub fn local_addr(&self) -> anyhow::Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    /// Serves until Ctrl-C or SIGTERM, finishing requests in flight.
    pub async fn serve(self) -> anyhow::Result<()> {
        self.serve_until(shutdown_signal()).await
    }

    /// Serves until the future completes (tests).
    pub async fn serve_until(
        self,
        stop: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(stop)
        .await?;
        Ok(())
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
