//! The back office's reference pages (issue 4) and the Open311 key page (issue 3):
//! officers and their certificates (执法人员), the org tree (组织机构), the violation catalogue
//! with the discretion check (裁量基准), user accounts (用户), the working-day calendar
//! (工作日历), the bureau's rule settings (规则设置), Open311 client keys (接入密钥) and the
//! audit trail with the erasure of personal data (审计与个人信息). Every write goes through
//! the same service function as the JSON API, which checks the role and writes the audit
//! entry; the handlers only parse the form, check its CSRF token and show refusals next to
//! the fields.

mod audit;
mod calendars;
mod catalogue;
mod keys;
mod officers;
mod org_units;
mod settings;
mod users;

use crate::service::ServiceError;
use crate::web::page::PageError;
use axum::Router;
use chrono::{Datelike, NaiveDate, Weekday};

use crate::service::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(officers::routes())
        .merge(org_units::routes())
        .merge(catalogue::routes())
        .merge(users::routes())
        .merge(calendars::routes())
        .merge(keys::routes())
        .merge(audit::routes())
        .merge(settings::routes())
}

/// What went wrong with a submitted form: messages per field and one for the whole form.
#[derive(Debug, Default)]
pub struct FormErrors {
    pub form: Option<String>,
    fields: Vec<(String, String)>,
}

impl FormErrors {
    /// One message above the whole form.
    pub fn for_form(message: impl Into<String>) -> Self {
        Self {
            form: Some(message.into()),
            fields: Vec::new(),
        }
    }

    /// The message for `field`, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// Whether `field` has a message.
    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    /// Adds a message for `field` (the first message of a field wins).
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        if !self.has(field) {
            self.fields.push((field.to_string(), message.into()));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.form.is_none() && self.fields.is_empty()
    }

    /// A service refusal of the input as form errors: a message about one of the form's
    /// `fields` goes next to it, anything else about the input above the form. Other errors
    /// (no permission, not found, internal) stay page errors.
    pub fn from_service(e: ServiceError, fields: &[&str]) -> Result<Self, PageError> {
        let mut errors = Self::default();
        match e {
            ServiceError::Invalid { message, field, .. } => match field {
                Some(f) if fields.contains(&f.as_str()) => errors.add(&f, message),
                _ => errors.form = Some(message),
            },
            ServiceError::Duplicate { field, message } => {
                if fields.contains(&field.as_str()) {
                    errors.add(&field, message);
                } else {
                    errors.form = Some(message);
                }
            }
            other => return Err(PageError::from(other)),
        }
        Ok(errors)
    }
}

/// One `<option>` of a `<select>`.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Opt {
    pub fn new(value: impl Into<String>, label: impl Into<String>, current: &str) -> Self {
        let value = value.into();
        Self {
            selected: value == current,
            label: label.into(),
            value,
        }
    }
}

/// A date typed into a form (`2025-04-01`; `2025/4/1` and `2025年4月1日` are accepted too).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, "%Y/%m/%d"))
        .or_else(|_| NaiveDate::parse_from_str(t, "%Y年%m月%d日"))
        .ok()
}

/// The message next to a date field that could not be read.
pub const BAD_DATE: &str = "请填写有效日期，如 2025-04-01";

/// 星期一 … 星期日.
pub fn weekday_cn(d: NaiveDate) -> &'static str {
    match d.weekday() {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}

/// Chinese name of an org unit kind.
pub fn unit_kind_label(kind: &str) -> &'static str {
    match kind {
        "bureau" => "局",
        "squad" => "中队",
        "office" => "股室",
        "partner" => "协作部门",
        _ => "其他",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_in_the_usual_forms() {
        let d = NaiveDate::from_ymd_opt(2025, 4, 1);
        assert_eq!(parse_date("2025-04-01"), d);
        assert_eq!(parse_date(" 2025/4/1 "), d);
        assert_eq!(parse_date("2025年4月1日"), d);
        assert_eq!(parse_date("2025-02-30"), None);
        assert_eq!(parse_date(""), None);
    }

    #[test]
    fn service_refusals_land_next_to_their_field() {
        let e = FormErrors::from_service(
            ServiceError::invalid_field("x", "name", "姓名不能为空"),
            &["name"],
        )
        .map_err(|_| ())
        .unwrap_or_default();
        assert_eq!(e.get("name"), Some("姓名不能为空"));
        assert!(e.form.is_none());
        let e = FormErrors::from_service(
            ServiceError::invalid_field("x", "employment", "协管"),
            &["name"],
        )
        .map_err(|_| ())
        .unwrap_or_default();
        assert_eq!(e.form.as_deref(), Some("协管"));
        assert!(FormErrors::from_service(ServiceError::Forbidden, &["name"]).is_err());
    }
}
