//! The car's digital twin (issue 11 item 8): desired versus reported per
//! option feature (`caas_domain::purchase::twin`), the reconciliation job
//! that corrects drift both ways ([`reconcile`]), and what support reads of
//! a car ([`view`]).

pub mod reconcile;
pub mod view;

use crate::jobs::AppJob;
use crate::settings::AppSettings;
use caas_domain::ids::VehicleId;
use caas_domain::job::NewJob;
use chrono::{DateTime, Utc};

/// The reconciliation job of a car, due at `run_at` (merges with a waiting
/// copy, so a burst of state reports runs it once).
pub fn reconcile_job(
    vehicle: &VehicleId,
    run_at: DateTime<Utc>,
    s: &AppSettings,
) -> anyhow::Result<NewJob> {
    AppJob::ReconcileVehicle {
        vehicle_id: vehicle.clone(),
    }
    .to_new_job(run_at, s)
}
