//! JSON of one car's feature store: the options on sale with their offers
//! and state for the car, its connectivity and the owner's purchases.

use super::{OfferOut, PurchaseOut, TextOut};
use caas_app::purchases::store::{Connectivity, Presence, StoreOption};
use caas_app::purchases::StoreView;
use caas_domain::catalogue::Localized;
use caas_domain::purchase::store::OptionStatus;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// An option's state for this car.
#[derive(Debug, Serialize, ToSchema)]
pub struct OptionStatusOut {
    /// `available`, `activating` or `active`.
    pub state: String,
    /// End of the running period when `active`; null for lifetime (and otherwise).
    pub until: Option<DateTime<Utc>>,
}

impl From<OptionStatus> for OptionStatusOut {
    fn from(s: OptionStatus) -> Self {
        let (state, until) = match s {
            OptionStatus::Available => ("available", None),
            OptionStatus::Activating => ("activating", None),
            OptionStatus::Active { until } => ("active", until),
        };
        Self {
            state: state.to_owned(),
            until,
        }
    }
}

/// One option on sale for the car.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoreOptionOut {
    /// Code (`PREMIUM_AUDIO`).
    pub code: String,
    /// Name.
    pub name: TextOut,
    /// What it does.
    pub description: TextOut,
    /// Category (`comfort`, `safety`, …).
    pub category: String,
    /// Buying it depends on maintenance being current (checked when buying).
    pub maintenance_linked: bool,
    /// Offers sold now (time-limited and lifetime).
    pub offers: Vec<OfferOut>,
    /// Its state for this car.
    pub status: OptionStatusOut,
}

fn text(l: &Localized) -> TextOut {
    TextOut {
        es: l.es.clone(),
        en: l.en.clone(),
    }
}

impl From<&StoreOption> for StoreOptionOut {
    fn from(o: &StoreOption) -> Self {
        Self {
            code: o.option.code.clone(),
            name: text(&o.option.name),
            description: text(&o.option.description),
            category: o.option.category.as_str().to_owned(),
            maintenance_linked: o.maintenance_linked,
            offers: o.offers.iter().map(OfferOut::from).collect(),
            status: o.status.into(),
        }
    }
}

/// Whether the car is connected, as last heard.
#[derive(Debug, Serialize, ToSchema)]
pub struct CarConnectivityOut {
    /// `online`, `offline` or `unknown` (never heard from).
    pub presence: String,
    /// Last time the car was heard from (presence or state report).
    pub last_seen: Option<DateTime<Utc>>,
}

impl From<&Connectivity> for CarConnectivityOut {
    fn from(c: &Connectivity) -> Self {
        let presence = match c.presence {
            Presence::Online => "online",
            Presence::Offline => "offline",
            Presence::Unknown => "unknown",
        };
        Self {
            presence: presence.to_owned(),
            last_seen: c.last_seen,
        }
    }
}

/// One car's feature store.
#[derive(Debug, Serialize, ToSchema)]
pub struct CarCatalogueOut {
    /// `veh_…`.
    pub vehicle_id: String,
    /// VIN.
    pub vin: String,
    /// Plataforma base.
    pub platform_code: String,
    /// Options can be bought now (the order is OPERATIONAL).
    pub operational: bool,
    /// Connectivity.
    pub connectivity: CarConnectivityOut,
    /// Options of the plataforma the car reports as configurable and that
    /// are not in the plan comercial.
    pub options: Vec<StoreOptionOut>,
    /// The owner's purchases for this car, newest first.
    pub purchases: Vec<PurchaseOut>,
}

impl From<&StoreView> for CarCatalogueOut {
    fn from(s: &StoreView) -> Self {
        Self {
            vehicle_id: s.vehicle_id.to_string(),
            vin: s.vin.clone(),
            platform_code: s.platform_code.clone(),
            operational: s.operational,
            connectivity: (&s.connectivity).into(),
            options: s.options.iter().map(StoreOptionOut::from).collect(),
            purchases: s.purchases.iter().map(PurchaseOut::from).collect(),
        }
    }
}
