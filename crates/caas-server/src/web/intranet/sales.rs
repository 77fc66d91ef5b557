//! `/intranet/sales/new`: a sales employee registers a closed sale (SALE-1..5).
//! Every invalid field is shown next to itself at once, with the entered
//! values kept; a valid sale leads to its order page. A sale may name a
//! vehicle of the dealership's stock (SALE-6), chosen in the form or given
//! as `?stock_vehicle_id=` by the stock page's "sell" link.

use crate::error::WebError;
use crate::extract::viewer::WebUser;
use crate::routes::{def, Access, RouteDef, Surface};
use crate::state::AppState;
use crate::web::forms::{choices, field_errors, Choice, FormData};
use crate::web::i18n::Msg;
use crate::web::intranet::stock::stock_choices;
use crate::web::labels;
use crate::web::render::{render_status, FormErrors, Page};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use caas_app::catalogue::load_catalogue;
use caas_app::notify::texts::money;
use caas_app::sales::{register_sale, SaleIn};
use caas_domain::account::Role;
use caas_domain::customer::DocumentType;
use caas_domain::dealership::COUNTRIES;
use serde::Deserialize;

/// SALES only.
const SALES: &[Role] = &[Role::Sales];

/// Routes of this page.
pub fn routes() -> Vec<RouteDef> {
    vec![
        def(
            Method::GET,
            "/intranet/sales/new",
            Surface::Web,
            Access::Roles(SALES),
            get(new_sale_get),
        ),
        def(
            Method::POST,
            "/intranet/sales/new",
            Surface::Web,
            Access::Roles(SALES),
            post(new_sale_post),
        ),
    ]
}

/// Currencies offered in the form.
const CURRENCIES: [&str; 6] = ["EUR", "GBP", "CHF", "PLN", "SEK", "DKK"];

struct OptionBox {
    /// `PLATFORM:CODE`, so each group's box is its own.
    value: String,
    id: String,
    code: String,
    name: String,
    fits: String,
    checked: bool,
}

struct PlatformGroup {
    code: String,
    label: String,
    options: Vec<OptionBox>,
}

#[derive(Template)]
#[template(path = "intranet_sale.html")]
struct SalePage {
    p: Page,
    f: SaleIn,
    errors: FormErrors,
    doc_types: Vec<Choice>,
    languages: Vec<Choice>,
    home_countries: Vec<Choice>,
    delivery_countries: Vec<Choice>,
    currencies: Vec<Choice>,
    platforms: Vec<Choice>,
    groups: Vec<PlatformGroup>,
    stock: Vec<Choice>,
    birth_date: String,
}

async fn page(
    state: &AppState,
    user: &WebUser,
    f: SaleIn,
    ticked: Vec<String>,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    let m = Msg::for_lang(lang);
    let catalogue = load_catalogue(&state.app).await?;
    let groups: Vec<PlatformGroup> = catalogue
        .platforms
        .iter()
        .filter(|p| p.active)
        .map(|p| PlatformGroup {
            code: p.code.clone(),
            label: format!(
                "{} ({}) · {}",
                p.name.get(lang),
                p.code,
                money(p.base_price, lang)
            ),
            options: catalogue
                .options_for(&p.code)
                .into_iter()
                .map(|o| {
                    let value = format!("{}:{}", p.code, o.code);
                    OptionBox {
                        id: format!("opt-{}-{}", p.code, o.code),
                        checked: ticked.contains(&value),
                        value,
                        code: o.code.clone(),
                        name: format!(
                            "{} — {}",
                            o.name.get(lang),
                            labels::category(o.category, lang)
                        ),
                        fits: o.platforms.join(", "),
                    }
                })
                .collect(),
        })
        .collect();
    let doc_types: Vec<&str> = DocumentType::ALL.iter().map(|d| d.as_str()).collect();
    let mut platforms = vec![Choice {
        value: String::new(),
        label: m.o.choose.to_owned(),
        selected: f.platform_code.is_empty(),
    }];
    platforms.extend(groups.iter().map(|g: &PlatformGroup| Choice {
        value: g.code.clone(),
        label: g.label.clone(),
        selected: g.code == f.platform_code.trim().to_ascii_uppercase(),
    }));
    let languages = vec![
        Choice {
            value: "es".into(),
            label: "Español".into(),
            selected: f.language != "en",
        },
        Choice {
            value: "en".into(),
            label: "English".into(),
            selected: f.language == "en",
        },
    ];
    let chosen = f.stock_vehicle_id.clone().unwrap_or_default();
    let stock = stock_choices(state, &user.account, &chosen, lang).await?;
    let page = SalePage {
        p: Page::new(&user.viewer, m.o.sale_title, "/intranet/sales/new"),
        stock,
        birth_date: f.birth_date.clone().unwrap_or_default(),
        doc_types: choices(&doc_types, &f.document_type),
        languages,
        home_countries: choices(&COUNTRIES, &f.address_country),
        delivery_countries: choices(&COUNTRIES, &f.delivery_country),
        currencies: choices(&CURRENCIES, &f.currency),
        platforms,
        groups,
        f,
        errors,
    };
    Ok(render_status(status, &page))
}

/// Query of the blank form: the stock vehicle to sell, if any.
#[derive(Debug, Default, Deserialize)]
pub struct NewSaleQuery {
    #[serde(default)]
    stock_vehicle_id: Option<String>,
}

async fn new_sale_get(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<NewSaleQuery>,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    let f = SaleIn {
        stock_vehicle_id: q.stock_vehicle_id,
        language: lang.as_str().to_owned(),
        address_country: "ES".into(),
        delivery_country: "ES".into(),
        currency: "EUR".into(),
        document_type: "DNI".into(),
        ..SaleIn::default()
    };
    page(
        &state,
        &user,
        f,
        Vec::new(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// The sale as typed in the form; option boxes are `PLATFORM:CODE` and a
/// code ticked in two groups counts once (the use case judges the rest).
fn sale_in(f: &FormData) -> (SaleIn, Vec<String>) {
    let ticked = f.all("option_codes");
    let mut codes: Vec<String> = Vec::new();
    for v in &ticked {
        let code = v.rsplit(':').next().unwrap_or(v).to_owned();
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    let s = SaleIn {
        customer_name: f.get("customer_name"),
        document_type: f.get("document_type"),
        document_number: f.get("document_number"),
        email: f.get("email"),
        phone: f.get("phone"),
        language: f.get("language"),
        address_line1: f.get("address_line1"),
        address_postal_code: f.get("address_postal_code"),
        address_locality: f.get("address_locality"),
        address_country: f.get("address_country"),
        delivery_line1: f.get("delivery_line1"),
        delivery_postal_code: f.get("delivery_postal_code"),
        delivery_locality: f.get("delivery_locality"),
        delivery_country: f.get("delivery_country"),
        platform_code: f.get("platform_code"),
        option_codes: codes,
        vehicle_price: f.get("vehicle_price"),
        senal: f.get("senal"),
        currency: f.get("currency"),
        maintenance_included: f.checked("maintenance_included"),
        birth_date: Some(f.get("birth_date")),
        stock_vehicle_id: Some(f.get("stock_vehicle_id")),
    };
    (s, ticked)
}

async fn new_sale_post(
    State(state): State<AppState>,
    user: WebUser,
    f: FormData,
) -> Result<Response, WebError> {
    let (input, ticked) = sale_in(&f);
    match register_sale(&state.app, &user.viewer.ctx, &user.account, &input).await {
        Ok(order) => Ok(
            Redirect::to(&format!("/intranet/orders/{}?n=registered", order.id)).into_response(),
        ),
        Err(e) => match field_errors(&e) {
            Some(errors) => {
                page(
                    &state,
                    &user,
                    input.clone(),
                    ticked,
                    errors,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            None => Err(e.into()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_boxes_become_codes_once_each() {
        let f = FormData::parse(
            b"option_codes=SUV-E-26%3AHEAT_PUMP&option_codes=CITY-E-26%3AHEAT_PUMP&option_codes=SUV-E-26%3ATOW&maintenance_included=on",
        );
        let (s, ticked) = sale_in(&f);
        assert_eq!(s.option_codes, vec!["HEAT_PUMP", "TOW"]);
        assert_eq!(ticked.len(), 3);
        assert!(s.maintenance_included);
    }
}
