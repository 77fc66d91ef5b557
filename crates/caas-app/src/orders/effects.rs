//! Applies an [`OrderEvent`] to an order inside a transaction: runs the pure
//! state machine, writes the order (optimistic version check) and carries
//! out its effects — timeline entry, notification, staff alert, factory job.

use crate::error::{AppError, AppResult};
use crate::jobs::AppJob;
use crate::notify::{notify_in, texts::Detail};
use crate::App;
use caas_domain::ids::{AlertId, TimelineId};
use caas_domain::notification::NotificationKind;
use caas_domain::order::Order;
use caas_domain::order_flow::{transition, OrderEffect, OrderEvent};
use caas_domain::ports::Tx;
use caas_domain::records::{StaffAlert, TimelineEntry};
use caas_domain::timeline::TimelineKind;
use chrono::{DateTime, Utc};

/// What the timeline entry and the notification of a transition say.
#[derive(Debug, Clone)]
pub struct EventRecord {
    /// What happened.
    pub kind: TimelineKind,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Facts shown with the entry.
    pub data: serde_json::Value,
    /// Unique per fact (`factory:evt_…`, `senal:pay_…`).
    pub dedupe_key: String,
    /// Text of the notification, if the transition notifies.
    pub detail: Option<Detail>,
    /// Text of a staff alert, if the transition alerts.
    pub alert_message: String,
    /// The fact the notification tells, when several events can report it
    /// (the slot of a scheduled delivery: booking, embarkation, a staff
    /// entry): its notification is keyed by order, matrix row and this, so
    /// the fact is told once. `None`: the event is the fact.
    pub fact: Option<String>,
}

/// Applies `event` to `order` and its effects; `order` is updated in place.
pub async fn apply_order_event_in(
    tx: &mut dyn Tx,
    app: &App,
    order: &mut Order,
    event: &OrderEvent,
    rec: &EventRecord,
) -> AppResult<()> {
    apply_order_events_in(tx, app, order, &[(event, rec)]).await
}

/// Applies several events to `order` in turn, then writes the order once and
/// every timeline entry in one statement, and carries out the other effects
/// in order. `order` is updated in place; with no events it is still written
/// (the caller changed it). A refused transition refuses the whole batch.
pub async fn apply_order_events_in(
    tx: &mut dyn Tx,
    app: &App,
    order: &mut Order,
    steps: &[(&OrderEvent, &EventRecord)],
) -> AppResult<()> {
    let now = app.clock.now();
    let mut planned = Vec::with_capacity(steps.len());
    for (event, rec) in steps {
        let (next, effects) = transition(order.state, event)?;
        order.state = next;
        if effects.contains(&OrderEffect::RequestFinalPayment) {
            crate::delivery::final_payment::set_terms(app, order, now)?;
        }
        planned.push((effects, *rec));
    }
    order.version += 1;
    order.updated_at = now;
    if !tx.update_order(order).await? {
        return Err(AppError::Conflict(crate::refusal::Refusal::new(
            "order_changed",
            "El pedido ha cambiado mientras tanto; vuelve a intentarlo.",
            "The order changed meanwhile; try again.",
        )));
    }
    let mut timeline = Vec::new();
    for (effects, rec) in planned {
        for effect in effects {
            if effect == OrderEffect::RecordTimeline {
                timeline.push(timeline_entry(app, order, rec));
            } else {
                carry_out(tx, app, order, effect, rec).await?;
            }
        }
    }
    if !timeline.is_empty() {
        tx.append_timeline_batch(&timeline).await?;
    }
    Ok(())
}

/// Carries out one effect other than the timeline entry.
async fn carry_out(
    tx: &mut dyn Tx,
    app: &App,
    order: &Order,
    effect: OrderEffect,
    rec: &EventRecord,
) -> AppResult<()> {
    let now = app.clock.now();
    match effect {
        OrderEffect::RecordTimeline => {
            record_in(tx, app, order, rec).await?;
        }
        OrderEffect::PlaceFactoryOrder => {
            let job = AppJob::PlaceFactoryOrder {
                order_id: order.id.clone(),
            }
            .to_new_job(now, &app.settings)?;
            tx.enqueue_job(&job, now).await?;
        }
        OrderEffect::Notify(kind) => {
            let Some(detail) = &rec.detail else {
                return Ok(());
            };
            let customer = tx
                .find_account(&order.customer_id)
                .await?
                .ok_or(AppError::NotFound)?;
            notify_in(
                tx,
                app,
                &customer,
                Some(&order.id),
                kind,
                &notification_key(order, kind, rec),
                detail.for_kind(kind),
            )
            .await?;
        }
        OrderEffect::AlertStaff(kind) => {
            raise_alert_in(tx, app, order, kind, &rec.alert_message).await?;
        }
        OrderEffect::RequestFinalPayment => {
            crate::delivery::final_payment::schedule_in(tx, app, order).await?;
        }
        OrderEffect::StartRegistration => {
            let job = AppJob::RegisterVehicle {
                order_id: order.id.clone(),
            };
            enqueue(tx, app, job).await?;
        }
        OrderEffect::BookDelivery => {
            let job = AppJob::BookDelivery {
                order_id: order.id.clone(),
            };
            enqueue(tx, app, job).await?;
        }
        OrderEffect::HandoverCheck => {
            let job = AppJob::HandoverCheck {
                order_id: order.id.clone(),
            };
            enqueue(tx, app, job).await?;
        }
        OrderEffect::ReleaseVehicle => {
            crate::delivery::stock::release_vehicle_in(tx, app, order).await?;
            crate::delivery::senal_refund::schedule_in(tx, app, order).await?;
        }
        OrderEffect::RefundSenal => {
            crate::delivery::senal_refund::refund_in(tx, app, order).await?;
        }
    }
    Ok(())
}

/// The dedupe key of the notification `kind` of `rec`: one per fact.
pub fn notification_key(order: &Order, kind: NotificationKind, rec: &EventRecord) -> String {
    match &rec.fact {
        Some(fact) => format!("{}:{}:{fact}", order.id, kind.as_str()),
        None => format!("{}:{}", rec.dedupe_key, kind.as_str()),
    }
}

/// Enqueues `job` due now.
pub async fn enqueue(tx: &mut dyn Tx, app: &App, job: AppJob) -> AppResult<()> {
    let now = app.clock.now();
    tx.enqueue_job(&job.to_new_job(now, &app.settings)?, now)
        .await?;
    Ok(())
}

/// Raises a staff alert about `order` unless the same one is open.
pub async fn raise_alert_in(
    tx: &mut dyn Tx,
    app: &App,
    order: &Order,
    kind: &str,
    message: &str,
) -> AppResult<bool> {
    let a = StaffAlert {
        id: AlertId::new(),
        dealership_id: Some(order.dealership_id.clone()),
        order_id: Some(order.id.clone()),
        kind: kind.to_owned(),
        message: message.to_owned(),
        dedupe_key: format!("{kind}:{}", order.id),
        created_at: app.clock.now(),
        resolved_at: None,
        resolved_by: None,
    };
    let new = tx.insert_alert(&a).await?;
    if new {
        tracing::warn!(order = %order.id, kind, "staff alert raised");
    }
    Ok(new)
}

/// Appends a timeline entry that is not a state transition.
pub async fn record_in(
    tx: &mut dyn Tx,
    app: &App,
    order: &Order,
    rec: &EventRecord,
) -> AppResult<bool> {
    Ok(tx.append_timeline(&timeline_entry(app, order, rec)).await?)
}

/// The timeline entry `rec` describes.
fn timeline_entry(app: &App, order: &Order, rec: &EventRecord) -> TimelineEntry {
    TimelineEntry {
        id: TimelineId::new(),
        order_id: order.id.clone(),
        at: rec.at,
        kind: rec.kind.clone(),
        data: rec.data.clone(),
        dedupe_key: rec.dedupe_key.clone(),
        recorded_at: app.clock.now(),
    }
}
