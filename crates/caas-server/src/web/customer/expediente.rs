//! `/expediente/{order_id}`: the customer's purchase file (EXP) — plan
//! comercial, vehicle data, tracker (with the dealership's address when the
//! vehicle must be collected there), payments, invoices (PDF), the online
//! señal payment while the sale waits for it, links to the final payment
//! and the vehicle page, the services (active, history, invoices) and the maintenance section from VSS once the car
//! has a VIN. Another customer's is 404.

use crate::error::WebError;
use crate::extract::path_id::PathId;
use crate::extract::viewer::WebUser;
use crate::routes::{def, Access, RouteDef, Surface, CUSTOMER};
use crate::state::AppState;
use crate::web::card_form::{chosen, CardForm};
use crate::web::forms::FormData;
use crate::web::i18n::Msg;
use crate::web::order_view::delivery::add_collect_detail;
use crate::web::order_view::maintenance::{maintenance_section, MaintenanceSection};
use crate::web::order_view::services::{services_section, ServicesSection};
use crate::web::order_view::{order_view, OrderView};
use crate::web::render::{render_status, Page};
use crate::web::senal::{notice, outcome, senal_in, SenalForm, SenalOutcome};
use crate::web::shared::pdf_response;
use crate::web::shared::{order_id, NoticeQuery};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use caas_app::maintenance::order_maintenance;
use caas_app::orders::expediente::view_expediente;
use caas_app::payments::cards::method_for_payment;
use caas_app::payments::invoices::invoice_pdf_for_customer;
use caas_app::payments::senal::pay_senal;
use caas_app::purchases::history::order_services;
use caas_app::AppError;
use caas_domain::ids::{InvoiceId, OrderId};
use caas_domain::order::OrderState;

/// Routes of these pages.
pub fn routes() -> Vec<RouteDef> {
    let customer = Access::Roles(CUSTOMER);
    vec![
        def(
            Method::GET,
            "/expediente/{order_id}",
            Surface::Web,
            customer,
            get(view_expediente_get),
        ),
        def(
            Method::POST,
            "/expediente/{order_id}/senal",
            Surface::Web,
            customer,
            post(senal_post),
        ),
        def(
            Method::GET,
            "/expediente/{order_id}/invoices/{invoice_id}",
            Surface::Web,
            customer,
            get(invoice_get),
        ),
    ]
}

#[derive(Template)]
#[template(path = "expediente.html")]
struct ExpedientePage {
    p: Page,
    o: OrderView,
    description: String,
    senal: Option<SenalForm>,
    mnt: MaintenanceSection,
    svc: ServicesSection,
}

async fn page(
    state: &AppState,
    user: &WebUser,
    id: &OrderId,
    status: StatusCode,
    notice_key: Option<&str>,
    senal_error: Option<(String, String)>,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    let m = Msg::for_lang(lang);
    let x = view_expediente(&state.app, &user.account, id).await?;
    let mut o = order_view(&x, lang, &format!("/expediente/{id}/invoices/"), false);
    add_collect_detail(&state.app, &mut o.delivery, &x.order, lang).await?;
    let maintenance = order_maintenance(&state.app, &x).await?;
    let mnt = maintenance_section(maintenance.as_ref(), lang);
    let svc = services_section(&order_services(&state.app, &user.account, &x).await?, lang);
    let senal = if x.order.state == OrderState::SaleRegistered {
        let card = CardForm::for_payer(&state.app, &state.card_fields, &user.account, lang).await;
        let f = SenalForm::new(format!("/expediente/{id}/senal"), o.senal.clone(), card);
        Some(match senal_error {
            Some((method, error)) => f.again(&method, error),
            None => f,
        })
    } else {
        None
    };
    let page = ExpedientePage {
        p: Page::new(
            &user.viewer,
            m.o.expediente_title,
            &format!("/expediente/{id}"),
        )
        .with_notice(notice_key.and_then(|n| notice(n, lang))),
        description: x
            .platform
            .as_ref()
            .map(|p| p.description.get(lang).to_owned())
            .unwrap_or_default(),
        o,
        senal,
        mnt,
        svc,
    };
    Ok(render_status(status, &page))
}

async fn view_expediente_get(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<OrderId>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    page(&state, &user, &id, StatusCode::OK, q.n(), None).await
}

async fn senal_post(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<OrderId>,
    f: FormData,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    // Another customer's order is not found before anything is checked.
    let x = view_expediente(&state.app, &user.account, &id).await?;
    let (method, save) = chosen(&f);
    let r = match method_for_payment(&state.app, &user.viewer.ctx, &user.account, &method, save)
        .await
    {
        Ok(method) => {
            let input = senal_in(&x, method, &f);
            pay_senal(&state.app, &user.viewer.ctx, &user.account, &input).await
        }
        Err(e) => Err(e),
    };
    match outcome(r, lang)? {
        SenalOutcome::Done(n) => {
            Ok(Redirect::to(&format!("/expediente/{id}?n={n}")).into_response())
        }
        SenalOutcome::Again(code, error) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::OK);
            let kept = Some((method, error));
            page(&state, &user, &id, status, None, kept).await
        }
    }
}

async fn invoice_get(
    State(state): State<AppState>,
    user: WebUser,
    Path((order, invoice)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let order = order_id(&order)?;
    let id = InvoiceId::parse(&invoice).map_err(|_| AppError::NotFound)?;
    let (inv, pdf) = invoice_pdf_for_customer(&state.app, &user.account, &id).await?;
    if inv.order_id != order {
        return Err(AppError::NotFound.into());
    }
    Ok(pdf_response(&inv.number, pdf))
}
