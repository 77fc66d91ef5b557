//! Staff views and actions on orders (ADM-5: staff see their dealership's
//! orders only, ADMIN all): list, detail, open alerts, resubmission of a
//! refused factory order and cancellation before the señal.

use crate::context::RequestContext;
use crate::error::{AppError, AppResult};
use crate::notify::texts::Detail;
use crate::orders::effects::{apply_order_event_in, EventRecord};
use crate::orders::expediente::{assemble, Expediente};
use crate::App;
use caas_domain::account::{Account, Role};
use caas_domain::audit::AuditEntry;
use caas_domain::catalogue::check_plan_options;
use caas_domain::ids::{AlertId, OrderId};
use caas_domain::order::{Order, OrderState};
use caas_domain::order_flow::OrderEvent;

use caas_domain::records::StaffAlert;
use serde_json::json;

/// Staff may see `order`: ADMIN always; others only their dealership's.
pub fn check_scope(staff: &Account, order: &Order) -> AppResult<()> {
    match staff.role {
        Role::Admin => Ok(()),
        Role::Customer => Err(AppError::NotFound),
        _ if staff.dealership_id.as_ref() == Some(&order.dealership_id) => Ok(()),
        _ => Err(AppError::NotFound),
    }
}

/// Orders visible to `staff`, newest first.
pub async fn list_orders_for_staff(
    app: &App,
    staff: &Account,
    limit: i64,
) -> AppResult<Vec<Order>> {
    let scope = if staff.role == Role::Admin {
        None
    } else {
        Some(staff.dealership_id.clone().ok_or(AppError::Forbidden)?)
    };
    let mut tx = app.store.read().await?;
    Ok(tx.list_orders(scope.as_ref(), limit).await?)
}

/// One order with its expediente, for staff.
pub async fn view_order_for_staff(
    app: &App,
    staff: &Account,
    id: &OrderId,
) -> AppResult<Expediente> {
    let file = app.caches.order_file(&*app.store, None, id).await?;
    check_scope(staff, &file.order)?;
    assemble(app, file).await
}

/// Alerts visible to `staff`, open first.
pub async fn list_alerts_for_staff(app: &App, staff: &Account) -> AppResult<Vec<StaffAlert>> {
    let scope = if staff.role == Role::Admin {
        None
    } else {
        staff.dealership_id.clone()
    };
    let mut tx = app.store.read().await?;
    Ok(tx.list_alerts(scope.as_ref(), 200).await?)
}

/// Resolves an alert visible to `staff`.
pub async fn resolve_alert(app: &App, staff: &Account, id: &AlertId) -> AppResult<()> {
    let alerts = list_alerts_for_staff(app, staff).await?;
    if !alerts.iter().any(|a| &a.id == id) {
        return Err(AppError::NotFound);
    }
    let mut tx = app.store.begin().await?;
    tx.resolve_alert(id, &staff.id, app.clock.now()).await?;
    tx.commit().await?;
    Ok(())
}

/// Resubmits a refused (or stuck) factory order, optionally with corrected
/// option codes; a new submission gets a new idempotency key.
pub async fn resubmit_factory_order(
    app: &App,
    ctx: &RequestContext,
    staff: &Account,
    id: &OrderId,
    option_codes: Option<Vec<String>>,
) -> AppResult<Order> {
    if !caas_domain::staff_policy::manages_sales(staff.role) {
        return Err(AppError::Forbidden);
    }
    let now = app.clock.now();
    let options = { app.store.read().await?.list_options().await? };
    let mut tx = app.store.begin().await?;
    let mut order = tx.find_order(id).await?.ok_or(AppError::NotFound)?;
    check_scope(staff, &order)?;
    if !matches!(
        order.state,
        OrderState::OrderRejected | OrderState::FactoryOrderPending
    ) {
        return Err(AppError::Conflict(crate::refusal::Refusal::new(
            "not_resubmittable",
            "Solo se puede reenviar un pedido que la fábrica rechazó o que está pendiente.",
            "Only a refused or pending factory order can be resubmitted.",
        )));
    }
    if let Some(codes) = option_codes {
        order.plan.option_codes = check_plan_options(&order.plan.platform_code, &codes, &options)?;
    }
    if order.state == OrderState::OrderRejected {
        order.factory.submission += 1;
    }
    let rec = EventRecord {
        kind: caas_domain::timeline::TimelineKind::FactoryOrderResubmitted,
        at: now,
        data: json!({"by": staff.name, "option_codes": order.plan.option_codes}),
        dedupe_key: format!(
            "resubmit:{}:{}:{}",
            order.id, order.factory.submission, order.factory.attempts
        ),
        detail: None,
        alert_message: String::new(),
        fact: None,
    };
    apply_order_event_in(
        &mut *tx,
        app,
        &mut order,
        &OrderEvent::StaffResubmitted,
        &rec,
    )
    .await?;
    tx.append_audit(
        &AuditEntry::new(now, staff.id.as_str(), "order.factory_resubmitted")
            .subject(order.id.to_string())
            .context(ctx.request_id.clone(), ctx.ip.clone()),
    )
    .await?;
    tx.commit().await?;
    app.wake_jobs();
    Ok(order)
}

/// Cancels a sale whose señal is unpaid (SALE-7) or whose factory order was
/// refused (SPEC §4.1: the captured señal is refunded by the refund job);
/// the customer is told.
pub async fn cancel_sale(
    app: &App,
    ctx: &RequestContext,
    staff: &Account,
    id: &OrderId,
) -> AppResult<Order> {
    if !caas_domain::staff_policy::manages_sales(staff.role) {
        return Err(AppError::Forbidden);
    }
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    let mut order = tx.find_order(id).await?.ok_or(AppError::NotFound)?;
    check_scope(staff, &order)?;
    let payments = tx.list_payments_for_order(&order.id).await?;
    let paid = caas_domain::order_policy::cancellation(order.state, &payments)
        .map_err(|refusal| AppError::Conflict(refusal_of(refusal)))?;
    let detail = match paid {
        Some(p) => Detail::text(
            ("Venta cancelada", format!("Hemos cancelado tu compra. Te devolvemos la señal ({}) a tu tarjeta; te avisaremos cuando esté hecho.", p.amount)),
            ("Sale cancelled", format!("We have cancelled your purchase. Your deposit ({}) is being refunded to your card; we will tell you when it is done.", p.amount)),
        ),
        None => Detail::text(
            ("Venta cancelada", "Hemos cancelado tu compra. No se te ha cobrado nada.".to_owned()),
            ("Sale cancelled", "We have cancelled your purchase. Nothing was charged.".to_owned()),
        ),
    };
    let rec = EventRecord {
        kind: caas_domain::timeline::TimelineKind::SaleCancelled,
        at: now,
        data: json!({"by": staff.name, "senal_refund": paid.map(|p| json!({"payment": p.id, "amount": p.amount}))}),
        dedupe_key: format!("cancel:{}", order.id),
        detail: Some(detail),
        alert_message: String::new(),
        fact: None,
    };
    apply_order_event_in(&mut *tx, app, &mut order, &OrderEvent::StaffCancelled, &rec).await?;
    tx.append_audit(
        &AuditEntry::new(now, staff.id.as_str(), "sale.cancelled")
            .subject(order.id.to_string())
            .context(ctx.request_id.clone(), ctx.ip.clone()),
    )
    .await?;
    tx.commit().await?;
    app.wake_jobs();
    Ok(order)
}

/// Why a sale cannot be cancelled, in both languages.
fn refusal_of(r: caas_domain::order_policy::CancelRefusal) -> crate::refusal::Refusal {
    use caas_domain::order_policy::CancelRefusal as C;
    let (code, es) = match r {
        C::SenalInFlight => ("senal_in_flight", "La señal se está pagando: espera al resultado del pago.".to_owned()),
        C::SenalPaid => ("senal_paid", "La señal está pagada: solo se puede cancelar una venta cuyo pedido rechazó la fábrica (se devuelve la señal).".to_owned()),
        C::TooLate(s) => ("too_late_to_cancel", format!("Un pedido en estado {} no se puede cancelar.", s.as_str())),
    };
    crate::refusal::Refusal::new(code, es, r.message())
}
