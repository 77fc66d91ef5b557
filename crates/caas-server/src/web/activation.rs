//! Account activation from the emailed link: choose the first password.

use crate::error::WebError;
use crate::extract::viewer::Viewer;
use crate::routes::{def, Access, RouteDef, Surface};
use crate::state::AppState;
use crate::web::i18n::Msg;
use crate::web::render::{render, render_status, FormErrors, Page};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Form;
use caas_app::auth::links;
use caas_app::AppError;
use caas_domain::session::TokenPurpose;
use serde::Deserialize;

/// Routes of this page.
pub fn routes() -> Vec<RouteDef> {
    vec![
        def(
            Method::GET,
            "/activate",
            Surface::Web,
            Access::Public,
            get(view_activate_get),
        ),
        def(
            Method::POST,
            "/activate",
            Surface::Web,
            Access::Public,
            post(activate_post),
        ),
    ]
}

/// The set-password form, shared by activation and reset.
#[derive(Template)]
#[template(path = "set_password.html")]
pub struct SetPasswordPage {
    /// Layout.
    pub p: Page,
    /// Heading.
    pub heading: &'static str,
    /// Intro sentence.
    pub intro: &'static str,
    /// Account email.
    pub email: String,
    /// Form action.
    pub action: &'static str,
    /// Link secret.
    pub token: String,
    /// Submit label.
    pub submit: &'static str,
    /// Field errors.
    pub errors: FormErrors,
}

/// The message page (success notices).
#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    /// Layout.
    pub p: Page,
    /// Message.
    pub message: String,
    /// Link target.
    pub link_href: String,
    /// Link text.
    pub link_text: String,
}

/// Query carrying the link secret.
#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    /// The secret.
    pub token: String,
}

/// The form posted by [`SetPasswordPage`].
#[derive(Debug, Deserialize)]
pub struct SetPasswordForm {
    /// The secret.
    pub token: String,
    /// New password.
    pub password: String,
    /// Confirmation.
    pub confirm: String,
}

fn page(
    viewer: &Viewer,
    purpose: TokenPurpose,
    email: String,
    token: String,
    errors: FormErrors,
) -> SetPasswordPage {
    let m = Msg::for_lang(viewer.lang);
    let (heading, action, submit, intro) = match purpose {
        TokenPurpose::Activation => (
            m.activate_title,
            "/activate",
            m.activate_submit,
            m.activate_intro,
        ),
        TokenPurpose::Reset => (
            m.reset_title,
            "/password/reset",
            m.reset_submit,
            m.activate_intro,
        ),
    };
    SetPasswordPage {
        p: Page::new(viewer, heading, action),
        heading,
        intro,
        email,
        action,
        token,
        submit,
        errors,
    }
}

/// Shows the set-password form for a valid link (shared with reset).
pub async fn show_link_form(
    state: &AppState,
    viewer: &Viewer,
    purpose: TokenPurpose,
    token: String,
) -> Result<Response, WebError> {
    let account = links::check_link(&state.app, &token, purpose).await?;
    Ok(render(&page(
        viewer,
        purpose,
        account.email.to_string(),
        token,
        FormErrors::default(),
    )))
}

/// Handles the set-password post (shared with reset).
pub async fn submit_link_form(
    state: &AppState,
    viewer: &Viewer,
    purpose: TokenPurpose,
    f: SetPasswordForm,
) -> Result<Response, WebError> {
    let m = Msg::for_lang(viewer.lang);
    let mut errors = FormErrors::default();
    if f.password != f.confirm {
        errors.add("confirm", m.passwords_differ);
    } else {
        match links::use_link(&state.app, &viewer.ctx, &f.token, purpose, &f.password).await {
            Ok(_) => {
                let message = match purpose {
                    TokenPurpose::Activation => m.activated,
                    TokenPurpose::Reset => m.reset_done,
                };
                return Ok(render(&MessagePage {
                    p: Page::new(viewer, m.login_title, "/login"),
                    message: message.to_owned(),
                    link_href: "/login".into(),
                    link_text: m.nav_login.into(),
                }));
            }
            Err(AppError::Invalid { field, message }) => errors.add(&field, message),
            Err(e) => return Err(e.into()),
        }
    }
    let account = links::check_link(&state.app, &f.token, purpose).await?;
    Ok(render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &page(viewer, purpose, account.email.to_string(), f.token, errors),
    ))
}

async fn view_activate_get(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<TokenQuery>,
) -> Result<Response, WebError> {
    show_link_form(&state, &viewer, TokenPurpose::Activation, q.token).await
}

async fn activate_post(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<SetPasswordForm>,
) -> Result<Response, WebError> {
    submit_link_form(&state, &viewer, TokenPurpose::Activation, f).await
}
