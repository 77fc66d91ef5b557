//! HTTP surface of the SMS provider: `/v1/messages` (bearer auth,
//! `Idempotency-Key` required) and the `/_sim/…` controls.

use super::engine::Provider;
use crate::common::http::{
    json_response, parse_json_value_or_null, require_bearer, ApiError, ApiKey,
};
use crate::common::idempotency::{required_key, Begin, IdempotencyStore};
use crate::common::webhooks::{WebhookFaults, WebhookSender};
use crate::payments::inject::{inject_failures, RequestFaults, RequestFaultsPatch};
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// Shared state of the SMS simulator's routes.
#[derive(Clone)]
pub(crate) struct App {
    pub provider: Arc<Provider>,
    pub idem: IdempotencyStore,
    pub api_key: ApiKey,
    pub faults: RequestFaults,
    pub webhooks: WebhookSender,
}

/// The `/v1` routes, behind auth and request-fault injection.
pub(crate) fn api_routes(app: App) -> Router {
    Router::new()
        .route("/v1/messages", post(send_message))
        .route("/v1/messages/{id}", get(get_message))
        .route_layer(axum::middleware::from_fn_with_state(
            app.api_key.clone(),
            require_bearer,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            app.faults.clone(),
            inject_failures,
        ))
        .with_state(app)
}

/// The `/_sim` routes.
pub(crate) fn control_routes(app: App) -> Router {
    Router::new()
        .route("/_sim/scenario", get(get_scenario).post(set_scenario))
        .route("/_sim/stats", get(stats))
        .route("/_sim/messages", get(messages))
        .route("/_sim/webhooks", get(webhooks))
        .with_state(app)
}

async fn send_message(
    State(app): State<App>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    raw: Bytes,
) -> Response {
    let key = match required_key(&headers) {
        Ok(k) => k,
        Err(e) => return e.into_response(),
    };
    let body = match parse_json_value_or_null(&raw) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let guard = match app
        .idem
        .begin(&app.api_key.0, &key, &method, uri.path(), &body)
    {
        Begin::Proceed(g) => g,
        other => return other.into_response(),
    };
    match app.provider.accept(&body) {
        Ok(message) => {
            let value = serde_json::to_value(&message).unwrap_or(Value::Null);
            guard.complete(StatusCode::ACCEPTED, value)
        }
        Err(e) => guard.complete_error(e),
    }
}

async fn get_message(State(app): State<App>, Path(id): Path<String>) -> Response {
    match app.provider.get(&id) {
        Some(m) => json_response(StatusCode::OK, &m),
        None => ApiError::not_found("message_not_found", "No such message").into_response(),
    }
}

/// Body of `POST /_sim/scenario` for the SMS simulator; absent fields are
/// left unchanged.
#[derive(Debug, Default, Deserialize)]
pub struct SmsScenario {
    /// `unavailable_for_next_requests`, `rate_limited_for_next_requests`, `retry_after_secs`.
    #[serde(flatten)]
    pub requests: RequestFaultsPatch,
    /// Replaces the webhook fault knobs (duplicates, shuffle, drop…).
    pub webhooks: Option<WebhookFaults>,
    /// Changes the webhook URL (`null` stops sending).
    pub webhook_url: Option<Value>,
    /// Replaces the opted-out numbers (`422 destination_blocked`).
    pub blocked_numbers: Option<Vec<String>>,
}

fn scenario_state(app: &App) -> Value {
    let mut blocked: Vec<String> = app.provider.lock().blocked.iter().cloned().collect();
    blocked.sort();
    json!({
        "requests": app.faults.state(),
        "webhooks": app.webhooks.faults(),
        "webhook_url": app.webhooks.url(),
        "blocked_numbers": blocked,
    })
}

async fn get_scenario(State(app): State<App>) -> Response {
    json_response(StatusCode::OK, &scenario_state(&app))
}

async fn set_scenario(
    State(app): State<App>,
    body: Result<Json<SmsScenario>, JsonRejection>,
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
    if let Some(numbers) = s.blocked_numbers {
        app.provider.lock().blocked = numbers.into_iter().collect();
    }
    json_response(StatusCode::OK, &scenario_state(&app))
}

async fn stats(State(app): State<App>) -> Response {
    let counters = app.provider.lock().stats.clone();
    let mut body = serde_json::to_value(counters).unwrap_or_else(|_| json!({}));
    body["idempotency_keys_stored"] = json!(app.idem.stored_len());
    body["webhooks"] = serde_json::to_value(app.webhooks.stats()).unwrap_or(Value::Null);
    body["requests"] = serde_json::to_value(app.faults.state()).unwrap_or(Value::Null);
    json_response(StatusCode::OK, &body)
}

#[derive(Deserialize)]
struct MessageFilter {
    to: Option<String>,
    reference: Option<String>,
}

async fn messages(State(app): State<App>, Query(f): Query<MessageFilter>) -> Response {
    let st = app.provider.lock();
    let data: Vec<Value> = st
        .order
        .iter()
        .filter_map(|id| st.messages.get(id))
        .filter(|r| f.to.as_ref().is_none_or(|to| *to == r.message.to))
        .filter(|r| {
            f.reference
                .as_ref()
                .is_none_or(|re| Some(re) == r.message.reference.as_ref())
        })
        .map(|r| serde_json::to_value(r).unwrap_or(Value::Null))
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
