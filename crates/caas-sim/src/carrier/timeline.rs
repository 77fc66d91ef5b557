//! Accelerated carrier timeline: each shipment gets its steps at booking
//! (from its outcome plan), and the skeleton's clock applies one step every
//! `step_ms`; this module says what event each step emits. The custody
//! rules are enforced here: never more than two home attempts, a handover
//! only with a matching identity check, a return to the dealership after the
//! second failed attempt whatever the call said.

use super::plan::{Call, Handover, Step};
use super::state::{status, window_json, Core, SimShipment};
use super::validate::shifted;
use crate::common::rfc3339;
use crate::common::skeleton::timeline::emit;
use chrono::{Duration as Span, Utc};
use rand::Rng;
use serde_json::{json, Value};

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
    s.progress.steps.clear();
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
        s.progress.steps.clear();
        s.progress.steps.push_back(Step::Return);
        status::RETURNING
    };
    Some(emit(core, s, "shipment.phone_contact", next, extra))
}

/// Emits `shipment.received_at_dealership` for a returned shipment.
pub fn receive(core: &Core, s: &mut SimShipment, reception: &Reception) -> Option<Value> {
    if s.status != status::RETURNED {
        return None;
    }
    s.progress.steps.clear();
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
pub(super) fn apply(
    core: &Core,
    s: &mut SimShipment,
    step: Step,
    auto_receive: bool,
) -> Option<Value> {
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
                s.progress.steps.push_back(Step::Receive);
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
