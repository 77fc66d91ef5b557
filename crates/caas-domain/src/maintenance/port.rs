//! The port of VSS (`shared/contracts/vss-api.md`), read-only, in the
//! domain's terms: conditional reads by VIN (`If-None-Match`) that answer a
//! fresh value with its validator and `max-age`, "not modified", "no such
//! vehicle", or a classified [`CallError`] (transient ones carry
//! `Retry-After`). Caching and serving stale copies belong to the caller.

use super::{Compliance, MaintenanceRecord};
use crate::partners::CallError;
use async_trait::async_trait;

/// The answer to one VSS read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VssReply<T> {
    /// `200`: a new value.
    Fresh {
        /// The value.
        value: T,
        /// Validator for the next conditional read.
        etag: Option<String>,
        /// Seconds the value may be used without asking again.
        max_age_secs: Option<u64>,
    },
    /// `304`: the copy whose validator was sent is still current.
    NotModified,
    /// `404 vehicle_not_found`: VSS has no data for this VIN.
    NotFound,
}

/// The Vehicle Service System.
#[async_trait]
pub trait VssApi: Send + Sync + 'static {
    /// Per-block compliance and warranty of `vin`, conditional on `etag`.
    async fn compliance(
        &self,
        vin: &str,
        etag: Option<&str>,
    ) -> Result<VssReply<Compliance>, CallError>;

    /// The visit history of `vin`, conditional on `etag`.
    async fn maintenance_record(
        &self,
        vin: &str,
        etag: Option<&str>,
    ) -> Result<VssReply<MaintenanceRecord>, CallError>;
}
