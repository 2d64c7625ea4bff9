//! Enforcement documents (执法文书) generated from a live case's record: 询问笔录, 现场检查笔录,
//! 先行登记保存通知书 and its 处理决定书, 行政处罚事先告知书, 听证通知书, 听证笔录, 听证报告,
//! 法制审核意见书, 集体讨论记录, 行政处罚决定书, 送达回证, 催告书, 立案审批表, 当场处罚决定书,
//! 结案审批表, and the 案卷封面 and 卷内目录 that bind them into a case file, as DOCX laid out
//! like official documents. The fixed
//! texts are data (`data/documents/templates.toml`, editable by the bureau); the values come
//! from the case, its recorded events and the violation catalogue. Each document gets a
//! number (文号) per kind and year, taken inside the write transaction that stores it, so
//! numbers have no gaps and no duplicates; the file is kept under
//! `<data-dir>/documents/<sha256>.docx` and its hash in the case file. Generating the same
//! document for the same recorded event again returns the stored one.

pub mod pdf;
pub mod render;
pub mod schema;

use super::audit::{Actor, AuditEvent, append};
use super::auth::CurrentUser;
use super::permissions::Action;
use super::{AppState, ServiceError, ServiceResult, catalogue, new_id};
use crate::infra::blob_store::{BlobKey, Shelf};
use crate::infra::clock::to_db_time;
use crate::repo::case_repo::{self, CaseRow};
use crate::repo::document_repo;
/// Storage row the document pages and API still show (issue 12: own API types are to come).
pub use crate::repo::document_repo::DocumentRow;
use crate::repo::officer_repo;
use chrono::{Datelike, NaiveDate};
use fazhi_domain::timeline::{
    CloseReason, CnDate, DecisionOutcome, Event, EventKind, Penalty, PenaltyKind, Right,
};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The embedded default templates (`data/documents/templates.toml`).
pub const DEFAULT_TEMPLATES: &str = include_str!("../../../../data/documents/templates.toml");

/// The fixed texts of one kind of document.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindTemplate {
    pub title: String,
    /// 文号字头, e.g. 卧城管罚决 → 卧城管罚决〔2026〕3号.
    pub number_prefix: String,
    /// Body paragraphs with `{placeholders}`.
    pub paragraphs: Vec<String>,
    /// Right-aligned closing lines (agency, seal, date).
    #[serde(default)]
    pub closing: Vec<String>,
    /// `letter` (running text, the default) or `form` (a bordered table: `标签：内容`
    /// rows; a label with 签名 gives signature and date cells).
    #[serde(default)]
    pub layout: render::Layout,
}

/// All document templates plus common values (agency name, reconsideration body, court…).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Templates {
    #[serde(default)]
    pub common: BTreeMap<String, String>,
    pub kinds: BTreeMap<String, KindTemplate>,
}

impl Templates {
    /// Parses a templates file; every supported kind must be present.
    pub fn from_toml_str(s: &str) -> anyhow::Result<Templates> {
        let t: Templates = toml::from_str(s)?;
        for kind in KINDS {
            if !t.kinds.contains_key(*kind) {
                anyhow::bail!("文书模板缺少“{kind}”");
            }
        }
        Ok(t)
    }

    /// The embedded default templates.
    pub fn embedded() -> anyhow::Result<Templates> {
        Self::from_toml_str(DEFAULT_TEMPLATES)
    }
}

/// The supported kinds, in order of priority.
pub const KINDS: &[&str] = &[
    "inquiry_record",
    "inspection_record",
    "advance_notice",
    "decision",
    "service_receipt",
    "demand",
    "register_approval",
    "hearing_notice",
    "summary_decision",
    "closing_approval",
    "preservation_notice",
    "preservation_decision",
    "hearing_record",
    "hearing_report",
    "legal_review_opinion",
    "deliberation_record",
    "file_cover",
    "file_index",
];

/// The 案卷评查 order of a case file (K3: 立案→调查→审查→决定→送达→执行), as the stage a
/// kind of document belongs to; the 卷内目录 lists the documents stage by stage, and within a
/// stage in the order of the steps they were made for.
pub fn file_stage(kind: &str) -> u8 {
    match kind {
        "register_approval" => 0,
        "inquiry_record"
        | "inspection_record"
        | "preservation_notice"
        | "preservation_decision" => 1,
        "advance_notice"
        | "hearing_notice"
        | "hearing_record"
        | "hearing_report"
        | "legal_review_opinion"
        | "deliberation_record" => 2,
        "decision" | "summary_decision" => 3,
        "service_receipt" => 4,
        _ => 5,
    }
}

/// The order of the kinds inside a case file where two documents are made for the same
/// step (the 询问笔录 before the 现场检查笔录 of one 调查取证, the 听证笔录 before the 听证报告).
const FILE_ORDER: &[&str] = &[
    "register_approval",
    "inquiry_record",
    "inspection_record",
    "preservation_notice",
    "preservation_decision",
    "advance_notice",
    "hearing_notice",
    "hearing_record",
    "hearing_report",
    "legal_review_opinion",
    "deliberation_record",
    "decision",
    "summary_decision",
    "service_receipt",
    "demand",
    "closing_approval",
];

fn file_rank(kind: &str) -> usize {
    FILE_ORDER
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(FILE_ORDER.len())
}

/// The number of pages of a PDF: its page objects (`/Type /Page`, not `/Pages`).
pub fn pdf_pages(pdf: &[u8]) -> u32 {
    let mut n = 0;
    let mut i = 0;
    while let Some(at) = pdf[i..].windows(5).position(|w| w == b"/Type") {
        let mut j = i + at + 5;
        while pdf.get(j).is_some_and(|c| c.is_ascii_whitespace()) {
            j += 1;
        }
        if pdf[j..].starts_with(b"/Page") && !pdf[j..].starts_with(b"/Pages") {
            n += 1;
        }
        i = j;
    }
    n
}

/// One document of the case file as the 卷内目录 lists it.
#[derive(Debug, Clone)]
struct FileEntry {
    title: String,
    doc_no: String,
    date: NaiveDate,
    pages: u32,
}

/// The documents issued in a case, in the K3 order, with their page counts: from the PDF
/// when there is one, else estimated from the DOCX layout (22 lines × 28 characters a
/// page). The cover and the list itself are not listed.
async fn case_file(
    conn: &mut sqlx::AnyConnection,
    dir: &std::path::Path,
    templates: &Templates,
    events: &[(i64, Event)],
    case_id: &str,
) -> ServiceResult<Vec<FileEntry>> {
    let mut docs: Vec<DocumentRow> = document_repo::of_case(&mut *conn, case_id)
        .await?
        .into_iter()
        .filter(|d| d.kind != "file_cover" && d.kind != "file_index")
        .collect();
    docs.sort_by_key(|d| {
        (
            file_stage(&d.kind),
            d.event_seq,
            file_rank(&d.kind),
            d.doc_no.clone(),
        )
    });
    let mut out = Vec::with_capacity(docs.len());
    for d in docs {
        let pdf = match &d.pdf_sha256 {
            Some(sha) => tokio::fs::read(dir.join(format!("{sha}.pdf"))).await.ok(),
            None => None,
        };
        let pages = match pdf.map(|b| pdf_pages(&b)).filter(|n| *n > 0) {
            Some(n) => n,
            None => document_repo::content(&mut *conn, &d.id)
                .await?
                .and_then(|json| serde_json::from_str::<render::Filled>(&json).ok())
                .map_or(1, |f| f.estimated_pages()),
        };
        let date = events
            .iter()
            .find(|(seq, _)| *seq == d.event_seq)
            .map_or_else(
                || {
                    NaiveDate::parse_from_str(d.created_at.get(..10).unwrap_or(""), "%Y-%m-%d")
                        .unwrap_or_default()
                },
                |(_, e)| e.on,
            );
        out.push(FileEntry {
            title: templates
                .kinds
                .get(&d.kind)
                .map_or_else(|| d.kind.clone(), |t| t.title.clone()),
            doc_no: d.doc_no,
            date,
            pages,
        });
    }
    Ok(out)
}

/// The officer's name from the register (the hearing's chair).
async fn officer_name(conn: &mut sqlx::AnyConnection, id: &str) -> ServiceResult<String> {
    Ok(officer_repo::get(conn, id)
        .await?
        .map_or_else(|| id.to_string(), |o| o.name))
}

/// A request to generate a document.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDocument {
    /// `inquiry_record`, `inspection_record`, `advance_notice`, `decision`,
    /// `service_receipt`, `demand`, `register_approval`, `hearing_notice`,
    /// `summary_decision`, `closing_approval`, `preservation_notice`,
    /// `preservation_decision`, `hearing_record`, `hearing_report`, `legal_review_opinion`,
    /// `deliberation_record`, `file_cover` or `file_index`.
    pub kind: String,
}

fn visible(actor: &CurrentUser, case: &CaseRow) -> bool {
    actor.sees(&case.org_unit_id)
}

/// Money the Chinese way without the unit: `6000`, `60.50`.
fn yuan_number(fen: u64) -> String {
    if fen.is_multiple_of(100) {
        format!("{}", fen / 100)
    } else {
        format!("{}.{:02}", fen / 100, fen % 100)
    }
}

/// The penalty as written in a document: `罚款人民币6000元`, `警告`, ….
pub fn penalty_text(p: &Penalty) -> String {
    let parts: Vec<String> = p
        .kinds()
        .map(|k| match k {
            PenaltyKind::Fine => format!("罚款人民币{}元", yuan_number(p.fine_or_zero().fen())),
            PenaltyKind::Confiscation => format!(
                "{}（价值人民币{}元）",
                k.label(),
                yuan_number(p.confiscation.map(|y| y.fen()).unwrap_or(0))
            ),
            _ => k.label().to_string(),
        })
        .collect();
    if parts.is_empty() {
        "不予行政处罚".into()
    } else {
        parts.join("、")
    }
}

fn fill(text: &str, values: &BTreeMap<String, String>) -> String {
    let mut out = text.to_string();
    for (k, v) in values {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

fn not_available(step: &str) -> ServiceError {
    ServiceError::invalid(
        "document_not_available",
        format!("案件记录中没有{step}，不能生成该文书"),
    )
}

/// The record elements a kind prints that are still empty, named in Chinese (the domain's
/// list, shared with the rule engine).
pub use fazhi_domain::record::missing_elements;

fn party_kind(case: &CaseRow) -> fazhi_domain::timeline::PartyKind {
    if case.party_kind == "organisation" {
        fazhi_domain::timeline::PartyKind::Organisation
    } else {
        fazhi_domain::timeline::PartyKind::Individual
    }
}

/// The discretion benchmark (裁量基准) the proposed fine falls in, as the 事先告知书 prints
/// it beside the 裁量理由: 「一般（罚款人民币1000元至3000元；情节：…）」.
fn benchmark_text(
    entry: Option<&fazhi_domain::catalogue::ViolationEntry>,
    party: fazhi_domain::timeline::PartyKind,
    proposed: &Penalty,
) -> String {
    let Some(entry) = entry else {
        return "本机关行政处罚裁量基准".into();
    };
    let fine = proposed.fine_or_zero().fen();
    let tier = entry.tiers.iter().find(|t| {
        t.party.is_none_or(|p| p == party)
            && t.fine_range()
                .is_some_and(|r| r.min.fen() <= fine && fine <= r.max.fen())
    });
    match tier {
        Some(t) => {
            let range = t.fine_range().map_or_else(String::new, |r| {
                format!(
                    "罚款人民币{}元至{}元；",
                    yuan_number(r.min.fen()),
                    yuan_number(r.max.fen())
                )
            });
            format!("{}（{range}情节：{}）", t.level.label(), t.circumstances)
        }
        None => format!("{}规定的处罚幅度", entry.penalty_basis),
    }
}

/// Latest recorded event matching `pick`, with its sequence number.
fn latest(events: &[(i64, Event)], pick: impl Fn(&Event) -> bool) -> Option<&(i64, Event)> {
    events.iter().rev().find(|(_, e)| pick(e))
}

fn decided_penalty(events: &[(i64, Event)]) -> Option<(NaiveDate, Penalty)> {
    events.iter().rev().find_map(|(_, e)| match &e.kind {
        EventKind::Decision {
            outcome: DecisionOutcome::Penalty(p),
            ..
        } => Some((e.on, p.clone())),
        _ => None,
    })
}

/// The officers of an event as written in a document: `王强（执法证号：豫41000001）、李娜（…）`,
/// from the officer register; the certificate valid on the event date (else the latest).
async fn officers_text(conn: &mut sqlx::AnyConnection, e: &Event) -> ServiceResult<String> {
    let day = e.on.format("%Y-%m-%d").to_string();
    let mut out = Vec::new();
    for id in &e.officers {
        let Some(o) = officer_repo::get(conn, id).await? else {
            continue;
        };
        let certs = officer_repo::certificates_of(conn, id).await?;
        let cert = certs
            .iter()
            .rev()
            .find(|c| c.valid_from <= day && day <= c.valid_until)
            .or_else(|| certs.last());
        out.push(match cert {
            Some(c) => format!("{}（执法证号：{}）", o.name, c.cert_no),
            None => format!("{}（执法证号：未登记）", o.name),
        });
    }
    Ok(if out.is_empty() {
        "（未记录）".into()
    } else {
        out.join("、")
    })
}

/// Generates (or returns the already generated) document of `kind` for a case. Returns the
/// record and whether it was created now.
pub async fn generate(
    state: &AppState,
    actor: &CurrentUser,
    case_id: &str,
    input: NewDocument,
) -> ServiceResult<(DocumentRow, bool)> {
    actor.require(Action::GenerateDocuments)?;
    let kind = input.kind.as_str();
    let template = state
        .settings
        .document_templates
        .kinds
        .get(kind)
        .filter(|_| KINDS.contains(&kind))
        .ok_or_else(|| {
            ServiceError::invalid_field(
                "unknown_document_kind",
                "kind",
                format!("不支持的文书种类“{kind}”，可选：{}", KINDS.join("、")),
            )
        })?
        .clone();
    let mut tx = state.db.begin_write().await?;
    let case = case_repo::get(&mut tx, case_id)
        .await?
        .filter(|c| visible(actor, c))
        .ok_or(ServiceError::NotFound { what: "案件" })?;
    let rows = case_repo::events(&mut tx, case_id).await?;
    let mut events = Vec::with_capacity(rows.len());
    for r in &rows {
        let e: Event = serde_json::from_str(&r.event).map_err(anyhow::Error::from)?;
        events.push((r.seq, e));
    }
    let catalogue = catalogue::load(&mut tx).await?;
    let entry = case
        .violation_code
        .as_deref()
        .and_then(|c| catalogue.get(c));
    let address = document_repo::party_address(&mut tx, case_id).await?;
    let evidence = case_repo::evidence_of(&mut tx, case_id).await?;
    let record = super::case_record::load(&mut tx, case_id).await?;

    let mut v: BTreeMap<String, String> = state.settings.document_templates.common.clone();
    let mut set = |k: &str, val: String| {
        v.insert(k.to_string(), val);
    };
    set("party_name", case.party_name.clone());
    set(
        "party_address",
        record
            .party
            .as_ref()
            .map(|p| p.address().to_string())
            .or(address)
            .unwrap_or_else(|| "（未登记）".into()),
    );
    set(
        "party_identity",
        record
            .party
            .as_ref()
            .map_or_else(|| "身份证件：（未登记）".into(), |p| p.identity_text()),
    );
    set(
        "source",
        record.source.as_ref().map_or_else(
            || "（未登记）".into(),
            |s| match s.detail.as_deref() {
                Some(d) => format!("{}（{d}）", s.kind.label()),
                None => s.kind.label().to_string(),
            },
        ),
    );
    set(
        "place",
        record.place.as_ref().map_or_else(
            || "＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿".into(),
            |p| match (p.longitude, p.latitude) {
                (Some(x), Some(y)) => format!("{}（东经{x:.6}°，北纬{y:.6}°）", p.address),
                _ => p.address.clone(),
            },
        ),
    );
    set(
        "discretion_reason",
        record.discretion_reason().unwrap_or("").to_string(),
    );
    set("case_no", case.case_no.clone());
    let act_date = NaiveDate::parse_from_str(&case.act_date, "%Y-%m-%d")
        .map(|d| CnDate(d).to_string())
        .unwrap_or_else(|_| case.act_date.clone());
    set("act_date", act_date);
    set(
        "violation_name",
        entry.map_or_else(|| "违法".into(), |e| e.name.clone()),
    );
    set(
        "legal_basis",
        entry.map_or_else(|| "有关法律、法规".into(), |e| e.legal_basis.clone()),
    );
    set(
        "penalty_basis",
        entry.map_or_else(|| "有关法律、法规".into(), |e| e.penalty_basis.clone()),
    );
    let facts: Vec<String> = events
        .iter()
        .filter_map(|(_, e)| e.note.as_deref().map(str::trim).filter(|n| !n.is_empty()))
        .map(str::to_string)
        .collect();
    set("notes", facts.join("；"));
    // 违法事实 as the officer wrote it; kinds that do not require it fall back to the notes.
    set(
        "facts",
        record
            .facts()
            .map_or_else(|| facts.join("；"), str::to_string),
    );
    let evidence_text = if let Some(listed) = record.evidence_text() {
        listed
    } else if evidence.is_empty() {
        let dates: Vec<String> = events
            .iter()
            .filter(|(_, e)| matches!(e.kind, EventKind::Evidence))
            .map(|(_, e)| CnDate(e.on).to_string())
            .collect();
        if dates.is_empty() {
            "本机关调查取证所得证据材料（详见案卷）".to_string()
        } else {
            format!("{}调查取证所得证据材料（详见案卷）", dates.join("、"))
        }
    } else {
        evidence
            .iter()
            .map(|e| format!("《{}》", e.file_name))
            .collect::<Vec<_>>()
            .join("、")
    };
    set("evidence", evidence_text);

    // Elements a kind needs from its event rather than from the record (the hearing's chair).
    let mut event_missing: Vec<&'static str> = Vec::new();
    let (seq, doc_date) = match kind {
        "preservation_notice" => {
            let (seq, e) = latest(&events, |e| matches!(e.kind, EventKind::Preservation))
                .ok_or_else(|| not_available("先行登记保存"))?;
            let p = record.preservation.clone().unwrap_or_default();
            set("preservation_items", p.items.unwrap_or_default());
            set("keeping_place", p.keeping_place.unwrap_or_default());
            set("preservation_date", CnDate(e.on).to_string());
            set("officers", officers_text(&mut tx, e).await?);
            // B9 evidence_preservation_7wd: the handling is decided within 7 working days.
            let days = state.rules().await?.preservation_decision_working_days;
            let deadline = state
                .calendar()
                .await?
                .add_working_days(e.on, days)
                .map_err(|err| ServiceError::invalid("calendar_out_of_range", err.to_string()))?;
            set("preservation_days", days.to_string());
            set("preservation_deadline", CnDate(deadline).to_string());
            (*seq, e.on)
        }
        "preservation_decision" => {
            let (seq, e) = latest(&events, |e| {
                matches!(e.kind, EventKind::PreservationDecision)
            })
            .ok_or_else(|| not_available("先行登记保存的处理决定"))?;
            let preserved = events
                .iter()
                .rev()
                .find(|(s, p)| *s < *seq && matches!(p.kind, EventKind::Preservation))
                .map(|(_, p)| p.on)
                .ok_or_else(|| not_available("先行登记保存"))?;
            let p = record.preservation.clone().unwrap_or_default();
            set("preservation_items", p.items.unwrap_or_default());
            set("keeping_place", p.keeping_place.unwrap_or_default());
            set("handling", p.handling.unwrap_or_default());
            set("preservation_date", CnDate(preserved).to_string());
            (*seq, e.on)
        }
        "hearing_record" | "hearing_report" => {
            let (seq, e) = latest(&events, |e| matches!(e.kind, EventKind::Hearing { .. }))
                .ok_or_else(|| not_available("听证"))?;
            let EventKind::Hearing { chair } = &e.kind else {
                return Err(not_available("听证"));
            };
            match chair {
                Some(id) => set("chair", officer_name(&mut tx, id).await?),
                None => event_missing.push("听证主持人（在“听证”步骤中指定）"),
            }
            let h = record.hearing.clone().unwrap_or_default();
            set("hearing_date", CnDate(e.on).to_string());
            set("hearing_time", h.time.unwrap_or_default());
            set("hearing_place", h.place.unwrap_or_default());
            set("recorder", h.recorder.unwrap_or_default());
            set("hearing_participants", h.participants.unwrap_or_default());
            set(
                "investigators_case",
                h.investigators_case.unwrap_or_default(),
            );
            set("party_statement", h.party_statement.unwrap_or_default());
            set("chair_opinion", h.chair_opinion.unwrap_or_default());
            (*seq, e.on)
        }
        "legal_review_opinion" => {
            let (seq, e) = latest(&events, |e| matches!(e.kind, EventKind::LegalReview { .. }))
                .ok_or_else(|| not_available("法制审核"))?;
            let EventKind::LegalReview { result } = &e.kind else {
                return Err(not_available("法制审核"));
            };
            let l = record.legal_review.clone().unwrap_or_default();
            // What was put to the reviewer: the penalty proposed in the latest 事先告知.
            let proposed = events.iter().rev().find_map(|(s, n)| match &n.kind {
                EventKind::AdvanceNotice { proposed, .. } if *s < *seq => {
                    Some(penalty_text(proposed))
                }
                _ => None,
            });
            set(
                "penalty",
                proposed.unwrap_or_else(|| "（尚未事先告知）".into()),
            );
            set(
                "review_result",
                match result {
                    fazhi_domain::timeline::ReviewResult::Pass => "审核通过",
                    fazhi_domain::timeline::ReviewResult::Fail => "审核未通过",
                }
                .into(),
            );
            set("review_date", CnDate(e.on).to_string());
            set("reviewer", l.reviewer.unwrap_or_default());
            set("review_subject", l.subject.unwrap_or_default());
            set("review_facts", l.facts.unwrap_or_default());
            set("review_evidence", l.evidence.unwrap_or_default());
            set("review_basis", l.basis.unwrap_or_default());
            set("review_procedure", l.procedure.unwrap_or_default());
            set("review_discretion", l.discretion.unwrap_or_default());
            set("review_opinion", l.opinion.unwrap_or_default());
            (*seq, e.on)
        }
        "deliberation_record" => {
            let (seq, e) = latest(&events, |e| matches!(e.kind, EventKind::Deliberation))
                .ok_or_else(|| not_available("集体讨论"))?;
            let d = record.deliberation.clone().unwrap_or_default();
            set("deliberation_date", CnDate(e.on).to_string());
            set("presiding", d.presiding.unwrap_or_default());
            set(
                "deliberation_participants",
                d.participants.unwrap_or_default(),
            );
            set("discussion", d.discussion.unwrap_or_default());
            set("conclusion", d.conclusion.unwrap_or_default());
            (*seq, e.on)
        }
        "file_cover" | "file_index" => {
            // The case file is bound when the case is closed (结案).
            let (seq, e) = latest(&events, |e| matches!(e.kind, EventKind::Close { .. }))
                .ok_or_else(|| not_available("结案"))?;
            let dir = state.settings.data_dir.join("documents");
            let entries = case_file(
                &mut tx,
                &dir,
                &state.settings.document_templates,
                &events,
                case_id,
            )
            .await?;
            if entries.is_empty() {
                event_missing.push("已生成的执法文书（先生成本案各步骤的文书）");
            }
            let mut first = 1u32;
            let mut rows = Vec::with_capacity(entries.len());
            for (i, f) in entries.iter().enumerate() {
                let last = first + f.pages - 1;
                let pages = if last == first {
                    first.to_string()
                } else {
                    format!("{first}—{last}")
                };
                rows.push(format!(
                    "{}｜{}｜{}｜{}｜{pages}",
                    i + 1,
                    f.title,
                    f.doc_no,
                    f.date.format("%Y.%m.%d")
                ));
                first = last + 1;
            }
            set("index_rows", rows.join("\n"));
            set("document_count", entries.len().to_string());
            set("page_count", (first - 1).to_string());
            let registered = latest(&events, |e| matches!(e.kind, EventKind::Register));
            set(
                "register_date",
                registered.map_or_else(|| "（未立案）".into(), |(_, r)| CnDate(r.on).to_string()),
            );
            set(
                "officers",
                match registered {
                    Some((_, r)) => officers_text(&mut tx, r).await?,
                    None => "（未记录）".into(),
                },
            );
            set("close_date", CnDate(e.on).to_string());
            let outcome = events.iter().rev().find_map(|(_, d)| match &d.kind {
                EventKind::Decision {
                    outcome: DecisionOutcome::Penalty(p),
                    ..
                }
                | EventKind::SummaryPenalty { penalty: p, .. } => Some(penalty_text(p)),
                EventKind::Decision { .. } => Some("不予行政处罚".to_string()),
                _ => None,
            });
            set(
                "outcome",
                outcome.unwrap_or_else(|| match &e.kind {
                    EventKind::Close { reason, .. } => reason.label().to_string(),
                    _ => String::new(),
                }),
            );
            (*seq, e.on)
        }
        "advance_notice" => {
            let (seq, e) = latest(&events, |e| {
                matches!(e.kind, EventKind::AdvanceNotice { .. })
            })
            .ok_or_else(|| not_available("行政处罚事先告知（advance_notice）"))?;
            let EventKind::AdvanceNotice { proposed, rights } = &e.kind else {
                return Err(not_available("行政处罚事先告知（advance_notice）"));
            };
            set("penalty", penalty_text(proposed));
            set(
                "benchmark",
                benchmark_text(entry, party_kind(&case), proposed),
            );
            let hearing = rights.contains(&Right::Hearing);
            set(
                "hearing_article",
                if hearing {
                    "、第六十三条、第六十四条".into()
                } else {
                    String::new()
                },
            );
            set(
                "hearing_right",
                if hearing {
                    "，并有权要求举行听证".into()
                } else {
                    String::new()
                },
            );
            // The same dates the rule engine checks against (pre_decision_notice,
            // hearing_request_deadline), and the periods the bureau's settings give them; a date
            // counted across a year whose notice is not loaded says so in the document.
            let calendar = state.calendar().await?;
            let rules = &*state.rules().await?;
            let dated = |end: NaiveDate| {
                let note = if calendar.crosses_provisional(e.on, end) {
                    crate::service::calendar::PROVISIONAL_NOTE
                } else {
                    ""
                };
                format!("{}{note}", CnDate(end))
            };
            let out_of_range = |err: fazhi_calendar::CalendarError| {
                ServiceError::invalid("calendar_out_of_range", err.to_string())
            };
            let deadline = fazhi_domain::engine::statement_period_end(&calendar, rules, e.on)
                .map_err(out_of_range)?;
            set("statement_days", cn_count(rules.statement_working_days));
            set("reply_deadline", dated(deadline));
            let hearing_request = if hearing {
                let end = fazhi_domain::engine::hearing_request_end(&calendar, rules, e.on)
                    .map_err(out_of_range)?;
                format!(
                    "你（单位）如要求听证，应当在收到本告知书之日起{}个工作日内（即{}前）向本机关提出，逾期视为放弃听证的权利。",
                    cn_count(rules.hearing_request_working_days),
                    dated(end)
                )
            } else {
                String::new()
            };
            set("hearing_request", hearing_request);
            // Kept for a bureau's templates written before `hearing_request` existed.
            set(
                "hearing_or",
                if hearing {
                    "或者要求听证".into()
                } else {
                    String::new()
                },
            );
            (*seq, e.on)
        }
        "decision" => {
            let (seq, e) = latest(&events, |e| {
                matches!(
                    e.kind,
                    EventKind::Decision {
                        outcome: DecisionOutcome::Penalty(_),
                        ..
                    }
                )
            })
            .ok_or_else(|| not_available("给予行政处罚的决定（decision）"))?;
            let EventKind::Decision {
                outcome: DecisionOutcome::Penalty(p),
                ..
            } = &e.kind
            else {
                return Err(not_available("给予行政处罚的决定（decision）"));
            };
            set("penalty", penalty_text(p));
            (*seq, e.on)
        }
        "service_receipt" => {
            let (seq, e) = latest(&events, |e| matches!(e.kind, EventKind::Service { .. }))
                .ok_or_else(|| not_available("行政处罚决定书的送达（service）"))?;
            let EventKind::Service { method, .. } = &e.kind else {
                return Err(not_available("行政处罚决定书的送达（service）"));
            };
            set("service_method", method.label().to_string());
            set("service_date", CnDate(e.on).to_string());
            (*seq, e.on)
        }
        "inquiry_record" | "inspection_record" => {
            let (seq, e) = latest(&events, |e| matches!(e.kind, EventKind::Evidence))
                .ok_or_else(|| not_available("调查取证（evidence）"))?;
            set("officers", officers_text(&mut tx, e).await?);
            set("record_date", CnDate(e.on).to_string());
            set(
                "record",
                e.note.clone().unwrap_or_else(|| "（现场记录）".into()),
            );
            (*seq, e.on)
        }
        "register_approval" => {
            let (seq, e) = latest(&events, |e| matches!(e.kind, EventKind::Register))
                .ok_or_else(|| not_available("立案（register）"))?;
            set("officers", officers_text(&mut tx, e).await?);
            (*seq, e.on)
        }
        "hearing_notice" => {
            let (seq, e) = latest(&events, |e| {
                matches!(e.kind, EventKind::HearingNotice { .. })
            })
            .ok_or_else(|| not_available("听证通知（hearing_notice）"))?;
            let EventKind::HearingNotice { hearing_on } = &e.kind else {
                return Err(not_available("听证通知（hearing_notice）"));
            };
            let earliest = state
                .calendar()
                .await?
                .add_working_days(e.on, 7)
                .map_err(|err| ServiceError::invalid("calendar_out_of_range", err.to_string()))?;
            if earliest > *hearing_on {
                return Err(ServiceError::invalid(
                    "hearing_notice_period",
                    format!(
                        "听证通知于{}送达，听证日期{}早于第7个工作日（{}），不能生成听证通知书",
                        CnDate(e.on),
                        CnDate(*hearing_on),
                        CnDate(earliest)
                    ),
                ));
            }
            set("hearing_date", CnDate(*hearing_on).to_string());
            set("earliest_hearing", CnDate(earliest).to_string());
            // The place from the record's hearing section, else a line to fill in by hand.
            set(
                "hearing_place",
                record
                    .hearing
                    .as_ref()
                    .and_then(|h| h.place.clone())
                    .unwrap_or_else(|| "＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿＿".into()),
            );
            (*seq, e.on)
        }
        "summary_decision" => {
            let (seq, e) = latest(&events, |e| {
                matches!(e.kind, EventKind::SummaryPenalty { .. })
            })
            .ok_or_else(|| not_available("当场处罚（summary_penalty）"))?;
            let EventKind::SummaryPenalty { penalty, .. } = &e.kind else {
                return Err(not_available("当场处罚（summary_penalty）"));
            };
            set("penalty", penalty_text(penalty));
            set("fine", yuan_number(penalty.fine_or_zero().fen()));
            set("officers", officers_text(&mut tx, e).await?);
            (*seq, e.on)
        }
        "closing_approval" => {
            let (seq, e) = latest(&events, |e| matches!(e.kind, EventKind::Close { .. }))
                .ok_or_else(|| not_available("结案（close）"))?;
            let decided = events.iter().rev().find_map(|(_, d)| match &d.kind {
                EventKind::Decision {
                    outcome: DecisionOutcome::Penalty(p),
                    ..
                }
                | EventKind::SummaryPenalty { penalty: p, .. } => Some((d.on, p.clone())),
                _ => None,
            });
            let outcome = match &decided {
                Some((on, p)) => format!("{}决定给予{}", CnDate(*on), penalty_text(p)),
                None => "未作出行政处罚决定".to_string(),
            };
            set("outcome", outcome);
            let (mut paid, mut surcharge) = (0u64, 0u64);
            let mut last_paid = None;
            for (_, p) in &events {
                if let EventKind::Payment {
                    amount,
                    surcharge: s,
                    ..
                } = &p.kind
                {
                    paid += amount.fen();
                    surcharge += s.fen();
                    last_paid = Some(p.on);
                }
            }
            let court = latest(&events, |e| {
                matches!(e.kind, EventKind::CourtEnforcementApplication)
            });
            let mut result = Vec::new();
            if let Some(on) = last_paid {
                let mut t = format!(
                    "当事人已缴纳罚款人民币{}元（最后一次缴款日期{}）",
                    yuan_number(paid),
                    CnDate(on)
                );
                if surcharge > 0 {
                    t.push_str(&format!("，加处罚款人民币{}元", yuan_number(surcharge)));
                }
                result.push(t);
            }
            if let Some((_, c)) = court {
                result.push(format!("本机关已于{}申请人民法院强制执行", CnDate(c.on)));
            }
            // The recorded reason when the case closes other than by performance.
            if let EventKind::Close { reason, ground } = &e.kind
                && *reason != CloseReason::Executed
            {
                let mut t = format!("结案理由：{}", reason.label());
                if let Some(g) = ground {
                    t.push_str(&format!("（{g}）"));
                }
                result.push(t);
            }
            if result.is_empty() {
                result.push(if decided.is_some() {
                    "无缴款或申请强制执行的记录".to_string()
                } else {
                    "无需执行".to_string()
                });
            }
            set("execution", result.join("；"));
            (*seq, e.on)
        }
        _ => {
            let (seq, e) = latest(&events, |e| matches!(e.kind, EventKind::Demand { .. }))
                .ok_or_else(|| not_available("催告（demand）"))?;
            let (decided_on, p) = decided_penalty(&events)
                .filter(|(_, p)| p.fine.is_some())
                .ok_or_else(|| not_available("罚款决定（decision）"))?;
            let served = latest(&events, |e| matches!(e.kind, EventKind::Service { .. }))
                .map(|(_, s)| s.on)
                .ok_or_else(|| not_available("行政处罚决定书的送达（service）"))?;
            let fine = p.fine_or_zero().fen();
            let due = served + chrono::Days::new(15);
            let overdue = u64::try_from((e.on - due).num_days()).unwrap_or(0);
            let surcharge = (fine * 3 / 100).saturating_mul(overdue).min(fine);
            set("decision_date", CnDate(decided_on).to_string());
            set("service_date", CnDate(served).to_string());
            set("penalty", penalty_text(&p));
            set("fine", yuan_number(fine));
            set("surcharge", yuan_number(surcharge));
            set("total", yuan_number(fine + surcharge));
            (*seq, e.on)
        }
    };
    set("date", CnDate(doc_date).to_string());
    // The step is on record; the record must hold what this document prints.
    let mut missing = missing_elements(kind, &record);
    missing.extend(event_missing);
    if !missing.is_empty() {
        return Err(ServiceError::invalid(
            "document_incomplete",
            format!(
                "案件记录缺少{}，不能生成{}。请先在案件页面“案件记录”中填写",
                missing.join("、"),
                template.title
            ),
        ));
    }

    if let Some(existing) = document_repo::find(&mut tx, case_id, kind, seq).await? {
        return Ok((existing, false));
    }
    let year = i64::from(doc_date.year());
    let n = document_repo::next_number(&mut tx, kind, year).await?;
    let doc_no = format!("{}〔{year}〕{n}号", template.number_prefix);
    let filled = render::Filled {
        title: template.title.clone(),
        doc_no: doc_no.clone(),
        // A list (卷内目录) gets one row per line of its filled-in text.
        paragraphs: template
            .paragraphs
            .iter()
            .map(|p| fill(p, &v))
            .flat_map(|p| {
                if template.layout == render::Layout::Index {
                    p.split('\n').map(str::to_string).collect()
                } else {
                    vec![p]
                }
            })
            .collect(),
        closing: template.closing.iter().map(|p| fill(p, &v)).collect(),
        layout: template.layout,
    };
    let bytes = render::to_docx(&filled)?;
    let sha = state
        .blobs()
        .put(Shelf::Documents, Some("docx"), &bytes)
        .await
        .map_err(anyhow::Error::from)?;
    let now = state.clock.now();
    let row = DocumentRow {
        id: new_id(),
        case_id: case_id.to_string(),
        kind: kind.to_string(),
        doc_no: doc_no.clone(),
        event_seq: seq,
        sha256: sha,
        file_name: format!("{doc_no}{}.docx", template.title),
        created_by: actor.id.clone(),
        created_at: to_db_time(now),
        pdf_sha256: None,
    };
    document_repo::insert(&mut tx, &row).await?;
    document_repo::set_content(
        &mut tx,
        &row.id,
        &serde_json::to_string(&filled).map_err(anyhow::Error::from)?,
    )
    .await?;
    append(
        &mut tx,
        &Actor(actor.id.clone()),
        now,
        AuditEvent {
            action: "document.generate",
            entity: "case",
            entity_id: case_id,
            content: serde_json::to_value(&row).map_err(anyhow::Error::from)?,
        },
    )
    .await?;
    tx.commit().await?;
    // The PDF rendering, after the commit so that no write lock is held while LibreOffice
    // runs. A failed conversion leaves the DOCX as the record (logged, `pdf_sha256` null).
    let mut row = row;
    if let Some(soffice) = &state.settings.soffice {
        let work_dir = state.settings.data_dir.join("documents");
        match pdf::convert(soffice, &work_dir, bytes).await {
            Ok(pdf_bytes) => {
                let pdf_sha = state
                    .blobs()
                    .put(Shelf::Documents, Some("pdf"), &pdf_bytes)
                    .await
                    .map_err(anyhow::Error::from)?;
                let mut tx = state.db.begin_write().await?;
                document_repo::set_pdf(&mut tx, &row.id, &pdf_sha).await?;
                tx.commit().await?;
                row.pdf_sha256 = Some(pdf_sha);
            }
            Err(e) => tracing::warn!(document = %row.id, error = %e, "PDF conversion failed"),
        }
    }
    Ok((row, true))
}

/// The documents generated for a case.
pub async fn list(
    state: &AppState,
    actor: &CurrentUser,
    case_id: &str,
) -> ServiceResult<Vec<DocumentRow>> {
    actor.require(Action::ViewDocuments)?;
    let mut conn = state.db.pool.acquire().await?;
    case_repo::get(&mut conn, case_id)
        .await?
        .filter(|c| visible(actor, c))
        .ok_or(ServiceError::NotFound { what: "案件" })?;
    Ok(document_repo::of_case(&mut conn, case_id).await?)
}

/// The two renderings a stored document has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rendering {
    /// The DOCX, the record itself.
    Docx,
    /// The PDF made from it by LibreOffice (absent when none was configured or it failed).
    Pdf,
}

/// A stored document and its bytes.
pub async fn file(
    state: &AppState,
    actor: &CurrentUser,
    doc_id: &str,
) -> ServiceResult<(DocumentRow, Vec<u8>)> {
    stored(state, actor, doc_id, Rendering::Docx).await
}

/// A stored document's PDF rendering (404 when it has none).
pub async fn pdf_file(
    state: &AppState,
    actor: &CurrentUser,
    doc_id: &str,
) -> ServiceResult<(DocumentRow, Vec<u8>)> {
    stored(state, actor, doc_id, Rendering::Pdf).await
}

/// Reads one rendering of a document the actor may see; its download is a read of personal
/// data (a document names the party) and is audited.
async fn stored(
    state: &AppState,
    actor: &CurrentUser,
    doc_id: &str,
    rendering: Rendering,
) -> ServiceResult<(DocumentRow, Vec<u8>)> {
    actor.require(Action::ViewDocuments)?;
    let mut conn = state.db.pool.acquire().await?;
    let doc = document_repo::get(&mut conn, doc_id)
        .await?
        .ok_or(ServiceError::NotFound { what: "文书" })?;
    case_repo::get(&mut conn, &doc.case_id)
        .await?
        .filter(|c| visible(actor, c))
        .ok_or(ServiceError::NotFound { what: "文书" })?;
    drop(conn);
    let key = match rendering {
        Rendering::Docx => BlobKey::document(&doc.sha256, "docx"),
        Rendering::Pdf => {
            let sha = doc.pdf_sha256.as_deref().ok_or(ServiceError::NotFound {
                what: "文书的PDF版本",
            })?;
            BlobKey::document(sha, "pdf")
        }
    };
    let kind = key.extension.unwrap_or_default();
    let bytes = state
        .blobs()
        .get(key)
        .await
        .map_err(anyhow::Error::from)?
        .ok_or_else(|| anyhow::anyhow!("document {} {kind} file missing", doc.id))?;
    super::audit::record_read(
        state,
        &actor.id,
        "document.read",
        ("case", &doc.case_id),
        serde_json::json!({"document_id": doc.id, "doc_no": doc.doc_no, "as": kind}),
    )
    .await?;
    Ok((doc, bytes))
}

/// A small count in Chinese numerals, as documents write periods: 五, 七, 十, 十五, 二十.
fn cn_count(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let digit = |d: u32| DIGITS[d as usize];
    match n {
        0..=9 => digit(n).to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { digit(n - 10) }),
        20..=99 => format!(
            "{}十{}",
            digit(n / 10),
            if n.is_multiple_of(10) {
                ""
            } else {
                digit(n % 10)
            }
        ),
        _ => n.to_string(),
    }
}

/// A stored document's filled-in content, for the print-ready HTML page. `None` for a
/// document generated before the content was kept (its DOCX remains the record).
pub async fn content(
    state: &AppState,
    actor: &CurrentUser,
    doc_id: &str,
) -> ServiceResult<(DocumentRow, Option<render::Filled>)> {
    actor.require(Action::ViewDocuments)?;
    let mut conn = state.db.pool.acquire().await?;
    let doc = document_repo::get(&mut conn, doc_id)
        .await?
        .ok_or(ServiceError::NotFound { what: "文书" })?;
    case_repo::get(&mut conn, &doc.case_id)
        .await?
        .filter(|c| visible(actor, c))
        .ok_or(ServiceError::NotFound { what: "文书" })?;
    let filled = document_repo::content(&mut conn, doc_id)
        .await?
        .and_then(|json| serde_json::from_str(&json).ok());
    drop(conn);
    super::audit::record_read(
        state,
        &actor.id,
        "document.read",
        ("case", &doc.case_id),
        serde_json::json!({"document_id": doc.id, "doc_no": doc.doc_no, "as": "page"}),
    )
    .await?;
    Ok((doc, filled))
}

#[cfg(test)]
mod tests {
    #[test]
    fn periods_are_written_in_chinese_numerals() {
        let words: Vec<String> = [3, 5, 7, 10, 15, 20, 30, 21].map(super::cn_count).into();
        assert_eq!(
            words,
            ["三", "五", "七", "十", "十五", "二十", "三十", "二十一"]
        );
    }

    use super::*;

    #[test]
    fn pdf_pages_counts_page_objects_not_the_page_tree() {
        let pdf = b"%PDF-1.6\n1 0 obj<</Type/Pages/Kids[2 0 R 3 0 R]/Count 2>>endobj\n\
2 0 obj<</Type/Page/Parent 1 0 R>>endobj\n3 0 obj<< /Type /Page /Parent 1 0 R>>endobj\n\
4 0 obj<</Type/Catalog/Pages 1 0 R>>endobj\n%%EOF";
        assert_eq!(pdf_pages(pdf), 2);
        assert_eq!(pdf_pages(b"%PDF-1.6 /Type"), 0);
    }

    #[test]
    fn the_case_file_follows_the_k3_order() {
        let mut kinds: Vec<&str> = FILE_ORDER.to_vec();
        kinds.reverse();
        kinds.sort_by_key(|k| (file_stage(k), file_rank(k)));
        assert_eq!(kinds, FILE_ORDER);
        assert!(file_stage("register_approval") < file_stage("inquiry_record"));
        assert!(file_stage("preservation_decision") < file_stage("advance_notice"));
        assert!(file_stage("deliberation_record") < file_stage("decision"));
        assert!(file_stage("decision") < file_stage("service_receipt"));
        assert!(file_stage("service_receipt") < file_stage("demand"));
    }
}
