//! 工作台: the first page after login — the user's tasks ordered by legal deadline (overdue
//! and near-due ones in red with the rule that sets them), the counts that matter for the
//! role, the legal office's 法制审核 queue (oldest first, with the deadline) and, for
//! officers and partner departments, the complaints dispatched to their unit.

use crate::service::auth::CurrentUser;
use crate::service::{AppState, ServiceError, case, complaint_workflow, officer};
use crate::web::page::{Layout, OfficeUser, PageQuery, PageResult, cn_date, cn_date_str, render};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use fazhi_domain::DeadlineStatus;

pub fn routes() -> Router<AppState> {
    Router::new().route("/workbench", get(workbench))
}

/// One line of the task list.
pub struct Task {
    pub due: String,
    pub due_label: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub what: String,
    pub subject: String,
    pub href: String,
    pub rule: String,
    pub basis: String,
}

pub struct Count {
    pub label: &'static str,
    pub value: usize,
    pub href: &'static str,
    pub alert: bool,
}

/// One case of the 法制审核 queue.
pub struct ReviewLine {
    pub href: String,
    pub case_no: String,
    pub party: String,
    pub unit: String,
    pub registered: String,
    pub reason: String,
    pub due: String,
    pub due_what: String,
    pub status: &'static str,
    pub status_label: &'static str,
}

/// One complaint dispatched to the user's unit.
pub struct ComplaintLine {
    pub href: String,
    pub number: String,
    pub category: String,
    pub stage: &'static str,
    pub due: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "office/workbench.html")]
struct WorkbenchPage {
    layout: Layout,
    counts: Vec<Count>,
    tasks: Vec<Task>,
    /// `Some` for the roles that review (法制审核员, 局领导).
    reviews: Option<Vec<ReviewLine>>,
    /// `Some` for the roles that handle dispatched complaints (执法队员, 协作部门).
    complaints: Option<Vec<ComplaintLine>>,
    notice: Option<&'static str>,
    /// From 1 November, for administrators and leaders, while next year's holiday
    /// arrangement is not loaded (`service::calendar::next_year_warning`).
    calendar_warning: Option<String>,
}

#[derive(serde::Deserialize)]
struct WorkbenchQuery {
    password: Option<String>,
}

fn status_label(s: DeadlineStatus) -> (&'static str, &'static str) {
    match s {
        DeadlineStatus::Overdue => ("overdue", "已超期"),
        DeadlineStatus::NearDue => ("near_due", "即将到期"),
        _ => ("pending", "进行中"),
    }
}

/// A section the user's role cannot see is left out, not an error.
fn allowed<T>(r: Result<T, ServiceError>) -> Result<Option<T>, ServiceError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(ServiceError::Forbidden | ServiceError::WrongPost { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

async fn case_tasks(
    state: &AppState,
    user: &CurrentUser,
    tasks: &mut Vec<Task>,
    counts: &mut Vec<Count>,
) -> Result<(), ServiceError> {
    let Some(cases) = allowed(case::deadlines(state, user).await)? else {
        return Ok(());
    };
    for c in &cases {
        for d in &c.deadlines {
            if !matches!(
                d.status,
                DeadlineStatus::Pending | DeadlineStatus::NearDue | DeadlineStatus::Overdue
            ) {
                continue;
            }
            let (status, status_label) = status_label(d.status);
            tasks.push(Task {
                due: d.due.to_string(),
                due_label: cn_date(d.due),
                status,
                status_label,
                what: d.label.clone(),
                subject: format!("{} {}", c.case_no, c.party_name),
                href: format!("/cases/{}", c.case_id),
                rule: d.rule.to_string(),
                basis: d.basis.clone(),
            });
        }
    }
    counts.push(Count {
        label: "在办案件",
        value: cases.len(),
        href: "/cases?state=open",
        alert: false,
    });
    counts.push(Count {
        label: "超期期限",
        value: tasks.iter().filter(|t| t.status == "overdue").count(),
        href: "/cases?overdue=1",
        alert: true,
    });
    Ok(())
}

async fn complaint_tasks(
    state: &AppState,
    user: &CurrentUser,
    tasks: &mut Vec<Task>,
    counts: &mut Vec<Count>,
) -> Result<(), ServiceError> {
    let Some(list) = allowed(complaint_workflow::overdue(state, user, None).await)? else {
        return Ok(());
    };
    for (c, status, status_label) in list
        .overdue
        .iter()
        .map(|c| (c, "overdue", "已超期"))
        .chain(list.near_due.iter().map(|c| (c, "near_due", "即将到期")))
    {
        let due = c.expected_at.clone().unwrap_or_default();
        tasks.push(Task {
            due_label: cn_date_str(&due),
            due,
            status,
            status_label,
            what: "答复投诉举报".into(),
            subject: format!("投诉 {}", c.service_request_id),
            href: format!("/complaints/{}", c.id),
            rule: "complaint_time_limit".into(),
            basis: "本市12345热线工单办理时限（投诉类别时限）".into(),
        });
    }
    if let Some(open) = allowed(complaint_workflow::list(state, user, true, 1000).await)? {
        counts.push(Count {
            label: "待派单投诉",
            value: open.iter().filter(|c| c.stage == "received").count(),
            href: "/complaints?stage=received",
            alert: false,
        });
    }
    counts.push(Count {
        label: "超时未答复投诉",
        value: list.overdue.len(),
        href: "/complaints/overdue",
        alert: true,
    });
    Ok(())
}

async fn certificate_count(
    state: &AppState,
    user: &CurrentUser,
    counts: &mut Vec<Count>,
) -> Result<(), ServiceError> {
    let Some(officers) = allowed(officer::list(state, user).await)? else {
        return Ok(());
    };
    let today = state.clock.today();
    let soon = (today + chrono::Duration::days(90)).to_string();
    let today = today.to_string();
    let expiring = officers
        .iter()
        .filter(|o| o.officer.active == 1)
        .filter(|o| {
            o.certificates
                .iter()
                .any(|c| c.valid_until.as_str() >= today.as_str() && c.valid_until <= soon)
        })
        .count();
    counts.push(Count {
        label: "90日内到期执法证",
        value: expiring,
        href: "/officers?expiring=90",
        alert: expiring > 0,
    });
    Ok(())
}

/// The 法制审核 queue for the legal office and leaders: the cases whose decision waits for a
/// passed legal review, oldest registration first, with the deadline they must beat.
async fn review_queue(
    state: &AppState,
    user: &CurrentUser,
    counts: &mut Vec<Count>,
) -> Result<Option<Vec<ReviewLine>>, ServiceError> {
    if !user.may(crate::service::permissions::Action::ReviewQueue) {
        return Ok(None);
    }
    let Some(queue) = allowed(case::review_queue(state, user).await)? else {
        return Ok(None);
    };
    counts.push(Count {
        label: "待法制审核",
        value: queue.len(),
        href: "/cases?state=awaiting_review",
        alert: false,
    });
    Ok(Some(
        queue
            .into_iter()
            .map(|r| {
                let (status, status_label) = r
                    .deadline
                    .as_ref()
                    .map_or(("pending", "—"), |d| status_label(d.status));
                ReviewLine {
                    href: format!("/cases/{}", r.case_id),
                    case_no: r.case_no,
                    party: r.party_name,
                    unit: r.org_unit_name,
                    registered: cn_date_str(&r.registered_on),
                    reason: r.reason,
                    due: r
                        .deadline
                        .as_ref()
                        .map_or_else(|| "—".to_string(), |d| cn_date(d.due)),
                    due_what: r
                        .deadline
                        .as_ref()
                        .map_or_else(String::new, |d| d.label.clone()),
                    status,
                    status_label,
                }
            })
            .collect(),
    ))
}

/// Open complaints dispatched to the officer's squad (or the partner department), most
/// urgent first.
async fn squad_complaints(
    state: &AppState,
    user: &CurrentUser,
    counts: &mut Vec<Count>,
) -> Result<Option<Vec<ComplaintLine>>, ServiceError> {
    if !user.may(crate::service::permissions::Action::SquadComplaints) {
        return Ok(None);
    }
    let Some(list) = allowed(complaint_workflow::list(state, user, true, 1000).await)? else {
        return Ok(None);
    };
    let names = crate::web::office::complaints::category_names(state).await?;
    let mut lines: Vec<ComplaintLine> = list
        .into_iter()
        .filter_map(|c| {
            let stage = complaint_workflow::Stage::parse(&c.stage)?;
            (stage != complaint_workflow::Stage::Received && stage.is_open()).then(|| {
                ComplaintLine {
                    href: format!("/complaints/{}", c.id),
                    number: c.service_request_id,
                    category: names
                        .get(&c.service_code)
                        .cloned()
                        .unwrap_or(c.service_code),
                    stage: stage.label(),
                    due: c.expected_at.unwrap_or_default(),
                    overdue: c.overdue,
                }
            })
        })
        .collect();
    lines.sort_by(|a, b| (!a.overdue, &a.due).cmp(&(!b.overdue, &b.due)));
    counts.push(Count {
        label: "派给本单位的投诉",
        value: lines.len(),
        href: "/workbench#squad-complaints",
        alert: false,
    });
    for l in &mut lines {
        l.due = if l.due.is_empty() {
            "—".into()
        } else {
            cn_date_str(&l.due)
        };
    }
    Ok(Some(lines))
}

async fn workbench(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    PageQuery(q): PageQuery<WorkbenchQuery>,
) -> PageResult {
    let mut tasks = Vec::new();
    let mut counts = Vec::new();
    case_tasks(&state, &user, &mut tasks, &mut counts).await?;
    let reviews = review_queue(&state, &user, &mut counts).await?;
    complaint_tasks(&state, &user, &mut tasks, &mut counts).await?;
    let complaints = squad_complaints(&state, &user, &mut counts).await?;
    certificate_count(&state, &user, &mut counts).await?;
    // Overdue first, then by due date.
    tasks.sort_by(|a, b| (a.status != "overdue", &a.due).cmp(&(b.status != "overdue", &b.due)));
    Ok(render(&WorkbenchPage {
        layout: Layout::new(&state, &user, "工作台", "/workbench"),
        counts,
        tasks,
        reviews,
        complaints,
        notice: (q.password.as_deref() == Some("changed")).then_some("密码已修改"),
        calendar_warning: crate::service::calendar::next_year_warning(&state, &user).await?,
    }))
}
