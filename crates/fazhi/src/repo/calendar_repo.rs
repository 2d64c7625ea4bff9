//! Holiday arrangements loaded by administrators (`calendar_years`, migration 0009): one
//! data-file text per year, and the load generation that tells servers when to rebuild.

use sqlx::{AnyConnection, Row};

/// One stored year.
#[derive(Debug, Clone)]
pub struct YearRow {
    pub year: i32,
    pub arrangement: String,
    pub source: String,
    pub generation: i64,
    pub loaded_by: String,
    pub loaded_at: String,
}

/// The latest load generation (0 when nothing was ever loaded): one indexed aggregate.
pub async fn generation(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    let row = sqlx::query("SELECT COALESCE(MAX(generation), 0) AS g FROM calendar_years")
        .fetch_one(conn)
        .await?;
    row.try_get("g")
}

/// Every stored year, ascending.
pub async fn all(conn: &mut AnyConnection) -> Result<Vec<YearRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT year, arrangement, source, generation, loaded_by, loaded_at \
         FROM calendar_years ORDER BY year",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            let year: i64 = r.try_get("year")?;
            Ok(YearRow {
                year: i32::try_from(year).unwrap_or(0),
                arrangement: r.try_get("arrangement")?,
                source: r.try_get("source")?,
                generation: r.try_get("generation")?,
                loaded_by: r.try_get("loaded_by")?,
                loaded_at: r.try_get("loaded_at")?,
            })
        })
        .collect()
}

/// Stores (or replaces) the arrangement of `year` under the next generation; returns it.
pub async fn upsert(
    conn: &mut AnyConnection,
    year: i32,
    arrangement: &str,
    source: &str,
    loaded_by: &str,
    now: &str,
) -> Result<i64, sqlx::Error> {
    let next = generation(&mut *conn).await? + 1;
    sqlx::query(
        "INSERT INTO calendar_years (year, arrangement, source, generation, loaded_by, loaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (year) DO UPDATE SET arrangement = excluded.arrangement, \
         source = excluded.source, generation = excluded.generation, \
         loaded_by = excluded.loaded_by, loaded_at = excluded.loaded_at",
    )
    .bind(i64::from(year))
    .bind(arrangement)
    .bind(source)
    .bind(next)
    .bind(loaded_by)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(next)
}
