//! The `/_sim/…` scenario controls every skeleton simulator has (no
//! authentication, JSON): the scenario with its webhook failure injection,
//! reset, counters, the record listing, manual stepping of a timeline, the
//! webhook attempt log and the release of held webhooks.

use super::{timeline, Core, Partner, PatchOf, SimRecord, SimScenario};
use crate::common::http::{json_response, parse_json, ApiError};
use crate::common::webhooks::WebhookFaults;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};
use std::sync::Arc;

/// The webhook part of a scenario patch, applied to the outbox.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WebhookPatch {
    /// Webhook failure injection (replaces all knobs).
    pub faults: Option<WebhookFaults>,
    /// Webhook receiver URL (`""` stops sending).
    pub url: Option<String>,
}

/// Applies a patch; returns the resulting scenario view.
pub fn apply_patch<P: Partner>(core: &Core<P>, patch: PatchOf<P>) -> Value {
    let webhooks = core.lock().scenario.apply_patch(patch);
    if let Some(faults) = webhooks.faults {
        core.sender.set_faults(faults);
    }
    if let Some(url) = webhooks.url {
        core.sender.set_url(Some(url).filter(|u| !u.is_empty()));
    }
    scenario_view(core)
}

/// Scenario plus webhook knobs and URL.
pub fn scenario_view<P: Partner>(core: &Core<P>) -> Value {
    let scenario = core.lock().scenario.clone();
    let mut view = serde_json::to_value(scenario).unwrap_or_else(|_| json!({}));
    view["webhooks"] = serde_json::to_value(core.sender.faults()).unwrap_or(Value::Null);
    view["webhook_url"] = json!(core.sender.url());
    view
}

/// Counters (`GET /_sim/stats`).
pub fn stats<P: Partner>(core: &Core<P>) -> Value {
    let w = core.sender.stats();
    let inner = core.lock();
    let [requests, created] = P::CREATE_COUNTERS;
    let mut counters = json!({
        "events_emitted": inner.events_emitted,
        "webhook_attempts": w.attempts,
        "webhook_deliveries_ok": w.deliveries_ok,
        "webhook_failed_attempts": w.failed_attempts,
        "webhook_dropped": w.dropped,
        "webhook_not_sent": w.not_sent,
        "webhook_gave_up": w.gave_up,
        "webhook_held": w.held,
        "webhook_disabled": w.disabled,
    });
    counters[requests] = json!(inner.create_requests);
    counters[created] = json!(inner.created);
    counters
}

/// The common `/_sim` routes (records under `/_sim/<collection>`).
pub fn router<P: Partner>() -> Router<Arc<Core<P>>> {
    let collection = format!("/_sim/{}", P::COLLECTION);
    Router::new()
        .route(
            "/_sim/scenario",
            get(get_scenario::<P>).post(post_scenario::<P>),
        )
        .route("/_sim/reset", post(reset::<P>))
        .route("/_sim/stats", get(get_stats::<P>))
        .route(&collection, get(list::<P>))
        .route(&format!("{collection}/{{id}}/advance"), post(advance::<P>))
        .route("/_sim/webhooks/attempts", get(attempts::<P>))
        .route("/_sim/webhooks/flush", post(flush::<P>))
}

async fn get_scenario<P: Partner>(State(core): State<Arc<Core<P>>>) -> Response {
    json_response(StatusCode::OK, &scenario_view(&*core))
}

async fn post_scenario<P: Partner>(
    State(core): State<Arc<Core<P>>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let patch: PatchOf<P> = parse_json(&body)?;
    Ok(json_response(StatusCode::OK, &apply_patch(&*core, patch)))
}

async fn reset<P: Partner>(State(core): State<Arc<Core<P>>>) -> Response {
    core.lock().scenario = P::Scenario::default();
    core.sender.set_faults(WebhookFaults::default());
    json_response(StatusCode::OK, &scenario_view(&*core))
}

async fn get_stats<P: Partner>(State(core): State<Arc<Core<P>>>) -> Response {
    json_response(StatusCode::OK, &stats(&*core))
}

async fn list<P: Partner>(State(core): State<Arc<Core<P>>>) -> Response {
    let inner = core.lock();
    let data: Vec<Value> = inner
        .in_creation_order()
        .map(SimRecord::sim_listing)
        .collect();
    json_response(StatusCode::OK, &json!({ "data": data }))
}

async fn advance<P: Partner>(
    State(core): State<Arc<Core<P>>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let event = timeline::advance(&*core, &id);
    let record = core.record_json(&id).ok_or_else(|| P::not_found(&id))?;
    let mut body = json!({ "event": event });
    body[P::RECORD_KEY] = record;
    Ok(json_response(StatusCode::OK, &body))
}

async fn attempts<P: Partner>(State(core): State<Arc<Core<P>>>) -> Response {
    json_response(
        StatusCode::OK,
        &json!({ "data": core.sender.attempt_log() }),
    )
}

async fn flush<P: Partner>(State(core): State<Arc<Core<P>>>) -> impl IntoResponse {
    core.sender.flush_held();
    StatusCode::NO_CONTENT
}
