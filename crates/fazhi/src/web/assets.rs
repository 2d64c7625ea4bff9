//! Static assets compiled into the binary (no build step, nothing fetched at run time).

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

const APP_CSS: &str = include_str!("../../assets/app.css");
const APP_JS: &str = include_str!("../../assets/app.js");
const PORTAL_CSS: &str = include_str!("../../assets/portal.css");
const PORTAL_JS: &str = include_str!("../../assets/portal.js");
const DOCUMENT_CSS: &str = include_str!("../../assets/document.css");

fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
}

pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route(
            "/assets/app.css",
            get(|| async { asset("text/css; charset=utf-8", APP_CSS) }),
        )
        .route(
            "/assets/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", APP_JS) }),
        )
        .route(
            "/assets/portal.css",
            get(|| async { asset("text/css; charset=utf-8", PORTAL_CSS) }),
        )
        .route(
            "/assets/portal.js",
            get(|| async { asset("text/javascript; charset=utf-8", PORTAL_JS) }),
        )
        .route(
            "/assets/document.css",
            get(|| async { asset("text/css; charset=utf-8", DOCUMENT_CSS) }),
        )
}
