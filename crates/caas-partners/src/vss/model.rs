//! Response bodies of the VSS API (`vss-api.md`): the maintenance record
//! and the compliance evaluation. Every field has a serde default and
//! unknown fields are ignored (README §2), so additive changes never break
//! the platform; unknown `block` and `status` values are kept as strings.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The workshop of a visit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VssWorkshop {
    /// `wks_…`.
    pub workshop_id: String,
    /// Workshop name.
    pub name: String,
    /// `official` or `approved`.
    pub network: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Town or city.
    pub locality: String,
}

/// One operation done during a visit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VssOperation {
    /// Operation code, e.g. `BRK-PAD-F`.
    pub code: String,
    /// English description.
    pub description: String,
    /// Functional block it belongs to (`brakes`, …).
    pub functional_block: String,
}

/// One workshop visit (`visits[]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VssVisit {
    /// `vis_…`.
    pub visit_id: String,
    /// Day of the visit.
    pub date: Option<NaiveDate>,
    /// Where.
    pub workshop: Option<VssWorkshop>,
    /// Odometer reading at the visit.
    pub odometer_km: Option<i64>,
    /// A scheduled service of the official maintenance plan.
    pub plan_service: bool,
    /// What was done.
    pub operations: Vec<VssOperation>,
    /// Distinct blocks covered by the visit.
    pub functional_blocks: Vec<String>,
}

/// `GET /v1/vehicles/{vin}/maintenance-record`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VssMaintenanceRecord {
    /// VIN.
    pub vin: String,
    /// When VSS produced this answer.
    pub generated_at: Option<DateTime<Utc>>,
    /// Most recent first; empty for a vehicle without visits.
    pub visits: Vec<VssVisit>,
}

/// Compliance of one functional block (`blocks[]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VssBlock {
    /// `brakes`, `tyres`, `suspension_steering`, `adas_sensors`, `battery`,
    /// `powertrain`, `hvac`, `body_electrics`, or a newer one to ignore.
    pub block: String,
    /// 0–100: share of scheduled operations done on time.
    pub compliance_percent: i64,
    /// `ok`, `due_soon` or `overdue`.
    pub status: String,
    /// Last service of the block.
    pub last_service_date: Option<NaiveDate>,
    /// Next due day.
    pub next_due_date: Option<NaiveDate>,
    /// Next due odometer reading (whichever of date or km comes first).
    pub next_due_odometer_km: Option<i64>,
}

impl VssBlock {
    /// True when `status` is `overdue`.
    pub fn is_overdue(&self) -> bool {
        self.status == "overdue"
    }
}

/// `GET /v1/vehicles/{vin}/compliance`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VssCompliance {
    /// VIN.
    pub vin: String,
    /// When evaluated.
    pub evaluated_at: Option<DateTime<Utc>>,
    /// Last reading known to VSS.
    pub odometer_km: Option<i64>,
    /// `true` when no block is `overdue`.
    pub maintenance_plan_up_to_date: bool,
    /// Manufacturer warranty in force (absent = `false`, the safe reading).
    pub warranty_valid: bool,
    /// `maintenance_overdue`, `unofficial_repair`, `expired`; `None` when valid.
    pub warranty_void_reason: Option<String>,
    /// End of the warranty.
    pub warranty_expires_on: Option<NaiveDate>,
    /// One entry per functional block.
    pub blocks: Vec<VssBlock>,
}

impl VssCompliance {
    /// The entry of `block`, if VSS sent one.
    pub fn block(&self, block: &str) -> Option<&VssBlock> {
        self.blocks.iter().find(|b| b.block == block)
    }
}
