//! Payments (SPEC §4.4) as far as the señal needs them: one row per attempt,
//! an idempotency key fixed at creation and reused on every gateway call,
//! and the state the gateway's answers and webhooks move it through.

use crate::ids::{AccountId, OrderId, PaymentId};
use crate::money::Money;
use crate::DomainError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a payment pays for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PaymentKind {
    /// Reservation deposit.
    Senal,
    /// Rest of the vehicle price.
    Final,
}

impl PaymentKind {
    /// Every kind (the store's CHECK constraint lists the same names).
    pub const ALL: [Self; 2] = [Self::Senal, Self::Final];

    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Senal => "SENAL",
            Self::Final => "FINAL",
        }
    }
}

/// Where the payment was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentChannel {
    /// By staff at the dealership.
    Dealership,
    /// By the customer in the portal.
    Online,
}

/// State of a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PaymentState {
    /// Created; the gateway's answer is not known yet (or `processing`).
    Created,
    /// Captured by the gateway: paid, not yet settled.
    Captured,
    /// Settled by the card networks.
    Settled,
    /// Declined: final for this attempt.
    Declined,
    /// Settlement failed or charged back.
    SettlementFailed,
}

impl PaymentState {
    /// Every state (the store's CHECK constraint lists the same names).
    pub const ALL: [Self; 5] = [
        Self::Created,
        Self::Captured,
        Self::Settled,
        Self::Declined,
        Self::SettlementFailed,
    ];

    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "CREATED",
            Self::Captured => "CAPTURED",
            Self::Settled => "SETTLED",
            Self::Declined => "DECLINED",
            Self::SettlementFailed => "SETTLEMENT_FAILED",
        }
    }

    /// Counts as money received (captured or later).
    pub fn is_paid(self) -> bool {
        matches!(
            self,
            Self::Captured | Self::Settled | Self::SettlementFailed
        )
    }
}

/// What the gateway said, as the payment sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GatewayOutcome {
    /// `succeeded`.
    Captured,
    /// `processing` / unknown yet.
    Pending,
    /// Declined with a code.
    Declined {
        /// `insufficient_funds`…
        code: String,
        /// Gateway message.
        message: String,
    },
    /// `payment_intent.settled`.
    Settled,
    /// `settlement_failed` or `chargeback`.
    SettlementFailed {
        /// Failure code.
        code: String,
    },
}

/// A payment attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// Identifier.
    pub id: PaymentId,
    /// Order paid for.
    pub order_id: OrderId,
    /// Payer.
    pub customer_id: AccountId,
    /// Kind.
    pub kind: PaymentKind,
    /// Amount.
    pub amount: Money,
    /// State.
    pub state: PaymentState,
    /// Started at the dealership or online.
    pub channel: PaymentChannel,
    /// Who started it (staff or the customer).
    pub started_by: AccountId,
    /// Card token or saved method (`tok_…`/`pm_…`), never card data; kept so a
    /// retry sends the identical body under the same key.
    pub payment_method: String,
    /// Idempotency key of every gateway call for this payment.
    pub idempotency_key: String,
    /// `pi_…` once known.
    pub intent_id: Option<String>,
    /// Decline code.
    pub decline_code: Option<String>,
    /// Decline or failure message.
    pub failure_message: Option<String>,
    /// Highest gateway event sequence applied.
    pub last_sequence: i64,
    /// Optimistic version: every update writes `version + 1` over `version`
    /// (documents written before versioning read as 0).
    #[serde(default)]
    pub version: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl Payment {
    /// Applies a gateway outcome; returns whether the payment became captured
    /// now (so the caller issues the invoice and moves the order exactly once).
    pub fn apply(
        &mut self,
        outcome: &GatewayOutcome,
        at: DateTime<Utc>,
    ) -> Result<bool, DomainError> {
        use PaymentState::*;
        let before = self.state;
        self.state = match (before, outcome) {
            (Created, GatewayOutcome::Captured) => Captured,
            (Created, GatewayOutcome::Pending) => Created,
            (Created, GatewayOutcome::Declined { code, message }) => {
                self.decline_code = Some(code.clone());
                self.failure_message = Some(message.clone());
                Declined
            }
            (Created | Captured, GatewayOutcome::Settled) => Settled,
            (Created | Captured | Settled, GatewayOutcome::SettlementFailed { code }) => {
                self.failure_message = Some(code.clone());
                SettlementFailed
            }
            // Late or repeated news never regresses a payment.
            (
                Captured | Settled | SettlementFailed,
                GatewayOutcome::Captured | GatewayOutcome::Pending,
            ) => before,
            (Settled | SettlementFailed, GatewayOutcome::Settled) => before,
            (SettlementFailed, GatewayOutcome::SettlementFailed { .. }) => before,
            (Declined, GatewayOutcome::Declined { .. } | GatewayOutcome::Pending) => before,
            (s, o) => {
                return Err(DomainError::Transition(format!(
                    "payment {} cannot take {o:?}",
                    s.as_str()
                )))
            }
        };
        self.updated_at = at;
        // A settlement that arrives first still means the money was captured.
        Ok(before == Created && self.state.is_paid())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn p() -> Payment {
        Payment {
            id: PaymentId::new(),
            order_id: OrderId::new(),
            customer_id: AccountId::new(),
            kind: PaymentKind::Senal,
            amount: Money::new(100_000, Currency::EUR).unwrap(),
            state: PaymentState::Created,
            channel: PaymentChannel::Online,
            started_by: AccountId::new(),
            payment_method: "tok_test_ok".into(),
            idempotency_key: "k".into(),
            intent_id: None,
            decline_code: None,
            failure_message: None,
            last_sequence: 0,
            version: 0,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn capture_is_reported_once_and_never_regresses() {
        let mut x = p();
        assert!(x.apply(&GatewayOutcome::Captured, Utc::now()).unwrap());
        assert!(!x.apply(&GatewayOutcome::Captured, Utc::now()).unwrap());
        assert!(!x.apply(&GatewayOutcome::Settled, Utc::now()).unwrap());
        assert!(!x.apply(&GatewayOutcome::Pending, Utc::now()).unwrap());
        assert_eq!(x.state, PaymentState::Settled);
    }

    #[test]
    fn a_decline_keeps_its_code_and_cannot_become_paid() {
        let mut x = p();
        let d = GatewayOutcome::Declined {
            code: "insufficient_funds".into(),
            message: "m".into(),
        };
        assert!(!x.apply(&d, Utc::now()).unwrap());
        assert_eq!(x.decline_code.as_deref(), Some("insufficient_funds"));
        assert!(x.apply(&GatewayOutcome::Captured, Utc::now()).is_err());
    }
}
