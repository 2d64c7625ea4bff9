//! The permission table: every use case of the platform ([`Action`]) × the posts ([`Role`])
//! that may carry it out, in one place. Services check it (`actor.require(Action::X)`), the
//! pages ask it what to offer (`user.may(Action::X)`), the navigation shows a link exactly
//! when the table allows its page, and `web::guard` refuses a request before its handler runs
//! when the route's action is not granted to the caller's role (`web::guard::ROUTES` maps
//! every route to its action; a route missing there is refused).
//!
//! A refusal names the use case and the posts that may act instead
//! ("受理投诉需由指挥中心受理员或系统管理员办理") when the use case is a step of a procedure
//! that some post carries out; for the management and reading use cases it stays the plain
//! "无权执行该操作". Which is which is part of the table ([`Action::names_post`]).
//!
//! Recording a case event is one use case per event type ([`Action::RecordCaseEvent`]): the
//! post that records each step of the penalty procedure is [`case_event_roles`], exhaustive
//! on purpose so that a new event type must be given its posts (it never falls to officers
//! by default).

use super::ServiceError;
use super::auth::Role;
use fazhi_domain::timeline::EventType;

use Role::{Admin, Clerk, Dispatcher, Leader, Legal, Mediator, Officer, Partner};

/// One thing a user can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    // ---- penalty cases ----
    /// Read cases, their timelines, deadlines and case-file data.
    ViewCases,
    /// Check a timeline against the rules (the checker tool).
    CheckTimeline,
    /// Open a new case.
    OpenCase,
    /// Record one step of the procedure on a case.
    RecordCaseEvent(EventType),
    /// Record a step of any type (the route level: the step is only known from the form).
    RecordSomeCaseEvent,
    /// Record a late step with a written reason (the head decides).
    AcceptLateStep,
    /// Upload evidence files.
    UploadEvidence,
    /// Fill in the case file's data (parties, facts …).
    EditCaseRecord,
    /// Write the 法制审核 section of the case record (the legal office's own findings).
    WriteLegalReview,
    /// The legal review queue (法制审核待办).
    ReviewQueue,
    /// Read and download documents of a case.
    ViewDocuments,
    /// Generate documents of a case.
    GenerateDocuments,
    // ---- people and organisation ----
    ViewOfficers,
    ManageOfficers,
    ViewOrgUnits,
    ManageOrgUnits,
    ManageUsers,
    ManageOpen311Keys,
    // ---- rules and calendars ----
    ViewCatalogue,
    EditCatalogue,
    LoadCalendars,
    /// The workbench's warning that next year's holiday arrangement is not loaded.
    CalendarWarning,
    /// Read the bureau's rule settings (本局规则设置) and their legal basis.
    ViewBureauSettings,
    /// Change the rule settings the bureau may set itself (not the statutory numbers).
    EditBureauSettings,
    // ---- figures ----
    ViewStatistics,
    /// Complaint figures inside the yearly statistics.
    ComplaintFigures,
    // ---- audit and personal data ----
    AuditOverview,
    AuditCheckpoint,
    VerifyAudit,
    ErasePersonalData,
    // ---- complaints ----
    /// Complaint lists and records (in scope, see [`Action::SeeEveryComplaint`]).
    ViewComplaints,
    /// Every complaint, whatever unit it is routed to (指挥中心).
    SeeEveryComplaint,
    /// The workbench list of complaints dispatched to the user's own unit.
    SquadComplaints,
    ComplaintIntake,
    ComplaintDuplicates,
    DispatchComplaint,
    RecategoriseComplaint,
    HandleComplaint,
    ReplyComplaint,
    VerifyComplaint,
    CloseComplaint,
    FollowUpComplaint,
    RateComplaint,
    SuperviseComplaint,
    /// 挂牌督办 (level 3) is the leader's decision.
    SuperviseListed,
    ComplaintToCase,
    ComplaintStats,
}

const CASE_WORKERS: &[Role] = &[Admin, Leader, Legal, Officer];
const COMPLAINT_WORKERS: &[Role] = &[Admin, Dispatcher, Leader, Officer, Partner];
const COMPLAINT_HANDLERS: &[Role] = &[Officer, Leader, Partner];
const DISPATCH: &[Role] = &[Dispatcher, Admin];

impl Action {
    /// Every use case without a parameter, and every event type's recording.
    pub fn all() -> Vec<Action> {
        use Action::*;
        let mut all = vec![
            ViewCases,
            CheckTimeline,
            OpenCase,
            RecordSomeCaseEvent,
            AcceptLateStep,
            UploadEvidence,
            EditCaseRecord,
            WriteLegalReview,
            ReviewQueue,
            ViewDocuments,
            GenerateDocuments,
            ViewOfficers,
            ManageOfficers,
            ViewOrgUnits,
            ManageOrgUnits,
            ManageUsers,
            ManageOpen311Keys,
            ViewCatalogue,
            EditCatalogue,
            LoadCalendars,
            CalendarWarning,
            ViewBureauSettings,
            EditBureauSettings,
            ViewStatistics,
            ComplaintFigures,
            AuditOverview,
            AuditCheckpoint,
            VerifyAudit,
            ErasePersonalData,
            ViewComplaints,
            SeeEveryComplaint,
            SquadComplaints,
            ComplaintIntake,
            ComplaintDuplicates,
            DispatchComplaint,
            RecategoriseComplaint,
            HandleComplaint,
            ReplyComplaint,
            VerifyComplaint,
            CloseComplaint,
            FollowUpComplaint,
            RateComplaint,
            SuperviseComplaint,
            SuperviseListed,
            ComplaintToCase,
            ComplaintStats,
        ];
        all.extend(EventType::ALL.iter().map(|t| RecordCaseEvent(*t)));
        all
    }

    /// The use case's Chinese name, as in "受理投诉需由指挥中心受理员或系统管理员办理".
    pub fn name(self) -> &'static str {
        use Action::*;
        match self {
            ViewCases => "查看案件",
            CheckTimeline => "检查案件时间线",
            OpenCase => "新建案件",
            RecordCaseEvent(t) => t.label(),
            RecordSomeCaseEvent => "记录办案环节",
            AcceptLateStep => "逾期补录",
            UploadEvidence => "上传证据",
            EditCaseRecord => "填写案卷信息",
            WriteLegalReview => "填写法制审核意见",
            ReviewQueue => "法制审核待办",
            ViewDocuments => "查看执法文书",
            GenerateDocuments => "生成执法文书",
            ViewOfficers => "查看执法人员",
            ManageOfficers => "管理执法人员和执法证",
            ViewOrgUnits => "查看组织机构",
            ManageOrgUnits => "管理组织机构",
            ManageUsers => "管理用户",
            ManageOpen311Keys => "管理 Open311 接口密钥",
            ViewCatalogue => "查看裁量基准",
            EditCatalogue => "修改裁量基准",
            LoadCalendars => "载入节假日安排",
            CalendarWarning => "下一年度日历提醒",
            ViewBureauSettings => "查看本局规则设置",
            EditBureauSettings => "修改本局规则设置",
            ViewStatistics => "查看统计",
            ComplaintFigures => "查看投诉举报统计",
            AuditOverview => "查看审计日志",
            AuditCheckpoint => "生成审计锚点",
            VerifyAudit => "校验审计日志",
            ErasePersonalData => "清除到期个人信息",
            ViewComplaints => "查看投诉举报",
            SeeEveryComplaint => "查看全部投诉举报",
            SquadComplaints => "本单位投诉待办",
            ComplaintIntake => "受理投诉",
            ComplaintDuplicates => "查看疑似重复投诉",
            DispatchComplaint => "派单",
            RecategoriseComplaint => "更改投诉类别",
            HandleComplaint => "办理",
            ReplyComplaint => "答复",
            VerifyComplaint => "现场核查",
            CloseComplaint => "办结",
            FollowUpComplaint => "回访",
            RateComplaint => "评价",
            SuperviseComplaint => "督办",
            SuperviseListed => "挂牌督办",
            ComplaintToCase => "转为案件线索",
            ComplaintStats => "查看投诉举报统计",
        }
    }

    /// The posts that may carry out the use case. Not listed = refused.
    pub fn roles(self) -> &'static [Role] {
        use Action::*;
        match self {
            ViewCases | CheckTimeline | ViewOfficers | ViewCatalogue | ViewBureauSettings => {
                CASE_WORKERS
            }
            OpenCase | UploadEvidence | EditCaseRecord => &[Leader, Officer],
            RecordCaseEvent(t) => case_event_roles(t),
            RecordSomeCaseEvent => &[Leader, Legal, Officer],
            AcceptLateStep => &[Leader],
            ReviewQueue => &[Legal, Leader],
            WriteLegalReview => &[Legal],
            ViewDocuments | GenerateDocuments => &[Leader, Legal, Officer],
            ManageOfficers | ManageOrgUnits | ManageUsers | ManageOpen311Keys => &[Admin],
            ViewOrgUnits => &[Admin, Leader],
            EditCatalogue | LoadCalendars | EditBureauSettings | VerifyAudit => &[Admin, Legal],
            CalendarWarning | ComplaintFigures => &[Admin, Leader],
            ViewStatistics => &[Admin, Leader, Legal],
            AuditOverview | AuditCheckpoint | ErasePersonalData => &[Admin],
            ViewComplaints => COMPLAINT_WORKERS,
            SeeEveryComplaint => &[Admin, Dispatcher],
            SquadComplaints => &[Officer, Partner],
            ComplaintIntake
            | DispatchComplaint
            | RecategoriseComplaint
            | FollowUpComplaint
            | RateComplaint => DISPATCH,
            ComplaintDuplicates | ComplaintStats => &[Dispatcher, Admin, Leader],
            HandleComplaint | ReplyComplaint => COMPLAINT_HANDLERS,
            VerifyComplaint => &[Officer, Leader, Dispatcher, Admin],
            CloseComplaint | SuperviseComplaint => &[Dispatcher, Leader, Admin],
            SuperviseListed => &[Leader],
            ComplaintToCase => &[Officer, Leader],
        }
    }

    /// Whether a refusal names the posts that act instead (a step of a procedure) rather than
    /// answering the plain "无权执行该操作".
    pub fn names_post(self) -> bool {
        use Action::*;
        matches!(
            self,
            OpenCase
                | RecordCaseEvent(_)
                | RecordSomeCaseEvent
                | UploadEvidence
                | LoadCalendars
                | EditBureauSettings
                | ComplaintIntake
                | DispatchComplaint
                | RecategoriseComplaint
                | HandleComplaint
                | ReplyComplaint
                | VerifyComplaint
                | CloseComplaint
                | FollowUpComplaint
                | RateComplaint
                | SuperviseComplaint
                | ComplaintToCase
        )
    }

    pub fn allows(self, role: Role) -> bool {
        self.roles().contains(&role)
    }

    /// The error for a caller whose post may not do this.
    pub fn refusal(self) -> ServiceError {
        if self.names_post() {
            ServiceError::WrongPost {
                message: format!("{}需由{}办理", self.name(), posts(self.roles())),
            }
        } else {
            ServiceError::Forbidden
        }
    }
}

/// "局领导或执法队员": the Chinese names of the posts, joined.
pub fn posts(roles: &[Role]) -> String {
    let names: Vec<&str> = roles.iter().map(|r| r.label()).collect();
    match names.split_last() {
        None => "相关岗位".into(),
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{}或{last}", rest.join("、")),
    }
}

/// Which posts record which kind of event. Exhaustive on purpose: a new event type must be
/// given its posts here, it never falls to officers by default.
pub fn case_event_roles(event: EventType) -> &'static [Role] {
    match event {
        EventType::LegalReview => &[Legal],
        // Decisions of the agency: the head's.
        EventType::Deliberation
        | EventType::Decision
        | EventType::Register
        | EventType::SeizureDecision => &[Leader],
        EventType::Close | EventType::Archive => &[Leader, Legal],
        // Investigation and enforcement acts of the officers, and the party's acts (statement,
        // waivers, hearing request) that the officers record from the party's signed papers.
        EventType::Lead
        | EventType::Evidence
        | EventType::Preservation
        | EventType::PreservationDecision
        | EventType::AdvanceNotice
        | EventType::Defence
        | EventType::StatementWaiver
        | EventType::HearingRequest
        | EventType::HearingNotice
        | EventType::Hearing
        | EventType::HearingWaiver
        | EventType::Service
        | EventType::Payment
        | EventType::Demand
        | EventType::CourtEnforcementApplication
        | EventType::SummaryPenalty
        | EventType::CoerciveMeasure
        | EventType::Recusal
        | EventType::TransferReport
        | EventType::TransferHandover
        | EventType::DemolitionAnnouncement
        | EventType::ForcedDemolition => &[Leader, Officer],
        // Revoking a decision (一事不再罚 allows a new fine only after it) is the head's act,
        // prepared by the legal office.
        EventType::Revocation => &[Leader, Legal],
        // The head approves an extension of the decision period and decides on enforcement;
        // an excluded period is recorded by the officers; the legal office, which answers
        // reconsiderations and lawsuits, records them as well as the officers.
        EventType::Extension | EventType::EnforcementDecision => &[Leader],
        EventType::Suspension => &[Leader, Officer],
        EventType::Reconsideration | EventType::Lawsuit => &[Leader, Legal, Officer],
    }
}

/// Roles no use case names: kept so that the table's coverage is visible here (窗口审批 and
/// 调解员 have no module yet; their pages are the workbench, the calendar and their password).
pub const ROLES_WITHOUT_USE_CASES: &[Role] = &[Clerk, Mediator];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_step_names_the_posts() {
        let e = Action::ComplaintIntake.refusal();
        assert_eq!(e.to_string(), "受理投诉需由指挥中心受理员或系统管理员办理");
        assert!(matches!(
            Action::ManageUsers.refusal(),
            ServiceError::Forbidden
        ));
        assert_eq!(
            Action::RecordCaseEvent(EventType::LegalReview)
                .refusal()
                .to_string(),
            "法制审核需由法制审核员办理"
        );
    }

    #[test]
    fn every_use_case_is_granted_to_some_post_and_clerks_and_mediators_to_none() {
        for action in Action::all() {
            assert!(!action.roles().is_empty(), "{action:?}");
            for role in ROLES_WITHOUT_USE_CASES {
                assert!(!action.allows(*role), "{action:?} {role:?}");
            }
        }
    }
}
