//! The process log on standard error: JSON lines (the default of `fazhi serve`, for log
//! collectors) or text (the default of the demo and the other commands).
//!
//! In JSON, every answered request gets one line with target [`REQUEST_TARGET`] (written by
//! `web::observe`): `request_id`, `user_id` (the account's id, never its name), `method`,
//! `route` (the route template, so no id, query string or token appears), `status` and
//! `latency_ms`. Every other line written while a request is handled carries the request's
//! `request_id` in its `span` object, so an internal error can be matched to the request and
//! to the `X-Request-Id` the client saw. Text logs leave the request lines out unless
//! `RUST_LOG` asks for them (`RUST_LOG=info,fazhi::request=info`); `RUST_LOG` overrides the
//! filter in both formats (`RUST_LOG=info,fazhi::request=off` turns the request lines off).

use tracing_subscriber::EnvFilter;

/// Target of the one line per answered request.
pub const REQUEST_TARGET: &str = "fazhi::request";

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One JSON object per line, with a line per request.
    Json,
    /// Human-readable lines, without the request lines.
    Text,
}

/// The filter when `RUST_LOG` is not set.
pub fn default_filter(format: LogFormat) -> &'static str {
    match format {
        LogFormat::Json => "info,sqlx=warn",
        LogFormat::Text => "info,sqlx=warn,fazhi::request=off",
    }
}

/// Installs the process-wide log subscriber writing to standard error.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(default_filter(format)));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init(),
        LogFormat::Text => builder.init(),
    }
}
