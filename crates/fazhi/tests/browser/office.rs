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
