//! Operational endpoints: liveness, readiness, Prometheus metrics, the
//! OpenAPI document and the stylesheet.

use crate::api::ApiDoc;
use crate::error::ApiError;
use crate::extract::viewer::Viewer;
use crate::middleware::guard::constant_time_eq;
use crate::routes::{def, Access, RouteDef, Surface};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use caas_app::AppError;
use std::fmt::Write;
use std::net::IpAddr;
use utoipa::OpenApi;

/// Routes of this file.
pub fn routes() -> Vec<RouteDef> {
    vec![
        def(
            Method::GET,
            "/healthz",
            Surface::System,
            Access::Public,
            get(healthz),
        ),
        def(
            Method::GET,
            "/readyz",
            Surface::System,
            Access::Public,
            get(readyz),
        ),
        def(
            Method::GET,
            "/metrics",
            Surface::System,
            Access::Public,
            get(metrics),
        ),
        def(
            Method::GET,
            "/api/openapi.json",
            Surface::System,
            Access::Public,
            get(openapi_json),
        ),
        def(
            Method::GET,
            "/static/app.css",
            Surface::System,
            Access::Public,
            get(stylesheet),
        ),
    ]
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(state): State<AppState>) -> Response {
    match state.app.store.ready().await {
        Ok(()) => (
            StatusCode::OK,
            Json(
                serde_json::json!({"status": "ready", "database": state.app.store.backend_name()}),
            ),
        )
            .into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"status": "unavailable"})),
            )
                .into_response()
        }
    }
}

/// The refusal of a `/metrics` scrape, if any (WEB-2): with `metrics_token` set, a caller
/// presenting it as a bearer token (401 otherwise); unset, loopback clients
/// only (403 otherwise; behind a proxy the client is the forwarded address
/// when `trust_forwarded_for` is on).
fn metrics_refusal(state: &AppState, headers: &HeaderMap, viewer: &Viewer) -> Option<Response> {
    match &state.metrics_token {
        Some(token) => {
            let sent = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| {
                    v.strip_prefix("Bearer ")
                        .or_else(|| v.strip_prefix("bearer "))
                })
                .map(str::trim);
            if sent.is_some_and(|s| constant_time_eq(s.as_bytes(), token.expose().as_bytes())) {
                return None;
            }
            let mut resp = ApiError(AppError::Unauthenticated).into_response();
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"caas-metrics\""),
            );
            Some(resp)
        }
        None => {
            let loopback = viewer
                .ctx
                .ip
                .as_deref()
                .and_then(|ip| ip.parse::<IpAddr>().ok())
                .is_some_and(|ip| ip.to_canonical().is_loopback());
            (!loopback).then(|| ApiError(AppError::Forbidden).into_response())
        }
    }
}

async fn metrics(State(state): State<AppState>, headers: HeaderMap, viewer: Viewer) -> Response {
    if let Some(refused) = metrics_refusal(&state, &headers, &viewer) {
        return refused;
    }
    let mut out = String::new();
    state.metrics.render(&mut out);
    let _ = writeln!(out, "# HELP caas_jobs Jobs by state.");
    let _ = writeln!(out, "# TYPE caas_jobs gauge");
    match caas_app::ops::job_counts(&state.app).await {
        Ok(counts) => {
            for (s, n) in counts {
                let _ = writeln!(out, "caas_jobs{{state=\"{}\"}} {n}", s.as_str());
            }
        }
        Err(e) => tracing::warn!(error = %e, "job counts unavailable for metrics"),
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out).into_response()
}

async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/app.css"),
    )
        .into_response()
}
