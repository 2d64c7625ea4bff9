//! Generated enforcement documents (执法文书) and their gap-free numbers (文号).

use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

/// One generated document in the case file.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct DocumentRow {
    pub id: String,
    pub case_id: String,
    /// `advance_notice`, `decision`, `service_receipt` or `demand`.
    pub kind: String,
    /// 文号, e.g. 卧城管罚决〔2026〕3号
    pub doc_no: String,
    /// The recorded event (sequence number in the case) the document is about.
    pub event_seq: i64,
    /// SHA-256 of the stored DOCX file.
    pub sha256: String,
    pub file_name: String,
    pub created_by: String,
    pub created_at: String,
    /// SHA-256 of the PDF rendering stored beside the DOCX, when there is one.
    pub pdf_sha256: Option<String>,
}

const COLS: &str =
    "id, case_id, kind, doc_no, event_seq, sha256, file_name, created_by, created_at, pdf_sha256";

pub async fn get(conn: &mut AnyConnection, id: &str) -> Result<Option<DocumentRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM documents WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// The document of `kind` already generated for this case and event, if any.
pub async fn find(
    conn: &mut AnyConnection,
    case_id: &str,
    kind: &str,
    event_seq: i64,
) -> Result<Option<DocumentRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM documents WHERE case_id = $1 AND kind = $2 AND event_seq = $3"
    )))
    .bind(case_id)
    .bind(kind)
    .bind(event_seq)
    .fetch_optional(conn)
    .await
}

pub async fn of_case(
    conn: &mut AnyConnection,
    case_id: &str,
) -> Result<Vec<DocumentRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLS} FROM documents WHERE case_id = $1 ORDER BY created_at, doc_no"
    )))
    .bind(case_id)
    .fetch_all(conn)
    .await
}

pub async fn insert(conn: &mut AnyConnection, d: &DocumentRow) -> Result<(), sqlx::Error> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO documents ({COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    )))
    .bind(&d.id)
    .bind(&d.case_id)
    .bind(&d.kind)
    .bind(&d.doc_no)
    .bind(d.event_seq)
    .bind(&d.sha256)
    .bind(&d.file_name)
    .bind(&d.created_by)
    .bind(&d.created_at)
    .bind(&d.pdf_sha256)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records the PDF rendering of a document.
pub async fn set_pdf(conn: &mut AnyConnection, id: &str, sha256: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE documents SET pdf_sha256 = $1 WHERE id = $2")
        .bind(sha256)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Takes the next number of `kind` in `year`. Call inside the write transaction that stores
/// the document: a rolled-back transaction gives its number back, so there are no gaps.
pub async fn next_number(
    conn: &mut AnyConnection,
    kind: &str,
    year: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO document_numbers (kind, year, last_no) VALUES ($1, $2, 0) ON CONFLICT (kind, year) DO NOTHING",
    )
    .bind(kind)
    .bind(year)
    .execute(&mut *conn)
    .await?;
    sqlx::query_scalar(
        "UPDATE document_numbers SET last_no = last_no + 1 WHERE kind = $1 AND year = $2 RETURNING last_no",
    )
    .bind(kind)
    .bind(year)
    .fetch_one(conn)
    .await
}

/// The party's address (送达地址), if recorded.
pub async fn party_address(
    conn: &mut AnyConnection,
    case_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    let v: Option<Option<String>> =
        sqlx::query_scalar("SELECT party_address FROM cases WHERE id = $1")
            .bind(case_id)
            .fetch_optional(conn)
            .await?;
    Ok(v.flatten())
}

/// Keeps the filled-in content (JSON) of a generated document.
pub async fn set_content(
    conn: &mut AnyConnection,
    id: &str,
    content: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE documents SET content = $1 WHERE id = $2")
        .bind(content)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn content(conn: &mut AnyConnection, id: &str) -> Result<Option<String>, sqlx::Error> {
    Ok(
        sqlx::query_scalar::<_, Option<String>>("SELECT content FROM documents WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?
            .flatten(),
    )
}
