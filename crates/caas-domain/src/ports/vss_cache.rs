//! Repository port of the VSS cache: the last good answer of VSS per VIN and
//! endpoint (`vss-api.md`: the platform MUST cache), with its validator,
//! retrieval time and `max-age`. The body is the domain value as JSON; a
//! body this release cannot read is treated by the caller as no copy.

use crate::ports::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// The two VSS endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VssEndpoint {
    /// `GET /v1/vehicles/{vin}/compliance`.
    Compliance,
    /// `GET /v1/vehicles/{vin}/maintenance-record`.
    MaintenanceRecord,
}

impl VssEndpoint {
    /// The stored name (the path's last segment).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Compliance => "compliance",
            Self::MaintenanceRecord => "maintenance-record",
        }
    }

    /// Parses [`VssEndpoint::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "compliance" => Some(Self::Compliance),
            "maintenance-record" => Some(Self::MaintenanceRecord),
            _ => None,
        }
    }
}

/// One cached answer.
#[derive(Debug, Clone, PartialEq)]
pub struct VssCacheEntry {
    /// VIN.
    pub vin: String,
    /// Which endpoint.
    pub endpoint: VssEndpoint,
    /// Validator to revalidate with (`If-None-Match`).
    pub etag: Option<String>,
    /// The answer, as the domain value's JSON.
    pub body: serde_json::Value,
    /// When VSS last gave or confirmed (304) it.
    pub retrieved_at: DateTime<Utc>,
    /// Seconds after `retrieved_at` during which it is used without asking.
    pub max_age_secs: i64,
}

/// The VSS cache.
#[async_trait]
pub trait VssCacheRepo {
    /// The cached answers of `vin` (zero, one or both endpoints).
    async fn list_vss_cache(&mut self, vin: &str) -> StoreResult<Vec<VssCacheEntry>>;
    /// Stores `e`, replacing the entry of its VIN and endpoint.
    async fn put_vss_cache(&mut self, e: &VssCacheEntry) -> StoreResult<()>;
}
