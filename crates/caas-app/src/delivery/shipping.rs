//! Booking the home delivery (DLV-3/4) with the carrier once the vehicle is
//! registered: a durable job under an idempotency key derived from the
//! order and the shipment number, with the factory's `available_from` as
//! the earliest pickup, the customer as the only recipient and the selling
//! dealership as the return address.

use crate::error::AppError;
use crate::notify::texts::Detail;
use crate::orders::effects::{raise_alert_in, EventRecord};
use crate::App;
use caas_domain::dealership::Dealership;
use caas_domain::ids::OrderId;
use caas_domain::job::Job;
use caas_domain::order::{Order, OrderState};
use caas_domain::order_flow::DeliveryEvent;
use caas_domain::partners::CallError;
use caas_domain::partners_delivery::{
    PartnerAddress, ReturnDealership, Shipment, ShipmentDestination, ShipmentError, ShipmentPickup,
    ShipmentRecipient, ShipmentRequest,
};
use serde_json::json;

/// Our shipment reference for the order's `n`th shipment (also the key).
pub fn shipment_reference(order: &OrderId, n: u32) -> String {
    format!("dlv_{}_{n}", order.as_str().trim_start_matches("ord_"))
}

/// The order's current shipment: the carrier's id once booked, else our
/// reference of it.
pub fn current_shipment(o: &Order) -> String {
    o.home
        .shipment_id
        .clone()
        .unwrap_or_else(|| shipment_reference(&o.id, o.home.shipments))
}

/// The fact "home delivery scheduled": the current shipment and its slot.
/// The booking, the embarkation (carrier or staff) and an agreed new window
/// that name the same slot tell the customer once.
pub fn scheduled_fact(o: &Order) -> String {
    let slot = match &o.home.window {
        Some(w) => format!("{}-{}", w.start.timestamp(), w.end.timestamp()),
        None => "unknown".to_owned(),
    };
    format!("slot:{}:{slot}", current_shipment(o))
}

/// The fact of a "collect at dealership" notice for the current shipment:
/// its return decided (`returning`) or the dealership's reception (`received`),
/// whichever source (carrier or staff) reports it.
pub fn collect_fact(o: &Order, stage: &str) -> String {
    format!("collect:{}:{stage}", current_shipment(o))
}

/// The order a shipment reference belongs to.
pub fn order_of_reference(reference: &str) -> Option<OrderId> {
    let rest = reference.strip_prefix("dlv_")?;
    let (id, _) = rest.rsplit_once('_')?;
    OrderId::parse(&format!("ord_{id}")).ok()
}

fn dealership_address(d: &Dealership) -> PartnerAddress {
    let postal = d
        .address
        .split(|c: char| !c.is_ascii_digit())
        .find(|t| (4..=5).contains(&t.len()))
        .unwrap_or("")
        .to_owned();
    PartnerAddress {
        line1: if d.address.trim().is_empty() {
            d.name.clone()
        } else {
            d.address.clone()
        },
        line2: None,
        postal_code: postal,
        locality: d.locality.clone(),
        region: None,
        country: d.country.clone(),
    }
}

/// The booking request of the order's current shipment.
pub fn shipment_request(order: &Order, d: &Dealership, plate: &str, vin: &str) -> ShipmentRequest {
    let addr = dealership_address(d);
    let doc = &order.customer.document;
    let (doc_type, _) =
        crate::delivery::registration_request::id_document_type(doc.kind, &order.delivery.country);
    ShipmentRequest {
        shipment_reference: shipment_reference(&order.id, order.home.shipments),
        vin: vin.to_owned(),
        plate_number: plate.to_owned(),
        pickup: ShipmentPickup {
            kind: "dealership".into(),
            location_id: d.id.to_string(),
            address: addr.clone(),
        },
        destination: ShipmentDestination {
            address: PartnerAddress {
                line1: order.delivery.line1.clone(),
                line2: None,
                postal_code: order.delivery.postal_code.clone(),
                locality: order.delivery.locality.clone(),
                region: None,
                country: order.delivery.country.clone(),
            },
            contact_name: order.customer.name.clone(),
            contact_phone: order
                .customer
                .phone
                .as_ref()
                .map(|p| p.as_str().to_owned())
                .unwrap_or_default(),
        },
        recipient: ShipmentRecipient {
            name: order.customer.name.clone(),
            id_document_type: doc_type.into(),
            id_document_number: doc.number.clone(),
        },
        return_dealership: ReturnDealership {
            dealership_id: d.id.to_string(),
            address: addr,
        },
        earliest_pickup_at: order.factory.available_from.unwrap_or(order.updated_at),
        preferred_delivery_window: None,
        notes: None,
    }
}

/// Runs the `book_delivery` job.
#[tracing::instrument(skip_all, fields(order = %order_id, attempt = job.attempts))]
pub async fn book_delivery(app: &App, job: &Job, order_id: &OrderId) -> anyhow::Result<()> {
    let mut tx = app.store.begin().await?;
    let Some(mut order) = tx.find_order(order_id).await? else {
        return Ok(());
    };
    if order.state != OrderState::Registered || order.home.shipment_id.is_some() {
        return Ok(());
    }
    // Number the shipment before calling, durably, so retries reuse its key.
    if order.home.shipment_reference.is_none() {
        order.home.shipments += 1;
        order.home.shipment_reference = Some(shipment_reference(&order.id, order.home.shipments));
        order.version += 1;
        if !tx.update_order(&order).await? {
            anyhow::bail!("order changed meanwhile");
        }
    }
    let d = tx
        .find_dealership(&order.dealership_id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let (Some(plate), Some(vin)) = (
        order.registration.plate_number.clone(),
        order.factory.vin.clone(),
    ) else {
        anyhow::bail!("order {order_id} has no plate or VIN");
    };
    let Some(carrier) = app.partners.transport.clone() else {
        anyhow::bail!("no carrier configured");
    };
    let req = shipment_request(&order, &d, &plate, &vin);
    if req.return_dealership.address.postal_code.is_empty() {
        let mut tx = app.store.begin().await?;
        if let Some(o) = tx.find_order(order_id).await? {
            raise_alert_in(&mut *tx, app, &o, "delivery_booking_refused", &format!(
                "The delivery of order {} cannot be booked: the address of dealership {} has no postal code. Complete it in /ops/dealerships; the booking is retried.", o.id, d.name)).await?;
        }
        tx.commit().await?;
        anyhow::bail!("dealership {} address has no postal code", d.id);
    }
    let key = req.shipment_reference.clone();
    match carrier.book(&req, &key).await {
        Ok(s) => booked(app, order_id, s).await,
        Err(ShipmentError::Refused { code, details, .. })
            if code == "duplicate_shipment_reference" || code == "active_shipment_exists" =>
        {
            let id = details
                .get("shipment_id")
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            match carrier.get_shipment(id).await? {
                Some(s) => booked(app, order_id, s).await,
                None => anyhow::bail!("carrier reported {code} but shipment {id} is unknown"),
            }
        }
        Err(ShipmentError::Refused {
            code,
            message,
            details,
            ..
        }) => {
            let mut tx = app.store.begin().await?;
            if let Some(mut o) = tx.find_order(order_id).await? {
                o.home.last_error = Some(format!("{code}: {message} {details}"));
                o.version += 1;
                tx.update_order(&o).await?;
                raise_alert_in(
                    &mut *tx,
                    app,
                    &o,
                    "delivery_booking_refused",
                    &format!(
                        "The carrier refused the delivery of order {}: {code} — {message}",
                        o.id
                    ),
                )
                .await?;
            }
            tx.commit().await?;
            Ok(())
        }
        Err(ShipmentError::Call(CallError::Transient { message, .. })) => {
            if job.attempts >= job.max_attempts {
                let mut tx = app.store.begin().await?;
                if let Some(o) = tx.find_order(order_id).await? {
                    raise_alert_in(
                        &mut *tx,
                        app,
                        &o,
                        "delivery_booking_failed",
                        &format!(
                            "The carrier did not answer for order {} after {} attempts: {message}",
                            o.id, job.attempts
                        ),
                    )
                    .await?;
                }
                tx.commit().await?;
            }
            anyhow::bail!("carrier unavailable: {message}")
        }
        Err(ShipmentError::Call(e)) => anyhow::bail!("carrier call refused: {e}"),
    }
}

async fn booked(app: &App, order_id: &OrderId, s: Shipment) -> anyhow::Result<()> {
    let now = app.clock.now();
    let mut tx = app.store.begin().await?;
    let Some(mut order) = tx.find_order(order_id).await? else {
        return Ok(());
    };
    order.home.shipment_id = Some(s.shipment_id.clone());
    order.home.status = Some(s.status.clone());
    order.home.last_sequence = 0;
    order.home.carrier = s.carrier.as_ref().map(|c| c.name.clone());
    order.home.window = s.planned_delivery.clone();
    order.home.last_error = None;
    let rec = EventRecord {
        kind: caas_domain::timeline::TimelineKind::DeliveryBooked,
        at: now,
        data: json!({"shipment_id": s.shipment_id, "carrier": s.carrier, "planned_pickup": s.planned_pickup, "planned_delivery": s.planned_delivery}),
        dedupe_key: format!("delivery-booked:{}", s.shipment_id),
        detail: Some(window_detail(
            &s.planned_delivery,
            s.carrier.as_ref().map(|c| c.name.as_str()).unwrap_or("-"),
        )),
        alert_message: String::new(),
        fact: Some(scheduled_fact(&order)),
    };
    crate::delivery::system_event_in(
        &mut *tx,
        app,
        &mut order,
        DeliveryEvent::DeliveryBooked,
        &rec,
    )
    .await?;
    // Carrier events that arrived before this answer are waiting.
    crate::orders::effects::enqueue(
        &mut *tx,
        app,
        crate::jobs::AppJob::ApplyCarrierEvents {
            order_id: order.id.clone(),
        },
    )
    .await?;
    tx.commit().await?;
    app.wake_jobs();
    Ok(())
}

/// "Delivery scheduled" text with the window.
pub fn window_detail(
    w: &Option<caas_domain::partners_delivery::TimeWindow>,
    carrier: &str,
) -> Detail {
    let (es, en) = match w {
        Some(w) => (
            format!(
                "{} de {} a {} (UTC)",
                w.start.format("%d/%m/%Y"),
                w.start.format("%H:%M"),
                w.end.format("%H:%M")
            ),
            format!(
                "{} from {} to {} (UTC)",
                w.start.format("%-d %B %Y"),
                w.start.format("%H:%M"),
                w.end.format("%H:%M")
            ),
        ),
        None => ("fecha por confirmar".into(), "date to be confirmed".into()),
    };
    Detail::text(
        ("Entrega a domicilio programada", format!("{carrier} entregará tu vehículo el {es}. Ten a mano tu documento de identidad: solo te lo entregarán a ti.")),
        ("Home delivery scheduled", format!("{carrier} will deliver your vehicle on {en}. Have your identity document ready: it is handed over to you only.")),
    )
}
