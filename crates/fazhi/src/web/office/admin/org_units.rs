//! 组织机构: the org tree the user can see (their unit and everything below it) and, for
//! administrators, the form to add a unit; links to the Open311 key page.

use super::{FormErrors, Opt, unit_kind_label};
use crate::service::AppState;
use crate::service::auth::CurrentUser;
use crate::service::org_unit::OrgUnit;
use crate::service::org_unit::{self, NewOrgUnit};
use crate::web::page::{Layout, OfficeUser, PageResult, check_csrf};
use crate::web::page::{OkQuery, PageForm, PageQuery, redirect, render_form};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::Deserialize;
use std::collections::HashSet;

pub fn routes() -> Router<AppState> {
    Router::new().route("/org-units", get(list).post(create))
}

/// One line of the tree, indented by its depth (`data-depth`, styled in app.css).
pub struct UnitLine {
    pub name: String,
    pub kind: &'static str,
    /// Depth in the tree, capped at [`MAX_SHOWN_DEPTH`] for the indentation.
    pub depth: usize,
}

/// The deepest indentation app.css draws (deeper units line up with it).
const MAX_SHOWN_DEPTH: usize = 8;

/// Depth-first order; a unit whose parent the user cannot see is a root.
fn tree(units: &[OrgUnit]) -> Vec<UnitLine> {
    let ids: HashSet<&str> = units.iter().map(|u| u.id.as_str()).collect();
    let mut out = Vec::new();
    let mut stack: Vec<(&OrgUnit, usize)> = units
        .iter()
        .filter(|u| u.parent_id.as_deref().is_none_or(|p| !ids.contains(p)))
        .rev()
        .map(|u| (u, 0))
        .collect();
    let mut seen = HashSet::new();
    while let Some((u, depth)) = stack.pop() {
        if !seen.insert(u.id.as_str()) {
            continue;
        }
        out.push(UnitLine {
            name: u.name.clone(),
            kind: unit_kind_label(&u.kind),
            depth: depth.min(MAX_SHOWN_DEPTH),
        });
        stack.extend(
            units
                .iter()
                .filter(|c| c.parent_id.as_deref() == Some(u.id.as_str()))
                .rev()
                .map(|c| (c, depth + 1)),
        );
    }
    out
}

#[derive(Deserialize, Default)]
struct UnitForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    parent_id: String,
}

#[derive(Template)]
#[template(path = "office/admin/org_units.html")]
struct Page {
    layout: Layout,
    units: Vec<UnitLine>,
    is_admin: bool,
    notice: bool,
    name: String,
    kinds: Vec<Opt>,
    parents: Vec<Opt>,
    errors: FormErrors,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    f: &UnitForm,
    errors: FormErrors,
    notice: bool,
) -> PageResult {
    // The page of the tree is for those who run it (the navigation offers it to them).
    user.require(crate::service::permissions::Action::ViewOrgUnits)?;
    let units = org_unit::list(state, user).await?;
    let kind = if f.kind.is_empty() { "squad" } else { &f.kind };
    let mut parents = vec![Opt::new("", "（无上级：局或协作部门）", &f.parent_id)];
    parents.extend(
        units
            .iter()
            .map(|u| Opt::new(u.id.clone(), u.name.clone(), &f.parent_id)),
    );
    render_form(
        !errors.is_empty(),
        &Page {
            layout: Layout::new(state, user, "组织机构", "/org-units"),
            units: tree(&units),
            is_admin: user.may(crate::service::permissions::Action::ManageOrgUnits),
            notice,
            name: f.name.clone(),
            kinds: ["bureau", "squad", "office", "partner"]
                .into_iter()
                .map(|k| Opt::new(k, unit_kind_label(k), kind))
                .collect(),
            parents,
            errors,
        },
    )
}

async fn list(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    PageQuery(q): PageQuery<OkQuery>,
) -> PageResult {
    page(
        &state,
        &user,
        &UnitForm::default(),
        FormErrors::default(),
        q.ok.as_deref() == Some("created"),
    )
    .await
}

async fn create(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    PageForm(f): PageForm<UnitForm>,
) -> PageResult {
    check_csrf(&user, &f.csrf)?;
    let parent = f.parent_id.trim();
    let input = NewOrgUnit {
        name: f.name.clone(),
        kind: f.kind.clone(),
        parent_id: (!parent.is_empty()).then(|| parent.to_string()),
    };
    match org_unit::create(&state, Some(&user), input).await {
        Ok(_) => redirect("/org-units?ok=created"),
        Err(e) => {
            let errors = FormErrors::from_service(e, &["name", "kind", "parent_id"])?;
            page(&state, &user, &f, errors, false).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: &str, parent: Option<&str>) -> OrgUnit {
        OrgUnit {
            id: id.into(),
            parent_id: parent.map(str::to_string),
            name: id.into(),
            kind: "squad".into(),
            created_at: String::new(),
        }
    }

    #[test]
    fn tree_is_depth_first_and_orphans_are_roots() {
        let units = [
            unit("局", None),
            unit("一中队", Some("局")),
            unit("协作", None),
            unit("一组", Some("一中队")),
            unit("孤儿", Some("看不见的上级")),
        ];
        let lines: Vec<(String, usize)> = tree(&units)
            .into_iter()
            .map(|l| (l.name, l.depth))
            .collect();
        assert_eq!(
            lines,
            vec![
                ("局".into(), 0),
                ("一中队".into(), 1),
                ("一组".into(), 2),
                ("协作".into(), 0),
                ("孤儿".into(), 0),
            ]
        );
    }
}
