//! Scenario controls of the registry simulator under `/_sim/…` (no
//! authentication, JSON, global to every country): failure injection,
//! listings of the registrations and counters.

use super::state::{Core, Inner};
use crate::common::http::{json_response, parse_json, parse_json_value_or_null, ApiError};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// A rejection answered once by the next registration request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InjectedRejection {
    /// Contract code, e.g. `owner_identity_invalid`.
    pub code: String,
    /// HTTP status (default 422).
    #[serde(default)]
    pub status: Option<u16>,
    /// Message (default: a generic English text).
    #[serde(default)]
    pub message: Option<String>,
    /// `details` object.
    #[serde(default)]
    pub details: Value,
}

/// The active failure injection (`GET /_sim/scenario`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Scenario {
    /// Next N POSTs answer `503 registry_unavailable` (nothing registered).
    pub unavailable_next: u32,
    /// `Retry-After` of injected 503 and 409 answers (seconds).
    pub retry_after_secs: u64,
    /// Next N POSTs are processed (and committed) but answered after `slow_ms`.
    pub slow_next: u32,
    /// Delay of slow answers.
    pub slow_ms: u64,
    /// Next N POSTs answer `409 registration_in_progress`.
    pub in_progress_next: u32,
    /// VINs answered `409 vehicle_already_registered` (registered by another party).
    pub already_registered_vins: Vec<String>,
    /// Rejections answered, one per POST, before any real check.
    pub reject_next: Vec<InjectedRejection>,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            unavailable_next: 0,
            retry_after_secs: 1,
            slow_next: 0,
            slow_ms: 0,
            in_progress_next: 0,
            already_registered_vins: Vec::new(),
            reject_next: Vec::new(),
        }
    }
}

/// Body of `POST /_sim/scenario`: only the given fields change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScenarioPatch {
    /// See [`Scenario::unavailable_next`].
    pub unavailable_next: Option<u32>,
    /// See [`Scenario::retry_after_secs`].
    pub retry_after_secs: Option<u64>,
    /// See [`Scenario::slow_next`].
    pub slow_next: Option<u32>,
    /// See [`Scenario::slow_ms`].
    pub slow_ms: Option<u64>,
    /// See [`Scenario::in_progress_next`].
    pub in_progress_next: Option<u32>,
    /// See [`Scenario::already_registered_vins`] (replaces the list).
    pub already_registered_vins: Option<Vec<String>>,
    /// See [`Scenario::reject_next`] (replaces the list).
    pub reject_next: Option<Vec<InjectedRejection>>,
}

/// Applies a patch; returns the resulting scenario.
pub fn apply_patch(core: &Core, p: ScenarioPatch) -> Value {
    let mut inner = core.lock();
    if p.already_registered_vins.is_some() {
        inner.already_registered_at = Some(Utc::now());
    }
    let s = &mut inner.scenario;
    macro_rules! set {
        ($($f:ident),*) => { $(if let Some(v) = p.$f { s.$f = v; })* };
    }
    set!(
        unavailable_next,
        retry_after_secs,
        slow_next,
        slow_ms,
        in_progress_next,
        already_registered_vins,
        reject_next
    );
    json!(s)
}

/// Counters, as `GET /_sim/stats`.
pub fn stats(core: &Core) -> Value {
    let inner = core.lock();
    let mut out = json!(inner.totals);
    let per_country: Map<String, Value> = inner
        .services
        .iter()
        .map(|(cc, svc)| ((*cc).to_owned(), json!(svc.counters)))
        .collect();
    out["per_country"] = Value::Object(per_country);
    out
}

/// Every registration, per country, as `GET /_sim/registrations`.
pub fn registrations(inner: &Inner) -> Value {
    let per_country: Map<String, Value> = inner
        .services
        .iter()
        .map(|(cc, svc)| ((*cc).to_owned(), json!(svc.registrations)))
        .collect();
    let total: usize = inner.services.values().map(|s| s.registrations.len()).sum();
    json!({ "total": total, "per_country": per_country })
}

/// The `/_sim` routes.
pub fn router() -> Router<Arc<Core>> {
    Router::new()
        .route("/_sim/scenario", post(set_scenario).get(get_scenario))
        .route("/_sim/reset", post(reset))
        .route("/_sim/registrations", get(list).delete(forget))
        .route("/_sim/stats", get(get_stats))
}

async fn set_scenario(State(core): State<Arc<Core>>, body: Bytes) -> Result<Response, ApiError> {
    let patch: ScenarioPatch = parse_json(&body)?;
    Ok(json_response(StatusCode::OK, &apply_patch(&core, patch)))
}

async fn get_scenario(State(core): State<Arc<Core>>) -> Response {
    json_response(StatusCode::OK, &json!(core.lock().scenario))
}

async fn reset(State(core): State<Arc<Core>>, body: Bytes) -> Result<Response, ApiError> {
    parse_json_value_or_null(&body)?;
    let mut inner = core.lock();
    inner.scenario = Scenario::default();
    Ok(json_response(StatusCode::OK, &json!(inner.scenario)))
}

async fn list(State(core): State<Arc<Core>>) -> Response {
    json_response(StatusCode::OK, &registrations(&core.lock()))
}

async fn forget(State(core): State<Arc<Core>>) -> Response {
    let mut inner = core.lock();
    for svc in inner.services.values_mut() {
        svc.registrations.clear();
        svc.by_vin.clear();
        svc.plates.clear();
        svc.ids.clear();
    }
    json_response(StatusCode::OK, &registrations(&inner))
}

async fn get_stats(State(core): State<Arc<Core>>) -> Response {
    json_response(StatusCode::OK, &stats(&core))
}
