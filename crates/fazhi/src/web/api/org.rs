//! `/api/v1/org-units`, `/api/v1/users`, `/api/v1/officers`, `/api/v1/certificates`:
//! the bureau's structure, accounts, officers and their enforcement certificates.

use crate::service::AppState;
use crate::service::account::{self, PasswordReset, UserDetail, UserUpdate};
use crate::service::auth::{self, CurrentUser, CurrentUserSummary, NewUser};
use crate::service::officer::{self, NewCertificate, NewOfficer, OfficerView, Suspension};
use crate::service::officer::{CertificateRow, OfficerRow};
use crate::service::org_unit::OrgUnit;
use crate::service::org_unit::{self, NewOrgUnit};
use crate::web::error::{ApiResult, ErrorBody, created};
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
    Ok(created(org_unit::create(&state, Some(&user), input).await?))
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
    Ok(created(
        auth::create_user(&state, Some(&user), input).await?,
    ))
}

/// One account with its open sessions and tokens (admin).
#[utoipa::path(get, path = "/users/{id}", tag = "org", params(("id" = String, Path)),
    responses((status = 200, body = UserDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_user(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<UserDetail>> {
    Ok(Json(account::get(&state, &user, &id).await?))
}

/// Edit an account's name, role, unit and linked officer (admin). A change of role is
/// audited as `user.role_change`. The last active administrator keeps the role.
#[utoipa::path(put, path = "/users/{id}", tag = "org", params(("id" = String, Path)), request_body = UserUpdate,
    responses((status = 200, body = CurrentUserSummary), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_user(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<UserUpdate>,
) -> ApiResult<Json<CurrentUserSummary>> {
    Ok(Json(account::update(&state, &user, &id, input).await?))
}

/// Disable an account (admin): it can no longer log in, and every session and token of the
/// user ends at once. Not one's own account, nor the last active administrator.
#[utoipa::path(post, path = "/users/{id}/disable", tag = "org", params(("id" = String, Path)),
    responses((status = 200, body = CurrentUserSummary), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn disable_user(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<CurrentUserSummary>> {
    Ok(Json(
        account::set_active(&state, Some(&user), &id, false).await?,
    ))
}

/// Re-enable a disabled account (admin).
#[utoipa::path(post, path = "/users/{id}/enable", tag = "org", params(("id" = String, Path)),
    responses((status = 200, body = CurrentUserSummary), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn enable_user(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<CurrentUserSummary>> {
    Ok(Json(
        account::set_active(&state, Some(&user), &id, true).await?,
    ))
}

/// Reset a user's password (admin): the new one must meet the password policy, the user
/// must change it at the next login, and every session and token of the user ends.
#[utoipa::path(post, path = "/users/{id}/password-reset", tag = "org", params(("id" = String, Path)), request_body = PasswordReset,
    responses((status = 200, body = CurrentUserSummary), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reset_password(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<PasswordReset>,
) -> ApiResult<Json<CurrentUserSummary>> {
    Ok(Json(
        account::reset_password(&state, Some(&user), &id, &input.new_password).await?,
    ))
}

/// How many sessions and tokens were ended.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct SessionsEnded {
    pub ended: u64,
}

/// End every session and token of a user (admin); the account stays usable.
#[utoipa::path(delete, path = "/users/{id}/sessions", tag = "org", params(("id" = String, Path)),
    responses((status = 200, body = SessionsEnded), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn end_sessions(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<SessionsEnded>> {
    Ok(Json(SessionsEnded {
        ended: account::end_sessions(&state, &user, &id).await?,
    }))
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
    Ok(created(officer::create(&state, Some(&user), input).await?))
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
    Ok(created(
        officer::add_certificate(&state, Some(&user), &id, input).await?,
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
