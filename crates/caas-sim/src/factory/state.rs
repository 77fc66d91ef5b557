//! The simulated factory's records: orders with their statuses, recorded
//! events and remaining timeline, kept in the skeleton's [`Core`].

use super::catalogue::Delivery;
use super::timeline::Step;
use super::FactoryPartner;
use crate::common::rfc3339;
use crate::common::skeleton::{self, Progress, SimRecord};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{json, Value};

/// Order statuses (contract state machine).
pub mod status {
    /// Created, not yet accepted.
    pub const RECEIVED: &str = "received";
    /// Accepted by the factory.
    pub const ACCEPTED: &str = "accepted";
    /// Production slot assigned.
    pub const SCHEDULED: &str = "scheduled";
    /// Being built (also after a failed quality control).
    pub const IN_PRODUCTION: &str = "in_production";
    /// Assembly done, awaiting quality control.
    pub const ASSEMBLY_COMPLETED: &str = "assembly_completed";
    /// Quality control passed.
    pub const QC_PASSED: &str = "qc_passed";
    /// Vehicle completed (VIN known).
    pub const COMPLETED: &str = "completed";
    /// On its way to the delivery locality.
    pub const DISPATCHED: &str = "dispatched";
    /// Available in the delivery locality (final).
    pub const AVAILABLE: &str = "available";
    /// Cancelled (final).
    pub const CANCELLED: &str = "cancelled";
}

/// One factory order.
#[derive(Debug, Clone)]
pub struct Order {
    /// `fo_…`.
    pub id: String,
    /// Platform reference.
    pub reference: String,
    /// Current status (see [`status`]).
    pub status: &'static str,
    /// Model code.
    pub model_code: String,
    /// Option codes as requested.
    pub option_codes: Vec<String>,
    /// Selling dealership.
    pub dealership_id: String,
    /// Delivery place.
    pub delivery: Delivery,
    /// Current estimate (actual day once completed).
    pub estimate: NaiveDate,
    /// VIN from completion on.
    pub vin: Option<String>,
    /// Sequence of the latest event.
    pub last_sequence: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Remaining timeline steps and the events emitted so far.
    pub progress: Progress<Step>,
}

impl Order {
    /// Whether the platform (or factory) may still cancel it.
    pub fn is_cancellable(&self) -> bool {
        matches!(
            self.status,
            status::RECEIVED | status::ACCEPTED | status::SCHEDULED
        )
    }
}

/// Mutable state behind the core's lock.
pub type Inner = skeleton::Inner<FactoryPartner>;

/// Shared core of one factory simulator instance.
pub type Core = skeleton::Core<FactoryPartner>;

impl SimRecord for Order {
    type Step = Step;

    fn id(&self) -> &str {
        &self.id
    }

    /// The contract's Order object.
    fn to_json(&self) -> Value {
        json!({
            "factory_order_id": self.id,
            "order_reference": self.reference,
            "status": self.status,
            "model_code": self.model_code,
            "option_codes": self.option_codes,
            "dealership_id": self.dealership_id,
            "delivery": self.delivery,
            "estimated_completion_date": self.estimate.to_string(),
            "vin": self.vin,
            "last_sequence": self.last_sequence,
            "created_at": rfc3339(self.created_at),
            "updated_at": rfc3339(self.updated_at),
        })
    }

    /// Whether the order reached `available` or `cancelled`.
    fn is_final(&self) -> bool {
        matches!(self.status, status::AVAILABLE | status::CANCELLED)
    }

    fn stamp_event(&mut self, status: &'static str, now: DateTime<Utc>) -> Value {
        self.status = status;
        self.last_sequence += 1;
        self.updated_at = now;
        json!({
            "factory_order_id": self.id,
            "order_reference": self.reference,
            "sequence": self.last_sequence,
            "status": self.status,
            "vin": self.vin,
            "estimated_completion_date": self.estimate.to_string(),
        })
    }

    fn progress(&self) -> &Progress<Step> {
        &self.progress
    }

    fn progress_mut(&mut self) -> &mut Progress<Step> {
        &mut self.progress
    }
}

/// The factory's calendar day (from the simulator's clock).
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}
