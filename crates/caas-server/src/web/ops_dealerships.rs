//! `/ops/dealerships`: the dealership list and creation form.

use crate::error::WebError;
use crate::extract::viewer::WebUser;
use crate::routes::{def, Access, RouteDef, Surface, ADMIN};
use crate::state::AppState;
use crate::web::i18n::Msg;
use crate::web::render::{render, render_status, FormErrors, Page};
use askama::Template;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Form;
use caas_app::dealerships::{create_dealership, list_dealerships};
use caas_app::AppError;
use caas_domain::dealership::COUNTRIES;
use serde::Deserialize;

/// Routes of this page.
pub fn routes() -> Vec<RouteDef> {
    vec![
        def(
            Method::GET,
            "/ops/dealerships",
            Surface::Web,
            Access::Roles(ADMIN),
            get(view_dealerships_get),
        ),
        def(
            Method::POST,
            "/ops/dealerships",
            Surface::Web,
            Access::Roles(ADMIN),
            post(create_dealership_post),
        ),
    ]
}

#[derive(Template)]
#[template(path = "ops_dealerships.html")]
struct DealershipsPage {
    p: Page,
    rows: Vec<(String, String, String, String)>,
    countries: Vec<&'static str>,
    errors: FormErrors,
}

async fn page(
    state: &AppState,
    user: &WebUser,
    errors: FormErrors,
) -> Result<DealershipsPage, AppError> {
    let m = Msg::for_lang(user.viewer.lang);
    let list = list_dealerships(&state.app).await?;
    Ok(DealershipsPage {
        p: Page::new(&user.viewer, m.dealerships_title, "/ops/dealerships"),
        rows: list
            .into_iter()
            .map(|d| (d.id.to_string(), d.name, d.locality, d.country))
            .collect(),
        countries: COUNTRIES.to_vec(),
        errors,
    })
}

async fn view_dealerships_get(
    State(state): State<AppState>,
    user: WebUser,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    Ok(render(
        &page(&state, &user, FormErrors::default())
            .await
            .map_err(|e| WebError::new(e, lang))?,
    ))
}

/// Dealership form.
#[derive(Debug, Deserialize)]
pub struct DealershipForm {
    name: String,
    country: String,
    locality: String,
}

async fn create_dealership_post(
    State(state): State<AppState>,
    user: WebUser,
    Form(f): Form<DealershipForm>,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    match create_dealership(
        &state.app,
        &user.viewer.ctx,
        user.account.id.as_str(),
        &f.name,
        &f.country,
        &f.locality,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/ops/dealerships").into_response()),
        Err(AppError::Invalid { field, message }) => {
            let mut errors = FormErrors::default();
            errors.add(&field, message);
            let p = page(&state, &user, errors)
                .await
                .map_err(|e| WebError::new(e, lang))?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &p))
        }
        Err(e) => Err(WebError::new(e, lang)),
    }
}
