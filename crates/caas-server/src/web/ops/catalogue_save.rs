//! Saving the forms of `/ops/catalogue` (ADMIN): a plataforma base or an
//! option; invalid fields come back next to themselves with the values kept.

use crate::error::WebError;
use crate::extract::viewer::WebUser;
use crate::routes::{def, Access, RouteDef, Surface, ADMIN};
use crate::state::AppState;
use crate::web::forms::{field_errors, FormData};
use crate::web::ops::catalogue::{page, EditQuery, Forms};
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use caas_app::catalogue::{save_option, save_platform, OptionIn, PlatformIn};

/// Routes of these forms.
pub fn routes() -> Vec<RouteDef> {
    vec![
        def(
            Method::POST,
            "/ops/catalogue/platforms",
            Surface::Web,
            Access::Roles(ADMIN),
            post(platform_post),
        ),
        def(
            Method::POST,
            "/ops/catalogue/options",
            Surface::Web,
            Access::Roles(ADMIN),
            post(option_post),
        ),
    ]
}

async fn platform_post(
    State(state): State<AppState>,
    user: WebUser,
    f: FormData,
) -> Result<Response, WebError> {
    let input = PlatformIn {
        code: f.get("code"),
        name_es: f.get("name_es"),
        name_en: f.get("name_en"),
        description_es: f.get("description_es"),
        description_en: f.get("description_en"),
        base_price: f.get("base_price"),
        currency: f.get("currency"),
        active: f.checked("active"),
    };
    match save_platform(&state.app, &user.viewer.ctx, &user.account, &input).await {
        Ok(p) => Ok(
            Redirect::to(&format!("/ops/catalogue?saved=1&platform={}", p.code)).into_response(),
        ),
        Err(e) => match field_errors(&e) {
            Some(errors) => {
                let forms = Forms {
                    pf: Some(input.clone()),
                    pf_errors: errors,
                    ..Forms::default()
                };
                page(
                    &state,
                    &user,
                    &EditQuery::default(),
                    forms,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            None => Err(e.into()),
        },
    }
}

async fn option_post(
    State(state): State<AppState>,
    user: WebUser,
    f: FormData,
) -> Result<Response, WebError> {
    let input = OptionIn {
        code: f.get("code"),
        name_es: f.get("name_es"),
        name_en: f.get("name_en"),
        description_es: f.get("description_es"),
        description_en: f.get("description_en"),
        category: f.get("category"),
        platforms: f.all("platforms"),
    };
    match save_option(&state.app, &user.viewer.ctx, &user.account, &input).await {
        Ok(o) => {
            Ok(Redirect::to(&format!("/ops/catalogue?saved=1&option={}", o.code)).into_response())
        }
        Err(e) => match field_errors(&e) {
            Some(errors) => {
                let forms = Forms {
                    of: Some(input.clone()),
                    of_errors: errors,
                    ..Forms::default()
                };
                page(
                    &state,
                    &user,
                    &EditQuery::default(),
                    forms,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            None => Err(e.into()),
        },
    }
}
