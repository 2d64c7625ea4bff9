//! The print-ready HTML view of a generated document (A4, 仿宋 body, 文号 under the title),
//! from the same filled-in content as the stored DOCX, with a link to the DOCX itself.

use crate::service::document::render::FormRow;
use crate::service::{AppState, document};
use crate::web::page::{OfficeUser, PageResult, render};
use askama::Template;
use axum::extract::{Path, State};

#[derive(Template)]
#[template(path = "office/document.html")]
struct DocumentPage {
    doc: crate::service::document::DocumentRow,
    filled: Option<document::render::Filled>,
    kind_label: &'static str,
}

pub async fn page(
    State(state): State<AppState>,
    OfficeUser(user): OfficeUser,
    Path(doc_id): Path<String>,
) -> PageResult {
    let (doc, filled) = document::content(&state, &user, &doc_id).await?;
    Ok(render(&DocumentPage {
        kind_label: super::cases::document_label(&doc.kind),
        doc,
        filled,
    }))
}
