//! `/vehicle/{order_id}`: the customer's vehicle (plate, VIN, registration,
//! phone keys, connectivity, plan options as the car reports them, the
//! services bought: active, history, invoices) and the
//! phone-as-key link from the browser (DLV-9/10, MOB-3). Linking is the one
//! thing that needs JavaScript (`/static/vehicle-link.js`): the key pair is
//! created on the device with WebCrypto, its private half stays there in
//! IndexedDB, and the public half is posted with the page's own form to
//! `POST /vehicle/{order_id}/app-link`. Another customer's order is 404.

pub mod view;

use crate::error::WebError;
use crate::extract::path_id::PathId;
use crate::extract::viewer::WebUser;
use crate::routes::{def, Access, RouteDef, Surface, CUSTOMER};
use crate::state::AppState;
use crate::web::forms::FormData;
use crate::web::i18n::Msg;
use crate::web::order_view::services::{services_section, ServicesSection};
use crate::web::order_view::{order_view, OrderView};
use crate::web::render::{render_status, Page};
use crate::web::shared::NoticeQuery;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use caas_app::delivery::app_link::start_app_link;
use caas_app::orders::expediente::view_expediente;
use caas_app::purchases::history::order_services;
use caas_app::AppError;
use caas_domain::account::Language;
use caas_domain::ids::OrderId;
use caas_domain::order::OrderState;
use view::{vehicle_view, VehicleView};

/// Routes of this page.
pub fn routes() -> Vec<RouteDef> {
    let customer = Access::Roles(CUSTOMER);
    vec![
        def(
            Method::GET,
            "/vehicle/{order_id}",
            Surface::Web,
            customer,
            get(vehicle_get),
        ),
        def(
            Method::POST,
            "/vehicle/{order_id}/app-link",
            Surface::Web,
            customer,
            post(app_link_post),
        ),
        def(
            Method::GET,
            "/vehicle/{order_id}/registration.pdf",
            Surface::Web,
            customer,
            get(registration_pdf_get),
        ),
        def(
            Method::GET,
            "/static/vehicle-link.js",
            Surface::System,
            Access::Public,
            get(link_script),
        ),
    ]
}

async fn link_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../../../../static/vehicle-link.js"),
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "vehicle.html")]
struct VehiclePage {
    p: Page,
    o: OrderView,
    v: VehicleView,
    svc: ServicesSection,
    error: String,
    label: String,
}

async fn page(
    state: &AppState,
    user: &WebUser,
    id: &OrderId,
    status: StatusCode,
    notice_key: Option<&str>,
    kept: Option<(String, String)>,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    let m = Msg::for_lang(lang);
    let (x, vehicle) =
        caas_app::orders::expediente::view_my_vehicle(&state.app, &user.account, id).await?;
    let (label, error) = kept.unwrap_or_else(|| (m.v.device_default.to_owned(), String::new()));
    let v = vehicle_view(&x, vehicle.as_ref(), lang);
    let svc = services_section(&order_services(&state.app, &user.account, &x).await?, lang);
    // "Requested" no longer applies once the car answered.
    let notice = match notice_key {
        Some("link_requested") if v.link.status == "pending" => Some(m.v.n_link_requested),
        _ => None,
    };
    let page = VehiclePage {
        p: Page::new(&user.viewer, m.v.veh_title, &format!("/vehicle/{id}")).with_notice(notice),
        o: order_view(&x, lang, &format!("/expediente/{id}/invoices/"), false),
        v,
        svc,
        error,
        label,
    };
    Ok(render_status(status, &page))
}

async fn vehicle_get(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<OrderId>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    page(&state, &user, &id, StatusCode::OK, q.n(), None).await
}

/// A refused link in the customer's words, with its HTTP status.
fn refusal(e: AppError, state: OrderState, lang: Language) -> Result<(u16, String), AppError> {
    let v = Msg::for_lang(lang).v;
    match e {
        AppError::Invalid { .. } | AppError::InvalidFields(_) => Ok((422, v.err_bad_key.into())),
        AppError::Conflict(refusal) => Ok((
            409,
            match state {
                OrderState::Operational => v.err_already_linked.into(),
                OrderState::Delivered => refusal.text(lang).to_owned(),
                _ => v.link_not_yet.into(),
            },
        )),
        e => Err(e),
    }
}

async fn app_link_post(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<OrderId>,
    f: FormData,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    // Another customer's order is not found before anything is checked.
    let x = view_expediente(&state.app, &user.account, &id).await?;
    let label = f.get("label");
    let r = start_app_link(
        &state.app,
        &user.viewer.ctx,
        &user.account,
        &id,
        &f.get("public_key"),
        &label,
    )
    .await;
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/vehicle/{id}?n=link_requested")).into_response()),
        Err(e) => {
            let (code, error) = refusal(e, x.order.state, lang)?;
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::OK);
            page(&state, &user, &id, status, None, Some((label, error))).await
        }
    }
}

/// The registration record as a PDF (404 until the vehicle is registered).
async fn registration_pdf_get(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<OrderId>,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    let x = view_expediente(&state.app, &user.account, &id).await?;
    let pdf: Vec<u8> = caas_app::documents::registration::render_registration_pdf(&x.order, lang)
        .ok_or(AppError::NotFound)?;
    let disposition = format!("attachment; filename=\"registration-{id}.pdf\"");
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        pdf,
    )
        .into_response())
}
