//! The gateway's core: shared state, event emission with a gap-free
//! per-intent `sequence`, and the timers that move intents on later
//! (processing, settlement, chargeback, authorization expiry, refund outcome).

use super::model::{IntentRecord, State};
use crate::common::new_id;
use crate::common::webhooks::{envelope, OutgoingEvent, WebhookSender};
use chrono::Utc;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// Receives every event the gateway emits, in emission order.
pub trait EventSink: Send + Sync + 'static {
    /// Queues the signed delivery of `event` about `resource_id`.
    fn emit(&self, resource_id: &str, event: &Value);
}

impl EventSink for WebhookSender {
    fn emit(&self, resource_id: &str, event: &Value) {
        match OutgoingEvent::from_envelope(resource_id, event) {
            Ok(out) => self.send(out),
            Err(err) => tracing::error!(%err, "payment event not sent"),
        }
    }
}

/// How long the asynchronous steps take.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// `tok_test_delayed`: processing → outcome.
    pub processing: Duration,
    /// Capture → settled / settlement_failed.
    pub settlement: Duration,
    /// Settled → chargeback.
    pub chargeback: Duration,
    /// `tok_test_auth_expires`: authorization → expiry.
    pub auth_expiry: Duration,
    /// Refund created → final refund status.
    pub refund: Duration,
    /// Lifetime of a one-time card token (`POST /v1/tokens`).
    pub token_ttl: Duration,
}

/// One simulated gateway: state, timing and where events go.
pub struct Gateway {
    /// Delays of the asynchronous steps.
    pub timing: Timing,
    state: Mutex<State>,
    sink: Arc<dyn EventSink>,
    timers: tokio::sync::watch::Sender<bool>,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateway")
            .field("timing", &self.timing)
            .finish_non_exhaustive()
    }
}

impl Gateway {
    /// A gateway with empty state.
    pub fn new(timing: Timing, sink: Arc<dyn EventSink>) -> Arc<Self> {
        let (timers, _) = tokio::sync::watch::channel(false);
        Arc::new(Self {
            timing,
            state: Mutex::new(State::default()),
            sink,
            timers,
        })
    }

    /// Locks the state (a poisoned lock is recovered: state stays usable).
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stops every pending timer (on shutdown).
    pub fn stop_timers(&self) {
        self.timers.send_replace(true);
    }

    /// Runs `step` on the gateway after `delay`, unless stopped first.
    pub fn after(
        self: &Arc<Self>,
        delay: Duration,
        step: impl FnOnce(&Arc<Gateway>) + Send + 'static,
    ) {
        let gw = Arc::clone(self);
        let mut stop = self.timers.subscribe();
        if *stop.borrow() {
            return;
        }
        tokio::spawn(async move {
            tokio::select! {
                _ = tokio::time::sleep(delay) => step(&gw),
                _ = stop.wait_for(|s| *s) => {}
            }
        });
    }

    /// Emits an event about `rec`'s intent: bumps its sequence, records the
    /// event for `/events` and hands it to the sink. `object` is the
    /// `data.object` (the intent, or a refund); `None` means the intent.
    pub fn emit(&self, rec: &mut IntentRecord, kind: &str, object: Option<Value>) {
        let seq = rec.intent.last_sequence + 1;
        rec.intent.last_sequence = seq;
        let now = Utc::now();
        rec.intent.updated_at = now;
        let object = object.unwrap_or_else(|| to_value(&rec.intent));
        let data = json!({"object": object, "sequence": seq, "payment_intent": rec.intent.id});
        let event = envelope(&new_id("evt_pay"), kind, now, data);
        rec.events.push(event.clone());
        self.sink.emit(&rec.intent.id, &event);
    }
}

/// Serialises a contract object (infallible for these plain structs).
pub fn to_value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// The fee the simulated gateway keeps at settlement: 1.4 % + 25 minor units,
/// never more than the amount.
pub fn fee_for(amount: i64) -> i64 {
    (amount * 14 / 1000 + 25).min(amount)
}

/// A snapshot of one intent for `/_sim/intents`.
pub fn intent_summary(rec: &IntentRecord) -> Value {
    json!({
        "intent": to_value(&rec.intent),
        "token": rec.token.as_str(),
        "confirms": rec.confirms,
        "timeout_used": rec.timeout_used,
        "events": rec.events.iter().map(|e| e["type"].clone()).collect::<Vec<_>>(),
    })
}
