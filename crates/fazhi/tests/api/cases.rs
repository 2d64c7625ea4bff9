//! Live penalty cases: refused steps name their rule, concurrent writers get 409,
//! evidence keeps its hash, deadlines follow the calendar.

use crate::helpers::*;
use fazhi::service::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn a_step_with_one_certified_officer_is_refused_with_rule_and_basis() {
    let app = TestApp::spawn_on("2026-04-30").await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let a = officer(&admin, &app.squad, "王强", "豫41000001").await;
    let (s, helper) = parts(
        admin
            .post(
                "/officers",
                &json!({"name": "周协管", "org_unit_id": app.squad, "employment": "auxiliary"}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let helper = helper["id"].as_str().unwrap().to_string();
    let (case_id, version) = new_case(&leader, &app.squad).await;
    let (s, b) = parts(leader.post(&format!("/cases/{case_id}/events"), &json!({
        "expected_version": version, "event": {"on": "2026-03-02", "type": "register", "officers": [a, helper]}
    })).await).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["code"], "rule_violation");
    let rules: Vec<&str> = b["error"]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"officers_min_two_certified"), "{rules:?}");
    assert!(
        b["error"]["basis"].as_str().unwrap().contains("行政处罚法"),
        "{b}"
    );
    // Nothing was recorded.
    let (_, view) = parts(leader.get(&format!("/cases/{case_id}")).await).await;
    assert_eq!(view["events"].as_array().unwrap().len(), 0);
    assert_eq!(view["case"]["version"], version);
}

#[tokio::test]
async fn a_full_ordinary_case_runs_and_closes_with_deadlines_met() {
    let app = TestApp::spawn_on("2026-04-30").await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let legal = app.user("legal", Role::Legal, &app.bureau).await;
    let officer_user = app.user("officer", Role::Officer, &app.squad).await;
    let a = officer(&admin, &app.squad, "王强", "豫41000001").await;
    let b = officer(&admin, &app.squad, "李娜", "豫41000002").await;
    let (case_id, mut version) = new_case(&leader, &app.squad).await;
    let steps = [
        (
            &leader,
            json!({"on": "2026-03-02", "type": "register", "officers": [a, b]}),
        ),
        (
            &officer_user,
            json!({"on": "2026-03-03", "type": "evidence", "officers": [a, b]}),
        ),
        (
            &officer_user,
            json!({"on": "2026-03-10", "type": "advance_notice", "officers": [a, b], "proposed": {"fine": 6000}, "rights": ["statement", "defence", "hearing"]}),
        ),
        (
            &officer_user,
            json!({"on": "2026-03-18", "type": "hearing_waiver"}),
        ),
        (
            &legal,
            json!({"on": "2026-03-20", "type": "legal_review", "result": "pass"}),
        ),
        (&leader, json!({"on": "2026-03-23", "type": "deliberation"})),
        (
            &leader,
            json!({"on": "2026-03-24", "type": "decision", "officers": [a, b], "outcome": "penalty", "penalty": {"fine": 6000}}),
        ),
        (
            &officer_user,
            json!({"on": "2026-03-25", "type": "service", "method": "direct"}),
        ),
        (
            &officer_user,
            json!({"on": "2026-04-03", "type": "payment", "amount": 6000}),
        ),
        (&leader, json!({"on": "2026-04-07", "type": "close"})),
    ];
    for (client, event) in steps {
        let (s, v) = parts(
            client
                .post(
                    &format!("/cases/{case_id}/events"),
                    &json!({"expected_version": version, "event": event}),
                )
                .await,
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{event}: {v}");
        version = v["case"]["version"].as_i64().unwrap();
    }
    let (_, view) = parts(leader.get(&format!("/cases/{case_id}")).await).await;
    assert_eq!(view["case"]["open"], 0);
    assert!(
        view["check"]["violations"].as_array().unwrap().is_empty(),
        "{view}"
    );
    let decision = view["check"]["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "decision_deadline_90d")
        .unwrap();
    assert_eq!(decision["met"], true);
    assert_eq!(decision["due"], "2026-06-01"); // 2026-05-31 is a Sunday: rolled to Monday
    // A closed case accepts no more steps.
    let (s, b) = parts(leader.post(&format!("/cases/{case_id}/events"), &json!({"expected_version": version, "event": {"on": "2026-04-08", "type": "demand"}})).await).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(b["error"]["code"], "case_closed");
}

#[tokio::test]
async fn roles_are_checked_per_step() {
    let app = TestApp::spawn_on("2026-04-30").await;
    let officer_user = app.user("officer", Role::Officer, &app.squad).await;
    let (case_id, version) = new_case(&officer_user, &app.squad).await;
    let (s, _) = parts(officer_user.post(&format!("/cases/{case_id}/events"), &json!({"expected_version": version, "event": {"on": "2026-03-20", "type": "legal_review", "result": "pass"}})).await).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn two_people_recording_at_once_cannot_both_win() {
    let app = TestApp::spawn_on("2026-04-30").await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let other_leader = app.user("leader2", Role::Leader, &app.bureau).await;
    let a = officer(&admin, &app.squad, "王强", "豫41000001").await;
    let b = officer(&admin, &app.squad, "李娜", "豫41000002").await;
    let (case_id, version) = new_case(&leader, &app.squad).await;
    let body = json!({"expected_version": version, "event": {"on": "2026-03-02", "type": "register", "officers": [a, b]}});
    let path = format!("/cases/{case_id}/events");
    let (r1, r2) = tokio::join!(leader.post(&path, &body), other_leader.post(&path, &body));
    let mut statuses = [r1.status(), r2.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT]);
    let (_, view) = parts(leader.get(&format!("/cases/{case_id}")).await).await;
    assert_eq!(view["events"].as_array().unwrap().len(), 1);
    // The loser learns the current version and can retry on top of it.
    let (s, b) = parts(leader.post(&path, &body).await).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(b["error"]["code"], "version_conflict");
}

#[tokio::test]
async fn future_dates_and_unknown_officers_are_input_errors() {
    let app = TestApp::spawn_on("2026-04-30").await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let (case_id, version) = new_case(&leader, &app.squad).await;
    let path = format!("/cases/{case_id}/events");
    let (s, b) = parts(leader.post(&path, &json!({"expected_version": version, "event": {"on": "2026-05-02", "type": "register", "officers": []}})).await).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("event_in_future"))
    );
    let (s, b) = parts(leader.post(&path, &json!({"expected_version": version, "event": {"on": "2026-04-02", "type": "register", "officers": ["nobody"]}})).await).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_officer"))
    );
    let (s, b) = parts(leader.post(&path, &json!({"expected_version": version, "event": {"on": "2026-04-02", "type": "teleport"}})).await).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["code"], "invalid_field");
}

#[tokio::test]
async fn the_party_s_date_of_birth_is_kept_and_checked() {
    let app = TestApp::spawn_on("2026-04-30").await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let case = |party: Value| json!({"org_unit_id": app.squad, "party": party, "procedure": "ordinary", "act_date": "2026-03-01", "violation": "zhan_dao_jing_ying"});
    // Kept: the stored case reads back the same party (行政处罚法第三十条 needs the age).
    let (s, v) = parts(
        leader
            .post(
                "/cases",
                &case(json!({"kind": "individual", "name": "钱某", "birth_date": "2010-03-09"})),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["case"]["party_birth_date"], "2010-03-09", "{v}");
    // Refused: an organisation's, and one after the act.
    for party in [
        json!({"kind": "organisation", "name": "某公司", "birth_date": "2010-03-09"}),
        json!({"kind": "individual", "name": "钱某", "birth_date": "2026-03-02"}),
    ] {
        let (s, b) = parts(leader.post("/cases", &case(party)).await).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(b["error"]["code"], "invalid_party");
        assert_eq!(b["error"]["field"], "party.birth_date");
    }
}

#[tokio::test]
async fn evidence_is_stored_with_its_sha256() {
    let app = TestApp::spawn_on("2026-04-30").await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let (case_id, _) = new_case(&leader, &app.squad).await;
    // An image is decoded to prove it is one, then kept byte for byte (its hash is the
    // evidence's fingerprint).
    let bytes = crate::helpers::photo_png([90, 90, 90]);
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes.clone())
            .file_name("现场照片.png")
            .mime_str("image/png")
            .unwrap(),
    );
    let r = leader
        .http
        .post(format!("{}/cases/{case_id}/evidence", leader.base))
        .bearer_auth(&leader.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (s, b) = parts(r).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let expected = fazhi::infra::secret::sha256_hex(&bytes);
    assert_eq!(b["sha256"], expected);
    assert_eq!(
        std::fs::read(app.data_dir.join("evidence").join(&expected)).unwrap(),
        bytes
    );
    let (_, view) = parts(leader.get(&format!("/cases/{case_id}")).await).await;
    assert_eq!(view["evidence"][0]["file_name"], "现场照片.png");
}

#[tokio::test]
async fn evidence_for_a_case_out_of_scope_is_refused_before_anything_is_stored() {
    let app = TestApp::spawn_on("2026-04-30").await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let stranger = app.user("stranger", Role::Officer, &app.other_squad).await;
    let (case_id, _) = new_case(&leader, &app.squad).await;
    let bytes = crate::helpers::photo_png([10, 20, 30]);
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes.clone())
            .file_name("现场照片.png")
            .mime_str("image/png")
            .unwrap(),
    );
    let r = stranger
        .http
        .post(format!("{}/cases/{case_id}/evidence", stranger.base))
        .bearer_auth(&stranger.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (s, b) = parts(r).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{b}");
    let hash = fazhi::infra::secret::sha256_hex(&bytes);
    assert!(
        !app.data_dir.join("evidence").join(&hash).exists(),
        "a refused upload leaves no file in the store"
    );
}

#[tokio::test]
async fn the_deadline_list_reacts_to_the_calendar() {
    let app = TestApp::spawn_on("2026-03-02").await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let a = officer(&admin, &app.squad, "王强", "豫41000001").await;
    let b = officer(&admin, &app.squad, "李娜", "豫41000002").await;
    let (case_id, version) = new_case(&leader, &app.squad).await;
    let (s, _) = parts(leader.post(&format!("/cases/{case_id}/events"), &json!({"expected_version": version, "event": {"on": "2026-03-02", "type": "register", "officers": [a, b]}})).await).await;
    assert_eq!(s, StatusCode::CREATED);
    let status = |v: &serde_json::Value| {
        v[0]["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["rule"] == "decision_deadline_90d")
            .unwrap()["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (_, list) = parts(leader.get("/deadlines").await).await;
    assert_eq!(status(&list), "pending");
    app.clock.set_date(date("2026-05-29"));
    let (_, list) = parts(leader.get("/deadlines").await).await;
    assert_eq!(status(&list), "near_due");
    app.clock.set_date(date("2026-06-02"));
    let (_, list) = parts(leader.get("/deadlines").await).await;
    assert_eq!(status(&list), "overdue");
}

#[tokio::test]
async fn a_late_step_needs_a_leaders_written_reason_and_stays_on_record() {
    let app = TestApp::spawn_on("2026-07-15").await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let officer_user = app.user("officer", Role::Officer, &app.squad).await;
    let a = officer(&admin, &app.squad, "王强", "豫41000001").await;
    let b = officer(&admin, &app.squad, "李娜", "豫41000002").await;
    let (case_id, mut version) = new_case(&leader, &app.squad).await;
    let path = format!("/cases/{case_id}/events");
    for event in [
        json!({"on": "2026-03-02", "type": "register", "officers": [a, b]}),
        json!({"on": "2026-03-03", "type": "evidence", "officers": [a, b]}),
    ] {
        let (s, v) = parts(
            leader
                .post(&path, &json!({"expected_version": version, "event": event}))
                .await,
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        version = v["case"]["version"].as_i64().unwrap();
    }
    // A decision without advance notice is refused even with a reason: that is not lateness.
    let decision = json!({"on": "2026-07-10", "type": "decision", "officers": [a, b], "outcome": "penalty", "penalty": {"fine": 500}});
    let (s, v) = parts(leader.post(&path, &json!({"expected_version": version, "event": decision, "late_reason": "当事人长期外出无法联系"})).await).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(v["error"].get("late_reason_accepted").is_none(), "{v}");
    let notice = json!({"on": "2026-07-01", "type": "advance_notice", "officers": [a, b], "proposed": {"fine": 500}, "rights": ["statement", "defence"]});
    let (s, v) = parts(
        leader
            .post(
                &path,
                &json!({"expected_version": version, "event": notice}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    version = v["case"]["version"].as_i64().unwrap();
    // Now the decision is only late (90 days from 2026-03-02 ended on 2026-06-01).
    let (s, v) = parts(
        leader
            .post(
                &path,
                &json!({"expected_version": version, "event": decision}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(v["error"]["rule"], "decision_deadline_90d");
    assert_eq!(v["error"]["late_reason_accepted"], true);
    let (s, _) = parts(officer_user.post(&path, &json!({"expected_version": version, "event": decision, "late_reason": "当事人长期外出无法联系"})).await).await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "only a leader may accept a late step"
    );
    let (s, v) = parts(
        leader
            .post(
                &path,
                &json!({"expected_version": version, "event": decision, "late_reason": "短"}),
            )
            .await,
    )
    .await;
    assert_eq!(
        (s, v["error"]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("late_reason_too_short")
        )
    );
    let (s, v) = parts(leader.post(&path, &json!({"expected_version": version, "event": decision, "late_reason": "当事人长期外出无法联系，经局务会研究同意"})).await).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let recorded: Vec<&str> = v["check"]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        recorded,
        ["decision_deadline_90d"],
        "the defect stays visible on the case"
    );
    let mut conn = app.state.db.pool.acquire().await.unwrap();
    let content: String = sqlx::query_scalar(
        "SELECT content FROM audit_log WHERE action = 'case.event' ORDER BY seq DESC LIMIT 1",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    assert!(
        content.contains("经局务会研究同意") && content.contains("decision_deadline_90d"),
        "{content}"
    );
}

#[tokio::test]
async fn case_lists_are_scoped_to_the_org_tree_and_paginated() {
    let app = TestApp::spawn_on("2026-04-30").await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let mine = app.user("officer", Role::Officer, &app.squad).await;
    let theirs = app.user("other", Role::Officer, &app.other_squad).await;
    for _ in 0..3 {
        new_case(&mine, &app.squad).await;
    }
    let (other_case, _) = new_case(&theirs, &app.other_squad).await;
    let ids = |v: &serde_json::Value| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let (_, list) = parts(mine.get("/cases").await).await;
    assert_eq!(ids(&list).len(), 3);
    assert!(!ids(&list).contains(&other_case));
    let (_, list) = parts(leader.get("/cases").await).await;
    assert_eq!(ids(&list).len(), 4, "the bureau sees every squad");
    let (_, page1) = parts(leader.get("/cases?limit=2&offset=0").await).await;
    let (_, page2) = parts(leader.get("/cases?limit=2&offset=2").await).await;
    let (p1, p2) = (ids(&page1), ids(&page2));
    assert_eq!((p1.len(), p2.len()), (2, 2));
    assert!(p1.iter().all(|id| !p2.contains(id)));
}

#[tokio::test]
async fn the_party_s_written_waiver_and_the_seizure_decision_have_their_roles() {
    let app = TestApp::spawn_on("2026-04-30").await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let officer_user = app.user("officer", Role::Officer, &app.squad).await;
    let a = officer(&admin, &app.squad, "王强", "豫41000001").await;
    let b = officer(&admin, &app.squad, "李娜", "豫41000002").await;
    let (case_id, version) = new_case(&leader, &app.squad).await;
    let version = record(
        &leader,
        &case_id,
        version,
        &[
            json!({"on": "2026-03-02", "type": "register", "officers": [a, b]}),
            json!({"on": "2026-03-03", "type": "coercive_measure", "officers": [a, b], "until": "2026-03-20", "approved": true, "record": true}),
            json!({"on": "2026-03-10", "type": "advance_notice", "officers": [a, b], "proposed": {"fine": 500}, "rights": ["statement", "defence"]}),
        ],
    )
    .await;
    // An officer records the party's written waiver of the statement period …
    let version = record(
        &officer_user,
        &case_id,
        version,
        &[json!({"on": "2026-03-11", "type": "statement_waiver"})],
    )
    .await;
    // … but not the handling decision on the seized goods: that is the head's.
    let post = |client: &Client, event: Value, version: i64| {
        let case_id = case_id.clone();
        let client = client.clone();
        async move {
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
    };
    let decision = json!({"on": "2026-03-12", "type": "seizure_decision"});
    let (s, _) = post(&officer_user, decision.clone(), version).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = post(&leader, decision, version).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let version = v["case"]["version"].as_i64().unwrap();
    // With the waiver the decision need not wait for the end of the 5 working days.
    let (s, v) = post(
        &leader,
        json!({"on": "2026-03-12", "type": "decision", "officers": [a, b], "outcome": "penalty", "penalty": {"fine": 500}}),
        version,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let seizure = v["check"]["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "seizure_duration")
        .cloned()
        .unwrap();
    assert_eq!(
        (seizure["due"].as_str(), seizure["status"].as_str()),
        (Some("2026-03-20"), Some("met"))
    );
}

// issue 10 part A
#[tokio::test]
async fn a_second_fine_is_refused_until_the_legal_office_or_head_revokes_the_first() {
    let app = TestApp::spawn_on("2026-04-30").await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let legal = app.user("legal", Role::Legal, &app.bureau).await;
    let officer_user = app.user("officer", Role::Officer, &app.squad).await;
    let a = officer(&admin, &app.squad, "王强", "豫41000001").await;
    let b = officer(&admin, &app.squad, "李娜", "豫41000002").await;
    let (case_id, version) = new_case(&leader, &app.squad).await;
    let version = record(
        &leader,
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
    let post = |client: &Client, event: Value, version: i64| {
        let case_id = case_id.clone();
        let client = client.clone();
        async move {
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
    };
    let second = json!({"on": "2026-03-20", "type": "decision", "officers": [a, b], "outcome": "penalty", "penalty": {"fine": 400}});
    let (s, v) = post(&leader, second.clone(), version).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"]["violations"][0]["rule"], "one_fine_per_act");
    assert!(
        v["error"]["violations"][0]["basis"]
            .as_str()
            .unwrap()
            .contains("第二十九条"),
        "{v}"
    );
    // A revocation needs its ground, and an officer may not record it.
    let (s, v) = post(
        &legal,
        json!({"on": "2026-03-18", "type": "revocation"}),
        version,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let revocation = json!({"on": "2026-03-18", "type": "revocation", "ground": "原决定罚款数额适用错误，经负责人批准撤销", "decision_on": "2026-03-16"});
    let (s, _) = post(&officer_user, revocation.clone(), version).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = post(&legal, revocation, version).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let version = v["case"]["version"].as_i64().unwrap();
    // After the revocation the new fine (lower than the notice) is accepted.
    let (s, v) = post(&leader, second, version).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

// issue 10 part B

#[tokio::test]
async fn an_event_with_an_amount_in_exponent_form_is_refused_as_the_format_refuses_it() {
    let app = TestApp::spawn_on("2026-04-30").await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let a = officer(&admin, &app.squad, "王强", "豫41000001").await;
    let b = officer(&admin, &app.squad, "李娜", "豫41000002").await;
    let (case_id, version) = new_case(&leader, &app.squad).await;
    let version = record(
        &leader,
        &case_id,
        version,
        &[
            json!({"on": "2026-03-02", "type": "register", "officers": [a, b]}),
            json!({"on": "2026-03-10", "type": "advance_notice", "officers": [a, b], "proposed": {"fine": 1000}, "rights": ["statement", "defence"]}),
            json!({"on": "2026-03-10", "type": "defence"}),
            json!({"on": "2026-03-17", "type": "decision", "officers": [a, b], "outcome": "penalty", "penalty": {"fine": 1000}}),
            json!({"on": "2026-03-18", "type": "service", "method": "direct"}),
        ],
    )
    .await;
    let post_raw = |body: String| {
        leader
            .http
            .post(format!("{}/cases/{case_id}/events", leader.base))
            .bearer_auth(&leader.token)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let (s, b) = parts(post_raw(format!(
        r#"{{"expected_version": {version}, "event": {{"on": "2026-03-25", "type": "payment", "amount": 1e3, "method": "bank"}}}}"#
    )).await.unwrap())
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["code"], "invalid_field");
    assert_eq!(b["error"]["field"], "amount");
    let message = b["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("金额不能用指数形式书写（1e3）"),
        "{message}"
    );
    // Nothing recorded; the same amount written plainly is accepted.
    let (s, b) = parts(post_raw(format!(
        r#"{{"expected_version": {version}, "event": {{"on": "2026-03-25", "type": "payment", "amount": 1000, "method": "bank", "note": "1e3"}}}}"#
    )).await.unwrap())
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    // A service method that does not exist lists the service methods only.
    let (s, b) = parts(
        leader
            .post(
                &format!("/cases/{case_id}/events"),
                &json!({"expected_version": b["case"]["version"], "event": {"on": "2026-03-26", "type": "service", "method": "courier"}}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let message = b["error"]["message"].as_str().unwrap();
    assert!(message.contains("送达方式“courier”无效"), "{message}");
    assert!(!message.contains("bank"), "{message}");
}

#[tokio::test]
async fn enforcement_steps_extensions_and_remedies_have_their_roles_and_rules_live() {
    let app = TestApp::spawn_on("2026-04-30").await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let legal = app.user("legal", Role::Legal, &app.bureau).await;
    let officer_user = app.user("officer", Role::Officer, &app.squad).await;
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
    let post = |client: &Client, event: Value, version: i64| {
        let case_id = case_id.clone();
        let client = client.clone();
        async move {
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
    };
    let rule_of = |b: &Value| {
        b["error"]["violations"][0]["rule"]
            .as_str()
            .map(str::to_owned)
    };
    // The head approves an extension, not an officer; the bureau's rules allow none (default).
    let extension = json!({"on": "2026-04-20", "type": "extension", "approver": "王局长", "reason": "案情复杂", "days": 30});
    let (s, _) = post(&officer_user, extension.clone(), version).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = post(&leader, extension, version).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(rule_of(&v).as_deref(), Some("decision_deadline_90d"));
    // An excluded period likewise, recorded by an officer.
    let (s, v) = post(
        &officer_user,
        json!({"on": "2026-04-20", "type": "suspension", "kind": "testing", "from": "2026-04-01", "until": "2026-04-15"}),
        version,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(rule_of(&v).as_deref(), Some("decision_deadline_90d"));
    // The legal office records a reconsideration filed by the party.
    let (s, v) = post(
        &legal,
        json!({"on": "2026-04-21", "type": "reconsideration"}),
        version,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let version = v["case"]["version"].as_i64().unwrap();
    // The enforcement decision is the head's, and needs a demand first.
    let decision = json!({"on": "2026-04-22", "type": "enforcement_decision"});
    let (s, _) = post(&officer_user, decision.clone(), version).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = post(&leader, decision, version).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(rule_of(&v).as_deref(), Some("demand_before_enforcement"));
    assert!(
        v["error"]["basis"]
            .as_str()
            .unwrap()
            .contains("行政强制法》第三十五条"),
        "{v}"
    );
}

#[tokio::test]
async fn a_case_closed_by_revoking_its_registration_does_not_show_the_decision_period_overdue() {
    let app = TestApp::spawn_on("2026-04-30").await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let a = officer(&admin, &app.squad, "王强", "豫41000001").await;
    let b = officer(&admin, &app.squad, "李娜", "豫41000002").await;
    let (case_id, version) = new_case(&leader, &app.squad).await;
    record(
        &leader,
        &case_id,
        version,
        &[
            json!({"on": "2026-03-02", "type": "register", "officers": [a, b]}),
            json!({"on": "2026-03-03", "type": "evidence", "officers": [a, b]}),
            json!({"on": "2026-04-30", "type": "close", "reason": "registration_revoked", "ground": "经调查违法事实不能成立"}),
        ],
    )
    .await;
    // Months later the case page still shows the 90 days as met, and the deadline list (open
    // cases) does not carry the case.
    app.clock.set_date(date("2026-09-01"));
    let (_, view) = parts(leader.get(&format!("/cases/{case_id}")).await).await;
    let d = view["check"]["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "decision_deadline_90d")
        .cloned()
        .unwrap();
    assert_eq!(
        (d["status"].as_str(), &d["met"]),
        (Some("met"), &json!(true)),
        "{d}"
    );
    let (s, list) = parts(leader.get("/deadlines").await).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|c| c["case_id"] != case_id.as_str()),
        "{list}"
    );
}
