//! The owner's sessions and devices, and the language switch.

use crate::error::WebError;
use crate::extract::path_id::PathId;
use crate::extract::viewer::{Viewer, WebUser};
use crate::routes::{def, Access, RouteDef, Surface};
use crate::state::AppState;
use crate::web::i18n::Msg;
use crate::web::render::{render, when, Page};
use crate::web::{cookies, safe_next};
use askama::Template;
use axum::extract::State;
use axum::http::Method;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Form;
use caas_app::auth::{profile, sessions};
use caas_domain::account::Language;
use caas_domain::ids::SessionId;
use caas_domain::session::SessionKind;
use serde::Deserialize;

/// Routes of these pages.
pub fn routes() -> Vec<RouteDef> {
    vec![
        def(
            Method::GET,
            "/account/sessions",
            Surface::Web,
            Access::Authenticated,
            get(view_sessions_get),
        ),
        def(
            Method::POST,
            "/account/sessions/{session_id}/revoke",
            Surface::Web,
            Access::Authenticated,
            post(revoke_session_post),
        ),
        def(
            Method::POST,
            "/language",
            Surface::Web,
            Access::Public,
            post(language_post),
        ),
    ]
}

struct SessionRow {
    id: String,
    kind: &'static str,
    device: String,
    created: String,
    expires: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "sessions.html")]
struct SessionsPage {
    p: Page,
    rows: Vec<SessionRow>,
}

async fn view_sessions_get(
    State(state): State<AppState>,
    user: WebUser,
) -> Result<Response, WebError> {
    let m = Msg::for_lang(user.viewer.lang);
    let list = sessions::list_sessions(&state.app, &user.account).await?;
    let rows = list
        .into_iter()
        .map(|s| SessionRow {
            current: s.id == user.session.id,
            id: s.id.to_string(),
            kind: match s.kind {
                SessionKind::Web => m.kind_web,
                SessionKind::Api => m.kind_api,
            },
            device: s.user_agent.clone(),
            created: when(&s.created_at),
            expires: when(&s.expires_at),
        })
        .collect();
    Ok(render(&SessionsPage {
        p: Page::new(&user.viewer, m.sessions_title, "/account/sessions"),
        rows,
    }))
}

async fn revoke_session_post(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<SessionId>,
) -> Result<Response, WebError> {
    sessions::revoke_session(&state.app, &user.viewer.ctx, &user.account, &id).await?;
    if id == user.session.id {
        let mut resp = Redirect::to("/login").into_response();
        cookies::append(
            &mut resp,
            cookies::clear_session_cookie(state.secure_cookies),
        );
        return Ok(resp);
    }
    Ok(Redirect::to("/account/sessions").into_response())
}

/// Language switch form.
#[derive(Debug, Deserialize)]
pub struct LanguageForm {
    lang: String,
    #[serde(default)]
    next: String,
}

async fn language_post(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<LanguageForm>,
) -> Result<Response, WebError> {
    let lang = Language::parse(&f.lang)?;
    if let Some(account) = &viewer.account {
        profile::set_language(&state.app, &viewer.ctx, account, lang).await?;
    }
    let mut resp = Redirect::to(safe_next(&f.next).unwrap_or("/")).into_response();
    cookies::append(
        &mut resp,
        cookies::lang_cookie(lang.as_str(), state.secure_cookies),
    );
    Ok(resp)
}
