//! The clock is injected: the domain never reads the system time. Production uses
//! [`SystemClock`]; tests and the demo pin the date with [`FixedClock`].

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use std::sync::{Arc, RwLock};

/// Source of "now" for services and handlers.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
    /// Today's date in China Standard Time (UTC+8), the date legal periods count in.
    fn today(&self) -> NaiveDate {
        (self.now() + chrono::Duration::hours(8)).date_naive()
    }
}

/// The real clock, truncated to microseconds so times round-trip on both databases.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now().trunc_subsecs(6)
    }
}

/// A clock that stands still at a chosen moment and can be moved by tests.
#[derive(Debug, Clone)]
pub struct FixedClock(Arc<RwLock<DateTime<Utc>>>);

impl FixedClock {
    pub fn at(now: DateTime<Utc>) -> Self {
        Self(Arc::new(RwLock::new(now)))
    }
    /// Noon China time on `date`.
    pub fn on(date: NaiveDate) -> Self {
        Self::at(noon_china(date))
    }
    /// Moves the clock on by `by` (tests of delays shorter than a day).
    pub fn advance(&self, by: chrono::Duration) {
        if let Ok(mut guard) = self.0.write() {
            *guard += by;
        }
    }
    pub fn set_date(&self, date: NaiveDate) {
        if let Ok(mut guard) = self.0.write() {
            *guard = noon_china(date);
        }
    }
}

fn noon_china(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(4, 0, 0).unwrap_or_default().and_utc()
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
            .read()
            .map(|g| *g)
            .unwrap_or_else(|e| *e.into_inner())
    }
}

/// Formats a time the way it is stored: RFC 3339, UTC, microseconds.
pub fn to_db_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}
