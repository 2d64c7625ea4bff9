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

/// An administrator loads next year's State Council arrangement on /calendars: the page first
/// says the year is provisional (and a date counted into it is marked 暂定), a wrong line is a
/// form error next to the field with the text kept, and after the load the year is effective.
#[tokio::test]
async fn admin_loads_next_years_holiday_arrangement() {
    let app = TestApp::spawn_on("2026-12-01").await;
    let _ = app.user("admin", Role::Admin, &app.bureau).await;
    let Some(b) = Browser::start(&app.root(), Screen::Desktop).await else {
        return;
    };
    b.login("admin", PASSWORD).await;
    b.goto("/calendars").await;
    assert!(
        b.text("#not-loaded")
            .await
            .contains("2027年的节假日安排尚未载入")
    );
    b.fill("#from", "2027-02-01").await;
    b.fill("#span", "7wd").await;
    b.submit("#calculator button[type=submit]").await;
    assert!(b.text("#result-provisional").await.contains("暂定"));

    b.fill("#year", "2027").await;
    b.fill("#source", "国务院办公厅关于2027年部分节假日安排的通知")
        .await;
    b.fill("#holidays", "春节 2027-02-05 到 2027-02-11").await;
    b.submit("#load button[type=submit]").await;
    assert!(b.text("#holidays-error").await.contains("格式不对"));
    assert_eq!(
        b.find("#source")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("国务院办公厅关于2027年部分节假日安排的通知")
    );
    b.fill(
        "#holidays",
        "元旦 2027-01-01 2027-01-03\n春节 2027-02-05 2027-02-11\n清明节 2027-04-03 2027-04-05\n\
         劳动节 2027-05-01 2027-05-03\n端午节 2027-06-09\n中秋节 2027-09-15\n国庆节 2027-10-01 2027-10-07",
    )
    .await;
    b.fill("#workdays", "2027-02-20").await;
    b.submit("#load button[type=submit]").await;
    assert!(
        b.text("#load-result")
            .await
            .contains("已载入2027年的节假日安排")
    );
    assert!(!b.exists("#not-loaded").await);
    b.screenshot("admin-calendar-loaded").await;
    b.close().await;
}

/// The legal office sets the bureau's statement period on /settings in a browser: a value out
/// of range is refused next to the field with the reason kept, a valid one is saved with its
/// reason, and the statutory numbers stay a read-only table with their basis.
#[tokio::test]
async fn the_legal_office_sets_the_statement_period() {
    let app = TestApp::spawn_on("2026-03-02").await;
    let _ = app.user("fazhi", Role::Legal, &app.bureau).await;
    let Some(b) = Browser::start(&app.root(), Screen::Desktop).await else {
        return;
    };
    b.login("fazhi", PASSWORD).await;
    b.goto("/settings").await;
    assert!(b.text("#statutory").await.contains("行政处罚法"));
    assert!(!b.exists("#statutory form").await);
    let form = "#setting-statement_working_days";
    b.fill("#statement_working_days-value", "0").await;
    b.fill("#statement_working_days-reason", "本局告知书模板修订")
        .await;
    b.submit(&format!("{form} button[type=submit]")).await;
    assert!(
        !b.text("#statement_working_days-value-error")
            .await
            .is_empty(),
        "a refused value is named next to its field"
    );
    b.fill("#statement_working_days-value", "7").await;
    b.fill("#statement_working_days-reason", "本局告知书模板修订")
        .await;
    b.submit(&format!("{form} button[type=submit]")).await;
    assert!(b.text("#changed").await.contains("陈述、申辩期限"));
    assert!(
        b.text(&format!("{form} .current-value"))
            .await
            .contains('7')
    );
    assert!(
        b.text(&format!("{form} .last-change"))
            .await
            .contains("本局告知书模板修订")
    );
    b.screenshot("admin-settings").await;
    b.close().await;
}
