//! Carrier API routes (`/v1/shipments…`, per `transport-api.md`) and the
//! booking handler: Idempotency-Key, shape validation, booking faults,
//! conflicts, business rules and atomic creation. Handlers on existing
//! shipments live in [`super::shipments`].

use super::shipments;
use super::state::{status, Core, SimShipment};
use super::timeline;
use super::validate::{check_shape, plan_windows, violations};
use crate::common::http::{bearer_token, parse_json, ApiError};
use crate::common::idempotency::{required_key, Begin, IdempotencyGuard};
use crate::common::new_id;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
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
        .route("/v1/shipments/{id}", get(shipments::fetch))
        .route("/v1/shipments/{id}/events", get(shipments::events))
        .route("/v1/shipments/{id}/cancel", post(shipments::cancel))
        .route("/v1/shipments/{id}/reschedule", post(shipments::reschedule))
}

/// `404 shipment_not_found`.
pub(super) fn shipment_not_found(id: &str) -> ApiError {
    ApiError::not_found("shipment_not_found", format!("No shipment {id}"))
}

/// `422 validation_failed` with `details.violations`.
pub(super) fn validation_failed(found: Vec<Value>) -> ApiError {
    let n = found.len();
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        format!("{n} violation{}", if n == 1 { "" } else { "s" }),
    )
    .with_details(json!({ "violations": found }))
}

/// Reserves the Idempotency-Key (scoped by the caller's API key), or the
/// replay / conflict response to return instead.
pub(super) fn begin(
    core: &Core,
    headers: &HeaderMap,
    key: &str,
    path: &str,
    body: &Value,
) -> Result<IdempotencyGuard, Box<Response>> {
    let scope = bearer_token(headers).unwrap_or_default();
    match core.idem.begin(scope, key, &Method::POST, path, body) {
        Begin::Proceed(guard) => Ok(guard),
        other => Err(Box::new(other.into_response())),
    }
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
    core.lock().bookings_requests += 1;
    let key = required_key(&headers)?;
    let value: Value = parse_json(&body)?;
    let req: ShipmentRequest = serde_json::from_value(value.clone())
        .map_err(|e| ApiError::invalid_request(format!("Invalid shipment: {e}")))?;
    check_shape(&req).map_err(|(field, msg)| {
        ApiError::invalid_request(format!("{field} {msg}")).with_details(json!({ "field": field }))
    })?;
    let guard = match begin(&core, &headers, &key, "/v1/shipments", &value) {
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
    if let Some(active) = inner.active_for_vin(&req.vin) {
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
        events: Vec::new(),
        steps: plan.steps(),
        request: req,
    };
    let id = shipment.id.clone();
    let body = shipment.to_json();
    inner
        .by_reference
        .insert(shipment.request.shipment_reference.clone(), id.clone());
    inner.shipment_ids.push(id.clone());
    inner.shipments.insert(id.clone(), shipment);
    inner.shipments_created += 1;
    let resp = guard.complete(StatusCode::CREATED, body);
    drop(inner);
    tracing::info!(shipment_id = %id, plan = ?plan, "shipment booked");
    timeline::spawn(core, id);
    resp
}
