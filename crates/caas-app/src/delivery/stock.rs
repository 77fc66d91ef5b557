//! Reception of the new vehicle at the dealership (DLV-1/2), the lost
//! reservation (PAY-5: deadline or staff-recorded inability to pay) that
//! turns the vehicle into *sin asignar* stock with its history and no
//! customer, and the stock list of a dealership (ADM-3/5).

use crate::context::RequestContext;
use crate::delivery::{check_staff, staff_event, staff_event_in};
use crate::error::{AppError, AppResult};
use crate::jobs::AppJob;
use crate::notify::texts::Detail;
use crate::orders::effects::EventRecord;
use crate::settings::SenalPolicy;
use crate::App;
use caas_domain::account::{Account, Role};
use caas_domain::ids::{OrderId, VehicleId};
use caas_domain::order::Order;
use caas_domain::order_delivery::Reception;
use caas_domain::order_flow::DeliveryEvent;
use caas_domain::ports::Tx;
use caas_domain::vehicle::{Assignment, Vehicle, VehicleHistoryEntry};
use chrono::{DateTime, Utc};
use serde_json::json;

/// Records the reception of the order's new vehicle at the dealership:
/// creates the vehicle (assigned to the customer), requests the final
/// payment and tells the customer (DLV-2, PAY-3).
pub async fn record_reception(
    app: &App,
    ctx: &RequestContext,
    staff: &Account,
    id: &OrderId,
    notes: Option<String>,
) -> AppResult<Order> {
    let now = app.clock.now();
    let vehicle_id = VehicleId::new();
    let mut vehicle_slot: Option<Vehicle> = None;
    let mut tx = app.store.begin().await?;
    let order = staff_event_in(&mut *tx, app, ctx, staff, id, DeliveryEvent::DealershipReception, "order.reception", |o| {
        let vin = o.factory.vin.clone().ok_or_else(|| {
            AppError::Conflict(crate::refusal::Refusal::new(
                "vin_unknown",
                "La fábrica todavía no ha comunicado el VIN de este vehículo.",
                "The factory has not reported the VIN of this vehicle yet.",
            ))
        })?;
        o.reception = Some(Reception {
            at: now,
            by: staff.id.clone(),
            by_name: staff.name.clone(),
            notes: notes.clone().filter(|n| !n.trim().is_empty()),
        });
        o.vehicle_id = Some(vehicle_id.clone());
        crate::delivery::final_payment::set_terms(app, o, now)?;
        vehicle_slot = Some(Vehicle {
            id: vehicle_id.clone(),
            vin: vin.clone(),
            platform_code: o.plan.platform_code.clone(),
            option_codes: o.plan.option_codes.clone(),
            dealership_id: o.dealership_id.clone(),
            assignment: Assignment::Assigned {
                order_id: o.id.clone(),
                customer_id: o.customer_id.clone(),
            },
            completed_on: o.factory.estimated_completion_date,
            available_from: o.factory.available_from,
            plate_number: None,
            keys: vec![],
            last_state: None,
            presence: None,
            presence_at: None,
            history: vec![VehicleHistoryEntry {
                at: now,
                event: "received".into(),
                order_id: Some(o.id.clone()),
                detail: format!("received by {}", staff.name),
            }],
            version: 0,
            created_at: now,
            updated_at: now,
        });
        Ok(EventRecord {
            kind: caas_domain::timeline::TimelineKind::DealershipReception,
            at: now,
            data: json!({"vin": vin, "received_by": staff.name, "notes": notes, "final_payment": o.final_payment}),
            dedupe_key: format!("reception:{}", o.id),
            detail: Some(crate::delivery::final_payment::available_detail(o)),
            alert_message: String::new(),
            fact: None,
        })
    })
    .await?;
    if let Some(mut v) = vehicle_slot {
        // The car's retained presence reached the link before this row existed.
        if let Some(p) = app.partners.fleet.as_ref().and_then(|f| f.presence(&v.vin)) {
            v.presence_at = Some(p.at.unwrap_or(now));
            v.presence = Some(p);
        }
        if tx.find_vehicle_by_vin(&v.vin).await?.is_some() {
            return Err(AppError::Conflict(crate::refusal::Refusal::new(
                "vin_recorded",
                format!("Ya hay un vehículo registrado con el VIN {}.", v.vin),
                format!("A vehicle with VIN {} is already recorded.", v.vin),
            )));
        }
        tx.insert_vehicle(&v).await?;
    }
    tx.commit().await?;
    app.wake_jobs();
    Ok(order)
}

/// Staff record that the customer cannot pay (PAY-5).
pub async fn record_cannot_pay(
    app: &App,
    ctx: &RequestContext,
    staff: &Account,
    id: &OrderId,
    reason: &str,
) -> AppResult<Order> {
    let now = app.clock.now();
    let reason = reason.trim().to_owned();
    staff_event(
        app,
        ctx,
        staff,
        id,
        DeliveryEvent::StaffRecordedCannotPay,
        "order.cannot_pay",
        |o| {
            let mut rec = lost_record(app, o, "staff", now);
            rec.data["recorded_by"] = json!(staff.name);
            rec.data["reason"] = json!(reason);
            Ok(rec)
        },
    )
    .await
}

/// The record of a lost reservation, with the señal policy applied.
pub fn lost_record(app: &App, order: &Order, cause: &str, now: DateTime<Utc>) -> EventRecord {
    let policy = match app.settings.senal_on_reservation_lost {
        SenalPolicy::Retained => "retained",
        SenalPolicy::Refunded => "refund_pending",
    };
    let (es, en) = match policy {
        "retained" => (
            "La señal no se devuelve, según las condiciones de la reserva.",
            "The deposit is kept, as the reservation terms say.",
        ),
        _ => ("Te devolveremos la señal.", "We will refund your deposit."),
    };
    EventRecord {
        kind: caas_domain::timeline::TimelineKind::ReservationLost,
        at: now,
        data: json!({"cause": cause, "senal": order.plan.senal, "senal_policy": policy}),
        dedupe_key: format!("reservation-lost:{}", order.id),
        detail: Some(Detail::text(
            ("Reserva perdida", format!("El pago final no se completó a tiempo y el vehículo ya no está reservado para ti. {es} Puedes seguir consultando este expediente.")),
            ("Reservation lost", format!("The final payment was not completed in time and the vehicle is no longer reserved for you. {en} You can still read this purchase file.")),
        )),
        alert_message: String::new(),
        fact: None,
    }
}

/// Effect `ReleaseVehicle`: the vehicle becomes sin asignar and every key
/// installed on it is revoked on the car (MOB-6).
pub async fn release_vehicle_in(tx: &mut dyn Tx, app: &App, order: &Order) -> AppResult<()> {
    let now = app.clock.now();
    let Some(vid) = &order.vehicle_id else {
        return Ok(());
    };
    let mut v = tx.find_vehicle(vid).await?.ok_or(AppError::NotFound)?;
    let revoke = v.release(&order.id, now, "final payment not completed")?;
    v.version += 1;
    v.updated_at = now;
    if !tx.update_vehicle(&v).await? {
        return Err(AppError::Conflict(crate::refusal::Refusal::new(
            "vehicle_changed",
            "El vehículo ha cambiado mientras tanto; vuelve a intentarlo.",
            "The vehicle changed meanwhile; try again.",
        )));
    }
    for key_id in revoke {
        let job = AppJob::RevokeAppKey {
            vehicle_id: v.id.clone(),
            key_id,
        };
        tx.enqueue_job(&job.to_new_job(now, &app.settings)?, now)
            .await?;
    }
    Ok(())
}

/// Sin asignar stock visible to `staff` (their dealership; ADMIN all).
pub async fn list_stock(app: &App, staff: &Account) -> AppResult<Vec<Vehicle>> {
    check_staff(staff)?;
    let scope = if staff.role == Role::Admin {
        None
    } else {
        Some(staff.dealership_id.clone().ok_or(AppError::Forbidden)?)
    };
    let mut tx = app.store.read().await?;
    Ok(tx.list_stock(scope.as_ref()).await?)
}
