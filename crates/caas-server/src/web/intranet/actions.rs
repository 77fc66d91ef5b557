//! Actions on an order from the intranet (SALES and ADMIN): señal at the
//! dealership, resubmission of a refused factory order, cancellation; and
//! the invoice PDF download for staff.

use crate::error::WebError;
use crate::extract::path_id::PathId;
use crate::extract::viewer::WebUser;
use crate::routes::{def, Access, RouteDef, Surface, STAFF};
use crate::state::AppState;
use crate::web::forms::FormData;
use crate::web::intranet::orders::{order_page, Extras};
use crate::web::senal::{outcome, senal_in, SenalOutcome};
use crate::web::shared::pdf_response;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use caas_app::orders::staff::{cancel_sale, resubmit_factory_order, view_order_for_staff};
use caas_app::payments::invoices::invoice_pdf_for_staff;
use caas_app::payments::senal::pay_senal;
use caas_app::AppError;
use caas_domain::account::Role;
use caas_domain::ids::InvoiceId;
use caas_domain::ids::OrderId;

/// SALES and ADMIN: the staff who act on orders.
pub const SELLERS: &[Role] = &[Role::Sales, Role::Admin];

/// Routes of these actions.
pub fn routes() -> Vec<RouteDef> {
    vec![
        def(
            Method::POST,
            "/intranet/orders/{order_id}/senal",
            Surface::Web,
            Access::Roles(SELLERS),
            post(senal_post),
        ),
        def(
            Method::POST,
            "/intranet/orders/{order_id}/resubmit",
            Surface::Web,
            Access::Roles(SELLERS),
            post(resubmit_post),
        ),
        def(
            Method::POST,
            "/intranet/orders/{order_id}/cancel",
            Surface::Web,
            Access::Roles(SELLERS),
            post(cancel_post),
        ),
        def(
            Method::GET,
            "/intranet/invoices/{invoice_id}",
            Surface::Web,
            Access::Roles(STAFF),
            get(invoice_get),
        ),
    ]
}

fn back(id: &str, notice: &str) -> Response {
    Redirect::to(&format!("/intranet/orders/{id}?n={notice}")).into_response()
}

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::OK)
}

async fn senal_post(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<OrderId>,
    f: FormData,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    let x = view_order_for_staff(&state.app, &user.account, &id).await?;
    // Staff at the desk pay with a new card (the hosted fields); no saved cards.
    let (method, _) = crate::web::card_form::chosen(&f);
    let input = senal_in(&x, method, &f);
    let r = pay_senal(&state.app, &user.viewer.ctx, &user.account, &input).await;
    match outcome(r, lang)? {
        SenalOutcome::Done(n) => Ok(back(id.as_str(), n)),
        SenalOutcome::Again(code, error) => {
            let extras = Extras {
                senal_method: f.get("payment_method"),
                senal_error: error,
                ..Extras::default()
            };
            order_page(&state, &user, &id, status(code), extras).await
        }
    }
}

async fn resubmit_post(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<OrderId>,
    f: FormData,
) -> Result<Response, WebError> {
    let codes = f.all("option_codes");
    let r = resubmit_factory_order(
        &state.app,
        &user.viewer.ctx,
        &user.account,
        &id,
        Some(codes.clone()),
    )
    .await;
    let (code, message) = match r {
        Ok(_) => return Ok(back(id.as_str(), "resubmitted")),
        Err(AppError::Invalid { message, .. }) => (422, message),
        Err(AppError::Conflict(refusal)) => (409, refusal.text(user.viewer.lang).to_owned()),
        Err(e) => return Err(e.into()),
    };
    let extras = Extras {
        action_error: message,
        chosen: Some(codes),
        ..Extras::default()
    };
    order_page(&state, &user, &id, status(code), extras).await
}

async fn cancel_post(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<OrderId>,
) -> Result<Response, WebError> {
    match cancel_sale(&state.app, &user.viewer.ctx, &user.account, &id).await {
        Ok(_) => Ok(back(id.as_str(), "cancelled")),
        Err(AppError::Conflict(refusal)) => {
            let extras = Extras {
                action_error: refusal.text(user.viewer.lang).to_owned(),
                ..Extras::default()
            };
            order_page(&state, &user, &id, StatusCode::CONFLICT, extras).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn invoice_get(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<InvoiceId>,
) -> Result<Response, WebError> {
    let (inv, pdf) = invoice_pdf_for_staff(&state.app, &user.account, &id).await?;
    Ok(pdf_response(&inv.number, pdf))
}
