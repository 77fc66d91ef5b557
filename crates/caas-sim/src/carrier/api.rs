//! Carrier API routes (`/v1/shipments…`, per `transport-api.md`) and the
//! booking handler: Idempotency-Key, shape validation, booking faults,
//! conflicts, business rules and atomic creation. Handlers on existing
//! shipments live in [`super::shipments`].

use super::shipments;
use super::state::{active_for_vin, status, Core, SimShipment};
use super::validate::{check_shape, plan_windows, violations};
use super::CarrierPartner;
use crate::common::http::ApiError;
use crate::common::idempotency::IdempotencyGuard;
use crate::common::new_id;
use crate::common::skeleton::requests::{
    self, read_create, reserve_key, shape_error, violations_error,
};
use crate::common::skeleton::timeline::spawn;
use crate::common::skeleton::{Progress, SimRecord};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use caas_domain::partners_delivery::ShipmentRequest;
use chrono::Utc;
use rand::Rng;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// The `/v1` routes (authentication is layered by the caller).
pub fn router() -> Router<Arc<Core>> {
    Router::new()
        .route("/v1/shipments", post(book))
        .route("/v1/shipments/{id}", get(requests::fetch::<CarrierPartner>))
        .route(
            "/v1/shipments/{id}/events",
            get(requests::events::<CarrierPartner>),
        )
        .route("/v1/shipments/{id}/cancel", post(shipments::cancel))
        .route("/v1/shipments/{id}/reschedule", post(shipments::reschedule))
}

/// `404 shipment_not_found`.
pub(super) fn shipment_not_found(id: &str) -> ApiError {
    ApiError::not_found("shipment_not_found", format!("No shipment {id}"))
}

/// `422 validation_failed` with `details.violations`.
pub(super) fn validation_failed(found: Vec<Value>) -> ApiError {
    violations_error("validation_failed", found)
}

enum Fault {
    Unavailable(u64),
    Slow(u64),
}

async fn book(
    State(core): State<Arc<Core>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    core.lock().create_requests += 1;
    let create = read_create::<ShipmentRequest>(&headers, &body, "shipment")?;
    let req = create.parsed;
    check_shape(&req).map_err(|(field, msg)| shape_error(field, msg))?;
    let guard = match reserve_key(&*core, &headers, &create.key, "/v1/shipments", &create.body) {
        Ok(g) => g,
        Err(resp) => return Ok(*resp),
    };
    let fault = {
        let mut inner = core.lock();
        let s = &mut inner.scenario;
        if s.unavailable_next > 0 {
            s.unavailable_next -= 1;
            Some(Fault::Unavailable(s.retry_after_secs))
        } else if s.slow_next > 0 {
            s.slow_next -= 1;
            Some(Fault::Slow(s.slow_ms))
        } else {
            None
        }
    };
    match fault {
        Some(Fault::Unavailable(secs)) => {
            let err = ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "carrier_unavailable",
                "The carrier cannot take bookings right now",
            )
            .with_retry_after(secs);
            Ok(guard.complete_error(err))
        }
        Some(Fault::Slow(ms)) => {
            let resp = execute(&core, req, guard);
            tokio::time::sleep(Duration::from_millis(ms)).await;
            Ok(resp)
        }
        None => Ok(execute(&core, req, guard)),
    }
}

/// Checks conflicts and rules and books atomically; the outcome is stored
/// with the key.
fn execute(core: &Arc<Core>, req: ShipmentRequest, guard: IdempotencyGuard) -> Response {
    let now = Utc::now();
    let mut inner = core.lock();
    if let Some(existing) = inner.by_reference.get(&req.shipment_reference) {
        let err = ApiError::new(
            StatusCode::CONFLICT,
            "duplicate_shipment_reference",
            format!(
                "Shipment reference {} was already booked",
                req.shipment_reference
            ),
        )
        .with_details(json!({ "shipment_id": existing }));
        return guard.complete_error(err);
    }
    let found = violations(&req, now);
    if !found.is_empty() {
        return guard.complete_error(validation_failed(found));
    }
    if let Some(active) = active_for_vin(&inner, &req.vin) {
        let err = ApiError::new(
            StatusCode::CONFLICT,
            "active_shipment_exists",
            format!(
                "VIN {} already has shipment {} ({})",
                req.vin, active.id, active.status
            ),
        )
        .with_details(json!({ "shipment_id": active.id }));
        return guard.complete_error(err);
    }
    let plan = inner.scenario.take_plan(&req.vin);
    let (planned_pickup, planned_delivery) = plan_windows(&req, now);
    let shipment = SimShipment {
        id: new_id("shp"),
        status: status::BOOKED,
        plan,
        planned_pickup,
        planned_delivery,
        delivery_attempts: 0,
        last_sequence: 0,
        odometer_km: rand::thread_rng().gen_range(5..40),
        rescheduled_after_attempt: false,
        created_at: now,
        updated_at: now,
        progress: Progress::new(plan.steps()),
        request: req,
    };
    let id = shipment.id.clone();
    let body = shipment.to_json();
    inner.insert(shipment.request.shipment_reference.clone(), shipment);
    let resp = guard.complete(StatusCode::CREATED, body);
    drop(inner);
    tracing::info!(shipment_id = %id, plan = ?plan, "shipment booked");
    spawn(core, id);
    resp
}
