//! What staff record by hand when a carrier has no feed: the factory leg's
//! embarkation (DLV-1) and each home-delivery step (DLV-4/5) — embarked,
//! arrived, the outcome at the door with the identity check, and the phone
//! outcome. They move the order exactly as the carrier's webhooks do (the
//! same [`attempts`] facts, the same events), audited with the employee;
//! the same news arriving later from the carrier changes nothing.

use crate::delivery::{attempts, order_for_staff, staff_event};
use crate::error::{AppError, AppResult};
use crate::notify::texts::Detail;
use crate::orders::effects::EventRecord;
use crate::{App, RequestContext};
use caas_domain::account::Account;
use caas_domain::ids::OrderId;
use caas_domain::order::Order;
use caas_domain::order_delivery::Handover;
use caas_domain::order_flow::DeliveryEvent;
use caas_domain::partners_delivery::TimeWindow;
use caas_domain::timeline::{StaffStep, TimelineKind};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

/// One staff entry (its OpenAPI schema is derived from this definition).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(tag = "entry", rename_all = "snake_case")]
pub enum DeliveryEntry {
    /// The factory's carrier took the vehicle towards the dealership.
    FactoryEmbarked {
        /// Carrier of the factory leg.
        carrier: String,
        /// Where it left from.
        origin: String,
        /// VIN, when the factory has not reported it.
        #[serde(default)]
        vin: Option<String>,
    },
    /// The home-delivery carrier left with the vehicle for this window.
    Embarked {
        /// Agreed window start.
        window_start: DateTime<Utc>,
        /// Agreed window end.
        window_end: DateTime<Utc>,
    },
    /// The carrier reached the customer's address.
    Arrived,
    /// Handed over after checking the buyer's identity document.
    Delivered {
        /// Who received it.
        receiver_name: String,
        /// The document shown (must be the buyer's).
        document_number: String,
    },
    /// Not handed over (`customer_absent`, `identity_check_failed`, `refused`).
    NotDelivered {
        /// Why.
        outcome: String,
    },
    /// The phone call after a failed attempt.
    Phone {
        /// A new window was agreed with the customer.
        reached: bool,
        /// The new window's start, when agreed.
        #[serde(default)]
        window_start: Option<DateTime<Utc>>,
        /// The new window's end, when agreed.
        #[serde(default)]
        window_end: Option<DateTime<Utc>>,
    },
}

fn invalid(field: &str, message: &str) -> AppError {
    AppError::Invalid {
        field: field.into(),
        message: message.into(),
    }
}

/// A VIN as ISO 3779 writes it: 17 letters and digits, no I, O or Q.
fn is_vin(v: &str) -> bool {
    v.len() == 17
        && v.chars()
            .all(|c| c.is_ascii_digit() || (c.is_ascii_uppercase() && !"IOQ".contains(c)))
}

/// Refuses an entry that needs an attempt under way (and, for the phone
/// call, a failed outcome at the door) when there is none.
fn check_attempt(o: &Order, entry: &DeliveryEntry) -> AppResult<()> {
    let current = o
        .home
        .attempts
        .last()
        .filter(|a| a.outcome == caas_domain::order_delivery::AttemptOutcome::Pending);
    let ok = match entry {
        DeliveryEntry::Arrived
        | DeliveryEntry::Delivered { .. }
        | DeliveryEntry::NotDelivered { .. } => {
            current.is_some_and(|a| a.handover_outcome.is_none())
        }
        DeliveryEntry::Phone { .. } => current.is_some_and(|a| a.handover_outcome.is_some()),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(AppError::Conflict(match entry {
            DeliveryEntry::Phone { .. } => crate::refusal::Refusal::new(
                "attempt_first",
                "Registra primero el intento fallido en el domicilio.",
                "Record the failed attempt at the door first.",
            ),
            _ => crate::refusal::Refusal::new(
                "embarkation_first",
                "Registra primero la carga del vehículo para este intento.",
                "Record the embarkation of this attempt first.",
            ),
        }))
    }
}

const NOT_DELIVERED: &[&str] = &["customer_absent", "identity_check_failed", "refused"];

fn window(start: Option<DateTime<Utc>>, end: Option<DateTime<Utc>>) -> AppResult<TimeWindow> {
    let (Some(start), Some(end)) = (start, end) else {
        return Err(invalid("window_start", "a new delivery window is needed"));
    };
    if end <= start || end - start > chrono::Duration::hours(4) {
        return Err(invalid(
            "window_end",
            "must be after the start and at most 4 hours later",
        ));
    }
    Ok(TimeWindow { start, end })
}

fn normalized(doc: &str) -> String {
    doc.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_uppercase()
}

/// The fact an entry's notification tells, shared with the partner's
/// report of the same step (see [`EventRecord::fact`]).
fn entry_fact(o: &Order, entry: &DeliveryEntry) -> Option<String> {
    use crate::delivery::shipping::{collect_fact, scheduled_fact};
    match entry {
        DeliveryEntry::FactoryEmbarked { .. } => Some(FACTORY_LEG_DISPATCHED.to_owned()),
        DeliveryEntry::Embarked { .. } | DeliveryEntry::Phone { reached: true, .. } => {
            Some(scheduled_fact(o))
        }
        DeliveryEntry::Phone { reached: false, .. } => Some(collect_fact(o, "returning")),
        _ => None,
    }
}

/// The fact "the vehicle left the factory for the dealership", told once
/// whether the factory's dispatch event or a staff entry reports it first.
pub const FACTORY_LEG_DISPATCHED: &str = "factory-leg-dispatched";

/// Records `entry` on the order (staff of its dealership).
#[tracing::instrument(skip_all, fields(order = %id))]
pub async fn record_delivery_entry(
    app: &App,
    ctx: &RequestContext,
    staff: &Account,
    id: &OrderId,
    entry: &DeliveryEntry,
) -> AppResult<Order> {
    let now = app.clock.now();
    // A return needs the dealership's address and hours in the notice.
    let collect = match entry {
        DeliveryEntry::Phone { reached: false, .. } => {
            let mut tx = app.store.read().await?;
            let order = order_for_staff(&mut *tx, staff, id).await?;
            Some(crate::delivery::staff_actions::collect_detail(&mut *tx, &order).await?)
        }
        _ => None,
    };
    let record = |o: &Order, step: StaffStep, data: serde_json::Value, detail| EventRecord {
        kind: TimelineKind::Staff(step),
        at: now,
        data: json!({"entry": data, "recorded_by": staff.name, "attempt": o.home.attempts.len()}),
        dedupe_key: format!("staff-{}:{}:{}", step.key(), o.id, o.home.attempts.len()),
        detail,
        alert_message: String::new(),
        fact: entry_fact(o, entry),
    };
    let shipment = |o: &Order| {
        o.home
            .shipment_id
            .clone()
            .unwrap_or_else(|| "manual".into())
    };
    let (event, step) = match entry {
        DeliveryEntry::FactoryEmbarked { .. } => (
            DeliveryEvent::FactoryLegEmbarked,
            StaffStep::FactoryEmbarked,
        ),
        DeliveryEntry::Embarked { .. } => (DeliveryEvent::CarrierEmbarked, StaffStep::Embarked),
        DeliveryEntry::Arrived => (DeliveryEvent::CarrierArrived, StaffStep::Arrived),
        DeliveryEntry::Delivered { .. } => (DeliveryEvent::HandedOverAtHome, StaffStep::Delivered),
        DeliveryEntry::NotDelivered { .. } => {
            (DeliveryEvent::AttemptFailed, StaffStep::NotDelivered)
        }
        DeliveryEntry::Phone { reached: true, .. } => {
            (DeliveryEvent::NewWindowAgreed, StaffStep::PhoneAgreed)
        }
        DeliveryEntry::Phone { reached: false, .. } => (
            DeliveryEvent::ReturnToDealership,
            StaffStep::PhoneUnreachable,
        ),
    };
    let action = step.key();
    let audit = format!("delivery.entry.{action}");
    staff_event(app, ctx, staff, id, event, &audit, |o| {
        check_attempt(o, entry)?;
        let carrier = o.home.carrier.clone().unwrap_or_default();
        match entry {
            DeliveryEntry::FactoryEmbarked { carrier, origin, vin } => {
                if let Some(v) = vin.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                    let v = v.to_ascii_uppercase();
                    if !is_vin(&v) {
                        return Err(invalid("vin", "17 letters and digits, without I, O or Q"));
                    }
                    o.factory.vin.get_or_insert(v);
                }
                if carrier.trim().is_empty() || origin.trim().is_empty() {
                    return Err(invalid("carrier", "carrier and origin are needed"));
                }
                let data = json!({"carrier": carrier.trim(), "origin": origin.trim(), "vin": o.factory.vin, "embarked_at": now});
                let detail = Detail::text(
                    ("Tu vehículo va camino del concesionario", format!("Ha salido de {} con {}.", origin.trim(), carrier.trim())),
                    ("Your vehicle is on its way to the dealership", format!("It left {} with {}.", origin.trim(), carrier.trim())),
                );
                o.factory.status = Some("dispatched".into());
                Ok(record(o, step, data, Some(detail)))
            }
            DeliveryEntry::Embarked { window_start, window_end } => {
                let w = window(Some(*window_start), Some(*window_end))?;
                attempts::embarked(o, &shipment(o), Some(w.clone()), now);
                let detail = crate::delivery::shipping::window_detail(&o.home.window, &carrier);
                Ok(record(o, step, json!({"window": w}), Some(detail)))
            }
            DeliveryEntry::Arrived => {
                attempts::arrived(o, now);
                Ok(record(o, step, json!({"arrived_at": now}), None))
            }
            DeliveryEntry::Delivered { receiver_name, document_number } => {
                let shown = normalized(document_number);
                if shown != o.customer.document.number {
                    return Err(invalid(
                        "document_number",
                        "does not match the buyer's identity document: the vehicle cannot be handed over",
                    ));
                }
                if receiver_name.trim().is_empty() {
                    return Err(invalid("receiver_name", "who received the vehicle"));
                }
                let last4: String = shown.chars().skip(shown.chars().count().saturating_sub(4)).collect();
                let handover = Handover {
                    at: now,
                    place: "home".into(),
                    receiver_name: receiver_name.trim().to_owned(),
                    document_type: o.customer.document.kind.as_str().to_owned(),
                    document_last4: last4.clone(),
                    proof: format!("staff:{}", staff.id),
                };
                attempts::at_the_door(o, "delivered", Some(handover));
                Ok(record(o, step, json!({"receiver_name": receiver_name.trim(), "document_last4": last4}), None))
            }
            DeliveryEntry::NotDelivered { outcome } => {
                if !NOT_DELIVERED.contains(&outcome.as_str()) {
                    return Err(invalid("outcome", "customer_absent, identity_check_failed or refused"));
                }
                attempts::at_the_door(o, outcome, None);
                Ok(record(o, step, json!({"outcome": outcome}), None))
            }
            DeliveryEntry::Phone { reached, window_start, window_end } => {
                let w = if *reached { Some(window(*window_start, *window_end)?) } else { None };
                let outcome = if *reached { "new_window_agreed" } else { "unreachable" };
                attempts::phone_outcome(o, Some(outcome.into()), *reached, w.clone());
                let detail = if *reached {
                    Some(crate::delivery::shipping::window_detail(&o.home.window, &carrier))
                } else {
                    collect.clone()
                };
                Ok(record(o, step, json!({"outcome": outcome, "new_window": w}), detail))
            }
        }
    })
    .await
}
