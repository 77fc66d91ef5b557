//! The start page and the landing page of each role.

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
use caas_domain::account::Role;

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
            get(view_customer_get),
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
    title: &'static str,
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

async fn view_customer_get(user: WebUser) -> Response {
    let m = Msg::for_lang(user.viewer.lang);
    render(&LandingPage {
        p: Page::new(&user.viewer, m.customer_title, "/customer"),
        intro: m.customer_intro,
        detail: m.customer_empty.to_owned(),
        cards: vec![
            Card {
                href: "/account/sessions",
                title: m.nav_sessions,
            },
            Card {
                href: "/account/password",
                title: m.nav_password,
            },
        ],
    })
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
    let mut cards = vec![Card {
        href: "/account/sessions",
        title: m.nav_sessions,
    }];
    if user.account.role == Role::Admin {
        cards.insert(
            0,
            Card {
                href: "/ops",
                title: m.nav_ops,
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
                href: "/ops/accounts",
                title: m.nav_accounts,
            },
            Card {
                href: "/ops/dealerships",
                title: m.nav_dealerships,
            },
            Card {
                href: "/ops/jobs",
                title: m.nav_jobs,
            },
            Card {
                href: "/ops/mail",
                title: m.nav_mail,
            },
            Card {
                href: "/ops/audit",
                title: m.nav_audit,
            },
            Card {
                href: "/api/docs/",
                title: m.nav_api_docs,
            },
            Card {
                href: "/intranet",
                title: m.nav_intranet,
            },
        ],
    })
}
