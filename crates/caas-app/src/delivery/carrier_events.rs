//! Carrier webhooks (`transport-api.md`): stored durably before the 2xx,
//! deduplicated by event id, applied strictly in per-shipment `sequence`
//! order (gaps filled from `/events`), each step recorded as a delivery
//! attempt and moving the order. Only `delivered` and
//! `received_at_dealership` complete a custody transfer.

use crate::delivery::{attempts, shipping};
use crate::error::{AppError, AppResult};
use crate::jobs::AppJob;
use crate::orders::effects::EventRecord;
use crate::App;
use caas_domain::ids::OrderId;
use caas_domain::order::Order;
use caas_domain::order_delivery::{Handover, Reception};
use caas_domain::order_flow::DeliveryEvent;
use caas_domain::partners_delivery::TimeWindow;
use caas_domain::ports::Tx;
use caas_domain::records::{InboundEvent, InboundState};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

const SOURCE: &str = "transport";

/// A carrier webhook event.
#[derive(Debug, Clone, Deserialize)]
pub struct CarrierEvent {
    /// `evt_trn_…`.
    pub id: String,
    /// `shipment.embarked`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// Payload.
    pub data: CarrierEventData,
}

/// `data` of a carrier event (fields of every type, optional).
#[derive(Debug, Clone, Deserialize)]
pub struct CarrierEventData {
    /// Shipment.
    pub shipment_id: String,
    /// Our reference.
    pub shipment_reference: String,
    /// Per-shipment sequence.
    pub sequence: i64,
    /// Status after the event.
    pub status: String,
    /// Attempt number.
    #[serde(default)]
    pub attempt_number: Option<u32>,
    /// Delivery or phone outcome.
    #[serde(default)]
    pub outcome: Option<String>,
    /// Planned delivery (embarked).
    #[serde(default)]
    pub planned_delivery: Option<TimeWindow>,
    /// New window (phone contact).
    #[serde(default)]
    pub new_delivery_window: Option<TimeWindow>,
    /// Handover with identity check.
    #[serde(default)]
    pub handover: Option<serde_json::Value>,
    /// Staff name (received at dealership).
    #[serde(default)]
    pub received_by: Option<String>,
    /// Notes.
    #[serde(default)]
    pub condition_notes: Option<String>,
}

/// Stores a verified carrier event; true if new.
#[tracing::instrument(skip_all)]
pub async fn ingest_carrier_event(app: &App, body: &str) -> AppResult<bool> {
    let ev: CarrierEvent = serde_json::from_str(body)
        .map_err(|e| AppError::BadRequest(format!("not a carrier event: {e}")))?;
    let (row, job) = stored_form(app, &ev, body)?;
    let new = app.ingest.store(row, job).await?;
    tracing::info!(event = %ev.id, sequence = ev.data.sequence, new, "carrier event stored");
    Ok(new)
}

/// The stored row of an event and the job that applies it.
fn stored_form(
    app: &App,
    ev: &CarrierEvent,
    body: &str,
) -> AppResult<(InboundEvent, Option<caas_domain::job::NewJob>)> {
    let now = app.clock.now();
    let order_id = crate::delivery::shipping::order_of_reference(&ev.data.shipment_reference);
    let row = InboundEvent {
        source: SOURCE.into(),
        event_id: ev.id.clone(),
        event_type: ev.kind.clone(),
        resource: ev.data.shipment_id.clone(),
        reference: order_id.as_ref().map(|o| o.to_string()),
        sequence: ev.data.sequence,
        body: body.to_owned(),
        received_at: now,
        state: InboundState::Pending,
    };
    let job = match order_id {
        Some(order_id) => {
            Some(AppJob::ApplyCarrierEvents { order_id }.to_new_job(now, &app.settings)?)
        }
        None => None,
    };
    Ok((row, job))
}

/// Stores an event inside `tx` (reconciliation); true if it was new.
async fn store_in(tx: &mut dyn Tx, app: &App, ev: &CarrierEvent, body: &str) -> AppResult<bool> {
    let (row, job) = stored_form(app, ev, body)?;
    let new = tx.insert_inbound(&row).await?;
    if let (true, Some(job)) = (new, job) {
        tx.enqueue_job(&job, row.received_at).await?;
    }
    Ok(new)
}

/// Applies every pending event of the order's shipment next in sequence.
#[tracing::instrument(skip_all, fields(order = %order_id))]
pub async fn apply_carrier_events(app: &App, order_id: &OrderId) -> anyhow::Result<()> {
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    let Some(mut order) = tx.find_order(order_id).await? else {
        return Ok(());
    };
    let Some(shipment) = order.home.shipment_id.clone() else {
        return Ok(());
    };
    let pending = tx
        .list_pending_inbound(SOURCE, Some(&shipment), Some(order_id.as_str()))
        .await?;
    let mut gap = false;
    for row in pending {
        if row.sequence <= order.home.last_sequence {
            tx.set_inbound_state(SOURCE, &row.event_id, InboundState::Ignored)
                .await?;
            continue;
        }
        if row.sequence != order.home.last_sequence + 1 {
            gap = true;
            break;
        }
        let ev: CarrierEvent = serde_json::from_str(&row.body)?;
        apply_one(&mut *tx, app, &mut order, &ev).await?;
        tx.set_inbound_state(SOURCE, &row.event_id, InboundState::Applied)
            .await?;
    }
    if gap {
        let job = AppJob::ReconcileShipment {
            order_id: order_id.clone(),
        };
        tx.enqueue_job(
            &job.to_new_job(now + app.settings.carrier_gap_wait, &app.settings)?,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    app.wake_jobs();
    Ok(())
}

fn handover_of(h: &serde_json::Value, at: DateTime<Utc>) -> Handover {
    let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
    Handover {
        at: h
            .get("handed_over_at")
            .and_then(|v| v.as_str())
            .and_then(|t| t.parse().ok())
            .unwrap_or(at),
        place: "home".into(),
        receiver_name: s(&h["receiver_name"]),
        document_type: s(&h["identity_check"]["document_type"]),
        document_last4: s(&h["identity_check"]["document_number_last4"]),
        proof: s(&h["proof_reference"]),
    }
}

async fn apply_one(
    tx: &mut dyn Tx,
    app: &App,
    order: &mut Order,
    ev: &CarrierEvent,
) -> AppResult<()> {
    let d = &ev.data;
    order.home.last_sequence = d.sequence;
    order.home.status = Some(d.status.clone());
    let carrier = order.home.carrier.clone().unwrap_or_default();
    let mut detail = None;
    let mut fact = None;
    let event = match ev.kind.as_str() {
        "shipment.embarked" => {
            attempts::embarked(
                order,
                &d.shipment_id,
                d.planned_delivery.clone(),
                ev.occurred_at,
            );
            detail = Some(crate::delivery::shipping::window_detail(
                &order.home.window,
                &carrier,
            ));
            fact = Some(shipping::scheduled_fact(order));
            Some(DeliveryEvent::CarrierEmbarked)
        }
        "shipment.arrived" => {
            attempts::arrived(order, ev.occurred_at);
            Some(DeliveryEvent::CarrierArrived)
        }
        "shipment.delivery_attempted" => {
            let outcome = d.outcome.clone().unwrap_or_default();
            let delivered =
                d.status == "delivered" && outcome == "delivered" && d.handover.is_some();
            let handover = d
                .handover
                .as_ref()
                .filter(|_| delivered)
                .map(|h| handover_of(h, ev.occurred_at));
            attempts::at_the_door(order, &outcome, handover);
            if delivered {
                Some(DeliveryEvent::HandedOverAtHome)
            } else {
                Some(DeliveryEvent::AttemptFailed)
            }
        }
        "shipment.phone_contact" => {
            let agreed = d.status == "awaiting_redelivery";
            attempts::phone_outcome(
                order,
                d.outcome.clone(),
                agreed,
                d.new_delivery_window.clone(),
            );
            if agreed {
                detail = Some(crate::delivery::shipping::window_detail(
                    &order.home.window,
                    &carrier,
                ));
                fact = Some(shipping::scheduled_fact(order));
                Some(DeliveryEvent::NewWindowAgreed)
            } else {
                detail = Some(crate::delivery::staff_actions::collect_detail(tx, order).await?);
                fact = Some(shipping::collect_fact(order, "returning"));
                Some(DeliveryEvent::ReturnToDealership)
            }
        }
        "shipment.returned_to_dealership" => Some(DeliveryEvent::CarrierDroppedAtDealership),
        "shipment.received_at_dealership" => {
            order.home.returned = Some(Reception {
                at: ev.occurred_at,
                by: order.sold_by.clone(),
                by_name: d.received_by.clone().unwrap_or_default(),
                notes: d.condition_notes.clone(),
            });
            detail = Some(crate::delivery::staff_actions::collect_detail(tx, order).await?);
            fact = Some(shipping::collect_fact(order, "received"));
            Some(DeliveryEvent::ReturnReceived)
        }
        _ => None,
    };
    let rec = EventRecord {
        kind: caas_domain::timeline::TimelineKind::Carrier(
            caas_domain::timeline::CarrierStep::parse(ev.kind.trim_start_matches("shipment.")),
        ),
        at: ev.occurred_at,
        data: json!({"shipment_id": d.shipment_id, "sequence": d.sequence, "status": d.status, "attempt_number": d.attempt_number,
                     "outcome": d.outcome, "planned_delivery": d.planned_delivery, "new_delivery_window": d.new_delivery_window,
                     "handover": d.handover, "received_by": d.received_by}),
        dedupe_key: format!("carrier:{}", ev.id),
        detail,
        alert_message: String::new(),
        fact,
    };
    let applied = match event {
        Some(e) => crate::delivery::system_event_in(tx, app, order, e, &rec).await?,
        None => false,
    };
    if !applied {
        // Not a state change here (repeat of a staff entry, unknown type):
        // keep the sequence and the facts.
        order.version += 1;
        order.updated_at = app.clock.now();
        if !tx.update_order(order).await? {
            return Err(AppError::Conflict("order changed meanwhile".into()));
        }
        crate::orders::effects::record_in(tx, app, order, &rec).await?;
    }
    Ok(())
}

/// Fills sequence gaps from the carrier's `/events`, then applies.
#[tracing::instrument(skip_all, fields(order = %order_id))]
pub async fn reconcile_shipment(app: &App, order_id: &OrderId) -> anyhow::Result<()> {
    let order = {
        let mut tx = app.store.read().await?;
        tx.find_order(order_id).await?
    };
    let Some(order) = order else { return Ok(()) };
    let (Some(shp), Some(carrier)) = (
        order.home.shipment_id.clone(),
        app.partners.transport.clone(),
    ) else {
        return Ok(());
    };
    let events = carrier
        .list_events(&shp)
        .await
        .map_err(|e| anyhow::anyhow!("carrier events: {e}"))?;
    let mut tx = app.store.begin().await?;
    for raw in events {
        let Ok(ev) = serde_json::from_str::<CarrierEvent>(&raw.body) else {
            continue;
        };
        if ev.data.sequence > order.home.last_sequence {
            store_in(&mut *tx, app, &ev, &raw.body).await?;
        }
    }
    tx.commit().await?;
    apply_carrier_events(app, order_id).await
}
