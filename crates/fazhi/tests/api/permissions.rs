//! The route × role matrix (issue 12): every route of the router, called as every post and
//! as nobody, answers as the permission table says. The API's routes are read from its
//! OpenAPI document (built from the same `routes!` as the router) and each must be in the
//! route list (`web::guard::ROUTES`); the other routes are read from the `.route("…")` calls of
//! `src/web` and each must be in the list too; every entry of the list must be routed. Refused
//! = 403 (the JSON error for the API, the error page for pages); allowed = anything but 401
//! and 403; nobody = 401 for the API, the login page for the back office.

use crate::helpers::*;
use fazhi::service::auth::Role;
use fazhi::web::guard::{Access, ROUTES, access};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, LOCATION};
use serde_json::{Value, json};

/// A caller: a post (None = nobody) with a bearer client and a page session.
struct Caller {
    role: Option<Role>,
    api: Option<Client>,
    pages: Option<PageSession>,
}

/// Routes that end the caller's session: called last.
fn ends_session(method: &str, path: &str) -> bool {
    matches!(
        (method, path),
        ("DELETE", "/api/v1/sessions") | ("POST", "/logout")
    )
}

/// The template with its parameters filled in: the seeded case and complaint where they
/// exist, a step name for case steps, an id that exists nowhere elsewhere.
fn fill(template: &str, case: &str, complaint: &str, officer: &str, step: &str) -> String {
    let mut out = Vec::new();
    let segments: Vec<&str> = template.split('/').collect();
    for (i, s) in segments.iter().enumerate() {
        let before = if i > 0 { segments[i - 1] } else { "" };
        let value = match *s {
            "{id}" if before == "cases" => case.to_string(),
            "{id}" if before == "complaints" => complaint.to_string(),
            "{id}" if before == "officers" => officer.to_string(),
            "{step}" => step.to_string(),
            "{year}" => "2026".into(),
            "{file}" => "none.json".into(),
            "{code}" if before == "violations" => "zhan_dao_jing_ying".into(),
            s if s.starts_with('{') => "none".into(),
            s => s.to_string(),
        };
        out.push(value);
    }
    out.join("/")
}

async fn call(
    app: &TestApp,
    caller: &Caller,
    method: &str,
    path: &str,
) -> (StatusCode, String, String) {
    let url = format!("{}{path}", app.root());
    let api = path.starts_with("/api/");
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let request = match (api, &caller.api, &caller.pages) {
        (true, Some(c), _) => c.http.request(method.clone(), &url).bearer_auth(&c.token),
        (false, _, Some(p)) => p.http.request(method.clone(), &url),
        _ => reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .request(method.clone(), &url),
    };
    let request = if method == reqwest::Method::GET || method == reqwest::Method::DELETE {
        request
    } else if api {
        request.json(&json!({}))
    } else {
        let csrf = caller
            .pages
            .as_ref()
            .map(|p| p.csrf.clone())
            .unwrap_or_default();
        request.form(&[("_csrf", csrf)])
    };
    let r = request.send().await.expect("request");
    let status = r.status();
    let location = r
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let kind = r
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = r.text().await.unwrap_or_default();
    (status, format!("{kind} {location}"), body)
}

#[tokio::test]
async fn every_route_answers_every_post_as_the_permission_table_says() {
    let app = TestApp::spawn_on("2026-04-01").await;
    let mut callers = vec![Caller {
        role: None,
        api: None,
        pages: None,
    }];
    for role in Role::ALL {
        let unit = match role {
            Role::Admin | Role::Leader | Role::Dispatcher => app.bureau.clone(),
            // Every post that may see the seeded case and complaint sees them (a partner
            // user in the squad the complaint is dispatched to), so an answer is about the
            // post, not the scope.
            _ => app.squad.clone(),
        };
        let name = format!("u_{}", role.as_str());
        let api = app.user(&name, role, &unit).await;
        let pages = PageSession::login(&app, &name).await;
        callers.push(Caller {
            role: Some(role),
            api: Some(api),
            pages: Some(pages),
        });
    }
    let by_role = |r: Role| {
        callers
            .iter()
            .find(|c| c.role == Some(r))
            .and_then(|c| c.api.clone())
            .unwrap()
    };
    let officer = officer(&by_role(Role::Admin), &app.squad, "王强", "豫41000001").await;
    let (case, _) = new_case(&by_role(Role::Officer), &app.squad).await;
    let (s, v) = parts(
        by_role(Role::Dispatcher)
            .post(
                "/complaints",
                &json!({"service_code": "zhan_dao_jing_ying", "description": "路口有流动摊贩占道经营",
                        "lat": 32.99, "long": 112.53, "attributes": {"stall_kind": "mobile"}}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let complaint = v["complaint"]["id"].as_str().unwrap().to_string();
    let (s, v) = parts(
        by_role(Role::Dispatcher)
            .post(
                &format!("/complaints/{complaint}/dispatch"),
                &json!({"expected_version": v["complaint"]["version"], "org_unit_id": app.squad}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // Every API operation of the router is in the route list.
    let doc: Value = reqwest::get(app.url("/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut missing = Vec::new();
    let mut api_routes = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let Ok(m) = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()) else {
                continue;
            };
            if !["GET", "POST", "PUT", "DELETE", "PATCH"].contains(&m.as_str()) {
                continue;
            }
            api_routes += 1;
            let full = format!("/api/v1{path}");
            if access(&m, &full).is_none() {
                missing.push(format!("{m} {full}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "routes without an entry in the permission list: {missing:?}"
    );
    assert!(api_routes >= 59, "{api_routes}");

    // Every route × every caller.
    let mut order: Vec<&(&str, &str, Access)> = ROUTES.iter().collect();
    order.sort_by_key(|(m, p, _)| ends_session(m, p));
    let mut wrong = Vec::new();
    for &&(method, template, route_access) in &order {
        let steps: &[&str] = if route_access == Access::CaseStep {
            &["legal_review", "evidence", "register"]
        } else {
            &["none"]
        };
        for step in steps {
            let path = fill(template, &case, &complaint, &officer, step);
            let api = template.starts_with("/api/");
            let mut answers = Vec::new();
            for caller in &callers {
                if ends_session(method, template) && caller.role.is_some() {
                    continue;
                }
                let (status, head, body) = call(&app, caller, method, &path).await;
                answers.push(status);
                let verdict = match (route_access, caller.role) {
                    // Routed: never 405 (the method is the route's).
                    _ if status == StatusCode::METHOD_NOT_ALLOWED => Err("not routed (405)"),
                    (Access::Public, _) => Ok(()),
                    (_, None) if api => (status == StatusCode::UNAUTHORIZED)
                        .then_some(())
                        .ok_or("nobody must get 401"),
                    (_, None) => (status == StatusCode::SEE_OTHER && head.contains("/login"))
                        .then_some(())
                        .ok_or("nobody must be sent to the login page"),
                    (a, Some(role)) if a.allows(role, Some(step)) => {
                        (status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN)
                            .then_some(())
                            .ok_or("allowed by the table, refused by the route")
                    }
                    (_, Some(_)) if api => (status == StatusCode::FORBIDDEN
                        && head.contains("json")
                        && body.contains("\"error\""))
                    .then_some(())
                    .ok_or("refused by the table: must be the 403 JSON error"),
                    (_, Some(_)) => (status == StatusCode::FORBIDDEN && head.contains("html"))
                        .then_some(())
                        .ok_or("refused by the table: must be the 403 page"),
                };
                if let Err(why) = verdict {
                    wrong.push(format!(
                        "{method} {path} as {:?}: {status} ({why})",
                        caller.role
                    ));
                }
            }
            // A public route answers everyone alike: no post changes its answer.
            if route_access == Access::Public && !ends_session(method, template) {
                let first = answers[0];
                if answers
                    .iter()
                    .any(|s| *s == StatusCode::FORBIDDEN && first != StatusCode::FORBIDDEN)
                {
                    wrong.push(format!(
                        "{method} {path}: public, but refused to a post {answers:?}"
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong answers:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[tokio::test]
async fn a_route_missing_from_the_list_is_refused_and_the_navigation_follows_the_table() {
    use fazhi::service::permissions::Action;
    use fazhi::web::guard::page_open_to;
    // The list answers only for its own routes: anything else is refused by the guard.
    assert!(access(&axum::http::Method::GET, "/cases/{id}/nothing").is_none());
    assert!(access(&axum::http::Method::PATCH, "/api/v1/cases/{id}").is_none());
    let app = TestApp::spawn_on("2026-04-01").await;
    let admin = app.user("u_admin", Role::Admin, &app.bureau).await;
    // A method the route does not have stays the router's 405 (the API contract's
    // "unsupported method" check), it is not turned into a refusal.
    let r = admin
        .http
        .patch(app.url("/cases"))
        .bearer_auth(&admin.token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    // The navigation asks the same table: 统计 for the posts that may see the figures.
    for role in Role::ALL {
        assert_eq!(
            page_open_to("/dashboard", role),
            Action::ViewStatistics.allows(role),
            "{role:?}"
        );
        assert!(page_open_to("/workbench", role));
    }
    app.user("u_legal", Role::Legal, &app.squad).await;
    let legal = PageSession::login(&app, "u_legal").await;
    let bench = legal.get("/workbench").await;
    assert!(
        bench.body.contains("href=\"/dashboard\""),
        "法制审核员 sees 统计"
    );
    assert!(!bench.body.contains("href=\"/users\""), "but not 用户");
    // A page the table refuses is refused before its handler: the new-case form is not
    // offered to the legal office (it may not open cases).
    let form = legal.get("/cases/new").await;
    assert_eq!(form.status, StatusCode::FORBIDDEN);
    assert!(
        form.body.contains("新建案件需由局领导或执法队员办理"),
        "{}",
        form.body
    );
}

/// The back office, the portal, Open311 and the assets are plain axum routers, which cannot
/// list their routes; their `.route("…")` calls are read from the source instead, so a route
/// added there without an entry in the list fails here (the guard would refuse it to all).
#[test]
fn every_route_written_in_the_web_layer_is_in_the_list() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
    let mut files = vec![root.clone()];
    let mut found = Vec::new();
    while let Some(p) = files.pop() {
        if p.is_dir() {
            files.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        if p.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        let prefix = if p.ends_with("open311/mod.rs") {
            "/open311/v2"
        } else {
            ""
        };
        let mut rest = text.as_str();
        while let Some(i) = rest.find(".route(") {
            rest = &rest[i + ".route(".len()..];
            let trimmed = rest.trim_start();
            if let Some(literal) = trimmed.strip_prefix('"') {
                let path = &literal[..literal.find('"').unwrap()];
                found.push(format!("{prefix}{path}"));
            }
        }
    }
    assert!(found.len() > 70, "{}", found.len());
    let missing: Vec<&String> = found
        .iter()
        .filter(|path| !ROUTES.iter().any(|(_, p, _)| p == path))
        .collect();
    assert!(
        missing.is_empty(),
        "routes without an entry in the permission list: {missing:?}"
    );
}
