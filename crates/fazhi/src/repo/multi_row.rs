//! Multi-row `INSERT … VALUES (…), (…)` for batched writes (the complaint intake's group
//! commit, the audit entries of a batch): the chunk sizes a batch is written in and the
//! placeholder list of one chunk, per dialect.
//!
//! SQLite gets anonymous `?` parameters. A numbered parameter (`$7`) is a *named* one to
//! SQLite, kept in a list that `sqlite3_bind_parameter_name` scans from the start, and sqlx
//! asks for the name of every parameter it binds, so a statement of n numbered parameters
//! costs n²/2 steps to bind; anonymous parameters have no name and bind in constant time.
//! Both dialects bind in the order the values are given, so the same `.bind` calls serve.

use sqlx::AnyConnection;

/// Parameters per statement at most (SQLite allows 32,766 and PostgreSQL 65,535).
const MAX_PARAMS: usize = 2048;

/// The chunk sizes `rows` rows of `cols` columns are written in: powers of two, largest
/// first, so that a handful of statement shapes serve every batch size (and stay in the
/// prepared-statement cache of the connection).
pub fn chunk_sizes(mut rows: usize, cols: usize) -> Vec<usize> {
    let max = (MAX_PARAMS / cols.max(1)).max(1);
    let max = 1 << (usize::BITS - 1 - max.leading_zeros());
    let mut sizes = Vec::new();
    while rows > 0 {
        let size = if rows >= max {
            max
        } else {
            1 << (usize::BITS - 1 - rows.leading_zeros())
        };
        sizes.push(size);
        rows -= size;
    }
    sizes
}

/// `(?, …), (?, …)` on SQLite, `($1, …, $cols), ($cols+1, …)` on PostgreSQL, for `rows`
/// rows of `cols` values.
pub fn values_rows(conn: &AnyConnection, rows: usize, cols: usize) -> String {
    let numbered = !conn.backend_name().eq_ignore_ascii_case("sqlite");
    let mut sql = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..cols {
            if c > 0 {
                sql.push_str(", ");
            }
            if numbered {
                sql.push('$');
                sql.push_str(&(r * cols + c + 1).to_string());
            } else {
                sql.push('?');
            }
        }
        sql.push(')');
    }
    sql
}

/// `$n, $n+1, …` for `count` parameters starting at `first`.
pub fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_are_powers_of_two_within_the_parameter_limit() {
        assert_eq!(chunk_sizes(0, 29), Vec::<usize>::new());
        assert_eq!(chunk_sizes(45, 29), vec![32, 8, 4, 1]);
        assert_eq!(chunk_sizes(200, 29), vec![64, 64, 64, 8]);
        assert_eq!(chunk_sizes(3, 5000), vec![1, 1, 1]);
        for rows in 0..300 {
            let sizes = chunk_sizes(rows, 9);
            assert_eq!(sizes.iter().sum::<usize>(), rows);
            assert!(
                sizes
                    .iter()
                    .all(|s| s.is_power_of_two() && s * 9 <= MAX_PARAMS)
            );
        }
    }
}
