//! Org units (局 → 中队, partner departments).

use serde::Serialize;
use sqlx::{AnyConnection, FromRow};

#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct OrgUnit {
    pub id: String,
    pub parent_id: Option<String>,
    pub name: String,
    /// `bureau` 局, `squad` 中队, `office` 股室, `partner` 协作部门
    pub kind: String,
    pub created_at: String,
}

pub async fn all(conn: &mut AnyConnection) -> Result<Vec<OrgUnit>, sqlx::Error> {
    super::fetch::all(
        conn,
        "SELECT id, parent_id, name, kind, created_at FROM org_units ORDER BY created_at, id",
        &[],
    )
    .await
}

/// How many org units are stored.
pub async fn count(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM org_units")
        .fetch_one(conn)
        .await
}

pub async fn insert(conn: &mut AnyConnection, u: &OrgUnit) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO org_units (id, parent_id, name, kind, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&u.id)
    .bind(&u.parent_id)
    .bind(&u.name)
    .bind(&u.kind)
    .bind(&u.created_at)
    .execute(conn)
    .await?;
    Ok(())
}
