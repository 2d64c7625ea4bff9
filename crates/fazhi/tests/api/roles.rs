//! Every role can do its job (issue 9 §4): the legal office (in its own 法制股, beside the
//! squads) reviews cases of every squad of its bureau from a queue on its workbench; officers
//! see the complaints dispatched to their squad; a page a role cannot use is not offered;
//! a step for another post names that post, and people are named, never shown as ids.

use crate::helpers::*;
use fazhi::service::auth::Role;
use fazhi::service::org_unit::{self, NewOrgUnit};
use reqwest::StatusCode;
use serde_json::{Value, json};

struct Bureau {
    app: TestApp,
    leader: Client,
    legal: Client,
    officer: Client,
    other_officer: Client,
    officers: (String, String),
}

/// A bureau whose legal reviewer sits in 法制股, an office beside the two squads.
async fn bureau() -> Bureau {
    let app = TestApp::spawn_on("2026-04-01").await;
    let office = org_unit::create(
        &app.state,
        None,
        NewOrgUnit {
            name: "法制股".into(),
            kind: "office".into(),
            parent_id: Some(app.bureau.clone()),
        },
    )
    .await
    .unwrap();
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let a = officer(&admin, &app.other_squad, "孙敏", "豫41000011").await;
    let b = officer(&admin, &app.other_squad, "赵磊", "豫41000012").await;
    Bureau {
        leader: app.user("juzhang", Role::Leader, &app.bureau).await,
        legal: app.user("fazhi", Role::Legal, &office.id).await,
        officer: app.user("duiyuan", Role::Officer, &app.other_squad).await,
        other_officer: app.user("yizhong", Role::Officer, &app.squad).await,
        officers: (a, b),
        app,
    }
}

/// A case of the second squad, opened by its officer, registered by the leader on `on`.
async fn registered_case(b: &Bureau, party: &str, major: bool, on: &str) -> (String, i64) {
    let (s, v) = parts(
        b.officer
            .post(
                "/cases",
                &json!({"org_unit_id": b.app.other_squad, "party": {"kind": "individual", "name": party},
                        "procedure": "ordinary", "act_date": "2026-02-20", "violation": "zhan_dao_jing_ying",
                        "major": major}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["case"]["id"].as_str().unwrap().to_string();
    let (x, y) = (&b.officers.0, &b.officers.1);
    let version = record(
        &b.leader,
        &id,
        v["case"]["version"].as_i64().unwrap(),
        &[json!({"on": on, "type": "register", "officers": [x, y]})],
    )
    .await;
    (id, version)
}

#[tokio::test]
async fn the_legal_office_reviews_cases_of_every_squad_from_its_queue() {
    let b = bureau().await;
    let (late, _) = registered_case(&b, "钱某", true, "2026-03-05").await;
    let (early, early_version) = registered_case(&b, "孙某", true, "2026-03-02").await;
    let (minor, _) = registered_case(&b, "李某", false, "2026-03-03").await;

    // The legal office sees the squad's cases although it is not above the squad.
    assert_eq!(
        b.legal.get(&format!("/cases/{early}")).await.status(),
        StatusCode::OK
    );
    let (s, queue) = parts(b.legal.get("/review-queue").await).await;
    assert_eq!(s, StatusCode::OK, "{queue}");
    let ids: Vec<&str> = queue
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["case_id"].as_str().unwrap())
        .collect();
    // Oldest registration first; a minor case before its advance notice needs no review.
    assert_eq!(ids, vec![early.as_str(), late.as_str()]);
    assert!(!ids.contains(&minor.as_str()));
    let first = &queue[0];
    assert_eq!(first["org_unit_name"], "二中队");
    assert_eq!(first["registered_on"], "2026-03-02");
    assert_eq!(first["deadline"]["rule"], "decision_deadline_90d");
    // 90 days from 2026-03-02 end on Sunday 31 May: the deadline moves to Monday.
    assert_eq!(first["deadline"]["due"], "2026-06-01");
    assert!(
        first["reason"].as_str().unwrap().contains("法制审核"),
        "{first}"
    );

    // The workbench shows the queue with the deadline; the list filter gives the same cases.
    let page = PageSession::login(&b.app, "fazhi").await;
    let bench = page.get("/workbench").await;
    let table = bench
        .body
        .split("id=\"reviews\"")
        .nth(1)
        .expect("queue table");
    let table = table.split("</table>").next().unwrap();
    assert!(
        table.find("孙某").unwrap() < table.find("钱某").unwrap(),
        "{table}"
    );
    assert!(
        table.contains("2026年6月1日") && table.contains("二中队"),
        "{table}"
    );
    assert!(bench.body.contains("<b>2</b>待法制审核"), "{}", bench.body);
    let list = page.get("/cases?state=awaiting_review").await;
    assert!(
        list.body.contains("孙某") && list.body.contains("钱某") && !list.body.contains("李某")
    );

    // An officer's attempt names the post that must act.
    let (s, e) = parts(
        b.officer
            .post(
                &format!("/cases/{early}/events"),
                &json!({"expected_version": early_version, "event": {"on": "2026-03-20", "type": "legal_review", "result": "pass"}}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(e["error"]["message"], "法制审核需由法制审核员办理");
    let officer_page = PageSession::login(&b.app, "duiyuan").await;
    let case_page = officer_page.get(&format!("/cases/{early}")).await;
    assert!(
        case_page.body.contains("需由法制审核员办理"),
        "{}",
        case_page.body
    );
    let step = officer_page
        .get(&format!("/cases/{early}/steps/legal_review"))
        .await;
    assert_eq!(step.status, StatusCode::FORBIDDEN);
    assert!(step.body.contains("法制审核需由法制审核员办理"));

    // The reviewer passes the review: the case leaves the queue.
    record(
        &b.legal,
        &early,
        early_version,
        &[json!({"on": "2026-03-20", "type": "legal_review", "result": "pass"})],
    )
    .await;
    let (_, queue) = parts(b.legal.get("/review-queue").await).await;
    assert_eq!(queue.as_array().unwrap().len(), 1);
    // The step shows who recorded it, by name.
    let case_page = officer_page.get(&format!("/cases/{early}")).await;
    assert!(
        case_page.body.contains("测试fazhi 录入于"),
        "{}",
        case_page.body
    );

    // Other roles have no queue; a squad officer still cannot see the other squad's case.
    assert_eq!(
        b.officer.get("/review-queue").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        b.other_officer
            .get(&format!("/cases/{late}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn officers_see_the_complaints_dispatched_to_their_squad_on_the_workbench() {
    let b = bureau().await;
    let dispatcher = b.app.user("zhihui", Role::Dispatcher, &b.app.bureau).await;
    let (s, c) = parts(
        dispatcher
            .post(
                "/complaints",
                &json!({"service_code": "zhan_dao_jing_ying", "description": "路口有流动摊贩占道",
                        "lat": 32.99, "long": 112.52, "attributes": {"stall_kind": "mobile"}}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let c = &c["complaint"];
    let id = c["id"].as_str().unwrap().to_string();
    let number = c["service_request_id"].as_str().unwrap().to_string();
    let (s, v) = parts(
        dispatcher
            .post(
                &format!("/complaints/{id}/dispatch"),
                &json!({"expected_version": c["version"], "org_unit_id": b.app.other_squad}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let mine = PageSession::login(&b.app, "duiyuan")
        .await
        .get("/workbench")
        .await;
    let table = mine
        .body
        .split("id=\"dispatched\"")
        .nth(1)
        .expect("dispatched complaints");
    assert!(table.contains(&number), "{table}");
    assert!(
        mine.body.contains("<b>1</b>派给本单位的投诉"),
        "{}",
        mine.body
    );
    let theirs = PageSession::login(&b.app, "yizhong")
        .await
        .get("/workbench")
        .await;
    assert!(!theirs.body.contains(&number));
    assert!(theirs.body.contains("目前没有派给本单位、尚未办结的投诉"));
    // An officer cannot dispatch: the answer names the post.
    let (s, e) = parts(
        b.officer
            .post(
                &format!("/complaints/{id}/dispatch"),
                &json!({"expected_version": v["version"], "org_unit_id": b.app.squad, "reason": "改派"}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(
        e["error"]["message"],
        "派单需由指挥中心受理员或系统管理员办理"
    );
}

/// Every navigation entry offered to a role opens; every back-office page not offered is
/// refused. The table is the navigation itself, read from each role's workbench.
#[tokio::test]
async fn every_role_is_offered_exactly_the_pages_it_can_use() {
    let app = TestApp::spawn_on("2026-04-01").await;
    let pages = [
        "/cases",
        "/complaints",
        "/officers",
        "/org-units",
        "/catalogue",
        "/users",
        "/calendars",
        "/dashboard",
    ];
    let roles = [
        ("admin", Role::Admin, app.bureau.clone()),
        ("leader", Role::Leader, app.bureau.clone()),
        ("legal", Role::Legal, app.bureau.clone()),
        ("officer", Role::Officer, app.squad.clone()),
        ("dispatcher", Role::Dispatcher, app.bureau.clone()),
        ("clerk", Role::Clerk, app.bureau.clone()),
        ("mediator", Role::Mediator, app.bureau.clone()),
        ("partner", Role::Partner, app.partner.clone()),
    ];
    for (name, role, unit) in &roles {
        app.user(name, *role, unit).await;
    }
    for (name, _, _) in &roles {
        let s = PageSession::login(&app, name).await;
        let bench = s.get("/workbench").await;
        let nav = bench
            .body
            .split("aria-label=\"主导航\"")
            .nth(1)
            .unwrap()
            .split("</nav>")
            .next()
            .unwrap()
            .to_string();
        for page in pages {
            let offered = nav.contains(&format!("href=\"{page}\""));
            let got = s.get(page).await.status;
            if offered {
                assert_eq!(got, StatusCode::OK, "{name} is offered {page}");
            } else {
                assert!(
                    got == StatusCode::FORBIDDEN || got == StatusCode::NOT_FOUND,
                    "{name} is not offered {page} but got {got}"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_demo_legal_officer_has_the_major_case_to_review() {
    let app = TestApp::spawn_bare("2026-12-03").await;
    assert!(fazhi::service::demo::seed(&app.state).await.unwrap());
    let page = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let r = crate::helpers::submit_login_form(
        &page,
        &app.root(),
        &[
            ("username", "fazhi"),
            ("password", fazhi::service::demo::DEMO_PASSWORD),
        ],
    )
    .await;
    let body = r.text().await.unwrap();
    let queue: Value = page
        .get(app.url("/review-queue"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(body.contains("id=\"reviews\""), "{body}");
    assert_eq!(
        queue[0]["party_name"], "南阳某某餐饮管理有限公司",
        "{queue}"
    );
    assert_eq!(queue[0]["org_unit_name"], "七里园中队");
}
