//! 投诉举报: the dispatcher's queue (filters, counts by stage, overdue rows in red), the
//! overdue and near-due list with 督办, the phone intake form and the complaint record with
//! the actions its stage allows. Every rule lives in `service::complaint_workflow`; these
//! handlers only turn forms into service inputs and service answers into pages.

mod intake;
mod record;

use crate::service::complaint_workflow::{self as wf, ComplaintSummary, Stage};
use crate::service::{AppState, ServiceError, complaint, org_unit};
use crate::web::page::{Layout, OfficeUser, PageError, PageResult, cn_date_str, render};
use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::routing::{get, post};
use chrono::{DateTime, Datelike, FixedOffset, Timelike};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/complaints", get(queue))
        .route("/complaints/overdue", get(overdue))
        .route("/complaints/new", get(intake::form).post(intake::submit))
        .route("/complaints/{id}", get(record::show))
        .route("/complaints/{id}/photos/{photo_id}", get(record::photo))
        .route("/complaints/{id}/dispatch", post(record::dispatch))
        .route("/complaints/{id}/recategorise", post(record::recategorise))
        .route("/complaints/{id}/handle", post(record::handle))
        .route("/complaints/{id}/reply", post(record::reply))
        .route("/complaints/{id}/verify", post(record::verify))
        .route("/complaints/{id}/close", post(record::close))
        .route("/complaints/{id}/follow-up", post(record::follow_up))
        .route("/complaints/{id}/rate", post(record::rate))
        .route("/complaints/{id}/supervise", post(record::supervise))
        .route("/complaints/{id}/to-case", post(record::to_case))
}

// ---- shared display helpers --------------------------------------------------------------

/// A stored RFC 3339 time in China time: 2025年4月1日 18:00 (anything else unchanged).
pub fn cn_datetime(s: &str) -> String {
    let Some(china) = FixedOffset::east_opt(8 * 3600) else {
        return s.to_string();
    };
    match DateTime::parse_from_rfc3339(s) {
        Ok(t) => {
            let t = t.with_timezone(&china);
            format!(
                "{}年{}月{}日 {:02}:{:02}",
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute()
            )
        }
        Err(_) => cn_date_str(s),
    }
}

/// The label of a stored stage.
pub fn stage_label(stage: &str) -> String {
    Stage::parse(stage).map_or_else(|| stage.to_string(), |s| s.label().to_string())
}

/// 1 催办, 2 督办, 3 挂牌督办.
pub fn supervision_label(level: i64) -> &'static str {
    match level {
        1 => "1级 催办",
        2 => "2级 督办",
        3 => "3级 挂牌督办",
        _ => "",
    }
}

/// Every stage in the loop's order.
const STAGES: [Stage; 9] = [
    Stage::Received,
    Stage::Dispatched,
    Stage::Handling,
    Stage::Replied,
    Stage::Verified,
    Stage::Reopened,
    Stage::Closed,
    Stage::FollowedUp,
    Stage::Rated,
];

/// Short stage names for the counts and the filter.
fn stage_short(s: Stage) -> &'static str {
    match s {
        Stage::Received => "待派单",
        Stage::Dispatched => "已派单",
        Stage::Handling => "办理中",
        Stage::Replied => "已答复",
        Stage::Verified => "已核查",
        Stage::Reopened => "重新办理",
        Stage::Closed => "已办结",
        Stage::FollowedUp => "已回访",
        Stage::Rated => "已评价",
    }
}

/// Org unit names by id (for display only; who may see what is the service's business).
pub async fn unit_names(state: &AppState) -> Result<BTreeMap<String, String>, ServiceError> {
    Ok(org_unit::all(state)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

/// Category names by code.
pub async fn category_names(state: &AppState) -> Result<BTreeMap<String, String>, ServiceError> {
    Ok(complaint::categories(state)
        .await?
        .into_iter()
        .map(|c| (c.code, c.name))
        .collect())
}

/// The service answers "not found" for a complaint the caller may not see, so that the JSON
/// API does not reveal it. The back office shows the 403 page instead when the record
/// exists (issue 4: a partner user is refused another unit's record).
pub async fn refusal(state: &AppState, id: &str, e: ServiceError) -> PageError {
    if let ServiceError::NotFound { .. } = e
        && exists(state, id).await
    {
        return PageError::from(ServiceError::Forbidden);
    }
    PageError::from(e)
}

/// A lookup failure counts as "does not exist": the caller then keeps the 404.
async fn exists(state: &AppState, id: &str) -> bool {
    wf::exists(state, id).await.unwrap_or(false)
}

/// The query string as `T`; a malformed one counts as empty (filters are a convenience).
pub fn query<T: serde::de::DeserializeOwned + Default>(q: Option<&str>) -> T {
    serde_urlencoded::from_str(q.unwrap_or("")).unwrap_or_default()
}

// ---- the queue ---------------------------------------------------------------------------

/// One option of a `<select>`.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub fn opts(items: impl IntoIterator<Item = (String, String)>, selected: &str) -> Vec<Opt> {
    items
        .into_iter()
        .map(|(value, label)| Opt {
            selected: value == selected,
            value,
            label,
        })
        .collect()
}

/// One line of the queue or the overdue list.
pub struct Row {
    pub id: String,
    pub number: String,
    pub category: String,
    pub stage: String,
    pub unit: String,
    pub received: String,
    pub due: String,
    /// `overdue`, `near_due` or empty.
    pub status: &'static str,
    pub status_label: &'static str,
    pub supervision: &'static str,
    pub supervision_level: i64,
    pub version: i64,
}

fn row(
    c: &ComplaintSummary,
    near: &HashSet<String>,
    units: &BTreeMap<String, String>,
    cats: &BTreeMap<String, String>,
) -> Row {
    let (status, status_label) = if c.overdue {
        ("overdue", "已超期")
    } else if near.contains(&c.id) {
        ("near_due", "即将到期")
    } else {
        ("", "")
    };
    Row {
        id: c.id.clone(),
        number: c.service_request_id.clone(),
        category: cats
            .get(&c.service_code)
            .cloned()
            .unwrap_or_else(|| c.service_code.clone()),
        stage: stage_label(&c.stage),
        unit: c
            .org_unit_id
            .as_ref()
            .map(|u| units.get(u).cloned().unwrap_or_else(|| u.clone()))
            .unwrap_or_else(|| "（未派单）".into()),
        received: cn_datetime(&c.requested_at),
        due: c
            .expected_at
            .as_deref()
            .map(cn_datetime)
            .unwrap_or_default(),
        status,
        status_label,
        supervision: supervision_label(c.supervision_level),
        supervision_level: c.supervision_level,
        version: c.version,
    }
}

pub struct StageCount {
    pub label: &'static str,
    pub value: usize,
    pub href: String,
    pub alert: bool,
}

#[derive(Template)]
#[template(path = "office/complaints/queue.html")]
struct QueuePage {
    layout: Layout,
    counts: Vec<StageCount>,
    rows: Vec<Row>,
    stages: Vec<Opt>,
    categories: Vec<Opt>,
    units: Vec<Opt>,
    overdue_only: bool,
    include_closed: bool,
    can_intake: bool,
    total: usize,
}

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    stage: Option<String>,
    category: Option<String>,
    unit: Option<String>,
    overdue: Option<String>,
    closed: Option<String>,
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

async fn queue(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    RawQuery(q): RawQuery,
) -> PageResult {
    let q: QueueQuery = query(q.as_deref());
    let all = wf::list(&state, &user, false, 1000).await?;
    let near: HashSet<String> = match wf::overdue(&state, &user, None).await {
        Ok(l) => l.near_due.into_iter().map(|c| c.id).collect(),
        Err(ServiceError::Forbidden) => HashSet::new(),
        Err(e) => return Err(e.into()),
    };
    let units = unit_names(&state).await?;
    let cats = category_names(&state).await?;
    let stage = non_empty(&q.stage).and_then(Stage::parse);
    let category = non_empty(&q.category);
    let unit = non_empty(&q.unit);
    let overdue_only = non_empty(&q.overdue).is_some();
    let include_closed = non_empty(&q.closed).is_some() || stage.is_some_and(|s| !s.is_open());

    let mut counts: Vec<StageCount> = STAGES
        .iter()
        .map(|s| StageCount {
            label: stage_short(*s),
            value: all.iter().filter(|c| c.stage == s.as_str()).count(),
            href: format!("/complaints?stage={}", s.as_str()),
            alert: false,
        })
        .collect();
    counts.push(StageCount {
        label: "已超期",
        value: all.iter().filter(|c| c.overdue).count(),
        href: "/complaints?overdue=1".into(),
        alert: true,
    });
    let rows: Vec<Row> = all
        .iter()
        .filter(|c| include_closed || Stage::parse(&c.stage).is_some_and(Stage::is_open))
        .filter(|c| stage.is_none_or(|s| c.stage == s.as_str()))
        .filter(|c| category.is_none_or(|k| c.service_code == k))
        .filter(|c| unit.is_none_or(|u| c.org_unit_id.as_deref() == Some(u)))
        .filter(|c| !overdue_only || c.overdue)
        .map(|c| row(c, &near, &units, &cats))
        .collect();
    let unit_opts = units
        .iter()
        .filter(|(id, _)| {
            all.iter()
                .any(|c| c.org_unit_id.as_deref() == Some(id.as_str()))
        })
        .map(|(id, name)| (id.clone(), name.clone()));
    Ok(render(&QueuePage {
        layout: Layout::new(&state, &user, "投诉举报", "/complaints"),
        total: rows.len(),
        counts,
        rows,
        stages: opts(
            STAGES
                .iter()
                .map(|s| (s.as_str().to_string(), stage_short(*s).to_string())),
            stage.map(Stage::as_str).unwrap_or(""),
        ),
        categories: opts(cats.clone(), category.unwrap_or("")),
        units: opts(unit_opts, unit.unwrap_or("")),
        overdue_only,
        include_closed,
        can_intake: user.may(crate::service::permissions::Action::ComplaintIntake),
    }))
}

// ---- overdue and near-due ----------------------------------------------------------------

/// One table of the overdue page.
pub struct Section {
    pub id: &'static str,
    pub title: &'static str,
    pub empty: &'static str,
    pub rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "office/complaints/overdue.html")]
struct OverduePage {
    layout: Layout,
    ok: bool,
    now: String,
    hours: i64,
    sections: Vec<Section>,
    can_supervise: bool,
    leader: bool,
}

async fn overdue(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    RawQuery(q): RawQuery,
) -> PageResult {
    let ok = query::<BTreeMap<String, String>>(q.as_deref()).contains_key("ok");
    let list = wf::overdue(&state, &user, None).await?;
    let units = unit_names(&state).await?;
    let cats = category_names(&state).await?;
    let near: HashSet<String> = list.near_due.iter().map(|c| c.id.clone()).collect();
    Ok(render(&OverduePage {
        layout: Layout::new(&state, &user, "超期督办", "/complaints"),
        ok,
        now: cn_datetime(&list.now),
        hours: list.near_due_hours,
        sections: vec![
            Section {
                id: "overdue",
                title: "已超期",
                empty: "没有超期未答复的诉求。",
                rows: list
                    .overdue
                    .iter()
                    .map(|c| row(c, &near, &units, &cats))
                    .collect(),
            },
            Section {
                id: "near-due",
                title: "临近到期",
                empty: "没有临近到期的诉求。",
                rows: list
                    .near_due
                    .iter()
                    .map(|c| row(c, &near, &units, &cats))
                    .collect(),
            },
        ],
        can_supervise: user.may(crate::service::permissions::Action::SuperviseComplaint),
        leader: user.may(crate::service::permissions::Action::SuperviseListed),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_china_time() {
        assert_eq!(
            cn_datetime("2026-06-08T10:00:00.000000Z"),
            "2026年6月8日 18:00"
        );
        assert_eq!(cn_datetime("—"), "—");
        assert_eq!(supervision_label(2), "2级 督办");
    }
}
