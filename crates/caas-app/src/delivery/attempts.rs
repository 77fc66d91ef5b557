//! The facts of a home-delivery attempt (DLV-4/5/6), applied to the order
//! the same way whether the carrier's webhook or a staff entry reports
//! them: embarkation opens an attempt, arrival and the handover outcome
//! fill it, and the phone outcome (or a delivery) closes it.

use caas_domain::order::Order;
use caas_domain::order_delivery::{AttemptOutcome, DeliveryAttempt, Handover};
use caas_domain::partners_delivery::TimeWindow;
use chrono::{DateTime, Utc};

/// The carrier embarked the vehicle: a new attempt, unless the one under
/// way is already embarked (the same news from the other source).
pub fn embarked(o: &mut Order, shipment_id: &str, window: Option<TimeWindow>, at: DateTime<Utc>) {
    if let Some(w) = window {
        o.home.window = Some(w);
    }
    let window = o.home.window.clone();
    if let Some(a) = o.home.current_attempt_mut() {
        if a.embarked_at.is_some() {
            a.window = window;
            return;
        }
    }
    let number = o.home.attempts.len() as u32 + 1;
    o.home.attempts.push(DeliveryAttempt {
        number,
        shipment_id: shipment_id.to_owned(),
        carrier: o.home.carrier.clone().unwrap_or_default(),
        window: o.home.window.clone(),
        embarked_at: Some(at),
        arrived_at: None,
        handover_outcome: None,
        phone_outcome: None,
        outcome: AttemptOutcome::Pending,
    });
}

/// The carrier reached the address.
pub fn arrived(o: &mut Order, at: DateTime<Utc>) {
    if let Some(a) = o.home.current_attempt_mut() {
        a.arrived_at.get_or_insert(at);
    }
}

/// The outcome at the door; `handover` is set only when the vehicle was
/// handed to the identified customer.
pub fn at_the_door(o: &mut Order, outcome: &str, handover: Option<Handover>) {
    let delivered = handover.is_some();
    if let Some(a) = o.home.current_attempt_mut() {
        a.handover_outcome = Some(outcome.to_owned());
        if delivered {
            a.outcome = AttemptOutcome::Delivered;
        }
    }
    if delivered {
        o.home.handover = handover;
    }
}

/// The phone call after a failed attempt: a new window agreed
/// (rescheduled) or not (the vehicle returns to the dealership).
pub fn phone_outcome(
    o: &mut Order,
    outcome: Option<String>,
    agreed: bool,
    new_window: Option<TimeWindow>,
) {
    if let Some(a) = o.home.current_attempt_mut() {
        a.phone_outcome = outcome;
        a.outcome = if agreed {
            AttemptOutcome::Rescheduled
        } else {
            AttemptOutcome::Returned
        };
    }
    if let Some(w) = new_window.filter(|_| agreed) {
        o.home.window = Some(w);
    }
}
