//! Saving the feature-store forms of an option on `/ops/catalogue` (ADMIN):
//! its store fields, a new offer, a change to one offer. Invalid fields come
//! back next to themselves, in the viewer's language, with the values kept.

use crate::error::WebError;
use crate::extract::path_id::PathCodeId;
use crate::extract::viewer::WebUser;
use crate::routes::{def, Access, RouteDef, Surface, ADMIN};
use crate::state::AppState;
use crate::web::forms::{field_errors, FormData};
use crate::web::ops::catalogue::{page, EditQuery, Forms};
use crate::web::ops::catalogue_store::{OfferEdit, StoreForms};
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use caas_app::catalogue::offers::{add_offer, change_offer, OfferChange, OfferIn};
use caas_app::catalogue::store::{save_store_fields, StoreFieldsIn};
use caas_app::AppError;
use caas_domain::ids::OfferId;

/// Routes of these forms.
pub fn routes() -> Vec<RouteDef> {
    vec![
        def(
            Method::POST,
            "/ops/catalogue/options/{code}/store",
            Surface::Web,
            Access::Roles(ADMIN),
            post(store_post),
        ),
        def(
            Method::POST,
            "/ops/catalogue/options/{code}/offers",
            Surface::Web,
            Access::Roles(ADMIN),
            post(offer_add_post),
        ),
        def(
            Method::POST,
            "/ops/catalogue/options/{code}/offers/{offer_id}",
            Surface::Web,
            Access::Roles(ADMIN),
            post(offer_change_post),
        ),
    ]
}

/// Back to the option's section after a save.
fn saved(code: &str, anchor: &str) -> Response {
    Redirect::to(&format!(
        "/ops/catalogue?saved=1&option={}#{anchor}",
        link_code(code)
    ))
    .into_response()
}

/// An option code for the link back (`A-Z 0-9 _ -`, as stored; anything
/// else is dropped).
fn link_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The page again with the section's forms as submitted (422), or the error.
async fn again(
    state: &AppState,
    user: &WebUser,
    code: &str,
    e: AppError,
    store: impl FnOnce(crate::web::render::FormErrors) -> StoreForms,
) -> Result<Response, WebError> {
    let Some(errors) = field_errors(&e) else {
        return Err(e.into());
    };
    let forms = Forms {
        store: store(errors),
        ..Forms::default()
    };
    let q = EditQuery::for_option(code);
    page(state, user, &q, forms, StatusCode::UNPROCESSABLE_ENTITY).await
}

async fn store_post(
    State(state): State<AppState>,
    user: WebUser,
    Path(code): Path<String>,
    f: FormData,
) -> Result<Response, WebError> {
    let input = StoreFieldsIn {
        iot_feature: f.get("iot_feature"),
        iot_config: f.get("iot_config"),
        blocks: f.all("blocks"),
        threshold_percent: f.get("threshold_percent"),
        when_unreachable: f.get("when_unreachable"),
        active: f.checked("active"),
    };
    match save_store_fields(&state.app, &user.viewer.ctx, &user.account, &code, &input).await {
        Ok(o) => Ok(saved(&o.code, "store-form")),
        Err(e) => {
            again(&state, &user, &code, e, |errs| StoreForms {
                store: Some((input, errs)),
                ..StoreForms::default()
            })
            .await
        }
    }
}

async fn offer_add_post(
    State(state): State<AppState>,
    user: WebUser,
    Path(code): Path<String>,
    f: FormData,
) -> Result<Response, WebError> {
    let input = OfferIn {
        model: f.get("model"),
        count: f.get("count"),
        unit: f.get("unit"),
        price: f.get("price"),
        currency: f.get("currency"),
    };
    match add_offer(&state.app, &user.viewer.ctx, &user.account, &code, &input).await {
        Ok(_) => Ok(saved(&code, "offers")),
        Err(e) => {
            again(&state, &user, &code, e, |errs| StoreForms {
                add: Some((input, errs)),
                ..StoreForms::default()
            })
            .await
        }
    }
}

async fn offer_change_post(
    State(state): State<AppState>,
    user: WebUser,
    PathCodeId(code, id): PathCodeId<OfferId>,
    f: FormData,
) -> Result<Response, WebError> {
    let edit = OfferEdit {
        price: f.get("price"),
        currency: f.get("currency"),
        active: f.checked("active"),
    };
    let change = OfferChange {
        price: Some(edit.price.clone()),
        currency: Some(edit.currency.clone()),
        active: Some(edit.active),
    };
    match change_offer(
        &state.app,
        &user.viewer.ctx,
        &user.account,
        &code,
        &id,
        &change,
    )
    .await
    {
        Ok(_) => Ok(saved(&code, "offers")),
        Err(e) => {
            again(&state, &user, &code, e, |errs| StoreForms {
                edit: Some((id, edit, errs)),
                ..StoreForms::default()
            })
            .await
        }
    }
}
