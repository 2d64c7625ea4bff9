//! A full ordinary-procedure case walked through the pages, from opening the file to the
//! archive, with a refused step and its explanation on the way; the summary procedure on a
//! phone; and a partner department's user refused a case page.

use crate::browser::{Browser, Screen};
use crate::helpers::{PASSWORD, TestApp, date, officer};
use fazhi::service::auth::Role;

/// Moves the injected clock and logs in again (the session's 8 hours pass with the clock).
async fn advance(app: &TestApp, b: &Browser, day: &str) {
    app.clock.set_date(date(day));
    b.login("juzhang", PASSWORD).await;
}

/// Ticks two officers and submits the step form at `path`, landing back on the case page.
async fn step(b: &Browser, case_path: &str, code: &str, officers: &[&str], fill: &[(&str, &str)]) {
    b.goto(&format!("{case_path}/steps/{code}")).await;
    for o in officers {
        b.click(&format!("input[name=officers][value='{o}']")).await;
    }
    for (css, value) in fill {
        if css.starts_with("select") {
            let (sel, v) = (css.trim_start_matches("select"), value);
            b.select(sel, v).await;
        } else if value.is_empty() {
            b.click(css).await;
        } else {
            b.fill(css, value).await;
        }
    }
    b.submit(".step-form button[type=submit]").await;
    b.find("#timeline").await;
    assert_eq!(b.path().await, case_path, "step {code} was recorded");
}

#[tokio::test]
async fn an_ordinary_case_from_filing_to_archive_through_the_pages() {
    let app = TestApp::spawn_on("2025-04-01").await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let a = officer(&admin, &app.squad, "王强", "豫41000001").await;
    let c = officer(&admin, &app.squad, "李娜", "豫41000002").await;
    let _ = app.user("juzhang", Role::Leader, &app.bureau).await;
    let Some(b) = Browser::start(&app.root(), Screen::Desktop).await else {
        return;
    };
    b.goto("/login").await;
    b.screenshot("login").await;
    b.login("juzhang", PASSWORD).await;

    // Open the file.
    b.goto("/cases/new").await;
    b.select("#org_unit_id", &app.squad).await;
    b.fill("#party_name", "张某某").await;
    b.fill("#party_address", "卧龙区卧龙路1号").await;
    b.fill("#act_date", "2025-03-28").await;
    b.select("#violation", "zhan_dao_jing_ying").await;
    b.submit(".step-form button[type=submit]").await;
    b.find("#actions").await;
    let case_path = b.path().await;
    assert!(case_path.starts_with("/cases/"), "{case_path}");
    assert!(b.text(".notice").await.contains("已建案"));
    // Before 立案 the decision is refused, and the case page says why before anyone fills a form.
    let refused = b.text("#refused-decision").await;
    assert!(refused.contains("依法不能办理"), "{refused}");
    assert!(refused.contains("case_filing"), "{refused}");
    assert!(
        refused.contains("《中华人民共和国行政处罚法》第五十四条"),
        "{refused}"
    );
    b.screenshot("case-refused-action").await;

    // A form error keeps the input: 立案 with one officer only is refused by the engine.
    b.goto(&format!("{case_path}/steps/register")).await;
    b.click(&format!("input[name=officers][value='{a}']")).await;
    b.fill("#note", "现场发现占道经营").await;
    b.submit(".step-form button[type=submit]").await;
    let refusal = b.text("#refusals").await;
    assert!(refusal.contains("officers_min_two_certified"), "{refusal}");
    assert!(refusal.contains("行政处罚法"), "{refusal}");
    assert_eq!(
        b.find("#note")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("现场发现占道经营"),
        "what the user typed is kept"
    );

    step(&b, &case_path, "register", &[&a, &c], &[]).await;
    advance(&app, &b, "2025-04-03").await;
    step(
        &b,
        &case_path,
        "evidence",
        &[&a, &c],
        &[("#note", "现场检查，拍照取证")],
    )
    .await;
    advance(&app, &b, "2025-04-08").await;
    step(
        &b,
        &case_path,
        "advance_notice",
        &[&a, &c],
        &[
            ("#fine", "500"),
            ("input[name=rights][value=statement]", ""),
            ("input[name=rights][value=defence]", ""),
        ],
    )
    .await;

    // On the last day of the statement period the notice states (5 working days: 15 April)
    // the decision is refused; the day after, it is allowed.
    advance(&app, &b, "2025-04-15").await;
    b.goto(&case_path).await;
    let refused = b.text("#refused-decision").await;
    assert!(refused.contains("pre_decision_notice"), "{refused}");
    assert!(refused.contains("2025年4月15日"), "{refused}");
    advance(&app, &b, "2025-04-16").await;
    b.goto(&case_path).await;
    assert!(
        !b.exists("#refused-decision").await,
        "allowed once the period has run"
    );
    step(
        &b,
        &case_path,
        "decision",
        &[&a, &c],
        &[
            ("#fine", "500"),
            ("input[name=facts][value=first_violation]", ""),
        ],
    )
    .await;

    // The workbench lists the service of the decision as a task with its legal deadline.
    b.goto("/workbench").await;
    let tasks = b.text("#tasks").await;
    assert!(
        tasks.contains("送达") && tasks.contains("service_deadline"),
        "{tasks}"
    );
    b.screenshot("workbench").await;
    b.goto(&case_path).await;

    // Without the case record the decision is refused, naming what is missing.
    b.select("#kind", "decision").await;
    b.submit("form[action$='/documents'] button[type=submit]")
        .await;
    let notice = b.text(".notice").await;
    assert!(
        notice.contains("违法事实") && notice.contains("证据目录"),
        "{notice}"
    );
    // The case record: identity, source, place, facts, evidence list, reasons.
    b.click("#record-link").await;
    b.find("#record-form").await;
    b.select("#id_type", "resident_id_card").await;
    b.fill("#id_no", "411303198503121239").await;
    b.fill("#party_address", "卧龙区卧龙路1号").await;
    b.fill("#phone", "13803771234").await;
    b.select("#source_kind", "patrol").await;
    b.fill("#place_address", "卧龙区卧龙路与工业路交叉口东南角")
        .await;
    b.fill(
        "#facts",
        "当事人在卧龙路与工业路交叉口东南角人行道摆摊经营水果，占用人行道约4平方米。",
    )
    .await;
    b.fill("#discretion_reason", "首次被查处且当日改正，从轻处罚。")
        .await;
    let row = "#evidence-list tbody tr:nth-child(1)";
    b.select(&format!("{row} select[name=ev_kind]"), "audio_visual")
        .await;
    b.fill(&format!("{row} input[name=ev_description]"), "现场照片3张")
        .await;
    b.fill(&format!("{row} input[name=ev_source]"), "执法人员现场拍摄")
        .await;
    b.fill(&format!("{row} input[name=ev_date]"), "2025-04-03")
        .await;
    b.submit("#record-form button[type=submit]").await;
    // A wrong check digit is refused next to the field, with the input kept.
    let error = b.text("#field-id_no").await;
    assert!(error.contains("校验码"), "{error}");
    b.screenshot("case-record-error").await;
    b.fill("#id_no", "411303198503121234").await;
    b.submit("#record-form button[type=submit]").await;
    b.find("#actions").await;
    assert!(b.text(".notice").await.contains("已保存案件记录"));

    // The decision document, generated from the record and shown print-ready.
    b.select("#kind", "decision").await;
    b.submit("form[action$='/documents'] button[type=submit]")
        .await;
    let doc = b.page_text().await;
    assert!(doc.contains("行政处罚决定书"), "{doc}");
    assert!(doc.contains("张某某"), "{doc}");
    assert!(doc.contains("罚款人民币500元"), "{doc}");
    for needle in [
        "居民身份证号码：411303198503121234",
        "卧龙区卧龙路1号",
        "占用人行道约4平方米",
        "1. 视听资料：现场照片3张（来源：执法人员现场拍摄，2025年4月3日）",
    ] {
        assert!(doc.contains(needle), "decision lacks {needle}: {doc}");
    }
    // And its DOCX downloads from the document page.
    let href = b
        .find("a[href$='/file']")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert!(href.starts_with("/api/v1/documents/"), "{href}");
    b.screenshot("decision-document").await;

    advance(&app, &b, "2025-04-17").await;
    step(
        &b,
        &case_path,
        "service",
        &[&a, &c],
        &[("select#method", "direct")],
    )
    .await;
    advance(&app, &b, "2025-04-20").await;
    step(&b, &case_path, "payment", &[], &[("#amount", "500")]).await;
    step(&b, &case_path, "close", &[], &[]).await;
    step(&b, &case_path, "archive", &[], &[]).await;
    let timeline = b.text("#timeline").await;
    for label in [
        "立案",
        "调查取证",
        "事先告知",
        "处罚决定",
        "送达",
        "缴纳罚款",
        "结案",
        "归档",
    ] {
        assert!(timeline.contains(label), "{label} missing in {timeline}");
    }
    assert!(b.text("h1").await.contains("已归档"));

    // The list finds it by a Chinese word of the address.
    b.goto("/cases?q=%E5%8D%A7%E9%BE%99%E8%B7%AF").await;
    assert!(b.text("#cases").await.contains("张某某"));
    b.close().await;
}

#[tokio::test]
async fn summary_procedure_on_a_phone_and_its_threshold() {
    let app = TestApp::spawn_on("2025-04-01").await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let a = officer(&admin, &app.squad, "王强", "豫41000001").await;
    let c = officer(&admin, &app.squad, "李娜", "豫41000002").await;
    let _ = app.user("wang.qiang", Role::Officer, &app.squad).await;
    let Some(b) = Browser::start(&app.root(), Screen::Phone).await else {
        return;
    };
    b.login("wang.qiang", PASSWORD).await;
    b.goto("/cases/summary").await;
    b.fill("#party_name", "李某").await;
    b.select("#violation", "zhan_dao_jing_ying").await;
    b.click(&format!("input[name=officers][value='{a}']")).await;
    b.click(&format!("input[name=officers][value='{c}']")).await;
    b.fill("#fine", "300").await;
    b.fill("#departure_reason", "当事人系首次经营，现场已整改")
        .await;
    b.submit(".step-form button[type=submit]").await;
    let refusal = b.text("#refusals").await;
    assert!(refusal.contains("summary_procedure_threshold"), "{refusal}");
    b.screenshot("summary-procedure-phone").await;
    b.fill("#fine", "100").await;
    b.submit(".step-form button[type=submit]").await;
    assert!(b.text(".notice").await.contains("已当场处罚"));
    assert!(b.text("#timeline").await.contains("当场处罚"));
    b.close().await;
}

#[tokio::test]
async fn a_partner_user_is_refused_a_case_page() {
    let app = TestApp::spawn_on("2026-04-01").await;
    let leader = app.user("juzhang", Role::Leader, &app.bureau).await;
    let (case_id, _) = crate::helpers::new_case(&leader, &app.squad).await;
    let _ = app.user("zhujian", Role::Partner, &app.partner).await;
    let Some(b) = Browser::start(&app.root(), Screen::Desktop).await else {
        return;
    };
    b.login("zhujian", PASSWORD).await;
    b.goto(&format!("/cases/{case_id}")).await;
    let text = b.page_text().await;
    assert!(text.contains("403") && text.contains("无权访问"), "{text}");
    assert!(!text.contains("张某某"), "no data leaks");
    b.close().await;
}
