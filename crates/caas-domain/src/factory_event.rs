//! Factory webhook events (`shared/contracts/factory-api.md`), parsed from
//! the stored JSON into a typed milestone. Unknown types parse as
//! [`FactoryEventKind::Unknown`] and are ignored by the order.

use crate::DomainError;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

/// Kind of a factory event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactoryEventKind {
    /// `order.accepted`.
    Accepted,
    /// `order.production_scheduled`.
    ProductionScheduled,
    /// `order.estimate_revised`.
    EstimateRevised,
    /// `order.production_started`.
    ProductionStarted,
    /// `order.assembly_completed`.
    AssemblyCompleted,
    /// `order.quality_control_passed`.
    QualityControlPassed,
    /// `order.quality_control_failed`.
    QualityControlFailed,
    /// `order.vehicle_completed`.
    VehicleCompleted,
    /// `order.vehicle_dispatched`.
    VehicleDispatched,
    /// `order.vehicle_available`.
    VehicleAvailable,
    /// `order.cancelled`.
    Cancelled,
    /// Any other type: ignored.
    Unknown(String),
}

impl FactoryEventKind {
    /// From the event `type`.
    pub fn parse(t: &str) -> Self {
        match t {
            "order.accepted" => Self::Accepted,
            "order.production_scheduled" => Self::ProductionScheduled,
            "order.estimate_revised" => Self::EstimateRevised,
            "order.production_started" => Self::ProductionStarted,
            "order.assembly_completed" => Self::AssemblyCompleted,
            "order.quality_control_passed" => Self::QualityControlPassed,
            "order.quality_control_failed" => Self::QualityControlFailed,
            "order.vehicle_completed" => Self::VehicleCompleted,
            "order.vehicle_dispatched" => Self::VehicleDispatched,
            "order.vehicle_available" => Self::VehicleAvailable,
            "order.cancelled" => Self::Cancelled,
            other => Self::Unknown(other.to_owned()),
        }
    }

    /// Stable key used for timeline entries and message templates.
    pub fn key(&self) -> &str {
        match self {
            Self::Accepted => "accepted",
            Self::ProductionScheduled => "production_scheduled",
            Self::EstimateRevised => "estimate_revised",
            Self::ProductionStarted => "production_started",
            Self::AssemblyCompleted => "assembly_completed",
            Self::QualityControlPassed => "quality_control_passed",
            Self::QualityControlFailed => "quality_control_failed",
            Self::VehicleCompleted => "vehicle_completed",
            Self::VehicleDispatched => "vehicle_dispatched",
            Self::VehicleAvailable => "vehicle_available",
            Self::Cancelled => "cancelled",
            Self::Unknown(t) => t,
        }
    }
}

/// Place in `order.vehicle_dispatched` / `order.vehicle_available`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize, Default)]
pub struct FactoryPlace {
    /// Dealership.
    #[serde(default)]
    pub dealership_id: Option<String>,
    /// Town.
    #[serde(default)]
    pub locality: Option<String>,
    /// Country.
    #[serde(default)]
    pub country: Option<String>,
    /// Street address (available only).
    #[serde(default)]
    pub address: Option<String>,
}

/// A QC defect.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct Defect {
    /// Code.
    pub code: String,
    /// Text.
    #[serde(default)]
    pub description: String,
}

#[derive(Deserialize)]
struct Envelope {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    occurred_at: DateTime<Utc>,
    data: Data,
}

#[derive(Deserialize)]
struct Data {
    factory_order_id: String,
    order_reference: String,
    sequence: i64,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    vin: Option<String>,
    #[serde(default)]
    estimated_completion_date: Option<NaiveDate>,
    #[serde(default)]
    previous_estimated_completion_date: Option<NaiveDate>,
    #[serde(default)]
    reason_code: Option<String>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    production_slot_week: Option<String>,
    #[serde(default)]
    defects: Vec<Defect>,
    #[serde(default)]
    destination: Option<FactoryPlace>,
    #[serde(default)]
    location: Option<FactoryPlace>,
    #[serde(default)]
    estimated_arrival_date: Option<NaiveDate>,
    #[serde(default)]
    available_from: Option<DateTime<Utc>>,
}

/// A parsed factory event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactoryEvent {
    /// `evt_…`.
    pub id: String,
    /// Kind.
    pub kind: FactoryEventKind,
    /// When it happened at the factory.
    pub occurred_at: DateTime<Utc>,
    /// `fo_…`.
    pub factory_order_id: String,
    /// Our order id.
    pub order_reference: String,
    /// Per-order sequence.
    pub sequence: i64,
    /// Factory status after the event.
    pub status: Option<String>,
    /// VIN when known.
    pub vin: Option<String>,
    /// Current estimate.
    pub estimated_completion_date: Option<NaiveDate>,
    /// Previous estimate (revisions).
    pub previous_estimated_completion_date: Option<NaiveDate>,
    /// Revision reason code.
    pub reason_code: Option<String>,
    /// Revision or cancellation reason text.
    pub reason: Option<String>,
    /// ISO week of the production slot.
    pub production_slot_week: Option<String>,
    /// QC defects.
    pub defects: Vec<Defect>,
    /// Dispatch destination or availability location.
    pub place: Option<FactoryPlace>,
    /// Estimated arrival (dispatch).
    pub estimated_arrival_date: Option<NaiveDate>,
    /// Earliest handover time (available).
    pub available_from: Option<DateTime<Utc>>,
}

impl FactoryEvent {
    /// Parses an event body; unknown fields are ignored.
    pub fn parse(body: &str) -> Result<Self, DomainError> {
        let e: Envelope = serde_json::from_str(body)
            .map_err(|err| DomainError::invalid("body", format!("not a factory event: {err}")))?;
        if e.data.sequence < 1 {
            return Err(DomainError::invalid("sequence", "must start at 1"));
        }
        let d = e.data;
        Ok(Self {
            id: e.id,
            kind: FactoryEventKind::parse(&e.kind),
            occurred_at: e.occurred_at,
            factory_order_id: d.factory_order_id,
            order_reference: d.order_reference,
            sequence: d.sequence,
            status: d.status,
            vin: d.vin,
            estimated_completion_date: d.estimated_completion_date,
            previous_estimated_completion_date: d.previous_estimated_completion_date,
            reason_code: d.reason_code,
            reason: d.reason,
            production_slot_week: d.production_slot_week,
            defects: d.defects,
            place: d.destination.or(d.location),
            estimated_arrival_date: d.estimated_arrival_date,
            available_from: d.available_from,
        })
    }
}
