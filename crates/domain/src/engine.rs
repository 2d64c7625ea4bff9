//! The rule engine: checks a case timeline against the penalty-case rules of
//! `docs/rules-engine.md` and computes its legal deadlines.
//!
//! [`check_timeline`] folds the events, in order, through a [`Case`]: the case's
//! [`CaseStage`] plus the facts accumulated so far (first registration, latest advance notice,
//! hearing steps, reviews, the decision, service, payments, open deadlines). At each event it
//! evaluates exactly the rules the contract attaches to that event type, so a violation is
//! reported at the first event at which it becomes certain — the event the live case API
//! refuses. After the last event the open deadlines are given a status on `today`.
//!
//! Pure: no I/O, no clock. The calendar, the numbers ([`RulesConfig`]), the catalogue and the
//! evaluation date come in through [`CheckContext`].

mod days;
#[cfg(test)]
mod tests;

use std::fmt::Write as _;

use chrono::{Months, NaiveDate};
use fazhi_calendar::{Calendar, CalendarError};

use crate::catalogue::{Catalogue, ViolationEntry};
use crate::config::{DayUnit, RulesConfig};
use crate::report::{CaseStage, CheckReport, Deadline, DeadlineStatus, Surcharge, Violation};
use crate::rule::{Basis, RuleId};
use crate::timeline::{
    CertificateStatus, CloseReason, CnDate, DecisionFacts, DecisionOutcome, Event, EventKind,
    EventType, PartyKind, PaymentMethod, Penalty, PenaltyKind, Procedure, ReviewResult, Right,
    ServiceMethod, Timeline, TimelineError, Yuan,
};
use days::{Days, Due};

/// Everything a check needs besides the timeline.
#[derive(Clone, Copy)]
pub struct CheckContext<'a> {
    /// The working-day calendar.
    pub calendar: &'a Calendar,
    /// The numbers and switches.
    pub rules: &'a RulesConfig,
    /// The violation catalogue; without it `penalty_types` is not checked and the timeline's
    /// `violation` code is not looked up.
    pub catalogue: Option<&'a Catalogue>,
    /// The evaluation date for deadline statuses.
    pub today: NaiveDate,
}

/// Why a timeline could not be checked at all (as opposed to a violation found in it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    /// The timeline is not valid (unknown officer, events out of order, unknown violation code…).
    #[error("{0}")]
    InvalidTimeline(#[from] TimelineError),
    /// A date lies outside the years the calendar supports (or the holiday data is broken). A
    /// year whose notice is not loaded is not an error: it is counted provisionally.
    #[error("{0}")]
    Calendar(#[from] CalendarError),
}

impl CheckError {
    /// Stable machine-readable code: `invalid_timeline`, `calendar_out_of_range` or
    /// `calendar_invalid`. The timeline error's own code is [`TimelineError::code`].
    pub const fn code(&self) -> &'static str {
        match self {
            CheckError::InvalidTimeline(_) => "invalid_timeline",
            CheckError::Calendar(CalendarError::OutOfRange(_)) => "calendar_out_of_range",
            CheckError::Calendar(CalendarError::Invalid(_)) => "calendar_invalid",
        }
    }
}

/// Checks `timeline` against the rules and computes its deadlines as of `ctx.today`.
///
/// Errors (not violations): the timeline fails [`Timeline::validate`], its `violation` code is
/// not in the catalogue (when one is given), or an event date lies outside the years the
/// calendar supports. A year whose notice is not loaded is counted provisionally (deadlines
/// carry `provisional`), never refused.
pub fn check_timeline(
    timeline: &Timeline,
    ctx: &CheckContext<'_>,
) -> Result<CheckReport, CheckError> {
    timeline.validate()?;
    let entry = match (ctx.catalogue, timeline.violation.as_deref()) {
        (Some(catalogue), Some(code)) => {
            Some(
                catalogue
                    .get(code)
                    .ok_or_else(|| TimelineError::UnknownViolationCode {
                        code: code.to_owned(),
                    })?,
            )
        }
        _ => None,
    };
    for e in &timeline.events {
        ctx.calendar.is_working_day(e.on)?;
        match e.kind {
            EventKind::HearingNotice { hearing_on } => {
                ctx.calendar.is_working_day(hearing_on)?;
            }
            EventKind::CoerciveMeasure { until, .. } => {
                ctx.calendar.is_working_day(until)?;
            }
            _ => {}
        }
    }
    let mut case = Case::new(timeline, ctx, entry);
    for (index, event) in timeline.events.iter().enumerate() {
        case.step(index, event)?;
    }
    case.finish()
}

/// The basis of the surcharge figures in the answer.
const SURCHARGE_BASIS: &str =
    "《中华人民共和国行政处罚法》第七十二条；《中华人民共和国行政强制法》第四十五条";

/// The last day of the statement and defence period that an advance notice served on
/// `notice_on` states: the `statement_working_days`-th working day after it. The decision may
/// come the day after at the earliest (unless the party was heard or waived in writing); the
/// generated 行政处罚事先告知书 prints this date.
pub fn statement_period_end(
    calendar: &Calendar,
    rules: &RulesConfig,
    notice_on: NaiveDate,
) -> Result<NaiveDate, CalendarError> {
    calendar.add_working_days(notice_on, rules.statement_working_days)
}

/// The last day on which the party may request a hearing after an advance notice served on
/// `notice_on` (行政处罚法第六十四条第一项: 告知后五日内; `hearing_request_working_days`); the
/// generated 行政处罚事先告知书 prints this date beside the statement period's.
pub fn hearing_request_end(
    calendar: &Calendar,
    rules: &RulesConfig,
    notice_on: NaiveDate,
) -> Result<NaiveDate, CalendarError> {
    calendar.add_working_days(notice_on, rules.hearing_request_working_days)
}

/// Whether a penalty gives the party the right to request a hearing (Art. 63; Henan 204号 Art. 4).
pub fn gives_hearing_right(penalty: &Penalty, party: PartyKind, rules: &RulesConfig) -> bool {
    let threshold = rules.hearing_fine(party);
    penalty.fine.is_some_and(|f| f >= threshold)
        || penalty.confiscation.is_some_and(|c| c >= threshold)
        || penalty.kinds().any(PenaltyKind::always_gives_hearing_right)
}

// ---------------------------------------------------------------------------------------------
// Case state
// ---------------------------------------------------------------------------------------------

/// An event's position and date.
#[derive(Debug, Clone, Copy)]
struct At {
    index: usize,
    on: NaiveDate,
}

/// The latest advance notice.
#[derive(Debug, Clone, Copy)]
struct Notice<'t> {
    at: At,
    proposed: &'t Penalty,
    offers_hearing: bool,
}

/// What a decision decided, for closing the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decides {
    Penalty,
    NoPenalty,
    Transfer,
}

/// The latest decision (ordinary `decision` or `summary_penalty`).
#[derive(Debug, Clone, Copy)]
struct Decided {
    at: At,
    summary: bool,
    decides: Decides,
    /// The fine decided, if any.
    fine: Option<Yuan>,
    /// The first service after it.
    service: Option<Served>,
    /// Index into `Case::deadlines` of its service deadline (ordinary decisions).
    service_deadline: Option<usize>,
    /// Index into `Case::deadlines` of its payment deadline (a summary penalty's runs from the
    /// decision until a service re-bases it).
    payment_deadline: Option<usize>,
    /// Index into `Case::deadlines` of its court-application deadline.
    court_deadline: Option<usize>,
    /// Fine paid so far.
    paid: Yuan,
    /// Late-payment surcharge paid so far.
    surcharge_paid: Yuan,
    /// The day the fine was paid in full.
    paid_in_full_on: Option<NaiveDate>,
}

/// Service of the decision.
#[derive(Debug, Clone, Copy)]
struct Served {
    /// The day of the service event.
    on: NaiveDate,
    /// The day service takes effect (public notice: 30 days after the notice; may lie in a
    /// provisional year).
    effective: NaiveDate,
}

/// A deadline being tracked.
#[derive(Debug, Clone)]
struct Tracked {
    rule: RuleId,
    label: &'static str,
    from: usize,
    due: Due,
    /// The day the required act happened.
    done: Option<NaiveDate>,
    /// A party's optional window (hearing request): unused and past → `lapsed`.
    optional: bool,
    /// The party waived the window.
    waived: bool,
    /// Reported only while the fine is unpaid or once the act happened.
    only_if_unpaid: bool,
    /// The decision it belongs to was revoked: no longer reported (issue 10 part A).
    void: bool,
}

/// The case as it stands after the events folded so far.
struct Case<'t, 'c> {
    t: &'t Timeline,
    rules: &'c RulesConfig,
    days: Days<'c>,
    calendar: &'c Calendar,
    entry: Option<&'c ViolationEntry>,
    today: NaiveDate,

    stage: CaseStage,
    violations: Vec<Violation>,
    deadlines: Vec<Tracked>,

    limitation_checked: bool,
    register: Option<At>,
    decision_deadline: Option<usize>,
    first_decision_checked: bool,
    notice: Option<Notice<'t>>,
    /// The party stated and defended, was heard or waived in writing after the latest notice.
    heard_since_notice: bool,
    hearing_window: Option<usize>,
    hearing_requested_in_window: Option<At>,
    hearing_notice: bool,
    /// The hearing date of the latest hearing notice.
    notified_hearing_on: Option<NaiveDate>,
    /// Index of the latest hearing held.
    hearing_at: Option<usize>,
    /// Index of the latest legal review.
    review_at: Option<usize>,
    /// Index of the latest collective deliberation.
    deliberation_at: Option<usize>,
    hearing_held: bool,
    hearing_waived: bool,
    review: Option<ReviewResult>,
    deliberation: bool,
    decided: Option<Decided>,
    /// Preservations without a handling decision yet, with their deadline index.
    preservations: Vec<(At, usize)>,
    /// Seizures (查封、扣押) without a handling decision yet: the measure, its last day and the
    /// index of its deadline.
    seizures: Vec<(At, NaiveDate, usize)>,
    demand: Option<At>,
    /// The latest enforcement step: an application to the court or a forced demolition.
    enforcement: Option<At>,
    /// Officers who withdrew (回避), with the recusal event.
    recused: Vec<(&'t str, At)>,
    /// The latest report proposing a criminal transfer.
    transfer_report: Option<At>,
    /// The latest transfer decision with the index of its hand-over deadline.
    transfer: Option<(At, usize)>,
    /// The latest demolition announcement with its self-demolition deadline.
    announcement: Option<(At, NaiveDate)>,
    // issue 10 part B
    /// Days the decision period was extended (approved `extension` events).
    decision_extension_days: u32,
    /// Periods not counted towards the decision period (`suspension` events), first and last day.
    decision_exclusions: Vec<(NaiveDate, NaiveDate)>,
    /// The deadline the latest demand (催告书) states for performance.
    demand_deadline: Option<NaiveDate>,
    /// The latest enforcement decision (行政强制执行决定) and the day it was served.
    enforcement_decision: Option<(At, Option<NaiveDate>)>,
    /// Reconsiderations and lawsuits filed and not yet ended.
    remedies_pending: Vec<(EventType, At)>,
}

impl<'t, 'c> Case<'t, 'c> {
    fn new(t: &'t Timeline, ctx: &CheckContext<'c>, entry: Option<&'c ViolationEntry>) -> Self {
        Case {
            t,
            rules: ctx.rules,
            days: Days {
                calendar: ctx.calendar,
                rest: ctx.rules.rest_days,
            },
            calendar: ctx.calendar,
            entry,
            today: ctx.today,
            stage: CaseStage::Lead,
            violations: Vec::new(),
            deadlines: Vec::with_capacity(6),
            limitation_checked: false,
            register: None,
            decision_deadline: None,
            first_decision_checked: false,
            notice: None,
            heard_since_notice: false,
            hearing_window: None,
            hearing_requested_in_window: None,
            hearing_notice: false,
            notified_hearing_on: None,
            hearing_at: None,
            review_at: None,
            deliberation_at: None,
            hearing_held: false,
            hearing_waived: false,
            review: None,
            deliberation: false,
            decided: None,
            preservations: Vec::new(),
            seizures: Vec::new(),
            demand: None,
            enforcement: None,
            recused: Vec::new(),
            transfer_report: None,
            transfer: None,
            announcement: None,
            // issue 10 part B
            decision_extension_days: 0,
            decision_exclusions: Vec::new(),
            demand_deadline: None,
            enforcement_decision: None,
            remedies_pending: Vec::new(),
        }
    }

    /// Applies one event: evaluates the rules attached to its type (in the order of the
    /// contract table), records its facts and advances the stage.
    fn step(&mut self, index: usize, e: &'t Event) -> Result<(), CheckError> {
        let at = At { index, on: e.on };
        let t = e.event_type();
        if t.needs_two_officers() {
            self.min_two_certified(at, e);
        }
        // The officers of a recusal are the ones withdrawing, not acting. Whoever reports a
        // lead (a 协管员, an information collector of 数字城管) carries out no penalty act: the
        // certificate is required of those who do (第四十二条; issue 10 part A).
        if t != EventType::Recusal {
            if t != EventType::Lead {
                self.certificates(at, e);
            }
            self.recusal(at, e);
        }
        let next = match &e.kind {
            EventKind::Lead => {
                self.limitation(at, t);
                Some(CaseStage::Lead)
            }
            EventKind::Register => {
                self.limitation(at, t);
                if self.register.is_none() {
                    self.register = Some(at);
                    let due = self.days.calendar_days(e.on, self.rules.decision_days)?;
                    self.decision_deadline =
                        Some(self.track(RuleId::DecisionDeadline90d, "作出行政处罚决定", at, due));
                }
                Some(CaseStage::Registered)
            }
            EventKind::Evidence => {
                // issue 10 part B: discovery is the first investigation act.
                self.limitation(at, t);
                Some(CaseStage::Investigating)
            }
            EventKind::Preservation => {
                // issue 10 part B
                self.limitation(at, t);
                let due = self
                    .days
                    .working(e.on, self.rules.preservation_decision_working_days)?;
                let k = self.track(
                    RuleId::EvidencePreservation7wd,
                    "对先行登记保存的证据作出处理决定",
                    at,
                    due,
                );
                self.preservations.push((at, k));
                Some(CaseStage::Investigating)
            }
            EventKind::PreservationDecision => {
                self.preservation_decision(at)?;
                Some(CaseStage::Investigating)
            }
            EventKind::AdvanceNotice { proposed, rights } => {
                self.case_filing(at, t);
                self.advance_notice(at, proposed, rights)?;
                self.record_elements(at, RecordStep::Notice);
                Some(CaseStage::Notified)
            }
            EventKind::Defence | EventKind::StatementWaiver => {
                self.heard_since_notice = true;
                None
            }
            EventKind::Recusal => {
                for id in &e.officers {
                    if !self.recused.iter().any(|(r, _)| r == id) {
                        self.recused.push((id.as_str(), at));
                    }
                }
                None
            }
            EventKind::TransferReport => {
                self.transfer_report = Some(at);
                None
            }
            EventKind::DemolitionAnnouncement { deadline } => {
                self.announcement = Some((at, *deadline));
                None
            }
            EventKind::HearingRequest => {
                self.hearing_request(at)?;
                Some(CaseStage::HearingRequested)
            }
            EventKind::HearingNotice { hearing_on } => {
                self.hearing_notice_period(at, *hearing_on)?;
                self.hearing_notice = true;
                self.notified_hearing_on = Some(*hearing_on);
                Some(CaseStage::HearingScheduled)
            }
            EventKind::Hearing { chair } => {
                self.hearing(at, chair.as_deref());
                self.hearing_held = true;
                self.hearing_at = Some(at.index);
                self.heard_since_notice = true;
                Some(CaseStage::Heard)
            }
            EventKind::HearingWaiver => {
                self.hearing_waived = true;
                if let Some(k) = self.hearing_window
                    && self.deadlines[k].done.is_none()
                {
                    self.deadlines[k].waived = true;
                }
                None
            }
            EventKind::LegalReview { result } => {
                self.review = Some(*result);
                self.review_at = Some(at.index);
                None
            }
            EventKind::Deliberation => {
                self.deliberation = true;
                self.deliberation_at = Some(at.index);
                None
            }
            EventKind::Decision { outcome, facts } => {
                self.case_filing(at, t);
                self.decision(at, outcome, facts)?;
                if matches!(outcome, DecisionOutcome::Penalty(_))
                    && self.t.procedure == Procedure::Ordinary
                {
                    self.record_elements(at, RecordStep::Decision);
                }
                Some(CaseStage::Decided)
            }
            EventKind::Service {
                method,
                consent,
                posted_on,
            } => {
                // issue 10 part B
                self.serve_enforcement_decision(at);
                self.service(at, *method, *consent, *posted_on)?
            }
            EventKind::Payment {
                amount,
                surcharge,
                method,
                remote,
                handed_in_on,
                hard_to_collect_later,
            } => {
                // issue 10 part A
                let collection = OnSpot {
                    remote: *remote,
                    hard_to_collect_later: *hard_to_collect_later,
                    handed_in_on: *handed_in_on,
                };
                self.payment(at, *amount, *surcharge, *method, collection)?
            }
            EventKind::Demand { deadline } => {
                self.demand = Some(at);
                // issue 10 part B
                self.demand_deadline = *deadline;
                None
            }
            EventKind::CourtEnforcementApplication => {
                self.court_application(at)?;
                self.enforcement = Some(at);
                Some(CaseStage::Executed)
            }
            EventKind::Close { reason, ground } => {
                self.close(at);
                self.closing(at, *reason, ground.as_deref());
                // issue 10 part B
                self.close_ends_decision_period(at, *reason);
                Some(CaseStage::Closed)
            }
            EventKind::Archive => Some(CaseStage::Archived),
            EventKind::SummaryPenalty { penalty, facts } => {
                self.limitation(at, t);
                self.summary_penalty(at, penalty, facts)?;
                Some(CaseStage::Decided)
            }
            EventKind::CoerciveMeasure {
                until,
                extended,
                emergency,
                approved,
                reported_on,
                record,
            } => {
                // issue 10 part B
                self.limitation(at, t);
                self.coercive_measure(at, *until, *extended, *emergency, *approved, *reported_on)?;
                if !*record {
                    let message = format!(
                        "{}实施查封、扣押没有制作现场笔录（应由当事人和执法人员签名或盖章，当事人拒绝的在笔录中注明）",
                        CnDate(at.on)
                    );
                    self.flag(
                        RuleId::CoerciveMeasureSteps,
                        Basis::Coercion18Item7,
                        at,
                        message,
                    );
                }
                Some(CaseStage::Investigating)
            }
            EventKind::SeizureDecision => {
                self.seizure_decision(at);
                Some(CaseStage::Investigating)
            }
            EventKind::TransferHandover => {
                self.transfer_handover(at)?;
                None
            }
            EventKind::ForcedDemolition => {
                self.forced_demolition(at)?;
                // issue 10 part B
                self.enforcement_steps(at);
                self.no_pending_remedy(at);
                self.enforcement = Some(at);
                Some(CaseStage::Executed)
            }
            // issue 10 part A
            EventKind::Revocation { .. } => {
                self.revocation(at);
                None
            }
            // issue 10 part B
            EventKind::Extension { days, .. } => {
                self.extension(at, *days)?;
                None
            }
            EventKind::Suspension { kind, from, until } => {
                self.suspension(at, *kind, *from, *until)?;
                None
            }
            EventKind::EnforcementDecision => {
                self.enforcement_decision(at);
                None
            }
            EventKind::Reconsideration { ended } | EventKind::Lawsuit { ended } => {
                if *ended {
                    if let Some(k) = self.remedies_pending.iter().position(|(r, _)| *r == t) {
                        self.remedies_pending.remove(k);
                    }
                } else {
                    self.remedies_pending.push((t, at));
                }
                None
            }
        };
        if let Some(next) = next {
            self.stage = self.stage.max(next);
        }
        Ok(())
    }

    /// With a case record kept (`record:`), the 事先告知 must state the facts and reasons
    /// (第四十四条) and the 决定书 the party's identity and address, the facts and the evidence
    /// (第五十九条, B19): the elements missing from the record are named, as the documents'
    /// refusals name them (`record::missing_elements`). Without a record, nothing is judged.
    fn record_elements(&mut self, at: At, step: RecordStep) {
        let t = self.t;
        let Some(record) = &t.record else {
            return;
        };
        let (kind, rule, basis, what) = match step {
            RecordStep::Notice => (
                "advance_notice",
                RuleId::PreDecisionNotice,
                Basis::Art44,
                "事先告知应当告知拟作出的行政处罚内容及事实、理由、依据",
            ),
            RecordStep::Decision => (
                "decision",
                RuleId::DecisionDocumentContents,
                Basis::Rule,
                "行政处罚决定书应当载明当事人的姓名或者名称、地址，违反法律、法规、规章的事实和证据",
            ),
        };
        let missing = crate::record::missing_elements(kind, record);
        if !missing.is_empty() {
            let message = format!(
                "{}：{}，案件记录中尚未填写{}",
                CnDate(at.on),
                what,
                missing.join("、")
            );
            self.flag(rule, basis, at, message);
        }
    }

    // ---- reporting helpers ------------------------------------------------------------------

    fn flag(&mut self, rule: RuleId, basis: Basis, at: At, message: String) {
        self.violations.push(Violation {
            rule: rule.as_str().to_owned(),
            event: Some(at.index),
            basis: basis.text(rule),
            message,
        });
    }

    /// A violation of a rule the bureau set itself by a switch of the rules file, not the
    /// statute: the basis is the bureau's own document (本局规定) beside the provincial
    /// provision that has each agency define its list; the message says so.
    fn flag_local(&mut self, rule: RuleId, at: At, message: &str) {
        self.violations.push(Violation {
            rule: rule.as_str().to_owned(),
            event: Some(at.index),
            basis: format!(
                "{}（本局规定）；《河南省行政执法条例》第二十八条",
                self.rules.local_rules_document
            ),
            message: format!(
                "按本局规定（{}）：{message}",
                self.rules.local_rules_document
            ),
        });
    }

    fn track(&mut self, rule: RuleId, label: &'static str, from: At, due: Due) -> usize {
        self.deadlines.push(Tracked {
            rule,
            label,
            from: from.index,
            due,
            done: None,
            optional: false,
            waived: false,
            only_if_unpaid: false,
            void: false,
        });
        self.deadlines.len() - 1
    }

    fn complete(&mut self, deadline: Option<usize>, on: NaiveDate) {
        if let Some(k) = deadline
            && let Some(d) = self.deadlines.get_mut(k)
            && d.done.is_none()
        {
            d.done = Some(on);
        }
    }

    // ---- officers ---------------------------------------------------------------------------

    /// `officers_min_two_certified`: at least two distinct listed officers hold a certificate
    /// valid that day.
    fn min_two_certified(&mut self, at: At, e: &Event) {
        let mut count = 0usize;
        for (j, id) in e.officers.iter().enumerate() {
            if e.officers[..j].contains(id) {
                continue;
            }
            if self.certificate_status(id, at.on) == Some(CertificateStatus::Valid) {
                count += 1;
            }
        }
        if count < 2 {
            let label = e.event_type().label();
            let message = if e.officers.is_empty() {
                format!(
                    "{}{label}未记录执法人员，应由两名以上持有效执法证的执法人员实施",
                    CnDate(at.on)
                )
            } else {
                format!(
                    "{}{label}的执法人员（{}）中持有效执法证的只有{count}名，应不少于两名",
                    CnDate(at.on),
                    e.officers.join("、")
                )
            };
            self.flag(RuleId::OfficersMinTwoCertified, Basis::Rule, at, message);
        }
    }

    /// `certificate_required`: one violation per listed officer without a valid certificate.
    fn certificates(&mut self, at: At, e: &Event) {
        for (j, id) in e.officers.iter().enumerate() {
            if e.officers[..j].contains(id) {
                continue;
            }
            let Some(officer) = self.t.officer(id) else {
                continue;
            };
            let problem = match &officer.certificate {
                None => "没有行政执法证".to_owned(),
                Some(c) => match c.status_on(at.on) {
                    CertificateStatus::Valid => continue,
                    CertificateStatus::NotYetValid => {
                        format!("的行政执法证（{}）自{}起才生效", c.no, CnDate(c.valid_from))
                    }
                    CertificateStatus::Expired => {
                        format!("的行政执法证（{}）已于{}到期", c.no, CnDate(c.valid_until))
                    }
                    CertificateStatus::Suspended => {
                        let mut s = format!("的行政执法证（{}）被暂扣", c.no);
                        if let Some(from) = c.suspended_from {
                            let _ = write!(s, "（自{}", CnDate(from));
                            match c.suspended_until {
                                Some(to) => {
                                    let _ = write!(s, "至{}）", CnDate(to));
                                }
                                None => s.push_str("起）"),
                            }
                        }
                        s
                    }
                },
            };
            let message = format!(
                "{}{}时，执法人员{id}{problem}，不得从事执法活动",
                CnDate(at.on),
                e.event_type().label()
            );
            self.flag(RuleId::CertificateRequired, Basis::Rule, at, message);
        }
    }

    /// `officer_recusal`: an officer who withdrew is referenced by a later event (listed, or
    /// as the hearing's chair). One violation per officer.
    fn recusal(&mut self, at: At, e: &'t Event) {
        if self.recused.is_empty() {
            return;
        }
        let mut seen: Vec<&str> = Vec::new();
        for id in e.referenced_officers() {
            if seen.contains(&id) {
                continue;
            }
            seen.push(id);
            let Some(&(_, r)) = self.recused.iter().find(|(x, _)| *x == id) else {
                continue;
            };
            let message = format!(
                "执法人员{id}已于{}决定回避（事件#{}），不得再参与本案，但参与了{}的{}",
                CnDate(r.on),
                r.index,
                CnDate(at.on),
                e.event_type().label()
            );
            self.flag(RuleId::OfficerRecusal, Basis::Rule, at, message);
        }
    }

    fn certificate_status(&self, id: &str, day: NaiveDate) -> Option<CertificateStatus> {
        self.t
            .officer(id)?
            .certificate
            .as_ref()
            .map(|c| c.status_on(day))
    }

    // ---- registration -----------------------------------------------------------------------

    /// `limitation_period` at the first of `lead` / `register` / `summary_penalty`.
    fn limitation(&mut self, at: At, t: EventType) {
        if self.limitation_checked {
            return;
        }
        self.limitation_checked = true;
        let years = if self.t.serious_harm {
            self.rules.limitation_years_serious
        } else {
            self.rules.limitation_years
        };
        let Some(end) = self
            .t
            .act_date
            .checked_add_months(Months::new(years.saturating_mul(12)))
        else {
            return;
        };
        if at.on > end {
            // issue 10 part B: the first investigation act recorded is the discovery (发现).
            let message = format!(
                "本案最早的调查处理行为（{}，{}）即发现违法行为之日，已超过违法行为发生之日{}起{years}年的追责时效（至{}止），不再给予行政处罚",
                t.label(),
                CnDate(at.on),
                CnDate(self.t.act_date),
                CnDate(end)
            );
            self.flag(RuleId::LimitationPeriod, Basis::Rule, at, message);
        }
    }

    /// `case_filing`: ordinary procedure, advance notice or decision without an earlier `register`.
    fn case_filing(&mut self, at: At, t: EventType) {
        if self.t.procedure == Procedure::Ordinary && self.register.is_none() {
            let message = format!(
                "{}作出{}前未立案：普通程序案件应当先立案",
                CnDate(at.on),
                t.label()
            );
            self.flag(RuleId::CaseFiling, Basis::Rule, at, message);
        }
    }

    // ---- investigation ----------------------------------------------------------------------

    /// `evidence_preservation_7wd` at `preservation_decision`: every pending preservation must
    /// be decided within 7 working days.
    fn preservation_decision(&mut self, at: At) -> Result<(), CheckError> {
        let mut late = String::new();
        for (p, k) in std::mem::take(&mut self.preservations) {
            let due = self.deadlines[k].due;
            self.complete(Some(k), at.on);
            if due.is_missed_by(at.on)? {
                if !late.is_empty() {
                    late.push('；');
                }
                let _ = write!(
                    late,
                    "{}先行登记保存的证据应于{}（第{}个工作日）前作出处理决定",
                    CnDate(p.on),
                    due,
                    self.rules.preservation_decision_working_days
                );
            }
        }
        if !late.is_empty() {
            let message = format!("{}才作出处理决定，已超期：{late}", CnDate(at.on));
            self.flag(RuleId::EvidencePreservation7wd, Basis::Rule, at, message);
        }
        Ok(())
    }

    /// `seizure_duration` at `seizure_decision`: every pending seizure is decided within its
    /// period (行政强制法第二十七条).
    fn seizure_decision(&mut self, at: At) {
        let mut late = String::new();
        for (m, until, k) in std::mem::take(&mut self.seizures) {
            self.complete(Some(k), at.on);
            if at.on > until {
                if !late.is_empty() {
                    late.push('；');
                }
                let _ = write!(
                    late,
                    "{}实施的查封、扣押期限至{}",
                    CnDate(m.on),
                    CnDate(until)
                );
            }
        }
        if !late.is_empty() {
            let message = format!(
                "{}才作出处理决定，超出查封、扣押期限：{late}",
                CnDate(at.on)
            );
            self.flag(RuleId::SeizureDuration, Basis::Coercion27, at, message);
        }
    }

    /// `evidence_preservation_7wd` and `seizure_duration` at `close`: a preservation or a
    /// seizure never decided.
    fn close(&mut self, at: At) {
        if !self.seizures.is_empty() {
            let mut dates = String::new();
            for (m, _, _) in &self.seizures {
                if !dates.is_empty() {
                    dates.push('、');
                }
                let _ = write!(dates, "{}", CnDate(m.on));
            }
            let message = format!("结案时，{dates}实施的查封、扣押仍未作出处理决定");
            self.flag(RuleId::SeizureDuration, Basis::Coercion27, at, message);
        }
        if self.preservations.is_empty() {
            return;
        }
        let mut dates = String::new();
        for (p, _) in &self.preservations {
            if !dates.is_empty() {
                dates.push('、');
            }
            let _ = write!(dates, "{}", CnDate(p.on));
        }
        let message = format!("结案时，{dates}先行登记保存的证据仍未作出处理决定");
        self.flag(RuleId::EvidencePreservation7wd, Basis::Rule, at, message);
    }

    /// `case_closing` at `close`: the decision served and executed, or a recorded reason that
    /// allows closing. The message names the missing step.
    fn closing(&mut self, at: At, reason: CloseReason, ground: Option<&str>) {
        let decided = self.decided;
        let decides = decided.map(|d| d.decides);
        let mut missing: Vec<String> = Vec::new();
        let needs_ground = matches!(
            reason,
            CloseReason::RegistrationRevoked | CloseReason::ExecutionTerminated
        );
        if needs_ground && ground.is_none() {
            missing.push(format!("写明{}的法定理由（ground）", reason.label()));
        }
        match reason {
            CloseReason::Executed | CloseReason::Enforced | CloseReason::ExecutionTerminated => {
                match decided {
                    None => missing.push(
                        "作出处理决定（给予处罚、不予处罚或移送），或记录撤销立案的理由".to_owned(),
                    ),
                    Some(d)
                        if d.decides == Decides::NoPenalty && reason == CloseReason::Executed => {}
                    Some(d)
                        if d.decides == Decides::Transfer && reason == CloseReason::Executed => {}
                    Some(d) if d.decides != Decides::Penalty => missing.push(format!(
                        "本案未作出行政处罚决定，不能以“{}”结案",
                        reason.label()
                    )),
                    Some(d) => {
                        // A summary penalty is handed over on the spot (Art. 52).
                        if !d.summary && d.service.is_none() {
                            missing.push("送达行政处罚决定书".to_owned());
                        }
                        let unpaid = d.fine.filter(|fine| d.paid < *fine);
                        let enforced = self.enforcement.is_some_and(|e| e.index > d.at.index);
                        match reason {
                            CloseReason::Executed if let Some(fine) = unpaid => {
                                missing.push(format!(
                                    "当事人缴清罚款（应缴{fine}，已缴{}），或申请强制执行完毕、依法终结执行",
                                    d.paid
                                ));
                            }
                            CloseReason::Enforced if !enforced => missing.push(
                                "申请人民法院强制执行或依法强制执行（没有强制执行的记录）"
                                    .to_owned(),
                            ),
                            _ => {}
                        }
                    }
                }
            }
            CloseReason::NoPenalty => {
                if decides != Some(Decides::NoPenalty) {
                    missing.push("作出不予行政处罚决定".to_owned());
                }
            }
            CloseReason::Transfer => {
                if decides != Some(Decides::Transfer) {
                    missing.push("作出移送决定".to_owned());
                }
            }
            CloseReason::RegistrationRevoked => {
                if decides == Some(Decides::Penalty) {
                    missing.push("已作出行政处罚决定，不能以撤销立案结案".to_owned());
                }
            }
        }
        if !missing.is_empty() {
            let message = format!(
                "{}以“{}”结案的条件不具备，尚需：{}",
                CnDate(at.on),
                reason.label(),
                missing.join("；")
            );
            self.flag(RuleId::CaseClosing, Basis::Rule, at, message);
        }
    }

    // ---- advance notice and hearing ---------------------------------------------------------

    fn advance_notice(
        &mut self,
        at: At,
        proposed: &'t Penalty,
        rights: &[Right],
    ) -> Result<(), CheckError> {
        // pre_decision_notice: the rights to state and defend.
        let statement = rights.contains(&Right::Statement);
        let defence = rights.contains(&Right::Defence);
        if !statement || !defence {
            let missing = match (statement, defence) {
                (false, false) => "陈述权、申辩权",
                (false, true) => "陈述权",
                _ => "申辩权",
            };
            let message = format!("{}的事先告知未告知当事人依法享有的{missing}", CnDate(at.on));
            self.flag(RuleId::PreDecisionNotice, Basis::Art44, at, message);
        }
        // hearing_right_scope
        let offers_hearing = rights.contains(&Right::Hearing);
        if !offers_hearing && gives_hearing_right(proposed, self.t.party.kind, self.rules) {
            let message = format!(
                "拟作出的处罚（{proposed}）属于听证范围（{}罚款或没收价值达{}以上，或暂扣、吊销许可证件，降低资质等级，责令停产停业、责令关闭、限制从业），但{}的事先告知未告知当事人有要求听证的权利",
                self.t.party.kind.label(),
                self.rules.hearing_fine(self.t.party.kind),
                CnDate(at.on)
            );
            self.flag(RuleId::HearingRightScope, Basis::Rule, at, message);
        }
        self.notice = Some(Notice {
            at,
            proposed,
            offers_hearing,
        });
        self.heard_since_notice = false;
        self.hearing_window = None;
        if offers_hearing {
            let due = self
                .days
                .working(at.on, self.rules.hearing_request_working_days)?;
            let k = self.track(RuleId::HearingRequestDeadline, "当事人申请听证", at, due);
            self.deadlines[k].optional = true;
            self.hearing_window = Some(k);
        }
        Ok(())
    }

    fn hearing_request(&mut self, at: At) -> Result<(), CheckError> {
        if let Some(notice) = self.notice {
            let end = self
                .days
                .working(notice.at.on, self.rules.hearing_request_working_days)?;
            if !end.is_missed_by(at.on)? {
                self.hearing_requested_in_window = Some(at);
            }
        }
        self.complete(self.hearing_window, at.on);
        Ok(())
    }

    /// `hearing_notice_period` at `hearing_notice`: the hearing is at least 7 working days after
    /// the notice.
    fn hearing_notice_period(&mut self, at: At, hearing_on: NaiveDate) -> Result<(), CheckError> {
        let n = self.rules.hearing_notice_working_days;
        let earliest = self.days.working(at.on, n)?;
        if earliest.is_after(hearing_on)? {
            let message = format!(
                "听证通知于{}送达，听证日期{}早于第{n}个工作日（{earliest}）",
                CnDate(at.on),
                CnDate(hearing_on)
            );
            self.flag(RuleId::HearingNoticePeriod, Basis::Rule, at, message);
        }
        Ok(())
    }

    /// At `hearing`: a notice was served (`hearing_notice_period`) and the chair did not
    /// investigate the case (`hearing_conduct`).
    fn hearing(&mut self, at: At, chair: Option<&str>) {
        if !self.hearing_notice {
            let message = format!(
                "{}举行听证前未将听证的时间、地点通知当事人（无听证通知）",
                CnDate(at.on)
            );
            self.flag(RuleId::HearingNoticePeriod, Basis::Art64Item2, at, message);
        }
        // Held on the notified date; a later date needs a new notice (with its own 7 working
        // days), an earlier one is never allowed.
        if let Some(notified) = self.notified_hearing_on
            && notified != at.on
        {
            let message = if at.on < notified {
                format!(
                    "听证于{}举行，早于听证通知确定的日期{}",
                    CnDate(at.on),
                    CnDate(notified)
                )
            } else {
                format!(
                    "听证于{}举行，不是听证通知确定的日期{}；改期应重新通知当事人（提前{}个工作日）",
                    CnDate(at.on),
                    CnDate(notified),
                    self.rules.hearing_notice_working_days
                )
            };
            self.flag(RuleId::HearingNoticePeriod, Basis::Art64Item2, at, message);
        }
        if let Some(chair) = chair {
            let investigated = self.t.events[..at.index].iter().enumerate().find(|(_, e)| {
                matches!(
                    e.kind,
                    EventKind::Evidence
                        | EventKind::Register
                        | EventKind::Preservation
                        | EventKind::CoerciveMeasure { .. }
                ) && e.lists_officer(chair)
            });
            if let Some((j, e)) = investigated {
                let message = format!(
                    "听证主持人{chair}参与了本案的调查（事件#{j}，{}{}），不得主持听证",
                    CnDate(e.on),
                    e.event_type().label()
                );
                self.flag(RuleId::HearingConduct, Basis::Art64Item4, at, message);
            }
        }
    }

    // ---- decision ---------------------------------------------------------------------------

    fn decision(
        &mut self,
        at: At,
        outcome: &'t DecisionOutcome,
        facts: &DecisionFacts,
    ) -> Result<(), CheckError> {
        let penalty = match outcome {
            DecisionOutcome::Penalty(p) => Some(p),
            DecisionOutcome::NoPenalty | DecisionOutcome::Transfer => None,
        };
        let party = self.t.party.kind;

        // pre_decision_notice
        if penalty.is_some() && self.notice.is_none() {
            let message = format!(
                "{}作出行政处罚决定前，未告知当事人拟作出的行政处罚内容及事实、理由、依据和陈述、申辩、要求听证的权利",
                CnDate(at.on)
            );
            self.flag(RuleId::PreDecisionNotice, Basis::Rule, at, message);
        }

        // pre_decision_notice: the statement period the notice states has ended, unless the
        // party stated and defended (or was heard) or waived in writing.
        if let Some(notice) = self.notice
            && penalty.is_some()
            && !self.heard_since_notice
        {
            let n = self.rules.statement_working_days;
            let end = self.days.working(notice.at.on, n)?;
            if !end.is_missed_by(at.on)? {
                let message = format!(
                    "事先告知于{}送达，当事人可在{end}（第{n}个工作日）前陈述、申辩，处罚决定却于{}作出，当事人既未陈述申辩，也未书面放弃",
                    CnDate(notice.at.on),
                    CnDate(at.on)
                );
                self.flag(
                    RuleId::PreDecisionNotice,
                    Basis::Art44Art45Art62,
                    at,
                    message,
                );
            }
        }

        // A timely hearing request with no hearing held: reported once, as hearing_conduct.
        let unheld_request = penalty.is_some()
            && self.hearing_requested_in_window.is_some()
            && !self.hearing_held
            && !self.hearing_waived;

        // hearing_request_deadline (penalty decisions only)
        if let Some(notice) = self.notice
            && penalty.is_some()
            && !unheld_request
            && notice.offers_hearing
            && !self.hearing_waived
            && !self.hearing_held
        {
            let end = self
                .days
                .working(notice.at.on, self.rules.hearing_request_working_days)?;
            if !end.is_missed_by(at.on)? {
                let message = format!(
                    "事先告知于{}送达，当事人可在{end}（第{}个工作日）前申请听证，处罚决定却于{}作出，当事人未放弃听证，申请期限尚未届满",
                    CnDate(notice.at.on),
                    self.rules.hearing_request_working_days,
                    CnDate(at.on)
                );
                self.flag(RuleId::HearingRequestDeadline, Basis::Rule, at, message);
            }
        }

        // hearing_conduct: a requested hearing was held (or waived) before a penalty decision.
        if let Some(request) = self.hearing_requested_in_window
            && unheld_request
        {
            let message = format!(
                "当事人于{}在期限内申请听证，但{}作出决定前未举行听证",
                CnDate(request.on),
                CnDate(at.on)
            );
            self.flag(RuleId::HearingConduct, Basis::Rule, at, message);
        }

        // pre_decision_notice / no_aggravation_after_defense: nothing beyond the notice
        // (issue 10 part A).
        if let Some(decided) = penalty {
            self.notice_content(at, decided);
            self.one_fine_per_act(at, decided);
        }

        let in_hearing_scope = penalty.is_some_and(|p| gives_hearing_right(p, party, self.rules));

        // legal_review_before_decision
        // (reason, whether only the bureau's own rule requires it)
        let review_reason = if self.hearing_held && penalty.is_some() {
            Some(("已举行听证", false))
        } else if self.t.major {
            Some(("属于重大执法决定", false))
        } else if self.rules.review_when_hearing_scope && in_hearing_scope {
            Some(("决定的处罚属于听证范围", true))
        } else {
            None
        };
        // After a hearing the review must come after it (the decision follows the hearing
        // record, 第六十五条).
        let review_before_hearing = self
            .hearing_at
            .is_some_and(|h| self.review_at.is_none_or(|r| r < h));
        if let Some((reason, local)) = review_reason
            && (self.review != Some(ReviewResult::Pass) || review_before_hearing)
        {
            let state = match self.review {
                None => "未经法制审核",
                Some(ReviewResult::Pass) => "最近一次法制审核在听证之前，听证后未重新审核",
                Some(ReviewResult::Fail) => "最近一次法制审核未通过",
            };
            let message = format!(
                "本案{reason}，作出决定前应当进行法制审核并通过，但{}作出决定时{state}",
                CnDate(at.on)
            );
            if local {
                self.flag_local(RuleId::LegalReviewBeforeDecision, at, &message);
            } else {
                self.flag(RuleId::LegalReviewBeforeDecision, Basis::Rule, at, message);
            }
        }

        // investigation_outcomes: collective deliberation
        let deliberation_reason = if self.t.major {
            Some(("属于重大执法决定", false))
        } else if self.rules.deliberation_when_hearing_scope && in_hearing_scope {
            Some(("决定的处罚属于听证范围", true))
        } else {
            None
        };
        let deliberation_before_hearing = self
            .hearing_at
            .is_some_and(|h| self.deliberation_at.is_none_or(|d| d < h));
        if let Some((reason, local)) = deliberation_reason
            && (!self.deliberation || deliberation_before_hearing)
        {
            let state = if self.deliberation {
                "集体讨论在听证之前，听证后未重新集体讨论"
            } else {
                "未经集体讨论"
            };
            let message = format!(
                "本案{reason}，应当由行政机关负责人集体讨论决定，但{}作出决定前{state}",
                CnDate(at.on)
            );
            if local {
                self.flag_local(RuleId::InvestigationOutcomes, at, &message);
            } else {
                self.flag(RuleId::InvestigationOutcomes, Basis::Rule, at, message);
            }
        }

        // decision_deadline_90d (the first decision meets the deadline)
        if !self.first_decision_checked {
            self.first_decision_checked = true;
            if let (Some(register), Some(k)) = (self.register, self.decision_deadline) {
                let due = self.deadlines[k].due;
                if due.is_missed_by(at.on)? {
                    let message = format!(
                        "{}立案，应于{due}前（{}）作出决定，实际于{}作出，已超过办案期限",
                        CnDate(register.on),
                        self.decision_period_words(register.on)?,
                        CnDate(at.on)
                    );
                    self.flag(RuleId::DecisionDeadline90d, Basis::Rule, at, message);
                }
            }
            self.complete(self.decision_deadline, at.on);
        }

        // penalty_types, no_penalty_conditions
        if let Some(p) = penalty {
            self.penalty_types(at, p, facts);
            self.no_penalty_conditions(at, facts);
        }

        // criminal_transfer; a transfer decision is not served on the party.
        let service_deadline = if matches!(outcome, DecisionOutcome::Transfer) {
            self.transfer_decision(at)?;
            None
        } else {
            let due = self.days.working(at.on, self.rules.service_working_days)?;
            let label = if penalty.is_some() {
                "送达行政处罚决定书"
            } else {
                "送达不予行政处罚决定书"
            };
            Some(self.track(RuleId::ServiceDeadline, label, at, due))
        };
        self.decided = Some(Decided {
            at,
            summary: false,
            decides: match outcome {
                DecisionOutcome::Penalty(_) => Decides::Penalty,
                DecisionOutcome::NoPenalty => Decides::NoPenalty,
                DecisionOutcome::Transfer => Decides::Transfer,
            },
            fine: penalty.and_then(|p| p.fine),
            service: None,
            service_deadline,
            payment_deadline: None,
            court_deadline: None,
            paid: Yuan::ZERO,
            surcharge_paid: Yuan::ZERO,
            paid_in_full_on: None,
        });
        Ok(())
    }

    /// `penalty_types`: the penalty fits the violation's penalty basis in the catalogue.
    fn penalty_types(&mut self, at: At, p: &Penalty, facts: &DecisionFacts) {
        let (Some(entry), Some(code)) = (self.entry, self.t.violation.as_deref()) else {
            return;
        };
        let mut reasons = String::new();
        let mut not_allowed = p
            .kinds()
            .filter(|k| !entry.allowed_penalties.contains(k))
            .peekable();
        if not_allowed.peek().is_some() {
            reasons.push_str("处罚依据未规定");
            for (n, k) in not_allowed.enumerate() {
                if n > 0 {
                    reasons.push('、');
                }
                reasons.push_str(k.label());
            }
        }
        if let (Some(fine), Some((min, max))) = (p.fine, entry.fine_range(self.t.party.kind)) {
            // "每处": the range applies per location.
            let n = if entry.fine_is_per_location() {
                u64::from(facts.locations)
            } else {
                1
            };
            let (min, max) = (min.saturating_mul(n), max.saturating_mul(n));
            let below = fine < min && !facts.mitigated;
            if below || fine > max {
                if !reasons.is_empty() {
                    reasons.push('；');
                }
                let _ = write!(
                    reasons,
                    "罚款{fine}不在{}的法定幅度{min}至{max}内",
                    self.t.party.kind.label()
                );
                if n > 1 {
                    let _ = write!(reasons, "（每处计，共{n}处）");
                }
                if below {
                    reasons.push_str("，且决定未载明减轻处罚");
                }
            }
        }
        if !reasons.is_empty() {
            let message = format!(
                "违法行为“{}”（{code}）的处罚（{p}）不符合其处罚依据：{reasons}",
                entry.name
            );
            // The catalogue's 处罚依据 reads "《条例》第四十二条：责令限期改正，可以…"; cite the article.
            let article = entry
                .penalty_basis
                .split_once('：')
                .map_or(entry.penalty_basis.as_str(), |(a, _)| a);
            let basis = if article.is_empty() {
                RuleId::PenaltyTypes.basis()
            } else {
                format!("《中华人民共和国行政处罚法》第九条；{article}")
            };
            self.violations.push(Violation {
                rule: RuleId::PenaltyTypes.as_str().to_owned(),
                event: Some(at.index),
                basis,
                message,
            });
        }
    }

    fn summary_penalty(
        &mut self,
        at: At,
        p: &Penalty,
        facts: &DecisionFacts,
    ) -> Result<(), CheckError> {
        let party = self.t.party.kind;
        let mut reasons = String::new();
        let mut other = p
            .kinds()
            .filter(|k| !matches!(k, PenaltyKind::Warning | PenaltyKind::Fine))
            .peekable();
        if other.peek().is_some() {
            reasons.push_str("当场处罚只能是警告或者罚款，不能是");
            for (n, k) in other.enumerate() {
                if n > 0 {
                    reasons.push('、');
                }
                reasons.push_str(k.label());
            }
        }
        let max = self.rules.summary_max_fine(party);
        if let Some(fine) = p.fine
            && fine > max
        {
            if !reasons.is_empty() {
                reasons.push('；');
            }
            let _ = write!(
                reasons,
                "罚款{fine}超过对{}当场处罚{max}的上限",
                party.label()
            );
        }
        if !reasons.is_empty() {
            let message = format!("{}适用简易程序不当：{reasons}", CnDate(at.on));
            self.flag(RuleId::SummaryProcedureThreshold, Basis::Rule, at, message);
        }
        self.penalty_types(at, p, facts);
        self.no_penalty_conditions(at, facts);
        // issue 10 part A
        self.one_fine_per_act(at, p);
        // The decision is handed over on the spot (Art. 52): the payment period runs from it
        // unless a later service re-bases it.
        let payment_deadline = if p.fine.is_some() {
            let due = self.days.calendar_days(at.on, self.rules.payment_days)?;
            Some(self.track(RuleId::PaymentDeadline15d, "缴纳罚款", at, due))
        } else {
            None
        };
        self.decided = Some(Decided {
            at,
            summary: true,
            decides: Decides::Penalty,
            fine: p.fine,
            service: None,
            service_deadline: None,
            payment_deadline,
            court_deadline: None,
            paid: Yuan::ZERO,
            surcharge_paid: Yuan::ZERO,
            paid_in_full_on: None,
        });
        Ok(())
    }

    /// `minor_lighter_penalty` at a penalty decision: a party aged 14 to under 18 on the day of
    /// the act must be penalised more lightly or mitigated (行政处罚法第三十条); the decision
    /// finds `lighter` (从轻) or `mitigated` (减轻).
    fn minor_lighter_penalty(&mut self, at: At, facts: &DecisionFacts) {
        let party = &self.t.party;
        if !party.minor_14_to_18_on(self.t.act_date) || facts.lighter || facts.mitigated {
            return;
        }
        let (Some(birth), Some(age)) = (party.birth_date, party.full_years_on(self.t.act_date))
        else {
            return;
        };
        let age = ["十四", "十五", "十六", "十七"]
            .get(usize::try_from(age.saturating_sub(14)).unwrap_or(usize::MAX))
            .copied()
            .unwrap_or("十四");
        let message = format!(
            "当事人{}出生，{}违法时已满{age}周岁、不满十八周岁，应当从轻或者减轻行政处罚，但{}的处罚决定既未认定从轻处罚也未认定减轻处罚",
            CnDate(birth),
            CnDate(self.t.act_date),
            CnDate(at.on)
        );
        self.flag(RuleId::MinorLighterPenalty, Basis::Art30, at, message);
    }

    /// `no_penalty_conditions` at a penalty decision: the party was under 14 (Art. 30), or the
    /// decision finds the act minor, corrected and harmless (Art. 33 para. 1).
    fn no_penalty_conditions(&mut self, at: At, facts: &DecisionFacts) {
        self.minor_lighter_penalty(at, facts);
        if self.t.party.minor_under_14 {
            let message = format!(
                "当事人违法时不满十四周岁，不予行政处罚（应责令监护人加以管教），但{}作出了行政处罚",
                CnDate(at.on)
            );
            self.flag(RuleId::NoPenaltyConditions, Basis::Art30, at, message);
        }
        if facts.excludes_penalty() {
            let message = format!(
                "决定认定违法行为轻微并及时改正，没有造成危害后果，依法应当不予行政处罚，但{}作出了行政处罚",
                CnDate(at.on)
            );
            self.flag(RuleId::NoPenaltyConditions, Basis::Art33Para1, at, message);
        }
    }

    // ---- criminal transfer ------------------------------------------------------------------

    /// `criminal_transfer` at a transfer decision: within 3 days (rolled) of the officers'
    /// report; starts the 24-hour hand-over deadline.
    fn transfer_decision(&mut self, at: At) -> Result<(), CheckError> {
        if let Some(report) = self.transfer_report {
            let n = self.rules.transfer_decision_days;
            let due = self.days.calendar_days(report.on, n)?;
            if due.is_missed_by(at.on)? {
                let message = format!(
                    "移送涉嫌犯罪案件的报告于{}提出，负责人应在{n}日内（{due}前）作出是否批准移送的决定，实际于{}作出",
                    CnDate(report.on),
                    CnDate(at.on)
                );
                self.flag(RuleId::CriminalTransfer, Basis::Rule, at, message);
            }
        }
        let due = self
            .days
            .plain_days(at.on, self.rules.transfer_handover_days);
        let k = self.track(RuleId::CriminalTransfer, "向公安机关移送案件", at, due);
        self.transfer = Some((at, k));
        Ok(())
    }

    /// `criminal_transfer` at the hand-over: after an approved transfer, within 24 hours.
    fn transfer_handover(&mut self, at: At) -> Result<(), CheckError> {
        let Some((decided, k)) = self.transfer else {
            let message = format!(
                "{}向公安机关移送案件，但此前没有行政机关负责人批准移送的决定",
                CnDate(at.on)
            );
            self.flag(RuleId::CriminalTransfer, Basis::Rule, at, message);
            return Ok(());
        };
        let due = self.deadlines[k].due;
        if due.is_missed_by(at.on)? {
            let message = format!(
                "负责人于{}批准移送，应在24小时内（{due}前）向公安机关移送，实际于{}移送",
                CnDate(decided.on),
                CnDate(at.on)
            );
            self.flag(RuleId::CriminalTransfer, Basis::Rule, at, message);
        }
        self.complete(Some(k), at.on);
        Ok(())
    }

    // ---- service and execution --------------------------------------------------------------

    fn service(
        &mut self,
        at: At,
        method: ServiceMethod,
        consent: bool,
        posted_on: Option<NaiveDate>,
    ) -> Result<Option<CaseStage>, CheckError> {
        let mut next = None;
        if let Some(mut d) = self.decided
            && d.service.is_none()
        {
            // service_deadline: within 7 working days of the decision.
            if let Some(k) = d.service_deadline {
                let due = self.deadlines[k].due;
                // Postal service: posted within the period is in time (the days in the post
                // do not count, 民事诉讼法第八十五条); received is the service date (issue 10
                // part A).
                let sent = posted_on.filter(|_| method == ServiceMethod::Postal);
                if due.is_missed_by(sent.unwrap_or(at.on))? {
                    let message = match sent {
                        Some(posted) => format!(
                            "处罚决定于{}作出，{}才交邮寄送达，超过第{}个工作日（{due}）",
                            CnDate(d.at.on),
                            CnDate(posted),
                            self.rules.service_working_days
                        ),
                        None => format!(
                            "处罚决定于{}作出，{}才送达，超过第{}个工作日（{due}）",
                            CnDate(d.at.on),
                            CnDate(at.on),
                            self.rules.service_working_days
                        ),
                    };
                    let basis = if sent.is_some() {
                        Basis::Art61CivilArt85
                    } else {
                        Basis::Rule
                    };
                    self.flag(RuleId::ServiceDeadline, basis, at, message);
                }
                self.complete(Some(k), sent.unwrap_or(at.on));
            }
            // A public notice takes effect `public_notice_effect_days` later (not rolled); the
            // payment period runs from then.
            let delay = if method == ServiceMethod::PublicNotice {
                self.rules.public_notice_effect_days
            } else {
                0
            };
            let served = Served {
                on: at.on,
                effective: at
                    .on
                    .checked_add_days(chrono::Days::new(u64::from(delay)))
                    .unwrap_or(NaiveDate::MAX),
            };
            d.service = Some(served);
            if d.fine.is_some() {
                let pay_due = self
                    .days
                    .calendar_days(at.on, delay.saturating_add(self.rules.payment_days))?;
                let k = match d.payment_deadline {
                    // A summary penalty's deadline ran from the decision; it now runs from
                    // the service.
                    Some(k) => {
                        self.deadlines[k].due = pay_due;
                        self.deadlines[k].from = at.index;
                        k
                    }
                    None => self.track(RuleId::PaymentDeadline15d, "缴纳罚款", at, pay_due),
                };
                if let Some(paid_on) = d.paid_in_full_on {
                    self.deadlines[k].done = Some(paid_on);
                }
                d.payment_deadline = Some(k);
                let litigation_end = self.litigation_end(served)?;
                let court_due = self
                    .days
                    .months(litigation_end, self.rules.court_application_months)?;
                let k = self.track(
                    RuleId::CourtEnforcementApplication,
                    "申请人民法院强制执行",
                    at,
                    court_due,
                );
                self.deadlines[k].only_if_unpaid = true;
                d.court_deadline = Some(k);
            }
            self.decided = Some(d);
            next = Some(CaseStage::Served);
        }
        let consent_basis = match method {
            ServiceMethod::Fax | ServiceMethod::Email => Some(Basis::Art61Para2),
            ServiceMethod::Electronic => Some(Basis::Art61Para2CivilArt90),
            ServiceMethod::Direct
            | ServiceMethod::Lodged
            | ServiceMethod::Postal
            | ServiceMethod::PublicNotice => None,
        };
        if let Some(basis) = consent_basis
            && !consent
        {
            let message = format!(
                "{}以{}方式送达，但没有当事人同意以该方式送达的记录",
                CnDate(at.on),
                method.label()
            );
            self.flag(RuleId::ServiceDeadline, basis, at, message);
        }
        Ok(next)
    }

    /// End of the litigation period: `litigation_months` after the effective service, rolled.
    fn litigation_end(&self, served: Served) -> Result<Due, CheckError> {
        Ok(self
            .days
            .months_after(served.effective, self.rules.litigation_months, served.on)?)
    }

    fn payment(
        &mut self,
        at: At,
        amount: Yuan,
        surcharge: Yuan,
        method: PaymentMethod,
        collection: OnSpot,
    ) -> Result<Option<CaseStage>, CheckError> {
        let decided = self.decided;
        let fine = decided.and_then(|d| d.fine).unwrap_or(Yuan::ZERO);

        // onsite_fine_collection (issue 10 part A)
        if method == PaymentMethod::OnSpot {
            self.onsite_collection(at, amount, collection)?;
        }

        // late_payment_surcharge
        if !surcharge.is_zero() {
            let due = decided
                .and_then(|d| d.payment_deadline)
                .and_then(|k| self.deadlines[k].due.date());
            let days_late = due.map_or(0, |due| (at.on - due).num_days().max(0));
            let days_late = u64::try_from(days_late).unwrap_or(0);
            let pct = u64::from(self.rules.surcharge_percent_per_day);
            // surcharge ≤ fine × pct% × days, compared exactly in fen × 100.
            let cap_x100 = u128::from(fine.fen()) * u128::from(pct) * u128::from(days_late);
            let over_rate = u128::from(surcharge.fen()) * 100 > cap_x100;
            let over_fine = surcharge > fine;
            if over_rate || over_fine {
                let reason = if over_fine {
                    format!("超过罚款数额{fine}")
                } else if days_late == 0 {
                    match due {
                        Some(due) => format!("缴款未超过缴纳期限（{}），不应加处罚款", CnDate(due)),
                        None => "没有逾期缴纳的依据（缴纳期限未开始计算），不应加处罚款".to_owned(),
                    }
                } else {
                    let cap = Yuan::from_fen(u64::try_from(cap_x100 / 100).unwrap_or(u64::MAX));
                    format!("超过逾期{days_late}日按罚款{fine}每日{pct}%计算的上限{cap}")
                };
                let message = format!("{}缴纳的加处罚款{surcharge}{reason}", CnDate(at.on));
                self.flag(RuleId::LatePaymentSurcharge, Basis::Rule, at, message);
            }
        }

        let mut next = None;
        if let Some(mut d) = decided {
            d.paid = d.paid.saturating_add(amount);
            d.surcharge_paid = d.surcharge_paid.saturating_add(surcharge);
            if d.paid_in_full_on.is_none()
                && let Some(fine) = d.fine
                && d.paid >= fine
            {
                d.paid_in_full_on = Some(at.on);
                self.complete(d.payment_deadline, at.on);
                next = Some(CaseStage::Executed);
            }
            self.decided = Some(d);
        }
        Ok(next)
    }

    fn court_application(&mut self, at: At) -> Result<(), CheckError> {
        // demand_before_enforcement
        let Some(demand) = self.demand else {
            let message = format!(
                "{}申请人民法院强制执行前，未书面催告当事人履行义务",
                CnDate(at.on)
            );
            self.flag(RuleId::DemandBeforeEnforcement, Basis::Rule, at, message);
            return self.court_window(at, String::new());
        };
        let mut reasons = String::new();
        // issue 10 part B: working or calendar days, as the bureau reads 第五十四条.
        let (earliest, days) = self.demand_wait_end(demand.on)?;
        if earliest.is_after(at.on)? {
            let _ = write!(
                reasons,
                "催告书于{}送达，须满{days}（{earliest}）当事人仍未履行才可申请",
                CnDate(demand.on)
            );
        }
        self.court_window(at, reasons)
    }

    /// `court_enforcement_application`: after the litigation period has expired and within
    /// 3 months of that.
    fn court_window(&mut self, at: At, mut reasons: String) -> Result<(), CheckError> {
        if let Some(d) = self.decided {
            self.complete(d.court_deadline, at.on);
            if let Some(served) = d.service {
                let litigation_end = self.litigation_end(served)?;
                if !litigation_end.is_missed_by(at.on)? {
                    if !reasons.is_empty() {
                        reasons.push('；');
                    }
                    let _ = write!(
                        reasons,
                        "当事人的起诉期限（{}个月）至{litigation_end}届满，申请时尚未届满",
                        self.rules.litigation_months
                    );
                } else {
                    let last = self
                        .days
                        .months(litigation_end, self.rules.court_application_months)?;
                    if last.is_missed_by(at.on)? {
                        if !reasons.is_empty() {
                            reasons.push('；');
                        }
                        let _ = write!(
                            reasons,
                            "应在起诉期限届满后{}个月内（{last}前）申请，已超期",
                            self.rules.court_application_months
                        );
                    }
                }
            }
        }
        if !reasons.is_empty() {
            let message = format!("{}申请人民法院强制执行不当：{reasons}", CnDate(at.on));
            self.flag(
                RuleId::CourtEnforcementApplication,
                Basis::Rule,
                at,
                message,
            );
        }
        Ok(())
    }

    // ---- coercive measures ------------------------------------------------------------------

    fn coercive_measure(
        &mut self,
        at: At,
        until: NaiveDate,
        extended: bool,
        emergency: bool,
        approved: bool,
        reported_on: Option<NaiveDate>,
    ) -> Result<(), CheckError> {
        // seizure_duration
        let days = if extended {
            self.rules
                .seizure_days
                .saturating_add(self.rules.seizure_extension_days)
        } else {
            self.rules.seizure_days
        };
        let last = self.days.calendar_days(at.on, days)?;
        if last.is_missed_by(until)? {
            let message = format!(
                "{}实施的查封、扣押期限至{}，超过{}{days}日的法定期限（{last}）",
                CnDate(at.on),
                CnDate(until),
                if extended { "延长后" } else { "" }
            );
            self.flag(RuleId::SeizureDuration, Basis::Rule, at, message);
        }
        // The night and holiday ban (行政强制法第四十三条) is in chapter IV (强制执行); it does not
        // govern 查封、扣押 (chapter III, 第十八至二十八条).
        // seizure_duration: the handling decision is due within the period (第二十七条).
        let k = self.track(
            RuleId::SeizureDuration,
            "对查封、扣押的场所、设施或者财物作出处理决定",
            at,
            Due::exact(until),
        );
        self.seizures.push((at, until, k));
        // coercive_measure_steps: approved by the head beforehand, unless an emergency.
        if !approved && !emergency {
            let message = format!(
                "{}实施行政强制措施前未报经行政机关负责人批准，且不属于情况紧急当场实施",
                CnDate(at.on)
            );
            self.flag(RuleId::CoerciveMeasureSteps, Basis::Rule, at, message);
        }
        // urgent_measure_report_24h
        if emergency {
            let n = self.rules.urgent_report_days;
            let last = at
                .on
                .checked_add_days(chrono::Days::new(u64::from(n)))
                .unwrap_or(NaiveDate::MAX);
            let problem = match reported_on {
                None => Some("没有向行政机关负责人报告的记录".to_owned()),
                Some(r) if r > last => Some(format!(
                    "至{}才向行政机关负责人报告，超过24小时（应不晚于{}）",
                    CnDate(r),
                    CnDate(last)
                )),
                Some(_) => None,
            };
            if let Some(problem) = problem {
                let message = format!("{}情况紧急当场实施行政强制措施，{problem}", CnDate(at.on));
                self.flag(RuleId::UrgentMeasureReport24h, Basis::Rule, at, message);
            }
        }
        Ok(())
    }

    // ---- forced demolition ------------------------------------------------------------------

    /// At `forced_demolition`: not on a statutory holiday (`no_night_holiday_enforcement`), and
    /// only after an announcement whose self-demolition deadline has passed and after the
    /// periods to apply for reconsideration or to sue have expired
    /// (`illegal_building_demolition`).
    fn forced_demolition(&mut self, at: At) -> Result<(), CheckError> {
        if self.calendar.is_statutory_holiday(at.on)? {
            let message = format!(
                "{}为法定节假日，除情况紧急外不得实施行政强制执行（强制拆除）",
                CnDate(at.on)
            );
            self.flag(RuleId::NoNightHolidayEnforcement, Basis::Rule, at, message);
        }
        let mut reasons = String::new();
        match self.announcement {
            None => reasons.push_str("事先未予公告、限期当事人自行拆除"),
            Some((announced, deadline)) => {
                if at.on <= deadline {
                    let _ = write!(
                        reasons,
                        "{}公告的自行拆除期限至{}，尚未届满",
                        CnDate(announced.on),
                        CnDate(deadline)
                    );
                }
                // The remedy periods run from the later of the announcement and the
                // (effective) service of the decision; the 6-month suit period covers the
                // 60-day reconsideration period.
                let (from, anchor) = match self.decided.and_then(|d| d.service) {
                    Some(s) if s.effective > announced.on => (s.effective, s.on),
                    _ => (announced.on, announced.on),
                };
                let months = self.rules.litigation_months;
                let end = self.days.months_after(from, months, anchor)?;
                if !end.is_missed_by(at.on)? {
                    if !reasons.is_empty() {
                        reasons.push('；');
                    }
                    let _ = write!(
                        reasons,
                        "当事人申请行政复议或者提起行政诉讼的期限（自{}起{months}个月，至{end}）尚未届满",
                        CnDate(from)
                    );
                }
            }
        }
        if !reasons.is_empty() {
            let message = format!("{}强制拆除违法建筑不当：{reasons}", CnDate(at.on));
            self.flag(RuleId::IllegalBuildingDemolition, Basis::Rule, at, message);
        }
        Ok(())
    }

    // ---- the answer -------------------------------------------------------------------------

    /// Gives every tracked deadline its status on `today` and builds the report.
    fn finish(self) -> Result<CheckReport, CheckError> {
        let unpaid = self
            .decided
            .is_none_or(|d| d.fine.is_some() && d.paid_in_full_on.is_none());
        let mut deadlines = Vec::with_capacity(self.deadlines.len());
        for d in &self.deadlines {
            let Some(due) = d.due.date() else {
                // The due date lies past the years the calendar supports.
                continue;
            };
            if d.only_if_unpaid && !unpaid && d.done.is_none() || d.void {
                continue;
            }
            let status = match d.done {
                Some(done) if done <= due => DeadlineStatus::Met,
                Some(_) => DeadlineStatus::Missed,
                None if d.optional && (d.waived || self.today > due) => DeadlineStatus::Lapsed,
                None if self.today > due => DeadlineStatus::Overdue,
                None => {
                    if self.is_near(due)? {
                        DeadlineStatus::NearDue
                    } else {
                        DeadlineStatus::Pending
                    }
                }
            };
            let met = match status {
                DeadlineStatus::Met => Some(true),
                DeadlineStatus::Missed | DeadlineStatus::Overdue => Some(false),
                DeadlineStatus::Pending | DeadlineStatus::NearDue | DeadlineStatus::Lapsed => None,
            };
            deadlines.push(Deadline {
                rule: d.rule.as_str().to_owned(),
                label: d.label.to_owned(),
                from_event: Some(d.from),
                due,
                met,
                status,
                basis: d.rule.basis(),
                provisional: d.due.provisional(),
            });
        }
        let surcharge = self.surcharge();
        Ok(CheckReport {
            violations: self.violations,
            deadlines,
            stage: self.stage,
            surcharge,
        })
    }

    /// The late-payment surcharge of the latest fine decision: accrued from the day after the
    /// payment deadline to the day the fine was paid in full (or `today`), 3 % of the fine a
    /// day, never more than the fine (行政处罚法第七十二条第一项).
    fn surcharge(&self) -> Option<Surcharge> {
        let d = self.decided?;
        let fine = d.fine?;
        let due = self.deadlines[d.payment_deadline?].due.date()?;
        let until = d.paid_in_full_on.unwrap_or(self.today);
        let days = u32::try_from((until - due).num_days().max(0)).unwrap_or(u32::MAX);
        let pct = self.rules.surcharge_percent_per_day;
        let by_rate = u128::from(fine.fen()) * u128::from(pct) * u128::from(days) / 100;
        let accrued = Yuan::from_fen(u64::try_from(by_rate).unwrap_or(u64::MAX).min(fine.fen()));
        let message = if days == 0 {
            format!(
                "罚款{fine}的缴纳期限至{}，截至{}未逾期，不加处罚款；逾期每日按罚款数额的{pct}%加处罚款，总额不超过罚款数额{fine}",
                CnDate(due),
                CnDate(until)
            )
        } else {
            format!(
                "罚款{fine}的缴纳期限至{}，截至{}逾期{days}日，按每日{pct}%计可加处罚款{accrued}（总额不得超过罚款数额{fine}）；已缴纳加处罚款{}",
                CnDate(due),
                CnDate(until),
                d.surcharge_paid
            )
        };
        Some(Surcharge {
            rule: RuleId::LatePaymentSurcharge.as_str().to_owned(),
            fine,
            due,
            until,
            days_late: days,
            percent_per_day: pct,
            accrued,
            cap: fine,
            paid: d.surcharge_paid,
            message,
            basis: SURCHARGE_BASIS.to_owned(),
        })
    }

    /// Whether an open deadline (`today <= due`) is due within `near_due_working_days`.
    fn is_near(&self, due: NaiveDate) -> Result<bool, CheckError> {
        // More than a month away is never near (no holiday block is that long).
        if (due - self.today).num_days() > 31 {
            return Ok(false);
        }
        let n = self.calendar.working_days_between(self.today, due)?;
        Ok(n <= i64::from(self.rules.near_due_working_days))
    }
}

// ---------------------------------------------------------------------------------------------
// issue 10 part A: one fine per act, cash on the spot, notice content, revocation
// ---------------------------------------------------------------------------------------------

/// How cash was collected on the spot (the fields of a `payment` that matter only for
/// `method: on_spot`).
#[derive(Debug, Clone, Copy)]
struct OnSpot {
    /// A remote, water or badly connected area, on the party's request (第六十九条).
    remote: bool,
    /// Collecting later would be hard to execute (第六十八条第二项).
    hard_to_collect_later: bool,
    /// The day the officer handed the cash in (第七十一条).
    handed_in_on: Option<NaiveDate>,
}

/// The penalty an event decided, if it is a penalty decision.
/// The steps whose documents print elements of the case record.
#[derive(Debug, Clone, Copy)]
enum RecordStep {
    /// 事先告知 (the 行政处罚事先告知书).
    Notice,
    /// 处罚决定 (the 行政处罚决定书), ordinary procedure.
    Decision,
}

fn decided_penalty(e: &Event) -> Option<&Penalty> {
    match &e.kind {
        EventKind::Decision {
            outcome: DecisionOutcome::Penalty(p),
            ..
        }
        | EventKind::SummaryPenalty { penalty: p, .. } => Some(p),
        _ => None,
    }
}

impl Case<'_, '_> {
    /// `pre_decision_notice` / `no_aggravation_after_defense` at a penalty decision: every
    /// kind and amount decided was announced by the latest advance notice (行政处罚法第四十四条);
    /// anything more — a kind not announced (a warning or 通报批评 too), a higher fine or
    /// confiscation — needs a new notice and its statement period. After the party stated and
    /// defended (or was heard) on that notice it is the aggravation 第四十五条 forbids and is
    /// reported as `no_aggravation_after_defense`; otherwise as `pre_decision_notice`. One
    /// fact, one rule id.
    fn notice_content(&mut self, at: At, decided: &Penalty) {
        let Some(notice) = self.notice else {
            // No notice at all: `pre_decision_notice` is already reported.
            return;
        };
        let proposed = notice.proposed;
        let mut reasons: Vec<String> = Vec::new();
        if let (Some(f), Some(p)) = (decided.fine, proposed.fine)
            && f > p
        {
            reasons.push(format!("罚款{f}高于拟处罚的{p}"));
        }
        if let (Some(c), Some(p)) = (decided.confiscation, proposed.confiscation)
            && c > p
        {
            reasons.push(format!("没收价值{c}高于拟处罚的{p}"));
        }
        let added: Vec<&str> = decided
            .kinds()
            .filter(|k| !proposed.has(*k))
            .map(PenaltyKind::label)
            .collect();
        if !added.is_empty() {
            reasons.push(format!("增加了告知中没有的处罚种类：{}", added.join("、")));
        }
        if reasons.is_empty() {
            return;
        }
        let defended = self.t.events[notice.at.index..at.index]
            .iter()
            .any(|e| matches!(e.kind, EventKind::Defence | EventKind::Hearing { .. }));
        if defended {
            let message = format!(
                "当事人陈述、申辩后，处罚决定（{decided}）重于{}事先告知的拟处罚（{proposed}）：{}；不得因陈述、申辩加重处罚，另有新的事实须重新事先告知",
                CnDate(notice.at.on),
                reasons.join("；")
            );
            self.flag(RuleId::NoAggravationAfterDefense, Basis::Rule, at, message);
        } else {
            let message = format!(
                "处罚决定（{decided}）含有{}事先告知未告知的内容（拟处罚：{proposed}）：{}；应重新事先告知并给予陈述、申辩期间后再作决定",
                CnDate(notice.at.on),
                reasons.join("；")
            );
            self.flag(
                RuleId::PreDecisionNotice,
                Basis::Art44Art45Art62,
                at,
                message,
            );
        }
    }

    /// `one_fine_per_act` at a penalty decision with a fine: an earlier fine decision of the
    /// case (one act of one party) stands unless it was revoked (行政处罚法第二十九条).
    fn one_fine_per_act(&mut self, at: At, decided: &Penalty) {
        let Some(fine) = decided.fine else {
            return;
        };
        let events = &self.t.events;
        let earlier = self
            .t
            .penalty_decisions(at.index)
            .into_iter()
            .filter(|(_, revoked)| !*revoked)
            .find_map(|(j, _)| {
                decided_penalty(&events[j])
                    .and_then(|p| p.fine)
                    .map(|f| (j, f))
            });
        if let Some((j, earlier_fine)) = earlier {
            let message = format!(
                "对当事人的同一违法行为已于{}作出罚款{earlier_fine}的决定（事件#{j}），该决定未被撤销，{}不得再次罚款{fine}（一事不再罚）",
                CnDate(events[j].on),
                CnDate(at.on)
            );
            self.flag(RuleId::OneFinePerAct, Basis::Rule, at, message);
        }
    }

    /// At `revocation`: the revoked decision is no longer executed; its open deadlines
    /// (service, payment, court application) are no longer reported.
    fn revocation(&mut self, at: At) {
        let before = self.t.penalty_decisions(at.index);
        let after = self.t.penalty_decisions(at.index + 1);
        let target = before
            .iter()
            .zip(&after)
            .find(|(b, a)| !b.1 && a.1)
            .map(|(b, _)| b.0);
        if let Some(d) = self.decided
            && Some(d.at.index) == target
        {
            for k in [d.service_deadline, d.payment_deadline, d.court_deadline]
                .into_iter()
                .flatten()
            {
                if self.deadlines[k].done.is_none() {
                    self.deadlines[k].void = true;
                }
            }
            self.decided = None;
            // issue 10 parts A and B: the demand and the enforcement decision executed the
            // revoked decision and fall with it. A later `service` serves the revocation, not
            // that enforcement decision, and a new decision is executed only after its own
            // demand (行政强制法第三十五、三十七、五十四条).
            self.demand = None;
            self.demand_deadline = None;
            self.enforcement_decision = None;
        }
    }

    /// `onsite_fine_collection` at a `payment` with `method: on_spot`: a fine decided before
    /// it and not yet paid covers the amount; a summary fine of at most 100 yuan
    /// (第六十八条第一项), a summary fine that would be hard to collect later (第二项,
    /// `hard_to_collect_later`) or any decided fine in a remote area on the party's request
    /// (第六十九条, `remote`); the cash handed in within 2 working days (第七十一条).
    fn onsite_collection(&mut self, at: At, amount: Yuan, c: OnSpot) -> Result<(), CheckError> {
        let max = self.rules.onsite_collection_max;
        let decided = self.decided.and_then(|d| d.fine.map(|f| (d, f)));
        let mut reasons: Vec<String> = Vec::new();
        match decided {
            None => reasons.push(
                "此前没有可以当场收缴的罚款决定（未作出罚款决定，或决定已被撤销）".to_owned(),
            ),
            Some((d, fine)) => {
                if d.summary {
                    if fine > max && !c.remote && !c.hard_to_collect_later {
                        reasons.push(format!(
                            "当场收缴的罚款为{fine}，超过{max}，既未载明不当场收缴事后难以执行，也不属于边远、水上、交通不便地区当事人提出的当场缴纳"
                        ));
                    }
                } else if !c.remote {
                    let also = if c.hard_to_collect_later {
                        "（“不当场收缴事后难以执行”只适用于当场作出的处罚决定）"
                    } else {
                        ""
                    };
                    reasons.push(format!(
                        "依普通程序作出的罚款决定，只有在边远、水上、交通不便地区经当事人提出才可以当场收缴{also}"
                    ));
                }
                let unpaid = Yuan::from_fen(fine.fen().saturating_sub(d.paid.fen()));
                if amount > unpaid {
                    reasons.push(format!(
                        "收缴{amount}超过决定的罚款{fine}尚未缴纳的部分{unpaid}（已缴{}）",
                        d.paid
                    ));
                }
            }
        }
        if !reasons.is_empty() {
            let message = format!("{}当场收缴罚款不当：{}", CnDate(at.on), reasons.join("；"));
            self.flag(RuleId::OnsiteFineCollection, Basis::Rule, at, message);
        }
        // The officer hands the cash in within 2 working days.
        if let Some(handed_in) = c.handed_in_on {
            let n = self.rules.onsite_handin_working_days;
            let due = self.days.working(at.on, n)?;
            if due.is_missed_by(handed_in)? {
                let message = format!(
                    "{}当场收缴的罚款应在第{n}个工作日（{due}）前交至行政机关，实际于{}交纳",
                    CnDate(at.on),
                    CnDate(handed_in)
                );
                self.flag(RuleId::OnsiteFineCollection, Basis::Art71, at, message);
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// issue 10 part B: the decision period's extension and excluded periods, closing before the
// decision, and the steps of 强制执行 by the bureau (行政强制法 chapter IV).
// ---------------------------------------------------------------------------------------------

const XZCFF_ART60: &str = "《中华人民共和国行政处罚法》第六十条";

impl Case<'_, '_> {
    /// A violation of a limit the bureau's own rules set (本局规定): the basis cites the
    /// bureau's document (`local_rules_document`) beside the statute that leaves room for it.
    fn flag_bureau(&mut self, rule: RuleId, at: At, statute: &str, message: &str) {
        self.violations.push(Violation {
            rule: rule.as_str().to_owned(),
            event: Some(at.index),
            basis: format!("{}（本局规定）；{statute}", self.rules.local_rules_document),
            message: format!(
                "按本局规定（{}）：{message}",
                self.rules.local_rules_document
            ),
        });
    }

    /// Days of the excluded periods (`suspension`) after `register` and not after `end`, each
    /// day counted once however many periods cover it.
    fn excluded_days(&self, register: NaiveDate, end: NaiveDate) -> u32 {
        let mut spans: Vec<(NaiveDate, NaiveDate)> = self
            .decision_exclusions
            .iter()
            .filter_map(|&(from, until)| {
                let from = from.max(register.succ_opt()?);
                let until = until.min(end);
                (from <= until).then_some((from, until))
            })
            .collect();
        spans.sort_unstable();
        let mut total: i64 = 0;
        let mut covered_to: Option<NaiveDate> = None;
        for (from, until) in spans {
            let start = match covered_to {
                Some(c) if c >= until => continue,
                Some(c) if c >= from => c.succ_opt().unwrap_or(until),
                _ => from,
            };
            total += (until - start).num_days() + 1;
            covered_to = Some(until);
        }
        u32::try_from(total).unwrap_or(u32::MAX)
    }

    /// The length of the decision period in calendar days (before rolling the last day): the
    /// `decision_days`, the approved extensions and the excluded days that fall inside the
    /// period so lengthened (a fixed point: an excluded period after the 90th day counts when
    /// the period reaches it). Returns (days, of which excluded).
    fn decision_period_days(&self, register: NaiveDate) -> (u32, u32) {
        let base = self
            .rules
            .decision_days
            .saturating_add(self.decision_extension_days);
        let mut excluded = 0u32;
        loop {
            let end = register
                .checked_add_days(chrono::Days::new(u64::from(base.saturating_add(excluded))))
                .unwrap_or(NaiveDate::MAX);
            let n = self.excluded_days(register, end);
            if n == excluded {
                return (base.saturating_add(excluded), excluded);
            }
            excluded = n;
        }
    }

    /// Moves the open decision deadline to the end of the lengthened period.
    fn recompute_decision_due(&mut self) -> Result<(), CheckError> {
        if self.first_decision_checked {
            return Ok(());
        }
        let (Some(register), Some(k)) = (self.register, self.decision_deadline) else {
            return Ok(());
        };
        let (days, _) = self.decision_period_days(register.on);
        self.deadlines[k].due = self.days.calendar_days(register.on, days)?;
        Ok(())
    }

    /// How the decision period is made up, in words: `90日` or
    /// `90日，经批准延长30日，另有12日不计入办案期限`.
    fn decision_period_words(&self, register: NaiveDate) -> Result<String, CheckError> {
        let (_, excluded) = self.decision_period_days(register);
        let mut words = format!("{}日", self.rules.decision_days);
        if self.decision_extension_days > 0 {
            let _ = write!(words, "，经批准延长{}日", self.decision_extension_days);
        }
        if excluded > 0 {
            let _ = write!(words, "，另有{excluded}日不计入办案期限");
        }
        Ok(words)
    }

    /// `decision_deadline_90d` at `extension`: allowed only where the bureau's rules allow it,
    /// before the period has run out and within the cap; an accepted extension moves the due
    /// date.
    fn extension(&mut self, at: At, days: u32) -> Result<(), CheckError> {
        let (Some(register), Some(k)) = (self.register, self.decision_deadline) else {
            let message = format!("{}延长办案期限，但本案没有立案记录", CnDate(at.on));
            self.flag(RuleId::DecisionDeadline90d, Basis::Rule, at, message);
            return Ok(());
        };
        if self.first_decision_checked {
            let message = format!(
                "{}延长办案期限，但本案已作出决定，办案期限不再延长",
                CnDate(at.on)
            );
            self.flag(RuleId::DecisionDeadline90d, Basis::Rule, at, message);
            return Ok(());
        }
        if !self.rules.decision_extension_allowed {
            let message = format!(
                "行政处罚法规定自立案之日（{}）起{}日内作出行政处罚决定，没有延长的规定；本局规则未规定经负责人批准延长办案期限，{}的延长审批不能延长期限",
                CnDate(register.on),
                self.rules.decision_days,
                CnDate(at.on)
            );
            self.flag(RuleId::DecisionDeadline90d, Basis::Rule, at, message);
            return Ok(());
        }
        let due = self.deadlines[k].due;
        let mut problems = Vec::new();
        if due.is_missed_by(at.on)? {
            problems.push(format!(
                "办案期限已于{due}届满，{}才批准延长，期限届满后不能再延长",
                CnDate(at.on)
            ));
        }
        let total = self.decision_extension_days.saturating_add(days);
        let max = self.rules.decision_extension_max_days;
        if total > max {
            problems.push(format!(
                "本次延长{days}日后累计延长{total}日，超过最多延长{max}日的规定"
            ));
        }
        if !problems.is_empty() {
            let message = problems.join("；");
            self.flag_bureau(RuleId::DecisionDeadline90d, at, XZCFF_ART60, &message);
            return Ok(());
        }
        self.decision_extension_days = total;
        self.recompute_decision_due()
    }

    /// `decision_deadline_90d` at `suspension`: a period is excluded from the decision period
    /// only where the bureau's rules exclude it; an accepted one moves the due date.
    fn suspension(
        &mut self,
        at: At,
        kind: crate::timeline::SuspensionKind,
        from: NaiveDate,
        until: NaiveDate,
    ) -> Result<(), CheckError> {
        if !self.rules.decision_period_exclusions {
            let message = format!(
                "行政处罚法规定的办案期限自立案之日起计算，本局规则未规定扣除{}等期间，{}至{}的{}期间不能从办案期限中扣除",
                kind.label(),
                CnDate(from),
                CnDate(until),
                kind.label()
            );
            self.flag(RuleId::DecisionDeadline90d, Basis::Rule, at, message);
            return Ok(());
        }
        self.decision_exclusions.push((from, until));
        self.recompute_decision_due()
    }

    /// At `close` for 撤销立案 before any decision: the case ended by a decision not to pursue
    /// it, so its decision period counts as met on the day of closing (missed when that day is
    /// past the due date), rather than showing as overdue for ever.
    ///
    /// A decision made and later revoked (issue 10 part A) already met the period on its own
    /// date: `decided` is empty again then, so "before any decision" is `first_decision_checked`.
    fn close_ends_decision_period(&mut self, at: At, reason: CloseReason) {
        if reason == CloseReason::RegistrationRevoked && !self.first_decision_checked {
            self.first_decision_checked = true;
            self.complete(self.decision_deadline, at.on);
        }
    }

    /// The day from which the court application may be made after a demand served on
    /// `demand_on` (行政强制法第五十四条), counted as the bureau reads "十日后"
    /// (`demand_wait_unit`), and the period in words.
    fn demand_wait_end(&self, demand_on: NaiveDate) -> Result<(Due, String), CheckError> {
        let n = self.rules.demand_wait_working_days;
        Ok(match self.rules.demand_wait_unit {
            DayUnit::WorkingDays => (self.days.working(demand_on, n)?, format!("{n}个工作日")),
            DayUnit::CalendarDays => (self.days.calendar_days(demand_on, n)?, format!("{n}日")),
        })
    }

    /// `demand_before_enforcement` at `enforcement_decision`: a demand came first, stated the
    /// deadline for performance, and that deadline has passed (行政强制法第三十五、三十七条);
    /// the party could state and defend meanwhile (第三十六条).
    fn enforcement_decision(&mut self, at: At) {
        let problem = match (self.demand, self.demand_deadline) {
            (None, _) => Some("此前未书面催告当事人履行义务".to_owned()),
            (Some(d), None) => Some(format!(
                "{}的催告书未载明当事人履行义务的期限",
                CnDate(d.on)
            )),
            (Some(d), Some(deadline)) if at.on <= deadline => Some(format!(
                "{}的催告书确定的履行期限至{}，尚未届满；当事人逾期仍不履行的，才可作出强制执行决定",
                CnDate(d.on),
                CnDate(deadline)
            )),
            (Some(_), Some(_)) => None,
        };
        if let Some(problem) = problem {
            let message = format!("{}作出行政强制执行决定不当：{problem}", CnDate(at.on));
            self.flag(
                RuleId::DemandBeforeEnforcement,
                Basis::Coercion35To38,
                at,
                message,
            );
        }
        self.enforcement_decision = Some((at, None));
    }

    /// A `service` after an enforcement decision not yet served serves it.
    fn serve_enforcement_decision(&mut self, at: At) {
        if let Some((d, None)) = self.enforcement_decision {
            self.enforcement_decision = Some((d, Some(at.on)));
        }
    }

    /// `demand_before_enforcement` at `forced_demolition` (强制执行 by the bureau): the demand,
    /// then the enforcement decision after it, served on the party.
    fn enforcement_steps(&mut self, at: At) {
        let missing = match (self.demand, self.enforcement_decision) {
            (None, _) => Some("书面催告当事人履行义务（催告书）"),
            (Some(d), Some((e, _))) if e.index < d.index => {
                Some("催告期满后作出行政强制执行决定（最近一次催告在强制执行决定之后）")
            }
            (Some(_), None) => Some("催告期满后作出行政强制执行决定"),
            (Some(_), Some((_, None))) => Some("将行政强制执行决定书送达当事人"),
            (Some(_), Some((_, Some(_)))) => None,
        };
        if let Some(missing) = missing {
            let message = format!("{}实施强制拆除前，尚未{missing}", CnDate(at.on));
            self.flag(
                RuleId::DemandBeforeEnforcement,
                Basis::Coercion35To38,
                at,
                message,
            );
        }
    }

    /// `illegal_building_demolition` at `forced_demolition`: no reconsideration or lawsuit
    /// filed and not yet ended (行政强制法第四十四条).
    fn no_pending_remedy(&mut self, at: At) {
        if self.remedies_pending.is_empty() {
            return;
        }
        let mut pending = String::new();
        for (t, filed) in &self.remedies_pending {
            if !pending.is_empty() {
                pending.push('、');
            }
            let verb = if *t == EventType::Lawsuit {
                "提起的"
            } else {
                "申请的"
            };
            let _ = write!(pending, "{}{verb}{}", CnDate(filed.on), t.label());
        }
        let message = format!(
            "{}强制拆除违法建筑不当：当事人{pending}尚未终结",
            CnDate(at.on)
        );
        self.flag(RuleId::IllegalBuildingDemolition, Basis::Rule, at, message);
    }
}
