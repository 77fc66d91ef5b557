//! The customer's dashboard (`/customer`): a live tracker per order with the
//! factory's estimate and its revisions, and links to each expediente.

use crate::error::WebError;
use crate::extract::viewer::WebUser;
use crate::state::AppState;
use crate::web::i18n::Msg;
use crate::web::order_view::{order_view, OrderView};
use crate::web::render::{render, Page};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use caas_app::notify::prefs::list_inbox;
use caas_app::orders::expediente::{list_my_orders, view_expediente};

#[derive(Template)]
#[template(path = "customer_dashboard.html")]
struct DashboardPage {
    p: Page,
    orders: Vec<OrderView>,
    unread: usize,
}

/// `GET /customer`: the dashboard.
pub async fn view_dashboard_get(
    State(state): State<AppState>,
    user: WebUser,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    let m = Msg::for_lang(lang);
    let mut orders = Vec::new();
    for o in list_my_orders(&state.app, &user.account).await? {
        let x = view_expediente(&state.app, &user.account, &o.id).await?;
        let href = format!("/expediente/{}/invoices/", o.id);
        let mut view = order_view(&x, lang, &href, false);
        crate::web::order_view::delivery::add_collect_detail(
            &state.app,
            &mut view.delivery,
            &x.order,
            lang,
        )
        .await?;
        orders.push(view);
    }
    let unread = list_inbox(&state.app, &user.account, 100)
        .await?
        .iter()
        .filter(|i| i.notification.read_at.is_none())
        .count();
    Ok(render(&DashboardPage {
        p: Page::new(&user.viewer, m.customer_title, "/customer"),
        orders,
        unread,
    }))
}
