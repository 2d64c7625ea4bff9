//! The case record the enforcement documents are written from (issue 13): the party's
//! identity (an individual's 身份证件 and phone, an organisation's 统一社会信用代码 and
//! 法定代表人, and the address), the 案件来源, the place of the act, the 违法事实 found by
//! the officer, the 证据目录 (each item one of the eight kinds of evidence of 行政处罚法
//! 第四十六条) and the 裁量理由; and, for the later steps, the 先行登记保存 items and handling,
//! the hearing (place, time, recorder, participants, both sides, the chair's opinion), the
//! 法制审核 findings and opinion, and the 集体讨论 (presiding head, participants, discussion,
//! conclusion). B19 (决定书: party name/address, facts and evidence) and
//! 案卷评查 K2/K3 (identity proof, facts clear, evidence sufficient) judge these; the
//! documents refuse to generate when an element they print is missing.
//!
//! The record's types and the checks that need no storage are the domain's
//! (`fazhi_domain::record`, shared with case-check timelines); this module adds what needs
//! storage (the linked complaint, the evidence files) and keeps the record.
//!
//! The record is kept as one JSON document per case (`case_records`, migration 0011),
//! replaced as a whole with the case's version check; the audit entry carries salted
//! digests of the personal fields, never their text (issue 11).

use super::audit::{Actor, AuditEvent, append};
use super::auth::CurrentUser;
use super::permissions::Action;
use super::personal_data::salt_of;
use super::{AppState, ServiceError, ServiceResult};
use crate::infra::clock::to_db_time;
use crate::repo::case_record_repo;
use crate::repo::case_repo;
use serde::Deserialize;
use sqlx::AnyConnection;

pub use fazhi_domain::record::{
    CaseRecord, CaseSource, DeliberationRecord, EvidenceItem, EvidenceKind, HearingRecord, IdType,
    LegalReviewRecord, PartyDetails, Place, PreservationRecord, SourceKind, missing_elements,
    valid_credit_code, valid_phone, valid_resident_id,
};

/// A replacement of the record; `expected_version` is the case version the caller last saw.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordUpdate {
    pub expected_version: i64,
    pub record: CaseRecord,
}

/// Checks and normalises a record (the domain's rules, [`CaseRecord::normalise`]), then what
/// needs storage: the linked complaint exists (or the one the case came from is linked), each
/// evidence file belongs to the case.
async fn validate(
    conn: &mut AnyConnection,
    case_id: &str,
    r: &mut CaseRecord,
) -> ServiceResult<()> {
    let bad = |field: &str, message: String| {
        Err(ServiceError::invalid_field(
            "invalid_case_record",
            field,
            message,
        ))
    };
    if let Err(e) = r.normalise() {
        return bad(&e.field, e.message);
    }
    if let Some(s) = &mut r.source {
        match (s.kind, &s.complaint_id) {
            (SourceKind::Complaint, None) => {
                // The complaint the case was opened from, when there is exactly one.
                let linked =
                    crate::repo::complaint_repo::complaints_of_case(&mut *conn, case_id).await?;
                match linked.as_slice() {
                    [one] => s.complaint_id = Some(one.clone()),
                    _ => {
                        return bad(
                            "source.complaint_id",
                            "案件来源为投诉举报的，应当关联投诉举报记录".into(),
                        );
                    }
                }
            }
            (SourceKind::Complaint, Some(id)) => {
                let exists = case_record_repo::complaint_exists(&mut *conn, id).await?;
                if !exists {
                    return bad("source.complaint_id", format!("没有编号为“{id}”的投诉举报"));
                }
            }
            _ => {}
        }
    }
    let files = case_repo::evidence_of(&mut *conn, case_id).await?;
    for (i, e) in r.evidence.iter().enumerate() {
        if let Some(f) = &e.file_id
            && !files.iter().any(|x| &x.id == f)
        {
            return bad(
                &format!("evidence[{i}].file_id"),
                format!("第{}项证据关联的文件不属于本案", i + 1),
            );
        }
    }
    Ok(())
}

/// The record of a case (empty when nothing was written yet).
pub async fn load(conn: &mut AnyConnection, case_id: &str) -> ServiceResult<CaseRecord> {
    Ok(match case_record_repo::get(conn, case_id).await? {
        Some(json) => serde_json::from_str(&json).map_err(anyhow::Error::from)?,
        None => CaseRecord::default(),
    })
}

/// Reads a case's record.
pub async fn get(
    state: &AppState,
    actor: &CurrentUser,
    case_id: &str,
) -> ServiceResult<CaseRecord> {
    actor.require(Action::ViewCases)?;
    let mut conn = state.db.pool.acquire().await?;
    case_repo::get(&mut conn, case_id)
        .await?
        .filter(|c| super::case::can_see(actor, c))
        .ok_or(ServiceError::NotFound { what: "案件" })?;
    load(&mut conn, case_id).await
}

/// Replaces a case's record (version-checked; the case's version moves on).
pub async fn update(
    state: &AppState,
    actor: &CurrentUser,
    case_id: &str,
    input: RecordUpdate,
) -> ServiceResult<CaseRecord> {
    // The legal office writes its own findings (法制审核) and nothing else of the record.
    let review_only = !actor.may(Action::EditCaseRecord);
    if review_only {
        actor.require(Action::WriteLegalReview)?;
    }
    let mut tx = state.db.begin_write().await?;
    let case = case_repo::get(&mut tx, case_id)
        .await?
        .filter(|c| super::case::can_see(actor, c))
        .ok_or(ServiceError::NotFound { what: "案件" })?;
    if case.version != input.expected_version {
        return Err(ServiceError::VersionConflict {
            current: case.version,
        });
    }
    let mut record = input.record;
    validate(&mut tx, case_id, &mut record).await?;
    if review_only {
        let stored = load(&mut tx, case_id).await?;
        let others_kept = CaseRecord {
            legal_review: record.legal_review.clone(),
            ..stored
        };
        if others_kept != record {
            return Err(ServiceError::WrongPost {
                message: "法制审核人员只能填写案件记录中的法制审核部分，其他部分需由执法人员或执法机构负责人填写"
                    .into(),
            });
        }
    }
    let kind = if case.party_kind == "organisation" {
        fazhi_domain::timeline::PartyKind::Organisation
    } else {
        fazhi_domain::timeline::PartyKind::Individual
    };
    if let Err(e) = record.check_party_kind(kind) {
        return Err(ServiceError::invalid_field(
            "invalid_case_record",
            &e.field,
            e.message,
        ));
    }
    let now = state.clock.now();
    let json = serde_json::to_string(&record).map_err(anyhow::Error::from)?;
    case_record_repo::put(&mut tx, case_id, &json, &actor.id, &to_db_time(now)).await?;
    if !case_repo::bump(
        &mut tx,
        case_id,
        case.version,
        &case.stage,
        case.open != 0,
        &to_db_time(now),
    )
    .await?
    {
        return Err(ServiceError::VersionConflict {
            current: case.version + 1,
        });
    }
    // The texts may name people: all of them go into the chain as salted digests.
    let salt = salt_of(&mut tx, "case", case_id).await?;
    let party_json = record
        .party
        .as_ref()
        .map(|p| serde_json::to_string(p).unwrap_or_default());
    let place = record.place.as_ref().map(|p| p.address.clone());
    let evidence_json = serde_json::to_string(&record.evidence).map_err(anyhow::Error::from)?;
    // The hearing, review and deliberation sections name people and hold statements.
    let sections = [
        record.preservation.as_ref().map(serde_json::to_string),
        record.hearing.as_ref().map(serde_json::to_string),
        record.legal_review.as_ref().map(serde_json::to_string),
        record.deliberation.as_ref().map(serde_json::to_string),
    ]
    .map(|s| s.transpose().ok().flatten());
    let content = serde_json::json!({
        "version": case.version + 1,
        "party_kind": record.party.as_ref().map(|p| match p {
            PartyDetails::Individual { .. } => "individual",
            PartyDetails::Organisation { .. } => "organisation",
        }),
        "source": record.source.as_ref().map(|s| s.kind.code()),
        "evidence_items": record.evidence.len(),
        "personal": salt.digests(&[
            ("party", party_json.as_deref()),
            ("place", place.as_deref()),
            ("facts", record.facts.as_deref()),
            ("evidence", Some(evidence_json.as_str())),
            ("discretion_reason", record.discretion_reason.as_deref()),
            ("preservation", sections[0].as_deref()),
            ("hearing", sections[1].as_deref()),
            ("legal_review", sections[2].as_deref()),
            ("deliberation", sections[3].as_deref()),
        ]),
    });
    append(
        &mut tx,
        &Actor(actor.id.clone()),
        now,
        AuditEvent {
            action: "case.record",
            entity: "case",
            entity_id: case_id,
            content,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(record)
}
