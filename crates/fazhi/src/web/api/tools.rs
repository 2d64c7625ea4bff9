//! `/api/v1/case-checks`, `/api/v1/calendar/add`, `/api/v1/calendars/{year}`,
//! `/api/v1/violations`, `/api/v1/audit/verify`: checking a paper case's timeline without
//! storing it, working-day arithmetic, reading and loading a year's holiday arrangement, the
//! discretion catalogue, and the audit-chain check.

use crate::service::audit::AuditReport;
use crate::service::auth::CurrentUser;
use crate::service::calendar::CalendarAnswer;
use crate::service::case_check::{self, TimelineFormat};
use crate::service::{AppState, ServiceError, calendar, catalogue};
use crate::web::error::{ApiResult, ErrorBody};
use crate::web::extract::{ApiJson, ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use chrono::NaiveDate;
use fazhi_domain::CheckReport;
use fazhi_domain::catalogue::{Facts, Suggestion, ViolationEntry};
use fazhi_domain::timeline::PartyKind;
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CheckQuery {
    /// Evaluation date for deadline statuses (default: today).
    #[param(value_type = Option<String>, format = Date)]
    pub today: Option<NaiveDate>,
}

/// Check a case timeline (JSON, or YAML with `Content-Type: application/yaml`) without
/// storing it: every rule violation and every deadline, by the same engine as live cases.
#[utoipa::path(post, path = "/case-checks", tag = "checks", params(CheckQuery),
    request_body(content = Object, description = "case timeline, docs/case-timeline.md", content_type = "application/json"),
    responses((status = 200, description = "violations and deadlines"), (status = 422, body = ErrorBody)))]
pub async fn check(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<CheckQuery>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<CheckReport>> {
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let format = if content_type.contains("yaml") {
        TimelineFormat::Yaml
    } else {
        TimelineFormat::Json
    };
    Ok(Json(
        case_check::check(&state, &user, &body, format, q.today).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CalendarQuery {
    #[param(value_type = String, format = Date, example = "2025-09-26")]
    pub from: NaiveDate,
    /// `5wd` working days, `15d` days, `6m` months.
    #[param(example = "5wd")]
    pub span: String,
}

/// Working-day arithmetic on the bureau's holiday calendar.
#[utoipa::path(get, path = "/calendar/add", tag = "checks", params(CalendarQuery),
    responses((status = 200, body = CalendarAnswer), (status = 422, body = ErrorBody)))]
pub async fn calendar_add(
    State(state): State<AppState>,
    _user: CurrentUser,
    ApiQuery(q): ApiQuery<CalendarQuery>,
) -> ApiResult<Json<CalendarAnswer>> {
    Ok(Json(calendar::add(&state, q.from, &q.span).await?))
}

/// A year's holiday arrangement as the server counts on it: the loaded notice, or the
/// provisional statutory holidays (`status`: `loaded` / `provisional`). Any signed-in user.
#[utoipa::path(get, path = "/calendars/{year}", tag = "checks", params(("year" = i32, Path)),
    responses((status = 200, body = calendar::YearView), (status = 422, body = ErrorBody)))]
pub async fn get_calendar(
    State(state): State<AppState>,
    _user: CurrentUser,
    ApiPath(year): ApiPath<i32>,
) -> ApiResult<Json<calendar::YearView>> {
    Ok(Json(calendar::year_view(&state, year).await?))
}

/// Load (or replace) a year's holiday arrangement from the State Council notice
/// (administrator, legal office). Validated — every statutory holiday day must be a rest day,
/// make-up working days must be Saturdays or Sundays — stored with an audit entry, effective
/// at once; the answer lists the open cases' and complaints' deadlines that moved.
#[utoipa::path(put, path = "/calendars/{year}", tag = "checks", params(("year" = i32, Path)),
    request_body = calendar::Arrangement,
    responses((status = 200, body = calendar::LoadOutcome), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_calendar(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(year): ApiPath<i32>,
    ApiJson(arrangement): ApiJson<calendar::Arrangement>,
) -> ApiResult<Json<calendar::LoadOutcome>> {
    user.require(crate::service::permissions::Action::LoadCalendars)?;
    if !fazhi_calendar::SUPPORTED_YEARS.contains(&year) {
        return Err(ServiceError::invalid(
            "calendar_out_of_range",
            fazhi_calendar::CalendarError::OutOfRange(year).to_string(),
        )
        .into());
    }
    Ok(Json(
        calendar::load_arrangement(&state, &user, year, &arrangement, "api").await?,
    ))
}

/// The violation catalogue with discretion benchmarks (裁量基准).
#[utoipa::path(get, path = "/violations", tag = "catalogue", responses((status = 200, description = "catalogue entries")))]
pub async fn list_violations(
    State(state): State<AppState>,
    _user: CurrentUser,
) -> ApiResult<Json<Vec<ViolationEntry>>> {
    Ok(Json(catalogue::list(&state).await?.entries))
}

/// Add or replace a catalogue entry (admin, legal office); validated before it is stored.
#[utoipa::path(put, path = "/violations/{code}", tag = "catalogue", params(("code" = String, Path)),
    request_body(content = Object, description = "one catalogue entry, docs/catalogue.md"),
    responses((status = 200, description = "stored entry"), (status = 422, body = ErrorBody)))]
pub async fn put_violation(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(code): ApiPath<String>,
    ApiJson(entry): ApiJson<serde_json::Value>,
) -> ApiResult<Json<ViolationEntry>> {
    Ok(Json(catalogue::put(&state, &user, &code, entry).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuggestionRequest {
    #[schema(value_type = String, example = "individual")]
    pub party: PartyKind,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub facts: Facts,
}

/// The benchmark's suggested tier and fine range for the facts of a case.
#[utoipa::path(post, path = "/violations/{code}/suggestion", tag = "catalogue", params(("code" = String, Path)), request_body = SuggestionRequest,
    responses((status = 200, description = "suggested tier and range"), (status = 404, body = ErrorBody)))]
pub async fn suggest(
    State(state): State<AppState>,
    _user: CurrentUser,
    ApiPath(code): ApiPath<String>,
    ApiJson(r): ApiJson<SuggestionRequest>,
) -> ApiResult<Json<Suggestion>> {
    Ok(Json(
        catalogue::suggest(&state, &code, r.party, &r.facts).await?,
    ))
}

/// Re-check the hash chain of the audit log and, when the server signs checkpoints, every
/// entry against them (admin, legal office).
#[utoipa::path(get, path = "/audit/verify", tag = "audit", responses((status = 200, body = Object), (status = 403, body = ErrorBody)))]
pub async fn audit_verify(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<AuditReport>> {
    Ok(Json(
        crate::service::audit_checkpoint::verify_configured(&state, &user).await?,
    ))
}
