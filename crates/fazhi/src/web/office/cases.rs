//! 案件: the case list with filters and Chinese search, and the case page — the timeline of
//! every step with who/when/documents/evidence, the deadlines, and only the steps the law
//! allows today (a refused step shows its rule and legal basis instead of a button).
//! The step forms are in `case_steps.rs`, opening a case in `case_new.rs`.

use crate::service::case::{CaseFilter, CaseRow};
use crate::service::case_actions::{self, Action};
use crate::service::{AppState, case, document, org_unit};
use crate::web::page::PageQuery;
use crate::web::page::{Layout, OfficeUser, PageResult, cn_date, cn_date_str, render, urlencode};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use fazhi_domain::timeline::{Event, EventKind};
use serde::Deserialize;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases", get(list))
        .route("/cases/{id}", get(page))
        .merge(super::case_steps::routes())
        .merge(super::case_new::routes())
        .merge(super::case_record::routes())
}

pub fn stage_label(stage: &str) -> &'static str {
    match stage {
        "lead" => "线索",
        "registered" => "已立案",
        "investigating" => "调查取证",
        "notified" => "已事先告知",
        "hearing_requested" => "已申请听证",
        "hearing_scheduled" => "已通知听证",
        "heard" => "已听证",
        "decided" => "已决定",
        "served" => "已送达",
        "executed" => "执行",
        "closed" => "已结案",
        "archived" => "已归档",
        _ => "其他",
    }
}

pub fn procedure_label(p: &str) -> &'static str {
    if p == "summary" {
        "简易程序"
    } else {
        "普通程序"
    }
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    violation: String,
    #[serde(default)]
    officer: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    overdue: String,
    #[serde(default)]
    page: Option<i64>,
}

pub struct ListRow {
    pub id: String,
    pub case_no: String,
    pub party: String,
    pub procedure: &'static str,
    pub violation: String,
    pub stage: &'static str,
    pub unit: String,
    pub registered: String,
    pub next_due: String,
    pub next_rule: String,
    pub overdue: bool,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "office/cases.html")]
struct CasesPage {
    layout: Layout,
    q: ListQuery,
    states: Vec<Choice>,
    units: Vec<Choice>,
    violations: Vec<Choice>,
    officers: Vec<Choice>,
    rows: Vec<ListRow>,
    total: String,
    page: i64,
    pages: i64,
    prev_href: Option<String>,
    next_href: Option<String>,
    error: Option<String>,
}

const PAGE_SIZE: i64 = 50;

fn choices(items: Vec<(String, String)>, selected: &str) -> Vec<Choice> {
    items
        .into_iter()
        .map(|(value, label)| Choice {
            selected: value == selected,
            value,
            label,
        })
        .collect()
}

fn valid_day(s: &str) -> bool {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

async fn list(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let today = state.clock.today();
    let mut error = None;
    let mut day = |s: &str, what: &str| -> Option<String> {
        if s.is_empty() {
            None
        } else if valid_day(s) {
            Some(s.to_string())
        } else {
            error = Some(format!("{what}格式应为 年-月-日（如 2025-04-01）"));
            None
        }
    };
    let from = day(&q.from, "起始日期");
    let to = day(&q.to, "截止日期");
    let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
    let filter = CaseFilter {
        state: some(&q.state),
        org_unit_id: some(&q.unit),
        violation_code: some(&q.violation),
        officer_id: some(&q.officer),
        from,
        to,
        overdue_before: (q.overdue == "1").then(|| today.to_string()),
        words: q
            .q
            .split_whitespace()
            .take(5)
            .map(|w| w.chars().take(50).collect())
            .collect(),
        ids: None,
    };
    let page = q.page.unwrap_or(1).max(1);
    let (rows, total) =
        case::search(&state, &user, &filter, PAGE_SIZE, (page - 1) * PAGE_SIZE).await?;
    let units = org_unit::list(&state, &user).await?;
    let unit_name: HashMap<&str, &str> = units
        .iter()
        .map(|u| (u.id.as_str(), u.name.as_str()))
        .collect();
    let catalogue = crate::service::catalogue::list(&state).await?;
    let names = case_actions::officer_names(&state).await?;
    let today_s = today.to_string();
    let rows = rows
        .into_iter()
        .map(|c: CaseRow| {
            let (due, rule) = c.next_due.clone().zip(c.next_due_rule.clone()).unzip();
            ListRow {
                overdue: c.open == 1 && due.as_deref().is_some_and(|d| d < today_s.as_str()),
                next_due: due.as_deref().map(cn_date_str).unwrap_or_default(),
                next_rule: rule.unwrap_or_default(),
                id: c.id,
                case_no: c.case_no,
                party: c.party_name,
                procedure: procedure_label(&c.procedure),
                violation: c
                    .violation_code
                    .as_deref()
                    .and_then(|v| catalogue.get(v))
                    .map(|e| e.name.clone())
                    .unwrap_or_default(),
                stage: stage_label(&c.stage),
                unit: unit_name
                    .get(c.org_unit_id.as_str())
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
                registered: cn_date_str(&c.created_at),
            }
        })
        .collect();
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let href = |p: i64| {
        format!(
            "/cases?q={}&state={}&unit={}&violation={}&officer={}&from={}&to={}&overdue={}&page={p}",
            urlencode(&q.q),
            urlencode(&q.state),
            urlencode(&q.unit),
            urlencode(&q.violation),
            urlencode(&q.officer),
            urlencode(&q.from),
            urlencode(&q.to),
            urlencode(&q.overdue)
        )
    };
    let states = [
        ("", "全部"),
        ("open", "在办"),
        ("closed", "已结案"),
        ("awaiting_review", "待法制审核"),
        ("registered", "已立案"),
        ("investigating", "调查取证"),
        ("notified", "已事先告知"),
        ("decided", "已决定"),
        ("served", "已送达"),
        ("archived", "已归档"),
    ]
    .iter()
    .map(|(v, l)| (v.to_string(), l.to_string()))
    .collect();
    let mut officer_list: Vec<(String, String)> = names.into_iter().collect();
    officer_list.sort_by(|a, b| a.1.cmp(&b.1));
    officer_list.insert(0, (String::new(), "全部".into()));
    let mut violation_list: Vec<(String, String)> = catalogue
        .entries
        .iter()
        .map(|e| (e.code.clone(), e.name.clone()))
        .collect();
    violation_list.insert(0, (String::new(), "全部".into()));
    let mut unit_list: Vec<(String, String)> = units
        .iter()
        .map(|u| (u.id.clone(), u.name.clone()))
        .collect();
    unit_list.insert(0, (String::new(), "全部".into()));
    Ok(render(&CasesPage {
        layout: Layout::new(&state, &user, "案件", "/cases"),
        states: choices(states, &q.state),
        units: choices(unit_list, &q.unit),
        violations: choices(violation_list, &q.violation),
        officers: choices(officer_list, &q.officer),
        rows,
        total: if total >= crate::service::case::COUNT_CAP {
            format!("{}+", crate::service::case::COUNT_CAP)
        } else {
            total.to_string()
        },
        page,
        pages,
        prev_href: (page > 1).then(|| href(page - 1)),
        next_href: (page < pages).then(|| href(page + 1)),
        q,
        error,
    }))
}

// ---- the case page ------------------------------------------------------------------------

pub struct StepLine {
    pub seq: i64,
    pub on: String,
    pub label: String,
    pub detail: String,
    pub officers: String,
    pub note: String,
    pub recorded: String,
    pub documents: Vec<(String, String, String)>,
    pub defects: Vec<String>,
}

pub struct DeadlineLine {
    pub label: String,
    pub due: String,
    /// "暂定（待国务院办公厅放假安排发布后核定）" when the counting crossed a provisional day.
    pub provisional: Option<&'static str>,
    pub status: &'static str,
    pub status_label: &'static str,
    pub rule: String,
    pub basis: String,
}

#[derive(Template)]
#[template(path = "office/case.html")]
struct CasePage {
    layout: Layout,
    case: CaseRow,
    act_date: String,
    stage: &'static str,
    procedure: &'static str,
    violation: String,
    unit: String,
    steps: Vec<StepLine>,
    deadlines: Vec<DeadlineLine>,
    actions: Vec<Action>,
    evidence: Vec<(String, String, String)>,
    documents: Vec<(String, String, String)>,
    complaints: Vec<String>,
    notice: Option<String>,
    document_kinds: Vec<(&'static str, &'static str)>,
}

#[derive(Deserialize)]
struct NoticeQuery {
    ok: Option<String>,
}

/// Chinese summary of an event's type-specific content.
pub fn describe(e: &Event) -> String {
    use fazhi_domain::timeline::{DecisionOutcome, ReviewResult};
    match &e.kind {
        EventKind::AdvanceNotice { proposed, rights } => {
            use fazhi_domain::timeline::Right;
            let rights: Vec<&str> = rights
                .iter()
                .map(|r| match r {
                    Right::Statement => "陈述",
                    Right::Defence => "申辩",
                    Right::Hearing => "听证",
                })
                .collect();
            format!(
                "拟：{}；告知权利：{}",
                crate::service::document::penalty_text(proposed),
                if rights.is_empty() {
                    "无".into()
                } else {
                    rights.join("、")
                }
            )
        }
        EventKind::HearingNotice { hearing_on } => format!("听证日期：{}", cn_date(*hearing_on)),
        EventKind::LegalReview { result } => match result {
            ReviewResult::Pass => "审核通过".into(),
            ReviewResult::Fail => "审核未通过".into(),
        },
        EventKind::Decision { outcome, .. } => match outcome {
            DecisionOutcome::Penalty(p) => crate::service::document::penalty_text(p),
            DecisionOutcome::NoPenalty => "不予行政处罚".into(),
            DecisionOutcome::Transfer => "移送".into(),
        },
        EventKind::SummaryPenalty { penalty, .. } => {
            crate::service::document::penalty_text(penalty)
        }
        EventKind::Service { method, .. } => format!("送达方式：{}", method.label()),
        EventKind::Payment {
            amount, surcharge, ..
        } => format!(
            "缴纳罚款{}{}",
            crate::web::page::yuan(amount.fen() as i64),
            if surcharge.fen() > 0 {
                format!(
                    "，加处罚款{}",
                    crate::web::page::yuan(surcharge.fen() as i64)
                )
            } else {
                String::new()
            }
        ),
        EventKind::CoerciveMeasure { until, .. } => format!("期限至{}", cn_date(*until)),
        EventKind::DemolitionAnnouncement { deadline } => {
            format!("限期自行拆除至{}", cn_date(*deadline))
        }
        // issue 10 part A
        EventKind::Revocation {
            ground,
            decision_on,
        } => match decision_on {
            Some(d) => format!("撤销{}作出的处罚决定：{ground}", cn_date(*d)),
            None => format!("撤销理由：{ground}"),
        },
        _ => String::new(),
    }
}

fn status_of(s: fazhi_domain::DeadlineStatus) -> (&'static str, &'static str) {
    use fazhi_domain::DeadlineStatus as S;
    match s {
        S::Met => ("met", "已按期完成"),
        S::Missed => ("missed", "逾期完成"),
        S::Pending => ("pending", "进行中"),
        S::NearDue => ("near_due", "即将到期"),
        S::Overdue => ("overdue", "已超期"),
        S::Lapsed => ("lapsed", "期限已过（未行使）"),
    }
}

pub const DOCUMENT_KINDS: &[(&str, &str)] = &[
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
    ("summary_decision", "当场行政处罚决定书"),
    ("demand", "催告书"),
    ("closing_approval", "结案审批表"),
    ("file_cover", "案卷封面"),
    ("file_index", "卷内目录"),
];

pub fn document_label(kind: &str) -> &'static str {
    DOCUMENT_KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, l)| *l)
        .unwrap_or("文书")
}

async fn page(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path(id): Path<String>,
    PageQuery(q): PageQuery<NoticeQuery>,
) -> PageResult {
    let view = case::read(&state, &user, &id).await?;
    let actions = case_actions::actions(&state, &user, &view).await?;
    let names = case_actions::officer_names(&state).await?;
    let user_names = crate::service::auth::user_names(&state).await?;
    // Administrators see the case (the list and the navigation offer it) but not its
    // documents, which the table keeps for the posts that work on the case.
    let docs = if user.may(crate::service::permissions::Action::ViewDocuments) {
        document::list(&state, &user, &id).await?
    } else {
        Vec::new()
    };
    let catalogue = crate::service::catalogue::list(&state).await?;
    let units = org_unit::list(&state, &user).await?;
    let mut steps = Vec::new();
    for r in &view.events {
        let Ok(e) = serde_json::from_value::<Event>(r.event.clone()) else {
            continue;
        };
        let seq = r.seq;
        steps.push(StepLine {
            seq,
            on: cn_date(e.on),
            label: e.event_type().label().to_string(),
            detail: describe(&e),
            officers: e
                .officers
                .iter()
                .map(|o| names.get(o).cloned().unwrap_or_else(|| o.clone()))
                .collect::<Vec<_>>()
                .join("、"),
            note: e.note.clone().unwrap_or_default(),
            recorded: format!(
                "{} 录入于 {}",
                user_names
                    .get(&r.recorded_by)
                    .cloned()
                    .unwrap_or_else(|| "办案人员".into()),
                cn_date_str(&r.recorded_at)
            ),
            documents: docs
                .iter()
                .filter(|d| d.event_seq == seq)
                .map(|d| {
                    (
                        d.id.clone(),
                        document_label(&d.kind).to_string(),
                        d.doc_no.clone(),
                    )
                })
                .collect(),
            defects: view
                .check
                .violations_at(seq as usize)
                .map(|v| format!("{}（{}；{}）", v.message, v.rule, v.basis))
                .collect(),
        });
    }
    let deadlines = view
        .check
        .deadlines
        .iter()
        .map(|d| {
            let (status, status_label) = status_of(d.status);
            DeadlineLine {
                label: d.label.clone(),
                due: cn_date(d.due),
                provisional: d
                    .provisional
                    .then_some(crate::service::calendar::PROVISIONAL_NOTE),
                status,
                status_label,
                rule: d.rule.to_string(),
                basis: d.basis.clone(),
            }
        })
        .collect();
    let case = view.case_row.clone();
    Ok(render(&CasePage {
        layout: Layout::new(&state, &user, &case.case_no, "/cases"),
        act_date: cn_date_str(&case.act_date),
        stage: stage_label(&case.stage),
        procedure: procedure_label(&case.procedure),
        violation: case
            .violation_code
            .as_deref()
            .and_then(|v| catalogue.get(v))
            .map(|e| format!("{}（{}）", e.name, e.penalty_basis))
            .unwrap_or_else(|| "未认定".into()),
        unit: units
            .iter()
            .find(|u| u.id == case.org_unit_id)
            .map(|u| u.name.clone())
            .unwrap_or_default(),
        steps,
        deadlines,
        actions,
        evidence: view
            .evidence
            .iter()
            .map(|e| {
                (
                    e.id.clone(),
                    e.file_name.clone(),
                    cn_date_str(&e.uploaded_at),
                )
            })
            .collect(),
        documents: docs
            .iter()
            .map(|d| {
                (
                    d.id.clone(),
                    format!("{} {}", document_label(&d.kind), d.doc_no),
                    d.sha256.clone(),
                )
            })
            .collect(),
        complaints: view.complaint_ids.clone(),
        notice: q.ok,
        document_kinds: DOCUMENT_KINDS.to_vec(),
        case,
    }))
}
