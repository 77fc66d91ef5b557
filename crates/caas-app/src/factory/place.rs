//! Placing the factory order (MFG-1..5): a durable job that calls the
//! factory synchronously under an idempotency key derived from the order,
//! records acceptance, refusal (staff fix and resubmit) or unavailability
//! (retry with backoff under the same key; alert when retries run out).

use crate::error::AppError;
use crate::jobs::AppJob;
use crate::notify::texts::Detail;
use crate::orders::effects::{apply_order_event_in, raise_alert_in, EventRecord};
use crate::App;
use caas_domain::ids::OrderId;
use caas_domain::job::Job;
use caas_domain::order::{Order, OrderState};
use caas_domain::order_flow::OrderEvent;
use caas_domain::partners::{
    CallError, FactoryDelivery, FactoryOrder, FactoryOrderError, FactoryOrderRequest,
};
use caas_domain::records::EstimateRevision;
use serde_json::json;

/// The idempotency key of the order's current submission.
pub fn factory_key(order: &Order) -> String {
    format!("{}-s{}", order.id, order.factory.submission)
}

/// The request body for `order`.
pub fn factory_request(order: &Order) -> FactoryOrderRequest {
    FactoryOrderRequest {
        order_reference: order.id.to_string(),
        model_code: order.plan.platform_code.clone(),
        option_codes: order.plan.option_codes.clone(),
        dealership_id: order.dealership_id.to_string(),
        delivery: FactoryDelivery {
            country: order.delivery.country.clone(),
            locality: order.delivery.locality.clone(),
            postal_code: Some(order.delivery.postal_code.clone()),
        },
    }
}

/// Runs the `place_factory_order` job.
#[tracing::instrument(skip_all, fields(order = %order_id, attempt = job.attempts))]
pub async fn place_factory_order(app: &App, job: &Job, order_id: &OrderId) -> anyhow::Result<()> {
    let order = {
        let mut tx = app.store.read().await?;
        tx.find_order(order_id).await?
    };
    let Some(order) = order else {
        anyhow::bail!("order {order_id} not found")
    };
    if !matches!(
        order.state,
        OrderState::Reserved | OrderState::FactoryOrderPending
    ) {
        return Ok(());
    }
    let Some(factory) = app.partners.factory.clone() else {
        return unavailable(app, job, order_id, "no factory API configured".into()).await;
    };
    let req = factory_request(&order);
    let outcome = match factory.create_order(&req, &factory_key(&order)).await {
        Ok(fo) => Ok(fo),
        Err(FactoryOrderError::Duplicate { factory_order_id }) => {
            match factory.get_order(&factory_order_id).await {
                Ok(Some(fo)) => Ok(fo),
                Ok(None) => Err(FactoryOrderError::Call(CallError::transient(
                    "duplicate order not found",
                ))),
                Err(e) => Err(FactoryOrderError::Call(e)),
            }
        }
        Err(e) => Err(e),
    };
    match outcome {
        Ok(fo) => accepted(app, order_id, fo).await,
        Err(FactoryOrderError::Rejected(violations)) => rejected(app, order_id, violations).await,
        Err(FactoryOrderError::Duplicate { .. }) => Ok(()),
        Err(FactoryOrderError::Call(e)) => unavailable(app, job, order_id, e.to_string()).await,
    }
}

async fn accepted(app: &App, order_id: &OrderId, fo: FactoryOrder) -> anyhow::Result<()> {
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    let Some(mut order) = tx.find_order(order_id).await? else {
        return Ok(());
    };
    if !matches!(
        order.state,
        OrderState::Reserved | OrderState::FactoryOrderPending
    ) {
        return Ok(());
    }
    order.factory.factory_order_id = Some(fo.factory_order_id.clone());
    order.factory.status = Some(fo.status.clone());
    order.factory.estimated_completion_date = fo.estimated_completion_date;
    order.factory.attempts += 1;
    order.factory.last_error = None;
    order.factory.violations.clear();
    order.last_factory_contact = Some(now);
    if let Some(d) = fo.estimated_completion_date {
        tx.insert_estimate_revision(&EstimateRevision {
            order_id: order.id.clone(),
            at: now,
            previous: None,
            new: d,
            reason_code: None,
            reason: Some("initial factory estimate".into()),
            source: format!("create:{}", fo.factory_order_id),
        })
        .await?;
    }
    let model = platform_name(&mut *tx, &order).await?;
    let rec = EventRecord {
        kind: caas_domain::timeline::TimelineKind::FactoryOrderPlaced,
        at: now,
        data: json!({"factory_order_id": fo.factory_order_id, "estimated_completion_date": fo.estimated_completion_date}),
        dedupe_key: format!("factory-accepted:{}", order.id),
        detail: Some(Detail::FactoryOrderPlaced {
            model,
            estimate: fo.estimated_completion_date,
        }),
        alert_message: String::new(),
        fact: None,
    };
    apply_order_event_in(
        &mut *tx,
        app,
        &mut order,
        &OrderEvent::FactoryAccepted,
        &rec,
    )
    .await?;
    // Events that arrived before this answer are waiting: apply them now.
    let job = AppJob::ApplyFactoryEvents {
        order_id: order.id.clone(),
    }
    .to_new_job(now, &app.settings)?;
    tx.enqueue_job(&job, now).await?;
    tx.commit().await?;
    app.wake_jobs();
    tracing::info!(factory_order = %fo.factory_order_id, "factory order accepted");
    Ok(())
}

async fn rejected(
    app: &App,
    order_id: &OrderId,
    violations: Vec<caas_domain::partners::FactoryViolation>,
) -> anyhow::Result<()> {
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    let Some(mut order) = tx.find_order(order_id).await? else {
        return Ok(());
    };
    let codes: Vec<&str> = violations.iter().map(|v| v.code.as_str()).collect();
    let rec = EventRecord {
        kind: caas_domain::timeline::TimelineKind::FactoryOrderRejected,
        at: now,
        data: json!({"violations": violations}),
        dedupe_key: format!("factory-rejected:{}:{}", order.id, order.factory.submission),
        detail: None,
        fact: None,
        alert_message: format!(
            "The factory refused order {}: {}",
            order.id,
            codes.join(", ")
        ),
    };
    order.factory.attempts += 1;
    order.factory.violations = violations;
    apply_order_event_in(
        &mut *tx,
        app,
        &mut order,
        &OrderEvent::FactoryRejected,
        &rec,
    )
    .await?;
    tx.commit().await?;
    tracing::warn!(order = %order_id, "factory order rejected");
    Ok(())
}

async fn unavailable(
    app: &App,
    job: &Job,
    order_id: &OrderId,
    error: String,
) -> anyhow::Result<()> {
    let now = app.clock.now();
    let last = job.attempts >= job.max_attempts;
    let mut tx = app.store.begin().await?;
    let Some(mut order) = tx.find_order(order_id).await? else {
        return Ok(());
    };
    order.factory.attempts += 1;
    order.factory.last_error = Some(error.clone());
    let event = if last {
        OrderEvent::FactoryRetriesExhausted
    } else {
        OrderEvent::FactoryUnavailable
    };
    let rec = EventRecord {
        kind: caas_domain::timeline::TimelineKind::FactoryUnavailable,
        at: now,
        data: json!({"error": error}),
        dedupe_key: format!("factory-unavailable:{}", order.id),
        detail: None,
        fact: None,
        alert_message: format!(
            "The factory did not take order {} after {} attempts; last error: {error}. Resubmit from the order page.",
            order.id, job.attempts
        ),
    };
    match apply_order_event_in(&mut *tx, app, &mut order, &event, &rec).await {
        Ok(()) => {}
        Err(AppError::Conflict(m)) => anyhow::bail!("{m}"),
        Err(e) => return Err(e.into()),
    }
    if last {
        raise_alert_in(
            &mut *tx,
            app,
            &order,
            "factory_order_retries_exhausted",
            &rec.alert_message,
        )
        .await?;
    }
    tx.commit().await?;
    if last {
        tracing::error!(order = %order_id, %error, "factory order retries exhausted");
        Ok(())
    } else {
        anyhow::bail!("factory unavailable: {error}")
    }
}

/// Display name of the order's plataforma base (its code if unknown).
pub async fn platform_name(
    tx: &mut dyn caas_domain::ports::Tx,
    order: &Order,
) -> anyhow::Result<String> {
    let platforms = tx.list_platforms().await?;
    Ok(platforms
        .into_iter()
        .find(|p| p.code == order.plan.platform_code)
        .map(|p| p.name.es)
        .unwrap_or_else(|| order.plan.platform_code.clone()))
}
