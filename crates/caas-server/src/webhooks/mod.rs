//! Inbound partner webhooks (`shared/contracts/README.md` §5): the raw body
//! is verified (Standard Webhooks, 5-minute tolerance) before anything is
//! parsed, stored durably, and only then acknowledged with 2xx.

pub mod factory;
pub mod payments;
pub mod sms;
pub mod transport;

use crate::error::ApiError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use caas_app::error::AppResult;
use caas_app::AppError;
use caas_partners::webhooks::WebhookSecret;
use serde_json::json;

/// Largest accepted webhook body (contract: ≤ 64 KiB; the guard refuses
/// larger ones before the body is read).
pub const MAX_BODY: usize = crate::middleware::guard::SYSTEM_MAX_BODY;

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

fn unauthorized(detail: String) -> Response {
    let body = json!({"type": "/problems/webhook_signature", "title": "Unauthorized", "status": 401, "detail": detail});
    crate::error::problem(StatusCode::UNAUTHORIZED, body, &AppError::Unauthenticated)
}

/// Verifies, then hands the body (as text) to `ingest`; answers 200 for new
/// and repeated events alike, 401 for a bad signature, 400 for a bad body.
pub async fn receive<F, Fut>(
    state: &AppState,
    secret: Option<&WebhookSecret>,
    source: &'static str,
    headers: &HeaderMap,
    body: &Bytes,
    ingest: F,
) -> Response
where
    F: FnOnce(String) -> Fut,
    Fut: std::future::Future<Output = AppResult<bool>>,
{
    let Some(secret) = secret else {
        tracing::error!(
            source,
            "webhook received but no signing secret is configured"
        );
        return unauthorized("this receiver has no signing secret configured".into());
    };
    if body.len() > MAX_BODY {
        return ApiError(AppError::TooLarge {
            limit_bytes: MAX_BODY,
        })
        .into_response();
    }
    let now = state.app.clock.now().timestamp();
    if let Err(e) = secret.verify(
        header(headers, "webhook-id"),
        header(headers, "webhook-timestamp"),
        header(headers, "webhook-signature"),
        body,
        Some(now),
    ) {
        tracing::warn!(source, error = %e, "webhook refused");
        return unauthorized(e.to_string());
    }
    let Ok(text) = String::from_utf8(body.to_vec()) else {
        return ApiError(AppError::BadRequest("body is not UTF-8".into())).into_response();
    };
    match ingest(text).await {
        Ok(new) => {
            tracing::info!(
                source,
                id = header(headers, "webhook-id").unwrap_or("-"),
                new,
                "webhook stored"
            );
            (
                StatusCode::OK,
                axum::Json(json!({"received": true, "duplicate": !new})),
            )
                .into_response()
        }
        Err(e) => ApiError(e).into_response(),
    }
}
