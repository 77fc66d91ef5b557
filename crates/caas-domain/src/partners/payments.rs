//! The card payment gateway port (`shared/contracts/payment-gateway.md`) in
//! the domain's terms: charges (create + confirm + automatic capture),
//! manual-capture authorizations, refunds and saved cards. The wire shapes
//! and status strings live in `caas_partners::payments::wire`.

use super::authorization::{
    AuthorizationAnswer, CancelError, CancelReason, CaptureAnswer, CaptureError, SavedCard,
};
use super::{CallError, RawEvent};
use async_trait::async_trait;
use std::collections::BTreeMap;
use thiserror::Error;

/// A card charge the platform asks of the gateway: created, confirmed and
/// captured in one call (señal, final payment). The wire shape and its
/// status strings are the gateway client's business (`caas-partners`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeRequest {
    /// Amount and currency.
    pub amount: crate::money::Money,
    /// Our customer id.
    pub customer_reference: String,
    /// Saved `pm_…` or a one-time `tok_…`.
    pub payment_method: String,
    /// Statement text.
    pub description: String,
    /// Echoed metadata (`purpose`, `order_reference`, `payment`).
    pub metadata: BTreeMap<String, String>,
}

/// What the gateway answered about a charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeAnswer {
    /// The gateway's intent (`pi_…`).
    pub intent_id: String,
    /// What it means for the payment.
    pub outcome: crate::payment::GatewayOutcome,
}

/// A charge or refund call that did not succeed.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum PaymentCallError {
    /// The card was declined: definitive for this attempt.
    #[error("card declined: {decline_code}")]
    Declined {
        /// `insufficient_funds`, `expired_card`, …
        decline_code: String,
        /// Gateway message.
        message: String,
        /// The intent, when the gateway named it.
        intent_id: Option<String>,
    },
    /// The request was refused as invalid (`payment_method_invalid`,
    /// `currency_not_supported`, a refund beyond the capture…).
    #[error("invalid {code}: {message}")]
    Invalid {
        /// Contract error code.
        code: String,
        /// Gateway message.
        message: String,
    },
    /// Anything else.
    #[error(transparent)]
    Call(#[from] CallError),
}

/// A refund the platform asks of the gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRequest {
    /// The captured intent.
    pub intent_id: String,
    /// How much (`None`: everything refundable).
    pub amount: Option<crate::money::Money>,
    /// `requested_by_customer`, `activation_failed`, `duplicate` or `other`.
    pub reason: String,
    /// Echoed back.
    pub metadata: BTreeMap<String, String>,
}

/// What the gateway answered about a refund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundAnswer {
    /// The gateway's refund (`re_…`).
    pub refund_id: String,
    /// Where it stands (the final state usually comes by webhook).
    pub state: crate::records::RefundState,
    /// Why it failed.
    pub failure_reason: Option<String>,
}

/// The card payment gateway (`shared/contracts/payment-gateway.md`).
#[async_trait]
pub trait PaymentGateway: Send + Sync + 'static {
    /// Creates and confirms a charge under idempotency key `key`.
    async fn charge(
        &self,
        req: &ChargeRequest,
        key: &str,
    ) -> Result<ChargeAnswer, PaymentCallError>;
    /// Reads a charge back; `None` when the gateway does not know it.
    async fn find_charge(&self, intent_id: &str) -> Result<Option<ChargeAnswer>, CallError>;
    /// The events of a charge, in sequence order.
    async fn list_intent_events(&self, intent_id: &str) -> Result<Vec<RawEvent>, CallError>;
    /// Refunds a captured charge under idempotency key `key`.
    async fn refund(
        &self,
        req: &RefundRequest,
        key: &str,
    ) -> Result<RefundAnswer, PaymentCallError>;

    /// Creates and confirms an intent with manual capture under key `key`:
    /// the card is authorized and held until [`PaymentGateway::capture`] or
    /// [`PaymentGateway::cancel`]. A decline is [`PaymentCallError::Declined`].
    async fn authorize(
        &self,
        req: &ChargeRequest,
        key: &str,
    ) -> Result<AuthorizationAnswer, PaymentCallError>;
    /// Captures an authorization (all of it when `amount` is `None`; a partial
    /// capture releases the rest; one capture per intent). A repeat under the
    /// same key returns the stored success.
    async fn capture(
        &self,
        intent_id: &str,
        amount: Option<crate::money::Money>,
        key: &str,
    ) -> Result<CaptureAnswer, CaptureError>;
    /// Voids an authorization (or an unconfirmed/declined intent); a repeat
    /// cancel is `Ok`. A captured payment must be refunded instead.
    async fn cancel(
        &self,
        intent_id: &str,
        reason: CancelReason,
        key: &str,
    ) -> Result<(), CancelError>;
    /// Reads an authorization back (to resolve a lost answer); `None` when the
    /// gateway does not know the intent.
    async fn find_authorization(
        &self,
        intent_id: &str,
    ) -> Result<Option<AuthorizationAnswer>, CallError>;
    /// Saves the one-time token `token` of the gateway's hosted card fields as
    /// a reusable card of `customer_reference` under key `key`; an unknown,
    /// used or expired token is [`PaymentCallError::Invalid`] (`token_invalid`).
    async fn save_card(
        &self,
        customer_reference: &str,
        token: &str,
        key: &str,
    ) -> Result<SavedCard, PaymentCallError>;
    /// The saved cards of a customer, oldest first.
    async fn list_cards(&self, customer_reference: &str) -> Result<Vec<SavedCard>, CallError>;
    /// Deletes a saved card; `false` when the gateway does not know it.
    async fn delete_card(&self, id: &str) -> Result<bool, CallError>;
}
