//! `/api/v1/cases`, `/api/v1/deadlines`, `/api/v1/review-queue`: live penalty cases. Each event is checked by the
//! rule engine before it is recorded; a refused event answers 422 `rule_violation` with the
//! rule ids and legal bases; a stale `expected_version` answers 409.

use crate::service::AppState;
use crate::service::auth::CurrentUser;
use crate::service::case::{self, CaseDeadlines, CaseView, NewCase, NewEvent, ReviewItem};
use crate::service::case::{CaseRow, EvidenceRow};
use crate::service::case_record::{self, CaseRecord, RecordUpdate};
use crate::web::error::{ApiError, ApiResult, ErrorBody, created};
use crate::web::extract::{ApiEventJson, ApiJson, ApiMultipart, ApiPath, ApiQuery, read_upload};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Only open cases (default true).
    pub open: Option<bool>,
    /// Page size, 1–500 (default 50).
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Cases in the caller's scope, newest first.
#[utoipa::path(get, path = "/cases", tag = "cases", operation_id = "list_cases", params(ListQuery),
    responses((status = 200, body = Vec<CaseRow>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<Vec<CaseRow>>> {
    Ok(Json(
        case::list(
            &state,
            &user,
            q.open.unwrap_or(true),
            q.limit.unwrap_or(50),
            q.offset.unwrap_or(0),
        )
        .await?,
    ))
}

/// Open a case file (线索 stage); record `register` (立案) as its first event.
#[utoipa::path(post, path = "/cases", tag = "cases", operation_id = "create_case", request_body = NewCase,
    responses((status = 201, body = CaseView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<NewCase>,
) -> ApiResult<(StatusCode, Json<CaseView>)> {
    Ok(created(case::create(&state, &user, input).await?))
}

/// A case with its events, evidence, and today's violations and deadlines.
#[utoipa::path(get, path = "/cases/{id}", tag = "cases", operation_id = "get_case", params(("id" = String, Path)),
    responses((status = 200, body = CaseView), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<CaseView>> {
    Ok(Json(case::read(&state, &user, &id).await?))
}

/// Record the next procedural step. Refused (422 `rule_violation`) when the rule engine finds
/// that this step breaks a rule; 409 `version_conflict` when someone else recorded first.
#[utoipa::path(post, path = "/cases/{id}/events", tag = "cases", params(("id" = String, Path)), request_body = NewEvent,
    responses((status = 201, body = CaseView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_event(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiEventJson(input): ApiEventJson<NewEvent>,
) -> ApiResult<(StatusCode, Json<CaseView>)> {
    Ok(created(case::add_event(&state, &user, &id, input).await?))
}

/// Attach an evidence file (multipart field `file`); stored with its SHA-256.
#[utoipa::path(post, path = "/cases/{id}/evidence", tag = "cases", params(("id" = String, Path)),
    request_body(content_type = "multipart/form-data", description = "field `file`"),
    responses((status = 201, body = EvidenceRow), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_evidence(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiMultipart(mut form): ApiMultipart,
) -> ApiResult<(StatusCode, Json<EvidenceRow>)> {
    let bad = |m: String| ApiError::new(StatusCode::BAD_REQUEST, "invalid_multipart", m);
    while let Some(field) = form.next_field().await.map_err(ApiError::from)? {
        if field.name() == Some("file") {
            let u = read_upload(field, "evidence").await?;
            let row =
                case::add_evidence(&state, &user, &id, &u.file_name, &u.content_type, &u.bytes)
                    .await?;
            return Ok(created(row));
        }
    }
    Err(bad("缺少名为 file 的上传字段".into()))
}

/// Deadlines of every open case in the caller's scope, as of today.
#[utoipa::path(get, path = "/deadlines", tag = "cases", responses((status = 200, body = Vec<CaseDeadlines>), (status = 401, body = ErrorBody)))]
pub async fn deadlines(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<CaseDeadlines>>> {
    Ok(Json(case::deadlines(&state, &user).await?))
}

/// 法制审核 queue (legal office and leaders): open cases of the caller's bureau that are
/// registered, not yet decided, and whose decision the rules would refuse for want of a
/// passed legal review — oldest registration first, each with its deadline.
#[utoipa::path(get, path = "/review-queue", tag = "cases", responses((status = 200, body = Vec<ReviewItem>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn review_queue(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<ReviewItem>>> {
    Ok(Json(case::review_queue(&state, &user).await?))
}

/// The case record the documents are written from: party identity, 案件来源, place,
/// 违法事实, 证据目录, 裁量理由 (empty parts are absent).
#[utoipa::path(get, path = "/cases/{id}/record", tag = "cases", params(("id" = String, Path)),
    responses((status = 200, body = CaseRecord), (status = 404, body = ErrorBody)))]
pub async fn get_record(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<CaseRecord>> {
    Ok(Json(case_record::get(&state, &user, &id).await?))
}

/// Replace the case record (officers and leaders). 422 `invalid_case_record` names the
/// field (e.g. a 居民身份证号码 whose check digit is wrong); 409 `version_conflict` when the
/// case changed since `expected_version`. The case's version moves on.
#[utoipa::path(put, path = "/cases/{id}/record", tag = "cases", params(("id" = String, Path)), request_body = RecordUpdate,
    responses((status = 200, body = CaseRecord), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_record(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<RecordUpdate>,
) -> ApiResult<Json<CaseRecord>> {
    Ok(Json(case_record::update(&state, &user, &id, input).await?))
}
