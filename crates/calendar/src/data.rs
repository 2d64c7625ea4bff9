//! Holiday data files: parsing and validation of the TOML format of `data/calendar/cn.toml`.
//!
//! A file has one table per year (`[2025]`, with `source`, optional `statutory_days`,
//! `workdays` and a `[2025.off]` table of holiday blocks) and an optional top-level `[names]`
//! table giving Chinese display names for holiday keys that are not built in. Everything that
//! could make a computation silently wrong is rejected as [`CalendarError::Invalid`], and so is
//! an arrangement in which a statutory holiday day of 《全国年节及纪念日放假办法》 is a working
//! day (see [`crate::provisional`]).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Deserialize;

use crate::error::CalendarError;
use crate::provisional::{SUPPORTED_YEARS, statutory_basis, statutory_days};

/// Chinese display names of the holiday keys used by the national notices.
const BUILT_IN_NAMES: &[(&str, &str)] = &[
    ("new_year", "元旦"),
    ("spring_festival", "春节"),
    ("qingming", "清明节"),
    ("labour_day", "劳动节"),
    ("dragon_boat", "端午节"),
    ("mid_autumn", "中秋节"),
    ("national_day", "国庆节"),
    ("national_day_mid_autumn", "国庆节、中秋节"),
];

/// One holiday block of one year: consecutive days off, weekends inside the block included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayBlock {
    /// Key in the data file, e.g. `spring_festival`.
    pub key: String,
    /// Chinese display name, e.g. `春节`.
    pub name_zh: String,
    /// The days off, ascending and consecutive.
    pub days: Vec<NaiveDate>,
}

/// The validated arrangement of one year.
#[derive(Debug, Clone)]
pub(crate) struct YearData {
    pub(crate) source: String,
    /// Make-up working days, ascending.
    pub(crate) workdays: Vec<NaiveDate>,
    /// Holiday blocks, ascending by first day.
    pub(crate) blocks: Vec<HolidayBlock>,
}

/// The validated content of one or more data files.
#[derive(Debug, Clone)]
pub(crate) struct CalendarData {
    pub(crate) years: BTreeMap<i32, YearData>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    source: String,
    #[serde(default)]
    statutory_days: Option<u32>,
    #[serde(default)]
    workdays: Vec<String>,
    off: BTreeMap<String, Vec<String>>,
}

fn invalid(msg: impl Into<String>) -> CalendarError {
    CalendarError::Invalid(msg.into())
}

fn weekday_zh(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "周一",
        Weekday::Tue => "周二",
        Weekday::Wed => "周三",
        Weekday::Thu => "周四",
        Weekday::Fri => "周五",
        Weekday::Sat => "周六",
        Weekday::Sun => "周日",
    }
}

pub(crate) fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Converts a date of the file. TOML dates (`2025-01-01`) reach us as their text, so quoted
/// strings are accepted too; a time or offset is refused.
fn to_date(text: &str, year: i32, what: &str) -> Result<NaiveDate, CalendarError> {
    let d = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        invalid(format!(
            "{what} 中的 {text} 不是日期（应写作 YYYY-MM-DD，不带时间和时区）"
        ))
    })?;
    if d.year() != year {
        return Err(invalid(format!("{what} 中的 {d} 不在{year}年内")));
    }
    Ok(d)
}

fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

impl CalendarData {
    /// Parses and validates one data file.
    pub(crate) fn parse(s: &str) -> Result<CalendarData, CalendarError> {
        let table: toml::Table =
            toml::from_str(s).map_err(|e| invalid(format!("TOML 格式错误：{e}")))?;
        let mut names: BTreeMap<String, String> = BUILT_IN_NAMES
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let mut raw_years = Vec::new();
        for (key, value) in table {
            if key == "names" {
                let extra: BTreeMap<String, String> = value
                    .try_into()
                    .map_err(|e| invalid(format!("[names] 格式错误：{e}")))?;
                for (k, v) in extra {
                    if !valid_key(&k) {
                        return Err(invalid(format!(
                            "节假日名称 {k} 不合法（只能使用小写字母、数字和下划线）"
                        )));
                    }
                    if v.trim().is_empty() {
                        return Err(invalid(format!("[names] 中 {k} 的中文名称为空")));
                    }
                    names.insert(k, v);
                }
                continue;
            }
            let year: i32 = match key.parse::<i32>() {
                Ok(y) if y.to_string() == key => y,
                _ => {
                    return Err(invalid(format!(
                        "未知的顶层键 {key}（应为年份，如 [2025]，或 [names]）"
                    )));
                }
            };
            if !SUPPORTED_YEARS.contains(&year) {
                return Err(invalid(format!(
                    "年份 {year} 超出支持范围（{}–{}）",
                    SUPPORTED_YEARS.start(),
                    SUPPORTED_YEARS.end()
                )));
            }
            let raw: RawYear = value
                .try_into()
                .map_err(|e| invalid(format!("[{year}] 格式错误：{e}")))?;
            raw_years.push((year, raw));
        }
        let mut years = BTreeMap::new();
        for (year, raw) in raw_years {
            years.insert(year, validate_year(year, raw, &names)?);
        }
        if years.is_empty() {
            return Err(invalid("数据中没有任何年份"));
        }
        Ok(CalendarData { years })
    }

    /// Adds the years of `other`. A year present in both is an error, unless `replace` is set:
    /// then `other`'s arrangement wins. Years need not be contiguous: a gap is provisional.
    pub(crate) fn merge(
        &self,
        other: CalendarData,
        replace: bool,
    ) -> Result<CalendarData, CalendarError> {
        let mut years = self.years.clone();
        for (year, data) in other.years {
            if years.insert(year, data).is_some() && !replace {
                return Err(invalid(format!("{year}年的节假日安排重复载入")));
            }
        }
        Ok(CalendarData { years })
    }
}

impl YearData {
    /// This year as a data file (format of `data/calendar/cn.toml`).
    pub(crate) fn to_toml(&self, year: i32) -> String {
        use std::fmt::Write as _;
        let list = |days: &[NaiveDate]| {
            days.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut out = format!("[{year}]\n");
        let _ = writeln!(out, "source = {}", toml::Value::String(self.source.clone()));
        let _ = writeln!(out, "workdays = [{}]", list(&self.workdays));
        let _ = writeln!(out, "\n[{year}.off]");
        for b in &self.blocks {
            let _ = writeln!(out, "{} = [{}]", b.key, list(&b.days));
        }
        let custom: Vec<&HolidayBlock> = self
            .blocks
            .iter()
            .filter(|b| !BUILT_IN_NAMES.iter().any(|(k, _)| *k == b.key))
            .collect();
        if !custom.is_empty() {
            out.push_str("\n[names]\n");
            for b in custom {
                let _ = writeln!(
                    out,
                    "{} = {}",
                    b.key,
                    toml::Value::String(b.name_zh.clone())
                );
            }
        }
        out
    }
}

fn validate_year(
    year: i32,
    raw: RawYear,
    names: &BTreeMap<String, String>,
) -> Result<YearData, CalendarError> {
    if raw.source.trim().is_empty() {
        return Err(invalid(format!("{year}年的 source（通知来源）为空")));
    }
    let mut off_days: BTreeSet<NaiveDate> = BTreeSet::new();
    let mut blocks = Vec::with_capacity(raw.off.len());
    for (key, raw_days) in raw.off {
        if !valid_key(&key) {
            return Err(invalid(format!(
                "节假日名称 {key} 不合法（只能使用小写字母、数字和下划线）"
            )));
        }
        let name_zh = names.get(&key).cloned().ok_or_else(|| {
            invalid(format!(
                "节假日 {key} 没有中文名称，请在顶层 [names] 表中补充"
            ))
        })?;
        if raw_days.is_empty() {
            return Err(invalid(format!("{year}年 {key} 没有列出放假日")));
        }
        let what = format!("[{year}.off] {key}");
        let mut days = raw_days
            .iter()
            .map(|dt| to_date(dt, year, &what))
            .collect::<Result<Vec<_>, _>>()?;
        days.sort_unstable();
        for &d in &days {
            if !off_days.insert(d) {
                return Err(invalid(format!("放假日 {d} 重复列出")));
            }
        }
        for pair in days.windows(2) {
            if let [a, b] = pair
                && a.succ_opt() != Some(*b)
            {
                return Err(invalid(format!(
                    "{year}年 {key} 的放假日不连续（{a} 与 {b} 之间有缺口）"
                )));
            }
        }
        blocks.push(HolidayBlock { key, name_zh, days });
    }
    blocks.sort_by_key(|b| b.days.first().copied());

    let what = format!("[{year}] workdays");
    let mut workdays = raw
        .workdays
        .iter()
        .map(|dt| to_date(dt, year, &what))
        .collect::<Result<Vec<_>, _>>()?;
    workdays.sort_unstable();
    for pair in workdays.windows(2) {
        if let [a, b] = pair
            && a == b
        {
            return Err(invalid(format!("调休上班日 {a} 重复列出")));
        }
    }
    for &d in &workdays {
        if off_days.contains(&d) {
            return Err(invalid(format!("{d} 同时列为放假日和调休上班日")));
        }
        if !is_weekend(d) {
            return Err(invalid(format!(
                "调休上班日 {d} 是{}，调休上班日只能是周六或周日",
                weekday_zh(d.weekday())
            )));
        }
    }

    // Every statutory holiday day must be a rest day of the arrangement: off, or a weekend day
    // that is not a make-up working day.
    for s in statutory_days(year)? {
        let rest = off_days.contains(&s.date)
            || (is_weekend(s.date) && workdays.binary_search(&s.date).is_err());
        if !rest {
            return Err(invalid(format!(
                "{}（{}，{}）是{}规定的法定节假日，但安排中这一天不休息",
                s.date,
                s.name_zh,
                weekday_zh(s.date.weekday()),
                statutory_basis(year)
            )));
        }
    }

    if let Some(expected) = raw.statutory_days {
        let weekday_off = off_days.iter().filter(|d| !is_weekend(**d)).count();
        let swapped = workdays.len();
        if weekday_off != swapped + expected as usize {
            return Err(invalid(format!(
                "{year}年：周一至周五放假{weekday_off}天减去调休上班{swapped}天，与 statutory_days = {expected} 不符"
            )));
        }
    }

    Ok(YearData {
        source: raw.source,
        workdays,
        blocks,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const MINI: &str = r#"
[2025]
source = "test"
workdays = [2025-01-26]
[2025.off]
new_year = [2025-01-01]
spring_festival = [2025-01-28, 2025-01-29, 2025-01-30, 2025-01-31]
qingming = [2025-04-04]
labour_day = [2025-05-01, 2025-05-02]
dragon_boat = [2025-05-31]
national_day_mid_autumn = [2025-10-01, 2025-10-02, 2025-10-03, 2025-10-04, 2025-10-05, 2025-10-06]
"#;

    fn err_of(s: &str) -> String {
        match CalendarData::parse(s) {
            Ok(_) => String::from("<ok>"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn parses_minimal_file() {
        let data = CalendarData::parse(MINI).unwrap();
        assert_eq!(data.years.len(), 1);
        let y = &data.years[&2025];
        assert_eq!(y.blocks[0].name_zh, "元旦");
        assert_eq!(
            y.workdays,
            vec![NaiveDate::from_ymd_opt(2025, 1, 26).unwrap()]
        );
    }

    #[test]
    fn rejects_overlap_of_off_and_workday() {
        let s = MINI.replace(
            "new_year = [2025-01-01]",
            "new_year = [2025-01-01]\nx = [2025-01-26]",
        ) + "[names]\nx = \"某节\"\n";
        assert!(
            err_of(&s).contains("同时列为放假日和调休上班日"),
            "{}",
            err_of(&s)
        );
    }

    #[test]
    fn rejects_workday_on_weekday() {
        let s = MINI.replace("2025-01-26]", "2025-01-27]");
        assert!(
            err_of(&s).contains("调休上班日 2025-01-27 是周一"),
            "{}",
            err_of(&s)
        );
    }

    #[test]
    fn rejects_off_day_outside_its_year() {
        let s = MINI.replace("new_year = [2025-01-01]", "new_year = [2026-01-01]");
        assert!(err_of(&s).contains("不在2025年内"), "{}", err_of(&s));
    }

    #[test]
    fn rejects_workday_outside_its_year() {
        let s = MINI.replace("workdays = [2025-01-26]", "workdays = [2024-12-29]");
        assert!(err_of(&s).contains("不在2025年内"), "{}", err_of(&s));
    }

    #[test]
    fn rejects_a_statutory_day_that_is_worked() {
        let s = MINI.replace("dragon_boat = [2025-05-31]\n", "");
        // 2025-05-31 is a Saturday: still a rest day without the block.
        assert_eq!(err_of(&s), "<ok>");
        let s = MINI.replace("qingming = [2025-04-04]\n", "");
        assert!(
            err_of(&s).contains("2025-04-04（清明节，周五）"),
            "{}",
            err_of(&s)
        );
        assert!(err_of(&s).contains("2024年11月10日修订"), "{}", err_of(&s));
    }

    #[test]
    fn rejects_non_contiguous_block() {
        let s = MINI.replace(
            "new_year = [2025-01-01]",
            "new_year = [2025-01-01, 2025-01-03]",
        );
        assert!(err_of(&s).contains("不连续"), "{}", err_of(&s));
    }

    #[test]
    fn rejects_duplicate_off_day_across_blocks() {
        let s = MINI.replace(
            "new_year = [2025-01-01]",
            "new_year = [2025-01-01]\nextra_day = [2025-01-01]",
        ) + "[names]\nextra_day = \"某节\"\n";
        assert!(err_of(&s).contains("重复列出"), "{}", err_of(&s));
    }

    #[test]
    fn rejects_unknown_key_without_name() {
        let s = MINI.replace("new_year", "founding_day");
        assert!(
            err_of(&s).contains("founding_day 没有中文名称"),
            "{}",
            err_of(&s)
        );
        let named = format!("{s}\n[names]\nfounding_day = \"建区纪念日\"\n");
        assert_eq!(err_of(&named), "<ok>");
    }

    #[test]
    fn rejects_datetime_and_unknown_fields() {
        let s = MINI.replace("2025-01-01]", "2025-01-01T08:00:00]");
        assert!(err_of(&s).contains("不是日期"), "{}", err_of(&s));
        let s = MINI.replace("source = \"test\"", "source = \"test\"\nfoo = 1");
        assert!(err_of(&s).contains("格式错误"), "{}", err_of(&s));
        let s = format!("{MINI}\n[other]\nx = 1\n");
        assert!(err_of(&s).contains("未知的顶层键 other"), "{}", err_of(&s));
    }

    #[test]
    fn rejects_missing_source_and_empty_file() {
        let s = MINI.replace("source = \"test\"", "");
        assert!(err_of(&s).contains("source"), "{}", err_of(&s));
        assert!(err_of("").contains("没有任何年份"));
        assert!(err_of("[2025").contains("TOML 格式错误"));
    }

    #[test]
    fn checks_statutory_days() {
        // 12 weekdays off, one make-up day: 12 − 1 = 11 statutory days.
        let ok = MINI.replace(
            "source = \"test\"",
            "source = \"test\"\nstatutory_days = 11",
        );
        assert_eq!(err_of(&ok), "<ok>");
        let bad = MINI.replace(
            "source = \"test\"",
            "source = \"test\"\nstatutory_days = 12",
        );
        assert!(
            err_of(&bad).contains("statutory_days = 12 不符"),
            "{}",
            err_of(&bad)
        );
    }
}
