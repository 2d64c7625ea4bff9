//! 受理: the dispatcher logs a phone call on behalf of a citizen. Step one picks the category
//! (its questions differ), step two asks the category's questions with the place, the
//! description and the caller's contact. The answer shows the tracking code to read out to
//! the caller and the duplicate suggestions.

use super::{Opt, cn_datetime, opts, stage_label};
use crate::service::AppState;
use crate::service::ServiceError;
use crate::service::complaint::{self, Category, Datatype};
use crate::service::complaint_workflow::{self as wf, PhoneIntake};
use crate::web::page::PageForm;
use crate::web::page::{Layout, OfficeUser, PageResult, check_csrf, render, render_with};
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use serde::Deserialize;
use std::collections::BTreeMap;

/// One question of the category, ready for the form.
pub struct AttrField {
    pub name: String,
    pub label: String,
    pub help: String,
    pub required: bool,
    /// `select`, `checkboxes`, `textarea`, `number`, `datetime` or `text`.
    pub kind: &'static str,
    pub options: Vec<Opt>,
    pub value: String,
}

#[derive(Template)]
#[template(path = "office/complaints/new.html")]
struct NewPage {
    layout: Layout,
    categories: Vec<Opt>,
    /// The chosen category (step two), with its name and time limit.
    code: String,
    category_line: String,
    anonymous_allowed: bool,
    attrs: Vec<AttrField>,
    values: BTreeMap<String, String>,
    error: String,
    field: String,
}

impl NewPage {
    /// The kept input of one field.
    pub fn v(&self, name: &str) -> String {
        self.values.get(name).cloned().unwrap_or_default()
    }
    /// The error next to one field.
    pub fn e(&self, name: &str) -> String {
        if self.field == name {
            self.error.clone()
        } else {
            String::new()
        }
    }
    /// The error at the top of the form.
    pub fn fe(&self) -> String {
        if ["lat", "long", "service_code"].contains(&self.field.as_str()) {
            String::new()
        } else {
            self.error.clone()
        }
    }
}

#[derive(Template)]
#[template(path = "office/complaints/intake_done.html")]
struct DonePage {
    layout: Layout,
    id: String,
    number: String,
    token: String,
    due: String,
    category: String,
    duplicates: Vec<DoneDuplicate>,
}

pub struct DoneDuplicate {
    pub id: String,
    pub number: String,
    pub stage: String,
    pub received: String,
    pub distance: String,
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    service_code: Option<String>,
}

fn attr_fields(category: &Category, multi: &BTreeMap<String, Vec<String>>) -> Vec<AttrField> {
    let mut attrs: Vec<_> = category.attributes.iter().filter(|a| a.variable).collect();
    attrs.sort_by_key(|a| a.order);
    attrs
        .into_iter()
        .map(|a| {
            let name = format!("attr_{}", a.code);
            let given = multi.get(&name).cloned().unwrap_or_default();
            let first = given.first().cloned().unwrap_or_default();
            let kind = match a.datatype {
                Datatype::Singlevaluelist => "select",
                Datatype::Multivaluelist => "checkboxes",
                Datatype::Text => "textarea",
                Datatype::Number => "number",
                Datatype::Datetime => "datetime",
                Datatype::String => "text",
            };
            let mut options: Vec<(String, String)> = Vec::new();
            if kind == "select" {
                options.push((String::new(), "请选择".into()));
            }
            options.extend(a.values.iter().map(|o| (o.key.clone(), o.name.clone())));
            let mut options = opts(options, &first);
            if kind == "checkboxes" {
                for o in &mut options {
                    o.selected = given.contains(&o.value);
                }
            }
            AttrField {
                label: a.description.clone(),
                help: a.datatype_description.clone().unwrap_or_default(),
                required: a.required,
                kind,
                options,
                value: first,
                name,
            }
        })
        .collect()
}

async fn new_page(
    state: &AppState,
    user: &crate::service::auth::CurrentUser,
    code: &str,
    values: BTreeMap<String, String>,
    multi: &BTreeMap<String, Vec<String>>,
    (field, error): (String, String),
) -> Result<NewPage, ServiceError> {
    let cats = complaint::categories(state).await?;
    let chosen = cats.iter().find(|c| c.code == code);
    let mut list = vec![(String::new(), "请选择诉求类别".to_string())];
    list.extend(cats.iter().map(|c| {
        (
            c.code.clone(),
            format!("{}（时限 {}）", c.name, c.time_limit.describe()),
        )
    }));
    Ok(NewPage {
        layout: Layout::new(state, user, "电话受理", "/complaints"),
        categories: opts(list, code),
        code: chosen.map(|c| c.code.clone()).unwrap_or_default(),
        category_line: chosen
            .map(|c| format!("{}（办理时限 {}）", c.name, c.time_limit.describe()))
            .unwrap_or_default(),
        anonymous_allowed: chosen.is_some_and(|c| c.anonymous_allowed),
        attrs: chosen.map(|c| attr_fields(c, multi)).unwrap_or_default(),
        values,
        error,
        field,
    })
}

pub async fn form(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    RawQuery(q): RawQuery,
) -> PageResult {
    user.require(crate::service::permissions::Action::ComplaintIntake)?;
    let code = super::query::<NewQuery>(q.as_deref())
        .service_code
        .unwrap_or_default()
        .trim()
        .to_string();
    let page = new_page(
        &state,
        &user,
        &code,
        BTreeMap::new(),
        &BTreeMap::new(),
        (String::new(), String::new()),
    )
    .await?;
    Ok(render(&page))
}

/// `2026-06-01T10:00` from `<input type="datetime-local">` is China time.
fn datetime_local(v: &str) -> String {
    let v = v.trim();
    if v.len() == 16 && chrono::NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M").is_ok() {
        format!("{v}:00+08:00")
    } else {
        v.to_string()
    }
}

fn coordinate(values: &BTreeMap<String, String>, name: &str) -> Result<Option<f64>, String> {
    match values.get(name).map(|v| v.trim()).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .map(Some)
            .ok_or_else(|| {
                format!(
                    "{}须为十进制度数，如 {}",
                    if name == "lat" { "纬度" } else { "经度" },
                    if name == "lat" { "33.0" } else { "112.5" }
                )
            }),
    }
}

pub async fn submit(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> PageResult {
    let mut values = BTreeMap::new();
    let mut multi: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in pairs {
        if k.starts_with("attr_") {
            multi.entry(k.clone()).or_default().push(v.clone());
        }
        values.insert(k, v);
    }
    let csrf = values.remove("_csrf").unwrap_or_default();
    check_csrf(&user, &csrf)?;
    let code = values
        .get("service_code")
        .map(|c| c.trim().to_string())
        .unwrap_or_default();
    let opt = |name: &str| {
        values
            .get(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let refused = |field: &str, message: String| (field.to_string(), message);
    let problem = match (coordinate(&values, "lat"), coordinate(&values, "long")) {
        (Err(m), _) => Some(refused("lat", m)),
        (_, Err(m)) => Some(refused("long", m)),
        (Ok(lat), Ok(long)) => {
            let category = complaint::category(&state, &code).await.ok();
            let mut attributes = BTreeMap::new();
            for (name, vals) in &multi {
                let Some(attr_code) = name.strip_prefix("attr_") else {
                    continue;
                };
                let is_multi = category.as_ref().is_some_and(|c| {
                    c.attributes
                        .iter()
                        .any(|a| a.code == attr_code && a.datatype == Datatype::Multivaluelist)
                });
                let is_datetime = category.as_ref().is_some_and(|c| {
                    c.attributes
                        .iter()
                        .any(|a| a.code == attr_code && a.datatype == Datatype::Datetime)
                });
                let vals: Vec<String> = vals
                    .iter()
                    .map(|v| v.trim())
                    .filter(|v| !v.is_empty())
                    .map(|v| {
                        if is_datetime {
                            datetime_local(v)
                        } else {
                            v.to_string()
                        }
                    })
                    .collect();
                if vals.is_empty() {
                    continue;
                }
                let value = if is_multi {
                    serde_json::json!(vals)
                } else {
                    serde_json::json!(vals[0])
                };
                attributes.insert(attr_code.to_string(), value);
            }
            let input = PhoneIntake {
                service_code: code.clone(),
                description: opt("description"),
                address_string: opt("address_string"),
                lat,
                long,
                first_name: opt("first_name"),
                last_name: opt("last_name"),
                phone: opt("phone"),
                email: opt("email"),
                attributes,
            };
            match wf::intake(&state, &user, input).await {
                Ok(r) => {
                    let c = &r.complaint;
                    return Ok(render_with(
                        StatusCode::CREATED,
                        &DonePage {
                            layout: Layout::new(&state, &user, "已受理", "/complaints"),
                            id: c.id.clone(),
                            number: c.service_request_id.clone(),
                            token: r.token.clone(),
                            due: c
                                .expected_at
                                .as_deref()
                                .map(cn_datetime)
                                .unwrap_or_default(),
                            category: c.category_name.clone(),
                            duplicates: r
                                .duplicates
                                .iter()
                                .map(|d| DoneDuplicate {
                                    id: d.id.clone(),
                                    number: d.service_request_id.clone(),
                                    stage: stage_label(&d.stage),
                                    received: cn_datetime(&d.requested_at),
                                    distance: format!("{:.0} 米", d.distance_m),
                                })
                                .collect(),
                        },
                    ));
                }
                Err(ServiceError::Invalid { field, message, .. }) => {
                    Some(refused(field.as_deref().unwrap_or(""), message))
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    let problem = problem.unwrap_or_default();
    let page = new_page(&state, &user, &code, values, &multi, problem).await?;
    Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
}
