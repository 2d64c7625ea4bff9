//! 工作台: the first page after login — the user's tasks ordered by legal deadline (overdue
//! and near-due ones in red with the rule that sets them) and the counts that matter for the
//! role.

use crate::service::auth::{CurrentUser, Role};
use crate::service::{AppState, ServiceError, case, complaint_workflow, officer};
use crate::web::page::{Layout, OfficeUser, PageResult, cn_date, cn_date_str, render};
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

#[derive(Template)]
#[template(path = "office/workbench.html")]
struct WorkbenchPage {
    layout: Layout,
    counts: Vec<Count>,
    tasks: Vec<Task>,
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
        Err(ServiceError::Forbidden) => Ok(None),
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
    let mut reviews = 0;
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
    if user.role == Role::Legal || user.role == Role::Leader {
        reviews = crate::web::office::cases::awaiting_review(state, user).await?;
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
    if user.role == Role::Legal || user.role == Role::Leader {
        counts.push(Count {
            label: "待法制审核",
            value: reviews,
            href: "/cases?state=awaiting_review",
            alert: false,
        });
    }
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

async fn workbench(State(state): State<AppState>, OfficeUser(user): OfficeUser) -> PageResult {
    let mut tasks = Vec::new();
    let mut counts = Vec::new();
    case_tasks(&state, &user, &mut tasks, &mut counts).await?;
    complaint_tasks(&state, &user, &mut tasks, &mut counts).await?;
    certificate_count(&state, &user, &mut counts).await?;
    // Overdue first, then by due date.
    tasks.sort_by(|a, b| (a.status != "overdue", &a.due).cmp(&(b.status != "overdue", &b.due)));
    Ok(render(&WorkbenchPage {
        layout: Layout::new(&state, &user, "工作台", "/workbench"),
        counts,
        tasks,
    }))
}
