//! The JSON error surface: one stable machine code per failure, a Chinese message, the
//! field at fault, and — when the law refused the action — the rule ids and legal bases.
//! Internal failures are logged with their cause and shown to the client only as
//! `internal_error`.

use crate::service::ServiceError;
use axum::Json;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Error body: `{"error": {...}}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine code, e.g. `rule_violation`, `version_conflict`, `invalid_json`.
    pub code: String,
    /// Chinese message for the user.
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// First refusing rule id (legal-rules.md), when a rule refused the action.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Its legal basis in Chinese.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
    /// Every refusing rule, when a rule refused the action.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub violations: Vec<fazhi_domain::Violation>,
    /// True when the step is refused only for being late: a leader may resubmit it with
    /// `late_reason` (超期说明) and it is recorded with the defect on file.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub late_reason_accepted: bool,
    /// With `login_throttled`: seconds until the next login attempt is accepted (also sent
    /// as the `Retry-After` header).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after_seconds: Option<i64>,
}

/// What handlers return on failure.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub detail: ErrorDetail,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            detail: ErrorDetail {
                code: code.into(),
                message: message.into(),
                field: None,
                rule: None,
                basis: None,
                violations: Vec::new(),
                late_reason_accepted: false,
                retry_after_seconds: None,
            },
        }
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        let message = e.to_string();
        match e {
            ServiceError::Unauthenticated => {
                Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", message)
            }
            ServiceError::Forbidden | ServiceError::WrongPost { .. } => {
                Self::new(StatusCode::FORBIDDEN, "forbidden", message)
            }
            ServiceError::Throttled {
                retry_after_seconds,
                ..
            } => {
                let mut err = Self::new(StatusCode::TOO_MANY_REQUESTS, "login_throttled", message);
                err.detail.retry_after_seconds = Some(retry_after_seconds);
                err
            }
            ServiceError::NotFound { .. } => Self::new(StatusCode::NOT_FOUND, "not_found", message),
            ServiceError::Invalid {
                code, field, rule, ..
            } => {
                let mut err = Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message);
                err.detail.field = field;
                if let Some((id, basis)) = rule {
                    err.detail.rule = Some(id.to_string());
                    err.detail.basis = Some(basis.to_string());
                }
                err
            }
            ServiceError::Duplicate { field, .. } => {
                let mut err = Self::new(StatusCode::CONFLICT, "duplicate", message);
                err.detail.field = Some(field);
                err
            }
            ServiceError::VersionConflict { .. } => {
                Self::new(StatusCode::CONFLICT, "version_conflict", message)
            }
            ServiceError::RuleViolations {
                violations,
                late_reason_accepted,
            } => {
                let mut err =
                    Self::new(StatusCode::UNPROCESSABLE_ENTITY, "rule_violation", message);
                err.detail.late_reason_accepted = late_reason_accepted;
                if let Some(first) = violations.first() {
                    err.detail.rule = Some(first.rule.clone());
                    err.detail.basis = Some(first.basis.clone());
                    err.detail.message = format!("{}：{}", err.detail.message, first.message);
                }
                err.detail.violations = violations;
                err
            }
            ServiceError::Internal(cause) => {
                tracing::error!(error = %cause, "internal error");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal_error",
                    "服务器内部错误，请稍后重试",
                )
            }
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        let (status, code, message) = match &r {
            JsonRejection::MissingJsonContentType(_) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "请求体必须是 JSON（Content-Type: application/json）".to_string(),
            ),
            JsonRejection::JsonSyntaxError(_) => (
                StatusCode::BAD_REQUEST,
                "invalid_json",
                format!("JSON 格式错误：{}", r.body_text()),
            ),
            JsonRejection::JsonDataError(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_field",
                format!("字段内容不正确：{}", r.body_text()),
            ),
            _ if r.status() == StatusCode::PAYLOAD_TOO_LARGE => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!(
                    "请求体超过{}MB上限",
                    crate::web::MAX_BODY_BYTES / (1024 * 1024)
                ),
            ),
            _ => (
                StatusCode::BAD_REQUEST,
                "invalid_body",
                format!("请求体无法读取：{}", r.body_text()),
            ),
        };
        Self::new(status, code, message)
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_path",
            format!("路径参数不正确：{}", r.body_text()),
        )
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            format!("查询参数不正确：{}", r.body_text()),
        )
    }
}

impl From<MultipartRejection> for ApiError {
    fn from(r: MultipartRejection) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_multipart",
            format!(
                "请求体须为 multipart/form-data（带 boundary）：{}",
                r.body_text()
            ),
        )
    }
}

impl From<MultipartError> for ApiError {
    fn from(e: MultipartError) -> Self {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Self::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!(
                    "请求体超过{}MB上限",
                    crate::web::MAX_BODY_BYTES / (1024 * 1024)
                ),
            )
        } else {
            Self::new(
                StatusCode::BAD_REQUEST,
                "invalid_multipart",
                format!("上传内容无法读取：{e}"),
            )
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let retry_after = self.detail.retry_after_seconds;
        let mut response = (self.status, Json(ErrorBody { error: self.detail })).into_response();
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(seconds.max(1)),
            );
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The answer to a POST that made something: 201 with it as JSON.
pub fn created<T>(value: T) -> (StatusCode, axum::Json<T>) {
    (StatusCode::CREATED, axum::Json(value))
}
