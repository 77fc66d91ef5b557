//! How an option is sold: pricing offers (SVC-3) with their period length,
//! and the option's maintenance dependency on VSS (MNT-2, MNT-8).

use crate::ids::OfferId;
use crate::money::Money;
use crate::DomainError;
use chrono::{DateTime, Months, Utc};
use serde::{Deserialize, Serialize};

/// Unit of a period length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodUnit {
    /// Calendar days.
    Day,
    /// Weeks of seven days.
    Week,
    /// Calendar months (same day of the month, clamped to its end).
    Month,
    /// Calendar years.
    Year,
}

impl PeriodUnit {
    /// Every unit.
    pub const ALL: [Self; 4] = [Self::Day, Self::Week, Self::Month, Self::Year];

    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
            Self::Year => "year",
        }
    }

    /// From the wire name.
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|u| u.as_str() == s.trim())
            .ok_or_else(|| DomainError::invalid("unit", "use day, week, month or year"))
    }
}

/// The length of a time-limited period: `count` units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodLength {
    /// How many units (1–999).
    pub count: u32,
    /// Which unit.
    pub unit: PeriodUnit,
}

impl PeriodLength {
    /// `count` days.
    pub const fn days(count: u32) -> Self {
        Self {
            count,
            unit: PeriodUnit::Day,
        }
    }

    /// A length as an administrator entered it.
    pub fn parse(count: &str, unit: &str) -> Result<Self, DomainError> {
        let unit = PeriodUnit::parse(unit)?;
        match count.trim().parse::<u32>() {
            Ok(count @ 1..=999) => Ok(Self { count, unit }),
            _ => Err(DomainError::invalid(
                "count",
                "use a whole number from 1 to 999",
            )),
        }
    }

    /// The end of a period of this length starting at `start` (`None` only
    /// past the calendar's end).
    pub fn end_from(&self, start: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let n = self.count;
        match self.unit {
            PeriodUnit::Day => start.checked_add_signed(chrono::Duration::days(n.into())),
            PeriodUnit::Week => start.checked_add_signed(chrono::Duration::days(7 * i64::from(n))),
            PeriodUnit::Month => start.checked_add_months(Months::new(n)),
            PeriodUnit::Year => start.checked_add_months(Months::new(n.saturating_mul(12))),
        }
    }

    /// Whether every period of this length is 14 days or shorter (CAN-3,
    /// OP-12: exactly 14 days counts as short). Months and years never are.
    pub fn at_most_14_days(&self) -> bool {
        match self.unit {
            PeriodUnit::Day => self.count <= 14,
            PeriodUnit::Week => self.count <= 2,
            PeriodUnit::Month | PeriodUnit::Year => false,
        }
    }
}

/// Pricing model of an offer (SVC-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "snake_case")]
pub enum PricingModel {
    /// A period of fixed length.
    TimeLimited {
        /// Length of the period.
        length: PeriodLength,
    },
    /// Until the end of the vehicle's life.
    Lifetime,
    /// Monthly subscription billed in arrears.
    Subscription,
    /// One period starting at a chosen date.
    Planned {
        /// Length of the period.
        length: PeriodLength,
    },
    /// A period repeated on a schedule.
    Recurring {
        /// Length of each occurrence.
        length: PeriodLength,
    },
}

impl PricingModel {
    /// Wire name of the model.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::TimeLimited { .. } => "time_limited",
            Self::Lifetime => "lifetime",
            Self::Subscription => "subscription",
            Self::Planned { .. } => "planned",
            Self::Recurring { .. } => "recurring",
        }
    }

    /// The period length, for the models that have one.
    pub fn length(&self) -> Option<PeriodLength> {
        match self {
            Self::TimeLimited { length }
            | Self::Planned { length }
            | Self::Recurring { length } => Some(*length),
            Self::Lifetime | Self::Subscription => None,
        }
    }

    /// Whether the feature store sells this model today (immediate purchases:
    /// time-limited and lifetime; the rest are stored for the next release).
    pub fn sold_now(&self) -> bool {
        matches!(self, Self::TimeLimited { .. } | Self::Lifetime)
    }
}

/// One way to buy an option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    /// Identifier.
    pub id: OfferId,
    /// Pricing model.
    pub pricing: PricingModel,
    /// Price per period (per month for subscriptions).
    pub price: Money,
    /// Available to new purchases.
    pub active: bool,
}

/// What to do when VSS cannot be asked and no usable copy exists (MNT-8, OP-7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum WhenVssUnreachable {
    /// Refuse the option with "try again later" (the default, fail closed).
    #[default]
    Refuse,
    /// Sell it anyway.
    Allow,
}

/// An option's dependency on maintenance (MNT-2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaintenanceDependency {
    /// VSS functional blocks (`brakes`, `adas_sensors`, …) that must be current.
    pub blocks: Vec<String>,
    /// Minimum compliance % of each block (ADM-2 default 100).
    pub threshold_percent: u8,
    /// Behaviour when VSS is unreachable.
    pub when_unreachable: WhenVssUnreachable,
}

impl MaintenanceDependency {
    /// Default threshold (ADM-2).
    pub const DEFAULT_THRESHOLD: u8 = 100;

    /// A dependency on `blocks` with the defaults; `None` when `blocks` is empty.
    pub fn on(blocks: Vec<String>) -> Option<Self> {
        (!blocks.is_empty()).then_some(Self {
            blocks,
            threshold_percent: Self::DEFAULT_THRESHOLD,
            when_unreachable: WhenVssUnreachable::Refuse,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn period_ends_follow_the_calendar() {
        let jan31 = Utc.with_ymd_and_hms(2027, 1, 31, 10, 0, 0).unwrap();
        let month = PeriodLength {
            count: 1,
            unit: PeriodUnit::Month,
        };
        assert_eq!(
            month.end_from(jan31).unwrap(),
            Utc.with_ymd_and_hms(2027, 2, 28, 10, 0, 0).unwrap()
        );
        assert_eq!(
            PeriodLength::days(30).end_from(jan31).unwrap(),
            Utc.with_ymd_and_hms(2027, 3, 2, 10, 0, 0).unwrap()
        );
        let year = PeriodLength {
            count: 1,
            unit: PeriodUnit::Year,
        };
        assert_eq!(
            year.end_from(jan31).unwrap(),
            Utc.with_ymd_and_hms(2028, 1, 31, 10, 0, 0).unwrap()
        );
    }

    #[test]
    fn fourteen_days_or_two_weeks_count_as_short() {
        assert!(PeriodLength::days(14).at_most_14_days());
        assert!(!PeriodLength::days(15).at_most_14_days());
        assert!(PeriodLength {
            count: 2,
            unit: PeriodUnit::Week
        }
        .at_most_14_days());
        assert!(!PeriodLength {
            count: 3,
            unit: PeriodUnit::Week
        }
        .at_most_14_days());
        assert!(!PeriodLength {
            count: 1,
            unit: PeriodUnit::Month
        }
        .at_most_14_days());
    }

    #[test]
    fn lengths_are_parsed_with_clear_errors() {
        assert_eq!(
            PeriodLength::parse("30", "day").unwrap(),
            PeriodLength::days(30)
        );
        assert!(PeriodLength::parse("0", "day").is_err());
        assert!(PeriodLength::parse("3", "fortnight").is_err());
    }
}
