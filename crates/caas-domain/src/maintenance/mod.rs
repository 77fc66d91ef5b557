//! Maintenance status from VSS, the workshop network's Vehicle Service
//! System (MNT-1, MNT-7, OP-22): per-block compliance, the visit history and
//! the warranty status exactly as VSS states them (never computed here), the
//! view a caller gets (current, a cached copy served during an outage, no
//! data, unreachable), and the gate of maintenance-linked options
//! ([`maintenance_gate`], MNT-3/MNT-8). The port [`VssApi`] speaks these
//! types; its HTTP client lives in `caas-partners`.

mod gate;
mod port;

pub use gate::{maintenance_gate, MaintenanceGate, Shortfall};
pub use port::{VssApi, VssReply};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// The functional blocks of the VSS contract; VSS may add more, which the
/// platform ignores unless an option names them.
pub const KNOWN_BLOCKS: [&str; 8] = [
    "brakes",
    "tyres",
    "suspension_steering",
    "adas_sensors",
    "battery",
    "powertrain",
    "hvac",
    "body_electrics",
];

/// Status of one functional block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockStatus {
    /// Current.
    Ok,
    /// Due within 30 days or 1 000 km (still current).
    DueSoon,
    /// Missed.
    Overdue,
}

impl BlockStatus {
    /// The contract's name (`ok`, `due_soon`, `overdue`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::DueSoon => "due_soon",
            Self::Overdue => "overdue",
        }
    }

    /// Parses the contract's name; `None` for a value this release does not know.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ok" => Some(Self::Ok),
            "due_soon" => Some(Self::DueSoon),
            "overdue" => Some(Self::Overdue),
            _ => None,
        }
    }
}

/// Compliance of one functional block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockCompliance {
    /// Block name (`brakes`, …).
    pub block: String,
    /// 0–100: share of the block's scheduled operations done on time.
    pub compliance_percent: u8,
    /// Status.
    pub status: BlockStatus,
    /// Last service of the block.
    pub last_service_date: Option<NaiveDate>,
    /// Next due day.
    pub next_due_date: Option<NaiveDate>,
    /// Next due odometer reading (whichever of date or km comes first).
    pub next_due_odometer_km: Option<i64>,
}

impl BlockCompliance {
    /// One of the contract's [`KNOWN_BLOCKS`].
    pub fn is_known(&self) -> bool {
        KNOWN_BLOCKS.contains(&self.block.as_str())
    }
}

/// The workshop network a visit was made in (MNT-6: either is fine).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Network {
    /// The brand's official workshops.
    Official,
    /// Approved multi-brand workshops.
    Approved,
}

impl Network {
    /// The contract's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Official => "official",
            Self::Approved => "approved",
        }
    }

    /// Parses the contract's name; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "official" => Some(Self::Official),
            "approved" => Some(Self::Approved),
            _ => None,
        }
    }
}

/// One workshop visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visit {
    /// Day of the visit.
    pub date: Option<NaiveDate>,
    /// Workshop name.
    pub workshop_name: String,
    /// Its network, when VSS names a known one.
    pub network: Option<Network>,
    /// Town or city of the workshop.
    pub locality: String,
    /// Odometer reading at the visit.
    pub odometer_km: Option<i64>,
    /// A scheduled service of the official maintenance plan.
    pub plan_service: bool,
    /// Functional blocks covered.
    pub blocks: Vec<String>,
}

/// `GET …/compliance` in the domain's terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compliance {
    /// VIN.
    pub vin: String,
    /// When VSS evaluated it.
    pub evaluated_at: Option<DateTime<Utc>>,
    /// No block is overdue.
    pub plan_up_to_date: bool,
    /// Manufacturer warranty in force.
    pub warranty_valid: bool,
    /// Why the warranty is void (`maintenance_overdue`, …).
    pub warranty_void_reason: Option<String>,
    /// End of the warranty.
    pub warranty_expires_on: Option<NaiveDate>,
    /// One entry per block VSS evaluated (unknown statuses left out).
    pub blocks: Vec<BlockCompliance>,
}

/// `GET …/maintenance-record` in the domain's terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaintenanceRecord {
    /// VIN.
    pub vin: String,
    /// Visits, most recent first.
    pub visits: Vec<Visit>,
}

/// A vehicle's maintenance status as VSS stated it at `retrieved_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaintenanceStatus {
    /// VIN.
    pub vin: String,
    /// When VSS evaluated the compliance.
    pub evaluated_at: Option<DateTime<Utc>>,
    /// When the platform last got (or revalidated) this data from VSS; the
    /// older of the two endpoints' times.
    pub retrieved_at: DateTime<Utc>,
    /// No block is overdue.
    pub plan_up_to_date: bool,
    /// Manufacturer warranty in force (OP-22: VSS's word, not ours).
    pub warranty_valid: bool,
    /// Why the warranty is void.
    pub warranty_void_reason: Option<String>,
    /// End of the warranty.
    pub warranty_expires_on: Option<NaiveDate>,
    /// Per-block compliance.
    pub blocks: Vec<BlockCompliance>,
    /// Visit history, most recent first.
    pub visits: Vec<Visit>,
}

impl MaintenanceStatus {
    /// Joins the two answers of VSS; `retrieved_at` is the older one's time.
    pub fn from_parts(c: Compliance, visits: Vec<Visit>, retrieved_at: DateTime<Utc>) -> Self {
        Self {
            vin: c.vin,
            evaluated_at: c.evaluated_at,
            retrieved_at,
            plan_up_to_date: c.plan_up_to_date,
            warranty_valid: c.warranty_valid,
            warranty_void_reason: c.warranty_void_reason,
            warranty_expires_on: c.warranty_expires_on,
            blocks: c.blocks,
            visits,
        }
    }

    /// The entry of `block`, if VSS listed it.
    pub fn block(&self, block: &str) -> Option<&BlockCompliance> {
        self.blocks.iter().find(|b| b.block == block)
    }
}

/// What the platform knows of a vehicle's maintenance right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MaintenanceView {
    /// Fresh from VSS (or revalidated).
    Current(MaintenanceStatus),
    /// A cached copy served while VSS cannot be asked (EXP-4: shown with
    /// its retrieval time and marked as such).
    Stale(MaintenanceStatus),
    /// VSS 404: no maintenance recorded for this VIN (treated as nothing due).
    NoData,
    /// VSS cannot be asked and no usable copy exists.
    Unreachable,
}

impl MaintenanceView {
    /// The status, current or stale.
    pub fn status(&self) -> Option<&MaintenanceStatus> {
        match self {
            Self::Current(s) | Self::Stale(s) => Some(s),
            Self::NoData | Self::Unreachable => None,
        }
    }
}
