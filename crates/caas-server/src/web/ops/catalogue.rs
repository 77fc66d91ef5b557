//! `/ops/catalogue` (ADMIN, ADM-1): plataformas base and options with their
//! offers, and the forms to create or edit both. `?platform=` or `?option=`
//! loads an entry into its form; an option also gets its feature-store
//! section ([`super::catalogue_store`]: IoT feature, maintenance, offers).

use crate::error::WebError;
use crate::extract::viewer::WebUser;
use crate::routes::{def, Access, RouteDef, Surface, ADMIN};
use crate::state::AppState;
use crate::web::forms::{choices, Choice};
use crate::web::i18n::Msg;
use crate::web::labels;
use crate::web::ops::catalogue_store::{store_section, StoreForms, StoreSection, CURRENCIES};
use crate::web::render::{render_status, FormErrors, Page};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::get;
use caas_app::catalogue::{load_catalogue, OptionIn, PlatformIn};
use caas_app::notify::texts::money;
use caas_domain::catalogue::OptionCategory;
use caas_domain::money::Money;
use serde::Deserialize;

/// Routes of this page.
pub fn routes() -> Vec<RouteDef> {
    vec![def(
        Method::GET,
        "/ops/catalogue",
        Surface::Web,
        Access::Roles(ADMIN),
        get(view_catalogue_get),
    )]
}

struct PlatformRow {
    code: String,
    name: String,
    price: String,
    active: bool,
}

struct OfferRow {
    model: &'static str,
    duration: String,
    price: String,
    active: bool,
}

struct OptionRow {
    code: String,
    name: String,
    category: &'static str,
    platforms: String,
    offers: Vec<OfferRow>,
}

#[derive(Template)]
#[template(path = "ops_catalogue.html")]
struct CataloguePage {
    p: Page,
    platforms: Vec<PlatformRow>,
    options: Vec<OptionRow>,
    pf: PlatformIn,
    pf_errors: FormErrors,
    of: OptionIn,
    of_errors: FormErrors,
    platform_boxes: Vec<Choice>,
    categories: Vec<Choice>,
    currencies: Vec<Choice>,
    store: Option<StoreSection>,
}

/// Decimal text of an amount, as the form takes it.
fn decimal(m: Money) -> String {
    format!("{}.{:02}", m.minor / 100, m.minor % 100)
}

/// What to show in the forms and whether the last save worked.
#[derive(Default)]
pub(crate) struct Forms {
    /// Platform form values (none: from `?platform=` or blank).
    pub(crate) pf: Option<PlatformIn>,
    /// Platform form errors.
    pub(crate) pf_errors: FormErrors,
    /// Option form values (none: from `?option=` or blank).
    pub(crate) of: Option<OptionIn>,
    /// Option form errors.
    pub(crate) of_errors: FormErrors,
    /// The option's feature-store forms.
    pub(crate) store: StoreForms,
    /// Show "saved".
    pub(crate) notice: bool,
}

/// Renders the catalogue page with its forms.
pub(crate) async fn page(
    state: &AppState,
    user: &WebUser,
    q: &EditQuery,
    forms: Forms,
    status: StatusCode,
) -> Result<Response, WebError> {
    let lang = user.viewer.lang;
    let m = Msg::for_lang(lang);
    let cat = load_catalogue(&state.app).await?;
    let pf = forms.pf.unwrap_or_else(|| {
        let found = q
            .platform
            .as_deref()
            .and_then(|c| cat.platforms.iter().find(|p| p.code == c));
        match found {
            Some(p) => PlatformIn {
                code: p.code.clone(),
                name_es: p.name.es.clone(),
                name_en: p.name.en.clone(),
                description_es: p.description.es.clone(),
                description_en: p.description.en.clone(),
                base_price: decimal(p.base_price),
                currency: p.base_price.currency.code().to_owned(),
                active: p.active,
            },
            None => PlatformIn {
                currency: "EUR".into(),
                active: true,
                ..PlatformIn::default()
            },
        }
    });
    let of = forms.of.unwrap_or_else(|| {
        let found = q
            .option
            .as_deref()
            .and_then(|c| cat.options.iter().find(|o| o.code == c));
        match found {
            Some(o) => OptionIn {
                code: o.code.clone(),
                name_es: o.name.es.clone(),
                name_en: o.name.en.clone(),
                description_es: o.description.es.clone(),
                description_en: o.description.en.clone(),
                category: o.category.as_str().to_owned(),
                platforms: o.platforms.clone(),
            },
            None => OptionIn::default(),
        }
    });
    let store = q
        .option
        .as_deref()
        .and_then(|c| cat.options.iter().find(|o| o.code == c))
        .map(|o| store_section(o, forms.store, lang));
    let page = CataloguePage {
        store,
        p: Page::new(&user.viewer, m.o.catalogue_title, "/ops/catalogue")
            .with_notice(forms.notice.then_some(m.saved)),
        platforms: cat
            .platforms
            .iter()
            .map(|p| PlatformRow {
                code: p.code.clone(),
                name: p.name.get(lang).to_owned(),
                price: money(p.base_price, lang),
                active: p.active,
            })
            .collect(),
        options: cat
            .options
            .iter()
            .map(|o| OptionRow {
                code: o.code.clone(),
                name: o.name.get(lang).to_owned(),
                category: labels::category(o.category, lang),
                platforms: o.platforms.join(", "),
                offers: o
                    .offers
                    .iter()
                    .map(|f| {
                        let (model, duration) = labels::pricing(f.pricing, lang);
                        OfferRow {
                            model,
                            duration,
                            price: money(f.price, lang),
                            active: f.active,
                        }
                    })
                    .collect(),
            })
            .collect(),
        platform_boxes: cat
            .platforms
            .iter()
            .map(|p| Choice {
                value: p.code.clone(),
                label: p.name.get(lang).to_owned(),
                selected: of.platforms.contains(&p.code),
            })
            .collect(),
        categories: OptionCategory::ALL
            .iter()
            .map(|c| Choice {
                value: c.as_str().into(),
                label: labels::category(*c, lang).into(),
                selected: of.category == c.as_str(),
            })
            .collect(),
        currencies: choices(&CURRENCIES, &pf.currency),
        pf,
        pf_errors: forms.pf_errors,
        of,
        of_errors: forms.of_errors,
    };
    Ok(render_status(status, &page))
}

/// Which entries to load into the forms.
#[derive(Debug, Default, Deserialize)]
pub struct EditQuery {
    #[serde(default)]
    platform: Option<String>,
    #[serde(default)]
    option: Option<String>,
    #[serde(default)]
    saved: Option<String>,
}

impl EditQuery {
    /// Loads option `code` into its forms.
    pub(crate) fn for_option(code: &str) -> Self {
        Self {
            option: Some(code.trim().to_ascii_uppercase()),
            ..Self::default()
        }
    }
}

async fn view_catalogue_get(
    State(state): State<AppState>,
    user: WebUser,
    Query(q): Query<EditQuery>,
) -> Result<Response, WebError> {
    let forms = Forms {
        notice: q.saved.is_some(),
        ..Forms::default()
    };
    page(&state, &user, &q, forms, StatusCode::OK).await
}
