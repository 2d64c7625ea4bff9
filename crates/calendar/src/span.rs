//! Period lengths as written on the command line: `5wd` (working days), `15d` (calendar days),
//! `6m` (months), as in `fazhi calendar add 2025-09-26 5wd`.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

use crate::calendar::{Calendar, RestDays};
use crate::error::CalendarError;

/// A period length with its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Span {
    /// `Nwd`: N working days (A1, A3–A5).
    WorkingDays(u32),
    /// `Nd`: N calendar days, end rolled forward (A2).
    Days(u32),
    /// `Nm`: N months, end rolled forward (A2).
    Months(u32),
}

/// A period length that is not of the form `5wd`, `15d` or `6m`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("期间“{0}”格式无效，应写作数字加单位：5wd（工作日）、15d（日）、6m（月）")]
pub struct ParseSpanError(pub String);

impl FromStr for Span {
    type Err = ParseSpanError;

    fn from_str(s: &str) -> Result<Span, ParseSpanError> {
        let t = s.trim();
        let (num, make): (&str, fn(u32) -> Span) = if let Some(n) = t.strip_suffix("wd") {
            (n, Span::WorkingDays)
        } else if let Some(n) = t.strip_suffix('d') {
            (n, Span::Days)
        } else if let Some(n) = t.strip_suffix('m') {
            (n, Span::Months)
        } else {
            return Err(ParseSpanError(s.to_owned()));
        };
        if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ParseSpanError(s.to_owned()));
        }
        num.parse()
            .map(make)
            .map_err(|_| ParseSpanError(s.to_owned()))
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Span::WorkingDays(n) => write!(f, "{n}wd"),
            Span::Days(n) => write!(f, "{n}d"),
            Span::Months(n) => write!(f, "{n}m"),
        }
    }
}

impl Calendar {
    /// The end of a period of length `span` starting on `d`: [`Calendar::add_working_days`] for
    /// working days, [`Calendar::period_end_days`] / [`Calendar::period_end_months`] (rolled
    /// forward under `rest`) for calendar days and months.
    pub fn add_span(
        &self,
        d: NaiveDate,
        span: Span,
        rest: RestDays,
    ) -> Result<NaiveDate, CalendarError> {
        match span {
            Span::WorkingDays(n) => self.add_working_days(d, n),
            Span::Days(n) => self.period_end_days(d, n, rest),
            Span::Months(n) => self.period_end_months(d, n, rest),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_units() {
        assert_eq!("5wd".parse(), Ok(Span::WorkingDays(5)));
        assert_eq!("15d".parse(), Ok(Span::Days(15)));
        assert_eq!(" 6m ".parse(), Ok(Span::Months(6)));
        assert_eq!("0d".parse(), Ok(Span::Days(0)));
        for s in [Span::WorkingDays(7), Span::Days(90), Span::Months(6)] {
            assert_eq!(s.to_string().parse(), Ok(s));
        }
    }

    #[test]
    fn rejects_bad_spans() {
        for bad in [
            "",
            "wd",
            "5",
            "5w",
            "-5d",
            "+5d",
            "5 wd",
            "5y",
            "99999999999d",
            "五wd",
        ] {
            assert_eq!(
                bad.parse::<Span>(),
                Err(ParseSpanError(bad.to_owned())),
                "{bad}"
            );
        }
        let msg = ParseSpanError("5y".to_owned()).to_string();
        assert!(msg.contains("格式无效"), "{msg}");
    }

    #[test]
    fn adds_spans() {
        let cal = Calendar::china();
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        let r = RestDays::HolidaysAndWeekends;
        assert_eq!(
            cal.add_span(d(2025, 9, 26), Span::WorkingDays(5), r),
            Ok(d(2025, 10, 10))
        );
        assert_eq!(
            cal.add_span(d(2025, 9, 16), Span::Days(15), r),
            Ok(d(2025, 10, 9))
        );
        assert_eq!(
            cal.add_span(d(2025, 8, 16), Span::Months(6), r),
            Ok(d(2026, 2, 24))
        );
        assert_eq!(
            cal.add_span(d(2013, 12, 31), Span::WorkingDays(1), r),
            Err(CalendarError::OutOfRange(2013))
        );
    }
}
