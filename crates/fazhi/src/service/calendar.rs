//! The working-day calendar the server counts on, and loading a year's holiday arrangement
//! (放假安排) into the database.
//!
//! The effective calendar is the configured one (the built-in `data/calendar/cn.toml`, or
//! `--calendar FILE`) with every year stored in `calendar_years` (migration 0009) loaded over
//! it; any other year is counted on the provisional calendar of `fazhi_calendar::provisional`.
//! Each server holds the calendar it built together with the load generation it was built
//! from, and compares that with `MAX(generation)` in the database at most every
//! [`RECHECK`] — one indexed aggregate — so a year loaded on one server counts on every
//! server within seconds, without a restart. The loading server swaps its own calendar at
//! once. See `docs/decisions/008-calendar-in-the-database.md`.
//!
//! Loading (page `/calendars`, `PUT /api/v1/calendars/{year}`, `fazhi calendar load FILE`)
//! is the job of an administrator or the legal office: the arrangement is validated by the
//! calendar crate (every statutory holiday day must be a rest day, make-up days must be
//! weekend days…), stored with an audit entry in the same transaction, and the deadlines of
//! open cases and complaints that moved are listed, old and new date side by side. The stored
//! due time of an open complaint (first round) is recomputed on the new calendar.

use std::sync::RwLock;
use std::time::{Duration, Instant};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use fazhi_calendar::{Calendar, CalendarError};
use serde::{Deserialize, Serialize};

use super::audit::{Actor, AuditEvent, append};
use super::auth::CurrentUser;
use super::permissions::Action;
use super::{AppState, ServiceError, ServiceResult, case, complaint};
use crate::infra::clock::to_db_time;
use crate::repo::{calendar_repo, complaint_repo};

/// How long a server counts on the calendar it holds before asking the database whether a
/// year was loaded meanwhile.
pub const RECHECK: Duration = Duration::from_secs(2);

/// Shown beside a date whose counting crossed a provisional day (pages and documents).
pub const PROVISIONAL_NOTE: &str = "暂定（待国务院办公厅放假安排发布后核定）";

/// The calendar a server holds, with the generation it was built from.
#[derive(Default)]
pub struct LiveCalendar {
    held: RwLock<Option<Held>>,
}

#[derive(Clone)]
struct Held {
    generation: i64,
    calendar: Calendar,
    checked: Instant,
}

impl std::fmt::Debug for LiveCalendar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveCalendar").finish_non_exhaustive()
    }
}

impl LiveCalendar {
    fn get(&self) -> Option<Held> {
        self.held.read().ok().and_then(|h| h.clone())
    }

    fn set(&self, generation: i64, calendar: Calendar) {
        if let Ok(mut h) = self.held.write() {
            // Never go back to an older generation (two loads racing on one server).
            if h.as_ref().is_some_and(|x| x.generation > generation) {
                return;
            }
            *h = Some(Held {
                generation,
                calendar,
                checked: Instant::now(),
            });
        }
    }
}

fn calendar_error(e: CalendarError) -> ServiceError {
    match e {
        CalendarError::OutOfRange(_) => {
            ServiceError::invalid("calendar_out_of_range", e.to_string())
        }
        CalendarError::Invalid(_) => {
            ServiceError::invalid_field("invalid_calendar", "arrangement", e.to_string())
        }
    }
}

impl AppState {
    /// The calendar to count on now: the configured one with the years loaded into the
    /// database (see the module doc for how servers learn of a new load).
    pub async fn calendar(&self) -> ServiceResult<Calendar> {
        let live = &self.settings.live_calendar;
        let held = live.get();
        if let Some(h) = &held
            && h.checked.elapsed() < RECHECK
        {
            return Ok(h.calendar.clone());
        }
        let mut conn = self.db.pool.acquire().await?;
        let generation = calendar_repo::generation(&mut conn).await?;
        if let Some(h) = held
            && h.generation == generation
        {
            live.set(generation, h.calendar.clone());
            return Ok(h.calendar);
        }
        let rows = calendar_repo::all(&mut conn).await?;
        let mut cal = self.settings.calendar.clone();
        for r in &rows {
            cal = cal.with_years_from_toml_str(&r.arrangement).map_err(|e| {
                ServiceError::Internal(anyhow::anyhow!(
                    "stored calendar year {} invalid: {e}",
                    r.year
                ))
            })?;
        }
        live.set(generation, cal.clone());
        Ok(cal)
    }
}

/// One holiday of an arrangement as the notice states it: a name and its days off.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidayRange {
    /// Chinese name as in the notice: 元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节, or
    /// 国庆节、中秋节 (another name is accepted as a local holiday).
    pub name: String,
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub to: NaiveDate,
}

/// A year's holiday arrangement (放假安排) as in the State Council notice.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Arrangement {
    /// The notice, e.g. 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕…号）.
    pub source: String,
    /// The days off, one range per holiday.
    pub holidays: Vec<HolidayRange>,
    /// The make-up working days (调休上班), each a Saturday or Sunday.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub workdays: Vec<NaiveDate>,
}

const KEYS: &[(&str, &str)] = &[
    ("元旦", "new_year"),
    ("春节", "spring_festival"),
    ("清明节", "qingming"),
    ("清明", "qingming"),
    ("劳动节", "labour_day"),
    ("端午节", "dragon_boat"),
    ("端午", "dragon_boat"),
    ("中秋节", "mid_autumn"),
    ("中秋", "mid_autumn"),
    ("国庆节", "national_day"),
    ("国庆", "national_day"),
    ("国庆节、中秋节", "national_day_mid_autumn"),
    ("中秋节、国庆节", "national_day_mid_autumn"),
];

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

impl Arrangement {
    /// The arrangement of `year` as a data file (format of `data/calendar/cn.toml`). Shape
    /// errors (a range ending before it starts, a date outside the year) are caught here;
    /// everything else by the calendar when the text is loaded.
    pub fn to_toml(&self, year: i32) -> ServiceResult<String> {
        let bad = |m: String| ServiceError::invalid_field("invalid_calendar", "arrangement", m);
        if self.source.trim().is_empty() {
            return Err(bad(
                "请填写放假安排的来源（国务院办公厅通知的名称和文号）".into()
            ));
        }
        if self.holidays.is_empty() {
            return Err(bad("请至少填写一个节假日的放假日期".into()));
        }
        let mut off = String::new();
        let mut names = String::new();
        let mut extra = 0;
        for h in &self.holidays {
            let name = h.name.trim();
            if name.is_empty() {
                return Err(bad("节假日名称不能为空".into()));
            }
            if h.to < h.from {
                return Err(bad(format!(
                    "{name}的放假结束日 {} 早于开始日 {}",
                    h.to, h.from
                )));
            }
            if h.from.year() != year || h.to.year() != year {
                return Err(bad(format!(
                    "{name}的放假日期 {} 至 {} 不在{year}年内（跨年的元旦假期只填本年的日期）",
                    h.from, h.to
                )));
            }
            let key = match KEYS.iter().find(|(zh, _)| *zh == name) {
                Some((_, k)) => (*k).to_owned(),
                None => {
                    extra += 1;
                    let k = format!("local_{extra}");
                    names.push_str(&format!("{k} = {}\n", toml_str(name)));
                    k
                }
            };
            let mut days = Vec::new();
            let mut d = h.from;
            while d <= h.to {
                days.push(d.to_string());
                d = d.succ_opt().unwrap_or(d);
                if days.len() > 366 {
                    break;
                }
            }
            if off.contains(&format!("\n{key} = ")) || off.starts_with(&format!("{key} = ")) {
                return Err(bad(format!("节假日“{name}”重复填写")));
            }
            off.push_str(&format!("{key} = [{}]\n", days.join(", ")));
        }
        for w in &self.workdays {
            if w.year() != year {
                return Err(bad(format!("调休上班日 {w} 不在{year}年内")));
            }
        }
        let workdays: Vec<String> = self.workdays.iter().map(ToString::to_string).collect();
        let mut text = format!(
            "[{year}]\nsource = {}\nworkdays = [{}]\n\n[{year}.off]\n{off}",
            toml_str(self.source.trim()),
            workdays.join(", ")
        );
        if !names.is_empty() {
            text.push_str("\n[names]\n");
            text.push_str(&names);
        }
        Ok(text)
    }
}

/// A deadline that moved when a year was loaded.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Moved {
    /// `case` or `complaint`.
    pub kind: &'static str,
    pub id: String,
    /// Case number or complaint number.
    pub number: String,
    /// The party (case) or the category (complaint).
    pub name: String,
    /// What is due, in Chinese.
    pub what: String,
    /// Due before the load (date, or date and time for complaints).
    pub old: String,
    /// Due after the load.
    pub new: String,
}

/// What a load did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LoadOutcome {
    /// The years stored.
    pub years: Vec<i32>,
    /// The open cases' and complaints' deadlines that moved, old and new side by side.
    pub moved: Vec<Moved>,
}

/// Loads the arrangement(s) of a data file (format of `data/calendar/cn.toml`; one or more
/// years) into the database; a year already stored is replaced.
pub async fn load_toml(
    state: &AppState,
    actor: &CurrentUser,
    text: &str,
    via: &str,
) -> ServiceResult<LoadOutcome> {
    actor.require(Action::LoadCalendars)?;
    let parsed = Calendar::from_toml_str(text).map_err(calendar_error)?;
    let years: Vec<i32> = parsed.loaded_years().collect();
    let old = state.calendar().await?;
    let new = old.with_years_from_toml_str(text).map_err(calendar_error)?;

    let mut moved = moved_cases(state, actor, &old, &new).await?;
    let now = state.clock.now();
    let categories = complaint::categories(state).await?;
    let periods = &complaint::settings(state).working_periods;
    let mut tx = state.db.begin_write().await?;
    let mut generation = 0;
    let mut sources = Vec::new();
    for &y in &years {
        let year_text = parsed
            .year_toml(y)
            .ok_or_else(|| anyhow::anyhow!("parsed year {y} vanished"))?;
        let source = parsed.source(y).map_err(calendar_error)?.to_owned();
        generation =
            calendar_repo::upsert(&mut tx, y, &year_text, &source, &actor.id, &to_db_time(now))
                .await?;
        sources.push(serde_json::json!({"year": y, "source": source}));
    }
    // Open complaints in their first round: the due time stored at intake is recomputed.
    for mut row in complaint_repo::list(&mut tx, true, None, None, 100_000).await? {
        if !matches!(row.stage.as_str(), "received" | "dispatched" | "handling") {
            continue;
        }
        let Some(category) = categories.iter().find(|c| c.code == row.service_code) else {
            continue;
        };
        let Ok(received) = DateTime::parse_from_rfc3339(&row.requested_at) else {
            continue;
        };
        let received = received.with_timezone(&Utc);
        let due = complaint::expected_at(&new, periods, received, category.time_limit);
        let due_text = due.map(to_db_time);
        if due_text == row.expected_at {
            continue;
        }
        let show = |t: &Option<String>| match t.as_deref().map(DateTime::parse_from_rfc3339) {
            Some(Ok(t)) => t
                .with_timezone(&complaint::china())
                .format("%Y年%-m月%-d日 %H:%M")
                .to_string(),
            _ => "未定".to_owned(),
        };
        moved.push(Moved {
            kind: "complaint",
            id: row.id.clone(),
            number: row.service_request_id.clone(),
            name: category.name.clone(),
            what: "答复期限".to_owned(),
            old: show(&row.expected_at),
            new: show(&due_text),
        });
        row.expected_at = due_text;
        row.updated_at = to_db_time(now);
        complaint_repo::update_workflow(&mut tx, &row).await?;
    }
    let entity_id = years
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",");
    append(
        &mut tx,
        &Actor(actor.id.clone()),
        now,
        AuditEvent {
            action: "calendar.load",
            entity: "calendar",
            entity_id: &entity_id,
            content: serde_json::json!({
                "via": via,
                "years": sources,
                "generation": generation,
                "moved": moved.iter().map(|m| serde_json::json!({
                    "kind": m.kind, "id": m.id, "what": m.what, "old": m.old, "new": m.new
                })).collect::<Vec<_>>(),
            }),
        },
    )
    .await?;
    tx.commit().await?;
    state.settings.live_calendar.set(generation, new);
    Ok(LoadOutcome { years, moved })
}

/// Loads one year given as ranges (page and API).
pub async fn load_arrangement(
    state: &AppState,
    actor: &CurrentUser,
    year: i32,
    arrangement: &Arrangement,
    via: &str,
) -> ServiceResult<LoadOutcome> {
    actor.require(Action::LoadCalendars)?;
    let text = arrangement.to_toml(year)?;
    load_toml(state, actor, &text, via).await
}

/// The open cases whose deadlines differ between the two calendars.
async fn moved_cases(
    state: &AppState,
    actor: &CurrentUser,
    old: &Calendar,
    new: &Calendar,
) -> ServiceResult<Vec<Moved>> {
    let before = case::deadlines_on(state, actor, old).await?;
    let after = case::deadlines_on(state, actor, new).await?;
    let mut out = Vec::new();
    for (b, a) in before.iter().zip(after.iter()) {
        for nd in &a.deadlines {
            let od = b
                .deadlines
                .iter()
                .find(|d| d.rule == nd.rule && d.from_event == nd.from_event);
            let old_due = od.map(|d| d.due);
            if old_due == Some(nd.due) {
                continue;
            }
            out.push(Moved {
                kind: "case",
                id: a.case_id.clone(),
                number: a.case_no.clone(),
                name: a.party_name.clone(),
                what: nd.label.clone(),
                old: old_due.map_or_else(|| "未定".to_owned(), cn_date),
                new: cn_date(nd.due),
            });
        }
    }
    Ok(out)
}

fn cn_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Working-day arithmetic on the bureau's calendar (`GET /api/v1/calendar/add`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CalendarAnswer {
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
    pub span: String,
    #[schema(value_type = String, format = Date)]
    pub result: NaiveDate,
    pub result_is_working_day: bool,
    /// The counting crossed a day of a year whose holiday notice is not loaded (provisional
    /// calendar): the date may move when the notice is loaded. Present only when true.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub provisional: bool,
}

/// `from` plus `span` (`5wd` working days, `15d` days, `6m` months) on the calendar counted
/// on now, with the configured rest days. A span that does not parse is `invalid_span`; a
/// date outside the supported years is `calendar_out_of_range`.
pub async fn add(state: &AppState, from: NaiveDate, span: &str) -> ServiceResult<CalendarAnswer> {
    let span: fazhi_calendar::Span =
        span.parse().map_err(|e: fazhi_calendar::ParseSpanError| {
            ServiceError::invalid("invalid_span", e.to_string())
        })?;
    let cal = state.calendar().await?;
    let out_of_range =
        |e: CalendarError| ServiceError::invalid("calendar_out_of_range", e.to_string());
    let result = cal
        .add_span(from, span, state.rules().await?.rest_days)
        .map_err(out_of_range)?;
    Ok(CalendarAnswer {
        from,
        span: span.to_string(),
        result,
        result_is_working_day: cal.is_working_day(result).map_err(out_of_range)?,
        provisional: cal.crosses_provisional(from, result),
    })
}

/// One stored year as the API and the page show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct YearView {
    pub year: i32,
    /// `loaded` (a notice is loaded: built in, or by an administrator) or `provisional`.
    pub status: &'static str,
    pub source: String,
    pub holidays: Vec<HolidayRange>,
    #[schema(value_type = Vec<String>)]
    pub workdays: Vec<NaiveDate>,
    /// Who loaded it into the database and when (absent for built-in and provisional years).
    pub loaded_by: Option<String>,
    pub loaded_at: Option<String>,
}

/// The arrangement of `year` on the effective calendar (any role may read it).
pub async fn year_view(state: &AppState, year: i32) -> ServiceResult<YearView> {
    let cal = state.calendar().await?;
    let blocks = cal.holiday_blocks(year).map_err(calendar_error)?;
    let mut conn = state.db.pool.acquire().await?;
    let stored = calendar_repo::all(&mut conn)
        .await?
        .into_iter()
        .find(|r| r.year == year);
    let loaded_by = match &stored {
        Some(r) => Some(
            crate::repo::user_repo::by_id(&mut conn, &r.loaded_by)
                .await?
                .map_or_else(|| r.loaded_by.clone(), |u| u.display_name),
        ),
        None => None,
    };
    Ok(YearView {
        year,
        status: if cal.is_loaded(year) {
            "loaded"
        } else {
            "provisional"
        },
        source: cal.source(year).map_err(calendar_error)?.to_owned(),
        holidays: blocks
            .iter()
            .filter_map(|b| {
                Some(HolidayRange {
                    name: b.name_zh.clone(),
                    from: *b.days.first()?,
                    to: *b.days.last()?,
                })
            })
            .collect(),
        workdays: cal.make_up_workdays(year).map_err(calendar_error)?.to_vec(),
        loaded_by,
        loaded_at: stored.map(|r| r.loaded_at),
    })
}

/// The workbench warning: from 1 November, while next year's notice is not loaded.
pub async fn next_year_warning(
    state: &AppState,
    actor: &CurrentUser,
) -> ServiceResult<Option<String>> {
    if !actor.may(Action::CalendarWarning) {
        return Ok(None);
    }
    let today = state.clock.today();
    if today.month() < 11 {
        return Ok(None);
    }
    let next = today.year() + 1;
    let cal = state.calendar().await?;
    if cal.is_loaded(next) {
        return Ok(None);
    }
    Ok(Some(format!(
        "{next}年的节假日安排尚未载入：{next}年的期限暂按《全国年节及纪念日放假办法》计算（不含调休），标注“暂定”。国务院办公厅通知发布后，请系统管理员或法制审核员在“工作日历”页面载入。"
    )))
}
