//! The internal closed loop of complaints: intake by phone, dispatch and re-route, handling,
//! reply, verification with photos, honest closing, follow-up, rating and reopening by token,
//! supervision and the overdue list, duplicates and merging, the step to a penalty case, the
//! partner's restricted view and the annual statistics.

use crate::helpers::{Client, TestApp, date, parts};
use fazhi::service::audit::Actor;
use fazhi::service::auth::Role;
use fazhi::service::complaint::{self, Channel, NewComplaint};
use reqwest::StatusCode;
use serde_json::{Value, json};

struct Staff {
    admin: Client,
    dispatcher: Client,
    officer: Client,
    leader: Client,
    partner: Client,
    other_officer: Client,
}

async fn staff(app: &TestApp) -> Staff {
    Staff {
        admin: app.user("admin", Role::Admin, &app.bureau).await,
        dispatcher: app.user("dispatcher", Role::Dispatcher, &app.bureau).await,
        officer: app.user("officer", Role::Officer, &app.squad).await,
        leader: app.user("leader", Role::Leader, &app.squad).await,
        partner: app.user("partner", Role::Partner, &app.partner).await,
        other_officer: app.user("other", Role::Officer, &app.other_squad).await,
    }
}

/// A phone intake of 占道经营 at the given place; returns the answer.
async fn intake(d: &Client, lat: f64, long: f64, phone: Option<&str>) -> Value {
    let mut body = json!({
        "service_code": "zhan_dao_jing_ying", "description": "路口有流动摊贩占道，来电人电话13812345678",
        "lat": lat, "long": long, "attributes": {"stall_kind": "mobile"},
    });
    if let Some(p) = phone {
        body["phone"] = json!(p);
        body["last_name"] = json!("张");
        body["first_name"] = json!("三丰");
    }
    let (s, v) = parts(d.post("/complaints", &body).await).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v
}

async fn step(c: &Client, id: &str, path: &str, body: Value) -> Value {
    let (s, v) = parts(c.post(&format!("/complaints/{id}/{path}"), &body).await).await;
    assert_eq!(s, StatusCode::OK, "{path}: {v}");
    v
}

async fn refused(c: &Client, id: &str, path: &str, body: Value) -> (StatusCode, String) {
    let (s, v) = parts(c.post(&format!("/complaints/{id}/{path}"), &body).await).await;
    assert!(s.is_client_error(), "{path} should be refused: {v}");
    (s, v["error"]["code"].as_str().unwrap_or("").to_string())
}

fn version(v: &Value) -> i64 {
    v["version"].as_i64().expect("version")
}

async fn verify(c: &Client, id: &str, v: i64, with_after: bool) -> (StatusCode, Value) {
    let mut form = reqwest::multipart::Form::new()
        .text("expected_version", v.to_string())
        .text("note", "现场核查，摊贩已清理")
        .part(
            "before",
            reqwest::multipart::Part::bytes(crate::helpers::photo_png([180, 40, 40]))
                .file_name("before.png"),
        );
    if with_after {
        let after = crate::helpers::photo_png([0, 160, 60]);
        form = form.part(
            "after",
            reqwest::multipart::Part::bytes(after).file_name("after.png"),
        );
    }
    let r = c
        .post_multipart(&format!("/complaints/{id}/verification"), form)
        .await;
    parts(r).await
}

async fn public(app: &TestApp, token: &str, what: &str, body: Value) -> (StatusCode, Value) {
    let r = reqwest::Client::new()
        .post(format!(
            "http://{}/api/v1/public/complaints/{token}/{what}",
            app.addr
        ))
        .json(&body)
        .send()
        .await
        .unwrap();
    parts(r).await
}

async fn open311_status(app: &TestApp, srid: &str) -> Value {
    let r = reqwest::get(format!(
        "http://{}/open311/v2/requests/{srid}.json",
        app.addr
    ))
    .await
    .unwrap();
    let (s, v) = parts(r).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v[0].clone()
}

/// Drives a complaint from intake to `verified` with the squad; returns the last view.
async fn to_verified(app: &TestApp, st: &Staff, lat: f64) -> (Value, String) {
    let created = intake(&st.dispatcher, lat, 112.5, Some("13812345678")).await;
    let token = created["token"].as_str().unwrap().to_string();
    let c = &created["complaint"];
    let id = c["id"].as_str().unwrap().to_string();
    let v = step(
        &st.dispatcher,
        &id,
        "dispatch",
        json!({"expected_version": version(c), "org_unit_id": app.squad}),
    )
    .await;
    let v = step(
        &st.officer,
        &id,
        "reply",
        json!({"expected_version": version(&v), "text": "已劝离摊贩并告知其到规定区域经营。"}),
    )
    .await;
    let (s, v) = verify(&st.officer, &id, version(&v), true).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    (v, token)
}

#[tokio::test]
async fn a_phone_complaint_goes_round_the_whole_loop() {
    let app = TestApp::spawn_on("2026-06-01").await;
    let st = staff(&app).await;

    // 受理: anonymous where allowed; refused where the category needs a contact.
    let created = intake(&st.dispatcher, 33.0, 112.5, None).await;
    let c = &created["complaint"];
    assert_eq!(c["channel"], "phone");
    assert_eq!(c["stage"], "received");
    assert_eq!(c["reporter"]["anonymous"], true);
    assert!(c["expected_at"].as_str().is_some());
    let token = created["token"].as_str().unwrap().to_string();
    let id = c["id"].as_str().unwrap().to_string();
    let srid = c["service_request_id"].as_str().unwrap().to_string();
    let (s, v) = parts(
        st.dispatcher
            .post(
                "/complaints",
                &json!({"service_code": "si_da_luan_jian", "address_string": "卧龙路1号", "description": "违法搭建"}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, _) = parts(
        st.officer
            .post(
                "/complaints",
                &json!({"service_code": "zhan_dao_jing_ying"}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Not routed yet: the squad does not see it; only the dispatcher dispatches.
    assert_eq!(
        st.officer.get(&format!("/complaints/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let (s, _) = refused(
        &st.officer,
        &id,
        "dispatch",
        json!({"expected_version": 1, "org_unit_id": app.squad}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, code) = refused(
        &st.dispatcher,
        &id,
        "reply",
        json!({"expected_version": 1, "text": "答复内容足够长"}),
    )
    .await;
    assert_eq!((s, code.as_str()), (StatusCode::FORBIDDEN, "forbidden"));

    // 派单.
    let v = step(
        &st.dispatcher,
        &id,
        "dispatch",
        json!({"expected_version": 1, "org_unit_id": app.squad}),
    )
    .await;
    assert_eq!(v["stage"], "dispatched");
    assert_eq!(v["version"], 2);
    let (s, code) = refused(
        &st.dispatcher,
        &id,
        "dispatch",
        json!({"expected_version": 1, "org_unit_id": app.squad}),
    )
    .await;
    assert_eq!(
        (s, code.as_str()),
        (StatusCode::CONFLICT, "version_conflict")
    );
    assert_eq!(
        st.other_officer
            .get(&format!("/complaints/{id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // The squad sees the reporter's data it needs (not masked).
    let (_, seen) = parts(st.officer.get(&format!("/complaints/{id}")).await).await;
    assert_eq!(seen["reporter"]["masked"], false);

    // 办理, 答复.
    let v = step(
        &st.officer,
        &id,
        "handling",
        json!({"expected_version": 2, "text": "已安排队员前往现场"}),
    )
    .await;
    assert_eq!(v["stage"], "handling");
    let (_, code) = refused(
        &st.officer,
        &id,
        "reply",
        json!({"expected_version": 3, "text": "好"}),
    )
    .await;
    assert_eq!(code, "reason_required");
    let v = step(
        &st.officer,
        &id,
        "reply",
        json!({"expected_version": 3, "text": "已劝离摊贩并告知其到规定区域经营。"}),
    )
    .await;
    assert_eq!(v["stage"], "replied");
    assert!(v["first_replied_at"].as_str().is_some());

    // 办结 as resolved needs 核查 first.
    let (_, code) = refused(
        &st.dispatcher,
        &id,
        "close",
        json!({"expected_version": 4, "final_state": "resolved", "tag_721": "service"}),
    )
    .await;
    assert_eq!(code, "verification_required");
    let (s, v) = verify(&st.officer, &id, 4, false).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["code"], "verification_photos_required");
    let (s, v) = verify(&st.officer, &id, 4, true).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["stage"], "verified");
    assert_eq!(v["photos"].as_array().unwrap().len(), 2);
    let sha = v["photos"][0]["sha256"].as_str().unwrap();
    assert!(app.data_dir.join("evidence").join(sha).exists());

    let (_, code) = refused(
        &st.dispatcher,
        &id,
        "close",
        json!({"expected_version": 5, "final_state": "resolved"}),
    )
    .await;
    assert_eq!(code, "tag_721_required");
    let v = step(
        &st.dispatcher,
        &id,
        "close",
        json!({"expected_version": 5, "final_state": "resolved", "tag_721": "service"}),
    )
    .await;
    assert_eq!(v["stage"], "closed");
    assert_eq!(v["final_state"], "resolved");
    assert_eq!(v["tag_721"], "service");

    // Open311 still says open/closed, with the real state in status_notes.
    let o = open311_status(&app, &srid).await;
    assert_eq!(o["status"], "closed");
    assert_eq!(o["status_notes"], "已办结（已解决）");

    // 回访, 评价 by the citizen with the token (once).
    let v = step(
        &st.dispatcher,
        &id,
        "follow-up",
        json!({"expected_version": 6, "text": "电话回访，群众表示摊贩已离开"}),
    )
    .await;
    assert_eq!(v["stage"], "followed_up");
    let (s, v) = public(
        &app,
        &token,
        "rating",
        json!({"rating": "满意", "comment": "处理及时"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["stage"], "rated");
    let (s, v) = public(&app, &token, "rating", json!({"rating": 5})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["code"], "already_rated");
    // The refusal names the procedure's rule and its basis beside the message, not in it.
    assert_eq!(v["error"]["rule"], "hotline_closed_loop", "{v}");
    assert!(
        v["error"]["basis"]
            .as_str()
            .is_some_and(|b| b.contains("国办发〔2020〕53号")),
        "{v}"
    );
    assert!(
        !v["error"]["message"].as_str().unwrap_or("").contains('_'),
        "{v}"
    );
    let (s, _) = public(&app, "no-such-token", "rating", json!({"rating": 5})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // 重新办理 within the window: open again under Open311, with a new due time.
    let (s, v) = public(
        &app,
        &token,
        "reopen",
        json!({"reason": "摊贩第二天又来了"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["stage"], "reopened");
    let o = open311_status(&app, &srid).await;
    assert_eq!(o["status"], "open");
    let (_, v) = parts(st.dispatcher.get(&format!("/complaints/{id}")).await).await;
    assert_eq!(v["reopen_count"], 1);
    assert!(v["final_state"].is_null());
    let notes: Vec<&str> = v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["note_type"].as_str().unwrap())
        .collect();
    for t in [
        "submitted",
        "opened",
        "dispatched",
        "handling",
        "replied",
        "verified",
        "closed",
        "followed_up",
        "rated",
        "reopened",
    ] {
        assert!(notes.contains(&t), "{t} missing in {notes:?}");
    }
    // Dispatch again after reopening.
    let v = step(
        &st.dispatcher,
        &id,
        "dispatch",
        json!({"expected_version": version(&v), "org_unit_id": app.squad}),
    )
    .await;
    assert_eq!(v["stage"], "dispatched");

    // Every write went into the audit chain, and it verifies.
    let (_, report) = parts(st.admin.get("/audit/verify").await).await;
    assert_eq!(report["ok"], true, "{report}");
}

#[tokio::test]
async fn partners_see_only_what_is_routed_to_them_with_personal_data_masked() {
    let app = TestApp::spawn_on("2026-06-01").await;
    let st = staff(&app).await;
    let created = intake(&st.dispatcher, 33.0, 112.5, Some("13812345678")).await;
    let c = &created["complaint"];
    let id = c["id"].as_str().unwrap().to_string();
    let due = c["expected_at"].clone();
    assert_eq!(
        st.partner.get(&format!("/complaints/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );

    let v = step(
        &st.dispatcher,
        &id,
        "dispatch",
        json!({"expected_version": 1, "org_unit_id": app.squad}),
    )
    .await;
    // Re-route needs a reason; the clock keeps running from receipt.
    let (_, code) = refused(
        &st.dispatcher,
        &id,
        "dispatch",
        json!({"expected_version": 2, "org_unit_id": app.partner}),
    )
    .await;
    assert_eq!(code, "reroute_reason_required");
    let (_, code) = refused(
        &st.dispatcher,
        &id,
        "dispatch",
        json!({"expected_version": 2, "org_unit_id": app.bureau, "reason": "测试"}),
    )
    .await;
    assert_eq!(code, "not_a_dispatch_target");
    let v = step(&st.dispatcher, &id, "dispatch", json!({"expected_version": version(&v), "org_unit_id": app.partner, "reason": "涉及在建工地，属住建职责"})).await;
    assert_eq!(v["expected_at"], due);
    assert_eq!(v["org_unit_id"], app.partner.as_str());

    let (s, p) = parts(st.partner.get(&format!("/complaints/{id}")).await).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(p["reporter"]["masked"], true);
    assert_eq!(p["reporter"]["phone"], "138****5678");
    assert_eq!(p["reporter"]["name"], "张**");
    assert!(!p["description"].as_str().unwrap().contains("13812345678"));
    assert!(!p.to_string().contains("13812345678"));
    let (_, list) = parts(st.partner.get("/complaints").await).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    // The squad no longer sees it.
    assert_eq!(
        st.officer.get(&format!("/complaints/{id}")).await.status(),
        StatusCode::NOT_FOUND
    );

    // Re-categorise with a reason: due time recomputed from receipt (8 working hours).
    let (_, code) = refused(
        &st.dispatcher,
        &id,
        "recategorise",
        json!({"expected_version": 3, "service_code": "la_ji_man_yi", "reason": ""}),
    )
    .await;
    assert_eq!(code, "reason_required");
    let v = step(
        &st.dispatcher,
        &id,
        "recategorise",
        json!({"expected_version": 3, "service_code": "la_ji_man_yi", "reason": "实为垃圾满溢"}),
    )
    .await;
    assert_eq!(v["service_code"], "la_ji_man_yi");
    assert_ne!(v["expected_at"], due);

    // Designated units cannot return a ticket; the dispatcher closes it as not ours, naming where.
    let (s, _) = refused(&st.partner, &id, "close", json!({"expected_version": 4, "final_state": "not_our_responsibility", "reason": "不归我们管", "routed_to": "区环卫中心"})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, code) = refused(&st.dispatcher, &id, "close", json!({"expected_version": 4, "final_state": "not_our_responsibility", "reason": "属环卫职责"})).await;
    assert_eq!(code, "routed_to_required");
    let v = step(&st.dispatcher, &id, "close", json!({"expected_version": 4, "final_state": "not_our_responsibility", "reason": "属环卫职责", "routed_to": "区环卫中心"})).await;
    assert_eq!(v["final_state"], "not_our_responsibility");
    assert_eq!(v["routed_to"], "区环卫中心");
    // Such a ticket cannot be reopened by token.
    let token = created["token"].as_str().unwrap();
    let (s, v) = public(&app, token, "reopen", json!({"reason": "还是没人管"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["code"], "reopen_not_applicable");
}

#[tokio::test]
async fn a_squad_leader_cannot_return_a_ticket() {
    let app = TestApp::spawn_on("2026-06-01").await;
    let st = staff(&app).await;
    let created = intake(&st.dispatcher, 33.0, 112.5, None).await;
    let id = created["complaint"]["id"].as_str().unwrap().to_string();
    step(
        &st.dispatcher,
        &id,
        "dispatch",
        json!({"expected_version": 1, "org_unit_id": app.squad}),
    )
    .await;
    let (s, code) = refused(&st.leader, &id, "close", json!({"expected_version": 2, "final_state": "not_our_responsibility", "reason": "不归我们", "routed_to": "住建"})).await;
    assert_eq!(
        (s, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "return_not_allowed")
    );
}

#[tokio::test]
async fn the_overdue_list_follows_the_clock_and_supervision_escalates() {
    let app = TestApp::spawn_on("2026-06-01").await;
    let st = staff(&app).await;
    let created = intake(&st.dispatcher, 33.0, 112.5, None).await;
    let id = created["complaint"]["id"].as_str().unwrap().to_string();
    // 5 working days from Monday 1 June: due Monday 8 June.
    let (_, l) = parts(st.dispatcher.get("/complaints/overdue").await).await;
    assert!(l["overdue"].as_array().unwrap().is_empty(), "{l}");
    assert!(l["near_due"].as_array().unwrap().is_empty(), "{l}");
    app.clock.set_date(date("2026-06-08"));
    let (_, l) = parts(st.dispatcher.get("/complaints/overdue").await).await;
    assert_eq!(l["near_due"][0]["id"], id.as_str(), "{l}");
    app.clock.set_date(date("2026-06-09"));
    let (_, l) = parts(st.dispatcher.get("/complaints/overdue").await).await;
    assert_eq!(l["overdue"][0]["id"], id.as_str(), "{l}");
    assert_eq!(l["overdue"][0]["overdue"], true);
    // The squad sees it in its list once routed to it.
    let (_, l) = parts(st.officer.get("/complaints/overdue").await).await;
    assert!(l["overdue"].as_array().unwrap().is_empty());
    let v = step(
        &st.dispatcher,
        &id,
        "dispatch",
        json!({"expected_version": 1, "org_unit_id": app.squad}),
    )
    .await;
    let (_, l) = parts(st.officer.get("/complaints/overdue").await).await;
    assert_eq!(l["overdue"].as_array().unwrap().len(), 1);

    // 督办: escalation only upwards; level 3 only by a leader.
    let v = step(
        &st.dispatcher,
        &id,
        "supervision",
        json!({"expected_version": version(&v), "level": 2, "reason": "超期未答复"}),
    )
    .await;
    assert_eq!(v["supervision_level"], 2);
    let (_, code) = refused(
        &st.dispatcher,
        &id,
        "supervision",
        json!({"expected_version": version(&v), "level": 1, "reason": "再催"}),
    )
    .await;
    assert_eq!(code, "supervision_level_lower");
    let (_, code) = refused(
        &st.dispatcher,
        &id,
        "supervision",
        json!({"expected_version": version(&v), "level": 3, "reason": "挂牌"}),
    )
    .await;
    assert_eq!(code, "level_needs_leader");
    let v = step(
        &st.leader,
        &id,
        "supervision",
        json!({"expected_version": version(&v), "level": 3, "reason": "局领导挂牌督办"}),
    )
    .await;
    assert_eq!(v["supervision_level"], 3);
    assert_eq!(v["supervisions"].as_array().unwrap().len(), 2);
    // Answered: off the list.
    step(
        &st.officer,
        &id,
        "reply",
        json!({"expected_version": version(&v), "text": "已处理完毕并答复群众。"}),
    )
    .await;
    let (_, l) = parts(st.dispatcher.get("/complaints/overdue").await).await;
    assert!(l["overdue"].as_array().unwrap().is_empty(), "{l}");
}

#[tokio::test]
async fn duplicates_are_suggested_and_merged_reporters_stay_informed() {
    let app = TestApp::spawn_on("2026-06-01").await;
    let st = staff(&app).await;
    let first = intake(&st.dispatcher, 33.0, 112.5, None).await;
    let first_id = first["complaint"]["id"].as_str().unwrap().to_string();
    assert!(first["duplicates"].as_array().unwrap().is_empty());
    // ~55 m away: suggested; ~1.1 km away: not.
    let second = intake(&st.dispatcher, 33.0005, 112.5, None).await;
    let dups = second["duplicates"].as_array().unwrap();
    assert_eq!(dups.len(), 1, "{second}");
    assert_eq!(dups[0]["id"], first_id.as_str());
    assert!(dups[0]["distance_m"].as_f64().unwrap() < 100.0);
    let far = intake(&st.dispatcher, 33.01, 112.5, None).await;
    assert!(far["duplicates"].as_array().unwrap().is_empty());
    let second_id = second["complaint"]["id"].as_str().unwrap().to_string();
    let (_, d) = parts(
        st.dispatcher
            .get(&format!("/complaints/{first_id}/duplicates"))
            .await,
    )
    .await;
    assert_eq!(d[0]["id"], second_id.as_str());

    // Merge = close the second as a duplicate of the first.
    let (_, code) = refused(
        &st.dispatcher,
        &second_id,
        "close",
        json!({"expected_version": 1, "final_state": "duplicate_of", "duplicate_of": second_id}),
    )
    .await;
    assert_eq!(code, "duplicate_target_invalid");
    let v = step(
        &st.dispatcher,
        &second_id,
        "close",
        json!({"expected_version": 1, "final_state": "duplicate_of", "duplicate_of": first_id}),
    )
    .await;
    assert_eq!(v["duplicate_of"], first_id.as_str());
    let (_, f) = parts(st.dispatcher.get(&format!("/complaints/{first_id}")).await).await;
    assert_eq!(f["merged"][0], second_id.as_str());
    // The first one's answer reaches the second's reporter.
    let v = step(
        &st.dispatcher,
        &first_id,
        "dispatch",
        json!({"expected_version": version(&f), "org_unit_id": app.squad}),
    )
    .await;
    step(
        &st.officer,
        &first_id,
        "reply",
        json!({"expected_version": version(&v), "text": "已劝离摊贩，将加强巡查。"}),
    )
    .await;
    let srid = second["complaint"]["service_request_id"].as_str().unwrap();
    let r = reqwest::get(format!(
        "http://{}/open311/v2/requests/{srid}.json?extensions=true",
        app.addr
    ))
    .await
    .unwrap();
    let (_, o) = parts(r).await;
    assert_eq!(o[0]["status"], "closed");
    let text = o[0].to_string();
    assert!(text.contains("已劝离摊贩"), "{text}");
    assert!(text.contains("已合并办理"), "{text}");
}

#[tokio::test]
async fn a_complaint_becomes_the_lead_of_a_case_linked_both_ways() {
    let app = TestApp::spawn_on("2026-06-01").await;
    let st = staff(&app).await;
    let created = intake(&st.dispatcher, 33.0, 112.5, None).await;
    let id = created["complaint"]["id"].as_str().unwrap().to_string();
    let body = json!({"expected_version": 1, "party": {"kind": "individual", "name": "李某"}, "procedure": "ordinary",
        "act_date": "2026-06-01", "violation": "zhan_dao_jing_ying"});
    let (_, code) = refused(&st.officer, &id, "case", body.clone()).await;
    assert_eq!(code, "not_found");
    step(
        &st.dispatcher,
        &id,
        "dispatch",
        json!({"expected_version": 1, "org_unit_id": app.squad}),
    )
    .await;
    let (_, code) = refused(&st.officer, &id, "case", body.clone()).await;
    assert_eq!(code, "version_conflict");
    let mut body = body;
    body["expected_version"] = json!(2);
    // A lead the rule engine refuses (found more than two years after the act) leaves nothing
    // behind: no case, no link, the complaint unchanged.
    let mut stale = body.clone();
    stale["act_date"] = json!("2024-01-10");
    let (s, b) = parts(
        st.officer
            .post(&format!("/complaints/{id}/case"), &stale)
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["rule"], "limitation_period");
    let (_, cases) = parts(st.officer.get("/cases?open=false").await).await;
    assert_eq!(cases.as_array().unwrap().len(), 0, "no half-written case");
    let v = step(&st.officer, &id, "case", body).await;
    let case = &v["cases"][0];
    assert_eq!(case["stage"], "lead");
    assert_eq!(case["open"], true);
    let case_id = case["case_id"].as_str().unwrap();
    let (s, cv) = parts(st.officer.get(&format!("/cases/{case_id}")).await).await;
    assert_eq!(s, StatusCode::OK, "{cv}");
    assert_eq!(cv["complaint_ids"][0], id.as_str());
    assert_eq!(cv["events"][0]["event"]["type"], "lead");
}

#[tokio::test]
async fn the_annual_figures_are_computed_from_the_records() {
    let app = TestApp::spawn_on("2026-06-01").await;
    let st = staff(&app).await;
    // A: resolved on time (service), rated 满意.
    let (a, a_token) = to_verified(&app, &st, 33.0).await;
    let a_id = a["id"].as_str().unwrap().to_string();
    step(
        &st.dispatcher,
        &a_id,
        "close",
        json!({"expected_version": version(&a), "final_state": "resolved", "tag_721": "service"}),
    )
    .await;
    let (s, _) = public(&app, &a_token, "rating", json!({"rating": "满意"})).await;
    assert_eq!(s, StatusCode::OK);
    // C: withdrawn at once (answered on time by the closing).
    let c = intake(&st.dispatcher, 34.0, 112.5, None).await;
    let c_id = c["complaint"]["id"].as_str().unwrap().to_string();
    step(
        &st.dispatcher,
        &c_id,
        "close",
        json!({"expected_version": 1, "final_state": "withdrawn", "reason": "来电人撤回"}),
    )
    .await;
    // D: by the portal, never answered.
    complaint::create(
        &app.state,
        Channel::Portal,
        None,
        &Actor("citizen".into()),
        NewComplaint {
            service_code: "la_ji_man_yi".into(),
            address_string: Some("卧龙路2号".into()),
            ..NewComplaint::default()
        },
    )
    .await
    .unwrap();
    // B: filed today, answered late (after 8 June), resolved by enforcement, rated 2, reopened.
    let b = intake(&st.dispatcher, 35.0, 112.5, None).await;
    let b_token = b["token"].as_str().unwrap().to_string();
    let b_id = b["complaint"]["id"].as_str().unwrap().to_string();
    let v = step(
        &st.dispatcher,
        &b_id,
        "dispatch",
        json!({"expected_version": 1, "org_unit_id": app.squad}),
    )
    .await;
    app.clock.set_date(date("2026-06-10"));
    let v = step(
        &st.officer,
        &b_id,
        "reply",
        json!({"expected_version": version(&v), "text": "已立案查处并答复。"}),
    )
    .await;
    let (s, v) = verify(&st.officer, &b_id, version(&v), true).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    step(&st.dispatcher, &b_id, "close", json!({"expected_version": version(&v), "final_state": "resolved", "tag_721": "enforcement"})).await;
    let (s, _) = public(&app, &b_token, "rating", json!({"rating": 2})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = public(&app, &b_token, "reopen", json!({"reason": "又来了"})).await;
    assert_eq!(s, StatusCode::OK);
    // A, closed on 1 June, is past the 15-day window by 20 June.
    app.clock.set_date(date("2026-06-20"));
    let (s, v) = public(&app, &a_token, "reopen", json!({"reason": "又来了"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["code"], "reopen_window_passed");

    let (s, stats) = parts(st.leader.get("/complaints/stats?year=2026").await).await;
    assert_eq!(s, StatusCode::OK, "{stats}");
    // The squad leader sees only the squad's: A and B.
    assert_eq!(stats["received"], 2, "{stats}");
    let (s, stats) = parts(st.dispatcher.get("/complaints/stats?year=2026").await).await;
    assert_eq!(s, StatusCode::OK, "{stats}");
    assert_eq!(stats["received"], 4, "{stats}");
    assert_eq!(stats["answered"], 3, "{stats}");
    assert_eq!(stats["answered_on_time"], 2, "{stats}");
    assert_eq!(stats["by_channel"], json!({"phone": 3, "portal": 1}));
    assert_eq!(
        stats["by_category"],
        json!({"la_ji_man_yi": 1, "zhan_dao_jing_ying": 3})
    );
    // B was reopened, so its tag was cleared with its final state.
    assert_eq!(stats["by_tag_721"], json!({"service": 1}));
    assert_eq!(stats["rated"], 2);
    assert_eq!(stats["satisfied"], 1);
    assert_eq!(stats["dissatisfied"], 1);
    assert_eq!(stats["satisfaction_rate"], 0.5);
    assert_eq!(stats["closed"], 3);
    assert_eq!(stats["reopened"], 1);
    assert_eq!(stats["reopen_rate"], 0.3333);
    let (_, empty) = parts(st.dispatcher.get("/complaints/stats?year=2025").await).await;
    assert_eq!(empty["received"], 0);
    assert!(empty["satisfaction_rate"].is_null());
    assert_eq!(
        st.partner.get("/complaints/stats?year=2026").await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_openapi_document_describes_the_complaint_routes() {
    let app = TestApp::spawn().await;
    let doc: Value = reqwest::get(format!("http://{}/api/v1/openapi.json", app.addr))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for p in [
        "/complaints",
        "/complaints/{id}/dispatch",
        "/complaints/{id}/verification",
        "/complaints/overdue",
        "/complaints/stats",
        "/public/complaints/{token}/reopen",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} missing");
    }
}

#[tokio::test]
async fn the_public_token_endpoints_are_rate_limited() {
    let base = TestApp::spawn().await;
    let addr = base.serve_with_login_rate(3).await;
    let client = reqwest::Client::new();
    let mut statuses = std::collections::BTreeSet::new();
    let mut limited = None;
    for _ in 0..10 {
        let r = client
            .post(format!(
                "http://{addr}/api/v1/public/complaints/unknown/reopen"
            ))
            .json(&json!({"reason": "问题没有解决"}))
            .send()
            .await
            .unwrap();
        statuses.insert(r.status().as_u16());
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(parts(r).await.1);
        }
    }
    assert_eq!(statuses.into_iter().collect::<Vec<_>>(), [404, 429]);
    assert_eq!(limited.unwrap()["error"]["code"], "rate_limited");
}
