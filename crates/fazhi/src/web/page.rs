//! What every server-rendered page shares: the logged-in user taken from the session cookie
//! (a missing or expired session redirects to the login page), the CSRF check of posted forms,
//! the error page (403/404/422 …, never a raw 500), the layout data and Chinese formatting.

use crate::infra::secret::token_hash;
use crate::service::auth::{self, CurrentUser, Role};
use crate::service::{AppState, ServiceError};
use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};

/// `Form<T>` whose rejection (wrong content type, unreadable body, a field of the wrong type)
/// is the Chinese error page instead of axum's English text.
#[derive(axum::extract::FromRequest)]
#[from_request(via(axum::extract::Form), rejection(PageError))]
pub struct PageForm<T>(pub T);

/// `Query<T>` whose rejection is the Chinese error page.
#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(PageError))]
pub struct PageQuery<T>(pub T);

impl From<axum::extract::rejection::FormRejection> for PageError {
    fn from(_: axum::extract::rejection::FormRejection) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "表单内容无法识别",
            "提交的表单内容格式不正确，请返回上一页检查后重新提交。",
        )
    }
}

impl From<axum::extract::rejection::QueryRejection> for PageError {
    fn from(_: axum::extract::rejection::QueryRejection) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "链接参数有误",
            "网址中的查询参数格式不正确，请从页面上的链接或表单重新进入。",
        )
    }
}

/// The logged-in user of a back-office page (session cookie only; bearer tokens are for
/// machine clients).
pub struct OfficeUser(pub CurrentUser);

impl FromRequestParts<AppState> for OfficeUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let jar = axum_extra::extract::CookieJar::from_headers(&parts.headers);
        let next = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let to_login =
            || Redirect::to(&format!("/login?next={}", urlencode(&next))).into_response();
        let Some(cookie) = jar.get(crate::web::extract::SESSION_COOKIE) else {
            return Err(to_login());
        };
        // The permission guard may have read the session already (the same cookie: a page
        // request with a bearer token too is answered by its cookie only if it has none).
        let loaded = match parts.extensions.get::<crate::web::guard::LoadedUser>() {
            Some(loaded)
                if crate::web::extract::request_token_hash(parts).is_some_and(|(_, c)| c) =>
            {
                Ok(loaded.0.clone())
            }
            _ => auth::load_current(state, &token_hash(cookie.value())).await,
        };
        match loaded {
            // Until a password set by an administrator is changed, only the change form
            // (and logging out) is open.
            Ok(Some(user))
                if user.via_cookie
                    && user.must_change_password
                    && !matches!(parts.uri.path(), "/password" | "/logout") =>
            {
                Err(Redirect::to(&format!("/password?next={}", urlencode(&next))).into_response())
            }
            Ok(Some(user)) if user.via_cookie => {
                crate::web::observe::RequestUser::set(parts, &user.id);
                Ok(OfficeUser(user))
            }
            Ok(_) => Err(to_login()),
            Err(e) => Err(PageError::from(e).into_response()),
        }
    }
}

/// Percent-encodes a query value.
pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("v", s)])
        .map(|q| q.trim_start_matches("v=").to_string())
        .unwrap_or_default()
}

/// Refuses a posted form whose hidden `_csrf` field does not match the session.
pub fn check_csrf(user: &CurrentUser, sent: &str) -> Result<(), PageError> {
    if !sent.is_empty() && sent == user.csrf_token {
        Ok(())
    } else {
        Err(PageError::new(
            StatusCode::FORBIDDEN,
            "表单已失效",
            "表单校验令牌缺失或已过期（CSRF 防护）。请返回上一页刷新后重新提交。",
        ))
    }
}

/// A page-level failure shown as a Chinese error page.
#[derive(Debug)]
pub struct PageError {
    pub status: StatusCode,
    pub title: String,
    pub message: String,
}

impl PageError {
    pub fn new(status: StatusCode, title: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            title: title.into(),
            message: message.into(),
        }
    }
    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "页面不存在",
            "您访问的页面不存在或已被删除。",
        )
    }
}

impl From<ServiceError> for PageError {
    fn from(e: ServiceError) -> Self {
        let message = e.to_string();
        match e {
            ServiceError::Unauthenticated => Self::new(
                StatusCode::UNAUTHORIZED,
                "请先登录",
                "会话已过期，请重新登录。",
            ),
            ServiceError::Forbidden => Self::new(
                StatusCode::FORBIDDEN,
                "无权访问",
                "您的账号无权查看或办理此记录。如确需办理，请联系本单位管理员。",
            ),
            ServiceError::WrongPost { .. } => {
                Self::new(StatusCode::FORBIDDEN, "需由其他岗位办理", message)
            }
            ServiceError::Throttled { .. } => {
                Self::new(StatusCode::TOO_MANY_REQUESTS, "登录过于频繁", message)
            }
            ServiceError::NotFound { .. } => {
                Self::new(StatusCode::NOT_FOUND, "记录不存在", message)
            }
            ServiceError::Invalid { .. } | ServiceError::Duplicate { .. } => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, "输入有误", message)
            }
            ServiceError::VersionConflict { .. } => {
                Self::new(StatusCode::CONFLICT, "记录已变更", message)
            }
            ServiceError::RuleViolations { violations, .. } => {
                let detail = violations
                    .iter()
                    .map(|v| format!("{}（{}，{}）", v.message, v.rule, v.basis))
                    .collect::<Vec<_>>()
                    .join("；");
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, "违反法定程序", detail)
            }
            ServiceError::Internal(cause) => {
                tracing::error!(error = %cause, "internal error on a page");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "系统繁忙",
                    "服务器内部错误，请稍后重试。",
                )
            }
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    title: &'a str,
    message: &'a str,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if self.status == StatusCode::UNAUTHORIZED {
            return Redirect::to("/login").into_response();
        }
        let page = ErrorPage {
            status: self.status.as_u16(),
            title: &self.title,
            message: &self.message,
        };
        render_with(self.status, &page)
    }
}

/// Renders a template; a template failure is logged and shown as the error page text.
pub fn render_with(status: StatusCode, t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html("<!doctype html><meta charset=utf-8><title>系统繁忙</title><p>页面生成失败，请稍后重试。</p>".to_string()),
            )
                .into_response()
        }
    }
}

/// Renders a template with status 200.
pub fn render(t: &impl Template) -> Response {
    render_with(StatusCode::OK, t)
}

pub type PageResult = Result<Response, PageError>;

/// Renders a page that holds a form: 200, or 422 when it is shown again because the input was
/// refused (`refused`), so that a client sees the refusal without reading the page.
pub fn render_form(refused: bool, t: &impl Template) -> PageResult {
    let status = if refused {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render_with(status, t))
}

/// The answer to a form accepted: 303 to `to` (post/redirect/get).
pub fn redirect(to: &str) -> PageResult {
    Ok(Redirect::to(to).into_response())
}

/// A posted form that carries nothing but its CSRF token (one-button actions).
#[derive(serde::Deserialize, Default)]
pub struct CsrfForm {
    #[serde(default, rename = "_csrf")]
    pub csrf: String,
}

/// `?ok=code`: which notice to show after a successful write (a fixed text chosen by the
/// page, never the echoed code).
#[derive(serde::Deserialize, Default)]
pub struct OkQuery {
    pub ok: Option<String>,
}

/// One entry of the back office's main navigation.
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

/// What the layout needs: the user, the CSRF token for the logout form, the navigation.
pub struct Layout {
    pub title: String,
    pub user_name: String,
    pub role_label: &'static str,
    pub csrf: String,
    pub nav: Vec<NavItem>,
    pub today: String,
}

impl Layout {
    /// The layout for `user` on the page titled `title`, with `active` the nav entry's href.
    pub fn new(state: &AppState, user: &CurrentUser, title: &str, active: &str) -> Self {
        // Shown exactly when the permission table opens the page to the user's post.
        let items: &[(&'static str, &'static str)] = &[
            ("/workbench", "工作台"),
            ("/cases", "案件"),
            ("/complaints", "投诉举报"),
            ("/officers", "执法人员"),
            ("/org-units", "组织机构"),
            ("/catalogue", "裁量基准"),
            ("/users", "用户"),
            // The working-day calendar and its calculator are a reference for every post.
            ("/calendars", "工作日历"),
            ("/settings", "规则设置"),
            ("/dashboard", "统计"),
        ];
        Self {
            title: title.to_string(),
            user_name: user.display_name.clone(),
            role_label: role_label(user.role),
            csrf: user.csrf_token.clone(),
            nav: items
                .iter()
                .filter(|(href, _)| crate::web::guard::page_open_to(href, user.role))
                .map(|(href, label)| NavItem {
                    href,
                    label,
                    active: *href == active,
                })
                .collect(),
            today: cn_date(state.clock.today()),
        }
    }
}

pub fn role_label(role: Role) -> &'static str {
    role.label()
}

/// 2025年4月1日
pub fn cn_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// `2025-04-01` (or a timestamp starting with it) as 2025年4月1日; anything else unchanged.
pub fn cn_date_str(s: &str) -> String {
    s.get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .map(cn_date)
        .unwrap_or_else(|| s.to_string())
}

/// Amount in fen as 1,234.50 元.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    let whole = (fen / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{:02}元", fen % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_dates_and_money_the_chinese_way() {
        assert_eq!(cn_date_str("2025-04-01"), "2025年4月1日");
        assert_eq!(cn_date_str("2025-12-31T08:00:00Z"), "2025年12月31日");
        assert_eq!(cn_date_str("—"), "—");
        assert_eq!(yuan(123_456_750), "1,234,567.50元");
        assert_eq!(yuan(5), "0.05元");
    }

    #[test]
    fn next_parameter_is_encoded() {
        assert_eq!(
            urlencode("/cases?q=张 三"),
            "%2Fcases%3Fq%3D%E5%BC%A0+%E4%B8%89"
        );
    }
}
