//! Legal period arithmetic for the engine: due dates on the working-day calendar, marked
//! provisional when their counting crossed a day of a year whose notice is not loaded.
//!
//! A year without a loaded State Council notice is counted on the provisional calendar
//! (`fazhi_calendar::provisional`), so every due date inside the supported years is computed;
//! [`Due::provisional`] says whether it may move when the notice is loaded. Only past the end of
//! the supported years does the calendar refuse: every event date of a checked timeline lies
//! inside them, so such a due date is certainly later than any event, and a [`Due`] then records
//! only that lower bound ("in year Y or later"), which is enough to decide "too late" / "too
//! early" for any event date.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use fazhi_calendar::{Calendar, CalendarError, RestDays};

use crate::timeline::CnDate;

/// The last day of a legal period, exactly or as a lower bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Due {
    /// The due date, or 1 January of the first year past the supported years.
    date: NaiveDate,
    /// Whether `date` is the due date itself.
    exact: bool,
    /// Whether the counting crossed a day of the provisional calendar.
    provisional: bool,
}

impl Due {
    /// A known due date.
    pub(crate) const fn exact(date: NaiveDate) -> Due {
        Due {
            date,
            exact: true,
            provisional: false,
        }
    }

    /// The due date lies in `year` or later (past the supported years).
    fn beyond(year: i32) -> Due {
        Due {
            date: NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MAX),
            exact: false,
            provisional: true,
        }
    }

    /// Whether the counting crossed a day of a year whose notice is not loaded: the date may
    /// move when the notice is loaded.
    pub(crate) const fn provisional(self) -> bool {
        self.provisional
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
            Err(CalendarError::OutOfRange(self.date.year()))
        }
    }

    /// Whether `day` is before the due date (the act came too early).
    pub(crate) fn is_after(self, day: NaiveDate) -> Result<bool, CalendarError> {
        if self.exact {
            Ok(self.date > day)
        } else if day < self.date {
            Ok(true)
        } else {
            Err(CalendarError::OutOfRange(self.date.year()))
        }
    }
}

impl fmt::Display for Due {
    /// `2025年4月17日`, or `2100年或以后（超出工作日历支持的范围）`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.exact {
            write!(f, "{}", CnDate(self.date))
        } else {
            write!(f, "{}年或以后（超出工作日历支持的范围）", self.date.year())
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
        self.wrap(self.calendar.add_working_days(from, n), from)
    }

    /// `n` calendar days after `from`, rolled forward over rest days.
    pub(crate) fn calendar_days(&self, from: NaiveDate, n: u32) -> Result<Due, CalendarError> {
        self.wrap(self.calendar.period_end_days(from, n, self.rest), from)
    }

    /// `n` calendar days after `from`, not rolled (periods counted in hours: "24小时内"):
    /// never provisional, since no holiday moves it.
    pub(crate) fn plain_days(&self, from: NaiveDate, n: u32) -> Due {
        let day = from
            .checked_add_days(chrono::Days::new(u64::from(n)))
            .unwrap_or(NaiveDate::MAX);
        if self.calendar.supported_years().contains(&day.year()) {
            Due::exact(day)
        } else {
            Due::beyond(day.year())
        }
    }

    /// `months` months after `from` (end of month if the day does not exist), rolled forward.
    pub(crate) fn months(&self, from: Due, months: u32) -> Result<Due, CalendarError> {
        match from.date() {
            Some(d) => {
                let mut due = self.months_after(d, months, d)?;
                due.provisional |= from.provisional;
                Ok(due)
            }
            None => Ok(from),
        }
    }

    /// `months` months after `from`, rolled forward, where `from` may itself lie beyond the
    /// supported years; `anchor` is a day in a supported year not after `from`.
    pub(crate) fn months_after(
        &self,
        from: NaiveDate,
        months: u32,
        anchor: NaiveDate,
    ) -> Result<Due, CalendarError> {
        self.wrap(
            self.calendar.period_end_months(from, months, self.rest),
            anchor,
        )
    }

    /// A computed date (provisional when the days from `from` to it cross a provisional day),
    /// or the lower bound when the computation walked out of the supported years.
    fn wrap(
        &self,
        result: Result<NaiveDate, CalendarError>,
        from: NaiveDate,
    ) -> Result<Due, CalendarError> {
        match result {
            Ok(d) => Ok(Due {
                date: d,
                exact: true,
                provisional: self.calendar.crosses_provisional(from, d),
            }),
            Err(CalendarError::OutOfRange(y)) if y > from.year() => Ok(Due::beyond(y)),
            Err(e) => Err(e),
        }
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
    fn due_into_a_year_not_loaded_is_provisional() {
        let cal = Calendar::china();
        let days = Days {
            calendar: &cal,
            rest: RestDays::HolidaysAndWeekends,
        };
        let last = cal.loaded_years().last().unwrap();
        assert!(!cal.is_loaded(last + 1));
        // 7 working days from 30 December of the last loaded year run into the next year.
        let due = days.working(d(last, 12, 30), 7).unwrap();
        assert!(due.date().is_some());
        assert!(due.provisional());
        let exact = days.working(d(2025, 4, 8), 7).unwrap();
        assert_eq!(exact.date(), Some(d(2025, 4, 17)));
        assert!(!exact.provisional());
        assert!(exact.is_missed_by(d(2025, 4, 18)).unwrap());
        assert!(!exact.is_missed_by(d(2025, 4, 17)).unwrap());
        assert!(exact.is_after(d(2025, 4, 16)).unwrap());
        assert!(!exact.is_after(d(2025, 4, 17)).unwrap());
        // A month period from a provisional due date stays provisional.
        assert!(days.months(due, 3).unwrap().provisional());
        // "24小时内" does not depend on holidays.
        assert!(!days.plain_days(d(last + 1, 3, 1), 1).provisional());
    }

    #[test]
    fn due_beyond_the_supported_years_is_a_lower_bound() {
        let cal = Calendar::china();
        let days = Days {
            calendar: &cal,
            rest: RestDays::HolidaysAndWeekends,
        };
        let due = days.working(d(2099, 12, 30), 7).unwrap();
        assert_eq!(due.date(), None);
        assert!(due.provisional());
        assert!(!due.is_missed_by(d(2099, 12, 31)).unwrap());
        assert!(due.is_after(d(2099, 12, 31)).unwrap());
        assert!(due.to_string().contains("超出工作日历支持的范围"));
        assert_eq!(days.months(Due::beyond(2100), 3).unwrap().date(), None);
        // a start outside the supported years is an error, not a bound
        assert!(days.working(d(2100, 1, 5), 1).is_err());
    }
}
