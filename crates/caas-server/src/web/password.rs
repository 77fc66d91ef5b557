//! Forgotten password (request a link, use it) and changing one's password.

use crate::error::WebError;
use crate::extract::viewer::{Viewer, WebUser};
use crate::routes::{def, Access, RouteDef, Surface};
use crate::state::AppState;
use crate::web::activation::{
    show_link_form, submit_link_form, MessagePage, SetPasswordForm, TokenQuery,
};
use crate::web::i18n::Msg;
use crate::web::render::{render, render_status, FormErrors, Page};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Form;
use caas_app::auth::{links, password};
use caas_app::AppError;
use caas_domain::session::TokenPurpose;
use serde::Deserialize;

/// Routes of these pages.
pub fn routes() -> Vec<RouteDef> {
    vec![
        def(
            Method::GET,
            "/password/forgot",
            Surface::Web,
            Access::Public,
            get(view_forgot_get),
        ),
        def(
            Method::POST,
            "/password/forgot",
            Surface::Web,
            Access::Public,
            post(forgot_post),
        ),
        def(
            Method::GET,
            "/password/reset",
            Surface::Web,
            Access::Public,
            get(view_reset_get),
        ),
        def(
            Method::POST,
            "/password/reset",
            Surface::Web,
            Access::Public,
            post(reset_post),
        ),
        def(
            Method::GET,
            "/account/password",
            Surface::Web,
            Access::Authenticated,
            get(view_change_get),
        ),
        def(
            Method::POST,
            "/account/password",
            Surface::Web,
            Access::Authenticated,
            post(change_post),
        ),
    ]
}

#[derive(Template)]
#[template(path = "forgot.html")]
struct ForgotPage {
    p: Page,
}

#[derive(Template)]
#[template(path = "change_password.html")]
struct ChangePage {
    p: Page,
    errors: FormErrors,
}

async fn view_forgot_get(viewer: Viewer) -> Response {
    let m = Msg::for_lang(viewer.lang);
    render(&ForgotPage {
        p: Page::new(&viewer, m.forgot_title, "/password/forgot"),
    })
}

/// Forgot-password form.
#[derive(Debug, Deserialize)]
pub struct ForgotForm {
    email: String,
}

async fn forgot_post(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<ForgotForm>,
) -> Result<Response, WebError> {
    links::request_password_reset(&state.app, &viewer.ctx, &f.email).await?;
    let m = Msg::for_lang(viewer.lang);
    Ok(render(&MessagePage {
        p: Page::new(&viewer, m.forgot_title, "/password/forgot"),
        message: m.forgot_sent.into(),
        link_href: "/login".into(),
        link_text: m.nav_login.into(),
    }))
}

async fn view_reset_get(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<TokenQuery>,
) -> Result<Response, WebError> {
    show_link_form(&state, &viewer, TokenPurpose::Reset, q.token).await
}

async fn reset_post(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<SetPasswordForm>,
) -> Result<Response, WebError> {
    submit_link_form(&state, &viewer, TokenPurpose::Reset, f).await
}

async fn view_change_get(user: WebUser) -> Response {
    let m = Msg::for_lang(user.viewer.lang);
    render(&ChangePage {
        p: Page::new(&user.viewer, m.change_title, "/account/password"),
        errors: FormErrors::default(),
    })
}

/// Change-password form.
#[derive(Debug, Deserialize)]
pub struct ChangeForm {
    current_password: String,
    password: String,
    confirm: String,
}

async fn change_post(
    State(state): State<AppState>,
    user: WebUser,
    Form(f): Form<ChangeForm>,
) -> Result<Response, WebError> {
    let m = Msg::for_lang(user.viewer.lang);
    let mut errors = FormErrors::default();
    if f.password != f.confirm {
        errors.add("confirm", m.passwords_differ);
    } else {
        match password::change_password(
            &state.app,
            &user.viewer.ctx,
            &user.account,
            &user.session,
            &f.current_password,
            &f.password,
        )
        .await
        {
            Ok(()) => {
                return Ok(render(&ChangePage {
                    p: Page::new(&user.viewer, m.change_title, "/account/password")
                        .with_notice(Some(m.change_done)),
                    errors,
                }))
            }
            Err(AppError::Invalid { field, message }) => errors.add(&field, message),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &ChangePage {
            p: Page::new(&user.viewer, m.change_title, "/account/password"),
            errors,
        },
    ))
}
