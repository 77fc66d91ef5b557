//! The purchase's money (PAY-7, PAY-8, PAY-9, PAY-12): a manual-capture
//! authorisation before any command, the capture only once the car
//! confirmed, the void when activation failed for good. Each call carries a
//! key derived from the purchase, so repeating it after a crash or a lost
//! answer is the same call and money moves once. A capture is written
//! with the service's invoice, in one transaction.

use super::{activation, apply, save, Next};
use crate::App;
use caas_domain::partners::{
    AuthorizationState, CancelError, CancelReason, CaptureError, ChargeRequest, PaymentCallError,
    PaymentGateway,
};
use caas_domain::purchase::flow::PurchaseEvent;
use caas_domain::purchase::{Purchase, PurchasePayment, PurchaseState, ServicePaymentState};
use std::collections::BTreeMap;
use std::sync::Arc;

fn gateway(app: &App) -> anyhow::Result<Arc<dyn PaymentGateway>> {
    app.partners
        .payments
        .clone()
        .ok_or_else(|| anyhow::anyhow!("no payment gateway configured"))
}

/// How long to wait for a `processing` authorisation before asking again.
const PROCESSING_RECHECK: chrono::Duration = chrono::Duration::seconds(5);

/// AUTHORIZING: authorise (or read back the authorisation of) the price.
pub(super) async fn authorize(app: &App, mut p: Purchase) -> anyhow::Result<Next> {
    let before = p.state;
    let gw = gateway(app)?;
    let answer = match &p.payment.intent_id {
        Some(intent) => match gw.find_authorization(intent).await? {
            Some(a) => Ok(a),
            None => anyhow::bail!("the gateway does not know intent {intent}"),
        },
        None => {
            let mut metadata = BTreeMap::new();
            metadata.insert("purpose".to_owned(), "service".to_owned());
            metadata.insert("purchase".to_owned(), p.id.to_string());
            metadata.insert("order_reference".to_owned(), p.order_id.to_string());
            let req = ChargeRequest {
                amount: p.item.price,
                customer_reference: p.customer_id.to_string(),
                payment_method: p.payment.payment_method.clone(),
                description: format!("{} · {}", p.item.option_name.es, p.vin),
                metadata,
            };
            gw.authorize(&req, &PurchasePayment::authorize_key(&p.id))
                .await
        }
    };
    let now = app.clock.now();
    match answer {
        Ok(a) => {
            p.payment.intent_id = Some(a.intent_id);
            match a.state {
                AuthorizationState::Authorized { expires_at } => {
                    p.payment.state = ServicePaymentState::Authorized;
                    p.payment.authorization_expires_at = expires_at;
                    apply(&mut p, PurchaseEvent::Authorized, "authorized", now);
                    activation::new_enable(&mut p, None, app);
                }
                AuthorizationState::Captured => {
                    anyhow::bail!("a manual-capture intent was captured without us")
                }
                AuthorizationState::Processing => {
                    save(app, &mut p, before).await?;
                    return Ok(Next::WakeAt(now + PROCESSING_RECHECK));
                }
                AuthorizationState::Declined { decline_code, .. } => {
                    p.payment.state = ServicePaymentState::Declined;
                    p.reason = Some(format!("card_declined:{decline_code}"));
                    p.payment.decline_code = Some(decline_code);
                    apply(&mut p, PurchaseEvent::Declined, "card_declined", now);
                }
                AuthorizationState::Canceled { .. } | AuthorizationState::Expired => {
                    p.payment.state = ServicePaymentState::Declined;
                    p.payment.decline_code = Some("canceled".into());
                    p.reason = Some("payment_canceled".into());
                    apply(&mut p, PurchaseEvent::Declined, "payment_canceled", now);
                }
            }
        }
        Err(PaymentCallError::Declined {
            decline_code,
            intent_id,
            ..
        }) => {
            p.payment.intent_id = intent_id.or(p.payment.intent_id.take());
            p.payment.state = ServicePaymentState::Declined;
            p.reason = Some(format!("card_declined:{decline_code}"));
            p.payment.decline_code = Some(decline_code);
            apply(&mut p, PurchaseEvent::Declined, "card_declined", now);
        }
        Err(PaymentCallError::Invalid { code, .. }) => {
            p.payment.state = ServicePaymentState::Declined;
            p.reason = Some(code.clone());
            p.payment.decline_code = Some(code);
            apply(
                &mut p,
                PurchaseEvent::Declined,
                "payment_method_invalid",
                now,
            );
        }
        Err(PaymentCallError::Call(e)) => return Err(e.into()),
    }
    save(app, &mut p, before).await?;
    Ok(Next::Continue)
}

/// ACTIVE with the money still authorised: capture it (once, under its key).
/// An authorisation that lapsed leaves the feature on and a debt (PAY-9).
pub(super) async fn capture(app: &App, mut p: Purchase) -> anyhow::Result<Next> {
    if p.payment.state != ServicePaymentState::Authorized {
        return Ok(Next::Continue);
    }
    let Some(intent) = p.payment.intent_id.clone() else {
        anyhow::bail!("authorised purchase {} without an intent", p.id);
    };
    let before = p.state;
    match gateway(app)?
        .capture(
            &intent,
            Some(p.item.price),
            &PurchasePayment::capture_key(&p.id),
        )
        .await
    {
        Ok(_) => p.payment.state = ServicePaymentState::Captured,
        Err(CaptureError::NotCapturable { status }) => {
            tracing::warn!(purchase = %p.id, %status, "capture refused after activation: debt for finance");
            p.payment.state = ServicePaymentState::Debt;
            p.reason = Some(format!("capture_failed:{status}"));
        }
        Err(CaptureError::Call(e)) => return Err(e.into()),
    }
    p.history.push(caas_domain::purchase::PurchaseStep {
        at: app.clock.now(),
        state: p.state,
        note: match p.payment.state {
            ServicePaymentState::Captured => "captured".into(),
            _ => "capture_failed".into(),
        },
    });
    if p.payment.state != ServicePaymentState::Captured {
        save(app, &mut p, before).await?;
        return Ok(Next::Continue);
    }
    // The capture and its invoice are one write (PAY-14): a crash before the
    // commit repeats the capture under its key and issues the invoice then.
    p.version += 1;
    p.updated_at = app.clock.now();
    let mut tx = app.store.begin().await?;
    if tx.update_purchase(&p).await? {
        crate::purchases::invoice::issue_service_invoice_in(&mut *tx, app, &p).await?;
        tx.commit().await?;
    }
    Ok(Next::Continue)
}

/// FAILED_NOT_CHARGED with the money still authorised: void it.
pub(super) async fn void(app: &App, mut p: Purchase) -> anyhow::Result<Next> {
    if p.payment.state != ServicePaymentState::Authorized {
        return Ok(Next::Idle);
    }
    let Some(intent) = p.payment.intent_id.clone() else {
        anyhow::bail!("authorised purchase {} without an intent", p.id);
    };
    let before = p.state;
    match gateway(app)?
        .cancel(
            &intent,
            CancelReason::ActivationFailed,
            &PurchasePayment::void_key(&p.id),
        )
        .await
    {
        Ok(()) => p.payment.state = ServicePaymentState::Voided,
        Err(CancelError::AlreadyCaptured) => {
            anyhow::bail!(
                "intent {intent} of failed purchase {} was captured: refund needed",
                p.id
            )
        }
        Err(CancelError::Call(e)) => return Err(e.into()),
    }
    p.history.push(caas_domain::purchase::PurchaseStep {
        at: app.clock.now(),
        state: PurchaseState::FailedNotCharged,
        note: "voided".into(),
    });
    save(app, &mut p, before).await?;
    Ok(Next::Idle)
}
