//! Legal period arithmetic for the engine: due dates on the working-day calendar that may lie in
//! a year whose holidays are not loaded yet.
//!
//! The calendar refuses to compute into a year it has not loaded. Every event date of a checked
//! timeline lies in a loaded year, so a due date the calendar cannot reach is certainly later
//! than any event: a [`Due`] then records only that lower bound ("in year Y or later"), which is
//! enough to decide "too late" / "too early" for any event date. Comparing such a bound with a
//! date that is not before it is impossible and reported as the calendar error it is.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use fazhi_calendar::{Calendar, CalendarError, RestDays};

use crate::timeline::CnDate;

/// The last day of a legal period, exactly or as a lower bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Due {
    /// The due date, or 1 January of the first year the calendar has not loaded.
    date: NaiveDate,
    /// Whether `date` is the due date itself.
    exact: bool,
}

impl Due {
    /// A known due date.
    pub(crate) const fn exact(date: NaiveDate) -> Due {
        Due { date, exact: true }
    }

    /// The due date lies in `year` or later (not loaded).
    fn beyond(year: i32) -> Due {
        Due {
            date: NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MAX),
            exact: false,
        }
    }

    /// The due date, when known.
    pub(crate) const fn date(self) -> Option<NaiveDate> {
        if self.exact { Some(self.date) } else { None }
    }

    /// Whether `day` is after the due date (the act came too late).
    pub(crate) fn is_missed_by(self, day: NaiveDate) -> Result<bool, CalendarError> {
        if self.exact {
            Ok(day > self.date)
        } else if day < self.date {
            Ok(false)
        } else {
            Err(CalendarError::YearNotLoaded(self.date.year()))
        }
    }

    /// Whether `day` is before the due date (the act came too early).
    pub(crate) fn is_after(self, day: NaiveDate) -> Result<bool, CalendarError> {
        if self.exact {
            Ok(self.date > day)
        } else if day < self.date {
            Ok(true)
        } else {
            Err(CalendarError::YearNotLoaded(self.date.year()))
        }
    }
}

impl fmt::Display for Due {
    /// `2025年4月17日`, or `2027年或以后（该年节假日安排尚未载入）`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.exact {
            write!(f, "{}", CnDate(self.date))
        } else {
            write!(f, "{}年或以后（该年节假日安排尚未载入）", self.date.year())
        }
    }
}

/// The calendar with the configured rest days.
#[derive(Clone, Copy)]
pub(crate) struct Days<'a> {
    pub(crate) calendar: &'a Calendar,
    pub(crate) rest: RestDays,
}

impl Days<'_> {
    /// The `n`-th working day after `from`.
    pub(crate) fn working(&self, from: NaiveDate, n: u32) -> Result<Due, CalendarError> {
        wrap(self.calendar.add_working_days(from, n), from)
    }

    /// `n` calendar days after `from`, rolled forward over rest days.
    pub(crate) fn calendar_days(&self, from: NaiveDate, n: u32) -> Result<Due, CalendarError> {
        wrap(self.calendar.period_end_days(from, n, self.rest), from)
    }

    /// `n` calendar days after `from`, not rolled (periods counted in hours: "24小时内").
    pub(crate) fn plain_days(&self, from: NaiveDate, n: u32) -> Due {
        let day = from
            .checked_add_days(chrono::Days::new(u64::from(n)))
            .unwrap_or(NaiveDate::MAX);
        if self.calendar.loaded_years().contains(&day.year()) {
            Due::exact(day)
        } else {
            Due::beyond(day.year())
        }
    }

    /// `months` months after `from` (end of month if the day does not exist), rolled forward.
    pub(crate) fn months(&self, from: Due, months: u32) -> Result<Due, CalendarError> {
        match from.date() {
            Some(d) => self.months_after(d, months, d),
            None => Ok(from),
        }
    }

    /// `months` months after `from`, rolled forward, where `from` may itself lie beyond the
    /// loaded years; `anchor` is a day in a loaded year not after `from`.
    pub(crate) fn months_after(
        &self,
        from: NaiveDate,
        months: u32,
        anchor: NaiveDate,
    ) -> Result<Due, CalendarError> {
        wrap(
            self.calendar.period_end_months(from, months, self.rest),
            anchor,
        )
    }
}

/// A computed date, or the lower bound when the computation walked out of the loaded years.
fn wrap(result: Result<NaiveDate, CalendarError>, from: NaiveDate) -> Result<Due, CalendarError> {
    match result {
        Ok(d) => Ok(Due::exact(d)),
        Err(CalendarError::YearNotLoaded(y)) if y > from.year() => Ok(Due::beyond(y)),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn due_beyond_the_loaded_years_is_a_lower_bound() {
        let cal = Calendar::china();
        let days = Days {
            calendar: &cal,
            rest: RestDays::HolidaysAndWeekends,
        };
        let last = *cal.loaded_years().end();
        let due = days.working(d(last, 12, 30), 7).unwrap();
        assert_eq!(due.date(), None);
        assert!(!due.is_missed_by(d(last, 12, 31)).unwrap());
        assert!(due.is_after(d(last, 12, 31)).unwrap());
        assert!(due.is_missed_by(d(last + 1, 1, 2)).is_err());
        assert!(due.to_string().contains("尚未载入"));
        // a start in an unloaded year is an error, not a bound
        assert!(days.working(d(last + 1, 1, 5), 1).is_err());
        let exact = days.working(d(2025, 4, 8), 7).unwrap();
        assert_eq!(exact.date(), Some(d(2025, 4, 17)));
        assert!(exact.is_missed_by(d(2025, 4, 18)).unwrap());
        assert!(!exact.is_missed_by(d(2025, 4, 17)).unwrap());
        assert!(exact.is_after(d(2025, 4, 16)).unwrap());
        assert!(!exact.is_after(d(2025, 4, 17)).unwrap());
        assert_eq!(days.months(Due::beyond(last + 1), 3).unwrap().date(), None);
    }
}
