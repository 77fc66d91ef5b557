//! `GET /api/v1/vehicles/{vehicle_id}/catalogue`: one car's feature store
//! for its owner — what can be bought for it, in what state each option is
//! for this car, and its connectivity. Another customer's car is 404.

use super::views::CarCatalogueOut;
use crate::error::ApiError;
use crate::extract::path_id::PathId;
use crate::extract::viewer::ApiUser;
use crate::routes::{def, Access, RouteDef, Surface, CUSTOMER};
use crate::state::AppState;
use axum::extract::State;
use axum::http::Method;
use axum::routing::get;
use axum::Json;
use caas_app::purchases::view_store;
use caas_domain::ids::VehicleId;

/// Routes of this resource.
pub fn routes() -> Vec<RouteDef> {
    vec![def(
        Method::GET,
        "/api/v1/vehicles/{vehicle_id}/catalogue",
        Surface::Api,
        Access::Roles(CUSTOMER),
        get(view_car_catalogue),
    )]
}

/// The options on sale for one of the caller's cars, with their offers and state.
#[utoipa::path(get, path = "/api/v1/vehicles/{vehicle_id}/catalogue", tag = "purchases", security(("bearer" = [])),
    params(("vehicle_id" = String, Path)), responses((status = 200, body = CarCatalogueOut), (status = 404, body = super::Problem)))]
pub async fn view_car_catalogue(
    State(s): State<AppState>,
    user: ApiUser,
    PathId(id): PathId<VehicleId>,
) -> Result<Json<CarCatalogueOut>, ApiError> {
    let v = view_store(&s.app, &user.account, &id).await?;
    Ok(Json(CarCatalogueOut::from(&v)))
}
