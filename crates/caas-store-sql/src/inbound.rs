//! SQL for storing inbound webhook events several rows at a time.

pub use crate::batch::MAX_ROWS;

/// `INSERT … VALUES` for `rows` events that skips those already stored and
/// returns `(source, event_id)` of the rows it inserted.
pub fn insert_sql(rows: usize) -> String {
    crate::batch::values_sql(
        "INSERT INTO inbound_events (source, event_id, event_type, resource, reference, sequence, body, received_at, state)",
        9,
        rows,
        "ON CONFLICT (source, event_id) DO NOTHING RETURNING source, event_id",
    )
}
