//! The complaint figures of one year, each with the complaints behind it: the one place
//! they are counted, for the back office's dashboard and its XLSX export
//! (`service::statistics`) and the API's `GET /complaints/stats` ([`super::stats`]).
//!
//! Complaints are counted by their time of receipt (China time), among those the caller may
//! see. Answered = a first reply or the closing, whichever came first; on time = answered by
//! the first round's due time (a reopening sets a new due time for the new round); closed =
//! closed now, or reopened since; satisfaction = (满意 + 基本满意) / rated; reopen rate =
//! reopened / closed.

use super::{FinalState, Stage, can_see};
use crate::infra::clock::to_db_time;
use crate::repo::complaint_repo::{self, ComplaintRow};
use crate::service::auth::CurrentUser;
use crate::service::complaint::{self, expected_at};
use crate::service::statistics::{Record, RecordKind, check_year, china_date, year_start};
use crate::service::{AppState, ServiceResult};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// The complaints received in one year, sorted into the figures of the annual report; each
/// list holds its complaints oldest first, each record's `detail` saying what it counts for.
#[derive(Debug, Clone, Default)]
pub struct ComplaintFigures {
    pub received: Vec<Record>,
    /// With a reply to the citizen, or closed (a closing tells the citizen the outcome).
    pub answered: Vec<Record>,
    /// Answered by the first round's due time.
    pub on_time: Vec<Record>,
    /// By category code.
    pub by_category: BTreeMap<String, Vec<Record>>,
    /// By channel (`phone`, `portal`, `open311`).
    pub by_channel: BTreeMap<String, Vec<Record>>,
    /// Closed as resolved, by 721 tag (only the tags given).
    pub by_tag_721: BTreeMap<String, Vec<Record>>,
    /// By final state (only the states reached).
    pub by_final_state: BTreeMap<String, Vec<Record>>,
    pub satisfied: Vec<Record>,
    pub basically_satisfied: Vec<Record>,
    pub dissatisfied: Vec<Record>,
    /// Closed at least once (closed now, or reopened since).
    pub closed: Vec<Record>,
    pub reopened: Vec<Record>,
    /// Category code → name, for every category.
    category_names: BTreeMap<String, String>,
}

impl ComplaintFigures {
    /// Every rated complaint: 满意, then 基本满意, then 不满意.
    pub fn rated(&self) -> Vec<Record> {
        self.satisfied
            .iter()
            .chain(&self.basically_satisfied)
            .chain(&self.dissatisfied)
            .cloned()
            .collect()
    }

    /// The rated complaints that count as satisfied (满意 + 基本满意).
    pub fn content(&self) -> Vec<Record> {
        self.satisfied
            .iter()
            .chain(&self.basically_satisfied)
            .cloned()
            .collect()
    }

    /// The name of a category; the code itself for an unknown one.
    pub fn category_name(&self, code: &str) -> String {
        category_name(&self.category_names, code)
    }
}

fn category_name(names: &BTreeMap<String, String>, code: &str) -> String {
    names.get(code).cloned().unwrap_or_else(|| code.to_string())
}

/// The label of a stored final state (`resolved` → 已解决); the text itself when unknown.
pub fn final_state_label(s: &str) -> String {
    serde_json::from_value::<FinalState>(serde_json::Value::String(s.to_string()))
        .map_or_else(|_| s.to_string(), |f| f.label().to_string())
}

/// The due time of the first round: the category's limit from receipt.
fn first_round_due(
    state: &AppState,
    calendar: &fazhi_calendar::Calendar,
    categories: &[complaint::Category],
    r: &ComplaintRow,
) -> Option<String> {
    let category = categories.iter().find(|c| c.code == r.service_code)?;
    let received = DateTime::parse_from_rfc3339(&r.requested_at)
        .ok()?
        .with_timezone(&Utc);
    let periods = &complaint::settings(state).working_periods;
    expected_at(calendar, periods, received, category.time_limit).map(to_db_time)
}

/// The figures of the complaints received in `year` (China time) that `actor` may see. The
/// caller has checked that `actor` may read complaint figures (`Action::ComplaintStats` or
/// `Action::ComplaintFigures`).
pub async fn figures(
    state: &AppState,
    actor: &CurrentUser,
    year: i32,
) -> ServiceResult<ComplaintFigures> {
    check_year(year)?;
    let (from, to) = (year_start(year)?, year_start(year + 1)?);
    let categories = complaint::categories(state).await?;
    let calendar = state.calendar().await?;
    let mut conn = state.db.pool.acquire().await?;
    let rows = complaint_repo::list(&mut conn, false, Some(&from), Some(&to), i64::MAX).await?;
    drop(conn);
    let names: BTreeMap<String, String> = categories
        .iter()
        .map(|c| (c.code.clone(), c.name.clone()))
        .collect();
    let mut f = ComplaintFigures::default();
    // The list is newest first; the figures list oldest first.
    for r in rows.iter().rev().filter(|r| can_see(actor, r)) {
        let stage = Stage::parse(&r.stage).map_or_else(|| r.stage.clone(), |s| s.label().into());
        let rec = |detail: String| Record {
            kind: RecordKind::Complaint,
            id: r.id.clone(),
            number: r.service_request_id.clone(),
            subject: category_name(&names, &r.service_code),
            date: china_date(&r.requested_at),
            detail,
            amount_fen: None,
        };
        f.received.push(rec(stage.clone()));
        f.by_category
            .entry(r.service_code.clone())
            .or_default()
            .push(rec(stage.clone()));
        f.by_channel
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
            f.answered.push(rec(at.clone()));
            // The first round's due time (a reopening sets a new one for the new round).
            let due = if r.reopen_count > 0 {
                first_round_due(state, &calendar, &categories, r)
            } else {
                r.expected_at.clone()
            };
            if due.as_ref().is_some_and(|e| a <= e) {
                f.on_time.push(rec(at));
            }
        }
        if let Some(t) = &r.tag_721 {
            f.by_tag_721
                .entry(t.clone())
                .or_default()
                .push(rec(stage.clone()));
        }
        if let Some(s) = &r.final_state {
            f.by_final_state
                .entry(s.clone())
                .or_default()
                .push(rec(final_state_label(s)));
        }
        match r.rating.as_deref() {
            Some("satisfied") => f.satisfied.push(rec("满意".into())),
            Some("basically_satisfied") => f.basically_satisfied.push(rec("基本满意".into())),
            Some(_) => f.dissatisfied.push(rec("不满意".into())),
            None => {}
        }
        if r.closed_at.is_some() || r.reopen_count > 0 {
            f.closed.push(rec(stage.clone()));
        }
        if r.reopen_count > 0 {
            f.reopened
                .push(rec(format!("重新办理{}次", r.reopen_count)));
        }
    }
    f.category_names = names;
    Ok(f)
}
