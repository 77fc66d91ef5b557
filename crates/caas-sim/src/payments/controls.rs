//! Test controls under `/_sim/…` (JSON, no auth): scenario knobs (request
//! outages, webhook faults, webhook URL), counters and per-intent details.

use super::engine::intent_summary;
use super::http::App;
use super::inject::RequestFaultsPatch;
use crate::common::http::{json_response, ApiError};
use crate::common::webhooks::WebhookFaults;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

/// Body of `POST /_sim/scenario`; absent fields are left unchanged.
#[derive(Debug, Default, Deserialize)]
pub struct Scenario {
    /// `unavailable_for_next_requests`, `rate_limited_for_next_requests`, `retry_after_secs`.
    #[serde(flatten)]
    pub requests: RequestFaultsPatch,
    /// Replaces the webhook fault knobs (duplicates, shuffle, drop…).
    pub webhooks: Option<WebhookFaults>,
    /// Changes the webhook URL (`null` stops sending).
    pub webhook_url: Option<Value>,
}

/// The `/_sim` routes.
pub(crate) fn routes(app: App) -> Router {
    Router::new()
        .route("/_sim/scenario", get(get_scenario).post(set_scenario))
        .route("/_sim/stats", get(stats))
        .route("/_sim/intents", get(intents))
        .route("/_sim/webhooks", get(webhooks))
        .with_state(app)
}

fn scenario_state(app: &App) -> Value {
    json!({
        "requests": app.faults.state(),
        "webhooks": app.webhooks.faults(),
        "webhook_url": app.webhooks.url(),
    })
}

async fn get_scenario(State(app): State<App>) -> Response {
    json_response(StatusCode::OK, &scenario_state(&app))
}

async fn set_scenario(
    State(app): State<App>,
    body: Result<Json<Scenario>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(s)) = body else {
        return ApiError::invalid_request("Invalid scenario JSON").into_response();
    };
    match s.webhook_url {
        None => {}
        Some(Value::Null) => app.webhooks.set_url(None),
        Some(Value::String(url)) => app.webhooks.set_url(Some(url)),
        Some(_) => {
            return ApiError::invalid_request("webhook_url must be a string or null")
                .into_response()
        }
    }
    app.faults.apply(&s.requests);
    if let Some(w) = s.webhooks {
        app.webhooks.set_faults(w);
    }
    json_response(StatusCode::OK, &scenario_state(&app))
}

async fn stats(State(app): State<App>) -> Response {
    let counters = {
        let st = app.gw.lock();
        let mut c = st.stats.clone();
        c.events_emitted = st.intents.values().map(|r| r.events.len() as u64).sum();
        c
    };
    let mut body = serde_json::to_value(counters).unwrap_or_else(|_| json!({}));
    body["idempotency_keys_stored"] = json!(app.idem.stored_len());
    body["webhooks"] = serde_json::to_value(app.webhooks.stats()).unwrap_or(Value::Null);
    body["requests"] = serde_json::to_value(app.faults.state()).unwrap_or(Value::Null);
    json_response(StatusCode::OK, &body)
}

#[derive(Deserialize)]
struct IntentFilter {
    customer_reference: Option<String>,
}

async fn intents(State(app): State<App>, Query(f): Query<IntentFilter>) -> Response {
    let st = app.gw.lock();
    let data: Vec<Value> = st
        .intent_order
        .iter()
        .filter_map(|id| st.intents.get(id))
        .filter(|r| {
            f.customer_reference
                .as_ref()
                .is_none_or(|c| *c == r.intent.customer_reference)
        })
        .map(intent_summary)
        .collect();
    json_response(StatusCode::OK, &json!({ "data": data }))
}

async fn webhooks(State(app): State<App>) -> Response {
    json_response(
        StatusCode::OK,
        &json!({
            "faults": app.webhooks.faults(),
            "stats": app.webhooks.stats(),
            "attempts": app.webhooks.attempt_log(),
        }),
    )
}
