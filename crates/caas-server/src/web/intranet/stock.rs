//! `/intranet/stock`: the dealership's *sin asignar* vehicles (ADM-3, ADM-5;
//! ADMIN: all) with their history and a link to sell one (SALE-6); and
//! `/intranet/queues`: the delivery work of the dealership, grouped by what
//! staff must do next (receptions, final payments, registration issues,
//! deliveries under way, pickups). Both read existing use cases.

use crate::error::WebError;
use crate::extract::viewer::WebUser;
use crate::routes::{def, Access, RouteDef, Surface, STAFF};
use crate::state::AppState;
use crate::web::forms::Choice;
use crate::web::i18n::Msg;
use crate::web::labels;
use crate::web::order_view::day;
use crate::web::render::{render, when, Page};
use askama::Template;
use axum::extract::State;
use axum::http::Method;
use axum::response::Response;
use axum::routing::get;
use caas_app::catalogue::{load_catalogue, Catalogue};
use caas_app::delivery::stock::list_stock;
use caas_app::notify::texts::money;
use caas_app::orders::staff::list_orders_for_staff;
use caas_app::AppError;
use caas_domain::account::{Account, Language, Role};
use caas_domain::order::{Order, OrderState};

/// Routes of these pages.
pub fn routes() -> Vec<RouteDef> {
    vec![
        def(
            Method::GET,
            "/intranet/stock",
            Surface::Web,
            Access::Roles(STAFF),
            get(stock_get),
        ),
        def(
            Method::GET,
            "/intranet/queues",
            Surface::Web,
            Access::Roles(STAFF),
            get(queues_get),
        ),
    ]
}

fn platform_name(c: &Catalogue, code: &str, lang: Language) -> String {
    c.platforms
        .iter()
        .find(|p| p.code == code)
        .map(|p| p.name.get(lang).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

fn option_name(c: &Catalogue, code: &str, lang: Language) -> String {
    c.options
        .iter()
        .find(|o| o.code == code)
        .map(|o| o.name.get(lang).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

/// The sale form's stock choices: "none" first, then each vehicle of the
/// seller's stock; `chosen` (a vehicle id) is pre-selected.
pub async fn stock_choices(
    state: &AppState,
    seller: &Account,
    chosen: &str,
    lang: Language,
) -> Result<Vec<Choice>, AppError> {
    let chosen = chosen.trim();
    let mut out = vec![Choice {
        value: String::new(),
        label: Msg::for_lang(lang).d.stock_none.to_owned(),
        selected: chosen.is_empty(),
    }];
    out.extend(
        list_stock(&state.app, seller)
            .await?
            .into_iter()
            .map(|v| Choice {
                selected: v.id.as_str() == chosen,
                label: format!(
                    "{} · {} ({})",
                    v.vin,
                    v.platform_code,
                    v.option_codes.join(", ")
                ),
                value: v.id.to_string(),
            }),
    );
    Ok(out)
}

struct StockRow {
    id: String,
    vin: String,
    platform: String,
    options: Vec<String>,
    received: String,
    history: Vec<String>,
}

#[derive(Template)]
#[template(path = "intranet_stock.html")]
struct StockPage {
    p: Page,
    rows: Vec<StockRow>,
    can_sell: bool,
}

async fn stock_get(State(state): State<AppState>, user: WebUser) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    let m = Msg::for_lang(lang);
    let vehicles = list_stock(&state.app, &user.account).await?;
    let catalogue = load_catalogue(&state.app).await?;
    let rows = vehicles
        .iter()
        .map(|v| StockRow {
            id: v.id.to_string(),
            vin: v.vin.clone(),
            platform: platform_name(&catalogue, &v.platform_code, lang),
            options: v
                .option_codes
                .iter()
                .map(|c| option_name(&catalogue, c, lang))
                .collect(),
            received: when(&v.created_at),
            history: v
                .history
                .iter()
                .map(|h| {
                    let order = h.order_id.as_ref().map(|o| format!(" ({o})"));
                    format!(
                        "{} · {}{} — {}",
                        when(&h.at),
                        h.event.replace('_', " "),
                        order.unwrap_or_default(),
                        h.detail
                    )
                })
                .collect(),
        })
        .collect();
    Ok(render(&StockPage {
        p: Page::new(&user.viewer, m.d.stock_title, "/intranet/stock"),
        rows,
        can_sell: user.account.role == Role::Sales,
    }))
}

struct QueueRow {
    id: String,
    customer: String,
    model: String,
    state: &'static str,
    detail: String,
}

struct Queue {
    key: &'static str,
    title: &'static str,
    rows: Vec<QueueRow>,
}

#[derive(Template)]
#[template(path = "intranet_queues.html")]
struct QueuesPage {
    p: Page,
    queues: Vec<Queue>,
}

/// What a queue shows beside an order.
fn detail(o: &Order, lang: Language) -> String {
    let m = Msg::for_lang(lang);
    let dash = |s: Option<String>| s.unwrap_or_else(|| "—".into());
    match o.state {
        OrderState::InTransitToDealership => format!(
            "{}: {}",
            m.o.arrival_estimate,
            dash(o.factory.estimated_arrival_date.map(|d| day(d, lang)))
        ),
        OrderState::AwaitingFinalPayment => o
            .final_payment
            .as_ref()
            .map(|t| {
                format!(
                    "{} · {}: {}",
                    money(t.amount, lang),
                    m.d.final_deadline,
                    when(&t.deadline)
                )
            })
            .unwrap_or_default(),
        OrderState::RegistrationIssue => dash(o.registration.last_error.clone()),
        OrderState::OutForDelivery | OrderState::ReturningToDealership => format!(
            "{}: {} · {}: {}",
            m.d.carrier,
            dash(o.home.carrier.clone()),
            m.d.window,
            dash(o.home.window.as_ref().map(|w| when(&w.start)))
        ),
        OrderState::HeldAtDealership => format!(
            "{}: {}",
            m.d.returned,
            dash(o.home.returned.as_ref().map(|r| when(&r.at)))
        ),
        _ => String::new(),
    }
}

async fn queues_get(State(state): State<AppState>, user: WebUser) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    let m = Msg::for_lang(lang);
    let orders = list_orders_for_staff(&state.app, &user.account, 1000).await?;
    let catalogue = load_catalogue(&state.app).await?;
    let groups: [(&'static str, &'static str, &[OrderState]); 5] = [
        (
            "receptions",
            m.d.q_receptions,
            &[OrderState::InTransitToDealership],
        ),
        ("final", m.d.q_final, &[OrderState::AwaitingFinalPayment]),
        (
            "registration",
            m.d.q_registration,
            &[OrderState::RegistrationIssue],
        ),
        (
            "delivery",
            m.d.q_delivery,
            &[
                OrderState::OutForDelivery,
                OrderState::ReturningToDealership,
            ],
        ),
        ("pickups", m.d.q_pickups, &[OrderState::HeldAtDealership]),
    ];
    let queues = groups
        .into_iter()
        .map(|(key, title, states)| Queue {
            key,
            title,
            rows: orders
                .iter()
                .filter(|o| states.contains(&o.state))
                .map(|o| QueueRow {
                    id: o.id.to_string(),
                    customer: o.customer.name.clone(),
                    model: platform_name(&catalogue, &o.plan.platform_code, lang),
                    state: labels::order_state(o.state, lang),
                    detail: detail(o, lang),
                })
                .collect(),
        })
        .collect();
    Ok(render(&QueuesPage {
        p: Page::new(&user.viewer, m.d.queues_title, "/intranet/queues"),
        queues,
    }))
}
