//! `POST /webhooks/factory`: factory order events.

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
        "/webhooks/factory",
        Surface::System,
        Access::Public,
        post(receive_factory_webhook),
    )]
}

async fn receive_factory_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let app = state.app.clone();
    super::receive(
        &state,
        state.webhook_secrets.factory.as_ref(),
        "factory",
        &headers,
        &body,
        |text| async move { caas_app::factory::events::ingest_factory_event(&app, &text).await },
    )
    .await
}
