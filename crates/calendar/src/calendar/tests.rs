//! Unit tests of the calendar: a passing and a failing case per function, with worked examples
//! across Spring Festival 2025/2026 and National Day 2025. Every expected value was derived by
//! hand from the table in legal-rules.md section P, not by running the code.

#![allow(clippy::unwrap_used)] // Tests may unwrap; the workspace lint is for library code.

use super::*;

const HW: RestDays = RestDays::HolidaysAndWeekends;
const HO: RestDays = RestDays::HolidaysOnly;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// The embedded data restricted to 2025–2026, the years these hand-computed examples were
/// written for, so that adding 2027 to `cn.toml` does not break them ("2027 is not loaded").
fn cn() -> Calendar {
    static CN: OnceLock<Calendar> = OnceLock::new();
    CN.get_or_init(|| {
        let mut table: toml::Table = toml::from_str(CN_TOML).unwrap();
        table.retain(|k, _| matches!(k, "2025" | "2026" | "names"));
        Calendar::from_toml_str(&toml::to_string(&table).unwrap()).unwrap()
    })
    .clone()
}

fn out_of_range(year: i32) -> CalendarError {
    CalendarError::OutOfRange(year)
}

/// A 2027 arrangement in the form of a notice (invented for the tests: the real notice is not
/// published yet), with every statutory day of the 2024 revision off.
pub(super) const Y2027: &str = r#"
[2027]
source = "测试用2027年放假安排"
workdays = [2027-02-20]
[2027.off]
new_year = [2027-01-01, 2027-01-02, 2027-01-03]
spring_festival = [2027-02-05, 2027-02-06, 2027-02-07, 2027-02-08, 2027-02-09, 2027-02-10, 2027-02-11]
qingming = [2027-04-03, 2027-04-04, 2027-04-05]
labour_day = [2027-05-01, 2027-05-02, 2027-05-03]
dragon_boat = [2027-06-09]
mid_autumn = [2027-09-15]
national_day = [2027-10-01, 2027-10-02, 2027-10-03, 2027-10-04, 2027-10-05, 2027-10-06, 2027-10-07]
"#;

#[test]
fn embedded_china_data_is_valid() {
    assert!(Calendar::from_toml_str(CN_TOML).is_ok());
    let china = Calendar::china();
    assert_eq!(china.loaded_years().next(), Some(2020));
    assert!(china.is_loaded(2026));
    assert_eq!(cn().loaded_years().collect::<Vec<_>>(), vec![2025, 2026]);
    assert!(format!("{:?}", cn()).contains("[2025, 2026]"));
    assert_eq!(cn().supported_years(), 2014..=2099);
    // The 2025–2026 snapshot used below says exactly what the embedded data says.
    let mut x = d(2025, 1, 1);
    while x.year() <= 2026 {
        assert_eq!(cn().is_working_day(x), china.is_working_day(x), "{x}");
        assert_eq!(cn().holiday_name(x), china.holiday_name(x), "{x}");
        x = x.succ_opt().unwrap();
    }
}

#[test]
fn error_messages_are_chinese() {
    assert_eq!(
        out_of_range(2100).to_string(),
        "2100年超出工作日历支持的范围（2014年至2099年），无法计算工作日"
    );
    assert_eq!(
        CalendarError::Invalid("x".to_owned()).to_string(),
        "节假日数据无效：x"
    );
}

#[test]
fn loaded_years_and_extension() {
    let ext = cn().extend_from_toml_str(Y2027).unwrap();
    assert_eq!(
        ext.loaded_years().collect::<Vec<_>>(),
        vec![2025, 2026, 2027]
    );
    assert_eq!(ext.is_working_day(d(2027, 1, 1)), Ok(false));
    assert_eq!(ext.is_working_day(d(2027, 2, 10)), Ok(false));
    assert_eq!(ext.is_working_day(d(2027, 2, 20)), Ok(true)); // Sat, make-up
    assert_eq!(ext.is_provisional(d(2027, 2, 10)), Ok(false));
    assert_eq!(ext.add_working_days(d(2026, 12, 31), 1), Ok(d(2027, 1, 4)));
    // The original is unchanged: 2027 is provisional there (Wed 2027-02-10 is a working day).
    assert_eq!(cn().is_working_day(d(2027, 2, 10)), Ok(true));
    assert_eq!(cn().is_provisional(d(2027, 2, 10)), Ok(true));
    // A gap is fine now (2027 stays provisional); a duplicate is refused by `extend`…
    let gap = cn().extend_from_toml_str(&Y2027.replace("2027", "2028"));
    assert!(
        gap.is_err(),
        "2028 has other lunar dates: the 2027 days do not fit"
    );
    let dup = ext.extend_from_toml_str(Y2027);
    assert!(matches!(dup, Err(CalendarError::Invalid(m)) if m.contains("重复载入")));
    // …and replaces the year with `with_years_from_toml_str`.
    let again = ext
        .with_years_from_toml_str(&Y2027.replace("workdays = [2027-02-20]", "workdays = []"))
        .unwrap();
    assert_eq!(again.is_working_day(d(2027, 2, 20)), Ok(false));
    // The year as a data file round-trips.
    let text = ext.year_toml(2027).unwrap();
    let back = cn().with_years_from_toml_str(&text).unwrap();
    assert_eq!(back.holiday_blocks(2027), ext.holiday_blocks(2027));
    assert_eq!(cn().year_toml(2027), None);
}

#[test]
fn a_notice_that_leaves_a_statutory_day_working_is_refused() {
    let no_dragon_boat = Y2027.replace("dragon_boat = [2027-06-09]\n", "");
    let err = cn().with_years_from_toml_str(&no_dragon_boat).unwrap_err();
    assert!(
        err.to_string().contains("2027-06-09（端午节，周三）"),
        "{err}"
    );
    // 2027-05-02 (劳动节) is a Sunday: a make-up working day on it is refused.
    let sunday = Y2027
        .replace(
            "labour_day = [2027-05-01, 2027-05-02, 2027-05-03]",
            "labour_day = [2027-05-01]",
        )
        .replace("workdays = [2027-02-20]", "workdays = [2027-05-02]");
    let err = cn().with_years_from_toml_str(&sunday).unwrap_err();
    assert!(err.to_string().contains("2027-05-02（劳动节"), "{err}");
}

#[test]
fn is_working_day_examples() {
    let c = cn();
    assert_eq!(c.is_working_day(d(2025, 1, 26)), Ok(true)); // Sun, make-up
    assert_eq!(c.is_working_day(d(2025, 1, 27)), Ok(true)); // Mon
    assert_eq!(c.is_working_day(d(2025, 1, 28)), Ok(false)); // Tue, Spring Festival
    assert_eq!(c.is_working_day(d(2025, 2, 9)), Ok(false)); // ordinary Sun
    assert_eq!(c.is_working_day(d(2025, 10, 11)), Ok(true)); // Sat, make-up
    assert_eq!(c.is_working_day(d(2025, 10, 12)), Ok(false)); // Sun
    assert_eq!(c.is_working_day(d(2026, 1, 2)), Ok(false)); // Fri, New Year
    assert_eq!(c.is_working_day(d(2026, 2, 28)), Ok(true)); // Sat, make-up
}

#[test]
fn is_working_day_in_provisional_years() {
    let c = cn();
    assert_eq!(c.is_working_day(d(2027, 1, 1)), Ok(false)); // Fri, 元旦
    assert_eq!(c.is_working_day(d(2027, 1, 4)), Ok(true));
    assert_eq!(c.is_working_day(d(2027, 2, 5)), Ok(false)); // Fri, 除夕
    assert_eq!(c.is_working_day(d(2027, 2, 8)), Ok(false)); // Mon, 初三
    assert_eq!(c.is_working_day(d(2027, 2, 9)), Ok(true));
    assert_eq!(c.is_working_day(d(2024, 12, 31)), Ok(true));
    assert_eq!(c.is_provisional(d(2027, 1, 4)), Ok(true));
    assert_eq!(c.is_provisional(d(2024, 12, 31)), Ok(true));
    assert_eq!(c.is_provisional(d(2026, 12, 31)), Ok(false));
    assert!(c.crosses_provisional(d(2026, 12, 31), d(2027, 1, 4)));
    assert!(c.crosses_provisional(d(2027, 1, 4), d(2026, 12, 31)));
    assert!(!c.crosses_provisional(d(2025, 1, 2), d(2026, 12, 31)));
}

#[test]
fn outside_the_supported_years_is_an_error() {
    let c = cn();
    assert_eq!(c.is_working_day(d(2013, 12, 31)), Err(out_of_range(2013)));
    assert_eq!(c.is_working_day(d(2100, 1, 1)), Err(out_of_range(2100)));
    assert_eq!(c.is_provisional(d(2100, 1, 1)), Err(out_of_range(2100)));
    assert_eq!(c.is_working_day(d(2099, 12, 31)), Ok(true));
    assert_eq!(c.is_working_day(d(2014, 1, 2)), Ok(true));
}

#[test]
fn is_statutory_holiday_examples() {
    let c = cn();
    assert_eq!(c.is_statutory_holiday(d(2025, 2, 1)), Ok(true)); // Sat inside the block
    assert_eq!(c.is_statutory_holiday(d(2025, 2, 8)), Ok(false)); // Sat, make-up
    assert_eq!(c.is_statutory_holiday(d(2025, 2, 9)), Ok(false)); // ordinary Sun
    assert_eq!(c.is_statutory_holiday(d(2026, 2, 23)), Ok(true));
    assert_eq!(c.is_statutory_holiday(d(2026, 2, 24)), Ok(false));
    assert_eq!(c.is_statutory_holiday(d(2027, 2, 1)), Ok(false));
    assert_eq!(c.is_statutory_holiday(d(2027, 2, 5)), Ok(true));
}

#[test]
fn is_rest_day_examples() {
    let c = cn();
    assert_eq!(c.is_rest_day(d(2025, 10, 25), HW), Ok(true)); // ordinary Sat
    assert_eq!(c.is_rest_day(d(2025, 10, 25), HO), Ok(false));
    assert_eq!(c.is_rest_day(d(2025, 10, 1), HW), Ok(true));
    assert_eq!(c.is_rest_day(d(2025, 10, 1), HO), Ok(true));
    assert_eq!(c.is_rest_day(d(2025, 9, 28), HW), Ok(false)); // make-up Sun
    assert_eq!(c.is_rest_day(d(2025, 9, 28), HO), Ok(false));
    assert_eq!(c.is_rest_day(d(2024, 10, 1), HO), Ok(true));
    assert_eq!(c.is_rest_day(d(2024, 10, 4), HO), Ok(false));
}

#[test]
fn holiday_name_examples() {
    let c = cn();
    assert_eq!(
        c.holiday_name(d(2025, 10, 5)),
        Ok(Some("national_day_mid_autumn"))
    );
    assert_eq!(
        c.holiday_display_name(d(2025, 10, 5)),
        Ok(Some("国庆节、中秋节"))
    );
    assert_eq!(c.holiday_name(d(2026, 9, 26)), Ok(Some("mid_autumn")));
    assert_eq!(c.holiday_name(d(2026, 10, 1)), Ok(Some("national_day")));
    assert_eq!(c.holiday_display_name(d(2026, 2, 17)), Ok(Some("春节")));
    assert_eq!(c.holiday_name(d(2025, 10, 9)), Ok(None));
    assert_eq!(c.holiday_display_name(d(2025, 9, 28)), Ok(None));
    assert_eq!(c.holiday_name(d(2024, 10, 1)), Ok(Some("national_day")));
    assert_eq!(c.holiday_display_name(d(2027, 1, 1)), Ok(Some("元旦")));
    assert_eq!(c.holiday_name(d(2100, 1, 1)), Err(out_of_range(2100)));
}

#[test]
fn year_accessors() {
    let c = cn();
    assert!(c.source(2025).unwrap().contains("国办发明电〔2024〕12号"));
    assert_eq!(c.make_up_workdays(2026).unwrap().len(), 6);
    assert_eq!(c.holiday_blocks(2025).unwrap().len(), 6);
    assert_eq!(c.holiday_blocks(2025).unwrap()[0].key, "new_year");
    assert!(c.source(2027).unwrap().contains("暂定"));
    assert_eq!(c.make_up_workdays(2024), Ok(&[][..]));
    assert_eq!(c.holiday_blocks(2027).unwrap().len(), 7);
    assert_eq!(c.source(2100), Err(out_of_range(2100)));
}

#[test]
fn add_working_days_national_day_2025() {
    let c = cn();
    // 09-28 (Sun) make-up (1), 09-29 (2), 09-30 (3), 10-01..08 off, 10-09 (4), 10-10 (5),
    // 10-11 (Sat) make-up (6), 10-12 Sun, 10-13 (7).
    assert_eq!(c.add_working_days(d(2025, 9, 26), 1), Ok(d(2025, 9, 28)));
    assert_eq!(c.add_working_days(d(2025, 9, 26), 4), Ok(d(2025, 10, 9)));
    assert_eq!(c.add_working_days(d(2025, 9, 26), 5), Ok(d(2025, 10, 10)));
    assert_eq!(c.add_working_days(d(2025, 9, 26), 6), Ok(d(2025, 10, 11)));
    assert_eq!(c.add_working_days(d(2025, 9, 26), 7), Ok(d(2025, 10, 13)));
    // From a day off.
    assert_eq!(c.add_working_days(d(2025, 10, 3), 1), Ok(d(2025, 10, 9)));
    assert_eq!(c.add_working_days(d(2025, 10, 3), 0), Ok(d(2025, 10, 3)));
}

#[test]
fn add_working_days_spring_festival_2025() {
    let c = cn();
    // From Fri 01-24: 01-26 Sun make-up (1), 01-27 (2), 01-28..02-04 off, 02-05 (3), 02-06 (4),
    // 02-07 (5), 02-08 Sat make-up (6), 02-09 Sun, 02-10 (7).
    assert_eq!(c.add_working_days(d(2025, 1, 24), 5), Ok(d(2025, 2, 7)));
    assert_eq!(c.add_working_days(d(2025, 1, 24), 6), Ok(d(2025, 2, 8)));
    assert_eq!(c.add_working_days(d(2025, 1, 24), 7), Ok(d(2025, 2, 10)));
}

#[test]
fn add_working_days_spring_festival_2026() {
    let c = cn();
    // From Thu 02-12: 02-13 (1), 02-14 Sat make-up (2), 02-15..23 off, 02-24 (3), 02-25 (4),
    // 02-26 (5), 02-27 (6), 02-28 Sat make-up (7).
    assert_eq!(c.add_working_days(d(2026, 2, 12), 5), Ok(d(2026, 2, 26)));
    assert_eq!(c.add_working_days(d(2026, 2, 12), 7), Ok(d(2026, 2, 28)));
}

#[test]
fn add_working_days_across_new_year() {
    let c = cn();
    // 2025-12-31 Wed; 2026-01-01..03 off; 2026-01-04 (Sun) make-up.
    assert_eq!(c.add_working_days(d(2025, 12, 31), 1), Ok(d(2026, 1, 4)));
    assert_eq!(c.add_working_days(d(2025, 12, 31), 2), Ok(d(2026, 1, 5)));
}

#[test]
fn add_working_days_into_a_provisional_year() {
    let c = cn();
    assert_eq!(c.add_working_days(d(2026, 12, 30), 1), Ok(d(2026, 12, 31)));
    // 2027-01-01 (Fri) is 元旦 on the provisional calendar.
    assert_eq!(c.add_working_days(d(2026, 12, 31), 1), Ok(d(2027, 1, 4)));
    assert_eq!(c.add_working_days(d(2026, 12, 30), 2), Ok(d(2027, 1, 4)));
    assert_eq!(
        c.add_working_days(d(2025, 1, 2), u32::MAX),
        Err(out_of_range(2100))
    );
    assert_eq!(c.add_working_days(d(2027, 1, 4), 0), Ok(d(2027, 1, 4)));
}

#[test]
fn sub_working_days_examples() {
    let c = cn();
    assert_eq!(c.sub_working_days(d(2025, 10, 9), 1), Ok(d(2025, 9, 30)));
    // 09-30 (1), 09-29 (2), 09-28 Sun make-up (3), 09-26 (4).
    assert_eq!(c.sub_working_days(d(2025, 10, 9), 4), Ok(d(2025, 9, 26)));
    // 02-14 Sat make-up (1), 02-13 (2), 02-12 (3).
    assert_eq!(c.sub_working_days(d(2026, 2, 24), 3), Ok(d(2026, 2, 12)));
    assert_eq!(c.sub_working_days(d(2026, 1, 5), 1), Ok(d(2026, 1, 4)));
    assert_eq!(c.sub_working_days(d(2026, 1, 5), 2), Ok(d(2025, 12, 31)));
    assert_eq!(c.sub_working_days(d(2025, 2, 10), 7), Ok(d(2025, 1, 24)));
    assert_eq!(c.sub_working_days(d(2025, 10, 4), 0), Ok(d(2025, 10, 4)));
    assert_eq!(c.sub_working_days(d(2025, 1, 3), 1), Ok(d(2025, 1, 2)));
}

#[test]
fn sub_working_days_before_first_year() {
    let c = cn();
    // 2025-01-01 is off, so the working day before 01-02 lies in 2024 (provisional).
    assert_eq!(c.sub_working_days(d(2025, 1, 2), 1), Ok(d(2024, 12, 31)));
    assert_eq!(
        c.sub_working_days(d(2026, 6, 1), u32::MAX),
        Err(out_of_range(2013))
    );
    // 2014-01-01 is 元旦: no working day before 01-02 in the supported years.
    assert_eq!(
        c.sub_working_days(d(2014, 1, 2), 1),
        Err(out_of_range(2013))
    );
    assert_eq!(c.sub_working_days(d(2024, 6, 3), 0), Ok(d(2024, 6, 3)));
}

#[test]
fn working_days_between_examples() {
    let c = cn();
    // (09-26, 10-13]: 09-28, 09-29, 09-30, 10-09, 10-10, 10-11, 10-13.
    assert_eq!(
        c.working_days_between(d(2025, 9, 26), d(2025, 10, 13)),
        Ok(7)
    );
    assert_eq!(
        c.working_days_between(d(2025, 10, 13), d(2025, 9, 26)),
        Ok(-7)
    );
    assert_eq!(
        c.working_days_between(d(2025, 1, 24), d(2025, 2, 10)),
        Ok(7)
    );
    assert_eq!(
        c.working_days_between(d(2025, 12, 31), d(2026, 1, 5)),
        Ok(2)
    );
    assert_eq!(
        c.working_days_between(d(2025, 10, 3), d(2025, 10, 3)),
        Ok(0)
    );
    // 2025: 261 weekdays − 18 weekdays off + 5 make-up days = 248; 2026: 261 − 19 + 6 = 248.
    // 01-01 is off in both years, so (01-01, 12-31] covers every working day of the year.
    assert_eq!(
        c.working_days_between(d(2025, 1, 1), d(2025, 12, 31)),
        Ok(248)
    );
    assert_eq!(
        c.working_days_between(d(2026, 1, 1), d(2026, 12, 31)),
        Ok(248)
    );
    assert_eq!(
        c.working_days_between(d(2025, 1, 1), d(2026, 12, 31)),
        Ok(496)
    );
}

#[test]
fn working_days_between_across_provisional_years() {
    let c = cn();
    assert_eq!(
        c.working_days_between(d(2025, 1, 1), d(2027, 1, 1)),
        c.working_days_between(d(2025, 1, 1), d(2026, 12, 31))
    );
    // 2025-01-01 off, 01-02 Thu, 01-03 Fri, weekend.
    assert_eq!(
        c.working_days_between(d(2024, 12, 31), d(2025, 1, 5)),
        Ok(2)
    );
    assert_eq!(
        c.working_days_between(d(2013, 12, 31), d(2014, 1, 5)),
        Err(out_of_range(2013))
    );
}

#[test]
fn period_end_days_examples() {
    let c = cn();
    // 09-16 + 15 = 10-01 (National Day) → 10-09 in both modes.
    assert_eq!(
        c.period_end_days(d(2025, 9, 16), 15, HW),
        Ok(d(2025, 10, 9))
    );
    assert_eq!(
        c.period_end_days(d(2025, 9, 16), 15, HO),
        Ok(d(2025, 10, 9))
    );
    // Registered 07-03, 90-day decision period: 07-03 + 90 = 10-01 → 10-09.
    assert_eq!(c.period_end_days(d(2025, 7, 3), 90, HW), Ok(d(2025, 10, 9)));
    // 10-10 + 15 = 10-25, an ordinary Saturday: the switch decides.
    assert_eq!(
        c.period_end_days(d(2025, 10, 10), 15, HW),
        Ok(d(2025, 10, 27))
    );
    assert_eq!(
        c.period_end_days(d(2025, 10, 10), 15, HO),
        Ok(d(2025, 10, 25))
    );
    // 09-13 + 15 = 09-28, a make-up Sunday: a working day, no roll.
    assert_eq!(
        c.period_end_days(d(2025, 9, 13), 15, HW),
        Ok(d(2025, 9, 28))
    );
    assert_eq!(
        c.period_end_days(d(2025, 9, 13), 15, HO),
        Ok(d(2025, 9, 28))
    );
    // 2025-12-17 + 15 = 2026-01-01 → 01-04, the make-up Sunday.
    assert_eq!(
        c.period_end_days(d(2025, 12, 17), 15, HW),
        Ok(d(2026, 1, 4))
    );
    assert_eq!(
        c.period_end_days(d(2025, 12, 17), 15, HO),
        Ok(d(2026, 1, 4))
    );
    // 2026-02-01 + 15 = 02-16 (Spring Festival) → 02-24.
    assert_eq!(c.period_end_days(d(2026, 2, 1), 15, HW), Ok(d(2026, 2, 24)));
    // n = 0: the day itself, rolled.
    assert_eq!(c.period_end_days(d(2025, 10, 4), 0, HW), Ok(d(2025, 10, 9)));
    assert_eq!(c.period_end_days(d(2025, 10, 9), 0, HW), Ok(d(2025, 10, 9)));
    // 12-26 (Sat).
    assert_eq!(
        c.period_end_days(d(2026, 12, 25), 1, HW),
        Ok(d(2026, 12, 28))
    );
    assert_eq!(
        c.period_end_days(d(2026, 12, 25), 1, HO),
        Ok(d(2026, 12, 26))
    );
}

#[test]
fn period_end_days_into_provisional_and_out_of_range() {
    let c = cn();
    assert_eq!(c.period_end_days(d(2026, 12, 31), 1, HW), Ok(d(2027, 1, 4)));
    assert_eq!(c.period_end_days(d(2026, 12, 31), 1, HO), Ok(d(2027, 1, 2)));
    assert_eq!(
        c.period_end_days(d(2025, 1, 1), u32::MAX, HW),
        Err(out_of_range(2100))
    );
    assert_eq!(c.period_end_days(d(2024, 12, 31), 1, HW), Ok(d(2025, 1, 2)));
    assert_eq!(
        c.period_end_days(d(2099, 12, 30), 1, HW),
        Ok(d(2099, 12, 31))
    );
    assert_eq!(
        c.period_end_days(d(2099, 12, 31), 1, HW),
        Err(out_of_range(2100))
    );
}

#[test]
fn period_end_months_examples() {
    let c = cn();
    // 10-31 + 1 month = 11-30 (Sun).
    assert_eq!(
        c.period_end_months(d(2025, 10, 31), 1, HW),
        Ok(d(2025, 12, 1))
    );
    assert_eq!(
        c.period_end_months(d(2025, 10, 31), 1, HO),
        Ok(d(2025, 11, 30))
    );
    // 6-month suit period into Spring Festival 2026.
    assert_eq!(
        c.period_end_months(d(2025, 8, 16), 6, HW),
        Ok(d(2026, 2, 24))
    );
    assert_eq!(
        c.period_end_months(d(2025, 4, 1), 6, HW),
        Ok(d(2025, 10, 9))
    );
    // No 31 February: last day of February.
    assert_eq!(
        c.period_end_months(d(2025, 1, 31), 1, HW),
        Ok(d(2025, 2, 28))
    );
    // 2026-02-28 is a make-up Saturday: no roll.
    assert_eq!(
        c.period_end_months(d(2025, 8, 31), 6, HW),
        Ok(d(2026, 2, 28))
    );
    assert_eq!(c.period_end_months(d(2025, 2, 1), 0, HW), Ok(d(2025, 2, 5)));
}

#[test]
fn period_end_months_into_provisional_and_out_of_range() {
    let c = cn();
    assert_eq!(c.period_end_months(d(2026, 7, 1), 6, HW), Ok(d(2027, 1, 4)));
    // 2025-01-31 lies in the 2025 Spring Festival block (to 02-04).
    assert_eq!(
        c.period_end_months(d(2024, 12, 31), 1, HW),
        Ok(d(2025, 2, 5))
    );
    assert!(matches!(
        c.period_end_months(d(2025, 1, 1), u32::MAX, HW),
        Err(CalendarError::OutOfRange(_))
    ));
}

#[test]
fn next_working_day_on_or_after_examples() {
    let c = cn();
    assert_eq!(
        c.next_working_day_on_or_after(d(2025, 10, 1)),
        Ok(d(2025, 10, 9))
    );
    assert_eq!(
        c.next_working_day_on_or_after(d(2025, 9, 27)),
        Ok(d(2025, 9, 28))
    );
    assert_eq!(
        c.next_working_day_on_or_after(d(2025, 9, 29)),
        Ok(d(2025, 9, 29))
    );
    assert_eq!(
        c.next_working_day_on_or_after(d(2026, 2, 15)),
        Ok(d(2026, 2, 24))
    );
    assert_eq!(
        c.next_working_day_on_or_after(d(2025, 1, 25)),
        Ok(d(2025, 1, 26))
    );
}

#[test]
fn next_working_day_on_or_after_in_provisional_years() {
    assert_eq!(
        cn().next_working_day_on_or_after(d(2027, 1, 1)),
        Ok(d(2027, 1, 4))
    );
    assert_eq!(
        cn().next_working_day_on_or_after(d(2100, 1, 1)),
        Err(out_of_range(2100))
    );
}

#[test]
fn roll_forward_examples() {
    let c = cn();
    assert_eq!(c.roll_forward(d(2025, 5, 31), HW), Ok(d(2025, 6, 3)));
    assert_eq!(c.roll_forward(d(2025, 6, 7), HO), Ok(d(2025, 6, 7)));
    assert_eq!(c.roll_forward(d(2027, 6, 7), HO), Ok(d(2027, 6, 7)));
    assert_eq!(c.roll_forward(d(2027, 6, 9), HO), Ok(d(2027, 6, 10)));
}

#[test]
fn rest_days_serde_is_snake_case() {
    #[derive(serde::Deserialize, serde::Serialize, PartialEq, Debug)]
    struct W {
        rest: RestDays,
    }
    let w: W = toml::from_str("rest = \"holidays_only\"").unwrap();
    assert_eq!(w.rest, HO);
    let w: W = toml::from_str("rest = \"holidays_and_weekends\"").unwrap();
    assert_eq!(w.rest, HW);
    assert!(toml::from_str::<W>("rest = \"HolidaysOnly\"").is_err());
    assert_eq!(
        toml::to_string(&W { rest: HO }).unwrap().trim(),
        "rest = \"holidays_only\""
    );
    assert_eq!(RestDays::default(), HW);
}
