//! `/ops/dealerships`: the dealership list, the creation form and each
//! dealership's address and opening hours (shown to collecting customers).

use crate::error::WebError;
use crate::extract::path_id::PathId;
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
use caas_app::dealerships::{create_dealership, list_dealerships, update_dealership_details};
use caas_app::AppError;
use caas_domain::dealership::COUNTRIES;
use caas_domain::ids::DealershipId;
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
        def(
            Method::POST,
            "/ops/dealerships/{dealership_id}/details",
            Surface::Web,
            Access::Roles(ADMIN),
            post(details_post),
        ),
    ]
}

struct Row {
    id: String,
    name: String,
    locality: String,
    country: String,
    address: String,
    opening_hours: String,
}

#[derive(Template)]
#[template(path = "ops_dealerships.html")]
struct DealershipsPage {
    p: Page,
    rows: Vec<Row>,
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
            .map(|d| Row {
                id: d.id.to_string(),
                name: d.name,
                locality: d.locality,
                country: d.country,
                address: d.address,
                opening_hours: d.opening_hours,
            })
            .collect(),
        countries: COUNTRIES.to_vec(),
        errors,
    })
}

async fn view_dealerships_get(
    State(state): State<AppState>,
    user: WebUser,
) -> Result<Response, WebError> {
    Ok(render(&page(&state, &user, FormErrors::default()).await?))
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
            let p = page(&state, &user, errors).await?;
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &p))
        }
        Err(e) => Err(e.into()),
    }
}

/// Details form.
#[derive(Debug, Deserialize)]
pub struct DetailsForm {
    #[serde(default)]
    address: String,
    #[serde(default)]
    opening_hours: String,
}

async fn details_post(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<DealershipId>,
    Form(f): Form<DetailsForm>,
) -> Result<Response, WebError> {
    let r = update_dealership_details(
        &state.app,
        &user.viewer.ctx,
        &user.account,
        &id,
        &f.address,
        &f.opening_hours,
    )
    .await;
    match r {
        Ok(_) => Ok(Redirect::to("/ops/dealerships").into_response()),
        Err(e) => match crate::web::forms::field_errors(&e) {
            Some(errors) => {
                let p = page(&state, &user, errors).await?;
                Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &p))
            }
            None => Err(e.into()),
        },
    }
}
