//! The complaint procedure (诉求办理闭环) as pure rules: its states, each step as one
//! function of the state that either gives the next state or refuses with a typed rule id
//! (`hotline_closed_loop`, I2; `digital_cm_workflow`, I9 of legal-rules.md) and a Chinese
//! message, and what may happen next ([`Stage::next_steps`], used by the pages; a step not
//! listed is refused). The service (`fazhi::service::complaint_workflow`) adds roles, scope,
//! storage, the version check and the audit entry around each step.
//!
//! This folder is the pattern the next procedures follow (licensing, inspections, reviews,
//! disputes): states and steps here, one `RuleId` enum per procedure with its basis, no I/O.

use serde::{Deserialize, Serialize};

/// The rules of the complaint procedure, scoped to it (the penalty procedure has its own
/// [`crate::rule::RuleId`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleId {
    /// I2 — 受理 → 派单 → 办理 → 答复 → 办结 → 回访 → 评价, with satisfaction measurement.
    HotlineClosedLoop,
    /// I9 — 数字城管: 核查结案 (a problem is closed as solved only after verification).
    DigitalCmWorkflow,
}

impl RuleId {
    /// The stable snake_case id of legal-rules.md.
    pub const fn as_str(self) -> &'static str {
        match self {
            RuleId::HotlineClosedLoop => "hotline_closed_loop",
            RuleId::DigitalCmWorkflow => "digital_cm_workflow",
        }
    }

    /// The basis, in Chinese. Both are sector practice ([S] in legal-rules.md), not statute.
    pub const fn basis(self) -> &'static str {
        match self {
            RuleId::HotlineClosedLoop => {
                "《国务院办公厅关于进一步优化地方政务服务便民热线的指导意见》（国办发〔2020〕53号）"
            }
            RuleId::DigitalCmWorkflow => "《数字化城市管理信息系统》（GB/T 30428）核查结案",
        }
    }
}

/// A step the procedure refuses in the complaint's current state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Refusal {
    /// The rule that refuses it.
    pub rule: RuleId,
    /// The stable error code of the API (`complaint_wrong_stage`, `verification_required`, …).
    pub code: &'static str,
    /// Why, in Chinese, for the user.
    pub message: String,
}

/// A step of the procedure, as [`Stage::next_steps`] lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Dispatch,
    Recategorise,
    Handle,
    Reply,
    Verify,
    Close(FinalState),
    FollowUp,
    Rate,
    Reopen,
}

impl Step {
    /// Every step (each final state of 办结 its own).
    pub const ALL: [Step; 13] = [
        Step::Dispatch,
        Step::Recategorise,
        Step::Handle,
        Step::Reply,
        Step::Verify,
        Step::Close(FinalState::Resolved),
        Step::Close(FinalState::NotResolved),
        Step::Close(FinalState::NotOurResponsibility),
        Step::Close(FinalState::DuplicateOf),
        Step::Close(FinalState::Withdrawn),
        Step::FollowUp,
        Step::Rate,
        Step::Reopen,
    ];
}

/// The real state of a complaint in the closed loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 受理
    Received,
    /// 派单
    Dispatched,
    /// 办理
    Handling,
    /// 答复
    Replied,
    /// 核查
    Verified,
    /// 办结
    Closed,
    /// 回访
    FollowedUp,
    /// 评价
    Rated,
    /// 群众申请重新办理
    Reopened,
}

/// How a complaint ended (the honest final state).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FinalState {
    Resolved,
    NotResolved,
    NotOurResponsibility,
    DuplicateOf,
    Withdrawn,
}

/// 721 工作法: how the problem was solved (legal-rules.md I8 `method_721`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Tag721 {
    /// 服务
    Service,
    /// 管理
    Management,
    /// 执法
    Enforcement,
}

impl Tag721 {
    pub fn as_str(self) -> &'static str {
        match self {
            Tag721::Service => "service",
            Tag721::Management => "management",
            Tag721::Enforcement => "enforcement",
        }
    }
}

impl FinalState {
    pub fn as_str(self) -> &'static str {
        match self {
            FinalState::Resolved => "resolved",
            FinalState::NotResolved => "not_resolved",
            FinalState::NotOurResponsibility => "not_our_responsibility",
            FinalState::DuplicateOf => "duplicate_of",
            FinalState::Withdrawn => "withdrawn",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            FinalState::Resolved => "已解决",
            FinalState::NotResolved => "未解决",
            FinalState::NotOurResponsibility => "非本部门职责，已告知并转办",
            FinalState::DuplicateOf => "重复诉求，已合并办理",
            FinalState::Withdrawn => "群众已撤回",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
    }
}

fn wrong_stage(stage: Stage, action: &str) -> Refusal {
    Refusal {
        rule: RuleId::HotlineClosedLoop,
        code: "complaint_wrong_stage",
        message: format!(
            "诉求当前状态为“{}”，不能{action}（受理→派单→办理→答复→办结→回访→评价）",
            stage.label()
        ),
    }
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Received => "received",
            Stage::Dispatched => "dispatched",
            Stage::Handling => "handling",
            Stage::Replied => "replied",
            Stage::Verified => "verified",
            Stage::Closed => "closed",
            Stage::FollowedUp => "followed_up",
            Stage::Rated => "rated",
            Stage::Reopened => "reopened",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
    }
    pub fn label(self) -> &'static str {
        match self {
            Stage::Received => "已受理，待派单",
            Stage::Dispatched => "已派单，承办单位办理中",
            Stage::Handling => "办理中",
            Stage::Replied => "已答复，待核查办结",
            Stage::Verified => "已核查，待办结",
            Stage::Closed => "已办结",
            Stage::FollowedUp => "已办结，已回访",
            Stage::Rated => "已办结，已评价",
            Stage::Reopened => "群众反映问题未解决，已重新办理",
        }
    }
    /// The coarse state stored in `complaints.state` (the CHECK of migration 0002).
    pub fn db_state(self) -> &'static str {
        match self {
            Stage::Received => "received",
            Stage::Dispatched => "dispatched",
            Stage::Handling => "handling",
            Stage::Replied | Stage::Verified => "replied",
            Stage::Closed | Stage::FollowedUp | Stage::Rated => "closed",
            Stage::Reopened => "reopened",
        }
    }
    pub fn is_open(self) -> bool {
        match self {
            Stage::Received
            | Stage::Dispatched
            | Stage::Handling
            | Stage::Replied
            | Stage::Verified
            | Stage::Reopened => true,
            Stage::Closed | Stage::FollowedUp | Stage::Rated => false,
        }
    }
    /// Not yet answered: the time limit still runs.
    pub fn is_unanswered(self) -> bool {
        match self {
            Stage::Received | Stage::Dispatched | Stage::Handling | Stage::Reopened => true,
            Stage::Replied | Stage::Verified | Stage::Closed | Stage::FollowedUp | Stage::Rated => {
                false
            }
        }
    }
    /// 派单 (first dispatch, or again after a reopening) or 改派 (re-route while being handled).
    pub fn dispatch(self) -> Result<Stage, Refusal> {
        match self {
            Stage::Received | Stage::Reopened | Stage::Dispatched | Stage::Handling => {
                Ok(Stage::Dispatched)
            }
            Stage::Replied | Stage::Verified | Stage::Closed | Stage::FollowedUp | Stage::Rated => {
                Err(wrong_stage(self, "派单或改派"))
            }
        }
    }
    /// Whether a dispatch from here is a re-route (a reason is required).
    pub fn is_reroute(self) -> bool {
        match self {
            Stage::Dispatched | Stage::Handling => true,
            Stage::Received
            | Stage::Reopened
            | Stage::Replied
            | Stage::Verified
            | Stage::Closed
            | Stage::FollowedUp
            | Stage::Rated => false,
        }
    }
    pub fn recategorise(self) -> Result<Stage, Refusal> {
        match self {
            Stage::Received | Stage::Dispatched | Stage::Handling | Stage::Reopened => Ok(self),
            Stage::Replied | Stage::Verified | Stage::Closed | Stage::FollowedUp | Stage::Rated => {
                Err(wrong_stage(self, "改变诉求类别"))
            }
        }
    }
    pub fn handle(self) -> Result<Stage, Refusal> {
        match self {
            Stage::Dispatched | Stage::Handling => Ok(Stage::Handling),
            Stage::Received
            | Stage::Reopened
            | Stage::Replied
            | Stage::Verified
            | Stage::Closed
            | Stage::FollowedUp
            | Stage::Rated => Err(wrong_stage(self, "登记办理情况")),
        }
    }
    pub fn reply(self) -> Result<Stage, Refusal> {
        match self {
            Stage::Dispatched | Stage::Handling => Ok(Stage::Replied),
            Stage::Received
            | Stage::Reopened
            | Stage::Replied
            | Stage::Verified
            | Stage::Closed
            | Stage::FollowedUp
            | Stage::Rated => Err(wrong_stage(self, "答复群众")),
        }
    }
    pub fn verify(self) -> Result<Stage, Refusal> {
        match self {
            Stage::Replied => Ok(Stage::Verified),
            Stage::Received
            | Stage::Dispatched
            | Stage::Handling
            | Stage::Reopened
            | Stage::Verified
            | Stage::Closed
            | Stage::FollowedUp
            | Stage::Rated => Err(wrong_stage(self, "核查")),
        }
    }
    /// 办结 with an honest final state: `resolved` only after 核查 (I9 核查结案),
    /// `not_resolved` after an answer, the others from any open state.
    pub fn close(self, final_state: FinalState) -> Result<Stage, Refusal> {
        match (final_state, self) {
            (FinalState::Resolved, Stage::Verified) => Ok(Stage::Closed),
            (FinalState::Resolved, Stage::Replied) => Err(Refusal {
                rule: RuleId::DigitalCmWorkflow,
                code: "verification_required",
                message: "办结为“已解决”前须先核查并上传处置前后照片（核查结案）".into(),
            }),
            (FinalState::NotResolved, Stage::Replied | Stage::Verified) => Ok(Stage::Closed),
            (
                FinalState::NotOurResponsibility | FinalState::DuplicateOf | FinalState::Withdrawn,
                Stage::Received
                | Stage::Dispatched
                | Stage::Handling
                | Stage::Replied
                | Stage::Verified
                | Stage::Reopened,
            ) => Ok(Stage::Closed),
            (
                FinalState::Resolved | FinalState::NotResolved,
                Stage::Received
                | Stage::Dispatched
                | Stage::Handling
                | Stage::Reopened
                | Stage::Closed
                | Stage::FollowedUp
                | Stage::Rated,
            )
            | (
                FinalState::NotOurResponsibility | FinalState::DuplicateOf | FinalState::Withdrawn,
                Stage::Closed | Stage::FollowedUp | Stage::Rated,
            ) => Err(wrong_stage(self, "办结")),
        }
    }
    pub fn follow_up(self) -> Result<Stage, Refusal> {
        match self {
            Stage::Closed => Ok(Stage::FollowedUp),
            Stage::Received
            | Stage::Dispatched
            | Stage::Handling
            | Stage::Replied
            | Stage::Verified
            | Stage::Reopened
            | Stage::FollowedUp
            | Stage::Rated => Err(wrong_stage(self, "回访")),
        }
    }
    pub fn rate(self) -> Result<Stage, Refusal> {
        match self {
            Stage::Closed | Stage::FollowedUp => Ok(Stage::Rated),
            Stage::Rated => Err(Refusal {
                rule: RuleId::HotlineClosedLoop,
                code: "already_rated",
                message: "该诉求已评价，不能重复评价".into(),
            }),
            Stage::Received
            | Stage::Dispatched
            | Stage::Handling
            | Stage::Replied
            | Stage::Verified
            | Stage::Reopened => Err(wrong_stage(self, "评价")),
        }
    }
    pub fn reopen(self) -> Result<Stage, Refusal> {
        match self {
            Stage::Closed | Stage::FollowedUp | Stage::Rated => Ok(Stage::Reopened),
            Stage::Received
            | Stage::Dispatched
            | Stage::Handling
            | Stage::Replied
            | Stage::Verified
            | Stage::Reopened => Err(wrong_stage(self, "申请重新办理")),
        }
    }
}

impl Stage {
    /// The state after `step`, or the refusal.
    pub fn apply(self, step: Step) -> Result<Stage, Refusal> {
        match step {
            Step::Dispatch => self.dispatch(),
            Step::Recategorise => self.recategorise(),
            Step::Handle => self.handle(),
            Step::Reply => self.reply(),
            Step::Verify => self.verify(),
            Step::Close(f) => self.close(f),
            Step::FollowUp => self.follow_up(),
            Step::Rate => self.rate(),
            Step::Reopen => self.reopen(),
        }
    }

    /// What may happen next: every step the procedure allows from here. A step not listed is
    /// refused, so a page that offers only these fails closed.
    pub fn next_steps(self) -> Vec<Step> {
        Step::ALL
            .into_iter()
            .filter(|s| self.apply(*s).is_ok())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use super::*;

    const ALL_STAGES: [Stage; 9] = [
        Stage::Received,
        Stage::Dispatched,
        Stage::Handling,
        Stage::Replied,
        Stage::Verified,
        Stage::Closed,
        Stage::FollowedUp,
        Stage::Rated,
        Stage::Reopened,
    ];

    #[test]
    fn the_closed_loop_runs_in_order() {
        let mut s = Stage::Received;
        for step in [
            Step::Dispatch,
            Step::Handle,
            Step::Reply,
            Step::Verify,
            Step::Close(FinalState::Resolved),
            Step::FollowUp,
            Step::Rate,
        ] {
            s = s.apply(step).unwrap_or_else(|e| panic!("{step:?}: {e}"));
        }
        assert_eq!(s, Stage::Rated);
        assert_eq!(s.next_steps(), vec![Step::Reopen]);
    }

    #[test]
    fn refusals_name_their_rule_without_ids_in_the_text() {
        let e = Stage::Replied.close(FinalState::Resolved).unwrap_err();
        assert_eq!(
            (e.rule, e.code),
            (RuleId::DigitalCmWorkflow, "verification_required")
        );
        let e = Stage::Rated.rate().unwrap_err();
        assert_eq!(e.code, "already_rated");
        let e = Stage::Closed.dispatch().unwrap_err();
        assert_eq!(e.rule, RuleId::HotlineClosedLoop);
        for s in ALL_STAGES {
            for step in Step::ALL {
                if let Err(e) = s.apply(step) {
                    assert!(!e.message.contains('_'), "{s:?} {step:?}: {}", e.message);
                    assert!(!e.rule.basis().is_empty());
                }
            }
        }
    }

    #[test]
    fn next_steps_are_exactly_the_accepted_ones() {
        for s in ALL_STAGES {
            let next = s.next_steps();
            for step in Step::ALL {
                assert_eq!(
                    next.contains(&step),
                    s.apply(step).is_ok(),
                    "{s:?} {step:?}"
                );
            }
            assert_eq!(s.is_open(), !next.contains(&Step::Reopen), "{s:?}");
        }
    }

    #[test]
    fn names_round_trip() {
        for s in ALL_STAGES {
            assert_eq!(Stage::parse(s.as_str()), Some(s));
        }
    }
}
