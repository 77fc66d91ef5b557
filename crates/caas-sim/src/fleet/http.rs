//! `/_sim/…` HTTP controls of the fleet simulator (no auth, JSON bodies).

use super::{Core, FaultsPatch, NewVehicle, OfflineMode, SimError};
use crate::common::http::{
    json_response, not_found_fallback, parse_json, parse_json_value_or_null, ApiError,
};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

type Shared = State<Arc<Core>>;

/// The control routes over `core`.
pub(crate) fn router(core: Arc<Core>) -> Router {
    Router::new()
        .route("/_sim/vehicles", get(list).post(add))
        .route("/_sim/vehicles/{vin}", get(show))
        .route("/_sim/vehicles/{vin}/online", post(online))
        .route("/_sim/vehicles/{vin}/offline", post(offline))
        .route("/_sim/vehicles/{vin}/faults", post(faults))
        .route("/_sim/vehicles/{vin}/ignition", post(ignition))
        .route("/_sim/vehicles/{vin}/report", post(report))
        .route("/_sim/vehicles/{vin}/features/{code}", post(set_feature))
        .route("/_sim/stats", get(stats))
        .fallback(not_found_fallback)
        .with_state(core)
}

impl From<SimError> for ApiError {
    fn from(err: SimError) -> Self {
        match err {
            SimError::Invalid(msg) => ApiError::invalid_request(msg),
            SimError::NotFound(vin) => {
                ApiError::not_found("vehicle_not_found", format!("No simulated vehicle {vin}"))
            }
        }
    }
}

async fn add(State(core): Shared, body: Bytes) -> Result<Response, ApiError> {
    let spec: NewVehicle = match parse_json_value_or_null(&body)? {
        Value::Null => NewVehicle::default(),
        _ => parse_json(&body)?,
    };
    let (v, created) = core.add(spec, true).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(json_response(status, &v.view()))
}

async fn list(State(core): Shared) -> Response {
    let data: Vec<Value> = core
        .all()
        .iter()
        .map(|v| {
            let view = v.view();
            let enabled: Vec<Value> = view["features"]
                .as_array()
                .map(|fs| {
                    fs.iter()
                        .filter(|f| f["enabled"] == true)
                        .map(|f| f["code"].clone())
                        .collect()
                })
                .unwrap_or_default();
            json!({"vin": view["vin"], "online": view["online"], "connection": view["connection"],
                "ignition": view["ignition"], "seq": view["seq"], "enabled": enabled})
        })
        .collect();
    json_response(StatusCode::OK, &json!({ "data": data }))
}

async fn show(State(core): Shared, Path(vin): Path<String>) -> Result<Response, ApiError> {
    Ok(json_response(StatusCode::OK, &core.get(&vin)?.view()))
}

async fn online(State(core): Shared, Path(vin): Path<String>) -> Result<Response, ApiError> {
    let up = core.online(&vin).await?;
    let view = core.get(&vin)?.view();
    Ok(json_response(
        StatusCode::OK,
        &json!({"online": up, "vehicle": view}),
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct OfflineBody {
    #[serde(default)]
    clean: bool,
    #[serde(default)]
    mode: Option<String>,
}

async fn offline(
    State(core): Shared,
    Path(vin): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: OfflineBody = match parse_json_value_or_null(&body)? {
        Value::Null => OfflineBody::default(),
        _ => parse_json(&body)?,
    };
    let mode = match (body.clean, body.mode.as_deref()) {
        (true, _) | (false, Some("clean")) => OfflineMode::Clean,
        (false, None | Some("silent")) => OfflineMode::Silent,
        (false, Some("drop")) => OfflineMode::Drop,
        (false, Some(_)) => {
            return Err(ApiError::invalid_request(
                "mode must be silent, drop or clean",
            ))
        }
    };
    core.offline(&vin, mode).await?;
    Ok(json_response(StatusCode::OK, &core.get(&vin)?.view()))
}

async fn faults(
    State(core): Shared,
    Path(vin): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let patch: FaultsPatch = parse_json(&body)?;
    Ok(json_response(
        StatusCode::OK,
        &core.patch_faults(&vin, patch)?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IgnitionBody {
    on: bool,
}

async fn ignition(
    State(core): Shared,
    Path(vin): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: IgnitionBody = parse_json(&body)?;
    let v = core.get(&vin)?;
    v.set_ignition(body.on);
    Ok(json_response(StatusCode::OK, &v.view()))
}

async fn report(State(core): Shared, Path(vin): Path<String>) -> Result<Response, ApiError> {
    let v = core.get(&vin)?;
    if !v.report_now() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "vehicle_offline",
            "The vehicle is not connected",
        ));
    }
    Ok(json_response(StatusCode::OK, &v.view()))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FeatureBody {
    enabled: bool,
}

async fn set_feature(
    State(core): Shared,
    Path((vin, code)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: FeatureBody = parse_json(&body)?;
    let v = core.get(&vin)?;
    if !v.set_feature(&code, body.enabled) {
        return Err(ApiError::not_found(
            "feature_not_installed",
            format!("{vin} has no feature {code}"),
        ));
    }
    Ok(json_response(StatusCode::OK, &v.view()))
}

async fn stats(State(core): Shared) -> Response {
    json_response(StatusCode::OK, &core.stats())
}
