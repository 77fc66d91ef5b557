//! The support queue (ADM-4): an escalation a purchase raised when the car
//! could not be brought to what was paid for, with its priority and, once
//! handled, the resolution the SUPPORT employee recorded. The diagnostic
//! package is read from the purchase itself (attempt log, confirming query,
//! payment), so the case holds only what the queue needs.

use crate::ids::{AccountId, OrderId, PurchaseId, SupportCaseId, VehicleId};
use chrono::{DateTime, Utc};

/// What went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SupportCaseKind {
    /// The feature could not be enabled: not charged, the customer waits.
    ActivationFailed,
    /// The feature could not be switched off after its period.
    DeactivationFailed,
}

impl SupportCaseKind {
    /// Every kind (the store's CHECK lists the same names).
    pub const ALL: [Self; 2] = [Self::ActivationFailed, Self::DeactivationFailed];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ActivationFailed => "activation_failed",
            Self::DeactivationFailed => "deactivation_failed",
        }
    }

    /// Parses [`Self::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// How urgent: a customer without what they bought comes first.
    pub fn priority(self) -> SupportPriority {
        match self {
            Self::ActivationFailed => SupportPriority::High,
            Self::DeactivationFailed => SupportPriority::Normal,
        }
    }
}

/// Priority in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SupportPriority {
    /// First.
    High,
    /// After the high ones.
    Normal,
}

impl SupportPriority {
    /// Every priority.
    pub const ALL: [Self; 2] = [Self::High, Self::Normal];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::High => "high",
            Self::Normal => "normal",
        }
    }

    /// Parses [`Self::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// How a case was closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolution {
    /// Who (a SUPPORT or ADMIN account).
    pub by: AccountId,
    /// When.
    pub at: DateTime<Utc>,
    /// What was done.
    pub text: String,
}

/// One escalation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupportCase {
    /// Identifier.
    pub id: SupportCaseId,
    /// What went wrong.
    pub kind: SupportCaseKind,
    /// Priority.
    pub priority: SupportPriority,
    /// The purchase (its diagnostic package).
    pub purchase_id: PurchaseId,
    /// The car.
    pub vehicle_id: VehicleId,
    /// The car's order.
    pub order_id: OrderId,
    /// One line for the queue (English facts).
    pub summary: String,
    /// Opened.
    pub opened_at: DateTime<Utc>,
    /// Closed, once resolved.
    pub resolution: Option<Resolution>,
}

/// Longest resolution text.
pub const MAX_RESOLUTION_CHARS: usize = 2000;

/// A resolution text, trimmed, 1 to [`MAX_RESOLUTION_CHARS`] characters.
pub fn parse_resolution(text: &str) -> Result<String, crate::DomainError> {
    let t = text.trim();
    if t.is_empty() || t.chars().count() > MAX_RESOLUTION_CHARS {
        return Err(crate::DomainError::invalid(
            "resolution",
            "describe what was done in 1 to 2000 characters",
        ));
    }
    Ok(t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_activation_comes_before_a_failed_switch_off() {
        assert!(
            SupportCaseKind::ActivationFailed.priority()
                < SupportCaseKind::DeactivationFailed.priority()
        );
        for k in SupportCaseKind::ALL {
            assert_eq!(SupportCaseKind::parse(k.as_str()), Some(k));
        }
        for p in SupportPriority::ALL {
            assert_eq!(SupportPriority::parse(p.as_str()), Some(p));
        }
    }

    #[test]
    fn a_resolution_needs_words_but_not_too_many() {
        assert_eq!(
            parse_resolution("  Replaced the module ").unwrap(),
            "Replaced the module"
        );
        assert!(parse_resolution("   ").is_err());
        assert!(parse_resolution(&"x".repeat(2001)).is_err());
    }
}
