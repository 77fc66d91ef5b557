//! In-memory store of the simulated factory: orders with their recorded
//! events and remaining timeline, the active scenario and the counters.

use super::catalogue::Delivery;
use super::control::Scenario;
use super::timeline::Step;
use super::FactorySimConfig;
use crate::common::idempotency::IdempotencyStore;
use crate::common::rfc3339;
use crate::common::webhooks::WebhookSender;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};
use tokio::sync::watch;

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
    /// Every event emitted (envelopes, in sequence order).
    pub events: Vec<Value>,
    /// Remaining timeline steps.
    pub plan: VecDeque<Step>,
}

impl Order {
    /// The contract's Order object.
    pub fn to_json(&self) -> Value {
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

    /// Whether the platform (or factory) may still cancel it.
    pub fn is_cancellable(&self) -> bool {
        matches!(
            self.status,
            status::RECEIVED | status::ACCEPTED | status::SCHEDULED
        )
    }

    /// Whether the order reached `available` or `cancelled`.
    pub fn is_final(&self) -> bool {
        matches!(self.status, status::AVAILABLE | status::CANCELLED)
    }
}

/// Mutable state behind the core's lock.
#[derive(Debug, Default)]
pub struct Inner {
    /// Orders by id.
    pub orders: HashMap<String, Order>,
    /// Ids in creation order.
    pub order_ids: Vec<String>,
    /// `order_reference` → id.
    pub by_reference: HashMap<String, String>,
    /// Active scenario.
    pub scenario: Scenario,
    /// `POST /v1/orders` requests that passed authentication.
    pub create_requests: u64,
    /// Orders actually created.
    pub orders_created: u64,
    /// Events emitted (recorded), all orders.
    pub events_emitted: u64,
}

/// Shared core of one simulator instance.
#[derive(Debug)]
pub struct Core {
    /// Configuration it was started with.
    pub cfg: FactorySimConfig,
    /// Webhook sender.
    pub sender: WebhookSender,
    /// Idempotency-Key store.
    pub idem: IdempotencyStore,
    inner: Mutex<Inner>,
    closed: watch::Sender<bool>,
}

impl Core {
    /// A fresh core.
    pub fn new(cfg: FactorySimConfig, sender: WebhookSender) -> Self {
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

    /// The contract JSON of an order, if it exists.
    pub fn order_json(&self, id: &str) -> Option<Value> {
        self.lock().orders.get(id).map(Order::to_json)
    }
}

/// The factory's calendar day (from the simulator's clock).
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}
