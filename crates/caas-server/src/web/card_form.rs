//! The card form every payment page shares (store confirmation, señal, final
//! payment, `/account/cards`): the customer's saved cards as choices plus
//! "a new card", which is the gateway's hosted card fields in an iframe of
//! the gateway's origin (PAY-1: card data never reaches caas). The script
//! `/static/card-fields.js` accepts messages from that origin only, puts the
//! one-time `tok_…` into the hidden `payment_method` field and submits.
//! A native app (and the HTTP tests) post the same field with a token from
//! the gateway's `POST /v1/tokens`.

use crate::routes::{def, Access, RouteDef, Surface};
use crate::web::forms::FormData;
use crate::web::i18n::cards::CardMsg;
use askama::Template;
use axum::http::{header, Method};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use caas_app::payments::cards;
use caas_app::App;
use caas_domain::account::{Account, Language, Role};
use caas_domain::partners::SavedCard;

/// Where browsers load the hosted card fields from, and for whom.
#[derive(Debug, Clone, Default)]
pub struct CardFields {
    /// The gateway's browser-facing origin; `None`: no gateway.
    pub origin: Option<String>,
    /// The publishable key (`pk_…`).
    pub publishable_key: String,
    /// caas's public origin, the fields' `parent_origin`.
    pub parent_origin: String,
}

impl CardFields {
    /// The iframe's URL in `lang`, or `None` without a gateway.
    pub fn src(&self, lang: Language) -> Option<String> {
        let origin = self.origin.as_ref()?;
        let enc = |s: &str| -> String { form_urlencoded::byte_serialize(s.as_bytes()).collect() };
        Some(format!(
            "{origin}/v1/hosted/card-fields?publishable_key={}&locale={}&parent_origin={}",
            enc(&self.publishable_key),
            lang.as_str(),
            enc(&self.parent_origin)
        ))
    }
}

/// Routes of the component: its script.
pub fn routes() -> Vec<RouteDef> {
    vec![def(
        Method::GET,
        "/static/card-fields.js",
        Surface::System,
        Access::Public,
        get(script),
    )]
}

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("../../static/card-fields.js"),
    )
        .into_response()
}

/// One saved card, for a choice or a row.
#[derive(Debug, Clone)]
pub struct CardRow {
    /// `pm_…`.
    pub id: String,
    /// `Visa`, `Mastercard`, …
    pub brand: String,
    /// Last four digits.
    pub last4: String,
    /// `12/28`.
    pub expiry: String,
    /// `Visa ···4242 (caduca 12/28)`.
    pub label: String,
}

/// Rows of saved cards in `lang`.
pub fn card_rows(list: &[SavedCard], lang: Language) -> Vec<CardRow> {
    let m = CardMsg::for_lang(lang);
    list.iter()
        .map(|c| {
            let mut brand = c.brand.clone();
            if let Some(first) = brand.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            let expiry = format!("{:02}/{:02}", c.exp_month, c.exp_year % 100);
            CardRow {
                label: format!("{brand} ···{} ({} {expiry})", c.last4, m.expires),
                id: c.id.clone(),
                brand,
                last4: c.last4.clone(),
                expiry,
            }
        })
        .collect()
}

/// The form's fields (rendered inside the page's own `<form>`).
#[derive(Template, Debug, Clone)]
#[template(path = "_card_form.html")]
pub struct CardForm {
    /// Words.
    pub m: &'static CardMsg,
    /// Iframe URL; empty: card payment unavailable.
    pub src: String,
    /// The gateway's origin (the script accepts messages from it only).
    pub origin: String,
    /// Saved cards offered (customers paying; none on `/account/cards`).
    pub saved: Vec<CardRow>,
    /// The chosen saved card, or `new`.
    pub chosen: String,
    /// Offer "save this card" for a new card.
    pub offer_save: bool,
}

impl CardForm {
    /// The fields with no saved cards (staff at the desk, adding a card).
    pub fn new_card(fields: &CardFields, lang: Language) -> Self {
        Self {
            m: CardMsg::for_lang(lang),
            src: fields.src(lang).unwrap_or_default(),
            origin: fields.origin.clone().unwrap_or_default(),
            saved: Vec::new(),
            chosen: "new".into(),
            offer_save: false,
        }
    }

    /// The form for `payer`: a customer's saved cards (the first chosen)
    /// and "save this card"; staff get the fields alone.
    pub async fn for_payer(
        app: &App,
        fields: &CardFields,
        payer: &Account,
        lang: Language,
    ) -> Self {
        let mut f = Self::new_card(fields, lang);
        if payer.role != Role::Customer {
            return f;
        }
        f.offer_save = true;
        // A gateway that cannot list cards leaves the new-card choice.
        match cards::list_cards(app, payer).await {
            Ok(list) => f.saved = card_rows(&list, lang),
            Err(e) => tracing::warn!(error = %e, "saved cards unavailable"),
        }
        if let Some(first) = f.saved.first() {
            f.chosen = first.id.clone();
        }
        f
    }

    /// The same form keeping what was chosen before an error.
    pub fn keeping(mut self, chosen: &str) -> Self {
        if self.saved.iter().any(|c| c.id == chosen) {
            self.chosen = chosen.to_owned();
        } else if !chosen.is_empty() {
            self.chosen = "new".into();
        }
        self
    }

    /// The fields as HTML, for a page template (`|safe`).
    pub fn html(&self) -> String {
        self.render().unwrap_or_default()
    }
}

/// What a submitted card form chose: the payment method (a saved `pm_…` or
/// the new card's one-time `tok_…`) and whether to save the new card.
pub fn chosen(f: &FormData) -> (String, bool) {
    let card = f.get("card");
    let method = if card.starts_with("pm_") {
        card
    } else {
        f.get("payment_method")
    };
    (method.trim().to_owned(), f.checked("save_card"))
}
