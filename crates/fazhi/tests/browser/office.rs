//! Logging in, the workbench, and the error pages.

use crate::browser::{Browser, Screen};
use crate::helpers::{PASSWORD, TestApp};
use fazhi::service::auth::Role;

#[tokio::test]
async fn login_shows_the_workbench_and_bad_password_keeps_the_username() {
    let app = TestApp::spawn_on("2025-04-01").await;
    let _ = app.user("zhang.fa", Role::Legal, &app.bureau).await;
    let Some(b) = Browser::start(&app.root(), Screen::Desktop).await else {
        return;
    };
    b.goto("/workbench").await;
    assert_eq!(b.path().await, "/login", "no session → login page");
    b.fill("#username", "zhang.fa").await;
    b.fill("#password", "wrong-password").await;
    b.submit("form button[type=submit]").await;
    assert!(b.text("#login-error").await.contains("用户名或密码错误"));
    assert_eq!(
        b.find("#username")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("zhang.fa")
    );
    b.login("zhang.fa", PASSWORD).await;
    assert_eq!(b.path().await, "/workbench");
    assert!(b.page_text().await.contains("我的待办"));
    b.close().await;
}

/// Under the Content-Security-Policy (no inline script or style): the API documentation page
/// (Swagger UI, with its own policy) renders its operations, the error page's "back" link and
/// the print page's button work from app.js, and no page makes the browser report a violation
/// (`Browser::close` fails on one).
#[tokio::test]
async fn the_api_docs_error_and_login_pages_work_under_the_csp() {
    let app = TestApp::spawn_on("2025-04-01").await;
    let _ = app.user("zhang.fa", Role::Legal, &app.bureau).await;
    let Some(b) = Browser::start(&app.root(), Screen::Desktop).await else {
        return;
    };
    b.goto("/api/v1/docs/").await;
    assert!(b.text(".swagger-ui .info .title").await.contains("fazhi"));
    b.find(".swagger-ui .opblock").await;
    assert!(
        b.csp_violations().await.is_empty(),
        "Swagger UI under its policy"
    );
    b.goto("/login?next=/no/such/page").await;
    b.fill("#username", "zhang.fa").await;
    b.fill("#password", PASSWORD).await;
    b.submit("form button[type=submit]").await;
    assert_eq!(b.path().await, "/no/such/page", "next= kept");
    assert!(b.page_text().await.contains("页面不存在"));
    b.goto("/workbench").await;
    b.goto("/no/such/page").await;
    b.submit("a[data-back]").await;
    assert_eq!(
        b.path().await,
        "/workbench",
        "back through history (app.js)"
    );
    b.close().await;
}
