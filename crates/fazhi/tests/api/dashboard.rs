//! 统计 (dashboard): cases and complaints seeded through the JSON API, then the figures on the
//! page, the drill-down to the records behind them, the roles, bad input, and the XLSX export
//! opened as a zip.

use crate::helpers::{Client, PASSWORD, TestApp, officer, parts, record_with};
use fazhi::service::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::io::Read;

/// Records `events` on a case; `legal` records the legal reviews, `leader` everything else.
async fn walk(leader: &Client, legal: &Client, case_id: &str, version: i64, events: &[Value]) {
    record_with(leader, legal, case_id, version, events).await;
}

/// A new case; returns (id, case number, version).
async fn case(
    leader: &Client,
    unit: &str,
    party: &str,
    procedure: &str,
    act: &str,
) -> (String, String, i64) {
    let (s, v) = parts(
        leader
            .post(
                "/cases",
                &json!({
                    "org_unit_id": unit, "party": {"kind": "individual", "name": party},
                    "procedure": procedure, "act_date": act, "violation": "zhan_dao_jing_ying",
                    "party_address": "卧龙区卧龙路1号"
                }),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    (
        v["case"]["id"].as_str().unwrap().to_string(),
        v["case"]["case_no"].as_str().unwrap().to_string(),
        v["case"]["version"].as_i64().unwrap(),
    )
}

/// What the seeding made.
pub struct Seeded {
    /// Ordinary case of 一中队 with a hearing, paid and archived in 2025.
    pub a: (String, String),
    /// Ordinary case of 二中队, a failed then a passed legal review, part paid, 2025.
    pub b: (String, String),
    /// Summary case of 一中队, 2025.
    pub c: (String, String),
    /// Registered December 2025, decided January 2026.
    pub d: (String, String),
    /// Complaints of 2026: replied (squad), withdrawn (no unit), resolved and rated (squad).
    pub complaints: Vec<String>,
}

async fn json_step(c: &Client, id: &str, path: &str, body: Value) -> Value {
    let (s, v) = parts(c.post(&format!("/complaints/{id}/{path}"), &body).await).await;
    assert_eq!(s, StatusCode::OK, "{path}: {v}");
    v
}

async fn intake(dispatcher: &Client) -> Value {
    let (s, v) = parts(
        dispatcher
            .post(
                "/complaints",
                &json!({
                    "service_code": "zhan_dao_jing_ying", "description": "路口有流动摊贩占道",
                    "lat": 33.0, "long": 112.5, "attributes": {"stall_kind": "mobile"},
                    "phone": "13812345678", "last_name": "张", "first_name": "三丰"
                }),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v
}

/// Four cases and three complaints on a clock standing at 2026-02-27 (see [`Seeded`]).
pub async fn seed(app: &TestApp) -> Seeded {
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let leader = app.user("juzhang", Role::Leader, &app.bureau).await;
    let legal = app.user("fazhi", Role::Legal, &app.bureau).await;
    let dispatcher = app.user("zhihui", Role::Dispatcher, &app.bureau).await;
    let officer_user = app.user("duiyuan", Role::Officer, &app.squad).await;
    let a1 = officer(&admin, &app.squad, "王强", "豫41000001").await;
    let a2 = officer(&admin, &app.squad, "李娜", "豫41000002").await;
    let chair = officer(&admin, &app.squad, "赵主持", "豫41000003").await;
    let b1 = officer(&admin, &app.other_squad, "孙伟", "豫41000004").await;
    let b2 = officer(&admin, &app.other_squad, "周敏", "豫41000005").await;

    let (a, a_no, v) = case(&leader, &app.squad, "张某某", "ordinary", "2025-03-01").await;
    walk(&leader, &legal, &a, v, &[
        json!({"on": "2025-03-03", "type": "register", "officers": [a1, a2]}),
        json!({"on": "2025-03-04", "type": "evidence", "officers": [a1, a2]}),
        json!({"on": "2025-03-10", "type": "advance_notice", "officers": [a1, a2], "proposed": {"fine": 6000}, "rights": ["statement", "defence", "hearing"]}),
        json!({"on": "2025-03-12", "type": "hearing_request"}),
        json!({"on": "2025-03-13", "type": "hearing_notice", "hearing_on": "2025-03-25"}),
        json!({"on": "2025-03-25", "type": "hearing", "chair": chair}),
        json!({"on": "2025-03-28", "type": "legal_review", "result": "pass"}),
        json!({"on": "2025-03-31", "type": "deliberation"}),
        json!({"on": "2025-04-01", "type": "decision", "officers": [a1, a2], "outcome": "penalty", "penalty": {"fine": 6000}}),
        json!({"on": "2025-04-02", "type": "service", "method": "direct"}),
        json!({"on": "2025-04-10", "type": "payment", "amount": 6000}),
        json!({"on": "2025-04-15", "type": "close"}),
        json!({"on": "2025-04-16", "type": "archive"}),
    ]).await;

    let (b, b_no, v) = case(&leader, &app.other_squad, "钱某", "ordinary", "2025-11-01").await;
    walk(&leader, &legal, &b, v, &[
        json!({"on": "2025-11-03", "type": "register", "officers": [b1, b2]}),
        json!({"on": "2025-11-04", "type": "evidence", "officers": [b1, b2]}),
        json!({"on": "2025-11-10", "type": "advance_notice", "officers": [b1, b2], "proposed": {"fine": 1000}, "rights": ["statement", "defence"]}),
        json!({"on": "2025-11-14", "type": "legal_review", "result": "fail"}),
        json!({"on": "2025-11-18", "type": "legal_review", "result": "pass"}),
        json!({"on": "2025-11-20", "type": "decision", "officers": [b1, b2], "outcome": "penalty", "penalty": {"fine": 1000}}),
        json!({"on": "2025-11-21", "type": "service", "method": "direct"}),
        json!({"on": "2025-12-01", "type": "payment", "amount": 400}),
    ]).await;

    let (c, c_no, v) = case(&leader, &app.squad, "孙某", "summary", "2025-07-01").await;
    walk(&leader, &legal, &c, v, &[
        json!({"on": "2025-07-01", "type": "summary_penalty", "officers": [a1, a2], "penalty": {"fine": 50}}),
        json!({"on": "2025-07-02", "type": "payment", "amount": 50}),
    ]).await;

    let (d, d_no, v) = case(&leader, &app.squad, "李某", "ordinary", "2025-12-10").await;
    walk(&leader, &legal, &d, v, &[
        json!({"on": "2025-12-15", "type": "register", "officers": [a1, a2]}),
        json!({"on": "2025-12-16", "type": "evidence", "officers": [a1, a2]}),
        json!({"on": "2025-12-22", "type": "advance_notice", "officers": [a1, a2], "proposed": {"fine": 100}, "rights": ["statement", "defence"]}),
        json!({"on": "2026-01-06", "type": "decision", "officers": [a1, a2], "outcome": "penalty", "penalty": {"fine": 100}}),
    ]).await;

    // Complaints (received on the clock's day, 2026-02-27).
    let x = intake(&dispatcher).await;
    let x_id = x["complaint"]["id"].as_str().unwrap().to_string();
    let v = json_step(
        &dispatcher,
        &x_id,
        "dispatch",
        json!({"expected_version": 1, "org_unit_id": app.squad}),
    )
    .await;
    json_step(
        &officer_user,
        &x_id,
        "reply",
        json!({"expected_version": v["version"], "text": "已劝离摊贩并告知其到规定区域经营。"}),
    )
    .await;

    let y = intake(&dispatcher).await;
    let y_id = y["complaint"]["id"].as_str().unwrap().to_string();
    json_step(
        &dispatcher,
        &y_id,
        "close",
        json!({"expected_version": 1, "final_state": "withdrawn", "reason": "来电人撤回"}),
    )
    .await;

    let z = intake(&dispatcher).await;
    let z_id = z["complaint"]["id"].as_str().unwrap().to_string();
    let z_token = z["token"].as_str().unwrap().to_string();
    let v = json_step(
        &dispatcher,
        &z_id,
        "dispatch",
        json!({"expected_version": 1, "org_unit_id": app.squad}),
    )
    .await;
    let v = json_step(
        &officer_user,
        &z_id,
        "reply",
        json!({"expected_version": v["version"], "text": "占道摊点已清理，现场已恢复通行。"}),
    )
    .await;
    let after = crate::helpers::photo_png([0, 160, 60]);
    let form = reqwest::multipart::Form::new()
        .text("expected_version", v["version"].to_string())
        .text("note", "现场核查，已清理")
        .part(
            "before",
            reqwest::multipart::Part::bytes(crate::helpers::photo_png([180, 40, 40]))
                .file_name("before.png"),
        )
        .part(
            "after",
            reqwest::multipart::Part::bytes(after).file_name("after.png"),
        );
    let r = officer_user
        .post_multipart(&format!("/complaints/{z_id}/verification"), form)
        .await;
    let (s, v) = parts(r).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    json_step(
        &dispatcher,
        &z_id,
        "close",
        json!({"expected_version": v["version"], "final_state": "resolved", "tag_721": "service"}),
    )
    .await;
    let r = reqwest::Client::new()
        .post(format!(
            "http://{}/api/v1/public/complaints/{z_token}/rating",
            app.addr
        ))
        .json(&json!({"rating": "满意"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    Seeded {
        a: (a, a_no),
        b: (b, b_no),
        c: (c, c_no),
        d: (d, d_no),
        complaints: vec![x_id, y_id, z_id],
    }
}

/// A browser-like client logged in through the login form (session cookie).
pub async fn login(app: &TestApp, username: &str) -> reqwest::Client {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let r = crate::helpers::submit_login_form(
        &http,
        &app.root(),
        &[
            ("username", username),
            ("password", PASSWORD),
            ("next", "/workbench"),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK, "login as {username}");
    assert!(r.url().path().ends_with("/workbench"), "{}", r.url());
    http
}

async fn page(http: &reqwest::Client, app: &TestApp, path: &str) -> (StatusCode, String) {
    let r = http
        .get(format!("{}{path}", app.root()))
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

/// The number shown for the figure `key` (the text of its link).
fn figure(html: &str, key: &str) -> String {
    let marker = format!("data-key=\"{key}\"");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("figure {key} not on the page"));
    let rest = &html[at..];
    let start = rest.find('>').unwrap() + 1;
    let end = rest.find("</a>").unwrap();
    rest[start..end].trim().to_string()
}

#[tokio::test]
async fn the_dashboard_counts_the_year_and_drills_down_to_the_records() {
    let app = TestApp::spawn_on("2026-02-27").await;
    let s = seed(&app).await;
    let _squad_leader = app.user("zhongduizhang", Role::Leader, &app.squad).await;
    let _officer = app.user("yuan", Role::Officer, &app.squad).await;
    let _partner = app.user("zhujian", Role::Partner, &app.partner).await;

    // The bureau's leader, 2025.
    let http = login(&app, "juzhang").await;
    let (st, html) = page(&http, &app, "/dashboard?year=2025").await;
    assert_eq!(st, StatusCode::OK, "{html}");
    assert!(html.contains("2025年统计"));
    for (key, want) in [
        ("cases.registered", "4"),
        ("cases.procedure.ordinary", "3"),
        ("cases.procedure.summary", "1"),
        ("cases.violation.zhan_dao_jing_ying", "4"),
        (&format!("cases.unit.{}", app.squad), "3"),
        (&format!("cases.unit.{}", app.other_squad), "1"),
        ("decisions.penalty", "3"),
        ("decisions.no_penalty", "0"),
        ("fines.decided", "7,050.00元"),
        ("fines.paid", "6,450.00元"),
        ("hearings.requested", "1"),
        ("hearings.held", "1"),
        ("reviews.total", "3"),
        ("reviews.pass", "2"),
        ("reviews.fail", "1"),
        ("deliberations", "1"),
        ("court.applications", "0"),
        ("cases.closed", "1"),
        ("cases.archived", "1"),
        ("complaints.received", "0"),
    ] {
        assert_eq!(figure(&html, key), want, "{key}");
    }
    assert!(html.contains("一中队") && html.contains("二中队"));
    assert!(html.contains("class=\"bar\""), "bar charts drawn");

    // 2026 is the clock's year: the default.
    let (st, html) = page(&http, &app, "/dashboard").await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("2026年统计"));
    assert_eq!(figure(&html, "cases.registered"), "0");
    assert_eq!(figure(&html, "decisions.penalty"), "1");
    assert_eq!(figure(&html, "fines.decided"), "100.00元");
    // The bureau leader sees the two squad complaints (the withdrawn one has no unit).
    assert_eq!(figure(&html, "complaints.received"), "2");
    assert_eq!(figure(&html, "complaints.answered"), "2");
    assert_eq!(figure(&html, "complaints.tag721.service"), "1");
    assert_eq!(figure(&html, "complaints.satisfaction_rate"), "100.00%");

    // Drill-down: the decided fines of 2025 are cases A, B and C, with their amounts.
    let (st, html) = page(
        &http,
        &app,
        "/dashboard/records?figure=fines.decided&year=2025",
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{html}");
    for (id, no) in [&s.a, &s.b, &s.c] {
        assert!(
            html.contains(&format!("href=\"/cases/{id}\"")),
            "{no} listed"
        );
        assert!(html.contains(no.as_str()));
    }
    assert!(
        !html.contains(&format!("/cases/{}", s.d.0)),
        "D was decided in 2026"
    );
    assert!(html.contains("6,000.00元") && html.contains("7,050.00元"));
    let (_, html) = page(
        &http,
        &app,
        "/dashboard/records?figure=reviews.fail&year=2025",
    )
    .await;
    assert!(
        html.contains(&format!("/cases/{}", s.b.0)) && !html.contains(&format!("/cases/{}", s.a.0))
    );
    let (st, html) = page(
        &http,
        &app,
        "/dashboard/records?figure=complaints.received&year=2026",
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains(&format!("href=\"/complaints/{}\"", s.complaints[0])));
    assert!(html.contains(&format!("href=\"/complaints/{}\"", s.complaints[2])));

    // Bad input: a page, never a 500.
    let (st, html) = page(&http, &app, "/dashboard/records?figure=nope&year=2025").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert!(html.contains("统计项不存在"));
    let (st, _) = page(&http, &app, "/dashboard?year=abc").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let (st, html) = page(&http, &app, "/dashboard?year=1999").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("2000"));
    let (st, _) = page(&http, &app, "/dashboard/records?year=2025").await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    // Scope: the squad's leader counts only the squad's cases.
    let squad = login(&app, "zhongduizhang").await;
    let (_, html) = page(&squad, &app, "/dashboard?year=2025").await;
    assert_eq!(figure(&html, "cases.registered"), "3");
    assert_eq!(figure(&html, "fines.decided"), "6,050.00元");
    assert!(!html.contains(&format!("cases.unit.{}", app.other_squad)));

    // The admin counts every complaint, as the complaint statistics of the API do.
    let admin = login(&app, "admin").await;
    let (_, html) = page(&admin, &app, "/dashboard?year=2026").await;
    let api = app.user("stats", Role::Admin, &app.bureau).await;
    let (_, stats) = parts(api.get("/complaints/stats?year=2026").await).await;
    for (key, field) in [
        ("complaints.received", "received"),
        ("complaints.answered", "answered"),
        ("complaints.on_time", "answered_on_time"),
        ("complaints.rated", "rated"),
        ("complaints.satisfied", "satisfied"),
        ("complaints.closed", "closed"),
        ("complaints.reopened", "reopened"),
    ] {
        assert_eq!(
            figure(&html, key),
            stats[field].to_string(),
            "{key} = {field}"
        );
    }
    assert_eq!(figure(&html, "complaints.received"), "3");
    assert_eq!(figure(&html, "complaints.final.withdrawn"), "1");
    assert_eq!(figure(&html, "complaints.channel.phone"), "3");

    // Legal staff: the case figures, no complaint figures.
    let legal = login(&app, "fazhi").await;
    let (st, html) = page(&legal, &app, "/dashboard?year=2025").await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(figure(&html, "reviews.total"), "3");
    assert!(!html.contains("data-key=\"complaints.received\""));
    let (st, _) = page(
        &legal,
        &app,
        "/dashboard/records?figure=complaints.received&year=2026",
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    // Officers and partners: the 403 page.
    for who in ["yuan", "zhujian"] {
        let http = login(&app, who).await;
        for path in [
            "/dashboard",
            "/dashboard/records?figure=cases.registered",
            "/dashboard/export.xlsx",
        ] {
            let (st, html) = page(&http, &app, path).await;
            assert_eq!(st, StatusCode::FORBIDDEN, "{who} {path}");
            assert!(html.contains("无权访问"));
        }
    }
    // No session: the login page.
    let r = reqwest::Client::new()
        .get(format!("{}/dashboard", app.root()))
        .send()
        .await
        .unwrap();
    assert!(r.url().path().ends_with("/login"));
}

#[tokio::test]
async fn the_figures_export_to_xlsx_with_a_sheet_per_record_list() {
    let app = TestApp::spawn_on("2026-02-27").await;
    let s = seed(&app).await;
    let http = login(&app, "juzhang").await;
    let r = http
        .get(format!("{}/dashboard/export.xlsx?year=2025", app.root()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''2025%E5%B9%B4%E7%BB%9F%E8%AE%A1.xlsx"),
        "{disposition}"
    );
    let bytes = r.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut read = |name: &str| {
        let mut text = String::new();
        zip.by_name(name)
            .unwrap_or_else(|_| panic!("{name} in the workbook"))
            .read_to_string(&mut text)
            .unwrap();
        text
    };
    let workbook = read("xl/workbook.xml");
    assert!(workbook.contains("name=\"2025年统计\""), "{workbook}");
    assert!(
        workbook.contains("新立案件"),
        "a sheet for the registered cases"
    );
    assert!(
        workbook.contains("决定罚款金额"),
        "a sheet for the decided fines"
    );
    let strings = read("xl/sharedStrings.xml");
    for needle in [
        "类别",
        "指标",
        "数值",
        "新立案件（含当场处罚）",
        "决定罚款金额",
        "法制审核未通过",
        "案件编号",
        "当事人",
        s.a.1.as_str(),
        s.b.1.as_str(),
        "张某某",
    ] {
        assert!(strings.contains(needle), "shared strings lack {needle}");
    }
    let summary = read("xl/worksheets/sheet1.xml");
    let styles = read("xl/styles.xml");
    // 4 registered, 7,050 yuan decided, 6,450 paid.
    for value in ["<v>4</v>", "<v>7050</v>", "<v>6450</v>", "<v>3</v>"] {
        assert!(summary.contains(value), "summary sheet lacks {value}");
    }
    // The sheet of the decided fines lists the three amounts.
    let fines_sheet = (2..40)
        .map(|i| format!("xl/worksheets/sheet{i}.xml"))
        .filter_map(|n| {
            zip.by_name(&n).ok().map(|mut f| {
                let mut t = String::new();
                f.read_to_string(&mut t).unwrap();
                t
            })
        })
        .find(|t| {
            t.contains("<v>6000</v>") && t.contains("<v>1000</v>") && t.contains("<v>50</v>")
        });
    let fines_sheet = fines_sheet.expect("a sheet with the decided fines");
    // Dates are date cells (a serial number with a date format), not text.
    assert!(
        !strings
            .split("<t>")
            .any(|t| t.len() >= 10 && t.as_bytes()[4] == b'-' && t[..4].starts_with("20")),
        "a date written as text: {strings}"
    );
    assert!(
        fines_sheet.contains("<v>4"),
        "2025 dates are serial numbers ≥ 45658"
    );
    // Print setup: A4, one page wide, landscape record sheets, page numbers in the footer.
    assert!(summary.contains(r#"paperSize="9""#), "{summary}");
    assert!(summary.contains("第 &amp;P 页 共 &amp;N 页"), "{summary}");
    assert!(fines_sheet.contains(r#"orientation="landscape""#));
    assert!(fines_sheet.contains(r#"fitToHeight="0""#));
    assert!(styles.contains("yyyy-mm-dd"), "a date format");
    // An empty year is still a workbook.
    let r = http
        .get(format!("{}/dashboard/export.xlsx?year=2024", app.root()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}
