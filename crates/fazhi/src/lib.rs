//! fazhi (法治): the rule-of-law platform of a city-management bureau.
//!
//! Layers, inner to outer: the pure rules live in the `fazhi-domain` and `fazhi-calendar`
//! crates; here `repo/` holds SQL, `service/` the use cases (transactions, permissions,
//! audit), `web/` the HTTP surfaces, `infra/` configuration, database and clock, and
//! `cli` the command line. See `docs/ARCHITECTURE.md`.

pub mod cli;
pub mod infra;
pub mod repo;
pub mod service;
pub mod web;

use infra::clock::Clock;
use infra::config::Settings;
use infra::db::Db;
use service::AppState;
use std::sync::Arc;

/// Connects the database, applies migrations, seeds the violation catalogue and the
/// complaint categories on first start (or, with `--complaint-categories`, makes the
/// database's categories those of the file) and returns the application state.
pub async fn build_state(settings: Settings, clock: Arc<dyn Clock>) -> anyhow::Result<AppState> {
    if settings.database_url.expose().starts_with("sqlite:") {
        std::fs::create_dir_all(&settings.data_dir)?;
    }
    let db = Db::connect(settings.database_url.expose()).await?;
    let state = AppState {
        db,
        clock,
        settings: Arc::new(settings),
    };
    if let Some(file) = &state.settings.complaint_categories_file {
        let sync = service::complaint::sync_categories(&state)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        tracing::info!(
            file = %file.display(),
            added = ?sync.added,
            changed = ?sync.changed,
            deactivated = ?sync.deactivated,
            "complaint categories taken from the file"
        );
    } else {
        service::complaint::seed_categories_if_empty(&state)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    }
    service::catalogue::seed_if_empty(&state)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok(state)
}

/// Background upkeep of a running server, at start and then hourly: refreshes the database
/// planner's statistics (`Db::optimize`) and deletes expired sessions; with audit checkpoints
/// configured, signs them every N entries and hourly (`service::audit_checkpoint::spawn`).
/// Failures are logged, never fatal.
pub fn spawn_maintenance(state: &AppState) {
    if let Some(checkpoints) = &state.settings.audit_checkpoints {
        service::audit_checkpoint::spawn(
            state.db.detached(),
            state.clock.clone(),
            checkpoints.clone(),
        );
    }
    let state = AppState {
        db: state.db.detached(),
        clock: state.clock.clone(),
        settings: state.settings.clone(),
    };
    tokio::spawn(async move {
        loop {
            if let Err(e) = state.db.optimize().await {
                tracing::warn!(error = %e, "database optimize failed");
            }
            match service::auth::purge_expired_sessions(&state).await {
                Ok(n) if n > 0 => tracing::info!(sessions = n, "expired sessions deleted"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = ?e, "purging expired sessions failed"),
            }
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
        }
    });
}
