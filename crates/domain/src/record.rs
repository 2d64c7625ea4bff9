//! The case record (案件记录) the enforcement documents are written from, as pure data: the
//! party's identity (an individual's 身份证件 and phone, an organisation's 统一社会信用代码
//! and 法定代表人, and the address), the 案件来源, the place of the act, the 违法事实 found by
//! the officer, the 证据目录 (each item one of the eight kinds of evidence of 行政处罚法第四十六条)
//! and the 裁量理由; and, for the later steps, the 先行登记保存 items and handling, the
//! hearing, the 法制审核 findings and the 集体讨论.
//!
//! The same record is stored with a live case (crate `fazhi`, `service::case_record`) and may be
//! written in a case-check timeline (`record:`, see docs/case-timeline.md). Both are checked by
//! [`CaseRecord::normalise`] (identity numbers by their national standards, lengths, coordinates)
//! and judged by [`missing_elements`]: what a step or document still lacks. The engine flags a
//! 事先告知 without facts and reasons (`pre_decision_notice`, 行政处罚法第四十四条) and a decision
//! without identity, facts or evidence (`decision_document_contents`, 第五十九条) when a record is
//! kept; the documents refuse to generate on the same list.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::timeline::{CnDate, PartyKind};

/// A record element that is not acceptable: the JSON path of the field and a Chinese message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RecordError {
    /// Path of the field, e.g. `party.id_no` or `evidence[2].source`.
    pub field: String,
    /// What is wrong, in Chinese.
    pub message: String,
}

fn bad(field: &str, message: impl Into<String>) -> RecordError {
    RecordError {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// 身份证件种类.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IdType {
    /// 居民身份证 (number checked per GB 11643).
    ResidentIdCard,
    /// 护照
    Passport,
    /// 港澳居民来往内地通行证
    HkMacaoPermit,
    /// 台湾居民来往大陆通行证
    TaiwanPermit,
    /// 外国人永久居留身份证
    ForeignPermanentResidence,
}

impl IdType {
    pub const ALL: [IdType; 5] = [
        IdType::ResidentIdCard,
        IdType::Passport,
        IdType::HkMacaoPermit,
        IdType::TaiwanPermit,
        IdType::ForeignPermanentResidence,
    ];

    pub fn label(self) -> &'static str {
        match self {
            IdType::ResidentIdCard => "居民身份证",
            IdType::Passport => "护照",
            IdType::HkMacaoPermit => "港澳居民来往内地通行证",
            IdType::TaiwanPermit => "台湾居民来往大陆通行证",
            IdType::ForeignPermanentResidence => "外国人永久居留身份证",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            IdType::ResidentIdCard => "resident_id_card",
            IdType::Passport => "passport",
            IdType::HkMacaoPermit => "hk_macao_permit",
            IdType::TaiwanPermit => "taiwan_permit",
            IdType::ForeignPermanentResidence => "foreign_permanent_residence",
        }
    }
}

/// The party's identity as the documents print it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PartyDetails {
    /// 自然人: 身份证件 type and number, address, phone.
    Individual {
        id_type: IdType,
        id_no: String,
        address: String,
        #[serde(default)]
        phone: Option<String>,
    },
    /// 法人或者其他组织: 统一社会信用代码, 法定代表人 (负责人), address.
    Organisation {
        credit_code: String,
        legal_representative: String,
        address: String,
    },
}

impl PartyDetails {
    pub fn address(&self) -> &str {
        match self {
            PartyDetails::Individual { address, .. }
            | PartyDetails::Organisation { address, .. } => address,
        }
    }

    /// The identity line of a document: 「居民身份证：4113…」 or 「统一社会信用代码：…，法定代表人：…」.
    pub fn identity_text(&self) -> String {
        match self {
            PartyDetails::Individual {
                id_type,
                id_no,
                phone,
                ..
            } => {
                let mut t = format!("{}号码：{id_no}", id_type.label());
                if let Some(p) = phone.as_deref().filter(|p| !p.is_empty()) {
                    t.push_str(&format!("，联系电话：{p}"));
                }
                t
            }
            PartyDetails::Organisation {
                credit_code,
                legal_representative,
                ..
            } => format!(
                "统一社会信用代码：{credit_code}，法定代表人（负责人）：{legal_representative}"
            ),
        }
    }
}

/// 案件来源.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// 巡查发现
    Patrol,
    /// 投诉举报 (with the complaint it came from)
    Complaint,
    /// 监督检查
    Inspection,
    /// 上级交办、其他部门移送
    Referral,
}

impl SourceKind {
    pub const ALL: [SourceKind; 4] = [
        SourceKind::Patrol,
        SourceKind::Complaint,
        SourceKind::Inspection,
        SourceKind::Referral,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Patrol => "巡查发现",
            SourceKind::Complaint => "投诉举报",
            SourceKind::Inspection => "监督检查",
            SourceKind::Referral => "上级交办或其他部门移送",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            SourceKind::Patrol => "patrol",
            SourceKind::Complaint => "complaint",
            SourceKind::Inspection => "inspection",
            SourceKind::Referral => "referral",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CaseSource {
    pub kind: SourceKind,
    /// The complaint (投诉举报) the case came from; required for `complaint`.
    #[serde(default)]
    pub complaint_id: Option<String>,
    /// Who referred or assigned the case, for `referral`; optional detail otherwise.
    #[serde(default)]
    pub detail: Option<String>,
}

/// 违法行为发生地点.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub address: String,
    /// WGS-84 longitude, when known.
    #[serde(default)]
    pub longitude: Option<f64>,
    /// WGS-84 latitude, when known.
    #[serde(default)]
    pub latitude: Option<f64>,
}

/// The eight kinds of evidence (行政处罚法第四十六条; 行政诉讼法第三十三条).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// 书证
    Documentary,
    /// 物证
    Physical,
    /// 视听资料
    AudioVisual,
    /// 电子数据
    Electronic,
    /// 证人证言
    Witness,
    /// 当事人的陈述
    PartyStatement,
    /// 鉴定意见
    ExpertOpinion,
    /// 勘验笔录、现场笔录
    InspectionRecord,
}

impl EvidenceKind {
    pub const ALL: [EvidenceKind; 8] = [
        EvidenceKind::Documentary,
        EvidenceKind::Physical,
        EvidenceKind::AudioVisual,
        EvidenceKind::Electronic,
        EvidenceKind::Witness,
        EvidenceKind::PartyStatement,
        EvidenceKind::ExpertOpinion,
        EvidenceKind::InspectionRecord,
    ];

    pub fn label(self) -> &'static str {
        match self {
            EvidenceKind::Documentary => "书证",
            EvidenceKind::Physical => "物证",
            EvidenceKind::AudioVisual => "视听资料",
            EvidenceKind::Electronic => "电子数据",
            EvidenceKind::Witness => "证人证言",
            EvidenceKind::PartyStatement => "当事人的陈述",
            EvidenceKind::ExpertOpinion => "鉴定意见",
            EvidenceKind::InspectionRecord => "勘验笔录、现场笔录",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            EvidenceKind::Documentary => "documentary",
            EvidenceKind::Physical => "physical",
            EvidenceKind::AudioVisual => "audio_visual",
            EvidenceKind::Electronic => "electronic",
            EvidenceKind::Witness => "witness",
            EvidenceKind::PartyStatement => "party_statement",
            EvidenceKind::ExpertOpinion => "expert_opinion",
            EvidenceKind::InspectionRecord => "inspection_record",
        }
    }
}

/// One item of the 证据目录.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EvidenceItem {
    pub kind: EvidenceKind,
    pub description: String,
    /// 证据来源 (who provided it, or how it was obtained).
    pub source: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: NaiveDate,
    /// An evidence file of this case (`/cases/{id}/evidence`), when there is one.
    #[serde(default)]
    pub file_id: Option<String>,
}

/// Defines a section of the record made of optional texts, each with its JSON name, its
/// Chinese label (used in refusals that name a missing element) and its length limit.
macro_rules! text_section {
    ($(#[$meta:meta])* $name:ident { $($(#[$fmeta:meta])* $field:ident : $label:literal, $max:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $($(#[$fmeta])* #[serde(default)] pub $field: Option<String>,)+
        }

        impl $name {
            /// Each element's JSON name and Chinese label.
            pub const LABELS: &'static [(&'static str, &'static str)] =
                &[$((stringify!($field), $label)),+];

            /// Each element: JSON name, Chinese label, the text when written.
            pub fn elements(&self) -> Vec<(&'static str, &'static str, Option<&str>)> {
                vec![$((
                    stringify!($field),
                    $label,
                    self.$field.as_deref().map(str::trim).filter(|t| !t.is_empty()),
                ),)+]
            }

            /// Trims every text (an empty one becomes absent) and checks its length.
            fn normalise(&mut self, section: &str) -> Result<(), RecordError> {
                $(optional_text(
                    &mut self.$field,
                    &format!("{section}.{}", stringify!($field)),
                    $label,
                    $max,
                )?;)+
                Ok(())
            }

            /// Whether nothing was written.
            pub fn is_empty(&self) -> bool {
                self.elements().iter().all(|(_, _, t)| t.is_none())
            }
        }
    };
}

text_section! {
    /// 先行登记保存 (行政处罚法第五十六条): what was preserved, where it is kept, and the
    /// handling decided within 7 working days.
    PreservationRecord {
        /// 先行登记保存物品清单 (name, quantity, condition of each item).
        items: "先行登记保存物品清单", 2000;
        /// 保存地点.
        keeping_place: "保存地点", 200;
        /// 处理决定 (e.g. returned, transferred, confiscated), for the 处理决定书.
        handling: "先行登记保存物品的处理决定", 2000;
    }
}

text_section! {
    /// 听证 (行政处罚法第六十四条、第六十五条): what the 听证笔录 and the chair's 听证报告 print.
    HearingRecord {
        /// 听证地点.
        place: "听证地点", 200;
        /// Start and end time on the hearing day, e.g. 「9时00分至10时30分」.
        time: "听证起止时间", 50;
        /// 记录人.
        recorder: "听证记录人", 50;
        /// 参加人员: the party or agents, the investigators, others.
        participants: "听证参加人", 1000;
        /// 调查人员提出的违法事实、证据和行政处罚建议.
        investigators_case: "调查人员提出的违法事实、证据和处罚建议", 5000;
        /// 当事人的陈述、申辩和质证意见, and the evidence the party brought.
        party_statement: "当事人的陈述、申辩、质证意见和证据", 5000;
        /// The chair's opinion on the case (听证报告).
        chair_opinion: "听证主持人对案件的处理意见", 3000;
    }
}

text_section! {
    /// 法制审核 (行政处罚法第五十八条): the reviewer and the findings on 主体、事实、证据、
    /// 依据、程序、裁量, and the opinion.
    LegalReviewRecord {
        /// 审核人 (name).
        reviewer: "法制审核人员", 50;
        /// 执法主体是否合法、执法人员是否具备执法资格.
        subject: "执法主体审核意见", 1000;
        /// 案件事实是否清楚.
        facts: "案件事实审核意见", 1000;
        /// 证据是否确实充分.
        evidence: "证据审核意见", 1000;
        /// 适用法律依据是否准确.
        basis: "适用依据审核意见", 1000;
        /// 程序是否合法.
        procedure: "程序审核意见", 1000;
        /// 裁量基准运用是否适当.
        discretion: "裁量审核意见", 1000;
        /// 审核意见 (the conclusion and any changes asked for).
        opinion: "法制审核结论意见", 3000;
    }
}

text_section! {
    /// 集体讨论 (行政处罚法第五十七条第二款): who presided and took part, the discussion and
    /// the conclusion.
    DeliberationRecord {
        /// 主持人 (the presiding head of the agency).
        presiding: "主持人", 50;
        /// 参加人员.
        participants: "参加人员", 1000;
        /// 讨论情况.
        discussion: "讨论情况", 5000;
        /// 讨论结论.
        conclusion: "讨论结论", 2000;
    }
}

/// The record. Every part is optional while the case is being investigated; the documents
/// say which part they still need.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CaseRecord {
    #[serde(default)]
    pub party: Option<PartyDetails>,
    #[serde(default)]
    pub source: Option<CaseSource>,
    #[serde(default)]
    pub place: Option<Place>,
    /// 违法事实, written by the officer; required before the 事先告知.
    #[serde(default)]
    pub facts: Option<String>,
    /// 证据目录.
    #[serde(default)]
    pub evidence: Vec<EvidenceItem>,
    /// 裁量理由: why this tier of the benchmark (shown beside it on the 事先告知书).
    #[serde(default)]
    pub discretion_reason: Option<String>,
    /// 先行登记保存: items, keeping place, handling.
    #[serde(default)]
    pub preservation: Option<PreservationRecord>,
    /// 听证: place, time, recorder, participants, both sides, the chair's opinion.
    #[serde(default)]
    pub hearing: Option<HearingRecord>,
    /// 法制审核: reviewer, findings, opinion.
    #[serde(default)]
    pub legal_review: Option<LegalReviewRecord>,
    /// 集体讨论: presiding head, participants, discussion, conclusion.
    #[serde(default)]
    pub deliberation: Option<DeliberationRecord>,
}

impl CaseRecord {
    /// The facts, when written.
    pub fn facts(&self) -> Option<&str> {
        self.facts
            .as_deref()
            .map(str::trim)
            .filter(|f| !f.is_empty())
    }

    pub fn discretion_reason(&self) -> Option<&str> {
        self.discretion_reason
            .as_deref()
            .map(str::trim)
            .filter(|f| !f.is_empty())
    }

    /// The 证据目录 as a document prints it: 「1. 书证：…（来源：…，2026年3月3日）；2. …」.
    pub fn evidence_text(&self) -> Option<String> {
        if self.evidence.is_empty() {
            return None;
        }
        Some(
            self.evidence
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    format!(
                        "{}. {}：{}（来源：{}，{}）",
                        i + 1,
                        e.kind.label(),
                        e.description.trim(),
                        e.source.trim(),
                        CnDate(e.date)
                    )
                })
                .collect::<Vec<_>>()
                .join("；"),
        )
    }
}

/// 居民身份证号码 check (GB 11643-1999): 17 digits and an ISO 7064 MOD 11-2 check character.
pub fn valid_resident_id(no: &str) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let b = no.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = b[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK[(sum % 11) as usize] == b[17].to_ascii_uppercase()
}

/// 统一社会信用代码 check (GB 32100-2015): 18 characters of the code set, the last a
/// MOD 31 check character.
pub fn valid_credit_code(code: &str) -> bool {
    const SET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [usize; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let chars: Vec<char> = code.chars().collect();
    if chars.len() != 18 {
        return false;
    }
    let mut values = Vec::with_capacity(18);
    for c in &chars {
        match SET.find(*c) {
            Some(v) => values.push(v),
            None => return false,
        }
    }
    let sum: usize = values[..17].iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    values[17] == check
}

/// A mainland phone number: a mobile (11 digits from 1) or a landline with its area code.
pub fn valid_phone(p: &str) -> bool {
    let digits: String = p.chars().filter(|c| *c != '-' && *c != ' ').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    (digits.len() == 11 && digits.starts_with('1'))
        || (digits.starts_with('0') && (10..=12).contains(&digits.len()))
}

fn trimmed(s: &mut String) {
    *s = s.trim().to_string();
}

fn required(value: &str, field: &str, label: &str, max: usize) -> Result<(), RecordError> {
    if value.is_empty() || value.chars().count() > max {
        return Err(bad(field, format!("{label}不能为空，且不超过{max}个字")));
    }
    Ok(())
}

fn optional_text(
    value: &mut Option<String>,
    field: &str,
    label: &str,
    max: usize,
) -> Result<(), RecordError> {
    if let Some(v) = value.as_mut() {
        trimmed(v);
        if v.chars().count() > max {
            return Err(bad(field, format!("{label}不超过{max}个字")));
        }
    }
    if value.as_deref() == Some("") {
        *value = None;
    }
    Ok(())
}

/// Most items a 证据目录 may list.
pub const MAX_EVIDENCE_ITEMS: usize = 200;

impl CaseRecord {
    /// Trims every text (an empty optional one becomes absent, an empty section no section) and
    /// checks what needs no storage: identity numbers (GB 11643, GB 32100), phone, lengths,
    /// coordinates, a complaint link only on a complaint source, the evidence items' texts.
    /// The caller checks what needs storage (the linked complaint exists, an evidence file
    /// belongs to the case).
    pub fn normalise(&mut self) -> Result<(), RecordError> {
        match &mut self.party {
            Some(PartyDetails::Individual {
                id_type,
                id_no,
                address,
                phone,
            }) => {
                trimmed(id_no);
                trimmed(address);
                required(id_no, "party.id_no", "身份证件号码", 40)?;
                required(address, "party.address", "当事人住址", 200)?;
                if *id_type == IdType::ResidentIdCard && !valid_resident_id(id_no) {
                    return Err(bad(
                        "party.id_no",
                        "居民身份证号码应为18位且校验码正确（GB 11643）",
                    ));
                }
                optional_text(phone, "party.phone", "联系电话", 20)?;
                if let Some(p) = phone.as_deref()
                    && !valid_phone(p)
                {
                    return Err(bad(
                        "party.phone",
                        "联系电话应为11位手机号码或带区号的固定电话号码",
                    ));
                }
            }
            Some(PartyDetails::Organisation {
                credit_code,
                legal_representative,
                address,
            }) => {
                *credit_code = credit_code.trim().to_uppercase();
                trimmed(legal_representative);
                trimmed(address);
                if !valid_credit_code(credit_code) {
                    return Err(bad(
                        "party.credit_code",
                        "统一社会信用代码应为18位且校验码正确（GB 32100）",
                    ));
                }
                required(
                    legal_representative,
                    "party.legal_representative",
                    "法定代表人（负责人）",
                    50,
                )?;
                required(address, "party.address", "当事人住所", 200)?;
            }
            None => {}
        }
        if let Some(s) = &mut self.source {
            optional_text(&mut s.detail, "source.detail", "案件来源说明", 200)?;
            optional_text(&mut s.complaint_id, "source.complaint_id", "投诉编号", 64)?;
            if s.kind != SourceKind::Complaint && s.complaint_id.is_some() {
                return Err(bad(
                    "source.complaint_id",
                    "只有来源为投诉举报的案件才关联投诉举报记录",
                ));
            }
        }
        if let Some(p) = &mut self.place {
            trimmed(&mut p.address);
            required(&p.address, "place.address", "违法行为发生地点", 200)?;
            if p.longitude.is_some() != p.latitude.is_some()
                || p.longitude.is_some_and(|x| !(-180.0..=180.0).contains(&x))
                || p.latitude.is_some_and(|y| !(-90.0..=90.0).contains(&y))
            {
                return Err(bad(
                    "place.longitude",
                    "经纬度应成对填写，经度在-180至180之间，纬度在-90至90之间",
                ));
            }
        }
        optional_text(&mut self.facts, "facts", "违法事实", 5000)?;
        optional_text(
            &mut self.discretion_reason,
            "discretion_reason",
            "裁量理由",
            2000,
        )?;
        if let Some(p) = &mut self.preservation {
            p.normalise("preservation")?;
        }
        if let Some(h) = &mut self.hearing {
            h.normalise("hearing")?;
        }
        if let Some(l) = &mut self.legal_review {
            l.normalise("legal_review")?;
        }
        if let Some(d) = &mut self.deliberation {
            d.normalise("deliberation")?;
        }
        // A section with nothing written is no section.
        if self
            .preservation
            .as_ref()
            .is_some_and(PreservationRecord::is_empty)
        {
            self.preservation = None;
        }
        if self.hearing.as_ref().is_some_and(HearingRecord::is_empty) {
            self.hearing = None;
        }
        if self
            .legal_review
            .as_ref()
            .is_some_and(LegalReviewRecord::is_empty)
        {
            self.legal_review = None;
        }
        if self
            .deliberation
            .as_ref()
            .is_some_and(DeliberationRecord::is_empty)
        {
            self.deliberation = None;
        }
        if self.evidence.len() > MAX_EVIDENCE_ITEMS {
            return Err(bad(
                "evidence",
                format!("证据目录不超过{MAX_EVIDENCE_ITEMS}项"),
            ));
        }
        for (i, e) in self.evidence.iter_mut().enumerate() {
            trimmed(&mut e.description);
            trimmed(&mut e.source);
            required(
                &e.description,
                &format!("evidence[{i}].description"),
                "证据名称及内容",
                500,
            )?;
            required(&e.source, &format!("evidence[{i}].source"), "证据来源", 200)?;
        }
        Ok(())
    }
}

impl CaseRecord {
    /// The record's party details must be of the case's kind of party: a 身份证件 for a
    /// citizen (公民), a 统一社会信用代码 for an organisation.
    pub fn check_party_kind(&self, kind: PartyKind) -> Result<(), RecordError> {
        match (&self.party, kind) {
            (Some(PartyDetails::Individual { .. }), PartyKind::Organisation) => Err(bad(
                "party.kind",
                "当事人为法人或者其他组织，应当填写统一社会信用代码和法定代表人，而不是个人身份证件",
            )),
            (Some(PartyDetails::Organisation { .. }), PartyKind::Individual) => Err(bad(
                "party.kind",
                "当事人为公民，应当填写身份证件，而不是统一社会信用代码",
            )),
            _ => Ok(()),
        }
    }
}

/// The record elements a document kind (or the step it belongs to) prints that are still empty,
/// named in Chinese: B12 (事先告知: facts and reasons), B19 (决定书: identity and address, facts,
/// evidence), K2/K3 (identity proof, facts, evidence, source); the preservation, hearing,
/// review and deliberation sections for their documents. Kinds that print no record element
/// need nothing.
pub fn missing_elements(kind: &str, r: &CaseRecord) -> Vec<&'static str> {
    // The named elements of a section that are empty (all of them when the section is).
    fn section(
        elements: Vec<(&'static str, &'static str, Option<&str>)>,
        needed: &[&str],
    ) -> Vec<&'static str> {
        elements
            .into_iter()
            .filter(|(name, _, text)| {
                text.is_none() && (needed.is_empty() || needed.contains(name))
            })
            .map(|(_, label, _)| label)
            .collect()
    }
    let hearing = r.hearing.clone().unwrap_or_default();
    match kind {
        "preservation_notice" => {
            return section(
                r.preservation.clone().unwrap_or_default().elements(),
                &["items", "keeping_place"],
            );
        }
        "preservation_decision" => {
            return section(
                r.preservation.clone().unwrap_or_default().elements(),
                &["items", "handling"],
            );
        }
        "hearing_record" => {
            return section(
                hearing.elements(),
                &[
                    "place",
                    "time",
                    "recorder",
                    "participants",
                    "investigators_case",
                    "party_statement",
                ],
            );
        }
        "hearing_report" => return section(hearing.elements(), &[]),
        "legal_review_opinion" => {
            return section(r.legal_review.clone().unwrap_or_default().elements(), &[]);
        }
        "deliberation_record" => {
            return section(r.deliberation.clone().unwrap_or_default().elements(), &[]);
        }
        _ => {}
    }
    let needs: &[(bool, &'static str)] = match kind {
        "advance_notice" => &[
            (r.facts().is_none(), LABEL_FACTS),
            (r.discretion_reason().is_none(), LABEL_REASON),
        ],
        "decision" => &[
            (r.party.is_none(), LABEL_PARTY),
            (r.facts().is_none(), LABEL_FACTS),
            (r.evidence.is_empty(), LABEL_EVIDENCE),
        ],
        "register_approval" => &[(r.source.is_none(), LABEL_SOURCE)],
        "closing_approval" => &[(r.facts().is_none(), LABEL_FACTS)],
        _ => &[],
    };
    needs
        .iter()
        .filter(|(empty, _)| *empty)
        .map(|(_, label)| *label)
        .collect()
}

const LABEL_PARTY: &str = "当事人身份信息（身份证件或统一社会信用代码、地址）";
const LABEL_FACTS: &str = "违法事实";
const LABEL_EVIDENCE: &str = "证据目录";
const LABEL_REASON: &str = "裁量理由";
const LABEL_SOURCE: &str = "案件来源";

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use super::*;

    #[test]
    fn identity_numbers_are_checked() {
        assert!(valid_resident_id("11010519491231002X"));
        assert!(valid_resident_id("11010519491231002x"));
        assert!(!valid_resident_id("110105194912310021"));
        assert!(!valid_resident_id("1101051949123100"));
        assert!(valid_credit_code("91350100M000100Y43"));
        assert!(!valid_credit_code("91350100M000100Y44"));
        assert!(!valid_credit_code("91350100M000100YI3"));
        assert!(valid_phone("13800138000"));
        assert!(valid_phone("0377-63123456"));
        assert!(!valid_phone("12345"));
    }

    fn complete() -> CaseRecord {
        CaseRecord {
            party: Some(PartyDetails::Individual {
                id_type: IdType::ResidentIdCard,
                id_no: " 11010519491231002X ".into(),
                address: "许昌市魏都区某路1号".into(),
                phone: Some(String::new()),
            }),
            source: Some(CaseSource {
                kind: SourceKind::Patrol,
                complaint_id: None,
                detail: None,
            }),
            facts: Some("当事人占道经营".into()),
            discretion_reason: Some("  ".into()),
            evidence: vec![EvidenceItem {
                kind: EvidenceKind::InspectionRecord,
                description: "现场检查笔录".into(),
                source: "执法人员制作".into(),
                date: NaiveDate::from_ymd_opt(2025, 3, 3).unwrap(),
                file_id: None,
            }],
            hearing: Some(HearingRecord::default()),
            ..CaseRecord::default()
        }
    }

    #[test]
    fn normalise_trims_and_drops_empty_parts() {
        let mut r = complete();
        r.normalise().unwrap();
        let Some(PartyDetails::Individual { id_no, phone, .. }) = &r.party else {
            panic!("individual");
        };
        assert_eq!(id_no, "11010519491231002X");
        assert_eq!(phone, &None);
        assert_eq!(r.discretion_reason, None);
        assert_eq!(r.hearing, None);
    }

    #[test]
    fn normalise_names_the_bad_field() {
        let mut r = complete();
        r.party = Some(PartyDetails::Organisation {
            credit_code: "91350100M000100Y44".into(),
            legal_representative: "张三".into(),
            address: "某地".into(),
        });
        assert_eq!(r.normalise().unwrap_err().field, "party.credit_code");
        let mut r = complete();
        r.evidence[0].source = " ".into();
        let e = r.normalise().unwrap_err();
        assert_eq!(e.field, "evidence[0].source");
        assert!(e.message.contains("证据来源"), "{e}");
        let mut r = complete();
        r.source = Some(CaseSource {
            kind: SourceKind::Patrol,
            complaint_id: Some("c1".into()),
            detail: None,
        });
        assert_eq!(r.normalise().unwrap_err().field, "source.complaint_id");
    }

    #[test]
    fn missing_elements_name_what_a_step_lacks() {
        let mut r = complete();
        r.normalise().unwrap();
        assert_eq!(missing_elements("advance_notice", &r), vec!["裁量理由"]);
        assert!(missing_elements("decision", &r).is_empty());
        let empty = CaseRecord::default();
        assert_eq!(
            missing_elements("decision", &empty),
            vec![LABEL_PARTY, "违法事实", "证据目录"]
        );
        assert_eq!(
            missing_elements("register_approval", &empty),
            vec!["案件来源"]
        );
        assert!(missing_elements("service_receipt", &empty).is_empty());
        assert_eq!(missing_elements("hearing_report", &empty).len(), 7);
    }
}
