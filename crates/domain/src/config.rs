//! Every number the rule engine uses, with its legal source (`RulesConfig`).
//!
//! Defaults are national law (行政处罚法 2021, 行政强制法, 民事诉讼法, 行诉解释) plus Henan
//! (河南省行政处罚听证办法, 省政府令第204号). Lower-level rules may override national defaults
//! ("法律、法规、规章另有规定的，从其规定"), so a deployment loads its own values from TOML
//! (`data/rules/henan.toml` holds the defaults with their sources). Rules marked [U] or [L] in
//! `legal-rules.md` are switches here.

use fazhi_calendar::RestDays;
use serde::{Deserialize, Serialize};

use crate::timeline::{PartyKind, Yuan};

/// The numbers and switches of the penalty-case rules. Field names are the keys of the TOML file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RulesConfig {
    /// Working days after the advance notice within which the party may request a hearing.
    /// 行政处罚法第六十四条第一项、第八十五条 (five days, counted as working days). [P]
    pub hearing_request_working_days: u32,
    /// The hearing notice must reach the party at least this many working days before the
    /// hearing. 行政处罚法第六十四条第二项、第八十五条. [P]
    pub hearing_notice_working_days: u32,
    /// Working days after the decision within which it must be served when the party was absent.
    /// 行政处罚法第六十一条、第八十五条. [P]
    pub service_working_days: u32,
    /// Working days after the advance notice (事先告知书) during which the party may state and
    /// defend; the decision waits until they have passed unless the party has stated and
    /// defended (or been heard) or waived in writing. 行政处罚法第四十四条、第四十五条、第六十二条
    /// give the right but no number: the period is the one the bureau's 行政处罚事先告知书 template
    /// states (commonly 5 working days). [S]
    pub statement_working_days: u32,
    /// Working days after 先行登记保存 within which the handling decision is due.
    /// 行政处罚法第五十六条、第八十五条. [P]
    pub preservation_decision_working_days: u32,
    /// Days from 立案 within which the decision is due. 行政处罚法第六十条. [P]
    pub decision_days: u32,
    /// Days from receipt of the decision within which the fine is paid. 行政处罚法第六十七条. [P]
    pub payment_days: u32,
    /// Days after a public notice (公告送达) at which service takes effect.
    /// 民事诉讼法第九十五条. [P]
    pub public_notice_effect_days: u32,
    /// Largest fine an individual may get on the spot (简易程序). 行政处罚法第五十一条. [P]
    pub summary_max_fine_individual: Yuan,
    /// Largest fine an organisation may get on the spot (简易程序). 行政处罚法第五十一条. [P]
    pub summary_max_fine_organisation: Yuan,
    /// Largest fine officers may collect on the spot (当场收缴). 行政处罚法第六十八条第一项. [P]
    pub onsite_collection_max: Yuan,
    /// Working days after an on-the-spot collection within which the officer hands the cash in
    /// to the agency. 行政处罚法第七十一条、第八十五条. [P]
    pub onsite_handin_working_days: u32,
    /// Fine (or confiscated value) from which an individual may request a hearing (较大数额).
    /// 河南省行政处罚听证办法（省政府令第204号）第四条: 5,000 yuan, "以上" includes it. [S]
    pub hearing_fine_individual: Yuan,
    /// Fine (or confiscated value) from which an organisation may request a hearing.
    /// 河南省行政处罚听证办法（省政府令第204号）第四条: 50,000 yuan. [S]
    pub hearing_fine_organisation: Yuan,
    /// Limitation period in years (追责时效). 行政处罚法第三十六条第一款. [P]
    pub limitation_years: u32,
    /// Limitation period in years when life, health or financial safety was endangered and harm
    /// occurred. 行政处罚法第三十六条第一款. [P]
    pub limitation_years_serious: u32,
    /// Late-payment surcharge per day, in percent of the fine (加处罚款); the total may not
    /// exceed the fine. 行政处罚法第七十二条第一项；行政强制法第四十五条. [P]
    pub surcharge_percent_per_day: u32,
    /// Months after the end of the litigation period within which the bureau applies to the
    /// court for enforcement. 行政强制法第五十三条；行诉解释第一百五十六条. [P]
    pub court_application_months: u32,
    /// Months from service within which the party may sue (起诉期限); the court application
    /// waits until it has passed. 行政诉讼法第四十六条；行政强制法第五十三条. [P]
    pub litigation_months: u32,
    /// Working days after the demand (催告) before the court application may be filed.
    /// 行政强制法第五十四条、第六十九条. [P]
    pub demand_wait_working_days: u32,
    /// Days (calendar, rolled) after the officers' report within which the head decides to
    /// transfer a suspected crime. 行政执法机关移送涉嫌犯罪案件的规定第五条. [P]
    pub transfer_decision_days: u32,
    /// Calendar days after the transfer decision by which the case is handed to the police:
    /// "24小时内" read as the same or the next day. 行政执法机关移送涉嫌犯罪案件的规定第五条. [P]
    pub transfer_handover_days: u32,
    /// Calendar days after an emergency coercive measure by which it is reported to the head:
    /// "二十四小时内" read as the same or the next day. 行政强制法第十九条. [P]
    pub urgent_report_days: u32,
    /// Longest seizure or impoundment (查封、扣押) in days. 行政强制法第二十五条. [P]
    pub seizure_days: u32,
    /// Longest extension of a seizure, in days, with approval. 行政强制法第二十五条. [P]
    pub seizure_extension_days: u32,
    /// A pending deadline due within this many working days is reported as `near_due`.
    /// Bureau practice, not law.
    pub near_due_working_days: u32,
    /// Which days count as rest days when the last day of a calendar-day or month period is
    /// rolled forward (民事诉讼法第八十五条). Weekends in practice: [U] in legal-rules.md A2.
    pub rest_days: RestDays,
    /// Require a legal review (法制审核) whenever the decided penalty gives a hearing right
    /// (besides hearings held and major cases). 行政处罚法第五十八条；河南省行政执法条例第二十八条:
    /// local practice. [L]
    pub review_when_hearing_scope: bool,
    /// Require collective deliberation (集体讨论) whenever the decided penalty gives a hearing
    /// right (besides major cases). 行政处罚法第五十七条第二款；河南省行政执法条例第二十八条:
    /// local practice. [L]
    pub deliberation_when_hearing_scope: bool,
    /// Title of the bureau's own list of major enforcement decisions (重大执法决定目录), cited
    /// with "本局规定" by the rules that come from a switch above rather than from a statute
    /// (河南省行政执法条例第二十八条 has each agency define and publish its list). Set by the
    /// bureau. [L]
    pub local_rules_document: String,
    // issue 10 part B
    /// How the ten days of 行政强制法第五十四条 ("催告书送达十日后当事人仍未履行义务的") are
    /// counted before the court application: `working_days` (default: 第六十九条 makes periods
    /// of ten days or less in that law working days, legal-rules.md D7) or `calendar_days`
    /// (ten calendar days, the last day rolled over rest days). [P] for the text; the reading
    /// is the bureau's setting.
    pub demand_wait_unit: DayUnit,
    /// Whether the bureau's rules allow extending the 90-day decision period with the head's
    /// approval (an `extension` event). 行政处罚法第六十条 has no extension ("法律、法规、规章另有
    /// 规定的，从其规定"); sector rules do. The bureau's rule, cited as `local_rules_document`
    /// with 本局规定. Default off. [U]
    pub decision_extension_allowed: bool,
    /// Most days the decision period may be extended in all, when extension is allowed. [U]
    pub decision_extension_max_days: u32,
    /// Whether the bureau's rules exclude from the 90-day decision period the time of a
    /// hearing, a public notice, testing (检测、检验) or an expert opinion (鉴定), each recorded
    /// as a `suspension` event with its first and last day. The bureau's rule (本局规定).
    /// Default off. [U]
    pub decision_period_exclusions: bool,
}

// issue 10 part B
/// How a period written in days is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayUnit {
    /// Working days on the holiday calendar.
    WorkingDays,
    /// Calendar days, the last day rolled forward over rest days (民事诉讼法第八十五条).
    CalendarDays,
}

impl Default for RulesConfig {
    fn default() -> Self {
        RulesConfig {
            hearing_request_working_days: 5,
            hearing_notice_working_days: 7,
            service_working_days: 7,
            statement_working_days: 5,
            preservation_decision_working_days: 7,
            decision_days: 90,
            payment_days: 15,
            public_notice_effect_days: 30,
            summary_max_fine_individual: Yuan::from_yuan(200),
            summary_max_fine_organisation: Yuan::from_yuan(3000),
            onsite_collection_max: Yuan::from_yuan(100),
            onsite_handin_working_days: 2,
            hearing_fine_individual: Yuan::from_yuan(5000),
            hearing_fine_organisation: Yuan::from_yuan(50_000),
            limitation_years: 2,
            limitation_years_serious: 5,
            surcharge_percent_per_day: 3,
            court_application_months: 3,
            litigation_months: 6,
            demand_wait_working_days: 10,
            transfer_decision_days: 3,
            transfer_handover_days: 1,
            urgent_report_days: 1,
            seizure_days: 30,
            seizure_extension_days: 30,
            near_due_working_days: 3,
            rest_days: RestDays::HolidaysAndWeekends,
            review_when_hearing_scope: true,
            deliberation_when_hearing_scope: true,
            local_rules_document: "《重大执法决定法制审核目录清单》".to_owned(),
            // issue 10 part B
            demand_wait_unit: DayUnit::WorkingDays,
            decision_extension_allowed: false,
            decision_extension_max_days: 30,
            decision_period_exclusions: false,
        }
    }
}

/// Why a rules file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("规则配置无效：{0}")]
pub struct ConfigError(String);

impl RulesConfig {
    /// Reads a rules file (TOML); missing keys keep their defaults, unknown keys are errors.
    pub fn from_toml(text: &str) -> Result<RulesConfig, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError(e.to_string()))
    }

    /// The hearing threshold amount (较大数额) for a kind of party.
    pub const fn hearing_fine(&self, party: PartyKind) -> Yuan {
        match party {
            PartyKind::Individual => self.hearing_fine_individual,
            PartyKind::Organisation => self.hearing_fine_organisation,
        }
    }

    /// The largest fine allowed on the spot for a kind of party.
    pub const fn summary_max_fine(&self, party: PartyKind) -> Yuan {
        match party {
            PartyKind::Individual => self.summary_max_fine_individual,
            PartyKind::Organisation => self.summary_max_fine_organisation,
        }
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use super::*;

    #[test]
    fn henan_file_equals_the_defaults() {
        let text = include_str!("../../../data/rules/henan.toml");
        assert_eq!(
            RulesConfig::from_toml(text).unwrap(),
            RulesConfig::default()
        );
    }

    #[test]
    fn partial_file_keeps_defaults_and_unknown_keys_fail() {
        let c =
            RulesConfig::from_toml("decision_days = 60\nrest_days = \"holidays_only\"\n").unwrap();
        assert_eq!(c.decision_days, 60);
        assert_eq!(c.rest_days, RestDays::HolidaysOnly);
        assert_eq!(c.payment_days, 15);
        let err = RulesConfig::from_toml("decision_dayz = 60\n").unwrap_err();
        assert!(err.to_string().starts_with("规则配置无效"), "{err}");
        assert!(RulesConfig::from_toml("hearing_fine_individual = -1\n").is_err());
        let c = RulesConfig::from_toml("local_rules_document = \"《某局重大执法决定目录》\"\n")
            .unwrap();
        assert_eq!(c.local_rules_document, "《某局重大执法决定目录》");
        // issue 10 part B
        let c = RulesConfig::from_toml(
            "demand_wait_unit = \"calendar_days\"\ndecision_extension_allowed = true\n",
        )
        .unwrap();
        assert_eq!(c.demand_wait_unit, DayUnit::CalendarDays);
        assert!(c.decision_extension_allowed);
        assert!(RulesConfig::from_toml("demand_wait_unit = \"weeks\"\n").is_err());
        let c = RulesConfig::from_toml("hearing_fine_individual = 1000.5\n").unwrap();
        assert_eq!(c.hearing_fine_individual, Yuan::from_fen(100_050));
    }
}
