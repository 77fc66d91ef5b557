//! The final payment (PAY-3..6): terms set when the vehicle is available
//! (price minus señal, deadline), reminders and the deadline as durable
//! timed jobs, capture issuing the invoice, and the gateway's settlement —
//! only settlement — completing it and starting the registration.

use crate::error::{AppError, AppResult};
use crate::jobs::AppJob;
use crate::notify::texts::{money, Detail};
use crate::orders::effects::{apply_order_event_in, raise_alert_in, record_in, EventRecord};
use crate::payments::invoices::issue_invoice_in;
use crate::App;
use caas_domain::account::Language;
use caas_domain::ids::OrderId;
use caas_domain::notification::NotificationKind;
use caas_domain::order::{Order, OrderState};
use caas_domain::order_delivery::FinalPaymentTerms;
use caas_domain::order_flow::{DeliveryEvent, OrderEvent};
use caas_domain::payment::{Payment, PaymentKind, PaymentState};
use caas_domain::ports::Tx;
use chrono::{DateTime, Utc};
use serde_json::json;

/// Sets the final-payment terms on `order` (called before it is written).
pub fn set_terms(app: &App, order: &mut Order, now: DateTime<Utc>) -> AppResult<()> {
    if order.final_payment.is_some() {
        return Ok(());
    }
    let amount = caas_domain::order_policy::final_amount(order)?;
    order.final_payment = Some(FinalPaymentTerms {
        amount,
        requested_at: now,
        deadline: now + app.settings.final_payment_window,
        settled_at: None,
    });
    Ok(())
}

/// Schedules the reminders and the deadline of the order's terms.
pub async fn schedule_in(tx: &mut dyn Tx, app: &App, order: &Order) -> AppResult<()> {
    let Some(terms) = &order.final_payment else {
        return Ok(());
    };
    let now = app.clock.now();
    for before in &app.settings.final_payment_reminders {
        let at = terms.deadline - *before;
        if at > now {
            let job = AppJob::FinalPaymentReminder {
                order_id: order.id.clone(),
                days_before: before.num_days(),
            };
            tx.enqueue_job(&job.to_new_job(at, &app.settings)?, now)
                .await?;
        }
    }
    let job = AppJob::FinalPaymentDeadline {
        order_id: order.id.clone(),
    };
    tx.enqueue_job(&job.to_new_job(terms.deadline, &app.settings)?, now)
        .await?;
    Ok(())
}

/// The text of the availability notice (PAY-3) for `order`.
pub fn available_detail(order: &Order) -> Detail {
    let (amount, deadline) = order
        .final_payment
        .as_ref()
        .map(|t| (t.amount, t.deadline))
        .unwrap_or((order.plan.vehicle_price, Utc::now()));
    let day_es = deadline.format("%d/%m/%Y").to_string();
    let day_en = deadline.format("%-d %B %Y").to_string();
    Detail::text(
        (
            "Tu vehículo está en el concesionario",
            format!(
                "Ya puedes pagar el importe final de {} antes del {day_es}, en tu expediente o en el concesionario.",
                money(amount, Language::Es)
            ),
        ),
        (
            "Your vehicle is at the dealership",
            format!(
                "You can now pay the final amount of {} before {day_en}, in your purchase file or at the dealership.",
                money(amount, Language::En)
            ),
        ),
    )
}

/// What a final payment's capture or settlement does to its order.
pub async fn on_final_payment_in(
    tx: &mut dyn Tx,
    app: &App,
    p: &Payment,
    captured_now: bool,
    settled_now: bool,
) -> AppResult<()> {
    let now = app.clock.now();
    let mut order = tx
        .find_order(&p.order_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if captured_now {
        let invoice = issue_invoice_in(tx, app, &order, p).await?;
        let rec = EventRecord {
            kind: caas_domain::timeline::TimelineKind::FinalPaymentCaptured,
            at: now,
            data: json!({"payment": p.id, "amount": p.amount, "invoice": invoice.number, "channel": p.channel}),
            dedupe_key: format!("final-captured:{}", p.id),
            detail: None,
            alert_message: String::new(),
            fact: None,
        };
        record_in(tx, app, &order, &rec).await?;
    }
    if settled_now && order.state == OrderState::AwaitingFinalPayment {
        if let Some(t) = order.final_payment.as_mut() {
            t.settled_at = Some(now);
        }
        let rec = EventRecord {
            kind: caas_domain::timeline::TimelineKind::FinalPaymentSettled,
            at: now,
            data: json!({"payment": p.id, "amount": p.amount}),
            dedupe_key: format!("final-settled:{}", p.id),
            detail: Some(Detail::PaymentConfirmed {
                amount: p.amount,
                what_es: "pago final",
                what_en: "final payment",
            }),
            alert_message: String::new(),
            fact: None,
        };
        let ev = OrderEvent::Delivery(DeliveryEvent::FinalPaymentSettled);
        apply_order_event_in(tx, app, &mut order, &ev, &rec).await?;
    }
    if p.state == PaymentState::SettlementFailed {
        raise_alert_in(
            tx,
            app,
            &order,
            "final_payment_settlement_failed",
            &format!(
                "The final payment {} of order {} failed to settle ({}); the order stays awaiting its final payment.",
                p.id,
                order.id,
                p.failure_message.clone().unwrap_or_default()
            ),
        )
        .await?;
    }
    Ok(())
}

/// Whether a final payment is captured and waiting for settlement.
async fn settling(tx: &mut dyn Tx, order: &Order) -> AppResult<bool> {
    let payments = tx.list_payments_for_order(&order.id).await?;
    Ok(payments.iter().any(|p| {
        p.kind == PaymentKind::Final
            && matches!(p.state, PaymentState::Captured | PaymentState::Settled)
    }))
}

/// The reminder job: notifies if the final payment is still due.
#[tracing::instrument(skip_all, fields(order = %order_id, days_before))]
pub async fn remind(app: &App, order_id: &OrderId, days_before: i64) -> anyhow::Result<()> {
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    let Some(order) = tx.find_order(order_id).await? else {
        return Ok(());
    };
    if order.state != OrderState::AwaitingFinalPayment || settling(&mut *tx, &order).await? {
        return Ok(());
    }
    let Some(terms) = order.final_payment.clone() else {
        return Ok(());
    };
    let customer = tx
        .find_account(&order.customer_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let day_es = terms.deadline.format("%d/%m/%Y").to_string();
    let day_en = terms.deadline.format("%-d %B %Y").to_string();
    let detail = Detail::text(
        (
            "Recordatorio: pago final pendiente",
            format!(
                "Quedan {days_before} días para pagar {} (hasta el {day_es}). Si no, la reserva se pierde.",
                money(terms.amount, Language::Es)
            ),
        ),
        (
            "Reminder: final payment due",
            format!(
                "{days_before} days left to pay {} (until {day_en}). Otherwise the reservation is lost.",
                money(terms.amount, Language::En)
            ),
        ),
    );
    crate::notify::notify_in(
        &mut *tx,
        app,
        &customer,
        Some(&order.id),
        NotificationKind::FinalPaymentReminder,
        &format!("final-reminder:{}:{days_before}", order.id),
        &detail,
    )
    .await?;
    let rec = EventRecord {
        kind: caas_domain::timeline::TimelineKind::FinalPaymentReminder,
        at: now,
        data: json!({"days_before": days_before, "deadline": terms.deadline}),
        dedupe_key: format!("final-reminder:{}:{days_before}", order.id),
        detail: None,
        alert_message: String::new(),
        fact: None,
    };
    record_in(&mut *tx, app, &order, &rec).await?;
    tx.commit().await?;
    app.wake_jobs();
    Ok(())
}

/// The deadline job (PAY-5): loses the reservation if the final payment is
/// not complete. A payment captured and waiting for settlement postpones the
/// decision by a day (the customer has paid; the bank is slow).
#[tracing::instrument(skip_all, fields(order = %order_id))]
pub async fn deadline(app: &App, order_id: &OrderId) -> anyhow::Result<()> {
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    let Some(mut order) = tx.find_order(order_id).await? else {
        return Ok(());
    };
    let Some(terms) = order.final_payment.clone() else {
        return Ok(());
    };
    if order.state != OrderState::AwaitingFinalPayment {
        return Ok(());
    }
    if now < terms.deadline {
        let job = AppJob::FinalPaymentDeadline {
            order_id: order.id.clone(),
        };
        tx.enqueue_job(&job.to_new_job(terms.deadline, &app.settings)?, now)
            .await?;
        tx.commit().await?;
        return Ok(());
    }
    if settling(&mut *tx, &order).await? {
        let job = AppJob::FinalPaymentDeadline {
            order_id: order.id.clone(),
        };
        tx.enqueue_job(
            &job.to_new_job(now + chrono::Duration::days(1), &app.settings)?,
            now,
        )
        .await?;
        tx.commit().await?;
        return Ok(());
    }
    let rec = crate::delivery::stock::lost_record(app, &order, "deadline", now);
    let ev = OrderEvent::Delivery(DeliveryEvent::DeadlinePassed);
    apply_order_event_in(&mut *tx, app, &mut order, &ev, &rec).await?;
    tx.append_audit(
        &caas_domain::audit::AuditEntry::new(now, "system", "order.reservation_lost")
            .subject(order.id.to_string())
            .details(rec.data.clone()),
    )
    .await?;
    tx.commit().await?;
    app.wake_jobs();
    tracing::warn!(order = %order_id, "final-payment deadline passed: reservation lost");
    Ok(())
}
