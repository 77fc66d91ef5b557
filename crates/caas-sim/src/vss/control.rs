//! Controls of the VSS simulator under `/_sim/…` (no authentication, JSON):
//! per-VIN fixtures and presets, failure injection (503, 500, latency) and
//! counters.

use super::api::vin_is_valid;
use super::fixtures::{build, preset, Fixture, FixtureInput};
use super::state::{Core, Stats};
use crate::common::http::{json_response, parse_json, parse_json_value_or_null, ApiError};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::Arc;

/// Failure injection (`GET /_sim/scenario`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Scenario {
    /// Next N `/v1` requests answer `503 service_unavailable`.
    pub unavailable_next: u32,
    /// `Retry-After` of injected 503s.
    pub retry_after_secs: u64,
    /// Next N `/v1` requests answer `500 internal_error`.
    pub error_next: u32,
    /// Extra latency of every `/v1` request (e.g. above the 5 s client timeout).
    pub latency_ms: u64,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            unavailable_next: 0,
            retry_after_secs: 1,
            error_next: 0,
            latency_ms: 0,
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
    /// See [`Scenario::error_next`].
    pub error_next: Option<u32>,
    /// See [`Scenario::latency_ms`].
    pub latency_ms: Option<u64>,
}

/// Applies a patch; returns the resulting scenario.
pub fn apply_patch(core: &Core, p: ScenarioPatch) -> Value {
    let mut inner = core.lock();
    let s = &mut inner.scenario;
    macro_rules! set {
        ($($f:ident),*) => { $(if let Some(v) = p.$f { s.$f = v; })* };
    }
    set!(unavailable_next, retry_after_secs, error_next, latency_ms);
    json!(s)
}

/// Stores a fixture for `vin` (replacing any); returns the new ETags.
pub fn set_fixture(core: &Core, vin: &str, input: FixtureInput) -> Result<Value, ApiError> {
    if !vin_is_valid(vin) {
        return Err(ApiError::invalid_request(format!("{vin} is not a VIN")));
    }
    let fixture = build(vin, input)?;
    let view = view(vin, &fixture);
    core.lock().fixtures.insert(vin.to_owned(), fixture);
    Ok(view)
}

fn view(vin: &str, f: &Fixture) -> Value {
    let parse = |b: &[u8]| serde_json::from_slice::<Value>(b).unwrap_or(Value::Null);
    json!({"vin": vin,
           "maintenance_record": parse(&f.record.bytes), "maintenance_record_etag": f.record.etag,
           "compliance": parse(&f.compliance.bytes), "compliance_etag": f.compliance.etag})
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PresetBody {
    preset: String,
}

/// The `/_sim` routes.
pub fn router() -> Router<Arc<Core>> {
    Router::new()
        .route(
            "/_sim/vehicles/{vin}",
            get(get_fixture).put(put_fixture).delete(delete_fixture),
        )
        .route("/_sim/vehicles/{vin}/preset", post(put_preset))
        .route("/_sim/scenario", post(set_scenario).get(get_scenario))
        .route("/_sim/reset", post(reset))
        .route("/_sim/stats", get(get_stats))
}

async fn put_fixture(
    State(core): State<Arc<Core>>,
    Path(vin): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: FixtureInput = parse_json(&body)?;
    Ok(json_response(
        StatusCode::OK,
        &set_fixture(&core, &vin, input)?,
    ))
}

async fn put_preset(
    State(core): State<Arc<Core>>,
    Path(vin): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: PresetBody = parse_json(&body)?;
    let input = preset(&vin, &body.preset).ok_or_else(|| {
        ApiError::invalid_request("preset must be ok, overdue_battery, void_warranty or new")
            .with_details(json!({"field": "preset"}))
    })?;
    Ok(json_response(
        StatusCode::OK,
        &set_fixture(&core, &vin, input)?,
    ))
}

fn no_fixture(vin: &str) -> ApiError {
    ApiError::not_found("vehicle_not_found", format!("No fixture for {vin}"))
}

async fn get_fixture(
    State(core): State<Arc<Core>>,
    Path(vin): Path<String>,
) -> Result<Response, ApiError> {
    let inner = core.lock();
    let fixture = inner.fixtures.get(&vin).ok_or_else(|| no_fixture(&vin))?;
    Ok(json_response(StatusCode::OK, &view(&vin, fixture)))
}

async fn delete_fixture(
    State(core): State<Arc<Core>>,
    Path(vin): Path<String>,
) -> Result<Response, ApiError> {
    let removed = core.lock().fixtures.remove(&vin);
    removed.ok_or_else(|| no_fixture(&vin))?;
    Ok(json_response(
        StatusCode::OK,
        &json!({"vin": vin, "deleted": true}),
    ))
}

async fn set_scenario(State(core): State<Arc<Core>>, body: Bytes) -> Result<Response, ApiError> {
    let patch: ScenarioPatch = parse_json(&body)?;
    Ok(json_response(StatusCode::OK, &apply_patch(&core, patch)))
}

async fn get_scenario(State(core): State<Arc<Core>>) -> Response {
    json_response(StatusCode::OK, &json!(core.lock().scenario))
}

/// Default scenario, counters zeroed, rate-limit buckets refilled (fixtures kept).
async fn reset(State(core): State<Arc<Core>>, body: Bytes) -> Result<Response, ApiError> {
    parse_json_value_or_null(&body)?;
    let mut inner = core.lock();
    inner.scenario = Scenario::default();
    inner.stats = Stats::default();
    inner.buckets.clear();
    Ok(json_response(StatusCode::OK, &json!(inner.scenario)))
}

async fn get_stats(State(core): State<Arc<Core>>) -> Response {
    json_response(StatusCode::OK, &json!(core.lock().stats))
}
