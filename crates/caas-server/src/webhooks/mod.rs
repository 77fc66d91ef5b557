//! Inbound partner webhooks (`shared/contracts/README.md` §5): the raw body
//! is verified (Standard Webhooks, 5-minute tolerance) before anything is
//! parsed, stored durably, and only then acknowledged with 2xx.

use crate::error::ApiError;
use crate::partners_setup::WebhookSecrets;
use crate::routes::{def, Access, RouteDef, Surface};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use caas_app::error::AppResult;
use caas_app::{App, AppError};
use caas_partners::webhooks::WebhookSecret;
use serde_json::json;
use std::future::Future;
use std::pin::Pin;

/// What storing one verified webhook body answers: whether it was new.
type Ingested<'a> = Pin<Box<dyn Future<Output = AppResult<bool>> + Send + 'a>>;

/// One partner that sends webhooks: where it posts, which secret signs its
/// events, and the use case that stores them.
struct Receiver {
    path: &'static str,
    source: &'static str,
    secret: fn(&WebhookSecrets) -> Option<&WebhookSecret>,
    ingest: for<'a> fn(&'a App, &'a str) -> Ingested<'a>,
}

fn factory<'a>(app: &'a App, text: &'a str) -> Ingested<'a> {
    Box::pin(caas_app::factory::events::ingest_factory_event(app, text))
}

fn payments<'a>(app: &'a App, text: &'a str) -> Ingested<'a> {
    Box::pin(caas_app::payments::events::ingest_payment_event(app, text))
}

fn sms<'a>(app: &'a App, text: &'a str) -> Ingested<'a> {
    Box::pin(caas_app::notify::deliver::ingest_sms_receipt(app, text))
}

fn transport<'a>(app: &'a App, text: &'a str) -> Ingested<'a> {
    Box::pin(caas_app::delivery::carrier_events::ingest_carrier_event(
        app, text,
    ))
}

/// Every receiver: factory order events, gateway payment events, SMS
/// delivery receipts, carrier shipment events.
static RECEIVERS: [Receiver; 4] = [
    Receiver {
        path: "/webhooks/factory",
        source: "factory",
        secret: |s| s.factory.as_ref(),
        ingest: factory,
    },
    Receiver {
        path: "/webhooks/payments",
        source: "payments",
        secret: |s| s.payments.as_ref(),
        ingest: payments,
    },
    Receiver {
        path: "/webhooks/sms",
        source: "sms",
        secret: |s| s.sms.as_ref(),
        ingest: sms,
    },
    Receiver {
        path: "/webhooks/transport",
        source: "transport",
        secret: |s| s.transport.as_ref(),
        ingest: transport,
    },
];

/// Routes of every receiver (public: the signature is the authentication).
pub fn routes() -> Vec<RouteDef> {
    RECEIVERS
        .iter()
        .map(|r| {
            let handler = move |State(state): State<AppState>, headers: HeaderMap, body: Bytes| async move {
                let app = state.app.clone();
                receive(&state, (r.secret)(&state.webhook_secrets), r.source, &headers, &body, |text| async move {
                    (r.ingest)(&app, &text).await
                })
                .await
            };
            def(Method::POST, r.path, Surface::System, Access::Public, post(handler))
        })
        .collect()
}

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
