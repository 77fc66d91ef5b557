//! What an owner may buy for a car now (SVC-1, SVC-6, MNT-3..5, MNT-8), as
//! one pure function over the order, the car, the option, the car's other
//! purchases and the maintenance verdict. Every refusal has a stable code;
//! its Spanish and English texts are the application's.

use super::withdrawal::WithdrawalTerms;
use super::{Period, Purchase, PurchaseState, PurchasedItem};
use crate::catalogue::{CatalogueOption, PricingModel};
use crate::ids::{AccountId, OfferId, PurchaseId};
use crate::order::OrderState;
use crate::vehicle::Vehicle;
use chrono::{DateTime, Utc};

/// The maintenance verdict for one option (from VSS, MNT-3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MaintenanceCheck {
    /// The option depends on no maintenance.
    NotLinked,
    /// Every required block is current.
    Pass,
    /// These required blocks are not current.
    Blocked {
        /// VSS block names.
        blocks: Vec<String>,
    },
    /// VSS could not be asked and the option refuses then (MNT-8).
    TryLater,
}

/// Why an option cannot be bought now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PurchaseRefusal {
    /// The car is not OPERATIONAL yet (or any more).
    NotOperational,
    /// Not the caller's car (shown as not found).
    NotYours,
    /// The option or offer is not sold for this car.
    NotOffered,
    /// The car does not report the feature as configurable.
    NotConfigurable,
    /// Already part of the plan comercial (active for life).
    InPlan,
    /// Removed from this customer's catalogue after a withdrawal (CAN-8).
    Removed,
    /// A purchase of the same option is still being processed.
    InProgress,
    /// Already active for the life of the car.
    AlreadyForLife,
    /// Required maintenance is not current (MNT-3).
    Maintenance {
        /// The blocks to service.
        blocks: Vec<String>,
    },
    /// VSS is unreachable: try again later (MNT-8).
    MaintenanceUnknown,
}

impl PurchaseRefusal {
    /// Stable code (API problem `code`, purchase `reason`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotOperational => "vehicle_not_operational",
            Self::NotYours => "not_found",
            Self::NotOffered => "option_not_offered",
            Self::NotConfigurable => "feature_not_configurable",
            Self::InPlan => "option_in_plan",
            Self::Removed => "option_removed",
            Self::InProgress => "purchase_in_progress",
            Self::AlreadyForLife => "already_for_life",
            Self::Maintenance { .. } => "maintenance_required",
            Self::MaintenanceUnknown => "maintenance_unknown",
        }
    }
}

/// What an accepted purchase will be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eligible {
    /// The frozen item.
    pub item: PurchasedItem,
    /// When it runs.
    pub period: Period,
    /// The active purchase it extends.
    pub extends: Option<PurchaseId>,
    /// Withdrawal terms to show and keep.
    pub withdrawal: WithdrawalTerms,
}

/// Everything the decision needs.
#[derive(Debug, Clone, Copy)]
pub struct EligibilityInput<'a> {
    /// Who buys.
    pub caller: &'a AccountId,
    /// The customer of the car's order.
    pub order_customer: &'a AccountId,
    /// The order's state.
    pub order_state: OrderState,
    /// Options of the plan comercial (active for life, never sold).
    pub plan_options: &'a [String],
    /// The car.
    pub vehicle: &'a Vehicle,
    /// The option.
    pub option: &'a CatalogueOption,
    /// The offer chosen.
    pub offer_id: &'a OfferId,
    /// Option codes removed for this customer (CAN-8).
    pub removed: &'a [String],
    /// The car's purchases.
    pub purchases: &'a [Purchase],
    /// The maintenance verdict for this option.
    pub maintenance: &'a MaintenanceCheck,
    /// Now.
    pub now: DateTime<Utc>,
}

/// Whether the car reports `feature` among its configurable features.
pub fn configurable(vehicle: &Vehicle, feature: &str) -> bool {
    vehicle
        .last_state
        .as_ref()
        .is_some_and(|s| s.features.iter().any(|f| f.code == feature))
}

/// Decides a purchase of one offer (checks in the order a customer would
/// want to hear them: ownership first, maintenance last).
pub fn check(i: EligibilityInput<'_>) -> Result<Eligible, PurchaseRefusal> {
    if i.order_customer != i.caller || i.vehicle.customer() != Some(i.caller) {
        return Err(PurchaseRefusal::NotYours);
    }
    if i.order_state != OrderState::Operational {
        return Err(PurchaseRefusal::NotOperational);
    }
    let offer = i
        .option
        .offers
        .iter()
        .find(|o| &o.id == i.offer_id)
        .filter(|o| o.active && o.pricing.sold_now())
        .ok_or(PurchaseRefusal::NotOffered)?;
    if !i.option.active || !i.option.fits(&i.vehicle.platform_code) {
        return Err(PurchaseRefusal::NotOffered);
    }
    if i.plan_options.contains(&i.option.code) {
        return Err(PurchaseRefusal::InPlan);
    }
    if i.removed.contains(&i.option.code) {
        return Err(PurchaseRefusal::Removed);
    }
    if !configurable(i.vehicle, &i.option.iot_feature) {
        return Err(PurchaseRefusal::NotConfigurable);
    }
    let same: Vec<&Purchase> = i
        .purchases
        .iter()
        .filter(|p| p.item.option_code == i.option.code)
        .collect();
    if same.iter().any(|p| {
        matches!(
            p.state,
            PurchaseState::Requested
                | PurchaseState::Authorizing
                | PurchaseState::Activating
                | PurchaseState::RetryWait
        )
    }) {
        return Err(PurchaseRefusal::InProgress);
    }
    let running: Vec<&&Purchase> = same
        .iter()
        .filter(|p| p.state == PurchaseState::Active && p.period.ends_at.is_none_or(|e| e > i.now))
        .collect();
    if running.iter().any(|p| p.period.ends_at.is_none()) {
        return Err(PurchaseRefusal::AlreadyForLife);
    }
    match i.maintenance {
        MaintenanceCheck::NotLinked | MaintenanceCheck::Pass => {}
        MaintenanceCheck::Blocked { blocks } => {
            return Err(PurchaseRefusal::Maintenance {
                blocks: blocks.clone(),
            })
        }
        MaintenanceCheck::TryLater => return Err(PurchaseRefusal::MaintenanceUnknown),
    }
    let latest = running
        .iter()
        .filter_map(|p| p.period.ends_at.map(|e| (e, p.id.clone())))
        .max_by_key(|(e, _)| *e);
    let (starts_at, extends) = match (&offer.pricing, latest) {
        (PricingModel::TimeLimited { .. }, Some((end, id))) => (end, Some(id)),
        _ => (i.now, None),
    };
    let ends_at = match offer.pricing.length() {
        Some(length) => Some(
            length
                .end_from(starts_at)
                .ok_or(PurchaseRefusal::NotOffered)?,
        ),
        None => None,
    };
    Ok(Eligible {
        item: PurchasedItem {
            option_code: i.option.code.clone(),
            option_name: i.option.name.clone(),
            offer_id: offer.id.clone(),
            pricing: offer.pricing,
            price: offer.price,
            feature_code: i.option.iot_feature.clone(),
            config: i.option.iot_config.clone(),
        },
        period: Period { starts_at, ends_at },
        extends,
        withdrawal: WithdrawalTerms::for_pricing(&offer.pricing),
    })
}

#[cfg(test)]
mod tests;
