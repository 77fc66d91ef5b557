//! The delivery half of the order (SPEC §4.1 from the dealership on):
//! reception and final payment, reservation lost and stock, registration,
//! home delivery driven by carrier webhooks or staff entries, the handover
//! check and the phone-as-key link over the fleet link.

pub mod app_link;
pub mod attempts;
pub mod carrier_events;
pub mod final_payment;
pub mod fleet_jobs;
pub mod fleet_sink;
pub mod registration;
pub mod registration_request;
pub mod senal_refund;
pub mod shipping;
pub mod staff_actions;
pub mod staff_entries;
pub mod stock;

use crate::context::RequestContext;
use crate::error::{AppError, AppResult};
use crate::orders::effects::{apply_order_event_in, EventRecord};
use crate::orders::staff::check_scope;
use crate::App;
use caas_domain::account::{Account, Role};
use caas_domain::audit::AuditEntry;
use caas_domain::ids::OrderId;
use caas_domain::order::Order;
use caas_domain::order_flow::{DeliveryEvent, OrderEvent};
use caas_domain::ports::Tx;

/// Staff roles that act on deliveries (SEC-2: DEALER_OPS; SALES for payments; ADMIN).
pub fn check_staff(staff: &Account) -> AppResult<()> {
    match staff.role {
        r if caas_domain::staff_policy::handles_deliveries(r) => Ok(()),
        Role::Customer => Err(AppError::NotFound),
        _ => Err(AppError::Forbidden),
    }
}

/// Loads an order visible to `staff` inside `tx`.
pub async fn order_for_staff(tx: &mut dyn Tx, staff: &Account, id: &OrderId) -> AppResult<Order> {
    check_staff(staff)?;
    let order = tx.find_order(id).await?.ok_or(AppError::NotFound)?;
    check_scope(staff, &order)?;
    Ok(order)
}

/// A staff action: loads the order in scope, lets `prepare` adjust it and
/// build the record, applies `event`, audits and commits.
pub async fn staff_event(
    app: &App,
    ctx: &RequestContext,
    staff: &Account,
    id: &OrderId,
    event: DeliveryEvent,
    action: &str,
    prepare: impl FnOnce(&mut Order) -> AppResult<EventRecord>,
) -> AppResult<Order> {
    let mut tx = app.store.begin().await?;
    let order = staff_event_in(&mut *tx, app, ctx, staff, id, event, action, prepare).await?;
    tx.commit().await?;
    app.wake_jobs();
    Ok(order)
}

/// [`staff_event`] inside the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub async fn staff_event_in(
    tx: &mut dyn Tx,
    app: &App,
    ctx: &RequestContext,
    staff: &Account,
    id: &OrderId,
    event: DeliveryEvent,
    action: &str,
    prepare: impl FnOnce(&mut Order) -> AppResult<EventRecord>,
) -> AppResult<Order> {
    let now = app.clock.now();
    let mut order = order_for_staff(tx, staff, id).await?;
    if caas_domain::delivery_flow::transition(order.state, &event).is_none() {
        return Err(AppError::Conflict(crate::refusal::Refusal::new(
            "wrong_state",
            format!(
                "No es posible mientras el pedido está en {}.",
                order.state.as_str()
            ),
            format!("Not possible while the order is {}.", order.state.as_str()),
        )));
    }
    let rec = prepare(&mut order)?;
    apply_order_event_in(tx, app, &mut order, &OrderEvent::Delivery(event), &rec).await?;
    tx.append_audit(
        &AuditEntry::new(now, staff.id.as_str(), action)
            .subject(order.id.to_string())
            .details(rec.data.clone())
            .context(ctx.request_id.clone(), ctx.ip.clone()),
    )
    .await?;
    Ok(order)
}

/// Applies a delivery event from a job or webhook inside `tx`; a refused
/// transition (late or repeated news) is logged and ignored.
pub async fn system_event_in(
    tx: &mut dyn Tx,
    app: &App,
    order: &mut Order,
    event: DeliveryEvent,
    rec: &EventRecord,
) -> AppResult<bool> {
    if caas_domain::delivery_flow::transition(order.state, &event).is_none() {
        tracing::info!(order = %order.id, state = order.state.as_str(), ?event, kind = %rec.kind, "delivery news ignored in this state");
        return Ok(false);
    }
    apply_order_event_in(tx, app, order, &OrderEvent::Delivery(event), rec).await?;
    Ok(true)
}
