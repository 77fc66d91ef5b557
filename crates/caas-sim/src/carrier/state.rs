//! In-memory store of the simulated carrier: shipments with their recorded
//! events and remaining timeline, the active scenario and the counters.

use super::control::Scenario;
use super::plan::{DeliveryPlan, Step};
use super::CarrierSimConfig;
use crate::common::idempotency::IdempotencyStore;
use crate::common::rfc3339;
use crate::common::webhooks::WebhookSender;
use caas_domain::partners_delivery::{ShipmentRequest, TimeWindow};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};
use tokio::sync::watch;

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
    /// Every event emitted (envelopes, in sequence order).
    pub events: Vec<Value>,
    /// Remaining timeline steps.
    pub steps: VecDeque<Step>,
}

/// `{"start","end"}` with `Z` timestamps.
pub fn window_json(w: &TimeWindow) -> Value {
    json!({ "start": rfc3339(w.start), "end": rfc3339(w.end) })
}

impl SimShipment {
    /// The contract's Shipment object.
    pub fn to_json(&self) -> Value {
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
    pub fn is_final(&self) -> bool {
        matches!(
            self.status,
            status::DELIVERED | status::RECEIVED | status::CANCELLED
        )
    }
}

/// Mutable state behind the core's lock.
#[derive(Debug, Default)]
pub struct Inner {
    /// Shipments by id.
    pub shipments: HashMap<String, SimShipment>,
    /// Ids in creation order.
    pub shipment_ids: Vec<String>,
    /// `shipment_reference` → id.
    pub by_reference: HashMap<String, String>,
    /// Active scenario.
    pub scenario: Scenario,
    /// `POST /v1/shipments` requests that passed authentication.
    pub bookings_requests: u64,
    /// Shipments actually created.
    pub shipments_created: u64,
    /// Events emitted (recorded), all shipments.
    pub events_emitted: u64,
}

impl Inner {
    /// The non-final shipment of `vin`, if any.
    pub fn active_for_vin(&self, vin: &str) -> Option<&SimShipment> {
        self.shipments
            .values()
            .find(|s| s.request.vin == vin && !s.is_final())
    }
}

/// Shared core of one simulator instance.
#[derive(Debug)]
pub struct Core {
    /// Configuration it was started with.
    pub cfg: CarrierSimConfig,
    /// Webhook sender.
    pub sender: WebhookSender,
    /// Idempotency-Key store.
    pub idem: IdempotencyStore,
    inner: Mutex<Inner>,
    closed: watch::Sender<bool>,
}

impl Core {
    /// A fresh core.
    pub fn new(cfg: CarrierSimConfig, sender: WebhookSender) -> Self {
        Self {
            cfg,
            sender,
            idem: IdempotencyStore::new(),
            inner: Mutex::new(Inner::default()),
            closed: watch::channel(false).0,
        }
    }

    /// Locks the mutable state (recovering from poisoning).
    pub fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Marks the simulator stopped: timeline tasks end.
    pub fn close(&self) {
        self.closed.send_replace(true);
    }

    /// Whether [`Core::close`] was called.
    pub fn is_closed(&self) -> bool {
        *self.closed.borrow()
    }

    /// The contract JSON of a shipment, if it exists.
    pub fn shipment_json(&self, id: &str) -> Option<Value> {
        self.lock().shipments.get(id).map(SimShipment::to_json)
    }
}
