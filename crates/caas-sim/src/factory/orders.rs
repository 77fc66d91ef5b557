//! Factory Orders API handlers on existing orders: fetch, search by
//! `order_reference`, the per-order event listing and platform cancellation.

use super::api::{begin, order_not_found};
use super::state::{status, Core, Order};
use super::timeline;
use crate::common::http::{json_response, parse_json_value_or_null, ApiError};
use crate::common::idempotency::key_from_headers;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// `GET /v1/orders/{id}`.
pub(super) async fn fetch(
    State(core): State<Arc<Core>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let order = core.order_json(&id).ok_or_else(|| order_not_found(&id))?;
    Ok(json_response(StatusCode::OK, &order))
}

/// `GET /v1/orders?order_reference=…` (all orders without the parameter).
pub(super) async fn search(
    State(core): State<Arc<Core>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let inner = core.lock();
    let reference = q.get("order_reference");
    let data: Vec<Value> = inner
        .order_ids
        .iter()
        .filter_map(|id| inner.orders.get(id))
        .filter(|o| reference.is_none_or(|r| *r == o.reference))
        .map(Order::to_json)
        .collect();
    json_response(StatusCode::OK, &json!({ "data": data }))
}

/// `GET /v1/orders/{id}/events`: every event recorded, in sequence order.
pub(super) async fn events(
    State(core): State<Arc<Core>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let inner = core.lock();
    let order = inner.orders.get(&id).ok_or_else(|| order_not_found(&id))?;
    Ok(json_response(
        StatusCode::OK,
        &json!({ "data": order.events }),
    ))
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
    let guard = match key {
        Some(key) => match begin(
            &core,
            &headers,
            &key,
            &format!("/v1/orders/{id}/cancel"),
            &value,
        ) {
            Ok(g) => Some(g),
            Err(resp) => return Ok(*resp),
        },
        None => None,
    };
    let outcome = cancel_order(&core, &id, &req);
    Ok(match (guard, outcome) {
        (Some(g), Ok(order)) => g.complete(StatusCode::OK, order),
        (Some(g), Err(err)) => g.complete_error(err),
        (None, Ok(order)) => json_response(StatusCode::OK, &order),
        (None, Err(err)) => err.into_response(),
    })
}

fn cancel_order(core: &Core, id: &str, req: &CancelBody) -> Result<Value, ApiError> {
    let mut inner = core.lock();
    let order = inner
        .orders
        .get_mut(id)
        .ok_or_else(|| order_not_found(id))?;
    if order.status == status::CANCELLED {
        return Ok(order.to_json());
    }
    if !order.is_cancellable() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "order_not_cancellable",
            format!("Order is {} and can no longer be cancelled", order.status),
        )
        .with_details(json!({ "status": order.status })));
    }
    order.plan.clear();
    let reason = match &req.comment {
        Some(c) if !c.trim().is_empty() => format!("{}: {c}", req.reason),
        _ => req.reason.clone(),
    };
    timeline::emit(
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
