//! Opening a case: `/cases/new` (a case file at the 线索 stage; 立案 is then its first step)
//! and `/cases/summary` — the summary procedure (当场处罚) as one phone-sized form for
//! officers in the street, which opens the case and records the on-the-spot decision in one
//! transaction, so a refused decision leaves no empty case behind.

use super::case_steps::{build_event, fields_for};
use super::form::{Field, Fields, Kind, Posted};
use crate::service::auth::CurrentUser;
use crate::service::case_actions;
use crate::service::{AppState, ServiceError, case, catalogue, org_unit};
use crate::web::page::{Layout, OfficeUser, PageResult, check_csrf, render, render_with};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use fazhi_domain::Violation;
use fazhi_domain::timeline::{EventType, Party, PartyKind, Procedure};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases/new", get(new_form).post(new_submit))
        .route("/cases/summary", get(summary_form).post(summary_submit))
}

#[derive(Template)]
#[template(path = "office/case_new.html")]
struct NewCasePage {
    layout: Layout,
    heading: &'static str,
    action: &'static str,
    phone: bool,
    fields: Fields,
    refusals: Vec<Violation>,
    form_error: Option<String>,
}

async fn case_fields(
    state: &AppState,
    user: &CurrentUser,
    summary: bool,
) -> Result<Vec<Field>, ServiceError> {
    let units = org_unit::list(state, user).await?;
    let catalogue = catalogue::list(state).await?;
    let mut v = vec![
        Field::new("org_unit_id", "承办单位", Kind::Select)
            .owned_options(
                units
                    .iter()
                    .map(|u| (u.id.clone(), u.name.clone()))
                    .collect(),
            )
            .value(user.org_unit_id.clone()),
        Field::new("party_kind", "当事人类型", Kind::Select)
            .options(&[("individual", "公民"), ("organisation", "法人或者其他组织")])
            .value("individual"),
        Field::new("party_name", "当事人姓名或名称", Kind::Text).required(),
        Field::new("party_address", "当事人住所或地址", Kind::Text),
        Field::new("act_date", "违法行为发生日期", Kind::Date)
            .required()
            .value(state.clock.today().to_string()),
        Field::new(
            "party_birth_date",
            "当事人出生日期（公民，选填）",
            Kind::Date,
        )
        .help("违法时已满十四周岁不满十八周岁的，应当从轻或者减轻行政处罚"),
        Field::new("violation", "违法行为", Kind::Select).owned_options(
            std::iter::once((String::new(), "（尚未认定）".to_string()))
                .chain(
                    catalogue
                        .entries
                        .iter()
                        .map(|e| (e.code.clone(), e.name.clone())),
                )
                .collect(),
        ),
    ];
    if !summary {
        v.push(Field::new(
            "minor_under_14",
            "当事人违法时不满十四周岁",
            Kind::Check,
        ));
        v.push(Field::new(
            "serious_harm",
            "危及生命健康安全、金融安全且有危害后果（追责时效五年）",
            Kind::Check,
        ));
        v.push(Field::new(
            "major",
            "重大执法决定（须法制审核、集体讨论）",
            Kind::Check,
        ));
    }
    Ok(v)
}

/// The new case from the posted form; errors are attached to `fields`.
fn new_case(p: &Posted, fields: &mut Fields, summary: bool) -> Option<case::NewCase> {
    let name = p.get("party_name");
    if name.is_empty() {
        fields.error("party_name", "请填写当事人姓名或名称");
    }
    let act_date = match chrono::NaiveDate::parse_from_str(&p.get("act_date"), "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            fields.error("act_date", "请填写违法行为发生日期（年-月-日）");
            None
        }
    };
    let kind = if p.get("party_kind") == "organisation" {
        PartyKind::Organisation
    } else {
        PartyKind::Individual
    };
    let minor = p.checked("minor_under_14");
    if minor && kind == PartyKind::Organisation {
        fields.error("minor_under_14", "单位当事人不适用该项");
    }
    let birth = p.get("party_birth_date");
    let birth_date = if birth.trim().is_empty() {
        None
    } else {
        match chrono::NaiveDate::parse_from_str(birth.trim(), "%Y-%m-%d") {
            Ok(_) if kind == PartyKind::Organisation => {
                fields.error("party_birth_date", "单位当事人不适用该项");
                None
            }
            Ok(b) if act_date.is_some_and(|a| b > a) => {
                fields.error("party_birth_date", "出生日期晚于违法行为发生日期");
                None
            }
            Ok(b) => Some(b),
            Err(_) => {
                fields.error("party_birth_date", "请按年-月-日填写出生日期");
                None
            }
        }
    };
    if fields.has_errors() {
        return None;
    }
    let violation = p.get("violation");
    let address = p.get("party_address");
    Some(case::NewCase {
        org_unit_id: p.get("org_unit_id"),
        party: Party {
            kind,
            name,
            minor_under_14: minor,
            birth_date,
        },
        procedure: if summary {
            Procedure::Summary
        } else {
            Procedure::Ordinary
        },
        act_date: act_date?,
        violation: (!violation.is_empty()).then_some(violation),
        serious_harm: p.checked("serious_harm"),
        major: p.checked("major"),
        party_address: (!address.is_empty()).then_some(address),
    })
}

fn apply_service_error(page: &mut NewCasePage, e: ServiceError) -> Result<(), ServiceError> {
    match e {
        ServiceError::Invalid { message, field, .. } => {
            let name = match field.as_deref().unwrap_or("") {
                "party.name" => "party_name",
                "event.on" => "on",
                "event.officers" => "officers",
                other => other.trim_start_matches("event."),
            }
            .to_string();
            if page.fields.has(&name) {
                page.fields.error(&name, message);
                page.form_error = Some("请更正标出的内容后再提交".into());
            } else {
                page.form_error = Some(message);
            }
            Ok(())
        }
        ServiceError::RuleViolations { violations, .. } => {
            page.refusals = violations;
            page.form_error = Some("依法不能作出该处罚，原因如下；案件未创建。".into());
            Ok(())
        }
        other => Err(other),
    }
}

async fn new_form(State(state): State<AppState>, OfficeUser(user): OfficeUser) -> PageResult {
    let mut fields = Fields(case_fields(&state, &user, false).await?);
    fields.select_current();
    Ok(render(&NewCasePage {
        layout: Layout::new(&state, &user, "新建案件", "/cases"),
        heading: "新建案件（普通程序）",
        action: "/cases/new",
        phone: false,
        fields,
        refusals: Vec::new(),
        form_error: None,
    }))
}

async fn new_submit(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    body: Bytes,
) -> PageResult {
    let posted = Posted::parse(&body);
    check_csrf(&user, &posted.get("_csrf"))?;
    let mut fields = Fields(case_fields(&state, &user, false).await?);
    fields.fill(&posted);
    let input = new_case(&posted, &mut fields, false);
    let mut page = NewCasePage {
        layout: Layout::new(&state, &user, "新建案件", "/cases"),
        heading: "新建案件（普通程序）",
        action: "/cases/new",
        phone: false,
        fields,
        refusals: Vec::new(),
        form_error: None,
    };
    let Some(input) = input else {
        page.form_error = Some("请更正标出的内容后再提交".into());
        return Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page));
    };
    match case::create(&state, &user, input).await {
        Ok(view) => Ok(Redirect::to(&format!(
            "/cases/{}?ok=%E5%B7%B2%E5%BB%BA%E6%A1%88%EF%BC%8C%E8%AF%B7%E5%8A%9E%E7%90%86%E7%AB%8B%E6%A1%88",
            view.case_row.id
        ))
        .into_response()),
        Err(e) => {
            apply_service_error(&mut page, e)?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

async fn summary_fields(state: &AppState, user: &CurrentUser) -> Result<Fields, ServiceError> {
    let mut v = case_fields(state, user, true).await?;
    let roster = case_actions::roster(state, user, &user.org_unit_id).await?;
    let step = fields_for(EventType::SummaryPenalty, &roster, state.clock.today());
    v.extend(step.0);
    let mut f = Fields(v);
    f.select_current();
    Ok(f)
}

async fn summary_form(State(state): State<AppState>, OfficeUser(user): OfficeUser) -> PageResult {
    Ok(render(&NewCasePage {
        layout: Layout::new(&state, &user, "当场处罚", "/cases"),
        heading: "当场处罚（简易程序）",
        action: "/cases/summary",
        phone: true,
        fields: summary_fields(&state, &user).await?,
        refusals: Vec::new(),
        form_error: None,
    }))
}

async fn summary_submit(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    body: Bytes,
) -> PageResult {
    let posted = Posted::parse(&body);
    check_csrf(&user, &posted.get("_csrf"))?;
    let mut fields = summary_fields(&state, &user).await?;
    fields.fill(&posted);
    let input = new_case(&posted, &mut fields, true);
    let entry = match posted.get("violation").as_str() {
        "" => None,
        code => catalogue::list(&state).await?.get(code).cloned(),
    };
    let kind = if posted.get("party_kind") == "organisation" {
        PartyKind::Organisation
    } else {
        PartyKind::Individual
    };
    let (event, _) = build_event(
        EventType::SummaryPenalty,
        &posted,
        &mut fields,
        entry.as_ref(),
        kind,
    );
    let mut page = NewCasePage {
        layout: Layout::new(&state, &user, "当场处罚", "/cases"),
        heading: "当场处罚（简易程序）",
        action: "/cases/summary",
        phone: true,
        fields,
        refusals: Vec::new(),
        form_error: None,
    };
    let (Some(input), Some(event)) = (input, event) else {
        page.form_error = Some("请更正标出的内容后再提交".into());
        return Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page));
    };
    match case::open_with_event(&state, &user, input, event).await {
        Ok(view) => Ok(Redirect::to(&format!(
            "/cases/{}?ok=%E5%B7%B2%E5%BD%93%E5%9C%BA%E5%A4%84%E7%BD%9A",
            view.case_row.id
        ))
        .into_response()),
        Err(e) => {
            apply_service_error(&mut page, e)?;
            Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}
