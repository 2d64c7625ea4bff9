//! The case pages over HTTP with a session cookie: what the browser tests do not reach —
//! CSRF on the step forms, unknown steps and ids, nonsense form values (never a 500), the
//! late step a leader records with a written reason, and the case list's filters.

use crate::helpers::{PageSession, TestApp, new_case, officer, parts, record};
use fazhi::service::auth::Role;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn step_forms_refuse_bad_input_with_a_page_never_a_500() {
    let app = TestApp::spawn_on("2026-04-01").await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let a = officer(&admin, &app.squad, "王强", "豫41000001").await;
    let b = officer(&admin, &app.squad, "李娜", "豫41000002").await;
    let leader_api = app.user("juzhang", Role::Leader, &app.bureau).await;
    let (case_id, _) = new_case(&leader_api, &app.squad).await;
    let s = PageSession::login(&app, "juzhang").await;
    let step = format!("/cases/{case_id}/steps/register");

    // No CSRF token: refused before anything is read.
    let r = s
        .post_raw(&step, &[("on", "2026-03-02"), ("officers", &a)])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("CSRF"), "{}", r.body);

    // Unknown step type and unknown case: 404 pages.
    assert_eq!(
        s.get(&format!("/cases/{case_id}/steps/fly")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        s.get("/cases/no-such-case").await.status,
        StatusCode::NOT_FOUND
    );

    // A nonsense date and version: the form comes back with the error next to the field.
    let r = s
        .post(
            &step,
            &[
                ("on", "2026-13-45"),
                ("officers", &a),
                ("officers", &b),
                ("expected_version", "x"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("日期格式应为"), "{}", r.body);
    assert!(r.body.contains("value=\"2026-13-45\""), "input kept");

    // A date in the future is the service's refusal, shown on the field.
    let r = s
        .post(
            &step,
            &[("on", "2026-05-01"), ("officers", &a), ("officers", &b)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("不能晚于今天"), "{}", r.body);

    // A stale version: 409 with a clear message.
    let r = s
        .post(
            &step,
            &[
                ("on", "2026-03-02"),
                ("officers", &a),
                ("officers", &b),
                ("expected_version", "7"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("已被他人更新"), "{}", r.body);

    // Amounts: a bad fine is refused next to the field.
    let r = s
        .post(
            &step,
            &[("on", "2026-03-02"), ("officers", &a), ("officers", &b)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = s
        .post(
            &format!("/cases/{case_id}/steps/advance_notice"),
            &[
                ("on", "2026-03-03"),
                ("officers", &a),
                ("officers", &b),
                ("fine", "12.345"),
                ("rights", "statement"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("最多保留两位小数"), "{}", r.body);

    // An officer may not record the leader's steps: 403 page.
    let _ = app.user("wang", Role::Officer, &app.squad).await;
    let o = PageSession::login(&app, "wang").await;
    assert_eq!(
        o.get(&format!("/cases/{case_id}/steps/decision"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_late_decision_needs_a_leaders_written_reason() {
    let app = TestApp::spawn_on("2025-06-01").await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let a = officer(&admin, &app.squad, "王强", "豫41000001").await;
    let b = officer(&admin, &app.squad, "李娜", "豫41000002").await;
    let leader_api = app.user("juzhang", Role::Leader, &app.bureau).await;
    let (s_, v) = parts(leader_api.post("/cases", &json!({
        "org_unit_id": app.squad, "party": {"kind": "individual", "name": "张某某"}, "procedure": "ordinary",
        "act_date": "2025-01-20", "violation": "zhan_dao_jing_ying"
    })).await).await;
    assert_eq!(s_, StatusCode::CREATED, "{v}");
    let case_id = v["case"]["id"].as_str().unwrap().to_string();
    let version = v["case"]["version"].as_i64().unwrap();
    record(
        &leader_api,
        &case_id,
        version,
        &[
            json!({"on": "2025-02-03", "type": "register", "officers": [a, b]}),
            json!({"on": "2025-02-05", "type": "advance_notice", "officers": [a, b], "proposed": {"fine": 500}, "rights": ["statement", "defence"]}),
        ],
    )
    .await;
    let s = PageSession::login(&app, "juzhang").await;
    // 90 days from 2025-02-03 have passed: the case page marks the decision as late only.
    let page = s.get(&format!("/cases/{case_id}")).await;
    assert!(page.body.contains("decision_deadline_90d"), "{}", page.body);
    assert!(page.body.contains("超期说明"), "{}", page.body);
    let step = format!("/cases/{case_id}/steps/decision");
    let fields = [
        ("on", "2025-06-01"),
        ("officers", a.as_str()),
        ("officers", b.as_str()),
        ("outcome", "penalty"),
        ("fine", "500"),
    ];
    let r = s.post(&step, &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("decision_deadline_90d") && r.body.contains("id=\"late_reason\""),
        "{}",
        r.body
    );
    let mut with_reason = fields.to_vec();
    with_reason.push(("late_reason", "当事人下落不明，经公告查找后方能作出决定"));
    let r = s.post(&step, &with_reason).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = s.get(&format!("/cases/{case_id}")).await;
    assert!(
        page.body.contains("程序瑕疵"),
        "the defect stays on the record"
    );
}

#[tokio::test]
async fn the_case_list_filters_and_searches() {
    let app = TestApp::spawn_on("2026-04-01").await;
    let leader_api = app.user("juzhang", Role::Leader, &app.bureau).await;
    let (first, _) = new_case(&leader_api, &app.squad).await;
    let (other, _) = new_case(&leader_api, &app.other_squad).await;
    let s = PageSession::login(&app, "juzhang").await;
    let all = s.get("/cases").await;
    assert!(all.body.contains(&first) && all.body.contains(&other));
    let squad = s.get(&format!("/cases?unit={}", app.squad)).await;
    assert!(squad.body.contains(&first) && !squad.body.contains(&other));
    let found = s.get("/cases?q=%E5%8D%A7%E9%BE%99%E8%B7%AF").await; // 卧龙路 (address)
    assert!(found.body.contains(&first), "address is searchable");
    let none = s.get("/cases?q=%E4%B8%8D%E5%AD%98%E5%9C%A8").await;
    assert!(none.body.contains("没有符合条件的案件"));
    // Nonsense filters: a message, not a 500.
    let bad = s
        .get("/cases?from=yesterday&page=-3&state=%27%3B+DROP")
        .await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.body.contains("起始日期格式"), "{}", bad.body);
    // Malformed query strings and bodies: a Chinese page, not axum's English text.
    let bad = s.get("/cases?page=abc").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("链接参数有误"), "{}", bad.body);
    let r = s
        .http
        .post(format!("{}/password", s.root))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("表单内容无法识别"));
    // A partner is refused the list.
    let _ = app.user("zhujian", Role::Partner, &app.partner).await;
    let p = PageSession::login(&app, "zhujian").await;
    assert_eq!(p.get("/cases").await.status, StatusCode::FORBIDDEN);
}

// issue 10 part A
#[tokio::test]
async fn the_revocation_form_asks_for_its_ground() {
    let app = TestApp::spawn_on("2026-04-01").await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let a = officer(&admin, &app.squad, "王强", "豫41000001").await;
    let b = officer(&admin, &app.squad, "李娜", "豫41000002").await;
    let leader_api = app.user("juzhang", Role::Leader, &app.bureau).await;
    let (case_id, version) = new_case(&leader_api, &app.squad).await;
    record(
        &leader_api,
        &case_id,
        version,
        &[
            json!({"on": "2026-03-02", "type": "register", "officers": [a, b]}),
            json!({"on": "2026-03-10", "type": "advance_notice", "officers": [a, b], "proposed": {"fine": 500}, "rights": ["statement", "defence"]}),
            json!({"on": "2026-03-10", "type": "defence"}),
            json!({"on": "2026-03-16", "type": "decision", "officers": [a, b], "outcome": "penalty", "penalty": {"fine": 500}}),
        ],
    )
    .await;
    let s = PageSession::login(&app, "juzhang").await;
    let step = format!("/cases/{case_id}/steps/revocation");
    let page = s.get(&step).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("撤销的理由和依据"), "{}", page.body);
    let r = s.post(&step, &[("on", "2026-03-20")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请写明撤销的理由和依据"), "{}", r.body);
    let r = s
        .post(
            &step,
            &[
                ("on", "2026-03-20"),
                ("ground", "原决定罚款数额适用错误，经负责人批准撤销"),
                ("decision_on", "2026-03-16"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}
