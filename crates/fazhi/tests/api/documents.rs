//! Enforcement documents (执法文书): generated from the case record as DOCX, with every
//! element the law requires, numbered per kind and year without gaps, stored with their hash.

use crate::helpers::*;
use fazhi::service::auth::Role;
use fazhi::service::document::schema;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;

/// Runs a case from 立案 through 决定 and 送达 (and 催告 when `demand`); returns its id.
pub(crate) async fn run_case(
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

/// A complete case record (party identity, source, place, facts, evidence, reasons).
pub(crate) fn complete_record() -> Value {
    json!({
        "party": {"kind": "individual", "id_type": "resident_id_card", "id_no": "11010519491231002X",
                  "address": "卧龙区卧龙路1号", "phone": "13800138000"},
        "source": {"kind": "patrol", "detail": "第二中队日常巡查"},
        "place": {"address": "卧龙区人民路与工业路交叉口东北角", "longitude": 112.528061, "latitude": 32.990833},
        "facts": "当事人在人民路与工业路交叉口东北角人行道上摆摊销售水果，占用人行道约6平方米，经劝阻未改正。",
        "evidence": [
            {"kind": "inspection_record", "description": "现场检查笔录一份", "source": "执法人员现场制作", "date": "2026-03-03"},
            {"kind": "audio_visual", "description": "现场照片4张", "source": "执法人员现场拍摄", "date": "2026-03-03"},
            {"kind": "party_statement", "description": "询问笔录一份", "source": "当事人张某某", "date": "2026-03-03"}
        ],
        "discretion_reason": "当事人经劝阻后仍未改正，占道面积较大，按一般档次处罚。"
    })
}

/// Writes the complete record; returns the case's new version.
pub(crate) async fn write_record(client: &Client, case_id: &str) -> i64 {
    let (_, case) = parts(client.get(&format!("/cases/{case_id}")).await).await;
    let version = case["case"]["version"].as_i64().unwrap();
    let (s, v) = parts(
        client
            .put(
                &format!("/cases/{case_id}/record"),
                &json!({"expected_version": version, "record": complete_record()}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    version + 1
}

pub(crate) async fn generate(client: &Client, case_id: &str, kind: &str) -> (StatusCode, Value) {
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
pub(crate) async fn download(client: &Client, doc: &Value) -> String {
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
    let parts = unzip(&bytes);
    check_package(&parts);
    parts["word/document.xml"].clone()
}

/// Every part of a DOCX package, by path.
fn unzip(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut parts = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut xml = String::new();
        f.read_to_string(&mut xml).unwrap();
        parts.insert(f.name().to_string(), xml);
    }
    parts
}

/// What every generated document must satisfy, whatever its kind: each property container
/// in WordprocessingML sequence order (ECMA-376 Part 1, the table in
/// `service/document/schema.rs`), and the GB/T 9704 layout.
fn check_package(parts: &BTreeMap<String, String>) {
    for (path, xml) in parts {
        if path.ends_with(".xml")
            && let Err(errors) = schema::check_order(xml)
        {
            panic!("{path} is out of schema order: {errors:#?}");
        }
    }
    let doc = &parts["word/document.xml"];
    // Body and every other paragraph: fixed 28 磅 lines.
    assert!(doc.contains(r#"w:line="560" w:lineRule="exact""#));
    assert!(
        !doc.contains(r#"w:line="560"/>"#),
        "a line without its rule"
    );
    assert!(doc.contains(r#"w:eastAsia="仿宋_GB2312""#) && doc.contains(r#"<w:sz w:val="32"/>"#));
    assert!(
        doc.contains(r#"w:eastAsia="方正小标宋简体""#) && doc.contains(r#"<w:sz w:val="44"/>"#)
    );
    // A4, GB/T 9704 margins, a grid of 22 lines × 28 characters.
    assert!(doc.contains(r#"<w:pgSz w:w="11906" w:h="16838"/>"#));
    assert!(doc.contains(r#"w:top="2098" w:right="1474" w:bottom="1984" w:left="1588""#));
    assert!(doc.contains(r#"<w:docGrid w:type="lines" w:linePitch="560"/>"#));
    // 28 characters a line: body runs carry the character spacing that makes them fit.
    assert!(doc.contains(r#"<w:spacing w:val="-5"/><w:sz w:val="32"/>"#));
    // Page numbers: odd right, even left, 4号 「— n —」.
    assert!(parts["word/settings.xml"].contains("<w:evenAndOddHeaders/>"));
    assert!(doc.contains(r#"<w:footerReference w:type="even" r:id="rIdFooterEven"/>"#));
    assert!(doc.contains(r#"<w:footerReference w:type="default" r:id="rIdFooterOdd"/>"#));
    let rels = &parts["word/_rels/document.xml.rels"];
    assert!(rels.contains(r#"Id="rIdFooterOdd""#) && rels.contains(r#"Target="footer1.xml""#));
    for (footer, jc) in [("word/footer1.xml", "right"), ("word/footer2.xml", "left")] {
        let f = &parts[footer];
        assert!(f.contains(&format!(r#"<w:jc w:val="{jc}"/>"#)), "{footer}");
        assert!(
            f.contains(">— <") && f.contains("> —<") && f.contains(" PAGE "),
            "{footer}"
        );
        assert!(f.contains(r#"<w:sz w:val="28"/>"#), "{footer}");
    }
}

/// An approval form: a bordered table with signature and date cells.
fn assert_form(xml: &str) {
    assert!(
        xml.contains("<w:tbl>") && xml.contains("<w:tblBorders>"),
        "not a table"
    );
    assert!(
        xml.contains(r#"<w:insideH w:val="single""#),
        "no inner borders"
    );
    assert!(
        xml.contains(">日期<") && xml.contains(">年　月　日<"),
        "no date cell"
    );
}

#[tokio::test]
async fn the_advance_notice_states_the_bureaus_statement_period_and_the_hearing_period() {
    // A bureau whose notices give seven working days to state and defend: the 告知书 says so
    // and prints the date the engine checks; the hearing request stays five working days
    // (行政处罚法第六十四条第一项).
    let app =
        TestApp::spawn_with("2026-04-30", |s, _| s.base_rules.statement_working_days = 7).await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let legal = app.user("legal", Role::Legal, &app.bureau).await;
    let officer_user = app.user("officer", Role::Officer, &app.squad).await;
    let a = officer(&admin, &app.squad, "王强", "豫41000001").await;
    let b = officer(&admin, &app.squad, "李娜", "豫41000002").await;
    let case_id = run_case(&leader, &legal, &officer_user, &app.squad, (&a, &b), true).await;
    write_record(&officer_user, &case_id).await;
    let (s, n) = generate(&legal, &case_id, "advance_notice").await;
    assert_eq!(s, StatusCode::CREATED, "{n}");
    let xml = download(&legal, &n).await;
    for needle in [
        // Notice served on 2026-03-10: 7 working days → 19 March; 5 → 17 March.
        "收到本告知书之日起七个工作日内（即2026年3月19日前）",
        "如要求听证，应当在收到本告知书之日起五个工作日内（即2026年3月17日前）",
    ] {
        assert!(xml.contains(needle), "advance notice lacks {needle}");
    }
    assert!(!xml.contains("{"), "a placeholder left unfilled");
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
    write_record(&officer_user, &first).await;
    write_record(&officer_user, &second).await;

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
        // B19 from the case record: identity, the facts as written, the evidence list.
        "居民身份证号码：11010519491231002X",
        "占用人行道约6平方米",
        "1. 勘验笔录、现场笔录：现场检查笔录一份（来源：执法人员现场制作，2026年3月3日）",
        "2. 视听资料：现场照片4张",
        "3. 当事人的陈述：询问笔录一份（来源：当事人张某某",
    ] {
        assert!(xml.contains(needle), "decision lacks {needle}");
    }
    for placeholder in ["（未登记）", "详见案卷", "＿"] {
        assert!(!xml.contains(placeholder), "decision holds {placeholder}");
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
        "占用人行道约6平方米",
        "裁量基准：",
        "裁量理由：当事人经劝阻后仍未改正",
    ] {
        assert!(xml.contains(needle), "advance notice lacks {needle}");
    }
    let (s, r) = generate(&officer_user, &first, "service_receipt").await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let xml = download(&officer_user, &r).await;
    for needle in ["送达回证", "直接送达", "2026年3月25日", "张某某"] {
        assert!(xml.contains(needle), "receipt lacks {needle}");
    }
    assert_form(&xml);
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
    // A case missing its facts cannot produce a 事先告知书: the missing fields are named.
    let (s, e) = generate(&leader, &case_id, "advance_notice").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["code"], "document_incomplete");
    let message = e["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("违法事实") && message.contains("裁量理由"),
        "{message}"
    );
    assert!(message.contains("行政处罚事先告知书"), "{message}");
    write_record(&officer_user, &case_id).await;
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
    let (case_id, _) = new_case(&leader, &app.squad).await;
    let version = write_record(&leader, &case_id).await;

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
    for (kind, title, no, place) in [
        (
            "inquiry_record",
            "询问笔录",
            "卧城管询〔2026〕1号",
            "卧龙区卧龙路1号",
        ),
        (
            "inspection_record",
            "现场检查笔录",
            "卧城管检〔2026〕1号",
            "检查地点：卧龙区人民路与工业路交叉口东北角",
        ),
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
            place,
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
        "巡查发现（第二中队日常巡查）",
        "卧龙区人民路与工业路交叉口东北角（东经112.528061°，北纬32.990833°）",
    ] {
        assert!(xml.contains(needle), "register approval lacks {needle}");
    }
    assert_form(&xml);
    assert!(xml.contains(">承办人签名<") && xml.contains(">审批人签名<"));
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
    let (closed, _) = new_case(&leader, &app.squad).await;
    let version = write_record(&leader, &closed).await;
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
    assert_form(&xml);
    let (s, again) = generate(&leader, &closed, "closing_approval").await;
    assert_eq!(s, StatusCode::OK, "{again}");
    assert_eq!(again["doc_no"], k["doc_no"]);
}

#[tokio::test]
async fn the_case_record_is_checked_and_kept() {
    let app = TestApp::spawn_on("2026-04-30").await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let legal = app.user("legal", Role::Legal, &app.bureau).await;
    let (case_id, version) = new_case(&leader, &app.squad).await;
    let (s, empty) = parts(leader.get(&format!("/cases/{case_id}/record")).await).await;
    assert_eq!(s, StatusCode::OK, "{empty}");
    assert!(
        empty["facts"].is_null() && empty["evidence"] == json!([]),
        "{empty}"
    );

    let put = |record: Value, version: i64| {
        let leader = &leader;
        let case_id = case_id.clone();
        async move {
            parts(
                leader
                    .put(
                        &format!("/cases/{case_id}/record"),
                        &json!({"expected_version": version, "record": record}),
                    )
                    .await,
            )
            .await
        }
    };
    // A 居民身份证号码 with a wrong check digit, a bad 统一社会信用代码, an evidence kind
    // outside the eight statutory kinds: each refused, naming the field.
    let mut bad_id = complete_record();
    bad_id["party"]["id_no"] = json!("110105194912310021");
    let (s, e) = put(bad_id, version).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["code"], "invalid_case_record");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("居民身份证号码"),
        "{e}"
    );
    let bad_org = json!({"party": {"kind": "organisation", "credit_code": "91350100M000100Y44",
        "legal_representative": "李某", "address": "卧龙区工业路2号"}});
    let (s, e) = put(bad_org, version).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("统一社会信用代码"),
        "{e}"
    );
    let mut bad_kind = complete_record();
    bad_kind["evidence"][0]["kind"] = json!("rumour");
    let (s, e) = put(bad_kind, version).await;
    assert!(s.is_client_error(), "{s} {e}");
    // A complaint source needs its complaint.
    let (s, e) = put(json!({"source": {"kind": "complaint"}}), version).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("投诉举报"),
        "{e}"
    );

    // An organisation's details, valid in themselves, on a citizen's case: refused (issue 13).
    let org = json!({"party": {"kind": "organisation", "credit_code": "91350100m000100y43",
        "legal_representative": "李某", "address": "卧龙区工业路2号"}, "facts": "  事实  "});
    let (s, e) = put(org, version).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["field"], "party.kind", "{e}");
    // A citizen's identity; kept (trimmed) and read back; the
    // version moves on.
    let person = json!({"party": {"kind": "individual", "id_type": "resident_id_card",
        "id_no": " 11010519491231002x ", "address": "卧龙区卧龙路1号"}, "facts": "  事实  "});
    let (s, kept) = put(person, version).await;
    assert_eq!(s, StatusCode::OK, "{kept}");
    assert_eq!(kept["party"]["id_no"], "11010519491231002x");
    assert_eq!(kept["facts"], "事实");
    let (s, e) = put(complete_record(), version).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    let (_, read) = parts(legal.get(&format!("/cases/{case_id}/record")).await).await;
    assert_eq!(read, kept);
    // The legal office reads but does not write the investigators' record …
    let (s, e) = parts(
        legal
            .put(
                &format!("/cases/{case_id}/record"),
                &json!({"expected_version": version + 1, "record": complete_record()}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("只能填写案件记录中的法制审核部分"),
        "{e}"
    );
    // … it writes its own findings (法制审核), the rest kept as it is.
    let mut reviewed = kept.clone();
    reviewed["legal_review"] = json!({"reviewer": "王法制", "opinion": "同意处罚"});
    let (s, saved) = parts(
        legal
            .put(
                &format!("/cases/{case_id}/record"),
                &json!({"expected_version": version + 1, "record": reviewed}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{saved}");
    assert_eq!(saved["legal_review"]["reviewer"], "王法制");
    assert_eq!(saved["facts"], "事实");
    // An officer may not write the legal office's use case by another route: the matrix in
    // tests/api/permissions.rs covers the route; an anonymous caller is refused as before.
}

/// LibreOffice and pdftotext, when installed; `None` (with a message) otherwise, or a failure
/// when `FAZHI_REQUIRE_LIBREOFFICE=1` (CI).
fn libreoffice() -> Option<std::path::PathBuf> {
    let soffice = [
        "/usr/bin/soffice",
        "/usr/local/bin/soffice",
        "/usr/lib/libreoffice/program/soffice",
    ]
    .iter()
    .map(std::path::PathBuf::from)
    .find(|p| p.exists());
    let pdftotext = std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_ok();
    match soffice {
        Some(p) if pdftotext => Some(p),
        _ => {
            assert!(
                std::env::var("FAZHI_REQUIRE_LIBREOFFICE").as_deref() != Ok("1"),
                "FAZHI_REQUIRE_LIBREOFFICE=1 but soffice or pdftotext is not installed"
            );
            eprintln!(
                "skipped: LibreOffice (soffice) or pdftotext is not installed; FAZHI_REQUIRE_LIBREOFFICE=1 makes this a failure"
            );
            None
        }
    }
}

/// The text of a PDF, by pdftotext, without white space (the document grid spaces glyphs).
/// The most Chinese characters (ideographs; punctuation may hang into the margin at a line's
/// end) on one printed line of a PDF (GB/T 9704: 28).
fn widest_cjk_line(bytes: &[u8]) -> usize {
    let path = std::env::temp_dir().join(format!("fazhi-test-{}.pdf", uuid::Uuid::now_v7()));
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&path);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            l.chars()
                .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
                .count()
        })
        .max()
        .unwrap_or(0)
}

fn pdf_text(bytes: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("fazhi-test-{}.pdf", uuid::Uuid::now_v7()));
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&path);
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8_lossy(&out.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[tokio::test]
async fn every_document_is_also_a_pdf_holding_its_text() {
    let Some(soffice) = libreoffice() else {
        return;
    };
    let app = TestApp::spawn_with("2026-04-30", |s, _| s.soffice = Some(soffice)).await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let legal = app.user("legal", Role::Legal, &app.bureau).await;
    let officer_user = app.user("officer", Role::Officer, &app.squad).await;
    let a = officer(&admin, &app.squad, "王强", "豫41000001").await;
    let b = officer(&admin, &app.squad, "李娜", "豫41000002").await;
    let case_id = run_case(&leader, &legal, &officer_user, &app.squad, (&a, &b), true).await;
    write_record(&officer_user, &case_id).await;
    for (kind, needles) in [
        ("inquiry_record", &["询问笔录", "张某某"][..]),
        (
            "inspection_record",
            &["现场检查笔录", "人民路与工业路交叉口东北角"][..],
        ),
        (
            "register_approval",
            &["立案审批表", "审批意见", "年月日"][..],
        ),
        (
            "advance_notice",
            &["行政处罚事先告知书", "裁量理由", "占用人行道约6平方米"][..],
        ),
        (
            "decision",
            &[
                "行政处罚决定书",
                "11010519491231002X",
                "现场照片4张",
                "罚款人民币6000元",
            ][..],
        ),
        ("service_receipt", &["送达回证", "直接送达"][..]),
        ("demand", &["催告书", "7980元"][..]),
    ] {
        let (s, d) = generate(&leader, &case_id, kind).await;
        assert_eq!(s, StatusCode::CREATED, "{kind}: {d}");
        let sha = d["pdf_sha256"]
            .as_str()
            .unwrap_or_else(|| panic!("{kind}: no PDF: {d}"));
        let r = leader
            .get(&format!("/documents/{}/pdf", d["id"].as_str().unwrap()))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{kind}");
        assert_eq!(
            r.headers()[reqwest::header::CONTENT_TYPE],
            "application/pdf"
        );
        let bytes = r.bytes().await.unwrap();
        assert!(bytes.starts_with(b"%PDF"), "{kind}");
        assert_eq!(hex::encode(Sha256::digest(&bytes)), sha, "{kind}");
        assert_ne!(d["sha256"], d["pdf_sha256"]);
        let text = pdf_text(&bytes);
        let doc_no = d["doc_no"].as_str().unwrap();
        for needle in needles
            .iter()
            .copied()
            .chain([doc_no, "南阳市卧龙区城市管理局", "—1—"])
        {
            assert!(text.contains(needle), "{kind} PDF lacks {needle}: {text}");
        }
        // The printed lines hold GB/T 9704's 28 characters, not half of them (LibreOffice
        // spreads characters over two cells of a compressed character grid).
        let widest = widest_cjk_line(&bytes);
        assert!(widest <= 28, "{kind}: {widest} characters on a line");
        if kind == "decision" {
            assert!(
                widest >= 26,
                "{kind}: at most {widest} characters on a line"
            );
        }
    }
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
    // The 结案审批表 prints the facts found, so the record comes first.
    write_record(&leader, &case_id).await;
    let (s, k) = generate(&leader, &case_id, "closing_approval").await;
    assert_eq!(s, StatusCode::CREATED, "{k}");
    let xml = download(&leader, &k).await;
    assert!(
        xml.contains("结案理由：撤销立案（经调查违法事实不能成立）"),
        "closing approval lacks the reason"
    );
}

/// The demo seeded on a bare app (optionally with LibreOffice); the leader's and the legal
/// officer's clients and the id of the complete demo case (陈某某).
async fn demo_case(soffice: Option<std::path::PathBuf>) -> (TestApp, Client, Client, String) {
    let app = TestApp::spawn_bare_with("2026-12-03", |s, _| s.soffice = soffice).await;
    assert!(fazhi::service::demo::seed(&app.state).await.unwrap());
    let password = fazhi::service::demo::DEMO_PASSWORD;
    let (s, e, leader) = token_for(&app, "juzhang", password).await;
    let leader = leader.unwrap_or_else(|| panic!("{s}: {e}"));
    let (s, e, legal) = token_for(&app, "fazhi", password).await;
    let legal = legal.unwrap_or_else(|| panic!("{s}: {e}"));
    let (_, cases) = parts(leader.get("/cases?open=false").await).await;
    let id = cases
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["party_name"] == "陈某某")
        .unwrap_or_else(|| panic!("no complete demo case: {cases}"))["id"]
        .as_str()
        .unwrap()
        .to_string();
    (app, leader, legal, id)
}

/// The kinds of the complete demo case, in the order a case file binds them (K3).
const CASE_FILE_KINDS: &[(&str, &str)] = &[
    ("register_approval", "立案审批表"),
    ("inquiry_record", "询问笔录"),
    ("inspection_record", "现场检查笔录"),
    ("preservation_notice", "先行登记保存通知书"),
    ("preservation_decision", "先行登记保存物品处理决定书"),
    ("advance_notice", "行政处罚事先告知书"),
    ("hearing_notice", "听证通知书"),
    ("hearing_record", "听证笔录"),
    ("hearing_report", "听证报告"),
    ("legal_review_opinion", "法制审核意见书"),
    ("deliberation_record", "集体讨论记录"),
    ("decision", "行政处罚决定书"),
    ("service_receipt", "送达回证"),
    ("closing_approval", "结案审批表"),
];

/// What each new kind must print from the demo case's record and events.
fn new_kind_needles(kind: &str) -> &'static [&'static str] {
    match kind {
        "preservation_notice" => &[
            "先行登记保存通知书",
            "陈某某",
            "第五十六条",
            "2026年7月3日",
            "货架2个（铁质，八成新）、遮阳棚1顶",
            "保存地点：卧龙区城市管理局卧龙岗中队暂扣物品仓库",
            // 7 working days after 7-03 (Fri): 7-14.
            "7个工作日内（即2026年7月14日前）",
            "王强（执法证号：",
        ],
        "preservation_decision" => &[
            "先行登记保存物品处理决定书",
            "2026年7月3日",
            "货架2个",
            "予以退还当事人",
            "2026年7月9日",
            "卧龙区人民政府",
        ],
        "hearing_notice" => &["听证通知书", "听证地点：卧龙区城市管理局第一听证室"],
        "hearing_record" => &[
            "听证笔录",
            "2026年7月27日9时00分至10时20分",
            "听证地点：卧龙区城市管理局第一听证室",
            "听证主持人：孙敏",
            "记录人：周某",
            "参加人员：当事人陈某某；调查人员王强、李娜",
            "建议罚款人民币6000元",
            "请求从轻处罚；未提交新的证据",
            "当事人（代理人）签名",
            "记录人签名",
        ],
        "hearing_report" => &[
            "听证报告",
            "听证主持人：孙敏",
            "卧龙区城市管理局第一听证室",
            "调查人员提出：当事人于2026年7月1日",
            "当事人陈述、申辩：当事人对占道事实无异议",
            "听证主持人意见：违法事实清楚，证据确实充分",
            "第六十五条",
            "根据听证笔录",
        ],
        "legal_review_opinion" => &[
            "法制审核意见书",
            "罚款人民币6000元",
            "执法主体",
            "本机关具有城市管理行政处罚权",
            "时间、地点、面积清楚",
            "相互印证，证据确实充分",
            "适用依据准确",
            "先行登记保存、事先告知、听证程序合法",
            "裁量基准一般档次内",
            "审核通过",
            "第五十八条",
            "同意拟作出的行政处罚决定",
            "陈法制",
            "2026年7月29日",
        ],
        "deliberation_record" => &[
            "集体讨论记录",
            "2026年7月30日",
            "主持人",
            "张局长",
            "张局长、分管副局长、法制科负责人、卧龙岗中队中队长",
            "一致认为违法事实清楚",
            "决定对当事人陈某某罚款人民币6000元",
            "第五十七条第二款",
        ],
        _ => &[],
    }
}

/// The 卷内目录's data rows: (序号, 文书名称, 文号, 日期, 页号) from the table's cells.
fn index_rows(xml: &str) -> Vec<Vec<String>> {
    xml.split("<w:tr>")
        .skip(2) // before the table, and the header row
        .map(|row| {
            row.split("<w:tc>")
                .skip(1)
                .map(|cell| {
                    cell.split("<w:t xml:space=\"preserve\">")
                        .nth(1)
                        .and_then(|t| t.split("</w:t>").next())
                        .unwrap_or("")
                        .to_string()
                })
                .collect()
        })
        .collect()
}

/// Pages `a` or `a—b` as (first, last).
fn page_span(cell: &str) -> (u32, u32) {
    match cell.split_once('—') {
        Some((a, b)) => (a.parse().unwrap(), b.parse().unwrap()),
        None => {
            let n = cell.parse().unwrap();
            (n, n)
        }
    }
}

/// Generates every kind of the demo case's file, checks each new kind's text against the
/// record, then the cover and the list: every document once, in the K3 order, numbered
/// pages without gaps. Returns the documents by kind.
async fn check_case_file(
    leader: &Client,
    legal: &Client,
    case_id: &str,
) -> BTreeMap<String, Value> {
    let mut docs = BTreeMap::new();
    for (kind, title) in CASE_FILE_KINDS {
        // The legal office generates its own opinion; the leader the others.
        let client = if *kind == "legal_review_opinion" {
            legal
        } else {
            leader
        };
        let (s, d) = generate(client, case_id, kind).await;
        assert_eq!(s, StatusCode::CREATED, "{kind}: {d}");
        let xml = download(client, &d).await;
        assert!(xml.contains(title), "{kind} lacks its title");
        for needle in new_kind_needles(kind) {
            assert!(xml.contains(needle), "{kind} lacks {needle}");
        }
        if matches!(*kind, "legal_review_opinion" | "deliberation_record") {
            assert_form(&xml);
        }
        docs.insert(kind.to_string(), d);
    }
    let (s, index) = generate(leader, case_id, "file_index").await;
    assert_eq!(s, StatusCode::CREATED, "{index}");
    let xml = download(leader, &index).await;
    assert!(xml.contains("卷内目录"));
    for header in ["序号", "文书名称", "文号", "日期", "页号"] {
        assert!(xml.contains(&format!(">{header}<")), "index lacks {header}");
    }
    let rows = index_rows(&xml);
    assert_eq!(rows.len(), CASE_FILE_KINDS.len(), "{rows:?}");
    let mut next_page = 1;
    for (i, ((kind, title), row)) in CASE_FILE_KINDS.iter().zip(&rows).enumerate() {
        assert_eq!(row[0], (i + 1).to_string(), "{row:?}");
        assert_eq!(row[1], *title, "K3 order: {rows:?}");
        assert_eq!(row[2], docs[*kind]["doc_no"].as_str().unwrap(), "{row:?}");
        let (first, last) = page_span(&row[4]);
        assert_eq!(first, next_page, "pages run on: {rows:?}");
        assert!(last >= first, "{row:?}");
        next_page = last + 1;
    }
    assert_eq!(rows[0][3], "2026.07.02", "register date: {rows:?}");
    assert_eq!(rows[13][3], "2026.08.06", "close date: {rows:?}");
    let total = next_page - 1;
    let summary = format!("本卷共{}件{total}页", CASE_FILE_KINDS.len());
    assert!(xml.contains(&summary), "index lacks {summary}");

    let (s, cover) = generate(leader, case_id, "file_cover").await;
    assert_eq!(s, StatusCode::CREATED, "{cover}");
    let xml = download(leader, &cover).await;
    assert_form(&xml);
    for needle in [
        "行政处罚案卷",
        "陈某某",
        "立案日期",
        "2026年7月2日",
        "结案日期",
        "2026年8月6日",
        "罚款人民币6000元",
        "王强（执法证号：",
        summary.as_str(),
        "保管期限",
    ] {
        assert!(xml.contains(needle), "cover lacks {needle}");
    }
    docs.insert("file_index".into(), index);
    docs.insert("file_cover".into(), cover);
    docs
}

#[tokio::test]
async fn every_kind_of_a_complete_case_file_generates_from_the_demo_case() {
    let (app, leader, legal, case_id) = demo_case(None).await;
    let docs = check_case_file(&leader, &legal, &case_id).await;
    // Without PDFs, the pages are estimated from the DOCX layout: one page for each of the
    // short documents, more for none of them here.
    assert!(docs.values().all(|d| d["pdf_sha256"].is_null()));
    // The record page shows the new sections, filled in.
    let (s, record) = parts(leader.get(&format!("/cases/{case_id}/record")).await).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(record["hearing"]["recorder"], "周某", "{record}");
    assert_eq!(record["legal_review"]["reviewer"], "陈法制", "{record}");
    // Generating the list again returns the stored one.
    let (s, again) = generate(&leader, &case_id, "file_index").await;
    assert_eq!(s, StatusCode::OK, "{again}");
    assert_eq!(again["id"], docs["file_index"]["id"]);
    // The print page draws the list as a table, header first.
    let page = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    submit_login_form(
        &page,
        &app.root(),
        &[
            ("username", "juzhang"),
            ("password", fazhi::service::demo::DEMO_PASSWORD),
        ],
    )
    .await;
    let html = page
        .get(format!(
            "{}/documents/{}",
            app.root(),
            docs["file_index"]["id"].as_str().unwrap()
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let register_no = docs["register_approval"]["doc_no"].as_str().unwrap();
    assert!(
        html.contains("<table class=\"form index\">")
            && html.contains("<th>页号</th>")
            && html.contains(&format!("<td>{register_no}</td>")),
        "{html}"
    );
}

#[tokio::test]
async fn the_new_kinds_are_refused_naming_the_missing_step_or_element() {
    let app = TestApp::spawn_on("2026-04-30").await;
    let admin = app.user("admin", Role::Admin, &app.bureau).await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let a = officer(&admin, &app.squad, "王强", "豫41000001").await;
    let b = officer(&admin, &app.squad, "李娜", "豫41000002").await;
    let (case_id, version) = new_case(&leader, &app.squad).await;
    // No step on record: each kind names its step.
    for (kind, step) in [
        ("preservation_notice", "先行登记保存"),
        ("preservation_decision", "先行登记保存的处理决定"),
        ("hearing_record", "听证"),
        ("hearing_report", "听证"),
        ("legal_review_opinion", "法制审核"),
        ("deliberation_record", "集体讨论"),
        ("file_cover", "结案"),
        ("file_index", "结案"),
    ] {
        let (s, e) = generate(&leader, &case_id, kind).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{kind}: {e}");
        assert_eq!(e["error"]["code"], "document_not_available", "{kind}");
        let message = e["error"]["message"].as_str().unwrap();
        assert!(message.contains(step), "{kind}: {message}");
        assert!(
            !message.is_ascii() && !message.contains('_'),
            "{kind}: {message}"
        );
    }
    let version = write_record(&leader, &case_id).await.max(version);
    record(
        &leader,
        &case_id,
        version,
        &[
            json!({"on": "2026-03-02", "type": "register", "officers": [a, b]}),
            json!({"on": "2026-03-03", "type": "evidence", "officers": [a, b]}),
            json!({"on": "2026-03-03", "type": "preservation", "officers": [a, b]}),
            json!({"on": "2026-03-09", "type": "preservation_decision", "officers": [a, b]}),
            json!({"on": "2026-03-10", "type": "advance_notice", "officers": [a, b], "proposed": {"fine": 6000}, "rights": ["statement", "defence", "hearing"]}),
            json!({"on": "2026-03-12", "type": "hearing_request"}),
            json!({"on": "2026-03-13", "type": "hearing_notice", "hearing_on": "2026-03-25"}),
            json!({"on": "2026-03-25", "type": "hearing"}),
            json!({"on": "2026-03-27", "type": "deliberation"}),
        ],
    )
    .await;
    // The steps are on record, the record lacks what the documents print: every missing
    // element is named, and no number is used up.
    for (kind, elements) in [
        (
            "preservation_notice",
            &["先行登记保存物品清单", "保存地点"][..],
        ),
        (
            "preservation_decision",
            &["先行登记保存物品清单", "先行登记保存物品的处理决定"][..],
        ),
        (
            "hearing_record",
            &[
                "听证主持人",
                "听证地点",
                "听证起止时间",
                "听证记录人",
                "听证参加人",
                "调查人员提出的违法事实、证据和处罚建议",
                "当事人的陈述、申辩、质证意见和证据",
            ][..],
        ),
        (
            "hearing_report",
            &["听证主持人", "听证地点", "听证主持人对案件的处理意见"][..],
        ),
        (
            "deliberation_record",
            &["主持人", "参加人员", "讨论情况", "讨论结论"][..],
        ),
    ] {
        let (s, e) = generate(&leader, &case_id, kind).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{kind}: {e}");
        assert_eq!(e["error"]["code"], "document_incomplete", "{kind}: {e}");
        let message = e["error"]["message"].as_str().unwrap();
        for element in elements {
            assert!(
                message.contains(element),
                "{kind}: {message} lacks {element}"
            );
        }
    }
    // Part of a section written: only the rest is named; the hearing record still lacks its
    // chair, who is named on the hearing step, not in the record.
    let (_, case) = parts(leader.get(&format!("/cases/{case_id}")).await).await;
    let version = case["case"]["version"].as_i64().unwrap();
    let mut partial = complete_record();
    partial["hearing"] = json!({"place": "第一听证室", "time": "  ", "recorder": "周某"});
    partial["preservation"] = json!({"items": "货架2个", "keeping_place": "中队仓库"});
    let (s, v) = parts(
        leader
            .put(
                &format!("/cases/{case_id}/record"),
                &json!({"expected_version": version, "record": partial}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v["hearing"]["time"].is_null(), "blank is absent: {v}");
    let (s, e) = generate(&leader, &case_id, "hearing_record").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let message = e["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("听证主持人") && message.contains("听证起止时间"),
        "{message}"
    );
    assert!(
        !message.contains("听证地点") && !message.contains("听证记录人"),
        "{message}"
    );
    let (s, n) = generate(&leader, &case_id, "preservation_notice").await;
    assert_eq!(s, StatusCode::CREATED, "{n}");
    assert_eq!(n["doc_no"], "卧城管保通〔2026〕1号");
    let (s, e) = generate(&leader, &case_id, "preservation_decision").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("先行登记保存物品的处理决定"),
        "{e}"
    );
    // A section element too long is refused, naming the field.
    let mut long = complete_record();
    long["deliberation"] = json!({"presiding": "张".repeat(51)});
    let (s, e) = parts(
        leader
            .put(
                &format!("/cases/{case_id}/record"),
                &json!({"expected_version": version + 1, "record": long}),
            )
            .await,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["code"], "invalid_case_record");
    assert_eq!(e["error"]["field"], "deliberation.presiding", "{e}");
}

#[tokio::test]
async fn the_new_kinds_are_pdfs_and_the_file_index_counts_their_pages() {
    let Some(soffice) = libreoffice() else {
        return;
    };
    let (app, leader, legal, case_id) = demo_case(Some(soffice)).await;
    let docs = check_case_file(&leader, &legal, &case_id).await;
    for (kind, d) in &docs {
        let sha = d["pdf_sha256"]
            .as_str()
            .unwrap_or_else(|| panic!("{kind}: no PDF: {d}"));
        let bytes =
            std::fs::read(app.data_dir.join("documents").join(format!("{sha}.pdf"))).unwrap();
        let text = pdf_text(&bytes);
        let needles = new_kind_needles(kind)
            .iter()
            .map(|n| n.chars().filter(|c| !c.is_whitespace()).collect::<String>());
        for needle in needles.chain([d["doc_no"].as_str().unwrap().to_string()]) {
            assert!(text.contains(&needle), "{kind} PDF lacks {needle}: {text}");
        }
    }
    // The list counts each document's PDF pages.
    let r = leader
        .get(&format!(
            "/documents/{}/file",
            docs["file_index"]["id"].as_str().unwrap()
        ))
        .await;
    let parts = unzip(&r.bytes().await.unwrap());
    let rows = index_rows(&parts["word/document.xml"]);
    for ((kind, _), row) in CASE_FILE_KINDS.iter().zip(&rows) {
        let sha = docs[*kind]["pdf_sha256"].as_str().unwrap();
        let pdf = std::fs::read(app.data_dir.join("documents").join(format!("{sha}.pdf"))).unwrap();
        let (first, last) = page_span(&row[4]);
        // The page count poppler's pdfinfo reads from the same PDF.
        let path = app.data_dir.join("documents").join(format!("{sha}.pdf"));
        let info = std::process::Command::new("pdfinfo")
            .arg(&path)
            .output()
            .unwrap();
        let pages: u32 = String::from_utf8_lossy(&info.stdout)
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .unwrap_or_else(|| panic!("pdfinfo: {info:?}"))
            .trim()
            .parse()
            .unwrap();
        assert_eq!(fazhi::service::document::pdf_pages(&pdf), pages, "{kind}");
        assert_eq!(last - first + 1, pages, "{kind}: {row:?}");
    }
}

#[tokio::test]
async fn the_record_page_takes_the_later_steps_sections() {
    let app = TestApp::spawn_on("2026-04-30").await;
    let leader = app.user("leader", Role::Leader, &app.bureau).await;
    let (case_id, version) = new_case(&leader, &app.squad).await;
    let page = PageSession::login(&app, "leader").await;
    let path = format!("/cases/{case_id}/record");
    let form = page.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    for needle in [
        r#"name="preservation_items""#,
        "先行登记保存物品清单",
        r#"name="hearing_place""#,
        "听证主持人对案件的处理意见",
        r#"name="legal_review_subject""#,
        "法制审核人员",
        r#"name="deliberation_conclusion""#,
        "讨论结论",
    ] {
        assert!(form.body.contains(needle), "record page lacks {needle}");
    }
    let version = version.to_string();
    let long = "张".repeat(51);
    // Too long a name: the error is shown beside its input, what was typed is kept.
    let refused = page
        .post(
            &path,
            &[
                ("version", version.as_str()),
                ("hearing_place", "第一听证室"),
                ("hearing_recorder", "周某"),
                ("deliberation_presiding", long.as_str()),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::OK, "{}", refused.body);
    let field = refused
        .body
        .split(r#"id="field-deliberation_presiding""#)
        .nth(1)
        .expect("the presiding field");
    let field = &field[..field.find("</div>").unwrap()];
    assert!(field.contains("主持人不超过50个字"), "{field}");
    assert!(refused.body.contains("第一听证室"), "typed text kept");
    // Accepted: kept in the record, read back by the API.
    let saved = page
        .post(
            &path,
            &[
                ("version", version.as_str()),
                ("hearing_place", "第一听证室"),
                ("hearing_recorder", "周某"),
                ("deliberation_presiding", "张局长"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let (_, record) = parts(leader.get(&path).await).await;
    assert_eq!(record["hearing"]["place"], "第一听证室", "{record}");
    assert_eq!(record["hearing"]["recorder"], "周某", "{record}");
    assert!(record["hearing"]["time"].is_null(), "{record}");
    assert_eq!(record["deliberation"]["presiding"], "张局长", "{record}");
    assert!(
        record["preservation"].is_null() && record["legal_review"].is_null(),
        "{record}"
    );
    // The page shows what was saved.
    let form = page.get(&path).await;
    assert!(form.body.contains("张局长") && form.body.contains("第一听证室"));
    // The OpenAPI document describes the sections.
    let doc: Value = reqwest::get(app.url("/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let schemas = &doc["components"]["schemas"];
    for (section, schema, element) in [
        ("preservation", "PreservationRecord", "keeping_place"),
        ("hearing", "HearingRecord", "chair_opinion"),
        ("legal_review", "LegalReviewRecord", "discretion"),
        ("deliberation", "DeliberationRecord", "conclusion"),
    ] {
        assert!(
            !schemas["CaseRecord"]["properties"][section].is_null(),
            "CaseRecord lacks {section}"
        );
        assert!(
            !schemas[schema]["properties"][element].is_null(),
            "{schema} lacks {element}: {}",
            schemas[schema]
        );
    }
}
