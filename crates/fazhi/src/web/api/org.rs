//! `/api/v1/org-units`, `/api/v1/users`, `/api/v1/officers`, `/api/v1/certificates`:
//! the bureau's structure, accounts, officers and their enforcement certificates.

use crate::repo::officer_repo::{CertificateRow, OfficerRow};
use crate::repo::org_unit_repo::OrgUnit;
use crate::service::AppState;
use crate::service::auth::{self, CurrentUser, CurrentUserSummary, NewUser};
use crate::service::officer::{self, NewCertificate, NewOfficer, OfficerView, Suspension};
use crate::service::org_unit::{self, NewOrgUnit};
use crate::web::error::{ApiResult, ErrorBody};
use crate::web::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

/// Org units visible to the caller (their unit and below).
#[utoipa::path(get, path = "/org-units", tag = "org", responses((status = 200, body = Vec<OrgUnit>), (status = 401, body = ErrorBody)))]
pub async fn list_units(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<OrgUnit>>> {
    Ok(Json(org_unit::list(&state, &user).await?))
}

/// Create an org unit (admin).
#[utoipa::path(post, path = "/org-units", tag = "org", request_body = NewOrgUnit,
    responses((status = 201, body = OrgUnit), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_unit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<NewOrgUnit>,
) -> ApiResult<(StatusCode, Json<OrgUnit>)> {
    Ok((
        StatusCode::CREATED,
        Json(org_unit::create(&state, Some(&user), input).await?),
    ))
}

/// User accounts (admin).
#[utoipa::path(get, path = "/users", tag = "org", responses((status = 200, body = Vec<CurrentUserSummary>), (status = 403, body = ErrorBody)))]
pub async fn list_users(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<CurrentUserSummary>>> {
    Ok(Json(auth::list_users(&state, &user).await?))
}

/// Create a user account (admin); the password is stored as an argon2 hash.
#[utoipa::path(post, path = "/users", tag = "org", request_body = NewUser,
    responses((status = 201, body = CurrentUserSummary), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_user(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<NewUser>,
) -> ApiResult<(StatusCode, Json<CurrentUserSummary>)> {
    Ok((
        StatusCode::CREATED,
        Json(auth::create_user(&state, Some(&user), input).await?),
    ))
}

/// Officers in the caller's scope, with their certificates.
#[utoipa::path(get, path = "/officers", tag = "officers", responses((status = 200, body = Vec<OfficerView>), (status = 403, body = ErrorBody)))]
pub async fn list_officers(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<OfficerView>>> {
    Ok(Json(officer::list(&state, &user).await?))
}

/// Register an officer (admin).
#[utoipa::path(post, path = "/officers", tag = "officers", request_body = NewOfficer,
    responses((status = 201, body = OfficerRow), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_officer(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<NewOfficer>,
) -> ApiResult<(StatusCode, Json<OfficerRow>)> {
    Ok((
        StatusCode::CREATED,
        Json(officer::create(&state, Some(&user), input).await?),
    ))
}

/// One officer with certificates.
#[utoipa::path(get, path = "/officers/{id}", tag = "officers", params(("id" = String, Path)),
    responses((status = 200, body = OfficerView), (status = 404, body = ErrorBody)))]
pub async fn get_officer(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<OfficerView>> {
    Ok(Json(officer::get(&state, &user, &id).await?))
}

/// Record an enforcement certificate (admin). Assistants (协管) cannot hold one.
#[utoipa::path(post, path = "/officers/{id}/certificates", tag = "officers", params(("id" = String, Path)), request_body = NewCertificate,
    responses((status = 201, body = CertificateRow), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_certificate(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<NewCertificate>,
) -> ApiResult<(StatusCode, Json<CertificateRow>)> {
    Ok((
        StatusCode::CREATED,
        Json(officer::add_certificate(&state, Some(&user), &id, input).await?),
    ))
}

/// Suspend (暂扣) a certificate from a date, or lift the suspension with `from: null` (admin).
#[utoipa::path(put, path = "/certificates/{id}/suspension", tag = "officers", params(("id" = String, Path)), request_body = Suspension,
    responses((status = 200, body = CertificateRow), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn suspend_certificate(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<Suspension>,
) -> ApiResult<Json<CertificateRow>> {
    Ok(Json(
        officer::suspend_certificate(&state, &user, &id, input).await?,
    ))
}
