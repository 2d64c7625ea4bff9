//! The two shapes most reads of the repo modules take: the row, or all the rows, that one
//! statement selects, with its text parameters (`$1`, `$2`, …) bound in order. A read with
//! other parameters (numbers, optional values) or another shape builds its query itself.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, FromRow};

/// The row `sql` selects with `args` bound in order, if there is one.
pub async fn one<T>(
    conn: &mut AnyConnection,
    sql: &'static str,
    args: &[&str],
) -> Result<Option<T>, sqlx::Error>
where
    T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
{
    let mut query = sqlx::query_as(sql);
    for a in args {
        query = query.bind(*a);
    }
    query.fetch_optional(conn).await
}

/// Every row `sql` selects with `args` bound in order.
pub async fn all<T>(
    conn: &mut AnyConnection,
    sql: &'static str,
    args: &[&str],
) -> Result<Vec<T>, sqlx::Error>
where
    T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
{
    let mut query = sqlx::query_as(sql);
    for a in args {
        query = query.bind(*a);
    }
    query.fetch_all(conn).await
}
