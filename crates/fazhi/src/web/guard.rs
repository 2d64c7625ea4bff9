//! Every route of the router and the use case it serves ([`ROUTES`]), and the layer that
//! refuses a request before its handler runs when the permission table
//! (`service::permissions`) does not grant that use case to the caller's post.
//!
//! The layer looks the request's route template (`/api/v1/cases/{id}`) up in [`ROUTES`]:
//!
//! - [`Access::Public`]: anyone (login, the citizens' portal, Open311, assets, probes);
//! - [`Access::SignedIn`]: every logged-in user (the handler asks for the login);
//! - [`Access::Use`]: the posts the table grants the use case; [`Access::CaseStep`]: the
//!   posts that record the step named in the path (`/cases/{id}/steps/{step}`).
//!
//! A route that is not in the list is refused to everyone (403), so a new route cannot be
//! reached before it is given its use case here (a method a listed route does not have is
//! left to the router's 405). A request without a valid session passes on
//! to the handler, which answers 401 or sends the browser to the login page as before; so do
//! a user who must first change their password and a cookie write without its CSRF header
//! (the handler gives those their own answers). The user loaded here is kept in the request
//! for the handler's extractor, so the session is read once.
//!
//! `tests/api/permissions.rs` calls every route of the router (the API's from its OpenAPI
//! document, the others from [`ROUTES`], each checked to be routed) as every post and as
//! nobody, and checks each answer against the table.

use crate::service::auth::{CurrentUser, Role};
use crate::service::permissions::Action;
use crate::service::{AppState, ServiceError};
use crate::web::error::ApiError;
use crate::web::page::PageError;
use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use fazhi_domain::timeline::EventType;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Public,
    SignedIn,
    Use(Action),
    /// Any of the use cases (a route that serves several, the service telling them apart).
    UseAny(&'static [Action]),
    /// The case step named by the path's `{step}` ([`Action::RecordCaseEvent`]); a step that
    /// does not exist is left to the handler, which answers 404.
    CaseStep,
}

impl Access {
    /// Whether a user of `role` may call the route; `step` is the path's `{step}`, if any.
    pub fn allows(self, role: Role, step: Option<&str>) -> bool {
        match self {
            Access::Public | Access::SignedIn => true,
            Access::Use(action) => action.allows(role),
            Access::UseAny(actions) => actions.iter().any(|a| a.allows(role)),
            Access::CaseStep => step_action(step).is_none_or(|a| a.allows(role)),
        }
    }
}

fn step_action(step: Option<&str>) -> Option<Action> {
    let step = step?;
    serde_json::from_value::<EventType>(serde_json::Value::String(step.to_string()))
        .ok()
        .map(Action::RecordCaseEvent)
}

use Access::{CaseStep, Public, SignedIn, Use, UseAny};
use Action as A;

/// Who writes the case record: the whole of it, or the legal office its 法制审核 section
/// (`service::case_record::update` tells them apart).
const RECORD_WRITERS: &[Action] = &[A::EditCaseRecord, A::WriteLegalReview];

/// Every route: method, route template (as the router matches it), access. `GET` also
/// covers `HEAD`.
pub const ROUTES: &[(&str, &str, Access)] = &[
    // ---- JSON API: sessions and the citizens' token endpoints ----
    ("POST", "/api/v1/sessions", Public),
    ("DELETE", "/api/v1/sessions", Public),
    ("POST", "/api/v1/tokens", Public),
    ("POST", "/api/v1/public/complaints/{token}/rating", Public),
    ("POST", "/api/v1/public/complaints/{token}/reopen", Public),
    ("GET", "/api/v1/openapi.json", Public),
    ("GET", "/api/v1/docs", Public),
    ("GET", "/api/v1/docs/", Public),
    ("GET", "/api/v1/docs/{*rest}", Public),
    ("GET", "/api/v1/me", SignedIn),
    ("PUT", "/api/v1/me/password", SignedIn),
    // ---- JSON API: organisation, users, officers ----
    ("GET", "/api/v1/org-units", SignedIn),
    ("POST", "/api/v1/org-units", Use(A::ManageOrgUnits)),
    ("GET", "/api/v1/users", Use(A::ManageUsers)),
    ("POST", "/api/v1/users", Use(A::ManageUsers)),
    ("GET", "/api/v1/users/{id}", Use(A::ManageUsers)),
    ("PUT", "/api/v1/users/{id}", Use(A::ManageUsers)),
    ("POST", "/api/v1/users/{id}/disable", Use(A::ManageUsers)),
    ("POST", "/api/v1/users/{id}/enable", Use(A::ManageUsers)),
    (
        "POST",
        "/api/v1/users/{id}/password-reset",
        Use(A::ManageUsers),
    ),
    ("DELETE", "/api/v1/users/{id}/sessions", Use(A::ManageUsers)),
    ("GET", "/api/v1/officers", Use(A::ViewOfficers)),
    ("POST", "/api/v1/officers", Use(A::ManageOfficers)),
    ("GET", "/api/v1/officers/{id}", Use(A::ViewOfficers)),
    (
        "POST",
        "/api/v1/officers/{id}/certificates",
        Use(A::ManageOfficers),
    ),
    (
        "PUT",
        "/api/v1/certificates/{id}/suspension",
        Use(A::ManageOfficers),
    ),
    // ---- JSON API: catalogue, checks, calendars, audit ----
    ("GET", "/api/v1/violations", SignedIn),
    ("PUT", "/api/v1/violations/{code}", Use(A::EditCatalogue)),
    ("POST", "/api/v1/violations/{code}/suggestion", SignedIn),
    ("POST", "/api/v1/case-checks", Use(A::CheckTimeline)),
    ("GET", "/api/v1/calendar/add", SignedIn),
    ("GET", "/api/v1/calendars/{year}", SignedIn),
    ("PUT", "/api/v1/calendars/{year}", Use(A::LoadCalendars)),
    ("GET", "/api/v1/settings/rules", Use(A::ViewBureauSettings)),
    (
        "PUT",
        "/api/v1/settings/rules/{key}",
        Use(A::EditBureauSettings),
    ),
    ("GET", "/api/v1/audit/verify", Use(A::VerifyAudit)),
    // ---- JSON API: cases and documents ----
    ("GET", "/api/v1/cases", Use(A::ViewCases)),
    ("POST", "/api/v1/cases", Use(A::OpenCase)),
    ("GET", "/api/v1/cases/{id}", Use(A::ViewCases)),
    (
        "POST",
        "/api/v1/cases/{id}/events",
        Use(A::RecordSomeCaseEvent),
    ),
    (
        "POST",
        "/api/v1/cases/{id}/evidence",
        Use(A::UploadEvidence),
    ),
    ("GET", "/api/v1/cases/{id}/record", Use(A::ViewCases)),
    ("PUT", "/api/v1/cases/{id}/record", UseAny(RECORD_WRITERS)),
    ("GET", "/api/v1/deadlines", Use(A::ViewCases)),
    ("GET", "/api/v1/review-queue", Use(A::ReviewQueue)),
    ("GET", "/api/v1/cases/{id}/documents", Use(A::ViewDocuments)),
    (
        "POST",
        "/api/v1/cases/{id}/documents",
        Use(A::GenerateDocuments),
    ),
    (
        "GET",
        "/api/v1/documents/{doc_id}/file",
        Use(A::ViewDocuments),
    ),
    (
        "GET",
        "/api/v1/documents/{doc_id}/pdf",
        Use(A::ViewDocuments),
    ),
    // ---- JSON API: complaints ----
    ("GET", "/api/v1/complaints", Use(A::ViewComplaints)),
    ("POST", "/api/v1/complaints", Use(A::ComplaintIntake)),
    ("GET", "/api/v1/complaints/overdue", Use(A::ViewComplaints)),
    ("GET", "/api/v1/complaints/stats", Use(A::ComplaintStats)),
    ("GET", "/api/v1/complaints/{id}", Use(A::ViewComplaints)),
    (
        "GET",
        "/api/v1/complaints/{id}/duplicates",
        Use(A::ComplaintDuplicates),
    ),
    (
        "POST",
        "/api/v1/complaints/{id}/dispatch",
        Use(A::DispatchComplaint),
    ),
    (
        "POST",
        "/api/v1/complaints/{id}/recategorise",
        Use(A::RecategoriseComplaint),
    ),
    (
        "POST",
        "/api/v1/complaints/{id}/handling",
        Use(A::HandleComplaint),
    ),
    (
        "POST",
        "/api/v1/complaints/{id}/reply",
        Use(A::ReplyComplaint),
    ),
    (
        "POST",
        "/api/v1/complaints/{id}/verification",
        Use(A::VerifyComplaint),
    ),
    (
        "POST",
        "/api/v1/complaints/{id}/close",
        Use(A::CloseComplaint),
    ),
    (
        "POST",
        "/api/v1/complaints/{id}/follow-up",
        Use(A::FollowUpComplaint),
    ),
    (
        "POST",
        "/api/v1/complaints/{id}/rating",
        Use(A::RateComplaint),
    ),
    (
        "POST",
        "/api/v1/complaints/{id}/supervision",
        Use(A::SuperviseComplaint),
    ),
    (
        "POST",
        "/api/v1/complaints/{id}/case",
        Use(A::ComplaintToCase),
    ),
    // ---- back office: login, workbench, own password, calendars ----
    ("GET", "/", Public),
    ("GET", "/login", Public),
    ("POST", "/login", Public),
    ("POST", "/logout", SignedIn),
    ("GET", "/workbench", SignedIn),
    ("GET", "/password", SignedIn),
    ("POST", "/password", SignedIn),
    ("GET", "/calendars", SignedIn),
    ("POST", "/calendars", Use(A::LoadCalendars)),
    ("GET", "/settings", Use(A::ViewBureauSettings)),
    ("POST", "/settings", Use(A::EditBureauSettings)),
    // ---- back office: cases ----
    ("GET", "/cases", Use(A::ViewCases)),
    ("GET", "/cases/{id}", Use(A::ViewCases)),
    ("GET", "/cases/new", Use(A::OpenCase)),
    ("POST", "/cases/new", Use(A::OpenCase)),
    ("GET", "/cases/summary", Use(A::OpenCase)),
    ("POST", "/cases/summary", Use(A::OpenCase)),
    ("GET", "/cases/{id}/record", Use(A::ViewCases)),
    ("POST", "/cases/{id}/record", UseAny(RECORD_WRITERS)),
    ("GET", "/cases/{id}/steps/{step}", CaseStep),
    ("POST", "/cases/{id}/steps/{step}", CaseStep),
    ("POST", "/cases/{id}/documents", Use(A::GenerateDocuments)),
    ("POST", "/cases/{id}/evidence", Use(A::UploadEvidence)),
    ("GET", "/documents/{doc_id}", Use(A::ViewDocuments)),
    // ---- back office: figures ----
    ("GET", "/dashboard", Use(A::ViewStatistics)),
    ("GET", "/dashboard/records", Use(A::ViewStatistics)),
    ("GET", "/dashboard/export.xlsx", Use(A::ViewStatistics)),
    // ---- back office: complaints ----
    ("GET", "/complaints", Use(A::ViewComplaints)),
    ("GET", "/complaints/overdue", Use(A::ViewComplaints)),
    ("GET", "/complaints/new", Use(A::ComplaintIntake)),
    ("POST", "/complaints/new", Use(A::ComplaintIntake)),
    ("GET", "/complaints/{id}", Use(A::ViewComplaints)),
    (
        "GET",
        "/complaints/{id}/photos/{photo_id}",
        Use(A::ViewComplaints),
    ),
    (
        "POST",
        "/complaints/{id}/dispatch",
        Use(A::DispatchComplaint),
    ),
    (
        "POST",
        "/complaints/{id}/recategorise",
        Use(A::RecategoriseComplaint),
    ),
    ("POST", "/complaints/{id}/handle", Use(A::HandleComplaint)),
    ("POST", "/complaints/{id}/reply", Use(A::ReplyComplaint)),
    ("POST", "/complaints/{id}/verify", Use(A::VerifyComplaint)),
    ("POST", "/complaints/{id}/close", Use(A::CloseComplaint)),
    (
        "POST",
        "/complaints/{id}/follow-up",
        Use(A::FollowUpComplaint),
    ),
    ("POST", "/complaints/{id}/rate", Use(A::RateComplaint)),
    (
        "POST",
        "/complaints/{id}/supervise",
        Use(A::SuperviseComplaint),
    ),
    ("POST", "/complaints/{id}/to-case", Use(A::ComplaintToCase)),
    // ---- back office: administration ----
    ("GET", "/officers", Use(A::ViewOfficers)),
    ("POST", "/officers", Use(A::ManageOfficers)),
    ("GET", "/officers/new", Use(A::ManageOfficers)),
    ("GET", "/officers/{id}", Use(A::ViewOfficers)),
    (
        "POST",
        "/officers/{id}/certificates",
        Use(A::ManageOfficers),
    ),
    (
        "POST",
        "/officers/{id}/certificates/{cert}/suspension",
        Use(A::ManageOfficers),
    ),
    ("GET", "/org-units", Use(A::ViewOrgUnits)),
    ("POST", "/org-units", Use(A::ManageOrgUnits)),
    ("GET", "/catalogue", Use(A::ViewCatalogue)),
    ("GET", "/catalogue/suggestion", Public),
    ("POST", "/catalogue/suggestion", Use(A::ViewCatalogue)),
    ("GET", "/users", Use(A::ManageUsers)),
    ("POST", "/users", Use(A::ManageUsers)),
    ("GET", "/users/{id}", Use(A::ManageUsers)),
    ("POST", "/users/{id}", Use(A::ManageUsers)),
    ("POST", "/users/{id}/disable", Use(A::ManageUsers)),
    ("POST", "/users/{id}/enable", Use(A::ManageUsers)),
    ("POST", "/users/{id}/password-reset", Use(A::ManageUsers)),
    ("POST", "/users/{id}/sessions/end", Use(A::ManageUsers)),
    ("GET", "/audit", Use(A::AuditOverview)),
    ("POST", "/audit/checkpoint", Use(A::AuditCheckpoint)),
    // The page shows the overview beside the result, which is the administrator's.
    ("POST", "/audit/verify", Use(A::AuditOverview)),
    ("POST", "/audit/erase", Use(A::ErasePersonalData)),
    ("GET", "/open311-keys", Use(A::ManageOpen311Keys)),
    ("POST", "/open311-keys", Use(A::ManageOpen311Keys)),
    (
        "POST",
        "/open311-keys/{id}/revoke",
        Use(A::ManageOpen311Keys),
    ),
    // ---- citizens' portal ----
    ("GET", "/portal", Public),
    ("GET", "/portal/", Public),
    ("GET", "/portal/new", Public),
    ("POST", "/portal/new", Public),
    ("GET", "/portal/track", Public),
    ("GET", "/portal/track/{code}", Public),
    ("POST", "/portal/track/{code}/rating", Public),
    ("POST", "/portal/track/{code}/reopen", Public),
    ("GET", "/portal/{*rest}", Public),
    // ---- Open311 GeoReport v2 (its own API keys) ----
    ("GET", "/open311/v2/discovery.json", Public),
    ("GET", "/open311/v2/discovery.xml", Public),
    ("GET", "/open311/v2/services.json", Public),
    ("GET", "/open311/v2/services.xml", Public),
    ("GET", "/open311/v2/services/{file}", Public),
    ("GET", "/open311/v2/requests.json", Public),
    ("POST", "/open311/v2/requests.json", Public),
    ("GET", "/open311/v2/requests.xml", Public),
    ("POST", "/open311/v2/requests.xml", Public),
    ("GET", "/open311/v2/requests/{file}", Public),
    ("GET", "/open311/v2/tokens/{file}", Public),
    // ---- assets and probes ----
    ("GET", "/assets/app.css", Public),
    ("GET", "/assets/app.js", Public),
    ("GET", "/assets/portal.css", Public),
    ("GET", "/assets/portal.js", Public),
    ("GET", "/assets/document.css", Public),
    ("GET", "/healthz", Public),
    // Restricted by its own token and addresses (`web::metrics`).
    ("GET", "/metrics", Public),
    ("POST", "/csp-report", Public),
];

/// The access of `method` on the route template `path`; `None`: not a route.
pub fn access(method: &Method, path: &str) -> Option<Access> {
    let method = if method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    ROUTES
        .iter()
        .find(|(m, p, _)| *m == method && *p == path)
        .map(|(_, _, a)| *a)
}

/// Whether a page (a `GET` route of the back office) is open to `role`: what the navigation
/// asks before it shows a link.
pub fn page_open_to(path: &str, role: Role) -> bool {
    access(&Method::GET, path).is_some_and(|a| a.allows(role, None))
}

/// The user the guard loaded, kept for the handler's extractor.
#[derive(Clone)]
pub struct LoadedUser(pub Option<CurrentUser>);

/// The layer (see the module doc).
pub async fn check(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(route) = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
    else {
        // No route matched: the fallback answers 404.
        return next.run(request).await;
    };
    let api = route.starts_with("/api/");
    let refuse = |e: ServiceError| -> Response {
        if api {
            ApiError::from(e).into_response()
        } else {
            PageError::from(e).into_response()
        }
    };
    let Some(access) = access(request.method(), &route) else {
        if ROUTES.iter().any(|(_, p, _)| *p == route) {
            // A method the route does not have: the router answers 405.
            return next.run(request).await;
        }
        tracing::warn!(route = %route, method = %request.method(), "route missing from the permission list");
        return refuse(ServiceError::Forbidden);
    };
    if matches!(access, Public | SignedIn) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Some((hash, from_cookie)) = crate::web::extract::request_token_hash(&parts) else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    let user = match crate::service::auth::load_current(&state, &hash).await {
        Ok(user) => user,
        Err(e) => return refuse(e),
    };
    let mut request = Request::from_parts(parts, body);
    let Some(user) = user else {
        request.extensions_mut().insert(LoadedUser(None));
        return next.run(request).await;
    };
    // Bearer tokens are for the API; a page sends them to the login form.
    let pages_without_cookie = !api && !from_cookie;
    let csrf_missing = api
        && from_cookie
        && !request.method().is_safe()
        && request
            .headers()
            .get(crate::web::extract::CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|sent| sent.is_empty() || sent != user.csrf_token);
    let step = if access == CaseStep {
        step_of(request.uri().path())
    } else {
        None
    };
    let refused = !access.allows(user.role, step.as_deref());
    let answer_elsewhere = pages_without_cookie || csrf_missing || user.must_change_password;
    if refused && !answer_elsewhere {
        let e = match access {
            Use(action) => action.refusal(),
            UseAny(actions) => actions
                .first()
                .map_or(ServiceError::Forbidden, |a| a.refusal()),
            CaseStep => {
                step_action(step.as_deref()).map_or(ServiceError::Forbidden, Action::refusal)
            }
            Public | SignedIn => ServiceError::Forbidden,
        };
        return refuse(e);
    }
    request.extensions_mut().insert(LoadedUser(Some(user)));
    next.run(request).await
}

/// The `{step}` of `/cases/{id}/steps/{step}`.
fn step_of(path: &str) -> Option<String> {
    let mut parts = path.trim_end_matches('/').rsplit('/');
    let step = parts.next()?;
    (parts.next()? == "steps").then(|| step.to_string())
}
