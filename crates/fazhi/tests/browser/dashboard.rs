//! 统计: a leader opens the dashboard of a seeded year, reads the figures and charts, follows
//! a number down to its cases and opens one of them.

use crate::browser::{Browser, Screen};
use crate::helpers::{Client, PASSWORD, TestApp, officer, parts, record_with};
use fazhi::service::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Opens a case and records `events` (legal reviews by `legal`, the rest by `leader`).
async fn case_with(
    leader: &Client,
    legal: &Client,
    unit: &str,
    (party, procedure, act, violation): (&str, &str, &str, &str),
    events: &[Value],
) -> String {
    let (s, v) = parts(
        leader
            .post(
                "/cases",
                &json!({
                    "org_unit_id": unit, "party": {"kind": "individual", "name": party},
                    "procedure": procedure, "act_date": act, "violation": violation,
                    "party_address": "卧龙区卧龙路1号"
                }),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["case"]["id"].as_str().unwrap().to_string();
    let version = v["case"]["version"].as_i64().unwrap();
    record_with(leader, legal, &id, version, events).await;
    id
}

#[tokio::test]
async fn a_leader_reads_the_year_and_drills_down_to_a_case() {
    let app = TestApp::spawn_on("2025-12-15").await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let leader = app.user("juzhang", Role::Leader, &app.bureau).await;
    let legal = app.user("fazhi", Role::Legal, &app.bureau).await;
    let dispatcher = app.user("zhihui", Role::Dispatcher, &app.bureau).await;
    let officer_user = app.user("duiyuan", Role::Officer, &app.squad).await;
    let a1 = officer(&admin, &app.squad, "王强", "豫41000001").await;
    let a2 = officer(&admin, &app.squad, "李娜", "豫41000002").await;
    let chair = officer(&admin, &app.squad, "赵主持", "豫41000003").await;
    let b1 = officer(&admin, &app.other_squad, "孙伟", "豫41000004").await;
    let b2 = officer(&admin, &app.other_squad, "周敏", "豫41000005").await;

    let hearing_case = case_with(&leader, &legal, &app.squad, ("张某某", "ordinary", "2025-03-01", "zhan_dao_jing_ying"), &[
        json!({"on": "2025-03-03", "type": "register", "officers": [a1, a2]}),
        json!({"on": "2025-03-04", "type": "evidence", "officers": [a1, a2]}),
        json!({"on": "2025-03-10", "type": "advance_notice", "officers": [a1, a2], "proposed": {"fine": 6000}, "rights": ["statement", "defence", "hearing"]}),
        json!({"on": "2025-03-12", "type": "hearing_request"}),
        json!({"on": "2025-03-13", "type": "hearing_notice", "hearing_on": "2025-03-25"}),
        json!({"on": "2025-03-25", "type": "hearing", "chair": chair}),
        json!({"on": "2025-03-28", "type": "legal_review", "result": "pass"}),
        json!({"on": "2025-03-31", "type": "deliberation"}),
        json!({"on": "2025-04-01", "type": "decision", "officers": [a1, a2], "outcome": "penalty", "penalty": {"fine": 6000}}),
        json!({"on": "2025-04-02", "type": "service", "method": "direct"}),
        json!({"on": "2025-04-10", "type": "payment", "amount": 6000}),
        json!({"on": "2025-04-15", "type": "close"}),
        json!({"on": "2025-04-16", "type": "archive"}),
    ]).await;
    for (party, fine, month) in [
        ("钱某", 1000, "05"),
        ("吴某", 800, "06"),
        ("郑某", 1500, "09"),
    ] {
        case_with(&leader, &legal, &app.other_squad, (party, "ordinary", &format!("2025-{month}-01"), "zhan_dao_jing_ying"), &[
            json!({"on": format!("2025-{month}-03"), "type": "register", "officers": [b1, b2]}),
            json!({"on": format!("2025-{month}-04"), "type": "evidence", "officers": [b1, b2]}),
            json!({"on": format!("2025-{month}-10"), "type": "advance_notice", "officers": [b1, b2], "proposed": {"fine": fine}, "rights": ["statement", "defence"]}),
            json!({"on": format!("2025-{month}-12"), "type": "defence"}),
            json!({"on": format!("2025-{month}-16"), "type": "decision", "officers": [b1, b2], "outcome": "penalty", "penalty": {"fine": fine}}),
            json!({"on": format!("2025-{month}-17"), "type": "service", "method": "direct"}),
            json!({"on": format!("2025-{month}-24"), "type": "payment", "amount": fine}),
        ]).await;
    }
    for (party, day) in [("孙某", "07-01"), ("周某", "08-05")] {
        case_with(&leader, &legal, &app.squad, (party, "summary", &format!("2025-{day}"), "zhan_dao_jing_ying"), &[
            json!({"on": format!("2025-{day}"), "type": "summary_penalty", "officers": [a1, a2], "penalty": {"fine": 50}}),
        ]).await;
    }
    // Complaints of the day: two replied by the squad.
    for _ in 0..2 {
        let (s, c) = parts(dispatcher.post("/complaints", &json!({
            "service_code": "zhan_dao_jing_ying", "description": "路口有流动摊贩占道",
            "lat": 33.0, "long": 112.5, "attributes": {"stall_kind": "mobile"}, "phone": "13812345678"
        })).await).await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        let id = c["complaint"]["id"].as_str().unwrap().to_string();
        let (s, v) = parts(
            dispatcher
                .post(
                    &format!("/complaints/{id}/dispatch"),
                    &json!({"expected_version": 1, "org_unit_id": app.squad}),
                )
                .await,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let (s, v) = parts(officer_user.post(&format!("/complaints/{id}/reply"), &json!({"expected_version": v["version"], "text": "已劝离摊贩并告知其到规定区域经营。"})).await).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }

    // One more, resolved by service (721), verified with photos and rated 满意.
    let (s, c) = parts(dispatcher.post("/complaints", &json!({
        "service_code": "zhan_dao_jing_ying", "description": "小区门口占道经营",
        "lat": 33.0, "long": 112.5, "attributes": {"stall_kind": "mobile"}, "phone": "13812345679"
    })).await).await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let id = c["complaint"]["id"].as_str().unwrap().to_string();
    let token = c["token"].as_str().unwrap().to_string();
    let (_, v) = parts(
        dispatcher
            .post(
                &format!("/complaints/{id}/dispatch"),
                &json!({"expected_version": 1, "org_unit_id": app.squad}),
            )
            .await,
    )
    .await;
    let (_, v) = parts(
        officer_user
            .post(
                &format!("/complaints/{id}/reply"),
                &json!({"expected_version": v["version"], "text": "已上门劝导，摊点已搬离。"}),
            )
            .await,
    )
    .await;
    let form = reqwest::multipart::Form::new()
        .text("expected_version", v["version"].to_string())
        .text("note", "现场核查，已清理")
        .part(
            "before",
            reqwest::multipart::Part::bytes(crate::helpers::photo_png([180, 40, 40]))
                .file_name("before.png"),
        )
        .part(
            "after",
            reqwest::multipart::Part::bytes(crate::helpers::photo_png([0, 160, 60]))
                .file_name("after.png"),
        );
    let r = officer_user
        .http
        .post(format!(
            "{}/complaints/{id}/verification",
            officer_user.base
        ))
        .bearer_auth(&officer_user.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (s, v) = parts(r).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = parts(dispatcher.post(&format!("/complaints/{id}/close"), &json!({"expected_version": v["version"], "final_state": "resolved", "tag_721": "service"})).await).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let r = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/public/complaints/{token}/rating",
            app.root()
        ))
        .json(&json!({"rating": "满意"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    let Some(b) = Browser::start(&app.root(), Screen::Desktop).await else {
        return;
    };
    b.login("juzhang", PASSWORD).await;
    b.submit("header nav a[href='/dashboard']").await;
    b.find("#headlines").await;
    assert_eq!(b.path().await, "/dashboard");
    let text = b.page_text().await;
    assert!(text.contains("2025年统计"), "{text}");
    assert_eq!(b.text("[data-key='cases.registered']").await, "6");
    assert_eq!(b.text("[data-key='cases.procedure.summary']").await, "2");
    assert_eq!(b.text("[data-key='fines.decided']").await, "9,400.00元");
    assert_eq!(b.text("[data-key='hearings.held']").await, "1");
    assert_eq!(b.text("[data-key='complaints.received']").await, "3");
    assert_eq!(
        b.text("[data-key='complaints.satisfaction_rate']").await,
        "100.00%"
    );
    assert_eq!(b.text("[data-key='complaints.tag721.service']").await, "1");
    assert!(b.exists(".bar-chart .bar").await);
    assert!(b.exists("#export").await);
    b.screenshot("dashboard").await;

    // Down to the hearings, and on to the case itself.
    b.submit("[data-key='hearings.held']").await;
    b.find("#records").await;
    assert_eq!(b.path().await, "/dashboard/records");
    assert!(b.text("#records").await.contains("张某某"));
    b.submit("#records a").await;
    b.find("header.top").await;
    assert_eq!(b.path().await, format!("/cases/{hearing_case}"));
    b.close().await;
}
