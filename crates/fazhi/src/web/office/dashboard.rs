//! 统计: the year's figures as the annual report counts them (cases by procedure, violation
//! and squad; decisions, fines, hearings, legal reviews; complaints received, answered, on
//! time, satisfaction, the 721 split), with CSS bar charts, a drill-down page listing the
//! records behind every number, and the whole as an XLSX workbook. The figures come from
//! `service::statistics::year`, which checks the role (admin, leader, legal) and the scope.

use crate::service::AppState;
use crate::service::ServiceError;
use crate::service::statistics::{self, Figure, RecordKind, Unit, YearStats};
use crate::web::page::PageQuery;
use crate::web::page::{
    Layout, OfficeUser, PageError, PageResult, cn_date_str, render, urlencode, yuan,
};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use chrono::Datelike;
use rust_xlsxwriter::{ExcelDateTime, Format, Url, Workbook, Worksheet, XlsxError};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/dashboard", get(dashboard))
        .route("/dashboard/records", get(records))
        .route("/dashboard/export.xlsx", get(export))
}

#[derive(Deserialize)]
struct DashQuery {
    year: Option<String>,
    figure: Option<String>,
}

/// The year asked for, else the current year of the injected clock.
fn year_of(state: &AppState, q: &DashQuery) -> Result<i32, PageError> {
    match q.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        None => Ok(state.clock.today().year()),
        Some(y) => y.parse::<i32>().map_err(|_| {
            PageError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "输入有误",
                "年份不正确，请填写四位数字的年份（如2025）。",
            )
        }),
    }
}

/// The figure's value as shown: 12 / 6,000.00元 / 66.67%（2/3）.
fn value_text(f: &Figure) -> String {
    match f.unit {
        Unit::Count => f.value.to_string(),
        Unit::Fen => yuan(f.value),
        Unit::Rate => match f.rate {
            Some(r) => format!("{:.2}%", r * 100.0),
            None => "—".to_string(),
        },
    }
}

fn records_href(key: &str, year: i32) -> String {
    format!("/dashboard/records?figure={}&year={year}", urlencode(key))
}

/// One row of a figure table or bar chart.
pub struct FigureRow {
    pub key: String,
    pub label: String,
    pub value: String,
    /// For rates: 2/3.
    pub fraction: String,
    pub href: String,
    /// Share of the section's total (charts only): 25%.
    pub share: String,
    /// Bar length in percent of the section's largest value (at least 1, so a bar shows),
    /// drawn as an SVG rectangle: no inline style, which the CSP forbids.
    pub bar: i64,
}

pub struct SectionView {
    pub id: String,
    pub title: String,
    pub chart: bool,
    pub empty: bool,
    pub rows: Vec<FigureRow>,
}

/// A headline number at the top.
pub struct Headline {
    pub label: String,
    pub value: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "office/dashboard.html")]
struct DashboardPage {
    layout: Layout,
    year: i32,
    years: Vec<i32>,
    prev_year: i32,
    next_year: i32,
    headlines: Vec<Headline>,
    sections: Vec<SectionView>,
    complaints_included: bool,
    export_href: String,
}

fn section_views(stats: &YearStats) -> Vec<SectionView> {
    stats
        .sections
        .iter()
        .map(|s| {
            let max = s.figures.iter().map(|f| f.value).max().unwrap_or(0);
            let total: i64 = s.figures.iter().map(|f| f.value).sum();
            SectionView {
                id: format!("section-{}", s.key),
                title: s.title.to_string(),
                chart: s.chart,
                empty: s.figures.is_empty(),
                rows: s
                    .figures
                    .iter()
                    .map(|f| {
                        let bar = if max > 0 { f.value * 100 / max } else { 0 };
                        FigureRow {
                            key: f.key.clone(),
                            label: f.label.clone(),
                            value: value_text(f),
                            fraction: match (f.unit, f.whole) {
                                (Unit::Rate, Some(w)) => format!("{}/{w}", f.value),
                                _ => String::new(),
                            },
                            href: records_href(&f.key, stats.year),
                            share: if total > 0 {
                                format!("{:.1}%", f.value as f64 * 100.0 / total as f64)
                            } else {
                                String::new()
                            },
                            bar: bar.max(1),
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

fn headlines(stats: &YearStats) -> Vec<Headline> {
    [
        "cases.registered",
        "decisions.penalty",
        "fines.decided",
        "reviews.total",
        "complaints.received",
        "complaints.on_time_rate",
        "complaints.satisfaction_rate",
    ]
    .iter()
    .filter_map(|k| stats.figure(k))
    .map(|f| Headline {
        label: f.label.split('（').next().unwrap_or(&f.label).to_string(),
        value: value_text(f),
        href: records_href(&f.key, stats.year),
    })
    .collect()
}

async fn dashboard(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    PageQuery(q): PageQuery<DashQuery>,
) -> PageResult {
    let year = year_of(&state, &q)?;
    let stats = statistics::year(&state, &user, year).await?;
    let this_year = state.clock.today().year();
    let mut years: Vec<i32> = (this_year - 5..=this_year).rev().collect();
    if !years.contains(&year) {
        years.push(year);
        years.sort_unstable_by(|a, b| b.cmp(a));
    }
    Ok(render(&DashboardPage {
        layout: Layout::new(&state, &user, &format!("{year}年统计"), "/dashboard"),
        year,
        years,
        prev_year: year - 1,
        next_year: year + 1,
        headlines: headlines(&stats),
        sections: section_views(&stats),
        complaints_included: stats.complaints_included,
        export_href: format!("/dashboard/export.xlsx?year={year}"),
    }))
}

/// One line of the drill-down list.
pub struct RecordRow {
    pub href: String,
    pub number: String,
    pub subject: String,
    pub date: String,
    pub detail: String,
    pub amount: String,
}

#[derive(Template)]
#[template(path = "office/dashboard_records.html")]
struct RecordsPage {
    layout: Layout,
    year: i32,
    section: String,
    label: String,
    value: String,
    fraction: String,
    is_case: bool,
    has_amounts: bool,
    rows: Vec<RecordRow>,
    back_href: String,
    export_href: String,
}

async fn records(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    PageQuery(q): PageQuery<DashQuery>,
) -> PageResult {
    let year = year_of(&state, &q)?;
    let stats = statistics::year(&state, &user, year).await?;
    let key = q.figure.as_deref().unwrap_or_default();
    let (Some(figure), Some(section)) = (stats.figure(key), stats.section_of(key)) else {
        return Err(PageError::new(
            StatusCode::NOT_FOUND,
            "统计项不存在",
            "没有这个统计项，或您的账号无权查看。请从统计页面进入。",
        ));
    };
    let is_case = figure
        .records
        .first()
        .is_none_or(|r| r.kind == RecordKind::Case)
        && !key.starts_with("complaints.");
    let rows = figure
        .records
        .iter()
        .map(|r| RecordRow {
            href: match r.kind {
                RecordKind::Case => format!("/cases/{}", r.id),
                RecordKind::Complaint => format!("/complaints/{}", r.id),
            },
            number: r.number.clone(),
            subject: r.subject.clone(),
            date: cn_date_str(&r.date),
            detail: r.detail.clone(),
            amount: r.amount_fen.map(yuan).unwrap_or_default(),
        })
        .collect();
    Ok(render(&RecordsPage {
        layout: Layout::new(
            &state,
            &user,
            &format!("{year}年统计：{}", figure.label),
            "/dashboard",
        ),
        year,
        section: section.title.to_string(),
        label: figure.label.clone(),
        value: value_text(figure),
        fraction: match (figure.unit, figure.whole) {
            (Unit::Rate, Some(w)) => format!("{}/{w}", figure.value),
            _ => String::new(),
        },
        is_case,
        has_amounts: figure.unit == Unit::Fen,
        rows,
        back_href: format!("/dashboard?year={year}#section-{}", section.key),
        export_href: format!("/dashboard/export.xlsx?year={year}"),
    }))
}

// ---- XLSX --------------------------------------------------------------------------------

/// An Excel sheet name: at most 31 characters, none of `[]:*?/\'`.
fn sheet_name(index: usize, label: &str) -> String {
    // Excel forbids []:*?/\ in sheet names (and a leading or trailing apostrophe): their
    // full-width forms keep the label readable instead of replacing them with `_`.
    let clean: String = label
        .chars()
        .map(|c| match c {
            '[' => '［',
            ']' => '］',
            ':' => '：',
            '*' => '＊',
            '?' => '？',
            '/' => '／',
            '\\' => '＼',
            '\'' => '’',
            c => c,
        })
        .collect();
    format!("{index:02} {clean}").chars().take(31).collect()
}

/// RFC 5987 `ext-value` encoding of a file name.
fn rfc5987(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Print setup of every sheet: A4, one page wide, the header rows repeated on each page,
/// 「第 n 页 共 m 页」 in the footer.
fn print_setup(ws: &mut Worksheet, header_rows: u32, landscape: bool) -> Result<(), XlsxError> {
    ws.set_paper_size(9);
    if landscape {
        ws.set_landscape();
    }
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, header_rows - 1)?;
    ws.set_footer("&C第 &P 页 共 &N 页");
    Ok(())
}

fn workbook(stats: &YearStats) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let percent = Format::new().set_num_format("0.00%");
    let day = Format::new().set_num_format("yyyy-mm-dd");

    // Which figures get a sheet of their own, and its name.
    let mut sheets: Vec<(&Figure, String)> = Vec::new();
    for f in stats.sections.iter().flat_map(|s| &s.figures) {
        if !f.records.is_empty() {
            let name = sheet_name(sheets.len() + 1, &f.label);
            sheets.push((f, name));
        }
    }

    let summary = wb.add_worksheet();
    summary.set_name(format!("{}年统计", stats.year))?;
    for (col, h) in ["类别", "指标", "数值", "单位", "分子/分母", "明细工作表"]
        .iter()
        .enumerate()
    {
        summary.write_string_with_format(0, col as u16, *h, &bold)?;
    }
    summary.set_column_width(0, 30)?;
    summary.set_column_width(1, 36)?;
    summary.set_column_width(2, 16)?;
    summary.set_column_width(5, 30)?;
    summary.set_freeze_panes(1, 0)?;
    print_setup(summary, 1, false)?;
    let mut row = 1u32;
    for s in &stats.sections {
        for f in &s.figures {
            summary.write_string(row, 0, s.title)?;
            summary.write_string(row, 1, &f.label)?;
            match f.unit {
                Unit::Count => {
                    summary.write_number(row, 2, f.value as f64)?;
                    summary.write_string(row, 3, "件")?;
                }
                Unit::Fen => {
                    summary.write_number_with_format(row, 2, f.value as f64 / 100.0, &money)?;
                    summary.write_string(row, 3, "元")?;
                }
                Unit::Rate => {
                    if let Some(r) = f.rate {
                        summary.write_number_with_format(row, 2, r, &percent)?;
                    } else {
                        summary.write_string(row, 2, "—")?;
                    }
                    summary.write_string(row, 3, "%")?;
                    if let Some(w) = f.whole {
                        summary.write_string(row, 4, format!("{}/{w}", f.value))?;
                    }
                }
            }
            if let Some((_, name)) = sheets.iter().find(|(g, _)| g.key == f.key) {
                summary.write_url_with_text(
                    row,
                    5,
                    Url::new(format!("internal:'{name}'!A1")),
                    name.as_str(),
                )?;
            }
            row += 1;
        }
    }

    for (f, name) in &sheets {
        let ws = wb.add_worksheet();
        ws.set_name(name.as_str())?;
        let complaint = f
            .records
            .first()
            .is_some_and(|r| r.kind == RecordKind::Complaint);
        let headers: &[&str] = if complaint {
            &["诉求编号", "类别", "受理日期", "说明"]
        } else {
            &["案件编号", "当事人", "日期", "说明", "金额（元）"]
        };
        ws.write_string_with_format(
            0,
            0,
            format!("{}年 {}：{}", stats.year, f.label, value_text(f)),
            &bold,
        )?;
        for (col, h) in headers.iter().enumerate() {
            ws.write_string_with_format(1, col as u16, *h, &bold)?;
        }
        ws.set_column_width(0, 28)?;
        ws.set_column_width(1, 20)?;
        ws.set_column_width(2, 14)?;
        ws.set_column_width(3, 40)?;
        ws.set_column_width(4, 14)?;
        ws.set_freeze_panes(2, 0)?;
        print_setup(ws, 2, true)?;
        for (i, r) in f.records.iter().enumerate() {
            let row = i as u32 + 2;
            ws.write_string(row, 0, &r.number)?;
            ws.write_string(row, 1, &r.subject)?;
            // A real date cell (sortable, filterable), the text when it is not a date.
            match ExcelDateTime::parse_from_str(&r.date) {
                Ok(d) => ws.write_datetime_with_format(row, 2, &d, &day)?,
                Err(_) => ws.write_string(row, 2, &r.date)?,
            };
            ws.write_string(row, 3, &r.detail)?;
            if let Some(a) = r.amount_fen {
                ws.write_number_with_format(row, 4, a as f64 / 100.0, &money)?;
            }
        }
    }
    wb.save_to_buffer()
}

async fn export(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    PageQuery(q): PageQuery<DashQuery>,
) -> PageResult {
    let year = year_of(&state, &q)?;
    let stats = statistics::year(&state, &user, year).await?;
    // The workbook lists cases with their parties: an export of personal data.
    crate::service::audit::record_read(
        &state,
        &user.id,
        "statistics.export",
        ("statistics", &year.to_string()),
        serde_json::json!({"year": year, "format": "xlsx"}),
    )
    .await
    .map_err(crate::service::ServiceError::from)?;
    let bytes = workbook(&stats)
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("statistics workbook: {e}")))?;
    let disposition = format!(
        "attachment; filename=\"statistics-{year}.xlsx\"; filename*=UTF-8''{}",
        rfc5987(&format!("{year}年统计.xlsx"))
    );
    let disposition = HeaderValue::from_str(&disposition)
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_and_file_names_are_safe() {
        assert_eq!(sheet_name(3, "a/b:c?"), "03 a／b：c？");
        assert_eq!(sheet_name(1, &"长".repeat(40)).chars().count(), 31);
        assert_eq!(
            rfc5987("2025年统计.xlsx"),
            "2025%E5%B9%B4%E7%BB%9F%E8%AE%A1.xlsx"
        );
    }
}
