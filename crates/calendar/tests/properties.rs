//! Property tests of the calendar on the embedded China data (2025–2026): working-day
//! arithmetic against a naive day-by-day reference, round trips, roll-forward, the provisional
//! calendar of years that are not loaded and the refusal of years outside the supported range.

#![allow(clippy::unwrap_used)] // Tests may unwrap; the workspace lint is for library code.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use fazhi_calendar::{Calendar, CalendarError, RestDays, statutory_days};
use proptest::prelude::*;
use std::sync::OnceLock;

const FIRST: NaiveDate = match NaiveDate::from_ymd_opt(2025, 1, 1) {
    Some(d) => d,
    None => panic!("bad constant"),
};
/// Days in 2025 + 2026.
const LOADED_DAYS: u64 = 365 + 365;

/// The embedded data restricted to 2025–2026, so that these properties (which treat 2027 as not
/// loaded) keep holding when later years are added to `cn.toml`.
fn china_2025_2026() -> Calendar {
    static CN: OnceLock<Calendar> = OnceLock::new();
    CN.get_or_init(|| {
        let mut table: toml::Table =
            toml::from_str(include_str!("../../../data/calendar/cn.toml")).unwrap();
        table.retain(|k, _| matches!(k, "2025" | "2026" | "names"));
        Calendar::from_toml_str(&toml::to_string(&table).unwrap()).unwrap()
    })
    .clone()
}

fn loaded_date() -> impl Strategy<Value = NaiveDate> {
    (0..LOADED_DAYS).prop_map(|i| FIRST + Days::new(i))
}

/// A working day of the loaded years, drawn directly: filtering `loaded_date()` with
/// `prop_assume!` rejected about a third of the draws, and 2,000 cases then sometimes passed
/// proptest's limit of 1,024 rejects and failed the run.
fn loaded_working_day() -> impl Strategy<Value = NaiveDate> {
    let cal = china_2025_2026();
    let days: Vec<NaiveDate> = (0..LOADED_DAYS)
        .map(|i| FIRST + Days::new(i))
        .filter(|d| cal.is_working_day(*d) == Ok(true))
        .collect();
    prop::sample::select(days)
}

fn rest_days() -> impl Strategy<Value = RestDays> {
    prop_oneof![
        Just(RestDays::HolidaysAndWeekends),
        Just(RestDays::HolidaysOnly)
    ]
}

fn next(d: NaiveDate) -> NaiveDate {
    d.succ_opt().unwrap()
}

/// Reference: walk day by day.
fn naive_add(cal: &Calendar, d: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
    cal.is_working_day(d)?;
    let mut cur = d;
    let mut left = n;
    while left > 0 {
        cur = next(cur);
        if cal.is_working_day(cur)? {
            left -= 1;
        }
    }
    Ok(cur)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn add_never_lands_on_rest_day(d in loaded_date(), n in 1u32..60) {
        let cal = china_2025_2026();
        match cal.add_working_days(d, n) {
            Ok(r) => {
                prop_assert!(r > d);
                prop_assert_eq!(cal.is_working_day(r), Ok(true));
            }
            Err(e) => prop_assert!(false, "unexpected error: {}", e),
        }
    }

    #[test]
    fn add_matches_day_by_day_walk(d in loaded_date(), n in 0u32..60) {
        let cal = china_2025_2026();
        prop_assert_eq!(cal.add_working_days(d, n), naive_add(&cal, d, n));
    }

    #[test]
    fn add_then_sub_round_trips_from_working_days(d in loaded_working_day(), n in 0u32..60) {
        let cal = china_2025_2026();
        if let Ok(r) = cal.add_working_days(d, n) {
            prop_assert_eq!(cal.sub_working_days(r, n), Ok(d));
        }
        if let Ok(r) = cal.sub_working_days(d, n) {
            prop_assert_eq!(cal.add_working_days(r, n), Ok(d));
        }
    }

    #[test]
    fn sub_lands_on_working_day_before(d in loaded_date(), n in 1u32..60) {
        let cal = china_2025_2026();
        match cal.sub_working_days(d, n) {
            Ok(r) => {
                prop_assert!(r < d);
                prop_assert_eq!(cal.is_working_day(r), Ok(true));
                // (r, d) holds exactly n − 1 working days.
                let before_d = d.pred_opt().unwrap();
                prop_assert_eq!(cal.working_days_between(r, before_d), Ok(i64::from(n) - 1));
            }
            Err(e) => prop_assert!(false, "unexpected error: {}", e),
        }
    }

    #[test]
    fn between_counts_what_add_walked(d in loaded_date(), n in 0u32..60) {
        let cal = china_2025_2026();
        if let Ok(r) = cal.add_working_days(d, n) {
            prop_assert_eq!(cal.working_days_between(d, r), Ok(i64::from(n)));
            prop_assert_eq!(cal.working_days_between(r, d), Ok(-i64::from(n)));
        }
    }

    #[test]
    fn between_is_additive(a in loaded_date(), b in loaded_date(), c in loaded_date()) {
        let cal = china_2025_2026();
        let ab = cal.working_days_between(a, b).unwrap();
        let bc = cal.working_days_between(b, c).unwrap();
        prop_assert_eq!(cal.working_days_between(a, c), Ok(ab + bc));
    }

    #[test]
    fn period_end_days_is_first_non_rest_day_on_or_after_target(
        d in loaded_date(), n in 0u32..120, rest in rest_days()
    ) {
        let cal = china_2025_2026();
        let target = d + Days::new(u64::from(n));
        match cal.period_end_days(d, n, rest) {
            Ok(r) => {
                prop_assert!(r >= target);
                prop_assert_eq!(cal.is_rest_day(r, rest), Ok(false));
                let mut x = target;
                while x < r {
                    prop_assert_eq!(cal.is_rest_day(x, rest), Ok(true));
                    x = next(x);
                }
                if rest == RestDays::HolidaysAndWeekends {
                    prop_assert_eq!(cal.is_working_day(r), Ok(true));
                    prop_assert_eq!(cal.next_working_day_on_or_after(target), Ok(r));
                } else {
                    prop_assert_eq!(cal.is_statutory_holiday(r), Ok(false));
                }
            }
            Err(e) => prop_assert!(false, "unexpected error: {}", e),
        }
    }

    #[test]
    fn period_end_months_is_rolled_month_target(
        d in loaded_date(), m in 0u32..24, rest in rest_days()
    ) {
        let cal = china_2025_2026();
        let target = d.checked_add_months(Months::new(m)).unwrap();
        match cal.period_end_months(d, m, rest) {
            Ok(r) => {
                prop_assert!(r >= target);
                prop_assert!(target.day() == d.day() || target.succ_opt().unwrap().day() == 1);
                prop_assert_eq!(cal.is_rest_day(r, rest), Ok(false));
                prop_assert_eq!(cal.roll_forward(target, rest), Ok(r));
            }
            Err(e) => prop_assert!(false, "unexpected error: {}", e),
        }
    }

    #[test]
    fn years_not_loaded_follow_the_provisional_rules(
        i in 0u64..365, year in prop_oneof![Just(2024), Just(2027)], n in 0u32..30,
    ) {
        let cal = china_2025_2026();
        let d = NaiveDate::from_ymd_opt(year, 1, 1).unwrap() + Days::new(i);
        prop_assume!(d.year() == year);
        let statutory = statutory_days(year).unwrap().iter().any(|s| s.date == d);
        let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        prop_assert_eq!(cal.is_working_day(d), Ok(!statutory && !weekend));
        prop_assert_eq!(cal.is_statutory_holiday(d), Ok(statutory));
        prop_assert_eq!(cal.is_provisional(d), Ok(true));
        prop_assert!(cal.crosses_provisional(FIRST, d));
        prop_assert_eq!(cal.add_working_days(d, n), naive_add(&cal, d, n));
    }

    #[test]
    fn outside_the_supported_years_is_refused(i in 0u64..365, n in 0u32..30, rest in rest_days()) {
        let cal = china_2025_2026();
        for year in [2013, 2100] {
            let d = NaiveDate::from_ymd_opt(year, 1, 1).unwrap() + Days::new(i);
            prop_assume!(d.year() == year);
            let e = CalendarError::OutOfRange(year);
            prop_assert_eq!(cal.is_working_day(d).err(), Some(e.clone()));
            prop_assert_eq!(cal.add_working_days(d, n).err(), Some(e.clone()));
            prop_assert_eq!(cal.period_end_days(d, n, rest).err(), Some(e.clone()));
            prop_assert_eq!(cal.working_days_between(FIRST, d).err(), Some(e));
        }
    }
}
