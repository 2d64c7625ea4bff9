//! The JSON API under `/api/v1`, with its OpenAPI 3 document built from the handlers'
//! annotations (so every route is described) and served at `/api/v1/openapi.json`.

pub mod auth;
pub mod cases;
pub mod complaints;
pub mod contract;
pub mod documents;
pub mod org;
pub mod settings;
pub mod tools;

use crate::service::AppState;
use axum::Router;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "fazhi 法治 API", version = "1", description = "城市管理局法治工作平台接口。错误统一为 {\"error\": {code, message, field?, rule?, basis?, violations?}}。浏览器会话的写请求须带 X-CSRF-Token；机器客户端使用 Authorization: Bearer。"),
    servers((url = "/api/v1")),
    tags(
        (name = "auth", description = "登录与令牌"),
        (name = "org", description = "组织机构与用户"),
        (name = "officers", description = "执法人员与执法证"),
        (name = "catalogue", description = "违法行为目录与裁量基准"),
        (name = "cases", description = "行政处罚案件"),
        (name = "documents", description = "执法文书：生成、编号、存档与下载"),
        (name = "checks", description = "案件时间线检查与工作日计算"),
        (name = "settings", description = "本局规则设置：期限、数额和开关及其依据"),
        (name = "audit", description = "审计日志"),
        (name = "complaints", description = "投诉举报闭环：受理、派单、办理、答复、核查、办结、回访、评价、督办")
    )
)]
struct ApiDoc;

/// Login routes and the citizens' token endpoints (no login), split out so the per-IP rate
/// limiter can wrap only them.
pub fn login_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(auth::login, auth::logout))
        .routes(routes!(auth::issue_token))
        .routes(routes!(complaints::public_rate))
        .routes(routes!(complaints::public_reopen))
}

/// Every other route.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(auth::me))
        .routes(routes!(auth::change_password))
        .routes(routes!(org::list_units, org::create_unit))
        .routes(routes!(org::list_users, org::create_user))
        .routes(routes!(org::get_user, org::update_user))
        .routes(routes!(org::disable_user))
        .routes(routes!(org::enable_user))
        .routes(routes!(org::reset_password))
        .routes(routes!(org::end_sessions))
        .routes(routes!(org::list_officers, org::create_officer))
        .routes(routes!(org::get_officer))
        .routes(routes!(org::add_certificate))
        .routes(routes!(org::suspend_certificate))
        .routes(routes!(tools::list_violations))
        .routes(routes!(tools::put_violation))
        .routes(routes!(tools::suggest))
        .routes(routes!(cases::list, cases::create))
        .routes(routes!(cases::get))
        .routes(routes!(cases::add_event))
        .routes(routes!(cases::add_evidence))
        .routes(routes!(cases::get_record, cases::put_record))
        .routes(routes!(cases::deadlines))
        .routes(routes!(cases::review_queue))
        .routes(routes!(documents::list, documents::generate))
        .routes(routes!(documents::file))
        .routes(routes!(documents::pdf))
        .routes(routes!(tools::check))
        .routes(routes!(tools::calendar_add))
        .routes(routes!(tools::get_calendar, tools::put_calendar))
        .routes(routes!(settings::list_rules))
        .routes(routes!(settings::put_rule))
        .routes(routes!(tools::audit_verify))
        .routes(routes!(complaints::list, complaints::intake))
        .routes(routes!(complaints::overdue))
        .routes(routes!(complaints::stats))
        .routes(routes!(complaints::get))
        .routes(routes!(complaints::duplicates))
        .routes(routes!(complaints::dispatch))
        .routes(routes!(complaints::recategorise))
        .routes(routes!(complaints::handle))
        .routes(routes!(complaints::reply))
        .routes(routes!(complaints::verify))
        .routes(routes!(complaints::close))
        .routes(routes!(complaints::follow_up))
        .routes(routes!(complaints::rate))
        .routes(routes!(complaints::supervise))
        .routes(routes!(complaints::to_case))
}

/// The `/api/v1` router (rate-limited login routes merged in by the caller) and its document,
/// completed as a contract (`contract.rs`).
pub fn build(
    login_layer: impl FnOnce(Router<AppState>) -> Router<AppState>,
) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (login, login_doc) = login_routes().split_for_parts();
    let rate_limited: Vec<String> = login_doc.paths.paths.keys().cloned().collect();
    let (rest, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(routes())
        .split_for_parts();
    doc.merge(login_doc);
    (
        rest.merge(login_layer(login)),
        contract::complete(doc, &rate_limited),
    )
}
