//! `/intranet/orders`: the orders staff may see (ADM-5) and one order's page
//! with customer, plan, factory side, tracker, payments and the actions its
//! state allows (señal, resubmission, cancellation) for SALES and ADMIN.

use crate::error::WebError;
use crate::extract::path_id::PathId;
use crate::extract::viewer::WebUser;
use crate::routes::{def, Access, RouteDef, Surface, STAFF};
use crate::state::AppState;
use crate::web::i18n::Msg;
use crate::web::intranet::delivery::view::{delivery_view, DeliveryExtras, DeliveryView};
use crate::web::labels;
use crate::web::order_view::{day, order_view, OrderView};
use crate::web::render::{render, render_status, when, Page};
use crate::web::senal::{notice, SenalForm};
use crate::web::shared::NoticeQuery;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::get;
use caas_app::catalogue::load_catalogue;
use caas_app::orders::staff::{list_orders_for_staff, view_order_for_staff};
use caas_domain::account::Role;
use caas_domain::ids::OrderId;

/// Routes of these pages.
pub fn routes() -> Vec<RouteDef> {
    vec![
        def(
            Method::GET,
            "/intranet/orders",
            Surface::Web,
            Access::Roles(STAFF),
            get(view_orders_get),
        ),
        def(
            Method::GET,
            "/intranet/orders/{order_id}",
            Surface::Web,
            Access::Roles(STAFF),
            get(view_order_get),
        ),
    ]
}

struct OrderRow {
    id: String,
    state: &'static str,
    state_class: &'static str,
    customer: String,
    model: String,
    created: String,
    estimate: String,
}

#[derive(Template)]
#[template(path = "intranet_orders.html")]
struct OrdersPage {
    p: Page,
    rows: Vec<OrderRow>,
    can_sell: bool,
}

async fn view_orders_get(
    State(state): State<AppState>,
    user: WebUser,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    let m = Msg::for_lang(lang);
    let orders = list_orders_for_staff(&state.app, &user.account, 500).await?;
    let catalogue = load_catalogue(&state.app).await?;
    let rows = orders
        .iter()
        .map(|o| OrderRow {
            id: o.id.to_string(),
            state: labels::order_state(o.state, lang),
            state_class: labels::order_state_class(o.state),
            customer: o.customer.name.clone(),
            model: catalogue
                .platforms
                .iter()
                .find(|p| p.code == o.plan.platform_code)
                .map(|p| p.name.get(lang).to_owned())
                .unwrap_or_else(|| o.plan.platform_code.clone()),
            created: when(&o.created_at),
            estimate: o
                .factory
                .estimated_completion_date
                .map(|d| day(d, lang))
                .unwrap_or_else(|| "—".into()),
        })
        .collect();
    Ok(render(&OrdersPage {
        p: Page::new(&user.viewer, m.o.orders_title, "/intranet/orders"),
        rows,
        can_sell: user.account.role == Role::Sales,
    }))
}

/// An option of the resubmission form.
pub struct OptionChoice {
    code: String,
    name: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "intranet_order.html")]
struct OrderPage {
    p: Page,
    o: OrderView,
    customer: Vec<(&'static str, String)>,
    delivery: String,
    factory_order_id: String,
    factory_status: String,
    factory_attempts: u32,
    factory_error: String,
    violations: Vec<String>,
    senal: Option<SenalForm>,
    resubmit: Option<Vec<OptionChoice>>,
    can_cancel: bool,
    action_error: String,
    dlv: DeliveryView,
    entries: crate::web::intranet::delivery_entries::EntryForms,
}

/// What a re-rendered order page carries besides the order.
#[derive(Debug, Default)]
pub struct Extras {
    /// Success notice key.
    pub notice: Option<String>,
    /// Token entered in the señal form before an error.
    pub senal_method: String,
    /// Error of the señal form.
    pub senal_error: String,
    /// Error of the resubmission or cancellation.
    pub action_error: String,
    /// Options chosen in a refused resubmission.
    pub chosen: Option<Vec<String>>,
    /// What the delivery section re-renders with.
    pub delivery: DeliveryExtras,
}

/// Renders the order page for `user` (404 outside their dealership).
pub async fn order_page(
    state: &AppState,
    user: &WebUser,
    id: &OrderId,
    status: StatusCode,
    extras: Extras,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    let m = Msg::for_lang(lang);
    let x = view_order_for_staff(&state.app, &user.account, id).await?;
    let o = order_view(&x, lang, "/intranet/invoices/", true);
    let order = &x.order;
    let c = &order.customer;
    let addr = |a: &caas_domain::customer::PostalAddress| {
        format!(
            "{}, {} {} ({})",
            a.line1, a.postal_code, a.locality, a.country
        )
    };
    // The same policy the use cases enforce decides which buttons show.
    let may = caas_domain::staff_policy::staff_actions(user.account.role, order.state, &x.payments);
    let senal = may.take_senal.then(|| {
        SenalForm::new(
            format!("/intranet/orders/{id}/senal"),
            o.senal.clone(),
            crate::web::card_form::CardForm::new_card(&state.card_fields, lang),
        )
        .again(&extras.senal_method, extras.senal_error.clone())
    });
    let resubmit = if may.resubmit {
        let catalogue = load_catalogue(&state.app).await?;
        let chosen = extras
            .chosen
            .clone()
            .unwrap_or_else(|| order.plan.option_codes.clone());
        Some(
            catalogue
                .options_for(&order.plan.platform_code)
                .into_iter()
                .map(|opt| OptionChoice {
                    checked: chosen.contains(&opt.code),
                    code: opt.code.clone(),
                    name: opt.name.get(lang).to_owned(),
                })
                .collect(),
        )
    } else {
        None
    };
    let dlv = delivery_view(&x, &user.account, lang, &state.card_fields, extras.delivery);
    let entries = crate::web::intranet::delivery_entries::entry_forms(&x.order, &user.account);
    let page =
        OrderPage {
            p: Page::new(
                &user.viewer,
                m.o.order_title,
                &format!("/intranet/orders/{id}"),
            )
            .with_notice(extras.notice.as_deref().and_then(|n| {
                notice(n, lang).or_else(|| crate::web::i18n::delivery::notice(n, lang))
            })),
            customer: vec![
                (m.name, c.name.clone()),
                (m.email, c.email.clone()),
                (
                    m.o.phone,
                    c.phone
                        .as_ref()
                        .map(|p| p.as_str().to_owned())
                        .unwrap_or_default(),
                ),
                (
                    m.o.document,
                    format!("{} {}", c.document.kind.as_str(), c.document.number),
                ),
                (m.o.home_address, addr(&c.address)),
            ],
            delivery: addr(&order.delivery),
            factory_order_id: order.factory.factory_order_id.clone().unwrap_or_default(),
            factory_status: order.factory.status.clone().unwrap_or_default(),
            factory_attempts: order.factory.attempts,
            factory_error: order.factory.last_error.clone().unwrap_or_default(),
            violations: order
                .factory
                .violations
                .iter()
                .map(|v| labels::violation(v, lang))
                .collect(),
            senal,
            resubmit,
            can_cancel: may.cancel,
            action_error: extras.action_error,
            dlv,
            entries,
            o,
        };
    Ok(render_status(status, &page))
}

async fn view_order_get(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<OrderId>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    let extras = Extras {
        notice: q.n().map(str::to_owned),
        ..Extras::default()
    };
    order_page(&state, &user, &id, StatusCode::OK, extras).await
}
