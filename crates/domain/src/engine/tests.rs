//! Unit tests of the rule engine: for every rule of `docs/rules-engine.md` at least one timeline
//! that passes and one that breaks it, the deadline statuses, errors, the stage, and a property
//! test that random event sequences never panic.
//!
//! Calendar facts used (2025): 4 Apr–6 Apr, 1 May–5 May, 31 May–2 Jun and 1 Oct–8 Oct are off;
//! Sunday 27 Apr is a make-up working day.

#![expect(clippy::unwrap_used, reason = "tests")]

use std::sync::OnceLock;

use proptest::prelude::*;

use super::*;
use crate::timeline::{CloseReason, DecisionFacts, Party, PartyKind, SuspensionKind};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn calendar() -> &'static Calendar {
    static CAL: OnceLock<Calendar> = OnceLock::new();
    CAL.get_or_init(Calendar::china)
}

/// Officers: A, B, D valid throughout; C without certificate (协管员); E expired on
/// 2025-03-31; F suspended 2025-06-01..=2025-06-30; G valid only from 2025-07-01.
const OFFICERS: &str = r#"officers:
  - { id: A, certificate: { no: "豫41000001", valid_from: 2024-01-01, valid_until: 2026-12-31 } }
  - { id: B, certificate: { no: "豫41000002", valid_from: 2024-01-01, valid_until: 2026-12-31 } }
  - { id: C }
  - { id: D, certificate: { no: "豫41000004", valid_from: 2024-01-01, valid_until: 2026-12-31 } }
  - { id: E, certificate: { no: "豫41000005", valid_from: 2022-01-01, valid_until: 2025-03-31 } }
  - { id: F, certificate: { no: "豫41000006", valid_from: 2024-01-01, valid_until: 2026-12-31, suspended_from: 2025-06-01, suspended_until: 2025-06-30 } }
  - { id: G, certificate: { no: "豫41000007", valid_from: 2025-07-01, valid_until: 2028-06-30 } }
"#;

/// A timeline with the given header lines (party, procedure, act_date, flags) and events.
fn timeline_with(header: &str, events: &str) -> Timeline {
    let text = format!("{header}\n{OFFICERS}events:\n{events}");
    match Timeline::from_yaml(&text) {
        Ok(t) => t,
        Err(e) => panic!("test timeline invalid: {e}\n{text}"),
    }
}

const INDIVIDUAL: &str =
    "party: { kind: individual, name: 张三 }\nprocedure: ordinary\nact_date: 2025-02-20";
const ORGANISATION: &str = "party: { kind: organisation, name: 某某餐饮有限公司 }\nprocedure: ordinary\nact_date: 2025-02-20";

fn timeline(events: &str) -> Timeline {
    timeline_with(INDIVIDUAL, events)
}

fn run(t: &Timeline, today: NaiveDate) -> CheckReport {
    run_with(t, today, &RulesConfig::default(), None)
}

fn run_with(
    t: &Timeline,
    today: NaiveDate,
    rules: &RulesConfig,
    catalogue: Option<&Catalogue>,
) -> CheckReport {
    let ctx = CheckContext {
        calendar: calendar(),
        rules,
        catalogue,
        today,
    };
    match check_timeline(t, &ctx) {
        Ok(r) => r,
        Err(e) => panic!("check failed: {e}"),
    }
}

/// `(rule, event)` of every violation, in report order.
fn found(r: &CheckReport) -> Vec<(&str, Option<usize>)> {
    r.violations
        .iter()
        .map(|v| (v.rule.as_str(), v.event))
        .collect()
}

/// The violations of one rule.
fn of(r: &CheckReport, rule: RuleId) -> Vec<&Violation> {
    r.violations
        .iter()
        .filter(|v| v.rule == rule.as_str())
        .collect()
}

fn deadline(r: &CheckReport, rule: RuleId) -> &Deadline {
    r.deadlines
        .iter()
        .find(|x| x.rule == rule.as_str())
        .unwrap_or_else(|| panic!("no deadline {rule} in {:?}", r.deadlines))
}

/// The evaluation date of tests that do not care about it: after every event.
fn today() -> NaiveDate {
    d(2025, 12, 31)
}

/// A complete, lawful ordinary case with a hearing (the format's example plus deliberation).
const LAWFUL_HEARING_CASE: &str = r"
  - { on: 2025-03-03, type: register, officers: [A, B] }
  - { on: 2025-03-05, type: evidence, officers: [A, B] }
  - { on: 2025-04-01, type: advance_notice, officers: [A, B], proposed: { fine: 6000 }, rights: [statement, defence, hearing] }
  - { on: 2025-04-03, type: hearing_request }
  - { on: 2025-04-08, type: hearing_notice, hearing_on: 2025-04-18 }
  - { on: 2025-04-18, type: hearing, chair: D }
  - { on: 2025-04-22, type: legal_review, result: pass }
  - { on: 2025-04-23, type: deliberation }
  - { on: 2025-04-25, type: decision, officers: [A, B], outcome: penalty, penalty: { fine: 6000 } }
  - { on: 2025-04-28, type: service, method: direct }
  - { on: 2025-05-09, type: payment, amount: 6000, method: bank }
  - { on: 2025-05-12, type: close }
  - { on: 2025-05-20, type: archive }
";

#[test]
fn a_lawful_case_has_no_violations() {
    let r = run(&timeline(LAWFUL_HEARING_CASE), today());
    assert_eq!(found(&r), vec![]);
    assert_eq!(r.stage, CaseStage::Archived);
    let statuses: Vec<_> = r
        .deadlines
        .iter()
        .map(|x| (x.rule.as_str(), x.due, x.status))
        .collect();
    assert_eq!(
        statuses,
        vec![
            ("decision_deadline_90d", d(2025, 6, 3), DeadlineStatus::Met),
            (
                "hearing_request_deadline",
                d(2025, 4, 9),
                DeadlineStatus::Met
            ),
            ("service_deadline", d(2025, 5, 8), DeadlineStatus::Met),
            ("payment_deadline_15d", d(2025, 5, 13), DeadlineStatus::Met),
        ]
    );
    assert!(r.deadlines.iter().all(|x| x.met == Some(true)));
}

// ---- officers_min_two_certified / certificate_required ----------------------------------------

#[test]
fn two_certified_officers_pass() {
    let r = run(
        &timeline(
            "  - { on: 2025-03-03, type: register, officers: [A, B] }\n  - { on: 2025-03-05, type: evidence, officers: [A, B, C] }\n",
        ),
        today(),
    );
    // C (协管员) may assist, but is flagged for acting without a certificate.
    assert_eq!(found(&r), vec![("certificate_required", Some(1))]);
}

#[test]
fn fewer_than_two_certified_officers_is_a_violation() {
    let r = run(
        &timeline(
            r"
  - { on: 2025-03-03, type: register, officers: [A, C] }
  - { on: 2025-03-05, type: evidence }
  - { on: 2025-03-06, type: preservation, officers: [A, A] }
  - { on: 2025-03-07, type: preservation_decision, officers: [A] }
  - { on: 2025-04-01, type: coercive_measure, officers: [A, E], until: 2025-04-10, approved: true, record: true }
",
        ),
        today(),
    );
    assert_eq!(
        found(&r),
        vec![
            ("officers_min_two_certified", Some(0)),
            ("certificate_required", Some(0)),
            ("officers_min_two_certified", Some(1)),
            ("officers_min_two_certified", Some(2)),
            // preservation_decision is not among the two-officer events
            ("officers_min_two_certified", Some(4)),
            ("certificate_required", Some(4)),
        ]
    );
    let v = &of(&r, RuleId::OfficersMinTwoCertified)[0];
    assert_eq!(v.event, Some(0));
    assert!(v.message.contains("只有1名"), "{}", v.message);
    assert_eq!(
        v.basis,
        "《中华人民共和国行政处罚法》第四十二条、第五十五条；《河南省行政执法条例》第二十四条"
    );
    assert!(
        of(&r, RuleId::OfficersMinTwoCertified)[1]
            .message
            .contains("未记录执法人员")
    );
}

#[test]
fn certificate_problems_one_violation_per_officer() {
    let r = run(
        &timeline(
            r"
  - { on: 2025-06-10, type: register, officers: [A, B, C, E, F, G, C] }
  - { on: 2025-07-02, type: evidence, officers: [F, G] }
",
        ),
        today(),
    );
    assert_eq!(
        found(&r),
        vec![
            ("certificate_required", Some(0)),
            ("certificate_required", Some(0)),
            ("certificate_required", Some(0)),
            ("certificate_required", Some(0)),
        ]
    );
    let messages: Vec<_> = of(&r, RuleId::CertificateRequired)
        .iter()
        .map(|v| v.message.clone())
        .collect();
    assert!(
        messages[0].contains("执法人员C没有行政执法证"),
        "{messages:?}"
    );
    assert!(
        messages[1].contains("已于2025年3月31日到期"),
        "{messages:?}"
    );
    assert!(
        messages[2].contains("被暂扣（自2025年6月1日至2025年6月30日）"),
        "{messages:?}"
    );
    assert!(
        messages[3].contains("自2025年7月1日起才生效"),
        "{messages:?}"
    );
}

#[test]
fn certificate_checked_on_any_event_listing_officers() {
    let r = run(
        &timeline(
            "  - { on: 2025-03-03, type: register, officers: [A, B] }\n  - { on: 2025-04-20, type: legal_review, officers: [E], result: pass }\n",
        ),
        today(),
    );
    assert_eq!(found(&r), vec![("certificate_required", Some(1))]);
}

// ---- limitation_period ------------------------------------------------------------------------

#[test]
fn limitation_period() {
    let late = timeline_with(
        "party: { kind: individual, name: 张三 }\nprocedure: ordinary\nact_date: 2023-03-03",
        "  - { on: 2025-03-04, type: register, officers: [A, B] }\n",
    );
    let r = run(&late, today());
    assert_eq!(found(&r), vec![("limitation_period", Some(0))]);
    assert!(
        r.violations[0].message.contains("至2025年3月3日止"),
        "{}",
        r.violations[0].message
    );

    let on_the_day = timeline_with(
        "party: { kind: individual, name: 张三 }\nprocedure: ordinary\nact_date: 2023-03-03",
        "  - { on: 2025-03-03, type: register, officers: [A, B] }\n",
    );
    assert_eq!(found(&run(&on_the_day, today())), vec![]);

    let serious = timeline_with(
        "party: { kind: individual, name: 张三 }\nprocedure: ordinary\nact_date: 2021-03-03\nserious_harm: true",
        "  - { on: 2025-03-04, type: register, officers: [A, B] }\n",
    );
    assert_eq!(found(&run(&serious, today())), vec![]);
    let too_late_even_serious = timeline_with(
        "party: { kind: individual, name: 张三 }\nprocedure: summary\nact_date: 2020-03-03\nserious_harm: true",
        "  - { on: 2025-03-04, type: summary_penalty, officers: [A, B], penalty: { warning: true } }\n",
    );
    assert_eq!(
        found(&run(&too_late_even_serious, today())),
        vec![("limitation_period", Some(0))]
    );
}

#[test]
fn limitation_checked_only_at_the_first_lead_register_or_summary() {
    let t = timeline_with(
        "party: { kind: individual, name: 张三 }\nprocedure: ordinary\nact_date: 2023-03-03",
        "  - { on: 2025-01-06, type: lead }\n  - { on: 2025-03-10, type: register, officers: [A, B] }\n",
    );
    assert_eq!(found(&run(&t, today())), vec![]);
}

// ---- case_filing ------------------------------------------------------------------------------

#[test]
fn case_filing() {
    let r = run(
        &timeline(
            r"
  - { on: 2025-04-01, type: advance_notice, officers: [A, B], proposed: { fine: 500 }, rights: [statement, defence] }
  - { on: 2025-04-15, type: decision, officers: [A, B], outcome: penalty, penalty: { fine: 500 } }
",
        ),
        today(),
    );
    assert_eq!(
        found(&r),
        vec![("case_filing", Some(0)), ("case_filing", Some(1))]
    );
    let registered = run(
        &timeline(
            r"
  - { on: 2025-03-03, type: register, officers: [A, B] }
  - { on: 2025-04-01, type: advance_notice, officers: [A, B], proposed: { fine: 500 }, rights: [statement, defence] }
  - { on: 2025-04-15, type: decision, officers: [A, B], outcome: penalty, penalty: { fine: 500 } }
",
        ),
        today(),
    );
    assert_eq!(found(&registered), vec![]);
}

#[test]
fn case_filing_not_required_in_summary_procedure() {
    let t = timeline_with(
        "party: { kind: individual, name: 张三 }\nprocedure: summary\nact_date: 2025-02-20",
        "  - { on: 2025-04-15, type: decision, officers: [A, B], outcome: no_penalty }\n",
    );
    assert_eq!(found(&run(&t, today())), vec![]);
}

// ---- pre_decision_notice ----------------------------------------------------------------------

#[test]
fn advance_notice_must_offer_statement_and_defence() {
    let r = run(
        &timeline(
            r"
  - { on: 2025-03-03, type: register, officers: [A, B] }
  - { on: 2025-04-01, type: advance_notice, officers: [A, B], proposed: { fine: 500 }, rights: [statement] }
  - { on: 2025-04-02, type: advance_notice, officers: [A, B], proposed: { fine: 500 } }
",
        ),
        today(),
    );
    assert_eq!(
        found(&r),
        vec![
            ("pre_decision_notice", Some(1)),
            ("pre_decision_notice", Some(2))
        ]
    );
    assert!(r.violations[0].message.contains("申辩权"));
    assert_eq!(
        r.violations[0].basis,
        "《中华人民共和国行政处罚法》第四十四条"
    );
    assert!(r.violations[1].message.contains("陈述权、申辩权"));
}

#[test]
fn penalty_decision_requires_an_advance_notice() {
    let r = run(
        &timeline(
            r"
  - { on: 2025-03-03, type: register, officers: [A, B] }
  - { on: 2025-04-15, type: decision, officers: [A, B], outcome: penalty, penalty: { warning: true } }
",
        ),
        today(),
    );
    assert_eq!(found(&r), vec![("pre_decision_notice", Some(1))]);
    assert_eq!(
        r.violations[0].basis,
        "《中华人民共和国行政处罚法》第四十四条、第六十二条"
    );
    // no notice is needed for a decision not to punish
    let none = run(
        &timeline(
            "  - { on: 2025-03-03, type: register, officers: [A, B] }\n  - { on: 2025-04-15, type: decision, officers: [A, B], outcome: no_penalty }\n",
        ),
        today(),
    );
    assert_eq!(found(&none), vec![]);
}

// ---- hearing_right_scope ----------------------------------------------------------------------

fn notice_only(header: &str, proposed: &str, rights: &str) -> CheckReport {
    run(
        &timeline_with(
            header,
            &format!(
                "  - {{ on: 2025-03-03, type: register, officers: [A, B] }}\n  - {{ on: 2025-04-01, type: advance_notice, officers: [A, B], proposed: {{ {proposed} }}, rights: [{rights}] }}\n"
            ),
        ),
        d(2025, 4, 1),
    )
}

#[test]
fn hearing_right_scope() {
    let without = "statement, defence";
    let with = "statement, defence, hearing";
    let flagged = |r: &CheckReport| found(r) == vec![("hearing_right_scope", Some(1))];
    // individual: 5,000 yuan and more ("以上" includes the amount)
    assert!(flagged(&notice_only(INDIVIDUAL, "fine: 5000", without)));
    assert!(found(&notice_only(INDIVIDUAL, "fine: 4999.99", without)).is_empty());
    assert!(found(&notice_only(INDIVIDUAL, "fine: 5000", with)).is_empty());
    assert!(flagged(&notice_only(
        INDIVIDUAL,
        "confiscation: 5000",
        without
    )));
    // organisation: 50,000 yuan
    assert!(found(&notice_only(ORGANISATION, "fine: 49999", without)).is_empty());
    assert!(flagged(&notice_only(ORGANISATION, "fine: 50000", without)));
    // kinds that always give the right
    for kind in [
        "licence_suspension",
        "licence_revocation",
        "qualification_lowering",
        "stop_business",
        "closure",
        "practice_restriction",
    ] {
        assert!(
            flagged(&notice_only(
                ORGANISATION,
                &format!("{kind}: true"),
                without
            )),
            "{kind}"
        );
    }
    assert!(
        found(&notice_only(
            ORGANISATION,
            "warning: true, criticism: true",
            without
        ))
        .is_empty()
    );
    let r = notice_only(INDIVIDUAL, "fine: 6000", without);
    assert!(
        r.violations[0].message.contains("罚款6000元"),
        "{}",
        r.violations[0].message
    );
}

#[test]
fn hearing_threshold_comes_from_the_config() {
    let rules = RulesConfig {
        hearing_fine_individual: Yuan::from_yuan(2000),
        ..RulesConfig::default()
    };
    let t = timeline(
        "  - { on: 2025-03-03, type: register, officers: [A, B] }\n  - { on: 2025-04-01, type: advance_notice, officers: [A, B], proposed: { fine: 3000 }, rights: [statement, defence] }\n",
    );
    assert_eq!(
        found(&run_with(&t, today(), &rules, None)),
        vec![("hearing_right_scope", Some(1))]
    );
    assert_eq!(found(&run(&t, today())), vec![]);
}

// ---- hearing_request_deadline -----------------------------------------------------------------

/// Register, then an advance notice on Tue 2025-04-01 offering a hearing for a 1,000-yuan fine
/// with a licence suspension; window ends Wed 2025-04-09 (4–6 April off).
fn hearing_offered(rest: &str) -> Timeline {
    timeline(&format!(
        "  - {{ on: 2025-03-03, type: register, officers: [A, B] }}\n  - {{ on: 2025-04-01, type: advance_notice, officers: [A, B], proposed: {{ fine: 1000 }}, rights: [statement, defence, hearing] }}\n{rest}"
    ))
}

#[test]
fn deciding_inside_the_hearing_request_window_is_a_violation() {
    let r = run(
        &hearing_offered(
            "  - { on: 2025-04-09, type: decision, officers: [A, B], outcome: penalty, penalty: { fine: 1000 } }\n",
        ),
        today(),
    );
    // The statement period (5 working days by default) ends the same day: without a statement
    // or a written waiver the decision also cuts it short.
    assert_eq!(
        found(&r),
        vec![
            ("pre_decision_notice", Some(2)),
            ("hearing_request_deadline", Some(2))
        ]
    );
    let v = &of(&r, RuleId::HearingRequestDeadline)[0];
    assert!(
        v.message.contains("2025年4月9日（第5个工作日）"),
        "{}",
        v.message
    );
    assert_eq!(
        deadline(&r, RuleId::HearingRequestDeadline).status,
        DeadlineStatus::Lapsed
    );
}

#[test]
fn deciding_after_the_window_or_after_a_waiver_is_lawful() {
    let after = run(
        &hearing_offered(
            "  - { on: 2025-04-10, type: decision, officers: [A, B], outcome: penalty, penalty: { fine: 1000 } }\n",
        ),
        today(),
    );
    assert_eq!(found(&after), vec![]);
    let waived = run(
        &hearing_offered(
            "  - { on: 2025-04-02, type: hearing_waiver }\n  - { on: 2025-04-02, type: defence }\n  - { on: 2025-04-03, type: decision, officers: [A, B], outcome: penalty, penalty: { fine: 1000 } }\n",
        ),
        d(2025, 4, 3),
    );
    assert_eq!(found(&waived), vec![]);
    // the waived window is lapsed even before its end
    let x = deadline(&waived, RuleId::HearingRequestDeadline);
    assert_eq!((x.status, x.met), (DeadlineStatus::Lapsed, None));
    // no_penalty and transfer decisions may be made inside the window
    for outcome in ["no_penalty", "transfer"] {
        let r = run(
            &hearing_offered(&format!(
                "  - {{ on: 2025-04-03, type: decision, officers: [A, B], outcome: {outcome} }}\n"
            )),
            today(),
        );
        assert_eq!(found(&r), vec![], "{outcome}");
    }
}

#[test]
fn hearing_request_deadline_statuses() {
    let open = hearing_offered("");
    let x = run(&open, d(2025, 4, 2)).deadlines[1].clone();
    assert_eq!(
        (x.rule.as_str(), x.due),
        ("hearing_request_deadline", d(2025, 4, 9))
    );
    assert_eq!(x.status, DeadlineStatus::Pending);
    assert_eq!(
        run(&open, d(2025, 4, 7)).deadlines[1].status,
        DeadlineStatus::NearDue
    );
    assert_eq!(
        run(&open, d(2025, 4, 9)).deadlines[1].status,
        DeadlineStatus::NearDue
    );
    assert_eq!(
        run(&open, d(2025, 4, 10)).deadlines[1].status,
        DeadlineStatus::Lapsed
    );
    let requested = run(
        &hearing_offered("  - { on: 2025-04-09, type: hearing_request }\n"),
        today(),
    );
    assert_eq!(requested.deadlines[1].status, DeadlineStatus::Met);
    let late = run(
        &hearing_offered("  - { on: 2025-04-10, type: hearing_request }\n"),
        today(),
    );
    assert_eq!(
        (late.deadlines[1].status, late.deadlines[1].met),
        (DeadlineStatus::Missed, Some(false))
    );
}

// ---- hearing_notice_period --------------------------------------------------------------------

#[test]
fn hearing_notice_period() {
    let short = run(
        &hearing_offered(
            "  - { on: 2025-04-03, type: hearing_request }\n  - { on: 2025-04-08, type: hearing_notice, hearing_on: 2025-04-15 }\n",
        ),
        today(),
    );
    assert_eq!(found(&short), vec![("hearing_notice_period", Some(3))]);
    assert_eq!(
        short.violations[0].message,
        "听证通知于2025年4月8日送达，听证日期2025年4月15日早于第7个工作日（2025年4月17日）"
    );
    assert_eq!(
        short.violations[0].basis,
        "《中华人民共和国行政处罚法》第六十四条第二项、第八十五条"
    );
    let exact = run(
        &hearing_offered(
            "  - { on: 2025-04-03, type: hearing_request }\n  - { on: 2025-04-08, type: hearing_notice, hearing_on: 2025-04-17 }\n",
        ),
        today(),
    );
    assert_eq!(found(&exact), vec![]);
}

#[test]
fn hearing_without_a_notice_is_a_violation() {
    let r = run(
        &hearing_offered(
            "  - { on: 2025-04-03, type: hearing_request }\n  - { on: 2025-04-18, type: hearing, chair: D }\n",
        ),
        today(),
    );
    assert_eq!(found(&r), vec![("hearing_notice_period", Some(3))]);
    assert_eq!(
        r.violations[0].basis,
        "《中华人民共和国行政处罚法》第六十四条第二项"
    );
}

// ---- hearing_conduct --------------------------------------------------------------------------

#[test]
fn the_chair_must_not_have_investigated() {
    let events = |chair: &str| {
        format!(
            "  - {{ on: 2025-04-03, type: hearing_request }}\n  - {{ on: 2025-04-08, type: hearing_notice, hearing_on: 2025-04-18 }}\n  - {{ on: 2025-04-18, type: hearing, chair: {chair} }}\n"
        )
    };
    let r = run(&hearing_offered(&events("A")), today());
    assert_eq!(found(&r), vec![("hearing_conduct", Some(4))]);
    assert!(
        r.violations[0]
            .message
            .contains("听证主持人A参与了本案的调查（事件#0"),
        "{}",
        r.violations[0].message
    );
    assert_eq!(
        r.violations[0].basis,
        "《中华人民共和国行政处罚法》第六十四条第四项"
    );
    // B only signed the advance notice: not an investigation step
    assert_eq!(found(&run(&hearing_offered(&events("D")), today())), vec![]);
}

#[test]
fn a_requested_hearing_must_be_held_before_the_decision() {
    let r = run(
        &hearing_offered(
            "  - { on: 2025-04-09, type: hearing_request }\n  - { on: 2025-04-20, type: decision, officers: [A, B], outcome: penalty, penalty: { fine: 1000 } }\n",
        ),
        today(),
    );
    assert_eq!(found(&r), vec![("hearing_conduct", Some(3))]);
    assert!(
        r.violations[0]
            .message
            .contains("2025年4月9日在期限内申请听证")
    );
    // decided inside the window after a timely request: reported once, as hearing_conduct
    let inside = run(
        &hearing_offered(
            "  - { on: 2025-04-03, type: hearing_request }\n  - { on: 2025-04-08, type: decision, officers: [A, B], outcome: penalty, penalty: { fine: 1000 } }\n",
        ),
        today(),
    );
    // (and, with no statement or written waiver, the statement period was cut short too)
    assert_eq!(
        found(&inside),
        vec![
            ("pre_decision_notice", Some(3)),
            ("hearing_conduct", Some(3))
        ]
    );
    // a decision not to punish needs no hearing
    let no_penalty = run(
        &hearing_offered(
            "  - { on: 2025-04-03, type: hearing_request }\n  - { on: 2025-04-08, type: decision, officers: [A, B], outcome: no_penalty }\n",
        ),
        today(),
    );
    assert_eq!(found(&no_penalty), vec![]);
    // a request after the window creates no duty
    let late = run(
        &hearing_offered(
            "  - { on: 2025-04-10, type: hearing_request }\n  - { on: 2025-04-20, type: decision, officers: [A, B], outcome: penalty, penalty: { fine: 1000 } }\n",
        ),
        today(),
    );
    assert_eq!(found(&late), vec![]);
    // a withdrawn request (waiver) creates no duty either
    let withdrawn = run(
        &hearing_offered(
            "  - { on: 2025-04-03, type: hearing_request }\n  - { on: 2025-04-07, type: hearing_waiver }\n  - { on: 2025-04-20, type: decision, officers: [A, B], outcome: penalty, penalty: { fine: 1000 } }\n",
        ),
        today(),
    );
    assert_eq!(found(&withdrawn), vec![]);
}

// ---- no_aggravation_after_defense -------------------------------------------------------------

fn notice_then_decision(proposed: &str, decided: &str) -> CheckReport {
    run(
        &timeline(&format!(
            "  - {{ on: 2025-03-03, type: register, officers: [A, B] }}\n  - {{ on: 2025-04-01, type: advance_notice, officers: [A, B], proposed: {{ {proposed} }}, rights: [statement, defence] }}\n  - {{ on: 2025-04-02, type: defence }}\n  - {{ on: 2025-04-15, type: decision, officers: [A, B], outcome: penalty, penalty: {{ {decided} }} }}\n"
        )),
        today(),
    )
}

#[test]
fn no_aggravation_after_defense() {
    let heavier = notice_then_decision("fine: 3000", "fine: 4000");
    assert_eq!(
        found(&heavier),
        vec![("no_aggravation_after_defense", Some(3))]
    );
    assert!(
        heavier.violations[0]
            .message
            .contains("罚款4000元高于拟处罚的3000元")
    );
    // an added kind not announced needs a new notice; after the party's defence it is the
    // aggravation 第四十五条 forbids (issue 10 part A)
    // (the suspension also puts the decision in the hearing scope: review and deliberation)
    let added = notice_then_decision("fine: 3000", "fine: 3000, licence_suspension: true");
    let v = of(&added, RuleId::NoAggravationAfterDefense);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].event, Some(3));
    assert!(
        v[0].message
            .contains("增加了告知中没有的处罚种类：暂扣许可证件"),
        "{}",
        v[0].message
    );
    let fined = notice_then_decision("warning: true", "warning: true, fine: 50");
    assert_eq!(
        found(&fined),
        vec![("no_aggravation_after_defense", Some(3))]
    );
    assert_eq!(
        found(&notice_then_decision("criticism: true", "confiscation: 50")),
        vec![("no_aggravation_after_defense", Some(3))]
    );
    // a warning, 通报批评 or confiscation the notice did not announce is no longer exempt
    for decided in [
        "fine: 3000, warning: true",
        "warning: true",
        "fine: 3000, criticism: true",
        "fine: 3000, confiscation: 100",
    ] {
        assert_eq!(
            found(&notice_then_decision("fine: 3000", decided)),
            vec![("no_aggravation_after_defense", Some(3))],
            "{decided}"
        );
    }
    // (the proposal lacks the hearing right: hearing_right_scope at the notice)
    assert!(
        of(
            &notice_then_decision("fine: 3000, licence_suspension: true", "fine: 3000"),
            RuleId::NoAggravationAfterDefense
        )
        .is_empty()
    );
    let confiscation = notice_then_decision(
        "fine: 100, confiscation: 200",
        "fine: 100, confiscation: 300",
    );
    assert_eq!(
        found(&confiscation),
        vec![("no_aggravation_after_defense", Some(3))]
    );
    // the same, a lower amount, or dropping a kind needs no new notice
    assert_eq!(
        found(&notice_then_decision("fine: 3000", "fine: 3000")),
        vec![]
    );
    assert_eq!(
        found(&notice_then_decision("fine: 3000", "fine: 2000")),
        vec![]
    );
    assert_eq!(
        found(&notice_then_decision(
            "fine: 3000, warning: true",
            "warning: true"
        )),
        vec![]
    );
    assert_eq!(
        found(&notice_then_decision(
            "fine: 3000, confiscation: 200",
            "fine: 2000, confiscation: 100"
        )),
        vec![]
    );
}

// issue 10 part A
/// Without a statement or hearing since the notice, content the notice did not announce is a
/// missing notice (`pre_decision_notice`), not aggravation after defence.
#[test]
fn content_beyond_the_notice_without_defence_needs_a_new_notice() {
    let decide = |decided: &str| {
        run(
            &timeline(&format!(
                "  - {{ on: 2025-03-03, type: register, officers: [A, B] }}\n  - {{ on: 2025-04-01, type: advance_notice, officers: [A, B], proposed: {{ fine: 300 }}, rights: [statement, defence] }}\n  - {{ on: 2025-04-02, type: statement_waiver }}\n  - {{ on: 2025-04-15, type: decision, officers: [A, B], outcome: penalty, penalty: {{ {decided} }} }}\n"
            )),
            today(),
        )
    };
    let r = decide("fine: 300, warning: true");
    assert_eq!(found(&r), vec![("pre_decision_notice", Some(3))]);
    assert!(
        r.violations[0].message.contains("警告"),
        "{}",
        r.violations[0].message
    );
    assert!(r.violations[0].message.contains("重新事先告知"));
    assert_eq!(
        r.violations[0].basis,
        "《中华人民共和国行政处罚法》第四十四条、第四十五条、第六十二条"
    );
    assert_eq!(
        found(&decide("fine: 500")),
        vec![("pre_decision_notice", Some(3))]
    );
    assert_eq!(found(&decide("fine: 300")), vec![]);
    // a new notice announcing the warning (with its statement) makes the same decision lawful
    let renewed = run(
        &timeline(
            r"
  - { on: 2025-03-03, type: register, officers: [A, B] }
  - { on: 2025-04-01, type: advance_notice, officers: [A, B], proposed: { fine: 300 }, rights: [statement, defence] }
  - { on: 2025-04-08, type: advance_notice, officers: [A, B], proposed: { fine: 300, warning: true }, rights: [statement, defence] }
  - { on: 2025-04-09, type: defence }
  - { on: 2025-04-15, type: decision, officers: [A, B], outcome: penalty, penalty: { fine: 300, warning: true } }
",
        ),
        today(),
    );
    assert_eq!(found(&renewed), vec![]);
}

#[test]
fn the_latest_advance_notice_is_the_reference() {
    let r = run(
        &timeline(
            r"
  - { on: 2025-03-03, type: register, officers: [A, B] }
  - { on: 2025-04-01, type: advance_notice, officers: [A, B], proposed: { fine: 1000 }, rights: [statement, defence] }
  - { on: 2025-04-08, type: advance_notice, officers: [A, B], proposed: { fine: 2000 }, rights: [statement, defence] }
  - { on: 2025-04-20, type: decision, officers: [A, B], outcome: penalty, penalty: { fine: 2000 } }
",
        ),
        today(),
    );
    assert_eq!(found(&r), vec![]);
}

// ---- legal_review_before_decision / investigation_outcomes ------------------------------------

fn major_case(steps: &str) -> CheckReport {
    run(
        &timeline_with(
            &format!("{INDIVIDUAL}\nmajor: true"),
            &format!(
                "  - {{ on: 2025-03-03, type: register, officers: [A, B] }}\n  - {{ on: 2025-04-01, type: advance_notice, officers: [A, B], proposed: {{ fine: 1000 }}, rights: [statement, defence] }}\n{steps}  - {{ on: 2025-04-20, type: decision, officers: [A, B], outcome: penalty, penalty: {{ fine: 1000 }} }}\n"
            ),
        ),
        today(),
    )
}

#[test]
fn major_decisions_need_review_and_deliberation() {
    let bare = major_case("");
    assert_eq!(
        found(&bare),
        vec![
            ("legal_review_before_decision", Some(2)),
            ("investigation_outcomes", Some(2))
        ]
    );
    assert!(bare.violations[0].message.contains("重大执法决定"));
    let ok = major_case(
        "  - { on: 2025-04-15, type: legal_review, result: pass }\n  - { on: 2025-04-16, type: deliberation }\n",
    );
    assert_eq!(found(&ok), vec![]);
}

#[test]
fn a_later_failed_review_cancels_an_earlier_pass() {
    let r = major_case(
        "  - { on: 2025-04-15, type: legal_review, result: pass }\n  - { on: 2025-04-16, type: legal_review, result: fail }\n  - { on: 2025-04-17, type: deliberation }\n",
    );
    assert_eq!(found(&r), vec![("legal_review_before_decision", Some(5))]);
    assert!(r.violations[0].message.contains("未通过"));
    let fixed = major_case(
        "  - { on: 2025-04-15, type: legal_review, result: fail }\n  - { on: 2025-04-16, type: legal_review, result: pass }\n  - { on: 2025-04-17, type: deliberation }\n",
    );
    assert_eq!(found(&fixed), vec![]);
}

#[test]
fn a_hearing_requires_legal_review() {
    let r = run(
        &hearing_offered(
            r"
  - { on: 2025-04-03, type: hearing_request }
  - { on: 2025-04-08, type: hearing_notice, hearing_on: 2025-04-18 }
  - { on: 2025-04-18, type: hearing, chair: D }
  - { on: 2025-04-25, type: decision, officers: [A, B], outcome: penalty, penalty: { fine: 1000 } }
",
        ),
        today(),
    );
    assert_eq!(found(&r), vec![("legal_review_before_decision", Some(5))]);
    assert!(r.violations[0].message.contains("已举行听证"));
}

#[test]
fn penalties_in_hearing_scope_need_review_and_deliberation_by_default() {
    let t = timeline(
        r"
  - { on: 2025-03-03, type: register, officers: [A, B] }
  - { on: 2025-04-01, type: advance_notice, officers: [A, B], proposed: { licence_suspension: true }, rights: [statement, defence, hearing] }
  - { on: 2025-04-20, type: decision, officers: [A, B], outcome: penalty, penalty: { licence_suspension: true } }
",
    );
    assert_eq!(
        found(&run(&t, today())),
        vec![
            ("legal_review_before_decision", Some(2)),
            ("investigation_outcomes", Some(2))
        ]
    );
    let rules = RulesConfig {
        review_when_hearing_scope: false,
        deliberation_when_hearing_scope: false,
        ..RulesConfig::default()
    };
    assert_eq!(found(&run_with(&t, today(), &rules, None)), vec![]);
}

// ---- decision_deadline_90d --------------------------------------------------------------------

fn registered_then_decided(register: &str, decision: &str) -> Timeline {
    timeline(&format!(
        "  - {{ on: {register}, type: register, officers: [A, B] }}\n  - {{ on: {decision}, type: decision, officers: [A, B], outcome: no_penalty }}\n"
    ))
}

#[test]
fn decision_deadline_90d_is_rolled_over_rest_days() {
    // 2025-03-03 + 90 days = Sun 2025-06-01 (Dragon Boat, off until 06-02) → Tue 06-03.
    let on_time = run(
        &registered_then_decided("2025-03-03", "2025-06-03"),
        today(),
    );
    assert_eq!(found(&on_time), vec![]);
    let x = deadline(&on_time, RuleId::DecisionDeadline90d);
    assert_eq!(
        (x.due, x.status, x.met),
        (d(2025, 6, 3), DeadlineStatus::Met, Some(true))
    );
    let late = run(
        &registered_then_decided("2025-03-03", "2025-06-04"),
        today(),
    );
    assert_eq!(found(&late), vec![("decision_deadline_90d", Some(1))]);
    assert!(
        late.violations[0].message.contains("应于2025年6月3日前"),
        "{}",
        late.violations[0].message
    );
    assert_eq!(
        deadline(&late, RuleId::DecisionDeadline90d).status,
        DeadlineStatus::Missed
    );
}

#[test]
fn weekend_roll_forward_is_a_switch() {
    // Sun 2025-03-09 + 90 days = Sat 2025-06-07: Mon 06-09 with weekends, 06-07 without.
    let t = registered_then_decided("2025-03-09", "2025-06-09");
    assert_eq!(found(&run(&t, today())), vec![]);
    let rules = RulesConfig {
        rest_days: fazhi_calendar::RestDays::HolidaysOnly,
        ..RulesConfig::default()
    };
    let r = run_with(&t, today(), &rules, None);
    assert_eq!(found(&r), vec![("decision_deadline_90d", Some(1))]);
    assert_eq!(deadline(&r, RuleId::DecisionDeadline90d).due, d(2025, 6, 7));
}

#[test]
fn decision_deadline_statuses_while_open() {
    let t = timeline("  - { on: 2025-03-03, type: register, officers: [A, B] }\n");
    let status = |today| deadline(&run(&t, today), RuleId::DecisionDeadline90d).status;
    assert_eq!(status(d(2025, 5, 20)), DeadlineStatus::Pending);
    // Thu 05-29 → Tue 06-03: 30 May, 3 June are working days.
    assert_eq!(status(d(2025, 5, 29)), DeadlineStatus::NearDue);
    assert_eq!(status(d(2025, 6, 3)), DeadlineStatus::NearDue);
    let overdue = deadline(&run(&t, d(2025, 6, 4)), RuleId::DecisionDeadline90d).clone();
    assert_eq!(
        (overdue.status, overdue.met),
        (DeadlineStatus::Overdue, Some(false))
    );
}

// ---- service_deadline -------------------------------------------------------------------------

fn decided_then_served(service: &str) -> CheckReport {
    // Decision Fri 2025-04-25; Sun 04-27 is a working day, 1–5 May off: 7th working day = 05-08.
    run(
        &timeline(&format!(
            "  - {{ on: 2025-03-03, type: register, officers: [A, B] }}\n  - {{ on: 2025-04-01, type: advance_notice, officers: [A, B], proposed: {{ fine: 500 }}, rights: [statement, defence] }}\n  - {{ on: 2025-04-25, type: decision, officers: [A, B], outcome: penalty, penalty: {{ fine: 500 }} }}\n{service}"
        )),
        today(),
    )
}

#[test]
fn service_within_seven_working_days() {
    let ok = decided_then_served("  - { on: 2025-05-08, type: service, method: postal }\n");
    assert_eq!(found(&ok), vec![]);
    assert_eq!(deadline(&ok, RuleId::ServiceDeadline).due, d(2025, 5, 8));
    let late = decided_then_served("  - { on: 2025-05-09, type: service, method: lodged }\n");
    assert_eq!(found(&late), vec![("service_deadline", Some(3))]);
    assert!(
        late.violations[0]
            .message
            .contains("超过第7个工作日（2025年5月8日）")
    );
    assert_eq!(
        deadline(&late, RuleId::ServiceDeadline).status,
        DeadlineStatus::Missed
    );
    let never = decided_then_served("");
    assert_eq!(
        deadline(&never, RuleId::ServiceDeadline).status,
        DeadlineStatus::Overdue
    );
}

#[test]
fn fax_and_email_need_consent() {
    let fax = decided_then_served("  - { on: 2025-04-28, type: service, method: fax }\n");
    assert_eq!(found(&fax), vec![("service_deadline", Some(3))]);
    assert_eq!(
        fax.violations[0].basis,
        "《中华人民共和国行政处罚法》第六十一条第二款"
    );
    let email = decided_then_served("  - { on: 2025-04-28, type: service, method: email }\n");
    assert_eq!(found(&email), vec![("service_deadline", Some(3))]);
    let consented = decided_then_served(
        "  - { on: 2025-04-28, type: service, method: email, consent: true }\n",
    );
    assert_eq!(found(&consented), vec![]);
    let both = decided_then_served("  - { on: 2025-05-09, type: service, method: fax }\n");
    assert_eq!(
        found(&both),
        vec![("service_deadline", Some(3)), ("service_deadline", Some(3))]
    );
}

// ---- payment_deadline_15d ---------------------------------------------------------------------

#[test]
fn payment_deadline_statuses() {
    // Service Mon 2025-04-28 + 15 days = Tue 05-13.
    let paid = |rest: &str, today| {
        run(
            &timeline(&format!(
                "{LAWFUL_PREFIX}  - {{ on: 2025-04-28, type: service, method: direct }}\n{rest}"
            )),
            today,
        )
    };
    let x = paid(
        "  - { on: 2025-05-13, type: payment, amount: 500 }\n",
        today(),
    );
    assert_eq!(
        (
            deadline(&x, RuleId::PaymentDeadline15d).due,
            deadline(&x, RuleId::PaymentDeadline15d).status
        ),
        (d(2025, 5, 13), DeadlineStatus::Met)
    );
    let x = paid(
        "  - { on: 2025-05-14, type: payment, amount: 500 }\n",
        today(),
    );
    assert_eq!(
        deadline(&x, RuleId::PaymentDeadline15d).status,
        DeadlineStatus::Missed
    );
    // instalments: met only when the full fine is paid
    let x = paid(
        "  - { on: 2025-05-06, type: payment, amount: 200 }\n  - { on: 2025-05-20, type: payment, amount: 300 }\n",
        today(),
    );
    assert_eq!(
        deadline(&x, RuleId::PaymentDeadline15d).status,
        DeadlineStatus::Missed
    );
    let x = paid(
        "  - { on: 2025-05-06, type: payment, amount: 200 }\n",
        d(2025, 5, 6),
    );
    assert_eq!(
        deadline(&x, RuleId::PaymentDeadline15d).status,
        DeadlineStatus::Pending
    );
    assert_eq!(
        deadline(&paid("", d(2025, 5, 9)), RuleId::PaymentDeadline15d).status,
        DeadlineStatus::NearDue
    );
    assert_eq!(
        deadline(&paid("", d(2025, 5, 14)), RuleId::PaymentDeadline15d).status,
        DeadlineStatus::Overdue
    );
}

/// Register, notice and a 500-yuan decision on Fri 2025-04-25.
const LAWFUL_PREFIX: &str = r"
  - { on: 2025-03-03, type: register, officers: [A, B] }
  - { on: 2025-04-01, type: advance_notice, officers: [A, B], proposed: { fine: 500 }, rights: [statement, defence] }
  - { on: 2025-04-25, type: decision, officers: [A, B], outcome: penalty, penalty: { fine: 500 } }
";

#[test]
fn public_notice_takes_effect_thirty_days_later() {
    // 2025-04-28 + 30 = 05-28, + 15 = Thu 06-12.
    let r = run(
        &timeline(&format!(
            "{LAWFUL_PREFIX}  - {{ on: 2025-04-28, type: service, method: public_notice }}\n"
        )),
        d(2025, 5, 1),
    );
    assert_eq!(deadline(&r, RuleId::PaymentDeadline15d).due, d(2025, 6, 12));
    // Litigation ends Fri 2025-11-28 (six months after 05-28); + 3 months = Sat 2026-02-28,
    // a make-up working day.
    assert_eq!(
        deadline(&r, RuleId::CourtEnforcementApplication).due,
        d(2026, 2, 28)
    );
}

// ---- evidence_preservation_7wd ----------------------------------------------------------------

#[test]
fn preservation_decided_within_seven_working_days() {
    // Mon 2025-03-10 + 7 working days = Wed 03-19.
    let events = |decision: &str| {
        timeline(&format!(
            "  - {{ on: 2025-03-03, type: register, officers: [A, B] }}\n  - {{ on: 2025-03-10, type: preservation, officers: [A, B] }}\n  - {{ on: {decision}, type: preservation_decision }}\n"
        ))
    };
    let ok = run(&events("2025-03-19"), today());
    assert_eq!(found(&ok), vec![]);
    let x = deadline(&ok, RuleId::EvidencePreservation7wd);
    assert_eq!((x.due, x.status), (d(2025, 3, 19), DeadlineStatus::Met));
    let late = run(&events("2025-03-20"), today());
    assert_eq!(found(&late), vec![("evidence_preservation_7wd", Some(2))]);
    assert!(late.violations[0].message.contains("2025年3月19日"));
}

#[test]
fn closing_with_undecided_preservation_is_a_violation() {
    let r = run(
        &timeline(
            "  - { on: 2025-03-03, type: register, officers: [A, B] }\n  - { on: 2025-03-10, type: preservation, officers: [A, B] }\n  - { on: 2025-03-12, type: close, reason: registration_revoked, ground: 违法事实不能成立 }\n",
        ),
        d(2025, 3, 12),
    );
    assert_eq!(found(&r), vec![("evidence_preservation_7wd", Some(2))]);
    assert_eq!(
        deadline(&r, RuleId::EvidencePreservation7wd).status,
        DeadlineStatus::Pending
    );
    let closed_ok = run(
        &timeline(
            "  - { on: 2025-03-03, type: register, officers: [A, B] }\n  - { on: 2025-03-10, type: preservation, officers: [A, B] }\n  - { on: 2025-03-11, type: preservation_decision }\n  - { on: 2025-03-12, type: close, reason: registration_revoked, ground: 违法事实不能成立 }\n",
        ),
        d(2025, 3, 12),
    );
    assert_eq!(found(&closed_ok), vec![]);
}

// ---- summary_procedure_threshold --------------------------------------------------------------

fn summary(header_party: &str, penalty: &str) -> CheckReport {
    run(
        &timeline_with(
            &format!("{header_party}\nprocedure: summary\nact_date: 2025-03-01"),
            &format!(
                "  - {{ on: 2025-03-03, type: summary_penalty, officers: [A, B], penalty: {{ {penalty} }} }}\n"
            ),
        ),
        today(),
    )
}

#[test]
fn summary_procedure_threshold() {
    let ind = "party: { kind: individual, name: 李四 }";
    let org = "party: { kind: organisation, name: 某某公司 }";
    assert_eq!(found(&summary(ind, "fine: 200")), vec![]);
    assert_eq!(found(&summary(ind, "warning: true")), vec![]);
    assert_eq!(
        found(&summary(ind, "fine: 200.01")),
        vec![("summary_procedure_threshold", Some(0))]
    );
    assert_eq!(found(&summary(org, "fine: 3000")), vec![]);
    assert_eq!(
        found(&summary(org, "fine: 3000.01")),
        vec![("summary_procedure_threshold", Some(0))]
    );
    let r = summary(org, "criticism: true, licence_suspension: true");
    assert_eq!(found(&r), vec![("summary_procedure_threshold", Some(0))]);
    assert!(
        r.violations[0].message.contains("通报批评、暂扣许可证件"),
        "{}",
        r.violations[0].message
    );
    assert_eq!(r.stage, CaseStage::Decided);
}

// ---- onsite_fine_collection -------------------------------------------------------------------

fn summary_paid(fine: &str, payment: &str) -> CheckReport {
    run(
        &timeline_with(
            "party: { kind: individual, name: 李四 }\nprocedure: summary\nact_date: 2025-03-01",
            &format!(
                "  - {{ on: 2025-03-03, type: summary_penalty, officers: [A, B], penalty: {{ fine: {fine} }} }}\n  - {{ on: 2025-03-03, type: payment, amount: {fine}, {payment} }}\n"
            ),
        ),
        today(),
    )
}

#[test]
fn onsite_fine_collection() {
    assert_eq!(found(&summary_paid("100", "method: on_spot")), vec![]);
    assert_eq!(
        found(&summary_paid("150", "method: on_spot")),
        vec![("onsite_fine_collection", Some(1))]
    );
    assert_eq!(
        found(&summary_paid("150", "method: on_spot, remote: true")),
        vec![]
    );
    assert_eq!(found(&summary_paid("150", "method: bank")), vec![]);
    let r = summary_paid("100", "method: on_spot");
    assert_eq!(r.stage, CaseStage::Executed);
    // never for a decision of the ordinary procedure
    let ordinary = run(
        &timeline(&format!(
            "{LAWFUL_PREFIX}  - {{ on: 2025-04-28, type: service, method: direct }}\n  - {{ on: 2025-04-28, type: payment, amount: 50, method: on_spot }}\n"
        )),
        today(),
    );
    assert_eq!(found(&ordinary), vec![("onsite_fine_collection", Some(4))]);
}

// ---- late_payment_surcharge -------------------------------------------------------------------

fn paid_with_surcharge(on: &str, surcharge: &str) -> CheckReport {
    // 500-yuan fine served Mon 2025-04-28: due Tue 05-13.
    run(
        &timeline(&format!(
            "{LAWFUL_PREFIX}  - {{ on: 2025-04-28, type: service, method: direct }}\n  - {{ on: {on}, type: payment, amount: 500, surcharge: {surcharge} }}\n"
        )),
        today(),
    )
}

#[test]
fn late_payment_surcharge() {
    // 10 days late: at most 3 % × 500 × 10 = 150 yuan.
    assert_eq!(found(&paid_with_surcharge("2025-05-23", "150")), vec![]);
    let over = paid_with_surcharge("2025-05-23", "150.01");
    assert_eq!(found(&over), vec![("late_payment_surcharge", Some(4))]);
    assert!(
        over.violations[0].message.contains("上限150元"),
        "{}",
        over.violations[0].message
    );
    // on time: no surcharge at all
    assert_eq!(
        found(&paid_with_surcharge("2025-05-13", "1")),
        vec![("late_payment_surcharge", Some(4))]
    );
    assert_eq!(found(&paid_with_surcharge("2025-05-13", "0")), vec![]);
    // never more than the fine, however late
    assert_eq!(found(&paid_with_surcharge("2025-09-01", "500")), vec![]);
    let r = paid_with_surcharge("2025-09-01", "500.01");
    assert_eq!(found(&r), vec![("late_payment_surcharge", Some(4))]);
    assert!(r.violations[0].message.contains("超过罚款数额500元"));
}

// ---- penalty_types ----------------------------------------------------------------------------

fn with_violation(code: &str, header_party: &str, penalty: &str) -> Timeline {
    timeline_with(
        &format!("{header_party}\nprocedure: ordinary\nact_date: 2025-02-20\nviolation: {code}"),
        &format!(
            "  - {{ on: 2025-03-03, type: register, officers: [A, B] }}\n  - {{ on: 2025-04-01, type: advance_notice, officers: [A, B], proposed: {{ {penalty} }}, rights: [statement, defence, hearing] }}\n  - {{ on: 2025-04-10, type: legal_review, result: pass }}\n  - {{ on: 2025-04-11, type: deliberation }}\n  - {{ on: 2025-04-15, type: decision, officers: [A, B], outcome: penalty, penalty: {{ {penalty} }} }}\n"
        ),
    )
}

#[test]
fn penalty_types_against_the_catalogue() {
    let catalogue = Catalogue::sample();
    let rules = RulesConfig::default();
    let check = |t: &Timeline| run_with(t, today(), &rules, Some(&catalogue));
    let ind = "party: { kind: individual, name: 张三 }";
    // 占道经营: fine only, up to 20,000 yuan.
    assert_eq!(
        found(&check(&with_violation(
            "zhan_dao_jing_ying",
            ind,
            "fine: 6000"
        ))),
        vec![]
    );
    let r = check(&with_violation("zhan_dao_jing_ying", ind, "fine: 30000"));
    assert_eq!(found(&r), vec![("penalty_types", Some(4))]);
    assert!(
        r.violations[0]
            .message
            .contains("不在公民的法定幅度0元至20000元内"),
        "{}",
        r.violations[0].message
    );
    assert_eq!(
        r.violations[0].basis,
        "《中华人民共和国行政处罚法》第九条；《城市道路管理条例》第四十二条"
    );
    let r = check(&with_violation("zhan_dao_jing_ying", ind, "warning: true"));
    assert_eq!(found(&r), vec![("penalty_types", Some(4))]);
    assert!(r.violations[0].message.contains("处罚依据未规定警告"));
    // without a catalogue the rule is not checked
    let t = with_violation("zhan_dao_jing_ying", ind, "warning: true");
    assert_eq!(found(&run(&t, today())), vec![]);
}

#[test]
fn penalty_types_in_summary_procedure() {
    let catalogue = Catalogue::sample();
    let t = timeline_with(
        "party: { kind: individual, name: 李四 }\nprocedure: summary\nact_date: 2025-03-01\nviolation: luan_dui_luan_fang",
        "  - { on: 2025-03-03, type: summary_penalty, officers: [A, B], penalty: { fine: 20 } }\n",
    );
    // 乱堆乱放: 50–1,000 yuan
    let r = run_with(&t, today(), &RulesConfig::default(), Some(&catalogue));
    assert_eq!(found(&r), vec![("penalty_types", Some(0))]);
}

#[test]
fn unknown_violation_code_is_an_error() {
    let catalogue = Catalogue::sample();
    let rules = RulesConfig::default();
    let t = with_violation(
        "no_such_code",
        "party: { kind: individual, name: 张三 }",
        "fine: 1",
    );
    let ctx = CheckContext {
        calendar: calendar(),
        rules: &rules,
        catalogue: Some(&catalogue),
        today: today(),
    };
    let err = check_timeline(&t, &ctx).unwrap_err();
    assert_eq!(err.code(), "invalid_timeline");
    assert!(matches!(
        err,
        CheckError::InvalidTimeline(TimelineError::UnknownViolationCode { .. })
    ));
    assert_eq!(
        err.to_string(),
        "违法行为代码“no_such_code”不在违法行为目录中"
    );
}

// ---- demand_before_enforcement / court_enforcement_application --------------------------------

/// A 500-yuan fine decided and served Mon 2025-03-03, never paid: litigation period ends Wed
/// 2025-09-03, the court application window on Wed 2025-12-03.
fn unpaid_fine(rest: &str) -> Timeline {
    timeline(&format!(
        "  - {{ on: 2025-01-06, type: register, officers: [A, B] }}\n  - {{ on: 2025-02-10, type: advance_notice, officers: [A, B], proposed: {{ fine: 500 }}, rights: [statement, defence] }}\n  - {{ on: 2025-03-03, type: decision, officers: [A, B], outcome: penalty, penalty: {{ fine: 500 }} }}\n  - {{ on: 2025-03-03, type: service, method: direct }}\n{rest}"
    ))
}

#[test]
fn demand_before_enforcement() {
    let r = run(
        &unpaid_fine("  - { on: 2025-10-09, type: court_enforcement_application }\n"),
        today(),
    );
    assert_eq!(found(&r), vec![("demand_before_enforcement", Some(4))]);
    assert_eq!(
        r.violations[0].basis,
        "《中华人民共和国行政强制法》第五十四条"
    );
    let ok = run(
        &unpaid_fine(
            "  - { on: 2025-09-10, type: demand }\n  - { on: 2025-10-09, type: court_enforcement_application }\n",
        ),
        today(),
    );
    assert_eq!(found(&ok), vec![]);
    assert_eq!(ok.stage, CaseStage::Executed);
}

#[test]
fn court_application_waits_ten_working_days_after_the_demand() {
    // Demand Wed 2025-09-10: 10th working day is Wed 09-24.
    let early = run(
        &unpaid_fine(
            "  - { on: 2025-09-10, type: demand }\n  - { on: 2025-09-23, type: court_enforcement_application }\n",
        ),
        today(),
    );
    assert_eq!(
        found(&early),
        vec![("court_enforcement_application", Some(5))]
    );
    assert!(
        early.violations[0].message.contains("2025年9月24日"),
        "{}",
        early.violations[0].message
    );
    let ok = run(
        &unpaid_fine(
            "  - { on: 2025-09-10, type: demand }\n  - { on: 2025-09-24, type: court_enforcement_application }\n",
        ),
        today(),
    );
    assert_eq!(found(&ok), vec![]);
}

#[test]
fn court_application_window_after_the_litigation_period() {
    let during = run(
        &unpaid_fine(
            "  - { on: 2025-08-01, type: demand }\n  - { on: 2025-09-03, type: court_enforcement_application }\n",
        ),
        today(),
    );
    assert_eq!(
        found(&during),
        vec![("court_enforcement_application", Some(5))]
    );
    assert!(
        during.violations[0].message.contains("至2025年9月3日届满"),
        "{}",
        during.violations[0].message
    );
    let first_day = run(
        &unpaid_fine(
            "  - { on: 2025-08-01, type: demand }\n  - { on: 2025-09-04, type: court_enforcement_application }\n",
        ),
        today(),
    );
    assert_eq!(found(&first_day), vec![]);
    let last_day = run(
        &unpaid_fine(
            "  - { on: 2025-08-01, type: demand }\n  - { on: 2025-12-03, type: court_enforcement_application }\n",
        ),
        today(),
    );
    assert_eq!(found(&last_day), vec![]);
    let x = deadline(&last_day, RuleId::CourtEnforcementApplication);
    assert_eq!((x.due, x.status), (d(2025, 12, 3), DeadlineStatus::Met));
    let too_late = run(
        &unpaid_fine(
            "  - { on: 2025-08-01, type: demand }\n  - { on: 2025-12-04, type: court_enforcement_application }\n",
        ),
        today(),
    );
    assert_eq!(
        found(&too_late),
        vec![("court_enforcement_application", Some(5))]
    );
    assert_eq!(
        deadline(&too_late, RuleId::CourtEnforcementApplication).status,
        DeadlineStatus::Missed
    );
}

#[test]
fn court_deadline_only_while_unpaid() {
    let open = run(&unpaid_fine(""), d(2025, 11, 1));
    let x = deadline(&open, RuleId::CourtEnforcementApplication);
    assert_eq!((x.due, x.status), (d(2025, 12, 3), DeadlineStatus::Pending));
    assert_eq!(
        deadline(&open, RuleId::PaymentDeadline15d).status,
        DeadlineStatus::Overdue
    );
    let paid = run(
        &unpaid_fine("  - { on: 2025-03-10, type: payment, amount: 500 }\n"),
        d(2025, 11, 1),
    );
    assert!(
        paid.deadlines
            .iter()
            .all(|x| x.rule != "court_enforcement_application")
    );
}

// ---- seizure_duration / no_night_holiday_enforcement ------------------------------------------

fn seizure(on: &str, rest: &str) -> CheckReport {
    run(
        &timeline(&format!(
            "  - {{ on: 2025-01-06, type: register, officers: [A, B] }}\n  - {{ on: {on}, type: coercive_measure, officers: [A, B], approved: true, record: true, {rest} }}\n"
        )),
        today(),
    )
}

#[test]
fn seizure_duration() {
    // Mon 2025-03-03 + 30 days = Wed 04-02.
    assert_eq!(found(&seizure("2025-03-03", "until: 2025-04-02")), vec![]);
    let r = seizure("2025-03-03", "until: 2025-04-03");
    assert_eq!(found(&r), vec![("seizure_duration", Some(1))]);
    assert!(
        r.violations[0]
            .message
            .contains("30日的法定期限（2025年4月2日）"),
        "{}",
        r.violations[0].message
    );
    // extended: + 60 days = Fri 05-02, off (Labour Day) → Tue 05-06.
    assert_eq!(
        found(&seizure("2025-03-03", "until: 2025-05-06, extended: true")),
        vec![]
    );
    assert_eq!(
        found(&seizure("2025-03-03", "until: 2025-05-07, extended: true")),
        vec![("seizure_duration", Some(1))]
    );
}

#[test]
fn seizures_are_chapter_three_not_bound_by_the_holiday_ban() {
    // 行政强制法第四十三条 (night and holidays) governs 强制执行 (chapter IV) only: a seizure
    // approved beforehand may be carried out on National Day.
    assert_eq!(found(&seizure("2025-10-02", "until: 2025-10-20")), vec![]);
    assert_eq!(
        found(&seizure(
            "2025-10-02",
            "until: 2025-10-20, emergency: true, reported_on: 2025-10-02"
        )),
        vec![]
    );
    // Chapter III's own steps still apply: approval (第十八条) …
    let r = run(
        &timeline(
            "  - { on: 2025-01-06, type: register, officers: [A, B] }\n  - { on: 2025-10-02, type: coercive_measure, officers: [A, B], until: 2025-10-20, record: true }\n",
        ),
        today(),
    );
    assert_eq!(found(&r), vec![("coercive_measure_steps", Some(1))]);
    // … and the on-site record (第十八条第七项).
    let r = run(
        &timeline(
            "  - { on: 2025-01-06, type: register, officers: [A, B] }\n  - { on: 2025-03-03, type: coercive_measure, officers: [A, B], until: 2025-03-20, approved: true }\n",
        ),
        today(),
    );
    assert_eq!(found(&r), vec![("coercive_measure_steps", Some(1))]);
    assert_eq!(
        r.violations[0].basis,
        "《中华人民共和国行政强制法》第十八条第七项"
    );
    assert!(r.violations[0].message.contains("现场笔录"));
    // Forced demolition (强制执行) on a holiday stays refused.
    assert_eq!(
        RuleId::NoNightHolidayEnforcement.basis(),
        "《中华人民共和国行政强制法》第四十三条"
    );
}

#[test]
fn a_seizure_is_decided_within_its_period() {
    // Seized Mon 2025-03-03 until Thu 03-20: decided the day before, the day of, the day after.
    let t = |decided: &str| {
        run(
            &timeline(&format!(
                "  - {{ on: 2025-01-06, type: register, officers: [A, B] }}\n  - {{ on: 2025-03-03, type: coercive_measure, officers: [A, B], until: 2025-03-20, approved: true, record: true }}\n  - {{ on: {decided}, type: seizure_decision }}\n"
            )),
            today(),
        )
    };
    for day in ["2025-03-19", "2025-03-20"] {
        let r = t(day);
        assert_eq!(found(&r), vec![], "{day}");
        let x = deadline(&r, RuleId::SeizureDuration);
        assert_eq!((x.due, x.status), (d(2025, 3, 20), DeadlineStatus::Met));
    }
    let r = t("2025-03-21");
    assert_eq!(found(&r), vec![("seizure_duration", Some(2))]);
    assert_eq!(
        r.violations[0].basis,
        "《中华人民共和国行政强制法》第二十七条"
    );
    assert_eq!(
        deadline(&r, RuleId::SeizureDuration).status,
        DeadlineStatus::Missed
    );
    // Never decided: open, then overdue, and the case cannot close.
    let open = run(
        &timeline(
            "  - { on: 2025-01-06, type: register, officers: [A, B] }\n  - { on: 2025-03-03, type: coercive_measure, officers: [A, B], until: 2025-03-20, approved: true, record: true }\n",
        ),
        d(2025, 3, 10),
    );
    assert_eq!(
        deadline(&open, RuleId::SeizureDuration).status,
        DeadlineStatus::Pending
    );
    let closed = run(
        &timeline(
            "  - { on: 2025-01-06, type: register, officers: [A, B] }\n  - { on: 2025-03-03, type: coercive_measure, officers: [A, B], until: 2025-03-20, approved: true, record: true }\n  - { on: 2025-03-25, type: close, reason: registration_revoked, ground: 违法事实不能成立 }\n",
        ),
        today(),
    );
    assert_eq!(found(&closed), vec![("seizure_duration", Some(2))]);
    assert!(closed.violations[0].message.contains("仍未作出处理决定"));
}

// ---- summary procedure: payment from the decision ---------------------------------------------

const SUMMARY_INDIVIDUAL: &str =
    "party: { kind: individual, name: 李四 }\nprocedure: summary\nact_date: 2025-03-01";

#[test]
fn summary_payment_deadline_runs_from_the_decision() {
    // Mon 2025-03-03 + 15 days = Tue 03-18.
    let t = |rest: &str| {
        timeline_with(
            SUMMARY_INDIVIDUAL,
            &format!(
                "  - {{ on: 2025-03-03, type: summary_penalty, officers: [A, B], penalty: {{ fine: 50 }} }}\n{rest}"
            ),
        )
    };
    let open = run(&t(""), d(2025, 3, 10));
    let x = deadline(&open, RuleId::PaymentDeadline15d);
    assert_eq!(
        (x.due, x.from_event, x.status),
        (d(2025, 3, 18), Some(0), DeadlineStatus::Pending)
    );
    let paid = run(
        &t("  - { on: 2025-03-18, type: payment, amount: 50 }\n"),
        today(),
    );
    assert_eq!(
        deadline(&paid, RuleId::PaymentDeadline15d).status,
        DeadlineStatus::Met
    );
    // 10 days late: at most 3 % × 50 × 10 = 15 yuan
    let ok = run(
        &t("  - { on: 2025-03-28, type: payment, amount: 50, surcharge: 15 }\n"),
        today(),
    );
    assert_eq!(found(&ok), vec![]);
    let over = run(
        &t("  - { on: 2025-03-28, type: payment, amount: 50, surcharge: 15.01 }\n"),
        today(),
    );
    assert_eq!(found(&over), vec![("late_payment_surcharge", Some(1))]);
    // a later service re-bases the period: Mon 03-10 + 15 = Tue 03-25
    let served = run(
        &t("  - { on: 2025-03-10, type: service, method: direct }\n"),
        d(2025, 3, 11),
    );
    let x = deadline(&served, RuleId::PaymentDeadline15d);
    assert_eq!((x.due, x.from_event), (d(2025, 3, 25), Some(1)));
    assert_eq!(
        served
            .deadlines
            .iter()
            .filter(|x| x.rule == "payment_deadline_15d")
            .count(),
        1
    );
    // a warning starts no payment period
    let warning = run(
        &timeline_with(
            SUMMARY_INDIVIDUAL,
            "  - { on: 2025-03-03, type: summary_penalty, officers: [A, B], penalty: { warning: true } }\n",
        ),
        today(),
    );
    assert!(warning.deadlines.is_empty());
}

// ---- onsite_fine_collection: ordinary procedure and cash hand-in --------------------------------

#[test]
fn ordinary_decisions_may_be_collected_on_the_spot_in_remote_areas() {
    let paid = |payment: &str| {
        run(
            &timeline(&format!(
                "{LAWFUL_PREFIX}  - {{ on: 2025-04-28, type: service, method: direct }}\n  - {{ on: 2025-04-28, type: payment, amount: 500, {payment} }}\n"
            )),
            today(),
        )
    };
    assert_eq!(found(&paid("method: on_spot, remote: true")), vec![]);
    let r = paid("method: on_spot");
    assert_eq!(found(&r), vec![("onsite_fine_collection", Some(4))]);
    assert!(
        r.violations[0].message.contains("边远"),
        "{}",
        r.violations[0].message
    );
    // no fine decided at all
    let none = run(
        &timeline(
            "  - { on: 2025-03-03, type: payment, amount: 50, method: on_spot, remote: true }\n",
        ),
        today(),
    );
    assert_eq!(found(&none), vec![("onsite_fine_collection", Some(0))]);
}

#[test]
fn cash_collected_on_the_spot_is_handed_in_within_two_working_days() {
    // Fri 2025-04-25: Sun 04-27 is a make-up working day, so the 2nd working day is Mon 04-28.
    let t = |handed_in: &str| {
        timeline_with(
            SUMMARY_INDIVIDUAL,
            &format!(
                "  - {{ on: 2025-04-25, type: summary_penalty, officers: [A, B], penalty: {{ fine: 100 }} }}\n  - {{ on: 2025-04-25, type: payment, amount: 100, method: on_spot, handed_in_on: {handed_in} }}\n"
            ),
        )
    };
    assert_eq!(found(&run(&t("2025-04-28"), today())), vec![]);
    let late = run(&t("2025-04-29"), today());
    assert_eq!(found(&late), vec![("onsite_fine_collection", Some(1))]);
    assert_eq!(
        late.violations[0].basis,
        "《中华人民共和国行政处罚法》第七十一条"
    );
    assert!(
        late.violations[0]
            .message
            .contains("第2个工作日（2025年4月28日）"),
        "{}",
        late.violations[0].message
    );
    // only for cash collected on the spot, and not before the collection
    let text = format!(
        "{SUMMARY_INDIVIDUAL}\n{OFFICERS}events:\n  - {{ on: 2025-04-25, type: payment, amount: 100, method: bank, handed_in_on: 2025-04-28 }}\n"
    );
    assert_eq!(
        Timeline::from_yaml(&text).unwrap_err().code(),
        "invalid_value"
    );
    let text = format!(
        "{SUMMARY_INDIVIDUAL}\n{OFFICERS}events:\n  - {{ on: 2025-04-25, type: payment, amount: 100, method: on_spot, handed_in_on: 2025-04-24 }}\n"
    );
    assert_eq!(
        Timeline::from_yaml(&text).unwrap_err().code(),
        "invalid_value"
    );
}

// ---- service: electronic consent, outcomes served ------------------------------------------------

#[test]
fn electronic_service_needs_consent() {
    let r = decided_then_served("  - { on: 2025-04-28, type: service, method: electronic }\n");
    assert_eq!(found(&r), vec![("service_deadline", Some(3))]);
    assert_eq!(
        r.violations[0].basis,
        "《中华人民共和国行政处罚法》第六十一条第二款；《中华人民共和国民事诉讼法》第九十条"
    );
    assert!(r.violations[0].message.contains("电子送达"));
    let ok = decided_then_served(
        "  - { on: 2025-04-28, type: service, method: electronic, consent: true }\n",
    );
    assert_eq!(found(&ok), vec![]);
}

#[test]
fn no_penalty_decisions_are_served_transfers_are_not() {
    let decided = |outcome: &str, rest: &str| {
        run(
            &timeline(&format!(
                "  - {{ on: 2025-03-03, type: register, officers: [A, B] }}\n  - {{ on: 2025-04-25, type: decision, officers: [A, B], outcome: {outcome} }}\n{rest}"
            )),
            today(),
        )
    };
    let r = decided("no_penalty", "");
    let x = deadline(&r, RuleId::ServiceDeadline);
    assert_eq!((x.due, x.status), (d(2025, 5, 8), DeadlineStatus::Overdue));
    assert_eq!(x.label, "送达不予行政处罚决定书");
    let late = decided(
        "no_penalty",
        "  - { on: 2025-05-09, type: service, method: direct }\n",
    );
    assert_eq!(found(&late), vec![("service_deadline", Some(2))]);
    let transfer = decided(
        "transfer",
        "  - { on: 2025-05-09, type: service, method: direct }\n",
    );
    assert_eq!(found(&transfer), vec![]);
    assert!(
        transfer
            .deadlines
            .iter()
            .all(|x| x.rule != "service_deadline")
    );
}

#[test]
fn review_after_a_hearing_only_for_penalty_decisions() {
    let r = run(
        &hearing_offered(
            r"
  - { on: 2025-04-03, type: hearing_request }
  - { on: 2025-04-08, type: hearing_notice, hearing_on: 2025-04-18 }
  - { on: 2025-04-18, type: hearing, chair: D }
  - { on: 2025-04-25, type: decision, officers: [A, B], outcome: no_penalty }
",
        ),
        today(),
    );
    assert_eq!(found(&r), vec![]);
}

// ---- penalty_types: mitigation and per-location ranges ------------------------------------------

fn decided_for(code: &str, decision: &str) -> CheckReport {
    let catalogue = Catalogue::sample();
    let t = timeline_with(
        &format!("{INDIVIDUAL}\nviolation: {code}"),
        &format!(
            "  - {{ on: 2025-03-03, type: register, officers: [A, B] }}\n  - {{ on: 2025-04-01, type: advance_notice, officers: [A, B], proposed: {{ fine: 1500 }}, rights: [statement, defence] }}\n  - {{ on: 2025-04-15, type: decision, officers: [A, B], outcome: penalty, {decision} }}\n"
        ),
    );
    run_with(&t, today(), &RulesConfig::default(), Some(&catalogue))
}

#[test]
fn mitigated_fines_may_go_below_the_minimum() {
    // 乱堆乱放: 50–1,000 yuan
    let code = "luan_dui_luan_fang";
    assert_eq!(
        found(&decided_for(code, "penalty: { fine: 20 }")),
        vec![("penalty_types", Some(2))]
    );
    assert!(
        decided_for(code, "penalty: { fine: 20 }").violations[0]
            .message
            .contains("未载明减轻处罚")
    );
    assert_eq!(
        found(&decided_for(code, "penalty: { fine: 20 }, mitigated: true")),
        vec![]
    );
    // mitigation never allows more than the maximum
    assert_eq!(
        found(&decided_for(
            code,
            "penalty: { fine: 1001 }, mitigated: true"
        )),
        vec![("penalty_types", Some(2))]
    );
    // also on the spot
    let catalogue = Catalogue::sample();
    let t = timeline_with(
        &format!("{SUMMARY_INDIVIDUAL}\nviolation: {code}"),
        "  - { on: 2025-03-03, type: summary_penalty, officers: [A, B], penalty: { fine: 20 }, mitigated: true }\n",
    );
    assert_eq!(
        found(&run_with(
            &t,
            today(),
            &RulesConfig::default(),
            Some(&catalogue)
        )),
        vec![]
    );
}

#[test]
fn per_location_ranges_are_multiplied() {
    // 违规户外广告: 100–500 yuan 每处
    let code = "wei_gui_hu_wai_guang_gao";
    assert_eq!(
        found(&decided_for(code, "penalty: { fine: 1200 }")),
        vec![("penalty_types", Some(2))]
    );
    assert_eq!(
        found(&decided_for(code, "penalty: { fine: 1200 }, locations: 3")),
        vec![]
    );
    assert_eq!(
        found(&decided_for(code, "penalty: { fine: 1500 }, locations: 3")),
        vec![]
    );
    let r = decided_for(code, "penalty: { fine: 250 }, locations: 3");
    assert_eq!(found(&r), vec![("penalty_types", Some(2))]);
    assert!(
        r.violations[0]
            .message
            .contains("法定幅度300元至1500元内（每处计，共3处）"),
        "{}",
        r.violations[0].message
    );
    assert_eq!(
        found(&decided_for(
            code,
            "penalty: { fine: 250 }, locations: 3, mitigated: true"
        )),
        vec![]
    );
    // a per-case range is not multiplied (占道经营: up to 20,000 yuan)
    assert_eq!(
        found(&decided_for(
            "zhan_dao_jing_ying",
            "penalty: { fine: 1200 }, locations: 2"
        )),
        vec![]
    );
    let t = format!(
        "{INDIVIDUAL}\n{OFFICERS}events:\n  - {{ on: 2025-04-15, type: decision, outcome: penalty, penalty: {{ fine: 100 }}, locations: 0 }}\n"
    );
    let err = Timeline::from_yaml(&t).unwrap_err();
    assert_eq!(err.code(), "invalid_value");
    assert!(err.to_string().contains("locations"), "{err}");
}

// ---- no_penalty_conditions ------------------------------------------------------------------------

#[test]
fn minor_corrected_harmless_acts_are_not_punished() {
    let decided = |decision: &str| {
        run(
            &timeline(&format!(
                "  - {{ on: 2025-03-03, type: register, officers: [A, B] }}\n  - {{ on: 2025-04-01, type: advance_notice, officers: [A, B], proposed: {{ fine: 200 }}, rights: [statement, defence] }}\n  - {{ on: 2025-04-15, type: decision, officers: [A, B], {decision} }}\n"
            )),
            today(),
        )
    };
    let r = decided("penalty: { fine: 200 }, minor: true, corrected: true, no_harm: true");
    assert_eq!(found(&r), vec![("no_penalty_conditions", Some(2))]);
    assert_eq!(
        r.violations[0].basis,
        "《中华人民共和国行政处罚法》第三十三条第一款"
    );
    assert_eq!(
        found(&decided(
            "penalty: { fine: 200 }, minor: true, corrected: true"
        )),
        vec![]
    );
    assert_eq!(
        found(&decided(
            "outcome: no_penalty, minor: true, corrected: true, no_harm: true"
        )),
        vec![]
    );
    let summary = run(
        &timeline_with(
            SUMMARY_INDIVIDUAL,
            "  - { on: 2025-03-03, type: summary_penalty, officers: [A, B], penalty: { warning: true }, minor: true, corrected: true, no_harm: true }\n",
        ),
        today(),
    );
    assert_eq!(found(&summary), vec![("no_penalty_conditions", Some(0))]);
}

#[test]
fn children_under_14_are_not_punished() {
    let header = "party: { kind: individual, name: 小明, minor_under_14: true }\nprocedure: summary\nact_date: 2025-03-01";
    let r = run(
        &timeline_with(
            header,
            "  - { on: 2025-03-03, type: summary_penalty, officers: [A, B], penalty: { warning: true } }\n",
        ),
        today(),
    );
    assert_eq!(found(&r), vec![("no_penalty_conditions", Some(0))]);
    assert_eq!(
        r.violations[0].basis,
        "《中华人民共和国行政处罚法》第三十条"
    );
    let ok = run(
        &timeline_with(
            header,
            "  - { on: 2025-03-03, type: decision, officers: [A, B], outcome: no_penalty }\n",
        ),
        today(),
    );
    assert_eq!(found(&ok), vec![]);
    let org = format!(
        "party: {{ kind: organisation, name: 某公司, minor_under_14: true }}\nprocedure: summary\nact_date: 2025-03-01\n{OFFICERS}events: []\n"
    );
    let err = Timeline::from_yaml(&org).unwrap_err();
    assert_eq!(err.code(), "invalid_party");
    assert!(err.to_string().contains("party.minor_under_14"), "{err}");
}

// ---- minor_lighter_penalty -------------------------------------------------------------------

/// A summary fine on 2025-03-03 for an act of 2025-03-01 by a party born on `birth`.
fn minor_fined(birth: &str, findings: &str) -> CheckReport {
    run(
        &timeline_with(
            &format!(
                "party: {{ kind: individual, name: 小明, birth_date: {birth} }}\nprocedure: summary\nact_date: 2025-03-01"
            ),
            &format!(
                "  - {{ on: 2025-03-03, type: summary_penalty, officers: [A, B], penalty: {{ fine: 50 }}{findings} }}\n"
            ),
        ),
        today(),
    )
}

#[test]
fn a_party_aged_14_to_18_at_the_act_is_penalised_more_lightly_or_mitigated() {
    // 已满十四周岁 from the day after the 14th birthday; 不满十八周岁 up to the 18th birthday
    // itself: the day before, the day of and the day after each birthday.
    for (birth, flagged) in [
        ("2011-03-02", false), // 14th birthday the day after the act: 13
        ("2011-03-01", false), // 14th birthday on the act day: not yet 已满十四周岁
        ("2011-02-28", true),  // 14th birthday the day before: 14
        ("2007-03-02", true),  // 17
        ("2007-03-01", true),  // 18th birthday on the act day: not yet 已满十八周岁
        ("2007-02-28", false), // 18
    ] {
        let r = minor_fined(birth, "");
        let v = of(&r, RuleId::MinorLighterPenalty);
        assert_eq!(v.len(), usize::from(flagged), "{birth}: {:?}", found(&r));
        if let Some(v) = v.first() {
            assert_eq!(v.event, Some(0));
            assert_eq!(v.basis, "《中华人民共和国行政处罚法》第三十条");
            assert!(v.message.contains("应当从轻或者减轻"), "{}", v.message);
            assert!(v.message.contains("违法时已满十"), "{}", v.message);
        }
    }
    // The decision finds 从轻 or 减轻: met.
    for findings in [", lighter: true", ", mitigated: true"] {
        let r = minor_fined("2009-06-01", findings);
        assert!(
            of(&r, RuleId::MinorLighterPenalty).is_empty(),
            "{findings}: {:?}",
            found(&r)
        );
    }
    // A date of birth is for individuals, and not after the act.
    let org = format!(
        "party: {{ kind: organisation, name: 某公司, birth_date: 2009-06-01 }}\nprocedure: summary\nact_date: 2025-03-01\n{OFFICERS}events: []\n"
    );
    let err = Timeline::from_yaml(&org).unwrap_err();
    assert_eq!(err.code(), "invalid_party");
    assert!(err.to_string().contains("party.birth_date"), "{err}");
    let unborn = format!(
        "party: {{ kind: individual, name: 小明, birth_date: 2025-03-02 }}\nprocedure: summary\nact_date: 2025-03-01\n{OFFICERS}events: []\n"
    );
    assert_eq!(
        Timeline::from_yaml(&unborn).unwrap_err().code(),
        "invalid_party"
    );
}

#[test]
fn full_years_are_reached_the_day_after_the_birthday_and_29_february_counts_as_1_march() {
    let party = |birth: NaiveDate| Party {
        kind: PartyKind::Individual,
        name: "小明".to_owned(),
        minor_under_14: false,
        birth_date: Some(birth),
    };
    let p = party(d(2008, 2, 29));
    assert_eq!(p.full_years_on(d(2025, 2, 28)), Some(16));
    assert_eq!(p.full_years_on(d(2025, 3, 1)), Some(16));
    assert_eq!(p.full_years_on(d(2025, 3, 2)), Some(17));
    assert_eq!(p.full_years_on(d(2024, 3, 1)), Some(16));
    assert_eq!(p.full_years_on(d(2008, 2, 28)), None);
    assert_eq!(p.full_years_on(d(2008, 2, 29)), Some(0));
}

// ---- officer_recusal ------------------------------------------------------------------------------

#[test]
fn an_officer_who_withdrew_takes_no_further_part() {
    let t = |rest: &str| {
        timeline(&format!(
            "  - {{ on: 2025-03-03, type: register, officers: [A, B] }}\n  - {{ on: 2025-03-05, type: recusal, officers: [A, C] }}\n{rest}"
        ))
    };
    // the withdrawing officers are not acting: C's missing certificate is not flagged
    assert_eq!(found(&run(&t(""), today())), vec![]);
    assert_eq!(
        found(&run(
            &t("  - { on: 2025-03-06, type: evidence, officers: [B, D] }\n"),
            today()
        )),
        vec![]
    );
    let r = run(
        &t("  - { on: 2025-03-06, type: evidence, officers: [A, B, D, A] }\n"),
        today(),
    );
    assert_eq!(found(&r), vec![("officer_recusal", Some(2))]);
    assert_eq!(
        r.violations[0].basis,
        "《中华人民共和国行政处罚法》第四十三条"
    );
    assert!(
        r.violations[0]
            .message
            .contains("执法人员A已于2025年3月5日决定回避（事件#1）"),
        "{}",
        r.violations[0].message
    );
    // as the hearing's chair
    let r = run(
        &t(
            "  - { on: 2025-04-01, type: advance_notice, officers: [B, D], proposed: { fine: 6000 }, rights: [statement, defence, hearing] }\n  - { on: 2025-04-03, type: hearing_request }\n  - { on: 2025-04-08, type: hearing_notice, hearing_on: 2025-04-18 }\n  - { on: 2025-04-18, type: hearing, chair: A }\n",
        ),
        today(),
    );
    assert_eq!(
        found(&r),
        vec![("officer_recusal", Some(5)), ("hearing_conduct", Some(5))]
    );
    // events before the recusal are not affected
    let before = run(
        &timeline(
            "  - { on: 2025-03-03, type: register, officers: [A, B] }\n  - { on: 2025-03-04, type: evidence, officers: [A, B] }\n  - { on: 2025-03-05, type: recusal, officers: [A] }\n",
        ),
        today(),
    );
    assert_eq!(found(&before), vec![]);
}

// ---- criminal_transfer ----------------------------------------------------------------------------

fn transfer_case(rest: &str) -> CheckReport {
    run(
        &timeline(&format!(
            "  - {{ on: 2025-03-03, type: register, officers: [A, B] }}\n  - {{ on: 2025-03-07, type: transfer_report, officers: [A, B] }}\n{rest}"
        )),
        today(),
    )
}

#[test]
fn transfers_are_decided_within_three_days_and_handed_over_within_24_hours() {
    // Fri 03-07 + 3 days = Mon 03-10.
    let ok = transfer_case(
        "  - { on: 2025-03-10, type: decision, officers: [A, B], outcome: transfer }\n  - { on: 2025-03-11, type: transfer_handover, officers: [A, B] }\n",
    );
    assert_eq!(found(&ok), vec![]);
    let x = deadline(&ok, RuleId::CriminalTransfer);
    assert_eq!(
        (x.due, x.status, x.from_event),
        (d(2025, 3, 11), DeadlineStatus::Met, Some(2))
    );
    let late_decision = transfer_case(
        "  - { on: 2025-03-11, type: decision, officers: [A, B], outcome: transfer }\n",
    );
    assert_eq!(found(&late_decision), vec![("criminal_transfer", Some(2))]);
    assert_eq!(
        late_decision.violations[0].basis,
        "《行政执法机关移送涉嫌犯罪案件的规定》第五条"
    );
    let late_handover = transfer_case(
        "  - { on: 2025-03-10, type: decision, officers: [A, B], outcome: transfer }\n  - { on: 2025-03-12, type: transfer_handover }\n",
    );
    assert_eq!(found(&late_handover), vec![("criminal_transfer", Some(3))]);
    assert_eq!(
        deadline(&late_handover, RuleId::CriminalTransfer).status,
        DeadlineStatus::Missed
    );
    // a hand-over without a transfer decision
    let unapproved = transfer_case("  - { on: 2025-03-08, type: transfer_handover }\n");
    assert_eq!(found(&unapproved), vec![("criminal_transfer", Some(2))]);
    // rolled: Wed 04-30 + 3 days = Sat 05-03, in the Labour Day holiday → Tue 05-06
    let rolled = |day: &str| {
        run(
            &timeline(&format!(
                "  - {{ on: 2025-03-03, type: register, officers: [A, B] }}\n  - {{ on: 2025-04-30, type: transfer_report }}\n  - {{ on: {day}, type: decision, officers: [A, B], outcome: transfer }}\n"
            )),
            today(),
        )
    };
    assert_eq!(found(&rolled("2025-05-06")), vec![]);
    assert_eq!(
        found(&rolled("2025-05-07")),
        vec![("criminal_transfer", Some(2))]
    );
}

// ---- coercive_measure_steps / urgent_measure_report_24h ------------------------------------------

fn measure(fields: &str) -> CheckReport {
    run(
        &timeline(&format!(
            "  - {{ on: 2025-01-06, type: register, officers: [A, B] }}\n  - {{ on: 2025-03-03, type: coercive_measure, officers: [A, B], until: 2025-03-20, record: true, {fields} }}\n"
        )),
        today(),
    )
}

#[test]
fn coercive_measures_need_approval_unless_urgent() {
    assert_eq!(found(&measure("approved: true")), vec![]);
    let r = measure("extended: false");
    assert_eq!(found(&r), vec![("coercive_measure_steps", Some(1))]);
    assert_eq!(
        r.violations[0].basis,
        "《中华人民共和国行政强制法》第十八条"
    );
    assert_eq!(
        found(&measure("emergency: true, reported_on: 2025-03-03")),
        vec![]
    );
}

#[test]
fn urgent_measures_are_reported_within_24_hours() {
    assert_eq!(
        found(&measure("emergency: true, reported_on: 2025-03-04")),
        vec![]
    );
    let late = measure("emergency: true, reported_on: 2025-03-05");
    assert_eq!(found(&late), vec![("urgent_measure_report_24h", Some(1))]);
    assert_eq!(
        late.violations[0].basis,
        "《中华人民共和国行政强制法》第十九条"
    );
    assert!(late.violations[0].message.contains("应不晚于2025年3月4日"));
    let missing = measure("emergency: true, approved: true");
    assert_eq!(
        found(&missing),
        vec![("urgent_measure_report_24h", Some(1))]
    );
    // reported_on belongs to emergencies and is not before the measure
    for fields in [
        "approved: true, reported_on: 2025-03-03",
        "emergency: true, reported_on: 2025-03-02",
    ] {
        let text = format!(
            "{INDIVIDUAL}\n{OFFICERS}events:\n  - {{ on: 2025-03-03, type: coercive_measure, until: 2025-03-20, record: true, {fields} }}\n"
        );
        assert_eq!(
            Timeline::from_yaml(&text).unwrap_err().code(),
            "invalid_value",
            "{fields}"
        );
    }
}

// ---- illegal_building_demolition ------------------------------------------------------------------

/// A decision served Mon 2025-02-10, an announcement Mon 03-03 with a deadline of Mon 03-17:
/// the remedy periods run from 03-03 and end Wed 2025-09-03.
fn demolition(rest: &str) -> CheckReport {
    run(
        &timeline(&format!(
            "  - {{ on: 2025-01-06, type: register, officers: [A, B] }}\n  - {{ on: 2025-01-20, type: advance_notice, officers: [A, B], proposed: {{ fine: 1000 }}, rights: [statement, defence] }}\n  - {{ on: 2025-02-10, type: decision, officers: [A, B], outcome: penalty, penalty: {{ fine: 1000 }} }}\n  - {{ on: 2025-02-10, type: service, method: direct }}\n{rest}"
        )),
        today(),
    )
}

#[test]
fn forced_demolition_waits_for_the_deadline_and_the_remedy_periods() {
    // issue 10 part B: the demand, the enforcement decision and its service (行政强制法第三十五至
    // 三十八条) come before every demolition here; their absence is its own rule.
    let announced = "  - { on: 2025-03-03, type: demolition_announcement, officers: [A, B], deadline: 2025-03-17 }\n  - { on: 2025-03-18, type: demand, deadline: 2025-03-25 }\n  - { on: 2025-03-26, type: enforcement_decision }\n  - { on: 2025-03-26, type: service, method: direct }\n";
    let ok = demolition(&format!(
        "{announced}  - {{ on: 2025-09-04, type: forced_demolition, officers: [A, B] }}\n"
    ));
    assert_eq!(found(&ok), vec![]);
    assert_eq!(ok.stage, CaseStage::Executed);
    let r = demolition(&format!(
        "{announced}  - {{ on: 2025-09-03, type: forced_demolition, officers: [A, B] }}\n"
    ));
    assert_eq!(found(&r), vec![("illegal_building_demolition", Some(8))]);
    assert!(
        r.violations[0]
            .message
            .contains("自2025年3月3日起6个月，至2025年9月3日"),
        "{}",
        r.violations[0].message
    );
    let early = demolition(
        "  - { on: 2025-03-03, type: demolition_announcement, officers: [A, B], deadline: 2025-03-17 }\n  - { on: 2025-03-17, type: forced_demolition }\n",
    );
    assert_eq!(
        found(&early),
        vec![
            ("illegal_building_demolition", Some(5)),
            ("demand_before_enforcement", Some(5))
        ]
    );
    assert!(
        early.violations[0].message.contains("尚未届满；"),
        "{}",
        early.violations[0].message
    );
    let unannounced = demolition("  - { on: 2025-09-04, type: forced_demolition }\n");
    assert_eq!(
        found(&unannounced),
        vec![
            ("illegal_building_demolition", Some(4)),
            ("demand_before_enforcement", Some(4))
        ]
    );
    assert!(unannounced.violations[0].message.contains("未予公告"));
    // the decision served after the announcement: periods run from the service
    let served_later = run(
        &timeline(
            "  - { on: 2025-01-06, type: register, officers: [A, B] }\n  - { on: 2025-02-03, type: demolition_announcement, deadline: 2025-02-17 }\n  - { on: 2025-03-03, type: decision, officers: [A, B], outcome: no_penalty }\n  - { on: 2025-03-04, type: service, method: direct }\n  - { on: 2025-03-05, type: demand, deadline: 2025-03-12 }\n  - { on: 2025-03-13, type: enforcement_decision }\n  - { on: 2025-03-13, type: service, method: direct }\n  - { on: 2025-09-04, type: forced_demolition }\n  - { on: 2025-09-05, type: forced_demolition }\n",
        ),
        today(),
    );
    assert_eq!(
        found(&served_later),
        vec![("illegal_building_demolition", Some(7))]
    );
    // not on a statutory holiday
    let holiday = demolition(&format!(
        "{announced}  - {{ on: 2025-10-02, type: forced_demolition }}\n"
    ));
    assert_eq!(
        found(&holiday),
        vec![("no_night_holiday_enforcement", Some(8))]
    );
}

// ---- errors -----------------------------------------------------------------------------------

#[test]
fn a_date_outside_the_supported_years_is_an_error() {
    let t = timeline("  - { on: 2013-12-30, type: register, officers: [A, B] }\n");
    let rules = RulesConfig::default();
    let ctx = CheckContext {
        calendar: calendar(),
        rules: &rules,
        catalogue: None,
        today: today(),
    };
    let err = check_timeline(&t, &ctx).unwrap_err();
    assert_eq!(err, CheckError::Calendar(CalendarError::OutOfRange(2013)));
    assert_eq!(err.code(), "calendar_out_of_range");
    assert!(err.to_string().contains("2013"), "{err}");
    // also a hearing date or the end of a measure
    let t = timeline(
        "  - { on: 2025-01-06, type: register, officers: [A, B] }\n  - { on: 2025-03-03, type: coercive_measure, officers: [A, B], until: 2100-01-01 }\n",
    );
    assert_eq!(
        check_timeline(&t, &ctx).unwrap_err().code(),
        "calendar_out_of_range"
    );
}

#[test]
fn an_act_date_before_the_loaded_years_is_fine() {
    let t = timeline_with(
        "party: { kind: individual, name: 张三 }\nprocedure: ordinary\nact_date: 2019-05-05",
        "  - { on: 2025-01-06, type: register, officers: [A, B] }\n",
    );
    assert_eq!(
        found(&run(&t, today())),
        vec![("limitation_period", Some(0))]
    );
}

#[test]
fn deadlines_into_a_year_not_loaded_are_provisional() {
    let last = calendar().loaded_years().last().unwrap();
    let t = timeline(&format!(
        "  - {{ on: {last}-11-02, type: register, officers: [A, B] }}\n  - {{ on: {last}-11-10, type: advance_notice, officers: [A, B], proposed: {{ fine: 500 }}, rights: [statement, defence] }}\n  - {{ on: {last}-12-22, type: decision, officers: [A, B], outcome: penalty, penalty: {{ fine: 500 }} }}\n  - {{ on: {last}-12-28, type: service, method: direct }}\n"
    ));
    let r = run(&t, d(last, 12, 28));
    assert_eq!(found(&r), vec![]);
    let rules: Vec<_> = r
        .deadlines
        .iter()
        .map(|x| (x.rule.as_str(), x.provisional))
        .collect();
    // The service deadline lies in the loaded year; 90 days after 2 November and the payment
    // and court periods end in the next year, counted on the provisional calendar.
    assert!(rules.contains(&("service_deadline", false)), "{rules:?}");
    assert!(rules.len() > 1, "{rules:?}");
    for x in &r.deadlines {
        assert_eq!(
            x.provisional,
            chrono::Datelike::year(&x.due) > last,
            "{x:?}"
        );
    }
    // The JSON answer carries the flag only when it is true.
    let json = serde_json::to_value(&r).unwrap();
    let flags: Vec<_> = json["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.get("provisional").cloned())
        .collect();
    assert!(flags.contains(&None));
    assert!(flags.contains(&Some(serde_json::Value::Bool(true))));
}

#[test]
fn invalid_timelines_built_in_code_are_rejected_by_the_engine() {
    let mut t = timeline("  - { on: 2025-03-03, type: register, officers: [A, B] }\n");
    t.events[0].officers.push("Z".to_owned());
    let rules = RulesConfig::default();
    let ctx = CheckContext {
        calendar: calendar(),
        rules: &rules,
        catalogue: None,
        today: today(),
    };
    let err = check_timeline(&t, &ctx).unwrap_err();
    assert_eq!(err.code(), "invalid_timeline");
    assert!(err.to_string().contains("“Z”"), "{err}");
}

// ---- stage ------------------------------------------------------------------------------------

#[test]
fn stage_follows_the_furthest_step() {
    let stage = |events: &str| run(&timeline(events), today()).stage;
    assert_eq!(stage(""), CaseStage::Lead);
    assert_eq!(
        stage("  - { on: 2025-03-01, type: lead }\n"),
        CaseStage::Lead
    );
    assert_eq!(
        stage("  - { on: 2025-03-03, type: register, officers: [A, B] }\n"),
        CaseStage::Registered
    );
    let mut events = String::from("  - { on: 2025-03-03, type: register, officers: [A, B] }\n");
    let steps = [
        (
            "  - { on: 2025-03-05, type: evidence, officers: [A, B] }\n",
            CaseStage::Investigating,
        ),
        (
            "  - { on: 2025-04-01, type: advance_notice, officers: [A, B], proposed: { fine: 6000 }, rights: [statement, defence, hearing] }\n",
            CaseStage::Notified,
        ),
        (
            "  - { on: 2025-04-02, type: evidence, officers: [A, B] }\n",
            CaseStage::Notified,
        ),
        (
            "  - { on: 2025-04-03, type: hearing_request }\n",
            CaseStage::HearingRequested,
        ),
        (
            "  - { on: 2025-04-08, type: hearing_notice, hearing_on: 2025-04-18 }\n",
            CaseStage::HearingScheduled,
        ),
        (
            "  - { on: 2025-04-18, type: hearing, chair: D }\n",
            CaseStage::Heard,
        ),
        (
            "  - { on: 2025-04-25, type: decision, officers: [A, B], outcome: penalty, penalty: { fine: 6000 } }\n",
            CaseStage::Decided,
        ),
        (
            "  - { on: 2025-04-28, type: service, method: direct }\n",
            CaseStage::Served,
        ),
        (
            "  - { on: 2025-05-06, type: payment, amount: 1000 }\n",
            CaseStage::Served,
        ),
        (
            "  - { on: 2025-05-09, type: payment, amount: 5000 }\n",
            CaseStage::Executed,
        ),
        ("  - { on: 2025-05-12, type: close }\n", CaseStage::Closed),
        (
            "  - { on: 2025-05-20, type: archive }\n",
            CaseStage::Archived,
        ),
    ];
    for (event, expected) in steps {
        events.push_str(event);
        assert_eq!(stage(&events), expected, "after {event}");
    }
}

#[test]
fn report_serializes_as_documented() {
    let r = run(
        &hearing_offered(
            "  - { on: 2025-04-09, type: decision, officers: [A, B], outcome: penalty, penalty: { fine: 1000 } }\n",
        ),
        d(2025, 4, 15),
    );
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["stage"], "decided");
    assert_eq!(json["violations"][0]["rule"], "pre_decision_notice");
    assert_eq!(json["violations"][1]["rule"], "hearing_request_deadline");
    assert_eq!(json["violations"][1]["event"], 2);
    assert_eq!(json["deadlines"][0]["due"], "2025-06-03");
    assert_eq!(json["deadlines"][0]["status"], "met");
    assert_eq!(json["deadlines"][1]["status"], "lapsed");
    assert_eq!(json["deadlines"][1]["met"], serde_json::Value::Null);
    assert_eq!(json["deadlines"][2]["status"], "near_due");
    assert_eq!(r.violations_at(2).count(), 2);
}

// ---- property test ----------------------------------------------------------------------------

/// An arbitrary event: type, day step, officers (bit mask over A–G), amounts and flags.
fn arbitrary_event() -> impl Strategy<Value = (u8, u8, u8, u32, u32, u8)> {
    (
        0u8..35,
        0u8..20,
        any::<u8>(),
        0u32..80_000,
        0u32..400,
        any::<u8>(),
    )
}

fn build_event(on: NaiveDate, spec: (u8, u8, u8, u32, u32, u8)) -> Event {
    let (kind, _, mask, amount, days, flags) = spec;
    let ids = ["A", "B", "C", "D", "E", "F", "G"];
    let officers = ids
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, id)| (*id).to_owned())
        .collect();
    let flag = |bit: u8| flags & (1 << bit) != 0;
    let penalty = Penalty {
        warning: flag(0),
        fine: (amount > 0).then(|| Yuan::from_fen(u64::from(amount) * 7)),
        confiscation: flag(1).then(|| Yuan::from_yuan(u64::from(amount))),
        licence_suspension: flag(2),
        stop_business: flag(3),
        ..Penalty::default()
    };
    let penalty = if penalty.is_empty() {
        Penalty {
            warning: true,
            ..penalty
        }
    } else {
        penalty
    };
    let later = on + chrono::Days::new(u64::from(days));
    let facts = DecisionFacts {
        mitigated: flag(3),
        lighter: flag(7),
        locations: u32::from(mask % 4).max(1),
        minor: flag(4),
        corrected: flag(5),
        no_harm: flag(6),
    };
    let kind = match kind {
        0 => EventKind::Lead,
        1 => EventKind::Register,
        2 => EventKind::Evidence,
        3 => EventKind::Preservation,
        4 => EventKind::PreservationDecision,
        5 => EventKind::AdvanceNotice {
            proposed: penalty,
            rights: [Right::Statement, Right::Defence, Right::Hearing]
                .into_iter()
                .enumerate()
                .filter(|(i, _)| flags & (1 << (i + 4)) != 0)
                .map(|(_, r)| r)
                .collect(),
        },
        6 => EventKind::Defence,
        7 => EventKind::HearingRequest,
        8 => EventKind::HearingNotice {
            hearing_on: on + chrono::Days::new(u64::from(days % 30)),
        },
        9 => EventKind::Hearing {
            chair: flag(5).then(|| ids[usize::from(mask % 7)].to_owned()),
        },
        10 => EventKind::HearingWaiver,
        11 => EventKind::LegalReview {
            result: if flag(6) {
                ReviewResult::Fail
            } else {
                ReviewResult::Pass
            },
        },
        12 => EventKind::Deliberation,
        13 => EventKind::Decision {
            outcome: match flags % 5 {
                0 => DecisionOutcome::NoPenalty,
                1 => DecisionOutcome::Transfer,
                _ => DecisionOutcome::Penalty(penalty),
            },
            facts,
        },
        14 => EventKind::Service {
            method: [
                ServiceMethod::Direct,
                ServiceMethod::Lodged,
                ServiceMethod::Postal,
                ServiceMethod::PublicNotice,
                ServiceMethod::Electronic,
                ServiceMethod::Fax,
                ServiceMethod::Email,
            ][usize::from(flags % 7)],
            consent: flag(7),
            posted_on: (flags % 7 == 2 && flag(6))
                .then(|| on - chrono::Days::new(u64::from(days % 4))),
        },
        15 => EventKind::Payment {
            amount: Yuan::from_fen(u64::from(amount) * 11),
            surcharge: Yuan::from_fen(u64::from(days) * 100),
            method: if flag(1) {
                PaymentMethod::OnSpot
            } else {
                PaymentMethod::Bank
            },
            remote: flag(2),
            handed_in_on: (flag(1) && flag(3)).then(|| on + chrono::Days::new(u64::from(days % 9))),
            hard_to_collect_later: flag(1) && flag(4),
        },
        16 => EventKind::Demand {
            deadline: flag(5).then_some(later),
        },
        17 => EventKind::CourtEnforcementApplication,
        18 => EventKind::Close {
            reason: [
                CloseReason::Executed,
                CloseReason::Enforced,
                CloseReason::NoPenalty,
                CloseReason::Transfer,
                CloseReason::RegistrationRevoked,
                CloseReason::ExecutionTerminated,
            ][usize::from(flags % 6)],
            ground: flag(7).then(|| "依法".to_owned()),
        },
        19 => EventKind::Archive,
        20 => EventKind::SummaryPenalty { penalty, facts },
        21 => EventKind::CoerciveMeasure {
            until: later,
            extended: flag(3),
            emergency: flag(4),
            approved: flag(5),
            reported_on: (flag(4) && flag(6)).then(|| on + chrono::Days::new(u64::from(days % 3))),
            record: flag(7),
        },
        22 => EventKind::Recusal,
        23 => EventKind::TransferReport,
        24 => EventKind::TransferHandover,
        25 => EventKind::DemolitionAnnouncement { deadline: later },
        26 => EventKind::ForcedDemolition,
        27 => EventKind::StatementWaiver,
        // issue 10 part A
        28 => EventKind::Revocation {
            ground: "原决定认定事实不清，依法撤销".to_owned(),
            decision_on: flag(5).then(|| on - chrono::Days::new(u64::from(days % 10))),
        },
        // issue 10 part B
        29 => EventKind::Extension {
            approver: "局长".to_owned(),
            reason: "案情复杂".to_owned(),
            days: days % 40 + 1,
        },
        30 => EventKind::Suspension {
            kind: SuspensionKind::Testing,
            from: on - chrono::Days::new(u64::from(days % 20)),
            until: on,
        },
        31 => EventKind::EnforcementDecision,
        32 => EventKind::Reconsideration { ended: flag(2) },
        33 => EventKind::Lawsuit { ended: flag(2) },
        _ => EventKind::SeizureDecision,
    };
    Event {
        on,
        officers,
        note: None,
        kind,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn random_event_sequences_never_panic(
        specs in proptest::collection::vec(arbitrary_event(), 0..25),
        start in 0u64..700,
        act_back in 0u64..3000,
        organisation: bool,
        serious: bool,
        major: bool,
        today_offset in 0u64..730,
    ) {
        let base = d(2025, 1, 1);
        let first = base + chrono::Days::new(start);
        let header = timeline(LAWFUL_HEARING_CASE);
        let mut on = first;
        let mut events = Vec::new();
        for spec in specs {
            on = on + chrono::Days::new(u64::from(spec.1 % 15));
            events.push(build_event(on, spec));
        }
        let t = Timeline {
            party: Party {
                kind: if organisation { PartyKind::Organisation } else { PartyKind::Individual },
                name: "某".to_owned(),
                minor_under_14: !organisation && serious && major,
                // aged about 16 at the act (行政处罚法第三十条) in some sequences
                birth_date: (!organisation && !major)
                    .then(|| first - chrono::Days::new(act_back + 16 * 365)),
            },
            procedure: if major { Procedure::Ordinary } else { Procedure::Summary },
            act_date: first - chrono::Days::new(act_back),
            violation: None,
            serious_harm: serious,
            major,
            officers: header.officers.clone(),
            events,
            record: None,
        };
        // issue 10 part B: the bureau's switches on and off.
        let rules = RulesConfig {
            decision_extension_allowed: serious,
            decision_period_exclusions: organisation,
            ..RulesConfig::default()
        };
        let catalogue = Catalogue::sample();
        let ctx = CheckContext {
            calendar: calendar(),
            rules: &rules,
            catalogue: Some(&catalogue),
            today: base + chrono::Days::new(today_offset),
        };
        match check_timeline(&t, &ctx) {
            Ok(report) => {
                for v in &report.violations {
                    prop_assert!(v.event.is_some_and(|i| i < t.events.len()));
                    prop_assert!(RuleId::from_id(&v.rule).is_some());
                    prop_assert!(!v.message.is_empty());
                }
                for x in &report.deadlines {
                    prop_assert!(x.from_event.is_some_and(|i| i < t.events.len()));
                    prop_assert_eq!(
                        x.met,
                        match x.status {
                            DeadlineStatus::Met => Some(true),
                            DeadlineStatus::Missed | DeadlineStatus::Overdue => Some(false),
                            _ => None,
                        }
                    );
                }
                // the serialized answer is accepted as JSON
                prop_assert!(serde_json::to_string(&report).is_ok());
                // and the timeline round-trips through its own format
                prop_assert_eq!(Timeline::parse(&t.to_json()).ok(), t.validate().ok().map(|()| t.clone()));
                prop_assert_eq!(Timeline::from_yaml(&t.to_yaml()).ok(), t.validate().ok().map(|()| t.clone()));
            }
            Err(CheckError::InvalidTimeline(_)) => prop_assert!(t.validate().is_err()),
            Err(CheckError::Calendar(CalendarError::OutOfRange(y))) => {
                prop_assert!(!calendar().supported_years().contains(&y));
            }
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }
}

// ---- the documentation ------------------------------------------------------------------------

/// The code blocks of `docs/case-timeline.md` after the heading "## Full example".
fn doc_blocks() -> Vec<(&'static str, &'static str)> {
    let doc = include_str!("../../../../docs/case-timeline.md");
    let example = doc.split("## Full example").nth(1).unwrap();
    example
        .split("```")
        .skip(1)
        .step_by(2)
        .map(|block| block.split_once('\n').unwrap())
        .collect()
}

#[test]
fn the_documented_example_gives_the_documented_answer() {
    let blocks = doc_blocks();
    let (lang, yaml) = blocks[0];
    assert_eq!(lang, "yaml");
    let t = Timeline::parse(yaml).unwrap();
    let catalogue = Catalogue::sample();
    let r = run_with(
        &t,
        d(2025, 5, 12),
        &RulesConfig::default(),
        Some(&catalogue),
    );
    let (lang, answer) = blocks[1];
    assert_eq!(lang, "json");
    let documented: serde_json::Value = serde_json::from_str(answer).unwrap();
    assert_eq!(serde_json::to_value(&r).unwrap(), documented);
    // the JSON excerpt is a valid timeline too
    let (lang, json) = blocks[2];
    assert_eq!(lang, "json");
    let excerpt = Timeline::parse(json).unwrap();
    assert_eq!(excerpt.events[..2], t.events[..2]);
    assert_eq!(excerpt.events[2], t.events[3]);
}

// ---- pre_decision_notice: the statement period of the notice (Art. 44, 45, 62) ---------------

/// Notice Monday 2025-03-10: the 5th working day is Monday 2025-03-17.
fn statement_case(between: &str, decision_on: &str) -> Timeline {
    timeline(&format!(
        "  - {{ on: 2025-03-03, type: register, officers: [A, B] }}\n  - {{ on: 2025-03-10, type: advance_notice, officers: [A, B], proposed: {{ fine: 1000 }}, rights: [statement, defence] }}\n{between}  - {{ on: {decision_on}, type: decision, officers: [A, B], outcome: penalty, penalty: {{ fine: 1000 }} }}\n"
    ))
}

#[test]
fn statement_period_end_is_the_fifth_working_day() {
    let rules = RulesConfig::default();
    assert_eq!(
        statement_period_end(calendar(), &rules, d(2025, 3, 10)).unwrap(),
        d(2025, 3, 17)
    );
    // Across the National Day holiday (1–8 Oct 2025 off, Saturday 11 Oct a make-up day).
    assert_eq!(
        statement_period_end(calendar(), &rules, d(2025, 9, 29)).unwrap(),
        d(2025, 10, 13)
    );
    let three = RulesConfig {
        statement_working_days: 3,
        ..RulesConfig::default()
    };
    assert_eq!(
        statement_period_end(calendar(), &three, d(2025, 3, 10)).unwrap(),
        d(2025, 3, 13)
    );
}

#[test]
fn decision_waits_for_the_end_of_the_statement_period() {
    // The day before the last day and the last day itself: refused at the decision.
    for day in ["2025-03-14", "2025-03-17"] {
        let r = run(&statement_case("", day), today());
        assert_eq!(found(&r), vec![("pre_decision_notice", Some(2))], "{day}");
        let v = &of(&r, RuleId::PreDecisionNotice)[0];
        assert_eq!(
            v.basis,
            "《中华人民共和国行政处罚法》第四十四条、第四十五条、第六十二条"
        );
        assert!(v.message.contains("2025年3月17日"), "{}", v.message);
        assert!(v.message.contains("第5个工作日"), "{}", v.message);
    }
    // The day after: lawful.
    let r = run(&statement_case("", "2025-03-18"), today());
    assert_eq!(found(&r), vec![]);
}

#[test]
fn statement_period_across_a_holiday() {
    let t = |decision_on: &str| {
        timeline(&format!(
            "  - {{ on: 2025-09-22, type: register, officers: [A, B] }}\n  - {{ on: 2025-09-29, type: advance_notice, officers: [A, B], proposed: {{ fine: 1000 }}, rights: [statement, defence] }}\n  - {{ on: {decision_on}, type: decision, officers: [A, B], outcome: penalty, penalty: {{ fine: 1000 }} }}\n"
        ))
    };
    // Saturday 11 Oct is a make-up working day (the 4th); Monday 13 Oct the 5th.
    assert_eq!(
        found(&run(&t("2025-10-11"), today())),
        vec![("pre_decision_notice", Some(2))]
    );
    assert_eq!(
        found(&run(&t("2025-10-13"), today())),
        vec![("pre_decision_notice", Some(2))]
    );
    assert_eq!(found(&run(&t("2025-10-14"), today())), vec![]);
}

#[test]
fn statement_or_written_waiver_or_hearing_ends_the_wait() {
    let defence = "  - { on: 2025-03-11, type: defence }\n";
    let waiver = "  - { on: 2025-03-11, type: statement_waiver }\n";
    for between in [defence, waiver] {
        let r = run(&statement_case(between, "2025-03-12"), today());
        assert_eq!(found(&r), vec![], "{between}");
    }
    // A hearing waiver is not a waiver of the statement.
    let r = run(
        &statement_case(
            "  - { on: 2025-03-11, type: hearing_waiver }\n",
            "2025-03-12",
        ),
        today(),
    );
    assert_eq!(found(&r), vec![("pre_decision_notice", Some(3))]);
    // A defence to an earlier notice does not count for a new one.
    let t = timeline(
        "  - { on: 2025-03-03, type: register, officers: [A, B] }\n  - { on: 2025-03-04, type: advance_notice, officers: [A, B], proposed: { fine: 500 }, rights: [statement, defence] }\n  - { on: 2025-03-05, type: defence }\n  - { on: 2025-03-10, type: advance_notice, officers: [A, B], proposed: { fine: 1000 }, rights: [statement, defence] }\n  - { on: 2025-03-12, type: decision, officers: [A, B], outcome: penalty, penalty: { fine: 1000 } }\n",
    );
    assert_eq!(
        found(&run(&t, today())),
        vec![("pre_decision_notice", Some(4))]
    );
    // No penalty decided: the party is not burdened, nothing to wait for.
    let t = timeline(
        "  - { on: 2025-03-03, type: register, officers: [A, B] }\n  - { on: 2025-03-10, type: advance_notice, officers: [A, B], proposed: { fine: 1000 }, rights: [statement, defence] }\n  - { on: 2025-03-11, type: decision, officers: [A, B], outcome: no_penalty }\n",
    );
    assert_eq!(found(&run(&t, today())), vec![]);
}

#[test]
fn statement_period_is_a_setting() {
    let rules = RulesConfig {
        statement_working_days: 3,
        ..RulesConfig::default()
    };
    // Notice 10 Mar: the 3rd working day is 13 Mar.
    let r = run_with(&statement_case("", "2025-03-13"), today(), &rules, None);
    assert_eq!(found(&r), vec![("pre_decision_notice", Some(2))]);
    let r = run_with(&statement_case("", "2025-03-14"), today(), &rules, None);
    assert_eq!(found(&r), vec![]);
}

// ---- case_closing -----------------------------------------------------------------------------

/// Register, notice, defence, a 1,000-yuan decision on 2025-03-18, then `rest`.
fn decided_case(rest: &str) -> Timeline {
    timeline(&format!(
        "  - {{ on: 2025-03-03, type: register, officers: [A, B] }}\n  - {{ on: 2025-03-10, type: advance_notice, officers: [A, B], proposed: {{ fine: 1000 }}, rights: [statement, defence] }}\n  - {{ on: 2025-03-11, type: defence }}\n  - {{ on: 2025-03-18, type: decision, officers: [A, B], outcome: penalty, penalty: {{ fine: 1000 }} }}\n{rest}"
    ))
}

fn closing_message(r: &CheckReport) -> String {
    of(r, RuleId::CaseClosing)
        .first()
        .map(|v| v.message.clone())
        .unwrap_or_default()
}

#[test]
fn closing_needs_service_and_full_payment() {
    // The day after the decision, nothing served, nothing paid: refused, both steps named.
    let r = run(
        &decided_case("  - { on: 2025-03-19, type: close }\n"),
        today(),
    );
    assert_eq!(found(&r), vec![("case_closing", Some(4))]);
    let m = closing_message(&r);
    assert!(m.contains("送达行政处罚决定书"), "{m}");
    assert!(m.contains("缴清罚款"), "{m}");
    assert_eq!(
        of(&r, RuleId::CaseClosing)[0].basis,
        "《中华人民共和国行政处罚法》第六十一条、第六十六条、第七十二条；《中华人民共和国行政强制法》第四十条"
    );
    // Served, partly paid.
    let r = run(
        &decided_case(
            "  - { on: 2025-03-19, type: service, method: direct }\n  - { on: 2025-03-25, type: payment, amount: 400 }\n  - { on: 2025-03-26, type: close }\n",
        ),
        today(),
    );
    assert_eq!(found(&r), vec![("case_closing", Some(6))]);
    let m = closing_message(&r);
    assert!(!m.contains("送达"), "{m}");
    assert!(
        m.contains("应缴1000.00元，已缴400.00元") || m.contains("已缴"),
        "{m}"
    );
    // Served and paid in full: lawful.
    let r = run(
        &decided_case(
            "  - { on: 2025-03-19, type: service, method: direct }\n  - { on: 2025-03-25, type: payment, amount: 1000 }\n  - { on: 2025-03-26, type: close }\n",
        ),
        today(),
    );
    assert_eq!(found(&r), vec![]);
    // A warning only: executed once served.
    let r = run(
        &timeline(
            "  - { on: 2025-03-03, type: register, officers: [A, B] }\n  - { on: 2025-03-10, type: advance_notice, officers: [A, B], proposed: { warning: true }, rights: [statement, defence] }\n  - { on: 2025-03-11, type: defence }\n  - { on: 2025-03-18, type: decision, officers: [A, B], outcome: penalty, penalty: { warning: true } }\n  - { on: 2025-03-19, type: service, method: direct }\n  - { on: 2025-03-20, type: close }\n",
        ),
        today(),
    );
    assert_eq!(found(&r), vec![]);
}

#[test]
fn closing_with_nothing_decided_needs_a_recorded_reason() {
    let t = |close: &str| {
        timeline(&format!(
            "  - {{ on: 2025-03-03, type: register, officers: [A, B] }}\n  - {{ on: 2025-03-05, type: evidence, officers: [A, B] }}\n  - {{ on: 2025-03-06, {close} }}\n"
        ))
    };
    let r = run(&t("type: close"), today());
    assert_eq!(found(&r), vec![("case_closing", Some(2))]);
    assert!(
        closing_message(&r).contains("撤销立案"),
        "{}",
        closing_message(&r)
    );
    // 撤销立案 without its ground: refused, naming the ground.
    let r = run(&t("type: close, reason: registration_revoked"), today());
    assert_eq!(found(&r), vec![("case_closing", Some(2))]);
    assert!(closing_message(&r).contains("法定理由"));
    let r = run(
        &t("type: close, reason: registration_revoked, ground: 经调查违法事实不能成立"),
        today(),
    );
    assert_eq!(found(&r), vec![]);
    // The reason round-trips through the format.
    let e = &t("type: close, reason: registration_revoked, ground: 不属于本机关管辖").events[2];
    assert_eq!(
        e.kind,
        EventKind::Close {
            reason: CloseReason::RegistrationRevoked,
            ground: Some("不属于本机关管辖".to_owned())
        }
    );
}

#[test]
fn closing_for_no_penalty_or_transfer() {
    for outcome in ["no_penalty", "transfer"] {
        let r = run(
            &timeline(&format!(
                "  - {{ on: 2025-03-03, type: register, officers: [A, B] }}\n  - {{ on: 2025-03-18, type: decision, officers: [A, B], outcome: {outcome} }}\n  - {{ on: 2025-03-19, type: close }}\n  - {{ on: 2025-03-20, type: close, reason: {outcome} }}\n"
            )),
            today(),
        );
        assert_eq!(found(&r), vec![], "{outcome}");
    }
    // The reason must match the decision.
    let r = run(
        &timeline(
            "  - { on: 2025-03-03, type: register, officers: [A, B] }\n  - { on: 2025-03-18, type: decision, officers: [A, B], outcome: no_penalty }\n  - { on: 2025-03-19, type: close, reason: transfer }\n",
        ),
        today(),
    );
    assert_eq!(found(&r), vec![("case_closing", Some(2))]);
    assert!(closing_message(&r).contains("作出移送决定"));
    // A penalty decided: no_penalty is not a reason to close.
    let r = run(
        &decided_case("  - { on: 2025-03-19, type: close, reason: no_penalty }\n"),
        today(),
    );
    assert_eq!(found(&r), vec![("case_closing", Some(4))]);
}

#[test]
fn closing_after_enforcement_or_terminated_execution() {
    let served = "  - { on: 2025-03-19, type: service, method: direct }\n";
    // Enforced: needs an enforcement step after the decision.
    let r = run(
        &decided_case(&format!(
            "{served}  - {{ on: 2025-03-20, type: close, reason: enforced }}\n"
        )),
        today(),
    );
    assert_eq!(found(&r), vec![("case_closing", Some(5))]);
    assert!(closing_message(&r).contains("强制执行的记录"));
    let r = run(
        &decided_case(&format!(
            "{served}  - {{ on: 2025-04-20, type: demand }}\n  - {{ on: 2025-10-09, type: court_enforcement_application }}\n  - {{ on: 2025-11-20, type: close, reason: enforced }}\n"
        )),
        today(),
    );
    assert_eq!(found(&r), vec![]);
    // 终结执行 with and without its ground.
    let r = run(
        &decided_case(&format!(
            "{served}  - {{ on: 2025-06-20, type: close, reason: execution_terminated }}\n"
        )),
        today(),
    );
    assert_eq!(found(&r), vec![("case_closing", Some(5))]);
    let r = run(
        &decided_case(&format!(
            "{served}  - {{ on: 2025-06-20, type: close, reason: execution_terminated, ground: 当事人死亡且无遗产可供执行（行政强制法第四十条第二项） }}\n"
        )),
        today(),
    );
    assert_eq!(found(&r), vec![]);
    // A summary penalty is handed over on the spot: paid in full, it closes.
    let r = run(
        &timeline_with(
            "party: { kind: individual, name: 张三 }\nprocedure: summary\nact_date: 2025-03-01",
            "  - { on: 2025-03-03, type: summary_penalty, officers: [A, B], penalty: { fine: 50 } }\n  - { on: 2025-03-03, type: payment, amount: 50, method: on_spot }\n  - { on: 2025-03-04, type: close }\n",
        ),
        today(),
    );
    assert_eq!(found(&r), vec![]);
}

// ---- late_payment_surcharge: the answer states what has accrued and the cap ------------------

/// The 500-yuan fine of `LAWFUL_PREFIX` served Mon 2025-04-28 (payment due Tue 05-13), then
/// `rest`, evaluated on `today`.
fn served_fine(rest: &str, today: NaiveDate) -> CheckReport {
    run(
        &timeline(&format!(
            "{LAWFUL_PREFIX}  - {{ on: 2025-04-28, type: service, method: direct }}\n{rest}"
        )),
        today,
    )
}

#[test]
fn the_answer_states_the_accrued_surcharge_and_its_cap() {
    // The day before and the day of the deadline: nothing accrued.
    for day in [d(2025, 5, 12), d(2025, 5, 13)] {
        let s = served_fine("", day).surcharge.unwrap();
        assert_eq!((s.due, s.days_late), (d(2025, 5, 13), 0), "{day}");
        assert_eq!(s.accrued, Yuan::ZERO);
        assert_eq!(s.cap, Yuan::from_yuan(500));
        assert!(s.message.contains("未逾期"), "{}", s.message);
    }
    // The day after: one day, 3 % of 500 = 15 yuan.
    let s = served_fine("", d(2025, 5, 14)).surcharge.unwrap();
    assert_eq!((s.days_late, s.accrued), (1, Yuan::from_yuan(15)));
    assert_eq!(s.percent_per_day, 3);
    assert!(s.message.contains("逾期1日"), "{}", s.message);
    assert!(s.message.contains("15元"), "{}", s.message);
    assert!(s.basis.contains("第七十二条"), "{}", s.basis);
    // Capped at the fine: 34 days would be 510 yuan.
    let s = served_fine("", d(2025, 6, 16)).surcharge.unwrap();
    assert_eq!((s.days_late, s.accrued), (34, Yuan::from_yuan(500)));
    // Accrual stops when the fine is paid in full; the paid surcharge is reported.
    let s = served_fine(
        "  - { on: 2025-05-23, type: payment, amount: 500, surcharge: 150 }\n",
        d(2025, 12, 31),
    )
    .surcharge
    .unwrap();
    assert_eq!(s.until, d(2025, 5, 23));
    assert_eq!((s.days_late, s.accrued), (10, Yuan::from_yuan(150)));
    assert_eq!(s.paid, Yuan::from_yuan(150));
    // No fine decided, or not yet served: no surcharge in the answer.
    assert!(run(&timeline(LAWFUL_PREFIX), today()).surcharge.is_none());
    let json = serde_json::to_value(served_fine("", d(2025, 5, 14))).unwrap();
    assert_eq!(json["surcharge"]["accrued"], 15);
    assert_eq!(json["surcharge"]["cap"], 500);
}

// ---- hearing: held on the notified date, chair, review and deliberation after it -------------

/// A hearing case: request 04-03, notice 04-08 for 04-18, then `rest` (hearing, review,
/// deliberation, decision).
fn hearing_case(rest: &str) -> CheckReport {
    run(
        &timeline(&format!(
            "  - {{ on: 2025-03-03, type: register, officers: [A, B] }}\n  - {{ on: 2025-03-05, type: evidence, officers: [A, B] }}\n  - {{ on: 2025-04-01, type: advance_notice, officers: [A, B], proposed: {{ fine: 6000 }}, rights: [statement, defence, hearing] }}\n  - {{ on: 2025-04-03, type: hearing_request }}\n  - {{ on: 2025-04-08, type: hearing_notice, hearing_on: 2025-04-18 }}\n{rest}"
        )),
        today(),
    )
}

const AFTER_HEARING: &str = "  - { on: 2025-04-22, type: legal_review, result: pass }\n  - { on: 2025-04-23, type: deliberation }\n  - { on: 2025-04-25, type: decision, officers: [A, B], outcome: penalty, penalty: { fine: 6000 } }\n";

#[test]
fn the_hearing_is_held_on_the_notified_date() {
    // The day before the notified date: refused.
    let r = hearing_case("  - { on: 2025-04-17, type: hearing, chair: D }\n");
    assert_eq!(found(&r), vec![("hearing_notice_period", Some(5))]);
    assert!(
        r.violations[0].message.contains("早于"),
        "{}",
        r.violations[0].message
    );
    assert_eq!(
        r.violations[0].basis,
        "《中华人民共和国行政处罚法》第六十四条第二项"
    );
    // The day itself: lawful.
    let r = hearing_case(&format!(
        "  - {{ on: 2025-04-18, type: hearing, chair: D }}\n{AFTER_HEARING}"
    ));
    assert_eq!(found(&r), vec![]);
    // The day after without a new notice: refused.
    let r = hearing_case("  - { on: 2025-04-21, type: hearing, chair: D }\n");
    assert_eq!(found(&r), vec![("hearing_notice_period", Some(5))]);
    assert!(r.violations[0].message.contains("重新通知"));
    // Postponed by a new notice with its own 7 working days: lawful.
    let r = hearing_case(&format!(
        "  - {{ on: 2025-04-10, type: hearing_notice, hearing_on: 2025-04-21 }}\n  - {{ on: 2025-04-21, type: hearing, chair: D }}\n{AFTER_HEARING}"
    ));
    assert_eq!(found(&r), vec![]);
    // A new notice too short is refused at the notice (10 April + 7 wd = 21 April).
    let r = hearing_case("  - { on: 2025-04-10, type: hearing_notice, hearing_on: 2025-04-18 }\n");
    assert_eq!(found(&r), vec![("hearing_notice_period", Some(5))]);
}

#[test]
fn an_officer_who_seized_goods_may_not_chair_the_hearing() {
    let r = run(
        &timeline(
            "  - { on: 2025-03-03, type: register, officers: [A, B] }\n  - { on: 2025-03-05, type: coercive_measure, officers: [B, D], until: 2025-03-20, approved: true, record: true }\n  - { on: 2025-03-20, type: seizure_decision }\n  - { on: 2025-04-01, type: advance_notice, officers: [A, B], proposed: { fine: 6000 }, rights: [statement, defence, hearing] }\n  - { on: 2025-04-03, type: hearing_request }\n  - { on: 2025-04-08, type: hearing_notice, hearing_on: 2025-04-18 }\n  - { on: 2025-04-18, type: hearing, chair: D }\n",
        ),
        today(),
    );
    assert_eq!(found(&r), vec![("hearing_conduct", Some(6))]);
    assert!(r.violations[0].message.contains("行政强制措施"));
}

#[test]
fn review_and_deliberation_come_after_the_hearing() {
    // Both before the hearing: each refused at the decision.
    let r = hearing_case(
        "  - { on: 2025-04-10, type: legal_review, result: pass }\n  - { on: 2025-04-11, type: deliberation }\n  - { on: 2025-04-18, type: hearing, chair: D }\n  - { on: 2025-04-25, type: decision, officers: [A, B], outcome: penalty, penalty: { fine: 6000 } }\n",
    );
    assert_eq!(
        found(&r),
        vec![
            ("legal_review_before_decision", Some(8)),
            ("investigation_outcomes", Some(8))
        ]
    );
    assert!(r.violations[0].message.contains("听证之前"));
    assert!(r.violations[1].message.contains("听证之前"));
    // Repeated after the hearing: lawful.
    let r = hearing_case(&format!(
        "  - {{ on: 2025-04-10, type: legal_review, result: pass }}\n  - {{ on: 2025-04-11, type: deliberation }}\n  - {{ on: 2025-04-18, type: hearing, chair: D }}\n{AFTER_HEARING}"
    ));
    assert_eq!(found(&r), vec![]);
}

// ---- local practice versus statute --------------------------------------------------------------

#[test]
fn rules_from_a_switch_cite_the_bureaus_own_document() {
    // A 6,000-yuan fine gives a hearing right; no hearing held, not major: review and
    // deliberation are required only by the bureau's switches.
    let t = timeline(
        "  - { on: 2025-03-03, type: register, officers: [A, B] }\n  - { on: 2025-04-01, type: advance_notice, officers: [A, B], proposed: { fine: 6000 }, rights: [statement, defence, hearing] }\n  - { on: 2025-04-02, type: hearing_waiver }\n  - { on: 2025-04-02, type: defence }\n  - { on: 2025-04-10, type: decision, officers: [A, B], outcome: penalty, penalty: { fine: 6000 } }\n",
    );
    let rules = RulesConfig {
        local_rules_document: "《卧龙区城市管理局重大执法决定目录》".to_owned(),
        ..RulesConfig::default()
    };
    let r = run_with(&t, today(), &rules, None);
    assert_eq!(
        found(&r),
        vec![
            ("legal_review_before_decision", Some(4)),
            ("investigation_outcomes", Some(4))
        ]
    );
    for v in &r.violations {
        assert_eq!(
            v.basis,
            "《卧龙区城市管理局重大执法决定目录》（本局规定）；《河南省行政执法条例》第二十八条"
        );
        assert!(
            v.message
                .starts_with("按本局规定（《卧龙区城市管理局重大执法决定目录》）"),
            "{}",
            v.message
        );
    }
    // Switched off: nothing required.
    let off = RulesConfig {
        review_when_hearing_scope: false,
        deliberation_when_hearing_scope: false,
        ..RulesConfig::default()
    };
    assert_eq!(found(&run_with(&t, today(), &off, None)), vec![]);
    // A statutory requirement (major case) cites the statute and not the bureau.
    let major = timeline_with(
        &format!("{INDIVIDUAL}\nmajor: true"),
        "  - { on: 2025-03-03, type: register, officers: [A, B] }\n  - { on: 2025-04-01, type: advance_notice, officers: [A, B], proposed: { fine: 100 }, rights: [statement, defence] }\n  - { on: 2025-04-02, type: defence }\n  - { on: 2025-04-10, type: decision, officers: [A, B], outcome: penalty, penalty: { fine: 100 } }\n",
    );
    let r = run_with(&major, today(), &rules, None);
    assert_eq!(r.violations.len(), 2);
    for v in &r.violations {
        assert!(
            v.basis.starts_with("《中华人民共和国行政处罚法》"),
            "{}",
            v.basis
        );
        assert!(!v.message.contains("本局规定"), "{}", v.message);
    }
}

// ---- issue 10 part A: certificates on leads, one fine per act, cash, postal service ------------

#[test]
fn whoever_reports_a_lead_needs_no_certificate() {
    // C (协管员, no certificate) and E (expired) report the lead; A and B investigate.
    let r = run(
        &timeline(
            r"
  - { on: 2025-04-01, type: lead, officers: [C, E] }
  - { on: 2025-04-02, type: register, officers: [A, B] }
  - { on: 2025-04-02, type: evidence, officers: [A, B, C] }
",
        ),
        today(),
    );
    // the lead is not a penalty act; C taking evidence is
    assert_eq!(found(&r), vec![("certificate_required", Some(2))]);
    // a recused officer still takes no part, even in a lead
    let recused = run(
        &timeline(
            r"
  - { on: 2025-04-01, type: recusal, officers: [D] }
  - { on: 2025-04-02, type: lead, officers: [D] }
",
        ),
        today(),
    );
    assert_eq!(found(&recused), vec![("officer_recusal", Some(1))]);
}

/// A served and paid fine decision of 300 yuan (events 0–4), then `rest`.
fn fined_once(rest: &str) -> CheckReport {
    run(
        &timeline(&format!(
            "  - {{ on: 2025-03-03, type: register, officers: [A, B] }}\n  - {{ on: 2025-04-01, type: advance_notice, officers: [A, B], proposed: {{ fine: 300 }}, rights: [statement, defence] }}\n  - {{ on: 2025-04-01, type: defence }}\n  - {{ on: 2025-04-10, type: decision, officers: [A, B], outcome: penalty, penalty: {{ fine: 300 }} }}\n  - {{ on: 2025-04-11, type: service, method: direct }}\n{rest}"
        )),
        today(),
    )
}

#[test]
fn one_fine_per_act() {
    let second = fined_once(
        "  - { on: 2025-04-20, type: decision, officers: [A, B], outcome: penalty, penalty: { fine: 300 } }\n",
    );
    assert_eq!(found(&second), vec![("one_fine_per_act", Some(5))]);
    let v = &second.violations[0];
    assert_eq!(v.basis, "《中华人民共和国行政处罚法》第二十九条");
    assert!(v.message.contains("2025年4月10日"), "{}", v.message);
    assert!(v.message.contains("一事不再罚"));
    // a warning as second decision is not a second fine
    assert_eq!(
        found(&fined_once(
            "  - { on: 2025-04-20, type: advance_notice, officers: [A, B], proposed: { warning: true }, rights: [statement, defence] }\n  - { on: 2025-04-20, type: defence }\n  - { on: 2025-04-25, type: decision, officers: [A, B], outcome: penalty, penalty: { warning: true } }\n",
        )),
        vec![]
    );
    // after a summary fine too
    let summary = run(
        &timeline_with(
            "party: { kind: individual, name: 李四 }\nprocedure: summary\nact_date: 2025-03-01",
            "  - { on: 2025-03-03, type: summary_penalty, officers: [A, B], penalty: { fine: 50 } }\n  - { on: 2025-03-04, type: summary_penalty, officers: [A, B], penalty: { fine: 50 } }\n",
        ),
        today(),
    );
    assert_eq!(found(&summary), vec![("one_fine_per_act", Some(1))]);
}

#[test]
fn a_revoked_fine_allows_a_new_one_and_its_deadlines_end() {
    let renewed = fined_once(
        r"  - { on: 2025-04-15, type: revocation, ground: 原决定适用依据错误，经负责人批准撤销 }
  - { on: 2025-04-16, type: advance_notice, officers: [A, B], proposed: { fine: 200 }, rights: [statement, defence] }
  - { on: 2025-04-16, type: defence }
  - { on: 2025-04-22, type: decision, officers: [A, B], outcome: penalty, penalty: { fine: 200 } }
",
    );
    assert_eq!(found(&renewed), vec![]);
    // the payment deadline of the revoked decision is gone; the new decision's service is due
    let payment: Vec<_> = renewed
        .deadlines
        .iter()
        .filter(|x| x.rule == "payment_deadline_15d")
        .collect();
    assert!(payment.is_empty(), "{payment:?}");
    let service: Vec<_> = renewed
        .deadlines
        .iter()
        .filter(|x| x.rule == "service_deadline")
        .collect();
    assert_eq!(service.len(), 2);
    assert_eq!(service[1].from_event, Some(8));
    assert_eq!(service[1].status, DeadlineStatus::Overdue);
    // revoking by date: the decision of that day
    let by_date = fined_once(
        "  - { on: 2025-04-15, type: revocation, ground: 依法撤销, decision_on: 2025-04-10 }\n  - { on: 2025-04-22, type: decision, officers: [A, B], outcome: penalty, penalty: { fine: 300 } }\n",
    );
    assert_eq!(found(&by_date), vec![]);
    // a cash payment after the revocation has no fine to collect
    let cash = fined_once(
        "  - { on: 2025-04-15, type: revocation, ground: 依法撤销 }\n  - { on: 2025-04-16, type: payment, amount: 300, method: on_spot, remote: true }\n",
    );
    assert_eq!(found(&cash), vec![("onsite_fine_collection", Some(6))]);
}

#[test]
fn a_revocation_needs_a_ground_and_a_decision_to_revoke() {
    let parse = |events: &str| {
        Timeline::from_yaml(&format!("{INDIVIDUAL}\n{OFFICERS}events:\n{events}"))
            .map(|_| ())
            .map_err(|e| (e.code(), e.to_string()))
    };
    let decision =
        "  - { on: 2025-03-03, type: summary_penalty, officers: [A, B], penalty: { fine: 50 } }\n";
    assert_eq!(
        parse(&format!(
            "{decision}  - {{ on: 2025-03-04, type: revocation }}\n"
        ))
        .map_err(|e| e.0),
        Err("missing_field")
    );
    assert_eq!(
        parse(&format!(
            "{decision}  - {{ on: 2025-03-04, type: revocation, ground: \"  \" }}\n"
        ))
        .map_err(|e| e.0),
        Err("missing_field")
    );
    let none = parse("  - { on: 2025-03-04, type: revocation, ground: 依法撤销 }\n").unwrap_err();
    assert_eq!(none.0, "invalid_value");
    assert!(none.1.contains("没有尚未撤销的行政处罚决定"), "{}", none.1);
    let wrong_day = parse(&format!(
        "{decision}  - {{ on: 2025-03-04, type: revocation, ground: 依法撤销, decision_on: 2025-03-02 }}\n"
    ))
    .unwrap_err();
    assert!(wrong_day.1.contains("2025年3月2日"), "{}", wrong_day.1);
    // twice the same decision: the second revocation finds nothing left
    let twice = parse(&format!(
        "{decision}  - {{ on: 2025-03-04, type: revocation, ground: 依法撤销 }}\n  - {{ on: 2025-03-05, type: revocation, ground: 依法撤销 }}\n"
    ));
    assert_eq!(twice.map_err(|e| e.0), Err("invalid_value"));
    assert_eq!(
        parse(&format!(
            "{decision}  - {{ on: 2025-03-04, type: revocation, ground: 依法撤销, decision_on: 2025-03-03 }}\n"
        )),
        Ok(())
    );
}

#[test]
fn cash_on_the_spot_must_match_a_fine_decided_before_it() {
    // 第六十八条第二项: a summary fine above 100 yuan that would be hard to collect later
    assert_eq!(
        found(&summary_paid(
            "150",
            "method: on_spot, hard_to_collect_later: true"
        )),
        vec![]
    );
    // more than the fine
    let more = run(
        &timeline_with(
            "party: { kind: individual, name: 李四 }\nprocedure: summary\nact_date: 2025-03-01",
            "  - { on: 2025-03-03, type: summary_penalty, officers: [A, B], penalty: { fine: 50 } }\n  - { on: 2025-03-03, type: payment, amount: 80, method: on_spot }\n",
        ),
        today(),
    );
    assert_eq!(found(&more), vec![("onsite_fine_collection", Some(1))]);
    assert!(
        more.violations[0]
            .message
            .contains("收缴80元超过决定的罚款50元"),
        "{}",
        more.violations[0].message
    );
    // more than what is still unpaid after a first bank payment
    let rest = run(
        &timeline_with(
            "party: { kind: individual, name: 李四 }\nprocedure: summary\nact_date: 2025-03-01",
            "  - { on: 2025-03-03, type: summary_penalty, officers: [A, B], penalty: { fine: 100 } }\n  - { on: 2025-03-04, type: payment, amount: 60, method: bank }\n  - { on: 2025-03-05, type: payment, amount: 60, method: on_spot }\n",
        ),
        today(),
    );
    assert_eq!(found(&rest), vec![("onsite_fine_collection", Some(2))]);
    // no fine decided: a warning
    let warning = run(
        &timeline_with(
            "party: { kind: individual, name: 李四 }\nprocedure: summary\nact_date: 2025-03-01",
            "  - { on: 2025-03-03, type: summary_penalty, officers: [A, B], penalty: { warning: true } }\n  - { on: 2025-03-03, type: payment, amount: 50, method: on_spot }\n",
        ),
        today(),
    );
    assert_eq!(found(&warning), vec![("onsite_fine_collection", Some(1))]);
    // 第六十八条第二项 is for on-the-spot decisions only
    let ordinary = run(
        &timeline(&format!(
            "{LAWFUL_PREFIX}  - {{ on: 2025-04-28, type: service, method: direct }}\n  - {{ on: 2025-04-28, type: payment, amount: 500, method: on_spot, hard_to_collect_later: true }}\n"
        )),
        today(),
    );
    assert_eq!(found(&ordinary), vec![("onsite_fine_collection", Some(4))]);
    assert!(
        ordinary.violations[0]
            .message
            .contains("只适用于当场作出的处罚决定")
    );
    // the field belongs to cash collected on the spot
    let err = Timeline::from_yaml(&format!(
        "{INDIVIDUAL}\n{OFFICERS}events:\n  - {{ on: 2025-03-03, type: payment, amount: 50, method: bank, hard_to_collect_later: true }}\n"
    ))
    .unwrap_err();
    assert_eq!(err.code(), "invalid_value");
}

#[test]
fn postal_service_is_in_time_when_posted_within_the_period() {
    // Decision Fri 2025-04-25; 7th working day = Thu 05-08. Received later in each case.
    let posted = |day: &str| {
        decided_then_served(&format!(
            "  - {{ on: 2025-05-12, type: service, method: postal, posted_on: {day} }}\n"
        ))
    };
    // the day before and the day of the deadline: in time, although received after it
    for day in ["2025-05-07", "2025-05-08"] {
        let r = posted(day);
        assert_eq!(found(&r), vec![], "{day}");
        let x = deadline(&r, RuleId::ServiceDeadline);
        assert_eq!(
            (x.due, x.status),
            (d(2025, 5, 8), DeadlineStatus::Met),
            "{day}"
        );
    }
    // the day after: late
    let late = posted("2025-05-09");
    assert_eq!(found(&late), vec![("service_deadline", Some(3))]);
    assert!(
        late.violations[0]
            .message
            .contains("2025年5月9日才交邮寄送达"),
        "{}",
        late.violations[0].message
    );
    assert_eq!(
        late.violations[0].basis,
        "《中华人民共和国行政处罚法》第六十一条；《中华人民共和国民事诉讼法》第八十五条"
    );
    assert_eq!(
        deadline(&late, RuleId::ServiceDeadline).status,
        DeadlineStatus::Missed
    );
    // without the posting date, the receipt date is judged
    assert_eq!(
        found(&decided_then_served(
            "  - { on: 2025-05-12, type: service, method: postal }\n"
        )),
        vec![("service_deadline", Some(3))]
    );
    // the payment period runs from receipt (Tue 05-12 + 15 = Tue 05-27)
    assert_eq!(
        deadline(&posted("2025-05-08"), RuleId::PaymentDeadline15d).due,
        d(2025, 5, 27)
    );
    // posting date only for postal service, never after receipt
    for bad in [
        "  - { on: 2025-05-12, type: service, method: direct, posted_on: 2025-05-08 }\n",
        "  - { on: 2025-05-12, type: service, method: postal, posted_on: 2025-05-13 }\n",
    ] {
        let err =
            Timeline::from_yaml(&format!("{INDIVIDUAL}\n{OFFICERS}events:\n{bad}")).unwrap_err();
        assert_eq!(err.code(), "invalid_value", "{bad}");
    }
}

// ---- issue 10 part B ----------------------------------------------------------------------------

/// `d + n` days.
fn plus(day: NaiveDate, n: i64) -> NaiveDate {
    day + chrono::Duration::days(n)
}

#[test]
fn limitation_ends_at_the_first_investigation_act_not_at_registration() {
    // Act 2023-03-03: the period runs to 2025-03-03. An inspection (evidence) before the
    // registration is the discovery.
    let header =
        "party: { kind: individual, name: 张三 }\nprocedure: ordinary\nact_date: 2023-03-03";
    for (first, flagged) in [
        ("2025-03-02", false),
        ("2025-03-03", false),
        ("2025-03-04", true),
    ] {
        for kind in [
            "evidence, officers: [A, B]",
            "preservation, officers: [A, B]",
            "coercive_measure, officers: [A, B], until: 2025-03-20, approved: true, record: true",
            "lead",
        ] {
            let t = timeline_with(
                header,
                &format!(
                    "  - {{ on: {first}, type: {kind} }}\n  - {{ on: 2025-03-10, type: register, officers: [A, B] }}\n"
                ),
            );
            let r = run(&t, today());
            let want = if flagged {
                vec![("limitation_period", Some(0))]
            } else {
                vec![]
            };
            let got: Vec<_> = found(&r)
                .into_iter()
                .filter(|(rule, _)| *rule == "limitation_period")
                .collect();
            assert_eq!(got, want, "{first} {kind}");
            if flagged {
                let v = of(&r, RuleId::LimitationPeriod)[0];
                assert!(v.message.contains("发现违法行为之日"), "{}", v.message);
            }
        }
    }
}

/// A registration on Mon 2025-01-06 and the events `rest` after it.
fn registered(rest: &str) -> Timeline {
    timeline(&format!(
        "  - {{ on: 2025-01-06, type: register, officers: [A, B] }}\n{rest}"
    ))
}

/// A penalty decision on `on`, after a notice and the party's statement on 2025-03-25.
fn decided_on(on: NaiveDate) -> String {
    format!(
        "  - {{ on: 2025-03-25, type: advance_notice, officers: [A, B], proposed: {{ fine: 500 }}, rights: [statement, defence] }}\n  - {{ on: 2025-03-25, type: defence }}\n  - {{ on: {on}, type: decision, officers: [A, B], outcome: penalty, penalty: {{ fine: 500 }} }}\n"
    )
}

fn late_decision(r: &CheckReport) -> bool {
    !of(r, RuleId::DecisionDeadline90d).is_empty()
}

#[test]
fn an_extension_needs_the_bureaus_rule_and_moves_the_due_date_within_the_cap() {
    let base_due = deadline(&run(&registered(""), today()), RuleId::DecisionDeadline90d).due;
    // 2025-01-06 + 90 days = Sun 04-06, rolled over the Qingming holiday to Mon 04-07.
    assert_eq!(base_due, d(2025, 4, 7));
    let ext =
        "  - { on: 2025-03-20, type: extension, approver: 王局长, reason: 案情复杂, days: 30 }\n";
    // Off by default: the extension is refused, citing the statute, and moves nothing.
    let off = run(&registered(ext), today());
    assert_eq!(found(&off), vec![("decision_deadline_90d", Some(1))]);
    assert_eq!(
        off.violations[0].basis,
        "《中华人民共和国行政处罚法》第六十条"
    );
    assert!(
        off.violations[0].message.contains("本局规则未规定"),
        "{}",
        off.violations[0].message
    );
    assert_eq!(deadline(&off, RuleId::DecisionDeadline90d).due, base_due);
    // Allowed: 2025-01-06 + 120 days = Tue 05-06 (after the May Day holiday).
    let on = RulesConfig {
        decision_extension_allowed: true,
        ..RulesConfig::default()
    };
    let r = run_with(&registered(ext), today(), &on, None);
    assert_eq!(found(&r), vec![]);
    let due = deadline(&r, RuleId::DecisionDeadline90d).due;
    assert_eq!(due, d(2025, 5, 6));
    for (day, late) in [(plus(due, -1), false), (due, false), (plus(due, 1), true)] {
        let r = run_with(
            &registered(&format!("{ext}{}", decided_on(day))),
            today(),
            &on,
            None,
        );
        assert_eq!(late_decision(&r), late, "{day}");
        if late {
            let v = of(&r, RuleId::DecisionDeadline90d)[0];
            assert!(v.message.contains("经批准延长30日"), "{}", v.message);
        }
    }
    // Over the cap (30 days in all), cited as the bureau's rule.
    let r = run_with(
        &registered(&format!(
            "{ext}  - {{ on: 2025-04-01, type: extension, approver: 王局长, reason: 仍需鉴定, days: 1 }}\n"
        )),
        today(),
        &on,
        None,
    );
    assert_eq!(found(&r), vec![("decision_deadline_90d", Some(2))]);
    assert!(
        r.violations[0].basis.contains("（本局规定）"),
        "{}",
        r.violations[0].basis
    );
    assert!(
        r.violations[0].message.starts_with("按本局规定"),
        "{}",
        r.violations[0].message
    );
    assert_eq!(deadline(&r, RuleId::DecisionDeadline90d).due, d(2025, 5, 6));
    // Approved on the last day of the period: allowed; the day after: too late.
    for (day, refused) in [(base_due, false), (plus(base_due, 1), true)] {
        let r = run_with(
            &registered(&format!(
                "  - {{ on: {day}, type: extension, approver: 王局长, reason: 案情复杂, days: 10 }}\n"
            )),
            today(),
            &on,
            None,
        );
        assert_eq!(!r.violations.is_empty(), refused, "{day}");
    }
    // A missing approver or reason, or zero days, is an input error.
    for fields in [
        "reason: 复杂, days: 3",
        "approver: 王局长, days: 3",
        "approver: 王局长, reason: 复杂, days: 0",
    ] {
        let text = format!(
            "{INDIVIDUAL}\n{OFFICERS}events:\n  - {{ on: 2025-03-03, type: extension, {fields} }}\n"
        );
        assert!(Timeline::from_yaml(&text).is_err(), "{fields}");
    }
}

#[test]
fn excluded_periods_are_not_counted_where_the_bureaus_rules_exclude_them() {
    // Testing 03-01..=03-10 (10 days) and an expert opinion 03-06..=03-15 overlapping it by
    // five days: 15 days not counted; 2025-01-06 + 105 days = Mon 04-21.
    let periods = "  - { on: 2025-03-10, type: suspension, kind: testing, from: 2025-03-01, until: 2025-03-10 }\n  - { on: 2025-03-20, type: suspension, kind: expert_opinion, from: 2025-03-06, until: 2025-03-15 }\n";
    let off = run(&registered(periods), today());
    assert_eq!(
        found(&off),
        vec![
            ("decision_deadline_90d", Some(1)),
            ("decision_deadline_90d", Some(2))
        ]
    );
    assert!(
        off.violations[0].message.contains("检测、检验"),
        "{}",
        off.violations[0].message
    );
    assert_eq!(
        deadline(&off, RuleId::DecisionDeadline90d).due,
        d(2025, 4, 7)
    );
    let on = RulesConfig {
        decision_period_exclusions: true,
        ..RulesConfig::default()
    };
    let r = run_with(&registered(periods), today(), &on, None);
    assert_eq!(found(&r), vec![]);
    let due = deadline(&r, RuleId::DecisionDeadline90d).due;
    assert_eq!(due, d(2025, 4, 21));
    for (day, late) in [(plus(due, -1), false), (due, false), (plus(due, 1), true)] {
        let r = run_with(
            &registered(&format!("{periods}{}", decided_on(day))),
            today(),
            &on,
            None,
        );
        assert_eq!(late_decision(&r), late, "{day}");
        if late {
            let v = of(&r, RuleId::DecisionDeadline90d)[0];
            assert!(
                v.message.contains("另有15日不计入办案期限"),
                "{}",
                v.message
            );
        }
    }
    // A period after the 90 days had run out does not revive them; days before the
    // registration do not count.
    let after = "  - { on: 2025-05-10, type: suspension, kind: public_notice, from: 2025-04-10, until: 2025-05-10 }\n";
    let r = run_with(&registered(after), today(), &on, None);
    assert_eq!(deadline(&r, RuleId::DecisionDeadline90d).due, d(2025, 4, 7));
    let before = "  - { on: 2025-01-10, type: suspension, kind: hearing, from: 2025-01-01, until: 2025-01-07 }\n";
    let r = run_with(&registered(before), today(), &on, None);
    // Only 01-07 lies after the registration: 91 days, Mon 04-07 still (04-07 is the roll).
    assert_eq!(deadline(&r, RuleId::DecisionDeadline90d).due, d(2025, 4, 7));
    // The end not after the recording day, the start not after the end.
    for fields in [
        "from: 2025-03-01, until: 2025-03-11",
        "from: 2025-03-05, until: 2025-03-04",
    ] {
        let text = format!(
            "{INDIVIDUAL}\n{OFFICERS}events:\n  - {{ on: 2025-03-10, type: suspension, kind: testing, {fields} }}\n"
        );
        assert_eq!(
            Timeline::from_yaml(&text).unwrap_err().code(),
            "invalid_value",
            "{fields}"
        );
    }
}

#[test]
fn a_registration_revoked_in_time_does_not_leave_the_decision_period_overdue() {
    let revoked = |on: NaiveDate| {
        registered(&format!(
            "  - {{ on: {on}, type: close, reason: registration_revoked, ground: 违法事实不能成立 }}\n"
        ))
    };
    for (day, met) in [
        (d(2025, 4, 6), Some(true)),
        (d(2025, 4, 7), Some(true)),
        (d(2025, 4, 8), Some(false)),
    ] {
        let r = run(&revoked(day), today());
        assert_eq!(found(&r), vec![], "{day}");
        let x = deadline(&r, RuleId::DecisionDeadline90d);
        assert_eq!(x.met, met, "{day}");
        assert_ne!(x.status, DeadlineStatus::Overdue);
    }
    // Still open: overdue after the due date, as before.
    let open = run(&registered(""), today());
    assert_eq!(
        deadline(&open, RuleId::DecisionDeadline90d).status,
        DeadlineStatus::Overdue
    );
    // A transfer and a no-penalty decision meet it by the decision.
    for outcome in ["transfer", "no_penalty"] {
        let r = run(
            &registered(&format!(
                "  - {{ on: 2025-02-03, type: decision, officers: [A, B], outcome: {outcome} }}\n  - {{ on: 2025-02-04, type: close, reason: {outcome} }}\n"
            )),
            today(),
        );
        assert_eq!(deadline(&r, RuleId::DecisionDeadline90d).met, Some(true));
    }
}

#[test]
fn the_court_application_wait_is_read_in_working_or_calendar_days() {
    // Demand Mon 2025-09-01: the 10th working day is Mon 09-15; 10 calendar days end Thu 09-11.
    let apply = |on: &str| {
        unpaid_fine(&format!(
            "  - {{ on: 2025-09-01, type: demand }}\n  - {{ on: {on}, type: court_enforcement_application }}\n"
        ))
    };
    let calendar_days = RulesConfig {
        demand_wait_unit: DayUnit::CalendarDays,
        ..RulesConfig::default()
    };
    for (on, working_ok, calendar_ok) in [
        ("2025-09-10", false, false),
        ("2025-09-11", false, true),
        ("2025-09-12", false, true),
        ("2025-09-14", false, true),
        ("2025-09-15", true, true),
        ("2025-09-16", true, true),
    ] {
        let w = run(&apply(on), today());
        assert_eq!(
            w.violations.is_empty(),
            working_ok,
            "working {on}: {:?}",
            w.violations
        );
        let c = run_with(&apply(on), today(), &calendar_days, None);
        assert_eq!(
            c.violations.is_empty(),
            calendar_ok,
            "calendar {on}: {:?}",
            c.violations
        );
        if !working_ok {
            assert!(
                w.violations[0]
                    .message
                    .contains("10个工作日（2025年9月15日）"),
                "{}",
                w.violations[0].message
            );
        }
        if !calendar_ok {
            assert!(
                c.violations[0].message.contains("10日（2025年9月11日）"),
                "{}",
                c.violations[0].message
            );
        }
    }
}

/// A 1,000-yuan fine served Mon 2025-02-10 and paid, an announcement Mon 03-03 with a deadline of
/// Mon 03-17 (remedy periods end Wed 2025-09-03), then `rest`.
fn demolition_case(rest: &str) -> CheckReport {
    run(
        &timeline(&format!(
            "  - {{ on: 2025-01-06, type: register, officers: [A, B] }}\n  - {{ on: 2025-01-20, type: advance_notice, officers: [A, B], proposed: {{ fine: 1000 }}, rights: [statement, defence] }}\n  - {{ on: 2025-02-10, type: decision, officers: [A, B], outcome: penalty, penalty: {{ fine: 1000 }} }}\n  - {{ on: 2025-02-10, type: service, method: direct }}\n  - {{ on: 2025-03-03, type: demolition_announcement, officers: [A, B], deadline: 2025-03-17 }}\n{rest}"
        )),
        today(),
    )
}

#[test]
fn forced_demolition_needs_the_demand_the_enforcement_decision_and_its_service() {
    let demand = "  - { on: 2025-09-04, type: demand, deadline: 2025-09-11 }\n";
    let decision = |on: &str| format!("  - {{ on: {on}, type: enforcement_decision }}\n");
    let served = |on: &str| format!("  - {{ on: {on}, type: service, method: direct }}\n");
    let demolish =
        |on: &str| format!("  - {{ on: {on}, type: forced_demolition, officers: [A, B] }}\n");
    // The whole chain: clean.
    let ok = demolition_case(&format!(
        "{demand}  - {{ on: 2025-09-08, type: defence }}\n{}{}{}",
        decision("2025-09-12"),
        served("2025-09-12"),
        demolish("2025-09-15")
    ));
    assert_eq!(found(&ok), vec![]);
    // The decision the day before, the day of and the day after the demand's deadline.
    for (on, flagged) in [
        ("2025-09-10", true),
        ("2025-09-11", true),
        ("2025-09-12", false),
    ] {
        let r = demolition_case(&format!("{demand}{}", decision(on)));
        let want = if flagged {
            vec![("demand_before_enforcement", Some(6))]
        } else {
            vec![]
        };
        assert_eq!(found(&r), want, "{on}");
        if flagged {
            assert_eq!(
                r.violations[0].basis,
                "《中华人民共和国行政强制法》第三十五条、第三十六条、第三十七条、第三十八条"
            );
            assert!(
                r.violations[0].message.contains("2025年9月11日"),
                "{}",
                r.violations[0].message
            );
        }
    }
    // No demand at all: both the decision and the demolition are refused.
    let r = demolition_case(&format!(
        "{}{}{}",
        decision("2025-09-12"),
        served("2025-09-12"),
        demolish("2025-09-15")
    ));
    assert_eq!(
        found(&r),
        vec![
            ("demand_before_enforcement", Some(5)),
            ("demand_before_enforcement", Some(7))
        ]
    );
    // A demand stating no deadline.
    let r = demolition_case(&format!(
        "  - {{ on: 2025-09-04, type: demand }}\n{}",
        decision("2025-09-12")
    ));
    assert_eq!(found(&r), vec![("demand_before_enforcement", Some(6))]);
    assert!(
        r.violations[0].message.contains("未载明"),
        "{}",
        r.violations[0].message
    );
    // No enforcement decision; a decision not served.
    let r = demolition_case(&format!("{demand}{}", demolish("2025-09-15")));
    assert_eq!(found(&r), vec![("demand_before_enforcement", Some(6))]);
    assert!(
        r.violations[0].message.contains("强制执行决定"),
        "{}",
        r.violations[0].message
    );
    let r = demolition_case(&format!(
        "{demand}{}{}",
        decision("2025-09-12"),
        demolish("2025-09-15")
    ));
    assert_eq!(found(&r), vec![("demand_before_enforcement", Some(7))]);
    assert!(
        r.violations[0].message.contains("送达"),
        "{}",
        r.violations[0].message
    );
}

#[test]
fn no_forced_demolition_while_a_reconsideration_or_lawsuit_is_pending() {
    let chain = "  - { on: 2025-09-04, type: demand, deadline: 2025-09-11 }\n  - { on: 2025-09-12, type: enforcement_decision }\n  - { on: 2025-09-12, type: service, method: direct }\n";
    let r = demolition_case(&format!(
        "  - {{ on: 2025-06-02, type: lawsuit }}\n{chain}  - {{ on: 2025-09-15, type: forced_demolition, officers: [A, B] }}\n"
    ));
    assert_eq!(found(&r), vec![("illegal_building_demolition", Some(9))]);
    assert!(
        r.violations[0]
            .message
            .contains("2025年6月2日提起的行政诉讼尚未终结"),
        "{}",
        r.violations[0].message
    );
    // Ended (the judgment took effect) before the demolition: allowed.
    for (ended, flagged) in [
        ("2025-09-16", true),
        ("2025-09-15", false),
        ("2025-09-14", false),
    ] {
        let (before, after) = if ended == "2025-09-16" {
            (
                String::new(),
                format!("  - {{ on: {ended}, type: lawsuit, ended: true }}\n"),
            )
        } else {
            (
                format!("  - {{ on: {ended}, type: lawsuit, ended: true }}\n"),
                String::new(),
            )
        };
        let r = demolition_case(&format!(
            "  - {{ on: 2025-06-02, type: lawsuit }}\n{chain}{before}  - {{ on: 2025-09-15, type: forced_demolition, officers: [A, B] }}\n{after}"
        ));
        assert_eq!(
            !of(&r, RuleId::IllegalBuildingDemolition).is_empty(),
            flagged,
            "{ended}"
        );
    }
    // A reconsideration too; ending one that was never filed is an input error.
    let r = demolition_case(&format!(
        "  - {{ on: 2025-04-01, type: reconsideration }}\n{chain}  - {{ on: 2025-09-15, type: forced_demolition, officers: [A, B] }}\n"
    ));
    assert!(
        r.violations[0].message.contains("申请的行政复议尚未终结"),
        "{}",
        r.violations[0].message
    );
    let text = format!(
        "{INDIVIDUAL}\n{OFFICERS}events:\n  - {{ on: 2025-03-10, type: reconsideration, ended: true }}\n"
    );
    assert_eq!(
        Timeline::from_yaml(&text).unwrap_err().code(),
        "invalid_value"
    );
}

// ---- issue 10 parts A and B together ----------------------------------------------------------

#[test]
fn a_revocation_voids_the_demand_and_the_enforcement_decision_of_the_revoked_decision() {
    let revoke =
        "  - { on: 2025-09-13, type: revocation, ground: 原决定认定事实不清，经负责人批准撤销 }\n";
    // The enforcement decision not yet served: the service after the revocation serves the
    // revocation, not that enforcement decision.
    let unserved = demolition_case(&format!(
        "  - {{ on: 2025-09-04, type: demand, deadline: 2025-09-11 }}\n  - {{ on: 2025-09-12, type: enforcement_decision }}\n{revoke}  - {{ on: 2025-09-13, type: service, method: direct }}\n  - {{ on: 2025-09-15, type: forced_demolition, officers: [A, B] }}\n"
    ));
    assert_eq!(
        found(&unserved),
        vec![("demand_before_enforcement", Some(9))]
    );
    assert!(
        unserved.violations[0].message.contains("书面催告"),
        "{}",
        unserved.violations[0].message
    );
    // Served before the revocation: it fell with the revoked decision all the same.
    let served = demolition_case(&format!(
        "  - {{ on: 2025-09-04, type: demand, deadline: 2025-09-11 }}\n  - {{ on: 2025-09-12, type: enforcement_decision }}\n  - {{ on: 2025-09-12, type: service, method: direct }}\n{revoke}  - {{ on: 2025-09-15, type: forced_demolition, officers: [A, B] }}\n"
    ));
    assert_eq!(found(&served), vec![("demand_before_enforcement", Some(9))]);
    // Without the revocation the same chain is clean.
    let kept = demolition_case(
        "  - { on: 2025-09-04, type: demand, deadline: 2025-09-11 }\n  - { on: 2025-09-12, type: enforcement_decision }\n  - { on: 2025-09-12, type: service, method: direct }\n  - { on: 2025-09-15, type: forced_demolition, officers: [A, B] }\n",
    );
    assert_eq!(found(&kept), vec![]);
}

#[test]
fn closing_by_registration_revoked_after_a_revoked_decision_keeps_the_decision_date() {
    // Decided on 2025-04-10 within the 90 days, revoked, the case closed by 撤销立案 long after
    // the due date: the period was met by the decision, not by the closing.
    let r = fined_once(
        "  - { on: 2025-04-15, type: revocation, ground: 依法撤销 }\n  - { on: 2025-09-01, type: close, reason: registration_revoked, ground: 违法事实不能成立 }\n",
    );
    assert!(
        of(&r, RuleId::DecisionDeadline90d).is_empty(),
        "{:?}",
        found(&r)
    );
    let x = deadline(&r, RuleId::DecisionDeadline90d);
    assert_eq!(x.met, Some(true));
    assert_eq!(x.status, DeadlineStatus::Met);
}

// ---- issue 13: the case record's elements at the notice and the decision ---------------------

/// A record with everything the notice and the decision print.
const FULL_RECORD: &str = r#"record:
  party: { kind: individual, id_type: resident_id_card, id_no: "11010519491231002X", address: 许昌市某路1号 }
  facts: 当事人在人行道上占道经营。
  discretion_reason: 初次违法，按一般情形处理。
  evidence:
    - { kind: inspection_record, description: 现场检查笔录, source: 执法人员制作, date: 2025-03-05 }
"#;

fn with_record(record: &str) -> Timeline {
    timeline_with(&format!("{INDIVIDUAL}\n{record}"), LAWFUL_HEARING_CASE)
}

#[test]
fn a_complete_record_passes_the_notice_and_the_decision() {
    let r = run(&with_record(FULL_RECORD), today());
    assert_eq!(found(&r), vec![]);
}

#[test]
fn no_record_means_nothing_is_judged_about_it() {
    let t = timeline(LAWFUL_HEARING_CASE);
    assert!(t.record.is_none());
    assert_eq!(found(&run(&t, today())), vec![]);
}

#[test]
fn a_notice_without_facts_or_reasons_is_a_violation() {
    let record = FULL_RECORD
        .lines()
        .filter(|l| !l.contains("facts:") && !l.contains("discretion_reason:"))
        .collect::<Vec<_>>()
        .join("\n");
    let r = run(&with_record(&record), today());
    let v = of(&r, RuleId::PreDecisionNotice);
    assert_eq!(v.len(), 1, "{:?}", r.violations);
    assert_eq!(v[0].event, Some(2));
    assert_eq!(v[0].basis, "《中华人民共和国行政处罚法》第四十四条");
    assert!(
        v[0].message.contains("违法事实、裁量理由"),
        "{}",
        v[0].message
    );
    // the decision lacks the facts too
    let d = of(&r, RuleId::DecisionDocumentContents);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].event, Some(8));
    assert!(d[0].message.contains("违法事实"), "{}", d[0].message);
    assert!(!d[0].message.contains("证据目录"), "{}", d[0].message);
}

#[test]
fn a_decision_without_identity_or_evidence_is_a_violation() {
    let record = "record:\n  facts: 当事人在人行道上占道经营。\n  discretion_reason: 初次违法。";
    let r = run(&with_record(record), today());
    assert_eq!(
        found(&r),
        vec![("decision_document_contents", Some(8))],
        "{:?}",
        r.violations
    );
    let v = &r.violations[0];
    assert_eq!(v.basis, "《中华人民共和国行政处罚法》第五十九条");
    assert!(
        v.message.contains("当事人身份信息") && v.message.contains("证据目录"),
        "{}",
        v.message
    );
}

#[test]
fn a_no_penalty_or_summary_decision_is_not_judged_on_the_record() {
    let header = format!("{INDIVIDUAL}\nrecord:\n  facts: 某");
    let t = timeline_with(
        &header,
        r"
  - { on: 2025-03-03, type: register, officers: [A, B] }
  - { on: 2025-03-05, type: evidence, officers: [A, B] }
  - { on: 2025-03-10, type: decision, officers: [A, B], outcome: no_penalty }
",
    );
    assert_eq!(
        of(&run(&t, today()), RuleId::DecisionDocumentContents).len(),
        0
    );
    let summary = "party: { kind: individual, name: 张三 }\nprocedure: summary\nact_date: 2025-02-20\nrecord:\n  facts: 某";
    let t = timeline_with(
        summary,
        "  - { on: 2025-03-03, type: decision, officers: [A, B], outcome: penalty, penalty: { fine: 50 } }\n",
    );
    assert_eq!(
        of(&run(&t, today()), RuleId::DecisionDocumentContents).len(),
        0
    );
}

#[test]
fn a_bad_record_is_an_error_naming_the_field() {
    let bad = FULL_RECORD.replace("11010519491231002X", "110105194912310021");
    let text = format!("{INDIVIDUAL}\n{bad}\n{OFFICERS}events:\n{LAWFUL_HEARING_CASE}");
    let e = Timeline::from_yaml(&text).unwrap_err();
    assert_eq!(e.code(), "invalid_record");
    assert!(e.to_string().contains("record.party.id_no"), "{e}");
    let org = format!("{ORGANISATION}\n{FULL_RECORD}\n{OFFICERS}events:\n{LAWFUL_HEARING_CASE}");
    let e = Timeline::from_yaml(&org).unwrap_err();
    assert!(e.to_string().contains("record.party.kind"), "{e}");
}
