//! Errors of the working-day calendar.
//!
//! The `Display` text of every error is Simplified Chinese: it is shown to bureau staff as is.

/// Why a calendar could not be loaded or could not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The date (or a date that the computation had to walk through) lies in a year whose holiday
    /// arrangement is not loaded. The calendar never guesses.
    #[error("日历未载入{0}年的节假日安排，无法计算工作日")]
    YearNotLoaded(i32),
    /// The holiday data file is malformed or inconsistent. The message says what is wrong.
    #[error("节假日数据无效：{0}")]
    Invalid(String),
}
