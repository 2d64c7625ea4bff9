//! The provisional calendar against the published notices: every statutory holiday day that
//! 《全国年节及纪念日放假办法》 gives (lunar dates and the 清明 solar term computed by `tyme4rs`)
//! is a rest day in the State Council notices of 2020–2026 loaded from `data/calendar/cn.toml`,
//! and for the years after the 2024 revision the lunar holidays fall inside the notice's block of
//! the same holiday.

#![expect(clippy::unwrap_used, reason = "tests")]

use fazhi_calendar::{Calendar, statutory_days};

#[test]
fn every_statutory_day_of_2020_to_2026_is_off_in_the_notice() {
    let cal = Calendar::china();
    for year in 2020..=2026 {
        assert!(cal.is_loaded(year), "{year} notice is loaded");
        let days = statutory_days(year).unwrap();
        assert_eq!(days.len(), if year >= 2025 { 13 } else { 11 }, "{year}");
        for s in days {
            assert_eq!(
                cal.is_working_day(s.date),
                Ok(false),
                "{year}: {} {} is a working day in the notice",
                s.name_zh,
                s.date
            );
            assert_eq!(cal.is_provisional(s.date), Ok(false));
        }
    }
}

#[test]
fn lunar_holidays_fall_in_the_notice_block_of_the_same_holiday() {
    let cal = Calendar::china();
    for year in 2020..=2026 {
        for s in statutory_days(year).unwrap() {
            if s.key == "new_year" {
                continue; // 2023's block began on 2022-12-31; its key is still new_year
            }
            let got = cal.holiday_name(s.date).unwrap().unwrap_or("<none>");
            let same = got == s.key
                || (got == "national_day_mid_autumn"
                    && matches!(s.key, "national_day" | "mid_autumn"));
            assert!(same, "{year}: {} {} lies in {got}", s.name_zh, s.date);
        }
    }
}
