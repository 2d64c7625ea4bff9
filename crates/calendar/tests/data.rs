//! Tests of the embedded holiday data (`data/calendar/cn.toml`) against legal-rules.md section P
//! and the 13 statutory days of 全国年节及纪念日放假办法 (rev. 2024-11-10).

#![allow(clippy::unwrap_used)] // Tests may unwrap; the workspace lint is for library code.

use chrono::{Datelike, NaiveDate, Weekday};
use fazhi_calendar::Calendar;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn is_weekend(x: NaiveDate) -> bool {
    matches!(x.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Statutory days per holiday under the 2024 revision.
fn statutory_days(key: &str) -> usize {
    match key {
        "new_year" | "qingming" | "dragon_boat" | "mid_autumn" => 1,
        "labour_day" => 2,
        "national_day" => 3,
        "spring_festival" | "national_day_mid_autumn" => 4,
        other => panic!("unexpected holiday key {other}"),
    }
}

/// The table of legal-rules.md section P, copied independently of the data file.
fn spec_table(year: i32) -> (Vec<(&'static str, Vec<&'static str>)>, Vec<&'static str>) {
    match year {
        2025 => (
            vec![
                ("new_year", vec!["2025-01-01"]),
                (
                    "spring_festival",
                    vec![
                        "2025-01-28",
                        "2025-01-29",
                        "2025-01-30",
                        "2025-01-31",
                        "2025-02-01",
                        "2025-02-02",
                        "2025-02-03",
                        "2025-02-04",
                    ],
                ),
                ("qingming", vec!["2025-04-04", "2025-04-05", "2025-04-06"]),
                (
                    "labour_day",
                    vec![
                        "2025-05-01",
                        "2025-05-02",
                        "2025-05-03",
                        "2025-05-04",
                        "2025-05-05",
                    ],
                ),
                (
                    "dragon_boat",
                    vec!["2025-05-31", "2025-06-01", "2025-06-02"],
                ),
                (
                    "national_day_mid_autumn",
                    vec![
                        "2025-10-01",
                        "2025-10-02",
                        "2025-10-03",
                        "2025-10-04",
                        "2025-10-05",
                        "2025-10-06",
                        "2025-10-07",
                        "2025-10-08",
                    ],
                ),
            ],
            vec![
                "2025-01-26",
                "2025-02-08",
                "2025-04-27",
                "2025-09-28",
                "2025-10-11",
            ],
        ),
        2026 => (
            vec![
                ("new_year", vec!["2026-01-01", "2026-01-02", "2026-01-03"]),
                (
                    "spring_festival",
                    vec![
                        "2026-02-15",
                        "2026-02-16",
                        "2026-02-17",
                        "2026-02-18",
                        "2026-02-19",
                        "2026-02-20",
                        "2026-02-21",
                        "2026-02-22",
                        "2026-02-23",
                    ],
                ),
                ("qingming", vec!["2026-04-04", "2026-04-05", "2026-04-06"]),
                (
                    "labour_day",
                    vec![
                        "2026-05-01",
                        "2026-05-02",
                        "2026-05-03",
                        "2026-05-04",
                        "2026-05-05",
                    ],
                ),
                (
                    "dragon_boat",
                    vec!["2026-06-19", "2026-06-20", "2026-06-21"],
                ),
                ("mid_autumn", vec!["2026-09-25", "2026-09-26", "2026-09-27"]),
                (
                    "national_day",
                    vec![
                        "2026-10-01",
                        "2026-10-02",
                        "2026-10-03",
                        "2026-10-04",
                        "2026-10-05",
                        "2026-10-06",
                        "2026-10-07",
                    ],
                ),
            ],
            vec![
                "2026-01-04",
                "2026-02-14",
                "2026-02-28",
                "2026-05-09",
                "2026-09-20",
                "2026-10-10",
            ],
        ),
        _ => panic!("no table for {year}"),
    }
}

#[test]
fn data_file_in_repo_parses_and_matches_china() {
    let text = include_str!("../../../data/calendar/cn.toml");
    let cal = Calendar::from_toml_str(text).unwrap();
    assert!(cal.loaded_years().eq(Calendar::china().loaded_years()));
}

#[test]
fn data_matches_section_p_table() {
    let cal = Calendar::china();
    for year in [2025, 2026] {
        let (blocks, workdays) = spec_table(year);
        let got: Vec<(String, Vec<NaiveDate>)> = cal
            .holiday_blocks(year)
            .unwrap()
            .iter()
            .map(|b| (b.key.clone(), b.days.clone()))
            .collect();
        let want: Vec<(String, Vec<NaiveDate>)> = blocks
            .iter()
            .map(|(k, ds)| ((*k).to_owned(), ds.iter().map(|s| d(s)).collect()))
            .collect();
        assert_eq!(got, want, "{year}");
        let want_wd: Vec<NaiveDate> = workdays.iter().map(|s| d(s)).collect();
        assert_eq!(
            cal.make_up_workdays(year).unwrap(),
            want_wd.as_slice(),
            "{year}"
        );
    }
}

#[test]
fn off_days_falling_on_weekdays() {
    let cal = Calendar::china();
    let count = |year| {
        cal.holiday_blocks(year)
            .unwrap()
            .iter()
            .flat_map(|b| b.days.iter())
            .filter(|x| !is_weekend(**x))
            .count()
    };
    assert_eq!(count(2025), 18);
    assert_eq!(count(2026), 19);
}

#[test]
fn make_up_workdays_are_weekends_and_working() {
    let cal = Calendar::china();
    for year in [2025, 2026] {
        for &x in cal.make_up_workdays(year).unwrap() {
            assert!(is_weekend(x), "{x} is not a weekend day");
            assert_eq!(cal.is_working_day(x), Ok(true));
            assert_eq!(cal.is_statutory_holiday(x), Ok(false));
        }
    }
}

#[test]
fn thirteen_statutory_days_a_year() {
    let cal = Calendar::china();
    for year in [2025, 2026] {
        let blocks = cal.holiday_blocks(year).unwrap();
        // By holiday: 元旦 1, 春节 4, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3.
        let by_law: usize = blocks.iter().map(|b| statutory_days(&b.key)).sum();
        assert_eq!(by_law, 13, "{year}");
        // By arrangement: weekdays off minus the weekend days worked in exchange.
        let weekday_off = blocks
            .iter()
            .flat_map(|b| b.days.iter())
            .filter(|x| !is_weekend(**x))
            .count();
        let swapped = cal.make_up_workdays(year).unwrap().len();
        assert_eq!(weekday_off - swapped, 13, "{year}");
    }
}

#[test]
fn blocks_are_consecutive_and_every_day_is_a_holiday() {
    let cal = Calendar::china();
    for year in [2025, 2026] {
        for b in cal.holiday_blocks(year).unwrap() {
            for pair in b.days.windows(2) {
                assert_eq!(pair[0].succ_opt(), Some(pair[1]), "{}", b.key);
            }
            for &x in &b.days {
                assert_eq!(cal.is_statutory_holiday(x), Ok(true));
                assert_eq!(cal.is_working_day(x), Ok(false));
                assert_eq!(cal.holiday_name(x), Ok(Some(b.key.as_str())));
                assert_eq!(cal.holiday_display_name(x), Ok(Some(b.name_zh.as_str())));
            }
        }
        assert!(!cal.source(year).unwrap().is_empty());
    }
}

#[test]
fn working_days_per_year() {
    // 2025 and 2026 both have 261 weekdays; 261 − 18 + 5 = 248 and 261 − 19 + 6 = 248.
    let cal = Calendar::china();
    for year in [2025, 2026] {
        let mut x = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
        let mut n = 0;
        while x.year() == year {
            if cal.is_working_day(x).unwrap() {
                n += 1;
            }
            x = x.succ_opt().unwrap();
        }
        assert_eq!(n, 248, "{year}");
    }
}
