//! The rule identifiers of `docs/rules-engine.md`, with their Chinese titles and legal bases.
//!
//! Every violation and deadline the engine reports names one [`RuleId`]; its `as_str()` is the
//! stable snake_case id of `legal-rules.md`, its `basis()` the legal basis with full law names.

use std::fmt;

use serde::{Serialize, Serializer};

const XZCFF: &str = "《中华人民共和国行政处罚法》";
const XZQZF: &str = "《中华人民共和国行政强制法》";
const YSGD: &str = "《行政执法机关移送涉嫌犯罪案件的规定》";

/// A rule of the penalty-case contract (`docs/rules-engine.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuleId {
    /// B2 — at least two officers with a valid certificate.
    OfficersMinTwoCertified,
    /// J1 — every officer acting holds a valid certificate.
    CertificateRequired,
    /// B3 — an officer who withdrew (回避) takes no further part in the case.
    OfficerRecusal,
    /// B26 — 2-year (5-year) limitation period.
    LimitationPeriod,
    /// B7 — the case is registered (立案) before it is notified or decided.
    CaseFiling,
    /// B12 — advance notice with the rights to state and defend, before the decision.
    PreDecisionNotice,
    /// B14 / C1 — the hearing right is offered when the proposed penalty gives it.
    HearingRightScope,
    /// B15 — the party has 5 working days to request a hearing.
    HearingRequestDeadline,
    /// B16 — hearing notice at least 7 working days before the hearing.
    HearingNoticePeriod,
    /// B17 — the hearing's chair is not an investigator; a requested hearing is held.
    HearingConduct,
    /// B13 — no heavier penalty after statement and defence.
    NoAggravationAfterDefense,
    /// B18 — legal review before the decision when required.
    LegalReviewBeforeDecision,
    /// B11 — collective deliberation when required.
    InvestigationOutcomes,
    /// B20 — decision within 90 days of registration.
    DecisionDeadline90d,
    /// B21 — service within 7 working days; fax/e-mail only with consent.
    ServiceDeadline,
    /// B22 — fine paid within 15 days of service.
    PaymentDeadline15d,
    /// B9 — decision on preserved evidence within 7 working days.
    EvidencePreservation7wd,
    /// B4 — summary procedure only for warnings and small fines.
    SummaryProcedureThreshold,
    /// B6 — on-the-spot collection only for small summary fines or remote areas.
    OnsiteFineCollection,
    /// B23 — late-payment surcharge at most 3 % per day and at most the fine.
    LatePaymentSurcharge,
    /// B1 — penalty kind and amount within the violation's penalty basis.
    PenaltyTypes,
    /// B25 — no penalty for minor, corrected, harmless acts, nor for children under 14.
    NoPenaltyConditions,
    /// A party aged 14 to under 18 at the time of the act is penalised more lightly or
    /// mitigated (从轻或者减轻, 行政处罚法第三十条).
    MinorLighterPenalty,
    /// B31 — transfer of suspected crimes: decided within 3 days, handed over within 24 hours.
    CriminalTransfer,
    /// D4 — a demand (催告) before enforcement.
    DemandBeforeEnforcement,
    /// D7 — application to the court for enforcement in its window.
    CourtEnforcementApplication,
    /// D3 — seizure at most 30 (+30) days, decided within that time.
    SeizureDuration,
    /// D5 — no 强制执行 (chapter IV) at night or on statutory holidays except emergencies; it
    /// does not govern 查封、扣押 (chapter III).
    NoNightHolidayEnforcement,
    /// D1 — a coercive measure is approved by the head beforehand (or is an emergency).
    CoerciveMeasureSteps,
    /// D2 — an emergency measure is reported to the head within 24 hours.
    UrgentMeasureReport24h,
    /// D8 — forced demolition only after the announcement's deadline and the remedy periods.
    IllegalBuildingDemolition,
    /// B22–B24, D4–D7 — a case is closed only when the decision is served and executed, or for
    /// a recorded reason that allows it.
    CaseClosing,
    // issue 10 part A
    /// B27 — one fine per act of a party (一事不再罚) unless the first decision was revoked.
    OneFinePerAct,
    // issue 13
    /// B19 — the decision states the party's identity and address, the facts and the evidence
    /// (checked when the timeline keeps a case record).
    DecisionDocumentContents,
}

impl RuleId {
    /// Every rule, in the order of `docs/rules-engine.md`.
    pub const ALL: [RuleId; 34] = [
        RuleId::OfficersMinTwoCertified,
        RuleId::CertificateRequired,
        RuleId::OfficerRecusal,
        RuleId::LimitationPeriod,
        RuleId::CaseFiling,
        RuleId::PreDecisionNotice,
        RuleId::HearingRightScope,
        RuleId::HearingRequestDeadline,
        RuleId::HearingNoticePeriod,
        RuleId::HearingConduct,
        RuleId::NoAggravationAfterDefense,
        RuleId::LegalReviewBeforeDecision,
        RuleId::InvestigationOutcomes,
        RuleId::DecisionDeadline90d,
        RuleId::ServiceDeadline,
        RuleId::PaymentDeadline15d,
        RuleId::EvidencePreservation7wd,
        RuleId::SummaryProcedureThreshold,
        RuleId::OnsiteFineCollection,
        RuleId::LatePaymentSurcharge,
        RuleId::PenaltyTypes,
        RuleId::NoPenaltyConditions,
        RuleId::MinorLighterPenalty,
        RuleId::CriminalTransfer,
        RuleId::DemandBeforeEnforcement,
        RuleId::CourtEnforcementApplication,
        RuleId::SeizureDuration,
        RuleId::NoNightHolidayEnforcement,
        RuleId::CoerciveMeasureSteps,
        RuleId::UrgentMeasureReport24h,
        RuleId::IllegalBuildingDemolition,
        RuleId::CaseClosing,
        // issue 10 part A
        RuleId::OneFinePerAct,
        // issue 13
        RuleId::DecisionDocumentContents,
    ];

    /// The stable snake_case id.
    pub const fn as_str(self) -> &'static str {
        match self {
            RuleId::OfficersMinTwoCertified => "officers_min_two_certified",
            RuleId::CertificateRequired => "certificate_required",
            RuleId::OfficerRecusal => "officer_recusal",
            RuleId::LimitationPeriod => "limitation_period",
            RuleId::CaseFiling => "case_filing",
            RuleId::PreDecisionNotice => "pre_decision_notice",
            RuleId::HearingRightScope => "hearing_right_scope",
            RuleId::HearingRequestDeadline => "hearing_request_deadline",
            RuleId::HearingNoticePeriod => "hearing_notice_period",
            RuleId::HearingConduct => "hearing_conduct",
            RuleId::NoAggravationAfterDefense => "no_aggravation_after_defense",
            RuleId::LegalReviewBeforeDecision => "legal_review_before_decision",
            RuleId::InvestigationOutcomes => "investigation_outcomes",
            RuleId::DecisionDeadline90d => "decision_deadline_90d",
            RuleId::ServiceDeadline => "service_deadline",
            RuleId::PaymentDeadline15d => "payment_deadline_15d",
            RuleId::EvidencePreservation7wd => "evidence_preservation_7wd",
            RuleId::SummaryProcedureThreshold => "summary_procedure_threshold",
            RuleId::OnsiteFineCollection => "onsite_fine_collection",
            RuleId::LatePaymentSurcharge => "late_payment_surcharge",
            RuleId::PenaltyTypes => "penalty_types",
            RuleId::NoPenaltyConditions => "no_penalty_conditions",
            RuleId::MinorLighterPenalty => "minor_lighter_penalty",
            RuleId::CriminalTransfer => "criminal_transfer",
            RuleId::DemandBeforeEnforcement => "demand_before_enforcement",
            RuleId::CourtEnforcementApplication => "court_enforcement_application",
            RuleId::SeizureDuration => "seizure_duration",
            RuleId::NoNightHolidayEnforcement => "no_night_holiday_enforcement",
            RuleId::CoerciveMeasureSteps => "coercive_measure_steps",
            RuleId::UrgentMeasureReport24h => "urgent_measure_report_24h",
            RuleId::IllegalBuildingDemolition => "illegal_building_demolition",
            RuleId::CaseClosing => "case_closing",
            // issue 10 part A
            RuleId::OneFinePerAct => "one_fine_per_act",
            RuleId::DecisionDocumentContents => "decision_document_contents",
        }
    }

    /// The rule with snake_case id `id`.
    pub fn from_id(id: &str) -> Option<RuleId> {
        RuleId::ALL.into_iter().find(|r| r.as_str() == id)
    }

    /// Short Chinese title.
    pub const fn title(self) -> &'static str {
        match self {
            RuleId::OfficersMinTwoCertified => "两名以上持证执法人员",
            RuleId::CertificateRequired => "执法人员持证执法",
            RuleId::OfficerRecusal => "回避",
            RuleId::LimitationPeriod => "追责时效",
            RuleId::CaseFiling => "立案",
            RuleId::PreDecisionNotice => "事先告知",
            RuleId::HearingRightScope => "听证权利告知",
            RuleId::HearingRequestDeadline => "听证申请期限",
            RuleId::HearingNoticePeriod => "听证通知期限",
            RuleId::HearingConduct => "听证程序",
            RuleId::NoAggravationAfterDefense => "不因陈述申辩加重处罚",
            RuleId::LegalReviewBeforeDecision => "法制审核",
            RuleId::InvestigationOutcomes => "集体讨论决定",
            RuleId::DecisionDeadline90d => "九十日办案期限",
            RuleId::ServiceDeadline => "处罚决定书送达",
            RuleId::PaymentDeadline15d => "十五日缴纳罚款期限",
            RuleId::EvidencePreservation7wd => "先行登记保存证据处理期限",
            RuleId::SummaryProcedureThreshold => "简易程序适用条件",
            RuleId::OnsiteFineCollection => "当场收缴罚款",
            RuleId::LatePaymentSurcharge => "加处罚款",
            RuleId::PenaltyTypes => "处罚种类和幅度",
            RuleId::NoPenaltyConditions => "不予行政处罚",
            RuleId::MinorLighterPenalty => "未成年人从轻或者减轻处罚",
            RuleId::CriminalTransfer => "涉嫌犯罪案件移送",
            RuleId::DemandBeforeEnforcement => "强制执行前催告",
            RuleId::CourtEnforcementApplication => "申请人民法院强制执行",
            RuleId::SeizureDuration => "查封扣押期限",
            RuleId::NoNightHolidayEnforcement => "夜间和法定节假日不得实施行政强制执行",
            RuleId::CoerciveMeasureSteps => "行政强制措施审批",
            RuleId::UrgentMeasureReport24h => "紧急强制措施二十四小时内报告",
            RuleId::IllegalBuildingDemolition => "违法建筑强制拆除",
            RuleId::CaseClosing => "结案条件",
            // issue 10 part A
            RuleId::OneFinePerAct => "一事不再罚",
            RuleId::DecisionDocumentContents => "处罚决定书内容",
        }
    }

    /// The legal basis of the rule as a whole, as in the contract table, with full law names.
    /// Some checks cite a narrower basis (see [`Basis`]).
    pub fn basis(self) -> String {
        match self {
            RuleId::OfficersMinTwoCertified => {
                format!("{XZCFF}第四十二条、第五十五条；《河南省行政执法条例》第二十四条")
            }
            RuleId::CertificateRequired => {
                format!("{XZCFF}第四十二条；《河南省行政执法条例》第二十条、第二十一条")
            }
            RuleId::OfficerRecusal => format!("{XZCFF}第四十三条"),
            RuleId::LimitationPeriod => format!("{XZCFF}第三十六条"),
            RuleId::CaseFiling => format!("{XZCFF}第五十四条"),
            RuleId::PreDecisionNotice => format!("{XZCFF}第四十四条、第六十二条"),
            RuleId::HearingRightScope => {
                format!("{XZCFF}第六十三条；《河南省行政处罚听证办法》第四条")
            }
            RuleId::HearingRequestDeadline => format!("{XZCFF}第六十四条第一项、第八十五条"),
            RuleId::HearingNoticePeriod => format!("{XZCFF}第六十四条第二项、第八十五条"),
            RuleId::HearingConduct => format!("{XZCFF}第六十四条、第六十五条"),
            RuleId::NoAggravationAfterDefense => {
                format!("{XZCFF}第四十五条；《河南省行政执法条例》第二十六条")
            }
            RuleId::LegalReviewBeforeDecision => {
                format!("{XZCFF}第五十八条；《河南省行政执法条例》第二十八条")
            }
            RuleId::InvestigationOutcomes => {
                format!("{XZCFF}第五十七条第二款；《河南省行政执法条例》第二十八条")
            }
            RuleId::DecisionDeadline90d => format!("{XZCFF}第六十条"),
            RuleId::ServiceDeadline => format!("{XZCFF}第六十一条"),
            RuleId::PaymentDeadline15d => format!("{XZCFF}第六十七条"),
            RuleId::EvidencePreservation7wd => format!("{XZCFF}第五十六条"),
            RuleId::SummaryProcedureThreshold => format!("{XZCFF}第五十一条"),
            RuleId::OnsiteFineCollection => format!("{XZCFF}第六十八条、第六十九条"),
            RuleId::LatePaymentSurcharge => format!("{XZCFF}第七十二条"),
            RuleId::PenaltyTypes => format!("{XZCFF}第九条及该违法行为的处罚依据"),
            RuleId::NoPenaltyConditions => format!("{XZCFF}第三十条、第三十三条第一款"),
            RuleId::MinorLighterPenalty => format!("{XZCFF}第三十条"),
            RuleId::CriminalTransfer => format!("{YSGD}第五条"),
            RuleId::DemandBeforeEnforcement => format!("{XZQZF}第五十四条"),
            RuleId::CourtEnforcementApplication => format!(
                "{XZQZF}第五十三条、第五十四条；《最高人民法院关于适用〈中华人民共和国行政诉讼法〉的解释》第一百五十六条"
            ),
            RuleId::SeizureDuration => format!("{XZQZF}第二十五条、第二十七条"),
            RuleId::NoNightHolidayEnforcement => format!("{XZQZF}第四十三条"),
            RuleId::CoerciveMeasureSteps => format!("{XZQZF}第十八条"),
            RuleId::UrgentMeasureReport24h => format!("{XZQZF}第十九条"),
            RuleId::IllegalBuildingDemolition => format!(
                "{XZQZF}第四十四条；《中华人民共和国行政复议法》第二十条；《中华人民共和国行政诉讼法》第四十六条"
            ),
            RuleId::CaseClosing => {
                format!("{XZCFF}第六十一条、第六十六条、第七十二条；{XZQZF}第四十条")
            }
            // issue 10 part A
            RuleId::OneFinePerAct => format!("{XZCFF}第二十九条"),
            // issue 13
            RuleId::DecisionDocumentContents => format!("{XZCFF}第五十九条"),
        }
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for RuleId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The basis a single check cites: the whole rule's, or the narrower one of its contract row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// [`RuleId::basis`].
    Rule,
    /// 行政处罚法第四十四条 (advance notice lacks the rights to state and defend).
    Art44,
    /// 行政处罚法第四十四条、第四十五条、第六十二条 (decision before the end of the statement
    /// period the notice states).
    Art44Art45Art62,
    /// 行政处罚法第六十四条第二项 (hearing without a notice).
    Art64Item2,
    /// 行政处罚法第六十四条第四项 (the chair investigated the case).
    Art64Item4,
    /// 行政处罚法第六十一条第二款 (fax/e-mail without consent).
    Art61Para2,
    /// 行政处罚法第六十一条第二款；民事诉讼法第九十条 (electronic service without consent).
    Art61Para2CivilArt90,
    /// 行政处罚法第七十一条 (cash collected on the spot handed in late).
    Art71,
    /// 行政处罚法第三十条 (a child under 14 punished).
    Art30,
    /// 行政处罚法第三十三条第一款 (minor, corrected, harmless act punished).
    Art33Para1,
    /// 行政强制法第十八条第七项 (no on-site record of a seizure).
    Coercion18Item7,
    /// 行政强制法第二十七条 (seizure not decided within its period).
    Coercion27,
    // issue 10 part A
    /// 行政处罚法第六十一条；民事诉讼法第八十五条 (postal service posted late; the days in the
    /// post do not count).
    Art61CivilArt85,
    // issue 10 part B
    /// 行政强制法第三十五条至第三十八条 (强制执行 by the bureau without the demand, the time to
    /// perform and defend, or the served enforcement decision).
    Coercion35To38,
}

impl Basis {
    /// The basis text for `rule`.
    pub fn text(self, rule: RuleId) -> String {
        match self {
            Basis::Rule => rule.basis(),
            Basis::Art44 => format!("{XZCFF}第四十四条"),
            Basis::Art44Art45Art62 => format!("{XZCFF}第四十四条、第四十五条、第六十二条"),
            Basis::Art64Item2 => format!("{XZCFF}第六十四条第二项"),
            Basis::Art64Item4 => format!("{XZCFF}第六十四条第四项"),
            Basis::Art61Para2 => format!("{XZCFF}第六十一条第二款"),
            Basis::Art61Para2CivilArt90 => {
                format!("{XZCFF}第六十一条第二款；《中华人民共和国民事诉讼法》第九十条")
            }
            Basis::Art71 => format!("{XZCFF}第七十一条"),
            Basis::Art30 => format!("{XZCFF}第三十条"),
            Basis::Art33Para1 => format!("{XZCFF}第三十三条第一款"),
            Basis::Coercion18Item7 => format!("{XZQZF}第十八条第七项"),
            Basis::Coercion27 => format!("{XZQZF}第二十七条"),
            // issue 10 part A
            Basis::Art61CivilArt85 => {
                format!("{XZCFF}第六十一条；《中华人民共和国民事诉讼法》第八十五条")
            }
            // issue 10 part B
            Basis::Coercion35To38 => {
                format!("{XZQZF}第三十五条、第三十六条、第三十七条、第三十八条")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_snake_case_and_round_trip() {
        for (i, r) in RuleId::ALL.iter().enumerate() {
            assert!(
                r.as_str()
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            );
            assert_eq!(RuleId::from_id(r.as_str()), Some(*r));
            assert!(RuleId::ALL[..i].iter().all(|o| o.as_str() != r.as_str()));
            assert!(r.basis().starts_with('《'), "{r}");
            assert!(!r.title().is_empty());
        }
        assert_eq!(RuleId::from_id("nope"), None);
    }

    #[test]
    fn every_rule_of_the_contract_is_known() {
        let contract = include_str!("../../../docs/rules-engine.md");
        for line in contract.lines().filter(|l| l.starts_with("| `")) {
            let id = line
                .trim_start_matches("| `")
                .split('`')
                .next()
                .unwrap_or_default();
            assert!(RuleId::from_id(id).is_some(), "rule {id} of the contract");
        }
        for r in RuleId::ALL {
            assert!(contract.contains(&format!("`{}`", r.as_str())), "{r}");
        }
    }

    #[test]
    fn bases_cite_full_law_names() {
        assert_eq!(
            RuleId::HearingNoticePeriod.basis(),
            "《中华人民共和国行政处罚法》第六十四条第二项、第八十五条"
        );
        assert_eq!(
            Basis::Art64Item4.text(RuleId::HearingConduct),
            "《中华人民共和国行政处罚法》第六十四条第四项"
        );
    }
}
