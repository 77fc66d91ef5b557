//! `/api/v1/sales`: sale registration and the dealership's orders (intranet
//! API): register, list, view, pay the señal at the dealership, resubmit a
//! refused factory order, cancel.

use super::views::{expediente_out, ExpedienteOut, OrderOut, PaymentOut};
use crate::error::ApiError;
use crate::extract::path_id::PathId;
use crate::extract::viewer::{ApiJson, ApiUser};
use crate::routes::{def, Access, RouteDef, Surface, STAFF};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use caas_app::orders::staff;
use caas_app::payments::senal::{pay_senal, SenalIn};
use caas_app::sales::{register_sale, SaleIn};
use caas_domain::account::Role;
use caas_domain::ids::{InvoiceId, OrderId};
use serde::Deserialize;
use utoipa::ToSchema;

const SELLERS: &[Role] = &[Role::Sales];
const PAYERS: &[Role] = &[Role::Sales, Role::Admin];

/// Routes of this resource.
pub fn routes() -> Vec<RouteDef> {
    vec![
        def(
            Method::POST,
            "/api/v1/sales",
            Surface::Api,
            Access::Roles(SELLERS),
            post(create_sale),
        ),
        def(
            Method::GET,
            "/api/v1/sales",
            Surface::Api,
            Access::Roles(STAFF),
            get(list_sales),
        ),
        def(
            Method::GET,
            "/api/v1/sales/{order_id}",
            Surface::Api,
            Access::Roles(STAFF),
            get(view_sale),
        ),
        def(
            Method::POST,
            "/api/v1/sales/{order_id}/senal",
            Surface::Api,
            Access::Roles(PAYERS),
            post(pay_senal_at_dealership),
        ),
        def(
            Method::POST,
            "/api/v1/sales/{order_id}/resubmit",
            Surface::Api,
            Access::Roles(PAYERS),
            post(resubmit_sale),
        ),
        def(
            Method::POST,
            "/api/v1/sales/{order_id}/cancel",
            Surface::Api,
            Access::Roles(PAYERS),
            post(cancel_sale),
        ),
        def(
            Method::GET,
            "/api/v1/sales/invoices/{invoice_id}",
            Surface::Api,
            Access::Roles(STAFF),
            get(download_invoice_for_staff),
        ),
    ]
}

/// Registers a closed sale for the caller's dealership (SALES).
#[utoipa::path(post, path = "/api/v1/sales", tag = "sales", security(("bearer" = [])),
    request_body(content = SaleIn, description = "Customer identity, addresses and plan comercial; every invalid field is listed in the 422 problem's errors[]"),
    responses((status = 201, body = OrderOut), (status = 422, body = super::Problem, content_type = "application/problem+json")))]
pub async fn create_sale(
    State(state): State<AppState>,
    user: ApiUser,
    ApiJson(input): ApiJson<SaleIn>,
) -> Result<Response, ApiError> {
    let order = register_sale(&state.app, &user.ctx, &user.account, &input).await?;
    let loc = format!("/api/v1/sales/{}", order.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, loc)],
        Json(OrderOut::from(&order)),
    )
        .into_response())
}

/// Orders of the caller's dealership (ADMIN: all), newest first.
#[utoipa::path(get, path = "/api/v1/sales", tag = "sales", security(("bearer" = [])), responses((status = 200, body = [OrderOut])))]
pub async fn list_sales(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<OrderOut>>, ApiError> {
    let list = staff::list_orders_for_staff(&state.app, &user.account, 500).await?;
    Ok(Json(list.iter().map(OrderOut::from).collect()))
}

/// One order with its expediente.
#[utoipa::path(get, path = "/api/v1/sales/{order_id}", tag = "sales", security(("bearer" = [])),
    params(("order_id" = String, Path)), responses((status = 200, body = ExpedienteOut), (status = 404, body = super::Problem)))]
pub async fn view_sale(
    State(state): State<AppState>,
    user: ApiUser,
    PathId(id): PathId<OrderId>,
) -> Result<Json<ExpedienteOut>, ApiError> {
    let e = staff::view_order_for_staff(&state.app, &user.account, &id).await?;
    Ok(Json(expediente_out(&e, "/api/v1/sales/invoices")))
}

/// A señal payment request.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SenalPayIn {
    /// Card token from the gateway's hosted form (`tok_…`) or saved method (`pm_…`).
    pub payment_method: String,
    /// Client-chosen key of this attempt; repeating it never charges twice.
    pub attempt_key: String,
}

/// Pays the señal at the dealership.
#[utoipa::path(post, path = "/api/v1/sales/{order_id}/senal", tag = "sales", security(("bearer" = [])),
    params(("order_id" = String, Path)), request_body = SenalPayIn,
    responses((status = 200, body = PaymentOut, description = "CAPTURED, DECLINED (with decline_code) or CREATED (processing)"), (status = 409, body = super::Problem)))]
pub async fn pay_senal_at_dealership(
    State(state): State<AppState>,
    user: ApiUser,
    PathId(id): PathId<OrderId>,
    ApiJson(b): ApiJson<SenalPayIn>,
) -> Result<Json<PaymentOut>, ApiError> {
    let input = SenalIn {
        order_id: id,
        payment_method: b.payment_method,
        attempt_key: b.attempt_key,
    };
    let p = pay_senal(&state.app, &user.ctx, &user.account, &input).await?;
    Ok(Json(PaymentOut::from(&p)))
}

/// A resubmission, optionally with corrected options.
#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ResubmitIn {
    /// Corrected option codes; absent keeps the plan's.
    pub option_codes: Option<Vec<String>>,
}

/// Resubmits a refused or stuck factory order.
#[utoipa::path(post, path = "/api/v1/sales/{order_id}/resubmit", tag = "sales", security(("bearer" = [])),
    params(("order_id" = String, Path)), request_body = ResubmitIn, responses((status = 200, body = OrderOut), (status = 409, body = super::Problem)))]
pub async fn resubmit_sale(
    State(state): State<AppState>,
    user: ApiUser,
    PathId(id): PathId<OrderId>,
    ApiJson(b): ApiJson<ResubmitIn>,
) -> Result<Json<OrderOut>, ApiError> {
    let o =
        staff::resubmit_factory_order(&state.app, &user.ctx, &user.account, &id, b.option_codes)
            .await?;
    Ok(Json(OrderOut::from(&o)))
}

/// Cancels a sale before the señal (or after a refusal).
#[utoipa::path(post, path = "/api/v1/sales/{order_id}/cancel", tag = "sales", security(("bearer" = [])),
    params(("order_id" = String, Path)), responses((status = 200, body = OrderOut), (status = 409, body = super::Problem)))]
pub async fn cancel_sale(
    State(state): State<AppState>,
    user: ApiUser,
    PathId(id): PathId<OrderId>,
) -> Result<Json<OrderOut>, ApiError> {
    let o = staff::cancel_sale(&state.app, &user.ctx, &user.account, &id).await?;
    Ok(Json(OrderOut::from(&o)))
}

/// An invoice PDF of an order of the caller's dealership.
#[utoipa::path(get, path = "/api/v1/sales/invoices/{invoice_id}", tag = "sales", security(("bearer" = [])),
    params(("invoice_id" = String, Path)), responses((status = 200, content_type = "application/pdf", description = "The invoice")))]
pub async fn download_invoice_for_staff(
    State(state): State<AppState>,
    user: ApiUser,
    PathId(id): PathId<InvoiceId>,
) -> Result<Response, ApiError> {
    let (inv, pdf) =
        caas_app::payments::invoices::invoice_pdf_for_staff(&state.app, &user.account, &id).await?;
    Ok(pdf_response(&inv.number, pdf))
}

/// An `application/pdf` attachment.
pub fn pdf_response(number: &str, pdf: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{number}.pdf\""),
            ),
        ],
        pdf,
    )
        .into_response()
}
