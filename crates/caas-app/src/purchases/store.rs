//! The feature store of one car (issue 11): the options of its plataforma
//! base that the car reports as configurable and that are not in its plan
//! comercial, each with its sellable offers and its state for this car,
//! plus the car's connectivity and the owner's purchases — one read
//! snapshot, so the pages and the API decide nothing themselves.

use super::confirm::car_facts;
use crate::catalogue::load_catalogue;
use crate::error::AppResult;
use crate::App;
use caas_domain::account::Account;
use caas_domain::catalogue::{CatalogueOption, Offer};
use caas_domain::ids::{OrderId, VehicleId};
use caas_domain::order::OrderState;
use caas_domain::purchase::eligibility::configurable;
use caas_domain::purchase::store::{option_status, OptionStatus};
use caas_domain::purchase::Purchase;
use caas_domain::vehicle::Vehicle;
use chrono::{DateTime, Utc};

/// Whether the car is connected, as last heard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Connected to the broker.
    Online,
    /// Disconnected.
    Offline,
    /// Never heard from.
    Unknown,
}

/// The car's connectivity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connectivity {
    /// Online, offline or unknown.
    pub presence: Presence,
    /// The latest of the presence time and the last state report's time.
    pub last_seen: Option<DateTime<Utc>>,
}

/// One option on sale for the car.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreOption {
    /// The option (its name, description and category).
    pub option: CatalogueOption,
    /// The offers sold now (active, time-limited or lifetime).
    pub offers: Vec<Offer>,
    /// Whether buying it depends on maintenance being current (VSS).
    pub maintenance_linked: bool,
    /// Its state for this car.
    pub status: OptionStatus,
}

/// The store of one car.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreView {
    /// The car.
    pub vehicle_id: VehicleId,
    /// Its VIN.
    pub vin: String,
    /// Its plataforma base.
    pub platform_code: String,
    /// The car's order (the vehicle page).
    pub order_id: OrderId,
    /// Options can be bought (the order is OPERATIONAL).
    pub operational: bool,
    /// Connectivity.
    pub connectivity: Connectivity,
    /// The options on sale, in catalogue order.
    pub options: Vec<StoreOption>,
    /// The owner's purchases for this car, newest first.
    pub purchases: Vec<Purchase>,
}

/// The car's connectivity from its last presence and state report.
pub fn connectivity(v: &Vehicle) -> Connectivity {
    let presence = match v.presence.as_ref().map(|p| p.status.as_str()) {
        Some("online") => Presence::Online,
        Some(_) => Presence::Offline,
        None => Presence::Unknown,
    };
    let heard = v.presence.as_ref().and_then(|p| p.at).or(v.presence_at);
    let reported = v.last_state.as_ref().map(|s| s.reported_at);
    Connectivity {
        presence,
        last_seen: heard.max(reported),
    }
}

/// The store of the caller's car `vehicle_id` (404 for anyone else's).
#[tracing::instrument(skip_all, fields(vehicle = %vehicle_id, customer = %customer.id))]
pub async fn view_store(
    app: &App,
    customer: &Account,
    vehicle_id: &VehicleId,
) -> AppResult<StoreView> {
    let facts = car_facts(app, customer, vehicle_id).await?;
    let catalogue = load_catalogue(app).await?;
    let now = app.clock.now();
    let mut purchases: Vec<Purchase> = facts
        .purchases
        .into_iter()
        .filter(|p| p.customer_id == customer.id)
        .collect();
    purchases.sort_by_key(|p| std::cmp::Reverse(p.created_at));
    let v = &facts.vehicle;
    let plan = &facts.order.plan.option_codes;
    let options = catalogue
        .options_for(&v.platform_code)
        .into_iter()
        .filter(|o| o.active && !plan.contains(&o.code) && configurable(v, &o.iot_feature))
        .map(|o| StoreOption {
            offers: o
                .offers
                .iter()
                .filter(|x| x.active && x.pricing.sold_now())
                .cloned()
                .collect(),
            maintenance_linked: o.maintenance.is_some(),
            status: option_status(&purchases, &o.code, now),
            option: o.clone(),
        })
        .filter(|o| !o.offers.is_empty() || o.status != OptionStatus::Available)
        .collect();
    Ok(StoreView {
        vehicle_id: v.id.clone(),
        vin: v.vin.clone(),
        platform_code: v.platform_code.clone(),
        order_id: facts.order.id.clone(),
        operational: facts.order.state == OrderState::Operational,
        connectivity: connectivity(v),
        options,
        purchases,
    })
}

/// Why a purchase was refused by its checks, in both languages, from the
/// stable code it keeps (`maintenance_required:brakes,tyres`…); `None` when
/// the reason is not a refusal of the checks (a decline, a car's error).
pub fn refusal_of(p: &Purchase) -> Option<crate::refusal::Refusal> {
    use caas_domain::purchase::eligibility::PurchaseRefusal as R;
    let reason = p.reason.as_deref()?;
    let (code, rest) = reason.split_once(':').unwrap_or((reason, ""));
    let r = match code {
        "vehicle_not_operational" => R::NotOperational,
        "option_not_offered" => R::NotOffered,
        "feature_not_configurable" => R::NotConfigurable,
        "option_in_plan" => R::InPlan,
        "option_removed" => R::Removed,
        "purchase_in_progress" => R::InProgress,
        "already_for_life" => R::AlreadyForLife,
        "maintenance_unknown" => R::MaintenanceUnknown,
        "maintenance_required" => R::Maintenance {
            blocks: rest
                .split(',')
                .filter(|b| !b.is_empty())
                .map(str::to_owned)
                .collect(),
        },
        _ => return None,
    };
    let name = &p.item.option_name;
    Some(super::refusals::refusal(&r, &name.es, &name.en))
}
