//! `/api/v1/cases/{id}/documents`, `/api/v1/documents/{doc_id}/file`: enforcement documents
//! (执法文书) generated from the case record as DOCX, numbered and stored with their SHA-256.

use crate::service::AppState;
use crate::service::auth::CurrentUser;
use crate::service::document::DocumentRow;
use crate::service::document::{self, NewDocument};
use crate::web::error::{ApiResult, ErrorBody};
use crate::web::extract::{ApiJson, ApiPath};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The media type of a DOCX file.
pub const DOCX_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// Generate a document (`advance_notice`, `decision`, `service_receipt`, `demand`) from the
/// case record: 201 with the new record, or 200 with the one already generated for the same
/// recorded step. 422 `document_not_available` when the record lacks that step.
#[utoipa::path(post, path = "/cases/{id}/documents", tag = "documents", params(("id" = String, Path)), request_body = NewDocument,
    responses((status = 201, body = DocumentRow), (status = 200, body = DocumentRow), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn generate(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<NewDocument>,
) -> ApiResult<(StatusCode, Json<DocumentRow>)> {
    let (row, created) = document::generate(&state, &user, &id, input).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(row)))
}

/// The documents generated for a case.
#[utoipa::path(get, path = "/cases/{id}/documents", tag = "documents", operation_id = "list_documents", params(("id" = String, Path)),
    responses((status = 200, body = Vec<DocumentRow>), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Vec<DocumentRow>>> {
    Ok(Json(document::list(&state, &user, &id).await?))
}

/// Percent-encodes a file name for `filename*=UTF-8''…` (RFC 5987).
fn rfc5987(name: &str) -> String {
    let mut out = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The stored DOCX file of a document.
#[utoipa::path(get, path = "/documents/{doc_id}/file", tag = "documents", params(("doc_id" = String, Path)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", description = "DOCX"), (status = 404, body = ErrorBody)))]
pub async fn file(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(doc_id): ApiPath<String>,
) -> ApiResult<Response> {
    let (doc, bytes) = document::file(&state, &user, &doc_id).await?;
    let disposition = format!(
        "attachment; filename=\"{}.docx\"; filename*=UTF-8''{}",
        doc.kind,
        rfc5987(&doc.file_name)
    );
    Ok((
        [
            (header::CONTENT_TYPE, DOCX_TYPE.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// The PDF rendering of a document (LibreOffice headless, stored beside the DOCX with its
/// own SHA-256, `pdf_sha256`); 404 when the server renders no PDF or the conversion failed.
#[utoipa::path(get, path = "/documents/{doc_id}/pdf", tag = "documents", params(("doc_id" = String, Path)),
    responses((status = 200, content_type = "application/pdf", description = "PDF"), (status = 404, body = ErrorBody)))]
pub async fn pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(doc_id): ApiPath<String>,
) -> ApiResult<Response> {
    let (doc, bytes) = document::pdf_file(&state, &user, &doc_id).await?;
    let stem = doc.file_name.trim_end_matches(".docx");
    let disposition = format!(
        "attachment; filename=\"{}.pdf\"; filename*=UTF-8''{}.pdf",
        doc.kind,
        rfc5987(stem)
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}
