//! Where an option of the feature store stands for one car, derived only
//! from the car's purchases: available, activating (a purchase is being
//! checked, authorised or switched on) or active until an end (none for
//! lifetime). The store pages and the API show this; they decide nothing.

use super::{Purchase, PurchaseState};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The state of one option for one car.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum OptionStatus {
    /// Nothing running or pending: it can be bought.
    Available,
    /// A purchase is requested, authorising, activating or waiting to retry.
    Activating,
    /// Running now, until `until` (`None`: for the life of the car). With
    /// an extension already active, `until` is the end of the last period.
    Active {
        /// End of the last running period.
        until: Option<DateTime<Utc>>,
    },
}

fn pending(s: PurchaseState) -> bool {
    matches!(
        s,
        PurchaseState::Requested
            | PurchaseState::Authorizing
            | PurchaseState::Activating
            | PurchaseState::RetryWait
    )
}

/// The status of `option_code` given the car's `purchases` at `now`. A
/// running period wins over a pending purchase (an extension bought while
/// active shows "active until" its current end).
pub fn option_status(
    purchases: &[Purchase],
    option_code: &str,
    now: DateTime<Utc>,
) -> OptionStatus {
    let same = || {
        purchases
            .iter()
            .filter(|p| p.item.option_code == option_code)
    };
    let running: Vec<&Purchase> = same()
        .filter(|p| p.state == PurchaseState::Active && p.period.ends_at.is_none_or(|e| e > now))
        .collect();
    if running.iter().any(|p| p.period.ends_at.is_none()) {
        return OptionStatus::Active { until: None };
    }
    if let Some(until) = running.iter().filter_map(|p| p.period.ends_at).max() {
        return OptionStatus::Active { until: Some(until) };
    }
    if same().any(|p| pending(p.state)) {
        return OptionStatus::Activating;
    }
    OptionStatus::Available
}

#[cfg(test)]
mod tests;
