//! Personal data and the audit trail (issue 11 §1): entries hold salted digests, never the
//! text; a complaint's personal data is erased after its retention period (admin page and
//! command) with the chain and its checkpoints still verifying; reads of personal data
//! (complaint record, case, export) are audited with who, what and when.

use crate::helpers::*;
use fazhi::service::audit;
use fazhi::service::audit_checkpoint::{self, CheckpointSettings, Reason};
use fazhi::service::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::Row;

const PERSONAL: [&str; 8] = [
    "13812345678",
    "411302199001011234",
    "zhangsan",
    "张三丰",
    "三丰",
    "流动摊贩",
    "卧龙路1号",
    "张某某",
];

async fn audit_contents(app: &TestApp) -> Vec<(String, String, String, String)> {
    let mut conn = app.state.db.pool.acquire().await.unwrap();
    sqlx::query("SELECT action, actor, entity_id, content FROM audit_log ORDER BY seq")
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.get("action"),
                r.get("actor"),
                r.get("entity_id"),
                r.get("content"),
            )
        })
        .collect()
}

async fn user_id(app: &TestApp, username: &str) -> String {
    let mut conn = app.state.db.pool.acquire().await.unwrap();
    sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
        .bind(username)
        .fetch_one(&mut *conn)
        .await
        .unwrap()
}

/// A phone intake with the reporter's data and personal numbers in the description.
async fn intake(dispatcher: &Client) -> Value {
    let (s, v) = parts(
        dispatcher
            .post(
                "/complaints",
                &json!({
                    "service_code": "zhan_dao_jing_ying",
                    "description": "路口有流动摊贩占道，来电人电话13812345678，身份证411302199001011234",
                    "address_string": "卧龙区卧龙路1号门前",
                    "attributes": {"stall_kind": "mobile"},
                    "phone": "13812345678", "email": "zhangsan@example.com",
                    "last_name": "张", "first_name": "三丰",
                }),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["complaint"].clone()
}

async fn withdraw(dispatcher: &Client, v: &Value) {
    let id = v["id"].as_str().unwrap();
    let (s, closed) = parts(
        dispatcher
            .post(
                &format!("/complaints/{id}/close"),
                &json!({"expected_version": v["version"], "final_state": "withdrawn",
                        "reason": "来电人13812345678表示问题已自行解决，撤回投诉"}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{closed}");
}

#[tokio::test]
async fn the_audit_trail_holds_digests_of_personal_data_never_the_text() {
    let app = TestApp::spawn().await;
    let dispatcher = app.user("dispatcher", Role::Dispatcher, &app.bureau).await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let v = intake(&dispatcher).await;
    withdraw(&dispatcher, &v).await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let a = officer(&admin, &app.squad, "王强", "豫41000001").await;
    let b = officer(&admin, &app.squad, "李娜", "豫41000002").await;
    let (case_id, version) = new_case(&leader, &app.squad).await;
    let (s, e) = parts(
        leader
            .post(
                &format!("/cases/{case_id}/events"),
                &json!({"expected_version": version, "event": {
                    "type": "register", "on": "2026-03-02", "officers": [a, b],
                    "note": "当事人张某某，电话13812345678"}}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{e}");

    let entries = audit_contents(&app).await;
    for (action, _, _, content) in &entries {
        for p in PERSONAL {
            assert!(!content.contains(p), "{action} holds {p}: {content}");
        }
    }
    let created = entries
        .iter()
        .find(|(a, ..)| a == "complaint.create")
        .unwrap();
    let c: Value = serde_json::from_str(&created.3).unwrap();
    for field in [
        "description",
        "reporter_phone",
        "reporter_name",
        "address_string",
    ] {
        assert_eq!(c["personal"][field].as_str().unwrap().len(), 32, "{c}");
    }
    let case: Value =
        serde_json::from_str(&entries.iter().find(|(a, ..)| a == "case.create").unwrap().3)
            .unwrap();
    assert!(case["personal"]["party_name"].is_string(), "{case}");
    assert!(case["personal"]["party_address"].is_string(), "{case}");
    let event: Value =
        serde_json::from_str(&entries.iter().find(|(a, ..)| a == "case.event").unwrap().3).unwrap();
    assert!(event["event"]["personal"]["note"].is_string(), "{event}");
    assert_eq!(event["event"]["type"], "register");
    // The same value gives another digest in another record (its own salt).
    let mut conn = app.state.db.pool.acquire().await.unwrap();
    let salts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM personal_data_salts")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(salts, 2);
}

async fn app_with_checkpoints(today: &str) -> TestApp {
    TestApp::spawn_with(today, |settings, dir| {
        let key = dir.join("audit-key.pem");
        audit_checkpoint::create_key_file(&key).expect("key");
        settings.audit_checkpoints =
            Some(CheckpointSettings::load(&key, &dir.join("checkpoints"), 1000).expect("settings"));
    })
    .await
}

#[tokio::test]
async fn personal_data_past_retention_is_erased_and_the_chain_still_verifies() {
    let app = app_with_checkpoints("2026-01-12").await;
    let dispatcher = app.user("dispatcher", Role::Dispatcher, &app.bureau).await;
    app.user("admin", Role::Admin, &app.bureau).await;
    let old = intake(&dispatcher).await;
    withdraw(&dispatcher, &old).await;
    // An open one and one closed later stay as they are.
    app.clock.set_date(date("2026-06-01"));
    let open = intake(&dispatcher).await;
    let later = intake(&dispatcher).await;
    withdraw(&dispatcher, &later).await;
    let settings = app.state.settings.audit_checkpoints.clone().unwrap();
    let take = |app: &TestApp| {
        let state = app.state.clone();
        let settings = settings.clone();
        async move {
            audit_checkpoint::take(&state.db, &settings, state.clock.now(), Reason::Manual)
                .await
                .unwrap()
        }
    };
    take(&app).await;

    // 1095 days (the default) after closing: not yet; one day more: due.
    app.clock.set_date(date("2029-01-11"));
    let page = PageSession::login(&app, "admin").await;
    let a = page.get("/audit").await;
    assert!(a.body.contains("<strong>0</strong>件"), "{}", a.body);
    app.clock.set_date(date("2029-01-13"));
    // Three years on, the session has long ended.
    let page = PageSession::login(&app, "admin").await;
    let a = page.get("/audit").await;
    assert!(a.body.contains("<strong>1</strong>件"), "{}", a.body);
    let a = page.post("/audit/erase", &[]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.body);
    let a = page.get(&a.location).await;
    assert!(a.body.contains("已删除1件"), "{}", a.body);

    let mut conn = app.state.db.pool.acquire().await.unwrap();
    let row = sqlx::query(
        "SELECT description, reporter_phone, reporter_email, reporter_last_name, final_reason, \
         personal_data_erased_at FROM complaints WHERE id = $1",
    )
    .bind(old["id"].as_str().unwrap())
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    for col in [
        "description",
        "reporter_phone",
        "reporter_email",
        "reporter_last_name",
    ] {
        assert_eq!(row.get::<Option<String>, _>(col), None, "{col}");
    }
    let reason: String = row.get("final_reason");
    assert!(
        !reason.contains("13812345678") && reason.contains("138****5678"),
        "{reason}"
    );
    assert!(
        row.get::<Option<String>, _>("personal_data_erased_at")
            .is_some()
    );
    for other in [&open, &later] {
        let phone: Option<String> =
            sqlx::query_scalar("SELECT reporter_phone FROM complaints WHERE id = $1")
                .bind(other["id"].as_str().unwrap())
                .fetch_one(&mut *conn)
                .await
                .unwrap();
        assert_eq!(phone.as_deref(), Some("13812345678"));
    }
    let salt: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM personal_data_salts WHERE entity = 'complaint' AND entity_id = $1",
    )
    .bind(old["id"].as_str().unwrap())
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    assert_eq!(salt, 0, "the salt of its digests is gone");
    drop(conn);

    // The chain is untouched: it verifies against the checkpoint taken before and a new one.
    take(&app).await;
    let mut conn = app.state.db.pool.acquire().await.unwrap();
    let report =
        audit_checkpoint::verify_against(&mut conn, &settings.dir, &[settings.key.verifying_key()])
            .await
            .unwrap();
    assert!(report.ok, "{:?}", report.problems);
    assert_eq!(report.checkpoints.unwrap().not_covered, 0);
    let erasures = audit_contents(&app)
        .await
        .into_iter()
        .filter(|(a, _, id, _)| {
            a == "complaint.erase_personal_data" && id == old["id"].as_str().unwrap()
        })
        .count();
    assert_eq!(erasures, 1);
    // The staff record still opens, without the personal data (a fresh login: years passed).
    let dispatcher = app.user("dispatcher2", Role::Dispatcher, &app.bureau).await;
    let (s, view) = parts(
        dispatcher
            .get(&format!("/complaints/{}", old["id"].as_str().unwrap()))
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{view}");
    assert!(
        view["description"].is_null() && view["reporter"]["phone"].is_null(),
        "{view}"
    );

    // The command line does the same for what is due by the wall clock.
    let (code, out) = {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_fazhi"))
            .args([
                "complaint",
                "erase-personal-data",
                "--complaint-retention-days",
                "30",
                "--database-url",
                &app.database_url,
                "--data-dir",
                app.data_dir.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
        )
    };
    assert_eq!(code, Some(0), "{out}");
    let erased: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        erased["complaints"], 1,
        "the one closed on the test clock: {out}"
    );
    let mut conn = app.state.db.pool.acquire().await.unwrap();
    let plain = audit::verify(&mut conn).await.unwrap();
    assert!(plain.ok, "{:?}", plain.problems);
}

#[tokio::test]
async fn reads_of_personal_data_are_audited_with_who_and_what() {
    let app = TestApp::spawn_on("2026-04-30").await;
    let dispatcher = app.user("dispatcher", Role::Dispatcher, &app.bureau).await;
    let partner = app.user("partner", Role::Partner, &app.partner).await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let v = intake(&dispatcher).await;
    let id = v["id"].as_str().unwrap().to_string();
    let (s, seen) = parts(dispatcher.get(&format!("/complaints/{id}")).await).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(seen["reporter"]["phone"], "13812345678");
    let (s, d) = parts(
        dispatcher
            .post(
                &format!("/complaints/{id}/dispatch"),
                &json!({"expected_version": seen["version"], "org_unit_id": app.partner, "reason": "涉及在建工地，属住建职责"}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let (s, masked) = parts(partner.get(&format!("/complaints/{id}")).await).await;
    assert_eq!(s, StatusCode::OK, "{masked}");
    assert_eq!(masked["reporter"]["masked"], true);
    let text = masked.to_string();
    assert!(
        !text.contains("13812345678") && !text.contains("411302199001011234"),
        "{text}"
    );
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let a = officer(&admin, &app.squad, "王强", "豫41000001").await;
    let b = officer(&admin, &app.squad, "李娜", "豫41000002").await;
    let (case_id, version) = new_case(&leader, &app.squad).await;
    let version = record(
        &leader,
        &case_id,
        version,
        &[json!({"on": "2026-03-02", "type": "register", "officers": [a, b]})],
    )
    .await;
    // The 立案审批表 states the case's source (案件来源).
    let (s, v) = parts(
        leader
            .put(
                &format!("/cases/{case_id}/record"),
                &json!({"expected_version": version, "record": {"source": {"kind": "patrol"}}}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, _) = parts(leader.get(&format!("/cases/{case_id}")).await).await;
    assert_eq!(s, StatusCode::OK);
    // A document names the party: downloading it is a read too.
    let (s, doc) = parts(
        leader
            .post(
                &format!("/cases/{case_id}/documents"),
                &json!({"kind": "register_approval"}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{doc}");
    let doc_id = doc["id"].as_str().unwrap();
    let file = leader.get(&format!("/documents/{doc_id}/file")).await;
    assert_eq!(file.status(), StatusCode::OK);
    let page = {
        app.user("juzhang", Role::Leader, &app.bureau).await;
        PageSession::login(&app, "juzhang").await
    };
    assert_eq!(
        page.get(&format!("/cases/{case_id}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        page.get("/dashboard/export.xlsx?year=2026").await.status,
        StatusCode::OK
    );

    let entries = audit_contents(&app).await;
    let reads: Vec<(String, String, String, Value)> = entries
        .into_iter()
        .filter(|(a, ..)| a.ends_with(".read") || a.ends_with(".export"))
        .map(|(a, who, what, c)| (a, who, what, serde_json::from_str(&c).unwrap()))
        .collect();
    let dispatcher_id = user_id(&app, "dispatcher").await;
    let partner_id = user_id(&app, "partner").await;
    let leader_id = user_id(&app, "leader").await;
    let juzhang_id = user_id(&app, "juzhang").await;
    let has = |action: &str, who: &str, what: &str| {
        reads
            .iter()
            .any(|(a, w, e, _)| a == action && w == who && e == what)
    };
    assert!(has("complaint.read", &dispatcher_id, &id), "{reads:?}");
    assert!(has("complaint.read", &partner_id, &id), "{reads:?}");
    assert!(has("case.read", &leader_id, &case_id), "{reads:?}");
    assert!(has("case.read", &juzhang_id, &case_id), "{reads:?}");
    assert!(has("statistics.export", &juzhang_id, "2026"), "{reads:?}");
    assert!(has("document.read", &leader_id, &case_id), "{reads:?}");
    let partner_read = reads
        .iter()
        .find(|(a, w, ..)| a == "complaint.read" && *w == partner_id)
        .unwrap();
    assert_eq!(partner_read.3["masked"], true);
}
