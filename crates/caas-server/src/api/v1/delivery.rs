//! `/api/v1/sales/{order_id}/…` delivery actions of dealership staff
//! (reception, final payment at the dealership, inability to pay,
//! registration fixes, return reception, pickup, redelivery), the stock
//! list, and the customer's own final payment and app link.

use super::sales::SenalPayIn;
use super::views::{OrderOut, PaymentOut, VehicleOut};
use crate::error::ApiError;
use crate::extract::viewer::{ApiJson, ApiUser};
use crate::routes::{def, Access, RouteDef, Surface, CUSTOMER, STAFF};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::routing::{get, post};
use axum::Json;
use caas_app::delivery::{app_link, registration, staff_actions, stock};
use caas_app::payments::senal::{pay_final, SenalIn};
use caas_app::AppError;
use caas_domain::ids::OrderId;
use serde::Deserialize;
use utoipa::ToSchema;

fn staff_post(path: &'static str, h: axum::routing::MethodRouter<AppState>) -> RouteDef {
    def(Method::POST, path, Surface::Api, Access::Roles(STAFF), h)
}

/// Routes of this resource.
pub fn routes() -> Vec<RouteDef> {
    vec![
        staff_post("/api/v1/sales/{order_id}/reception", post(record_reception)),
        staff_post(
            "/api/v1/sales/{order_id}/final-payment",
            post(pay_final_at_dealership),
        ),
        staff_post(
            "/api/v1/sales/{order_id}/cannot-pay",
            post(record_cannot_pay),
        ),
        staff_post(
            "/api/v1/sales/{order_id}/registration",
            post(resubmit_registration),
        ),
        staff_post(
            "/api/v1/sales/{order_id}/return-reception",
            post(record_return_reception),
        ),
        staff_post("/api/v1/sales/{order_id}/pickup", post(record_pickup)),
        staff_post(
            "/api/v1/sales/{order_id}/redelivery",
            post(request_redelivery),
        ),
        def(
            Method::GET,
            "/api/v1/stock",
            Surface::Api,
            Access::Roles(STAFF),
            get(list_stock),
        ),
        def(
            Method::POST,
            "/api/v1/orders/{order_id}/final-payment",
            Surface::Api,
            Access::Roles(CUSTOMER),
            post(pay_final_online),
        ),
        def(
            Method::POST,
            "/api/v1/orders/{order_id}/app-link",
            Surface::Api,
            Access::Roles(CUSTOMER),
            post(link_app),
        ),
    ]
}

fn parse_order(s: &str) -> Result<OrderId, ApiError> {
    OrderId::parse(s).map_err(|_| ApiError(AppError::NotFound))
}

/// Optional notes of a reception.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct NotesIn {
    /// Condition notes.
    pub notes: Option<String>,
    /// Why (inability to pay).
    pub reason: Option<String>,
}

/// Corrections before resubmitting a registration.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RegistrationFixIn {
    /// `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    /// Corrected full name.
    pub customer_name: Option<String>,
    /// Corrected document number.
    pub document_number: Option<String>,
}

/// Identity check at the dealership.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PickupBody {
    /// Who collected the vehicle.
    pub receiver_name: String,
    /// Number of the document shown.
    pub document_number: String,
}

/// The app's public key.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AppLinkIn {
    /// Standard base64 of the DER SubjectPublicKeyInfo (EC P-256).
    pub public_key: String,
    /// Device label (≤ 40 chars).
    #[serde(default)]
    pub label: String,
}

/// Records the reception of the vehicle at the dealership (DLV-1/2).
#[utoipa::path(post, path = "/api/v1/sales/{order_id}/reception", tag = "delivery", security(("bearer" = [])),
    params(("order_id" = String, Path)), request_body = NotesIn, responses((status = 200, body = OrderOut), (status = 409, body = super::Problem)))]
pub async fn record_reception(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<NotesIn>,
) -> Result<Json<OrderOut>, ApiError> {
    let o = stock::record_reception(
        &s.app,
        &user.ctx,
        &user.account,
        &parse_order(&id)?,
        b.notes,
    )
    .await?;
    Ok(Json(OrderOut::from(&o)))
}

/// Pays the final payment at the dealership.
#[utoipa::path(post, path = "/api/v1/sales/{order_id}/final-payment", tag = "delivery", security(("bearer" = [])),
    params(("order_id" = String, Path)), request_body = SenalPayIn, responses((status = 200, body = PaymentOut), (status = 409, body = super::Problem)))]
pub async fn pay_final_at_dealership(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<SenalPayIn>,
) -> Result<Json<PaymentOut>, ApiError> {
    let input = SenalIn {
        order_id: parse_order(&id)?,
        payment_method: b.payment_method,
        attempt_key: b.attempt_key,
    };
    let p = pay_final(&s.app, &user.ctx, &user.account, &input).await?;
    Ok(Json(PaymentOut::from(&p)))
}

/// Records that the customer cannot pay (PAY-5): reservation lost.
#[utoipa::path(post, path = "/api/v1/sales/{order_id}/cannot-pay", tag = "delivery", security(("bearer" = [])),
    params(("order_id" = String, Path)), request_body = NotesIn, responses((status = 200, body = OrderOut), (status = 409, body = super::Problem)))]
pub async fn record_cannot_pay(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<NotesIn>,
) -> Result<Json<OrderOut>, ApiError> {
    let o = stock::record_cannot_pay(
        &s.app,
        &user.ctx,
        &user.account,
        &parse_order(&id)?,
        b.reason.as_deref().unwrap_or(""),
    )
    .await?;
    Ok(Json(OrderOut::from(&o)))
}

/// Corrects the registration data and resubmits (REG-4).
#[utoipa::path(post, path = "/api/v1/sales/{order_id}/registration", tag = "delivery", security(("bearer" = [])),
    params(("order_id" = String, Path)), request_body = RegistrationFixIn, responses((status = 200, body = OrderOut), (status = 409, body = super::Problem)))]
pub async fn resubmit_registration(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<RegistrationFixIn>,
) -> Result<Json<OrderOut>, ApiError> {
    let fix = registration::RegistrationFix {
        birth_date: b.birth_date,
        customer_name: b.customer_name,
        document_number: b.document_number,
    };
    let o = registration::resubmit_registration(
        &s.app,
        &user.ctx,
        &user.account,
        &parse_order(&id)?,
        &fix,
    )
    .await?;
    Ok(Json(OrderOut::from(&o)))
}

/// Records the reception of a vehicle returned by the carrier (DLV-7).
#[utoipa::path(post, path = "/api/v1/sales/{order_id}/return-reception", tag = "delivery", security(("bearer" = [])),
    params(("order_id" = String, Path)), request_body = NotesIn, responses((status = 200, body = OrderOut), (status = 409, body = super::Problem)))]
pub async fn record_return_reception(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<NotesIn>,
) -> Result<Json<OrderOut>, ApiError> {
    let o = staff_actions::record_return_reception(
        &s.app,
        &user.ctx,
        &user.account,
        &parse_order(&id)?,
        b.notes,
    )
    .await?;
    Ok(Json(OrderOut::from(&o)))
}

/// Records the pickup at the dealership with the identity check (DLV-8).
#[utoipa::path(post, path = "/api/v1/sales/{order_id}/pickup", tag = "delivery", security(("bearer" = [])),
    params(("order_id" = String, Path)), request_body = PickupBody, responses((status = 200, body = OrderOut), (status = 422, body = super::Problem)))]
pub async fn record_pickup(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<PickupBody>,
) -> Result<Json<OrderOut>, ApiError> {
    let input = staff_actions::PickupIn {
        receiver_name: b.receiver_name,
        document_number: b.document_number,
    };
    let o =
        staff_actions::record_pickup(&s.app, &user.ctx, &user.account, &parse_order(&id)?, &input)
            .await?;
    Ok(Json(OrderOut::from(&o)))
}

/// Books a new home delivery for a vehicle held at the dealership.
#[utoipa::path(post, path = "/api/v1/sales/{order_id}/redelivery", tag = "delivery", security(("bearer" = [])),
    params(("order_id" = String, Path)), responses((status = 200, body = OrderOut), (status = 409, body = super::Problem)))]
pub async fn request_redelivery(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<OrderOut>, ApiError> {
    let o = staff_actions::request_redelivery(&s.app, &user.ctx, &user.account, &parse_order(&id)?)
        .await?;
    Ok(Json(OrderOut::from(&o)))
}

/// The dealership's sin asignar stock (ADMIN: all).
#[utoipa::path(get, path = "/api/v1/stock", tag = "delivery", security(("bearer" = [])), responses((status = 200, body = [VehicleOut])))]
pub async fn list_stock(
    State(s): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<VehicleOut>>, ApiError> {
    let list = stock::list_stock(&s.app, &user.account).await?;
    Ok(Json(list.iter().map(VehicleOut::from).collect()))
}

/// Pays the final payment online.
#[utoipa::path(post, path = "/api/v1/orders/{order_id}/final-payment", tag = "orders", security(("bearer" = [])),
    params(("order_id" = String, Path)), request_body = SenalPayIn, responses((status = 200, body = PaymentOut), (status = 409, body = super::Problem)))]
pub async fn pay_final_online(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<PaymentOut>, ApiError> {
    let order_id = parse_order(&id)?;
    caas_app::orders::expediente::view_expediente(&s.app, &user.account, &order_id).await?;
    let b: SenalPayIn =
        serde_json::from_slice(&body).map_err(|e| ApiError(AppError::BadRequest(e.to_string())))?;
    let input = SenalIn {
        order_id,
        payment_method: b.payment_method,
        attempt_key: b.attempt_key,
    };
    let p = pay_final(&s.app, &user.ctx, &user.account, &input).await?;
    Ok(Json(PaymentOut::from(&p)))
}

/// Links the caller's app to their delivered vehicle (phone-as-key).
#[utoipa::path(post, path = "/api/v1/orders/{order_id}/app-link", tag = "orders", security(("bearer" = [])),
    params(("order_id" = String, Path)), request_body = AppLinkIn, responses((status = 200, body = OrderOut), (status = 409, body = super::Problem)))]
pub async fn link_app(
    State(s): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<OrderOut>, ApiError> {
    let order_id = parse_order(&id)?;
    caas_app::orders::expediente::view_expediente(&s.app, &user.account, &order_id).await?;
    let b: AppLinkIn =
        serde_json::from_slice(&body).map_err(|e| ApiError(AppError::BadRequest(e.to_string())))?;
    let o = app_link::start_app_link(
        &s.app,
        &user.ctx,
        &user.account,
        &order_id,
        &b.public_key,
        &b.label,
    )
    .await?;
    Ok(Json(OrderOut::from(&o)))
}
