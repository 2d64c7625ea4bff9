//! Prometheus metrics: the process-wide recorder (the `metrics` facade with the
//! `metrics-exporter-prometheus` recorder, installed once) and every metric the platform
//! exposes, named here so that the names live in one place. `web::metrics` serves them at
//! `/metrics` to the clients the settings allow.
//!
//! | metric | type | labels | set by |
//! |---|---|---|---|
//! | `fazhi_http_requests_total` | counter | `method`, `route`, `status` | every answer (`web::observe`) |
//! | `fazhi_http_request_duration_seconds` | histogram | `method`, `route` | every answer |
//! | `fazhi_intake_queue_depth` | gauge | `writer` | the group-commit writer (`infra::group_commit`) |
//! | `fazhi_intake_batch_size` | histogram | `writer` | each committed batch |
//! | `fazhi_intake_batch_duration_seconds` | histogram | `writer` | each committed batch |
//! | `fazhi_db_pool_connections`, `fazhi_db_pool_idle_connections`, `fazhi_db_pool_max_connections` | gauge | — | each scrape |
//! | `fazhi_audit_checkpoint_age_seconds` | gauge | — | each scrape, from [`audit_checkpoint_taken`] |
//! | `fazhi_csp_violations_total` | counter | `directive` | CSP reports of browsers (`web::security`) |
//!
//! Routes are label values only as templates (`/api/v1/cases/{id}`), never as raw paths, so
//! the number of series stays bounded and no id or token reaches the metrics.

use chrono::{DateTime, Utc};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicI64, Ordering};

pub const HTTP_REQUESTS: &str = "fazhi_http_requests_total";
pub const HTTP_DURATION: &str = "fazhi_http_request_duration_seconds";
pub const INTAKE_QUEUE_DEPTH: &str = "fazhi_intake_queue_depth";
pub const INTAKE_BATCH_SIZE: &str = "fazhi_intake_batch_size";
pub const INTAKE_BATCH_DURATION: &str = "fazhi_intake_batch_duration_seconds";
pub const DB_POOL_CONNECTIONS: &str = "fazhi_db_pool_connections";
pub const DB_POOL_IDLE: &str = "fazhi_db_pool_idle_connections";
pub const DB_POOL_MAX: &str = "fazhi_db_pool_max_connections";
pub const AUDIT_CHECKPOINT_AGE: &str = "fazhi_audit_checkpoint_age_seconds";
pub const CSP_VIOLATIONS: &str = "fazhi_csp_violations_total";

/// Latency buckets, seconds.
const DURATION_BUCKETS: &[f64] = &[
    0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Batch size buckets, jobs.
const BATCH_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Unix time (seconds) of the newest audit checkpoint; `i64::MIN` before the first.
static LAST_AUDIT_CHECKPOINT: AtomicI64 = AtomicI64::new(i64::MIN);

/// The recorder's handle, installing the recorder on first use. Idempotent: every
/// application in the process (tests start many) shares the one recorder.
pub fn handle() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Suffix("_duration_seconds".into()),
                DURATION_BUCKETS,
            )
            .and_then(|b| {
                b.set_buckets_for_metric(Matcher::Full(INTAKE_BATCH_SIZE.into()), BATCH_BUCKETS)
            });
        let recorder = match builder {
            Ok(b) => b.build_recorder(),
            // Only an empty bucket list fails, and ours are constants.
            Err(e) => {
                tracing::error!(error = %e, "metrics buckets refused; using summaries");
                PrometheusBuilder::new().build_recorder()
            }
        };
        let handle = recorder.handle();
        if let Err(e) = metrics::set_global_recorder(recorder) {
            tracing::warn!(error = %e, "another metrics recorder is installed; /metrics stays empty");
        }
        describe();
        handle
    })
}

fn describe() {
    metrics::describe_counter!(
        HTTP_REQUESTS,
        "Answered HTTP requests by route template and status."
    );
    metrics::describe_histogram!(
        HTTP_DURATION,
        metrics::Unit::Seconds,
        "Time from receiving a request to its answer's headers, by route template."
    );
    metrics::describe_gauge!(
        INTAKE_QUEUE_DEPTH,
        "Jobs waiting for the group-commit writer."
    );
    metrics::describe_histogram!(
        INTAKE_BATCH_SIZE,
        "Jobs committed together in one transaction."
    );
    metrics::describe_histogram!(
        INTAKE_BATCH_DURATION,
        metrics::Unit::Seconds,
        "Time one group-commit batch took, commit included."
    );
    metrics::describe_gauge!(
        DB_POOL_CONNECTIONS,
        "Open database connections of the pool."
    );
    metrics::describe_gauge!(DB_POOL_IDLE, "Idle database connections of the pool.");
    metrics::describe_gauge!(
        DB_POOL_MAX,
        "Largest number of connections the pool may open."
    );
    metrics::describe_gauge!(
        AUDIT_CHECKPOINT_AGE,
        metrics::Unit::Seconds,
        "Seconds since the newest signed audit checkpoint (absent before the first)."
    );
    metrics::describe_counter!(
        CSP_VIOLATIONS,
        "Content-Security-Policy violations reported by browsers, by directive."
    );
}

/// Counts one answered request.
pub fn record_request(method: &str, route: &str, status: u16, seconds: f64) {
    let labels = [("method", method.to_string()), ("route", route.to_string())];
    metrics::counter!(
        HTTP_REQUESTS,
        &[
            ("method", method.to_string()),
            ("route", route.to_string()),
            ("status", status.to_string()),
        ]
    )
    .increment(1);
    metrics::histogram!(HTTP_DURATION, &labels).record(seconds);
}

/// The number of jobs waiting for a group-commit writer.
pub fn intake_queue_depth(writer: &'static str, depth: usize) {
    metrics::gauge!(INTAKE_QUEUE_DEPTH, "writer" => writer).set(depth as f64);
}

/// One committed group-commit batch.
pub fn intake_batch(writer: &'static str, size: usize, seconds: f64) {
    metrics::histogram!(INTAKE_BATCH_SIZE, "writer" => writer).record(size as f64);
    metrics::histogram!(INTAKE_BATCH_DURATION, "writer" => writer).record(seconds);
}

/// A browser reported a Content-Security-Policy violation of `directive`.
pub fn csp_violation(directive: &'static str) {
    metrics::counter!(CSP_VIOLATIONS, "directive" => directive).increment(1);
}

/// **The place the audit checkpoints feed**: call it each time a signed audit checkpoint
/// has been written (by the automatic checkpoints and by `fazhi audit checkpoint` run inside
/// the server). `/metrics` then shows `fazhi_audit_checkpoint_age_seconds`, the time since
/// the newest one, computed on the application clock at each scrape, so an alert can fire
/// when checkpoints stop.
pub fn audit_checkpoint_taken(at: DateTime<Utc>) {
    LAST_AUDIT_CHECKPOINT.fetch_max(at.timestamp(), Ordering::Relaxed);
}

/// Starts (once per process) the task that folds recorded histogram values into their
/// buckets every few seconds, so that memory stays bounded between scrapes. Needs a tokio
/// runtime.
pub fn start_upkeep() {
    static STARTED: OnceLock<()> = OnceLock::new();
    STARTED.get_or_init(|| {
        let handle = handle().clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(5));
            loop {
                tick.tick().await;
                handle.run_upkeep();
            }
        });
    });
}

/// Sets the gauges that are sampled at scrape time.
pub fn sample(now: DateTime<Utc>, pool: &sqlx::AnyPool) {
    let size = pool.size();
    let idle = pool.num_idle();
    metrics::gauge!(DB_POOL_CONNECTIONS).set(f64::from(size));
    metrics::gauge!(DB_POOL_IDLE).set(idle as f64);
    metrics::gauge!(DB_POOL_MAX).set(f64::from(pool.options().get_max_connections()));
    let last = LAST_AUDIT_CHECKPOINT.load(Ordering::Relaxed);
    if last != i64::MIN {
        metrics::gauge!(AUDIT_CHECKPOINT_AGE).set((now.timestamp() - last).max(0) as f64);
    }
}

/// The Prometheus text exposition of every metric, with the sampled gauges fresh.
pub fn render(now: DateTime<Utc>, pool: &sqlx::AnyPool) -> String {
    let handle = handle();
    sample(now, pool);
    handle.run_upkeep();
    handle.render()
}
