//! The customer's feature store: `/vehicle/{vehicle_id}/store` (the car's
//! options on sale with their offers and state, its connectivity and the
//! owner's purchases), the confirmation of one offer ([`confirm`]) and the
//! purchase page with its live updates ([`purchase`]). Handlers extract,
//! call `caas_app::purchases` and render; the words are in [`words`].
//! Another customer's car or purchase is 404.

pub mod confirm;
pub mod purchase;
pub mod words;

use crate::error::WebError;
use crate::extract::path_id::PathId;
use crate::extract::viewer::WebUser;
use crate::routes::{def, Access, RouteDef, Surface, CUSTOMER};
use crate::state::AppState;
use crate::web::i18n::store::StoreMsg;
use crate::web::render::{render, Page};
use askama::Template;
use axum::extract::State;
use axum::http::Method;
use axum::response::Response;
use axum::routing::get;
use caas_app::purchases::store::{Presence, StoreOption};
use caas_app::purchases::view_store;
use caas_domain::account::Language;
use caas_domain::ids::VehicleId;
use caas_domain::purchase::store::OptionStatus;
use words::OfferRow;

/// Routes of the store pages.
pub fn routes() -> Vec<RouteDef> {
    let customer = Access::Roles(CUSTOMER);
    let web = |method, path, h| def(method, path, Surface::Web, customer, h);
    vec![
        web(Method::GET, "/vehicle/{vehicle_id}/store", get(store_get)),
        web(
            Method::GET,
            "/vehicle/{vehicle_id}/store/confirm",
            get(confirm::confirm_get),
        ),
        web(
            Method::POST,
            "/vehicle/{vehicle_id}/store/confirm",
            axum::routing::post(confirm::confirm_post),
        ),
        web(
            Method::GET,
            "/purchases/{purchase_id}",
            get(purchase::purchase_get),
        ),
        web(
            Method::GET,
            "/purchases/{purchase_id}/events",
            get(purchase::purchase_events),
        ),
        web(
            Method::GET,
            "/purchases/{purchase_id}/invoice",
            get(purchase::invoice_get),
        ),
        def(
            Method::GET,
            "/static/purchase-live.js",
            Surface::System,
            Access::Public,
            get(purchase::live_script),
        ),
    ]
}

/// One option of the store page.
#[derive(Debug, Clone)]
pub struct OptionRow {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// What it does.
    pub description: String,
    /// `available`, `activating` or `active`.
    pub state: &'static str,
    /// State in words.
    pub status: String,
    /// Badge class.
    pub class: &'static str,
    /// Depends on maintenance.
    pub maintenance: bool,
    /// Offers can be chosen (not activating, not active for life).
    pub can_buy: bool,
    /// Buying adds to a running period.
    pub extends: bool,
    /// Offers.
    pub offers: Vec<OfferRow>,
}

/// One purchase of the history.
#[derive(Debug, Clone)]
pub struct HistoryRow {
    /// `pur_…`.
    pub id: String,
    /// Option name.
    pub option: String,
    /// When confirmed.
    pub created: String,
    /// Period.
    pub period: String,
    /// Price.
    pub price: String,
    /// State in words.
    pub status: String,
    /// Badge class.
    pub class: &'static str,
}

#[derive(Template)]
#[template(path = "store.html")]
struct StorePage {
    p: Page,
    s: &'static StoreMsg,
    vehicle_id: String,
    order_id: String,
    operational: bool,
    presence: &'static str,
    presence_class: &'static str,
    last_seen: String,
    offline: bool,
    options: Vec<OptionRow>,
    history: Vec<HistoryRow>,
}

fn option_row(o: &StoreOption, operational: bool, lang: Language) -> OptionRow {
    let (status, class) = words::option_status(o.status, lang);
    let (state, can_buy, extends) = match o.status {
        OptionStatus::Available => ("available", true, false),
        OptionStatus::Activating => ("activating", false, false),
        OptionStatus::Active { until: None } => ("active", false, false),
        OptionStatus::Active { until: Some(_) } => ("active", true, true),
    };
    OptionRow {
        code: o.option.code.clone(),
        name: o.option.name.get(lang).to_owned(),
        description: o.option.description.get(lang).to_owned(),
        state,
        status,
        class,
        maintenance: o.maintenance_linked,
        can_buy: can_buy && operational,
        extends,
        offers: o.offers.iter().map(|x| words::offer(x, lang)).collect(),
    }
}

async fn store_get(
    State(state): State<AppState>,
    user: WebUser,
    PathId(id): PathId<VehicleId>,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    let s = StoreMsg::for_lang(lang);
    let v = view_store(&state.app, &user.account, &id).await?;
    let (presence, presence_class) = match v.connectivity.presence {
        Presence::Online => (s.online, "badge-ok"),
        Presence::Offline => (s.offline, "badge-warn"),
        Presence::Unknown => (s.unknown, "badge-muted"),
    };
    let history = v
        .purchases
        .iter()
        .map(|p| {
            let (status, class) = words::purchase_state(p, lang);
            HistoryRow {
                id: p.id.to_string(),
                option: p.item.option_name.get(lang).to_owned(),
                created: words::date_time(&p.created_at, lang),
                period: words::period(&p.period.starts_at, p.period.ends_at.as_ref(), lang),
                price: p.item.price.to_string(),
                status,
                class,
            }
        })
        .collect();
    let page = StorePage {
        p: Page::new(&user.viewer, s.store_title, &format!("/vehicle/{id}/store")),
        s,
        vehicle_id: id.to_string(),
        order_id: v.order_id.to_string(),
        operational: v.operational,
        presence,
        presence_class,
        last_seen: v
            .connectivity
            .last_seen
            .map(|t| words::date_time(&t, lang))
            .unwrap_or_default(),
        offline: v.connectivity.presence != Presence::Online,
        options: v
            .options
            .iter()
            .map(|o| option_row(o, v.operational, lang))
            .collect(),
        history,
    };
    Ok(render(&page))
}
