//! Filing a complaint on the portal: the home page, the category list, the form of one
//! category (its extra questions as fields) and the multipart POST that files it.
//!
//! The POST checks, in order: the rate limit, the honeypot, the signed form stamp (minimum
//! fill time, age), the category, the fields; then claims the form's one-time submission id
//! (a repeated POST is redirected to the complaint the first one filed), resizes the photos
//! and files the complaint with `service::complaint::create` (channel `portal`).

use super::{ClientIp, Shared, busy, message, page};
use crate::service::AppState;
use crate::service::audit::Actor;
use crate::service::complaint::{
    self, Category, Channel, Datatype, MAX_DESCRIPTION_CHARS, MediaUpload, NewComplaint,
};
use crate::service::portal::{
    self as portal_service, Claim, MAX_PHOTO_BYTES, MAX_PHOTOS, StampProblem,
};
use askama::Template;
use axum::Extension;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Name of the honeypot field: hidden from people, filled by form-filling robots.
const HONEYPOT: &str = "website";

#[derive(Template)]
#[template(path = "portal/home.html")]
struct HomePage {
    title: &'static str,
}

pub async fn home(State(state): State<AppState>) -> Response {
    page(
        &state,
        StatusCode::OK,
        &HomePage {
            title: "投诉举报"
        },
    )
}

// ---- the category list ------------------------------------------------------------------------

struct CategoryItem {
    code: String,
    name: String,
    description: String,
    limit: String,
    anonymous_allowed: bool,
}

struct GroupView {
    name: String,
    items: Vec<CategoryItem>,
}

#[derive(Template)]
#[template(path = "portal/categories.html")]
struct CategoriesPage {
    title: &'static str,
    groups: Vec<GroupView>,
    error: Option<String>,
}

fn group_categories(categories: &[Category]) -> Vec<GroupView> {
    let mut groups: Vec<GroupView> = Vec::new();
    for c in categories {
        let item = CategoryItem {
            code: c.code.clone(),
            name: c.name.clone(),
            description: c.description.clone(),
            limit: c.time_limit.describe(),
            anonymous_allowed: c.anonymous_allowed,
        };
        let name = if c.group_name.is_empty() {
            "其他".to_string()
        } else {
            c.group_name.clone()
        };
        match groups.iter_mut().find(|g| g.name == name) {
            Some(g) => g.items.push(item),
            None => groups.push(GroupView {
                name,
                items: vec![item],
            }),
        }
    }
    groups
}

async fn categories_page(state: &AppState, status: StatusCode, error: Option<String>) -> Response {
    match complaint::categories(state).await {
        Ok(categories) => page(
            state,
            status,
            &CategoriesPage {
                title: "选择投诉类别",
                groups: group_categories(&categories),
                error,
            },
        ),
        Err(e) => super::service_failure(state, e),
    }
}

#[derive(Deserialize, Default)]
struct NewQuery {
    category: Option<String>,
}

/// `GET /portal/new`: the categories; with `?category=CODE` the form of that category.
pub async fn new_page(
    State(state): State<AppState>,
    Extension(shared): Extension<Arc<Shared>>,
    RawQuery(query): RawQuery,
) -> Response {
    let q: NewQuery =
        serde_urlencoded::from_str(query.as_deref().unwrap_or_default()).unwrap_or_default();
    let Some(code) = q.category.filter(|c| !c.trim().is_empty()) else {
        return categories_page(&state, StatusCode::OK, None).await;
    };
    let category = match complaint::category(&state, code.trim()).await {
        Ok(c) => c,
        Err(_) => {
            return categories_page(
                &state,
                StatusCode::NOT_FOUND,
                Some("该投诉类别不存在或已停用，请重新选择。".into()),
            )
            .await;
        }
    };
    let key = match shared.key(&state).await {
        Ok(k) => k,
        Err(r) => return r,
    };
    let stamp = portal_service::issue_stamp(key, state.clock.now());
    let form = FormPage::new(&state, &category, stamp, &Submitted::default());
    page(&state, StatusCode::OK, &form)
}

// ---- the form ---------------------------------------------------------------------------------

struct Choice {
    key: String,
    name: String,
    checked: bool,
}

/// One extra question of the category as a form field.
struct Question {
    code: String,
    /// `attr_CODE`, the form field name.
    input: String,
    label: String,
    hint: Option<String>,
    required: bool,
    /// `string`, `text`, `number`, `datetime`, `single`, `multi` or `info` (no input).
    kind: &'static str,
    value: String,
    choices: Vec<Choice>,
    error: Option<String>,
}

#[derive(Default)]
struct Errors {
    description: Option<String>,
    address: Option<String>,
    contact: Option<String>,
    photos: Option<String>,
}

impl Errors {
    fn any(&self) -> bool {
        self.description.is_some()
            || self.address.is_some()
            || self.contact.is_some()
            || self.photos.is_some()
    }
}

#[derive(Template)]
#[template(path = "portal/form.html")]
struct FormPage {
    title: String,
    code: String,
    name: String,
    description_hint: String,
    limit: String,
    anonymous_allowed: bool,
    questions: Vec<Question>,
    stamp: String,
    v_description: String,
    v_address: String,
    v_lat: String,
    v_long: String,
    v_name: String,
    v_phone: String,
    v_email: String,
    errors: Errors,
    form_error: Option<String>,
    max_description: usize,
    max_photos: usize,
    max_photo_mb: usize,
    map_tiles: Option<String>,
    had_photos: bool,
}

impl FormPage {
    fn new(state: &AppState, c: &Category, stamp: String, s: &Submitted) -> Self {
        let mut attributes: Vec<_> = c.attributes.iter().collect();
        attributes.sort_by_key(|a| a.order);
        let questions = attributes
            .into_iter()
            .map(|a| {
                let given = s.attributes.get(&a.code).cloned().unwrap_or_default();
                let kind = if !a.variable {
                    "info"
                } else {
                    match a.datatype {
                        Datatype::String => "string",
                        Datatype::Text => "text",
                        Datatype::Number => "number",
                        Datatype::Datetime => "datetime",
                        Datatype::Singlevaluelist => "single",
                        Datatype::Multivaluelist => "multi",
                    }
                };
                Question {
                    input: format!("attr_{}", a.code),
                    code: a.code.clone(),
                    label: a.description.clone(),
                    hint: a.datatype_description.clone(),
                    required: a.required && a.variable,
                    kind,
                    value: given.first().cloned().unwrap_or_default(),
                    choices: a
                        .values
                        .iter()
                        .map(|v| Choice {
                            checked: given.contains(&v.key),
                            key: v.key.clone(),
                            name: v.name.clone(),
                        })
                        .collect(),
                    error: None,
                }
            })
            .collect();
        Self {
            title: format!("投诉：{}", c.name),
            code: c.code.clone(),
            name: c.name.clone(),
            description_hint: c.description.clone(),
            limit: c.time_limit.describe(),
            anonymous_allowed: c.anonymous_allowed,
            questions,
            stamp,
            v_description: s.description.clone(),
            v_address: s.address.clone(),
            v_lat: s.lat.clone(),
            v_long: s.long.clone(),
            v_name: s.name.clone(),
            v_phone: s.phone.clone(),
            v_email: s.email.clone(),
            errors: Errors::default(),
            form_error: None,
            max_description: MAX_DESCRIPTION_CHARS,
            max_photos: MAX_PHOTOS,
            max_photo_mb: MAX_PHOTO_BYTES / (1024 * 1024),
            map_tiles: state.settings.portal_map_tile_url.clone(),
            had_photos: !s.photos.is_empty() || s.photo_problem.is_some(),
        }
    }

    fn invalid(&self) -> bool {
        self.errors.any() || self.questions.iter().any(|q| q.error.is_some())
    }
}

// ---- the POST ---------------------------------------------------------------------------------

/// The posted form.
#[derive(Default)]
struct Submitted {
    stamp: String,
    category: String,
    description: String,
    address: String,
    lat: String,
    long: String,
    name: String,
    phone: String,
    email: String,
    honeypot: String,
    attributes: BTreeMap<String, Vec<String>>,
    photos: Vec<Vec<u8>>,
    photo_problem: Option<String>,
}

/// Reads the multipart body; `Err` is the page to answer (body too large, not a form).
async fn read_form(state: &AppState, mut multipart: Multipart) -> Result<Submitted, Response> {
    let mut s = Submitted::default();
    let refused = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            message(
                state,
                StatusCode::PAYLOAD_TOO_LARGE,
                "上传内容过大",
                &format!(
                    "照片合计过大，无法提交。每次最多{MAX_PHOTOS}张照片，每张不超过{}MB，请减少照片后重新提交。",
                    MAX_PHOTO_BYTES / (1024 * 1024)
                ),
            )
        } else {
            message(
                state,
                StatusCode::BAD_REQUEST,
                "提交未完成",
                "表单数据不完整（可能是网络中断），请返回重新提交。",
            )
        }
    };
    while let Some(mut field) = multipart.next_field().await.map_err(refused)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "photos" {
            let has_name = field.file_name().is_some_and(|n| !n.is_empty());
            if s.photos.len() >= MAX_PHOTOS {
                if has_name {
                    s.photo_problem = Some(format!("最多上传{MAX_PHOTOS}张照片。"));
                }
                continue;
            }
            let mut bytes = Vec::new();
            let mut too_large = false;
            while let Some(chunk) = field.chunk().await.map_err(refused)? {
                if bytes.len() + chunk.len() > MAX_PHOTO_BYTES {
                    too_large = true;
                    break;
                }
                bytes.extend_from_slice(&chunk);
            }
            if too_large {
                s.photo_problem = Some(format!(
                    "单张照片不能超过{}MB，请换一张或压缩后再上传。",
                    MAX_PHOTO_BYTES / (1024 * 1024)
                ));
            } else if !bytes.is_empty() {
                s.photos.push(bytes);
            }
            continue;
        }
        let value = field.text().await.map_err(refused)?;
        match name.as_str() {
            "_stamp" => s.stamp = value,
            "category" => s.category = value,
            "description" => s.description = value,
            "address" => s.address = value,
            "lat" => s.lat = value.trim().to_string(),
            "long" => s.long = value.trim().to_string(),
            "name" => s.name = value,
            "phone" => s.phone = value,
            "email" => s.email = value,
            HONEYPOT => s.honeypot = value,
            other => {
                if let Some(code) = other.strip_prefix("attr_")
                    && !value.trim().is_empty()
                {
                    s.attributes
                        .entry(code.to_string())
                        .or_default()
                        .push(value);
                }
            }
        }
    }
    Ok(s)
}

/// A `datetime-local` value (`2026-05-01T08:30`) as the service wants it (China time).
fn with_offset(v: &str) -> String {
    let v = v.trim();
    for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(v, format) {
            return format!("{}+08:00", t.format("%Y-%m-%dT%H:%M:%S"));
        }
    }
    v.to_string()
}

/// The service's message with the wire field names in Chinese.
fn in_chinese(message: &str) -> String {
    [
        ("address_string", "地址"),
        ("description", "问题描述"),
        ("first_name", "姓名"),
        ("last_name", "姓名"),
        ("phone", "联系电话"),
        ("email", "电子邮箱"),
        ("lat 与 long", "纬度与经度"),
        ("lat", "纬度"),
        ("long", "经度"),
        ("media", "照片"),
    ]
    .iter()
    .fold(message.to_string(), |m, (from, to)| m.replace(from, to))
}

/// `POST /portal/new`: files the complaint, or shows the form again with what is wrong.
pub async fn submit(
    State(state): State<AppState>,
    Extension(shared): Extension<Arc<Shared>>,
    ip: ClientIp,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    if let Some(r) = shared.over_limit(&state, ip) {
        return r;
    }
    let Ok(multipart) = multipart else {
        return message(
            &state,
            StatusCode::BAD_REQUEST,
            "提交方式不正确",
            "请通过投诉页面填写并提交表单。",
        );
    };
    let s = match read_form(&state, multipart).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if !s.honeypot.trim().is_empty() {
        tracing::info!("portal submission refused by the honeypot");
        return message(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            "提交未通过校验",
            "系统判断本次提交可能由自动程序发出，未予受理。如您是人工填写，请重新打开投诉页面填写后提交，不要使用自动填表工具。",
        );
    }
    let key = match shared.key(&state).await {
        Ok(k) => k,
        Err(r) => return r,
    };
    let now = state.clock.now();
    let stamp =
        portal_service::check_stamp(key, &s.stamp, now, state.settings.portal_min_fill_seconds);
    let category = match complaint::category(&state, s.category.trim()).await {
        Ok(c) => c,
        Err(_) => {
            let error = if s.category.trim().is_empty() {
                "请先选择投诉类别。"
            } else {
                "该投诉类别不存在或已停用，请重新选择。"
            };
            return categories_page(&state, StatusCode::UNPROCESSABLE_ENTITY, Some(error.into()))
                .await;
        }
    };
    let stamp = match stamp {
        Ok(stamp) => stamp,
        Err(StampProblem::Invalid) => {
            return message(
                &state,
                StatusCode::BAD_REQUEST,
                "表单已失效",
                "表单校验信息缺失或有误，请重新打开投诉页面填写后提交。",
            );
        }
        Err(problem @ (StampProblem::TooFast | StampProblem::Expired)) => {
            // Shown again with the input kept: a person simply sends it again.
            let fresh = portal_service::issue_stamp(key, now);
            let kept = if problem == StampProblem::TooFast {
                s.stamp.clone()
            } else {
                fresh
            };
            let mut form = FormPage::new(&state, &category, kept, &s);
            form.form_error = Some(if problem == StampProblem::TooFast {
                "提交过快，请核对填写的内容后再点击“提交”。".into()
            } else {
                "表单已超过有效期，请核对内容后重新提交。".into()
            });
            return page(&state, StatusCode::UNPROCESSABLE_ENTITY, &form);
        }
    };

    let mut form = FormPage::new(&state, &category, stamp.raw.clone(), &s);
    let description = s.description.trim();
    let n = description.chars().count();
    if n == 0 {
        form.errors.description = Some("请描述您要反映的问题。".into());
    } else if n > MAX_DESCRIPTION_CHARS {
        form.errors.description = Some(format!(
            "问题描述不能超过{MAX_DESCRIPTION_CHARS}字（现有{n}字），请精简后再提交。"
        ));
    }
    let has_point = !s.lat.is_empty() && !s.long.is_empty();
    if s.address.trim().is_empty() && !has_point {
        form.errors.address = Some("请填写问题发生的地点，或点击“使用当前位置”。".into());
    }
    if !category.anonymous_allowed && s.phone.trim().is_empty() && s.email.trim().is_empty() {
        form.errors.contact = Some(format!(
            "“{}”类投诉需留下联系电话或电子邮箱，仅用于核实和回访，不会公开。",
            category.name
        ));
    }
    for q in &mut form.questions {
        if q.required && !s.attributes.contains_key(&q.code) {
            q.error = Some(if matches!(q.kind, "single" | "multi") {
                "请选择此项。".into()
            } else {
                "请填写此项。".into()
            });
        }
    }
    form.errors.photos = s.photo_problem.clone();
    if form.invalid() {
        form.form_error = Some("提交未成功，请按提示修改后重新提交。".into());
        return page(&state, StatusCode::UNPROCESSABLE_ENTITY, &form);
    }

    // One complaint per form, even when the button is pressed twice.
    match claim(&state, &stamp.submission_id).await {
        Ok(None) => {}
        Ok(Some(r)) => return r,
        Err(r) => return r,
    }
    let filed = file(&state, &category, &s, &mut form).await;
    match filed {
        Ok(token) => {
            if let Err(e) = portal_service::complete(&state, &stamp.submission_id, &token.1).await {
                tracing::error!(error = %e, "portal submission not recorded as filed");
            }
            Redirect::to(&format!("/portal/track/{}?new=1", token.0)).into_response()
        }
        Err(r) => {
            if let Err(e) = portal_service::release(&state, &stamp.submission_id).await {
                tracing::error!(error = %e, "portal submission not released");
            }
            r
        }
    }
}

/// Claims the submission id; `Ok(Some(page))` when the form was already filed (redirect to
/// it) or is still being filed by another request for too long.
async fn claim(state: &AppState, submission_id: &str) -> Result<Option<Response>, Response> {
    for _ in 0..60 {
        match portal_service::claim(state, submission_id).await {
            Ok(Claim::New) => return Ok(None),
            Ok(Claim::Filed { token }) => {
                return Ok(Some(
                    Redirect::to(&format!("/portal/track/{token}?new=1")).into_response(),
                ));
            }
            Ok(Claim::Pending) => {
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
            Err(e) => return Err(super::service_failure(state, e)),
        }
    }
    Ok(Some(message(
        state,
        StatusCode::CONFLICT,
        "正在提交",
        "您的投诉正在提交中，请勿重复点击。请稍候刷新本页面查看结果。",
    )))
}

/// Resizes the photos and files the complaint: `(token, service_request_id)`, or the page.
async fn file(
    state: &AppState,
    category: &Category,
    s: &Submitted,
    form: &mut FormPage,
) -> Result<(String, String), Response> {
    let photos = s.photos.clone();
    let prepared = tokio::task::spawn_blocking(move || {
        photos
            .iter()
            .map(|p| crate::service::upload::public_photo(p))
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "photo resizing failed");
        busy()
    })?;
    let mut media = Vec::new();
    for (i, p) in prepared.into_iter().enumerate() {
        match p {
            Ok(bytes) => media.push(MediaUpload {
                file_name: format!("photo-{}.jpg", i + 1),
                content_type: "image/jpeg".into(),
                bytes,
            }),
            Err(problem) => {
                form.errors.photos = Some(problem.message(&format!("第{}张照片", i + 1)));
                form.form_error = Some("提交未成功，请按提示修改后重新提交。".into());
                return Err(page(state, StatusCode::UNPROCESSABLE_ENTITY, form));
            }
        }
    }
    let opt = |v: &str| Some(v.trim().to_string()).filter(|v| !v.is_empty());
    let has_point = !s.lat.is_empty() && !s.long.is_empty();
    let attributes = s
        .attributes
        .iter()
        .map(|(code, values)| {
            let datetime = category
                .attributes
                .iter()
                .any(|a| &a.code == code && a.datatype == Datatype::Datetime);
            let values = if datetime {
                values.iter().map(|v| with_offset(v)).collect()
            } else {
                values.clone()
            };
            (code.clone(), values)
        })
        .collect();
    let input = NewComplaint {
        service_code: category.code.clone(),
        description: opt(&s.description),
        lat: if has_point { opt(&s.lat) } else { None },
        long: if has_point { opt(&s.long) } else { None },
        address_string: opt(&s.address),
        last_name: opt(&s.name),
        phone: opt(&s.phone),
        email: opt(&s.email),
        attributes,
        media,
        ..NewComplaint::default()
    };
    match complaint::create(
        state,
        Channel::Portal,
        None,
        &Actor("citizen".into()),
        input,
    )
    .await
    {
        Ok(created) => Ok((created.token, created.service_request_id)),
        Err(crate::service::ServiceError::Invalid { message, .. }) => {
            form.form_error = Some(format!("提交未成功：{}", in_chinese(&message)));
            Err(page(state, StatusCode::UNPROCESSABLE_ENTITY, form))
        }
        Err(e) => Err(super::service_failure(state, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetime_local_values_get_china_time() {
        assert_eq!(with_offset("2026-05-01T08:30"), "2026-05-01T08:30:00+08:00");
        assert_eq!(with_offset("昨天"), "昨天");
    }

    #[test]
    fn service_messages_are_put_in_chinese() {
        assert_eq!(
            in_chinese("phone 只能包含数字；email 格式不正确"),
            "联系电话 只能包含数字；电子邮箱 格式不正确"
        );
    }
}
