//! Applies an order's stored factory events that are next in sequence, all
//! of them in one transaction of a handful of statements whatever their
//! number: the order is written once, timeline entries, estimate revisions
//! and event states in one statement each. A backlog therefore drains in
//! fewer, larger runs instead of growing with the ingest rate.

use crate::jobs::AppJob;
use crate::notify::texts::Detail;
use crate::orders::effects::{apply_order_events_in, EventRecord};
use crate::App;
use caas_domain::factory_event::{FactoryEvent, FactoryEventKind};
use caas_domain::ids::OrderId;
use caas_domain::order::Order;
use caas_domain::order_flow::OrderEvent;
use caas_domain::records::{EstimateRevision, InboundEvent, InboundState};
use chrono::NaiveDate;
use serde_json::json;

use super::events::SOURCE;

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
        .list_pending_inbound(SOURCE, Some(fo.as_str()), Some(order_id.as_str()))
        .await?;
    let about = (Some(fo.as_str()), Some(order_id.as_str()));
    let next = split_in_sequence(order.factory.last_sequence, pending);
    if !next.stale.is_empty() {
        tx.set_inbound_states(SOURCE, about, &next.stale, InboundState::Ignored)
            .await?;
    }
    if !next.ready.is_empty() {
        let mut batch = Vec::with_capacity(next.ready.len());
        for row in &next.ready {
            batch.push(FactoryEvent::parse(&row.body)?);
        }
        let mut revisions = Vec::new();
        let mut steps = Vec::with_capacity(batch.len());
        let mut told = None;
        for (i, ev) in batch.iter().enumerate() {
            let superseded = is_revision(ev) && batch.get(i + 1).is_some_and(is_revision);
            let heard = *told.get_or_insert(
                ev.previous_estimated_completion_date
                    .or(order.factory.estimated_completion_date),
            );
            let telling = Telling { superseded, heard };
            if let Some(step) = absorb(app, &mut order, ev, telling, &mut revisions) {
                steps.push(step);
            }
            if !superseded {
                told = None;
            }
        }
        if !revisions.is_empty() {
            tx.insert_estimate_revisions(&revisions).await?;
        }
        let refs: Vec<(&OrderEvent, &EventRecord)> = steps.iter().map(|(e, r)| (e, r)).collect();
        apply_order_events_in(&mut *tx, app, &mut order, &refs).await?;
        let applied: Vec<String> = next.ready.into_iter().map(|r| r.event_id).collect();
        tx.set_inbound_states(SOURCE, about, &applied, InboundState::Applied)
            .await?;
    }
    if next.gap {
        let job = AppJob::ReconcileFactoryOrder {
            order_id: order_id.clone(),
        }
        .to_new_job(now + app.settings.factory_gap_wait, &app.settings)?;
        tx.enqueue_job(&job, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Pending events sorted by sequence, split against the last applied one.
struct InSequence {
    /// Older than (or equal to) what was applied: ignored.
    stale: Vec<String>,
    /// Contiguous from the next expected sequence.
    ready: Vec<InboundEvent>,
    /// A sequence is missing after `ready`.
    gap: bool,
}

fn split_in_sequence(last: i64, pending: Vec<InboundEvent>) -> InSequence {
    let mut out = InSequence {
        stale: Vec::new(),
        ready: Vec::new(),
        gap: false,
    };
    let mut next = last + 1;
    for row in pending {
        if row.sequence < next {
            out.stale.push(row.event_id);
        } else if row.sequence == next {
            next += 1;
            out.ready.push(row);
        } else {
            out.gap = true;
            break;
        }
    }
    out
}

/// An estimate revision: its news is only the date it brings.
fn is_revision(ev: &FactoryEvent) -> bool {
    ev.kind == FactoryEventKind::EstimateRevised
}

/// What the customer is told of one applied event. Consecutive estimate
/// revisions applied together tell the customer once, the latest date against
/// the one they last heard: a date superseded before it was told is not news
/// (every revision still enters the timeline and the estimate history).
#[derive(Debug, Clone, Copy)]
struct Telling {
    /// A later revision in the same batch replaces this one.
    superseded: bool,
    /// The estimate the customer last heard before this run of revisions.
    heard: Option<NaiveDate>,
}

/// Takes `ev`'s facts into `order` (and a revision into `revisions` when the
/// estimate moved); returns the order event to apply, none for unknown types.
fn absorb(
    app: &App,
    order: &mut Order,
    ev: &FactoryEvent,
    telling: Telling,
    revisions: &mut Vec<EstimateRevision>,
) -> Option<(OrderEvent, EventRecord)> {
    order.factory.last_sequence = ev.sequence;
    order.last_factory_contact = Some(app.clock.now());
    if matches!(ev.kind, FactoryEventKind::Unknown(_)) {
        return None;
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
            revisions.push(EstimateRevision {
                order_id: order.id.clone(),
                at: ev.occurred_at,
                previous: ev.previous_estimated_completion_date.or(previous),
                new,
                reason_code: ev.reason_code.clone(),
                reason: ev.reason.clone(),
                source: ev.id.clone(),
            });
        }
    }
    let rec = record(order, ev, telling, previous);
    Some((OrderEvent::Factory(ev.kind.clone()), rec))
}

/// The timeline entry, notification text and alert text of `ev`.
fn record(
    order: &Order,
    ev: &FactoryEvent,
    telling: Telling,
    previous: Option<NaiveDate>,
) -> EventRecord {
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
    EventRecord {
        kind: caas_domain::timeline::TimelineKind::Factory(ev.kind.clone()),
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
        detail: (!telling.superseded).then(|| Detail::Milestone {
            key: ev.kind.key().to_owned(),
            estimate: order.factory.estimated_completion_date,
            previous: if is_revision(ev) {
                telling.heard
            } else {
                ev.previous_estimated_completion_date.or(previous)
            },
            reason: ev.reason.clone(),
            place,
        }),
        // A staff entry may have reported the dispatch first (DLV-1).
        fact: (ev.kind == caas_domain::factory_event::FactoryEventKind::VehicleDispatched)
            .then(|| crate::delivery::staff_entries::FACTORY_LEG_DISPATCHED.to_owned()),
        alert_message: format!(
            "The factory cancelled order {}: {}",
            order.id,
            ev.reason.clone().unwrap_or_default()
        ),
    }
}
