//! Staff entries of the delivery (DLV-5..8, SEC-2 DEALER_OPS): the
//! reception of a returned vehicle, the pickup at the dealership with the
//! identity check, and a new home delivery on the customer's request
//! within the configured maximum of attempts.

use crate::context::RequestContext;
use crate::delivery::staff_event;
use crate::error::{AppError, AppResult};
use crate::notify::texts::Detail;
use crate::orders::effects::EventRecord;
use crate::App;
use caas_domain::account::Account;
use caas_domain::ids::OrderId;
use caas_domain::order::Order;
use caas_domain::order_delivery::{Handover, Reception};
use caas_domain::order_flow::DeliveryEvent;
use caas_domain::ports::Tx;
use serde_json::json;

/// "Collect your vehicle at the dealership" with its address and hours.
pub async fn collect_detail(tx: &mut dyn Tx, order: &Order) -> AppResult<Detail> {
    let d = tx
        .find_dealership(&order.dealership_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let place = format!("{} — {}, {}", d.name, d.address, d.locality);
    let hours = if d.opening_hours.trim().is_empty() {
        "-".to_owned()
    } else {
        d.opening_hours.clone()
    };
    Ok(Detail::text(
        ("Recoge tu vehículo en el concesionario", format!("No pudimos entregarte el vehículo en casa. Lo tienes en {place}. Horario: {hours}. Lleva tu documento de identidad.")),
        ("Collect your vehicle at the dealership", format!("We could not deliver your vehicle at home. It is at {place}. Opening hours: {hours}. Bring your identity document.")),
    ))
}

/// The collect notice of `order` as the customer was told it, for pages;
/// `None` when its dealership is gone (pages keep their generic text).
pub async fn view_collect_notice(app: &App, order: &Order) -> AppResult<Option<Detail>> {
    let mut tx = app.store.read().await?;
    match collect_detail(&mut *tx, order).await {
        Ok(detail) => Ok(Some(detail)),
        Err(AppError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The dealership received the returned vehicle (DLV-7): custody transferred.
pub async fn record_return_reception(
    app: &App,
    ctx: &RequestContext,
    staff: &Account,
    id: &OrderId,
    notes: Option<String>,
) -> AppResult<Order> {
    let now = app.clock.now();
    let detail = {
        let mut tx = app.store.read().await?;
        let o = crate::delivery::order_for_staff(&mut *tx, staff, id).await?;
        collect_detail(&mut *tx, &o).await?
    };
    staff_event(
        app,
        ctx,
        staff,
        id,
        DeliveryEvent::ReturnReceived,
        "delivery.return_received",
        |o| {
            o.home.returned = Some(Reception {
                at: now,
                by: staff.id.clone(),
                by_name: staff.name.clone(),
                notes: notes.clone(),
            });
            Ok(EventRecord {
                kind: caas_domain::timeline::TimelineKind::ReturnReceived,
                at: now,
                data: json!({"received_by": staff.name, "notes": notes}),
                dedupe_key: format!("return-received:{}:{}", o.id, o.home.shipments),
                detail: Some(detail),
                alert_message: String::new(),
                fact: Some(crate::delivery::shipping::collect_fact(o, "received")),
            })
        },
    )
    .await
}

/// What staff checked when the customer collected the vehicle (DLV-8).
#[derive(Debug, Clone)]
pub struct PickupIn {
    /// Who collected it.
    pub receiver_name: String,
    /// Document number shown.
    pub document_number: String,
}

/// The customer collected the vehicle; the document must match the buyer's.
pub async fn record_pickup(
    app: &App,
    ctx: &RequestContext,
    staff: &Account,
    id: &OrderId,
    input: &PickupIn,
) -> AppResult<Order> {
    let now = app.clock.now();
    staff_event(app, ctx, staff, id, DeliveryEvent::CollectedAtDealership, "delivery.pickup", |o| {
        let shown: String = input.document_number.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_uppercase();
        if shown != o.customer.document.number {
            return Err(AppError::Invalid {
                field: "document_number".into(),
                message: "does not match the buyer's identity document: the vehicle cannot be handed over".into(),
            });
        }
        let last4: String = shown.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
        o.home.handover = Some(Handover {
            at: now,
            place: "dealership".into(),
            receiver_name: input.receiver_name.trim().to_owned(),
            document_type: o.customer.document.kind.as_str().to_owned(),
            document_last4: last4.clone(),
            proof: staff.id.to_string(),
        });
        Ok(EventRecord {
            kind: caas_domain::timeline::TimelineKind::CollectedAtDealership,
            at: now,
            data: json!({"receiver_name": input.receiver_name.trim(), "document_last4": last4, "checked_by": staff.name}),
            dedupe_key: format!("pickup:{}", o.id),
            detail: None,
            alert_message: String::new(),
            fact: None,
        })
    })
    .await
}

/// A new home delivery for a vehicle held at the dealership, while the
/// attempts made stay under the configured maximum (ADM-2, OP-24).
pub async fn request_redelivery(
    app: &App,
    ctx: &RequestContext,
    staff: &Account,
    id: &OrderId,
) -> AppResult<Order> {
    let now = app.clock.now();
    let max = app.settings.max_delivery_attempts;
    staff_event(app, ctx, staff, id, DeliveryEvent::RedeliveryRequested, "delivery.redelivery_requested", |o| {
        let made = o.home.attempts.len() as u32;
        if made >= max {
            return Err(AppError::Conflict(crate::refusal::Refusal::new(
                "delivery_attempts_exhausted",
                format!("Ya se hicieron {made} intentos de entrega a domicilio (máximo {max}): el cliente recoge el vehículo en el concesionario."),
                format!("{made} home-delivery attempts were made (maximum {max}): the customer collects the vehicle at the dealership."),
            )));
        }
        o.home.shipment_id = None;
        o.home.shipment_reference = None;
        o.home.last_sequence = 0;
        o.home.returned = None;
        Ok(EventRecord {
            kind: caas_domain::timeline::TimelineKind::RedeliveryRequested,
            at: now,
            data: json!({"by": staff.name, "attempts_made": made}),
            dedupe_key: format!("redelivery:{}:{}", o.id, o.home.shipments),
            detail: None,
            alert_message: String::new(),
            fact: None,
        })
    })
    .await
}
