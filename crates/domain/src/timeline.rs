//! Case timelines: the public file format of one administrative penalty case (JSON or YAML).
//!
//! A timeline lists the party, the procedure, the officers with their enforcement certificates
//! and the dated events of the case (立案, 调查取证, 事先告知, 听证, 决定, 送达, 缴款, …). The rule
//! engine ([`crate::engine::check_timeline`]) checks a timeline against the law; the live case
//! API stores the events of a case in this very format. The format is documented in
//! `docs/case-timeline.md`.
//!
//! Parsing is strict: unknown fields, unknown event types, fields that do not belong to an event
//! type, invalid amounts, unknown officer ids and events out of date order are errors
//! ([`TimelineError`], with a Chinese message naming the field or the event), never silently
//! ignored. The money type [`Yuan`] and the penalty vocabulary ([`PenaltyKind`], [`PartyKind`])
//! live here and are shared with the violation catalogue.

#[cfg(test)]
mod yaml_agreement;

use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::record::CaseRecord;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

// ---------------------------------------------------------------------------------------------
// Money
// ---------------------------------------------------------------------------------------------

/// An amount of money in yuan, stored exactly as fen (1 yuan = 100 fen).
///
/// In timelines and configuration it is written as a non-negative number of yuan with at most
/// two decimal places (`6000`, `60.5`, `0.01`; a string such as `"60.50"` is accepted too).
/// Anything else (negative, three decimals, not a number) fails to deserialize.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(try_from = "YuanInput")]
pub struct Yuan(u64);

impl Yuan {
    /// Zero yuan.
    pub const ZERO: Yuan = Yuan(0);

    /// An amount given in fen.
    pub const fn from_fen(fen: u64) -> Yuan {
        Yuan(fen)
    }

    /// An amount of whole yuan (saturating at the largest representable amount).
    pub const fn from_yuan(yuan: u64) -> Yuan {
        Yuan(yuan.saturating_mul(100))
    }

    /// The amount in fen.
    pub const fn fen(self) -> u64 {
        self.0
    }

    /// Whether the amount is zero.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Sum, saturating at the largest representable amount.
    pub const fn saturating_add(self, other: Yuan) -> Yuan {
        Yuan(self.0.saturating_add(other.0))
    }

    /// `n` times the amount, saturating at the largest representable amount.
    pub const fn saturating_mul(self, n: u64) -> Yuan {
        Yuan(self.0.saturating_mul(n))
    }

    /// Parses a decimal text of yuan with at most two decimal places (`"6000"`, `"60.5"`).
    pub fn parse_decimal(text: &str) -> Result<Yuan, YuanError> {
        let invalid = || YuanError(format!("金额“{text}”无效：应为不小于0、最多两位小数的元数"));
        let (whole, frac) = match text.split_once('.') {
            Some((w, f)) => (w, f),
            None => (text, ""),
        };
        if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        if text.contains('.') && frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        if frac.len() > 2 {
            return Err(YuanError(format!(
                "金额“{text}”无效：最多保留两位小数（精确到分）"
            )));
        }
        let too_large = || YuanError(format!("金额“{text}”过大"));
        let mut fen: u64 = 0;
        for b in whole.bytes() {
            fen = fen
                .checked_mul(10)
                .and_then(|v| v.checked_add(u64::from(b - b'0')))
                .ok_or_else(too_large)?;
        }
        fen = fen.checked_mul(100).ok_or_else(too_large)?;
        let mut scale = 10;
        for b in frac.bytes() {
            fen = fen
                .checked_add(u64::from(b - b'0') * scale)
                .ok_or_else(too_large)?;
            scale /= 10;
        }
        Ok(Yuan(fen))
    }
}

impl fmt::Display for Yuan {
    /// `6000元`, `60.50元`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, c) = (self.0 / 100, self.0 % 100);
        if c == 0 {
            write!(f, "{y}元")
        } else {
            write!(f, "{y}.{c:02}元")
        }
    }
}

impl Serialize for Yuan {
    /// Whole yuan as an integer, otherwise as a decimal number (`60.5`), so that the value
    /// deserializes back to the same amount.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.is_multiple_of(100) {
            s.serialize_u64(self.0 / 100)
        } else {
            // Exact for any amount below 2^53 fen: the quotient is correctly rounded and its
            // shortest representation is the two-decimal text.
            #[expect(clippy::cast_precision_loss, reason = "amounts are far below 2^53 fen")]
            let v = self.0 as f64 / 100.0;
            s.serialize_f64(v)
        }
    }
}

/// Why an amount is not a valid [`Yuan`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct YuanError(String);

/// The raw value an amount is deserialized from, before validation.
#[derive(Debug, Clone, PartialEq)]
pub enum YuanInput {
    /// An integer (possibly negative, which is rejected).
    Integer(i128),
    /// A floating-point number as written in JSON or YAML.
    Float(f64),
    /// A decimal text.
    Text(String),
}

impl TryFrom<YuanInput> for Yuan {
    type Error = YuanError;

    fn try_from(input: YuanInput) -> Result<Yuan, YuanError> {
        match input {
            YuanInput::Integer(i) => {
                if i < 0 {
                    return Err(YuanError(format!("金额{i}无效：不能为负数")));
                }
                u64::try_from(i)
                    .ok()
                    .and_then(|v| v.checked_mul(100))
                    .map(Yuan)
                    .ok_or_else(|| YuanError(format!("金额{i}过大")))
            }
            YuanInput::Float(f) => {
                if !f.is_finite() {
                    return Err(YuanError("金额无效：不是有限数值".to_owned()));
                }
                if f < 0.0 {
                    return Err(YuanError(format!("金额{f}无效：不能为负数")));
                }
                // Rust prints the shortest text that reads back as the same f64, never in
                // exponent form: `60.5`, `0.1`, `6000.123`.
                Yuan::parse_decimal(&f.to_string())
            }
            YuanInput::Text(t) => Yuan::parse_decimal(t.trim()),
        }
    }
}

impl<'de> Deserialize<'de> for YuanInput {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = YuanInput;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an amount of yuan (金额，元，最多两位小数)")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<YuanInput, E> {
                Ok(YuanInput::Integer(i128::from(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<YuanInput, E> {
                Ok(YuanInput::Integer(i128::from(v)))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<YuanInput, E> {
                Ok(YuanInput::Integer(i128::try_from(v).unwrap_or(i128::MAX)))
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<YuanInput, E> {
                Ok(YuanInput::Integer(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<YuanInput, E> {
                Ok(YuanInput::Float(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<YuanInput, E> {
                Ok(YuanInput::Text(v.to_owned()))
            }
        }
        d.deserialize_any(V)
    }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------

/// Kind of party (当事人): the hearing and summary-procedure thresholds differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    /// 公民 (a natural person).
    Individual,
    /// 法人或者其他组织 (a legal person or other organisation).
    Organisation,
}

impl PartyKind {
    /// Chinese name as used in the law.
    pub const fn label(self) -> &'static str {
        match self {
            PartyKind::Individual => "公民",
            PartyKind::Organisation => "法人或者其他组织",
        }
    }
}

/// Kinds of administrative penalty (行政处罚法 Art. 9) a bureau of city management imposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PenaltyKind {
    /// 警告.
    Warning,
    /// 通报批评.
    Criticism,
    /// 罚款.
    Fine,
    /// 没收违法所得、没收非法财物.
    Confiscation,
    /// 暂扣许可证件.
    LicenceSuspension,
    /// 降低资质等级.
    QualificationLowering,
    /// 吊销许可证件.
    LicenceRevocation,
    /// 责令停产停业.
    StopBusiness,
    /// 责令关闭.
    Closure,
    /// 限制从业.
    PracticeRestriction,
}

impl PenaltyKind {
    /// Every kind, in the order of Art. 9.
    pub const ALL: [PenaltyKind; 10] = [
        PenaltyKind::Warning,
        PenaltyKind::Criticism,
        PenaltyKind::Fine,
        PenaltyKind::Confiscation,
        PenaltyKind::LicenceSuspension,
        PenaltyKind::QualificationLowering,
        PenaltyKind::LicenceRevocation,
        PenaltyKind::StopBusiness,
        PenaltyKind::Closure,
        PenaltyKind::PracticeRestriction,
    ];

    /// The snake_case identifier used in timelines and the catalogue.
    pub const fn as_str(self) -> &'static str {
        match self {
            PenaltyKind::Warning => "warning",
            PenaltyKind::Criticism => "criticism",
            PenaltyKind::Fine => "fine",
            PenaltyKind::Confiscation => "confiscation",
            PenaltyKind::LicenceSuspension => "licence_suspension",
            PenaltyKind::QualificationLowering => "qualification_lowering",
            PenaltyKind::LicenceRevocation => "licence_revocation",
            PenaltyKind::StopBusiness => "stop_business",
            PenaltyKind::Closure => "closure",
            PenaltyKind::PracticeRestriction => "practice_restriction",
        }
    }

    /// Chinese name as in Art. 9.
    pub const fn label(self) -> &'static str {
        match self {
            PenaltyKind::Warning => "警告",
            PenaltyKind::Criticism => "通报批评",
            PenaltyKind::Fine => "罚款",
            PenaltyKind::Confiscation => "没收违法所得、没收非法财物",
            PenaltyKind::LicenceSuspension => "暂扣许可证件",
            PenaltyKind::QualificationLowering => "降低资质等级",
            PenaltyKind::LicenceRevocation => "吊销许可证件",
            PenaltyKind::StopBusiness => "责令停产停业",
            PenaltyKind::Closure => "责令关闭",
            PenaltyKind::PracticeRestriction => "限制从业",
        }
    }

    /// Whether the kind gives the party a hearing right by its nature (Art. 63 (2)–(4)),
    /// whatever the amount. Fines and confiscation give it from a threshold amount.
    pub const fn always_gives_hearing_right(self) -> bool {
        match self {
            PenaltyKind::LicenceSuspension
            | PenaltyKind::QualificationLowering
            | PenaltyKind::LicenceRevocation
            | PenaltyKind::StopBusiness
            | PenaltyKind::Closure
            | PenaltyKind::PracticeRestriction => true,
            PenaltyKind::Warning
            | PenaltyKind::Criticism
            | PenaltyKind::Fine
            | PenaltyKind::Confiscation => false,
        }
    }
}

/// Procedure of the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Procedure {
    /// 普通程序 (Art. 54 ff.).
    Ordinary,
    /// 简易程序 (当场处罚, Art. 51 ff.).
    Summary,
}

/// A right the party is told of in the advance notice (事先告知, Art. 44).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Right {
    /// 陈述权.
    Statement,
    /// 申辩权.
    Defence,
    /// 要求听证的权利.
    Hearing,
}

/// Result of a legal review (法制审核).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewResult {
    /// 审核通过.
    Pass,
    /// 审核未通过.
    Fail,
}

/// How a document was served (送达方式, 民事诉讼法 Art. 87–95 via 行政处罚法 Art. 61).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceMethod {
    /// 直接送达.
    Direct,
    /// 留置送达.
    Lodged,
    /// 邮寄送达 (the event date is the date of receipt).
    Postal,
    /// 公告送达 (takes effect 30 days after the notice).
    PublicNotice,
    /// 电子送达.
    Electronic,
    /// 传真 (only with the party's consent).
    Fax,
    /// 电子邮件 (only with the party's consent).
    Email,
}

impl ServiceMethod {
    /// Chinese name.
    pub const fn label(self) -> &'static str {
        match self {
            ServiceMethod::Direct => "直接送达",
            ServiceMethod::Lodged => "留置送达",
            ServiceMethod::Postal => "邮寄送达",
            ServiceMethod::PublicNotice => "公告送达",
            ServiceMethod::Electronic => "电子送达",
            ServiceMethod::Fax => "传真送达",
            ServiceMethod::Email => "电子邮件送达",
        }
    }
}

/// How a fine was paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// Paid at a designated bank or by e-payment (罚缴分离, Art. 67).
    Bank,
    /// Collected on the spot by officers (当场收缴, Art. 68–69).
    OnSpot,
}

// ---------------------------------------------------------------------------------------------
// Penalty
// ---------------------------------------------------------------------------------------------

/// A penalty, proposed (事先告知) or decided (决定). Several kinds may be combined.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Penalty {
    /// 警告.
    #[serde(default, skip_serializing_if = "is_false")]
    pub warning: bool,
    /// 通报批评.
    #[serde(default, skip_serializing_if = "is_false")]
    pub criticism: bool,
    /// 罚款 amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fine: Option<Yuan>,
    /// 没收违法所得、没收非法财物: the value confiscated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confiscation: Option<Yuan>,
    /// 暂扣许可证件.
    #[serde(default, skip_serializing_if = "is_false")]
    pub licence_suspension: bool,
    /// 降低资质等级.
    #[serde(default, skip_serializing_if = "is_false")]
    pub qualification_lowering: bool,
    /// 吊销许可证件.
    #[serde(default, skip_serializing_if = "is_false")]
    pub licence_revocation: bool,
    /// 责令停产停业.
    #[serde(default, skip_serializing_if = "is_false")]
    pub stop_business: bool,
    /// 责令关闭.
    #[serde(default, skip_serializing_if = "is_false")]
    pub closure: bool,
    /// 限制从业.
    #[serde(default, skip_serializing_if = "is_false")]
    pub practice_restriction: bool,
}

#[expect(
    clippy::trivially_copy_pass_by_ref,
    reason = "serde's skip_serializing_if passes a reference"
)]
fn is_false(b: &bool) -> bool {
    !*b
}

impl Penalty {
    /// Whether the penalty includes `kind`.
    pub const fn has(&self, kind: PenaltyKind) -> bool {
        match kind {
            PenaltyKind::Warning => self.warning,
            PenaltyKind::Criticism => self.criticism,
            PenaltyKind::Fine => self.fine.is_some(),
            PenaltyKind::Confiscation => self.confiscation.is_some(),
            PenaltyKind::LicenceSuspension => self.licence_suspension,
            PenaltyKind::QualificationLowering => self.qualification_lowering,
            PenaltyKind::LicenceRevocation => self.licence_revocation,
            PenaltyKind::StopBusiness => self.stop_business,
            PenaltyKind::Closure => self.closure,
            PenaltyKind::PracticeRestriction => self.practice_restriction,
        }
    }

    /// The kinds this penalty combines, in the order of Art. 9 (no allocation).
    pub fn kinds(&self) -> impl Iterator<Item = PenaltyKind> + '_ {
        PenaltyKind::ALL.into_iter().filter(|k| self.has(*k))
    }

    /// Whether no kind is set.
    pub fn is_empty(&self) -> bool {
        self.kinds().next().is_none()
    }

    /// The fine, or zero.
    pub fn fine_or_zero(&self) -> Yuan {
        self.fine.unwrap_or(Yuan::ZERO)
    }
}

impl fmt::Display for Penalty {
    /// Chinese summary, e.g. `罚款6000元、暂扣许可证件`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for k in self.kinds() {
            if !first {
                f.write_str("、")?;
            }
            first = false;
            f.write_str(k.label())?;
            match k {
                PenaltyKind::Fine => write!(f, "{}", self.fine_or_zero())?,
                PenaltyKind::Confiscation => {
                    write!(f, "（价值{}）", self.confiscation.unwrap_or(Yuan::ZERO))?;
                }
                _ => {}
            }
        }
        if first {
            f.write_str("无")?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Party, officers
// ---------------------------------------------------------------------------------------------

/// The party (当事人) of the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// Individual or organisation.
    pub kind: PartyKind,
    /// Name (姓名或者名称); must not be empty.
    pub name: String,
    /// An individual who had not reached the age of 14 at the time of the act: no penalty
    /// (行政处罚法第三十条). Only for `kind: individual`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub minor_under_14: bool,
    /// Date of birth (individuals only, optional). A party aged 14 or more and under 18 at the
    /// time of the act is penalised more lightly or mitigated (行政处罚法第三十条); the age is
    /// counted in 周岁, reached on the day after the birthday.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<NaiveDate>,
}

impl Party {
    /// Full years of age (周岁) on `day`: a year is reached on the day after the birthday, as
    /// Chinese law counts 已满…周岁. A birthday on 29 February counts as 1 March in other years.
    /// `None` without a birth date or for a day before the birth.
    pub fn full_years_on(&self, day: NaiveDate) -> Option<u32> {
        let birth = self.birth_date?;
        if day < birth {
            return None;
        }
        let mut years = u32::try_from(day.year() - birth.year()).ok()?;
        let birthday = NaiveDate::from_ymd_opt(day.year(), birth.month(), birth.day())
            .or_else(|| NaiveDate::from_ymd_opt(day.year(), 3, 1))?;
        if birthday >= day {
            years = years.saturating_sub(1);
        }
        Some(years)
    }

    /// Aged 14 or more and under 18 on `day` (行政处罚法第三十条: 从轻或者减轻).
    pub fn minor_14_to_18_on(&self, day: NaiveDate) -> bool {
        matches!(self.full_years_on(day), Some(14..=17))
    }
}

/// An enforcement certificate (行政执法证).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certificate {
    /// Certificate number, e.g. `豫41000001`.
    pub no: String,
    /// First day of validity.
    pub valid_from: NaiveDate,
    /// Last day of validity.
    pub valid_until: NaiveDate,
    /// First day of a suspension (暂扣), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspended_from: Option<NaiveDate>,
    /// Last day of the suspension; open-ended when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspended_until: Option<NaiveDate>,
}

/// Whether a certificate allows its holder to act on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertificateStatus {
    /// Valid that day.
    Valid,
    /// Before `valid_from`.
    NotYetValid,
    /// After `valid_until`.
    Expired,
    /// Within a suspension.
    Suspended,
}

impl Certificate {
    /// The certificate's status on `day`.
    pub fn status_on(&self, day: NaiveDate) -> CertificateStatus {
        if day < self.valid_from {
            CertificateStatus::NotYetValid
        } else if day > self.valid_until {
            CertificateStatus::Expired
        } else if self
            .suspended_from
            .is_some_and(|from| from <= day && self.suspended_until.is_none_or(|to| day <= to))
        {
            CertificateStatus::Suspended
        } else {
            CertificateStatus::Valid
        }
    }
}

/// An officer (执法人员) or assistant (协管员, without certificate) who takes part in the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Officer {
    /// Id used in the events' `officers` lists (unique within the timeline).
    pub id: String,
    /// The enforcement certificate; absent for staff without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<Certificate>,
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

/// The `type` of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    /// 线索登记.
    Lead,
    /// 立案.
    Register,
    /// 调查取证.
    Evidence,
    /// 先行登记保存证据.
    Preservation,
    /// 先行登记保存证据的处理决定.
    PreservationDecision,
    /// 事先告知 (行政处罚告知书).
    AdvanceNotice,
    /// 陈述、申辩.
    Defence,
    /// 当事人书面放弃陈述、申辩.
    StatementWaiver,
    /// 当事人申请听证.
    HearingRequest,
    /// 听证通知.
    HearingNotice,
    /// 举行听证.
    Hearing,
    /// 当事人放弃听证.
    HearingWaiver,
    /// 法制审核.
    LegalReview,
    /// 集体讨论.
    Deliberation,
    /// 处罚决定 (or 不予处罚 / 移送).
    Decision,
    /// 送达.
    Service,
    /// 缴纳罚款.
    Payment,
    /// 催告.
    Demand,
    /// 申请人民法院强制执行.
    CourtEnforcementApplication,
    /// 结案.
    Close,
    /// 归档.
    Archive,
    /// 当场处罚 (简易程序).
    SummaryPenalty,
    /// 行政强制措施 (查封、扣押).
    CoerciveMeasure,
    /// 查封、扣押的处理决定 (没收、销毁、解除…; 行政强制法第二十七条).
    SeizureDecision,
    /// 回避 (an officer withdraws, decided by the head; the event's `officers` withdraw).
    Recusal,
    /// 涉嫌犯罪案件移送报告 (the officers' report to the head).
    TransferReport,
    /// 向公安机关移送 (handing the case over to the police).
    TransferHandover,
    /// 限期自行拆除公告 (announcement of the deadline for self-demolition).
    DemolitionAnnouncement,
    /// 强制拆除.
    ForcedDemolition,
    // issue 10 part A
    /// 撤销处罚决定 (the agency revokes its own penalty decision; 一事不再罚 allows a new fine
    /// only after it).
    Revocation,
    // issue 10 part B
    /// 延长办案期限 (approved by the head, where the bureau's rules allow it).
    Extension,
    /// 不计入办案期限的期间 (hearing, public notice, testing, expert opinion), with its first and
    /// last day.
    Suspension,
    /// 行政强制执行决定 (行政强制法第三十七条), served by a later `service`.
    EnforcementDecision,
    /// 行政复议: filed on the event date, or (`ended: true`) ended on it.
    Reconsideration,
    /// 行政诉讼: filed on the event date, or (`ended: true`) ended on it.
    Lawsuit,
}

impl EventType {
    /// Every event type, in the order of the wire format's documentation. Kept complete by
    /// [`EventType::position`], whose `match` names every variant: a new type does not compile
    /// until it has a position, and the test `event_type_all_is_complete` fails until it is here.
    pub const ALL: [EventType; 35] = [
        EventType::Lead,
        EventType::Register,
        EventType::Evidence,
        EventType::Preservation,
        EventType::PreservationDecision,
        EventType::AdvanceNotice,
        EventType::Defence,
        EventType::StatementWaiver,
        EventType::HearingRequest,
        EventType::HearingNotice,
        EventType::Hearing,
        EventType::HearingWaiver,
        EventType::LegalReview,
        EventType::Deliberation,
        EventType::Decision,
        EventType::Service,
        EventType::Payment,
        EventType::Demand,
        EventType::CourtEnforcementApplication,
        EventType::Close,
        EventType::Archive,
        EventType::SummaryPenalty,
        EventType::CoerciveMeasure,
        EventType::SeizureDecision,
        EventType::Recusal,
        EventType::TransferReport,
        EventType::TransferHandover,
        EventType::DemolitionAnnouncement,
        EventType::ForcedDemolition,
        EventType::Revocation,
        EventType::Extension,
        EventType::Suspension,
        EventType::EnforcementDecision,
        EventType::Reconsideration,
        EventType::Lawsuit,
    ];

    /// The index of the type in [`EventType::ALL`].
    pub const fn position(self) -> usize {
        match self {
            EventType::Lead => 0,
            EventType::Register => 1,
            EventType::Evidence => 2,
            EventType::Preservation => 3,
            EventType::PreservationDecision => 4,
            EventType::AdvanceNotice => 5,
            EventType::Defence => 6,
            EventType::StatementWaiver => 7,
            EventType::HearingRequest => 8,
            EventType::HearingNotice => 9,
            EventType::Hearing => 10,
            EventType::HearingWaiver => 11,
            EventType::LegalReview => 12,
            EventType::Deliberation => 13,
            EventType::Decision => 14,
            EventType::Service => 15,
            EventType::Payment => 16,
            EventType::Demand => 17,
            EventType::CourtEnforcementApplication => 18,
            EventType::Close => 19,
            EventType::Archive => 20,
            EventType::SummaryPenalty => 21,
            EventType::CoerciveMeasure => 22,
            EventType::SeizureDecision => 23,
            EventType::Recusal => 24,
            EventType::TransferReport => 25,
            EventType::TransferHandover => 26,
            EventType::DemolitionAnnouncement => 27,
            EventType::ForcedDemolition => 28,
            EventType::Revocation => 29,
            EventType::Extension => 30,
            EventType::Suspension => 31,
            EventType::EnforcementDecision => 32,
            EventType::Reconsideration => 33,
            EventType::Lawsuit => 34,
        }
    }

    /// The snake_case identifier used in timelines.
    pub const fn as_str(self) -> &'static str {
        match self {
            EventType::Lead => "lead",
            EventType::Register => "register",
            EventType::Evidence => "evidence",
            EventType::Preservation => "preservation",
            EventType::PreservationDecision => "preservation_decision",
            EventType::AdvanceNotice => "advance_notice",
            EventType::Defence => "defence",
            EventType::StatementWaiver => "statement_waiver",
            EventType::HearingRequest => "hearing_request",
            EventType::HearingNotice => "hearing_notice",
            EventType::Hearing => "hearing",
            EventType::HearingWaiver => "hearing_waiver",
            EventType::LegalReview => "legal_review",
            EventType::Deliberation => "deliberation",
            EventType::Decision => "decision",
            EventType::Service => "service",
            EventType::Payment => "payment",
            EventType::Demand => "demand",
            EventType::CourtEnforcementApplication => "court_enforcement_application",
            EventType::Close => "close",
            EventType::Archive => "archive",
            EventType::SummaryPenalty => "summary_penalty",
            EventType::CoerciveMeasure => "coercive_measure",
            EventType::SeizureDecision => "seizure_decision",
            EventType::Recusal => "recusal",
            EventType::TransferReport => "transfer_report",
            EventType::TransferHandover => "transfer_handover",
            EventType::DemolitionAnnouncement => "demolition_announcement",
            EventType::ForcedDemolition => "forced_demolition",
            // issue 10 part A
            EventType::Revocation => "revocation",
            // issue 10 part B
            EventType::Extension => "extension",
            EventType::Suspension => "suspension",
            EventType::EnforcementDecision => "enforcement_decision",
            EventType::Reconsideration => "reconsideration",
            EventType::Lawsuit => "lawsuit",
        }
    }

    /// Chinese name of the step.
    pub const fn label(self) -> &'static str {
        match self {
            EventType::Lead => "线索登记",
            EventType::Register => "立案",
            EventType::Evidence => "调查取证",
            EventType::Preservation => "先行登记保存",
            EventType::PreservationDecision => "先行登记保存处理决定",
            EventType::AdvanceNotice => "事先告知",
            EventType::Defence => "陈述申辩",
            EventType::StatementWaiver => "放弃陈述申辩",
            EventType::HearingRequest => "听证申请",
            EventType::HearingNotice => "听证通知",
            EventType::Hearing => "听证",
            EventType::HearingWaiver => "放弃听证",
            EventType::LegalReview => "法制审核",
            EventType::Deliberation => "集体讨论",
            EventType::Decision => "处罚决定",
            EventType::Service => "送达",
            EventType::Payment => "缴纳罚款",
            EventType::Demand => "催告",
            EventType::CourtEnforcementApplication => "申请法院强制执行",
            EventType::Close => "结案",
            EventType::Archive => "归档",
            EventType::SummaryPenalty => "当场处罚",
            EventType::CoerciveMeasure => "行政强制措施",
            EventType::SeizureDecision => "查封扣押处理决定",
            EventType::Recusal => "回避",
            EventType::TransferReport => "移送报告",
            EventType::TransferHandover => "移送公安机关",
            EventType::DemolitionAnnouncement => "限期拆除公告",
            EventType::ForcedDemolition => "强制拆除",
            // issue 10 part A
            EventType::Revocation => "撤销处罚决定",
            // issue 10 part B
            EventType::Extension => "延长办案期限",
            EventType::Suspension => "不计入办案期限的期间",
            EventType::EnforcementDecision => "行政强制执行决定",
            EventType::Reconsideration => "行政复议",
            EventType::Lawsuit => "行政诉讼",
        }
    }

    /// The type-specific fields an event of this type may carry (besides `on`, `type`,
    /// `officers` and `note`).
    const fn allowed_fields(self) -> &'static [&'static str] {
        match self {
            EventType::AdvanceNotice => &["proposed", "rights"],
            EventType::HearingNotice => &["hearing_on"],
            EventType::Hearing => &["chair"],
            EventType::LegalReview => &["result"],
            EventType::Decision => &[
                "outcome",
                "penalty",
                "mitigated",
                "lighter",
                "locations",
                "minor",
                "corrected",
                "no_harm",
            ],
            // issue 10 part A: `posted_on` (postal service), `hard_to_collect_later` (Art. 68 (2))
            EventType::Service => &["method", "consent", "posted_on"],
            EventType::Payment => &[
                "amount",
                "surcharge",
                "method",
                "remote",
                "handed_in_on",
                "hard_to_collect_later",
            ],
            // issue 10 part A
            EventType::Revocation => &["ground", "decision_on"],
            EventType::SummaryPenalty => &[
                "penalty",
                "mitigated",
                "lighter",
                "locations",
                "minor",
                "corrected",
                "no_harm",
            ],
            EventType::CoerciveMeasure => &[
                "until",
                "extended",
                "emergency",
                "approved",
                "reported_on",
                "record",
            ],
            EventType::DemolitionAnnouncement => &["deadline"],
            EventType::Close => &["reason", "ground"],
            // issue 10 part B
            EventType::Demand => &["deadline"],
            EventType::Extension => &["approver", "reason", "days"],
            EventType::Suspension => &["kind", "from", "until"],
            EventType::Reconsideration | EventType::Lawsuit => &["ended"],
            EventType::EnforcementDecision => &[],
            EventType::Lead
            | EventType::Register
            | EventType::Evidence
            | EventType::Preservation
            | EventType::PreservationDecision
            | EventType::Defence
            | EventType::StatementWaiver
            | EventType::HearingRequest
            | EventType::HearingWaiver
            | EventType::Deliberation
            | EventType::CourtEnforcementApplication
            | EventType::Archive
            | EventType::SeizureDecision
            | EventType::Recusal
            | EventType::TransferReport
            | EventType::TransferHandover
            | EventType::ForcedDemolition => &[],
        }
    }

    /// Whether the step must be carried out by at least two certified officers
    /// (`officers_min_two_certified`, marked ② in `docs/case-timeline.md`).
    pub const fn needs_two_officers(self) -> bool {
        matches!(
            self,
            EventType::Register
                | EventType::Evidence
                | EventType::Preservation
                | EventType::AdvanceNotice
                | EventType::Decision
                | EventType::SummaryPenalty
                | EventType::CoerciveMeasure
        )
    }
}

impl fmt::Display for EventType {
    /// `hearing_notice（听证通知）`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}（{}）", self.as_str(), self.label())
    }
}

/// Findings a decision (`decision`, `summary_penalty`) states besides its outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecisionFacts {
    /// 减轻处罚 (行政处罚法第三十二条): the fine may lie below the statutory minimum.
    pub mitigated: bool,
    /// 从轻处罚 (行政处罚法第三十条、第三十二条): within the statutory range, on the lighter side.
    pub lighter: bool,
    /// Number of locations (处) for a violation fined per location (`fine_unit = "每处"` in the
    /// catalogue); at least 1.
    pub locations: u32,
    /// 违法行为轻微 (行政处罚法第三十三条第一款).
    pub minor: bool,
    /// 及时改正.
    pub corrected: bool,
    /// 没有造成危害后果.
    pub no_harm: bool,
}

impl Default for DecisionFacts {
    fn default() -> Self {
        DecisionFacts {
            mitigated: false,
            lighter: false,
            locations: 1,
            minor: false,
            corrected: false,
            no_harm: false,
        }
    }
}

impl DecisionFacts {
    /// 违法行为轻微并及时改正，没有造成危害后果 (行政处罚法第三十三条第一款): no penalty.
    pub const fn excludes_penalty(&self) -> bool {
        self.minor && self.corrected && self.no_harm
    }
}

/// Why a case is closed (结案), as recorded on the `close` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CloseReason {
    /// 执行完毕: the decision was served and performed (the fine paid in full). The default.
    Executed,
    /// 强制执行完毕: enforced (after an application to the court or a forced demolition).
    Enforced,
    /// 不予行政处罚: the decision not to punish.
    NoPenalty,
    /// 移送: the case was transferred (suspected crime or another agency).
    Transfer,
    /// 撤销立案: the registration was revoked (no violation, no jurisdiction…); `ground` says why.
    RegistrationRevoked,
    /// 终结执行: execution ended without performance (行政强制法第四十条); `ground` says why.
    ExecutionTerminated,
}

impl CloseReason {
    /// Chinese name.
    pub const fn label(self) -> &'static str {
        match self {
            CloseReason::Executed => "执行完毕",
            CloseReason::Enforced => "强制执行完毕",
            CloseReason::NoPenalty => "不予行政处罚",
            CloseReason::Transfer => "移送",
            CloseReason::RegistrationRevoked => "撤销立案",
            CloseReason::ExecutionTerminated => "终结执行",
        }
    }
}

// issue 10 part B
impl CloseReason {
    /// Every reason, in the order of the format.
    pub const ALL: [CloseReason; 6] = [
        CloseReason::Executed,
        CloseReason::Enforced,
        CloseReason::NoPenalty,
        CloseReason::Transfer,
        CloseReason::RegistrationRevoked,
        CloseReason::ExecutionTerminated,
    ];

    /// The snake_case identifier used in timelines.
    pub const fn as_str(self) -> &'static str {
        match self {
            CloseReason::Executed => "executed",
            CloseReason::Enforced => "enforced",
            CloseReason::NoPenalty => "no_penalty",
            CloseReason::Transfer => "transfer",
            CloseReason::RegistrationRevoked => "registration_revoked",
            CloseReason::ExecutionTerminated => "execution_terminated",
        }
    }
}

/// A period that does not count towards the 90-day decision period (`suspension`), where the
/// bureau's rules exclude it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuspensionKind {
    /// 听证.
    Hearing,
    /// 公告.
    PublicNotice,
    /// 检测、检验.
    Testing,
    /// 鉴定.
    ExpertOpinion,
}

impl SuspensionKind {
    /// Chinese name.
    pub const fn label(self) -> &'static str {
        match self {
            SuspensionKind::Hearing => "听证",
            SuspensionKind::PublicNotice => "公告",
            SuspensionKind::Testing => "检测、检验",
            SuspensionKind::ExpertOpinion => "鉴定",
        }
    }
}

/// What the investigation led to (Art. 57).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecisionOutcome {
    /// 给予行政处罚, with the penalty decided.
    Penalty(Penalty),
    /// 不予行政处罚.
    NoPenalty,
    /// 移送司法机关 (suspected crime) or another agency.
    Transfer,
}

/// The type-specific content of an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// 线索登记.
    Lead,
    /// 立案.
    Register,
    /// 调查取证.
    Evidence,
    /// 先行登记保存证据.
    Preservation,
    /// 先行登记保存证据的处理决定.
    PreservationDecision,
    /// 事先告知.
    AdvanceNotice {
        /// The proposed penalty (拟作出的行政处罚).
        proposed: Penalty,
        /// The rights the party was told of.
        rights: Vec<Right>,
    },
    /// 陈述、申辩.
    Defence,
    /// 当事人书面放弃陈述、申辩 (a signed waiver; the decision need not wait for the end of the
    /// statement period).
    StatementWaiver,
    /// 当事人申请听证.
    HearingRequest,
    /// 听证通知 (served on the event date).
    HearingNotice {
        /// The day of the hearing.
        hearing_on: NaiveDate,
    },
    /// 举行听证.
    Hearing {
        /// Officer id of the chair (听证主持人).
        chair: Option<String>,
    },
    /// 当事人放弃听证.
    HearingWaiver,
    /// 法制审核.
    LegalReview {
        /// Pass or fail.
        result: ReviewResult,
    },
    /// 集体讨论.
    Deliberation,
    /// 决定.
    Decision {
        /// Penalty, no penalty or transfer.
        outcome: DecisionOutcome,
        /// Mitigation, locations and the facts of 行政处罚法第三十三条第一款.
        facts: DecisionFacts,
    },
    /// 送达 (of the decision).
    Service {
        /// How it was served.
        method: ServiceMethod,
        /// The party's signed consent to fax/e-mail service.
        consent: bool,
        /// Postal service: the day the document was posted (交邮); the event date is the day of
        /// receipt (issue 10 part A).
        posted_on: Option<NaiveDate>,
    },
    /// 缴纳罚款.
    Payment {
        /// Fine paid.
        amount: Yuan,
        /// Late-payment surcharge (加处罚款) paid.
        surcharge: Yuan,
        /// Bank or on the spot.
        method: PaymentMethod,
        /// On-the-spot collection in a remote area on the party's request (Art. 69).
        remote: bool,
        /// Day the officer handed the cash collected on the spot in to the agency (Art. 71).
        handed_in_on: Option<NaiveDate>,
        /// On-the-spot collection of a summary fine because collecting it later would be hard
        /// to execute (Art. 68 (2); issue 10 part A).
        hard_to_collect_later: bool,
    },
    /// 催告.
    Demand {
        /// The deadline for performance the 催告书 states (行政强制法第三十五条第一项).
        deadline: Option<NaiveDate>,
    },
    /// 申请人民法院强制执行.
    CourtEnforcementApplication,
    /// 结案.
    Close {
        /// Why the case is closed (default: executed).
        reason: CloseReason,
        /// The legal ground of a revoked registration or terminated execution.
        ground: Option<String>,
    },
    /// 归档.
    Archive,
    /// 当场处罚 (简易程序).
    SummaryPenalty {
        /// The penalty imposed on the spot.
        penalty: Penalty,
        /// Mitigation, locations and the facts of 行政处罚法第三十三条第一款.
        facts: DecisionFacts,
    },
    /// 查封、扣押.
    CoerciveMeasure {
        /// Last day of the measure.
        until: NaiveDate,
        /// Extended with approval (延长).
        extended: bool,
        /// Emergency (情况紧急): carried out on the spot, allowed on holidays, reported to the
        /// head afterwards (行政强制法第十九条).
        emergency: bool,
        /// Approved beforehand by the head of the agency (行政强制法第十八条第一项).
        approved: bool,
        /// Day an emergency measure was reported to the head (行政强制法第十九条).
        reported_on: Option<NaiveDate>,
        /// An on-site record (现场笔录) was made (行政强制法第十八条第七项、第二十四条).
        record: bool,
    },
    /// 查封、扣押的处理决定 (decides every measure still pending; 行政强制法第二十七条).
    SeizureDecision,
    /// 回避: the event's `officers` withdraw from the case (行政处罚法第四十三条).
    Recusal,
    /// 涉嫌犯罪案件移送报告 (the officers' report to the head).
    TransferReport,
    /// 向公安机关移送.
    TransferHandover,
    /// 限期自行拆除公告 (行政强制法第四十四条).
    DemolitionAnnouncement {
        /// Last day for the party to demolish the building itself.
        deadline: NaiveDate,
    },
    /// 强制拆除.
    ForcedDemolition,
    // issue 10 part A
    /// 撤销处罚决定: the agency revokes a penalty decision of this case.
    Revocation {
        /// The legal ground of the revocation (required, not empty).
        ground: String,
        /// The date of the decision revoked; absent: the latest penalty decision not yet
        /// revoked.
        decision_on: Option<NaiveDate>,
    },
    // issue 10 part B
    /// 延长办案期限: approved by the head (`approver`) for `reason`, by `days` days.
    Extension {
        /// Who approved (the head of the bureau), by name.
        approver: String,
        /// Why (案情复杂…).
        reason: String,
        /// Days added to the decision period.
        days: u32,
    },
    /// A period not counted towards the decision period.
    Suspension {
        /// Hearing, public notice, testing or expert opinion.
        kind: SuspensionKind,
        /// First day of the period.
        from: NaiveDate,
        /// Last day of the period (not after the event date: recorded once it has ended).
        until: NaiveDate,
    },
    /// 行政强制执行决定 (行政强制法第三十七条).
    EnforcementDecision,
    /// 行政复议 filed on the event date; with `ended`, the reconsideration ended that day.
    Reconsideration {
        /// The reconsideration filed earlier ended (决定作出) on the event date.
        ended: bool,
    },
    /// 行政诉讼 filed on the event date; with `ended`, the lawsuit ended that day.
    Lawsuit {
        /// The lawsuit filed earlier ended (裁判生效) on the event date.
        ended: bool,
    },
}

/// One dated step of the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawEvent", into = "RawEvent")]
pub struct Event {
    /// The day of the step (for service: the day the document was received).
    pub on: NaiveDate,
    /// Ids of the officers who carried it out.
    pub officers: Vec<String>,
    /// Free text.
    pub note: Option<String>,
    /// Type and type-specific content.
    pub kind: EventKind,
}

impl Event {
    /// The `type` of the event.
    pub const fn event_type(&self) -> EventType {
        match self.kind {
            EventKind::Lead => EventType::Lead,
            EventKind::Register => EventType::Register,
            EventKind::Evidence => EventType::Evidence,
            EventKind::Preservation => EventType::Preservation,
            EventKind::PreservationDecision => EventType::PreservationDecision,
            EventKind::AdvanceNotice { .. } => EventType::AdvanceNotice,
            EventKind::Defence => EventType::Defence,
            EventKind::StatementWaiver => EventType::StatementWaiver,
            EventKind::HearingRequest => EventType::HearingRequest,
            EventKind::HearingNotice { .. } => EventType::HearingNotice,
            EventKind::Hearing { .. } => EventType::Hearing,
            EventKind::HearingWaiver => EventType::HearingWaiver,
            EventKind::LegalReview { .. } => EventType::LegalReview,
            EventKind::Deliberation => EventType::Deliberation,
            EventKind::Decision { .. } => EventType::Decision,
            EventKind::Service { .. } => EventType::Service,
            EventKind::Payment { .. } => EventType::Payment,
            EventKind::Demand { .. } => EventType::Demand,
            EventKind::CourtEnforcementApplication => EventType::CourtEnforcementApplication,
            EventKind::Close { .. } => EventType::Close,
            EventKind::Archive => EventType::Archive,
            EventKind::SummaryPenalty { .. } => EventType::SummaryPenalty,
            EventKind::CoerciveMeasure { .. } => EventType::CoerciveMeasure,
            EventKind::SeizureDecision => EventType::SeizureDecision,
            EventKind::Recusal => EventType::Recusal,
            EventKind::TransferReport => EventType::TransferReport,
            EventKind::TransferHandover => EventType::TransferHandover,
            EventKind::DemolitionAnnouncement { .. } => EventType::DemolitionAnnouncement,
            EventKind::ForcedDemolition => EventType::ForcedDemolition,
            // issue 10 part A
            EventKind::Revocation { .. } => EventType::Revocation,
            // issue 10 part B
            EventKind::Extension { .. } => EventType::Extension,
            EventKind::Suspension { .. } => EventType::Suspension,
            EventKind::EnforcementDecision => EventType::EnforcementDecision,
            EventKind::Reconsideration { .. } => EventType::Reconsideration,
            EventKind::Lawsuit { .. } => EventType::Lawsuit,
        }
    }

    /// Whether officer `id` is listed on this event.
    pub fn lists_officer(&self, id: &str) -> bool {
        self.officers.iter().any(|o| o == id)
    }

    /// Every officer id the event references, in field order: the `officers` list, then the
    /// hearing's `chair`. Ids may repeat. The app loads these officers from its register.
    pub fn referenced_officers(&self) -> impl Iterator<Item = &str> {
        self.officer_refs().map(|(_, id)| id)
    }

    /// Every officer id the event references with the field that references it.
    fn officer_refs(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let chair = match &self.kind {
            EventKind::Hearing { chair: Some(c) } => Some(("chair", c.as_str())),
            _ => None,
        };
        self.officers
            .iter()
            .map(|o| ("officers", o.as_str()))
            .chain(chair)
    }
}

/// The `method` field as written: one vocabulary for service and payment events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum RawMethod {
    Direct,
    Lodged,
    Postal,
    PublicNotice,
    Electronic,
    Fax,
    Email,
    Bank,
    OnSpot,
}

impl RawMethod {
    // issue 10 part B
    /// The method written `text`, if any.
    fn from_id(text: &str) -> Option<RawMethod> {
        [
            RawMethod::Direct,
            RawMethod::Lodged,
            RawMethod::Postal,
            RawMethod::PublicNotice,
            RawMethod::Electronic,
            RawMethod::Fax,
            RawMethod::Email,
            RawMethod::Bank,
            RawMethod::OnSpot,
        ]
        .into_iter()
        .find(|m| m.as_str() == text)
    }

    const fn as_str(self) -> &'static str {
        match self {
            RawMethod::Direct => "direct",
            RawMethod::Lodged => "lodged",
            RawMethod::Postal => "postal",
            RawMethod::PublicNotice => "public_notice",
            RawMethod::Electronic => "electronic",
            RawMethod::Fax => "fax",
            RawMethod::Email => "email",
            RawMethod::Bank => "bank",
            RawMethod::OnSpot => "on_spot",
        }
    }
}

/// The `outcome` field of a decision as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum RawOutcome {
    Penalty,
    NoPenalty,
    Transfer,
}

/// An event as written: every field of every type, each optional, unknown fields rejected.
/// Which fields belong to which `type` is checked when converting to [`Event`] (serde's
/// internally tagged enums cannot reject unknown fields reliably).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    on: NaiveDate,
    #[serde(rename = "type")]
    kind: EventType,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    officers: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    proposed: Option<Penalty>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rights: Option<Vec<Right>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    hearing_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    chair: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    result: Option<ReviewResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    outcome: Option<RawOutcome>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    penalty: Option<Penalty>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    // issue 10 part B: written as text and checked per event type, so that an error lists
    // only the methods of that type.
    method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    consent: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    amount: Option<Yuan>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    surcharge: Option<Yuan>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    remote: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    until: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    extended: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    emergency: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    approved: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reported_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    handed_in_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mitigated: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lighter: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    locations: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    minor: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    corrected: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    no_harm: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    deadline: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    record: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    // issue 10 part B: a close's reason (one of `CloseReason`) or an extension's reason (text).
    reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ground: Option<String>,
    // issue 10 part A
    #[serde(default, skip_serializing_if = "Option::is_none")]
    decision_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    posted_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    hard_to_collect_later: Option<bool>,
    // issue 10 part B
    #[serde(default, skip_serializing_if = "Option::is_none")]
    approver: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "kind")]
    suspension_kind: Option<SuspensionKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    from: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ended: Option<bool>,
}

impl RawEvent {
    /// Names of the type-specific fields present.
    fn present_fields(&self) -> [(&'static str, bool); 36] {
        [
            ("proposed", self.proposed.is_some()),
            ("rights", self.rights.is_some()),
            ("hearing_on", self.hearing_on.is_some()),
            ("chair", self.chair.is_some()),
            ("result", self.result.is_some()),
            ("outcome", self.outcome.is_some()),
            ("penalty", self.penalty.is_some()),
            ("method", self.method.is_some()),
            ("consent", self.consent.is_some()),
            ("amount", self.amount.is_some()),
            ("surcharge", self.surcharge.is_some()),
            ("remote", self.remote.is_some()),
            ("until", self.until.is_some()),
            ("extended", self.extended.is_some()),
            ("emergency", self.emergency.is_some()),
            ("approved", self.approved.is_some()),
            ("reported_on", self.reported_on.is_some()),
            ("handed_in_on", self.handed_in_on.is_some()),
            ("mitigated", self.mitigated.is_some()),
            ("lighter", self.lighter.is_some()),
            ("locations", self.locations.is_some()),
            ("minor", self.minor.is_some()),
            ("corrected", self.corrected.is_some()),
            ("no_harm", self.no_harm.is_some()),
            ("deadline", self.deadline.is_some()),
            ("record", self.record.is_some()),
            ("reason", self.reason.is_some()),
            ("ground", self.ground.is_some()),
            // issue 10 part A
            ("decision_on", self.decision_on.is_some()),
            ("posted_on", self.posted_on.is_some()),
            (
                "hard_to_collect_later",
                self.hard_to_collect_later.is_some(),
            ),
            // issue 10 part B
            ("approver", self.approver.is_some()),
            ("days", self.days.is_some()),
            ("kind", self.suspension_kind.is_some()),
            ("from", self.from.is_some()),
            ("ended", self.ended.is_some()),
        ]
    }

    /// The decision facts as written (defaults for fields left out).
    fn facts(&self) -> DecisionFacts {
        DecisionFacts {
            mitigated: self.mitigated.unwrap_or(false),
            lighter: self.lighter.unwrap_or(false),
            locations: self.locations.unwrap_or(1),
            minor: self.minor.unwrap_or(false),
            corrected: self.corrected.unwrap_or(false),
            no_harm: self.no_harm.unwrap_or(false),
        }
    }

    /// Converts to a typed event; `index` is the event's position for error messages.
    fn into_event(self, index: Option<usize>) -> Result<Event, TimelineError> {
        let t = self.kind;
        let allowed = t.allowed_fields();
        for (name, present) in self.present_fields() {
            if present && !allowed.contains(&name) {
                return Err(TimelineError::FieldNotAllowed {
                    index,
                    event_type: t,
                    field: name,
                });
            }
        }
        let missing = |field: &'static str| TimelineError::MissingField {
            index,
            event_type: t,
            field,
        };
        let invalid = |field: &'static str, message: String| TimelineError::InvalidValue {
            index,
            field,
            message,
        };
        let kind = match t {
            EventType::Lead => EventKind::Lead,
            EventType::Register => EventKind::Register,
            EventType::Evidence => EventKind::Evidence,
            EventType::Preservation => EventKind::Preservation,
            EventType::PreservationDecision => EventKind::PreservationDecision,
            EventType::AdvanceNotice => EventKind::AdvanceNotice {
                proposed: self.proposed.unwrap_or_default(),
                rights: self.rights.unwrap_or_default(),
            },
            EventType::Defence => EventKind::Defence,
            EventType::StatementWaiver => EventKind::StatementWaiver,
            EventType::HearingRequest => EventKind::HearingRequest,
            EventType::HearingNotice => EventKind::HearingNotice {
                hearing_on: self.hearing_on.ok_or_else(|| missing("hearing_on"))?,
            },
            EventType::Hearing => EventKind::Hearing { chair: self.chair },
            EventType::HearingWaiver => EventKind::HearingWaiver,
            EventType::LegalReview => EventKind::LegalReview {
                result: self.result.ok_or_else(|| missing("result"))?,
            },
            EventType::Deliberation => EventKind::Deliberation,
            EventType::Decision => {
                let facts = self.facts();
                let outcome = match (self.outcome, self.penalty) {
                    (Some(RawOutcome::Penalty) | None, Some(p)) => DecisionOutcome::Penalty(p),
                    (Some(RawOutcome::Penalty), None) => return Err(missing("penalty")),
                    (None, None) => return Err(missing("outcome")),
                    (Some(RawOutcome::NoPenalty), None) => DecisionOutcome::NoPenalty,
                    (Some(RawOutcome::Transfer), None) => DecisionOutcome::Transfer,
                    (Some(RawOutcome::NoPenalty | RawOutcome::Transfer), Some(_)) => {
                        return Err(invalid(
                            "penalty",
                            "决定结果为不予处罚或移送时不能填写处罚内容（penalty）".to_owned(),
                        ));
                    }
                };
                EventKind::Decision { outcome, facts }
            }
            EventType::Service => {
                let text = self.method.as_deref().ok_or_else(|| missing("method"))?;
                let method = match RawMethod::from_id(text) {
                    Some(RawMethod::Direct) => ServiceMethod::Direct,
                    Some(RawMethod::Lodged) => ServiceMethod::Lodged,
                    Some(RawMethod::Postal) => ServiceMethod::Postal,
                    Some(RawMethod::PublicNotice) => ServiceMethod::PublicNotice,
                    Some(RawMethod::Electronic) => ServiceMethod::Electronic,
                    Some(RawMethod::Fax) => ServiceMethod::Fax,
                    Some(RawMethod::Email) => ServiceMethod::Email,
                    Some(RawMethod::Bank | RawMethod::OnSpot) | None => {
                        return Err(invalid(
                            "method",
                            format!(
                                "送达方式“{text}”无效，应为 direct、lodged、postal、public_notice、electronic、fax 或 email"
                            ),
                        ));
                    }
                };
                // issue 10 part A: the posting date only for postal service, not after receipt.
                if let Some(posted) = self.posted_on {
                    if method != ServiceMethod::Postal {
                        return Err(invalid(
                            "posted_on",
                            "交邮日期（posted_on）只用于邮寄送达（method: postal）".to_owned(),
                        ));
                    }
                    if posted > self.on {
                        return Err(invalid(
                            "posted_on",
                            format!(
                                "交邮日期{}晚于签收日期{}（邮寄送达的事件日期为签收日）",
                                CnDate(posted),
                                CnDate(self.on)
                            ),
                        ));
                    }
                }
                EventKind::Service {
                    method,
                    consent: self.consent.unwrap_or(false),
                    posted_on: self.posted_on,
                }
            }
            EventType::Payment => {
                let method = match self.method.as_deref().map(|m| (m, RawMethod::from_id(m))) {
                    None | Some((_, Some(RawMethod::Bank))) => PaymentMethod::Bank,
                    Some((_, Some(RawMethod::OnSpot))) => PaymentMethod::OnSpot,
                    Some((
                        text,
                        Some(
                            RawMethod::Direct
                            | RawMethod::Lodged
                            | RawMethod::Postal
                            | RawMethod::PublicNotice
                            | RawMethod::Electronic
                            | RawMethod::Fax
                            | RawMethod::Email,
                        )
                        | None,
                    )) => {
                        return Err(invalid(
                            "method",
                            format!("缴款方式“{text}”无效，应为 bank 或 on_spot"),
                        ));
                    }
                };
                // issue 10 part A
                let hard_to_collect_later = self.hard_to_collect_later.unwrap_or(false);
                if hard_to_collect_later && method != PaymentMethod::OnSpot {
                    return Err(invalid(
                        "hard_to_collect_later",
                        "“不当场收缴事后难以执行”（hard_to_collect_later）只用于当场收缴的罚款（method: on_spot）"
                            .to_owned(),
                    ));
                }
                EventKind::Payment {
                    amount: self.amount.ok_or_else(|| missing("amount"))?,
                    surcharge: self.surcharge.unwrap_or(Yuan::ZERO),
                    method,
                    remote: self.remote.unwrap_or(false),
                    handed_in_on: self.handed_in_on,
                    hard_to_collect_later,
                }
            }
            EventType::Demand => EventKind::Demand {
                deadline: self.deadline,
            },
            EventType::CourtEnforcementApplication => EventKind::CourtEnforcementApplication,
            EventType::Close => EventKind::Close {
                reason: match self.reason.as_deref() {
                    None => CloseReason::Executed,
                    Some(text) => CloseReason::ALL
                        .into_iter()
                        .find(|r| r.as_str() == text)
                        .ok_or_else(|| {
                            invalid(
                                "reason",
                                format!(
                                    "结案理由“{text}”无效，应为 executed、enforced、no_penalty、transfer、registration_revoked 或 execution_terminated"
                                ),
                            )
                        })?,
                },
                ground: self.ground.filter(|g| !g.trim().is_empty()),
            },
            EventType::Archive => EventKind::Archive,
            EventType::SummaryPenalty => EventKind::SummaryPenalty {
                facts: self.facts(),
                penalty: self.penalty.ok_or_else(|| missing("penalty"))?,
            },
            EventType::CoerciveMeasure => EventKind::CoerciveMeasure {
                until: self.until.ok_or_else(|| missing("until"))?,
                extended: self.extended.unwrap_or(false),
                emergency: self.emergency.unwrap_or(false),
                approved: self.approved.unwrap_or(false),
                reported_on: self.reported_on,
                record: self.record.unwrap_or(false),
            },
            EventType::SeizureDecision => EventKind::SeizureDecision,
            EventType::Recusal => EventKind::Recusal,
            EventType::TransferReport => EventKind::TransferReport,
            EventType::TransferHandover => EventKind::TransferHandover,
            EventType::DemolitionAnnouncement => EventKind::DemolitionAnnouncement {
                deadline: self.deadline.ok_or_else(|| missing("deadline"))?,
            },
            EventType::ForcedDemolition => EventKind::ForcedDemolition,
            // issue 10 part A
            EventType::Revocation => EventKind::Revocation {
                ground: self
                    .ground
                    .filter(|g| !g.trim().is_empty())
                    .ok_or_else(|| missing("ground"))?,
                decision_on: self.decision_on,
            },
            // issue 10 part B
            EventType::Extension => EventKind::Extension {
                approver: self
                    .approver
                    .filter(|a| !a.trim().is_empty())
                    .ok_or_else(|| missing("approver"))?,
                reason: self
                    .reason
                    .filter(|r| !r.trim().is_empty())
                    .ok_or_else(|| missing("reason"))?,
                days: match self.days.ok_or_else(|| missing("days"))? {
                    0 => {
                        return Err(invalid("days", "延长天数（days）至少为1".to_owned()));
                    }
                    n => n,
                },
            },
            EventType::Suspension => EventKind::Suspension {
                kind: self.suspension_kind.ok_or_else(|| missing("kind"))?,
                from: self.from.ok_or_else(|| missing("from"))?,
                until: self.until.ok_or_else(|| missing("until"))?,
            },
            EventType::EnforcementDecision => EventKind::EnforcementDecision,
            EventType::Reconsideration => EventKind::Reconsideration {
                ended: self.ended.unwrap_or(false),
            },
            EventType::Lawsuit => EventKind::Lawsuit {
                ended: self.ended.unwrap_or(false),
            },
        };
        Ok(Event {
            on: self.on,
            officers: self.officers,
            note: self.note,
            kind,
        })
    }
}

impl TryFrom<RawEvent> for Event {
    type Error = TimelineError;
    fn try_from(raw: RawEvent) -> Result<Event, TimelineError> {
        raw.into_event(None)
    }
}

impl From<Event> for RawEvent {
    fn from(e: Event) -> RawEvent {
        let mut raw = RawEvent {
            on: e.on,
            kind: e.event_type(),
            officers: e.officers,
            note: e.note,
            proposed: None,
            rights: None,
            hearing_on: None,
            chair: None,
            result: None,
            outcome: None,
            penalty: None,
            method: None,
            consent: None,
            amount: None,
            surcharge: None,
            remote: None,
            until: None,
            extended: None,
            emergency: None,
            approved: None,
            reported_on: None,
            handed_in_on: None,
            mitigated: None,
            lighter: None,
            locations: None,
            minor: None,
            corrected: None,
            no_harm: None,
            deadline: None,
            record: None,
            reason: None,
            ground: None,
            decision_on: None,
            posted_on: None,
            hard_to_collect_later: None,
            approver: None,
            days: None,
            suspension_kind: None,
            from: None,
            ended: None,
        };
        match e.kind {
            EventKind::Lead
            | EventKind::Register
            | EventKind::Evidence
            | EventKind::Preservation
            | EventKind::PreservationDecision
            | EventKind::Defence
            | EventKind::StatementWaiver
            | EventKind::HearingRequest
            | EventKind::HearingWaiver
            | EventKind::Deliberation
            | EventKind::CourtEnforcementApplication
            | EventKind::Archive
            | EventKind::SeizureDecision
            | EventKind::Recusal
            | EventKind::TransferReport
            | EventKind::TransferHandover
            | EventKind::ForcedDemolition
            | EventKind::EnforcementDecision => {}
            // issue 10 part B
            EventKind::Demand { deadline } => raw.deadline = deadline,
            EventKind::Extension {
                approver,
                reason,
                days,
            } => {
                raw.approver = Some(approver);
                raw.reason = Some(reason);
                raw.days = Some(days);
            }
            EventKind::Suspension { kind, from, until } => {
                raw.suspension_kind = Some(kind);
                raw.from = Some(from);
                raw.until = Some(until);
            }
            EventKind::Reconsideration { ended } | EventKind::Lawsuit { ended } => {
                raw.ended = ended.then_some(true);
            }
            EventKind::AdvanceNotice { proposed, rights } => {
                raw.proposed = Some(proposed);
                raw.rights = Some(rights);
            }
            EventKind::HearingNotice { hearing_on } => raw.hearing_on = Some(hearing_on),
            EventKind::Hearing { chair } => raw.chair = chair,
            EventKind::LegalReview { result } => raw.result = Some(result),
            EventKind::Decision { outcome, facts } => {
                match outcome {
                    DecisionOutcome::Penalty(p) => {
                        raw.outcome = Some(RawOutcome::Penalty);
                        raw.penalty = Some(p);
                    }
                    DecisionOutcome::NoPenalty => raw.outcome = Some(RawOutcome::NoPenalty),
                    DecisionOutcome::Transfer => raw.outcome = Some(RawOutcome::Transfer),
                }
                raw.set_facts(facts);
            }
            EventKind::Service {
                method,
                consent,
                posted_on,
            } => {
                raw.posted_on = posted_on;
                let m = match method {
                    ServiceMethod::Direct => RawMethod::Direct,
                    ServiceMethod::Lodged => RawMethod::Lodged,
                    ServiceMethod::Postal => RawMethod::Postal,
                    ServiceMethod::PublicNotice => RawMethod::PublicNotice,
                    ServiceMethod::Electronic => RawMethod::Electronic,
                    ServiceMethod::Fax => RawMethod::Fax,
                    ServiceMethod::Email => RawMethod::Email,
                };
                raw.method = Some(m.as_str().to_owned());
                raw.consent = consent.then_some(true);
            }
            EventKind::Payment {
                amount,
                surcharge,
                method,
                remote,
                handed_in_on,
                hard_to_collect_later,
            } => {
                raw.handed_in_on = handed_in_on;
                raw.hard_to_collect_later = hard_to_collect_later.then_some(true);
                raw.amount = Some(amount);
                raw.surcharge = Some(surcharge);
                let m = match method {
                    PaymentMethod::Bank => RawMethod::Bank,
                    PaymentMethod::OnSpot => RawMethod::OnSpot,
                };
                raw.method = Some(m.as_str().to_owned());
                raw.remote = remote.then_some(true);
            }
            EventKind::SummaryPenalty { penalty, facts } => {
                raw.penalty = Some(penalty);
                raw.set_facts(facts);
            }
            EventKind::CoerciveMeasure {
                until,
                extended,
                emergency,
                approved,
                reported_on,
                record,
            } => {
                raw.until = Some(until);
                raw.extended = extended.then_some(true);
                raw.emergency = emergency.then_some(true);
                raw.approved = approved.then_some(true);
                raw.reported_on = reported_on;
                raw.record = record.then_some(true);
            }
            EventKind::DemolitionAnnouncement { deadline } => raw.deadline = Some(deadline),
            EventKind::Close { reason, ground } => {
                raw.reason = (reason != CloseReason::Executed).then(|| reason.as_str().to_owned());
                raw.ground = ground;
            }
            // issue 10 part A
            EventKind::Revocation {
                ground,
                decision_on,
            } => {
                raw.ground = Some(ground);
                raw.decision_on = decision_on;
            }
        }
        raw
    }
}

impl RawEvent {
    /// Writes the decision facts that differ from their defaults.
    fn set_facts(&mut self, facts: DecisionFacts) {
        self.mitigated = facts.mitigated.then_some(true);
        self.lighter = facts.lighter.then_some(true);
        self.locations = (facts.locations != 1).then_some(facts.locations);
        self.minor = facts.minor.then_some(true);
        self.corrected = facts.corrected.then_some(true);
        self.no_harm = facts.no_harm.then_some(true);
    }
}

// ---------------------------------------------------------------------------------------------
// Timeline
// ---------------------------------------------------------------------------------------------

/// One administrative penalty case as a list of dated events.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    /// The party.
    pub party: Party,
    /// Ordinary or summary procedure.
    pub procedure: Procedure,
    /// Day of the violation (or the end of a continuing violation); start of the limitation
    /// period (Art. 36).
    pub act_date: NaiveDate,
    /// Code of the violation in the catalogue (违法行为目录), if known.
    pub violation: Option<String>,
    /// The act endangered life, health or financial safety and caused harm: 5-year limitation.
    pub serious_harm: bool,
    /// 重大执法决定: legal review and collective deliberation are required.
    pub major: bool,
    /// Everyone who may be listed on an event.
    pub officers: Vec<Officer>,
    /// The events in date order (same-day events in the order they happened).
    pub events: Vec<Event>,
    /// The case record (案件记录) as kept before the events, when the timeline carries one: the
    /// party's identity, source, place, facts, evidence list and reasons. With a record, the
    /// engine checks that the 事先告知 and the decision have the elements they must state.
    pub record: Option<CaseRecord>,
}

/// A timeline as written (events not yet typed).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTimeline {
    party: Party,
    procedure: Procedure,
    act_date: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    violation: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    serious_harm: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    major: bool,
    #[serde(default)]
    officers: Vec<Officer>,
    events: Vec<RawEvent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    record: Option<CaseRecord>,
}

impl TryFrom<RawTimeline> for Timeline {
    type Error = TimelineError;

    fn try_from(raw: RawTimeline) -> Result<Timeline, TimelineError> {
        let events = raw
            .events
            .into_iter()
            .enumerate()
            .map(|(i, e)| e.into_event(Some(i)))
            .collect::<Result<Vec<_>, _>>()?;
        let t = Timeline {
            party: raw.party,
            procedure: raw.procedure,
            act_date: raw.act_date,
            violation: raw.violation,
            serious_harm: raw.serious_harm,
            major: raw.major,
            officers: raw.officers,
            events,
            record: raw.record,
        };
        let mut t = t;
        if let Some(r) = &mut t.record {
            r.normalise().map_err(|e| TimelineError::InvalidRecord {
                field: e.field,
                message: e.message,
            })?;
        }
        t.validate()?;
        Ok(t)
    }
}

impl From<&Timeline> for RawTimeline {
    fn from(t: &Timeline) -> RawTimeline {
        RawTimeline {
            party: t.party.clone(),
            procedure: t.procedure,
            act_date: t.act_date,
            violation: t.violation.clone(),
            serious_harm: t.serious_harm,
            major: t.major,
            officers: t.officers.clone(),
            events: t.events.iter().cloned().map(RawEvent::from).collect(),
            record: t.record.clone(),
        }
    }
}

impl Serialize for Timeline {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        RawTimeline::from(self).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Timeline {
    /// Deserializes and validates (see [`Timeline::validate`]).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawTimeline::deserialize(d)?;
        Timeline::try_from(raw).map_err(de::Error::custom)
    }
}

impl Timeline {
    /// Parses and validates a timeline written in JSON. A leading UTF-8 byte-order mark is
    /// ignored; nesting deeper than [`MAX_NESTING`] and amounts in exponent form are errors.
    pub fn from_json(text: &str) -> Result<Timeline, TimelineError> {
        let text = prescan(text, "JSON")?;
        let mut de = serde_json::Deserializer::from_str(text);
        let raw: RawTimeline = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = root_as_words(e.path().to_string());
            let inner = e.into_inner();
            TimelineError::Syntax {
                format: "JSON",
                path,
                line: Some(inner.line()),
                message: translate_serde_message(&strip_json_position(&inner.to_string())),
            }
        })?;
        de.end().map_err(|e| TimelineError::Syntax {
            format: "JSON",
            path: "文档末尾".to_owned(),
            line: Some(e.line()),
            message: translate_serde_message(&strip_json_position(&e.to_string())),
        })?;
        Timeline::try_from(raw)
    }

    /// Parses and validates a timeline written in YAML.
    ///
    /// Texts in the plain subset of YAML that timelines are written in are read by a fast
    /// reader; everything else, and every text with an error, by `serde_norway` (libyaml), which
    /// gives the same result (see the crate `fazhi-fast-yaml`).
    pub fn from_yaml(text: &str) -> Result<Timeline, TimelineError> {
        let text = prescan(text, "YAML")?;
        match fazhi_fast_yaml::from_str::<RawTimeline>(text) {
            Some(raw) => Timeline::try_from(raw),
            None => Timeline::from_yaml_libyaml(text),
        }
    }

    /// [`Timeline::from_yaml`] without the fast reader.
    fn from_yaml_libyaml(text: &str) -> Result<Timeline, TimelineError> {
        let de = serde_norway::Deserializer::from_str(text);
        let raw: RawTimeline = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = root_as_words(e.path().to_string());
            let inner = e.into_inner();
            let line = inner.location().map(|l| l.line());
            let text = inner.to_string();
            // serde_norway prefixes the path and appends the position; both are reported
            // separately.
            let text = match text.split_once(": ") {
                Some((head, rest)) if !head.contains(char::is_whitespace) => rest.to_owned(),
                _ => text,
            };
            let text = match text.find(" at line ") {
                Some(i) => text[..i].to_owned(),
                None => text,
            };
            TimelineError::Syntax {
                format: "YAML",
                path,
                line,
                // issue 10 part B: libyaml's own messages too.
                message: translate_libyaml_message(&translate_serde_message(&text)),
            }
        })?;
        Timeline::try_from(raw)
    }

    /// Parses JSON when the text starts with `{`, YAML otherwise (after a UTF-8 byte-order mark,
    /// which is ignored).
    pub fn parse(text: &str) -> Result<Timeline, TimelineError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim_start().starts_with('{') {
            Timeline::from_json(text)
        } else {
            Timeline::from_yaml(text)
        }
    }

    /// Writes the timeline as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        // Serializing plain data with string keys into a String cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Writes the timeline as YAML.
    pub fn to_yaml(&self) -> String {
        serde_norway::to_string(self).unwrap_or_default()
    }

    /// The officer with id `id`.
    pub fn officer(&self, id: &str) -> Option<&Officer> {
        self.officers.iter().find(|o| o.id == id)
    }

    /// Checks what the types cannot: non-empty party name, unique and known officer ids,
    /// consistent certificates, events in date order, non-empty decided penalties, positive
    /// amounts, coercive measures ending after they start. Returns the first problem.
    pub fn validate(&self) -> Result<(), TimelineError> {
        if self.party.name.trim().is_empty() {
            return Err(TimelineError::EmptyPartyName);
        }
        if self.party.minor_under_14 && self.party.kind != PartyKind::Individual {
            return Err(TimelineError::InvalidParty {
                field: "minor_under_14",
                problem: "不满十四周岁（minor_under_14）只适用于公民（kind: individual）",
            });
        }
        if let Some(record) = &self.record {
            record
                .check_party_kind(self.party.kind)
                .map_err(|e| TimelineError::InvalidRecord {
                    field: e.field,
                    message: e.message,
                })?;
        }
        if let Some(birth) = self.party.birth_date {
            if self.party.kind != PartyKind::Individual {
                return Err(TimelineError::InvalidParty {
                    field: "birth_date",
                    problem: "出生日期（birth_date）只适用于公民（kind: individual）",
                });
            }
            if birth > self.act_date {
                return Err(TimelineError::InvalidParty {
                    field: "birth_date",
                    problem: "出生日期（birth_date）晚于违法行为发生日（act_date）",
                });
            }
        }
        for (i, o) in self.officers.iter().enumerate() {
            if o.id.trim().is_empty() {
                return Err(TimelineError::EmptyOfficerId { position: i });
            }
            if self.officers[..i].iter().any(|p| p.id == o.id) {
                return Err(TimelineError::DuplicateOfficer { id: o.id.clone() });
            }
            if let Some(c) = &o.certificate {
                let problem = if c.no.trim().is_empty() {
                    Some("证号（no）不能为空")
                } else if c.valid_from > c.valid_until {
                    Some("有效期起始日（valid_from）晚于截止日（valid_until）")
                } else if c.suspended_until.is_some() && c.suspended_from.is_none() {
                    Some("填写了暂扣截止日（suspended_until）却没有暂扣起始日（suspended_from）")
                } else if let (Some(a), Some(b)) = (c.suspended_from, c.suspended_until)
                    && a > b
                {
                    Some("暂扣起始日（suspended_from）晚于暂扣截止日（suspended_until）")
                } else {
                    None
                };
                if let Some(problem) = problem {
                    return Err(TimelineError::InvalidCertificate {
                        officer: o.id.clone(),
                        problem,
                    });
                }
            }
        }
        let mut previous: Option<NaiveDate> = None;
        for (i, e) in self.events.iter().enumerate() {
            if let Some(p) = previous
                && e.on < p
            {
                return Err(TimelineError::OutOfOrder {
                    index: i,
                    date: e.on,
                    previous: p,
                });
            }
            previous = Some(e.on);
            for (field, id) in e.officer_refs() {
                if self.officer(id).is_none() {
                    return Err(TimelineError::UnknownOfficer {
                        index: i,
                        field,
                        id: id.to_owned(),
                    });
                }
            }
            let invalid = |field: &'static str, message: String| TimelineError::InvalidValue {
                index: Some(i),
                field,
                message,
            };
            match &e.kind {
                EventKind::AdvanceNotice { proposed: p, .. } => {
                    check_amounts(p).map_err(|m| invalid("proposed", m.to_owned()))?;
                }
                EventKind::Decision { outcome, facts } => {
                    if let DecisionOutcome::Penalty(p) = outcome {
                        check_decided(p).map_err(|m| invalid("penalty", m.to_owned()))?;
                    }
                    check_facts(facts).map_err(|m| invalid("locations", m.to_owned()))?;
                }
                EventKind::SummaryPenalty { penalty: p, facts } => {
                    check_decided(p).map_err(|m| invalid("penalty", m.to_owned()))?;
                    check_facts(facts).map_err(|m| invalid("locations", m.to_owned()))?;
                }
                EventKind::CoerciveMeasure {
                    until,
                    emergency,
                    reported_on,
                    ..
                } => {
                    if *until < e.on {
                        return Err(invalid(
                            "until",
                            format!("强制措施截止日{}早于实施日{}", CnDate(*until), CnDate(e.on)),
                        ));
                    }
                    if let Some(r) = reported_on {
                        if !*emergency {
                            return Err(invalid(
                                "reported_on",
                                "报告负责人的日期（reported_on）只用于情况紧急当场实施的强制措施（emergency: true）"
                                    .to_owned(),
                            ));
                        }
                        if *r < e.on {
                            return Err(invalid(
                                "reported_on",
                                format!("报告日{}早于实施日{}", CnDate(*r), CnDate(e.on)),
                            ));
                        }
                    }
                }
                EventKind::Payment {
                    method,
                    handed_in_on: Some(h),
                    ..
                } => {
                    if *method != PaymentMethod::OnSpot {
                        return Err(invalid(
                            "handed_in_on",
                            "交款日期（handed_in_on）只用于当场收缴的罚款（method: on_spot）"
                                .to_owned(),
                        ));
                    }
                    if *h < e.on {
                        return Err(invalid(
                            "handed_in_on",
                            format!("交款日{}早于收缴日{}", CnDate(*h), CnDate(e.on)),
                        ));
                    }
                }
                // issue 10 part A
                EventKind::Revocation { decision_on, .. } => {
                    self.check_revocation_target(i, *decision_on)?;
                }
                // issue 10 part B
                EventKind::Demand {
                    deadline: Some(deadline),
                } if *deadline < e.on => {
                    return Err(invalid(
                        "deadline",
                        format!(
                            "催告书的履行期限{}早于催告日{}",
                            CnDate(*deadline),
                            CnDate(e.on)
                        ),
                    ));
                }
                EventKind::Suspension { from, until, .. } => {
                    if from > until {
                        return Err(invalid(
                            "until",
                            format!("期间截止日{}早于起始日{}", CnDate(*until), CnDate(*from)),
                        ));
                    }
                    if *until > e.on {
                        return Err(invalid(
                            "until",
                            format!(
                                "期间截止日{}晚于记录日{}：不计入办案期限的期间在结束后记录",
                                CnDate(*until),
                                CnDate(e.on)
                            ),
                        ));
                    }
                }
                EventKind::Reconsideration { ended: true } | EventKind::Lawsuit { ended: true } => {
                    let t = e.event_type();
                    let filed = self.events[..i]
                        .iter()
                        .filter(|p| p.event_type() == t)
                        .fold(0i32, |open, p| match p.kind {
                            EventKind::Reconsideration { ended: true }
                            | EventKind::Lawsuit { ended: true } => open - 1,
                            _ => open + 1,
                        });
                    if filed < 1 {
                        return Err(invalid(
                            "ended",
                            format!("此前没有尚未终结的{}，不能记录其终结", t.label()),
                        ));
                    }
                }
                EventKind::DemolitionAnnouncement { deadline } if *deadline < e.on => {
                    return Err(invalid(
                        "deadline",
                        format!(
                            "自行拆除期限{}早于公告日{}",
                            CnDate(*deadline),
                            CnDate(e.on)
                        ),
                    ));
                }
                _ => {}
            }
        }
        Ok(())
    }
}

// issue 10 part A
impl Timeline {
    /// The penalty decisions (`decision` with outcome `penalty`, `summary_penalty`) before event
    /// `before`, each with whether a revocation before `before` revoked it. A `revocation`
    /// revokes the decision dated its `decision_on` (the latest not yet revoked that day), or
    /// without it the latest decision not yet revoked.
    pub fn penalty_decisions(&self, before: usize) -> Vec<(usize, bool)> {
        penalty_decisions(&self.events, before)
    }

    /// A `revocation` at event `index` must find a penalty decision not yet revoked (dated
    /// `decision_on` when given).
    fn check_revocation_target(
        &self,
        index: usize,
        decision_on: Option<NaiveDate>,
    ) -> Result<(), TimelineError> {
        let found = self
            .penalty_decisions(index)
            .iter()
            .any(|(j, revoked)| !*revoked && decision_on.is_none_or(|d| self.events[*j].on == d));
        if found {
            return Ok(());
        }
        let (field, message) = match decision_on {
            Some(d) => (
                "decision_on",
                format!("{}没有尚未撤销的行政处罚决定可撤销", CnDate(d)),
            ),
            None => ("ground", "此前没有尚未撤销的行政处罚决定可撤销".to_owned()),
        };
        Err(TimelineError::InvalidValue {
            index: Some(index),
            field,
            message,
        })
    }
}

/// [`Timeline::penalty_decisions`] over a list of events (the case page judges which steps
/// apply from the recorded events alone).
pub fn penalty_decisions(events: &[Event], before: usize) -> Vec<(usize, bool)> {
    let mut out: Vec<(usize, bool)> = Vec::new();
    for (i, e) in events.iter().enumerate().take(before) {
        match &e.kind {
            EventKind::Decision {
                outcome: DecisionOutcome::Penalty(_),
                ..
            }
            | EventKind::SummaryPenalty { .. } => out.push((i, false)),
            EventKind::Revocation { decision_on, .. } => {
                let target = out.iter_mut().rev().find(|(j, revoked)| {
                    !*revoked && decision_on.is_none_or(|d| events[*j].on == d)
                });
                if let Some(t) = target {
                    t.1 = true;
                }
            }
            _ => {}
        }
    }
    out
}

/// A decided penalty has at least one kind and positive amounts.
fn check_decided(p: &Penalty) -> Result<(), &'static str> {
    if p.is_empty() {
        return Err("处罚内容为空：至少应有一种处罚（如 fine、warning）");
    }
    check_amounts(p)
}

/// At least one location.
const fn check_facts(f: &DecisionFacts) -> Result<(), &'static str> {
    if f.locations == 0 {
        return Err("违法地点数（locations）至少为1");
    }
    Ok(())
}

/// Fine and confiscation, when given, must be positive.
fn check_amounts(p: &Penalty) -> Result<(), &'static str> {
    if p.fine.is_some_and(Yuan::is_zero) {
        return Err("罚款金额（fine）必须大于0");
    }
    if p.confiscation.is_some_and(Yuan::is_zero) {
        return Err("没收金额（confiscation）必须大于0");
    }
    Ok(())
}

/// A date written the Chinese way: `2025年4月8日`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CnDate(pub NaiveDate);

impl fmt::Display for CnDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}年{}月{}日",
            self.0.year(),
            self.0.month(),
            self.0.day()
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Deepest nesting of flow collections (`[`, `{`) a timeline text may have. A timeline needs 4
/// (`{ events: [ { proposed: { … } } ] }`); libyaml takes seconds on texts nested thousands deep.
pub const MAX_NESTING: usize = 16;

/// The fields that hold amounts (金额).
const AMOUNT_FIELDS: [&str; 4] = ["fine", "confiscation", "amount", "surcharge"];

/// Checks a timeline text before the parsers see it, in one pass over its bytes: strips a
/// UTF-8 byte-order mark, refuses nesting deeper than [`MAX_NESTING`] (libyaml is slow on
/// deeply nested flow collections) and amounts written in exponent form (`1e3`), which JSON and
/// YAML would read as numbers. Quoted strings and comments are skipped.
fn prescan<'t>(text: &'t str, format: &'static str) -> Result<&'t str, TimelineError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bytes = text.as_bytes();
    let (mut depth, mut line, mut i) = (0usize, 1usize, 0usize);
    // The last key read (the scalar or quoted string before a `:`).
    let mut key: &str = "";
    let mut token_start: Option<usize> = None;
    let mut last_token: &str = "";
    let syntax = |line: usize, path: String, message: String| TimelineError::Syntax {
        format,
        path,
        line: Some(line),
        message,
    };
    while i < bytes.len() {
        let b = bytes[i];
        let is_delim = matches!(
            b,
            b' ' | b'\t' | b'\r' | b'\n' | b',' | b'[' | b']' | b'{' | b'}' | b'"' | b'\'' | b'#'
        ) || (b == b':'
            && (i > 0 && matches!(bytes[i - 1], b'"' | b'\'')
                || bytes.get(i + 1).is_none_or(|c| {
                    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b',' | b'}' | b']' | b'"')
                })));
        if is_delim {
            if let Some(start) = token_start.take() {
                last_token = &text[start..i];
                if !key.is_empty() && AMOUNT_FIELDS.contains(&key) && is_exponent_number(last_token)
                {
                    return Err(syntax(
                        line,
                        key.to_owned(),
                        format!(
                            "金额不能用指数形式书写（{last_token}），请写成整数或最多两位小数的数字"
                        ),
                    ));
                }
                key = "";
            }
        } else if token_start.is_none() {
            token_start = Some(i);
        }
        match b {
            b'\n' => line += 1,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(syntax(
                        line,
                        "文档".to_owned(),
                        format!("嵌套层数超过{MAX_NESTING}层，不是有效的案件时间线"),
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b':' if is_delim => {
                key = last_token;
                last_token = "";
            }
            b'"' | b'\'' => {
                // A quoted string: skip to its end (backslash escapes in double quotes, a
                // doubled quote in single quotes).
                let start = i + 1;
                i += 1;
                while i < bytes.len() {
                    let c = bytes[i];
                    if c == b'\n' {
                        line += 1;
                    }
                    if b == b'"' && c == b'\\' {
                        i += 2;
                        continue;
                    }
                    if c == b {
                        if b == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                last_token = text.get(start..i.min(bytes.len())).unwrap_or("");
            }
            b'#' if i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\n') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if let Some(start) = token_start
        && !key.is_empty()
        && AMOUNT_FIELDS.contains(&key)
        && is_exponent_number(&text[start..])
    {
        return Err(syntax(
            line,
            key.to_owned(),
            format!(
                "金额不能用指数形式书写（{}），请写成整数或最多两位小数的数字",
                &text[start..]
            ),
        ));
    }
    Ok(text)
}

// issue 10 part B
/// Checks a JSON text that carries timeline events (e.g. one event posted to the live case
/// API) as [`Timeline::from_json`] checks a timeline's text: nesting no deeper than
/// [`MAX_NESTING`] and no amount in exponent form (`1e3`), with the same Chinese error.
pub fn check_json_text(text: &str) -> Result<(), TimelineError> {
    prescan(text, "JSON").map(|_| ())
}

/// `1e3`, `-2.5E+2`, `.5e1`: a number in exponent form.
fn is_exponent_number(token: &str) -> bool {
    let t = token.strip_prefix(['-', '+']).unwrap_or(token);
    let Some((mantissa, exponent)) = t.split_once(['e', 'E']) else {
        return false;
    };
    let exponent = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    !exponent.is_empty()
        && exponent.bytes().all(|b| b.is_ascii_digit())
        && !(int.is_empty() && frac.is_empty())
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// Why a text is not a valid timeline. Events are numbered from 0 (`事件#3`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimelineError {
    /// The text is not well-formed JSON/YAML, or does not have the timeline's shape (unknown or
    /// missing field, unknown event type, wrong value type, invalid amount or date).
    #[error("时间线{format}格式错误（位置：{path}{}）：{message}", line_suffix(*.line))]
    Syntax {
        /// `JSON` or `YAML`.
        format: &'static str,
        /// Path of the offending value, e.g. `events[3].type`.
        path: String,
        /// 1-based line, when known.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// A field the event type requires is missing.
    #[error("{}（{event_type}）缺少字段 {field}", event_name(*.index))]
    MissingField {
        /// Event index, when known.
        index: Option<usize>,
        /// Its type.
        event_type: EventType,
        /// The missing field.
        field: &'static str,
    },
    /// A field is given that does not belong to the event type.
    #[error("{}（{event_type}）不允许字段 {field}", event_name(*.index))]
    FieldNotAllowed {
        /// Event index, when known.
        index: Option<usize>,
        /// Its type.
        event_type: EventType,
        /// The field.
        field: &'static str,
    },
    /// A field has a value that is not allowed there.
    #[error("{} 字段 {field} 无效：{message}", event_name(*.index))]
    InvalidValue {
        /// Event index, when known.
        index: Option<usize>,
        /// The field.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// An element of `record` is not acceptable (see [`CaseRecord::normalise`]), or the
    /// record's party is of another kind than `party`.
    #[error("案件记录字段 record.{field} 无效：{message}")]
    InvalidRecord {
        /// Path of the field inside `record`, e.g. `party.id_no`.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// `party.name` is empty.
    #[error("当事人名称（party.name）不能为空")]
    EmptyPartyName,
    /// A field of `party` does not fit the kind of party.
    #[error("当事人字段 party.{field} 无效：{problem}")]
    InvalidParty {
        /// The field.
        field: &'static str,
        /// What is wrong.
        problem: &'static str,
    },
    /// An officer has an empty id.
    #[error("第{}名执法人员的 id 不能为空", position + 1)]
    EmptyOfficerId {
        /// 0-based position in `officers`.
        position: usize,
    },
    /// Two officers share an id.
    #[error("执法人员 id“{id}”重复")]
    DuplicateOfficer {
        /// The id.
        id: String,
    },
    /// A certificate is inconsistent.
    #[error("执法人员“{officer}”的执法证无效：{problem}")]
    InvalidCertificate {
        /// Officer id.
        officer: String,
        /// What is wrong.
        problem: &'static str,
    },
    /// An event names an officer that is not in `officers`.
    #[error("事件#{index} 的 {field} 引用了未登记的执法人员“{id}”")]
    UnknownOfficer {
        /// Event index.
        index: usize,
        /// `officers` or `chair`.
        field: &'static str,
        /// The unknown id.
        id: String,
    },
    /// An event is dated before the previous one.
    #[error("事件#{index} 的日期{}早于前一事件的日期{}，事件须按日期先后排列", CnDate(*.date), CnDate(*.previous))]
    OutOfOrder {
        /// Event index.
        index: usize,
        /// Its date.
        date: NaiveDate,
        /// Date of the previous event.
        previous: NaiveDate,
    },
    /// `violation` is not a code of the catalogue.
    #[error("违法行为代码“{code}”不在违法行为目录中")]
    UnknownViolationCode {
        /// The code.
        code: String,
    },
}

impl TimelineError {
    /// Stable machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            TimelineError::Syntax { .. } => "syntax",
            TimelineError::MissingField { .. } => "missing_field",
            TimelineError::FieldNotAllowed { .. } => "field_not_allowed",
            TimelineError::InvalidValue { .. } => "invalid_value",
            TimelineError::EmptyPartyName => "empty_party_name",
            TimelineError::InvalidParty { .. } => "invalid_party",
            TimelineError::InvalidRecord { .. } => "invalid_record",
            TimelineError::EmptyOfficerId { .. } => "empty_officer_id",
            TimelineError::DuplicateOfficer { .. } => "duplicate_officer",
            TimelineError::InvalidCertificate { .. } => "invalid_certificate",
            TimelineError::UnknownOfficer { .. } => "unknown_officer",
            TimelineError::OutOfOrder { .. } => "events_out_of_order",
            TimelineError::UnknownViolationCode { .. } => "unknown_violation_code",
        }
    }

    /// The index of the event the error is about, if any.
    pub const fn event_index(&self) -> Option<usize> {
        match self {
            TimelineError::MissingField { index, .. }
            | TimelineError::FieldNotAllowed { index, .. }
            | TimelineError::InvalidValue { index, .. } => *index,
            TimelineError::UnknownOfficer { index, .. }
            | TimelineError::OutOfOrder { index, .. } => Some(*index),
            TimelineError::Syntax { .. }
            | TimelineError::EmptyPartyName
            | TimelineError::InvalidParty { .. }
            | TimelineError::InvalidRecord { .. }
            | TimelineError::EmptyOfficerId { .. }
            | TimelineError::DuplicateOfficer { .. }
            | TimelineError::InvalidCertificate { .. }
            | TimelineError::UnknownViolationCode { .. } => None,
        }
    }
}

fn event_name(index: Option<usize>) -> String {
    match index {
        Some(i) => format!("事件#{i}"),
        None => "事件".to_owned(),
    }
}

fn line_suffix(line: Option<usize>) -> String {
    match line {
        Some(l) => format!("，第{l}行"),
        None => String::new(),
    }
}

/// serde_path_to_error writes the document root as `.`.
fn root_as_words(path: String) -> String {
    if path == "." {
        "文档根".to_owned()
    } else {
        path
    }
}

/// serde_json appends ` at line L column C`; the line is reported separately.
fn strip_json_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

// issue 10 part B
/// libyaml's scanner, parser and reader messages (and serde_norway's own) in Chinese. The
/// position is reported separately; a message not in the table keeps its English text after a
/// Chinese lead, so that the user still learns it is a YAML syntax error.
fn translate_libyaml_message(message: &str) -> String {
    const TABLE: [(&str, &str); 33] = [
        (
            "did not find expected key",
            "缺少应有的键（缩进或格式不正确）",
        ),
        ("did not find expected node content", "缺少应有的值"),
        (
            "did not find expected '-' indicator",
            "列表项缺少“-”标记（缩进不一致）",
        ),
        ("did not find expected ',' or ']'", "列表缺少“,”或“]”"),
        ("did not find expected ',' or '}'", "对象缺少“,”或“}”"),
        ("did not find expected <document start>", "缺少文档开始标记"),
        (
            "did not find expected comment or line break",
            "此处应为注释或换行",
        ),
        (
            "did not find expected alphabetic or numeric character",
            "锚点或别名名称应为字母或数字",
        ),
        (
            "did not find expected hexdecimal number",
            "转义序列应为十六进制数字",
        ),
        ("did not find URI escaped octet", "标签中的转义字符无效"),
        ("could not find expected ':'", "缺少冒号“:”"),
        (
            "mapping values are not allowed in this context",
            "此处不允许键值对（冒号后缺少空格或缩进不正确）",
        ),
        (
            "block sequence entries are not allowed in this context",
            "此处不允许列表项（缩进不正确）",
        ),
        (
            "found character that cannot start any token",
            "出现了不能作为开头的字符（如制表符、@ 或 `）",
        ),
        (
            "found unexpected end of stream",
            "文档意外结束（引号或括号未闭合）",
        ),
        (
            "found unexpected document indicator",
            "出现了意外的文档分隔标记",
        ),
        (
            "found a tab character that violates indentation",
            "缩进中含有制表符，请用空格缩进",
        ),
        (
            "found a tab character where an indentation space is expected",
            "缩进中含有制表符，请用空格缩进",
        ),
        ("found unknown escape character", "引号内有未知的转义字符"),
        (
            "found invalid Unicode character escape code",
            "引号内的 Unicode 转义无效",
        ),
        ("found undefined tag handle", "标签未定义"),
        ("found duplicate %YAML directive", "%YAML 指令重复"),
        ("found duplicate %TAG directive", "%TAG 指令重复"),
        ("found incompatible YAML document", "YAML 版本不兼容"),
        (
            "control characters are not allowed",
            "文本含有不允许的控制字符",
        ),
        ("invalid leading UTF-8 octet", "文本不是有效的 UTF-8 编码"),
        (
            "incomplete UTF-8 octet sequence",
            "文本不是有效的 UTF-8 编码",
        ),
        ("invalid trailing UTF-8 octet", "文本不是有效的 UTF-8 编码"),
        (
            "invalid length of a UTF-8 sequence",
            "文本不是有效的 UTF-8 编码",
        ),
        ("invalid Unicode character", "文本含有无效的 Unicode 字符"),
        ("recursion limit exceeded", "嵌套层数过多"),
        ("repetition limit exceeded", "别名展开次数过多"),
        ("unknown anchor", "引用了未定义的锚点"),
    ];
    if let Some((_, chinese)) = TABLE
        .iter()
        .find(|(english, _)| message.starts_with(english))
    {
        return (*chinese).to_owned();
    }
    if message.starts_with("deserializing from YAML containing more than one document") {
        return "一个文件只能包含一个 YAML 文档".to_owned();
    }
    if message.starts_with("EOF while parsing") {
        return "文档不完整（意外结束）".to_owned();
    }
    // Already Chinese (translated serde messages), or an unknown English message.
    if message.bytes().all(|b| b.is_ascii()) {
        format!("YAML 语法错误（{message}）")
    } else {
        message.to_owned()
    }
}

/// Puts serde's English messages into Chinese where their shape is known; the identifiers
/// inside stay as written.
fn translate_serde_message(message: &str) -> String {
    /// serde lists alternatives as "`a`, `b` or `c`" / "one of `a`, `b`".
    fn list(expected: &str) -> String {
        expected
            .trim_start_matches("one of ")
            .replace(" or ", "、")
            .replace(", ", "、")
    }
    /// Names serde uses for our types, in words for the user.
    fn expected_name(expected: &str) -> String {
        match expected {
            "struct RawEvent" => "事件对象（含 on、type 等字段）".to_owned(),
            "struct RawTimeline" => "时间线对象".to_owned(),
            e if e.starts_with("struct ") => format!("对象（{}）", &e["struct ".len()..]),
            "a sequence" => "列表".to_owned(),
            e => e.to_owned(),
        }
    }
    // issue 10 part B
    /// serde's names of what it found (`sequence`, `string "a"`), in words for the user.
    fn unexpected_name(got: &str) -> String {
        const NAMES: [(&str, &str); 10] = [
            ("sequence", "列表"),
            ("map", "对象"),
            ("string", "字符串"),
            ("integer", "整数"),
            ("floating point", "小数"),
            ("boolean", "布尔值"),
            ("unit value", "空值"),
            ("null", "空值"),
            ("character", "字符"),
            ("unit", "空值"),
        ];
        for (english, chinese) in NAMES {
            if let Some(rest) = got.strip_prefix(english) {
                return format!("{chinese}{rest}");
            }
        }
        got.to_owned()
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        return match rest.split_once(", expected ") {
            Some((field, expected)) => {
                format!("未知字段 {field}（允许的字段：{}）", list(expected))
            }
            None => match rest.split_once(", there are no fields") {
                Some((field, _)) => format!("未知字段 {field}（此处不允许任何字段）"),
                None => format!("未知字段 {rest}"),
            },
        };
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        return match rest.split_once(", expected ") {
            Some((v, expected)) => format!("未知取值 {v}（可选值：{}）", list(expected)),
            None => format!("未知取值 {rest}"),
        };
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        return format!("缺少字段 {rest}");
    }
    if let Some(rest) = message.strip_prefix("duplicate field ") {
        return format!("字段 {rest} 重复");
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        return match rest.split_once(", expected ") {
            Some((got, expected)) => {
                format!(
                    "类型错误：得到 {}，应为{}",
                    unexpected_name(got),
                    expected_name(expected)
                )
            }
            None => format!("类型错误：{rest}"),
        };
    }
    if message.starts_with("input contains invalid characters")
        || message.starts_with("premature end of input")
        || message.starts_with("input is out of range")
        || message.starts_with("trailing input")
        || message.starts_with("input is not enough for unique date")
    {
        return format!("日期无效（应为 YYYY-MM-DD 格式的有效日期）：{message}");
    }
    match message {
        "trailing characters" => "文档末尾有多余的字符".to_owned(),
        "expected value" => "此处缺少值或值无法识别".to_owned(),
        "EOF while parsing a value"
        | "EOF while parsing an object"
        | "EOF while parsing a list"
        | "EOF while parsing a string" => "文档不完整（意外结束）".to_owned(),
        "key must be a string" => "对象的键必须是字符串".to_owned(),
        _ => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    #[test]
    fn event_type_all_is_complete() {
        for (i, t) in EventType::ALL.iter().enumerate() {
            assert_eq!(t.position(), i, "{t:?} out of place in EventType::ALL");
            let json = serde_json::to_string(t).unwrap();
            assert_eq!(json, format!("\"{}\"", t.as_str()));
        }
    }

    use super::*;

    #[test]
    fn a_byte_order_mark_is_accepted() {
        let yaml = "\u{feff}party: { kind: individual, name: 张三 }\nprocedure: ordinary\nact_date: 2025-03-01\nofficers: []\nevents: []\n";
        assert!(Timeline::parse(yaml).is_ok());
        assert!(Timeline::from_yaml(yaml).is_ok());
        let json = "\u{feff}{\"party\": {\"kind\": \"individual\", \"name\": \"张三\"}, \"procedure\": \"ordinary\", \"act_date\": \"2025-03-01\", \"officers\": [], \"events\": []}";
        assert!(Timeline::parse(json).is_ok());
        assert!(Timeline::from_json(json).is_ok());
    }

    #[test]
    fn deep_nesting_is_refused_quickly_with_a_clear_error() {
        let deep = format!("party: {}{}", "[".repeat(100_000), "]".repeat(100_000));
        let started = std::time::Instant::now();
        let err = Timeline::parse(&deep).unwrap_err();
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert_eq!(err.code(), "syntax");
        assert!(err.to_string().contains("嵌套层数超过16层"), "{err}");
        let deep_json = format!(
            "{{\"party\": {}{}}}",
            "{\"a\": ".repeat(50),
            "1}".repeat(50)
        );
        let err = Timeline::parse(&deep_json).unwrap_err();
        assert!(err.to_string().contains("嵌套层数"), "{err}");
        // Brackets inside quoted strings and comments do not count.
        let quoted = format!(
            "party: {{ kind: individual, name: \"{}\" }}  # {}\nprocedure: ordinary\nact_date: 2025-03-01\nofficers: []\nevents: []\n",
            "[".repeat(40),
            "{".repeat(40)
        );
        assert!(Timeline::parse(&quoted).is_ok());
    }

    #[test]
    fn amounts_in_exponent_form_are_refused() {
        let with = |amount: &str| {
            format!(
                "party: {{ kind: individual, name: 张三 }}\nprocedure: ordinary\nact_date: 2025-03-01\nofficers: []\nevents:\n  - {{ on: 2025-03-03, type: payment, amount: {amount} }}\n"
            )
        };
        for bad in ["1e3", "1E3", "1.5e2", "2e+2"] {
            let err = Timeline::parse(&with(bad)).unwrap_err();
            assert!(err.to_string().contains("指数形式"), "{bad}: {err}");
        }
        assert!(Timeline::parse(&with("1000")).is_ok());
        assert!(Timeline::parse(&with("60.5")).is_ok());
        let json = "{\"party\": {\"kind\": \"individual\", \"name\": \"张三\"}, \"procedure\": \"ordinary\", \"act_date\": \"2025-03-01\", \"officers\": [], \"events\": [{\"on\": \"2025-03-03\", \"type\": \"decision\", \"outcome\": \"penalty\", \"penalty\": {\"fine\":1e3}}]}";
        let err = Timeline::parse(json).unwrap_err();
        assert!(err.to_string().contains("指数形式"), "{err}");
        // A note may mention such a text.
        let note = "party: { kind: individual, name: 张三 }\nprocedure: ordinary\nact_date: 2025-03-01\nofficers: []\nevents:\n  - { on: 2025-03-03, type: lead, note: 1e3 }\n";
        assert!(Timeline::parse(note).is_ok());
        assert!(!is_exponent_number("e3") && !is_exponent_number("1e") && !is_exponent_number("."));
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    // issue 10 part B

    #[test]
    fn new_events_of_part_b_round_trip() {
        let t = Timeline::parse(&with_events(
            r"
  - { on: 2025-03-03, type: register, officers: [A, B] }
  - { on: 2025-03-20, type: extension, approver: 王局长, reason: 案情复杂, days: 30 }
  - { on: 2025-04-20, type: suspension, kind: expert_opinion, from: 2025-04-01, until: 2025-04-18 }
  - { on: 2025-05-06, type: lawsuit }
  - { on: 2025-06-09, type: demand, deadline: 2025-06-16 }
  - { on: 2025-06-17, type: enforcement_decision }
  - { on: 2025-06-18, type: reconsideration }
  - { on: 2025-06-20, type: lawsuit, ended: true }
  - { on: 2025-06-21, type: reconsideration, ended: true }
  - { on: 2025-06-22, type: demand }
",
        ))
        .unwrap();
        assert_eq!(
            t.events[2].kind,
            EventKind::Suspension {
                kind: SuspensionKind::ExpertOpinion,
                from: d(2025, 4, 1),
                until: d(2025, 4, 18),
            }
        );
        assert_eq!(t.events[7].kind, EventKind::Lawsuit { ended: true });
        assert_eq!(Timeline::parse(&t.to_json()).unwrap(), t);
        assert_eq!(Timeline::parse(&t.to_yaml()).unwrap(), t);
        // fields of other types are refused
        let err = Timeline::from_yaml(&with_events(
            "  - { on: 2025-03-03, type: register, days: 3 }\n",
        ))
        .unwrap_err();
        assert_eq!(err.code(), "field_not_allowed");
        let err = Timeline::from_yaml(&with_events(
            "  - { on: 2025-03-03, type: demand, deadline: 2025-03-02 }\n",
        ))
        .unwrap_err();
        assert_eq!(err.code(), "invalid_value");
    }

    #[test]
    fn an_unknown_method_lists_only_the_methods_of_the_event_type() {
        let err = Timeline::from_yaml(&with_events(
            "  - { on: 2025-03-03, type: service, method: courier }\n",
        ))
        .unwrap_err();
        assert_eq!(err.code(), "invalid_value");
        let text = err.to_string();
        assert!(
            text.contains("送达方式“courier”无效") && text.contains("email"),
            "{text}"
        );
        assert!(
            !text.contains("bank") && !text.contains("on_spot"),
            "{text}"
        );
        let err = Timeline::from_yaml(&with_events(
            "  - { on: 2025-03-03, type: payment, amount: 5, method: direct }\n",
        ))
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("缴款方式“direct”无效，应为 bank 或 on_spot"),
            "{text}"
        );
        let err = Timeline::from_yaml(&with_events(
            "  - { on: 2025-03-03, type: close, reason: finished }\n",
        ))
        .unwrap_err();
        assert_eq!(err.code(), "invalid_value");
        assert!(err.to_string().contains("registration_revoked"), "{err}");
        assert!(!err.to_string().contains("direct"), "{err}");
    }

    #[test]
    fn libyaml_messages_are_in_chinese() {
        for (text, expected) in [
            ("party: { kind: individual, name: x, ]\n", "缺少应有的值"),
            ("party: \"unterminated\n", "文档意外结束"),
            ("party: @x\n", "不能作为开头的字符"),
            ("party:\n\t- a\n", "不能作为开头的字符"),
            ("- a\nb: c\n", "得到 列表"),
            ("party: a: b\n", "得到 字符串"),
        ] {
            let err = Timeline::from_yaml(text).unwrap_err();
            let message = err.to_string();
            assert_eq!(err.code(), "syntax", "{text:?}");
            assert!(message.contains(expected), "{text:?}: {message}");
            for english in [
                "did not find",
                "found ",
                "mapping values",
                "while parsing",
                "expected",
            ] {
                assert!(!message.contains(english), "{text:?}: {message}");
            }
        }
        assert_eq!(
            translate_libyaml_message("something new"),
            "YAML 语法错误（something new）"
        );
    }

    #[test]
    fn check_json_text_refuses_exponent_amounts_like_the_format() {
        let err = check_json_text(r#"{"expected_version": 3, "event": {"on": "2025-03-03", "type": "payment", "amount": 1e3}}"#)
            .unwrap_err();
        match err {
            TimelineError::Syntax { path, message, .. } => {
                assert_eq!(path, "amount");
                assert!(
                    message.contains("金额不能用指数形式书写（1e3）"),
                    "{message}"
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(
            check_json_text(r#"{"event": {"type": "payment", "amount": 1000, "note": "1e3"}}"#)
                .is_ok()
        );
        assert!(check_json_text(r#"{"expected_version": 1e3}"#).is_ok());
    }

    const BASE: &str = r"
party: { kind: individual, name: 张三 }
procedure: ordinary
act_date: 2025-02-20
officers:
  - { id: A, certificate: { no: 豫41000001, valid_from: 2024-01-01, valid_until: 2026-12-31 } }
  - { id: B, certificate: { no: 豫41000002, valid_from: 2024-01-01, valid_until: 2026-12-31, suspended_from: 2025-06-01 } }
  - { id: C }
events:
";

    fn with_events(events: &str) -> String {
        format!("{BASE}{events}")
    }

    #[test]
    fn yuan_accepts_integers_and_two_decimals() {
        let y: Yuan = serde_json::from_str("6000").unwrap();
        assert_eq!(y.fen(), 600_000);
        let y: Yuan = serde_json::from_str("60.5").unwrap();
        assert_eq!(y.fen(), 6050);
        let y: Yuan = serde_json::from_str("0.01").unwrap();
        assert_eq!(y.fen(), 1);
        let y: Yuan = serde_json::from_str("\"60.50\"").unwrap();
        assert_eq!(y.fen(), 6050);
        let y: Yuan = serde_norway::from_str("199.99").unwrap();
        assert_eq!(y.fen(), 19999);
        assert_eq!(Yuan::from_fen(6050).to_string(), "60.50元");
        assert_eq!(Yuan::from_yuan(200).to_string(), "200元");
    }

    #[test]
    fn yuan_rejects_negative_and_three_decimals() {
        for bad in [
            "-1", "60.123", "-0.5", "\"1e3\"", "\"abc\"", "\"5.\"", "true", "\"\"",
        ] {
            assert!(
                serde_json::from_str::<Yuan>(bad).is_err(),
                "{bad} should be rejected"
            );
        }
        let err = serde_json::from_str::<Yuan>("60.123")
            .unwrap_err()
            .to_string();
        assert!(err.contains("两位小数"), "{err}");
    }

    #[test]
    fn yuan_serializes_back_to_the_same_amount() {
        for fen in [0, 1, 5, 10, 99, 100, 6050, 600_000, 12_345_678_912] {
            let y = Yuan::from_fen(fen);
            let json = serde_json::to_string(&y).unwrap();
            assert_eq!(serde_json::from_str::<Yuan>(&json).unwrap(), y, "{json}");
            let yaml = serde_norway::to_string(&y).unwrap();
            assert_eq!(serde_norway::from_str::<Yuan>(&yaml).unwrap(), y, "{yaml}");
        }
    }

    #[test]
    fn parses_the_example_in_yaml() {
        let t = Timeline::from_yaml(&with_events(
            r"
  - { on: 2025-03-03, type: register, officers: [A, B], note: 立案审批 }
  - { on: 2025-04-01, type: advance_notice, officers: [A, B], proposed: { fine: 6000 }, rights: [statement, defence, hearing] }
  - { on: 2025-04-08, type: hearing_notice, hearing_on: 2025-04-18 }
  - { on: 2025-04-18, type: hearing, chair: C }
  - { on: 2025-04-22, type: legal_review, result: pass }
  - { on: 2025-04-25, type: decision, officers: [A, B], outcome: penalty, penalty: { fine: 6000, warning: true } }
  - { on: 2025-04-28, type: service, method: direct }
  - { on: 2025-05-09, type: payment, amount: 6000, surcharge: 0, method: bank, remote: false }
  - { on: 2025-05-10, type: coercive_measure, officers: [A, B], until: 2025-06-01, extended: true }
",
        ))
        .unwrap();
        assert_eq!(t.events.len(), 9);
        assert_eq!(t.party.kind, PartyKind::Individual);
        assert_eq!(t.events[0].note.as_deref(), Some("立案审批"));
        assert_eq!(
            t.events[5].kind,
            EventKind::Decision {
                outcome: DecisionOutcome::Penalty(Penalty {
                    fine: Some(Yuan::from_yuan(6000)),
                    warning: true,
                    ..Penalty::default()
                }),
                facts: DecisionFacts::default(),
            }
        );
        assert_eq!(
            t.officers[1]
                .certificate
                .as_ref()
                .unwrap()
                .status_on(d(2025, 6, 2)),
            CertificateStatus::Suspended
        );
        assert_eq!(
            t.events[2].kind,
            EventKind::HearingNotice {
                hearing_on: d(2025, 4, 18)
            }
        );
    }

    #[test]
    fn round_trips_through_json_and_yaml() {
        let t = Timeline::parse(&with_events(
            r"
  - { on: 2025-03-03, type: register, officers: [A, B] }
  - { on: 2025-04-01, type: advance_notice, proposed: { fine: 60.5, licence_suspension: true }, rights: [statement, defence] }
  - { on: 2025-04-25, type: decision, outcome: no_penalty }
  - { on: 2025-04-26, type: decision, outcome: transfer }
  - { on: 2025-04-28, type: service, method: fax, consent: true }
  - { on: 2025-05-09, type: payment, amount: 0.01, method: on_spot, remote: true }
  - { on: 2025-05-10, type: summary_penalty, penalty: { criticism: true } }
  - { on: 2025-05-11, type: hearing }
",
        ))
        .unwrap();
        let json = t.to_json();
        assert_eq!(Timeline::parse(&json).unwrap(), t);
        let yaml = t.to_yaml();
        assert_eq!(Timeline::parse(&yaml).unwrap(), t);
        // serde's own entry point validates too
        assert_eq!(serde_json::from_str::<Timeline>(&json).unwrap(), t);
    }

    #[test]
    fn json_is_detected() {
        let t = Timeline::parse(
            r#" {"party":{"kind":"organisation","name":"某公司"},"procedure":"summary","act_date":"2025-03-01",
            "officers":[{"id":"A"}],"events":[{"on":"2025-03-01","type":"summary_penalty","officers":["A"],"penalty":{"fine":200}}]}"#,
        )
        .unwrap();
        assert_eq!(t.procedure, Procedure::Summary);
        assert_eq!(t.party.kind, PartyKind::Organisation);
    }

    #[test]
    fn unknown_fields_are_rejected_everywhere() {
        let cases = [
            // top level
            format!("{BASE}  - {{ on: 2025-03-03, type: register }}\ncolour: red\n"),
            // in an event
            with_events("  - { on: 2025-03-03, type: register, colour: red }\n"),
            // in a penalty
            with_events(
                "  - { on: 2025-03-03, type: summary_penalty, penalty: { fine: 10, jail: true } }\n",
            ),
            // in the party
            BASE.replace("name: 张三", "name: 张三, age: 3")
                + "  - { on: 2025-03-03, type: register }\n",
            // in a certificate
            BASE.replace(
                "valid_until: 2026-12-31 }",
                "valid_until: 2026-12-31, x: 1 }",
            ) + "  - { on: 2025-03-03, type: register }\n",
        ];
        for text in &cases {
            let err = Timeline::from_yaml(text).unwrap_err();
            assert_eq!(err.code(), "syntax", "{text}");
            assert!(err.to_string().contains("未知字段"), "{err}");
        }
        let json = r#"{"party":{"kind":"individual","name":"张三"},"procedure":"ordinary","act_date":"2025-03-01",
            "events":[{"on":"2025-03-01","type":"register","extra":1}]}"#;
        let err = Timeline::from_json(json).unwrap_err();
        assert!(err.to_string().contains("events[0]"), "{err}");
        assert!(err.to_string().contains("未知字段"), "{err}");
    }

    #[test]
    fn fields_of_other_event_types_are_rejected() {
        let err = Timeline::from_yaml(&with_events(
            "  - { on: 2025-03-03, type: register }\n  - { on: 2025-03-04, type: register, hearing_on: 2025-03-10 }\n",
        ))
        .unwrap_err();
        assert_eq!(
            err,
            TimelineError::FieldNotAllowed {
                index: Some(1),
                event_type: EventType::Register,
                field: "hearing_on"
            }
        );
        assert_eq!(
            err.to_string(),
            "事件#1（register（立案））不允许字段 hearing_on"
        );
        let err = Timeline::from_yaml(&with_events(
            "  - { on: 2025-03-03, type: service, method: bank }\n",
        ))
        .unwrap_err();
        assert_eq!(err.code(), "invalid_value");
        let err = Timeline::from_yaml(&with_events(
            "  - { on: 2025-03-03, type: hearing_notice }\n",
        ))
        .unwrap_err();
        assert_eq!(err.code(), "missing_field");
        assert!(err.to_string().contains("hearing_on"));
        let err = Timeline::from_yaml(&with_events(
            "  - { on: 2025-03-03, type: decision, outcome: no_penalty, penalty: { fine: 1 } }\n",
        ))
        .unwrap_err();
        assert_eq!(err.code(), "invalid_value");
    }

    #[test]
    fn unknown_event_type_is_a_syntax_error() {
        let err = Timeline::from_yaml(&with_events("  - { on: 2025-03-03, type: arrest }\n"))
            .unwrap_err();
        assert_eq!(err.code(), "syntax");
        assert!(err.to_string().contains("events[0].type"), "{err}");
        assert!(err.to_string().contains("未知取值"), "{err}");
    }

    #[test]
    fn bad_amounts_are_rejected_at_parse() {
        for bad in ["fine: -5", "fine: 60.123", "fine: abc"] {
            let err = Timeline::from_yaml(&with_events(&format!(
                "  - {{ on: 2025-03-03, type: summary_penalty, penalty: {{ {bad} }} }}\n"
            )))
            .unwrap_err();
            assert_eq!(err.code(), "syntax", "{bad}");
            assert!(err.to_string().contains("events[0].penalty.fine"), "{err}");
        }
        let err = Timeline::from_yaml(&with_events(
            "  - { on: 2025-03-03, type: summary_penalty, penalty: { fine: 0 } }\n",
        ))
        .unwrap_err();
        assert_eq!(err.code(), "invalid_value");
        let err = Timeline::from_yaml(&with_events(
            "  - { on: 2025-03-03, type: summary_penalty, penalty: {} }\n",
        ))
        .unwrap_err();
        assert_eq!(err.code(), "invalid_value");
    }

    #[test]
    fn unknown_and_duplicate_officers_are_rejected() {
        let err = Timeline::from_yaml(&with_events(
            "  - { on: 2025-03-03, type: register, officers: [A, Z] }\n",
        ))
        .unwrap_err();
        assert_eq!(
            err,
            TimelineError::UnknownOfficer {
                index: 0,
                field: "officers",
                id: "Z".to_owned()
            }
        );
        assert_eq!(
            err.to_string(),
            "事件#0 的 officers 引用了未登记的执法人员“Z”"
        );
        let err = Timeline::from_yaml(&with_events(
            "  - { on: 2025-03-03, type: register }\n  - { on: 2025-03-04, type: hearing, chair: Q }\n",
        ))
        .unwrap_err();
        assert_eq!(err.code(), "unknown_officer");
        assert_eq!(err.event_index(), Some(1));
        let text =
            BASE.replace("- { id: C }", "- { id: A }") + "  - { on: 2025-03-03, type: register }\n";
        let err = Timeline::from_yaml(&text).unwrap_err();
        assert_eq!(err.code(), "duplicate_officer");
    }

    #[test]
    fn referenced_officers_lists_every_field() {
        let t = Timeline::from_yaml(&with_events(
            "  - { on: 2025-03-03, type: register, officers: [A, B] }\n  - { on: 2025-04-18, type: hearing, officers: [B], chair: C }\n  - { on: 2025-04-19, type: recusal, officers: [C] }\n",
        ))
        .unwrap();
        let ids = |i: usize| t.events[i].referenced_officers().collect::<Vec<_>>();
        assert_eq!(ids(0), ["A", "B"]);
        assert_eq!(ids(1), ["B", "C"]);
        assert_eq!(ids(2), ["C"]);
        // every reference is validated, naming its field
        let mut bad = t.clone();
        bad.events[1].kind = EventKind::Hearing {
            chair: Some("Z".to_owned()),
        };
        assert_eq!(
            bad.validate().unwrap_err(),
            TimelineError::UnknownOfficer {
                index: 1,
                field: "chair",
                id: "Z".to_owned()
            }
        );
    }

    #[test]
    fn new_fields_round_trip_and_are_checked() {
        let t = Timeline::parse(&with_events(
            r"
  - { on: 2025-03-03, type: decision, outcome: penalty, penalty: { fine: 100 }, mitigated: true, locations: 3, minor: true, corrected: true, no_harm: true }
  - { on: 2025-03-03, type: summary_penalty, penalty: { fine: 10 }, locations: 2 }
  - { on: 2025-03-04, type: payment, amount: 10, method: on_spot, handed_in_on: 2025-03-05 }
  - { on: 2025-03-05, type: coercive_measure, until: 2025-03-20, emergency: true, approved: true, reported_on: 2025-03-06 }
  - { on: 2025-03-06, type: transfer_report }
  - { on: 2025-03-06, type: decision, outcome: transfer }
  - { on: 2025-03-07, type: transfer_handover }
  - { on: 2025-03-08, type: demolition_announcement, deadline: 2025-03-20 }
  - { on: 2025-03-21, type: forced_demolition }
",
        ))
        .unwrap();
        assert_eq!(
            t.events[0].kind,
            EventKind::Decision {
                outcome: DecisionOutcome::Penalty(Penalty {
                    fine: Some(Yuan::from_yuan(100)),
                    ..Penalty::default()
                }),
                facts: DecisionFacts {
                    mitigated: true,
                    lighter: false,
                    locations: 3,
                    minor: true,
                    corrected: true,
                    no_harm: true,
                },
            }
        );
        assert!(t.events[0].kind != t.events[1].kind);
        assert_eq!(Timeline::parse(&t.to_json()).unwrap(), t);
        assert_eq!(Timeline::parse(&t.to_yaml()).unwrap(), t);
        // fields of other types are refused
        for (event, field) in [
            (
                "{ on: 2025-03-03, type: register, deadline: 2025-03-20 }",
                "deadline",
            ),
            (
                "{ on: 2025-03-03, type: advance_notice, mitigated: true }",
                "mitigated",
            ),
            (
                "{ on: 2025-03-03, type: service, method: direct, handed_in_on: 2025-03-04 }",
                "handed_in_on",
            ),
            (
                "{ on: 2025-03-03, type: evidence, reported_on: 2025-03-04 }",
                "reported_on",
            ),
        ] {
            let err = Timeline::from_yaml(&with_events(&format!("  - {event}\n"))).unwrap_err();
            assert_eq!(err.code(), "field_not_allowed", "{event}");
            assert!(err.to_string().contains(field), "{err}");
        }
        let err = Timeline::from_yaml(&with_events(
            "  - { on: 2025-03-03, type: demolition_announcement }\n",
        ))
        .unwrap_err();
        assert_eq!(err.code(), "missing_field");
        let err = Timeline::from_yaml(&with_events(
            "  - { on: 2025-03-03, type: demolition_announcement, deadline: 2025-03-02 }\n",
        ))
        .unwrap_err();
        assert_eq!(err.code(), "invalid_value");
    }

    #[test]
    fn deeply_nested_yaml_is_an_error_not_a_crash() {
        let text = format!("{}{}\n", "[".repeat(50_000), "]".repeat(50_000));
        assert_eq!(Timeline::from_yaml(&text).unwrap_err().code(), "syntax");
    }

    #[test]
    fn events_out_of_order_are_rejected() {
        let err = Timeline::from_yaml(&with_events(
            "  - { on: 2025-03-03, type: register }\n  - { on: 2025-03-03, type: evidence }\n  - { on: 2025-03-02, type: evidence }\n",
        ))
        .unwrap_err();
        assert_eq!(err.code(), "events_out_of_order");
        assert_eq!(err.event_index(), Some(2));
        assert!(err.to_string().contains("2025年3月2日"), "{err}");
    }

    #[test]
    fn empty_party_name_and_bad_certificates_are_rejected() {
        let err = Timeline::from_yaml(
            &(BASE.replace("name: 张三", "name: ' '") + "  - { on: 2025-03-03, type: register }\n"),
        )
        .unwrap_err();
        assert_eq!(err, TimelineError::EmptyPartyName);
        let err = Timeline::from_yaml(
            &(BASE.replace(
                "valid_from: 2024-01-01, valid_until: 2026-12-31 }",
                "valid_from: 2027-01-01, valid_until: 2026-12-31 }",
            ) + "  - { on: 2025-03-03, type: register }\n"),
        )
        .unwrap_err();
        assert_eq!(err.code(), "invalid_certificate");
    }

    #[test]
    fn bad_dates_are_rejected() {
        let err = Timeline::from_yaml(&with_events("  - { on: 2025-02-30, type: register }\n"))
            .unwrap_err();
        assert_eq!(err.code(), "syntax");
        assert!(err.to_string().contains("events[0].on"), "{err}");
    }

    #[test]
    fn certificate_status() {
        let c = Certificate {
            no: "豫1".to_owned(),
            valid_from: d(2025, 1, 1),
            valid_until: d(2025, 12, 31),
            suspended_from: Some(d(2025, 6, 1)),
            suspended_until: Some(d(2025, 6, 30)),
        };
        assert_eq!(c.status_on(d(2024, 12, 31)), CertificateStatus::NotYetValid);
        assert_eq!(c.status_on(d(2025, 1, 1)), CertificateStatus::Valid);
        assert_eq!(c.status_on(d(2025, 6, 1)), CertificateStatus::Suspended);
        assert_eq!(c.status_on(d(2025, 6, 30)), CertificateStatus::Suspended);
        assert_eq!(c.status_on(d(2025, 7, 1)), CertificateStatus::Valid);
        assert_eq!(c.status_on(d(2025, 12, 31)), CertificateStatus::Valid);
        assert_eq!(c.status_on(d(2026, 1, 1)), CertificateStatus::Expired);
    }
}
