//! Recording what the gateway said about a payment, from a synchronous
//! answer, a resolved retry or a webhook: never regressing, and on the
//! first capture issuing the invoice and moving the order exactly once.

use crate::error::{AppError, AppResult};
use crate::notify::texts::Detail;
use crate::orders::effects::{apply_order_event_in, EventRecord};
use crate::payments::invoices::issue_invoice_in;
use crate::App;
use caas_domain::ids::PaymentId;
use caas_domain::notification::NotificationKind;
use caas_domain::order_flow::OrderEvent;
use caas_domain::payment::{GatewayOutcome, Payment, PaymentKind};
use serde_json::json;

/// Applies `outcome` to the payment (with the gateway `sequence` for
/// webhooks, which must be newer than the last one applied).
pub async fn record_outcome(
    app: &App,
    id: &PaymentId,
    outcome: &GatewayOutcome,
    intent: Option<&str>,
    sequence: Option<i64>,
) -> AppResult<Payment> {
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    // Locked: an answer, a resolving job and a webhook about one payment may
    // arrive together; the second waits and finds the first one's result.
    let mut p = tx
        .find_payment_for_update(id)
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(seq) = sequence {
        if seq <= p.last_sequence {
            return Ok(p);
        }
        p.last_sequence = seq;
    }
    if p.intent_id.is_none() {
        p.intent_id = intent.map(str::to_owned);
    }
    let was_settled = p.state == caas_domain::payment::PaymentState::Settled;
    let captured_now = match p.apply(outcome, now) {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(payment = %id, error = %e, "gateway news ignored");
            false
        }
    };
    p.version += 1;
    if !tx.update_payment(&p).await? {
        // Only a writer outside this row lock could get here first.
        return Err(AppError::Conflict("the payment changed meanwhile".into()));
    }
    if captured_now && p.kind == PaymentKind::Senal {
        let mut order = tx
            .find_order(&p.order_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let invoice = issue_invoice_in(&mut *tx, app, &order, &p).await?;
        let rec = EventRecord {
            kind: caas_domain::timeline::TimelineKind::SenalPaid,
            at: now,
            data: json!({"payment": p.id, "amount": p.amount, "invoice": invoice.number, "channel": p.channel}),
            dedupe_key: format!("senal:{}", p.id),
            detail: Some(Detail::PaymentConfirmed {
                amount: p.amount,
                what_es: "señal",
                what_en: "reservation deposit",
            }),
            alert_message: String::new(),
            fact: None,
        };
        if order.from_stock {
            // SALE-6: the vehicle is already here; the final payment is due now.
            crate::delivery::final_payment::set_terms(app, &mut order, now)?;
            // One fact, two matrix rows: the señal is confirmed and the
            // final payment is due.
            let paid = rec.detail.clone();
            let available = crate::delivery::final_payment::available_detail(&order);
            let rec = EventRecord {
                detail: Some(Detail::PerKind(
                    paid.map(|d| (NotificationKind::PaymentConfirmed, d))
                        .into_iter()
                        .chain([(NotificationKind::VehicleAvailable, available)])
                        .collect(),
                )),
                ..rec
            };
            let ev =
                OrderEvent::Delivery(caas_domain::order_flow::DeliveryEvent::StockSenalCaptured);
            apply_order_event_in(&mut *tx, app, &mut order, &ev, &rec).await?;
        } else {
            apply_order_event_in(&mut *tx, app, &mut order, &OrderEvent::SenalCaptured, &rec)
                .await?;
        }
    }
    if p.kind == PaymentKind::Final {
        let settled_now = !was_settled && p.state == caas_domain::payment::PaymentState::Settled;
        crate::delivery::final_payment::on_final_payment_in(
            &mut *tx,
            app,
            &p,
            captured_now,
            settled_now,
        )
        .await?;
    }
    if let (GatewayOutcome::Declined { code, .. }, caas_domain::payment::PaymentState::Declined) =
        (outcome, p.state)
    {
        let order = tx
            .find_order(&p.order_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let rec = EventRecord {
            kind: caas_domain::timeline::TimelineKind::PaymentDeclined,
            at: now,
            data: json!({"payment": p.id, "decline_code": code}),
            dedupe_key: format!("declined:{}", p.id),
            detail: None,
            alert_message: String::new(),
            fact: None,
        };
        crate::orders::effects::record_in(&mut *tx, app, &order, &rec).await?;
    }
    tx.append_audit(
        &caas_domain::audit::AuditEntry::new(now, "gateway", "payment.outcome")
            .subject(p.order_id.to_string())
            .details(json!({"payment": p.id, "state": p.state, "intent": p.intent_id, "outcome": format!("{outcome:?}")})),
    )
    .await?;
    tx.commit().await?;
    app.wake_jobs();
    Ok(p)
}
