//! `/api/v1/complaints…`: the internal closed loop of complaints (受理 → 派单 → 办理 → 答复 →
//! 核查 → 办结 → 回访 → 评价, with 督办), the overdue list, duplicate suggestions, the step to a
//! penalty case and the annual statistics; `/api/v1/public/complaints/{token}/…`: the
//! citizen's rating and reopening with the tracking token (no login, rate limited). The rules
//! are in `service::complaint_workflow`; a stale `expected_version` answers 409.

use crate::service::AppState;
use crate::service::auth::CurrentUser;
use crate::service::complaint_workflow::{
    self as wf, CloseInput, ComplaintStats, ComplaintSummary, ComplaintView, DispatchInput,
    DuplicateCandidate, IntakeResult, OverdueList, PhoneIntake, Photo, PublicOutcome, RatingInput,
    RecategoriseInput, ReopenInput, SuperviseInput, TextInput, ToCaseInput,
};
use crate::web::error::{ApiError, ApiResult, ErrorBody, created};
use crate::web::extract::{ApiJson, ApiMultipart, ApiPath, ApiQuery, read_upload};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Only open complaints (default true).
    pub open: Option<bool>,
    /// At most this many (1–1000, default 200).
    pub limit: Option<i64>,
}

/// Complaints the caller may see, newest first.
#[utoipa::path(get, path = "/complaints", tag = "complaints", operation_id = "list_complaints", params(ListQuery),
    responses((status = 200, body = Vec<ComplaintSummary>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<Vec<ComplaintSummary>>> {
    Ok(Json(
        wf::list(
            &state,
            &user,
            q.open.unwrap_or(true),
            q.limit.unwrap_or(200),
        )
        .await?,
    ))
}

/// 受理: a dispatcher logs a phone call (channel `phone`); answers the tracking token to read
/// out to the caller and suggested duplicates.
#[utoipa::path(post, path = "/complaints", tag = "complaints", request_body = PhoneIntake,
    responses((status = 201, body = IntakeResult), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn intake(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<PhoneIntake>,
) -> ApiResult<(StatusCode, Json<IntakeResult>)> {
    Ok(created(wf::intake(&state, &user, input).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OverdueQuery {
    /// Near-due horizon in hours (default from the settings).
    pub within_hours: Option<i64>,
}

/// Unanswered complaints past their `expected_datetime`, and those due within the horizon.
#[utoipa::path(get, path = "/complaints/overdue", tag = "complaints", params(OverdueQuery),
    responses((status = 200, body = OverdueList), (status = 401, body = ErrorBody)))]
pub async fn overdue(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<OverdueQuery>,
) -> ApiResult<Json<OverdueList>> {
    Ok(Json(wf::overdue(&state, &user, q.within_hours).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StatsQuery {
    pub year: i32,
}

/// The annual report's complaint figures for complaints received in `year`.
#[utoipa::path(get, path = "/complaints/stats", tag = "complaints", params(StatsQuery),
    responses((status = 200, body = ComplaintStats), (status = 403, body = ErrorBody)))]
pub async fn stats(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<StatsQuery>,
) -> ApiResult<Json<ComplaintStats>> {
    Ok(Json(wf::stats(&state, &user, q.year).await?))
}

/// A complaint with its history, supervision, photos and linked cases (by id or
/// service_request_id).
#[utoipa::path(get, path = "/complaints/{id}", tag = "complaints", operation_id = "get_complaint", params(("id" = String, Path)),
    responses((status = 200, body = ComplaintView), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<ComplaintView>> {
    Ok(Json(wf::read(&state, &user, &id).await?))
}

/// Suggested duplicates: same category within the configured radius and time window.
#[utoipa::path(get, path = "/complaints/{id}/duplicates", tag = "complaints", params(("id" = String, Path)),
    responses((status = 200, body = Vec<DuplicateCandidate>), (status = 404, body = ErrorBody)))]
pub async fn duplicates(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Vec<DuplicateCandidate>>> {
    Ok(Json(wf::duplicates(&state, &user, &id).await?))
}

macro_rules! step {
    ($name:ident, $path:literal, $input:ty, $service:path, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "complaints", params(("id" = String, Path)), request_body = $input,
            responses((status = 200, body = ComplaintView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
                (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
        pub async fn $name(
            State(state): State<AppState>,
            user: CurrentUser,
            ApiPath(id): ApiPath<String>,
            ApiJson(input): ApiJson<$input>,
        ) -> ApiResult<Json<ComplaintView>> {
            Ok(Json($service(&state, &user, &id, input).await?))
        }
    };
}

step!(
    dispatch,
    "/complaints/{id}/dispatch",
    DispatchInput,
    wf::dispatch,
    "派单 to a squad or partner department; a re-route (改派) needs a reason. The time limit keeps running from receipt."
);
step!(
    recategorise,
    "/complaints/{id}/recategorise",
    RecategoriseInput,
    wf::recategorise,
    "改类 with a reason; the due time is recomputed from receipt under the new category."
);
step!(
    handle,
    "/complaints/{id}/handling",
    TextInput,
    wf::handle,
    "办理: the unit records what it is doing."
);
step!(
    reply,
    "/complaints/{id}/reply",
    TextInput,
    wf::reply,
    "答复: the answer to the citizen (also sent to every complaint merged into this one)."
);
step!(
    close,
    "/complaints/{id}/close",
    CloseInput,
    wf::close,
    "办结 with an honest final state; `resolved` needs 核查 first and a 721 tag."
);
step!(
    follow_up,
    "/complaints/{id}/follow-up",
    TextInput,
    wf::follow_up,
    "回访: the dispatcher's follow-up call."
);
step!(
    rate,
    "/complaints/{id}/rating",
    RatingInput,
    wf::rate,
    "评价 recorded by the dispatcher from the follow-up call (1–5 or 满意/基本满意/不满意)."
);
step!(
    supervise,
    "/complaints/{id}/supervision",
    SuperviseInput,
    wf::supervise,
    "督办 with an escalation level (1 催办, 2 督办, 3 挂牌督办 by a leader)."
);
step!(
    to_case,
    "/complaints/{id}/case",
    ToCaseInput,
    wf::to_case,
    "The complaint becomes the lead (线索) of a penalty case of its squad; linked both ways."
);

/// 核查 (multipart): `expected_version`, `note`, and files `before` and `after` (at least one
/// each; stored by SHA-256 like evidence).
#[utoipa::path(post, path = "/complaints/{id}/verification", tag = "complaints", params(("id" = String, Path)),
    request_body(content_type = "multipart/form-data", description = "fields `expected_version`, `note`; files `before`, `after`"),
    responses((status = 200, body = ComplaintView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn verify(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiMultipart(mut form): ApiMultipart,
) -> ApiResult<Json<ComplaintView>> {
    let bad = |m: String| ApiError::new(StatusCode::BAD_REQUEST, "invalid_multipart", m);
    let (mut version, mut note, mut photos) = (None, String::new(), Vec::new());
    while let Some(field) = form.next_field().await.map_err(ApiError::from)? {
        let name = field.name().unwrap_or("").to_string();
        let kind = match name.as_str() {
            "before" => "before",
            "after" => "after",
            "expected_version" | "note" => {
                let text = field.text().await.map_err(ApiError::from)?;
                if name == "note" {
                    note = text;
                } else {
                    version = Some(text.trim().parse::<i64>().map_err(|_| {
                        ApiError::new(
                            StatusCode::UNPROCESSABLE_ENTITY,
                            "invalid_field",
                            "expected_version 须为整数",
                        )
                    })?);
                }
                continue;
            }
            other => return Err(bad(format!("未知的上传字段“{other}”"))),
        };
        let upload = read_upload(field, kind).await?;
        photos.push(Photo { kind, upload });
    }
    let Some(version) = version else {
        return Err(bad("缺少 expected_version 字段".into()));
    };
    Ok(Json(
        wf::verify(&state, &user, &id, version, &note, photos).await?,
    ))
}

/// The citizen rates the answer with the tracking token (no login, rate limited).
#[utoipa::path(post, path = "/public/complaints/{token}/rating", tag = "complaints", params(("token" = String, Path)),
    request_body = RatingInput,
    responses((status = 200, body = PublicOutcome), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn public_rate(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
    ApiJson(input): ApiJson<RatingInput>,
) -> ApiResult<Json<PublicOutcome>> {
    Ok(Json(wf::rate_by_token(&state, &token, input).await?))
}

/// The citizen reopens a closed complaint that was not fixed, within the configured window
/// (no login, rate limited).
#[utoipa::path(post, path = "/public/complaints/{token}/reopen", tag = "complaints", params(("token" = String, Path)),
    request_body = ReopenInput,
    responses((status = 200, body = PublicOutcome), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn public_reopen(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
    ApiJson(input): ApiJson<ReopenInput>,
) -> ApiResult<Json<PublicOutcome>> {
    Ok(Json(wf::reopen_by_token(&state, &token, input).await?))
}
