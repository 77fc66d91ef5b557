//! Registering this browser for Web Push from `/preferences`: the scripts
//! (`/static/push.js`, `/sw.js` at the root so its scope covers the portal)
//! and the form POST that stores the subscription.

use crate::error::WebError;
use crate::extract::viewer::WebUser;
use crate::routes::{def, Access, RouteDef, Surface, CUSTOMER};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, Method};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Form;
use caas_app::notify::prefs::subscribe_push;
use serde::Deserialize;

/// Routes of this page.
pub fn routes() -> Vec<RouteDef> {
    vec![
        def(
            Method::GET,
            "/static/push.js",
            Surface::System,
            Access::Public,
            get(push_script),
        ),
        def(
            Method::GET,
            "/sw.js",
            Surface::System,
            Access::Public,
            get(service_worker),
        ),
        def(
            Method::POST,
            "/preferences/push",
            Surface::Web,
            Access::Roles(CUSTOMER),
            post(register_push_post),
        ),
    ]
}

fn js(body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

async fn push_script() -> Response {
    js(include_str!("../../../static/push.js"))
}

async fn service_worker() -> Response {
    js(include_str!("../../../static/sw.js"))
}

/// `PushSubscription.toJSON()` flattened into a form.
#[derive(Debug, Deserialize)]
pub struct PushForm {
    endpoint: String,
    p256dh: String,
    auth: String,
}

async fn register_push_post(
    State(state): State<AppState>,
    user: WebUser,
    Form(f): Form<PushForm>,
) -> Result<Response, WebError> {
    let ua = user.viewer.ctx.user_agent.clone().unwrap_or_default();
    subscribe_push(
        &state.app,
        &user.account,
        &user.session.id,
        &f.endpoint,
        &f.p256dh,
        &f.auth,
        &ua,
    )
    .await?;
    Ok(Redirect::to("/preferences").into_response())
}
