//! The answer of the rule engine for one case timeline: rule violations and deadlines.
//!
//! This is a public, documented interface (`docs/case-timeline.md`): `fazhi case check`
//! prints it and `POST /api/v1/case-checks` returns it as JSON.

use chrono::NaiveDate;
use serde::Serialize;

use crate::timeline::Yuan;

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
    /// The counting crossed a day of a year whose State Council holiday notice is not loaded
    /// (provisional calendar): the date may move when the notice is loaded. Serialized only
    /// when true (`"provisional": true`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub provisional: bool,
}

/// The late-payment surcharge (加处罚款) of the latest fine decision, as of the evaluation date
/// (or the day the fine was paid in full): what has accrued and its cap, so that the bureau can
/// decide it (行政处罚法第七十二条第一项；行政强制法第四十五条).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Surcharge {
    /// Always `late_payment_surcharge`.
    pub rule: String,
    /// The fine decided.
    pub fine: Yuan,
    /// Last day of the payment period; the surcharge accrues from the day after.
    pub due: NaiveDate,
    /// The day the accrual is counted to: the day the fine was paid in full, else the
    /// evaluation date.
    pub until: NaiveDate,
    /// Days after `due` up to `until` (0 when paid on time or not yet due).
    pub days_late: u32,
    /// Percent of the fine per day (3).
    pub percent_per_day: u32,
    /// Accrued so far: fine × percent × days, never more than `cap`.
    pub accrued: Yuan,
    /// The total may not exceed the fine.
    pub cap: Yuan,
    /// Surcharge recorded as paid on the payments.
    pub paid: Yuan,
    /// The same in Chinese for the user.
    pub message: String,
    /// Legal basis in Chinese.
    pub basis: String,
}

/// Everything the engine says about one timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct CheckReport {
    pub violations: Vec<Violation>,
    pub deadlines: Vec<Deadline>,
    /// Where the case stands after its last event.
    pub stage: CaseStage,
    /// The late-payment surcharge of the latest fine decision once its payment period is
    /// known (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub surcharge: Option<Surcharge>,
}

/// The stage a case has reached (the furthest step taken so far; stages never go back).
///
/// Ordered: a later variant is a later stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CaseStage {
    /// 线索: nothing registered yet (also the stage of a timeline without events).
    #[default]
    Lead,
    /// 立案.
    Registered,
    /// 调查取证 (evidence, preservation, coercive measures).
    Investigating,
    /// 事先告知 given.
    Notified,
    /// The party requested a hearing.
    HearingRequested,
    /// The hearing notice was served.
    HearingScheduled,
    /// The hearing was held.
    Heard,
    /// 决定 (or 当场处罚) made.
    Decided,
    /// The decision was served.
    Served,
    /// 执行: the fine was paid in full, or enforcement was applied for.
    Executed,
    /// 结案.
    Closed,
    /// 归档.
    Archived,
}

impl CaseStage {
    /// The snake_case id used in the JSON answer.
    pub const fn as_str(self) -> &'static str {
        match self {
            CaseStage::Lead => "lead",
            CaseStage::Registered => "registered",
            CaseStage::Investigating => "investigating",
            CaseStage::Notified => "notified",
            CaseStage::HearingRequested => "hearing_requested",
            CaseStage::HearingScheduled => "hearing_scheduled",
            CaseStage::Heard => "heard",
            CaseStage::Decided => "decided",
            CaseStage::Served => "served",
            CaseStage::Executed => "executed",
            CaseStage::Closed => "closed",
            CaseStage::Archived => "archived",
        }
    }

    /// Chinese name.
    pub const fn label(self) -> &'static str {
        match self {
            CaseStage::Lead => "线索",
            CaseStage::Registered => "已立案",
            CaseStage::Investigating => "调查取证",
            CaseStage::Notified => "已事先告知",
            CaseStage::HearingRequested => "已申请听证",
            CaseStage::HearingScheduled => "已通知听证",
            CaseStage::Heard => "已听证",
            CaseStage::Decided => "已决定",
            CaseStage::Served => "已送达",
            CaseStage::Executed => "执行",
            CaseStage::Closed => "已结案",
            CaseStage::Archived => "已归档",
        }
    }
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
