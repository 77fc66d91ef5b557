//! Gateway webhook events (`payment_intent.*`): stored before the 2xx,
//! deduplicated, applied by a job in `sequence` order per intent. Payment
//! states never regress, so a late or repeated event changes nothing.

use crate::delivery::senal_refund::{on_refund_event, RefundNews};
use crate::error::{AppError, AppResult};
use crate::jobs::AppJob;
use crate::payments::outcome::record_outcome;
use crate::App;
use caas_domain::ids::PaymentId;
use caas_domain::payment::GatewayOutcome;
use caas_domain::records::{InboundEvent, InboundState};
use serde::Deserialize;

const SOURCE: &str = "payments";

#[derive(Deserialize)]
struct Envelope {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    data: Data,
}

#[derive(Deserialize)]
struct Data {
    payment_intent: String,
    sequence: i64,
    #[serde(default)]
    object: serde_json::Value,
}

/// Stores a verified gateway event; true if it was new.
#[tracing::instrument(skip_all)]
pub async fn ingest_payment_event(app: &App, body: &str) -> AppResult<bool> {
    let e: Envelope = serde_json::from_str(body)
        .map_err(|e| AppError::BadRequest(format!("not a gateway event: {e}")))?;
    let now = app.clock.now();
    let payment_ref = e
        .data
        .object
        .pointer("/metadata/payment")
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    let row = InboundEvent {
        source: SOURCE.into(),
        event_id: e.id.clone(),
        event_type: e.kind.clone(),
        resource: e.data.payment_intent.clone(),
        reference: payment_ref,
        sequence: e.data.sequence,
        body: body.to_owned(),
        received_at: now,
        state: InboundState::Pending,
    };
    let job = AppJob::ApplyPaymentEvents {
        intent_id: e.data.payment_intent.clone(),
    }
    .to_new_job(now, &app.settings)?;
    app.ingest.store(row, Some(job)).await
}

fn outcome_of(kind: &str, object: &serde_json::Value) -> Option<GatewayOutcome> {
    let s = |p: &str| {
        object
            .pointer(p)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    Some(match kind {
        "payment_intent.succeeded" => GatewayOutcome::Captured,
        "payment_intent.payment_failed" => GatewayOutcome::Declined {
            code: s("/last_payment_error/decline_code"),
            message: s("/last_payment_error/message"),
        },
        "payment_intent.settled" => GatewayOutcome::Settled,
        "payment_intent.settlement_failed" => GatewayOutcome::SettlementFailed {
            code: s("/settlement/failure_code"),
        },
        "payment_intent.chargeback" => GatewayOutcome::SettlementFailed {
            code: format!("chargeback: {}", s("/dispute/reason")),
        },
        _ => return None,
    })
}

/// Applies the pending events of one intent.
#[tracing::instrument(skip_all, fields(intent = %intent_id))]
pub async fn apply_payment_events(app: &App, intent_id: &str) -> anyhow::Result<()> {
    let pending = {
        let mut tx = app.store.read().await?;
        tx.list_pending_inbound(SOURCE, Some(intent_id), None)
            .await?
    };
    for row in pending {
        let e: Envelope = serde_json::from_str(&row.body)?;
        let payment = {
            let mut tx = app.store.read().await?;
            match tx.find_payment_by_intent(intent_id).await? {
                Some(p) => Some(p),
                None => match row.reference.as_deref().map(PaymentId::parse) {
                    Some(Ok(id)) => tx.find_payment(&id).await?,
                    _ => None,
                },
            }
        };
        let purchase = e
            .data
            .object
            .pointer("/metadata/purchase")
            .and_then(|v| v.as_str());
        if let (None, Some(purchase)) = (&payment, purchase) {
            // A feature-store intent: the saga reads the gateway itself
            // (its calls answer synchronously); the news only wakes it.
            let state = crate::purchases::saga::wake_on_gateway_news(app, purchase).await?;
            let mut tx = app.store.begin().await?;
            tx.set_inbound_state(SOURCE, &row.event_id, state).await?;
            tx.commit().await?;
            continue;
        }
        let Some(payment) = payment else {
            // Not ours yet (or never): keep it pending for a later retry.
            continue;
        };
        let refund = match e.kind.as_str() {
            "refund.succeeded" => Some(true),
            "refund.failed" => Some(false),
            _ => None,
        };
        let state = if let Some(succeeded) = refund {
            let o = &e.data.object;
            let refund_id = o.get("id").and_then(|v| v.as_str()).unwrap_or_default();
            let failure = o
                .get("failure_reason")
                .and_then(|v| v.as_str())
                .map(str::to_owned);
            let order = &payment.order_id;
            match on_refund_event(app, order, refund_id, succeeded, failure).await? {
                RefundNews::Applied => InboundState::Applied,
                RefundNews::NotOurs => InboundState::Ignored,
                RefundNews::NotYet => anyhow::bail!("refund {refund_id} not recorded yet"),
            }
        } else {
            let payment = payment.id;
            match outcome_of(&e.kind, &e.data.object) {
                Some(o) => {
                    record_outcome(app, &payment, &o, Some(intent_id), Some(e.data.sequence))
                        .await?;
                    InboundState::Applied
                }
                None => InboundState::Ignored,
            }
        };
        let mut tx = app.store.begin().await?;
        tx.set_inbound_state(SOURCE, &row.event_id, state).await?;
        tx.commit().await?;
    }
    Ok(())
}
