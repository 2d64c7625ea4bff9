//! The provisional calendar: the statutory holidays of any supported year computed from
//! 《全国年节及纪念日放假办法》, used for a year whose State Council notice is not loaded.
//!
//! - From 2025 (the 2024 revision, 国务院令第795号, in force 2025-01-01): 元旦 1 day (1 January);
//!   春节 4 days (农历除夕、正月初一至初三); 清明节 1 day (the day of the 清明 solar term);
//!   劳动节 2 days (1–2 May); 端午节 1 day (农历五月初五); 中秋节 1 day (农历八月十五);
//!   国庆节 3 days (1–3 October).
//! - 2014–2024 (the 2013 revision, 国务院令第644号, in force 2014-01-01): the same, except
//!   春节 3 days (正月初一至初三) and 劳动节 1 day (1 May).
//!
//! Saturdays and Sundays are rest days; a provisional year has no make-up working days (调休) —
//! those are set only by the annual notice. When 中秋 falls on 1–3 October, the day after 国庆
//! (4 October) is its rest day, so that the year keeps all its statutory days (as the 2020
//! notice did). Lunar dates and the solar term come from the `tyme4rs` crate (6tail's tyme,
//! astronomical algorithms); `tests/notices.rs` checks them against the published notices of
//! 2020–2026.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;
use std::sync::OnceLock;

use chrono::NaiveDate;
use tyme4rs::tyme::lunar::LunarDay;
use tyme4rs::tyme::solar::SolarTerm;

use crate::data::{HolidayBlock, YearData};
use crate::error::CalendarError;

/// The years the calendar can answer for: from the 2013 revision of the holiday rules (in force
/// 2014-01-01) to the end of the century. Any date outside is [`CalendarError::OutOfRange`].
pub const SUPPORTED_YEARS: RangeInclusive<i32> = 2014..=2099;

/// First year of the 2024 revision (春节 4 days, 劳动节 2 days).
const REVISION_2024: i32 = 2025;

/// One statutory holiday day (法定节假日) of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatutoryDay {
    /// The day.
    pub date: NaiveDate,
    /// Holiday key as in the data files (`spring_festival`, …).
    pub key: &'static str,
    /// Chinese name (`春节`, …).
    pub name_zh: &'static str,
}

/// The legal basis of the statutory holidays of `year`, in Chinese.
pub fn statutory_basis(year: i32) -> &'static str {
    if year >= REVISION_2024 {
        "《全国年节及纪念日放假办法》（2024年11月10日修订，2025年1月1日起施行）第二条"
    } else {
        "《全国年节及纪念日放假办法》（2013年12月11日修订，2014年1月1日起施行）第二条"
    }
}

fn ymd(year: i32, month: u32, day: u32) -> Result<NaiveDate, CalendarError> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or(CalendarError::OutOfRange(year))
}

fn from_tyme(year: i32, y: isize, m: usize, d: usize) -> Result<NaiveDate, CalendarError> {
    let (Ok(y), Ok(m), Ok(d)) = (i32::try_from(y), u32::try_from(m), u32::try_from(d)) else {
        return Err(CalendarError::OutOfRange(year));
    };
    ymd(y, m, d)
}

/// 正月初一 of the lunar year that begins in `year`.
fn lunar_new_year(year: i32) -> Result<NaiveDate, CalendarError> {
    lunar(year, 1, 1)
}

/// The Gregorian date of lunar `month`/`day` of the lunar year beginning in `year`.
fn lunar(year: i32, month: isize, day: usize) -> Result<NaiveDate, CalendarError> {
    let s = LunarDay::from_ymd(year as isize, month, day).get_solar_day();
    from_tyme(year, s.get_year(), s.get_month(), s.get_day())
}

/// The day of the 清明 solar term in `year`.
fn qingming(year: i32) -> Result<NaiveDate, CalendarError> {
    let s = SolarTerm::from_name(year as isize, "清明").get_solar_day();
    from_tyme(year, s.get_year(), s.get_month(), s.get_day())
}

/// The statutory holiday days of `year` (not the weekends, not the notice's 调休), by date.
pub fn statutory_days(year: i32) -> Result<Vec<StatutoryDay>, CalendarError> {
    if !SUPPORTED_YEARS.contains(&year) {
        return Err(CalendarError::OutOfRange(year));
    }
    let day = |date, key, name_zh| StatutoryDay { date, key, name_zh };
    let mut out = vec![day(ymd(year, 1, 1)?, "new_year", "元旦")];
    let new_year = lunar_new_year(year)?;
    let first = if year >= REVISION_2024 {
        new_year.pred_opt().ok_or(CalendarError::OutOfRange(year))?
    } else {
        new_year
    };
    let mut d = first;
    for _ in 0..if year >= REVISION_2024 { 4 } else { 3 } {
        out.push(day(d, "spring_festival", "春节"));
        d = d.succ_opt().ok_or(CalendarError::OutOfRange(year))?;
    }
    out.push(day(qingming(year)?, "qingming", "清明节"));
    out.push(day(ymd(year, 5, 1)?, "labour_day", "劳动节"));
    if year >= REVISION_2024 {
        out.push(day(ymd(year, 5, 2)?, "labour_day", "劳动节"));
    }
    out.push(day(lunar(year, 5, 5)?, "dragon_boat", "端午节"));
    let national: Vec<NaiveDate> = (1..=3)
        .map(|d| ymd(year, 10, d))
        .collect::<Result<_, _>>()?;
    let mut mid_autumn = lunar(year, 8, 15)?;
    if national.contains(&mid_autumn) {
        mid_autumn = ymd(year, 10, 4)?;
    }
    out.push(day(mid_autumn, "mid_autumn", "中秋节"));
    for d in national {
        out.push(day(d, "national_day", "国庆节"));
    }
    out.sort_by_key(|s| s.date);
    Ok(out)
}

/// The provisional arrangement of `year` (see [`compute_year`]), computed once per process for
/// all supported years: every calendar built (one per load of a year) reuses it.
pub(crate) fn provisional_year(year: i32) -> Result<YearData, CalendarError> {
    static ALL: OnceLock<Result<BTreeMap<i32, YearData>, CalendarError>> = OnceLock::new();
    let all = ALL.get_or_init(|| SUPPORTED_YEARS.map(|y| Ok((y, compute_year(y)?))).collect());
    match all {
        Ok(years) => years
            .get(&year)
            .cloned()
            .ok_or(CalendarError::OutOfRange(year)),
        Err(e) => Err(e.clone()),
    }
}

/// The provisional arrangement of `year`: one block per holiday (its statutory days, consecutive
/// days of one holiday merged; 中秋 next to 国庆 joins it), no make-up working days.
fn compute_year(year: i32) -> Result<YearData, CalendarError> {
    let mut blocks: Vec<HolidayBlock> = Vec::new();
    for s in statutory_days(year)? {
        if let Some(last) = blocks.last_mut()
            && last.days.last().and_then(|d| d.succ_opt()) == Some(s.date)
            && (last.key == s.key || (s.key == "mid_autumn" && last.key == "national_day"))
        {
            if last.key != s.key {
                "national_day_mid_autumn".clone_into(&mut last.key);
                "国庆节、中秋节".clone_into(&mut last.name_zh);
            }
            last.days.push(s.date);
            continue;
        }
        blocks.push(HolidayBlock {
            key: s.key.to_owned(),
            name_zh: s.name_zh.to_owned(),
            days: vec![s.date],
        });
    }
    Ok(YearData {
        source: format!(
            "暂定：按{}计算（国务院办公厅{}年放假安排尚未载入，不含调休）",
            statutory_basis(year),
            year
        ),
        workdays: Vec::new(),
        blocks,
    })
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use super::*;
    use chrono::Datelike;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn of(year: i32, key: &str) -> Vec<NaiveDate> {
        statutory_days(year)
            .unwrap()
            .into_iter()
            .filter(|s| s.key == key)
            .map(|s| s.date)
            .collect()
    }

    #[test]
    fn year_2027_by_the_2024_revision() {
        // 2027: 正月初一 is 6 February, 清明 5 April, 端午 9 June, 中秋 15 September.
        assert_eq!(
            of(2027, "spring_festival"),
            vec![d(2027, 2, 5), d(2027, 2, 6), d(2027, 2, 7), d(2027, 2, 8)]
        );
        assert_eq!(of(2027, "qingming"), vec![d(2027, 4, 5)]);
        assert_eq!(of(2027, "labour_day"), vec![d(2027, 5, 1), d(2027, 5, 2)]);
        assert_eq!(of(2027, "dragon_boat"), vec![d(2027, 6, 9)]);
        assert_eq!(of(2027, "mid_autumn"), vec![d(2027, 9, 15)]);
        assert_eq!(statutory_days(2027).unwrap().len(), 13);
    }

    #[test]
    fn years_before_2025_use_the_2013_revision() {
        // 2024: 正月初一 10 February; 除夕 is not a statutory day, 劳动节 is one day.
        assert_eq!(
            of(2024, "spring_festival"),
            vec![d(2024, 2, 10), d(2024, 2, 11), d(2024, 2, 12)]
        );
        assert_eq!(of(2024, "labour_day"), vec![d(2024, 5, 1)]);
        assert_eq!(statutory_days(2024).unwrap().len(), 11);
    }

    #[test]
    fn mid_autumn_on_national_day_moves_to_4_october() {
        // 2020: 中秋 was 1 October.
        assert_eq!(of(2020, "mid_autumn"), vec![d(2020, 10, 4)]);
        let y = provisional_year(2020).unwrap();
        let last = y.blocks.last().unwrap();
        assert_eq!(last.key, "national_day_mid_autumn");
        assert_eq!(last.days.len(), 4);
    }

    #[test]
    fn outside_the_supported_years_is_an_error() {
        assert_eq!(statutory_days(2013), Err(CalendarError::OutOfRange(2013)));
        assert_eq!(statutory_days(2100), Err(CalendarError::OutOfRange(2100)));
    }

    #[test]
    fn every_supported_year_has_its_statutory_days() {
        for year in SUPPORTED_YEARS {
            let days = statutory_days(year).unwrap();
            assert_eq!(days.len(), if year >= 2025 { 13 } else { 11 }, "{year}");
            assert!(days.iter().all(|s| s.date.year() == year), "{year}");
            assert!(days.windows(2).all(|w| w[0].date < w[1].date), "{year}");
        }
    }
}
