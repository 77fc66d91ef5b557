//! Señal refunds: under the policy `refunded` (PAY-5) when a reservation is
//! lost, and always when staff cancel a sale whose factory order was refused
//! (SPEC §4.1). A durable job refunds the captured señal through the gateway
//! under one idempotency key per order (a retry after a lost answer gets the
//! same refund back, so money moves once). The gateway's `refund.succeeded` /
//! `refund.failed` webhook closes it: the customer is told of a refund done,
//! a failure alerts staff.

use crate::error::AppResult;
use crate::jobs::AppJob;
use crate::notify::texts::Detail;
use crate::orders::effects::{raise_alert_in, record_in, EventRecord};
use crate::settings::SenalPolicy;
use crate::App;
use caas_domain::ids::OrderId;
use caas_domain::ids::RefundId;
use caas_domain::notification::NotificationKind;
use caas_domain::order::{Order, OrderState};
use caas_domain::order_delivery::SenalRefund;
use caas_domain::partners::{PaymentCallError, RefundRequest};
use caas_domain::payment::Payment;
use caas_domain::payment::{PaymentKind, PaymentState};
use caas_domain::ports::Tx;
use caas_domain::records::{Refund, RefundState};
use caas_domain::timeline::TimelineKind;
use chrono::{DateTime, Utc};
use serde_json::json;

/// The idempotency key of an order's señal refund.
pub fn refund_key(order: &OrderId) -> String {
    format!("refund-senal-{order}")
}

/// Part of the lost-reservation effect: enqueues the refund when the
/// configured policy is `refunded`.
pub async fn schedule_in(tx: &mut dyn Tx, app: &App, order: &Order) -> AppResult<()> {
    if app.settings.senal_on_reservation_lost != SenalPolicy::Refunded {
        return Ok(());
    }
    refund_in(tx, app, order).await
}

/// Enqueues the refund of the order's captured señal.
pub async fn refund_in(tx: &mut dyn Tx, app: &App, order: &Order) -> AppResult<()> {
    let now = app.clock.now();
    let job = AppJob::RefundSenal {
        order_id: order.id.clone(),
    };
    tx.enqueue_job(&job.to_new_job(now, &app.settings)?, now)
        .await?;
    Ok(())
}

/// Job: asks the gateway to refund the captured señal (once per order).
#[tracing::instrument(skip_all, fields(order = %order_id))]
pub async fn refund_senal(app: &App, order_id: &OrderId) -> anyhow::Result<()> {
    let (order, senal) = {
        let mut tx = app.store.read().await?;
        let Some(order) = tx.find_order(order_id).await? else {
            return Ok(());
        };
        let senal = tx
            .list_payments_for_order(order_id)
            .await?
            .into_iter()
            .find(|p| {
                p.kind == PaymentKind::Senal
                    && matches!(p.state, PaymentState::Captured | PaymentState::Settled)
            });
        (order, senal)
    };
    if order
        .senal_refund
        .as_ref()
        .is_some_and(|r| r.refund_id.is_some())
    {
        return Ok(());
    }
    let Some((senal, intent)) = senal.and_then(|p| p.intent_id.clone().map(|i| (p, i))) else {
        tracing::warn!("no captured señal to refund");
        return Ok(());
    };
    let gateway = app
        .partners
        .payments
        .clone()
        .ok_or_else(|| anyhow::anyhow!("no payment gateway configured"))?;
    let req = RefundRequest {
        intent_id: intent,
        amount: Some(senal.amount),
        reason: "other".into(),
        metadata: [
            ("order".to_owned(), order_id.to_string()),
            ("payment".to_owned(), senal.id.to_string()),
        ]
        .into(),
    };
    let now = app.clock.now();
    // The refund row first: the database refuses it unless the señal is
    // captured and not yet refunded, so the gateway is asked only then.
    record_refund_row(app, &order, &senal, now).await?;
    let (refund_id, state, failure) = match gateway.refund(&req, &refund_key(order_id)).await {
        Ok(r) => (Some(r.refund_id), r.state, r.failure_reason),
        Err(PaymentCallError::Invalid { code, message }) => (
            None,
            RefundState::Failed,
            Some(format!("{code}: {message}")),
        ),
        Err(e) => return Err(e.into()),
    };
    let status = match state {
        RefundState::Requested => "pending",
        RefundState::Succeeded => "succeeded",
        RefundState::Failed => "failed",
    }
    .to_owned();
    let mut tx = app.store.begin().await?;
    let Some(mut order) = tx.find_order(order_id).await? else {
        return Ok(());
    };
    order.senal_refund = Some(SenalRefund {
        refund_id: refund_id.clone(),
        amount: senal.amount,
        status: status.clone(),
        requested_at: now,
        finished_at: None,
        failure: failure.clone(),
    });
    save(&mut *tx, &mut order, now).await?;
    update_refund_row(
        &mut *tx,
        order_id,
        refund_id.clone(),
        state,
        failure.clone(),
        now,
    )
    .await?;
    let rec = EventRecord {
        kind: TimelineKind::SenalRefundRequested,
        at: now,
        data: json!({"refund_id": refund_id, "amount": senal.amount, "status": status, "failure": failure}),
        dedupe_key: format!("senal-refund-requested:{order_id}"),
        detail: None,
        alert_message: String::new(),
        fact: None,
    };
    record_in(&mut *tx, app, &order, &rec).await?;
    if refund_id.is_none() {
        let msg = format!(
            "The gateway refused the señal refund: {}",
            failure.unwrap_or_default()
        );
        raise_alert_in(&mut *tx, app, &order, "senal_refund_failed", &msg).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Records the señal refund as a row tied to the captured payment, once
/// (by its idempotency key); the store refuses it when nothing is left to
/// refund, and then the gateway is not called.
async fn record_refund_row(
    app: &App,
    order: &Order,
    senal: &Payment,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let key = refund_key(&order.id);
    let mut tx = app.store.begin().await?;
    if tx.find_refund_by_key(&key).await?.is_some() {
        return Ok(());
    }
    let reason = if order.state == OrderState::Cancelled {
        "senal_sale_cancelled"
    } else {
        "senal_reservation_lost"
    };
    tx.insert_refund(&Refund {
        id: RefundId::new(),
        payment_id: senal.id.clone(),
        order_id: order.id.clone(),
        customer_id: order.customer_id.clone(),
        amount: senal.amount,
        state: RefundState::Requested,
        reason: reason.to_owned(),
        idempotency_key: key,
        gateway_refund_id: None,
        failure: None,
        version: 0,
        created_at: now,
        updated_at: now,
    })
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Writes the gateway's answer on the order's señal refund row.
async fn update_refund_row(
    tx: &mut dyn Tx,
    order_id: &OrderId,
    gateway_refund_id: Option<String>,
    state: RefundState,
    failure: Option<String>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let Some(mut r) = tx.find_refund_by_key(&refund_key(order_id)).await? else {
        // A refund asked of the gateway before refunds were rows.
        return Ok(());
    };
    r.gateway_refund_id = gateway_refund_id.or(r.gateway_refund_id);
    r.state = state;
    r.failure = failure;
    r.version += 1;
    r.updated_at = now;
    if !tx.update_refund(&r).await? {
        anyhow::bail!("refund {} changed meanwhile", r.id);
    }
    Ok(())
}

async fn save(tx: &mut dyn Tx, order: &mut Order, now: DateTime<Utc>) -> anyhow::Result<()> {
    order.version += 1;
    order.updated_at = now;
    if !tx.update_order(order).await? {
        anyhow::bail!("order {} changed meanwhile", order.id);
    }
    Ok(())
}

/// What a refund webhook did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundNews {
    /// Recorded (or already recorded).
    Applied,
    /// Our refund job has not recorded the refund yet: try again later.
    NotYet,
    /// Not a señal refund of this order.
    NotOurs,
}

/// Applies `refund.succeeded` / `refund.failed` for the señal refund of the
/// order owning `refund_id`'s intent.
#[tracing::instrument(skip_all, fields(order = %order_id))]
pub async fn on_refund_event(
    app: &App,
    order_id: &OrderId,
    refund_id: &str,
    succeeded: bool,
    failure: Option<String>,
) -> anyhow::Result<RefundNews> {
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    let Some(mut order) = tx.find_order(order_id).await? else {
        return Ok(RefundNews::NotOurs);
    };
    let Some(refund) = order
        .senal_refund
        .as_mut()
        .filter(|r| r.refund_id.is_some())
    else {
        let expected = order.state == OrderState::Cancelled
            || (app.settings.senal_on_reservation_lost == SenalPolicy::Refunded
                && order.state == OrderState::ReservationLost);
        return Ok(if expected {
            RefundNews::NotYet
        } else {
            RefundNews::NotOurs
        });
    };
    if refund.refund_id.as_deref() != Some(refund_id) {
        return Ok(RefundNews::NotOurs);
    }
    if refund.finished_at.is_some() {
        return Ok(RefundNews::Applied);
    }
    refund.status = if succeeded { "succeeded" } else { "failed" }.into();
    refund.finished_at = Some(now);
    refund.failure = failure.clone();
    let amount = refund.amount;
    save(&mut *tx, &mut order, now).await?;
    let state = if succeeded {
        RefundState::Succeeded
    } else {
        RefundState::Failed
    };
    update_refund_row(
        &mut *tx,
        order_id,
        Some(refund_id.to_owned()),
        state,
        failure.clone(),
        now,
    )
    .await?;
    let rec = EventRecord {
        kind: if succeeded {
            TimelineKind::SenalRefunded
        } else {
            TimelineKind::SenalRefundFailed
        },
        at: now,
        data: json!({"refund_id": refund_id, "amount": amount, "failure": failure}),
        dedupe_key: format!("senal-refund:{refund_id}"),
        detail: succeeded.then(|| {
            Detail::text(
                (
                    "Señal devuelta",
                    format!("Hemos devuelto tu señal ({amount}) a tu tarjeta."),
                ),
                (
                    "Deposit refunded",
                    format!("We have refunded your deposit ({amount}) to your card."),
                ),
            )
        }),
        alert_message: String::new(),
        fact: None,
    };
    record_in(&mut *tx, app, &order, &rec).await?;
    if let Some(detail) = &rec.detail {
        let customer = tx
            .find_account(&order.customer_id)
            .await?
            .ok_or(crate::error::AppError::NotFound)?;
        let key = format!("{}:refund_done:{refund_id}", order.id);
        crate::notify::notify_in(
            &mut *tx,
            app,
            &customer,
            Some(&order.id),
            NotificationKind::RefundDone,
            &key,
            detail,
        )
        .await?;
    }
    if !succeeded {
        let msg = format!(
            "The señal refund {refund_id} failed: {}",
            failure.unwrap_or_default()
        );
        raise_alert_in(&mut *tx, app, &order, "senal_refund_failed", &msg).await?;
    }
    tx.commit().await?;
    Ok(RefundNews::Applied)
}
