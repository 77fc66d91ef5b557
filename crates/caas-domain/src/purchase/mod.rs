//! A purchase of one service (SPEC §4.2): an option of the car's plataforma
//! base bought under one offer, frozen at confirmation (SVC-12), paid by a
//! manual-capture authorisation that is captured only when the car
//! confirms the feature enabled (PAY-7/8) and voided otherwise.
//!
//! One aggregate serves every pricing model: `pricing` says which, `period`
//! when it runs, `schedule` (planned/recurring, next release) when it
//! starts, `payment` how it is paid. The machine is [`flow`], the contract's
//! timeout rules for one command are [`attempt`], what may be bought is
//! [`eligibility`], the withdrawal window is [`withdrawal`], the reminder before the end is
//! [`reminder`], desired versus reported is [`twin`], an option's state for the
//! store pages is [`store`].

pub mod attempt;
pub mod eligibility;
pub mod flow;
pub mod reminder;
pub mod store;
pub mod twin;
pub mod withdrawal;

use crate::catalogue::{Localized, PricingModel};
use crate::ids::{AccountId, BasketId, DealershipId, OfferId, OrderId, PurchaseId, VehicleId};
use crate::money::Money;
use attempt::CommandAttempt;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use withdrawal::WithdrawalTerms;

/// Where a purchase stands (SPEC §4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PurchaseState {
    /// Planned or recurring occurrence waiting for its start.
    Scheduled,
    /// Confirmed; checks not run yet.
    Requested,
    /// A check failed (final): nothing charged.
    Rejected,
    /// The card is being authorised.
    Authorizing,
    /// The card was declined (final): no command sent.
    PaymentDeclined,
    /// The enable command is out; waiting for the car.
    Activating,
    /// The last attempt failed; the next waits for its backoff.
    RetryWait,
    /// The car confirmed: captured, running.
    Active,
    /// Activation failed for good (final): authorisation voided.
    FailedNotCharged,
    /// Period over or withdrawn; the disable command is out.
    Deactivating,
    /// Ran to its end (final).
    Expired,
    /// Withdrawn by the customer (final).
    Withdrawn,
    /// A pending purchase cancelled by the customer (final).
    Cancelled,
}

impl PurchaseState {
    /// Every state (the store's CHECK lists the same names).
    pub const ALL: [Self; 13] = [
        Self::Scheduled,
        Self::Requested,
        Self::Rejected,
        Self::Authorizing,
        Self::PaymentDeclined,
        Self::Activating,
        Self::RetryWait,
        Self::Active,
        Self::FailedNotCharged,
        Self::Deactivating,
        Self::Expired,
        Self::Withdrawn,
        Self::Cancelled,
    ];

    /// Wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "SCHEDULED",
            Self::Requested => "REQUESTED",
            Self::Rejected => "REJECTED",
            Self::Authorizing => "AUTHORIZING",
            Self::PaymentDeclined => "PAYMENT_DECLINED",
            Self::Activating => "ACTIVATING",
            Self::RetryWait => "RETRY_WAIT",
            Self::Active => "ACTIVE",
            Self::FailedNotCharged => "FAILED_NOT_CHARGED",
            Self::Deactivating => "DEACTIVATING",
            Self::Expired => "EXPIRED",
            Self::Withdrawn => "WITHDRAWN",
            Self::Cancelled => "CANCELLED",
        }
    }

    /// No event moves it any more.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Self::Rejected
                | Self::PaymentDeclined
                | Self::FailedNotCharged
                | Self::Expired
                | Self::Withdrawn
                | Self::Cancelled
        )
    }

    /// The car is (or is being made) entitled to the feature: counts for
    /// overlapping purchases and for the desired state of the car.
    pub fn holds_feature(self) -> bool {
        matches!(self, Self::Activating | Self::RetryWait | Self::Active)
    }
}

/// What was bought, frozen at confirmation (SVC-12).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchasedItem {
    /// Catalogue option code.
    pub option_code: String,
    /// Its name when bought.
    pub option_name: Localized,
    /// The offer bought.
    pub offer_id: OfferId,
    /// Its pricing model.
    pub pricing: PricingModel,
    /// Its price.
    pub price: Money,
    /// IoT feature code.
    pub feature_code: String,
    /// `config` of `feature.enable`.
    pub config: Option<serde_json::Map<String, serde_json::Value>>,
}

/// When the service runs: from `starts_at` to `ends_at` (`None`: lifetime).
/// Planned at confirmation; an extension starts at the current end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End (`valid_until` of the command); `None` for lifetime.
    pub ends_at: Option<DateTime<Utc>>,
}

/// Where the service's money stands (SPEC §4.4, type SERVICE).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ServicePaymentState {
    /// Nothing asked of the gateway yet.
    Created,
    /// Authorised, not captured.
    Authorized,
    /// Declined.
    Declined,
    /// Captured after the car confirmed.
    Captured,
    /// Authorisation voided: never charged.
    Voided,
    /// The capture failed after activation (authorisation expired): the
    /// feature stays on and the debt is recorded for finance (PAY-9).
    Debt,
}

/// The payment of a purchase. Every gateway call uses a key derived from
/// the purchase id, so a repeat after a crash is the same call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchasePayment {
    /// Saved `pm_…` (or a one-time token in tests).
    pub payment_method: String,
    /// The gateway's intent once known.
    pub intent_id: Option<String>,
    /// State.
    pub state: ServicePaymentState,
    /// When the authorisation lapses.
    pub authorization_expires_at: Option<DateTime<Utc>>,
    /// Decline code, when declined.
    pub decline_code: Option<String>,
}

impl PurchasePayment {
    /// Idempotency key of the authorisation.
    pub fn authorize_key(id: &PurchaseId) -> String {
        format!("purchase-authorize-{id}")
    }
    /// Idempotency key of the capture.
    pub fn capture_key(id: &PurchaseId) -> String {
        format!("purchase-capture-{id}")
    }
    /// Idempotency key of the void.
    pub fn void_key(id: &PurchaseId) -> String {
        format!("purchase-void-{id}")
    }
}

/// One line of a purchase's history (shown in the expediente).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurchaseStep {
    /// When.
    pub at: DateTime<Utc>,
    /// The state entered.
    pub state: PurchaseState,
    /// Stable code of what happened (`checks_passed`, `hardware_fault`, …).
    pub note: String,
}

/// A purchase of one service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Purchase {
    /// Identifier.
    pub id: PurchaseId,
    /// The basket it was confirmed in.
    pub basket_id: BasketId,
    /// Owner.
    pub customer_id: AccountId,
    /// The vehicle's order (expediente).
    pub order_id: OrderId,
    /// The vehicle.
    pub vehicle_id: VehicleId,
    /// Its VIN.
    pub vin: String,
    /// Dealership of the sale (reports).
    pub dealership_id: DealershipId,
    /// What was bought.
    pub item: PurchasedItem,
    /// When it runs.
    pub period: Period,
    /// The purchase this one extends (bought while that one was active).
    pub extends: Option<PurchaseId>,
    /// Withdrawal terms shown at confirmation (CAN-2/3).
    pub withdrawal: WithdrawalTerms,
    /// State.
    pub state: PurchaseState,
    /// Why it was rejected or failed (stable code; texts in the app).
    pub reason: Option<String>,
    /// Payment.
    pub payment: PurchasePayment,
    /// Activation attempts made (1-based count of enable commands).
    pub attempts: u32,
    /// Attempts allowed (ADM-2, frozen at confirmation).
    pub max_attempts: u32,
    /// The enable or disable command in flight.
    pub command: Option<CommandAttempt>,
    /// The `state.query` in flight (rule 3, OTA-6).
    pub query: Option<CommandAttempt>,
    /// Every command sent, oldest first (support's attempt log).
    pub commands: Vec<CommandAttempt>,
    /// When the next attempt may start (RETRY_WAIT).
    pub retry_at: Option<DateTime<Utc>>,
    /// Activation failed for good and a `state.query` is confirming the
    /// feature is off before the purchase is closed (OTA-6).
    pub confirming_failure: bool,
    /// When the car confirmed the feature (the withdrawal window's start).
    pub activated_at: Option<DateTime<Utc>>,
    /// History.
    pub history: Vec<PurchaseStep>,
    /// Optimistic concurrency counter.
    pub version: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl Purchase {
    /// Moves to `state`, noting why in the history.
    pub fn enter(&mut self, state: PurchaseState, note: &str, at: DateTime<Utc>) {
        self.state = state;
        self.history.push(PurchaseStep {
            at,
            state,
            note: note.to_owned(),
        });
        self.updated_at = at;
    }

    /// Whether the purchase covers `at` (entitled and inside its period).
    pub fn covers(&self, at: DateTime<Utc>) -> bool {
        self.state.holds_feature()
            && self.period.starts_at <= at
            && self.period.ends_at.is_none_or(|end| at < end)
    }
}
