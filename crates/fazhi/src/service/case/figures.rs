//! The case figures of one year, each with the case events behind it: the one place they
//! are counted, for the back office's dashboard and its XLSX export (`service::statistics`).
//!
//! Penalty cases are counted from their stored events (the case-timeline format,
//! docs/case-timeline.md), by the event's date: a case registered in December and decided in
//! January counts as registered in one year and decided in the next. Every list holds the
//! events (one record each) that make up its figure, so a number can always be traced to
//! its cases.

use crate::repo::{case_repo, org_unit_repo};
use crate::service::auth::CurrentUser;
use crate::service::statistics::{Record, RecordKind, check_year, year_start};
use crate::service::{AppState, ServiceError, ServiceResult, catalogue};
use chrono::Datelike;
use fazhi_domain::timeline::{DecisionOutcome, Event, EventKind, Penalty, ReviewResult, Yuan};
use std::collections::BTreeMap;

/// The case events of one year, sorted into the figures of the annual report; each record's
/// `detail` says what it counts for.
#[derive(Debug, Clone, Default)]
pub struct CaseFigures {
    /// Cases opened (立案, or 当场处罚 under the summary procedure).
    pub registered: Vec<Record>,
    /// The same, by procedure (`ordinary`, `summary`).
    pub by_procedure: BTreeMap<String, Vec<Record>>,
    /// The same, by violation code (`""`: none given).
    pub by_violation: BTreeMap<String, Vec<Record>>,
    /// The same, by org unit id.
    pub by_unit: BTreeMap<String, Vec<Record>>,
    /// Penalty decisions, summary penalties included.
    pub penalty: Vec<Record>,
    pub no_penalty: Vec<Record>,
    pub transfer: Vec<Record>,
    /// Fines decided (amounts).
    pub fines_decided: Vec<Record>,
    /// Confiscations decided (values).
    pub confiscation: Vec<Record>,
    pub fines_paid: Vec<Record>,
    pub surcharge_paid: Vec<Record>,
    pub hearing_requests: Vec<Record>,
    pub hearings: Vec<Record>,
    pub reviews: Vec<Record>,
    pub reviews_pass: Vec<Record>,
    pub reviews_fail: Vec<Record>,
    pub deliberations: Vec<Record>,
    pub court: Vec<Record>,
    pub closed: Vec<Record>,
    pub archived: Vec<Record>,
    /// Violation code → name, for the codes of `by_violation` found in the catalogue.
    violation_names: BTreeMap<String, String>,
    /// Org unit id → name, for the units of `by_unit`.
    unit_names: BTreeMap<String, String>,
}

impl CaseFigures {
    /// The name of a violation; the code itself when the catalogue lacks it.
    pub fn violation_name(&self, code: &str) -> String {
        self.violation_names
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_string())
    }

    /// The name of an org unit; the id itself for an unknown one.
    pub fn unit_name(&self, id: &str) -> String {
        self.unit_names
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }
}

fn fen(y: Yuan) -> i64 {
    i64::try_from(y.fen()).unwrap_or(i64::MAX)
}

/// 罚款 50.00元 / 警告 …: the kinds of a decided penalty, in Chinese.
fn penalty_text(p: &Penalty) -> String {
    let mut kinds = Vec::new();
    if p.warning {
        kinds.push("警告".to_string());
    }
    if p.criticism {
        kinds.push("通报批评".to_string());
    }
    if let Some(f) = p.fine {
        kinds.push(format!("罚款{}", yuan_text(fen(f))));
    }
    if let Some(c) = p.confiscation {
        kinds.push(format!("没收（价值{}）", yuan_text(fen(c))));
    }
    for (on, label) in [
        (p.licence_suspension, "暂扣许可证件"),
        (p.qualification_lowering, "降低资质等级"),
        (p.licence_revocation, "吊销许可证件"),
        (p.stop_business, "责令停产停业"),
        (p.closure, "责令关闭"),
        (p.practice_restriction, "限制从业"),
    ] {
        if on {
            kinds.push(label.to_string());
        }
    }
    kinds.join("、")
}

/// 1,234.50元
fn yuan_text(fen: i64) -> String {
    let whole = (fen / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{grouped}.{:02}元", (fen % 100).abs())
}

fn decided_amounts(f: &mut CaseFigures, p: &Penalty, rec: &impl Fn(String, Option<i64>) -> Record) {
    if let Some(fine) = p.fine {
        f.fines_decided.push(rec(
            format!("决定罚款{}", yuan_text(fen(fine))),
            Some(fen(fine)),
        ));
    }
    if let Some(c) = p.confiscation {
        f.confiscation.push(rec(
            format!("决定没收，价值{}", yuan_text(fen(c))),
            Some(fen(c)),
        ));
    }
}

/// The figures of the case events dated in `year` of the cases in `actor`'s scope. The
/// caller has checked that `actor` may read statistics (`Action::ViewStatistics`).
pub async fn figures(
    state: &AppState,
    actor: &CurrentUser,
    year: i32,
) -> ServiceResult<CaseFigures> {
    check_year(year)?;
    let from = year_start(year)?;
    let mut conn = state.db.pool.acquire().await?;
    let catalogue = catalogue::load(&mut conn).await?;
    let units = org_unit_repo::all(&mut conn).await?;
    let cases = case_repo::list(&mut conn, &actor.scope, false, i64::MAX, 0).await?;
    let mut f = CaseFigures::default();
    for case in cases.iter().filter(|c| actor.sees(&c.org_unit_id)) {
        // An event dated in `year` was recorded in `year` or later (no future dates), and
        // every recording moves `updated_at`: older cases have nothing in this year.
        if case.updated_at < from {
            continue;
        }
        let rows = case_repo::events(&mut conn, &case.id).await?;
        let mut opened = false;
        for row in &rows {
            let event: Event = serde_json::from_str(&row.event).map_err(|e| {
                ServiceError::Internal(anyhow::anyhow!(
                    "stored event {} of case {} unreadable: {e}",
                    row.seq,
                    case.id
                ))
            })?;
            let is_opening = matches!(
                event.kind,
                EventKind::Register | EventKind::SummaryPenalty { .. }
            );
            let first_opening = is_opening && !opened;
            opened |= is_opening;
            if event.on.year() != year {
                continue;
            }
            let rec = |detail: String, amount_fen: Option<i64>| Record {
                kind: RecordKind::Case,
                id: case.id.clone(),
                number: case.case_no.clone(),
                subject: case.party_name.clone(),
                date: event.on.to_string(),
                detail,
                amount_fen,
            };
            if first_opening {
                let procedure = if case.procedure == "summary" {
                    "简易程序（当场处罚）"
                } else {
                    "普通程序"
                };
                let violation = match case.violation_code.as_deref() {
                    None => "未指明违法行为".to_string(),
                    Some(code) => match catalogue.get(code) {
                        Some(entry) => {
                            f.violation_names
                                .insert(code.to_string(), entry.name.clone());
                            entry.name.clone()
                        }
                        None => code.to_string(),
                    },
                };
                if let Some(unit) = units.iter().find(|u| u.id == case.org_unit_id) {
                    f.unit_names.insert(unit.id.clone(), unit.name.clone());
                }
                let r = rec(format!("{procedure}立案：{violation}"), None);
                f.registered.push(r.clone());
                f.by_procedure
                    .entry(case.procedure.clone())
                    .or_default()
                    .push(r.clone());
                f.by_violation
                    .entry(case.violation_code.clone().unwrap_or_default())
                    .or_default()
                    .push(r.clone());
                f.by_unit
                    .entry(case.org_unit_id.clone())
                    .or_default()
                    .push(r);
            }
            match &event.kind {
                EventKind::Decision { outcome, .. } => match outcome {
                    DecisionOutcome::Penalty(p) => {
                        f.penalty
                            .push(rec(format!("处罚决定：{}", penalty_text(p)), None));
                        decided_amounts(&mut f, p, &rec);
                    }
                    DecisionOutcome::NoPenalty => {
                        f.no_penalty.push(rec("不予行政处罚".into(), None))
                    }
                    DecisionOutcome::Transfer => f.transfer.push(rec("移送".into(), None)),
                },
                EventKind::SummaryPenalty { penalty, .. } => {
                    f.penalty
                        .push(rec(format!("当场处罚：{}", penalty_text(penalty)), None));
                    decided_amounts(&mut f, penalty, &rec);
                }
                EventKind::Payment {
                    amount, surcharge, ..
                } => {
                    if !amount.is_zero() {
                        f.fines_paid.push(rec(
                            format!("缴纳罚款{}", yuan_text(fen(*amount))),
                            Some(fen(*amount)),
                        ));
                    }
                    if !surcharge.is_zero() {
                        f.surcharge_paid.push(rec(
                            format!("缴纳加处罚款{}", yuan_text(fen(*surcharge))),
                            Some(fen(*surcharge)),
                        ));
                    }
                }
                EventKind::HearingRequest => f.hearing_requests.push(rec("申请听证".into(), None)),
                EventKind::Hearing { .. } => f.hearings.push(rec("举行听证".into(), None)),
                EventKind::LegalReview { result } => {
                    let pass = *result == ReviewResult::Pass;
                    let r = rec(
                        if pass {
                            "法制审核通过"
                        } else {
                            "法制审核未通过"
                        }
                        .into(),
                        None,
                    );
                    f.reviews.push(r.clone());
                    if pass {
                        f.reviews_pass.push(r);
                    } else {
                        f.reviews_fail.push(r);
                    }
                }
                EventKind::Deliberation => f.deliberations.push(rec("集体讨论".into(), None)),
                EventKind::CourtEnforcementApplication => {
                    f.court.push(rec("申请人民法院强制执行".into(), None));
                }
                EventKind::Close { .. } => f.closed.push(rec("结案".into(), None)),
                EventKind::Archive => f.archived.push(rec("归档".into(), None)),
                _ => {}
            }
        }
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_like_the_report() {
        assert_eq!(yuan_text(600_000), "6,000.00元");
        assert_eq!(yuan_text(5), "0.05元");
    }
}
