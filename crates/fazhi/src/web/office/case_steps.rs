//! The step forms of a case (立案, 调查取证, 事先告知 … 归档): one form per event type, built
//! from a field list, posted back as the event of the public timeline format and recorded
//! through `service::case::add_event` — the rule engine judges it exactly as it judges the
//! API. A refusal re-renders the form with the user's input, each rule id and its legal basis;
//! a step refused only for lateness offers a leader the 超期说明 field.
//! Also: generating a document, uploading evidence, and the print-ready document page.

use super::form::{Field, Fields, Kind, Posted};
use crate::service::auth::CurrentUser;
use crate::service::case_actions::{self, parse_type, type_code};
use crate::service::{AppState, ServiceError, case, catalogue, document};
use crate::web::extract::read_upload;
use crate::web::page::{Layout, OfficeUser, PageError, PageResult, check_csrf, render_with};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use fazhi_domain::Violation;
use fazhi_domain::catalogue::Facts;
use fazhi_domain::timeline::{Event, EventType, PartyKind, Yuan};
use serde_json::{Map, Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases/{id}/steps/{step}", get(step_form).post(step_submit))
        .route("/cases/{id}/documents", post(generate_document))
        .route("/cases/{id}/evidence", post(upload_evidence))
        .route("/documents/{doc_id}", get(super::documents::page))
}

#[derive(Template)]
#[template(path = "office/case_step.html")]
struct StepPage {
    layout: Layout,
    case_id: String,
    case_no: String,
    step: String,
    step_label: &'static str,
    version: i64,
    fields: Fields,
    refusals: Vec<Violation>,
    form_error: Option<String>,
    suggestion: Option<String>,
    late_reason: Option<String>,
}

const PENALTY_KINDS: &[(&str, &str)] = &[
    ("warning", "警告"),
    ("criticism", "通报批评"),
    ("licence_suspension", "暂扣许可证件"),
    ("qualification_lowering", "降低资质等级"),
    ("licence_revocation", "吊销许可证件"),
    ("stop_business", "责令停产停业"),
    ("closure", "责令关闭"),
    ("practice_restriction", "限制从业"),
];

fn penalty_fields(v: &mut Vec<Field>) {
    v.push(Field::new("fine", "罚款（元）", Kind::Amount).help("不罚款留空"));
    v.push(Field::new(
        "confiscation",
        "没收违法所得、非法财物（价值，元）",
        Kind::Amount,
    ));
    v.push(Field::new("penalty_kinds", "其他处罚种类", Kind::Checks).options(PENALTY_KINDS));
}

fn findings_fields(v: &mut Vec<Field>) {
    v.push(Field::new(
        "mitigated",
        "减轻处罚（行政处罚法第三十二条）",
        Kind::Check,
    ));
    v.push(
        Field::new(
            "lighter",
            "从轻处罚（行政处罚法第三十条、第三十二条）",
            Kind::Check,
        )
        .help("当事人违法时已满十四周岁不满十八周岁的，应当从轻或者减轻处罚"),
    );
    v.push(Field::new("minor", "违法行为轻微", Kind::Check));
    v.push(Field::new("corrected", "及时改正", Kind::Check));
    v.push(Field::new("no_harm", "没有造成危害后果", Kind::Check));
    v.push(Field::new("locations", "违法地点数（按处计罚时）", Kind::Number).value("1"));
}

fn discretion_fields(v: &mut Vec<Field>) {
    v.push(Field::new("facts", "裁量情节", Kind::Checks).options(&[
        ("first_violation", "首次违法"),
        ("minor_harm", "危害后果轻微"),
        ("corrected_promptly", "及时改正"),
        ("repeated", "屡犯"),
        ("serious_harm", "危害后果严重"),
        ("obstructed", "阻碍执法"),
    ]));
    v.push(
        Field::new("departure_reason", "偏离裁量基准的理由", Kind::TextArea)
            .help("罚款金额超出裁量基准建议范围时必填，记入案卷"),
    );
}

/// The form of one step type, with the defaults for a new form.
pub(super) fn fields_for(
    t: EventType,
    roster: &[case_actions::RosterEntry],
    today: chrono::NaiveDate,
) -> Fields {
    let mut v = vec![
        Field::new("on", "日期", Kind::Date)
            .value(today.to_string())
            .required()
            .help(if t == EventType::Service {
                "送达日期：当事人签收之日（邮寄送达为回执日期）"
            } else {
                "该环节实际发生的日期，不能晚于今天"
            }),
        Field::new("officers", "执法人员", Kind::Checks)
            .owned_options(
                roster
                    .iter()
                    .map(|r| {
                        (
                            r.id.clone(),
                            if r.certified_today {
                                r.name.clone()
                            } else {
                                format!("{}（今日无有效执法证）", r.name)
                            },
                        )
                    })
                    .collect(),
            )
            .help("立案、调查取证、事先告知、决定等环节须两名以上持证执法人员"),
    ];
    match t {
        EventType::AdvanceNotice => {
            penalty_fields(&mut v);
            v.push(Field::new("rights", "告知的权利", Kind::Checks).options(&[
                ("statement", "陈述"),
                ("defence", "申辩"),
                ("hearing", "要求听证"),
            ]));
        }
        EventType::HearingNotice => v.push(
            Field::new("hearing_on", "听证日期", Kind::Date)
                .required()
                .help("应在举行听证的七日前通知当事人（行政处罚法第六十四条）"),
        ),
        EventType::Hearing => v.push(
            Field::new("chair", "听证主持人", Kind::Select).owned_options(
                std::iter::once((String::new(), "（未记录）".to_string()))
                    .chain(roster.iter().map(|r| (r.id.clone(), r.name.clone())))
                    .collect(),
            ),
        ),
        EventType::LegalReview => v.push(
            Field::new("result", "审核结论", Kind::Select)
                .options(&[("pass", "通过"), ("fail", "不通过")])
                .value("pass"),
        ),
        EventType::Decision => {
            v.push(
                Field::new("outcome", "决定", Kind::Select)
                    .options(&[
                        ("penalty", "给予行政处罚"),
                        ("no_penalty", "不予行政处罚"),
                        ("transfer", "移送"),
                    ])
                    .value("penalty"),
            );
            penalty_fields(&mut v);
            findings_fields(&mut v);
            discretion_fields(&mut v);
        }
        EventType::SummaryPenalty => {
            penalty_fields(&mut v);
            findings_fields(&mut v);
            discretion_fields(&mut v);
        }
        EventType::Service => {
            v.push(
                Field::new("method", "送达方式", Kind::Select)
                    .options(&[
                        ("direct", "直接送达"),
                        ("lodged", "留置送达"),
                        ("postal", "邮寄送达"),
                        ("public_notice", "公告送达"),
                        ("electronic", "电子送达"),
                        ("fax", "传真"),
                        ("email", "电子邮件"),
                    ])
                    .value("direct"),
            );
            v.push(Field::new(
                "consent",
                "当事人已书面同意电子/传真/电子邮件送达",
                Kind::Check,
            ));
            // issue 10 part A
            v.push(
                Field::new("posted_on", "交邮日期", Kind::Date)
                    .help("仅邮寄送达填写：交邮之日在送达期限内即不算逾期，签收日为送达日"),
            );
        }
        EventType::Payment => {
            v.push(Field::new("amount", "缴纳罚款（元）", Kind::Amount).required());
            v.push(Field::new("surcharge", "加处罚款（元）", Kind::Amount));
            v.push(
                Field::new("method", "缴款方式", Kind::Select)
                    .options(&[("bank", "银行缴款"), ("on_spot", "当场收缴")])
                    .value("bank"),
            );
            v.push(Field::new(
                "remote",
                "边远地区当事人申请当场缴纳",
                Kind::Check,
            ));
            v.push(
                Field::new("handed_in_on", "当场收缴罚款交回机关日期", Kind::Date)
                    .help("仅当场收缴时填写（行政处罚法第七十一条）"),
            );
            // issue 10 part A
            v.push(
                Field::new(
                    "hard_to_collect_later",
                    "不当场收缴事后难以执行",
                    Kind::Check,
                )
                .help("仅当场处罚、当场收缴超过一百元罚款时勾选（行政处罚法第六十八条第二项）"),
            );
        }
        // issue 10 part A
        EventType::Revocation => {
            v.push(
                Field::new("ground", "撤销的理由和依据", Kind::Text)
                    .required()
                    .help("如：原决定认定事实不清，经负责人批准依法撤销"),
            );
            v.push(
                Field::new("decision_on", "被撤销决定的日期", Kind::Date)
                    .help("不填则撤销最近一次尚未撤销的处罚决定"),
            );
        }
        EventType::CoerciveMeasure => {
            v.push(Field::new("until", "措施期限至", Kind::Date).required());
            v.push(Field::new(
                "approved",
                "事前经行政机关负责人批准",
                Kind::Check,
            ));
            v.push(Field::new(
                "record",
                "已制作现场笔录（当事人和执法人员签名或盖章）",
                Kind::Check,
            ));
            v.push(Field::new("extended", "经批准延长", Kind::Check));
            v.push(Field::new("emergency", "情况紧急当场实施", Kind::Check));
            v.push(Field::new("reported_on", "向负责人报告日期", Kind::Date));
        }
        EventType::DemolitionAnnouncement => {
            v.push(Field::new("deadline", "限期自行拆除至", Kind::Date).required());
        }
        EventType::Close => {
            v.push(
                Field::new("reason", "结案理由", Kind::Select)
                    .options(&[
                        ("executed", "处罚决定已送达并执行完毕"),
                        ("enforced", "强制执行完毕"),
                        ("no_penalty", "不予行政处罚"),
                        ("transfer", "移送"),
                        ("registration_revoked", "撤销立案"),
                        ("execution_terminated", "终结执行"),
                    ])
                    .value("executed"),
            );
            v.push(
                Field::new("ground", "撤销立案或终结执行的法定理由", Kind::Text)
                    .help("撤销立案、终结执行时必须写明理由（如行政强制法第四十条所列情形）"),
            );
        }
        // issue 10 part B
        EventType::Demand => v.push(
            Field::new("deadline", "催告书载明的履行期限至", Kind::Date)
                .help("作出强制执行决定前必须载明（行政强制法第三十五条）"),
        ),
        EventType::Extension => {
            v.push(Field::new("approver", "批准的负责人", Kind::Text).required());
            v.push(Field::new("reason", "延长理由", Kind::Text).required());
            v.push(
                Field::new("days", "延长天数", Kind::Number)
                    .required()
                    .help("仅在本局规则允许延长办案期限时有效，累计不超过规定上限"),
            );
        }
        EventType::Suspension => {
            v.push(
                Field::new("kind", "不计入办案期限的期间", Kind::Select)
                    .options(&[
                        ("hearing", "听证"),
                        ("public_notice", "公告"),
                        ("testing", "检测、检验"),
                        ("expert_opinion", "鉴定"),
                    ])
                    .value("testing"),
            );
            v.push(Field::new("from", "期间起始日", Kind::Date).required());
            v.push(
                Field::new("until", "期间截止日", Kind::Date)
                    .required()
                    .help("期间结束后记录；仅在本局规则规定该期间不计入办案期限时有效"),
            );
        }
        EventType::Reconsideration | EventType::Lawsuit => v.push(
            Field::new("ended", "已终结（复议决定作出或裁判生效之日）", Kind::Check)
                .help("不勾选：当事人于该日申请复议或提起诉讼"),
        ),
        _ => {}
    }
    v.push(Field::new("note", "情况说明", Kind::TextArea));
    Fields(v)
}

fn amount(p: &Posted, fields: &mut Fields, name: &str) -> Option<Yuan> {
    let text = p.get(name);
    if text.is_empty() {
        return None;
    }
    match Yuan::parse_decimal(&text) {
        Ok(y) => Some(y),
        Err(e) => {
            fields.error(name, e.to_string());
            None
        }
    }
}

fn date(p: &Posted, fields: &mut Fields, name: &str, required: bool) -> Option<String> {
    let text = p.get(name);
    if text.is_empty() {
        if required {
            fields.error(name, "请填写日期");
        }
        return None;
    }
    match chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
        Ok(d) => Some(d.to_string()),
        Err(_) => {
            fields.error(name, "日期格式应为 年-月-日");
            None
        }
    }
}

fn yuan_json(y: Yuan) -> Value {
    Value::String(format!("{}.{:02}", y.fen() / 100, y.fen() % 100))
}

fn penalty_json(p: &Posted, fields: &mut Fields) -> Map<String, Value> {
    let mut m = Map::new();
    if let Some(f) = amount(p, fields, "fine") {
        m.insert("fine".into(), yuan_json(f));
    }
    if let Some(c) = amount(p, fields, "confiscation") {
        m.insert("confiscation".into(), yuan_json(c));
    }
    for k in p.all("penalty_kinds") {
        if PENALTY_KINDS.iter().any(|(code, _)| *code == k) {
            m.insert(k, Value::Bool(true));
        }
    }
    m
}

fn findings_json(p: &Posted, fields: &mut Fields, o: &mut Map<String, Value>) {
    for k in ["mitigated", "lighter", "minor", "corrected", "no_harm"] {
        if p.checked(k) {
            o.insert(k.into(), Value::Bool(true));
        }
    }
    let loc = p.get("locations");
    if !loc.is_empty() {
        match loc.parse::<u32>() {
            Ok(n) if n >= 1 => {
                o.insert("locations".into(), json!(n));
            }
            _ => fields.error("locations", "违法地点数应为不小于1的整数"),
        }
    }
}

/// The discretion benchmark's suggestion for the posted facts, and whether the fine departs
/// from it (then a reason is required and recorded in the note).
fn discretion(
    p: &Posted,
    entry: Option<&fazhi_domain::catalogue::ViolationEntry>,
    party: PartyKind,
    fine: Option<Yuan>,
) -> (Option<String>, bool) {
    let Some(entry) = entry else {
        return (None, false);
    };
    let chosen = p.all("facts");
    let has = |k: &str| chosen.iter().any(|c| c == k);
    let facts = Facts {
        first_violation: has("first_violation"),
        minor_harm: has("minor_harm"),
        corrected_promptly: has("corrected_promptly"),
        repeated: has("repeated"),
        serious_harm: has("serious_harm"),
        obstructed: has("obstructed"),
    };
    let s = entry.suggest(party, &facts);
    let range = s.fine_range.map(|r| (r.min, r.max));
    let text = format!(
        "裁量基准（{}）建议：{}{}。{}",
        entry.name,
        s.level.label(),
        range
            .map(|(a, b)| format!("，罚款{}至{}元", a.fen() / 100, b.fen() / 100))
            .unwrap_or_default(),
        s.reasons.join("；")
    );
    let departs = match (fine, range) {
        (Some(f), Some((a, b))) => f < a || f > b,
        _ => false,
    };
    (Some(text), departs)
}

/// Builds the event from the posted form; field errors are attached to `fields`.
pub(super) fn build_event(
    t: EventType,
    p: &Posted,
    fields: &mut Fields,
    entry: Option<&fazhi_domain::catalogue::ViolationEntry>,
    party: PartyKind,
) -> (Option<Event>, Option<String>) {
    let on = date(p, fields, "on", true);
    let mut o = Map::new();
    o.insert("type".into(), Value::String(type_code(t)));
    o.insert(
        "officers".into(),
        Value::Array(p.all("officers").into_iter().map(Value::String).collect()),
    );
    let mut note = p.get("note");
    let mut suggestion = None;
    match t {
        EventType::AdvanceNotice => {
            o.insert("proposed".into(), Value::Object(penalty_json(p, fields)));
            let rights: Vec<Value> = p
                .all("rights")
                .into_iter()
                .filter(|r| ["statement", "defence", "hearing"].contains(&r.as_str()))
                .map(Value::String)
                .collect();
            o.insert("rights".into(), Value::Array(rights));
        }
        EventType::HearingNotice => {
            if let Some(d) = date(p, fields, "hearing_on", true) {
                o.insert("hearing_on".into(), Value::String(d));
            }
        }
        EventType::Hearing => {
            let chair = p.get("chair");
            if !chair.is_empty() {
                o.insert("chair".into(), Value::String(chair));
            }
        }
        EventType::LegalReview => {
            o.insert("result".into(), Value::String(p.get("result")));
        }
        EventType::Decision | EventType::SummaryPenalty => {
            let penalty = penalty_json(p, fields);
            let fine = amount(p, &mut Fields(Vec::new()), "fine");
            let outcome = if t == EventType::Decision {
                p.get("outcome")
            } else {
                "penalty".into()
            };
            if t == EventType::Decision {
                o.insert("outcome".into(), Value::String(outcome.clone()));
            }
            if outcome == "penalty" {
                if penalty.is_empty() {
                    fields.error("fine", "请填写罚款金额或选择处罚种类");
                }
                o.insert("penalty".into(), Value::Object(penalty));
                let (text, departs) = discretion(p, entry, party, fine);
                suggestion = text;
                let reason = p.get("departure_reason");
                if departs && reason.chars().count() < 5 {
                    fields.error(
                        "departure_reason",
                        "罚款金额超出裁量基准建议范围，请写明偏离理由（至少5个字）",
                    );
                } else if departs {
                    note = format!("{note}【偏离裁量基准】{reason}").trim().to_string();
                }
            }
            findings_json(p, fields, &mut o);
        }
        EventType::Service => {
            o.insert("method".into(), Value::String(p.get("method")));
            if p.checked("consent") {
                o.insert("consent".into(), Value::Bool(true));
            }
            // issue 10 part A
            if let Some(d) = date(p, fields, "posted_on", false) {
                o.insert("posted_on".into(), Value::String(d));
            }
        }
        EventType::Payment => {
            match amount(p, fields, "amount") {
                Some(a) => {
                    o.insert("amount".into(), yuan_json(a));
                }
                None if p.get("amount").is_empty() => fields.error("amount", "请填写缴纳金额"),
                None => {}
            }
            if let Some(s) = amount(p, fields, "surcharge") {
                o.insert("surcharge".into(), yuan_json(s));
            }
            o.insert("method".into(), Value::String(p.get("method")));
            if p.checked("remote") {
                o.insert("remote".into(), Value::Bool(true));
            }
            if let Some(d) = date(p, fields, "handed_in_on", false) {
                o.insert("handed_in_on".into(), Value::String(d));
            }
            // issue 10 part A
            if p.checked("hard_to_collect_later") {
                o.insert("hard_to_collect_later".into(), Value::Bool(true));
            }
        }
        // issue 10 part A
        EventType::Revocation => {
            let ground = p.get("ground");
            let ground = ground.trim();
            if ground.is_empty() {
                fields.error("ground", "请写明撤销的理由和依据");
            } else {
                o.insert(
                    "ground".into(),
                    Value::String(ground.chars().take(500).collect()),
                );
            }
            if let Some(d) = date(p, fields, "decision_on", false) {
                o.insert("decision_on".into(), Value::String(d));
            }
        }
        EventType::CoerciveMeasure => {
            if let Some(d) = date(p, fields, "until", true) {
                o.insert("until".into(), Value::String(d));
            }
            for k in ["approved", "record", "extended", "emergency"] {
                if p.checked(k) {
                    o.insert(k.into(), Value::Bool(true));
                }
            }
            if let Some(d) = date(p, fields, "reported_on", false) {
                o.insert("reported_on".into(), Value::String(d));
            }
        }
        EventType::DemolitionAnnouncement => {
            if let Some(d) = date(p, fields, "deadline", true) {
                o.insert("deadline".into(), Value::String(d));
            }
        }
        EventType::Close => {
            let reason = p.get("reason");
            if !reason.is_empty() && reason != "executed" {
                o.insert("reason".into(), Value::String(reason));
            }
            let ground = p.get("ground");
            let ground = ground.trim();
            if !ground.is_empty() {
                o.insert(
                    "ground".into(),
                    Value::String(ground.chars().take(500).collect()),
                );
            }
        }
        // issue 10 part B
        EventType::Demand => {
            if let Some(d) = date(p, fields, "deadline", false) {
                o.insert("deadline".into(), Value::String(d));
            }
        }
        EventType::Extension => {
            for (k, label) in [
                ("approver", "请填写批准的负责人"),
                ("reason", "请填写延长理由"),
            ] {
                let text = p.get(k);
                let text = text.trim();
                if text.is_empty() {
                    fields.error(k, label);
                } else {
                    o.insert(k.into(), Value::String(text.chars().take(200).collect()));
                }
            }
            match p.get("days").trim().parse::<u32>() {
                Ok(n) if n >= 1 => {
                    o.insert("days".into(), json!(n));
                }
                _ => fields.error("days", "延长天数应为不小于1的整数"),
            }
        }
        EventType::Suspension => {
            o.insert("kind".into(), Value::String(p.get("kind")));
            for k in ["from", "until"] {
                if let Some(d) = date(p, fields, k, true) {
                    o.insert(k.into(), Value::String(d));
                }
            }
        }
        EventType::Reconsideration | EventType::Lawsuit if p.checked("ended") => {
            o.insert("ended".into(), Value::Bool(true));
        }
        _ => {}
    }
    if !note.is_empty() {
        o.insert(
            "note".into(),
            Value::String(note.chars().take(2000).collect()),
        );
    }
    let Some(on) = on else {
        return (None, suggestion);
    };
    o.insert("on".into(), Value::String(on));
    if fields.has_errors() {
        return (None, suggestion);
    }
    match serde_json::from_value::<Event>(Value::Object(o)) {
        Ok(e) => (Some(e), suggestion),
        Err(e) => {
            fields.error("note", format!("内容不完整：{e}"));
            (None, suggestion)
        }
    }
}

struct Loaded {
    view: case::CaseView,
    step: EventType,
    roster: Vec<case_actions::RosterEntry>,
    entry: Option<fazhi_domain::catalogue::ViolationEntry>,
}

async fn load(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    step: &str,
) -> Result<Loaded, PageError> {
    let view = case::get(state, user, id).await?;
    let step = parse_type(step).ok_or_else(PageError::not_found)?;
    user.require(crate::service::permissions::Action::RecordCaseEvent(step))?;
    let roster = case_actions::roster(state, user, &view.case_row.org_unit_id).await?;
    let entry = match &view.case_row.violation_code {
        Some(code) => catalogue::list(state).await?.get(code).cloned(),
        None => None,
    };
    Ok(Loaded {
        view,
        step,
        roster,
        entry,
    })
}

fn party_kind(view: &case::CaseView) -> PartyKind {
    if view.case_row.party_kind == "organisation" {
        PartyKind::Organisation
    } else {
        PartyKind::Individual
    }
}

async fn step_form(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path((id, step)): Path<(String, String)>,
) -> PageResult {
    let l = load(&state, &user, &id, &step).await?;
    let mut fields = fields_for(l.step, &l.roster, state.clock.today());
    fields.select_current();
    let suggestion = if matches!(l.step, EventType::Decision | EventType::SummaryPenalty) {
        discretion(
            &Posted(Vec::new()),
            l.entry.as_ref(),
            party_kind(&l.view),
            None,
        )
        .0
    } else {
        None
    };
    Ok(render_with(
        StatusCode::OK,
        &StepPage {
            layout: Layout::new(&state, &user, l.step.label(), "/cases"),
            case_id: id,
            case_no: l.view.case_row.case_no.clone(),
            step: step.clone(),
            step_label: l.step.label(),
            version: l.view.case_row.version,
            fields,
            refusals: Vec::new(),
            form_error: None,
            suggestion,
            late_reason: None,
        },
    ))
}

async fn step_submit(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path((id, step)): Path<(String, String)>,
    body: Bytes,
) -> PageResult {
    let posted = Posted::parse(&body);
    check_csrf(&user, &posted.get("_csrf"))?;
    let l = load(&state, &user, &id, &step).await?;
    let mut fields = fields_for(l.step, &l.roster, state.clock.today());
    fields.fill(&posted);
    let (event, suggestion) = build_event(
        l.step,
        &posted,
        &mut fields,
        l.entry.as_ref(),
        party_kind(&l.view),
    );
    let version = posted
        .get("expected_version")
        .parse::<i64>()
        .unwrap_or(l.view.case_row.version);
    let late_reason = posted.get("late_reason");
    let mut page = StepPage {
        layout: Layout::new(&state, &user, l.step.label(), "/cases"),
        case_id: id.clone(),
        case_no: l.view.case_row.case_no.clone(),
        step: step.clone(),
        step_label: l.step.label(),
        version,
        fields,
        refusals: Vec::new(),
        form_error: None,
        suggestion,
        late_reason: (!late_reason.is_empty()).then(|| late_reason.clone()),
    };
    let Some(event) = event else {
        page.form_error = Some("请更正标出的内容后再提交".into());
        return Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page));
    };
    let input = case::NewEvent {
        expected_version: version,
        event,
        late_reason: (!late_reason.is_empty()).then_some(late_reason),
    };
    match case::add_event(&state, &user, &id, input).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/cases/{id}?ok={}",
            crate::web::page::urlencode(&format!("已记录：{}", l.step.label()))
        ))
        .into_response()),
        Err(ServiceError::RuleViolations {
            violations,
            late_reason_accepted,
        }) => {
            page.refusals = violations;
            if late_reason_accepted && user.may(crate::service::permissions::Action::AcceptLateStep)
            {
                page.late_reason.get_or_insert_with(String::new);
            }
            page.form_error = Some(if late_reason_accepted {
                "该环节已超过法定期限。局领导可填写超期说明后补录，瑕疵将记入案卷。".into()
            } else {
                "依法不能记录该环节，原因如下。".into()
            });
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(ServiceError::Invalid { message, field, .. }) => {
            let name = field
                .as_deref()
                .map(|f| {
                    f.trim_start_matches("event.")
                        .split('.')
                        .next()
                        .unwrap_or("")
                })
                .unwrap_or("");
            if page.fields.has(name) {
                page.fields.error(name, message);
                page.form_error = Some("请更正标出的内容后再提交".into());
            } else {
                page.form_error = Some(message);
            }
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
        Err(ServiceError::VersionConflict { .. }) => {
            page.form_error = Some("案件已被他人更新，请返回案件页刷新后重新办理。".into());
            Ok(render_with(StatusCode::CONFLICT, &page))
        }
        Err(e) => Err(e.into()),
    }
}

async fn generate_document(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let posted = Posted::parse(&body);
    check_csrf(&user, &posted.get("_csrf"))?;
    match document::generate(
        &state,
        &user,
        &id,
        document::NewDocument {
            kind: posted.get("kind"),
        },
    )
    .await
    {
        Ok((doc, _)) => Ok(Redirect::to(&format!("/documents/{}", doc.id)).into_response()),
        Err(ServiceError::Invalid { message, .. }) => Ok(Redirect::to(&format!(
            "/cases/{id}?ok={}",
            crate::web::page::urlencode(&format!("未生成：{message}"))
        ))
        .into_response()),
        Err(e) => Err(e.into()),
    }
}

async fn upload_evidence(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> PageResult {
    let bad = |m: &str| PageError::new(StatusCode::BAD_REQUEST, "上传失败", m.to_string());
    let mut csrf = String::new();
    let mut file = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| bad("上传内容无法读取，请重试"))?
    {
        match field.name() {
            Some("_csrf") => csrf = field.text().await.unwrap_or_default(),
            Some("file") => {
                let upload = read_upload(field, "证据")
                    .await
                    .map_err(|_| bad("文件过大或上传中断（单个文件不超过20MB）"))?;
                file = Some(upload);
            }
            _ => {}
        }
    }
    check_csrf(&user, &csrf)?;
    let Some(u) = file else {
        return Err(bad("请选择要上传的文件"));
    };
    match case::add_evidence(&state, &user, &id, &u.file_name, &u.content_type, &u.bytes).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/cases/{id}?ok=%E5%B7%B2%E4%B8%8A%E4%BC%A0%E8%AF%81%E6%8D%AE"
        ))
        .into_response()),
        Err(ServiceError::Invalid { message, .. }) => Err(bad(&message)),
        Err(e) => Err(e.into()),
    }
}
