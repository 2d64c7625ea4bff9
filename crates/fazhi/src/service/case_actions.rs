//! Which steps of the procedure a case can take today, and why the law refuses the others.
//!
//! For every step that applies at the case's stage, a *probe* event dated today is appended
//! to the recorded timeline and the rule engine is run — the same engine that will judge the
//! real submission. Rules that depend on what the user will still type into the form (the
//! officers chosen, the amount, the hearing date …) are left out of the probe; the form's
//! submission is checked in full by [`super::case::add_event`]. So the case page shows only
//! the actions the law allows now, and for a refused one the rule and legal basis, before the
//! user fills anything in.

use super::auth::CurrentUser;
use super::case::{CaseView, build_timeline, parse_events, run_check};
use super::permissions::case_event_roles;
use super::{AppState, ServiceResult, catalogue};
use crate::repo::case_repo;
use fazhi_domain::Violation;
use fazhi_domain::timeline::{Event, EventKind, EventType};
use serde_json::json;

/// One step the case page offers.
#[derive(Debug, Clone)]
pub struct Action {
    pub event_type: EventType,
    /// The type's wire name (`advance_notice`), used in URLs.
    pub code: String,
    pub label: &'static str,
    /// Rules that refuse the step today (empty = allowed).
    pub refusals: Vec<Violation>,
    /// Refused only for lateness: a leader may still record it with a written reason.
    pub late_only: bool,
    /// The user's role may record this step.
    pub role_ok: bool,
    /// The post(s) that record this step ("法制审核员"), named when `role_ok` is false.
    pub post: String,
    /// Main line of the procedure (`true`) or an occasional step (`false`).
    pub main: bool,
}

/// Rules whose outcome depends on the form's content, not on the case's state today.
const CONTENT_RULES: &[&str] = &[
    "officers_min_two_certified",
    "certificate_required",
    "officer_recusal",
    "penalty_types",
    "summary_procedure_threshold",
    "hearing_right_scope",
    "no_aggravation_after_defense",
    "onsite_fine_collection",
    "late_payment_surcharge",
    "no_penalty_conditions",
    "seizure_duration",
    "coercive_measure_steps",
    "urgent_measure_report_24h",
];

const ORDINARY: &[EventType] = &[
    EventType::Register,
    EventType::Evidence,
    EventType::Preservation,
    EventType::PreservationDecision,
    EventType::AdvanceNotice,
    EventType::Defence,
    EventType::StatementWaiver,
    EventType::HearingRequest,
    EventType::HearingWaiver,
    EventType::HearingNotice,
    EventType::Hearing,
    EventType::LegalReview,
    EventType::Deliberation,
    EventType::Decision,
    EventType::Service,
    EventType::Payment,
    EventType::Demand,
    EventType::CourtEnforcementApplication,
    EventType::Close,
    EventType::Archive,
];

const SUMMARY: &[EventType] = &[
    EventType::SummaryPenalty,
    EventType::Service,
    EventType::Payment,
    EventType::Demand,
    EventType::CourtEnforcementApplication,
    EventType::Close,
    EventType::Archive,
];

const OCCASIONAL: &[EventType] = &[
    EventType::CoerciveMeasure,
    EventType::SeizureDecision,
    EventType::Recusal,
    EventType::TransferReport,
    EventType::TransferHandover,
    EventType::DemolitionAnnouncement,
    EventType::ForcedDemolition,
    // issue 10 part A
    EventType::Revocation,
    // issue 10 part B
    EventType::Extension,
    EventType::Suspension,
    EventType::EnforcementDecision,
    EventType::Reconsideration,
    EventType::Lawsuit,
];

/// The wire name of an event type (`hearing_notice`).
pub fn type_code(t: EventType) -> String {
    serde_json::to_value(t)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Parses a wire name back.
pub fn parse_type(code: &str) -> Option<EventType> {
    serde_json::from_value(serde_json::Value::String(code.to_string())).ok()
}

fn has(events: &[Event], t: EventType) -> bool {
    events.iter().any(|e| e.event_type() == t)
}

fn decided_fine(events: &[Event]) -> Option<u64> {
    events.iter().rev().find_map(|e| match &e.kind {
        EventKind::Decision {
            outcome: fazhi_domain::timeline::DecisionOutcome::Penalty(p),
            ..
        }
        | EventKind::SummaryPenalty { penalty: p, .. } => p.fine.map(|f| f.fen()),
        _ => None,
    })
}

/// Whether a step makes sense at all at this point (the engine judges legality; this only
/// hides steps that have nothing to act on, e.g. a payment with no fine decided).
fn applies(t: EventType, events: &[Event], open: bool) -> bool {
    if !open {
        return t == EventType::Archive && !has(events, EventType::Archive);
    }
    // issue 10 part A: a revoked penalty decision no longer counts; the case goes back to a
    // new notice and a new decision.
    let penalty_decisions = fazhi_domain::timeline::penalty_decisions(events, events.len());
    let live_penalty = penalty_decisions.iter().any(|(_, revoked)| !revoked);
    let decided = live_penalty
        || events.iter().any(|e| {
            matches!(
                &e.kind,
                EventKind::Decision {
                    outcome: fazhi_domain::timeline::DecisionOutcome::NoPenalty
                        | fazhi_domain::timeline::DecisionOutcome::Transfer,
                    ..
                }
            )
        });
    match t {
        EventType::Revocation => live_penalty,
        EventType::Register => !has(events, EventType::Register),
        EventType::SummaryPenalty => !has(events, EventType::SummaryPenalty),
        EventType::PreservationDecision => {
            let p = events
                .iter()
                .filter(|e| e.event_type() == EventType::Preservation)
                .count();
            let d = events
                .iter()
                .filter(|e| e.event_type() == EventType::PreservationDecision)
                .count();
            p > d
        }
        EventType::SeizureDecision => {
            let m = events
                .iter()
                .filter(|e| e.event_type() == EventType::CoerciveMeasure)
                .count();
            let d = events
                .iter()
                .filter(|e| e.event_type() == EventType::SeizureDecision)
                .count();
            m > d
        }
        EventType::Defence
        | EventType::StatementWaiver
        | EventType::HearingRequest
        | EventType::HearingWaiver => has(events, EventType::AdvanceNotice) && !decided,
        EventType::HearingNotice => has(events, EventType::HearingRequest) && !decided,
        EventType::Hearing => has(events, EventType::HearingNotice) && !decided,
        EventType::AdvanceNotice
        | EventType::LegalReview
        | EventType::Deliberation
        | EventType::Evidence
        | EventType::Preservation => !decided,
        EventType::Decision => !decided,
        EventType::Service => decided,
        EventType::Payment => decided_fine(events).is_some(),
        EventType::Demand | EventType::CourtEnforcementApplication => {
            decided_fine(events).is_some() && has(events, EventType::Service)
        }
        EventType::Close => decided || has(events, EventType::Register),
        EventType::Archive => false,
        // issue 10 part B: the decision period moves only before the decision; the
        // enforcement decision follows a demand; remedies are against a decision.
        EventType::Extension | EventType::Suspension => {
            has(events, EventType::Register) && !decided
        }
        EventType::EnforcementDecision => has(events, EventType::Demand),
        EventType::Reconsideration | EventType::Lawsuit => decided,
        _ => true,
    }
}

/// A probe of type `t` dated today, with neutral content.
pub(crate) fn probe(t: EventType, events: &[Event], today: chrono::NaiveDate) -> Option<Event> {
    let proposed = events.iter().rev().find_map(|e| match &e.kind {
        EventKind::AdvanceNotice { proposed, .. } => Some(proposed.clone()),
        _ => None,
    });
    let penalty = proposed
        .and_then(|p| serde_json::to_value(p).ok())
        .filter(|v| v.as_object().is_some_and(|o| !o.is_empty()))
        .unwrap_or_else(|| json!({"warning": true}));
    let mut v = json!({"on": today.to_string(), "type": type_code(t)});
    let extra = match t {
        EventType::AdvanceNotice => {
            json!({"proposed": penalty, "rights": ["statement", "defence", "hearing"]})
        }
        EventType::HearingNotice => {
            json!({"hearing_on": (today + chrono::Duration::days(30)).to_string()})
        }
        EventType::LegalReview => json!({"result": "pass"}),
        EventType::Decision => json!({"outcome": "penalty", "penalty": penalty}),
        EventType::SummaryPenalty => json!({"penalty": {"warning": true}}),
        EventType::Service => json!({"method": "direct"}),
        EventType::Payment => {
            let fen = decided_fine(events).unwrap_or(100);
            json!({"amount": format!("{}.{:02}", fen / 100, fen % 100)})
        }
        EventType::CoerciveMeasure => {
            json!({"until": today.to_string(), "approved": true, "record": true})
        }
        EventType::DemolitionAnnouncement => json!({"deadline": today.to_string()}),
        // issue 10 part A: the form asks for the ground.
        EventType::Revocation => json!({"ground": "（办理时填写）"}),
        // issue 10 part B: placeholders the form asks for.
        EventType::Extension => {
            json!({"approver": "（办理时填写）", "reason": "（办理时填写）", "days": 1})
        }
        EventType::Suspension => {
            json!({"kind": "testing", "from": today.to_string(), "until": today.to_string()})
        }
        _ => json!({}),
    };
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    serde_json::from_value(v).ok()
}

/// The steps the case page offers today for `view`, each allowed or refused with reasons.
pub async fn actions(
    state: &AppState,
    actor: &CurrentUser,
    view: &CaseView,
) -> ServiceResult<Vec<Action>> {
    let case = &view.case_row;
    let today = state.clock.today();
    let mut conn = state.db.pool.acquire().await?;
    let rows = case_repo::events(&mut conn, &case.id).await?;
    let events = parse_events(&rows)?;
    let catalogue = catalogue::load(&mut conn).await?;
    let calendar = state.calendar().await?;
    let rules = state.rules().await?;
    let main_line = if case.procedure == "summary" {
        SUMMARY
    } else {
        ORDINARY
    };
    let open = case.open == 1;
    let mut out = Vec::new();
    for (&t, main) in main_line
        .iter()
        .map(|t| (t, true))
        .chain(OCCASIONAL.iter().map(|t| (t, false)))
    {
        if !applies(t, &events, open) || (!main && !open) {
            continue;
        }
        // A close is judged with each reason it could be recorded with (the form asks for
        // it): allowed when one of them is, otherwise refused with the default's reasons.
        let probes: Vec<Event> = if t == EventType::Close {
            CLOSE_REASONS
                .iter()
                .filter_map(|r| close_probe(r, today))
                .collect()
        } else {
            probe(t, &events, today).into_iter().collect()
        };
        if probes.is_empty() {
            continue;
        }
        let mut refusals: Vec<Violation> = Vec::new();
        for (k, p) in probes.into_iter().enumerate() {
            let r = probe_refusals(
                &mut conn, case, &events, p, &catalogue, today, t, &calendar, &rules,
            )
            .await?;
            if r.is_empty() {
                refusals.clear();
                break;
            }
            if k == 0 {
                refusals = r;
            }
        }
        let late_only = !refusals.is_empty()
            && refusals
                .iter()
                .all(|v| super::case::LATE_BUT_STILL_DUE.contains(&v.rule.as_str()));
        out.push(Action {
            event_type: t,
            code: type_code(t),
            label: t.label(),
            refusals,
            late_only,
            role_ok: case_event_roles(t).contains(&actor.role),
            post: super::permissions::posts(case_event_roles(t)),
            main,
        });
    }
    Ok(out)
}

/// The reasons a close can be recorded with, the default (`executed`) first.
const CLOSE_REASONS: &[&str] = &[
    "executed",
    "enforced",
    "no_penalty",
    "transfer",
    "registration_revoked",
    "execution_terminated",
];

/// A close probe with `reason` (and a placeholder ground, which the form asks for).
fn close_probe(reason: &str, today: chrono::NaiveDate) -> Option<Event> {
    let mut v = json!({"on": today.to_string(), "type": "close"});
    if reason != "executed"
        && let Some(o) = v.as_object_mut()
    {
        o.insert("reason".into(), json!(reason));
        o.insert("ground".into(), json!("（办理时填写）"));
    }
    serde_json::from_value(v).ok()
}

/// The rules that refuse `probe` appended to `events` today (content rules left out).
#[expect(
    clippy::too_many_arguments,
    reason = "one call site; the pieces of one check"
)]
async fn probe_refusals(
    conn: &mut sqlx::AnyConnection,
    case: &case_repo::CaseRow,
    events: &[Event],
    probe: Event,
    catalogue: &fazhi_domain::catalogue::Catalogue,
    today: chrono::NaiveDate,
    t: EventType,
    calendar: &fazhi_calendar::Calendar,
    rules: &fazhi_domain::config::RulesConfig,
) -> ServiceResult<Vec<Violation>> {
    if events.last().is_some_and(|e| e.on > today) {
        return Ok(Vec::new());
    }
    let index = events.len();
    let mut with_probe = events.to_vec();
    with_probe.push(probe);
    // Fails closed: a probe that cannot be judged (a database error, a date the calendar
    // cannot count) is an error of the page, never a step shown as allowed.
    let timeline = build_timeline(conn, case, with_probe, today).await?;
    let report = run_check(&timeline, calendar, rules, catalogue, today)?;
    Ok(report
        .violations_at(index)
        .filter(|v| !CONTENT_RULES.contains(&v.rule.as_str()))
        .filter(|v| !(t == EventType::HearingNotice && v.rule == "hearing_notice_period"))
        .cloned()
        .collect())
}

/// An officer who can be listed on a step: id, name and whether the certificate is valid
/// today (for the form's hint; the engine checks the event's own date).
#[derive(Debug, Clone)]
pub struct RosterEntry {
    pub id: String,
    pub name: String,
    pub certified_today: bool,
}

/// Active officers of the units the user sees and of the case's own unit.
pub async fn roster(
    state: &AppState,
    actor: &CurrentUser,
    case_unit: &str,
) -> ServiceResult<Vec<RosterEntry>> {
    let mut conn = state.db.pool.acquire().await?;
    let today = state.clock.today().to_string();
    let certs = crate::repo::officer_repo::all_certificates(&mut conn).await?;
    Ok(crate::repo::officer_repo::all(&mut conn)
        .await?
        .into_iter()
        .filter(|o| o.active == 1 && (actor.sees(&o.org_unit_id) || o.org_unit_id == case_unit))
        .map(|o| RosterEntry {
            certified_today: o.employment == "staff"
                && certs.iter().any(|c| {
                    c.officer_id == o.id
                        && c.valid_from <= today
                        && today <= c.valid_until
                        && !c.suspended_from.as_ref().is_some_and(|f| {
                            *f <= today && c.suspended_until.as_ref().is_none_or(|u| today <= *u)
                        })
                }),
            id: o.id,
            name: o.name,
        })
        .collect())
}

/// Names of officers by id (every officer, for showing recorded steps).
pub async fn officer_names(
    state: &AppState,
) -> ServiceResult<std::collections::HashMap<String, String>> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(crate::repo::officer_repo::all(&mut conn)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}
