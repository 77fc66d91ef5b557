//! `/vehicle/{vehicle_id}/store/confirm?option=…&offer=…`: what buying one
//! offer means (price, duration, start and end, withdrawal terms) from
//! `quote_purchase`, or why it cannot be bought now, in the page's
//! language; the form (with the shared card form: a saved card or a new one
//! in the gateway's fields, optionally saved) confirms it through
//! `confirm_purchases` with one item and leads to the purchase page.

use super::words;
use crate::error::WebError;
use crate::extract::path_id::PathId;
use crate::extract::viewer::WebUser;
use crate::state::AppState;
use crate::web::card_form::{chosen, CardForm};
use crate::web::forms::FormData;
use crate::web::i18n::cards::CardMsg;
use crate::web::i18n::store::StoreMsg;
use crate::web::render::{render_status, Page};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use caas_app::payments::cards::method_for_payment;
use caas_app::purchases::{check_own_car, confirm_purchases, quote_purchase, BasketItemIn, Quote};
use caas_app::AppError;
use caas_domain::ids::VehicleId;
use serde::Deserialize;

/// The offer chosen in the store.
#[derive(Debug, Deserialize)]
pub struct Choice {
    #[serde(default)]
    option: String,
    #[serde(default)]
    offer: String,
}

/// What the quote says, in words.
#[derive(Debug, Clone)]
pub struct QuoteRow {
    /// Option name.
    pub name: String,
    /// What it does.
    pub description: String,
    /// Price.
    pub price: String,
    /// Duration ("30 días", "De por vida").
    pub duration: String,
    /// Start day.
    pub starts: String,
    /// End day, empty for lifetime.
    pub ends: String,
    /// It extends the running period.
    pub extends: bool,
    /// Withdrawal terms with the deadline if activated now.
    pub withdrawal: String,
}

#[derive(Template)]
#[template(path = "store_confirm.html")]
struct ConfirmPage {
    p: Page,
    s: &'static StoreMsg,
    vehicle_id: String,
    option: String,
    offer: String,
    quote: Option<QuoteRow>,
    refusal: String,
    pm_error: String,
    card: String,
}

fn quote_row(q: &Quote, lang: caas_domain::account::Language) -> QuoteRow {
    let e = &q.eligible;
    let s = StoreMsg::for_lang(lang);
    let (_, length) = crate::web::labels::pricing(e.item.pricing, lang);
    let deadline = e.withdrawal.deadline(e.period.starts_at, e.period.ends_at);
    QuoteRow {
        name: q.option.name.get(lang).to_owned(),
        description: q.option.description.get(lang).to_owned(),
        price: e.item.price.to_string(),
        duration: match e.item.pricing.length() {
            Some(_) => length,
            None => s.for_life.to_owned(),
        },
        starts: words::date(&e.period.starts_at, lang),
        ends: e
            .period
            .ends_at
            .map(|t| words::date(&t, lang))
            .unwrap_or_default(),
        extends: e.extends.is_some(),
        withdrawal: words::withdrawal(&e.withdrawal, deadline, lang),
    }
}

/// Renders the page for `choice`: the quote, or the refusal (409).
async fn page(
    state: &AppState,
    user: &WebUser,
    id: &VehicleId,
    choice: &Choice,
    pm: (String, String),
    refused: Option<String>,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    let s = StoreMsg::for_lang(lang);
    let quoted = match refused {
        Some(r) => Err(r),
        None => {
            match quote_purchase(&state.app, &user.account, id, &choice.option, &choice.offer).await
            {
                Ok(q) => Ok(quote_row(&q, lang)),
                Err(AppError::Conflict(r)) => Err(r.text(lang).to_owned()),
                Err(e) => return Err(WebError::new(e, lang)),
            }
        }
    };
    let (status, quote, refusal) = match quoted {
        Ok(q) if pm.1.is_empty() => (StatusCode::OK, Some(q), String::new()),
        Ok(q) => (StatusCode::UNPROCESSABLE_ENTITY, Some(q), String::new()),
        Err(r) => (StatusCode::CONFLICT, None, r),
    };
    let path = format!(
        "/vehicle/{id}/store/confirm?option={}&offer={}",
        urlencoding(&choice.option),
        urlencoding(&choice.offer)
    );
    let card = CardForm::for_payer(&state.app, &state.card_fields, &user.account, lang)
        .await
        .keeping(&pm.0);
    let page = ConfirmPage {
        p: Page::new(&user.viewer, s.confirm_title, &path),
        s,
        vehicle_id: id.to_string(),
        option: choice.option.clone(),
        offer: choice.offer.clone(),
        quote,
        refusal,
        card: card.html(),
        pm_error: pm.1,
    };
    Ok(render_status(status, &page))
}

fn urlencoding(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The confirmation page of one offer.
pub async fn confirm_get(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<VehicleId>,
    Query(choice): Query<Choice>,
) -> Result<Response, WebError> {
    check_own_car(&state.app, &user.account, &id).await?;
    if choice.option.is_empty() || choice.offer.is_empty() {
        // Nothing chosen (an old bookmark): back to the store to choose.
        return Ok(axum::response::Redirect::to(&format!("/vehicle/{id}/store")).into_response());
    }
    page(&state, &user, &id, &choice, Default::default(), None).await
}

/// Confirms the offer with the payment method; the purchase page next.
pub async fn confirm_post(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<VehicleId>,
    f: FormData,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    // Another customer's car is 404 before the form is looked at.
    check_own_car(&state.app, &user.account, &id).await?;
    let choice = Choice {
        option: f.get("option"),
        offer: f.get("offer"),
    };
    let (pm, save) = chosen(&f);
    let item = BasketItemIn {
        option_code: choice.option.clone(),
        offer_id: choice.offer.clone(),
    };
    let ctx = &user.viewer.ctx;
    // A new card to keep is saved first and then paid with as a saved card.
    let r = match method_for_payment(&state.app, ctx, &user.account, &pm, save).await {
        Ok(pm) => confirm_purchases(&state.app, ctx, &user.account, &id, &[item], &pm).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(out) => {
            if let Some(p) = out.accepted.first() {
                return Ok(Redirect::to(&format!("/purchases/{}", p.id)).into_response());
            }
            let why = out.refused.first().map(|(_, r)| r.text(lang).to_owned());
            let why = why.unwrap_or_else(|| StoreMsg::for_lang(lang).refused_title.to_owned());
            page(&state, &user, &id, &choice, (pm, String::new()), Some(why)).await
        }
        Err(AppError::Invalid { field, .. }) if field == "payment_method" || field == "token" => {
            let msg = CardMsg::for_lang(lang).choose_card.to_owned();
            page(&state, &user, &id, &choice, (pm, msg), None).await
        }
        Err(AppError::Conflict(r)) => {
            let why = r.text(lang).to_owned();
            page(&state, &user, &id, &choice, (pm, String::new()), Some(why)).await
        }
        Err(e) => Err(WebError::new(e, lang)),
    }
}
