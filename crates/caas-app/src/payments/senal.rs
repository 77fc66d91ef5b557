//! Paying the señal (PAY-1/2/12): at the dealership by staff with a card
//! token, or online by the customer. The payment row and its idempotency key
//! are committed before the gateway is called, so a double submit, a lost
//! answer or a crash never charges twice; capture issues the invoice and
//! moves the order (which places the factory order).

use crate::context::RequestContext;
use crate::error::{AppError, AppResult};
use crate::jobs::AppJob;
use crate::payments::outcome::record_outcome;
use crate::App;
use caas_domain::account::{Account, Role};
use caas_domain::audit::AuditEntry;
use caas_domain::ids::{OrderId, PaymentId};
use caas_domain::job::Job;
use caas_domain::order::OrderState;
use caas_domain::partners::{CallError, ChargeRequest, PaymentCallError};
use caas_domain::payment::{GatewayOutcome, Payment, PaymentChannel, PaymentKind, PaymentState};
use caas_domain::staff_policy::{handles_deliveries, manages_sales};
use std::collections::BTreeMap;

/// A señal payment request.
#[derive(Debug, Clone)]
pub struct SenalIn {
    /// The order.
    pub order_id: OrderId,
    /// Card token from the gateway's hosted form (`tok_…`) or a saved `pm_…`.
    pub payment_method: String,
    /// Key of this submission (a form field): a double submit reuses it.
    pub attempt_key: String,
}

/// Pays the señal of an order. `payer` is staff of the order's dealership
/// (at the dealership) or the order's customer (online).
#[tracing::instrument(skip_all, fields(order = %input.order_id, payer = %payer.id))]
pub async fn pay_senal(
    app: &App,
    ctx: &RequestContext,
    payer: &Account,
    input: &SenalIn,
) -> AppResult<Payment> {
    pay_order(app, ctx, payer, input, PaymentKind::Senal).await
}

/// Pays the final payment (PAY-3/4) of an order awaiting it: same rules as
/// the señal (key committed before the call, retries under the same key).
#[tracing::instrument(skip_all, fields(order = %input.order_id, payer = %payer.id))]
pub async fn pay_final(
    app: &App,
    ctx: &RequestContext,
    payer: &Account,
    input: &SenalIn,
) -> AppResult<Payment> {
    pay_order(app, ctx, payer, input, PaymentKind::Final).await
}

async fn pay_order(
    app: &App,
    ctx: &RequestContext,
    payer: &Account,
    input: &SenalIn,
    kind: PaymentKind,
) -> AppResult<Payment> {
    let method = input.payment_method.trim();
    if !(method.starts_with("tok_") || method.starts_with("pm_")) || method.len() > 255 {
        return Err(AppError::Invalid {
            field: "payment_method".into(),
            message: "enter the card token from the payment form (tok_…)".into(),
        });
    }
    let attempt = input.attempt_key.trim();
    if attempt.is_empty()
        || attempt.len() > 100
        || !attempt
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(AppError::BadRequest(
            "missing or malformed attempt key".into(),
        ));
    }
    let prefix = if kind == PaymentKind::Final {
        "final"
    } else {
        "senal"
    };
    let key = format!("{prefix}-{}-{attempt}", input.order_id);
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    let (order, channel) = match payer.role {
        Role::Customer => (
            tx.find_order_for_customer(&payer.id, &input.order_id)
                .await?,
            PaymentChannel::Online,
        ),
        r if kind == PaymentKind::Final && handles_deliveries(r) => {
            let o = tx.find_order(&input.order_id).await?;
            let visible = o.filter(|o| {
                payer.role == Role::Admin || payer.dealership_id.as_ref() == Some(&o.dealership_id)
            });
            (visible, PaymentChannel::Dealership)
        }
        r if manages_sales(r) => {
            let o = tx.find_order(&input.order_id).await?;
            let visible = o.filter(|o| {
                payer.role == Role::Admin || payer.dealership_id.as_ref() == Some(&o.dealership_id)
            });
            (visible, PaymentChannel::Dealership)
        }
        _ => return Err(AppError::Forbidden),
    };
    let order = order.ok_or(AppError::NotFound)?;
    if let Some(existing) = tx.find_payment_by_key(&key).await? {
        return Ok(existing);
    }
    let amount = match kind {
        PaymentKind::Final => {
            let terms = order
                .final_payment
                .as_ref()
                .filter(|_| order.state == OrderState::AwaitingFinalPayment);
            let Some(terms) = terms else {
                return Err(AppError::Conflict(crate::refusal::Refusal::new(
                    "no_final_payment_due",
                    "Este pedido no tiene ningún pago final pendiente.",
                    "No final payment is due for this order.",
                )));
            };
            if app.clock.now() > terms.deadline {
                return Err(AppError::Conflict(crate::refusal::Refusal::new(
                    "final_payment_deadline_passed",
                    "El plazo del pago final ha vencido.",
                    "The final-payment deadline has passed.",
                )));
            }
            terms.amount
        }
        _ => {
            if order.state != OrderState::SaleRegistered {
                return Err(AppError::Conflict(crate::refusal::Refusal::new(
                    "senal_already_paid",
                    "La señal de este pedido ya está pagada.",
                    "The señal of this order is already paid.",
                )));
            }
            order.plan.senal
        }
    };
    let payment = Payment {
        id: PaymentId::new(),
        order_id: order.id.clone(),
        customer_id: order.customer_id.clone(),
        kind,
        amount,
        state: PaymentState::Created,
        channel,
        started_by: payer.id.clone(),
        payment_method: method.to_owned(),
        idempotency_key: key,
        intent_id: None,
        decline_code: None,
        failure_message: None,
        last_sequence: 0,
        version: 0,
        created_at: now,
        updated_at: now,
    };
    match tx.insert_payment(&payment).await {
        Ok(()) => {}
        Err(caas_domain::ports::StoreError::Conflict(_)) => {
            return Err(AppError::Conflict(crate::refusal::Refusal::new(
                "payment_in_progress",
                "Ya hay un pago de este importe en curso o hecho.",
                "A payment of this amount is already in progress or done.",
            )))
        }
        Err(e) => return Err(e.into()),
    }
    // Touch the order so a cancellation racing this payment conflicts.
    let mut claimed = order.clone();
    claimed.version += 1;
    claimed.updated_at = now;
    if !tx.update_order(&claimed).await? {
        return Err(AppError::Conflict(crate::refusal::Refusal::new(
            "order_changed",
            "El pedido ha cambiado mientras tanto; vuelve a intentarlo.",
            "The order changed meanwhile; try again.",
        )));
    }
    tx.append_audit(
        &AuditEntry::new(now, payer.id.as_str(), if kind == PaymentKind::Final { "payment.final_started" } else { "payment.senal_started" })
            .subject(order.id.to_string())
            .details(serde_json::json!({"payment": payment.id, "amount": payment.amount, "channel": channel}))
            .context(ctx.request_id.clone(), ctx.ip.clone()),
    )
    .await?;
    tx.commit().await?;
    let outcome = call_gateway(app, &payment).await;
    finish(app, &payment.id, outcome).await
}

/// What one gateway call told us.
pub enum CallOutcome {
    /// A definitive or pending answer with the intent, when known.
    Known(GatewayOutcome, Option<String>),
    /// No answer (timeout, 5xx): retry later with the same key.
    Unknown(String),
}

async fn call_gateway(app: &App, p: &Payment) -> CallOutcome {
    let Some(gw) = &app.partners.payments else {
        return CallOutcome::Unknown("no payment gateway configured".into());
    };
    let req = ChargeRequest {
        amount: p.amount,
        customer_reference: p.customer_id.to_string(),
        payment_method: p.payment_method.clone(),
        description: if p.kind == PaymentKind::Final {
            format!("Final payment / pago final {}", p.order_id)
        } else {
            format!("Señal / reservation deposit {}", p.order_id)
        },
        metadata: BTreeMap::from([
            ("purpose".to_owned(), p.kind.as_str().to_ascii_lowercase()),
            ("order_reference".to_owned(), p.order_id.to_string()),
            ("payment".to_owned(), p.id.to_string()),
        ]),
    };
    match gw.charge(&req, &p.idempotency_key).await {
        Ok(a) => CallOutcome::Known(a.outcome, Some(a.intent_id)),
        Err(PaymentCallError::Declined {
            decline_code,
            message,
            intent_id,
        }) => CallOutcome::Known(
            GatewayOutcome::Declined {
                code: decline_code,
                message,
            },
            intent_id,
        ),
        Err(PaymentCallError::Invalid { code, message }) => {
            CallOutcome::Known(GatewayOutcome::Declined { code, message }, None)
        }
        Err(PaymentCallError::Call(CallError::Refused { code, message })) => {
            CallOutcome::Known(GatewayOutcome::Declined { code, message }, None)
        }
        Err(PaymentCallError::Call(e)) => CallOutcome::Unknown(e.to_string()),
    }
}

async fn finish(app: &App, id: &PaymentId, outcome: CallOutcome) -> AppResult<Payment> {
    match outcome {
        CallOutcome::Known(o, intent) => record_outcome(app, id, &o, intent.as_deref(), None).await,
        CallOutcome::Unknown(err) => {
            tracing::warn!(payment = %id, %err, "gateway answer unknown; resolving in the background");
            let now = app.clock.now();
            let mut tx = app.store.begin().await?;
            let p = tx.find_payment(id).await?.ok_or(AppError::NotFound)?;
            let job = AppJob::ResolvePayment {
                payment_id: id.clone(),
            }
            .to_new_job(now, &app.settings)?;
            tx.enqueue_job(&job, now).await?;
            tx.commit().await?;
            app.wake_jobs();
            Ok(p)
        }
    }
}

/// The `resolve_payment` job: repeats the call under the same key (the
/// gateway replays its stored answer) until the outcome is known.
#[tracing::instrument(skip_all, fields(payment = %id))]
pub async fn resolve_payment(app: &App, _job: &Job, id: &PaymentId) -> anyhow::Result<()> {
    let p = {
        let mut tx = app.store.read().await?;
        tx.find_payment(id).await?
    };
    let Some(p) = p else {
        anyhow::bail!("payment {id} not found")
    };
    if p.state != PaymentState::Created {
        return Ok(());
    }
    match call_gateway(app, &p).await {
        CallOutcome::Known(o, intent) => {
            record_outcome(app, id, &o, intent.as_deref(), None).await?;
            Ok(())
        }
        CallOutcome::Unknown(e) => anyhow::bail!("gateway still not answering: {e}"),
    }
}
