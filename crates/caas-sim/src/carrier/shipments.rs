//! Carrier API handlers on existing shipments: platform cancellation (only
//! while `booked`) and platform reschedules (no webhook is sent for them);
//! fetch and the per-shipment event listing are the skeleton's.

use super::api::{shipment_not_found, validation_failed};
use super::state::{status, Core};
use super::validate::{shifted, window_ok};
use crate::common::http::{parse_json, parse_json_value_or_null, ApiError};
use crate::common::idempotency::{key_from_headers, required_key};
use crate::common::skeleton::requests::{
    finish, reserve_key, reserve_optional_key, status_conflict,
};
use crate::common::skeleton::SimRecord;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use caas_domain::partners_delivery::TimeWindow;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// Statuses in which the delivery window may still change.
pub const RESCHEDULABLE: [&str; 4] = [
    status::BOOKED,
    status::EMBARKED,
    status::ATTEMPT_FAILED,
    status::AWAITING_REDELIVERY,
];

#[derive(Deserialize)]
struct CancelBody {
    #[serde(default)]
    reason: Option<String>,
}

/// `POST /v1/shipments/{id}/cancel` (Idempotency-Key optional, body optional).
pub(super) async fn cancel(
    State(core): State<Arc<Core>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let key = key_from_headers(&headers)?;
    let value = parse_json_value_or_null(&body)?;
    let req: CancelBody = match &value {
        Value::Null => CancelBody { reason: None },
        v => serde_json::from_value(v.clone())
            .map_err(|e| ApiError::invalid_request(format!("Invalid cancel request: {e}")))?,
    };
    tracing::info!(shipment_id = %id, reason = ?req.reason, "cancel requested");
    let path = format!("/v1/shipments/{id}/cancel");
    let guard = match reserve_optional_key(&*core, &headers, key, &path, &value) {
        Ok(g) => g,
        Err(resp) => return Ok(*resp),
    };
    Ok(finish(guard, cancel_shipment(&core, &id)))
}

fn cancel_shipment(core: &Core, id: &str) -> Result<Value, ApiError> {
    let mut inner = core.lock();
    let s = inner
        .records
        .get_mut(id)
        .ok_or_else(|| shipment_not_found(id))?;
    match s.status {
        status::CANCELLED => Ok(s.to_json()),
        status::BOOKED => {
            s.status = status::CANCELLED;
            s.progress.steps.clear();
            s.updated_at = chrono::Utc::now();
            Ok(s.to_json())
        }
        other => Err(status_conflict(
            "shipment_not_cancellable",
            format!("Shipment is {other}; only booked shipments can be cancelled"),
            other,
        )),
    }
}

#[derive(Deserialize)]
struct RescheduleBody {
    delivery_window: TimeWindow,
    #[serde(default)]
    reason: Option<String>,
}

/// `POST /v1/shipments/{id}/reschedule` (Idempotency-Key required).
pub(super) async fn reschedule(
    State(core): State<Arc<Core>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let key = required_key(&headers)?;
    let value: Value = parse_json(&body)?;
    let req: RescheduleBody = serde_json::from_value(value.clone())
        .map_err(|e| ApiError::invalid_request(format!("Invalid reschedule request: {e}")))?;
    tracing::info!(shipment_id = %id, reason = ?req.reason, "reschedule requested");
    let path = format!("/v1/shipments/{id}/reschedule");
    let guard = match reserve_key(&*core, &headers, &key, &path, &value) {
        Ok(g) => g,
        Err(resp) => return Ok(*resp),
    };
    Ok(finish(
        Some(guard),
        reschedule_shipment(&core, &id, &req.delivery_window),
    ))
}

fn reschedule_shipment(core: &Core, id: &str, window: &TimeWindow) -> Result<Value, ApiError> {
    let mut inner = core.lock();
    let refuse_window = inner.scenario.window_not_available_next > 0;
    let s = inner
        .records
        .get_mut(id)
        .ok_or_else(|| shipment_not_found(id))?;
    if !RESCHEDULABLE.contains(&s.status) {
        let message = format!(
            "Shipment is {}; the delivery window can no longer change",
            s.status
        );
        return Err(status_conflict(
            "shipment_not_reschedulable",
            message,
            s.status,
        ));
    }
    if !window_ok(window) {
        let found = vec![json!({"code": "invalid_window", "field": "delivery_window"})];
        return Err(validation_failed(found));
    }
    if refuse_window {
        inner.scenario.window_not_available_next -= 1;
        let alternatives: Vec<Value> = [1, 2]
            .iter()
            .map(|d| super::state::window_json(&shifted(window, *d)))
            .collect();
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "window_not_available",
            "The carrier has no capacity in this window",
        )
        .with_details(json!({ "alternatives": alternatives })));
    }
    s.planned_delivery = window.clone();
    s.rescheduled_after_attempt = s.status == status::ATTEMPT_FAILED;
    s.updated_at = chrono::Utc::now();
    Ok(s.to_json())
}
