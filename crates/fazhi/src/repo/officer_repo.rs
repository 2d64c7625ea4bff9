//! Officers (执法人员) and their enforcement certificates (执法证).

use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct OfficerRow {
    pub id: String,
    pub name: String,
    pub org_unit_id: String,
    /// `staff` 在编在职 or `auxiliary` 协管/辅助人员 (may not enforce, 河南省行政执法条例第二十条)
    pub employment: String,
    pub active: i64,
    pub version: i64,
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct CertificateRow {
    pub id: String,
    pub officer_id: String,
    pub cert_no: String,
    pub issuer: String,
    pub scope: String,
    pub valid_from: String,
    pub valid_until: String,
    pub suspended_from: Option<String>,
    pub suspended_until: Option<String>,
    pub created_at: String,
}

macro_rules! officer_cols {
    () => {
        "id, name, org_unit_id, employment, active, version, created_at"
    };
}
macro_rules! cert_cols {
    () => {
        "id, officer_id, cert_no, issuer, scope, valid_from, valid_until, suspended_from, suspended_until, created_at"
    };
}

pub async fn all(conn: &mut AnyConnection) -> Result<Vec<OfficerRow>, sqlx::Error> {
    super::fetch::all(
        conn,
        concat!(
            "SELECT ",
            officer_cols!(),
            " FROM officers ORDER BY name, id"
        ),
        &[],
    )
    .await
}

pub async fn get(conn: &mut AnyConnection, id: &str) -> Result<Option<OfficerRow>, sqlx::Error> {
    super::fetch::one(
        conn,
        concat!("SELECT ", officer_cols!(), " FROM officers WHERE id = $1"),
        &[id],
    )
    .await
}

pub async fn insert(conn: &mut AnyConnection, o: &OfficerRow) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO officers (id, name, org_unit_id, employment, active, version, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(&o.id)
        .bind(&o.name)
        .bind(&o.org_unit_id)
        .bind(&o.employment)
        .bind(o.active)
        .bind(o.version)
        .bind(&o.created_at)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn certificates_of(
    conn: &mut AnyConnection,
    officer_id: &str,
) -> Result<Vec<CertificateRow>, sqlx::Error> {
    super::fetch::all(
        conn,
        concat!(
            "SELECT ",
            cert_cols!(),
            " FROM certificates WHERE officer_id = $1 ORDER BY valid_from, id"
        ),
        &[officer_id],
    )
    .await
}

pub async fn all_certificates(
    conn: &mut AnyConnection,
) -> Result<Vec<CertificateRow>, sqlx::Error> {
    super::fetch::all(
        conn,
        concat!(
            "SELECT ",
            cert_cols!(),
            " FROM certificates ORDER BY officer_id, valid_from"
        ),
        &[],
    )
    .await
}

pub async fn get_certificate(
    conn: &mut AnyConnection,
    id: &str,
) -> Result<Option<CertificateRow>, sqlx::Error> {
    super::fetch::one(
        conn,
        concat!("SELECT ", cert_cols!(), " FROM certificates WHERE id = $1"),
        &[id],
    )
    .await
}

pub async fn insert_certificate(
    conn: &mut AnyConnection,
    c: &CertificateRow,
) -> Result<(), sqlx::Error> {
    sqlx::query(concat!(
        "INSERT INTO certificates (",
        cert_cols!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ))
    .bind(&c.id)
    .bind(&c.officer_id)
    .bind(&c.cert_no)
    .bind(&c.issuer)
    .bind(&c.scope)
    .bind(&c.valid_from)
    .bind(&c.valid_until)
    .bind(&c.suspended_from)
    .bind(&c.suspended_until)
    .bind(&c.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_suspension(
    conn: &mut AnyConnection,
    id: &str,
    from: Option<&str>,
    until: Option<&str>,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE certificates SET suspended_from = $1, suspended_until = $2 WHERE id = $3",
    )
    .bind(from)
    .bind(until)
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected())
}
