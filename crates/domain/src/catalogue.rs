//! The violation catalogue (违法行为目录) with discretion benchmarks (行政处罚裁量基准).
//!
//! Each [`ViolationEntry`] names a common 城管 violation by a pinyin code
//! (`zhan_dao_jing_ying` = 占道经营), its 违法依据 and 处罚依据, the penalty kinds the
//! 处罚依据 allows, the statutory fine range per kind of party, the discretion tiers
//! (不予处罚 / 减轻 / 从轻 / 一般 / 从重) with their fine ranges and circumstances (情节), and
//! whether the first-violation waiver (首违不罚, 行政处罚法第三十三条第一款) may apply.
//!
//! The catalogue is data: `data/catalogue/violations.toml` (format: `docs/catalogue.md`) is
//! embedded as [`Catalogue::sample`]; a bureau loads its own published benchmark with
//! [`Catalogue::from_toml_str`] or edits it as JSON ([`Catalogue::from_json_str`]). Both
//! paths validate (unique codes, min ≤ max, tiers inside the statutory range, known penalty
//! kinds) and report errors in Chinese naming the entry. The rule engine uses
//! [`Catalogue::get`], [`ViolationEntry::allows`] and [`ViolationEntry::fine_range`] for the
//! `penalty_types` rule; the case screens use [`ViolationEntry::suggest`].

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::timeline::{PartyKind, PenaltyKind, Yuan};

/// The sample catalogue shipped with the platform.
const SAMPLE_TOML: &str = include_str!("../../../data/catalogue/violations.toml");

/// How far a statement in the catalogue has been checked (marks of `legal-rules.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Confidence {
    /// Confirmed from the official text.
    P,
    /// Confirmed from a secondary source (reprint, local document); re-check the original.
    S,
    /// Local rule or practice; a configurable default only.
    L,
    /// From memory, not verified; check before it drives behaviour.
    U,
}

/// Discretion tier (裁量档次), from the most lenient to the most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TierLevel {
    /// 不予处罚 (行政处罚法第三十三条).
    NoPenalty,
    /// 减轻处罚: below the statutory minimum (行政处罚法第三十二条).
    Mitigated,
    /// 从轻处罚: lower part of the statutory range.
    Lighter,
    /// 一般: middle of the statutory range.
    Ordinary,
    /// 从重处罚: upper part of the statutory range.
    Heavier,
}

impl TierLevel {
    /// All levels in order.
    pub const ALL: [TierLevel; 5] = [
        TierLevel::NoPenalty,
        TierLevel::Mitigated,
        TierLevel::Lighter,
        TierLevel::Ordinary,
        TierLevel::Heavier,
    ];

    /// Chinese name of the tier.
    pub fn label(self) -> &'static str {
        match self {
            TierLevel::NoPenalty => "不予处罚",
            TierLevel::Mitigated => "减轻处罚",
            TierLevel::Lighter => "从轻处罚",
            TierLevel::Ordinary => "一般",
            TierLevel::Heavier => "从重处罚",
        }
    }

    /// The identifier used in the data file.
    pub fn code(self) -> &'static str {
        match self {
            TierLevel::NoPenalty => "no_penalty",
            TierLevel::Mitigated => "mitigated",
            TierLevel::Lighter => "lighter",
            TierLevel::Ordinary => "ordinary",
            TierLevel::Heavier => "heavier",
        }
    }

    fn from_code(s: &str) -> Option<TierLevel> {
        TierLevel::ALL.into_iter().find(|l| l.code() == s)
    }
}

impl fmt::Display for TierLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// An inclusive fine range in yuan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FineRange {
    /// Lower bound (0 for "X元以下").
    #[serde(serialize_with = "ser_yuan")]
    pub min: Yuan,
    /// Upper bound.
    #[serde(serialize_with = "ser_yuan")]
    pub max: Yuan,
}

impl FineRange {
    /// The range as a pair.
    pub fn pair(self) -> (Yuan, Yuan) {
        (self.min, self.max)
    }

    fn contains(self, other: FineRange) -> bool {
        self.min.fen() <= other.min.fen() && other.max.fen() <= self.max.fen()
    }
}

/// Statutory fine ranges per kind of party; `None` where the 处罚依据 sets no fine for that
/// kind of party (or none in fixed yuan, see [`ViolationEntry::fine_note`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct FineRanges {
    /// 公民（个人、个体工商户按本地做法）.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub individual: Option<FineRange>,
    /// 法人或者其他组织.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation: Option<FineRange>,
}

impl FineRanges {
    /// The range for a kind of party.
    pub fn for_party(&self, party: PartyKind) -> Option<FineRange> {
        match party {
            PartyKind::Individual => self.individual,
            PartyKind::Organisation => self.organisation,
        }
    }
}

/// One discretion tier of a violation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tier {
    /// The tier.
    pub level: TierLevel,
    /// The kind of party the tier is for; `None` = every kind with a statutory range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party: Option<PartyKind>,
    /// Lower bound of the fine; absent for entries fined as a percentage (e.g. 工程造价).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser_opt_yuan"
    )]
    pub fine_min: Option<Yuan>,
    /// Upper bound of the fine.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser_opt_yuan"
    )]
    pub fine_max: Option<Yuan>,
    /// Circumstances (情节) that put a case in this tier, in Chinese.
    pub circumstances: String,
}

impl Tier {
    /// The tier's fine range, when it has one.
    pub fn fine_range(&self) -> Option<FineRange> {
        match (self.fine_min, self.fine_max) {
            (Some(min), Some(max)) => Some(FineRange { min, max }),
            _ => None,
        }
    }

    fn applies_to(&self, party: PartyKind) -> bool {
        self.party.is_none_or(|p| p == party)
    }
}

/// 首违不罚: whether a first violation with minor harm, promptly corrected, may go unpunished.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstViolationWaiver {
    /// Whether the bureau lists this violation as eligible.
    pub eligible: bool,
    /// Conditions in Chinese, e.g. "首次被发现、危害后果轻微并及时改正".
    pub conditions: String,
}

/// One violation of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ViolationEntry {
    /// Pinyin snake_case code, e.g. `zhan_dao_jing_ying`.
    pub code: String,
    /// Chinese name, e.g. 占道经营.
    pub name: String,
    /// 违法依据: the rule the act breaks.
    pub legal_basis: String,
    /// 处罚依据: the rule that sets the penalty.
    pub penalty_basis: String,
    /// Penalty kinds the 处罚依据 allows.
    pub allowed_penalties: Vec<PenaltyKind>,
    /// Statutory fine range per kind of party.
    pub fines: FineRanges,
    /// How the fine is computed when it is not a fixed yuan range (e.g. percentage of cost).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fine_note: Option<String>,
    /// Unit of the fine range when it is not per case, e.g. 每处.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fine_unit: Option<String>,
    /// Discretion tiers.
    pub tiers: Vec<Tier>,
    /// 首违不罚.
    pub first_violation_waiver: FirstViolationWaiver,
    /// Where the bases and amounts come from.
    pub source: String,
    /// How far they have been checked.
    pub confidence: Confidence,
}

/// Circumstances of a case, as simple flags, for [`ViolationEntry::suggest`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Facts {
    /// 首次违法 (first discovery, per the bureau's definition, e.g. within 12 months).
    pub first_violation: bool,
    /// 危害后果轻微.
    pub minor_harm: bool,
    /// 及时改正 / 主动消除或者减轻危害后果.
    pub corrected_promptly: bool,
    /// 屡犯 (punished before for the same act).
    pub repeated: bool,
    /// 危害后果严重.
    pub serious_harm: bool,
    /// 阻碍、抗拒执法.
    pub obstructed: bool,
}

/// The benchmark's suggestion for one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// Suggested tier.
    pub level: TierLevel,
    /// Fine range to choose from; `Some(0..0)` for no penalty; `None` when the 处罚依据 sets no
    /// fixed yuan fine for this kind of party.
    pub fine_range: Option<FineRange>,
    /// Whether the first-violation waiver (首违不罚) applies.
    pub first_violation_waiver: bool,
    /// Circumstances text of the chosen tier, if the entry defines that tier.
    pub circumstances: Option<String>,
    /// Why, in Chinese.
    pub reasons: Vec<String>,
}

/// The catalogue of violations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Catalogue {
    /// Entries in file order; codes are unique.
    pub entries: Vec<ViolationEntry>,
}

/// Why a catalogue was refused. Messages are Chinese and name the entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    /// Not valid TOML/JSON, or fields of the wrong type.
    #[error("违法行为目录格式错误：{0}")]
    Syntax(String),
    /// A required text field is empty.
    #[error("违法行为“{entry}”缺少{field}")]
    MissingField { entry: String, field: &'static str },
    /// The code is not pinyin snake_case.
    #[error("违法行为“{entry}”的代码应为拼音小写加下划线（如 zhan_dao_jing_ying）")]
    BadCode { entry: String },
    /// Two entries share a code.
    #[error("违法行为代码“{code}”重复")]
    DuplicateCode { code: String },
    /// A penalty kind that is not one of 行政处罚法第九条's kinds known to the platform.
    #[error("违法行为“{entry}”的处罚种类“{kind}”不是已知的处罚种类")]
    UnknownPenaltyKind { entry: String, kind: String },
    /// A party kind other than individual/organisation.
    #[error("违法行为“{entry}”的当事人类型“{party}”无效（应为 individual 或 organisation）")]
    UnknownParty { entry: String, party: String },
    /// A tier level other than the five known ones.
    #[error("违法行为“{entry}”的裁量档次“{level}”无效")]
    UnknownTierLevel { entry: String, level: String },
    /// Statutory min above max.
    #[error("违法行为“{entry}”{party}的法定罚款下限{min}元高于上限{max}元")]
    StatutoryMinAboveMax {
        entry: String,
        party: &'static str,
        min: u64,
        max: u64,
    },
    /// Fines given though `fine` is not an allowed penalty, or the other way round.
    #[error("违法行为“{entry}”：{reason}")]
    FineInconsistent { entry: String, reason: &'static str },
    /// Tier min above max, or only one bound given.
    #[error("违法行为“{entry}”的“{level}”档：{reason}")]
    TierBounds {
        entry: String,
        level: TierLevel,
        reason: String,
    },
    /// A tier outside the statutory range (or, for 减轻, above the statutory minimum).
    #[error("违法行为“{entry}”的“{level}”档罚款{min}–{max}元超出{party}的法定幅度{smin}–{smax}元")]
    TierOutsideRange {
        entry: String,
        level: TierLevel,
        party: &'static str,
        min: u64,
        max: u64,
        smin: u64,
        smax: u64,
    },
    /// 减轻 tier not below the statutory minimum.
    #[error(
        "违法行为“{entry}”的减轻处罚档上限{max}元高于{party}的法定下限{smin}元（减轻处罚应在法定最低限以下）"
    )]
    MitigatedAboveMinimum {
        entry: String,
        party: &'static str,
        max: u64,
        smin: u64,
    },
    /// 不予处罚 tier with a fine.
    #[error("违法行为“{entry}”的不予处罚档罚款应为0元")]
    NoPenaltyWithFine { entry: String },
    /// The same tier twice for the same kind of party.
    #[error("违法行为“{entry}”的“{level}”档重复")]
    DuplicateTier { entry: String, level: TierLevel },
    /// Tiers overlapping or out of order.
    #[error("违法行为“{entry}”{party}的“{lower}”档与“{higher}”档罚款幅度重叠或顺序颠倒")]
    TierOverlap {
        entry: String,
        party: &'static str,
        lower: TierLevel,
        higher: TierLevel,
    },
    /// A tier for a kind of party that has no statutory fine range.
    #[error(
        "违法行为“{entry}”的“{level}”档针对{party}设定了罚款，但处罚依据对{party}未规定罚款幅度"
    )]
    TierForPartyWithoutFine {
        entry: String,
        level: TierLevel,
        party: &'static str,
    },
}

fn party_label(p: PartyKind) -> &'static str {
    match p {
        PartyKind::Individual => "个人",
        PartyKind::Organisation => "单位",
    }
}

const PARTIES: [PartyKind; 2] = [PartyKind::Individual, PartyKind::Organisation];

impl Catalogue {
    /// Parses and validates a catalogue in the TOML format of `data/catalogue/violations.toml`.
    pub fn from_toml_str(s: &str) -> Result<Catalogue, CatalogueError> {
        let raw: raw::RawCatalogue =
            toml::from_str(s).map_err(|e| CatalogueError::Syntax(e.to_string()))?;
        raw.validate()
    }

    /// Parses and validates a catalogue in the JSON form that [`Catalogue`] serialises to
    /// (the form the app serves and accepts for edits).
    pub fn from_json_str(s: &str) -> Result<Catalogue, CatalogueError> {
        let raw: raw::RawCatalogue =
            serde_json::from_str(s).map_err(|e| CatalogueError::Syntax(e.to_string()))?;
        raw.validate()
    }

    /// The sample catalogue of `data/catalogue/violations.toml`, embedded at build time.
    ///
    /// # Panics
    /// Never in a released build: the unit tests load the embedded file.
    pub fn sample() -> Catalogue {
        match Catalogue::from_toml_str(SAMPLE_TOML) {
            Ok(c) => c,
            Err(e) => panic!("内置违法行为目录无效：{e}"),
        }
    }

    /// The entry of a violation code, if known.
    pub fn get(&self, code: &str) -> Option<&ViolationEntry> {
        self.entries.iter().find(|e| e.code == code)
    }

    /// Validates an already-built catalogue (e.g. after programmatic edits).
    pub fn validate(&self) -> Result<(), CatalogueError> {
        let json =
            serde_json::to_string(self).map_err(|e| CatalogueError::Syntax(e.to_string()))?;
        Catalogue::from_json_str(&json).map(|_| ())
    }
}

impl ViolationEntry {
    /// Statutory fine range (inclusive) for the kind of party; `None` when the 处罚依据 sets
    /// no fixed yuan fine for it (no fine for that party, or a percentage, see `fine_note`).
    pub fn fine_range(&self, party: PartyKind) -> Option<(Yuan, Yuan)> {
        self.fines.for_party(party).map(FineRange::pair)
    }

    /// Whether the fine range applies per location (`fine_unit = "每处"`).
    pub fn fine_is_per_location(&self) -> bool {
        self.fine_unit
            .as_deref()
            .is_some_and(|u| u.trim() == "每处")
    }

    /// Whether the 处罚依据 allows this penalty kind.
    pub fn allows(&self, kind: PenaltyKind) -> bool {
        self.allowed_penalties.contains(&kind)
    }

    /// Whether the fine is not a fixed yuan range (e.g. a percentage of construction cost).
    pub fn fine_is_proportional(&self) -> bool {
        self.fine_note.is_some()
            && self.fines.individual.is_none()
            && self.fines.organisation.is_none()
    }

    /// The tier of a level for a kind of party: the party-specific one, else the general one.
    pub fn tier(&self, level: TierLevel, party: PartyKind) -> Option<&Tier> {
        self.tiers
            .iter()
            .find(|t| t.level == level && t.party == Some(party))
            .or_else(|| {
                self.tiers
                    .iter()
                    .find(|t| t.level == level && t.party.is_none())
            })
    }

    /// Suggests a tier and fine range from the circumstances.
    ///
    /// Order of reasoning:
    /// 1. 首违不罚 (行政处罚法第三十三条第一款): eligible entry, first violation, minor harm,
    ///    promptly corrected, and no aggravating circumstance → 不予处罚.
    /// 2. Aggravating circumstances (repeated, serious harm, obstruction) → 从重; if the
    ///    party also promptly corrected (第三十二条第一项, mandatory lighter), → 一般.
    /// 3. First violation + minor harm + corrected but the waiver is not available → 减轻.
    /// 4. Promptly corrected or minor harm → 从轻; otherwise → 一般.
    ///
    /// When the entry has no tier of the chosen level for the party, the suggestion moves
    /// one level towards 一般 until it finds one; without any tier the statutory range is
    /// used.
    pub fn suggest(&self, party: PartyKind, facts: &Facts) -> Suggestion {
        let mut reasons = Vec::new();
        let mut aggravating = Vec::new();
        if facts.repeated {
            aggravating.push("屡犯");
        }
        if facts.serious_harm {
            aggravating.push("危害后果严重");
        }
        if facts.obstructed {
            aggravating.push("阻碍执法");
        }
        let waiver_facts = facts.first_violation && facts.minor_harm && facts.corrected_promptly;
        let statutory = self.fines.for_party(party);

        if waiver_facts && aggravating.is_empty() && self.first_violation_waiver.eligible {
            reasons.push(format!(
                "初次违法且危害后果轻微并及时改正，可以不予行政处罚（行政处罚法第三十三条第一款；首违不罚条件：{}）",
                self.first_violation_waiver.conditions
            ));
            let tier = self.tier(TierLevel::NoPenalty, party);
            return Suggestion {
                level: TierLevel::NoPenalty,
                fine_range: Some(FineRange {
                    min: Yuan::from_yuan(0),
                    max: Yuan::from_yuan(0),
                }),
                first_violation_waiver: true,
                circumstances: tier.map(|t| t.circumstances.clone()),
                reasons,
            };
        }

        let wanted = if !aggravating.is_empty() {
            if facts.corrected_promptly {
                reasons.push(format!(
                    "有从重情节（{}），但主动消除或者减轻了危害后果，依法应当从轻（行政处罚法第三十二条第一项），按一般档",
                    aggravating.join("、")
                ));
                TierLevel::Ordinary
            } else {
                reasons.push(format!("有从重情节：{}", aggravating.join("、")));
                TierLevel::Heavier
            }
        } else if waiver_facts {
            reasons.push(
                "初次违法、危害后果轻微并及时改正，但本项不适用首违不罚，依法减轻处罚（行政处罚法第三十二条第一项）"
                    .to_string(),
            );
            TierLevel::Mitigated
        } else if facts.corrected_promptly {
            reasons.push("主动消除或者减轻违法行为危害后果，应当从轻或者减轻处罚（行政处罚法第三十二条第一项）".to_string());
            TierLevel::Lighter
        } else if facts.minor_harm {
            reasons.push("危害后果轻微，从轻处罚".to_string());
            TierLevel::Lighter
        } else {
            reasons.push("无从轻、从重情节，按一般档".to_string());
            TierLevel::Ordinary
        };

        let mut level = wanted;
        let mut tier = self.tier(level, party);
        while tier.is_none() && level != TierLevel::Ordinary {
            level = match level {
                TierLevel::NoPenalty => TierLevel::Mitigated,
                TierLevel::Mitigated => TierLevel::Lighter,
                TierLevel::Lighter | TierLevel::Heavier => TierLevel::Ordinary,
                TierLevel::Ordinary => TierLevel::Ordinary,
            };
            tier = self.tier(level, party);
        }
        if level != wanted {
            reasons.push(format!(
                "本目录未设“{}”档，改按“{}”档",
                wanted.label(),
                level.label()
            ));
        }
        let fine_range = match statutory {
            None => {
                if self.fine_is_proportional() {
                    reasons.push(format!(
                        "罚款无固定金额：{}",
                        self.fine_note.as_deref().unwrap_or("")
                    ));
                } else {
                    reasons.push(format!("处罚依据对{}未规定罚款", party_label(party)));
                }
                None
            }
            Some(s) => Some(tier.and_then(Tier::fine_range).unwrap_or(s)),
        };
        Suggestion {
            level,
            fine_range,
            first_violation_waiver: false,
            circumstances: tier.map(|t| t.circumstances.clone()),
            reasons,
        }
    }
}

fn ser_yuan<S: serde::Serializer>(y: &Yuan, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(y.fen() / 100)
}

fn ser_opt_yuan<S: serde::Serializer>(y: &Option<Yuan>, s: S) -> Result<S::Ok, S::Error> {
    match y {
        Some(y) => s.serialize_some(&(y.fen() / 100)),
        None => s.serialize_none(),
    }
}

/// The file form: plain strings and yuan integers, checked and converted by `validate`.
mod raw {
    use super::*;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct RawCatalogue {
        #[serde(default)]
        entries: Vec<RawEntry>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawEntry {
        code: String,
        name: String,
        legal_basis: String,
        penalty_basis: String,
        allowed_penalties: Vec<String>,
        #[serde(default)]
        fines: RawFines,
        #[serde(default)]
        fine_note: Option<String>,
        #[serde(default)]
        fine_unit: Option<String>,
        #[serde(default)]
        tiers: Vec<RawTier>,
        first_violation_waiver: FirstViolationWaiver,
        source: String,
        confidence: Confidence,
    }

    #[derive(Deserialize, Default)]
    #[serde(deny_unknown_fields)]
    struct RawFines {
        individual: Option<RawRange>,
        organisation: Option<RawRange>,
    }

    #[derive(Deserialize, Clone, Copy)]
    #[serde(deny_unknown_fields)]
    struct RawRange {
        min: u64,
        max: u64,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawTier {
        level: String,
        #[serde(default)]
        party: Option<String>,
        #[serde(default)]
        fine_min: Option<u64>,
        #[serde(default)]
        fine_max: Option<u64>,
        circumstances: String,
    }

    fn y(v: u64) -> Yuan {
        Yuan::from_yuan(v)
    }

    fn parse_party(entry: &str, s: &str) -> Result<PartyKind, CatalogueError> {
        serde_json::from_value::<PartyKind>(serde_json::Value::String(s.to_string())).map_err(
            |_| CatalogueError::UnknownParty {
                entry: entry.to_string(),
                party: s.to_string(),
            },
        )
    }

    fn is_pinyin_code(s: &str) -> bool {
        let mut chars = s.chars();
        matches!(chars.next(), Some('a'..='z'))
            && s.chars().all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
            && !s.ends_with('_')
            && !s.contains("__")
    }

    impl RawCatalogue {
        pub(super) fn validate(self) -> Result<Catalogue, CatalogueError> {
            let mut seen = BTreeSet::new();
            let mut entries = Vec::with_capacity(self.entries.len());
            for e in self.entries {
                if !seen.insert(e.code.clone()) {
                    return Err(CatalogueError::DuplicateCode { code: e.code });
                }
                entries.push(e.validate()?);
            }
            Ok(Catalogue { entries })
        }
    }

    impl RawEntry {
        fn validate(self) -> Result<ViolationEntry, CatalogueError> {
            let entry = if self.name.trim().is_empty() {
                self.code.clone()
            } else {
                format!("{}（{}）", self.code, self.name)
            };
            if self.code.trim().is_empty() {
                return Err(CatalogueError::MissingField {
                    entry: self.name.clone(),
                    field: "代码（code）",
                });
            }
            if !is_pinyin_code(&self.code) {
                return Err(CatalogueError::BadCode { entry });
            }
            for (value, field) in [
                (&self.name, "名称（name）"),
                (&self.legal_basis, "违法依据（legal_basis）"),
                (&self.penalty_basis, "处罚依据（penalty_basis）"),
                (&self.source, "来源（source）"),
            ] {
                if value.trim().is_empty() {
                    return Err(CatalogueError::MissingField { entry, field });
                }
            }
            if self.allowed_penalties.is_empty() {
                return Err(CatalogueError::MissingField {
                    entry,
                    field: "处罚种类（allowed_penalties）",
                });
            }
            let mut allowed_penalties = Vec::with_capacity(self.allowed_penalties.len());
            for k in &self.allowed_penalties {
                let kind =
                    serde_json::from_value::<PenaltyKind>(serde_json::Value::String(k.clone()))
                        .map_err(|_| CatalogueError::UnknownPenaltyKind {
                            entry: entry.clone(),
                            kind: k.clone(),
                        })?;
                if !allowed_penalties.contains(&kind) {
                    allowed_penalties.push(kind);
                }
            }

            // Statutory ranges.
            let mut fines = FineRanges::default();
            for (party, range) in [
                (PartyKind::Individual, self.fines.individual),
                (PartyKind::Organisation, self.fines.organisation),
            ] {
                if let Some(r) = range {
                    if r.min > r.max {
                        return Err(CatalogueError::StatutoryMinAboveMax {
                            entry,
                            party: party_label(party),
                            min: r.min,
                            max: r.max,
                        });
                    }
                    let fr = FineRange {
                        min: y(r.min),
                        max: y(r.max),
                    };
                    match party {
                        PartyKind::Individual => fines.individual = Some(fr),
                        PartyKind::Organisation => fines.organisation = Some(fr),
                    }
                }
            }
            let allows_fine = allowed_penalties.contains(&PenaltyKind::Fine);
            let has_fines = fines.individual.is_some() || fines.organisation.is_some();
            if has_fines && !allows_fine {
                return Err(CatalogueError::FineInconsistent {
                    entry,
                    reason: "规定了罚款幅度，但处罚种类中没有罚款（fine）",
                });
            }
            if allows_fine
                && !has_fines
                && self
                    .fine_note
                    .as_deref()
                    .is_none_or(|n| n.trim().is_empty())
            {
                return Err(CatalogueError::FineInconsistent {
                    entry,
                    reason: "处罚种类含罚款，但既无法定罚款幅度（fines）也无计罚说明（fine_note）",
                });
            }

            // Tiers.
            let mut tiers = Vec::with_capacity(self.tiers.len());
            let mut seen_levels: BTreeSet<(TierLevel, Option<u8>)> = BTreeSet::new();
            for t in self.tiers {
                let level = TierLevel::from_code(&t.level).ok_or_else(|| {
                    CatalogueError::UnknownTierLevel {
                        entry: entry.clone(),
                        level: t.level.clone(),
                    }
                })?;
                let party = t
                    .party
                    .as_deref()
                    .map(|p| parse_party(&entry, p))
                    .transpose()?;
                let party_key = party.map(|p| match p {
                    PartyKind::Individual => 0u8,
                    PartyKind::Organisation => 1u8,
                });
                if !seen_levels.insert((level, party_key)) {
                    return Err(CatalogueError::DuplicateTier { entry, level });
                }
                if t.circumstances.trim().is_empty() {
                    return Err(CatalogueError::TierBounds {
                        entry,
                        level,
                        reason: "缺少情节说明（circumstances）".to_string(),
                    });
                }
                let (fine_min, fine_max) = match (t.fine_min, t.fine_max) {
                    (None, None) => (None, None),
                    (Some(min), Some(max)) => {
                        if min > max {
                            return Err(CatalogueError::TierBounds {
                                entry,
                                level,
                                reason: format!("罚款下限{min}元高于上限{max}元"),
                            });
                        }
                        (Some(min), Some(max))
                    }
                    _ => {
                        return Err(CatalogueError::TierBounds {
                            entry,
                            level,
                            reason: "罚款上下限须同时给出".to_string(),
                        });
                    }
                };
                if let (Some(min), Some(max)) = (fine_min, fine_max) {
                    if level == TierLevel::NoPenalty {
                        if max != 0 {
                            return Err(CatalogueError::NoPenaltyWithFine { entry });
                        }
                    } else {
                        let targets: Vec<PartyKind> = match party {
                            Some(p) => vec![p],
                            None => PARTIES
                                .into_iter()
                                .filter(|p| fines.for_party(*p).is_some())
                                .collect(),
                        };
                        if targets.is_empty() || party.is_some_and(|p| fines.for_party(p).is_none())
                        {
                            return Err(CatalogueError::TierForPartyWithoutFine {
                                entry,
                                level,
                                party: party.map_or("任何当事人", party_label),
                            });
                        }
                        for p in targets {
                            let Some(s) = fines.for_party(p) else {
                                continue;
                            };
                            let (smin, smax) = (s.min.fen() / 100, s.max.fen() / 100);
                            if level == TierLevel::Mitigated {
                                if max > smin && smin > 0 {
                                    return Err(CatalogueError::MitigatedAboveMinimum {
                                        entry,
                                        party: party_label(p),
                                        max,
                                        smin,
                                    });
                                }
                                if smin == 0 && max > smax {
                                    return Err(CatalogueError::TierOutsideRange {
                                        entry,
                                        level,
                                        party: party_label(p),
                                        min,
                                        max,
                                        smin,
                                        smax,
                                    });
                                }
                            } else if !s.contains(FineRange {
                                min: y(min),
                                max: y(max),
                            }) {
                                return Err(CatalogueError::TierOutsideRange {
                                    entry,
                                    level,
                                    party: party_label(p),
                                    min,
                                    max,
                                    smin,
                                    smax,
                                });
                            }
                        }
                    }
                }
                tiers.push(Tier {
                    level,
                    party,
                    fine_min: fine_min.map(y),
                    fine_max: fine_max.map(y),
                    circumstances: t.circumstances,
                });
            }

            let built = ViolationEntry {
                code: self.code,
                name: self.name,
                legal_basis: self.legal_basis,
                penalty_basis: self.penalty_basis,
                allowed_penalties,
                fines,
                fine_note: self.fine_note,
                fine_unit: self.fine_unit,
                tiers,
                first_violation_waiver: self.first_violation_waiver,
                source: self.source,
                confidence: self.confidence,
            };
            check_order(&entry, &built)?;
            Ok(built)
        }
    }

    /// Tiers with amounts must rise with the level and may only touch at their ends.
    fn check_order(entry: &str, e: &ViolationEntry) -> Result<(), CatalogueError> {
        for party in PARTIES {
            if e.fines.for_party(party).is_none() {
                continue;
            }
            let ranged: Vec<(TierLevel, FineRange)> = TierLevel::ALL
                .into_iter()
                .filter(|l| *l != TierLevel::NoPenalty)
                .filter_map(|l| {
                    e.tiers
                        .iter()
                        .filter(|t| t.level == l && t.applies_to(party))
                        .find(|t| t.party == Some(party))
                        .or_else(|| e.tiers.iter().find(|t| t.level == l && t.party.is_none()))
                        .and_then(|t| t.fine_range().map(|r| (l, r)))
                })
                .collect();
            for pair in ranged.windows(2) {
                let ((lower, a), (higher, b)) = (pair[0], pair[1]);
                if a.max.fen() > b.min.fen() || a.min.fen() > b.min.fen() {
                    return Err(CatalogueError::TierOverlap {
                        entry: entry.to_string(),
                        party: party_label(party),
                        lower,
                        higher,
                    });
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use super::*;

    fn entry_toml(body: &str) -> String {
        format!(
            r#"
[[entries]]
code = "zhan_dao_jing_ying"
name = "占道经营"
legal_basis = "《城市道路管理条例》第二十七条"
penalty_basis = "《城市道路管理条例》第四十二条"
allowed_penalties = ["fine"]
source = "测试"
confidence = "S"
first_violation_waiver = {{ eligible = true, conditions = "首次被发现、危害后果轻微并及时改正" }}
{body}
"#
        )
    }

    const GOOD_BODY: &str = r#"
fines.individual = { min = 500, max = 20000 }
fines.organisation = { min = 1000, max = 50000 }
[[entries.tiers]]
level = "no_penalty"
fine_min = 0
fine_max = 0
circumstances = "首违"
[[entries.tiers]]
level = "mitigated"
fine_min = 100
fine_max = 500
circumstances = "减轻"
[[entries.tiers]]
level = "lighter"
party = "individual"
fine_min = 500
fine_max = 2000
circumstances = "从轻"
[[entries.tiers]]
level = "ordinary"
party = "individual"
fine_min = 2000
fine_max = 5000
circumstances = "一般"
[[entries.tiers]]
level = "heavier"
party = "individual"
fine_min = 5000
fine_max = 20000
circumstances = "从重"
"#;

    fn err(body: &str) -> CatalogueError {
        match Catalogue::from_toml_str(&entry_toml(body)) {
            Ok(_) => panic!("应当被拒绝：{body}"),
            Err(e) => e,
        }
    }

    fn yuan(v: u64) -> Yuan {
        Yuan::from_yuan(v)
    }

    #[test]
    fn sample_loads_and_is_reasonable() {
        let c = Catalogue::sample();
        assert!(
            c.entries.len() >= 10 && c.entries.len() <= 14,
            "{}",
            c.entries.len()
        );
        for code in [
            "zhan_dao_jing_ying",
            "luan_dui_luan_fang",
            "si_da_luan_jian",
            "zhan_lv_hui_lv",
            "wei_gui_hu_wai_guang_gao",
            "zha_tu_che_pao_sa",
            "zao_sheng_rao_min",
            "luan_tu_luan_hua",
            "lu_tian_shao_kao",
        ] {
            assert!(c.get(code).is_some(), "缺少 {code}");
        }
        let e = c.get("lu_tian_shao_kao").unwrap();
        assert_eq!(
            e.fine_range(PartyKind::Individual),
            Some((yuan(500), yuan(20000)))
        );
        assert!(e.allows(PenaltyKind::Confiscation));
        assert!(!e.allows(PenaltyKind::LicenceRevocation));
        let z = c.get("zha_tu_che_pao_sa").unwrap();
        assert_eq!(z.fine_range(PartyKind::Individual), None);
        assert_eq!(
            z.fine_range(PartyKind::Organisation),
            Some((yuan(5000), yuan(50000)))
        );
        assert!(c.get("wei_fa_jian_she").unwrap().fine_is_proportional());
        assert!(c.get("no_such_code").is_none());
    }

    #[test]
    fn json_round_trip() {
        let c = Catalogue::sample();
        let json = serde_json::to_string(&c).unwrap();
        assert!(json.contains("\"min\":500"), "金额以元序列化");
        let back = Catalogue::from_json_str(&json).unwrap();
        assert_eq!(back, c);
        c.validate().unwrap();
    }

    #[test]
    fn good_body_loads() {
        let c = Catalogue::from_toml_str(&entry_toml(GOOD_BODY)).unwrap();
        assert_eq!(c.entries[0].tiers.len(), 5);
    }

    #[test]
    fn rejects_syntax_and_unknown_fields() {
        assert!(matches!(
            Catalogue::from_toml_str("[[entries]]\ncode = 1"),
            Err(CatalogueError::Syntax(_))
        ));
        assert!(matches!(err("colour = \"red\""), CatalogueError::Syntax(_)));
        assert!(matches!(
            Catalogue::from_json_str("{\"entries\": 3}"),
            Err(CatalogueError::Syntax(_))
        ));
    }

    #[test]
    fn rejects_duplicate_code() {
        let twice = format!("{}{}", entry_toml(GOOD_BODY), entry_toml(GOOD_BODY));
        let e = Catalogue::from_toml_str(&twice).unwrap_err();
        assert_eq!(
            e,
            CatalogueError::DuplicateCode {
                code: "zhan_dao_jing_ying".into()
            }
        );
        assert!(e.to_string().contains("zhan_dao_jing_ying"));
    }

    #[test]
    fn rejects_bad_code_and_missing_fields() {
        let t =
            entry_toml(GOOD_BODY).replace("code = \"zhan_dao_jing_ying\"", "code = \"ZhanDao\"");
        assert!(matches!(
            Catalogue::from_toml_str(&t),
            Err(CatalogueError::BadCode { .. })
        ));
        let t = entry_toml(GOOD_BODY).replace("code = \"zhan_dao_jing_ying\"", "code = \"\"");
        assert!(matches!(
            Catalogue::from_toml_str(&t),
            Err(CatalogueError::MissingField { .. })
        ));
        let t = entry_toml(GOOD_BODY).replace(
            "penalty_basis = \"《城市道路管理条例》第四十二条\"",
            "penalty_basis = \" \"",
        );
        let e = Catalogue::from_toml_str(&t).unwrap_err();
        assert!(e.to_string().contains("处罚依据"), "{e}");
        assert!(e.to_string().contains("占道经营"), "{e}");
        let t = entry_toml(GOOD_BODY)
            .replace("allowed_penalties = [\"fine\"]", "allowed_penalties = []");
        assert!(matches!(
            Catalogue::from_toml_str(&t),
            Err(CatalogueError::MissingField { .. })
        ));
    }

    #[test]
    fn rejects_unknown_penalty_kind() {
        let t = entry_toml(GOOD_BODY).replace("[\"fine\"]", "[\"fine\", \"detention\"]");
        let e = Catalogue::from_toml_str(&t).unwrap_err();
        assert_eq!(
            e,
            CatalogueError::UnknownPenaltyKind {
                entry: "zhan_dao_jing_ying（占道经营）".into(),
                kind: "detention".into()
            }
        );
        assert!(e.to_string().contains("detention"));
    }

    #[test]
    fn rejects_unknown_party_and_level() {
        let t = entry_toml(GOOD_BODY).replacen("party = \"individual\"", "party = \"company\"", 1);
        assert!(matches!(
            Catalogue::from_toml_str(&t),
            Err(CatalogueError::UnknownParty { .. })
        ));
        let t = entry_toml(GOOD_BODY).replace("level = \"heavier\"", "level = \"severe\"");
        assert!(matches!(
            Catalogue::from_toml_str(&t),
            Err(CatalogueError::UnknownTierLevel { .. })
        ));
    }

    #[test]
    fn rejects_statutory_min_above_max() {
        let e = err("fines.individual = { min = 500, max = 200 }");
        assert!(matches!(
            e,
            CatalogueError::StatutoryMinAboveMax {
                min: 500,
                max: 200,
                ..
            }
        ));
        assert!(e.to_string().contains("个人"));
    }

    #[test]
    fn rejects_inconsistent_fines() {
        let t = entry_toml("fines.individual = { min = 0, max = 200 }")
            .replace("[\"fine\"]", "[\"warning\"]");
        assert!(matches!(
            Catalogue::from_toml_str(&t),
            Err(CatalogueError::FineInconsistent { .. })
        ));
        assert!(matches!(err(""), CatalogueError::FineInconsistent { .. }));
        // A percentage-based fine with a note is fine.
        Catalogue::from_toml_str(&entry_toml(
            "fine_note = \"按工程造价百分之五以上百分之十以下\"",
        ))
        .unwrap();
    }

    #[test]
    fn rejects_tier_bounds() {
        let e = err(
            "fines.individual = { min = 0, max = 200 }\n[[entries.tiers]]\nlevel = \"lighter\"\nfine_min = 100\nfine_max = 50\ncircumstances = \"x\"",
        );
        assert!(matches!(
            e,
            CatalogueError::TierBounds {
                level: TierLevel::Lighter,
                ..
            }
        ));
        let e = err(
            "fines.individual = { min = 0, max = 200 }\n[[entries.tiers]]\nlevel = \"lighter\"\nfine_min = 100\ncircumstances = \"x\"",
        );
        assert!(matches!(e, CatalogueError::TierBounds { .. }));
        let e = err(
            "fines.individual = { min = 0, max = 200 }\n[[entries.tiers]]\nlevel = \"lighter\"\nfine_min = 0\nfine_max = 50\ncircumstances = \" \"",
        );
        assert!(matches!(e, CatalogueError::TierBounds { .. }));
    }

    #[test]
    fn rejects_tier_outside_statutory_range() {
        let body = GOOD_BODY.replace(
            "fine_max = 20000\ncircumstances = \"从重\"",
            "fine_max = 30000\ncircumstances = \"从重\"",
        );
        let e = err(&body);
        assert!(
            matches!(
                e,
                CatalogueError::TierOutsideRange {
                    level: TierLevel::Heavier,
                    max: 30000,
                    smax: 20000,
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(e.to_string().contains("从重"));
        // A general tier must fit every party's range: 500–2000 is below the organisation minimum 1000.
        let body = GOOD_BODY.replacen("party = \"individual\"\n", "", 1);
        assert!(matches!(
            err(&body),
            CatalogueError::TierOutsideRange {
                party: "单位", ..
            }
        ));
    }

    #[test]
    fn rejects_mitigated_above_minimum() {
        let body = GOOD_BODY.replace(
            "fine_min = 100\nfine_max = 500",
            "fine_min = 100\nfine_max = 800",
        );
        assert!(matches!(
            err(&body),
            CatalogueError::MitigatedAboveMinimum {
                max: 800,
                smin: 500,
                ..
            }
        ));
    }

    #[test]
    fn rejects_no_penalty_with_fine() {
        let body = GOOD_BODY.replacen(
            "fine_min = 0\nfine_max = 0",
            "fine_min = 0\nfine_max = 50",
            1,
        );
        assert!(matches!(
            err(&body),
            CatalogueError::NoPenaltyWithFine { .. }
        ));
    }

    #[test]
    fn rejects_duplicate_tier() {
        let body = format!(
            "{GOOD_BODY}\n[[entries.tiers]]\nlevel = \"heavier\"\nparty = \"individual\"\nfine_min = 6000\nfine_max = 7000\ncircumstances = \"再一个从重\""
        );
        assert!(matches!(
            err(&body),
            CatalogueError::DuplicateTier {
                level: TierLevel::Heavier,
                ..
            }
        ));
    }

    #[test]
    fn rejects_overlapping_tiers() {
        let body = GOOD_BODY.replace(
            "fine_min = 2000\nfine_max = 5000",
            "fine_min = 1500\nfine_max = 5000",
        );
        let e = err(&body);
        assert!(
            matches!(
                e,
                CatalogueError::TierOverlap {
                    lower: TierLevel::Lighter,
                    higher: TierLevel::Ordinary,
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn rejects_tier_for_party_without_fine() {
        let body = "fines.organisation = { min = 5000, max = 50000 }\n[[entries.tiers]]\nlevel = \"lighter\"\nparty = \"individual\"\nfine_min = 0\nfine_max = 50\ncircumstances = \"x\"";
        assert!(matches!(
            err(body),
            CatalogueError::TierForPartyWithoutFine {
                party: "个人", ..
            }
        ));
    }

    #[test]
    fn suggest_first_violation_waiver() {
        let c = Catalogue::sample();
        let e = c.get("zhan_dao_jing_ying").unwrap();
        let f = Facts {
            first_violation: true,
            minor_harm: true,
            corrected_promptly: true,
            ..Facts::default()
        };
        let s = e.suggest(PartyKind::Individual, &f);
        assert_eq!(s.level, TierLevel::NoPenalty);
        assert!(s.first_violation_waiver);
        assert_eq!(s.fine_range.map(FineRange::pair), Some((yuan(0), yuan(0))));
        // Not eligible → mitigated; shi_gong_zao_sheng has a 减轻 tier 5,000–10,000.
        let n = c.get("shi_gong_zao_sheng").unwrap();
        let s = n.suggest(PartyKind::Organisation, &f);
        assert_eq!(s.level, TierLevel::Mitigated);
        assert!(!s.first_violation_waiver);
        assert_eq!(
            s.fine_range.map(FineRange::pair),
            Some((yuan(5000), yuan(10000)))
        );
    }

    #[test]
    fn suggest_aggravating_and_ordinary() {
        let c = Catalogue::sample();
        let e = c.get("lu_tian_shao_kao").unwrap();
        let s = e.suggest(PartyKind::Individual, &Facts::default());
        assert_eq!(s.level, TierLevel::Ordinary);
        assert_eq!(
            s.fine_range.map(FineRange::pair),
            Some((yuan(2000), yuan(5000)))
        );
        let s = e.suggest(
            PartyKind::Individual,
            &Facts {
                repeated: true,
                ..Facts::default()
            },
        );
        assert_eq!(s.level, TierLevel::Heavier);
        assert_eq!(
            s.fine_range.map(FineRange::pair),
            Some((yuan(5000), yuan(20000)))
        );
        // Aggravating circumstance blocks the waiver even for a first, minor, corrected act.
        let f = Facts {
            first_violation: true,
            minor_harm: true,
            corrected_promptly: true,
            obstructed: true,
            ..Facts::default()
        };
        let s = e.suggest(PartyKind::Individual, &f);
        assert_eq!(s.level, TierLevel::Ordinary);
        assert!(!s.first_violation_waiver);
        let s = e.suggest(
            PartyKind::Organisation,
            &Facts {
                serious_harm: true,
                ..Facts::default()
            },
        );
        assert_eq!(s.level, TierLevel::Heavier);
    }

    #[test]
    fn suggest_lighter_and_fallbacks() {
        let c = Catalogue::sample();
        let e = c.get("zao_sheng_rao_min").unwrap();
        let s = e.suggest(
            PartyKind::Organisation,
            &Facts {
                corrected_promptly: true,
                ..Facts::default()
            },
        );
        assert_eq!(s.level, TierLevel::Lighter);
        assert_eq!(
            s.fine_range.map(FineRange::pair),
            Some((yuan(2000), yuan(6000)))
        );
        // zhan_dao_jing_ying has no 减轻 tier (statutory minimum 0): falls back to 从轻.
        let z = c.get("wei_gui_hu_wai_guang_gao").unwrap();
        let mut zz = z.clone();
        zz.first_violation_waiver.eligible = false;
        let f = Facts {
            first_violation: true,
            minor_harm: true,
            corrected_promptly: true,
            ..Facts::default()
        };
        let s = zz.suggest(PartyKind::Individual, &f);
        assert_eq!(s.level, TierLevel::Lighter);
        assert_eq!(
            s.fine_range.map(FineRange::pair),
            Some((yuan(100), yuan(200)))
        );
        assert!(s.reasons.iter().any(|r| r.contains("未设")));
        // No statutory fine for the party → no range.
        let t = c.get("zha_tu_che_pao_sa").unwrap();
        assert_eq!(
            t.suggest(PartyKind::Individual, &Facts::default())
                .fine_range,
            None
        );
        // Percentage fines: tier without amounts, no range.
        let w = c.get("wei_fa_jian_she").unwrap();
        let s = w.suggest(PartyKind::Organisation, &Facts::default());
        assert_eq!(s.level, TierLevel::Ordinary);
        assert_eq!(s.fine_range, None);
        assert!(s.circumstances.unwrap().contains("造价"));
    }
}
