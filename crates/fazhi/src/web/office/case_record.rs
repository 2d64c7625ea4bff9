//! `/cases/{id}/record`: the case record the documents are written from (party identity,
//! 案件来源, place, 违法事实, 证据目录, 裁量理由, and the 先行登记保存, 听证, 法制审核 and
//! 集体讨论 sections), as one form. Calls the same service as
//! `PUT /api/v1/cases/{id}/record`; a refused field is shown next to its input with what the
//! user typed kept.

use super::form::{Field, Fields, Kind, Posted};
use crate::service::case_record::{
    self, CaseRecord, CaseSource, DeliberationRecord, EvidenceItem, EvidenceKind, HearingRecord,
    IdType, LegalReviewRecord, PartyDetails, Place, PreservationRecord, RecordUpdate, SourceKind,
};
use crate::service::permissions::Action;
use crate::service::{AppState, ServiceError, case};
use crate::web::page::{Layout, OfficeUser, PageResult, check_csrf, render};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new().route("/cases/{id}/record", get(form).post(submit))
}

/// One row of the evidence table as typed.
pub struct EvidenceRowInput {
    pub kind: String,
    pub description: String,
    pub source: String,
    pub date: String,
    pub file_id: String,
}

#[derive(Template)]
#[template(path = "office/case_record.html")]
struct RecordPage {
    layout: Layout,
    case_id: String,
    case_no: String,
    party_name: String,
    organisation: bool,
    version: i64,
    fields: Fields,
    evidence: Vec<EvidenceRowInput>,
    evidence_kinds: Vec<(&'static str, &'static str)>,
    files: Vec<(String, String)>,
    form_error: Option<String>,
    /// The user writes only the 法制审核 section (the legal office).
    review_only: bool,
    /// The user may save anything at all.
    may_save: bool,
}

/// Blank rows offered below the recorded evidence items.
const BLANK_ROWS: usize = 3;

fn fields(organisation: bool) -> Vec<Field> {
    let mut v = Vec::new();
    if organisation {
        v.push(
            Field::new("credit_code", "统一社会信用代码", Kind::Text)
                .help("18位，校验码按GB 32100核对"),
        );
        v.push(Field::new(
            "legal_representative",
            "法定代表人（负责人）",
            Kind::Text,
        ));
        v.push(Field::new("party_address", "住所", Kind::Text));
    } else {
        v.push(
            Field::new("id_type", "身份证件种类", Kind::Select).owned_options(
                IdType::ALL
                    .iter()
                    .map(|t| (t.code().to_string(), t.label().to_string()))
                    .collect(),
            ),
        );
        v.push(
            Field::new("id_no", "身份证件号码", Kind::Text)
                .help("居民身份证号码按GB 11643核对校验码"),
        );
        v.push(Field::new("party_address", "住址", Kind::Text));
        v.push(Field::new("phone", "联系电话", Kind::Text));
    }
    v.push(
        Field::new("source_kind", "案件来源", Kind::Select).owned_options(
            std::iter::once((String::new(), "（未填写）".to_string()))
                .chain(
                    SourceKind::ALL
                        .iter()
                        .map(|s| (s.code().to_string(), s.label().to_string())),
                )
                .collect(),
        ),
    );
    v.push(
        Field::new("source_complaint_id", "关联投诉举报编号", Kind::Text)
            .help("来源为投诉举报且本案由投诉转立时可不填"),
    );
    v.push(Field::new("source_detail", "来源说明", Kind::Text).help("如移送单位、交办文号"));
    v.push(Field::new("place_address", "违法行为发生地点", Kind::Text));
    v.push(Field::new("longitude", "经度（已知时填写）", Kind::Text));
    v.push(Field::new("latitude", "纬度（已知时填写）", Kind::Text));
    v.push(
        Field::new("facts", "违法事实", Kind::TextArea)
            .help("执法人员认定的事实：时间、地点、行为、情节；事先告知前必须填写"),
    );
    v.push(
        Field::new("discretion_reason", "裁量理由", Kind::TextArea)
            .help("选择裁量档次的理由，与裁量基准一并写入事先告知书"),
    );
    v.extend(section_fields());
    v
}

/// The texts of the later steps' sections: form field, section, element, whether it is a
/// short line (else a text area), and the help shown on a section's first field.
const SECTION_FIELDS: &[(&str, &str, &str, bool, &str)] = &[
    (
        "preservation_items",
        "preservation",
        "items",
        false,
        "先行登记保存通知书、处理决定书依据本栏生成：物品名称、数量、状况",
    ),
    (
        "preservation_keeping_place",
        "preservation",
        "keeping_place",
        true,
        "",
    ),
    (
        "preservation_handling",
        "preservation",
        "handling",
        false,
        "如：退还当事人、予以没收、移送有关部门",
    ),
    (
        "hearing_place",
        "hearing",
        "place",
        true,
        "听证笔录、听证报告依据本栏生成",
    ),
    (
        "hearing_time",
        "hearing",
        "time",
        true,
        "如：9时00分至10时30分",
    ),
    ("hearing_recorder", "hearing", "recorder", true, ""),
    (
        "hearing_participants",
        "hearing",
        "participants",
        false,
        "当事人或其代理人、调查人员及其他参加人",
    ),
    (
        "hearing_investigators_case",
        "hearing",
        "investigators_case",
        false,
        "",
    ),
    (
        "hearing_party_statement",
        "hearing",
        "party_statement",
        false,
        "",
    ),
    (
        "hearing_chair_opinion",
        "hearing",
        "chair_opinion",
        false,
        "写入听证报告",
    ),
    (
        "legal_review_reviewer",
        "legal_review",
        "reviewer",
        true,
        "法制审核意见书依据本栏生成",
    ),
    (
        "legal_review_subject",
        "legal_review",
        "subject",
        false,
        "执法主体是否合法、执法人员是否具备执法资格",
    ),
    (
        "legal_review_facts",
        "legal_review",
        "facts",
        false,
        "案件事实是否清楚",
    ),
    (
        "legal_review_evidence",
        "legal_review",
        "evidence",
        false,
        "证据是否确实充分",
    ),
    (
        "legal_review_basis",
        "legal_review",
        "basis",
        false,
        "适用法律依据是否准确",
    ),
    (
        "legal_review_procedure",
        "legal_review",
        "procedure",
        false,
        "程序是否合法",
    ),
    (
        "legal_review_discretion",
        "legal_review",
        "discretion",
        false,
        "裁量基准运用是否适当",
    ),
    ("legal_review_opinion", "legal_review", "opinion", false, ""),
    (
        "deliberation_presiding",
        "deliberation",
        "presiding",
        true,
        "集体讨论记录依据本栏生成",
    ),
    (
        "deliberation_participants",
        "deliberation",
        "participants",
        false,
        "",
    ),
    (
        "deliberation_discussion",
        "deliberation",
        "discussion",
        false,
        "",
    ),
    (
        "deliberation_conclusion",
        "deliberation",
        "conclusion",
        false,
        "",
    ),
];

/// The Chinese label of a section's element.
fn section_label(section: &str, element: &str) -> &'static str {
    let labels = match section {
        "preservation" => PreservationRecord::LABELS,
        "hearing" => HearingRecord::LABELS,
        "legal_review" => LegalReviewRecord::LABELS,
        _ => DeliberationRecord::LABELS,
    };
    labels
        .iter()
        .find(|(name, _)| *name == element)
        .map_or("", |(_, label)| label)
}

fn section_fields() -> Vec<Field> {
    SECTION_FIELDS
        .iter()
        .map(|(name, section, element, short, help)| {
            let kind = if *short { Kind::Text } else { Kind::TextArea };
            Field::new(name, section_label(section, element), kind).help(*help)
        })
        .collect()
}

/// A section as JSON (its elements by name), for reading and writing the form.
fn section_json(r: &CaseRecord, section: &str) -> serde_json::Value {
    let value = match section {
        "preservation" => serde_json::to_value(&r.preservation),
        "hearing" => serde_json::to_value(&r.hearing),
        "legal_review" => serde_json::to_value(&r.legal_review),
        _ => serde_json::to_value(&r.deliberation),
    };
    value.unwrap_or(serde_json::Value::Null)
}

/// The sections from the posted form (a section with nothing typed is left out).
fn read_sections(p: &Posted, r: &mut CaseRecord) {
    let mut maps: std::collections::BTreeMap<&str, serde_json::Map<String, serde_json::Value>> =
        std::collections::BTreeMap::new();
    for (name, section, element, _, _) in SECTION_FIELDS {
        let v = p.get(name);
        if !v.is_empty() {
            maps.entry(section)
                .or_default()
                .insert((*element).to_string(), serde_json::Value::String(v));
        }
    }
    for (section, map) in maps {
        let value = serde_json::Value::Object(map);
        // The keys are the sections' own element names, so these cannot fail.
        match section {
            "preservation" => r.preservation = serde_json::from_value(value).ok(),
            "hearing" => r.hearing = serde_json::from_value(value).ok(),
            "legal_review" => r.legal_review = serde_json::from_value(value).ok(),
            _ => r.deliberation = serde_json::from_value(value).ok(),
        }
    }
}

fn values_of(r: &CaseRecord) -> Vec<(&'static str, String)> {
    let mut v = Vec::new();
    match &r.party {
        Some(PartyDetails::Individual {
            id_type,
            id_no,
            address,
            phone,
        }) => {
            v.push(("id_type", id_type.code().to_string()));
            v.push(("id_no", id_no.clone()));
            v.push(("party_address", address.clone()));
            v.push(("phone", phone.clone().unwrap_or_default()));
        }
        Some(PartyDetails::Organisation {
            credit_code,
            legal_representative,
            address,
        }) => {
            v.push(("credit_code", credit_code.clone()));
            v.push(("legal_representative", legal_representative.clone()));
            v.push(("party_address", address.clone()));
        }
        None => {}
    }
    if let Some(s) = &r.source {
        v.push(("source_kind", s.kind.code().to_string()));
        v.push((
            "source_complaint_id",
            s.complaint_id.clone().unwrap_or_default(),
        ));
        v.push(("source_detail", s.detail.clone().unwrap_or_default()));
    }
    if let Some(p) = &r.place {
        v.push(("place_address", p.address.clone()));
        v.push((
            "longitude",
            p.longitude.map(|x| x.to_string()).unwrap_or_default(),
        ));
        v.push((
            "latitude",
            p.latitude.map(|x| x.to_string()).unwrap_or_default(),
        ));
    }
    v.push(("facts", r.facts.clone().unwrap_or_default()));
    v.push((
        "discretion_reason",
        r.discretion_reason.clone().unwrap_or_default(),
    ));
    for (name, section, element, _, _) in SECTION_FIELDS {
        if let Some(text) = section_json(r, section)[*element].as_str() {
            v.push((*name, text.to_string()));
        }
    }
    v
}

fn evidence_rows(r: &CaseRecord) -> Vec<EvidenceRowInput> {
    let mut rows: Vec<EvidenceRowInput> = r
        .evidence
        .iter()
        .map(|e| EvidenceRowInput {
            kind: e.kind.code().to_string(),
            description: e.description.clone(),
            source: e.source.clone(),
            date: e.date.to_string(),
            file_id: e.file_id.clone().unwrap_or_default(),
        })
        .collect();
    rows.extend((0..BLANK_ROWS).map(|_| EvidenceRowInput {
        kind: String::new(),
        description: String::new(),
        source: String::new(),
        date: String::new(),
        file_id: String::new(),
    }));
    rows
}

async fn page_for(
    state: &AppState,
    user: &crate::service::auth::CurrentUser,
    id: &str,
) -> Result<RecordPage, ServiceError> {
    let view = case::get(state, user, id).await?;
    let record = case_record::get(state, user, id).await?;
    let organisation = view.case_row.party_kind == "organisation";
    let mut f = Fields(fields(organisation));
    for (name, value) in values_of(&record) {
        if let Some(field) = f.0.iter_mut().find(|x| x.name == name) {
            field.value = value;
        }
    }
    f.select_current();
    Ok(RecordPage {
        layout: Layout::new(state, user, "案件记录", "/cases"),
        review_only: !user.may(Action::EditCaseRecord),
        may_save: user.may(Action::EditCaseRecord) || user.may(Action::WriteLegalReview),
        case_id: view.case_row.id.clone(),
        case_no: view.case_row.case_no.clone(),
        party_name: view.case_row.party_name.clone(),
        organisation,
        version: view.case_row.version,
        fields: f,
        evidence: evidence_rows(&record),
        evidence_kinds: EvidenceKind::ALL
            .iter()
            .map(|k| (k.code(), k.label()))
            .collect(),
        files: view
            .evidence
            .iter()
            .map(|e| (e.id.clone(), e.file_name.clone()))
            .collect(),
        form_error: None,
    })
}

async fn form(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path(id): Path<String>,
) -> PageResult {
    Ok(render(&page_for(&state, &user, &id).await?))
}

/// The values of a repeated field, in order, empty ones kept (rows stay aligned).
fn column(p: &Posted, name: &str) -> Vec<String> {
    p.0.iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.trim().to_string())
        .collect()
}

fn opt(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// The record from the posted form; form errors are attached to `page`.
fn read_record(p: &Posted, page: &mut RecordPage) -> Option<CaseRecord> {
    let address = p.get("party_address");
    let party = if page.organisation {
        let code = p.get("credit_code");
        let rep = p.get("legal_representative");
        (!code.is_empty() || !rep.is_empty() || !address.is_empty()).then(|| {
            PartyDetails::Organisation {
                credit_code: code,
                legal_representative: rep,
                address: address.clone(),
            }
        })
    } else {
        let id_no = p.get("id_no");
        let id_type = IdType::ALL
            .into_iter()
            .find(|t| t.code() == p.get("id_type"))
            .unwrap_or(IdType::ResidentIdCard);
        (!id_no.is_empty() || !address.is_empty()).then(|| PartyDetails::Individual {
            id_type,
            id_no,
            address: address.clone(),
            phone: opt(p.get("phone")),
        })
    };
    let source = SourceKind::ALL
        .into_iter()
        .find(|s| s.code() == p.get("source_kind"))
        .map(|kind| CaseSource {
            kind,
            complaint_id: opt(p.get("source_complaint_id")),
            detail: opt(p.get("source_detail")),
        });
    let coordinate = |name: &str, page: &mut RecordPage| -> Option<f64> {
        let v = p.get(name);
        if v.is_empty() {
            return None;
        }
        match v.parse::<f64>() {
            Ok(x) if x.is_finite() => Some(x),
            _ => {
                page.fields.error(name, "请填写十进制度数，如 112.528061");
                None
            }
        }
    };
    let longitude = coordinate("longitude", page);
    let latitude = coordinate("latitude", page);
    let place_address = p.get("place_address");
    let place =
        (!place_address.is_empty() || longitude.is_some() || latitude.is_some()).then_some(Place {
            address: place_address,
            longitude,
            latitude,
        });
    let kinds = column(p, "ev_kind");
    let descriptions = column(p, "ev_description");
    let sources = column(p, "ev_source");
    let dates = column(p, "ev_date");
    let files = column(p, "ev_file");
    let mut evidence = Vec::new();
    let mut typed = Vec::new();
    for i in 0..kinds.len() {
        let get = |c: &Vec<String>| c.get(i).cloned().unwrap_or_default();
        let row = EvidenceRowInput {
            kind: get(&kinds),
            description: get(&descriptions),
            source: get(&sources),
            date: get(&dates),
            file_id: get(&files),
        };
        if row.description.is_empty() && row.source.is_empty() && row.date.is_empty() {
            continue;
        }
        let kind = EvidenceKind::ALL.into_iter().find(|k| k.code() == row.kind);
        let date = chrono::NaiveDate::parse_from_str(&row.date, "%Y-%m-%d").ok();
        match (kind, date) {
            (Some(kind), Some(date)) => evidence.push(EvidenceItem {
                kind,
                description: row.description.clone(),
                source: row.source.clone(),
                date,
                file_id: opt(row.file_id.clone()),
            }),
            _ => {
                page.form_error = Some(format!(
                    "证据目录第{}项：请选择证据种类并填写取得日期（年-月-日）",
                    typed.len() + 1
                ));
            }
        }
        typed.push(row);
    }
    typed.extend(evidence_rows(&CaseRecord::default()));
    page.evidence = typed;
    if page.fields.has_errors() || page.form_error.is_some() {
        return None;
    }
    let mut record = CaseRecord {
        party,
        source,
        place,
        facts: opt(p.get("facts")),
        evidence,
        discretion_reason: opt(p.get("discretion_reason")),
        ..CaseRecord::default()
    };
    read_sections(p, &mut record);
    Some(record)
}

async fn submit(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let posted = Posted::parse(&body);
    check_csrf(&user, &posted.get("_csrf"))?;
    let mut page = page_for(&state, &user, &id).await?;
    page.fields.fill(&posted);
    let expected_version = posted.get("version").parse().unwrap_or(page.version);
    let Some(record) = read_record(&posted, &mut page) else {
        if page.form_error.is_none() {
            page.form_error = Some("请更正标出的内容后再提交".into());
        }
        return Ok(render(&page));
    };
    match case_record::update(
        &state,
        &user,
        &id,
        RecordUpdate {
            expected_version,
            record,
        },
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/cases/{id}?ok={}",
            crate::web::page::urlencode("已保存案件记录")
        ))
        .into_response()),
        Err(ServiceError::Invalid { message, field, .. }) => {
            let name = match field.as_deref().unwrap_or("") {
                "party.id_no" => "id_no",
                "party.phone" => "phone",
                "party.address" => "party_address",
                "party.credit_code" => "credit_code",
                "party.legal_representative" => "legal_representative",
                "source.complaint_id" => "source_complaint_id",
                "source.detail" => "source_detail",
                "place.address" => "place_address",
                "place.longitude" => "longitude",
                // preservation.items → preservation_items, hearing.place → hearing_place, …
                other => other,
            }
            .replace('.', "_");
            if page.fields.has(&name) {
                page.fields.error(&name, message);
                page.form_error = Some("请更正标出的内容后再提交".into());
            } else {
                page.form_error = Some(message);
            }
            Ok(render(&page))
        }
        Err(ServiceError::VersionConflict { .. }) => {
            page.form_error =
                Some("案件已被他人更新，请重新打开本页核对后再保存（您填写的内容仍在下方）".into());
            Ok(render(&page))
        }
        Err(e) => Err(e.into()),
    }
}
