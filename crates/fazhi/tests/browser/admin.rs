//! The reference pages in a browser: registering an officer with a certificate that is about
//! to expire (red on `?expiring=90`), the discretion check asking for a reason on a phone, and
//! the working-day calculator.

use crate::browser::{Browser, Screen};
use crate::helpers::{PASSWORD, TestApp};
use fazhi::service::auth::Role;

#[tokio::test]
async fn admin_registers_an_officer_whose_certificate_is_about_to_expire() {
    let app = TestApp::spawn_on("2025-04-01").await;
    let _ = app.user("admin", Role::Admin, &app.bureau).await;
    let Some(b) = Browser::start(&app.root(), Screen::Desktop).await else {
        return;
    };
    b.login("admin", PASSWORD).await;
    b.goto("/officers/new").await;
    b.submit("main form button[type=submit]").await;
    assert!(b.text("#name-error").await.contains("姓名不能为空"));
    b.fill("#name", "李四").await;
    b.select("#org_unit_id", &app.squad).await;
    b.submit("main form button[type=submit]").await;
    assert!(b.text(".notice").await.contains("已登记执法人员"));
    b.fill("#cert_no", "豫41000099").await;
    b.fill("#valid_from", "2024-01-01").await;
    b.fill("#valid_until", "2025-06-30").await;
    b.submit("#certificate-form button[type=submit]").await;
    assert!(b.text(".notice").await.contains("已登记执法证"));
    b.screenshot("admin-officer").await;
    b.goto("/officers?expiring=90").await;
    assert!(b.text("#officers tr.overdue").await.contains("李四"));
    b.screenshot("admin-officers-expiring").await;
    b.goto("/users").await;
    assert!(b.text("#users").await.contains("系统管理员"));
    b.screenshot("admin-users").await;
    b.close().await;
}

#[tokio::test]
async fn discretion_check_asks_for_a_reason_on_a_phone() {
    let app = TestApp::spawn_on("2025-04-01").await;
    let _ = app.user("duiyuan", Role::Officer, &app.squad).await;
    let Some(b) = Browser::start(&app.root(), Screen::Phone).await else {
        return;
    };
    b.login("duiyuan", PASSWORD).await;
    b.goto("/catalogue").await;
    b.select("#code", "lu_tian_shao_kao").await;
    b.click("#fact-repeated").await;
    b.fill("#proposed", "30000").await;
    b.submit("#suggest button[type=submit]").await;
    assert_eq!(b.text("#suggested-tier").await, "从重处罚");
    assert!(b.text("#reason-error").await.contains("须填写偏离理由"));
    assert!(b.text("#departure").await.contains("法定最高额"));
    b.fill("#reason", "拒不改正，多次被投诉").await;
    b.submit("#suggest button[type=submit]").await;
    assert_eq!(b.text("#departure-reason").await, "拒不改正，多次被投诉");
    b.screenshot("admin-catalogue-departure-phone").await;
    b.goto("/calendars").await;
    b.fill("#from", "2025-09-26").await;
    b.fill("#span", "5wd").await;
    b.submit("#calculator button[type=submit]").await;
    assert_eq!(b.text("#result").await, "2025年10月10日（星期五）");
    // 2026 (next year on 2025-04-01) is loaded: no warning; an officer may read, not load.
    assert!(!b.page_text().await.contains("节假日安排尚未载入"));
    assert!(!b.page_text().await.contains("载入节假日安排"));
    b.screenshot("admin-calendar-phone").await;
    b.close().await;
}
