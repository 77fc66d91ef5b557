//! The simulated carrier's records: shipments with their statuses, outcome
//! plans, recorded events and remaining timeline, kept in the skeleton's
//! [`Core`].

use super::plan::{DeliveryPlan, Step};
use super::CarrierPartner;
use crate::common::rfc3339;
use crate::common::skeleton::{self, Progress, SimRecord};
use caas_domain::partners_delivery::{ShipmentRequest, TimeWindow};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

/// Shipment statuses (contract state machine).
pub mod status {
    /// Booked, not yet picked up.
    pub const BOOKED: &str = "booked";
    /// Loaded on the truck, on the way to the customer.
    pub const EMBARKED: &str = "embarked";
    /// At the destination address.
    pub const ARRIVED: &str = "arrived";
    /// Handed over to the verified recipient (final).
    pub const DELIVERED: &str = "delivered";
    /// Handover failed; the driver phones the customer.
    pub const ATTEMPT_FAILED: &str = "attempt_failed";
    /// New window agreed; the vehicle waits in the depot.
    pub const AWAITING_REDELIVERY: &str = "awaiting_redelivery";
    /// On its way back to the return dealership.
    pub const RETURNING: &str = "returning_to_dealership";
    /// Dropped off at the dealership; the carrier is still responsible.
    pub const RETURNED: &str = "returned_to_dealership";
    /// The dealership recorded the reception (final).
    pub const RECEIVED: &str = "received_at_dealership";
    /// Cancelled while booked (final).
    pub const CANCELLED: &str = "cancelled";
}

/// The simulated carrier company.
pub const CARRIER: (&str, &str, &str) =
    ("car_sim_01", "Transportes Simulados S.L.", "+34910000000");

/// One shipment.
#[derive(Debug, Clone)]
pub struct SimShipment {
    /// `shp_…`.
    pub id: String,
    /// The booking request as accepted.
    pub request: ShipmentRequest,
    /// Current status (see [`status`]).
    pub status: &'static str,
    /// The outcome plan chosen at booking.
    pub plan: DeliveryPlan,
    /// Planned pickup window.
    pub planned_pickup: TimeWindow,
    /// Planned delivery window (changed by reschedules and agreed windows).
    pub planned_delivery: TimeWindow,
    /// Home delivery attempts made (max 2).
    pub delivery_attempts: u32,
    /// Sequence of the latest event.
    pub last_sequence: i64,
    /// Odometer reading, grows with each trip.
    pub odometer_km: i64,
    /// Whether the platform rescheduled since the last failed attempt.
    pub rescheduled_after_attempt: bool,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Remaining timeline steps and the events emitted so far.
    pub progress: Progress<Step>,
}

/// `{"start","end"}` with `Z` timestamps.
pub fn window_json(w: &TimeWindow) -> Value {
    json!({ "start": rfc3339(w.start), "end": rfc3339(w.end) })
}

/// Mutable state behind the core's lock.
pub type Inner = skeleton::Inner<CarrierPartner>;

/// Shared core of one carrier simulator instance.
pub type Core = skeleton::Core<CarrierPartner>;

/// The non-final shipment of `vin`, if any.
pub fn active_for_vin<'a>(inner: &'a Inner, vin: &str) -> Option<&'a SimShipment> {
    inner
        .records
        .values()
        .find(|s| s.request.vin == vin && !s.is_final())
}

impl SimRecord for SimShipment {
    type Step = Step;

    fn id(&self) -> &str {
        &self.id
    }

    /// The contract's Shipment object.
    fn to_json(&self) -> Value {
        let r = &self.request;
        let (carrier_id, name, phone) = CARRIER;
        json!({
            "shipment_id": self.id,
            "shipment_reference": r.shipment_reference,
            "status": self.status,
            "vin": r.vin,
            "plate_number": r.plate_number,
            "carrier": {"carrier_id": carrier_id, "name": name, "phone": phone},
            "pickup": r.pickup,
            "destination": r.destination,
            "recipient": r.recipient,
            "return_dealership": r.return_dealership,
            "earliest_pickup_at": rfc3339(r.earliest_pickup_at),
            "planned_pickup": window_json(&self.planned_pickup),
            "planned_delivery": window_json(&self.planned_delivery),
            "delivery_attempts": self.delivery_attempts,
            "last_sequence": self.last_sequence,
            "created_at": rfc3339(self.created_at),
            "updated_at": rfc3339(self.updated_at),
        })
    }

    /// `delivered`, `received_at_dealership` or `cancelled`.
    fn is_final(&self) -> bool {
        matches!(
            self.status,
            status::DELIVERED | status::RECEIVED | status::CANCELLED
        )
    }

    fn stamp_event(&mut self, status: &'static str, now: DateTime<Utc>) -> Value {
        self.status = status;
        self.last_sequence += 1;
        self.updated_at = now;
        json!({
            "shipment_id": self.id,
            "shipment_reference": self.request.shipment_reference,
            "vin": self.request.vin,
            "sequence": self.last_sequence,
            "status": self.status,
        })
    }

    fn progress(&self) -> &Progress<Step> {
        &self.progress
    }

    fn progress_mut(&mut self) -> &mut Progress<Step> {
        &mut self.progress
    }

    fn sim_listing(&self) -> Value {
        let mut listed = self.to_json();
        listed["plan"] = json!(self.plan);
        let events = &self.progress.events;
        listed["remaining_steps"] = json!(self.progress.steps.len());
        listed["events"] = json!(events.iter().map(|e| &e["type"]).collect::<Vec<_>>());
        listed
    }
}
