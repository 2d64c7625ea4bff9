//! The working-day calendar and legal period arithmetic (legal-rules.md A1–A6).
//!
//! Every day of the supported years ([`SUPPORTED_YEARS`]) is precomputed into flat per-day
//! arrays indexed from 1 January of the first supported year: a flag byte (working day /
//! statutory holiday off-day / provisional), a holiday-key index, and a running count of working
//! days. A year with a loaded notice takes its days from the notice; any other year from the
//! provisional calendar ([`crate::provisional`]), and its days carry the provisional flag. Working-day arithmetic is then a binary search over the running
//! count (O(log n) in the number of loaded days) and counting working days between two dates is
//! a subtraction. The arrays are shared behind an [`Arc`], so cloning a [`Calendar`] is cheap.

use std::fmt;
use std::ops::RangeInclusive;
use std::sync::{Arc, OnceLock};

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use crate::data::{CalendarData, HolidayBlock, YearData, is_weekend};
use crate::error::CalendarError;
use crate::provisional::{SUPPORTED_YEARS, provisional_year};

/// The embedded data file with China's holiday arrangements.
const CN_TOML: &str = include_str!("../../../data/calendar/cn.toml");

/// Flag: the day is a working day (Mon–Fri not off, or a make-up working day).
const WORKING: u8 = 1;
/// Flag: the day lies in a statutory holiday block (weekends inside the block included).
const OFF: u8 = 2;
/// Flag: the day lies in a year without a loaded notice (provisional calendar).
const PROVISIONAL: u8 = 4;

/// Which days count as rest days when the last day of a calendar-day period is rolled forward
/// (legal-rules.md A2). Whether weekends count is marked `[U]` there, so it is a switch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RestDays {
    /// Every day that is not a working day is a rest day: statutory holiday blocks and ordinary
    /// weekends (a make-up working Saturday/Sunday is not a rest day). The period ends on the
    /// next working day. Default: this is the practice of courts and agencies.
    #[default]
    HolidaysAndWeekends,
    /// Only days inside a statutory holiday block are rest days; the period ends on the first day
    /// after the block, even if that is an ordinary Saturday or Sunday.
    HolidaysOnly,
}

/// A calendar of working days built from one or more holiday data files.
#[derive(Clone)]
pub struct Calendar {
    inner: Arc<Inner>,
}

struct Inner {
    first_year: i32,
    last_year: i32,
    /// 1 January of `first_year`.
    first_day: NaiveDate,
    /// `first_day.num_days_from_ce()`.
    epoch: i32,
    /// Per day: `WORKING` / `OFF` flags.
    flags: Vec<u8>,
    /// Per day: 0, or 1 + index into `holiday_keys`.
    holiday: Vec<u16>,
    /// Distinct holiday keys with their Chinese names.
    holiday_keys: Vec<(String, String)>,
    /// Per day `i`: the number of working days among days `0..=i`.
    cum_working: Vec<u32>,
    /// The validated loaded data (for merging).
    data: CalendarData,
    /// Every supported year's arrangement: the loaded notice, or the provisional one.
    years: BTreeMap<i32, YearData>,
}

impl fmt::Debug for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Calendar")
            .field("loaded", &self.loaded_years().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Calendar {
    /// China's calendar from the data embedded at build time (`data/calendar/cn.toml`).
    ///
    /// The data is validated by this crate's tests, so this cannot fail; it is parsed once per
    /// process and shared.
    pub fn china() -> Calendar {
        static CHINA: OnceLock<Calendar> = OnceLock::new();
        CHINA
            .get_or_init(|| match Calendar::from_toml_str(CN_TOML) {
                Ok(cal) => cal,
                // Unreachable: `embedded_china_data_is_valid` tests exactly this parse.
                Err(e) => panic!("embedded data/calendar/cn.toml is invalid: {e}"),
            })
            .clone()
    }

    /// Builds a calendar from the text of a holiday data file (format: `data/calendar/cn.toml`).
    pub fn from_toml_str(s: &str) -> Result<Calendar, CalendarError> {
        Calendar::build(CalendarData::parse(s)?)
    }

    /// This calendar plus the years of another data file (e.g. next year's notice, kept by the
    /// bureau in its own file). A year present in both is [`CalendarError::Invalid`].
    pub fn extend_from_toml_str(&self, s: &str) -> Result<Calendar, CalendarError> {
        Calendar::build(self.inner.data.merge(CalendarData::parse(s)?, false)?)
    }

    /// This calendar with the years of another data file loaded over it: a year present in both
    /// takes the new arrangement (a notice loaded by an administrator replaces the earlier one).
    pub fn with_years_from_toml_str(&self, s: &str) -> Result<Calendar, CalendarError> {
        Calendar::build(self.inner.data.merge(CalendarData::parse(s)?, true)?)
    }

    fn build(data: CalendarData) -> Result<Calendar, CalendarError> {
        let first_year = *SUPPORTED_YEARS.start();
        let last_year = *SUPPORTED_YEARS.end();
        let mut years = BTreeMap::new();
        for year in SUPPORTED_YEARS {
            let y = match data.years.get(&year) {
                Some(y) => y.clone(),
                None => provisional_year(year)?,
            };
            years.insert(year, y);
        }
        let first_day = ymd(first_year, 1, 1)?;
        let end = ymd(last_year + 1, 1, 1)?;
        let len = usize::try_from(end.signed_duration_since(first_day).num_days())
            .map_err(|_| CalendarError::Invalid("年份范围无效".to_owned()))?;
        let epoch = first_day.num_days_from_ce();
        let index = |d: NaiveDate| -> usize {
            // Every date in `data` lies inside its own year, hence inside the range.
            usize::try_from(d.num_days_from_ce() - epoch).unwrap_or(0)
        };

        let mut flags = Vec::with_capacity(len);
        let mut day = first_day;
        for _ in 0..len {
            flags.push(if is_weekend(day) { 0 } else { WORKING });
            day = day.succ_opt().unwrap_or(day);
        }
        let mut holiday = vec![0u16; len];
        let mut holiday_keys: Vec<(String, String)> = Vec::new();
        for (&y, year) in &years {
            if !data.years.contains_key(&y) {
                let from = index(ymd(y, 1, 1)?);
                let to = index(ymd(y, 12, 31)?);
                for f in &mut flags[from..=to] {
                    *f |= PROVISIONAL;
                }
            }
            for block in &year.blocks {
                let pos = match holiday_keys.iter().position(|(k, _)| *k == block.key) {
                    Some(p) => p,
                    None => {
                        holiday_keys.push((block.key.clone(), block.name_zh.clone()));
                        holiday_keys.len() - 1
                    }
                };
                let tag = u16::try_from(pos + 1)
                    .map_err(|_| CalendarError::Invalid("节假日名称过多".to_owned()))?;
                for &d in &block.days {
                    let i = index(d);
                    flags[i] = OFF | (flags[i] & PROVISIONAL);
                    holiday[i] = tag;
                }
            }
            for &d in &year.workdays {
                let i = index(d);
                flags[i] = WORKING | (flags[i] & PROVISIONAL);
            }
        }
        let mut cum_working = Vec::with_capacity(len);
        let mut count = 0u32;
        for &f in &flags {
            if f & WORKING != 0 {
                count += 1;
            }
            cum_working.push(count);
        }
        Ok(Calendar {
            inner: Arc::new(Inner {
                first_year,
                last_year,
                first_day,
                epoch,
                flags,
                holiday,
                holiday_keys,
                cum_working,
                data,
                years,
            }),
        })
    }

    /// The years whose State Council notice is loaded, ascending (not necessarily contiguous).
    pub fn loaded_years(&self) -> impl Iterator<Item = i32> + '_ {
        self.inner.data.years.keys().copied()
    }

    /// Whether the notice of `year` is loaded (otherwise the year is provisional).
    pub fn is_loaded(&self, year: i32) -> bool {
        self.inner.data.years.contains_key(&year)
    }

    /// The years this calendar answers for ([`SUPPORTED_YEARS`]).
    pub fn supported_years(&self) -> RangeInclusive<i32> {
        self.inner.first_year..=self.inner.last_year
    }

    /// Whether `d` is counted on the provisional calendar (its year's notice is not loaded).
    pub fn is_provisional(&self, d: NaiveDate) -> Result<bool, CalendarError> {
        let i = self.index(d)?;
        Ok(self.inner.flags[i] & PROVISIONAL != 0)
    }

    /// Whether any day between `a` and `b` (both included, in either order) is provisional:
    /// a result counted across such a day may move when the year's notice is loaded. Days
    /// outside the supported years count as provisional.
    pub fn crosses_provisional(&self, a: NaiveDate, b: NaiveDate) -> bool {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        (lo.year()..=hi.year()).any(|y| !self.is_loaded(y))
    }

    /// The arrangement of the loaded notices as a data file (format of `data/calendar/cn.toml`)
    /// restricted to `year`, or `None` when that year is provisional.
    pub fn year_toml(&self, year: i32) -> Option<String> {
        self.inner.data.years.get(&year).map(|y| y.to_toml(year))
    }

    /// Whether `d` is a working day: Monday–Friday outside the holiday blocks, plus the make-up
    /// working days (调休上班) on weekends (A6).
    pub fn is_working_day(&self, d: NaiveDate) -> Result<bool, CalendarError> {
        let i = self.index(d)?;
        Ok(self.inner.flags[i] & WORKING != 0)
    }

    /// Whether `d` lies in a statutory holiday block (the days off announced for a holiday,
    /// including the weekend days inside the block).
    pub fn is_statutory_holiday(&self, d: NaiveDate) -> Result<bool, CalendarError> {
        let i = self.index(d)?;
        Ok(self.inner.flags[i] & OFF != 0)
    }

    /// Whether `d` is a rest day for the roll-forward rule `rest`.
    pub fn is_rest_day(&self, d: NaiveDate, rest: RestDays) -> Result<bool, CalendarError> {
        let i = self.index(d)?;
        Ok(self.is_rest_at(i, rest))
    }

    /// The key of the holiday block containing `d` (e.g. `spring_festival`), if any.
    pub fn holiday_name(&self, d: NaiveDate) -> Result<Option<&str>, CalendarError> {
        Ok(self.holiday_entry(d)?.map(|(key, _)| key.as_str()))
    }

    /// The Chinese name of the holiday block containing `d` (e.g. `春节`), if any.
    pub fn holiday_display_name(&self, d: NaiveDate) -> Result<Option<&str>, CalendarError> {
        Ok(self.holiday_entry(d)?.map(|(_, zh)| zh.as_str()))
    }

    fn holiday_entry(&self, d: NaiveDate) -> Result<Option<&(String, String)>, CalendarError> {
        let i = self.index(d)?;
        let tag = usize::from(self.inner.holiday[i]);
        Ok(tag
            .checked_sub(1)
            .and_then(|k| self.inner.holiday_keys.get(k)))
    }

    /// The holiday blocks of a year (loaded, or provisional), in date order.
    pub fn holiday_blocks(&self, year: i32) -> Result<&[HolidayBlock], CalendarError> {
        Ok(&self.year_data(year)?.blocks)
    }

    /// The make-up working days (调休上班) of a year, ascending (none in a provisional year).
    pub fn make_up_workdays(&self, year: i32) -> Result<&[NaiveDate], CalendarError> {
        Ok(&self.year_data(year)?.workdays)
    }

    /// The notice a year's arrangement was taken from (for a provisional year: the rules).
    pub fn source(&self, year: i32) -> Result<&str, CalendarError> {
        Ok(&self.year_data(year)?.source)
    }

    fn year_data(&self, year: i32) -> Result<&YearData, CalendarError> {
        self.inner
            .years
            .get(&year)
            .ok_or(CalendarError::OutOfRange(year))
    }

    /// The `n`-th working day after `d` (`d` itself is not counted); `n = 0` gives `d`.
    ///
    /// "Within N working days of D" ends on `add_working_days(D, N)` (A1, A3–A5).
    pub fn add_working_days(&self, d: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let i = self.index(d)?;
        if n == 0 {
            return Ok(d);
        }
        let target = u64::from(self.inner.cum_working[i]) + u64::from(n);
        self.nth_working_day(target)
    }

    /// The `n`-th working day before `d` (`d` itself is not counted); `n = 0` gives `d`.
    pub fn sub_working_days(&self, d: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let i = self.index(d)?;
        if n == 0 {
            return Ok(d);
        }
        // Working days strictly before `d`.
        let before =
            u64::from(self.inner.cum_working[i]) - u64::from(self.inner.flags[i] & WORKING);
        if u64::from(n) > before {
            return Err(CalendarError::OutOfRange(self.inner.first_year - 1));
        }
        self.nth_working_day(before - u64::from(n) + 1)
    }

    /// The number of working days in `(from, to]`; negative (minus the count in `(to, from]`)
    /// when `to < from`.
    pub fn working_days_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<i64, CalendarError> {
        let i = self.index(from)?;
        let j = self.index(to)?;
        Ok(i64::from(self.inner.cum_working[j]) - i64::from(self.inner.cum_working[i]))
    }

    /// The end of a calendar-day period of `n` days starting on `d` (A2): `d + n` (the start day
    /// is not counted); if that is a rest day under `rest`, the first day after it that is not.
    pub fn period_end_days(
        &self,
        d: NaiveDate,
        n: u32,
        rest: RestDays,
    ) -> Result<NaiveDate, CalendarError> {
        let i = self.index(d)?;
        let j = i.saturating_add(usize::try_from(n).unwrap_or(usize::MAX));
        if j >= self.inner.flags.len() {
            let year = d
                .checked_add_days(Days::new(u64::from(n)))
                .map_or(self.inner.last_year + 1, |t| t.year());
            return Err(CalendarError::OutOfRange(year));
        }
        self.roll_from(j, rest)
    }

    /// The end of a period of `months` months starting on `d`: the same day of the month
    /// `months` months later (the last day of that month if it has no such day), then rolled
    /// forward like [`Calendar::period_end_days`].
    pub fn period_end_months(
        &self,
        d: NaiveDate,
        months: u32,
        rest: RestDays,
    ) -> Result<NaiveDate, CalendarError> {
        self.index(d)?;
        let end = d
            .checked_add_months(Months::new(months))
            .ok_or(CalendarError::OutOfRange(self.inner.last_year + 1))?;
        let j = self.index(end)?;
        self.roll_from(j, rest)
    }

    /// `d` rolled forward to the first day on or after it that is not a rest day under `rest`.
    pub fn roll_forward(&self, d: NaiveDate, rest: RestDays) -> Result<NaiveDate, CalendarError> {
        let i = self.index(d)?;
        self.roll_from(i, rest)
    }

    /// The first working day on or after `d`.
    pub fn next_working_day_on_or_after(&self, d: NaiveDate) -> Result<NaiveDate, CalendarError> {
        self.roll_forward(d, RestDays::HolidaysAndWeekends)
    }

    // ---- internals -------------------------------------------------------------------------

    /// Index of `d` in the per-day arrays, or `OutOfRange`.
    #[inline]
    fn index(&self, d: NaiveDate) -> Result<usize, CalendarError> {
        let year = d.year();
        if year < self.inner.first_year || year > self.inner.last_year {
            return Err(CalendarError::OutOfRange(year));
        }
        usize::try_from(d.num_days_from_ce() - self.inner.epoch)
            .map_err(|_| CalendarError::OutOfRange(year))
    }

    /// The date at index `i` (which must be < the number of loaded days).
    #[inline]
    fn date_at(&self, i: usize) -> NaiveDate {
        self.inner.first_day + Days::new(i as u64)
    }

    #[inline]
    fn is_rest_at(&self, i: usize, rest: RestDays) -> bool {
        let f = self.inner.flags[i];
        match rest {
            RestDays::HolidaysAndWeekends => f & WORKING == 0,
            RestDays::HolidaysOnly => f & OFF != 0,
        }
    }

    /// The `k`-th working day (1-based) counted from the first loaded day.
    fn nth_working_day(&self, k: u64) -> Result<NaiveDate, CalendarError> {
        let cum = &self.inner.cum_working;
        if k == 0 {
            return Err(CalendarError::OutOfRange(self.inner.first_year - 1));
        }
        if k > cum.last().map_or(0, |&c| u64::from(c)) {
            return Err(CalendarError::OutOfRange(self.inner.last_year + 1));
        }
        // First index whose running count reaches k: the running count steps up exactly there,
        // so that day is a working day.
        let j = cum.partition_point(|&c| u64::from(c) < k);
        Ok(self.date_at(j))
    }

    /// The first index `>= i` that is not a rest day, as a date.
    fn roll_from(&self, i: usize, rest: RestDays) -> Result<NaiveDate, CalendarError> {
        let len = self.inner.flags.len();
        let mut j = i;
        while j < len && self.is_rest_at(j, rest) {
            j += 1;
        }
        if j == len {
            return Err(CalendarError::OutOfRange(self.inner.last_year + 1));
        }
        Ok(self.date_at(j))
    }
}

fn ymd(y: i32, m: u32, d: u32) -> Result<NaiveDate, CalendarError> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| CalendarError::Invalid(format!("年份 {y} 无效")))
}

#[cfg(test)]
mod tests;
