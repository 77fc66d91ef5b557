//! Factory Orders API handlers on existing orders: search by
//! `order_reference` and platform cancellation (fetch and the per-order
//! event listing are the skeleton's).

use super::api::order_not_found;
use super::state::{status, Core, Order};
use crate::common::http::{json_response, parse_json_value_or_null, ApiError};
use crate::common::idempotency::key_from_headers;
use crate::common::skeleton::requests::{finish, reserve_optional_key, status_conflict};
use crate::common::skeleton::timeline::emit;
use crate::common::skeleton::SimRecord;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// `GET /v1/orders?order_reference=…` (all orders without the parameter).
pub(super) async fn search(
    State(core): State<Arc<Core>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let inner = core.lock();
    let reference = q.get("order_reference");
    let data: Vec<Value> = inner
        .in_creation_order()
        .filter(|o| reference.is_none_or(|r| *r == o.reference))
        .map(Order::to_json)
        .collect();
    json_response(StatusCode::OK, &json!({ "data": data }))
}

#[derive(Deserialize)]
struct CancelBody {
    reason: String,
    #[serde(default)]
    comment: Option<String>,
}

const CANCEL_REASONS: [&str; 3] = ["reservation_cancelled", "customer_withdrawal", "other"];

/// `POST /v1/orders/{id}/cancel` (Idempotency-Key optional).
pub(super) async fn cancel(
    State(core): State<Arc<Core>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let key = key_from_headers(&headers)?;
    let value = parse_json_value_or_null(&body)?;
    let req: CancelBody = serde_json::from_value(value.clone())
        .map_err(|e| ApiError::invalid_request(format!("Invalid cancel request: {e}")))?;
    if !CANCEL_REASONS.contains(&req.reason.as_str()) {
        return Err(
            ApiError::invalid_request(format!("Unknown reason {}", req.reason))
                .with_details(json!({ "field": "reason" })),
        );
    }
    let path = format!("/v1/orders/{id}/cancel");
    let guard = match reserve_optional_key(&*core, &headers, key, &path, &value) {
        Ok(g) => g,
        Err(resp) => return Ok(*resp),
    };
    Ok(finish(guard, cancel_order(&core, &id, &req)))
}

fn cancel_order(core: &Core, id: &str, req: &CancelBody) -> Result<Value, ApiError> {
    let mut inner = core.lock();
    let order = inner
        .records
        .get_mut(id)
        .ok_or_else(|| order_not_found(id))?;
    if order.status == status::CANCELLED {
        return Ok(order.to_json());
    }
    if !order.is_cancellable() {
        let message = format!("Order is {} and can no longer be cancelled", order.status);
        return Err(status_conflict(
            "order_not_cancellable",
            message,
            order.status,
        ));
    }
    order.progress.steps.clear();
    let reason = match &req.comment {
        Some(c) if !c.trim().is_empty() => format!("{}: {c}", req.reason),
        _ => req.reason.clone(),
    };
    emit(
        core,
        order,
        "order.cancelled",
        status::CANCELLED,
        json!({ "cancelled_by": "platform", "reason": reason }),
    );
    let body = order.to_json();
    inner.events_emitted += 1;
    Ok(body)
}
