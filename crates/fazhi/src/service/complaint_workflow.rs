//! Complaints, second slice: the internal closed loop (legal-rules.md I2 `hotline_closed_loop`,
//! I9 `digital_cm_workflow`).
//!
//! 受理 (`received`) → 派单 (`dispatched`) → 办理 (`handling`) → 答复 (`replied`) → 核查
//! (`verified`) → 办结 (`closed`) → 回访 (`followed_up`) → 评价 (`rated`); a citizen may reopen
//! (`reopened`) within `Settings::complaint_reopen_window_days`. 督办 (supervision) is not a
//! state of its own: it is a record with an escalation level laid on an open complaint, so a
//! ticket under supervision keeps its real state. Every transition is a method of [`Stage`]
//! returning `Result`; every write checks the caller's role and scope, the optimistic
//! `version` (409) and appends the audit entry in the same transaction.
//!
//! `complaints.state` (migration 0002) stays the coarse state Open311 shows (`open`/`closed`);
//! `complaints.stage` (0003) is the real one and is named in `status_notes`.
//!
//! Time-limit clock (`expected_at`): it runs from receipt and is **not** restarted by a
//! dispatch or a re-route (the citizen's promise does not grow because we routed internally);
//! a re-categorisation recomputes it from the time of receipt under the new category's limit;
//! a reopening starts a new period from the moment of reopening.
//!
//! Personal data: partner users get the reporter's name, phone and e-mail masked and numbers
//! in the description masked (I7 `reporter_confidentiality`); audit entries of the workflow do
//! not carry personal data at all.

use super::audit::{Actor, AuditEvent, append};
use super::auth::{CurrentUser, Role};
use super::case::{self, NewCase, NewEvent};
use super::complaint::{
    self, Channel, MediaUpload, NewComplaint, china, expected_at, mask_email, mask_name,
    mask_numbers_in_text, mask_phone, store_file,
};
use super::permissions::Action;
use super::personal_data;
use super::statistics::{Record, rate_of};
use super::{AppState, ServiceError, ServiceResult, new_id, upload};
use crate::infra::clock::to_db_time;
use crate::infra::db::Tx;
use crate::repo::complaint_repo::{self, ComplaintRow, NoteRow, PhotoRow, SupervisionRow};
use crate::repo::{case_repo, org_unit_repo};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use fazhi_domain::timeline::{Party, Procedure};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use std::collections::BTreeMap;

// ---- states and transitions: the domain's (fazhi_domain::complaint) ----------------------

pub use fazhi_domain::complaint::{FinalState, RuleId as ComplaintRule, Stage, Step, Tag721};

/// The Open311 `status_notes` from the real stage, when the stored coarse state agrees with
/// it (otherwise the coarse state's note is used), with the final state once closed.
pub fn public_stage_note(row: &ComplaintRow) -> Option<String> {
    let stage = Stage::parse(&row.stage)?;
    if stage.db_state() != row.state {
        return None;
    }
    let final_state = row.final_state.as_deref().and_then(FinalState::parse);
    Some(match (stage.is_open(), final_state) {
        (false, Some(f)) => format!("{}（{}）", stage.label(), f.label()),
        _ => stage.label().to_string(),
    })
}

// ---- roles and scope ---------------------------------------------------------------------

/// Whether the caller may see this complaint: the posts that see every complaint (指挥中心,
/// administrators) see it; the other posts that work with complaints (leaders, officers,
/// partner users) only when it is routed to a unit in their scope; the rest (法制审核员, 窗口,
/// 调解员) none, and are refused the lists instead of being shown empty ones.
pub(crate) fn can_see(actor: &CurrentUser, row: &ComplaintRow) -> bool {
    if actor.may(Action::SeeEveryComplaint) {
        return true;
    }
    actor.may(Action::ViewComplaints) && row.org_unit_id.as_deref().is_some_and(|u| actor.sees(u))
}

/// By internal id or by `service_request_id`; 404 when not visible.
async fn find(
    conn: &mut AnyConnection,
    actor: &CurrentUser,
    id: &str,
) -> ServiceResult<ComplaintRow> {
    let row = match complaint_repo::by_id(conn, id).await? {
        Some(r) => Some(r),
        None => complaint_repo::by_request_id(conn, id).await?,
    };
    row.filter(|r| can_see(actor, r))
        .ok_or(ServiceError::NotFound { what: "诉求" })
}

fn stage_of(row: &ComplaintRow) -> ServiceResult<Stage> {
    Stage::parse(&row.stage).ok_or_else(|| {
        ServiceError::Internal(anyhow::anyhow!("stored stage {} unknown", row.stage))
    })
}

fn required_text(field: &str, value: &str, min: usize, what: &str) -> ServiceResult<String> {
    let v = value.trim();
    let n = v.chars().count();
    if n < min || n > 2000 {
        return Err(ServiceError::invalid_field(
            "reason_required",
            field,
            format!("{what}须写明，至少{min}个字，不超过2000字"),
        ));
    }
    Ok(v.to_string())
}

// ---- views -------------------------------------------------------------------------------

/// The reporter as the caller may see them (masked for partner users).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Reporter {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub anonymous: bool,
    pub masked: bool,
}

/// One history entry.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NoteView {
    pub seq: i64,
    pub at: String,
    pub note_type: String,
    pub summary: String,
    pub description: Option<String>,
    pub public: bool,
}

/// A penalty case this complaint became the lead of, with its public stage.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LinkedCase {
    pub case_id: String,
    pub case_no: String,
    pub stage: String,
    pub open: bool,
}

/// A complaint as staff see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ComplaintView {
    pub id: String,
    pub service_request_id: String,
    pub service_code: String,
    pub category_name: String,
    pub channel: String,
    pub stage: Stage,
    pub stage_label: String,
    /// Open311 `open` / `closed`.
    pub status: String,
    pub org_unit_id: Option<String>,
    pub agency_responsible: Option<String>,
    pub description: Option<String>,
    pub address_string: Option<String>,
    pub lat: Option<String>,
    pub long: Option<String>,
    pub reporter: Reporter,
    #[schema(value_type = Object)]
    pub attributes: serde_json::Value,
    pub requested_at: String,
    pub updated_at: String,
    pub expected_at: Option<String>,
    pub overdue: bool,
    pub dispatched_at: Option<String>,
    pub first_replied_at: Option<String>,
    pub reply: Option<String>,
    pub closed_at: Option<String>,
    pub final_state: Option<String>,
    pub final_reason: Option<String>,
    pub routed_to: Option<String>,
    pub duplicate_of: Option<String>,
    pub tag_721: Option<String>,
    pub followed_up_at: Option<String>,
    pub rating: Option<String>,
    pub rating_score: Option<i64>,
    pub rated_at: Option<String>,
    pub reopen_count: i64,
    pub supervision_level: i64,
    pub version: i64,
    pub notes: Vec<NoteView>,
    pub supervisions: Vec<SupervisionRow>,
    pub photos: Vec<PhotoRow>,
    pub cases: Vec<LinkedCase>,
    /// Ids of complaints merged into this one as duplicates.
    pub merged: Vec<String>,
}

/// One line of a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ComplaintSummary {
    pub id: String,
    pub service_request_id: String,
    pub service_code: String,
    pub stage: String,
    pub org_unit_id: Option<String>,
    pub requested_at: String,
    pub expected_at: Option<String>,
    pub overdue: bool,
    pub supervision_level: i64,
    pub version: i64,
}

fn is_overdue(row: &ComplaintRow, now: &str) -> bool {
    Stage::parse(&row.stage).is_some_and(Stage::is_unanswered)
        && row.expected_at.as_deref().is_some_and(|e| e < now)
}

fn summary(row: &ComplaintRow, now: &str) -> ComplaintSummary {
    ComplaintSummary {
        id: row.id.clone(),
        service_request_id: row.service_request_id.clone(),
        service_code: row.service_code.clone(),
        stage: row.stage.clone(),
        org_unit_id: row.org_unit_id.clone(),
        requested_at: row.requested_at.clone(),
        expected_at: row.expected_at.clone(),
        overdue: is_overdue(row, now),
        supervision_level: row.supervision_level,
        version: row.version,
    }
}

async fn view(
    state: &AppState,
    actor: &CurrentUser,
    row: ComplaintRow,
) -> ServiceResult<ComplaintView> {
    let categories = complaint::categories(state).await?;
    let mut conn = state.db.pool.acquire().await?;
    let notes = complaint_repo::notes_of(&mut conn, &row.id).await?;
    let supervisions = complaint_repo::supervisions_of(&mut conn, &row.id).await?;
    let photos = complaint_repo::photos_of(&mut conn, &row.id).await?;
    let mut cases = Vec::new();
    for case_id in complaint_repo::cases_of_complaint(&mut conn, &row.id).await? {
        if let Some(c) = case_repo::get(&mut conn, &case_id).await? {
            cases.push(LinkedCase {
                case_id: c.id,
                case_no: c.case_no,
                stage: c.stage,
                open: c.open == 1,
            });
        }
    }
    let merged = complaint_repo::merged_into(&mut conn, &row.id)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    let mask = actor.role == Role::Partner;
    let name = [
        row.reporter_last_name.as_deref(),
        row.reporter_first_name.as_deref(),
    ];
    let reporter = Reporter {
        anonymous: row.reporter_phone.is_none() && row.reporter_email.is_none(),
        name: if mask {
            mask_name(&name)
        } else {
            let full: String = name.iter().flatten().copied().collect();
            Some(full).filter(|s| !s.is_empty())
        },
        phone: row
            .reporter_phone
            .as_deref()
            .map(|p| if mask { mask_phone(p) } else { p.to_string() }),
        email: row
            .reporter_email
            .as_deref()
            .map(|e| if mask { mask_email(e) } else { e.to_string() }),
        masked: mask,
    };
    let stage = stage_of(&row)?;
    let now = to_db_time(state.clock.now());
    Ok(ComplaintView {
        overdue: is_overdue(&row, &now),
        category_name: categories
            .iter()
            .find(|c| c.code == row.service_code)
            .map_or_else(|| row.service_code.clone(), |c| c.name.clone()),
        stage,
        stage_label: stage.label().to_string(),
        status: if stage.is_open() { "open" } else { "closed" }.to_string(),
        description: row.description.map(|d| masked_if(mask, d)),
        attributes: {
            let mut a: serde_json::Value =
                serde_json::from_str(&row.attributes).unwrap_or(serde_json::Value::Null);
            if mask {
                mask_json_strings(&mut a);
            }
            a
        },
        notes: notes
            .into_iter()
            .map(|n| NoteView {
                seq: n.seq,
                at: n.at,
                note_type: n.note_type,
                summary: masked_if(mask, n.summary),
                description: n.description.map(|d| masked_if(mask, d)),
                public: n.public == 1,
            })
            .collect(),
        supervisions,
        photos,
        cases,
        merged,
        reporter,
        id: row.id,
        service_request_id: row.service_request_id,
        service_code: row.service_code,
        channel: row.channel,
        org_unit_id: row.org_unit_id,
        agency_responsible: row.agency_responsible,
        address_string: row.address_string.map(|t| masked_if(mask, t)),
        lat: row.lat,
        long: row.lon,
        requested_at: row.requested_at,
        updated_at: row.updated_at,
        expected_at: row.expected_at,
        dispatched_at: row.dispatched_at,
        first_replied_at: row.first_replied_at,
        reply: row.reply.map(|t| masked_if(mask, t)),
        closed_at: row.closed_at,
        final_state: row.final_state,
        final_reason: row.final_reason.map(|t| masked_if(mask, t)),
        routed_to: row.routed_to,
        duplicate_of: row.duplicate_of,
        tag_721: row.tag_721,
        followed_up_at: row.followed_up_at,
        rating: row.rating,
        rating_score: row.rating_score,
        rated_at: row.rated_at,
        reopen_count: row.reopen_count,
        supervision_level: row.supervision_level,
        version: row.version,
    })
}

/// `text` with personal numbers and e-mail addresses masked when `mask` is set (partners).
fn masked_if(mask: bool, text: String) -> String {
    if mask {
        mask_numbers_in_text(&text)
    } else {
        text
    }
}

fn mask_json_strings(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => *s = mask_numbers_in_text(s),
        serde_json::Value::Array(items) => items.iter_mut().for_each(mask_json_strings),
        serde_json::Value::Object(map) => map.values_mut().for_each(mask_json_strings),
        _ => {}
    }
}

/// One complaint record as shown to `actor`, recorded in the audit trail as a read of
/// personal data (who, which complaint, masked or not): the API's and the back office's
/// record view. Other callers (answers to writes) use [`get`].
pub async fn read(state: &AppState, actor: &CurrentUser, id: &str) -> ServiceResult<ComplaintView> {
    let view = get(state, actor, id).await?;
    super::audit::record_read(
        state,
        &actor.id,
        "complaint.read",
        ("complaint", &view.id),
        serde_json::json!({"masked": view.reporter.masked}),
    )
    .await?;
    Ok(view)
}

/// One complaint with its history (404 when not visible to the caller).
pub async fn get(state: &AppState, actor: &CurrentUser, id: &str) -> ServiceResult<ComplaintView> {
    let mut conn = state.db.pool.acquire().await?;
    let row = find(&mut conn, actor, id).await?;
    drop(conn);
    view(state, actor, row).await
}

/// Whether a complaint with this id or service request number is stored at all, whatever the
/// caller may see: the back office answers 403 rather than 404 for a record that exists but
/// is outside the caller's scope (issue 4); the JSON API keeps answering 404.
pub async fn exists(state: &AppState, id: &str) -> ServiceResult<bool> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(complaint_repo::by_id(&mut conn, id).await?.is_some()
        || complaint_repo::by_request_id(&mut conn, id)
            .await?
            .is_some())
}

/// A verification photo of a complaint the actor may see: its media type and bytes
/// (photos are staff evidence, never public). `NotFound` for a photo of another complaint
/// or a missing file.
pub async fn photo_file(
    state: &AppState,
    actor: &CurrentUser,
    id: &str,
    photo_id: &str,
) -> ServiceResult<(String, Vec<u8>)> {
    let complaint = get(state, actor, id).await?;
    let photo = complaint
        .photos
        .into_iter()
        .find(|p| p.id == photo_id && crate::infra::blob_store::is_key(&p.sha256))
        .ok_or(ServiceError::NotFound { what: "照片" })?;
    let bytes = state
        .blobs()
        .get(crate::infra::blob_store::BlobKey::evidence(&photo.sha256))
        .await
        .map_err(anyhow::Error::from)?
        .ok_or(ServiceError::NotFound { what: "照片" })?;
    Ok((photo.content_type, bytes))
}

/// The complaints the caller may see, newest first; `open_only` leaves out closed ones.
pub async fn list(
    state: &AppState,
    actor: &CurrentUser,
    open_only: bool,
    limit: i64,
) -> ServiceResult<Vec<ComplaintSummary>> {
    actor.require(Action::ViewComplaints)?;
    let mut conn = state.db.pool.acquire().await?;
    let now = to_db_time(state.clock.now());
    let rows = complaint_repo::list(&mut conn, open_only, None, None, 5000).await?;
    Ok(rows
        .iter()
        .filter(|r| can_see(actor, r))
        .take(limit.clamp(1, 1000) as usize)
        .map(|r| summary(r, &now))
        .collect())
}

// ---- writing -----------------------------------------------------------------------------

struct Note {
    note_type: &'static str,
    summary: String,
    description: Option<String>,
    public: bool,
}

fn note(
    note_type: &'static str,
    summary: impl Into<String>,
    description: Option<String>,
    public: bool,
) -> Note {
    Note {
        note_type,
        summary: summary.into(),
        description,
        public,
    }
}

async fn add_notes(
    conn: &mut AnyConnection,
    complaint_id: &str,
    at: &str,
    actor: &str,
    notes: &[Note],
) -> ServiceResult<()> {
    for n in notes {
        let seq = complaint_repo::next_note_seq(conn, complaint_id).await?;
        complaint_repo::insert_note(
            conn,
            &NoteRow {
                complaint_id: complaint_id.to_string(),
                seq,
                at: at.to_string(),
                note_type: n.note_type.to_string(),
                summary: n.summary.clone(),
                description: n.description.clone(),
                actor: actor.to_string(),
                public: i64::from(n.public),
            },
        )
        .await?;
    }
    Ok(())
}

/// Stores `row` (moved to `stage`) if its version is unchanged, its notes and the audit entry.
async fn save(
    conn: &mut Tx<'_>,
    actor: &str,
    now: DateTime<Utc>,
    mut row: ComplaintRow,
    stage: Stage,
    notes: &[Note],
    (action, content): (&'static str, serde_json::Value),
) -> ServiceResult<()> {
    row.stage = stage.as_str().to_string();
    row.state = stage.db_state().to_string();
    row.updated_at = to_db_time(now);
    if !complaint_repo::update_workflow(conn, &row).await? {
        return Err(ServiceError::VersionConflict {
            current: row.version + 1,
        });
    }
    add_notes(conn, &row.id, &row.updated_at, actor, notes).await?;
    // Free texts (what citizens and staff wrote) go into the chain as digests only.
    let salt = personal_data::salt_of(conn, "complaint", &row.id).await?;
    let content =
        personal_data::digest_texts(&salt, content, &["text", "note", "reason", "comment"]);
    append(
        conn,
        &Actor(actor.to_string()),
        now,
        AuditEvent {
            action,
            entity: "complaint",
            entity_id: &row.id,
            content: serde_json::json!({
                "service_request_id": row.service_request_id,
                "version": row.version + 1,
                "stage": row.stage,
                "detail": content,
            }),
        },
    )
    .await?;
    Ok(())
}

/// Opens the write transaction and loads the complaint at `expected_version`.
async fn open_for_write(
    state: &AppState,
    actor: &CurrentUser,
    id: &str,
    expected_version: i64,
) -> ServiceResult<(Tx<'static>, ComplaintRow)> {
    let mut tx = state.db.begin_write().await?;
    let row = find(&mut tx, actor, id).await?;
    if row.version != expected_version {
        return Err(ServiceError::VersionConflict {
            current: row.version,
        });
    }
    Ok((tx, row))
}

async fn finish(
    state: &AppState,
    actor: &CurrentUser,
    tx: Tx<'_>,
    id: &str,
) -> ServiceResult<ComplaintView> {
    tx.commit().await?;
    get(state, actor, id).await
}

/// Tells every complaint merged into `master` what happened to it (I7: feed back to every
/// reporter).
async fn inform_merged(
    conn: &mut AnyConnection,
    master: &ComplaintRow,
    at: &str,
    actor: &str,
    summary: &str,
) -> ServiceResult<()> {
    for dup in complaint_repo::merged_into(conn, &master.id).await? {
        add_notes(
            conn,
            &dup.id,
            at,
            actor,
            &[note(
                "merged_update",
                format!("合并办理的诉求 {}：{summary}", master.service_request_id),
                None,
                true,
            )],
        )
        .await?;
    }
    Ok(())
}

// ---- intake ------------------------------------------------------------------------------

/// A complaint a dispatcher logs from a phone call (channel `phone`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhoneIntake {
    pub service_code: String,
    pub description: Option<String>,
    pub address_string: Option<String>,
    pub lat: Option<f64>,
    pub long: Option<f64>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// Leave out phone and e-mail for an anonymous report (only where the category allows).
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Answers to the category's questions: code → value or list of values.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub attributes: BTreeMap<String, serde_json::Value>,
}

/// A possible duplicate: same category, close by, filed within the window.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DuplicateCandidate {
    pub id: String,
    pub service_request_id: String,
    pub stage: String,
    pub requested_at: String,
    pub distance_m: f64,
}

/// What an intake answers: the complaint, the tracking token to read out to the caller,
/// and suggested duplicates.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IntakeResult {
    pub complaint: ComplaintView,
    pub token: String,
    pub duplicates: Vec<DuplicateCandidate>,
}

pub async fn intake(
    state: &AppState,
    actor: &CurrentUser,
    input: PhoneIntake,
) -> ServiceResult<IntakeResult> {
    actor.require(Action::ComplaintIntake)?;
    let attributes = input
        .attributes
        .into_iter()
        .map(|(k, v)| {
            let values = match v {
                serde_json::Value::Array(items) => items
                    .into_iter()
                    .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                    .collect(),
                serde_json::Value::String(s) => vec![s],
                other => vec![other.to_string()],
            };
            (k, values)
        })
        .collect();
    let created = complaint::create(
        state,
        Channel::Phone,
        None,
        &Actor(actor.id.clone()),
        NewComplaint {
            service_code: input.service_code,
            description: input.description,
            lat: input.lat.map(|v| v.to_string()),
            long: input.long.map(|v| v.to_string()),
            address_string: input.address_string,
            first_name: input.first_name,
            last_name: input.last_name,
            phone: input.phone,
            email: input.email,
            attributes,
            media: Vec::<MediaUpload>::new(),
            ..NewComplaint::default()
        },
    )
    .await?;
    let mut conn = state.db.pool.acquire().await?;
    let row = find(&mut conn, actor, &created.service_request_id).await?;
    let duplicates = duplicate_candidates(state, &mut conn, &row).await?;
    drop(conn);
    Ok(IntakeResult {
        complaint: view(state, actor, row).await?,
        token: created.token,
        duplicates,
    })
}

// ---- duplicates --------------------------------------------------------------------------

/// Great-circle distance in metres (haversine, mean Earth radius).
pub fn haversine_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let r = 6_371_008.8;
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * r * a.sqrt().atan2((1.0 - a).sqrt())
}

fn coords(row: &ComplaintRow) -> Option<(f64, f64)> {
    Some((
        row.lat.as_deref()?.parse().ok()?,
        row.lon.as_deref()?.parse().ok()?,
    ))
}

async fn duplicate_candidates(
    state: &AppState,
    conn: &mut AnyConnection,
    row: &ComplaintRow,
) -> ServiceResult<Vec<DuplicateCandidate>> {
    let Some((lat, lon)) = coords(row) else {
        return Ok(Vec::new());
    };
    let requested = DateTime::parse_from_rfc3339(&row.requested_at)
        .map_err(anyhow::Error::from)?
        .with_timezone(&Utc);
    let window = Duration::days(state.settings.complaint_duplicate_window_days);
    let until = to_db_time(requested + window);
    let candidates = complaint_repo::same_category_since(
        conn,
        &row.service_code,
        &to_db_time(requested - window),
    )
    .await?;
    let mut out: Vec<DuplicateCandidate> = candidates
        .into_iter()
        .filter(|c| c.id != row.id && c.duplicate_of.is_none() && c.requested_at <= until)
        .filter_map(|c| {
            let (la, lo) = coords(&c)?;
            let d = haversine_m(lat, lon, la, lo);
            (d <= state.settings.complaint_duplicate_radius_m).then(|| DuplicateCandidate {
                id: c.id,
                service_request_id: c.service_request_id,
                stage: c.stage,
                requested_at: c.requested_at,
                distance_m: (d * 10.0).round() / 10.0,
            })
        })
        .collect();
    out.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m));
    Ok(out)
}

/// Suggested duplicates of a complaint (`GET /complaints/{id}/duplicates`).
pub async fn duplicates(
    state: &AppState,
    actor: &CurrentUser,
    id: &str,
) -> ServiceResult<Vec<DuplicateCandidate>> {
    actor.require(Action::ComplaintDuplicates)?;
    let mut conn = state.db.pool.acquire().await?;
    let row = find(&mut conn, actor, id).await?;
    duplicate_candidates(state, &mut conn, &row).await
}

// ---- dispatch, re-route, re-categorise ---------------------------------------------------

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispatchInput {
    pub expected_version: i64,
    /// A squad (中队) or a partner department (协作部门).
    pub org_unit_id: String,
    /// Required when re-routing a complaint that is already with a unit.
    pub reason: Option<String>,
}

pub async fn dispatch(
    state: &AppState,
    actor: &CurrentUser,
    id: &str,
    input: DispatchInput,
) -> ServiceResult<ComplaintView> {
    actor.require(Action::DispatchComplaint)?;
    let (mut tx, mut row) = open_for_write(state, actor, id, input.expected_version).await?;
    let stage = stage_of(&row)?;
    let next = stage.dispatch()?;
    let units = org_unit_repo::all(&mut tx).await?;
    let unit = units
        .iter()
        .find(|u| u.id == input.org_unit_id && (u.kind == "squad" || u.kind == "partner"))
        .ok_or_else(|| {
            ServiceError::invalid_field(
                "not_a_dispatch_target",
                "org_unit_id",
                "只能派往中队或协作部门（hotline_closed_loop：按责转办）",
            )
        })?;
    let reroute = stage.is_reroute();
    let reason = match (&input.reason, reroute) {
        (Some(r), _) => Some(required_text("reason", r, 2, "改派理由")?),
        (None, true) => {
            return Err(ServiceError::invalid_field(
                "reroute_reason_required",
                "reason",
                "改派须写明理由（hotline_return_and_supervision）",
            ));
        }
        (None, false) => None,
    };
    if reroute && row.org_unit_id.as_deref() == Some(unit.id.as_str()) {
        return Err(ServiceError::invalid_field(
            "same_unit",
            "org_unit_id",
            "诉求已在该单位办理，无需改派",
        ));
    }
    let now = state.clock.now();
    let from = row.org_unit_id.clone();
    row.org_unit_id = Some(unit.id.clone());
    row.agency_responsible = Some(unit.name.clone());
    row.dispatched_at = Some(to_db_time(now));
    let notes = [
        note(
            if reroute { "rerouted" } else { "dispatched" },
            format!(
                "已{}至{}办理",
                if reroute { "改派" } else { "派单" },
                unit.name
            ),
            None,
            true,
        ),
        note("dispatch_reason", "派单说明", reason.clone(), false),
    ];
    let notes: Vec<Note> = notes
        .into_iter()
        .filter(|n| n.note_type != "dispatch_reason" || n.description.is_some())
        .collect();
    save(
        &mut tx,
        &actor.id,
        now,
        row,
        next,
        &notes,
        (
            if reroute {
                "complaint.reroute"
            } else {
                "complaint.dispatch"
            },
            serde_json::json!({"from": from, "to": unit.id, "reason": reason}),
        ),
    )
    .await?;
    finish(state, actor, tx, id).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecategoriseInput {
    pub expected_version: i64,
    pub service_code: String,
    pub reason: String,
}

/// 改类: the due time is recomputed from the time of receipt under the new category's limit.
pub async fn recategorise(
    state: &AppState,
    actor: &CurrentUser,
    id: &str,
    input: RecategoriseInput,
) -> ServiceResult<ComplaintView> {
    actor.require(Action::RecategoriseComplaint)?;
    let category = complaint::category(state, input.service_code.trim()).await?;
    let reason = required_text("reason", &input.reason, 2, "改类理由")?;
    let (mut tx, mut row) = open_for_write(state, actor, id, input.expected_version).await?;
    let next = stage_of(&row)?.recategorise()?;
    if row.service_code == category.code {
        return Err(ServiceError::invalid_field(
            "same_category",
            "service_code",
            "诉求已属于该类别",
        ));
    }
    let received = DateTime::parse_from_rfc3339(&row.requested_at)
        .map_err(anyhow::Error::from)?
        .with_timezone(&Utc);
    let calendar = state.calendar().await?;
    let due = expected_at(
        &calendar,
        &complaint::settings(state).working_periods,
        received,
        category.time_limit,
    );
    let from = std::mem::replace(&mut row.service_code, category.code.clone());
    row.expected_at = due.map(to_db_time);
    let now = state.clock.now();
    let content = serde_json::json!({"from": from, "to": category.code, "reason": reason, "expected_at": row.expected_at});
    save(
        &mut tx,
        &actor.id,
        now,
        row,
        next,
        &[note(
            "recategorised",
            format!(
                "诉求类别调整为“{}”，办理时限{}（自受理时起算）",
                category.name,
                category.time_limit.describe()
            ),
            Some(reason),
            true,
        )],
        ("complaint.recategorise", content),
    )
    .await?;
    finish(state, actor, tx, id).await
}

// ---- handling, reply, verification -------------------------------------------------------

/// A step with a text: 办理情况, 答复, 回访记录.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TextInput {
    pub expected_version: i64,
    pub text: String,
}

pub async fn handle(
    state: &AppState,
    actor: &CurrentUser,
    id: &str,
    input: TextInput,
) -> ServiceResult<ComplaintView> {
    actor.require(Action::HandleComplaint)?;
    let text = required_text("text", &input.text, 2, "办理情况")?;
    let (mut tx, row) = open_for_write(state, actor, id, input.expected_version).await?;
    let next = stage_of(&row)?.handle()?;
    let now = state.clock.now();
    save(
        &mut tx,
        &actor.id,
        now,
        row,
        next,
        &[note(
            "handling",
            "承办单位正在办理",
            Some(text.clone()),
            false,
        )],
        ("complaint.handle", serde_json::json!({"text": text})),
    )
    .await?;
    finish(state, actor, tx, id).await
}

pub async fn reply(
    state: &AppState,
    actor: &CurrentUser,
    id: &str,
    input: TextInput,
) -> ServiceResult<ComplaintView> {
    actor.require(Action::ReplyComplaint)?;
    let text = required_text("text", &input.text, 5, "答复内容")?;
    let (mut tx, mut row) = open_for_write(state, actor, id, input.expected_version).await?;
    let next = stage_of(&row)?.reply()?;
    let now = state.clock.now();
    let at = to_db_time(now);
    row.reply = Some(text.clone());
    row.first_replied_at.get_or_insert(at.clone());
    inform_merged(&mut tx, &row, &at, &actor.id, &format!("已答复：{text}")).await?;
    save(
        &mut tx,
        &actor.id,
        now,
        row,
        next,
        &[note("replied", "已答复", Some(text.clone()), true)],
        ("complaint.reply", serde_json::json!({"text": text})),
    )
    .await?;
    finish(state, actor, tx, id).await
}

/// Most photos one 核查 may carry (before and after together).
pub const MAX_VERIFY_PHOTOS: usize = 10;

/// A verification photo: `before` or `after` the work.
pub struct Photo {
    pub kind: &'static str,
    pub upload: MediaUpload,
}

/// 核查: somebody other than the partner checks the result on site, with photos from before
/// and after the work.
pub async fn verify(
    state: &AppState,
    actor: &CurrentUser,
    id: &str,
    expected_version: i64,
    text: &str,
    photos: Vec<Photo>,
) -> ServiceResult<ComplaintView> {
    actor.require(Action::VerifyComplaint)?;
    let text = required_text("note", text, 2, "核查情况")?;
    if !photos.iter().any(|p| p.kind == "before") || !photos.iter().any(|p| p.kind == "after") {
        return Err(ServiceError::invalid_field(
            "verification_photos_required",
            "after",
            "核查须上传处置前（before）和处置后（after）照片各至少一张（digital_cm_workflow）",
        ));
    }
    if photos.len() > MAX_VERIFY_PHOTOS {
        return Err(ServiceError::invalid_field(
            "too_many_photos",
            "after",
            format!("核查照片每次最多上传{MAX_VERIFY_PHOTOS}张"),
        ));
    }
    // The complaint must be one the actor may act on, and at a stage that allows the check,
    // before any photo is stored (checked again in the write transaction below).
    {
        let mut conn = state.db.pool.acquire().await?;
        stage_of(&find(&mut conn, actor, id).await?)?.verify()?;
    }
    let mut stored = Vec::new();
    for p in &photos {
        // Decoded to prove it is an image; the original is kept (staff evidence, never
        // published; see `service::upload`).
        let bytes = p.upload.bytes.clone();
        let t = upload::off_thread(move || upload::check_image(&bytes, upload::MAX_FILE_BYTES))
            .await?
            .map_err(|problem| {
                problem.into_error(p.kind, &format!("照片“{}”", p.upload.file_name))
            })?
            .media_type;
        stored.push((p, t, store_file(state, &p.upload.bytes).await?));
    }
    let (mut tx, row) = open_for_write(state, actor, id, expected_version).await?;
    let next = stage_of(&row)?.verify()?;
    let now = state.clock.now();
    let mut audit_photos = Vec::new();
    for (p, t, sha) in stored {
        let photo = PhotoRow {
            id: new_id(),
            complaint_id: row.id.clone(),
            kind: p.kind.to_string(),
            file_name: p.upload.file_name.chars().take(200).collect(),
            content_type: t.to_string(),
            size_bytes: p.upload.bytes.len() as i64,
            sha256: sha,
            uploaded_at: to_db_time(now),
            uploaded_by: actor.id.clone(),
        };
        complaint_repo::insert_photo(&mut tx, &photo).await?;
        audit_photos.push(serde_json::json!({"kind": photo.kind, "sha256": photo.sha256, "size_bytes": photo.size_bytes}));
    }
    save(
        &mut tx,
        &actor.id,
        now,
        row,
        next,
        &[note("verified", "已现场核查", Some(text.clone()), false)],
        (
            "complaint.verify",
            serde_json::json!({"note": text, "photos": audit_photos}),
        ),
    )
    .await?;
    finish(state, actor, tx, id).await
}

// ---- closing -----------------------------------------------------------------------------

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseInput {
    pub expected_version: i64,
    pub final_state: FinalState,
    /// Required for `resolved`.
    pub tag_721: Option<Tag721>,
    /// Required for `not_resolved`, `not_our_responsibility` and `withdrawn`.
    pub reason: Option<String>,
    /// For `not_our_responsibility`: the body the complaint was passed on to.
    pub routed_to: Option<String>,
    /// For `duplicate_of`: the complaint (id or service_request_id) this one repeats.
    pub duplicate_of: Option<String>,
}

pub async fn close(
    state: &AppState,
    actor: &CurrentUser,
    id: &str,
    input: CloseInput,
) -> ServiceResult<ComplaintView> {
    actor.require(Action::CloseComplaint)?;
    let f = input.final_state;
    if f == FinalState::NotOurResponsibility && actor.role == Role::Leader {
        return Err(ServiceError::invalid(
            "return_not_allowed",
            "承办单位不能自行退回，须由指挥中心认定明显不属于本部门职责后办结并告知转办去向（hotline_return_and_supervision）",
        ));
    }
    let reason = match (f, &input.reason) {
        (_, Some(r)) => Some(required_text("reason", r, 2, "办结说明")?),
        (
            FinalState::NotResolved | FinalState::NotOurResponsibility | FinalState::Withdrawn,
            None,
        ) => {
            return Err(ServiceError::invalid_field(
                "reason_required",
                "reason",
                format!("办结为“{}”须写明原因", f.label()),
            ));
        }
        (FinalState::Resolved | FinalState::DuplicateOf, None) => None,
    };
    if f == FinalState::Resolved && input.tag_721.is_none() {
        return Err(ServiceError::invalid_field(
            "tag_721_required",
            "tag_721",
            "办结为“已解决”须标注721工作法类型：service（服务）、management（管理）或 enforcement（执法）（method_721）",
        ));
    }
    let routed_to = match (f, input.routed_to.as_deref().map(str::trim)) {
        (FinalState::NotOurResponsibility, Some(r)) if !r.is_empty() => Some(r.to_string()),
        (FinalState::NotOurResponsibility, _) => {
            return Err(ServiceError::invalid_field(
                "routed_to_required",
                "routed_to",
                "非本部门职责的诉求须写明已转交的责任单位（hotline_return_and_supervision）",
            ));
        }
        (_, _) => None,
    };
    let (mut tx, mut row) = open_for_write(state, actor, id, input.expected_version).await?;
    let next = stage_of(&row)?.close(f)?;
    let now = state.clock.now();
    let at = to_db_time(now);
    let mut notes = Vec::new();
    if f == FinalState::DuplicateOf {
        let target_id = input.duplicate_of.as_deref().map(str::trim).unwrap_or("");
        let target = match find(&mut tx, actor, target_id).await {
            Ok(t) => t,
            Err(ServiceError::NotFound { .. }) => {
                return Err(ServiceError::invalid_field(
                    "duplicate_target_invalid",
                    "duplicate_of",
                    "须指明被重复的诉求（编号或 id）",
                ));
            }
            Err(e) => return Err(e),
        };
        if target.id == row.id || target.duplicate_of.is_some() {
            return Err(ServiceError::invalid_field(
                "duplicate_target_invalid",
                "duplicate_of",
                "不能合并到自身或已被合并的诉求",
            ));
        }
        add_notes(
            &mut tx,
            &target.id,
            &at,
            &actor.id,
            &[note(
                "merged",
                format!(
                    "已合并重复诉求 {}，办理结果将一并告知其反映人",
                    row.service_request_id
                ),
                None,
                true,
            )],
        )
        .await?;
        notes.push(note(
            "merged",
            format!(
                "与诉求 {} 反映同一问题，已合并办理，办理进展将同步告知您",
                target.service_request_id
            ),
            None,
            true,
        ));
        row.duplicate_of = Some(target.id);
    }
    notes.push(note(
        "closed",
        format!("已办结：{}", f.label()),
        match (&routed_to, &reason) {
            (Some(r), _) => Some(format!(
                "已转交：{r}。{}",
                reason.clone().unwrap_or_default()
            )),
            (None, r) => r.clone(),
        },
        true,
    ));
    inform_merged(
        &mut tx,
        &row,
        &at,
        &actor.id,
        &format!("已办结（{}）", f.label()),
    )
    .await?;
    row.final_state = Some(f.as_str().to_string());
    row.final_reason = reason.clone();
    row.routed_to = routed_to.clone();
    row.tag_721 = input.tag_721.map(|t| t.as_str().to_string());
    row.closed_at = Some(at);
    let content = serde_json::json!({
        "final_state": f.as_str(), "reason": reason, "routed_to": routed_to,
        "duplicate_of": row.duplicate_of, "tag_721": row.tag_721,
    });
    save(
        &mut tx,
        &actor.id,
        now,
        row,
        next,
        &notes,
        ("complaint.close", content),
    )
    .await?;
    finish(state, actor, tx, id).await
}

// ---- follow-up, rating, reopening --------------------------------------------------------

pub async fn follow_up(
    state: &AppState,
    actor: &CurrentUser,
    id: &str,
    input: TextInput,
) -> ServiceResult<ComplaintView> {
    actor.require(Action::FollowUpComplaint)?;
    let text = required_text("text", &input.text, 2, "回访记录")?;
    let (mut tx, mut row) = open_for_write(state, actor, id, input.expected_version).await?;
    let next = stage_of(&row)?.follow_up()?;
    let now = state.clock.now();
    row.followed_up_at = Some(to_db_time(now));
    save(
        &mut tx,
        &actor.id,
        now,
        row,
        next,
        &[note("followed_up", "已回访", Some(text.clone()), false)],
        ("complaint.follow_up", serde_json::json!({"text": text})),
    )
    .await?;
    finish(state, actor, tx, id).await
}

/// The citizen's rating: a score 1–5 or 满意 / 基本满意 / 不满意.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RatingValue {
    Score(i64),
    Level(String),
}

impl RatingValue {
    /// (level, score): 4–5 满意, 3 基本满意, 1–2 不满意.
    fn normalise(&self) -> ServiceResult<(&'static str, Option<i64>)> {
        let bad = || {
            ServiceError::invalid_field(
                "invalid_rating",
                "rating",
                "评价须为1–5分，或“满意”“基本满意”“不满意”",
            )
        };
        match self {
            RatingValue::Score(s @ 4..=5) => Ok(("satisfied", Some(*s))),
            RatingValue::Score(3) => Ok(("basically_satisfied", Some(3))),
            RatingValue::Score(s @ 1..=2) => Ok(("dissatisfied", Some(*s))),
            RatingValue::Score(_) => Err(bad()),
            RatingValue::Level(l) => match l.trim() {
                "满意" | "satisfied" => Ok(("satisfied", None)),
                "基本满意" | "basically_satisfied" => Ok(("basically_satisfied", None)),
                "不满意" | "dissatisfied" => Ok(("dissatisfied", None)),
                _ => Err(bad()),
            },
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingInput {
    /// Only for staff recording a rating taken by phone.
    pub expected_version: Option<i64>,
    /// 1–5, or 满意 / 基本满意 / 不满意.
    #[schema(value_type = Object)]
    pub rating: RatingValue,
    pub comment: Option<String>,
}

async fn apply_rating(
    conn: &mut Tx<'_>,
    state: &AppState,
    actor: &str,
    mut row: ComplaintRow,
    input: &RatingInput,
) -> ServiceResult<()> {
    let (level, score) = input.rating.normalise()?;
    let next = stage_of(&row)?.rate()?;
    let comment = input
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| c.chars().take(500).collect::<String>());
    let now = state.clock.now();
    row.rating = Some(level.to_string());
    row.rating_score = score;
    row.rated_at = Some(to_db_time(now));
    let label = match level {
        "satisfied" => "满意",
        "basically_satisfied" => "基本满意",
        _ => "不满意",
    };
    save(
        conn,
        actor,
        now,
        row,
        next,
        &[note(
            "rated",
            format!("群众评价：{label}"),
            comment.clone(),
            true,
        )],
        (
            "complaint.rate",
            serde_json::json!({"rating": level, "score": score, "comment": comment}),
        ),
    )
    .await
}

/// A dispatcher records the rating the citizen gave on the follow-up call.
pub async fn rate(
    state: &AppState,
    actor: &CurrentUser,
    id: &str,
    input: RatingInput,
) -> ServiceResult<ComplaintView> {
    actor.require(Action::RateComplaint)?;
    let Some(v) = input.expected_version else {
        return Err(ServiceError::invalid_field(
            "expected_version_required",
            "expected_version",
            "须提供 expected_version",
        ));
    };
    let (mut tx, row) = open_for_write(state, actor, id, v).await?;
    apply_rating(&mut tx, state, &actor.id, row, &input).await?;
    finish(state, actor, tx, id).await
}

/// What the citizen sees after rating or reopening with the token.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicOutcome {
    pub service_request_id: String,
    pub stage: String,
    pub status_notes: String,
}

async fn by_token_for_write(
    state: &AppState,
    token: &str,
) -> ServiceResult<(Tx<'static>, ComplaintRow)> {
    let mut tx = state.db.begin_write().await?;
    let row = complaint_repo::by_token(&mut tx, token.trim())
        .await?
        .ok_or(ServiceError::NotFound { what: "诉求" })?;
    Ok((tx, row))
}

async fn public_outcome(state: &AppState, token: &str) -> ServiceResult<PublicOutcome> {
    let mut conn = state.db.pool.acquire().await?;
    let row = complaint_repo::by_token(&mut conn, token.trim())
        .await?
        .ok_or(ServiceError::NotFound { what: "诉求" })?;
    Ok(PublicOutcome {
        status_notes: public_stage_note(&row).unwrap_or_default(),
        service_request_id: row.service_request_id,
        stage: row.stage,
    })
}

/// The citizen rates the answer with the tracking token (no login).
pub async fn rate_by_token(
    state: &AppState,
    token: &str,
    input: RatingInput,
) -> ServiceResult<PublicOutcome> {
    let (mut tx, row) = by_token_for_write(state, token).await?;
    apply_rating(&mut tx, state, "citizen", row, &input).await?;
    tx.commit().await?;
    public_outcome(state, token).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReopenInput {
    /// What is still wrong.
    pub reason: String,
}

/// The citizen reopens a closed complaint that was not fixed, within the configured window
/// after closing. A new time limit runs from the reopening.
pub async fn reopen_by_token(
    state: &AppState,
    token: &str,
    input: ReopenInput,
) -> ServiceResult<PublicOutcome> {
    let reason = required_text("reason", &input.reason, 2, "重新办理的理由")?;
    let (mut tx, mut row) = by_token_for_write(state, token).await?;
    let next = stage_of(&row)?.reopen()?;
    match row.final_state.as_deref().and_then(FinalState::parse) {
        Some(FinalState::Resolved | FinalState::NotResolved) => {}
        Some(
            FinalState::NotOurResponsibility | FinalState::DuplicateOf | FinalState::Withdrawn,
        )
        | None => {
            return Err(ServiceError::invalid(
                "reopen_not_applicable",
                "该诉求已转交其他单位、已合并或已撤回，不能申请重新办理",
            ));
        }
    }
    let now = state.clock.now();
    let window = state.settings.complaint_reopen_window_days;
    let closed = row
        .closed_at
        .as_deref()
        .and_then(|c| DateTime::parse_from_rfc3339(c).ok())
        .map(|c| c.with_timezone(&Utc));
    if closed.is_none_or(|c| now - c > Duration::days(window)) {
        return Err(ServiceError::invalid(
            "reopen_window_passed",
            format!("办结已超过{window}日，不能再申请重新办理，请重新提交诉求"),
        ));
    }
    let category = complaint::category(state, &row.service_code).await?;
    let calendar = state.calendar().await?;
    row.expected_at = expected_at(
        &calendar,
        &complaint::settings(state).working_periods,
        now,
        category.time_limit,
    )
    .map(to_db_time);
    row.reopen_count += 1;
    row.closed_at = None;
    row.final_state = None;
    row.final_reason = None;
    row.routed_to = None;
    row.tag_721 = None;
    let content = serde_json::json!({"reason": reason, "reopen_count": row.reopen_count, "expected_at": row.expected_at});
    save(
        &mut tx,
        "citizen",
        now,
        row,
        next,
        &[note(
            "reopened",
            "群众反映问题未解决，申请重新办理",
            Some(reason),
            true,
        )],
        ("complaint.reopen", content),
    )
    .await?;
    tx.commit().await?;
    public_outcome(state, token).await
}

// ---- supervision and the overdue list ----------------------------------------------------

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuperviseInput {
    pub expected_version: i64,
    /// 1 催办, 2 督办, 3 挂牌督办 (leader only); never lower than before.
    pub level: i64,
    pub reason: String,
}

pub async fn supervise(
    state: &AppState,
    actor: &CurrentUser,
    id: &str,
    input: SuperviseInput,
) -> ServiceResult<ComplaintView> {
    actor.require(Action::SuperviseComplaint)?;
    if !(1..=3).contains(&input.level) {
        return Err(ServiceError::invalid_field(
            "invalid_level",
            "level",
            "督办级别须为1（催办）、2（督办）或3（挂牌督办）",
        ));
    }
    if input.level == 3 && !actor.may(Action::SuperviseListed) {
        return Err(ServiceError::invalid_field(
            "level_needs_leader",
            "level",
            "挂牌督办（3级）须由领导决定（hotline_return_and_supervision）",
        ));
    }
    let reason = required_text("reason", &input.reason, 2, "督办事由")?;
    let (mut tx, mut row) = open_for_write(state, actor, id, input.expected_version).await?;
    let stage = stage_of(&row)?;
    if !stage.is_open() {
        return Err(ServiceError::invalid(
            "complaint_closed",
            "诉求已办结，不能督办；如群众反映未解决，应由其申请重新办理（hotline_return_and_supervision）",
        ));
    }
    if input.level < row.supervision_level {
        return Err(ServiceError::invalid_field(
            "supervision_level_lower",
            "level",
            format!("督办级别不能低于当前的{}级", row.supervision_level),
        ));
    }
    let now = state.clock.now();
    let record = SupervisionRow {
        id: new_id(),
        complaint_id: row.id.clone(),
        level: input.level,
        reason: reason.clone(),
        at: to_db_time(now),
        actor: actor.id.clone(),
    };
    complaint_repo::insert_supervision(&mut tx, &record).await?;
    row.supervision_level = input.level;
    save(
        &mut tx,
        &actor.id,
        now,
        row,
        stage,
        &[note(
            "supervised",
            format!("{}级督办", input.level),
            Some(reason.clone()),
            false,
        )],
        (
            "complaint.supervise",
            serde_json::json!({"level": input.level, "reason": reason}),
        ),
    )
    .await?;
    finish(state, actor, tx, id).await
}

/// Unanswered complaints past their due time and those due soon.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OverdueList {
    pub now: String,
    pub near_due_hours: i64,
    pub overdue: Vec<ComplaintSummary>,
    pub near_due: Vec<ComplaintSummary>,
}

pub async fn overdue(
    state: &AppState,
    actor: &CurrentUser,
    within_hours: Option<i64>,
) -> ServiceResult<OverdueList> {
    actor.require(Action::ViewComplaints)?;
    let hours = within_hours
        .unwrap_or(state.settings.complaint_near_due_hours)
        .clamp(1, 24 * 30);
    let now = state.clock.now();
    let now_s = to_db_time(now);
    let soon = to_db_time(now + Duration::hours(hours));
    let mut conn = state.db.pool.acquire().await?;
    let rows = complaint_repo::unanswered(&mut conn).await?;
    let (mut overdue, mut near_due) = (Vec::new(), Vec::new());
    for r in rows.iter().filter(|r| can_see(actor, r)) {
        match r.expected_at.as_deref() {
            Some(e) if e < now_s.as_str() => overdue.push(summary(r, &now_s)),
            Some(e) if e <= soon.as_str() => near_due.push(summary(r, &now_s)),
            Some(_) | None => {}
        }
    }
    Ok(OverdueList {
        now: now_s,
        near_due_hours: hours,
        overdue,
        near_due,
    })
}

// ---- complaint → penalty case ------------------------------------------------------------

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ToCaseInput {
    pub expected_version: i64,
    #[schema(value_type = Object)]
    pub party: Party,
    #[schema(value_type = String, example = "ordinary")]
    pub procedure: Procedure,
    #[schema(value_type = String, format = Date)]
    pub act_date: NaiveDate,
    pub violation: Option<String>,
    #[serde(default)]
    pub serious_harm: bool,
    #[serde(default)]
    pub major: bool,
}

/// The complaint becomes the lead (线索) of a penalty case of the squad it is with: in one
/// write transaction the case is opened (`service::case::create_in`), a `lead` event dated
/// the day of receipt is recorded (`service::case::add_event_in`, so the rule engine judges
/// it) and the link is stored both ways. Any refusal leaves nothing behind.
pub async fn to_case(
    state: &AppState,
    actor: &CurrentUser,
    id: &str,
    input: ToCaseInput,
) -> ServiceResult<ComplaintView> {
    actor.require(Action::ComplaintToCase)?;
    let (mut tx, row) = open_for_write(state, actor, id, input.expected_version).await?;
    let Some(unit) = row.org_unit_id.clone() else {
        return Err(ServiceError::invalid(
            "complaint_not_dispatched",
            "诉求尚未派至中队，不能转为案件线索",
        ));
    };
    let received = DateTime::parse_from_rfc3339(&row.requested_at)
        .map_err(anyhow::Error::from)?
        .with_timezone(&china())
        .date_naive();
    let created = case::create_in(
        &mut tx,
        state,
        actor,
        NewCase {
            org_unit_id: unit,
            party: input.party,
            procedure: input.procedure,
            act_date: input.act_date,
            violation: input.violation,
            serious_harm: input.serious_harm,
            major: input.major,
            party_address: None,
        },
    )
    .await?;
    let case_id = created.id.clone();
    let lead: fazhi_domain::timeline::Event = serde_json::from_value(serde_json::json!({
        "on": received.max(input.act_date).to_string(),
        "type": "lead",
        "note": format!("投诉举报 {}", row.service_request_id),
    }))
    .map_err(anyhow::Error::from)?;
    case::add_event_in(
        &mut tx,
        state,
        actor,
        &case_id,
        NewEvent {
            expected_version: created.version,
            event: lead,
            late_reason: None,
        },
    )
    .await?;
    let stage = stage_of(&row)?;
    let now = state.clock.now();
    complaint_repo::link_case(&mut tx, &case_id, &row.id, &to_db_time(now), &actor.id).await?;
    save(
        &mut tx,
        &actor.id,
        now,
        row,
        stage,
        &[note(
            "case_lead",
            "发现违法行为，已转为行政处罚案件线索依法查处",
            Some(created.case_no.clone()),
            true,
        )],
        (
            "complaint.to_case",
            serde_json::json!({"case_id": case_id, "case_no": created.case_no}),
        ),
    )
    .await?;
    finish(state, actor, tx, id).await
}

// ---- statistics ---------------------------------------------------------------------------

mod figures;
pub use figures::{ComplaintFigures, figures, final_state_label};

/// The figures of the annual report for complaints received in one year (China time).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ComplaintStats {
    pub year: i32,
    pub received: i64,
    /// With a reply to the citizen, or closed (a closing tells the citizen the outcome).
    pub answered: i64,
    /// Answered (first reply or closing, whichever came first) by `expected_at`.
    pub answered_on_time: i64,
    pub on_time_rate: Option<f64>,
    pub by_category: BTreeMap<String, i64>,
    pub by_channel: BTreeMap<String, i64>,
    /// Closed as resolved, by 721 tag.
    pub by_tag_721: BTreeMap<String, i64>,
    pub by_final_state: BTreeMap<String, i64>,
    pub rated: i64,
    pub satisfied: i64,
    pub basically_satisfied: i64,
    pub dissatisfied: i64,
    /// (满意 + 基本满意) / rated.
    pub satisfaction_rate: Option<f64>,
    /// Closed at least once (closed now, or reopened since).
    pub closed: i64,
    pub reopened: i64,
    /// reopened / closed.
    pub reopen_rate: Option<f64>,
}

/// The annual report's complaint figures as numbers (the counts of [`figures`]).
pub async fn stats(
    state: &AppState,
    actor: &CurrentUser,
    year: i32,
) -> ServiceResult<ComplaintStats> {
    actor.require(Action::ComplaintStats)?;
    let f = figures(state, actor, year).await?;
    let n = |records: &[Record]| records.len() as i64;
    let by = |groups: &BTreeMap<String, Vec<Record>>| {
        groups
            .iter()
            .map(|(key, records)| (key.clone(), n(records)))
            .collect::<BTreeMap<_, _>>()
    };
    let (answered, answered_on_time) = (n(&f.answered), n(&f.on_time));
    let (satisfied, basically_satisfied) = (n(&f.satisfied), n(&f.basically_satisfied));
    let rated = n(&f.rated());
    let (closed, reopened) = (n(&f.closed), n(&f.reopened));
    Ok(ComplaintStats {
        year,
        received: n(&f.received),
        answered,
        answered_on_time,
        on_time_rate: rate_of(answered_on_time, answered),
        by_category: by(&f.by_category),
        by_channel: by(&f.by_channel),
        by_tag_721: by(&f.by_tag_721),
        by_final_state: by(&f.by_final_state),
        rated,
        satisfied,
        basically_satisfied,
        dissatisfied: n(&f.dissatisfied),
        satisfaction_rate: rate_of(satisfied + basically_satisfied, rated),
        closed,
        reopened,
        reopen_rate: rate_of(reopened, closed),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haversine_is_about_right() {
        // 0.001° of latitude ≈ 111 m.
        let d = haversine_m(33.0, 112.5, 33.001, 112.5);
        assert!((d - 111.2).abs() < 0.5, "{d}");
    }

    #[test]
    fn resolved_needs_verification() {
        assert!(Stage::Replied.close(FinalState::Resolved).is_err());
        assert_eq!(
            Stage::Verified.close(FinalState::Resolved).ok(),
            Some(Stage::Closed)
        );
        assert_eq!(
            Stage::Received.close(FinalState::Withdrawn).ok(),
            Some(Stage::Closed)
        );
        assert!(Stage::Closed.close(FinalState::Withdrawn).is_err());
        assert!(Stage::Received.reply().is_err());
        assert_eq!(Stage::Rated.reopen().ok(), Some(Stage::Reopened));
    }
}
