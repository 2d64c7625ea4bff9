//! Open311 接入密钥: the client keys of the Open311 interface (issue 3). An administrator
//! lists them, issues one per client (shown once; only its SHA-256 is stored, by
//! `service::complaint::create_key`) and revokes one (`service::open311_key`). The handlers
//! only turn forms into service calls and answers into the page.

use super::FormErrors;
use crate::service::auth::CurrentUser;
use crate::service::{AppState, complaint, open311_key};
use crate::web::page::{Layout, OfficeUser, PageResult, check_csrf, cn_date_str};
use crate::web::page::{OkQuery, PageForm, PageQuery, redirect, render_form};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/open311-keys", get(list).post(create))
        .route("/open311-keys/{id}/revoke", post(revoke))
}

// ---- the page -----------------------------------------------------------------------------

pub struct KeyLine {
    pub id: String,
    pub name: String,
    pub created: String,
    pub revoked: Option<String>,
}

#[derive(Deserialize, Default)]
struct KeyForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    name: String,
}

#[derive(Template)]
#[template(path = "office/admin/keys.html")]
struct Page {
    layout: Layout,
    keys: Vec<KeyLine>,
    notice: Option<&'static str>,
    name: String,
    errors: FormErrors,
    /// The key just issued: shown on this response only, never stored in clear.
    issued: Option<(String, String)>,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    name: &str,
    errors: FormErrors,
    notice: Option<&'static str>,
    issued: Option<(String, String)>,
) -> PageResult {
    let keys = open311_key::list(state, user)
        .await?
        .into_iter()
        .map(|k| KeyLine {
            id: k.id,
            name: k.name,
            created: cn_date_str(&k.created_at),
            revoked: k.revoked_at.as_deref().map(cn_date_str),
        })
        .collect();
    render_form(
        !errors.is_empty(),
        &Page {
            layout: Layout::new(state, user, "Open311 接入密钥", "/users"),
            keys,
            notice,
            name: name.to_string(),
            errors,
            issued,
        },
    )
}

async fn list(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    PageQuery(q): PageQuery<OkQuery>,
) -> PageResult {
    let notice = match q.ok.as_deref() {
        Some("revoked") => Some("已吊销密钥，该接入单位此后提交的投诉将被拒绝"),
        Some("unchanged") => Some("该密钥此前已吊销"),
        _ => None,
    };
    page(&state, &user, "", FormErrors::default(), notice, None).await
}

/// Issues a key. The answer is the page itself (200), not a redirect: the key is shown once
/// and must not travel in a URL.
async fn create(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    PageForm(f): PageForm<KeyForm>,
) -> PageResult {
    check_csrf(&user, &f.csrf)?;
    match complaint::create_key(&state, Some(&user), &f.name).await {
        Ok((row, key)) => {
            let issued = Some((row.name, key.expose().to_string()));
            let mut resp = page(&state, &user, "", FormErrors::default(), None, issued).await?;
            resp.headers_mut().insert(
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            );
            Ok(resp)
        }
        Err(e) => {
            let errors = FormErrors::from_service(e, &["name"])?;
            page(&state, &user, &f.name, errors, None, None).await
        }
    }
}

async fn revoke(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path(id): Path<String>,
    PageForm(f): PageForm<KeyForm>,
) -> PageResult {
    check_csrf(&user, &f.csrf)?;
    let changed = open311_key::revoke(&state, &user, &id).await?;
    let ok = if changed { "revoked" } else { "unchanged" };
    redirect(&format!("/open311-keys?ok={ok}"))
}
