//! The year's figures as the bureau's annual report (法治政府建设情况报告) counts them, each
//! with the records behind it for drill-down.
//!
//! Penalty cases are counted from their stored events (the case-timeline format,
//! docs/case-timeline.md), by the event's date: a case registered in December and decided in
//! January counts as registered in one year and decided in the next. Every figure lists the
//! events (one record each) that make it up, so a number can always be traced to its cases.
//!
//! Complaints are counted by their time of receipt (China time), with the definitions of
//! [`super::complaint_workflow::stats`] (answered = first reply or closing; on time = by the
//! first round's due time; satisfaction = (满意 + 基本满意) / rated; reopen rate = reopened /
//! closed at least once).
//!
//! Who sees what: leaders, legal staff and administrators, each within their org scope; the
//! complaint figures only for the roles that may read complaint statistics (admin, leader).

use super::auth::CurrentUser;
use super::complaint::{self, china};
use super::complaint_workflow::{FinalState, Stage};
use super::permissions::Action;
use super::{AppState, ServiceError, ServiceResult, catalogue};
use crate::infra::clock::to_db_time;
use crate::repo::complaint_repo;
use crate::repo::{case_repo, org_unit_repo};
use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeZone, Utc};
use fazhi_domain::timeline::{DecisionOutcome, Event, EventKind, Penalty, ReviewResult};
use serde::Serialize;
use std::collections::BTreeMap;

/// What a figure's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A number of records (`value` = `records.len()`).
    Count,
    /// An amount in fen (`value` = the sum of the records' amounts).
    Fen,
    /// A share (`rate`); `value` is the numerator, `records` its records.
    Rate,
}

/// What a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Case,
    Complaint,
}

/// One record behind a figure: a case event or a complaint.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    pub kind: RecordKind,
    /// The case or complaint id (for the link).
    pub id: String,
    /// 案件编号 or 诉求编号.
    pub number: String,
    /// The party (cases) or the category (complaints).
    pub subject: String,
    /// `YYYY-MM-DD`: the event's day, or the day of receipt.
    pub date: String,
    /// What the record contributes (事件, 结果, 状态…).
    pub detail: String,
    /// The record's amount in fen, for amount figures.
    pub amount_fen: Option<i64>,
}

/// One figure of the report.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    /// Stable key (`cases.registered`, `complaints.category.zhan_dao_jing_ying`, …).
    pub key: String,
    pub label: String,
    pub unit: Unit,
    /// Count, amount in fen, or the numerator of a rate.
    pub value: i64,
    /// The denominator of a rate.
    pub whole: Option<i64>,
    /// The share (0–1) for rates; `None` when the denominator is 0.
    pub rate: Option<f64>,
    pub records: Vec<Record>,
}

/// A group of figures (one part of the report), optionally drawn as a bar chart.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub key: &'static str,
    pub title: &'static str,
    /// The figures are parts of one whole (by procedure, by squad …): draw them as bars.
    pub chart: bool,
    pub figures: Vec<Figure>,
}

/// The figures of one year.
#[derive(Debug, Clone, Serialize)]
pub struct YearStats {
    pub year: i32,
    pub sections: Vec<Section>,
    /// Whether the complaint figures are included (the caller may read them).
    pub complaints_included: bool,
}

impl YearStats {
    /// The figure with `key`, if any.
    pub fn figure(&self, key: &str) -> Option<&Figure> {
        self.sections
            .iter()
            .flat_map(|s| s.figures.iter())
            .find(|f| f.key == key)
    }
    /// The section a figure belongs to.
    pub fn section_of(&self, key: &str) -> Option<&Section> {
        self.sections
            .iter()
            .find(|s| s.figures.iter().any(|f| f.key == key))
    }
}

fn count(key: impl Into<String>, label: impl Into<String>, records: Vec<Record>) -> Figure {
    Figure {
        key: key.into(),
        label: label.into(),
        unit: Unit::Count,
        value: records.len() as i64,
        whole: None,
        rate: None,
        records,
    }
}

fn amount(key: impl Into<String>, label: impl Into<String>, records: Vec<Record>) -> Figure {
    Figure {
        key: key.into(),
        label: label.into(),
        unit: Unit::Fen,
        value: records.iter().filter_map(|r| r.amount_fen).sum(),
        whole: None,
        rate: None,
        records,
    }
}

fn rate(
    key: impl Into<String>,
    label: impl Into<String>,
    records: Vec<Record>,
    whole: i64,
) -> Figure {
    let part = records.len() as i64;
    Figure {
        key: key.into(),
        label: label.into(),
        unit: Unit::Rate,
        value: part,
        whole: Some(whole),
        rate: rate_of(part, whole),
        records,
    }
}

/// Rounded to four places, like the complaint statistics of the API.
fn rate_of(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| ((part as f64 / whole as f64) * 10_000.0).round() / 10_000.0)
}

/// The first instant of `year` in China, as stored (`to_db_time`).
fn year_start(year: i32) -> ServiceResult<String> {
    NaiveDate::from_ymd_opt(year, 1, 1)
        .and_then(|d| {
            china()
                .from_local_datetime(&d.and_time(NaiveTime::MIN))
                .single()
        })
        .map(|t| to_db_time(t.with_timezone(&Utc)))
        .ok_or_else(|| ServiceError::invalid_field("invalid_year", "year", "年份不正确"))
}

fn check_year(year: i32) -> ServiceResult<()> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(ServiceError::invalid_field(
            "invalid_year",
            "year",
            "年份须在2000–2100之间",
        ))
    }
}

/// The figures of `year` (China time) in the caller's scope.
pub async fn year(state: &AppState, actor: &CurrentUser, year: i32) -> ServiceResult<YearStats> {
    actor.require(Action::ViewStatistics)?;
    check_year(year)?;
    let mut sections = case_sections(state, actor, year).await?;
    let complaints_included = actor.may(Action::ComplaintFigures);
    if complaints_included {
        sections.extend(complaint_sections(state, actor, year).await?);
    }
    Ok(YearStats {
        year,
        sections,
        complaints_included,
    })
}

// ---- cases --------------------------------------------------------------------------------

fn fen(y: fazhi_domain::timeline::Yuan) -> i64 {
    i64::try_from(y.fen()).unwrap_or(i64::MAX)
}

/// 罚款 50.00元 / 警告 …: the kinds of a decided penalty, in Chinese.
fn penalty_text(p: &Penalty) -> String {
    let mut kinds = Vec::new();
    if p.warning {
        kinds.push("警告".to_string());
    }
    if p.criticism {
        kinds.push("通报批评".to_string());
    }
    if let Some(f) = p.fine {
        kinds.push(format!("罚款{}", yuan_text(fen(f))));
    }
    if let Some(c) = p.confiscation {
        kinds.push(format!("没收（价值{}）", yuan_text(fen(c))));
    }
    for (on, label) in [
        (p.licence_suspension, "暂扣许可证件"),
        (p.qualification_lowering, "降低资质等级"),
        (p.licence_revocation, "吊销许可证件"),
        (p.stop_business, "责令停产停业"),
        (p.closure, "责令关闭"),
        (p.practice_restriction, "限制从业"),
    ] {
        if on {
            kinds.push(label.to_string());
        }
    }
    kinds.join("、")
}

/// 1,234.50元
fn yuan_text(fen: i64) -> String {
    let whole = (fen / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{grouped}.{:02}元", (fen % 100).abs())
}

/// The records of the case figures, filled while walking the events.
#[derive(Default)]
struct CaseLists {
    registered: Vec<Record>,
    by_procedure: BTreeMap<String, Vec<Record>>,
    by_violation: BTreeMap<String, Vec<Record>>,
    by_unit: BTreeMap<String, Vec<Record>>,
    penalty: Vec<Record>,
    no_penalty: Vec<Record>,
    transfer: Vec<Record>,
    fines_decided: Vec<Record>,
    confiscation: Vec<Record>,
    fines_paid: Vec<Record>,
    surcharge_paid: Vec<Record>,
    hearing_requests: Vec<Record>,
    hearings: Vec<Record>,
    reviews: Vec<Record>,
    reviews_pass: Vec<Record>,
    reviews_fail: Vec<Record>,
    deliberations: Vec<Record>,
    court: Vec<Record>,
    closed: Vec<Record>,
    archived: Vec<Record>,
}

async fn case_sections(
    state: &AppState,
    actor: &CurrentUser,
    year: i32,
) -> ServiceResult<Vec<Section>> {
    let from = year_start(year)?;
    let mut conn = state.db.pool.acquire().await?;
    let catalogue = catalogue::load(&mut conn).await?;
    let units = org_unit_repo::all(&mut conn).await?;
    let unit_name = |id: &str| {
        units
            .iter()
            .find(|u| u.id == id)
            .map_or_else(|| id.to_string(), |u| u.name.clone())
    };
    let violation_name = |code: &str| {
        catalogue
            .get(code)
            .map_or_else(|| code.to_string(), |v| v.name.clone())
    };
    let cases = case_repo::list(&mut conn, &actor.scope, false, i64::MAX, 0).await?;
    let mut l = CaseLists::default();
    for case in cases.iter().filter(|c| actor.sees(&c.org_unit_id)) {
        // An event dated in `year` was recorded in `year` or later (no future dates), and
        // every recording moves `updated_at`: older cases have nothing in this year.
        if case.updated_at < from {
            continue;
        }
        let rows = case_repo::events(&mut conn, &case.id).await?;
        let mut opened = false;
        for row in &rows {
            let event: Event = serde_json::from_str(&row.event).map_err(|e| {
                ServiceError::Internal(anyhow::anyhow!(
                    "stored event {} of case {} unreadable: {e}",
                    row.seq,
                    case.id
                ))
            })?;
            let is_opening = matches!(
                event.kind,
                EventKind::Register | EventKind::SummaryPenalty { .. }
            );
            let first_opening = is_opening && !opened;
            opened |= is_opening;
            if event.on.year() != year {
                continue;
            }
            let rec = |detail: String, amount_fen: Option<i64>| Record {
                kind: RecordKind::Case,
                id: case.id.clone(),
                number: case.case_no.clone(),
                subject: case.party_name.clone(),
                date: event.on.to_string(),
                detail,
                amount_fen,
            };
            if first_opening {
                let procedure = if case.procedure == "summary" {
                    "简易程序（当场处罚）"
                } else {
                    "普通程序"
                };
                let violation = case
                    .violation_code
                    .as_deref()
                    .map_or_else(|| "未指明违法行为".to_string(), violation_name);
                let r = rec(format!("{procedure}立案：{violation}"), None);
                l.registered.push(r.clone());
                l.by_procedure
                    .entry(case.procedure.clone())
                    .or_default()
                    .push(r.clone());
                l.by_violation
                    .entry(case.violation_code.clone().unwrap_or_default())
                    .or_default()
                    .push(r.clone());
                l.by_unit
                    .entry(case.org_unit_id.clone())
                    .or_default()
                    .push(r);
            }
            match &event.kind {
                EventKind::Decision { outcome, .. } => match outcome {
                    DecisionOutcome::Penalty(p) => {
                        l.penalty
                            .push(rec(format!("处罚决定：{}", penalty_text(p)), None));
                        decided_amounts(&mut l, p, &rec);
                    }
                    DecisionOutcome::NoPenalty => {
                        l.no_penalty.push(rec("不予行政处罚".into(), None))
                    }
                    DecisionOutcome::Transfer => l.transfer.push(rec("移送".into(), None)),
                },
                EventKind::SummaryPenalty { penalty, .. } => {
                    l.penalty
                        .push(rec(format!("当场处罚：{}", penalty_text(penalty)), None));
                    decided_amounts(&mut l, penalty, &rec);
                }
                EventKind::Payment {
                    amount, surcharge, ..
                } => {
                    if !amount.is_zero() {
                        l.fines_paid.push(rec(
                            format!("缴纳罚款{}", yuan_text(fen(*amount))),
                            Some(fen(*amount)),
                        ));
                    }
                    if !surcharge.is_zero() {
                        l.surcharge_paid.push(rec(
                            format!("缴纳加处罚款{}", yuan_text(fen(*surcharge))),
                            Some(fen(*surcharge)),
                        ));
                    }
                }
                EventKind::HearingRequest => l.hearing_requests.push(rec("申请听证".into(), None)),
                EventKind::Hearing { .. } => l.hearings.push(rec("举行听证".into(), None)),
                EventKind::LegalReview { result } => {
                    let pass = *result == ReviewResult::Pass;
                    let r = rec(
                        if pass {
                            "法制审核通过"
                        } else {
                            "法制审核未通过"
                        }
                        .into(),
                        None,
                    );
                    l.reviews.push(r.clone());
                    if pass {
                        l.reviews_pass.push(r);
                    } else {
                        l.reviews_fail.push(r);
                    }
                }
                EventKind::Deliberation => l.deliberations.push(rec("集体讨论".into(), None)),
                EventKind::CourtEnforcementApplication => {
                    l.court.push(rec("申请人民法院强制执行".into(), None));
                }
                EventKind::Close { .. } => l.closed.push(rec("结案".into(), None)),
                EventKind::Archive => l.archived.push(rec("归档".into(), None)),
                _ => {}
            }
        }
    }
    drop(conn);

    let procedure_label = |p: &str| match p {
        "summary" => "简易程序（当场处罚）",
        _ => "普通程序",
    };
    let mut by_procedure = Vec::new();
    for p in ["ordinary", "summary"] {
        by_procedure.push(count(
            format!("cases.procedure.{p}"),
            procedure_label(p),
            l.by_procedure.remove(p).unwrap_or_default(),
        ));
    }
    let by_violation = sorted_by_count(
        l.by_violation
            .into_iter()
            .map(|(code, records)| {
                let label = if code.is_empty() {
                    "未指明违法行为".to_string()
                } else {
                    violation_name(&code)
                };
                let key = if code.is_empty() { "none".into() } else { code };
                count(format!("cases.violation.{key}"), label, records)
            })
            .collect(),
    );
    let by_unit = sorted_by_count(
        l.by_unit
            .into_iter()
            .map(|(unit, records)| count(format!("cases.unit.{unit}"), unit_name(&unit), records))
            .collect(),
    );
    Ok(vec![
        Section {
            key: "cases",
            title: "行政处罚案件办理",
            chart: false,
            figures: vec![
                count("cases.registered", "新立案件（含当场处罚）", l.registered),
                count(
                    "decisions.penalty",
                    "作出行政处罚决定（含当场处罚）",
                    l.penalty,
                ),
                count("decisions.no_penalty", "不予行政处罚决定", l.no_penalty),
                count("decisions.transfer", "移送案件", l.transfer),
                count("cases.closed", "结案", l.closed),
                count("cases.archived", "归档", l.archived),
            ],
        },
        Section {
            key: "cases_by_procedure",
            title: "新立案件：按程序",
            chart: true,
            figures: by_procedure,
        },
        Section {
            key: "cases_by_violation",
            title: "新立案件：按违法行为",
            chart: true,
            figures: by_violation,
        },
        Section {
            key: "cases_by_unit",
            title: "新立案件：按承办单位",
            chart: true,
            figures: by_unit,
        },
        Section {
            key: "money",
            title: "罚没款",
            chart: false,
            figures: vec![
                amount("fines.decided", "决定罚款金额", l.fines_decided),
                amount("fines.paid", "已缴纳罚款", l.fines_paid),
                amount("surcharge.paid", "已缴纳加处罚款", l.surcharge_paid),
                amount(
                    "confiscation.decided",
                    "决定没收违法所得、非法财物价值",
                    l.confiscation,
                ),
            ],
        },
        Section {
            key: "supervision",
            title: "听证、法制审核与集体讨论",
            chart: false,
            figures: vec![
                count("hearings.requested", "当事人申请听证", l.hearing_requests),
                count("hearings.held", "举行听证", l.hearings),
                count("reviews.total", "法制审核", l.reviews),
                count("reviews.pass", "法制审核通过", l.reviews_pass),
                count("reviews.fail", "法制审核未通过", l.reviews_fail),
                count("deliberations", "集体讨论", l.deliberations),
                count("court.applications", "申请人民法院强制执行", l.court),
            ],
        },
    ])
}

fn decided_amounts(l: &mut CaseLists, p: &Penalty, rec: &impl Fn(String, Option<i64>) -> Record) {
    if let Some(f) = p.fine {
        l.fines_decided
            .push(rec(format!("决定罚款{}", yuan_text(fen(f))), Some(fen(f))));
    }
    if let Some(c) = p.confiscation {
        l.confiscation.push(rec(
            format!("决定没收，价值{}", yuan_text(fen(c))),
            Some(fen(c)),
        ));
    }
}

/// Largest first; ties by label.
fn sorted_by_count(mut figures: Vec<Figure>) -> Vec<Figure> {
    figures.sort_by(|a, b| b.value.cmp(&a.value).then_with(|| a.label.cmp(&b.label)));
    figures
}

// ---- complaints ---------------------------------------------------------------------------

fn channel_label(c: &str) -> String {
    match c {
        "phone" => "电话受理".into(),
        "portal" => "网上投诉".into(),
        "open311" => "Open311 接口".into(),
        other => other.to_string(),
    }
}

fn tag_label(t: &str) -> String {
    match t {
        "service" => "服务".into(),
        "management" => "管理".into(),
        "enforcement" => "执法".into(),
        other => other.to_string(),
    }
}

fn final_state_label(s: &str) -> String {
    serde_json::from_value::<FinalState>(serde_json::Value::String(s.to_string()))
        .map_or_else(|_| s.to_string(), |f| f.label().to_string())
}

async fn complaint_sections(
    state: &AppState,
    actor: &CurrentUser,
    year: i32,
) -> ServiceResult<Vec<Section>> {
    let (from, to) = (year_start(year)?, year_start(year + 1)?);
    let categories = complaint::categories(state).await?;
    let calendar = state.calendar().await?;
    let mut conn = state.db.pool.acquire().await?;
    let rows = complaint_repo::list(&mut conn, false, Some(&from), Some(&to), i64::MAX).await?;
    drop(conn);
    let category_name = |code: &str| {
        categories
            .iter()
            .find(|c| c.code == code)
            .map_or_else(|| code.to_string(), |c| c.name.clone())
    };
    let mut received = Vec::new();
    let mut answered = Vec::new();
    let mut on_time = Vec::new();
    let mut by_category: BTreeMap<String, Vec<Record>> = BTreeMap::new();
    let mut by_channel: BTreeMap<String, Vec<Record>> = BTreeMap::new();
    let mut by_tag: BTreeMap<String, Vec<Record>> = BTreeMap::new();
    let mut by_final: BTreeMap<String, Vec<Record>> = BTreeMap::new();
    let (mut satisfied, mut basically, mut dissatisfied) = (Vec::new(), Vec::new(), Vec::new());
    let mut closed = Vec::new();
    let mut reopened = Vec::new();
    // Oldest first in the lists.
    for r in rows
        .iter()
        .rev()
        .filter(|r| super::complaint_workflow::can_see(actor, r))
    {
        let stage = Stage::parse(&r.stage).map_or_else(|| r.stage.clone(), |s| s.label().into());
        let rec = |detail: String| Record {
            kind: RecordKind::Complaint,
            id: r.id.clone(),
            number: r.service_request_id.clone(),
            subject: category_name(&r.service_code),
            date: china_date(&r.requested_at),
            detail,
            amount_fen: None,
        };
        received.push(rec(stage.clone()));
        by_category
            .entry(r.service_code.clone())
            .or_default()
            .push(rec(stage.clone()));
        by_channel
            .entry(r.channel.clone())
            .or_default()
            .push(rec(stage.clone()));
        let answered_at = match (&r.first_replied_at, &r.closed_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (Some(a), None) | (None, Some(a)) => Some(a),
            (None, None) => None,
        };
        if let Some(a) = answered_at {
            let at = format!("{}答复", china_date(a));
            answered.push(rec(at.clone()));
            let due = if r.reopen_count > 0 {
                super::complaint_workflow::first_round_due(state, &calendar, &categories, r)
            } else {
                r.expected_at.clone()
            };
            if due.as_ref().is_some_and(|e| a <= e) {
                on_time.push(rec(at));
            }
        }
        if let Some(t) = &r.tag_721 {
            by_tag
                .entry(t.clone())
                .or_default()
                .push(rec(stage.clone()));
        }
        if let Some(f) = &r.final_state {
            by_final
                .entry(f.clone())
                .or_default()
                .push(rec(final_state_label(f)));
        }
        match r.rating.as_deref() {
            Some("satisfied") => satisfied.push(rec("满意".into())),
            Some("basically_satisfied") => basically.push(rec("基本满意".into())),
            Some(_) => dissatisfied.push(rec("不满意".into())),
            None => {}
        }
        if r.closed_at.is_some() || r.reopen_count > 0 {
            closed.push(rec(stage.clone()));
        }
        if r.reopen_count > 0 {
            reopened.push(rec(format!("重新办理{}次", r.reopen_count)));
        }
    }
    let answered_n = answered.len() as i64;
    let rated: Vec<Record> = satisfied
        .iter()
        .chain(&basically)
        .chain(&dissatisfied)
        .cloned()
        .collect();
    let rated_n = rated.len() as i64;
    let content: Vec<Record> = satisfied.iter().chain(&basically).cloned().collect();
    let closed_n = closed.len() as i64;
    let received_n = received.len() as i64;
    let mut tags: Vec<Figure> = ["service", "management", "enforcement"]
        .into_iter()
        .map(|t| {
            count(
                format!("complaints.tag721.{t}"),
                tag_label(t),
                by_tag.remove(t).unwrap_or_default(),
            )
        })
        .collect();
    tags.extend(
        by_tag
            .into_iter()
            .map(|(t, r)| count(format!("complaints.tag721.{t}"), tag_label(&t), r)),
    );
    Ok(vec![
        Section {
            key: "complaints",
            title: "投诉举报办理",
            chart: false,
            figures: vec![
                count("complaints.received", "受理投诉举报", received),
                count("complaints.answered", "已答复", answered.clone()),
                rate(
                    "complaints.answer_rate",
                    "答复率（已答复 / 受理）",
                    answered,
                    received_n,
                ),
                count("complaints.on_time", "按期答复", on_time.clone()),
                rate(
                    "complaints.on_time_rate",
                    "按期答复率（按期答复 / 已答复）",
                    on_time,
                    answered_n,
                ),
                count("complaints.closed", "办结（含办结后重新办理）", closed),
                count("complaints.reopened", "群众申请重新办理", reopened.clone()),
                rate(
                    "complaints.reopen_rate",
                    "重新办理率（重新办理 / 办结）",
                    reopened,
                    closed_n,
                ),
            ],
        },
        Section {
            key: "complaints_satisfaction",
            title: "群众满意度",
            chart: false,
            figures: vec![
                count("complaints.rated", "参与评价", rated),
                count("complaints.satisfied", "满意", satisfied),
                count("complaints.basically_satisfied", "基本满意", basically),
                count("complaints.dissatisfied", "不满意", dissatisfied),
                rate(
                    "complaints.satisfaction_rate",
                    "满意率（满意 + 基本满意）/ 参与评价",
                    content,
                    rated_n,
                ),
            ],
        },
        Section {
            key: "complaints_721",
            title: "“721”工作法：已解决诉求的解决方式",
            chart: true,
            figures: tags,
        },
        Section {
            key: "complaints_by_category",
            title: "投诉举报：按类别",
            chart: true,
            figures: sorted_by_count(
                by_category
                    .into_iter()
                    .map(|(c, r)| count(format!("complaints.category.{c}"), category_name(&c), r))
                    .collect(),
            ),
        },
        Section {
            key: "complaints_by_channel",
            title: "投诉举报：按渠道",
            chart: true,
            figures: sorted_by_count(
                by_channel
                    .into_iter()
                    .map(|(c, r)| count(format!("complaints.channel.{c}"), channel_label(&c), r))
                    .collect(),
            ),
        },
        Section {
            key: "complaints_by_final_state",
            title: "投诉举报：办结结果",
            chart: true,
            figures: sorted_by_count(
                by_final
                    .into_iter()
                    .map(|(f, r)| count(format!("complaints.final.{f}"), final_state_label(&f), r))
                    .collect(),
            ),
        },
    ])
}

/// The China date of a stored timestamp (`YYYY-MM-DD`); the text itself when unreadable.
fn china_date(ts: &str) -> String {
    DateTime::parse_from_rfc3339(ts)
        .map(|t| t.with_timezone(&china()).date_naive().to_string())
        .unwrap_or_else(|_| ts.get(..10).unwrap_or(ts).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_and_amounts_read_like_the_report() {
        assert_eq!(rate_of(2, 3), Some(0.6667));
        assert_eq!(rate_of(0, 0), None);
        assert_eq!(yuan_text(600_000), "6,000.00元");
        assert_eq!(yuan_text(5), "0.05元");
        assert_eq!(china_date("2025-12-31T16:30:00.000000Z"), "2026-01-01");
        assert!(check_year(1999).is_err());
        assert!(check_year(2025).is_ok());
    }
}
