//! Working-day calendar of the People's Republic of China and legal period arithmetic.
//!
//! Implements legal-rules.md section A (counting days) on the holiday data of section P:
//! working days (Mon–Fri outside the statutory holiday blocks, plus make-up working days),
//! "N working days after D", and calendar-day / month periods whose last day is rolled forward
//! over rest days. Semantics and worked examples: `docs/day-counting.md`.
//!
//! A year whose State Council notice is not loaded is counted on the provisional calendar
//! ([`provisional`]: the statutory holidays of 《全国年节及纪念日放假办法》 and weekends, no
//! 调休); [`Calendar::crosses_provisional`] tells whether a result depends on such a day. Only a
//! date outside [`SUPPORTED_YEARS`] is an error ([`CalendarError::OutOfRange`]).
//!
//! ```
//! use chrono::NaiveDate;
//! use fazhi_calendar::{Calendar, RestDays};
//!
//! let cal = Calendar::china();
//! let d = NaiveDate::from_ymd_opt(2025, 9, 26).ok_or("date")?;
//! // 9-28 (Sun) is a make-up working day; 10-01..10-08 are off.
//! assert_eq!(cal.add_working_days(d, 5)?, NaiveDate::from_ymd_opt(2025, 10, 10).ok_or("date")?);
//! // 15 days after 2025-09-16 is 10-01, inside National Day: rolled to 10-09.
//! let start = NaiveDate::from_ymd_opt(2025, 9, 16).ok_or("date")?;
//! assert_eq!(
//!     cal.period_end_days(start, 15, RestDays::HolidaysAndWeekends)?,
//!     NaiveDate::from_ymd_opt(2025, 10, 9).ok_or("date")?
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod calendar;
mod data;
mod error;
pub mod provisional;
mod span;

pub use calendar::{Calendar, RestDays};
pub use data::HolidayBlock;
pub use error::CalendarError;
pub use provisional::{SUPPORTED_YEARS, StatutoryDay, statutory_basis, statutory_days};
pub use span::{ParseSpanError, Span};
