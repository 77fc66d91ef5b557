//! Scenario controls under `/_sim/…` (no authentication, JSON): failure
//! injection for creates and webhooks, timeline pause and manual stepping,
//! factory-initiated cancellation, listings and counters.

use super::catalogue::UnavailableComponent;
use super::state::{status, Core};
use super::timeline::{self, Step};
use crate::common::http::{json_response, parse_json, ApiError};
use crate::common::webhooks::WebhookFaults;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::Arc;

/// Slow `POST /v1/orders` responses.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SlowCreates {
    /// How many next creates are slow.
    pub count: u32,
    /// Seconds to wait before answering.
    pub secs: f64,
    /// Create the order (and store the idempotent 201) before waiting; when
    /// false, the request answers `503 factory_unavailable` after the wait.
    pub create_anyway: bool,
}

/// The active scenario (`GET /_sim/scenario` shows it with the webhook knobs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Scenario {
    /// Next N creates answer `503 factory_unavailable` with `Retry-After: 1`.
    pub unavailable_for_next_creates: u32,
    /// Slow creates.
    pub slow_creates: SlowCreates,
    /// Violations returned (422) by the next create, once.
    pub reject_next: Vec<Value>,
    /// Failed quality controls of each order created from now on.
    pub qc_failures: u32,
    /// Estimate revisions (days, ± ) after scheduling, for new orders.
    pub revisions: Vec<i64>,
    /// The next N created orders are cancelled by the factory after scheduling.
    pub factory_cancel_next: u32,
    /// Dealership ids refused with `unknown_dealership`.
    pub unknown_dealerships: Vec<String>,
    /// Localities refused (besides `Nowhere`).
    pub unserved_localities: Vec<String>,
    /// Parts unavailable (`component_unavailable`).
    pub unavailable_components: Vec<UnavailableComponent>,
    /// Timelines stop; use `POST /_sim/orders/{id}/advance`.
    pub pause_timeline: bool,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            unavailable_for_next_creates: 0,
            slow_creates: SlowCreates::default(),
            reject_next: Vec::new(),
            qc_failures: 0,
            revisions: vec![7],
            factory_cancel_next: 0,
            unknown_dealerships: Vec::new(),
            unserved_localities: Vec::new(),
            unavailable_components: Vec::new(),
            pause_timeline: false,
        }
    }
}

/// Body of `POST /_sim/scenario`: only the given fields change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScenarioPatch {
    /// See [`Scenario::unavailable_for_next_creates`].
    pub unavailable_for_next_creates: Option<u32>,
    /// See [`Scenario::slow_creates`].
    pub slow_creates: Option<SlowCreates>,
    /// See [`Scenario::reject_next`].
    pub reject_next: Option<Vec<Value>>,
    /// See [`Scenario::qc_failures`].
    pub qc_failures: Option<u32>,
    /// See [`Scenario::revisions`].
    pub revisions: Option<Vec<i64>>,
    /// See [`Scenario::factory_cancel_next`].
    pub factory_cancel_next: Option<u32>,
    /// See [`Scenario::unknown_dealerships`].
    pub unknown_dealerships: Option<Vec<String>>,
    /// See [`Scenario::unserved_localities`].
    pub unserved_localities: Option<Vec<String>>,
    /// See [`Scenario::unavailable_components`].
    pub unavailable_components: Option<Vec<UnavailableComponent>>,
    /// See [`Scenario::pause_timeline`].
    pub pause_timeline: Option<bool>,
    /// Webhook failure injection (replaces all knobs).
    pub webhooks: Option<WebhookFaults>,
    /// Webhook receiver URL (`""` stops sending).
    pub webhook_url: Option<String>,
}

/// Applies a patch; returns the resulting scenario view.
pub fn apply_patch(core: &Core, p: ScenarioPatch) -> Value {
    {
        let mut inner = core.lock();
        let s = &mut inner.scenario;
        macro_rules! set {
            ($($f:ident),*) => { $(if let Some(v) = p.$f { s.$f = v; })* };
        }
        set!(
            unavailable_for_next_creates,
            slow_creates,
            reject_next,
            qc_failures,
            revisions,
            factory_cancel_next,
            unknown_dealerships,
            unserved_localities,
            unavailable_components,
            pause_timeline
        );
    }
    if let Some(faults) = p.webhooks {
        core.sender.set_faults(faults);
    }
    if let Some(url) = p.webhook_url {
        core.sender.set_url(Some(url).filter(|u| !u.is_empty()));
    }
    scenario_view(core)
}

/// Scenario plus webhook knobs and URL.
pub fn scenario_view(core: &Core) -> Value {
    let scenario = core.lock().scenario.clone();
    let mut v = serde_json::to_value(scenario).unwrap_or_else(|_| json!({}));
    v["webhooks"] = serde_json::to_value(core.sender.faults()).unwrap_or(Value::Null);
    v["webhook_url"] = json!(core.sender.url());
    v
}

/// Counters (`GET /_sim/stats`).
pub fn stats(core: &Core) -> Value {
    let w = core.sender.stats();
    let inner = core.lock();
    json!({
        "create_requests": inner.create_requests,
        "orders_created": inner.orders_created,
        "events_emitted": inner.events_emitted,
        "webhook_attempts": w.attempts,
        "webhook_deliveries_ok": w.deliveries_ok,
        "webhook_failed_attempts": w.failed_attempts,
        "webhook_dropped": w.dropped,
        "webhook_not_sent": w.not_sent,
        "webhook_gave_up": w.gave_up,
        "webhook_held": w.held,
        "webhook_disabled": w.disabled,
    })
}

/// The `/_sim` routes.
pub fn router() -> Router<Arc<Core>> {
    Router::new()
        .route("/_sim/scenario", get(get_scenario).post(post_scenario))
        .route("/_sim/reset", post(reset))
        .route("/_sim/stats", get(get_stats))
        .route("/_sim/orders", get(list_orders))
        .route("/_sim/orders/{id}/advance", post(advance))
        .route("/_sim/orders/{id}/cancel", post(factory_cancel))
        .route("/_sim/webhooks/attempts", get(attempts))
        .route("/_sim/webhooks/flush", post(flush))
}

async fn get_scenario(State(core): State<Arc<Core>>) -> Response {
    json_response(StatusCode::OK, &scenario_view(&core))
}

async fn post_scenario(State(core): State<Arc<Core>>, body: Bytes) -> Result<Response, ApiError> {
    let patch: ScenarioPatch = parse_json(&body)?;
    Ok(json_response(StatusCode::OK, &apply_patch(&core, patch)))
}

async fn reset(State(core): State<Arc<Core>>) -> Response {
    core.lock().scenario = Scenario::default();
    core.sender.set_faults(WebhookFaults::default());
    json_response(StatusCode::OK, &scenario_view(&core))
}

async fn get_stats(State(core): State<Arc<Core>>) -> Response {
    json_response(StatusCode::OK, &stats(&core))
}

async fn list_orders(State(core): State<Arc<Core>>) -> Response {
    let inner = core.lock();
    let data: Vec<Value> = inner
        .order_ids
        .iter()
        .filter_map(|id| inner.orders.get(id))
        .map(|o| {
            let mut v = o.to_json();
            v["remaining_steps"] = json!(o.plan.len());
            v
        })
        .collect();
    json_response(StatusCode::OK, &json!({ "data": data }))
}

fn order_not_found(id: &str) -> ApiError {
    ApiError::not_found("order_not_found", format!("No factory order {id}"))
}

async fn advance(
    State(core): State<Arc<Core>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let event = timeline::advance(&core, &id);
    let order = core.order_json(&id).ok_or_else(|| order_not_found(&id))?;
    Ok(json_response(
        StatusCode::OK,
        &json!({ "event": event, "order": order }),
    ))
}

async fn factory_cancel(
    State(core): State<Arc<Core>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let status_now = {
        let inner = core.lock();
        inner
            .orders
            .get(&id)
            .map(|o| o.status)
            .ok_or_else(|| order_not_found(&id))?
    };
    if status_now == status::CANCELLED {
        return Ok(json_response(StatusCode::OK, &core.order_json(&id)));
    }
    {
        let mut inner = core.lock();
        let Some(order) = inner.orders.get_mut(&id) else {
            return Err(order_not_found(&id));
        };
        if !order.is_cancellable() {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "order_not_cancellable",
                format!("Order is {}", order.status),
            )
            .with_details(json!({"status": order.status})));
        }
        order.plan.clear();
        order.plan.push_back(Step::FactoryCancel);
    }
    timeline::advance(&core, &id);
    Ok(json_response(StatusCode::OK, &core.order_json(&id)))
}

async fn attempts(State(core): State<Arc<Core>>) -> Response {
    json_response(
        StatusCode::OK,
        &json!({ "data": core.sender.attempt_log() }),
    )
}

async fn flush(State(core): State<Arc<Core>>) -> impl IntoResponse {
    core.sender.flush_held();
    StatusCode::NO_CONTENT
}
