//! Accelerated carrier timeline: each shipment gets its steps at booking
//! (from its outcome plan) and a task that applies one step every `step_ms`.
//! Every step records its event on the shipment before handing it to the
//! webhook sender. The custody rules are enforced here: never more than two
//! home attempts, a handover only with a matching identity check, a return
//! to the dealership after the second failed attempt whatever the call said.

use super::plan::{Call, Handover, Step};
use super::state::{status, window_json, Core, SimShipment};
use super::validate::shifted;
use crate::common::webhooks::{envelope, OutgoingEvent};
use crate::common::{new_id, rfc3339};
use chrono::{Duration as Span, Utc};
use rand::Rng;
use serde_json::{json, Value};
use std::sync::{Arc, Weak};
use std::time::Duration;

/// Home delivery attempts per shipment (contract maximum).
pub const MAX_ATTEMPTS: u32 = 2;
/// Kilometres added to the odometer by each trip to the customer.
const KM_PER_TRIP: i64 = 14;

/// Who received the vehicle at the dealership, and notes on its condition.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct Reception {
    /// Staff name.
    pub received_by: String,
    /// Optional condition notes.
    #[serde(default)]
    pub condition_notes: Option<String>,
}

/// Records an event on `s` (next sequence, status after it) and sends it.
pub fn emit(
    core: &Core,
    s: &mut SimShipment,
    event_type: &str,
    new_status: &'static str,
    extra: Value,
) -> Value {
    let now = Utc::now();
    s.status = new_status;
    s.last_sequence += 1;
    s.updated_at = now;
    let mut data = json!({
        "shipment_id": s.id,
        "shipment_reference": s.request.shipment_reference,
        "vin": s.request.vin,
        "sequence": s.last_sequence,
        "status": s.status,
    });
    if let (Some(data), Value::Object(extra)) = (data.as_object_mut(), extra) {
        data.extend(extra);
    }
    let event = envelope(&new_id("evt_trn"), event_type, now, data);
    s.events.push(event.clone());
    match OutgoingEvent::from_envelope(&s.id, &event) {
        Ok(out) => core.sender.send(out),
        Err(err) => tracing::error!(%err, "could not build webhook"),
    }
    event
}

/// The last four characters of the recipient's document number.
fn last4(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    chars[chars.len().saturating_sub(4)..].iter().collect()
}

fn attempt(core: &Core, s: &mut SimShipment, handover: Handover) -> Option<Value> {
    if s.delivery_attempts >= MAX_ATTEMPTS || s.status != status::ARRIVED {
        return None;
    }
    s.delivery_attempts += 1;
    s.rescheduled_after_attempt = false;
    let now = Utc::now();
    let mut extra = json!({"attempt_number": s.delivery_attempts,
        "attempted_at": rfc3339(now - Span::minutes(2)), "outcome": handover.as_str()});
    if handover != Handover::Delivered {
        return Some(emit(
            core,
            s,
            "shipment.delivery_attempted",
            status::ATTEMPT_FAILED,
            extra,
        ));
    }
    let r = &s.request.recipient;
    extra["handover"] = json!({
        "receiver_name": r.name,
        "identity_check": {"method": "id_document", "document_type": r.id_document_type,
            "document_number_last4": last4(&r.id_document_number), "matches_recipient": true},
        "handed_over_at": rfc3339(now - Span::seconds(30)),
        "odometer_km": s.odometer_km,
        "proof_reference": format!("pod_{}", rand::thread_rng().gen_range(10_000..99_999)),
    });
    s.steps.clear();
    Some(emit(
        core,
        s,
        "shipment.delivery_attempted",
        status::DELIVERED,
        extra,
    ))
}

fn phone(core: &Core, s: &mut SimShipment, call: Call) -> Option<Value> {
    if s.status != status::ATTEMPT_FAILED {
        return None;
    }
    let mut extra = json!({"attempt_number": s.delivery_attempts,
        "contacted_at": rfc3339(Utc::now() - Span::minutes(5)),
        "call_attempts": call.call_attempts(), "outcome": call.as_str()});
    let redeliver = call == Call::NewWindowAgreed && s.delivery_attempts < MAX_ATTEMPTS;
    if call == Call::NewWindowAgreed {
        // A window the platform set since the attempt is the one agreed.
        let agreed = if s.rescheduled_after_attempt {
            s.planned_delivery.clone()
        } else {
            shifted(&s.planned_delivery, 1)
        };
        extra["new_delivery_window"] = window_json(&agreed);
        if redeliver {
            s.planned_delivery = agreed;
        }
    }
    let next = if redeliver {
        status::AWAITING_REDELIVERY
    } else {
        s.steps.clear();
        s.steps.push_back(Step::Return);
        status::RETURNING
    };
    Some(emit(core, s, "shipment.phone_contact", next, extra))
}

/// Emits `shipment.received_at_dealership` for a returned shipment.
pub fn receive(core: &Core, s: &mut SimShipment, reception: &Reception) -> Option<Value> {
    if s.status != status::RETURNED {
        return None;
    }
    s.steps.clear();
    let mut extra = json!({"dealership_id": s.request.return_dealership.dealership_id,
        "received_at": rfc3339(Utc::now()), "received_by": reception.received_by});
    if let Some(notes) = &reception.condition_notes {
        extra["condition_notes"] = json!(notes);
    }
    Some(emit(
        core,
        s,
        "shipment.received_at_dealership",
        status::RECEIVED,
        extra,
    ))
}

/// Applies one step; `None` when it does not fit the current state.
fn apply(core: &Core, s: &mut SimShipment, step: Step, auto_receive: bool) -> Option<Value> {
    let now = rfc3339(Utc::now());
    match step {
        Step::Embark if matches!(s.status, status::BOOKED | status::AWAITING_REDELIVERY) => {
            let location = if s.status == status::BOOKED {
                s.request.pickup.location_id.clone()
            } else {
                format!("depot_{}", s.request.pickup.address.country.to_lowercase())
            };
            s.odometer_km += KM_PER_TRIP;
            let extra = json!({"embarked_at": now, "location_id": location,
                "planned_delivery": window_json(&s.planned_delivery)});
            Some(emit(core, s, "shipment.embarked", status::EMBARKED, extra))
        }
        Step::Arrive if s.status == status::EMBARKED => Some(emit(
            core,
            s,
            "shipment.arrived",
            status::ARRIVED,
            json!({"arrived_at": now}),
        )),
        Step::Attempt(handover) => attempt(core, s, handover),
        Step::Phone(call) => phone(core, s, call),
        Step::Return if s.status == status::RETURNING => {
            if auto_receive {
                s.steps.push_back(Step::Receive);
            }
            let extra = json!({"dealership_id": s.request.return_dealership.dealership_id,
                "returned_at": now});
            Some(emit(
                core,
                s,
                "shipment.returned_to_dealership",
                status::RETURNED,
                extra,
            ))
        }
        Step::Receive => {
            let staff = Reception {
                received_by: "Dealership reception (simulated)".into(),
                condition_notes: None,
            };
            receive(core, s, &staff)
        }
        _ => None,
    }
}

/// Applies the next step(s) until one emits an event; `None` when the
/// shipment is unknown, final or has nothing left.
pub fn advance(core: &Core, id: &str) -> Option<Value> {
    let mut inner = core.lock();
    let auto_receive = inner.scenario.auto_receive_at_dealership;
    let s = inner.shipments.get_mut(id)?;
    while !s.is_final() {
        let step = s.steps.pop_front()?;
        if let Some(ev) = apply(core, s, step, auto_receive) {
            inner.events_emitted += 1;
            return Some(ev);
        }
    }
    None
}

/// Runs a shipment's timeline: one step every `step_ms` unless paused.
pub fn spawn(core: &Arc<Core>, id: String) {
    let weak: Weak<Core> = Arc::downgrade(core);
    let step = Duration::from_millis(core.cfg.step_ms.max(1));
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
                    .shipments
                    .get(&id)
                    .is_none_or(|s| s.is_final() || s.steps.is_empty());
                (inner.scenario.pause_timeline, done)
            };
            if done {
                return;
            }
            if !paused {
                advance(&core, &id);
            }
        }
    });
}
