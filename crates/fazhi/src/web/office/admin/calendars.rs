//! 工作日历: the holidays and make-up working days (调休上班) of last, this and next year with
//! the notice they come from — or, for a year whose notice is not loaded, the provisional
//! statutory holidays, marked 暂定 — the calculator 起算日 + 期间 (`5wd`, `15d`, `6m`) with the
//! counting rule applied (docs/day-counting.md), and the form with which an administrator or
//! the legal office loads a year's arrangement (`service::calendar::load_arrangement`); after
//! a load the page lists the open cases' and complaints' deadlines that moved.

use super::{BAD_DATE, FormErrors, parse_date, weekday_cn};
use crate::service::AppState;
use crate::service::calendar::{
    Arrangement, HolidayRange, LoadOutcome, PROVISIONAL_NOTE, load_arrangement,
};
use crate::web::page::{Layout, OfficeUser, PageResult, check_csrf, cn_date};
use crate::web::page::{PageForm, PageQuery, render_form};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use chrono::{Datelike, Months, NaiveDate};
use fazhi_calendar::{Calendar, CalendarError, RestDays, Span};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/calendars", get(show).post(load))
}

pub struct BlockLine {
    pub name: String,
    pub span: String,
    pub days: usize,
}

pub struct YearView {
    pub year: i32,
    /// No notice loaded: the statutory holidays of the national rules, 暂定.
    pub provisional: bool,
    pub source: String,
    pub blocks: Vec<BlockLine>,
    pub workdays: Vec<String>,
}

fn day_label(d: NaiveDate) -> String {
    format!("{}（{}）", cn_date(d), weekday_cn(d))
}

fn year_view(cal: &Calendar, year: i32) -> Result<YearView, CalendarError> {
    Ok(YearView {
        year,
        provisional: !cal.is_loaded(year),
        source: cal.source(year)?.to_string(),
        blocks: cal
            .holiday_blocks(year)?
            .iter()
            .map(|b| BlockLine {
                name: b.name_zh.clone(),
                span: match (b.days.first(), b.days.last()) {
                    (Some(f), Some(l)) if f != l => {
                        format!("{}至{}", day_label(*f), day_label(*l))
                    }
                    (Some(f), _) => day_label(*f),
                    _ => String::new(),
                },
                days: b.days.len(),
            })
            .collect(),
        workdays: cal
            .make_up_workdays(year)?
            .iter()
            .map(|d| day_label(*d))
            .collect(),
    })
}

/// The calculator's answer with the rule that produced it.
pub struct Answer {
    pub from: String,
    pub span: String,
    pub result: String,
    /// The counting crossed a day of a year whose notice is not loaded.
    pub provisional: bool,
    pub working_day: bool,
    pub rule: String,
    pub steps: Vec<String>,
}

fn why_rest(cal: &Calendar, d: NaiveDate) -> Result<String, CalendarError> {
    Ok(match cal.holiday_display_name(d)? {
        Some(h) => format!("{h}假期"),
        None => format!("{}休息日", weekday_cn(d)),
    })
}

fn answer(
    cal: &Calendar,
    rest: RestDays,
    from: NaiveDate,
    span: Span,
) -> Result<Answer, CalendarError> {
    let result = cal.add_span(from, span, rest)?;
    let rest_rule = match rest {
        RestDays::HolidaysAndWeekends => {
            "期间届满的最后一日是法定节假日或周末休息日的，顺延至其后第一个工作日"
        }
        RestDays::HolidaysOnly => "期间届满的最后一日在法定节假日内的，顺延至假期后的第一日",
    };
    let mut steps = Vec::new();
    let rule = match span {
        Span::WorkingDays(n) => {
            if n <= 31 {
                let mut d = from;
                for i in 1..=n {
                    d = cal.add_working_days(d, 1)?;
                    steps.push(format!("第{i}个工作日：{}", day_label(d)));
                }
            }
            format!(
                "{n}个工作日：起算日当日不计入，从次日起只计工作日（不含法定节假日和周末，调休上班日计入），第{n}个工作日为期满日（行政处罚法第八十五条；期间以“日”计的，二日、三日、五日、七日的规定是指工作日）。"
            )
        }
        Span::Days(n) => {
            let raw = from + chrono::Duration::days(i64::from(n));
            if raw != result {
                steps.push(format!(
                    "{} + {n}日 = {}，为{}，顺延至{}",
                    cn_date(from),
                    day_label(raw),
                    why_rest(cal, raw)?,
                    day_label(result)
                ));
            } else {
                steps.push(format!("{} + {n}日 = {}", cn_date(from), day_label(raw)));
            }
            format!(
                "{n}日（自然日）：起算日当日不计入，从次日起连续计算；{rest_rule}（民事诉讼法第八十五条，经行政诉讼法第一百零一条适用）。"
            )
        }
        Span::Months(n) => {
            let raw = from.checked_add_months(Months::new(n)).unwrap_or(result);
            let month_end = raw.day() != from.day();
            let mut line = format!("{} + {n}个月 = {}", cn_date(from), day_label(raw));
            if month_end {
                line.push_str("（该月无对应日，以月末为期满日）");
            }
            if raw != result {
                line.push_str(&format!(
                    "，为{}，顺延至{}",
                    why_rest(cal, raw)?,
                    day_label(result)
                ));
            }
            steps.push(line);
            format!(
                "{n}个月：到期月的对应日为期满日，没有对应日的以该月最后一日为期满日；{rest_rule}（民事诉讼法第八十五条）。"
            )
        }
    };
    Ok(Answer {
        from: day_label(from),
        span: span.to_string(),
        result: day_label(result),
        provisional: cal.crosses_provisional(from, result),
        working_day: cal.is_working_day(result)?,
        rule,
        steps,
    })
}

#[derive(Deserialize)]
struct CalcQuery {
    from: Option<String>,
    span: Option<String>,
}

#[derive(Template)]
#[template(path = "office/admin/calendars.html")]
struct Page {
    layout: Layout,
    next_year: i32,
    next_loaded: bool,
    years: Vec<YearView>,
    rest_label: &'static str,
    provisional_note: &'static str,
    from: String,
    span: String,
    errors: FormErrors,
    answer: Option<Answer>,
    can_load: bool,
    form: LoadForm,
    load_errors: FormErrors,
    outcome: Option<LoadOutcome>,
}

/// The load form: a year, the notice, one line per holiday, the make-up working days.
#[derive(Deserialize, Default, Clone)]
struct LoadForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    source: String,
    /// One holiday per line: `春节 2027-02-05 2027-02-11` (name, first day, last day; a
    /// one-day holiday may give one date).
    #[serde(default)]
    holidays: String,
    /// Dates separated by spaces, commas or new lines.
    #[serde(default)]
    workdays: String,
}

fn split_items(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、' | ';' | '；'))
        .filter(|x| !x.is_empty())
}

/// Reads the form into an arrangement, or the form errors.
fn parse_form(f: &LoadForm) -> Result<(i32, Arrangement), FormErrors> {
    let mut errors = FormErrors::default();
    let year = match f.year.trim().parse::<i32>() {
        Ok(y) if fazhi_calendar::SUPPORTED_YEARS.contains(&y) => Some(y),
        _ => {
            errors.add("year", "请填写2014年至2099年之间的年份");
            None
        }
    };
    let mut holidays = Vec::new();
    for (i, line) in f.holidays.lines().enumerate() {
        let parts: Vec<&str> = split_items(line).collect();
        if parts.is_empty() {
            continue;
        }
        let dates: Vec<Option<NaiveDate>> = parts.iter().skip(1).map(|p| parse_date(p)).collect();
        match (parts.first(), dates.as_slice()) {
            (Some(name), [Some(from)]) => holidays.push(HolidayRange {
                name: (*name).to_owned(),
                from: *from,
                to: *from,
            }),
            (Some(name), [Some(from), Some(to)]) => holidays.push(HolidayRange {
                name: (*name).to_owned(),
                from: *from,
                to: *to,
            }),
            _ => {
                errors.add(
                    "holidays",
                    format!(
                        "第{}行“{}”格式不对：应写作“节日名称 起始日 结束日”，如“春节 2027-02-05 2027-02-11”",
                        i + 1,
                        line.trim()
                    ),
                );
                break;
            }
        }
    }
    if holidays.is_empty() && !errors.has("holidays") {
        errors.add("holidays", "请至少填写一个节假日的放假日期");
    }
    let mut workdays = Vec::new();
    for item in split_items(&f.workdays) {
        match parse_date(item) {
            Some(d) => workdays.push(d),
            None => {
                errors.add("workdays", format!("“{item}”不是日期（应写作 YYYY-MM-DD）"));
                break;
            }
        }
    }
    if f.source.trim().is_empty() {
        errors.add(
            "source",
            "请填写放假安排的来源（国务院办公厅通知的名称和文号）",
        );
    }
    match year {
        Some(y) if errors.is_empty() => Ok((
            y,
            Arrangement {
                source: f.source.trim().to_owned(),
                holidays,
                workdays,
            },
        )),
        _ => Err(errors),
    }
}

async fn show(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    PageQuery(q): PageQuery<CalcQuery>,
) -> PageResult {
    page(
        &state,
        &user,
        q,
        LoadForm::default(),
        FormErrors::default(),
        None,
    )
    .await
}

async fn load(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    PageForm(f): PageForm<LoadForm>,
) -> PageResult {
    check_csrf(&user, &f.csrf)?;
    user.require(crate::service::permissions::Action::LoadCalendars)?;
    let no_calc = CalcQuery {
        from: None,
        span: None,
    };
    let (year, arrangement) = match parse_form(&f) {
        Ok(x) => x,
        Err(errors) => return page(&state, &user, no_calc, f, errors, None).await,
    };
    match load_arrangement(&state, &user, year, &arrangement, "page").await {
        Ok(outcome) => {
            page(
                &state,
                &user,
                no_calc,
                LoadForm::default(),
                FormErrors::default(),
                Some(outcome),
            )
            .await
        }
        Err(e) => {
            let errors = FormErrors::from_service(e, &[])?;
            page(&state, &user, no_calc, f, errors, None).await
        }
    }
}

async fn page(
    state: &AppState,
    user: &crate::service::auth::CurrentUser,
    q: CalcQuery,
    form: LoadForm,
    load_errors: FormErrors,
    outcome: Option<LoadOutcome>,
) -> PageResult {
    let cal = state.calendar().await?;
    let cal = &cal;
    let rest = state.rules().await?.rest_days;
    let this_year = state.clock.today().year();
    let next_year = this_year + 1;
    let years = (this_year - 1..=next_year)
        .filter_map(|y| year_view(cal, y).ok())
        .collect();
    let mut errors = FormErrors::default();
    let mut result = None;
    let asked = q.from.is_some() || q.span.is_some();
    let from_text = q.from.clone().unwrap_or_default();
    let span_text = q.span.clone().unwrap_or_default();
    if asked {
        let from = parse_date(&from_text);
        if from.is_none() {
            errors.add("from", BAD_DATE);
        }
        let span = match span_text.trim().parse::<Span>() {
            Ok(s) => Some(s),
            Err(e) => {
                errors.add("span", e.to_string());
                None
            }
        };
        if let (Some(from), Some(span)) = (from, span) {
            match answer(cal, rest, from, span) {
                Ok(a) => result = Some(a),
                Err(e) => errors.form = Some(e.to_string()),
            }
        }
    }
    let refused = !(errors.is_empty() && load_errors.is_empty());
    let mut form = form;
    if form.year.is_empty() {
        form.year = next_year.to_string();
    }
    render_form(
        refused,
        &Page {
            layout: Layout::new(state, user, "工作日历", "/calendars"),
            next_year,
            next_loaded: cal.is_loaded(next_year),
            years,
            rest_label: match rest {
                RestDays::HolidaysAndWeekends => "法定节假日和周末均顺延（holidays_and_weekends）",
                RestDays::HolidaysOnly => "仅法定节假日顺延（holidays_only）",
            },
            provisional_note: PROVISIONAL_NOTE,
            from: from_text,
            span: span_text,
            errors,
            answer: result,
            can_load: user.may(crate::service::permissions::Action::LoadCalendars),
            form,
            load_errors,
            outcome,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap_or_default()
    }

    #[test]
    fn national_day_examples_of_the_day_counting_doc() {
        let cal = Calendar::china();
        let rest = RestDays::HolidaysAndWeekends;
        let a = answer(&cal, rest, d("2025-09-26"), Span::WorkingDays(5));
        let a = a.map_err(|e| e.to_string());
        assert_eq!(
            a.as_ref().map(|a| a.result.as_str()),
            Ok("2025年10月10日（星期五）")
        );
        assert_eq!(a.as_ref().map(|a| a.steps.len()), Ok(5));
        let a = answer(&cal, rest, d("2025-09-16"), Span::Days(15)).map_err(|e| e.to_string());
        assert_eq!(
            a.as_ref().map(|a| a.result.as_str()),
            Ok("2025年10月9日（星期四）")
        );
        assert!(a.is_ok_and(|a| a.steps[0].contains("国庆节")));
        let a = answer(&cal, rest, d("2025-01-31"), Span::Months(1)).map_err(|e| e.to_string());
        assert!(a.is_ok_and(|a| a.steps[0].contains("月末")));
    }
}
