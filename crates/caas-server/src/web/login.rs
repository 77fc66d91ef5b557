//! Login and logout.

use crate::error::WebError;
use crate::extract::viewer::{Viewer, WebUser};
use crate::routes::{def, Access, RouteDef, Surface};
use crate::state::AppState;
use crate::web::render::{render, render_status, Page};
use crate::web::{cookies, safe_next};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Form;
use caas_app::auth::{login, sessions};
use caas_app::AppError;
use caas_domain::session::SessionKind;
use serde::Deserialize;

/// Routes of this page.
pub fn routes() -> Vec<RouteDef> {
    vec![
        def(
            Method::GET,
            "/login",
            Surface::Web,
            Access::Public,
            get(view_login_get),
        ),
        def(
            Method::POST,
            "/login",
            Surface::Web,
            Access::Public,
            post(login_post),
        ),
        def(
            Method::POST,
            "/logout",
            Surface::Web,
            Access::Authenticated,
            post(logout_post),
        ),
    ]
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    p: Page,
    email: String,
    next: String,
    error: String,
}

/// Query of the login page.
#[derive(Debug, Deserialize, Default)]
pub struct LoginQuery {
    next: Option<String>,
}

async fn view_login_get(viewer: Viewer, Query(q): Query<LoginQuery>) -> Response {
    if viewer.account.is_some() {
        return Redirect::to("/").into_response();
    }
    let p = Page::new(&viewer, viewer_msg(&viewer).login_title, "/login");
    render(&LoginPage {
        p,
        email: String::new(),
        next: q.next.unwrap_or_default(),
        error: String::new(),
    })
}

fn viewer_msg(v: &Viewer) -> &'static crate::web::i18n::Msg {
    crate::web::i18n::Msg::for_lang(v.lang)
}

/// Login form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    next: String,
}

async fn login_post(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<LoginForm>,
) -> Result<Response, WebError> {
    match login::login(
        &state.app,
        &viewer.ctx,
        &f.email,
        &f.password,
        SessionKind::Web,
    )
    .await
    {
        Ok(issued) => {
            let target = safe_next(&f.next).unwrap_or("/");
            let mut resp = Redirect::to(target).into_response();
            cookies::append(
                &mut resp,
                cookies::session_cookie(&issued.secret, state.secure_cookies),
            );
            Ok(resp)
        }
        Err(AppError::BadCredentials) => {
            let m = viewer_msg(&viewer);
            let p = Page::new(&viewer, m.login_title, "/login");
            Ok(render_status(
                StatusCode::UNAUTHORIZED,
                &LoginPage {
                    p,
                    email: f.email,
                    next: f.next,
                    error: m.login_failed.to_owned(),
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

async fn logout_post(State(state): State<AppState>, user: WebUser) -> Result<Response, WebError> {
    sessions::logout(&state.app, &user.viewer.ctx, &user.account, &user.session).await?;
    let mut resp = Redirect::to("/login").into_response();
    cookies::append(
        &mut resp,
        cookies::clear_session_cookie(state.secure_cookies),
    );
    Ok(resp)
}
