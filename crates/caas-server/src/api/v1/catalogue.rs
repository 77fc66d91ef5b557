//! `/api/v1/catalogue`: plataformas base and their options, in both languages.

use super::views::{CatalogueOut, OptionOut, PlatformOut};
use crate::error::ApiError;
use crate::extract::viewer::ApiUser;
use crate::routes::{def, Access, RouteDef, Surface};
use crate::state::AppState;
use axum::extract::State;
use axum::http::Method;
use axum::routing::get;
use axum::Json;

/// Routes of this resource.
pub fn routes() -> Vec<RouteDef> {
    vec![def(
        Method::GET,
        "/api/v1/catalogue",
        Surface::Api,
        Access::Authenticated,
        get(view_catalogue),
    )]
}

/// The whole catalogue.
#[utoipa::path(get, path = "/api/v1/catalogue", tag = "catalogue", security(("bearer" = [])), responses((status = 200, body = CatalogueOut)))]
pub async fn view_catalogue(
    State(state): State<AppState>,
    _user: ApiUser,
) -> Result<Json<CatalogueOut>, ApiError> {
    let c = caas_app::catalogue::load_catalogue(&state.app).await?;
    Ok(Json(CatalogueOut {
        platforms: c.platforms.iter().map(PlatformOut::from).collect(),
        options: c.options.iter().map(OptionOut::from).collect(),
    }))
}
