//! The car's digital twin (issue 11 item 8): what caas believes each option
//! feature of a car should be — from its purchases — beside what the car
//! last reported (seq-ordered), and the corrections that close the gap
//! both ways: enabled without entitlement → `feature.disable`; entitled
//! but disabled before its end → `feature.enable`.
//!
//! Only option features of [`CarFeatures`] are ever looked at, so a
//! plataforma base or plan comercial feature cannot be corrected (OTA-9).
//! A feature whose purchase is in flight or changed moments ago, or whose
//! period ends (or ended) within the expiry grace, is left alone: the saga
//! owns it then.

mod record;

pub use record::{CorrectionRecord, CorrectionStatus};

use super::{Purchase, PurchaseState};
use crate::fleet::{CarFeatures, FeatureState, OptionFeature};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value};

/// How long reconciliation keeps its hands off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TwinGrace {
    /// After any change of a purchase of the feature.
    pub settle: Duration,
    /// Around the end of a time-limited period.
    pub expiry: Duration,
}

impl Default for TwinGrace {
    fn default() -> Self {
        Self {
            settle: Duration::minutes(2),
            expiry: Duration::minutes(5),
        }
    }
}

/// Why a feature is left alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hold {
    /// A purchase of it is being processed (checks, payment, command).
    InFlight,
    /// A purchase of it changed within the settle grace.
    Settling,
    /// A period of it ends or ended within the expiry grace (or the expiry
    /// saga has not closed it yet).
    Expiring,
}

/// What caas believes a feature should be.
#[derive(Debug, Clone, PartialEq)]
pub enum Desired {
    /// On, until `valid_until` (`None`: for life), with the purchase's config.
    Enabled {
        /// Self-expiry to send.
        valid_until: Option<DateTime<Utc>>,
        /// `config` of the purchase.
        config: Option<Map<String, Value>>,
    },
    /// Off: no entitlement.
    Disabled,
    /// Not to be corrected now.
    Held(Hold),
}

/// One option feature: desired beside reported.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureTwin {
    /// The feature.
    pub feature: OptionFeature,
    /// What caas believes.
    pub desired: Desired,
    /// What the car last reported (`None`: not in its firmware report).
    pub reported: Option<FeatureState>,
}

/// Which way a correction goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CorrectionAction {
    /// `feature.enable` (entitled but disabled).
    Enable,
    /// `feature.disable` (enabled without entitlement).
    Disable,
}

impl CorrectionAction {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Enable => "enable",
            Self::Disable => "disable",
        }
    }

    /// Parses [`Self::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "enable" => Some(Self::Enable),
            "disable" => Some(Self::Disable),
            _ => None,
        }
    }
}

/// A correction to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Correction {
    /// The feature.
    pub feature: OptionFeature,
    /// Which way.
    pub action: CorrectionAction,
    /// For an enable: self-expiry.
    pub valid_until: Option<DateTime<Utc>>,
    /// For an enable: config.
    pub config: Option<Map<String, Value>>,
}

fn in_flight(s: PurchaseState) -> bool {
    matches!(
        s,
        PurchaseState::Requested
            | PurchaseState::Authorizing
            | PurchaseState::Activating
            | PurchaseState::RetryWait
            | PurchaseState::Deactivating
    )
}

/// What `feature` should be at `now`, from the car's `purchases`.
pub fn desired(
    feature: &OptionFeature,
    purchases: &[Purchase],
    now: DateTime<Utc>,
    grace: TwinGrace,
) -> Desired {
    let mine: Vec<&Purchase> = purchases
        .iter()
        .filter(|p| p.item.feature_code == feature.code())
        .collect();
    if mine.iter().any(|p| in_flight(p.state)) {
        return Desired::Held(Hold::InFlight);
    }
    if mine.iter().any(|p| p.updated_at > now - grace.settle) {
        return Desired::Held(Hold::Settling);
    }
    let active: Vec<&&Purchase> = mine
        .iter()
        .filter(|p| p.state == PurchaseState::Active)
        .collect();
    if let Some(p) = active.iter().find(|p| p.period.ends_at.is_none()) {
        return Desired::Enabled {
            valid_until: None,
            config: p.item.config.clone(),
        };
    }
    let Some(last) = active.iter().max_by_key(|p| p.period.ends_at) else {
        return Desired::Disabled;
    };
    match last.period.ends_at {
        Some(end) if end - grace.expiry > now => Desired::Enabled {
            valid_until: Some(end),
            config: last.item.config.clone(),
        },
        _ => Desired::Held(Hold::Expiring),
    }
}

/// The twin of every option feature of the car against its latest report.
pub fn twin(
    features: &CarFeatures,
    purchases: &[Purchase],
    reported: &[FeatureState],
    now: DateTime<Utc>,
    grace: TwinGrace,
) -> Vec<FeatureTwin> {
    features
        .options()
        .iter()
        .map(|f| FeatureTwin {
            feature: f.clone(),
            desired: desired(f, purchases, now, grace),
            reported: reported.iter().find(|r| r.code == f.code()).cloned(),
        })
        .collect()
}

/// The corrections the twin calls for (at most one per feature).
pub fn corrections(twins: &[FeatureTwin]) -> Vec<Correction> {
    twins
        .iter()
        .filter_map(|t| {
            let r = t.reported.as_ref()?;
            match (&t.desired, r.enabled) {
                (
                    Desired::Enabled {
                        valid_until,
                        config,
                    },
                    false,
                ) => Some(Correction {
                    feature: t.feature.clone(),
                    action: CorrectionAction::Enable,
                    valid_until: *valid_until,
                    config: config.clone(),
                }),
                (Desired::Disabled, true) => Some(Correction {
                    feature: t.feature.clone(),
                    action: CorrectionAction::Disable,
                    valid_until: None,
                    config: None,
                }),
                _ => None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
