//! `POST /api/v1/sales/{order_id}/delivery-entries`: what staff record by
//! hand when a carrier has no feed (DLV-1, DLV-4/5) — the factory leg's
//! embarkation, and each home-delivery step. The order moves exactly as the
//! carrier's webhooks would move it.

use super::views::OrderOut;
use crate::error::ApiError;
use crate::extract::path_id::PathId;
use crate::extract::viewer::{ApiJson, ApiUser};
use crate::routes::{def, Access, RouteDef, Surface, STAFF};
use crate::state::AppState;
use axum::extract::State;
use axum::http::Method;
use axum::routing::post;
use axum::Json;
use caas_app::delivery::staff_entries::{record_delivery_entry as record, DeliveryEntry};
use caas_domain::ids::OrderId;

/// Routes of this resource.
pub fn routes() -> Vec<RouteDef> {
    vec![def(
        Method::POST,
        "/api/v1/sales/{order_id}/delivery-entries",
        Surface::Api,
        Access::Roles(STAFF),
        post(record_delivery_entry),
    )]
}

/// Records one staff entry. The body is tagged by `entry`:
/// `factory_embarked {carrier, origin, vin?}`, `embarked {window_start,
/// window_end}`, `arrived`, `delivered {receiver_name, document_number}`,
/// `not_delivered {outcome}`, `phone {reached, window_start?, window_end?}`.
#[utoipa::path(post, path = "/api/v1/sales/{order_id}/delivery-entries", tag = "delivery", security(("bearer" = [])),
    params(("order_id" = String, Path)), request_body = DeliveryEntry,
    responses((status = 200, body = OrderOut), (status = 409, body = super::Problem), (status = 422, body = super::Problem)))]
pub async fn record_delivery_entry(
    State(s): State<AppState>,
    user: ApiUser,
    PathId(id): PathId<OrderId>,
    ApiJson(entry): ApiJson<DeliveryEntry>,
) -> Result<Json<OrderOut>, ApiError> {
    let o = record(&s.app, &user.ctx, &user.account, &id, &entry).await?;
    Ok(Json(OrderOut::from(&o)))
}
