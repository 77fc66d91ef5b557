//! SQL texts for statements over several rows at once (multi-row `VALUES`,
//! `IN` lists), valid on both engines: one round trip instead of one per row.

/// Rows per statement: keeps every statement well under both engines'
/// parameter limits (SQLite 32 766, PostgreSQL 65 535) for up to 100 columns.
pub const MAX_ROWS: usize = 200;

/// `{head} VALUES ($1, …, $cols), (…) … {tail}` for `rows` rows.
pub fn values_sql(head: &str, cols: usize, rows: usize, tail: &str) -> String {
    let mut sql = String::with_capacity(head.len() + tail.len() + rows * cols * 6);
    sql.push_str(head);
    sql.push_str(" VALUES ");
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 1..=cols {
            if c > 1 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${}", r * cols + c));
        }
        sql.push(')');
    }
    if !tail.is_empty() {
        sql.push(' ');
        sql.push_str(tail);
    }
    sql
}

/// `($first, $first+1, …)`: an `IN` list of `n` parameters.
pub fn in_list(first: usize, n: usize) -> String {
    let items: Vec<String> = (first..first + n).map(|i| format!("${i}")).collect();
    format!("({})", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_number_every_parameter_once_in_row_order() {
        assert_eq!(
            values_sql("INSERT INTO t (a, b)", 2, 2, "ON CONFLICT DO NOTHING"),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) ON CONFLICT DO NOTHING"
        );
        assert_eq!(in_list(3, 3), "($3, $4, $5)");
    }
}
