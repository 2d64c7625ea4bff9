//! The answer of the rule engine for one case timeline: rule violations and deadlines.
//!
//! This is a public, documented interface (`docs/case-timeline.md`): `fazhi case check`
//! prints it and `POST /api/v1/case-checks` returns it as JSON.

use chrono::NaiveDate;
use serde::Serialize;

/// One breach of a legal rule found in a timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// Rule identifier from `legal-rules.md`, e.g. `hearing_notice_period`.
    pub rule: String,
    /// 0-based index of the event at which the breach becomes certain; `None` for
    /// breaches of the timeline as a whole (e.g. the limitation period).
    pub event: Option<usize>,
    /// Legal basis in Chinese, e.g. `《中华人民共和国行政处罚法》第六十四条`.
    pub basis: String,
    /// Explanation in Chinese for the user.
    pub message: String,
}

/// Where a deadline stands on the evaluation date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineStatus {
    /// The required act happened on or before the due date.
    Met,
    /// The required act happened after the due date.
    Missed,
    /// Not yet done, due date not reached and not near.
    Pending,
    /// Not yet done, due within the configured warning window.
    NearDue,
    /// Not yet done and the due date has passed.
    Overdue,
    /// A party's optional window (e.g. to request a hearing) closed unused.
    Lapsed,
}

/// A legal time limit computed from the timeline on the working-day calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// Rule identifier from `legal-rules.md`, e.g. `decision_deadline_90d`.
    pub rule: String,
    /// What must happen, in Chinese, e.g. `作出处罚决定`.
    pub label: String,
    /// 0-based index of the event that started the period.
    pub from_event: Option<usize>,
    /// Last day on which the act is on time.
    pub due: NaiveDate,
    /// `Some(true)` when done in time, `Some(false)` when done late or overdue,
    /// `None` while still open and not yet due.
    pub met: Option<bool>,
    pub status: DeadlineStatus,
    /// Legal basis in Chinese.
    pub basis: String,
}

/// Everything the engine says about one timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct CheckReport {
    pub violations: Vec<Violation>,
    pub deadlines: Vec<Deadline>,
}

impl CheckReport {
    /// Violations that become certain at event `index` (the ones a live case refuses
    /// when that event is submitted).
    pub fn violations_at(&self, index: usize) -> impl Iterator<Item = &Violation> {
        self.violations
            .iter()
            .filter(move |v| v.event == Some(index))
    }
}
