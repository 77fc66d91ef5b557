//! `POST /webhooks/transport`: carrier shipment events.

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
        "/webhooks/transport",
        Surface::System,
        Access::Public,
        post(receive_transport_webhook),
    )]
}

async fn receive_transport_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let app = state.app.clone();
    super::receive(
        &state,
        state.webhook_secrets.transport.as_ref(),
        "transport",
        &headers,
        &body,
        |text| async move {
            caas_app::delivery::carrier_events::ingest_carrier_event(&app, &text).await
        },
    )
    .await
}
