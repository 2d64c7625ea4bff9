//! Errors of the working-day calendar.
//!
//! The `Display` text of every error is Simplified Chinese: it is shown to bureau staff as is.

/// Why a calendar could not be loaded or could not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The date (or a date that the computation had to walk through) lies outside the years the
    /// calendar supports ([`crate::SUPPORTED_YEARS`]). A year inside the range whose notice is
    /// not loaded is never an error: it is counted on the provisional calendar.
    #[error("{0}年超出工作日历支持的范围（2014年至2099年），无法计算工作日")]
    OutOfRange(i32),
    /// The holiday data file is malformed or inconsistent. The message says what is wrong.
    #[error("节假日数据无效：{0}")]
    Invalid(String),
}
