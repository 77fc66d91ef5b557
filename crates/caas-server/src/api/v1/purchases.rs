//! `/api/v1/vehicles/{vehicle_id}/purchases…` and `/api/v1/purchases/{id}`:
//! the owner quotes an offer, confirms a basket, follows each purchase and
//! downloads its invoice once it is charged.
//! Ownership is checked before a body is read (404 first, SEC-3).

use super::views::{BasketOut, PurchaseOut, QuoteOut};
use crate::error::ApiError;
use crate::extract::path_id::PathId;
use crate::extract::viewer::{parse_json, ApiUser};
use crate::routes::{def, Access, RouteDef, Surface, CUSTOMER};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Json;
use caas_app::purchases::{self, BasketItemIn};
use caas_domain::ids::{PurchaseId, VehicleId};
use serde::Deserialize;
use utoipa::ToSchema;

fn customer(
    method: Method,
    path: &'static str,
    h: axum::routing::MethodRouter<AppState>,
) -> RouteDef {
    def(method, path, Surface::Api, Access::Roles(CUSTOMER), h)
}

/// Routes of this resource.
pub fn routes() -> Vec<RouteDef> {
    vec![
        customer(
            Method::POST,
            "/api/v1/vehicles/{vehicle_id}/purchases/quote",
            post(quote_offer),
        ),
        customer(
            Method::POST,
            "/api/v1/vehicles/{vehicle_id}/purchases",
            post(confirm_basket),
        ),
        customer(
            Method::GET,
            "/api/v1/vehicles/{vehicle_id}/purchases",
            get(list_purchases),
        ),
        customer(
            Method::GET,
            "/api/v1/purchases/{purchase_id}",
            get(view_purchase),
        ),
        customer(
            Method::GET,
            "/api/v1/purchases/{purchase_id}/invoice",
            get(download_purchase_invoice),
        ),
    ]
}

/// One offer of one option.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OfferChoiceIn {
    /// Option code (`POWER_PLUS_50`).
    pub option_code: String,
    /// Offer id (`off_…`).
    pub offer_id: String,
}

/// A confirmed basket: the options and the card to authorise.
#[derive(Debug, Deserialize, ToSchema)]
pub struct BasketIn {
    /// 1–20 options, each checked, charged and activated on its own.
    pub items: Vec<OfferChoiceIn>,
    /// A saved card (`pm_…`) or a one-time token from the gateway's card fields (`tok_…`).
    pub payment_method: String,
}

/// The confirmation screen of one offer: price, period and withdrawal terms.
#[utoipa::path(post, path = "/api/v1/vehicles/{vehicle_id}/purchases/quote", tag = "purchases", security(("bearer" = [])),
    params(("vehicle_id" = String, Path)), request_body = OfferChoiceIn,
    responses((status = 200, body = QuoteOut), (status = 404, body = super::Problem), (status = 409, body = super::Problem)))]
pub async fn quote_offer(
    State(s): State<AppState>,
    user: ApiUser,
    PathId(id): PathId<VehicleId>,
    body: axum::body::Bytes,
) -> Result<Json<QuoteOut>, ApiError> {
    purchases::check_own_car(&s.app, &user.account, &id).await?;
    let b: OfferChoiceIn = parse_json(&body)?;
    let q =
        purchases::quote_purchase(&s.app, &user.account, &id, &b.option_code, &b.offer_id).await?;
    Ok(Json(QuoteOut::from(&q)))
}

/// Confirms a basket: each item is refused with its reason or started.
#[utoipa::path(post, path = "/api/v1/vehicles/{vehicle_id}/purchases", tag = "purchases", security(("bearer" = [])),
    params(("vehicle_id" = String, Path)), request_body = BasketIn,
    responses((status = 201, body = BasketOut), (status = 404, body = super::Problem), (status = 422, body = super::Problem)))]
pub async fn confirm_basket(
    State(s): State<AppState>,
    user: ApiUser,
    PathId(id): PathId<VehicleId>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<BasketOut>), ApiError> {
    purchases::check_own_car(&s.app, &user.account, &id).await?;
    let b: BasketIn = parse_json(&body)?;
    let items: Vec<BasketItemIn> = b
        .items
        .into_iter()
        .map(|i| BasketItemIn {
            option_code: i.option_code,
            offer_id: i.offer_id,
        })
        .collect();
    let out = purchases::confirm_purchases(
        &s.app,
        &user.ctx,
        &user.account,
        &id,
        &items,
        &b.payment_method,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(BasketOut::new(&out, user.account.language)),
    ))
}

/// The caller's purchases for one of their cars, newest first.
#[utoipa::path(get, path = "/api/v1/vehicles/{vehicle_id}/purchases", tag = "purchases", security(("bearer" = [])),
    params(("vehicle_id" = String, Path)), responses((status = 200, body = Vec<PurchaseOut>), (status = 404, body = super::Problem)))]
pub async fn list_purchases(
    State(s): State<AppState>,
    user: ApiUser,
    PathId(id): PathId<VehicleId>,
) -> Result<Json<Vec<PurchaseOut>>, ApiError> {
    let list = purchases::list_car_purchases(&s.app, &user.account, &id).await?;
    Ok(Json(list.iter().map(PurchaseOut::from).collect()))
}

/// One purchase of the caller (404 for anyone else's).
#[utoipa::path(get, path = "/api/v1/purchases/{purchase_id}", tag = "purchases", security(("bearer" = [])),
    params(("purchase_id" = String, Path)), responses((status = 200, body = PurchaseOut), (status = 404, body = super::Problem)))]
pub async fn view_purchase(
    State(s): State<AppState>,
    user: ApiUser,
    PathId(id): PathId<PurchaseId>,
) -> Result<Json<PurchaseOut>, ApiError> {
    let p = purchases::view_purchase(&s.app, &user.account, &id).await?;
    Ok(Json(PurchaseOut::from(&p)))
}

/// The invoice PDF of one of the caller's purchases, once captured (404
/// before, for a purchase never charged, and for anyone else's).
#[utoipa::path(get, path = "/api/v1/purchases/{purchase_id}/invoice", tag = "purchases", security(("bearer" = [])),
    params(("purchase_id" = String, Path)),
    responses((status = 200, content_type = "application/pdf", description = "The invoice"), (status = 404, body = super::Problem)))]
pub async fn download_purchase_invoice(
    State(s): State<AppState>,
    user: ApiUser,
    PathId(id): PathId<PurchaseId>,
) -> Result<Response, ApiError> {
    let (inv, pdf) =
        caas_app::purchases::invoice::service_invoice_pdf(&s.app, &user.account, &id).await?;
    Ok(super::sales::pdf_response(&inv.number, pdf))
}
