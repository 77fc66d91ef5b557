//! The catalogue as the API shows it: plataformas base and options with
//! their offers, texts in both languages, prices as [`MoneyOut`].

use super::MoneyOut;
use caas_domain::catalogue::{CatalogueOption, Localized, Offer, Platform};
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
    /// What maintenance (VSS) it depends on; null for nothing.
    pub maintenance: Option<MaintenanceOut>,
    /// IoT feature code the car switches.
    pub iot_feature: String,
    /// `config` sent with `feature.enable`; null for none.
    #[schema(value_type = Option<std::collections::HashMap<String, serde_json::Value>>)]
    pub iot_config: Option<serde_json::Map<String, serde_json::Value>>,
    /// Sold in the feature store.
    pub active: bool,
}

/// An option's dependency on maintenance (VSS blocks that must be current).
#[derive(Debug, Serialize, ToSchema)]
pub struct MaintenanceOut {
    /// VSS functional blocks (`brakes`, `adas_sensors`, …).
    pub blocks: Vec<String>,
    /// Minimum compliance % per block.
    pub threshold_percent: u8,
    /// `refuse` or `allow` when VSS cannot be asked.
    pub when_unreachable: String,
}

/// A period length: `count` units (`day`, `week`, `month`, `year`).
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodOut {
    /// How many units.
    pub count: u32,
    /// `day`, `week`, `month` or `year`.
    pub unit: String,
}

/// One way to buy an option.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfferOut {
    /// `ofr_…`.
    pub id: String,
    /// `time_limited`, `lifetime`, `subscription`, `planned` or `recurring`.
    pub model: String,
    /// Length of the period (time-limited, planned, recurring).
    pub length: Option<PeriodOut>,
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
        Self {
            id: o.id.to_string(),
            model: o.pricing.as_str().to_owned(),
            length: o.pricing.length().map(|l| PeriodOut {
                count: l.count,
                unit: l.unit.as_str().to_owned(),
            }),
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
            maintenance: o.maintenance.as_ref().map(|m| MaintenanceOut {
                blocks: m.blocks.clone(),
                threshold_percent: m.threshold_percent,
                when_unreachable: m.when_unreachable.as_str().to_owned(),
            }),
            iot_feature: o.iot_feature.clone(),
            iot_config: o.iot_config.clone(),
            active: o.active,
        }
    }
}
