//! `/inbox`: the customer's notifications, newest first, each with the state
//! of its delivery on every channel; "mark all read".

use crate::error::WebError;
use crate::extract::viewer::WebUser;
use crate::routes::{def, Access, RouteDef, Surface, CUSTOMER};
use crate::state::AppState;
use crate::web::i18n::Msg;
use crate::web::labels::notify;
use crate::web::render::{render, when, Page};
use askama::Template;
use axum::extract::State;
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use caas_app::notify::prefs::{list_inbox, mark_inbox_read};
use caas_domain::notification::{Channel, DeliveryState};

/// Routes of this page.
pub fn routes() -> Vec<RouteDef> {
    vec![
        def(
            Method::GET,
            "/inbox",
            Surface::Web,
            Access::Roles(CUSTOMER),
            get(view_inbox_get),
        ),
        def(
            Method::POST,
            "/inbox/read",
            Surface::Web,
            Access::Roles(CUSTOMER),
            post(mark_read_post),
        ),
    ]
}

struct DeliveryCell {
    channel: &'static str,
    state: &'static str,
    class: &'static str,
    why: String,
}

struct InboxRow {
    title: String,
    body: String,
    url: String,
    created: String,
    unread: bool,
    deliveries: Vec<DeliveryCell>,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    p: Page,
    rows: Vec<InboxRow>,
    unread: usize,
}

async fn view_inbox_get(
    State(state): State<AppState>,
    user: WebUser,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    let m = Msg::for_lang(lang);
    let items = list_inbox(&state.app, &user.account, 200).await?;
    let rows: Vec<InboxRow> = items
        .into_iter()
        .map(|i| {
            let n = i.notification;
            let deliveries: Vec<DeliveryCell> = Channel::ALL
                .iter()
                .filter_map(|c| i.deliveries.iter().find(|d| d.channel == *c))
                .map(|d| DeliveryCell {
                    channel: notify::channel(d.channel, lang),
                    state: notify::delivery_state(d.state, lang),
                    class: match d.state {
                        DeliveryState::Sent | DeliveryState::Delivered => "badge-ok",
                        DeliveryState::Failed => "badge-err",
                        DeliveryState::Pending => "badge-info",
                        DeliveryState::Skipped => "badge-muted",
                    },
                    why: match d.state {
                        DeliveryState::Skipped | DeliveryState::Failed => {
                            d.log.last().map(|l| l.what.clone()).unwrap_or_default()
                        }
                        _ => String::new(),
                    },
                })
                .collect();
            InboxRow {
                title: n.title,
                body: n.body,
                url: crate::web::safe_next(&n.url).unwrap_or("/inbox").to_owned(),
                created: when(&n.created_at),
                unread: n.read_at.is_none(),
                deliveries,
            }
        })
        .collect();
    let unread = rows.iter().filter(|r| r.unread).count();
    Ok(render(&InboxPage {
        p: Page::new(&user.viewer, m.o.inbox_title, "/inbox"),
        rows,
        unread,
    }))
}

async fn mark_read_post(
    State(state): State<AppState>,
    user: WebUser,
) -> Result<Response, WebError> {
    mark_inbox_read(&state.app, &user.account).await?;
    Ok(Redirect::to("/inbox").into_response())
}
