//! The maintenance status of an order's car as the API shows it (MNT-7,
//! EXP-2, EXP-4): VSS's per-block compliance, visit history and warranty,
//! with the data's retrieval time and whether it is a stale copy.

use caas_domain::maintenance::{BlockStatus, MaintenanceView, Network};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// How current the maintenance data is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MaintenanceAvailability {
    /// Fresh from VSS or revalidated.
    Current,
    /// A cached copy served while VSS cannot be asked (see `retrieved_at`).
    Stale,
    /// VSS has no maintenance recorded for the car.
    NoData,
    /// VSS cannot be asked and no copy exists; try again later.
    Unavailable,
}

/// Status of a block, as VSS names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BlockStatusOut {
    /// Current.
    Ok,
    /// Due within 30 days or 1 000 km.
    DueSoon,
    /// Missed.
    Overdue,
}

/// Compliance of one functional block.
#[derive(Debug, Serialize, ToSchema)]
pub struct BlockComplianceOut {
    /// `brakes`, `tyres`, `suspension_steering`, `adas_sensors`, `battery`,
    /// `powertrain`, `hvac`, `body_electrics`, or a newer one.
    pub block: String,
    /// 0–100.
    pub compliance_percent: u8,
    /// Status.
    pub status: BlockStatusOut,
    /// Last service.
    pub last_service_date: Option<NaiveDate>,
    /// Next due day.
    pub next_due_date: Option<NaiveDate>,
    /// Next due odometer reading.
    pub next_due_odometer_km: Option<i64>,
}

/// One workshop visit.
#[derive(Debug, Serialize, ToSchema)]
pub struct VisitOut {
    /// Day of the visit.
    pub date: Option<NaiveDate>,
    /// Workshop name.
    pub workshop_name: String,
    /// `official` or `approved`; `null` when VSS named another.
    pub network: Option<String>,
    /// Town or city.
    pub locality: String,
    /// Odometer reading.
    pub odometer_km: Option<i64>,
    /// A scheduled service of the maintenance plan.
    pub plan_service: bool,
    /// Blocks covered.
    pub blocks: Vec<String>,
}

/// The manufacturer warranty as VSS states it.
#[derive(Debug, Serialize, ToSchema)]
pub struct WarrantyOut {
    /// In force; `false` = lost.
    pub valid: bool,
    /// Why it was lost (`maintenance_overdue`, `unofficial_repair`, `expired`).
    pub void_reason: Option<String>,
    /// End of the warranty.
    pub expires_on: Option<NaiveDate>,
}

/// The car's maintenance status from VSS.
#[derive(Debug, Serialize, ToSchema)]
pub struct MaintenanceStatusOut {
    /// How current the data is.
    pub availability: MaintenanceAvailability,
    /// When the platform got (or revalidated) the data from VSS.
    pub retrieved_at: Option<DateTime<Utc>>,
    /// When VSS evaluated the compliance.
    pub evaluated_at: Option<DateTime<Utc>>,
    /// No block overdue.
    pub plan_up_to_date: Option<bool>,
    /// Warranty status.
    pub warranty: Option<WarrantyOut>,
    /// Per-block compliance.
    pub blocks: Vec<BlockComplianceOut>,
    /// Visits, most recent first.
    pub visits: Vec<VisitOut>,
}

fn status(s: BlockStatus) -> BlockStatusOut {
    match s {
        BlockStatus::Ok => BlockStatusOut::Ok,
        BlockStatus::DueSoon => BlockStatusOut::DueSoon,
        BlockStatus::Overdue => BlockStatusOut::Overdue,
    }
}

impl From<&MaintenanceView> for MaintenanceStatusOut {
    fn from(view: &MaintenanceView) -> Self {
        let availability = match view {
            MaintenanceView::Current(_) => MaintenanceAvailability::Current,
            MaintenanceView::Stale(_) => MaintenanceAvailability::Stale,
            MaintenanceView::NoData => MaintenanceAvailability::NoData,
            MaintenanceView::Unreachable => MaintenanceAvailability::Unavailable,
        };
        let s = view.status();
        Self {
            availability,
            retrieved_at: s.map(|s| s.retrieved_at),
            evaluated_at: s.and_then(|s| s.evaluated_at),
            plan_up_to_date: s.map(|s| s.plan_up_to_date),
            warranty: s.map(|s| WarrantyOut {
                valid: s.warranty_valid,
                void_reason: s.warranty_void_reason.clone(),
                expires_on: s.warranty_expires_on,
            }),
            blocks: s
                .iter()
                .flat_map(|s| &s.blocks)
                .map(|b| BlockComplianceOut {
                    block: b.block.clone(),
                    compliance_percent: b.compliance_percent,
                    status: status(b.status),
                    last_service_date: b.last_service_date,
                    next_due_date: b.next_due_date,
                    next_due_odometer_km: b.next_due_odometer_km,
                })
                .collect(),
            visits: s
                .iter()
                .flat_map(|s| &s.visits)
                .map(|v| VisitOut {
                    date: v.date,
                    workshop_name: v.workshop_name.clone(),
                    network: v.network.map(|n: Network| n.as_str().to_owned()),
                    locality: v.locality.clone(),
                    odometer_km: v.odometer_km,
                    plan_service: v.plan_service,
                    blocks: v.blocks.clone(),
                })
                .collect(),
        }
    }
}
