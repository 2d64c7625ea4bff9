//! Bad input gets a specific JSON error, never a 500; the OpenAPI document describes every
//! route and its docs page works offline.

use crate::helpers::*;
use fazhi::service::auth::Role;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn malformed_bodies_get_specific_errors() {
    let app = TestApp::spawn().await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let send = |body: &'static str, content_type: &'static str| {
        leader
            .http
            .post(format!("{}/cases", leader.base))
            .bearer_auth(&leader.token)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let (s, b) = parts(send("{not json", "application/json").await.unwrap()).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_json"))
    );
    let (s, b) = parts(send("{}", "text/plain").await.unwrap()).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Some("unsupported_media_type")
        )
    );
    let (s, b) = parts(leader.post("/cases", &json!({"org_unit_id": app.squad, "party": {"kind": "individual", "name": "某"}, "procedure": "ordinary", "act_date": "2026-03-01", "colour": "red"})).await).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        b["error"]["message"].as_str().unwrap().contains("colour"),
        "{b}"
    );
    let (s, b) = parts(leader.post("/cases", &json!({"org_unit_id": app.squad, "party": {"kind": "alien", "name": "某"}, "procedure": "ordinary", "act_date": "2026-03-01"})).await).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_field"))
    );
    let (s, b) = parts(leader.post("/cases", &json!({"org_unit_id": app.squad, "party": {"kind": "individual", "name": "  "}, "procedure": "ordinary", "act_date": "2026-03-01"})).await).await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("party.name"))
    );
    let (s, b) = parts(leader.post("/cases", &json!({"org_unit_id": app.squad, "party": {"kind": "individual", "name": "某"}, "procedure": "ordinary", "act_date": "2026-03-01", "violation": "fly_kites"})).await).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_violation"))
    );
    let (s, b) = parts(leader.get("/cases/does-not-exist").await).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let (s, b) = parts(leader.get("/cases?limit=lots").await).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_query"))
    );
    let (s, _) = parts(leader.get("/no-such-endpoint").await).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn duplicate_certificate_numbers_are_a_field_error() {
    let app = TestApp::spawn().await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    officer(&admin, &app.squad, "王强", "豫41000001").await;
    let (s, o) = parts(
        admin
            .post(
                "/officers",
                &json!({"name": "李娜", "org_unit_id": app.squad}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, b) = parts(admin.post(&format!("/officers/{}/certificates", o["id"].as_str().unwrap()), &json!({
        "cert_no": "豫41000001", "issuer": "河南省人民政府", "scope": "城市管理", "valid_from": "2024-01-01", "valid_until": "2026-12-31"
    })).await).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(b["error"]["field"], "cert_no");
    // An assistant cannot be given a certificate at all.
    let (_, h) = parts(
        admin
            .post(
                "/officers",
                &json!({"name": "周协管", "org_unit_id": app.squad, "employment": "auxiliary"}),
            )
            .await,
    )
    .await;
    let (s, b) = parts(admin.post(&format!("/officers/{}/certificates", h["id"].as_str().unwrap()), &json!({
        "cert_no": "豫41000009", "issuer": "河南省人民政府", "scope": "城市管理", "valid_from": "2024-01-01", "valid_until": "2026-12-31"
    })).await).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("certificate_required")
        )
    );
}

#[tokio::test]
async fn openapi_document_describes_every_route_and_docs_work_offline() {
    let app = TestApp::spawn().await;
    let doc: serde_json::Value = reqwest::get(app.url("/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/sessions",
        "/tokens",
        "/me",
        "/org-units",
        "/users",
        "/officers",
        "/officers/{id}",
        "/officers/{id}/certificates",
        "/certificates/{id}/suspension",
        "/violations",
        "/violations/{code}",
        "/violations/{code}/suggestion",
        "/cases",
        "/cases/{id}",
        "/cases/{id}/events",
        "/cases/{id}/evidence",
        "/deadlines",
        "/case-checks",
        "/calendar/add",
        "/audit/verify",
    ] {
        assert!(paths.contains_key(p), "missing {p} in OpenAPI");
    }
    let r = reqwest::get(format!("http://{}/api/v1/docs/", app.addr))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("swagger-ui"),
        "docs page should be the vendored Swagger UI"
    );
    assert!(!html.contains("cdn."), "docs page must not load from a CDN");
}

#[tokio::test]
async fn calendar_and_catalogue_endpoints_answer_users() {
    let app = TestApp::spawn().await;
    let officer_user = app.user("officer", Role::Officer, &app.squad).await;
    let (s, b) = parts(
        officer_user
            .get("/calendar/add?from=2025-09-26&span=5wd")
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(b["result"], "2025-10-10");
    // A year whose notice is not loaded is counted provisionally, never refused.
    let (s, b) = parts(
        officer_user
            .get("/calendar/add?from=2026-12-20&span=30d")
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["provisional"], true);
    let (s, b) = parts(
        officer_user
            .get("/calendar/add?from=2099-12-20&span=30d")
            .await,
    )
    .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("calendar_out_of_range")
        )
    );
    let (s, b) = parts(
        officer_user
            .get("/calendar/add?from=2025-09-26&span=5x")
            .await,
    )
    .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_span"))
    );
    let (s, b) = parts(officer_user.get("/violations").await).await;
    assert_eq!(s, StatusCode::OK);
    assert!(b.as_array().unwrap().len() >= 10);
    let (s, b) = parts(officer_user.post("/violations/zhan_dao_jing_ying/suggestion", &json!({"party": "individual", "facts": {"first_violation": true, "minor_harm": true, "corrected_promptly": true}})).await).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["first_violation_waiver"], true);
}

#[tokio::test]
async fn catalogue_edits_are_validated_before_storing() {
    let app = TestApp::spawn().await;
    let legal = app.user("legal", Role::Legal, &app.bureau).await;
    let officer_user = app.user("officer", Role::Officer, &app.squad).await;
    let (_, list) = parts(legal.get("/violations").await).await;
    let mut entry = list
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["code"] == "zhan_dao_jing_ying")
        .unwrap()
        .clone();
    entry["name"] = json!("占道经营（修订）");
    assert_eq!(
        officer_user
            .put("/violations/zhan_dao_jing_ying", &entry)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let (s, b) = parts(legal.put("/violations/zhan_dao_jing_ying", &entry).await).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["name"], "占道经营（修订）");
    entry["name"] = json!("");
    let (s, b) = parts(legal.put("/violations/zhan_dao_jing_ying", &entry).await).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_catalogue"))
    );
    let (_, list) = parts(legal.get("/violations").await).await;
    assert_eq!(
        list.as_array()
            .unwrap()
            .iter()
            .find(|e| e["code"] == "zhan_dao_jing_ying")
            .unwrap()["name"],
        "占道经营（修订）"
    );
}
