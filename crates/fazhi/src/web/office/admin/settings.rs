//! 规则设置: the numbers and switches of the penalty-case rules with their legal basis
//! (`service::bureau_settings`). The statutory ones are listed read-only; each setting the
//! bureau may change has its own form (value, reason, the version last read), shown to the
//! posts the permission table lets change them. A refused value is shown next to that
//! setting's field; a saved one leads back to the page (POST/redirect/GET) with a notice.

use super::FormErrors;
use crate::service::auth::CurrentUser;
use crate::service::bureau_settings::{self, SettingChange, SettingView};
use crate::service::permissions::Action;
use crate::service::{AppState, ServiceError};
use crate::web::page::{Layout, OfficeUser, PageResult, check_csrf, cn_date_str, render_with};
use crate::web::page::{PageForm, PageQuery};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/settings", get(show).post(change))
}

#[derive(Deserialize, Default)]
struct ChangeForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    expected_version: String,
}

#[derive(Deserialize)]
struct ShowQuery {
    changed: Option<String>,
}

/// One setting on the page, with what its form shows.
pub struct Line {
    pub s: SettingView,
    pub changed_at: String,
    /// The form's value: the one in effect, or the one just refused.
    pub input: String,
    pub reason: String,
    pub errors: FormErrors,
}

#[derive(Template)]
#[template(path = "office/admin/settings.html")]
struct Page {
    layout: Layout,
    notice: Option<String>,
    /// A refusal of a setting that has no form here (a statutory number): above the page.
    error: Option<String>,
    can_edit: bool,
    editable: Vec<Line>,
    statutory: Vec<Line>,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    notice: Option<String>,
    refused: Option<(&ChangeForm, FormErrors)>,
) -> PageResult {
    let all = bureau_settings::list(state, user).await?;
    let mut status = StatusCode::OK;
    let mut refused = refused;
    let (mut editable, mut statutory) = (Vec::new(), Vec::new());
    let mut error = None;
    for s in all {
        let mut line = Line {
            changed_at: s.changed_at.as_deref().map(cn_date_str).unwrap_or_default(),
            input: s.input.clone(),
            reason: String::new(),
            errors: FormErrors::default(),
            s,
        };
        if let Some((f, _)) = &refused
            && f.key == line.s.key
            && let Some((f, errors)) = refused.take()
        {
            status = StatusCode::UNPROCESSABLE_ENTITY;
            line.input = f.value.clone();
            line.reason = f.reason.clone();
            line.errors = errors;
        }
        if line.s.editable {
            editable.push(line);
        } else if !line.errors.is_empty() {
            let e = std::mem::take(&mut line.errors);
            error = e
                .form
                .clone()
                .or_else(|| e.get("value").map(str::to_owned))
                .or_else(|| e.get("reason").map(str::to_owned));
            statutory.push(line);
        } else {
            statutory.push(line);
        }
    }
    Ok(render_with(
        status,
        &Page {
            layout: Layout::new(state, user, "规则设置", "/settings"),
            notice,
            error,
            can_edit: user.may(Action::EditBureauSettings),
            editable,
            statutory,
        },
    ))
}

async fn show(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    PageQuery(q): PageQuery<ShowQuery>,
) -> PageResult {
    let notice = q
        .changed
        .as_deref()
        .and_then(bureau_settings::spec)
        .map(|s| format!("已修改“{}”，新的值自下一次办案操作起适用", s.label));
    page(&state, &user, notice, None).await
}

async fn change(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    PageForm(f): PageForm<ChangeForm>,
) -> PageResult {
    check_csrf(&user, &f.csrf)?;
    let input = SettingChange {
        value: f.value.clone(),
        reason: f.reason.clone(),
        expected_version: f.expected_version.trim().parse().unwrap_or(-1),
    };
    match bureau_settings::change(&state, &user, &f.key, &input, "page").await {
        Ok(s) => Ok(
            Redirect::to(&format!("/settings?changed={}#setting-{}", s.key, s.key)).into_response(),
        ),
        Err(e @ ServiceError::VersionConflict { .. }) => {
            let errors =
                FormErrors::for_form(format!("{e}：该设置刚被他人修改，请核对现行值后重新提交"));
            page(&state, &user, None, Some((&f, errors))).await
        }
        Err(e) => {
            let errors = FormErrors::from_service(e, &["value", "reason"])?;
            page(&state, &user, None, Some((&f, errors))).await
        }
    }
}
