//! Factory Orders API routes (`/v1/orders…`, per `factory-api.md`) and the
//! create handler: Idempotency-Key, validation, create faults, atomic
//! creation. Handlers on existing orders live in [`super::orders`].

use super::catalogue::{check_shape, violations, CreateOrder, Rules};
use super::orders;
use super::state::{status, today, Core, Order};
use super::timeline::{self, INITIAL_ESTIMATE_DAYS};
use crate::common::http::{bearer_token, parse_json, ApiError};
use crate::common::idempotency::{required_key, Begin, IdempotencyGuard};
use crate::common::new_id;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{Duration as Days, Utc};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

/// The `/v1` routes (authentication is layered by the caller).
pub fn router() -> Router<Arc<Core>> {
    Router::new()
        .route("/v1/orders", post(create).get(orders::search))
        .route("/v1/orders/{id}", get(orders::fetch))
        .route("/v1/orders/{id}/cancel", post(orders::cancel))
        .route("/v1/orders/{id}/events", get(orders::events))
}

pub(super) fn order_not_found(id: &str) -> ApiError {
    ApiError::not_found("order_not_found", format!("No factory order {id}"))
}

fn unavailable() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "factory_unavailable",
        "The factory is temporarily unavailable",
    )
    .with_retry_after(1)
}

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
    Unavailable,
    Slow { secs: f64, create_anyway: bool },
}

async fn create(
    State(core): State<Arc<Core>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    core.lock().create_requests += 1;
    let key = required_key(&headers)?;
    let value: Value = parse_json(&body)?;
    let req: CreateOrder = serde_json::from_value(value.clone())
        .map_err(|e| ApiError::invalid_request(format!("Invalid order: {e}")))?;
    check_shape(&req).map_err(|(field, msg)| {
        ApiError::invalid_request(format!("{field} {msg}")).with_details(json!({ "field": field }))
    })?;
    let guard = match begin(&core, &headers, &key, "/v1/orders", &value) {
        Ok(g) => g,
        Err(resp) => return Ok(*resp),
    };
    let fault = {
        let mut inner = core.lock();
        let s = &mut inner.scenario;
        if s.unavailable_for_next_creates > 0 {
            s.unavailable_for_next_creates -= 1;
            Some(Fault::Unavailable)
        } else if s.slow_creates.count > 0 {
            s.slow_creates.count -= 1;
            Some(Fault::Slow {
                secs: s.slow_creates.secs,
                create_anyway: s.slow_creates.create_anyway,
            })
        } else {
            None
        }
    };
    let wait = |secs: f64| tokio::time::sleep(Duration::from_secs_f64(secs.max(0.0)));
    match fault {
        Some(Fault::Unavailable) => Ok(guard.complete_error(unavailable())),
        Some(Fault::Slow {
            secs,
            create_anyway: false,
        }) => {
            wait(secs).await;
            Ok(guard.complete_error(unavailable()))
        }
        Some(Fault::Slow {
            secs,
            create_anyway: true,
        }) => {
            let resp = execute(&core, &req, guard);
            wait(secs).await;
            Ok(resp)
        }
        None => Ok(execute(&core, &req, guard)),
    }
}

/// Validates and creates atomically; the outcome is stored with the key.
fn execute(core: &Arc<Core>, req: &CreateOrder, guard: IdempotencyGuard) -> Response {
    let mut inner = core.lock();
    if let Some(existing) = inner.by_reference.get(&req.order_reference) {
        let err = ApiError::new(
            StatusCode::CONFLICT,
            "duplicate_order_reference",
            format!(
                "Order reference {} was already ordered",
                req.order_reference
            ),
        )
        .with_details(json!({ "factory_order_id": existing }));
        return guard.complete_error(err);
    }
    let forced = std::mem::take(&mut inner.scenario.reject_next);
    let s = &inner.scenario;
    let rules = Rules {
        unknown_dealerships: &s.unknown_dealerships,
        unserved_localities: &s.unserved_localities,
        unavailable_components: &s.unavailable_components,
    };
    let mut found = forced;
    found.extend(violations(req, &rules));
    if !found.is_empty() {
        let n = found.len();
        let err = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "order_validation_failed",
            format!("{n} violation{}", if n == 1 { "" } else { "s" }),
        )
        .with_details(json!({ "violations": found }));
        return guard.complete_error(err);
    }
    let factory_cancel = inner.scenario.factory_cancel_next > 0;
    if factory_cancel {
        inner.scenario.factory_cancel_next -= 1;
    }
    let now = Utc::now();
    let order = Order {
        id: new_id("fo"),
        reference: req.order_reference.clone(),
        status: status::RECEIVED,
        model_code: req.model_code.clone(),
        option_codes: req.option_codes.clone(),
        dealership_id: req.dealership_id.clone(),
        delivery: req.delivery.clone(),
        estimate: today() + Days::days(INITIAL_ESTIMATE_DAYS),
        vin: None,
        last_sequence: 0,
        created_at: now,
        updated_at: now,
        events: Vec::new(),
        plan: timeline::plan(
            &inner.scenario.revisions,
            inner.scenario.qc_failures,
            factory_cancel,
        ),
    };
    let id = order.id.clone();
    let body = order.to_json();
    inner
        .by_reference
        .insert(order.reference.clone(), id.clone());
    inner.order_ids.push(id.clone());
    inner.orders.insert(id.clone(), order);
    inner.orders_created += 1;
    let resp = guard.complete(StatusCode::CREATED, body);
    drop(inner);
    timeline::spawn(core, id);
    resp
}
