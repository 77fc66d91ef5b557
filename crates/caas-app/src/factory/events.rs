//! Factory webhook events (MFG-6..9): stored durably before the 2xx,
//! deduplicated by event id, applied strictly in per-order `sequence` order
//! (a gap waits, then is filled from the factory's `/events`), each milestone
//! moving the order, the timeline, the estimate history and the customer.

use crate::error::{AppError, AppResult};
use crate::jobs::AppJob;
use crate::notify::texts::Detail;
use crate::orders::effects::{apply_order_event_in, EventRecord};
use crate::App;
use caas_domain::factory_event::{FactoryEvent, FactoryEventKind};
use caas_domain::ids::OrderId;
use caas_domain::order::Order;
use caas_domain::order_flow::OrderEvent;
use caas_domain::ports::Tx;
use caas_domain::records::{EstimateRevision, InboundEvent, InboundState};
use serde_json::json;

const SOURCE: &str = "factory";

/// Stores a verified factory event; true if it was new. The caller answers
/// 2xx once this returns.
#[tracing::instrument(skip_all)]
pub async fn ingest_factory_event(app: &App, body: &str) -> AppResult<bool> {
    let ev = FactoryEvent::parse(body).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let (row, job) = stored_form(app, &ev, body)?;
    let new = app.ingest.store(row, job).await?;
    tracing::debug!(event = %ev.id, sequence = ev.sequence, new, "factory event stored");
    Ok(new)
}

/// The stored row of an event and the job that applies it.
fn stored_form(
    app: &App,
    ev: &FactoryEvent,
    body: &str,
) -> AppResult<(InboundEvent, Option<caas_domain::job::NewJob>)> {
    let now = app.clock.now();
    let row = InboundEvent {
        source: SOURCE.into(),
        event_id: ev.id.clone(),
        event_type: ev.kind.key().to_owned(),
        resource: ev.factory_order_id.clone(),
        reference: Some(ev.order_reference.clone()),
        sequence: ev.sequence,
        body: body.to_owned(),
        received_at: now,
        state: InboundState::Pending,
    };
    let job = match OrderId::parse(&ev.order_reference) {
        Ok(order_id) => Some(AppJob::ApplyFactoryEvents { order_id }.to_new_job(now, 10)?),
        Err(_) => None,
    };
    Ok((row, job))
}

/// Stores an event inside `tx` (reconciliation); true if it was new.
async fn store_in(tx: &mut dyn Tx, app: &App, ev: &FactoryEvent, body: &str) -> AppResult<bool> {
    let (row, job) = stored_form(app, ev, body)?;
    let new = tx.insert_inbound(&row).await?;
    if let (true, Some(job)) = (new, job) {
        tx.enqueue_job(&job, row.received_at).await?;
    }
    Ok(new)
}

/// Applies every pending event of the order that is next in sequence.
#[tracing::instrument(skip_all, fields(order = %order_id))]
pub async fn apply_factory_events(app: &App, order_id: &OrderId) -> anyhow::Result<()> {
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    let Some(mut order) = tx.find_order(order_id).await? else {
        return Ok(());
    };
    let Some(fo) = order.factory.factory_order_id.clone() else {
        // Not accepted yet on our side: acceptance re-runs this job.
        return Ok(());
    };
    let pending = tx
        .list_pending_inbound(SOURCE, Some(&fo), Some(order_id.as_str()))
        .await?;
    let mut gap = false;
    for row in pending {
        if row.sequence <= order.factory.last_sequence {
            tx.set_inbound_state(SOURCE, &row.event_id, InboundState::Ignored)
                .await?;
            continue;
        }
        if row.sequence != order.factory.last_sequence + 1 {
            gap = true;
            break;
        }
        let ev = FactoryEvent::parse(&row.body)?;
        apply_one(&mut *tx, app, &mut order, &ev).await?;
        tx.set_inbound_state(SOURCE, &row.event_id, InboundState::Applied)
            .await?;
    }
    if gap {
        let job = AppJob::ReconcileFactoryOrder {
            order_id: order_id.clone(),
        }
        .to_new_job(now + app.settings.factory_gap_wait, 5)?;
        tx.enqueue_job(&job, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn apply_one(
    tx: &mut dyn Tx,
    app: &App,
    order: &mut Order,
    ev: &FactoryEvent,
) -> AppResult<()> {
    let now = app.clock.now();
    order.factory.last_sequence = ev.sequence;
    order.last_factory_contact = Some(now);
    if matches!(ev.kind, FactoryEventKind::Unknown(_)) {
        order.version += 1;
        order.updated_at = now;
        if !tx.update_order(order).await? {
            return Err(AppError::Conflict("order changed meanwhile".into()));
        }
        return Ok(());
    }
    let previous = order.factory.estimated_completion_date;
    if let Some(s) = &ev.status {
        order.factory.status = Some(s.clone());
    }
    if ev.vin.is_some() {
        order.factory.vin = ev.vin.clone();
    }
    if ev.estimated_arrival_date.is_some() {
        order.factory.estimated_arrival_date = ev.estimated_arrival_date;
    }
    if ev.available_from.is_some() {
        order.factory.available_from = ev.available_from;
    }
    if let Some(new) = ev.estimated_completion_date {
        order.factory.estimated_completion_date = Some(new);
        if previous != Some(new) {
            tx.insert_estimate_revision(&EstimateRevision {
                order_id: order.id.clone(),
                at: ev.occurred_at,
                previous: ev.previous_estimated_completion_date.or(previous),
                new,
                reason_code: ev.reason_code.clone(),
                reason: ev.reason.clone(),
                source: ev.id.clone(),
            })
            .await?;
        }
    }
    let place = ev.place.as_ref().map(|p| {
        [
            p.address.as_deref(),
            p.locality.as_deref(),
            p.country.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
    });
    let rec = EventRecord {
        kind: format!("factory.{}", ev.kind.key()),
        at: ev.occurred_at,
        data: json!({
            "sequence": ev.sequence, "status": ev.status, "vin": ev.vin,
            "estimated_completion_date": ev.estimated_completion_date,
            "previous_estimated_completion_date": ev.previous_estimated_completion_date,
            "reason_code": ev.reason_code, "reason": ev.reason,
            "production_slot_week": ev.production_slot_week, "defects": ev.defects,
            "place": ev.place, "estimated_arrival_date": ev.estimated_arrival_date,
            "available_from": ev.available_from,
        }),
        dedupe_key: format!("factory:{}", ev.id),
        detail: Some(Detail::Milestone {
            key: ev.kind.key().to_owned(),
            estimate: order.factory.estimated_completion_date,
            previous: ev.previous_estimated_completion_date.or(previous),
            reason: ev.reason.clone(),
            place,
        }),
        alert_message: format!(
            "The factory cancelled order {}: {}",
            order.id,
            ev.reason.clone().unwrap_or_default()
        ),
    };
    apply_order_event_in(tx, app, order, &OrderEvent::Factory(ev.kind.clone()), &rec).await
}

/// Fills sequence gaps (and answers MFG-10's status query) from the factory's
/// `/events`, then applies what became contiguous.
#[tracing::instrument(skip_all, fields(order = %order_id))]
pub async fn reconcile_factory_order(app: &App, order_id: &OrderId) -> anyhow::Result<()> {
    let order = {
        let mut tx = app.store.read().await?;
        tx.find_order(order_id).await?
    };
    let Some(order) = order else { return Ok(()) };
    let (Some(fo), Some(factory)) = (
        order.factory.factory_order_id.clone(),
        app.partners.factory.clone(),
    ) else {
        return Ok(());
    };
    let events = factory
        .list_events(&fo)
        .await
        .map_err(|e| anyhow::anyhow!("factory events: {e}"))?;
    let mut tx = app.store.begin().await?;
    let mut added = 0;
    for raw in events {
        let Ok(ev) = FactoryEvent::parse(&raw.body) else {
            continue;
        };
        if ev.sequence > order.factory.last_sequence
            && store_in(&mut *tx, app, &ev, &raw.body).await?
        {
            added += 1;
        }
    }
    tx.commit().await?;
    tracing::info!(added, "factory events reconciled");
    apply_factory_events(app, order_id).await
}
