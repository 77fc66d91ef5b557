//! The start page and the landing page of each role (the customer's is the
//! order dashboard of [`crate::web::portal`]).

use crate::extract::viewer::{Viewer, WebUser};
use crate::routes::{def, Access, RouteDef, Surface, CUSTOMER, STAFF};
use crate::state::AppState;
use crate::web::i18n::Msg;
use crate::web::render::{render, Page};
use askama::Template;
use axum::extract::State;
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use caas_app::orders::staff::{list_alerts_for_staff, list_orders_for_staff};
use caas_domain::account::{Account, Role};

/// Routes of these pages.
pub fn routes() -> Vec<RouteDef> {
    vec![
        def(
            Method::GET,
            "/",
            Surface::Web,
            Access::Public,
            get(view_start_get),
        ),
        def(
            Method::GET,
            "/customer",
            Surface::Web,
            Access::Roles(CUSTOMER),
            get(crate::web::customer::portal::view_dashboard_get),
        ),
        def(
            Method::GET,
            "/intranet",
            Surface::Web,
            Access::Roles(STAFF),
            get(view_intranet_get),
        ),
        def(
            Method::GET,
            "/ops",
            Surface::Web,
            Access::Roles(crate::routes::ADMIN),
            get(view_ops_get),
        ),
    ]
}

/// A link card on a landing page.
struct Card {
    href: &'static str,
    title: String,
}

#[derive(Template)]
#[template(path = "landing.html")]
struct LandingPage {
    p: Page,
    intro: &'static str,
    detail: String,
    cards: Vec<Card>,
}

async fn view_start_get(viewer: Viewer) -> Response {
    let target = match viewer.account.as_ref().map(|a| a.role) {
        None => "/login",
        Some(Role::Customer) => "/customer",
        Some(Role::Admin) => "/ops",
        Some(_) => "/intranet",
    };
    Redirect::to(target).into_response()
}

/// Counts shown on the intranet cards: orders, awaiting señal, needing
/// attention at the factory, open alerts (absent when the viewer sees none).
async fn intranet_counts(state: &AppState, account: &Account) -> (usize, usize, usize, usize) {
    use caas_domain::order::OrderState::*;
    let orders = list_orders_for_staff(&state.app, account, 1000)
        .await
        .unwrap_or_default();
    let open = list_alerts_for_staff(&state.app, account)
        .await
        .map(|a| a.iter().filter(|x| x.resolved_at.is_none()).count())
        .unwrap_or(0);
    let count =
        |f: &dyn Fn(&caas_domain::order::Order) -> bool| orders.iter().filter(|o| f(o)).count();
    (
        orders.len(),
        count(&|o| o.state == SaleRegistered),
        count(&|o| matches!(o.state, OrderRejected | FactoryOrderPending)),
        open,
    )
}

async fn view_intranet_get(State(state): State<AppState>, user: WebUser) -> Response {
    let m = Msg::for_lang(user.viewer.lang);
    let dealership = match &user.account.dealership_id {
        Some(id) => caas_app::dealerships::find_dealership(&state.app, id)
            .await
            .ok()
            .map(|d| format!("{} ({}, {})", d.name, d.locality, d.country)),
        None => None,
    };
    let (orders, awaiting, attention, alerts) = intranet_counts(&state, &user.account).await;
    let mut cards = vec![
        Card {
            href: "/intranet/orders",
            title: format!("{} · {orders}", m.o.nav_orders),
        },
        Card {
            href: "/intranet/orders",
            title: format!("{} · {awaiting}", m.o.count_awaiting_senal),
        },
        Card {
            href: "/intranet/orders",
            title: format!("{} · {attention}", m.o.count_attention),
        },
        Card {
            href: "/intranet/alerts",
            title: format!("{} · {alerts}", m.o.count_open_alerts),
        },
    ];
    if user.account.role == Role::Sales {
        cards.insert(
            0,
            Card {
                href: "/intranet/sales/new",
                title: m.o.new_sale.to_owned(),
            },
        );
    }
    cards.push(Card {
        href: "/account/sessions",
        title: m.nav_sessions.to_owned(),
    });
    if user.account.role == Role::Admin {
        cards.insert(
            0,
            Card {
                href: "/ops",
                title: m.nav_ops.to_owned(),
            },
        );
    }
    render(&LandingPage {
        p: Page::new(&user.viewer, m.intranet_title, "/intranet"),
        intro: m.intranet_intro,
        detail: format!(
            "{}: {} · {}: {}",
            m.role,
            user.account.role.as_str(),
            m.dealership,
            dealership.unwrap_or_else(|| "—".into())
        ),
        cards,
    })
}

async fn view_ops_get(user: WebUser) -> Response {
    let m = Msg::for_lang(user.viewer.lang);
    render(&LandingPage {
        p: Page::new(&user.viewer, m.ops_title, "/ops"),
        intro: m.ops_intro,
        detail: String::new(),
        cards: vec![
            Card {
                href: "/ops/catalogue",
                title: m.o.nav_catalogue.to_owned(),
            },
            Card {
                href: "/ops/accounts",
                title: m.nav_accounts.to_owned(),
            },
            Card {
                href: "/ops/dealerships",
                title: m.nav_dealerships.to_owned(),
            },
            Card {
                href: "/ops/jobs",
                title: m.nav_jobs.to_owned(),
            },
            Card {
                href: "/ops/mail",
                title: m.nav_mail.to_owned(),
            },
            Card {
                href: "/ops/audit",
                title: m.nav_audit.to_owned(),
            },
            Card {
                href: "/api/docs/",
                title: m.nav_api_docs.to_owned(),
            },
            Card {
                href: "/intranet",
                title: m.nav_intranet.to_owned(),
            },
        ],
    })
}
