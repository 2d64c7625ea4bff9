//! Enforcement documents (执法文书): generated from the case record as DOCX, with every
//! element the law requires, numbered per kind and year without gaps, stored with their hash.

use crate::helpers::*;
use fazhi::service::auth::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::io::Read;

/// Runs a case from 立案 through 决定 and 送达 (and 催告 when `demand`); returns its id.
async fn run_case(
    leader: &Client,
    legal: &Client,
    officer_user: &Client,
    unit: &str,
    officers: (&str, &str),
    upto_decision: bool,
) -> String {
    let (a, b) = officers;
    let (case_id, mut version) = new_case(leader, unit).await;
    let mut steps = vec![
        (
            leader,
            json!({"on": "2026-03-02", "type": "register", "officers": [a, b]}),
        ),
        (
            officer_user,
            json!({"on": "2026-03-03", "type": "evidence", "officers": [a, b]}),
        ),
        (
            officer_user,
            json!({"on": "2026-03-10", "type": "advance_notice", "officers": [a, b], "proposed": {"fine": 6000}, "rights": ["statement", "defence", "hearing"]}),
        ),
    ];
    if upto_decision {
        steps.extend([
            (officer_user, json!({"on": "2026-03-18", "type": "hearing_waiver"})),
            (legal, json!({"on": "2026-03-20", "type": "legal_review", "result": "pass"})),
            (leader, json!({"on": "2026-03-23", "type": "deliberation"})),
            (leader, json!({"on": "2026-03-24", "type": "decision", "officers": [a, b], "outcome": "penalty", "penalty": {"fine": 6000}})),
            (officer_user, json!({"on": "2026-03-25", "type": "service", "method": "direct"})),
            (officer_user, json!({"on": "2026-04-20", "type": "demand"})),
        ]);
    }
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
    case_id
}

async fn generate(client: &Client, case_id: &str, kind: &str) -> (StatusCode, Value) {
    parts(
        client
            .post(
                &format!("/cases/{case_id}/documents"),
                &json!({"kind": kind}),
            )
            .await,
    )
    .await
}

/// Downloads a document; checks its hash and returns `word/document.xml`.
async fn download(client: &Client, doc: &Value) -> String {
    let r = client
        .get(&format!("/documents/{}/file", doc["id"].as_str().unwrap()))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let ct = r.headers()[reqwest::header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_string();
    assert!(ct.contains("wordprocessingml"), "{ct}");
    let cd = r.headers()[reqwest::header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_string();
    assert!(cd.contains("filename*=UTF-8''"), "{cd}");
    let bytes = r.bytes().await.unwrap();
    assert_eq!(
        hex::encode(Sha256::digest(&bytes)),
        doc["sha256"].as_str().unwrap()
    );
    // A Word-processing parser reads the package back: it opens, and it has a body.
    let parsed = docx_rs::read_docx(&bytes).expect("the DOCX parses");
    assert!(
        parsed.document.children.len() >= 3,
        "title, number and body paragraphs"
    );
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

#[tokio::test]
async fn documents_carry_every_required_element_and_are_numbered_without_gaps() {
    let app = TestApp::spawn_on("2026-04-30").await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let legal = app.user("legal", Role::Legal, &app.bureau).await;
    let officer_user = app.user("officer", Role::Officer, &app.squad).await;
    let other = app.user("other", Role::Officer, &app.other_squad).await;
    let a = officer(&admin, &app.squad, "王强", "豫41000001").await;
    let b = officer(&admin, &app.squad, "李娜", "豫41000002").await;
    let first = run_case(&leader, &legal, &officer_user, &app.squad, (&a, &b), true).await;
    let second = run_case(&leader, &legal, &officer_user, &app.squad, (&a, &b), true).await;

    // 行政处罚决定书 (B19).
    let (s, d1) = generate(&officer_user, &first, "decision").await;
    assert_eq!(s, StatusCode::CREATED, "{d1}");
    assert_eq!(d1["doc_no"], "卧城管罚决〔2026〕1号");
    let xml = download(&officer_user, &d1).await;
    for needle in [
        "行政处罚决定书",
        "卧城管罚决〔2026〕1号",
        "张某某",
        "地址",
        "卧龙区卧龙路1号",
        "罚款人民币6000元",
        "以上事实有下列证据证明",
        "十五日内",
        "六十日内",
        "卧龙区人民政府",
        "六个月内",
        "卧龙区人民法院",
        "南阳市卧龙区城市管理局",
        "（印章）",
        "2026年3月24日",
        "2026年3月1日",
        "仿宋",
    ] {
        assert!(xml.contains(needle), "decision lacks {needle}");
    }
    let (_, catalogue) = parts(leader.get("/violations").await).await;
    let entry = catalogue
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["code"] == "zhan_dao_jing_ying")
        .expect("catalogue entry");
    for basis in [&entry["legal_basis"], &entry["penalty_basis"]] {
        let basis = basis.as_str().unwrap();
        assert!(xml.contains(basis), "decision lacks basis {basis}");
    }

    // Idempotent: the same step gives the same record, not a new number.
    let (s, again) = generate(&leader, &first, "decision").await;
    assert_eq!(s, StatusCode::OK, "{again}");
    assert_eq!(again["id"], d1["id"]);
    assert_eq!(again["doc_no"], d1["doc_no"]);
    // The next case gets the next number.
    let (s, d2) = generate(&leader, &second, "decision").await;
    assert_eq!(s, StatusCode::CREATED, "{d2}");
    assert_eq!(d2["doc_no"], "卧城管罚决〔2026〕2号");

    // The other kinds.
    let (s, n) = generate(&legal, &first, "advance_notice").await;
    assert_eq!(s, StatusCode::CREATED, "{n}");
    assert_eq!(n["doc_no"], "卧城管罚告〔2026〕1号");
    let xml = download(&legal, &n).await;
    for needle in [
        "行政处罚事先告知书",
        "罚款人民币6000元",
        "陈述和申辩",
        "听证",
        "五个工作日",
        "2026年3月17日",
        "2026年3月10日",
    ] {
        assert!(xml.contains(needle), "advance notice lacks {needle}");
    }
    let (s, r) = generate(&officer_user, &first, "service_receipt").await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let xml = download(&officer_user, &r).await;
    for needle in ["送达回证", "直接送达", "2026年3月25日", "张某某"] {
        assert!(xml.contains(needle), "receipt lacks {needle}");
    }
    let (s, c) = generate(&officer_user, &first, "demand").await;
    assert_eq!(s, StatusCode::CREATED, "{c}");
    let xml = download(&officer_user, &c).await;
    // Served 3-25, due 4-09, demand 4-20: 11 days × 3 % × 6000 = 1980.
    for needle in [
        "催告书",
        "罚款人民币6000元",
        "百分之三",
        "1980元",
        "7980元",
        "陈述和申辩",
        "2026年4月20日",
    ] {
        assert!(xml.contains(needle), "demand lacks {needle}");
    }

    let (s, list) = parts(leader.get(&format!("/cases/{first}/documents")).await).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 4);

    // Outside the scope: not found.
    let (s, _) = generate(&other, &first, "decision").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let r = other
        .get(&format!("/documents/{}/file", d1["id"].as_str().unwrap()))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_document_for_a_step_not_on_record_is_refused() {
    let app = TestApp::spawn_on("2026-04-30").await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let legal = app.user("legal", Role::Legal, &app.bureau).await;
    let officer_user = app.user("officer", Role::Officer, &app.squad).await;
    let a = officer(&admin, &app.squad, "王强", "豫41000001").await;
    let b = officer(&admin, &app.squad, "李娜", "豫41000002").await;
    let case_id = run_case(&leader, &legal, &officer_user, &app.squad, (&a, &b), false).await;
    for kind in ["decision", "service_receipt", "demand"] {
        let (s, e) = generate(&leader, &case_id, kind).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{kind}: {e}");
        assert_eq!(e["error"]["code"], "document_not_available");
        assert!(
            e["error"]["message"]
                .as_str()
                .unwrap()
                .contains("案件记录中没有")
        );
    }
    let (s, e) = generate(&leader, &case_id, "teleport").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    // The advance notice exists, and no number was used up by the refusals.
    let (s, n) = generate(&leader, &case_id, "advance_notice").await;
    assert_eq!(s, StatusCode::CREATED, "{n}");
    assert_eq!(n["doc_no"], "卧城管罚告〔2026〕1号");
}

#[tokio::test]
async fn register_approval_and_hearing_notice() {
    let app = TestApp::spawn_on("2026-04-30").await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let a = officer(&admin, &app.squad, "王强", "豫41000001").await;
    let b = officer(&admin, &app.squad, "李娜", "豫41000002").await;
    let (case_id, version) = new_case(&leader, &app.squad).await;

    // Nothing recorded yet: refused, naming the step.
    for (kind, step) in [
        ("register_approval", "立案"),
        ("hearing_notice", "听证通知"),
        ("summary_decision", "当场处罚"),
        ("closing_approval", "结案"),
    ] {
        let (s, e) = generate(&leader, &case_id, kind).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{kind}: {e}");
        assert_eq!(e["error"]["code"], "document_not_available");
        assert!(
            e["error"]["message"].as_str().unwrap().contains(step),
            "{kind}: {e}"
        );
    }

    record(
        &leader,
        &case_id,
        version,
        &[
            json!({"on": "2026-03-02", "type": "register", "officers": [a, b], "note": "巡查发现占道经营"}),
            json!({"on": "2026-03-03", "type": "evidence", "officers": [a, b]}),
            json!({"on": "2026-03-10", "type": "advance_notice", "officers": [a, b], "proposed": {"fine": 6000}, "rights": ["statement", "defence", "hearing"]}),
            json!({"on": "2026-03-12", "type": "hearing_request"}),
            json!({"on": "2026-03-13", "type": "hearing_notice", "hearing_on": "2026-03-25"}),
        ],
    )
    .await;

    // 询问笔录 and 现场检查笔录: templates filled from the 调查取证 step.
    for (kind, title, no) in [
        ("inquiry_record", "询问笔录", "卧城管询〔2026〕1号"),
        ("inspection_record", "现场检查笔录", "卧城管检〔2026〕1号"),
    ] {
        let (s, r) = generate(&leader, &case_id, kind).await;
        assert_eq!(s, StatusCode::CREATED, "{kind}: {r}");
        assert_eq!(r["doc_no"], no);
        let xml = download(&leader, &r).await;
        for needle in [
            title,
            "张某某",
            "2026年3月3日",
            "王强（执法证号：豫41000001）",
            "卧龙区卧龙路1号",
            "签名",
        ] {
            assert!(xml.contains(needle), "{kind} lacks {needle}");
        }
    }

    // 立案审批表.
    let (s, r) = generate(&leader, &case_id, "register_approval").await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    assert_eq!(r["doc_no"], "卧城管立〔2026〕1号");
    let xml = download(&leader, &r).await;
    for needle in [
        "立案审批表",
        "卧城管立〔2026〕1号",
        "张某某",
        "2026年3月1日",
        "王强（执法证号：豫41000001）",
        "李娜（执法证号：豫41000002）",
        "承办人意见",
        "审批意见",
        "巡查发现占道经营",
        "2026年3月2日",
    ] {
        assert!(xml.contains(needle), "register approval lacks {needle}");
    }
    let (_, catalogue) = parts(leader.get("/violations").await).await;
    let entry = catalogue
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["code"] == "zhan_dao_jing_ying")
        .expect("catalogue entry");
    for field in ["name", "legal_basis"] {
        let text = entry[field].as_str().unwrap();
        assert!(xml.contains(text), "register approval lacks {text}");
    }
    let (s, again) = generate(&leader, &case_id, "register_approval").await;
    assert_eq!(s, StatusCode::OK, "{again}");
    assert_eq!(again["id"], r["id"]);

    // 听证通知书: notice 3-13 (Fri), 7th working day 3-24, hearing 3-25.
    let (s, h) = generate(&leader, &case_id, "hearing_notice").await;
    assert_eq!(s, StatusCode::CREATED, "{h}");
    assert_eq!(h["doc_no"], "卧城管听通〔2026〕1号");
    let xml = download(&leader, &h).await;
    for needle in [
        "听证通知书",
        "2026年3月25日",
        "听证地点：＿",
        "申请回避",
        "一至二人",
        "视为放弃听证权利",
        "七个工作日",
        "2026年3月24日",
        "2026年3月13日",
    ] {
        assert!(xml.contains(needle), "hearing notice lacks {needle}");
    }
    let (s, again) = generate(&leader, &case_id, "hearing_notice").await;
    assert_eq!(s, StatusCode::OK, "{again}");
    assert_eq!(again["doc_no"], h["doc_no"]);

    // The hearing on the 7th working day itself is in time (a shorter period is refused when
    // the event is recorded, and again when the notice is generated); the next number follows.
    let (late2, version) = new_case(&leader, &app.squad).await;
    record(
        &leader,
        &late2,
        version,
        &[
            json!({"on": "2026-03-02", "type": "register", "officers": [a, b]}),
            json!({"on": "2026-03-10", "type": "advance_notice", "officers": [a, b], "proposed": {"fine": 6000}, "rights": ["statement", "defence", "hearing"]}),
            json!({"on": "2026-03-12", "type": "hearing_request"}),
            json!({"on": "2026-03-13", "type": "hearing_notice", "hearing_on": "2026-03-24"}),
        ],
    )
    .await;
    let (s, h2) = generate(&leader, &late2, "hearing_notice").await;
    assert_eq!(s, StatusCode::CREATED, "{h2}");
    assert_eq!(h2["doc_no"], "卧城管听通〔2026〕2号");
}

#[tokio::test]
async fn summary_decision_and_closing_approval() {
    let app = TestApp::spawn_on("2026-04-30").await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let legal = app.user("legal", Role::Legal, &app.bureau).await;
    let officer_user = app.user("officer", Role::Officer, &app.squad).await;
    let a = officer(&admin, &app.squad, "王强", "豫41000001").await;
    let b = officer(&admin, &app.squad, "李娜", "豫41000002").await;

    // 当场处罚决定书 (B5) from a summary case.
    let (s, v) = parts(
        leader
            .post(
                "/cases",
                &json!({
                    "org_unit_id": app.squad, "party": {"kind": "individual", "name": "赵某"},
                    "procedure": "summary", "act_date": "2026-04-02", "violation": "zhan_dao_jing_ying"
                }),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let summary = v["case"]["id"].as_str().unwrap().to_string();
    let version = v["case"]["version"].as_i64().unwrap();
    record(
        &officer_user,
        &summary,
        version,
        &[
            json!({"on": "2026-04-02", "type": "summary_penalty", "officers": [a, b], "penalty": {"fine": 50}}),
        ],
    )
    .await;
    let (s, d) = generate(&officer_user, &summary, "summary_decision").await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    assert_eq!(d["doc_no"], "卧城管当罚〔2026〕1号");
    let xml = download(&officer_user, &d).await;
    for needle in [
        "当场处罚决定书",
        "赵某",
        "罚款人民币50元",
        "人民币50元",
        "违法地点：＿",
        "2026年4月2日",
        "应当先向卧龙区人民政府申请行政复议",
        "行政复议法》第二十三条",
        "南阳市卧龙区城市管理局",
        "王强（执法证号：豫41000001）",
        "李娜（执法证号：豫41000002）",
        "执法人员签名",
        "当事人签名",
    ] {
        assert!(xml.contains(needle), "summary decision lacks {needle}");
    }
    let (s, again) = generate(&leader, &summary, "summary_decision").await;
    assert_eq!(s, StatusCode::OK, "{again}");
    assert_eq!(again["id"], d["id"]);
    // An ordinary case has no on-the-spot penalty; the refusal uses no number.
    let first = run_case(&leader, &legal, &officer_user, &app.squad, (&a, &b), false).await;
    let (s, e) = generate(&leader, &first, "summary_decision").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["code"], "document_not_available");

    // 结案审批表: paid in full, then closed.
    let (closed, version) = new_case(&leader, &app.squad).await;
    let version = record(
        &leader,
        &closed,
        version,
        &[
            json!({"on": "2026-03-02", "type": "register", "officers": [a, b]}),
            json!({"on": "2026-03-03", "type": "evidence", "officers": [a, b]}),
            json!({"on": "2026-03-10", "type": "advance_notice", "officers": [a, b], "proposed": {"fine": 6000}, "rights": ["statement", "defence", "hearing"]}),
            json!({"on": "2026-03-18", "type": "hearing_waiver"}),
        ],
    )
    .await;
    let version = record(
        &legal,
        &closed,
        version,
        &[json!({"on": "2026-03-20", "type": "legal_review", "result": "pass"})],
    )
    .await;
    let version = record(
        &leader,
        &closed,
        version,
        &[
            json!({"on": "2026-03-23", "type": "deliberation"}),
            json!({"on": "2026-03-24", "type": "decision", "officers": [a, b], "outcome": "penalty", "penalty": {"fine": 6000}}),
            json!({"on": "2026-03-25", "type": "service", "method": "direct"}),
        ],
    )
    .await;
    let (s, e) = generate(&leader, &closed, "closing_approval").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("结案"));
    record(
        &leader,
        &closed,
        version,
        &[
            json!({"on": "2026-04-03", "type": "payment", "amount": 6000}),
            json!({"on": "2026-04-07", "type": "close"}),
        ],
    )
    .await;
    let (s, k) = generate(&leader, &closed, "closing_approval").await;
    assert_eq!(s, StatusCode::CREATED, "{k}");
    assert_eq!(k["doc_no"], "卧城管结〔2026〕1号");
    let xml = download(&leader, &k).await;
    for needle in [
        "结案审批表",
        "张某某",
        "案件摘要",
        "2026年3月24日决定给予罚款人民币6000元",
        "已缴纳罚款人民币6000元",
        "2026年4月3日",
        "审批意见",
        "2026年4月7日",
    ] {
        assert!(xml.contains(needle), "closing approval lacks {needle}");
    }
    let (s, again) = generate(&leader, &closed, "closing_approval").await;
    assert_eq!(s, StatusCode::OK, "{again}");
    assert_eq!(again["doc_no"], k["doc_no"]);
}

#[tokio::test]
async fn a_case_closes_only_when_executed_or_for_a_recorded_reason() {
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
            json!({"on": "2026-03-03", "type": "evidence", "officers": [a, b]}),
        ],
    )
    .await;
    let close = |event: Value| {
        let leader = &leader;
        let case_id = &case_id;
        async move {
            parts(
                leader
                    .post(
                        &format!("/cases/{case_id}/events"),
                        &json!({"expected_version": version, "event": event}),
                    )
                    .await,
            )
            .await
        }
    };
    // Nothing decided, no reason: refused, naming what is missing.
    let (s, e) = close(json!({"on": "2026-03-10", "type": "close"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["violations"][0]["rule"], "case_closing");
    let message = e["error"]["violations"][0]["message"].as_str().unwrap();
    assert!(message.contains("撤销立案"), "{message}");
    // 撤销立案 without its ground: refused.
    let (s, e) =
        close(json!({"on": "2026-03-10", "type": "close", "reason": "registration_revoked"})).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(
        e["error"]["violations"][0]["message"]
            .as_str()
            .unwrap()
            .contains("法定理由")
    );
    // With its ground: closed, and the 结案审批表 states the reason.
    let (s, v) = close(json!({"on": "2026-03-10", "type": "close", "reason": "registration_revoked", "ground": "经调查违法事实不能成立"})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["case"]["open"], 0, "{v}");
    let (s, k) = generate(&leader, &case_id, "closing_approval").await;
    assert_eq!(s, StatusCode::CREATED, "{k}");
    let xml = download(&leader, &k).await;
    assert!(
        xml.contains("结案理由：撤销立案（经调查违法事实不能成立）"),
        "closing approval lacks the reason"
    );
}
