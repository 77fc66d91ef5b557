//! The feature-store section of an option on `/ops/catalogue?option=CODE`
//! (ADMIN, ADM-1): the IoT feature, config, maintenance dependency and active
//! flag form, and the offers table with a change form per offer and the form
//! to add one. Field errors come in the viewer's language.

use crate::web::forms::Choice;
use crate::web::i18n::catalogue::{block, field_error, for_lang, CatalogueMsg};
use crate::web::labels;
use crate::web::render::FormErrors;
use caas_app::catalogue::offers::{decimal, OfferIn};
use caas_app::catalogue::store::StoreFieldsIn;
use caas_app::notify::texts::money;
use caas_domain::account::Language;
use caas_domain::catalogue::{CatalogueOption, PeriodLength, PeriodUnit, PricingModel, VSS_BLOCKS};
use caas_domain::ids::OfferId;

/// Currencies the forms offer.
pub(crate) const CURRENCIES: [&str; 6] = ["EUR", "GBP", "CHF", "PLN", "SEK", "DKK"];

/// An offer's change form as submitted.
#[derive(Debug, Clone, Default)]
pub(crate) struct OfferEdit {
    /// Price, decimal text.
    pub(crate) price: String,
    /// ISO code.
    pub(crate) currency: String,
    /// Available.
    pub(crate) active: bool,
}

/// What the section's forms show after a failed save (none: the option as it is).
#[derive(Default)]
pub(crate) struct StoreForms {
    /// Store fields as submitted, with their errors.
    pub(crate) store: Option<(StoreFieldsIn, FormErrors)>,
    /// The new offer as submitted, with its errors.
    pub(crate) add: Option<(OfferIn, FormErrors)>,
    /// One offer's change as submitted, with its errors.
    pub(crate) edit: Option<(OfferId, OfferEdit, FormErrors)>,
}

/// One row of the offers table with its change form.
pub(crate) struct OfferRow {
    pub(crate) id: String,
    pub(crate) model: &'static str,
    pub(crate) duration: String,
    pub(crate) price_text: String,
    pub(crate) form: OfferEdit,
    pub(crate) currencies: Vec<Choice>,
    pub(crate) errors: FormErrors,
}

/// The whole section, ready for `_ops_catalogue_store.html`.
pub(crate) struct StoreSection {
    pub(crate) c: &'static CatalogueMsg,
    pub(crate) code: String,
    pub(crate) f: StoreFieldsIn,
    pub(crate) errors: FormErrors,
    pub(crate) blocks: Vec<Choice>,
    pub(crate) when: Vec<Choice>,
    pub(crate) offers: Vec<OfferRow>,
    pub(crate) add: OfferIn,
    pub(crate) add_errors: FormErrors,
    pub(crate) models: Vec<Choice>,
    pub(crate) units: Vec<Choice>,
    pub(crate) add_currencies: Vec<Choice>,
}

/// Field errors in the viewer's language (messages of unknown fields kept).
pub(crate) fn localized(errors: FormErrors, lang: Language) -> FormErrors {
    FormErrors(
        errors
            .0
            .into_iter()
            .map(|(f, m)| {
                let msg = field_error(&f, lang).map_or(m, str::to_owned);
                (f, msg)
            })
            .collect(),
    )
}

fn currency_choices(selected: &str) -> Vec<Choice> {
    crate::web::forms::choices(&CURRENCIES, selected)
}

/// One model of each kind, for the model choices and their labels.
fn model_samples() -> [PricingModel; 5] {
    let length = PeriodLength::days(1);
    [
        PricingModel::TimeLimited { length },
        PricingModel::Lifetime,
        PricingModel::Subscription,
        PricingModel::Planned { length },
        PricingModel::Recurring { length },
    ]
}

fn unit_label(u: PeriodUnit, c: &CatalogueMsg) -> &'static str {
    match u {
        PeriodUnit::Day => c.unit_day,
        PeriodUnit::Week => c.unit_week,
        PeriodUnit::Month => c.unit_month,
        PeriodUnit::Year => c.unit_year,
    }
}

/// Builds the section of option `o` for `lang`.
pub(crate) fn store_section(
    o: &CatalogueOption,
    forms: StoreForms,
    lang: Language,
) -> StoreSection {
    let c = for_lang(lang);
    let (f, errors) = forms
        .store
        .unwrap_or_else(|| (StoreFieldsIn::of(o), FormErrors::default()));
    let (add, add_errors) = forms.add.unwrap_or_else(|| {
        let cur = o.offers.first().map_or("EUR", |x| x.price.currency.code());
        let blank = OfferIn {
            model: "time_limited".into(),
            unit: "day".into(),
            currency: cur.into(),
            ..OfferIn::default()
        };
        (blank, FormErrors::default())
    });
    let offers = o
        .offers
        .iter()
        .map(|x| {
            let (model, duration) = labels::pricing(x.pricing, lang);
            let (form, errors) = match &forms.edit {
                Some((id, e, errs)) if *id == x.id => (e.clone(), localized(errs.clone(), lang)),
                _ => (
                    OfferEdit {
                        price: decimal(x.price),
                        currency: x.price.currency.code().to_owned(),
                        active: x.active,
                    },
                    FormErrors::default(),
                ),
            };
            OfferRow {
                id: x.id.to_string(),
                model,
                duration,
                price_text: money(x.price, lang),
                currencies: currency_choices(&form.currency),
                form,
                errors,
            }
        })
        .collect();
    StoreSection {
        c,
        code: o.code.clone(),
        blocks: VSS_BLOCKS
            .iter()
            .map(|b| Choice {
                value: (*b).to_owned(),
                label: block(b, lang).to_owned(),
                selected: f.blocks.iter().any(|x| x == b),
            })
            .collect(),
        when: [("refuse", c.when_refuse), ("allow", c.when_allow)]
            .into_iter()
            .map(|(v, l)| Choice {
                value: v.into(),
                label: l.into(),
                selected: f.when_unreachable == v,
            })
            .collect(),
        errors: localized(errors, lang),
        f,
        offers,
        models: model_samples()
            .into_iter()
            .map(|m| Choice {
                value: m.as_str().to_owned(),
                label: labels::pricing(m, lang).0.to_owned(),
                selected: add.model == m.as_str(),
            })
            .collect(),
        units: PeriodUnit::ALL
            .iter()
            .map(|u| Choice {
                value: u.as_str().to_owned(),
                label: unit_label(*u, c).to_owned(),
                selected: add.unit == u.as_str(),
            })
            .collect(),
        add_currencies: currency_choices(&add.currency),
        add_errors: localized(add_errors, lang),
        add,
    }
}
