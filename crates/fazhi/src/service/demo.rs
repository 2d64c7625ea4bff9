//! Demo data: a district bureau with squads, a legal office and a partner department,
//! users for every role, officers with certificates (one expired, one assistant without),
//! the sample catalogue, cases at different stages recorded through the same use cases
//! as real ones (so the demo data passes the same rules), the complaint categories, an
//! Open311 client key and a few complaints filed through the complaint use case.

use super::auth::{self, CurrentUser, NewUser, Role};
use super::case::{self, NewCase, NewEvent};
use super::officer::{self, NewCertificate, NewOfficer};
use super::org_unit::{self, NewOrgUnit};
use super::{AppState, ServiceResult, catalogue, complaint};
use chrono::NaiveDate;
use fazhi_domain::timeline::Event;

/// The demo logins printed by `fazhi demo`: (username, password, role in Chinese).
pub const DEMO_PASSWORD: &str = "fazhi-demo-2026";
/// The Open311 `api_key` printed by `fazhi demo` (only its hash is stored).
pub const DEMO_OPEN311_KEY: &str = "fazhi-demo-open311-key-2026";
pub const DEMO_USERS: &[(&str, &str)] = &[
    ("admin", "系统管理员"),
    ("juzhang", "局长"),
    ("fazhi", "法制审核员"),
    ("wang.qiang", "执法队员（卧龙岗中队）"),
    ("zhuangjian", "协作部门（区住建局）"),
    ("zhihui", "指挥中心受理员"),
];

fn date(s: &str) -> anyhow::Result<NaiveDate> {
    Ok(NaiveDate::parse_from_str(s, "%Y-%m-%d")?)
}

/// A demo case: party, party kind, violation, act date, squad, major, events (JSON).
type DemoCase<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    bool,
    Vec<String>,
);

/// Seeds an empty database. Returns false when it already holds data.
pub async fn seed(state: &AppState) -> ServiceResult<bool> {
    let mut conn = state.db.pool.acquire().await?;
    let existing = crate::repo::org_unit_repo::count(&mut conn).await?;
    drop(conn);
    if existing > 0 {
        return Ok(false);
    }
    catalogue::seed_if_empty(state).await?;
    let unit = |name: &str, kind: &str, parent: Option<&str>| NewOrgUnit {
        name: name.into(),
        kind: kind.into(),
        parent_id: parent.map(str::to_string),
    };
    let bureau =
        org_unit::create(state, None, unit("南阳市卧龙区城市管理局", "bureau", None)).await?;
    let legal_office =
        org_unit::create(state, None, unit("法制股", "office", Some(&bureau.id))).await?;
    let squad1 =
        org_unit::create(state, None, unit("卧龙岗中队", "squad", Some(&bureau.id))).await?;
    let squad2 =
        org_unit::create(state, None, unit("七里园中队", "squad", Some(&bureau.id))).await?;
    // A partner department is not under the bureau: it is its own root and sees nothing of ours.
    let partner =
        org_unit::create(state, None, unit("卧龙区住房和城乡建设局", "partner", None)).await?;

    let mk_officer = |name: &str, unit: &str, employment: &str| NewOfficer {
        name: name.into(),
        org_unit_id: unit.into(),
        employment: employment.into(),
    };
    let cert = |no: &str, from: &str, until: &str| -> anyhow::Result<NewCertificate> {
        Ok(NewCertificate {
            cert_no: no.into(),
            issuer: "河南省人民政府".into(),
            scope: "城市管理综合行政执法".into(),
            valid_from: date(from)?,
            valid_until: date(until)?,
        })
    };
    let wang = officer::create(state, None, mk_officer("王强", &squad1.id, "staff")).await?;
    officer::add_certificate(
        state,
        None,
        &wang.id,
        cert("豫41130001", "2024-01-01", "2026-12-31")?,
    )
    .await?;
    let li = officer::create(state, None, mk_officer("李娜", &squad1.id, "staff")).await?;
    officer::add_certificate(
        state,
        None,
        &li.id,
        cert("豫41130002", "2024-01-01", "2026-12-31")?,
    )
    .await?;
    let zhao = officer::create(state, None, mk_officer("赵磊", &squad2.id, "staff")).await?;
    officer::add_certificate(
        state,
        None,
        &zhao.id,
        cert("豫41130003", "2021-01-01", "2025-12-31")?,
    )
    .await?;
    let sun = officer::create(state, None, mk_officer("孙敏", &squad2.id, "staff")).await?;
    officer::add_certificate(
        state,
        None,
        &sun.id,
        cert("豫41130004", "2024-06-01", "2027-05-31")?,
    )
    .await?;
    let _helper =
        officer::create(state, None, mk_officer("周协管", &squad1.id, "auxiliary")).await?;

    let users = [
        ("admin", "系统管理员", Role::Admin, bureau.id.as_str(), None),
        ("juzhang", "张局长", Role::Leader, bureau.id.as_str(), None),
        (
            "fazhi",
            "陈法制",
            Role::Legal,
            legal_office.id.as_str(),
            None,
        ),
        (
            "wang.qiang",
            "王强",
            Role::Officer,
            squad1.id.as_str(),
            Some(wang.id.clone()),
        ),
        (
            "zhuangjian",
            "住建局联络员",
            Role::Partner,
            partner.id.as_str(),
            None,
        ),
        (
            "zhihui",
            "刘受理",
            Role::Dispatcher,
            bureau.id.as_str(),
            None,
        ),
    ];
    for (username, display, role, unit_id, officer_id) in users {
        auth::create_user(
            state,
            None,
            NewUser {
                username: username.into(),
                password: DEMO_PASSWORD.into(),
                display_name: display.into(),
                role,
                org_unit_id: unit_id.into(),
                officer_id,
            },
        )
        .await?;
    }

    // Cases are recorded as the leader and the legal officer would record them.
    let leader = as_user(state, "juzhang").await?;
    let legal = as_user(state, "fazhi").await?;
    let a = wang.id.as_str();
    let b = li.id.as_str();
    let c = sun.id.as_str();
    let cases: Vec<DemoCase> = vec![
        (
            "刘某某",
            "individual",
            "zhan_dao_jing_ying",
            "2026-03-02",
            &squad1.id,
            false,
            vec![
                format!(r#"{{"on":"2026-03-04","type":"register","officers":["{a}","{b}"]}}"#),
                format!(r#"{{"on":"2026-03-05","type":"evidence","officers":["{a}","{b}"]}}"#),
                format!(
                    r#"{{"on":"2026-03-10","type":"advance_notice","officers":["{a}","{b}"],"proposed":{{"fine":500}},"rights":["statement","defence"]}}"#
                ),
                r#"{"on":"2026-03-12","type":"defence"}"#.into(),
                format!(
                    r#"{{"on":"2026-03-16","type":"decision","officers":["{a}","{b}"],"outcome":"penalty","penalty":{{"fine":500}}}}"#
                ),
                r#"{"on":"2026-03-17","type":"service","method":"direct"}"#.into(),
                r#"{"on":"2026-03-25","type":"payment","amount":500}"#.into(),
                r#"{"on":"2026-03-26","type":"close"}"#.into(),
            ],
        ),
        (
            "南阳某某建筑工程有限公司",
            "organisation",
            "zha_tu_che_pao_sa",
            "2026-05-11",
            &squad1.id,
            false,
            vec![
                format!(r#"{{"on":"2026-05-12","type":"register","officers":["{a}","{b}"]}}"#),
                format!(r#"{{"on":"2026-05-13","type":"evidence","officers":["{a}","{b}"]}}"#),
                format!(
                    r#"{{"on":"2026-06-01","type":"advance_notice","officers":["{a}","{b}"],"proposed":{{"fine":20000}},"rights":["statement","defence"]}}"#
                ),
            ],
        ),
        (
            "张某",
            "individual",
            "zhan_lv_hui_lv",
            "2026-08-20",
            &squad1.id,
            false,
            vec![
                format!(r#"{{"on":"2026-08-24","type":"register","officers":["{a}","{b}"]}}"#),
                format!(r#"{{"on":"2026-08-25","type":"evidence","officers":["{a}","{b}"]}}"#),
            ],
        ),
        // A major case (重大执法决定) of the other squad, investigated and waiting for the
        // legal office's review: it is on 陈法制's workbench queue.
        (
            "南阳某某餐饮管理有限公司",
            "organisation",
            "zha_tu_che_pao_sa",
            "2026-09-10",
            &squad2.id,
            true,
            vec![
                format!(r#"{{"on":"2026-09-14","type":"register","officers":["{c}","{b}"]}}"#),
                format!(r#"{{"on":"2026-09-16","type":"evidence","officers":["{c}","{b}"]}}"#),
            ],
        ),
        // A complete file: goods preserved and returned, a hearing chaired by an officer of
        // the other squad, legal review, deliberation, decision, payment and close; every
        // kind of document generates from it.
        (
            "陈某某",
            "individual",
            "zhan_dao_jing_ying",
            "2026-07-01",
            &squad1.id,
            false,
            vec![
                format!(r#"{{"on":"2026-07-02","type":"register","officers":["{a}","{b}"]}}"#),
                format!(r#"{{"on":"2026-07-03","type":"evidence","officers":["{a}","{b}"]}}"#),
                format!(r#"{{"on":"2026-07-03","type":"preservation","officers":["{a}","{b}"]}}"#),
                format!(
                    r#"{{"on":"2026-07-09","type":"preservation_decision","officers":["{a}","{b}"]}}"#
                ),
                format!(
                    r#"{{"on":"2026-07-10","type":"advance_notice","officers":["{a}","{b}"],"proposed":{{"fine":6000}},"rights":["statement","defence","hearing"]}}"#
                ),
                r#"{"on":"2026-07-14","type":"hearing_request"}"#.into(),
                r#"{"on":"2026-07-15","type":"hearing_notice","hearing_on":"2026-07-27"}"#.into(),
                format!(r#"{{"on":"2026-07-27","type":"hearing","chair":"{c}"}}"#),
                r#"{"on":"2026-07-29","type":"legal_review","result":"pass"}"#.into(),
                r#"{"on":"2026-07-30","type":"deliberation"}"#.into(),
                format!(
                    r#"{{"on":"2026-07-31","type":"decision","officers":["{a}","{b}"],"outcome":"penalty","penalty":{{"fine":6000}}}}"#
                ),
                r#"{"on":"2026-07-31","type":"service","method":"direct"}"#.into(),
                r#"{"on":"2026-08-05","type":"payment","amount":6000}"#.into(),
                r#"{"on":"2026-08-06","type":"close"}"#.into(),
            ],
        ),
    ];
    for (i, (party, kind, violation, act, unit, major, events)) in cases.into_iter().enumerate() {
        let created = case::create(
            state,
            &leader,
            NewCase {
                org_unit_id: unit.to_string(),
                party: serde_json::from_value(serde_json::json!({"kind": kind, "name": party}))
                    .map_err(anyhow::Error::from)?,
                procedure: serde_json::from_value(serde_json::json!("ordinary"))
                    .map_err(anyhow::Error::from)?,
                act_date: date(act)?,
                violation: Some(violation.into()),
                serious_harm: false,
                major,
                party_address: None,
            },
        )
        .await?;
        // The complete record the documents are written from (issue 13).
        let record: super::case_record::CaseRecord =
            serde_json::from_value(demo_record(i)).map_err(anyhow::Error::from)?;
        super::case_record::update(
            state,
            &leader,
            &created.case_row.id,
            super::case_record::RecordUpdate {
                expected_version: created.case_row.version,
                record,
            },
        )
        .await?;
        let mut version = created.case_row.version + 1;
        for json in events {
            let event: Event = serde_json::from_str(&json).map_err(anyhow::Error::from)?;
            let who = if event.event_type() == fazhi_domain::timeline::EventType::LegalReview {
                &legal
            } else {
                &leader
            };
            let view = case::add_event(
                state,
                who,
                &created.case_row.id,
                NewEvent {
                    expected_version: version,
                    late_reason: None,
                    event,
                },
            )
            .await?;
            version = view.case_row.version;
        }
    }
    seed_complaints(state).await?;
    seed_workflow(state, &squad1.id, &partner.id).await?;
    super::demo_year::seed(state, &squad1.id, &squad2.id, &partner.id).await?;
    Ok(true)
}

/// The record of the `i`-th demo case: identity, source, place, facts, evidence, reasons.
fn demo_record(i: usize) -> serde_json::Value {
    use serde_json::json;
    match i {
        0 => json!({
            "party": {"kind": "individual", "id_type": "resident_id_card", "id_no": "411303198503121234",
                      "address": "南阳市卧龙区卧龙路168号3号楼2单元", "phone": "13803771234"},
            "source": {"kind": "patrol", "detail": "卧龙岗中队日常巡查"},
            "place": {"address": "南阳市卧龙区卧龙路与工业路交叉口东南角人行道", "longitude": 112.5283, "latitude": 32.9987},
            "facts": "2026年3月2日17时许，当事人刘某某在卧龙路与工业路交叉口东南角人行道上摆设水果摊位经营，占用人行道约4平方米，影响行人通行；执法人员当场责令改正，当事人于当日撤除摊位。",
            "evidence": [
                {"kind": "inspection_record", "description": "现场检查笔录一份", "source": "执法人员王强、李娜现场制作", "date": "2026-03-05"},
                {"kind": "party_statement", "description": "询问笔录一份（当事人承认占道经营的事实）", "source": "当事人刘某某", "date": "2026-03-05"},
                {"kind": "audio_visual", "description": "现场照片3张", "source": "执法人员现场拍摄", "date": "2026-03-02"},
                {"kind": "documentary", "description": "当事人居民身份证复印件一份", "source": "当事人提供", "date": "2026-03-05"}
            ],
            "discretion_reason": "当事人首次被查处，占道面积较小，经责令后当日改正，属从轻处罚情形，按裁量基准从轻档次拟处罚款。"
        }),
        1 => json!({
            "party": {"kind": "organisation", "credit_code": "91411303MA3X4B7K2A",
                      "legal_representative": "赵某某", "address": "南阳市卧龙区独山大道88号"},
            "source": {"kind": "inspection", "detail": "渣土运输专项检查"},
            "place": {"address": "南阳市卧龙区仲景路与滨河路交叉口"},
            "facts": "2026年5月11日22时许，当事人所属豫R×××××号渣土运输车辆未采取密闭措施，沿仲景路行驶途中抛洒渣土，污染路面约60米。",
            "evidence": [
                {"kind": "inspection_record", "description": "现场检查笔录一份", "source": "执法人员王强、李娜现场制作", "date": "2026-05-13"},
                {"kind": "audio_visual", "description": "道路监控视频截图5张及现场照片6张", "source": "区数字城管监督指挥中心、执法人员拍摄", "date": "2026-05-12"},
                {"kind": "party_statement", "description": "当事人委托代理人询问笔录一份", "source": "当事人委托代理人", "date": "2026-05-13"},
                {"kind": "documentary", "description": "营业执照复印件、法定代表人身份证明及授权委托书", "source": "当事人提供", "date": "2026-05-13"}
            ],
            "discretion_reason": "抛洒路段较长，夜间作业未落实密闭措施，无从轻、减轻情节，按裁量基准一般档次拟处罚款。"
        }),
        2 => json!({
            "party": {"kind": "individual", "id_type": "resident_id_card", "id_no": "411303199207084568",
                      "address": "南阳市卧龙区七一路25号", "phone": "13937765432"},
            "source": {"kind": "patrol"},
            "place": {"address": "南阳市卧龙区新华路中段绿化带"},
            "facts": "2026年8月20日，当事人张某在新华路中段绿化带内堆放建筑材料，损毁草坪约10平方米。",
            "evidence": [
                {"kind": "inspection_record", "description": "现场检查笔录一份", "source": "执法人员王强、李娜现场制作", "date": "2026-08-25"},
                {"kind": "audio_visual", "description": "现场照片4张", "source": "执法人员现场拍摄", "date": "2026-08-25"}
            ],
            "discretion_reason": "损毁面积较小，当事人已配合清理，拟按从轻档次处罚。"
        }),
        4 => json!({
            "party": {"kind": "individual", "id_type": "resident_id_card", "id_no": "11010519491231002X",
                      "address": "南阳市卧龙区中州路56号", "phone": "13703775678"},
            "source": {"kind": "patrol", "detail": "卧龙岗中队日常巡查"},
            "place": {"address": "南阳市卧龙区中州路与人民路交叉口西北角人行道", "longitude": 112.5312, "latitude": 32.9935},
            "facts": "2026年7月1日10时许，当事人陈某某在中州路与人民路交叉口西北角人行道上设置摊位销售日用百货，占用人行道约12平方米，经执法人员两次劝阻仍未改正，影响行人通行。",
            "evidence": [
                {"kind": "inspection_record", "description": "现场检查笔录一份", "source": "执法人员王强、李娜现场制作", "date": "2026-07-03"},
                {"kind": "party_statement", "description": "询问笔录一份", "source": "当事人陈某某", "date": "2026-07-03"},
                {"kind": "audio_visual", "description": "现场照片6张及执法记录仪视频一段", "source": "执法人员现场拍摄", "date": "2026-07-01"},
                {"kind": "physical", "description": "先行登记保存的货架2个、遮阳棚1顶", "source": "执法人员先行登记保存", "date": "2026-07-03"}
            ],
            "discretion_reason": "占道面积较大，经两次劝阻仍未改正，无从轻、减轻情节，按裁量基准一般档次拟处罚款。",
            "preservation": {
                "items": "货架2个（铁质，八成新）、遮阳棚1顶（蓝色，3米×4米）",
                "keeping_place": "卧龙区城市管理局卧龙岗中队暂扣物品仓库",
                "handling": "经调查，上述物品系当事人经营用具，已无保存必要，予以退还当事人。"
            },
            "hearing": {
                "place": "卧龙区城市管理局第一听证室",
                "time": "9时00分至10时20分",
                "recorder": "周某",
                "participants": "当事人陈某某；调查人员王强、李娜",
                "investigators_case": "当事人于2026年7月1日在中州路与人民路交叉口西北角人行道占道经营约12平方米，经两次劝阻未改正，有现场检查笔录、询问笔录、现场照片及视频为证，建议罚款人民币6000元。",
                "party_statement": "当事人对占道事实无异议，称系初次经营、不了解规定，请求从轻处罚；未提交新的证据。",
                "chair_opinion": "违法事实清楚，证据确实充分，当事人所称初次经营不属于法定从轻情节，建议维持拟作出的处罚。"
            },
            "legal_review": {
                "reviewer": "陈法制",
                "subject": "本机关具有城市管理行政处罚权，执法人员均持有有效执法证件。",
                "facts": "当事人占道经营的时间、地点、面积清楚。",
                "evidence": "现场检查笔录、询问笔录、照片及视频相互印证，证据确实充分。",
                "basis": "适用依据准确。",
                "procedure": "立案、调查、先行登记保存、事先告知、听证程序合法。",
                "discretion": "拟处罚款在裁量基准一般档次内，裁量适当。",
                "opinion": "同意拟作出的行政处罚决定。"
            },
            "deliberation": {
                "presiding": "张局长",
                "participants": "张局长、分管副局长、法制科负责人、卧龙岗中队中队长",
                "discussion": "与会人员听取了案件调查情况、听证情况和法制审核意见，一致认为违法事实清楚、证据充分、程序合法。",
                "conclusion": "决定对当事人陈某某罚款人民币6000元。"
            }
        }),
        _ => json!({
            "party": {"kind": "organisation", "credit_code": "91411303MA40C8D15N",
                      "legal_representative": "孙某某", "address": "南阳市卧龙区车站路16号"},
            "source": {"kind": "referral", "detail": "区住建局移送"},
            "place": {"address": "南阳市卧龙区车站路与建设路交叉口"},
            "facts": "2026年9月10日，当事人运输建筑垃圾的车辆在车站路与建设路交叉口沿途撒落，污染路面约200米，造成交通拥堵。",
            "evidence": [
                {"kind": "documentary", "description": "区住建局案件移送函一份", "source": "区住建局", "date": "2026-09-12"},
                {"kind": "inspection_record", "description": "现场检查笔录一份", "source": "执法人员孙敏、李娜现场制作", "date": "2026-09-16"},
                {"kind": "witness", "description": "证人王某证言一份", "source": "证人王某", "date": "2026-09-16"}
            ],
            "discretion_reason": "污染路段长、造成交通拥堵，属从重情形，拟按从重档次处罚并提交集体讨论。"
        }),
    }
}

/// Complaint categories, the demo Open311 key and three complaints from three channels.
async fn seed_complaints(state: &AppState) -> ServiceResult<()> {
    complaint::seed_categories_if_empty(state).await?;
    let key = complaint::insert_key(state, "演示客户端", DEMO_OPEN311_KEY).await?;
    let answers = |pairs: &[(&str, &[&str])]| {
        pairs
            .iter()
            .map(|(k, vs)| (k.to_string(), vs.iter().map(|v| v.to_string()).collect()))
            .collect()
    };
    let complaints = [
        (
            complaint::Channel::Open311,
            Some(key.id.as_str()),
            complaint::NewComplaint {
                service_code: "zhan_dao_jing_ying".into(),
                description: Some("卧龙路与工业路交叉口东南角每天傍晚有三四个流动摊贩占用人行道卖水果，行人只能走机动车道。".into()),
                lat: Some("32.9987".into()),
                long: Some("112.5283".into()),
                address_string: Some("南阳市卧龙区卧龙路与工业路交叉口东南角".into()),
                phone: Some("13800138000".into()),
                attributes: answers(&[("stall_kind", &["mobile"]), ("recurrence", &["daily_period"])]),
                ..Default::default()
            },
        ),
        (
            complaint::Channel::Portal,
            None,
            complaint::NewComplaint {
                service_code: "zao_sheng_rao_min".into(),
                description: Some("小区南门外广场每晚九点半以后还在跳广场舞，音响声音很大。".into()),
                address_string: Some("南阳市卧龙区七里园乡某小区南门广场".into()),
                attributes: answers(&[("noise_source", &["square_dance", "loudspeaker"]), ("time_of_day", &["night"])]),
                ..Default::default()
            },
        ),
        (
            complaint::Channel::Phone,
            None,
            complaint::NewComplaint {
                service_code: "jing_gai_que_shi".into(),
                description: Some("人民路中段公交站旁一个井盖缺失，已有群众放了树枝提醒。".into()),
                address_string: Some("南阳市卧龙区人民路中段公交站旁".into()),
                first_name: Some("先生".into()),
                last_name: Some("李".into()),
                phone: Some("13912345678".into()),
                attributes: answers(&[("warning_set", &["yes"]), ("cover_owner", &["unknown"])]),
                ..Default::default()
            },
        ),
    ];
    for (channel, key_id, input) in complaints {
        let actor = super::audit::Actor(match key_id {
            Some(id) => format!("open311:{id}"),
            None => "system".into(),
        });
        complaint::create(state, channel, key_id, &actor, input).await?;
    }
    Ok(())
}

/// Moves the demo complaints along the closed loop through the workflow use cases: the
/// first one to 评价, the second to 办理, the third to the partner under 督办.
async fn seed_workflow(state: &AppState, squad: &str, partner: &str) -> ServiceResult<()> {
    use super::complaint_workflow::{
        self as wf, CloseInput, DispatchInput, FinalState, Photo, RatingInput, RatingValue,
        SuperviseInput, Tag721, TextInput,
    };
    let dispatcher = as_user(state, "zhihui").await?;
    let officer = as_user(state, "wang.qiang").await?;
    let list = wf::list(state, &dispatcher, true, 10).await?;
    let mut ids: Vec<(String, String)> = list.into_iter().map(|c| (c.service_code, c.id)).collect();
    ids.sort();
    let id_of = |code: &str| {
        ids.iter()
            .find(|(c, _)| c == code)
            .map(|(_, id)| id.clone())
            .ok_or(super::ServiceError::NotFound {
                what: "演示诉求"
            })
    };
    let dispatch = |unit: &str, v: i64| DispatchInput {
        expected_version: v,
        org_unit_id: unit.to_string(),
        reason: None,
    };
    let text = |v: i64, t: &str| TextInput {
        expected_version: v,
        text: t.to_string(),
    };

    let stall = id_of("zhan_dao_jing_ying")?;
    let v = wf::dispatch(state, &dispatcher, &stall, dispatch(squad, 1)).await?;
    let v = wf::reply(
        state,
        &officer,
        &stall,
        text(
            v.version,
            "已到现场劝离流动摊贩，并告知其到七里园便民市场经营。",
        ),
    )
    .await?;
    // Small real pictures: uploads are decoded (`service::upload`).
    let png = |tag: &[u8]| {
        let shade = if tag == b"before" {
            [150, 110, 70]
        } else {
            [90, 150, 90]
        };
        let img = image::RgbImage::from_pixel(64, 48, image::Rgb(shade));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .map(|()| out)
            .map_err(|e| super::ServiceError::Internal(anyhow::anyhow!("demo photo: {e}")))
    };
    let photos = vec![
        Photo {
            kind: "before",
            upload: complaint::MediaUpload {
                file_name: "before.png".into(),
                content_type: "image/png".into(),
                bytes: png(b"before")?,
            },
        },
        Photo {
            kind: "after",
            upload: complaint::MediaUpload {
                file_name: "after.png".into(),
                content_type: "image/png".into(),
                bytes: png(b"after")?,
            },
        },
    ];
    let v = wf::verify(
        state,
        &officer,
        &stall,
        v.version,
        "现场核查，人行道已通畅",
        photos,
    )
    .await?;
    let v = wf::close(
        state,
        &dispatcher,
        &stall,
        CloseInput {
            expected_version: v.version,
            final_state: FinalState::Resolved,
            tag_721: Some(Tag721::Service),
            reason: None,
            routed_to: None,
            duplicate_of: None,
        },
    )
    .await?;
    let v = wf::follow_up(
        state,
        &dispatcher,
        &stall,
        text(v.version, "电话回访，群众确认摊贩已离开"),
    )
    .await?;
    wf::rate(
        state,
        &dispatcher,
        &stall,
        RatingInput {
            expected_version: Some(v.version),
            rating: RatingValue::Level("满意".into()),
            comment: None,
        },
    )
    .await?;

    let noise = id_of("zao_sheng_rao_min")?;
    let v = wf::dispatch(state, &dispatcher, &noise, dispatch(squad, 1)).await?;
    wf::handle(
        state,
        &officer,
        &noise,
        text(v.version, "已联系广场舞队负责人，约定晚九点前结束"),
    )
    .await?;

    let manhole = id_of("jing_gai_que_shi")?;
    let v = wf::dispatch(state, &dispatcher, &manhole, dispatch(partner, 1)).await?;
    wf::supervise(
        state,
        &dispatcher,
        &manhole,
        SuperviseInput {
            expected_version: v.version,
            level: 1,
            reason: "井盖缺失存在安全隐患，请尽快处置".into(),
        },
    )
    .await?;
    Ok(())
}

/// A user's identity for seeding, without a password round-trip.
async fn as_user(state: &AppState, username: &str) -> ServiceResult<CurrentUser> {
    auth::as_user(state, username).await
}
