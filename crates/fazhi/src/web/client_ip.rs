//! The real client address of a request: the connection's peer, or — when the peer is one of
//! the reverse proxies listed in `--trusted-proxies` — the client that proxy names in
//! `X-Forwarded-For` (the rule is `infra::net::client_ip`). The middleware [`resolve`] puts
//! it into the request as [`ClientAddr`]; the per-client rate limits (login, Open311, portal)
//! key on it through [`ClientKey`].

use crate::infra::net;
use crate::service::AppState;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::net::{IpAddr, SocketAddr};
use tower_governor::GovernorError;
use tower_governor::key_extractor::KeyExtractor;

/// The client address of the request (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// Resolves the client address; requests without a peer address (never with the real
/// server) get none.
pub async fn resolve(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if let Some(ConnectInfo(peer)) = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .copied()
    {
        let forwarded = request
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            // A value that is not text stops the walk like any unreadable entry.
            .map(|v| v.to_str().unwrap_or("?"));
        let ip = net::client_ip(peer.ip(), forwarded, &state.settings.trusted_proxies);
        request.extensions_mut().insert(ClientAddr(ip));
    }
    next.run(request).await
}

/// The rate limiters' key: the resolved client address.
#[derive(Debug, Clone, Copy)]
pub struct ClientKey;

impl KeyExtractor for ClientKey {
    type Key = IpAddr;

    fn extract<T>(&self, request: &axum::http::Request<T>) -> Result<IpAddr, GovernorError> {
        request
            .extensions()
            .get::<ClientAddr>()
            .map(|c| c.0)
            .ok_or(GovernorError::UnableToExtractKey)
    }
}
