//! `/intranet/alerts`: staff alerts of the viewer's dealership (ADMIN: all),
//! open first, with a resolve button for SALES and ADMIN (NOTIF-8).

use crate::error::WebError;
use crate::extract::path_id::PathId;
use crate::extract::viewer::WebUser;
use crate::routes::{def, Access, RouteDef, Surface, STAFF};
use crate::state::AppState;
use crate::web::i18n::Msg;
use crate::web::intranet::actions::SELLERS;
use crate::web::labels;
use crate::web::render::{render, when, Page};
use askama::Template;
use axum::extract::State;
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use caas_app::orders::staff::{list_alerts_for_staff, resolve_alert};
use caas_domain::account::Role;
use caas_domain::ids::AlertId;

/// Routes of this page.
pub fn routes() -> Vec<RouteDef> {
    vec![
        def(
            Method::GET,
            "/intranet/alerts",
            Surface::Web,
            Access::Roles(STAFF),
            get(view_alerts_get),
        ),
        def(
            Method::POST,
            "/intranet/alerts/{alert_id}/resolve",
            Surface::Web,
            Access::Roles(SELLERS),
            post(resolve_post),
        ),
    ]
}

struct AlertRow {
    id: String,
    kind: String,
    message: String,
    order_id: String,
    created: String,
    resolved: String,
}

#[derive(Template)]
#[template(path = "intranet_alerts.html")]
struct AlertsPage {
    p: Page,
    rows: Vec<AlertRow>,
    can_resolve: bool,
}

async fn view_alerts_get(
    State(state): State<AppState>,
    user: WebUser,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    let m = Msg::for_lang(lang);
    let alerts = list_alerts_for_staff(&state.app, &user.account).await?;
    let rows = alerts
        .iter()
        .map(|a| AlertRow {
            id: a.id.to_string(),
            kind: labels::alert_kind(&a.kind, lang),
            message: a.message.clone(),
            order_id: a
                .order_id
                .as_ref()
                .map(|o| o.to_string())
                .unwrap_or_default(),
            created: when(&a.created_at),
            resolved: a.resolved_at.as_ref().map(when).unwrap_or_default(),
        })
        .collect();
    Ok(render(&AlertsPage {
        p: Page::new(&user.viewer, m.o.alerts_title, "/intranet/alerts"),
        rows,
        can_resolve: matches!(user.account.role, Role::Sales | Role::Admin),
    }))
}

async fn resolve_post(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<AlertId>,
) -> Result<Response, WebError> {
    resolve_alert(&state.app, &user.account, &id).await?;
    Ok(Redirect::to("/intranet/alerts").into_response())
}
