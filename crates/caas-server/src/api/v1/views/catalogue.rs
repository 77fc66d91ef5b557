//! The catalogue as the API shows it: plataformas base and options with
//! their offers, texts in both languages, prices as [`MoneyOut`].

use super::MoneyOut;
use caas_domain::catalogue::{CatalogueOption, Localized, Offer, Platform, PricingModel};
use serde::Serialize;
use utoipa::ToSchema;

/// The whole catalogue.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogueOut {
    /// Plataformas base.
    pub platforms: Vec<PlatformOut>,
    /// Options of every plataforma.
    pub options: Vec<OptionOut>,
}

/// A text in Spanish and English.
#[derive(Debug, Serialize, ToSchema)]
pub struct TextOut {
    /// Spanish.
    pub es: String,
    /// English.
    pub en: String,
}

/// A plataforma base.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlatformOut {
    /// Code (`SUV-E-26`).
    pub code: String,
    /// Name.
    pub name: TextOut,
    /// Description.
    pub description: TextOut,
    /// Base price.
    pub base_price: MoneyOut,
    /// Sold now.
    pub active: bool,
}

/// An option of one or more plataformas.
#[derive(Debug, Serialize, ToSchema)]
pub struct OptionOut {
    /// Code (`HEAT_PUMP`).
    pub code: String,
    /// Name.
    pub name: TextOut,
    /// What it does.
    pub description: TextOut,
    /// Category (`comfort`, `safety`, …).
    pub category: String,
    /// Plataformas it fits.
    pub platforms: Vec<String>,
    /// Ways to buy it.
    pub offers: Vec<OfferOut>,
    /// VSS maintenance blocks it depends on.
    pub maintenance_blocks: Vec<String>,
    /// IoT feature code the car switches.
    pub iot_feature: String,
}

/// One way to buy an option.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfferOut {
    /// `ofr_…`.
    pub id: String,
    /// `time_limited`, `lifetime`, `subscription`, `planned` or `recurring`.
    pub model: String,
    /// Length in days (time-limited, planned, recurring).
    pub days: Option<u32>,
    /// Price (per month for subscriptions).
    pub price: MoneyOut,
    /// Sold now.
    pub active: bool,
}

fn text(l: &Localized) -> TextOut {
    TextOut {
        es: l.es.clone(),
        en: l.en.clone(),
    }
}

impl From<&Offer> for OfferOut {
    fn from(o: &Offer) -> Self {
        let (model, days) = match o.pricing {
            PricingModel::TimeLimited { days } => ("time_limited", Some(days)),
            PricingModel::Lifetime => ("lifetime", None),
            PricingModel::Subscription => ("subscription", None),
            PricingModel::Planned { days } => ("planned", Some(days)),
            PricingModel::Recurring { days } => ("recurring", Some(days)),
        };
        Self {
            id: o.id.to_string(),
            model: model.to_owned(),
            days,
            price: o.price.into(),
            active: o.active,
        }
    }
}

impl From<&Platform> for PlatformOut {
    fn from(p: &Platform) -> Self {
        Self {
            code: p.code.clone(),
            name: text(&p.name),
            description: text(&p.description),
            base_price: p.base_price.into(),
            active: p.active,
        }
    }
}

impl From<&CatalogueOption> for OptionOut {
    fn from(o: &CatalogueOption) -> Self {
        Self {
            code: o.code.clone(),
            name: text(&o.name),
            description: text(&o.description),
            category: o.category.as_str().to_owned(),
            platforms: o.platforms.clone(),
            offers: o.offers.iter().map(OfferOut::from).collect(),
            maintenance_blocks: o.maintenance_blocks.clone(),
            iot_feature: o.iot_feature.clone(),
        }
    }
}
