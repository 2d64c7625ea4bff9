//! Complaints (投诉举报 / 12345 工单), first slice: intake and public read-out.
//!
//! A complaint is filed under a category (= an Open311 service) from one channel
//! (`open311`, `portal`, `phone`), gets a human-friendly `service_request_id`
//! (`YYYYMMDD-NNNNN`, China date) and a token, and an `expected_datetime` computed from the
//! category's time limit on the working-day calendar. Every write appends to the audit log
//! in the same transaction. The reporter's name, phone, e-mail, device and account are
//! personal data: [`PublicRequest`] — the only view the public surfaces get — has no field
//! for them, every free text it carries is masked (`service::masking`), and the audit entry
//! holds only salted digests of them (`service::personal_data`; legal-rules.md I7).
//!
//! The categories, the jurisdiction and the working hours come from
//! `data/complaints/categories.toml` (embedded); the categories are copied into the database
//! on first use and read from there afterwards. The dispatch workflow (派单 → 办理 → 答复 →
//! 办结 → 回访 → 评价) is in [`super::complaint_workflow`].

use super::audit::{Actor, AuditEvent, append, append_many};
use super::personal_data::{Salt, insert_salts};
use super::{AppState, ServiceError, ServiceResult, new_id};
use crate::infra::clock::to_db_time;
use crate::infra::db::KeptConnection;
use crate::infra::group_commit::GroupCommit;
use crate::infra::secret::{Secret, random_token, token_hash};
use crate::repo::complaint_repo::{self, ComplaintRow, Filter, MediaRow, NoteRow, PublicRow};
use crate::repo::open311_key_repo;
pub use crate::repo::open311_key_repo::KeyRow;
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, Offset, TimeZone, Utc};
use fazhi_calendar::Calendar;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// The shipped categories and intake settings.
pub const CATEGORIES_TOML: &str = include_str!("../../../../data/complaints/categories.toml");

/// Longest description the GeoReport v2 spec allows.
pub const MAX_DESCRIPTION_CHARS: usize = 4000;
/// Default query window of `GET requests` (GeoReport v2).
pub const DEFAULT_WINDOW_DAYS: i64 = 90;
/// Most records one `GET requests` answers (GeoReport v2).
pub const MAX_RECORDS: u32 = 1000;
/// Most files one request may upload.
pub const MAX_MEDIA_FILES: usize = 5;

// ---- categories and settings ------------------------------------------------------------

/// Datatype of an extra question (Open311 attribute).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Datatype {
    String,
    Number,
    Datetime,
    Text,
    Singlevaluelist,
    Multivaluelist,
}

impl Datatype {
    pub fn as_str(self) -> &'static str {
        match self {
            Datatype::String => "string",
            Datatype::Number => "number",
            Datatype::Datetime => "datetime",
            Datatype::Text => "text",
            Datatype::Singlevaluelist => "singlevaluelist",
            Datatype::Multivaluelist => "multivaluelist",
        }
    }
    fn is_list(self) -> bool {
        matches!(self, Datatype::Singlevaluelist | Datatype::Multivaluelist)
    }
}

/// One option of a list question.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeValue {
    pub key: String,
    pub name: String,
}

/// One extra question of a category (Open311 attribute).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attribute {
    pub code: String,
    pub datatype: Datatype,
    /// `false`: information shown to the user only, no input.
    #[serde(default = "yes")]
    pub variable: bool,
    pub required: bool,
    pub order: u32,
    pub description: String,
    #[serde(default)]
    pub datatype_description: Option<String>,
    #[serde(default)]
    pub values: Vec<AttributeValue>,
}

fn yes() -> bool {
    true
}

/// How a time limit is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitUnit {
    /// 工作日: ends at the close of the N-th working day after the day of receipt.
    WorkingDays,
    /// 工作小时: only the configured working periods of working days count.
    WorkingHours,
    /// 自然小时: round the clock (urgent categories).
    Hours,
}

/// A category's time limit (`5wd`, `8wh`, `2h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeLimit {
    pub amount: u32,
    pub unit: LimitUnit,
}

impl std::str::FromStr for TimeLimit {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let (digits, unit) = s
            .find(|c: char| !c.is_ascii_digit())
            .map(|i| s.split_at(i))
            .ok_or_else(|| format!("时限“{s}”缺少单位（wd、wh 或 h）"))?;
        let amount: u32 = digits
            .parse()
            .map_err(|_| format!("时限“{s}”的数字不正确"))?;
        if amount == 0 {
            return Err(format!("时限“{s}”必须大于0"));
        }
        let unit = match unit {
            "wd" => LimitUnit::WorkingDays,
            "wh" => LimitUnit::WorkingHours,
            "h" => LimitUnit::Hours,
            _ => return Err(format!("时限“{s}”的单位只能是 wd、wh 或 h")),
        };
        Ok(Self { amount, unit })
    }
}

impl std::fmt::Display for TimeLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = match self.unit {
            LimitUnit::WorkingDays => "wd",
            LimitUnit::WorkingHours => "wh",
            LimitUnit::Hours => "h",
        };
        write!(f, "{}{unit}", self.amount)
    }
}

impl TimeLimit {
    /// In Chinese, e.g. `5个工作日`.
    pub fn describe(&self) -> String {
        match self.unit {
            LimitUnit::WorkingDays => format!("{}个工作日", self.amount),
            LimitUnit::WorkingHours => format!("{}个工作小时", self.amount),
            LimitUnit::Hours => format!("{}小时", self.amount),
        }
    }
}

impl Serialize for TimeLimit {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for TimeLimit {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A complaint category (= Open311 service), as stored in `complaint_categories`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// Open311 `service_code`.
    pub code: String,
    pub name: String,
    pub description: String,
    /// Event class code (GB/T 30428-style major class, e.g. `05`).
    pub group: String,
    /// Event class name (市容环境, 宣传广告, 施工管理, 突发事件, 街面秩序, 其他); filled from the
    /// groups table of the settings file when seeding.
    #[serde(default)]
    pub group_name: String,
    /// Major + minor event code, e.g. `0501`.
    pub event_code: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub time_limit: TimeLimit,
    pub anonymous_allowed: bool,
    /// What the reporter is told on filing (Open311 `service_notice`), before the time limit.
    #[serde(default)]
    pub notice: Option<String>,
    #[serde(default)]
    pub attributes: Vec<Attribute>,
}

/// A GB/T 30428-style event class.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub code: String,
    pub name: String,
}

/// Who answers under the Open311 interface.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Jurisdiction {
    pub jurisdiction_id: String,
    pub agency: String,
    pub contact: String,
    pub key_service: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkingHoursFile {
    periods: Vec<[String; 2]>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
    jurisdiction: Jurisdiction,
    working_hours: WorkingHoursFile,
    groups: Vec<Group>,
    categories: Vec<Category>,
}

/// The parsed and validated settings file.
#[derive(Debug, Clone)]
pub struct IntakeSettings {
    pub jurisdiction: Jurisdiction,
    /// Working periods of a working day, China time, ascending and disjoint.
    pub working_periods: Vec<(NaiveTime, NaiveTime)>,
    pub groups: Vec<Group>,
    /// The categories seeded on first use (the database is authoritative afterwards).
    pub categories: Vec<Category>,
}

impl IntakeSettings {
    /// The shipped settings (`data/complaints/categories.toml`).
    pub fn shipped() -> Result<Self, String> {
        Self::from_toml_str(CATEGORIES_TOML)
    }

    /// Parses and checks a settings file in the format of `data/complaints/categories.toml`.
    pub fn from_toml_str(text: &str) -> Result<Self, String> {
        let file: SettingsFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut periods = Vec::new();
        for [from, to] in &file.working_hours.periods {
            let parse = |s: &str| {
                NaiveTime::parse_from_str(s, "%H:%M")
                    .map_err(|_| format!("上班时段“{s}”格式应为 HH:MM"))
            };
            let (a, b) = (parse(from)?, parse(to)?);
            if a >= b || periods.last().is_some_and(|(_, end)| *end > a) {
                return Err("上班时段须按时间先后排列且互不重叠".into());
            }
            periods.push((a, b));
        }
        if periods.is_empty() {
            return Err("至少需要一个上班时段".into());
        }
        if file.jurisdiction.jurisdiction_id.trim().is_empty() {
            return Err("jurisdiction_id 不能为空".into());
        }
        let mut categories = file.categories;
        let mut seen = HashSet::new();
        for c in &mut categories {
            let group = file
                .groups
                .iter()
                .find(|g| g.code == c.group)
                .ok_or_else(|| format!("类别 {} 的事件大类“{}”未定义", c.code, c.group))?;
            c.group_name = group.name.clone();
            validate_category(c)?;
            if !seen.insert(c.code.clone()) {
                return Err(format!("类别编码 {} 重复", c.code));
            }
        }
        Ok(Self {
            jurisdiction: file.jurisdiction,
            working_periods: periods,
            groups: file.groups,
            categories,
        })
    }
}

fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Checks one category: codes usable in URLs and in `attribute[CODE]`, list questions with
/// options, unique attribute codes and orders.
pub fn validate_category(c: &Category) -> Result<(), String> {
    if !is_code(&c.code) {
        return Err(format!(
            "类别编码“{}”只能由字母、数字、下划线和连字符组成",
            c.code
        ));
    }
    if c.name.trim().is_empty() {
        return Err(format!("类别 {} 缺少名称", c.code));
    }
    let mut codes = HashSet::new();
    let mut orders = HashSet::new();
    for a in &c.attributes {
        if !is_code(&a.code) {
            return Err(format!("类别 {} 的附加问题编码“{}”不合法", c.code, a.code));
        }
        if !codes.insert(a.code.as_str()) || !orders.insert(a.order) || a.order == 0 {
            return Err(format!(
                "类别 {} 的附加问题 {} 编码或排序号重复（排序号须为正整数）",
                c.code, a.code
            ));
        }
        let mut keys = HashSet::new();
        if a.datatype.is_list() {
            if a.values.is_empty() {
                return Err(format!("类别 {} 的选择题 {} 没有选项", c.code, a.code));
            }
            if !a.values.iter().all(|v| keys.insert(v.key.as_str())) {
                return Err(format!("类别 {} 的选择题 {} 选项重复", c.code, a.code));
            }
        } else if !a.values.is_empty() {
            return Err(format!(
                "类别 {} 的附加问题 {} 不是选择题，不能有选项",
                c.code, a.code
            ));
        }
    }
    Ok(())
}

/// The intake settings the server runs with (`--complaint-categories`, else the shipped
/// `data/complaints/categories.toml`).
pub fn settings(state: &AppState) -> &IntakeSettings {
    &state.settings.complaint_intake
}

/// Copies the configured categories into an empty table (first use). Returns how many.
pub async fn seed_categories_if_empty(state: &AppState) -> ServiceResult<usize> {
    let shipped = settings(state);
    let mut tx = state.db.begin_write().await?;
    if !complaint_repo::categories(&mut tx).await?.is_empty() {
        return Ok(0);
    }
    let now = state.clock.now();
    let mut inserted = 0;
    for (i, c) in shipped.categories.iter().enumerate() {
        let json = serde_json::to_string(c).map_err(anyhow::Error::from)?;
        if complaint_repo::insert_category_if_absent(
            &mut tx,
            &c.code,
            &json,
            i as i64,
            &to_db_time(now),
        )
        .await?
        {
            inserted += 1;
        }
    }
    append(
        &mut tx,
        &Actor("system".into()),
        now,
        AuditEvent {
            action: "complaint_categories.seed",
            entity: "complaint_categories",
            entity_id: "categories",
            content: serde_json::json!({
                "codes": shipped.categories.iter().map(|c| c.code.as_str()).collect::<Vec<_>>(),
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(inserted)
}

/// What [`sync_categories`] changed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct CategorySync {
    pub added: Vec<String>,
    pub changed: Vec<String>,
    /// In the database but not in the file: kept (complaints refer to them) but inactive,
    /// so they are no longer offered.
    pub deactivated: Vec<String>,
}

/// Makes the database's categories those of the configured file (`--complaint-categories`):
/// new ones are added, changed ones (entry, order, or a return to the file) rewritten, and
/// those missing from the file deactivated. One audit entry names every change; nothing is
/// written when nothing differs.
pub async fn sync_categories(state: &AppState) -> ServiceResult<CategorySync> {
    let wanted = &settings(state).categories;
    let mut tx = state.db.begin_write().await?;
    let stored = complaint_repo::categories(&mut tx).await?;
    let now = to_db_time(state.clock.now());
    let mut sync = CategorySync::default();
    for (i, c) in wanted.iter().enumerate() {
        let entry = serde_json::to_string(c).map_err(anyhow::Error::from)?;
        let order = i as i64;
        let current = stored.iter().find(|r| r.code == c.code);
        let same = current.is_some_and(|r| {
            r.active == 1
                && r.sort_order == order
                && serde_json::from_str::<Category>(&r.entry)
                    .is_ok_and(|old| serde_json::to_string(&old).ok() == Some(entry.clone()))
        });
        if same {
            continue;
        }
        complaint_repo::upsert_category(&mut tx, &c.code, &entry, order, true, &now).await?;
        match current {
            Some(_) => sync.changed.push(c.code.clone()),
            None => sync.added.push(c.code.clone()),
        }
    }
    for r in stored
        .iter()
        .filter(|r| r.active == 1 && !wanted.iter().any(|c| c.code == r.code))
    {
        complaint_repo::upsert_category(&mut tx, &r.code, &r.entry, r.sort_order, false, &now)
            .await?;
        sync.deactivated.push(r.code.clone());
    }
    if sync == CategorySync::default() {
        return Ok(sync);
    }
    append(
        &mut tx,
        &Actor("system".into()),
        state.clock.now(),
        AuditEvent {
            action: "complaint_categories.sync",
            entity: "complaint_categories",
            entity_id: "categories",
            content: serde_json::json!({
                "added": sync.added, "changed": sync.changed, "deactivated": sync.deactivated,
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(sync)
}

/// The active categories in display order; seeds the shipped ones on first use.
pub async fn categories(state: &AppState) -> ServiceResult<Vec<Category>> {
    let mut conn = state.db.pool.acquire().await?;
    let mut rows = complaint_repo::categories(&mut conn).await?;
    if rows.is_empty() {
        drop(conn);
        seed_categories_if_empty(state).await?;
        conn = state.db.pool.acquire().await?;
        rows = complaint_repo::categories(&mut conn).await?;
    }
    rows.into_iter()
        .filter(|r| r.active == 1)
        .map(|r| {
            serde_json::from_str::<Category>(&r.entry).map_err(|e| {
                ServiceError::Internal(anyhow::anyhow!(
                    "stored category {} unreadable: {e}",
                    r.code
                ))
            })
        })
        .collect()
}

/// When the categories last changed (Open311 discovery `changeset`).
pub async fn categories_changeset(state: &AppState) -> ServiceResult<DateTime<Utc>> {
    categories(state).await?;
    let mut conn = state.db.pool.acquire().await?;
    let rows = complaint_repo::categories(&mut conn).await?;
    match rows.iter().map(|r| r.updated_at.as_str()).max() {
        Some(t) => parse_db_time(t),
        None => Ok(state.clock.now()),
    }
}

/// One category by code (`service_code_not_found` when unknown or inactive).
pub async fn category(state: &AppState, code: &str) -> ServiceResult<Category> {
    categories(state)
        .await?
        .into_iter()
        .find(|c| c.code == code)
        .ok_or_else(|| service_code_not_found(code))
}

fn service_code_not_found(code: &str) -> ServiceError {
    ServiceError::Invalid {
        code: "service_code_not_found",
        message: format!("service_code“{code}”不存在"),
        field: Some("service_code".into()),
        rule: None,
    }
}

/// Accepts an absent or empty `jurisdiction_id` and the configured one; anything else is
/// `jurisdiction_not_found`.
pub fn check_jurisdiction(state: &AppState, jurisdiction_id: Option<&str>) -> ServiceResult<()> {
    let configured = &settings(state).jurisdiction.jurisdiction_id;
    match jurisdiction_id.map(str::trim) {
        None | Some("") => Ok(()),
        Some(j) if j.eq_ignore_ascii_case(configured) => Ok(()),
        Some(j) => Err(ServiceError::Invalid {
            code: "jurisdiction_not_found",
            message: format!("jurisdiction_id“{j}”不存在（本接口只服务 {configured}）"),
            field: Some("jurisdiction_id".into()),
            rule: None,
        }),
    }
}

// ---- time limits ------------------------------------------------------------------------

/// China Standard Time (UTC+8), the time zone of the working-day calendar.
pub fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

/// When a complaint received at `received` is due under `limit` (on the provisional calendar in
/// a year whose notice is not loaded): `None` only past the calendar's supported years.
pub fn expected_at(
    calendar: &Calendar,
    periods: &[(NaiveTime, NaiveTime)],
    received: DateTime<Utc>,
    limit: TimeLimit,
) -> Option<DateTime<Utc>> {
    let local = received.with_timezone(&china());
    let at = |d: NaiveDate, t: NaiveTime| {
        china()
            .from_local_datetime(&d.and_time(t))
            .single()
            .map(|x| x.with_timezone(&Utc))
    };
    match limit.unit {
        LimitUnit::Hours => Some(received + Duration::hours(i64::from(limit.amount))),
        LimitUnit::WorkingDays => {
            let day = calendar
                .add_working_days(local.date_naive(), limit.amount)
                .ok()?;
            at(day, periods.last()?.1)
        }
        LimitUnit::WorkingHours => {
            let mut remaining = Duration::hours(i64::from(limit.amount));
            let mut day = local.date_naive();
            let mut from = local.time();
            for _ in 0..400 {
                if calendar.is_working_day(day).ok()? {
                    for (a, b) in periods {
                        let start = (*a).max(from);
                        if start >= *b {
                            continue;
                        }
                        let available = *b - start;
                        if remaining <= available {
                            return at(day, start + remaining);
                        }
                        remaining -= available;
                    }
                }
                day = day.succ_opt()?;
                from = NaiveTime::MIN;
            }
            None
        }
    }
}

// ---- intake -----------------------------------------------------------------------------

/// Where a complaint came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Open311,
    Portal,
    Phone,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Open311 => "open311",
            Channel::Portal => "portal",
            Channel::Phone => "phone",
        }
    }
    fn submitted_note(self) -> &'static str {
        match self {
            Channel::Open311 => "通过 Open311 接口提交",
            Channel::Portal => "通过网上投诉页面提交",
            Channel::Phone => "电话受理（接线员代为登记）",
        }
    }
}

/// An uploaded file.
#[derive(Debug, Clone)]
pub struct MediaUpload {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// A new complaint as submitted; every text field is optional on the wire (empty = absent).
#[derive(Debug, Clone, Default)]
pub struct NewComplaint {
    pub service_code: String,
    pub description: Option<String>,
    pub lat: Option<String>,
    pub long: Option<String>,
    pub address_string: Option<String>,
    pub address_id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub device_id: Option<String>,
    pub account_id: Option<String>,
    pub media_url: Option<String>,
    /// Answers to the category's questions: code → values (several only for a multivaluelist).
    pub attributes: BTreeMap<String, Vec<String>>,
    pub media: Vec<MediaUpload>,
}

/// What the submitter is told.
#[derive(Debug, Clone)]
pub struct Created {
    pub service_request_id: String,
    pub token: String,
    pub service_notice: String,
    pub account_id: Option<String>,
    pub expected_at: Option<DateTime<Utc>>,
}

fn clean(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Control characters (other than tab and line breaks) are refused: XML 1.0 cannot carry them.
fn has_forbidden_chars(s: &str) -> bool {
    s.chars().any(|c| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
    })
}

fn check_text(
    problems: &mut Vec<String>,
    field: &str,
    value: &Option<String>,
    max: usize,
    single_line: bool,
) {
    if let Some(v) = value {
        let n = v.chars().count();
        if n > max {
            problems.push(format!("{field} 不能超过{max}个字符（现有{n}个）"));
        }
        if has_forbidden_chars(v) || (single_line && v.contains(['\n', '\r'])) {
            problems.push(format!("{field} 含有不允许的控制字符或换行"));
        }
    }
}

fn parse_coordinate(problems: &mut Vec<String>, field: &str, v: &str, limit: f64) -> Option<f64> {
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() && x.abs() <= limit => Some(x),
        _ => {
            problems.push(format!(
                "{field} 必须是 -{limit} 到 {limit} 之间的十进制度数（WGS84）"
            ));
            None
        }
    }
}

fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    // A `+` of an offset sent unescaped in a URL arrives as a space.
    if let Ok(t) = DateTime::parse_from_rfc3339(&s.replacen(' ', "+", 1)) {
        return Some(t.with_timezone(&Utc));
    }
    // A bare date counts from midnight China time.
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| {
            china()
                .from_local_datetime(&d.and_time(NaiveTime::MIN))
                .single()
        })
        .map(|t| t.with_timezone(&Utc))
}

/// Parses a GeoReport date parameter (W3C / RFC 3339 with offset, or a bare date).
pub fn parse_w3c_datetime(s: &str) -> Option<DateTime<Utc>> {
    parse_datetime(s)
}

/// The media type of an uploaded file from its first bytes: the images and videos a phone
/// takes, nothing else.
pub fn sniff_media_type(bytes: &[u8]) -> Option<&'static str> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Some("image/jpeg");
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Some("image/png");
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Some("image/gif");
    }
    if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return Some("image/webp");
    }
    if bytes.get(4..8) == Some(b"ftyp") {
        return match bytes.get(8..12)? {
            b"heic" | b"heix" | b"mif1" | b"msf1" | b"hevc" => Some("image/heic"),
            b"qt  " => Some("video/quicktime"),
            b"isom" | b"iso2" | b"mp41" | b"mp42" | b"avc1" | b"M4V " | b"3gp4" | b"3gp5" => {
                Some("video/mp4")
            }
            _ => None,
        };
    }
    None
}

/// Checks the answers against the category's questions; returns them normalised.
fn check_attributes(
    problems: &mut Vec<String>,
    category: &Category,
    given: &BTreeMap<String, Vec<String>>,
) -> BTreeMap<String, serde_json::Value> {
    let mut out = BTreeMap::new();
    for a in category.attributes.iter().filter(|a| a.variable) {
        let values: Vec<String> = given
            .get(&a.code)
            .map(|vs| {
                vs.iter()
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let label = format!("attribute[{}]（{}）", a.code, a.description);
        if values.is_empty() {
            if a.required {
                problems.push(format!("缺少必填的附加信息 {label}"));
            }
            continue;
        }
        if a.datatype != Datatype::Multivaluelist && values.len() > 1 {
            problems.push(format!("{label} 只能有一个值"));
            continue;
        }
        let mut ok = true;
        for v in &values {
            let max = if a.datatype == Datatype::Text {
                2000
            } else {
                500
            };
            if v.chars().count() > max || has_forbidden_chars(v) {
                problems.push(format!("{label} 过长或含有不允许的控制字符"));
                ok = false;
                continue;
            }
            let valid = match a.datatype {
                Datatype::String => !v.contains(['\n', '\r']),
                Datatype::Text => true,
                Datatype::Number => v.parse::<f64>().is_ok_and(f64::is_finite),
                Datatype::Datetime => parse_datetime(v).is_some(),
                Datatype::Singlevaluelist | Datatype::Multivaluelist => {
                    a.values.iter().any(|o| o.key == *v)
                }
            };
            if !valid {
                ok = false;
                problems.push(match a.datatype {
                    Datatype::String => format!("{label} 不能换行"),
                    Datatype::Number => format!("{label} 必须是数字"),
                    Datatype::Datetime => {
                        format!("{label} 必须是带时区的日期时间，如 2026-05-01T08:30:00+08:00")
                    }
                    _ => format!(
                        "{label} 的值“{v}”不在可选项中（{}）",
                        a.values
                            .iter()
                            .map(|o| o.key.as_str())
                            .collect::<Vec<_>>()
                            .join("、")
                    ),
                });
            }
        }
        if ok {
            let value = if a.datatype == Datatype::Multivaluelist {
                serde_json::json!(values)
            } else {
                serde_json::json!(values[0])
            };
            out.insert(a.code.clone(), value);
        }
    }
    out
}

/// Checks a new complaint against the GeoReport v2 rules and the category; returns the
/// normalised input, the parsed answers and the coordinates as stored.
fn validate(
    category: &Category,
    input: NewComplaint,
) -> ServiceResult<(NewComplaint, BTreeMap<String, serde_json::Value>)> {
    let mut c = NewComplaint {
        service_code: input.service_code,
        description: input
            .description
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty()),
        lat: clean(input.lat),
        long: clean(input.long),
        address_string: clean(input.address_string),
        address_id: clean(input.address_id),
        first_name: clean(input.first_name),
        last_name: clean(input.last_name),
        phone: clean(input.phone),
        email: clean(input.email),
        device_id: clean(input.device_id),
        account_id: clean(input.account_id),
        media_url: clean(input.media_url),
        attributes: input.attributes,
        media: input.media,
    };
    let mut problems = Vec::new();
    match (&c.lat, &c.long) {
        (Some(lat), Some(long)) => {
            let la = parse_coordinate(&mut problems, "lat", lat, 90.0);
            let lo = parse_coordinate(&mut problems, "long", long, 180.0);
            if let (Some(la), Some(lo)) = (la, lo) {
                c.lat = Some(la.to_string());
                c.long = Some(lo.to_string());
            }
        }
        (Some(_), None) | (None, Some(_)) => {
            problems.push("lat 与 long 必须同时提供".to_string());
        }
        (None, None) => {
            if c.address_string.is_none() && c.address_id.is_none() {
                problems.push(
                    "缺少位置：须提供 lat 和 long，或 address_string，或 address_id 之一"
                        .to_string(),
                );
            }
        }
    }
    check_text(
        &mut problems,
        "description",
        &c.description,
        MAX_DESCRIPTION_CHARS,
        false,
    );
    check_text(
        &mut problems,
        "address_string",
        &c.address_string,
        500,
        true,
    );
    check_text(&mut problems, "address_id", &c.address_id, 100, true);
    check_text(&mut problems, "first_name", &c.first_name, 50, true);
    check_text(&mut problems, "last_name", &c.last_name, 50, true);
    check_text(&mut problems, "device_id", &c.device_id, 200, true);
    check_text(&mut problems, "account_id", &c.account_id, 200, true);
    check_text(&mut problems, "media_url", &c.media_url, 2000, true);
    if let Some(p) = &c.phone
        && (p.chars().count() > 30
            || !p
                .chars()
                .all(|ch| ch.is_ascii_digit() || " +-()".contains(ch)))
    {
        problems.push("phone 只能包含数字、空格和 + - ( )，且不超过30个字符".to_string());
    }
    if let Some(e) = &c.email
        && (e.chars().count() > 254
            || e.chars().any(char::is_whitespace)
            || !e
                .split_once('@')
                .is_some_and(|(a, b)| !a.is_empty() && b.contains('.')))
    {
        problems.push("email 格式不正确".to_string());
    }
    if let Some(u) = &c.media_url
        && !(u.starts_with("http://") || u.starts_with("https://"))
    {
        problems.push("media_url 必须是 http:// 或 https:// 开头的网址".to_string());
    }
    if !category.anonymous_allowed && c.phone.is_none() && c.email.is_none() {
        problems.push(format!(
            "“{}”类诉求不接受匿名举报，请提供联系电话 phone 或电子邮箱 email（仅用于核实与回访，不公开）",
            category.name
        ));
    }
    if c.media.len() > MAX_MEDIA_FILES {
        problems.push(format!("media 最多上传{MAX_MEDIA_FILES}个文件"));
    }
    for m in &mut c.media {
        if m.bytes.is_empty() {
            problems.push(format!("media 文件“{}”为空", m.file_name));
            continue;
        }
        // The type is taken from the bytes, not from what the client declares (many clients
        // send none).
        match sniff_media_type(&m.bytes) {
            Some(t) => m.content_type = t.to_string(),
            None => problems.push(format!(
                "media 文件“{}”不是支持的图片或视频（JPEG、PNG、GIF、WebP、HEIC、MP4、MOV）",
                m.file_name
            )),
        }
    }
    let answers = check_attributes(&mut problems, category, &c.attributes);
    if problems.is_empty() {
        Ok((c, answers))
    } else {
        Err(ServiceError::Invalid {
            code: "invalid_request",
            message: problems.join("；"),
            field: None,
            rule: None,
        })
    }
}

/// Looks up an Open311 client key: the key row when it exists and is not revoked.
pub async fn authorize_key(state: &AppState, api_key: Option<&str>) -> ServiceResult<KeyRow> {
    let key = api_key.map(str::trim).filter(|k| !k.is_empty());
    let Some(key) = key else {
        return Err(ServiceError::Forbidden);
    };
    let mut conn = state.db.pool.acquire().await?;
    open311_key_repo::by_hash(&mut conn, &token_hash(key))
        .await?
        .filter(|k| k.revoked_at.is_none())
        .ok_or(ServiceError::Forbidden)
}

/// Files a complaint through the Open311 interface: the key must be valid (else
/// `Forbidden`), then the jurisdiction, then the complaint itself.
pub async fn create_open311(
    state: &AppState,
    api_key: Option<&str>,
    jurisdiction_id: Option<&str>,
    input: NewComplaint,
) -> ServiceResult<Created> {
    let key = intake_of(state)?.authorize(state, api_key).await?;
    check_jurisdiction(state, jurisdiction_id)?;
    let mut input = input;
    input.media = public_media(std::mem::take(&mut input.media)).await?;
    create(
        state,
        Channel::Open311,
        Some(&key.id),
        &Actor(format!("open311:{}", key.id)),
        input,
    )
    .await
}

/// A citizen's files as they may be stored: at most [`MAX_MEDIA_FILES`], every image decoded
/// and replaced by its re-encoded copy without metadata (`upload::public_photo`), video clips
/// kept as sent (never published). What is neither is left to [`validate`], which refuses it.
pub async fn public_media(media: Vec<MediaUpload>) -> ServiceResult<Vec<MediaUpload>> {
    if media.len() > MAX_MEDIA_FILES {
        return Err(ServiceError::invalid_field(
            "invalid_request",
            "media",
            format!("media 最多上传{MAX_MEDIA_FILES}个文件"),
        ));
    }
    let mut out = Vec::with_capacity(media.len());
    for m in media {
        if !super::upload::looks_like_image(&m.bytes) {
            out.push(m);
            continue;
        }
        let MediaUpload {
            file_name, bytes, ..
        } = m;
        match super::upload::off_thread(move || super::upload::public_photo(&bytes)).await? {
            Ok(clean) => out.push(MediaUpload {
                file_name: match file_name.rsplit_once('.') {
                    Some((stem, _)) => format!("{stem}.jpg"),
                    None => format!("{file_name}.jpg"),
                },
                content_type: "image/jpeg".into(),
                bytes: clean,
            }),
            Err(problem) => {
                return Err(ServiceError::invalid_field(
                    "invalid_request",
                    "media",
                    problem.message(&format!("media 文件“{file_name}”")),
                ));
            }
        }
    }
    Ok(out)
}

/// Files a complaint: validates it, stores uploaded files by SHA-256 under
/// `<data-dir>/evidence/`, then hands it to the intake writer, which records the complaint,
/// its first notes, its files and the audit entry in one transaction, possibly together
/// with other complaints (group commit), and answers only after that commit.
pub async fn create(
    state: &AppState,
    channel: Channel,
    open311_key_id: Option<&str>,
    actor: &Actor,
    input: NewComplaint,
) -> ServiceResult<Created> {
    let intake = settings(state);
    if input.service_code.trim().is_empty() {
        return Err(ServiceError::invalid_field(
            "invalid_request",
            "service_code",
            "缺少 service_code",
        ));
    }
    let intake_state = intake_of(state)?;
    let category = intake_state
        .category(state, input.service_code.trim())
        .await?;
    let (c, answers) = validate(&category, input)?;

    let mut stored_media = Vec::with_capacity(c.media.len());
    for m in &c.media {
        stored_media.push((m, store_file(state, &m.bytes).await?));
    }

    let calendar = state.calendar().await?;
    let now = state.clock.now();
    let local = now.with_timezone(&china());
    let day = local.format("%Y%m%d").to_string();
    let expected = expected_at(&calendar, &intake.working_periods, now, category.time_limit);
    let mut notice = category
        .notice
        .clone()
        .unwrap_or_else(|| "诉求已受理，将按职责转交承办单位办理并答复。".to_string());
    notice.push_str(&format!(
        "本类诉求办理时限为{}（本地默认时限）",
        category.time_limit.describe()
    ));
    match expected {
        Some(t) => notice.push_str(&format!(
            "，预计{}前答复。",
            t.with_timezone(&china()).format("%Y年%m月%d日%H:%M")
        )),
        None => notice.push('。'),
    }
    let token = tracking_token(now)?;

    let id = new_id();
    let row = ComplaintRow {
        id: id.clone(),
        // Numbered by the intake writer, inside the transaction.
        service_request_id: String::new(),
        token,
        service_code: category.code.clone(),
        jurisdiction_id: intake.jurisdiction.jurisdiction_id.clone(),
        org_unit_id: None,
        agency_responsible: Some(intake.jurisdiction.agency.clone()),
        channel: channel.as_str().into(),
        state: "received".into(),
        description: c.description.clone(),
        lat: c.lat.clone(),
        lon: c.long.clone(),
        address_string: c.address_string.clone(),
        address_id: c.address_id.clone(),
        reporter_first_name: c.first_name.clone(),
        reporter_last_name: c.last_name.clone(),
        reporter_phone: c.phone.clone(),
        reporter_email: c.email.clone(),
        reporter_device_id: c.device_id.clone(),
        reporter_account_id: c.account_id.clone(),
        attributes: serde_json::to_string(&answers).map_err(anyhow::Error::from)?,
        media_url: c.media_url.clone(),
        service_notice: Some(notice.clone()),
        open311_key_id: open311_key_id.map(str::to_string),
        expected_at: expected.map(to_db_time),
        requested_at: to_db_time(now),
        updated_at: to_db_time(now),
        closed_at: None,
        version: 1,
        stage: "received".into(),
        dispatched_at: None,
        first_replied_at: None,
        reply: None,
        final_state: None,
        final_reason: None,
        routed_to: None,
        duplicate_of: None,
        tag_721: None,
        rating: None,
        rating_score: None,
        rated_at: None,
        followed_up_at: None,
        reopen_count: 0,
        supervision_level: 0,
    };
    let media = stored_media
        .iter()
        .map(|(m, sha)| MediaRow {
            id: new_id(),
            complaint_id: id.clone(),
            file_name: m.file_name.chars().take(200).collect(),
            content_type: m.content_type.chars().take(100).collect(),
            size_bytes: m.bytes.len() as i64,
            sha256: sha.clone(),
            uploaded_at: to_db_time(now),
        })
        .collect();
    let pending = PendingComplaint {
        row,
        day,
        category_name: category.name.clone(),
        submitted_note: channel.submitted_note(),
        actor: actor.clone(),
        now,
        answers,
        media,
        notice,
        account_id: c.account_id,
        expected,
    };
    intake_state
        .writer
        .submit(pending)
        .await
        .unwrap_or_else(|| {
            Err(ServiceError::Internal(anyhow::anyhow!(
                "complaint intake writer failed"
            )))
        })
}

/// The Open311 token, which is also the portal's 查询码: 32 hex digits, the time of receipt in
/// milliseconds (12) and then 80 random bits (20). The random part makes it unguessable;
/// the time part makes new tokens sort after the old ones, so storing one touches the last
/// page of the token index instead of a random page of it — with random tokens, every
/// complaint dirtied its own index page, about a third of what a batch wrote to disk.
fn tracking_token(now: DateTime<Utc>) -> ServiceResult<String> {
    let millis = u64::try_from(now.timestamp_millis()).unwrap_or(0) & 0xffff_ffff_ffff;
    let random = random_token()?;
    Ok(format!("{millis:012x}{}", &random.expose()[..20]))
}

// ---- group commit of the intake -----------------------------------------------------------

/// Most complaints written in one transaction by the intake writer.
pub const INTAKE_MAX_BATCH: usize = 256;
/// Complaints that may wait for the intake writer before callers queue on the channel.
const INTAKE_QUEUE: usize = 4096;

/// A validated complaint, ready to be written: everything but its number, which is only
/// given inside the transaction that stores it.
struct PendingComplaint {
    row: ComplaintRow,
    /// `YYYYMMDD`, China date of receipt.
    day: String,
    category_name: String,
    submitted_note: &'static str,
    actor: Actor,
    now: DateTime<Utc>,
    answers: BTreeMap<String, serde_json::Value>,
    media: Vec<MediaRow>,
    notice: String,
    account_id: Option<String>,
    expected: Option<DateTime<Utc>>,
}

type IntakeWriter = GroupCommit<PendingComplaint, ServiceResult<Created>>;

/// How long the intake trusts its copy of the categories. Categories are seeded once and
/// not edited through the application; a change made directly in the database reaches the
/// intake within this time (the other surfaces read the table every time).
const CATEGORY_CACHE: std::time::Duration = std::time::Duration::from_secs(1);

/// How long the intake trusts a successful key check. A key revoked meanwhile still passes
/// this first check for at most this time, but the intake writer checks every key again
/// inside the transaction that would store the complaint, so no complaint is stored under
/// a key whose revocation committed before it (it is answered 403).
const KEY_CACHE: std::time::Duration = std::time::Duration::from_secs(1);
/// Most keys the intake remembers (the copy is emptied when full).
const KEY_CACHE_ENTRIES: usize = 1024;

type KeyCache = std::collections::HashMap<String, (std::time::Instant, KeyRow)>;

/// The intake of one database: its writer task and its copies of the categories and of
/// recently checked keys.
struct Intake {
    writer: IntakeWriter,
    categories: std::sync::Mutex<Option<(std::time::Instant, std::sync::Arc<Vec<Category>>)>>,
    keys: std::sync::Mutex<KeyCache>,
}

impl Intake {
    /// [`authorize_key`], trusting a success for at most [`KEY_CACHE`] (unknown and revoked
    /// keys are looked up every time).
    async fn authorize(&self, state: &AppState, api_key: Option<&str>) -> ServiceResult<KeyRow> {
        let key = api_key.map(str::trim).filter(|k| !k.is_empty());
        let Some(key) = key else {
            return Err(ServiceError::Forbidden);
        };
        let hash = token_hash(key);
        let cached = self.keys.lock().ok().and_then(|keys| {
            keys.get(&hash)
                .filter(|(at, _)| at.elapsed() < KEY_CACHE)
                .map(|(_, row)| row.clone())
        });
        if let Some(row) = cached {
            return Ok(row);
        }
        let row = authorize_key(state, Some(key)).await?;
        if let Ok(mut keys) = self.keys.lock() {
            if keys.len() >= KEY_CACHE_ENTRIES {
                keys.clear();
            }
            keys.insert(hash, (std::time::Instant::now(), row.clone()));
        }
        Ok(row)
    }

    /// One active category by code (`service_code_not_found` otherwise), from a copy at
    /// most [`CATEGORY_CACHE`] old.
    async fn category(&self, state: &AppState, code: &str) -> ServiceResult<Category> {
        let cached = self.categories.lock().ok().and_then(|c| {
            c.as_ref()
                .filter(|(at, _)| at.elapsed() < CATEGORY_CACHE)
                .map(|(_, v)| v.clone())
        });
        let all = match cached {
            Some(all) => all,
            None => {
                let all = std::sync::Arc::new(categories(state).await?);
                if let Ok(mut c) = self.categories.lock() {
                    *c = Some((std::time::Instant::now(), all.clone()));
                }
                all
            }
        };
        all.iter()
            .find(|c| c.code == code)
            .cloned()
            .ok_or_else(|| service_code_not_found(code))
    }
}

/// The intake of this database, started on first use. Every new complaint goes through its
/// writer, so that under load one commit (one disk flush) stores many complaints; each
/// caller is answered only after the commit that holds its complaint returned.
fn intake_of(state: &AppState) -> ServiceResult<std::sync::Arc<Intake>> {
    state
        .db
        .group_commit_slot()
        .get_or_init(|| {
            let db = state.db.detached();
            // Benchmarks only: `--intake-max-batch 1` gives one commit per complaint
            // (`Settings::intake_max_batch`, read once at start).
            let max_batch = state.settings.intake_max_batch.clamp(1, INTAKE_MAX_BATCH);
            // Batches run one after another, so the lock is never contended; it only lets
            // each batch's future borrow the connection kept across batches.
            let kept = std::sync::Arc::new(tokio::sync::Mutex::new(KeptConnection::new(db)));
            Intake {
                writer: IntakeWriter::spawn_named(
                    "complaint_intake",
                    max_batch,
                    INTAKE_QUEUE,
                    move |jobs| {
                        let kept = kept.clone();
                        async move { write_batch_or_each(&mut *kept.lock().await, jobs).await }
                    },
                ),
                categories: std::sync::Mutex::new(None),
                keys: std::sync::Mutex::new(KeyCache::new()),
            }
        })
        .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("group commit slot taken")))
}

/// Writes the batch in one transaction; if that fails, writes each complaint in its own
/// transaction, so one bad complaint cannot take the others down and each gets its own
/// answer.
async fn write_batch_or_each(
    conn: &mut KeptConnection,
    jobs: Vec<PendingComplaint>,
) -> Vec<ServiceResult<Created>> {
    let started = std::time::Instant::now();
    match write_batch(conn, &jobs).await {
        Ok(created) => {
            tracing::debug!(
                complaints = jobs.len(),
                micros = started.elapsed().as_micros() as u64,
                "complaint batch committed"
            );
            created.into_iter().map(Ok).collect()
        }
        Err(e) if jobs.len() == 1 => vec![Err(e)],
        Err(e) => {
            tracing::warn!(
                "complaint batch of {} failed, retrying one by one: {e:?}",
                jobs.len()
            );
            let mut out = Vec::with_capacity(jobs.len());
            for job in &jobs {
                out.push(write_batch(conn, std::slice::from_ref(job)).await.and_then(
                    |mut created| {
                        created.pop().ok_or_else(|| {
                            ServiceError::Internal(anyhow::anyhow!("complaint not written"))
                        })
                    },
                ));
            }
            out
        }
    }
}

/// One transaction for all `jobs`: numbers, complaints, first notes, files and audit
/// entries (chained in job order), then the commit.
async fn write_batch(
    conn: &mut KeptConnection,
    jobs: &[PendingComplaint],
) -> ServiceResult<Vec<Created>> {
    let written = write_batch_on(conn, jobs).await;
    if written.is_err() {
        conn.release();
    }
    written
}

async fn write_batch_on(
    conn: &mut KeptConnection,
    jobs: &[PendingComplaint],
) -> ServiceResult<Vec<Created>> {
    let mut tx = conn.begin_write().await?;
    // The Open311 keys again, under the write lock: a key revoked after the request's first
    // check stores nothing (the batch then fails and each complaint is retried alone, so
    // only the complaints under that key are refused).
    let mut key_ids: Vec<&str> = Vec::new();
    for id in jobs.iter().filter_map(|j| j.row.open311_key_id.as_deref()) {
        if !key_ids.contains(&id) {
            key_ids.push(id);
        }
    }
    if !key_ids.is_empty()
        && open311_key_repo::active_count(&mut tx, &key_ids).await? != key_ids.len() as i64
    {
        return Err(ServiceError::Forbidden);
    }
    let mut next: Vec<(&str, i64)> = Vec::new();
    for job in jobs {
        match next.iter_mut().find(|(day, _)| *day == job.day) {
            Some(entry) => entry.1 += 1,
            None => next.push((&job.day, 1)),
        }
    }
    for entry in &mut next {
        let last = complaint_repo::reserve_numbers(&mut tx, entry.0, entry.1).await?;
        entry.1 = last - entry.1 + 1;
    }
    let mut rows = Vec::with_capacity(jobs.len());
    let mut notes = Vec::with_capacity(jobs.len() * 2);
    for job in jobs {
        let mut row = job.row.clone();
        if let Some(entry) = next.iter_mut().find(|(day, _)| *day == job.day) {
            row.service_request_id = format!("{}-{:05}", job.day, entry.1);
            entry.1 += 1;
        }
        for (seq, (note_type, summary)) in [
            ("submitted", job.submitted_note.to_string()),
            ("opened", format!("已受理（{}）", job.category_name)),
        ]
        .into_iter()
        .enumerate()
        {
            notes.push(NoteRow {
                complaint_id: row.id.clone(),
                seq: seq as i64,
                at: to_db_time(job.now),
                note_type: note_type.into(),
                summary,
                description: None,
                actor: job.actor.0.clone(),
                public: 1,
            });
        }
        rows.push(row);
    }
    complaint_repo::insert_many(&mut tx, &rows).await?;
    complaint_repo::insert_notes(&mut tx, &notes).await?;
    for media in jobs.iter().flat_map(|j| &j.media) {
        complaint_repo::insert_media(&mut tx, media).await?;
    }
    let salts = rows
        .iter()
        .map(|_| Salt::new())
        .collect::<anyhow::Result<Vec<_>>>()?;
    let salt_rows: Vec<(&str, &Salt)> = rows.iter().map(|r| r.id.as_str()).zip(&salts).collect();
    insert_salts(&mut tx, "complaint", &salt_rows).await?;
    let entries: Vec<_> = rows
        .iter()
        .zip(jobs)
        .zip(&salts)
        .map(|((row, job), salt)| {
            let media_audit: Vec<_> = job
                .media
                .iter()
                .map(|m| {
                    serde_json::json!({
                        "sha256": m.sha256, "content_type": m.content_type, "size_bytes": m.size_bytes,
                    })
                })
                .collect();
            let name: String = [row.reporter_last_name.as_deref(), row.reporter_first_name.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            (
                &job.actor,
                job.now,
                AuditEvent {
                    action: "complaint.create",
                    entity: "complaint",
                    entity_id: &row.id,
                    content: serde_json::json!({
                        "service_request_id": row.service_request_id,
                        "service_code": row.service_code,
                        "channel": row.channel,
                        "state": row.state,
                        "attribute_codes": job.answers.keys().collect::<Vec<_>>(),
                        "media": media_audit,
                        // Personal data only as salted digests (service::personal_data): the
                        // chain cannot be edited, the complaint's personal data can be erased.
                        "personal": salt.digests(&[
                            ("description", row.description.as_deref()),
                            ("lat", row.lat.as_deref()),
                            ("long", row.lon.as_deref()),
                            ("address_string", row.address_string.as_deref()),
                            ("address_id", row.address_id.as_deref()),
                            ("attributes", Some(row.attributes.as_str())),
                            ("media_url", row.media_url.as_deref()),
                            ("reporter_name", Some(name.as_str())),
                            ("reporter_phone", row.reporter_phone.as_deref()),
                            ("reporter_email", row.reporter_email.as_deref()),
                            ("reporter_device_id", row.reporter_device_id.as_deref()),
                            ("reporter_account_id", row.reporter_account_id.as_deref()),
                        ]),
                        "open311_key_id": row.open311_key_id,
                        "expected_at": row.expected_at,
                    }),
                },
            )
        })
        .collect();
    append_many(&mut tx, &entries).await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .zip(jobs)
        .map(|(row, job)| Created {
            service_request_id: row.service_request_id,
            token: row.token,
            service_notice: job.notice.clone(),
            account_id: job.account_id.clone(),
            expected_at: job.expected,
        })
        .collect())
}

/// Stores a photo or clip once in the file store (`evidence/<sha256>`) and returns its hash.
pub(crate) async fn store_file(state: &AppState, bytes: &[u8]) -> ServiceResult<String> {
    Ok(state
        .blobs()
        .put(crate::infra::blob_store::Shelf::Evidence, None, bytes)
        .await
        .map_err(anyhow::Error::from)?)
}

// ---- masking ----------------------------------------------------------------------------

pub use super::masking::{mask_email, mask_name, mask_phone};

/// Masks phone, ID and card numbers and e-mail addresses in free text shown to the public
/// ([`super::masking::mask_personal_text`]).
pub fn mask_numbers_in_text(text: &str) -> String {
    super::masking::mask_personal_text(text).into_owned()
}

// ---- public read-out --------------------------------------------------------------------

/// GeoReport `status` and the real state in Chinese for `status_notes`.
pub fn public_status(state: &str) -> (&'static str, &'static str) {
    match state {
        "received" => ("open", "已受理，待派单"),
        "dispatched" => ("open", "已派单，承办单位办理中"),
        "handling" => ("open", "办理中"),
        "replied" => ("open", "已答复，待核查办结"),
        "closed" => ("closed", "已办结"),
        "reopened" => ("open", "群众反映问题未解决，已重新办理"),
        _ => ("open", "处理中"),
    }
}

/// One answer as shown under `extended_attributes.attributes` (the published extension's
/// `label`/`name`/`value`/`code`).
#[derive(Debug, Clone, Serialize)]
pub struct PublicAnswer {
    /// The question.
    pub label: String,
    /// The question's code.
    pub name: String,
    /// The answer as shown (the option's name for list questions).
    pub value: String,
    /// The answer as submitted (the option's key for list questions).
    pub code: String,
}

/// One uploaded file as shown publicly (the file itself is not published).
#[derive(Debug, Clone, Serialize)]
pub struct PublicMedia {
    pub sha256: String,
    pub content_type: String,
    pub size_bytes: i64,
}

/// One history entry as shown publicly.
#[derive(Debug, Clone, Serialize)]
pub struct PublicNote {
    pub datetime: DateTime<Utc>,
    pub note_type: String,
    pub summary: String,
    pub description: Option<String>,
}

/// A complaint as anyone may see it. It has no field for the reporter's personal data, so
/// no public surface can leak it.
#[derive(Debug, Clone)]
pub struct PublicRequest {
    pub service_request_id: String,
    pub status: &'static str,
    pub status_notes: String,
    pub service_name: String,
    pub service_code: String,
    /// With phone, ID and card numbers and e-mail addresses masked, like every free text
    /// of a public request (address, answers, notes): `service::masking`.
    pub description: Option<String>,
    pub agency_responsible: Option<String>,
    pub service_notice: Option<String>,
    pub requested_datetime: DateTime<Utc>,
    pub updated_datetime: DateTime<Utc>,
    pub expected_datetime: Option<DateTime<Utc>>,
    pub address: Option<String>,
    pub address_id: Option<String>,
    pub lat: Option<f64>,
    pub long: Option<f64>,
    pub media_url: Option<String>,
    pub channel: String,
    pub state: String,
    pub answers: Vec<PublicAnswer>,
    pub media: Vec<PublicMedia>,
    pub notes: Vec<PublicNote>,
}

fn parse_db_time(s: &str) -> ServiceResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("stored time {s}: {e}")))
}

fn answers_of(category: Option<&Category>, json: &str) -> Vec<PublicAnswer> {
    let map: BTreeMap<String, serde_json::Value> = serde_json::from_str(json).unwrap_or_default();
    let mut out = Vec::new();
    let ordered: Vec<(&String, &serde_json::Value)> = match category {
        Some(c) => {
            let mut v: Vec<_> = map.iter().collect();
            v.sort_by_key(|(code, _)| {
                c.attributes
                    .iter()
                    .find(|a| &a.code == *code)
                    .map_or(u32::MAX, |a| a.order)
            });
            v
        }
        None => map.iter().collect(),
    };
    for (code, value) in ordered {
        let attribute = category.and_then(|c| c.attributes.iter().find(|a| &a.code == code));
        let values: Vec<String> = match value {
            serde_json::Value::Array(items) => items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect(),
            serde_json::Value::String(s) => vec![s.clone()],
            other => vec![other.to_string()],
        };
        for v in values {
            let shown = attribute
                .and_then(|a| a.values.iter().find(|o| o.key == v))
                .map_or_else(|| v.clone(), |o| o.name.clone());
            // A free-text answer is the citizen's own text: masked like the description.
            out.push(PublicAnswer {
                label: attribute.map_or_else(|| code.clone(), |a| a.description.clone()),
                name: code.clone(),
                value: mask_numbers_in_owned(shown),
                code: mask_numbers_in_owned(v),
            });
        }
    }
    out
}

/// The `status_notes` of a row: the stage's note when the stage agrees with the state.
fn stage_note(r: &mut PublicRow) -> Option<String> {
    // `public_stage_note` reads three fields of a full row; the others stay empty (no
    // allocation), and the three are moved in and back out.
    let probe = ComplaintRow {
        state: std::mem::take(&mut r.state),
        stage: std::mem::take(&mut r.stage),
        final_state: r.final_state.take(),
        ..ComplaintRow::default()
    };
    let note = super::complaint_workflow::public_stage_note(&probe);
    r.state = probe.state;
    r.stage = probe.stage;
    r.final_state = probe.final_state;
    note
}

/// Builds the public views of `rows`, with notes and media when `extensions` is set.
async fn to_public(
    state: &AppState,
    rows: Vec<PublicRow>,
    extensions: bool,
) -> ServiceResult<Vec<PublicRequest>> {
    let categories = categories(state).await?;
    let (mut notes, mut media) = (Vec::new(), Vec::new());
    if extensions && !rows.is_empty() {
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        let mut conn = state.db.pool.acquire().await?;
        notes = complaint_repo::public_notes_of(&mut conn, &ids).await?;
        media = complaint_repo::media_of(&mut conn, &ids).await?;
    }
    let mut out = Vec::with_capacity(rows.len());
    for mut r in rows {
        let category = categories.iter().find(|c| c.code == r.service_code);
        let (status, status_notes) = public_status(&r.state);
        let status_notes = stage_note(&mut r).unwrap_or_else(|| status_notes.to_string());
        out.push(PublicRequest {
            status,
            status_notes,
            service_name: category.map_or_else(|| r.service_code.clone(), |c| c.name.clone()),
            description: r.description.map(mask_numbers_in_owned),
            agency_responsible: r.agency_responsible,
            service_notice: r.service_notice,
            requested_datetime: parse_db_time(&r.requested_at)?,
            updated_datetime: parse_db_time(&r.updated_at)?,
            expected_datetime: r.expected_at.as_deref().map(parse_db_time).transpose()?,
            address: r.address_string.map(mask_numbers_in_owned),
            address_id: r.address_id,
            lat: r.lat.as_deref().and_then(|v| v.parse().ok()),
            long: r.lon.as_deref().and_then(|v| v.parse().ok()),
            media_url: r.media_url,
            answers: if extensions {
                answers_of(category, &r.attributes)
            } else {
                Vec::new()
            },
            media: media
                .iter()
                .filter(|m| m.complaint_id == r.id)
                .map(|m| PublicMedia {
                    sha256: m.sha256.clone(),
                    content_type: m.content_type.clone(),
                    size_bytes: m.size_bytes,
                })
                .collect(),
            notes: notes
                .iter()
                .filter(|n| n.complaint_id == r.id)
                .map(|n| {
                    Ok(PublicNote {
                        datetime: parse_db_time(&n.at)?,
                        note_type: n.note_type.clone(),
                        summary: mask_numbers_in_owned(n.summary.clone()),
                        description: n.description.clone().map(mask_numbers_in_owned),
                    })
                })
                .collect::<ServiceResult<_>>()?,
            channel: r.channel,
            state: r.state,
            service_code: r.service_code,
            service_request_id: r.service_request_id,
        });
    }
    Ok(out)
}

/// [`mask_numbers_in_text`] without a copy when there is nothing to mask.
fn mask_numbers_in_owned(text: String) -> String {
    match super::masking::mask_personal_text(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(masked) => masked,
    }
}

/// One complaint by its `service_request_id`.
pub async fn get_public(
    state: &AppState,
    service_request_id: &str,
    extensions: bool,
) -> ServiceResult<PublicRequest> {
    let mut conn = state.db.pool.acquire().await?;
    let row = complaint_repo::public_by_request_id(&mut conn, service_request_id, extensions)
        .await?
        .ok_or(ServiceError::NotFound { what: "诉求" })?;
    drop(conn);
    to_public(state, vec![row], extensions)
        .await?
        .pop()
        .ok_or(ServiceError::NotFound { what: "诉求" })
}

/// The `service_request_id` behind a token.
pub async fn by_token(state: &AppState, token: &str) -> ServiceResult<(String, String)> {
    let mut conn = state.db.pool.acquire().await?;
    let row = complaint_repo::by_token(&mut conn, token.trim())
        .await?
        .ok_or(ServiceError::NotFound { what: "令牌" })?;
    Ok((row.service_request_id, row.token))
}

/// A `GET requests` query (GeoReport v2 plus the page/page_size, updated_after/before and
/// extensions extensions).
#[derive(Debug, Clone, Default)]
pub struct RequestQuery {
    /// When not empty, overrides every other filter.
    pub service_request_ids: Vec<String>,
    pub service_codes: Vec<String>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    /// `Some(true)`: closed only; `Some(false)`: open only; `None`: both.
    pub closed: Option<bool>,
    pub updated_after: Option<DateTime<Utc>>,
    pub updated_before: Option<DateTime<Utc>>,
    /// 1-based.
    pub page: u32,
    /// At most [`MAX_RECORDS`].
    pub page_size: u32,
    pub extensions: bool,
}

/// Runs a query with the GeoReport windows: without `start_date`/`end_date` (and without
/// `updated_after`/`updated_before`) the most recent 90 days; with only one end, 90 days
/// from it; a range may not span more than 90 days. At most 1,000 records.
pub async fn search(state: &AppState, q: RequestQuery) -> ServiceResult<Vec<PublicRequest>> {
    let mut conn = state.db.pool.acquire().await?;
    let rows = if q.service_request_ids.is_empty() {
        let window = Duration::days(DEFAULT_WINDOW_DAYS);
        let (from, to) = match (q.start, q.end) {
            (None, None) if q.updated_after.is_some() || q.updated_before.is_some() => (None, None),
            (None, None) => {
                let now = state.clock.now();
                (Some(now - window), Some(now))
            }
            (Some(s), None) => (Some(s), Some(s + window)),
            (None, Some(e)) => (Some(e - window), Some(e)),
            (Some(s), Some(e)) => {
                if e < s {
                    return Err(ServiceError::invalid_field(
                        "invalid_request",
                        "end_date",
                        "end_date 不能早于 start_date",
                    ));
                }
                if e - s > window {
                    return Err(ServiceError::invalid_field(
                        "invalid_request",
                        "end_date",
                        format!("start_date 至 end_date 的范围不能超过{DEFAULT_WINDOW_DAYS}天"),
                    ));
                }
                (Some(s), Some(e))
            }
        };
        let page_size = q.page_size.clamp(1, MAX_RECORDS);
        let filter = Filter {
            service_codes: q.service_codes,
            closed: q.closed,
            requested_from: from.map(to_db_time),
            requested_to: to.map(to_db_time),
            updated_from: q.updated_after.map(to_db_time),
            updated_to: q.updated_before.map(to_db_time),
            limit: i64::from(page_size),
            offset: i64::from(q.page.max(1) - 1) * i64::from(page_size),
        };
        complaint_repo::public_search(&mut conn, state.db.backend, &filter, q.extensions).await?
    } else {
        complaint_repo::public_by_request_ids(&mut conn, &q.service_request_ids, q.extensions)
            .await?
    };
    drop(conn);
    to_public(state, rows, q.extensions).await
}

// ---- keys -------------------------------------------------------------------------------

/// Issues a new Open311 client key; the key is returned once and only its hash is stored.
/// `actor`: the administrator issuing it from the back office (`None` for the command line,
/// run by whoever operates the server, audited as `system`).
pub async fn create_key(
    state: &AppState,
    actor: Option<&super::auth::CurrentUser>,
    name: &str,
) -> ServiceResult<(KeyRow, Secret)> {
    if let Some(a) = actor {
        a.require(super::permissions::Action::ManageOpen311Keys)?;
    }
    let key = random_token()?;
    let row = insert_key_by(state, actor, name, key.expose()).await?;
    Ok((row, key))
}

/// Stores a key chosen by the caller (the demo's printed key).
pub(crate) async fn insert_key(state: &AppState, name: &str, key: &str) -> ServiceResult<KeyRow> {
    insert_key_by(state, None, name, key).await
}

async fn insert_key_by(
    state: &AppState,
    actor: Option<&super::auth::CurrentUser>,
    name: &str,
    key: &str,
) -> ServiceResult<KeyRow> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || has_forbidden_chars(name) {
        return Err(ServiceError::invalid_field(
            "invalid_name",
            "name",
            "接入单位名称不能为空，且不超过100个字",
        ));
    }
    let now = state.clock.now();
    let row = KeyRow {
        id: new_id(),
        name: name.to_string(),
        key_hash: token_hash(key),
        created_at: to_db_time(now),
        revoked_at: None,
    };
    let mut tx = state.db.begin_write().await?;
    open311_key_repo::insert(&mut tx, &row).await?;
    append(
        &mut tx,
        &Actor(actor.map_or_else(|| "system".to_string(), |a| a.id.clone())),
        now,
        AuditEvent {
            action: "open311_key.create",
            entity: "open311_key",
            entity_id: &row.id,
            content: serde_json::json!({"name": row.name}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .expect("test time")
    }

    #[test]
    fn the_shipped_settings_are_valid() {
        let s = IntakeSettings::from_toml_str(CATEGORIES_TOML).expect("shipped settings");
        assert!((8..=12).contains(&s.categories.len()));
        assert!(s.categories.iter().all(|c| !c.group_name.is_empty()));
        let manhole = s
            .categories
            .iter()
            .find(|c| c.code == "jing_gai_que_shi")
            .expect("manhole category");
        assert_eq!(manhole.time_limit.unit, LimitUnit::Hours);
    }

    #[test]
    fn tracking_tokens_sort_by_time_and_keep_80_random_bits() {
        let earlier = dt("2026-11-27T08:00:00.000Z");
        let later = dt("2026-11-27T08:00:00.001Z");
        let a = tracking_token(earlier).expect("token");
        let b = tracking_token(earlier).expect("token");
        let c = tracking_token(later).expect("token");
        for t in [&a, &b, &c] {
            assert_eq!(t.len(), 32);
            assert!(
                t.bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            );
        }
        assert_eq!(a[..12], b[..12], "same millisecond, same prefix");
        assert_ne!(a, b, "the random part differs");
        assert!(a < c && b < c, "a later token sorts after: {a} {b} {c}");
        assert_eq!(
            u64::from_str_radix(&c[..12], 16).expect("hex"),
            later.timestamp_millis() as u64
        );
    }

    #[test]
    fn time_limits_follow_the_working_calendar() {
        let s = IntakeSettings::from_toml_str(CATEGORIES_TOML).expect("settings");
        let cal = Calendar::china();
        let noon_thursday = dt("2026-04-30T12:00:00+08:00");
        // 劳动节 1–5 May; Saturday 9 May is a make-up working day.
        let wd = TimeLimit::from_str_checked("5wd");
        assert_eq!(
            expected_at(&cal, &s.working_periods, noon_thursday, wd),
            Some(dt("2026-05-11T18:00:00+08:00"))
        );
        // 3.5 h on Thursday afternoon, 3.5 h on 6 May morning, 1 h after 14:30.
        let wh = TimeLimit::from_str_checked("8wh");
        assert_eq!(
            expected_at(&cal, &s.working_periods, noon_thursday, wh),
            Some(dt("2026-05-06T15:30:00+08:00"))
        );
        let h = TimeLimit::from_str_checked("2h");
        assert_eq!(
            expected_at(&cal, &s.working_periods, noon_thursday, h),
            Some(dt("2026-04-30T14:00:00+08:00"))
        );
        // Late evening counts from the next morning.
        assert_eq!(
            expected_at(
                &cal,
                &s.working_periods,
                dt("2026-06-01T20:00:00+08:00"),
                TimeLimit::from_str_checked("1wh")
            ),
            Some(dt("2026-06-02T09:30:00+08:00"))
        );
        // Into 2027 (no notice loaded): the provisional calendar, 1 January (元旦) off.
        assert_eq!(
            expected_at(
                &cal,
                &s.working_periods,
                dt("2026-12-30T12:00:00+08:00"),
                wd
            ),
            Some(dt("2027-01-07T18:00:00+08:00"))
        );
        // Past the calendar's years there is no due time.
        assert_eq!(
            expected_at(
                &cal,
                &s.working_periods,
                dt("2099-12-30T12:00:00+08:00"),
                wd
            ),
            None
        );
    }

    impl TimeLimit {
        fn from_str_checked(s: &str) -> TimeLimit {
            s.parse().expect("time limit")
        }
    }

    #[test]
    fn uploads_are_typed_by_their_bytes() {
        assert_eq!(
            sniff_media_type(&[0xFF, 0xD8, 0xFF, 0xE1, 0]),
            Some("image/jpeg")
        );
        assert_eq!(
            sniff_media_type(b"\x89PNG\r\n\x1a\n...."),
            Some("image/png")
        );
        assert_eq!(
            sniff_media_type(b"RIFF\0\0\0\0WEBPVP8 "),
            Some("image/webp")
        );
        assert_eq!(
            sniff_media_type(b"\0\0\0\x18ftypheic...."),
            Some("image/heic")
        );
        assert_eq!(
            sniff_media_type(b"\0\0\0\x18ftypisom...."),
            Some("video/mp4")
        );
        assert_eq!(sniff_media_type(b"MZ\x90\0"), None);
        assert_eq!(sniff_media_type(b"<svg xmlns="), None);
    }
}
