//! `/api/v1/payment-methods`: the caller's saved cards at the gateway. The
//! app draws its own card fields, gets a one-time `tok_…` from the gateway's
//! `POST /v1/tokens` (never through caas) and saves it here; caas answers
//! brand, last four digits and expiry only. Another customer's card is 404.

use crate::error::ApiError;
use crate::extract::viewer::{parse_json, ApiUser};
use crate::routes::{def, Access, RouteDef, Surface, CUSTOMER};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::routing::{delete, get, post};
use axum::Json;
use caas_app::payments::cards;
use caas_domain::partners::SavedCard;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
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
        customer(Method::GET, "/api/v1/payment-methods", get(list_cards)),
        customer(Method::POST, "/api/v1/payment-methods", post(save_card)),
        customer(
            Method::DELETE,
            "/api/v1/payment-methods/{payment_method_id}",
            delete(delete_card),
        ),
    ]
}

/// A saved card: what may be shown, never the number.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentMethodOut {
    /// The gateway's payment method (`pm_…`), used as `payment_method`.
    pub id: String,
    /// `visa`, `mastercard`, …
    pub brand: String,
    /// Last four digits.
    pub last4: String,
    /// Expiry month, 1–12.
    pub exp_month: u32,
    /// Expiry year, four digits.
    pub exp_year: u32,
    /// When it was saved.
    pub created_at: DateTime<Utc>,
}

impl From<&SavedCard> for PaymentMethodOut {
    fn from(c: &SavedCard) -> Self {
        Self {
            id: c.id.clone(),
            brand: c.brand.clone(),
            last4: c.last4.clone(),
            exp_month: c.exp_month,
            exp_year: c.exp_year,
            created_at: c.created_at,
        }
    }
}

/// A card to save: the one-time token of the gateway's card fields.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PaymentMethodIn {
    /// `tok_…` from the hosted card fields or the gateway's `POST /v1/tokens`.
    pub token: String,
}

/// The caller's saved cards, oldest first.
#[utoipa::path(get, path = "/api/v1/payment-methods", tag = "payment-methods", security(("bearer" = [])),
    responses((status = 200, body = Vec<PaymentMethodOut>)))]
pub async fn list_cards(
    State(s): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<PaymentMethodOut>>, ApiError> {
    let list = cards::list_cards(&s.app, &user.account).await?;
    Ok(Json(list.iter().map(PaymentMethodOut::from).collect()))
}

/// Saves a card from a one-time token (422 when the token is unusable).
#[utoipa::path(post, path = "/api/v1/payment-methods", tag = "payment-methods", security(("bearer" = [])),
    request_body = PaymentMethodIn,
    responses((status = 201, body = PaymentMethodOut), (status = 422, body = super::Problem)))]
pub async fn save_card(
    State(s): State<AppState>,
    user: ApiUser,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<PaymentMethodOut>), ApiError> {
    let b: PaymentMethodIn = parse_json(&body)?;
    let card = cards::save_card(&s.app, &user.ctx, &user.account, &b.token).await?;
    Ok((StatusCode::CREATED, Json(PaymentMethodOut::from(&card))))
}

/// Deletes one of the caller's saved cards (404 for anyone else's).
#[utoipa::path(delete, path = "/api/v1/payment-methods/{payment_method_id}", tag = "payment-methods", security(("bearer" = [])),
    params(("payment_method_id" = String, Path, description = "Saved card (`pm_…`)")),
    responses((status = 204, description = "Deleted"), (status = 404, body = super::Problem)))]
pub async fn delete_card(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    cards::delete_card(&s.app, &user.ctx, &user.account, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
