//! The bureau's rule settings (`service::bureau_settings`): every number and switch of the
//! penalty-case rules with its basis, and the change of those the bureau may set itself.

use crate::service::AppState;
use crate::service::auth::CurrentUser;
use crate::service::bureau_settings::{self, SettingChange, SettingView};
use crate::web::error::{ApiResult, ErrorBody};
use crate::web::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;

/// Every rule setting: its value in effect (the defaults or the `--rules` file with the
/// bureau's changes), its source (`statute`, `regional`, `bureau`), legal basis, whether the
/// bureau may change it and its last change. Case workers, the legal office, administrators.
#[utoipa::path(get, path = "/settings/rules", tag = "settings",
    responses((status = 200, body = Vec<SettingView>), (status = 403, body = ErrorBody)))]
pub async fn list_rules(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<SettingView>>> {
    Ok(Json(bureau_settings::list(&state, &user).await?))
}

/// Change one setting the bureau may set (legal office, administrator): the value as typed,
/// a reason, and the `version` last read as `expected_version`. A statutory number is
/// refused (`setting_statutory`), a bad value names the setting (`invalid_setting`), a
/// missing reason is `reason_required`; a change meanwhile is 409 `version_conflict`. Stored
/// with an audit entry, in effect for the next request.
#[utoipa::path(put, path = "/settings/rules/{key}", tag = "settings",
    params(("key" = String, Path, description = "the setting, e.g. statement_working_days")),
    request_body = SettingChange,
    responses((status = 200, body = SettingView), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_rule(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(key): ApiPath<String>,
    ApiJson(change): ApiJson<SettingChange>,
) -> ApiResult<Json<SettingView>> {
    Ok(Json(
        bureau_settings::change(&state, &user, &key, &change, "api").await?,
    ))
}
