//! Issue 9 §1 — the calendar never stops the work: deadlines in a year whose holiday notice is
//! not loaded are provisional, never refused; an administrator or the legal office loads the
//! year through the page, the API or the CLI (validated, audited, effective at once), and the
//! open deadlines that moved are listed; the workbench warns from 1 November.

use crate::helpers::*;
use fazhi::service::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// An invented 2027 arrangement in the shape of a notice (the real one is not published yet).
fn arrangement_2027() -> Value {
    json!({
        "source": "测试：国务院办公厅关于2027年部分节假日安排的通知",
        "holidays": [
            {"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"},
            {"name": "春节", "from": "2027-02-05", "to": "2027-02-11"},
            {"name": "清明节", "from": "2027-04-03", "to": "2027-04-05"},
            {"name": "劳动节", "from": "2027-05-01", "to": "2027-05-03"},
            {"name": "端午节", "from": "2027-06-09", "to": "2027-06-09"},
            {"name": "中秋节", "from": "2027-09-15", "to": "2027-09-15"},
            {"name": "国庆节", "from": "2027-10-01", "to": "2027-10-07"}
        ],
        "workdays": ["2027-02-20"]
    })
}

const HOLIDAY_LINES_2027: &str = "元旦 2027-01-01 2027-01-03\n春节 2027-02-05 2027-02-11\n清明节 2027-04-03 2027-04-05\n劳动节 2027-05-01 2027-05-03\n端午节 2027-06-09\n中秋节 2027-09-15\n国庆节 2027-10-01 2027-10-07\n";

const TOML_2027: &str = r#"
[2027]
source = "测试：国务院办公厅关于2027年部分节假日安排的通知"
workdays = [2027-02-20]
[2027.off]
new_year = [2027-01-01, 2027-01-02, 2027-01-03]
spring_festival = [2027-02-05, 2027-02-06, 2027-02-07, 2027-02-08, 2027-02-09, 2027-02-10, 2027-02-11]
qingming = [2027-04-03, 2027-04-04, 2027-04-05]
labour_day = [2027-05-01, 2027-05-02, 2027-05-03]
dragon_boat = [2027-06-09]
mid_autumn = [2027-09-15]
national_day = [2027-10-01, 2027-10-02, 2027-10-03, 2027-10-04, 2027-10-05, 2027-10-06, 2027-10-07]
"#;

/// The text between `start` and the next `end` after it.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let i = html.find(start).expect(start) + start.len();
    let j = html[i..].find(end).expect(end);
    &html[i..i + j]
}

async fn audit_loads(app: &TestApp) -> Vec<(String, String)> {
    let mut conn = app.state.db.pool.acquire().await.unwrap();
    sqlx::query_as(
        "SELECT entity_id, content FROM audit_log WHERE action = 'calendar.load' ORDER BY seq",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_year_not_loaded_is_provisional_and_the_api_loads_it() {
    let app = TestApp::spawn_on("2026-11-20").await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let officer_user = app.user("officer", Role::Officer, &app.squad).await;

    // 2027-02-08 is 正月初三 (provisional Spring Festival: 2月5日除夕 to 2月8日).
    let (s, b) = parts(
        officer_user
            .get("/calendar/add?from=2027-02-08&span=1wd")
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["result"], "2027-02-09");
    assert_eq!(b["provisional"], true);
    let (_, b) = parts(
        officer_user
            .get("/calendar/add?from=2026-09-01&span=5wd")
            .await,
    )
    .await;
    assert!(b.get("provisional").is_none(), "{b}");
    let (s, y) = parts(officer_user.get("/calendars/2027").await).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(y["status"], "provisional");
    assert!(y["source"].as_str().unwrap().contains("暂定"));
    assert!(
        y["holidays"]
            .as_array()
            .unwrap()
            .contains(&json!({"name": "春节", "from": "2027-02-05", "to": "2027-02-08"}))
    );

    // Only an administrator or the legal office may load.
    let (s, b) = parts(
        officer_user
            .put("/calendars/2027", &arrangement_2027())
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("系统管理员")
    );

    // A statutory holiday that is worked is refused, naming it.
    let mut no_dragon_boat = arrangement_2027();
    no_dragon_boat["holidays"]
        .as_array_mut()
        .unwrap()
        .retain(|h| h["name"] != "端午节");
    let (s, b) = parts(admin.put("/calendars/2027", &no_dragon_boat).await).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(b["error"]["code"], "invalid_calendar");
    let msg = b["error"]["message"].as_str().unwrap();
    assert!(msg.contains("2027-06-09（端午节，周三）"), "{msg}");
    assert!(msg.contains("全国年节及纪念日放假办法"), "{msg}");
    // A make-up working day on a weekday is refused.
    let mut weekday = arrangement_2027();
    weekday["workdays"] = json!(["2027-02-22"]);
    let (s, b) = parts(admin.put("/calendars/2027", &weekday).await).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        b["error"]["message"]
            .as_str()
            .unwrap()
            .contains("调休上班日只能是周六或周日"),
        "{b}"
    );
    // Dates outside the year, and years outside the calendar.
    let mut other_year = arrangement_2027();
    other_year["workdays"] = json!(["2028-02-19"]);
    let (s, _) = parts(admin.put("/calendars/2027", &other_year).await).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, b) = parts(admin.put("/calendars/2100", &arrangement_2027()).await).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("calendar_out_of_range")
        )
    );
    assert!(audit_loads(&app).await.is_empty());

    let (s, b) = parts(admin.put("/calendars/2027", &arrangement_2027()).await).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    assert_eq!(b["years"], json!([2027]));
    // At once: the same day now counts on the notice (2月5日 to 11日 off).
    let (_, b) = parts(
        officer_user
            .get("/calendar/add?from=2027-02-08&span=1wd")
            .await,
    )
    .await;
    assert_eq!(b["result"], "2027-02-12");
    assert!(b.get("provisional").is_none(), "{b}");
    let (_, y) = parts(officer_user.get("/calendars/2027").await).await;
    assert_eq!(y["status"], "loaded");
    assert_eq!(y["loaded_by"], "测试admin");
    assert_eq!(y["workdays"], json!(["2027-02-20"]));
    let loads = audit_loads(&app).await;
    assert_eq!(loads.len(), 1);
    assert_eq!(loads[0].0, "2027");
    assert!(loads[0].1.contains("\"via\":\"api\""), "{}", loads[0].1);
}

/// Officers with certificates valid into 2028, for events in 2027.
async fn officers_for_2027(admin: &Client, unit: &str) -> (String, String) {
    let mut ids = Vec::new();
    for (name, no) in [("王强", "豫41132701"), ("李娜", "豫41132702")] {
        let (s, o) = parts(
            admin
                .post("/officers", &json!({"name": name, "org_unit_id": unit}))
                .await,
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{o}");
        let id = o["id"].as_str().unwrap().to_string();
        let (s, c) = parts(admin.post(&format!("/officers/{id}/certificates"), &json!({
            "cert_no": no, "issuer": "河南省人民政府", "scope": "城市管理", "valid_from": "2026-01-01", "valid_until": "2028-12-31"
        })).await).await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
        ids.push(id);
    }
    (ids[0].clone(), ids[1].clone())
}

fn service_deadline(view: &Value) -> Value {
    view["check"]["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "service_deadline")
        .cloned()
        .unwrap_or(Value::Null)
}

#[tokio::test]
async fn loading_2027_through_the_page_moves_an_open_deadline() {
    let app = TestApp::spawn_on("2027-02-01").await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    app.user("officer", Role::Officer, &app.squad).await;
    let (a, b) = officers_for_2027(&admin, &app.squad).await;
    let (case_id, version) = new_case(&leader, &app.squad).await;
    // Every event lies in 2027, whose notice is not loaded: none is refused.
    record(&leader, &case_id, version, &[
        json!({"on": "2027-01-11", "type": "register", "officers": [a, b]}),
        json!({"on": "2027-01-12", "type": "evidence", "officers": [a, b]}),
        json!({"on": "2027-01-18", "type": "advance_notice", "officers": [a, b], "proposed": {"fine": 500}, "rights": ["statement", "defence"]}),
        json!({"on": "2027-01-29", "type": "decision", "officers": [a, b], "outcome": "penalty", "penalty": {"fine": 500}}),
    ]).await;
    let (_, view) = parts(leader.get(&format!("/cases/{case_id}")).await).await;
    // 7 working days after Friday 29 January, over the provisional Spring Festival (5–8 Feb).
    let d = service_deadline(&view);
    assert_eq!(d["due"], "2027-02-11", "{view}");
    assert_eq!(d["provisional"], true);
    let case_no = view["case"]["case_no"].as_str().unwrap().to_string();
    // The case page says the date is provisional.
    let s = PageSession::login(&app, "leader").await;
    let page = s.get(&format!("/cases/{case_id}")).await;
    assert!(
        page.body
            .contains("暂定（待国务院办公厅放假安排发布后核定）"),
        "{}",
        page.body
    );

    // Others may read the calendar page but not load.
    let officer_page = PageSession::login(&app, "officer").await;
    let p = officer_page.get("/calendars").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(!p.body.contains("id=\"load\""));
    let refused = officer_page
        .post(
            "/calendars",
            &[
                ("year", "2027"),
                ("source", "x"),
                ("holidays", HOLIDAY_LINES_2027),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let admin_page = PageSession::login(&app, "admin").await;
    let p = admin_page.get("/calendars").await;
    assert!(p.body.contains("id=\"load\""));
    assert!(p.body.contains("2028年的节假日安排尚未载入"));
    // A form error in Chinese, the input kept.
    let bad = admin_page
        .post(
            "/calendars",
            &[
                ("year", "2027"),
                ("source", "测试通知"),
                ("holidays", "春节 2027-02-05 到 2027-02-11\n"),
                ("workdays", ""),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"holidays-error\""), "{}", bad.body);
    assert!(bad.body.contains("格式不对"));
    let missing = admin_page
        .post(
            "/calendars",
            &[
                ("year", "2027"),
                ("source", "测试通知"),
                ("holidays", "春节 2027-02-05 2027-02-11\n"),
                ("workdays", "2027-02-20"),
            ],
        )
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        missing.body.contains("id=\"load-error\""),
        "{}",
        missing.body
    );
    assert!(missing.body.contains("元旦"), "the missing 元旦 is named");

    let done = admin_page
        .post(
            "/calendars",
            &[
                ("year", "2027"),
                ("source", "测试：国务院办公厅关于2027年部分节假日安排的通知"),
                ("holidays", HOLIDAY_LINES_2027),
                ("workdays", "2027-02-20"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let moved = between(&done.body, "id=\"moved\"", "</table>");
    assert!(moved.contains(&case_no), "{moved}");
    assert!(
        moved.contains("2027年2月11日") && moved.contains("2027年2月16日"),
        "{moved}"
    );
    // The deadline a user reads has moved: 2月12日, 15日, 16日 after 4 days before the holiday.
    let (_, view) = parts(leader.get(&format!("/cases/{case_id}")).await).await;
    let d = service_deadline(&view);
    assert_eq!(d["due"], "2027-02-16", "{view}");
    assert!(d.get("provisional").is_none(), "{d}");
    let loads = audit_loads(&app).await;
    assert_eq!(loads.len(), 1);
    assert!(loads[0].1.contains("\"via\":\"page\"") && loads[0].1.contains(&case_id));
}

#[tokio::test]
async fn the_cli_loads_a_data_file_and_every_server_follows() {
    let app = TestApp::spawn_on("2026-12-01").await;
    app.user("admin", Role::Admin, &app.bureau).await;
    app.user("officer", Role::Officer, &app.squad).await;
    let legal = app.user("legal", Role::Legal, &app.bureau).await;
    let (_, y) = parts(legal.get("/calendars/2027").await).await;
    assert_eq!(y["status"], "provisional");
    let file = app.data_dir.join("2027.toml");
    std::fs::write(&file, TOML_2027).unwrap();
    let f = file.to_str().unwrap();
    let db = ["--database-url", app.database_url.as_str()];

    let mut args = vec!["calendar", "load", f, "--as", "officer"];
    args.extend_from_slice(&db);
    let (code, _, err) = fazhi_cli(&args, "");
    assert_ne!(code, 0);
    assert!(err.contains("系统管理员"), "{err}");

    let bad = app.data_dir.join("bad.toml");
    std::fs::write(&bad, TOML_2027.replace("dragon_boat = [2027-06-09]\n", "")).unwrap();
    let mut args = vec!["calendar", "load", bad.to_str().unwrap(), "--as", "admin"];
    args.extend_from_slice(&db);
    let (code, _, err) = fazhi_cli(&args, "");
    assert_ne!(code, 0);
    assert!(err.contains("端午节"), "{err}");

    let mut args = vec!["calendar", "load", f, "--as", "admin"];
    args.extend_from_slice(&db);
    let (code, out, err) = fazhi_cli(&args, "");
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("已载入2027年的节假日安排"), "{out}");
    // The running server learns of it from the database within seconds, without a restart.
    tokio::time::sleep(fazhi::service::calendar::RECHECK + std::time::Duration::from_millis(300))
        .await;
    let (_, y) = parts(legal.get("/calendars/2027").await).await;
    assert_eq!(y["status"], "loaded", "{y}");
    assert_eq!(y["loaded_by"], "测试admin");
    let (_, b) = parts(legal.get("/calendar/add?from=2027-02-08&span=1wd").await).await;
    assert_eq!(b["result"], "2027-02-12");
    let loads = audit_loads(&app).await;
    assert_eq!(loads.len(), 1);
    assert!(loads[0].1.contains("\"via\":\"cli\""));
}

#[tokio::test]
async fn from_1_november_admins_and_leaders_are_warned_until_next_year_is_loaded() {
    let app = TestApp::spawn_on("2026-10-31").await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    app.user("leader", Role::Leader, &app.bureau).await;
    app.user("officer", Role::Officer, &app.squad).await;
    let warned = |body: &str| body.contains("id=\"calendar-warning\"");
    let w = PageSession::login(&app, "admin")
        .await
        .get("/workbench")
        .await
        .body;
    assert!(w.contains("id=\"counts\"") || w.contains("工作台"), "{w}");
    assert!(!warned(&w));
    // A day later (new sessions: the clock moved past the old ones' end).
    app.clock.set_date(date("2026-11-01"));
    let admin_page = PageSession::login(&app, "admin").await;
    let leader_page = PageSession::login(&app, "leader").await;
    let officer_page = PageSession::login(&app, "officer").await;
    let w = admin_page.get("/workbench").await.body;
    assert!(warned(&w), "{w}");
    assert!(w.contains("2027年的节假日安排尚未载入"));
    assert!(warned(&leader_page.get("/workbench").await.body));
    assert!(!warned(&officer_page.get("/workbench").await.body));
    let (s, _) = parts(admin.put("/calendars/2027", &arrangement_2027()).await).await;
    assert_eq!(s, StatusCode::OK);
    assert!(!warned(&admin_page.get("/workbench").await.body));
    assert!(!warned(&leader_page.get("/workbench").await.body));
}

async fn open311_json(r: reqwest::Response) -> Value {
    r.json().await.unwrap()
}

#[tokio::test]
async fn loading_a_year_recomputes_the_due_time_of_open_complaints() {
    // Wednesday 3 February 2027, noon; 噪声扰民 is due in 3 working days.
    let app = TestApp::spawn_on("2027-02-03").await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let (_, key) = fazhi::service::complaint::create_key(&app.state, None, "测试客户端")
        .await
        .unwrap();
    let o311 = |path: &str| format!("http://{}/open311/v2{path}", app.addr);
    let created = open311_json(
        reqwest::Client::new()
            .post(o311("/requests.json"))
            .form(&[
                ("api_key", key.expose()),
                ("service_code", "zao_sheng_rao_min"),
                ("address_string", "人民路"),
                ("attribute[noise_source][]", "other"),
                ("attribute[time_of_day]", "day"),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    let id = created[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_string();
    let due = |v: &Value| v[0]["expected_datetime"].as_str().unwrap_or("").to_string();
    let before = open311_json(
        reqwest::get(o311(&format!("/requests/{id}.json")))
            .await
            .unwrap(),
    )
    .await;
    // Provisional: 4 February, then 9 and 10 February (5–8 February are the statutory 春节).
    assert_eq!(due(&before), "2027-02-10T18:00:00+08:00");
    let (s, b) = parts(admin.put("/calendars/2027", &arrangement_2027()).await).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let moved: Vec<&Value> = b["moved"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "complaint")
        .collect();
    assert_eq!(moved.len(), 1, "{b}");
    assert_eq!(moved[0]["number"], id.as_str());
    assert_eq!(moved[0]["old"], "2027年2月10日 18:00");
    assert_eq!(moved[0]["new"], "2027年2月15日 18:00");
    // The notice: 5–11 February off, so 4, 12 and 15 February.
    let after = open311_json(
        reqwest::get(o311(&format!("/requests/{id}.json")))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(due(&after), "2027-02-15T18:00:00+08:00");
}
