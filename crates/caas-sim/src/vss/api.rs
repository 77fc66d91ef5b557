//! The VSS contract routes (GET only): `/v1/vehicles/{vin}/maintenance-record`
//! and `/v1/vehicles/{vin}/compliance`. Order of checks: latency, `400
//! invalid_vin`, injected 503/500, `304` on a matching `If-None-Match` (not
//! rate limited), the per-credential rate limit (`429`), `404
//! vehicle_not_found` (unless an unknown-VIN preset is configured), then
//! `200` with `ETag` and `Cache-Control`.

use super::fixtures::{Body, Fixture};
use super::state::Core;
use crate::common::http::{bearer_token, ApiError};
use axum::extract::{Path, State};
use axum::http::header::{ALLOW, CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use caas_partners::registration::pattern;
use std::sync::Arc;
use std::time::Duration;

/// `Cache-Control` of every answer with a body or a validator.
pub const CACHE_POLICY: &str = "private, max-age=900";

/// The `/v1` routes (authentication is layered by the caller).
pub fn router() -> Router<Arc<Core>> {
    Router::new()
        .route(
            "/v1/vehicles/{vin}/maintenance-record",
            get(maintenance_record).fallback(method_not_allowed),
        )
        .route(
            "/v1/vehicles/{vin}/compliance",
            get(compliance).fallback(method_not_allowed),
        )
}

/// True for a contract VIN: 17 chars of `[A-HJ-NPR-Z0-9]`.
pub fn vin_is_valid(vin: &str) -> bool {
    pattern::matches("^[A-HJ-NPR-Z0-9]{17}$", vin)
}

async fn method_not_allowed() -> Response {
    let err = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "VSS is read-only: only GET is allowed",
    );
    let mut resp = err.into_response();
    resp.headers_mut()
        .insert(ALLOW, HeaderValue::from_static("GET"));
    resp
}

async fn maintenance_record(
    State(core): State<Arc<Core>>,
    Path(vin): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    answer(&core, &vin, &headers, |f| &f.record).await
}

async fn compliance(
    State(core): State<Arc<Core>>,
    Path(vin): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    answer(&core, &vin, &headers, |f| &f.compliance).await
}

/// True when `If-None-Match` lists `etag` (weak comparison) or `*`.
fn matches_etag(headers: &HeaderMap, etag: &str) -> bool {
    let strip = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || strip(t) == strip(etag))
}

/// Adds `ETag` and `Cache-Control` to a response.
fn with_validators(mut resp: Response, etag: &str) -> Response {
    let headers = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(etag) {
        headers.insert(ETAG, v);
    }
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(CACHE_POLICY));
    resp
}

async fn answer(
    core: &Core,
    vin: &str,
    headers: &HeaderMap,
    pick: fn(&Fixture) -> &Body,
) -> Result<Response, ApiError> {
    let latency = {
        let mut inner = core.lock();
        inner.stats.requests += 1;
        inner.scenario.latency_ms
    };
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let mut inner = core.lock();
    if !vin_is_valid(vin) {
        inner.stats.invalid_vin += 1;
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_vin",
            format!("{vin} is not a 17-character VIN"),
        ));
    }
    let s = &mut inner.scenario;
    if s.unavailable_next > 0 {
        s.unavailable_next -= 1;
        let secs = s.retry_after_secs;
        inner.stats.unavailable += 1;
        let msg = "VSS is in a maintenance window";
        return Err(
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "service_unavailable", msg)
                .with_retry_after(secs),
        );
    }
    if s.error_next > 0 {
        s.error_next -= 1;
        inner.stats.errors += 1;
        let msg = "Internal error (injected)";
        return Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            msg,
        ));
    }
    let body = core.fixture(&mut inner, vin).map(|f| pick(&f).clone());
    if let Some(body) = body.as_ref().filter(|b| matches_etag(headers, &b.etag)) {
        inner.stats.not_modified += 1;
        return Ok(with_validators(
            StatusCode::NOT_MODIFIED.into_response(),
            &body.etag,
        ));
    }
    drop(inner);
    if let Err(secs) = core.charge(bearer_token(headers).unwrap_or_default()) {
        core.lock().stats.rate_limited += 1;
        let msg = "Rate limit exceeded for this credential";
        return Err(
            ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", msg)
                .with_retry_after(secs),
        );
    }
    let Some(body) = body else {
        core.lock().stats.not_found += 1;
        return Err(ApiError::not_found(
            "vehicle_not_found",
            format!("VIN {vin} is unknown to VSS"),
        ));
    };
    core.lock().stats.ok += 1;
    let resp = (
        StatusCode::OK,
        [(CONTENT_TYPE, "application/json")],
        body.bytes,
    )
        .into_response();
    Ok(with_validators(resp, &body.etag))
}
