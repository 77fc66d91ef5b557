//! The withdrawal window of a service bought at a distance (CAN-2, CAN-3,
//! CAN-9, OP-10..12), computed only from recorded times.

use crate::catalogue::PricingModel;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Days of the statutory window.
pub const WINDOW_DAYS: i64 = 14;

/// When a purchase may be withdrawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum WithdrawalTerms {
    /// Contracted for more than 14 days (lifetime and subscriptions
    /// included): during the first 14 calendar days after activation.
    FirstDaysAfterActivation {
        /// Length of the window in days.
        days: i64,
    },
    /// Contracted for 14 days or less: at any moment while active.
    WhileActive,
}

impl WithdrawalTerms {
    /// The terms of a purchase under `pricing`.
    pub fn for_pricing(pricing: &PricingModel) -> Self {
        match pricing.length() {
            Some(length) if length.at_most_14_days() => Self::WhileActive,
            _ => Self::FirstDaysAfterActivation { days: WINDOW_DAYS },
        }
    }

    /// The last moment to withdraw, once activated at `activated_at` for a
    /// period ending at `period_end` (`None`: never ends).
    pub fn deadline(
        &self,
        activated_at: DateTime<Utc>,
        period_end: Option<DateTime<Utc>>,
    ) -> Option<DateTime<Utc>> {
        match self {
            Self::FirstDaysAfterActivation { days } => {
                let window = activated_at.checked_add_signed(Duration::days(*days));
                match (window, period_end) {
                    (Some(w), Some(end)) => Some(w.min(end)),
                    (w, _) => w,
                }
            }
            Self::WhileActive => period_end,
        }
    }

    /// Whether a request at `now` is inside the window.
    pub fn allows(
        &self,
        activated_at: DateTime<Utc>,
        period_end: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> bool {
        now >= activated_at
            && self
                .deadline(activated_at, period_end)
                .is_none_or(|d| now < d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{PeriodLength, PeriodUnit};
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 3, day, 12, 0, 0).unwrap()
    }

    #[test]
    fn a_week_can_be_withdrawn_while_it_runs_and_a_month_only_in_its_first_14_days() {
        let week = PricingModel::TimeLimited {
            length: PeriodLength::days(7),
        };
        let t = WithdrawalTerms::for_pricing(&week);
        assert_eq!(t, WithdrawalTerms::WhileActive);
        assert!(t.allows(at(1), Some(at(8)), at(7)));
        assert!(!t.allows(at(1), Some(at(8)), at(8)));

        let month = PricingModel::TimeLimited {
            length: PeriodLength {
                count: 1,
                unit: PeriodUnit::Month,
            },
        };
        let t = WithdrawalTerms::for_pricing(&month);
        assert_eq!(t, WithdrawalTerms::FirstDaysAfterActivation { days: 14 });
        assert!(t.allows(at(1), Some(at(31)), at(14)));
        assert!(!t.allows(at(1), Some(at(31)), at(15)));
    }

    #[test]
    fn exactly_fourteen_days_counts_as_short_and_lifetime_as_long() {
        let two_weeks = PricingModel::TimeLimited {
            length: PeriodLength::days(14),
        };
        assert_eq!(
            WithdrawalTerms::for_pricing(&two_weeks),
            WithdrawalTerms::WhileActive
        );
        let life = WithdrawalTerms::for_pricing(&PricingModel::Lifetime);
        assert_eq!(life.deadline(at(1), None), Some(at(15)));
        assert!(!life.allows(at(1), None, at(16)));
    }

    #[test]
    fn nothing_can_be_withdrawn_before_it_was_activated() {
        let t = WithdrawalTerms::WhileActive;
        assert!(!t.allows(at(5), Some(at(9)), at(4)));
    }
}
