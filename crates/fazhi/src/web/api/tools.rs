//! `/api/v1/case-checks`, `/api/v1/calendar/add`, `/api/v1/calendars/{year}`,
//! `/api/v1/violations`, `/api/v1/audit/verify`: checking a paper case's timeline without
//! storing it, working-day arithmetic, reading and loading a year's holiday arrangement, the
//! discretion catalogue, and the audit-chain check.

use crate::service::audit::AuditReport;
use crate::service::auth::CurrentUser;
use crate::service::{AppState, ServiceError, calendar, case, catalogue};
use crate::web::error::{ApiError, ApiResult, ErrorBody};
use crate::web::extract::{ApiJson, ApiPath, ApiQuery};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::NaiveDate;
use fazhi_calendar::Span;
use fazhi_domain::catalogue::{Facts, Suggestion, ViolationEntry};
use fazhi_domain::timeline::PartyKind;
use fazhi_domain::{CheckReport, Timeline};
use serde::{Deserialize, Serialize};

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
    user.require(crate::service::permissions::Action::CheckTimeline)?;
    // Not UTF-8: the usual JSON error in Chinese, not the framework's plain-text rejection.
    let body = String::from_utf8(body.to_vec()).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_timeline",
            format!(
                "时间线不是UTF-8编码的文本（第{}个字节起无法解码），请以UTF-8保存后重新提交",
                e.utf8_error().valid_up_to() + 1
            ),
        )
    })?;
    let content_type = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let parsed = if content_type.contains("yaml") {
        Timeline::from_yaml(&body)
    } else {
        Timeline::parse(&body)
    };
    let timeline = parsed.map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_timeline",
            e.to_string(),
        )
    })?;
    let mut conn = state.db.pool.acquire().await.map_err(ServiceError::from)?;
    let catalogue = catalogue::load(&mut conn).await?;
    let today = q.today.unwrap_or_else(|| state.clock.today());
    let calendar = state.calendar().await?;
    Ok(Json(case::run_check(
        &timeline,
        &calendar,
        &state.settings.rules,
        &catalogue,
        today,
    )?))
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

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CalendarAnswer {
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    pub span: String,
    #[schema(value_type = String, format = Date)]
    pub result: NaiveDate,
    pub result_is_working_day: bool,
    /// The counting crossed a day of a year whose holiday notice is not loaded (provisional
    /// calendar): the date may move when the notice is loaded. Present only when true.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub provisional: bool,
}

/// Working-day arithmetic on the bureau's holiday calendar.
#[utoipa::path(get, path = "/calendar/add", tag = "checks", params(CalendarQuery),
    responses((status = 200, body = CalendarAnswer), (status = 422, body = ErrorBody)))]
pub async fn calendar_add(
    State(state): State<AppState>,
    _user: CurrentUser,
    ApiQuery(q): ApiQuery<CalendarQuery>,
) -> ApiResult<Json<CalendarAnswer>> {
    let span: Span = q
        .span
        .parse()
        .map_err(|e: fazhi_calendar::ParseSpanError| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_span",
                e.to_string(),
            )
        })?;
    let cal = &state.calendar().await?;
    let calendar_error = |e: fazhi_calendar::CalendarError| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "calendar_out_of_range",
            e.to_string(),
        )
    };
    let result = cal
        .add_span(q.from, span, state.settings.rules.rest_days)
        .map_err(calendar_error)?;
    Ok(Json(CalendarAnswer {
        from: q.from,
        span: span.to_string(),
        result,
        result_is_working_day: cal.is_working_day(result).map_err(calendar_error)?,
        provisional: cal.crosses_provisional(q.from, result),
    }))
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
    let cat = catalogue::list(&state).await?;
    let entry = cat.get(&code).ok_or(ServiceError::NotFound {
        what: "违法行为"
    })?;
    Ok(Json(entry.suggest(r.party, &r.facts)))
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
