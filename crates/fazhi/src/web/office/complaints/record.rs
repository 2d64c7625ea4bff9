//! The complaint record (`/complaints/{id}`): what was reported (reporter data masked when the
//! service masks it), the time limit, the history, 督办, photos, linked cases, duplicate
//! suggestions side by side with a merge action, and the forms of the steps its stage and
//! the user's role allow. Each form posts to `/complaints/{id}/<step>`; a refusal re-renders
//! the record with the message next to the field and the input kept, a success redirects
//! back with a notice.

use super::{Opt, cn_datetime, opts, refusal, supervision_label};
use crate::service::auth::CurrentUser;
use crate::service::complaint_workflow::{
    self as wf, CloseInput, ComplaintView, DispatchInput, FinalState, Photo, RatingInput,
    RatingValue, RecategoriseInput, Stage, Step, SuperviseInput, Tag721, TextInput, ToCaseInput,
};
use crate::service::permissions::Action;
use crate::service::{AppState, ServiceError, ServiceResult, catalogue, complaint};
use crate::web::extract::read_upload;
use crate::web::page::PageForm;
use crate::web::page::{
    Layout, OfficeUser, PageError, PageResult, check_csrf, render_with, urlencode,
};
use askama::Template;
use axum::extract::{Multipart, Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use chrono::NaiveDate;
use fazhi_domain::timeline::{Party, PartyKind, Procedure};
use serde::Deserialize;
use std::collections::BTreeMap;

// ---- posted forms ------------------------------------------------------------------------

/// A posted form as name → value (the last value of a repeated name wins).
pub struct Fields(pub BTreeMap<String, String>);

impl Fields {
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        Self(pairs.into_iter().collect())
    }
    pub fn get(&self, name: &str) -> String {
        self.0.get(name).cloned().unwrap_or_default()
    }
    /// The trimmed value, `None` when empty.
    pub fn opt(&self, name: &str) -> Option<String> {
        self.0
            .get(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }
    pub fn csrf(&self) -> String {
        self.get("_csrf")
    }
    /// The hidden `expected_version` of the page the form was on.
    pub fn version(&self) -> ServiceResult<i64> {
        self.get("expected_version").trim().parse().map_err(|_| {
            ServiceError::invalid("stale_form", "页面版本信息缺失，请刷新页面后重新提交")
        })
    }
    /// The kept input, without the CSRF token.
    fn kept(mut self) -> BTreeMap<String, String> {
        self.0.remove("_csrf");
        self.0
    }
}

/// A refused form: which one, the message (next to `field` when the form has that input)
/// and the user's input.
pub struct Failed {
    pub action: &'static str,
    pub field: Option<String>,
    pub message: String,
    pub values: BTreeMap<String, String>,
}

/// The inputs each form shows an error next to; other errors appear at the form.
fn form_fields(action: &str) -> &'static [&'static str] {
    match action {
        "dispatch" => &["org_unit_id", "reason"],
        "recategorise" => &["service_code", "reason"],
        "handle" | "reply" | "follow-up" => &["text"],
        "verify" => &["note", "before", "after"],
        "close" => &[
            "final_state",
            "tag_721",
            "reason",
            "routed_to",
            "duplicate_of",
        ],
        "rate" => &["rating", "comment"],
        "supervise" => &["level", "reason"],
        "to-case" => &[
            "party_kind",
            "party_name",
            "procedure",
            "act_date",
            "violation",
        ],
        _ => &[],
    }
}

// ---- the page ----------------------------------------------------------------------------

pub struct NoteLine {
    pub at: String,
    pub summary: String,
    pub description: String,
    pub public: bool,
}

pub struct SupervisionLine {
    pub at: String,
    pub level: &'static str,
    pub reason: String,
}

pub struct PhotoLine {
    pub href: String,
    pub kind: &'static str,
    pub file_name: String,
    pub at: String,
}

pub struct AttrLine {
    pub label: String,
    pub value: String,
}

/// One side of the duplicate comparison.
pub struct Side {
    pub id: String,
    pub number: String,
    pub category: String,
    pub stage: String,
    pub received: String,
    pub place: String,
    pub description: String,
    pub unit: String,
    pub version: i64,
}

pub struct DuplicateLine {
    pub other: Side,
    pub distance: String,
    /// This complaint may be closed as a duplicate of the other one.
    pub merge_into_other: bool,
    /// The other one may be closed as a duplicate of this one.
    pub merge_other_here: bool,
}

/// Which forms the page shows: the stage must allow the step (the same `Stage` methods the
/// service uses) and the role must be one the service accepts.
#[derive(Default)]
pub struct Actions {
    pub dispatch: bool,
    pub reroute: bool,
    pub recategorise: bool,
    pub handle: bool,
    pub reply: bool,
    pub verify: bool,
    pub close: bool,
    pub follow_up: bool,
    pub rate: bool,
    pub supervise: bool,
    pub to_case: bool,
}

impl Actions {
    fn any(&self) -> bool {
        self.dispatch
            || self.recategorise
            || self.handle
            || self.reply
            || self.verify
            || self.close
            || self.follow_up
            || self.rate
            || self.supervise
            || self.to_case
    }
}

#[derive(Template)]
#[template(path = "office/complaints/show.html")]
pub struct RecordPage {
    layout: Layout,
    c: ComplaintView,
    ok: Option<String>,
    failed: Option<Failed>,
    this: Side,
    received: String,
    due: String,
    channel: &'static str,
    reporter: String,
    final_state: String,
    tag_721: String,
    rating: String,
    attributes: Vec<AttrLine>,
    notes: Vec<NoteLine>,
    supervisions: Vec<SupervisionLine>,
    photos: Vec<PhotoLine>,
    duplicate_of_number: String,
    duplicates: Vec<DuplicateLine>,
    duplicates_shown: bool,
    actions: Actions,
    any_action: bool,
    unit_opts: Vec<Opt>,
    category_opts: Vec<Opt>,
    final_opts: Vec<Opt>,
    tag_opts: Vec<Opt>,
    rating_opts: Vec<Opt>,
    level_opts: Vec<Opt>,
    party_opts: Vec<Opt>,
    procedure_opts: Vec<Opt>,
    violation_opts: Vec<Opt>,
}

impl RecordPage {
    fn failed_for(&self, action: &str) -> Option<&Failed> {
        self.failed.as_ref().filter(|f| f.action == action)
    }
    /// The user's input of a refused form (empty otherwise).
    pub fn v(&self, action: &str, name: &str) -> String {
        self.failed_for(action)
            .and_then(|f| f.values.get(name).cloned())
            .unwrap_or_default()
    }
    /// The error next to one input.
    pub fn e(&self, action: &str, name: &str) -> String {
        self.failed_for(action)
            .filter(|f| f.field.as_deref() == Some(name))
            .map(|f| f.message.clone())
            .unwrap_or_default()
    }
    /// The error at the form (no field, or a field the form has no input for).
    pub fn fe(&self, action: &str) -> String {
        self.failed_for(action)
            .filter(|f| {
                f.field
                    .as_deref()
                    .is_none_or(|x| !form_fields(action).contains(&x))
            })
            .map(|f| f.message.clone())
            .unwrap_or_default()
    }
    /// The label of the dispatch form's reason.
    pub fn reason_label(&self) -> &'static str {
        if self.actions.reroute {
            "改派理由（必填）"
        } else {
            "派单说明（可不填）"
        }
    }
    /// Verified: the next step is closing.
    pub fn verified(&self) -> bool {
        self.c.stage == Stage::Verified
    }
    /// `open` on the `<details>` of a refused form.
    pub fn open(&self, action: &str) -> bool {
        self.failed_for(action).is_some()
    }
}

fn side(c: &ComplaintView) -> Side {
    let place = match (&c.address_string, &c.lat, &c.long) {
        (Some(a), Some(la), Some(lo)) => format!("{a}（{la}, {lo}）"),
        (Some(a), _, _) => a.clone(),
        (None, Some(la), Some(lo)) => format!("坐标 {la}, {lo}"),
        _ => "—".into(),
    };
    Side {
        id: c.id.clone(),
        number: c.service_request_id.clone(),
        category: c.category_name.clone(),
        stage: c.stage_label.clone(),
        received: cn_datetime(&c.requested_at),
        place,
        description: c.description.clone().unwrap_or_default(),
        unit: match (&c.org_unit_id, &c.agency_responsible) {
            (Some(_), Some(a)) => a.clone(),
            (Some(u), None) => u.clone(),
            (None, _) => "（未派单）".into(),
        },
        version: c.version,
    }
}

fn final_label(s: &str) -> String {
    serde_json::from_value::<FinalState>(serde_json::Value::String(s.to_string()))
        .map_or_else(|_| s.to_string(), |f| f.label().to_string())
}

fn tag_label(s: &str) -> &'static str {
    match s {
        "service" => "服务",
        "management" => "管理",
        "enforcement" => "执法",
        _ => "",
    }
}

const FINAL_STATES: [FinalState; 5] = [
    FinalState::Resolved,
    FinalState::NotResolved,
    FinalState::NotOurResponsibility,
    FinalState::DuplicateOf,
    FinalState::Withdrawn,
];

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

async fn attributes(state: &AppState, c: &ComplaintView) -> Vec<AttrLine> {
    let Some(obj) = c.attributes.as_object() else {
        return Vec::new();
    };
    let category = complaint::category(state, &c.service_code).await.ok();
    obj.iter()
        .map(|(code, value)| {
            let attr = category
                .as_ref()
                .and_then(|k| k.attributes.iter().find(|a| &a.code == code));
            let name_of = |v: &str| {
                attr.and_then(|a| a.values.iter().find(|o| o.key == v))
                    .map_or_else(|| v.to_string(), |o| o.name.clone())
            };
            let value = match value {
                serde_json::Value::Array(items) => items
                    .iter()
                    .map(|i| name_of(i.as_str().unwrap_or_default()))
                    .collect::<Vec<_>>()
                    .join("、"),
                serde_json::Value::String(s) => name_of(s),
                other => other.to_string(),
            };
            AttrLine {
                label: attr.map_or_else(|| code.clone(), |a| a.description.clone()),
                value,
            }
        })
        .collect()
}

/// Builds and renders the record page of `c`.
pub async fn page(
    state: &AppState,
    user: &CurrentUser,
    c: ComplaintView,
    ok: Option<String>,
    failed: Option<Failed>,
    http_status: StatusCode,
) -> PageResult {
    let stage = c.stage;
    let kept = |action: &str, name: &str| {
        failed
            .as_ref()
            .filter(|f| f.action == action)
            .and_then(|f| f.values.get(name).cloned())
            .unwrap_or_default()
    };
    // What the procedure allows next (the domain's list; a step not in it is not offered).
    let next = stage.next_steps();
    let allows = |step: Step| next.contains(&step);
    let final_opts: Vec<(String, String)> = FINAL_STATES
        .iter()
        .filter(|f| allows(Step::Close(**f)))
        .map(|f| (f.as_str().to_string(), f.label().to_string()))
        .collect();
    let may = |action: Action| user.may(action);
    let actions = Actions {
        dispatch: may(Action::DispatchComplaint) && allows(Step::Dispatch),
        reroute: stage.is_reroute(),
        recategorise: may(Action::RecategoriseComplaint) && allows(Step::Recategorise),
        handle: may(Action::HandleComplaint) && allows(Step::Handle),
        reply: may(Action::ReplyComplaint) && allows(Step::Reply),
        verify: may(Action::VerifyComplaint) && allows(Step::Verify),
        close: may(Action::CloseComplaint) && !final_opts.is_empty(),
        follow_up: may(Action::FollowUpComplaint) && allows(Step::FollowUp),
        rate: may(Action::RateComplaint) && allows(Step::Rate),
        supervise: may(Action::SuperviseComplaint) && stage.is_open(),
        to_case: may(Action::ComplaintToCase) && c.org_unit_id.is_some(),
    };

    // Duplicate suggestions (the service decides who may ask), each shown next to this one.
    let can_merge_here = actions.close && allows(Step::Close(FinalState::DuplicateOf));
    let (mut duplicates, mut duplicates_shown) = (Vec::new(), false);
    if c.duplicate_of.is_none() {
        match wf::duplicates(state, user, &c.id).await {
            Ok(list) => {
                duplicates_shown = true;
                for d in list {
                    let Ok(other) = wf::get(state, user, &d.id).await else {
                        continue;
                    };
                    duplicates.push(DuplicateLine {
                        merge_into_other: can_merge_here,
                        merge_other_here: actions.close
                            && other.stage.close(FinalState::DuplicateOf).is_ok(),
                        other: side(&other),
                        distance: format!("{:.0} 米", d.distance_m),
                    });
                }
            }
            Err(ServiceError::Forbidden) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let duplicate_of_number = match &c.duplicate_of {
        Some(d) => wf::get(state, user, d)
            .await
            .map_or_else(|_| d.clone(), |v| v.service_request_id),
        None => String::new(),
    };

    let mut unit_opts = Vec::new();
    if actions.dispatch {
        let units = crate::service::org_unit::all(state).await?;
        let mut targets: Vec<(String, String)> = units
            .into_iter()
            .filter(|u| u.kind == "squad" || u.kind == "partner")
            .filter(|u| c.org_unit_id.as_deref() != Some(u.id.as_str()))
            .map(|u| {
                let kind = if u.kind == "squad" {
                    "中队"
                } else {
                    "协作部门"
                };
                (u.id, format!("{}（{kind}）", u.name))
            })
            .collect();
        targets.insert(0, (String::new(), "请选择承办单位".into()));
        unit_opts = opts(targets, &kept("dispatch", "org_unit_id"));
    }
    let mut category_opts = Vec::new();
    if actions.recategorise {
        let cats = complaint::categories(state).await?;
        category_opts = opts(
            cats.into_iter()
                .filter(|k| k.code != c.service_code)
                .map(|k| {
                    (
                        k.code,
                        format!("{}（时限 {}）", k.name, k.time_limit.describe()),
                    )
                }),
            &kept("recategorise", "service_code"),
        );
    }
    let mut violation_opts = Vec::new();
    if actions.to_case {
        let cat = catalogue::list(state).await?;
        let mut v: Vec<(String, String)> = vec![(String::new(), "（暂不确定）".into())];
        v.extend(cat.entries.into_iter().map(|e| (e.code, e.name)));
        let chosen = match failed.as_ref().filter(|f| f.action == "to-case") {
            Some(_) => kept("to-case", "violation"),
            None => c.service_code.clone(),
        };
        violation_opts = opts(v, &chosen);
    }
    let level_default = match failed.as_ref().filter(|f| f.action == "supervise") {
        Some(_) => kept("supervise", "level"),
        None => (c.supervision_level + 1).clamp(1, 3).to_string(),
    };
    let mut levels = vec![("1", "1级 催办"), ("2", "2级 督办")];
    if user.may(Action::SuperviseListed) {
        levels.push(("3", "3级 挂牌督办（领导）"));
    }
    let final_default = match failed.as_ref().filter(|f| f.action == "close") {
        Some(_) => kept("close", "final_state"),
        None => String::new(),
    };
    let mut final_all = vec![(String::new(), "请选择办结结果".to_string())];
    final_all.extend(final_opts);

    let reporter = if c.reporter.anonymous && c.reporter.name.is_none() {
        "匿名".to_string()
    } else {
        let parts: Vec<String> = [
            c.reporter.name.clone(),
            c.reporter.phone.clone(),
            c.reporter.email.clone(),
        ]
        .into_iter()
        .flatten()
        .collect();
        let mut s = parts.join("，");
        if c.reporter.anonymous {
            s.push_str("（未留联系方式）");
        }
        if c.reporter.masked {
            s.push_str("（已脱敏）");
        }
        s
    };
    let due = c
        .expected_at
        .as_deref()
        .map(cn_datetime)
        .unwrap_or_default();
    let channel = match c.channel.as_str() {
        "phone" => "电话",
        "portal" => "网上",
        "open311" => "Open311 接入",
        _ => "其他",
    };
    let attributes = attributes(state, &c).await;
    let title = format!("诉求 {}", c.service_request_id);
    Ok(render_with(
        http_status,
        &RecordPage {
            layout: Layout::new(state, user, &title, "/complaints"),
            ok,
            this: side(&c),
            received: cn_datetime(&c.requested_at),
            due,
            channel,
            reporter,
            final_state: c
                .final_state
                .as_deref()
                .map(final_label)
                .unwrap_or_default(),
            tag_721: c
                .tag_721
                .as_deref()
                .map(tag_label)
                .unwrap_or_default()
                .to_string(),
            rating: match (c.rating.as_deref(), c.rating_score) {
                (Some(r), s) => {
                    let l = match r {
                        "satisfied" => "满意",
                        "basically_satisfied" => "基本满意",
                        _ => "不满意",
                    };
                    s.map_or_else(|| l.to_string(), |s| format!("{l}（{s}分）"))
                }
                (None, _) => String::new(),
            },
            attributes,
            notes: c
                .notes
                .iter()
                .map(|n| NoteLine {
                    at: cn_datetime(&n.at),
                    summary: n.summary.clone(),
                    description: n.description.clone().unwrap_or_default(),
                    public: n.public,
                })
                .collect(),
            supervisions: c
                .supervisions
                .iter()
                .map(|s| SupervisionLine {
                    at: cn_datetime(&s.at),
                    level: supervision_label(s.level),
                    reason: s.reason.clone(),
                })
                .collect(),
            photos: c
                .photos
                .iter()
                .map(|p| PhotoLine {
                    href: format!("/complaints/{}/photos/{}", c.id, p.id),
                    kind: if p.kind == "before" {
                        "处置前"
                    } else {
                        "处置后"
                    },
                    file_name: p.file_name.clone(),
                    at: cn_datetime(&p.uploaded_at),
                })
                .collect(),
            duplicate_of_number,
            duplicates,
            duplicates_shown,
            any_action: actions.any(),
            actions,
            unit_opts,
            category_opts,
            final_opts: opts(final_all, &final_default),
            tag_opts: opts(
                pairs(&[
                    ("", "（不标注）"),
                    ("service", "服务"),
                    ("management", "管理"),
                    ("enforcement", "执法"),
                ]),
                &kept("close", "tag_721"),
            ),
            rating_opts: opts(
                pairs(&[
                    ("", "请选择"),
                    ("5", "5分 满意"),
                    ("4", "4分 满意"),
                    ("3", "3分 基本满意"),
                    ("2", "2分 不满意"),
                    ("1", "1分 不满意"),
                ]),
                &kept("rate", "rating"),
            ),
            level_opts: opts(pairs(&levels), &level_default),
            party_opts: opts(
                pairs(&[("individual", "公民"), ("organisation", "法人或者其他组织")]),
                &kept("to-case", "party_kind"),
            ),
            procedure_opts: opts(
                pairs(&[
                    ("ordinary", "普通程序"),
                    ("summary", "简易程序（当场处罚）"),
                ]),
                &kept("to-case", "procedure"),
            ),
            violation_opts,
            failed,
            c,
        },
    ))
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    ok: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> PageResult {
    let c = match wf::read(&state, &user, &id).await {
        Ok(c) => c,
        Err(e) => return Err(refusal(&state, &id, e).await),
    };
    let ok = super::query::<ShowQuery>(q.as_deref())
        .ok
        .filter(|s| !s.is_empty());
    page(&state, &user, c, ok, None, StatusCode::OK).await
}

/// A verification photo, for users who may see the complaint (photos are not public).
pub async fn photo(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path((id, photo_id)): Path<(String, String)>,
) -> PageResult {
    let (content_type, bytes) = match wf::photo_file(&state, &user, &id, &photo_id).await {
        Ok(found) => found,
        Err(ServiceError::NotFound { what: "照片" }) => return Err(PageError::not_found()),
        Err(e) => return Err(refusal(&state, &id, e).await),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "private, max-age=3600".to_string()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response())
}

// ---- the steps ---------------------------------------------------------------------------

/// Success → back to the record with a notice; refusal → the record again with the message
/// at the form and the input kept (422), or the fresh record after a version conflict (409).
async fn outcome(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
    action: &'static str,
    values: BTreeMap<String, String>,
    result: ServiceResult<ComplaintView>,
    ok: &str,
) -> PageResult {
    let e = match result {
        Ok(v) => {
            return Ok(
                Redirect::to(&format!("/complaints/{}?ok={}", v.id, urlencode(ok))).into_response(),
            );
        }
        Err(e) => e,
    };
    let (field, message, conflict) = match e {
        ServiceError::Invalid { field, message, .. } => (field, message, false),
        ServiceError::Duplicate { field, message } => (Some(field), message, false),
        ServiceError::VersionConflict { .. } => (
            None,
            "该诉求已被他人修改，页面已更新为最新内容。请核对后重新提交（您填写的内容已保留）。"
                .to_string(),
            true,
        ),
        ServiceError::RuleViolations { violations, .. } => (
            None,
            violations
                .iter()
                .map(|v| format!("{}（{}，{}）", v.message, v.rule, v.basis))
                .collect::<Vec<_>>()
                .join("；"),
            false,
        ),
        ServiceError::NotFound { what } if wf::get(state, user, id).await.is_ok() => {
            (None, format!("{what}不存在"), false)
        }
        other => return Err(refusal(state, id, other).await),
    };
    let c = match wf::get(state, user, id).await {
        Ok(c) => c,
        Err(e) => return Err(refusal(state, id, e).await),
    };
    let status = if conflict {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut values = values;
    values.remove("expected_version");
    page(
        state,
        user,
        c,
        None,
        Some(Failed {
            action,
            field,
            message,
            values,
        }),
        status,
    )
    .await
}

type PostForm = PageForm<Vec<(String, String)>>;

pub async fn dispatch(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path(id): Path<String>,
    PageForm(f): PostForm,
) -> PageResult {
    let f = Fields::new(f);
    check_csrf(&user, &f.csrf())?;
    let result = match f.version() {
        Ok(v) => {
            wf::dispatch(
                &state,
                &user,
                &id,
                DispatchInput {
                    expected_version: v,
                    org_unit_id: f.get("org_unit_id").trim().to_string(),
                    reason: f.opt("reason"),
                },
            )
            .await
        }
        Err(e) => Err(e),
    };
    let rerouted = result.as_ref().is_ok_and(|v| {
        v.notes
            .iter()
            .rev()
            .find(|n| n.note_type == "dispatched" || n.note_type == "rerouted")
            .is_some_and(|n| n.note_type == "rerouted")
    });
    let ok = if rerouted { "已改派" } else { "已派单" };
    outcome(&state, &user, &id, "dispatch", f.kept(), result, ok).await
}

pub async fn recategorise(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path(id): Path<String>,
    PageForm(f): PostForm,
) -> PageResult {
    let f = Fields::new(f);
    check_csrf(&user, &f.csrf())?;
    let result = match f.version() {
        Ok(v) => {
            wf::recategorise(
                &state,
                &user,
                &id,
                RecategoriseInput {
                    expected_version: v,
                    service_code: f.get("service_code"),
                    reason: f.get("reason"),
                },
            )
            .await
        }
        Err(e) => Err(e),
    };
    outcome(
        &state,
        &user,
        &id,
        "recategorise",
        f.kept(),
        result,
        "已改类，时限已按新类别重算",
    )
    .await
}

/// 办理, 答复, 回访: a step with one text.
async fn text_step(
    state: AppState,
    user: CurrentUser,
    id: String,
    f: Vec<(String, String)>,
    action: &'static str,
    ok: &str,
) -> PageResult {
    let f = Fields::new(f);
    check_csrf(&user, &f.csrf())?;
    let result = match f.version() {
        Ok(v) => {
            let input = TextInput {
                expected_version: v,
                text: f.get("text"),
            };
            match action {
                "handle" => wf::handle(&state, &user, &id, input).await,
                "reply" => wf::reply(&state, &user, &id, input).await,
                _ => wf::follow_up(&state, &user, &id, input).await,
            }
        }
        Err(e) => Err(e),
    };
    outcome(&state, &user, &id, action, f.kept(), result, ok).await
}

pub async fn handle(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path(id): Path<String>,
    PageForm(f): PostForm,
) -> PageResult {
    text_step(state, user, id, f, "handle", "已登记办理情况").await
}

pub async fn reply(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path(id): Path<String>,
    PageForm(f): PostForm,
) -> PageResult {
    text_step(state, user, id, f, "reply", "已答复群众").await
}

pub async fn follow_up(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path(id): Path<String>,
    PageForm(f): PostForm,
) -> PageResult {
    text_step(state, user, id, f, "follow-up", "已登记回访").await
}

/// 核查 with before and after photos (multipart form).
pub async fn verify(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path(id): Path<String>,
    mut form: Multipart,
) -> PageResult {
    let mut fields = BTreeMap::new();
    let mut photos = Vec::new();
    let mut unreadable = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                unreadable = Some(format!("上传内容无法读取：{e}"));
                break;
            }
        };
        let name = field.name().unwrap_or("").to_string();
        let kind = match name.as_str() {
            "before" => "before",
            "after" => "after",
            _ => {
                match field.text().await {
                    Ok(t) => {
                        fields.insert(name, t);
                    }
                    Err(e) => unreadable = Some(format!("上传内容无法读取：{e}")),
                }
                continue;
            }
        };
        match read_upload(field, "").await {
            // A file input left empty sends an empty part without a name.
            Ok(u) if u.bytes.is_empty() && u.file_name.is_empty() => {}
            Ok(mut upload) => {
                if upload.file_name.is_empty() {
                    upload.file_name = kind.to_string();
                }
                photos.push(Photo { kind, upload });
            }
            Err(e) => unreadable = Some(format!("上传内容无法读取：{e}")),
        }
    }
    let f = Fields(fields);
    check_csrf(&user, &f.csrf())?;
    let result = match (unreadable, f.version()) {
        (Some(m), _) => Err(ServiceError::invalid("invalid_upload", m)),
        (None, Ok(v)) => wf::verify(&state, &user, &id, v, &f.get("note"), photos).await,
        (None, Err(e)) => Err(e),
    };
    outcome(
        &state,
        &user,
        &id,
        "verify",
        f.kept(),
        result,
        "已核查，照片已保存",
    )
    .await
}

fn parse_enum<T: serde::de::DeserializeOwned>(
    value: Option<String>,
    field: &str,
    message: &str,
) -> ServiceResult<Option<T>> {
    match value {
        None => Ok(None),
        Some(v) => serde_json::from_value(serde_json::Value::String(v))
            .map(Some)
            .map_err(|_| ServiceError::invalid_field("invalid_choice", field, message)),
    }
}

pub async fn close(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path(id): Path<String>,
    PageForm(f): PostForm,
) -> PageResult {
    let f = Fields::new(f);
    check_csrf(&user, &f.csrf())?;
    let input = || -> ServiceResult<CloseInput> {
        let final_state: FinalState = parse_enum(
            f.opt("final_state"),
            "final_state",
            "请选择办结结果",
        )?
        .ok_or_else(|| {
            ServiceError::invalid_field("final_state_required", "final_state", "请选择办结结果")
        })?;
        Ok(CloseInput {
            expected_version: f.version()?,
            final_state,
            tag_721: parse_enum::<Tag721>(f.opt("tag_721"), "tag_721", "请选择721工作法类型")?,
            reason: f.opt("reason"),
            routed_to: f.opt("routed_to"),
            duplicate_of: f.opt("duplicate_of"),
        })
    };
    let result = match input() {
        Ok(i) => wf::close(&state, &user, &id, i).await,
        Err(e) => Err(e),
    };
    let ok = if f.get("final_state") == "duplicate_of" {
        "已作为重复诉求合并办结"
    } else {
        "已办结"
    };
    outcome(&state, &user, &id, "close", f.kept(), result, ok).await
}

pub async fn rate(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path(id): Path<String>,
    PageForm(f): PostForm,
) -> PageResult {
    let f = Fields::new(f);
    check_csrf(&user, &f.csrf())?;
    let raw = f.get("rating").trim().to_string();
    let rating = match raw.parse::<i64>() {
        Ok(n) => RatingValue::Score(n),
        Err(_) => RatingValue::Level(raw),
    };
    let result = match f.version() {
        Ok(v) => {
            wf::rate(
                &state,
                &user,
                &id,
                RatingInput {
                    expected_version: Some(v),
                    rating,
                    comment: f.opt("comment"),
                },
            )
            .await
        }
        Err(e) => Err(e),
    };
    outcome(
        &state,
        &user,
        &id,
        "rate",
        f.kept(),
        result,
        "已记录群众评价",
    )
    .await
}

pub async fn supervise(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path(id): Path<String>,
    PageForm(f): PostForm,
) -> PageResult {
    let f = Fields::new(f);
    check_csrf(&user, &f.csrf())?;
    let input = || -> ServiceResult<SuperviseInput> {
        Ok(SuperviseInput {
            expected_version: f.version()?,
            level: f.get("level").trim().parse().map_err(|_| {
                ServiceError::invalid_field("invalid_level", "level", "请选择督办级别")
            })?,
            reason: f.get("reason"),
        })
    };
    let result = match input() {
        Ok(i) => wf::supervise(&state, &user, &id, i).await,
        Err(e) => Err(e),
    };
    if result.is_ok() && f.get("back") == "overdue" {
        return Ok(Redirect::to("/complaints/overdue?ok=1").into_response());
    }
    outcome(&state, &user, &id, "supervise", f.kept(), result, "已督办").await
}

pub async fn to_case(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path(id): Path<String>,
    PageForm(f): PostForm,
) -> PageResult {
    let f = Fields::new(f);
    check_csrf(&user, &f.csrf())?;
    let input = || -> ServiceResult<ToCaseInput> {
        let kind = match f.get("party_kind").as_str() {
            "organisation" => PartyKind::Organisation,
            _ => PartyKind::Individual,
        };
        let procedure = match f.get("procedure").as_str() {
            "summary" => Procedure::Summary,
            _ => Procedure::Ordinary,
        };
        let act_date =
            NaiveDate::parse_from_str(f.get("act_date").trim(), "%Y-%m-%d").map_err(|_| {
                ServiceError::invalid_field(
                    "invalid_date",
                    "act_date",
                    "请填写违法行为发生日期（年-月-日）",
                )
            })?;
        let name = f.get("party_name").trim().to_string();
        if name.is_empty() {
            return Err(ServiceError::invalid_field(
                "party_name_required",
                "party_name",
                "请填写当事人姓名或名称",
            ));
        }
        Ok(ToCaseInput {
            expected_version: f.version()?,
            party: Party {
                kind,
                name,
                minor_under_14: false,
                birth_date: None,
            },
            procedure,
            act_date,
            violation: f.opt("violation"),
            serious_harm: false,
            major: false,
        })
    };
    let result = match input() {
        Ok(i) => wf::to_case(&state, &user, &id, i).await,
        Err(e) => Err(e),
    };
    outcome(
        &state,
        &user,
        &id,
        "to-case",
        f.kept(),
        result,
        "已转为案件线索",
    )
    .await
}
