//! `/account/cards`: the customer's saved cards (brand, last four digits,
//! expiry), deleting one after a confirmation, and adding one with the
//! shared card form ([`crate::web::card_form`]). The cards are kept by the
//! gateway; `caas_app::payments::cards` does the work. Another customer's
//! card is 404.

use crate::error::WebError;
use crate::extract::viewer::WebUser;
use crate::routes::{def, Access, RouteDef, Surface, CUSTOMER};
use crate::state::AppState;
use crate::web::card_form::{card_rows, chosen, CardForm, CardRow};
use crate::web::forms::FormData;
use crate::web::i18n::cards::CardMsg;
use crate::web::render::{render_status, Page};
use crate::web::shared::NoticeQuery;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use caas_app::payments::cards;
use caas_app::AppError;

/// Routes of these pages.
pub fn routes() -> Vec<RouteDef> {
    let customer = Access::Roles(CUSTOMER);
    vec![
        def(
            Method::GET,
            "/account/cards",
            Surface::Web,
            customer,
            get(cards_get),
        ),
        def(
            Method::POST,
            "/account/cards",
            Surface::Web,
            customer,
            post(cards_post),
        ),
        def(
            Method::POST,
            "/account/cards/{payment_method_id}/delete",
            Surface::Web,
            customer,
            post(delete_post),
        ),
    ]
}

#[derive(Template)]
#[template(path = "cards.html")]
struct CardsPage {
    p: Page,
    c: &'static CardMsg,
    rows: Vec<CardRow>,
    /// The card whose deletion awaits confirmation.
    confirm: Option<CardRow>,
    form: String,
    error: String,
}

async fn page(
    state: &AppState,
    user: &WebUser,
    status: StatusCode,
    notice: Option<&str>,
    confirm: Option<CardRow>,
    error: String,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    let c = CardMsg::for_lang(lang);
    let list = cards::list_cards(&state.app, &user.account).await?;
    let notice = match notice {
        Some("card_saved") => Some(c.saved_notice),
        Some("card_deleted") => Some(c.deleted_notice),
        _ => None,
    };
    let page = CardsPage {
        p: Page::new(&user.viewer, c.cards_title, "/account/cards").with_notice(notice),
        c,
        rows: card_rows(&list, lang),
        confirm,
        form: CardForm::new_card(&state.card_fields, lang).html(),
        error,
    };
    Ok(render_status(status, &page))
}

async fn cards_get(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    page(&state, &user, StatusCode::OK, q.n(), None, String::new()).await
}

/// Saves the new card's one-time token.
async fn cards_post(
    State(state): State<AppState>,
    user: WebUser,
    f: FormData,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    let (token, _) = chosen(&f);
    match cards::save_card(&state.app, &user.viewer.ctx, &user.account, &token).await {
        Ok(_) => Ok(Redirect::to("/account/cards?n=card_saved").into_response()),
        Err(AppError::Invalid { .. }) => {
            let error = CardMsg::for_lang(lang).card_unreadable.to_owned();
            page(
                &state,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                None,
                error,
            )
            .await
        }
        Err(e) => Err(WebError::new(e, lang)),
    }
}

/// Asks for confirmation first; deletes with `confirm=yes`.
async fn delete_post(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    f: FormData,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    let card = cards::own_card(&state.app, &user.account, &id)
        .await
        .map_err(|e| WebError::new(e, lang))?;
    if f.get("confirm") != "yes" {
        let row = card_rows(std::slice::from_ref(&card), lang).pop();
        return page(&state, &user, StatusCode::OK, None, row, String::new()).await;
    }
    cards::delete_card(&state.app, &user.viewer.ctx, &user.account, &card.id)
        .await
        .map_err(|e| WebError::new(e, lang))?;
    Ok(Redirect::to("/account/cards?n=card_deleted").into_response())
}
