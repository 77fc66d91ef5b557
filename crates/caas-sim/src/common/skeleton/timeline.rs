//! The accelerated timeline every record plays: [`emit`] records an event
//! on the record and hands it to the webhook outbox, [`advance`] applies the
//! next step(s) until one emits, and [`spawn`] is the clock that advances a
//! record every `step_ms` (unless the scenario pauses timelines) until it is
//! final or has nothing left.

use super::{Core, Partner, SimRecord, SimScenario};
use crate::common::new_id;
use crate::common::webhooks::{envelope, OutgoingEvent};
use chrono::Utc;
use serde_json::Value;
use std::sync::{Arc, Weak};
use std::time::Duration;

/// Records an event on `record` (next sequence, status after it) and sends
/// it; `extra` fields are added to the record's identity fields in `data`.
pub fn emit<P: Partner>(
    core: &Core<P>,
    record: &mut P::Record,
    event_type: &str,
    new_status: &'static str,
    extra: Value,
) -> Value {
    let now = Utc::now();
    let mut data = record.stamp_event(new_status, now);
    if let (Some(data), Value::Object(extra)) = (data.as_object_mut(), extra) {
        data.extend(extra);
    }
    let event = envelope(&new_id(P::EVENT_ID_PREFIX), event_type, now, data);
    record.progress_mut().events.push(event.clone());
    match OutgoingEvent::from_envelope(record.id(), &event) {
        Ok(out) => core.sender.send(out),
        Err(err) => tracing::error!(%err, "could not build webhook"),
    }
    event
}

/// Applies the next step(s) until one emits an event; `None` when the
/// record is unknown, final or has nothing left.
pub fn advance<P: Partner>(core: &Core<P>, id: &str) -> Option<Value> {
    let mut guard = core.lock();
    let inner = &mut *guard;
    let record = inner.records.get_mut(id)?;
    while !record.is_final() {
        let step = record.progress_mut().steps.pop_front()?;
        if let Some(event) = P::apply_step(core, &inner.scenario, record, step) {
            inner.events_emitted += 1;
            return Some(event);
        }
    }
    None
}

/// Runs a record's timeline: one step every `step_ms` unless paused.
pub fn spawn<P: Partner>(core: &Arc<Core<P>>, id: String) {
    let weak: Weak<Core<P>> = Arc::downgrade(core);
    let step = Duration::from_millis(P::settings(&core.cfg).step_ms.max(1));
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(step).await;
            let Some(core) = weak.upgrade() else { return };
            if core.is_closed() {
                return;
            }
            let (paused, done) = {
                let inner = core.lock();
                let done = inner
                    .records
                    .get(&id)
                    .is_none_or(|r| r.is_final() || r.progress().steps.is_empty());
                (inner.scenario.timeline_paused(), done)
            };
            if done {
                return;
            }
            if !paused {
                advance(&*core, &id);
            }
        }
    });
}
