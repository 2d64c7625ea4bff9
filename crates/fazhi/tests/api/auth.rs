//! Logins, sessions, CSRF, bearer tokens, rate limits and role/org-unit permissions.

use crate::helpers::*;
use fazhi::service::auth::Role;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn wrong_password_is_refused_with_a_clear_error() {
    let app = TestApp::spawn().await;
    app.user("admin", Role::Admin, &app.bureau).await;
    let r = reqwest::Client::new()
        .post(app.url("/sessions"))
        .json(&json!({"username": "admin", "password": "nope-nope"}))
        .send()
        .await
        .unwrap();
    let (s, b) = parts(r).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(b["error"]["code"], "invalid_credentials");
    assert_eq!(b["error"]["message"], "用户名或密码错误");
    let r = reqwest::Client::new()
        .post(app.url("/sessions"))
        .json(&json!({"username": "nobody", "password": "nope-nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(parts(r).await.1["error"]["code"], "invalid_credentials");
}

#[tokio::test]
async fn requests_without_credentials_get_401() {
    let app = TestApp::spawn().await;
    let r = reqwest::get(app.url("/cases")).await.unwrap();
    let (s, b) = parts(r).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(b["error"]["code"], "unauthenticated");
    let r = reqwest::Client::new()
        .get(app.url("/cases"))
        .bearer_auth("forged-token")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn cookie_sessions_need_the_csrf_token_on_writes() {
    let app = TestApp::spawn().await;
    app.user("leader", Role::Leader, &app.bureau).await;
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let r = browser
        .post(app.url("/sessions"))
        .json(&json!({"username": "leader", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let set_cookie = r
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"),
        "{set_cookie}"
    );
    let csrf = r.json::<serde_json::Value>().await.unwrap()["csrf_token"]
        .as_str()
        .unwrap()
        .to_string();
    // Reads work with the cookie alone.
    assert_eq!(
        browser.get(app.url("/me")).send().await.unwrap().status(),
        StatusCode::OK
    );
    let body = json!({"org_unit_id": app.squad, "party": {"kind": "individual", "name": "李某"}, "procedure": "ordinary", "act_date": "2026-03-01"});
    let (s, b) = parts(
        browser
            .post(app.url("/cases"))
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(b["error"]["code"], "csrf_failed");
    let r = browser
        .post(app.url("/cases"))
        .header("X-CSRF-Token", &csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    // Logging out ends the session.
    let r = browser
        .delete(app.url("/sessions"))
        .header("X-CSRF-Token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        browser.get(app.url("/me")).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn passwords_are_stored_as_argon2_hashes() {
    let app = TestApp::spawn().await;
    app.user("admin", Role::Admin, &app.bureau).await;
    let mut conn = app.state.db.pool.acquire().await.unwrap();
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE username = $1")
        .bind("admin")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains(PASSWORD));
}

#[tokio::test]
async fn login_is_rate_limited() {
    let mut settings_app = TestApp::spawn().await;
    // A second app with the default limit of 30 per minute.
    let state = {
        let mut s = (*settings_app.state.settings).clone();
        s.login_rate_per_minute = 5;
        fazhi::service::AppState {
            settings: std::sync::Arc::new(s),
            ..settings_app.state.clone()
        }
    };
    let app = fazhi::web::Application::bind(state, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let addr = app.local_addr().unwrap();
    tokio::spawn(app.serve());
    settings_app.addr = addr;
    let client = reqwest::Client::new();
    let mut limited = None;
    for _ in 0..20 {
        let r = client
            .post(settings_app.url("/sessions"))
            .json(&json!({"username": "x", "password": "yyyyyyyy"}))
            .send()
            .await
            .unwrap();
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(parts(r).await.1);
            break;
        }
    }
    let body = limited.expect("the 20th rapid login attempt should be rate limited");
    assert_eq!(body["error"]["code"], "rate_limited");
}

#[tokio::test]
async fn roles_and_org_units_limit_what_each_user_can_do() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let officer_user = app.user("officer", Role::Officer, &app.squad).await;
    let other = app.user("other", Role::Officer, &app.other_squad).await;
    let partner = app.user("partner", Role::Partner, &app.partner).await;
    let dispatcher = app.user("dispatcher", Role::Dispatcher, &app.bureau).await;
    let (case_id, _) = new_case(&officer_user, &app.squad).await;
    let path = format!("/cases/{case_id}");
    // Who may read the case: its squad, the bureau above it — not the other squad (404: its
    // existence is not revealed) nor roles that never read cases (403, e.g. a partner).
    for (client, expected) in [
        (&leader, StatusCode::OK),
        (&officer_user, StatusCode::OK),
        (&other, StatusCode::NOT_FOUND),
        (&partner, StatusCode::FORBIDDEN),
        (&dispatcher, StatusCode::FORBIDDEN),
    ] {
        assert_eq!(client.get(&path).await.status(), expected);
    }
    // Only admins manage users, officers and org units.
    let user_body = json!({"username": "x1", "password": "long-enough-1", "display_name": "某", "role": "officer", "org_unit_id": app.squad});
    for client in [&leader, &officer_user, &partner] {
        assert_eq!(
            client.post("/users", &user_body).await.status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            client
                .post(
                    "/officers",
                    &json!({"name": "某", "org_unit_id": app.squad})
                )
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            client
                .post(
                    "/org-units",
                    &json!({"name": "三中队", "kind": "squad", "parent_id": app.bureau})
                )
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(
        admin.post("/users", &user_body).await.status(),
        StatusCode::CREATED
    );
    // A partner department cannot open cases or list officers.
    assert_eq!(
        partner.get("/officers").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(partner.post("/cases", &json!({"org_unit_id": app.partner, "party": {"kind": "individual", "name": "某"}, "procedure": "ordinary", "act_date": "2026-03-01"})).await.status(), StatusCode::FORBIDDEN);
    // An officer cannot open a case for another squad.
    assert_eq!(officer_user.post("/cases", &json!({"org_unit_id": app.other_squad, "party": {"kind": "individual", "name": "某"}, "procedure": "ordinary", "act_date": "2026-03-01"})).await.status(), StatusCode::FORBIDDEN);
    // The audit check is for admins and the legal office.
    assert_eq!(
        officer_user.get("/audit/verify").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(admin.get("/audit/verify").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn expired_sessions_are_purged_and_tokens_stay() {
    let app = TestApp::spawn_on("2026-04-01").await;
    let token_client = app.user("leader", Role::Leader, &app.bureau).await;
    let page = crate::helpers::PageSession::login(&app, "leader").await;
    assert_eq!(
        fazhi::service::auth::purge_expired_sessions(&app.state)
            .await
            .unwrap(),
        0,
        "nothing has expired yet"
    );
    app.clock.set_date(crate::helpers::date("2026-04-02"));
    assert_eq!(
        fazhi::service::auth::purge_expired_sessions(&app.state)
            .await
            .unwrap(),
        1,
        "the 8-hour browser session is gone"
    );
    assert_eq!(page.get("/workbench").await.status, StatusCode::SEE_OTHER);
    assert_eq!(token_client.get("/me").await.status(), StatusCode::OK);
}
