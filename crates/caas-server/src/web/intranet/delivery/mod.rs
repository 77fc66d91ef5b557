//! Delivery actions on one order from the intranet (DLV-1..8, PAY-3..5,
//! REG-4): reception at the dealership, the final payment taken at the
//! desk, the customer's inability to pay, the registration fix, the return
//! reception, the pickup with its identity check and a new home delivery.
//! Each is a small POST form on the order page; the use case checks the
//! role, the dealership and the state. A refusal re-renders the order page
//! with a readable message; success redirects with a notice.

pub mod view;

use crate::error::WebError;
use crate::extract::path_id::PathId;
use crate::extract::viewer::WebUser;
use crate::routes::{def, Access, RouteDef, Surface, STAFF};
use crate::state::AppState;
use crate::web::forms::{field_errors, FormData};
use crate::web::i18n::Msg;
use crate::web::intranet::orders::{order_page, Extras};
use crate::web::render::FormErrors;
use crate::web::senal::{outcome, SenalOutcome};
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{post, MethodRouter};
use caas_app::delivery::registration::{resubmit_registration, RegistrationFix};
use caas_app::delivery::staff_actions::{
    record_pickup, record_return_reception, request_redelivery, PickupIn,
};
use caas_app::delivery::stock::{record_cannot_pay, record_reception};
use caas_app::payments::senal::{pay_final, SenalIn};
use caas_app::AppError;
use caas_domain::ids::OrderId;
use caas_domain::order::Order;
use view::DeliveryExtras;

fn staff_post(path: &'static str, h: MethodRouter<AppState>) -> RouteDef {
    def(Method::POST, path, Surface::Web, Access::Roles(STAFF), h)
}

/// Routes of these actions.
pub fn routes() -> Vec<RouteDef> {
    vec![
        staff_post(
            "/intranet/orders/{order_id}/reception",
            post(reception_post),
        ),
        staff_post(
            "/intranet/orders/{order_id}/final-payment",
            post(final_payment_post),
        ),
        staff_post(
            "/intranet/orders/{order_id}/cannot-pay",
            post(cannot_pay_post),
        ),
        staff_post(
            "/intranet/orders/{order_id}/registration",
            post(registration_post),
        ),
        staff_post(
            "/intranet/orders/{order_id}/return-reception",
            post(return_reception_post),
        ),
        staff_post("/intranet/orders/{order_id}/pickup", post(pickup_post)),
        staff_post(
            "/intranet/orders/{order_id}/redelivery",
            post(redelivery_post),
        ),
    ]
}

fn back(id: &OrderId, notice: &str) -> Response {
    Redirect::to(&format!("/intranet/orders/{id}?n={notice}")).into_response()
}

fn invalid(field: &str, message: &str) -> AppError {
    AppError::Invalid {
        field: field.into(),
        message: message.into(),
    }
}

fn optional(f: &FormData, name: &str) -> Option<String> {
    Some(f.get(name).trim().to_owned()).filter(|v| !v.is_empty())
}

/// The order page again with the refusal of a delivery action; errors that
/// are not the user's to fix (not found, forbidden, internal) pass through.
pub(crate) async fn again(
    state: &AppState,
    user: &WebUser,
    id: &OrderId,
    e: AppError,
    entered: FormData,
) -> Result<Response, WebError> {
    let (status, error, errors) = match &e {
        AppError::Invalid { .. } | AppError::InvalidFields(_) => {
            let errors = field_errors(&e).unwrap_or_default();
            let text = errors
                .0
                .iter()
                .map(|(_, m)| m.as_str())
                .collect::<Vec<_>>()
                .join("; ");
            (StatusCode::UNPROCESSABLE_ENTITY, text, errors)
        }
        AppError::Conflict(r) => (
            StatusCode::CONFLICT,
            r.text(user.viewer.lang).to_owned(),
            FormErrors::default(),
        ),
        AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, m.clone(), FormErrors::default()),
        _ => return Err(e.into()),
    };
    refused(state, user, id, status, error, errors, entered).await
}

/// The order page with a delivery form's error and the values entered.
async fn refused(
    state: &AppState,
    user: &WebUser,
    id: &OrderId,
    status: StatusCode,
    error: String,
    errors: FormErrors,
    entered: FormData,
) -> Result<Response, WebError> {
    let delivery = DeliveryExtras {
        error,
        errors,
        entered,
    };
    let extras = Extras {
        delivery,
        ..Extras::default()
    };
    order_page(state, user, id, status, extras).await
}

/// Runs one action and answers: redirect with `key`, or the page again.
pub(crate) async fn answer(
    state: &AppState,
    user: &WebUser,
    id: &OrderId,
    r: Result<Order, AppError>,
    key: &str,
    f: FormData,
) -> Result<Response, WebError> {
    match r {
        Ok(_) => Ok(back(id, key)),
        Err(e) => again(state, user, id, e, f).await,
    }
}

async fn reception_post(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<OrderId>,
    f: FormData,
) -> Result<Response, WebError> {
    let r = record_reception(
        &state.app,
        &user.viewer.ctx,
        &user.account,
        &id,
        optional(&f, "notes"),
    )
    .await;
    answer(&state, &user, &id, r, "received", f).await
}

async fn final_payment_post(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<OrderId>,
    f: FormData,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    // Staff at the desk pay with a new card (the hosted fields); no saved cards.
    let (method, _) = crate::web::card_form::chosen(&f);
    let input = SenalIn {
        order_id: id.clone(),
        payment_method: method,
        attempt_key: f.get("attempt_key"),
    };
    let r = pay_final(&state.app, &user.viewer.ctx, &user.account, &input).await;
    match outcome(r, lang)? {
        SenalOutcome::Done("senal_paid") => Ok(back(&id, "final_paid")),
        SenalOutcome::Done(_) => Ok(back(&id, "final_processing")),
        SenalOutcome::Again(code, error) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::OK);
            refused(&state, &user, &id, status, error, FormErrors::default(), f).await
        }
    }
}

async fn cannot_pay_post(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<OrderId>,
    f: FormData,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    if !f.checked("confirm") {
        let e = invalid("confirm", Msg::for_lang(lang).d.confirm_required);
        return again(&state, &user, &id, e, f).await;
    }
    let reason = f.get("reason");
    let r = record_cannot_pay(&state.app, &user.viewer.ctx, &user.account, &id, &reason).await;
    answer(&state, &user, &id, r, "cannot_pay", f).await
}

async fn registration_post(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<OrderId>,
    f: FormData,
) -> Result<Response, WebError> {
    let fix = RegistrationFix {
        birth_date: optional(&f, "birth_date"),
        customer_name: optional(&f, "customer_name"),
        document_number: optional(&f, "document_number"),
    };
    let r = resubmit_registration(&state.app, &user.viewer.ctx, &user.account, &id, &fix).await;
    answer(&state, &user, &id, r, "registration_resubmitted", f).await
}

async fn return_reception_post(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<OrderId>,
    f: FormData,
) -> Result<Response, WebError> {
    let (ctx, staff) = (&user.viewer.ctx, &user.account);
    let r = record_return_reception(&state.app, ctx, staff, &id, optional(&f, "notes")).await;
    answer(&state, &user, &id, r, "return_received", f).await
}

async fn pickup_post(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<OrderId>,
    f: FormData,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    let input = PickupIn {
        receiver_name: f.get("receiver_name"),
        document_number: f.get("document_number"),
    };
    if input.receiver_name.trim().is_empty() {
        let e = invalid("receiver_name", Msg::for_lang(lang).d.receiver_required);
        return again(&state, &user, &id, e, f).await;
    }
    let r = record_pickup(&state.app, &user.viewer.ctx, &user.account, &id, &input).await;
    answer(&state, &user, &id, r, "picked_up", f).await
}

async fn redelivery_post(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<OrderId>,
) -> Result<Response, WebError> {
    let r = request_redelivery(&state.app, &user.viewer.ctx, &user.account, &id).await;
    answer(&state, &user, &id, r, "redelivery", FormData::default()).await
}
