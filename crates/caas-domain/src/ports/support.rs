//! Repository ports of the car's corrections log (digital twin) and the
//! support queue. Neither is customer-owned: both are read by staff only,
//! through staff routes.

use crate::ids::{AccountId, SupportCaseId, VehicleId};
use crate::ports::StoreResult;
use crate::purchase::twin::CorrectionRecord;
use crate::support::SupportCase;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// The corrections reconciliation sent to cars.
#[async_trait]
pub trait CorrectionRepo {
    /// Records `c` unless the car has a pending correction of the same
    /// feature; `true` if recorded.
    async fn insert_correction(&mut self, c: &CorrectionRecord) -> StoreResult<bool>;
    /// Writes publications, status, error code and `updated_at` of `c`.
    async fn update_correction(&mut self, c: &CorrectionRecord) -> StoreResult<()>;
    /// The car's corrections, newest first.
    async fn list_corrections(
        &mut self,
        vehicle: &VehicleId,
        limit: i64,
    ) -> StoreResult<Vec<CorrectionRecord>>;
}

/// The escalations of the support queue.
#[async_trait]
pub trait SupportCaseRepo {
    /// Opens `c` unless its purchase already has a case of its kind; `true` if new.
    async fn insert_support_case(&mut self, c: &SupportCase) -> StoreResult<bool>;
    /// One case.
    async fn find_support_case(&mut self, id: &SupportCaseId) -> StoreResult<Option<SupportCase>>;
    /// Open cases by priority then age, then (with `include_resolved`) the
    /// resolved ones, newest first.
    async fn list_support_cases(
        &mut self,
        include_resolved: bool,
        limit: i64,
    ) -> StoreResult<Vec<SupportCase>>;
    /// Closes an open case; `false` if it was already resolved (or unknown).
    async fn resolve_support_case(
        &mut self,
        id: &SupportCaseId,
        by: &AccountId,
        at: DateTime<Utc>,
        text: &str,
    ) -> StoreResult<bool>;
}
