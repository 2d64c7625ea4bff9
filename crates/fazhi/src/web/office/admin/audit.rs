//! 审计与个人信息 (issue 11 §1): the administrator's view of the audit trail — how many
//! entries, how far the signed checkpoints reach and when the last was signed, a checkpoint
//! on demand, a full verification against the checkpoints — and the erasure of complaints'
//! personal data after the retention period. Every action is the service's
//! (`service::audit_checkpoint`, `service::personal_data`), which checks the role.

use crate::service::audit::AuditReport;
use crate::service::audit_checkpoint::{self, Overview};
use crate::service::personal_data;
use crate::service::{AppState, ServiceError};
use crate::web::page::{CsrfForm, Layout, OfficeUser, PageForm, PageQuery, PageResult};
use crate::web::page::{check_csrf, cn_date_str, redirect, render_form};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/audit", get(show))
        .route("/audit/checkpoint", post(checkpoint))
        .route("/audit/verify", post(verify))
        .route("/audit/erase", post(erase))
}

#[derive(Deserialize, Default)]
struct OkQuery {
    ok: Option<String>,
    n: Option<usize>,
}

#[derive(Template)]
#[template(path = "office/admin/audit.html")]
struct Page {
    layout: Layout,
    overview: Overview,
    last_taken: Option<String>,
    not_covered: i64,
    notice: Option<String>,
    error: Option<String>,
    report: Option<AuditReport>,
}

async fn render(
    state: &AppState,
    user: &crate::service::auth::CurrentUser,
    notice: Option<String>,
    error: Option<String>,
    report: Option<AuditReport>,
) -> PageResult {
    let overview = audit_checkpoint::overview(state, user).await?;
    render_form(
        error.is_some(),
        &Page {
            layout: Layout::new(state, user, "审计与个人信息", "/users"),
            last_taken: overview.last_taken_at.as_deref().map(cn_date_str),
            not_covered: overview.entries - overview.covered_through,
            overview,
            notice,
            error,
            report,
        },
    )
}

async fn show(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    PageQuery(q): PageQuery<OkQuery>,
) -> PageResult {
    let n = q.n.unwrap_or(0);
    let notice = match q.ok.as_deref() {
        Some("checkpoint") if n == 0 => Some("没有新的审计记录需要签署".to_string()),
        Some("checkpoint") => Some(format!("已签署{n}个检查点")),
        Some("erased") => Some(format!("已删除{n}件保存期满投诉的个人信息，审计链未改动")),
        _ => None,
    };
    render(&state, &user, notice, None, None).await
}

async fn checkpoint(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    PageForm(f): PageForm<CsrfForm>,
) -> PageResult {
    check_csrf(&user, &f.csrf)?;
    match audit_checkpoint::take_now(&state, &user).await {
        Ok(t) => redirect(&format!("/audit?ok=checkpoint&n={}", t.written)),
        Err(ServiceError::Invalid { message, .. }) => {
            render(&state, &user, None, Some(message), None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Runs the verification and shows its result on the page (no redirect: it is not stored).
async fn verify(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    PageForm(f): PageForm<CsrfForm>,
) -> PageResult {
    check_csrf(&user, &f.csrf)?;
    let report = audit_checkpoint::verify_configured(&state, &user).await?;
    render(&state, &user, None, None, Some(report)).await
}

async fn erase(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    PageForm(f): PageForm<CsrfForm>,
) -> PageResult {
    check_csrf(&user, &f.csrf)?;
    let erased = personal_data::erase_expired(&state, Some(&user)).await?;
    redirect(&format!("/audit?ok=erased&n={}", erased.complaints))
}
