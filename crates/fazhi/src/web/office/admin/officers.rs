//! 执法人员: the officers in the user's scope with their enforcement certificates and whether
//! each is valid today (`?expiring=90`: those whose certificate ends within 90 days, in red),
//! registering an officer, and on the officer's page recording a certificate and suspending
//! (暂扣) or lifting the suspension of one.

use super::{BAD_DATE, FormErrors, Opt, parse_date};
use crate::service::auth::CurrentUser;
use crate::service::officer::CertificateRow;
use crate::service::officer::{self, NewCertificate, NewOfficer, OfficerView, Suspension};
use crate::service::{AppState, org_unit};
use crate::web::page::{Layout, OfficeUser, PageResult, check_csrf, cn_date, cn_date_str, render};
use crate::web::page::{OkQuery, PageForm, PageQuery, redirect, render_form};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/officers", get(list).post(create))
        .route("/officers/new", get(new_form))
        .route("/officers/{id}", get(show))
        .route("/officers/{id}/certificates", post(add_certificate))
        .route(
            "/officers/{id}/certificates/{cert}/suspension",
            post(suspend),
        )
}

/// The notice shown after a successful write (`?ok=code`; fixed texts, never echoed input).
fn notice(code: Option<&str>) -> Option<&'static str> {
    match code? {
        "created" => Some("已登记执法人员"),
        "certificate" => Some("已登记执法证"),
        "suspended" => Some("已暂扣执法证"),
        "lifted" => Some("已解除暂扣"),
        _ => None,
    }
}

fn employment_label(e: &str) -> &'static str {
    if e == "staff" {
        "在编在职"
    } else {
        "协管/辅助人员"
    }
}

/// A certificate as shown: validity, and its state on the clock's today.
pub struct CertLine {
    pub id: String,
    pub cert_no: String,
    pub issuer: String,
    pub scope: String,
    pub validity: String,
    pub suspension: Option<String>,
    pub status: &'static str,
    pub status_label: String,
    /// Ends within the `?expiring=` window (shown in red).
    pub expiring: bool,
}

fn cert_line(c: &CertificateRow, today: NaiveDate, window: i64) -> CertLine {
    let today_s = today.to_string();
    let near = (today + chrono::Duration::days(window)).to_string();
    let suspended = c
        .suspended_from
        .as_deref()
        .is_some_and(|f| f <= today_s.as_str())
        && c.suspended_until
            .as_deref()
            .is_none_or(|u| u >= today_s.as_str());
    let expiring = c.valid_until.as_str() >= today_s.as_str() && c.valid_until <= near;
    let days_left = NaiveDate::parse_from_str(&c.valid_until, "%Y-%m-%d")
        .map(|u| (u - today).num_days())
        .unwrap_or_default();
    let (status, status_label) = if c.valid_from.as_str() > today_s.as_str() {
        ("pending", "尚未生效".to_string())
    } else if c.valid_until.as_str() < today_s.as_str() {
        ("missed", "已过期".to_string())
    } else if suspended {
        ("overdue", "暂扣中".to_string())
    } else if expiring {
        ("near_due", format!("{days_left}日后到期"))
    } else {
        ("met", "有效".to_string())
    };
    let suspension = c
        .suspended_from
        .as_deref()
        .map(|f| match &c.suspended_until {
            Some(u) => format!("暂扣 {}至{}", cn_date_str(f), cn_date_str(u)),
            None => format!("自{}起暂扣（未定期限）", cn_date_str(f)),
        });
    CertLine {
        id: c.id.clone(),
        cert_no: c.cert_no.clone(),
        issuer: c.issuer.clone(),
        scope: c.scope.clone(),
        validity: format!(
            "{}至{}",
            cn_date_str(&c.valid_from),
            cn_date_str(&c.valid_until)
        ),
        suspension,
        status,
        status_label,
        expiring,
    }
}

pub struct OfficerLine {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub employment: &'static str,
    pub active: bool,
    pub certs: Vec<CertLine>,
    pub expiring: bool,
}

async fn unit_names(
    state: &AppState,
    user: &CurrentUser,
) -> Result<HashMap<String, String>, crate::service::ServiceError> {
    Ok(org_unit::list(state, user)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

fn officer_line(
    v: &OfficerView,
    units: &HashMap<String, String>,
    today: NaiveDate,
    window: i64,
) -> OfficerLine {
    let certs: Vec<CertLine> = v
        .certificates
        .iter()
        .map(|c| cert_line(c, today, window))
        .collect();
    OfficerLine {
        id: v.officer.id.clone(),
        name: v.officer.name.clone(),
        unit: units
            .get(&v.officer.org_unit_id)
            .cloned()
            .unwrap_or_else(|| "—".into()),
        employment: employment_label(&v.officer.employment),
        active: v.officer.active == 1,
        expiring: certs.iter().any(|c| c.expiring),
        certs,
    }
}

#[derive(Deserialize)]
struct ListQuery {
    expiring: Option<String>,
    ok: Option<String>,
}

#[derive(Template)]
#[template(path = "office/admin/officers.html")]
struct ListPage {
    layout: Layout,
    officers: Vec<OfficerLine>,
    /// `Some(days)` when filtered to certificates ending within `days`.
    expiring: Option<i64>,
    expiring_text: String,
    bad_filter: bool,
    today: String,
    can_create: bool,
    notice: Option<&'static str>,
}

async fn list(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult {
    let views = officer::list(&state, &user).await?;
    let units = unit_names(&state, &user).await?;
    let today = state.clock.today();
    let raw = q.expiring.as_deref().map(str::trim).unwrap_or("");
    let parsed = raw.parse::<i64>().ok().filter(|d| (0..=3650).contains(d));
    let bad_filter = !raw.is_empty() && parsed.is_none();
    let window = parsed.unwrap_or(90);
    let mut officers: Vec<OfficerLine> = views
        .iter()
        .map(|v| officer_line(v, &units, today, window))
        .collect();
    if parsed.is_some() {
        officers.retain(|o| o.active && o.expiring);
    }
    Ok(render(&ListPage {
        layout: Layout::new(&state, &user, "执法人员", "/officers"),
        officers,
        expiring: parsed,
        expiring_text: raw.to_string(),
        bad_filter,
        today: cn_date(today),
        can_create: user.may(crate::service::permissions::Action::ManageOfficers),
        notice: notice(q.ok.as_deref()),
    }))
}

#[derive(Deserialize, Default)]
struct OfficerForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    org_unit_id: String,
    #[serde(default)]
    employment: String,
}

#[derive(Template)]
#[template(path = "office/admin/officer_new.html")]
struct NewPage {
    layout: Layout,
    name: String,
    units: Vec<Opt>,
    employments: Vec<Opt>,
    errors: FormErrors,
}

async fn new_page(
    state: &AppState,
    user: &CurrentUser,
    f: &OfficerForm,
    errors: FormErrors,
) -> PageResult {
    let units = org_unit::list(state, user)
        .await?
        .into_iter()
        .filter(|u| u.kind != "partner")
        .map(|u| Opt::new(u.id, u.name, &f.org_unit_id))
        .collect();
    let employment = if f.employment.is_empty() {
        "staff"
    } else {
        f.employment.as_str()
    };
    render_form(
        !errors.is_empty(),
        &NewPage {
            layout: Layout::new(state, user, "登记执法人员", "/officers"),
            name: f.name.clone(),
            units,
            employments: vec![
                Opt::new("staff", "在编在职（可申领执法证）", employment),
                Opt::new("auxiliary", "协管/辅助人员（不得独立执法）", employment),
            ],
            errors,
        },
    )
}

async fn new_form(State(state): State<AppState>, OfficeUser(user): OfficeUser) -> PageResult {
    user.require(crate::service::permissions::Action::ManageOfficers)?;
    new_page(
        &state,
        &user,
        &OfficerForm::default(),
        FormErrors::default(),
    )
    .await
}

async fn create(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    PageForm(f): PageForm<OfficerForm>,
) -> PageResult {
    check_csrf(&user, &f.csrf)?;
    if f.org_unit_id.trim().is_empty() {
        // The service would answer "forbidden" for a unit outside the scope; an empty choice
        // is a form error (after the same role check).
        user.require(crate::service::permissions::Action::ManageOfficers)?;
        let mut errors = FormErrors::default();
        errors.add("org_unit_id", "请选择所属单位");
        return new_page(&state, &user, &f, errors).await;
    }
    let input = NewOfficer {
        name: f.name.clone(),
        org_unit_id: f.org_unit_id.clone(),
        employment: f.employment.clone(),
    };
    match officer::create(&state, Some(&user), input).await {
        Ok(row) => redirect(&format!("/officers/{}?ok=created", row.id)),
        Err(e) => {
            let errors = FormErrors::from_service(e, &["name", "org_unit_id", "employment"])?;
            new_page(&state, &user, &f, errors).await
        }
    }
}

#[derive(Deserialize, Default)]
struct CertForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    cert_no: String,
    #[serde(default)]
    issuer: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    valid_from: String,
    #[serde(default)]
    valid_until: String,
}

#[derive(Deserialize, Default)]
struct SuspendForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
}

/// The suspension form of one certificate as re-shown after a refusal.
#[derive(Default)]
struct SuspendState {
    cert_id: String,
    from: String,
    until: String,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "office/admin/officer.html")]
struct ShowPage {
    layout: Layout,
    officer: OfficerLine,
    staff: bool,
    is_admin: bool,
    notice: Option<&'static str>,
    cert: CertForm,
    cert_errors: FormErrors,
    /// Which certificate's suspension form failed, with its input and errors.
    susp_cert: String,
    susp_from: String,
    susp_until: String,
    susp_errors: FormErrors,
}

/// What the officer's page shows besides the officer: a notice, or the certificate form or
/// one suspension form as typed with its refusals.
#[derive(Default)]
struct Shown {
    notice: Option<&'static str>,
    cert: CertForm,
    cert_errors: FormErrors,
    susp: Option<SuspendState>,
}

async fn show_page(state: &AppState, user: &CurrentUser, id: &str, shown: Shown) -> PageResult {
    let Shown {
        notice,
        cert,
        cert_errors,
        susp,
    } = shown;
    let view = officer::get(state, user, id).await?;
    let units = unit_names(state, user).await?;
    let line = officer_line(&view, &units, state.clock.today(), 90);
    let failed = !cert_errors.is_empty() || susp.is_some();
    let susp = susp.unwrap_or_default();
    let cert = CertForm {
        issuer: if cert.issuer.is_empty() && cert_errors.is_empty() {
            "河南省人民政府".into()
        } else {
            cert.issuer
        },
        scope: if cert.scope.is_empty() && cert_errors.is_empty() {
            "城市管理综合行政执法".into()
        } else {
            cert.scope
        },
        ..cert
    };
    let page = ShowPage {
        layout: Layout::new(state, user, &format!("执法人员 {}", line.name), "/officers"),
        staff: view.officer.employment == "staff",
        officer: line,
        is_admin: user.may(crate::service::permissions::Action::ManageOfficers),
        notice,
        cert,
        cert_errors,
        susp_cert: susp.cert_id,
        susp_from: susp.from,
        susp_until: susp.until,
        susp_errors: susp.errors,
    };
    render_form(failed, &page)
}

async fn show(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path(id): Path<String>,
    PageQuery(q): PageQuery<OkQuery>,
) -> PageResult {
    let notice = notice(q.ok.as_deref());
    show_page(
        &state,
        &user,
        &id,
        Shown {
            notice,
            ..Shown::default()
        },
    )
    .await
}

async fn add_certificate(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path(id): Path<String>,
    PageForm(f): PageForm<CertForm>,
) -> PageResult {
    check_csrf(&user, &f.csrf)?;
    let mut errors = FormErrors::default();
    let from = parse_date(&f.valid_from);
    let until = parse_date(&f.valid_until);
    if from.is_none() {
        errors.add("valid_from", BAD_DATE);
    }
    if until.is_none() {
        errors.add("valid_until", BAD_DATE);
    }
    if f.issuer.trim().is_empty() {
        errors.add("issuer", "请填写发证机关");
    }
    if f.scope.trim().is_empty() {
        errors.add("scope", "请填写执法区域/类别");
    }
    let refused = |cert, cert_errors| Shown {
        cert,
        cert_errors,
        ..Shown::default()
    };
    let (Some(valid_from), Some(valid_until)) = (from, until) else {
        return show_page(&state, &user, &id, refused(f, errors)).await;
    };
    if !errors.is_empty() {
        return show_page(&state, &user, &id, refused(f, errors)).await;
    }
    let input = NewCertificate {
        cert_no: f.cert_no.clone(),
        issuer: f.issuer.trim().to_string(),
        scope: f.scope.trim().to_string(),
        valid_from,
        valid_until,
    };
    match officer::add_certificate(&state, Some(&user), &id, input).await {
        Ok(_) => redirect(&format!("/officers/{id}?ok=certificate")),
        Err(e) => {
            let errors = FormErrors::from_service(
                e,
                &["cert_no", "issuer", "scope", "valid_from", "valid_until"],
            )?;
            show_page(&state, &user, &id, refused(f, errors)).await
        }
    }
}

async fn suspend(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path((id, cert)): Path<(String, String)>,
    PageForm(f): PageForm<SuspendForm>,
) -> PageResult {
    check_csrf(&user, &f.csrf)?;
    let lift = f.action == "lift";
    let mut errors = FormErrors::default();
    let input = if lift {
        Suspension {
            from: None,
            until: None,
        }
    } else {
        let from = parse_date(&f.from);
        if from.is_none() {
            errors.add("from", "请填写暂扣起始日期，如 2025-04-01");
        }
        let until = if f.until.trim().is_empty() {
            None
        } else {
            let u = parse_date(&f.until);
            if u.is_none() {
                errors.add("until", BAD_DATE);
            }
            u
        };
        Suspension { from, until }
    };
    let refused = |errors: FormErrors| Shown {
        susp: Some(SuspendState {
            cert_id: cert.clone(),
            from: f.from.clone(),
            until: f.until.clone(),
            errors,
        }),
        ..Shown::default()
    };
    if !errors.is_empty() {
        return show_page(&state, &user, &id, refused(errors)).await;
    }
    match officer::suspend_certificate(&state, &user, &cert, input).await {
        Ok(row) => {
            let ok = if lift { "lifted" } else { "suspended" };
            redirect(&format!("/officers/{}?ok={ok}", row.officer_id))
        }
        Err(e) => {
            let errors = FormErrors::from_service(e, &["from", "until"])?;
            show_page(&state, &user, &id, refused(errors)).await
        }
    }
}
