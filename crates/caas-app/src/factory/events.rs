//! Factory webhook events (MFG-6..9): stored durably before the 2xx,
//! deduplicated by event id, applied strictly in per-order `sequence` order
//! (a gap waits, then is filled from the factory's `/events`), each milestone
//! moving the order, the timeline, the estimate history and the customer.

use crate::error::{AppError, AppResult};
use crate::jobs::AppJob;
use crate::App;
use caas_domain::factory_event::FactoryEvent;
use caas_domain::ids::OrderId;
use caas_domain::ports::Tx;
use caas_domain::records::{InboundEvent, InboundState};

/// Source name of factory events in the inbound table.
pub(crate) const SOURCE: &str = "factory";

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
        Ok(order_id) => {
            Some(AppJob::ApplyFactoryEvents { order_id }.to_new_job(now, &app.settings)?)
        }
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
    super::apply::apply_factory_events(app, order_id).await
}
