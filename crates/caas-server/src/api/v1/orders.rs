//! `/api/v1/orders`: the customer's orders and expedientes (EXP-1: the same
//! data the web shows, maintenance from VSS and services included), online señal payment
//! and invoice download.

use super::sales::{pdf_response, SenalPayIn};
use super::views::{
    expediente_out, ExpedienteOut, MaintenanceStatusOut, OrderOut, PaymentOut, ServicesOut,
};
use crate::error::ApiError;
use crate::extract::viewer::ApiUser;
use crate::routes::{def, Access, RouteDef, Surface, CUSTOMER};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Method;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Json;
use caas_app::maintenance::order_maintenance;
use caas_app::orders::expediente::{list_my_orders, view_expediente};
use caas_app::payments::senal::{pay_senal, SenalIn};
use caas_app::purchases::history::order_services;
use caas_app::AppError;
use caas_domain::ids::{InvoiceId, OrderId};

/// Routes of this resource.
pub fn routes() -> Vec<RouteDef> {
    vec![
        def(
            Method::GET,
            "/api/v1/orders",
            Surface::Api,
            Access::Roles(CUSTOMER),
            get(list_orders),
        ),
        def(
            Method::GET,
            "/api/v1/orders/{order_id}",
            Surface::Api,
            Access::Roles(CUSTOMER),
            get(view_order),
        ),
        def(
            Method::POST,
            "/api/v1/orders/{order_id}/senal",
            Surface::Api,
            Access::Roles(CUSTOMER),
            post(pay_senal_online),
        ),
        def(
            Method::GET,
            "/api/v1/orders/{order_id}/invoices/{invoice_id}",
            Surface::Api,
            Access::Roles(CUSTOMER),
            get(download_invoice),
        ),
    ]
}

fn parse_order(s: &str) -> Result<OrderId, ApiError> {
    OrderId::parse(s).map_err(|_| ApiError(AppError::NotFound))
}

/// The caller's orders, newest first.
#[utoipa::path(get, path = "/api/v1/orders", tag = "orders", security(("bearer" = [])), responses((status = 200, body = [OrderOut])))]
pub async fn list_orders(
    State(state): State<AppState>,
    user: ApiUser,
) -> Result<Json<Vec<OrderOut>>, ApiError> {
    let list = list_my_orders(&state.app, &user.account).await?;
    Ok(Json(list.iter().map(OrderOut::from).collect()))
}

/// One of the caller's expedientes; another customer's is 404.
#[utoipa::path(get, path = "/api/v1/orders/{order_id}", tag = "orders", security(("bearer" = [])),
    params(("order_id" = String, Path)), responses((status = 200, body = ExpedienteOut), (status = 404, body = super::Problem)))]
pub async fn view_order(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ExpedienteOut>, ApiError> {
    let id = parse_order(&id)?;
    let e = view_expediente(&state.app, &user.account, &id).await?;
    let maintenance = order_maintenance(&state.app, &e).await?;
    let mut out = expediente_out(&e, &format!("/api/v1/orders/{id}/invoices"));
    out.maintenance = maintenance.as_ref().map(MaintenanceStatusOut::from);
    out.services = ServicesOut::from(&order_services(&state.app, &user.account, &e).await?);
    Ok(Json(out))
}

/// Pays the señal online.
#[utoipa::path(post, path = "/api/v1/orders/{order_id}/senal", tag = "orders", security(("bearer" = [])),
    params(("order_id" = String, Path)), request_body = SenalPayIn,
    responses((status = 200, body = PaymentOut), (status = 409, body = super::Problem)))]
pub async fn pay_senal_online(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<PaymentOut>, ApiError> {
    // Ownership first: another customer's order is 404 whatever the body says.
    let order_id = parse_order(&id)?;
    view_expediente(&state.app, &user.account, &order_id).await?;
    let b: SenalPayIn =
        serde_json::from_slice(&body).map_err(|e| ApiError(AppError::BadRequest(e.to_string())))?;
    let input = SenalIn {
        order_id,
        payment_method: b.payment_method,
        attempt_key: b.attempt_key,
    };
    let p = pay_senal(&state.app, &user.ctx, &user.account, &input).await?;
    Ok(Json(PaymentOut::from(&p)))
}

/// An invoice PDF of the caller's order.
#[utoipa::path(get, path = "/api/v1/orders/{order_id}/invoices/{invoice_id}", tag = "orders", security(("bearer" = [])),
    params(("order_id" = String, Path), ("invoice_id" = String, Path)),
    responses((status = 200, content_type = "application/pdf", description = "The invoice"), (status = 404, body = super::Problem)))]
pub async fn download_invoice(
    State(state): State<AppState>,
    user: ApiUser,
    Path((order, invoice)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let order = parse_order(&order)?;
    let id = InvoiceId::parse(&invoice).map_err(|_| ApiError(AppError::NotFound))?;
    let (inv, pdf) =
        caas_app::payments::invoices::invoice_pdf_for_customer(&state.app, &user.account, &id)
            .await?;
    if inv.order_id != order {
        return Err(ApiError(AppError::NotFound));
    }
    Ok(pdf_response(&inv.number, pdf))
}
