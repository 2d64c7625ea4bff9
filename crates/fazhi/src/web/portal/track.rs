//! Progress by tracking code: the look-up form, the progress page (stage, public history,
//! the answer, the citizen's own submission with personal data masked) and the rating and
//! reopening forms, which call `service::complaint_workflow::rate_by_token` and
//! `reopen_by_token`.

use super::{ClientIp, Shared, cn_datetime, page};
use crate::service::complaint::mask_numbers_in_text;
use crate::service::complaint_workflow::{
    self as wf, RatingInput, RatingValue, ReopenInput, Stage,
};
use crate::service::portal::{self as portal_service, Progress};
use crate::service::{AppState, ServiceError};
use askama::Template;
use axum::Extension;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::sync::Arc;

#[derive(Template)]
#[template(path = "portal/lookup.html")]
struct LookupPage {
    title: &'static str,
    code: String,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
struct LookupQuery {
    code: Option<String>,
}

/// `GET /portal/track`: the look-up form; with `?code=` goes to the progress page.
pub async fn lookup(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let q: LookupQuery =
        serde_urlencoded::from_str(query.as_deref().unwrap_or_default()).unwrap_or_default();
    let typed = q.code.unwrap_or_default();
    if typed.trim().is_empty() {
        return page(
            &state,
            StatusCode::OK,
            &LookupPage {
                title: "查询进度",
                code: String::new(),
                error: None,
            },
        );
    }
    match portal_service::normalise_code(&typed) {
        Some(code) => Redirect::to(&format!("/portal/track/{code}")).into_response(),
        None => page(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            &LookupPage {
                title: "查询进度",
                code: typed.chars().take(100).collect(),
                error: Some("查询码应为32位数字和字母（a–f），请核对后重新输入。".into()),
            },
        ),
    }
}

/// The friendly 404 of an unknown tracking code.
pub fn unknown_code(state: &AppState) -> Response {
    page(
        state,
        StatusCode::NOT_FOUND,
        &LookupPage {
            title: "未找到投诉",
            code: String::new(),
            error: Some("未找到与该查询码对应的投诉，请核对查询码后重新输入。".into()),
        },
    )
}

struct NoteView {
    when: String,
    summary: String,
    text: Option<String>,
}

struct AnswerView {
    label: String,
    value: String,
}

#[derive(Template)]
#[template(path = "portal/track.html")]
struct ProgressPage {
    title: &'static str,
    code: String,
    code_grouped: String,
    just_filed: bool,
    notice: Option<&'static str>,
    service_request_id: String,
    category: String,
    status_notes: String,
    closed: bool,
    requested: String,
    expected: Option<String>,
    service_notice: Option<String>,
    place: Option<String>,
    point: Option<String>,
    description: Option<String>,
    answers: Vec<AnswerView>,
    photo_count: usize,
    reporter: Option<String>,
    notes: Vec<NoteView>,
    can_rate: bool,
    rating: Option<&'static str>,
    rate_error: Option<String>,
    comment: String,
    reopen_until: Option<String>,
    reopen_error: Option<String>,
    reason: String,
}

impl ProgressPage {
    fn new(code: &str, p: Progress) -> Self {
        let r = p.public;
        let grouped = code
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        Self {
            title: "投诉进度",
            code: code.to_string(),
            code_grouped: grouped,
            just_filed: false,
            notice: None,
            service_request_id: r.service_request_id,
            category: r.service_name,
            status_notes: r.status_notes,
            closed: r.status == "closed",
            requested: cn_datetime(r.requested_datetime),
            expected: r.expected_datetime.map(cn_datetime),
            service_notice: r.service_notice,
            place: r.address,
            point: match (r.lat, r.long) {
                (Some(la), Some(lo)) => Some(format!("纬度 {la:.5}，经度 {lo:.5}")),
                _ => None,
            },
            description: r.description,
            answers: r
                .answers
                .into_iter()
                .map(|a| AnswerView {
                    label: a.label,
                    value: a.value,
                })
                .collect(),
            photo_count: p.photo_count,
            reporter: p.reporter,
            notes: r
                .notes
                .into_iter()
                .rev()
                .map(|n| NoteView {
                    when: cn_datetime(n.datetime),
                    summary: n.summary,
                    text: n.description.as_deref().map(mask_numbers_in_text),
                })
                .collect(),
            can_rate: p.can_rate,
            rating: p.rating,
            rate_error: None,
            comment: String::new(),
            reopen_until: p.reopen_until.map(cn_datetime),
            reopen_error: None,
            reason: String::new(),
        }
    }
}

#[derive(Deserialize, Default)]
struct ProgressQuery {
    new: Option<String>,
    ok: Option<String>,
}

async fn load(state: &AppState, code: &str) -> Result<ProgressPage, Response> {
    match portal_service::progress(state, code).await {
        Ok(p) => Ok(ProgressPage::new(
            &portal_service::normalise_code(code).unwrap_or_default(),
            p,
        )),
        Err(e) => Err(super::service_failure(state, e)),
    }
}

/// `GET /portal/track/{code}`: the progress page.
pub async fn progress_page(
    State(state): State<AppState>,
    Path(code): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let q: ProgressQuery =
        serde_urlencoded::from_str(query.as_deref().unwrap_or_default()).unwrap_or_default();
    let mut p = match load(&state, &code).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    p.just_filed = q.new.as_deref() == Some("1");
    p.notice = match q.ok.as_deref() {
        Some("rated") => Some("感谢您的评价！"),
        Some("reopened") => Some("已收到您的重新办理申请，我们将重新派单办理。"),
        _ => None,
    };
    page(&state, StatusCode::OK, &p)
}

#[derive(Deserialize, Default)]
pub struct RateForm {
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
}

/// `POST /portal/track/{code}/rating`.
pub async fn rate(
    State(state): State<AppState>,
    Extension(shared): Extension<Arc<Shared>>,
    ip: ClientIp,
    Path(code): Path<String>,
    form: Result<Form<RateForm>, FormRejection>,
) -> Response {
    if let Some(r) = shared.over_limit(&state, ip) {
        return r;
    }
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let Some(token) = portal_service::normalise_code(&code) else {
        return unknown_code(&state);
    };
    let input = RatingInput {
        expected_version: None,
        rating: RatingValue::Level(form.rating.clone()),
        comment: Some(form.comment.clone()),
    };
    match wf::rate_by_token(&state, &token, input).await {
        Ok(_) => Redirect::to(&format!("/portal/track/{token}?ok=rated")).into_response(),
        // A second tap on the button: the first one rated.
        Err(ServiceError::Invalid {
            code: "already_rated",
            ..
        }) => Redirect::to(&format!("/portal/track/{token}?ok=rated")).into_response(),
        Err(ServiceError::Invalid { message, .. }) => {
            let mut p = match load(&state, &token).await {
                Ok(p) => p,
                Err(r) => return r,
            };
            p.rate_error = Some(message);
            p.comment = form.comment.chars().take(500).collect();
            page(&state, StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(e) => super::service_failure(&state, e),
    }
}

#[derive(Deserialize, Default)]
pub struct ReopenForm {
    #[serde(default)]
    reason: String,
}

/// `POST /portal/track/{code}/reopen`.
pub async fn reopen(
    State(state): State<AppState>,
    Extension(shared): Extension<Arc<Shared>>,
    ip: ClientIp,
    Path(code): Path<String>,
    form: Result<Form<ReopenForm>, FormRejection>,
) -> Response {
    if let Some(r) = shared.over_limit(&state, ip) {
        return r;
    }
    let form = form.map(|Form(f)| f).unwrap_or_default();
    let Some(token) = portal_service::normalise_code(&code) else {
        return unknown_code(&state);
    };
    let input = ReopenInput {
        reason: form.reason.clone(),
    };
    match wf::reopen_by_token(&state, &token, input).await {
        Ok(_) => Redirect::to(&format!("/portal/track/{token}?ok=reopened")).into_response(),
        Err(ServiceError::Invalid { message, code, .. }) => {
            let progress = match portal_service::progress(&state, &token).await {
                Ok(p) => p,
                Err(e) => return super::service_failure(&state, e),
            };
            // A second tap on the button: the first one reopened it.
            if code == "complaint_wrong_stage" && progress.stage == Some(Stage::Reopened) {
                return Redirect::to(&format!("/portal/track/{token}?ok=reopened")).into_response();
            }
            let mut p = ProgressPage::new(&token, progress);
            p.reopen_error = Some(message);
            p.reason = form.reason.chars().take(2000).collect();
            page(&state, StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(e) => super::service_failure(&state, e),
    }
}
