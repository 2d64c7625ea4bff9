//! The bureau's rule settings (本局规则设置): every number and switch of the penalty-case rules
//! (`fazhi_domain::config::RulesConfig`) with its Chinese name, its current value and where it
//! comes from, and the change of the ones the bureau may set itself.
//!
//! Each field has one [`Spec`] in [`SPECS`]: its basis as the field's doc comment states it,
//! and its [`Source`]: a statute ([P] in the doc comments: 行政处罚法, 行政强制法 …) is shown
//! read-only with its basis; a provincial or sector rule ([S]) or the bureau's own rule ([U],
//! [L], bureau practice, 本局规定) may be changed by the bureau. A change is validated (type and
//! range, a Chinese message naming the setting), needs a reason, is written with a version
//! check (`rule_settings`, migration 0013) and an audit entry `settings.rule` (before, after,
//! reason) in the same transaction. Who may change them is the permission table's
//! `EditBureauSettings` (the legal office and administrators, like loading a calendar year);
//! case workers may read them (`ViewBureauSettings`).
//!
//! The effective rules are the built-in defaults or the `--rules` file
//! (`Settings::base_rules`) with the stored values laid over them: [`AppState::rules`]. Like
//! the calendar (`service::calendar`), each server holds the rules it built together with the
//! generation (`SUM(version)`) they were built from and asks the database for the generation
//! at most every [`RECHECK`]; the changing server swaps its own at once. So a change counts
//! for the next request on that server and within seconds on every other, without a restart.
//! See `docs/decisions/017-bureau-settings.md`.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use fazhi_domain::config::RulesConfig;
use fazhi_domain::timeline::Yuan;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::audit::{Actor, AuditEvent, append};
use super::auth::CurrentUser;
use super::permissions::Action;
use super::{AppState, ServiceError, ServiceResult};
use crate::infra::clock::to_db_time;
use crate::repo::rule_setting_repo::{self, SettingRow};

/// How long a server counts on the rules it holds before asking the database whether a
/// setting changed meanwhile (the same period as the calendar's).
pub const RECHECK: Duration = super::calendar::RECHECK;

/// The effective rules a server holds, with the generation they were built from.
#[derive(Default)]
pub struct LiveRules {
    held: RwLock<Option<Held>>,
}

#[derive(Clone)]
struct Held {
    generation: i64,
    rules: Arc<RulesConfig>,
    checked: Instant,
}

impl std::fmt::Debug for LiveRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveRules").finish_non_exhaustive()
    }
}

impl LiveRules {
    fn get(&self) -> Option<Held> {
        self.held.read().ok().and_then(|h| h.clone())
    }

    fn set(&self, generation: i64, rules: Arc<RulesConfig>) {
        if let Ok(mut h) = self.held.write() {
            // Never go back to an older generation (two changes racing on one server).
            if h.as_ref().is_some_and(|x| x.generation > generation) {
                return;
            }
            *h = Some(Held {
                generation,
                rules,
                checked: Instant::now(),
            });
        }
    }
}

impl AppState {
    /// The rules to apply now: the defaults or the `--rules` file with the bureau's stored
    /// settings laid over them (see the module doc for how servers learn of a change).
    pub async fn rules(&self) -> ServiceResult<Arc<RulesConfig>> {
        let live = &self.settings.live_rules;
        let held = live.get();
        if let Some(h) = &held
            && h.checked.elapsed() < RECHECK
        {
            return Ok(h.rules.clone());
        }
        let mut conn = self.db.pool.acquire().await?;
        let generation = rule_setting_repo::generation(&mut conn).await?;
        if let Some(h) = held
            && h.generation == generation
        {
            live.set(generation, h.rules.clone());
            return Ok(h.rules);
        }
        let rows = rule_setting_repo::all(&mut conn).await?;
        let rules =
            Arc::new(overlay(&self.settings.base_rules, &rows).map_err(|e| {
                ServiceError::Internal(anyhow::anyhow!("stored rule setting: {e}"))
            })?);
        live.set(generation, rules.clone());
        Ok(rules)
    }
}

/// Where a setting comes from, and so whether the bureau may change it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// A national statute ([P]): shown with its basis, never changed here.
    Statute,
    /// A provincial or sector rule ([S]) the bureau applies; it changes when that rule does.
    Regional,
    /// The bureau's own rule or reading ([U], [L], bureau practice: 本局规定).
    Bureau,
}

impl Source {
    pub fn label(self) -> &'static str {
        match self {
            Source::Statute => "法定",
            Source::Regional => "地方或行业规定",
            Source::Bureau => "本局规定",
        }
    }

    /// Whether the bureau may change a setting of this source.
    pub fn editable(self) -> bool {
        !matches!(self, Source::Statute)
    }
}

/// What kind of value a setting holds.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// A whole number between `min` and `max`, shown with its unit (个工作日, 日 …).
    Count {
        min: u32,
        max: u32,
        unit: &'static str,
    },
    /// An amount in yuan, more than zero and at most `max_yuan`.
    Amount { max_yuan: u64 },
    /// On or off.
    Switch,
    /// One of a list of values, each with its Chinese label.
    Choice(&'static [(&'static str, &'static str)]),
    /// A line of text of at most `max_chars` characters.
    Text { max_chars: usize },
}

/// One field of `RulesConfig` as the bureau sees it.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// The field's name (the key of the rules file).
    pub key: &'static str,
    pub label: &'static str,
    pub source: Source,
    /// The legal basis, as the field's doc comment gives it.
    pub basis: &'static str,
    pub kind: Kind,
}

const fn days(min: u32, max: u32, unit: &'static str) -> Kind {
    Kind::Count { min, max, unit }
}

const DAY_UNITS: &[(&str, &str)] = &[
    ("working_days", "按工作日计算（行政强制法第六十九条）"),
    ("calendar_days", "按日计算，期满日遇休息日顺延"),
];
const REST_DAYS: &[(&str, &str)] = &[
    ("holidays_and_weekends", "法定节假日和周末均顺延"),
    ("holidays_only", "仅法定节假日顺延"),
];

use Source::{Bureau, Regional, Statute};

/// Every field of `RulesConfig`, in the order of the struct (a unit test holds the two
/// together).
pub const SPECS: &[Spec] = &[
    Spec {
        key: "hearing_request_working_days",
        label: "申请听证期限",
        source: Statute,
        basis: "行政处罚法第六十四条第一项、第八十五条",
        kind: days(1, 60, "个工作日"),
    },
    Spec {
        key: "hearing_notice_working_days",
        label: "听证通知提前期",
        source: Statute,
        basis: "行政处罚法第六十四条第二项、第八十五条",
        kind: days(1, 60, "个工作日"),
    },
    Spec {
        key: "service_working_days",
        label: "当事人不在场时处罚决定书送达期限",
        source: Statute,
        basis: "行政处罚法第六十一条、第八十五条",
        kind: days(1, 60, "个工作日"),
    },
    Spec {
        key: "statement_working_days",
        label: "陈述、申辩期限",
        source: Regional,
        basis: "行政处罚法第四十四条、第四十五条、第六十二条规定权利但未规定天数：按本局《行政处罚事先告知书》格式文本载明的期限（通常为五个工作日）",
        kind: days(1, 30, "个工作日"),
    },
    Spec {
        key: "preservation_decision_working_days",
        label: "先行登记保存处理决定期限",
        source: Statute,
        basis: "行政处罚法第五十六条、第八十五条",
        kind: days(1, 60, "个工作日"),
    },
    Spec {
        key: "decision_days",
        label: "作出处罚决定期限（自立案之日起）",
        source: Statute,
        basis: "行政处罚法第六十条",
        kind: days(1, 365, "日"),
    },
    Spec {
        key: "payment_days",
        label: "缴纳罚款期限",
        source: Statute,
        basis: "行政处罚法第六十七条",
        kind: days(1, 365, "日"),
    },
    Spec {
        key: "public_notice_effect_days",
        label: "公告送达生效期",
        source: Statute,
        basis: "民事诉讼法第九十五条",
        kind: days(1, 365, "日"),
    },
    Spec {
        key: "summary_max_fine_individual",
        label: "简易程序罚款上限（公民）",
        source: Statute,
        basis: "行政处罚法第五十一条",
        kind: Kind::Amount { max_yuan: 100_000 },
    },
    Spec {
        key: "summary_max_fine_organisation",
        label: "简易程序罚款上限（法人或者其他组织）",
        source: Statute,
        basis: "行政处罚法第五十一条",
        kind: Kind::Amount { max_yuan: 100_000 },
    },
    Spec {
        key: "onsite_collection_max",
        label: "当场收缴罚款上限",
        source: Statute,
        basis: "行政处罚法第六十八条第一项",
        kind: Kind::Amount { max_yuan: 100_000 },
    },
    Spec {
        key: "onsite_handin_working_days",
        label: "当场收缴罚款交至行政机关期限",
        source: Statute,
        basis: "行政处罚法第七十一条、第八十五条",
        kind: days(1, 60, "个工作日"),
    },
    Spec {
        key: "hearing_fine_individual",
        label: "听证“较大数额”（公民）",
        source: Regional,
        basis: "河南省行政处罚听证办法（省政府令第204号）第四条：五千元以上",
        kind: Kind::Amount {
            max_yuan: 10_000_000,
        },
    },
    Spec {
        key: "hearing_fine_organisation",
        label: "听证“较大数额”（法人或者其他组织）",
        source: Regional,
        basis: "河南省行政处罚听证办法（省政府令第204号）第四条：五万元以上",
        kind: Kind::Amount {
            max_yuan: 10_000_000,
        },
    },
    Spec {
        key: "limitation_years",
        label: "追责时效",
        source: Statute,
        basis: "行政处罚法第三十六条第一款",
        kind: days(1, 20, "年"),
    },
    Spec {
        key: "limitation_years_serious",
        label: "追责时效（涉及生命健康安全、金融安全且有危害后果）",
        source: Statute,
        basis: "行政处罚法第三十六条第一款",
        kind: days(1, 20, "年"),
    },
    Spec {
        key: "surcharge_percent_per_day",
        label: "加处罚款每日比例",
        source: Statute,
        basis: "行政处罚法第七十二条第一项；行政强制法第四十五条",
        kind: days(1, 100, "%"),
    },
    Spec {
        key: "court_application_months",
        label: "申请人民法院强制执行期限（起诉期限届满后）",
        source: Statute,
        basis: "行政强制法第五十三条；最高人民法院关于适用《中华人民共和国行政诉讼法》的解释第一百五十六条",
        kind: days(1, 24, "个月"),
    },
    Spec {
        key: "litigation_months",
        label: "起诉期限",
        source: Statute,
        basis: "行政诉讼法第四十六条；行政强制法第五十三条",
        kind: days(1, 24, "个月"),
    },
    Spec {
        key: "demand_wait_working_days",
        label: "催告后申请强制执行前的等待期",
        source: Statute,
        basis: "行政强制法第五十四条、第六十九条",
        kind: days(1, 60, "日"),
    },
    Spec {
        key: "transfer_decision_days",
        label: "移送涉嫌犯罪案件审批期限",
        source: Statute,
        basis: "行政执法机关移送涉嫌犯罪案件的规定第五条",
        kind: days(1, 30, "日"),
    },
    Spec {
        key: "transfer_handover_days",
        label: "向公安机关移送期限（“24小时内”）",
        source: Statute,
        basis: "行政执法机关移送涉嫌犯罪案件的规定第五条",
        kind: days(1, 30, "日"),
    },
    Spec {
        key: "urgent_report_days",
        label: "当场实施行政强制措施后报告期限（“二十四小时内”）",
        source: Statute,
        basis: "行政强制法第十九条",
        kind: days(1, 30, "日"),
    },
    Spec {
        key: "seizure_days",
        label: "查封、扣押期限",
        source: Statute,
        basis: "行政强制法第二十五条",
        kind: days(1, 365, "日"),
    },
    Spec {
        key: "seizure_extension_days",
        label: "查封、扣押延长期限",
        source: Statute,
        basis: "行政强制法第二十五条",
        kind: days(1, 365, "日"),
    },
    Spec {
        key: "near_due_working_days",
        label: "期限临近提醒",
        source: Bureau,
        basis: "本局工作要求（非法定）：期限届满前多少个工作日标为“临期”",
        kind: days(0, 30, "个工作日"),
    },
    Spec {
        key: "rest_days",
        label: "期间届满日顺延规则",
        source: Bureau,
        basis: "民事诉讼法第八十五条“期间届满的最后一日是法定休假日的，以法定休假日后的第一日为期间届满的日期”：休假日的范围由本局确定",
        kind: Kind::Choice(REST_DAYS),
    },
    Spec {
        key: "review_when_hearing_scope",
        label: "属听证范围的处罚须经法制审核",
        source: Bureau,
        basis: "行政处罚法第五十八条；河南省行政执法条例第二十八条：列入本局重大执法决定目录",
        kind: Kind::Switch,
    },
    Spec {
        key: "deliberation_when_hearing_scope",
        label: "属听证范围的处罚须经集体讨论",
        source: Bureau,
        basis: "行政处罚法第五十七条第二款；河南省行政执法条例第二十八条：列入本局重大执法决定目录",
        kind: Kind::Switch,
    },
    Spec {
        key: "local_rules_document",
        label: "本局重大执法决定目录名称",
        source: Bureau,
        basis: "河南省行政执法条例第二十八条：各行政执法机关确定并公布本机关重大执法决定目录；依本局规定的规则引用此名称",
        kind: Kind::Text { max_chars: 100 },
    },
    Spec {
        key: "demand_wait_unit",
        label: "催告书送达“十日后”的计算方式",
        source: Bureau,
        basis: "行政强制法第五十四条、第六十九条：条文为法定，计算口径由本局确定",
        kind: Kind::Choice(DAY_UNITS),
    },
    Spec {
        key: "decision_extension_allowed",
        label: "经负责人批准可延长办案期限",
        source: Bureau,
        basis: "行政处罚法第六十条“法律、法规、规章另有规定的，从其规定”：本局规定",
        kind: Kind::Switch,
    },
    Spec {
        key: "decision_extension_max_days",
        label: "办案期限最多延长",
        source: Bureau,
        basis: "本局规定（仅在允许延长办案期限时适用）",
        kind: days(1, 365, "日"),
    },
    Spec {
        key: "decision_period_exclusions",
        label: "听证、公告、检测、检验、鉴定期间不计入办案期限",
        source: Bureau,
        basis: "行政处罚法第六十条“法律、法规、规章另有规定的，从其规定”：本局规定",
        kind: Kind::Switch,
    },
];

/// The spec of `key`.
pub fn spec(key: &str) -> Option<&'static Spec> {
    SPECS.iter().find(|s| s.key == key)
}

/// The base rules with the stored values of the settings the bureau may change laid over
/// them. Rows of keys this build does not know (or may not change) are ignored.
pub fn overlay(base: &RulesConfig, rows: &[SettingRow]) -> Result<RulesConfig, String> {
    let mut all = serde_json::to_value(base).map_err(|e| e.to_string())?;
    for r in rows {
        if !spec(&r.key).is_some_and(|s| s.source.editable()) {
            tracing::warn!(key = %r.key, "stored rule setting ignored: not a setting the bureau may change");
            continue;
        }
        let v: Value = serde_json::from_str(&r.value).map_err(|e| format!("{}: {e}", r.key))?;
        if let Some(obj) = all.as_object_mut() {
            obj.insert(r.key.clone(), v);
        }
    }
    serde_json::from_value(all).map_err(|e| e.to_string())
}

fn amount_text(y: Yuan) -> String {
    let t = y.to_string();
    t.trim_end_matches('元').to_owned()
}

/// A value typed into the form (or sent to the API) as the JSON the rules file holds, or the
/// Chinese message naming the setting.
pub fn parse_value(spec: &Spec, text: &str) -> Result<Value, String> {
    let t = text.trim();
    let label = spec.label;
    match spec.kind {
        Kind::Count { min, max, unit } => match t.parse::<u32>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Value::from(n)),
            _ => Err(format!(
                "“{label}”应为 {min} 至 {max} 之间的整数（单位：{unit}），“{t}”无效"
            )),
        },
        Kind::Amount { max_yuan } => {
            let y = Yuan::parse_decimal(t.trim_end_matches('元').trim())
                .map_err(|e| format!("“{label}”：{e}"))?;
            if y.is_zero() || y > Yuan::from_yuan(max_yuan) {
                return Err(format!(
                    "“{label}”应大于0元且不超过{}",
                    Yuan::from_yuan(max_yuan)
                ));
            }
            Ok(Value::String(amount_text(y)))
        }
        Kind::Switch => match t {
            "true" | "是" => Ok(Value::Bool(true)),
            "false" | "否" => Ok(Value::Bool(false)),
            _ => Err(format!("“{label}”只能选择“是”或“否”")),
        },
        Kind::Choice(options) => options
            .iter()
            .find(|(v, _)| *v == t)
            .map(|(v, _)| Value::String((*v).to_owned()))
            .ok_or_else(|| {
                let names: Vec<&str> = options.iter().map(|(_, l)| *l).collect();
                format!("“{label}”只能选择：{}", names.join("；"))
            }),
        Kind::Text { max_chars } => {
            if t.is_empty() {
                Err(format!("“{label}”不能为空"))
            } else if t.chars().count() > max_chars {
                Err(format!("“{label}”不能超过{max_chars}个字"))
            } else if t.contains(['\n', '\r']) {
                Err(format!("“{label}”只能填写一行"))
            } else {
                Ok(Value::String(t.to_owned()))
            }
        }
    }
}

/// The value as the page shows it (`5个工作日`, `5000元`, `是`) and as the form field holds it.
fn shown(spec: &Spec, v: &Value) -> (String, String) {
    match spec.kind {
        Kind::Count { unit, .. } => {
            let n = v.as_u64().unwrap_or_default();
            (format!("{n}{unit}"), n.to_string())
        }
        Kind::Amount { .. } => match serde_json::from_value::<Yuan>(v.clone()) {
            Ok(y) => (y.to_string(), amount_text(y)),
            Err(_) => (v.to_string(), v.to_string()),
        },
        Kind::Switch => {
            let b = v.as_bool().unwrap_or_default();
            (if b { "是" } else { "否" }.to_owned(), b.to_string())
        }
        Kind::Choice(options) => {
            let s = v.as_str().unwrap_or_default();
            let label = options.iter().find(|(k, _)| *k == s).map_or(s, |(_, l)| *l);
            (label.to_owned(), s.to_owned())
        }
        Kind::Text { .. } => {
            let s = v.as_str().unwrap_or_default().to_owned();
            (s.clone(), s)
        }
    }
}

/// The shape of [`SettingView::value`] in the API schema (documentation only).
#[derive(Serialize, utoipa::ToSchema)]
#[serde(untagged)]
#[allow(dead_code, reason = "only its schema is used")]
pub enum SettingValue {
    Number(f64),
    Switch(bool),
    Text(String),
}

/// One choice of a setting with a list of values.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SettingOption {
    pub value: &'static str,
    pub label: &'static str,
}

/// One rule setting as the page and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SettingView {
    /// The field of the rules (the key of the rules file).
    pub key: &'static str,
    pub label: &'static str,
    pub source: Source,
    /// 法定, 地方或行业规定 or 本局规定.
    pub source_label: &'static str,
    /// The legal basis.
    pub basis: &'static str,
    /// Whether the bureau may change it (not a statutory number).
    pub editable: bool,
    /// `count`, `amount`, `switch`, `choice` or `text`.
    pub kind: &'static str,
    /// The value in effect, as in the rules file: a number (`count`, `amount`), a boolean
    /// (`switch`) or a text (`choice`, `text`).
    #[schema(value_type = SettingValue)]
    pub value: Value,
    /// The value in effect in words (`5个工作日`, `5000元`, `是`).
    pub display: String,
    /// The value as a form field holds it.
    pub input: String,
    /// What may be entered (`1 至 30 之间的整数（个工作日）`).
    pub hint: String,
    /// The choices of a `choice` (and `switch`) setting.
    pub options: Vec<SettingOption>,
    /// The value of the defaults or the `--rules` file, in words.
    pub default_display: String,
    /// Send it back as `expected_version` with a change (0: never changed here).
    pub version: i64,
    /// The last change made here: who, when and why.
    pub changed_by: Option<String>,
    pub changed_at: Option<String>,
    pub reason: Option<String>,
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Count { .. } => "count",
        Kind::Amount { .. } => "amount",
        Kind::Switch => "switch",
        Kind::Choice(_) => "choice",
        Kind::Text { .. } => "text",
    }
}

fn hint(k: Kind) -> String {
    match k {
        Kind::Count { min, max, unit } => format!("{min} 至 {max} 之间的整数（{unit}）"),
        Kind::Amount { max_yuan } => format!(
            "大于0元、不超过{}的金额，最多两位小数",
            Yuan::from_yuan(max_yuan)
        ),
        Kind::Switch => "是或否".to_owned(),
        Kind::Choice(_) => "从列表中选择".to_owned(),
        Kind::Text { max_chars } => format!("一行文字，不超过{max_chars}个字"),
    }
}

fn options(k: Kind) -> Vec<SettingOption> {
    match k {
        Kind::Choice(o) => o
            .iter()
            .map(|(value, label)| SettingOption { value, label })
            .collect(),
        Kind::Switch => vec![
            SettingOption {
                value: "true",
                label: "是",
            },
            SettingOption {
                value: "false",
                label: "否",
            },
        ],
        _ => Vec::new(),
    }
}

/// Every rule setting with its value in effect, basis and last change (case workers, the
/// legal office and administrators may read them).
pub async fn list(state: &AppState, actor: &CurrentUser) -> ServiceResult<Vec<SettingView>> {
    actor.require(Action::ViewBureauSettings)?;
    let rules = state.rules().await?;
    let mut conn = state.db.pool.acquire().await?;
    let rows = rule_setting_repo::all(&mut conn).await?;
    let mut names: Vec<(String, String)> = Vec::new();
    for r in &rows {
        if !names.iter().any(|(id, _)| *id == r.changed_by) {
            let name = crate::repo::user_repo::by_id(&mut conn, &r.changed_by)
                .await?
                .map_or_else(|| r.changed_by.clone(), |u| u.display_name);
            names.push((r.changed_by.clone(), name));
        }
    }
    let current = serde_json::to_value(&*rules).map_err(anyhow::Error::from)?;
    let base = serde_json::to_value(&state.settings.base_rules).map_err(anyhow::Error::from)?;
    Ok(SPECS
        .iter()
        .map(|s| {
            let v = current.get(s.key).cloned().unwrap_or(Value::Null);
            let (display, input) = shown(s, &v);
            let (default_display, _) = shown(s, base.get(s.key).unwrap_or(&Value::Null));
            let row = rows.iter().find(|r| r.key == s.key);
            SettingView {
                key: s.key,
                label: s.label,
                source: s.source,
                source_label: s.source.label(),
                basis: s.basis,
                editable: s.source.editable(),
                kind: kind_name(s.kind),
                value: v,
                display,
                input,
                hint: hint(s.kind),
                options: options(s.kind),
                default_display,
                version: row.map_or(0, |r| r.version),
                changed_by: row.map(|r| {
                    names
                        .iter()
                        .find(|(id, _)| *id == r.changed_by)
                        .map_or_else(|| r.changed_by.clone(), |(_, n)| n.clone())
                }),
                changed_at: row.map(|r| r.changed_at.clone()),
                reason: row.map(|r| r.reason.clone()),
            }
        })
        .collect())
}

/// A change of one setting.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingChange {
    /// The value as typed (`7`, `6000`, `true`, `calendar_days`, a title).
    pub value: String,
    /// Why the bureau changes it (the document or decision behind the change).
    pub reason: String,
    /// The setting's `version` as last read (0 when it was never changed here).
    pub expected_version: i64,
}

/// Changes one setting the bureau may change: validated, written with a version check and an
/// audit entry, in effect for the next request. `via` is `page` or `api`.
pub async fn change(
    state: &AppState,
    actor: &CurrentUser,
    key: &str,
    input: &SettingChange,
    via: &str,
) -> ServiceResult<SettingView> {
    actor.require(Action::EditBureauSettings)?;
    let spec = spec(key).ok_or(ServiceError::NotFound {
        what: "规则设置"
    })?;
    if !spec.source.editable() {
        return Err(ServiceError::invalid_field(
            "setting_statutory",
            "value",
            format!("“{}”由法律规定（{}），本局不能修改", spec.label, spec.basis),
        ));
    }
    let value = parse_value(spec, &input.value)
        .map_err(|m| ServiceError::invalid_field("invalid_setting", "value", m))?;
    let reason = input.reason.trim();
    if reason.chars().count() < 2 {
        return Err(ServiceError::invalid_field(
            "reason_required",
            "reason",
            format!("请填写修改“{}”的理由（依据的文件或决定）", spec.label),
        ));
    }
    if reason.chars().count() > 500 {
        return Err(ServiceError::invalid_field(
            "reason_too_long",
            "reason",
            "修改理由不能超过500个字",
        ));
    }
    let now = state.clock.now();
    let mut tx = state.db.begin_write().await?;
    let mut rows = rule_setting_repo::all(&mut tx).await?;
    let current = rows.iter().find(|r| r.key == key).map_or(0, |r| r.version);
    if current != input.expected_version {
        return Err(ServiceError::VersionConflict { current });
    }
    let before_rules = overlay(&state.settings.base_rules, &rows)
        .map_err(|e| ServiceError::Internal(anyhow::anyhow!("stored rule setting: {e}")))?;
    let before = serde_json::to_value(&before_rules)
        .map_err(anyhow::Error::from)?
        .get(key)
        .cloned()
        .unwrap_or(Value::Null);
    if before == value {
        return Err(ServiceError::invalid_field(
            "setting_unchanged",
            "value",
            format!("“{}”的值未改变", spec.label),
        ));
    }
    let value_text = value.to_string();
    rows.retain(|r| r.key != key);
    rows.push(SettingRow {
        key: key.to_owned(),
        value: value_text.clone(),
        reason: reason.to_owned(),
        changed_by: actor.id.clone(),
        changed_at: to_db_time(now),
        version: current + 1,
    });
    let rules = overlay(&state.settings.base_rules, &rows)
        .map_err(|e| ServiceError::invalid_field("invalid_setting", "value", e))?;
    let Some(version) = rule_setting_repo::put(
        &mut tx,
        key,
        &value_text,
        reason,
        &actor.id,
        &to_db_time(now),
        current,
    )
    .await?
    else {
        return Err(ServiceError::VersionConflict { current });
    };
    let generation = rule_setting_repo::generation(&mut tx).await?;
    append(
        &mut tx,
        &Actor(actor.id.clone()),
        now,
        AuditEvent {
            action: "settings.rule",
            entity: "rule_setting",
            entity_id: key,
            content: serde_json::json!({
                "via": via,
                "key": key,
                "label": spec.label,
                "before": before,
                "after": value,
                "reason": reason,
                "version": version,
            }),
        },
    )
    .await?;
    tx.commit().await?;
    state.settings.live_rules.set(generation, Arc::new(rules));
    list(state, actor)
        .await?
        .into_iter()
        .find(|v| v.key == key)
        .ok_or_else(|| ServiceError::Internal(anyhow::anyhow!("setting {key} vanished")))
}

#[cfg(test)]
mod tests {
    #![expect(clippy::unwrap_used, reason = "tests")]

    use super::*;

    #[test]
    fn every_field_of_the_rules_has_one_spec_in_order() {
        let v = serde_json::to_value(RulesConfig::default()).unwrap();
        let fields: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        let specs: Vec<&str> = SPECS.iter().map(|s| s.key).collect();
        let mut sorted = specs.clone();
        sorted.sort_unstable();
        let mut f = fields.clone();
        f.sort_unstable();
        assert_eq!(sorted, f, "SPECS and RulesConfig disagree");
        sorted.dedup();
        assert_eq!(sorted.len(), specs.len(), "a key twice in SPECS");
    }

    #[test]
    fn every_default_value_is_accepted_by_its_own_spec() {
        let v = serde_json::to_value(RulesConfig::default()).unwrap();
        for s in SPECS {
            let (_, input) = shown(s, &v[s.key]);
            let parsed = parse_value(s, &input).unwrap_or_else(|e| panic!("{}: {e}", s.key));
            let row = SettingRow {
                key: s.key.into(),
                value: parsed.to_string(),
                reason: "r".into(),
                changed_by: "u".into(),
                changed_at: "t".into(),
                version: 1,
            };
            assert_eq!(
                overlay(&RulesConfig::default(), &[row]).unwrap(),
                RulesConfig::default(),
                "{}",
                s.key
            );
        }
    }

    #[test]
    fn values_are_checked_and_overlaid() {
        let s = spec("statement_working_days").unwrap();
        assert_eq!(parse_value(s, " 7 ").unwrap(), Value::from(7));
        let e = parse_value(s, "0").unwrap_err();
        assert!(e.contains("陈述、申辩期限") && e.contains("1 至 30"), "{e}");
        assert!(parse_value(s, "abc").is_err());
        let f = spec("hearing_fine_individual").unwrap();
        assert_eq!(parse_value(f, "3000.5元").unwrap(), Value::from("3000.50"));
        assert!(parse_value(f, "0").is_err());
        assert!(parse_value(f, "-1").is_err());
        let u = spec("demand_wait_unit").unwrap();
        assert!(parse_value(u, "weeks").is_err());
        let rows = [
            SettingRow {
                key: "statement_working_days".into(),
                value: "7".into(),
                reason: "r".into(),
                changed_by: "u".into(),
                changed_at: "t".into(),
                version: 1,
            },
            SettingRow {
                key: "hearing_fine_individual".into(),
                value: "\"3000.50\"".into(),
                reason: "r".into(),
                changed_by: "u".into(),
                changed_at: "t".into(),
                version: 2,
            },
            // A statutory number stored by hand is not applied.
            SettingRow {
                key: "decision_days".into(),
                value: "60".into(),
                reason: "r".into(),
                changed_by: "u".into(),
                changed_at: "t".into(),
                version: 1,
            },
        ];
        let r = overlay(&RulesConfig::default(), &rows).unwrap();
        assert_eq!(r.statement_working_days, 7);
        assert_eq!(r.hearing_fine_individual, Yuan::from_fen(300_050));
        assert_eq!(r.decision_days, 90);
    }

    #[test]
    fn the_statutory_numbers_are_the_ones_marked_p() {
        let editable: Vec<&str> = SPECS
            .iter()
            .filter(|s| s.source.editable())
            .map(|s| s.key)
            .collect();
        for k in [
            "statement_working_days",
            "hearing_fine_individual",
            "hearing_fine_organisation",
            "decision_extension_allowed",
            "decision_extension_max_days",
            "decision_period_exclusions",
            "demand_wait_unit",
            "local_rules_document",
            "near_due_working_days",
        ] {
            assert!(editable.contains(&k), "{k} should be editable");
        }
        for k in [
            "decision_days",
            "hearing_request_working_days",
            "payment_days",
        ] {
            assert!(!editable.contains(&k), "{k} is statutory");
        }
    }
}
