//! 裁量基准: the violation catalogue with each violation's 违法依据, 处罚依据, statutory fine
//! ranges and discretion tiers, and the 裁量建议 form: the facts of a case give the tier and fine
//! range suggested by the domain's `ViolationEntry::suggest`; a proposed fine outside that
//! range needs a reason (偏离理由). The page only checks; the departure is recorded on the
//! case at the decision step.

use super::{FormErrors, Opt};
use crate::service::{AppState, catalogue};
use crate::web::page::{Layout, OfficeUser, PageResult, check_csrf};
use crate::web::page::{PageForm, PageQuery, render_form};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Redirect;
use axum::routing::get;
use fazhi_domain::catalogue::{Catalogue, Confidence, Facts, FineRange, TierLevel, ViolationEntry};
use fazhi_domain::timeline::{PartyKind, Yuan};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/catalogue", get(show)).route(
        "/catalogue/suggestion",
        get(|| async { Redirect::to("/catalogue#suggest") }).post(suggest),
    )
}

fn range_text(r: FineRange) -> String {
    if r.min.is_zero() && r.max.is_zero() {
        "不罚款（0元）".into()
    } else if r.min.is_zero() {
        format!("{}以下", r.max)
    } else {
        format!("{}至{}", r.min, r.max)
    }
}

fn confidence_label(c: Confidence) -> &'static str {
    match c {
        Confidence::P => "已核对官方文本",
        Confidence::S => "依据二手来源，待核对原文",
        Confidence::L => "本地规则或做法（可配置）",
        Confidence::U => "未经核实，使用前须核对",
    }
}

fn party_label(p: Option<PartyKind>) -> &'static str {
    match p {
        Some(PartyKind::Individual) => "公民",
        Some(PartyKind::Organisation) => "法人或者其他组织",
        None => "各类当事人",
    }
}

pub struct TierView {
    pub level: &'static str,
    pub party: &'static str,
    pub fine: String,
    pub circumstances: String,
}

pub struct EntryView {
    pub code: String,
    pub name: String,
    pub legal_basis: String,
    pub penalty_basis: String,
    pub penalties: String,
    pub individual: String,
    pub organisation: String,
    pub fine_note: Option<String>,
    pub waiver: String,
    pub source: String,
    pub confidence: String,
    pub tiers: Vec<TierView>,
}

fn entry_view(e: &ViolationEntry) -> EntryView {
    let unit = e.fine_unit.clone().unwrap_or_default();
    let statutory = |r: Option<FineRange>| {
        r.map(|r| format!("{}{unit}", range_text(r)))
            .unwrap_or_else(|| "未规定固定金额".into())
    };
    let mut tiers: Vec<&fazhi_domain::catalogue::Tier> = e.tiers.iter().collect();
    tiers.sort_by_key(|t| t.level);
    EntryView {
        code: e.code.clone(),
        name: e.name.clone(),
        legal_basis: e.legal_basis.clone(),
        penalty_basis: e.penalty_basis.clone(),
        penalties: e
            .allowed_penalties
            .iter()
            .map(|p| p.label())
            .collect::<Vec<_>>()
            .join("、"),
        individual: statutory(e.fines.individual),
        organisation: statutory(e.fines.organisation),
        fine_note: e.fine_note.clone(),
        waiver: if e.first_violation_waiver.eligible {
            format!("适用：{}", e.first_violation_waiver.conditions)
        } else {
            "不适用".into()
        },
        source: e.source.clone(),
        confidence: format!("{}（{:?}）", confidence_label(e.confidence), e.confidence),
        tiers: tiers
            .into_iter()
            .map(|t| TierView {
                level: t.level.label(),
                party: party_label(t.party),
                fine: t
                    .fine_range()
                    .map(|r| format!("{}{unit}", range_text(r)))
                    .unwrap_or_else(|| e.fine_note.clone().unwrap_or_else(|| "—".into())),
                circumstances: t.circumstances.clone(),
            })
            .collect(),
    }
}

/// The facts the tiers use, as checkboxes.
pub struct FactBox {
    pub name: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

#[derive(Deserialize, Default)]
struct SuggestForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    party: String,
    first_violation: Option<String>,
    minor_harm: Option<String>,
    corrected_promptly: Option<String>,
    repeated: Option<String>,
    serious_harm: Option<String>,
    obstructed: Option<String>,
    #[serde(default)]
    proposed: String,
    #[serde(default)]
    reason: String,
}

impl SuggestForm {
    fn facts(&self) -> Facts {
        Facts {
            first_violation: self.first_violation.is_some(),
            minor_harm: self.minor_harm.is_some(),
            corrected_promptly: self.corrected_promptly.is_some(),
            repeated: self.repeated.is_some(),
            serious_harm: self.serious_harm.is_some(),
            obstructed: self.obstructed.is_some(),
        }
    }
    fn boxes(&self) -> Vec<FactBox> {
        let f = self.facts();
        vec![
            FactBox {
                name: "first_violation",
                label: "首次违法",
                checked: f.first_violation,
            },
            FactBox {
                name: "minor_harm",
                label: "危害后果轻微",
                checked: f.minor_harm,
            },
            FactBox {
                name: "corrected_promptly",
                label: "及时改正／主动消除或减轻危害后果",
                checked: f.corrected_promptly,
            },
            FactBox {
                name: "repeated",
                label: "屡犯（曾因同一行为受过处罚）",
                checked: f.repeated,
            },
            FactBox {
                name: "serious_harm",
                label: "危害后果严重",
                checked: f.serious_harm,
            },
            FactBox {
                name: "obstructed",
                label: "阻碍、抗拒执法",
                checked: f.obstructed,
            },
        ]
    }
    fn party(&self) -> Option<PartyKind> {
        match self.party.as_str() {
            "individual" => Some(PartyKind::Individual),
            "organisation" => Some(PartyKind::Organisation),
            _ => None,
        }
    }
}

/// The benchmark's answer for the facts entered.
pub struct SuggestionView {
    pub violation: String,
    pub party: &'static str,
    pub level: &'static str,
    pub no_penalty: bool,
    pub range: String,
    pub waiver: bool,
    pub circumstances: Option<String>,
    pub reasons: Vec<String>,
    pub legal_basis: String,
    pub penalty_basis: String,
}

/// How the proposed fine compares with the suggestion.
pub struct Departure {
    pub departs: bool,
    pub message: String,
    pub reason: Option<String>,
    pub statutory_warning: Option<String>,
}

/// Compares `proposed` with the suggestion and the statutory range (no rule is decided here:
/// the suggestion comes from the domain, the statutory check is the `penalty_types` rule's).
fn compare(
    entry: &ViolationEntry,
    party: PartyKind,
    suggested: Option<FineRange>,
    level: TierLevel,
    proposed: Yuan,
) -> (bool, String, Option<String>) {
    let statutory = entry.fines.for_party(party);
    let warning = statutory.and_then(|r| {
        if proposed > r.max {
            Some(format!(
                "拟处罚款超过法定最高额（{}），处罚决定将被拒绝（规则 penalty_types）。",
                r.max
            ))
        } else if proposed < r.min && !proposed.is_zero() {
            Some(format!(
                "拟处罚款低于法定最低额（{}），只有依法减轻处罚（行政处罚法第三十二条）时才允许，须在决定中写明减轻情节。",
                r.min
            ))
        } else {
            None
        }
    });
    match suggested {
        Some(r) => {
            let departs = proposed < r.min || proposed > r.max;
            let message = if departs {
                format!(
                    "拟处罚款{}不在裁量建议“{}”的幅度（{}）内，属于偏离裁量基准。",
                    proposed,
                    level.label(),
                    range_text(r)
                )
            } else {
                format!(
                    "拟处罚款{}在裁量建议的幅度（{}）内。",
                    proposed,
                    range_text(r)
                )
            };
            (departs, message, warning)
        }
        None if entry.fine_note.is_some() => (
            false,
            format!(
                "该违法行为的罚款按比例计算（{}），无法与固定金额比较，请按计算依据核对。",
                entry.fine_note.clone().unwrap_or_default()
            ),
            warning,
        ),
        None if proposed.is_zero() => (false, "未拟处罚款。".into(), warning),
        None => (
            true,
            format!(
                "处罚依据对{}未规定罚款金额，拟处罚款{}偏离裁量基准。",
                party.label(),
                proposed
            ),
            warning,
        ),
    }
}

#[derive(Template)]
#[template(path = "office/admin/catalogue.html")]
struct Page {
    layout: Layout,
    entries: Vec<EntryView>,
    violations: Vec<Opt>,
    parties: Vec<Opt>,
    facts: Vec<FactBox>,
    proposed: String,
    reason: String,
    errors: FormErrors,
    result: Option<SuggestionView>,
    departure: Option<Departure>,
}

fn page(
    state: &AppState,
    user: &crate::service::auth::CurrentUser,
    cat: &Catalogue,
    f: &SuggestForm,
    errors: FormErrors,
    result: Option<SuggestionView>,
    departure: Option<Departure>,
) -> PageResult {
    let party = if f.party.is_empty() {
        "individual"
    } else {
        &f.party
    };
    render_form(
        !errors.is_empty(),
        &Page {
            layout: Layout::new(state, user, "裁量基准", "/catalogue"),
            entries: cat.entries.iter().map(entry_view).collect(),
            violations: std::iter::once(Opt::new("", "（请选择）", &f.code))
                .chain(
                    cat.entries
                        .iter()
                        .map(|e| Opt::new(e.code.clone(), e.name.clone(), &f.code)),
                )
                .collect(),
            parties: vec![
                Opt::new("individual", "公民（个人）", party),
                Opt::new("organisation", "法人或者其他组织", party),
            ],
            facts: f.boxes(),
            proposed: f.proposed.clone(),
            reason: f.reason.clone(),
            errors,
            result,
            departure,
        },
    )
}

#[derive(Deserialize)]
struct ShowQuery {
    code: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    PageQuery(q): PageQuery<ShowQuery>,
) -> PageResult {
    user.require(crate::service::permissions::Action::ViewCatalogue)?;
    let cat = catalogue::list(&state).await?;
    let f = SuggestForm {
        code: q.code.unwrap_or_default(),
        ..SuggestForm::default()
    };
    page(&state, &user, &cat, &f, FormErrors::default(), None, None)
}

async fn suggest(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    PageForm(f): PageForm<SuggestForm>,
) -> PageResult {
    check_csrf(&user, &f.csrf)?;
    user.require(crate::service::permissions::Action::ViewCatalogue)?;
    let cat = catalogue::list(&state).await?;
    let mut errors = FormErrors::default();
    let entry = cat.get(&f.code);
    if entry.is_none() {
        errors.add("code", "请选择违法行为");
    }
    let party = f.party();
    if party.is_none() {
        errors.add("party", "请选择当事人类型");
    }
    let proposed_text = f.proposed.trim().trim_end_matches('元').trim();
    let proposed = if proposed_text.is_empty() {
        None
    } else {
        match Yuan::parse_decimal(proposed_text) {
            Ok(y) => Some(y),
            Err(e) => {
                errors.add("proposed", e.to_string());
                None
            }
        }
    };
    if f.reason.chars().count() > 500 {
        errors.add("reason", "偏离理由不超过500字");
    }
    let (Some(entry), Some(party)) = (entry, party) else {
        return page(&state, &user, &cat, &f, errors, None, None);
    };
    let s = entry.suggest(party, &f.facts());
    let range = match s.fine_range {
        Some(r) => format!(
            "{}{}",
            range_text(r),
            entry.fine_unit.clone().unwrap_or_default()
        ),
        None => entry
            .fine_note
            .clone()
            .map(|n| format!("按比例计算：{n}"))
            .unwrap_or_else(|| format!("处罚依据对{}未规定罚款金额", party.label())),
    };
    let result = SuggestionView {
        violation: entry.name.clone(),
        party: party.label(),
        level: s.level.label(),
        no_penalty: s.level == TierLevel::NoPenalty,
        range,
        waiver: s.first_violation_waiver,
        circumstances: s.circumstances.clone(),
        reasons: s.reasons.clone(),
        legal_basis: entry.legal_basis.clone(),
        penalty_basis: entry.penalty_basis.clone(),
    };
    let departure = proposed.map(|p| {
        let (departs, message, statutory_warning) =
            compare(entry, party, s.fine_range, s.level, p);
        let reason = f.reason.trim();
        if departs && reason.is_empty() {
            errors.add(
                "reason",
                "拟处罚款偏离裁量建议，须填写偏离理由（行政处罚法第三十四条：行使裁量权应当遵循裁量基准）",
            );
        }
        Departure {
            departs,
            message,
            reason: (departs && !reason.is_empty()).then(|| reason.to_string()),
            statutory_warning,
        }
    });
    page(&state, &user, &cat, &f, errors, Some(result), departure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fine_outside_the_suggested_tier_departs() {
        let cat = Catalogue::sample();
        let Some(e) = cat.get("lu_tian_shao_kao") else {
            panic!("sample entry")
        };
        let s = e.suggest(PartyKind::Individual, &Facts::default());
        let (departs, _, warn) = compare(
            e,
            PartyKind::Individual,
            s.fine_range,
            s.level,
            Yuan::from_yuan(3000),
        );
        assert!(!departs);
        assert!(warn.is_none());
        let (departs, msg, warn) = compare(
            e,
            PartyKind::Individual,
            s.fine_range,
            s.level,
            Yuan::from_yuan(30000),
        );
        assert!(departs, "{msg}");
        assert!(warn.is_some_and(|w| w.contains("法定最高额")));
    }

    #[test]
    fn ranges_read_naturally() {
        let r = FineRange {
            min: Yuan::ZERO,
            max: Yuan::from_yuan(200),
        };
        assert_eq!(range_text(r), "200元以下");
        let r = FineRange {
            min: Yuan::from_yuan(500),
            max: Yuan::from_yuan(2000),
        };
        assert_eq!(range_text(r), "500元至2000元");
    }
}
