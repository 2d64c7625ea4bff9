//! Penalty cases (行政处罚案件) run live. A case is its recorded events in the public
//! timeline format; every new event is checked by running the very same rule engine as
//! `fazhi case check` over the case's history plus the new event, and is refused when the
//! engine attaches a violation to it. What the check flags, the live API refuses.

use super::audit::{Actor, AuditEvent, append};
use super::auth::CurrentUser;
use super::permissions::Action;
use super::personal_data::{self, Salt, insert_salts};
use super::{AppState, ServiceError, ServiceResult, catalogue, new_id};
use crate::infra::blob_store::Shelf;
use crate::infra::clock::to_db_time;
use crate::infra::db::Tx;
use crate::repo::case_repo::{self, EventRow};
/// Storage rows the case pages and API still show (issue 12: own API types are to come).
pub use crate::repo::case_repo::{COUNT_CAP, CaseFilter, CaseRow, EvidenceRow};
use crate::repo::officer_repo;
use chrono::NaiveDate;
use fazhi_domain::catalogue::Catalogue;
use fazhi_domain::config::RulesConfig;
use fazhi_domain::timeline::{
    Certificate, Event, EventType, Officer, Party, PartyKind, Procedure, Timeline,
};
use fazhi_domain::{CheckContext, CheckReport, DeadlineStatus, check_timeline};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

mod figures;
/// The year's case figures (the dashboard and its export).
pub use figures::{CaseFigures, figures};

/// What a new case needs (立案 itself is the first event, recorded separately).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCase {
    pub org_unit_id: String,
    #[schema(value_type = Object)]
    pub party: Party,
    #[schema(value_type = String, example = "ordinary")]
    pub procedure: Procedure,
    #[schema(value_type = String, format = Date)]
    pub act_date: NaiveDate,
    /// Code from the violation catalogue.
    pub violation: Option<String>,
    #[serde(default)]
    pub serious_harm: bool,
    #[serde(default)]
    pub major: bool,
    /// 当事人住所/地址, printed on the 决定书 (B19).
    #[serde(default)]
    pub party_address: Option<String>,
}

/// A new event for a case; `expected_version` is the case version the caller last saw.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEvent {
    pub expected_version: i64,
    /// One event in the case-timeline format (docs/case-timeline.md); `officers` are officer ids.
    #[schema(value_type = Object)]
    pub event: Event,
    /// 超期说明: a leader may record a step that is late — and only late (rules in
    /// [`LATE_BUT_STILL_DUE`]) — with a written reason; the defect stays on the record.
    #[serde(default)]
    pub late_reason: Option<String>,
}

/// Rules whose breach means "done late" where not doing the step at all would be worse:
/// the decision must still be made and served, preserved items must still be decided on.
/// A leader may record such a step with a reason; every other breach is refused outright.
pub const LATE_BUT_STILL_DUE: &[&str] = &[
    "decision_deadline_90d",
    "service_deadline",
    "evidence_preservation_7wd",
];

/// One recorded event as shown to users.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RecordedEvent {
    pub seq: i64,
    #[schema(value_type = Object)]
    pub event: serde_json::Value,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// A case with its history and what the engine says about it today.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CaseView {
    #[serde(rename = "case")]
    pub case_row: CaseRow,
    pub events: Vec<RecordedEvent>,
    /// Violations (of events recorded before a rule changed) and deadlines, as of today.
    #[schema(value_type = Object)]
    pub check: CheckReport,
    pub evidence: Vec<EvidenceRow>,
    /// Complaints (投诉举报) this case was opened from as their lead, by complaint id.
    pub complaint_ids: Vec<String>,
}

pub(crate) fn can_see(actor: &CurrentUser, case: &CaseRow) -> bool {
    actor.may(Action::ViewCases) && actor.sees(&case.org_unit_id)
}

/// Opens a case file and commits.
pub async fn create(
    state: &AppState,
    actor: &CurrentUser,
    input: NewCase,
) -> ServiceResult<CaseView> {
    let mut tx = state.db.begin_write().await?;
    let row = create_in(&mut tx, state, actor, input).await?;
    tx.commit().await?;
    get(state, actor, &row.id).await
}

/// Opens a case and records its first step in one transaction: the summary procedure's
/// 当场处罚 on a phone in the street. A refused step leaves no case behind.
pub async fn open_with_event(
    state: &AppState,
    actor: &CurrentUser,
    input: NewCase,
    event: Event,
) -> ServiceResult<CaseView> {
    let mut tx = state.db.begin_write().await?;
    let row = create_in(&mut tx, state, actor, input).await?;
    add_event_in(
        &mut tx,
        state,
        actor,
        &row.id,
        NewEvent {
            expected_version: row.version,
            event,
            late_reason: None,
        },
    )
    .await?;
    tx.commit().await?;
    get(state, actor, &row.id).await
}

/// Opens a case file inside the caller's write transaction (e.g. together with the
/// complaint it comes from).
pub async fn create_in(
    tx: &mut Tx<'_>,
    state: &AppState,
    actor: &CurrentUser,
    input: NewCase,
) -> ServiceResult<CaseRow> {
    actor.require(Action::OpenCase)?;
    if !actor.sees(&input.org_unit_id) {
        return Err(ServiceError::Forbidden);
    }
    let name = input.party.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ServiceError::invalid_field(
            "invalid_party",
            "party.name",
            "当事人姓名或名称不能为空，且不超过200个字",
        ));
    }
    let today = state.clock.today();
    if input.act_date > today {
        return Err(ServiceError::invalid_field(
            "invalid_act_date",
            "act_date",
            "违法行为发生日期不能晚于今天",
        ));
    }
    // 行政处罚法第三十条: the date of birth tells a party aged 14 to 18 at the act.
    if let Some(birth) = input.party.birth_date {
        let problem = if input.party.kind != PartyKind::Individual {
            Some("出生日期只适用于公民，单位当事人不填写")
        } else if birth > input.act_date {
            Some("当事人出生日期不能晚于违法行为发生日期")
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(ServiceError::invalid_field(
                "invalid_party",
                "party.birth_date",
                problem,
            ));
        }
    }
    if let Some(code) = &input.violation
        && catalogue::load(&mut *tx).await?.get(code).is_none()
    {
        return Err(ServiceError::invalid_field(
            "unknown_violation",
            "violation",
            format!("违法行为目录中没有编码“{code}”"),
        ));
    }
    let prefix = format!(
        "{}〔{}〕",
        state.settings.rules_case_prefix(),
        today.format("%Y")
    );
    let n = case_repo::count_in_year(&mut *tx, &prefix).await? + 1;
    let now = state.clock.now();
    let row = CaseRow {
        id: new_id(),
        case_no: format!("{prefix}{n}号"),
        org_unit_id: input.org_unit_id,
        party_kind: match input.party.kind {
            PartyKind::Individual => "individual".into(),
            PartyKind::Organisation => "organisation".into(),
        },
        party_name: name.to_string(),
        party_minor_under_14: i64::from(input.party.minor_under_14),
        party_birth_date: input.party.birth_date.map(|d| d.to_string()),
        procedure: match input.procedure {
            Procedure::Ordinary => "ordinary".into(),
            Procedure::Summary => "summary".into(),
        },
        act_date: input.act_date.to_string(),
        violation_code: input.violation,
        serious_harm: i64::from(input.serious_harm),
        major: i64::from(input.major),
        stage: "lead".into(),
        open: 1,
        version: 1,
        created_by: actor.id.clone(),
        created_at: to_db_time(now),
        updated_at: to_db_time(now),
        next_due: None,
        next_due_rule: None,
    };
    case_repo::insert(&mut *tx, &row).await?;
    if let Some(address) = input
        .party_address
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        if address.chars().count() > 200 {
            return Err(ServiceError::invalid_field(
                "invalid_party_address",
                "party_address",
                "当事人地址不超过200个字",
            ));
        }
        case_repo::set_party_address(&mut *tx, &row.id, address).await?;
    }
    let catalogue = catalogue::load(&mut *tx).await?;
    refresh_list_columns(&mut *tx, &row, &[], &CheckReport::default(), &catalogue).await?;
    // The party's name and address go into the chain as salted digests only.
    let salt = Salt::new()?;
    insert_salts(&mut *tx, "case", &[(row.id.as_str(), &salt)]).await?;
    let mut content = serde_json::to_value(&row).map_err(anyhow::Error::from)?;
    if let Some(map) = content.as_object_mut() {
        map.remove("party_name");
        map.insert(
            "personal".into(),
            salt.digests(&[
                ("party_name", Some(row.party_name.as_str())),
                (
                    "party_address",
                    input.party_address.as_deref().map(str::trim),
                ),
            ]),
        );
    }
    append(
        &mut *tx,
        &Actor(actor.id.clone()),
        now,
        AuditEvent {
            action: "case.create",
            entity: "case",
            entity_id: &row.id,
            content,
        },
    )
    .await?;
    Ok(row)
}

pub async fn list(
    state: &AppState,
    actor: &CurrentUser,
    open_only: bool,
    limit: i64,
    offset: i64,
) -> ServiceResult<Vec<CaseRow>> {
    actor.require(Action::ViewCases)?;
    let mut conn = state.db.pool.acquire().await?;
    let rows = case_repo::list(
        &mut conn,
        &actor.scope,
        open_only,
        limit.clamp(1, 500),
        offset.max(0),
    )
    .await?;
    Ok(rows.into_iter().filter(|c| can_see(actor, c)).collect())
}

/// One page of the case list: the cases in the user's scope matching `filter`, newest first,
/// and how many match in all.
pub async fn search(
    state: &AppState,
    actor: &CurrentUser,
    filter: &case_repo::CaseFilter,
    limit: i64,
    offset: i64,
) -> ServiceResult<(Vec<CaseRow>, i64)> {
    actor.require(Action::ViewCases)?;
    let mut conn = state.db.pool.acquire().await?;
    if filter.state.as_deref() == Some(AWAITING_REVIEW) {
        // The same set as the legal office's queue: the engine decides, not a SQL guess.
        let ids = review_queue_in(&mut conn, state, actor)
            .await?
            .into_iter()
            .map(|r| r.case_id)
            .collect();
        let filter = case_repo::CaseFilter {
            state: Some("open".into()),
            ids: Some(ids),
            ..filter.clone()
        };
        return Ok(case_repo::search(&mut conn, &actor.scope, &filter, limit, offset).await?);
    }
    Ok(case_repo::search(&mut conn, &actor.scope, filter, limit, offset).await?)
}

/// The case-list filter value for cases waiting for 法制审核.
pub const AWAITING_REVIEW: &str = "awaiting_review";

/// The rule that makes 法制审核 required before a decision (legal-rules.md B18).
const REVIEW_RULE: &str = "legal_review_before_decision";

/// A case waiting for 法制审核, as the legal office's queue lists it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReviewItem {
    pub case_id: String,
    pub case_no: String,
    pub party_name: String,
    /// 承办中队
    pub org_unit_id: String,
    pub org_unit_name: String,
    /// 重大执法决定
    pub major: bool,
    /// The date of 立案.
    pub registered_on: String,
    /// The date of the case's latest recorded step.
    pub last_step_on: String,
    /// Why the review is required, in the engine's words.
    pub reason: String,
    /// The deadline the review must beat: the decision deadline (办案期限) when it is
    /// known, otherwise the case's earliest open legal deadline.
    #[schema(value_type = Option<Object>)]
    pub deadline: Option<fazhi_domain::Deadline>,
}

/// 法制审核 queue: open ordinary cases of the caller's scope that have been registered (立案)
/// and not yet decided, for which the rule engine would refuse a decision today for want of
/// a passed legal review (a major case, a hearing held, a penalty that gives a hearing
/// right, or an earlier review that failed). Oldest registration first.
pub async fn review_queue(state: &AppState, actor: &CurrentUser) -> ServiceResult<Vec<ReviewItem>> {
    actor.require(Action::ReviewQueue)?;
    let mut conn = state.db.pool.acquire().await?;
    review_queue_in(&mut conn, state, actor).await
}

async fn review_queue_in(
    conn: &mut AnyConnection,
    state: &AppState,
    actor: &CurrentUser,
) -> ServiceResult<Vec<ReviewItem>> {
    let catalogue = catalogue::load(&mut *conn).await?;
    let units = crate::repo::org_unit_repo::all(&mut *conn).await?;
    let today = state.clock.today();
    let calendar = state.calendar().await?;
    let rules = state.rules().await?;
    let mut out = Vec::new();
    for case in case_repo::review_candidates(&mut *conn, &actor.scope).await? {
        if !can_see(actor, &case) {
            continue;
        }
        let events = parse_events(&case_repo::events(&mut *conn, &case.id).await?)?;
        let Some(registered) = events
            .iter()
            .find(|e| e.event_type() == EventType::Register)
            .map(|e| e.on)
        else {
            continue;
        };
        let last_step = events.last().map_or(registered, |e| e.on);
        let Some(probe) = super::case_actions::probe(EventType::Decision, &events, today) else {
            continue;
        };
        let index = events.len();
        let mut with_probe = events.clone();
        with_probe.push(probe);
        let on = today.max(last_step);
        let probed = build_timeline(&mut *conn, &case, with_probe, on).await?;
        let Ok(report) = run_check(&probed, &calendar, &rules, &catalogue, today) else {
            continue;
        };
        let Some(reason) = report
            .violations_at(index)
            .find(|v| v.rule == REVIEW_RULE)
            // The engine speaks of the probed decision ("…，但…作出决定时未经法制审核"); the
            // queue gives only why the review is required.
            .map(|v| match v.message.split_once("，但") {
                Some((why, _)) => why.to_string(),
                None => v.message.clone(),
            })
        else {
            continue;
        };
        let timeline = build_timeline(&mut *conn, &case, events, today).await?;
        let deadlines = run_check(&timeline, &calendar, &rules, &catalogue, today)
            .map(|r| r.deadlines)
            .unwrap_or_default();
        let open = |d: &&fazhi_domain::Deadline| {
            matches!(
                d.status,
                DeadlineStatus::Pending | DeadlineStatus::NearDue | DeadlineStatus::Overdue
            )
        };
        let deadline = deadlines
            .iter()
            .filter(open)
            .find(|d| d.rule == "decision_deadline_90d")
            .or_else(|| deadlines.iter().filter(open).min_by_key(|d| d.due))
            .cloned();
        out.push(ReviewItem {
            org_unit_name: units
                .iter()
                .find(|u| u.id == case.org_unit_id)
                .map(|u| u.name.clone())
                .unwrap_or_default(),
            case_id: case.id,
            case_no: case.case_no,
            party_name: case.party_name,
            org_unit_id: case.org_unit_id,
            major: case.major == 1,
            registered_on: registered.to_string(),
            last_step_on: last_step.to_string(),
            reason,
            deadline,
        });
    }
    out.sort_by(|a, b| (&a.registered_on, &a.case_no).cmp(&(&b.registered_on, &b.case_no)));
    Ok(out)
}

/// A case as shown on its page or by `GET /cases/{id}`: [`get`], recorded in the audit trail
/// as a read of the party's details (who, which case, when).
pub async fn read(state: &AppState, actor: &CurrentUser, id: &str) -> ServiceResult<CaseView> {
    let view = get(state, actor, id).await?;
    super::audit::record_read(
        state,
        &actor.id,
        "case.read",
        ("case", id),
        serde_json::json!({"case_no": view.case_row.case_no}),
    )
    .await?;
    Ok(view)
}

pub async fn get(state: &AppState, actor: &CurrentUser, id: &str) -> ServiceResult<CaseView> {
    actor.require(Action::ViewCases)?;
    let mut conn = state.db.pool.acquire().await?;
    let case = case_repo::get(&mut conn, id)
        .await?
        .filter(|c| can_see(actor, c))
        .ok_or(ServiceError::NotFound { what: "案件" })?;
    let events = case_repo::events(&mut conn, id).await?;
    let parsed = parse_events(&events)?;
    let today = state.clock.today();
    let timeline = build_timeline(&mut conn, &case, parsed, today).await?;
    let catalogue = catalogue::load(&mut conn).await?;
    let calendar = state.calendar().await?;
    let rules = state.rules().await?;
    let check = run_check(&timeline, &calendar, &rules, &catalogue, today)?;
    let evidence = case_repo::evidence_of(&mut conn, id).await?;
    let complaint_ids = crate::repo::complaint_repo::complaints_of_case(&mut conn, id).await?;
    Ok(CaseView {
        complaint_ids,
        case_row: case,
        events: events
            .into_iter()
            .map(|e| RecordedEvent {
                seq: e.seq,
                event: serde_json::from_str(&e.event).unwrap_or(serde_json::Value::Null),
                recorded_by: e.recorded_by,
                recorded_at: e.recorded_at,
            })
            .collect(),
        check,
        evidence,
    })
}

/// Records one event if the law allows it today; otherwise names the rules it breaks.
pub async fn add_event(
    state: &AppState,
    actor: &CurrentUser,
    id: &str,
    input: NewEvent,
) -> ServiceResult<CaseView> {
    let mut tx = state.db.begin_write().await?;
    add_event_in(&mut tx, state, actor, id, input).await?;
    tx.commit().await?;
    get(state, actor, id).await
}

/// Records one event inside the caller's write transaction; see [`add_event`].
pub async fn add_event_in(
    tx: &mut Tx<'_>,
    state: &AppState,
    actor: &CurrentUser,
    id: &str,
    input: NewEvent,
) -> ServiceResult<()> {
    let event_type = input.event.event_type();
    actor.require(Action::RecordCaseEvent(event_type))?;
    let today = state.clock.today();
    let calendar = state.calendar().await?;
    let rules = state.rules().await?;
    if input.event.on > today {
        return Err(ServiceError::invalid_field(
            "event_in_future",
            "event.on",
            "事件日期不能晚于今天",
        ));
    }
    let case = case_repo::get(&mut *tx, id)
        .await?
        .filter(|c| can_see(actor, c))
        .ok_or(ServiceError::NotFound { what: "案件" })?;
    if case.version != input.expected_version {
        return Err(ServiceError::VersionConflict {
            current: case.version,
        });
    }
    if case.open == 0 && event_type != EventType::Archive {
        return Err(ServiceError::invalid(
            "case_closed",
            "案件已结案，不能再记录办案环节",
        ));
    }
    let rows = case_repo::events(&mut *tx, id).await?;
    let mut events = parse_events(&rows)?;
    let index = events.len();
    events.push(input.event.clone());
    let timeline = build_timeline(&mut *tx, &case, events, input.event.on).await?;
    let catalogue = catalogue::load(&mut *tx).await?;
    let report = run_check(&timeline, &calendar, &rules, &catalogue, today)?;
    let refused: Vec<_> = report.violations_at(index).cloned().collect();
    let only_late = !refused.is_empty()
        && refused.iter().all(|v| LATE_BUT_STILL_DUE.contains(&v.rule.as_str()))
        // A fax, e-mail or electronic service without consent is a service_deadline breach that is not lateness.
        && !matches!(&input.event.kind, fazhi_domain::timeline::EventKind::Service { method, consent: false, .. }
            if matches!(method, fazhi_domain::timeline::ServiceMethod::Fax | fazhi_domain::timeline::ServiceMethod::Email | fazhi_domain::timeline::ServiceMethod::Electronic));
    let acknowledged = match (&input.late_reason, only_late) {
        (_, _) if refused.is_empty() => None,
        (Some(reason), true) => {
            actor.require(Action::AcceptLateStep)?;
            let reason = reason.trim();
            if reason.chars().count() < 5 {
                return Err(ServiceError::invalid_field(
                    "late_reason_too_short",
                    "late_reason",
                    "超期说明至少5个字，须写明超期原因",
                ));
            }
            Some((reason.to_string(), refused))
        }
        _ => {
            return Err(ServiceError::RuleViolations {
                violations: refused,
                late_reason_accepted: only_late,
            });
        }
    };
    let now = state.clock.now();
    let stage = serde_json::to_value(report.stage)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| "lead".into());
    let open = !matches!(event_type, EventType::Close | EventType::Archive) && case.open == 1;
    if !case_repo::bump(&mut *tx, id, case.version, &stage, open, &to_db_time(now)).await? {
        return Err(ServiceError::VersionConflict {
            current: case.version + 1,
        });
    }
    refresh_list_columns(&mut *tx, &case, &timeline.events, &report, &catalogue).await?;
    let event_json = serde_json::to_string(&input.event).map_err(anyhow::Error::from)?;
    case_repo::insert_event(
        &mut *tx,
        id,
        &EventRow {
            seq: index as i64,
            on_date: input.event.on.to_string(),
            event_type: serde_json::to_value(event_type)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            event: event_json.clone(),
            recorded_by: actor.id.clone(),
            recorded_at: to_db_time(now),
        },
    )
    .await?;
    // An event's note (the facts as written by the officer) goes in as a digest only.
    let salt = personal_data::salt_of(&mut *tx, "case", id).await?;
    let event_value = personal_data::digest_texts(
        &salt,
        serde_json::from_str::<serde_json::Value>(&event_json).unwrap_or_default(),
        &["note"],
    );
    append(
        &mut *tx,
        &Actor(actor.id.clone()),
        now,
        AuditEvent {
            action: "case.event",
            entity: "case",
            entity_id: id,
            content: serde_json::json!({
                "seq": index,
                "version": case.version + 1,
                "event": event_value,
                "late_reason": acknowledged.as_ref().map(|(r, _)| r),
                "acknowledged_violations": acknowledged.as_ref().map(|(_, v)| v),
            }),
        },
    )
    .await?;
    Ok(())
}

/// Rewrites the case list's derived columns (migration 0007): the search text (case number,
/// party, address, violation, notes), the officers who acted and the earliest open deadline.
async fn refresh_list_columns(
    conn: &mut AnyConnection,
    case: &CaseRow,
    events: &[Event],
    report: &CheckReport,
    catalogue: &Catalogue,
) -> ServiceResult<()> {
    let address = crate::repo::document_repo::party_address(&mut *conn, &case.id).await?;
    let mut text = vec![case.case_no.clone(), case.party_name.clone()];
    text.extend(address);
    if let Some(code) = &case.violation_code {
        text.push(code.clone());
        if let Some(entry) = catalogue.get(code) {
            text.push(entry.name.clone());
        }
    }
    text.extend(events.iter().filter_map(|e| e.note.clone()));
    let mut officers: Vec<&str> = events
        .iter()
        .flat_map(|e| e.officers.iter().map(String::as_str))
        .collect();
    officers.sort_unstable();
    officers.dedup();
    let officer_ids = if officers.is_empty() {
        String::new()
    } else {
        format!("|{}|", officers.join("|"))
    };
    let next = report
        .deadlines
        .iter()
        .filter(|d| {
            matches!(
                d.status,
                DeadlineStatus::Pending | DeadlineStatus::NearDue | DeadlineStatus::Overdue
            )
        })
        .min_by_key(|d| d.due);
    let due = next.map(|d| d.due.to_string());
    let rule = next.map(|d| d.rule.to_string());
    case_repo::set_list_columns(
        conn,
        &case.id,
        &case_repo::ListColumns {
            search_text: &text.join(" "),
            officer_ids: &officer_ids,
            next_due: due.as_deref(),
            next_due_rule: rule.as_deref(),
        },
    )
    .await?;
    Ok(())
}

/// Stores an evidence file under the data directory by its SHA-256 and records it.
pub async fn add_evidence(
    state: &AppState,
    actor: &CurrentUser,
    id: &str,
    file_name: &str,
    content_type: &str,
    bytes: &[u8],
) -> ServiceResult<EvidenceRow> {
    actor.require(Action::UploadEvidence)?;
    if bytes.is_empty() {
        return Err(ServiceError::invalid_field(
            "empty_file",
            "file",
            "证据文件为空",
        ));
    }
    // A file that calls itself an image (by its bytes or its declared type) must decode as
    // one; its original bytes are kept (see `service::upload`). Other evidence (PDF, audio,
    // video) is stored as it is.
    let mut content_type = content_type.to_string();
    if super::upload::looks_like_image(bytes) || content_type.starts_with("image/") {
        let copy = bytes.to_vec();
        let info = super::upload::off_thread(move || {
            super::upload::check_image(&copy, super::upload::MAX_EVIDENCE_BYTES)
        })
        .await?
        .map_err(|p| p.into_error("file", &format!("证据文件“{file_name}”")))?;
        content_type = info.media_type.to_string();
    }
    let content_type = content_type.as_str();
    // The caller's right to the case is checked before any byte is stored.
    {
        let mut conn = state.db.pool.acquire().await?;
        case_repo::get(&mut conn, id)
            .await?
            .filter(|c| can_see(actor, c))
            .ok_or(ServiceError::NotFound { what: "案件" })?;
    }
    let sha = state
        .blobs()
        .put(Shelf::Evidence, None, bytes)
        .await
        .map_err(anyhow::Error::from)?;
    let mut tx = state.db.begin_write().await?;
    let case = case_repo::get(&mut tx, id)
        .await?
        .filter(|c| can_see(actor, c))
        .ok_or(ServiceError::NotFound { what: "案件" })?;
    let now = state.clock.now();
    let row = EvidenceRow {
        id: new_id(),
        case_id: case.id,
        file_name: file_name.chars().take(200).collect(),
        content_type: content_type.chars().take(100).collect(),
        size_bytes: bytes.len() as i64,
        sha256: sha,
        uploaded_by: actor.id.clone(),
        uploaded_at: to_db_time(now),
    };
    case_repo::insert_evidence(&mut tx, &row).await?;
    // A file name may carry a person's name: digest only.
    let salt = personal_data::salt_of(&mut tx, "case", id).await?;
    let evidence_content = personal_data::digest_texts(
        &salt,
        serde_json::to_value(&row).map_err(anyhow::Error::from)?,
        &["file_name"],
    );
    append(
        &mut tx,
        &Actor(actor.id.clone()),
        now,
        AuditEvent {
            action: "case.evidence",
            entity: "case",
            entity_id: id,
            content: evidence_content,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// Every open case in the caller's scope with its deadlines as of today.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CaseDeadlines {
    pub case_id: String,
    pub case_no: String,
    pub party_name: String,
    #[schema(value_type = Vec<Object>)]
    pub deadlines: Vec<fazhi_domain::Deadline>,
}

pub async fn deadlines(state: &AppState, actor: &CurrentUser) -> ServiceResult<Vec<CaseDeadlines>> {
    let calendar = state.calendar().await?;
    deadlines_on(state, actor, &calendar).await
}

/// [`deadlines`] counted on `calendar` (loading a year compares two calendars).
pub async fn deadlines_on(
    state: &AppState,
    actor: &CurrentUser,
    calendar: &fazhi_calendar::Calendar,
) -> ServiceResult<Vec<CaseDeadlines>> {
    actor.require(Action::ViewCases)?;
    let rules = state.rules().await?;
    let mut conn = state.db.pool.acquire().await?;
    let catalogue = catalogue::load(&mut conn).await?;
    let today = state.clock.today();
    let mut out = Vec::new();
    for case in case_repo::list(&mut conn, &actor.scope, true, 10_000, 0).await? {
        if !can_see(actor, &case) {
            continue;
        }
        let events = parse_events(&case_repo::events(&mut conn, &case.id).await?)?;
        let timeline = build_timeline(&mut conn, &case, events, today).await?;
        let report = run_check(&timeline, calendar, &rules, &catalogue, today)?;
        out.push(CaseDeadlines {
            case_id: case.id,
            case_no: case.case_no,
            party_name: case.party_name,
            deadlines: report.deadlines,
        });
    }
    Ok(out)
}

pub(crate) fn parse_events(rows: &[EventRow]) -> ServiceResult<Vec<Event>> {
    rows.iter()
        .map(|r| {
            serde_json::from_str::<Event>(&r.event).map_err(|e| {
                ServiceError::Internal(anyhow::anyhow!("stored event {} unreadable: {e}", r.seq))
            })
        })
        .collect()
}

/// The case as a timeline: officers referenced by its events, each with the certificate
/// that covers `on` (else their latest one), from the officer register.
pub(crate) async fn build_timeline(
    conn: &mut AnyConnection,
    case: &CaseRow,
    events: Vec<Event>,
    on: NaiveDate,
) -> ServiceResult<Timeline> {
    let mut ids: Vec<&str> = Vec::new();
    for id in events.iter().flat_map(Event::referenced_officers) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let mut officers = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(officer) = officer_repo::get(conn, id).await? else {
            return Err(ServiceError::invalid_field(
                "unknown_officer",
                "event.officers",
                format!("执法人员“{id}”不存在"),
            ));
        };
        let certificate = if officer.employment == "staff" {
            let certs = officer_repo::certificates_of(conn, id).await?;
            let covering = certs.iter().find(|c| {
                c.valid_from.as_str() <= on.to_string().as_str()
                    && on.to_string().as_str() <= c.valid_until.as_str()
            });
            covering.or(certs.last()).map(to_certificate).transpose()?
        } else {
            None
        };
        officers.push(Officer {
            id: officer.id,
            certificate,
        });
    }
    Ok(Timeline {
        party: Party {
            kind: if case.party_kind == "organisation" {
                PartyKind::Organisation
            } else {
                PartyKind::Individual
            },
            name: case.party_name.clone(),
            minor_under_14: case.party_minor_under_14 == 1,
            birth_date: case
                .party_birth_date
                .as_deref()
                .map(parse_date)
                .transpose()?,
        },
        procedure: if case.procedure == "summary" {
            Procedure::Summary
        } else {
            Procedure::Ordinary
        },
        act_date: parse_date(&case.act_date)?,
        violation: case.violation_code.clone(),
        serious_harm: case.serious_harm == 1,
        major: case.major == 1,
        officers,
        events,
        record: stored_record(conn, &case.id).await?,
    })
}

/// The case record as stored, when one was ever saved (a case kept on paper has none, and its
/// steps are not judged on it; see `fazhi_domain::record`).
async fn stored_record(
    conn: &mut AnyConnection,
    case_id: &str,
) -> ServiceResult<Option<fazhi_domain::record::CaseRecord>> {
    crate::repo::case_record_repo::get(conn, case_id)
        .await?
        .map(|json| {
            serde_json::from_str(&json).map_err(|e| {
                ServiceError::Internal(anyhow::anyhow!("stored case record unreadable: {e}"))
            })
        })
        .transpose()
}

fn parse_date(s: &str) -> ServiceResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("stored date {s}: {e}")))
}

fn to_certificate(c: &officer_repo::CertificateRow) -> ServiceResult<Certificate> {
    Ok(Certificate {
        no: c.cert_no.clone(),
        valid_from: parse_date(&c.valid_from)?,
        valid_until: parse_date(&c.valid_until)?,
        suspended_from: c.suspended_from.as_deref().map(parse_date).transpose()?,
        suspended_until: c.suspended_until.as_deref().map(parse_date).transpose()?,
    })
}

/// Runs the engine; an input the engine cannot judge (bad order, a date outside the calendar)
/// is the caller's error, with the engine's code and Chinese message.
pub fn run_check(
    timeline: &Timeline,
    calendar: &fazhi_calendar::Calendar,
    rules: &RulesConfig,
    catalogue: &fazhi_domain::catalogue::Catalogue,
    today: NaiveDate,
) -> ServiceResult<CheckReport> {
    let ctx = CheckContext {
        calendar,
        rules,
        catalogue: Some(catalogue),
        today,
    };
    check_timeline(timeline, &ctx).map_err(|e| ServiceError::invalid(e.code(), e.to_string()))
}
