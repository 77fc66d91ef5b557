//! Scenario controls under `/_sim/…` (no authentication, JSON): outcome
//! plans per shipment, booking and reschedule faults, webhook faults,
//! timeline pause and manual stepping, the dealership's reception, listings
//! and counters.

use super::api::shipment_not_found;
use super::plan::DeliveryPlan;
use super::state::Core;
use super::timeline::{self, Reception};
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
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

/// The active scenario (`GET /_sim/scenario` shows it with the webhook knobs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Scenario {
    /// Plan of shipments that get none from `plans_by_vin` / `next_plans`.
    pub default_plan: DeliveryPlan,
    /// Plans consumed one per booked shipment, in order.
    pub next_plans: VecDeque<DeliveryPlan>,
    /// Plan for the next booking of a VIN (consumed; wins over `next_plans`).
    pub plans_by_vin: BTreeMap<String, DeliveryPlan>,
    /// Timelines stop; use `POST /_sim/shipments/{id}/advance`.
    pub pause_timeline: bool,
    /// Next N bookings answer `503 carrier_unavailable` (not stored).
    pub unavailable_next: u32,
    /// `Retry-After` of those 503s, in seconds.
    pub retry_after_secs: u64,
    /// Next N bookings are executed, then answered after `slow_ms`.
    pub slow_next: u32,
    /// Delay of slow bookings, in milliseconds.
    pub slow_ms: u64,
    /// Next N valid reschedules answer `422 window_not_available`.
    pub window_not_available_next: u32,
    /// Emit `shipment.received_at_dealership` one step after each return.
    pub auto_receive_at_dealership: bool,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            default_plan: DeliveryPlan::Delivered,
            next_plans: VecDeque::new(),
            plans_by_vin: BTreeMap::new(),
            pause_timeline: false,
            unavailable_next: 0,
            retry_after_secs: 1,
            slow_next: 0,
            slow_ms: 0,
            window_not_available_next: 0,
            auto_receive_at_dealership: false,
        }
    }
}

impl Scenario {
    /// The plan of a new shipment of `vin` (consumes the VIN's or the next plan).
    pub fn take_plan(&mut self, vin: &str) -> DeliveryPlan {
        self.plans_by_vin
            .remove(vin)
            .or_else(|| self.next_plans.pop_front())
            .unwrap_or(self.default_plan)
    }
}

/// Body of `POST /_sim/scenario`: only the given fields change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScenarioPatch {
    /// See [`Scenario::default_plan`].
    pub default_plan: Option<DeliveryPlan>,
    /// Replaces the queue of [`Scenario::next_plans`].
    pub next_plans: Option<VecDeque<DeliveryPlan>>,
    /// Added to (or overwriting entries of) [`Scenario::plans_by_vin`].
    pub plans_by_vin: Option<BTreeMap<String, DeliveryPlan>>,
    /// See [`Scenario::pause_timeline`].
    pub pause_timeline: Option<bool>,
    /// See [`Scenario::unavailable_next`].
    pub unavailable_next: Option<u32>,
    /// See [`Scenario::retry_after_secs`].
    pub retry_after_secs: Option<u64>,
    /// See [`Scenario::slow_next`].
    pub slow_next: Option<u32>,
    /// See [`Scenario::slow_ms`].
    pub slow_ms: Option<u64>,
    /// See [`Scenario::window_not_available_next`].
    pub window_not_available_next: Option<u32>,
    /// See [`Scenario::auto_receive_at_dealership`].
    pub auto_receive_at_dealership: Option<bool>,
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
            default_plan,
            next_plans,
            pause_timeline,
            unavailable_next,
            retry_after_secs,
            slow_next,
            slow_ms,
            window_not_available_next,
            auto_receive_at_dealership
        );
        s.plans_by_vin.extend(p.plans_by_vin.unwrap_or_default());
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
        "bookings_requests": inner.bookings_requests,
        "shipments_created": inner.shipments_created,
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

/// Emits `shipment.received_at_dealership` now; `409 shipment_not_returned`
/// unless the shipment is `returned_to_dealership`.
pub fn receive(core: &Core, id: &str, reception: &Reception) -> Result<Value, ApiError> {
    let mut inner = core.lock();
    let s = inner
        .shipments
        .get_mut(id)
        .ok_or_else(|| shipment_not_found(id))?;
    match timeline::receive(core, s, reception) {
        Some(event) => {
            let shipment = s.to_json();
            inner.events_emitted += 1;
            Ok(json!({ "event": event, "shipment": shipment }))
        }
        None => Err(ApiError::new(
            StatusCode::CONFLICT,
            "shipment_not_returned",
            format!("Shipment is {}, not returned_to_dealership", s.status),
        )
        .with_details(json!({ "status": s.status }))),
    }
}

/// The `/_sim` routes.
pub fn router() -> Router<Arc<Core>> {
    Router::new()
        .route("/_sim/scenario", get(get_scenario).post(post_scenario))
        .route("/_sim/reset", post(reset))
        .route("/_sim/stats", get(get_stats))
        .route("/_sim/shipments", get(list_shipments))
        .route("/_sim/shipments/{id}/advance", post(advance))
        .route("/_sim/shipments/{id}/received", post(received))
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

async fn list_shipments(State(core): State<Arc<Core>>) -> Response {
    let inner = core.lock();
    let data: Vec<Value> = inner
        .shipment_ids
        .iter()
        .filter_map(|id| inner.shipments.get(id))
        .map(|s| {
            let mut v = s.to_json();
            v["plan"] = json!(s.plan);
            v["remaining_steps"] = json!(s.steps.len());
            v["events"] = json!(s.events.iter().map(|e| &e["type"]).collect::<Vec<_>>());
            v
        })
        .collect();
    json_response(StatusCode::OK, &json!({ "data": data }))
}

async fn advance(
    State(core): State<Arc<Core>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let event = timeline::advance(&core, &id);
    let shipment = core
        .shipment_json(&id)
        .ok_or_else(|| shipment_not_found(&id))?;
    Ok(json_response(
        StatusCode::OK,
        &json!({ "event": event, "shipment": shipment }),
    ))
}

async fn received(
    State(core): State<Arc<Core>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let reception: Reception = parse_json(&body)?;
    if reception.received_by.trim().is_empty() {
        return Err(ApiError::invalid_request("received_by must not be empty")
            .with_details(json!({ "field": "received_by" })));
    }
    Ok(json_response(
        StatusCode::OK,
        &receive(&core, &id, &reception)?,
    ))
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
