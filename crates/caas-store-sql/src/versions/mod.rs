//! Document versions: every aggregate kept in a `doc` column carries a
//! `doc_version` at the top of its JSON, and the store upgrades an older
//! document step by step on read ([`from_doc`](crate::documents::from_doc))
//! and, at start, rewrites every stored row still below the current version
//! ([`stale_rows_sql`], [`upgrade_text`], run by each backend's `connect`).
//! A document without the field is version 1, the shape before versions.
//!
//! The database sees the version too: migrations add a generated
//! `doc_version` column on every document table (from the JSON), so an
//! operator can count what the backfill left (`WHERE doc_version < n`).
//!
//! Adding a field to an aggregate therefore means: bump its
//! [`Document::VERSION`], write the step in its [`Document::upgrade`], and
//! leave the Rust field without `#[serde(default)]`: the type states the
//! current shape, the steps hold the history.

use caas_domain::catalogue::{CatalogueOption, Platform};
use caas_domain::customer::CustomerProfile;
use caas_domain::notification::{Delivery, Notification};
use caas_domain::order::Order;
use caas_domain::payment::Payment;
use caas_domain::purchase::Purchase;
use caas_domain::records::{
    EstimateRevision, Invoice, PushSubscription, Refund, ServiceInvoice, StaffAlert, TimelineEntry,
};
use caas_domain::vehicle::Vehicle;
use serde_json::{Map, Value};

/// The JSON key holding a document's version.
pub const VERSION_KEY: &str = "doc_version";

/// An aggregate stored as a JSON document.
pub trait Document: serde::Serialize + serde::de::DeserializeOwned {
    /// The table whose `doc` column holds it.
    const TABLE: &'static str;
    /// The shape this release writes.
    const VERSION: i64 = 1;
    /// Turns a document of version `from` into version `from + 1`.
    fn upgrade(from: i64, _doc: &mut Map<String, Value>) -> Result<(), String> {
        Err(format!("no upgrade step from version {from}"))
    }
}

macro_rules! version_one {
    ($($ty:ty => $table:literal),* $(,)?) => {
        $(impl Document for $ty { const TABLE: &'static str = $table; })*
    };
}

version_one! {
    Platform => "platforms",
    CustomerProfile => "customer_profiles",
    Payment => "payments",
    Invoice => "invoices",
    TimelineEntry => "timeline",
    EstimateRevision => "estimate_revisions",
    StaffAlert => "staff_alerts",
    Notification => "notifications",
    Delivery => "notification_deliveries",
    PushSubscription => "push_subscriptions",
    Vehicle => "vehicles",
    Refund => "refunds",
    Purchase => "purchases",
    ServiceInvoice => "service_invoices",
}

mod catalogue_v2;

/// Inserts `value` under `key` unless the document already has it.
fn fill(
    doc: &mut Map<String, Value>,
    key: &str,
    value: impl serde::Serialize,
) -> Result<(), String> {
    if !doc.contains_key(key) {
        let value = serde_json::to_value(value).map_err(|e| format!("{key}: {e}"))?;
        doc.insert(key.to_owned(), value);
    }
    Ok(())
}

impl Document for Order {
    const TABLE: &'static str = "orders";
    const VERSION: i64 = 2;

    /// Version 1 is every shape an order had before versions: the delivery
    /// half (vehicle, stock, final payment, reception, registration, home
    /// delivery, app link, señal refund) was added field by field and may be
    /// missing. Version 2 has them all, with the values a missing field meant.
    fn upgrade(from: i64, doc: &mut Map<String, Value>) -> Result<(), String> {
        use caas_domain::order_delivery::{AppLink, HomeDelivery, RegistrationLink};
        match from {
            1 => {
                fill(doc, "vehicle_id", Value::Null)?;
                fill(doc, "from_stock", false)?;
                fill(doc, "final_payment", Value::Null)?;
                fill(doc, "reception", Value::Null)?;
                fill(doc, "registration", RegistrationLink::default())?;
                fill(doc, "home", HomeDelivery::default())?;
                fill(doc, "app_link", AppLink::default())?;
                fill(doc, "senal_refund", Value::Null)?;
                Ok(())
            }
            other => Err(format!("no upgrade step from version {other}")),
        }
    }
}

impl Document for CatalogueOption {
    const TABLE: &'static str = "catalogue_options";
    const VERSION: i64 = 2;

    /// Version 2 (the feature store): offers' `days` became a `length`
    /// (`{count, unit}`), `maintenance_blocks` a `maintenance` dependency
    /// (default threshold, refuse when VSS is unreachable) named with VSS's
    /// block names, the IoT feature code is the contract's upper case, and
    /// options gained `iot_config` and `active`.
    fn upgrade(from: i64, doc: &mut Map<String, Value>) -> Result<(), String> {
        match from {
            1 => {
                catalogue_v2::offers(doc)?;
                catalogue_v2::maintenance(doc);
                catalogue_v2::feature_code(doc);
                fill(doc, "iot_config", Value::Null)?;
                fill(doc, "active", true)?;
                Ok(())
            }
            other => Err(format!("no upgrade step from version {other}")),
        }
    }
}

/// The version a stored document declares (1 when it has none).
pub fn declared_version(doc: &Map<String, Value>) -> Result<i64, String> {
    match doc.get(VERSION_KEY) {
        None => Ok(1),
        Some(v) => v
            .as_i64()
            .ok_or_else(|| format!("{VERSION_KEY} is not an integer: {v}")),
    }
}

/// Brings `doc` to `T::VERSION`, one step at a time; refuses a document
/// written by a newer release rather than dropping what it does not know.
pub fn upgrade_to_current<T: Document>(doc: &mut Map<String, Value>) -> Result<(), String> {
    let mut version = declared_version(doc)?;
    if version > T::VERSION {
        return Err(format!(
            "{} document of version {version}, newer than this release's {}",
            T::TABLE,
            T::VERSION
        ));
    }
    while version < T::VERSION {
        T::upgrade(version, doc).map_err(|e| format!("{} v{version}: {e}", T::TABLE))?;
        version += 1;
    }
    doc.insert(VERSION_KEY.to_owned(), Value::from(T::VERSION));
    Ok(())
}

/// One document table for the start-up backfill: how to find its rows and
/// how to rewrite one.
#[derive(Clone, Copy)]
pub struct DocumentTable {
    /// Table name.
    pub table: &'static str,
    /// SQL expression naming a row (its key, or keys joined).
    pub key: &'static str,
    /// The version this release writes.
    pub current: i64,
    /// Reads a stored document and writes it back at the current version.
    pub upgrade: fn(&crate::doc::Doc) -> Result<crate::doc::Doc, caas_domain::ports::StoreError>,
}

/// Reads through the type and writes back: the result is a document this
/// release can read, at its current version.
pub fn upgrade_text<T: Document>(
    doc: &crate::doc::Doc,
) -> Result<crate::doc::Doc, caas_domain::ports::StoreError> {
    let value: T = crate::documents::from_doc(doc)?;
    crate::documents::to_doc(&value)
}

macro_rules! table {
    ($ty:ty, $key:literal) => {
        DocumentTable {
            table: <$ty as Document>::TABLE,
            key: $key,
            current: <$ty as Document>::VERSION,
            upgrade: upgrade_text::<$ty>,
        }
    };
}

/// Every document table.
pub const DOCUMENT_TABLES: &[DocumentTable] = &[
    table!(Platform, "code"),
    table!(CatalogueOption, "code"),
    table!(CustomerProfile, "account_id"),
    table!(Order, "id"),
    table!(Payment, "id"),
    table!(Invoice, "id"),
    table!(TimelineEntry, "id"),
    table!(EstimateRevision, "source"),
    table!(StaffAlert, "id"),
    table!(Notification, "id"),
    table!(Delivery, "notification_id || '/' || channel"),
    table!(PushSubscription, "id"),
    table!(Vehicle, "id"),
    table!(Refund, "id"),
    table!(Purchase, "id"),
    table!(ServiceInvoice, "id"),
];

/// The rows of `t` below its current version, a page in key order after a
/// key: `(key, doc, version)`; `$1` the current version, `$2` the last key
/// of the previous page (`''` first), `$3` a page size. Paging by key ends
/// even when a row cannot be rewritten.
pub fn stale_rows_sql(t: &DocumentTable) -> String {
    format!(
        "SELECT {key} AS k, doc, CAST(doc_version AS BIGINT) FROM {table} WHERE doc_version < $1 AND {key} > $2 ORDER BY {key} LIMIT $3",
        key = t.key,
        table = t.table
    )
}

/// Whether `t` holds any row below its current version: `$1` the current
/// version. One probe of the `<table>_doc_version` index, so a start with
/// nothing to upgrade reads no table.
pub fn any_stale_sql(t: &DocumentTable) -> String {
    format!(
        "SELECT 1 FROM {table} WHERE doc_version < $1 LIMIT 1",
        table = t.table
    )
}

/// Rewrites one row if it still has the version it was read at: `$1` key,
/// `$2` new doc, `$3` version read. A concurrent writer (another instance
/// starting, or a live write) wins; its document is current or upgraded on read.
pub fn rewrite_row_sql(t: &DocumentTable) -> String {
    format!(
        "UPDATE {table} SET doc = $2 WHERE {key} = $1 AND doc_version = $3",
        key = t.key,
        table = t.table
    )
}

/// Rows per backfill page.
pub const BACKFILL_PAGE: i64 = 500;

/// Defines `async fn backfill_documents(pool: &$pool) -> StoreResult<u64>`:
/// every stored document below its table's current version is read through
/// its type and written back, page by page; returns how many rows it
/// rewrote. A row that cannot be upgraded is left as it is and logged (reads
/// of it fail the same way, naming the table), so start-up does not hang on it.
#[macro_export]
#[doc(hidden)]
macro_rules! impl_document_backfill {
    ($pool:ty) => {
        /// Rewrites every stored document older than this release's shape.
        #[tracing::instrument(skip_all)]
        pub async fn backfill_documents(pool: &$pool) -> $crate::__rt::caas_domain::ports::StoreResult<u64> {
            use $crate::__rt::sqlx;
            use $crate::doc::Doc;
            use $crate::versions::{any_stale_sql, rewrite_row_sql, stale_rows_sql, BACKFILL_PAGE, DOCUMENT_TABLES};
            let mut rewritten = 0;
            for t in DOCUMENT_TABLES {
                let stale: Option<(i32,)> = sqlx::query_as(&any_stale_sql(t))
                    .bind(t.current).fetch_optional(pool).await.map_err($crate::map_err)?;
                if stale.is_none() {
                    continue;
                }
                let (select, update) = (stale_rows_sql(t), rewrite_row_sql(t));
                let mut after = String::new();
                loop {
                    let rows: Vec<(String, Doc, i64)> = sqlx::query_as(&select)
                        .bind(t.current).bind(&after).bind(BACKFILL_PAGE)
                        .fetch_all(pool).await.map_err($crate::map_err)?;
                    let Some((last, _, _)) = rows.last() else { break };
                    after = last.clone();
                    for (key, doc, version) in &rows {
                        match (t.upgrade)(doc) {
                            Ok(new) => {
                                rewritten += sqlx::query(&update).bind(key).bind(new).bind(version)
                                    .execute(pool).await.map_err($crate::map_err)?.rows_affected();
                            }
                            Err(e) => tracing::warn!(table = t.table, key = %key, error = %e, "document left at its old version"),
                        }
                    }
                }
            }
            if rewritten > 0 {
                tracing::info!(rewritten, "documents upgraded to this release's shape");
            }
            Ok(rewritten)
        }
    };
}

#[cfg(test)]
mod tests;
