//! The citizens' phone portal on a 375 px screen: a citizen picks a category, describes the
//! problem, files it and gets the tracking code; looks the complaint up by that code; once
//! the bureau has answered and closed it, rates the answer. No page scrolls sideways.

use crate::browser::{Browser, Screen};
use crate::helpers::{TestApp, date, parts};
use fazhi::service::auth::Role;
use fazhi::service::complaint;
use reqwest::StatusCode;
use serde_json::json;

/// Chromium keeps a window at least 500 px wide; the phone's 375 px viewport is set through
/// the DevTools protocol (chromedriver's `goog/cdp/execute`), as Chrome's device mode does.
/// The page is no wider than the phone's screen.
async fn fits_the_screen(b: &Browser) {
    let fits = b
        .client
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth",
            vec![],
        )
        .await
        .expect("script");
    assert_eq!(fits, json!(true), "{} scrolls sideways", b.path().await);
}

#[tokio::test]
async fn a_citizen_files_tracks_and_rates_on_a_phone() {
    let app = TestApp::spawn_on("2026-04-01").await;
    let Some(b) = Browser::start(&app.root(), Screen::Phone).await else {
        return;
    };
    b.goto("/portal").await;
    let width = b
        .client
        .execute("return window.innerWidth", vec![])
        .await
        .expect("width");
    assert_eq!(width, json!(375));
    fits_the_screen(&b).await;
    b.submit("#start").await;
    b.find("a[data-category=zhan_dao_jing_ying]").await;
    fits_the_screen(&b).await;
    b.submit("a[data-category=zhan_dao_jing_ying]").await;
    b.find("#complaint-form").await;
    fits_the_screen(&b).await;
    // The location button needs the script; the honeypot is out of sight.
    assert!(
        b.find("#locate")
            .await
            .is_displayed()
            .await
            .expect("displayed")
    );
    let right = b
        .client
        .execute(
            "return document.getElementById('website').getBoundingClientRect().right",
            vec![],
        )
        .await
        .expect("script");
    assert!(right.as_f64().unwrap_or(1.0) <= 0.0, "honeypot visible");
    b.fill(
        "#description",
        "人行道上有流动摊贩摆摊，行人只能走机动车道。",
    )
    .await;
    // The keyboard goes from the description to the place (the honeypot is skipped).
    b.find("#description")
        .await
        .send_keys("\u{E004}")
        .await
        .expect("tab");
    let focused = b
        .client
        .execute("return document.activeElement.id", vec![])
        .await
        .expect("script");
    assert_eq!(focused, json!("address"));
    b.fill("#address", "卧龙路与工业路交叉口东北角").await;
    b.click("input[name=attr_stall_kind][value=mobile]").await;
    b.fill("#name", "李四").await;
    b.fill("#phone", "13912345678").await;
    fits_the_screen(&b).await;
    b.client
        .execute("window.scrollTo(0, 0)", vec![])
        .await
        .expect("scroll");
    b.screenshot("portal-phone-form").await;
    // The citizen takes a while to fill in the form (the test clock stands still).
    app.clock.set_date(date("2026-04-02"));
    b.submit("#submit").await;

    let code = b.text("#tracking-code").await;
    assert!(b.path().await.starts_with("/portal/track/"));
    let text = b.page_text().await;
    assert!(
        text.contains("投诉已提交") && text.contains("请保存查询码"),
        "{text}"
    );
    assert!(text.contains("已受理，待派单"));
    assert!(text.contains("李* · 139****5678") && !text.contains("13912345678"));
    fits_the_screen(&b).await;
    b.screenshot("portal-phone").await;

    // Later, by the code as written down (with its spaces).
    b.goto("/portal/track").await;
    b.fill("#code", &code).await;
    b.submit("main form button[type=submit]").await;
    b.find("#status").await;
    assert_eq!(b.text("#tracking-code").await, code);
    assert!(!b.exists("#rate-form").await);

    // The bureau answers and closes it.
    let token = code.replace(' ', "");
    let (srid, _) = complaint::by_token(&app.state, &token)
        .await
        .expect("token");
    let dispatcher = app.user("dispatcher", Role::Dispatcher, &app.bureau).await;
    let officer = app.user("officer", Role::Officer, &app.squad).await;
    let (s, v) = parts(dispatcher.get(&format!("/complaints/{srid}")).await).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let version = v["version"].as_i64().expect("version");
    for (client, step, body) in [
        (
            &dispatcher,
            "dispatch",
            json!({"expected_version": version, "org_unit_id": app.squad}),
        ),
        (
            &officer,
            "reply",
            json!({"expected_version": version + 1, "text": "已劝离摊贩，并告知其到规定区域经营。"}),
        ),
        (
            &dispatcher,
            "close",
            json!({"expected_version": version + 2, "final_state": "not_resolved", "reason": "摊贩流动性强，已纳入日常巡查"}),
        ),
    ] {
        let (s, v) = parts(
            client
                .post(&format!("/complaints/{srid}/{step}"), &body)
                .await,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{step}: {v}");
    }

    b.goto(&format!("/portal/track/{token}")).await;
    let text = b.page_text().await;
    assert!(text.contains("已劝离摊贩"), "{text}");
    assert!(text.contains("已办结"));
    b.click("input[name=rating][value=satisfied]").await;
    b.fill("#comment", "处理及时，谢谢").await;
    b.submit("#rate-submit").await;
    b.find("#notice").await;
    assert!(b.text("#notice").await.contains("感谢您的评价"));
    assert_eq!(b.text("#rating").await, "满意");
    assert!(!b.exists("#rate-form").await);
    assert!(b.exists("#reopen-form").await);
    fits_the_screen(&b).await;
    b.close().await;
}
