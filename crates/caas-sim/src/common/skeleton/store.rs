//! The shared core of one running simulator: its configuration, webhook
//! outbox, Idempotency-Key store and, behind one lock, the records in
//! creation order, the active scenario and the counters; and each record's
//! [`Progress`] along its timeline.

use super::{Partner, SimRecord};
use crate::common::idempotency::IdempotencyStore;
use crate::common::webhooks::WebhookSender;
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};
use tokio::sync::watch;

/// A record's progress along its timeline: the steps still to play and the
/// events emitted so far (envelopes, in sequence order).
#[derive(Debug, Clone, Default)]
pub struct Progress<S> {
    /// Remaining timeline steps.
    pub steps: VecDeque<S>,
    /// Every event emitted.
    pub events: Vec<Value>,
}

impl<S> Progress<S> {
    /// A record about to play `steps`, with no event yet.
    pub fn new(steps: VecDeque<S>) -> Self {
        Self {
            steps,
            events: Vec::new(),
        }
    }
}

/// Mutable state behind the core's lock.
#[derive(Debug)]
pub struct Inner<P: Partner> {
    /// Records by id.
    pub records: HashMap<String, P::Record>,
    /// Ids in creation order.
    pub ids: Vec<String>,
    /// The platform's reference (`order_reference`, `shipment_reference`…) → id.
    pub by_reference: HashMap<String, String>,
    /// Active scenario.
    pub scenario: P::Scenario,
    /// Create requests (`POST /v1/<collection>`) that passed authentication.
    pub create_requests: u64,
    /// Records actually created.
    pub created: u64,
    /// Events emitted (recorded), all records.
    pub events_emitted: u64,
}

impl<P: Partner> Default for Inner<P> {
    fn default() -> Self {
        Self {
            records: HashMap::new(),
            ids: Vec::new(),
            by_reference: HashMap::new(),
            scenario: P::Scenario::default(),
            create_requests: 0,
            created: 0,
            events_emitted: 0,
        }
    }
}

impl<P: Partner> Inner<P> {
    /// The records in creation order.
    pub fn in_creation_order(&self) -> impl Iterator<Item = &P::Record> {
        self.ids.iter().filter_map(|id| self.records.get(id))
    }

    /// Stores a new record under `reference` and counts it.
    pub fn insert(&mut self, reference: String, record: P::Record) {
        let id = record.id().to_owned();
        self.by_reference.insert(reference, id.clone());
        self.ids.push(id.clone());
        self.records.insert(id, record);
        self.created += 1;
    }
}

/// Shared core of one simulator instance.
#[derive(Debug)]
pub struct Core<P: Partner> {
    /// Configuration it was started with.
    pub cfg: P::Config,
    /// Webhook sender (the outbox every emitted event goes to).
    pub sender: WebhookSender,
    /// Idempotency-Key store.
    pub idem: IdempotencyStore,
    inner: Mutex<Inner<P>>,
    closed: watch::Sender<bool>,
}

impl<P: Partner> Core<P> {
    /// A fresh core.
    pub fn new(cfg: P::Config, sender: WebhookSender) -> Self {
        Self {
            cfg,
            sender,
            idem: IdempotencyStore::new(),
            inner: Mutex::new(Inner::default()),
            closed: watch::channel(false).0,
        }
    }

    /// Locks the mutable state (recovering from poisoning).
    pub fn lock(&self) -> MutexGuard<'_, Inner<P>> {
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

    /// The contract JSON of a record, if it exists.
    pub fn record_json(&self, id: &str) -> Option<Value> {
        self.lock().records.get(id).map(SimRecord::to_json)
    }
}
