//! Aggregates in and out of their `doc` columns, and the one statement
//! that reads an order's whole file (order, timeline, estimates, payments,
//! invoices) in a single round trip.

use crate::doc::Doc;
use crate::versions::{upgrade_to_current, Document, VERSION_KEY};
use caas_domain::ports::StoreError;

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

/// Serialises an aggregate into its `doc` column, at its current version.
pub fn to_doc<T: Document>(v: &T) -> Result<Doc, StoreError> {
    let body = serde_json::to_string(v).map_err(|e| corrupt("doc", e))?;
    let Some(fields) = body.strip_prefix('{') else {
        return Err(corrupt("doc", format!("{} is not a JSON object", T::TABLE)));
    };
    let sep = if fields.starts_with('}') { "" } else { "," };
    Ok(Doc(format!(
        "{{\"{VERSION_KEY}\":{}{sep}{fields}",
        T::VERSION
    )))
}

/// Just the version of a stored document (serde skips the rest unparsed).
#[derive(serde::Deserialize)]
struct Header {
    doc_version: Option<i64>,
}

/// Reads an aggregate back from its `doc` column, upgrading a document of
/// an older version on the way (see [`crate::versions`]).
pub fn from_doc<T: Document>(d: &Doc) -> Result<T, StoreError> {
    let header: Header = serde_json::from_str(d.as_str()).map_err(|e| corrupt("doc", e))?;
    if header.doc_version == Some(T::VERSION) {
        return serde_json::from_str(d.as_str()).map_err(|e| corrupt(T::TABLE, e));
    }
    let mut value: serde_json::Value =
        serde_json::from_str(d.as_str()).map_err(|e| corrupt("doc", e))?;
    let Some(map) = value.as_object_mut() else {
        return Err(corrupt(T::TABLE, "doc is not a JSON object"));
    };
    upgrade_to_current::<T>(map).map_err(|e| corrupt(T::TABLE, e))?;
    serde_json::from_value(value).map_err(|e| corrupt(T::TABLE, e))
}

/// Reads every `doc` of a result set.
pub fn from_docs<T: Document>(rows: Vec<(Doc,)>) -> Result<Vec<T>, StoreError> {
    rows.iter().map(|(d,)| from_doc(d)).collect()
}

/// Assembles an [`OrderFile`](caas_domain::records::OrderFile) from the
/// `(part, position, doc)` rows of [`ORDER_FILE_SQL`]; `None` without the order row.
pub fn order_file(
    rows: Vec<(i64, i64, Doc)>,
) -> Result<Option<caas_domain::records::OrderFile>, StoreError> {
    let mut order = None;
    let (mut timeline, mut estimates, mut payments, mut invoices) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (part, _, doc) in rows {
        match part {
            0 => order = Some(from_doc(&doc)?),
            1 => timeline.push(from_doc(&doc)?),
            2 => estimates.push(from_doc(&doc)?),
            3 => payments.push(from_doc(&doc)?),
            4 => invoices.push(from_doc(&doc)?),
            other => return Err(corrupt("order file part", other)),
        }
    }
    Ok(order.map(|order| caas_domain::records::OrderFile {
        order,
        timeline,
        estimates,
        payments,
        invoices,
    }))
}

/// One statement for an order's file: `$1` order id, `$2` owner or NULL.
/// Each part keeps the order of its own listing query. The children are read
/// whoever the owner is and discarded when the order row is not the owner's.
pub const ORDER_FILE_SQL: &str = "\
SELECT CAST(0 AS BIGINT) AS part, CAST(0 AS BIGINT) AS pos, doc FROM orders WHERE id = $1 AND ($2 IS NULL OR customer_id = $2) \
UNION ALL SELECT CAST(1 AS BIGINT), ROW_NUMBER() OVER (ORDER BY at, id), doc FROM timeline WHERE order_id = $1 \
UNION ALL SELECT CAST(2 AS BIGINT), ROW_NUMBER() OVER (ORDER BY at, source), doc FROM estimate_revisions WHERE order_id = $1 \
UNION ALL SELECT CAST(3 AS BIGINT), ROW_NUMBER() OVER (ORDER BY created_at, id), doc FROM payments WHERE order_id = $1 \
UNION ALL SELECT CAST(4 AS BIGINT), ROW_NUMBER() OVER (ORDER BY issued_at, id), doc FROM invoices WHERE order_id = $1 \
ORDER BY part, pos";
