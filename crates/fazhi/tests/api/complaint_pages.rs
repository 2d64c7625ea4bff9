//! The back office's complaint pages over HTTP with a session cookie: no session → login,
//! the CSRF check, the 403 page for another unit's record (by id and by number), a refused
//! step re-rendered with the message next to the field and the input kept (422), a stale
//! form answered 409 with a clear message, the intake form, and odd query strings that must
//! not break the queue.

use crate::helpers::{Client, PageSession as Session, TestApp, parts};
use fazhi::service::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn intake(d: &Client, lat: f64) -> Value {
    let (s, v) = parts(
        d.post(
            "/complaints",
            &json!({"service_code": "zhan_dao_jing_ying", "description": "路口有摊贩",
                "lat": lat, "long": 112.5, "attributes": {"stall_kind": "mobile"}}),
        )
        .await,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["complaint"].clone()
}

#[tokio::test]
async fn complaint_pages_refuse_strangers_forged_forms_and_other_units() {
    let app = TestApp::spawn_on("2026-06-01").await;
    let d = app.user("diaodu", Role::Dispatcher, &app.bureau).await;
    let _ = app.user("xiezuo", Role::Partner, &app.partner).await;
    let _ = app.user("duiyuan", Role::Officer, &app.squad).await;
    let c = intake(&d, 33.0).await;
    let id = c["id"].as_str().unwrap();
    let number = c["service_request_id"].as_str().unwrap();

    let nobody = Session::anonymous(&app);
    let r = nobody.get("/complaints").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location.starts_with("/login?next="), "{}", r.location);

    let dispatcher = Session::login(&app, "diaodu").await;
    assert_eq!(dispatcher.get("/complaints").await.status, StatusCode::OK);
    let r = dispatcher.get("/complaints/no-such-complaint").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // A form without the session's CSRF token is refused and changes nothing.
    let path = format!("/complaints/{id}/dispatch");
    let r = dispatcher
        .post_raw(
            &path,
            &[("expected_version", "1"), ("org_unit_id", &app.squad)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("表单已失效"));
    let r = dispatcher
        .post(
            &path,
            &[("expected_version", "1"), ("org_unit_id", &app.squad)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location.starts_with(&format!("/complaints/{id}?ok=")));

    // The partner: another unit's record is the 403 page, by id and by number, and so is a
    // step posted to it; the officer may not take phone calls.
    let partner = Session::login(&app, "xiezuo").await;
    for key in [id, number] {
        let r = partner.get(&format!("/complaints/{key}")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{key}");
        assert!(r.body.contains("无权访问"));
        assert!(!r.body.contains("路口有摊贩"));
    }
    let r = partner
        .post(
            &format!("/complaints/{id}/reply"),
            &[("expected_version", "2"), ("text", "已处理完毕请知悉")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!partner.get("/complaints").await.body.contains(number));
    let officer = Session::login(&app, "duiyuan").await;
    assert_eq!(
        officer.get("/complaints/new").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        officer
            .get(&format!("/complaints/{id}/photos/no-such-photo"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn refused_and_stale_forms_keep_the_input_and_say_why() {
    let app = TestApp::spawn_on("2026-06-01").await;
    let d = app.user("diaodu", Role::Dispatcher, &app.bureau).await;
    let c = intake(&d, 33.0).await;
    let id = c["id"].as_str().unwrap();
    let s = Session::login(&app, "diaodu").await;
    let path = format!("/complaints/{id}/dispatch");
    let r = s
        .post(
            &path,
            &[("expected_version", "1"), ("org_unit_id", &app.squad)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // A re-route from a page loaded before the dispatch: 409, the fresh record, the input kept.
    let r = s
        .post(
            &path,
            &[
                ("expected_version", "1"),
                ("org_unit_id", &app.other_squad),
                ("reason", "属二中队辖区范围"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("已被他人修改"), "{}", r.body);
    assert!(r.body.contains("属二中队辖区范围"));
    assert!(r.body.contains("name=\"expected_version\" value=\"2\""));
    // A re-route without a reason: 422, the message next to the field.
    let r = s
        .post(
            &path,
            &[("expected_version", "2"), ("org_unit_id", &app.other_squad)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains("id=\"dispatch-reason-error\""),
        "{}",
        r.body
    );
    assert!(r.body.contains("改派须写明理由"));
    // Nonsense in hidden fields or choices is a message, never a 500.
    for fields in [
        vec![("expected_version", "abc"), ("final_state", "withdrawn")],
        vec![("expected_version", "2"), ("final_state", "exploded")],
        vec![("expected_version", "2")],
    ] {
        let r = s.post(&format!("/complaints/{id}/close"), &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
    }
    let r = s
        .post(
            &format!("/complaints/{id}/supervise"),
            &[
                ("expected_version", "2"),
                ("level", "9"),
                ("reason", "催办"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"supervise-level-error\""));

    // The intake form: a bad coordinate is refused next to the field with the input kept;
    // a good call answers the tracking code and the duplicate suggestion.
    let form = [
        ("service_code", "zhan_dao_jing_ying"),
        ("description", "学校门口有摊贩"),
        ("lat", "abc"),
        ("long", "112.5"),
        ("attr_stall_kind", "mobile"),
    ];
    let r = s.post("/complaints/new", &form).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"lat-error\""));
    assert!(r.body.contains("学校门口有摊贩"));
    let mut form = form;
    form[2] = ("lat", "33.0003");
    let r = s.post("/complaints/new", &form).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert!(r.body.contains("查询码"));
    assert!(r.body.contains(c["service_request_id"].as_str().unwrap()));
    // A missing required answer is the service's message at the form.
    let r = s
        .post(
            "/complaints/new",
            &[("service_code", "zhan_dao_jing_ying"), ("lat", "33.0")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"form-error\""));

    // Odd query strings do not break the queue.
    for q in [
        "?stage=bogus&overdue=1",
        "?%zz=%",
        "?unit=x&category=y&closed=1",
    ] {
        assert_eq!(
            s.get(&format!("/complaints{q}")).await.status,
            StatusCode::OK
        );
    }
}
