//! Issue 12 "settings by module": the bureau's rule settings are changed in the product. The
//! legal office changes the statement period on the settings page (with a reason, audited)
//! and the next document and the next step of a live case use it, without a restart; the
//! statutory numbers are refused, a bad value is a form error and nothing is written, and a
//! post without the permission gets 403.

use crate::documents::{generate, run_case, write_record};
use crate::helpers::*;
use fazhi::service::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

const REASON: &str = "本局《行政处罚事先告知书》格式文本修订（卧城管〔2026〕5号）";

async fn audit_changes(app: &TestApp) -> Vec<(String, String)> {
    let mut conn = app.state.db.pool.acquire().await.unwrap();
    sqlx::query_as(
        "SELECT entity_id, content FROM audit_log WHERE action = 'settings.rule' ORDER BY seq",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap()
}

async fn stored(app: &TestApp) -> i64 {
    let mut conn = app.state.db.pool.acquire().await.unwrap();
    sqlx::query_scalar("SELECT COUNT(*) FROM rule_settings")
        .fetch_one(&mut *conn)
        .await
        .unwrap()
}

async fn version_of(client: &Client, case_id: &str) -> i64 {
    let (_, case) = parts(client.get(&format!("/cases/{case_id}")).await).await;
    case["case"]["version"].as_i64().unwrap()
}

async fn step(client: &Client, case_id: &str, event: Value) -> (StatusCode, Value) {
    let version = version_of(client, case_id).await;
    parts(
        client
            .post(
                &format!("/cases/{case_id}/events"),
                &json!({"expected_version": version, "event": event}),
            )
            .await,
    )
    .await
}

#[tokio::test]
async fn the_legal_office_changes_the_statement_period_and_the_next_steps_use_it() {
    let app = TestApp::spawn_on("2026-04-30").await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let legal = app.user("legal", Role::Legal, &app.bureau).await;
    let officer_user = app.user("officer", Role::Officer, &app.squad).await;
    let a = officer(&admin, &app.squad, "王强", "豫41000001").await;
    let b = officer(&admin, &app.squad, "李娜", "豫41000002").await;
    // Advance notice served on 2026-03-10 (fine 6000: a hearing right).
    let case_id = run_case(&leader, &legal, &officer_user, &app.squad, (&a, &b), false).await;
    write_record(&officer_user, &case_id).await;

    // The page lists every setting: the local ones with a form, the statutory ones with
    // their basis only.
    let page = PageSession::login(&app, "legal").await;
    let p = page.get("/settings").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert!(p.body.contains("href=\"/settings\""), "navigation link");
    for needle in [
        "陈述、申辩期限",
        "5个工作日",
        "听证“较大数额”（公民）",
        "5000元",
        "河南省行政处罚听证办法（省政府令第204号）第四条",
        "作出处罚决定期限（自立案之日起）",
        "90日",
        "行政处罚法第六十条",
        "经负责人批准可延长办案期限",
    ] {
        assert!(p.body.contains(needle), "settings page lacks {needle}");
    }
    assert!(
        p.body
            .contains("name=\"key\" value=\"statement_working_days\"")
    );
    assert!(
        !p.body.contains("name=\"key\" value=\"decision_days\""),
        "a statutory number has no form"
    );

    let r = page
        .post(
            "/settings",
            &[
                ("key", "statement_working_days"),
                ("value", "7"),
                ("reason", REASON),
                ("expected_version", "0"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        r.location
            .starts_with("/settings?changed=statement_working_days"),
        "{}",
        r.location
    );
    let p = page.get(&r.location).await;
    assert!(p.body.contains("已修改“陈述、申辩期限”"), "{}", p.body);
    assert!(p.body.contains("7个工作日"));
    assert!(p.body.contains("最近修改：测试legal") && p.body.contains(REASON));

    // The audit entry: who, before, after, why.
    let audit = audit_changes(&app).await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].0, "statement_working_days");
    let content: Value = serde_json::from_str(&audit[0].1).unwrap();
    assert_eq!(content["before"], 5);
    assert_eq!(content["after"], 7);
    assert_eq!(content["reason"], REASON);
    assert_eq!(content["via"], "page");

    // The next 事先告知书 states seven working days: 2026-03-10 + 7 → 19 March.
    let (s, n) = generate(&legal, &case_id, "advance_notice").await;
    assert_eq!(s, StatusCode::CREATED, "{n}");
    let xml = crate::documents::download(&legal, &n).await;
    assert!(
        xml.contains("收到本告知书之日起七个工作日内（即2026年3月19日前）"),
        "advance notice with the new period"
    );

    // The live case: a decision on 18 March comes before the seven days end.
    let (s, v) = step(
        &legal,
        &case_id,
        json!({"on": "2026-03-18", "type": "legal_review", "result": "pass"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = step(
        &leader,
        &case_id,
        json!({"on": "2026-03-18", "type": "deliberation"}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let decision = json!({"on": "2026-03-18", "type": "decision", "officers": [a, b], "outcome": "penalty", "penalty": {"fine": 6000}});
    let (s, v) = step(&leader, &case_id, decision.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["rule"], "pre_decision_notice", "{v}");

    // Back to five days through the API: the same decision is now on time.
    let (s, v) = parts(
        legal
            .put(
                "/settings/rules/statement_working_days",
                &json!({"value": "5", "reason": "恢复五个工作日", "expected_version": 1}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["value"], 5);
    assert_eq!(v["version"], 2);
    assert_eq!(v["source"], "regional");
    let (s, v) = step(&leader, &case_id, decision).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(audit_changes(&app).await.len(), 2);
    assert_eq!(app.state.rules().await.unwrap().statement_working_days, 5);
}

#[tokio::test]
async fn statutory_numbers_bad_values_and_other_posts_are_refused() {
    let app = TestApp::spawn_on("2026-04-30").await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let legal = app.user("legal", Role::Legal, &app.bureau).await;
    let officer_user = app.user("officer", Role::Officer, &app.squad).await;
    app.user("dispatcher", Role::Dispatcher, &app.bureau).await;
    let page = PageSession::login(&app, "legal").await;

    // A statutory number: refused on the page, with its basis.
    let r = page
        .post(
            "/settings",
            &[
                ("key", "decision_days"),
                ("value", "60"),
                ("reason", REASON),
                ("expected_version", "0"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body
            .contains("由法律规定（行政处罚法第六十条），本局不能修改"),
        "{}",
        r.body
    );
    // A value out of range: the message names the setting, next to its field.
    let r = page
        .post(
            "/settings",
            &[
                ("key", "statement_working_days"),
                ("value", "abc"),
                ("reason", REASON),
                ("expected_version", "0"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains(
            "id=\"statement_working_days-value-error\">“陈述、申辩期限”应为 1 至 30 之间的整数"
        ),
        "{}",
        r.body
    );
    assert!(r.body.contains("value=\"abc\""), "the typed value is kept");
    // No reason.
    let r = page
        .post(
            "/settings",
            &[
                ("key", "hearing_fine_individual"),
                ("value", "3000"),
                ("reason", " "),
                ("expected_version", "0"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("请填写修改“听证“较大数额”（公民）”的理由"));
    assert_eq!(stored(&app).await, 0, "nothing written");
    assert!(audit_changes(&app).await.is_empty());
    assert_eq!(app.state.rules().await.unwrap().statement_working_days, 5);

    // The API speaks the same refusals as codes.
    let (s, v) = parts(
        legal
            .put(
                "/settings/rules/decision_days",
                &json!({"value": "60", "reason": REASON, "expected_version": 0}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "setting_statutory");
    let (s, v) = parts(
        legal
            .put(
                "/settings/rules/decision_extension_max_days",
                &json!({"value": "0", "reason": REASON, "expected_version": 0}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "invalid_setting");
    assert_eq!(v["error"]["field"], "value");
    let (s, v) = parts(
        legal
            .put(
                "/settings/rules/no_such_setting",
                &json!({"value": "1", "reason": REASON, "expected_version": 0}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");

    // Officers read the settings but may not change them; 指挥中心 may not read them.
    let (s, v) = parts(officer_user.get("/settings/rules").await).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v.as_array().map(Vec::len), Some(34));
    let (s, v) = parts(
        officer_user
            .put(
                "/settings/rules/statement_working_days",
                &json!({"value": "7", "reason": REASON, "expected_version": 0}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    let officer_page = PageSession::login(&app, "officer").await;
    let p = officer_page.get("/settings").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(!p.body.contains("name=\"expected_version\""), "no forms");
    let r = officer_page
        .post(
            "/settings",
            &[
                ("key", "statement_working_days"),
                ("value", "7"),
                ("reason", REASON),
                ("expected_version", "0"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let dispatcher_page = PageSession::login(&app, "dispatcher").await;
    assert_eq!(
        dispatcher_page.get("/settings").await.status,
        StatusCode::FORBIDDEN
    );
    let w = dispatcher_page.get("/workbench").await;
    assert!(!w.body.contains("href=\"/settings\""));
    assert_eq!(stored(&app).await, 0);

    // An administrator may change them; a stale version is a conflict.
    let (s, v) = parts(
        admin
            .put(
                "/settings/rules/hearing_fine_individual",
                &json!({"value": "3000", "reason": REASON, "expected_version": 0}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["display"], "3000元");
    let (s, v) = parts(
        legal
            .put(
                "/settings/rules/hearing_fine_individual",
                &json!({"value": "4000", "reason": REASON, "expected_version": 0}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert_eq!(audit_changes(&app).await.len(), 1);
    assert_eq!(
        app.state.rules().await.unwrap().hearing_fine_individual,
        fazhi_domain::timeline::Yuan::from_yuan(3000)
    );
}
