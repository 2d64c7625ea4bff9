//! The year's figures as the bureau's annual report (法治政府建设情况报告) counts them, each
//! with the records behind it for drill-down.
//!
//! The figures are counted once, by each module for its own records: the cases by
//! [`super::case::figures`] (from their stored events, by the event's date), the complaints
//! by [`super::complaint_workflow::figures`] (by their time of receipt, China time), which
//! also answers the API's `GET /complaints/stats`. This module lays them out as the report's
//! sections, with labels; the back office's dashboard and its XLSX export show these.
//!
//! Who sees what: leaders, legal staff and administrators, each within their org scope; the
//! complaint figures only for the roles that may read complaint statistics (admin, leader).

use super::auth::CurrentUser;
use super::complaint::china;
use super::complaint_workflow::{self, final_state_label};
use super::permissions::Action;
use super::{AppState, ServiceError, ServiceResult, case};
use crate::infra::clock::to_db_time;
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::Serialize;

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

/// Rounded to four places (the API's complaint statistics and the report alike).
pub(crate) fn rate_of(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| ((part as f64 / whole as f64) * 10_000.0).round() / 10_000.0)
}

/// The first instant of `year` in China, as stored (`to_db_time`).
pub(crate) fn year_start(year: i32) -> ServiceResult<String> {
    NaiveDate::from_ymd_opt(year, 1, 1)
        .and_then(|d| {
            china()
                .from_local_datetime(&d.and_time(NaiveTime::MIN))
                .single()
        })
        .map(|t| to_db_time(t.with_timezone(&Utc)))
        .ok_or_else(|| ServiceError::invalid_field("invalid_year", "year", "年份不正确"))
}

/// A year the figures can be asked for (2000–2100).
pub(crate) fn check_year(year: i32) -> ServiceResult<()> {
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

async fn case_sections(
    state: &AppState,
    actor: &CurrentUser,
    year: i32,
) -> ServiceResult<Vec<Section>> {
    let mut f = case::figures(state, actor, year).await?;
    let procedure_label = |p: &str| match p {
        "summary" => "简易程序（当场处罚）",
        _ => "普通程序",
    };
    let mut by_procedure = Vec::new();
    for p in ["ordinary", "summary"] {
        by_procedure.push(count(
            format!("cases.procedure.{p}"),
            procedure_label(p),
            f.by_procedure.remove(p).unwrap_or_default(),
        ));
    }
    let by_violation = sorted_by_count(
        std::mem::take(&mut f.by_violation)
            .into_iter()
            .map(|(code, records)| {
                let label = if code.is_empty() {
                    "未指明违法行为".to_string()
                } else {
                    f.violation_name(&code)
                };
                let key = if code.is_empty() { "none".into() } else { code };
                count(format!("cases.violation.{key}"), label, records)
            })
            .collect(),
    );
    let by_unit = sorted_by_count(
        std::mem::take(&mut f.by_unit)
            .into_iter()
            .map(|(unit, records)| count(format!("cases.unit.{unit}"), f.unit_name(&unit), records))
            .collect(),
    );
    Ok(vec![
        Section {
            key: "cases",
            title: "行政处罚案件办理",
            chart: false,
            figures: vec![
                count("cases.registered", "新立案件（含当场处罚）", f.registered),
                count(
                    "decisions.penalty",
                    "作出行政处罚决定（含当场处罚）",
                    f.penalty,
                ),
                count("decisions.no_penalty", "不予行政处罚决定", f.no_penalty),
                count("decisions.transfer", "移送案件", f.transfer),
                count("cases.closed", "结案", f.closed),
                count("cases.archived", "归档", f.archived),
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
                amount("fines.decided", "决定罚款金额", f.fines_decided),
                amount("fines.paid", "已缴纳罚款", f.fines_paid),
                amount("surcharge.paid", "已缴纳加处罚款", f.surcharge_paid),
                amount(
                    "confiscation.decided",
                    "决定没收违法所得、非法财物价值",
                    f.confiscation,
                ),
            ],
        },
        Section {
            key: "supervision",
            title: "听证、法制审核与集体讨论",
            chart: false,
            figures: vec![
                count("hearings.requested", "当事人申请听证", f.hearing_requests),
                count("hearings.held", "举行听证", f.hearings),
                count("reviews.total", "法制审核", f.reviews),
                count("reviews.pass", "法制审核通过", f.reviews_pass),
                count("reviews.fail", "法制审核未通过", f.reviews_fail),
                count("deliberations", "集体讨论", f.deliberations),
                count("court.applications", "申请人民法院强制执行", f.court),
            ],
        },
    ])
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

async fn complaint_sections(
    state: &AppState,
    actor: &CurrentUser,
    year: i32,
) -> ServiceResult<Vec<Section>> {
    let mut f = complaint_workflow::figures(state, actor, year).await?;
    let rated = f.rated();
    let rated_n = rated.len() as i64;
    let content = f.content();
    let answered_n = f.answered.len() as i64;
    let closed_n = f.closed.len() as i64;
    let received_n = f.received.len() as i64;
    let mut tags: Vec<Figure> = ["service", "management", "enforcement"]
        .into_iter()
        .map(|t| {
            count(
                format!("complaints.tag721.{t}"),
                tag_label(t),
                f.by_tag_721.remove(t).unwrap_or_default(),
            )
        })
        .collect();
    tags.extend(
        std::mem::take(&mut f.by_tag_721)
            .into_iter()
            .map(|(t, r)| count(format!("complaints.tag721.{t}"), tag_label(&t), r)),
    );
    let by_category = sorted_by_count(
        std::mem::take(&mut f.by_category)
            .into_iter()
            .map(|(c, r)| count(format!("complaints.category.{c}"), f.category_name(&c), r))
            .collect(),
    );
    Ok(vec![
        Section {
            key: "complaints",
            title: "投诉举报办理",
            chart: false,
            figures: vec![
                count("complaints.received", "受理投诉举报", f.received),
                count("complaints.answered", "已答复", f.answered.clone()),
                rate(
                    "complaints.answer_rate",
                    "答复率（已答复 / 受理）",
                    f.answered,
                    received_n,
                ),
                count("complaints.on_time", "按期答复", f.on_time.clone()),
                rate(
                    "complaints.on_time_rate",
                    "按期答复率（按期答复 / 已答复）",
                    f.on_time,
                    answered_n,
                ),
                count("complaints.closed", "办结（含办结后重新办理）", f.closed),
                count(
                    "complaints.reopened",
                    "群众申请重新办理",
                    f.reopened.clone(),
                ),
                rate(
                    "complaints.reopen_rate",
                    "重新办理率（重新办理 / 办结）",
                    f.reopened,
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
                count("complaints.satisfied", "满意", f.satisfied),
                count(
                    "complaints.basically_satisfied",
                    "基本满意",
                    f.basically_satisfied,
                ),
                count("complaints.dissatisfied", "不满意", f.dissatisfied),
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
            figures: by_category,
        },
        Section {
            key: "complaints_by_channel",
            title: "投诉举报：按渠道",
            chart: true,
            figures: sorted_by_count(
                f.by_channel
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
                f.by_final_state
                    .into_iter()
                    .map(|(s, r)| count(format!("complaints.final.{s}"), final_state_label(&s), r))
                    .collect(),
            ),
        },
    ])
}

/// The China date of a stored timestamp (`YYYY-MM-DD`); the text itself when unreadable.
pub(crate) fn china_date(ts: &str) -> String {
    DateTime::parse_from_rfc3339(ts)
        .map(|t| t.with_timezone(&china()).date_naive().to_string())
        .unwrap_or_else(|_| ts.get(..10).unwrap_or(ts).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_and_dates_read_like_the_report() {
        assert_eq!(rate_of(2, 3), Some(0.6667));
        assert_eq!(rate_of(0, 0), None);
        assert_eq!(china_date("2025-12-31T16:30:00.000000Z"), "2026-01-01");
        assert!(check_year(1999).is_err());
        assert!(check_year(2025).is_ok());
    }
}
