//! SQL for storing inbound webhook events several rows at a time.

/// Rows per `INSERT` (9 parameters each).
pub const MAX_ROWS: usize = 200;

/// `INSERT … VALUES` for `rows` events that skips those already stored and
/// returns `(source, event_id)` of the rows it inserted.
pub fn insert_sql(rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO inbound_events (source, event_id, event_type, resource, reference, sequence, body, received_at, state) VALUES ",
    );
    for r in 0..rows {
        let b = r * 9;
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 1..=9 {
            if c > 1 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${}", b + c));
        }
        sql.push(')');
    }
    sql.push_str(" ON CONFLICT (source, event_id) DO NOTHING RETURNING source, event_id");
    sql
}
