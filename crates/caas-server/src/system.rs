//! Operational endpoints: liveness, readiness, Prometheus metrics, the
//! OpenAPI document and the stylesheet.

use crate::api::ApiDoc;
use crate::routes::{def, Access, RouteDef, Surface};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use std::fmt::Write;
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

async fn metrics(State(state): State<AppState>) -> Response {
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
