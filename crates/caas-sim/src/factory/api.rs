//! Factory Orders API routes (`/v1/orders…`, per `factory-api.md`) and the
//! create handler: Idempotency-Key, validation, create faults, atomic
//! creation. Handlers on existing orders live in [`super::orders`].

use super::catalogue::{check_shape, violations, CreateOrder, Rules};
use super::orders;
use super::state::{status, today, Core, Order};
use super::timeline::{self, INITIAL_ESTIMATE_DAYS};
use super::FactoryPartner;
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
use chrono::{Duration as Days, Utc};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// The `/v1` routes (authentication is layered by the caller).
pub fn router() -> Router<Arc<Core>> {
    Router::new()
        .route("/v1/orders", post(create).get(orders::search))
        .route("/v1/orders/{id}", get(requests::fetch::<FactoryPartner>))
        .route("/v1/orders/{id}/cancel", post(orders::cancel))
        .route(
            "/v1/orders/{id}/events",
            get(requests::events::<FactoryPartner>),
        )
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
    let create = read_create::<CreateOrder>(&headers, &body, "order")?;
    let req = create.parsed;
    check_shape(&req).map_err(|(field, msg)| shape_error(field, msg))?;
    let guard = match reserve_key(&*core, &headers, &create.key, "/v1/orders", &create.body) {
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
        return guard.complete_error(violations_error("order_validation_failed", found));
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
        progress: Progress::new(timeline::plan(
            &inner.scenario.revisions,
            inner.scenario.qc_failures,
            factory_cancel,
        )),
    };
    let id = order.id.clone();
    let body = order.to_json();
    inner.insert(order.reference.clone(), order);
    let resp = guard.complete(StatusCode::CREATED, body);
    drop(inner);
    spawn(core, id);
    resp
}
