//! `POST /webhooks/payments`: payment gateway events.

use crate::routes::{def, Access, RouteDef, Surface};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use axum::routing::post;

/// Routes of this receiver.
pub fn routes() -> Vec<RouteDef> {
    vec![def(
        Method::POST,
        "/webhooks/payments",
        Surface::System,
        Access::Public,
        post(receive_payment_webhook),
    )]
}

async fn receive_payment_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let app = state.app.clone();
    super::receive(
        &state,
        state.webhook_secrets.payments.as_ref(),
        "payments",
        &headers,
        &body,
        |text| async move { caas_app::payments::events::ingest_payment_event(&app, &text).await },
    )
    .await
}
