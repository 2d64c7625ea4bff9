//! Complaints in the back office: a dispatcher takes a phone call, sees the earlier report of
//! the same problem side by side and merges it, dispatches to a squad; the squad answers,
//! verifies with photos and turns the complaint into a case lead; the dispatcher closes it
//! with the 721 tag, follows up and records the rating. A partner user is refused another
//! unit's record. The overdue list follows the calendar and 督办 escalates.

use crate::browser::{Browser, Screen};
use crate::helpers::{Client, PASSWORD, TestApp, date, parts};
use fazhi::service::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A phone intake through the API (占道经营 at the given place); returns the complaint.
async fn intake(d: &Client, lat: f64, description: &str) -> Value {
    let (s, v) = parts(
        d.post(
            "/complaints",
            &json!({"service_code": "zhan_dao_jing_ying", "description": description,
                "address_string": "卧龙路与中州路交叉口", "lat": lat, "long": 112.5,
                "phone": "13812345678", "last_name": "王", "first_name": "五",
                "attributes": {"stall_kind": "mobile"}}),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["complaint"].clone()
}

async fn dispatch(d: &Client, c: &Value, unit: &str) -> Value {
    let id = c["id"].as_str().unwrap();
    let (s, v) = parts(
        d.post(
            &format!("/complaints/{id}/dispatch"),
            &json!({"expected_version": c["version"], "org_unit_id": unit}),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

/// Accepts the confirmation dialogs of `data-confirm` forms.
async fn accept_confirms(b: &Browser) {
    b.client
        .execute("window.confirm = function () { return true; };", vec![])
        .await
        .expect("stub confirm");
}

/// Clicks and waits until the browser has left the current page (the old and the new page
/// may both have a `#notice`).
async fn click_and_wait(b: &Browser, css: &str) {
    let old = b.find("html").await;
    b.click(css).await;
    for _ in 0..200 {
        if old.tag_name().await.is_err() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("clicking {css} did not load a new page");
}

async fn submit(b: &Browser, form: &str) {
    click_and_wait(b, &format!("{form} button[type=submit]")).await;
}

#[tokio::test]
async fn a_dispatcher_handles_a_complaint_end_to_end() {
    let app = TestApp::spawn_on("2026-06-01").await;
    let d = app.user("diaodu", Role::Dispatcher, &app.bureau).await;
    let _ = app.user("duiyuan", Role::Officer, &app.squad).await;
    let earlier = intake(&d, 33.0, "早上就有摊贩在路口占道").await;
    let earlier_no = earlier["service_request_id"].as_str().unwrap().to_string();
    let Some(b) = Browser::start(&app.root(), Screen::Desktop).await else {
        return;
    };

    // 受理: the operator logs the call; the category's questions come in step two.
    b.login("diaodu", PASSWORD).await;
    b.goto("/complaints").await;
    b.submit("a[href='/complaints/new']").await;
    b.select("#service_code", "zhan_dao_jing_ying").await;
    click_and_wait(&b, "#choose-category").await;
    b.fill("#address_string", "卧龙路与中州路交叉口").await;
    b.fill("#lat", "北纬33度").await;
    b.fill("#long", "112.5").await;
    b.fill("#description", "路口有流动摊贩占道经营，影响通行")
        .await;
    b.select("#attr_stall_kind", "mobile").await;
    b.fill("#last_name", "张").await;
    b.fill("#first_name", "三").await;
    b.fill("#phone", "13812345678").await;
    click_and_wait(&b, "#intake-submit").await;
    // A bad coordinate is refused next to the field, the rest of the input kept.
    assert!(b.text("#lat-error").await.contains("纬度"));
    assert_eq!(
        b.find("#description")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("路口有流动摊贩占道经营，影响通行")
    );
    b.fill("#lat", "33.0004").await;
    click_and_wait(&b, "#intake-submit").await;
    assert!(b.text("#intake-done").await.contains("已受理"));
    assert!(!b.text("#intake-token").await.trim().is_empty());
    assert!(b.text("#intake-duplicates").await.contains(&earlier_no));
    let number = b.text("#intake-number").await;
    click_and_wait(&b, "#to-record").await;
    let path = b.path().await;
    assert!(path.starts_with("/complaints/"), "{path}");
    let id = path.trim_start_matches("/complaints/").to_string();

    // The earlier report of the same stall, side by side; merged into this one.
    let side = b.text("#duplicates .side-by-side").await;
    assert!(side.contains("早上就有摊贩在路口占道"), "{side}");
    assert!(side.contains("路口有流动摊贩占道经营"), "{side}");
    b.screenshot("complaint-duplicates").await;
    accept_confirms(&b).await;
    submit(&b, "#duplicates .merge-there").await;
    assert!(b.text("#notice").await.contains("合并"));
    assert!(b.text("#duplicate-of").await.contains(&number));
    b.goto(&format!("/complaints/{id}")).await;
    assert!(b.exists("#merged a").await);

    // 派单 to the squad; the queue shows it.
    b.select("#dispatch-org_unit_id", &app.squad).await;
    submit(&b, "#act-dispatch").await;
    assert!(b.text("#notice").await.contains("已派单"));
    assert!(b.text("#unit").await.contains("一中队"));
    b.goto("/complaints").await;
    assert!(b.text("#queue").await.contains(&number));

    // The squad answers (an empty answer is refused at the field), verifies with photos and
    // turns the complaint into a case lead.
    b.login("duiyuan", PASSWORD).await;
    b.goto(&format!("/complaints/{id}")).await;
    assert!(
        !b.exists("#act-dispatch").await,
        "the squad does not dispatch"
    );
    submit(&b, "#act-reply").await;
    assert!(b.text("#reply-text-error").await.contains("答复内容"));
    b.fill("#reply-text", "已劝离摊贩并告知其到规定区域经营。")
        .await;
    submit(&b, "#act-reply").await;
    assert!(b.text("#notice").await.contains("已答复"));
    let dir = app.data_dir.join("upload");
    std::fs::create_dir_all(&dir).unwrap();
    let (before, after) = (dir.join("before.png"), dir.join("after.png"));
    std::fs::write(&before, crate::helpers::photo_png([180, 40, 40])).unwrap();
    std::fs::write(&after, crate::helpers::photo_png([0, 160, 60])).unwrap();
    b.fill("#verify-note", "现场核查，摊贩已清理").await;
    b.find("#verify-before")
        .await
        .send_keys(before.to_str().unwrap())
        .await
        .unwrap();
    b.find("#verify-after")
        .await
        .send_keys(after.to_str().unwrap())
        .await
        .unwrap();
    submit(&b, "#act-verify").await;
    assert!(b.text("#notice").await.contains("已核查"));
    assert!(b.exists("#photos img").await);
    b.click("#act-to-case summary").await;
    b.fill("#to-case-party_name", "李某").await;
    b.client
        .execute(
            "document.getElementById('to-case-act_date').value = '2026-06-01';",
            vec![],
        )
        .await
        .unwrap();
    submit(&b, "#act-to-case").await;
    assert!(b.text("#notice").await.contains("案件线索"));
    let href = b
        .find("#cases a")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(href.starts_with("/cases/"), "{href}");

    // 办结 as resolved needs the 721 tag; then 回访 and the rating.
    b.login("diaodu", PASSWORD).await;
    b.goto(&format!("/complaints/{id}")).await;
    b.select("#close-final_state", "resolved").await;
    submit(&b, "#act-close").await;
    assert!(b.text("#close-tag_721-error").await.contains("721"));
    b.select("#close-tag_721", "enforcement").await;
    submit(&b, "#act-close").await;
    assert!(b.text("#notice").await.contains("已办结"));
    assert_eq!(b.text("#tag-721").await, "执法");
    assert!(b.text("#final-state").await.contains("已解决"));
    b.fill("#follow-up-text", "电话回访，群众表示摊贩已清理")
        .await;
    submit(&b, "#act-follow-up").await;
    assert!(b.text("#notice").await.contains("回访"));
    b.select("#rate-rating", "5").await;
    submit(&b, "#act-rate").await;
    assert!(b.text("#rating").await.contains("满意"));
    assert!(b.exists("#no-actions").await, "nothing left to do");
    b.screenshot("complaint-record").await;
    b.close().await;
}

#[tokio::test]
async fn a_partner_user_is_refused_another_units_record() {
    let app = TestApp::spawn_on("2026-06-01").await;
    let d = app.user("diaodu", Role::Dispatcher, &app.bureau).await;
    let _ = app.user("xiezuo", Role::Partner, &app.partner).await;
    let squads = intake(&d, 33.0, "路口有摊贩").await;
    dispatch(&d, &squads, &app.squad).await;
    let theirs = intake(&d, 33.1, "小区门口有摊贩，来电人手机13812345678").await;
    dispatch(&d, &theirs, &app.partner).await;
    let Some(b) = Browser::start(&app.root(), Screen::Desktop).await else {
        return;
    };
    b.login("xiezuo", PASSWORD).await;
    b.goto("/complaints").await;
    let queue = b.text("#queue").await;
    assert!(queue.contains(theirs["service_request_id"].as_str().unwrap()));
    assert!(!queue.contains(squads["service_request_id"].as_str().unwrap()));
    // Their own record: the reporter's data masked.
    b.goto(&format!("/complaints/{}", theirs["id"].as_str().unwrap()))
        .await;
    let reporter = b.text("#reporter").await;
    assert!(
        reporter.contains("已脱敏") && !reporter.contains("13812345678"),
        "{reporter}"
    );
    assert!(!b.text("#description").await.contains("13812345678"));
    // Another unit's record, by id or by number: the 403 page.
    for key in ["id", "service_request_id"] {
        b.goto(&format!("/complaints/{}", squads[key].as_str().unwrap()))
            .await;
        let page = b.page_text().await;
        assert!(page.contains("403") && page.contains("无权访问"), "{page}");
        assert!(!page.contains("路口有摊贩"));
    }
    b.close().await;
}

#[tokio::test]
async fn the_overdue_list_reacts_to_the_calendar() {
    let app = TestApp::spawn_on("2026-06-01").await;
    let d = app.user("diaodu", Role::Dispatcher, &app.bureau).await;
    // 占道经营: 5 working days from Monday 1 June, due Monday 8 June.
    let c = intake(&d, 33.0, "路口有流动摊贩").await;
    let (id, number) = (
        c["id"].as_str().unwrap().to_string(),
        c["service_request_id"].as_str().unwrap().to_string(),
    );
    let Some(b) = Browser::start(&app.root(), Screen::Desktop).await else {
        return;
    };
    b.login("diaodu", PASSWORD).await;
    b.goto("/complaints/overdue").await;
    assert!(b.exists("#overdue-empty").await);
    assert!(!b.page_text().await.contains(&number));

    // Moving the calendar a week on also ends the session: log in again.
    app.clock.set_date(date("2026-06-08"));
    b.login("diaodu", PASSWORD).await;
    // 垃圾满溢 (8 working hours) filed on the 8th is near due on the 9th.
    let (s, v) = parts(
        d.post(
            "/complaints",
            &json!({"service_code": "la_ji_man_yi", "description": "垃圾桶满溢无人清运",
                "address_string": "卧龙区车站南路12号", "phone": "13912345678"}),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    b.goto("/complaints/overdue").await;
    assert!(b.exists("#overdue-empty").await, "{}", b.page_text().await);
    assert!(
        b.text("#near-due").await.contains(&number),
        "near due on the day"
    );

    app.clock.set_date(date("2026-06-09"));
    b.login("diaodu", PASSWORD).await;
    b.goto("/complaints/overdue").await;
    let row = format!("#overdue tr.overdue[data-id='{id}']");
    assert!(b.text(&row).await.contains("已超期"));
    let bg = b
        .find(&format!("{row} td"))
        .await
        .css_value("background-color")
        .await
        .unwrap();
    assert_eq!(bg, "rgba(253, 236, 234, 1)", "overdue rows are red");
    b.screenshot("complaint-overdue").await;

    // 督办: level 2, shown on the list and on the record.
    b.select(&format!("#level-{id}"), "2").await;
    b.fill(&format!("#reason-{id}"), "超期未答复，请立即办理")
        .await;
    click_and_wait(&b, &format!("{row} button[type=submit]")).await;
    assert!(b.text("#notice").await.contains("已督办"));
    assert!(b.text(&format!("{row} .level")).await.contains("2级 督办"));
    // A dispatcher cannot lower it (the service refuses; the message is on the record).
    b.select(&format!("#level-{id}"), "1").await;
    click_and_wait(&b, &format!("{row} button[type=submit]")).await;
    assert!(b.text("#supervise-level-error").await.contains("不能低于"));
    // The queue marks it red too, next to the near-due 垃圾满溢 and a complaint with time
    // to spare.
    b.goto("/complaints?overdue=1").await;
    assert!(
        b.exists(&format!("#queue tr.overdue[data-id='{id}']"))
            .await
    );
    let fresh = intake(&d, 33.2, "商铺门前堆放货物占道").await;
    dispatch(&d, &fresh, &app.other_squad).await;
    b.goto("/complaints").await;
    let near = v["complaint"]["id"].as_str().unwrap();
    assert!(
        b.exists(&format!("#queue tr.near_due[data-id='{near}']"))
            .await,
        "{}",
        b.text("#queue").await
    );
    b.screenshot("complaint-queue").await;
    b.close().await;
}
