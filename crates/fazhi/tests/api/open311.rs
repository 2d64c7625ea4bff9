//! Open311 GeoReport v2 conformance: discovery, services, service definitions, POST and GET
//! requests, tokens, in JSON and XML, with the spec's error bodies and status codes, the
//! attribute encoding, the location and description rules, the 90-day window, the
//! 1,000-record cap, the extensions (page/page_size, extensions=true, updated_after/before,
//! media upload), personal-data protection and the rate limit.

use crate::helpers::*;
use fazhi::service::audit::Actor;
use fazhi::service::complaint::{self, Channel, NewComplaint};
use reqwest::StatusCode;
use serde_json::Value;

const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>";

fn o311(app: &TestApp, path: &str) -> String {
    format!("http://{}/open311/v2{path}", app.addr)
}

/// Status, content type and body text.
async fn get(app: &TestApp, path: &str) -> (StatusCode, String, String) {
    let r = reqwest::Client::new()
        .get(o311(app, path))
        .send()
        .await
        .unwrap();
    split(r).await
}

async fn split(r: reqwest::Response) -> (StatusCode, String, String) {
    let status = r.status();
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, ct, r.text().await.unwrap())
}

async fn get_json(app: &TestApp, path: &str) -> (StatusCode, Value) {
    let (s, ct, body) = get(app, path).await;
    assert!(
        ct.starts_with("application/json") && ct.contains("charset=utf-8"),
        "{path}: {ct}"
    );
    (s, serde_json::from_str(&body).unwrap())
}

async fn get_xml(app: &TestApp, path: &str) -> (StatusCode, String) {
    let (s, ct, body) = get(app, path).await;
    assert_eq!(ct, "text/xml; charset=utf-8", "{path}");
    assert!(body.starts_with(XML_DECLARATION), "{path}: {body}");
    (s, body)
}

async fn post(app: &TestApp, path: &str, form: &[(&str, &str)]) -> (StatusCode, String, String) {
    let r = reqwest::Client::new()
        .post(o311(app, path))
        .form(form)
        .send()
        .await
        .unwrap();
    split(r).await
}

async fn post_json(app: &TestApp, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let (s, ct, body) = post(app, "/requests.json", form).await;
    assert!(ct.starts_with("application/json"), "{ct}: {body}");
    (s, serde_json::from_str(&body).unwrap())
}

async fn new_key(app: &TestApp) -> String {
    let (_, key) = complaint::create_key(&app.state, None, "测试客户端")
        .await
        .unwrap();
    key.expose().to_string()
}

/// Posts a valid 占道经营 complaint and returns its `service_request_id`.
async fn file_one(app: &TestApp, key: &str, description: &str) -> String {
    let (s, v) = post_json(
        app,
        &[
            ("api_key", key),
            ("service_code", "zhan_dao_jing_ying"),
            ("address_string", "卧龙路与工业路交叉口"),
            ("attribute[stall_kind]", "mobile"),
            ("description", description),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v[0]["service_request_id"].as_str().unwrap().to_string()
}

/// Files a complaint through the use case (fast set-up of many records).
async fn file_direct(app: &TestApp, code: &str) -> String {
    let mut input = NewComplaint {
        service_code: code.into(),
        address_string: Some("人民路".into()),
        ..Default::default()
    };
    if code == "zhan_dao_jing_ying" {
        input
            .attributes
            .insert("stall_kind".into(), vec!["mobile".into()]);
    }
    complaint::create(
        &app.state,
        Channel::Phone,
        None,
        &Actor("system".into()),
        input,
    )
    .await
    .unwrap()
    .service_request_id
}

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    let mut conn = app.state.db.pool.acquire().await.unwrap();
    sqlx::query_scalar(sql).fetch_one(&mut *conn).await.unwrap()
}

async fn exec(app: &TestApp, sql: &'static str, binds: &[&str]) {
    let mut conn = app.state.db.pool.acquire().await.unwrap();
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(b.to_string());
    }
    q.execute(&mut *conn).await.unwrap();
}

fn assert_spec_error_json(v: &Value, code: u16) {
    let errors = v.as_array().unwrap_or_else(|| panic!("not an array: {v}"));
    assert_eq!(errors.len(), 1, "{v}");
    assert_eq!(errors[0]["code"], code, "{v}");
    assert!(!errors[0]["description"].as_str().unwrap().is_empty());
}

fn assert_spec_error_xml(body: &str, code: u16) {
    assert!(body.starts_with(XML_DECLARATION), "{body}");
    assert!(
        body.contains(&format!("<errors><error><code>{code}</code><description>")),
        "{body}"
    );
    assert!(
        body.trim_end().ends_with("</description></error></errors>"),
        "{body}"
    );
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r["service_request_id"].as_str().unwrap().to_string())
        .collect()
}

// ---- discovery and services ---------------------------------------------------------------

#[tokio::test]
async fn discovery_answers_in_json_and_xml() {
    let app = TestApp::spawn().await;
    let (s, v) = get_json(&app, "/discovery.json").await;
    assert_eq!(s, StatusCode::OK);
    for field in ["changeset", "contact", "key_service"] {
        assert!(v[field].is_string(), "{field}: {v}");
    }
    let endpoint = &v["endpoints"][0];
    assert_eq!(
        endpoint["specification"],
        "http://wiki.open311.org/GeoReport_v2"
    );
    // Without --public-url the address is the path alone: the Host header is never
    // trusted (see web_surface.rs for the public URL).
    assert_eq!(endpoint["url"], "/open311/v2");
    assert_eq!(endpoint["type"], "production");
    assert_eq!(
        endpoint["formats"],
        serde_json::json!(["text/xml", "application/json"])
    );
    let (s, xml) = get_xml(&app, "/discovery.xml").await;
    assert_eq!(s, StatusCode::OK);
    assert!(xml.contains("<discovery><changeset>"), "{xml}");
    assert!(
        xml.contains("<endpoints><endpoint><specification>http://wiki.open311.org/GeoReport_v2</specification>"),
        "{xml}"
    );
    assert!(
        xml.contains(
            "<formats><format>text/xml</format><format>application/json</format></formats>"
        ),
        "{xml}"
    );
}

#[tokio::test]
async fn services_are_listed_in_json_and_xml_with_the_wrapper_kept_for_one_item() {
    let app = TestApp::spawn().await;
    let (s, v) = get_json(&app, "/services.json").await;
    assert_eq!(s, StatusCode::OK);
    let list = v.as_array().unwrap();
    assert!((8..=12).contains(&list.len()), "{}", list.len());
    let groups = [
        "市容环境",
        "宣传广告",
        "施工管理",
        "突发事件",
        "街面秩序",
        "其他",
    ];
    for service in list {
        assert!(service["service_code"].is_string(), "{service}");
        assert!(service["metadata"].is_boolean());
        assert_eq!(service["type"], "realtime");
        assert!(service["keywords"].is_string());
        assert!(
            groups.contains(&service["group"].as_str().unwrap()),
            "{service}"
        );
    }
    let stall = list
        .iter()
        .find(|s| s["service_code"] == "zhan_dao_jing_ying")
        .unwrap();
    assert_eq!(stall["service_name"], "占道经营");
    assert_eq!(stall["metadata"], true);
    assert_eq!(stall["group"], "街面秩序");
    let other = list.iter().find(|s| s["service_code"] == "qi_ta").unwrap();
    assert_eq!(other["metadata"], false);

    let (_, xml) = get_xml(&app, "/services.xml").await;
    assert_eq!(xml.matches("<service>").count(), list.len());
    assert!(xml.contains("<services><service><service_code>"), "{xml}");
    assert!(
        xml.contains("<service_name>占道经营</service_name>"),
        "{xml}"
    );
    assert!(
        xml.contains("<metadata>true</metadata><type>realtime</type>"),
        "{xml}"
    );

    // One service only: still a list in JSON and a wrapper in XML.
    exec(
        &app,
        "UPDATE complaint_categories SET active = 0 WHERE code <> $1",
        &["qi_ta"],
    )
    .await;
    let (_, v) = get_json(&app, "/services.json").await;
    assert_eq!(v.as_array().unwrap().len(), 1, "{v}");
    let (_, xml) = get_xml(&app, "/services.xml").await;
    assert!(
        xml.starts_with(&format!(
            "{XML_DECLARATION}\n<services><service><service_code>qi_ta</service_code>"
        )),
        "{xml}"
    );
    assert!(xml.trim_end().ends_with("</service></services>"), "{xml}");
}

#[tokio::test]
async fn a_service_definition_lists_its_attributes_in_order() {
    let app = TestApp::spawn().await;
    let (s, v) = get_json(&app, "/services/zao_sheng_rao_min.json").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["service_code"], "zao_sheng_rao_min");
    let attrs = v["attributes"].as_array().unwrap();
    assert_eq!(attrs.len(), 2);
    assert_eq!(attrs[0]["code"], "noise_source");
    assert_eq!(attrs[0]["datatype"], "multivaluelist");
    assert_eq!(attrs[0]["variable"], true);
    assert_eq!(attrs[0]["required"], true);
    assert_eq!(attrs[0]["order"], 1);
    assert!(attrs[0]["datatype_description"].is_null());
    assert_eq!(attrs[0]["values"][0]["key"], "construction");
    assert_eq!(attrs[0]["values"][0]["name"], "建筑施工");
    assert_eq!(attrs[1]["order"], 2);

    let (_, xml) = get_xml(&app, "/services/zao_sheng_rao_min.xml").await;
    assert!(
        xml.contains("<service_definition><service_code>zao_sheng_rao_min</service_code><attributes><attribute><variable>true</variable><code>noise_source</code><datatype>multivaluelist</datatype><required>true</required><datatype_description/><order>1</order>"),
        "{xml}"
    );
    assert!(
        xml.contains("<values><value><key>construction</key><name>建筑施工</name></value>"),
        "{xml}"
    );

    // Every datatype of the spec is used by some category.
    let (_, services) = get_json(&app, "/services.json").await;
    let mut datatypes = std::collections::BTreeSet::new();
    for s in services.as_array().unwrap() {
        let code = s["service_code"].as_str().unwrap();
        let (_, d) = get_json(&app, &format!("/services/{code}.json")).await;
        for a in d["attributes"].as_array().unwrap() {
            datatypes.insert(a["datatype"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(
        datatypes.into_iter().collect::<Vec<_>>(),
        [
            "datetime",
            "multivaluelist",
            "number",
            "singlevaluelist",
            "string",
            "text"
        ]
    );

    // No attributes: an empty list, the wrapper kept.
    let (_, v) = get_json(&app, "/services/qi_ta.json").await;
    assert_eq!(v["attributes"], serde_json::json!([]));
    let (_, xml) = get_xml(&app, "/services/qi_ta.xml").await;
    assert!(xml.contains("<attributes></attributes>"), "{xml}");
}

#[tokio::test]
async fn unknown_services_formats_and_jurisdictions_are_404_with_spec_errors() {
    let app = TestApp::spawn().await;
    let (s, v) = get_json(&app, "/services/no_such_thing.json").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_spec_error_json(&v, 404);
    let (s, xml) = get_xml(&app, "/services/no_such_thing.xml").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_spec_error_xml(&xml, 404);

    let (s, v) = get_json(&app, "/services.json?jurisdiction_id=example.org").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_spec_error_json(&v, 404);
    assert!(
        v[0]["description"]
            .as_str()
            .unwrap()
            .contains("jurisdiction_id")
    );
    let (s, _) = get_json(&app, "/services.json?jurisdiction_id=wolong.nanyang.gov.cn").await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = get_json(&app, "/services.json?jurisdiction_id=").await;
    assert_eq!(
        s,
        StatusCode::OK,
        "an empty optional argument is an absent one"
    );
    let (s, v) = get_json(&app, "/requests.json?jurisdiction_id=example.org").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_spec_error_json(&v, 404);

    // Unknown formats and paths: 404 with an XML error (XML is the required format).
    for path in ["/services.html", "/requests/20260101-00001.csv", "/nothing"] {
        let (s, _, body) = get(&app, path).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}");
        assert_spec_error_xml(&body, 404);
    }
    let (s, v) = get_json(&app, "/nothing.json").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_spec_error_json(&v, 404);
}

// ---- POST requests ------------------------------------------------------------------------

#[tokio::test]
async fn posting_needs_a_valid_api_key_in_the_body_or_the_query() {
    let app = TestApp::spawn().await;
    let key = new_key(&app).await;
    let form = [
        ("service_code", "qi_ta"),
        ("address_string", "人民路"),
        ("description", "测试"),
    ];
    let (s, v) = post_json(&app, &form).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_spec_error_json(&v, 403);
    assert!(v[0]["description"].as_str().unwrap().contains("api_key"));

    let mut bad = form.to_vec();
    bad.push(("api_key", "not-a-key"));
    let (s, _, xml) = post(&app, "/requests.xml", &bad).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_spec_error_xml(&xml, 403);
    // The key is checked first: a bad key with a bad body is still 403.
    let (s, v) = post_json(&app, &[("api_key", "nope")]).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_spec_error_json(&v, 403);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM complaints").await, 0);

    // A revoked key no longer works.
    let revoked = new_key(&app).await;
    exec(
        &app,
        "UPDATE open311_keys SET revoked_at = $1 WHERE key_hash = $2",
        &[
            "2026-01-01T00:00:00.000000Z",
            &fazhi::infra::secret::token_hash(&revoked),
        ],
    )
    .await;
    let mut with_revoked = form.to_vec();
    with_revoked.push(("api_key", &revoked));
    assert_eq!(
        post_json(&app, &with_revoked).await.0,
        StatusCode::FORBIDDEN
    );

    // In the query string (as some clients send it).
    let r = reqwest::Client::new()
        .post(o311(
            &app,
            &format!("/requests.json?api_key={key}&jurisdiction_id=wolong.nanyang.gov.cn"),
        ))
        .form(&form)
        .send()
        .await
        .unwrap();
    let (s, _, body) = split(r).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    // GET needs no key.
    assert_eq!(get(&app, "/requests.json").await.0, StatusCode::OK);
}

/// What is sent, the status expected and a word the error description must contain.
type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, StatusCode, &'a str);

/// A 占道经营 form with the required answer, plus `extra`.
fn base<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("service_code", "zhan_dao_jing_ying"),
        ("attribute[stall_kind]", "mobile"),
    ];
    f.extend_from_slice(extra);
    f
}

fn with_key<'a>(mut form: Vec<(&'a str, &'a str)>, key: &'a str) -> Vec<(&'a str, &'a str)> {
    form.push(("api_key", key));
    form
}

#[tokio::test]
async fn posting_enforces_the_location_description_and_attribute_rules() {
    let app = TestApp::spawn_on("2026-04-30").await;
    let key = new_key(&app).await;
    let cases: Vec<Case> = vec![
        (
            "no location",
            base(&[("description", "摊贩")]),
            StatusCode::BAD_REQUEST,
            "位置",
        ),
        (
            "lat without long",
            base(&[("lat", "32.99")]),
            StatusCode::BAD_REQUEST,
            "lat 与 long",
        ),
        (
            "long without lat",
            base(&[("long", "112.52")]),
            StatusCode::BAD_REQUEST,
            "lat 与 long",
        ),
        (
            "lat out of range",
            base(&[("lat", "132.99"), ("long", "112.5")]),
            StatusCode::BAD_REQUEST,
            "lat",
        ),
        (
            "lat not a number",
            base(&[("lat", "北纬"), ("long", "112.5")]),
            StatusCode::BAD_REQUEST,
            "lat",
        ),
        (
            "required attribute missing",
            vec![
                ("service_code", "zhan_dao_jing_ying"),
                ("address_string", "人民路"),
            ],
            StatusCode::BAD_REQUEST,
            "attribute[stall_kind]",
        ),
        (
            "value not among the options",
            vec![
                ("service_code", "zhan_dao_jing_ying"),
                ("address_string", "人民路"),
                ("attribute[stall_kind]", "car"),
            ],
            StatusCode::BAD_REQUEST,
            "stall_kind",
        ),
        (
            "two values for a single-value list",
            vec![
                ("service_code", "zhan_dao_jing_ying"),
                ("address_string", "人民路"),
                ("attribute[stall_kind][]", "mobile"),
                ("attribute[stall_kind][]", "other"),
            ],
            StatusCode::BAD_REQUEST,
            "只能有一个值",
        ),
        (
            "number attribute",
            vec![
                ("service_code", "hui_lv_zhong_cai"),
                ("address_string", "人民路"),
                ("attribute[area_m2]", "很大"),
            ],
            StatusCode::BAD_REQUEST,
            "数字",
        ),
        (
            "datetime attribute",
            vec![
                ("service_code", "lu_tian_shao_kao"),
                ("address_string", "人民路"),
                ("attribute[seen_at]", "昨晚"),
            ],
            StatusCode::BAD_REQUEST,
            "日期时间",
        ),
        (
            "no service_code",
            vec![("address_string", "人民路")],
            StatusCode::BAD_REQUEST,
            "service_code",
        ),
        (
            "unknown service_code",
            vec![("service_code", "ufo"), ("address_string", "人民路")],
            StatusCode::NOT_FOUND,
            "ufo",
        ),
        (
            "other jurisdiction",
            base(&[
                ("address_string", "人民路"),
                ("jurisdiction_id", "example.org"),
            ]),
            StatusCode::NOT_FOUND,
            "jurisdiction_id",
        ),
        (
            "anonymous where the category needs contact",
            vec![
                ("service_code", "si_da_luan_jian"),
                ("address_string", "人民路8号楼顶"),
                ("attribute[building_kind]", "rooftop"),
                ("attribute[in_progress]", "ongoing"),
            ],
            StatusCode::BAD_REQUEST,
            "匿名",
        ),
        (
            "bad email",
            base(&[("address_string", "人民路"), ("email", "not-an-email")]),
            StatusCode::BAD_REQUEST,
            "email",
        ),
    ];
    for (what, form, status, needle) in cases {
        let form = with_key(form, &key);
        let (s, v) = post_json(&app, &form).await;
        assert_eq!(s, status, "{what}: {v}");
        assert_spec_error_json(&v, status.as_u16());
        let d = v[0]["description"].as_str().unwrap();
        assert!(d.contains(needle), "{what}: {d}");
    }
    let (s, _, xml) = post(
        &app,
        "/requests.xml",
        &with_key(base(&[("lat", "32.99")]), &key),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_spec_error_xml(&xml, 400);

    // 4,000 characters pass, 4,001 do not (characters, not bytes).
    let long = "占".repeat(4001);
    let (s, v) = post_json(
        &app,
        &with_key(
            base(&[("address_string", "人民路"), ("description", &long)]),
            &key,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(
        v[0]["description"].as_str().unwrap().contains("4000"),
        "{v}"
    );
    let ok = "占".repeat(4000);
    let (s, v) = post_json(
        &app,
        &with_key(
            base(&[("address_string", "人民路"), ("description", &ok)]),
            &key,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM complaints").await, 1);

    // Each location form alone is enough: lat+long, address_string, address_id.
    for loc in [
        vec![("lat", "32.9987"), ("long", "112.5283")],
        vec![("address_id", "411303-0001")],
        vec![("address_string", "人民路")],
    ] {
        let mut f = base(&[]);
        f.extend(loc);
        let (s, v) = post_json(&app, &with_key(f, &key)).await;
        assert_eq!(s, StatusCode::OK, "{v}");
    }
    // Contact given: the non-anonymous category accepts it.
    let (s, v) = post_json(
        &app,
        &with_key(
            vec![
                ("service_code", "si_da_luan_jian"),
                ("address_string", "人民路8号楼顶"),
                ("attribute[building_kind]", "rooftop"),
                ("attribute[in_progress]", "ongoing"),
                ("attribute[details]", "三月开工\n已加盖一层"),
                ("phone", "13812345678"),
            ],
            &key,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

#[tokio::test]
async fn a_chinese_request_round_trips_in_json_and_xml_without_personal_data() {
    let app = TestApp::spawn_on("2026-04-30").await;
    let key = new_key(&app).await;
    let description = "卧龙路与工业路交叉口东南角每天傍晚有流动摊贩占道卖水果，\n行人只能走机动车道。<b>&“急”</b>";
    let (s, v) = post_json(
        &app,
        &[
            ("api_key", &key),
            ("jurisdiction_id", "wolong.nanyang.gov.cn"),
            ("service_code", "zhan_dao_jing_ying"),
            ("lat", "32.9987"),
            ("long", "112.5283"),
            ("address_string", "南阳市卧龙区卧龙路与工业路交叉口"),
            ("email", "zhangsan@example.com"),
            ("device_id", "DEVICE-42"),
            ("account_id", "ACC-9001"),
            ("first_name", "三"),
            ("last_name", "张"),
            ("phone", "13812345678"),
            ("description", description),
            ("media_url", "https://img.example.com/1.jpg"),
            ("attribute[stall_kind]", "mobile"),
            ("attribute[recurrence]", "daily_period"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let created = v.as_array().unwrap();
    assert_eq!(created.len(), 1);
    let id = created[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(id.starts_with("20260430-") && id.len() == 14, "{id}");
    assert_eq!(id, "20260430-00001");
    assert!(created[0]["token"].is_string());
    assert_eq!(created[0]["account_id"], "ACC-9001");
    let notice = created[0]["service_notice"].as_str().unwrap();
    assert!(
        notice.contains("5个工作日") && notice.contains("2026年05月11日18:00"),
        "{notice}"
    );

    let (s, v) = get_json(&app, &format!("/requests/{id}.json")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), 1);
    let r = &list[0];
    assert_eq!(r["service_request_id"], id.as_str());
    assert_eq!(r["status"], "open");
    assert_eq!(r["status_notes"], "已受理，待派单");
    assert_eq!(r["service_name"], "占道经营");
    assert_eq!(r["service_code"], "zhan_dao_jing_ying");
    assert_eq!(r["description"], description);
    assert_eq!(r["agency_responsible"], "南阳市卧龙区城市管理局");
    assert_eq!(r["service_notice"], notice);
    assert_eq!(r["requested_datetime"], "2026-04-30T12:00:00+08:00");
    assert_eq!(r["updated_datetime"], "2026-04-30T12:00:00+08:00");
    // 5 working days over 劳动节 (1–5 May, Saturday 9 May worked): 11 May, end of day.
    assert_eq!(r["expected_datetime"], "2026-05-11T18:00:00+08:00");
    assert_eq!(r["address"], "南阳市卧龙区卧龙路与工业路交叉口");
    assert!(r["address_id"].is_null());
    assert!(r["zipcode"].is_null());
    assert_eq!(r["lat"], 32.9987);
    assert_eq!(r["long"], 112.5283);
    assert_eq!(r["media_url"], "https://img.example.com/1.jpg");
    assert!(r.get("extended_attributes").is_none());

    let (s, xml) = get_xml(&app, &format!("/requests/{id}.xml")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        xml.starts_with(&format!(
            "{XML_DECLARATION}\n<service_requests><request><service_request_id>{id}</service_request_id><status>open</status><status_notes>已受理，待派单</status_notes><service_name>占道经营</service_name><service_code>zhan_dao_jing_ying</service_code>"
        )),
        "{xml}"
    );
    assert!(
        xml.contains("<description>卧龙路与工业路交叉口东南角每天傍晚有流动摊贩占道卖水果，\n行人只能走机动车道。&lt;b&gt;&amp;“急”&lt;/b&gt;</description>"),
        "{xml}"
    );
    assert!(xml.contains("<expected_datetime>2026-05-11T18:00:00+08:00</expected_datetime>"));
    assert!(
        xml.contains("<zipcode/><lat>32.9987</lat><long>112.5283</long>"),
        "{xml}"
    );
    assert!(
        xml.trim_end().ends_with("</request></service_requests>"),
        "{xml}"
    );

    // Personal data never leaves through GET, not even with extensions.
    let personal = [
        "zhangsan",
        "DEVICE-42",
        "ACC-9001",
        "13812345678",
        "张三",
        "first_name",
        "phone",
        "email",
        "account_id",
        "device_id",
    ];
    for path in [
        format!("/requests/{id}.json"),
        format!("/requests/{id}.xml"),
        format!("/requests/{id}.json?extensions=true"),
        format!("/requests/{id}.xml?extensions=true"),
        "/requests.json?extensions=true".to_string(),
        "/requests.xml".to_string(),
        format!("/requests.json?service_request_id={id}"),
    ] {
        let (_, _, body) = get(&app, &path).await;
        assert!(body.contains(&id), "{path}: {body}");
        for p in personal {
            assert!(!body.contains(p), "{path} leaks {p}: {body}");
        }
    }
    // It is stored, though, for the bureau's own use; the audit log has digests only.
    let mut conn = app.state.db.pool.acquire().await.unwrap();
    let phone: String =
        sqlx::query_scalar("SELECT reporter_phone FROM complaints WHERE service_request_id = $1")
            .bind(&id)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    assert_eq!(phone, "13812345678");
    let audit: String =
        sqlx::query_scalar("SELECT content FROM audit_log WHERE action = 'complaint.create'")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    let entry: Value = serde_json::from_str(&audit).unwrap();
    for field in [
        "reporter_phone",
        "reporter_email",
        "reporter_name",
        "description",
    ] {
        let digest = entry["personal"][field].as_str().unwrap_or_default();
        assert_eq!(digest.len(), 32, "{field}: {audit}");
    }
    for p in [
        "13812345678",
        "zhangsan",
        "example.com",
        "DEVICE-42",
        "ACC-9001",
        "卧龙路",
        "摊贩",
        "img.example.com",
    ] {
        assert!(!audit.contains(p), "audit leaks {p}: {audit}");
    }
    drop(conn);
    let report = {
        let mut conn = app.state.db.pool.acquire().await.unwrap();
        fazhi::service::audit::verify(&mut conn).await.unwrap()
    };
    assert!(report.ok, "{:?}", report.problems);
}

#[tokio::test]
async fn numbers_written_into_a_description_are_masked_in_public() {
    let app = TestApp::spawn().await;
    let key = new_key(&app).await;
    let id = file_one(
        &app,
        &key,
        "摊主电话13812345678，身份证411302199001011234，门牌12号",
    )
    .await;
    let (_, v) = get_json(&app, &format!("/requests/{id}.json")).await;
    assert_eq!(
        v[0]["description"],
        "摊主电话138****5678，身份证411***********1234，门牌12号"
    );
}

#[tokio::test]
async fn multi_value_attributes_are_stored_and_shown_with_extensions() {
    let app = TestApp::spawn().await;
    let key = new_key(&app).await;
    let (s, v) = post_json(
        &app,
        &[
            ("api_key", &key),
            ("service_code", "zao_sheng_rao_min"),
            ("address_string", "七里园小区南门广场"),
            ("attribute[noise_source][]", "construction"),
            ("attribute[noise_source][]", "square_dance"),
            ("attribute[time_of_day]", "night"),
            ("description", "夜间施工加广场舞"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let id = v[0]["service_request_id"].as_str().unwrap().to_string();
    let mut conn = app.state.db.pool.acquire().await.unwrap();
    let stored: String =
        sqlx::query_scalar("SELECT attributes FROM complaints WHERE service_request_id = $1")
            .bind(&id)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    drop(conn);
    let stored: Value = serde_json::from_str(&stored).unwrap();
    assert_eq!(
        stored,
        serde_json::json!({"noise_source": ["construction", "square_dance"], "time_of_day": "night"})
    );
    let (_, v) = get_json(&app, &format!("/requests/{id}.json?extensions=true")).await;
    let answers = v[0]["extended_attributes"]["attributes"]
        .as_array()
        .unwrap();
    let shown: Vec<(&str, &str, &str)> = answers
        .iter()
        .map(|a| {
            (
                a["name"].as_str().unwrap(),
                a["code"].as_str().unwrap(),
                a["value"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            ("noise_source", "construction", "建筑施工"),
            ("noise_source", "square_dance", "广场舞"),
            ("time_of_day", "night", "夜间（22:00—次日6:00）"),
        ]
    );
    assert_eq!(answers[0]["label"], "噪声来源（可多选）");
}

// ---- GET requests -------------------------------------------------------------------------

#[tokio::test]
async fn queries_default_to_the_last_90_days_and_ranges_may_not_exceed_90_days() {
    let app = TestApp::spawn_on("2026-01-10").await;
    let old = file_direct(&app, "qi_ta").await;
    app.clock.set_date(date("2026-06-01"));
    let new = file_direct(&app, "qi_ta").await;

    let (s, v) = get_json(&app, "/requests.json").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(ids(&v), [new.as_str()]);
    let (_, xml) = get_xml(&app, "/requests.xml").await;
    assert_eq!(xml.matches("<request>").count(), 1);

    let (_, v) = get_json(
        &app,
        "/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-02-01T00:00:00Z",
    )
    .await;
    assert_eq!(ids(&v), [old.as_str()]);
    // Only a start: 90 days from it. Only an end: the 90 days before it.
    let (_, v) = get_json(&app, "/requests.json?start_date=2026-01-01T00:00:00Z").await;
    assert_eq!(ids(&v), [old.as_str()]);
    let (_, v) = get_json(&app, "/requests.json?end_date=2026-06-02T00:00:00%2B08:00").await;
    assert_eq!(ids(&v), [new.as_str()]);
    // A `+` sent unescaped arrives as a space and is still understood.
    let (s, v) = get_json(&app, "/requests.json?start_date=2026-05-30T00:00:00+08:00").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(ids(&v), [new.as_str()]);

    for bad in [
        "/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
        "/requests.json?start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z",
        "/requests.json?start_date=yesterday",
        "/requests.json?status=pending",
        "/requests.json?page_size=0",
        "/requests.json?page_size=1001",
        "/requests.json?page=0",
    ] {
        let (s, v) = get_json(&app, bad).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}: {v}");
        assert_spec_error_json(&v, 400);
    }
    let (s, xml) = get_xml(&app, "/requests.xml?start_date=yesterday").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_spec_error_xml(&xml, 400);
}

#[tokio::test]
async fn service_request_id_overrides_every_other_filter() {
    let app = TestApp::spawn_on("2026-01-10").await;
    let old = file_direct(&app, "qi_ta").await;
    app.clock.set_date(date("2026-06-01"));
    let new = file_direct(&app, "zhan_dao_jing_ying").await;
    let (s, v) = get_json(
        &app,
        &format!(
            "/requests.json?service_request_id={old},{new},20990101-00001&service_code=la_ji_man_yi&status=closed&start_date=2025-01-01T00:00:00Z&end_date=2025-01-02T00:00:00Z&page_size=1&page=5"
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let mut got = ids(&v);
    got.sort();
    assert_eq!(got, [old.clone(), new.clone()]);
    // service_code alone filters (comma list).
    let (_, v) = get_json(
        &app,
        "/requests.json?service_code=zhan_dao_jing_ying,la_ji_man_yi",
    )
    .await;
    assert_eq!(ids(&v), [new.as_str()]);
    let (_, v) = get_json(&app, "/requests.json?service_code=la_ji_man_yi").await;
    assert_eq!(ids(&v), Vec::<String>::new());
    let (_, xml) = get_xml(&app, "/requests.xml?service_code=la_ji_man_yi").await;
    assert!(
        xml.contains("<service_requests></service_requests>"),
        "{xml}"
    );
}

#[tokio::test]
async fn at_most_1000_records_are_returned_and_pages_reach_the_rest() {
    let app = TestApp::spawn_on("2026-06-01").await;
    for _ in 0..1001 {
        file_direct(&app, "qi_ta").await;
    }
    let (s, v) = get_json(&app, "/requests.json").await;
    assert_eq!(s, StatusCode::OK);
    let first = ids(&v);
    assert_eq!(first.len(), 1000);
    assert_eq!(first[0], "20260601-01001", "newest first");
    let (_, v) = get_json(&app, "/requests.json?page=2&page_size=1000").await;
    assert_eq!(ids(&v), ["20260601-00001"]);
    let (_, v) = get_json(&app, "/requests.json?page=3&page_size=400").await;
    assert_eq!(ids(&v).len(), 201);
    let (_, xml) = get_xml(&app, "/requests.xml").await;
    assert_eq!(xml.matches("<request>").count(), 1000);
}

#[tokio::test]
async fn pages_are_disjoint_and_newest_first() {
    let app = TestApp::spawn_on("2026-06-01").await;
    let mut all = Vec::new();
    for _ in 0..5 {
        all.push(file_direct(&app, "qi_ta").await);
    }
    all.reverse();
    let mut paged = Vec::new();
    for page in 1..=3 {
        let (_, v) = get_json(&app, &format!("/requests.json?page_size=2&page={page}")).await;
        paged.extend(ids(&v));
    }
    assert_eq!(paged, all);
    let (_, v) = get_json(&app, "/requests.json?page_size=2&page=4").await;
    assert_eq!(ids(&v), Vec::<String>::new());
}

#[tokio::test]
async fn status_maps_internal_states_to_open_and_closed() {
    let app = TestApp::spawn_on("2026-06-01").await;
    let open = file_direct(&app, "qi_ta").await;
    let closed = file_direct(&app, "qi_ta").await;
    exec(
        &app,
        "UPDATE complaints SET state = 'closed' WHERE service_request_id = $1",
        &[&closed],
    )
    .await;
    let (_, v) = get_json(&app, "/requests.json?status=closed").await;
    assert_eq!(ids(&v), [closed.as_str()]);
    assert_eq!(v[0]["status"], "closed");
    assert_eq!(v[0]["status_notes"], "已办结");
    let (_, v) = get_json(&app, "/requests.json?status=open").await;
    assert_eq!(ids(&v), [open.as_str()]);
    let (_, v) = get_json(&app, "/requests.json?status=open,closed").await;
    assert_eq!(ids(&v).len(), 2);
    let (_, v) = get_json(&app, "/requests.json?status=open&status=closed").await;
    assert_eq!(ids(&v).len(), 2);
    exec(
        &app,
        "UPDATE complaints SET state = 'handling' WHERE service_request_id = $1",
        &[&open],
    )
    .await;
    let (_, v) = get_json(&app, &format!("/requests/{open}.json")).await;
    assert_eq!(v[0]["status"], "open");
    assert_eq!(v[0]["status_notes"], "办理中");
}

#[tokio::test]
async fn extensions_add_the_history_and_updated_filters_select_by_change_time() {
    let app = TestApp::spawn_on("2026-06-01").await;
    let key = new_key(&app).await;
    let id = file_one(&app, &key, "人行道上有摊位").await;
    let (_, v) = get_json(&app, &format!("/requests/{id}.json?extensions=true")).await;
    let r = &v[0];
    assert_eq!(r["extended_attributes"]["channel"], "open311");
    assert_eq!(r["extended_attributes"]["state"], "received");
    let notes = r["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0]["type"], "submitted");
    assert_eq!(notes[0]["summary"], "通过 Open311 接口提交");
    assert_eq!(notes[0]["datetime"], "2026-06-01T12:00:00+08:00");
    assert_eq!(notes[1]["type"], "opened");
    assert_eq!(notes[1]["summary"], "已受理（占道经营）");
    let (_, xml) = get_xml(&app, &format!("/requests/{id}.xml?extensions=true")).await;
    assert!(
        xml.contains("<extended_attributes><channel>open311</channel>"),
        "{xml}"
    );
    assert!(
        xml.contains(
            "<notes><note><datetime>2026-06-01T12:00:00+08:00</datetime><type>submitted</type>"
        ),
        "{xml}"
    );
    let (_, v) = get_json(&app, "/requests.json?extensions=true").await;
    assert_eq!(v[0]["notes"].as_array().unwrap().len(), 2);

    // updated_after / updated_before look at the last change, beyond the 90-day window.
    let other = file_direct(&app, "qi_ta").await;
    exec(
        &app,
        "UPDATE complaints SET requested_at = $1, updated_at = $2 WHERE service_request_id = $3",
        &[
            "2025-01-01T00:00:00.000000Z",
            "2026-05-01T00:00:00.000000Z",
            &other,
        ],
    )
    .await;
    let (_, v) = get_json(&app, "/requests.json").await;
    assert_eq!(ids(&v), [id.as_str()]);
    let (_, v) = get_json(
        &app,
        "/requests.json?updated_after=2026-04-01T00:00:00Z&updated_before=2026-05-15T00:00:00Z",
    )
    .await;
    assert_eq!(ids(&v), [other.as_str()]);
    let (_, v) = get_json(&app, "/requests.json?updated_after=2026-05-15T00:00:00Z").await;
    assert_eq!(ids(&v), [id.as_str()]);
}

#[tokio::test]
async fn tokens_lead_to_the_request_and_unknown_ones_are_404() {
    let app = TestApp::spawn().await;
    let key = new_key(&app).await;
    let (s, v) = post_json(
        &app,
        &[
            ("api_key", &key),
            ("service_code", "qi_ta"),
            ("address_id", "A-1"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let id = v[0]["service_request_id"].as_str().unwrap().to_string();
    let token = v[0]["token"].as_str().unwrap().to_string();
    let (s, v) = get_json(&app, &format!("/tokens/{token}.json")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        v,
        serde_json::json!([{"service_request_id": id, "token": token}])
    );
    let (_, xml) = get_xml(&app, &format!("/tokens/{token}.xml")).await;
    assert!(
        xml.contains(&format!(
            "<service_requests><request><service_request_id>{id}</service_request_id><token>{token}</token></request></service_requests>"
        )),
        "{xml}"
    );
    let (s, v) = get_json(&app, "/tokens/0123456789abcdef.json").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_spec_error_json(&v, 404);
    let (s, xml) = get_xml(&app, "/tokens/0123456789abcdef.xml").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_spec_error_xml(&xml, 404);
}

#[tokio::test]
async fn an_unknown_request_is_404_in_both_formats() {
    let app = TestApp::spawn().await;
    let (s, v) = get_json(&app, "/requests/20990101-00001.json").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_spec_error_json(&v, 404);
    let (s, xml) = get_xml(&app, "/requests/20990101-00001.xml").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_spec_error_xml(&xml, 404);
}

#[tokio::test]
async fn time_limits_give_the_expected_datetime_on_the_working_calendar() {
    let app = TestApp::spawn_on("2026-04-30").await;
    let key = new_key(&app).await;
    let cases = [
        // Urgent, round the clock: noon + 2 h.
        (
            "jing_gai_que_shi",
            "attribute[warning_set]",
            "no",
            "2026-04-30T14:00:00+08:00",
        ),
        // 8 working hours: 3.5 h on Thursday afternoon, 3.5 h on 6 May morning, 1 h after 14:30.
        (
            "zha_tu_pao_sa",
            "attribute[plate_no]",
            "豫R12345",
            "2026-05-06T15:30:00+08:00",
        ),
        (
            "zao_sheng_rao_min",
            "attribute[noise_source][]",
            "other",
            "2026-05-08T18:00:00+08:00",
        ),
    ];
    for (code, attr, value, expected) in cases {
        let mut form = vec![
            ("api_key", key.as_str()),
            ("service_code", code),
            ("address_string", "人民路"),
            (attr, value),
        ];
        if code == "zao_sheng_rao_min" {
            form.push(("attribute[time_of_day]", "day"));
        }
        let (s, v) = post_json(&app, &form).await;
        assert_eq!(s, StatusCode::OK, "{code}: {v}");
        let id = v[0]["service_request_id"].as_str().unwrap();
        let (_, r) = get_json(&app, &format!("/requests/{id}.json")).await;
        assert_eq!(r[0]["expected_datetime"], expected, "{code}");
    }
}

#[tokio::test]
async fn media_uploads_are_stored_by_sha256() {
    let app = TestApp::spawn().await;
    let key = new_key(&app).await;
    // A real JPEG carrying an EXIF block with a GPS position; the declared type is not
    // trusted. What is stored (and listed) is the re-encoded copy, without the metadata.
    let photo = crate::helpers::jpeg_with_gps();
    let form = reqwest::multipart::Form::new()
        .text("api_key", key.clone())
        .text("service_code", "wei_gui_guang_gao")
        .text("address_string", "解放路电线杆")
        .text("attribute[ad_kind]", "sticker")
        .text("description", "电线杆上贴满小广告")
        .part(
            "media",
            reqwest::multipart::Part::bytes(photo.clone())
                .file_name("现场.jpg")
                .mime_str("application/octet-stream")
                .unwrap(),
        );
    let r = reqwest::Client::new()
        .post(o311(&app, "/requests.json"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (s, _, body) = split(r).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    let id = v[0]["service_request_id"].as_str().unwrap();

    let (_, r) = get_json(&app, &format!("/requests/{id}.json?extensions=true")).await;
    let media = &r[0]["extended_attributes"]["media"];
    let sha = media[0]["sha256"].as_str().unwrap().to_string();
    assert_ne!(
        sha,
        fazhi::infra::secret::sha256_hex(&photo),
        "the original was stored"
    );
    let stored = std::fs::read(app.data_dir.join("evidence").join(&sha)).unwrap();
    assert_eq!(fazhi::infra::secret::sha256_hex(&stored), sha);
    assert!(
        image::load_from_memory(&stored).is_ok(),
        "stored copy decodes"
    );
    for secret in [&b"Exif"[..], b"GPSLatitude", b"SerialNumber"] {
        assert!(
            !stored.windows(secret.len()).any(|w| w == secret),
            "{} kept in the stored copy",
            String::from_utf8_lossy(secret)
        );
    }
    assert_eq!(
        media,
        &serde_json::json!([{"sha256": sha, "content_type": "image/jpeg", "size_bytes": stored.len()}])
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM complaint_media").await, 1);

    // The JPEG signature followed by anything else passes a magic-byte sniff, not the
    // decoder: refused with a Chinese reason, nothing recorded.
    let mut fake: Vec<u8> = vec![0xFF, 0xD8, 0xFF, 0xE0];
    fake.extend((4..5000u32).map(|i| (i % 251) as u8));
    let form = reqwest::multipart::Form::new()
        .text("api_key", key.clone())
        .text("service_code", "qi_ta")
        .text("address_string", "解放路")
        .part(
            "media",
            reqwest::multipart::Part::bytes(fake)
                .file_name("fake.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        );
    let r = reqwest::Client::new()
        .post(o311(&app, "/requests.json"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (s, _, body) = split(r).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body.contains("fake.jpg") && body.contains("无法识别为图片"),
        "{body}"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM complaints").await, 1);

    // Not an image or a video, whatever it claims: refused, nothing recorded.
    let form = reqwest::multipart::Form::new()
        .text("api_key", key.clone())
        .text("service_code", "qi_ta")
        .text("address_string", "解放路")
        .part(
            "media",
            reqwest::multipart::Part::bytes(b"MZ\x90\x00".to_vec())
                .file_name("photo.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        );
    let r = reqwest::Client::new()
        .post(o311(&app, "/requests.xml"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let (s, _, body) = split(r).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_spec_error_xml(&body, 400);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM complaints").await, 1);
}

#[tokio::test]
async fn a_json_body_is_refused_with_a_spec_error() {
    let app = TestApp::spawn().await;
    let key = new_key(&app).await;
    let r = reqwest::Client::new()
        .post(o311(&app, "/requests.json"))
        .json(&serde_json::json!({"api_key": key, "service_code": "qi_ta", "address_string": "人民路"}))
        .send()
        .await
        .unwrap();
    let (s, _, body) = split(r).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_spec_error_json(&serde_json::from_str(&body).unwrap(), 400);
}

#[tokio::test]
async fn too_many_requests_get_429_with_a_spec_body_never_500() {
    let base = TestApp::spawn().await;
    // login_rate_per_minute = 5 gives Open311 a limit of 100 a minute per IP.
    let addr = base.serve_with_login_rate(5).await;
    let client = reqwest::Client::new();
    let mut statuses = std::collections::BTreeMap::new();
    let mut limited_json = None;
    for i in 0..130 {
        let path = if i % 2 == 0 {
            "discovery.json"
        } else {
            "services.json"
        };
        let r = client
            .get(format!("http://{addr}/open311/v2/{path}"))
            .send()
            .await
            .unwrap();
        let status = r.status();
        *statuses.entry(status.as_u16()).or_insert(0) += 1;
        if status == StatusCode::TOO_MANY_REQUESTS && limited_json.is_none() {
            assert!(r.headers().get("retry-after").is_some());
            limited_json = Some(r.text().await.unwrap());
        }
    }
    assert!(statuses.contains_key(&429), "{statuses:?}");
    assert_eq!(
        statuses.keys().copied().collect::<Vec<_>>(),
        [200, 429],
        "{statuses:?}"
    );
    assert_spec_error_json(&serde_json::from_str(&limited_json.unwrap()).unwrap(), 429);
    let r = client
        .get(format!("http://{addr}/open311/v2/services.xml"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_spec_error_xml(&r.text().await.unwrap(), 429);
    // A POST over the limit is refused the same way, and stores nothing.
    let r = client
        .post(format!("http://{addr}/open311/v2/requests.json"))
        .form(&[("service_code", "qi_ta")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn the_cli_issues_a_key_that_works_once_printed() {
    let app = TestApp::spawn().await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_fazhi"))
        .args([
            "open311",
            "key",
            "create",
            "--name",
            "12345热线平台",
            "--database-url",
            &app.database_url,
        ])
        .output()
        .expect("run fazhi open311 key create");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert_eq!(key.len(), 64, "{key}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("12345热线平台"));
    let mut conn = app.state.db.pool.acquire().await.unwrap();
    let stored: String = sqlx::query_scalar("SELECT key_hash FROM open311_keys WHERE name = $1")
        .bind("12345热线平台")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    assert_eq!(stored, fazhi::infra::secret::token_hash(&key));
    assert_ne!(stored, key);
    let id = file_one(&app, &key, "经 CLI 签发的密钥提交").await;
    assert!(!id.is_empty());
}

#[tokio::test]
async fn concurrent_posts_on_a_fresh_database_get_distinct_ids() {
    let app = TestApp::spawn_on("2026-06-01").await;
    let key = new_key(&app).await;
    let mut tasks = Vec::new();
    for i in 0..20 {
        let url = o311(&app, "/requests.json");
        let key = key.clone();
        tasks.push(tokio::spawn(async move {
            let r = reqwest::Client::new()
                .post(url)
                .form(&[
                    ("api_key", key.as_str()),
                    ("service_code", "qi_ta"),
                    ("address_string", "人民路"),
                    ("description", &format!("并发提交第{i}件")),
                ])
                .send()
                .await
                .unwrap();
            let status = r.status();
            let v: Value = r.json().await.unwrap();
            assert_eq!(status, StatusCode::OK, "{v}");
            v[0]["service_request_id"].as_str().unwrap().to_string()
        }));
    }
    let mut got = Vec::new();
    for t in tasks {
        got.push(t.await.unwrap());
    }
    got.sort();
    let expected: Vec<String> = (1..=20).map(|n| format!("20260601-{n:05}")).collect();
    assert_eq!(got, expected);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM complaint_categories").await,
        11
    );
}

#[tokio::test]
async fn a_post_answers_in_xml_with_the_wrapper_and_an_empty_account_id() {
    let app = TestApp::spawn_on("2026-06-01").await;
    let key = new_key(&app).await;
    let (s, ct, xml) = post(
        &app,
        "/requests.xml",
        &[
            ("api_key", &key),
            ("service_code", "la_ji_man_yi"),
            ("address_string", "新华路垃圾站"),
            ("description", "垃圾桶满了两天没人清运"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{xml}");
    assert_eq!(ct, "text/xml; charset=utf-8");
    assert!(
        xml.starts_with(&format!(
            "{XML_DECLARATION}\n<service_requests><request><service_request_id>20260601-00001</service_request_id><token>"
        )),
        "{xml}"
    );
    assert!(
        xml.contains("</token><service_notice>诉求已受理，"),
        "{xml}"
    );
    assert!(
        xml.trim_end()
            .ends_with("</service_notice><account_id/></request></service_requests>"),
        "{xml}"
    );
}

/// A key revoked in the database while the intake still trusts its cached check: the intake
/// writer's own check refuses the complaint (403, nothing stored), hands its kept
/// connection back after the failed transaction, and the next complaint is written on a
/// fresh one.
#[tokio::test]
async fn the_intake_writer_recovers_after_a_refused_batch() {
    let app = TestApp::spawn_on("2026-06-01").await;
    let revoked = new_key(&app).await;
    let other = new_key(&app).await;
    file_one(&app, &revoked, "第一件，密钥有效").await;
    exec(
        &app,
        "UPDATE open311_keys SET revoked_at = $1 WHERE id IN (SELECT open311_key_id FROM complaints)",
        &["2026-06-01T02:00:00.000000Z"],
    )
    .await;
    let (s, v) = post_json(
        &app,
        &[
            ("api_key", revoked.as_str()),
            ("service_code", "qi_ta"),
            ("address_string", "人民路"),
            ("description", "密钥已吊销后提交"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    assert_spec_error_json(&v, 403);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM complaints").await, 1);

    let second = file_one(&app, &other, "第二件，另一把密钥").await;
    assert_eq!(second, "20260601-00002");
    file_direct(&app, "qi_ta").await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM complaints").await, 3);
}

/// A city's own intake file (`--complaint-categories`): its jurisdiction and time limits are
/// used, its categories become the database's at start (added, changed, the missing ones
/// deactivated, audited), and starting again with the same file changes nothing.
#[tokio::test]
async fn a_city_categories_file_replaces_the_shipped_settings() {
    let app = TestApp::spawn_on("2026-06-01").await;
    let city = complaint::CATEGORIES_TOML
        .replace("wolong.nanyang.gov.cn", "wancheng.nanyang.gov.cn")
        .replacen("time_limit = \"5wd\"", "time_limit = \"2wd\"", 1)
        .replace("code = \"lu_tian_shao_kao\"", "code = \"shao_kao_you_yan\"");
    let path = app.data_dir.join("city-categories.toml");
    std::fs::write(&path, city).unwrap();
    let mut settings = fazhi::infra::config::Settings::embedded(
        std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        &app.data_dir,
    )
    .with_complaint_categories_file(&path)
    .unwrap();
    settings.database_url = fazhi::infra::secret::Secret::new(app.database_url.clone());
    let city_state = fazhi::build_state(settings, std::sync::Arc::new(app.clock.clone()))
        .await
        .unwrap();

    let codes: Vec<String> = complaint::categories(&city_state)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.code)
        .collect();
    assert!(codes.contains(&"shao_kao_you_yan".to_string()), "{codes:?}");
    assert!(
        !codes.contains(&"lu_tian_shao_kao".to_string()),
        "{codes:?}"
    );
    let stall = complaint::category(&city_state, "zhan_dao_jing_ying")
        .await
        .unwrap();
    assert_eq!(stall.time_limit.describe(), "2个工作日");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'complaint_categories.sync'"
        )
        .await,
        1
    );
    assert!(complaint::check_jurisdiction(&city_state, Some("wancheng.nanyang.gov.cn")).is_ok());
    assert!(complaint::check_jurisdiction(&city_state, Some("wolong.nanyang.gov.cn")).is_err());

    // The running server reads the same table: the old category is no longer offered.
    let (s, services) = get_json(&app, "/services.json").await;
    assert_eq!(s, StatusCode::OK);
    let listed: Vec<&str> = services
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["service_code"].as_str().unwrap())
        .collect();
    assert!(listed.contains(&"shao_kao_you_yan") && !listed.contains(&"lu_tian_shao_kao"));

    assert_eq!(
        complaint::sync_categories(&city_state).await.unwrap(),
        complaint::CategorySync::default()
    );
}

#[test]
fn an_invalid_city_categories_file_is_refused_with_its_reason() {
    let dir = std::env::temp_dir().join(format!("fazhi-cat-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.toml");
    std::fs::write(
        &path,
        complaint::CATEGORIES_TOML.replace("[\"08:30\", \"12:00\"]", "[\"12:00\", \"08:30\"]"),
    )
    .unwrap();
    let err = fazhi::infra::config::Settings::embedded(
        std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        &dir,
    )
    .with_complaint_categories_file(&path)
    .expect_err("refused");
    assert!(err.to_string().contains("上班时段"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}
