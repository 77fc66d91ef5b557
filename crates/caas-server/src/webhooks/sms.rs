//! `POST /webhooks/sms`: SMS delivery receipts.

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
        "/webhooks/sms",
        Surface::System,
        Access::Public,
        post(receive_sms_receipt),
    )]
}

async fn receive_sms_receipt(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let app = state.app.clone();
    super::receive(
        &state,
        state.webhook_secrets.sms.as_ref(),
        "sms",
        &headers,
        &body,
        |text| async move { caas_app::notify::deliver::ingest_sms_receipt(&app, &text).await },
    )
    .await
}
